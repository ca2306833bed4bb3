// The words of a coaching plan: each kind of support, owner and progress, and a due day's tone.
import type { Due, Owner, Progress, Support } from "$lib/bindings";
import type { BadgeTone } from "$lib/components/Badge.svelte";
import { formatDate, t } from "$lib/i18n/index.svelte";

export const SUPPORTS: Support[] = ["training", "packaging", "lab_test", "certification", "marketing", "finance", "other"];
export const OWNERS: Owner[] = ["officer", "office", "partner"];
export const PROGRESSES: Progress[] = ["not_started", "in_progress", "done", "dropped"];

export const supportLabel = (s: Support) => t(`coach.support.${s}`);
export const ownerLabel = (o: Owner) => t(`coach.owner.${o}`);
export const progressLabel = (p: Progress) => t(`coach.progress.${p}`);

export function progressTone(p: Progress): BadgeTone {
  return p === "done" ? "accent" : p === "dropped" ? "neutral" : p === "in_progress" ? "info" : "outline";
}

export function dueTone(d: Due | null): BadgeTone {
  return d === "overdue" ? "danger" : d === "this_week" ? "warn" : "neutral";
}

/** "overdue since 20 February 2027" or "due 1 March 2027". */
export function dueText(d: Due | null, date: string): string {
  return d === "overdue" ? t("coach.overdue_since", { date: formatDate(date) }) : t("coach.due_on", { date: formatDate(date) });
}
