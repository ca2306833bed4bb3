//! The assessment commands: start a sheet, change it (autosaved), finalise, correct, list.
//! One-line adapters to `ovop-app`'s views and `ovop-store` (which checks every change with
//! `ovop-core`'s engine).

use ovop_app::views::{self, view, view_at, AssessmentSummary, AssessmentView};
use ovop_store::assessments::{Assessor, Changed, DraftChange, EvidenceDocument, Visit};
use ovop_store::now_utc;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

/// Starts a draft of `product_id` with an installed criteria set; returns the sheet.
#[tauri::command]
pub async fn assessment_start(
    state: State<'_, AppState>,
    product_id: String,
    criteria_id: String,
    version: String,
    visit: Visit,
) -> Result<AssessmentView, AppError> {
    state
        .run(move |app| {
            let rubric = views::rubric(&app.catalog(), &criteria_id, &version)?.clone();
            app.with_store(|store| {
                let id = store.new_assessment(&product_id, &rubric, &visit, &now_utc())?;
                view(store, &id)
            })
        })
        .await
}

/// An assessment as it stands, or one of its earlier revisions.
#[tauri::command]
pub async fn assessment_get(
    state: State<'_, AppState>,
    id: String,
    revision: Option<i64>,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| view_at(store, &id, revision))
        .await
}

/// One change on a draft (on a council member's sheet when `member` is 2 or more), autosaved
/// before the answer returns; gives the new result, the answers as stored, those the change
/// made impossible (cleared) and the council's result. Unless `confirmed`, a change that stops
/// the sheet and would clear answers is refused with `answers.would_stop` (one detail per
/// answer) and nothing is saved: the window asks, then sends it again confirmed.
#[tauri::command]
pub async fn assessment_change(
    state: State<'_, AppState>,
    id: String,
    change: DraftChange,
    member: Option<u32>,
    confirmed: Option<bool>,
) -> Result<Changed, AppError> {
    let (member, confirmed) = (member.unwrap_or(1), confirmed.unwrap_or(false));
    state
        .with_store(move |store| {
            Ok(store.change_member_asking(&id, member, &change, confirmed, &now_utc())?)
        })
        .await
}

/// Adds a council member with an empty sheet.
#[tauri::command]
pub async fn assessment_member_add(
    state: State<'_, AppState>,
    id: String,
    assessor: Assessor,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| {
            store.add_member(&id, &assessor, &now_utc())?;
            view(store, &id)
        })
        .await
}

/// Removes a council member's sheet from the draft.
#[tauri::command]
pub async fn assessment_member_remove(
    state: State<'_, AppState>,
    id: String,
    member: u32,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| {
            store.remove_member(&id, member)?;
            view(store, &id)
        })
        .await
}

/// Records a document of the producer's dossier on the draft.
#[tauri::command]
pub async fn assessment_evidence(
    state: State<'_, AppState>,
    id: String,
    document: EvidenceDocument,
) -> Result<Vec<EvidenceDocument>, AppError> {
    state
        .with_store(move |store| {
            store.set_evidence(&id, &document)?;
            let revision = store.assessment(&id)?.revision;
            Ok(store.evidence(&id, revision)?)
        })
        .await
}

/// Where, when and by whom, while the sheet is a draft.
#[tauri::command]
pub async fn assessment_visit(
    state: State<'_, AppState>,
    id: String,
    visit: Visit,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| {
            store.set_visit(&id, &visit, &now_utc())?;
            view(store, &id)
        })
        .await
}

/// Locks the sheet and queues it for the office.
#[tauri::command]
pub async fn assessment_finalize<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<AssessmentView, AppError> {
    let done = state
        .with_store(move |store| {
            store.finalize(&id, &now_utc())?;
            view(store, &id)
        })
        .await?;
    // A final assessment goes to the office at the next chance: now, when the server answers.
    if let Some(sync) = tauri::Manager::try_state::<ovop_app::sync::SyncTask>(&app) {
        sync.wake();
    }
    Ok(done)
}

/// A correction after final: a new draft revision with a reason.
#[tauri::command]
pub async fn assessment_correct(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| {
            store.correct(&id, &reason, &now_utc())?;
            view(store, &id)
        })
        .await
}

/// The latest revision of the assessments of one status and/or product, newest first.
#[tauri::command]
pub async fn assessments_list(
    state: State<'_, AppState>,
    status: Option<String>,
    product_id: Option<String>,
) -> Result<Vec<AssessmentSummary>, AppError> {
    state
        .read_now(move |store| views::summaries(store, status.as_deref(), product_id.as_deref()))
        .await
}
