// The open assessment sheet: the record as the store has it, the changes on their way, and the
// result the Rust engine gave for the last saved change.
//
// A council scores on one sheet each: member 1 is the lead assessor (the assessment's own
// answers), members 2 onwards the others. The screen shows one member's sheet at a time; every
// member keeps their own answers and result, and the council's result (average, divergence)
// comes back with each change. One queue serves every sheet, so changes reach the store in the
// order they were made, whichever sheet they were made on.
//
// Every change goes to the store at once (`assessment_change` saves it before it answers) and
// changes are sent one after the other, never two at a time: the store applies each to the
// answers the previous one left. The sheet shows a change as soon as it is made and then the
// answers the store answers with; a change the store refuses disappears again with the reason.
// Which answers a change takes away is the engine's to say: a change that would stop the sheet
// and clear answers is refused first (`answers.would_stop`, nothing saved), the officer is
// asked, and it is sent again confirmed.
import {
  addCouncilMember,
  changeAssessment,
  correctAssessment,
  finalizeAssessment,
  getAssessment,
  listPhotos,
  recordEvidence,
  removeCouncilMember,
  setAssessmentVisit,
} from "$lib/api";
import type {
  Answers,
  AppError,
  Assessor,
  AssessmentView,
  CouncilResult,
  DraftChange,
  EvidenceDocument,
  Photo,
  Roster,
  ScoreResult,
} from "$lib/bindings";
import { toAppError } from "$lib/errors";

/** How long a note waits after the last key before it is saved. */
export const NOTE_DELAY = 400;

/**
 * `answers` with one change on top (a new object): what the sheet shows while the change is on
 * its way. Display only: once the store answers, its answers replace these.
 */
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

/** One sheet of the assessment: 1 is the lead assessor's, 2 onwards the other members'. */
export type CouncilMember = { member: number; assessor: Assessor };

/** The lead assessor's sheet: the assessment's own answers. */
export const LEAD = 1;

type Pending = { seq: number; member: number; change: DraftChange };
/** A change the store asked about first: it would stop the sheet and clear `codes`. */
export type Stopping = { member: number; change: DraftChange; codes: string[] };
type Note = { member: number; code: string; text: string; timer: ReturnType<typeof setTimeout> };
type Typed = { document: EvidenceDocument; timer: ReturnType<typeof setTimeout> };

function documentKey(document: EvidenceDocument): string {
  return `evidence\u0000${document.kind}\u0000${document.criterion}`;
}

function noteKey(member: number, code: string): string {
  return `${member}\u0000${code}`;
}

export class AssessmentSheet {
  id = $state<string | null>(null);
  view = $state.raw<AssessmentView | null>(null);
  loading = $state(false);
  error = $state.raw<AppError | null>(null);

  /** The sheet on screen (`LEAD`, or a council member's number). */
  member = $state(LEAD);
  /** The council's result as the store last gave it; none with a single assessor. */
  council = $state.raw<CouncilResult | null>(null);

  /** The last change the store refused (shown until the next change is saved). */
  changeError = $state.raw<AppError | null>(null);
  /** A change that stops the sheet and would clear answers, waiting for the officer's yes. */
  stopping = $state.raw<Stopping | null>(null);
  /** Changes made on screen and not yet saved, oldest first, on whichever sheet. */
  pending = $state.raw<Pending[]>([]);
  /** Notes typed and waiting for their pause before they are sent (one key per sheet and criterion). */
  typing = $state.raw<string[]>([]);

  finalizing = $state(false);
  finalizeError = $state.raw<AppError | null>(null);
  correcting = $state(false);
  correctError = $state.raw<AppError | null>(null);
  /** A member is being added or removed. */
  changingMembers = $state(false);
  membersError = $state.raw<AppError | null>(null);

  /**
   * The assessment's photos, loaded once when it is opened (`null` until then): every
   * criterion's strip shows its own slice of this list, so opening a sheet of 35 criteria asks
   * for the photos once, not 35 times.
   */
  photos = $state.raw<Photo[] | null>(null);
  photosError = $state.raw<AppError | null>(null);

  /** The producer's dossier as the officer sees it: the store's, with what is typed on top. */
  evidence = $state.raw<EvidenceDocument[]>([]);
  /** The last document the store refused to record. */
  evidenceError = $state.raw<AppError | null>(null);

