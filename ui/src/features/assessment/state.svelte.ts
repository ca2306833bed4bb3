// The open assessment sheet: the record as the store has it, the changes on their way, and the
// result the Rust engine gave for the last saved change.
//
// Every change goes to the store at once (`assessment_change` saves it before it answers) and
// changes are sent one after the other, never two at a time: the store applies each to the
// answers the previous one left. The sheet shows a change as soon as it is made; a change the
// store refuses disappears again with the reason.
import { changeAssessment, correctAssessment, finalizeAssessment, getAssessment } from "$lib/api";
import type { Answers, AppError, AssessmentView, DraftChange, ScoreResult } from "$lib/bindings";
import { toAppError } from "$lib/errors";

/** How long a note waits after the last key before it is saved. */
export const NOTE_DELAY = 400;

/** `answers` with one change applied, as the store applies it (a new object; display only). */
export function applyChange(answers: Answers, change: DraftChange): Answers {
  switch (change.kind) {
    case "answer": {
      const next = { ...answers.answers };
      if (change.answer === null) delete next[change.code];
      else next[change.code] = change.answer;
      return { ...answers, answers: next };
    }
    case "note": {
      const notes = { ...answers.notes };
      if (change.text.trim() === "") delete notes[change.code];
      else notes[change.code] = change.text;
      return { ...answers, notes };
    }
    case "knockout": {
      const knockouts = (answers.knockouts ?? []).filter((code) => code !== change.code);
      if (change.observed) knockouts.push(change.code);
      return { ...answers, knockouts };
    }
    case "gate": {
      const gates = { ...answers.gates };
      if (change.met === null) delete gates[change.code];
      else gates[change.code] = change.met;
      return { ...answers, gates };
    }
  }
}

type Pending = { seq: number; change: DraftChange };

export class AssessmentSheet {
  id = $state<string | null>(null);
  view = $state.raw<AssessmentView | null>(null);
  /** The engine's result for the answers the store has. */
  result = $state.raw<ScoreResult | null>(null);
  loading = $state(false);
  error = $state.raw<AppError | null>(null);

  /** Answers the last saved change made impossible, cleared by the store (shown until the next). */
  cleared = $state.raw<string[]>([]);
  /** The last change the store refused (shown until the next change is saved). */
  changeError = $state.raw<AppError | null>(null);
  /** Changes made on screen and not yet saved, oldest first. */
  pending = $state.raw<Pending[]>([]);
  /** Notes typed and waiting for their pause before they are sent. */
  typing = $state.raw<string[]>([]);

  finalizing = $state(false);
  finalizeError = $state.raw<AppError | null>(null);
  correcting = $state(false);
  correctError = $state.raw<AppError | null>(null);

  /** The answers as the store has them. */
  #saved = $state.raw<Answers | null>(null);
  #tail: Promise<unknown> = Promise.resolve();
  #seq = 0;
  #request = 0;
  #noteTimers = new Map<string, { timer: ReturnType<typeof setTimeout>; text: string }>();

  /** The answers as the officer sees them: the saved ones with the pending changes on top. */
  answers = $derived.by((): Answers | null => {
    const saved = this.#saved;
    if (!saved) return null;
    return this.pending.reduce((answers, p) => applyChange(answers, p.change), saved);
  });

  get editable(): boolean {
    return this.view?.assessment.status === "draft" && !this.finalizing;
  }

  /** Whether something typed or chosen is not saved yet. */
  get saving(): boolean {
    return this.pending.length > 0 || this.typing.length > 0;
  }

