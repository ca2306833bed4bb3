//! The data folder: where it is (the app's own, or the one the officer moved the data to), what
//! it holds, its backups, and the checks before the data moves.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::AppError;
use ovop_core::Code;

/// In the app's own data folder, the folder the officer moved the data to.
pub const POINTER: &str = "data-folder.txt";

/// The database's file name in a data folder.
pub const DATABASE: &str = "ovop.sqlite";

/// The app's identifier in tauri.conf.json: the app and the CLI share one data folder.
pub const APP_IDENTIFIER: &str = "org.ovopfield.app";

/// The app's own data folder, for the window and the CLI alike: `~/.local/share/org.ovopfield.app`
/// on Linux, `%LOCALAPPDATA%\org.ovopfield.app` on Windows. The local application data, not
/// the roaming one: a database and its photos must not travel with a domain profile.
pub fn default_home() -> Option<PathBuf> {
    dirs::data_local_dir().map(|d| d.join(APP_IDENTIFIER))
}

/// The data folder: the app's own, or the one the officer moved the data to. A moved folder
/// that is gone (a drive not plugged in) is an error, not a new empty database.
pub fn data_dir_in(home: &Path) -> Result<PathBuf, AppError> {
    let named = match std::fs::read_to_string(home.join(POINTER)) {
        Ok(text) if !text.trim().is_empty() => PathBuf::from(text.trim()),
        _ => return Ok(home.to_path_buf()),
    };
    if named.join(DATABASE).is_file() {
        Ok(named)
    } else {
        Err(AppError::new(
            Code::DataFolderMissing.as_str(),
            format!(
                "the data folder {} cannot be found; connect the drive it is on and start the app again",
                named.display()
            ),
        ))
    }
}

/// Where the officer's data lives and how big it is.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct DataInfo {
    pub database: String,
    pub photos: String,
    pub backups: String,
    pub size_bytes: f64,
    pub schema_version: u32,
}

/// One backup beside the database (`<db>.backups/<name>.sqlite`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct BackupInfo {
    pub name: String,
    pub path: String,
    pub size_bytes: f64,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// What moving the data did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Moved {
    /// The folder the data is in now.
    pub folder: String,
    /// The folder that still holds the previous copy (its database renamed `ovop.sqlite.moved`),
    /// for the officer to delete once the new one is checked.
    pub left: String,
    /// Files copied beside the database, and all the bytes copied.
    pub files: f64,
    pub bytes: f64,
}

pub(crate) fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

fn size_of(path: &Path) -> f64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(sibling(path, s)).ok())
        .map(|m| m.len() as f64)
        .sum()
}

/// The database's files and size.
pub fn info(store: &ovop_store::Store) -> Result<DataInfo, AppError> {
    let db = store.path().to_path_buf();
    Ok(DataInfo {
        database: db.display().to_string(),
        photos: sibling(&db, ".files").display().to_string(),
        backups: sibling(&db, ".backups").display().to_string(),
        size_bytes: size_of(&db),
        schema_version: store.schema_version()? as u32,
    })
}

/// The backups beside the database, newest first.
pub fn backups_in(db: &Path) -> Vec<BackupInfo> {
    let Ok(entries) = std::fs::read_dir(sibling(db, ".backups")) else {
        return Vec::new();
    };
    let mut list: Vec<BackupInfo> = entries
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "sqlite"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            let modified = time::OffsetDateTime::from(meta.modified().ok()?);
            Some(BackupInfo {
                name: e.path().file_stem()?.to_string_lossy().into_owned(),
                path: e.path().display().to_string(),
                size_bytes: meta.len() as f64,
                created_at: modified
                    .format(&time::format_description::well_known::Rfc3339)
                    .ok()?,
            })
        })
        .collect();
    list.sort_by(|a, b| b.created_at.cmp(&a.created_at));
    list
}

/// A consistent copy of the database now, named after the time.
pub fn backup_now(store: &ovop_store::Store) -> Result<BackupInfo, AppError> {
    let stamp = ovop_store::now_utc().replace([':', '-'], "");
    let name = format!("manual-{stamp}");
    let target = store.backup_path(&name);
    store.backup_to(&target)?;
    backups_in(store.path())
        .into_iter()
        .find(|b| b.name == name)
        .ok_or_else(|| AppError::new(Code::StoreIo.as_str(), "the backup was not written"))
}

