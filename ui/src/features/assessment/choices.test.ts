import type { Criterion } from "$lib/bindings";
import { describe, expect, it } from "vitest";
import { clearedByStop } from "./choices";
import { OCOP_TEA } from "./testing";
import { setCriteria } from "../criteria/sheet";

const criteria = setCriteria(OCOP_TEA);
const order = criteria.map((c) => c.code);
const byCode = new Map(criteria.map((c) => [c.code, c]));

/** The sheet's criteria with 2.1's knock-out made one that a level of at most `points` triggers. */
function withLowLevelStop(points: number): Map<string, Criterion> {
  const map = new Map(byCode);
  const c = map.get("2.1")!;
  map.set("2.1", { ...c, knockout: { trigger: { when: "points_at_most", points }, effect: "stop", text: { id: "Stop" } } });
  return map;
}

describe("clearedByStop", () => {
  const answers = { "1.1": 2, "2.2": 1, "3.1": "na" as const, "10": 3 };

  it("names the levels after an observed stop knock-out, not the ones before it nor 'not applicable'", () => {
    expect(clearedByStop(order, byCode, answers, { kind: "knockout", code: "6.1.1", observed: true })).toEqual(["10"]);
  });

  it("names nothing when the knock-out is lifted, only disqualifies, or is a note", () => {
    expect(clearedByStop(order, byCode, answers, { kind: "knockout", code: "6.1.1", observed: false })).toEqual([]);
    expect(clearedByStop(order, byCode, answers, { kind: "knockout", code: "1.1", observed: true })).toEqual([]);
    expect(clearedByStop(order, byCode, answers, { kind: "note", code: "6.1.1", text: "x" })).toEqual([]);
  });

  it("names every level for a failed gate, nothing for a met or cleared one", () => {
    expect(clearedByStop(order, byCode, answers, { kind: "gate", code: "G1", met: false })).toEqual(["1.1", "2.2", "10"]);
    expect(clearedByStop(order, byCode, answers, { kind: "gate", code: "G1", met: true })).toEqual([]);
    expect(clearedByStop(order, byCode, answers, { kind: "gate", code: "G1", met: null })).toEqual([]);
  });

  it("names the levels after a level low enough to trigger a stop, not after a higher one", () => {
    const map = withLowLevelStop(1);
    const low = map.get("2.1")!.levels.findIndex((l) => l.points <= 1) + 1;
    const high = map.get("2.1")!.levels.findIndex((l) => l.points > 1) + 1;
    expect(clearedByStop(order, map, answers, { kind: "answer", code: "2.1", answer: low })).toEqual(["2.2", "10"]);
    expect(clearedByStop(order, map, answers, { kind: "answer", code: "2.1", answer: high })).toEqual([]);
    expect(clearedByStop(order, map, answers, { kind: "answer", code: "2.1", answer: "na" })).toEqual([]);
  });
});
