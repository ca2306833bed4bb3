// Derived views of a criteria set for the sheet: subtotals, star band ranges, levels by scale,
// criteria under their group headings. Display only: scoring stays in the Rust rubric engine.
import type { Criterion, CriteriaSet, Group, Level, Part, Scale, Section } from "$lib/bindings";

export function criterionMax(criterion: Criterion): number {
  return criterion.levels.reduce((max, level) => Math.max(max, level.points), 0);
}

/** What the part's levels can really give (the sheet's own `max` may differ: a defect). */
export function partMax(part: Part): number {
  return part.sections.reduce((sum, section) => sum + section.criteria.reduce((s, c) => s + criterionMax(c), 0), 0);
}

/**
 * A section that is one criterion numbered like it, whose own text is blank or repeats the
 * section's name: the criterion shows under the section's heading without a title of its own.
 */
export function standsAlone(section: Section, criterion: Criterion): boolean {
  if (section.criteria.length !== 1 || criterion.code !== section.code) return false;
  const own = Object.entries(criterion.text ?? {}).filter(([, value]) => value.trim() !== "");
  const name: Record<string, string | undefined> = section.name ?? {};
  return own.every(([lang, value]) => name[lang]?.trim() === value.trim());
}

/** Every criterion of the set in sheet order. */
export function setCriteria(set: CriteriaSet): Criterion[] {
  return set.parts.flatMap((part) => part.sections.flatMap((section) => section.criteria));
}

export function partCriteriaCount(part: Part): number {
  return part.sections.reduce((n, section) => n + section.criteria.length, 0);
}

export type BandRange = { star: number; min: number; max: number | null };

/** "★★★ 50–69": each band runs up to the next band's minimum; the top band up to the maximum. */
export function bandRanges(set: CriteriaSet, maxTotal: number): BandRange[] {
  const bands = [...set.stars.bands].sort((a, b) => a.min - b.min);
  return bands.map((band, i) => ({
    star: band.star,
    min: band.min,
    max: i + 1 < bands.length ? bands[i + 1].min - 1 : maxTotal >= band.min ? maxTotal : null,
  }));
}

export type NumberedLevel = { position: number; level: Level };
export type ScaleLevels = { scale: Scale | null; levels: NumberedLevel[] };

/**
 * Levels numbered by their 1-based position in the sheet (what an answers file names), grouped
 * under their alternative scale when the criterion has several.
 */
export function levelsByScale(criterion: Criterion): ScaleLevels[] {
  const numbered = criterion.levels.map((level, i) => ({ position: i + 1, level }));
  const scales = criterion.scales ?? [];
  if (scales.length === 0) return [{ scale: null, levels: numbered }];
  const groups: ScaleLevels[] = scales.map((scale) => ({
    scale,
    levels: numbered.filter((n) => n.level.scale === scale.id),
  }));
  const loose = numbered.filter((n) => !scales.some((s) => s.id === n.level.scale));
  return loose.length > 0 ? [{ scale: null, levels: loose }, ...groups] : groups;
}

export type CriteriaRun = { group: Group | null; criteria: Criterion[] };

/** The section's criteria in order, cut into runs under their group heading (or none). */
export function criteriaRuns(section: Section): CriteriaRun[] {
  const groups = section.groups ?? [];
  const runs: CriteriaRun[] = [];
  for (const criterion of section.criteria) {
    const group = groups.find((g) => g.code === criterion.group) ?? null;
    const last = runs[runs.length - 1];
    if (last && last.group === group) last.criteria.push(criterion);
    else runs.push({ group, criteria: [criterion] });
  }
  return runs;
}
