//! The district office's side: assessments listed and filtered within the reviewer's regions,
//! opened with their photos, approved or returned with comments (who and when recorded, the
//! officer told at the next pull), exported as CSV or XLSX, counted per region and star.
//!
//! Every filter value is bound as a parameter, never spliced into SQL.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::read_json;
use crate::auth::{Actor, Role};
use crate::db::{Row, Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::regions::{within, Regions};
use crate::AppState;

/// What a list, an export or the statistics are narrowed to. Empty values are ignored.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Filter {
    /// A region code of any level: everything inside it.
    pub region: Option<String>,
    pub programme: Option<String>,
    pub product_set: Option<String>,
    /// `1` to `5`, or `none` (no star: disqualified).
    pub star: Option<String>,
    /// `submitted`, `approved`, `returned`.
    pub status: Option<String>,
    /// The officer's user name.
    pub officer: Option<String>,
    /// A round (`2026-1`), or `unknown` for assessments that name none.
    pub round: Option<String>,
    /// A programme level (`province`), or `unknown`.
    pub level: Option<String>,
    /// `new`, `reassessment`, `upgrade`, or `unknown`.
    pub kind: Option<String>,
    /// Proposed to a level (`province`), `any` level, or `none`.
    pub proposed: Option<String>,
    /// In a forwarding batch (its number), forwarded in `any`, or `none` (not yet forwarded).
    pub forwarded: Option<String>,
    /// Assessed on or after, `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Assessed on or before, `YYYY-MM-DD`.
    pub to: Option<String>,
    /// `csv` or `xlsx` (exports only).
    pub format: Option<String>,
    /// The dashboard's language (ignored by the API).
    pub lang: Option<String>,
    /// Page of 200 rows, from 0 (lists only).
    pub page: Option<u32>,
}

pub(crate) fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn is_date(text: &str) -> bool {
    text.len() == 10
        && time::Date::parse(
            text,
            &time::macros::format_description!("[year]-[month]-[day]"),
        )
        .is_ok()
}

