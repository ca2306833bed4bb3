//! Star decisions and certificates as they travel to the laptops, and the signed code a
//! certificate's QR carries.
//!
//! The code is plain text a phone shows as it reads it, offline:
//!
//! ```text
//! OVOP:C1|OCOP-2026-00001|<product id>|Kerupuk Udang Bu Sari|4|2026-07-01|2029-06-30|9c1d2e3f|<signature>
//! ```
//!
//! number, product id, product name, star, issue date, last valid day, the id of the server's
//! key, and an Ed25519 signature (base64url) of everything before the last `|`. A name is
//! written with `|` and control characters as spaces, at most [`NAME_CHARS`] characters, so
//! the code reads back field by field. [`verify_code`] checks it against the keys a laptop or
//! the command line knows; a code changed in any character is refused.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How a certificate code starts (version 1 of its layout).
pub const CODE_PREFIX: &str = "OVOP:C1|";
/// A product name in a code is cut to this many characters.
pub const NAME_CHARS: usize = 80;

/// A star decision (the office's or the province's *keputusan* / *quyết định*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct DecisionRef {
    pub number: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub authority: String,
}

/// A certificate as issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CertificateRef {
    pub number: String,
    pub issued: String,
    /// The last day it is valid.
    pub valid_until: String,
    /// The signed code its QR carries.
    pub code: String,
}

/// The star a decision awards one product: the change of kind `award` a laptop pulls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Award {
    pub decision: DecisionRef,
    pub programme: String,
    pub assessment_id: String,
    pub product_id: String,
    pub product: String,
    pub producer_id: String,
    pub producer: String,
    pub star: u8,
    /// The star the assessment reached, where the decision awards another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub proposed_star: Option<u8>,
    /// Why the star differs from the proposed one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Three stars and more (the programme's rule): the certificate issued with the award.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub certificate: Option<CertificateRef>,
}

/// What a certificate code says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CertificateCode {
    pub number: String,
    pub product_id: String,
    pub product: String,
    pub star: u8,
    pub issued: String,
    pub valid_until: String,
    /// The signing key's id: 8 hex digits of the SHA-256 of its public key.
    pub key_id: String,
}

/// Why a code was refused, with its stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not a certificate code, or one whose fields do not read.
    #[error("not a certificate code: {0}")]
    Malformed(String),
    /// Signed by a key this side does not know.
    #[error("signed by key {0}, which is not the office's")]
    UnknownKey(String),
    /// The signature does not match: the code was changed, or is forged.
    #[error("the signature does not match: the certificate was changed or forged")]
    BadSignature,
}

impl CodeError {
    pub fn code(&self) -> crate::Code {
        match self {
            CodeError::Malformed(_) => crate::Code::CertificateMalformed,
            CodeError::UnknownKey(_) => crate::Code::CertificateUnknownKey,
            CodeError::BadSignature => crate::Code::CertificateBadSignature,
        }
    }
}

/// A name as a code holds it.
pub fn code_name(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| if c == '|' || c.is_control() { ' ' } else { c })
        .collect();
    spaced
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(NAME_CHARS)
        .collect()
}

fn plain(field: &str) -> bool {
    !field.is_empty()
        && field.len() <= 64
        && field
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:".contains(c))
}

impl CertificateCode {
    /// The signed part: everything before the signature.
    fn message(&self) -> String {
        format!(
            "{CODE_PREFIX}{}|{}|{}|{}|{}|{}|{}",
            self.number,
            self.product_id,
            code_name(&self.product),
            self.star,
            self.issued,
            self.valid_until,
            self.key_id
        )
    }

    /// Checks the fields a code can carry: plain numbers and ids (letters, digits, `-_./:`),
    /// a star 1 to 5, real dates.
    fn check(&self) -> Result<(), CodeError> {
        let bad = |what: &str| Err(CodeError::Malformed(what.to_string()));
        if !plain(&self.number) {
            return bad("the certificate number");
        }
        if !plain(&self.product_id) {
            return bad("the product id");
        }
        if code_name(&self.product).is_empty() {
            return bad("the product name");
        }
        if !(1..=5).contains(&self.star) {
            return bad("the star");
        }
        let issued =
            ovop_core::validity::parse_day(&self.issued).filter(|_| self.issued.len() == 10);
        let until = ovop_core::validity::parse_day(&self.valid_until)
            .filter(|_| self.valid_until.len() == 10);
        match (issued, until) {
            (Some(i), Some(u)) if i <= u => {}
            _ => return bad("the dates"),
        }
        if self.key_id.len() != 8 || !self.key_id.chars().all(|c| c.is_ascii_hexdigit()) {
            return bad("the key id");
        }
        Ok(())
    }
}

