//! The office's official criteria sheet, published from a spreadsheet on the dashboard: an
//! administrator uploads an XLSX or CSV (or a set's JSON), which is read and checked by the one
//! reader the app and the command line use (`ovop_core::spreadsheet`) without being published;
//! every finding is shown with its sheet, row and column. A sheet without errors is kept as a
//! draft (`<data>/criteria-drafts/<hex of its content hash>.json`, written whole) and shown
//! whole as an officer will read it, with a Publish button naming the draft by its content hash.
//! Publishing goes through the admin API's publish (`admin::publish`), so the laptops install
//! the set at their next pull.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::extract::{Form, Multipart, Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup};
use ovop_core::catalog::Catalog;
use ovop_core::criteria::{CriteriaSet, KnockoutEffect, KnockoutTrigger, Requirement, Text};
use ovop_core::spreadsheet::{read_criteria, FileKind};
use ovop_core::tabular::{Checked, SheetFinding};
use ovop_core::{parse_set, Code, Rubric};
use serde::{Deserialize, Serialize};

use super::{
    check_csrf, csrf, error_page, file_after_token, html_response, lang_of, page, signed_in, when,
};
use crate::admin;
use crate::auth::{Actor, Role};
use crate::db::Val;
use crate::error::{ApiError, ApiResult};
use crate::i18n::{self, t};
use crate::AppState;

/// The largest sheet the page takes (a long criteria workbook is a few hundred kilobytes).
pub const UPLOAD_LIMIT: usize = 4 * 1024 * 1024;
/// What the form around the file may add to it.
pub const BODY_LIMIT: usize = UPLOAD_LIMIT + 64 * 1024;
/// How long an unpublished draft is kept.
const DRAFT_DAYS: u64 = 7;
/// The most published sets the page lists.
const LISTED: i64 = 500;

const HERE: &str = "/dashboard/criteria";

/// Where drafts are kept: `<data>/criteria-drafts/`.
fn folder(state: &AppState) -> PathBuf {
    let blobs = state.blobs.root();
    blobs.parent().map_or_else(
        || blobs.join("criteria-drafts"),
        |data| data.join("criteria-drafts"),
    )
}

/// A draft as kept on disk: the set read from the sheet, and where it came from.
#[derive(Debug, Serialize, Deserialize)]
struct Draft {
    file: String,
    uploaded_by: String,
    uploaded_at: String,
    set: serde_json::Value,
    /// The reader's and validator's warnings, shown again with the preview.
    #[serde(default)]
    warnings: Vec<DraftWarning>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct DraftWarning {
    code: String,
    sheet: String,
    row: Option<usize>,
    column: Option<String>,
    message: String,
}

impl From<&SheetFinding> for DraftWarning {
    fn from(f: &SheetFinding) -> Self {
        DraftWarning {
            code: f.code.clone(),
            sheet: f.sheet.clone(),
            row: f.row,
            column: f.column.clone(),
            message: f.message.clone(),
        }
    }
}

/// The 64 hex digits of a content hash (`sha256:<hex>`), when it is one: a draft's name.
fn hex_of(hash: &str) -> Option<&str> {
    let hex = hash.strip_prefix("sha256:").unwrap_or(hash);
    (hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
    .then_some(hex)
}

/// The person signed in, when they are an administrator (who publish criteria sets);
/// otherwise the sign-in page or the refusal in words.
async fn administrator(
    state: &AppState,
    headers: &HeaderMap,
    here: &str,
) -> Result<(Actor, &'static str), Response> {
    let actor = signed_in(state, headers, here).await?;
    let lang = lang_of(headers, None);
    match actor.require(Role::Admin) {
        Ok(()) => Ok((actor, lang)),
        Err(e) => Err(error_page(lang, Some(&actor), headers, &e)),
    }
}

fn upload_form(lang: &str, headers: &HeaderMap) -> Markup {
    html! {
        form.card method="post" action=(HERE) enctype="multipart/form-data" data-testid="criteria-form" {
            input type="hidden" name="csrf" value=(csrf(headers));
            label {
                (t(lang, "criteria.file"))
                input type="file" name="sheet" accept=".xlsx,.csv,.json" required data-testid="criteria-file";
            }
            div.actions { button type="submit" data-testid="criteria-check" { (t(lang, "criteria.check")) } }
            p.muted { (t(lang, "criteria.template_hint")) }
        }
    }
}

/// The hashes of the sets shipped with the app (published by the server at its start).
fn shipped_hashes() -> &'static Vec<String> {
    static HASHES: OnceLock<Vec<String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        Catalog::shipped()
            .entries()
            .iter()
            .map(|e| e.rubric.hash().to_string())
            .collect()
    })
}

