//! A criteria set typed into a spreadsheet, the way an office would type a paper sheet: one row
//! per level. The CLI reads XLSX and CSV files into [`Table`]s; this module turns the cells into
//! a [`CriteriaSet`] and names the sheet, row and column of anything it cannot read.
//!
//! Layout (documented for offices in the README, example in `assets/criteria/examples/`):
//!
//! * Settings rows first: the first cell starts with `#` and names the setting (`#id`,
//!   `#version`, `#name`, `#stars` ...), the next cells hold its value(s).
//! * Then one header row, then one row per level. Columns, in any order: `part`, `part_name`,
//!   `section`, `section_name`, `code`, `criterion`, `points`, `level`, and optionally `scale`,
//!   `applies_if`, `knockout`, `knockout_text`, `evidence`, `note`. Any text column may be
//!   repeated per language with a suffix: `criterion.en`, `level.vi`.
//! * A blank `part`, `section` or `code` cell means "same as the row above", so a criterion's
//!   text is typed once and its levels follow on the next rows.

use std::collections::BTreeMap;

use crate::codes::Code;
use crate::criteria::{
    Applicability, CouncilRule, CriteriaSet, Criterion, Effective, Gate, Knockout, KnockoutEffect,
    KnockoutTrigger, Level, MinimumRequirement, Part, ProductSet, Programme, Requirement, Rounding,
    Scale, Section, SetStatus, StarBand, StarRule, Text, FORMAT_VERSION,
};

/// One sheet of a workbook (or a whole CSV file) as text cells.
#[derive(Debug, Clone)]
pub struct Table {
    pub sheet: String,
    pub rows: Vec<Vec<String>>,
}

/// What went wrong, and where: the sheet, the 1-based row and the column (letter and header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sheet {sheet:?}, row {row}{}: {message}", column.as_ref().map(|c| format!(", column {c}")).unwrap_or_default())]
pub struct TableError {
    pub sheet: String,
    pub row: usize,
    pub column: Option<String>,
    pub message: String,
}

impl TableError {
    pub fn code(&self) -> &'static str {
        Code::CriteriaSpreadsheet.as_str()
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
            self.headers.get(index).map(String::as_str).unwrap_or("")
        )
    }
}

struct Reader<'a> {
    table: &'a Table,
    language: String,
}

impl Reader<'_> {
    fn err(&self, row: usize, column: Option<String>, message: impl Into<String>) -> TableError {
        TableError {
            sheet: self.table.sheet.clone(),
            row: row + 1,
            column,
            message: message.into(),
        }
    }
}

fn cell(row: &[String], index: Option<usize>) -> &str {
    index
        .and_then(|i| row.get(i))
        .map(|s| s.trim())
        .unwrap_or("")
}

