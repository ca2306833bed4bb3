//! What a programme runs its assessments in, as data (`assets/programmes/*.json`): the levels an
//! assessment is made at (OCOP: commune, province, central; OVOP: kabupaten, provinsi, pusat),
//! how many rounds a year it holds, and the words for the kinds of assessment. An assessment
//! names its round (`2026-1`, shown "2026 · I"), its level and its kind; one made before these
//! existed names none of them, and is shown as unknown.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::criteria::{Programme, Quorum, Text};

/// The kind of an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AssessmentKind {
    /// A product assessed for the first time.
    New,
    /// A product assessed again when its certificate lapses.
    Reassessment,
    /// A certified product assessed for a higher star.
    Upgrade,
}

impl AssessmentKind {
    pub const ALL: [AssessmentKind; 3] = [
        AssessmentKind::New,
        AssessmentKind::Reassessment,
        AssessmentKind::Upgrade,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentKind::New => "new",
            AssessmentKind::Reassessment => "reassessment",
            AssessmentKind::Upgrade => "upgrade",
        }
    }

    pub fn parse(text: &str) -> Option<AssessmentKind> {
        AssessmentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim())
    }
}

/// A round of assessment: a year and its phase (1 to 12). Written `2026-1`, shown `2026 · I`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Round {
    pub year: u16,
    pub phase: u8,
}

const ROMAN: [&str; 12] = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
];

impl Round {
    /// Reads `2026-1`, `2026-I`, `2026 · I` or `2026/2` (a year from 2000 to 2199 and a phase
    /// from 1 to 12, in digits or Roman numerals); anything else is `None`.
    pub fn parse(text: &str) -> Option<Round> {
        let text = text.trim();
        let split = text.find(|c: char| !c.is_ascii_digit())?;
        let (year, rest) = text.split_at(split);
        if year.len() != 4 {
            return None;
        }
        let year: u16 = year.parse().ok()?;
        if !(2000..2200).contains(&year) {
            return None;
        }
        let phase = rest.trim_start_matches([' ', '-', '/', '·', '.']).trim();
        if phase.is_empty() || phase.len() == rest.len() {
            return None;
        }
        let phase: u8 = match phase.parse::<u8>() {
            Ok(n) => n,
            Err(_) => ROMAN
                .iter()
                .position(|r| r.eq_ignore_ascii_case(phase))
                .map(|i| i as u8 + 1)?,
        };
        (1..=12).contains(&phase).then_some(Round { year, phase })
    }

    /// How it is stored and sent: `2026-1`.
    pub fn code(&self) -> String {
        format!("{}-{}", self.year, self.phase)
    }

    /// The round of `date` (`YYYY-MM-DD`) in a programme holding `phases` rounds a year: the
    /// year split in equal spans (two rounds: January to June is I, July to December II).
    pub fn of_date(date: &str, phases: u8) -> Option<Round> {
        let year: u16 = date.get(0..4)?.parse().ok()?;
        let month: u8 = date.get(5..7)?.parse().ok()?;
        if !(1..=12).contains(&month) {
            return None;
        }
        let phases = phases.clamp(1, 12);
        let phase = (u16::from(month - 1) * u16::from(phases) / 12) as u8 + 1;
        Round::parse(&format!("{year}-{phase}"))
    }
}

impl fmt::Display for Round {
    /// `2026 · I`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let phase = ROMAN
            .get(usize::from(self.phase).saturating_sub(1))
            .copied()
            .unwrap_or("?");
        write!(f, "{} · {phase}", self.year)
    }
}

/// One level of a programme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct ProgrammeLevel {
    pub code: String,
    pub name: Text,
    /// The last day an assessment could be made at this level (OCOP's district level ended
    /// with June 2025); older records keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub until: Option<String>,
    /// Where a product assessed at this level is proposed next, and from which star: the first
    /// whose level is still held on the day of the assessment applies (OCOP's commune went to
    /// the district until June 2025, to the province after).
    #[serde(default)]
    pub forwards: Vec<Forward>,
}

/// A product at or above `min_star` is proposed to level `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Forward {
    pub to: String,
    pub min_star: u8,
}

/// A council's quorum as counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct QuorumCheck {
    /// Members appointed (present and absent).
    pub appointed: u32,
    pub present: u32,
    /// The fewest present members that make the quorum.
    pub required: u32,
    pub chair_present: bool,
    /// The chair had to be present.
    pub chair_required: bool,
    pub met: bool,
}

