//! The commands through Tauri's real IPC, with the mock runtime (no display needed).

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindowBuilder};

use ovop_field::state::AppState;

fn invoke(cmd: &str, body: Value, data_dir: Option<&std::path::Path>) -> Result<Value, Value> {
    let app = ovop_field::configure(mock_builder())
        .build(mock_context(noop_assets()))
        .expect("mock app");
    app.manage(AppState::load(data_dir));
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window");
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
    let view = invoke(
        "criteria_get",
        json!({"id": "ocop-1048-02", "version": "781-2020"}),
        None,
    )
    .expect("set");
    assert_eq!(view["set"]["parts"].as_array().map(Vec::len), Some(3));
    assert_eq!(view["summary"]["criteria_count"], 31);
    assert!(view["findings"]
        .as_array()
        .is_some_and(|f| f.iter().all(|f| f["declared"] == true)));
    let err = invoke("criteria_get", json!({"id": "nope", "version": "1"}), None)
        .expect_err("unknown set");
    assert_eq!(err["code"], "criteria.not_found");
}

#[test]
fn criteria_score_scores_through_the_engine_and_reports_answer_errors() {
    let answers = json!({"criteria": "ovop-id-template", "answers": {"1.1": 3}});
    let result = invoke(
        "criteria_score",
        json!({"version": "2026.1", "answers": answers}),
        None,
    )
    .expect("score");
    assert_eq!(result["total"], 3);
    assert_eq!(result["complete"], false);
    let bad = json!({"criteria": "ovop-id-template", "answers": {"1.1": 7, "99": 1}});
    let err = invoke(
        "criteria_score",
        json!({"version": "2026.1", "answers": bad}),
        None,
    )
    .expect_err("refused");
    assert_eq!(err["code"], "answers.invalid");
    let codes: Vec<&str> = err["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["answers.unknown_criterion", "answers.no_such_level"]
    );
}

fn invoke_on(state_dir: &std::path::Path, calls: &[(&str, Value)]) -> Vec<Result<Value, Value>> {
    let app = ovop_field::configure(mock_builder())
        .build(mock_context(noop_assets()))
        .expect("mock app");
    app.manage(AppState::load(Some(state_dir)));
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window");
    calls
        .iter()
        .map(|(cmd, body)| {
            let request = InvokeRequest {
                cmd: cmd.to_string(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().expect("url"),
                body: InvokeBody::Json(body.clone()),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            };
            get_ipc_response(&webview, request)
                .map(|b| b.deserialize::<Value>().expect("json body"))
        })
        .collect()
}

#[test]
fn a_fresh_install_has_every_region_and_keeps_producers_and_products() {
    let data = tempfile::tempdir().expect("temp");
    let results = invoke_on(
        data.path(),
        &[
            ("home_counts", json!({})),
            ("regions_search", json!({"query": "tapin", "limit": 5})),
            ("regions_children", json!({"code": "63.05.01"})),
        ],
    );
    assert_eq!(
        results[0].as_ref().expect("counts"),
        &json!({"drafts": 0, "finals": 0, "waiting": 0})
    );
    assert_eq!(
        results[1].as_ref().expect("search")[0]["name"],
        "Kabupaten Tapin"
    );
    let village = results[2].as_ref().expect("children")[0]["code"]
        .as_str()
        .expect("code")
        .to_string();

    let producer = json!({"producer": {"id": "", "name": "KUB Purun Hijau", "village_code": village, "penghela": true}});
    let results = invoke_on(data.path(), &[("producer_save", producer)]);
    let producer_id = results[0]
        .as_ref()
        .expect("saved")
        .as_str()
        .expect("id")
        .to_string();
    let product = json!({"product": {"id": "", "producer_id": producer_id, "name": "Tikar purun", "skus": ["TK-1"]}});
    let results = invoke_on(
        data.path(),
        &[
            ("product_save", product),
            ("producers_list", json!({"region": "63.05"})),
            ("products_search", json!({"query": "tikar", "region": "63"})),
            (
                "producer_save",
                json!({"producer": {"id": "", "name": "  "}}),
            ),
        ],
    );
    assert!(results[0].is_ok());
    assert_eq!(
        results[1].as_ref().expect("list")[0]["name"],
        "KUB Purun Hijau"
    );
    assert_eq!(
        results[2].as_ref().expect("search")[0]["producer_name"],
        "KUB Purun Hijau"
    );
    assert_eq!(
        results[3].as_ref().expect_err("a nameless producer")["code"],
        "store.invalid"
    );
}

#[test]
fn a_newer_database_is_reported_by_code_and_the_app_still_answers() {
    let data = tempfile::tempdir().expect("temp");
    let db = data.path().join("ovop.sqlite");
    drop(ovop_store::Store::open(&db).expect("create"));
    rusqlite_set_version(&db, 999);
    let results = invoke_on(
        data.path(),
        &[("home_counts", json!({})), ("criteria_list", json!({}))],
    );
    assert_eq!(
        results[0].as_ref().expect_err("refused")["code"],
        "store.newer_schema"
    );
    assert!(results[1].is_ok(), "the criteria still work");
}

fn rusqlite_set_version(path: &std::path::Path, version: i64) {
    let conn = rusqlite::Connection::open(path).expect("open");
    conn.pragma_update(None, "user_version", version)
        .expect("set");
}

/// One call with a body of any kind and the given headers, as the webview sends it.
fn request(cmd: &str, body: InvokeBody, headers: &[(&'static str, &str)]) -> InvokeRequest {
    let mut map = tauri::http::HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, value.parse().expect("header value"));
    }
    InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: "tauri://localhost".parse().expect("url"),
        body,
        headers: map,
        invoke_key: INVOKE_KEY.to_string(),
    }
}

