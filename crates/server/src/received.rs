//! Criteria sets a laptop sends because the server did not know them (`PUT
//! /v1/criteria-sets/{hash}`, after a push answered `push.unknown_set`): a set imported on the
//! laptop, neither shipped nor published here. The server checks it as it checks a published
//! one, keeps it by its content hash, and from then on scores the assessments made on it again
//! like every other: it trusts no result it can compute itself.
//!
//! A received set is not published: it never goes on the change feed to other laptops, and
//! the published sets do not list it.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use ovop_core::{content_hash, parse_set, LoadError, Rubric};
use ovop_protocol::SetReceived;

use crate::auth;
use crate::db::{DbResult, Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// The largest set a laptop may send: forty times the largest shipped one.
pub const SET_LIMIT: usize = 2 * 1024 * 1024;

/// How many of a refused set's findings the problem's message names.
const FINDINGS_SHOWN: usize = 10;

/// The body of the set with this content hash, published here or received from a laptop.
pub fn set_body(tx: &mut dyn Tx, hash: &str) -> DbResult<Option<String>> {
    if let Some(row) = tx.query_opt(
        "SELECT body FROM criteria_set WHERE hash = $1 LIMIT 1",
        &[Val::from(hash)],
    )? {
        return Ok(Some(row.text(0)));
    }
    Ok(tx
        .query_opt(
            "SELECT body FROM received_set WHERE hash = $1",
            &[Val::from(hash)],
        )?
        .map(|row| row.text(0)))
}

/// The path's hash as the set's content hash is written (`sha256:` is allowed to be left out).
fn path_hash(name: &str) -> ApiResult<String> {
    let hash = if name.starts_with("sha256:") {
        name.to_string()
    } else {
        format!("sha256:{name}")
    };
    if !ovop_protocol::is_sha256(&hash) {
        return Err(ApiError::bad(
            "set.bad_hash",
            Some("hash"),
            "a criteria set is sent under its content hash: sha256: and 64 lower-case hex digits",
        ));
    }
    Ok(hash)
}

fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "set.too_large",
        None,
        format!(
            "a criteria set sent to the server is at most {} MB",
            SET_LIMIT / (1024 * 1024)
        ),
    )
}

/// The set read, named by `hash`, and checked as a published set is.
fn checked(bytes: &[u8], hash: &str) -> ApiResult<Rubric> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| ApiError::bad("set.malformed", None, "a criteria set is UTF-8 JSON"))?;
    let set = parse_set(text).map_err(|e| match e {
        LoadError::Syntax { .. } => ApiError::bad("set.malformed", None, e.to_string()),
        other => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "set.invalid",
            None,
            other.to_string(),
        ),
    })?;
    let actual = content_hash(&set);
    if actual != hash {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "set.hash_mismatch",
            Some("hash"),
            format!("the set's content hash is {actual}, not the {hash} it is sent under"),
        ));
    }
    Rubric::new(set).map_err(|findings| {
        let errors: Vec<String> = findings
            .iter()
            .filter(|f| f.is_error())
            .map(|f| format!("{} at {}: {}", f.code, f.path, f.message))
            .collect();
        let more = errors.len().saturating_sub(FINDINGS_SHOWN);
        let mut message = format!(
            "the set has {} error(s): {}",
            errors.len(),
            errors[..errors.len().min(FINDINGS_SHOWN)].join("; ")
        );
        if more > 0 {
            message.push_str(&format!("; and {more} more"));
        }
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "set.invalid",
            None,
            message,
        )
    })
}

/// `PUT /v1/criteria-sets/{hash}`: 201 when the set is kept now, 200 when the server knew it
/// already (received before, or published); nothing is changed then.
pub async fn put_set(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, Json<SetReceived>)> {
    let announced = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let target = async {
        let actor = auth::authenticate(&state, &headers).await?;
        let hash = path_hash(&name)?;
        if announced.is_some_and(|n| n > SET_LIMIT as u64) {
            return Err(too_large());
        }
        Ok((actor, hash))
    };
    let (actor, hash) = match target.await {
        Ok(target) => target,
        Err(refused) => {
            // Read what was sent, so the refusal reaches the laptop instead of a reset.
            crate::blobs::drain(body, 2 * SET_LIMIT as u64).await;
            return Err(refused);
        }
    };
    let bytes = axum::body::to_bytes(body, SET_LIMIT).await.map_err(|e| {
        if crate::guard::is_too_slow(&e) {
            crate::guard::too_slow()
        } else {
            too_large()
        }
    })?;
    let rubric = {
        let hash = hash.clone();
        tokio::task::spawn_blocking(move || checked(&bytes, &hash))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))??
    };
    let set = rubric.set();
    let answer = SetReceived {
        hash: hash.clone(),
        id: set.id.clone(),
        version: set.version.clone(),
    };
    let stored = serde_json::to_string(set).map_err(|e| ApiError::internal(e.to_string()))?;
    let (user, device, now) = (actor.user.id, actor.device_id, crate::now());
    let row = answer.clone();
    let new = state
        .db
        .run(move |tx| {
            if set_body(tx, &row.hash)?.is_some() {
                return Ok(false);
            }
            let inserted = tx.query(
                "INSERT INTO received_set (hash, set_id, version, body, received_from, device_id, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hash) DO NOTHING RETURNING hash",
                &[
                    Val::from(&row.hash),
                    Val::from(&row.id),
                    Val::from(&row.version),
                    Val::from(stored),
                    Val::Int(user),
                    Val::Int(device),
                    Val::from(now),
                ],
            )?;
            Ok(!inserted.is_empty())
        })
        .await?;
    if new {
        tracing::info!(user = %actor.user.name, set = %answer.id, version = %answer.version, hash = %answer.hash, "criteria set received");
    }
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(answer)))
}
