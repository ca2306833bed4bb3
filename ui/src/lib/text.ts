import type { Text } from "$lib/bindings";

export type PickedText = {
  text: string;
  /** Set only when the text is not in the reader's language: goes into a `lang` attribute. */
  lang: string | undefined;
};

/**
 * A criteria-set text in the reader's language, else in the set's own language, else in any
 * language it has (the same order as `Text::get` on the Rust side).
 */
export function pickText(text: Text | null | undefined, uiLang: string, setLang: string): PickedText {
  if (!text) return { text: "", lang: undefined };
  const order = [uiLang, setLang, ...Object.keys(text)];
  for (const code of order) {
    const value = text[code];
    if (value !== undefined && value.trim() !== "") {
      return { text: value, lang: code === uiLang ? undefined : code };
    }
  }
  return { text: "", lang: undefined };
}

export function isBlank(text: Text | null | undefined): boolean {
  return !text || Object.values(text).every((value) => value.trim() === "");
}
