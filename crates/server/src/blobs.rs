//! Photos and scans on disk, named by their SHA-256: `blobs/ab/abcd…` once complete and
//! verified, `blobs/partial/abcd…` while they arrive. An upload resumes from the partial file's
//! length; a blob's bytes are verified before it is complete, and a mismatch is thrown away.
//! One upload at a time per blob.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::StatusCode;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

pub struct BlobStore {
    root: PathBuf,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// The end of a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// More bytes are expected from this offset.
    Partial(u64),
    /// Every byte is here and the hash matched.
    Complete,
}

fn io_error(e: std::io::Error) -> ApiError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "server.disk_full",
            None,
            "the server's disk is full; the upload resumes later",
        )
    } else {
        ApiError::internal(format!("blob storage: {e}"))
    }
}

/// Reads and drops what is left of a request body (at most `limit` bytes). A refusal sent
/// before the body was read would otherwise reach a client still sending as a broken pipe,
/// which it would take for a network failure and retry for ever.
pub async fn drain(body: Body, limit: u64) {
    let mut stream = body.into_data_stream();
    let mut read = 0u64;
    while let Some(Ok(chunk)) = stream.next().await {
        read += chunk.len() as u64;
        if read > limit {
            break;
        }
    }
}

impl BlobStore {
    /// Drops partial uploads untouched for longer than `older_than`; how many. The record still
    /// names the photo, so its upload starts again from the first byte.
    pub fn sweep(&self, older_than: std::time::Duration) -> usize {
        let Ok(entries) = std::fs::read_dir(self.root.join("partial")) else {
            return 0;
        };
        let now = std::time::SystemTime::now();
        let mut dropped = 0;
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|at| now.duration_since(at).ok())
                .is_some_and(|age| age >= older_than);
            if old {
                let name = entry.file_name().to_string_lossy().into_owned();
                // Not while an upload writes to it.
                let lock = self.lock(&name);
                let Ok(_guard) = lock.try_lock() else {
                    continue;
                };
                if std::fs::remove_file(entry.path()).is_ok() {
                    dropped += 1;
                }
            }
        }
        dropped
    }

    pub fn open(root: &Path) -> ApiResult<BlobStore> {
        std::fs::create_dir_all(root.join("partial"))
            .map_err(|e| ApiError::startup(format!("cannot create {}: {e}", root.display())))?;
        Ok(BlobStore {
            root: root.to_path_buf(),
            locks: Mutex::new(HashMap::new()),
        })
    }

    /// The folder the blobs are kept in.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Puts a whole blob in place from a file beside the store (a bundle's), after checking
    /// its bytes have the hash it is named by.
    pub fn put_verified(&self, hex: &str, file: &Path) -> ApiResult<()> {
        let mut hasher = Sha256::new();
        let mut opened = std::fs::File::open(file).map_err(io_error)?;
        std::io::copy(&mut opened, &mut hasher).map_err(io_error)?;
        drop(opened);
        let digest: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        if digest != hex {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "blob.hash_mismatch",
                Some("sha256"),
                "the photo's bytes do not have the hash it is named by",
            ));
        }
        self.install(hex, file)
    }

    /// Moves a verified file into its place in the store, durably.
    fn install(&self, hex: &str, file: &Path) -> ApiResult<()> {
        let target = self.path(hex);
        let dir = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        std::fs::create_dir_all(&dir).map_err(io_error)?;
        std::fs::rename(file, &target).map_err(io_error)?;
        if let Ok(dir) = std::fs::File::open(&dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// Where a complete blob lives. `hex` is checked by the caller (64 lower-case hex digits).
    pub fn path(&self, hex: &str) -> PathBuf {
        self.root.join(&hex[..2]).join(hex)
    }

    fn partial(&self, hex: &str) -> PathBuf {
        self.root.join("partial").join(hex)
    }

    pub fn is_complete(&self, hex: &str) -> bool {
        self.path(hex).is_file()
    }

    /// Bytes received so far.
    pub fn offset(&self, hex: &str, size: u64) -> u64 {
        if self.is_complete(hex) {
            return size;
        }
        std::fs::metadata(self.partial(hex)).map_or(0, |m| m.len())
    }

    fn lock(&self, hex: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        if locks.len() > 10_000 {
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        locks.entry(hex.to_string()).or_default().clone()
    }

    /// Appends a chunk that starts at `offset` (which must be where the blob stands), up to
    /// `size` bytes in all; verifies and completes the blob when its last byte arrives.
    pub async fn write(
        &self,
        hex: &str,
        size: u64,
        offset: u64,
        length: Option<u64>,
        body: Body,
    ) -> ApiResult<Stored> {
        let too_long = || {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "blob.too_long",
                None,
                format!("the blob was announced with {size} bytes; more were sent"),
            )
        };
        if length.is_some_and(|length| offset.saturating_add(length) > size) {
            drain(body, size).await;
            return Err(too_long());
        }
        let lock = self.lock(hex);
        let _guard = lock.lock().await;
        if self.is_complete(hex) {
            drain(body, size).await;
            return Ok(Stored::Complete);
        }
        let partial = self.partial(hex);
        let have = std::fs::metadata(&partial).map_or(0, |m| m.len());
        if offset != have {
            drain(body, size).await;
            return Err(ApiError::conflict(
                "blob.wrong_offset",
                Some("offset"),
                format!("the server has {have} bytes of this blob; send from offset {have}"),
            ));
        }
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&partial)
            .map_err(io_error)?;
        let mut written = have;
        let mut stream = body.into_data_stream();
        let mut failure = None;
        while let Some(chunk) = stream.next().await {
            let chunk = match chunk {
                Ok(chunk) => chunk,
                // The connection dropped or crawled: what arrived is kept and the upload
                // resumes from it.
                Err(e) => {
                    if crate::guard::is_too_slow(&e) {
                        failure = Some(crate::guard::too_slow());
                    }
                    break;
                }
            };
            if written + chunk.len() as u64 > size {
                // Nothing of a chunk that overflows is kept: the blob stays where it stood.
                written = have;
                failure = Some(too_long());
                // Read (and drop) the rest, bounded, so the refusal reaches the client.
                let mut extra = 0u64;
                while let Some(Ok(chunk)) = stream.next().await {
                    extra += chunk.len() as u64;
                    if extra > size {
                        break;
                    }
                }
                break;
            }
            if let Err(e) = file.write_all(&chunk) {
                failure = Some(io_error(e));
                break;
            }
            written += chunk.len() as u64;
        }
        // Whatever happened, the partial file ends at a chunk boundary we counted.
        file.set_len(written).map_err(io_error)?;
        file.sync_data().map_err(io_error)?;
        drop(file);
        if let Some(failure) = failure {
            return Err(failure);
        }
        if written < size {
            return Ok(Stored::Partial(written));
        }
        let root = self.root.clone();
        let hex_owned = hex.to_string();
        let verified = tokio::task::spawn_blocking(move || -> std::io::Result<bool> {
            let mut hasher = Sha256::new();
            let mut file = std::fs::File::open(root.join("partial").join(&hex_owned))?;
            std::io::copy(&mut file, &mut hasher)?;
            let digest: String = hasher
                .finalize()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Ok(digest == hex_owned)
        })
        .await
        .map_err(|e| ApiError::internal(e.to_string()))?
        .map_err(io_error)?;
        if !verified {
            let _ = std::fs::remove_file(&partial);
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "blob.hash_mismatch",
                Some("sha256"),
                "the bytes received do not have the blob's SHA-256; send the blob again from offset 0",
            ));
        }
        self.install(hex, &partial)?;
        Ok(Stored::Complete)
    }
}
