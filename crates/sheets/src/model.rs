//! What a sheet prints: plain values, filled in by the caller from its records (the CLI and the
//! app read them from the store). Nothing here reads a file or a database.

use ovop_core::criteria::CriteriaSet;
use ovop_core::rubric::NextStar;
use ovop_core::{Answers, CouncilResult, ScoreResult, Verdict};

/// The language of the sheet's own words (criteria texts fall back to the set's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
    Vi,
}

impl Lang {
    /// `id`, `en` or `vi`; anything else is Indonesian, the app's first language.
    pub fn parse(code: &str) -> Lang {
        match code {
            "en" => Lang::En,
            "vi" => Lang::Vi,
            _ => Lang::Id,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
            Lang::Vi => "vi",
        }
    }
}

/// Which record a paper sheet is: the QR code and every page's footer carry it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Trace {
    pub assessment_id: String,
    pub revision: i64,
    /// The content hash of the final revision (empty for a draft).
    pub content_hash: String,
    /// `draft`, `final`, `synced`, `reviewed`.
    pub status: String,
    /// When the revision was finalised (RFC 3339), else when it was last changed: the PDF's
    /// date, so the same record always gives the same file.
    pub dated: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Product {
    pub name: String,
    pub brand: Option<String>,
    pub skus: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Producer {
    pub name: String,
    /// NIB or the business registration number.
    pub registration: Option<String>,
    pub address: Option<String>,
    /// The village's name and its official code (Kemendagri or the Vietnamese code).
    pub village: Option<String>,
    pub village_code: Option<String>,
    /// Latitude and longitude.
    pub gps: Option<(f64, f64)>,
    pub contact: Option<String>,
}

/// Someone who signs: an assessor (name, title, unit) or the producer's representative.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Person {
    pub name: String,
    pub title: Option<String>,
    pub unit: Option<String>,
    pub contact: Option<String>,
}

/// The visit: the round, the day and the place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Visit {
    pub round: Option<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub place: Option<String>,
}

/// One document of the producer's dossier as checked on the visit.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub label: String,
    pub present: bool,
    pub number: Option<String>,
    pub issuer: Option<String>,
    pub issued_on: Option<String>,
    pub expires_on: Option<String>,
}

/// One action of the coaching plan made from the assessment, as the producer's receipt prints
/// it: words already in the sheet's language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanLine {
    /// The kind of support ("Kemasan dan label").
    pub support: String,
    /// The criterion it lifts, with its code ("1.1 Sumber bahan baku"), when it lifts one.
    pub criterion: Option<String>,
    /// The points it aims the criterion at.
    pub target_points: Option<u32>,
    /// Who carries it out ("Petugas", "Mitra · Bank BPD").
    pub owner: String,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
}

/// A filled assessment sheet.
#[derive(Debug, Clone)]
pub struct Filled {
    pub lang: Lang,
    pub set: CriteriaSet,
    pub answers: Answers,
    /// The lead assessor's sheet as scored (the criteria's points).
    pub result: ScoreResult,
    /// The official verdict (the council's over its members when several scored): the total and
    /// star every sheet prints.
    pub verdict: Verdict,
    pub trace: Trace,
    pub visit: Visit,
    pub product: Product,
    pub producer: Producer,
    pub assessors: Vec<Person>,
    pub documents: Vec<Document>,
    /// When several assessors scored: their results, the average and the divergence check, and
    /// each member as they sign (in the council's order, the lead assessor first).
    pub council: Option<Council>,
    /// The coaching plan made from this assessment (the receipt prints it); empty when none.
    pub plan: Vec<PlanLine>,
}

impl Filled {
    /// What the next star asks, from the official result: the council's when several scored.
    pub fn next_star(&self) -> Option<&NextStar> {
        match &self.council {
            Some(council) => council.result.next_star.as_ref(),
            None => self.result.next_star.as_ref(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Council {
    pub result: CouncilResult,
    pub members: Vec<Person>,
}

/// A blank sheet for a paper-only visit: the set's criteria with a box per level.
#[derive(Debug, Clone)]
pub struct Blank {
    pub lang: Lang,
    pub set: CriteriaSet,
    /// The set's content hash, printed and in the QR code, so the paper names its set.
    pub set_hash: String,
}

/// A member of a council as the minutes list them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MinutesMember {
    pub person: Person,
    /// Their role in the council ("anggota", "thư ký"), as recorded.
    pub role: Option<String>,
    pub chair: bool,
    pub present: bool,
}

/// One product the council scored in the session.
#[derive(Debug, Clone, PartialEq)]
pub struct MinutesProduct {
    pub product: String,
    pub producer: String,
    /// The record: assessment id, revision and content hash (the QR code covers them).
    pub trace: Trace,
    /// Each present member's total, by name, in the council's order.
    pub totals: Vec<(String, u32)>,
    /// The members' exact average and the most a sheet can score.
    pub average: f64,
    pub max_total: u32,
    /// The largest gap between two members, the most the set allows, and whether it was passed.
    pub spread: u32,
    pub max_spread: Option<u32>,
    pub exceeded: bool,
    /// The official verdict.
    pub verdict: Verdict,
    /// The level it is proposed to, in words, when its star reaches that level's threshold.
    pub proposed_to: Option<String>,
}

/// A star certificate as printed: the award's facts and the code signed by the office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub lang: Lang,
    /// `OCOP`, `OVOP`.
    pub programme: String,
    pub number: String,
    pub product: String,
    pub producer: String,
    /// Where the producer is, in words (village, regency, province).
    pub place: Option<String>,
    pub star: u8,
    pub decision_number: String,
    /// `YYYY-MM-DD`.
    pub decision_date: String,
    pub authority: String,
    /// `YYYY-MM-DD`: the file's date too, so the same certificate gives the same bytes.
    pub issued: String,
    /// The last valid day, `YYYY-MM-DD`.
    pub valid_until: String,
    /// The signed code the QR carries.
    pub code: String,
}

/// The minutes (*berita acara*, *biên bản*) of a council's session: the products it scored in
/// one round at one level, who sat, the quorum, each product's result, what goes up a level.
#[derive(Debug, Clone)]
pub struct Minutes {
    pub lang: Lang,
    /// `OCOP`, `OVOP` (printed in the title), or empty.
    pub programme: String,
    /// The round as written (`2026-1`) and in words (`2026 · I`).
    pub round: String,
    pub round_words: String,
    /// The level's code and its name in the sheet's language.
    pub level: String,
    pub level_words: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub place: Option<String>,
    pub members: Vec<MinutesMember>,
    /// The quorum as counted; `None` when the council's roster was not recorded.
    pub quorum: Option<ovop_core::QuorumCheck>,
    pub products: Vec<MinutesProduct>,
    /// The PDF's date (RFC 3339): the latest of its records' finalisation, so the same records
    /// always give the same file.
    pub dated: String,
}

impl MinutesProduct {
    /// A product's row from its council's result: each member's total, the average and the
    /// divergence check as the engine gave them.
    pub fn of_council(
        product: String,
        producer: String,
        trace: Trace,
        council: &CouncilResult,
        verdict: Verdict,
        proposed_to: Option<String>,
    ) -> MinutesProduct {
        MinutesProduct {
            product,
            producer,
            trace,
            totals: council
                .members
                .iter()
                .map(|m| (m.member.clone(), m.result.total))
                .collect(),
            average: council.average,
            max_total: council.max_total,
            spread: council.divergence.spread,
            max_spread: council.divergence.max_allowed,
            exceeded: council.divergence.exceeded,
            verdict,
            proposed_to,
        }
    }
}
