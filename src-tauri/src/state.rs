//! What the app holds while it runs: the criteria catalogue and the local store.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use ovop_core::catalog::Catalog;
use ovop_store::Store;

use crate::error::AppError;

pub struct AppState {
    pub catalog: Catalog,
    /// The store, or why it could not be opened (a newer or damaged database): the app still
    /// starts and says so instead of showing a blank window.
    store: Arc<Mutex<Result<Store, AppError>>>,
    /// Set once the first-run region import is over; commands that need the store wait for it.
    ready: Arc<(Mutex<bool>, Condvar)>,
    /// The app's own data folder: the data lives there unless the officer moved it, and then
    /// `data-folder.txt` there names the folder it moved to.
    home: Option<PathBuf>,
}

/// In the app's own data folder, the folder the officer moved the data to.
pub const POINTER: &str = "data-folder.txt";

/// The database's file name in a data folder.
pub const DATABASE: &str = "ovop.sqlite";

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
            "data.folder_missing",
            format!(
                "the data folder {} cannot be found; connect the drive it is on and start the app again",
                named.display()
            ),
        ))
    }
}

impl AppState {
    /// The shipped criteria sets and those imported into `<data dir>/criteria/` with
    /// `ovop criteria import` (a file that cannot be read is listed as rejected, not fatal), and
    /// the store at `<data dir>/ovop.sqlite`. On a fresh install the regions are imported in
    /// the background; commands that need the store wait for it.
    ///
    /// `home` is the app's own data folder; when the officer moved the data, the folder it
    /// names is used instead.
    pub fn load(home: Option<&Path>) -> AppState {
        let data_dir = home.map(data_dir_in);
        let catalog = match &data_dir {
            Some(Ok(dir)) => ovop_store::installed::load_catalog(Some(dir)),
            _ => ovop_store::installed::load_catalog(home),
        };
        let store = match data_dir {
            Some(Ok(dir)) => std::fs::create_dir_all(&dir)
                .map_err(|e| {
                    AppError::new(
                        "store.cannot_open",
                        format!("cannot create {}: {e}", dir.display()),
                    )
                })
                .and_then(|()| Store::open(&dir.join(DATABASE)).map_err(AppError::from)),
            Some(Err(err)) => Err(err),
            None => Err(AppError::new(
                "store.cannot_open",
                "the app has no data folder",
            )),
        };
        let store = Arc::new(Mutex::new(store));
        let ready = Arc::new((Mutex::new(false), Condvar::new()));
        let (background, signal) = (Arc::clone(&store), Arc::clone(&ready));
        std::thread::spawn(move || {
            if let Ok(mut guard) = background.lock() {
                if let Ok(store) = guard.as_mut() {
                    if let Err(err) = store.ensure_regions() {
                        eprintln!("the regions could not be imported: {err}");
                    }
                }
            }
            let (flag, condvar) = &*signal;
            if let Ok(mut done) = flag.lock() {
                *done = true;
                condvar.notify_all();
            }
        });
        AppState {
            catalog,
            store,
            ready,
            home: home.map(Path::to_path_buf),
        }
    }

    /// Runs `work` on the store, on a blocking thread and not on the main thread (which draws
    /// the window): a first start's region import or a slow disk never freezes the window.
    /// Waits for the first-run import.
    pub async fn with_store<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, AppError> + Send + 'static,
    {
        let (store, ready) = (Arc::clone(&self.store), Arc::clone(&self.ready));
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = lock_store(&store, &ready)?;
            work(&mut guard)
        })
        .await
        .map_err(|_| unavailable())?
    }
}

/// The store and its first-run signal, shared with the background sync.
pub(crate) type SharedStore = (Arc<Mutex<Result<Store, AppError>>>, Arc<(Mutex<bool>, Condvar)>);

impl AppState {
    pub(crate) fn shared_store(&self) -> SharedStore {
        (Arc::clone(&self.store), Arc::clone(&self.ready))
    }

    /// Replaces the database with the backup `name` (beside it): the store is closed, the
    /// backup checked and swapped in, and the store opened again. When the backup is refused
    /// the database stays as it was and is opened again.
    pub async fn restore_backup(&self, name: String) -> Result<(), AppError> {
        let (store, ready) = (Arc::clone(&self.store), Arc::clone(&self.ready));
        tauri::async_runtime::spawn_blocking(move || {
            let mut slot = lock_store(&store, &ready)?;
            let path = slot.path().to_path_buf();
            let from = slot.backup_path(&name);
            if !from.is_file() {
                return Err(AppError::new(
                    "backup.not_found",
                    format!("no backup is called {name:?}"),
                ));
            }
            // Close the database (its WAL is folded in) before the files move.
            *slot.0 = Err(unavailable());
            let restored = ovop_store::restore(&path, &from).map_err(AppError::from);
            *slot.0 = Store::open(&path).map_err(AppError::from);
            restored?;
            if let Err(err) = slot.0.as_ref() {
                return Err(err.clone());
            }
            Ok(())
        })
        .await
        .map_err(|_| unavailable())?
    }
}

/// What moving the data did.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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

