import type { AppError } from "$lib/bindings";
import type { MessageKey } from "$lib/i18n/index.svelte";

/** Error codes the UI has its own words for; every other code gets the generic message. */
const MESSAGES: Record<string, MessageKey> = {
  "criteria.not_found": "error.criteria.not_found",
  "criteria.json_syntax": "error.criteria.json_syntax",
  "criteria.schema": "error.criteria.schema",
  "criteria.newer_format": "error.criteria.newer_format",
  "criteria.invalid": "error.criteria.invalid",
  "criteria.version_clash": "error.criteria.version_clash",
  "criteria.unreadable": "error.criteria.unreadable",
  "store.not_found": "error.store.not_found",
  "store.invalid": "error.store.invalid",
  "store.locked": "error.store.locked",
  "store.disk_full": "error.store.disk_full",
  "store.read_only": "error.store.read_only",
  "store.corrupt": "error.store.corrupt",
  "store.newer_schema": "error.store.newer_schema",
  "store.io": "error.store.io",
  "store.exists": "error.store.exists",
  "store.cannot_open": "error.store.cannot_open",
  "store.starting": "error.store.starting",
  "store.unavailable": "error.store.unavailable",
  "backup.not_found": "error.backup.not_found",
  "data.not_absolute": "error.data.not_absolute",
  "data.same_folder": "error.data.same_folder",
  "data.inside_current": "error.data.inside_current",
  "data.target_has_data": "error.data.target_has_data",
  "data.cannot_write": "error.data.cannot_write",
  "data.folder_missing": "error.data.folder_missing",
  "sheet.no_viewer": "error.sheet.no_viewer",
  "sheet.write": "error.sheet.write",
  "sheet.font": "error.sheet.font",
  "sheet.invalid": "error.sheet.invalid",
  "photo.unreadable": "error.photo.unreadable",
  "photo.unsupported": "error.photo.unsupported",
  "photo.too_large": "error.photo.too_large",
  "sync.offline": "error.sync.offline",
  "sync.timeout": "error.sync.timeout",
  "sync.not_the_server": "error.sync.not_the_server",
  "sync.server_error": "error.sync.server_error",
  "sync.bad_answer": "error.sync.bad_answer",
  "sync.enrol_again": "error.sync.enrol_again",
  "sync.bad_address": "error.sync.bad_address",
  "sync.too_large": "error.sync.too_large",
  "enrol.refused": "error.enrol.refused",
  "enrol.no_qr": "error.enrol.no_qr",
  "enrol.qr_unreadable": "error.enrol.qr_unreadable",
  "enrol.no_server": "error.enrol.no_server",
  "push.invalid": "error.push.invalid",
  "push.region_not_assigned": "error.push.region_not_assigned",
  "push.conflict": "error.push.conflict",
  "push.result_mismatch": "error.push.result_mismatch",
  "push.unknown_product": "error.push.unknown_product",
  "push.unknown_producer": "error.push.unknown_producer",
  "push.unknown_region": "error.push.unknown_region",
};

export function errorMessageKey(code: string): MessageKey | undefined {
  return MESSAGES[code];
}

/**
 * Whatever a rejected `invoke` carried, as an AppError. The Rust side always sends
 * `{code, message}`; anything else (a bug, a missing command) becomes `unexpected`.
 */
export function toAppError(error: unknown): AppError {
  if (typeof error === "object" && error !== null && typeof (error as AppError).code === "string") {
    const e = error as AppError;
    return { code: e.code, message: typeof e.message === "string" ? e.message : "", details: e.details ?? [] };
  }
  return { code: "unexpected", message: error instanceof Error ? error.message : String(error), details: [] };
}
