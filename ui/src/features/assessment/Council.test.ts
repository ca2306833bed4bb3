import type { AssessmentView, Changed, CouncilResult, CouncilSheet, DraftChange, ScoreResult } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import AssessmentScreen from "./AssessmentScreen.svelte";
import { AssessmentSheet } from "./state.svelte";
import { block, councilOf, focusedCode, level, memberSheet, OVOP, resultOf, scored, standIn, viewOf } from "./testing";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  syncOutbox: vi.fn(async () => []),
  assessmentDecisions: vi.fn(async () => []),
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  getAssessment: vi.fn(),
  changeAssessment: vi.fn(),
  finalizeAssessment: vi.fn(),
  correctAssessment: vi.fn(),
  listPhotos: vi.fn(async () => []),
  addPhoto: vi.fn(),
  recordEvidence: vi.fn(),
  addCouncilMember: vi.fn(),
  removeCouncilMember: vi.fn(),
}));
// The tests give `changeAssessment` the store's answer; the stand-in store puts the sheet's
// answers after the change in it (see `standIn`).
vi.mock("$lib/api", () => ({
  ...api,
  changeAssessment: (...args: unknown[]) => standIn.change(api.changeAssessment, args),
}));

const LEAD = "Rina Wulandari";
const BUDI = "Budi Santoso";
const SARI = "Sari Dewi";

/** Every criterion of the OVOP sheet and every gate answered, at `position` (points = position). */
function complete(position: number, overrides: Partial<ScoreResult> = {}): ScoreResult {
  const codes = resultOf(OVOP).criteria.map((c) => c.code);
  return resultOf(OVOP, Object.fromEntries(codes.map((code) => [code, scored(position)])), {
    unanswered: [],
    unanswered_gates: [],
    complete: true,
    ...overrides,
  });
}

/** A council of the lead, Budi (2) and Sari (3): 38, 31 and 22 points, spread 16 (more than 10). */
function diverging(): { members: CouncilSheet[]; council: CouncilResult; results: ScoreResult[] } {
  const results = [complete(3, { total: 38 }), complete(2, { total: 31 }), complete(1, { total: 22 })];
  const council = councilOf(
    OVOP,
    [
      { name: LEAD, result: results[0] },
      { name: BUDI, result: results[1] },
      { name: SARI, result: results[2] },
    ],
    {
      average: 91 / 3,
      star_by_score: 2,
      star: 2,
      divergence: {
        max_allowed: 10,
        spread: 16,
        exceeded: true,
        pairs: [
          { high: LEAD, low: SARI, difference: 16 },
          { high: BUDI, low: SARI, difference: 11 },
        ],
        criteria: [
          { code: "3.2", spread: 4, points: [5, 3, 1] },
          { code: "1.4", spread: 2, points: [3, null, 1] },
        ],
      },
    },
  );
  return { members: [memberSheet(OVOP, 2, BUDI), memberSheet(OVOP, 3, SARI)], council, results };
}

function changed(result: ScoreResult, council: CouncilResult | null = null): Changed {
  return { result, answers: { criteria: OVOP.id, answers: {} }, cleared: [], council };
}

function tab(member: number): HTMLElement {
  const found = screen.queryAllByTestId("council-member").find((t) => t.dataset.member === String(member));
  if (!found) throw new Error(`no tab of member ${member}`);
  return found;
}

function memberTotal(member: number): HTMLElement {
  const found = screen.getAllByTestId("council-member-total").find((t) => t.dataset.member === String(member));
  if (!found) throw new Error(`no total of member ${member}`);
  return found;
}

async function show(view: AssessmentView) {
  standIn.holds(view);
  const sheet = new AssessmentSheet();
  await sheet.open(view.assessment.id, view);
  render(AssessmentScreen, { sheet });
  await screen.findByTestId("assessment-screen");
  return sheet;
}

