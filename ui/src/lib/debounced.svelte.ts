// A search as the officer types: waits a moment after the last key, asks once, and shows only
// the answer to the latest query (an older, slower answer never overwrites a newer one).
import type { AppError } from "$lib/bindings";
import { toAppError } from "$lib/errors";

export class DebouncedSearch<T> {
  query = $state("");
  /** The answer for `answered`; empty while nothing has been asked. */
  results = $state.raw<T[]>([]);
  /** The query the shown results answer (trimmed). */
  answered = $state("");
  searching = $state(false);
  error = $state.raw<AppError | null>(null);

  #fetch: (query: string) => Promise<T[]>;
  #delay: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #request = 0;

  constructor(fetch: (query: string) => Promise<T[]>, delay = 120) {
    this.#fetch = fetch;
    this.#delay = delay;
  }

  /** Whether there is a query at all (the results replace whatever shows otherwise). */
  get active(): boolean {
    return this.query.trim() !== "";
  }

  /** Call after `query` changed (an `oninput`, or a bound value's effect). */
  schedule(): void {
    clearTimeout(this.#timer);
    const query = this.query.trim();
    if (!query) {
      this.#request++;
      this.results = [];
      this.answered = "";
      this.searching = false;
      this.error = null;
      return;
    }
    this.searching = true;
    this.#timer = setTimeout(() => void this.run(query), this.#delay);
  }

  /** Asks again for the current query, now (after the scope of the search changed, say). */
  refresh(): Promise<void> {
    clearTimeout(this.#timer);
    const query = this.query.trim();
    if (!query) return Promise.resolve();
    return this.run(query);
  }

  clear(): void {
    this.query = "";
    this.schedule();
  }

  private async run(query: string): Promise<void> {
    const request = ++this.#request;
    this.searching = true;
    try {
      const results = await this.#fetch(query);
      if (request !== this.#request) return;
      this.results = results;
      this.answered = query;
      this.error = null;
    } catch (error) {
      if (request !== this.#request) return;
      this.results = [];
      this.answered = query;
      this.error = toAppError(error);
    } finally {
      if (request === this.#request) this.searching = false;
    }
  }
}
