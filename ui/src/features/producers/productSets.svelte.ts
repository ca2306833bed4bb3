// Product sets (product groups) a product can belong to, taken from the installed criteria
// sets: choosing one ties the product to the sheets that assess it. Loaded once, when a form
// first asks. The same list names the sets of assessments in lists.
import { listCriteria } from "$lib/api";
import type { ProductSet, ProgrammeRules, SetSummary } from "$lib/bindings";

export type ProductSetOption = ProductSet & { language: string };

const state = $state<{ sets: SetSummary[] | null; programmes: ProgrammeRules[]; failed: boolean }>({ sets: null, programmes: [], failed: false });
let loading = false;

function load(): void {
  if (loading || state.sets !== null) return;
  loading = true;
  queueMicrotask(() => {
    listCriteria()
      .then((list) => {
        state.sets = list.sets;
        state.programmes = list.programmes;
      })
      .catch(() => {
        state.failed = true;
        state.sets = [];
      })
      .finally(() => (loading = false));
  });
}

/** The product sets of a programme's installed sheets, each code once; `undefined` while loading. */
export function productSetOptions(programme: string): ProductSetOption[] | undefined {
  load();
  if (state.sets === null) return undefined;
  const seen = new Map<string, ProductSetOption>();
  for (const set of state.sets) {
    if (set.programme !== programme) continue;
    for (const ps of set.product_sets) if (!seen.has(ps.code)) seen.set(ps.code, { ...ps, language: set.language });
  }
  return [...seen.values()];
}

/** The product set with this code in the programme's sheets, if one is installed. */
export function findProductSet(programme: string | null, code: string | null): ProductSetOption | undefined {
  if (!programme || !code) return undefined;
  return productSetOptions(programme)?.find((ps) => ps.code === code);
}

/** An installed criteria set by id and version; `undefined` while loading, or when not installed. */
export function installedSet(id: string, version: string): SetSummary | undefined {
  load();
  return state.sets?.find((set) => set.id === id && set.version === version);
}

/** A programme level's name in `lang` (`provinsi`: "Tingkat provinsi"), whichever programme has it; the code while loading. */
export function levelName(code: string, lang: string): string {
  load();
  for (const rules of state.programmes) {
    const level = rules.levels.find((l) => l.code === code);
    if (level) return level.name[lang] ?? level.name["en"] ?? code;
  }
  return code;
}

/** For tests: forget what was loaded. */
export function resetProductSets(): void {
  state.programmes = [];
  state.sets = null;
  state.failed = false;
  loading = false;
}
