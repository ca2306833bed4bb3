// The only place the UI talks to the Rust side. Components call these typed functions, never
// `invoke`, so tests can replace this module with `vi.mock("$lib/api")`.
//
// Outside Tauri (a plain browser on `npm run dev`) there is no IPC: the functions answer from
// the fixtures instead, so the screens can be developed and screenshotted in a browser.
import { getVersion } from "@tauri-apps/api/app";
import { invoke, type InvokeArgs, type InvokeOptions } from "@tauri-apps/api/core";
import type {
  Assessor,
  AssessmentSummary,
  AssessmentView,
  BackupInfo,
  Restored,
  RestorePreview,
  Written,
  CriteriaImport,
  CriteriaList,
  CriteriaSetView,
  DataInfo,
  DraftChange,
  EvidenceDocument,
  HomeCounts,
  Moved,
  Photo,
  PhotoBudget,
  PulledPhoto,
  Producer,
  Product,
  ProductHit,
  RecordHistory,
  BundleFile,
  ReceiptApplied,
  Region,
  Countries,
  Relocation,
  SheetKind,
  Changed,
  Visit,
  SyncStatus,
  EnrolWith,
  OutboxRow,
  ReviewDecision,
  AwardView,
  Action,
  CoachingAction,
  CoachingVisit,
  DueAction,
  PlanView,
  StepView,
} from "$lib/bindings";
import { today } from "$lib/day";
import { toAppError } from "$lib/errors";
import { version as packageVersion } from "../../package.json";

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Rejections always carry an AppError (`{code, message}`), whatever went wrong. */
async function call<T>(command: string, args?: InvokeArgs, options?: InvokeOptions): Promise<T> {
  try {
    return await invoke<T>(command, args, options);
  } catch (error) {
    throw toAppError(error);
  }
}

/** The fixture modules, loaded only in a plain browser (a separate chunk of the build). */
async function fixtures() {
  const [records, assessments, settings] = await Promise.all([
    import("$lib/fixtures/records"),
    import("$lib/fixtures/assessments"),
    import("$lib/fixtures/settings"),
  ]);
  return { ...records, ...assessments, ...settings };
}

/** Runs `fixture` in a plain browser, the command in Tauri; both reject with an AppError. */
async function answer<T>(fixture: (f: Awaited<ReturnType<typeof fixtures>>) => T | Promise<T>, command: string, args?: InvokeArgs): Promise<T> {
  if (!inTauri()) {
    try {
      return await fixture(await fixtures());
    } catch (error) {
      throw toAppError(error);
    }
  }
  return call<T>(command, args);
}

export async function appVersion(): Promise<string> {
  if (!inTauri()) return packageVersion;
  try {
    return await getVersion();
  } catch {
    return packageVersion;
  }
}

// ---- Criteria --------------------------------------------------------------------------------

export async function listCriteria(): Promise<CriteriaList> {
  if (!inTauri()) {
    const { fixtureList } = await import("$lib/fixtures");
    return fixtureList();
  }
  return call<CriteriaList>("criteria_list");
}

export async function getCriteria(id: string, version: string): Promise<CriteriaSetView> {
  if (!inTauri()) {
    const { fixtureView } = await import("$lib/fixtures");
    const view = fixtureView(id, version);
    if (!view) throw { code: "criteria.not_found", message: `criteria set ${id} ${version} is not installed` };
    return view;
  }
  return call<CriteriaSetView>("criteria_get", { id, version });
}

/**
 * Reads a criteria file (.xlsx, .csv or .json) the officer picked: every finding with its sheet,
 * row and column, and the set installed (and listed from now on) when no finding is an error.
 */
export function importCriteriaFile(path: string): Promise<CriteriaImport> {
  return answer(() => {
    throw { code: "app.browser_preview", message: "importing needs the app", details: [] };
  }, "criteria_import_file", { path });
}

/** The system's file picker for a criteria sheet; null when closed (or outside the app). */
export async function pickCriteriaFile(title: string): Promise<string | null> {
  if (!inTauri()) return null;
  const { open } = await import("@tauri-apps/plugin-dialog");
  const chosen = await open({
    directory: false,
    multiple: false,
    title,
    filters: [{ name: "XLSX, CSV, JSON", extensions: ["xlsx", "csv", "json"] }],
  });
  return typeof chosen === "string" ? chosen : null;
}

