//! Checks a criteria set beyond its JSON shape: references, numbering, star bands, and the
//! defects a transcription tends to have (parts that do not add up, two levels worth the same).
//!
//! Errors make a set unusable. Warnings are reported and kept: an official text is never
//! "fixed" silently; a set declares the defects it knowingly carries in `known_defects`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::criteria::{CriteriaSet, KnockoutTrigger, Requirement, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Finding {
    pub severity: Severity,
    /// Stable code (`duplicate_level_points`, `part_max_mismatch`, ...).
    pub code: String,
    /// Where, as a JSON path with the printed code (`parts[2].sections[0].criteria[1] (6.2)`).
    pub path: String,
    pub message: String,
    /// Whether the set's `known_defects` declares this finding.
    pub declared: bool,
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

struct Findings<'a> {
    set: &'a CriteriaSet,
    list: Vec<Finding>,
}

impl Findings<'_> {
    fn push(&mut self, severity: Severity, code: &str, path: String, message: String) {
        let declared =
            self.set.known_defects.iter().any(|d| {
                d.code == code && (path == d.path || path.contains(&format!("({})", d.path)))
            });
        self.list.push(Finding {
            severity,
            code: code.into(),
            path,
            message,
            declared,
        });
    }
    fn error(&mut self, code: &str, path: String, message: String) {
        self.push(Severity::Error, code, path, message);
    }
    fn warning(&mut self, code: &str, path: String, message: String) {
        self.push(Severity::Warning, code, path, message);
    }
}

