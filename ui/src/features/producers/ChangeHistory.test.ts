import type { Producer, RecordHistory } from "$lib/bindings";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import ProducerPage from "./ProducerPage.svelte";

const api = vi.hoisted(() => ({
  recordHistory: vi.fn(),
  listPhotos: vi.fn(async () => []),
  listAssessments: vi.fn(async () => []),
  productAwards: vi.fn(async () => []),
  searchRegions: vi.fn(async () => []),
  getRegion: vi.fn(),
  listCriteria: vi.fn(async () => (await import("$lib/fixtures")).fixtureList()),
}));
vi.mock("$lib/api", () => api);

const producer: Producer = {
  id: "p-1",
  name: "KUB Purun Makmur Jaya",
  legal_form: "KUB",
  registration_no: null,
  representative: null,
  phone: "0811-500-100",
  village_code: null,
  address: null,
  workforce: null,
  local_labour_pct: null,
  women: null,
  minorities: null,
  revenue_prev_year: null,
  revenue_last_year: null,
  accounting: null,
  sentra_ikm: null,
  penghela: false,
};

const told: RecordHistory = {
  revision: 3,
  changes: [
    { revision: 3, field: "name", value: "KUB Purun Makmur Jaya", previous: "KUB Purun Makmur", overridden: true, by: "Rina Wulandari", at: "2026-11-21T02:10:00Z" },
    { revision: 2, field: "phone", value: "0811-500-100", previous: null, overridden: false, by: "Budi Santoso", at: "2026-11-20T08:00:00Z" },
  ],
  waiting: ["address"],
};

describe("a producer's change history", () => {
  beforeEach(() => {
    setLang("id");
    api.recordHistory.mockReset();
  });

  it("shows each change, the value another officer's later change replaced, and what waits to travel", async () => {
    api.recordHistory.mockResolvedValue(told);
    render(ProducerPage, { producer, products: [], onedit: () => {}, onsaveproduct: async () => {} });
    const changes = await screen.findAllByTestId("history-change");
    expect(changes).toHaveLength(2);
    expect(changes[0].textContent).toContain("KUB Purun Makmur");
    expect(changes[0].textContent).toContain("Rina Wulandari");
    expect(changes[1].textContent).toContain("Telepon");
    expect(changes[1].textContent).toContain("(kosong)");
    const lost = screen.getByTestId("history-overridden");
    expect(lost.textContent).toContain("“KUB Purun Makmur” diganti oleh perubahan Rina Wulandari");
    expect(screen.getByTestId("history-waiting").textContent).toContain("Alamat");
    expect(api.recordHistory).toHaveBeenCalledWith("producer", "p-1");
  });

  it("shows nothing for a record never changed after it travelled", async () => {
    api.recordHistory.mockResolvedValue({ revision: 0, changes: [], waiting: [] });
    render(ProducerPage, { producer, products: [], onedit: () => {}, onsaveproduct: async () => {} });
    await waitFor(() => expect(api.recordHistory).toHaveBeenCalled());
    expect(screen.queryByTestId("record-history")).toBeNull();
  });
});

describe("deleting a producer", () => {
  beforeEach(() => {
    setLang("en");
    api.recordHistory.mockResolvedValue({ revision: 0, changes: [], waiting: [] });
  });

  it("asks first, and keeps the question with the reason when the laptop refuses", async () => {
    const user = userEvent.setup();
    const ondelete = vi.fn().mockRejectedValueOnce({ code: "store.in_use", message: "still has products" }).mockResolvedValueOnce(undefined);
    render(ProducerPage, { producer, products: [], onedit: () => {}, onsaveproduct: async () => {}, ondelete });
    await user.click(screen.getByTestId("producer-delete"));
    expect(ondelete).not.toHaveBeenCalled();
    expect(screen.getByTestId("producer-delete-confirm").textContent).toContain("Delete KUB Purun Makmur Jaya?");
    await user.click(screen.getByTestId("producer-delete-yes"));
    const error = await screen.findByTestId("error");
    expect(error.dataset.code).toBe("store.in_use");
    expect(error.textContent).toContain("Cannot be deleted");
    await user.click(screen.getByTestId("producer-delete-yes"));
    await waitFor(() => expect(screen.queryByTestId("producer-delete-confirm")).toBeNull());
    expect(ondelete).toHaveBeenCalledTimes(2);
  });

  it("is not offered while the producer has products", () => {
    render(ProducerPage, {
      producer,
      products: [{ id: "pr-1", producer_id: "p-1", name: "Tikar", brand: null, programme: "ovop", product_set: null, skus: [], description: null, village_code: null }],
      onedit: () => {},
      onsaveproduct: async () => {},
    });
    expect(screen.queryByTestId("producer-delete")).toBeNull();
  });
});

describe("deleting a product", () => {
  beforeEach(() => {
    setLang("id");
    api.recordHistory.mockResolvedValue({ revision: 0, changes: [], waiting: [] });
  });

  it("is offered while correcting it, asks first, and shows the refusal of an assessed one", async () => {
    const user = userEvent.setup();
    const product = { id: "pr-1", producer_id: "p-1", name: "Tikar purun", brand: null, programme: "ovop", product_set: null, skus: [], description: null, village_code: null };
    const ondeleteproduct = vi.fn().mockRejectedValueOnce({ code: "store.in_use", message: "assessed" }).mockResolvedValueOnce(undefined);
    render(ProducerPage, { producer, products: [product], onedit: () => {}, onsaveproduct: async () => {}, ondeleteproduct });
    await user.click(screen.getByTestId("product-edit"));
    await user.click(screen.getByTestId("product-delete"));
    expect(screen.getByTestId("product-delete-confirm").textContent).toContain("Hapus Tikar purun?");
    await user.click(screen.getByTestId("product-delete-yes"));
    const error = await screen.findByTestId("error");
    expect(error.dataset.code).toBe("store.in_use");
    await user.click(screen.getByTestId("product-delete-yes"));
    await waitFor(() => expect(screen.queryByTestId("product-form")).toBeNull());
    expect(ondeleteproduct).toHaveBeenCalledWith(product);
  });
});