impl Quorum {
    /// Counts a council: `present` of `appointed`, with or without its chair. The share is
    /// rounded up (75 % of 6 is 5 members, of 7 is 6), and never fewer than one.
    pub fn check(&self, appointed: u32, present: u32, chair_present: bool) -> QuorumCheck {
        let required = (u64::from(appointed) * u64::from(self.share_percent)).div_ceil(100);
        let required = u32::try_from(required).unwrap_or(u32::MAX).max(1);
        QuorumCheck {
            appointed,
            present,
            required,
            chair_present,
            chair_required: self.chair_required,
            met: present <= appointed
                && present >= required
                && (chair_present || !self.chair_required),
        }
    }
}

/// A programme's rules as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct ProgrammeRules {
    pub programme: Programme,
    /// Where the rules come from.
    pub source: String,
    /// How many rounds a year (1 to 12).
    pub phases_per_year: u8,
    /// From the first level to the highest.
    pub levels: Vec<ProgrammeLevel>,
    /// The words for each kind of assessment.
    #[cfg_attr(
        feature = "bindings",
        ts(type = "Record<string, Record<string, string>>")
    )]
    pub kinds: std::collections::BTreeMap<AssessmentKind, Text>,
    /// The quorum a council needs; without one, any council's verdict counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub quorum: Option<Quorum>,
    /// Which stars are certified and for how long; without it, nothing is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub certification: Option<crate::validity::Certification>,
}

impl ProgrammeRules {
    pub fn level(&self, code: &str) -> Option<&ProgrammeLevel> {
        self.levels.iter().find(|l| l.code == code)
    }

    /// The levels an assessment made on `date` may be at (those not ended before it).
    pub fn levels_on(&self, date: &str) -> impl Iterator<Item = &ProgrammeLevel> {
        let date = date.to_string();
        self.levels.iter().filter(move |l| {
            l.until
                .as_deref()
                .is_none_or(|until| date.as_str() <= until)
        })
    }

    /// The level a product assessed at `level` on `date` with `star` is proposed to, if its star
    /// reaches the threshold of the next level held on that day.
    pub fn proposed_level(&self, level: &str, date: &str, star: u8) -> Option<&ProgrammeLevel> {
        let from = self.level(level)?;
        let held = |code: &str| self.levels_on(date).find(|l| l.code == code);
        let (forward, to) = from
            .forwards
            .iter()
            .find_map(|f| held(&f.to).map(|to| (f, to)))?;
        (star >= forward.min_star).then_some(to)
    }

    /// The words for `kind` in `lang`.
    pub fn kind_name(&self, kind: AssessmentKind, lang: &str) -> &str {
        self.kinds
            .get(&kind)
            .map_or(kind.as_str(), |t| t.get(lang, "en"))
    }

    /// The round, level and kind of an assessment in words, as a sheet prints them:
    /// "2026 · I · Cấp tỉnh · Đánh giá mới"; what it does not name is left out.
    pub fn describe(
        &self,
        lang: &str,
        round: Option<&str>,
        level: Option<&str>,
        kind: Option<AssessmentKind>,
    ) -> String {
        let mut parts = Vec::new();
        if let Some(round) = round {
            parts.push(Round::parse(round).map_or(round.to_string(), |r| r.to_string()));
        }
        if let Some(level) = level {
            parts.push(
                self.level(level)
                    .map_or(level.to_string(), |l| l.name.get(lang, "en").to_string()),
            );
        }
        if let Some(kind) = kind {
            parts.push(self.kind_name(kind, lang).to_string());
        }
        parts.join(" · ")
    }
}

/// Why a programme file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeError(pub String);

