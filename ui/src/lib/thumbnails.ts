// Where an `<img>` finds a photo's thumbnail. In the app, the Rust side serves it on the
// `photo:` scheme by the photo's hash (no image bytes travel in the lists of photos); in a
// plain browser the fixtures draw one and put it here.
import { convertFileSrc } from "@tauri-apps/api/core";

/** Thumbnails the fixtures drew, by hash (a plain browser only). */
export const fixtureThumbnails = new Map<string, string>();

export function thumbnailSrc(sha256: string): string {
  if (typeof window !== "undefined" && "__TAURI_INTERNALS__" in window) return convertFileSrc(sha256, "photo");
  return fixtureThumbnails.get(sha256) ?? "";
}
