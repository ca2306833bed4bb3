// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p ovop-field bindings`.
// Do not edit by hand.

export type Text = Record<string, string>;

export type Programme = "ocop" | "ovop" | "otop" | "other";

export type SetStatus = "official" | "transcription" | "template" | "draft";

export type CriteriaSet = { 
/**
 * Format version of this file (currently 1).
 */
format: number, 
/**
 * Stable identifier, lowercase letters, digits and `-` (e.g. `ocop-1048-02`).
 */
id: string, 
/**
 * Version of the set; an assessment freezes the id, version and content hash it used.
 */
version: string, programme: Programme, status: SetStatus, name: Text, 
/**
 * The language the set was written in; used when a text lacks the reader's language.
 */
language: string, 
/**
 * Laws and decisions the sheet comes from.
 */
legal_basis?: Array<string>, effective: Effective, 
/**
 * Product sets (product groups) the sheet applies to.
 */
product_sets?: Array<ProductSet>, 
/**
 * Where the text was taken from.
 */
source?: string | null, 
/**
 * Remarks for the reader: how to adapt a template, what is uncertain.
 */
remarks?: Array<Text>, 
/**
 * Defects of the source that were kept as found (see `validate`).
 */
known_defects?: Array<KnownDefect>, 
/**
 * Conditions checked before any scoring (legality, permits). Failing one stops the sheet.
 */
gates?: Array<Gate>, parts: Array<Part>, 
/**
 * The maximum total the sheet claims (100 for OCOP); compared with the levels' sum.
 */
max_total?: number | null, stars: StarRule, 
/**
 * Requirements a product must meet to hold a star, whatever its score.
 */
minimum_requirements?: Array<MinimumRequirement>, council: CouncilRule, };

export type Effective = { 
/**
 * First day the sheet applies (`YYYY-MM-DD`).
 */
from?: string | null, 
/**
 * First day it no longer applies (`YYYY-MM-DD`), when it was replaced.
 */
until?: string | null, };

export type ProductSet = { code: string, name: Text, };

export type KnownDefect = { 
/**
 * The validation code that reports it (e.g. `duplicate_level_points`).
 */
code: string, 
/**
 * Where: the printed code of the criterion or part (`6.2`, `C`), or a top-level field
 * (`max_total`).
 */
path: string, description: string, };

export type Gate = { 
/**
 * Code as printed (e.g. `G1`).
 */
code: string, text: Text, evidence?: Text | null, 
/**
 * The producer's dossier documents that prove this gate, by kind (`nib`, `izin_edar`,
 * `halal`, ...): the officer checks them once, in the dossier, and the gate shows them.
 */
documents?: Array<string>, };

export type Part = { 
/**
 * Code as printed (`A`, `B`, `C`).
 */
code: string, name: Text, 
/**
 * The maximum the sheet claims for this part; compared with the levels' sum.
 */
max?: number | null, sections: Array<Section>, };

export type Section = { 
/**
 * Code as printed (`1`, `7`).
 */
code: string, name: Text, 
/**
 * Headings that group criteria inside the section (`6.1 Ngoại hình` over `6.1.1`..).
 */
groups?: Array<Group>, criteria: Array<Criterion>, };

export type Group = { code: string, text: Text, };

export type Criterion = { 
/**
 * The sheet's own numbering (`1.1`, `5.2`; a section that is one criterion keeps the
 * section's number, `7`). Unique within the set; answers name criteria by it.
 */
code: string, 
/**
 * The criterion's title. May be blank when the section is the criterion.
 */
text: Text, 
/**
 * The code of the group heading this criterion sits under.
 */
group?: string | null, 
/**
 * The sheet's note, kept as printed.
 */
note?: Text | null, 
/**
 * What the assessor should look at (contracts, certificates, test reports...).
 */
evidence?: Text | null, 
/**
 * The producer's dossier documents this criterion relies on, by kind (`sni`, `haki`,
 * ...): the sheet shows beside the criterion whether they were seen and still valid.
 */
documents?: Array<string>, 
/**
 * Alternative scales: the assessor uses exactly one. Empty when there is one scale.
 */
scales?: Array<Scale>, 
/**
 * The fixed levels in the order the sheet prints them. An answer names a level by its
 * 1-based position in this list.
 */
levels: Array<Level>, 
/**
 * When set, the criterion is assessed only if the condition holds; otherwise it scores 0.
 */
applies_if?: Applicability | null, knockout?: Knockout | null, };

