//! ovop-app: the application layer. What the desktop app and the command line both do lives
//! here once, and each front end calls it in one line: the data folder (and its move, backups
//! and restore), the views the screens show, the printed sheets read from the store, enrolment
//! with a district server, the store as the sync engine's local side, and the background sync.
//! One error type, [`AppError`], a stable code and a message, for both front ends.
//!
//! It joins the crates below it (`ovop-store`, `ovop-sync`, `ovop-sheets`, which do not know
//! each other) and knows nothing of a window: no Tauri here, and every call blocks or is a plain
//! future, for the front end to run where it likes.

pub mod certificates;
pub mod coaching;
pub mod criteria;
pub mod error;
pub mod folder;
pub mod sheets;
mod state;
pub mod sync;
pub mod views;

pub use error::{AppError, ErrorDetail};
pub use state::App;

impl From<AppError> for ovop_sheets::SheetError {
    fn from(err: AppError) -> Self {
        ovop_sheets::SheetError::Record {
            code: err.code,
            message: err.message,
        }
    }
}
