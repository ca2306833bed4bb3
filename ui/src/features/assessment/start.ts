// Choosing the criteria set a product is assessed with: the sets made for its product set come
// first (its own programme's before another's), then the rest of its programme, then the others;
// within each, the sets in force on the visit's day before those that are not.
import type { Product, SetSummary } from "$lib/bindings";
import { currentSet, inForce } from "../criteria/inForce";

export type RankedSet = { set: SetSummary; fits: boolean };

type ProductGroup = Pick<Product, "programme" | "product_set">;

export function rankSets(sets: SetSummary[], product: ProductGroup, day?: string): RankedSet[] {
  const rank = (set: SetSummary) => {
    const fits = product.product_set !== null && set.product_sets.some((ps) => ps.code === product.product_set);
    const sameProgramme = product.programme !== null && set.programme === product.programme;
    const current = day === undefined || inForce(set, day);
    return (fits ? 0 : 4) + (sameProgramme ? 0 : 2) + (current ? 0 : 1);
  };
  return sets
    .map((set, i) => ({ set, i, rank: rank(set) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ set, rank }) => ({ set, fits: rank < 4 }));
}

/**
 * The set in force on `day` to use instead of `chosen`, one not in force: the current set of
 * `chosen`'s programme for the product's group (when the product is of that programme), else
 * for one of the groups `chosen` was made for. Null when none is installed.
 */
export function replacementFor(sets: SetSummary[], chosen: SetSummary, product: ProductGroup, day: string): SetSummary | null {
  const ownGroup = product.product_set !== null && (product.programme === null || product.programme === chosen.programme);
  const groups = ownGroup ? [product.product_set as string] : chosen.product_sets.map((p) => p.code);
  for (const group of groups) {
    const current = currentSet(sets, chosen.programme, group, day);
    if (current) return current;
  }
  return null;
}

export { today } from "$lib/day";

/** The name typed at the last start: fills the next start form when there is no officer profile. */
export const OFFICER_KEY = "ovop-field.officer";

/** The last round chosen (`2026-1`): the next start offers it again. */
export const ROUND_KEY = "ovop-field.round";

/** The last level chosen for a programme. */
export function levelKey(programme: string): string {
  return `ovop-field.level.${programme}`;
}

export const ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"];

/**
 * The round a date (`YYYY-MM-DD`) falls in when the programme holds `phases` rounds a year: the
 * year split in equal spans (two rounds: January to June is round 1). As the engine's
 * `Round::of_date`.
 */
export function roundOf(date: string, phases: number): { year: number; phase: number } | null {
  const match = /^(\d{4})-(\d{2})-\d{2}$/.exec(date);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  const spans = Math.min(12, Math.max(1, Math.trunc(phases)));
  return { year: Number(match[1]), phase: Math.floor(((month - 1) * spans) / 12) + 1 };
}

/** A round as stored (`2026-1`) read back, or null. */
export function parseRound(code: string | null | undefined): { year: number; phase: number } | null {
  const match = /^(\d{4})-(\d{1,2})$/.exec(code ?? "");
  if (!match) return null;
  const phase = Number(match[2]);
  return phase >= 1 && phase <= 12 ? { year: Number(match[1]), phase } : null;
}

/** A round as people read it: `2026-1` is "2026 · I". */
export function roundText(code: string): string {
  const round = parseRound(code);
  return round ? `${round.year} · ${ROMAN[round.phase - 1]}` : code;
}

/** The setting the office's announced rounds are kept in after a sync (see the sync's side). */
export const OFFICE_ROUNDS = "office.rounds";

/** A round the office runs a programme's assessments in now, as the server announced it. */
export type OfficeRound = { programme: string; round: string; level: string | null; set_at: string };

/** The office's rounds as kept (the setting's JSON); anything unreadable is left out. */
export function parseOfficeRounds(stored: string | undefined): OfficeRound[] {
  if (!stored) return [];
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): OfficeRound[] => {
    if (typeof item !== "object" || item === null) return [];
    const r = item as Record<string, unknown>;
    if (typeof r.programme !== "string" || typeof r.round !== "string" || !parseRound(r.round)) return [];
    return [
      {
        programme: r.programme,
        round: r.round,
        level: typeof r.level === "string" ? r.level : null,
        set_at: typeof r.set_at === "string" ? r.set_at : "",
      },
    ];
  });
}
