//! The region's history, pulled from the office: assessments made on other laptops (a
//! colleague's, or this officer's own from a laptop they no longer have), stored final and
//! read-only as they were sent, and their photos: known by hash, a thumbnail while the
//! officer's disk budget allows, the whole photo on demand, resumable and checked.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ovop_core::catalog::Catalog;
use ovop_core::{parse_set, Rubric};
use ovop_protocol::AssessmentBody;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::assessments::encode;
use crate::photos::{hex, io, is_hex_name, write_atomically};
use crate::{Result, Store, StoreError};

/// The setting that holds the officer's disk budget for pulled photos, in megabytes.
pub const PHOTO_BUDGET_KEY: &str = "photos.pull_budget_mb";
/// The budget when the officer set none.
pub const DEFAULT_PHOTO_BUDGET_MB: u64 = 2048;
/// What a thumbnail is reckoned to take before it is fetched.
const THUMBNAIL_ESTIMATE: u64 = 32 * 1024;

fn shipped() -> &'static Catalog {
    static SHIPPED: OnceLock<Catalog> = OnceLock::new();
    SHIPPED.get_or_init(Catalog::shipped)
}

/// What the pulled photos take on disk, and what the officer allows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct PhotoBudget {
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub budget_bytes: u64,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub used_bytes: u64,
    /// Photos known from pulled records, with a thumbnail here, and whole here.
    pub photos: u32,
    pub thumbnails: u32,
    pub whole: u32,
}

/// A photo of a pulled record, as the screen lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct PulledPhoto {
    /// The SHA-256 in hex (the name its thumbnail and bytes are read by).
    pub sha256: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub size: u64,
    pub thumbnail: bool,
    pub whole: bool,
    /// Bytes of the whole photo already here from a download that was cut.
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub partial: u64,
}

