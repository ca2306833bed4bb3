import * as records from "$lib/fixtures/records";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import RegionsScreen from "./RegionsScreen.svelte";
import { RegionsState } from "./state.svelte";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  syncOutbox: vi.fn(async () => []),
  assessmentDecisions: vi.fn(async () => []),
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  searchRegions: vi.fn(),
  regionChildren: vi.fn(),
  getRegion: vi.fn(),
  listProducers: vi.fn(),
}));
vi.mock("$lib/api", () => api);

// The fixture records answer the way the Rust commands would, from a slice of the real regions.
function answerFromFixtures() {
  api.searchRegions.mockImplementation(async (query: string, limit: number) => records.searchRegions(query, limit));
  api.regionChildren.mockImplementation(async (code: string | null) => records.regionChildren(code));
  api.getRegion.mockImplementation(async (code: string) => records.getRegion(code));
  api.listProducers.mockImplementation(async (region: string | null) => records.listProducers(region));
}

function treeNode(code: string): HTMLElement {
  const node = screen.queryAllByTestId("region-tree-node").find((n) => n.dataset.code === code);
  if (!node) throw new Error(`no tree node ${code}`);
  return node;
}

async function findTreeNode(code: string): Promise<HTMLElement> {
  return waitFor(() => treeNode(code));
}

function treeItem(code: string): HTMLElement {
  return treeNode(code).closest<HTMLElement>("[role='treeitem']")!;
}

async function findResult(code: string): Promise<HTMLElement> {
  return waitFor(() => {
    const row = screen.queryAllByTestId("region-result").find((r) => r.dataset.code === code);
    if (!row) throw new Error(`no result ${code}`);
    return row;
  });
}

function producerIds(): string[] {
  return within(screen.getByTestId("producer-list"))
    .getAllByTestId("producer-row")
    .map((row) => row.dataset.id!);
}

