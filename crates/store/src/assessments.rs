//! Assessments: a draft autosaved on every change, finalised (result, content hash, outbox row)
//! in one transaction, corrected by new revisions. The criteria set is frozen with the record.

use ovop_core::council::CouncilResult;
use ovop_core::{parse_set, Answer, Answers, CriteriaSet, Rubric, ScoreResult, Standing, Verdict};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;

pub use crate::council::CouncilSheet;
pub(crate) use crate::council::{council_of, council_sheets, members_of};
use crate::{new_id, Result, Store, StoreError};

use ovop_protocol::{AssessmentBody, SetRef};
/// The visit's types travel as they are stored: they are the protocol's.
pub use ovop_protocol::{Assessor, EvidenceDocument, Roster, Visit};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Assessment {
    pub id: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub revision: i64,
    #[cfg_attr(feature = "bindings", ts(type = "number | null"))]
    pub supersedes: Option<i64>,
    pub reason: Option<String>,
    pub product_id: String,
    pub criteria_hash: String,
    pub status: String,
    pub visit: Visit,
    pub answers: Answers,
    pub result: Option<ScoreResult>,
    /// The council's result (average, divergence) when several members scored, once final.
    pub council: Option<CouncilResult>,
    /// The official verdict decided at finalisation (see [`Store::verdict_of`] for a draft's).
    pub verdict: Option<Verdict>,
    pub content_hash: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub finalized_at: Option<String>,
    /// Pulled from the office, made on another laptop: the officer who owns it there.
    pub pulled_from: Option<String>,
    /// Pulled, and owned by this laptop's officer (who may correct it).
    pub pulled_mine: bool,
}

/// What the home screen counts: drafts, final assessments, and those waiting to sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct HomeCounts {
    pub drafts: u32,
    pub finals: u32,
    pub waiting: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxEntry {
    pub seq: i64,
    pub kind: String,
    pub record_id: String,
    pub revision: i64,
    pub state: String,
    pub created_at: String,
}

pub use ovop_core::change::DraftChange;

/// What a change left: the result, the answers as stored, and the answers it made impossible
/// (cleared in the same write).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Changed {
    /// The result of the sheet that changed.
    pub result: ScoreResult,
    pub answers: Answers,
    pub cleared: Vec<String>,
    /// The council's result as it stands, when several members score.
    pub council: Option<CouncilResult>,
}

pub(crate) const COLUMNS: &str = "id, revision, supersedes, reason, product_id, criteria_hash, status, assessed_on, region_code,
  latitude, longitude, assessors, answers, result, content_hash, created_at, updated_at, finalized_at, council_result, verdict,
  round, level, kind, roster, pulled_officer, pulled_mine";

pub(crate) fn row(r: &rusqlite::Row) -> rusqlite::Result<Assessment> {
    let json = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let bad = |i: usize, e: serde_json::Error| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    };
    let result: Option<String> = r.get(13)?;
    let council: Option<String> = r.get(18)?;
    let verdict: Option<String> = r.get(19)?;
    let roster: Option<String> = r.get(23)?;
    Ok(Assessment {
        id: r.get(0)?,
        revision: r.get(1)?,
        supersedes: r.get(2)?,
        reason: r.get(3)?,
        product_id: r.get(4)?,
        criteria_hash: r.get(5)?,
        status: r.get(6)?,
        visit: Visit {
            assessed_on: r.get(7)?,
            region_code: r.get(8)?,
            latitude: r.get(9)?,
            longitude: r.get(10)?,
            assessors: serde_json::from_str(&json(11)?).map_err(|e| bad(11, e))?,
            round: r.get(20)?,
            level: r.get(21)?,
            kind: r
                .get::<_, Option<String>>(22)?
                .and_then(|k| ovop_core::AssessmentKind::parse(&k)),
            roster: roster
                .map(|s| serde_json::from_str(&s))
                .transpose()
                .map_err(|e| bad(23, e))?,
        },
        answers: serde_json::from_str(&json(12)?).map_err(|e| bad(12, e))?,
        result: result
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| bad(13, e))?,
        council: council
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| bad(18, e))?,
        verdict: verdict
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| bad(19, e))?,
        content_hash: r.get(14)?,
        created_at: r.get(15)?,
        updated_at: r.get(16)?,
        finalized_at: r.get(17)?,
        pulled_from: r.get(24)?,
        pulled_mine: r.get::<_, i64>(25)? != 0,
    })
}

