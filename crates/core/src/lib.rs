//! ovop-core: the domain of OVOP Field — criteria sets (rubrics) as data, their validation,
//! and the rubric engine that turns answers into totals and star classes.
//!
//! Pure: no files, no network, no clock, no async. Callers pass bytes and time in. Every other
//! crate (the store, the sheets, the server, the app) depends on this one, never the reverse.

pub mod answers;
pub mod catalog;
pub mod change;
pub mod coaching;
pub mod codes;
pub mod council;
pub mod criteria;
pub mod files;
pub mod in_force;
pub mod load;
pub mod programme;
pub mod regions;
pub mod rubric;
#[cfg(feature = "spreadsheet")]
pub mod spreadsheet;
pub mod tabular;
pub mod text;
pub mod validate;
pub mod validity;
pub mod verdict;
pub mod zone;

pub use answers::{parse_answers, Answer, Answers};
pub use catalog::{Catalog, CatalogEntry, SetSummary};
pub use change::{DraftChange, Settled};
pub use codes::Code;
pub use council::CouncilResult;
pub use criteria::CriteriaSet;
pub use criteria::Quorum;
pub use in_force::{current_set, SetStanding};
pub use load::{canonical_hash, content_hash, parse_set, LoadError};
pub use programme::{AssessmentKind, ProgrammeRules, QuorumCheck, Round};
pub use rubric::{AnswerError, Rubric, ScoreResult};
pub use validate::{validate, Finding, Severity};
pub use validity::Certification;
pub use verdict::{Pending, Sitting, Standing, Verdict};
