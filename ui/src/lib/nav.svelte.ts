// Which screen is showing. Plain state, no router: the app has a few screens and no URLs to
// share. The last screen (and the assessment open on it) is kept in localStorage so the app
// opens where the officer left it.
import type { MessageKey } from "$lib/i18n/index.svelte";
import type { IconName } from "$lib/components/Icon.svelte";

/** The screens of the top bar's tabs. */
export const SCREENS = ["home", "regions", "producers", "criteria", "sync", "settings"] as const;
export type Tab = (typeof SCREENS)[number];
/**
 * A tab, the assessment sheet (opened from a product or a draft, not from the top bar), or a
 * product's history (opened from the product).
 */
export type Screen = Tab | "assessment" | "history";

export const SCREEN_NAV: Record<Tab, { label: MessageKey; title: MessageKey; icon: IconName }> = {
  home: { label: "nav.home", title: "screen.home", icon: "home" },
  regions: { label: "nav.regions", title: "screen.regions", icon: "map" },
  producers: { label: "nav.producers", title: "screen.producers", icon: "store" },
  criteria: { label: "nav.criteria", title: "screen.criteria", icon: "checklist" },
  sync: { label: "nav.sync", title: "screen.sync", icon: "sync" },
  settings: { label: "nav.settings", title: "screen.settings", icon: "gear" },
};

export function screenTitle(screen: Screen): MessageKey {
  if (screen === "assessment") return "screen.assessment";
  if (screen === "history") return "screen.history";
  return SCREEN_NAV[screen].title;
}

const STORAGE_KEY = "ovop-field.screen";
const ASSESSMENT_KEY = "ovop-field.assessment";
const HISTORY_KEY = "ovop-field.history";

/** The product the history screen shows, and its producer (where its back link goes). */
export type HistoryTarget = { product: string; producer: string };

function rememberedHistory(): HistoryTarget | null {
  try {
    const value: unknown = JSON.parse(remembered(HISTORY_KEY) ?? "null");
    if (value && typeof value === "object" && "product" in value && "producer" in value) {
      const { product, producer } = value;
      if (typeof product === "string" && typeof producer === "string") return { product, producer };
    }
  } catch {
    // Not a value this app wrote: no history to reopen.
  }
  return null;
}

export function isScreen(value: unknown): value is Screen {
  return typeof value === "string" && (value === "assessment" || value === "history" || (SCREENS as readonly string[]).includes(value));
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
  /** The product the history screen shows. */
  history = $state.raw<HistoryTarget | null>(null);

  constructor(initial?: Screen | null) {
    const stored = remembered(STORAGE_KEY);
    this.assessment = remembered(ASSESSMENT_KEY);
    this.screen = initial ?? (isScreen(stored) ? stored : "home");
    if (this.screen === "assessment" && !this.assessment) this.screen = "home";
    this.history = rememberedHistory();
    if (this.screen === "history" && !this.history) this.screen = "home";
  }

  go(next: Screen): void {
    if (next === "assessment" && !this.assessment) next = "home";
    if (next === "history" && !this.history) next = "home";
    this.screen = next;
    remember(STORAGE_KEY, next);
  }

  openAssessment(id: string): void {
    this.assessment = id;
    remember(ASSESSMENT_KEY, id);
    this.go("assessment");
  }

  openHistory(product: string, producer: string): void {
    this.history = { product, producer };
    remember(HISTORY_KEY, JSON.stringify(this.history));
    this.go("history");
  }
}