describe("Council: members", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
  });

  it("shows the lead assessor alone and no council panel while one assessor scores", async () => {
    await show(viewOf(OVOP));
    expect(screen.getAllByTestId("council-member").map((t) => t.textContent?.replace(/\s+/g, " ").trim())).toEqual(["1 Rina Wulandari"]);
    expect(tab(1)).toHaveAttribute("aria-selected", "true");
    expect(screen.queryByTestId("council-panel")).toBeNull();
  });

  it("adds a member with the details typed, then shows their tab and their empty sheet", async () => {
    const result = resultOf(OVOP, { "1.1": scored(3) }, { total: 3 });
    const budi = resultOf(OVOP);
    const added = viewOf(OVOP, {
      answers: { answers: { "1.1": 3 } },
      result,
      members: [memberSheet(OVOP, 2, BUDI)],
      council: councilOf(OVOP, [
        { name: LEAD, result },
        { name: BUDI, result: budi },
      ], { average: 1.5 }),
    });
    api.addCouncilMember.mockResolvedValue(added);
    await show(viewOf(OVOP, { answers: { answers: { "1.1": 3 } }, result }));

    await userEvent.click(screen.getByTestId("council-add"));
    await userEvent.type(screen.getByTestId("council-name"), `  ${BUDI} `);
    await userEvent.type(screen.getByTestId("council-title"), "Penyuluh");
    await userEvent.click(screen.getByTestId("council-add-confirm"));

    expect(api.addCouncilMember).toHaveBeenCalledWith("a-1", { name: BUDI, title: "Penyuluh", unit: null, role: null });
    await waitFor(() => expect(tab(2)).toHaveAttribute("aria-selected", "true"));
    expect(tab(2)).toHaveTextContent(BUDI);
    expect(tab(1)).toHaveAttribute("aria-selected", "false");
    expect(screen.queryByTestId("council-form")).toBeNull();
    // Budi's sheet is empty; the lead's 1.1 stays the lead's.
    expect(level("1.1", 3)).toHaveAttribute("aria-pressed", "false");
    expect(screen.getByTestId("a-total")).toHaveTextContent("0 / 45");
    await userEvent.click(tab(1));
    expect(level("1.1", 3)).toHaveAttribute("aria-pressed", "true");
  });

  it("does not add a member without a name", async () => {
    await show(viewOf(OVOP));
    await userEvent.click(screen.getByTestId("council-add"));
    await userEvent.type(screen.getByTestId("council-title"), "Penyuluh");
    await userEvent.click(screen.getByTestId("council-add-confirm"));
    expect(api.addCouncilMember).not.toHaveBeenCalled();
    expect(screen.getByTestId("council-name")).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByTestId("council-form")).toHaveTextContent("Nama anggota wajib diisi.");
  });

  it("removes a member only after the officer confirms", async () => {
    const { members, council } = diverging();
    api.removeCouncilMember.mockResolvedValue(viewOf(OVOP, { members: [members[0]], council: councilOf(OVOP, council.members.slice(0, 2).map((m) => ({ name: m.member, result: m.result }))) }));
    await show(viewOf(OVOP, { members, council }));
    await userEvent.click(tab(3));
    await userEvent.click(screen.getByTestId("council-remove"));
    expect(screen.getByTestId("council-remove-question")).toHaveTextContent(`Hapus ${SARI} dari tim?`);
    expect(api.removeCouncilMember).not.toHaveBeenCalled();

    await userEvent.click(screen.getByTestId("council-remove-confirm"));
    expect(api.removeCouncilMember).toHaveBeenCalledWith("a-1", 3);
    await waitFor(() => expect(screen.getAllByTestId("council-member").map((t) => t.dataset.member)).toEqual(["1", "2"]));
    // The removed member's sheet was on screen: the lead's is shown instead.
    expect(tab(1)).toHaveAttribute("aria-selected", "true");
  });

  it("offers neither adding nor removing on a final sheet, but still shows every member's sheet", async () => {
    const { members, council } = diverging();
    await show(viewOf(OVOP, { status: "final", members, council: { ...council, divergence: { ...council.divergence, exceeded: false } } }));
    expect(screen.queryByTestId("council-add")).toBeNull();
    await userEvent.click(tab(2));
    expect(tab(2)).toHaveAttribute("aria-selected", "true");
    expect(screen.queryByTestId("council-remove")).toBeNull();
    expect(screen.getByTestId("a-total")).toHaveTextContent("31 / 45");
  });
});