  /** Each sheet's answers as the store has them, by member. */
  #saved = $state.raw<Record<number, Answers>>({});
  /** Each sheet's result for its saved answers, by member. */
  #results = $state.raw<Record<number, ScoreResult>>({});
  /** Answers the last saved change made impossible, cleared by the store, and on which sheet. */
  #cleared = $state.raw<{ member: number; codes: string[] }>({ member: LEAD, codes: [] });
  #tail: Promise<unknown> = Promise.resolve();
  #seq = 0;
  #request = 0;
  #notes = new Map<string, Note>();
  #documents = new Map<string, Typed>();

  /** Every sheet in the council's order: the lead assessor first, then the members by number. */
  members = $derived.by((): CouncilMember[] => {
    const view = this.view;
    if (!view) return [];
    const lead = view.assessment.visit.assessors[0] ?? { name: "", title: null, unit: null, role: null };
    return [{ member: LEAD, assessor: lead }, ...view.members.map((m) => ({ member: m.member, assessor: m.assessor }))];
  });

  /** The answers of the sheet on screen: the saved ones with its pending changes on top. */
  answers = $derived.by((): Answers | null => this.answersOf(this.member));

  /** The engine's result for the saved answers of the sheet on screen. */
  get result(): ScoreResult | null {
    return this.#results[this.member] ?? null;
  }

  /** Answers the last saved change on the sheet on screen made impossible (shown until the next). */
  get cleared(): string[] {
    return this.#cleared.member === this.member ? this.#cleared.codes : [];
  }

  get editable(): boolean {
    return this.view?.assessment.status === "draft" && !this.finalizing && !this.changingMembers;
  }

  /** Whether something typed or chosen is not saved yet. */
  get saving(): boolean {
    return this.pending.length > 0 || this.typing.length > 0;
  }

  /** One sheet's answers as the officer sees them: saved, with its pending changes on top. */
  answersOf(member: number): Answers | null {
    const saved = this.#saved[member];
    if (!saved) return null;
    return this.pending.filter((p) => p.member === member).reduce((answers, p) => applyChange(answers, p.change), saved);
  }

  /** Shows another member's sheet; changes on the one left keep going to it. */
  select(member: number): void {
    if (this.members.some((m) => m.member === member)) this.member = member;
  }

