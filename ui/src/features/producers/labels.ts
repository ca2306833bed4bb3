// Legal forms the producer form offers. The stored value is the form's own short name
// ("UD", "HTX"); the label explains it in the reader's language. Anything else an officer
// types is kept as typed under "Other".
import { t, type MessageKey } from "$lib/i18n/index.svelte";

export type LegalForm = { value: string; country: "ID" | "VN"; label: MessageKey };

export const LEGAL_FORMS: LegalForm[] = [
  { value: "Perorangan", country: "ID", label: "legal.perorangan" },
  { value: "UD", country: "ID", label: "legal.ud" },
  { value: "CV", country: "ID", label: "legal.cv" },
  { value: "PT", country: "ID", label: "legal.pt" },
  { value: "Koperasi", country: "ID", label: "legal.koperasi" },
  { value: "KUB", country: "ID", label: "legal.kub" },
  { value: "Hộ kinh doanh", country: "VN", label: "legal.hkd" },
  { value: "HTX", country: "VN", label: "legal.htx" },
];

/** The select's value for "other": what the officer types is stored instead. */
export const OTHER_LEGAL_FORM = "Lainnya";

export function isKnownLegalForm(value: string): boolean {
  return LEGAL_FORMS.some((f) => f.value === value) || value === OTHER_LEGAL_FORM;
}

/** The short name on badges: the form's own name, in words where it is a common noun. */
export function legalFormLabel(value: string): string {
  if (value === "Perorangan") return t("legal.perorangan_short");
  if (value === OTHER_LEGAL_FORM) return t("legal.other_short");
  return value;
}

/** The programmes a product can be registered under: those the app has sheets and rules for. */
export const PROGRAMMES = ["ovop", "ocop"] as const;
export type ProductProgramme = (typeof PROGRAMMES)[number];

export function isProgramme(value: string | null): value is ProductProgramme {
  return value !== null && (PROGRAMMES as readonly string[]).includes(value);
}
