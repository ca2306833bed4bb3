import type { AssessmentView, DraftChange, ScoreResult } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import App from "../../App.svelte";
import AssessmentScreen from "./AssessmentScreen.svelte";
import { rememberFocus } from "./focus";
import { AssessmentSheet } from "./state.svelte";
import { block, focusedCode, level, OCOP_TEA, OVOP, resultOf, scored, standIn, viewOf } from "./testing";

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
  listAssessments: vi.fn(async () => []),
  listCriteria: vi.fn(async () => ({ sets: [], rejected: [] })),
  homeCounts: vi.fn(async () => ({ drafts: 0, finals: 0, waiting: 0 })),
  appVersion: vi.fn(async () => "0.1.0"),
  inTauri: vi.fn(() => true),
  getSettings: vi.fn(async () => ({})),
}));
// The tests give `changeAssessment` the engine's result; the stand-in store answers with the
// sheet's answers after the change (see `standIn`).
vi.mock("$lib/api", () => ({
  ...api,
  changeAssessment: (...args: unknown[]) => standIn.change(api.changeAssessment, args),
}));

function changes(): DraftChange[] {
  return api.changeAssessment.mock.calls.map((call) => call[1] as DraftChange);
}

async function show(view: AssessmentView, onback = vi.fn()) {
  standIn.holds(view);
  const sheet = new AssessmentSheet();
  await sheet.open(view.assessment.id, view);
  render(AssessmentScreen, { sheet, onback });
  await screen.findByTestId("assessment-screen");
  return sheet;
}

