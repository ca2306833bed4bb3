import type { Producer } from "$lib/bindings";
import * as records from "$lib/fixtures/records";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import RegionsScreen from "./RegionsScreen.svelte";

const api = vi.hoisted(() => ({
  searchRegions: vi.fn(),
  regionChildren: vi.fn(),
  getRegion: vi.fn(),
  listProducers: vi.fn(),
  getProducer: vi.fn(),
  regionRelocations: vi.fn(),
  relocateProducer: vi.fn(),
}));
vi.mock("$lib/api", () => api);

beforeAll(() => {
  records.chooseCountries(["VN"]);
});

beforeEach(() => {
  localStorage.clear();
  setLang("vi");
  vi.clearAllMocks();
  api.searchRegions.mockImplementation(async (query: string, limit: number) => records.searchRegions(query, limit));
  api.regionChildren.mockImplementation(async (code: string | null) => records.regionChildren(code));
  api.getRegion.mockImplementation(async (code: string) => records.getRegion(code));
  api.listProducers.mockImplementation(async (region: string | null) => records.listProducers(region));
  api.getProducer.mockImplementation(async (id: string) => records.getProducer(id));
  api.regionRelocations.mockImplementation(async () => records.regionRelocations());
  // The move as the store answers it, without changing the fixture records.
  api.relocateProducer.mockImplementation(async (id: string, code: string): Promise<Producer> => ({ ...records.getProducer(id), village_code: code }));
});

async function results(): Promise<HTMLElement[]> {
  return waitFor(() => {
    const found = screen.queryAllByTestId("region-result");
    if (found.length === 0) throw new Error("no results yet");
    return found;
  });
}

describe("Vietnam's communes of 1 July 2025 in the region search", () => {
  it("finds Xã Bát Tràng without diacritics and names its level as Vietnamese does", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "xa bat trang");
    const [first] = await results();
    expect(first).toHaveAttribute("data-code", "VN25-00577");
    expect(first).toHaveTextContent("Xã Bát Tràng");
    expect(first).toHaveTextContent("Cấp xã");
    expect(first).toHaveTextContent("Thành phố Hà Nội");
    expect(within(first).queryByTestId("region-formerly")).toBeNull();
  });

  it("says which old commune a hit was found by: merged whole", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "truc bach");
    const [hit] = await results();
    expect(hit).toHaveAttribute("data-code", "VN25-00004");
    expect(hit).toHaveTextContent("Phường Ba Đình");
    const formerly = within(hit).getByTestId("region-formerly");
    expect(formerly).toHaveAttribute("data-merge", "whole");
    expect(formerly).toHaveTextContent("trước đây là Phường Trúc Bạch (Quận Ba Đình), sáp nhập toàn bộ");
  });

  it("says merged in part for the communes an old commune was split between, after the commune of that name", async () => {
    setLang("en");
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "bat trang");
    await waitFor(() => expect(screen.getAllByTestId("region-result")).toHaveLength(3));
    const rows = screen.getAllByTestId("region-result");
    expect(rows.map((r) => r.dataset.code)).toEqual(["VN25-00577", "VN25-00145", "VN25-00565"]);
    expect(within(rows[0]).queryByTestId("region-formerly")).toBeNull();
    expect(within(rows[0]).getByText("Commune level")).toBeInTheDocument();
    expect(within(rows[1]).getByTestId("region-formerly")).toHaveTextContent("formerly Xã Bát Tràng (Huyện Gia Lâm), merged in part");
  });

  it("picks a hit found by an old name as the commune itself", async () => {
    render(RegionsScreen);
    await userEvent.type(screen.getByTestId("region-search"), "truc bach");
    await userEvent.click((await results())[0]);
    expect(await screen.findByRole("heading", { level: 1, name: "Phường Ba Đình" })).toBeInTheDocument();
    expect(api.listProducers).toHaveBeenLastCalledWith("VN25-00004");
  });
});

describe("producers under units that no longer exist, on the regions screen", () => {
  function row(id: string): HTMLElement {
    const found = screen.queryAllByTestId("relocation-row").find((r) => r.dataset.producer === id);
    if (!found) throw new Error(`no relocation row ${id}`);
    return found;
  }

  it("lists them with their old unit and the units each may move to; nothing moves without a click", async () => {
    render(RegionsScreen);
    const list = await screen.findByTestId("relocations");
    expect(list).toHaveTextContent("Chủ thể thuộc đơn vị hành chính không còn tồn tại");
    expect(screen.getAllByTestId("relocation-row")).toHaveLength(2);
    const pho = row("p-pho-truc-bach");
    expect(pho).toHaveTextContent("Phường Trúc Bạch · Thành phố Hà Nội › Quận Ba Đình");
    expect(pho).toHaveTextContent("không còn từ ngày");
    expect(within(pho).getByTestId("relocate-move")).toHaveTextContent("Chuyển sang Phường Ba Đình");
    const gom = row("p-gom-bat-trang");
    expect(within(gom).getAllByTestId("relocate-candidate")).toHaveLength(3);
    expect(within(gom).getByTestId("relocate-confirm")).toBeDisabled();
    expect(api.relocateProducer).not.toHaveBeenCalled();
  });

  it("moves a producer merged whole with one click, and the row goes", async () => {
    render(RegionsScreen);
    await screen.findByTestId("relocations");
    await userEvent.click(within(row("p-pho-truc-bach")).getByTestId("relocate-move"));
    expect(api.relocateProducer).toHaveBeenCalledExactlyOnceWith("p-pho-truc-bach", "VN25-00004");
    await waitFor(() => expect(screen.getAllByTestId("relocation-row")).toHaveLength(1));
  });

  it("moves a producer of a split commune only to the commune chosen", async () => {
    render(RegionsScreen);
    await screen.findByTestId("relocations");
    const gom = row("p-gom-bat-trang");
    const batTrang = within(gom)
      .getAllByTestId("relocate-candidate")
      .find((c) => (c as HTMLInputElement).value === "VN25-00577")!;
    await userEvent.click(batTrang);
    await userEvent.click(within(gom).getByTestId("relocate-confirm"));
    expect(api.relocateProducer).toHaveBeenCalledExactlyOnceWith("p-gom-bat-trang", "VN25-00577");
    await waitFor(() => expect(screen.queryAllByTestId("relocation-row").map((r) => r.dataset.producer)).toEqual(["p-pho-truc-bach"]));
  });

  it("is not there when no producer is under a unit that no longer exists", async () => {
    api.regionRelocations.mockResolvedValue([]);
    render(RegionsScreen);
    await waitFor(() => expect(api.regionRelocations).toHaveBeenCalled());
    await screen.findByRole("heading", { name: "Chọn địa bàn khảo sát" });
    expect(screen.queryByTestId("relocations")).toBeNull();
  });
});
