//! A whole backup in one file: the database, every photo and its thumbnail, and the criteria
//! sets imported from files, written to a folder the officer picks (a USB drive) and read back
//! on this laptop or another.
//!
//! The file is a tar archive. Its last entry is a manifest that names every other entry with
//! its size and SHA-256, so a copy cut short (the manifest missing), a damaged byte (a hash that
//! differs) or an entry that does not belong (a name outside the backup's own layout, never
//! written outside the folder it is restored to) is refused before anything is replaced. The
//! file is written beside its final name and renamed once complete and synced: a backup that
//! was interrupted while being written is never there under its name.
//!
//! A restore checks the whole file first, then adds the photos and criteria files the laptop
//! lacks (they are named by their content, so nothing present is overwritten), and only then
//! swaps the database, keeping the replaced one beside it (`<db>.before-restore-<n>`).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::photos::{hex, io};
use crate::{beside, Result, Store, StoreError};

/// The backup file's extension.
pub const EXTENSION: &str = "ovopbak";
const FORMAT: u32 = 1;
const MANIFEST: &str = "manifest.json";
const DATABASE: &str = "database.sqlite";
/// The most entries a backup may hold (every photo twice, with its thumbnail), so a hostile
/// file cannot make the check hold a list without end.
const MAX_ENTRIES: usize = 2_000_000;
/// A manifest larger than this is not one of ours.
const MAX_MANIFEST: u64 = 512 * 1024 * 1024;

/// What a database holds, as a backup or the laptop's data is described before a restore.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Contents {
    /// The database's schema version.
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub schema: i64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub producers: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub products: u64,
    /// Assessments (each counted once, whatever its revisions).
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub assessments: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub photos: u64,
    /// Records waiting in the outbox, not yet received by the office.
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub waiting: u64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    format: u32,
    created_at: String,
    contents: Contents,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    size: u64,
    sha256: String,
}

/// A backup written: where, how large, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Written {
    pub path: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub bytes: u64,
    pub contents: Contents,
}

/// A backup checked whole: when it was made and what its database holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Checked {
    pub path: String,
    pub created_at: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub bytes: u64,
    pub contents: Contents,
}

/// A restore done: what came in, and where the replaced database was kept (none when there
/// was none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Restored {
    pub contents: Contents,
    pub kept: Option<String>,
    /// Photo and criteria files added (those already on the laptop are left as they are).
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub files_added: u64,
}

fn damaged(why: impl std::fmt::Display) -> StoreError {
    StoreError::BackupDamaged(why.to_string())
}

/// Where the photos of the database at `db` live (`Store::files_dir` without a store).
fn files_of(db: &Path) -> PathBuf {
    beside(db, ".files")
}

/// Where the criteria sets imported from files live: the data folder the database is in.
fn criteria_of(db: &Path) -> PathBuf {
    crate::installed::criteria_dir(db.parent().unwrap_or(Path::new(".")))
}

