// For the history tests: rounds of the purun bag, shaped the way `assessment_get` answers, and
// a later version of the OVOP sheet that renumbers one criterion.
import type { AssessmentSummary, AssessmentView, CriteriaSet, RevisionSummary, ScoreResult } from "$lib/bindings";
import { OVOP, viewOf } from "../assessment/testing";

/** OVOP 2025.1: criterion 3.3 of 2024.1 is gone, 3.4 is new. */
export const OVOP_2025: CriteriaSet = (() => {
  const set = structuredClone(OVOP);
  set.version = "2025.1";
  for (const section of set.parts.flatMap((part) => part.sections)) {
    const at = section.criteria.findIndex((c) => c.code === "3.3");
    if (at >= 0) section.criteria[at] = { ...section.criteria[at], code: "3.4", text: { id: "Kemasan ramah lingkungan", en: "Eco-friendly packaging" } };
  }
  return set;
})();

/** An assessment of `set` visited on `on` (a final sheet unless told otherwise). */
export function round(
  set: CriteriaSet,
  id: string,
  on: string | null,
  result: ScoreResult,
  options: { status?: string; revision?: number; reason?: string | null; revisions?: RevisionSummary[]; finalizedAt?: string | null } = {},
): AssessmentView {
  const view = viewOf(set, { id, status: options.status ?? "final", revision: options.revision, reason: options.reason, result });
  return {
    ...view,
    assessment: {
      ...view.assessment,
      visit: { ...view.assessment.visit, assessed_on: on },
      finalized_at: options.finalizedAt ?? null,
    },
    revisions: options.revisions ?? [],
  };
}

/** What `assessments_list` gives for a view. */
export function summaryOf(view: AssessmentView): AssessmentSummary {
  return {
    id: view.assessment.id,
    revision: view.assessment.revision,
    status: view.assessment.status,
    product_id: view.product.id,
    product_name: view.product.name,
    producer_name: view.producer.name,
    criteria_id: view.set.id,
    criteria_version: view.set.version,
    assessed_on: view.assessment.visit.assessed_on,
    updated_at: view.assessment.updated_at,
    total: view.verdict.total,
    max_total: view.verdict.max_total,
    star: view.verdict.star,
    provisional_star: view.verdict.provisional_star,
    star_by_score: view.verdict.star_by_score,
    standing: view.verdict.standing,
    sheets: view.verdict.sheets,
    complete: view.result.complete,
    answered: view.result.criteria.length - view.result.unanswered.length,
    criteria_count: view.result.criteria.length,
    pulled_mine: view.assessment.pulled_mine,
    ...(view.assessment.pulled_from ? { pulled_from: view.assessment.pulled_from } : {}),
  };
}
