/**
 * Folds text for searching: lower case, without diacritics, so that "che bien" finds
 * "Chế biến" and "kerajinan" finds "Kerajinan". `đ` has no decomposition and is mapped by hand.
 */
export function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[đĐ]/g, "d")
    .toLowerCase();
}

/** True when every word of `query` occurs in one of `haystack` (folded). An empty query matches. */
export function matchesQuery(query: string, haystack: string[]): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const folded = fold(haystack.join("\n"));
  return words.every((word) => folded.includes(word));
}