export type Scale = { id: string, label: Text, };

export type Level = { points: number, text: Text, 
/**
 * The alternative scale this level belongs to (one of the criterion's `scales`).
 */
scale?: string | null, };

export type Applicability = { criterion: string, min_points: number, 
/**
 * The reason shown when the criterion does not apply.
 */
reason: Text, };

export type Knockout = { trigger: KnockoutTrigger, effect: KnockoutEffect, 
/**
 * The condition as the sheet states it.
 */
text: Text, };

export type KnockoutTrigger = { "when": "observed", } | { "when": "points_at_most", points: number, };

export type KnockoutEffect = "disqualify" | "stop";

export type StarRule = { 
/**
 * How a fractional total (a council's average) is rounded before it meets the bands.
 */
rounding: Rounding, 
/**
 * Each band: the lowest total (inclusive) that earns `star`. One band starts at 0.
 */
bands: Array<StarBand>, };

export type Rounding = "none" | "floor" | "half_up";

export type StarBand = { star: number, min: number, };

export type MinimumRequirement = { star: number, rule: Requirement, text: Text, };

export type Requirement = { "kind": "criterion_at_least", criterion: string, points: number, } | { "kind": "part_at_least", part: string, points: number, };

export type CouncilRule = { 
/**
 * The largest allowed difference between members' totals (10 for OCOP).
 */
max_divergence?: number | null, 
/**
 * The share of the appointed members (the chair among them, when it says so) that must
 * sit for the council's verdict to be final (OCOP: 75 % including the chair).
 */
quorum?: Quorum | null, };

export type Quorum = { 
/**
 * Percent of the appointed members, 1 to 100.
 */
share_percent: number, 
/**
 * The chair must be among those who sit.
 */
chair_required: boolean, };

export type Severity = "error" | "warning";

export type Finding = { severity: Severity, 
/**
 * Stable code (`duplicate_level_points`, `part_max_mismatch`, ...).
 */
code: string, 
/**
 * Where, as a JSON path with the printed code (`parts[2].sections[0].criteria[1] (6.2)`).
 */
path: string, message: string, 
/**
 * Whether the set's `known_defects` declares this finding.
 */
declared: boolean, };

export type Origin = { "kind": "shipped", "name": string } | { "kind": "imported", "name": string } | { "kind": "office", "name": string };

export type SetSummary = { id: string, version: string, hash: string, name: Text, programme: Programme, status: SetStatus, language: string, product_sets: Array<ProductSet>, legal_basis: Array<string>, effective_from: string | null, effective_until: string | null, criteria_count: number, part_count: number, 
/**
 * The sum of the best levels (what the sheet can really give).
 */
max_total: number, 
/**
 * What the sheet claims, when it differs from `max_total` it is a defect.
 */
declared_max_total: number | null, warnings: number, known_defects: number, origin: Origin, };

export type Rejected = { origin: Origin, code: string, message: string, };

export type SheetFinding = { severity: Severity, 
/**
 * `criteria.spreadsheet` for a cell the reader cannot read, another code of the table for
 * a file it cannot read at all, the validator's own code (`part_max_mismatch`) otherwise.
 */
code: string, sheet: string, row: number | null, column: string | null, message: string, 
/**
 * The validator's JSON path (`parts[0] (A).sections[1] (2)`), for its findings.
 */
path: string | null, };

export type CriteriaImport = { 
/**
 * The set as the list shows it, once installed (or when it was installed already); none
 * when a finding is an error.
 */
summary: SetSummary | null, 
/**
 * Every finding, errors first: the file's, its cells', and the set's own.
 */
findings: Array<SheetFinding>, 
/**
 * The same set (id, version and content) was installed already: nothing was written.
 */
already_installed: boolean, };

