//! ovop-sheets: the printed sheets of OVOP Field, as PDF. Values and font bytes in, PDF bytes
//! out: no database, no files. A4 portrait, Noto Sans embedded and subset (real, extractable
//! text in Indonesian, English and Vietnamese), a QR code that names the record, "page n of m"
//! on every page, and the same bytes for the same record (the dates come from the record and
//! the file's identifier from its content).

mod batch;
mod canvas;
mod certificate;
mod fonts;
mod labels;
mod minutes;
pub mod model;
mod other;
mod recap;
mod sheet;
mod writer;

pub use batch::{Cover, Leading, Written};
pub use certificate::certificate;
pub use fonts::Fonts;
pub use minutes::{minutes, minutes_code};
pub use model::{
    Blank, Certificate, Council, Document, Filled, Lang, Minutes, MinutesMember, MinutesProduct,
    Person, PlanLine, Producer, Product, Trace, Visit,
};
use ovop_core::Code;
pub use recap::{recap, recap_code};

/// Why a sheet could not be made. Nothing is written half-way: a sheet is either whole bytes
/// or one of these.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    #[error("{0}")]
    Font(String),
    #[error("{0}")]
    Invalid(String),
    /// A sheet's values could not be read (from the laptop's store: its own code, e.g.
    /// `store.not_found`).
    #[error("{message}")]
    Record { code: String, message: String },
}

impl SheetError {
    /// A stable code for translations and scripts.
    pub fn code(&self) -> &str {
        match self {
            SheetError::Font(_) => Code::SheetFont.as_str(),
            SheetError::Invalid(_) => Code::SheetInvalid.as_str(),
            SheetError::Record { code, .. } => code,
        }
    }
}

/// The filled assessment sheet of one revision.
pub fn filled(sheet: &Filled, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    sheet::filled(sheet, fonts)
}

/// One page for the producer: what was assessed, the result, what to improve first, and who to
/// ask.
pub fn receipt(sheet: &Filled, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    other::receipt(sheet, fonts)
}

/// The council's sheet: each member's totals, the average, the divergence check and a signature
/// line per member. Refused with `sheet.invalid` when the assessment had no council.
pub fn council(sheet: &Filled, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    other::council(sheet, fonts)
}

/// Many filled sheets in one PDF, written to `out` as they come (memory does not grow with the
/// batch), with a cover and a table of contents in front.
pub fn batch<W: std::io::Write, I>(
    cover: &Cover,
    sheets: I,
    fonts: &Fonts,
    out: &mut W,
) -> Result<Written, SheetError>
where
    I: IntoIterator<Item = Result<Filled, SheetError>>,
{
    batch::batch(cover, sheets, fonts, out)
}

/// A blank sheet of a criteria set, with a box per level, for a visit on paper.
pub fn blank(sheet: &Blank, fonts: &Fonts) -> Result<Vec<u8>, SheetError> {
    sheet::blank(sheet, fonts)
}

/// The text of the QR code on a filled sheet: `OVOP:A:<id>:<revision>:<content hash>`.
pub fn trace_code(trace: &Trace) -> String {
    format!(
        "OVOP:A:{}:{}:{}",
        trace.assessment_id, trace.revision, trace.content_hash
    )
}

/// The text of the QR code on a blank sheet: `OVOP:S:<set id>:<version>:<set hash>`.
pub fn set_code(id: &str, version: &str, hash: &str) -> String {
    format!("OVOP:S:{id}:{version}:{hash}")
}

/// The title of a batch the office forwarded to the next level: "Diusulkan ke Provinsi ·
/// berkas 3", the level in `lang`'s words.
pub fn forwarded_title(lang: Lang, level_words: &str, batch: i64) -> String {
    labels::Labels::new(lang).fmt(
        "batch_forwarded",
        &[("level", level_words), ("n", &batch.to_string())],
    )
}

/// The line of a council's minutes in a batch's contents: its title, round, level and day.
pub fn minutes_heading(m: &Minutes) -> String {
    let title = labels::Labels::new(m.lang).get("minutes_title");
    format!(
        "{title} · {} · {} · {}",
        m.round_words, m.level_words, m.date
    )
}

/// A coaching plan's words in `lang`: a kind of support (`packaging`) or an owner
/// (`partner`), as the receipt prints them; the code itself when there are none.
pub fn coaching_word(lang: Lang, group: &str, code: &str) -> String {
    let key = format!("{group}_{code}");
    let label = labels::Labels::new(lang).get(&key);
    if label == key {
        code.to_string()
    } else {
        label
    }
}

/// A dossier document's name in `lang`: the ones the sheets list by their words, a gate's
/// proof by the gate's code, any other by its kind.
pub fn document_label(lang: Lang, kind: &str) -> String {
    let key = format!("doc_{kind}");
    let label = labels::Labels::new(lang).get(&key);
    if label == key {
        kind.to_string()
    } else {
        label
    }
}
