import type { Criterion, Section } from "$lib/bindings";
import { describe, expect, it } from "vitest";
import { standsAlone } from "./sheet";

function criterion(code: string, text: Record<string, string>): Criterion {
  return { code, text, levels: [{ points: 0, text: { vi: "Không" } }] } as unknown as Criterion;
}

function section(code: string, name: Record<string, string>, criteria: Criterion[]): Section {
  return { code, name, criteria } as unknown as Section;
}

describe("standsAlone", () => {
  const name = { vi: "ĐẢM BẢO CHẤT LƯỢNG SẢN PHẨM", id: "Jaminan mutu produk" };

  it("takes a section's only criterion, numbered like it, with no text or the section's name, as the section itself", () => {
    expect(standsAlone(section("9", name, [criterion("9", {})]), criterion("9", {}))).toBe(true);
    const same = criterion("9", { vi: "ĐẢM BẢO CHẤT LƯỢNG SẢN PHẨM " });
    expect(standsAlone(section("9", name, [same]), same)).toBe(true);
  });

  it("keeps a criterion that says something of its own, is numbered otherwise, or has siblings", () => {
    const own = criterion("9", { vi: "Hồ sơ lô sản xuất" });
    expect(standsAlone(section("9", name, [own]), own)).toBe(false);
    const other = criterion("9.1", {});
    expect(standsAlone(section("9", name, [other]), other)).toBe(false);
    const first = criterion("9", {});
    expect(standsAlone(section("9", name, [first, criterion("9.2", {})]), first)).toBe(false);
  });
});
