//! Reading criteria files: our JSON, or a spreadsheet (XLSX, CSV) laid out as
//! `ovop_core::tabular` documents, read by `ovop_core::spreadsheet` (the one reader the app and
//! the server use too).

use std::path::Path;

use ovop_core::criteria::CriteriaSet;
use ovop_core::parse_set;
use ovop_core::spreadsheet::{read_criteria, FileKind};

use crate::CliError;
use ovop_core::Code;

/// Reads a criteria set from a `.json`, `.xlsx` or `.csv` file. A spreadsheet's cells that
/// cannot be read are all reported, one line each with its sheet, row and column; the set's
/// own findings are the validator's to report.
pub fn read_criteria_file(path: &Path) -> Result<CriteriaSet, CliError> {
    let shown = path.display();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    match FileKind::of(&name) {
        Some(FileKind::Json) => {
            let text = read_text(path)?;
            parse_set(&text).map_err(|e| CliError::new(e.code(), format!("{shown}: {e}")))
        }
        Some(_) => {
            let bytes = read_bytes(path)?;
            let checked = read_criteria(&name, &bytes);
            let errors: Vec<_> = checked.read_errors().collect();
            match (checked.set.clone(), errors.first()) {
                (Some(set), None) => Ok(set),
                (_, first) => Err(CliError::new(
                    first.map_or(Code::CriteriaSpreadsheet.as_str(), |f| f.code.as_str()),
                    errors
                        .iter()
                        .map(|f| format!("{shown}: {f}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                )),
            }
        }
        None => Err(CliError::new(
            Code::CriteriaFileType.as_str(),
            format!(
                "{shown}: a criteria file is .json, .xlsx or .csv (found {:?})",
                path.extension()
                    .map(|e| e.to_string_lossy().to_lowercase())
                    .unwrap_or_default()
            ),
        )),
    }
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|e| {
        CliError::new(
            Code::FileUnreadable.as_str(),
            format!("cannot read {}: {e}", path.display()),
        )
    })
}

pub fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = read_bytes(path)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        CliError::new(
            "file.not_utf8",
            format!(
                "{} is not UTF-8 text (byte {})",
                path.display(),
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text))
}
