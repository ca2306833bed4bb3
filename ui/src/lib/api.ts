// The only place the UI talks to the Rust side. Components call these typed functions, never
// `invoke`, so tests can replace this module with `vi.mock("$lib/api")`.
//
// Outside Tauri (a plain browser on `npm run dev`) there is no IPC: the functions answer from
// the fixtures instead, so the screens can be developed and screenshotted in a browser.
import { invoke } from "@tauri-apps/api/core";
import type { CriteriaList, CriteriaSetView } from "$lib/bindings";
import { toAppError } from "$lib/errors";

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Rejections always carry an AppError (`{code, message}`), whatever went wrong. */
async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toAppError(error);
  }
}

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