/// The server's signing key: an Ed25519 key kept as PKCS#8 bytes.
pub struct SigningKey {
    pair: Ed25519KeyPair,
}

/// A public key: `ed25519:` and its 32 bytes in base64url.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    bytes: Vec<u8>,
}

impl PublicKey {
    pub fn parse(text: &str) -> Result<PublicKey, CodeError> {
        let bytes = text
            .trim()
            .strip_prefix("ed25519:")
            .and_then(|b| URL_SAFE_NO_PAD.decode(b).ok())
            .filter(|b| b.len() == 32)
            .ok_or_else(|| CodeError::Malformed("a public key is ed25519: and 32 bytes".into()))?;
        Ok(PublicKey { bytes })
    }

    pub fn text(&self) -> String {
        format!("ed25519:{}", URL_SAFE_NO_PAD.encode(&self.bytes))
    }

    /// 8 hex digits of the key's SHA-256.
    pub fn id(&self) -> String {
        Sha256::digest(&self.bytes)
            .iter()
            .take(4)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl SigningKey {
    /// A new key, as PKCS#8 bytes to keep.
    pub fn generate() -> Result<Vec<u8>, String> {
        let rng = ring::rand::SystemRandom::new();
        Ed25519KeyPair::generate_pkcs8(&rng)
            .map(|doc| doc.as_ref().to_vec())
            .map_err(|_| "no randomness to make a signing key".to_string())
    }

    pub fn from_pkcs8(bytes: &[u8]) -> Result<SigningKey, String> {
        Ed25519KeyPair::from_pkcs8(bytes)
            .map(|pair| SigningKey { pair })
            .map_err(|_| "the signing key is not an Ed25519 PKCS#8 key".to_string())
    }

    /// The key of a 32-byte seed (a fixed key for reference documents and tests).
    pub fn from_seed(seed: &[u8; 32]) -> Result<SigningKey, String> {
        Ed25519KeyPair::from_seed_unchecked(seed)
            .map(|pair| SigningKey { pair })
            .map_err(|_| "not an Ed25519 seed".to_string())
    }

    pub fn public(&self) -> PublicKey {
        PublicKey {
            bytes: self.pair.public_key().as_ref().to_vec(),
        }
    }

    /// The code for a certificate, signed; its `key_id` is set to this key's.
    pub fn sign(&self, code: &CertificateCode) -> Result<String, CodeError> {
        let code = CertificateCode {
            key_id: self.public().id(),
            product: code_name(&code.product),
            ..code.clone()
        };
        code.check()?;
        let message = code.message();
        let signature = self.pair.sign(message.as_bytes());
        Ok(format!(
            "{message}|{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }
}

/// Reads a code without checking its signature.
pub fn read_code(text: &str) -> Result<(CertificateCode, Vec<u8>), CodeError> {
    let text = text.trim();
    let rest = text
        .strip_prefix(CODE_PREFIX)
        .ok_or_else(|| CodeError::Malformed(format!("it does not start with {CODE_PREFIX}")))?;
    let fields: Vec<&str> = rest.split('|').collect();
    let [number, product_id, product, star, issued, valid_until, key_id, signature] =
        fields.as_slice()
    else {
        return Err(CodeError::Malformed(format!(
            "it has {} fields, not 8",
            fields.len()
        )));
    };
    let code = CertificateCode {
        number: number.to_string(),
        product_id: product_id.to_string(),
        product: product.to_string(),
        star: star
            .parse()
            .map_err(|_| CodeError::Malformed("the star".into()))?,
        issued: issued.to_string(),
        valid_until: valid_until.to_string(),
        key_id: key_id.to_string(),
    };
    code.check()?;
    if code_name(&code.product) != code.product {
        return Err(CodeError::Malformed("the product name".into()));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .filter(|s| s.len() == 64)
        .ok_or_else(|| CodeError::Malformed("the signature".into()))?;
    Ok((code, signature))
}

/// Reads a code and checks its signature against `keys` (the office's, as the laptop or the
/// command line knows them).
pub fn verify_code(text: &str, keys: &[PublicKey]) -> Result<CertificateCode, CodeError> {
    let (code, signature) = read_code(text)?;
    let key = keys
        .iter()
        .find(|k| k.id() == code.key_id)
        .ok_or_else(|| CodeError::UnknownKey(code.key_id.clone()))?;
    UnparsedPublicKey::new(&ED25519, &key.bytes)
        .verify(code.message().as_bytes(), &signature)
        .map_err(|_| CodeError::BadSignature)?;
    Ok(code)
}

/// Finds a certificate code inside a longer text (a PDF's words, a file a phone saved): from
/// its prefix to the end of its line.
pub fn find_code(text: &str) -> Option<&str> {
    let start = text.find(CODE_PREFIX)?;
    let rest = &text[start..];
    let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    Some(rest[..end].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CertificateCode {
        CertificateCode {
            number: "OCOP-2026-00001".into(),
            product_id: "01J9ZK0000000000000000PROD".into(),
            product: "Kerupuk Udang | Bu Sari\n".into(),
            star: 4,
            issued: "2026-07-01".into(),
            valid_until: "2029-06-30".into(),
            key_id: String::new(),
        }
    }

    fn key() -> SigningKey {
        SigningKey::from_pkcs8(&SigningKey::generate().unwrap()).unwrap()
    }

    #[test]
    fn a_signed_code_verifies_and_reads_back() {
        let key = key();
        let text = key.sign(&sample()).unwrap();
        assert!(text.starts_with("OVOP:C1|OCOP-2026-00001|01J9ZK0000000000000000PROD|Kerupuk Udang Bu Sari|4|2026-07-01|2029-06-30|"));
        let code = verify_code(&text, &[key.public()]).unwrap();
        assert_eq!(code.product, "Kerupuk Udang Bu Sari");
        assert_eq!(code.key_id, key.public().id());
        assert_eq!(
            PublicKey::parse(&key.public().text()).unwrap(),
            key.public()
        );
        assert_eq!(
            find_code(&format!("Kode: {text}\nlain")),
            Some(text.as_str())
        );
    }

    #[test]
    fn a_changed_character_anywhere_is_refused() {
        let key = key();
        let text = key.sign(&sample()).unwrap();
        let tampered = text.replacen("|4|", "|5|", 1);
        assert_eq!(
            verify_code(&tampered, &[key.public()]),
            Err(CodeError::BadSignature)
        );
        let later = text.replacen("2029-06-30", "2031-06-30", 1);
        assert_eq!(
            verify_code(&later, &[key.public()]),
            Err(CodeError::BadSignature)
        );
        let other = self::key();
        assert!(matches!(
            verify_code(&text, &[other.public()]),
            Err(CodeError::UnknownKey(_))
        ));
        // A code signed by another key under this key's id is still refused.
        let forged = other.sign(&sample()).unwrap();
        let (head, sig) = forged.rsplit_once('|').unwrap();
        let (head, _) = head.rsplit_once('|').unwrap();
        let forged = format!("{head}|{}|{sig}", key.public().id());
        assert_eq!(
            verify_code(&forged, &[key.public()]),
            Err(CodeError::BadSignature)
        );
        for broken in [
            "",
            "OVOP:C1|",
            "OVOP:C2|a|b|c|4|2026-07-01|2029-06-30|00000000|xx",
            &text.replacen("|4|", "|9|", 1),
            &text.replacen("|4|", "|four|", 1),
            &text.replacen("2026-07-01", "2026-13-01", 1),
            &text.replacen("2026-07-01", "2030-07-01", 1),
            &format!("{text}|extra"),
            &text[..text.len() - 3],
        ] {
            assert!(
                matches!(
                    verify_code(broken, &[key.public()]),
                    Err(CodeError::Malformed(_))
                ),
                "{broken}"
            );
        }
    }

    #[test]
    fn what_cannot_be_a_code_is_not_signed() {
        let key = key();
        for edit in [
            (|c: &mut CertificateCode| c.star = 0) as fn(&mut CertificateCode),
            |c| c.number = "OCOP 2026".into(),
            |c| c.product = " | \t".into(),
            |c| c.valid_until = "2026-06-30".into(),
        ] {
            let mut code = sample();
            edit(&mut code);
            assert!(key.sign(&code).is_err());
        }
        assert!(SigningKey::from_pkcs8(b"not a key").is_err());
        assert!(PublicKey::parse("ed25519:AAAA").is_err());
        let long = CertificateCode {
            product: "Đ".repeat(200),
            ..sample()
        };
        let text = key.sign(&long).unwrap();
        assert_eq!(
            verify_code(&text, &[key.public()])
                .unwrap()
                .product
                .chars()
                .count(),
            NAME_CHARS
        );
    }
}
