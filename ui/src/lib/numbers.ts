// Numbers as officers type and read them: "1.250.000" in Indonesian and Vietnamese,
// "1,250,000" in English; a decimal comma or point both accepted. Parsing never guesses:
// "12,5" is not a whole number, and "1.25.0" is not a number at all.
import type { Lang } from "$lib/i18n/index.svelte";

const LOCALE: Record<Lang, string> = { id: "id-ID", en: "en-GB", vi: "vi-VN" };

/** Empty text is `null` (the field was left blank); text that is no number is `undefined`. */
export type Parsed = number | null | undefined;

const CURRENCY = /^(rp\.?|idr|vnd|₫|đ)\s*|\s*(rp\.?|idr|vnd|₫|đ)$/gi;

/** A whole number, with or without group separators (".", ",", spaces); currency marks ignored. */
export function parseWhole(text: string): Parsed {
  const value = text.trim().replace(CURRENCY, "").trim();
  if (value === "") return null;
  if (/^\d+$/.test(value)) return safe(Number(value));
  const grouped = /^\d{1,3}(([.,\s\u00a0\u202f])\d{3})(\2\d{3})*$/.exec(value);
  if (grouped) return safe(Number(value.replace(/\D/g, "")));
  return undefined;
}

/** A number with an optional decimal part after a comma or a point; a trailing "%" ignored. */
export function parseDecimal(text: string): Parsed {
  const value = text.trim().replace(/\s*%$/, "");
  if (value === "") return null;
  if (!/^\d+([.,]\d+)?$/.test(value)) return undefined;
  return safe(Number(value.replace(",", ".")));
}

function safe(n: number): number | undefined {
  return Number.isSafeInteger(Math.trunc(n)) && Number.isFinite(n) ? n : undefined;
}

/** 214500000 -> "214.500.000" (id, vi) or "214,500,000" (en). */
export function formatWhole(n: number, lang: Lang): string {
  return new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 0 }).format(n);
}

/** 85.7 -> "85,7" (id, vi) or "85.7" (en); no group separators. */
export function formatDecimal(n: number, lang: Lang): string {
  return new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 2, useGrouping: false }).format(n);
}

/** Reformats what was typed once it parses (on leaving the field); leaves anything else alone. */
export function tidyWhole(text: string, lang: Lang): string {
  const n = parseWhole(text);
  return typeof n === "number" ? formatWhole(n, lang) : text;
}

export function tidyDecimal(text: string, lang: Lang): string {
  const n = parseDecimal(text);
  return typeof n === "number" ? formatDecimal(n, lang) : text;
}

const BYTE_UNITS = ["B", "KB", "MB", "GB"] as const;

/** A file size in binary units: 2411724 -> "2,3 MB" (id, vi) or "2.3 MB" (en); bytes whole. */
export function formatBytes(bytes: number, lang: Lang): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  const number = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: digits }).format(value);
  return `${number} ${BYTE_UNITS[unit]}`;
}
