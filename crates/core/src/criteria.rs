//! The criteria set: a programme's scoring sheet as data.
//!
//! These types *are* the JSON format of `assets/criteria/*.json` (the JSON Schema in
//! `assets/criteria/criteria-set.schema.json` is generated from them and a test keeps it in
//! step). Unknown fields are refused so that a typo in a hand-edited file is reported, not
//! silently ignored.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The newest format this build reads. A file with a higher `format` is refused.
pub const FORMAT_VERSION: u32 = 1;

/// Text in one or more languages, keyed by language code (`id`, `en`, `vi`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[cfg_attr(feature = "bindings", ts(type = "Record<string, string>"))]
#[serde(transparent)]
pub struct Text(pub BTreeMap<String, String>);

impl Text {
    pub fn new(lang: &str, text: impl Into<String>) -> Self {
        Text(BTreeMap::from([(lang.to_string(), text.into())]))
    }

    /// The text in `lang`, else in `fallback`, else in any language the text has.
    pub fn get<'a>(&'a self, lang: &str, fallback: &str) -> &'a str {
        self.0
            .get(lang)
            .or_else(|| self.0.get(fallback))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }

    pub fn is_blank(&self) -> bool {
        self.0.values().all(|t| t.trim().is_empty())
    }
}

/// Which programme a set belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Programme {
    /// Vietnam: Mỗi xã một sản phẩm.
    Ocop,
    /// Indonesia: Satu Desa Satu Produk.
    Ovop,
    /// Reserved for Thailand's One Tambon One Product: a file naming it loads, but the app ships
    /// no sheet, rules or regions for it and shows such a set with the other programmes.
    Otop,
    Other,
}

impl Programme {
    /// The name it has in files and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Programme::Ocop => "ocop",
            Programme::Ovop => "ovop",
            Programme::Otop => "otop",
            Programme::Other => "other",
        }
    }

    /// The programme named `text` as in files and on the wire, if it is one.
    pub fn parse(text: &str) -> Option<Programme> {
        [
            Programme::Ocop,
            Programme::Ovop,
            Programme::Otop,
            Programme::Other,
        ]
        .into_iter()
        .find(|p| p.as_str() == text)
    }
}

/// How far a set can be trusted as the official sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum SetStatus {
    /// Typed from the official text and checked against it.
    Official,
    /// Transcribed from a secondary source; wording may differ from the official text.
    Transcription,
    /// A starting point for an office to adapt; not an official sheet.
    Template,
    /// Work in progress.
    Draft,
}

/// A criteria set (rubric): identified by `id` + `version`, and by its content hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CriteriaSet {
    /// Format version of this file (currently 1).
    pub format: u32,
    /// Stable identifier, lowercase letters, digits and `-` (e.g. `ocop-1048-02`).
    pub id: String,
    /// Version of the set; an assessment freezes the id, version and content hash it used.
    pub version: String,
    pub programme: Programme,
    pub status: SetStatus,
    pub name: Text,
    /// The language the set was written in; used when a text lacks the reader's language.
    pub language: String,
    /// Laws and decisions the sheet comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
    #[serde(default)]
    pub effective: Effective,
    /// Product sets (product groups) the sheet applies to.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub product_sets: Vec<ProductSet>,
    /// Where the text was taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Remarks for the reader: how to adapt a template, what is uncertain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<Text>,
    /// Defects of the source that were kept as found (see `validate`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_defects: Vec<KnownDefect>,
    /// Conditions checked before any scoring (legality, permits). Failing one stops the sheet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gates: Vec<Gate>,
    pub parts: Vec<Part>,
    /// The maximum total the sheet claims (100 for OCOP); compared with the levels' sum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total: Option<u32>,
    pub stars: StarRule,
    /// Requirements a product must meet to hold a star, whatever its score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub minimum_requirements: Vec<MinimumRequirement>,
    #[serde(default)]
    pub council: CouncilRule,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Effective {
    /// First day the sheet applies (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// First day it no longer applies (`YYYY-MM-DD`), when it was replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ProductSet {
    pub code: String,
    pub name: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct KnownDefect {
    /// The validation code that reports it (e.g. `duplicate_level_points`).
    pub code: String,
    /// Where: the printed code of the criterion or part (`6.2`, `C`), or a top-level field
    /// (`max_total`).
    pub path: String,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// Code as printed (e.g. `G1`).
    pub code: String,
    pub text: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Text>,
    /// The producer's dossier documents that prove this gate, by kind (`nib`, `izin_edar`,
    /// `halal`, ...): the officer checks them once, in the dossier, and the gate shows them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// Code as printed (`A`, `B`, `C`).
    pub code: String,
    pub name: Text,
    /// The maximum the sheet claims for this part; compared with the levels' sum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Code as printed (`1`, `7`).
    pub code: String,
    pub name: Text,
    /// Headings that group criteria inside the section (`6.1 Ngoại hình` over `6.1.1`..).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Group>,
    pub criteria: Vec<Criterion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub code: String,
    pub text: Text,
}

/// One scored line of the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// The sheet's own numbering (`1.1`, `5.2`; a section that is one criterion keeps the
    /// section's number, `7`). Unique within the set; answers name criteria by it.
    pub code: String,
    /// The criterion's title. May be blank when the section is the criterion.
    pub text: Text,
    /// The code of the group heading this criterion sits under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The sheet's note, kept as printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    /// What the assessor should look at (contracts, certificates, test reports...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Text>,
    /// The producer's dossier documents this criterion relies on, by kind (`sni`, `haki`,
    /// ...): the sheet shows beside the criterion whether they were seen and still valid.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<String>,
    /// Alternative scales: the assessor uses exactly one. Empty when there is one scale.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scales: Vec<Scale>,
    /// The fixed levels in the order the sheet prints them. An answer names a level by its
    /// 1-based position in this list.
    pub levels: Vec<Level>,
    /// When set, the criterion is assessed only if the condition holds; otherwise it scores 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_if: Option<Applicability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knockout: Option<Knockout>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub id: String,
    pub label: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Level {
    pub points: u32,
    pub text: Text,
    /// The alternative scale this level belongs to (one of the criterion's `scales`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
}

/// "Only if criterion X scored at least N points" (N = 1 reads "scored above 0").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Applicability {
    pub criterion: String,
    pub min_points: u32,
    /// The reason shown when the criterion does not apply.
    pub reason: Text,
}

