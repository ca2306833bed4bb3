//! Syncing with the district office: enrolment, the store as the sync engine's local side, and
//! the background task.

pub mod background;
pub mod bundle;
pub mod enrol;
pub mod pulled;
pub mod qr;
pub mod side;
pub mod token;

pub use background::{SyncProgress, SyncReport, SyncStatus, SyncTask};
pub use enrol::{enrol, EnrolWith};
pub use side::{LockedSide, StoreSide, OFFICE_ROUNDS};
pub use token::Enrolment;