/// A whole backup (database, photos, imported criteria sets) written as one file into the
/// folder `dir` the officer picked, e.g. a USB drive: a full path to an existing folder.
pub fn write_archive(
    store: &ovop_store::Store,
    dir: &Path,
    now: &str,
) -> Result<ovop_store::archive::Written, AppError> {
    absolute(dir)?;
    Ok(store.write_archive(dir, now)?)
}

/// What a restore from a whole backup would bring and what it would replace: the backup
/// checked whole, beside what the laptop holds now (none when its database cannot be opened).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct RestorePreview {
    pub backup: ovop_store::archive::Checked,
    pub current: Option<ovop_store::archive::Contents>,
}

/// A path the officer gave is a full one (a relative one would depend on where the app was
/// started from).
pub(crate) fn absolute(path: &Path) -> Result<(), AppError> {
    if !path.is_absolute() {
        return Err(AppError::new(
            Code::DataNotAbsolute.as_str(),
            format!("{} is not a full path", path.display()),
        ));
    }
    Ok(())
}

/// A backup's name as the officer picked it from the list: never a path.
pub fn check_backup_name(name: &str) -> Result<(), AppError> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(AppError::new(
            Code::BackupNotFound.as_str(),
            format!("no backup is called {name:?}"),
        ));
    }
    Ok(())
}

/// Refuses a folder the data cannot move to: a relative path, the folder it is in, a folder
/// inside it, or one that already has a database.
pub(crate) fn check_target(target: &Path, current: &Path) -> Result<(), AppError> {
    if !target.is_absolute() {
        return Err(AppError::new(
            Code::DataNotAbsolute.as_str(),
            format!("{} is not a full folder path", target.display()),
        ));
    }
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (target_c, current_c) = (canonical(target), canonical(current));
    if target_c == current_c {
        return Err(AppError::new(
            Code::DataSameFolder.as_str(),
            format!("the data is already in {}", target.display()),
        ));
    }
    if target_c.starts_with(&current_c) {
        return Err(AppError::new(
            Code::DataInsideCurrent.as_str(),
            format!("{} is inside the current data folder", target.display()),
        ));
    }
    if target.join(DATABASE).exists() {
        return Err(AppError::new(
            Code::DataTargetHasData.as_str(),
            format!(
                "{} already has an OVOP Field database; choose an empty folder",
                target.display()
            ),
        ));
    }
    Ok(())
}

/// Writes (whole, through a temporary file and a rename) where the data is, in the app's own
/// folder; moving back to that folder removes the pointer.
pub(crate) fn point_to(home: &Path, folder: &Path) -> Result<(), AppError> {
    let pointer = home.join(POINTER);
    let write_error = |e: std::io::Error| {
        AppError::new(
            Code::DataCannotWrite.as_str(),
            format!("cannot write {}: {e}", pointer.display()),
        )
    };
    if std::fs::canonicalize(folder).ok() == std::fs::canonicalize(home).ok() {
        return match std::fs::remove_file(&pointer) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(write_error(e)),
            _ => Ok(()),
        };
    }
    std::fs::create_dir_all(home).map_err(write_error)?;
    ovop_store::write_whole(&pointer, folder.display().to_string().as_bytes()).map_err(write_error)
}

/// The whole file or nothing: written beside the target, synced, renamed over it. A full disk
/// is said in words.
pub fn write_file(path: &Path, bytes: &[u8], code: &str) -> Result<(), AppError> {
    ovop_store::write_whole(path, bytes).map_err(|e| write_error(path, &e, code))
}

/// What a failed whole-file write of `path` says: a full disk and a file another program holds
/// open (Windows) in words of their own, anything else under the caller's `code`.
pub fn write_error(path: &Path, e: &std::io::Error, code: &str) -> AppError {
    // ENOSPC on Linux, ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL on Windows.
    if e.kind() == std::io::ErrorKind::StorageFull {
        AppError::new(
            Code::StoreDiskFull.as_str(),
            format!("the disk is full; {} was not written", path.display()),
        )
    } else if e.kind() == std::io::ErrorKind::ResourceBusy {
        AppError::new(
            Code::StoreFileInUse.as_str(),
            format!(
                "{} is open in another program (a PDF viewer, Excel); close it there and save again; the file there is unchanged",
                path.display()
            ),
        )
    } else {
        AppError::new(code, format!("cannot write {}: {e}", path.display()))
    }
}