describe("Council: scoring on a member's sheet", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
  });

  it("sends a change on member 2's tab with member 2 and shows it on that sheet only", async () => {
    const { members, council } = diverging();
    members[0] = memberSheet(OVOP, 2, BUDI, { answers: { "1.1": 1 } });
    const budi = resultOf(OVOP, { "1.1": scored(1), "1.2": scored(2) }, { total: 17 });
    api.changeAssessment.mockResolvedValue(changed(budi, council));
    await show(viewOf(OVOP, { answers: { answers: { "1.1": 3 } }, members, council }));

    await userEvent.click(tab(2));
    expect(level("1.1", 1)).toHaveAttribute("aria-pressed", "true");
    expect(level("1.1", 3)).toHaveAttribute("aria-pressed", "false");
    await userEvent.click(level("1.2", 2));
    expect(api.changeAssessment).toHaveBeenCalledWith("a-1", { kind: "answer", code: "1.2", answer: 2 }, 2, false);
    // The side panel is Budi's: his result from the store.
    await waitFor(() => expect(screen.getByTestId("a-total")).toHaveTextContent("17 / 45"));
    expect(screen.getByTestId("a-sheet-of")).toHaveTextContent(`Lembar ${BUDI}`);

    await userEvent.click(tab(1));
    expect(level("1.1", 3)).toHaveAttribute("aria-pressed", "true");
    expect(level("1.2", 2)).toHaveAttribute("aria-pressed", "false");
    expect(screen.getByTestId("a-total")).toHaveTextContent("38 / 45");
    await userEvent.click(level("1.2", 1));
    // The lead's sheet is the assessment's own: no member number.
    expect(api.changeAssessment).toHaveBeenLastCalledWith("a-1", { kind: "answer", code: "1.2", answer: 1 }, null, false);
  });

  it("keeps each member's notes: a note typed on Budi's sheet is saved to his sheet, the lead's field stays the lead's", async () => {
    const members = [memberSheet(OVOP, 2, BUDI, { notes: { "1.1": "Kemasan rapi" } })];
    const council = councilOf(OVOP, [
      { name: LEAD, result: resultOf(OVOP) },
      { name: BUDI, result: resultOf(OVOP) },
    ]);
    api.changeAssessment.mockResolvedValue(changed(resultOf(OVOP), council));
    await show(viewOf(OVOP, { answers: { notes: { "1.1": "Purun dari rawa" } }, members, council }));
    const note = () => within(block("1.1")).getByTestId("a-note") as HTMLTextAreaElement;
    expect(note().value).toBe("Purun dari rawa");

    await userEvent.click(tab(2));
    expect(note().value).toBe("Kemasan rapi");
    await userEvent.type(note(), ", label jelas");
    // Leaving the field for the lead's tab saves the note at once, to Budi's sheet.
    await userEvent.click(tab(1));
    expect(api.changeAssessment).toHaveBeenCalledTimes(1);
    expect(api.changeAssessment).toHaveBeenCalledWith("a-1", { kind: "note", code: "1.1", text: "Kemasan rapi, label jelas" }, 2, false);
    expect(note().value).toBe("Purun dari rawa");
    await userEvent.click(tab(2));
    expect(note().value).toBe("Kemasan rapi, label jelas");
  });

  it("chooses by number key on the member's sheet shown", async () => {
    const { members, council } = diverging();
    api.changeAssessment.mockResolvedValue(changed(resultOf(OVOP), council));
    await show(viewOf(OVOP, { members, council }));
    await userEvent.click(tab(3));
    block("2.1").focus();
    await userEvent.keyboard("2");
    expect(api.changeAssessment).toHaveBeenCalledWith("a-1", { kind: "answer", code: "2.1", answer: 2 }, 3, false);
    expect(level("2.1", 2)).toHaveAttribute("aria-pressed", "true");
  });

  it("sends changes made on different sheets one after the other, in order", async () => {
    const { members, council } = diverging();
    let answerFirst: (c: Changed) => void = () => {};
    api.changeAssessment.mockReturnValueOnce(new Promise<Changed>((resolve) => (answerFirst = resolve)));
    api.changeAssessment.mockResolvedValue(changed(resultOf(OVOP), council));
    await show(viewOf(OVOP, { members, council }));

    await userEvent.click(level("1.1", 2));
    await userEvent.click(tab(2));
    await userEvent.click(level("1.1", 3));
    // Budi's change waits for the lead's, and Budi's sheet shows his choice, not the lead's.
    expect(api.changeAssessment).toHaveBeenCalledTimes(1);
    expect(level("1.1", 3)).toHaveAttribute("aria-pressed", "true");
    expect(level("1.1", 2)).toHaveAttribute("aria-pressed", "false");
    expect(screen.getByTestId("save-state")).toHaveAttribute("data-state", "saving");

    answerFirst(changed(resultOf(OVOP, { "1.1": scored(2) }, { total: 2 }), council));
    await waitFor(() => expect(api.changeAssessment).toHaveBeenCalledTimes(2));
    const calls = api.changeAssessment.mock.calls as [string, DraftChange, number?][];
    expect(calls.map((c) => [c[1].kind === "answer" ? c[1].answer : null, c[2]])).toEqual([
      [2, null],
      [3, 2],
    ]);
    await waitFor(() => expect(screen.getByTestId("save-state")).toHaveAttribute("data-state", "saved"));
  });
});