impl Store {
    /// Stores one pulled assessment revision (a change of kind `assessment`; see the server's
    /// feed). `me` is this laptop's officer (their user name). Returns whether it was stored: a
    /// revision already here (this laptop's own, or a draft of it) is never written over, and a
    /// revision whose product this laptop cannot see, or whose set it cannot find, is skipped.
    pub(crate) fn keep_pulled_assessment(
        &mut self,
        id: &str,
        change: &Value,
        me: Option<&str>,
        now: &str,
    ) -> Result<bool> {
        let Some(record) = change.get("record") else {
            return Ok(false);
        };
        let Ok(body) = serde_json::from_value::<AssessmentBody>(record.clone()) else {
            return Ok(false);
        };
        if body.id != id || body.revision < 1 {
            return Ok(false);
        }
        let here: Option<i64> = self
            .read()
            .query_row(
                "SELECT revision FROM assessment WHERE id = ?1 AND revision = ?2",
                params![id, body.revision],
                |r| r.get(0),
            )
            .optional()?;
        if here.is_some() || self.product(&body.product_id).is_err() {
            return Ok(false);
        }
        // The set the revision was scored on: frozen here already, shipped with the app, or
        // sent with the change (an office's own set); its content must have the named hash.
        let hash = body.result.set.hash.clone();
        let known: bool = self
            .read()
            .query_row(
                "SELECT 1 FROM criteria_set WHERE hash = ?1",
                [&hash],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        let rubric = if known {
            None
        } else {
            let from_app = shipped()
                .get(&body.result.set.id, Some(&body.result.set.version))
                .filter(|e| e.rubric.hash() == hash)
                .map(|e| e.rubric.clone());
            let sent = || {
                change
                    .get("set")
                    .filter(|s| !s.is_null())
                    .and_then(|s| parse_set(&s.to_string()).ok())
                    .and_then(|set| Rubric::new(set).ok())
                    .filter(|r| r.hash() == hash)
            };
            match from_app.or_else(sent) {
                Some(rubric) => Some(rubric),
                None => return Ok(false),
            }
        };
        let text = |key: &str| change.get(key).and_then(Value::as_str).map(str::to_string);
        let owner = text("officer");
        let mine = owner.is_some() && owner.as_deref() == me;
        let status = match text("status").as_deref() {
            Some("approved") | Some("returned") => "reviewed",
            _ => "synced",
        };
        let (total, star) = match &body.verdict {
            Some(v) => (v.total, v.star),
            None => (body.result.total.into(), body.result.star),
        };
        let at = body.finalized_at.clone().unwrap_or_else(|| now.to_string());
        let visit = &body.visit;
        let tx = self.conn().transaction()?;
        if let Some(rubric) = &rubric {
            Store::freeze_set(&tx, rubric)?;
        }
        tx.execute(
            "INSERT INTO assessment (id, revision, supersedes, reason, product_id, criteria_hash, status, assessed_on, region_code,
               latitude, longitude, assessors, answers, result, total, star, content_hash, created_at, updated_at, finalized_at,
               council_result, verdict, round, level, kind, roster, pulled_from, pulled_officer, pulled_mine)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?18, ?18,
               ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)",
            params![
                id,
                body.revision,
                body.supersedes,
                body.reason,
                body.product_id,
                hash,
                // A draft while its council's sheets are written (a final revision's are
                // locked), then final below.
                "draft",
                visit.assessed_on,
                visit.region_code,
                visit.latitude,
                visit.longitude,
                encode(&visit.assessors)?,
                encode(&body.answers.clone().unwrap_or_default())?,
                encode(&body.result)?,
                total,
                star,
                body.local_hash,
                at,
                body.council_result.as_ref().map(encode).transpose()?,
                body.verdict.as_ref().map(encode).transpose()?,
                visit.round,
                visit.level,
                visit.kind.map(|k| k.as_str()),
                visit.roster.as_ref().map(encode).transpose()?,
                owner,
                text("officer_name").or_else(|| owner.clone()),
                mine,
            ],
        )?;
        // The other members' sheets of a council (member 1's are `answers`), each with the
        // assessor the visit names, so that a correction here keeps the whole council.
        for (i, sheet) in body.council.iter().flatten().enumerate() {
            let name = sheet.assessor.clone().unwrap_or_default();
            let assessor = visit
                .assessors
                .iter()
                .find(|a| a.name == name)
                .cloned()
                .unwrap_or(ovop_protocol::Assessor {
                    name,
                    ..ovop_protocol::Assessor::default()
                });
            tx.execute(
                "INSERT INTO council_sheet (assessment_id, revision, member, assessor, answers, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![id, body.revision, i as i64 + 2, encode(&assessor)?, encode(sheet)?, at],
            )?;
        }
        let mut seen = HashSet::new();
        for doc in &body.evidence {
            if !seen.insert((doc.kind.clone(), doc.criterion.clone())) {
                continue;
            }
            tx.execute(
                "INSERT INTO evidence_document (assessment_id, revision, kind, criterion, present, number, issued_on, issuer, expires_on, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![id, body.revision, doc.kind, doc.criterion, doc.present, doc.number, doc.issued_on, doc.issuer, doc.expires_on, doc.note],
            )?;
        }
        remember_photos(
            &tx,
            "assessment",
            id,
            body.revision,
            change.get("blobs"),
            now,
        )?;
        tx.execute(
            "UPDATE assessment SET status = ?3 WHERE id = ?1 AND revision = ?2",
            params![id, body.revision, status],
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// The officer's budget for pulled photos, and what they take now.
    pub fn photo_budget(&self) -> Result<PhotoBudget> {
        let mb = self
            .setting(PHOTO_BUDGET_KEY)?
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(DEFAULT_PHOTO_BUDGET_MB);
        let (used, photos, thumbnails, whole): (i64, i64, i64, i64) = self.read().query_row(
            "SELECT COALESCE(SUM(CASE WHEN own = 1 THEN 0
                      ELSE COALESCE(thumb_size, 0) + CASE WHEN full_at IS NOT NULL THEN size ELSE 0 END END), 0),
                    COUNT(*), COUNT(thumb_at), COUNT(full_at)
             FROM remote_photo",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        Ok(PhotoBudget {
            budget_bytes: mb.saturating_mul(1024 * 1024),
            used_bytes: used.max(0) as u64,
            photos: photos as u32,
            thumbnails: thumbnails as u32,
            whole: whole as u32,
        })
    }

    /// Sets the budget for pulled photos, in megabytes (0 fetches none). A budget lower than
    /// what they take frees the difference at once: whole photos first, then thumbnails, those
    /// pulled longest ago first (see [`Store::fit_photo_budget`]).
    pub fn set_photo_budget_mb(&mut self, mb: u64, now: &str) -> Result<()> {
        if mb > 1024 * 1024 {
            return Err(StoreError::Invalid(
                "the photo budget is given in megabytes, at most 1,048,576".into(),
            ));
        }
        self.set_setting(PHOTO_BUDGET_KEY, Some(&mb.to_string()), now)?;
        self.fit_photo_budget()?;
        Ok(())
    }

    /// Frees pulled photos until they fit the budget: the whole bytes of photos fetched on
    /// demand first, then thumbnails, the oldest pulled first. Photos this laptop holds as its
    /// own are never touched; what is freed comes again on demand (or at the next sync, while it
    /// fits). Returns how many files were removed.
    pub fn fit_photo_budget(&mut self) -> Result<u32> {
        let budget = self.photo_budget()?;
        let mut over = budget.used_bytes.saturating_sub(budget.budget_bytes);
        if over == 0 {
            return Ok(0);
        }
        let candidates: Vec<(String, i64, bool)> = {
            let mut stmt = self.read().prepare(
                "SELECT sha256, size, 1 AS whole, seen_at FROM remote_photo WHERE own = 0 AND full_at IS NOT NULL
                 UNION ALL
                 SELECT sha256, thumb_size, 0, seen_at FROM remote_photo WHERE own = 0 AND COALESCE(thumb_size, 0) > 0
                 ORDER BY whole DESC, seen_at, sha256",
            )?;
            let rows =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? == 1)))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let mut freed = 0;
        for (sha256, size, whole) in candidates {
            if over == 0 {
                break;
            }
            let tx = self.conn().transaction()?;
            if whole {
                // Still named by a record of this laptop's own (a photo added here since)? Kept.
                let linked: bool = tx
                    .query_row(
                        "SELECT 1 FROM photo_link WHERE sha256 = ?1 LIMIT 1",
                        [&sha256],
                        |_| Ok(()),
                    )
                    .optional()?
                    .is_some();
                if linked {
                    continue;
                }
                tx.execute("DELETE FROM photo WHERE sha256 = ?1", [&sha256])?;
                tx.execute(
                    "UPDATE remote_photo SET full_at = NULL WHERE sha256 = ?1",
                    [&sha256],
                )?;
            } else {
                tx.execute(
                    "UPDATE remote_photo SET thumb_at = NULL, thumb_size = NULL WHERE sha256 = ?1",
                    [&sha256],
                )?;
            }
            tx.commit()?;
            // The row first, then the file: a crash between leaves a file nothing names.
            let file = self.photo_path(&sha256, if whole { "" } else { ".thumb.jpg" });
            match std::fs::remove_file(&file) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(e)),
            }
            over = over.saturating_sub(size.max(0) as u64);
            freed += 1;
        }
        Ok(freed)
    }

    /// The thumbnails to fetch next, newest records first, as many as the budget leaves room
    /// for (at most `limit`): `(sha256 hex, size of the whole photo)`.
    pub fn thumbnails_wanted(&self, limit: usize) -> Result<Vec<(String, u64)>> {
        let budget = self.photo_budget()?;
        let room = budget.budget_bytes.saturating_sub(budget.used_bytes) / THUMBNAIL_ESTIMATE;
        let take = (room as usize).min(limit);
        if take == 0 {
            return Ok(Vec::new());
        }
        let mut stmt = self.read().prepare_cached(
            "SELECT sha256, size FROM remote_photo WHERE thumb_at IS NULL ORDER BY seen_at DESC, sha256 LIMIT ?1",
        )?;
        let rows = stmt.query_map([take as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.max(0) as u64))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Keeps a pulled photo's thumbnail (a JPEG the server made); `None`: the server has none
    /// (not a picture), and it is not asked for again.
    pub fn keep_thumbnail(&mut self, sha256: &str, bytes: Option<&[u8]>, now: &str) -> Result<()> {
        if !is_hex_name(sha256) {
            return Err(StoreError::Invalid(format!(
                "{:?} is not a photo's name",
                sha256.chars().take(80).collect::<String>()
            )));
        }
        let size = match bytes {
            Some(bytes) => {
                if !bytes.starts_with(&[0xFF, 0xD8]) {
                    return Err(StoreError::Invalid(
                        "the server's thumbnail is not a JPEG picture".into(),
                    ));
                }
                let path = self.photo_path(sha256, ".thumb.jpg");
                if !path.exists() {
                    write_atomically(&path, bytes)?;
                }
                bytes.len() as i64
            }
            None => 0,
        };
        self.conn().execute(
            "UPDATE remote_photo SET thumb_at = ?2, thumb_size = ?3 WHERE sha256 = ?1 AND thumb_at IS NULL",
            params![sha256, now, size],
        )?;
        Ok(())
    }

    /// The photos pulled with a record: an assessment revision's, or a producer's or product's
    /// (whose `revision` is not asked), by hash. Photos this laptop added itself are not listed
    /// (they are its own, in `photos`).
    pub fn pulled_photos(
        &self,
        owner_kind: &str,
        owner_id: &str,
        revision: i64,
    ) -> Result<Vec<PulledPhoto>> {
        let mut stmt = self.read().prepare_cached(
            "SELECT DISTINCT p.sha256, p.size, p.thumb_size, p.full_at FROM remote_photo_link l JOIN remote_photo p ON p.sha256 = l.sha256
             WHERE l.owner_kind = ?1 AND l.owner_id = ?2 AND (?1 <> 'assessment' OR l.revision = ?3)
               AND NOT EXISTS (SELECT 1 FROM photo_link o WHERE o.owner_kind = ?1 AND o.owner_id = ?2 AND o.sha256 = p.sha256)
             ORDER BY p.sha256",
        )?;
        let rows = stmt.query_map(params![owner_kind, owner_id, revision], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (sha256, size, thumb, full) = row?;
            let partial = std::fs::metadata(self.partial_photo(&sha256)).map_or(0, |m| m.len());
            out.push(PulledPhoto {
                thumbnail: thumb.is_some_and(|s| s > 0)
                    || self.photo_path(&sha256, ".thumb.jpg").exists(),
                whole: full.is_some(),
                partial,
                size: size.max(0) as u64,
                sha256,
            });
        }
        Ok(out)
    }

    /// Where a pulled photo's bytes gather while they download (a cut download resumes from
    /// this file's length).
    pub fn partial_photo(&self, sha256: &str) -> PathBuf {
        self.files_dir().join("partial").join(sha256)
    }

    /// What is known of a pulled photo: `(size, whole here)`; `NotFound` for a photo no pulled
    /// record names.
    pub fn pulled_photo(&self, sha256: &str) -> Result<(u64, bool)> {
        let row: Option<(i64, Option<String>)> = self
            .read()
            .query_row(
                "SELECT size, full_at FROM remote_photo WHERE sha256 = ?1",
                [sha256],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(size, full)| (size.max(0) as u64, full.is_some()))
            .ok_or_else(|| StoreError::NotFound {
                what: "photo",
                id: sha256.chars().take(80).collect(),
            })
    }

    /// Whether the budget has room for the whole of this pulled photo.
    pub fn budget_allows(&self, size: u64) -> Result<bool> {
        let budget = self.photo_budget()?;
        Ok(budget.used_bytes.saturating_add(size) <= budget.budget_bytes)
    }

    /// Drops a partial download (the server sent the photo whole from the start, or the
    /// bytes did not have their hash).
    pub fn drop_partial(&self, sha256: &str) -> Result<()> {
        match std::fs::remove_file(self.partial_photo(sha256)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(e)),
        }
    }

    /// Puts a downloaded photo in its place once all its bytes are here and have its hash; a
    /// mismatch throws the partial file away (`BackupDamaged` is not used: the photo is
    /// `Invalid` and downloads again from the start).
    pub fn finish_pulled_photo(&mut self, sha256: &str, now: &str) -> Result<()> {
        let (size, _) = self.pulled_photo(sha256)?;
        let path = self.partial_photo(sha256);
        let bytes = std::fs::read(&path).map_err(io)?;
        if bytes.len() as u64 != size || hex(&Sha256::digest(&bytes)) != sha256 {
            self.drop_partial(sha256)?;
            return Err(StoreError::Invalid(format!(
                "the photo's bytes do not have the hash it is named by ({} of {size} bytes); it downloads again from the start",
                bytes.len()
            )));
        }
        let format = image::guess_format(&bytes).ok();
        let mime = match format {
            Some(image::ImageFormat::Png) => "image/png",
            Some(image::ImageFormat::Jpeg) => "image/jpeg",
            _ => "application/octet-stream",
        };
        let (width, height) = format
            .and_then(|f| {
                image::ImageReader::with_format(std::io::Cursor::new(&bytes), f)
                    .into_dimensions()
                    .ok()
            })
            .unwrap_or((0, 0));
        install(&path, &self.photo_path(sha256, ""))?;
        let tx = self.conn().transaction()?;
        tx.execute(
            "INSERT INTO photo (sha256, size, mime, width, height, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![sha256, size as i64, mime, width, height, now],
        )?;
        tx.execute(
            "UPDATE remote_photo SET full_at = ?2 WHERE sha256 = ?1",
            params![sha256, now],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Keeps the photos a pulled record names (`[{sha256, size}]`) as known by hash, linked to
/// their owner (`revision` 0 for a producer or product). A photo this laptop holds whole
/// already (its own, or fetched before) is whole, and takes none of the budget.
pub(crate) fn remember_photos(
    tx: &rusqlite::Transaction,
    owner_kind: &str,
    owner_id: &str,
    revision: i64,
    blobs: Option<&Value>,
    now: &str,
) -> Result<()> {
    for blob in blobs.and_then(Value::as_array).into_iter().flatten() {
        let sha = blob
            .get("sha256")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let sha = sha.strip_prefix("sha256:").unwrap_or(sha);
        let size = blob.get("size").and_then(Value::as_u64).unwrap_or(0);
        if !is_hex_name(sha) {
            continue;
        }
        let whole: bool = tx
            .query_row("SELECT 1 FROM photo WHERE sha256 = ?1", [sha], |_| Ok(()))
            .optional()?
            .is_some();
        tx.execute(
            "INSERT INTO remote_photo (sha256, size, thumb_at, thumb_size, full_at, seen_at, own)
             VALUES (?1, ?2, ?3, ?4, ?3, ?5, ?6) ON CONFLICT (sha256) DO NOTHING",
            params![
                sha,
                size as i64,
                whole.then_some(now),
                whole.then_some(0i64),
                now,
                whole
            ],
        )?;
        tx.execute(
            "INSERT INTO remote_photo_link (owner_kind, owner_id, revision, sha256)
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            params![owner_kind, owner_id, revision, sha],
        )?;
    }
    Ok(())
}

/// The office handed assessment `id` to another officer (a change of kind `owner`): every
/// final revision here now names that owner. This laptop's officer may correct it when it is
/// theirs; otherwise their copy, even one they made, is read-only from now on. A draft (a
/// correction begun here) is left as it is: the office refuses it from a former owner.
pub(crate) fn hand_over(
    tx: &rusqlite::Transaction,
    id: &str,
    change: &Value,
    me: Option<&str>,
) -> Result<()> {
    let text = |key: &str| change.get(key).and_then(Value::as_str).map(str::to_string);
    let Some(officer) = text("officer") else {
        return Ok(());
    };
    let mine = me == Some(officer.as_str());
    let shown = text("officer_name").unwrap_or_else(|| officer.clone());
    // A sheet made here and handed to this officer stays as it was: theirs, made here.
    tx.execute(
        "UPDATE assessment SET pulled_from = ?2, pulled_officer = ?3, pulled_mine = ?4
         WHERE id = ?1 AND status <> 'draft' AND (?4 = 0 OR pulled_officer IS NOT NULL)",
        params![id, officer, shown, mine],
    )?;
    Ok(())
}

/// Moves a checked file into its place, durably.
fn install(from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    std::fs::rename(from, to).map_err(io)?;
    if let Some(dir) = to.parent().and_then(|d| std::fs::File::open(d).ok()) {
        let _ = dir.sync_all();
    }
    Ok(())
}