  /** Opens an assessment: `view` when the caller already has it (just started), else loads it. */
  async open(id: string, view?: AssessmentView): Promise<void> {
    const request = ++this.#request;
    if (id !== this.id) this.#show(null);
    this.id = id;
    this.error = null;
    if (view) {
      this.#show(view);
      return;
    }
    this.loading = true;
    try {
      const loaded = await getAssessment(id);
      if (request === this.#request) this.#show(loaded);
    } catch (error) {
      if (request === this.#request) this.error = toAppError(error);
    } finally {
      if (request === this.#request) this.loading = false;
    }
  }

  /** Loads the open assessment again, unless it is already shown (coming back to the screen). */
  async resume(id: string | null): Promise<void> {
    if (!id || (id === this.id && (this.view || this.loading))) return;
    await this.open(id);
  }

  #show(view: AssessmentView | null): void {
    for (const { timer } of this.#noteTimers.values()) clearTimeout(timer);
    this.#noteTimers.clear();
    this.typing = [];
    this.view = view;
    this.result = view?.result ?? null;
    this.#saved = view?.assessment.answers ?? null;
    this.pending = [];
    this.changeError = null;
    this.cleared = [];
    this.finalizeError = null;
    this.correctError = null;
  }

  /**
   * Sends one change after those already on their way; shows it at once and takes it back if
   * the store refuses it. Resolves when it is saved or refused.
   */
  change(change: DraftChange): Promise<void> {
    const id = this.id;
    if (!id || !this.editable) return Promise.resolve();
    const entry: Pending = { seq: ++this.#seq, change };
    this.pending = [...this.pending, entry];
    const run = this.#tail.then(async () => {
      try {
        const changed = await changeAssessment(id, change);
        if (id !== this.id || !this.#saved) return;
        let saved = applyChange(this.#saved, change);
        if (changed.cleared.length > 0) {
          const answers = { ...saved.answers };
          for (const code of changed.cleared) delete answers[code];
          saved = { ...saved, answers };
        }
        this.#saved = saved;
        this.result = changed.result;
        this.cleared = changed.cleared;
        this.changeError = null;
      } catch (error) {
        if (id === this.id) this.changeError = toAppError(error);
      } finally {
        this.pending = this.pending.filter((p) => p.seq !== entry.seq);
      }
    });
    this.#tail = run;
    return run;
  }

  /** A note as it is typed: saved after a pause of `NOTE_DELAY`, or at once on `flushNote`. */
  typeNote(code: string, text: string): void {
    if (!this.editable) return;
    const waiting = this.#noteTimers.get(code);
    if (waiting) clearTimeout(waiting.timer);
    const timer = setTimeout(() => void this.flushNote(code), NOTE_DELAY);
    this.#noteTimers.set(code, { timer, text });
    if (!this.typing.includes(code)) this.typing = [...this.typing, code];
  }

  /** Sends a note that waits for its pause now (the field lost focus). */
  flushNote(code: string): Promise<void> {
    const waiting = this.#noteTimers.get(code);
    if (!waiting) return Promise.resolve();
    clearTimeout(waiting.timer);
    this.#noteTimers.delete(code);
    this.typing = this.typing.filter((c) => c !== code);
    if ((this.answers?.notes?.[code] ?? "") === waiting.text) return Promise.resolve();
    return this.change({ kind: "note", code, text: waiting.text });
  }

  /** Waits until every change and note made so far is saved or refused. */
  async settle(): Promise<void> {
    await Promise.all([...this.#noteTimers.keys()].map((code) => this.flushNote(code)));
    await this.#tail;
  }

  /** Locks the sheet once every change is saved. False when it was refused (`finalizeError`). */
  async finalize(): Promise<boolean> {
    const id = this.id;
    if (!id || this.finalizing) return false;
    this.finalizing = true;
    this.finalizeError = null;
    try {
      await this.settle();
      const view = await finalizeAssessment(id);
      if (id === this.id) this.#show(view);
      return true;
    } catch (error) {
      if (id === this.id) this.finalizeError = toAppError(error);
      return false;
    } finally {
      this.finalizing = false;
    }
  }

  /** Starts a correction of a final sheet: a new draft revision. False when refused (`correctError`). */
  async correct(reason: string): Promise<boolean> {
    const id = this.id;
    if (!id || this.correcting) return false;
    this.correcting = true;
    this.correctError = null;
    try {
      const view = await correctAssessment(id, reason.trim());
      if (id === this.id) this.#show(view);
      return true;
    } catch (error) {
      if (id === this.id) this.correctError = toAppError(error);
      return false;
    } finally {
      this.correcting = false;
    }
  }
}