impl Filter {
    /// Refuses values that cannot match anything with `review.bad_filter`, naming the field.
    pub fn check(&self) -> ApiResult<()> {
        let bad = |field: &str, message: &str| {
            Err(ApiError::bad(
                "review.bad_filter",
                Some(field),
                message.to_string(),
            ))
        };
        if let Some(star) = given(&self.star) {
            if !matches!(star, "1" | "2" | "3" | "4" | "5" | "none") {
                return bad("star", "a star is 1 to 5, or none");
            }
        }
        if let Some(status) = given(&self.status) {
            if !matches!(status, "submitted" | "approved" | "returned") {
                return bad("status", "a status is submitted, approved or returned");
            }
        }
        for (field, value) in [("from", &self.from), ("to", &self.to)] {
            if given(value).is_some_and(|d| !is_date(d)) {
                return bad(field, "a date is YYYY-MM-DD");
            }
        }
        for (field, value) in [
            ("region", &self.region),
            ("programme", &self.programme),
            ("product_set", &self.product_set),
            ("officer", &self.officer),
        ] {
            if given(value).is_some_and(|v| v.len() > 200) {
                return bad(field, "at most 200 characters");
            }
        }
        if let Some(round) = given(&self.round) {
            if round != "unknown"
                && ovop_core::Round::parse(round).is_none_or(|r| r.code() != round)
            {
                return bad(
                    "round",
                    "a round is a year and its round, written 2026-1, or unknown",
                );
            }
        }
        if let Some(kind) = given(&self.kind) {
            if kind != "unknown" && ovop_core::AssessmentKind::parse(kind).is_none() {
                return bad("kind", "a kind is new, reassessment, upgrade or unknown");
            }
        }
        if given(&self.level).is_some_and(|v| v.len() > 40) {
            return bad("level", "at most 40 characters");
        }
        if given(&self.proposed).is_some_and(|v| v.len() > 40) {
            return bad("proposed", "at most 40 characters");
        }
        if given(&self.forwarded).is_some_and(|f| {
            f != "any" && f != "none" && !(f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()))
        }) {
            return bad("forwarded", "a batch's number, any or none");
        }
        if given(&self.format).is_some_and(|f| f != "csv" && f != "xlsx") {
            return bad("format", "an export is csv or xlsx");
        }
        Ok(())
    }

    /// The WHERE clause over `assessment a` (latest revisions, within the actor's regions).
    pub(crate) fn sql(&self, actor: &Actor, params: &mut Vec<Val>) -> String {
        let mut clauses = vec![
            "NOT EXISTS (SELECT 1 FROM assessment n WHERE n.id = a.id AND n.revision > a.revision)"
                .to_string(),
        ];
        let bind = |params: &mut Vec<Val>, value: Val| {
            params.push(value);
            format!("${}", params.len())
        };
        if actor.user.role != Role::Admin {
            clauses.push(crate::regions::sql_within(
                &actor.user.regions,
                "a.region_path",
                params,
            ));
        }
        if let Some(region) = given(&self.region) {
            clauses.push(format!(
                "a.region_path LIKE {}",
                bind(
                    params,
                    Val::Text(format!("%|{}|%", region.replace(['%', '_'], "")))
                )
            ));
        }
        if let Some(programme) = given(&self.programme) {
            clauses.push(format!(
                "a.programme = {}",
                bind(params, Val::from(programme.to_lowercase()))
            ));
        }
        if let Some(set) = given(&self.product_set) {
            clauses.push(format!("a.product_set = {}", bind(params, Val::from(set))));
        }
        match given(&self.star) {
            Some("none") => clauses.push("a.star IS NULL".into()),
            Some(star) => clauses.push(format!(
                "a.star = {}",
                bind(params, Val::Int(star.parse().unwrap_or(0)))
            )),
            None => {}
        }
        if let Some(status) = given(&self.status) {
            clauses.push(format!("a.status = {}", bind(params, Val::from(status))));
        }
        if let Some(officer) = given(&self.officer) {
            clauses.push(format!(
                "u.name = {}",
                bind(params, Val::from(officer.to_lowercase()))
            ));
        }
        for (column, value) in [
            ("a.round", &self.round),
            ("a.level", &self.level),
            ("a.kind", &self.kind),
        ] {
            match given(value) {
                Some("unknown") => clauses.push(format!("{column} IS NULL")),
                Some(value) => {
                    clauses.push(format!("{column} = {}", bind(params, Val::from(value))))
                }
                None => {}
            }
        }
        match given(&self.proposed) {
            Some("any") => clauses.push("a.proposed_level IS NOT NULL".into()),
            Some("none") => clauses.push("a.proposed_level IS NULL".into()),
            Some(level) => clauses.push(format!(
                "a.proposed_level = {}",
                bind(params, Val::from(level))
            )),
            None => {}
        }
        match given(&self.forwarded) {
            Some("any") => clauses.push(
                "EXISTS (SELECT 1 FROM forward_item fi WHERE fi.assessment_id = a.id)".into(),
            ),
            Some("none") => clauses.push(
                "NOT EXISTS (SELECT 1 FROM forward_item fi WHERE fi.assessment_id = a.id)".into(),
            ),
            Some(batch) => clauses.push(format!(
                "EXISTS (SELECT 1 FROM forward_item fi WHERE fi.assessment_id = a.id AND fi.batch_id = {})",
                bind(params, Val::Int(batch.parse().unwrap_or(0)))
            )),
            None => {}
        }
        if let Some(from) = given(&self.from) {
            clauses.push(format!(
                "a.assessed_on >= {}",
                bind(params, Val::from(from))
            ));
        }
        if let Some(to) = given(&self.to) {
            clauses.push(format!("a.assessed_on <= {}", bind(params, Val::from(to))));
        }
        clauses.join(" AND ")
    }
}

