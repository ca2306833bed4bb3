// The criteria screen's state: the catalogue list, the selected set and its sheet. Kept out of
// the components so the loading order (list, then the first set) is in one place.
import { getCriteria, listCriteria } from "$lib/api";
import type { AppError, CriteriaList, CriteriaSetView, SetSummary } from "$lib/bindings";
import { toAppError } from "$lib/errors";

export type SetKey = { id: string; version: string };

export function sameSet(a: SetKey | null, b: SetKey | null): boolean {
  return a !== null && b !== null && a.id === b.id && a.version === b.version;
}

export class CriteriaScreenState {
  // `raw`: the data is replaced whole, never edited in place; no need for deep proxies.
  list = $state.raw<CriteriaList | null>(null);
  listError = $state.raw<AppError | null>(null);
  listLoading = $state(false);

  selected = $state.raw<SetKey | null>(null);
  view = $state.raw<CriteriaSetView | null>(null);
  viewError = $state.raw<AppError | null>(null);
  viewLoading = $state(false);

  query = $state("");

  // Only the answer to the latest request is shown when the officer clicks quickly.
  #request = 0;

  /** Loads the list, then opens `first(sets)` so the window never starts empty. */
  async load(first: (sets: SetSummary[]) => SetSummary | undefined): Promise<void> {
    this.listLoading = true;
    this.listError = null;
    try {
      this.list = await listCriteria();
    } catch (error) {
      this.listError = toAppError(error);
      return;
    } finally {
      this.listLoading = false;
    }
    const initial = first(this.list.sets);
    if (initial && !this.selected) await this.open(initial);
  }

  async open(key: SetKey): Promise<void> {
    const request = ++this.#request;
    this.selected = { id: key.id, version: key.version };
    this.viewLoading = true;
    this.viewError = null;
    try {
      const view = await getCriteria(key.id, key.version);
      if (request !== this.#request) return;
      this.view = view;
    } catch (error) {
      if (request !== this.#request) return;
      this.view = null;
      this.viewError = toAppError(error);
    } finally {
      if (request === this.#request) this.viewLoading = false;
    }
  }

  retry(): Promise<void> | undefined {
    return this.selected ? this.open(this.selected) : undefined;
  }
}
