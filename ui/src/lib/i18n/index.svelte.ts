// A deliberately tiny i18n: flat keys, `{name}` placeholders, plural forms chosen with
// Intl.PluralRules (`key_one` / `key_other`, as i18next names them), and a reactive current language kept in
// localStorage. `id.json` is the reference catalogue: its keys are the type of every key.
import id from "./id.json";
import en from "./en.json";
import vi from "./vi.json";

export const LANGUAGES = ["id", "en", "vi"] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Every key of the reference catalogue. */
export type MessageKey = keyof typeof id;

/** Keys that exist in plural forms, without the `_one` / `_other` suffix. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer Base}_other` ? Base : never) : never;

export type Params = Record<string, string | number>;

const catalogues: Record<Lang, Record<string, string>> = { id, en, vi };
const STORAGE_KEY = "ovop-field.language";

export function isLang(value: unknown): value is Lang {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

function storedLang(): Lang {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isLang(value)) return value;
  } catch {
    // Storage can be unavailable (private mode, tests); the default is fine.
  }
  return "id";
}

const current = $state({ lang: storedLang() });

/** The current UI language. Reading it inside a template or `$derived` makes that reactive. */
export function lang(): Lang {
  return current.lang;
}

export function setLang(next: Lang): void {
  current.lang = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // Not persisted; the choice still holds for this session.
  }
  if (typeof document !== "undefined") document.documentElement.lang = next;
}

function format(message: string, params?: Params): string {
  if (!params) return message;
  return message.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

function lookup(key: string): string {
  return catalogues[current.lang][key] ?? catalogues.id[key] ?? key;
}

/** The message for `key` in the current language, with `{name}` placeholders filled. */
export function t(key: MessageKey, params?: Params): string {
  return format(lookup(key), params);
}

/** A message that depends on a count: `key_one` or `key_other` by the language's plural rules. */
export function tn(key: PluralKey, count: number, params?: Params): string {
  const form = new Intl.PluralRules(current.lang).select(count) === "one" ? "one" : "other";
  return format(lookup(`${key}_${form}`), { count, ...params });
}

// English dates the way Indonesia and Vietnam write them: "21 August 2019", not "August 21".
const DATE_LOCALE: Record<Lang, string> = { id: "id", en: "en-GB", vi: "vi" };

/** A calendar date (`YYYY-MM-DD`) written out in the current language: "21 Agustus 2019". */
export function formatDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(DATE_LOCALE[current.lang], { dateStyle: "long", timeZone: "UTC" }).format(date);
}

/** A moment (an RFC 3339 time from the store) in the laptop's time zone: "23 Nov 2026 14.05". */
export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(DATE_LOCALE[current.lang], { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** The name of each UI language, written in that language. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  id: "Bahasa Indonesia",
  en: "English",
  vi: "Tiếng Việt",
};