describe("AssessmentScreen: scoring", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    api.changeAssessment.mockResolvedValue(resultOf(OVOP));
  });

  it("shows the product, the producer, the set and the status of the sheet, every criterion in sheet order", async () => {
    await show(viewOf(OVOP));
    const head = screen.getByTestId("assessment-screen");
    expect(head).toHaveAttribute("data-id", "a-1");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Tas anyaman purun");
    expect(screen.getByTestId("assessment-back")).toHaveTextContent("KUB Anyaman Purun Tungkap");
    expect(head).toHaveTextContent("Seleksi Produk OVOP Indonesia · v2024.1");
    expect(screen.getByTestId("assessment-status")).toHaveAttribute("data-status", "draft");
    expect(screen.getAllByTestId("a-criterion").map((c) => c.dataset.code)).toEqual([
      "1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2", "5.1", "5.2", "5.3",
    ]);
    expect(within(block("1.1")).getAllByTestId("a-level")).toHaveLength(3);
    expect(screen.getAllByTestId("a-gate").map((g) => g.dataset.code)).toEqual(["G1", "G2", "G3"]);
    expect(screen.getByTestId("a-total")).toHaveTextContent("0 / 45");
  });

  it("shows the level descriptors in the officer's language, falling back to the set's", async () => {
    setLang("en");
    await show(viewOf(OCOP_TEA));
    // The tea sheet has English texts for some levels and only Vietnamese for others.
    const english = OCOP_TEA.parts[0].sections[0].criteria[0].levels[0].text;
    expect(level("1.1", 1)).toHaveTextContent(english.en ?? english.vi);
  });

  it("saves a level chosen by a click and shows the engine's total, subtotals and star", async () => {
    const answer: ScoreResult = resultOf(OVOP, { "1.1": scored(2) }, {
      total: 57,
      max_total: 100,
      star_by_score: 3,
      star: 3,
      parts: [
        { code: "A", points: 40, max: 60 },
        { code: "B", points: 9, max: 20 },
        { code: "C", points: 8, max: 20 },
      ],
    });
    api.changeAssessment.mockResolvedValue(answer);
    await show(viewOf(OVOP));
    await userEvent.click(level("1.1", 2));
    expect(api.changeAssessment).toHaveBeenCalledWith("a-1", { kind: "answer", code: "1.1", answer: 2 }, null, false);
    await waitFor(() => expect(screen.getByTestId("a-total")).toHaveTextContent("57 / 100"));
    expect(screen.getByTestId("a-star")).toHaveAttribute("data-star", "3");
    const partB = screen.getAllByTestId("a-part").find((p) => p.dataset.code === "B")!;
    expect(partB).toHaveTextContent("9 / 20");
    expect(level("1.1", 2)).toHaveAttribute("aria-pressed", "true");
    expect(level("1.1", 1)).toHaveAttribute("aria-pressed", "false");
    expect(screen.getByTestId("save-state")).toHaveTextContent("Tersimpan");
  });

  it("shows the choice at once and 'saving' until the store answers", async () => {
    let answer: (result: ScoreResult) => void = () => {};
    api.changeAssessment.mockReturnValue(new Promise<ScoreResult>((resolve) => (answer = resolve)));
    await show(viewOf(OVOP));
    await userEvent.click(level("1.2", 3));
    expect(level("1.2", 3)).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("save-state")).toHaveTextContent("Menyimpan…");
    answer(resultOf(OVOP, { "1.2": scored(3) }));
    await waitFor(() => expect(screen.getByTestId("save-state")).toHaveTextContent("Tersimpan"));
    expect(level("1.2", 3)).toHaveAttribute("aria-pressed", "true");
  });

  it("chooses a level of the focused criterion with a number key, then moves to the next unanswered one", async () => {
    api.changeAssessment.mockResolvedValue(resultOf(OVOP, { "1.1": scored(3), "1.2": scored(1) }, { total: 4, star: 1 }));
    await show(viewOf(OVOP, { answers: { answers: { "1.2": 1 } }, result: resultOf(OVOP, { "1.2": scored(1) }) }));
    // The sheet opens at the first criterion left to answer.
    await waitFor(() => expect(focusedCode()).toBe("1.1"));
    await userEvent.keyboard("3");
    expect(api.changeAssessment).toHaveBeenCalledWith("a-1", { kind: "answer", code: "1.1", answer: 3 }, null, false);
    expect(level("1.1", 3)).toHaveAttribute("aria-pressed", "true");
    // 1.2 is answered already: on to 1.3.
    expect(focusedCode()).toBe("1.3");
    expect(block("1.3")).toHaveClass("current");
    await waitFor(() => expect(screen.getByTestId("a-total")).toHaveTextContent("4 / 45"));
  });

  it("ignores a number key beyond the criterion's levels", async () => {
    await show(viewOf(OVOP));
    await waitFor(() => expect(focusedCode()).toBe("1.1"));
    await userEvent.keyboard("7");
    expect(api.changeAssessment).not.toHaveBeenCalled();
    expect(focusedCode()).toBe("1.1");
  });

  it("moves between criteria with the arrow keys and with j and k", async () => {
    await show(viewOf(OVOP));
    await waitFor(() => expect(focusedCode()).toBe("1.1"));
    await userEvent.keyboard("{ArrowDown}");
    expect(focusedCode()).toBe("1.2");
    await userEvent.keyboard("j");
    expect(focusedCode()).toBe("1.3");
    expect(block("1.3")).toHaveClass("current");
    expect(block("1.2")).not.toHaveClass("current");
    await userEvent.keyboard("{ArrowUp}");
    expect(focusedCode()).toBe("1.2");
    await userEvent.keyboard("k");
    await userEvent.keyboard("k");
    expect(focusedCode()).toBe("1.1");
    expect(api.changeAssessment).not.toHaveBeenCalled();
  });

  it("chooses the level under the focus with Enter", async () => {
    await show(viewOf(OVOP));
    level("2.1", 2).focus();
    await userEvent.keyboard("{Enter}");
    expect(api.changeAssessment).toHaveBeenCalledWith("a-1", { kind: "answer", code: "2.1", answer: 2 }, null, false);
    expect(block("2.1")).toHaveClass("current");
  });

  it("takes no shortcut while the officer types a note", async () => {
    await show(viewOf(OVOP));
    const note = within(block("1.1")).getByTestId("a-note");
    await userEvent.type(note, "2 jenis{ArrowDown}j");
    expect(document.activeElement).toBe(note);
    await waitFor(() => expect(changes()).toEqual([{ kind: "note", code: "1.1", text: "2 jenisj" }]));
  });

  it("takes back a choice the store refused and says why, in the officer's language", async () => {
    api.changeAssessment.mockRejectedValueOnce({
      code: "answers.invalid",
      message: "criterion 1.1 has levels 1 to 3",
      details: [{ code: "answers.no_such_level", subject: "1.1", message: "criterion 1.1 has levels 1 to 3" }],
    });
    await show(viewOf(OVOP, { answers: { answers: { "1.1": 1 } }, result: resultOf(OVOP, { "1.1": scored(1) }) }));
    await userEvent.click(level("1.1", 3));
    const error = await screen.findByTestId("error");
    expect(error).toHaveTextContent("Jawaban tidak sesuai dengan lembar kriteria.");
    expect(error).toHaveTextContent("Kode: answers.invalid");
    expect(within(error).getByTestId("error-details")).toHaveTextContent("1.1: Tingkat yang dipilih tidak ada pada kriteria ini.");
    expect(error).not.toHaveTextContent("has levels");
    expect(level("1.1", 3)).toHaveAttribute("aria-pressed", "false");
    expect(level("1.1", 1)).toHaveAttribute("aria-pressed", "true");
    expect(screen.getByTestId("save-state")).toHaveAttribute("data-state", "failed");
  });

  it("sends changes one at a time, in the order they were made", async () => {
    const answers: ((result: ScoreResult) => void)[] = [];
    api.changeAssessment.mockImplementation(() => new Promise<ScoreResult>((resolve) => answers.push(resolve)));
    await show(viewOf(OVOP));
    await userEvent.click(level("1.1", 1));
    await userEvent.click(level("1.2", 2));
    await userEvent.click(within(screen.getAllByTestId("a-gate")[0]).getByTestId("a-gate-yes"));
    expect(api.changeAssessment).toHaveBeenCalledTimes(1);
    answers[0](resultOf(OVOP));
    await waitFor(() => expect(api.changeAssessment).toHaveBeenCalledTimes(2));
    answers[1](resultOf(OVOP));
    await waitFor(() => expect(api.changeAssessment).toHaveBeenCalledTimes(3));
    answers[2](resultOf(OVOP));
    expect(changes()).toEqual([
      { kind: "answer", code: "1.1", answer: 1 },
      { kind: "answer", code: "1.2", answer: 2 },
      { kind: "gate", code: "G1", met: true },
    ]);
    await waitFor(() => expect(screen.getByTestId("save-state")).toHaveTextContent("Tersimpan"));
  });

  it("saves a note once, after a pause in the typing", async () => {
    await show(viewOf(OVOP));
    await userEvent.type(within(block("1.1")).getByTestId("a-note"), "Purun dari rawa");
    expect(api.changeAssessment).not.toHaveBeenCalled();
    expect(screen.getByTestId("save-state")).toHaveTextContent("Menyimpan…");
    await waitFor(() => expect(api.changeAssessment).toHaveBeenCalledTimes(1));
    expect(changes()).toEqual([{ kind: "note", code: "1.1", text: "Purun dari rawa" }]);
  });

  it("saves a note at once when the officer leaves the field", async () => {
    await show(viewOf(OVOP));
    await userEvent.type(within(block("1.2")).getByTestId("a-note"), "Kontrak dengan pengepul");
    await userEvent.tab();
    expect(changes()).toEqual([{ kind: "note", code: "1.2", text: "Kontrak dengan pengepul" }]);
    // The pause passing afterwards sends nothing more.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(api.changeAssessment).toHaveBeenCalledTimes(1);
  });

  it("greys a criterion that does not apply and says why", async () => {
    const result = resultOf(OVOP, { "3.2": scored(1), "3.3": { status: "not_applicable", because: "3.2" } }, {
      not_applicable: [{ criterion: "3.3", because: "3.2", reason: { id: "IKM tidak bermitra dengan IKM lain", en: "No partnership" } }],
    });
    await show(viewOf(OVOP, { answers: { answers: { "3.2": 1 } }, result }));
    const na = block("3.3");
    expect(na).toHaveClass("inactive");
    expect(within(na).getByTestId("a-not-applicable")).toHaveTextContent("Tidak berlaku: IKM tidak bermitra dengan IKM lain (karena nilai kriteria 3.2)");
    for (const button of within(na).getAllByTestId("a-level")) expect(button).toBeDisabled();
    expect(block("3.2")).not.toHaveClass("inactive");
  });

  it("says which answers a change made impossible and shows them cleared", async () => {
    const result = resultOf(OVOP, { "3.2": scored(1), "3.3": { status: "not_applicable", because: "3.2" } }, {
      not_applicable: [{ criterion: "3.3", because: "3.2", reason: { id: "IKM tidak bermitra dengan IKM lain", en: "No partnership" } }],
    });
    api.changeAssessment.mockResolvedValue(result);
    await show(viewOf(OVOP, { answers: { answers: { "3.2": 3, "3.3": 2 } } }));
    standIn.clears = ["3.3"];
    expect(level("3.3", 2)).toHaveAttribute("aria-pressed", "true");
    await userEvent.click(level("3.2", 1));
    const notice = await screen.findByTestId("a-cleared");
    expect(notice).toHaveTextContent("Jawaban 3.3 dihapus karena tidak berlaku lagi");
    expect(level("3.3", 2)).toHaveAttribute("aria-pressed", "false");
    expect(level("3.2", 1)).toHaveAttribute("aria-pressed", "true");
  });

  it("offers 'not applicable' only where the sheet has a condition, and toggles it with 0", async () => {
    await show(viewOf(OVOP));
    expect(within(block("1.1")).queryByTestId("a-na")).toBeNull();
    const na = within(block("3.3")).getByTestId("a-na");
    expect(na).toBeEnabled();
    await userEvent.click(level("3.3", 1));
    api.changeAssessment.mockClear();
    block("3.3").focus();
    await userEvent.keyboard("0");
    expect(changes()).toEqual([{ kind: "answer", code: "3.3", answer: "na" }]);
    expect(na).toHaveAttribute("aria-pressed", "true");
    await userEvent.keyboard("n");
    expect(changes()[1]).toEqual({ kind: "answer", code: "3.3", answer: null });
  });

  it("refuses 'not applicable' once the condition holds", async () => {
    await show(viewOf(OVOP, { answers: { answers: { "3.2": 3 } }, result: resultOf(OVOP, { "3.2": scored(3) }) }));
    expect(within(block("3.3")).getByTestId("a-na")).toBeDisabled();
    block("3.3").focus();
    await userEvent.keyboard("0");
    expect(api.changeAssessment).not.toHaveBeenCalled();
  });

  it("shows a knock-out as a banner that says why and that the product gets no star", async () => {
    const result = resultOf(OVOP, { "5.2": scored(1) }, {
      total: 30,
      star_by_score: 4,
      star: null,
      knockouts: [{ criterion: "5.2", effect: "disqualify", text: { id: "Produk dengan mutu belum konsisten tidak dapat diberi bintang" }, gate: false }],
      reasons: [{ kind: "knockout", criterion: "5.2", text: { id: "Produk dengan mutu belum konsisten tidak dapat diberi bintang" } }],
    });
    await show(viewOf(OVOP, { answers: { answers: { "5.2": 1 } }, result }));
    const banner = screen.getByTestId("a-knockout-banner");
    expect(banner).toHaveTextContent("Gugur pada kriteria 5.2: Produk dengan mutu belum konsisten tidak dapat diberi bintang");
    expect(banner).toHaveTextContent("Produk tidak dapat diberi bintang; kriteria lain tetap dinilai.");
    const star = screen.getByTestId("a-star");
    expect(star).toHaveAttribute("data-star", "0");
    expect(star).toHaveTextContent("Tanpa bintang");
    expect(screen.getByTestId("a-star-reasons")).toHaveTextContent("Gugur pada 5.2:");
  });

  it("records an observed knock-out and shows the stop the engine answers", async () => {
    const koText = OCOP_TEA.parts[0].sections[0].criteria[0].knockout!.text;
    api.changeAssessment.mockResolvedValue(
      resultOf(OCOP_TEA, { "1.1": scored(1, 0), "1.2": { status: "knocked_out", by: "1.1" } }, {
        star: null,
        knockouts: [{ criterion: "1.1", effect: "stop", text: koText, gate: false }],
      }),
    );
    await show(viewOf(OCOP_TEA));
    expect(screen.queryByTestId("a-knockout-banner")).toBeNull();
    const box = within(block("1.1")).getByTestId("a-knockout");
    await userEvent.click(box);
    expect(changes()).toEqual([{ kind: "knockout", code: "1.1", observed: true }]);
    expect(box).toBeChecked();
    const banner = await screen.findByTestId("a-knockout-banner");
    expect(banner).toHaveTextContent("kriteria sesudahnya tidak dinilai");
    expect(within(block("1.2")).getByTestId("a-knocked-out")).toHaveTextContent("penilaian berhenti karena gugur pada 1.1");
    for (const button of within(block("1.2")).getAllByTestId("a-level")) expect(button).toBeDisabled();
  });

  it("asks when the store says a stop knock-out would clear answers, and changes nothing when the officer cancels", async () => {
    api.changeAssessment.mockResolvedValue(resultOf(OCOP_TEA));
    await show(viewOf(OCOP_TEA, { answers: { answers: { "5.1": 2, "6.1.2": 3, "7": 1, "9": "na" } } }));
    const box = within(block("6.1.1")).getByTestId("a-knockout");
    // The engine says which answers go (here a level after the stop, not the "na").
    standIn.stops = ["6.1.2", "7"];
    await userEvent.click(box);
    const dialog = await screen.findByTestId("stop-confirm");
    expect(dialog).toHaveTextContent("Gugur di 6.1.1 menghentikan penilaian");
    expect(within(dialog).getByTestId("stop-codes")).toHaveTextContent("Jawaban yang sudah diberikan untuk 6.1.2, 7 akan dihapus.");
    await userEvent.click(within(dialog).getByTestId("stop-cancel"));
    expect(screen.queryByTestId("stop-confirm")).toBeNull();
    expect(box).not.toBeChecked();
    expect(api.changeAssessment).not.toHaveBeenCalled();
    expect(screen.queryByTestId("error")).toBeNull();

    standIn.stops = ["6.1.2", "7"];
    await userEvent.click(box);
    standIn.clears = ["6.1.2", "7"];
    await userEvent.click(within(await screen.findByTestId("stop-confirm")).getByTestId("stop-ok"));
    await waitFor(() => expect(api.changeAssessment).toHaveBeenCalledWith("a-1", { kind: "knockout", code: "6.1.1", observed: true }, null, true));
    await waitFor(() => expect(screen.getByTestId("save-state")).toHaveAttribute("data-state", "saved"));
    expect(box).toBeChecked();
    // The answers shown are the store's: the cleared levels are gone, the "na" stays.
    for (const code of ["6.1.2", "7"]) {
      for (const button of within(block(code)).getAllByTestId("a-level")) expect(button).toHaveAttribute("aria-pressed", "false");
    }
  });

  it("asks before a failed gate clears every level given, and saves once confirmed", async () => {
    api.changeAssessment.mockResolvedValue(resultOf(OVOP));
    await show(viewOf(OVOP, { answers: { answers: { "1.1": 2, "3.3": "na" } } }));
    const gate = screen.getAllByTestId("a-gate").find((g) => g.dataset.code === "G1")!;
    standIn.stops = ["1.1"];
    await userEvent.click(within(gate).getByTestId("a-gate-no"));
    const dialog = await screen.findByTestId("stop-confirm");
    expect(dialog).toHaveTextContent("Syarat G1 tidak terpenuhi menghentikan penilaian");
    expect(within(dialog).getByTestId("stop-codes")).toHaveTextContent("untuk 1.1 akan dihapus");
    expect(within(gate).getByTestId("a-gate-no")).toHaveAttribute("aria-pressed", "false");
    await userEvent.click(within(dialog).getByTestId("stop-ok"));
    await waitFor(() => expect(changes()).toEqual([{ kind: "gate", code: "G1", met: false }]));
    expect(within(gate).getByTestId("a-gate-no")).toHaveAttribute("aria-pressed", "true");
  });

  it("does not ask when the store says a stop clears nothing", async () => {
    await show(viewOf(OCOP_TEA, { answers: { answers: { "5.1": 2 } } }));
    await userEvent.click(within(block("6.1.1")).getByTestId("a-knockout"));
    expect(screen.queryByTestId("stop-confirm")).toBeNull();
    expect(changes()).toEqual([{ kind: "knockout", code: "6.1.1", observed: true }]);
  });

  it("answers a gate yes or no, and a second click clears it", async () => {
    await show(viewOf(OVOP));
    const gate = screen.getAllByTestId("a-gate").find((g) => g.dataset.code === "G2")!;
    await userEvent.click(within(gate).getByTestId("a-gate-no"));
    expect(within(gate).getByTestId("a-gate-no")).toHaveAttribute("aria-pressed", "true");
    await userEvent.click(within(gate).getByTestId("a-gate-no"));
    expect(changes()).toEqual([
      { kind: "gate", code: "G2", met: false },
      { kind: "gate", code: "G2", met: null },
    ]);
  });

  it("opens where the officer was on this sheet", async () => {
    rememberFocus("a-1", "4.2");
    await show(viewOf(OVOP));
    await waitFor(() => expect(focusedCode()).toBe("4.2"));
    await userEvent.keyboard("{ArrowDown}");
    expect(focusedCode()).toBe("5.1");
    expect(JSON.parse(localStorage.getItem("ovop-field.assessment-focus")!)[0]).toEqual(["a-1", "5.1"]);
  });

  it("goes back to the producer of the product", async () => {
    const onback = vi.fn();
    await show(viewOf(OVOP), onback);
    await userEvent.click(screen.getByTestId("assessment-back"));
    expect(onback).toHaveBeenCalledWith("p-purun-tungkap", "pr-tas-purun");
  });
});

