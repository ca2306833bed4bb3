import type { Photo, Producer, Product, Region } from "$lib/bindings";
import { fixtureList } from "$lib/fixtures";
import * as records from "$lib/fixtures/records";
import { setLang } from "$lib/i18n/index.svelte";
import { render, screen, waitFor, within } from "@testing-library/svelte";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { resetProductSets } from "./productSets.svelte";
import ProducersScreen from "./ProducersScreen.svelte";

const api = vi.hoisted(() => ({
  syncStatus: vi.fn(async () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null })),
  onSyncStatus: vi.fn(async () => () => {}),
  syncOutbox: vi.fn(async () => []),
  assessmentDecisions: vi.fn(async () => []),
  productAwards: vi.fn(async (): Promise<unknown[]> => []),
  certificatesLapsing: vi.fn(async (): Promise<unknown[]> => []),
  printCertificate: vi.fn(async () => "/tmp/sertifikat.pdf"),
  saveCertificate: vi.fn(async () => null),
  listProducers: vi.fn(),
  getProducer: vi.fn(),
  listProducts: vi.fn(),
  saveProducer: vi.fn(),
  saveProduct: vi.fn(),
  deleteProducer: vi.fn(async () => {}),
  recordHistory: vi.fn(async () => ({ revision: 0, changes: [], waiting: [] })),
  searchProducts: vi.fn(),
  searchRegions: vi.fn(),
  getRegion: vi.fn(),
  listPhotos: vi.fn(),
  addPhoto: vi.fn(),
  pulledPhotos: vi.fn(async (_kind: string, _id: string, _revision: number): Promise<unknown[]> => []),
  fetchPulledPhoto: vi.fn(),
  listCriteria: vi.fn(),
  listAssessments: vi.fn(async () => []),
}));
vi.mock("$lib/api", () => api);

// Reads answer from the fixture records (what the Rust commands would answer); saves go to
// lists of this file (saved versions win over the records'), so the records stay as they are
// from one test to the next.
let added: { producers: Producer[]; products: Product[] };

function answerFromFixtures() {
  added = { producers: [], products: [] };
  api.listProducers.mockImplementation(async (region: string | null) => {
    const saved = new Map(added.producers.map((p) => [p.id, p]));
    const known = records.listProducers(region).map((p) => saved.get(p.id) ?? p);
    const fresh = added.producers.filter((p) => !known.some((k) => k.id === p.id));
    return [...known, ...fresh.filter((p) => region === null || p.village_code?.startsWith(region))];
  });
  api.getProducer.mockImplementation(async (id: string) => added.producers.find((p) => p.id === id) ?? records.getProducer(id));
  api.listProducts.mockImplementation(async (id: string) => [
    ...records.listProducts(id),
    ...added.products.filter((p) => p.producer_id === id),
  ]);
  api.saveProducer.mockImplementation(async (producer: Producer) => {
    const id = producer.id || "p-new";
    added.producers = [...added.producers.filter((p) => p.id !== id), { ...producer, id }];
    return id;
  });
  api.saveProduct.mockImplementation(async (product: Product) => {
    const id = product.id || "pr-new";
    added.products.push({ ...product, id });
    return id;
  });
  api.searchProducts.mockImplementation(async (query: string, region: string | null) => records.searchProducts(query, region));
  api.searchRegions.mockImplementation(async (query: string, limit: number) => records.searchRegions(query, limit));
  api.getRegion.mockImplementation(async (code: string) => records.getRegion(code));
  api.listPhotos.mockImplementation(async (kind: string, id: string) => records.listPhotos(kind, id));
  api.listCriteria.mockResolvedValue(fixtureList());
}

const TAPIN: Region = records.getRegion("63.05");
const TUNGKAP: Region = records.getRegion("63.05.01.2003");

function rowIds(): string[] {
  return within(screen.getByTestId("producer-list"))
    .getAllByTestId("producer-row")
    .map((row) => row.dataset.id!);
}

function row(id: string): HTMLElement {
  const found = screen.getAllByTestId("producer-row").find((r) => r.dataset.id === id);
  if (!found) throw new Error(`no producer row ${id}`);
  return found;
}

