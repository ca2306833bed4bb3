//! A laptop's bundle, brought on a USB stick, imported with the same checks and the same
//! exactly-once rule as a push ([`ovop_protocol::bundle`]). The file is read once, front to
//! back: batches of records and photos go to a
//! temporary folder beside the blob store as they stream, each hashed on the way. Nothing is
//! stored until the whole file has been read, every entry matches the manifest and the manifest
//! carries the signature of a device the office knows and has not revoked. Then each batch is
//! pushed as the laptop would have, and the photos the records name are put in place. A bundle
//! imported twice changes nothing: every record is accepted again.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use axum::http::StatusCode;
use ovop_protocol::bundle::{
    is_batch, signer_of, Manifest, Receipt, BLOBS_DIR, BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST,
    RECEIPT_FORMAT,
};
use ovop_protocol::{Code, Outcome, Problem, PushRequest, RecordResult};
use sha2::{Digest, Sha256};

use crate::auth::Actor;
use crate::db::Val;
use crate::error::{ApiError, ApiResult};
use crate::{ingest, AppState};

/// The largest manifest read.
const MAX_MANIFEST_BYTES: u64 = 16 << 20;
/// The largest batch of records read. A laptop writes its bundle offline, not knowing this
/// server's push limits: a batch may be larger than one push, and is stored in pushes of the
/// server's size.
const MAX_BATCH_BYTES: u64 = 64 << 20;
/// The most records in one batch.
const MAX_BATCH_RECORDS: u32 = 100_000;

