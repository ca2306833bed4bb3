// The producer and product forms as plain data: what the fields hold (text, as typed), the
// checks the UI makes before saving, and the payload the Rust side receives (trimmed text,
// `null` for a blank optional field, numbers as numbers).
import type { Producer, Product } from "$lib/bindings";
import type { Lang, MessageKey } from "$lib/i18n/index.svelte";
import { formatDecimal, formatWhole, parseDecimal, parseWhole } from "$lib/numbers";
import { OTHER_LEGAL_FORM, isKnownLegalForm } from "./labels";

export type ProducerDraft = {
  id: string;
  name: string;
  /** The select: a known form, `OTHER_LEGAL_FORM`, or "" for none. */
  legalForm: string;
  /** What the officer typed under "Other". */
  legalFormOther: string;
  registrationNo: string;
  representative: string;
  phone: string;
  villageCode: string | null;
  address: string;
  workforce: string;
  localLabourPct: string;
  women: string;
  minorities: string;
  revenuePrevYear: string;
  revenueLastYear: string;
  accounting: string;
  sentraIkm: string;
  penghela: boolean;
};

export type ProducerField = keyof ProducerDraft;
export type FieldErrors<F extends string> = Partial<Record<F, { key: MessageKey; params?: Record<string, string | number> }>>;

function text(value: string | null | undefined): string {
  return value ?? "";
}

function whole(value: number | null, lang: Lang): string {
  return value === null ? "" : formatWhole(value, lang);
}

export function producerDraft(producer: Producer | null, lang: Lang, villageCode: string | null = null): ProducerDraft {
  const form = producer?.legal_form ?? "";
  const known = form === "" || isKnownLegalForm(form);
  return {
    id: producer?.id ?? "",
    name: text(producer?.name),
    legalForm: known ? form : OTHER_LEGAL_FORM,
    legalFormOther: known ? "" : form,
    registrationNo: text(producer?.registration_no),
    representative: text(producer?.representative),
    phone: text(producer?.phone),
    villageCode: producer ? producer.village_code : villageCode,
    address: text(producer?.address),
    workforce: whole(producer?.workforce ?? null, lang),
    localLabourPct: producer?.local_labour_pct == null ? "" : formatDecimal(producer.local_labour_pct, lang),
    women: whole(producer?.women ?? null, lang),
    minorities: whole(producer?.minorities ?? null, lang),
    revenuePrevYear: whole(producer?.revenue_prev_year ?? null, lang),
    revenueLastYear: whole(producer?.revenue_last_year ?? null, lang),
    accounting: text(producer?.accounting),
    sentraIkm: text(producer?.sentra_ikm),
    penghela: producer?.penghela ?? false,
  };
}

const COUNTS = ["workforce", "women", "minorities"] as const;
const AMOUNTS = ["revenuePrevYear", "revenueLastYear"] as const;

export function validateProducer(draft: ProducerDraft): FieldErrors<ProducerField> {
  const errors: FieldErrors<ProducerField> = {};
  if (!draft.name.trim()) errors.name = { key: "producer.error.name_required" };
  for (const field of COUNTS) {
    if (parseWhole(draft[field]) === undefined) errors[field] = { key: "form.error.whole_number" };
  }
  for (const field of AMOUNTS) {
    if (parseWhole(draft[field]) === undefined) errors[field] = { key: "form.error.amount" };
  }
  const pct = parseDecimal(draft.localLabourPct);
  if (pct === undefined || (typeof pct === "number" && (pct < 0 || pct > 100))) {
    errors.localLabourPct = { key: "producer.error.percent" };
  }
  const workforce = parseWhole(draft.workforce);
  if (typeof workforce === "number") {
    for (const field of ["women", "minorities"] as const) {
      const n = parseWhole(draft[field]);
      if (!errors[field] && typeof n === "number" && n > workforce) {
        errors[field] = { key: "producer.error.more_than_workforce", params: { count: workforce } };
      }
    }
  }
  return errors;
}

function optional(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function number(value: string, parse: (text: string) => number | null | undefined): number | null {
  const n = parse(value);
  return typeof n === "number" ? n : null;
}

/** The payload for `producer_save`; call only once `validateProducer` found nothing. */
export function producerFromDraft(draft: ProducerDraft): Producer {
  const legal_form =
    draft.legalForm === OTHER_LEGAL_FORM ? (optional(draft.legalFormOther) ?? OTHER_LEGAL_FORM) : optional(draft.legalForm);
  return {
    id: draft.id,
    name: draft.name.trim(),
    legal_form,
    registration_no: optional(draft.registrationNo),
    representative: optional(draft.representative),
    phone: optional(draft.phone),
    village_code: draft.villageCode,
    address: optional(draft.address),
    workforce: number(draft.workforce, parseWhole),
    local_labour_pct: number(draft.localLabourPct, parseDecimal),
    women: number(draft.women, parseWhole),
    minorities: number(draft.minorities, parseWhole),
    revenue_prev_year: number(draft.revenuePrevYear, parseWhole),
    revenue_last_year: number(draft.revenueLastYear, parseWhole),
    accounting: optional(draft.accounting),
    sentra_ikm: optional(draft.sentraIkm),
    penghela: draft.penghela,
  };
}

// ---- Products --------------------------------------------------------------------------------

export type ProductDraft = {
  id: string;
  producerId: string;
  name: string;
  brand: string;
  /** "", or a programme code (`ovop`, `ocop`; an older record may hold another, kept as it is). */
  programme: string;
  productSet: string;
  skus: string[];
  description: string;
};

export type ProductField = keyof ProductDraft;

export function productDraft(product: Product | null, producerId: string, programme = ""): ProductDraft {
  return {
    id: product?.id ?? "",
    producerId: product?.producer_id ?? producerId,
    name: text(product?.name),
    brand: text(product?.brand),
    programme: product ? text(product.programme) : programme,
    productSet: text(product?.product_set),
    skus: [...(product?.skus ?? [])],
    description: text(product?.description),
  };
}

export function validateProduct(draft: ProductDraft): FieldErrors<ProductField> {
  return draft.name.trim() ? {} : { name: { key: "product.error.name_required" } };
}

/**
 * Adds SKUs to a list: trimmed, blanks dropped, each once (case kept as first typed). A paste
 * of several lines (or `;`-separated) gives several; a comma does not split ("Kain 2,5 m").
 */
export function addSkus(list: string[], typed: string): string[] {
  const next = [...list];
  for (const part of typed.split(/[;\n]/)) {
    const sku = part.trim();
    if (sku && !next.some((s) => s.toLocaleLowerCase() === sku.toLocaleLowerCase())) next.push(sku);
  }
  return next;
}

export function productFromDraft(draft: ProductDraft, villageCode: string | null): Product {
  return {
    id: draft.id,
    producer_id: draft.producerId,
    name: draft.name.trim(),
    brand: optional(draft.brand),
    programme: optional(draft.programme),
    product_set: optional(draft.productSet),
    skus: addSkus([], draft.skus.join("\n")),
    description: optional(draft.description),
    village_code: villageCode,
  };
}
