// The criteria screen's state: the catalogue list, the selected set and its sheet. Kept out of
// the components so the loading order (list, then the first set) is in one place.
import { getCriteria, importCriteriaFile, listCriteria, pickCriteriaFile } from "$lib/api";
import type { AppError, CriteriaImport, CriteriaList, CriteriaSetView, SetSummary } from "$lib/bindings";
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

  // ---- Import from file ----------------------------------------------------------------------

  importing = $state(false);
  /** What the last import gave: its findings, and the set when it was installed. */
  imported = $state.raw<CriteriaImport | null>(null);
  importError = $state.raw<AppError | null>(null);

  /**
   * Lets the officer pick a criteria file, reads it, and shows what was found; a set that was
   * installed is listed and opened at once.
   */
  async importFile(dialogTitle: string): Promise<void> {
    const path = await pickCriteriaFile(dialogTitle);
    if (!path) return;
    this.importing = true;
    this.importError = null;
    this.imported = null;
    try {
      const imported = await importCriteriaFile(path);
      this.imported = imported;
      if (imported.summary) {
        this.list = await listCriteria();
        await this.open(imported.summary);
      }
    } catch (error) {
      this.importError = toAppError(error);
    } finally {
      this.importing = false;
    }
  }

  closeImport(): void {
    this.imported = null;
    this.importError = null;
  }
}
