//! What the app holds while it runs: the criteria catalogue and the local store, shared by the
//! front end's commands and the background sync. Every call here blocks; a front end with a
//! window runs them off its drawing thread.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::Duration;

use ovop_core::catalog::Catalog;
use ovop_store::Store;

use crate::error::unavailable;
use crate::folder::{self, Moved, DATABASE};
use crate::AppError;
use ovop_core::Code;

/// The application: cheap to clone, every clone the same store.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    /// Replaced whole when a set is imported or a sync installs one; a caller holds the one it
    /// took for as long as it needs it.
    catalog: RwLock<Arc<Catalog>>,
    /// The store, or why it could not be opened (a newer or damaged database): the app still
    /// starts and says so instead of showing a blank window.
    store: Mutex<Result<Store, AppError>>,
    /// Set once the store is open and the criteria sets are read (off the window's thread, so
    /// the window draws meanwhile); every call waits for it.
    opened: (Mutex<bool>, Condvar),
    /// Set once the first-run region import is over; calls that need the store wait for it,
    /// except the reads that do not touch the regions ([`App::read_now`]).
    ready: (Mutex<bool>, Condvar),
    /// The app's own data folder: the data lives there unless the officer moved it, and then
    /// `data-folder.txt` there names the folder it moved to.
    home: Option<PathBuf>,
}

impl App {
    /// The shipped criteria sets and those imported into `<data dir>/criteria/` (a file that
    /// cannot be read is listed as rejected, not fatal), and the store at
    /// `<data dir>/ovop.sqlite`. On a fresh install the regions are imported in the background,
    /// on a connection of the import's own (in one transaction, as always): calls that need
    /// the store wait for it, the home screen's reads ([`App::read_now`]) do not. Returns at
    /// once: the store is opened and the sets are read on a thread of their own (a start's
    /// window does not wait for them), and every call waits until they are.
    ///
    /// `home` is the app's own data folder; when the officer moved the data, the folder it
    /// names is used instead.
    pub fn load(home: Option<&Path>) -> App {
        let app = App {
            inner: Arc::new(Inner {
                catalog: RwLock::new(Arc::new(Catalog::default())),
                store: Mutex::new(Err(unavailable())),
                opened: (Mutex::new(false), Condvar::new()),
                ready: (Mutex::new(false), Condvar::new()),
                home: home.map(Path::to_path_buf),
            }),
        };
        let background = app.clone();
        std::thread::spawn(move || {
            let inner = &background.inner;
            let home = inner.home.as_deref();
            let catalog = load_criteria(home);
            let store = open_store(home);
            let database = store.as_ref().ok().map(|store| store.path().to_path_buf());
            *inner
                .catalog
                .write()
                .unwrap_or_else(PoisonError::into_inner) = Arc::new(catalog);
            *inner.store.lock().unwrap_or_else(PoisonError::into_inner) = store;
            raise(&inner.opened);
            // Its own connection: the window's reads go on meanwhile (WAL: they see the store
            // as it was before the import, which does not touch what they read).
            if let Some(database) = database {
                let imported = Store::open(&database).and_then(|mut store| store.ensure_regions());
                if let Err(err) = imported {
                    eprintln!("the regions could not be imported: {err}");
                }
            }
            raise(&inner.ready);
        });
        app
    }

    /// Waits until the store is open and the criteria sets are read.
    fn wait_opened(&self) {
        let (flag, condvar) = &self.inner.opened;
        if let Ok(done) = flag.lock() {
            let _ = condvar.wait_timeout_while(done, Duration::from_secs(120), |done| !*done);
        }
    }

    /// The criteria sets as they are now.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.wait_opened();
        self.inner
            .catalog
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Reads the criteria sets again (after an import, or a sync that installed some).
    pub fn reload_catalog(&self) {
        self.wait_opened();
        let catalog = Arc::new(load_criteria(self.inner.home.as_deref()));
        *self
            .inner
            .catalog
            .write()
            .unwrap_or_else(PoisonError::into_inner) = catalog;
    }

    /// Runs `work` on the store, once the first-run import is over.
    pub fn with_store<T>(
        &self,
        work: impl FnOnce(&mut Store) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut guard = self.lock()?;
        work(&mut guard)
    }

