//! The whole of a pulled photo, on demand: downloaded into a partial file beside the photos,
//! resumed from that file's length after a cut (`Range`), checked against its hash, then put
//! in place. The officer's disk budget for pulled photos is asked first.

use std::io::Write;
use std::path::Path;

use ovop_core::Code;
use ovop_store::Store;
use ovop_sync::{Client, Piece, SyncError};

use crate::AppError;

fn io(e: std::io::Error) -> SyncError {
    let code = if e.kind() == std::io::ErrorKind::StorageFull {
        Code::StoreDiskFull
    } else {
        Code::StoreIo
    };
    SyncError::new(code.as_str(), format!("a photo's download: {e}"))
}

/// Downloads the photo `hex` of `size` bytes into `partial`, from what it holds already on.
/// What arrives is written as it comes, so a cut keeps it for the next try. Returns the bytes
/// received this time.
pub async fn download_to(
    client: &Client,
    hex: &str,
    size: u64,
    partial: &Path,
) -> Result<u64, AppError> {
    if let Some(dir) = partial.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut have = std::fs::metadata(partial).map_or(0, |m| m.len());
    if have > size {
        std::fs::remove_file(partial).map_err(io)?;
        have = 0;
    }
    if have == size {
        return Ok(0);
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(partial)
        .map_err(io)?;
    let mut sink = |piece: Piece<'_>| -> Result<(), SyncError> {
        match piece {
            Piece::Restart => file.set_len(0).map_err(io),
            Piece::Bytes(bytes) => file.write_all(bytes).map_err(io),
        }
    };
    let received = match client.download(hex, have, &mut sink).await {
        // A range the server will not serve (the photo's bytes are not what this laptop
        // thought): from the start, once.
        Err(e) if e.status == Some(416) => {
            sink(Piece::Restart)?;
            client.download(hex, 0, &mut sink).await
        }
        other => other,
    };
    file.sync_data().map_err(io)?;
    Ok(received?)
}

/// Fetches the whole of a pulled photo into the store (nothing to do when it is here), within
/// the officer's budget (`photos.budget` otherwise).
pub async fn fetch_photo(
    client: &Client,
    store: &mut Store,
    hex: &str,
    now: &str,
) -> Result<u64, AppError> {
    let Some((size, partial)) = to_fetch(store, hex)? else {
        return Ok(0);
    };
    let received = download_to(client, hex, size, &partial).await?;
    store.finish_pulled_photo(hex, now)?;
    Ok(received)
}

/// What fetching pulled photo `hex` needs: its size and partial file; `None` when it is whole
/// here already; `photos.budget` when the budget has no room for it.
fn to_fetch(store: &Store, hex: &str) -> Result<Option<(u64, std::path::PathBuf)>, AppError> {
    let (size, whole) = store.pulled_photo(hex)?;
    if whole {
        return Ok(None);
    }
    if !store.budget_allows(size)? {
        return Err(budget_error(size));
    }
    Ok(Some((size, store.partial_photo(hex))))
}

/// The budget has no room for a photo of `size` bytes.
pub fn budget_error(size: u64) -> AppError {
    AppError::new(
        Code::PhotosBudget.as_str(),
        format!(
            "the photo ({:.1} MB) does not fit in what is left of the disk budget for pulled photos; raise it in Settings",
            size as f64 / 1_048_576.0
        ),
    )
}

/// [`fetch_photo`] for the app: the store is locked only to look and to finish, never while
/// the bytes travel, so the officer's work goes on during a long download.
pub async fn fetch_for(app: &crate::App, hex: &str) -> Result<(), AppError> {
    let dir = app.data_dir()?;
    let enrolment = super::token::load(&dir)?.ok_or_else(|| {
        AppError::new(
            Code::SyncNotEnrolled.as_str(),
            "this laptop is not enrolled with a server; enrol it in the Sync screen first",
        )
    })?;
    let client = Client::new(
        &enrolment.server,
        Some(enrolment.token),
        ovop_sync::Network::default(),
    )?;
    let Some((size, partial)) = app.with_store(|store| to_fetch(store, hex))? else {
        return Ok(());
    };
    download_to(&client, hex, size, &partial).await?;
    app.with_store(|store| Ok(store.finish_pulled_photo(hex, &ovop_store::now_utc())?))
}