struct Published {
    id: String,
    version: String,
    hash: String,
    name: String,
    from: Option<String>,
    until: Option<String>,
    published_at: String,
}

async fn published(state: &AppState, lang: &'static str) -> ApiResult<Vec<Published>> {
    state
        .db
        .read(move |tx| {
            let rows = tx.query(
                "SELECT id, version, hash, body, published_at FROM criteria_set ORDER BY id, version LIMIT $1",
                &[Val::Int(LISTED)],
            )?;
            Ok(rows
                .iter()
                .map(|row| {
                    let body: serde_json::Value =
                        serde_json::from_str(&row.text(3)).unwrap_or_default();
                    let language = body["language"].as_str().unwrap_or("id").to_string();
                    let name = serde_json::from_value::<Text>(body["name"].clone())
                        .map(|n| n.get(lang, &language).to_string())
                        .unwrap_or_default();
                    let date = |key: &str| body["effective"][key].as_str().map(str::to_string);
                    Published {
                        id: row.text(0),
                        version: row.text(1),
                        hash: row.text(2),
                        name,
                        from: date("from"),
                        until: date("until"),
                        published_at: row.text(4),
                    }
                })
                .collect())
        })
        .await
}

fn published_table(lang: &str, sets: &[Published]) -> Markup {
    html! {
        h2 { (t(lang, "criteria.published_list")) }
        table #published data-testid="criteria-published" {
            thead { tr {
                th { (t(lang, "criteria.id")) } th { (t(lang, "criteria.version")) } th { (t(lang, "criteria.name")) }
                th { (t(lang, "criteria.effective_from")) } th { (t(lang, "criteria.effective_until")) }
                th { (t(lang, "criteria.origin")) } th { (t(lang, "criteria.published_at")) }
            } }
            tbody {
                @for set in sets {
                    @let shipped = shipped_hashes().contains(&set.hash);
                    tr data-id=(set.id) data-version=(set.version) data-origin=(if shipped { "shipped" } else { "office" }) {
                        td { code { (set.id) } }
                        td.date { (set.version) }
                        td { (set.name) }
                        td.date { (set.from.as_deref().unwrap_or("—")) }
                        td.date { (set.until.as_deref().unwrap_or("—")) }
                        td { (t(lang, if shipped { "criteria.origin.shipped" } else { "criteria.origin.office" })) }
                        td.date { (when(&set.published_at)) }
                    }
                }
            }
        }
    }
}

/// The page: an optional notice or result on top, the upload form, the published sets.
async fn whole_page(
    state: &AppState,
    headers: &HeaderMap,
    actor: &Actor,
    lang: &'static str,
    top: Markup,
    status: StatusCode,
) -> Response {
    let sets = match published(state, lang).await {
        Ok(sets) => sets,
        Err(e) => return error_page(lang, Some(actor), headers, &e),
    };
    let body = html! {
        h1 { (t(lang, "criteria.title")) }
        p.muted { (t(lang, "criteria.lead")) }
        (top)
        (upload_form(lang, headers))
        (published_table(lang, &sets))
    };
    html_response(
        lang,
        page(lang, &t(lang, "criteria.title"), Some(actor), headers, body),
        status,
    )
}

/// `GET /dashboard/criteria`: the upload form and the published sets.
pub async fn criteria_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let (actor, lang) = match administrator(&state, &headers, HERE).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    whole_page(&state, &headers, &actor, lang, html! {}, StatusCode::OK).await
}

