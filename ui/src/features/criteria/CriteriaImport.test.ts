import type { CriteriaImport, CriteriaSetView, SetSummary, SheetFinding } from "$lib/bindings";
import { fixtureList, fixtureView } from "$lib/fixtures";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import CriteriaScreen from "./CriteriaScreen.svelte";

const api = vi.hoisted(() => ({
  listCriteria: vi.fn(),
  getCriteria: vi.fn(),
  importCriteriaFile: vi.fn(),
  pickCriteriaFile: vi.fn(async (): Promise<string | null> => "/home/penyuluh/lembar.xlsx"),
  appToday: vi.fn(async () => "2026-12-07"),
  inTauri: vi.fn(() => true),
}));
vi.mock("$lib/api", () => api);

function finding(partial: Partial<SheetFinding>): SheetFinding {
  return { severity: "error", code: "criteria.spreadsheet", sheet: "Phiếu 148", row: null, column: null, message: "", path: null, ...partial };
}

const REFUSED: CriteriaImport = {
  summary: null,
  already_installed: false,
  findings: [
    finding({ row: 3, column: "B", message: 'programme must be ocop, ovop, otop or other, found "ocpo"' }),
    finding({ row: 22, column: "G (points)", message: 'points must be a whole number of 0 or more, found "dua"' }),
    finding({ code: "unknown_criterion", row: 31, column: "K (applies_if)", message: "the condition names criterion 9.9, which the set does not have", path: "parts[0] (A).sections[1] (2).criteria[1] (2.2).applies_if" }),
    finding({ severity: "warning", code: "part_max_mismatch", row: 14, column: "C", message: "part A adds up to 38, the sheet says 40", path: "parts[0] (A)" }),
  ],
};

/** The fixtures' list with one more set: the one the import installs. */
function withImported(): { list: ReturnType<typeof fixtureList>; summary: SetSummary; view: CriteriaSetView } {
  const list = fixtureList();
  const base = fixtureView(list.sets[0].id, list.sets[0].version)!;
  const summary: SetSummary = {
    ...base.summary,
    id: "ocop-148-02",
    version: "2023.1",
    name: { vi: "Phiếu đánh giá OCOP 148: Chế biến từ gạo, ngũ cốc" },
    origin: { kind: "imported", name: "ocop-148-02-2023.1.json" },
  };
  return {
    list: { ...list, sets: [...list.sets, summary] },
    summary,
    view: { ...base, summary, set: { ...base.set, id: summary.id, version: summary.version, name: summary.name } },
  };
}