function product(id: string): HTMLElement {
  const found = screen.queryAllByTestId("product-row").find((r) => r.dataset.id === id);
  if (!found) throw new Error(`no product ${id}`);
  return found;
}

async function openProducer(id: string) {
  await waitFor(() => row(id));
  await userEvent.click(row(id));
  await waitFor(() => expect(screen.getByTestId("producer-title")).toHaveTextContent(records.getProducer(id).name));
}

async function pickVillage(form: HTMLElement, typed: string, code: string) {
  await userEvent.type(within(form).getByTestId("region-search"), typed);
  const result = await waitFor(() => {
    const found = within(form).queryAllByTestId("region-result").find((r) => r.dataset.code === code);
    if (!found) throw new Error(`no result ${code}`);
    return found;
  });
  await userEvent.click(result);
  await waitFor(() => expect(within(form).getByTestId("producer-village")).toHaveAttribute("data-code", code));
}

function photoFile(name: string, type: string): File {
  return new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], name, { type });
}

describe("ProducersScreen: the list", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    resetProductSets();
    answerFromFixtures();
  });

  it("lists every producer, with village and contact, when no region is chosen", async () => {
    render(ProducersScreen);
    await waitFor(() => expect(rowIds()).toEqual(records.listProducers(null).map((p) => p.id)));
    expect(api.listProducers).toHaveBeenCalledWith(null);
    expect(screen.getByText(`${records.listProducers(null).length} produsen`)).toBeInTheDocument();
    expect(screen.getByText("Semua wilayah.")).toBeInTheDocument();
    const purun = row("p-purun-tungkap");
    expect(purun).toHaveTextContent("KUB Anyaman Purun Tungkap");
    expect(purun).toHaveTextContent("Hj. Siti Aminah");
    await waitFor(() => expect(purun).toHaveTextContent("Tungkap"));
  });

  it("narrows the list to the region chosen on the regions screen, and widens it on request", async () => {
    render(ProducersScreen, { region: TAPIN });
    await waitFor(() => expect(rowIds()).toEqual(["p-purun-tungkap", "p-sasirangan-tatakan", "p-wadai-binuang"]));
    expect(api.listProducers).toHaveBeenLastCalledWith("63.05");
    expect(screen.getByText("3 produsen di Kabupaten Tapin")).toBeInTheDocument();

    await userEvent.click(screen.getByTestId("product-search-scope"));
    await waitFor(() => expect(rowIds()).toHaveLength(records.listProducers(null).length));
    expect(api.listProducers).toHaveBeenLastCalledWith(null);
  });

  it("says so when the region has no producers", async () => {
    render(ProducersScreen, { region: records.getRegion("63.05.01.1017") });
    expect(await screen.findByText("Belum ada produsen terdaftar di Karangan Putih.")).toBeInTheDocument();
    expect(screen.queryByTestId("producer-list")).toBeNull();
  });

  it("shows a list that failed to load in words, and loads it again on request", async () => {
    api.listProducers.mockRejectedValueOnce({ code: "store.corrupt", message: "database disk image is malformed" });
    render(ProducersScreen);
    const error = await screen.findByTestId("error");
    expect(error).toHaveTextContent("Basis data rusak.");
    expect(error).not.toHaveTextContent("malformed");
    await userEvent.click(within(error).getByRole("button", { name: "Coba lagi" }));
    await waitFor(() => expect(rowIds()).toHaveLength(records.listProducers(null).length));
  });

  it("opens a producer's page with its record and products", async () => {
    render(ProducersScreen);
    await openProducer("p-purun-tungkap");
    expect(row("p-purun-tungkap")).toHaveAttribute("aria-current", "true");
    expect(screen.getAllByTestId("product-row").map((p) => p.dataset.id)).toEqual(["pr-tas-purun", "pr-tikar-purun"]);
    expect(screen.getByText("9120304561827")).toBeInTheDocument();
    expect(screen.getByText("Rp 214.500.000")).toBeInTheDocument();
    expect(within(product("pr-tas-purun")).getByText("Tas jinjing besar")).toBeInTheDocument();
    expect(await within(product("pr-tas-purun")).findAllByTestId("photo-thumb")).toHaveLength(3);
    expect(localStorage.getItem("ovop-field.producer")).toBe("p-purun-tungkap");
  });

  it("shows the producer's own photos, and those pulled from the office with its record", async () => {
    api.pulledPhotos.mockImplementation(async (kind: string) =>
      kind === "producer" ? [{ sha256: "c".repeat(64), size: 1_048_576, thumbnail: true, whole: false, partial: 0 }] : [],
    );
    render(ProducersScreen);
    await openProducer("p-purun-tungkap");
    const photos = await screen.findByTestId("producer-photos");
    expect(api.listPhotos).toHaveBeenCalledWith("producer", "p-purun-tungkap");
    expect(api.pulledPhotos).toHaveBeenCalledWith("producer", "p-purun-tungkap", 0);
    expect(await within(photos).findByTestId("pulled-photo-fetch")).toHaveTextContent("Unduh foto utuh (1 MB)");
  });

  it("opens again on the producer that was open last time", async () => {
    localStorage.setItem("ovop-field.producer", "p-batik-wukirsari");
    render(ProducersScreen);
    expect(await screen.findByTestId("producer-title")).toHaveTextContent("Koperasi Batik Tulis Wukirsari");
  });

  it("says a producer that no longer exists was not found, and forgets it", async () => {
    localStorage.setItem("ovop-field.producer", "p-gone");
    render(ProducersScreen);
    const error = await screen.findByTestId("error");
    expect(error).toHaveAttribute("data-code", "store.not_found");
    expect(error).toHaveTextContent("Data ini tidak ditemukan.");
    expect(error).not.toHaveTextContent("p-gone");
    expect(localStorage.getItem("ovop-field.producer")).toBeNull();
  });

  it("finds products by name and opens their producer at the product", async () => {
    render(ProducersScreen);
    await screen.findByTestId("producer-list");
    await userEvent.type(screen.getByTestId("product-search"), "bingka");
    const hit = await screen.findByTestId("product-hit");
    expect(hit).toHaveAttribute("data-id", "pr-bingka");
    expect(hit).toHaveTextContent("UD Wadai Banjar Binuang");
    expect(screen.getByText("1 produk ditemukan")).toBeInTheDocument();
    await userEvent.click(hit);
    await waitFor(() => expect(screen.getByTestId("producer-title")).toHaveTextContent("UD Wadai Banjar Binuang"));
    expect(product("pr-bingka")).toHaveClass("highlighted");
  });
});

