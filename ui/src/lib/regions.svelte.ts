// Regions as the officer reads them: the level in words, the full path, and a small cache of
// regions looked up by code (a producer row names its village by code only).
import { getRegion } from "$lib/api";
import type { Region } from "$lib/bindings";
import { formatDate, lang, t, type MessageKey } from "$lib/i18n/index.svelte";
import { SvelteMap } from "svelte/reactivity";

// Indonesia has four levels; Vietnam's units before the 2025 reform have three, named
// differently, and two since. Any level the UI does not know reads as the generic "region".
const LEVEL: Record<string, MessageKey> = {
  province: "region.level.province",
  regency: "region.level.regency",
  district: "region.level.district",
  village: "region.level.village",
};
const LEVEL_VN: Record<string, MessageKey> = {
  province: "region.level_vn.province",
  district: "region.level_vn.district",
  commune: "region.level_vn.commune",
};
// Vietnam's two levels from 1 July 2025: the name carries the type word (Xã, Phường, Đặc khu;
// Tỉnh, Thành phố), so the label names the level as Vietnamese does: cấp tỉnh, cấp xã.
const LEVEL_VN_2025: Record<string, MessageKey> = {
  province: "region.level_vn25.province",
  commune: "region.level_vn25.commune",
};

export function levelKey(region: { level: string; country: string; retired?: string | null }): MessageKey {
  const vietnam = region.retired ? LEVEL_VN : LEVEL_VN_2025;
  return (region.country === "VN" ? (vietnam[region.level] ?? LEVEL_VN[region.level]) : undefined) ?? LEVEL[region.level] ?? "region.level.other";
}

/** "formerly Phường Trúc Bạch (Quận Ba Đình), merged whole": how a search found a commune by an old name. */
export function formerlyText(region: Region): string | null {
  const former = region.formerly;
  if (!former) return null;
  const params = { name: former.name, district: former.district };
  if (former.merge === "whole") return t("region.formerly_whole", params);
  if (former.merge === "part") return t("region.formerly_part", params);
  return t("region.formerly", params);
}

/** "ceased on 1 July 2025" for a unit that no longer exists, else none. */
export function retiredText(region: { retired: string | null }): string | null {
  return region.retired ? t("region.retired", { date: formatDate(region.retired) }) : null;
}

/** The lowest level: where producers live (a desa/kelurahan, a xã/phường). */
export function isVillage(region: { level: string }): boolean {
  return region.level === "village" || region.level === "commune";
}

/** Ancestors and the region itself: "Kalimantan Selatan › Kabupaten Tapin › Binuang › Tungkap". */
export function fullPath(region: Region): string {
  return region.path ? `${region.path} › ${region.name}` : region.name;
}

// ---- The countries -----------------------------------------------------------------------------

/** The countries whose regions the app ships: their names and what the app offers there. */
export const COUNTRIES: { code: "ID" | "VN"; name: MessageKey; hint: MessageKey }[] = [
  { code: "ID", name: "country.id", hint: "first.country_id_hint" },
  { code: "VN", name: "country.vn", hint: "first.country_vn_hint" },
];

/** The countries `codes` names, as the reader says them: "Indonesia và Việt Nam". */
export function countryNames(codes: readonly string[]): string {
  const names = COUNTRIES.filter((c) => codes.includes(c.code)).map((c) => t(c.name));
  return new Intl.ListFormat(lang(), { type: "conjunction" }).format(names);
}

// ---- Lookups by code -------------------------------------------------------------------------

const cache = new SvelteMap<string, Region | null>();
const pending = new Set<string>();

/** Remembers regions the UI already has, so rows can name them without asking again. */
export function rememberRegions(regions: Region[]): void {
  // A hit found by an old name names that name only in the search that found it.
  for (const region of regions) if (!cache.has(region.code)) cache.set(region.code, region.formerly ? { ...region, formerly: null } : region);
}

/**
 * The region for `code`: `undefined` while it is being looked up (the lookup starts on the
 * first read), `null` when it does not exist. Reactive: reading it in a template updates the
 * template when the answer comes.
 */
export function regionByCode(code: string | null | undefined): Region | null | undefined {
  if (!code) return null;
  const known = cache.get(code);
  if (known !== undefined || cache.has(code)) return known;
  if (!pending.has(code)) {
    pending.add(code);
    queueMicrotask(() => {
      getRegion(code)
        .then((region) => cache.set(code, region))
        .catch(() => cache.set(code, null))
        .finally(() => pending.delete(code));
    });
  }
  return undefined;
}