/// One assessment in a list or an export.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Listed {
    pub id: String,
    pub revision: i64,
    pub product: String,
    pub producer: String,
    pub programme: String,
    pub product_set: String,
    pub criteria_set: String,
    pub criteria_version: String,
    pub region_code: String,
    pub region_name: String,
    pub officer: String,
    pub assessed_on: String,
    /// The official total (the council's average after the set's rounding rule, e.g. 89.5).
    pub total: f64,
    pub max_total: i64,
    pub star_by_score: i64,
    pub star: Option<i64>,
    pub status: String,
    pub received_at: String,
    /// Photos and scans not yet received in full.
    pub blobs_missing: i64,
    /// `final` or `not_classified` (a knock-out, a failed gate).
    pub standing: String,
    /// The sheets the verdict is over: 1, or the council's members.
    pub sheets: i64,
    /// The round (`2026-1`), level and kind the assessment names; none when it was made
    /// before they were recorded.
    pub round: Option<String>,
    pub level: Option<String>,
    pub kind: Option<String>,
    /// A council's quorum as received: `met`, or `unrecorded` (a council pushed without its
    /// roster); none for one assessor.
    pub quorum: Option<String>,
    /// The level the product is proposed to, when its star reaches the programme's threshold.
    pub proposed_level: Option<String>,
    /// Part code to points (a council's: the members' average).
    pub parts: BTreeMap<String, f64>,
}

/// How many columns [`LISTED_COLUMNS`] has: a query that selects more reads them from here.
const LISTED_COUNT: usize = 25;

pub(crate) const LISTED_COLUMNS: &str = "a.id, a.revision, a.product_name, a.producer_name, a.programme, a.product_set, a.criteria_set,
    a.criteria_version, a.region_code, u.name, a.assessed_on, a.total_hundredths, a.max_total, a.star_by_score, a.star, a.status,
    a.received_at,
    (SELECT COUNT(*) FROM record_blob rb JOIN blob b ON b.sha256 = rb.sha256
      WHERE rb.kind = 'assessment' AND rb.id = a.id AND rb.revision = a.revision AND b.complete_at IS NULL),
    a.standing, a.sheets, a.round, a.level, a.kind, a.quorum, a.proposed_level";

pub(crate) fn listed(row: &Row) -> Listed {
    let region_code = row.text(8);
    Listed {
        id: row.text(0),
        revision: row.int(1),
        product: row.text(2),
        producer: row.text(3),
        programme: row.text(4),
        product_set: row.text(5),
        criteria_set: row.text(6),
        criteria_version: row.text(7),
        region_name: Regions::get().name(&region_code).unwrap_or("").to_string(),
        region_code,
        officer: row.text(9),
        assessed_on: row.text(10),
        total: row.int(11) as f64 / 100.0,
        max_total: row.int(12),
        star_by_score: row.int(13),
        star: row.opt_int(14),
        status: row.text(15),
        received_at: row.text(16),
        blobs_missing: row.int(17),
        standing: row.text(18),
        sheets: row.int(19),
        round: row.opt_text(20),
        level: row.opt_text(21),
        kind: row.opt_text(22),
        quorum: row.opt_text(23),
        proposed_level: row.opt_text(24),
        parts: BTreeMap::new(),
    }
}

/// Assessments matching the filter, newest first; `limit` rows from `offset`, with their parts.
pub fn list_in(
    tx: &mut dyn Tx,
    actor: &Actor,
    filter: &Filter,
    limit: i64,
    offset: i64,
) -> ApiResult<Vec<Listed>> {
    let mut params = Vec::new();
    let clause = filter.sql(actor, &mut params);
    params.push(Val::Int(limit));
    params.push(Val::Int(offset));
    let (l, o) = (params.len() - 1, params.len());
    let rows = tx.query(
        &format!(
            "SELECT {LISTED_COLUMNS} FROM assessment a JOIN app_user u ON u.id = a.officer_id
             WHERE {clause} ORDER BY a.received_at DESC, a.id LIMIT ${l} OFFSET ${o}"
        ),
        &params,
    )?;
    let mut out: Vec<Listed> = rows.iter().map(listed).collect();
    crate::export::with_parts(tx, &mut out)?;
    Ok(out)
}

