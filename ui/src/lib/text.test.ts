import { describe, expect, it } from "vitest";
import { pickText } from "./text";

describe("pickText", () => {
  it("takes the reader's language without a lang mark", () => {
    expect(pickText({ vi: "Chè", en: "Tea" }, "en", "vi")).toEqual({ text: "Tea", lang: undefined });
  });

  it("falls back to the set's language and marks it", () => {
    expect(pickText({ vi: "Chè", en: "Tea" }, "id", "vi")).toEqual({ text: "Chè", lang: "vi" });
  });

  it("falls back to any language when the set's own is missing, skipping blanks", () => {
    expect(pickText({ id: " ", en: "Tea" }, "id", "vi")).toEqual({ text: "Tea", lang: "en" });
  });

  it("gives an empty text for a missing or blank text", () => {
    expect(pickText(undefined, "id", "vi").text).toBe("");
    expect(pickText({}, "id", "vi").text).toBe("");
  });
});
