//! Printing an assessment: its sheet as PDF, opened in the system's PDF viewer (which prints),
//! or saved where the officer chose. The sheet is made by `ovop-sheets` from the store.

use std::path::{Path, PathBuf};

use ovop_sheets::{Fonts, Lang};
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

impl From<ovop_sheets::SheetError> for AppError {
    fn from(err: ovop_sheets::SheetError) -> Self {
        AppError::new(err.code(), err.to_string())
    }
}

/// Which paper: the assessment sheet, the producer's receipt or the council's sheet.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    #[default]
    Sheet,
    Receipt,
    Council,
}

impl SheetKind {
    fn suffix(self) -> &'static str {
        match self {
            SheetKind::Sheet => "",
            SheetKind::Receipt => "-tanda-terima",
            SheetKind::Council => "-tim-penilai",
        }
    }
}

/// The paper of a revision (the latest when `None`) in `lang`, and a file name for it.
async fn sheet_bytes(state: &AppState, id: String, revision: Option<i64>, lang: String, kind: SheetKind) -> Result<(Vec<u8>, String), AppError> {
    state
        .with_store(move |store| {
            let sheet = ovop_sheets::from_store::filled(store, &id, revision, Lang::parse(&lang))?;
            let name = file_name(&sheet.product.name, sheet.trace.revision, kind);
            let fonts = Fonts::bundled();
            let bytes = match kind {
                SheetKind::Sheet => ovop_sheets::filled(&sheet, &fonts)?,
                SheetKind::Receipt => ovop_sheets::receipt(&sheet, &fonts)?,
                SheetKind::Council => ovop_sheets::council(&sheet, &fonts)?,
            };
            Ok((bytes, name))
        })
        .await
}

/// `Keripik-Pisang-Kepok-rev2-tanda-terima.pdf`: the product, the revision and the paper.
fn file_name(product: &str, revision: i64, kind: SheetKind) -> String {
    format!("{}-rev{revision}{}.pdf", file_stem(product), kind.suffix())
}

/// A file name from a product's name: letters, digits and dashes.
fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let stem: String = stem.chars().take(60).collect();
    if stem.is_empty() { "lembar".into() } else { stem }
}

/// The whole file or nothing: written beside the target, synced, renamed over it.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    ovop_store::write_whole(path, bytes).map_err(|e| {
        if e.raw_os_error() == Some(28) {
            AppError::new("store.disk_full", format!("the disk is full; {} was not written", path.display()))
        } else {
            AppError::new("sheet.write", format!("cannot write {}: {e}", path.display()))
        }
    })
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
        return Err(AppError::new("data.not_absolute", format!("{} is not a full path", path.display())));
    }
    let (bytes, _) = sheet_bytes(&state, id, revision, lang, kind.unwrap_or_default()).await?;
    write_whole(&path, &bytes)?;
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
    let (bytes, name) = sheet_bytes(&state, id, revision, lang, kind.unwrap_or_default()).await?;
    let dir = std::env::temp_dir().join("ovop-field-sheets");
    std::fs::create_dir_all(&dir).map_err(|e| AppError::new("sheet.write", format!("cannot create {}: {e}", dir.display())))?;
    let path = dir.join(name);
    write_whole(&path, &bytes)?;
    open::that_detached(&path).map_err(|e| {
        AppError::new("sheet.no_viewer", format!("no program opens PDF files here ({e}); save the sheet instead"))
    })?;
    Ok(path.display().to_string())
}

/// A name for the paper of a revision, to suggest in the save dialog.
#[tauri::command]
pub async fn sheet_file_name(state: State<'_, AppState>, id: String, revision: Option<i64>, kind: Option<SheetKind>) -> Result<String, AppError> {
    state
        .with_store(move |store| {
            let assessment = store.assessment(&id)?;
            let product = store.product(&assessment.product_id)?;
            Ok(file_name(&product.name, revision.unwrap_or(assessment.revision), kind.unwrap_or_default()))
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn a_file_name_keeps_letters_and_digits_of_any_language() {
        assert_eq!(file_stem("Keripik Pisang / Kepok 150g"), "Keripik-Pisang-Kepok-150g");
        assert_eq!(file_stem("Cà phê bột Đắk Hà"), "Cà-phê-bột-Đắk-Hà");
        assert_eq!(file_stem("../../etc/passwd"), "etc-passwd");
        assert_eq!(file_stem("///"), "lembar");
    }
}
