// Council figures as officers read them.
import type { Lang } from "$lib/i18n/index.svelte";
import { formatDecimal } from "$lib/numbers";

/**
 * A council's average with one decimal, or whole when it is: 52.333 -> "52,3" (id, vi), 89 ->
 * "89". Cut, not rounded, so that 69.96 never reads "70,0" beside a star the bands gave 69.96.
 */
export function formatAverage(average: number, lang: Lang): string {
  // The epsilon keeps 52.3 (stored as 52.29999…) from being cut to 52.2.
  return formatDecimal(Math.floor(average * 10 + 1e-9) / 10, lang);
}
