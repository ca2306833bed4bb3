import type { Producer, Product } from "$lib/bindings";
import { getProducer, listProducts } from "$lib/fixtures/records";
import { describe, expect, it } from "vitest";
import {
  addSkus,
  producerDraft,
  producerFromDraft,
  productDraft,
  productFromDraft,
  validateProducer,
  validateProduct,
  type ProducerDraft,
} from "./form";
import { OTHER_LEGAL_FORM } from "./labels";

const PURUN = getProducer("p-purun-tungkap");

function blankDraft(fields: Partial<ProducerDraft> = {}): ProducerDraft {
  return { ...producerDraft(null, "id"), name: "Kelompok Tani Mawar", ...fields };
}

function errorKeys(draft: ProducerDraft) {
  return Object.fromEntries(Object.entries(validateProducer(draft)).map(([field, error]) => [field, error?.key]));
}

describe("producerDraft", () => {
  it("shows numbers the way the officer's language writes them", () => {
    const id = producerDraft(PURUN, "id");
    expect(id.revenueLastYear).toBe("214.500.000");
    expect(id.workforce).toBe("18");
    expect(producerDraft(PURUN, "en").revenueLastYear).toBe("214,500,000");
    expect(producerDraft(getProducer("p-wadai-binuang"), "id").localLabourPct).toBe("85,7");
    expect(producerDraft(getProducer("p-wadai-binuang"), "en").localLabourPct).toBe("85.7");
  });

  it("shows a blank field for what was never filled, not 0 or null", () => {
    const draft = producerDraft(getProducer("p-sasirangan-tatakan"), "id");
    expect(draft.registrationNo).toBe("");
    expect(draft.localLabourPct).toBe("");
    expect(draft.revenuePrevYear).toBe("");
    expect(draft.minorities).toBe("");
  });

  it("starts a new producer in the given village, but never moves an existing one", () => {
    expect(producerDraft(null, "id", "63.05.01.2003")).toMatchObject({ id: "", name: "", villageCode: "63.05.01.2003", penghela: false });
    expect(producerDraft(PURUN, "id", "34.02.10.2003").villageCode).toBe("63.05.01.2003");
    expect(producerDraft({ ...PURUN, village_code: null }, "id", "34.02.10.2003").villageCode).toBeNull();
  });

  it("puts a legal form it does not offer under Other, as typed", () => {
    const draft = producerDraft({ ...PURUN, legal_form: "Yayasan" }, "id");
    expect(draft.legalForm).toBe(OTHER_LEGAL_FORM);
    expect(draft.legalFormOther).toBe("Yayasan");
    expect(producerDraft(PURUN, "id")).toMatchObject({ legalForm: "KUB", legalFormOther: "" });
  });
});

describe("producerFromDraft", () => {
  it.each(["id", "en", "vi"] as const)("gives back the producer it was drafted from (%s)", (lang) => {
    for (const id of ["p-purun-tungkap", "p-wadai-binuang", "p-sasirangan-tatakan", "p-batik-wukirsari"]) {
      const producer = getProducer(id);
      expect(producerFromDraft(producerDraft(producer, lang))).toEqual(producer);
    }
  });

  it("trims the text, and sends null for a field left blank", () => {
    const producer = producerFromDraft(
      blankDraft({ name: "  Kelompok Tani Mawar ", representative: "   ", phone: " 0812 ", address: "", accounting: "\n" }),
    );
    expect(producer).toEqual({
      id: "",
      name: "Kelompok Tani Mawar",
      legal_form: null,
      registration_no: null,
      representative: null,
      phone: "0812",
      village_code: null,
      address: null,
      workforce: null,
      local_labour_pct: null,
      women: null,
      minorities: null,
      revenue_prev_year: null,
      revenue_last_year: null,
      accounting: null,
      sentra_ikm: null,
      penghela: false,
    } satisfies Producer);
  });

  it("reads numbers as typed in any of the app's languages", () => {
    const producer = producerFromDraft(
      blankDraft({ workforce: "1.200", revenueLastYear: "Rp 150.000.000", revenuePrevYear: "98,500,000", localLabourPct: "92,5 %" }),
    );
    expect(producer).toMatchObject({ workforce: 1200, revenue_last_year: 150_000_000, revenue_prev_year: 98_500_000, local_labour_pct: 92.5 });
  });

  it("keeps what was typed under Other, and Other itself when nothing was typed", () => {
    expect(producerFromDraft(blankDraft({ legalForm: OTHER_LEGAL_FORM, legalFormOther: " Yayasan " })).legal_form).toBe("Yayasan");
    expect(producerFromDraft(blankDraft({ legalForm: OTHER_LEGAL_FORM, legalFormOther: "  " })).legal_form).toBe(OTHER_LEGAL_FORM);
    // What was typed under Other is dropped once a listed form is chosen again.
    expect(producerFromDraft(blankDraft({ legalForm: "CV", legalFormOther: "Yayasan" })).legal_form).toBe("CV");
  });
});

