//! The criteria sets an installation knows: the ones shipped inside the app (embedded at
//! build time from `assets/criteria/sets/`), the ones imported on this machine, and the ones the
//! office published and a sync installed.

use include_dir::{include_dir, Dir};
use serde::Serialize;

use crate::codes::Code;
use crate::criteria::{CriteriaSet, ProductSet, Programme, SetStatus, Text};
use crate::load::parse_set;
use crate::rubric::Rubric;
use crate::validate::{validate, Finding, Severity};

static SHIPPED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/criteria/sets");

/// Where a set came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Origin {
    /// Shipped with the app (file name under `assets/criteria/sets/`).
    Shipped(String),
    /// Imported by the user (file name in the data folder).
    Imported(String),
    /// Published by the office and installed by a sync's pull (file name in the data folder,
    /// `pulled-*.json`).
    Office(String),
}

impl Origin {
    /// The file's name, whatever the origin.
    pub fn name(&self) -> &str {
        match self {
            Origin::Shipped(name) | Origin::Imported(name) | Origin::Office(name) => name,
        }
    }
}

/// One row of the criteria list: enough to choose a set without loading its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct SetSummary {
    pub id: String,
    pub version: String,
    pub hash: String,
    pub name: Text,
    pub programme: Programme,
    pub status: SetStatus,
    pub language: String,
    pub product_sets: Vec<ProductSet>,
    pub legal_basis: Vec<String>,
    pub effective_from: Option<String>,
    pub effective_until: Option<String>,
    pub criteria_count: u32,
    pub part_count: u32,
    /// The sum of the best levels (what the sheet can really give).
    pub max_total: u32,
    /// What the sheet claims, when it differs from `max_total` it is a defect.
    pub declared_max_total: Option<u32>,
    pub warnings: u32,
    pub known_defects: u32,
    pub origin: Origin,
}

#[derive(Debug)]
pub struct CatalogEntry {
    pub rubric: Rubric,
    pub summary: SetSummary,
    pub findings: Vec<Finding>,
}

/// A file that could not be taken into the catalogue, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Rejected {
    pub origin: Origin,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Catalog {
    entries: Vec<CatalogEntry>,
    rejected: Vec<Rejected>,
}

impl Catalog {
    /// The sets shipped with the app. A shipped set that fails to load is a build defect, and a
    /// test makes sure there is none; at run time it is reported like any rejected file.
    pub fn shipped() -> Catalog {
        let mut catalog = Catalog::default();
        let mut files: Vec<_> = SHIPPED
            .files()
            .filter(|f| f.path().extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort_by_key(|f| f.path());
        for file in files {
            let name = file.path().display().to_string();
            let text = String::from_utf8_lossy(file.contents());
            catalog.add(Origin::Shipped(name), &text);
        }
        catalog
    }

    /// Adds a set from JSON text. An imported set with the id and version of one already known
    /// but different content is refused: an assessment must be able to name exactly one.
    pub fn add(&mut self, origin: Origin, json: &str) -> Option<&CatalogEntry> {
        let set = match parse_set(json) {
            Ok(set) => set,
            Err(err) => {
                self.rejected.push(Rejected {
                    origin,
                    code: err.code().into(),
                    message: err.to_string(),
                });
                return None;
            }
        };
        self.add_set(origin, set)
    }

    pub fn add_set(&mut self, origin: Origin, set: CriteriaSet) -> Option<&CatalogEntry> {
        let findings = validate(&set);
        let rubric = match Rubric::new(set) {
            Ok(rubric) => rubric,
            Err(findings) => {
                let first = findings
                    .iter()
                    .find(|f| f.is_error())
                    .map(|f| format!("{}: {}", f.path, f.message))
                    .unwrap_or_default();
                self.rejected.push(Rejected {
                    origin,
                    code: Code::CriteriaInvalid.as_str().into(),
                    message: first,
                });
                return None;
            }
        };
        if let Some(existing) = self.get(&rubric.set().id, Some(&rubric.set().version)) {
            if existing.rubric.hash() == rubric.hash() {
                return None;
            }
            self.rejected.push(Rejected {
                origin,
                code: Code::CriteriaVersionClash.as_str().into(),
                message: format!(
                    "{} version {} is already known with other content; give the changed set a new version",
                    rubric.set().id,
                    rubric.set().version
                ),
            });
            return None;
        }
        let summary = summarize(&rubric, &findings, origin);
        self.entries.push(CatalogEntry {
            rubric,
            summary,
            findings,
        });
        self.entries.last()
    }

    /// Records a file that could not even be read.
    pub fn reject(&mut self, origin: Origin, code: &str, message: String) {
        self.rejected.push(Rejected {
            origin,
            code: code.into(),
            message,
        });
    }

    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    pub fn summaries(&self) -> Vec<SetSummary> {
        self.entries.iter().map(|e| e.summary.clone()).collect()
    }

    pub fn rejected(&self) -> &[Rejected] {
        &self.rejected
    }

    /// The set with this id; the given version, or else the newest by effective date and version.
    pub fn get(&self, id: &str, version: Option<&str>) -> Option<&CatalogEntry> {
        let matching = self.entries.iter().filter(|e| e.rubric.set().id == id);
        match version {
            Some(v) => matching.into_iter().find(|e| e.rubric.set().version == v),
            None => matching.max_by(|a, b| {
                let key = |e: &CatalogEntry| {
                    (
                        e.rubric.set().effective.from.clone(),
                        e.rubric.set().version.clone(),
                    )
                };
                key(a).cmp(&key(b))
            }),
        }
    }
}

fn summarize(rubric: &Rubric, findings: &[Finding], origin: Origin) -> SetSummary {
    let set = rubric.set();
    SetSummary {
        id: set.id.clone(),
        version: set.version.clone(),
        hash: rubric.hash().to_string(),
        name: set.name.clone(),
        programme: set.programme,
        status: set.status,
        language: set.language.clone(),
        product_sets: set.product_sets.clone(),
        legal_basis: set.legal_basis.clone(),
        effective_from: set.effective.from.clone(),
        effective_until: set.effective.until.clone(),
        criteria_count: set.criterion_count() as u32,
        part_count: set.parts.len() as u32,
        max_total: rubric.max_total(),
        declared_max_total: set.max_total,
        warnings: findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count() as u32,
        known_defects: set.known_defects.len() as u32,
        origin,
    }
}
