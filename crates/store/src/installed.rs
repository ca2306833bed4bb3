//! The criteria sets installed on this laptop: the shipped ones and those in
//! `<data dir>/criteria/`: imported (by `ovop criteria import` or the app's Criteria screen) or
//! published by the office and installed by a sync's pull (`pulled-*.json`, origin `office`).
//! The app and the CLI read the same.

use std::path::{Path, PathBuf};

use ovop_core::catalog::{Catalog, Origin};
use ovop_core::criteria::CriteriaSet;
use ovop_core::files::safe_file_name;
use ovop_core::{Code, Rubric};

/// The folder imported criteria sets live in.
pub fn criteria_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("criteria")
}

/// Shipped sets plus every `*.json` in the criteria folder, in name order. A file that cannot be
/// read or is not a valid set is listed as rejected, never fatal.
pub fn load_catalog(data_dir: Option<&Path>) -> Catalog {
    let mut catalog = Catalog::shipped();
    let Some(dir) = data_dir.map(criteria_dir) else {
        return catalog;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let origin = origin_of(name);
        match std::fs::read(&path) {
            Err(err) => catalog.reject(origin, Code::CriteriaUnreadable.as_str(), err.to_string()),
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(_) => {
                    catalog.reject(origin, "file.not_utf8", "the file is not UTF-8 text".into())
                }
                Ok(text) => {
                    catalog.add(origin, text.strip_prefix('\u{feff}').unwrap_or(&text));
                }
            },
        }
    }
    catalog
}

/// The prefix of the files a sync's pull installs: a set the office published.
pub const PULLED_PREFIX: &str = "pulled-";

/// Where a file of the criteria folder came from, by its name.
fn origin_of(name: String) -> Origin {
    if name.starts_with(PULLED_PREFIX) {
        Origin::Office(name)
    } else {
        Origin::Imported(name)
    }
}

/// Installs a criteria set that came from the server (its JSON) into the criteria folder,
/// unless the same set is installed already. A set that does not validate, or another set
/// under an installed id and version, is refused with the reason and nothing is written.
/// Returns whether a file was written.
pub fn install_pulled(data_dir: &Path, json: &str) -> Result<bool, String> {
    let mut probe = Catalog::default();
    let Some(entry) = probe.add(Origin::Office("pulled".into()), json) else {
        let reason = probe.rejected().first().map_or_else(
            || "the set does not validate".to_string(),
            |r| r.message.clone(),
        );
        return Err(reason);
    };
    let set = entry.rubric.set().clone();
    let hash = entry.rubric.hash().to_string();
    let installed = load_catalog(Some(data_dir));
    if let Some(existing) = installed.get(&set.id, Some(&set.version)) {
        return if existing.rubric.hash() == hash {
            Ok(false)
        } else {
            Err(format!(
                "{} {} is installed with other content; the pulled copy is not installed",
                set.id, set.version
            ))
        };
    }
    let dir = criteria_dir(data_dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let name = file_stem(&set);
    crate::write_whole(
        &dir.join(safe_file_name(
            &format!("{PULLED_PREFIX}{name}"),
            "json",
            "criteria",
        )),
        json.as_bytes(),
    )
    .map_err(|e| format!("cannot write the set: {e}"))?;
    Ok(true)
}

/// `<id>-<version>` with anything but letters, digits, `.` and `-` as `_`: a file name's stem.
fn file_stem(set: &CriteriaSet) -> String {
    format!("{}-{}", set.id, set.version)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What installing an imported set did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// The set was written to this file.
    Written(PathBuf),
    /// The same set (id, version and content) is installed already: nothing was written.
    Already,
}

/// Why an imported set was not installed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstallError {
    #[error("{id} version {version} is already installed with other content; give the changed set a new #version")]
    Clash { id: String, version: String },
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
}

impl InstallError {
    pub fn code(&self) -> &'static str {
        match self {
            InstallError::Clash { .. } => Code::CriteriaVersionClash.as_str(),
            InstallError::Write { .. } => Code::StoreIo.as_str(),
        }
    }
}

/// Installs a set imported on this machine (checked: its rubric built) into the criteria folder
/// as `<id>-<version>.json`, for `ovop criteria import` and the app's Criteria screen alike. The
/// same set again writes nothing; another set under an installed id and version is refused.
/// The file is written whole or not at all.
pub fn install_imported(data_dir: &Path, rubric: &Rubric) -> Result<Installed, InstallError> {
    let set = rubric.set();
    if let Some(existing) = load_catalog(Some(data_dir)).get(&set.id, Some(&set.version)) {
        return if existing.rubric.hash() == rubric.hash() {
            Ok(Installed::Already)
        } else {
            Err(InstallError::Clash {
                id: set.id.clone(),
                version: set.version.clone(),
            })
        };
    }
    let dir = criteria_dir(data_dir);
    let target = dir.join(safe_file_name(&file_stem(set), "json", "criteria"));
    let failed = |e: std::io::Error, path: &Path| InstallError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let json = serde_json::to_string_pretty(set).map_err(|e| InstallError::Write {
        path: target.display().to_string(),
        message: e.to_string(),
    })? + "\n";
    std::fs::create_dir_all(&dir).map_err(|e| failed(e, &dir))?;
    crate::write_whole(&target, json.as_bytes()).map_err(|e| failed(e, &target))?;
    Ok(Installed::Written(target))
}
