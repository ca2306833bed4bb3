//! The laptop's side of a bundle ([`ovop_protocol::bundle`]): everything waiting in the outbox
//! and the photos the office may lack, written to one file for a USB stick; and the office's
//! receipt, imported to settle the outbox as a sync would.
//!
//! Writing freezes what it writes (the same bytes a sync would send, so a bundle and a later
//! sync never conflict) and changes nothing else: the entries stay waiting until a receipt (or
//! a sync) says they arrived. The file is written beside its target and renamed when whole.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;

use ovop_core::Code;
use ovop_protocol::bundle::{
    batch_name, sha256_hex, signer_of, token_key, Entry, Manifest, Receipt, BLOBS_DIR,
    BUNDLE_FORMAT, BUNDLE_VERSION, MANIFEST, RECEIPT_FORMAT,
};
use ovop_protocol::{Kind, Limits, Outcome, PushRequest};
use ovop_store::Store;
use ovop_sync::engine::{Local, Settle};
use serde::Serialize;

use super::{Enrolment, StoreSide};
use crate::AppError;

/// What a bundle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct BundleWritten {
    /// Outbox entries (with the producers and products they need) in it.
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub records: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub photos: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub bytes: u64,
}

/// A bundle written into a folder the officer picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct BundleFile {
    pub path: String,
    pub written: BundleWritten,
}

/// What a receipt settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct ReceiptApplied {
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub sent: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub rejected: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub conflicts: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub photos_arrived: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub photos_missing: u64,
}

/// The enrolment kept in `data_dir`; a bundle needs its token.
pub fn enrolment_in(data_dir: &Path) -> Result<Enrolment, AppError> {
    super::token::load(data_dir)?.ok_or_else(|| {
        AppError::new(
            Code::SyncNotEnrolled.as_str(),
            "this laptop is not enrolled: a bundle is signed with the token it gets at enrolment",
        )
    })
}

/// Writes a bundle into `folder` (a USB stick, say), named after the officer and the moment:
/// `ovop-budi-20261207T0700.ovopbundle`.
pub fn write_bundle_in(
    store: &mut Store,
    data_dir: &Path,
    folder: &Path,
    now: &str,
) -> Result<BundleFile, AppError> {
    let enrolment = enrolment_in(data_dir)?;
    if !folder.is_dir() {
        return Err(AppError::new(
            Code::StoreIo.as_str(),
            format!("{} is not a folder that can be written", folder.display()),
        ));
    }
    let stamp: String = now
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(13)
        .collect();
    let user: String = enrolment
        .user
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(40)
        .collect();
    let path = folder.join(format!("ovop-{user}-{stamp}.ovopbundle"));
    let written = write_bundle(store, &enrolment, &path, now)?;
    Ok(BundleFile {
        path: path.display().to_string(),
        written,
    })
}

fn io(path: &Path, e: std::io::Error) -> AppError {
    crate::folder::write_error(path, &e, Code::StoreIo.as_str())
}

fn header(size: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o644);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    header
}

/// Writes everything waiting in the outbox to `target`, signed with the laptop's token.
pub fn write_bundle(
    store: &mut Store,
    enrolment: &Enrolment,
    target: &Path,
    now: &str,
) -> Result<BundleWritten, AppError> {
    let mut side = StoreSide::new(store, None);
    let pending = side.pending()?;
    let on_server = side.on_server()?;
    // Batches as a push of the default limits would carry them: the office takes each as one.
    let planned = ovop_sync::plan(&pending, &on_server, &Limits::default());
    let done: HashSet<String> = side
        .store
        .uploads_done()?
        .into_iter()
        .map(|h| format!("sha256:{h}"))
        .collect();
    let partial = target.with_extension("partial");
    let file = std::fs::File::create(&partial).map_err(|e| io(&partial, e))?;
    let mut tar = tar::Builder::new(std::io::BufWriter::new(file));
    let mut entries = Vec::new();
    let mut written = BundleWritten::default();
    let mut photos: Vec<String> = Vec::new();
    for (n, batch) in planned.batches.into_iter().enumerate() {
        for record in &batch {
            for blob in &record.blobs {
                if !done.contains(&blob.sha256) && !photos.contains(&blob.sha256) {
                    photos.push(blob.sha256.clone());
                }
            }
        }
        written.records += batch.len() as u64;
        let bytes = serde_json::to_vec(&PushRequest { records: batch })
            .map_err(|e| AppError::new(Code::StoreInvalid.as_str(), e.to_string()))?;
        let name = batch_name(n + 1);
        tar.append_data(&mut header(bytes.len() as u64), &name, bytes.as_slice())
            .map_err(|e| io(&partial, e))?;
        entries.push(Entry {
            name,
            size: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        });
    }
    for sha in photos {
        let bytes = side.blob_bytes(&sha)?;
        let hex = sha.strip_prefix("sha256:").unwrap_or(&sha);
        let name = format!("{BLOBS_DIR}{hex}");
        tar.append_data(&mut header(bytes.len() as u64), &name, bytes.as_slice())
            .map_err(|e| io(&partial, e))?;
        entries.push(Entry {
            name,
            size: bytes.len() as u64,
            sha256: sha256_hex(&bytes),
        });
        written.photos += 1;
    }
    let key = token_key(&enrolment.token);
    let mut manifest = Manifest {
        format: BUNDLE_FORMAT.into(),
        version: BUNDLE_VERSION,
        user: enrolment.user.clone(),
        device_id: enrolment.device_id,
        signer: signer_of(&key),
        created_at: now.into(),
        entries,
        signature: String::new(),
    };
    manifest.sign(&key);
    let bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| AppError::new(Code::StoreInvalid.as_str(), e.to_string()))?;
    tar.append_data(&mut header(bytes.len() as u64), MANIFEST, bytes.as_slice())
        .map_err(|e| io(&partial, e))?;
    let mut out = tar.into_inner().map_err(|e| io(&partial, e))?;
    out.flush().map_err(|e| io(&partial, e))?;
    let file = out.into_inner().map_err(|e| io(&partial, e.into_error()))?;
    file.sync_all().map_err(|e| io(&partial, e))?;
    written.bytes = file.metadata().map_or(0, |m| m.len());
    drop(file);
    ovop_store::replace(&partial, target).map_err(|e| io(target, e))?;
    Ok(written)
}

