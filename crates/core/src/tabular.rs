//! A criteria set typed into a spreadsheet, the way an office would type a paper sheet: one row
//! per level. [`crate::spreadsheet`] (the `spreadsheet` feature) reads XLSX and CSV bytes into
//! [`Table`]s; this module turns the cells into a [`CriteriaSet`] and names the sheet, row and
//! column of everything it cannot read, and of everything the validator finds in the set.
//!
//! Layout (documented for offices in the README, examples in `assets/criteria/examples/`, a
//! template in `assets/criteria/`):
//!
//! * Settings rows first: the first cell starts with `#` and names the setting (`#id`,
//!   `#version`, `#name`, `#stars` ...), the next cells hold its value(s). `#note` rows are for
//!   whoever types the sheet and are not read, above or below the header.
//! * Then one header row, then one row per level. Columns, in any order: `part`, `part_name`,
//!   `section`, `section_name`, `code`, `criterion`, `points`, `level`, and optionally `scale`,
//!   `applies_if`, `knockout`, `knockout_text`, `evidence`, `note`, `documents`. Any text column
//!   may be repeated per language with a suffix: `criterion.en`, `level.vi`.
//! * A blank `part`, `section` or `code` cell means "same as the row above", so a criterion's
//!   text is typed once and its levels follow on the next rows. A row that names only a part
//!   and/or a section (no code, points or level) is a heading: it opens the part or section.
//!
//! Reading does not stop at the first problem: each row that cannot be read is reported and
//! skipped, the rows after it are read, and the set's validator runs over what was read. A set
//! is handed out only when nothing is an error.

// A finding is a cell's error with where it is: returned a few times per sheet, never in a
// loop that counts, so it is not boxed.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::codes::Code;
use crate::criteria::{
    Applicability, CouncilRule, CriteriaSet, Criterion, Effective, Gate, Knockout, KnockoutEffect,
    KnockoutTrigger, Level, MinimumRequirement, Part, ProductSet, Programme, Requirement, Rounding,
    Scale, Section, SetStatus, StarBand, StarRule, Text, FORMAT_VERSION,
};
use crate::load::{parse_set, LoadError};
use crate::validate::{validate, Finding, Severity};

/// One sheet of a workbook (or a whole CSV file) as text cells.
#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: String,
    pub rows: Vec<Vec<String>>,
}

/// Something found in a criteria file, placed where the office typed it: the sheet (or file),
/// the 1-based row and the column (letter and header, `G (points)`). What concerns the whole
/// file (its encoding, say) has no row; the validator's findings keep their JSON path too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct SheetFinding {
    pub severity: Severity,
    /// `criteria.spreadsheet` for a cell the reader cannot read, another code of the table for
    /// a file it cannot read at all, the validator's own code (`part_max_mismatch`) otherwise.
    pub code: String,
    pub sheet: String,
    #[cfg_attr(feature = "bindings", ts(type = "number | null"))]
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
    /// The validator's JSON path (`parts[0] (A).sections[1] (2)`), for its findings.
    pub path: Option<String>,
}

