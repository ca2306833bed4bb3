//! The one error shape of the application layer, and so of both front ends: a stable code the
//! UI translates and scripts match, an English message for logs and for codes a front end does
//! not know yet, and per-item details (one answer error per criterion, say).

use ovop_core::Code;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[error("{code}: {message}")]
pub struct AppError {
    pub code: String,
    pub message: String,
    /// Per-item details (one answer error per criterion, say).
    pub details: Vec<ErrorDetail>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
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

    /// The engine's refusals of a sheet's answers, one detail per criterion.
    pub fn answers(errors: Vec<ovop_core::AnswerError>) -> Self {
        let message = errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        AppError::with_details(Code::AnswersInvalid, message, errors)
    }

    /// `code`, with one detail per engine error (its code, its criterion, its message).
    fn with_details(code: Code, message: String, errors: Vec<ovop_core::AnswerError>) -> Self {
        AppError {
            code: code.as_str().into(),
            message,
            details: errors
                .into_iter()
                .map(|e| ErrorDetail {
                    code: e.code,
                    subject: e.criterion,
                    message: e.message,
                })
                .collect(),
        }
    }
}

/// The store stopped after an error (a poisoned lock, a worker thread that died).
pub fn unavailable() -> AppError {
    AppError::new(
        Code::StoreUnavailable.as_str(),
        "the store stopped after an error; restart the app",
    )
}

impl From<ovop_store::StoreError> for AppError {
    fn from(err: ovop_store::StoreError) -> Self {
        match err {
            // The engine's refusals keep their per-criterion codes.
            ovop_store::StoreError::Answers(errors) => AppError::answers(errors),
            // Asked first: each answer the change would clear, with the engine's reason.
            ovop_store::StoreError::WouldStop(ref errors) => {
                AppError::with_details(Code::AnswersWouldStop, err.to_string(), errors.clone())
            }
            err => AppError::new(err.code(), err.to_string()),
        }
    }
}

impl From<ovop_store::photos::PhotoError> for AppError {
    fn from(err: ovop_store::photos::PhotoError) -> Self {
        AppError::new(err.code(), err.to_string())
    }
}

impl From<ovop_sync::SyncError> for AppError {
    fn from(err: ovop_sync::SyncError) -> Self {
        AppError::new(&err.code, err.message)
    }
}

impl From<ovop_sheets::SheetError> for AppError {
    fn from(err: ovop_sheets::SheetError) -> Self {
        AppError::new(err.code(), err.to_string())
    }
}