impl fmt::Display for ProgrammeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads and checks a programme file: at least one level, level codes unique and lower-case,
/// every level and kind named, 1 to 12 rounds a year.
pub fn parse_programme(json: &str) -> Result<ProgrammeRules, ProgrammeError> {
    let rules: ProgrammeRules = serde_json::from_str(json)
        .map_err(|e| ProgrammeError(format!("not a programme file: {e}")))?;
    if !(1..=12).contains(&rules.phases_per_year) {
        return Err(ProgrammeError("phases_per_year is 1 to 12".into()));
    }
    if rules.levels.is_empty() {
        return Err(ProgrammeError("a programme has at least one level".into()));
    }
    let mut seen = std::collections::BTreeSet::new();
    for level in &rules.levels {
        let well_formed = !level.code.is_empty()
            && level
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed || !seen.insert(level.code.as_str()) {
            return Err(ProgrammeError(format!(
                "level code {:?} is not unique lower-case letters, digits and _",
                level.code
            )));
        }
        if level.name.is_blank() {
            return Err(ProgrammeError(format!("level {} has no name", level.code)));
        }
    }
    for (at, level) in rules.levels.iter().enumerate() {
        for forward in &level.forwards {
            let later = rules.levels[at + 1..].iter().any(|l| l.code == forward.to);
            if !later {
                return Err(ProgrammeError(format!(
                    "level {} forwards to {:?}, which is not a level above it",
                    level.code, forward.to
                )));
            }
            if !(1..=5).contains(&forward.min_star) {
                return Err(ProgrammeError(format!(
                    "level {} forwards from star {}: a star is 1 to 5",
                    level.code, forward.min_star
                )));
            }
        }
    }
    if let Some(quorum) = rules.quorum {
        if !(1..=100).contains(&quorum.share_percent) {
            return Err(ProgrammeError("a quorum is 1 to 100 percent".into()));
        }
    }
    if let Some(c) = rules.certification {
        if !(1..=5).contains(&c.min_star)
            || !(1..=240).contains(&c.valid_months)
            || c.notice_days > c.list_days
            || c.list_days > 3660
        {
            return Err(ProgrammeError(
                "a certification certifies from star 1 to 5, for 1 to 240 months, its notice within its listing of at most 3,660 days".into(),
            ));
        }
    }
    for kind in AssessmentKind::ALL {
        if rules.kinds.get(&kind).is_none_or(Text::is_blank) {
            return Err(ProgrammeError(format!(
                "kind {} has no name",
                kind.as_str()
            )));
        }
    }
    Ok(rules)
}

/// The rules shipped for each programme that has them (OCOP, OVOP).
pub fn shipped() -> &'static [ProgrammeRules] {
    static SHIPPED: std::sync::OnceLock<Vec<ProgrammeRules>> = std::sync::OnceLock::new();
    SHIPPED.get_or_init(|| {
        [
            include_str!("../../../assets/programmes/ocop.json"),
            include_str!("../../../assets/programmes/ovop.json"),
        ]
        .iter()
        .filter_map(|text| parse_programme(text).ok())
        .collect()
    })
}

/// The shipped rules of `programme`, if it has any.
pub fn rules_of(programme: Programme) -> Option<&'static ProgrammeRules> {
    shipped().iter().find(|r| r.programme == programme)
}