// ---- Home ------------------------------------------------------------------------------------

export function homeCounts(): Promise<HomeCounts> {
  return answer((f) => f.homeCounts(), "home_counts");
}

// ---- Regions ---------------------------------------------------------------------------------

/** Regions whose name matches `query` (diacritics and case ignored), broadest level first. */
export function searchRegions(query: string, limit = 50): Promise<Region[]> {
  return answer((f) => f.searchRegions(query, limit), "regions_search", { query, limit });
}

/** The children of a region; `null` gives the provinces. */
export function regionChildren(code: string | null): Promise<Region[]> {
  return answer((f) => f.regionChildren(code), "regions_children", { code });
}

export function getRegion(code: string): Promise<Region> {
  return answer((f) => f.getRegion(code), "region_get", { code });
}

/** The countries the officer works in, whether they chose them, and the regions imported of each. */
export function regionCountries(): Promise<Countries> {
  return answer((f) => f.regionCountries(), "regions_countries");
}

/**
 * Chooses the countries the officer works in (`ID`, `VN` or both) and imports the regions of
 * those the laptop lacks (Vietnam takes about a second, Indonesia several). Refused with
 * `region.countries` for none or an unknown country.
 */
export function chooseCountries(countries: string[]): Promise<Countries> {
  return answer((f) => f.chooseCountries(countries), "regions_choose_countries", { countries });
}

/** Producers registered under a unit that ceased on 1 July 2025, with the units they may move to. */
export function regionRelocations(): Promise<Relocation[]> {
  return answer((f) => f.regionRelocations(), "regions_relocations");
}

/**
 * Moves a producer under an old unit to one of its successors (an edit that travels to the
 * office; the history keeps the old unit). Refused with `region.not_successor` or
 * `region.no_successor`.
 */
export function relocateProducer(id: string, code: string): Promise<Producer> {
  return answer((f) => f.relocateProducer(id, code), "producer_relocate", { id, code });
}

// ---- Producers and products ------------------------------------------------------------------

/** Producers in a region's subtree (a province, regency, district or village), or all. */
export function listProducers(region: string | null): Promise<Producer[]> {
  return answer((f) => f.listProducers(region), "producers_list", { region });
}

export function getProducer(id: string): Promise<Producer> {
  return answer((f) => f.getProducer(id), "producer_get", { id });
}

/** Creates the producer when its id is "", updates it otherwise. Returns the id. */
export function saveProducer(producer: Producer): Promise<string> {
  return answer((f) => f.saveProducer(producer), "producer_save", { producer });
}

/** Deletes a producer that has no products; its deletion travels to the office. */
export function deleteProducer(id: string): Promise<void> {
  return answer((f) => f.deleteProducer(id), "producer_delete", { id });
}

/** Deletes a product never assessed; its deletion travels to the office. */
export function deleteProduct(id: string): Promise<void> {
  return answer((f) => f.deleteProduct(id), "product_delete", { id });
}

/** A producer's or product's changes as the office last told, and those waiting to travel. */
export function recordHistory(kind: "producer" | "product", id: string): Promise<RecordHistory> {
  return answer((f) => f.recordHistory(kind, id), "record_history", { kind, id });
}

export function listProducts(producerId: string): Promise<Product[]> {
  return answer((f) => f.listProducts(producerId), "products_list", { producerId });
}

/** Creates the product when its id is "", updates it otherwise. Returns the id. */
export function saveProduct(product: Product): Promise<string> {
  return answer((f) => f.saveProduct(product), "product_save", { product });
}

/** Products by name, brand, SKU or producer, optionally in a region's subtree. */
export function searchProducts(query: string, region: string | null): Promise<ProductHit[]> {
  return answer((f) => f.searchProducts(query, region), "products_search", { query, region });
}

// ---- Photos ----------------------------------------------------------------------------------

export type PhotoOwner = "product" | "producer" | "assessment" | "coaching_visit";

export function listPhotos(ownerKind: PhotoOwner, ownerId: string): Promise<Photo[]> {
  return answer((f) => f.listPhotos(ownerKind, ownerId), "photos_list", { ownerKind, ownerId });
}

