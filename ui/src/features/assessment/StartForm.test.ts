import type { AssessmentSummary, Product, SetSummary } from "$lib/bindings";
import { fixtureList } from "$lib/fixtures";
import { getProduct } from "$lib/fixtures/records";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import ProductCard from "../producers/ProductCard.svelte";
import StartForm from "./StartForm.svelte";
import { resetProductSets } from "../producers/productSets.svelte";
import { parseRound, rankSets, replacementFor, roundOf, roundText, today } from "./start";
import { OVOP, viewOf } from "./testing";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  syncOutbox: vi.fn(async () => []),
  assessmentDecisions: vi.fn(async () => []),
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  listCriteria: vi.fn(),
  listPhotos: vi.fn(async () => []),
  listAssessments: vi.fn(),
  startAssessment: vi.fn(),
  getSettings: vi.fn(async () => ({})),
  appToday: vi.fn(async () => today()),
}));
vi.mock("$lib/api", () => api);

const PURSE = getProduct("pr-tas-purun");

function summary(fields: Partial<AssessmentSummary> & Pick<AssessmentSummary, "id" | "status">): AssessmentSummary {
  return {
    revision: 1,
    pulled_mine: false,
    product_id: PURSE.id,
    product_name: PURSE.name,
    producer_name: "KUB Anyaman Purun Tungkap",
    criteria_id: "ovop-id-seleksi",
    criteria_version: "2024.1",
    assessed_on: "2026-11-23",
    updated_at: "2026-11-23T08:00:00Z",
    total: 0,
    max_total: 45,
    star: 1,
    star_by_score: 1,
    provisional_star: 1,
    standing: "provisional",
    sheets: 1,
    complete: false,
    answered: 0,
    criteria_count: 15,
    ...fields,
  };
}

/** The tea sheet as Decision 148 would publish it: in force from 24 February 2023. */
function successor(): SetSummary {
  const tea = fixtureList().sets.find((s) => s.id === "ocop-1048-01")!;
  return {
    ...tea,
    id: "ocop-148-01",
    version: "2023.1",
    hash: "fixture-ocop-148-01-2023.1",
    name: { vi: "OCOP 148 – Chè tươi, chè chế biến", id: "OCOP 148 – Teh segar dan olahan" },
    legal_basis: ["Quyết định 148/QĐ-TTg (24/02/2023)"],
    effective_from: "2023-02-24",
    effective_until: null,
  };
}

/** A tea grown in Thái Nguyên, of OCOP's product set 01. */
const TEA: Product = { ...PURSE, id: "pr-che-tan-cuong", name: "Chè Tân Cương", programme: "ocop", product_set: "01", village_code: null };

function setOptions(): string[] {
  return Array.from(screen.getByTestId("assess-set").querySelectorAll("option")).map((o) => o.textContent ?? "");
}

describe("rankSets", () => {
  const sets = fixtureList().sets;

  it("puts the sets of the product's group first, then its programme's, then the others", () => {
    const drinks: Pick<Product, "programme" | "product_set"> = { programme: "ocop", product_set: "24" };
    expect(rankSets(sets, drinks).map((r) => [r.set.id, r.fits])).toEqual([
      ["ocop-1048-24", true],
      ["ocop-1048-01", false],
      ["ovop-id-seleksi", false],
    ]);
  });

  it("puts the sets in force on the day before those replaced, within the product's group", () => {
    const tea: Pick<Product, "programme" | "product_set"> = { programme: "ocop", product_set: "01" };
    const withSuccessor = [...sets, successor()];
    expect(rankSets(withSuccessor, tea, "2026-11-20").map((r) => [r.set.id, r.fits])).toEqual([
      ["ocop-148-01", true],
      ["ocop-1048-01", true],
      ["ocop-1048-24", false],
      ["ovop-id-seleksi", false],
    ]);
    // Before Decision 148 took effect, the 1048 sheet is the one in force.
    expect(rankSets(withSuccessor, tea, "2023-02-23")[0].set.id).toBe("ocop-1048-01");
  });

  it("finds the set to use instead: for the product's group, else for the groups of the set replaced", () => {
    const [, tea, drinks] = sets;
    const withSuccessor = [...sets, successor()];
    expect(replacementFor(withSuccessor, tea, { programme: "ocop", product_set: "01" }, "2026-11-20")?.id).toBe("ocop-148-01");
    expect(replacementFor(withSuccessor, tea, { programme: null, product_set: null }, "2026-11-20")?.id).toBe("ocop-148-01");
    // An OVOP product assessed on the OCOP tea sheet: its own group means nothing to OCOP.
    expect(replacementFor(withSuccessor, tea, { programme: "ovop", product_set: "anyaman" }, "2026-11-20")?.id).toBe("ocop-148-01");
    expect(replacementFor(sets, tea, { programme: "ocop", product_set: "01" }, "2026-11-20")).toBeNull();
    // Another group's set is never offered.
    expect(replacementFor(withSuccessor, drinks, { programme: "ocop", product_set: "24" }, "2026-11-20")).toBeNull();
  });

  it("keeps the catalogue's order when nothing fits", () => {
    expect(rankSets(sets, { programme: null, product_set: null }).map((r) => r.set.id)).toEqual(sets.map((s) => s.id));
  });
});

