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
    CriteriaList {
        sets: state.catalog.summaries(),
        rejected: state.catalog.rejected().to_vec(),
    }
}

#[tauri::command]
pub fn criteria_get(
    state: State<'_, AppState>,
    id: String,
    version: String,
) -> Result<CriteriaSetView, AppError> {
    let entry = state.catalog.get(&id, Some(&version)).ok_or_else(|| {
        AppError::new(
            "criteria.not_found",
            format!("criteria set {id} {version} is not installed"),
        )
    })?;
    Ok(CriteriaSetView {
        set: entry.rubric.set().clone(),
        summary: entry.summary.clone(),
        findings: entry.findings.clone(),
    })
}

#[tauri::command]
pub fn criteria_score(
    state: State<'_, AppState>,
    version: String,
    answers: Answers,
) -> Result<ScoreResult, AppError> {
    let entry = state
        .catalog
        .get(&answers.criteria, Some(&version))
        .ok_or_else(|| {
            AppError::new(
                "criteria.not_found",
                format!(
                    "criteria set {} {version} is not installed",
                    answers.criteria
                ),
            )
        })?;
    entry.rubric.score(&answers).map_err(|errors| AppError {
        code: "answers.invalid".into(),
        message: errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        details: errors
            .into_iter()
            .map(|e| ErrorDetail {
                code: e.code,
                subject: e.criterion,
                message: e.message,
            })
            .collect(),
    })
}

// ---- the local store -------------------------------------------------------------------

use ovop_store::assessments::HomeCounts;
use ovop_store::now_utc;
use ovop_store::photos::Photo;
use ovop_store::records::{Producer, Product, ProductHit};
use ovop_store::regions::Region;

#[tauri::command]
pub fn home_counts(state: State<'_, AppState>) -> Result<HomeCounts, AppError> {
    Ok(state.store()?.counts()?)
}

#[tauri::command]
pub fn regions_search(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> Result<Vec<Region>, AppError> {
    Ok(state
        .store()?
        .search_regions(&query, limit.min(200) as usize)?)
}

#[tauri::command]
pub fn regions_children(
    state: State<'_, AppState>,
    code: Option<String>,
) -> Result<Vec<Region>, AppError> {
    Ok(state.store()?.region_children(code.as_deref())?)
}

#[tauri::command]
pub fn region_get(state: State<'_, AppState>, code: String) -> Result<Region, AppError> {
    Ok(state.store()?.region(&code)?)
}

#[tauri::command]
pub fn producers_list(
    state: State<'_, AppState>,
    region: Option<String>,
) -> Result<Vec<Producer>, AppError> {
    Ok(state.store()?.producers_in(region.as_deref(), 500)?)
}

#[tauri::command]
pub fn producer_get(state: State<'_, AppState>, id: String) -> Result<Producer, AppError> {
    Ok(state.store()?.producer(&id)?)
}

#[tauri::command]
pub fn producer_save(state: State<'_, AppState>, producer: Producer) -> Result<String, AppError> {
    Ok(state.store()?.save_producer(&producer, &now_utc())?)
}

#[tauri::command]
pub fn products_list(
    state: State<'_, AppState>,
    producer_id: String,
) -> Result<Vec<Product>, AppError> {
    Ok(state.store()?.products_of(&producer_id)?)
}

#[tauri::command]
pub fn product_save(state: State<'_, AppState>, product: Product) -> Result<String, AppError> {
    Ok(state.store()?.save_product(&product, &now_utc())?)
}

#[tauri::command]
pub fn products_search(
    state: State<'_, AppState>,
    query: String,
    region: Option<String>,
) -> Result<Vec<ProductHit>, AppError> {
    Ok(state
        .store()?
        .search_products(&query, region.as_deref(), 50)?)
}

#[tauri::command]
pub fn photos_list(
    state: State<'_, AppState>,
    owner_kind: String,
    owner_id: String,
) -> Result<Vec<Photo>, AppError> {
    Ok(state.store()?.photos(&owner_kind, &owner_id)?)
}

/// The photo's bytes come as the raw request body (no JSON detour for megabytes); the owner
/// and the file name as headers.
#[tauri::command]
pub fn photo_add(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<Photo, AppError> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(AppError::new(
            "photo.unreadable",
            "the photo did not arrive as a file",
        ));
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    // The UI sends the name through encodeURIComponent (spaces, non-ASCII letters).
    let name = percent_encoding::percent_decode_str(&header("file-name"))
        .decode_utf8_lossy()
        .into_owned();
    Ok(state.store()?.add_photo(
        &header("owner-kind"),
        &header("owner-id"),
        "",
        &name,
        bytes,
        &now_utc(),
    )?)
}