describe("ProducersScreen: registering a producer", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    resetProductSets();
    answerFromFixtures();
  });

  it("saves the typed values and the chosen village, then opens the new producer", async () => {
    render(ProducersScreen);
    await screen.findByTestId("producer-list");
    await userEvent.click(screen.getByTestId("producer-new"));
    const form = screen.getByTestId("producer-form");
    expect(within(form).getByRole("heading", { name: "Produsen baru" })).toBeInTheDocument();

    await userEvent.type(within(form).getByTestId("producer-name"), "  Kelompok Perajin Rotan Mawar ");
    await userEvent.selectOptions(within(form).getByLabelText("Bentuk usaha"), "KUB");
    await userEvent.type(within(form).getByLabelText("Penanggung jawab"), "Ibu Rahmah");
    await pickVillage(form, "tungkap", "63.05.01.2003");
    expect(within(form).getByTestId("producer-village")).toHaveTextContent("Tungkap");
    await userEvent.type(within(form).getByLabelText("Tenaga kerja"), "12");
    const revenue = within(form).getByLabelText(`Omzet ${new Date().getFullYear() - 1}`);
    await userEvent.type(revenue, "150000000");
    await userEvent.tab();
    expect(revenue).toHaveValue("150.000.000");

    await userEvent.click(within(form).getByTestId("producer-save"));
    expect(api.saveProducer).toHaveBeenCalledTimes(1);
    expect(api.saveProducer).toHaveBeenCalledWith({
      id: "",
      name: "Kelompok Perajin Rotan Mawar",
      legal_form: "KUB",
      registration_no: null,
      representative: "Ibu Rahmah",
      phone: null,
      village_code: "63.05.01.2003",
      address: null,
      workforce: 12,
      local_labour_pct: null,
      women: null,
      minorities: null,
      revenue_prev_year: null,
      revenue_last_year: 150_000_000,
      accounting: null,
      sentra_ikm: null,
      penghela: false,
    } satisfies Producer);

    await waitFor(() => expect(screen.getByTestId("producer-title")).toHaveTextContent("Kelompok Perajin Rotan Mawar"));
    expect(screen.queryByTestId("producer-form")).toBeNull();
    await waitFor(() => expect(row("p-new")).toHaveAttribute("aria-current", "true"));
    expect(screen.getByText("Belum ada produk.")).toBeInTheDocument();
  });

  it("offers only villages for the producer's village", async () => {
    render(ProducersScreen);
    await userEvent.click(screen.getByTestId("producer-new"));
    const form = screen.getByTestId("producer-form");
    await userEvent.type(within(form).getByTestId("region-search"), "binuang");
    await waitFor(() => expect(within(form).getAllByTestId("region-result").map((r) => r.dataset.code)).toEqual(["63.05.01.1001"]));
    expect(api.searchRegions).toHaveBeenLastCalledWith("binuang", 40);
  });

  it("refuses to save without a name, says why, and puts the cursor there", async () => {
    render(ProducersScreen);
    await userEvent.click(screen.getByTestId("producer-new"));
    const form = screen.getByTestId("producer-form");
    const name = within(form).getByTestId("producer-name");
    await userEvent.type(name, "   ");
    await userEvent.type(within(form).getByLabelText("Penanggung jawab"), "Ibu Rahmah");
    await userEvent.click(within(form).getByTestId("producer-save"));

    expect(within(form).getByText("Isi nama produsen.")).toBeInTheDocument();
    expect(within(form).getByRole("alert")).toHaveTextContent("Ada 1 isian yang perlu diperbaiki.");
    expect(name).toHaveAttribute("aria-invalid", "true");
    await waitFor(() => expect(name).toHaveFocus());
    expect(api.saveProducer).not.toHaveBeenCalled();

    // Once the name is there, the message goes as the officer types.
    await userEvent.type(name, "Kelompok Tani Mawar");
    expect(within(form).queryByText("Isi nama produsen.")).toBeNull();
    expect(name).not.toHaveAttribute("aria-invalid");
  });

  it("refuses numbers that are not counts, and more women than workers", async () => {
    render(ProducersScreen);
    await userEvent.click(screen.getByTestId("producer-new"));
    const form = screen.getByTestId("producer-form");
    await userEvent.type(within(form).getByTestId("producer-name"), "Kelompok Tani Mawar");
    await userEvent.type(within(form).getByLabelText("Tenaga kerja"), "5");
    await userEvent.type(within(form).getByLabelText("Perempuan"), "7");
    await userEvent.click(within(form).getByTestId("producer-save"));
    expect(within(form).getByText("Tidak boleh lebih dari jumlah tenaga kerja (5).")).toBeInTheDocument();
    expect(api.saveProducer).not.toHaveBeenCalled();
  });

  it("starts in the village the officer came from", async () => {
    render(ProducersScreen, { region: TUNGKAP });
    await screen.findByTestId("producer-list");
    await userEvent.click(screen.getByTestId("producer-new"));
    const form = screen.getByTestId("producer-form");
    expect(within(form).getByTestId("producer-village")).toHaveAttribute("data-code", "63.05.01.2003");
    await userEvent.type(within(form).getByTestId("producer-name"), "Warung Purun");
    await userEvent.click(within(form).getByTestId("producer-save"));
    expect(api.saveProducer).toHaveBeenCalledWith(expect.objectContaining({ name: "Warung Purun", village_code: "63.05.01.2003" }));
  });

  it("does not put a new producer in a region wider than a village", async () => {
    render(ProducersScreen, { region: TAPIN });
    await screen.findByTestId("producer-list");
    await userEvent.click(screen.getByTestId("producer-new"));
    const form = screen.getByTestId("producer-form");
    expect(within(form).queryByTestId("producer-village")).toBeNull();
    expect(within(form).getByTestId("region-search")).toBeInTheDocument();
  });

  it("keeps the form and says why when the save is refused", async () => {
    api.saveProducer.mockRejectedValueOnce({ code: "store.invalid", message: "a producer needs a name" });
    render(ProducersScreen);
    await userEvent.click(screen.getByTestId("producer-new"));
    const form = screen.getByTestId("producer-form");
    await userEvent.type(within(form).getByTestId("producer-name"), "Kelompok Tani Mawar");
    await userEvent.click(within(form).getByTestId("producer-save"));
    const error = await within(form).findByTestId("error");
    expect(error).toHaveTextContent("Isian belum lengkap atau tidak sesuai.");
    expect(error).not.toHaveTextContent("needs a name");
    expect(within(form).getByTestId("producer-name")).toHaveValue("Kelompok Tani Mawar");
    expect(within(form).getByTestId("producer-save")).toBeEnabled();
  });

  it("leaves the form without saving on cancel", async () => {
    render(ProducersScreen);
    await userEvent.click(screen.getByTestId("producer-new"));
    await userEvent.type(screen.getByTestId("producer-name"), "Kelompok Tani Mawar");
    await userEvent.click(screen.getByRole("button", { name: "Batal" }));
    expect(screen.queryByTestId("producer-form")).toBeNull();
    expect(screen.getByRole("heading", { name: "Pilih produsen" })).toBeInTheDocument();
    expect(api.saveProducer).not.toHaveBeenCalled();
  });

  it("corrects a producer without losing the fields left alone", async () => {
    render(ProducersScreen);
    await openProducer("p-wadai-binuang");
    await userEvent.click(screen.getByTestId("producer-edit"));
    const form = screen.getByTestId("producer-form");
    expect(within(form).getByRole("heading", { name: "Ubah data produsen" })).toBeInTheDocument();
    const phone = within(form).getByLabelText("Telepon");
    await userEvent.clear(phone);
    await userEvent.type(phone, "0813-0000-1111");
    await userEvent.click(within(form).getByTestId("producer-save"));
    expect(api.saveProducer).toHaveBeenCalledWith({ ...records.getProducer("p-wadai-binuang"), phone: "0813-0000-1111" });
    await waitFor(() => expect(screen.getByText("0813-0000-1111")).toBeInTheDocument());
  });
});

