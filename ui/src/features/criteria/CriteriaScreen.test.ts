import type { CriteriaSetView } from "$lib/bindings";
import { fixtureList, fixtureView } from "$lib/fixtures";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import App from "../../App.svelte";
import CriteriaScreen from "./CriteriaScreen.svelte";

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
  getCriteria: vi.fn(),
  homeCounts: vi.fn(async () => ({ drafts: 0, finals: 0, waiting: 0 })),
  listAssessments: vi.fn(async () => []),
  appVersion: vi.fn(async () => "0.1.0"),
  inTauri: vi.fn(() => true),
  getSettings: vi.fn(async () => ({})),
  setSetting: vi.fn(async () => {}),
  appToday: vi.fn(async () => "2026-11-20"),
}));
vi.mock("$lib/api", () => api);

function answerFromFixtures() {
  api.listCriteria.mockResolvedValue(fixtureList());
  api.getCriteria.mockImplementation(async (id: string, version: string): Promise<CriteriaSetView> => {
    const view = fixtureView(id, version);
    if (!view) throw { code: "criteria.not_found", message: "not installed" };
    return view;
  });
}

describe("CriteriaScreen", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    answerFromFixtures();
  });

  it("opens the first set of the list by itself", async () => {
    render(CriteriaScreen);
    await waitFor(() => expect(screen.getByTestId("sheet")).toHaveAttribute("data-id", "ovop-id-seleksi"));
    expect(await screen.findByTestId("sheet-title")).toHaveTextContent("Seleksi Produk OVOP Indonesia");
    expect(api.getCriteria).toHaveBeenCalledWith("ovop-id-seleksi", "2024.1");
  });

  it("opens the set the officer clicks", async () => {
    render(CriteriaScreen);
    await screen.findByTestId("sheet-title");
    const tea = screen.getAllByTestId("criteria-row").find((r) => r.dataset.id === "ocop-1048-01")!;
    await userEvent.click(tea);
    await waitFor(() => expect(screen.getByTestId("sheet-title")).toHaveTextContent("Teh segar dan olahan"));
    expect(screen.getByTestId("sheet")).toHaveAttribute("data-id", "ocop-1048-01");
    expect(tea).toHaveAttribute("aria-current", "true");
  });

  it("shows a translated message for criteria.not_found, with the code in small print", async () => {
    api.getCriteria.mockRejectedValue({ code: "criteria.not_found", message: "criteria set x 1 is not installed" });
    render(CriteriaScreen);
    const error = await screen.findByTestId("error");
    expect(error).toHaveTextContent("Set kriteria ini tidak ada di aplikasi.");
    expect(error).toHaveTextContent("Kode: criteria.not_found");
    expect(error).not.toHaveTextContent("is not installed");
  });

  it("shows a generic message for an unknown code, and tries again on request", async () => {
    api.getCriteria.mockRejectedValueOnce({ code: "server.no_such_code", message: "database is locked" });
    render(CriteriaScreen);
    const error = await screen.findByTestId("error");
    expect(error).toHaveTextContent("Maaf, terjadi kesalahan yang tidak terduga.");
    expect(error).toHaveTextContent("Kode: server.no_such_code");
    await userEvent.click(screen.getByRole("button", { name: "Coba lagi" }));
    expect(await screen.findByTestId("sheet-title")).toHaveTextContent("Seleksi Produk OVOP Indonesia");
  });

  it("shows the error when the list itself cannot be loaded", async () => {
    api.listCriteria.mockRejectedValue(new Error("boom"));
    render(CriteriaScreen);
    expect(await screen.findByTestId("error")).toHaveTextContent("Kode: unexpected");
  });

  it("says so when no set is installed", async () => {
    api.listCriteria.mockResolvedValue({ sets: [], rejected: [] });
    render(CriteriaScreen);
    expect(await screen.findByText("Belum ada set kriteria terpasang")).toBeInTheDocument();
    expect(api.getCriteria).not.toHaveBeenCalled();
  });
});

describe("language switch", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    answerFromFixtures();
  });

  it("changes the interface language, keeps the choice, and reorders the programmes", async () => {
    render(App);
    await userEvent.click(screen.getByTestId("nav-criteria"));
    await screen.findByTestId("sheet-title");
    expect(screen.getByRole("heading", { name: "Set kriteria" })).toBeInTheDocument();

    await userEvent.selectOptions(screen.getByTestId("lang-switch"), "en");
    expect(await screen.findByRole("heading", { name: "Criteria sets" })).toBeInTheDocument();
    expect(screen.getByText("Maximum score")).toBeInTheDocument();
    expect(localStorage.getItem("ovop-field.language")).toBe("en");
    expect(document.documentElement.lang).toBe("en");

    await userEvent.selectOptions(screen.getByTestId("lang-switch"), "vi");
    expect(await screen.findByRole("heading", { name: "Bộ tiêu chí" })).toBeInTheDocument();
    expect(screen.getByText("Điểm tối đa")).toBeInTheDocument();
    expect(screen.getAllByTestId("criteria-row")[0]).toHaveAttribute("data-id", "ocop-1048-01");
  });

  it("offers each language in its own name", () => {
    render(App);
    const options = Array.from(screen.getByTestId("lang-switch").querySelectorAll("option"));
    expect(options.map((o) => [o.value, o.textContent])).toEqual([
      ["id", "Bahasa Indonesia"],
      ["en", "English"],
      ["vi", "Tiếng Việt"],
    ]);
  });
});