/// A visit's round or level refused: which of the two (`round`, `level`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitError {
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for VisitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Checks an assessment's round and level against its programme: a round that is not a round,
/// or a level the programme does not have (or had ended by `date`), is refused in words, naming
/// the field.
pub fn check_visit(
    programme: Programme,
    round: Option<&str>,
    level: Option<&str>,
    date: Option<&str>,
) -> Result<(), VisitError> {
    if let Some(round) = round {
        if Round::parse(round).is_none_or(|r| r.code() != round) {
            return Err(VisitError {
                field: "round",
                message: format!("round {round:?} is not a year and its round, written 2026-1"),
            });
        }
    }
    if let Some(level) = level {
        let refused = |message: String| {
            Err(VisitError {
                field: "level",
                message,
            })
        };
        let Some(rules) = rules_of(programme) else {
            return refused(format!("programme {} has no levels", programme.as_str()));
        };
        let Some(found) = rules.level(level) else {
            let known: Vec<&str> = rules.levels.iter().map(|l| l.code.as_str()).collect();
            return refused(format!(
                "level {level:?} is not one of {}'s: {}",
                programme.as_str(),
                known.join(", ")
            ));
        };
        if let (Some(until), Some(date)) = (&found.until, date) {
            if date > until.as_str() {
                return refused(format!(
                    "the {level} level ended on {until}; this assessment is of {date}"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_are_read_in_the_ways_they_are_written_and_nothing_else() {
        for text in ["2026-1", "2026-I", "2026 · I", "2026/1", " 2026 - i "] {
            assert_eq!(
                Round::parse(text),
                Some(Round {
                    year: 2026,
                    phase: 1
                }),
                "{text}"
            );
        }
        assert_eq!(
            Round::parse("2026-XII").map(|r| r.code()),
            Some("2026-12".into())
        );
        for text in [
            "",
            "2026",
            "2026-",
            "2026-0",
            "2026-13",
            "26-1",
            "02026-1",
            "1999-1",
            "2026-IIII",
            "x2026-1",
            "2026-1a",
        ] {
            assert_eq!(Round::parse(text), None, "{text}");
        }
        assert_eq!(
            Round {
                year: 2026,
                phase: 2
            }
            .to_string(),
            "2026 · II"
        );
        assert_eq!(
            Round::of_date("2026-06-30", 2).map(|r| r.code()),
            Some("2026-1".into())
        );
        assert_eq!(
            Round::of_date("2026-07-01", 2).map(|r| r.code()),
            Some("2026-2".into())
        );
        assert_eq!(
            Round::of_date("2026-12-31", 4).map(|r| r.code()),
            Some("2026-4".into())
        );
        assert_eq!(Round::of_date("2026-13-01", 2), None);
    }

    #[test]
    fn the_shipped_programmes_have_their_levels_and_words() {
        let ocop = rules_of(Programme::Ocop).expect("OCOP");
        let codes: Vec<&str> = ocop.levels.iter().map(|l| l.code.as_str()).collect();
        assert_eq!(codes, ["commune", "district", "province", "central"]);
        let on: Vec<&str> = ocop
            .levels_on("2026-03-01")
            .map(|l| l.code.as_str())
            .collect();
        assert_eq!(
            on,
            ["commune", "province", "central"],
            "no district level since July 2025"
        );
        let ovop = rules_of(Programme::Ovop).expect("OVOP");
        assert_eq!(
            ovop.level("provinsi").map(|l| l.name.get("id", "en")),
            Some("Provinsi")
        );
        assert_eq!(
            ocop.describe(
                "vi",
                Some("2026-1"),
                Some("province"),
                Some(AssessmentKind::Reassessment)
            ),
            "2026 · I · Cấp tỉnh · Đánh giá lại"
        );
        assert_eq!(ovop.describe("id", None, None, None), "");
        assert!(rules_of(Programme::Otop).is_none());
    }

    #[test]
    fn a_visit_names_a_round_and_a_level_its_programme_has() {
        assert!(check_visit(
            Programme::Ocop,
            Some("2026-1"),
            Some("province"),
            Some("2026-03-01")
        )
        .is_ok());
        assert!(check_visit(Programme::Ocop, None, None, None).is_ok());
        assert!(
            check_visit(Programme::Ocop, Some("2026 · I"), None, None).is_err(),
            "written 2026-1"
        );
        assert_eq!(
            check_visit(Programme::Ocop, None, Some("kabupaten"), None).map_err(|e| e.field),
            Err("level")
        );
        assert_eq!(
            check_visit(Programme::Ocop, Some("2026-13"), Some("kabupaten"), None)
                .map_err(|e| e.field),
            Err("round"),
            "the round is named first"
        );
        assert_eq!(Programme::parse("ocop"), Some(Programme::Ocop));
        assert_eq!(Programme::parse("OCOP"), None);
        assert!(check_visit(Programme::Ocop, None, Some("district"), Some("2025-06-30")).is_ok());
        assert!(check_visit(Programme::Ocop, None, Some("district"), Some("2025-07-01")).is_err());
        assert!(check_visit(Programme::Otop, None, Some("tambon"), None).is_err());
    }

    #[test]
    fn a_programme_file_is_checked() {
        let good = include_str!("../../../assets/programmes/ovop.json");
        assert!(parse_programme(good).is_ok());
        assert!(parse_programme("{").is_err());
        let mut value: serde_json::Value = serde_json::from_str(good).unwrap();
        value["levels"][1]["code"] = "kabupaten".into();
        assert!(parse_programme(&value.to_string())
            .unwrap_err()
            .0
            .contains("unique"));
        let mut value: serde_json::Value = serde_json::from_str(good).unwrap();
        value["kinds"].as_object_mut().unwrap().remove("upgrade");
        assert!(parse_programme(&value.to_string())
            .unwrap_err()
            .0
            .contains("upgrade"));
        let mut value: serde_json::Value = serde_json::from_str(good).unwrap();
        value["phases_per_year"] = 0.into();
        assert!(parse_programme(&value.to_string()).is_err());
    }

    #[test]
    fn a_quorum_is_three_quarters_of_the_council_rounded_up_with_its_chair() {
        let q = Quorum {
            share_percent: 75,
            chair_required: true,
        };
        // 75 % of 4 is 3; of 5, 3.75, so 4; of 6, 4.5, so 5; of 7, 5.25, so 6.
        for (appointed, required) in [(1, 1), (3, 3), (4, 3), (5, 4), (6, 5), (7, 6), (9, 7)] {
            let at = q.check(appointed, required, true);
            assert_eq!(at.required, required, "{appointed} appointed");
            assert!(at.met, "{required} of {appointed}");
            assert!(!q.check(appointed, required - 1, true).met || required == 1);
        }
        assert!(!q.check(4, 4, false).met, "the chair is required");
        assert!(!q.check(3, 4, true).met, "more present than appointed");
        let anyone = Quorum {
            share_percent: 50,
            chair_required: false,
        };
        assert!(anyone.check(4, 2, false).met);
        assert!(!anyone.check(4, 1, true).met);
    }

    #[test]
    fn a_product_is_proposed_to_the_next_level_held_when_its_star_reaches_it() {
        let ocop = rules_of(Programme::Ocop).unwrap();
        let to = |level, date, star| {
            ocop.proposed_level(level, date, star)
                .map(|l| l.code.as_str())
        };
        assert_eq!(to("district", "2025-03-01", 4), Some("province"));
        assert_eq!(to("district", "2025-03-01", 3), None);
        assert_eq!(to("province", "2026-03-01", 4), None);
        assert_eq!(to("province", "2026-03-01", 5), Some("central"));
        assert_eq!(
            to("central", "2026-03-01", 5),
            None,
            "nothing above the centre"
        );
        // The commune went to the district until June 2025, to the province after.
        assert_eq!(to("commune", "2025-06-30", 3), Some("district"));
        assert_eq!(to("commune", "2025-07-01", 3), Some("province"));
        assert_eq!(to("commune", "2025-07-01", 2), None);
        let ovop = rules_of(Programme::Ovop).unwrap();
        assert_eq!(
            ovop.proposed_level("kabupaten", "2026-03-01", 4)
                .map(|l| l.code.as_str()),
            Some("provinsi")
        );
        assert_eq!(ocop.quorum.map(|q| q.share_percent), Some(75));
    }

    #[test]
    fn forwards_and_quorums_are_checked_in_a_programme_file() {
        let good = include_str!("../../../assets/programmes/ocop.json");
        let refused = |edit: &dyn Fn(&mut serde_json::Value)| {
            let mut value: serde_json::Value = serde_json::from_str(good).unwrap();
            edit(&mut value);
            parse_programme(&value.to_string()).unwrap_err().0
        };
        assert!(
            refused(&|v| v["levels"][2]["forwards"][0]["to"] = "commune".into())
                .contains("not a level above")
        );
        assert!(
            refused(&|v| v["levels"][2]["forwards"][0]["to"] = "moon".into())
                .contains("not a level above")
        );
        assert!(
            refused(&|v| v["levels"][2]["forwards"][0]["min_star"] = 6.into()).contains("1 to 5")
        );
        assert!(refused(&|v| v["quorum"]["share_percent"] = 0.into()).contains("percent"));
        assert!(refused(&|v| v["quorum"]["share_percent"] = 101.into()).contains("percent"));
        for (field, value) in [
            ("min_star", 0),
            ("min_star", 6),
            ("valid_months", 0),
            ("valid_months", 241),
            ("notice_days", 91),
            ("list_days", 4000),
        ] {
            assert!(
                refused(&|v| v["certification"][field] = value.into()).contains("certifies"),
                "{field} {value}"
            );
        }
        assert!(refused(&|v| v["certification"]["months"] = 36.into()).contains("unknown field"));
    }

    #[test]
    fn both_programmes_certify_three_stars_and_more_for_thirty_six_months() {
        for rules in shipped() {
            let c = rules.certification.unwrap();
            assert_eq!(
                (c.min_star, c.valid_months),
                (3, 36),
                "{:?}",
                rules.programme
            );
            assert_eq!(c.valid_until("2026-04-20").as_deref(), Some("2029-04-19"));
        }
    }
}