    /// Runs `work` on the store at once, even while a first start imports the regions: for
    /// reads that do not touch the regions (the home screen's counts and lists, the settings),
    /// so that the window is usable during the import. Read-only by its type.
    pub fn read_now<T>(
        &self,
        work: impl FnOnce(&Store) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        self.wait_opened();
        let slot = self.inner.store.lock().map_err(|_| unavailable())?;
        match slot.as_ref() {
            Ok(store) => work(store),
            Err(err) => Err(err.clone()),
        }
    }

    /// The data folder: where the database is.
    pub fn data_dir(&self) -> Result<PathBuf, AppError> {
        let guard = self.lock()?;
        Ok(guard.path().parent().map(PathBuf::from).unwrap_or_default())
    }

    /// Replaces the database with the backup `name` (beside it): the store is closed, the
    /// backup checked and swapped in, and the store opened again. When the backup is refused
    /// the database stays as it was and is opened again.
    /// A database that cannot be opened (damaged, written over) is restored the same way, from
    /// where it should be.
    pub fn restore_backup(&self, name: &str) -> Result<(), AppError> {
        folder::check_backup_name(name)?;
        let slot = self.slot()?;
        let path = self.database_path(&slot)?;
        let from = ovop_store::backup_path_of(&path, name);
        if !from.is_file() {
            return Err(AppError::new(
                Code::BackupNotFound.as_str(),
                format!("no backup is called {name:?}"),
            ));
        }
        reopened_after(slot, &path, || {
            ovop_store::restore(&path, &from).map(|_| ())
        })
    }

    /// The backups beside the database, newest first; listed also when the database cannot be
    /// opened, so that one of them can be restored.
    pub fn backups(&self) -> Result<Vec<folder::BackupInfo>, AppError> {
        let slot = self.slot()?;
        Ok(folder::backups_in(&self.database_path(&slot)?))
    }

    /// Restores the whole backup `file` (checked whole first; a refused one changes nothing):
    /// the photos and criteria sets the laptop lacks are added, the database is replaced and
    /// the replaced one kept beside it, and the store opens on the restored data.
    pub fn restore_archive(&self, file: &Path) -> Result<ovop_store::archive::Restored, AppError> {
        folder::absolute(file)?;
        // A laptop whose database cannot be opened (damaged) is the one that needs this most:
        // the restore works from where the database should be.
        let slot = self.slot()?;
        let path = self.database_path(&slot)?;
        reopened_after(slot, &path, || {
            ovop_store::archive::restore_archive(&path, file)
        })
    }

    /// What a restore from the whole backup `file` would bring and what it would replace: the
    /// backup checked whole (nothing is changed), beside what the laptop holds now (unknown
    /// when its database cannot be opened).
    pub fn preview_archive(&self, file: &Path) -> Result<folder::RestorePreview, AppError> {
        folder::absolute(file)?;
        let slot = self.slot()?;
        let path = self.database_path(&slot)?;
        let current = match slot.as_ref() {
            Ok(store) => Some(store.contents()?),
            Err(_) => None,
        };
        Ok(folder::RestorePreview {
            backup: ovop_store::archive::inspect_archive(&path, file)?,
            current,
        })
    }

    /// Where the database is: the open store's file, or where it should be when it could not
    /// be opened.
    fn database_path(&self, slot: &Result<Store, AppError>) -> Result<PathBuf, AppError> {
        match slot {
            Ok(store) => Ok(store.path().to_path_buf()),
            Err(_) => {
                let home = self.inner.home.as_deref().ok_or_else(|| {
                    AppError::new(Code::StoreCannotOpen.as_str(), "the app has no data folder")
                })?;
                Ok(folder::data_dir_in(home)?.join(DATABASE))
            }
        }
    }