/**
 * Adds a photo from a file the officer picked. The bytes go as the raw request body (no JSON,
 * no base64); the owner and the file name travel in headers. The Rust side checks the image
 * and refuses it with `photo.unreadable`, `photo.unsupported` or `photo.too_large`.
 *
 * An assessment's photo may be evidence for one criterion (`criterion`, a code such as "2.2";
 * "" for the whole sheet); the store refuses it with `store.locked` once the sheet is final.
 */
export async function addPhoto(ownerKind: PhotoOwner, ownerId: string, file: File, criterion = ""): Promise<Photo> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    throw { ...toAppError(error), code: "photo.unreadable" };
  }
  if (!inTauri()) return answer((f) => f.addPhoto(ownerKind, ownerId, file, bytes, criterion), "photo_add");
  return call<Photo>("photo_add", bytes, {
    headers: { "owner-kind": ownerKind, "owner-id": ownerId, "file-name": encodeURIComponent(file.name), criterion },
  });
}

// ---- Assessments -----------------------------------------------------------------------------

/** Starts a draft of a product with an installed criteria set (frozen into the record). */
export function startAssessment(productId: string, criteriaId: string, version: string, visit: Visit): Promise<AssessmentView> {
  return answer((f) => f.startAssessment(productId, criteriaId, version, visit), "assessment_start", {
    productId,
    criteriaId,
    version,
    visit,
  });
}

/** An assessment as it stands (its latest revision), or its revision `revision`. */
export function getAssessment(id: string, revision: number | null = null): Promise<AssessmentView> {
  return answer((f) => f.getAssessment(id, revision), "assessment_get", { id, revision });
}

/**
 * One change on a draft. Resolves once the store has saved it, with the engine's result and the
 * answers the change made impossible (cleared in the same write: 5.2 when 5.1 drops to 0).
 * `member` 2 onwards changes that council member's sheet (`null` or 1: the lead assessor's), and
 * the answer carries the council's result as it now stands. A change the engine refuses is not
 * stored (`answers.invalid`, one detail per criterion). Unless `confirmed`, a change that stops
 * the sheet and would clear answers after it is refused with `answers.would_stop` (one detail
 * per answer it would clear) and nothing is stored: ask, then send it again confirmed.
 */
export function changeAssessment(id: string, change: DraftChange, member: number | null = null, confirmed = false): Promise<Changed> {
  return answer((f) => f.changeAssessment(id, change, member), "assessment_change", { id, change, member, confirmed });
}

/** Adds a council member with an empty sheet to the draft (`store.invalid` without a name). */
export function addCouncilMember(id: string, assessor: Assessor): Promise<AssessmentView> {
  return answer((f) => f.addCouncilMember(id, assessor), "assessment_member_add", { id, assessor });
}

/** Removes a council member's sheet (member 2 onwards) from the draft. */
export function removeCouncilMember(id: string, member: number): Promise<AssessmentView> {
  return answer((f) => f.removeCouncilMember(id, member), "assessment_member_remove", { id, member });
}

/** Records a document of the producer's dossier; returns the draft's dossier. */
export function recordEvidence(id: string, document: EvidenceDocument): Promise<EvidenceDocument[]> {
  return answer((f) => f.recordEvidence(id, document), "assessment_evidence", { id, document });
}

export function setAssessmentVisit(id: string, visit: Visit): Promise<AssessmentView> {
  return answer((f) => f.setAssessmentVisit(id, visit), "assessment_visit", { id, visit });
}

/** Locks the sheet and queues it for the office: `store.invalid` while incomplete, `store.locked` once final. */
export function finalizeAssessment(id: string): Promise<AssessmentView> {
  return answer((f) => f.finalizeAssessment(id), "assessment_finalize", { id });
}

/** A correction of a final sheet: a new draft revision with a reason. */
export function correctAssessment(id: string, reason: string): Promise<AssessmentView> {
  return answer((f) => f.correctAssessment(id, reason), "assessment_correct", { id, reason });
}

/** The latest revision of the assessments of one status and/or product, newest first. */
export function listAssessments(status: string | null, productId: string | null): Promise<AssessmentSummary[]> {
  return answer((f) => f.listAssessments(status, productId), "assessments_list", { status, productId });
}

// ---- Settings and the data folder ------------------------------------------------------------