/// The largest receipt read.
const MAX_RECEIPT_BYTES: u64 = 64 << 20;

/// Reads the office's receipt and settles the outbox by it: each record the office took is
/// sent, each it refused carries the office's reason, the photos it holds are no longer to be
/// uploaded and those it lacks wait for the next sync. Importing a receipt twice changes
/// nothing more.
pub fn import_receipt(
    store: &mut Store,
    enrolment: &Enrolment,
    file: &Path,
) -> Result<ReceiptApplied, AppError> {
    let not_a_receipt = |why: String| AppError::new(Code::ReceiptNotAReceipt.as_str(), why);
    let size = std::fs::metadata(file)
        .map_err(|e| not_a_receipt(format!("{} cannot be read: {e}", file.display())))?
        .len();
    if size > MAX_RECEIPT_BYTES {
        return Err(not_a_receipt(format!(
            "{} is too large for a receipt",
            file.display()
        )));
    }
    let bytes = std::fs::read(file)
        .map_err(|e| not_a_receipt(format!("{} cannot be read: {e}", file.display())))?;
    let receipt: Receipt = serde_json::from_slice(&bytes)
        .map_err(|e| not_a_receipt(format!("{} is not a receipt: {e}", file.display())))?;
    if receipt.format != RECEIPT_FORMAT {
        return Err(not_a_receipt(format!(
            "{} is not a receipt",
            file.display()
        )));
    }
    let key = token_key(&enrolment.token);
    if receipt.signer != signer_of(&key) || !receipt.signed_by(&key) {
        return Err(AppError::new(
            Code::ReceiptBadSignature.as_str(),
            "the receipt was not made for this laptop's bundle, or was changed",
        ));
    }
    let mut side = StoreSide::new(store, None);
    let seq_of: HashMap<(String, String, i64), i64> = side
        .store
        .outbox_rows()?
        .into_iter()
        .filter(|r| r.state == "waiting" || r.state == "sending")
        .map(|r| ((r.kind, r.record_id, r.revision), r.seq))
        .collect();
    let mut applied = ReceiptApplied::default();
    let mut outcomes = Vec::new();
    let mut have = Vec::new();
    for result in &receipt.results {
        let problem = || {
            result.problem.clone().map_or_else(
                || (Code::PushRejected.as_str().to_string(), String::new()),
                |p| (p.code, p.message),
            )
        };
        let key = (
            result.kind.as_str().to_string(),
            result.id.clone(),
            result.revision,
        );
        match seq_of.get(&key) {
            Some(seq) => {
                let settle = match result.outcome {
                    Outcome::Accepted | Outcome::AcceptedAgain => {
                        applied.sent += 1;
                        Settle::Sent
                    }
                    Outcome::Conflict => {
                        applied.conflicts += 1;
                        let (code, reason) = problem();
                        Settle::Conflict { code, reason }
                    }
                    Outcome::Rejected => {
                        applied.rejected += 1;
                        let (code, reason) = problem();
                        Settle::Rejected { code, reason }
                    }
                };
                outcomes.push((*seq, settle));
            }
            None if result.outcome != Outcome::Rejected
                && matches!(result.kind, Kind::Producer | Kind::Product) =>
            {
                // A producer or product sent as what a record needed: the office has it now.
                if let Some(hash) = side
                    .store
                    .content_hash_of(result.kind.as_str(), &result.id)?
                {
                    have.push((result.kind, result.id.clone(), hash));
                }
            }
            None => {}
        }
    }
    let wanted: Vec<(String, u64)> = receipt
        .missing_blobs
        .iter()
        .map(|b| (b.sha256.clone(), b.size))
        .collect();
    side.want_uploads(&wanted)?;
    side.settle(&outcomes, &have)?;
    for sha in &receipt.blobs_stored {
        side.upload_done(sha)?;
    }
    applied.photos_arrived = receipt.blobs_stored.len() as u64;
    applied.photos_missing = receipt.missing_blobs.len() as u64;
    Ok(applied)
}