impl SheetFinding {
    /// An error about the whole file (not one of its cells).
    pub fn file(code: Code, sheet: &str, message: impl Into<String>) -> Self {
        SheetFinding {
            severity: Severity::Error,
            code: code.as_str().into(),
            sheet: sheet.into(),
            row: None,
            column: None,
            message: message.into(),
            path: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// `sheet "Lembar", row 22, column G (points): points must be ...`
impl fmt::Display for SheetFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.row {
            Some(row) => {
                write!(f, "sheet {:?}, row {row}", self.sheet)?;
                if let Some(column) = &self.column {
                    write!(f, ", column {column}")?;
                }
            }
            None => write!(f, "{}", self.sheet)?,
        }
        if let (None, Some(path)) = (self.row, &self.path) {
            write!(f, ": {path}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// What reading a criteria file gave: every finding, and the set as read.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// The set, when every cell of it could be read; it may still have the validator's errors
    /// (see [`Checked::usable`]).
    pub set: Option<CriteriaSet>,
    /// The reader's findings and the validator's, errors first, each severity in row order.
    pub findings: Vec<SheetFinding>,
}

impl Checked {
    /// The set, when no finding is an error: the one to install or publish.
    pub fn usable(&self) -> Option<&CriteriaSet> {
        self.set.as_ref().filter(|_| !self.has_errors())
    }

    /// The errors of reading the file itself (not the validator's findings about the set).
    pub fn read_errors(&self) -> impl Iterator<Item = &SheetFinding> {
        self.errors().filter(|f| f.path.is_none())
    }

    /// A file refused whole, for one reason.
    pub fn refused(finding: SheetFinding) -> Self {
        Checked {
            set: None,
            findings: vec![finding],
        }
    }

    pub fn errors(&self) -> impl Iterator<Item = &SheetFinding> {
        self.findings.iter().filter(|f| f.is_error())
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }
}

/// Spreadsheet column letters: 0 -> A, 25 -> Z, 26 -> AA.
pub fn column_letter(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

const TEXT_COLUMNS: [&str; 8] = [
    "part_name",
    "section_name",
    "criterion",
    "level",
    "evidence",
    "note",
    "knockout_text",
    "scale",
];
const KNOWN_COLUMNS: [&str; 7] = [
    "part",
    "section",
    "code",
    "points",
    "applies_if",
    "knockout",
    "documents",
];

/// `nib, izin_edar` or `nib izin_edar`: the dossier document kinds a row names (checked by
/// the validator like any other set's).
fn document_kinds(raw: &str) -> Vec<String> {
    raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|kind| !kind.is_empty())
        .map(str::to_lowercase)
        .collect()
}

struct Columns {
    /// Column name (with language suffix, lowercased) -> index.
    by_name: BTreeMap<String, usize>,
    headers: Vec<String>,
}

impl Columns {
    fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
    fn label(&self, index: usize) -> String {
        format!(
            "{} ({})",
            column_letter(index),
            self.headers.get(index).map(|h| h.trim()).unwrap_or("")
        )
    }
    fn label_of(&self, name: &str) -> Option<String> {
        self.index(name).map(|i| self.label(i))
    }
    /// The column of a text, in the set's language or the first other one.
    fn text_label(&self, base: &str) -> Option<String> {
        self.index(base)
            .or_else(|| {
                self.by_name
                    .iter()
                    .find(|(name, _)| {
                        name.strip_prefix(base)
                            .is_some_and(|rest| rest.starts_with('.'))
                    })
                    .map(|(_, i)| *i)
            })
            .map(|i| self.label(i))
    }
}

struct Reader<'a> {
    table: &'a Table,
    language: String,
}

impl Reader<'_> {
    fn err(&self, row: usize, column: Option<String>, message: impl Into<String>) -> SheetFinding {
        SheetFinding {
            severity: Severity::Error,
            code: Code::CriteriaSpreadsheet.as_str().into(),
            sheet: self.table.sheet.clone(),
            row: Some(row + 1),
            column,
            message: message.into(),
            path: None,
        }
    }
}

fn cell(row: &[String], index: Option<usize>) -> &str {
    index
        .and_then(|i| row.get(i))
        .map(|s| s.trim())
        .unwrap_or("")
}

/// Where each thing of the set was typed (0-based rows), to place the validator's findings.
#[derive(Default)]
struct Placed {
    settings: BTreeMap<String, Vec<usize>>,
    part_max: BTreeMap<String, usize>,
    header: usize,
    parts: Vec<PartAt>,
}

struct PartAt {
    row: usize,
    code: String,
    sections: Vec<SectionAt>,
}

struct SectionAt {
    row: usize,
    criteria: Vec<CriterionAt>,
}

struct CriterionAt {
    row: usize,
    levels: Vec<usize>,
}

/// Reads a criteria set from a table laid out as the module documentation says, and checks it:
/// every problem of a cell, then every finding of the validator, each where it was typed.
pub fn read_table(table: &Table) -> Checked {
    let mut found = Vec::new();
    let mut placed = Placed::default();
    let read = read_cells(table, &mut found, &mut placed);
    let mut checked_later = Vec::new();
    if let Some((set, columns, missing)) = &read {
        for finding in validate(set) {
            if missing.iter().any(|m| covers(m, &finding)) {
                continue;
            }
            checked_later.push(place(finding, &placed, columns, &table.sheet));
        }
    }
    let cells_read = !found.iter().any(SheetFinding::is_error);
    found.extend(checked_later);
    found.sort_by_key(|f| (f.severity, f.row.unwrap_or(0)));
    let set = read.map(|(set, ..)| set).filter(|_| cells_read);
    Checked {
        set,
        findings: found,
    }
}

/// A set read from JSON (no cells), checked: its validator's findings, each with its path.
pub fn check_set(sheet: &str, set: CriteriaSet) -> Checked {
    // The validator lists errors first already.
    let findings: Vec<SheetFinding> = validate(&set)
        .into_iter()
        .map(|f| SheetFinding {
            severity: f.severity,
            code: f.code,
            sheet: sheet.into(),
            row: None,
            column: None,
            message: f.message,
            path: Some(f.path),
        })
        .collect();
    Checked {
        set: Some(set),
        findings,
    }
}

/// A criteria set's JSON text, read and checked; a syntax error names its line.
pub fn check_json(sheet: &str, json: &str) -> Checked {
    match parse_set(json) {
        Ok(set) => check_set(sheet, set),
        Err(err) => {
            let code = Code::parse(err.code()).unwrap_or(Code::CriteriaSchema);
            let mut finding = SheetFinding::file(code, sheet, err.to_string());
            match err {
                LoadError::Syntax { line, .. } => finding.row = Some(line),
                LoadError::Schema { path, .. } => finding.path = Some(path),
                LoadError::NewerFormat { .. } => {}
            }
            Checked::refused(finding)
        }
    }
}

/// A setting the sheet lacks: the validator's finding about the same thing is not repeated.
fn covers(missing: &str, finding: &Finding) -> bool {
    match missing {
        "id" => finding.code == "bad_id",
        "version" => finding.code == "bad_version",
        "name" => finding.path == "name",
        "stars" => finding.code == "no_star_bands",
        _ => false,
    }
}

/// The settings rows, the header and every level row. `None` when no row could be read (no
/// header, a required column missing); otherwise the set as far as it could be read (settings
/// that are missing are reported and left empty), its columns and the missing settings.
fn read_cells(
    table: &Table,
    found: &mut Vec<SheetFinding>,
    placed: &mut Placed,
) -> Option<(CriteriaSet, Columns, Vec<&'static str>)> {
    let mut reader = Reader {
        table,
        language: "id".into(),
    };
    let mut settings: Vec<(usize, String, Vec<String>)> = Vec::new();
    let mut header_row = None;
    for (r, row) in table.rows.iter().enumerate() {
        let first = row.first().map(|s| s.trim()).unwrap_or("");
        if let Some(key) = first.strip_prefix('#') {
            let values = row
                .iter()
                .skip(1)
                .map(|v| v.trim().to_string())
                .collect::<Vec<_>>();
            let key = key.trim().to_lowercase();
            placed.settings.entry(key.clone()).or_default().push(r);
            settings.push((r, key, values));
        } else if row.iter().any(|c| !c.trim().is_empty()) {
            header_row = Some(r);
            break;
        }
    }

    // The language first: texts of every other setting are in it.
    let mut meta = Meta::default();
    for (r, key, values) in &settings {
        if key == "language" {
            meta.apply(&reader, *r, key, values, found, placed);
        }
    }
    reader.language = meta.language.clone().unwrap_or_else(|| "id".into());
    for (r, key, values) in &settings {
        if key != "language" {
            meta.apply(&reader, *r, key, values, found, placed);
        }
    }

    let Some(header_row) = header_row else {
        found.push(reader.err(
            table.rows.len().saturating_sub(1),
            None,
            "no header row with column names was found",
        ));
        return None;
    };
    placed.header = header_row;
    let columns = read_header(&reader, header_row, found)?;
    let parts = read_rows(&reader, &columns, header_row, &meta, found, placed);
    if parts.is_empty() {
        found.push(reader.err(header_row, None, "there are no level rows under the header"));
        return None;
    }
    let (set, missing) = meta.into_set(&reader, parts, found);
    Some((set, columns, missing))
}

/// The header row's columns. Unknown and repeated columns are reported and left out; `None`
/// when a required one is missing (no level row could be read).
fn read_header(
    reader: &Reader,
    header_row: usize,
    found: &mut Vec<SheetFinding>,
) -> Option<Columns> {
    let row = &reader.table.rows[header_row];
    let headers: Vec<String> = row.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut by_name = BTreeMap::new();
    for (i, header) in headers.iter().enumerate() {
        if header.is_empty() {
            continue;
        }
        let base = header.split('.').next().unwrap_or(header);
        let known = TEXT_COLUMNS.contains(&base)
            || (KNOWN_COLUMNS.contains(&base) && !header.contains('.'));
        let at = Some(format!("{} ({header})", column_letter(i)));
        if !known {
            found.push(reader.err(
                header_row,
                at,
                format!("unknown column {header:?}; the columns are part, part_name, section, section_name, code, criterion, points, level, scale, applies_if, knockout, knockout_text, evidence, note, documents"),
            ));
        } else if by_name.contains_key(header) {
            found.push(reader.err(header_row, at, format!("column {header:?} appears twice")));
        } else {
            by_name.insert(header.clone(), i);
        }
    }
    let columns = Columns {
        by_name,
        headers: row.clone(),
    };
    let mut complete = true;
    for required in ["part", "section", "code", "points", "level"] {
        if columns.index(required).is_none()
            && !(required == "level" && columns.by_name.keys().any(|k| k.starts_with("level.")))
        {
            found.push(reader.err(
                header_row,
                None,
                format!("the header row has no {required:?} column"),
            ));
            complete = false;
        }
    }
    complete.then_some(columns)
}

fn localized(reader: &Reader, columns: &Columns, row: &[String], base: &str) -> Text {
    let mut text = Text::default();
    for (name, index) in &columns.by_name {
        let lang = if name == base {
            reader.language.as_str()
        } else if let Some(lang) = name
            .strip_prefix(base)
            .and_then(|rest| rest.strip_prefix('.'))
        {
            lang
        } else {
            continue;
        };
        let value = cell(row, Some(*index));
        if !value.is_empty() {
            text.0.insert(lang.to_string(), value.to_string());
        }
    }
    text
}

/// Every row under the header. A row that cannot be read is reported and skipped; the rows
/// that only continue it (blank part, section and code) are skipped without a word, so one
/// mistake is reported once.
fn read_rows(
    reader: &Reader,
    columns: &Columns,
    header_row: usize,
    meta: &Meta,
    found: &mut Vec<SheetFinding>,
    placed: &mut Placed,
) -> Vec<Part> {
    let mut parts: Vec<Part> = Vec::new();
    let mut scale_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut lost = false;
    for (r, row) in reader.table.rows.iter().enumerate().skip(header_row + 1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if let Some(key) = row.first().and_then(|c| c.trim().strip_prefix('#')) {
            if key.trim().eq_ignore_ascii_case("note") {
                continue;
            }
            found.push(reader.err(
                r,
                Some("A".into()),
                format!(
                    "#{} is a setting: settings go above the header row",
                    key.trim()
                ),
            ));
            continue;
        }
        let part_code = cell(row, columns.index("part"));
        let section_code = cell(row, columns.index("section"));
        let code = cell(row, columns.index("code"));
        let points_cell = cell(row, columns.index("points"));
        let level_text = localized(reader, columns, row, "level");
        let heading = code.is_empty()
            && points_cell.is_empty()
            && level_text.is_blank()
            && (!part_code.is_empty() || !section_code.is_empty());
        if lost && part_code.is_empty() && section_code.is_empty() && code.is_empty() {
            continue;
        }
        lost = false;
        let mut fail = |finding: SheetFinding| {
            found.push(finding);
            lost = true;
        };

        let new_part = !part_code.is_empty() && parts.last().is_none_or(|p| p.code != part_code);
        if new_part {
            parts.push(Part {
                code: part_code.to_string(),
                name: localized(reader, columns, row, "part_name"),
                max: meta.part_max.get(part_code).copied(),
                sections: Vec::new(),
            });
            placed.parts.push(PartAt {
                row: r,
                code: part_code.to_string(),
                sections: Vec::new(),
            });
        }
        let (Some(part), Some(part_at)) = (parts.last_mut(), placed.parts.last_mut()) else {
            fail(reader.err(
                r,
                columns.label_of("part"),
                "the first row under the header must name its part",
            ));
            continue;
        };

        let new_section = !section_code.is_empty()
            && (new_part || part.sections.last().is_none_or(|s| s.code != section_code));
        if new_section {
            part.sections.push(Section {
                code: section_code.to_string(),
                name: localized(reader, columns, row, "section_name"),
                groups: Vec::new(),
                criteria: Vec::new(),
            });
            part_at.sections.push(SectionAt {
                row: r,
                criteria: Vec::new(),
            });
        } else if new_part && !heading {
            fail(reader.err(
                r,
                columns.label_of("section"),
                "a new part must name its first section",
            ));
            continue;
        }
        if heading {
            continue;
        }
        let (Some(section), Some(section_at)) =
            (part.sections.last_mut(), part_at.sections.last_mut())
        else {
            fail(reader.err(
                r,
                columns.label_of("section"),
                format!("part {} has no section yet: name one", part.code),
            ));
            continue;
        };

        let new_criterion = new_section
            || (!code.is_empty() && section.criteria.last().is_none_or(|c| c.code != code));
        if new_criterion {
            if code.is_empty() {
                fail(reader.err(
                    r,
                    columns.label_of("code"),
                    "a new section must name its first criterion's code",
                ));
                continue;
            }
            let mut text = localized(reader, columns, row, "criterion");
            if text.is_blank() {
                text = section.name.clone();
            }
            let note = Some(localized(reader, columns, row, "note")).filter(|t| !t.is_blank());
            let evidence =
                Some(localized(reader, columns, row, "evidence")).filter(|t| !t.is_blank());
            // A condition or knock-out that cannot be read is reported; the criterion and its
            // levels are still read, so their own problems are found too.
            let applies_if = parse_applies_if(reader, columns, row, r).unwrap_or_else(|f| {
                found.push(f);
                None
            });
            let knockout = parse_knockout(reader, columns, row, r).unwrap_or_else(|f| {
                found.push(f);
                None
            });
            section.criteria.push(Criterion {
                code: code.to_string(),
                text,
                group: None,
                note,
                evidence,
                documents: document_kinds(cell(row, columns.index("documents"))),
                scales: Vec::new(),
                levels: Vec::new(),
                applies_if,
                knockout,
            });
            section_at.criteria.push(CriterionAt {
                row: r,
                levels: Vec::new(),
            });
            scale_ids.clear();
        }
        let (Some(criterion), Some(criterion_at)) =
            (section.criteria.last_mut(), section_at.criteria.last_mut())
        else {
            continue;
        };
        if !new_criterion {
            if let Some(finding) = left_out(reader, columns, row, r, criterion) {
                found.push(finding);
            }
        }

        let Some(points) = parse_points(points_cell) else {
            // Only this level is lost: the criterion's next levels are still read.
            found.push(reader.err(
                r,
                columns.label_of("points"),
                format!("points must be a whole number of 0 or more, found {points_cell:?}"),
            ));
            continue;
        };
        if level_text.is_blank() {
            found.push(reader.err(r, columns.text_label("level"), "the level has no text"));
            continue;
        }
        let scale_label = localized(reader, columns, row, "scale");
        let scale = if scale_label.is_blank() {
            None
        } else {
            let key = scale_label
                .get(&reader.language, &reader.language)
                .to_string();
            let next_id = ((b'a' + (scale_ids.len() % 26) as u8) as char).to_string();
            let id = scale_ids
                .entry(key)
                .or_insert_with(|| next_id.clone())
                .clone();
            if id == next_id && !criterion.scales.iter().any(|s| s.id == id) {
                criterion.scales.push(Scale {
                    id: id.clone(),
                    label: scale_label,
                });
            }
            Some(id)
        };
        criterion.levels.push(Level {
            points,
            text: level_text,
            scale,
        });
        criterion_at.levels.push(r);
    }
    parts
}

/// The criterion's own cells (its text, condition, knock-out, evidence, note, documents) are
/// read on its first row; one typed on a later level row would be lost without a word, so it
/// is a warning (a repeated criterion text is not).
fn left_out(
    reader: &Reader,
    columns: &Columns,
    row: &[String],
    r: usize,
    criterion: &Criterion,
) -> Option<SheetFinding> {
    const OWN: [&str; 7] = [
        "criterion",
        "applies_if",
        "knockout",
        "knockout_text",
        "evidence",
        "note",
        "documents",
    ];
    let (name, index) = columns.by_name.iter().find(|(name, index)| {
        let (base, lang) = name.split_once('.').unwrap_or((name.as_str(), ""));
        let value = cell(row, Some(**index));
        let repeated = base == "criterion"
            && criterion
                .text
                .0
                .get(if lang.is_empty() {
                    reader.language.as_str()
                } else {
                    lang
                })
                .is_some_and(|text| text == value);
        OWN.contains(&base) && !value.is_empty() && !repeated
    })?;
    Some(SheetFinding {
        severity: Severity::Warning,
        ..reader.err(
            r,
            Some(columns.label(*index)),
            format!(
                "{name} is read on the first row of criterion {} only; on this level row it is left out",
                criterion.code
            ),
        )
    })
}

fn parse_points(s: &str) -> Option<u32> {
    // Spreadsheets store numbers as floats: accept "3" and "3.0", refuse "2.5" and "-1".
    match s.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) => s
            .parse::<f64>()
            .ok()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= f64::from(u32::MAX))
            .map(|f| f as u32),
    }
}