/** Every setting by key. Values are strings; a setting with structure holds JSON. */
export function getSettings(): Promise<Record<string, string>> {
  return answer((f) => f.getSettings(), "settings_get");
}

/** Sets one setting (`null` removes it). It is in the database when this resolves. */
export function setSetting(key: string, value: string | null): Promise<void> {
  return answer((f) => f.setSetting(key, value), "setting_set", { key, value });
}

// ---- Photos pulled from the office ------------------------------------------------------------

/** The disk budget for photos pulled from the office, and what they take. */
export function photoBudget(): Promise<PhotoBudget> {
  return answer((f) => f.photoBudget(), "photo_budget");
}

/** Sets the disk budget for pulled photos, in megabytes (0: none are fetched). */
export function setPhotoBudget(mb: number): Promise<PhotoBudget> {
  return answer((f) => f.setPhotoBudget(mb), "photo_budget_set", { mb });
}

/** The photos pulled with a record: an assessment revision's, or a producer's or product's. */
export function pulledPhotos(kind: "assessment" | "producer" | "product", id: string, revision: number): Promise<PulledPhoto[]> {
  return answer((f) => f.pulledPhotos(kind, id, revision), "pulled_photos", { kind, id, revision });
}

/** Downloads the whole of a pulled photo (a cut download resumes where it stopped). */
export function fetchPulledPhoto(sha256: string): Promise<void> {
  return answer((f) => f.fetchPulledPhoto(sha256), "pulled_photo_fetch", { sha256 });
}

/** Where the database, the photos and the backups are, the database's size and schema. */
export function dataInfo(): Promise<DataInfo> {
  return answer((f) => f.dataInfo(), "data_info");
}

/** The backups beside the database, newest first. */
export function listBackups(): Promise<BackupInfo[]> {
  return answer((f) => f.listBackups(), "backups_list");
}

/** A consistent copy of the database, now. */
export function createBackup(): Promise<BackupInfo> {
  return answer((f) => f.createBackup(), "backup_create");
}

/**
 * Replaces the database with the backup `name` (from `listBackups`); the replaced database is
 * kept beside it. Refused with `backup.not_found`, `store.corrupt` (a damaged backup: nothing
 * changed) or `store.io`.
 */
export function restoreBackup(name: string): Promise<DataInfo> {
  return answer((f) => f.restoreBackup(name), "backup_restore", { name });
}

/**
 * Moves the data to `folder` (a full path, created when missing) and goes on from there; the
 * previous folder keeps a copy. Refused with `data.not_absolute`, `data.same_folder`,
 * `data.inside_current`, `data.target_has_data`, `data.cannot_write`, `store.disk_full`: the
 * data then stays where it was.
 */
export function moveData(folder: string): Promise<Moved> {
  return answer((f) => f.moveData(folder), "data_move", { folder });
}

/**
 * Writes a whole backup (database, photos, imported criteria sets) as one file into `folder`, e.g.
 * a USB drive. Refused with `data.not_absolute`, `store.io` (not a folder that can be written),
 * `store.exists`, `store.disk_full`: nothing is left half-written.
 */
export function archiveWrite(folder: string): Promise<Written> {
  return answer(() => {
    throw { code: "store.io", message: "the browser preview writes no files" };
  }, "archive_write", { folder });
}

/**
 * Checks a whole backup file and says what restoring it brings against what the laptop holds;
 * changes nothing. Refused with `backup.damaged`, `backup.not_a_backup`, `store.newer_schema`,
 * `store.not_found`.
 */
export function archivePreview(file: string): Promise<RestorePreview> {
  return answer(() => {
    throw { code: "store.not_found", message: "the browser preview reads no files" };
  }, "archive_preview", { file });
}

/** Restores a whole backup file (checked again first); the replaced database is kept beside it. */
export function archiveRestore(file: string): Promise<Restored> {
  return answer(() => {
    throw { code: "store.not_found", message: "the browser preview reads no files" };
  }, "archive_restore", { file });
}

/** The system's file picker for a whole backup; null when closed (or outside the app). */
export async function pickBackupFile(title: string): Promise<string | null> {
  if (!inTauri()) return null;
  const { open } = await import("@tauri-apps/plugin-dialog");
  const chosen = await open({ directory: false, multiple: false, title, filters: [{ name: "OVOP Field", extensions: ["ovopbak"] }] });
  return typeof chosen === "string" ? chosen : null;
}

