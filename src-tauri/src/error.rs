//! The one error shape that reaches the UI: a stable code the UI translates, and an English
//! message for logs and for codes the UI does not know yet.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[error("{code}: {message}")]
pub struct AppError {
    pub code: String,
    pub message: String,
    /// Per-item details (one answer error per criterion, say).
    pub details: Vec<ErrorDetail>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ErrorDetail {
    pub code: String,
    pub subject: Option<String>,
    pub message: String,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError {
            code: code.into(),
            message: message.into(),
            details: Vec::new(),
        }
    }
}

impl From<ovop_store::StoreError> for AppError {
    fn from(err: ovop_store::StoreError) -> Self {
        AppError::new(err.code(), err.to_string())
    }
}

impl From<ovop_store::photos::PhotoError> for AppError {
    fn from(err: ovop_store::photos::PhotoError) -> Self {
        AppError::new(err.code(), err.to_string())
    }
}