describe("RegionsScreen", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    answerFromFixtures();
  });

  it("starts with the provinces in the tree and nothing selected", async () => {
    render(RegionsScreen);
    await findTreeNode("63");
    expect(screen.getAllByTestId("region-tree-node")).toHaveLength(38);
    expect(treeNode("34")).toHaveTextContent("Daerah Istimewa Yogyakarta");
    expect(screen.getByRole("heading", { name: "Pilih wilayah kunjungan" })).toBeInTheDocument();
    expect(api.regionChildren).toHaveBeenCalledWith(null);
    expect(api.listProducers).not.toHaveBeenCalled();
  });

  it("finds a village by a few letters, and shows its level and where it is", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "tungk");
    const tungkap = await findResult("63.05.01.2003");
    expect(tungkap).toHaveTextContent("Tungkap");
    expect(tungkap).toHaveTextContent("Desa");
    expect(tungkap).toHaveTextContent("Kalimantan Selatan › Kabupaten Tapin › Binuang");
    expect(screen.getAllByTestId("region-result")).toHaveLength(1);
    expect(screen.getByRole("status")).toHaveTextContent("1 wilayah");
    // The tree gives way to the results while there is a query.
    expect(screen.queryAllByTestId("region-tree-node")).toHaveLength(0);
  });

  it("waits for a pause in the typing instead of asking at every key, and shows the last answer", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "binuang");
    await findResult("63.05.01.1001");
    expect(api.searchRegions.mock.calls.length).toBeLessThan("binuang".length);
    expect(api.searchRegions).toHaveBeenLastCalledWith("binuang", 50);
    expect(screen.getAllByTestId("region-result").map((r) => r.dataset.code)).toEqual(["63.05.01", "63.05.01.1001"]);
  });

  it("selects a region picked from the results and lists the producers under it", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "tungkap");
    await userEvent.click(await findResult("63.05.01.2003"));

    expect(await screen.findByRole("heading", { level: 1, name: "Tungkap" })).toBeInTheDocument();
    await waitFor(() => expect(producerIds()).toEqual(["p-purun-tungkap"]));
    expect(api.listProducers).toHaveBeenLastCalledWith("63.05.01.2003");
    expect(screen.getByText("1 produsen terdaftar di Tungkap")).toBeInTheDocument();
    expect(await findResult("63.05.01.2003")).toHaveAttribute("aria-current", "true");
    expect(screen.getByTestId("producer-new")).toHaveTextContent("Daftarkan produsen di sini");
    expect(localStorage.getItem("ovop-field.region")).toBe("63.05.01.2003");
  });

  it("opens the tree down to the region picked from the search", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "tungkap");
    await userEvent.click(await findResult("63.05.01.2003"));
    await screen.findByTestId("producer-list");
    await userEvent.clear(screen.getByTestId("region-search"));

    const tungkap = await findTreeNode("63.05.01.2003");
    expect(treeItem("63")).toHaveAttribute("aria-expanded", "true");
    expect(treeItem("63.05")).toHaveAttribute("aria-expanded", "true");
    expect(treeItem("63.05.01")).toHaveAttribute("aria-expanded", "true");
    expect(treeItem("63.05.01.2003")).toHaveAttribute("aria-selected", "true");
    expect(tungkap).toHaveClass("selected");
  });

  it("lists every producer of a regency's villages", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "tapin");
    await userEvent.click(await findResult("63.05"));
    await waitFor(() => expect(producerIds()).toEqual(["p-purun-tungkap", "p-sasirangan-tatakan", "p-wadai-binuang"]));
    expect(screen.getByText("3 produsen terdaftar di Kabupaten Tapin")).toBeInTheDocument();
    expect(screen.getByTestId("producer-new")).toHaveTextContent(/^\s*Daftarkan produsen\s*$/);
  });

  it("says so when nothing matches the search", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "zzqx");
    expect(await screen.findByText("Tidak ada wilayah yang cocok dengan “zzqx”.")).toBeInTheDocument();
    expect(screen.queryAllByTestId("region-result")).toHaveLength(0);
  });

  it("shows a failed search in words, and searches again on request", async () => {
    api.searchRegions.mockRejectedValueOnce({ code: "store.corrupt", message: "malformed" });
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "tungkap");
    const error = await screen.findByTestId("error");
    expect(error).toHaveTextContent("Basis data rusak.");
    await userEvent.click(within(error).getByRole("button", { name: "Coba lagi" }));
    expect(await findResult("63.05.01.2003")).toBeInTheDocument();
    expect(screen.queryByTestId("error")).toBeNull();
  });

  it("opens a province into its regencies on a click, and selects it", async () => {
    render(RegionsScreen);
    await userEvent.click(await findTreeNode("63"));
    expect(await findTreeNode("63.05")).toHaveTextContent("Kabupaten Tapin");
    expect(treeItem("63")).toHaveAttribute("aria-expanded", "true");
    const regencies = within(treeItem("63")).getAllByTestId("region-tree-node").filter((n) => n.dataset.code !== "63");
    expect(regencies.map((n) => n.dataset.code)).toEqual(records.regionChildren("63").map((r) => r.code));
    expect(api.regionChildren).toHaveBeenCalledWith("63");
    expect(await screen.findByRole("heading", { level: 1, name: "Kalimantan Selatan" })).toBeInTheDocument();
    expect(api.listProducers).toHaveBeenLastCalledWith("63");
  });

  it("goes down the tree level by level to a village, which has no arrow", async () => {
    render(RegionsScreen);
    await userEvent.click(await findTreeNode("63"));
    await userEvent.click(await findTreeNode("63.05"));
    await userEvent.click(await findTreeNode("63.05.01"));
    const village = await findTreeNode("63.05.01.2003");
    expect(treeItem("63.05.01.2003")).not.toHaveAttribute("aria-expanded");
    expect(treeItem("63.05.01.2003")).toHaveAttribute("data-leaf", "true");
    await userEvent.click(village);
    expect(await screen.findByRole("heading", { level: 1, name: "Tungkap" })).toBeInTheDocument();
    await waitFor(() => expect(producerIds()).toEqual(["p-purun-tungkap"]));
    expect(api.regionChildren).not.toHaveBeenCalledWith("63.05.01.2003");
  });

  it("closes and reopens a branch with its arrow without asking again or changing the selection", async () => {
    render(RegionsScreen);
    await userEvent.click(await findTreeNode("63"));
    await findTreeNode("63.05");
    const arrow = treeNode("63").querySelector("button")!;

    await userEvent.click(arrow);
    expect(treeItem("63")).toHaveAttribute("aria-expanded", "false");
    expect(screen.queryAllByTestId("region-tree-node").some((n) => n.dataset.code === "63.05")).toBe(false);

    await userEvent.click(arrow);
    expect(await findTreeNode("63.05")).toBeInTheDocument();
    expect(api.regionChildren.mock.calls.filter(([code]) => code === "63")).toHaveLength(1);

    // The arrow of another province opens it without selecting it.
    await userEvent.click(treeNode("34").querySelector("button")!);
    expect(await findTreeNode("34.02")).toBeInTheDocument();
    expect(treeItem("34")).toHaveAttribute("aria-selected", "false");
    expect(screen.getByRole("heading", { level: 1, name: "Kalimantan Selatan" })).toBeInTheDocument();
  });

  it("says when a branch has no regions below it", async () => {
    api.regionChildren.mockImplementation(async (code: string | null) => (code === "63" ? [] : records.regionChildren(code)));
    render(RegionsScreen);
    await userEvent.click(await findTreeNode("63"));
    expect(await within(treeItem("63")).findByText("Tidak ada wilayah di bawahnya.")).toBeInTheDocument();
  });

  it("shows a branch that failed to load in words, with a retry", async () => {
    api.regionChildren.mockImplementationOnce(async (code: string | null) => records.regionChildren(code));
    api.regionChildren.mockRejectedValueOnce({ code: "store.read_only", message: "attempt to write a readonly database" });
    render(RegionsScreen);
    await userEvent.click(await findTreeNode("63"));
    const error = await within(treeItem("63")).findByTestId("error");
    expect(error).toHaveTextContent("folder aplikasi tidak bisa ditulisi");
    await userEvent.click(within(error).getByRole("button", { name: "Coba lagi" }));
    expect(await findTreeNode("63.05")).toBeInTheDocument();
  });

  it("moves through the tree with the keyboard", async () => {
    render(RegionsScreen);
    await findTreeNode("63");
    treeItem("61").focus();
    await userEvent.keyboard("{ArrowDown}");
    expect(treeItem("62")).toHaveFocus();
    await userEvent.keyboard("{ArrowRight}");
    expect(await findTreeNode("62.01")).toBeInTheDocument();
    expect(treeItem("62")).toHaveAttribute("aria-expanded", "true");
    await userEvent.keyboard("{ArrowRight}");
    expect(treeItem("62.01")).toHaveFocus();
    await userEvent.keyboard("{Enter}");
    expect(await screen.findByRole("heading", { level: 1, name: treeNode("62.01").querySelector(".name")!.textContent! })).toBeInTheDocument();
    await userEvent.keyboard("{ArrowLeft}");
    expect(treeItem("62")).toHaveFocus();
    await userEvent.keyboard("{ArrowLeft}");
    expect(treeItem("62")).toHaveAttribute("aria-expanded", "false");
  });

  it("shows producers that failed to load in words, and loads them again on request", async () => {
    api.listProducers.mockRejectedValueOnce({ code: "store.disk_full", message: "database or disk is full" });
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "tungkap");
    await userEvent.click(await findResult("63.05.01.2003"));
    const error = await screen.findByTestId("error");
    expect(error).toHaveTextContent("Penyimpanan laptop penuh.");
    expect(error).not.toHaveTextContent("database or disk is full");
    await userEvent.click(within(error).getByRole("button", { name: "Coba lagi" }));
    await waitFor(() => expect(producerIds()).toEqual(["p-purun-tungkap"]));
  });

  it("invites the first registration in a village without producers", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "karangan putih");
    await userEvent.click(await findResult("63.05.01.1017"));
    expect(await screen.findByText("Belum ada produsen terdaftar di Karangan Putih.")).toBeInTheDocument();
    expect(screen.getByText("Daftarkan produsen pertama di desa ini.")).toBeInTheDocument();
    expect(screen.queryByTestId("producer-list")).toBeNull();
  });

  it("hands the region to register in, and the producer to open, to the app", async () => {
    const onnewproducer = vi.fn();
    const onopenproducer = vi.fn();
    render(RegionsScreen, { onnewproducer, onopenproducer });
    await userEvent.type(screen.getByTestId("region-search"), "tungkap");
    await userEvent.click(await findResult("63.05.01.2003"));
    await userEvent.click(await screen.findByTestId("producer-new"));
    expect(onnewproducer).toHaveBeenCalledWith(expect.objectContaining({ code: "63.05.01.2003", level: "village" }));
    await waitFor(() => expect(producerIds()).toEqual(["p-purun-tungkap"]));
    await userEvent.click(screen.getByTestId("producer-row"));
    expect(onopenproducer).toHaveBeenCalledWith(expect.objectContaining({ id: "p-purun-tungkap", name: "KUB Anyaman Purun Tungkap" }));
  });

  it("opens on the region selected last time, with the tree open down to it", async () => {
    localStorage.setItem("ovop-field.region", "34.02");
    render(RegionsScreen);
    expect(await screen.findByRole("heading", { level: 1, name: "Kabupaten Bantul" })).toBeInTheDocument();
    await waitFor(() => expect(producerIds()).toEqual(["p-gerabah-kasongan", "p-keripik-imogiri", "p-batik-wukirsari"]));
    expect(treeItem("34")).toHaveAttribute("aria-expanded", "true");
    expect(treeItem("34.02")).toHaveAttribute("aria-selected", "true");
  });

  it("forgets a remembered region that no longer exists", async () => {
    localStorage.setItem("ovop-field.region", "99.99");
    render(RegionsScreen);
    await findTreeNode("63");
    await waitFor(() => expect(localStorage.getItem("ovop-field.region")).toBeNull());
    expect(screen.getByRole("heading", { name: "Pilih wilayah kunjungan" })).toBeInTheDocument();
  });

  it("keeps the tree as the officer left it when the screen comes back", async () => {
    const regions = new RegionsState();
    const first = render(RegionsScreen, { regions });
    await userEvent.click(await findTreeNode("63"));
    await findTreeNode("63.05");
    first.unmount();

    render(RegionsScreen, { regions });
    expect(await findTreeNode("63.05")).toBeInTheDocument();
    expect(api.regionChildren.mock.calls.filter(([code]) => code === "63")).toHaveLength(1);
    expect(screen.getByRole("heading", { level: 1, name: "Kalimantan Selatan" })).toBeInTheDocument();
  });
});
