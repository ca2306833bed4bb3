// Translation keys for the enums of a criteria set, shared by the list and the sheet.
import type { Programme, Rounding, SetStatus } from "$lib/bindings";
import type { MessageKey } from "$lib/i18n/index.svelte";

export const PROGRAMME_GROUP: Record<Programme, MessageKey> = {
  ovop: "programme.group.ovop",
  ocop: "programme.group.ocop",
  otop: "programme.group.otop",
  other: "programme.group.other",
};

export const PROGRAMME_SHORT: Record<Programme, MessageKey> = {
  ovop: "programme.name.ovop",
  ocop: "programme.name.ocop",
  otop: "programme.name.otop",
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
