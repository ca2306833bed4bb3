//! Store errors: each has a stable code the UI translates and the CLI prints.

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the database was made by a newer version of OVOP Field (schema {found}, this app knows {supported}); update the app")]
    NewerSchema { found: i64, supported: i64 },
    #[error("{0} is not an OVOP Field database (it is not an SQLite file); nothing was changed")]
    NotADatabase(String),
    #[error("the database is damaged: {0}; restore the latest backup (`ovop db restore`)")]
    Corrupt(String),
    #[error("the disk is full; free some space and try again (nothing was saved half-way)")]
    DiskFull,
    #[error("the database cannot be written (read-only folder or file): {0}")]
    ReadOnly(String),
    #[error("the database cannot be opened: {0}")]
    CannotOpen(String),
    #[error("{what} {id} was not found")]
    NotFound { what: &'static str, id: String },
    #[error("{0}")]
    Invalid(String),
    #[error("the assessment {0} is final; correct it with a new revision")]
    Locked(String),
    #[error("the region data cannot be read: {0}")]
    RegionData(String),
    #[error("{0}")]
    Io(String),
    #[error("{0} already exists; nothing was written over it")]
    Exists(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl StoreError {
    /// A stable code for translations and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NewerSchema { .. } => "store.newer_schema",
            StoreError::NotADatabase(_) => "store.not_a_database",
            StoreError::Corrupt(_) => "store.corrupt",
            StoreError::DiskFull => "store.disk_full",
            StoreError::ReadOnly(_) => "store.read_only",
            StoreError::CannotOpen(_) => "store.cannot_open",
            StoreError::NotFound { .. } => "store.not_found",
            StoreError::Invalid(_) => "store.invalid",
            StoreError::Locked(_) => "store.locked",
            StoreError::RegionData(_) => "store.region_data",
            StoreError::Io(_) => "store.io",
            StoreError::Exists(_) => "store.exists",
            StoreError::Sqlite(_) => "store.sqlite",
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        match err.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(ErrorCode::NotADatabase) => StoreError::NotADatabase(err.to_string()),
            Some(ErrorCode::DatabaseCorrupt) => StoreError::Corrupt(err.to_string()),
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly(err.to_string()),
            Some(ErrorCode::CannotOpen) => StoreError::CannotOpen(err.to_string()),
            _ if err.to_string().contains("assessment is final") => {
                StoreError::Locked(err.to_string())
            }
            _ => StoreError::Sqlite(err),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;