/** Writes what waits in the outbox to a bundle in `folder` (a USB stick) for the office. */
export function bundleWrite(folder: string): Promise<BundleFile> {
  return call<BundleFile>("bundle_write", { folder });
}

/** Settles the outbox with the office's receipt of a bundle. */
export function bundleReceipt(file: string): Promise<ReceiptApplied> {
  return call<ReceiptApplied>("bundle_receipt", { file });
}

/** The system's file picker for the office's receipt of a bundle; null when closed. */
export async function pickReceiptFile(title: string): Promise<string | null> {
  if (!inTauri()) return null;
  const { open } = await import("@tauri-apps/plugin-dialog");
  const chosen = await open({ directory: false, multiple: false, title, filters: [{ name: "OVOP Field", extensions: ["json"] }] });
  return typeof chosen === "string" ? chosen : null;
}

/** The system's folder picker; null when the officer closes it (or outside the app). */
export async function pickFolder(title: string, from?: string): Promise<string | null> {
  if (!inTauri()) return null;
  const { open } = await import("@tauri-apps/plugin-dialog");
  const chosen = await open({ directory: true, multiple: false, title, defaultPath: from });
  return typeof chosen === "string" ? chosen : null;
}

/** Which paper of an assessment: its sheet, the producer's receipt, the council's sheet. */
export type { SheetKind } from "$lib/bindings";

/** Opens a paper of a revision (the latest when null) in the system's PDF viewer, to print it; resolves with the file. */
export function printSheet(id: string, revision: number | null, lang: string, kind: SheetKind = "sheet"): Promise<string> {
  return answer(() => {
    throw { code: "sheet.no_viewer", message: "printing needs the app", details: [] };
  }, "sheet_print", { id, revision, lang, kind });
}

/**
 * Saves a paper where the officer chooses in the system's save dialog; resolves with the path,
 * or null when the dialog was closed.
 */
export async function saveSheet(id: string, revision: number | null, lang: string, title: string, kind: SheetKind = "sheet"): Promise<string | null> {
  if (!inTauri()) return null;
  const name = await call<string>("sheet_file_name", { id, revision, kind });
  const { save } = await import("@tauri-apps/plugin-dialog");
  const path = await save({ title, defaultPath: name, filters: [{ name: "PDF", extensions: ["pdf"] }] });
  if (!path) return null;
  return call<string>("sheet_save", { id, revision, lang, kind, path });
}

/** Where sync stands: enrolled or not, the last success, the running sync's progress. */
export function syncStatus(): Promise<SyncStatus> {
  return answer(
    () => ({ state: "not_enrolled", server: null, user: null, last_success: null, error: null, next_try_seconds: null, progress: null, last_report: null }),
    "sync_status",
  );
}

/** Every change of the sync status (progress included); resolves with the function that stops listening. */
export async function onSyncStatus(listener: (status: SyncStatus) => void): Promise<() => void> {
  if (!inTauri()) return () => {};
  const { listen } = await import("@tauri-apps/api/event");
  return listen<SyncStatus>("sync://status", (event) => listener(event.payload));
}

/** Syncs now (or as soon as the running sync ends). */
export function syncNow(): Promise<void> {
  return answer(() => undefined, "sync_now");
}

/**
 * Enrols this laptop with the district server: with a password, a one-time code, or a picture
 * of the code's QR code (which carries the address). Refused with the server's code
 * (`enrol.refused`), or `sync.offline`, `sync.not_the_server`, `enrol.no_qr`...
 */
export function syncEnrol(server: string | null, method: EnrolWith, deviceName: string): Promise<SyncStatus> {
  return answer(() => {
    throw { code: "sync.offline", message: "enrolment needs the app", details: [] };
  }, "sync_enrol", { server, with: method, deviceName });
}

/** Forgets the enrolment; what waits to be sent stays. */
export function syncForget(): Promise<void> {
  return answer(() => undefined, "sync_forget");
}

/** Every record sent or waiting, newest first, with its state and the server's reason. */
export function syncOutbox(): Promise<OutboxRow[]> {
  return answer(() => [], "sync_outbox");
}

