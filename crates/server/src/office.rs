//! The office's current round: per programme, the round (and the level its council sits at)
//! that assessments are in now. A supervisor sets it (`PUT /v1/admin/rounds/{programme}`) or
//! clears it (`DELETE`); every health answer announces it, and a laptop that syncs starts its
//! next sheet in it.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use ovop_core::criteria::Programme;
use ovop_protocol::OfficeRound;
use serde::Deserialize;

use crate::api::read_json;
use crate::auth::{Actor, Role};
use crate::db::{DbResult, Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// The rounds set, by programme.
pub fn current_in(tx: &mut dyn Tx) -> DbResult<Vec<OfficeRound>> {
    Ok(tx
        .query(
            "SELECT programme, round, level, set_at FROM office_round ORDER BY programme",
            &[],
        )?
        .iter()
        .filter_map(|row| {
            Some(OfficeRound {
                programme: Programme::parse(&row.text(0))?,
                round: row.text(1),
                level: row.opt_text(2),
                set_at: row.text(3),
            })
        })
        .collect())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundRequest {
    pub round: String,
    #[serde(default)]
    pub level: Option<String>,
}

pub fn programme_of(text: &str) -> ApiResult<Programme> {
    Programme::parse(text)
        .filter(|p| ovop_core::programme::rules_of(*p).is_some())
        .ok_or_else(|| {
            ApiError::bad(
                "round.invalid",
                Some("programme"),
                format!("{text:?} is not a programme with rounds (ocop, ovop)"),
            )
        })
}

/// A programme's round as asked for, checked: a programme with rounds, a round written
/// `2026-1`, a level of the programme still held today (`round.invalid` naming the field).
pub fn checked(programme: &str, round: &str, level: Option<&str>) -> ApiResult<OfficeRound> {
    let programme = programme_of(programme)?;
    let round = OfficeRound {
        programme,
        round: round.trim().to_string(),
        level: level
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string),
        set_at: crate::now(),
    };
    // A level that ended (OCOP's district) is refused for a round set today.
    ovop_core::programme::check_visit(
        programme,
        Some(&round.round),
        round.level.as_deref(),
        Some(&round.set_at[..10.min(round.set_at.len())]),
    )
    .map_err(|e| ApiError::bad("round.invalid", Some(e.field), e.message))?;
    Ok(round)
}

/// Keeps `round` as its programme's current one, replacing the one before.
pub fn set_in(tx: &mut dyn Tx, round: &OfficeRound, by: &str) -> DbResult<()> {
    tx.exec(
        "INSERT INTO office_round (programme, round, level, set_by, set_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (programme) DO UPDATE SET round = excluded.round, level = excluded.level,
           set_by = excluded.set_by, set_at = excluded.set_at",
        &[
            Val::from(round.programme.as_str()),
            Val::from(&round.round),
            Val::from(round.level.clone()),
            Val::from(by),
            Val::from(&round.set_at),
        ],
    )?;
    Ok(())
}

/// Clears a programme's current round.
pub fn clear_in(tx: &mut dyn Tx, programme: Programme) -> DbResult<()> {
    tx.exec(
        "DELETE FROM office_round WHERE programme = $1",
        &[Val::from(programme.as_str())],
    )?;
    Ok(())
}

/// Sets a programme's current round (a supervisor or an administrator).
pub async fn put_round(
    State(state): State<AppState>,
    actor: Actor,
    Path(programme): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<OfficeRound>> {
    actor.require(Role::Supervisor)?;
    programme_of(&programme)?;
    let request: RoundRequest = read_json(body, "round")?;
    let round = checked(&programme, &request.round, request.level.as_deref())?;
    let by = actor.user.name.clone();
    let stored = round.clone();
    state
        .db
        .run(move |tx| Ok(set_in(tx, &stored, &by)?))
        .await?;
    Ok(Json(round))
}

/// Clears a programme's current round: laptops go back to the round of the day.
pub async fn delete_round(
    State(state): State<AppState>,
    actor: Actor,
    Path(programme): Path<String>,
) -> ApiResult<StatusCode> {
    actor.require(Role::Supervisor)?;
    let programme = programme_of(&programme)?;
    state.db.run(move |tx| Ok(clear_in(tx, programme)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}