  /** Opens an assessment: `view` when the caller already has it (just started), else loads it. */
  async open(id: string, view?: AssessmentView): Promise<void> {
    const request = ++this.#request;
    if (id !== this.id) {
      this.#show(null);
      this.photos = null;
    }
    this.id = id;
    this.error = null;
    if (this.photos === null) void this.loadPhotos();
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

  /** Loads the open assessment's photos (every criterion's at once). */
  async loadPhotos(): Promise<void> {
    const id = this.id;
    if (!id) return;
    this.photosError = null;
    try {
      const photos = await listPhotos("assessment", id);
      if (id === this.id) this.photos = photos;
    } catch (error) {
      if (id === this.id) {
        this.photosError = toAppError(error);
        this.photos = [];
      }
    }
  }

  /** A photo the officer added to the open assessment (once: the same picture twice is one photo). */
  addedPhoto(photo: Photo): void {
    const list = this.photos ?? [];
    if (!list.some((p) => p.sha256 === photo.sha256 && p.criterion === photo.criterion)) this.photos = [...list, photo];
  }

  /** Loads the open assessment again, unless it is already shown (coming back to the screen). */
  async resume(id: string | null): Promise<void> {
    if (!id || (id === this.id && (this.view || this.loading))) return;
    await this.open(id);
  }

  /** Shows `view`, staying on `member`'s sheet when it still has one. */
  #show(view: AssessmentView | null, member = this.member): void {
    for (const { timer } of this.#notes.values()) clearTimeout(timer);
    this.#notes.clear();
    for (const { timer } of this.#documents.values()) clearTimeout(timer);
    this.#documents.clear();
    this.typing = [];
    this.view = view;
    this.evidence = view?.evidence ?? [];
    this.evidenceError = null;
    const saved: Record<number, Answers> = {};
    const results: Record<number, ScoreResult> = {};
    if (view) {
      saved[LEAD] = view.assessment.answers;
      results[LEAD] = view.result;
      for (const sheet of view.members) saved[sheet.member] = sheet.answers;
    }
    this.#saved = saved;
    this.#results = results;
    this.#takeCouncil(view?.council ?? null);
    this.member = view && (member === LEAD || view.members.some((m) => m.member === member)) ? member : LEAD;
    this.pending = [];
    this.changeError = null;
    this.stopping = null;
    this.#cleared = { member: LEAD, codes: [] };
    this.finalizeError = null;
    this.correctError = null;
    this.membersError = null;
  }

  /** The council's result, and from it each member's own (in the council's order). */
  #takeCouncil(council: CouncilResult | null): void {
    this.council = council;
    if (!council) return;
    const members = this.members;
    if (council.members.length !== members.length) return;
    const results = { ...this.#results };
    council.members.forEach((m, i) => (results[members[i].member] = m.result));
    this.#results = results;
  }

  /**
   * Sends one change to the sheet on screen after those already on their way; shows it at once
   * and takes it back if the store refuses it. Resolves when it is saved, refused, or waits for
   * the officer's yes (`stopping`).
   */
  change(change: DraftChange): Promise<void> {
    if (!this.editable) return Promise.resolve();
    return this.#send(this.member, change, false);
  }

  /** The officer said yes: the change that stops the sheet is sent again, confirmed. */
  confirmStop(): Promise<void> {
    const stopping = this.stopping;
    this.stopping = null;
    if (!stopping || !this.editable) return Promise.resolve();
    return this.#send(stopping.member, stopping.change, true);
  }

  /** The officer said no: nothing was saved, nothing is sent. */
  cancelStop(): void {
    this.stopping = null;
  }

  // Not held back by `editable`: notes typed before a finalise or a member change still go out.
  #send(member: number, change: DraftChange, confirmed: boolean): Promise<void> {
    const id = this.id;
    if (!id || this.view?.assessment.status !== "draft") return Promise.resolve();
    const entry: Pending = { seq: ++this.#seq, member, change };
    this.pending = [...this.pending, entry];
    const run = this.#tail.then(async () => {
      try {
        // The lead's sheet is the assessment's own: sent without a member, as before councils.
        const changed = await changeAssessment(id, change, member === LEAD ? null : member, confirmed);
        if (id !== this.id || !this.#saved[member]) return;
        this.#saved = { ...this.#saved, [member]: changed.answers };
        this.#takeCouncil(changed.council ?? null);
        this.#results = { ...this.#results, [member]: changed.result };
        this.#cleared = { member, codes: changed.cleared };
        this.changeError = null;
      } catch (error) {
        if (id !== this.id) return;
        const refused = toAppError(error);
        if (refused.code === "answers.would_stop") {
          const codes = refused.details.flatMap((d) => (d.subject ? [d.subject] : []));
          this.stopping = { member, change, codes };
        } else this.changeError = refused;
      } finally {
        this.pending = this.pending.filter((p) => p.seq !== entry.seq);
      }
    });
    this.#tail = run;
    return run;
  }

  /** A note as it is typed on the sheet on screen: saved after a pause of `NOTE_DELAY`, or at once on `flushNote`. */
  typeNote(code: string, text: string): void {
    if (!this.editable) return;
    const member = this.member;
    const key = noteKey(member, code);
    const waiting = this.#notes.get(key);
    if (waiting) clearTimeout(waiting.timer);
    const timer = setTimeout(() => void this.flushNote(code, member), NOTE_DELAY);
    this.#notes.set(key, { member, code, text, timer });
    if (!this.typing.includes(key)) this.typing = [...this.typing, key];
  }

  /** Sends a note that waits for its pause now (the field lost focus). */
  flushNote(code: string, member = this.member): Promise<void> {
    const key = noteKey(member, code);
    const waiting = this.#notes.get(key);
    if (!waiting) return Promise.resolve();
    clearTimeout(waiting.timer);
    this.#notes.delete(key);
    this.typing = this.typing.filter((k) => k !== key);
    if ((this.answersOf(member)?.notes?.[code] ?? "") === waiting.text) return Promise.resolve();
    return this.#send(member, { kind: "note", code, text: waiting.text }, false);
  }

  /**
   * A document of the dossier as it is filled in: shown at once, recorded after a pause of
   * `NOTE_DELAY` like a note, or at once on `flushEvidence` (a box ticked, a date picked, a field
   * left).
   */
  typeEvidence(document: EvidenceDocument): void {
    if (!this.editable) return;
    const key = documentKey(document);
    const waiting = this.#documents.get(key);
    if (waiting) clearTimeout(waiting.timer);
    const timer = setTimeout(() => void this.flushEvidence(document.kind, document.criterion), NOTE_DELAY);
    this.#documents.set(key, { document, timer });
    this.evidence = this.#withTyped(this.evidence);
    if (!this.typing.includes(key)) this.typing = [...this.typing, key];
  }

  /** Records a document that waits for its pause now. */
  flushEvidence(kind: string, criterion = ""): Promise<void> {
    const key = documentKey({ kind, criterion } as EvidenceDocument);
    const waiting = this.#documents.get(key);
    const id = this.id;
    if (!waiting || !id) return Promise.resolve();
    clearTimeout(waiting.timer);
    this.#documents.delete(key);
    this.typing = this.typing.filter((k) => k !== key);
    // After the changes already on their way, so `settle` (and a finalise) waits for it too.
    const run = this.#tail.then(async () => {
      try {
        const evidence = await recordEvidence(id, waiting.document);
        if (id !== this.id) return;
        this.evidence = this.#withTyped(evidence);
        this.evidenceError = null;
      } catch (error) {
        if (id === this.id) this.evidenceError = toAppError(error);
      }
    });
    this.#tail = run;
    return run;
  }

  /** `evidence` with the documents still waiting to be recorded in place of the store's. */
  #withTyped(evidence: EvidenceDocument[]): EvidenceDocument[] {
    const typed = [...this.#documents.values()].map((t) => t.document);
    const keys = new Set(typed.map(documentKey));
    return [...evidence.filter((d) => !keys.has(documentKey(d))), ...typed];
  }

  /** Waits until every change, note and document made so far, on every sheet, is saved or refused. */
  async settle(): Promise<void> {
    await Promise.all([
      ...[...this.#notes.values()].map((note) => this.flushNote(note.code, note.member)),
      ...[...this.#documents.values()].map(({ document }) => this.flushEvidence(document.kind, document.criterion)),
    ]);
    await this.#tail;
  }

  /** Adds a council member with an empty sheet and shows it. False when refused (`membersError`). */
  async addMember(assessor: Assessor): Promise<boolean> {
    let known = new Set<number>();
    return this.#changeCouncil(
      (id) => {
        known = new Set(this.members.map((m) => m.member));
        return addCouncilMember(id, assessor);
      },
      (view) => view.members.find((m) => !known.has(m.member))?.member,
    );
  }

  /** Removes a member's sheet from the draft. False when refused (`membersError`). */
  async removeMember(member: number): Promise<boolean> {
    if (member === LEAD) return false;
    return this.#changeCouncil((id) => removeCouncilMember(id, member));
  }

  /**
   * Records the council as appointed (its chair and the members absent) on the draft; the view
   * comes back with the quorum counted. False when refused (`membersError`).
   */
  async setRoster(roster: Roster): Promise<boolean> {
    const visit = this.view?.assessment.visit;
    if (!visit) return false;
    return this.#changeCouncil((id) => setAssessmentVisit(id, { ...visit, roster }));
  }

  /**
   * One change to the draft's council, once the changes on their way are saved: the view the
   * store answers with is shown (on the member `shown` names, else the one shown now). False
   * when refused (`membersError`).
   */
  async #changeCouncil(
    step: (id: string) => Promise<AssessmentView>,
    shown?: (view: AssessmentView) => number | undefined,
  ): Promise<boolean> {
    const id = this.id;
    if (!id || !this.editable) return false;
    this.changingMembers = true;
    this.membersError = null;
    try {
      await this.settle();
      const view = await step(id);
      if (id === this.id) this.#show(view, shown?.(view));
      return true;
    } catch (error) {
      if (id === this.id) this.membersError = toAppError(error);
      return false;
    } finally {
      this.changingMembers = false;
    }
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
