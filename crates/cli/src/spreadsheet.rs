//! Reading criteria files: our JSON, or a spreadsheet (XLSX, CSV) laid out as
//! `ovop_core::tabular` documents.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use ovop_core::criteria::CriteriaSet;
use ovop_core::parse_set;
use ovop_core::tabular::{read_table, Table};

use crate::CliError;
use ovop_core::Code;

/// Reads a criteria set from a `.json`, `.xlsx` or `.csv` file.
pub fn read_criteria_file(path: &Path) -> Result<CriteriaSet, CliError> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let shown = path.display();
    match ext.as_str() {
        "json" => {
            let text = read_text(path)?;
            parse_set(&text).map_err(|e| CliError::new(e.code(), format!("{shown}: {e}")))
        }
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let table = read_workbook(path)?;
            read_table(&table).map_err(|e| CliError::new(e.code(), format!("{shown}: {e}")))
        }
        "csv" | "txt" => {
            let table = read_csv(path)?;
            read_table(&table).map_err(|e| CliError::new(e.code(), format!("{shown}: {e}")))
        }
        _ => Err(CliError::new(
            Code::CriteriaFileType.as_str(),
            format!(
                "{shown}: a criteria file is .json, .xlsx or .csv (found {:?})",
                ext
            ),
        )),
    }
}

pub fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = std::fs::read(path).map_err(|e| {
        CliError::new(
            Code::FileUnreadable.as_str(),
            format!("cannot read {}: {e}", path.display()),
        )
    })?;
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

/// The first sheet of a workbook, every cell as text (whole numbers without ".0").
fn read_workbook(path: &Path) -> Result<Table, CliError> {
    let mut workbook = open_workbook_auto(path).map_err(|e| {
        CliError::new(
            Code::CriteriaSpreadsheet.as_str(),
            format!("{}: not a readable spreadsheet ({e})", path.display()),
        )
    })?;
    let sheet = workbook.sheet_names().first().cloned().ok_or_else(|| {
        CliError::new(
            Code::CriteriaSpreadsheet.as_str(),
            format!("{}: the workbook has no sheets", path.display()),
        )
    })?;
    let range = workbook.worksheet_range(&sheet).map_err(|e| {
        CliError::new(
            Code::CriteriaSpreadsheet.as_str(),
            format!("{}: sheet {sheet:?} cannot be read ({e})", path.display()),
        )
    })?;
    // Keep absolute row numbers: a range that starts below row 1 is padded so errors name the
    // row the office sees.
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let start_col = range.start().map(|(_, c)| c as usize).unwrap_or(0);
    let mut rows = vec![Vec::new(); start_row];
    for row in range.rows() {
        let mut cells = vec![String::new(); start_col];
        cells.extend(row.iter().map(cell_text));
        rows.push(cells);
    }
    Ok(Table { sheet, rows })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A CSV file, comma- or semicolon-separated (Excel in Indonesian and Vietnamese locales saves
/// with semicolons), with or without a byte-order mark.
fn read_csv(path: &Path) -> Result<Table, CliError> {
    let text = read_text(path)?;
    let header = text
        .lines()
        .find(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .unwrap_or("");
    let delimiter = if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            CliError::new(
                Code::CriteriaSpreadsheet.as_str(),
                format!("{}: {e}", path.display()),
            )
        })?;
        // Place each record on its own line number: the reader skips blank lines, and an error
        // must name the row the office sees.
        let line = record
            .position()
            .map(|p| p.line() as usize)
            .unwrap_or(rows.len() + 1);
        rows.resize(line.saturating_sub(1).max(rows.len()), Vec::new());
        rows.push(record.iter().map(str::to_string).collect());
    }
    let sheet = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Table { sheet, rows })
}
