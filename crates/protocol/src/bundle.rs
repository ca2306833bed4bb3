//! A bundle: what a laptop's outbox holds, carried to the office on a USB stick instead of over
//! the network, and the receipt the office gives back.
//!
//! A bundle is a tar file: the records in batches (`records-0001.json`, each a [`PushRequest`]
//! within the server's limits, in outbox order), the photos the office may lack
//! (`blobs/<sha256 hex>`), then `manifest.json`, last, naming every entry with its size and
//! SHA-256. The manifest is signed with the laptop's device token: an HMAC-SHA256 keyed with
//! the token's hash, which the office keeps (it never keeps the token). A copy cut short has
//! no manifest, a changed byte breaks an entry's hash, a changed manifest breaks the signature.
//!
//! The office imports it with the same checks and the same exactly-once rule as a push, and
//! answers with a [`Receipt`], signed the same way, that the laptop imports to settle its
//! outbox as a sync would.

use ring::hmac;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{MissingBlob, RecordResult};

/// `manifest.json`'s `format`.
pub const BUNDLE_FORMAT: &str = "ovop-bundle";
/// A receipt's `format`.
pub const RECEIPT_FORMAT: &str = "ovop-receipt";
/// The version this build writes and reads.
pub const BUNDLE_VERSION: u32 = 1;
/// The manifest's name: the last entry of a bundle.
pub const MANIFEST: &str = "manifest.json";
/// The folder of the photos in a bundle.
pub const BLOBS_DIR: &str = "blobs/";

/// The name of the `n`th batch of records (from 1).
pub fn batch_name(n: usize) -> String {
    format!("records-{n:04}.json")
}

/// Whether `name` is a batch of records.
pub fn is_batch(name: &str) -> bool {
    name.strip_prefix("records-")
        .and_then(|rest| rest.strip_suffix(".json"))
        .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// One entry of a bundle, as the manifest names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    pub size: u64,
    /// SHA-256 of the entry's bytes, 64 hex digits.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    /// Who made it, as the laptop knows itself (the office trusts the signature, not these).
    pub user: String,
    pub device_id: i64,
    /// Which device's token signed it: [`signer_of`] its token's hash.
    pub signer: String,
    pub created_at: String,
    pub entries: Vec<Entry>,
    /// HMAC-SHA256 over the manifest without this field, hex.
    #[serde(default)]
    pub signature: String,
}

/// What the office did with a bundle, record by record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub format: String,
    pub version: u32,
    /// The SHA-256 of the bundle's manifest: which bundle this answers.
    pub bundle: String,
    pub signer: String,
    pub imported_at: String,
    pub results: Vec<RecordResult>,
    /// Photos the office now holds complete, `sha256:<hex>`.
    pub blobs_stored: Vec<String>,
    /// Photos a record names that the office still lacks.
    pub missing_blobs: Vec<MissingBlob>,
    #[serde(default)]
    pub signature: String,
}

/// SHA-256 as 64 hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The hash of a device token as the office keeps it: what bundles and receipts are signed
/// with.
pub fn token_key(token: &str) -> String {
    sha256_hex(token.trim().as_bytes())
}

/// Which device signed, without telling the key: a hash of the key.
pub fn signer_of(key: &str) -> String {
    sha256_hex(format!("ovop-bundle-signer:{key}").as_bytes())
}

fn mac(key: &str, bytes: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes());
    hex(hmac::sign(&key, bytes).as_ref())
}

fn verify_mac(key: &str, bytes: &[u8], signature: &str) -> bool {
    let Some(tag) = unhex(signature) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, key.as_bytes());
    hmac::verify(&key, bytes, &tag).is_ok()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The bytes a signature covers: the JSON without its signature.
fn unsigned<T: Serialize + Clone>(value: &T, clear: impl FnOnce(&mut T)) -> Vec<u8> {
    let mut copy = value.clone();
    clear(&mut copy);
    serde_json::to_vec(&copy).unwrap_or_default()
}

impl Manifest {
    /// Signs it with `key` ([`token_key`] of the device's token).
    pub fn sign(&mut self, key: &str) {
        self.signature = mac(key, &unsigned(self, |m| m.signature.clear()));
    }

    /// Whether `key` signed it.
    pub fn signed_by(&self, key: &str) -> bool {
        verify_mac(
            key,
            &unsigned(self, |m| m.signature.clear()),
            &self.signature,
        )
    }
}

impl Receipt {
    pub fn sign(&mut self, key: &str) {
        self.signature = mac(key, &unsigned(self, |r| r.signature.clear()));
    }

    pub fn signed_by(&self, key: &str) -> bool {
        verify_mac(
            key,
            &unsigned(self, |r| r.signature.clear()),
            &self.signature,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
        Manifest {
            format: BUNDLE_FORMAT.into(),
            version: BUNDLE_VERSION,
            user: "budi".into(),
            device_id: 3,
            signer: signer_of(&token_key("ovt_secret")),
            created_at: "2026-12-07T06:00:00Z".into(),
            entries: vec![Entry {
                name: batch_name(1),
                size: 10,
                sha256: sha256_hex(b"0123456789"),
            }],
            signature: String::new(),
        }
    }

    #[test]
    fn a_manifest_signed_with_a_token_is_verified_with_its_hash_and_nothing_else() {
        let key = token_key("ovt_secret");
        let mut m = manifest();
        m.sign(&key);
        assert!(m.signed_by(&key));
        assert!(!m.signed_by(&token_key("ovt_other")));
        let mut changed = m.clone();
        changed.entries[0].size = 11;
        assert!(!changed.signed_by(&key), "a changed manifest is not signed");
        let mut garbled = m.clone();
        garbled.signature = "zz".into();
        assert!(!garbled.signed_by(&key));
        assert_ne!(m.signer, key, "the signer does not tell the key");
    }

    #[test]
    fn batch_names_are_recognised() {
        assert!(is_batch(&batch_name(7)));
        assert!(!is_batch("records-7.json"));
        assert!(!is_batch("records-00a1.json"));
        assert!(!is_batch(MANIFEST));
    }
}
