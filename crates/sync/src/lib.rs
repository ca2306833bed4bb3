//! ovop-sync: the sync engine (DESIGN.md §4). This first part is pure: it plans the batches a
//! push sends, decides how long to wait before trying again, and says what each answer of the
//! server means for the records in the outbox. Time and randomness are passed in.

pub mod backoff;
pub mod plan;

pub use backoff::{after, Backoff, Next};
pub use plan::{plan, Pending, Plan};
