// The history of one product: every assessment of it at its latest revision, oldest first.
// Loaded again each time the screen is shown, so a correction made meanwhile is in it; the
// rounds already shown stay on screen while the product's history reloads.
import { getAssessment, listAssessments } from "$lib/api";
import type { AppError, AssessmentView } from "$lib/bindings";
import { toAppError } from "$lib/errors";
import { chronological } from "./compare";

export class ProductHistory {
  productId = $state<string | null>(null);
  /** The product's assessments, oldest round first; `null` until loaded. */
  rounds = $state.raw<AssessmentView[] | null>(null);
  loading = $state(false);
  error = $state.raw<AppError | null>(null);

  #request = 0;

  async open(productId: string): Promise<void> {
    const request = ++this.#request;
    if (productId !== this.productId) this.rounds = null;
    this.productId = productId;
    this.error = null;
    this.loading = true;
    try {
      const summaries = await listAssessments(null, productId);
      const views = await Promise.all(summaries.map((summary) => getAssessment(summary.id, null)));
      if (request === this.#request) this.rounds = chronological(views);
    } catch (error) {
      if (request === this.#request) this.error = toAppError(error);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }
}
