//! Tauri commands: one-line adapters from IPC to `ovop-core`.

use ovop_core::catalog::{Rejected, SetSummary};
use ovop_core::criteria::CriteriaSet;
use ovop_core::validate::Finding;
use ovop_core::{Answers, ScoreResult};
use serde::Serialize;
use tauri::State;

use crate::error::{AppError, ErrorDetail};
use crate::state::AppState;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CriteriaList {
    pub sets: Vec<SetSummary>,
    pub rejected: Vec<Rejected>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CriteriaSetView {
    pub set: CriteriaSet,
    pub summary: SetSummary,
    pub findings: Vec<Finding>,
}

#[tauri::command]
pub fn criteria_list(state: State<'_, AppState>) -> CriteriaList {
    CriteriaList { sets: state.catalog.summaries(), rejected: state.catalog.rejected().to_vec() }
}

#[tauri::command]
pub fn criteria_get(state: State<'_, AppState>, id: String, version: String) -> Result<CriteriaSetView, AppError> {
    let entry = state
        .catalog
        .get(&id, Some(&version))
        .ok_or_else(|| AppError::new("criteria.not_found", format!("criteria set {id} {version} is not installed")))?;
    Ok(CriteriaSetView { set: entry.rubric.set().clone(), summary: entry.summary.clone(), findings: entry.findings.clone() })
}

#[tauri::command]
pub fn criteria_score(state: State<'_, AppState>, version: String, answers: Answers) -> Result<ScoreResult, AppError> {
    let entry = state
        .catalog
        .get(&answers.criteria, Some(&version))
        .ok_or_else(|| AppError::new("criteria.not_found", format!("criteria set {} {version} is not installed", answers.criteria)))?;
    entry.rubric.score(&answers).map_err(|errors| AppError {
        code: "answers.invalid".into(),
        message: errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "),
        details: errors.into_iter().map(|e| ErrorDetail { code: e.code, subject: e.criterion, message: e.message }).collect(),
    })
}
