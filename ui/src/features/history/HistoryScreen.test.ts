import type { AssessmentView, ScoreResult } from "$lib/bindings";
import { fixtureList } from "$lib/fixtures";
import { getProduct } from "$lib/fixtures/records";
import { setLang } from "$lib/i18n/index.svelte";
import { Navigation } from "$lib/nav.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { OCOP_TEA, OVOP, resultOf, scored } from "../assessment/testing";
import ProductCard from "../producers/ProductCard.svelte";
import { resetProductSets } from "../producers/productSets.svelte";
import HistoryScreen from "./HistoryScreen.svelte";
import { ProductHistory } from "./state.svelte";
import { OVOP_2025, round, summaryOf } from "./testing";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  syncOutbox: vi.fn(async () => []),
  assessmentDecisions: vi.fn(async () => []),
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  listAssessments: vi.fn(),
  getAssessment: vi.fn(),
  listCriteria: vi.fn(),
  listPhotos: vi.fn(async () => []),
  addPhoto: vi.fn(),
  startAssessment: vi.fn(),
}));
vi.mock("$lib/api", () => api);

const TARGET = { product: "pr-tas-purun", producer: "p-purun-tungkap" };
const NA = { status: "not_applicable", because: "" } as const;

function result(set: typeof OVOP, outcomes: Parameters<typeof resultOf>[1], figures: { parts: number[]; total: number; star: number | null }): ScoreResult {
  const base = resultOf(set, outcomes);
  return {
    ...base,
    parts: base.parts.map((part, i) => ({ ...part, points: figures.parts[i] })),
    total: figures.total,
    star: figures.star,
    star_by_score: figures.star ?? 1,
  };
}

// Three rounds of the purun bag: 2023 and 2024 under OVOP 2024.1 (2024 corrected once), 2025 a
// draft under 2025.1, where 3.3 became 3.4.
const R2023 = round(OVOP, "a-2023", "2023-08-14", result(OVOP, { "1.1": scored(1), "1.2": scored(2), "3.3": scored(2), "5.2": scored(3) }, { parts: [20, 4, 7], total: 31, star: 3 }));
const R2024_FIRST = round(
  OVOP,
  "a-2024",
  "2024-09-02",
  result(OVOP, { "1.1": scored(1), "1.2": scored(2), "3.3": scored(1), "4.2": scored(2), "5.2": scored(3), "5.3": scored(3) }, { parts: [21, 4, 9], total: 34, star: 4 }),
);
const REVISIONS = [
  { revision: 1, status: "final", reason: null, total: 34, star: 4, finalized_at: "2024-09-02T10:00:00Z" },
  { revision: 2, status: "final", reason: "Sertifikat PIRT sudah terbit", total: 34, star: 4, finalized_at: "2024-09-05T08:30:00Z" },
];
const R2024 = round(
  OVOP,
  "a-2024",
  "2024-09-02",
  result(OVOP, { "1.1": scored(1), "1.2": scored(2), "3.3": NA, "4.2": scored(3), "5.2": scored(3), "5.3": scored(1) }, { parts: [22, 5, 7], total: 34, star: 4 }),
  { revision: 2, reason: "Sertifikat PIRT sudah terbit", revisions: REVISIONS },
);
const R2025 = round(
  OVOP_2025,
  "a-2025",
  "2025-03-11",
  result(OVOP_2025, { "1.1": scored(3), "1.2": scored(1), "3.4": scored(2), "5.2": NA }, { parts: [24, 4, 5], total: 33, star: 4 }),
  { status: "draft" },
);

function cell(code: string, col: string, kind = "criterion"): HTMLElement {
  const found = screen.getAllByTestId("history-cell").find((c) => c.dataset.code === code && c.dataset.col === col && c.dataset.kind === kind);
  if (!found) throw new Error(`no ${kind} cell ${code} in ${col}`);
  return found;
}

/** The store's answers: the newest assessment first, each view by id and revision. */
function answerWith(latest: AssessmentView[], earlier: AssessmentView[] = []) {
  api.listAssessments.mockResolvedValue([...latest].reverse().map(summaryOf));
  api.getAssessment.mockImplementation(async (id: string, revision: number | null) => {
    const found = [...latest, ...earlier].find((v) => v.assessment.id === id && (revision === null || v.assessment.revision === revision));
    if (!found) throw { code: "store.not_found", message: `no ${id} ${revision}`, details: [] };
    return found;
  });
}