    /// Moves the officer's data to `target` (an absolute folder with no database in it): the
    /// photos, backups, criteria sets and a checked copy of the database are written there,
    /// the app's own folder is told where the data now is, and the store is opened there.
    /// Until the last step the data stays where it was and in use; after it the old database
    /// is renamed, so a stale copy is never opened by mistake. Nothing is deleted.
    pub fn move_data(&self, target: &Path) -> Result<Moved, AppError> {
        let home = self.inner.home.clone().ok_or_else(|| {
            AppError::new(Code::StoreCannotOpen.as_str(), "the app has no data folder")
        })?;
        let mut slot = self.lock()?;
        let old_db = slot.path().to_path_buf();
        let old_dir = old_db.parent().map(Path::to_path_buf).unwrap_or_default();
        folder::check_target(target, &old_dir)?;
        std::fs::create_dir_all(target).map_err(|e| {
            AppError::new(
                Code::DataCannotWrite.as_str(),
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
            // The enrolment with the district server moves with the data (the user's file
            // mode travels with it).
            if let Some(enrolment) = crate::sync::token::load(&old_dir).ok().flatten() {
                crate::sync::token::save(target, &enrolment)?;
            }
            let opened = Store::open(&new_db)?;
            folder::point_to(&home, target)?;
            Ok::<_, AppError>(opened)
        })();
        let opened = match switched {
            Ok(opened) => opened,
            Err(err) => {
                // The data stays where it was; the copy's database goes, so a second try is
                // not refused as "a folder that has data".
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(folder::sibling(&new_db, suffix));
                }
                return Err(err);
            }
        };
        // From here the data is the new folder's: close the old database, then rename it.
        *slot.0 = Ok(opened);
        let _ = std::fs::rename(&old_db, folder::sibling(&old_db, ".moved"));
        Ok(Moved {
            folder: target.display().to_string(),
            left: old_dir.display().to_string(),
            files: copied.files as f64,
            bytes: copied.bytes as f64,
        })
    }

    /// The store's slot once the first-run import is over, whether the store opened or not.
    fn slot(&self) -> Result<MutexGuard<'_, Result<Store, AppError>>, AppError> {
        let (flag, condvar) = &self.inner.ready;
        let done = flag.lock().map_err(|_| unavailable())?;
        let (done, _) = condvar
            .wait_timeout_while(done, Duration::from_secs(120), |done| !*done)
            .map_err(|_| unavailable())?;
        if !*done {
            return Err(AppError::new(
                Code::StoreStarting.as_str(),
                "the region data is still being prepared; try again in a moment",
            ));
        }
        drop(done);
        self.inner.store.lock().map_err(|_| unavailable())
    }

    /// The store, once the first-run import is over.
    fn lock(&self) -> Result<StoreGuard<'_>, AppError> {
        let guard = self.slot()?;
        if let Err(err) = guard.as_ref() {
            return Err(err.clone());
        }
        Ok(StoreGuard(guard))
    }
}

/// The store at `<data dir>/ovop.sqlite`, the data folder created when missing; or why it
/// cannot be opened (a newer or damaged database, no data folder): the app still starts and
/// says so instead of showing a blank window.
fn open_store(home: Option<&Path>) -> Result<Store, AppError> {
    match home.map(folder::data_dir_in) {
        Some(Ok(dir)) => std::fs::create_dir_all(&dir)
            .map_err(|e| {
                AppError::new(
                    Code::StoreCannotOpen.as_str(),
                    format!("cannot create {}: {e}", dir.display()),
                )
            })
            .and_then(|()| Store::open(&dir.join(DATABASE)).map_err(AppError::from)),
        Some(Err(err)) => Err(err),
        None => Err(AppError::new(
            Code::StoreCannotOpen.as_str(),
            "the app has no data folder",
        )),
    }
}

/// Sets a flag and wakes every call waiting for it.
fn raise((flag, condvar): &(Mutex<bool>, Condvar)) {
    *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
    condvar.notify_all();
}

/// The shipped criteria sets and those in the data folder's `criteria/` (the folder the data
/// was moved to, when it was).
fn load_criteria(home: Option<&Path>) -> Catalog {
    match home.map(folder::data_dir_in) {
        Some(Ok(dir)) => ovop_store::installed::load_catalog(Some(&dir)),
        _ => ovop_store::installed::load_catalog(home),
    }
}

/// Closes the database in `slot` (its WAL is folded in), lets `replace` put other files in
/// place of the one at `path`, then opens it again whatever `replace` did: the restored
/// database, or the one that was there when the restore was refused.
fn reopened_after<T>(
    mut slot: MutexGuard<'_, Result<Store, AppError>>,
    path: &Path,
    replace: impl FnOnce() -> ovop_store::Result<T>,
) -> Result<T, AppError> {
    *slot = Err(unavailable());
    let replaced = replace().map_err(AppError::from);
    *slot = Store::open(path).map_err(AppError::from);
    let replaced = replaced?;
    if let Err(err) = slot.as_ref() {
        return Err(err.clone());
    }
    Ok(replaced)
}

/// The open store, locked.
struct StoreGuard<'a>(MutexGuard<'a, Result<Store, AppError>>);

impl std::ops::Deref for StoreGuard<'_> {
    type Target = Store;
    fn deref(&self) -> &Store {
        // `lock` hands out a guard only for an opened store.
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