/// The uploaded file: its name and bytes. The form's token is read first; nothing of the file
/// is read before it is checked.
async fn receive(headers: &HeaderMap, mut multipart: Multipart) -> ApiResult<(String, Vec<u8>)> {
    let bad = |message: String| ApiError::bad("criteria.bad_upload", Some("sheet"), message);
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "criteria.too_large",
            Some("sheet"),
            format!(
                "the sheet is larger than the dashboard takes ({} MB)",
                UPLOAD_LIMIT / (1024 * 1024)
            ),
        )
    };
    let broken = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            bad(format!("the upload cannot be read: {e}"))
        }
    };
    file_after_token(
        headers,
        &mut multipart,
        "sheet",
        bad,
        broken,
        async |mut field| {
            let name = field.file_name().unwrap_or("").to_string();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(broken)? {
                if bytes.len() + chunk.len() > UPLOAD_LIMIT {
                    return Err(too_large());
                }
                bytes.extend_from_slice(&chunk);
            }
            if bytes.is_empty() {
                return Err(bad("no file was chosen".into()));
            }
            Ok((name, bytes))
        },
    )
    .await
}

/// The set's id and version published already: under which hash.
async fn published_hash(state: &AppState, set: &CriteriaSet) -> ApiResult<Option<String>> {
    let (id, version) = (set.id.clone(), set.version.clone());
    state
        .db
        .read(move |tx| {
            Ok(tx
                .query_opt(
                    "SELECT hash FROM criteria_set WHERE id = $1 AND version = $2",
                    &[Val::from(&id), Val::from(&version)],
                )?
                .map(|row| row.text(0)))
        })
        .await
}

/// Writes a draft whole (beside it, then renamed), dropping drafts past their age.
async fn keep_draft(state: &AppState, hex: &str, draft: &Draft) -> ApiResult<()> {
    let dir = folder(state);
    let text = serde_json::to_vec(draft).map_err(|e| ApiError::internal(e.to_string()))?;
    let target = dir.join(format!("{hex}.json"));
    let written = async {
        tokio::fs::create_dir_all(&dir).await?;
        let partial = dir.join(format!("{hex}.partial"));
        tokio::fs::write(&partial, &text).await?;
        tokio::fs::rename(&partial, &target).await
    }
    .await;
    written.map_err(|e| ApiError::writing(&e, "the criteria draft"))?;
    let _ = tokio::task::spawn_blocking(move || sweep(&dir)).await;
    Ok(())
}

/// Drops drafts older than [`DRAFT_DAYS`] (never published, or left half-written).
fn sweep(dir: &Path) {
    let age = std::time::Duration::from_secs(DRAFT_DAYS * 24 * 3600);
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|at| at.elapsed().ok())
            .is_some_and(|elapsed| elapsed > age);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// `POST /dashboard/criteria`: reads and checks the uploaded sheet, publishing nothing. A sheet
