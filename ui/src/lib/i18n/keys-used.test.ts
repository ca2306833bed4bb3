/// <reference types="node" />
// Every key a source file asks for with t("...") or tn("...") must exist in id.json (the
// reference catalogue; the catalogue test then makes sure en and vi have it too). The types
// catch most of this already; this test also catches keys in casts and in untyped code.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import id from "./id.json";

// This file is src/lib/i18n/keys-used.test.ts: the sources are two folders up.
const SRC = join(__dirname, "..", "..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(svelte|ts)$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });
}

const CALL = /\b(t|tn)\(\s*(["'`])([^"'`$]+)\2/g;

describe("translation keys used in the sources", () => {
  const files = sourceFiles(SRC);
  const uses = files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(CALL)].map((m) => ({ file: relative(SRC, file), fn: m[1], key: m[3] })),
  );

  it("finds the calls it is meant to check", () => {
    expect(files.length).toBeGreaterThan(10);
    expect(uses.length).toBeGreaterThan(50);
  });

  it("finds every key in id.json", () => {
    const catalogue = id as Record<string, string>;
    const missing = uses
      .filter(({ fn, key }) => (fn === "tn" ? !(`${key}_one` in catalogue && `${key}_other` in catalogue) : !(key in catalogue)))
      .map(({ file, fn, key }) => `${file}: ${fn}("${key}")`);
    expect(missing).toEqual([]);
  });
});