describe("rounds", () => {
  it("splits the year in the programme's rounds and reads a stored round back", () => {
    expect(roundOf("2026-06-30", 2)).toEqual({ year: 2026, phase: 1 });
    expect(roundOf("2026-07-01", 2)).toEqual({ year: 2026, phase: 2 });
    expect(roundOf("2026-12-31", 4)).toEqual({ year: 2026, phase: 4 });
    expect(roundOf("2026-13-01", 2)).toBeNull();
    expect(parseRound("2026-2")).toEqual({ year: 2026, phase: 2 });
    expect(parseRound("2026 · II")).toBeNull();
    expect(roundText("2026-2")).toBe("2026 · II");
  });
});

describe("today", () => {
  it("writes the laptop's calendar day as YYYY-MM-DD", () => {
    expect(today(new Date(2026, 0, 5, 23, 30))).toBe("2026-01-05");
  });
});

describe("ProductCard: assessing a product", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    resetProductSets();
    api.listCriteria.mockResolvedValue(fixtureList());
    api.listAssessments.mockResolvedValue([]);
  });

  it("starts an assessment with the set for the product, today's date and the officer's remembered name", async () => {
    localStorage.setItem("ovop-field.officer", "Rina");
    const view = viewOf(OVOP, { id: "a-new" });
    api.startAssessment.mockResolvedValue(view);
    const onopenassessment = vi.fn();
    render(ProductCard, { product: PURSE, onedit: vi.fn(), onopenassessment });
    expect(screen.queryByTestId("assess-start-form")).toBeNull();
    await userEvent.click(screen.getByTestId("product-assess"));
    const form = screen.getByTestId("assess-start-form");
    await waitFor(() => expect(setOptions()[0]).toBe("Seleksi Produk OVOP Indonesia · v2024.1"));
    expect(within(form).getByRole("group", { name: "Untuk kelompok produk ini" })).toBeInTheDocument();
    expect(within(form).getByTestId("assess-date")).toHaveValue(today());
    const name = within(form).getByTestId("assess-assessor");
    expect(name).toHaveValue("Rina");
    await userEvent.type(name, " Wulandari");
    await userEvent.click(within(form).getByTestId("assess-start"));
    expect(api.startAssessment).toHaveBeenCalledWith("pr-tas-purun", "ovop-id-seleksi", "2024.1", {
      assessed_on: today(),
      region_code: "63.05.01.2003",
      latitude: null,
      longitude: null,
      assessors: [{ name: "Rina Wulandari", title: null, unit: null, role: null }],
      round: `${roundOf(today(), 2)!.year}-${roundOf(today(), 2)!.phase}`,
      level: "kabupaten",
      kind: "new",
    });
    await waitFor(() => expect(onopenassessment).toHaveBeenCalledWith("a-new", view));
    expect(localStorage.getItem("ovop-field.officer")).toBe("Rina Wulandari");
  });

  it("opens as a re-assessment when asked from a lapsing certificate, and shows where an assessment was forwarded", async () => {
    api.listAssessments.mockResolvedValue([summary({ id: "a-old", status: "reviewed", forwarded_to: "provinsi" })]);
    render(ProductCard, { product: PURSE, onedit: vi.fn(), reassess: true });
    const form = await screen.findByTestId("assess-start-form");
    expect(await within(form).findByTestId("assess-kind")).toHaveValue("reassessment");
    expect(await screen.findByTestId("product-assessment-forwarded")).toHaveTextContent("Diusulkan ke Provinsi");
  });

  it("starts with another set when the officer picks one", async () => {
    api.startAssessment.mockResolvedValue(viewOf(OVOP));
    render(ProductCard, { product: PURSE, onedit: vi.fn() });
    await userEvent.click(screen.getByTestId("product-assess"));
    await waitFor(() => expect(setOptions()).toHaveLength(3));
    const tea = Array.from(screen.getByTestId("assess-set").querySelectorAll("option")).find((o) => o.textContent?.startsWith("OCOP 1048 – Teh"))!;
    await userEvent.selectOptions(screen.getByTestId("assess-set"), tea);
    // The 1048 sheet was replaced in 2023: starting on it takes the officer's word.
    await userEvent.click(screen.getByTestId("assess-confirm-standing"));
    await userEvent.click(screen.getByTestId("assess-start"));
    expect(api.startAssessment).toHaveBeenCalledWith("pr-tas-purun", "ocop-1048-01", "2020.1", expect.objectContaining({ assessors: [] }));
  });

  it("offers the remembered round, the programme's open levels and the kind, and remembers them", async () => {
    const year = today().slice(0, 4);
    localStorage.setItem("ovop-field.round", `${year}-2`);
    api.startAssessment.mockResolvedValue(viewOf(OVOP));
    render(ProductCard, { product: PURSE, onedit: vi.fn() });
    await userEvent.click(screen.getByTestId("product-assess"));
    await waitFor(() => expect(setOptions()).toHaveLength(3));
    expect(screen.getByTestId("assess-round-year")).toHaveValue(year);
    expect(screen.getByTestId("assess-round-phase")).toHaveValue("2");
    const levels = () => Array.from(screen.getByTestId("assess-level").querySelectorAll("option")).map((o) => o.textContent);
    expect(levels()).toEqual(["Kabupaten/Kota", "Provinsi", "Pusat (Kementerian)"]);
    // An OCOP sheet on a day after June 2025 has no district level.
    const tea = Array.from(screen.getByTestId("assess-set").querySelectorAll("option")).find((o) => o.textContent?.startsWith("OCOP 1048 – Teh"))!;
    await userEvent.selectOptions(screen.getByTestId("assess-set"), tea);
    await waitFor(() => expect(levels()).toEqual(["Tingkat komune (xã)", "Tingkat provinsi (tỉnh)", "Tingkat pusat"]));
    await userEvent.selectOptions(screen.getByTestId("assess-level"), "province");
    await userEvent.selectOptions(screen.getByTestId("assess-kind"), "reassessment");
    expect(screen.getByTestId("assess-kind")).toHaveDisplayValue("Penilaian ulang");
    await userEvent.click(screen.getByTestId("assess-confirm-standing"));
    await userEvent.click(screen.getByTestId("assess-start"));
    expect(api.startAssessment).toHaveBeenCalledWith(
      "pr-tas-purun",
      "ocop-1048-01",
      "2020.1",
      expect.objectContaining({ round: `${year}-2`, level: "province", kind: "reassessment" }),
    );
    expect(localStorage.getItem("ovop-field.level.ocop")).toBe("province");
  });

  it("starts in the office's current round and level, announced at the last sync, over the remembered one", async () => {
    const year = Number(today().slice(0, 4));
    localStorage.setItem("ovop-field.round", `${year}-2`);
    api.getSettings.mockResolvedValue({
      "office.rounds": JSON.stringify([
        { programme: "ocop", round: `${year + 1}-1`, level: "province", set_at: "2026-12-01T00:00:00Z" },
        { programme: "ovop", round: `${year - 1}-2`, level: "provinsi", set_at: "2026-12-01T00:00:00Z" },
        { programme: "ovop", round: "nonsense" },
      ]),
    });
    api.startAssessment.mockResolvedValue(viewOf(OVOP));
    render(ProductCard, { product: PURSE, onedit: vi.fn() });
    await userEvent.click(screen.getByTestId("product-assess"));
    await waitFor(() => expect(screen.getByTestId("assess-round-year")).toHaveValue(String(year - 1)));
    expect(screen.getByTestId("assess-round-phase")).toHaveValue("2");
    expect(screen.getByTestId("assess-level")).toHaveValue("provinsi");
    expect(screen.getByTestId("assess-office-round")).toHaveTextContent("Putaran yang ditetapkan kantor");
    // Another round chosen: it is no longer the office's.
    await userEvent.selectOptions(screen.getByTestId("assess-round-phase"), "1");
    expect(screen.queryByTestId("assess-office-round")).toBeNull();
    await userEvent.click(screen.getByTestId("assess-start"));
    expect(api.startAssessment).toHaveBeenCalledWith(
      "pr-tas-purun",
      "ovop-id-seleksi",
      "2024.1",
      expect.objectContaining({ round: `${year - 1}-1`, level: "provinsi" }),
    );
    api.getSettings.mockResolvedValue({});
  });

  it("offers the round of the day once the calendar has moved past the remembered one", async () => {
    const year = Number(today().slice(0, 4));
    localStorage.setItem("ovop-field.round", `${year - 1}-2`);
    render(ProductCard, { product: PURSE, onedit: vi.fn() });
    await userEvent.click(screen.getByTestId("product-assess"));
    await waitFor(() => expect(setOptions()).toHaveLength(3));
    const current = roundOf(today(), 2)!;
    expect(screen.getByTestId("assess-round-year")).toHaveValue(String(current.year));
    expect(screen.getByTestId("assess-round-phase")).toHaveValue(String(current.phase));
  });

  it("starts on the day the app was given for a training session, in that day's round", async () => {
    api.appToday.mockResolvedValueOnce("2029-11-06");
    api.startAssessment.mockResolvedValue(viewOf(OVOP));
    render(ProductCard, { product: PURSE, onedit: vi.fn() });
    await userEvent.click(screen.getByTestId("product-assess"));
    await waitFor(() => expect(screen.getByTestId("assess-date")).toHaveValue("2029-11-06"));
    expect(screen.getByTestId("assess-round-year")).toHaveValue("2029");
    expect(screen.getByTestId("assess-round-phase")).toHaveValue("2");
    await userEvent.click(screen.getByTestId("assess-start"));
    expect(api.startAssessment).toHaveBeenCalledWith(
      "pr-tas-purun",
      "ovop-id-seleksi",
      "2024.1",
      expect.objectContaining({ assessed_on: "2029-11-06", round: "2029-2" }),
    );
  });

  it("says why a start was refused, in the officer's words", async () => {
    api.startAssessment.mockRejectedValue({ code: "criteria.not_found", message: "criteria set x is not installed" });
    render(ProductCard, { product: PURSE, onedit: vi.fn() });
    await userEvent.click(screen.getByTestId("product-assess"));
    await waitFor(() => expect(setOptions().length).toBeGreaterThan(0));
    await userEvent.click(screen.getByTestId("assess-start"));
    expect(await screen.findByTestId("error")).toHaveTextContent("Set kriteria ini tidak ada di aplikasi.");
    expect(screen.getByTestId("assess-start")).toBeEnabled();
  });

  it("says which assessments came from the office and whose they are", async () => {
    api.listAssessments.mockResolvedValue([
      summary({ id: "a-3", status: "draft" }),
      summary({ id: "a-2", status: "synced", pulled_from: "Rina Wulandari", pulled_mine: false, star: 3, complete: true }),
      summary({ id: "a-1", status: "synced", pulled_from: "Budi Santoso", pulled_mine: true, star: 2, complete: true }),
    ]);
    render(ProductCard, { product: PURSE, onedit: vi.fn() });
    await waitFor(() => expect(screen.getAllByTestId("product-assessment")).toHaveLength(3));
    expect(screen.getAllByTestId("product-assessment-pulled").map((e) => e.textContent)).toEqual([
      "· dari kantor, oleh Rina Wulandari",
      "· dari kantor, milik Anda",
    ]);
  });

  it("shows each assessment's round and narrows the list to one round", async () => {
    api.listAssessments.mockResolvedValue([
      summary({ id: "a-3", status: "draft", round: "2026-2" }),
      summary({ id: "a-2", status: "final", round: "2026-1", star: 3, complete: true }),
      summary({ id: "a-1", status: "final", star: 2, complete: true }),
    ]);
    render(ProductCard, { product: PURSE, onedit: vi.fn() });
    await waitFor(() => expect(screen.getAllByTestId("product-assessment")).toHaveLength(3));
    expect(screen.getAllByTestId("product-assessment-round").map((e) => e.textContent)).toEqual(["· Putaran 2026 · II", "· Putaran 2026 · I"]);
    const select = screen.getByTestId("product-assessments-round");
    expect(Array.from(select.querySelectorAll("option")).map((o) => o.textContent)).toEqual([
      "Semua putaran",
      "2026 · II",
      "2026 · I",
      "Putaran tidak diketahui",
    ]);
    await userEvent.selectOptions(select, "2026-1");
    expect(screen.getAllByTestId("product-assessment").map((e) => e.dataset.id)).toEqual(["a-2"]);
    await userEvent.selectOptions(select, "unknown");
    expect(screen.getAllByTestId("product-assessment").map((e) => e.dataset.id)).toEqual(["a-1"]);
  });

  it("lists the product's assessments with status, total and star, each opening its sheet", async () => {
    api.listAssessments.mockResolvedValue([
      summary({ id: "a-2", status: "draft", total: 12, answered: 5 }),
      summary({ id: "a-1", status: "final", total: 41, star: 4, complete: true, revision: 2 }),
    ]);
    const onopenassessment = vi.fn();
    render(ProductCard, { product: PURSE, onedit: vi.fn(), onopenassessment });
    await waitFor(() => expect(screen.getAllByTestId("product-assessment")).toHaveLength(2));
    expect(api.listAssessments).toHaveBeenCalledWith(null, "pr-tas-purun");
    const [draft, final] = screen.getAllByTestId("product-assessment");
    expect(draft).toHaveTextContent("Draf");
    expect(draft).toHaveTextContent("12 / 45");
    expect(final).toHaveTextContent("Final");
    expect(final).toHaveTextContent("41 / 45");
    expect(final).toHaveTextContent("Revisi 2");
    expect(within(final).getByRole("img", { name: "4 bintang" })).toBeInTheDocument();
    expect(final).toHaveTextContent("Seleksi Produk OVOP Indonesia");
    await userEvent.click(final);
    expect(onopenassessment).toHaveBeenCalledWith("a-1");
  });
});