/// `5.1 > 0` or `5.1 >= 2`.
fn parse_applies_if(
    reader: &Reader,
    columns: &Columns,
    row: &[String],
    r: usize,
) -> Result<Option<Applicability>, SheetFinding> {
    let raw = cell(row, columns.index("applies_if"));
    if raw.is_empty() {
        return Ok(None);
    }
    let bad = || {
        reader.err(
            r,
            columns.label_of("applies_if"),
            format!("write the condition as \"5.1 > 0\" or \"5.1 >= 2\", found {raw:?}"),
        )
    };
    let (criterion, min_points) = if let Some((c, n)) = raw.split_once(">=") {
        (c.trim(), n.trim().parse::<u32>().map_err(|_| bad())?)
    } else if let Some((c, n)) = raw.split_once('>') {
        let n = n.trim().parse::<u32>().map_err(|_| bad())?;
        (c.trim(), n.checked_add(1).ok_or_else(bad)?)
    } else {
        return Err(bad());
    };
    if criterion.is_empty() {
        return Err(bad());
    }
    let reason = Text::new(&reader.language, format!("{criterion} ≥ {min_points}"));
    Ok(Some(Applicability {
        criterion: criterion.to_string(),
        min_points,
        reason,
    }))
}

/// `observed stop`, `observed disqualify`, `points <= 0 stop`.
fn parse_knockout(
    reader: &Reader,
    columns: &Columns,
    row: &[String],
    r: usize,
) -> Result<Option<Knockout>, SheetFinding> {
    let raw = cell(row, columns.index("knockout")).to_lowercase();
    if raw.is_empty() {
        return Ok(None);
    }
    let label = columns.label_of("knockout");
    let bad = || {
        reader.err(r, label.clone(), format!("write \"observed stop\", \"observed disqualify\" or \"points <= 0 stop\", found {raw:?}"))
    };
    let compact: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let (trigger, effect) = if let Some(effect) = compact.strip_prefix("observed") {
        (KnockoutTrigger::Observed {}, effect.trim())
    } else if let Some(rest) = compact.strip_prefix("points") {
        let rest = rest.trim().strip_prefix("<=").ok_or_else(bad)?.trim();
        let (n, effect) = rest.split_once(' ').unwrap_or((rest, ""));
        (
            KnockoutTrigger::PointsAtMost {
                points: n.parse().map_err(|_| bad())?,
            },
            effect.trim(),
        )
    } else {
        return Err(bad());
    };
    let effect = match effect {
        "stop" => KnockoutEffect::Stop,
        "disqualify" => KnockoutEffect::Disqualify,
        _ => return Err(bad()),
    };
    let mut text = localized(reader, columns, row, "knockout_text");
    if text.is_blank() {
        text = Text::new(&reader.language, raw.clone());
    }
    Ok(Some(Knockout {
        trigger,
        effect,
        text,
    }))
}

