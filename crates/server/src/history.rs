//! A region's history comes down: the assessments of the change feed with their record, owner
//! and photos, the sets a laptop cannot know by itself, and the photos themselves (a thumbnail
//! first, the whole photo on demand, resumable with `Range`).

use std::collections::HashSet;
use std::io::Cursor;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use ovop_protocol::{BlobChunk, Change};
use serde_json::{json, Value};

use crate::auth::{Actor, Role};
use crate::db::{DbResult, Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// The longest edge of a thumbnail the server makes, in pixels (the laptop's own are this size).
pub const THUMBNAIL_EDGE: u32 = 320;

/// The most bytes a photo may decode to when a thumbnail is made (a 40-megapixel RGBA image),
/// so that a small hostile file cannot exhaust the server's memory.
const DECODE_LIMIT: u64 = 160 * 1024 * 1024;

/// Fills each producer and product change of a page with its photos, and each assessment
/// change with what a laptop stores: the revision's record as
/// the laptop sent it, its current owner (after any hand-over), the office's status, its photos, and (once a page)
/// the body of a set the laptop cannot know because it is not shipped with the app. A change
/// whose record is gone (it cannot be, records are never deleted) is left with its revision.
pub fn fill_changes(tx: &mut dyn Tx, changes: &mut [Change]) -> DbResult<()> {
    // A producer's or product's photos, those of its first sending and those added since.
    for change in changes
        .iter_mut()
        .filter(|c| c.kind == "producer" || c.kind == "product")
    {
        let photos: Vec<Value> = tx
            .query(
                "SELECT DISTINCT rb.sha256, b.size FROM record_blob rb JOIN blob b ON b.sha256 = rb.sha256
                 WHERE rb.kind = $1 AND rb.id = $2 ORDER BY rb.sha256",
                &[Val::from(&change.kind), Val::from(&change.id)],
            )?
            .iter()
            .map(|b| json!({ "sha256": b.text(0), "size": b.int(1) }))
            .collect();
        if let Some(map) = change.body.as_object_mut() {
            map.insert("photos".into(), Value::Array(photos));
        }
    }
    let mut sets_sent: HashSet<String> = HashSet::new();
    for change in changes.iter_mut().filter(|c| c.kind == "assessment") {
        let Some(revision) = change.body.get("revision").and_then(Value::as_i64) else {
            continue;
        };
        let Some(row) = tx.query_opt(
            "SELECT r.body, u.name, u.display_name, a.status
             FROM record r
             JOIN assessment a ON a.id = r.id AND a.revision = r.revision
             JOIN app_user u ON u.id = COALESCE(
               (SELECT h.to_user FROM assessment_handover h WHERE h.id = r.id ORDER BY h.seq DESC LIMIT 1),
               a.officer_id)
             WHERE r.kind = 'assessment' AND r.id = $1 AND r.revision = $2",
            &[Val::from(&change.id), Val::Int(revision)],
        )?
        else {
            continue;
        };
        let record: Value = serde_json::from_str(&row.text(0)).unwrap_or(Value::Null);
        let blobs: Vec<Value> = tx
            .query(
                "SELECT rb.sha256, b.size FROM record_blob rb JOIN blob b ON b.sha256 = rb.sha256
                 WHERE rb.kind = 'assessment' AND rb.id = $1 AND rb.revision = $2 ORDER BY rb.sha256",
                &[Val::from(&change.id), Val::Int(revision)],
            )?
            .iter()
            .map(|b| json!({ "sha256": b.text(0), "size": b.int(1) }))
            .collect();
        let mut body = json!({
            "revision": revision,
            "officer": row.text(1),
            "officer_name": row.text(2),
            "status": row.text(3),
            "blobs": blobs,
        });
        let set = &record["result"]["set"];
        let hash = set["hash"].as_str().unwrap_or_default().to_string();
        let shipped = crate::ingest::catalog()
            .get(
                set["id"].as_str().unwrap_or_default(),
                set["version"].as_str(),
            )
            .is_some_and(|entry| entry.rubric.hash() == hash);
        if !shipped && !hash.is_empty() && sets_sent.insert(hash.clone()) {
            if let Some(text) = crate::received::set_body(tx, &hash)? {
                body["set"] = serde_json::from_str(&text).unwrap_or(Value::Null);
            }
        }
        body["record"] = record;
        change.body = body;
    }
    Ok(())
}

/// Whether a record the person may see names the photo (`sha256:<hex>`): their own, or one
/// within their regions (an administrator sees all). Whether it arrived whole is not asked.
pub async fn may_see(state: &AppState, actor: &Actor, sha256: &str) -> ApiResult<bool> {
    let sha = sha256.to_string();
    let a = actor.clone();
    state
        .db
        .read(move |tx| {
            let rows = tx.query(
                "SELECT r.region_path, r.user_id FROM record_blob rb
                 JOIN record r ON r.kind = rb.kind AND r.id = rb.id AND r.revision = rb.revision
                 WHERE rb.sha256 = $1",
                &[Val::from(&sha)],
            )?;
            Ok(rows.iter().any(|r| {
                a.user.role == Role::Admin
                    || r.int(1) == a.user.id
                    || crate::regions::within(&r.text(0), &a.user.regions)
            }))
        })
        .await
}

/// A photo named by a record the caller may see ([`may_see`]), complete.
async fn visible(state: &AppState, actor: &Actor, name: &str) -> ApiResult<BlobChunk> {
    let chunk = BlobChunk::parse(name, None)
        .map_err(|p| ApiError::from_problem(StatusCode::BAD_REQUEST, p))?;
    let allowed = may_see(state, actor, &chunk.sha256).await?;
    if !allowed || !state.blobs.is_complete(chunk.hex()) {
        return Err(ApiError::not_found(
            "blob.unknown",
            "no such photo within your regions",
        ));
    }
    Ok(chunk)
}

/// The first byte asked for by a `Range: bytes=N-` (or `bytes=N-M`) header; `None` for the
/// whole photo. Any other form is refused, so that a laptop's resume never reads the wrong part.
fn range_start(headers: &HeaderMap, size: u64) -> ApiResult<Option<(u64, u64)>> {
    let Some(value) = headers.get(header::RANGE) else {
        return Ok(None);
    };
    let bad = || {
        ApiError::new(
            StatusCode::RANGE_NOT_SATISFIABLE,
            "blob.bad_range",
            Some("range"),
            format!("the range must be bytes=N- or bytes=N-M within the photo's {size} bytes"),
        )
    };
    let text = value.to_str().map_err(|_| bad())?.trim();
    let spec = text.strip_prefix("bytes=").ok_or_else(bad)?;
    let (from, to) = spec.split_once('-').ok_or_else(bad)?;
    let from: u64 = from.trim().parse().map_err(|_| bad())?;
    let to: u64 = match to.trim() {
        "" => size.saturating_sub(1),
        to => to
            .parse::<u64>()
            .map_err(|_| bad())?
            .min(size.saturating_sub(1)),
    };
    if from >= size || to < from {
        return Err(bad());
    }
    Ok(Some((from, to)))
}

/// The media type of a stored photo or scan, by its first bytes.
pub fn media_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.starts_with(b"%PDF") {
        "application/pdf"
    } else {
        "application/octet-stream"
    }
}

