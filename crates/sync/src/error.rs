//! What can go wrong in a sync, each with a stable code the app translates and the CLI prints,
//! and whether trying again later can help.

use ovop_protocol::Code;
use ovop_protocol::Problem;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct SyncError {
    /// `sync.offline`, `sync.timeout`, `sync.not_the_server`, `sync.server_error`,
    /// `sync.bad_answer`, `sync.enrol_again`, `sync.local`, or the server's own code.
    pub code: String,
    pub message: String,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// The field the server named (`records[3]`).
    pub field: Option<String>,
}

impl SyncError {
    pub fn new(code: &str, message: impl Into<String>) -> SyncError {
        SyncError {
            code: code.into(),
            message: message.into(),
            status: None,
            field: None,
        }
    }

    pub fn from_problem(status: u16, problem: Problem) -> SyncError {
        SyncError {
            code: problem.code,
            message: problem.message,
            status: Some(status),
            field: problem.field,
        }
    }

    /// Trying again later can help: the network, the server's own trouble, a portal.
    pub fn is_retryable(&self) -> bool {
        matches!(
            Code::parse(&self.code),
            Some(
                Code::SyncOffline
                    | Code::SyncTimeout
                    | Code::SyncNotTheServer
                    | Code::SyncServerError
                    | Code::SyncBadAnswer
                    | Code::SyncBusy
            )
        ) || matches!(self.status, Some(408 | 429 | 500..=599))
    }

    /// A problem on this laptop (the store), not on the way.
    pub fn local(err: impl std::fmt::Display) -> SyncError {
        SyncError::new(Code::SyncLocal.as_str(), err.to_string())
    }
}
