//! A criteria set imported from a file the officer picked (JSON, XLSX or CSV): read and checked
//! by the one spreadsheet reader (`ovop_core::spreadsheet`), every finding handed back with the
//! sheet, row and column it concerns, and installed into the data folder's `criteria/` as
//! `ovop criteria import` installs it, only when no finding is an error.

use std::path::Path;

use ovop_core::catalog::SetSummary;
use ovop_core::spreadsheet::read_criteria;
use ovop_core::tabular::{check_set, SheetFinding};
use ovop_core::{Code, Rubric};
use ovop_store::installed::{install_imported, InstallError, Installed};
use serde::Serialize;

use crate::{App, AppError};

/// The largest criteria file taken (a long sheet is a few hundred kilobytes).
pub const MAX_FILE: u64 = 16 * 1024 * 1024;

/// What importing a criteria file gave.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CriteriaImport {
    /// The set as the list shows it, once installed (or when it was installed already); none
    /// when a finding is an error.
    pub summary: Option<SetSummary>,
    /// Every finding, errors first: the file's, its cells', and the set's own.
    pub findings: Vec<SheetFinding>,
    /// The same set (id, version and content) was installed already: nothing was written.
    pub already_installed: bool,
}

impl App {
    /// Reads, checks and (when nothing is an error) installs the criteria file at `path`, then
    /// reads the installed sets again so the new one is listed at once.
    pub fn import_criteria_file(&self, path: &Path) -> Result<CriteriaImport, AppError> {
        crate::folder::absolute(path)?;
        let unreadable = |e: std::io::Error| {
            AppError::new(
                Code::CriteriaUnreadable.as_str(),
                format!("cannot read {}: {e}", path.display()),
            )
        };
        let size = std::fs::metadata(path).map_err(unreadable)?.len();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if size > MAX_FILE {
            return Ok(refused(SheetFinding::file(
                Code::CriteriaSheetTooLarge,
                &name,
                format!("the file has {size} bytes; a criteria file has at most {MAX_FILE}"),
            )));
        }
        let bytes = std::fs::read(path).map_err(unreadable)?;
        let checked = read_criteria(&name, &bytes);
        let Some(set) = checked.usable().cloned() else {
            return Ok(CriteriaImport {
                summary: None,
                findings: checked.findings,
                already_installed: false,
            });
        };
        let mut findings = checked.findings;
        let rubric = match Rubric::new(set.clone()) {
            Ok(rubric) => rubric,
            // The engine takes every set the validator passes; should it not, say why.
            Err(_) => {
                findings.extend(check_set(&name, set).findings);
                return Ok(CriteriaImport {
                    summary: None,
                    findings,
                    already_installed: false,
                });
            }
        };
        let data_dir = self.data_dir()?;
        let already_installed = match install_imported(&data_dir, &rubric) {
            Ok(Installed::Written(_)) => false,
            Ok(Installed::Already) => true,
            Err(e @ InstallError::Clash { .. }) => {
                findings.insert(
                    0,
                    SheetFinding::file(Code::CriteriaVersionClash, &name, e.to_string()),
                );
                return Ok(CriteriaImport {
                    summary: None,
                    findings,
                    already_installed: false,
                });
            }
            Err(e @ InstallError::Write { .. }) => {
                return Err(AppError::new(e.code(), e.to_string()))
            }
        };
        self.reload_catalog();
        let summary = self
            .catalog()
            .get(&rubric.set().id, Some(&rubric.set().version))
            .map(|entry| entry.summary.clone());
        Ok(CriteriaImport {
            summary,
            findings,
            already_installed,
        })
    }
}

fn refused(finding: SheetFinding) -> CriteriaImport {
    CriteriaImport {
        summary: None,
        findings: vec![finding],
        already_installed: false,
    }
}