describe("AssessmentScreen: finalise and correct", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
  });

  it("lists what is unanswered before finalising, and keeps the confirm disabled until the sheet is complete", async () => {
    const partial = resultOf(OVOP, { "1.1": scored(3) }, { unanswered: ["1.2", "5.3"], unanswered_gates: ["G3"], star_by_score: 2, star: 2 });
    await show(viewOf(OVOP, { result: partial }));
    await userEvent.click(screen.getByTestId("finalize-open"));
    const review = screen.getByTestId("finalize-review");
    expect(within(review).getAllByTestId("review-unanswered").map((b) => b.dataset.code)).toEqual(["1.2", "5.3"]);
    expect(within(review).getByTestId("review-unanswered-gate")).toHaveTextContent("G3");
    expect(within(review).getByTestId("review-star")).toHaveAttribute("data-star", "2");
    expect(within(review).getByTestId("finalize-confirm")).toBeDisabled();

    // A missing criterion is one click away.
    await userEvent.click(within(review).getAllByTestId("review-unanswered")[1]);
    expect(screen.queryByTestId("finalize-review")).toBeNull();
    expect(focusedCode()).toBe("5.3");
    expect(api.finalizeAssessment).not.toHaveBeenCalled();
  });

  it("finalises a complete sheet, which then is read-only and queued for the office", async () => {
    const complete = resultOf(OVOP, { "1.1": scored(3) }, { unanswered: [], unanswered_gates: [], complete: true, total: 41, star_by_score: 5, star: 4 });
    const view = viewOf(OVOP, { result: complete });
    api.finalizeAssessment.mockResolvedValue({ ...view, assessment: { ...view.assessment, status: "final" } });
    await show(view);
    await userEvent.click(screen.getByTestId("finalize-open"));
    expect(screen.getByTestId("finalize-review")).toHaveTextContent("Semua kriteria dan syarat sudah dijawab.");
    await userEvent.click(screen.getByTestId("finalize-confirm"));
    expect(api.finalizeAssessment).toHaveBeenCalledWith("a-1");
    await waitFor(() => expect(screen.getByTestId("assessment-status")).toHaveAttribute("data-status", "final"));
    expect(screen.queryByTestId("finalize-review")).toBeNull();
    expect(screen.getByTestId("locked-banner")).toHaveTextContent("menunggu dikirim ke kantor");
    for (const button of screen.getAllByTestId("a-level")) expect(button).toBeDisabled();
    expect(screen.queryByTestId("finalize-open")).toBeNull();
    expect(screen.queryByTestId("save-state")).toBeNull();
    block("1.2").focus();
    await userEvent.keyboard("2");
    expect(api.changeAssessment).not.toHaveBeenCalled();
  });

  it("waits for the changes on their way before finalising", async () => {
    let saved: (result: ScoreResult) => void = () => {};
    api.changeAssessment.mockReturnValue(new Promise<ScoreResult>((resolve) => (saved = resolve)));
    const complete = resultOf(OVOP, {}, { unanswered: [], unanswered_gates: [], complete: true });
    const view = viewOf(OVOP, { result: complete });
    api.finalizeAssessment.mockResolvedValue({ ...view, assessment: { ...view.assessment, status: "final" } });
    await show(view);
    await userEvent.type(within(block("1.1")).getByTestId("a-note"), "Cek ulang");
    await userEvent.click(screen.getByTestId("finalize-open"));
    expect(screen.getByTestId("finalize-confirm")).toBeDisabled();
    // The note is sent when it is its turn, and the sheet is locked only after it is saved.
    await waitFor(() => expect(api.changeAssessment).toHaveBeenCalledTimes(1));
    saved(complete);
    await waitFor(() => expect(screen.getByTestId("finalize-confirm")).toBeEnabled());
    await userEvent.click(screen.getByTestId("finalize-confirm"));
    await waitFor(() => expect(api.finalizeAssessment).toHaveBeenCalledTimes(1));
  });

  it("shows why the store refused to finalise", async () => {
    const complete = resultOf(OVOP, {}, { unanswered: [], unanswered_gates: [], complete: true });
    api.finalizeAssessment.mockRejectedValue({ code: "store.locked", message: "the assessment a-1 is final" });
    await show(viewOf(OVOP, { result: complete }));
    await userEvent.click(screen.getByTestId("finalize-open"));
    await userEvent.click(screen.getByTestId("finalize-confirm"));
    const error = await within(screen.getByTestId("finalize-review")).findByTestId("error");
    expect(error).toHaveTextContent("Penilaian ini sudah final dan terkunci.");
  });

  it("corrects a final sheet with a reason: a new draft revision", async () => {
    const final = viewOf(OVOP, { status: "final", result: resultOf(OVOP, {}, { complete: true, unanswered: [], unanswered_gates: [] }) });
    const corrected = viewOf(OVOP, { revision: 2, reason: "Salah pilih level 1.1", result: final.result });
    corrected.revisions = [
      { revision: 1, status: "final", reason: null, total: 38, star: 4, finalized_at: "2026-11-23T09:00:00Z" },
      { revision: 2, status: "draft", reason: "Salah pilih level 1.1", total: null, star: null, finalized_at: null },
    ];
    api.correctAssessment.mockResolvedValue(corrected);
    await show(final);
    expect(screen.getByTestId("locked-banner")).toBeInTheDocument();
    await userEvent.click(screen.getByTestId("correct-open"));
    const confirm = screen.getByTestId("correct-confirm");
    expect(confirm).toBeDisabled();
    await userEvent.type(screen.getByTestId("correct-reason"), "   ");
    expect(confirm).toBeDisabled();
    await userEvent.clear(screen.getByTestId("correct-reason"));
    await userEvent.type(screen.getByTestId("correct-reason"), "Salah pilih level 1.1");
    await userEvent.click(confirm);
    expect(api.correctAssessment).toHaveBeenCalledWith("a-1", "Salah pilih level 1.1");
    const banner = await screen.findByTestId("assessment-revision");
    expect(banner).toHaveTextContent("Revisi 2");
    expect(banner).toHaveTextContent("Koreksi atas revisi 1.");
    expect(banner).toHaveTextContent("Alasan: Salah pilih level 1.1");
    expect(screen.getByTestId("assessment-status")).toHaveAttribute("data-status", "draft");
    expect(screen.queryByTestId("locked-banner")).toBeNull();
    expect(level("1.1", 1)).toBeEnabled();
    expect(screen.getAllByTestId("a-revision")).toHaveLength(2);
  });
});