#[derive(Default)]
struct Meta {
    id: Option<String>,
    version: Option<String>,
    programme: Option<Programme>,
    status: Option<SetStatus>,
    name: Text,
    language: Option<String>,
    legal_basis: Vec<String>,
    effective: Effective,
    product_sets: Vec<ProductSet>,
    source: Option<String>,
    remarks: Vec<Text>,
    max_total: Option<u32>,
    part_max: BTreeMap<String, u32>,
    bands: Vec<StarBand>,
    rounding: Option<Rounding>,
    max_divergence: Option<u32>,
    gates: Vec<Gate>,
    requirements: Vec<MinimumRequirement>,
    settings_row: usize,
    /// The settings typed at all (one typed wrong is reported as such, not as missing).
    typed: std::collections::BTreeSet<String>,
}

impl Meta {
    /// Takes one settings row; what cannot be read is reported and left out.
    fn apply(
        &mut self,
        reader: &Reader,
        r: usize,
        key: &str,
        values: &[String],
        found: &mut Vec<SheetFinding>,
        placed: &mut Placed,
    ) {
        self.settings_row = self.settings_row.max(r);
        self.typed.insert(key.to_string());
        if let Err(finding) = self.apply_one(reader, r, key, values, found, placed) {
            found.push(finding);
        }
    }

