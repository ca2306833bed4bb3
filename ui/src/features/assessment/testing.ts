// For the tests: assessment views and engine results of the fixture sets, shaped the way the
// Rust commands answer. Results are written out by the tests, never computed here.
import type { Answers, AssessmentView, CriteriaSet, Outcome, ScoreResult } from "$lib/bindings";
import { FIXTURE_SETS } from "$lib/fixtures";
import { getProducer, getProduct } from "$lib/fixtures/records";
import { criterionMax, partMax, setCriteria } from "../criteria/sheet";

export const OVOP = FIXTURE_SETS.find((s) => s.id === "ovop-id-seleksi")!;
export const OCOP_TEA = FIXTURE_SETS.find((s) => s.id === "ocop-1048-01")!;

/** A result with nothing answered, with `outcomes` and `overrides` laid over it. */
export function resultOf(set: CriteriaSet, outcomes: Record<string, Outcome> = {}, overrides: Partial<ScoreResult> = {}): ScoreResult {
  const criteria = setCriteria(set).map((c) => ({ code: c.code, max: criterionMax(c), outcome: outcomes[c.code] ?? { status: "unanswered" } }));
  return {
    set: { id: set.id, version: set.version, hash: "hash" },
    parts: set.parts.map((part) => ({ code: part.code, points: 0, max: partMax(part) })),
    total: 0,
    max_total: set.parts.reduce((sum, part) => sum + partMax(part), 0),
    star_by_score: 1,
    star: 1,
    reasons: [],
    next_star: null,
    not_applicable: [],
    knockouts: [],
    unanswered: criteria.filter((c) => c.outcome.status === "unanswered").map((c) => c.code),
    unanswered_gates: (set.gates ?? []).map((g) => g.code),
    complete: false,
    criteria,
    ...overrides,
  };
}

export function scored(position: number, points = position): Outcome {
  return { status: "scored", position, points, scale: null };
}

/** A sheet of `set` for the fixture product "Tas anyaman purun". */
export function viewOf(
  set: CriteriaSet,
  options: { id?: string; status?: string; revision?: number; reason?: string | null; answers?: Partial<Answers>; result?: ScoreResult } = {},
): AssessmentView {
  const product = getProduct("pr-tas-purun");
  const revision = options.revision ?? 1;
  return {
    assessment: {
      id: options.id ?? "a-1",
      revision,
      supersedes: revision > 1 ? revision - 1 : null,
      reason: options.reason ?? null,
      product_id: product.id,
      criteria_hash: "hash",
      status: options.status ?? "draft",
      visit: {
        assessed_on: "2026-11-23",
        region_code: product.village_code,
        latitude: null,
        longitude: null,
        assessors: [{ name: "Rina Wulandari", title: null, unit: null, role: null }],
      },
      answers: { criteria: set.id, version: set.version, answers: {}, knockouts: [], gates: {}, notes: {}, ...options.answers },
      result: null,
      council: null,
      content_hash: null,
      created_at: "2026-11-23T08:00:00Z",
      updated_at: "2026-11-23T08:00:00Z",
      finalized_at: null,
    },
    set,
    result: options.result ?? resultOf(set),
    product,
    producer: getProducer(product.producer_id),
    evidence: [],
    revisions: [],
    members: [],
    council: null,
  };
}
