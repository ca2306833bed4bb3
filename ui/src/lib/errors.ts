import type { AppError } from "$lib/bindings";
import type { MessageKey } from "$lib/i18n/index.svelte";
import id from "$lib/i18n/id.json";

/**
 * The words for an error code: `error.<code>` in the catalogues. Every code that can reach the
 * window has them (a Rust test checks the catalogues against the table of codes,
 * `crates/core/src/codes.rs`); any other code gets the generic message.
 */
export function errorMessageKey(code: string): MessageKey | undefined {
  if (!/^[a-z_]+\.[a-z_]+$/.test(code)) return undefined;
  const key = `error.${code}`;
  return key in id ? (key as MessageKey) : undefined;
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