/// What a database holds.
fn contents_of(conn: &Connection) -> Result<Contents> {
    let count = |sql: &str| -> Result<u64> {
        Ok(conn.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
    };
    Ok(Contents {
        schema: conn.pragma_query_value(None, "user_version", |r| r.get(0))?,
        producers: count("SELECT COUNT(*) FROM producer")?,
        products: count("SELECT COUNT(*) FROM product")?,
        assessments: count("SELECT COUNT(DISTINCT id) FROM assessment")?,
        photos: count("SELECT COUNT(*) FROM photo")?,
        waiting: count("SELECT COUNT(*) FROM outbox WHERE state IN ('waiting', 'sending')")?,
    })
}

/// Every file under `root`, with its name relative to it (`/`-separated), sorted.
fn files_under(root: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(e)),
        };
        for entry in entries {
            let entry = entry.map_err(io)?;
            let path = entry.path();
            let kind = entry.file_type().map_err(io)?;
            if kind.is_dir() {
                pending.push(path);
            } else if kind.is_file() {
                let name = entry.file_name().to_string_lossy().to_string();
                // Half-written files (a photo cut by a crash) are not part of the data.
                if name.ends_with(".partial") || name.ends_with(".tmp") {
                    continue;
                }
                let Ok(relative) = path.strip_prefix(root) else {
                    continue;
                };
                let relative = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect::<Vec<_>>()
                    .join("/");
                out.push((relative, path));
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The tar header of a file entry of `size` bytes, readable by its owner only.
fn entry_header(size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    header
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
    read: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

impl Store {
    /// What this database holds.
    pub fn contents(&self) -> Result<Contents> {
        contents_of(self.read())
    }

    /// Writes a whole backup into the folder `dir` (which must exist) as
    /// `ovop-backup-<day>-<time>.ovopbak`; `now` is RFC 3339. A name already taken is never
    /// written over. Either the complete, synced file is there under its name, or nothing is.
    pub fn write_archive(&self, dir: &Path, now: &str) -> Result<Written> {
        if !dir.is_dir() {
            return Err(StoreError::Io(format!(
                "{} is not a folder that can be written to",
                dir.display()
            )));
        }
        let stamp: String = now.chars().filter(char::is_ascii_digit).take(14).collect();
        let name = format!(
            "ovop-backup-{}-{}.{EXTENSION}",
            stamp.get(..8).unwrap_or("0"),
            stamp.get(8..).unwrap_or("0")
        );
        let target = dir.join(&name);
        if target.exists() {
            return Err(StoreError::Exists(target.display().to_string()));
        }
        let partial = dir.join(format!(".{name}.partial"));
        let snapshot = beside(self.path(), ".archive-snapshot");
        let written = (|| {
            // A consistent copy of the database first: photos are written before the rows
            // that name them, so every photo the copy names is on disk by now.
            self.backup_to(&snapshot)?;
            let contents = {
                let conn =
                    Connection::open_with_flags(&snapshot, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
                contents_of(&conn)?
            };
            let mut sources = vec![(DATABASE.to_string(), snapshot.clone())];
            for (relative, path) in files_under(&self.files_dir())? {
                sources.push((format!("files/{relative}"), path));
            }
            for (relative, path) in files_under(&criteria_of(self.path()))? {
                sources.push((format!("criteria/{relative}"), path));
            }
            // Only what a restore takes back (no stray or hidden file of those folders).
            sources.retain(|(name, _)| place(Path::new(""), name).is_some());
            let file = std::fs::File::create(&partial).map_err(io)?;
            let mut tar = tar::Builder::new(std::io::BufWriter::with_capacity(1 << 20, file));
            let mut entries = Vec::with_capacity(sources.len());
            for (name, path) in sources {
                let source = match std::fs::File::open(&path) {
                    Ok(f) => f,
                    // A photo removed while the backup is written is not the backup's.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(io(e)),
                };
                let size = source.metadata().map_err(io)?.len();
                let mut header = entry_header(size);
                let mut reader = Hashing {
                    inner: source.take(size),
                    hash: Sha256::new(),
                    read: 0,
                };
                tar.append_data(&mut header, &name, &mut reader)
                    .map_err(io)?;
                if reader.read != size {
                    return Err(StoreError::Io(format!(
                        "{} changed while it was copied",
                        path.display()
                    )));
                }
                entries.push(Entry {
                    name,
                    size,
                    sha256: hex(&reader.hash.finalize()),
                });
            }
            let manifest = Manifest {
                format: FORMAT,
                created_at: now.to_string(),
                contents: contents.clone(),
                entries,
            };
            let bytes = serde_json::to_vec(&manifest).map_err(|e| StoreError::Io(e.to_string()))?;
            let mut header = entry_header(bytes.len() as u64);
            tar.append_data(&mut header, MANIFEST, bytes.as_slice())
                .map_err(io)?;
            let mut out = tar.into_inner().map_err(io)?;
            out.flush().map_err(io)?;
            let file = out.into_inner().map_err(|e| io(e.into_error()))?;
            file.sync_all().map_err(io)?;
            let bytes = file.metadata().map_err(io)?.len();
            drop(file);
            std::fs::rename(&partial, &target).map_err(io)?;
            if let Ok(folder) = std::fs::File::open(dir) {
                let _ = folder.sync_all();
            }
            Ok(Written {
                path: target.display().to_string(),
                bytes,
                contents,
            })
        })();
        let _ = std::fs::remove_file(&snapshot);
        if written.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        written
    }
}

/// Where an entry of a backup goes under `root`, when its name is one a backup writes:
/// `database.sqlite`, `files/<xx>/<name>` or `criteria/<name>`, plain names only (no `..`,
/// no absolute path, no hidden file).
fn place(root: &Path, name: &str) -> Option<PathBuf> {
    if name == DATABASE {
        return Some(root.join(DATABASE));
    }
    let parts: Vec<&str> = name.split('/').collect();
    let plain = |p: &str| {
        !p.is_empty()
            && p.len() <= 200
            && !p.starts_with('.')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    // A criteria set's file keeps the name it was imported under, within what every system
    // accepts as a file name.
    let named = |p: &str| {
        !p.is_empty()
            && p.len() <= 200
            && !p.starts_with('.')
            && !p.chars().any(|c| {
                c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            })
    };
    match parts.as_slice() {
        ["files", dir, file] if dir.len() == 2 && plain(dir) && plain(file) => {
            Some(root.join("files").join(dir).join(file))
        }
        ["criteria", file] if named(file) => Some(root.join("criteria").join(file)),
        _ => None,
    }
}

/// Reads the backup `file` whole and checks it against its manifest. The database goes to
/// `<staging>/database.sqlite`; the other entries too when `keep_files`, else they are only
/// hashed. On any refusal `staging` is removed.
fn unpack(file: &Path, staging: &Path, keep_files: bool) -> Result<Manifest> {
    let _ = std::fs::remove_dir_all(staging);
    std::fs::create_dir_all(staging).map_err(io)?;
    let done = (|| {
        let source = std::fs::File::open(file).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => StoreError::NotFound {
                what: "backup",
                id: file.display().to_string(),
            },
            _ => io(e),
        })?;
        let mut archive = tar::Archive::new(std::io::BufReader::with_capacity(1 << 20, source));
        let mut seen: Vec<Entry> = Vec::new();
        let mut manifest: Option<Manifest> = None;
        let entries = archive
            .entries()
            .map_err(|e| StoreError::NotABackup(format!("{}: {e}", file.display())))?;
        let foreign =
            || StoreError::NotABackup(format!("{} is not an OVOP Field backup", file.display()));
        for entry in entries {
            // A backup begins with its database: a file that does not is someone else's.
            let mut entry = match entry {
                Ok(entry) => entry,
                Err(_) if seen.is_empty() => return Err(foreign()),
                Err(_) => return Err(damaged("it ends inside an entry")),
            };
            if manifest.is_some() {
                return Err(damaged("entries follow its manifest"));
            }
            if seen.len() >= MAX_ENTRIES {
                return Err(damaged("it has more entries than a backup holds"));
            }
            let name = entry
                .path()
                .map_err(|e| damaged(e.to_string()))?
                .to_string_lossy()
                .to_string();
            let size = entry.size();
            if seen.is_empty() && name != DATABASE {
                return Err(foreign());
            }
            if name == MANIFEST {
                if size > MAX_MANIFEST {
                    return Err(damaged("its manifest is too large"));
                }
                let mut bytes = Vec::with_capacity(size as usize);
                entry
                    .read_to_end(&mut bytes)
                    .map_err(|e| damaged(format!("its manifest is cut short ({e})")))?;
                let read: Manifest = serde_json::from_slice(&bytes)
                    .map_err(|e| StoreError::NotABackup(format!("its manifest is not one: {e}")))?;
                manifest = Some(read);
                continue;
            }
            let Some(target) = place(staging, &name) else {
                return Err(StoreError::NotABackup(format!(
                    "it holds {name:?}, which a backup does not"
                )));
            };
            let mut reader = Hashing {
                inner: &mut entry,
                hash: Sha256::new(),
                read: 0,
            };
            if name == DATABASE || keep_files {
                if let Some(dir) = target.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                let mut out = std::fs::File::create(&target).map_err(io)?;
                std::io::copy(&mut reader, &mut out).map_err(|e| {
                    if e.kind() == std::io::ErrorKind::StorageFull {
                        StoreError::DiskFull
                    } else {
                        damaged(format!("{name} is cut short ({e})"))
                    }
                })?;
                out.sync_all().map_err(io)?;
            } else {
                std::io::copy(&mut reader, &mut std::io::sink())
                    .map_err(|e| damaged(format!("{name} is cut short ({e})")))?;
            }
            if reader.read != size {
                return Err(damaged(format!("{name} is cut short")));
            }
            seen.push(Entry {
                name,
                size,
                sha256: hex(&reader.hash.finalize()),
            });
        }
        let Some(manifest) = manifest else {
            return Err(if seen.is_empty() {
                foreign()
            } else {
                damaged("it was cut short: its manifest, written last, is missing")
            });
        };
        if manifest.format > FORMAT {
            return Err(StoreError::NewerBackup(manifest.format));
        }
        if manifest.entries.len() != seen.len() {
            return Err(damaged(format!(
                "it holds {} entries where its manifest names {}",
                seen.len(),
                manifest.entries.len()
            )));
        }
        for (want, got) in manifest.entries.iter().zip(&seen) {
            if want != got {
                return Err(damaged(format!(
                    "{} differs from what was written",
                    got.name
                )));
            }
        }
        if !seen.iter().any(|e| e.name == DATABASE) {
            return Err(damaged("it holds no database"));
        }
        Ok(manifest)
    })();
    if done.is_err() {
        let _ = std::fs::remove_dir_all(staging);
    }
    done
}

/// The staged database checked: SQLite, whole, not newer than this app; what it holds.
fn check_database(db: &Path) -> Result<Contents> {
    crate::check_header(db).map_err(|_| damaged("its database is not an SQLite file"))?;
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| damaged(format!("its database cannot be read ({e})")))?;
    if ok != "ok" {
        return Err(damaged(format!("its database is damaged ({ok})")));
    }
    let schema: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let supported = crate::MIGRATIONS.len() as i64;
    if schema > supported {
        return Err(StoreError::NewerSchema {
            found: schema,
            supported,
        });
    }
    contents_of(&conn).map_err(|e| damaged(format!("its database is not OVOP Field's ({e})")))
}

/// Checks the backup `file` whole (every entry against its manifest, the database's
/// integrity) without changing anything, using a scratch folder beside the database at `db`.
pub fn inspect_archive(db: &Path, file: &Path) -> Result<Checked> {
    let scratch = beside(db, ".backup-check");
    let manifest = unpack(file, &scratch, false)?;
    let contents = check_database(&scratch.join(DATABASE));
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(Checked {
        path: file.display().to_string(),
        created_at: manifest.created_at,
        bytes: std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
        contents: contents?,
    })
}

/// Restores the backup `file` as the database at `db` (which must not be open): the file is
/// checked whole first; then the photos and criteria files the laptop lacks are added, and the
/// database is swapped in, the replaced one kept beside it. A refused backup changes nothing.
pub fn restore_archive(db: &Path, file: &Path) -> Result<Restored> {
    let staging = beside(db, ".restore-staging");
    let done = (|| {
        unpack(file, &staging, true)?;
        let contents = check_database(&staging.join(DATABASE))?;
        let mut files_added = 0u64;
        for (from_root, to_root) in [
            (staging.join("files"), files_of(db)),
            (staging.join("criteria"), criteria_of(db)),
        ] {
            for (relative, from) in files_under(&from_root)? {
                let to = to_root.join(&relative);
                if to.exists() {
                    continue;
                }
                if let Some(dir) = to.parent() {
                    std::fs::create_dir_all(dir).map_err(io)?;
                }
                std::fs::rename(&from, &to).map_err(io)?;
                files_added += 1;
            }
        }
        let existed = db.exists();
        let kept = crate::restore(db, &staging.join(DATABASE))?;
        Ok(Restored {
            contents,
            kept: existed.then(|| kept.display().to_string()),
            files_added,
        })
    })();
    let _ = std::fs::remove_dir_all(&staging);
    done
}