describe("Council: the panel", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
  });

  it("shows the average in the officer's language, the star by it and each member's total", async () => {
    const { members, council } = diverging();
    await show(viewOf(OVOP, { members, council }));
    const panel = screen.getByTestId("council-panel");
    expect(within(panel).getByTestId("council-average")).toHaveTextContent("30,3 / 45");
    expect(within(panel).getByTestId("council-star")).toHaveAttribute("data-star", "2");
    expect(memberTotal(1)).toHaveTextContent(`${LEAD} 38 / 45`);
    expect(memberTotal(2)).toHaveTextContent(`${BUDI} 31 / 45`);
    expect(memberTotal(3)).toHaveTextContent(`${SARI} 22 / 45`);

    setLang("en");
    await waitFor(() => expect(screen.getByTestId("council-average")).toHaveTextContent("30.3 / 45"));
  });

  it("writes a whole average without decimals", async () => {
    const { members, council } = diverging();
    await show(viewOf(OVOP, { members, council: { ...council, average: 30 } }));
    expect(screen.getByTestId("council-average").textContent?.trim()).toBe("30 / 45");
  });

  it("shows the divergence exceeded with the pairs, then within the limit once the store says so", async () => {
    const { members, council, results } = diverging();
    const settled: CouncilResult = {
      ...council,
      members: council.members.map((m, i) => (i === 2 ? { ...m, result: { ...results[2], total: 30 } } : m)),
      average: 33,
      divergence: { ...council.divergence, spread: 8, exceeded: false, pairs: [] },
    };
    api.changeAssessment.mockResolvedValue(changed({ ...results[2], total: 30 }, settled));
    await show(viewOf(OVOP, { members, council }));

    const divergence = screen.getByTestId("council-divergence");
    expect(divergence).toHaveAttribute("data-exceeded", "true");
    expect(divergence).toHaveTextContent("Selisih total 16 poin, melebihi batas 10 poin");
    expect(screen.getAllByTestId("council-pair").map((p) => p.textContent)).toEqual([
      `${LEAD} dan ${SARI} berselisih 16 poin`,
      `${BUDI} dan ${SARI} berselisih 11 poin`,
    ]);

    await userEvent.click(tab(3));
    await userEvent.click(level("3.2", 3));
    await waitFor(() => expect(screen.getByTestId("council-divergence")).toHaveAttribute("data-exceeded", "false"));
    expect(screen.getByTestId("council-divergence")).toHaveTextContent("Selisih total 8 poin, dalam batas 10 poin.");
    expect(screen.queryByTestId("council-pair")).toBeNull();
    expect(memberTotal(3)).toHaveTextContent("30 / 45");
    expect(screen.getByTestId("council-average")).toHaveTextContent("33 / 45");
  });

  it("lists the criteria scored most differently with each member's points; a click goes to the criterion", async () => {
    const { members, council } = diverging();
    await show(viewOf(OVOP, { members, council }));
    const rows = screen.getAllByTestId("council-criterion");
    expect(rows.map((r) => r.dataset.code)).toEqual(["3.2", "1.4"]);
    const points = (row: HTMLElement) => within(row).getAllByTestId("council-criterion-points").map((p) => p.textContent);
    expect(points(rows[0])).toEqual(["5", "3", "1"]);
    expect(points(rows[1])).toEqual(["3", "–", "1"]);
    expect(rows[0]).toHaveTextContent("selisih 4");

    await userEvent.click(rows[1]);
    expect(focusedCode()).toBe("1.4");
    await userEvent.click(screen.getAllByTestId("council-criterion")[0]);
    expect(focusedCode()).toBe("3.2");
  });

  it("switches to a member's sheet from their total", async () => {
    const { members, council } = diverging();
    await show(viewOf(OVOP, { members, council }));
    await userEvent.click(memberTotal(3));
    expect(tab(3)).toHaveAttribute("aria-selected", "true");
    expect(screen.getByTestId("a-total")).toHaveTextContent("22 / 45");
  });
});

