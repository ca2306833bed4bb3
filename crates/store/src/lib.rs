//! ovop-store: the officer's laptop database (SQLite through rusqlite): regions, producers,
//! products, assessments with their revisions, and the outbox the sync engine pushes.
//!
//! Rules: WAL mode, foreign keys on, every multi-step write in one transaction, migrations
//! embedded and append-only, a backup before every migration, and a newer database is never
//! opened by an older app. Depends on ovop-core for the criteria sets and the rubric engine;
//! nothing here knows about the network or the window.

pub mod archive;
pub mod assessments;
pub mod awards;
pub mod coaching;
mod council;
pub mod edits;
mod error;
pub mod fold;
pub mod installed;
pub mod photos;
pub mod pulled;
pub mod records;
pub mod regions;
pub mod relocate;
pub mod settings;
pub mod sync;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use error::{Result, StoreError};

/// Append-only: never edit an applied migration; add the next one.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_photos_and_dossier.sql"),
    include_str!("../migrations/0003_settings.sql"),
    include_str!("../migrations/0004_council.sql"),
    include_str!("../migrations/0005_sync.sql"),
    include_str!("../migrations/0006_verdict.sql"),
    include_str!("../migrations/0007_round_level_kind.sql"),
    include_str!("../migrations/0008_council_roster.sql"),
    include_str!("../migrations/0009_award.sql"),
    include_str!("../migrations/0010_coaching.sql"),
    include_str!("../migrations/0011_coaching_sync.sql"),
    include_str!("../migrations/0012_edits.sql"),
    include_str!("../migrations/0013_pulled.sql"),
    include_str!("../migrations/0014_regions_2025.sql"),
];

/// The migration after which a change to a producer or product travels as an edit.
const EDITS_TRAVEL: i64 = 12;
/// The migration that began to record what the server has (`on_server`).
const ON_SERVER_KEPT: i64 = 5;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Engines of the frozen criteria sets, by content hash: a set under a hash never changes,
    /// so an autosave neither parses nor validates its sheet's set again.
    rubrics: std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<ovop_core::Rubric>>>,
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up to date, after a
    /// backup beside it. A file that is not SQLite, or is newer than this app, is refused and
    /// left untouched.
    pub fn open(path: &Path) -> Result<Store> {
        // A restore cut between moving the old database aside and putting the backup in place.
        let incoming = restoring_path(path);
        if !path.exists() && incoming.exists() {
            std::fs::rename(&incoming, path).map_err(|e| {
                StoreError::Io(format!(
                    "cannot finish the restore of {}: {e}",
                    path.display()
                ))
            })?;
        }
        if path.exists() {
            check_header(path)?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        // Durability first: a committed assessment survives a power cut, not only a crash.
        // Statement journals (the undo of one statement inside a transaction, never read after
        // a crash) stay in memory: on disk, every insert that fires a trigger wrote its pages to
        // a temporary file (826,000 writes for Indonesia's regions).
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;
             PRAGMA temp_store = MEMORY;",
        )?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            rubrics: Default::default(),
        };
        store.migrate(MIGRATIONS)?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn migrate(&mut self, migrations: &[&str]) -> Result<()> {
        let latest = migrations.len() as i64;
        let found = self.schema_version()?;
        if found > latest {
            return Err(StoreError::NewerSchema {
                found,
                supported: latest,
            });
        }
        if found == latest {
            return Ok(());
        }
        if found > 0 {
            self.backup_to(&self.backup_path(&format!("before-schema-{}", found + 1)))?;
        }
        // Changes made before edits travelled are found on the old schema and queued with it.
        let changed = if (ON_SERVER_KEPT..EDITS_TRAVEL).contains(&found) && latest >= EDITS_TRAVEL {
            self.changed_since_sent()?
        } else {
            Vec::new()
        };
        let now = now_utc();
        // The write lock first: another connection to a new database (the first start's
        // region import, a second window, the command line) may be migrating it; what it
        // applied meanwhile is not applied again.
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        for (i, sql) in migrations.iter().enumerate().skip(found as usize) {
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as i64 + 1)?;
            if i as i64 + 1 == EDITS_TRAVEL {
                edits::queue_legacy_edits(&tx, &changed, &now)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// `<db>.backups/<name>.sqlite` beside the database.
    pub fn backup_path(&self, name: &str) -> PathBuf {
        backup_path_of(&self.path, name)
    }

    /// A consistent copy of the whole database, written to a temporary file and renamed, so
    /// a backup is either complete or absent.
    pub fn backup_to(&self, target: &Path) -> Result<()> {
        if let Some(dir) = target.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| StoreError::Io(format!("cannot create {}: {e}", dir.display())))?;
        }
        let partial = target.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let result = self
            .conn
            .execute("VACUUM INTO ?1", [partial.to_string_lossy()]);
        if let Err(err) = result {
            let _ = std::fs::remove_file(&partial);
            return Err(err.into());
        }
        std::fs::rename(&partial, target)
            .map_err(|e| StoreError::Io(format!("cannot write {}: {e}", target.display())))?;
        Ok(())
    }

    /// `PRAGMA integrity_check` and the foreign keys: an empty list means healthy.
    pub fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        for row in stmt.query_map([], |r| r.get::<_, String>(0))? {
            let line = row?;
            if line != "ok" {
                problems.push(line);
            }
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        for row in stmt.query_map([], |r| {
            Ok(format!(
                "foreign key: {} row {}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?
            ))
        })? {
            problems.push(row?);
        }
        Ok(problems)
    }

    pub(crate) fn conn(&mut self) -> &mut Connection {
        &mut self.conn
    }

    pub(crate) fn read(&self) -> &Connection {
        &self.conn
    }
}