/// The rounds the assessments within the actor's regions name, newest first (the dashboard's
/// filter offers them).
pub fn rounds(tx: &mut dyn Tx, actor: &Actor) -> ApiResult<Vec<String>> {
    let mut params = Vec::new();
    let clause = Filter::default().sql(actor, &mut params);
    let mut rounds: Vec<String> = tx
        .query(
            &format!(
                "SELECT DISTINCT a.round FROM assessment a JOIN app_user u ON u.id = a.officer_id
                 WHERE {clause} AND a.round IS NOT NULL"
            ),
            &params,
        )?
        .iter()
        .map(|r| r.text(0))
        .collect();
    rounds.sort_by_key(|r| std::cmp::Reverse(ovop_core::Round::parse(r)));
    rounds.truncate(60);
    Ok(rounds)
}

pub fn reviewer(actor: &Actor) -> ApiResult<()> {
    actor.require(Role::Supervisor)
}

pub fn filter_from(query: Result<Query<Filter>, QueryRejection>) -> ApiResult<Filter> {
    let Query(filter) = query.map_err(|e| {
        ApiError::bad(
            "review.bad_filter",
            None,
            format!("the filter cannot be read: {e}"),
        )
    })?;
    filter.check()?;
    Ok(filter)
}

pub const PAGE: i64 = 200;

pub async fn list_json(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<Filter>, QueryRejection>,
) -> ApiResult<Json<Vec<Listed>>> {
    reviewer(&actor)?;
    let filter = filter_from(query)?;
    let offset = i64::from(filter.page.unwrap_or(0)) * PAGE;
    Ok(Json(
        state
            .db
            .read(move |tx| list_in(tx, &actor, &filter, PAGE, offset))
            .await?,
    ))
}