export type Answers = { 
/**
 * The criteria set's id.
 */
criteria: string, 
/**
 * The set's version, when the answers must match one exactly.
 */
version?: string | null, 
/**
 * Who filled the sheet (a council member's name).
 */
assessor?: string | null, 
/**
 * Criterion code -> 1-based position of the chosen level as printed, or "na".
 */
answers: { [key in string]?: Answer }, 
/**
 * Criteria whose knock-out condition the assessor observed.
 */
knockouts?: Array<string>, 
/**
 * Gate code -> whether the condition is met.
 */
gates?: { [key in string]?: boolean }, 
/**
 * Criterion code -> the assessor's note.
 */
notes?: { [key in string]?: string }, };

export type Answer = number | "na";

export type SetRef = { id: string, version: string, hash: string, };

export type ScoreResult = { set: SetRef, parts: Array<PartResult>, total: number, max_total: number, 
/**
 * The star the total earns by the bands alone.
 */
star_by_score: number, 
/**
 * The star after knock-outs, gates and minimum requirements; none when disqualified.
 */
star: number | null, 
/**
 * Why `star` differs from `star_by_score`.
 */
reasons: Array<Reason>, next_star: NextStar | null, not_applicable: Array<NotApplicable>, knockouts: Array<KnockoutHit>, unanswered: Array<string>, unanswered_gates: Array<string>, 
/**
 * Every criterion and gate has an answer (or does not apply, or was knocked out).
 */
complete: boolean, 
/**
 * Every criterion in sheet order.
 */
criteria: Array<CriterionResult>, };

export type PartResult = { code: string, points: number, max: number, };

export type CriterionResult = { code: string, max: number, outcome: Outcome, };

export type Outcome = { "status": "scored", position: number, points: number, scale: string | null, } | { "status": "not_applicable", because: string, } | { "status": "knocked_out", by: string, } | { "status": "unanswered" };

export type NotApplicable = { criterion: string, because: string, reason: Text, };

export type KnockoutHit = { 
/**
 * The criterion (or gate) whose knock-out was triggered.
 */
criterion: string, effect: KnockoutEffect, text: Text, 
/**
 * A gate rather than a criterion.
 */
gate: boolean, };

export type Reason = { "kind": "knockout", criterion: string, text: Text, } | { "kind": "minimum_not_met", star: number, text: Text, };

export type NextStar = { star: number, min_total: number, points_needed: number, 
/**
 * Minimum requirements that would still hold the product below that star.
 */
unmet_requirements: Array<Text>, };

export type AnswerError = { 
/**
 * Stable code: `answers.unknown_criterion`, `answers.no_such_level`, `answers.not_applicable`,
 * `answers.after_knockout`, `answers.applies`, `answers.not_optional`, ...
 */
code: string, criterion: string | null, message: string, };

export type CouncilResult = { set: SetRef, members: Array<MemberResult>, 
/**
 * The members' average total, exactly (e.g. 89.5).
 */
average: number, max_total: number, 
/**
 * Each part's average.
 */
parts: Array<PartAverage>, star_by_score: number, star: number | null, reasons: Array<Reason>, next_star: NextStar | null, 
/**
 * Knock-outs any member recorded.
 */
knockouts: Array<MemberKnockout>, divergence: Divergence, 
/**
 * Every member's sheet is complete.
 */
complete: boolean, };

export type MemberResult = { member: string, result: ScoreResult, };

export type PartAverage = { code: string, average: number, max: number, };

export type MemberKnockout = { member: string, knockout: KnockoutHit, };

export type Divergence = { 
/**
 * The largest allowed difference between two members' totals; none when the set sets none.
 */
max_allowed: number | null, 
/**
 * Highest total minus lowest total.
 */
spread: number, 
/**
 * The spread is above the allowed maximum: the council must discuss and score again.
 */
exceeded: boolean, 
/**
 * Pairs of members whose totals differ by more than allowed, largest difference first.
 */
pairs: Array<DivergentPair>, 
/**
 * Criteria the members scored differently, largest spread first.
 */
criteria: Array<CriterionSpread>, };

export type DivergentPair = { high: string, low: string, difference: number, };

export type CriterionSpread = { code: string, spread: number, 
/**
 * Points by member, in the members' order (none when a member did not score it).
 */
points: Array<number | null>, };

