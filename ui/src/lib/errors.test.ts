import { describe, expect, it } from "vitest";
import { errorMessageKey, toAppError } from "./errors";

describe("toAppError", () => {
  it("keeps an AppError from the Rust side as it is", () => {
    expect(toAppError({ code: "criteria.not_found", message: "criteria set x 1 is not installed" })).toEqual({
      code: "criteria.not_found",
      message: "criteria set x 1 is not installed",
      details: [],
    });
  });

  it("turns anything else into `unexpected`, never a stack trace on screen", () => {
    expect(toAppError(new Error("boom")).code).toBe("unexpected");
    expect(toAppError("command criteria_list not found").code).toBe("unexpected");
  });
});

describe("errorMessageKey", () => {
  it("knows criteria.not_found, store.locked and the codes that were once untranslated, and nothing it has no words for", () => {
    expect(errorMessageKey("criteria.not_found")).toBe("error.criteria.not_found");
    expect(errorMessageKey("store.locked")).toBe("error.store.locked");
    expect(errorMessageKey("sync.not_enrolled")).toBe("error.sync.not_enrolled");
    expect(errorMessageKey("sync.protocol_version")).toBe("error.sync.protocol_version");
    expect(errorMessageKey("store.no_backup")).toBe("error.store.no_backup");
    expect(errorMessageKey("store.no_such_code")).toBeUndefined();
    expect(errorMessageKey("generic")).toBeUndefined();
  });
});