fn refused(code: Code, message: impl Into<String>) -> ApiError {
    let status = match code {
        Code::BundleUnknownDevice | Code::BundleRevoked | Code::BundleBadSignature => {
            StatusCode::FORBIDDEN
        }
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    ApiError::new(status, code.as_str(), None, message)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What was read of a bundle, checked against its manifest.
struct ReadBundle {
    manifest: Manifest,
    manifest_sha: String,
    /// The batches of records, in the temporary folder, in order.
    batches: Vec<PathBuf>,
    /// Photos by hex hash, in the temporary folder.
    blobs: BTreeMap<String, PathBuf>,
    _temp: tempfile::TempDir,
}

/// Reads `limit` bytes at most from `entry`, hashing them; `None` when there were more.
fn read_bounded(entry: &mut impl Read, limit: u64) -> std::io::Result<Option<(Vec<u8>, String)>> {
    let mut bytes = Vec::new();
    entry.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(None);
    }
    let sha = hex(&Sha256::digest(&bytes));
    Ok(Some((bytes, sha)))
}

fn truncated(e: std::io::Error) -> ApiError {
    refused(
        Code::BundleTruncated,
        format!("the bundle ends before its manifest (a copy cut short?): {e}"),
    )
}

/// Reads the whole file and checks it against its manifest (not yet its signature).
fn read_bundle(file: &Path, state: &AppState) -> ApiResult<ReadBundle> {
    let opened = std::fs::File::open(file).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            Code::BundleNotABundle.as_str(),
            None,
            format!("{} cannot be read: {e}", file.display()),
        )
    })?;
    let temp = tempfile::Builder::new()
        .prefix("bundle-")
        .tempdir_in(state.blobs.root())
        .map_err(|e| ApiError::internal(format!("cannot make a temporary folder: {e}")))?;
    let mut archive = tar::Archive::new(std::io::BufReader::new(opened));
    let mut seen: Vec<ovop_protocol::bundle::Entry> = Vec::new();
    let mut batches = Vec::new();
    let mut blobs = BTreeMap::new();
    let mut manifest: Option<(Manifest, String)> = None;
    let entries = archive.entries().map_err(|e| {
        refused(
            Code::BundleNotABundle,
            format!("the file is not a bundle: {e}"),
        )
    })?;
    for entry in entries {
        let mut entry = entry.map_err(truncated)?;
        let name = entry
            .path()
            .map_err(truncated)?
            .to_string_lossy()
            .into_owned();
        if manifest.is_some() {
            return Err(refused(
                Code::BundleDamaged,
                format!("{name} comes after the manifest, which is the last entry"),
            ));
        }
        if name == MANIFEST {
            let (bytes, sha) = read_bounded(&mut entry, MAX_MANIFEST_BYTES)
                .map_err(truncated)?
                .ok_or_else(|| refused(Code::BundleDamaged, "the manifest is too large"))?;
            let parsed: Manifest = serde_json::from_slice(&bytes).map_err(|e| {
                refused(
                    Code::BundleDamaged,
                    format!("the manifest cannot be read: {e}"),
                )
            })?;
            manifest = Some((parsed, sha));
            continue;
        }
        let size = entry.header().size().map_err(truncated)?;
        if is_batch(&name) {
            let (bytes, sha) = read_bounded(&mut entry, MAX_BATCH_BYTES)
                .map_err(truncated)?
                .ok_or_else(|| {
                    refused(
                        Code::BundleDamaged,
                        format!("{name} is larger than a bundle's batch may be"),
                    )
                })?;
            let path = temp.path().join(&name);
            std::fs::write(&path, &bytes)
                .map_err(|e| ApiError::internal(format!("cannot write a batch: {e}")))?;
            seen.push(ovop_protocol::bundle::Entry {
                name,
                size: bytes.len() as u64,
                sha256: sha,
            });
            batches.push(path);
        } else if let Some(blob) = name
            .strip_prefix(BLOBS_DIR)
            .filter(|h| ovop_protocol::is_sha256(&format!("sha256:{h}")))
            .map(str::to_string)
        {
            if size > state.limits.max_blob_bytes {
                return Err(refused(
                    Code::BundleDamaged,
                    format!("{name} is larger than a photo may be"),
                ));
            }
            let path = temp.path().join(&blob);
            let mut out = std::fs::File::create(&path)
                .map_err(|e| ApiError::internal(format!("cannot write a photo: {e}")))?;
            let mut hasher = Sha256::new();
            let mut buffer = vec![0u8; 64 * 1024];
            let mut written = 0u64;
            loop {
                let n = entry.read(&mut buffer).map_err(truncated)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buffer[..n]);
                std::io::Write::write_all(&mut out, &buffer[..n])
                    .map_err(|e| ApiError::internal(format!("cannot write a photo: {e}")))?;
                written += n as u64;
            }
            if written != size {
                return Err(truncated(std::io::Error::other(format!(
                    "{name} is cut short"
                ))));
            }
            seen.push(ovop_protocol::bundle::Entry {
                name,
                size: written,
                sha256: hex(&hasher.finalize()),
            });
            blobs.insert(blob, path);
        } else {
            return Err(refused(
                Code::BundleDamaged,
                format!(
                    "{:?} is not an entry of a bundle",
                    name.chars().take(80).collect::<String>()
                ),
            ));
        }
    }
    let Some((manifest, manifest_sha)) = manifest else {
        return Err(refused(
            Code::BundleTruncated,
            "the bundle has no manifest: the copy was cut short, or it is not a bundle",
        ));
    };
    if manifest.format != BUNDLE_FORMAT {
        return Err(refused(Code::BundleNotABundle, "the file is not a bundle"));
    }
    if manifest.version > BUNDLE_VERSION {
        return Err(refused(
            Code::BundleNewer,
            format!(
                "the bundle was made by a newer app (version {}); update the server",
                manifest.version
            ),
        ));
    }
    if manifest.entries != seen {
        let differs = manifest
            .entries
            .iter()
            .zip(&seen)
            .find(|(a, b)| a != b)
            .map(|(a, _)| a.name.clone())
            .unwrap_or_else(|| "the list of entries".into());
        return Err(refused(
            Code::BundleDamaged,
            format!("{differs} is not what the manifest says: the bundle was changed or damaged"),
        ));
    }
    for hash in blobs.keys() {
        // An entry named by a hash it does not have.
        let named = seen
            .iter()
            .find(|e| e.name.strip_prefix(BLOBS_DIR) == Some(hash.as_str()));
        if named.is_some_and(|e| e.sha256 != *hash) {
            return Err(refused(
                Code::BundleDamaged,
                format!("the photo {hash} does not have the hash it is named by"),
            ));
        }
    }
    Ok(ReadBundle {
        manifest,
        manifest_sha,
        batches,
        blobs,
        _temp: temp,
    })
}

