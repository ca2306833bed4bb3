//! Whether a criteria set is in force on a day, and which installed set is the current one for
//! a product group.
//!
//! A set applies from its `effective.from` day (that day included) until its `effective.until`
//! day (that day excluded: it is the day the replacing decision took effect). Vietnam's 1048/781
//! sheets, for instance, end on 24 February 2023, the day Decision 148/QĐ-TTg replaced them.
//! The window mirrors these rules in `ui/src/features/criteria/inForce.ts`; the day is always
//! passed in.

use std::cmp::Ordering;

use serde::Serialize;

use crate::catalog::{Catalog, CatalogEntry, SetSummary};
use crate::criteria::{Effective, Programme};
use crate::validity::parse_day;

/// Where a set stands on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SetStanding {
    /// It applies on that day (or its dates are not known).
    InForce,
    /// It applies only from `from`, after that day.
    NotYet { from: String },
    /// It was replaced: it no longer applies since `until`.
    Ended { until: String },
}

impl SetStanding {
    pub fn is_in_force(&self) -> bool {
        matches!(self, SetStanding::InForce)
    }
}

/// Where a set applying from `from` until `until` (both `YYYY-MM-DD`, either unknown) stands on
/// `day` (`YYYY-MM-DD`, or an instant of that day). A date that cannot be read does not count:
/// validation reports it, and a set is never called expired on a guess.
pub fn in_force_on(from: Option<&str>, until: Option<&str>, day: &str) -> SetStanding {
    let Some(day) = parse_day(day) else {
        return SetStanding::InForce;
    };
    if let Some(from) = from.filter(|f| parse_day(f).is_some_and(|f| day < f)) {
        return SetStanding::NotYet { from: from.into() };
    }
    if let Some(until) = until.filter(|u| parse_day(u).is_some_and(|u| day >= u)) {
        return SetStanding::Ended {
            until: until.into(),
        };
    }
    SetStanding::InForce
}

impl Effective {
    pub fn on(&self, day: &str) -> SetStanding {
        in_force_on(self.from.as_deref(), self.until.as_deref(), day)
    }
}

impl SetSummary {
    pub fn in_force_on(&self, day: &str) -> SetStanding {
        in_force_on(
            self.effective_from.as_deref(),
            self.effective_until.as_deref(),
            day,
        )
    }

    /// A set of `programme` made for the product group `product_set`.
    pub fn serves(&self, programme: Programme, product_set: &str) -> bool {
        self.programme == programme && self.product_sets.iter().any(|p| p.code == product_set)
    }
}

/// The set to assess a product of `programme` and group `product_set` with on `day`: among the
/// sets made for that group, the one in force; when several are, the latest `from` (a set with
/// no `from` is the oldest), then the highest version.
pub fn current_set<'a>(
    sets: impl IntoIterator<Item = &'a SetSummary>,
    programme: Programme,
    product_set: &str,
    day: &str,
) -> Option<&'a SetSummary> {
    sets.into_iter()
        .filter(|s| s.serves(programme, product_set) && s.in_force_on(day).is_in_force())
        .max_by(|a, b| newer(a, b))
}

/// The ordering of `current_set`: by `from` (unknown first), then by version.
fn newer(a: &SetSummary, b: &SetSummary) -> Ordering {
    let from = |s: &SetSummary| s.effective_from.as_deref().and_then(parse_day);
    from(a)
        .cmp(&from(b))
        .then_with(|| compare_versions(&a.version, &b.version))
}

