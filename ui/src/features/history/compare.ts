// A product's assessments side by side: the rounds in date order, the rows of the table (parts,
// then criteria by code, across every set the rounds used), each figure's change from the round
// before, and what a correction changed. Display only: every figure is the engine's result.
import type { AssessmentView, Criterion, Outcome, ScoreResult, Text } from "$lib/bindings";
import { isBlank } from "$lib/text";
import { setCriteria } from "../criteria/sheet";

/** The day a round counts for: its visit, else the day it was locked, else the day it was started. */
export function roundDate(view: AssessmentView): string {
  const a = view.assessment;
  return a.visit.assessed_on ?? (a.finalized_at ?? a.created_at).slice(0, 10);
}

/** The rounds oldest first; two on the same day in the order they were started. */
export function chronological(views: AssessmentView[]): AssessmentView[] {
  return [...views].sort(
    (a, b) =>
      roundDate(a).localeCompare(roundDate(b)) ||
      a.assessment.created_at.localeCompare(b.assessment.created_at) ||
      a.assessment.id.localeCompare(b.assessment.id),
  );
}

/** Printed codes in reading order: "1.2" before "1.10", "6.2.3" before "7", "9" before "10". */
export function compareCodes(a: string, b: string): number {
  const left = a.split(".");
  const right = b.split(".");
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = Number(left[i]);
    const y = Number(right[i]);
    const order = Number.isInteger(x) && Number.isInteger(y) ? x - y : left[i].localeCompare(right[i]);
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

/** A criterion's row; `text` is its section's name when the section is the criterion (`7`). */
export type CriterionRow = { code: string; text: Text; language: string };
export type PartRows = { code: string; name: Text; language: string; criteria: CriterionRow[] };

/**
 * The rows of the table: the parts in the newest set's order (then parts only older sets have),
 * each with its criteria by code. A code is listed once, under the part of the newest set that
 * has it, with that set's wording.
 */
export function tableRows(rounds: AssessmentView[]): PartRows[] {
  const parts = new Map<string, PartRows>();
  const seen = new Set<string>();
  for (const { set } of [...rounds].reverse()) {
    for (const part of set.parts) {
      let rows = parts.get(part.code);
      if (!rows) {
        rows = { code: part.code, name: part.name, language: set.language, criteria: [] };
        parts.set(part.code, rows);
      }
      for (const section of part.sections) {
        for (const criterion of section.criteria) {
          if (seen.has(criterion.code)) continue;
          seen.add(criterion.code);
          const text = isBlank(criterion.text) ? section.name : criterion.text;
          rows.criteria.push({ code: criterion.code, text, language: set.language });
        }
      }
    }
  }
  for (const rows of parts.values()) rows.criteria.sort((a, b) => compareCodes(a.code, b.code));
  return [...parts.values()];
}

/**
 * Whether a round's figures can be set against the round before: only under the same criteria
 * set (any version). Under another set the same code is another criterion and the totals run
 * to another maximum.
 */
export function comparable(before: AssessmentView | undefined, after: AssessmentView): boolean {
  return before !== undefined && before.set.id === after.set.id;
}

/** A criterion's outcome in a round; `null` when the round's set has no such criterion. */
export function outcomeOf(result: ScoreResult, code: string): Outcome | null {
  return result.criteria.find((c) => c.code === code)?.outcome ?? null;
}

/** The points a scored outcome gave; none when not applicable, knocked out or unanswered. */
export function pointsOf(outcome: Outcome | null): number | null {
  return outcome?.status === "scored" ? outcome.points : null;
}

/** `after − before` when both are figures. */
export function change(before: number | null | undefined, after: number | null | undefined): number | null {
  return before === null || before === undefined || after === null || after === undefined ? null : after - before;
}

/** Whether the criterion's own knock-out was triggered in this result. */
export function knockedOutHere(result: ScoreResult, code: string): boolean {
  return result.knockouts.some((hit) => !hit.gate && hit.criterion === code);
}

function sameOutcome(a: Outcome | null, b: Outcome | null): boolean {
  if (a === null || b === null) return a === b;
  switch (a.status) {
    case "scored":
      return b.status === "scored" && a.position === b.position && a.points === b.points && a.scale === b.scale;
    case "not_applicable":
      return b.status === "not_applicable" && a.because === b.because;
    case "knocked_out":
      return b.status === "knocked_out" && a.by === b.by;
    case "unanswered":
      return b.status === "unanswered";
  }
}

export type RevisionChange = {
  code: string;
  /** The criterion as the later revision's set words it. */
  criterion: Criterion | null;
  before: Outcome | null;
  after: Outcome | null;
  /** The change in points, when both revisions scored it. */
  delta: number | null;
};

/** The criteria whose outcome differs between two revisions of one assessment, in sheet order. */
export function revisionChanges(before: AssessmentView, after: AssessmentView): RevisionChange[] {
  const criteria = new Map([...setCriteria(before.set), ...setCriteria(after.set)].map((c) => [c.code, c]));
  const order = [...after.result.criteria, ...before.result.criteria.filter((c) => outcomeOf(after.result, c.code) === null)];
  return order.flatMap(({ code }) => {
    const was = outcomeOf(before.result, code);
    const is = outcomeOf(after.result, code);
    if (sameOutcome(was, is)) return [];
    return [{ code, criterion: criteria.get(code) ?? null, before: was, after: is, delta: change(pointsOf(was), pointsOf(is)) }];
  });
}

/** "+2", "−1" (a true minus sign), "0". */
export function signed(value: number): string {
  if (value > 0) return `+${value}`;
  if (value < 0) return `\u2212${-value}`;
  return "0";
}