/// The device that signed the manifest, with its key; refused when unknown, revoked or the
/// signature does not hold.
async fn signer(state: &AppState, manifest: &Manifest) -> ApiResult<(Actor, String)> {
    let manifest = manifest.clone();
    let now = crate::now();
    state
        .db
        .read(move |tx| {
            let rows = tx.query(
                "SELECT id, token_hash, revoked_at FROM device WHERE kind = 'device'",
                &[],
            )?;
            let Some(row) = rows
                .iter()
                .find(|r| signer_of(&r.text(1)) == manifest.signer)
            else {
                return Err(refused(
                    Code::BundleUnknownDevice,
                    "no laptop enrolled with this office made this bundle",
                ));
            };
            let key = row.text(1);
            if !row.text(2).is_empty() {
                return Err(refused(
                    Code::BundleRevoked,
                    "the laptop that made this bundle was revoked; nothing was imported",
                ));
            }
            if !manifest.signed_by(&key) {
                return Err(refused(
                    Code::BundleBadSignature,
                    "the bundle's signature does not hold: it was changed after it was made",
                ));
            }
            let actor = crate::auth::actor_for_device(tx, row.int(0), &now)?.ok_or_else(|| {
                refused(
                    Code::BundleRevoked,
                    "the officer or laptop that made this bundle can no longer send",
                )
            })?;
            Ok((actor, key))
        })
        .await
}

/// Puts a photo of the bundle in place and marks it complete, when a record declared it with
/// this size; whether it is now complete.
async fn place(state: &AppState, hex: &str, path: &Path) -> ApiResult<bool> {
    let name = format!("sha256:{hex}");
    let declared = {
        let name = name.clone();
        state
            .db
            .read(move |tx| {
                Ok(tx
                    .query_opt(
                        "SELECT size FROM blob WHERE sha256 = $1",
                        &[Val::from(name.as_str())],
                    )?
                    .map(|r| r.int(0)))
            })
            .await?
    };
    let Some(size) = declared else {
        return Ok(false);
    };
    if !state.blobs.is_complete(hex) {
        let on_disk = std::fs::metadata(path).map_or(0, |m| m.len());
        if on_disk as i64 != size {
            return Ok(false);
        }
        state.blobs.put_verified(hex, path)?;
    }
    let now = crate::now();
    state
        .db
        .run(move |tx| {
            Ok(tx.exec(
                "UPDATE blob SET complete_at = $2 WHERE sha256 = $1 AND complete_at IS NULL",
                &[Val::from(&name), Val::from(&now)],
            )?)
        })
        .await?;
    Ok(true)
}

