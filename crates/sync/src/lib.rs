//! ovop-sync: the sync engine (DESIGN.md §4). It plans the batches a push sends, decides how
//! long to wait before trying again and what each answer of the server means (pure, time and
//! randomness passed in), talks to the server ([`Client`]), and runs one whole sync against
//! the laptop's side, seen through the [`Local`] trait (`ovop-app` implements it over the
//! store). It knows neither the store nor where the enrolment is kept.

pub mod backoff;
pub mod client;
pub mod engine;
mod error;
pub mod plan;

pub use backoff::{after, Backoff, Next};
pub use client::{Client, Credentials, Network, Piece};
pub use engine::{sync_once, Local, Phase, Progress, Pulled, Report, Settle};
pub use error::SyncError;
pub use ovop_protocol::Enrolled;
pub use plan::{plan, Pending, Plan};
