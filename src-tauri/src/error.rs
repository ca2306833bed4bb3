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
        AppError { code: code.into(), message: message.into(), details: Vec::new() }
    }
}
