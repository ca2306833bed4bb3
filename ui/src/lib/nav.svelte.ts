// Which screen is showing. Plain state, no router: the app has a few screens and no URLs to
// share. The last screen (and the assessment open on it) is kept in localStorage so the app
// opens where the officer left it.
import type { MessageKey } from "$lib/i18n/index.svelte";
import type { IconName } from "$lib/components/Icon.svelte";

/** The screens of the top bar's tabs. */
export const SCREENS = ["home", "regions", "producers", "criteria"] as const;
export type Tab = (typeof SCREENS)[number];
/** A tab, or the assessment sheet (opened from a product or a draft, not from the top bar). */
export type Screen = Tab | "assessment";

export const SCREEN_NAV: Record<Tab, { label: MessageKey; title: MessageKey; icon: IconName }> = {
  home: { label: "nav.home", title: "screen.home", icon: "home" },
  regions: { label: "nav.regions", title: "screen.regions", icon: "map" },
  producers: { label: "nav.producers", title: "screen.producers", icon: "store" },
  criteria: { label: "nav.criteria", title: "screen.criteria", icon: "checklist" },
};

export function screenTitle(screen: Screen): MessageKey {
  return screen === "assessment" ? "screen.assessment" : SCREEN_NAV[screen].title;
}

const STORAGE_KEY = "ovop-field.screen";
const ASSESSMENT_KEY = "ovop-field.assessment";

export function isScreen(value: unknown): value is Screen {
  return typeof value === "string" && (value === "assessment" || (SCREENS as readonly string[]).includes(value));
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
  /** The assessment the assessment screen shows. */
  assessment = $state<string | null>(null);

  constructor(initial?: Screen | null) {
    const stored = remembered(STORAGE_KEY);
    this.assessment = remembered(ASSESSMENT_KEY);
    this.screen = initial ?? (isScreen(stored) ? stored : "home");
    if (this.screen === "assessment" && !this.assessment) this.screen = "home";
  }

  go(next: Screen): void {
    if (next === "assessment" && !this.assessment) next = "home";
    this.screen = next;
    remember(STORAGE_KEY, next);
  }

  openAssessment(id: string): void {
    this.assessment = id;
    remember(ASSESSMENT_KEY, id);
    this.go("assessment");
  }
}
