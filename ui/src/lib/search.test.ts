import { describe, expect, it } from "vitest";
import { fold, matchesQuery } from "./search";

describe("search", () => {
  it("folds Vietnamese diacritics and đ", () => {
    expect(fold("Chế biến từ gạo, ngũ cốc")).toBe("che bien tu gao, ngu coc");
    expect(fold("Đồ uống có cồn khác")).toBe("do uong co con khac");
  });

  it("finds 'che bien' in 'Chè tươi, chè chế biến'", () => {
    expect(matchesQuery("che bien", ["Chè tươi, chè chế biến"])).toBe(true);
  });

  it("needs every word of the query, in any order and any field", () => {
    expect(matchesQuery("bien tuoi", ["Chè tươi", "chế biến"])).toBe(true);
    expect(matchesQuery("che gao", ["Chè tươi, chè chế biến"])).toBe(false);
  });

  it("matches everything with an empty query", () => {
    expect(matchesQuery("   ", ["anything"])).toBe(true);
  });
});