export type MemberError = { member: string, error: AnswerError, };

export type Verdict = { set: SetRef, 
/**
 * The sheets behind it: 1, or the council's members.
 */
sheets: number, 
/**
 * The official total in hundredths of a point, after the set's rounding rule: one sheet's
 * total, or the members' average rounded as the set says (89.5 stays 89.5 when the set does
 * not round, is 89 when it rounds down, 90 when it rounds halves up).
 */
total_hundredths: number, 
/**
 * The same as a number of points (89.5).
 */
total: number, 
/**
 * The members' exact average before rounding (one sheet's total for one sheet).
 */
exact: number, max_total: number, parts: Array<PartVerdict>, 
/**
 * The star the official total earns by the bands alone.
 */
star_by_score: number, 
/**
 * The official star: only when final (none below the lowest band).
 */
star: number | null, 
/**
 * The star it would hold were it final: what a provisional result points to.
 */
provisional_star: number | null, standing: Standing, 
/**
 * Why it is provisional or not classified; empty when final.
 */
pending: Array<Pending>, 
/**
 * Why the star is below the star by score (knock-outs, minimum requirements).
 */
reasons: Array<Reason>, };

export type Standing = "final" | "provisional" | "not_classified";

export type Pending = { "kind": "unanswered", member: string | null, criteria: Array<string>, } | { "kind": "gates_unanswered", member: string | null, gates: Array<string>, } | { "kind": "gate_failed", member: string | null, gate: string, } | { "kind": "knockout", member: string | null, criterion: string, } | { "kind": "divergence", spread: number, allowed: number, } | { "kind": "quorum", present: number, required: number, chair_required: boolean, chair_present: boolean, } | { "kind": "sitting_unknown" };

export type PartVerdict = { code: string, 
/**
 * The part's points: one sheet's, or the members' average (exact).
 */
points: number, max: number, };

export type Region = { code: string, parent: string | null, level: string, name: string, country: string, 
/**
 * The ancestors' names, broadest first.
 */
path: string, 
/**
 * The day the unit ceased to exist (Vietnam's units before 1 July 2025), else none.
 */
retired: string | null, 
/**
 * When a search found the unit by the name of an old commune merged into it: that commune.
 */
formerly: Former | null, };

export type Former = { code: string, name: string, district: string, province: string, 
/**
 * `whole` (merged whole), `part` (split between several new communes) or `kept`.
 */
merge: string, };

export type Candidate = { region: Region, 
/**
 * `whole`, `part` or `kept`, as for [`Former::merge`].
 */
merge: string, };

export type Relocation = { producer_id: string, producer_name: string, 
/**
 * The unit it is registered under (retired).
 */
old: Region, 
/**
 * Its successors by the government's table: one when the commune merged whole, several
 * when it was split (the officer chooses), none when the table does not know it.
 */
candidates: Array<Candidate>, };

export type Countries = { 
/**
 * The countries chosen; Indonesia until the officer chooses.
 */
chosen: Array<string>, 
/**
 * Whether the officer has chosen (a first start has not).
 */
confirmed: boolean, imported: Record<string, number>, };

export type Producer = { id: string, name: string, 
/**
 * e.g. "UD", "CV", "PT", "Koperasi", "KUB", "hộ kinh doanh", "HTX".
 */
legal_form: string | null, 
/**
 * NIB in Indonesia, business registration number in Vietnam.
 */
registration_no: string | null, representative: string | null, phone: string | null, village_code: string | null, address: string | null, workforce: number | null, local_labour_pct: number | null, women: number | null, minorities: number | null, revenue_prev_year: number | null, revenue_last_year: number | null, accounting: string | null, sentra_ikm: string | null, penghela: boolean, };

export type Product = { id: string, producer_id: string, name: string, brand: string | null, programme: string | null, product_set: string | null, skus: Array<string>, description: string | null, 
/**
 * The producer's village, copied so a search can be narrowed to a region quickly.
 */
village_code: string | null, };

export type ProductHit = { product: Product, producer_name: string, };

export type Photo = { sha256: string, size: number, mime: string, width: number, height: number, name: string, 
/**
 * For an assessment's photo: the criterion it is evidence for ("" for the whole sheet).
 */
criterion: string, };