/// A knock-out: a finding that excludes the product from classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Knockout {
    pub trigger: KnockoutTrigger,
    pub effect: KnockoutEffect,
    /// The condition as the sheet states it.
    pub text: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(tag = "when", rename_all = "snake_case", deny_unknown_fields)]
pub enum KnockoutTrigger {
    /// The assessor records that the condition holds (a checkbox beside the criterion).
    /// A struct variant, not a unit one, so that a stray field beside `when` is refused.
    Observed {},
    /// The chosen level is worth at most `points`.
    PointsAtMost { points: u32 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum KnockoutEffect {
    /// The product cannot be classified; the rest of the sheet is still scored.
    Disqualify,
    /// The product cannot be classified and the criteria after this one are not assessed.
    Stop,
}

/// How a total becomes a star class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct StarRule {
    /// How a fractional total (a council's average) is rounded before it meets the bands.
    pub rounding: Rounding,
    /// Each band: the lowest total (inclusive) that earns `star`. One band starts at 0.
    pub bands: Vec<StarBand>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// No rounding: 89.5 is below 90.
    None,
    /// Down to a whole point: 89.9 is 89.
    Floor,
    /// To the nearest whole point, halves up: 89.5 is 90.
    HalfUp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct StarBand {
    pub star: u8,
    pub min: u32,
}

/// "To hold `star` stars (or more) the product must ..."
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct MinimumRequirement {
    pub star: u8,
    pub rule: Requirement,
    pub text: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Requirement {
    /// Criterion `criterion` scored at least `points`.
    CriterionAtLeast { criterion: String, points: u32 },
    /// Part `part` scored at least `points`.
    PartAtLeast { part: String, points: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct CouncilRule {
    /// The largest allowed difference between members' totals (10 for OCOP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_divergence: Option<u32>,
    /// The share of the appointed members (the chair among them, when it says so) that must
    /// sit for the council's verdict to be final (OCOP: 75 % including the chair).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum: Option<Quorum>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Quorum {
    /// Percent of the appointed members, 1 to 100.
    pub share_percent: u32,
    /// The chair must be among those who sit.
    #[serde(default)]
    pub chair_required: bool,
}

impl Criterion {
    /// The most this criterion can give (over every scale).
    pub fn max_points(&self) -> u32 {
        self.levels.iter().map(|l| l.points).max().unwrap_or(0)
    }
}

impl Part {
    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.sections.iter().flat_map(|s| s.criteria.iter())
    }
}

impl CriteriaSet {
    /// Every criterion in sheet order.
    pub fn criteria(&self) -> impl Iterator<Item = &Criterion> {
        self.parts.iter().flat_map(Part::criteria)
    }

    pub fn criterion_count(&self) -> usize {
        self.criteria().count()
    }

    /// The sum of every criterion's best level.
    pub fn computed_max(&self) -> u32 {
        self.criteria().map(Criterion::max_points).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Catalog, Origin};

    #[test]
    fn a_set_naming_the_reserved_programme_otop_still_loads() {
        let template = Catalog::shipped();
        let mut set = serde_json::to_value(
            template
                .get("ovop-id-template", None)
                .expect("the template")
                .rubric
                .set(),
        )
        .expect("json");
        set["id"] = "otop-example".into();
        set["programme"] = "otop".into();
        let mut catalog = Catalog::default();
        let entry = catalog
            .add(
                Origin::Imported("otop-example.json".into()),
                &set.to_string(),
            )
            .expect("loaded");
        assert_eq!(entry.summary.programme, Programme::Otop);
        assert_eq!(Programme::parse("otop"), Some(Programme::Otop));
    }
}
