//! The criteria sets installed on this laptop: the shipped ones and those imported into
//! `<data dir>/criteria/` (by `ovop criteria import`). The app and the CLI read the same.

use std::path::{Path, PathBuf};

use ovop_core::catalog::{Catalog, Origin};
use ovop_core::Code;

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
        match std::fs::read(&path) {
            Err(err) => catalog.reject(
                Origin::Imported(name),
                Code::CriteriaUnreadable.as_str(),
                err.to_string(),
            ),
            Ok(bytes) => match String::from_utf8(bytes) {
                Err(_) => catalog.reject(
                    Origin::Imported(name),
                    "file.not_utf8",
                    "the file is not UTF-8 text".into(),
                ),
                Ok(text) => {
                    catalog.add(
                        Origin::Imported(name),
                        text.strip_prefix('\u{feff}').unwrap_or(&text),
                    );
                }
            },
        }
    }
    catalog
}

/// Installs a criteria set that came from the server (its JSON) into the criteria folder,
/// unless the same set is installed already. A set that does not validate, or another set
/// under an installed id and version, is refused with the reason and nothing is written.
/// Returns whether a file was written.
pub fn install_pulled(data_dir: &Path, json: &str) -> Result<bool, String> {
    let mut probe = Catalog::default();
    let Some(entry) = probe.add(Origin::Imported("pulled".into()), json) else {
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
    let name: String = format!("{}-{}", set.id, set.version)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::write_whole(&dir.join(format!("pulled-{name}.json")), json.as_bytes())
        .map_err(|e| format!("cannot write the set: {e}"))?;
    Ok(true)
}
