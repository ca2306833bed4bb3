// The only place the UI talks to the Rust side. Components call these typed functions, never
// `invoke`, so tests can replace this module with `vi.mock("$lib/api")`.
//
// Outside Tauri (a plain browser on `npm run dev`) there is no IPC: the functions answer from
// the fixtures instead, so the screens can be developed and screenshotted in a browser.
import { getVersion } from "@tauri-apps/api/app";
import { invoke, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import type {
  CriteriaList,
  CriteriaSetView,
  HomeCounts,
  Photo,
  Producer,
  Product,
  ProductHit,
  Region,
} from "$lib/bindings";
import { toAppError } from "$lib/errors";
import { version as packageVersion } from "../../package.json";

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Rejections always carry an AppError (`{code, message}`), whatever went wrong. */
async function call<T>(command: string, args?: InvokeArgs, options?: InvokeOptions): Promise<T> {
  try {
    return await invoke<T>(command, args, options);
  } catch (error) {
    throw toAppError(error);
  }
}

/** The fixture module, loaded only in a plain browser (a separate chunk of the build). */
function fixtures() {
  return import("$lib/fixtures/records");
}

/** Runs `fixture` in a plain browser, the command in Tauri; both reject with an AppError. */
async function answer<T>(fixture: (f: Awaited<ReturnType<typeof fixtures>>) => T | Promise<T>, command: string, args?: InvokeArgs): Promise<T> {
  if (!inTauri()) {
    try {
      return await fixture(await fixtures());
    } catch (error) {
      throw toAppError(error);
    }
  }
  return call<T>(command, args);
}

export async function appVersion(): Promise<string> {
  if (!inTauri()) return packageVersion;
  try {
    return await getVersion();
  } catch {
    return packageVersion;
  }
}

// ---- Criteria --------------------------------------------------------------------------------

export async function listCriteria(): Promise<CriteriaList> {
  if (!inTauri()) {
    const { fixtureList } = await import("$lib/fixtures");
    return fixtureList();
  }
  return call<CriteriaList>("criteria_list");
}

export async function getCriteria(id: string, version: string): Promise<CriteriaSetView> {
  if (!inTauri()) {
    const { fixtureView } = await import("$lib/fixtures");
    const view = fixtureView(id, version);
    if (!view) throw { code: "criteria.not_found", message: `criteria set ${id} ${version} is not installed` };
    return view;
  }
  return call<CriteriaSetView>("criteria_get", { id, version });
}

// ---- Home ------------------------------------------------------------------------------------

export function homeCounts(): Promise<HomeCounts> {
  return answer((f) => f.homeCounts(), "home_counts");
}

// ---- Regions ---------------------------------------------------------------------------------

/** Regions whose name matches `query` (diacritics and case ignored), broadest level first. */
export function searchRegions(query: string, limit = 50): Promise<Region[]> {
  return answer((f) => f.searchRegions(query, limit), "regions_search", { query, limit });
}

/** The children of a region; `null` gives the provinces. */
export function regionChildren(code: string | null): Promise<Region[]> {
  return answer((f) => f.regionChildren(code), "regions_children", { code });
}

export function getRegion(code: string): Promise<Region> {
  return answer((f) => f.getRegion(code), "region_get", { code });
}

// ---- Producers and products ------------------------------------------------------------------

/** Producers in a region's subtree (a province, regency, district or village), or all. */
export function listProducers(region: string | null): Promise<Producer[]> {
  return answer((f) => f.listProducers(region), "producers_list", { region });
}

export function getProducer(id: string): Promise<Producer> {
  return answer((f) => f.getProducer(id), "producer_get", { id });
}

/** Creates the producer when its id is "", updates it otherwise. Returns the id. */
export function saveProducer(producer: Producer): Promise<string> {
  return answer((f) => f.saveProducer(producer), "producer_save", { producer });
}

export function listProducts(producerId: string): Promise<Product[]> {
  return answer((f) => f.listProducts(producerId), "products_list", { producerId });
}

/** Creates the product when its id is "", updates it otherwise. Returns the id. */
export function saveProduct(product: Product): Promise<string> {
  return answer((f) => f.saveProduct(product), "product_save", { product });
}

/** Products by name, brand, SKU or producer, optionally in a region's subtree. */
export function searchProducts(query: string, region: string | null): Promise<ProductHit[]> {
  return answer((f) => f.searchProducts(query, region), "products_search", { query, region });
}

// ---- Photos ----------------------------------------------------------------------------------

export type PhotoOwner = "product" | "producer";

export function listPhotos(ownerKind: PhotoOwner, ownerId: string): Promise<Photo[]> {
  return answer((f) => f.listPhotos(ownerKind, ownerId), "photos_list", { ownerKind, ownerId });
}

/**
 * Adds a photo from a file the officer picked. The bytes go as the raw request body (no JSON,
 * no base64); the owner and the file name travel in headers. The Rust side checks the image
 * and refuses it with `photo.unreadable`, `photo.unsupported` or `photo.too_large`.
 */
export async function addPhoto(ownerKind: PhotoOwner, ownerId: string, file: File): Promise<Photo> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    throw { ...toAppError(error), code: "photo.unreadable" };
  }
  if (!inTauri()) return answer((f) => f.addPhoto(ownerKind, ownerId, file, bytes), "photo_add");
  return call<Photo>("photo_add", bytes, {
    headers: { "owner-kind": ownerKind, "owner-id": ownerId, "file-name": encodeURIComponent(file.name) },
  });
}