/// `GET /v1/blobs/{sha256}/content`: the whole photo, or the part a `Range` asks for (`206`),
/// so that a download cut half-way resumes where it stopped.
pub async fn content(
    State(state): State<AppState>,
    actor: Actor,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let chunk = visible(&state, &actor, &name).await?;
    let bytes = tokio::fs::read(state.blobs.path(chunk.hex()))
        .await
        .map_err(|e| ApiError::internal(format!("reading a photo: {e}")))?;
    let size = bytes.len() as u64;
    let kind = media_type(&bytes);
    match range_start(&headers, size)? {
        None => Ok((
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (header::ACCEPT_RANGES, "bytes".to_string()),
            ],
            Body::from(bytes),
        )
            .into_response()),
        Some((from, to)) => {
            let part = bytes[from as usize..=to as usize].to_vec();
            Ok((
                StatusCode::PARTIAL_CONTENT,
                [
                    (header::CONTENT_TYPE, kind.to_string()),
                    (header::ACCEPT_RANGES, "bytes".to_string()),
                    (header::CONTENT_RANGE, format!("bytes {from}-{to}/{size}")),
                ],
                Body::from(part),
            )
                .into_response())
        }
    }
}

/// Makes a JPEG thumbnail of a photo's bytes, its longest edge [`THUMBNAIL_EDGE`].
pub fn make_thumbnail(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(DECODE_LIMIT);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| e.to_string())?;
    let small = image.thumbnail(THUMBNAIL_EDGE, THUMBNAIL_EDGE).to_rgb8();
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(small)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// `GET /v1/blobs/{sha256}/thumbnail`: a small JPEG of the photo, made once and kept beside
/// the blobs. A file that is not a picture (a scan in another format) has none: `415`.
pub async fn thumbnail(
    State(state): State<AppState>,
    actor: Actor,
    Path(name): Path<String>,
) -> ApiResult<Response> {
    let chunk = visible(&state, &actor, &name).await?;
    let hex = chunk.hex().to_string();
    let kept = state
        .blobs
        .root()
        .join("thumbs")
        .join(&hex[..2])
        .join(format!("{hex}.jpg"));
    let bytes = match tokio::fs::read(&kept).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let source = state.blobs.path(&hex);
            let made = tokio::task::spawn_blocking(move || -> Result<Option<Vec<u8>>, String> {
                let bytes = std::fs::read(&source).map_err(|e| e.to_string())?;
                let Ok(thumb) = make_thumbnail(&bytes) else {
                    return Ok(None);
                };
                // Kept for the next laptop; written whole or not at all.
                if let Some(dir) = kept.parent() {
                    let _ = std::fs::create_dir_all(dir);
                }
                let partial = kept.with_extension(format!("{}.part", std::process::id()));
                if std::fs::write(&partial, &thumb).is_ok()
                    && std::fs::rename(&partial, &kept).is_err()
                {
                    let _ = std::fs::remove_file(&partial);
                }
                Ok(Some(thumb))
            })
            .await
            .map_err(|e| ApiError::internal(format!("making a thumbnail: {e}")))?
            .map_err(|e| ApiError::internal(format!("making a thumbnail: {e}")))?;
            made.ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "blob.no_thumbnail",
                    None,
                    "this file is not a picture the server can make a thumbnail of",
                )
            })?
        }
    };
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "image/jpeg")],
        Body::from(bytes),
    )
        .into_response())
}
