//! The region tree, in memory, read once per process from the datasets the app ships: the
//! server checks a record's region against the officer's assignment by its lineage, and
//! groups statistics by regency.

use std::collections::HashMap;
use std::sync::OnceLock;

use ovop_core::regions::{INDONESIA, VIETNAM, VIETNAM_BEFORE_2025};

pub struct Regions {
    by_code: HashMap<String, Entry>,
}

struct Entry {
    parent: String,
    name: String,
}

static REGIONS: OnceLock<Regions> = OnceLock::new();

impl Regions {
    /// Both countries' regions, Vietnam's before and after 1 July 2025 (built once, about
    /// 105,000 entries).
    pub fn get() -> &'static Regions {
        REGIONS.get_or_init(|| {
            let mut by_code = HashMap::new();
            for dataset in [&INDONESIA, &VIETNAM, &VIETNAM_BEFORE_2025] {
                // The datasets are part of the binary and tested in core: a failure here is a
                // broken build, and the server then knows no region (every push is refused).
                for row in dataset.rows().unwrap_or_default() {
                    by_code.insert(
                        row.code,
                        Entry {
                            parent: row.parent,
                            name: row.name,
                        },
                    );
                }
            }
            Regions { by_code }
        })
    }

    pub fn contains(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        self.by_code.get(code).map(|e| e.name.as_str())
    }

    /// The region and its ancestors, broadest first; `None` for an unknown code.
    pub fn lineage(&self, code: &str) -> Option<Vec<&str>> {
        let mut out = Vec::new();
        let mut current = self.by_code.get_key_value(code)?;
        loop {
            out.push(current.0.as_str());
            if current.1.parent.is_empty() || out.len() > 8 {
                break;
            }
            match self.by_code.get_key_value(&current.1.parent) {
                Some(parent) => current = parent,
                None => break,
            }
        }
        out.reverse();
        Some(out)
    }

    /// `|63|63.05|63.05.01|63.05.01.1001|`: a region lies inside `r` when its path holds `|r|`.
    pub fn path(&self, code: &str) -> Option<String> {
        self.lineage(code).map(|l| format!("|{}|", l.join("|")))
    }

    /// The second level of the lineage (a regency or a Vietnamese district before 2025), or the
    /// province; the province for Vietnam's units from 1 July 2025, which have no level between
    /// the province and the commune.
    pub fn regency(&self, code: &str) -> Option<String> {
        let lineage = self.lineage(code)?;
        let second = if code.starts_with(ovop_core::regions::VN_2025_PREFIX) {
            None
        } else {
            lineage.get(1)
        };
        Some(second.unwrap_or(&lineage[0]).to_string())
    }
}

/// The SQL condition keeping rows whose `column` (a region path) lies inside one of `assigned`
/// (none assigned: no row), its parameters appended to `params`. [`within`] in SQL.
pub fn sql_within(assigned: &[String], column: &str, params: &mut Vec<crate::db::Val>) -> String {
    if assigned.is_empty() {
        return "1 = 0".into();
    }
    let likes: Vec<String> = assigned
        .iter()
        .map(|code| {
            params.push(crate::db::Val::Text(format!("%|{code}|%")));
            format!("{column} LIKE ${}", params.len())
        })
        .collect();
    format!("({})", likes.join(" OR "))
}

/// Whether a record at `path` lies inside one of `assigned`.
pub fn within(path: &str, assigned: &[String]) -> bool {
    assigned
        .iter()
        .any(|code| path.contains(&format!("|{code}|")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_village_has_its_lineage_and_lies_inside_its_regency_only() {
        let regions = Regions::get();
        let path = regions.path("63.05.01.1001").expect("a village of Tapin");
        assert_eq!(path, "|63|63.05|63.05.01|63.05.01.1001|");
        assert!(within(&path, &["63.05".into()]));
        assert!(!within(&path, &["63.0".into(), "63.06".into()]));
        assert_eq!(regions.regency("63.05.01.1001").as_deref(), Some("63.05"));
        assert!(regions.lineage("99.99").is_none());
        assert!(regions.contains("VN-01"));
    }

    #[test]
    fn vietnams_communes_of_2025_lie_inside_their_province() {
        let regions = Regions::get();
        let path = regions.path("VN25-00577").expect("Xã Bát Tràng");
        assert_eq!(path, "|VN25-01|VN25-00577|");
        assert!(within(&path, &["VN25-01".into()]));
        assert!(!within(&path, &["VN-01".into()]));
        assert_eq!(regions.name("VN25-00577"), Some("Xã Bát Tràng"));
        assert_eq!(regions.regency("VN25-00577").as_deref(), Some("VN25-01"));
        // The old units still name old records.
        assert_eq!(regions.name("VN-00583"), Some("Xã Bát Tràng"));
    }
}
