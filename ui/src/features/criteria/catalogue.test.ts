import { fixtureList } from "$lib/fixtures";
import { describe, expect, it } from "vitest";
import { groupSets, needsAttention } from "./catalogue";

const { sets } = fixtureList();

describe("groupSets", () => {
  it("puts OVOP first for Indonesian readers and OCOP first for Vietnamese readers", () => {
    expect(groupSets(sets, "id").map((g) => g.programme)).toEqual(["ovop", "ocop"]);
    expect(groupSets(sets, "vi").map((g) => g.programme)).toEqual(["ocop", "ovop"]);
  });

  it("sorts sets by their name in the reader's language", () => {
    const ocop = (lang: "id" | "vi") => groupSets(sets, lang).find((g) => g.programme === "ocop")!.sets.map((s) => s.id);
    // id: "OCOP 1048 – Teh segar…" falls back to vi for 24 ("Đồ uống…"), which sorts first.
    expect(ocop("id")).toEqual(["ocop-1048-24", "ocop-1048-01"]);
    expect(ocop("vi")).toEqual(["ocop-1048-01", "ocop-1048-24"]);
  });

  it("finds sets without diacritics, in any language's name or product set", () => {
    const ids = (query: string) => groupSets(sets, "id", query).flatMap((g) => g.sets.map((s) => s.id));
    expect(ids("che bien")).toEqual(["ocop-1048-01"]);
    expect(ids("do uong co con")).toEqual(["ocop-1048-24"]);
    expect(ids("anyaman")).toEqual(["ovop-id-seleksi"]);
    expect(ids("OCOP-1048-24")).toEqual(["ocop-1048-24"]);
    expect(ids("kopi luwak")).toEqual([]);
  });

  it("shows a set naming the reserved programme otop with the other programmes: nothing ships for it", () => {
    const thai = { ...sets[0], id: "otop-example", programme: "otop" as const };
    const groups = groupSets([...sets, thai], "en");
    expect(groups.map((g) => g.programme)).toEqual(["ovop", "ocop", "other"]);
    expect(groups.find((g) => g.programme === "other")!.sets.map((s) => s.id)).toEqual(["otop-example"]);
  });
});

describe("needsAttention", () => {
  it("flags a set whose levels do not add up to the declared maximum", () => {
    const flagged = sets.filter(needsAttention).map((s) => s.id);
    expect(flagged).toEqual(["ocop-1048-24"]);
  });
});