    fn apply_one(
        &mut self,
        reader: &Reader,
        r: usize,
        key: &str,
        values: &[String],
        found: &mut Vec<SheetFinding>,
        placed: &mut Placed,
    ) -> Result<(), SheetFinding> {
        let first = values.first().cloned().unwrap_or_default();
        let col = |i: usize| Some(column_letter(i + 1));
        let need = |what: &str| reader.err(r, col(0), format!("#{key} needs {what}"));
        let lang = self.language.clone().unwrap_or_else(|| "id".into());
        match key {
            "note" => {}
            "id" => self.id = Some(first),
            "version" => self.version = Some(first),
            "language" => self.language = Some(first).filter(|l| !l.is_empty()),
            "source" => self.source = Some(first).filter(|s| !s.is_empty()),
            "legal_basis" => self.legal_basis.extend(values.iter().filter(|v| !v.is_empty()).cloned()),
            "effective_from" => self.effective.from = Some(first).filter(|s| !s.is_empty()),
            "effective_until" => self.effective.until = Some(first).filter(|s| !s.is_empty()),
            "programme" => {
                self.programme = Some(match first.to_lowercase().as_str() {
                    "ocop" => Programme::Ocop,
                    "ovop" => Programme::Ovop,
                    "otop" => Programme::Otop,
                    "other" => Programme::Other,
                    _ => return Err(reader.err(r, col(0), format!("programme must be ocop, ovop, otop or other, found {first:?}"))),
                })
            }
            "status" => {
                self.status = Some(match first.to_lowercase().as_str() {
                    "official" => SetStatus::Official,
                    "transcription" => SetStatus::Transcription,
                    "template" => SetStatus::Template,
                    "draft" => SetStatus::Draft,
                    _ => return Err(reader.err(r, col(0), format!("status must be official, transcription, template or draft, found {first:?}"))),
                })
            }
            // `#name | <lang> | <text>` or `#name | <text>` in the set's language.
            k if k == "name" || k == "remark" => {
                let text = match values {
                    [code, text, ..] if code.len() == 2 && !text.is_empty() => Text::new(code, text.clone()),
                    [text, ..] if !text.is_empty() => Text::new(&lang, text.clone()),
                    _ => return Err(need("a text")),
                };
                if k == "name" {
                    self.name.0.extend(text.0);
                } else {
                    self.remarks.push(text);
                }
            }
            "product_set" => match values {
                [code, name, ..] if !code.is_empty() => {
                    self.product_sets.push(ProductSet { code: code.clone(), name: Text::new(&lang, name.clone()) })
                }
                _ => return Err(need("a code and a name")),
            },
            "max_total" => self.max_total = Some(parse_points(&first).ok_or_else(|| need("a whole number"))?),
            "part_max" => match values {
                [part, max, ..] => {
                    let max = parse_points(max).ok_or_else(|| reader.err(r, col(1), "the part's maximum must be a whole number"))?;
                    self.part_max.insert(part.clone(), max);
                    placed.part_max.insert(part.clone(), r);
                }
                _ => return Err(need("a part code and its maximum")),
            },
            // `#stars | 1:0 | 2:30 | 3:50 ...`: each band that cannot be read is reported.
            "stars" => {
                for (i, band) in values.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                    let parsed = band.split_once(':').and_then(|(s, m)| Some((s.trim().parse::<u8>().ok()?, parse_points(m.trim())?)));
                    match parsed {
                        Some((star, min)) => self.bands.push(StarBand { star, min }),
                        None => found.push(reader.err(r, col(i), format!("write a band as star:minimum (\"3:50\"), found {band:?}"))),
                    }
                }
                if self.bands.is_empty() && !values.iter().any(|v| !v.is_empty()) {
                    return Err(need("its bands (\"1:0 | 2:30 | 3:50\")"));
                }
            }
            "rounding" => {
                self.rounding = Some(match first.to_lowercase().as_str() {
                    "none" => Rounding::None,
                    "floor" => Rounding::Floor,
                    "half_up" => Rounding::HalfUp,
                    _ => return Err(reader.err(r, col(0), format!("rounding must be none, floor or half_up, found {first:?}"))),
                })
            }
            "max_divergence" => self.max_divergence = Some(parse_points(&first).ok_or_else(|| need("a whole number"))?),
            // `#gate | G1 | text | evidence | documents`
            "gate" => match values {
                [code, text, rest @ ..] if !code.is_empty() && !text.is_empty() => {
                    let evidence = rest.first().filter(|e| !e.is_empty()).map(|e| Text::new(&lang, e.clone()));
                    let documents = rest.get(1).map(|d| document_kinds(d)).unwrap_or_default();
                    self.gates.push(Gate { code: code.clone(), text: Text::new(&lang, text.clone()), evidence, documents });
                }
                _ => return Err(need("a code and a text")),
            },
            // `#requirement | 3 | criterion 8.1 >= 1 | text`  or  `... | part C >= 20 | ...`
            "requirement" => match values {
                [star, rule, text, ..] => {
                    let star = star.parse::<u8>().map_err(|_| reader.err(r, col(0), format!("the star must be a number, found {star:?}")))?;
                    let bad = || reader.err(r, col(1), format!("write the rule as \"criterion 8.1 >= 1\" or \"part C >= 20\", found {rule:?}"));
                    let words: Vec<&str> = rule.split_whitespace().collect();
                    let rule = match words.as_slice() {
                        ["criterion", code, ">=", n] => Requirement::CriterionAtLeast { criterion: code.to_string(), points: n.parse().map_err(|_| bad())? },
                        ["part", code, ">=", n] => Requirement::PartAtLeast { part: code.to_string(), points: n.parse().map_err(|_| bad())? },
                        _ => return Err(bad()),
                    };
                    self.requirements.push(MinimumRequirement { star, rule, text: Text::new(&lang, text.clone()) });
                }
                _ => return Err(need("a star, a rule and a text")),
            },
            _ => {
                return Err(reader.err(
                    r,
                    Some("A".into()),
                    format!("unknown setting #{key}; the settings are #id, #version, #name, #programme, #status, #language, #legal_basis, #effective_from, #effective_until, #product_set, #source, #remark, #max_total, #part_max, #stars, #rounding, #max_divergence, #gate, #requirement, #note"),
                ))
            }
        }
        Ok(())
    }

    /// The set as far as the settings allow; each missing setting is reported (and named in
    /// the list returned, so the validator does not say it again).
    fn into_set(
        mut self,
        reader: &Reader,
        parts: Vec<Part>,
        found: &mut Vec<SheetFinding>,
    ) -> (CriteriaSet, Vec<&'static str>) {
        let mut missing = Vec::new();
        let typed = std::mem::take(&mut self.typed);
        let mut lack = |what: &'static str| {
            if !typed.contains(what) {
                found.push(reader.err(
                    self.settings_row,
                    Some("A".into()),
                    format!("the #{what} setting is missing"),
                ));
            }
            missing.push(what);
        };
        let id = self.id.clone().filter(|s| !s.is_empty());
        if id.is_none() {
            lack("id");
        }
        let version = self.version.clone().filter(|s| !s.is_empty());
        if version.is_none() {
            lack("version");
        }
        if self.name.is_blank() {
            lack("name");
        }
        if self.programme.is_none() {
            lack("programme");
        }
        if self.bands.is_empty() {
            lack("stars");
        }
        let set = CriteriaSet {
            format: FORMAT_VERSION,
            id: id.unwrap_or_default(),
            version: version.unwrap_or_default(),
            programme: self.programme.unwrap_or(Programme::Other),
            status: self.status.unwrap_or(SetStatus::Draft),
            name: self.name,
            language: reader.language.clone(),
            legal_basis: self.legal_basis,
            effective: self.effective,
            product_sets: self.product_sets,
            source: self.source,
            remarks: self.remarks,
            known_defects: Vec::new(),
            gates: self.gates,
            parts,
            max_total: self.max_total,
            stars: StarRule {
                rounding: self.rounding.unwrap_or(Rounding::None),
                bands: self.bands,
            },
            minimum_requirements: self.requirements,
            council: CouncilRule {
                max_divergence: self.max_divergence,
                quorum: None,
            },
        };
        (set, missing)
    }
}