/// Whether `kind` is a dossier document kind: a short name (up to 40) of lower-case letters,
/// digits and `_` (`nib`, `izin_edar`).
pub fn is_document_kind(kind: &str) -> bool {
    (1..=40).contains(&kind.len())
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A gate's or criterion's documents: each a document kind ([`is_document_kind`]), named once.
fn check_documents(documents: &[String], path: &str, f: &mut Findings) {
    let mut seen = BTreeSet::new();
    for kind in documents {
        if !is_document_kind(kind) {
            f.error(
                "document_kind",
                format!("{path}.documents"),
                format!("{kind:?} is not a document kind (lower-case letters, digits and _)"),
            );
        } else if !seen.insert(kind.as_str()) {
            f.error(
                "duplicate_document",
                format!("{path}.documents"),
                format!("the document kind {kind} is named twice"),
            );
        }
    }
}

/// Every finding, errors first, in sheet order within each severity.
pub fn validate(set: &CriteriaSet) -> Vec<Finding> {
    let mut f = Findings {
        set,
        list: Vec::new(),
    };
    check_identity(set, &mut f);
    check_text(&set.name, "name", &mut f);

    let mut gate_codes = BTreeSet::new();
    for (g, gate) in set.gates.iter().enumerate() {
        let path = format!("gates[{g}] ({})", gate.code);
        if !gate_codes.insert(gate.code.as_str()) {
            f.error(
                "duplicate_code",
                path.clone(),
                format!("gate code {} is used twice", gate.code),
            );
        }
        check_text(&gate.text, &format!("{path}.text"), &mut f);
        check_documents(&gate.documents, &path, &mut f);
    }

    if set.parts.is_empty() {
        f.error("no_parts", "parts".into(), "the set has no parts".into());
    }

    // Position of each criterion in sheet order, to check that conditions look backwards.
    let mut order: HashMap<&str, (usize, u32)> = HashMap::new();
    let mut part_codes = BTreeSet::new();
    let mut index = 0usize;
    for (p, part) in set.parts.iter().enumerate() {
        let ppath = format!("parts[{p}] ({})", part.code);
        if !part_codes.insert(part.code.as_str()) {
            f.error(
                "duplicate_code",
                ppath.clone(),
                format!("part code {} is used twice", part.code),
            );
        }
        if part.sections.is_empty() {
            f.error(
                "empty_part",
                ppath.clone(),
                format!("part {} has no sections", part.code),
            );
        }
        let mut section_codes = BTreeSet::new();
        for (s, section) in part.sections.iter().enumerate() {
            let spath = format!("{ppath}.sections[{s}] ({})", section.code);
            if !section_codes.insert(section.code.as_str()) {
                f.error(
                    "duplicate_code",
                    spath.clone(),
                    format!("section code {} is used twice", section.code),
                );
            }
            if section.criteria.is_empty() {
                f.error(
                    "empty_section",
                    spath.clone(),
                    format!("section {} has no criteria", section.code),
                );
            }
            let groups: BTreeSet<&str> = section.groups.iter().map(|g| g.code.as_str()).collect();
            for (c, criterion) in section.criteria.iter().enumerate() {
                let cpath = format!("{ppath}.sections[{s}].criteria[{c}] ({})", criterion.code);
                if criterion.code.trim().is_empty() {
                    f.error(
                        "missing_code",
                        cpath.clone(),
                        "a criterion has no code".into(),
                    );
                }
                check_documents(&criterion.documents, &cpath, &mut f);
                if order
                    .insert(criterion.code.as_str(), (index, criterion.max_points()))
                    .is_some()
                {
                    f.error(
                        "duplicate_code",
                        cpath.clone(),
                        format!(
                            "criterion code {} is used twice; answers could not tell them apart",
                            criterion.code
                        ),
                    );
                }
                index += 1;
                if let Some(group) = &criterion.group {
                    if !groups.contains(group.as_str()) {
                        f.error(
                            "unknown_group",
                            cpath.clone(),
                            format!("group {group} is not a heading of section {}", section.code),
                        );
                    }
                }
                check_levels(criterion, &cpath, &mut f);
            }
        }
        if let Some(declared) = part.max {
            let sum: u32 = part.criteria().map(|c| c.max_points()).sum();
            if sum != declared {
                f.warning(
                    "part_max_mismatch",
                    ppath.clone(),
                    format!(
                        "part {} adds up to {sum}, the sheet says {declared}",
                        part.code
                    ),
                );
            }
        }
    }

    if let Some(declared) = set.max_total {
        let sum = set.computed_max();
        if sum != declared {
            f.warning(
                "total_max_mismatch",
                "max_total".into(),
                format!("the levels add up to {sum}, the sheet says {declared}"),
            );
        }
    }

    // Conditions and knock-outs, now that every code is known.
    for (p, part) in set.parts.iter().enumerate() {
        for (s, section) in part.sections.iter().enumerate() {
            for (c, criterion) in section.criteria.iter().enumerate() {
                let cpath = format!(
                    "parts[{p}] ({}).sections[{s}].criteria[{c}] ({})",
                    part.code, criterion.code
                );
                let here = order
                    .get(criterion.code.as_str())
                    .map(|(i, _)| *i)
                    .unwrap_or(0);
                if let Some(cond) = &criterion.applies_if {
                    match order.get(cond.criterion.as_str()) {
                        None => f.error(
                            "unknown_criterion",
                            format!("{cpath}.applies_if"),
                            format!(
                                "the condition names criterion {}, which the set does not have",
                                cond.criterion
                            ),
                        ),
                        Some((there, _)) if *there >= here => f.error(
                            "condition_not_before",
                            format!("{cpath}.applies_if"),
                            format!(
                                "the condition names criterion {}, which does not come before {}",
                                cond.criterion, criterion.code
                            ),
                        ),
                        Some((_, max)) if cond.min_points > *max => f.error(
                            "condition_unreachable",
                            format!("{cpath}.applies_if"),
                            format!(
                                "criterion {} can give at most {max}, the condition asks {}",
                                cond.criterion, cond.min_points
                            ),
                        ),
                        _ => {}
                    }
                }
                if let Some(knockout) = &criterion.knockout {
                    check_text(&knockout.text, &format!("{cpath}.knockout.text"), &mut f);
                    if let KnockoutTrigger::PointsAtMost { points } = knockout.trigger {
                        if !criterion.levels.iter().any(|l| l.points <= points) {
                            f.error(
                                "knockout_unreachable",
                                format!("{cpath}.knockout"),
                                format!("no level of {} is worth {points} or less", criterion.code),
                            );
                        }
                    }
                }
            }
        }
    }

    check_stars(set, &part_codes, &order, &mut f);

    f.list.sort_by_key(|finding| finding.severity);
    f.list
}

fn check_identity(set: &CriteriaSet, f: &mut Findings) {
    let id_ok = !set.id.is_empty()
        && set
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if !id_ok {
        f.error(
            "bad_id",
            "id".into(),
            format!(
                "id {:?} must be lowercase letters, digits, '-' or '.'",
                set.id
            ),
        );
    }
    if set.version.trim().is_empty() {
        f.error("bad_version", "version".into(), "version is empty".into());
    }
    for (field, date) in [
        ("effective.from", &set.effective.from),
        ("effective.until", &set.effective.until),
    ] {
        if let Some(date) = date {
            if !is_iso_date(date) {
                f.error(
                    "bad_date",
                    field.into(),
                    format!("{date:?} is not a date (YYYY-MM-DD)"),
                );
            }
        }
    }
    if let (Some(from), Some(until)) = (&set.effective.from, &set.effective.until) {
        if until <= from {
            f.error(
                "bad_date",
                "effective".into(),
                format!("the set ends ({until}) before it starts ({from})"),
            );
        }
    }
}

fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    matches!(
        (num(0..4), num(5..7), num(8..10)),
        (Some(_), Some(1..=12), Some(1..=31))
    )
}

fn check_text(text: &Text, path: &str, f: &mut Findings) {
    if text.is_blank() {
        f.error(
            "missing_text",
            path.into(),
            "text is empty in every language".into(),
        );
    }
}

