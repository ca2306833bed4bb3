//! What the app holds while it runs.

use std::path::Path;

use ovop_core::catalog::{Catalog, Origin};

pub struct AppState {
    pub catalog: Catalog,
}

impl AppState {
    /// The shipped criteria sets, and those imported into `<data dir>/criteria/` with
    /// `ovop criteria import`. A file that cannot be read is listed as rejected, not fatal.
    pub fn load(data_dir: Option<&Path>) -> AppState {
        let mut catalog = Catalog::shipped();
        if let Some(dir) = data_dir.map(|d| d.join("criteria")) {
            let mut files: Vec<_> = std::fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for path in files {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        catalog.add(Origin::Imported(name), &text);
                    }
                    Err(err) => catalog.reject(Origin::Imported(name), "criteria.unreadable", err.to_string()),
                }
            }
        }
        AppState { catalog }
    }
}
