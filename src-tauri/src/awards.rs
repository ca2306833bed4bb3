//! The stars the office awarded this laptop's products and their certificates: a product's,
//! the list of those lapsing, and a certificate opened in the PDF viewer or saved.

use std::path::PathBuf;

use ovop_app::certificates::{self, AwardView};
use ovop_app::folder::write_file;
use ovop_sheets::Lang;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;
use ovop_core::Code;

/// The day a training session gave the app (`OVOP_TODAY`, YYYY-MM-DD), when it is one.
fn training_day() -> Option<String> {
    std::env::var("OVOP_TODAY")
        .ok()
        .filter(|d| d.len() == 10 && ovop_core::validity::parse_day(d).is_some())
}

/// The day validity is judged on: today by the clock, or the training session's day, so a
/// training session can show next year's lapsing list.
pub(crate) fn today() -> String {
    training_day().unwrap_or_else(|| ovop_store::now_utc()[..10].to_string())
}

/// The day a training session gave the app, or none (the laptop's calendar holds): a new
/// sheet's visit day starts from it, so a training session's re-assessment is made on the day
/// its lapsing list was judged on.
#[tauri::command]
pub fn app_training_day() -> Option<String> {
    training_day()
}

/// A product's awards, the latest first, each with where its certificate stands today.
#[tauri::command]
pub async fn product_awards(
    state: State<'_, AppState>,
    product_id: String,
) -> Result<Vec<AwardView>, AppError> {
    let today = today();
    state
        .with_store(move |store| certificates::awards_of(store, &product_id, &today))
        .await
}

/// The certificates lapsing within 90 days or lapsed, soonest first.
#[tauri::command]
pub async fn certificates_lapsing(state: State<'_, AppState>) -> Result<Vec<AwardView>, AppError> {
    let today = today();
    state
        .read_now(move |store| certificates::lapsing(store, &today))
        .await
}

/// Opens a certificate in the system's PDF viewer; returns the file.
#[tauri::command]
pub async fn certificate_print(
    state: State<'_, AppState>,
    number: String,
    lang: String,
) -> Result<String, AppError> {
    let (bytes, name) = state
        .with_store(move |store| certificates::certificate_pdf(store, &number, Lang::parse(&lang)))
        .await?;
    crate::print::open_pdf(&bytes, &name)
}

/// Saves a certificate at `path` (a full path the officer chose); returns it.
#[tauri::command]
pub async fn certificate_save(
    state: State<'_, AppState>,
    number: String,
    lang: String,
    path: String,
) -> Result<String, AppError> {
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(AppError::new(
            Code::DataNotAbsolute.as_str(),
            format!("{} is not a full path", path.display()),
        ));
    }
    let (bytes, _) = state
        .with_store(move |store| certificates::certificate_pdf(store, &number, Lang::parse(&lang)))
        .await?;
    write_file(&path, &bytes, Code::SheetWrite.as_str())?;
    Ok(path.display().to_string())
}
