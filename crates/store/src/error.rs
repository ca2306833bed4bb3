//! Store errors: each has a stable code the UI translates and the CLI prints.

use ovop_core::Code;
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
    /// The engine refused a sheet's answers: each refusal names its criterion and code.
    #[error("{}", .0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("; "))]
    Answers(Vec<ovop_core::AnswerError>),
    /// The change stops the sheet and would clear these answers; asked first, nothing saved.
    #[error("the change stops the sheet and clears {} answer(s) after it: {}", .0.len(), .0.iter().filter_map(|e| e.criterion.as_deref()).collect::<Vec<_>>().join(", "))]
    WouldStop(Vec<ovop_core::AnswerError>),
    #[error("the assessment {0} is final; correct it with a new revision")]
    Locked(String),
    /// A colleague's assessment, pulled from the office: read-only here.
    #[error("the assessment {0}")]
    NotYours(String),
    #[error("the region data cannot be read: {0}")]
    RegionData(String),
    #[error("{code} has no successor in the table of 1 July 2025; choose the producer's commune by hand")]
    NoSuccessor { code: String },
    #[error("{code} is not a unit {old} went into")]
    NotSuccessor { code: String, old: String },
    #[error("{0}")]
    Countries(String),
    #[error("{0}")]
    Io(String),
    /// A council without its roster, or short of its quorum: the verdict is not final.
    #[error("{0}")]
    NoQuorum(String),
    #[error("{0} already exists; nothing was written over it")]
    Exists(String),
    #[error("{0}")]
    InUse(String),
    #[error("the backup is damaged: {0}; nothing was changed (use another copy of it)")]
    BackupDamaged(String),
    #[error("not an OVOP Field backup: {0}; nothing was changed")]
    NotABackup(String),
    #[error("the backup was made by a newer version of OVOP Field (format {0}); update the app")]
    NewerBackup(u32),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
}

impl StoreError {
    /// A stable code for translations and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::NewerSchema { .. } => Code::StoreNewerSchema.as_str(),
            StoreError::NotADatabase(_) => Code::StoreNotADatabase.as_str(),
            StoreError::Corrupt(_) => Code::StoreCorrupt.as_str(),
            StoreError::DiskFull => Code::StoreDiskFull.as_str(),
            StoreError::ReadOnly(_) => Code::StoreReadOnly.as_str(),
            StoreError::CannotOpen(_) => Code::StoreCannotOpen.as_str(),
            StoreError::NotFound { .. } => Code::StoreNotFound.as_str(),
            StoreError::Invalid(_) => Code::StoreInvalid.as_str(),
            StoreError::Answers(_) => Code::AnswersInvalid.as_str(),
            StoreError::WouldStop(_) => Code::AnswersWouldStop.as_str(),
            StoreError::Locked(_) => Code::StoreLocked.as_str(),
            StoreError::NotYours(_) => Code::StoreNotYours.as_str(),
            StoreError::RegionData(_) => Code::StoreRegionData.as_str(),
            StoreError::NoSuccessor { .. } => Code::RegionNoSuccessor.as_str(),
            StoreError::NotSuccessor { .. } => Code::RegionNotSuccessor.as_str(),
            StoreError::Countries(_) => Code::RegionCountries.as_str(),
            StoreError::Io(_) => Code::StoreIo.as_str(),
            StoreError::Exists(_) => Code::StoreExists.as_str(),
            StoreError::InUse(_) => Code::StoreInUse.as_str(),
            StoreError::NoQuorum(_) => Code::StoreNoQuorum.as_str(),
            StoreError::BackupDamaged(_) => Code::BackupDamaged.as_str(),
            StoreError::NotABackup(_) => Code::BackupNotABackup.as_str(),
            StoreError::NewerBackup(_) => Code::BackupNewer.as_str(),
            StoreError::Sqlite(_) => Code::StoreSqlite.as_str(),
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