/// The validator's finding, placed on the row and column where the thing it is about was
/// typed (the criterion's row, a level's points, the `#stars` row...).
fn place(finding: Finding, placed: &Placed, columns: &Columns, sheet: &str) -> SheetFinding {
    let (row, column) = locate(&finding, placed, columns);
    SheetFinding {
        severity: finding.severity,
        code: finding.code,
        sheet: sheet.into(),
        row: row.map(|r| r + 1),
        column,
        message: finding.message,
        path: Some(finding.path),
    }
}

/// `parts[0] (A).sections[1] (2.1).criteria[0] (2.1.1).levels[1]` as steps: `("parts", 0)`,
/// `("sections", 1)`, ... (the printed codes in brackets may hold dots: they are left out).
fn steps(path: &str) -> Vec<(String, Option<usize>)> {
    let mut bare = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 && c != ' ' => bare.push(c),
            _ => {}
        }
    }
    bare.split('.')
        .filter(|s| !s.is_empty())
        .map(|step| match step.split_once('[') {
            Some((name, rest)) => (
                name.to_string(),
                rest.trim_end_matches(']').parse::<usize>().ok(),
            ),
            None => (step.to_string(), None),
        })
        .collect()
}

type Spot = (Option<usize>, Option<String>);

fn locate(finding: &Finding, placed: &Placed, columns: &Columns) -> Spot {
    let steps = steps(&finding.path);
    let names: Vec<&str> = steps.iter().map(|(n, _)| n.as_str()).collect();
    let index = |i: usize| steps.get(i).and_then(|(_, n)| *n);
    let setting = |key: &str, nth: usize| -> Spot {
        match placed.settings.get(key).and_then(|rows| rows.get(nth)) {
            Some(row) => (Some(*row), Some("B".into())),
            None => (None, None),
        }
    };
    match names.as_slice() {
        ["id", ..] => setting("id", 0),
        ["version", ..] => setting("version", 0),
        ["name", ..] => setting("name", 0),
        ["effective", "from"] => setting("effective_from", 0),
        ["effective", ..] => match setting("effective_until", 0) {
            (None, _) => setting("effective_from", 0),
            spot => spot,
        },
        ["max_total"] => setting("max_total", 0),
        ["stars", ..] => setting("stars", 0),
        ["gates", ..] => setting("gate", index(0).unwrap_or(0)),
        ["minimum_requirements", ..] => setting("requirement", index(0).unwrap_or(0)),
        ["parts"] if index(0).is_none() => (Some(placed.header), None),
        ["parts", rest @ ..] => {
            let Some(part) = index(0).and_then(|p| placed.parts.get(p)) else {
                return (None, None);
            };
            if rest.is_empty() {
                if finding.code == "part_max_mismatch" {
                    if let Some(row) = placed.part_max.get(&part.code) {
                        return (Some(*row), Some("C".into()));
                    }
                }
                return (Some(part.row), columns.label_of("part"));
            }
            let Some(section) = index(1).and_then(|s| part.sections.get(s)) else {
                return (Some(part.row), columns.label_of("part"));
            };
            if rest.len() == 1 {
                return (Some(section.row), columns.label_of("section"));
            }
            let Some(criterion) = index(2).and_then(|c| section.criteria.get(c)) else {
                return (Some(section.row), columns.label_of("section"));
            };
            let here = |column: Option<String>| (Some(criterion.row), column);
            match &rest[2..] {
                [] => here(columns.label_of("code")),
                ["text", ..] => here(columns.text_label("criterion")),
                ["applies_if", ..] => here(columns.label_of("applies_if")),
                ["knockout", "text"] => here(columns.text_label("knockout_text")),
                ["knockout", ..] => here(columns.label_of("knockout")),
                ["documents", ..] => here(columns.label_of("documents")),
                ["scales", ..] => here(columns.text_label("scale")),
                ["levels", tail @ ..] => {
                    let Some(row) = index(3).and_then(|l| criterion.levels.get(l)) else {
                        return here(columns.label_of("code"));
                    };
                    let column = match (tail, finding.code.as_str()) {
                        (["text", ..], _) => columns.text_label("level"),
                        (_, "missing_scale" | "unknown_scale") => columns.text_label("scale"),
                        _ => columns.label_of("points"),
                    };
                    (Some(*row), column)
                }
                _ => here(None),
            }
        }
        _ => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table {
            sheet: "Lembar".into(),
            rows: text
                .lines()
                .map(|l| l.split('|').map(|c| c.trim().to_string()).collect())
                .collect(),
        }
    }

    const SETTINGS: &str = "#id|contoh
#version|1
#programme|ovop
#name|Contoh
#stars|1:0|2:3
";

    #[test]
    fn every_bad_cell_is_reported_not_only_the_first() {
        let checked = read_table(&table(&format!(
            "{SETTINGS}part|section|code|points|level|applies_if|knockout
A|1|1.1|satu|Rendah||
|||2|Tinggi||
||1.2|1|Ada|1.1 >> 0|
|||2||maybe
B|2|2.1|1|Ada||
|||x|Banyak||"
        )));
        assert!(checked.set.is_none());
        let at: Vec<(Option<usize>, Option<&str>)> = checked
            .errors()
            .map(|f| (f.row, f.column.as_deref()))
            .collect();
        assert_eq!(
            at,
            [
                (Some(7), Some("D (points)")),
                (Some(9), Some("F (applies_if)")),
                (Some(10), Some("E (level)")),
                (Some(12), Some("D (points)")),
            ],
            "{:#?}",
            checked.findings
        );
        // The knock-out of 1.2 is written on its second level row: the column is read on the
        // criterion's first row only, so that cell is not read at all (and not reported).
        assert!(checked.findings.iter().all(|f| f.sheet == "Lembar"));
        assert!(checked
            .errors()
            .all(|f| f.code == Code::CriteriaSpreadsheet.as_str()));
    }

    #[test]
    fn settings_missing_and_wrong_are_all_reported_once() {
        let checked = read_table(&table(
            "#programme|ovpo
#stars|1:0|2;3|3:x
#colour|red
part|section|code|points|level
A|1|1.1|1|Ada",
        ));
        let messages: Vec<&str> = checked.errors().map(|f| f.message.as_str()).collect();
        for expected in [
            "programme must be ocop",
            "found \"2;3\"",
            "found \"3:x\"",
            "unknown setting #colour",
            "the #id setting is missing",
            "the #version setting is missing",
            "the #name setting is missing",
        ] {
            assert_eq!(
                messages.iter().filter(|m| m.contains(expected)).count(),
                1,
                "{expected}: {messages:#?}"
            );
        }
        // A setting typed wrong is not said to be missing, and the validator does not say
        // again what the reader said (`bad_id`, no name).
        assert!(!messages.iter().any(|m| m.contains("#programme setting")));
        assert!(!checked
            .findings
            .iter()
            .any(|f| f.code == "bad_id" || f.code == "bad_version"));
    }

    #[test]
    fn the_validators_findings_are_placed_on_their_row_and_column() {
        let checked = read_table(&table(&format!(
            "{SETTINGS}#part_max|A|9
#requirement|2|criterion 9.9 >= 1|Tidak ada
part|section|code|points|level|applies_if
A|1|1.1|1|Rendah|
|||1|Sama|
||1.2|0|Tidak|1.3 > 0
||1.1|2|Lagi|"
        )));
        let find = |code: &str| {
            checked
                .findings
                .iter()
                .find(|f| f.code == code)
                .unwrap_or_else(|| panic!("no {code}: {:#?}", checked.findings))
        };
        let twice = find("duplicate_level_points");
        assert_eq!(
            (twice.row, twice.column.as_deref()),
            (Some(10), Some("D (points)"))
        );
        assert_eq!(twice.severity, Severity::Warning);
        let unknown = find("unknown_criterion");
        assert_eq!(unknown.row, Some(7), "the #requirement row first");
        let condition = checked
            .findings
            .iter()
            .filter(|f| f.code == "unknown_criterion")
            .nth(1)
            .expect("the condition's finding");
        assert_eq!(
            (condition.row, condition.column.as_deref()),
            (Some(11), Some("F (applies_if)"))
        );
        let again = find("duplicate_code");
        assert_eq!(
            (again.row, again.column.as_deref()),
            (Some(12), Some("C (code)"))
        );
        let sum = find("part_max_mismatch");
        assert_eq!((sum.row, sum.column.as_deref()), (Some(6), Some("C")));
        assert!(checked.set.is_some() && checked.usable().is_none());
        // Errors first, each severity in row order.
        let severities: Vec<Severity> = checked.findings.iter().map(|f| f.severity).collect();
        let mut sorted = severities.clone();
        sorted.sort();
        assert_eq!(severities, sorted);
    }

    #[test]
    fn headings_and_notes_frame_a_sheet_and_a_clean_one_gives_its_set() {
        let checked = read_table(&table(&format!(
            "{SETTINGS}#note|type the criteria under each section
part|part_name|section|section_name|code|points|level
A|Produksi|||||
||1|Bahan baku|||
#note|one row per level
||||1.1|1|Luar daerah
|||||3|Dalam daerah
||2|Kemasan|||
||||2.1|0|Tidak ada
|||||2|Ada"
        )));
        assert!(!checked.has_errors(), "{:#?}", checked.findings);
        let set = checked.usable().cloned().expect("the set");
        assert_eq!(set.parts[0].name.get("id", "id"), "Produksi");
        assert_eq!(set.parts[0].sections.len(), 2);
        assert_eq!(set.computed_max(), 5);
    }

    #[test]
    fn a_criterions_cell_typed_on_a_later_level_row_is_a_warning_not_lost_silently() {
        let checked = read_table(&table(&format!(
            "{SETTINGS}part|section|code|criterion|points|level|applies_if
A|1|1.1|Bahan|1|Rendah|
|||Bahan|3|Tinggi|
||1.2|Cerita|0|Tidak ada|
||||2|Ada|1.1 > 0"
        )));
        let warnings: Vec<(Option<usize>, Option<&str>)> = checked
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| (f.row, f.column.as_deref()))
            .collect();
        assert_eq!(warnings, [(Some(10), Some("G (applies_if)"))]);
        assert!(
            checked.usable().is_some(),
            "a warning does not stop the set"
        );
    }

    #[test]
    fn a_section_left_empty_is_named_with_its_row() {
        let checked = read_table(&table(&format!(
            "{SETTINGS}part|section|section_name|code|points|level
A|1|Bahan|1.1|1|Ada
|2|Kemasan|||"
        )));
        let empty = checked
            .findings
            .iter()
            .find(|f| f.code == "empty_section")
            .expect("empty section");
        assert_eq!(
            (empty.row, empty.column.as_deref()),
            (Some(8), Some("B (section)"))
        );
    }

    #[test]
    fn a_setting_below_the_header_and_a_missing_column_are_reported() {
        let checked = read_table(&table(&format!(
            "{SETTINGS}part|section|points|level
#stars|1:0"
        )));
        assert!(checked
            .errors()
            .any(|f| f.message.contains("no \"code\" column")));
        let checked = read_table(&table(&format!(
            "{SETTINGS}part|section|code|points|level
A|1|1.1|1|Ada
#stars|1:0"
        )));
        assert!(checked
            .errors()
            .any(|f| f.row == Some(8) && f.message.contains("settings go above")));
    }

    #[test]
    fn a_json_set_is_checked_with_paths_and_its_syntax_errors_name_the_line() {
        let checked = check_json("x.json", "{\n  \"format\": 1,\n  oops\n}");
        assert_eq!(checked.findings[0].code, "criteria.json_syntax");
        assert_eq!(checked.findings[0].row, Some(3));
        assert!(checked.set.is_none());
    }

    #[test]
    fn a_finding_reads_as_before() {
        let finding = Reader {
            table: &table("x"),
            language: "id".into(),
        }
        .err(21, Some("G (points)".into()), "points must be ...");
        assert_eq!(
            finding.to_string(),
            "sheet \"Lembar\", row 22, column G (points): points must be ..."
        );
    }
}
