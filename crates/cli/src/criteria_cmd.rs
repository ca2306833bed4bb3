//! `ovop criteria list | show | validate | import | template`.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use ovop_core::catalog::{Catalog, CatalogEntry};
use ovop_core::criteria::{KnockoutEffect, KnockoutTrigger};
use ovop_core::validate::{validate, Severity};
use ovop_core::{content_hash, Rubric, SetStanding};

use crate::spreadsheet::read_criteria_file;
use crate::{CliError, CliResult};
use ovop_core::Code;

#[derive(Subcommand)]
pub enum CriteriaCommand {
    /// The criteria sets this installation knows (shipped and imported).
    List {
        #[arg(long)]
        json: bool,
    },
    /// One set's whole sheet: parts, sections, criteria and every level.
    Show {
        id: String,
        #[arg(long)]
        version: Option<String>,
        /// Language of the texts (id, en, vi); the set's own language fills the gaps.
        #[arg(long, default_value = "id")]
        lang: String,
        /// Print the set itself as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a criteria file (.json, .xlsx, .csv) and list every finding.
    Validate {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Check a criteria file (.json, .xlsx, .csv) and install it for the app and the CLI.
    Import {
        file: PathBuf,
        /// Write the converted JSON here instead of installing it.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write the workbook an OCOP office types its sheet of Decision 148/QĐ-TTg into: the
    /// settings and the parts and sections filled, the criteria rows to type.
    Template {
        #[arg(short, long)]
        output: PathBuf,
    },
}

pub fn run(cmd: CriteriaCommand, data_dir: Option<&Path>) -> CliResult {
    match cmd {
        CriteriaCommand::List { json } => list(data_dir, json),
        CriteriaCommand::Show {
            id,
            version,
            lang,
            json,
        } => show(data_dir, &id, version.as_deref(), &lang, json),
        CriteriaCommand::Validate { file, json } => validate_file(&file, json),
        CriteriaCommand::Import { file, output } => import(&file, output.as_deref(), data_dir),
        CriteriaCommand::Template { output } => crate::template::write(&output),
    }
}

pub use ovop_store::installed::load_catalog;
use ovop_store::installed::{install_imported, InstallError, Installed};

fn list(data_dir: Option<&Path>, json: bool) -> CliResult {
    let catalog = load_catalog(data_dir);
    if json {
        let out =
            serde_json::json!({ "sets": catalog.summaries(), "rejected": catalog.rejected() });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return Ok(());
    }
    println!(
        "{:<20} {:<9} {:<9} {:<13} {:>8} {:>4}  NAME",
        "ID", "VERSION", "PROGRAMME", "STATUS", "CRITERIA", "MAX"
    );
    for s in catalog.summaries() {
        let programme = serde_json::to_value(s.programme)
            .ok()
            .and_then(|v| v.as_str().map(str::to_uppercase))
            .unwrap_or_default();
        let status = serde_json::to_value(s.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let name = s.name.get(&s.language, &s.language);
        println!(
            "{:<20} {:<9} {:<9} {:<13} {:>8} {:>4}  {}",
            s.id, s.version, programme, status, s.criteria_count, s.max_total, name
        );
    }
    for r in catalog.rejected() {
        eprintln!(
            "warning[{}]: {:?} was not loaded: {}",
            r.code, r.origin, r.message
        );
    }
    Ok(())
}

pub fn find<'a>(
    catalog: &'a Catalog,
    id: &str,
    version: Option<&str>,
) -> Result<&'a CatalogEntry, CliError> {
    catalog.get(id, version).ok_or_else(|| {
        let known: Vec<String> = catalog.summaries().iter().map(|s| s.id.clone()).collect();
        CliError::new(
            Code::CriteriaNotFound.as_str(),
            format!(
                "no criteria set {id}{}; `ovop criteria list` shows the {} known sets",
                version.map(|v| format!(" version {v}")).unwrap_or_default(),
                known.len()
            ),
        )
    })
}

fn show(
    data_dir: Option<&Path>,
    id: &str,
    version: Option<&str>,
    lang: &str,
    json: bool,
) -> CliResult {
    let catalog = load_catalog(data_dir);
    let entry = find(&catalog, id, version)?;
    let set = entry.rubric.set();
    if json {
        println!("{}", serde_json::to_string_pretty(set).unwrap_or_default());
        return Ok(());
    }
    let fb = set.language.as_str();
    println!("{}", set.name.get(lang, fb));
    println!(
        "{} {} · {} · {}",
        set.id,
        set.version,
        entry.summary.criteria_count,
        entry.rubric.hash()
    );
    for basis in &set.legal_basis {
        println!("  {basis}");
    }
    for gate in &set.gates {
        println!("\n[{}] {}", gate.code, gate.text.get(lang, fb));
    }
    for part in &set.parts {
        let sum: u32 = part.criteria().map(|c| c.max_points()).sum();
        println!("\n{} {} ({sum})", part.code, part.name.get(lang, fb));
        for section in &part.sections {
            println!("  {} {}", section.code, section.name.get(lang, fb));
            for criterion in &section.criteria {
                if let Some(group) = criterion
                    .group
                    .as_ref()
                    .and_then(|g| section.groups.iter().find(|x| &x.code == g))
                {
                    println!("    [{}] {}", group.code, group.text.get(lang, fb));
                }
                println!("    {} {}", criterion.code, criterion.text.get(lang, fb));
                for (i, level) in criterion.levels.iter().enumerate() {
                    let scale = level
                        .scale
                        .as_deref()
                        .map(|s| format!("[{s}] "))
                        .unwrap_or_default();
                    println!(
                        "      {}. {scale}{} pt  {}",
                        i + 1,
                        level.points,
                        level.text.get(lang, fb)
                    );
                }
                if let Some(cond) = &criterion.applies_if {
                    println!(
                        "      only if {} ≥ {}: {}",
                        cond.criterion,
                        cond.min_points,
                        cond.reason.get(lang, fb)
                    );
                }
                if let Some(k) = &criterion.knockout {
                    let when = match k.trigger {
                        KnockoutTrigger::Observed {} => "if observed".to_string(),
                        KnockoutTrigger::PointsAtMost { points } => {
                            format!("at {points} points or less")
                        }
                    };
                    let effect = match k.effect {
                        KnockoutEffect::Disqualify => "disqualifies",
                        KnockoutEffect::Stop => "stops the assessment",
                    };
                    println!("      knock-out {when}, {effect}: {}", k.text.get(lang, fb));
                }
            }
        }
    }
    let bands: Vec<String> = set
        .stars
        .bands
        .iter()
        .map(|b| format!("{}★ ≥ {}", b.star, b.min))
        .collect();
    println!("\nstars: {}", bands.join(", "));
    Ok(())
}

fn validate_file(file: &Path, json: bool) -> CliResult {
    let set = read_criteria_file(file)?;
    let findings = validate(&set);
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if json {
        let out = serde_json::json!({
            "id": set.id, "version": set.version, "hash": content_hash(&set),
            "criteria": set.criterion_count(), "max_total": set.computed_max(),
            "errors": errors, "findings": findings,
        });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        println!(
            "{} {}: {} criteria, maximum {}, {}",
            set.id,
            set.version,
            set.criterion_count(),
            set.computed_max(),
            content_hash(&set)
        );
        for f in &findings {
            let severity = if f.is_error() { "error" } else { "warning" };
            let declared = if f.declared {
                " (declared in known_defects)"
            } else {
                ""
            };
            println!("{severity}[{}] {}: {}{declared}", f.code, f.path, f.message);
        }
        if findings.is_empty() {
            println!("no findings");
        }
    }
    if errors > 0 {
        return Err(CliError::new(
            Code::CriteriaInvalid.as_str(),
            format!("{} has {errors} error(s)", file.display()),
        ));
    }
    Ok(())
}

fn import(file: &Path, output: Option<&Path>, data_dir: Option<&Path>) -> CliResult {
    let set = read_criteria_file(file)?;
    let rubric = Rubric::new(set).map_err(|findings| {
        let lines: Vec<String> = findings
            .iter()
            .filter(|f| f.is_error())
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect();
        CliError::new(
            Code::CriteriaInvalid.as_str(),
            format!(
                "{} cannot be imported:\n{}",
                file.display(),
                lines.join("\n")
            ),
        )
    })?;
    let set = rubric.set();
    let json = serde_json::to_string_pretty(set)
        .map_err(|e| CliError::new(Code::CriteriaEncode.as_str(), e.to_string()))?
        + "\n";

    let target = match output {
        Some(path) => {
            ovop_app::folder::write_file(path, json.as_bytes(), Code::DataUnwritable.as_str())?;
            path.to_path_buf()
        }
        None => {
            let already = || {
                println!(
                    "{} {} is already installed ({})",
                    set.id,
                    set.version,
                    rubric.hash()
                );
            };
            let Some(data_dir) = data_dir else {
                // Without a data folder only the shipped sets are installed.
                if let Some(existing) = load_catalog(None).get(&set.id, Some(&set.version)) {
                    if existing.rubric.hash() == rubric.hash() {
                        already();
                        return Ok(());
                    }
                }
                return Err(CliError::new(
                    Code::DataNoDir.as_str(),
                    "no data folder: pass --data-dir or set OVOP_DATA_DIR",
                ));
            };
            match install_imported(data_dir, &rubric) {
                Ok(Installed::Written(path)) => path,
                Ok(Installed::Already) => {
                    already();
                    return Ok(());
                }
                Err(e @ InstallError::Clash { .. }) => {
                    return Err(CliError::new(e.code(), e.to_string()))
                }
                Err(e @ InstallError::Write { .. }) => {
                    return Err(CliError::new(Code::DataUnwritable.as_str(), e.to_string()))
                }
            }
        }
    };
    println!(
        "{} {} ({} criteria, maximum {}) -> {}",
        set.id,
        set.version,
        set.criterion_count(),
        rubric.max_total(),
        target.display()
    );
    println!("{}", rubric.hash());
    Ok(())
}

/// The warning line for a set that is not in force on `day`: which decision, since or from
/// when, and the set in force for the product group when one is installed, or what to do when
/// none is. A warning, never a refusal: an office may redo an old assessment on its old sheet.
/// The group is the product's, else the set's own.
pub fn in_force_warning(
    catalog: &Catalog,
    entry: &CatalogEntry,
    product_set: Option<&str>,
    day: &str,
) -> Option<String> {
    let set = &entry.summary;
    let when = match set.in_force_on(day) {
        SetStanding::InForce => return None,
        SetStanding::NotYet { from } => {
            format!("is not yet in force on {day}: it applies from {from}")
        }
        SetStanding::Ended { until } => {
            format!("is no longer in force on {day}: it was replaced on {until}")
        }
    };
    let basis = if set.legal_basis.is_empty() {
        String::new()
    } else {
        format!(" ({})", set.legal_basis.join("; "))
    };
    let groups: Vec<&str> = match product_set {
        Some(group) => vec![group],
        None => set.product_sets.iter().map(|p| p.code.as_str()).collect(),
    };
    let current = groups.iter().find_map(|group| {
        catalog
            .current(set.programme, group, day)
            .map(|c| (*group, &c.summary))
    });
    let advice = match (current, groups.first()) {
        (Some((group, c)), _) => format!(
            "the set in force for product group {group} is {} {} (--criteria {} --version {})",
            c.id, c.version, c.id, c.version
        ),
        (None, Some(group)) => format!(
            "no set in force for product group {group} is installed: ask the office to publish the current sheet (it arrives with the next sync), or import it with `ovop criteria import FILE`"
        ),
        (None, None) => "ask the office to publish the current sheet (it arrives with the next sync), or import it with `ovop criteria import FILE`".into(),
    };
    Some(format!(
        "warning: criteria set {} {}{basis} {when}; {advice}",
        set.id, set.version
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ovop_core::catalog::Origin;

    /// The shipped cereal sheet of Decision 1048/781 as a 148 sheet in force from 24 Feb 2023.
    fn successor() -> String {
        let mut set: serde_json::Value = serde_json::to_value(
            Catalog::shipped()
                .get("ocop-1048-02", None)
                .unwrap()
                .rubric
                .set(),
        )
        .unwrap();
        set["id"] = "ocop-148-02".into();
        set["version"] = "2023.1".into();
        set["effective"] = serde_json::json!({ "from": "2023-02-24" });
        set.to_string()
    }

    #[test]
    fn an_expired_set_is_named_with_its_decision_and_the_set_in_force_offered() {
        let mut catalog = Catalog::shipped();
        let entry = catalog.get("ocop-1048-02", None).unwrap();
        let line = in_force_warning(&catalog, entry, None, "2026-11-20").unwrap();
        assert!(
            line.starts_with("warning: criteria set ocop-1048-02 781-2020 (Quyết định 1048"),
            "{line}"
        );
        assert!(
            line.contains("is no longer in force on 2026-11-20: it was replaced on 2023-02-24"),
            "{line}"
        );
        assert!(
            line.contains("no set in force for product group 02 is installed"),
            "{line}"
        );
        // The day before the replacement it is in force: nothing to say.
        assert_eq!(in_force_warning(&catalog, entry, None, "2023-02-23"), None);

        catalog.add(Origin::Imported("ocop-148-02.json".into()), &successor());
        let entry = catalog.get("ocop-1048-02", None).unwrap();
        let line = in_force_warning(&catalog, entry, Some("02"), "2026-11-20").unwrap();
        assert!(
            line.ends_with("the set in force for product group 02 is ocop-148-02 2023.1 (--criteria ocop-148-02 --version 2023.1)"),
            "{line}"
        );
        let entry = catalog.get("ocop-148-02", None).unwrap();
        assert_eq!(in_force_warning(&catalog, entry, None, "2026-11-20"), None);
        let line = in_force_warning(&catalog, entry, None, "2023-02-23").unwrap();
        assert!(
            line.contains("is not yet in force on 2023-02-23: it applies from 2023-02-24"),
            "{line}"
        );
    }
}
