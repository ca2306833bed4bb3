import { describe, expect, it } from "vitest";
import { formatBytes, formatDecimal, formatWhole, parseDecimal, parseWhole, tidyWhole } from "./numbers";

describe("parseWhole", () => {
  it("reads plain and grouped numbers the way each language writes them", () => {
    expect(parseWhole("150000000")).toBe(150_000_000);
    expect(parseWhole("150.000.000")).toBe(150_000_000);
    expect(parseWhole("150,000,000")).toBe(150_000_000);
    expect(parseWhole("150 000 000")).toBe(150_000_000);
    expect(parseWhole("Rp 150.000.000")).toBe(150_000_000);
    expect(parseWhole("150.000.000 ₫")).toBe(150_000_000);
    expect(parseWhole(" 12 ")).toBe(12);
  });

  it("tells a blank field (null) from text that is no whole number (undefined)", () => {
    expect(parseWhole("")).toBeNull();
    expect(parseWhole("   ")).toBeNull();
    expect(parseWhole("12,5")).toBeUndefined();
    expect(parseWhole("1.25.0")).toBeUndefined();
    expect(parseWhole("1.000,000")).toBeUndefined();
    expect(parseWhole("dua belas")).toBeUndefined();
    expect(parseWhole("-3")).toBeUndefined();
  });
});

describe("parseDecimal", () => {
  it("takes a decimal comma or point, and a percent sign", () => {
    expect(parseDecimal("85,7")).toBe(85.7);
    expect(parseDecimal("85.7")).toBe(85.7);
    expect(parseDecimal("100 %")).toBe(100);
    expect(parseDecimal("")).toBeNull();
    expect(parseDecimal("lima puluh")).toBeUndefined();
  });
});

describe("formatting", () => {
  it("groups thousands as the reader's language does", () => {
    expect(formatWhole(214_500_000, "id")).toBe("214.500.000");
    expect(formatWhole(214_500_000, "en")).toBe("214,500,000");
    expect(formatWhole(214_500_000, "vi")).toBe("214.500.000");
    expect(formatDecimal(85.7, "id")).toBe("85,7");
    expect(formatDecimal(85.7, "en")).toBe("85.7");
  });

  it("writes file sizes in KB and MB with the reader's decimal mark", () => {
    expect(formatBytes(512, "id")).toBe("512 B");
    expect(formatBytes(1536, "id")).toBe("1,5 KB");
    expect(formatBytes(2_411_724, "id")).toBe("2,3 MB");
    expect(formatBytes(2_411_724, "en")).toBe("2.3 MB");
    expect(formatBytes(250 * 1024 * 1024, "en")).toBe("250 MB");
  });

  it("tidies what was typed only when it is a number", () => {
    expect(tidyWhole("150000000", "id")).toBe("150.000.000");
    expect(tidyWhole("12,5", "id")).toBe("12,5");
  });
});
