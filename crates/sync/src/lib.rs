//! ovop-sync: the sync engine (DESIGN.md §4). It plans the batches a push sends, decides how
//! long to wait before trying again and what each answer of the server means (pure, time and
//! randomness passed in), talks to the server ([`Client`]), and runs one whole sync against
//! the laptop's side ([`Local`]; the store implements it with the `store` feature).

pub mod backoff;
pub mod client;
pub mod engine;
mod error;
#[cfg(feature = "store")]
pub mod local_store;
pub mod plan;
pub mod qr;
pub mod token;

pub use backoff::{after, Backoff, Next};
pub use client::{Client, Credentials, Enrolled, Network};
pub use engine::{sync_once, Local, Phase, Progress, Pulled, Report, Settle};
pub use error::SyncError;
pub use plan::{plan, Pending, Plan};
