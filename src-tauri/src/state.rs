//! What the window holds while it runs: the application (`ovop-app`), whose calls block, run
//! here on a blocking thread and never on the main thread (which draws the window): a first
//! start's region import or a slow disk never freezes the window.

use ovop_app::{App, AppError};
use ovop_store::Store;

pub struct AppState {
    pub app: App,
}

impl AppState {
    pub fn load(home: Option<&std::path::Path>) -> AppState {
        AppState {
            app: App::load(home),
        }
    }

    /// Runs `work` with the application on a blocking thread.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&App) -> Result<T, AppError> + Send + 'static,
    {
        let app = self.app.clone();
        tauri::async_runtime::spawn_blocking(move || work(&app))
            .await
            .map_err(|_| ovop_app::error::unavailable())?
    }

    /// Reads the store on a blocking thread at once, even during a first start's region import
    /// (see [`App::read_now`]): for reads that do not touch the regions.
    pub async fn read_now<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, AppError> + Send + 'static,
    {
        self.run(move |app| app.read_now(work)).await
    }

    /// Runs `work` on the store on a blocking thread (waiting for the first-run import).
    pub async fn with_store<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, AppError> + Send + 'static,
    {
        self.run(move |app| app.with_store(work)).await
    }
}