/// Imports a bundle file and answers with the receipt (signed for the laptop).
pub async fn import(state: &AppState, file: &Path) -> ApiResult<Receipt> {
    let read = {
        let file = file.to_path_buf();
        let state = state.clone();
        tokio::task::spawn_blocking(move || read_bundle(&file, &state))
            .await
            .map_err(|e| ApiError::internal(e.to_string()))??
    };
    let (actor, key) = signer(state, &read.manifest).await?;
    let relaxed = ovop_protocol::Limits {
        max_request_bytes: MAX_BATCH_BYTES,
        max_batch_records: MAX_BATCH_RECORDS,
        ..state.limits
    };
    // Every batch is read before anything is stored (one that cannot be read refuses the
    // bundle); then each is read again and stored, one at a time.
    let parse = |path: &Path| -> ApiResult<PushRequest> {
        let bytes = std::fs::read(path)
            .map_err(|e| ApiError::internal(format!("cannot read a batch again: {e}")))?;
        PushRequest::parse(&bytes, &relaxed).map_err(|p| {
            refused(
                Code::BundleDamaged,
                format!("a batch of records cannot be read: {}", p.message),
            )
        })
    };
    for path in &read.batches {
        parse(path)?;
    }
    // Stored in pushes of this server's size, in the bundle's order.
    let size = state.limits.max_batch_records.max(1) as usize;
    let pushes = read.batches.iter().flat_map(|path| {
        let chunks: Vec<ApiResult<PushRequest>> = match parse(path) {
            Ok(request) => request
                .records
                .chunks(size)
                .map(|chunk| {
                    Ok(PushRequest {
                        records: chunk.to_vec(),
                    })
                })
                .collect(),
            Err(e) => vec![Err(e)],
        };
        chunks
    });
    let mut results: Vec<RecordResult> = Vec::new();
    let mut missing = BTreeMap::new();
    let mut stored = std::collections::BTreeSet::new();
    for request in pushes {
        let mut request = request?;
        loop {
            let limits = state.limits;
            let checked = ingest::check_records(&request.records, &limits);
            let blobs = state.blobs.clone();
            let uploads = state.uploads;
            let now = crate::now();
            let actor_now = actor.clone();
            let attempt = request.clone();
            let answer = state
                .db
                .run(move |tx| {
                    ingest::push(tx, &actor_now, &attempt, checked, &blobs, &uploads, &now)
                })
                .await;
            match answer {
                Ok(response) => {
                    results.extend(response.results);
                    // The photos this push declared, from the bundle, before the next push
                    // (the officer's open uploads stay within their limit).
                    for blob in response.missing_blobs {
                        let hex = blob.sha256.trim_start_matches("sha256:").to_string();
                        match read.blobs.get(&hex) {
                            Some(path) if place(state, &hex, path).await? => {
                                stored.insert(blob.sha256.clone());
                            }
                            _ => {
                                missing.insert(blob.sha256.clone(), blob);
                            }
                        }
                    }
                    break;
                }
                Err(error) => {
                    // A record that refuses its whole batch (outside the officer's regions) is
                    // set aside with the reason, and the rest of the batch goes on, as a sync does.
                    let index = error
                        .problem
                        .field
                        .as_deref()
                        .and_then(|f| f.strip_prefix("records["))
                        .and_then(|f| f.strip_suffix(']'))
                        .and_then(|n| n.parse::<usize>().ok())
                        .filter(|i| *i < request.records.len() && error.status.is_client_error());
                    let Some(index) = index else {
                        return Err(error);
                    };
                    let record = request.records.remove(index);
                    results.push(RecordResult {
                        kind: record.kind,
                        id: record.id,
                        revision: record.revision,
                        outcome: Outcome::Rejected,
                        status: Outcome::Rejected.status(),
                        problem: Some(Problem::new(
                            &error.problem.code,
                            None,
                            error.problem.message.clone(),
                        )),
                    });
                    if request.records.is_empty() {
                        break;
                    }
                }
            }
        }
    }
    // The photos the records name and the bundle carries are all in place by now; those no
    // record names were left out.
    let stored: Vec<String> = stored.into_iter().collect();
    tracing::info!(
        user = %actor.user.name,
        records = results.len(),
        photos = stored.len(),
        "bundle imported"
    );
    let mut receipt = Receipt {
        format: RECEIPT_FORMAT.into(),
        version: BUNDLE_VERSION,
        bundle: read.manifest_sha.clone(),
        signer: read.manifest.signer.clone(),
        imported_at: crate::now(),
        results,
        blobs_stored: stored,
        missing_blobs: missing.into_values().collect(),
        signature: String::new(),
    };
    receipt.sign(&key);
    Ok(receipt)
}
