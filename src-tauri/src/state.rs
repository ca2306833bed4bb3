//! What the app holds while it runs: the criteria catalogue and the local store.

use std::path::Path;
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
}

impl AppState {
    /// The shipped criteria sets and those imported into `<data dir>/criteria/` with
    /// `ovop criteria import` (a file that cannot be read is listed as rejected, not fatal), and
    /// the store at `<data dir>/ovop.sqlite`. On a fresh install the regions are imported in
    /// the background; commands that need the store wait for it.
    pub fn load(data_dir: Option<&Path>) -> AppState {
        let catalog = ovop_store::installed::load_catalog(data_dir);
        let store = match data_dir {
            Some(dir) => std::fs::create_dir_all(dir)
                .map_err(|e| {
                    AppError::new(
                        "store.cannot_open",
                        format!("cannot create {}: {e}", dir.display()),
                    )
                })
                .and_then(|()| Store::open(&dir.join("ovop.sqlite")).map_err(AppError::from)),
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

impl AppState {
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

fn unavailable() -> AppError {
    AppError::new(
        "store.unavailable",
        "the store stopped after an error; restart the app",
    )
}

/// The store, once the first-run import is over.
fn lock_store<'a>(
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
