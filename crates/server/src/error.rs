//! Every refusal is a status, a stable code, the field it is about and an English message (the
//! app and the dashboard translate by code). Storage failures are logged in full and shown as
//! `server.storage` with nothing of the database's own words.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use ovop_protocol::{Problem, PROTOCOL_VERSION, VERSION_HEADER};

use crate::db::DbError;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub problem: Problem,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.problem)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &str,
        field: Option<&str>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            problem: Problem::new(code, field, message),
        }
    }

    pub fn from_problem(status: StatusCode, problem: Problem) -> ApiError {
        ApiError { status, problem }
    }

    pub fn bad(code: &str, field: Option<&str>, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, field, message)
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, None, message)
    }

    pub fn forbidden(code: &str, field: Option<&str>, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, field, message)
    }

    pub fn conflict(code: &str, field: Option<&str>, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, code, field, message)
    }

    pub fn unauthorized(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, code, None, message)
    }

    pub fn startup(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server.startup",
            None,
            message,
        )
    }

    /// A file the server writes could not be written: a full disk says so (`server.disk_full`),
    /// anything else is internal, naming `what` was written.
    pub fn writing(e: &std::io::Error, what: &str) -> ApiError {
        if e.kind() == std::io::ErrorKind::StorageFull {
            ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "server.disk_full",
                None,
                "the server's disk is full",
            )
        } else {
            ApiError::internal(format!("{what}: {e}"))
        }
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        let message = message.into();
        tracing::error!(%message, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server.internal",
            None,
            "the server failed; the request can be retried",
        )
    }

    pub fn storage(e: DbError) -> ApiError {
        tracing::error!(error = %e, "storage error");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "server.storage",
            None,
            "the server's database failed; the request can be retried",
        )
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> ApiError {
        ApiError::storage(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(&self.problem)).into_response();
        response
            .headers_mut()
            .insert(VERSION_HEADER, HeaderValue::from(PROTOCOL_VERSION));
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
