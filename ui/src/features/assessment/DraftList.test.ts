import type { AssessmentSummary } from "$lib/bindings";
import { fixtureList } from "$lib/fixtures";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import HomeScreen from "../home/HomeScreen.svelte";
import { resetProductSets } from "../producers/productSets.svelte";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  syncOutbox: vi.fn(async () => []),
  assessmentDecisions: vi.fn(async () => []),
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  coachingDue: vi.fn(async (): Promise<unknown[]> => []),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  homeCounts: vi.fn(async () => ({ drafts: 2, finals: 0, waiting: 0 })),
  listAssessments: vi.fn(),
  listCriteria: vi.fn(),
  appVersion: vi.fn(async () => "0.1.0"),
  inTauri: vi.fn(() => true),
}));
vi.mock("$lib/api", () => api);

function draft(id: string, fields: Partial<AssessmentSummary>): AssessmentSummary {
  return {
    id,
    revision: 1,
    status: "draft",
    pulled_mine: false,
    product_id: "pr-tas-purun",
    product_name: "Tas anyaman purun",
    producer_name: "KUB Anyaman Purun Tungkap",
    criteria_id: "ovop-id-seleksi",
    criteria_version: "2024.1",
    assessed_on: "2026-11-23",
    updated_at: "2026-11-23T08:05:00Z",
    total: 9,
    max_total: 45,
    star: 1,
    star_by_score: 1,
    provisional_star: 1,
    standing: "provisional",
    sheets: 1,
    complete: false,
    answered: 4,
    criteria_count: 15,
    ...fields,
  };
}

describe("HomeScreen: drafts to continue", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    resetProductSets();
    api.listCriteria.mockResolvedValue(fixtureList());
  });

  it("lists the drafts with product, producer, set, progress and last change, and opens one", async () => {
    api.listAssessments.mockResolvedValue([
      draft("a-2", { product_name: "Bingka kentang", producer_name: "UD Wadai Banjar Binuang", answered: 15 }),
      draft("a-1", { criteria_id: "ocop-1048-01", criteria_version: "2020.1", criteria_count: 31, answered: 0 }),
    ]);
    const onopenassessment = vi.fn();
    render(HomeScreen, { onopenassessment });
    await waitFor(() => expect(screen.getAllByTestId("home-draft-row").map((r) => r.dataset.id)).toEqual(["a-2", "a-1"]));
    expect(api.listAssessments).toHaveBeenCalledWith("draft", null);
    const [bingka, purse] = screen.getAllByTestId("home-draft-row");
    expect(bingka).toHaveTextContent("Bingka kentang");
    expect(bingka).toHaveTextContent("UD Wadai Banjar Binuang");
    expect(bingka).toHaveTextContent("15/15 kriteria");
    await waitFor(() => expect(bingka).toHaveTextContent("Seleksi Produk OVOP Indonesia v2024.1"));
    expect(bingka).toHaveTextContent(/23 Nov 2026/);
    expect(purse).toHaveTextContent("0/31 kriteria");
    expect(purse).toHaveTextContent("Teh");
    await userEvent.click(purse);
    expect(onopenassessment).toHaveBeenCalledWith("a-1");
  });

  it("says when no draft waits", async () => {
    api.listAssessments.mockResolvedValue([]);
    render(HomeScreen);
    expect(await screen.findByText(/Tidak ada draf yang menunggu/)).toBeInTheDocument();
    expect(screen.queryByTestId("home-draft-row")).toBeNull();
  });

  it("shows a translated error when the drafts cannot be read, and tries again", async () => {
    api.listAssessments.mockRejectedValueOnce({ code: "store.corrupt", message: "malformed" }).mockResolvedValue([draft("a-1", {})]);
    render(HomeScreen);
    const error = await screen.findByTestId("error");
    expect(error).toHaveTextContent("Basis data rusak.");
    await userEvent.click(within(error).getByRole("button", { name: "Coba lagi" }));
    expect(await screen.findByTestId("home-draft-row")).toHaveAttribute("data-id", "a-1");
  });
});