/// with errors is answered with every finding; a clean one is kept as a draft and its preview
/// shown (`/dashboard/criteria/drafts/<hex>`).
pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let (actor, lang) = match administrator(&state, &headers, HERE).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let (name, bytes) = match receive(&headers, multipart).await {
        Ok(file) => file,
        Err(e) => return refusal(&state, &headers, &actor, lang, &e).await,
    };
    // The dashboard takes what the office types: XLSX, CSV, or a set's JSON. XLS and ODS are
    // read whole by the reader, which is for files a user picked on their own machine.
    let checked = match FileKind::of(&name) {
        Some(FileKind::OtherWorkbook) | None => Checked::refused(SheetFinding::file(
            Code::CriteriaFileType,
            &name,
            "the dashboard takes .xlsx, .csv or .json; save the sheet as an Excel workbook (.xlsx)",
        )),
        Some(_) => {
            let name = name.clone();
            match tokio::task::spawn_blocking(move || read_criteria(&name, &bytes)).await {
                Ok(checked) => checked,
                Err(e) => {
                    let e = ApiError::internal(format!("reading the sheet: {e}"));
                    return refusal(&state, &headers, &actor, lang, &e).await;
                }
            }
        }
    };
    let Some(set) = checked.usable().cloned() else {
        return findings_page(&state, &headers, &actor, lang, &name, &checked.findings).await;
    };
    let rubric = match Rubric::new(set) {
        Ok(rubric) => rubric,
        Err(_) => {
            let e = ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "criteria.invalid",
                None,
                "the set has errors",
            );
            return refusal(&state, &headers, &actor, lang, &e).await;
        }
    };
    match published_hash(&state, rubric.set()).await {
        Ok(Some(hash)) if hash != rubric.hash() => {
            let clash = SheetFinding::file(
                Code::CriteriaVersionExists,
                &name,
                format!(
                    "{} {} is already published with other content: give the changed sheet a new #version",
                    rubric.set().id,
                    rubric.set().version
                ),
            );
            let mut findings = vec![clash];
            findings.extend(checked.findings);
            return findings_page(&state, &headers, &actor, lang, &name, &findings).await;
        }
        Ok(_) => {}
        Err(e) => return refusal(&state, &headers, &actor, lang, &e).await,
    }
    let draft = Draft {
        file: name,
        uploaded_by: actor.user.name.clone(),
        uploaded_at: crate::now(),
        set: match serde_json::to_value(rubric.set()) {
            Ok(value) => value,
            Err(e) => {
                let e = ApiError::internal(e.to_string());
                return refusal(&state, &headers, &actor, lang, &e).await;
            }
        },
        warnings: checked.findings.iter().map(DraftWarning::from).collect(),
    };
    let hex = rubric.hash().trim_start_matches("sha256:").to_string();
    if let Err(e) = keep_draft(&state, &hex, &draft).await {
        return refusal(&state, &headers, &actor, lang, &e).await;
    }
    tracing::info!(admin = %actor.user.name, id = %rubric.set().id, version = %rubric.set().version, hash = %rubric.hash(), "criteria sheet checked and kept as a draft");
    Redirect::to(&format!("{HERE}/drafts/{hex}")).into_response()
}

/// A refusal of the whole upload, in the reader's words, with the form again.
async fn refusal(
    state: &AppState,
    headers: &HeaderMap,
    actor: &Actor,
    lang: &'static str,
    e: &ApiError,
) -> Response {
    let top = html! {
        div.error role="alert" data-testid="criteria-error" data-code=(e.problem.code) {
            (i18n::error(lang, &e.problem.code, &e.problem.message)) " (" code { (e.problem.code) } ")"
        }
    };
    whole_page(state, headers, actor, lang, top, e.status).await
}

/// A sheet refused, with every finding: where it is (sheet, row, column) and what it is.
async fn findings_page(
    state: &AppState,
    headers: &HeaderMap,
    actor: &Actor,
    lang: &'static str,
    file: &str,
    findings: &[SheetFinding],
) -> Response {
    // A file refused whole answers with its own code and status; a sheet with errors in its
    // cells with `criteria.invalid`.
    let whole = findings
        .iter()
        .find(|f| f.is_error() && f.row.is_none() && f.path.is_none())
        .and_then(|f| Code::parse(&f.code));
    let code = whole.unwrap_or(Code::CriteriaInvalid);
    let status = code
        .status()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let top = html! {
        div.error role="alert" data-testid="criteria-error" data-code=(code.as_str()) {
            (t(lang, "criteria.refused")) " "
            strong { (file) } " · " (errors) " " (t(lang, "criteria.errors"))
            " (" code { (code.as_str()) } ")"
        }
        (findings_table(lang, findings.iter().map(|f| Row {
            error: f.is_error(),
            code: &f.code,
            sheet: &f.sheet,
            row: f.row,
            column: f.column.as_deref(),
            message: &f.message,
        })))
    };
    whole_page(state, headers, actor, lang, top, status).await
}

struct Row<'a> {
    error: bool,
    code: &'a str,
    sheet: &'a str,
    row: Option<usize>,
    column: Option<&'a str>,
    message: &'a str,
}