describe("ProducersScreen: products and photos", () => {
  beforeEach(() => {
    localStorage.clear();
    setLang("id");
    vi.clearAllMocks();
    resetProductSets();
    answerFromFixtures();
  });

  it("adds a product with its SKUs under the open producer", async () => {
    render(ProducersScreen);
    await openProducer("p-purun-tungkap");
    await userEvent.click(screen.getByTestId("product-new"));
    const form = screen.getByTestId("product-form");
    expect(within(form).getByTestId("product-programme")).toHaveValue("ovop");
    await userEvent.type(within(form).getByTestId("product-name"), "Topi purun ");
    await userEvent.type(within(form).getByLabelText("Merek"), "Purun Tapin");
    const sku = within(form).getByTestId("product-sku-input");
    await userEvent.type(sku, "Anak{Enter}Dewasa{Enter}dewasa{Enter}");
    expect(within(form).getAllByTestId("sku-chip").map((c) => c.textContent?.trim())).toEqual(["Anak", "Dewasa"]);
    // A SKU still in the box when the officer saves counts as well.
    await userEvent.type(sku, "Lebar");
    await userEvent.click(within(form).getByTestId("product-save"));

    expect(api.saveProduct).toHaveBeenCalledWith({
      id: "",
      producer_id: "p-purun-tungkap",
      name: "Topi purun",
      brand: "Purun Tapin",
      programme: "ovop",
      product_set: null,
      skus: ["Anak", "Dewasa", "Lebar"],
      description: null,
      village_code: "63.05.01.2003",
    } satisfies Product);
    await waitFor(() => expect(screen.queryByTestId("product-form")).toBeNull());
    expect(within(product("pr-new")).getByRole("heading", { name: "Topi purun" })).toBeInTheDocument();
    expect(screen.getAllByTestId("product-row")).toHaveLength(3);
  });

  it("refuses a product without a name", async () => {
    render(ProducersScreen);
    await openProducer("p-purun-tungkap");
    await userEvent.click(screen.getByTestId("product-new"));
    const form = screen.getByTestId("product-form");
    await userEvent.type(within(form).getByLabelText("Merek"), "Purun Tapin");
    await userEvent.click(within(form).getByTestId("product-save"));
    expect(within(form).getByText("Isi nama produk.")).toBeInTheDocument();
    expect(within(form).getByTestId("product-name")).toHaveAttribute("aria-invalid", "true");
    expect(api.saveProduct).not.toHaveBeenCalled();
  });

  it("offers the product groups of the programme's installed sheets", async () => {
    render(ProducersScreen);
    await openProducer("p-wadai-binuang");
    await userEvent.click(screen.getByTestId("product-new"));
    const form = screen.getByTestId("product-form");
    const set = await within(form).findByTestId("product-set");
    const expected = fixtureList()
      .sets.filter((s) => s.programme === "ovop")
      .flatMap((s) => s.product_sets.map((ps) => ps.code));
    expect(expected.length).toBeGreaterThan(0);
    expect(Array.from(set.querySelectorAll("option"), (o) => o.value)).toEqual(["", ...new Set(expected)]);
  });

  it("shows a refused photo in words, not its code, and still adds the other files", async () => {
    const added: Photo = {
      sha256: "f".repeat(64),
      size: 2048,
      mime: "image/jpeg",
      width: 800,
      criterion: "",
      height: 600,
      name: "kemasan.jpg",
    };
    api.addPhoto.mockImplementation(async (_kind: string, _id: string, file: File) => {
      if (file.name.endsWith(".jpg")) return added;
      throw { code: "photo.unsupported", message: "image/heic is not accepted", details: [] };
    });
    render(ProducersScreen);
    await openProducer("p-purun-tungkap");
    const tikar = product("pr-tikar-purun");
    expect(await within(tikar).findAllByTestId("photo-thumb")).toHaveLength(1);

    await userEvent.upload(within(tikar).getByTestId("photo-input"), [
      photoFile("IMG_0042.HEIC", "image/heic"),
      photoFile("kemasan.jpg", "image/jpeg"),
    ]);

    const refused = await within(tikar).findByTestId("photo-error");
    expect(refused).toHaveAttribute("data-code", "photo.unsupported");
    expect(refused).toHaveTextContent("IMG_0042.HEIC");
    expect(refused).toHaveTextContent("Jenis berkas ini tidak didukung. Gunakan foto JPEG atau PNG.");
    expect(refused).toHaveTextContent("Foto iPhone (HEIC)");
    expect(refused).not.toHaveTextContent("photo.unsupported");
    expect(refused).not.toHaveTextContent("is not accepted");
    await waitFor(() => expect(within(tikar).getAllByTestId("photo-thumb")).toHaveLength(2));
    expect(api.addPhoto).toHaveBeenCalledWith("product", "pr-tikar-purun", expect.objectContaining({ name: "kemasan.jpg" }));

    await userEvent.click(within(refused).getByRole("button", { name: "Tutup pesan" }));
    expect(within(tikar).queryByTestId("photo-error")).toBeNull();
  });

  it("says which photo was too large", async () => {
    api.addPhoto.mockRejectedValue({ code: "photo.too_large", message: "31457280 bytes" });
    render(ProducersScreen);
    await openProducer("p-gerabah-kasongan");
    const vase = product("pr-vas-gerabah");
    await userEvent.upload(within(vase).getByTestId("photo-input"), photoFile("vas-besar.png", "image/png"));
    const refused = await within(vase).findByTestId("photo-error");
    expect(refused).toHaveTextContent("vas-besar.png");
    expect(refused).toHaveTextContent("Foto ini terlalu besar.");
    expect(refused).not.toHaveTextContent("31457280");
    expect(refused).not.toHaveTextContent("Foto iPhone (HEIC)");
  });
});