/// Reads a criteria set from a table laid out as the module documentation says.
pub fn read_table(table: &Table) -> Result<CriteriaSet, TableError> {
    let mut reader = Reader {
        table,
        language: "id".into(),
    };
    let mut settings: Vec<(usize, String, Vec<String>)> = Vec::new();
    let mut header_row = None;
    for (r, row) in table.rows.iter().enumerate() {
        let first = row.first().map(|s| s.trim()).unwrap_or("");
        if let Some(key) = first.strip_prefix('#') {
            let values = row[1..]
                .iter()
                .map(|v| v.trim().to_string())
                .collect::<Vec<_>>();
            settings.push((r, key.trim().to_lowercase(), values));
        } else if row.iter().any(|c| !c.trim().is_empty()) {
            header_row = Some(r);
            break;
        }
    }
    let header_row = header_row.ok_or_else(|| {
        reader.err(
            table.rows.len().saturating_sub(1),
            None,
            "no header row with column names was found",
        )
    })?;

    let headers: Vec<String> = table.rows[header_row]
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let mut by_name = BTreeMap::new();
    for (i, header) in headers.iter().enumerate() {
        if header.is_empty() {
            continue;
        }
        let base = header.split('.').next().unwrap_or(header);
        let known = TEXT_COLUMNS.contains(&base)
            || (KNOWN_COLUMNS.contains(&base) && !header.contains('.'));
        if !known {
            return Err(reader.err(
                header_row,
                Some(format!("{} ({header})", column_letter(i))),
                format!("unknown column {header:?}; the columns are part, part_name, section, section_name, code, criterion, points, level, scale, applies_if, knockout, knockout_text, evidence, note"),
            ));
        }
        if by_name.insert(header.clone(), i).is_some() {
            return Err(reader.err(
                header_row,
                Some(format!("{} ({header})", column_letter(i))),
                format!("column {header:?} appears twice"),
            ));
        }
    }
    let columns = Columns {
        by_name,
        headers: table.rows[header_row].clone(),
    };
    for required in ["part", "section", "code", "points", "level"] {
        if columns.index(required).is_none()
            && !(required == "level" && columns.by_name.keys().any(|k| k.starts_with("level.")))
        {
            return Err(reader.err(
                header_row,
                None,
                format!("the header row has no {required:?} column"),
            ));
        }
    }

    let mut meta = Meta::default();
    for (r, key, values) in &settings {
        meta.apply(&reader, *r, key, values)?;
    }
    reader.language = meta.language.clone().unwrap_or_else(|| "id".into());

    let parts = read_rows(&reader, &columns, header_row, &meta)?;
    let set = meta.into_set(&reader, parts)?;
    Ok(set)
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

fn read_rows(
    reader: &Reader,
    columns: &Columns,
    header_row: usize,
    meta: &Meta,
) -> Result<Vec<Part>, TableError> {
    let mut parts: Vec<Part> = Vec::new();
    let mut scale_ids: BTreeMap<String, String> = BTreeMap::new();
    for (r, row) in reader.table.rows.iter().enumerate().skip(header_row + 1) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let part_code = cell(row, columns.index("part"));
        let section_code = cell(row, columns.index("section"));
        let code = cell(row, columns.index("code"));

        let new_part = !part_code.is_empty() && parts.last().is_none_or(|p| p.code != part_code);
        if new_part {
            let name = localized(reader, columns, row, "part_name");
            let max = meta.part_max.get(part_code).copied();
            parts.push(Part {
                code: part_code.to_string(),
                name,
                max,
                sections: Vec::new(),
            });
        }
        let part = parts.last_mut().ok_or_else(|| {
            reader.err(
                r,
                columns.index("part").map(|i| columns.label(i)),
                "the first level row must name its part",
            )
        })?;

        let new_section = new_part
            || (!section_code.is_empty()
                && part.sections.last().is_none_or(|s| s.code != section_code));
        if new_section {
            if section_code.is_empty() {
                return Err(reader.err(
                    r,
                    columns.index("section").map(|i| columns.label(i)),
                    "a new part must name its first section",
                ));
            }
            let name = localized(reader, columns, row, "section_name");
            part.sections.push(Section {
                code: section_code.to_string(),
                name,
                groups: Vec::new(),
                criteria: Vec::new(),
            });
        }
        let section = part
            .sections
            .last_mut()
            .ok_or_else(|| reader.err(r, None, "no section"))?;

        let new_criterion = new_section
            || (!code.is_empty() && section.criteria.last().is_none_or(|c| c.code != code));
        if new_criterion {
            if code.is_empty() {
                return Err(reader.err(
                    r,
                    columns.index("code").map(|i| columns.label(i)),
                    "a new section must name its first criterion's code",
                ));
            }
            let mut text = localized(reader, columns, row, "criterion");
            if text.is_blank() {
                text = section.name.clone();
            }
            let note = Some(localized(reader, columns, row, "note")).filter(|t| !t.is_blank());
            let evidence =
                Some(localized(reader, columns, row, "evidence")).filter(|t| !t.is_blank());
            let applies_if = parse_applies_if(reader, columns, row, r)?;
            let knockout = parse_knockout(reader, columns, row, r)?;
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
            scale_ids.clear();
        }
        let criterion = section
            .criteria
            .last_mut()
            .ok_or_else(|| reader.err(r, None, "no criterion"))?;

        let points_cell = cell(row, columns.index("points"));
        let points = parse_points(points_cell).ok_or_else(|| {
            reader.err(
                r,
                columns.index("points").map(|i| columns.label(i)),
                format!("points must be a whole number of 0 or more, found {points_cell:?}"),
            )
        })?;
        let text = localized(reader, columns, row, "level");
        if text.is_blank() {
            return Err(reader.err(
                r,
                columns.index("level").map(|i| columns.label(i)),
                "the level has no text",
            ));
        }
        let scale_label = localized(reader, columns, row, "scale");
        let scale = if scale_label.is_blank() {
            None
        } else {
            let key = scale_label
                .get(&reader.language, &reader.language)
                .to_string();
            let next_id = ((b'a' + scale_ids.len() as u8) as char).to_string();
            let id = scale_ids
                .entry(key)
                .or_insert_with(|| next_id.clone())
                .clone();
            if id == next_id {
                criterion.scales.push(Scale {
                    id: id.clone(),
                    label: scale_label,
                });
            }
            Some(id)
        };
        criterion.levels.push(Level {
            points,
            text,
            scale,
        });
    }
    if parts.is_empty() {
        return Err(reader.err(header_row, None, "there are no level rows under the header"));
    }
    Ok(parts)
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
) -> Result<Option<Applicability>, TableError> {
    let raw = cell(row, columns.index("applies_if"));
    if raw.is_empty() {
        return Ok(None);
    }
    let bad = || {
        reader.err(
            r,
            columns.index("applies_if").map(|i| columns.label(i)),
            format!("write the condition as \"5.1 > 0\" or \"5.1 >= 2\", found {raw:?}"),
        )
    };
    let (criterion, min_points) = if let Some((c, n)) = raw.split_once(">=") {
        (c.trim(), n.trim().parse::<u32>().map_err(|_| bad())?)
    } else if let Some((c, n)) = raw.split_once('>') {
        (c.trim(), n.trim().parse::<u32>().map_err(|_| bad())? + 1)
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
) -> Result<Option<Knockout>, TableError> {
    let raw = cell(row, columns.index("knockout")).to_lowercase();
    if raw.is_empty() {
        return Ok(None);
    }
    let label = columns.index("knockout").map(|i| columns.label(i));
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
}

impl Meta {
    fn apply(
        &mut self,
        reader: &Reader,
        r: usize,
        key: &str,
        values: &[String],
    ) -> Result<(), TableError> {
        let first = values.first().cloned().unwrap_or_default();
        let col = |i: usize| Some(column_letter(i + 1));
        let need = |what: &str| reader.err(r, col(0), format!("#{key} needs {what}"));
        self.settings_row = r;
        match key {
            "id" => self.id = Some(first),
            "version" => self.version = Some(first),
            "language" => self.language = Some(first),
            "source" => self.source = Some(first),
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
                    [lang, text, ..] if lang.len() == 2 && !text.is_empty() => Text::new(lang, text.clone()),
                    [text, ..] if !text.is_empty() => Text::new(self.language.as_deref().unwrap_or("id"), text.clone()),
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
                    self.product_sets.push(ProductSet { code: code.clone(), name: Text::new(self.language.as_deref().unwrap_or("id"), name.clone()) })
                }
                _ => return Err(need("a code and a name")),
            },
            "max_total" => self.max_total = Some(parse_points(&first).ok_or_else(|| need("a whole number"))?),
            "part_max" => match values {
                [part, max, ..] => {
                    let max = parse_points(max).ok_or_else(|| reader.err(r, col(1), "the part's maximum must be a whole number"))?;
                    self.part_max.insert(part.clone(), max);
                }
                _ => return Err(need("a part code and its maximum")),
            },
            // `#stars | 1:0 | 2:30 | 3:50 ...`
            "stars" => {
                for (i, band) in values.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
                    let parsed = band.split_once(':').and_then(|(s, m)| Some((s.trim().parse::<u8>().ok()?, parse_points(m.trim())?)));
                    let (star, min) = parsed.ok_or_else(|| reader.err(r, col(i), format!("write a band as star:minimum (\"3:50\"), found {band:?}")))?;
                    self.bands.push(StarBand { star, min });
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
                    let lang = self.language.clone().unwrap_or_else(|| "id".into());
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
                    let lang = self.language.clone().unwrap_or_else(|| "id".into());
                    self.requirements.push(MinimumRequirement { star, rule, text: Text::new(&lang, text.clone()) });
                }
                _ => return Err(need("a star, a rule and a text")),
            },
            _ => {
                return Err(reader.err(
                    r,
                    Some("A".into()),
                    format!("unknown setting #{key}; the settings are #id, #version, #name, #programme, #status, #language, #legal_basis, #effective_from, #effective_until, #product_set, #source, #remark, #max_total, #part_max, #stars, #rounding, #max_divergence, #gate, #requirement"),
                ))
            }
        }
        Ok(())
    }

    fn into_set(self, reader: &Reader, parts: Vec<Part>) -> Result<CriteriaSet, TableError> {
        let missing = |what: &str| {
            reader.err(
                self.settings_row,
                Some("A".into()),
                format!("the #{what} setting is missing"),
            )
        };
        let id = self
            .id
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("id"))?;
        let version = self
            .version
            .clone()
            .filter(|s| !s.is_empty())
            .ok_or_else(|| missing("version"))?;
        if self.name.is_blank() {
            return Err(missing("name"));
        }
        if self.bands.is_empty() {
            return Err(missing("stars"));
        }
        Ok(CriteriaSet {
            format: FORMAT_VERSION,
            id,
            version,
            programme: self.programme.ok_or_else(|| missing("programme"))?,
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
        })
    }
}
