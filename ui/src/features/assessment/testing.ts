// For the tests: assessment views and engine results of the fixture sets, shaped the way the
// Rust commands answer. Results are written out by the tests, never computed here.
import type { Answers, AssessmentView, Changed, CouncilQuorum, CouncilResult, CouncilSheet, CriteriaSet, DraftChange, Outcome, Roster, ScoreResult, Standing, Verdict } from "$lib/bindings";
import { FIXTURE_SETS } from "$lib/fixtures";
import { screen, within } from "@testing-library/svelte";
import { getProducer, getProduct } from "$lib/fixtures/records";
import { criterionMax, partMax, setCriteria } from "../criteria/sheet";
import { applyChange } from "./state.svelte";

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

/** Council member `member`'s sheet of `set`, scored by `name`. */
export function memberSheet(set: CriteriaSet, member: number, name: string, answers: Partial<Answers> = {}): CouncilSheet {
  return {
    member,
    assessor: { name, title: null, unit: null, role: null },
    answers: { criteria: set.id, version: set.version, assessor: name, answers: {}, knockouts: [], gates: {}, notes: {}, ...answers },
    updated_at: "2026-11-23T08:00:00Z",
  };
}

/**
 * A council result of `set` for the members' results in the council's order, with nothing
 * diverging; the average, the star and the divergence are the test's to lay over it.
 */
export function councilOf(set: CriteriaSet, members: { name: string; result: ScoreResult }[], overrides: Partial<CouncilResult> = {}): CouncilResult {
  const first = members[0]?.result ?? resultOf(set);
  return {
    set: first.set,
    members: members.map((m) => ({ member: m.name, result: m.result })),
    average: 0,
    max_total: first.max_total,
    parts: first.parts.map((part) => ({ code: part.code, average: 0, max: part.max })),
    star_by_score: 1,
    star: 1,
    reasons: [],
    next_star: null,
    knockouts: [],
    divergence: { max_allowed: set.council.max_divergence ?? null, spread: 0, exceeded: false, pairs: [], criteria: [] },
    complete: members.every((m) => m.result.complete),
    ...overrides,
  };
}

/** A sheet of `set` for the fixture product "Tas anyaman purun" (with a council: `members`, `council`). */
export function viewOf(
  set: CriteriaSet,
  options: {
    id?: string;
    status?: string;
    revision?: number;
    reason?: string | null;
    answers?: Partial<Answers>;
    result?: ScoreResult;
    members?: CouncilSheet[];
    council?: CouncilResult | null;
    quorum?: CouncilQuorum | null;
    roster?: Roster;
  } = {},
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
      pulled_from: null,
      pulled_mine: false,
      visit: {
        assessed_on: "2026-11-23",
        region_code: product.village_code,
        latitude: null,
        longitude: null,
        assessors: [{ name: "Rina Wulandari", title: null, unit: null, role: null }],
        ...(options.roster ? { roster: options.roster } : {}),
      },
      answers: { criteria: set.id, version: set.version, answers: {}, knockouts: [], gates: {}, notes: {}, ...options.answers },
      result: null,
      council: null,
      verdict: null,
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
    members: options.members ?? [],
    council: options.council ?? null,
    verdict: verdictOf(options.result ?? resultOf(set)),
    quorum: options.quorum ?? null,
    forwarded: null,
  };
}

/** The criterion block of `code` on the rendered sheet. */
export function block(code: string): HTMLElement {
  const found = screen.getAllByTestId("a-criterion").find((c) => c.dataset.code === code);
  if (!found) throw new Error(`no criterion ${code}`);
  return found;
}

/** The level at `position` (as printed) of criterion `code`. */
export function level(code: string, position: number): HTMLElement {
  const found = within(block(code))
    .getAllByTestId("a-level")
    .find((l) => l.dataset.position === String(position));
  if (!found) throw new Error(`no level ${position} of ${code}`);
  return found;
}

/** The code of the criterion that has the keyboard focus. */
export function focusedCode(): string | undefined {
  return (document.activeElement as HTMLElement | null)?.closest<HTMLElement>("[data-testid='a-criterion']")?.dataset.code;
}

/**
 * A stand-in for the store behind `changeAssessment` in the screen's tests. It keeps each
 * sheet's answers (`holds`), and answers a change with them, the change on top and less what the
 * test says the change clears; the result (or the whole answer) is the test's mock. A change the
 * test says stops the sheet is refused unless confirmed (`answers.would_stop`, one detail per
 * answer), and nothing is kept. What a change clears or stops is the test's to say, never
 * worked out here.
 */
export const standIn = {
  sheets: new Map<number, Answers>(),
  /** The answers the next saved change clears. */
  clears: [] as string[],
  /** The answers the next change would clear by stopping the sheet (asked first). */
  stops: [] as string[],

  /** The store holds `view` as it was opened. */
  holds(view: AssessmentView): void {
    this.sheets = new Map([[1, view.assessment.answers], ...view.members.map((m): [number, Answers] => [m.member, m.answers])]);
    this.clears = [];
    this.stops = [];
  },

  /** The store's answer to `changeAssessment(id, change, member, confirmed)`, the result from `engine`. */
  async change(engine: (...args: unknown[]) => unknown, args: unknown[]): Promise<Changed> {
    const [, change, member, confirmed] = args as [string, DraftChange, number | null, boolean | undefined];
    if (!confirmed && this.stops.length > 0) {
      const codes = this.stops;
      this.stops = [];
      throw {
        code: "answers.would_stop",
        message: `the change stops the sheet and clears ${codes.length} answer(s) after it`,
        details: codes.map((code) => ({ code: "answers.after_knockout", subject: code, message: `criterion ${code} is not assessed after the stop` })),
      };
    }
    const given = (await engine(...args)) as ScoreResult | Changed;
    const sheet = member ?? 1;
    const before = this.sheets.get(sheet) ?? { criteria: "", answers: {} };
    const changed = applyChange(before, change);
    const answers = { ...changed, answers: { ...changed.answers } };
    const cleared = this.clears;
    this.clears = [];
    for (const code of cleared) delete answers.answers[code];
    this.sheets.set(sheet, answers);
    if ("result" in given && "cleared" in given) return { ...given, answers };
    return { result: given, answers, cleared, council: null };
  },
};

/** One sheet's verdict as the engine gives it (`Rubric::verdict`). */
export function verdictOf(result: ScoreResult): Verdict {
  const knocked = result.knockouts.length > 0;
  const open = result.unanswered.length > 0 || result.unanswered_gates.length > 0;
  const standing: Standing = knocked ? "not_classified" : open ? "provisional" : "final";
  return {
    set: result.set,
    sheets: 1,
    total_hundredths: result.total * 100,
    total: result.total,
    exact: result.total,
    max_total: result.max_total,
    parts: result.parts.map((p) => ({ code: p.code, points: p.points, max: p.max })),
    star_by_score: result.star_by_score,
    star: standing === "final" ? result.star : null,
    provisional_star: knocked ? null : result.star,
    standing,
    pending: [],
    reasons: result.reasons,
  };
}
