//! Moving the officer's data to another folder (a bigger disk, a drive that stays with the
//! laptop): a consistent copy of the database and of everything beside it, photos and
//! backups, written so that an interrupted copy is never taken for a complete one.

use std::io::Write;
use std::path::Path;

use crate::{beside, Result, Store, StoreError};

/// What a copy wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    /// Files copied beside the database (photos, thumbnails, backups), the database not counted.
    pub files: u64,
    /// Their bytes, and the database's.
    pub bytes: u64,
}

/// The folders kept beside a database `<db>`: its photos and its backups.
const BESIDE: [&str; 2] = [".files", ".backups"];

fn io(what: &str, path: &Path, err: std::io::Error) -> StoreError {
    if err.kind() == std::io::ErrorKind::StorageFull {
        return StoreError::DiskFull;
    }
    StoreError::Io(format!("cannot {what} {}: {err}", path.display()))
}

impl Store {
    /// Copies the whole of the officer's data to `target`, a database path in another folder:
    /// the photos and the backups first, then a consistent copy of the database, renamed into
    /// place last, so a folder that has the database has everything. A target that already
    /// holds a database is refused and left alone. The copy is checked before this returns;
    /// this store is not changed.
    pub fn copy_to(&self, target: &Path) -> Result<Copied> {
        if target.exists() {
            return Err(StoreError::Exists(target.display().to_string()));
        }
        let mut copied = Copied::default();
        for suffix in BESIDE {
            let from = beside(self.path(), suffix);
            if from.is_dir() {
                let (files, bytes) = copy_tree(&from, &beside(target, suffix))?;
                copied.files += files;
                copied.bytes += bytes;
            }
        }
        self.backup_to(target)?;
        let problems = Store::open(target)?.check()?;
        if !problems.is_empty() {
            return Err(StoreError::Corrupt(format!(
                "the copy at {} does not check: {}",
                target.display(),
                problems.join("; ")
            )));
        }
        copied.bytes += std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
        Ok(copied)
    }
}

/// Copies every file under `from` to the same place under `to`, each through a temporary file
/// that is synced and renamed, so a file present in `to` is complete. A file already there
/// with the same size is kept (a copy cut short resumes instead of starting over). Returns the
/// files and bytes copied.
pub fn copy_tree(from: &Path, to: &Path) -> Result<(u64, u64)> {
    let (mut files, mut bytes) = (0, 0);
    let mut stack = vec![(from.to_path_buf(), to.to_path_buf())];
    while let Some((src, dst)) = stack.pop() {
        std::fs::create_dir_all(&dst).map_err(|e| io("create", &dst, e))?;
        // What an earlier, interrupted copy left half-written.
        for stale in std::fs::read_dir(&dst)
            .map_err(|e| io("read", &dst, e))?
            .flatten()
        {
            if stale.file_name().to_string_lossy().ends_with(".partial") {
                let _ = std::fs::remove_file(stale.path());
            }
        }
        for entry in std::fs::read_dir(&src).map_err(|e| io("read", &src, e))? {
            let entry = entry.map_err(|e| io("read", &src, e))?;
            let kind = entry
                .file_type()
                .map_err(|e| io("read", &entry.path(), e))?;
            let target = dst.join(entry.file_name());
            if kind.is_dir() {
                stack.push((entry.path(), target));
                continue;
            }
            if !kind.is_file() || entry.file_name().to_string_lossy().ends_with(".partial") {
                continue;
            }
            let len = entry
                .metadata()
                .map_err(|e| io("read", &entry.path(), e))?
                .len();
            if std::fs::metadata(&target).is_ok_and(|m| m.len() == len) {
                continue;
            }
            copy_file(&entry.path(), &target)?;
            files += 1;
            bytes += len;
        }
    }
    Ok((files, bytes))
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    let partial = beside(to, ".partial");
    let result = (|| {
        let mut input = std::fs::File::open(from).map_err(|e| io("read", from, e))?;
        let mut output = std::fs::File::create(&partial).map_err(|e| io("write", &partial, e))?;
        std::io::copy(&mut input, &mut output).map_err(|e| io("write", &partial, e))?;
        output.flush().map_err(|e| io("write", &partial, e))?;
        output.sync_all().map_err(|e| io("write", &partial, e))?;
        std::fs::rename(&partial, to).map_err(|e| io("write", to, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}