#[test]
fn a_photo_arrives_as_raw_bytes_or_as_the_json_numbers_of_webkitgtk_and_a_bad_file_is_refused() {
    let data = tempfile::tempdir().expect("temp");
    let png = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/screenshots/criteria-ocop-id.png"),
    )
    .expect("a real picture");
    let app = ovop_field::configure(mock_builder())
        .build(mock_context(noop_assets()))
        .expect("mock app");
    app.manage(AppState::load(Some(data.path())));
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("mock window");
    let call = |req: InvokeRequest| {
        get_ipc_response(&webview, req).map(|b| b.deserialize::<Value>().expect("json body"))
    };
    let producer = call(request(
        "producer_save",
        InvokeBody::Json(json!({"producer": {"id": "", "name": "UMKM Dodol Kandangan"}})),
        &[],
    ))
    .expect("producer");
    let product = call(request(
        "product_save",
        InvokeBody::Json(json!({"product": {"id": "", "producer_id": producer, "name": "Dodol"}})),
        &[],
    ))
    .expect("product");
    let product = product.as_str().expect("id");
    let headers = |name: &'static str| {
        [
            ("owner-kind", "product"),
            ("owner-id", product),
            ("file-name", name),
        ]
    };

    // WebKitGTK's IPC: the bytes as a JSON array; the name percent-encoded by the UI.
    let as_json = call(request(
        "photo_add",
        InvokeBody::Json(json!(png)),
        &headers("foto%20dodol%20%C3%A1.png"),
    ))
    .expect("the picture from JSON numbers");
    assert_eq!(as_json["name"], "foto dodol á.png");
    assert_eq!(as_json["mime"], "image/png");
    assert!(as_json["thumbnail"]
        .as_str()
        .is_some_and(|t| t.starts_with("data:image/jpeg;base64,")));

    // The same picture as a raw body is the same photo, not a second one.
    let as_raw = call(request(
        "photo_add",
        InvokeBody::Raw(png.clone()),
        &headers("again.png"),
    ))
    .expect("the picture from raw bytes");
    assert_eq!(as_raw["sha256"], as_json["sha256"]);

    // Not a picture, not bytes, and a picture cut short: each refused by code.
    let text = call(request(
        "photo_add",
        InvokeBody::Raw(b"catatan kunjungan".to_vec()),
        &headers("catatan.jpg"),
    ))
    .expect_err("text");
    assert_eq!(text["code"], "photo.unsupported");
    let not_bytes = call(request(
        "photo_add",
        InvokeBody::Json(json!({"path": "/etc/passwd"})),
        &headers("x.png"),
    ))
    .expect_err("not bytes");
    assert_eq!(not_bytes["code"], "photo.unreadable");
    let cut = call(request(
        "photo_add",
        InvokeBody::Raw(png[..png.len() / 2].to_vec()),
        &headers("cut.png"),
    ))
    .expect_err("cut short");
    assert_eq!(cut["code"], "photo.unreadable");

    let photos = call(request(
        "photos_list",
        InvokeBody::Json(json!({"ownerKind": "product", "ownerId": product})),
        &[],
    ))
    .expect("list");
    assert_eq!(photos.as_array().map(Vec::len), Some(1), "{photos}");
}
