// Where the officer was on each sheet: the last criterion in focus, by assessment id, so that a
// sheet opens there again. Only the latest few sheets are kept.
import { remember, remembered } from "$lib/nav.svelte";

const STORAGE_KEY = "ovop-field.assessment-focus";
const KEEP = 30;

function read(): [string, string][] {
  try {
    const value: unknown = JSON.parse(remembered(STORAGE_KEY) ?? "[]");
    return Array.isArray(value) ? value.filter((e): e is [string, string] => Array.isArray(e) && e.length === 2) : [];
  } catch {
    return [];
  }
}

export function lastFocus(id: string): string | null {
  return read().find(([sheet]) => sheet === id)?.[1] ?? null;
}

export function rememberFocus(id: string, code: string): void {
  const entries = read().filter(([sheet]) => sheet !== id);
  entries.unshift([id, code]);
  remember(STORAGE_KEY, JSON.stringify(entries.slice(0, KEEP)));
}
