// Where a certificate stands, in words and a tone: valid (and for how long), lapsing (urgent in
// its last days), lapsed; a star that no longer holds is never shown as current.
import type { AwardView, CertificateStanding } from "$lib/bindings";
import { t, tn, type MessageKey } from "$lib/i18n/index.svelte";

export type Tone = "ok" | "soon" | "urgent" | "lapsed" | "none";

export function standingTone(standing: CertificateStanding | null): Tone {
  if (!standing) return "none";
  switch (standing.state) {
    case "valid":
      return "ok";
    case "lapsing":
      return standing.urgent ? "urgent" : "soon";
    case "lapsed":
      return "lapsed";
    default:
      return "none";
  }
}

export function standingText(standing: CertificateStanding | null): string {
  if (!standing) return t("cert.no_certificate");
  switch (standing.state) {
    case "valid":
      return tn("cert.valid_days", standing.days_left);
    case "lapsing":
      return standing.days_left === 0 ? t("cert.last_day") : tn("cert.lapsing_days", standing.days_left);
    case "lapsed":
      return tn("cert.lapsed_days", standing.days_ago);
    default:
      return t("cert.not_yet");
  }
}

/** The heading of an award: its star if it holds, or that it no longer does. */
export function awardTitle(view: AwardView): MessageKey {
  return view.current ? "cert.current_star" : "cert.star_not_current";
}
