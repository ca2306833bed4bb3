import { describe, expect, it } from "vitest";
import { OCOP_TEA, OVOP, resultOf, scored } from "../assessment/testing";
import { chronological, compareCodes, comparable, revisionChanges, roundDate, signed, tableRows } from "./compare";
import { OVOP_2025, round } from "./testing";

describe("history: the rounds in order", () => {
  it("orders the rounds by visit date, oldest first, whatever order the store lists them in", () => {
    const rounds = [
      round(OVOP, "a-2025", "2025-03-11", resultOf(OVOP)),
      round(OVOP, "a-2023", "2023-08-14", resultOf(OVOP)),
      round(OVOP, "a-2024", "2024-09-02", resultOf(OVOP)),
    ];
    expect(chronological(rounds).map((v) => v.assessment.id)).toEqual(["a-2023", "a-2024", "a-2025"]);
  });

  it("dates a round without a visit date by the day it was locked, else the day it was started", () => {
    const locked = round(OVOP, "a-locked", null, resultOf(OVOP), { finalizedAt: "2024-01-05T09:00:00Z" });
    const started = round(OVOP, "a-started", null, resultOf(OVOP), { status: "draft" });
    expect(roundDate(locked)).toBe("2024-01-05");
    expect(roundDate(started)).toBe(started.assessment.created_at.slice(0, 10));
    const visited = round(OVOP, "a-visited", "2025-02-01", resultOf(OVOP));
    expect(chronological([started, visited, locked]).map((v) => v.assessment.id)).toEqual(["a-locked", "a-visited", "a-started"]);
  });

  it("reads codes the way the sheet numbers them", () => {
    expect(["10", "1.10", "6.2.3", "1.2", "7", "9", "1.1"].sort(compareCodes)).toEqual(["1.1", "1.2", "1.10", "6.2.3", "7", "9", "10"]);
  });

  it("sets rounds against each other only under the same criteria set, any version", () => {
    const old = round(OVOP, "a-1", "2023-01-01", resultOf(OVOP));
    expect(comparable(old, round(OVOP_2025, "a-2", "2024-01-01", resultOf(OVOP_2025)))).toBe(true);
    expect(comparable(old, round(OCOP_TEA, "a-3", "2024-01-01", resultOf(OCOP_TEA)))).toBe(false);
    expect(comparable(undefined, old)).toBe(false);
  });
});

describe("history: the rows of the table", () => {
  it("lists every criterion code of every set once, by code under its part", () => {
    const rows = tableRows([round(OVOP, "a-2024", "2024-01-01", resultOf(OVOP)), round(OVOP_2025, "a-2025", "2025-01-01", resultOf(OVOP_2025))]);
    expect(rows.map((p) => p.code)).toEqual(["A", "B", "C"]);
    expect(rows[0].criteria.map((c) => c.code)).toEqual(["1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "3.1", "3.2", "3.3", "3.4"]);
    // The newest set's wording wins for a code both sets have.
    expect(rows[0].criteria.find((c) => c.code === "3.4")?.text.id).toBe("Kemasan ramah lingkungan");
  });

  it("names a criterion that is its whole section by the section", () => {
    const rows = tableRows([round(OCOP_TEA, "a-tea", "2024-01-01", resultOf(OCOP_TEA))]);
    const seven = rows.flatMap((p) => p.criteria).find((c) => c.code === "7")!;
    const section = OCOP_TEA.parts.flatMap((p) => p.sections).find((s) => s.code === "7")!;
    expect(seven.text).toEqual(section.name);
  });
});

describe("history: what a correction changed", () => {
  it("lists the criteria whose level changed, in sheet order, with the change in points", () => {
    const before = round(OVOP, "a-1", "2024-09-02", resultOf(OVOP, { "1.1": scored(2), "3.3": scored(1), "4.2": scored(2), "5.3": scored(3) }), {
      revision: 1,
    });
    const after = round(OVOP, "a-1", "2024-09-02", resultOf(OVOP, { "1.1": scored(2), "3.3": { status: "not_applicable", because: "" }, "4.2": scored(3), "5.3": scored(1) }), {
      revision: 2,
      reason: "Salah ketik",
    });
    const changes = revisionChanges(before, after);
    expect(changes.map((c) => c.code)).toEqual(["3.3", "4.2", "5.3"]);
    expect(changes.map((c) => c.delta)).toEqual([null, 1, -2]);
    expect(changes[0].after).toEqual({ status: "not_applicable", because: "" });
    expect(changes[1].criterion?.code).toBe("4.2");
  });

  it("finds nothing when the revisions score alike", () => {
    const result = resultOf(OVOP, { "1.1": scored(2) });
    expect(revisionChanges(round(OVOP, "a-1", null, result), round(OVOP, "a-1", null, result, { revision: 2 }))).toEqual([]);
  });

  it("writes a change with its sign, a true minus for a drop", () => {
    expect([signed(2), signed(-1), signed(0)]).toEqual(["+2", "\u22121", "0"]);
  });
});
