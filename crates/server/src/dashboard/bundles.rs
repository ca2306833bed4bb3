//! A laptop's USB bundle imported on the dashboard: a supervisor or administrator uploads the
//! file, the server streams it to disk, imports it with the same checks and exactly-once rule
//! as `ovop-server import-bundle`, shows what became of each record, and keeps the receipt for
//! the officer to carry back to the laptop.

use std::path::PathBuf;

use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use ovop_protocol::bundle::Receipt;
use ovop_protocol::Outcome;
use tokio::io::AsyncWriteExt;

use super::{csrf, error_page, file_after_token, html_response, lang_of, page, signed_in};
use crate::auth::{Actor, Role};
use crate::error::{ApiError, ApiResult};
use crate::i18n::{self, t};
use crate::AppState;

/// The largest bundle the dashboard takes (a laptop's outbox with its photos).
pub const UPLOAD_LIMIT: u64 = 4 * 1024 * 1024 * 1024;

/// Where uploads land and receipts are kept: `<data>/bundles/`.
fn folder(state: &AppState) -> PathBuf {
    let blobs = state.blobs.root();
    blobs
        .parent()
        .map_or_else(|| blobs.join("bundles"), |data| data.join("bundles"))
}

/// A receipt's name: the first 32 hex digits of the bundle's manifest hash.
fn receipt_name(receipt: &Receipt) -> String {
    receipt.bundle.chars().take(32).collect()
}

fn form(lang: &str, headers: &HeaderMap) -> Markup {
    html! {
        form.card method="post" action="/dashboard/bundles" enctype="multipart/form-data" data-testid="bundle-form" {
            input type="hidden" name="csrf" value=(csrf(headers));
            label {
                (t(lang, "bundle.file"))
                input type="file" name="bundle" accept=".ovopbundle,application/x-tar" required data-testid="bundle-file";
            }
            div.actions { button type="submit" data-testid="bundle-upload" { (t(lang, "bundle.upload")) } }
        }
    }
}

/// The person signed in, when they are a supervisor or an administrator (who import bundles);
/// otherwise the sign-in page or the refusal in words.
async fn office_member(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Actor, &'static str), Response> {
    let actor = signed_in(state, headers, "/dashboard/bundles").await?;
    let lang = lang_of(headers, None);
    match actor.require(Role::Supervisor) {
        Ok(()) => Ok((actor, lang)),
        Err(e) => Err(error_page(lang, Some(&actor), headers, &e)),
    }
}

/// `GET /dashboard/bundles`: the upload form.
pub async fn upload_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (actor, lang) = match office_member(&state, &headers).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let body = html! {
        h1 { (t(lang, "bundle.title")) }
        p.muted { (t(lang, "bundle.lead")) }
        (form(lang, &headers))
    };
    html_response(
        lang,
        page(lang, &t(lang, "bundle.title"), Some(&actor), &headers, body),
        StatusCode::OK,
    )
}

/// Reads the form: its token first (nothing of the file is written before the token is
/// checked), then the file, streamed to a partial file in `dir`, at most [`UPLOAD_LIMIT`].
async fn receive(
    headers: &HeaderMap,
    mut multipart: Multipart,
    dir: &std::path::Path,
) -> ApiResult<PathBuf> {
    let bad = |message: String| ApiError::bad("bundle.bad_upload", Some("bundle"), message);
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        bad(format!("the upload cannot be read: {e}"))
    };
    file_after_token(
        headers,
        &mut multipart,
        "bundle",
        bad,
        unreadable,
        async |mut field| {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| ApiError::internal(format!("the bundle folder: {e}")))?;
            let path = dir.join(format!(
                "upload-{}-{:016x}.partial",
                std::process::id(),
                rand::random::<u64>()
            ));
            let written = async {
                let mut file = tokio::fs::File::create(&path)
                    .await
                    .map_err(|e| ApiError::internal(format!("the bundle file: {e}")))?;
                let mut size = 0u64;
                while let Some(chunk) = field
                    .chunk()
                    .await
                    .map_err(|e| bad(format!("the upload was cut: {e}")))?
                {
                    size += chunk.len() as u64;
                    if size > UPLOAD_LIMIT {
                        return Err(ApiError::new(
                            StatusCode::PAYLOAD_TOO_LARGE,
                            "bundle.too_large",
                            Some("bundle"),
                            "the bundle is larger than the dashboard takes (4 GB); import it with ovop-server import-bundle",
                        ));
                    }
                    file.write_all(&chunk)
                        .await
                        .map_err(|e| ApiError::writing(&e, "the bundle file"))?;
                }
                file.flush()
                    .await
                    .map_err(|e| ApiError::internal(format!("the bundle file: {e}")))?;
                if size == 0 {
                    return Err(bad("no file was chosen".into()));
                }
                Ok(())
            }
            .await;
            match written {
                Ok(()) => Ok(path),
                Err(e) => {
                    let _ = tokio::fs::remove_file(&path).await;
                    Err(e)
                }
            }
        },
    )
    .await
}

