//! The data folder from the settings screen: where the data is, backups, restore.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tauri::State;

use crate::error::AppError;
use crate::state::{AppState, Moved};

/// Where the officer's data lives and how big it is.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DataInfo {
    pub database: String,
    pub photos: String,
    pub backups: String,
    pub size_bytes: f64,
    pub schema_version: u32,
}

/// One backup beside the database (`<db>.backups/<name>.sqlite`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BackupInfo {
    pub name: String,
    pub path: String,
    pub size_bytes: f64,
    /// RFC 3339, UTC.
    pub created_at: String,
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

fn size_of(path: &Path) -> f64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(sibling(path, s)).ok())
        .map(|m| m.len() as f64)
        .sum()
}

fn backups_in(db: &Path) -> Vec<BackupInfo> {
    let Ok(entries) = std::fs::read_dir(sibling(db, ".backups")) else {
        return Vec::new();
    };
    let mut list: Vec<BackupInfo> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "sqlite"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let modified = time::OffsetDateTime::from(meta.modified().ok()?);
            Some(BackupInfo {
                name: e.path().file_stem()?.to_string_lossy().into_owned(),
                path: e.path().display().to_string(),
                size_bytes: meta.len() as f64,
                created_at: modified
                    .format(&time::format_description::well_known::Rfc3339)
                    .ok()?,
            })
        })
        .collect();
    list.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    list
}

#[tauri::command]
pub async fn data_info(state: State<'_, AppState>) -> Result<DataInfo, AppError> {
    state
        .with_store(|store| {
            let db = store.path().to_path_buf();
            Ok(DataInfo {
                database: db.display().to_string(),
                photos: sibling(&db, ".files").display().to_string(),
                backups: sibling(&db, ".backups").display().to_string(),
                size_bytes: size_of(&db),
                schema_version: store.schema_version()? as u32,
            })
        })
        .await
}

/// The backups beside the database, newest first.
#[tauri::command]
pub async fn backups_list(state: State<'_, AppState>) -> Result<Vec<BackupInfo>, AppError> {
    state.with_store(|store| Ok(backups_in(store.path()))).await
}

/// A consistent copy of the database now, named after the time.
#[tauri::command]
pub async fn backup_create(state: State<'_, AppState>) -> Result<BackupInfo, AppError> {
    state
        .with_store(|store| {
            let stamp = ovop_store::now_utc().replace([':', '-'], "");
            let name = format!("manual-{stamp}");
            let target = store.backup_path(&name);
            store.backup_to(&target)?;
            backups_in(store.path())
                .into_iter()
                .find(|b| b.name == name)
                .ok_or_else(|| AppError::new("store.io", "the backup was not written"))
        })
        .await
}

/// Replaces the database with one of its backups (checked first); the replaced database is
/// kept beside it. Only a name from `backups_list` is accepted, never a path.
#[tauri::command]
pub async fn backup_restore(
    state: State<'_, AppState>,
    name: String,
) -> Result<DataInfo, AppError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(AppError::new(
            "backup.not_found",
            format!("no backup is called {name:?}"),
        ));
    }
    state.restore_backup(name).await?;
    data_info(state).await
}

/// Moves the data to `folder` (a full path; created when missing, refused when it already
/// has a database) and goes on from there; the previous folder keeps a copy.
#[tauri::command]
pub async fn data_move(state: State<'_, AppState>, folder: String) -> Result<Moved, AppError> {
    state.move_data(PathBuf::from(folder.trim())).await
}
