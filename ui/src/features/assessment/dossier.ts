// The producer's dossier as the officer checks it on the sheet: which documents to ask for, and
// whether one had expired by the day of the visit.
import type { CriteriaSet, EvidenceDocument, Gate } from "$lib/bindings";
import type { MessageKey } from "$lib/i18n/index.svelte";

/** The documents asked of every producer, with their names in the catalogues. */
export const DOSSIER_KINDS: { kind: string; label: MessageKey }[] = [
  { kind: "nib", label: "dossier.kind.nib" },
  // PIRT for home-made food, a BPOM number for the rest: both are the permit to sell.
  { kind: "izin_edar", label: "dossier.kind.izin_edar" },
  { kind: "halal", label: "dossier.kind.halal" },
  { kind: "sni", label: "dossier.kind.sni" },
  { kind: "haki", label: "dossier.kind.haki" },
  { kind: "other", label: "dossier.kind.other" },
];

/** One row of the checklist: a document of the list above, or the proof of one of the set's gates. */
export type DossierRow = { kind: string; label: MessageKey | null; gate: Gate | null };

export function dossierRows(set: CriteriaSet): DossierRow[] {
  return [
    ...DOSSIER_KINDS.map(({ kind, label }) => ({ kind, label, gate: null })),
    ...(set.gates ?? []).map((gate) => ({ kind: gate.code, label: null, gate })),
  ];
}

/** A document not recorded yet: for the dossier as a whole (no criterion), not present. */
export function emptyDocument(kind: string): EvidenceDocument {
  return { kind, criterion: "", present: false, number: null, issued_on: null, issuer: null, expires_on: null, note: null };
}

/** Whether the document had expired before the visit (ISO dates compare as text). */
export function expiredOn(document: EvidenceDocument, assessedOn: string | null): boolean {
  return !!document.expires_on && !!assessedOn && document.expires_on < assessedOn;
}