/// `POST /dashboard/bundles`: imports the uploaded bundle and shows the outcome.
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let (actor, lang) = match office_member(&state, &headers).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let dir = folder(&state);
    let imported = async {
        let file = receive(&headers, multipart, &dir).await?;
        let receipt = crate::bundle::import(&state, &file).await;
        let _ = tokio::fs::remove_file(&file).await;
        let receipt = receipt?;
        let text =
            serde_json::to_vec_pretty(&receipt).map_err(|e| ApiError::internal(e.to_string()))?;
        let target = dir.join(format!("{}.receipt.json", receipt_name(&receipt)));
        let partial = target.with_extension("partial");
        tokio::fs::write(&partial, text)
            .await
            .map_err(|e| ApiError::internal(format!("the receipt: {e}")))?;
        tokio::fs::rename(&partial, &target)
            .await
            .map_err(|e| ApiError::internal(format!("the receipt: {e}")))?;
        Ok::<_, ApiError>(receipt)
    }
    .await;
    match imported {
        Ok(receipt) => html_response(
            lang,
            page(
                lang,
                &t(lang, "bundle.title"),
                Some(&actor),
                &headers,
                outcome(lang, &headers, &actor, &receipt),
            ),
            StatusCode::OK,
        ),
        Err(e) => {
            let status = e.status;
            let body = html! {
                h1 { (t(lang, "bundle.title")) }
                div.error role="alert" data-testid="bundle-error" {
                    (i18n::error(lang, &e.problem.code, &e.problem.message)) " (" code { (e.problem.code) } ")"
                }
                (form(lang, &headers))
            };
            html_response(
                lang,
                page(lang, &t(lang, "bundle.title"), Some(&actor), &headers, body),
                status,
            )
        }
    }
}

fn outcome(lang: &str, headers: &HeaderMap, actor: &Actor, receipt: &Receipt) -> Markup {
    let count = |o: Outcome| receipt.results.iter().filter(|r| r.outcome == o).count();
    let refused: Vec<_> = receipt
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Rejected | Outcome::Conflict))
        .collect();
    let _ = actor;
    html! {
        h1 { (t(lang, "bundle.title")) }
        div.ok role="status" data-testid="bundle-done" {
            (t(lang, "bundle.done"))
        }
        table data-testid="bundle-counts" style="max-width:36rem" {
            tbody {
                tr { th { (t(lang, "bundle.accepted")) } td.num data-testid="bundle-accepted" { (count(Outcome::Accepted)) } }
                tr { th { (t(lang, "bundle.accepted_again")) } td.num data-testid="bundle-accepted-again" { (count(Outcome::AcceptedAgain)) } }
                tr { th { (t(lang, "bundle.rejected")) } td.num data-testid="bundle-rejected" { (count(Outcome::Rejected)) } }
                tr { th { (t(lang, "bundle.conflicts")) } td.num { (count(Outcome::Conflict)) } }
                tr { th { (t(lang, "bundle.photos")) } td.num data-testid="bundle-photos" { (receipt.blobs_stored.len()) } }
                tr { th { (t(lang, "bundle.photos_missing")) } td.num { (receipt.missing_blobs.len()) } }
            }
        }
        @if !refused.is_empty() {
            h2 { (t(lang, "bundle.refused")) }
            table data-testid="bundle-refused" {
                thead { tr { th { (t(lang, "bundle.record")) } th { (t(lang, "bundle.reason")) } } }
                tbody {
                    @for r in &refused {
                        tr {
                            td { code { (r.kind.as_str()) " " (r.id) " rev " (r.revision) } }
                            td {
                                @if let Some(p) = &r.problem {
                                    (i18n::error(lang, &p.code, &p.message)) " (" code { (p.code) } ")"
                                }
                            }
                        }
                    }
                }
            }
        }
        p {
            a.button href={ "/dashboard/bundles/receipts/" (receipt_name(receipt)) } data-testid="bundle-receipt" download { (t(lang, "bundle.receipt")) }
            " "
            span.muted { (t(lang, "bundle.receipt_hint")) }
        }
        h2 { (t(lang, "bundle.another")) }
        (form(lang, headers))
    }
}

/// `GET /dashboard/bundles/receipts/{name}`: a receipt kept by an import, as a file.
pub async fn receipt(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> Response {
    let (actor, lang) = match office_member(&state, &headers).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let well_named = name.len() == 32
        && name
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let path = folder(&state).join(format!("{name}.receipt.json"));
    match (well_named, tokio::fs::read(&path).await) {
        (true, Ok(bytes)) => {
            let mut response = (StatusCode::OK, bytes).into_response();
            let h = response.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            if let Ok(value) =
                HeaderValue::from_str(&format!("attachment; filename=\"{name}.receipt.json\""))
            {
                h.insert(header::CONTENT_DISPOSITION, value);
            }
            response
        }
        _ => error_page(
            lang,
            Some(&actor),
            &headers,
            &ApiError::not_found("bundle.no_receipt", "no such receipt"),
        ),
    }
}