/// One assessment in full, for review.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Detail {
    pub assessment: Listed,
    pub body: Value,
    pub criteria: Vec<CriterionRow>,
    /// Part, points (a council's: the members' average), maximum.
    pub parts: Vec<(String, f64, i64)>,
    pub blobs: Vec<BlobRow>,
    pub decisions: Vec<Decision>,
    pub revisions: Vec<i64>,
    /// The official verdict the server decided (over the council's members when several
    /// scored): its total, star, standing and why.
    pub verdict: Option<ovop_core::Verdict>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CriterionRow {
    pub criterion: String,
    pub status: String,
    pub points: Option<i64>,
    pub max: i64,
    /// The criterion's words in each language, when the server has the set.
    #[serde(default)]
    pub text: Option<ovop_core::criteria::Text>,
    /// The chosen level's words.
    #[serde(default)]
    pub level: Option<ovop_core::criteria::Text>,
    /// The assessor's note.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BlobRow {
    pub sha256: String,
    pub size: i64,
    pub complete: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decision {
    pub revision: i64,
    pub decision: String,
    pub comment: String,
    pub reviewer: String,
    pub decided_at: String,
}

/// The latest revision of an assessment within the actor's regions.
pub fn detail_in(tx: &mut dyn Tx, actor: &Actor, id: &str) -> ApiResult<Detail> {
    let row = tx
        .query_opt(
            &format!(
                "SELECT {LISTED_COLUMNS}, a.region_path, a.verdict FROM assessment a JOIN app_user u ON u.id = a.officer_id
                 WHERE a.id = $1 ORDER BY a.revision DESC LIMIT 1"
            ),
            &[Val::from(id)],
        )?
        .ok_or_else(|| ApiError::not_found("review.unknown", "no such assessment on this server"))?;
    if actor.user.role != Role::Admin && !within(&row.text(LISTED_COUNT), &actor.user.regions) {
        return Err(ApiError::forbidden(
            "review.region_not_assigned",
            None,
            "this assessment is outside your regions",
        ));
    }
    let assessment = listed(&row);
    let verdict = row
        .opt_text(LISTED_COUNT + 1)
        .and_then(|v| serde_json::from_str::<ovop_core::Verdict>(&v).ok());
    let key = [Val::from(id), Val::Int(assessment.revision)];
    let body: Value = tx
        .query_opt(
            "SELECT body FROM record WHERE kind = 'assessment' AND id = $1 AND revision = $2",
            &key,
        )?
        .and_then(|r| serde_json::from_str(&r.text(0)).ok())
        .unwrap_or_default();
    // The words of the criteria and of the chosen levels, from the set it was scored on (by
    // its hash: shipped, published here or received from a laptop), else the published one.
    let hash = body["result"]["set"]["hash"].as_str().unwrap_or_default();
    let shipped = crate::ingest::catalog()
        .get(&assessment.criteria_set, Some(&assessment.criteria_version))
        .filter(|entry| entry.rubric.hash() == hash)
        .map(|entry| entry.rubric.set().clone());
    let set = match shipped {
        Some(set) => Some(set),
        None => match crate::received::set_body(tx, hash)? {
            Some(text) => ovop_core::parse_set(&text).ok(),
            None => tx
                .query_opt(
                    "SELECT body FROM criteria_set WHERE id = $1 AND version = $2",
                    &[
                        Val::from(&assessment.criteria_set),
                        Val::from(&assessment.criteria_version),
                    ],
                )?
                .and_then(|r| ovop_core::parse_set(&r.text(0)).ok()),
        },
    };
    let mut words: BTreeMap<String, (ovop_core::criteria::Text, Vec<ovop_core::criteria::Text>)> =
        BTreeMap::new();
    if let Some(set) = &set {
        for criterion in set
            .parts
            .iter()
            .flat_map(|p| &p.sections)
            .flat_map(|s| &s.criteria)
        {
            words.insert(
                criterion.code.clone(),
                (
                    criterion.text.clone(),
                    criterion.levels.iter().map(|l| l.text.clone()).collect(),
                ),
            );
        }
    }
    let answers: Option<ovop_core::Answers> = serde_json::from_value(body["answers"].clone()).ok();
    let criteria = tx
        .query("SELECT criterion, status, points, max FROM assessment_criterion WHERE id = $1 AND revision = $2 ORDER BY position", &key)?
        .iter()
        .map(|r| {
            let code = r.text(0);
            let known = words.get(&code);
            let level = match answers.as_ref().and_then(|a| a.answers.get(&code)) {
                Some(ovop_core::Answer::Level(position)) => known.and_then(|(_, levels)| levels.get((*position as usize).wrapping_sub(1)).cloned()),
                _ => None,
            };
            CriterionRow {
                note: answers.as_ref().and_then(|a| a.notes.get(&code).cloned()),
                text: known.map(|(text, _)| text.clone()),
                level,
                criterion: code,
                status: r.text(1),
                points: r.opt_int(2),
                max: r.int(3),
            }
        })
        .collect();
    let parts = tx
        .query("SELECT part, COALESCE(points_exact, points), max FROM assessment_part WHERE id = $1 AND revision = $2 ORDER BY part", &key)?
        .iter()
        .map(|r| (r.text(0), r.real(1), r.int(2)))
        .collect();
    let blobs = tx
        .query(
            "SELECT b.sha256, b.size, b.complete_at FROM record_blob rb JOIN blob b ON b.sha256 = rb.sha256
             WHERE rb.kind = 'assessment' AND rb.id = $1 AND rb.revision = $2 ORDER BY b.sha256",
            &key,
        )?
        .iter()
        .map(|r| BlobRow { sha256: r.text(0), size: r.int(1), complete: r.opt_text(2).is_some() })
        .collect();
    let decisions = tx
        .query(
            "SELECT d.revision, d.decision, d.comment, u.display_name, d.decided_at FROM decision d JOIN app_user u ON u.id = d.reviewer_id
             WHERE d.id = $1 ORDER BY d.seq",
            &[Val::from(id)],
        )?
        .iter()
        .map(|r| Decision { revision: r.int(0), decision: r.text(1), comment: r.text(2), reviewer: r.text(3), decided_at: r.text(4) })
        .collect();
    let revisions = tx
        .query(
            "SELECT revision FROM assessment WHERE id = $1 ORDER BY revision",
            &[Val::from(id)],
        )?
        .iter()
        .map(|r| r.int(0))
        .collect();
    Ok(Detail {
        assessment,
        body,
        criteria,
        parts,
        blobs,
        decisions,
        revisions,
        verdict,
    })
}

pub async fn detail_json(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> ApiResult<Json<Detail>> {
    reviewer(&actor)?;
    Ok(Json(
        state.db.read(move |tx| detail_in(tx, &actor, &id)).await?,
    ))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub revision: i64,
    /// `approved` or `returned`.
    pub decision: String,
    #[serde(default)]
    pub comment: String,
}

/// Records a decision on the latest revision, tells the officer through the change feed.
/// A name as people are matched by it: words joined by one space, case folded.
fn person(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether `actor` pushed a revision of the assessment, or is named among its assessors or its
/// council's members.
fn scored_by(tx: &mut dyn Tx, actor: &Actor, id: &str, body: &Value) -> ApiResult<bool> {
    let pushed = tx
        .query_opt(
            "SELECT 1 FROM assessment WHERE id = $1 AND officer_id = $2",
            &[Val::from(id), Val::Int(actor.user.id)],
        )?
        .is_some();
    let me = person(&actor.user.display_name);
    if pushed || me.is_empty() {
        return Ok(pushed);
    }
    let assessors = body["visit"]["assessors"].as_array().into_iter().flatten();
    let members = body["council"].as_array().into_iter().flatten();
    let names = assessors
        .map(|a| &a["name"])
        .chain(members.map(|m| &m["assessor"]))
        .filter_map(Value::as_str);
    Ok(names.map(person).any(|name| name == me))
}

pub fn decide_in(
    tx: &mut dyn Tx,
    actor: &Actor,
    id: &str,
    request: &DecisionRequest,
    now: &str,
) -> ApiResult<Decision> {
    if !matches!(request.decision.as_str(), "approved" | "returned") {
        return Err(ApiError::bad(
            "review.bad_decision",
            Some("decision"),
            "a decision is approved or returned",
        ));
    }
    let comment = request.comment.trim();
    if request.decision == "returned" && comment.is_empty() {
        return Err(ApiError::bad(
            "review.comment_required",
            Some("comment"),
            "say what the officer should correct",
        ));
    }
    if comment.chars().count() > 4000 {
        return Err(ApiError::bad(
            "review.comment_too_long",
            Some("comment"),
            "a comment has at most 4,000 characters",
        ));
    }
    tx.lock_changes()?;
    let detail = detail_in(tx, actor, id)?;
    if scored_by(tx, actor, id, &detail.body)? {
        return Err(ApiError::forbidden(
            "review.own_assessment",
            Some("id"),
            "nobody decides on an assessment they scored or sat on the council of",
        ));
    }
    if detail.assessment.revision != request.revision {
        return Err(ApiError::conflict(
            "review.not_latest",
            Some("revision"),
            format!(
                "revision {} is not the latest ({})",
                request.revision, detail.assessment.revision
            ),
        ));
    }
    let inserted = tx.exec(
        "INSERT INTO decision (id, revision, decision, comment, reviewer_id, decided_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id, revision) DO NOTHING",
        &[Val::from(id), Val::Int(request.revision), Val::from(&request.decision), Val::from(comment), Val::Int(actor.user.id), Val::from(now)],
    )?;
    if inserted == 0 {
        return Err(ApiError::conflict(
            "review.already_decided",
            Some("revision"),
            "this revision has a decision already",
        ));
    }
    tx.exec(
        "UPDATE assessment SET status = $3 WHERE id = $1 AND revision = $2",
        &[
            Val::from(id),
            Val::Int(request.revision),
            Val::from(&request.decision),
        ],
    )?;
    let officer = tx
        .query_opt(
            "SELECT officer_id FROM assessment WHERE id = $1 AND revision = $2",
            &[Val::from(id), Val::Int(request.revision)],
        )?
        .map(|r| r.int(0))
        .unwrap_or_default();
    let decision = Decision {
        revision: request.revision,
        decision: request.decision.clone(),
        comment: comment.to_string(),
        reviewer: actor.user.display_name.clone(),
        decided_at: now.to_string(),
    };
    let body = serde_json::json!({
        "assessment_id": id, "revision": decision.revision, "decision": decision.decision,
        "comment": decision.comment, "reviewer": decision.reviewer, "decided_at": decision.decided_at,
    });
    tx.exec(
        "INSERT INTO change (kind, ref_id, region_path, for_user, from_user, body, created_at) VALUES ('decision', $1, NULL, $2, $3, $4, $5)",
        &[Val::from(id), Val::Int(officer), Val::Int(actor.user.id), Val::from(body.to_string()), Val::from(now)],
    )?;
    Ok(decision)
}

pub async fn decide_json(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<Decision>)> {
    reviewer(&actor)?;
    let request: DecisionRequest = read_json(body, "review")?;
    let now = crate::now();
    let who = actor.user.name.clone();
    let decision = state
        .db
        .run(move |tx| decide_in(tx, &actor, &id, &request, &now))
        .await?;
    tracing::info!(reviewer = %who, decision = %decision.decision, "review decision");
    Ok((StatusCode::CREATED, Json(decision)))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoverRequest {
    /// The user name of the officer who carries the assessment on.
    pub officer: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Handover {
    pub id: String,
    pub from: String,
    pub to: String,
    pub by: String,
    pub handed_at: String,
}

/// Hands an assessment to another officer: a supervisor of its region does it, the officer
/// works in that region and is not disabled; from then on only their laptops push revisions.
pub fn hand_over_in(
    tx: &mut dyn Tx,
    actor: &Actor,
    id: &str,
    request: &HandoverRequest,
    now: &str,
) -> ApiResult<Handover> {
    // Unknown, or outside the supervisor's regions: refused as a review is.
    detail_in(tx, actor, id)?;
    let path = tx
        .query_opt(
            "SELECT region_path FROM assessment WHERE id = $1 ORDER BY revision DESC LIMIT 1",
            &[Val::from(id)],
        )?
        .map(|r| r.text(0))
        .unwrap_or_default();
    let name = request.officer.trim().to_lowercase();
    let to = crate::admin::user_by_name(tx, &name).map_err(|_| {
        ApiError::bad(
            "review.bad_officer",
            Some("officer"),
            "no officer of that user name",
        )
    })?;
    if to.role != Role::Officer || to.disabled || !within(&path, &to.regions) {
        return Err(ApiError::bad(
            "review.bad_officer",
            Some("officer"),
            "the assessment goes to an enabled officer who works in its region",
        ));
    }
    let current = tx
        .query_opt(
            "SELECT to_user FROM assessment_handover WHERE id = $1 ORDER BY seq DESC LIMIT 1",
            &[Val::from(id)],
        )?
        .map(|r| r.int(0));
    let from = match current {
        Some(user) => user,
        None => tx
            .query_opt(
                "SELECT user_id FROM record WHERE kind = 'assessment' AND id = $1 ORDER BY revision LIMIT 1",
                &[Val::from(id)],
            )?
            .map_or(0, |r| r.int(0)),
    };
    // The change feed stays in cursor order (see the push).
    tx.lock_changes()?;
    tx.exec(
        "INSERT INTO assessment_handover (id, from_user, to_user, by_user, handed_at) VALUES ($1, $2, $3, $4, $5)",
        &[Val::from(id), Val::Int(from), Val::Int(to.id), Val::Int(actor.user.id), Val::from(now)],
    )?;
    let from_name = tx
        .query_opt("SELECT name FROM app_user WHERE id = $1", &[Val::Int(from)])?
        .map(|r| r.text(0))
        .unwrap_or_default();
    // The laptops of the region hear of it at their next pull: the new owner may correct the
    // assessment there, the former owner's copy becomes read-only.
    let body = serde_json::json!({
        "assessment_id": id, "officer": to.name, "officer_name": to.display_name, "handed_at": now,
    });
    tx.exec(
        "INSERT INTO change (kind, ref_id, region_path, for_user, from_user, body, created_at) VALUES ('owner', $1, $2, NULL, NULL, $3, $4)",
        &[Val::from(id), Val::from(&path), Val::from(body.to_string()), Val::from(now)],
    )?;
    Ok(Handover {
        id: id.to_string(),
        from: from_name,
        to: to.name,
        by: actor.user.name.clone(),
        handed_at: now.to_string(),
    })
}

pub async fn hand_over_json(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Handover>> {
    reviewer(&actor)?;
    let request: HandoverRequest = read_json(body, "review")?;
    let now = crate::now();
    let handover = state
        .db
        .run(move |tx| hand_over_in(tx, &actor, &id, &request, &now))
        .await?;
    tracing::info!(id = %handover.id, from = %handover.from, to = %handover.to, by = %handover.by, "assessment handed over");
    Ok(Json(handover))
}

/// Counts per regency and star class.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegionStats {
    pub region_code: String,
    pub region_name: String,
    pub assessments: i64,
    /// Index 0: no star; 1 to 5: that star.
    pub stars: [i64; 6],
    pub average_total: f64,
    pub approved: i64,
    pub returned: i64,
}

pub fn stats_in(tx: &mut dyn Tx, actor: &Actor, filter: &Filter) -> ApiResult<Vec<RegionStats>> {
    let mut params = Vec::new();
    let clause = filter.sql(actor, &mut params);
    let rows = tx.query(
        &format!(
            "SELECT a.regency_code, COALESCE(a.star, 0), a.status, CAST(COUNT(*) AS BIGINT), CAST(SUM(a.total_hundredths) AS BIGINT)
             FROM assessment a JOIN app_user u ON u.id = a.officer_id WHERE {clause}
             GROUP BY a.regency_code, COALESCE(a.star, 0), a.status ORDER BY a.regency_code"
        ),
        &params,
    )?;
    let mut by_region: BTreeMap<String, (RegionStats, i64)> = BTreeMap::new();
    for row in rows {
        let code = row.text(0);
        let (stats, sum) = by_region.entry(code.clone()).or_insert_with(|| {
            (
                RegionStats {
                    region_name: Regions::get().name(&code).unwrap_or("").to_string(),
                    region_code: code.clone(),
                    assessments: 0,
                    stars: [0; 6],
                    average_total: 0.0,
                    approved: 0,
                    returned: 0,
                },
                0,
            )
        });
        let count = row.int(3);
        stats.assessments += count;
        stats.stars[row.int(1).clamp(0, 5) as usize] += count;
        match row.text(2).as_str() {
            "approved" => stats.approved += count,
            "returned" => stats.returned += count,
            _ => {}
        }
        *sum += row.int(4);
    }
    Ok(by_region
        .into_values()
        .map(|(mut stats, sum)| {
            stats.average_total = if stats.assessments > 0 {
                (sum as f64 / 100.0 / stats.assessments as f64 * 10.0).round() / 10.0
            } else {
                0.0
            };
            stats
        })
        .collect())
}

pub async fn stats_json(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<Filter>, QueryRejection>,
) -> ApiResult<Json<Vec<RegionStats>>> {
    reviewer(&actor)?;
    let filter = filter_from(query)?;
    Ok(Json(
        state
            .db
            .read(move |tx| stats_in(tx, &actor, &filter))
            .await?,
    ))
}

/// Whether the actor may review (the dashboard hides what they may not do).
pub fn is_reviewer(actor: &Actor) -> bool {
    matches!(actor.user.role, Role::Supervisor | Role::Admin)
}

#[cfg(test)]
mod tests {
    /// The count a detail query reads its extra columns after is the list's own.
    #[test]
    fn the_listed_count_is_the_number_of_listed_columns() {
        let mut depth = 0_i32;
        let mut columns = 1;
        for c in super::LISTED_COLUMNS.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                ',' if depth == 0 => columns += 1,
                _ => {}
            }
        }
        assert_eq!(columns, super::LISTED_COUNT);
    }
}