async function show(props: { onback?: () => void; onopenassessment?: () => void } = {}) {
  const history = new ProductHistory();
  render(HistoryScreen, { history, productId: TARGET.product, producerId: TARGET.producer, ...props });
  await history.open(TARGET.product);
  return history;
}

describe("HistoryScreen: the rounds side by side", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    answerWith([R2023, R2024, R2025], [R2024_FIRST]);
  });

  it("loads the latest revision of each assessment and shows the columns oldest first", async () => {
    await show();
    expect(api.listAssessments).toHaveBeenCalledWith(null, "pr-tas-purun");
    expect(api.getAssessment).toHaveBeenCalledWith("a-2024", null);
    const columns = within(screen.getByTestId("history-table")).getAllByTestId("history-column");
    expect(columns.map((c) => c.dataset.col)).toEqual(["a-2023", "a-2024", "a-2025"]);
    expect(columns[0]).toHaveTextContent("14 Agustus 2023");
    expect(columns[0]).toHaveTextContent("Seleksi Produk OVOP Indonesia v2024.1");
    expect(columns[0]).toHaveTextContent("Rina Wulandari");
    expect(columns[1]).toHaveTextContent("Revisi 2");
    expect(columns[2]).toHaveTextContent("v2025.1");
    expect(columns[2]).toHaveAttribute("data-status", "draft");
    expect(columns[2]).toHaveTextContent("Draf");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Tas anyaman purun");
    expect(screen.getByTestId("history-back")).toHaveTextContent("KUB Anyaman Purun Tungkap");
  });

  it("marks each figure with its change from the column before: up in green, down in red", async () => {
    await show();
    // 1.1: 1 → 1 → 3.
    expect(cell("1.1", "a-2023")).not.toHaveAttribute("data-delta");
    expect(cell("1.1", "a-2024")).not.toHaveAttribute("data-delta");
    expect(cell("1.1", "a-2025")).toHaveAttribute("data-delta", "2");
    expect(cell("1.1", "a-2025")).toHaveTextContent(/^3\s*▲ \+2$/);
    expect(within(cell("1.1", "a-2025")).getByText("▲ +2")).toHaveClass("up");
    // 1.2: 2 → 2 → 1.
    expect(cell("1.2", "a-2025")).toHaveAttribute("data-delta", "-1");
    expect(within(cell("1.2", "a-2025")).getByText("▼ −1")).toHaveClass("down");
    // 5.2: scored, then not applicable: no change in points to show.
    expect(cell("5.2", "a-2025")).toHaveAttribute("data-state", "not_applicable");
    expect(cell("5.2", "a-2025")).toHaveTextContent("TB");
    expect(cell("5.2", "a-2025")).not.toHaveAttribute("data-delta");
  });

  it("shows — where a round's set has no such criterion", async () => {
    await show();
    expect(cell("3.3", "a-2023")).toHaveTextContent("2");
    expect(cell("3.3", "a-2025")).toHaveAttribute("data-state", "missing");
    expect(cell("3.3", "a-2025")).toHaveTextContent("—");
    expect(cell("3.4", "a-2023")).toHaveTextContent("—");
    expect(cell("3.4", "a-2024")).toHaveTextContent("—");
    expect(cell("3.4", "a-2025")).toHaveTextContent("2");
    expect(cell("3.4", "a-2025")).not.toHaveAttribute("data-delta");
    const codes = screen.getAllByTestId("history-cell").filter((c) => c.dataset.col === "a-2023" && c.dataset.kind === "criterion");
    expect(codes.map((c) => c.dataset.code).slice(7, 11)).toEqual(["3.1", "3.2", "3.3", "3.4"]);
  });

  it("adds part subtotals, the total and the star, each with its change", async () => {
    await show();
    expect(cell("A", "a-2024", "part")).toHaveTextContent("22 / 30");
    expect(cell("A", "a-2024", "part")).toHaveAttribute("data-delta", "2");
    expect(cell("B", "a-2025", "part")).toHaveAttribute("data-delta", "-1");
    expect(cell("C", "a-2025", "part")).toHaveTextContent("5 / 9");
    expect(cell("C", "a-2025", "part")).toHaveTextContent("▼ −2");
    expect(cell("total", "a-2023", "total")).toHaveTextContent("31 / 45");
    expect(cell("total", "a-2024", "total")).toHaveTextContent("34 / 45");
    expect(cell("total", "a-2024", "total")).toHaveAttribute("data-delta", "3");
    expect(cell("total", "a-2025", "total")).toHaveAttribute("data-delta", "-1");
    expect(cell("star", "a-2023", "star")).toHaveAttribute("data-star", "3");
    expect(cell("star", "a-2024", "star")).toHaveAttribute("data-delta", "1");
    expect(cell("star", "a-2025", "star")).not.toHaveAttribute("data-delta");
  });

  it("draws the star progress across the rounds in date order", async () => {
    await show();
    const points = within(screen.getByTestId("history-progress")).getAllByTestId("history-point");
    expect(points.map((p) => [p.dataset.col, p.dataset.total, p.dataset.star])).toEqual([
      ["a-2023", "31", "3"],
      ["a-2024", "34", "4"],
      ["a-2025", "33", "4"],
    ]);
    expect(points[0]).toHaveTextContent("31 / 45");
    expect(points[2]).toHaveTextContent("Draf");
  });

  it("does not set a round against one scored under another criteria set", async () => {
    const tea = round(OCOP_TEA, "a-tea", "2026-01-10", result(OCOP_TEA, { "1.1": scored(3) }, { parts: [40, 20, 20], total: 80, star: 4 }));
    answerWith([R2023, tea]);
    await show();
    expect(cell("1.1", "a-tea")).toHaveTextContent("3");
    expect(cell("1.1", "a-tea")).not.toHaveAttribute("data-delta");
    expect(cell("total", "a-tea", "total")).not.toHaveAttribute("data-delta");
    const columns = screen.getAllByTestId("history-column");
    expect(columns[1]).toHaveTextContent("Set kriteria lain dari kolom sebelumnya");
    expect(columns[0]).not.toHaveTextContent("Set kriteria lain");
  });

  it("opens a round's sheet from its date", async () => {
    const onopenassessment = vi.fn();
    await show({ onopenassessment });
    await userEvent.click(within(screen.getAllByTestId("history-column")[1]).getByRole("button", { name: "2 September 2024" }));
    expect(onopenassessment).toHaveBeenCalledWith("a-2024");
  });
});

