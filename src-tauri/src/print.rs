//! Printing an assessment: its paper as PDF (made by `ovop-app` from the store), opened in the
//! system's PDF viewer (which prints), or saved where the officer chose.

use std::path::PathBuf;

use ovop_app::folder::write_file;
use ovop_app::sheets::{self, SheetKind};
use ovop_sheets::Lang;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;
use ovop_core::Code;

async fn paper(
    state: &AppState,
    id: String,
    revision: Option<i64>,
    lang: String,
    kind: Option<SheetKind>,
) -> Result<(Vec<u8>, String), AppError> {
    let kind = kind.unwrap_or_default();
    state
        .with_store(move |store| sheets::paper(store, &id, revision, Lang::parse(&lang), kind))
        .await
}

/// Saves the sheet at `path` (a full path the officer chose); returns it.
#[tauri::command]
pub async fn sheet_save(
    state: State<'_, AppState>,
    id: String,
    revision: Option<i64>,
    lang: String,
    kind: Option<SheetKind>,
    path: String,
) -> Result<String, AppError> {
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(AppError::new(
            Code::DataNotAbsolute.as_str(),
            format!("{} is not a full path", path.display()),
        ));
    }
    let (bytes, _) = paper(&state, id, revision, lang, kind).await?;
    write_file(&path, &bytes, Code::SheetWrite.as_str())?;
    Ok(path.display().to_string())
}

/// Opens the sheet in the system's PDF viewer, from which it is printed; returns the file.
#[tauri::command]
pub async fn sheet_print(
    state: State<'_, AppState>,
    id: String,
    revision: Option<i64>,
    lang: String,
    kind: Option<SheetKind>,
) -> Result<String, AppError> {
    let (bytes, name) = paper(&state, id, revision, lang, kind).await?;
    open_pdf(&bytes, &name)
}

/// Writes a PDF under the temporary folder and opens it in the system's PDF viewer, from which
/// it is printed; returns the file.
pub(crate) fn open_pdf(bytes: &[u8], name: &str) -> Result<String, AppError> {
    let dir = std::env::temp_dir().join("ovop-field-sheets");
    std::fs::create_dir_all(&dir).map_err(|e| {
        AppError::new(
            Code::SheetWrite.as_str(),
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    let path = dir.join(name);
    write_file(&path, bytes, Code::SheetWrite.as_str())?;
    open::that_detached(&path).map_err(|e| {
        AppError::new(
            Code::SheetNoViewer.as_str(),
            format!("no program opens PDF files here ({e}); save it instead"),
        )
    })?;
    Ok(path.display().to_string())
}

/// A name for the paper of a revision, to suggest in the save dialog.
#[tauri::command]
pub async fn sheet_file_name(
    state: State<'_, AppState>,
    id: String,
    revision: Option<i64>,
    kind: Option<SheetKind>,
) -> Result<String, AppError> {
    state
        .with_store(move |store| sheets::paper_name(store, &id, revision, kind.unwrap_or_default()))
        .await
}