describe("StartForm: a criteria set not in force on the visit's date", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    api.listCriteria.mockResolvedValue(fixtureList());
    api.appToday.mockResolvedValue("2026-11-20");
    api.startAssessment.mockResolvedValue(viewOf(OVOP));
  });

  function renderFor(product: Product) {
    render(StartForm, { product, onstarted: vi.fn(), oncancel: vi.fn() });
    return waitFor(() => expect(screen.getByTestId("assess-date")).toHaveValue("2026-11-20"));
  }

  it("says which decision the set follows and since when it was replaced, and what to do when no set is in force", async () => {
    await renderFor(TEA);
    expect(screen.getByTestId("assess-set")).toHaveDisplayValue("OCOP 1048 – Teh segar dan olahan · v2020.1");
    const warning = screen.getByTestId("assess-set-standing");
    expect(warning).toHaveTextContent("Set kriteria ini sudah tidak berlaku");
    expect(warning).toHaveTextContent(
      "Set ini disusun menurut Quyết định 1048/QĐ-TTg (21/08/2019) dan Quyết định 781/QĐ-TTg (08/06/2020). Diganti sejak 24 Februari 2023; tanggal penilaian (20 November 2026) sudah di luar masa berlakunya.",
    );
    expect(screen.getByTestId("assess-no-current")).toHaveTextContent(
      "Minta kantor menerbitkan lembar penilaian yang berlaku (terpasang pada sinkronisasi berikutnya), atau impor dari berkas di layar Kriteria.",
    );
    expect(screen.queryByTestId("assess-use-current")).toBeNull();
  });

  it("reads the same in Vietnamese", async () => {
    setLang("vi");
    await renderFor(TEA);
    const warning = screen.getByTestId("assess-set-standing");
    expect(warning).toHaveTextContent("Bộ tiêu chí này đã hết hiệu lực");
    expect(warning).toHaveTextContent("Đã được thay thế từ ngày 24 tháng 2, 2023");
    expect(screen.getByTestId("assess-no-current")).toHaveTextContent("Hãy đề nghị văn phòng công bố phiếu chấm điểm hiện hành");
  });

  it("starts on the replaced set only once the officer confirms it", async () => {
    await renderFor(TEA);
    const start = screen.getByTestId("assess-start");
    expect(start).toBeDisabled();
    await userEvent.click(start);
    expect(api.startAssessment).not.toHaveBeenCalled();
    const confirm = screen.getByTestId("assess-confirm-standing");
    expect(confirm).toHaveAccessibleName("Tetap menilai dengan set ini (misalnya untuk mengulang penilaian lama)");
    await userEvent.click(confirm);
    expect(start).toBeEnabled();
    // Another date asks again: the officer confirmed that set on that date.
    await userEvent.clear(screen.getByTestId("assess-date"));
    await userEvent.type(screen.getByTestId("assess-date"), "2026-11-21");
    expect(screen.getByTestId("assess-confirm-standing")).not.toBeChecked();
    expect(start).toBeDisabled();
    await userEvent.click(screen.getByTestId("assess-confirm-standing"));
    await userEvent.click(start);
    expect(api.startAssessment).toHaveBeenCalledWith("pr-che-tan-cuong", "ocop-1048-01", "2020.1", expect.objectContaining({ assessed_on: "2026-11-21" }));
  });

  it("offers the set in force for the product's group and takes it with one click", async () => {
    api.listCriteria.mockResolvedValue({ ...fixtureList(), sets: [...fixtureList().sets, successor()] });
    await renderFor(TEA);
    // The set in force comes first and needs no word.
    expect(screen.getByTestId("assess-set")).toHaveDisplayValue("OCOP 148 – Teh segar dan olahan · v2023.1");
    expect(screen.queryByTestId("assess-set-standing")).toBeNull();
    const old = Array.from(screen.getByTestId("assess-set").querySelectorAll("option")).find((o) => o.textContent?.startsWith("OCOP 1048 – Teh"))!;
    await userEvent.selectOptions(screen.getByTestId("assess-set"), old);
    expect(screen.getByTestId("assess-set-standing")).toHaveTextContent("Set yang berlaku untuk kelompok produk ini: OCOP 148 – Teh segar dan olahan v2023.1.");
    expect(screen.queryByTestId("assess-no-current")).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Gunakan OCOP 148 – Teh segar dan olahan v2023.1 sebagai gantinya" }));
    expect(screen.getByTestId("assess-set")).toHaveDisplayValue("OCOP 148 – Teh segar dan olahan · v2023.1");
    expect(screen.queryByTestId("assess-set-standing")).toBeNull();
    await userEvent.click(screen.getByTestId("assess-start"));
    expect(api.startAssessment).toHaveBeenCalledWith("pr-che-tan-cuong", "ocop-148-01", "2023.1", expect.anything());
  });

  it("says a set is not yet in force on a date before it applies", async () => {
    await renderFor(TEA);
    await userEvent.clear(screen.getByTestId("assess-date"));
    await userEvent.type(screen.getByTestId("assess-date"), "2019-08-20");
    const warning = screen.getByTestId("assess-set-standing");
    expect(warning).toHaveTextContent("Set kriteria ini belum berlaku");
    expect(warning).toHaveTextContent("Berlaku mulai 21 Agustus 2019; tanggal penilaian (20 Agustus 2019) lebih awal dari itu.");
    // On its first day it is in force.
    await userEvent.clear(screen.getByTestId("assess-date"));
    await userEvent.type(screen.getByTestId("assess-date"), "2019-08-21");
    expect(screen.queryByTestId("assess-set-standing")).toBeNull();
    expect(screen.getByTestId("assess-start")).toBeEnabled();
  });

  it("shows nothing for a set in force", async () => {
    await renderFor(PURSE);
    expect(screen.getByTestId("assess-set")).toHaveDisplayValue("Seleksi Produk OVOP Indonesia · v2024.1");
    expect(screen.queryByTestId("assess-set-standing")).toBeNull();
    expect(screen.getByTestId("assess-start")).toBeEnabled();
  });
});
