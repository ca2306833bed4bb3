// The officer's choice of language, kept twice: in localStorage, read synchronously before the
// first screen paints (no flash of Indonesian for an English reader), and in the store's
// settings, the one that counts: it survives a cleared web view.
import { getSettings, setSetting } from "$lib/api";
import { isLang, lang, setLang, type Lang } from "./index.svelte";

export const LANG_SETTING = "lang";

/** How many times the officer picked a language: a stored one read meanwhile must not undo it. */
let picks = 0;

/** Switches the interface to `next` and keeps the choice; rejects when it could not be stored. */
export async function chooseLang(next: Lang): Promise<void> {
  picks++;
  setLang(next);
  await setSetting(LANG_SETTING, next);
}

/** At start: the language in the settings, unless the officer chose one while it was read. */
export async function applySavedLang(): Promise<void> {
  const before = picks;
  let saved: string | undefined;
  try {
    saved = (await getSettings())[LANG_SETTING];
  } catch {
    // The store is not readable yet: the localStorage choice stands.
    return;
  }
  if (picks === before && isLang(saved) && saved !== lang()) setLang(saved);
}
