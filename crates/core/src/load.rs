//! Reading a criteria set from JSON, and its canonical content hash.

use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::codes::Code;
use crate::criteria::{CriteriaSet, FORMAT_VERSION};

/// Why a criteria file could not be read. Every variant says where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// Not JSON at all (a truncated file, a stray comma).
    #[error("not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// JSON, but not a criteria set: `path` names the offending value (`parts[0].sections`).
    #[error("at {path}: {message}")]
    Schema { path: String, message: String },
    /// Written by a newer version of the app.
    #[error("format {found} is newer than this app reads ({supported}); update the app")]
    NewerFormat { found: u32, supported: u32 },
}

impl LoadError {
    /// A stable code for translations and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Syntax { .. } => Code::CriteriaJsonSyntax.as_str(),
            LoadError::Schema { .. } => Code::CriteriaSchema.as_str(),
            LoadError::NewerFormat { .. } => Code::CriteriaNewerFormat.as_str(),
        }
    }
}

/// Parses a criteria set, naming the JSON path of the first value that does not fit.
pub fn parse_set(json: &str) -> Result<CriteriaSet, LoadError> {
    match parse_json::<CriteriaSet>(json) {
        Ok(set) if set.format > FORMAT_VERSION => Err(LoadError::NewerFormat {
            found: set.format,
            supported: FORMAT_VERSION,
        }),
        Ok(set) => Ok(set),
        // A newer format may add fields this build refuses: say so rather than blame a field.
        Err(LoadError::Schema { .. })
            if declared_format(json).is_some_and(|f| f > FORMAT_VERSION) =>
        {
            Err(LoadError::NewerFormat {
                found: declared_format(json).unwrap_or_default(),
                supported: FORMAT_VERSION,
            })
        }
        Err(err) => Err(err),
    }
}

/// Deserialises JSON into `T`; a value that does not fit is reported with its JSON path.
pub(crate) fn parse_json<T: DeserializeOwned>(json: &str) -> Result<T, LoadError> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize::<_, T>(de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            LoadError::Syntax {
                line: inner.line(),
                column: inner.column(),
                message: strip_position(&inner.to_string()),
            }
        } else {
            LoadError::Schema {
                path: if path == "." {
                    "(top level)".into()
                } else {
                    path
                },
                message: strip_position(&inner.to_string()),
            }
        }
    })
}

fn declared_format(json: &str) -> Option<u32> {
    let value: Value = serde_json::from_str(json).ok()?;
    value
        .get("format")?
        .as_u64()
        .and_then(|f| u32::try_from(f).ok())
}

/// serde_json appends " at line L column C"; the path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The set's canonical content hash: SHA-256 over its JSON with object keys sorted and no
/// whitespace, as `sha256:<hex>`. Formatting and key order of the file do not change it;
/// any change of content does.
pub fn content_hash(set: &CriteriaSet) -> String {
    canonical_hash(&serde_json::to_value(set).unwrap_or(Value::Null))
}

/// SHA-256 of a JSON value's canonical form (sorted keys, no whitespace), as `sha256:<hex>`.
/// The one hash of content used for criteria sets and assessment records alike.
pub fn canonical_hash(value: &Value) -> String {
    let mut canonical = Vec::with_capacity(16 * 1024);
    write_canonical(value, &mut canonical);
    let digest = Sha256::digest(&canonical);
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(7 + 64);
    hex.push_str("sha256:");
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 15)]));
    }
    hex
}

/// Sorted keys whatever serde_json's map type is (a crate elsewhere in the build may enable
/// its insertion-ordered maps). Strings and numbers are written as serde_json writes them,
/// straight into `out` (a push hashes every record it receives: no copy on the way).
fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_scalar(key.as_str(), out);
                out.push(b':');
                write_canonical(item, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        other => write_scalar(other, out),
    }
}

/// A string, number, boolean or null in serde_json's compact form (writing to memory cannot
/// fail).
fn write_scalar<T: serde::Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) {
    let _ = serde_json::to_writer(&mut *out, value);
}
