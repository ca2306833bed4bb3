//! Photos and scans, content-addressed by SHA-256 in a folder beside the database
//! (`<db>.files/ab/abcdef...`), with a small JPEG thumbnail beside each. A file that does not
//! decode as an image is refused with a clear message; the same photo added twice is stored once.

use std::io::Cursor;
use std::path::PathBuf;

use image::{ImageFormat, ImageReader};
use rusqlite::params;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Result, Store, StoreError};
use ovop_core::Code;

/// The largest photo accepted (a phone's full-size JPEG is 3-8 MB).
pub const MAX_PHOTO_BYTES: usize = 25 * 1024 * 1024;
const THUMBNAIL_EDGE: u32 = 320;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Photo {
    pub sha256: String,
    pub size: u32,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub name: String,
    /// For an assessment's photo: the criterion it is evidence for ("" for the whole sheet).
    pub criterion: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    #[error("{name}: this file type is not accepted; use a JPEG or PNG photo")]
    Unsupported { name: String },
    #[error("{name}: the file cannot be read as a picture ({reason}); it may be damaged")]
    Unreadable { name: String, reason: String },
    #[error("{name}: the photo is larger than {} MB", MAX_PHOTO_BYTES / 1024 / 1024)]
    TooLarge { name: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl PhotoError {
    pub fn code(&self) -> &'static str {
        match self {
            PhotoError::Unsupported { .. } => Code::PhotoUnsupported.as_str(),
            PhotoError::Unreadable { .. } => Code::PhotoUnreadable.as_str(),
            PhotoError::TooLarge { .. } => Code::PhotoTooLarge.as_str(),
            PhotoError::Store(e) => e.code(),
        }
    }
}

pub(crate) fn io(e: std::io::Error) -> StoreError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        StoreError::DiskFull
    } else {
        StoreError::Io(e.to_string())
    }
}

impl Store {
    /// The folder of photo files beside the database.
    pub fn files_dir(&self) -> PathBuf {
        crate::beside(self.path(), ".files")
    }

    pub(crate) fn photo_path(&self, sha256: &str, suffix: &str) -> PathBuf {
        self.files_dir()
            .join(&sha256[..2])
            .join(format!("{sha256}{suffix}"))
    }

