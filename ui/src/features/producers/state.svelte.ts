// The producers screen's state: the list on the left (the producers of the selected region, or
// products found by a search), and the producer page on the right (its record, its products,
// and whether the record is being edited or created).
import { deleteProducer, deleteProduct, getProducer, listProducers, listProducts, saveProducer, saveProduct, searchProducts } from "$lib/api";
import type { AppError, Producer, Product, ProductHit } from "$lib/bindings";
import { DebouncedSearch } from "$lib/debounced.svelte";
import { toAppError } from "$lib/errors";
import { remember, remembered } from "$lib/nav.svelte";

const STORAGE_KEY = "ovop-field.producer";

export type PageMode = "view" | "edit" | "new";

export class ProducersState {
  /** The region code the list and the search are narrowed to; `null`: everywhere. */
  scope = $state<string | null>(null);

  list = $state.raw<Producer[] | null>(null);
  listLoading = $state(false);
  listError = $state.raw<AppError | null>(null);

  search = new DebouncedSearch<ProductHit>((query) => searchProducts(query, this.scope), 150);

  producerId = $state<string | null>(null);
  producer = $state.raw<Producer | null>(null);
  products = $state.raw<Product[] | null>(null);
  loading = $state(false);
  error = $state.raw<AppError | null>(null);
  mode = $state<PageMode>("view");
  /** The village a new producer starts in (registered from the regions screen). */
  newVillage = $state<string | null>(null);
  /** A product to bring into view (opened from the search). */
  focusProduct = $state<string | null>(null);
  /** A product whose re-assessment starts as it is brought into view (its star lapses). */
  reassessProduct = $state<string | null>(null);

  #listRequest = 0;
  #pageRequest = 0;

  constructor(initialProducer: string | null = remembered(STORAGE_KEY)) {
    this.producerId = initialProducer;
  }

  /** Opens the producer that was open last time (or before going to another screen). */
  async resume(): Promise<void> {
    if (this.loading || this.mode === "new" || !this.producerId || this.producer?.id === this.producerId) return;
    await this.open(this.producerId);
  }

  /** Narrows the list and the search to a region subtree (`null`: everywhere); reloads the list. */
  async setScope(scope: string | null): Promise<void> {
    const changed = scope !== this.scope;
    this.scope = scope;
    await Promise.all([this.loadList(), changed ? this.search.refresh() : undefined]);
  }

  async loadList(): Promise<void> {
    const request = ++this.#listRequest;
    this.listLoading = true;
    this.listError = null;
    try {
      const list = await listProducers(this.scope);
      if (request !== this.#listRequest) return;
      this.list = list;
    } catch (error) {
      if (request !== this.#listRequest) return;
      this.listError = toAppError(error);
    } finally {
      if (request === this.#listRequest) this.listLoading = false;
    }
  }

  /** Opens a producer's page: its record and its products. */
  async open(id: string, options: { product?: string; reassess?: boolean } = {}): Promise<void> {
    const request = ++this.#pageRequest;
    if (this.producerId !== id) {
      this.producer = null;
      this.products = null;
    }
    this.producerId = id;
    this.mode = "view";
    this.focusProduct = options.product ?? null;
    this.reassessProduct = options.reassess ? (options.product ?? null) : null;
    remember(STORAGE_KEY, id);
    this.loading = true;
    this.error = null;
    try {
      const [producer, products] = await Promise.all([getProducer(id), listProducts(id)]);
      if (request !== this.#pageRequest) return;
      this.producer = producer;
      this.products = products;
    } catch (error) {
      if (request !== this.#pageRequest) return;
      this.producer = null;
      this.products = null;
      this.error = toAppError(error);
      if (this.error.code === "store.not_found") remember(STORAGE_KEY, null);
    } finally {
      if (request === this.#pageRequest) this.loading = false;
    }
  }

  /** A blank producer form, in `village` when given. */
  startNew(village: string | null = null): void {
    ++this.#pageRequest;
    this.mode = "new";
    this.newVillage = village;
    this.error = null;
    this.loading = false;
  }

  edit(): void {
    if (this.producer) this.mode = "edit";
  }

  /** Leaves the form without saving: back to the producer it edited, or to none. */
  cancel(): void {
    if (this.mode === "edit" || (this.mode === "new" && this.producer)) this.mode = "view";
    else {
      this.mode = "view";
      this.producerId = null;
    }
  }

  /** Saves the form's record; opens the saved producer. Rejects with an AppError. */
  async saveProducer(producer: Producer): Promise<string> {
    const id = await saveProducer(producer);
    await Promise.all([this.open(id), this.loadList()]);
    return id;
  }

  /** The open producer moved from a unit that ceased to its successor: shown as stored now. */
  relocated(producer: Producer): void {
    if (this.producerId === producer.id) this.producer = producer;
    void this.loadList();
  }

  /** Deletes the open producer (it has no products) and goes back to the list. Rejects with an AppError. */
  async deleteProducer(): Promise<void> {
    const id = this.producerId;
    if (!id) return;
    await deleteProducer(id);
    ++this.#pageRequest;
    this.producerId = null;
    this.producer = null;
    this.products = null;
    remember(STORAGE_KEY, null);
    await this.loadList();
  }

  /** Deletes a product of the open producer (never assessed) and reloads its products. Rejects with an AppError. */
  async deleteProduct(id: string): Promise<void> {
    await deleteProduct(id);
    await this.reloadProducts();
  }

  /** Saves a product of the open producer and reloads its products. Rejects with an AppError. */
  async saveProduct(product: Product): Promise<string> {
    const id = await saveProduct(product);
    await this.reloadProducts();
    return id;
  }

  async reloadProducts(): Promise<void> {
    const id = this.producerId;
    if (!id) return;
    try {
      const products = await listProducts(id);
      if (this.producerId === id) this.products = products;
    } catch (error) {
      this.error = toAppError(error);
    }
  }
}
