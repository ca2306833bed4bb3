import type { SetSummary } from "$lib/bindings";
import { fixtureList } from "$lib/fixtures";
import { describe, expect, it } from "vitest";
import { compareVersions, currentSet, standingOn } from "./inForce";

const [ovop, tea] = fixtureList().sets;

function dated(id: string, version: string, from: string | null, until: string | null, base: SetSummary = tea): SetSummary {
  return { ...base, id, version, effective_from: from, effective_until: until };
}

describe("standingOn", () => {
  const sheet = { effective_from: "2019-08-21", effective_until: "2023-02-24" };

  it("counts the from day in and the until day out", () => {
    expect(standingOn(sheet, "2019-08-20")).toEqual({ state: "not_yet", from: "2019-08-21" });
    expect(standingOn(sheet, "2019-08-21")).toEqual({ state: "in_force" });
    expect(standingOn(sheet, "2023-02-23")).toEqual({ state: "in_force" });
    expect(standingOn(sheet, "2023-02-24")).toEqual({ state: "ended", until: "2023-02-24" });
    expect(standingOn(sheet, "2026-11-20T09:00:00Z")).toEqual({ state: "ended", until: "2023-02-24" });
  });

  it("never calls a set expired on an unknown or unreadable date", () => {
    expect(standingOn({ effective_from: null, effective_until: null }, "2026-11-20")).toEqual({ state: "in_force" });
    expect(standingOn({ effective_from: "2021-04-01", effective_until: null }, "2099-01-01")).toEqual({ state: "in_force" });
    expect(standingOn({ effective_from: null, effective_until: "24/02/2023" }, "2026-11-20")).toEqual({ state: "in_force" });
    expect(standingOn({ effective_from: null, effective_until: "2023-02-30" }, "2026-11-20")).toEqual({ state: "in_force" });
    expect(standingOn(sheet, "")).toEqual({ state: "in_force" });
  });
});

describe("currentSet", () => {
  const old = dated("ocop-1048-01", "781-2020", "2019-08-21", "2023-02-24");
  const next = dated("ocop-148-01", "2023.1", "2023-02-24", null);
  const future = dated("ocop-2026-01", "2026.1", "2027-01-01", null);

  it("is the set of the group in force on the day, the latest from first", () => {
    const sets = [old, next, future, ovop];
    expect(currentSet(sets, "ocop", "01", "2023-02-23")?.id).toBe("ocop-1048-01");
    expect(currentSet(sets, "ocop", "01", "2023-02-24")?.id).toBe("ocop-148-01");
    expect(currentSet(sets, "ocop", "01", "2027-01-01")?.id).toBe("ocop-2026-01");
  });

  it("takes the highest version when two begin on the same day, and a dated set over an undated one", () => {
    const sets = [dated("ocop-148-01", "2023.9", "2023-02-24", null), dated("ocop-148-01", "2023.10", "2023-02-24", null), old];
    expect(currentSet(sets, "ocop", "01", "2026-11-20")?.version).toBe("2023.10");
    const undated = dated("ocop-local-01", "9", null, null);
    expect(currentSet([undated, next], "ocop", "01", "2026-11-20")?.id).toBe("ocop-148-01");
  });

  it("is none when only expired sheets, another group's or another programme's are installed", () => {
    expect(currentSet([old], "ocop", "01", "2026-11-20")).toBeNull();
    expect(currentSet([old, next], "ocop", "24", "2026-11-20")).toBeNull();
    expect(currentSet([old, next], "ovop", "01", "2026-11-20")).toBeNull();
  });
});

describe("compareVersions", () => {
  it("reads runs of digits as numbers", () => {
    expect(compareVersions("2023.10", "2023.9")).toBe(1);
    expect(compareVersions("2023.1", "2023.1")).toBe(0);
    expect(compareVersions("2023.1", "2023.1.1")).toBe(-1);
    expect(compareVersions("v2", "v10")).toBe(-1);
    expect(compareVersions("1-b", "1-a")).toBe(1);
    expect(compareVersions("010", "10")).toBe(1);
  });
});
