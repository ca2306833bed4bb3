// Translation keys for the enums of a criteria set, shared by the list and the sheet.
import type { Origin, Programme, Rounding, SetStatus } from "$lib/bindings";
import type { BadgeTone } from "$lib/components/Badge.svelte";
import type { MessageKey } from "$lib/i18n/index.svelte";

/**
 * The programmes the app has sheets and rules for, and "other". The format also reserves `otop`
 * (Thailand's OTOP), for which nothing ships: a set naming it is shown with the other programmes.
 */
export type ShownProgramme = "ovop" | "ocop" | "other";

export function shownProgramme(programme: Programme): ShownProgramme {
  return programme === "ovop" || programme === "ocop" ? programme : "other";
}

export function programmeTone(programme: Programme): BadgeTone {
  const shown = shownProgramme(programme);
  return shown === "other" ? "neutral" : shown;
}

export const PROGRAMME_GROUP: Record<ShownProgramme, MessageKey> = {
  ovop: "programme.group.ovop",
  ocop: "programme.group.ocop",
  other: "programme.group.other",
};

export const PROGRAMME_SHORT: Record<ShownProgramme, MessageKey> = {
  ovop: "programme.name.ovop",
  ocop: "programme.name.ocop",
  other: "programme.name.other",
};

export const STATUS: Record<SetStatus, MessageKey> = {
  official: "status.official",
  transcription: "status.transcription",
  template: "status.template",
  draft: "status.draft",
};

export const STATUS_HINT: Record<SetStatus, MessageKey> = {
  official: "status.official.hint",
  transcription: "status.transcription.hint",
  template: "status.template.hint",
  draft: "status.draft.hint",
};

export const ROUNDING: Record<Rounding, MessageKey> = {
  none: "rounding.none",
  floor: "rounding.floor",
  half_up: "rounding.half_up",
};

/** Where a set came from, before its file's name in the sheet's overview. */
export const ORIGIN: Record<Origin["kind"], MessageKey> = {
  shipped: "sheet.origin_shipped",
  imported: "sheet.origin_imported",
  office: "sheet.origin_office",
};

/** The list's badge for a set that did not ship with the app. */
export const ORIGIN_BADGE: Record<Exclude<Origin["kind"], "shipped">, MessageKey> = {
  imported: "list.origin.imported",
  office: "list.origin.office",
};