fn check_levels(criterion: &crate::criteria::Criterion, cpath: &str, f: &mut Findings) {
    if criterion.levels.is_empty() {
        f.error(
            "no_levels",
            cpath.into(),
            format!("criterion {} has no levels", criterion.code),
        );
        return;
    }
    let scale_ids: BTreeSet<&str> = criterion.scales.iter().map(|s| s.id.as_str()).collect();
    if scale_ids.len() != criterion.scales.len() {
        f.error(
            "duplicate_code",
            format!("{cpath}.scales"),
            "two scales share an id".into(),
        );
    }
    if criterion.scales.len() == 1 {
        f.error(
            "single_scale",
            format!("{cpath}.scales"),
            "one scale is no alternative; remove `scales`".into(),
        );
    }
    // Levels per scale, in printed order.
    let mut by_scale: BTreeMap<&str, Vec<(usize, u32)>> = BTreeMap::new();
    for (l, level) in criterion.levels.iter().enumerate() {
        let lpath = format!("{cpath}.levels[{l}]");
        if level.text.is_blank() {
            f.error(
                "missing_text",
                format!("{lpath}.text"),
                format!("level {} of {} has no text", l + 1, criterion.code),
            );
        }
        match (&level.scale, criterion.scales.is_empty()) {
            (None, true) => {}
            (Some(s), false) if scale_ids.contains(s.as_str()) => {}
            (None, false) => f.error(
                "missing_scale",
                lpath.clone(),
                "with alternative scales every level names its scale".into(),
            ),
            (Some(s), _) => f.error(
                "unknown_scale",
                lpath.clone(),
                format!("scale {s} is not one of the criterion's scales"),
            ),
        }
        by_scale
            .entry(level.scale.as_deref().unwrap_or(""))
            .or_default()
            .push((l, level.points));
    }
    for (scale, levels) in by_scale {
        let scale_note = if scale.is_empty() {
            String::new()
        } else {
            format!(" in scale {scale}")
        };
        for pair in levels.windows(2) {
            let ((_, a), (l, b)) = (pair[0], pair[1]);
            if a == b {
                f.warning(
                    "duplicate_level_points",
                    format!("{cpath}.levels[{l}]"),
                    format!(
                        "criterion {}: levels {} and {} are both worth {b}{scale_note}",
                        criterion.code,
                        l,
                        l + 1
                    ),
                );
            } else if b < a {
                f.warning(
                    "levels_not_ascending",
                    format!("{cpath}.levels[{l}]"),
                    format!(
                        "criterion {}: level {} is worth less than the one before it{scale_note}",
                        criterion.code,
                        l + 1
                    ),
                );
            }
        }
    }
}

fn check_stars(
    set: &CriteriaSet,
    parts: &BTreeSet<&str>,
    order: &HashMap<&str, (usize, u32)>,
    f: &mut Findings,
) {
    if let Some(quorum) = set.council.quorum {
        if !(1..=100).contains(&quorum.share_percent) {
            f.error(
                "bad_quorum",
                "council.quorum.share_percent".into(),
                format!(
                    "a quorum is a share of 1 to 100 percent, not {}",
                    quorum.share_percent
                ),
            );
        }
    }
    let bands = &set.stars.bands;
    if bands.is_empty() {
        f.error(
            "no_star_bands",
            "stars.bands".into(),
            "the set has no star bands".into(),
        );
        return;
    }
    if !bands.iter().any(|b| b.min == 0) {
        f.error(
            "bands_gap",
            "stars.bands".into(),
            "no band starts at 0: a low total would have no star".into(),
        );
    }
    let mut sorted: Vec<_> = bands.iter().collect();
    sorted.sort_by_key(|b| b.min);
    for pair in sorted.windows(2) {
        if pair[0].min == pair[1].min {
            f.error(
                "bands_overlap",
                "stars.bands".into(),
                format!("two bands start at {}", pair[0].min),
            );
        }
        if pair[1].star <= pair[0].star {
            f.error(
                "bands_order",
                "stars.bands".into(),
                format!(
                    "{} stars from {} is not above {} stars from {}",
                    pair[1].star, pair[1].min, pair[0].star, pair[0].min
                ),
            );
        }
    }
    let max = set.max_total.unwrap_or_else(|| set.computed_max());
    if let Some(top) = sorted.last() {
        if top.min > max {
            f.warning(
                "band_unreachable",
                "stars.bands".into(),
                format!(
                    "{} stars needs {}, more than the maximum {max}",
                    top.star, top.min
                ),
            );
        }
    }
    let stars: BTreeSet<u8> = bands.iter().map(|b| b.star).collect();
    for (i, req) in set.minimum_requirements.iter().enumerate() {
        let path = format!("minimum_requirements[{i}]");
        if !stars.contains(&req.star) {
            f.error(
                "unknown_star",
                path.clone(),
                format!("no band gives {} stars", req.star),
            );
        }
        match &req.rule {
            Requirement::CriterionAtLeast { criterion, points } => {
                match order.get(criterion.as_str()) {
                    None => f.error(
                        "unknown_criterion",
                        path,
                        format!("criterion {criterion} does not exist"),
                    ),
                    Some((_, max)) if points > max => f.error(
                        "condition_unreachable",
                        path,
                        format!(
                        "criterion {criterion} gives at most {max}, the requirement asks {points}"
                    ),
                    ),
                    _ => {}
                }
            }
            Requirement::PartAtLeast { part, .. } if !parts.contains(part.as_str()) => {
                f.error("unknown_part", path, format!("part {part} does not exist"))
            }
            Requirement::PartAtLeast { .. } => {}
        }
    }
}