    /// Adds a photo to a producer, product or assessment (with the criterion it is evidence for,
    /// `doc:<kind>` for a scan of a dossier document, or "" for none). The file is written
    /// (atomically) before the row that names it, so a crash leaves at worst an unreferenced
    /// file, never a row without its bytes.
    pub fn add_photo(
        &mut self,
        owner_kind: &str,
        owner_id: &str,
        criterion: &str,
        name: &str,
        bytes: &[u8],
        now: &str,
    ) -> std::result::Result<Photo, PhotoError> {
        let name = name.trim();
        if bytes.len() > MAX_PHOTO_BYTES {
            return Err(PhotoError::TooLarge { name: name.into() });
        }
        let format = image::guess_format(bytes)
            .map_err(|_| PhotoError::Unsupported { name: name.into() })?;
        let mime = match format {
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Png => "image/png",
            _ => return Err(PhotoError::Unsupported { name: name.into() }),
        };
        // The JPEG decoder fills a cut-off file with grey rather than fail: a photo copied
        // half-way from a memory card would pass. A whole JPEG ends with its EOI marker.
        if format == ImageFormat::Jpeg
            && !bytes[bytes.len().saturating_sub(64)..]
                .windows(2)
                .any(|w| w == [0xff, 0xd9])
        {
            return Err(PhotoError::Unreadable {
                name: name.into(),
                reason: "the file is cut short".into(),
            });
        }
        let decoded = ImageReader::with_format(Cursor::new(bytes), format)
            .decode()
            .map_err(|e| PhotoError::Unreadable {
                name: name.into(),
                reason: e.to_string(),
            })?;
        match owner_kind {
            "producer" => drop(self.producer(owner_id)?),
            "product" => drop(self.product(owner_id)?),
            "assessment" => {
                // A final revision's evidence is as locked as its answers: a photo goes on the
                // correction (a new draft revision) instead.
                let assessment = self.assessment(owner_id)?;
                if assessment.status != "draft" {
                    return Err(StoreError::Locked(owner_id.into()).into());
                }
                let known = criterion.is_empty()
                    || dossier_kind(criterion).is_some()
                    || self
                        .rubric_of(&assessment)?
                        .set()
                        .criteria()
                        .any(|c| c.code == criterion);
                if !known {
                    return Err(StoreError::Invalid(format!(
                        "criterion {criterion} is not on this assessment's sheet"
                    ))
                    .into());
                }
            }
            "coaching_visit" => {
                // A visit's photos travel with it: they are added before it is sent.
                drop(self.coaching_visit(owner_id)?);
                if !self.visit_takes_photos(owner_id)? {
                    return Err(StoreError::Locked(owner_id.into()).into());
                }
                if !criterion.is_empty() {
                    return Err(StoreError::Invalid(
                        "a visit's photo is not evidence for a criterion".into(),
                    )
                    .into());
                }
            }
            other => {
                return Err(StoreError::Invalid(format!(
                    "photos belong to a producer, product, assessment or visit, not {other:?}"
                ))
                .into())
            }
        }

        let sha256 = hex(&Sha256::digest(bytes));
        let original = self.photo_path(&sha256, "");
        if !original.exists() {
            let mut thumb = Vec::new();
            decoded
                .thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE)
                .to_rgb8()
                .write_to(&mut Cursor::new(&mut thumb), ImageFormat::Jpeg)
                .map_err(|e| PhotoError::Unreadable {
                    name: name.into(),
                    reason: e.to_string(),
                })?;
            write_atomically(&self.photo_path(&sha256, ".thumb.jpg"), &thumb)?;
            write_atomically(&original, bytes)?;
        }
        let tx = self.conn().transaction().map_err(StoreError::from)?;
        tx.execute(
            "INSERT INTO photo (sha256, size, mime, width, height, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![sha256, bytes.len() as u32, mime, decoded.width(), decoded.height(), now],
        )
        .map_err(StoreError::from)?;
        let linked = tx
            .execute(
                "INSERT INTO photo_link (owner_kind, owner_id, sha256, name, criterion, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                params![owner_kind, owner_id, sha256, name, criterion, now],
            )
            .map_err(StoreError::from)?;
        // A producer's or product's photo added after the record travelled travels as an edit.
        if linked > 0 && matches!(owner_kind, "producer" | "product") {
            crate::edits::queue_photo_edit(
                &tx,
                owner_kind,
                owner_id,
                &sha256,
                bytes.len() as u64,
                now,
            )?;
        }
        tx.commit().map_err(StoreError::from)?;
        Ok(self
            .photos(owner_kind, owner_id)?
            .into_iter()
            .find(|p| p.sha256 == sha256 && p.criterion == criterion)
            .ok_or_else(|| StoreError::NotFound {
                what: "photo",
                id: sha256,
            })?)
    }

    /// A record's photos, oldest first (their thumbnails are read with `thumbnail_bytes`).
    pub fn photos(&self, owner_kind: &str, owner_id: &str) -> Result<Vec<Photo>> {
        let mut stmt = self.read().prepare_cached(
            "SELECT p.sha256, p.size, p.mime, p.width, p.height, l.name, l.criterion FROM photo_link l JOIN photo p ON p.sha256 = l.sha256
             WHERE l.owner_kind = ?1 AND l.owner_id = ?2 ORDER BY l.added_at, l.name",
        )?;
        let rows = stmt.query_map(params![owner_kind, owner_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get::<_, String>(6)?,
            ))
        })?;
        let mut photos = Vec::new();
        for row in rows {
            let (sha256, size, mime, width, height, name, criterion) = row?;
            photos.push(Photo {
                sha256,
                size,
                mime,
                width,
                height,
                name,
                criterion,
            });
        }
        Ok(photos)
    }

    /// The JPEG thumbnail of a stored photo. Only a SHA-256 in hex is taken as a name, so a
    /// request can never reach a file outside the photo folder.
    pub fn thumbnail_bytes(&self, sha256: &str) -> Result<Vec<u8>> {
        let not_found = || StoreError::NotFound {
            what: "photo",
            id: sha256.chars().take(80).collect(),
        };
        if !is_hex_name(sha256) {
            return Err(not_found());
        }
        std::fs::read(self.photo_path(sha256, ".thumb.jpg")).map_err(|_| not_found())
    }

    /// The original bytes of a photo, checked against its hash.
    pub fn photo_bytes(&self, sha256: &str) -> Result<Vec<u8>> {
        let bytes =
            std::fs::read(self.photo_path(sha256, "")).map_err(|_| StoreError::NotFound {
                what: "photo",
                id: sha256.into(),
            })?;
        if hex(&Sha256::digest(&bytes)) != sha256 {
            return Err(StoreError::Corrupt(format!(
                "photo {sha256} does not match its hash"
            )));
        }
        Ok(bytes)
    }
}

/// A photo's name as files are named: a SHA-256 in 64 lower-case hex digits, nothing else (so
/// no path can be built from anything else).
pub(crate) fn is_hex_name(sha256: &str) -> bool {
    sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub(crate) fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    crate::write_whole(path, bytes).map_err(io)
}

/// What a photo of an assessment names as evidence when it is a scan of a dossier document:
/// `doc:` and the document's kind (`doc:halal`).
pub const DOSSIER_SCAN: &str = "doc:";

/// The dossier document a photo's `criterion` names (`doc:halal` names `halal`): a kind is
/// data in the criteria set, so any well-formed one.
pub fn dossier_kind(criterion: &str) -> Option<&str> {
    criterion
        .strip_prefix(DOSSIER_SCAN)
        .filter(|kind| ovop_core::validate::is_document_kind(kind))
}
