// What the officer can do with each criterion, read from the engine's result: whether a level can
// be chosen, whether "not applicable" is offered, which criterion still waits for an answer.
// Nothing is scored here; the numbers come from the Rust engine.
import type { Answer, Criterion, Outcome } from "$lib/bindings";

/**
 * Levels can be chosen unless a knock-out stopped the sheet before this criterion, or its
 * condition failed (the engine refuses a level for a criterion that does not apply).
 */
export function levelsOpen(outcome: Outcome | undefined): boolean {
  if (!outcome) return true;
  if (outcome.status === "knocked_out") return false;
  return !(outcome.status === "not_applicable" && outcome.because !== "");
}

/** "Not applicable" exists only for criteria with a condition; every other one always applies. */
export function naOffered(criterion: Criterion): boolean {
  return criterion.applies_if != null;
}

/**
 * Whether "not applicable" may be chosen now: the engine refuses it once the condition's
 * criterion has scored enough for the criterion to apply, and after a knock-out stop.
 */
export function naOpen(criterion: Criterion, outcome: Outcome | undefined, outcomes: ReadonlyMap<string, Outcome>): boolean {
  const condition = criterion.applies_if;
  if (!condition || outcome?.status === "knocked_out") return false;
  const decisive = outcomes.get(condition.criterion);
  return !(decisive?.status === "scored" && decisive.points >= condition.min_points);
}

/** A criterion waits for the officer when it has no answer and the engine still expects one. */
export function waitsForAnswer(answer: Answer | undefined, outcome: Outcome | undefined): boolean {
  if (answer !== undefined) return false;
  return outcome === undefined || outcome.status === "unanswered";
}

/** The first code after `from` (then from the start) that `waits`; null when none does. */
export function nextWaiting(order: readonly string[], from: string | null, waits: (code: string) => boolean): string | null {
  const start = from === null ? 0 : order.indexOf(from) + 1;
  for (let i = 0; i < order.length; i++) {
    const code = order[(start + i) % order.length];
    if (code !== from && waits(code)) return code;
  }
  return null;
}
