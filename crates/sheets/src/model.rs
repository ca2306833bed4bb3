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
