//! The OVOP Field desktop shell: the window, its state and one-line commands over `ovop-app`
//! (and the store's plain reads and writes). Nothing else lives here: what the app does is
//! `ovop-app`'s, criteria, scoring and validation `ovop-core`'s.

pub mod assess;
pub mod awards;
#[cfg(test)]
mod bindings;
pub mod coaching;
pub mod commands;
pub mod data;
pub mod error;
pub mod print;
pub mod render;
pub mod state;
pub mod sync;

use tauri::{Builder, Manager, Runtime};

/// Registers the commands. Generic over the runtime so tests can drive the real IPC with
/// `tauri::test::mock_builder()`.
pub fn configure<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder
        .register_asynchronous_uri_scheme_protocol(
            commands::PHOTO_SCHEME,
            |ctx, request, responder| {
                let app = ctx.app_handle().clone();
                let path = request.uri().path().to_string();
                tauri::async_runtime::spawn(async move {
                    match app.try_state::<state::AppState>() {
                        Some(state) => {
                            responder.respond(commands::thumbnail_response(&state, &path).await)
                        }
                        None => responder.respond(
                            tauri::http::Response::builder()
                                .status(tauri::http::StatusCode::SERVICE_UNAVAILABLE)
                                .body(Vec::new())
                                .unwrap_or_default(),
                        ),
                    }
                });
            },
        )
        .invoke_handler(tauri::generate_handler![
            commands::criteria_list,
            commands::criteria_import_file,
            commands::criteria_get,
            commands::criteria_score,
            commands::home_counts,
            commands::regions_search,
            commands::regions_children,
            commands::region_get,
            commands::regions_countries,
            commands::regions_choose_countries,
            commands::regions_relocations,
            commands::producer_relocate,
            commands::producers_list,
            commands::producer_get,
            commands::producer_save,
            commands::producer_delete,
            commands::product_delete,
            commands::record_history,
            commands::products_list,
            commands::product_save,
            commands::products_search,
            commands::photos_list,
            commands::photo_add,
            commands::settings_get,
            commands::setting_set,
            data::data_info,
            data::backups_list,
            data::backup_create,
            data::backup_restore,
            data::archive_write,
            data::archive_preview,
            data::archive_restore,
            data::data_move,
            print::sheet_save,
            print::sheet_print,
            print::sheet_file_name,
            assess::assessment_start,
            assess::assessment_get,
            assess::assessment_change,
            assess::assessment_member_add,
            assess::assessment_member_remove,
            assess::assessment_evidence,
            assess::assessment_visit,
            assess::assessment_finalize,
            assess::assessment_correct,
            assess::assessments_list,
            sync::sync_status,
            sync::sync_now,
            sync::sync_enrol,
            sync::sync_forget,
            sync::pulled_photos,
            sync::pulled_photo_fetch,
            sync::photo_budget,
            sync::photo_budget_set,
            sync::sync_outbox,
            sync::bundle_write,
            sync::bundle_receipt,
            sync::assessment_decisions,
            awards::app_training_day,
            awards::product_awards,
            awards::certificates_lapsing,
            awards::certificate_print,
            awards::certificate_save,
            coaching::coaching_steps,
            coaching::coaching_plan,
            coaching::coaching_save_action,
            coaching::coaching_save_plan,
            coaching::coaching_record_visit,
            coaching::coaching_due,
        ])
}

pub fn run() {
    let app = configure(Builder::default())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            // The same folder the command line uses (on Windows, the local application data).
            let data_dir = ovop_app::folder::default_home();
            let state = state::AppState::load(data_dir.as_deref());
            let task = sync::start(app.handle().clone(), &state);
            app.manage(state);
            app.manage(task);
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(err) => {
            eprintln!("OVOP Field could not start: {err}");
            std::process::exit(1);
        }
    }
}
