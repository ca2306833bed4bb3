//! Tauri commands: one-line adapters from IPC to `ovop-app` and the store.

use ovop_app::views::{self, CriteriaList, CriteriaSetView};
use ovop_core::{Answers, ScoreResult};
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;
use ovop_core::Code;

#[tauri::command]
pub fn criteria_list(state: State<'_, AppState>) -> CriteriaList {
    views::criteria_list(&state.app.catalog())
}

/// Reads a criteria file (.json, .xlsx, .csv) the officer picked: every finding with its row
/// and column, and the set installed when none is an error.
#[tauri::command]
pub async fn criteria_import_file(
    state: State<'_, AppState>,
    path: String,
) -> Result<ovop_app::criteria::CriteriaImport, AppError> {
    state
        .run(move |app| app.import_criteria_file(std::path::Path::new(path.trim())))
        .await
}

#[tauri::command]
pub fn criteria_get(
    state: State<'_, AppState>,
    id: String,
    version: String,
) -> Result<CriteriaSetView, AppError> {
    views::criteria_set(&state.app.catalog(), &id, &version)
}

#[tauri::command]
pub fn criteria_score(
    state: State<'_, AppState>,
    version: String,
    answers: Answers,
) -> Result<ScoreResult, AppError> {
    views::score(&state.app.catalog(), &version, &answers)
}

// ---- the local store -------------------------------------------------------------------

use ovop_store::assessments::HomeCounts;
use ovop_store::now_utc;
use ovop_store::photos::Photo;
use ovop_store::records::{Producer, Product, ProductHit};
use ovop_store::regions::{Countries, Region, Relocation};

// Each runs on a blocking thread through `AppState::with_store`, never on the main thread; the
// home screen's reads through `AppState::read_now`, which does not wait for a first start's region
// import.

#[tauri::command]
pub async fn home_counts(state: State<'_, AppState>) -> Result<HomeCounts, AppError> {
    state.read_now(|store| Ok(store.counts()?)).await
}

#[tauri::command]
pub async fn regions_search(
    state: State<'_, AppState>,
    query: String,
    limit: u32,
) -> Result<Vec<Region>, AppError> {
    state
        .with_store(move |store| Ok(store.search_regions(&query, limit.min(200) as usize)?))
        .await
}

#[tauri::command]
pub async fn regions_children(
    state: State<'_, AppState>,
    code: Option<String>,
) -> Result<Vec<Region>, AppError> {
    state
        .with_store(move |store| Ok(store.region_children(code.as_deref())?))
        .await
}

#[tauri::command]
pub async fn region_get(state: State<'_, AppState>, code: String) -> Result<Region, AppError> {
    state
        .with_store(move |store| Ok(store.region(&code)?))
        .await
}

/// The countries the officer works in, and how many regions of each are imported (none yet while
/// a first start's import is under way: the counts are what is committed).
#[tauri::command]
pub async fn regions_countries(state: State<'_, AppState>) -> Result<Countries, AppError> {
    state.read_now(|store| Ok(store.region_countries()?)).await
}

/// Chooses the countries the officer works in (first start, Settings): imports what is missing.
#[tauri::command]
pub async fn regions_choose_countries(
    state: State<'_, AppState>,
    countries: Vec<String>,
) -> Result<Countries, AppError> {
    state
        .with_store(move |store| Ok(store.choose_countries(&countries, &now_utc())?))
        .await
}

/// Producers under a Vietnamese unit that ceased on 1 July 2025, with their successors.
#[tauri::command]
pub async fn regions_relocations(state: State<'_, AppState>) -> Result<Vec<Relocation>, AppError> {
    state.with_store(|store| Ok(store.relocations()?)).await
}

/// Moves a producer under an old commune to the successor the officer chose.
#[tauri::command]
pub async fn producer_relocate(
    state: State<'_, AppState>,
    id: String,
    code: String,
) -> Result<Producer, AppError> {
    state
        .with_store(move |store| Ok(store.relocate_producer(&id, &code, &now_utc())?))
        .await
}

#[tauri::command]
pub async fn producers_list(
    state: State<'_, AppState>,
    region: Option<String>,
) -> Result<Vec<Producer>, AppError> {
    state
        .with_store(move |store| Ok(store.producers_in(region.as_deref(), 500)?))
        .await
}

#[tauri::command]
pub async fn producer_get(state: State<'_, AppState>, id: String) -> Result<Producer, AppError> {
    state
        .with_store(move |store| Ok(store.producer(&id)?))
        .await
}

#[tauri::command]
pub async fn producer_save(
    state: State<'_, AppState>,
    producer: Producer,
) -> Result<String, AppError> {
    state
        .with_store(move |store| Ok(store.save_producer(&producer, &now_utc())?))
        .await
}