fn findings_table<'a>(lang: &str, rows: impl Iterator<Item = Row<'a>>) -> Markup {
    html! {
        table data-testid="criteria-findings" {
            thead { tr {
                th { (t(lang, "criteria.kind")) } th { (t(lang, "criteria.sheet")) }
                th.num { (t(lang, "criteria.row")) } th { (t(lang, "criteria.column")) }
                th { (t(lang, "criteria.what")) }
            } }
            tbody {
                @for f in rows {
                    tr data-testid="criteria-finding" data-code=(f.code) data-row=(f.row.map(|r| r.to_string()).unwrap_or_default()) data-column=(f.column.unwrap_or("")) {
                        td { span class={ "badge " (if f.error { "returned" } else { "proposed" }) } {
                            (t(lang, if f.error { "criteria.severity.error" } else { "criteria.severity.warning" }))
                        } }
                        td { (f.sheet) }
                        td.num { (f.row.map(|r| r.to_string()).unwrap_or_else(|| "—".into())) }
                        td { (f.column.unwrap_or("—")) }
                        td {
                            @if f.row.is_none() {
                                @let words = i18n::error(lang, f.code, "");
                                @if !words.is_empty() { (words) br; }
                            }
                            span lang="en" { (f.message) } " " code.muted { (f.code) }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /dashboard/criteria/drafts/{hex}`: a kept draft shown whole, with the Publish button.
pub async fn draft_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    UrlPath(hex): UrlPath<String>,
) -> Response {
    let (actor, lang) = match administrator(&state, &headers, HERE).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let draft = match read_draft(&state, &hex).await {
        Ok(draft) => draft,
        Err(e) => return refusal(&state, &headers, &actor, lang, &e).await,
    };
    let (draft, rubric) = draft;
    let already = match published_hash(&state, rubric.set()).await {
        Ok(hash) => hash.as_deref() == Some(rubric.hash()),
        Err(e) => return refusal(&state, &headers, &actor, lang, &e).await,
    };
    let top = html! {
        (preview(lang, &draft, &rubric, already))
        form.card method="post" action={ (HERE) "/publish" } data-testid="criteria-publish-form" {
            input type="hidden" name="csrf" value=(csrf(&headers));
            input type="hidden" name="hash" value=(rubric.hash());
            div.actions {
                button type="submit" data-testid="criteria-publish" { (t(lang, "criteria.publish")) }
                span.muted { (t(lang, "criteria.publish_hint")) }
            }
        }
        h2 { (t(lang, "criteria.another")) }
    };
    whole_page(&state, &headers, &actor, lang, top, StatusCode::OK).await
}

/// The draft named by `hash` (its content hash, or the 64 hex digits of it), read and checked
/// again: a draft that is no longer a valid set, or not the set its name says, is no draft.
async fn read_draft(state: &AppState, hash: &str) -> ApiResult<(Draft, Rubric)> {
    let unknown = || {
        ApiError::not_found(
            "criteria.draft_unknown",
            "no uploaded sheet waits under that hash; upload it again",
        )
    };
    let hex = hex_of(hash).ok_or_else(unknown)?.to_string();
    let path = folder(state).join(format!("{hex}.json"));
    let bytes = tokio::fs::read(&path).await.map_err(|_| unknown())?;
    let draft: Draft = serde_json::from_slice(&bytes).map_err(|_| unknown())?;
    let set = parse_set(&draft.set.to_string()).map_err(|_| unknown())?;
    let rubric = Rubric::new(set).map_err(|_| unknown())?;
    if rubric.hash() != format!("sha256:{hex}") {
        return Err(unknown());
    }
    Ok((draft, rubric))
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    hash: String,
}

/// `POST /dashboard/criteria/publish`: publishes the draft named by its content hash, through
/// the same publish as the admin API. Published twice, the second changes nothing; a draft
/// already published and gone is answered as published.
pub async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PublishForm>,
) -> Response {
    let (actor, lang) = match administrator(&state, &headers, HERE).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    if let Err(e) = check_csrf(&headers, &form.csrf) {
        return refusal(&state, &headers, &actor, lang, &e).await;
    }
    let outcome = async {
        match read_draft(&state, &form.hash).await {
            Ok((_, rubric)) => {
                let set = (
                    rubric.set().id.clone(),
                    rubric.set().version.clone(),
                    rubric.set().name.get(lang, &rubric.set().language).to_string(),
                );
                let new = admin::publish(&state, &actor, rubric).await?;
                if let Some(hex) = hex_of(&form.hash) {
                    let _ = tokio::fs::remove_file(folder(&state).join(format!("{hex}.json"))).await;
                }
                Ok((set, new))
            }
            // Published before and its draft gone: the same publish again changes nothing.
            Err(unknown) => {
                let hash = form.hash.clone();
                let found = state
                    .db
                    .read(move |tx| {
                        Ok(tx
                            .query_opt(
                                "SELECT id, version, body FROM criteria_set WHERE hash = $1 LIMIT 1",
                                &[Val::from(&hash)],
                            )?
                            .map(|row| (row.text(0), row.text(1), row.text(2))))
                    })
                    .await?;
                match found {
                    Some((id, version, body)) => {
                        let name = parse_set(&body)
                            .map(|s| s.name.get(lang, &s.language).to_string())
                            .unwrap_or_default();
                        Ok(((id, version, name), false))
                    }
                    None => Err(unknown),
                }
            }
        }
    }
    .await;
    match outcome {
        Ok(((id, version, name), new)) => {
            let top = html! {
                div.ok role="status" data-testid="criteria-published-notice" data-new=(new) {
                    (t(lang, if new { "criteria.published" } else { "criteria.already" }))
                    " " strong { (name) } " (" code { (id) " " (version) } ")"
                }
            };
            let status = if new {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            whole_page(&state, &headers, &actor, lang, top, status).await
        }
        Err(e) => refusal(&state, &headers, &actor, lang, &e).await,
    }
}

/// The whole sheet as an officer will read it: what it is and when it applies, its gates, every
/// part, section, criterion and level with its points, the maximum, the star bands and the
/// minimum requirements; the warnings with their rows.
fn preview(lang: &str, draft: &Draft, rubric: &Rubric, already: bool) -> Markup {
    let set = rubric.set();
    let fb = set.language.as_str();
    let text = |t: &Text| t.get(lang, fb).to_string();
    let mut bands: Vec<_> = set.stars.bands.iter().collect();
    bands.sort_by_key(|b| b.min);
    let max = rubric.max_total();
    html! {
        section.card #preview data-testid="criteria-preview" data-hash=(rubric.hash()) {
            h2 { (t(lang, "criteria.preview")) }
            @if already {
                div.ok role="status" data-testid="criteria-already" { (t(lang, "criteria.already")) }
            }
            h3 data-testid="preview-name" { (text(&set.name)) }
            table style="max-width:52rem" {
                tbody {
                    tr { th { (t(lang, "criteria.id")) } td { code { (set.id) } " · " (set.version) } }
                    tr { th { (t(lang, "criteria.programme")) } td { (set.programme.as_str().to_uppercase()) " · " (t(lang, &format!("criteria.status.{}", serde_json::to_value(set.status).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()))) } }
                    tr { th { (t(lang, "criteria.effective_from")) } td data-testid="preview-from" { (set.effective.from.as_deref().unwrap_or("—")) } }
                    tr { th { (t(lang, "criteria.effective_until")) } td { (set.effective.until.as_deref().unwrap_or("—")) } }
                    tr { th { (t(lang, "criteria.legal_basis")) } td data-testid="preview-legal-basis" { @for (i, law) in set.legal_basis.iter().enumerate() { @if i > 0 { br; } (law) } } }
                    @if !set.product_sets.is_empty() {
                        tr { th { (t(lang, "criteria.product_sets")) } td { @for (i, p) in set.product_sets.iter().enumerate() { @if i > 0 { ", " } code { (p.code) } " " (text(&p.name)) } } }
                    }
                    tr { th { (t(lang, "criteria.max_total")) } td data-testid="preview-max" { (max) @if let Some(declared) = set.max_total { @if declared != max { " (" (declared) ")" } } } }
                    tr { th { (t(lang, "criteria.rounding")) } td { (t(lang, &format!("criteria.rounding.{}", serde_json::to_value(set.stars.rounding).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()))) } }
                    @if let Some(points) = set.council.max_divergence {
                        tr { th { (t(lang, "criteria.divergence")) } td { (points) } }
                    }
                    tr { th { (t(lang, "criteria.file")) } td { (draft.file) " · " (draft.uploaded_by) " · " (when(&draft.uploaded_at)) } }
                }
            }
            @if !set.remarks.is_empty() {
                h3 { (t(lang, "criteria.remarks")) }
                ul { @for remark in &set.remarks { li { (text(remark)) } } }
            }
            h3 { (t(lang, "criteria.stars")) }
            table #preview-stars style="max-width:28rem" {
                tbody {
                    @for (i, band) in bands.iter().enumerate() {
                        @let top = bands.get(i + 1).map(|next| next.min.saturating_sub(1)).unwrap_or(max);
                        tr data-star=(band.star) { td.stars { @for _ in 0..band.star { "★" } } td.num { (band.min) "–" (top) } }
                    }
                }
            }
            @if !set.gates.is_empty() {
                h3 { (t(lang, "criteria.gates")) }
                ul { @for gate in &set.gates { li { code { (gate.code) } " " (text(&gate.text)) } } }
            }
            @for part in &set.parts {
                @let sum: u32 = part.criteria().map(|c| c.max_points()).sum();
                h3 data-part=(part.code) { (part.code) " · " (text(&part.name)) " " span.muted { "(" (sum) @if let Some(declared) = part.max { @if declared != sum { " / " (declared) } } " " (t(lang, "criteria.points")) ")" } }
                table.preview-part data-part=(part.code) style="table-layout:fixed" {
                    colgroup { col style="width:5.5rem"; col style="width:4rem"; col; }
                    tbody {
                        @for section in &part.sections {
                            tr.section { th colspan="3" { (section.code) " " (text(&section.name)) } }
                            @for criterion in &section.criteria {
                                tr.criterion data-code=(criterion.code) {
                                    td { strong { (criterion.code) } }
                                    td colspan="2" {
                                        strong data-testid="preview-criterion" { (text(&criterion.text)) }
                                        @if let Some(cond) = &criterion.applies_if {
                                            br; span.muted { (t(lang, "criteria.only_if")) " " (cond.criterion) " ≥ " (cond.min_points) }
                                        }
                                        @if let Some(k) = &criterion.knockout {
                                            br; span.muted {
                                                (t(lang, "criteria.knockout")) ": "
                                                (match k.trigger { KnockoutTrigger::Observed {} => t(lang, "criteria.knockout.observed"), KnockoutTrigger::PointsAtMost { points } => format!("≤ {points}") })
                                                ", " (t(lang, match k.effect { KnockoutEffect::Stop => "criteria.knockout.stop", KnockoutEffect::Disqualify => "criteria.knockout.disqualify" }))
                                                " · " (text(&k.text))
                                            }
                                        }
                                        @if let Some(evidence) = &criterion.evidence {
                                            br; span.muted { (t(lang, "criteria.evidence")) ": " (text(evidence)) }
                                        }
                                        @if let Some(note) = &criterion.note {
                                            br; span.muted { (text(note)) }
                                        }
                                    }
                                }
                                @for level in &criterion.levels {
                                    tr.level {
                                        td {}
                                        td.num data-testid="preview-points" { (level.points) }
                                        td {
                                            @if let Some(scale) = level.scale.as_ref().and_then(|s| criterion.scales.iter().find(|x| &x.id == s)) {
                                                span.badge { (text(&scale.label)) } " "
                                            }
                                            (text(&level.text))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !set.minimum_requirements.is_empty() {
                h3 { (t(lang, "criteria.requirements")) }
                ul {
                    @for req in &set.minimum_requirements {
                        li {
                            (req.star) "★: "
                            (match &req.rule { Requirement::CriterionAtLeast { criterion, points } => format!("{criterion} ≥ {points}"), Requirement::PartAtLeast { part, points } => format!("{part} ≥ {points}") })
                            " · " (text(&req.text))
                        }
                    }
                }
            }
            @if !draft.warnings.is_empty() {
                h3 { (t(lang, "criteria.warnings")) }
                (findings_table(lang, draft.warnings.iter().map(|w| Row {
                    error: false,
                    code: &w.code,
                    sheet: &w.sheet,
                    row: w.row,
                    column: w.column.as_deref(),
                    message: &w.message,
                })))
            }
        }
    }
}