export type PulledPhoto = { 
/**
 * The SHA-256 in hex (the name its thumbnail and bytes are read by).
 */
sha256: string, size: number, thumbnail: boolean, whole: boolean, 
/**
 * Bytes of the whole photo already here from a download that was cut.
 */
partial: number, };

export type PhotoBudget = { budget_bytes: number, used_bytes: number, 
/**
 * Photos known from pulled records, with a thumbnail here, and whole here.
 */
photos: number, thumbnails: number, whole: number, };

export type HomeCounts = { drafts: number, finals: number, waiting: number, };

export type Assessor = { name: string, title: string | null, unit: string | null, role: string | null, };

export type Visit = { 
/**
 * `YYYY-MM-DD`; a final assessment has one.
 */
assessed_on: string | null, 
/**
 * The village's official code; a final assessment has one.
 */
region_code: string | null, latitude: number | null, longitude: number | null, assessors: Array<Assessor>, 
/**
 * The round it belongs to (`2026-1`); an assessment made before rounds were recorded has
 * none. Left out of the body when empty, so older bodies keep their hash.
 */
round?: string, 
/**
 * The programme level it is made at (`province`, `kabupaten`: the programme's file).
 */
level?: string, 
/**
 * New, re-assessment or upgrade.
 */
kind?: AssessmentKind, 
/**
 * The council as appointed, when several members score: its chair and who was absent
 * (those present are the members who scored).
 */
roster?: Roster, };

export type Roster = { chair: string, absent: Array<Assessor>, };

export type Assessment = { id: string, revision: number, supersedes: number | null, reason: string | null, product_id: string, criteria_hash: string, status: string, visit: Visit, answers: Answers, result: ScoreResult | null, 
/**
 * The council's result (average, divergence) when several members scored, once final.
 */
council: CouncilResult | null, 
/**
 * The official verdict decided at finalisation (see [`Store::verdict_of`] for a draft's).
 */
verdict: Verdict | null, content_hash: string | null, created_at: string, updated_at: string, finalized_at: string | null, 
/**
 * Pulled from the office, made on another laptop: the officer who owns it there.
 */
pulled_from: string | null, 
/**
 * Pulled, and owned by this laptop's officer (who may correct it).
 */
pulled_mine: boolean, };

export type EvidenceDocument = { 
/**
 * What it is: `food_safety_certificate`, `quality_declaration`, `test_report`, `nib`, ...
 */
kind: string, 
/**
 * The criterion it is evidence for ("" for the dossier as a whole).
 */
criterion: string, present: boolean, number: string | null, issued_on: string | null, issuer: string | null, expires_on: string | null, note: string | null, };

export type DraftChange = { "kind": "answer", code: string, answer: Answer | null, } | { "kind": "note", code: string, text: string, } | { "kind": "knockout", code: string, observed: boolean, } | { "kind": "gate", code: string, met: boolean | null, };

export type Changed = { 
/**
 * The result of the sheet that changed.
 */
result: ScoreResult, answers: Answers, cleared: Array<string>, 
/**
 * The council's result as it stands, when several members score.
 */
council: CouncilResult | null, };

export type CouncilSheet = { member: number, assessor: Assessor, answers: Answers, updated_at: string, };

export type AppError = { code: string, message: string, 
/**
 * Per-item details (one answer error per criterion, say).
 */
details: Array<ErrorDetail>, };

export type ErrorDetail = { code: string, subject: string | null, message: string, };

export type CriteriaList = { sets: Array<SetSummary>, rejected: Array<Rejected>, 
/**
 * Each programme's levels, rounds a year and kinds of assessment (a sheet starts in one).
 */
programmes: Array<ProgrammeRules>, };

export type ProgrammeRules = { programme: Programme, 
/**
 * Where the rules come from.
 */
source: string, 
/**
 * How many rounds a year (1 to 12).
 */
phases_per_year: number, 
/**
 * From the first level to the highest.
 */
levels: Array<ProgrammeLevel>, 
/**
 * The words for each kind of assessment.
 */
kinds: Record<string, Record<string, string>>, 
/**
 * The quorum a council needs; without one, any council's verdict counts.
 */
quorum?: Quorum, 
/**
 * Which stars are certified and for how long; without it, nothing is.
 */
certification?: Certification, };

