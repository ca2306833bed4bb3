// The producer's dossier as the officer checks it on the sheet: which documents to ask for, and
// whether one had expired by the day of the visit.
import type { CriteriaSet, EvidenceDocument, Gate } from "$lib/bindings";
import type { MessageKey } from "$lib/i18n/index.svelte";
import { setCriteria } from "../criteria/sheet";

/** The documents asked of every producer in Indonesia (OVOP), with their names in the catalogues. */
export const DOSSIER_KINDS: { kind: string; label: MessageKey }[] = [
  { kind: "nib", label: "dossier.kind.nib" },
  // PIRT for home-made food, a BPOM number for the rest: both are the permit to sell.
  { kind: "izin_edar", label: "dossier.kind.izin_edar" },
  { kind: "halal", label: "dossier.kind.halal" },
  { kind: "sni", label: "dossier.kind.sni" },
  { kind: "haki", label: "dossier.kind.haki" },
  { kind: "other", label: "dossier.kind.other" },
];

/** The documents an OCOP council asks of a Vietnamese producer. */
export const DOSSIER_KINDS_OCOP: { kind: string; label: MessageKey }[] = [
  // The household business's, cooperative's or company's registration.
  { kind: "dkkd", label: "dossier.kind.dkkd" },
  // The premises' food safety certificate (an toàn thực phẩm), for food and drink.
  { kind: "attp", label: "dossier.kind.attp" },
  // The product's quality self-declaration (tự công bố chất lượng).
  { kind: "cbcl", label: "dossier.kind.cbcl" },
  { kind: "haki", label: "dossier.kind.haki" },
  { kind: "other", label: "dossier.kind.other" },
];

/** The documents asked under a programme: Vietnam's for OCOP, Indonesia's otherwise. */
export function dossierKinds(programme: string): { kind: string; label: MessageKey }[] {
  return programme === "ocop" ? DOSSIER_KINDS_OCOP : DOSSIER_KINDS;
}

/**
 * One row of the checklist: a document of the list above, one the set names that the list does
 * not have (`label` null: shown by its kind), or the proof of a gate that names no document.
 * `proves`: the gates and criteria of the set that rely on it.
 */
export type DossierRow = { kind: string; label: MessageKey | null; gate: Gate | null; proves: string[] };

/** Which gates and criteria of the set name each document kind, in sheet order. */
function provers(set: CriteriaSet): Map<string, string[]> {
  const by = new Map<string, string[]>();
  const add = (kind: string, code: string) => by.set(kind, [...(by.get(kind) ?? []), code]);
  for (const gate of set.gates ?? []) for (const kind of gate.documents ?? []) add(kind, gate.code);
  for (const criterion of setCriteria(set)) for (const kind of criterion.documents ?? []) add(kind, criterion.code);
  return by;
}

export function dossierRows(set: CriteriaSet): DossierRow[] {
  const proves = provers(set);
  const kinds = dossierKinds(set.programme);
  const known = new Set(kinds.map((k) => k.kind));
  const row = (kind: string, label: MessageKey | null): DossierRow => ({ kind, label, gate: null, proves: proves.get(kind) ?? [] });
  const listed = kinds.filter((k) => k.kind !== "other").map(({ kind, label }) => row(kind, label));
  const extra = [...proves.keys()].filter((kind) => !known.has(kind)).map((kind) => row(kind, null));
  const other = kinds.filter((k) => k.kind === "other").map(({ kind, label }) => row(kind, label));
  const gates = (set.gates ?? []).filter((gate) => (gate.documents ?? []).length === 0).map((gate) => ({ kind: gate.code, label: null, gate, proves: [gate.code] }));
  return [...listed, ...extra, ...other, ...gates];
}

/** Where a document the sheet relies on stands: shown (and valid), shown but expired, or not seen yet. */
export type DocumentState = { kind: string; label: MessageKey | null; status: "present" | "expired" | "missing"; number: string | null };

/** The state of each document `kinds` names, from the dossier as recorded for the whole sheet. */
export function documentStates(kinds: readonly string[] | undefined, evidence: readonly EvidenceDocument[], assessedOn: string | null): DocumentState[] {
  const labels = new Map([...DOSSIER_KINDS, ...DOSSIER_KINDS_OCOP].map((k) => [k.kind, k.label]));
  return (kinds ?? []).map((kind) => {
    const document = evidence.find((d) => d.kind === kind && d.criterion === "");
    const status = !document?.present ? "missing" : expiredOn(document, assessedOn) ? "expired" : "present";
    return { kind, label: labels.get(kind) ?? null, status, number: document?.number ?? null };
  });
}

/** A document not recorded yet: for the dossier as a whole (no criterion), not present. */
export function emptyDocument(kind: string): EvidenceDocument {
  return { kind, criterion: "", present: false, number: null, issued_on: null, issuer: null, expires_on: null, note: null };
}

/** Whether the document had expired before the visit (ISO dates compare as text). */
export function expiredOn(document: EvidenceDocument, assessedOn: string | null): boolean {
  return !!document.expires_on && !!assessedOn && document.expires_on < assessedOn;
}