/** The supervisors' decisions on an assessment (a returned one carries the comment). */
export function assessmentDecisions(id: string): Promise<ReviewDecision[]> {
  return answer(() => [], "assessment_decisions", { id });
}

/** The system's file picker for a picture (the enrolment QR code); null when closed. */
export async function pickPicture(title: string): Promise<string | null> {
  if (!inTauri()) return null;
  const { open } = await import("@tauri-apps/plugin-dialog");
  const chosen = await open({ directory: false, multiple: false, title, filters: [{ name: "PNG, JPEG", extensions: ["png", "jpg", "jpeg"] }] });
  return typeof chosen === "string" ? chosen : null;
}

/** The day the app works on: the day a training session gave it, else the laptop's calendar. */
export async function appToday(): Promise<string> {
  return (await answer<string | null>(() => null, "app_training_day")) ?? today();
}

/** A product's stars awarded by the office, the latest first, with where each certificate stands today. */
export function productAwards(productId: string): Promise<AwardView[]> {
  return answer(() => [], "product_awards", { productId });
}

/** The certificates of this laptop's products that lapse within 90 days or have lapsed, soonest first. */
export function certificatesLapsing(): Promise<AwardView[]> {
  return answer(() => [], "certificates_lapsing");
}

/** Where a final assessment's product gains most toward its next star, biggest gap first, with the words. */
export function coachingSteps(assessmentId: string): Promise<StepView[]> {
  return answer(() => [], "coaching_steps", { assessmentId });
}

/**
 * A product's coaching plan, each action with where it stands today, its follow-up visits (each
 * with its photos, and whether it still takes more) and the history of its score.
 */
export function coachingPlan(productId: string): Promise<PlanView> {
  return answer(() => ({ actions: [], visits: [], history: [] }), "coaching_plan", { productId });
}

/** Adds an action to a product's plan (`id` null) or changes one; resolves with it as stored. */
export function saveCoachingAction(
  id: string | null,
  productId: string,
  assessmentId: string | null,
  action: Action,
): Promise<CoachingAction> {
  // The browser preview keeps nothing: it answers with the action as the app would store it.
  return answer(
    () => ({
      id: id ?? `preview-${Date.now()}`,
      revision: 1,
      product_id: productId,
      assessment_id: assessmentId,
      action,
      visit_id: null,
      changed_at: new Date().toISOString(),
    }),
    "coaching_save_action",
    { id, productId, assessmentId, action },
  );
}

/** Adds a plan's actions made from a final assessment, all or none; resolves with them as stored. */
export function saveCoachingPlan(productId: string, assessmentId: string, actions: Action[]): Promise<CoachingAction[]> {
  return answer(
    () =>
      actions.map((action, i) => ({
        id: `preview-${Date.now()}-${i}`,
        revision: 1,
        product_id: productId,
        assessment_id: assessmentId,
        action,
        visit_id: null,
        changed_at: new Date().toISOString(),
      })),
    "coaching_save_plan",
    { productId, assessmentId, actions },
  );
}

/** Records a follow-up visit and what it found of each action. */
export function recordCoachingVisit(visit: CoachingVisit): Promise<CoachingVisit> {
  return answer(() => ({ ...visit, id: `preview-${Date.now()}` }), "coaching_record_visit", { visit });
}

/** The open coaching actions overdue or due within the week, soonest first. */
export function coachingDue(): Promise<DueAction[]> {
  return answer(() => [], "coaching_due");
}

/** Opens a certificate in the system's PDF viewer, to print it; resolves with the file. */
export function printCertificate(number: string, lang: string): Promise<string> {
  return answer(() => {
    throw { code: "sheet.no_viewer", message: "printing needs the app", details: [] };
  }, "certificate_print", { number, lang });
}

/** Saves a certificate where the officer chooses; null when the dialog was closed. */
export async function saveCertificate(number: string, lang: string, title: string): Promise<string | null> {
  if (!inTauri()) return null;
  const { save } = await import("@tauri-apps/plugin-dialog");
  const name = `sertifikat-${number.replace(/[^A-Za-z0-9-]/g, "-")}.pdf`;
  const path = await save({ title, defaultPath: name, filters: [{ name: "PDF", extensions: ["pdf"] }] });
  if (!path) return null;
  return call<string>("certificate_save", { number, lang, path });
}
