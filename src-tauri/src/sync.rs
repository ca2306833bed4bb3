//! Sync from the window: the background task (`ovop-app`'s) reports to the UI as events
//! (`sync://status`); the commands enrol, forget, wake it and list the outbox.

use ovop_app::sync::{self as app_sync, token, EnrolWith, SyncStatus, SyncTask};
use ovop_store::pulled::{PhotoBudget, PulledPhoto};
use ovop_store::sync::{OutboxRow, ReviewDecision};
use tauri::{AppHandle, Emitter, Runtime, State};

use crate::error::AppError;
use crate::state::AppState;

/// The event the UI listens to.
pub const STATUS_EVENT: &str = "sync://status";

/// Starts the background sync; every change of its status reaches the window as an event.
pub fn start<R: Runtime>(handle: AppHandle<R>, state: &AppState) -> SyncTask {
    SyncTask::start(state.app.clone(), move |status| {
        let _ = handle.emit(STATUS_EVENT, status);
    })
}

#[tauri::command]
pub fn sync_status(sync: State<'_, SyncTask>) -> SyncStatus {
    sync.status()
}

#[tauri::command]
pub fn sync_now(sync: State<'_, SyncTask>) {
    sync.wake();
}

/// Enrols this laptop with the server at `server` (optional with a QR picture), keeps the
/// token beside the data, and syncs at once.
#[tauri::command]
pub async fn sync_enrol(
    state: State<'_, AppState>,
    sync: State<'_, SyncTask>,
    server: Option<String>,
    with: EnrolWith,
    device_name: String,
) -> Result<SyncStatus, AppError> {
    let dir = state.run(|app| app.data_dir()).await?;
    let enrolment =
        app_sync::enrol(&dir, server, with, &device_name, &ovop_store::now_utc()).await?;
    sync.wake();
    let mut status = sync.status();
    status.server = Some(enrolment.server);
    status.user = Some(enrolment.user);
    Ok(status)
}

/// Forgets the enrolment (the outbox stays).
#[tauri::command]
pub async fn sync_forget(
    state: State<'_, AppState>,
    sync: State<'_, SyncTask>,
) -> Result<(), AppError> {
    state.run(|app| token::forget(&app.data_dir()?)).await?;
    sync.wake();
    Ok(())
}

/// Writes everything waiting in the outbox to a bundle file in `folder` (a USB stick) for the
/// office to import.
#[tauri::command]
pub async fn bundle_write(
    state: State<'_, AppState>,
    folder: String,
) -> Result<ovop_app::sync::bundle::BundleFile, AppError> {
    let dir = state.run(|app| app.data_dir()).await?;
    let now = ovop_store::now_utc();
    state
        .with_store(move |store| {
            ovop_app::sync::bundle::write_bundle_in(
                store,
                &dir,
                std::path::Path::new(folder.trim()),
                &now,
            )
        })
        .await
}

/// Settles the outbox with the office's receipt of a bundle.
#[tauri::command]
pub async fn bundle_receipt(
    state: State<'_, AppState>,
    file: String,
) -> Result<ovop_app::sync::bundle::ReceiptApplied, AppError> {
    let dir = state.run(|app| app.data_dir()).await?;
    state
        .with_store(move |store| {
            let enrolment = ovop_app::sync::bundle::enrolment_in(&dir)?;
            ovop_app::sync::bundle::import_receipt(
                store,
                &enrolment,
                std::path::Path::new(file.trim()),
            )
        })
        .await
}

/// Every record of the outbox with its state and the server's reason, newest first.
#[tauri::command]
pub async fn sync_outbox(state: State<'_, AppState>) -> Result<Vec<OutboxRow>, AppError> {
    state
        .with_store(|store| {
            let mut rows = store.outbox_rows()?;
            rows.reverse();
            Ok(rows)
        })
        .await
}

/// The supervisors' decisions on an assessment.
#[tauri::command]
pub async fn assessment_decisions(
    state: State<'_, AppState>,
    id: String,
) -> Result<Vec<ReviewDecision>, AppError> {
    state
        .with_store(move |store| Ok(store.decisions(&id)?))
        .await
}

/// The photos pulled with a record (an assessment revision's, a producer's or a product's): a
/// thumbnail here or not, the whole photo here or not, and how much of a cut download is kept.
#[tauri::command]
pub async fn pulled_photos(
    state: State<'_, AppState>,
    kind: String,
    id: String,
    revision: i64,
) -> Result<Vec<PulledPhoto>, AppError> {
    state
        .with_store(move |store| Ok(store.pulled_photos(&kind, &id, revision)?))
        .await
}

/// Downloads the whole of a pulled photo from the office (resuming a cut download), within
/// the officer's budget.
#[tauri::command]
pub async fn pulled_photo_fetch(
    state: State<'_, AppState>,
    sha256: String,
) -> Result<(), AppError> {
    let app = state.app.clone();
    app_sync::pulled::fetch_for(&app, &sha256).await
}

/// The disk budget for pulled photos and what they take.
#[tauri::command]
pub async fn photo_budget(state: State<'_, AppState>) -> Result<PhotoBudget, AppError> {
    state.with_store(|store| Ok(store.photo_budget()?)).await
}

/// Sets the disk budget for pulled photos, in megabytes.
#[tauri::command]
pub async fn photo_budget_set(
    state: State<'_, AppState>,
    mb: u64,
) -> Result<PhotoBudget, AppError> {
    state
        .with_store(move |store| {
            store.set_photo_budget_mb(mb, &ovop_store::now_utc())?;
            Ok(store.photo_budget()?)
        })
        .await
}
