//! The commands through Tauri's real IPC, with the mock runtime (no display needed).

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

use ovop_field::state::AppState;

fn invoke(cmd: &str, body: Value, data_dir: Option<&std::path::Path>) -> Result<Value, Value> {
    let app = ovop_field::configure(mock_builder()).build(mock_context(noop_assets())).expect("mock app");
    app.manage(AppState::load(data_dir));
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("mock window");
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(&webview, request).map(|b| b.deserialize::<Value>().expect("json body"))
}

#[test]
fn criteria_list_returns_every_shipped_set_and_the_imported_ones() {
    let data = tempfile::tempdir().expect("temp");
    let dir = data.path().join("criteria");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("truncated.json"), "{\"format\": 1, \"id\":").expect("write");
    let list = invoke("criteria_list", json!({}), Some(data.path())).expect("list");
    assert_eq!(list["sets"].as_array().map(Vec::len), Some(26));
    assert_eq!(list["rejected"][0]["code"], "criteria.json_syntax");
    assert_eq!(list["rejected"][0]["origin"]["name"], "truncated.json");
}

#[test]
fn criteria_get_returns_the_sheet_or_a_coded_error() {
    let view = invoke("criteria_get", json!({"id": "ocop-1048-02", "version": "781-2020"}), None).expect("set");
    assert_eq!(view["set"]["parts"].as_array().map(Vec::len), Some(3));
    assert_eq!(view["summary"]["criteria_count"], 31);
    assert!(view["findings"].as_array().is_some_and(|f| f.iter().all(|f| f["declared"] == true)));
    let err = invoke("criteria_get", json!({"id": "nope", "version": "1"}), None).expect_err("unknown set");
    assert_eq!(err["code"], "criteria.not_found");
}

#[test]
fn criteria_score_scores_through_the_engine_and_reports_answer_errors() {
    let answers = json!({"criteria": "ovop-id-template", "answers": {"1.1": 3}});
    let result = invoke("criteria_score", json!({"version": "2026.1", "answers": answers}), None).expect("score");
    assert_eq!(result["total"], 3);
    assert_eq!(result["complete"], false);
    let bad = json!({"criteria": "ovop-id-template", "answers": {"1.1": 7, "99": 1}});
    let err = invoke("criteria_score", json!({"version": "2026.1", "answers": bad}), None).expect_err("refused");
    assert_eq!(err["code"], "answers.invalid");
    let codes: Vec<&str> = err["details"].as_array().expect("details").iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["answers.unknown_criterion", "answers.no_such_level"]);
}