describe("HistoryScreen: revisions", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    answerWith([R2023, R2024, R2025], [R2024_FIRST]);
  });

  it("offers the comparison only on a round with more than one revision", async () => {
    await show();
    expect(screen.getAllByTestId("history-revisions").map((b) => b.dataset.col)).toEqual(["a-2024"]);
  });

  it("compares revision 2 with revision 1: the reason, and each criterion that changed level", async () => {
    await show();
    await userEvent.click(screen.getByTestId("history-revisions"));
    const dialog = await screen.findByTestId("history-revision-diff");
    await waitFor(() => expect(within(dialog).getAllByTestId("history-revision-change").length).toBeGreaterThan(0));
    expect(api.getAssessment).toHaveBeenCalledWith("a-2024", 1);
    expect(api.getAssessment).toHaveBeenCalledWith("a-2024", 2);
    expect(within(dialog).getByTestId("history-revision-reason")).toHaveTextContent("Sertifikat PIRT sudah terbit");
    const changes = within(dialog).getAllByTestId("history-revision-change");
    expect(changes.map((c) => c.dataset.code)).toEqual(["3.3", "4.2", "5.3"]);
    expect(changes.map((c) => c.dataset.delta ?? null)).toEqual([null, "1", "-2"]);
    expect(changes[0]).toHaveTextContent("Tingkat 1 · 1 poin");
    expect(changes[0]).toHaveTextContent("Tidak berlaku");
    expect(changes[2]).toHaveTextContent("▼ −2");
    expect(within(dialog).getByText("3 kriteria berubah")).toBeInTheDocument();
    await userEvent.click(within(dialog).getAllByRole("button", { name: "Tutup" })[0]);
    expect(screen.queryByTestId("history-revision-diff")).not.toBeInTheDocument();
  });

  it("lets the officer pick an earlier correction when there are several", async () => {
    const third = round(OVOP, "a-2024", "2024-09-02", R2024.result, {
      revision: 3,
      reason: "Nama penilai",
      revisions: [...REVISIONS, { revision: 3, status: "final", reason: "Nama penilai", total: 34, star: 4, finalized_at: "2024-09-06T08:00:00Z" }],
    });
    answerWith([R2023, third, R2025], [R2024_FIRST, R2024]);
    await show();
    await userEvent.click(screen.getByTestId("history-revisions"));
    const dialog = await screen.findByTestId("history-revision-diff");
    await waitFor(() => expect(within(dialog).getByTestId("history-revision-none")).toBeInTheDocument());
    expect(within(dialog).getByTestId("history-revision-reason")).toHaveTextContent("Nama penilai");
    await userEvent.selectOptions(within(dialog).getByTestId("history-revision-pick"), "Revisi 2 dibanding revisi 1");
    await waitFor(() => expect(within(dialog).getAllByTestId("history-revision-change")).toHaveLength(3));
    expect(within(dialog).getByTestId("history-revision-reason")).toHaveTextContent("Sertifikat PIRT sudah terbit");
    expect(dialog).toHaveAttribute("data-revision", "2");
  });

  it("says so when a revision cannot be loaded, and loads it again on retry", async () => {
    await show();
    api.getAssessment.mockRejectedValueOnce({ code: "store.io", message: "disk", details: [] });
    await userEvent.click(screen.getByTestId("history-revisions"));
    const dialog = await screen.findByTestId("history-revision-diff");
    const error = await within(dialog).findByTestId("error");
    expect(error).toHaveAttribute("data-code", "store.io");
    await userEvent.click(within(error).getByRole("button", { name: "Coba lagi" }));
    await waitFor(() => expect(within(dialog).getAllByTestId("history-revision-change")).toHaveLength(3));
  });
});

