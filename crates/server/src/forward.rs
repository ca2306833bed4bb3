//! Forwarding products to the next level: a supervisor sends a batch of approved assessments
//! whose star reached the programme's threshold (each proposed to a level) up to that level. A
//! batch is one programme and one level; an assessment is forwarded once. The batch's rows export
//! like any list (`/v1/export/assessments?forwarded=ID&format=xlsx`), and each forwarded
//! assessment reaches the laptops of its region as a change of kind `forward`.
//!
//! `POST /v1/forwards` forwards; `GET /v1/forwards` lists the batches.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};

use crate::api::read_json;
use crate::auth::{Actor, Role};
use crate::db::{Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::regions::within;
use crate::AppState;

/// The most assessments one batch forwards.
pub const MAX_FORWARDED: usize = 500;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwardRequest {
    pub assessment_ids: Vec<String>,
    /// What the office writes on the batch (the letter's number, say).
    #[serde(default)]
    pub note: String,
}

/// One assessment of a batch.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ForwardedItem {
    pub assessment_id: String,
    pub revision: i64,
    pub product: String,
    pub producer: String,
    pub star: Option<i64>,
}

/// A batch as forwarded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Batch {
    pub id: i64,
    pub programme: String,
    /// The level the products go to.
    pub to_level: String,
    pub note: String,
    pub forwarded_by: String,
    pub forwarded_at: String,
    pub items: Vec<ForwardedItem>,
}

/// What a laptop learns of an assessment forwarded (a change of kind `forward`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForwardNotice {
    pub assessment_id: String,
    pub revision: i64,
    pub to_level: String,
    pub batch: i64,
    pub forwarded_at: String,
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad("forward.invalid", Some(field), message)
}

/// Forwards the assessments in one transaction: all of them, or none.
pub fn forward_in(
    tx: &mut dyn Tx,
    actor: &Actor,
    request: &ForwardRequest,
    now: &str,
) -> ApiResult<Batch> {
    if request.assessment_ids.is_empty() {
        return Err(bad(
            "assessment_ids",
            "a batch forwards at least one assessment",
        ));
    }
    if request.assessment_ids.len() > MAX_FORWARDED {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "forward.too_large",
            Some("assessment_ids"),
            format!("a batch forwards at most {MAX_FORWARDED} assessments"),
        ));
    }
    // Line breaks as any system writes them are one `\n`; no other control character.
    let note = request.note.replace("\r\n", "\n").trim().to_string();
    if note.chars().count() > 1000 || note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(bad("note", "a note has at most 1,000 characters"));
    }
    let mut seen = std::collections::HashSet::new();
    tx.lock_changes()?;
    let mut items = Vec::new();
    let mut target: Option<(String, String)> = None;
    let mut paths = Vec::new();
    for (i, id) in request.assessment_ids.iter().enumerate() {
        let field = format!("assessment_ids[{i}]");
        let id = id.trim();
        if !seen.insert(id.to_string()) {
            return Err(bad(&field, "an assessment is named twice"));
        }
        let row = tx
            .query_opt(
                "SELECT revision, status, programme, proposed_level, region_path, product_name, producer_name, star
                 FROM assessment WHERE id = $1 ORDER BY revision DESC LIMIT 1",
                &[Val::from(id)],
            )?
            .ok_or_else(|| bad(&field, "no such assessment on this server"))?;
        let region_path = row.text(4);
        if actor.user.role != Role::Admin && !within(&region_path, &actor.user.regions) {
            return Err(ApiError::forbidden(
                "review.region_not_assigned",
                Some(&field),
                "this assessment is outside your regions",
            ));
        }
        let Some(level) = row.opt_text(3).filter(|_| row.text(1) == "approved") else {
            return Err(ApiError::conflict(
                "forward.not_proposed",
                Some(&field),
                "only the latest revision of an approved assessment proposed to the next level is forwarded",
            ));
        };
        let this = (row.text(2), level);
        if target.as_ref().is_some_and(|t| *t != this) {
            return Err(bad(
                "assessment_ids",
                "one batch forwards the products of one programme to one level",
            ));
        }
        target = Some(this);
        if tx
            .query_opt(
                "SELECT 1 FROM forward_item WHERE assessment_id = $1",
                &[Val::from(id)],
            )?
            .is_some()
        {
            return Err(ApiError::conflict(
                "forward.exists",
                Some(&field),
                "this assessment was forwarded already",
            ));
        }
        items.push(ForwardedItem {
            assessment_id: id.to_string(),
            revision: row.int(0),
            product: row.text(5),
            producer: row.text(6),
            star: row.opt_int(7),
        });
        paths.push(region_path);
    }
    let (programme, to_level) =
        target.ok_or_else(|| bad("assessment_ids", "a batch forwards at least one assessment"))?;
    let id = tx
        .query_opt(
            "INSERT INTO forward_batch (programme, to_level, note, forwarded_by, forwarded_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
            &[
                Val::from(&programme),
                Val::from(&to_level),
                Val::from(&note),
                Val::Int(actor.user.id),
                Val::from(now),
            ],
        )?
        .map(|r| r.int(0))
        .ok_or_else(|| ApiError::internal("a batch was not stored"))?;
    for (item, path) in items.iter().zip(&paths) {
        tx.exec(
            "INSERT INTO forward_item (batch_id, assessment_id, revision, region_path) VALUES ($1, $2, $3, $4)",
            &[Val::Int(id), Val::from(&item.assessment_id), Val::Int(item.revision), Val::from(path)],
        )?;
        let notice = ForwardNotice {
            assessment_id: item.assessment_id.clone(),
            revision: item.revision,
            to_level: to_level.clone(),
            batch: id,
            forwarded_at: now.to_string(),
        };
        let body = serde_json::to_string(&notice).map_err(|e| ApiError::internal(e.to_string()))?;
        tx.exec(
            "INSERT INTO change (kind, ref_id, region_path, for_user, from_user, body, created_at) VALUES ('forward', $1, $2, NULL, $3, $4, $5)",
            &[Val::from(&item.assessment_id), Val::from(path), Val::Int(actor.user.id), Val::from(&body), Val::from(now)],
        )?;
    }
    Ok(Batch {
        id,
        programme,
        to_level,
        note,
        forwarded_by: actor.user.display_name.clone(),
        forwarded_at: now.to_string(),
        items,
    })
}