/// Refuses a file that is not SQLite before SQLite is allowed to touch it.
fn check_header(path: &Path) -> Result<()> {
    use std::io::Read;
    let mut header = [0u8; 16];
    let mut file = std::fs::File::open(path)
        .map_err(|e| StoreError::CannotOpen(format!("{}: {e}", path.display())))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Ok(());
    }
    if file.read_exact(&mut header).is_err() || &header != SQLITE_HEADER {
        return Err(StoreError::NotADatabase(path.display().to_string()));
    }
    Ok(())
}

/// Replaces the database at `path` with the backup `from`, keeping the replaced file beside it
/// (`<db>.before-restore-<n>`) rather than deleting it. The backup is checked first.
pub fn restore(path: &Path, from: &Path) -> Result<PathBuf> {
    {
        check_header(from)?;
        let backup = Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let ok: String = backup.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(StoreError::Corrupt(format!(
                "the backup {} is damaged too: {ok}",
                from.display()
            )));
        }
    }
    // The backup is copied beside the database first and swapped in by renames: a crash
    // leaves either the old database or the restored one in place (`open` finishes a swap that
    // was cut between its two renames).
    let incoming = restoring_path(path);
    std::fs::copy(from, &incoming)
        .map_err(|e| StoreError::Io(format!("cannot copy {}: {e}", from.display())))?;
    // Opened for writing: Windows flushes only a handle that may write.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&incoming)
        .and_then(|f| f.sync_all())
        .map_err(|e| StoreError::Io(format!("cannot write {}: {e}", incoming.display())))?;
    let mut kept = path.to_path_buf();
    if path.exists() {
        let mut n = 1;
        loop {
            let mut name = path.as_os_str().to_os_string();
            name.push(format!(".before-restore-{n}"));
            kept = PathBuf::from(name);
            if !kept.exists() {
                break;
            }
            n += 1;
        }
        std::fs::rename(path, &kept)
            .map_err(|e| StoreError::Io(format!("cannot move {} aside: {e}", path.display())))?;
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_os_string();
            side.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(side));
        }
    }
    std::fs::rename(&incoming, path)
        .map_err(|e| StoreError::Io(format!("cannot put {} in place: {e}", path.display())))?;
    Ok(kept)
}

/// `<db><suffix>`: a file or folder kept beside the database (`.files`, `.backups`).
pub(crate) fn beside(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// `<db>.backups/<name>.sqlite`: the backup `name` of the database at `db` (opened or not).
pub fn backup_path_of(db: &Path, name: &str) -> PathBuf {
    beside(db, ".backups").join(format!("{name}.sqlite"))
}

/// `<db>.restoring`: a backup on its way into place.
fn restoring_path(path: &Path) -> PathBuf {
    beside(path, ".restoring")
}

/// The newest backup beside the database, if any.
pub fn latest_backup(path: &Path) -> Option<PathBuf> {
    let mut backups: Vec<(std::time::SystemTime, PathBuf)> =
        std::fs::read_dir(beside(path, ".backups"))
            .ok()?
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "sqlite"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
    backups.sort();
    backups.pop().map(|(_, p)| p)
}

/// Writes `bytes` to `path` whole or not at all: into `<path>.partial` beside it, synced, then
/// renamed over it; a failed write leaves no partial file. The caller names the error.
pub fn write_whole(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut partial = path.as_os_str().to_os_string();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let result = (|| {
        let mut file = std::fs::File::create(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        replace(&partial, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Renames the whole file `partial` over `target`. On Windows a file another program holds
/// open (a PDF viewer, Excel: opened without sharing its deletion) cannot be replaced, where
/// Linux replaces it: that refusal comes back as [`std::io::ErrorKind::ResourceBusy`], for the
/// caller to say in words; `target` is then as it was.
pub fn replace(partial: &Path, target: &Path) -> std::io::Result<()> {
    std::fs::rename(partial, target).map_err(|e| {
        // ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: the partial file
        // beside the target was just written, so the folder is writable and the target is held.
        if cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33)) {
            std::io::Error::new(std::io::ErrorKind::ResourceBusy, e)
        } else {
            e
        }
    })
}

/// The current time as RFC 3339 UTC, for callers to pass in (`OVOP_NOW` fixes it for scripts
/// and tests). The store's functions never read the clock themselves.
pub fn now_utc() -> String {
    if let Ok(fixed) = std::env::var("OVOP_NOW") {
        return fixed;
    }
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}

/// A new offline id (UUIDv7: sortable by creation time, unique without a server).
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_migration_is_preceded_by_a_backup_of_the_schema_before_it() {
        let dir = tempfile::tempdir().expect("temp");
        let path = dir.path().join("ovop.sqlite");
        let mut store = Store::open(&path).expect("open");
        store
            .conn
            .execute_batch("CREATE TABLE note (text TEXT); INSERT INTO note VALUES ('sebelum');")
            .expect("seed");
        let mut next = MIGRATIONS.to_vec();
        next.push("ALTER TABLE note ADD COLUMN author TEXT;");
        store.migrate(&next).expect("migrate");
        assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION + 1);
        let backup = latest_backup(&path).expect("a backup was made");
        assert!(
            backup.ends_with(format!("before-schema-{}.sqlite", SCHEMA_VERSION + 1)),
            "{}",
            backup.display()
        );
        let old = Connection::open(&backup).expect("backup opens");
        let version: i64 = old
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        let note: String = old
            .query_row("SELECT text FROM note", [], |r| r.get(0))
            .expect("note");
        assert_eq!((version, note.as_str()), (SCHEMA_VERSION, "sebelum"));
    }
}