export type ProgrammeLevel = { code: string, name: Text, 
/**
 * The last day an assessment could be made at this level (OCOP's district level ended
 * with June 2025); older records keep it.
 */
until?: string, 
/**
 * Where a product assessed at this level is proposed next, and from which star: the first
 * whose level is still held on the day of the assessment applies (OCOP's commune went to
 * the district until June 2025, to the province after).
 */
forwards: Array<Forward>, };

export type Forward = { to: string, min_star: number, };

export type QuorumCheck = { 
/**
 * Members appointed (present and absent).
 */
appointed: number, present: number, 
/**
 * The fewest present members that make the quorum.
 */
required: number, chair_present: boolean, 
/**
 * The chair had to be present.
 */
chair_required: boolean, met: boolean, };

export type Certification = { min_star: number, valid_months: number, list_days: number, notice_days: number, };

export type CertificateStanding = { "state": "valid", days_left: number, } | { "state": "lapsing", days_left: number, urgent: boolean, } | { "state": "lapsed", days_ago: number, } | { "state": "not_yet" };

export type AssessmentKind = "new" | "reassessment" | "upgrade";

export type CriteriaSetView = { set: CriteriaSet, summary: SetSummary, findings: Array<Finding>, };

export type AssessmentView = { assessment: Assessment, set: CriteriaSet, result: ScoreResult, product: Product, producer: Producer, evidence: Array<EvidenceDocument>, revisions: Array<RevisionSummary>, 
/**
 * The other council members' sheets (member 2 onwards; member 1 is `assessment.answers`).
 */
members: Array<CouncilSheet>, 
/**
 * The council's average and divergence check, when several members score.
 */
council: CouncilResult | null, 
/**
 * The official verdict: the one decided at finalisation, or the sheets' as they stand.
 */
verdict: Verdict, 
/**
 * A council's roster counted against its quorum (none for one assessor).
 */
quorum: CouncilQuorum | null, 
/**
 * Where and in which batch the office forwarded it, once it did.
 */
forwarded: Forwarding | null, };

export type CouncilQuorum = { 
/**
 * The count, when the roster holds together (`met` says whether it is enough).
 */
check: QuorumCheck | null, 
/**
 * Why it cannot be counted: `missing` (no roster yet), `no_chair`, `chair_unknown`,
 * `named_twice`, `absent_unnamed`.
 */
problem: string | null, 
/**
 * The name the problem is about.
 */
name: string | null, 
/**
 * The programme (or set) states a quorum; without one any roster counts.
 */
required: boolean, };

export type AssessmentSummary = { id: string, revision: number, status: string, product_id: string, product_name: string, producer_name: string, criteria_id: string, criteria_version: string, assessed_on: string | null, updated_at: string, 
/**
 * The official total (a council's average after the set's rounding rule).
 */
total: number, max_total: number, 
/**
 * The official star: only once the verdict is final.
 */
star: number | null, 
/**
 * The star a draft points to while its verdict is provisional.
 */
provisional_star: number | null, star_by_score: number, standing: Standing, 
/**
 * The sheets behind the verdict: 1, or the council's members.
 */
sheets: number, complete: boolean, answered: number, criteria_count: number, 
/**
 * The round it names (`2026-1`); absent when it names none.
 */
round?: string, 
/**
 * The level the office forwarded it to (`provinsi`), once it did.
 */
forwarded_to?: string, 
/**
 * Pulled from the office, made on another laptop: the officer who owns it there.
 */
pulled_from?: string, 
/**
 * Pulled, and this officer's own (they may correct it); a colleague's is read-only.
 */
pulled_mine: boolean, };

export type RevisionSummary = { revision: number, status: string, reason: string | null, 
/**
 * The official total of a final revision.
 */
total: number | null, star: number | null, finalized_at: string | null, };

export type DataInfo = { database: string, photos: string, backups: string, size_bytes: number, schema_version: number, };

export type BackupInfo = { name: string, path: string, size_bytes: number, 
/**
 * RFC 3339, UTC.
 */
created_at: string, };

