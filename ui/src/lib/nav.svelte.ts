// Which screen is showing. Plain state, no router: the app has four screens and no URLs to
// share. The last screen is kept in localStorage so the app opens where the officer left it.
import type { MessageKey } from "$lib/i18n/index.svelte";
import type { IconName } from "$lib/components/Icon.svelte";

export const SCREENS = ["home", "regions", "producers", "criteria"] as const;
export type Screen = (typeof SCREENS)[number];

export const SCREEN_NAV: Record<Screen, { label: MessageKey; title: MessageKey; icon: IconName }> = {
  home: { label: "nav.home", title: "screen.home", icon: "home" },
  regions: { label: "nav.regions", title: "screen.regions", icon: "map" },
  producers: { label: "nav.producers", title: "screen.producers", icon: "store" },
  criteria: { label: "nav.criteria", title: "screen.criteria", icon: "checklist" },
};

const STORAGE_KEY = "ovop-field.screen";

export function isScreen(value: unknown): value is Screen {
  return typeof value === "string" && (SCREENS as readonly string[]).includes(value);
}

/** A value kept in localStorage; storage can be unavailable (private mode, tests). */
export function remembered(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function remember(key: string, value: string | null): void {
  try {
    if (value === null) globalThis.localStorage?.removeItem(key);
    else globalThis.localStorage?.setItem(key, value);
  } catch {
    // Not persisted; the choice still holds for this session.
  }
}

export class Navigation {
  screen = $state<Screen>("home");

  constructor(initial?: Screen | null) {
    const stored = remembered(STORAGE_KEY);
    this.screen = initial ?? (isScreen(stored) ? stored : "home");
  }

  go(next: Screen): void {
    this.screen = next;
    remember(STORAGE_KEY, next);
  }
}