/// A visit whose round or level its programme does not have is refused in words.
fn checked_visit(programme: ovop_core::criteria::Programme, visit: &Visit) -> Result<()> {
    ovop_core::programme::check_visit(
        programme,
        visit.round.as_deref(),
        visit.level.as_deref(),
        visit.assessed_on.as_deref(),
    )
    .map_err(|e| StoreError::Invalid(e.message))
}

pub(crate) fn encode<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn evidence_rows(
    conn: &rusqlite::Connection,
    id: &str,
    revision: i64,
) -> Result<Vec<EvidenceDocument>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, criterion, present, number, issued_on, issuer, expires_on, note FROM evidence_document
         WHERE assessment_id = ?1 AND revision = ?2 ORDER BY criterion, kind",
    )?;
    let rows = stmt.query_map(params![id, revision], |r| {
        Ok(EvidenceDocument {
            kind: r.get(0)?,
            criterion: r.get(1)?,
            present: r.get(2)?,
            number: r.get(3)?,
            issued_on: r.get(4)?,
            issuer: r.get(5)?,
            expires_on: r.get(6)?,
            note: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Dossier documents that belong to the producer rather than to one product: a new product's
/// first assessment starts with these from the producer's other products.
const PRODUCER_DOCUMENTS: &[&str] = &["nib"];

/// Fills a new draft's dossier from the latest assessment (by visit day, then last change) of
/// the same product that recorded one; failing that, the producer's own documents
/// ([`PRODUCER_DOCUMENTS`]) from the latest of its other products. Each document keeps its
/// number, issuer, dates, note and scans but is not ticked as shown: the officer ticks what
/// the producer shows on this visit, and a document that expired before it is marked by its
/// date.
fn carry_dossier(tx: &Transaction, id: &str, product_id: &str, now: &str) -> Result<()> {
    // Two queries, not one with a condition on which: each is found by an index (the
    // product's assessments; the producer's products, then theirs), never by a scan of all.
    let source = |same_product: bool| -> Result<Option<(String, i64)>> {
        let whose = if same_product {
            "a.product_id = ?2"
        } else {
            "p.producer_id = (SELECT producer_id FROM product WHERE id = ?2) AND p.id != ?2"
        };
        Ok(tx
            .query_row(
                &format!(
                    "SELECT a.id, a.revision FROM assessment a JOIN product p ON p.id = a.product_id
                     WHERE {whose} AND a.id != ?1
                       AND a.revision = (SELECT max(revision) FROM assessment b WHERE b.id = a.id)
                       AND EXISTS (SELECT 1 FROM evidence_document d
                                   WHERE d.assessment_id = a.id AND d.revision = a.revision AND d.criterion = '')
                     ORDER BY a.assessed_on DESC, a.updated_at DESC, a.revision DESC LIMIT 1"
                ),
                params![id, product_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    };
    let copy = |(from, revision): (String, i64), kinds: Option<&[&str]>| -> Result<()> {
        let kinds = kinds.map(|k| encode(&k)).transpose()?;
        tx.execute(
            "INSERT INTO evidence_document (assessment_id, revision, kind, criterion, present, number, issued_on, issuer, expires_on, note)
             SELECT ?1, 1, kind, '', 0, number, issued_on, issuer, expires_on, note
             FROM evidence_document WHERE assessment_id = ?2 AND revision = ?3 AND criterion = ''
               AND (?4 IS NULL OR kind IN (SELECT value FROM json_each(?4)))",
            params![id, from, revision, kinds],
        )?;
        // The scans of the documents carried over come along (the photos are the same files).
        tx.execute(
            "INSERT INTO photo_link (owner_kind, owner_id, sha256, name, criterion, added_at)
             SELECT 'assessment', ?1, l.sha256, l.name, l.criterion, ?3
             FROM photo_link l
             WHERE l.owner_kind = 'assessment' AND l.owner_id = ?2
               AND EXISTS (SELECT 1 FROM evidence_document d WHERE d.assessment_id = ?1
                           AND d.criterion = '' AND ?4 || d.kind = l.criterion)
             ON CONFLICT DO NOTHING",
            params![id, from, now, crate::photos::DOSSIER_SCAN],
        )?;
        Ok(())
    };
    if let Some(found) = source(true)? {
        copy(found, None)
    } else if let Some(found) = source(false)? {
        copy(found, Some(PRODUCER_DOCUMENTS))
    } else {
        Ok(())
    }
}

pub(crate) fn latest(tx: &Transaction, id: &str) -> Result<Assessment> {
    tx.query_row(
        &format!("SELECT {COLUMNS} FROM assessment WHERE id = ?1 ORDER BY revision DESC LIMIT 1"),
        [id],
        row,
    )
    .optional()?
    .ok_or_else(|| StoreError::NotFound {
        what: "assessment",
        id: id.into(),
    })
}

/// What keeps a verdict provisional, in words (the codes and details are in the verdict).
fn provisional_because(verdict: &Verdict) -> String {
    use ovop_core::Pending;
    let mut open: Vec<(Option<&str>, Vec<&str>)> = Vec::new();
    let mut other = Vec::new();
    for p in &verdict.pending {
        match p {
            Pending::GatesUnanswered { member, gates: list }
            | Pending::Unanswered {
                member,
                criteria: list,
            } => {
                let member = member.as_deref();
                match open.iter_mut().find(|(m, _)| *m == member) {
                    Some((_, codes)) => codes.extend(list.iter().map(String::as_str)),
                    None => open.push((member, list.iter().map(String::as_str).collect())),
                }
            }
            Pending::Divergence { spread, allowed } => other.push(format!(
                "the members' totals differ by {spread}, more than the {allowed} allowed; the council discusses and scores again"
            )),
            Pending::Quorum { present, required, chair_required, chair_present } => {
                other.push(if *chair_required && !chair_present {
                    "the council's chair did not sit; the quorum needs them".to_string()
                } else {
                    format!("{present} members sat; the quorum is {required}")
                })
            }
            Pending::SittingUnknown => {
                other.push("the council's sitting (members appointed, the chair) is not recorded".into())
            }
            Pending::Knockout { .. } | Pending::GateFailed { .. } => {}
        }
    }
    let mut out: Vec<String> = open
        .into_iter()
        .map(|(member, codes)| match member {
            None => format!(
                "the sheet is not complete; unanswered: {}",
                codes.join(", ")
            ),
            Some(m) => format!(
                "the sheet of {m} is not complete; unanswered: {}",
                codes.join(", ")
            ),
        })
        .collect();
    out.extend(other);
    out.join("; ")
}

/// A revision's body as it travels: what the officer recorded (where, when, by whom, the
/// answers, the dossier, the other council members' sheets; its local hash covers that part),
/// then the set, `result`, the council's result, the local hash and when it was finalised, as
/// they are stored.
pub(crate) fn body_of(
    conn: &rusqlite::Connection,
    assessment: &Assessment,
    set: &CriteriaSet,
    council_sheets: Option<&[Answers]>,
    result: ScoreResult,
) -> Result<AssessmentBody> {
    Ok(AssessmentBody {
        id: assessment.id.clone(),
        revision: assessment.revision,
        supersedes: assessment.supersedes,
        reason: assessment.reason.clone(),
        product_id: assessment.product_id.clone(),
        criteria_hash: assessment.criteria_hash.clone(),
        visit: assessment.visit.clone(),
        answers: Some(assessment.answers.clone()),
        evidence: evidence_rows(conn, &assessment.id, assessment.revision)?,
        council: council_sheets.map(|sheets| sheets[1..].to_vec()),
        programme: set.programme,
        criteria: SetRef {
            id: set.id.clone(),
            version: set.version.clone(),
        },
        result,
        council_result: assessment.council.clone(),
        verdict: assessment.verdict.clone(),
        local_hash: assessment.content_hash.clone().unwrap_or_default(),
        finalized_at: assessment.finalized_at.clone(),
    })
}

impl Store {
    /// Freezes the set (by content hash) unless it is already stored.
    pub(crate) fn freeze_set(tx: &Transaction, rubric: &Rubric) -> Result<()> {
        let set = rubric.set();
        let existing: Option<String> = tx
            .query_row(
                "SELECT hash FROM criteria_set WHERE id = ?1 AND version = ?2",
                params![set.id, set.version],
                |r| r.get(0),
            )
            .optional()?;
        match existing {
            Some(hash) if hash == rubric.hash() => Ok(()),
            Some(_) => Err(StoreError::Invalid(format!(
                "criteria set {} {} is stored with other content; the changed set needs a new version",
                set.id, set.version
            ))),
            None => {
                tx.execute(
                    "INSERT INTO criteria_set (hash, id, version, json) VALUES (?1, ?2, ?3, ?4)",
                    params![rubric.hash(), set.id, set.version, encode(set)?],
                )?;
                Ok(())
            }
        }
    }

    /// Starts a draft assessment of a product with a criteria set. Returns its id. The dossier
    /// starts as the product's latest assessment left it, nothing ticked as shown yet.
    pub fn new_assessment(
        &mut self,
        product_id: &str,
        rubric: &Rubric,
        visit: &Visit,
        now: &str,
    ) -> Result<String> {
        self.product(product_id)?;
        let id = new_id();
        let answers = Answers {
            criteria: rubric.set().id.clone(),
            version: Some(rubric.set().version.clone()),
            ..Answers::default()
        };
        checked_visit(rubric.set().programme, visit)?;
        let tx = self.conn().transaction()?;
        Self::freeze_set(&tx, rubric)?;
        tx.execute(
            "INSERT INTO assessment (id, revision, product_id, criteria_hash, status, assessed_on, region_code, latitude, longitude,
               assessors, answers, created_at, updated_at, round, level, kind, roster)
             VALUES (?1, 1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?14)",
            params![
                id, product_id, rubric.hash(), visit.assessed_on, visit.region_code, visit.latitude, visit.longitude,
                encode(&visit.assessors)?, encode(&answers)?, now, visit.round, visit.level, visit.kind.map(|k| k.as_str()),
                visit.roster.as_ref().map(encode).transpose()?
            ],
        )?;
        carry_dossier(&tx, &id, product_id, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// The frozen criteria set an assessment uses.
    pub fn frozen_set(&self, hash: &str) -> Result<CriteriaSet> {
        let json: String = self
            .read()
            .query_row(
                "SELECT json FROM criteria_set WHERE hash = ?1",
                [hash],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "criteria set",
                id: hash.into(),
            })?;
        parse_set(&json)
            .map_err(|e| StoreError::Corrupt(format!("frozen criteria set {hash}: {e}")))
    }

    /// The engine of an assessment's frozen criteria set (kept by content hash after the first
    /// use: a frozen set never changes).
    pub fn rubric_of(&self, assessment: &Assessment) -> Result<std::sync::Arc<Rubric>> {
        /// Sets kept at most: a laptop scores against a handful at a time.
        const KEPT: usize = 16;
        let hash = &assessment.criteria_hash;
        if let Some(rubric) = self
            .rubrics
            .lock()
            .ok()
            .and_then(|kept| kept.get(hash).cloned())
        {
            return Ok(rubric);
        }
        let set = self.frozen_set(hash)?;
        let rubric = std::sync::Arc::new(Rubric::new(set).map_err(|_| {
            StoreError::Corrupt(format!("frozen criteria set {hash} no longer validates"))
        })?);
        if let Ok(mut kept) = self.rubrics.lock() {
            if kept.len() >= KEPT {
                kept.clear();
            }
            kept.insert(hash.clone(), std::sync::Arc::clone(&rubric));
        }
        Ok(rubric)
    }

    /// Autosave: replaces the draft's answers (one statement, one transaction). Refused once final.
    pub fn save_answers(&mut self, id: &str, answers: &Answers, now: &str) -> Result<()> {
        let changed = self.conn().execute(
            "UPDATE assessment SET answers = ?2, updated_at = ?3
             WHERE id = ?1 AND status = 'draft' AND revision = (SELECT max(revision) FROM assessment WHERE id = ?1)",
            params![id, encode(answers)?, now],
        )?;
        if changed == 0 {
            let tx = self.conn().transaction()?;
            latest(&tx, id)?;
            return Err(StoreError::Locked(id.into()));
        }
        Ok(())
    }

    /// Sets or clears one answer, checking the sheet with the engine first (an answer the
    /// engine would refuse is not stored).
    pub fn answer(
        &mut self,
        id: &str,
        code: &str,
        answer: Option<Answer>,
        now: &str,
    ) -> Result<ScoreResult> {
        let change = DraftChange::Answer {
            code: code.to_string(),
            answer,
        };
        Ok(self.change(id, &change, now)?.result)
    }

    /// Applies one change of the officer to a draft (a level, a note, an observed knock-out, a
    /// gate) and autosaves it, after the engine has checked the whole sheet with it: a change
    /// the engine refuses is not stored.
    ///
    /// A change can make other answers impossible: a lower level on 3.2 makes 3.3 not apply, a
    /// knock-out that stops the sheet ends the criteria after it. Those answers are cleared in
    /// the same write and named in `cleared`, so the officer is told; the change itself is
    /// never altered.
    pub fn change(&mut self, id: &str, change: &DraftChange, now: &str) -> Result<Changed> {
        self.change_member(id, 1, change, now)
    }

    /// `change` on the sheet of one council member (1 is the assessment's own sheet).
    pub fn change_member(
        &mut self,
        id: &str,
        member: u32,
        change: &DraftChange,
        now: &str,
    ) -> Result<Changed> {
        self.change_member_asking(id, member, change, true, now)
    }

    /// `change_member`, asking first: unless `confirmed`, a change that stops the sheet and
    /// would clear answers after it is refused with [`StoreError::WouldStop`] (the engine's
    /// reason for each answer it would clear) and nothing is saved. The officer confirms, and
    /// the same change is sent again `confirmed`.
    pub fn change_member_asking(
        &mut self,
        id: &str,
        member: u32,
        change: &DraftChange,
        confirmed: bool,
        now: &str,
    ) -> Result<Changed> {
        let mut current = self.assessment(id)?;
        if current.status != "draft" {
            return Err(StoreError::Locked(id.into()));
        }
        let rubric = self.rubric_of(&current)?;
        let answers = if member == 1 {
            std::mem::take(&mut current.answers)
        } else {
            self.members(id, current.revision)?
                .into_iter()
                .find(|m| m.member == member)
                .ok_or_else(|| StoreError::NotFound {
                    what: "council member",
                    id: format!("{id} #{member}"),
                })?
                .answers
        };
        let settled = rubric
            .apply(&answers, change)
            .map_err(StoreError::Answers)?;
        let stopped = settled.stopped();
        if !confirmed && !stopped.is_empty() {
            return Err(StoreError::WouldStop(
                stopped.into_iter().cloned().collect(),
            ));
        }
        if member == 1 {
            self.save_answers(id, &settled.answers, now)?;
        } else {
            self.save_member_answers(id, current.revision, member, &settled.answers, now)?;
        }
        // The council as it stands now, from the record as just saved (not read again; the
        // other members' sheets are read by `council_of`).
        if member == 1 {
            current.answers = settled.answers.clone();
        }
        let council = self.council_of(&current)?;
        Ok(Changed {
            result: settled.result,
            answers: settled.answers,
            cleared: settled.cleared,
            council,
        })
    }

    /// A draft's result as it stands (a final revision keeps the result it was locked with).
    pub fn current_result(&self, assessment: &Assessment) -> Result<ScoreResult> {
        if let Some(result) = &assessment.result {
            return Ok(result.clone());
        }
        self.rubric_of(assessment)?
            .score(&assessment.answers)
            .map_err(|errors| {
                StoreError::Corrupt(format!(
                    "the stored answers of {} no longer score: {}",
                    assessment.id,
                    errors
                        .iter()
                        .map(|e| e.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ))
            })
    }

    /// The official verdict of a revision: the one decided at finalisation, else the verdict
    /// of the sheets as they stand (a draft's is provisional until it is complete).
    pub fn verdict_of(&self, assessment: &Assessment) -> Result<Verdict> {
        if let Some(verdict) = &assessment.verdict {
            return Ok(verdict.clone());
        }
        let result = self.current_result(assessment)?;
        let council = self.council_of(assessment)?;
        self.verdict_over(assessment, &result, council.as_ref())
    }

    /// [`Store::verdict_of`] for a caller that has the revision's result and council's result
    /// already ([`Store::current_result`], [`Store::council_of`]): nothing is scored again.
    pub fn verdict_over(
        &self,
        assessment: &Assessment,
        result: &ScoreResult,
        council: Option<&CouncilResult>,
    ) -> Result<Verdict> {
        if let Some(verdict) = &assessment.verdict {
            return Ok(verdict.clone());
        }
        let sitting = council.and_then(|c| {
            let names: Vec<&str> = c.members.iter().map(|m| m.member.as_str()).collect();
            assessment.visit.sitting_of(&names)
        });
        Ok(self
            .rubric_of(assessment)?
            .decide_sitting(result, council, sitting.as_ref()))
    }

    /// Locks the latest draft revision: scores it with its frozen set, stores the result and the
    /// record's content hash, and queues it in the outbox, all in one transaction. An incomplete
    /// sheet is refused with what is missing.
    pub fn finalize(&mut self, id: &str, now: &str) -> Result<Assessment> {
        let tx = self.conn().transaction()?;
        let mut draft = latest(&tx, id)?;
        if draft.status != "draft" {
            return Err(StoreError::Locked(id.into()));
        }
        let json: String = tx.query_row(
            "SELECT json FROM criteria_set WHERE hash = ?1",
            [&draft.criteria_hash],
            |r| r.get(0),
        )?;
        let set = parse_set(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let rubric =
            Rubric::new(set).map_err(|_| StoreError::Corrupt("frozen criteria set".into()))?;
        let result = rubric.score(&draft.answers).map_err(|errors| {
            StoreError::Invalid(
                errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?;
        // A council: the verdict over every member's sheet; one assessor: their sheet's.
        let members = members_of(&tx, &draft.id, draft.revision)?;
        let council = if members.is_empty() {
            // One assessor: a roster left from members since removed is not part of the record.
            if draft.visit.roster.take().is_some() {
                tx.execute(
                    "UPDATE assessment SET roster = NULL WHERE id = ?1 AND revision = ?2",
                    params![id, draft.revision],
                )?;
            }
            None
        } else {
            let sheets = council_sheets(&draft, &members);
            let council = rubric.score_council(&sheets).map_err(|errors| {
                StoreError::Invalid(
                    errors
                        .iter()
                        .map(|e| format!("{}: {}", e.member, e.error.message))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
            })?;
            Some((council, sheets))
        };
        let sitting = council
            .as_ref()
            .and_then(|(_, sheets)| draft.visit.sitting(sheets));
        let verdict =
            rubric.decide_sitting(&result, council.as_ref().map(|(c, _)| c), sitting.as_ref());
        // Only a decided result is final: a provisional one says why it is not.
        if verdict.standing == Standing::Provisional {
            return Err(StoreError::Invalid(provisional_because(&verdict)));
        }
        // A council's verdict is not final without its roster and the programme's quorum.
        if let Some((_, sheets)) = &council {
            draft
                .visit
                .council_quorum(sheets, rubric.council_quorum())
                .map_err(|e| StoreError::NoQuorum(e.to_string()))?;
        }
        let sheets = council.as_ref().map(|(_, s)| s.as_slice());
        let hash = body_of(&tx, &draft, rubric.set(), sheets, result.clone())?
            .local_hash_of()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let (total, star) = (verdict.total, verdict.star);
        let council_json = council.as_ref().map(|(c, _)| encode(c)).transpose()?;
        tx.execute(
            "UPDATE assessment SET status = 'final', result = ?3, total = ?4, star = ?5, content_hash = ?6, finalized_at = ?7, updated_at = ?7,
               council_result = ?8, verdict = ?9
             WHERE id = ?1 AND revision = ?2",
            params![id, draft.revision, encode(&result)?, total, star, hash, now, council_json, encode(&verdict)?],
        )?;
        tx.execute(
            "INSERT INTO outbox (kind, record_id, revision, created_at) VALUES ('assessment', ?1, ?2, ?3)",
            params![id, draft.revision, now],
        )?;
        let done = latest(&tx, id)?;
        tx.commit()?;
        Ok(done)
    }

    /// A correction after final: a new draft revision that names the one it supersedes, with
    /// the same answers to start from. The final revision stays as it was.
    pub fn correct(&mut self, id: &str, reason: &str, now: &str) -> Result<i64> {
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid("a correction needs a reason".into()));
        }
        let tx = self.conn().transaction()?;
        let last = latest(&tx, id)?;
        if let (Some(owner), false) = (&last.pulled_from, last.pulled_mine) {
            return Err(StoreError::NotYours(format!(
                "{id} belongs to {owner}; only they (or the office, by handing it over) can correct it"
            )));
        }
        if last.status == "draft" {
            return Err(StoreError::Invalid(format!(
                "revision {} of {id} is still a draft; edit it instead",
                last.revision
            )));
        }
        let revision = last.revision + 1;
        tx.execute(
            "INSERT INTO assessment (id, revision, supersedes, reason, product_id, criteria_hash, status, assessed_on, region_code,
               latitude, longitude, assessors, answers, created_at, updated_at, round, level, kind, roster)
             SELECT id, ?2, revision, ?3, product_id, criteria_hash, 'draft', assessed_on, region_code, latitude, longitude,
               assessors, answers, ?4, ?4, round, level, kind, roster
             FROM assessment WHERE id = ?1 AND revision = ?5",
            params![id, revision, reason.trim(), now, last.revision],
        )?;
        tx.execute(
            "INSERT INTO evidence_document (assessment_id, revision, kind, criterion, present, number, issued_on, issuer, expires_on, note)
             SELECT assessment_id, ?2, kind, criterion, present, number, issued_on, issuer, expires_on, note
             FROM evidence_document WHERE assessment_id = ?1 AND revision = ?3",
            params![id, revision, last.revision],
        )?;
        tx.execute(
            "INSERT INTO council_sheet (assessment_id, revision, member, assessor, answers, updated_at)
             SELECT assessment_id, ?2, member, assessor, answers, ?4
             FROM council_sheet WHERE assessment_id = ?1 AND revision = ?3",
            params![id, revision, last.revision, now],
        )?;
        tx.commit()?;
        Ok(revision)
    }

    /// Changes where, when and by whom while the latest revision is a draft.
    pub fn set_visit(&mut self, id: &str, visit: &Visit, now: &str) -> Result<()> {
        let tx = self.conn().transaction()?;
        let draft = latest(&tx, id)?;
        if draft.status != "draft" {
            return Err(StoreError::Locked(id.into()));
        }
        let programme: Option<String> = tx.query_row(
            "SELECT json_extract(json, '$.programme') FROM criteria_set WHERE hash = ?1",
            params![draft.criteria_hash],
            |r| r.get(0),
        )?;
        let programme = programme
            .as_deref()
            .and_then(ovop_core::criteria::Programme::parse)
            .unwrap_or(ovop_core::criteria::Programme::Other);
        checked_visit(programme, visit)?;
        tx.execute(
            "UPDATE assessment SET assessed_on = ?3, region_code = ?4, latitude = ?5, longitude = ?6, assessors = ?7,
               updated_at = ?8, round = ?9, level = ?10, kind = ?11, roster = ?12
             WHERE id = ?1 AND revision = ?2",
            params![
                id, draft.revision, visit.assessed_on, visit.region_code, visit.latitude, visit.longitude,
                encode(&visit.assessors)?, now, visit.round, visit.level, visit.kind.map(|k| k.as_str()),
                visit.roster.as_ref().map(encode).transpose()?
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Records a dossier document on the draft (replacing the same kind for the same criterion).
    pub fn set_evidence(&mut self, id: &str, doc: &EvidenceDocument) -> Result<()> {
        if doc.kind.trim().is_empty() {
            return Err(StoreError::Invalid("a document needs a kind".into()));
        }
        let tx = self.conn().transaction()?;
        let draft = latest(&tx, id)?;
        if draft.status != "draft" {
            return Err(StoreError::Locked(id.into()));
        }
        tx.execute(
            "INSERT INTO evidence_document (assessment_id, revision, kind, criterion, present, number, issued_on, issuer, expires_on, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT (assessment_id, revision, kind, criterion) DO UPDATE SET present = excluded.present, number = excluded.number,
               issued_on = excluded.issued_on, issuer = excluded.issuer, expires_on = excluded.expires_on, note = excluded.note",
            params![id, draft.revision, doc.kind.trim(), doc.criterion, doc.present, doc.number, doc.issued_on, doc.issuer, doc.expires_on, doc.note],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The dossier of an assessment revision.
    pub fn evidence(&self, id: &str, revision: i64) -> Result<Vec<EvidenceDocument>> {
        evidence_rows(self.read(), id, revision)
    }

    /// The latest revision.
    pub fn assessment(&self, id: &str) -> Result<Assessment> {
        self.read()
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM assessment WHERE id = ?1 ORDER BY revision DESC LIMIT 1"
                ),
                [id],
                row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "assessment",
                id: id.into(),
            })
    }

    pub fn revisions(&self, id: &str) -> Result<Vec<Assessment>> {
        let mut stmt = self.read().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM assessment WHERE id = ?1 ORDER BY revision"
        ))?;
        let rows = stmt.query_map([id], row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The latest revision of every assessment, optionally of one status or product, newest first.
    pub fn assessments(
        &self,
        status: Option<&str>,
        product_id: Option<&str>,
    ) -> Result<Vec<Assessment>> {
        let mut stmt = self.read().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM assessment a
             WHERE revision = (SELECT max(revision) FROM assessment b WHERE b.id = a.id)
               AND (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR product_id = ?2)
             ORDER BY updated_at DESC, id"
        ))?;
        let rows = stmt.query_map(params![status, product_id], row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The latest final (or synced, reviewed) revision of every assessment: what an office
    /// exports. A correction still in draft does not hide the revision it corrects.
    pub fn final_assessments(&self) -> Result<Vec<Assessment>> {
        let mut stmt = self.read().prepare_cached(&format!(
            "SELECT {COLUMNS} FROM assessment a
             WHERE status <> 'draft'
               AND revision = (SELECT max(revision) FROM assessment b WHERE b.id = a.id AND b.status <> 'draft')
             ORDER BY finalized_at, id"
        ))?;
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    pub fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.read().prepare_cached(
            "SELECT seq, kind, record_id, revision, state, created_at FROM outbox ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OutboxEntry {
                seq: r.get(0)?,
                kind: r.get(1)?,
                record_id: r.get(2)?,
                revision: r.get(3)?,
                state: r.get(4)?,
                created_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Counts for the home screen.
    pub fn counts(&self) -> Result<HomeCounts> {
        Ok(self.read().query_row(
            "SELECT (SELECT count(DISTINCT id) FROM assessment WHERE status = 'draft'),
                    (SELECT count(*) FROM assessment WHERE status = 'final'),
                    (SELECT count(*) FROM outbox WHERE state IN ('waiting', 'sending'))",
            [],
            |r| {
                Ok(HomeCounts {
                    drafts: r.get(0)?,
                    finals: r.get(1)?,
                    waiting: r.get(2)?,
                })
            },
        )?)
    }
}