export type Moved = { 
/**
 * The folder the data is in now.
 */
folder: string, 
/**
 * The folder that still holds the previous copy (its database renamed `ovop.sqlite.moved`),
 * for the officer to delete once the new one is checked.
 */
left: string, 
/**
 * Files copied beside the database, and all the bytes copied.
 */
files: number, bytes: number, };

export type Contents = { 
/**
 * The database's schema version.
 */
schema: number, producers: number, products: number, 
/**
 * Assessments (each counted once, whatever its revisions).
 */
assessments: number, photos: number, 
/**
 * Records waiting in the outbox, not yet received by the office.
 */
waiting: number, };

export type Written = { path: string, bytes: number, contents: Contents, };

export type Checked = { path: string, created_at: string, bytes: number, contents: Contents, };

export type Restored = { contents: Contents, kept: string | null, 
/**
 * Photo and criteria files added (those already on the laptop are left as they are).
 */
files_added: number, };

export type RestorePreview = { backup: Checked, current: Contents | null, };

export type SheetKind = "sheet" | "receipt" | "council" | "minutes" | "forwarded";

export type SyncStatus = { 
/**
 * not_enrolled, waiting, syncing, offline, failed, enrol_again.
 */
state: string, server: string | null, user: string | null, 
/**
 * When the last sync ended well (the server's answer was read to the end).
 */
last_success: string | null, 
/**
 * Why the last try failed.
 */
error: AppError | null, 
/**
 * Seconds until the next try, while waiting.
 */
next_try_seconds: number | null, progress: SyncProgress | null, 
/**
 * What the last sync did.
 */
last_report: SyncReport | null, };

export type SyncProgress = { 
/**
 * checking, pushing, uploading, pulling, done.
 */
phase: string, records_done: number, records_total: number, bytes_done: number, bytes_total: number, };

export type SyncReport = { sent: number, rejected: number, conflicts: number, photos: number, decisions: number, 
/**
 * Stars awarded by the office, with their certificates.
 */
awards: number, products: number, criteria_sets: number, 
/**
 * Assessment revisions of the region pulled from the office, and photo thumbnails.
 */
assessments: number, thumbnails: number, };

export type EnrolWith = { "method": "password", user: string, password: string, } | { "method": "code", code: string, } | { "method": "qr", path: string, };

export type OutboxRow = { seq: number, kind: string, record_id: string, revision: number, 
/**
 * What the officer calls it: the product assessed (and its producer).
 */
product: string | null, producer: string | null, 
/**
 * waiting, sending, sent, rejected, conflict.
 */
state: string, 
/**
 * The server's code for a rejected or conflicting record.
 */
code: string | null, reason: string | null, created_at: string, settled_at: string | null, };

export type ReviewDecision = { assessment_id: string, revision: number, 
/**
 * approved, returned.
 */
decision: string, comment: string, reviewer: string, decided_at: string, };

export type FieldChange = { 
/**
 * The record's revision on the server after the edit.
 */
revision: number, field: string, value: unknown, 
/**
 * What the field held on the server before.
 */
previous: unknown, 
/**
 * The field held a value the editing laptop had not seen (another officer changed it
 * meanwhile): that value lost, and is `previous`.
 */
overridden: boolean, 
/**
 * The officer who made the edit.
 */
by: string, 
/**
 * When the server received it.
 */
at: string, };

export type BundleWritten = { 
/**
 * Outbox entries (with the producers and products they need) in it.
 */
records: number, photos: number, bytes: number, };

export type BundleFile = { path: string, written: BundleWritten, };

export type ReceiptApplied = { sent: number, rejected: number, conflicts: number, photos_arrived: number, photos_missing: number, };

export type RecordHistory = { 
/**
 * The server's revision of the record (0: the server has not told any).
 */
revision: number, changes: Array<FieldChange>, 
/**
 * Fields changed here and not yet sent.
 */
waiting: Array<string>, };

export type DecisionRef = { number: string, 
/**
 * `YYYY-MM-DD`.
 */
date: string, authority: string, };

export type CertificateRef = { number: string, issued: string, 
/**
 * The last day it is valid.
 */
valid_until: string, 
/**
 * The signed code its QR carries.
 */
code: string, };

