// Whether a criteria set is in force on a day, and which installed set is the current one for a
// product group. The same rules as the engine's `in_force` module (crates/core/src/in_force.rs),
// so the window, the command line and the server agree: a set applies from its `from` day (that
// day included) until its `until` day (excluded: the day the replacing decision took effect).
import type { Programme, SetSummary } from "$lib/bindings";

export type SetStanding = { state: "in_force" } | { state: "not_yet"; from: string } | { state: "ended"; until: string };

type Dated = Pick<SetSummary, "effective_from" | "effective_until">;

/** A `YYYY-MM-DD` day (or the day of a `YYYY-MM-DDT…` instant) that exists, else null. */
function readDay(text: string | null | undefined): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(T.*)?$/.exec(text ?? "");
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

/** Where `set` stands on `day`. A date that cannot be read does not count (never expired on a guess). */
export function standingOn(set: Dated, day: string): SetStanding {
  const today = readDay(day);
  if (!today) return { state: "in_force" };
  const from = readDay(set.effective_from);
  if (from && today < from) return { state: "not_yet", from };
  const until = readDay(set.effective_until);
  if (until && today >= until) return { state: "ended", until };
  return { state: "in_force" };
}

export function inForce(set: Dated, day: string): boolean {
  return standingOn(set, day).state === "in_force";
}

/** A set of `programme` made for the product group `productSet`. */
export function serves(set: SetSummary, programme: Programme | string, productSet: string): boolean {
  return set.programme === programme && set.product_sets.some((p) => p.code === productSet);
}

/** Versions in reading order: runs of digits compare as numbers (`2023.10` after `2023.9`). */
export function compareVersions(a: string, b: string): number {
  const chunks = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const [x, y] = [chunks(a), chunks(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const order = /^\d/.test(x[i]) && /^\d/.test(y[i]) ? compareNumbers(x[i], y[i]) : compareText(x[i], y[i]);
    if (order !== 0) return order;
  }
  return Math.sign(x.length - y.length);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Two runs of digits of any length as numbers (`010` and `10` equal in value, the shorter first). */
function compareNumbers(a: string, b: string): number {
  const [x, y] = [a.replace(/^0+/, ""), b.replace(/^0+/, "")];
  return Math.sign(x.length - y.length) || compareText(x, y) || Math.sign(a.length - b.length);
}

/** By `from` (a set with none is the oldest), then by version. */
function newer(a: SetSummary, b: SetSummary): number {
  const [fa, fb] = [readDay(a.effective_from) ?? "", readDay(b.effective_from) ?? ""];
  return fa < fb ? -1 : fa > fb ? 1 : compareVersions(a.version, b.version);
}

/**
 * The set to assess a product of `programme` and group `productSet` with on `day`: among the sets
 * made for that group, the one in force; when several are, the latest `from`, then the highest
 * version. Null when none is installed.
 */
export function currentSet(sets: SetSummary[], programme: Programme | string, productSet: string, day: string): SetSummary | null {
  return sets
    .filter((set) => serves(set, programme, productSet) && inForce(set, day))
    .reduce<SetSummary | null>((best, set) => (best === null || newer(set, best) > 0 ? set : best), null);
}