pub async fn forward_json(
    State(state): State<AppState>,
    actor: Actor,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<Batch>)> {
    actor.require(Role::Supervisor)?;
    let request: ForwardRequest = read_json(body, "forward")?;
    let now = crate::now();
    let batch = state
        .db
        .run(move |tx| forward_in(tx, &actor, &request, &now))
        .await?;
    Ok((StatusCode::CREATED, Json(batch)))
}

/// The batches with at least one assessment within the actor's regions (only those shown),
/// the latest first.
pub fn batches_in(tx: &mut dyn Tx, actor: &Actor) -> ApiResult<Vec<Batch>> {
    let rows = tx.query(
        "SELECT f.id, f.programme, f.to_level, f.note, u.display_name, f.forwarded_at,
                i.assessment_id, i.revision, a.product_name, a.producer_name, a.star, i.region_path
         FROM forward_batch f JOIN app_user u ON u.id = f.forwarded_by
         JOIN forward_item i ON i.batch_id = f.id
         JOIN assessment a ON a.id = i.assessment_id AND a.revision = i.revision
         ORDER BY f.id DESC, a.product_name, i.assessment_id LIMIT 2000",
        &[],
    )?;
    let mut batches: Vec<Batch> = Vec::new();
    for row in rows {
        if actor.user.role != Role::Admin && !within(&row.text(11), &actor.user.regions) {
            continue;
        }
        let item = ForwardedItem {
            assessment_id: row.text(6),
            revision: row.int(7),
            product: row.text(8),
            producer: row.text(9),
            star: row.opt_int(10),
        };
        match batches.last_mut() {
            Some(batch) if batch.id == row.int(0) => batch.items.push(item),
            _ => batches.push(Batch {
                id: row.int(0),
                programme: row.text(1),
                to_level: row.text(2),
                note: row.text(3),
                forwarded_by: row.text(4),
                forwarded_at: row.text(5),
                items: vec![item],
            }),
        }
    }
    Ok(batches)
}

pub async fn batches_json(
    State(state): State<AppState>,
    actor: Actor,
) -> ApiResult<Json<Vec<Batch>>> {
    actor.require(Role::Supervisor)?;
    let batches = state.db.read(move |tx| batches_in(tx, &actor)).await?;
    Ok(Json(batches))
}