/// Versions in reading order: runs of digits compare as numbers (`2023.10` after `2023.9`),
/// the rest as text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (chunks(a), chunks(b));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let digits = |s: &str| s.starts_with(|c: char| c.is_ascii_digit());
                let order = if digits(x) && digits(y) {
                    // As numbers of any length: `010` equals `10` in value, the shorter first.
                    let (m, n) = (x.trim_start_matches('0'), y.trim_start_matches('0'));
                    m.len()
                        .cmp(&n.len())
                        .then_with(|| m.cmp(n))
                        .then_with(|| x.len().cmp(&y.len()))
                } else {
                    x.cmp(y)
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// `2023.10-b` as `2023`, `.`, `10`, `-b`.
fn chunks(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest
            .find(|c: char| c.is_ascii_digit() != digit)
            .unwrap_or(rest.len());
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

impl Catalog {
    /// The installed set to assess a product of `programme` and group `product_set` with on
    /// `day` (see [`current_set`]).
    pub fn current(
        &self,
        programme: Programme,
        product_set: &str,
        day: &str,
    ) -> Option<&CatalogEntry> {
        let summary = current_set(
            self.entries().iter().map(|e| &e.summary),
            programme,
            product_set,
            day,
        )?;
        self.get(&summary.id, Some(&summary.version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Origin;
    use crate::criteria::{ProductSet, SetStatus, Text};

    fn set(id: &str, version: &str, from: Option<&str>, until: Option<&str>) -> SetSummary {
        SetSummary {
            id: id.into(),
            version: version.into(),
            hash: format!("{id}@{version}"),
            name: Text::new("vi", id),
            programme: Programme::Ocop,
            status: SetStatus::Official,
            language: "vi".into(),
            product_sets: vec![ProductSet {
                code: "02".into(),
                name: Text::new("vi", "Gạo"),
            }],
            legal_basis: vec![],
            effective_from: from.map(Into::into),
            effective_until: until.map(Into::into),
            criteria_count: 1,
            part_count: 1,
            max_total: 100,
            declared_max_total: None,
            warnings: 0,
            known_defects: 0,
            origin: Origin::Shipped(format!("{id}.json")),
        }
    }

    #[test]
    fn the_from_day_is_in_force_and_the_until_day_is_not() {
        let (from, until) = (Some("2019-08-21"), Some("2023-02-24"));
        assert_eq!(
            in_force_on(from, until, "2019-08-20"),
            SetStanding::NotYet {
                from: "2019-08-21".into()
            }
        );
        assert_eq!(in_force_on(from, until, "2019-08-21"), SetStanding::InForce);
        assert_eq!(in_force_on(from, until, "2023-02-23"), SetStanding::InForce);
        assert_eq!(
            in_force_on(from, until, "2023-02-24"),
            SetStanding::Ended {
                until: "2023-02-24".into()
            }
        );
        assert_eq!(
            in_force_on(from, until, "2026-11-20T09:00:00Z"),
            SetStanding::Ended {
                until: "2023-02-24".into()
            }
        );
    }

    #[test]
    fn unknown_or_unreadable_dates_do_not_end_a_set() {
        assert_eq!(in_force_on(None, None, "2026-11-20"), SetStanding::InForce);
        assert_eq!(
            in_force_on(Some("2021-04-01"), None, "2099-01-01"),
            SetStanding::InForce
        );
        assert_eq!(
            in_force_on(None, Some("24/02/2023"), "2026-11-20"),
            SetStanding::InForce
        );
        assert_eq!(
            in_force_on(Some("2019-08-21"), Some("2023-02-24"), "not a day"),
            SetStanding::InForce
        );
    }

    #[test]
    fn the_current_set_is_the_one_in_force_latest_from_then_highest_version() {
        let old = set(
            "ocop-1048-02",
            "2020.1",
            Some("2019-08-21"),
            Some("2023-02-24"),
        );
        let new = set("ocop-148-02", "2023.1", Some("2023-02-24"), None);
        let newer_version = set("ocop-148-02", "2023.10", Some("2023-02-24"), None);
        let lower_version = set("ocop-148-02", "2023.9", Some("2023-02-24"), None);
        let future = set("ocop-2026-02", "2026.1", Some("2027-01-01"), None);
        let sets = [old.clone(), new.clone(), future.clone()];
        let current = |sets: &[SetSummary], day| {
            current_set(sets, Programme::Ocop, "02", day).map(|s| (s.id.clone(), s.version.clone()))
        };
        assert_eq!(
            current(&sets, "2023-02-23"),
            Some(("ocop-1048-02".into(), "2020.1".into()))
        );
        assert_eq!(
            current(&sets, "2023-02-24"),
            Some(("ocop-148-02".into(), "2023.1".into()))
        );
        assert_eq!(
            current(&sets, "2027-01-01"),
            Some(("ocop-2026-02".into(), "2026.1".into()))
        );
        let versions = [lower_version, newer_version, old.clone()];
        assert_eq!(
            current(&versions, "2026-11-20"),
            Some(("ocop-148-02".into(), "2023.10".into()))
        );
        // Only the expired sheet installed: there is no current set.
        assert_eq!(current(std::slice::from_ref(&old), "2026-11-20"), None);
        // Another group, or another programme, is never the current set.
        assert_eq!(
            current_set(&sets, Programme::Ocop, "24", "2026-11-20").map(|s| &s.id),
            None
        );
        assert_eq!(
            current_set(&sets, Programme::Ovop, "02", "2026-11-20").map(|s| &s.id),
            None
        );
    }

    #[test]
    fn a_set_with_no_from_is_older_than_one_with_a_from() {
        let open = set("ocop-local-02", "9", None, None);
        let dated = set("ocop-148-02", "2023.1", Some("2023-02-24"), None);
        assert_eq!(
            current_set([&open, &dated], Programme::Ocop, "02", "2026-11-20").map(|s| &s.id),
            Some(&dated.id)
        );
    }

    #[test]
    fn versions_compare_in_reading_order() {
        assert_eq!(compare_versions("2023.10", "2023.9"), Ordering::Greater);
        assert_eq!(compare_versions("2023.1", "2023.1"), Ordering::Equal);
        assert_eq!(compare_versions("2023.1", "2023.1.1"), Ordering::Less);
        assert_eq!(compare_versions("v2", "v10"), Ordering::Less);
        assert_eq!(compare_versions("1-b", "1-a"), Ordering::Greater);
    }

    #[test]
    fn every_shipped_ocop_set_ended_with_decision_148() {
        let catalog = Catalog::shipped();
        let ocop: Vec<_> = catalog
            .entries()
            .iter()
            .filter(|e| e.summary.programme == Programme::Ocop)
            .collect();
        assert_eq!(ocop.len(), 25);
        for entry in ocop {
            assert_eq!(
                entry.summary.in_force_on("2026-11-20"),
                SetStanding::Ended {
                    until: "2023-02-24".into()
                },
                "{}",
                entry.summary.id
            );
            assert!(entry.rubric.set().effective.on("2023-02-23").is_in_force());
        }
        assert!(catalog
            .current(Programme::Ocop, "02", "2026-11-20")
            .is_none());
        assert_eq!(
            catalog
                .current(Programme::Ocop, "02", "2022-01-01")
                .map(|e| e.summary.id.as_str()),
            Some("ocop-1048-02")
        );
    }
}
