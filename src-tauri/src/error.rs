//! The one error shape that reaches the UI is the application layer's.

pub use ovop_app::{AppError, ErrorDetail};