describe("the app and the assessment screen", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
  });

  it("reopens on the sheet that was open, without a tab of its own", async () => {
    localStorage.setItem("ovop-field.screen", "assessment");
    localStorage.setItem("ovop-field.assessment", "a-7");
    api.getAssessment.mockResolvedValue(viewOf(OVOP, { id: "a-7" }));
    render(App);
    expect(await screen.findByTestId("assessment-screen")).toHaveAttribute("data-id", "a-7");
    expect(api.getAssessment).toHaveBeenCalledWith("a-7");
    expect(screen.getAllByRole("button").filter((b) => b.dataset.testid?.startsWith("nav-"))).toHaveLength(6);
    expect(document.title).toBe("Penilaian produk · OVOP Field");
  });

  it("opens a draft from the home screen", async () => {
    api.listAssessments.mockResolvedValue([
      {
        id: "a-9",
        revision: 1,
        status: "draft",
        product_id: "pr-tas-purun",
        product_name: "Tas anyaman purun",
        producer_name: "KUB Anyaman Purun Tungkap",
        criteria_id: "ovop-id-seleksi",
        criteria_version: "2024.1",
        assessed_on: "2026-11-23",
        updated_at: "2026-11-23T08:00:00Z",
        total: 12,
        max_total: 45,
        star: 1,
        star_by_score: 1,
        complete: false,
        answered: 4,
        criteria_count: 15,
      },
    ] as never);
    api.getAssessment.mockResolvedValue(viewOf(OVOP, { id: "a-9" }));
    render(App);
    await userEvent.click(await screen.findByTestId("home-draft-row"));
    expect(await screen.findByTestId("assessment-screen")).toHaveAttribute("data-id", "a-9");
    expect(localStorage.getItem("ovop-field.screen")).toBe("assessment");
    expect(localStorage.getItem("ovop-field.assessment")).toBe("a-9");
  });
});