describe("HistoryScreen: empty and failed", () => {
  beforeEach(() => {
    localStorage.clear();
    vi.clearAllMocks();
  });

  it("says the product has not been assessed yet, in the officer's language, with the way back", async () => {
    setLang("en");
    answerWith([]);
    const onback = vi.fn();
    await show({ onback });
    expect(screen.getByTestId("history-empty")).toHaveTextContent("This product has not been assessed yet.");
    expect(screen.queryByTestId("history-table")).not.toBeInTheDocument();
    await userEvent.click(screen.getByTestId("history-back"));
    expect(onback).toHaveBeenCalledWith("p-purun-tungkap", "pr-tas-purun");
  });

  it("shows a failed load with its code and tries again", async () => {
    setLang("id");
    answerWith([R2023]);
    api.listAssessments.mockRejectedValueOnce({ code: "store.io", message: "disk", details: [] });
    await show();
    const error = screen.getByTestId("error");
    expect(error).toHaveAttribute("data-code", "store.io");
    await userEvent.click(within(error).getByRole("button", { name: "Coba lagi" }));
    await screen.findByTestId("history-table");
    expect(screen.getAllByTestId("history-column")).toHaveLength(1);
  });
});

describe("History: from the product card", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    resetProductSets();
    api.listCriteria.mockResolvedValue(fixtureList());
  });

  it("offers no history for a product never assessed", async () => {
    api.listAssessments.mockResolvedValue([]);
    render(ProductCard, { product: getProduct("pr-tas-purun"), onedit: vi.fn() });
    await waitFor(() => expect(api.listAssessments).toHaveBeenCalledWith(null, "pr-tas-purun"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(screen.getByTestId("product-assess")).toBeInTheDocument();
    expect(screen.queryByTestId("product-history")).not.toBeInTheDocument();
  });

  it("offers the history once the product has an assessment, and opens it for that product", async () => {
    api.listAssessments.mockResolvedValue([summaryOf(R2023)]);
    const onopenhistory = vi.fn();
    render(ProductCard, { product: getProduct("pr-tas-purun"), onedit: vi.fn(), onopenhistory });
    const button = await screen.findByTestId("product-history");
    expect(button).toHaveTextContent("Riwayat");
    await userEvent.click(button);
    expect(onopenhistory).toHaveBeenCalledWith(expect.objectContaining({ id: "pr-tas-purun", producer_id: "p-purun-tungkap" }));
  });

  it("keeps the history open across a restart, and never opens it without a product", () => {
    const nav = new Navigation();
    nav.openHistory("pr-tas-purun", "p-purun-tungkap");
    expect(nav.screen).toBe("history");
    const reopened = new Navigation();
    expect(reopened.screen).toBe("history");
    expect(reopened.history).toEqual({ product: "pr-tas-purun", producer: "p-purun-tungkap" });
    localStorage.removeItem("ovop-field.history");
    expect(new Navigation().screen).toBe("home");
  });
});
