//! The data folder from the settings screen: where the data is, backups, restore, move.

use std::path::PathBuf;

use ovop_app::folder::{self, BackupInfo, DataInfo, Moved};
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

#[tauri::command]
pub async fn data_info(state: State<'_, AppState>) -> Result<DataInfo, AppError> {
    state.with_store(|store| folder::info(store)).await
}

/// The backups beside the database, newest first (also when it cannot be opened).
#[tauri::command]
pub async fn backups_list(state: State<'_, AppState>) -> Result<Vec<BackupInfo>, AppError> {
    state.run(|app| app.backups()).await
}

/// A consistent copy of the database now, named after the time.
#[tauri::command]
pub async fn backup_create(state: State<'_, AppState>) -> Result<BackupInfo, AppError> {
    state.with_store(|store| folder::backup_now(store)).await
}

/// Replaces the database with one of its backups (checked first); the replaced database is
/// kept beside it. Only a name from `backups_list` is accepted, never a path.
#[tauri::command]
pub async fn backup_restore(
    state: State<'_, AppState>,
    name: String,
) -> Result<DataInfo, AppError> {
    state.run(move |app| app.restore_backup(&name)).await?;
    data_info(state).await
}

/// Moves the data to `folder` (a full path; created when missing, refused when it already
/// has a database) and goes on from there; the previous folder keeps a copy.
#[tauri::command]
pub async fn data_move(state: State<'_, AppState>, folder: String) -> Result<Moved, AppError> {
    state
        .run(move |app| app.move_data(&PathBuf::from(folder.trim())))
        .await
}

/// Writes a whole backup (database, photos, imported criteria sets) as one file into `folder`,
/// e.g. a USB drive.
#[tauri::command]
pub async fn archive_write(
    state: State<'_, AppState>,
    folder: String,
) -> Result<ovop_store::archive::Written, AppError> {
    let now = ovop_store::now_utc();
    state
        .with_store(move |store| folder::write_archive(store, &PathBuf::from(folder.trim()), &now))
        .await
}

/// Checks a whole backup file and says what restoring it would bring and replace; changes
/// nothing. Works on a laptop whose database cannot be opened.
#[tauri::command]
pub async fn archive_preview(
    state: State<'_, AppState>,
    file: String,
) -> Result<folder::RestorePreview, AppError> {
    state
        .run(move |app| app.preview_archive(&PathBuf::from(file.trim())))
        .await
}

/// Restores a whole backup file (checked again first); the replaced database is kept beside it.
#[tauri::command]
pub async fn archive_restore(
    state: State<'_, AppState>,
    file: String,
) -> Result<ovop_store::archive::Restored, AppError> {
    state
        .run(move |app| app.restore_archive(&PathBuf::from(file.trim())))
        .await
}