describe("Council: finalising", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
  });

  it("keeps the confirm disabled while the divergence is exceeded, and says why", async () => {
    const { members, council, results } = diverging();
    await show(viewOf(OVOP, { result: results[0], members, council }));
    await userEvent.click(screen.getByTestId("finalize-open"));
    const review = screen.getByTestId("finalize-review");
    expect(within(review).getByTestId("review-average")).toHaveTextContent("30,3 / 45");
    expect(within(review).getByTestId("review-council-star")).toHaveAttribute("data-star", "2");
    expect(within(review).getByTestId("review-divergence")).toHaveAttribute("data-exceeded", "true");
    expect(within(review).getByTestId("review-blocked")).toHaveTextContent("berselisih 16 poin, lebih dari 10 yang diizinkan");
    expect(within(review).getByTestId("finalize-confirm")).toBeDisabled();
  });

  it("lets a council within the limit with every sheet complete finalise", async () => {
    const { members, council, results } = diverging();
    const agreed = { ...council, divergence: { ...council.divergence, spread: 9, exceeded: false, pairs: [] } };
    api.finalizeAssessment.mockResolvedValue(viewOf(OVOP, { status: "final", result: results[0], members, council: agreed }));
    await show(viewOf(OVOP, { result: results[0], members, council: agreed }));
    await userEvent.click(screen.getByTestId("finalize-open"));
    expect(screen.getByTestId("review-divergence")).toHaveAttribute("data-exceeded", "false");
    expect(screen.queryByTestId("review-blocked")).toBeNull();
    const confirm = screen.getByTestId("finalize-confirm");
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);
    expect(api.finalizeAssessment).toHaveBeenCalledWith("a-1");
    await waitFor(() => expect(screen.getByTestId("assessment-status")).toHaveAttribute("data-status", "final"));
  });

  it("names the members whose sheets are incomplete and opens one from the review", async () => {
    const { members, council, results } = diverging();
    members[0] = memberSheet(OVOP, 2, BUDI, { answers: { "1.1": 2 } });
    const open = resultOf(OVOP, { "1.1": scored(2) }, { total: 2 });
    const incomplete: CouncilResult = {
      ...council,
      members: [council.members[0], { member: BUDI, result: open }, council.members[2]],
      divergence: { ...council.divergence, exceeded: false, pairs: [] },
      complete: false,
    };
    await show(viewOf(OVOP, { result: results[0], members, council: incomplete }));
    await userEvent.click(screen.getByTestId("finalize-open"));
    const listed = screen.getAllByTestId("review-incomplete-member");
    expect(listed.map((m) => m.dataset.member)).toEqual(["2"]);
    expect(listed[0]).toHaveTextContent(BUDI);
    expect(screen.getByTestId("review-blocked")).toHaveTextContent(`lembar ${BUDI} belum lengkap`);
    expect(screen.getByTestId("finalize-confirm")).toBeDisabled();

    await userEvent.click(listed[0]);
    expect(screen.queryByTestId("finalize-review")).toBeNull();
    expect(tab(2)).toHaveAttribute("aria-selected", "true");
    // At Budi's first criterion left to answer (1.1 is answered).
    await waitFor(() => expect(focusedCode()).toBe("1.2"));
  });
});