describe("Import from file", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    api.listCriteria.mockResolvedValue(fixtureList());
    api.getCriteria.mockImplementation(async (id: string, version: string) => fixtureView(id, version));
  });

  it("shows every finding of a refused sheet with its row and column, and installs nothing", async () => {
    api.importCriteriaFile.mockResolvedValue(REFUSED);
    render(CriteriaScreen);
    await screen.findByTestId("sheet-title");
    await userEvent.click(screen.getByRole("button", { name: "Impor dari berkas" }));

    const report = await screen.findByTestId("import-report");
    expect(api.pickCriteriaFile).toHaveBeenCalledWith("Pilih lembar kriteria (.xlsx, .csv, atau .json)");
    expect(api.importCriteriaFile).toHaveBeenCalledWith("/home/penyuluh/lembar.xlsx");
    expect(report).toHaveAttribute("data-outcome", "refused");
    expect(report).toHaveTextContent("Lembar ini belum dipasang");
    const rows = within(report).getAllByTestId("import-finding");
    expect(rows.map((r) => [r.dataset.severity, r.dataset.row, r.dataset.column])).toEqual([
      ["error", "3", "B"],
      ["error", "22", "G (points)"],
      ["error", "31", "K (applies_if)"],
      ["warning", "14", "C"],
    ]);
    expect(rows[1]).toHaveTextContent("baris 22, kolom G (points)");
    expect(rows[1]).toHaveTextContent('found "dua"');
    expect(rows[0]).toHaveTextContent("Kesalahan");
    expect(rows[3]).toHaveTextContent("Peringatan");
    // Nothing new is listed, and the sheet pane shows the findings rather than a sheet.
    expect(api.listCriteria).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId("sheet-title")).toBeNull();
    await userEvent.click(within(report).getByRole("button", { name: "Tutup" }));
    expect(screen.queryByTestId("import-report")).toBeNull();
    expect(await screen.findByTestId("sheet-title")).toBeInTheDocument();
  });

  it("says in the reader's words when the file is refused whole", async () => {
    api.importCriteriaFile.mockResolvedValue({
      summary: null,
      already_installed: false,
      findings: [finding({ code: "criteria.encoding", sheet: "lembar.csv", message: "byte 5 (0x81) is no letter in Windows-1252, the code page a plain CSV file is read in" })],
    } satisfies CriteriaImport);
    setLang("en");
    render(CriteriaScreen);
    await screen.findByTestId("sheet-title");
    await userEvent.click(screen.getByRole("button", { name: "Import from file" }));
    const row = await screen.findByTestId("import-finding");
    expect(row).toHaveTextContent("the whole file");
    expect(row).toHaveTextContent("The file cannot be read as text: it is damaged, or saved in another encoding.");
    expect(row).toHaveAttribute("data-code", "criteria.encoding");
  });

  it("lists and opens the set it installed, marked as imported", async () => {
    const { list, summary, view } = withImported();
    api.importCriteriaFile.mockResolvedValue({ summary, findings: [], already_installed: false } satisfies CriteriaImport);
    render(CriteriaScreen);
    await screen.findByTestId("sheet-title");
    api.listCriteria.mockResolvedValue(list);
    api.getCriteria.mockImplementation(async (id: string, version: string) => (id === summary.id ? view : fixtureView(id, version)));
    setLang("vi");
    await userEvent.click(await screen.findByRole("button", { name: "Nhập từ tệp" }));

    const report = await screen.findByTestId("import-report");
    expect(report).toHaveAttribute("data-outcome", "installed");
    expect(within(report).getByTestId("import-installed")).toHaveTextContent("Đã cài đặt: Phiếu đánh giá OCOP 148: Chế biến từ gạo, ngũ cốc");
    await waitFor(() => expect(screen.getByTestId("sheet")).toHaveAttribute("data-id", "ocop-148-02"));
    const row = screen.getAllByTestId("criteria-row").find((r) => r.dataset.id === "ocop-148-02")!;
    expect(within(row).getByTestId("origin-badge")).toHaveTextContent("Đã nhập");
    expect(await screen.findByTestId("origin")).toHaveTextContent("Đã nhập: ocop-148-02-2023.1.json");
  });

  it("marks a set the office published as the office's, in the list and the overview", async () => {
    const { list, summary, view } = withImported();
    const office = { ...summary, origin: { kind: "office" as const, name: "pulled-ocop-148-02-2023.1.json" } };
    api.listCriteria.mockResolvedValue({ ...list, sets: [office, ...list.sets.filter((s) => s.id !== office.id)] });
    api.getCriteria.mockImplementation(async (id: string, version: string) =>
      id === office.id ? { ...view, summary: office } : fixtureView(id, version),
    );
    render(CriteriaScreen);
    const row = (await screen.findAllByTestId("criteria-row")).find((r) => r.dataset.id === "ocop-148-02")!;
    expect(within(row).getByTestId("origin-badge")).toHaveTextContent("Dari kantor");
    await userEvent.click(row);
    const origin = await screen.findByTestId("origin");
    await waitFor(() => expect(origin).toHaveTextContent("Diterbitkan kantor, diterima saat sinkronisasi: pulled-ocop-148-02-2023.1.json"));
    expect(origin).toHaveAttribute("data-origin", "office");
  });

  it("does nothing when the officer closes the file picker", async () => {
    api.pickCriteriaFile.mockResolvedValueOnce(null);
    render(CriteriaScreen);
    await screen.findByTestId("sheet-title");
    await userEvent.click(screen.getByRole("button", { name: "Impor dari berkas" }));
    expect(api.importCriteriaFile).not.toHaveBeenCalled();
    expect(screen.queryByTestId("import-report")).toBeNull();
  });
});
