// How the list of sets is ordered, grouped and searched. Pure functions, tested directly.
import type { SetSummary } from "$lib/bindings";
import type { Lang } from "$lib/i18n/index.svelte";
import { matchesQuery } from "$lib/search";
import { pickText } from "$lib/text";
import { shownProgramme, type ShownProgramme } from "./labels";

/** The officer's own programme first: OVOP for Indonesian (and English), OCOP for Vietnamese. */
const PROGRAMME_ORDER: Record<Lang, ShownProgramme[]> = {
  id: ["ovop", "ocop", "other"],
  en: ["ovop", "ocop", "other"],
  vi: ["ocop", "ovop", "other"],
};

export type ProgrammeGroup = { programme: ShownProgramme; sets: SetSummary[] };

export function setName(set: SetSummary, lang: Lang): string {
  return pickText(set.name, lang, set.language).text || set.id;
}

/** Every text an officer might type to find a set: names in every language, product sets, id. */
function searchable(set: SetSummary): string[] {
  return [
    set.id,
    set.version,
    ...Object.values(set.name),
    ...set.product_sets.flatMap((p) => [p.code, ...Object.values(p.name)]),
  ];
}

export function groupSets(sets: SetSummary[], lang: Lang, query = ""): ProgrammeGroup[] {
  const matching = sets.filter((set) => matchesQuery(query, searchable(set)));
  return PROGRAMME_ORDER[lang]
    .map((programme) => ({
      programme,
      sets: matching
        .filter((set) => shownProgramme(set.programme) === programme)
        .sort(
          (a, b) =>
            setName(a, lang).localeCompare(setName(b, lang), lang, { numeric: true }) ||
            b.version.localeCompare(a.version, undefined, { numeric: true }),
        ),
    }))
    .filter((group) => group.sets.length > 0);
}

/** A set whose sheet does not add up, or that carries declared defects, gets a warning marker. */
export function needsAttention(set: SetSummary): boolean {
  return set.known_defects > 0 || (set.declared_max_total != null && set.declared_max_total !== set.max_total);
}
