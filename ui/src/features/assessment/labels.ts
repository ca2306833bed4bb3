// Words for an assessment's status; the raw status is kept in data attributes for scripts.
import { t, type MessageKey } from "$lib/i18n/index.svelte";
import type { BadgeTone } from "$lib/components/Badge.svelte";

const STATUS: Record<string, { label: MessageKey; tone: BadgeTone }> = {
  draft: { label: "assess.status.draft", tone: "info" },
  final: { label: "assess.status.final", tone: "accent" },
  synced: { label: "assess.status.synced", tone: "accent" },
  reviewed: { label: "assess.status.reviewed", tone: "accent" },
};

export function statusLabel(status: string): string {
  const known = STATUS[status];
  return known ? t(known.label) : status;
}

export function statusTone(status: string): BadgeTone {
  return STATUS[status]?.tone ?? "neutral";
}