export type Award = { decision: DecisionRef, programme: string, assessment_id: string, product_id: string, product: string, producer_id: string, producer: string, star: number, 
/**
 * The star the assessment reached, where the decision awards another.
 */
proposed_star?: number, 
/**
 * Why the star differs from the proposed one.
 */
reason?: string, 
/**
 * Three stars and more (the programme's rule): the certificate issued with the award.
 */
certificate?: CertificateRef, };

export type Forwarding = { to_level: string, batch: number, };

export type AwardView = { award: Award, 
/**
 * Where its certificate stands on the day asked about; none without a certificate (or
 * for a programme that certifies nothing).
 */
standing: CertificateStanding | null, 
/**
 * Its star holds on that day: the latest award of the product, and its certificate (if
 * the star is one that is certified) not lapsed. A lapsed star is never current.
 */
current: boolean, };

export type Step = { criterion: string, points: number, 
/**
 * The points of the next level up on the same scale.
 */
next_points: number, 
/**
 * Where that level is in the criterion's `levels` (its words are there).
 */
next_level: number, 
/**
 * The points of the criterion's top level on the same scale.
 */
max_points: number, 
/**
 * `max_points - points`: what the criterion can still give.
 */
gap: number, 
/**
 * Raising this criterion to its top alone would bring the total to the next star's lower
 * bound (a minimum requirement may still hold the star back: `NextStar` says which).
 */
reaches_next_star: boolean, };

export type Support = "training" | "packaging" | "lab_test" | "certification" | "marketing" | "finance" | "other";

export type Owner = "officer" | "office" | "partner";

export type Progress = "not_started" | "in_progress" | "done" | "dropped";

export type Action = { 
/**
 * The criterion it lifts, when it lifts one (an action may be about the business at large).
 */
criterion?: string | null, 
/**
 * The points of the level it aims the criterion at.
 */
target_points?: number | null, support: Support, owner: Owner, 
/**
 * The office or partner, or the officer's colleague, by name.
 */
owner_name?: string | null, 
/**
 * `YYYY-MM-DD`.
 */
due?: string | null, notes: string, progress: Progress, 
/**
 * Why it was dropped (required then, and only then).
 */
dropped_because?: string | null, };

export type Due = "overdue" | "this_week" | "later";

export type CoachingAction = { id: string, revision: number, product_id: string, 
/**
 * The assessment whose steps it came from.
 */
assessment_id: string | null, action: Action, 
/**
 * The visit that last changed its progress.
 */
visit_id: string | null, changed_at: string, };

export type ActionUpdate = { action_id: string, progress: Progress, 
/**
 * What was done.
 */
done: string, 
/**
 * Why it was dropped (required when `progress` is dropped).
 */
dropped_because?: string | null, };

export type CoachingVisit = { id: string, product_id: string, 
/**
 * `YYYY-MM-DD`.
 */
visited_on: string, notes: string, updates: Array<ActionUpdate>, };

export type DueAction = { action: CoachingAction, due: Due, product_name: string, producer_id: string, producer_name: string, };

export type StepView = { step: Step, 
/**
 * The criterion's words.
 */
title: Text, 
/**
 * What the next level up asks for.
 */
next: Text, };

export type ActionView = { action: CoachingAction, 
/**
 * Overdue, due this week or later; none when done, dropped or undated.
 */
due: Due | null, 
/**
 * The words of the criterion it lifts, from the set its assessment was scored on.
 */
criterion_title: Text | null, };

export type PlanView = { actions: Array<ActionView>, visits: Array<VisitView>, history: Array<ScoreChange>, };

export type VisitView = { visit: CoachingVisit, photos: Array<Photo>, takes_photos: boolean, };

export type DoneAction = { action_id: string, support: Support, criterion: string | null, 
/**
 * The day of the visit that found it done.
 */
visited_on: string, };

export type ScoreChange = { assessment_id: string, assessed_on: string, 
/**
 * The official total, as the sheet writes it ("50", "49.33").
 */
total: string, star: number | null, previous_total: string | null, previous_star: number | null, done_before: Array<DoneAction>, };
