// Choosing the criteria set a product is assessed with: the sets made for its product set come
// first (its own programme's before another's), then the rest of its programme, then the others.
import type { Product, SetSummary } from "$lib/bindings";

export type RankedSet = { set: SetSummary; fits: boolean };

export function rankSets(sets: SetSummary[], product: Pick<Product, "programme" | "product_set">): RankedSet[] {
  const rank = (set: SetSummary) => {
    const fits = product.product_set !== null && set.product_sets.some((ps) => ps.code === product.product_set);
    const sameProgramme = product.programme !== null && set.programme === product.programme;
    return (fits ? 0 : 2) + (sameProgramme ? 0 : 1);
  };
  return sets
    .map((set, i) => ({ set, i, rank: rank(set) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ set, rank }) => ({ set, fits: rank < 2 }));
}

/** Today on the laptop's calendar, as `YYYY-MM-DD`. */
export function today(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The name typed at the last start: fills the next start form when there is no officer profile. */
export const OFFICER_KEY = "ovop-field.officer";