/// A producer's or product's history: its changes as the office last told, and the fields
/// changed here that wait to travel.
#[tauri::command]
pub async fn record_history(
    state: State<'_, AppState>,
    kind: String,
    id: String,
) -> Result<ovop_store::edits::RecordHistory, AppError> {
    state
        .with_store(move |store| Ok(store.history(&kind, &id)?))
        .await
}

/// Deletes a producer without products (its tombstone travels to the office).
#[tauri::command]
pub async fn producer_delete(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    state
        .with_store(move |store| Ok(store.delete_producer(&id, &now_utc())?))
        .await
}

/// Deletes a product never assessed (its tombstone travels to the office).
#[tauri::command]
pub async fn product_delete(state: State<'_, AppState>, id: String) -> Result<(), AppError> {
    state
        .with_store(move |store| Ok(store.delete_product(&id, &now_utc())?))
        .await
}

#[tauri::command]
pub async fn products_list(
    state: State<'_, AppState>,
    producer_id: String,
) -> Result<Vec<Product>, AppError> {
    state
        .with_store(move |store| Ok(store.products_of(&producer_id)?))
        .await
}

#[tauri::command]
pub async fn product_save(
    state: State<'_, AppState>,
    product: Product,
) -> Result<String, AppError> {
    state
        .with_store(move |store| Ok(store.save_product(&product, &now_utc())?))
        .await
}

#[tauri::command]
pub async fn products_search(
    state: State<'_, AppState>,
    query: String,
    region: Option<String>,
) -> Result<Vec<ProductHit>, AppError> {
    state
        .with_store(move |store| Ok(store.search_products(&query, region.as_deref(), 50)?))
        .await
}

#[tauri::command]
pub async fn photos_list(
    state: State<'_, AppState>,
    owner_kind: String,
    owner_id: String,
) -> Result<Vec<Photo>, AppError> {
    state
        .with_store(move |store| Ok(store.photos(&owner_kind, &owner_id)?))
        .await
}

/// The photo's bytes come as the raw request body (no JSON detour for megabytes); the owner
/// and the file name as headers.
#[tauri::command]
pub async fn photo_add(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<Photo, AppError> {
    // Raw where the webview's IPC carries bytes; on Linux (WebKitGTK) the IPC goes through
    // postMessage and the bytes arrive as a JSON array of numbers.
    let bytes = match request.body() {
        tauri::ipc::InvokeBody::Raw(bytes) => bytes.clone(),
        tauri::ipc::InvokeBody::Json(value) => serde_json::from_value::<Vec<u8>>(value.clone())
            .map_err(|_| {
                AppError::new(
                    Code::PhotoUnreadable.as_str(),
                    "the photo did not arrive as a file",
                )
            })?,
    };
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    // The UI sends the name through encodeURIComponent (spaces, non-ASCII letters).
    let name = percent_encoding::percent_decode_str(&header("file-name"))
        .decode_utf8_lossy()
        .into_owned();
    let (kind, owner, criterion) = (
        header("owner-kind"),
        header("owner-id"),
        header("criterion"),
    );
    state
        .with_store(move |store| {
            Ok(store.add_photo(&kind, &owner, &criterion, &name, &bytes, &now_utc())?)
        })
        .await
}

// ---- settings ------------------------------------------------------------------------------

/// Every setting the app keeps in the store (profile, language, where the officer was).
#[tauri::command]
pub async fn settings_get(
    state: State<'_, AppState>,
) -> Result<std::collections::BTreeMap<String, String>, AppError> {
    state.read_now(|store| Ok(store.settings()?)).await
}

/// Sets one setting (`null` removes it); kept before the call returns.
#[tauri::command]
pub async fn setting_set(
    state: State<'_, AppState>,
    key: String,
    value: Option<String>,
) -> Result<(), AppError> {
    state
        .with_store(move |store| Ok(store.set_setting(&key, value.as_deref(), &now_utc())?))
        .await
}

/// The scheme the window loads thumbnails from: `photo://localhost/<sha256>` (on Windows
/// `http://photo.localhost/<sha256>`), so a list of photos carries no image bytes.
pub const PHOTO_SCHEME: &str = "photo";

/// The answer to a thumbnail request: the JPEG, kept by the webview for good (a hash names the
/// same bytes forever), or 404 for a name that is not a stored photo's hash.
pub async fn thumbnail_response(state: &AppState, path: &str) -> tauri::http::Response<Vec<u8>> {
    use tauri::http::{header, Response, StatusCode};
    let name = path.trim_start_matches('/').to_string();
    let found = state
        .with_store(move |store| store.thumbnail_bytes(&name).map_err(AppError::from))
        .await;
    let response = match found {
        Ok(bytes) => Response::builder()
            .header(header::CONTENT_TYPE, "image/jpeg")
            .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
            .body(bytes),
        Err(err) => Response::builder()
            .status(if err.code == Code::StoreNotFound.as_str() {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            })
            .header(header::CONTENT_TYPE, "text/plain")
            .body(err.code.into_bytes()),
    };
    response.unwrap_or_else(|_| Response::new(Vec::new()))
}