impl AppState {
    /// Moves the officer's data to `target` (an absolute folder with no database in it): the
    /// photos, backups, criteria sets and a checked copy of the database are written there,
    /// the app's own folder is told where the data now is, and the store is opened there.
    /// Until the last step the data stays where it was and in use; after it the old database
    /// is renamed, so a stale copy is never opened by mistake. Nothing is deleted.
    pub async fn move_data(&self, target: PathBuf) -> Result<Moved, AppError> {
        let home = self
            .home
            .clone()
            .ok_or_else(|| AppError::new("store.cannot_open", "the app has no data folder"))?;
        let (store, ready) = (Arc::clone(&self.store), Arc::clone(&self.ready));
        tauri::async_runtime::spawn_blocking(move || {
            let mut slot = lock_store(&store, &ready)?;
            let old_db = slot.path().to_path_buf();
            let old_dir = old_db.parent().map(Path::to_path_buf).unwrap_or_default();
            check_target(&target, &old_dir)?;
            std::fs::create_dir_all(&target).map_err(|e| {
                AppError::new(
                    "data.cannot_write",
                    format!("cannot create {}: {e}", target.display()),
                )
            })?;
            let new_db = target.join(DATABASE);
            let copied = slot.copy_to(&new_db)?;
            let switched = (|| {
                let criteria = old_dir.join("criteria");
                if criteria.is_dir() {
                    ovop_store::relocate::copy_tree(&criteria, &target.join("criteria"))?;
                }
                // The enrolment with the district server moves with the data (the user's
                // file mode travels with it).
                if let Some(enrolment) = ovop_sync::token::load(&old_dir).ok().flatten() {
                    ovop_sync::token::save(&target, &enrolment)?;
                }
                let opened = Store::open(&new_db)?;
                point_to(&home, &target)?;
                Ok::<_, AppError>(opened)
            })();
            let opened = match switched {
                Ok(opened) => opened,
                Err(err) => {
                    // The data stays where it was; the copy's database goes, so a second try
                    // is not refused as "a folder that has data".
                    for suffix in ["", "-wal", "-shm"] {
                        let mut file = new_db.clone().into_os_string();
                        file.push(suffix);
                        let _ = std::fs::remove_file(PathBuf::from(file));
                    }
                    return Err(err);
                }
            };
            // From here the data is the new folder's: close the old database, then rename it.
            *slot.0 = Ok(opened);
            let mut moved = old_db.clone().into_os_string();
            moved.push(".moved");
            let _ = std::fs::rename(&old_db, PathBuf::from(moved));
            Ok(Moved {
                folder: target.display().to_string(),
                left: old_dir.display().to_string(),
                files: copied.files as f64,
                bytes: copied.bytes as f64,
            })
        })
        .await
        .map_err(|_| unavailable())?
    }
}

/// Refuses a folder the data cannot move to: a relative path, the folder it is in, a folder
/// inside it, or one that already has a database.
fn check_target(target: &Path, current: &Path) -> Result<(), AppError> {
    if !target.is_absolute() {
        return Err(AppError::new(
            "data.not_absolute",
            format!("{} is not a full folder path", target.display()),
        ));
    }
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (target_c, current_c) = (canonical(target), canonical(current));
    if target_c == current_c {
        return Err(AppError::new(
            "data.same_folder",
            format!("the data is already in {}", target.display()),
        ));
    }
    if target_c.starts_with(&current_c) {
        return Err(AppError::new(
            "data.inside_current",
            format!("{} is inside the current data folder", target.display()),
        ));
    }
    if target.join(DATABASE).exists() {
        return Err(AppError::new(
            "data.target_has_data",
            format!(
                "{} already has an OVOP Field database; choose an empty folder",
                target.display()
            ),
        ));
    }
    Ok(())
}

/// Writes (whole, through a temporary file and a rename) where the data is, in the app's own folder;
/// moving back to that folder removes the pointer.
fn point_to(home: &Path, folder: &Path) -> Result<(), AppError> {
    let pointer = home.join(POINTER);
    let write_error = |e: std::io::Error| {
        AppError::new(
            "data.cannot_write",
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

fn unavailable() -> AppError {
    AppError::new(
        "store.unavailable",
        "the store stopped after an error; restart the app",
    )
}

/// The store, once the first-run import is over.
pub(crate) fn lock_store<'a>(
    store: &'a Mutex<Result<Store, AppError>>,
    ready: &(Mutex<bool>, Condvar),
) -> Result<StoreGuard<'a>, AppError> {
    let (flag, condvar) = ready;
    let done = flag.lock().map_err(|_| unavailable())?;
    let (done, _) = condvar
        .wait_timeout_while(done, Duration::from_secs(120), |done| !*done)
        .map_err(|_| unavailable())?;
    if !*done {
        return Err(AppError::new(
            "store.starting",
            "the region data is still being prepared; try again in a moment",
        ));
    }
    drop(done);
    let guard = store.lock().map_err(|_| unavailable())?;
    if let Err(err) = guard.as_ref() {
        return Err(err.clone());
    }
    Ok(StoreGuard(guard))
}

pub struct StoreGuard<'a>(MutexGuard<'a, Result<Store, AppError>>);

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        // `lock_store` hands out a guard only for an opened store.
        match self.0.as_ref() {
            Ok(store) => store,
            Err(_) => unreachable!("StoreGuard holds an open store"),
        }
    }
}

impl std::ops::DerefMut for StoreGuard<'_> {
    fn deref_mut(&mut self) -> &mut Store {
        match self.0.as_mut() {
            Ok(store) => store,
            Err(_) => unreachable!("StoreGuard holds an open store"),
        }
    }
}
