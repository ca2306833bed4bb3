import { describe, expect, it } from "vitest";
import en from "./en.json";
import id from "./id.json";
import vi from "./vi.json";

const catalogues: Record<string, Record<string, string>> = { id, en, vi };

function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

describe("translation catalogues", () => {
  const allKeys = new Set(Object.values(catalogues).flatMap((c) => Object.keys(c)));

  for (const [lang, catalogue] of Object.entries(catalogues)) {
    it(`${lang}.json has every key that another language has`, () => {
      const missing = [...allKeys].filter((key) => !(key in catalogue));
      expect(missing, `missing in ${lang}.json`).toEqual([]);
    });

    it(`${lang}.json has no empty message`, () => {
      const empty = Object.entries(catalogue)
        .filter(([, message]) => typeof message !== "string" || message.trim() === "")
        .map(([key]) => key);
      expect(empty, `empty in ${lang}.json`).toEqual([]);
    });

    it(`${lang}.json uses the same placeholders as id.json`, () => {
      const differing = Object.keys(id).filter(
        (key) => key in catalogue && placeholders(catalogue[key]).join() !== placeholders((id as Record<string, string>)[key]).join(),
      );
      expect(differing, `placeholders differ in ${lang}.json`).toEqual([]);
    });
  }

  it("gives every plural key both forms, one and other", () => {
    const incomplete = [...allKeys]
      .filter((key) => key.endsWith("_one") || key.endsWith("_other"))
      .map((key) => key.replace(/_(one|other)$/, ""))
      .filter((base) => !(`${base}_one` in id && `${base}_other` in id));
    expect(incomplete).toEqual([]);
  });
});
