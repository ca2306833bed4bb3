import type { Producer, RecordHistory, Relocation } from "$lib/bindings";
import { fixtureList } from "$lib/fixtures";
import * as records from "$lib/fixtures/records";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetProductSets } from "./productSets.svelte";
import ProducersScreen from "./ProducersScreen.svelte";
import { ProducersState } from "./state.svelte";

const api = vi.hoisted(() => ({
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  listProducers: vi.fn(),
  getProducer: vi.fn(),
  listProducts: vi.fn(async () => []),
  recordHistory: vi.fn(),
  searchProducts: vi.fn(async () => []),
  searchRegions: vi.fn(),
  getRegion: vi.fn(),
  listPhotos: vi.fn(async () => []),
  pulledPhotos: vi.fn(async (_kind: string, _id: string, _revision: number): Promise<unknown[]> => []),
  listCriteria: vi.fn(),
  listAssessments: vi.fn(async () => []),
  regionRelocations: vi.fn(),
  relocateProducer: vi.fn(),
}));
vi.mock("$lib/api", () => api);

const NOTHING_YET: RecordHistory = { revision: 0, changes: [], waiting: [] };

beforeEach(() => {
  localStorage.clear();
  setLang("vi");
  vi.clearAllMocks();
  resetProductSets();
  api.listProducers.mockImplementation(async (region: string | null) => records.listProducers(region));
  api.getProducer.mockImplementation(async (id: string) => records.getProducer(id));
  api.searchRegions.mockImplementation(async (query: string, limit: number) => records.searchRegions(query, limit));
  api.getRegion.mockImplementation(async (code: string) => records.getRegion(code));
  api.listCriteria.mockResolvedValue(fixtureList());
  api.recordHistory.mockResolvedValue(NOTHING_YET);
  api.regionRelocations.mockImplementation(async () => records.regionRelocations());
  // The move as the store answers it, without changing the fixture records.
  api.relocateProducer.mockImplementation(async (id: string, code: string): Promise<Producer> => ({ ...records.getProducer(id), village_code: code }));
});

async function openPage(id: string): Promise<HTMLElement> {
  render(ProducersScreen, { producers: new ProducersState(id) });
  await waitFor(() => expect(screen.getByTestId("producer-title")).toHaveTextContent(records.getProducer(id).name));
  return screen.findByTestId("producer-retired");
}

describe("a producer under a unit that ceased on 1 July 2025", () => {
  it("merged whole: says so and moves with one click; the page then shows the new commune and the history the old one", async () => {
    const banner = await openPage("p-pho-truc-bach");
    expect(within(banner).getByRole("heading")).toHaveTextContent("Đơn vị cũ của chủ thể, Phường Trúc Bạch, không còn từ ngày");
    expect(screen.getByTestId("producer-village-name")).toHaveTextContent("Phường Trúc Bạch");
    const move = await within(banner).findByTestId("relocate-move");
    expect(banner).toHaveTextContent("Phường Trúc Bạch đã được sáp nhập toàn bộ vào Phường Ba Đình.");
    expect(move).toHaveTextContent("Chuyển sang Phường Ba Đình");
    expect(api.relocateProducer).not.toHaveBeenCalled();

    // The office is told of the move as an edit; the history names both units by name.
    api.recordHistory.mockResolvedValue({
      revision: 2,
      changes: [{ revision: 2, field: "village_code", value: "VN25-00004", previous: "VN-00004", overridden: false, by: "Nguyễn Thị Lan", at: "2026-11-23T08:00:00Z" }],
      waiting: [],
    } satisfies RecordHistory);
    await userEvent.click(move);
    expect(api.relocateProducer).toHaveBeenCalledExactlyOnceWith("p-pho-truc-bach", "VN25-00004");
    await waitFor(() => expect(screen.queryByTestId("producer-retired")).toBeNull());
    expect(screen.getByTestId("producer-village-name")).toHaveTextContent("Phường Ba Đình · Thành phố Hà Nội");
    const change = await screen.findByTestId("history-change");
    expect(change).toHaveTextContent("Phường Trúc Bạch (không còn từ ngày");
    expect(change).toHaveTextContent("→ Phường Ba Đình");
  });

  it("split: offers the communes it went into and moves only once one is chosen", async () => {
    const banner = await openPage("p-gom-bat-trang");
    const candidates = await within(banner).findAllByTestId("relocate-candidate");
    expect(banner).toHaveTextContent("Xã Bát Tràng được chia về nhiều xã (sáp nhập một phần): hãy chọn xã nơi chủ thể đang hoạt động.");
    expect(candidates.map((c) => (c as HTMLInputElement).value)).toEqual(["VN25-00145", "VN25-00565", "VN25-00577"]);
    expect(within(banner).getByText("Xã Gia Lâm")).toBeInTheDocument();
    const confirm = within(banner).getByTestId("relocate-confirm");
    expect(confirm).toBeDisabled();
    await userEvent.click(confirm);
    expect(api.relocateProducer).not.toHaveBeenCalled();

    await userEvent.click(candidates[2]);
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);
    expect(api.relocateProducer).toHaveBeenCalledExactlyOnceWith("p-gom-bat-trang", "VN25-00577");
    await waitFor(() => expect(screen.getByTestId("producer-village-name")).toHaveTextContent("Xã Bát Tràng · Thành phố Hà Nội"));
    expect(screen.queryByTestId("producer-retired")).toBeNull();
  });

  it("no candidate: advises choosing the commune by hand, in the producer's form", async () => {
    api.regionRelocations.mockImplementation(async (): Promise<Relocation[]> =>
      records.regionRelocations().map((r) => ({ ...r, candidates: [] })),
    );
    setLang("en");
    const banner = await openPage("p-pho-truc-bach");
    expect(await within(banner).findByTestId("relocate-none")).toHaveTextContent(
      "The government's conversion table does not say where Phường Trúc Bạch went. Choose the producer's commune by hand.",
    );
    expect(within(banner).queryByTestId("relocate-move")).toBeNull();
    await userEvent.click(within(banner).getByTestId("relocate-by-hand"));
    const form = await screen.findByTestId("producer-form");
    expect(within(form).getByTestId("producer-village")).toHaveTextContent("ceased on 1 July 2025");
    expect(api.relocateProducer).not.toHaveBeenCalled();
  });

  it("shows a refused move in words and stays where it was", async () => {
    api.relocateProducer.mockRejectedValue({ code: "region.not_successor", message: "VN25-00004 is not a successor of VN-00583" });
    const banner = await openPage("p-gom-bat-trang");
    await userEvent.click((await within(banner).findAllByTestId("relocate-candidate"))[0]);
    await userEvent.click(within(banner).getByTestId("relocate-confirm"));
    const error = await within(banner).findByTestId("error");
    expect(error).toHaveAttribute("data-code", "region.not_successor");
    expect(error).toHaveTextContent("Đơn vị đã chọn không phải nơi xã, phường cũ của cơ sở này được sáp nhập vào.");
    expect(error).not.toHaveTextContent("VN-00583");
    expect(screen.getByTestId("producer-village-name")).toHaveTextContent("Xã Bát Tràng · Thành phố Hà Nội › Huyện Gia Lâm");
  });

  it("shows no banner for a producer in a unit that exists", async () => {
    render(ProducersScreen, { producers: new ProducersState("p-purun-tungkap") });
    await waitFor(() => expect(screen.getByTestId("producer-village-name")).toHaveTextContent("Tungkap"));
    expect(screen.queryByTestId("producer-retired")).toBeNull();
    expect(api.regionRelocations).not.toHaveBeenCalled();
  });
});