describe("validateProducer", () => {
  it("accepts a producer with a name and nothing else", () => {
    expect(validateProducer(blankDraft())).toEqual({});
  });

  it("asks for a name, blank or only spaces", () => {
    expect(errorKeys(blankDraft({ name: "" }))).toEqual({ name: "producer.error.name_required" });
    expect(errorKeys(blankDraft({ name: " \t " }))).toEqual({ name: "producer.error.name_required" });
  });

  it("refuses counts of people that are not whole numbers", () => {
    expect(errorKeys(blankDraft({ workforce: "12,5", women: "dua", minorities: "-1" }))).toEqual({
      workforce: "form.error.whole_number",
      women: "form.error.whole_number",
      minorities: "form.error.whole_number",
    });
  });

  it("refuses amounts with decimals or words", () => {
    expect(errorKeys(blankDraft({ revenueLastYear: "150 juta", revenuePrevYear: "1.500.000,50" }))).toEqual({
      revenueLastYear: "form.error.amount",
      revenuePrevYear: "form.error.amount",
    });
    expect(errorKeys(blankDraft({ revenueLastYear: "Rp 150.000.000" }))).toEqual({});
  });

  it("takes a share of local labour from 0 to 100 only", () => {
    expect(errorKeys(blankDraft({ localLabourPct: "0" }))).toEqual({});
    expect(errorKeys(blankDraft({ localLabourPct: "100 %" }))).toEqual({});
    expect(errorKeys(blankDraft({ localLabourPct: "100,5" }))).toEqual({ localLabourPct: "producer.error.percent" });
    expect(errorKeys(blankDraft({ localLabourPct: "banyak" }))).toEqual({ localLabourPct: "producer.error.percent" });
  });

  it("refuses more women or minority workers than workers, and names the workforce", () => {
    const errors = validateProducer(blankDraft({ workforce: "5", women: "7", minorities: "5" }));
    expect(errors).toEqual({ women: { key: "producer.error.more_than_workforce", params: { count: 5 } } });
    // Without a workforce there is nothing to compare with.
    expect(validateProducer(blankDraft({ women: "7" }))).toEqual({});
  });

  it("gives one message per field: a count that is no number is not also compared", () => {
    expect(errorKeys(blankDraft({ workforce: "5", women: "7,5" }))).toEqual({ women: "form.error.whole_number" });
  });
});

describe("addSkus", () => {
  it("adds trimmed SKUs once each, keeping the case first typed", () => {
    expect(addSkus(["Tas jinjing besar"], "  Dompet ")).toEqual(["Tas jinjing besar", "Dompet"]);
    expect(addSkus(["Dompet"], "DOMPET")).toEqual(["Dompet"]);
    expect(addSkus([], "   ")).toEqual([]);
  });

  it("splits a paste of several lines or ;-separated SKUs, but not on a comma", () => {
    expect(addSkus([], "Kain 2,5 m\nSelendang; Sarung\r\n\n")).toEqual(["Kain 2,5 m", "Selendang", "Sarung"]);
  });

  it("leaves the list it was given alone", () => {
    const list = ["Dompet"];
    addSkus(list, "Tas");
    expect(list).toEqual(["Dompet"]);
  });
});

describe("product drafts", () => {
  const TAS: Product = listProducts("p-purun-tungkap").find((p) => p.id === "pr-tas-purun")!;

  it("gives back the product it was drafted from", () => {
    expect(productFromDraft(productDraft(TAS, "p-purun-tungkap"), TAS.village_code)).toEqual(TAS);
  });

  it("starts a new product in the producer's programme, and keeps an existing product's own", () => {
    expect(productDraft(null, "p-purun-tungkap", "ocop")).toMatchObject({ id: "", producerId: "p-purun-tungkap", programme: "ocop", skus: [] });
    expect(productDraft({ ...TAS, programme: null }, "p-purun-tungkap", "ocop").programme).toBe("");
  });

  it("does not share the SKU list with the product it edits", () => {
    const draft = productDraft(TAS, "p-purun-tungkap");
    draft.skus.push("Tas selempang");
    expect(TAS.skus).not.toContain("Tas selempang");
  });

  it("sends trimmed text, null for blanks, SKUs once each, and the producer's village", () => {
    const draft = { ...productDraft(null, "p-new"), name: " Topi purun ", brand: " ", skus: ["Anak", "anak", " Dewasa "] };
    expect(productFromDraft(draft, "63.05.01.2003")).toEqual({
      id: "",
      producer_id: "p-new",
      name: "Topi purun",
      brand: null,
      programme: null,
      product_set: null,
      skus: ["Anak", "Dewasa"],
      description: null,
      village_code: "63.05.01.2003",
    } satisfies Product);
  });

  it("asks for a product's name and nothing else", () => {
    expect(validateProduct(productDraft(null, "p-new"))).toEqual({ name: { key: "product.error.name_required" } });
    expect(validateProduct({ ...productDraft(null, "p-new"), name: "  " })).toEqual({ name: { key: "product.error.name_required" } });
    expect(validateProduct({ ...productDraft(null, "p-new"), name: "Topi purun" })).toEqual({});
  });
});
