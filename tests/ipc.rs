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
fn criteria_import_file_gives_every_finding_or_installs_the_set() {
    let data = tempfile::tempdir().expect("temp");
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/criteria/examples/ovop-tapin-example.csv"),
    )
    .expect("the example sheet");
    let sheet = data.path().join("lembar.csv");
    std::fs::write(
        &sheet,
        example.replacen(",,,,,,2,Sebagian", ",,,,,,dua,Sebagian", 1),
    )
    .expect("write");
    let refused = invoke(
        "criteria_import_file",
        json!({"path": sheet}),
        Some(data.path()),
    )
    .expect("read");
    assert_eq!(refused["summary"], Value::Null);
    assert_eq!(refused["findings"][0]["row"], 22);
    assert_eq!(refused["findings"][0]["column"], "G (points)");
    assert_eq!(refused["findings"][0]["severity"], "error");
    std::fs::write(&sheet, &example).expect("write");
    let installed = invoke(
        "criteria_import_file",
        json!({"path": sheet}),
        Some(data.path()),
    )
    .expect("installed");
    assert_eq!(installed["summary"]["id"], "ovop-tapin-contoh");
    assert_eq!(installed["summary"]["origin"]["kind"], "imported");
    let list = invoke("criteria_list", json!({}), Some(data.path())).expect("list");
    assert_eq!(list["sets"].as_array().map(Vec::len), Some(27));
    let err = invoke(
        "criteria_import_file",
        json!({"path": "lembar.csv"}),
        Some(data.path()),
    )
    .expect_err("not a full path");
    assert_eq!(err["code"], "data.not_absolute");
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
        json!({"version": "2026.2", "answers": answers}),
        None,
    )
    .expect("score");
    assert_eq!(result["total"], 3);
    assert_eq!(result["complete"], false);
    let bad = json!({"criteria": "ovop-id-template", "answers": {"1.1": 7, "99": 1}});
    let err = invoke(
        "criteria_score",
        json!({"version": "2026.2", "answers": bad}),
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
    // The thumbnail is served on the photo scheme by its hash, a JPEG kept by the webview for
    // good; a name that is not a stored photo's hash is a 404.
    let sha = as_json["sha256"].as_str().expect("hash").to_string();
    let state = app.state::<AppState>();
    let thumb = tauri::async_runtime::block_on(ovop_field::commands::thumbnail_response(
        &state,
        &format!("/{sha}"),
    ));
    assert_eq!(thumb.status(), 200);
    assert_eq!(thumb.headers()["content-type"], "image/jpeg");
    assert!(thumb.headers()["cache-control"]
        .to_str()
        .is_ok_and(|v| v.contains("immutable")));
    assert_eq!(&thumb.body()[..3], &[0xFF, 0xD8, 0xFF], "a JPEG");
    for bad in ["/../ovop.sqlite", "/", &format!("/{}", "0".repeat(64))] {
        let refused =
            tauri::async_runtime::block_on(ovop_field::commands::thumbnail_response(&state, bad));
        assert_eq!(refused.status(), 404, "{bad}");
    }

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

/// Calls on one app instance, in order (the store keeps what each call saved).
struct App {
    webview: tauri::WebviewWindow<tauri::test::MockRuntime>,
    _app: tauri::App<tauri::test::MockRuntime>,
}

impl App {
    fn new(data_dir: &std::path::Path) -> App {
        let app = ovop_field::configure(mock_builder())
            .build(mock_context(noop_assets()))
            .expect("mock app");
        app.manage(AppState::load(Some(data_dir)));
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock window");
        App { webview, _app: app }
    }

    fn call(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        get_ipc_response(&self.webview, request(cmd, InvokeBody::Json(body), &[]))
            .map(|b| b.deserialize::<Value>().expect("json body"))
    }

    /// A producer, its product and a draft of the OVOP template with `visit`; the draft's view.
    fn start_template_sheet(&self, visit: Value) -> Value {
        let producer = self
            .call(
                "producer_save",
                json!({"producer": {"id": "", "name": "KUB Purun"}}),
            )
            .expect("producer");
        let product = self
            .call(
                "product_save",
                json!({"product": {"id": "", "producer_id": producer, "name": "Tikar purun"}}),
            )
            .expect("product");
        self.call(
            "assessment_start",
            json!({"productId": product, "criteriaId": "ovop-id-template", "version": "2026.2", "visit": visit}),
        )
        .expect("started")
    }

    /// Every criterion of the sheet at `level` and every gate of the template met.
    fn fill_template_sheet(&self, view: &Value, level: u32) {
        let id = &view["assessment"]["id"];
        for criterion in view["result"]["criteria"].as_array().expect("criteria") {
            self.call(
                "assessment_change",
                json!({"id": id, "change": {"kind": "answer", "code": criterion["code"], "answer": level}}),
            )
            .expect("answer");
        }
        for gate in ["G1", "G2", "G3"] {
            self.call(
                "assessment_change",
                json!({"id": id, "change": {"kind": "gate", "code": gate, "met": true}}),
            )
            .expect("gate");
        }
    }
}

#[test]
fn an_assessment_is_scored_change_by_change_finalised_once_and_corrected_by_a_new_revision() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    let producer = app
        .call(
            "producer_save",
            json!({"producer": {"id": "", "name": "KWT Melati", "village_code": "63.05.04.2007"}}),
        )
        .expect("producer");
    let product = app
        .call(
            "product_save",
            json!({"product": {"id": "", "producer_id": producer, "name": "Keripik pisang", "programme": "ovop"}}),
        )
        .expect("product");
    // A level of another programme is refused in words; the start form's round, level and
    // kind are kept.
    let wrong =
        json!({"assessed_on": "2026-11-23", "region_code": "63.05.04.2007", "level": "province"});
    let refused = app
        .call(
            "assessment_start",
            json!({"productId": product, "criteriaId": "ovop-id-template", "version": "2026.2", "visit": wrong}),
        )
        .expect_err("refused");
    assert_eq!(refused["code"], "store.invalid", "{refused}");
    let visit = json!({"assessed_on": "2026-11-23", "region_code": "63.05.04.2007",
        "assessors": [{"name": "Rina Wulandari", "title": "Penyuluh", "unit": "Disperindag Tapin"}],
        "round": "2026-2", "level": "kabupaten", "kind": "new"});
    let view = app
        .call(
            "assessment_start",
            json!({"productId": product, "criteriaId": "ovop-id-template", "version": "2026.2", "visit": visit}),
        )
        .expect("started");
    let id = view["assessment"]["id"].as_str().expect("id").to_string();
    assert_eq!(view["assessment"]["status"], "draft");
    assert_eq!(
        (
            &view["assessment"]["visit"]["round"],
            &view["assessment"]["visit"]["level"],
            &view["assessment"]["visit"]["kind"]
        ),
        (&json!("2026-2"), &json!("kabupaten"), &json!("new"))
    );
    assert_eq!(view["producer"]["name"], "KWT Melati");
    assert_eq!(view["result"]["total"], 0);
    assert_eq!(view["result"]["complete"], false);

    // Every criterion at its top level, a note, the gates met: the result follows each change.
    let codes: Vec<String> = view["result"]["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .map(|c| c["code"].as_str().expect("code").to_string())
        .collect();
    assert_eq!(codes.len(), 22);
    let mut last = Value::Null;
    for code in &codes {
        last = app
            .call(
                "assessment_change",
                json!({"id": id, "change": {"kind": "answer", "code": code, "answer": 3}}),
            )
            .expect("answer");
    }
    assert_eq!(last["result"]["total"], 66);
    assert_eq!(last["cleared"], json!([]));
    for gate in ["G1", "G2", "G3"] {
        last = app
            .call(
                "assessment_change",
                json!({"id": id, "change": {"kind": "gate", "code": gate, "met": true}}),
            )
            .expect("gate");
    }
    assert_eq!(last["result"]["complete"], true);
    assert_eq!(last["answers"]["gates"]["G3"], true);
    app.call(
        "assessment_change",
        json!({"id": id, "change": {"kind": "note", "code": "1.1", "text": "Bahan dari kebun sendiri"}}),
    )
    .expect("note");

    // Refusals: a level the criterion does not have, an unknown criterion, an unknown kind of
    // change. None of them is stored.
    let err = app
        .call(
            "assessment_change",
            json!({"id": id, "change": {"kind": "answer", "code": "1.1", "answer": 9}}),
        )
        .expect_err("no such level");
    // The engine's refusal, with its code for the criterion it names.
    assert_eq!(err["code"], "answers.invalid");
    assert_eq!(err["details"][0]["code"], "answers.no_such_level");
    assert_eq!(err["details"][0]["subject"], "1.1");
    let err = app
        .call(
            "assessment_change",
            json!({"id": id, "change": {"kind": "note", "code": "99.9", "text": "x"}}),
        )
        .expect_err("unknown criterion");
    assert_eq!(err["code"], "answers.invalid");
    assert_eq!(err["details"][0]["code"], "answers.unknown_criterion");
    assert!(app
        .call(
            "assessment_change",
            json!({"id": id, "change": {"kind": "erase_everything"}}),
        )
        .is_err());
    let view = app.call("assessment_get", json!({"id": id})).expect("get");
    assert_eq!(view["assessment"]["answers"]["answers"]["1.1"], 3);
    assert_eq!(
        view["assessment"]["answers"]["notes"]["1.1"],
        "Bahan dari kebun sendiri"
    );

    // The home screen lists the draft; then it is finalised, locked and queued once.
    let drafts = app
        .call(
            "assessments_list",
            json!({"status": "draft", "productId": null}),
        )
        .expect("drafts");
    assert_eq!(drafts[0]["id"], id.as_str());
    assert_eq!(drafts[0]["answered"], 22);
    let done = app
        .call("assessment_finalize", json!({"id": id}))
        .expect("final");
    assert_eq!(done["assessment"]["status"], "final");
    assert_eq!(done["result"]["total"], 66);
    let again = app
        .call("assessment_finalize", json!({"id": id}))
        .expect_err("already final");
    assert_eq!(again["code"], "store.locked");
    let locked = app
        .call(
            "assessment_change",
            json!({"id": id, "change": {"kind": "answer", "code": "1.1", "answer": 1}}),
        )
        .expect_err("locked");
    assert_eq!(locked["code"], "store.locked");
    assert_eq!(
        app.call("home_counts", json!({})).expect("counts"),
        json!({"drafts": 0, "finals": 1, "waiting": 3}),
        "the assessment, and the producer and product it needs"
    );

    // A correction needs a reason, and is a second revision naming the first.
    let err = app
        .call("assessment_correct", json!({"id": id, "reason": "  "}))
        .expect_err("no reason");
    assert_eq!(err["code"], "store.invalid");
    let corrected = app
        .call(
            "assessment_correct",
            json!({"id": id, "reason": "Salah pilih level 1.1"}),
        )
        .expect("corrected");
    assert_eq!(corrected["assessment"]["revision"], 2);
    assert_eq!(corrected["assessment"]["supersedes"], 1);
    assert_eq!(corrected["assessment"]["status"], "draft");
    assert_eq!(corrected["revisions"].as_array().map(Vec::len), Some(2));
    assert_eq!(corrected["revisions"][0]["total"].as_f64(), Some(66.0));
    let history = app
        .call(
            "assessments_list",
            json!({"status": null, "productId": product}),
        )
        .expect("history");
    assert_eq!(history.as_array().map(Vec::len), Some(1));
    assert_eq!(history[0]["revision"], 2);
}

#[test]
fn an_assessment_of_an_unknown_set_or_product_is_refused_and_nothing_is_started() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    let err = app
        .call(
            "assessment_start",
            json!({"productId": "nope", "criteriaId": "ovop-id-template", "version": "2026.2", "visit": {}}),
        )
        .expect_err("unknown product");
    assert_eq!(err["code"], "store.not_found");
    let err = app
        .call(
            "assessment_start",
            json!({"productId": "nope", "criteriaId": "ovop-id-template", "version": "1999", "visit": {}}),
        )
        .expect_err("unknown version");
    assert_eq!(err["code"], "criteria.not_found");
    assert_eq!(
        app.call(
            "assessments_list",
            json!({"status": null, "productId": null})
        )
        .expect("list"),
        json!([])
    );
}

#[test]
fn settings_outlive_the_app_and_a_bad_one_is_refused() {
    let data = tempfile::tempdir().expect("temp");
    {
        let app = App::new(data.path());
        app.call(
            "setting_set",
            json!({"key": "place", "value": "{\"screen\":\"assessment\"}"}),
        )
        .expect("set");
        app.call("setting_set", json!({"key": "lang", "value": "vi"}))
            .expect("set");
        app.call("setting_set", json!({"key": "lang", "value": null}))
            .expect("remove");
        let err = app
            .call("setting_set", json!({"key": "", "value": "x"}))
            .expect_err("nameless");
        assert_eq!(err["code"], "store.invalid");
    }
    let app = App::new(data.path());
    assert_eq!(
        app.call("settings_get", json!({})).expect("all"),
        json!({"place": "{\"screen\":\"assessment\"}"})
    );
}

#[test]
fn a_backup_restores_the_data_of_its_time_and_keeps_the_replaced_database() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    let info = app.call("data_info", json!({})).expect("info");
    assert!(info["database"]
        .as_str()
        .is_some_and(|p| p.ends_with("ovop.sqlite")));
    assert_eq!(info["schema_version"], ovop_store::SCHEMA_VERSION);
    app.call(
        "producer_save",
        json!({"producer": {"id": "", "name": "Sebelum cadangan"}}),
    )
    .expect("first producer");
    let backup = app.call("backup_create", json!({})).expect("backup");
    let name = backup["name"].as_str().expect("name").to_string();
    assert!(backup["size_bytes"].as_f64().is_some_and(|s| s > 0.0));
    let listed = app.call("backups_list", json!({})).expect("list");
    assert!(listed
        .as_array()
        .expect("array")
        .iter()
        .any(|b| b["name"] == name.as_str()));
    app.call(
        "producer_save",
        json!({"producer": {"id": "", "name": "Sesudah cadangan"}}),
    )
    .expect("second producer");

    // Names that are not a backup, or try to leave the folder, are refused; nothing changes.
    for bad in ["../ovop", "nope", ""] {
        let err = app
            .call("backup_restore", json!({"name": bad}))
            .expect_err("refused");
        assert_eq!(err["code"], "backup.not_found", "{bad}");
    }
    assert_eq!(
        app.call("producers_list", json!({"region": null}))
            .expect("list")
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // A damaged backup is refused and the database stays as it was, still open.
    let damaged = data.path().join("ovop.sqlite.backups/damaged.sqlite");
    std::fs::write(&damaged, b"SQLite format 3\0 and then nothing useful").expect("write");
    assert!(app
        .call("backup_restore", json!({"name": "damaged"}))
        .is_err());
    assert_eq!(
        app.call("producers_list", json!({"region": null}))
            .expect("still open")
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // The real one: the data of its time, and the replaced database kept beside it.
    app.call("backup_restore", json!({"name": name}))
        .expect("restored");
    let producers = app
        .call("producers_list", json!({"region": null}))
        .expect("list");
    let names: Vec<&str> = producers
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, ["Sebelum cadangan"]);
    assert!(data.path().join("ovop.sqlite.before-restore-1").exists());
}

/// A laptop's store at `db` with one producer, KWT Melati Sejahtera; the store and its id.
fn laptop_with_a_producer(db: &std::path::Path) -> (ovop_store::Store, String) {
    let mut store = ovop_store::Store::open(db).expect("the laptop's store");
    let producer = store
        .add_producer(
            &ovop_store::records::Producer {
                name: "KWT Melati Sejahtera".into(),
                ..Default::default()
            },
            "2026-12-07T08:00:00Z",
        )
        .expect("producer");
    (store, producer)
}

/// Writes something that is not a database over the one at `db`; what it wrote.
fn write_over(db: &std::path::Path) -> Vec<u8> {
    let damaged = b"bukan basis data: tertimpa berkas lain\n".repeat(200);
    std::fs::write(db, &damaged).expect("write over the database");
    damaged
}

#[test]
fn a_whole_backup_on_a_usb_drive_brings_a_laptops_data_and_photos_to_a_new_one() {
    let old = tempfile::tempdir().expect("temp");
    let usb = tempfile::tempdir().expect("temp");
    let new = tempfile::tempdir().expect("temp");
    let png = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/screenshots/criteria-ocop-id.png"),
    )
    .expect("a real picture");
    // The old laptop: a producer, its product and a photo of it.
    let sha = {
        let (mut store, producer) = laptop_with_a_producer(&old.path().join("ovop.sqlite"));
        let product = store
            .add_product(
                &ovop_store::records::Product {
                    producer_id: producer,
                    name: "Keripik Pisang Kepok".into(),
                    ..Default::default()
                },
                "2026-12-07T08:00:00Z",
            )
            .expect("product");
        store
            .add_photo(
                "product",
                &product,
                "",
                "kemasan.png",
                &png,
                "2026-12-07T08:00:00Z",
            )
            .expect("photo")
            .sha256
    };
    let app = App::new(old.path());
    let refused = app
        .call("archive_write", json!({"folder": "usb"}))
        .expect_err("a relative folder");
    assert_eq!(refused["code"], "data.not_absolute");
    let written = app
        .call("archive_write", json!({"folder": usb.path()}))
        .expect("written");
    let file = written["path"].as_str().expect("path").to_string();
    assert!(file.ends_with(".ovopbak") && std::path::Path::new(&file).is_file());
    assert_eq!(written["contents"]["photos"], 1);
    drop(app);

    // A new laptop: the file is checked and described first, then restored.
    let app = App::new(new.path());
    let damaged = usb.path().join("terpotong.ovopbak");
    let bytes = std::fs::read(&file).expect("backup");
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).expect("write");
    for cmd in ["archive_preview", "archive_restore"] {
        let refused = app
            .call(cmd, json!({"file": damaged}))
            .expect_err("a backup cut short");
        assert_eq!(refused["code"], "backup.damaged", "{cmd}");
    }
    let preview = app
        .call("archive_preview", json!({"file": file}))
        .expect("checked");
    assert_eq!(preview["backup"]["contents"]["producers"], 1);
    assert_eq!(preview["backup"]["contents"]["photos"], 1);
    assert_eq!(preview["current"]["producers"], 0);
    let restored = app
        .call("archive_restore", json!({"file": file}))
        .expect("restored");
    assert_eq!(restored["files_added"], 2, "the photo and its thumbnail");
    let producers = app
        .call("producers_list", json!({"region": null}))
        .expect("list");
    assert_eq!(producers[0]["name"], "KWT Melati Sejahtera");
    drop(app);
    let store = ovop_store::Store::open(&new.path().join("ovop.sqlite")).expect("store");
    assert_eq!(store.photo_bytes(&sha).expect("the photo"), png);
}

#[test]
fn a_laptop_whose_database_is_damaged_is_restored_from_a_whole_backup() {
    let old = tempfile::tempdir().expect("temp");
    let usb = tempfile::tempdir().expect("temp");
    let broken = tempfile::tempdir().expect("temp");
    let file = {
        let (store, _) = laptop_with_a_producer(&old.path().join("ovop.sqlite"));
        store
            .write_archive(usb.path(), "2026-12-07T08:30:00Z")
            .expect("backup")
            .path
    };
    // Something wrote over the database: the app starts, says so, and still takes a restore.
    let damaged = write_over(&broken.path().join("ovop.sqlite"));
    let app = App::new(broken.path());
    let refused = app.call("data_info", json!({})).expect_err("no database");
    assert_eq!(refused["code"], "store.not_a_database");
    let preview = app
        .call("archive_preview", json!({"file": file}))
        .expect("checked without an open database");
    assert_eq!(preview["current"], Value::Null);
    assert_eq!(preview["backup"]["contents"]["producers"], 1);
    let restored = app
        .call("archive_restore", json!({"file": file}))
        .expect("restored");
    let kept = restored["kept"].as_str().expect("the damaged file is kept");
    assert_eq!(std::fs::read(kept).expect("kept"), damaged);
    let producers = app
        .call("producers_list", json!({"region": null}))
        .expect("the store is open again");
    assert_eq!(producers[0]["name"], "KWT Melati Sejahtera");
}

#[test]
fn a_laptop_whose_database_is_damaged_lists_its_backups_and_restores_one() {
    let data = tempfile::tempdir().expect("temp");
    let db = data.path().join("ovop.sqlite");
    {
        let (store, _) = laptop_with_a_producer(&db);
        store
            .backup_to(&store.backup_path("manual-20261207T080000Z"))
            .expect("backup");
    }
    write_over(&db);
    let app = App::new(data.path());
    assert_eq!(
        app.call("data_info", json!({})).expect_err("no database")["code"],
        "store.not_a_database"
    );
    let listed = app
        .call("backups_list", json!({}))
        .expect("listed all the same");
    assert_eq!(listed[0]["name"], "manual-20261207T080000Z");
    app.call("backup_restore", json!({"name": "manual-20261207T080000Z"}))
        .expect("restored");
    let producers = app
        .call("producers_list", json!({"region": null}))
        .expect("the store is open again");
    assert_eq!(producers[0]["name"], "KWT Melati Sejahtera");
}

#[test]
fn an_earlier_revision_is_shown_as_it_was_finalised() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    let view = app.start_template_sheet(json!({}));
    let id = view["assessment"]["id"].as_str().expect("id").to_string();
    app.fill_template_sheet(&view, 2);
    app.call("assessment_finalize", json!({"id": id}))
        .expect("final");
    app.call(
        "assessment_correct",
        json!({"id": id, "reason": "Bukti baru"}),
    )
    .expect("corrected");
    app.call(
        "assessment_change",
        json!({"id": id, "change": {"kind": "answer", "code": "1.1", "answer": 3}}),
    )
    .expect("changed");
    let first = app
        .call("assessment_get", json!({"id": id, "revision": 1}))
        .expect("revision 1");
    assert_eq!(first["assessment"]["status"], "final");
    assert_eq!(first["assessment"]["answers"]["answers"]["1.1"], 2);
    assert_eq!(first["result"]["total"], 44);
    let latest = app
        .call("assessment_get", json!({"id": id, "revision": null}))
        .expect("latest");
    assert_eq!(latest["assessment"]["revision"], 2);
    assert_eq!(latest["result"]["total"], 45);
    let missing = app
        .call("assessment_get", json!({"id": id, "revision": 7}))
        .expect_err("no such revision");
    assert_eq!(missing["code"], "store.not_found");
}

#[test]
fn a_council_member_scores_on_a_sheet_of_their_own_and_the_average_follows() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    let view = app.start_template_sheet(json!({"assessors": [{"name": "Siti Rahmah"}]}));
    let id = view["assessment"]["id"].as_str().expect("id").to_string();
    assert_eq!(view["council"], Value::Null, "one assessor, no council");
    let view = app
        .call(
            "assessment_member_add",
            json!({"id": id, "assessor": {"name": "Budi Santoso", "role": "anggota"}}),
        )
        .expect("member");
    assert_eq!(view["members"][0]["member"], 2);
    assert_eq!(view["council"]["members"].as_array().map(Vec::len), Some(2));
    // The council's roster: none yet, then one member absent of three (two present, three
    // needed: short), then none absent (met).
    assert_eq!(view["quorum"]["problem"], "missing");
    let mut visit = view["assessment"]["visit"].clone();
    visit["roster"] = json!({"chair": "Siti Rahmah", "absent": [{"name": "Agus Salim"}]});
    let short = app
        .call("assessment_visit", json!({"id": id, "visit": visit}))
        .expect("roster");
    assert_eq!(
        short["assessment"]["visit"]["roster"]["absent"][0]["name"],
        "Agus Salim"
    );
    assert_eq!(
        (
            &short["quorum"]["check"]["present"],
            &short["quorum"]["check"]["required"],
            &short["quorum"]["check"]["met"]
        ),
        (&json!(2), &json!(3), &json!(false))
    );
    visit["roster"] = json!({"chair": "Siti Rahmah", "absent": []});
    let met = app
        .call("assessment_visit", json!({"id": id, "visit": visit}))
        .expect("roster");
    assert_eq!(met["quorum"]["check"]["met"], true);
    visit["roster"] = json!({"chair": "Joko", "absent": []});
    let unknown = app
        .call("assessment_visit", json!({"id": id, "visit": visit}))
        .expect("saved, and said");
    assert_eq!(
        (&unknown["quorum"]["problem"], &unknown["quorum"]["name"]),
        (&json!("chair_unknown"), &json!("Joko"))
    );

    let lead = app
        .call(
            "assessment_change",
            json!({"id": id, "change": {"kind": "answer", "code": "1.1", "answer": 3}}),
        )
        .expect("lead");
    assert_eq!(lead["result"]["total"], 3);
    let member = app
        .call(
            "assessment_change",
            json!({"id": id, "member": 2, "change": {"kind": "answer", "code": "1.1", "answer": 1}}),
        )
        .expect("member 2");
    assert_eq!(member["result"]["total"], 1);
    assert_eq!(member["council"]["average"], 2.0);
    assert_eq!(member["council"]["divergence"]["spread"], 2);
    assert_eq!(
        member["council"]["divergence"]["criteria"][0]["code"],
        "1.1"
    );
    let err = app
        .call(
            "assessment_change",
            json!({"id": id, "member": 5, "change": {"kind": "answer", "code": "1.1", "answer": 1}}),
        )
        .expect_err("no member 5");
    assert_eq!(err["code"], "store.not_found");
    let view = app
        .call("assessment_member_remove", json!({"id": id, "member": 2}))
        .expect("removed");
    assert_eq!(view["members"], json!([]));
    assert_eq!(view["council"], Value::Null);
}

#[test]
fn a_photo_is_evidence_for_one_criterion_of_a_draft_and_is_refused_once_final() {
    let data = tempfile::tempdir().expect("temp");
    let png = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots/home-id.png"),
    )
    .expect("a real picture");
    let app = App::new(data.path());
    let view = app.start_template_sheet(json!({}));
    let id = view["assessment"]["id"].as_str().expect("id").to_string();
    let add = |criterion: &'static str| {
        get_ipc_response(
            &app.webview,
            request(
                "photo_add",
                InvokeBody::Raw(png.clone()),
                &[
                    ("owner-kind", "assessment"),
                    ("owner-id", &id),
                    ("file-name", "label.png"),
                    ("criterion", criterion),
                ],
            ),
        )
        .map(|b| b.deserialize::<Value>().expect("json"))
    };
    let photo = add("2.2").expect("evidence for 2.2");
    assert_eq!(photo["criterion"], "2.2");
    let err = add("99.9").expect_err("no such criterion");
    assert_eq!(err["code"], "store.invalid");
    let listed = app
        .call(
            "photos_list",
            json!({"ownerKind": "assessment", "ownerId": id}),
        )
        .expect("list");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    assert_eq!(listed[0]["criterion"], "2.2");

    app.fill_template_sheet(&view, 2);
    app.call("assessment_finalize", json!({"id": id}))
        .expect("final");
    let err = add("1.1").expect_err("final");
    assert_eq!(err["code"], "store.locked");
}

#[test]
fn the_data_moves_to_another_folder_and_the_app_finds_it_there_after_a_restart() {
    let root = tempfile::tempdir().expect("temp");
    let home = root.path().join("home");
    let drive = root.path().join("Data D").join("OVOP Field");
    let results = invoke_on(
        &home,
        &[
            (
                "producer_save",
                json!({"producer": {"id": "", "name": "KUB Purun"}}),
            ),
            ("data_move", json!({"folder": "relative/folder"})),
            ("data_move", json!({"folder": home.display().to_string()})),
            (
                "data_move",
                json!({"folder": home.join("inside").display().to_string()}),
            ),
            ("data_move", json!({"folder": drive.display().to_string()})),
            ("data_info", json!({})),
            ("producers_list", json!({})),
        ],
    );
    let code = |r: &Result<Value, Value>| r.as_ref().expect_err("refused")["code"].clone();
    assert_eq!(code(&results[1]), "data.not_absolute");
    assert_eq!(code(&results[2]), "data.same_folder");
    assert_eq!(code(&results[3]), "data.inside_current");
    let moved = results[4].as_ref().expect("moved");
    assert_eq!(moved["folder"], drive.display().to_string());
    assert_eq!(moved["left"], home.display().to_string());
    let info = results[5].as_ref().expect("info");
    assert_eq!(
        info["database"],
        drive.join("ovop.sqlite").display().to_string()
    );
    assert_eq!(
        results[6].as_ref().expect("list").as_array().map(Vec::len),
        Some(1)
    );
    // The old database is renamed, not deleted, and no longer opened.
    assert!(home.join("ovop.sqlite.moved").is_file());
    assert!(!home.join("ovop.sqlite").exists());

    // A restart opens the moved data.
    let again = invoke_on(
        &home,
        &[("producers_list", json!({})), ("data_info", json!({}))],
    );
    assert_eq!(again[0].as_ref().expect("list")[0]["name"], "KUB Purun");
    assert_eq!(
        again[1].as_ref().expect("info")["database"],
        drive.join("ovop.sqlite").display().to_string()
    );

    // A folder that already has a database is not written over.
    let other = root.path().join("other");
    std::fs::create_dir_all(&other).expect("dir");
    std::fs::write(other.join("ovop.sqlite"), b"not ours").expect("write");
    let refused = invoke_on(
        &home,
        &[("data_move", json!({"folder": other.display().to_string()}))],
    );
    assert_eq!(code(&refused[0]), "data.target_has_data");
    assert_eq!(
        std::fs::read(other.join("ovop.sqlite")).expect("read"),
        b"not ours"
    );

    // The drive unplugged: the app says where the data was, and does not start an empty one.
    std::fs::rename(&drive, root.path().join("unplugged")).expect("unplug");
    let missing = invoke_on(&home, &[("home_counts", json!({}))]);
    assert_eq!(code(&missing[0]), "data.folder_missing");
    assert!(!drive.exists());
}

/// A PDF's text as poppler reads it, its runs of white space made one space.
fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args([path.to_str().expect("path"), "-"])
        .output()
        .expect("pdftotext");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_final_sheet_is_saved_as_a_pdf_where_the_officer_chose_and_a_bad_place_is_refused() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    let view = app.start_template_sheet(
        json!({"assessed_on": "2026-11-20", "assessors": [{"name": "Rina Wulandari"}]}),
    );
    let id = view["assessment"]["id"].as_str().expect("id").to_string();
    app.fill_template_sheet(&view, 2);
    app.call("assessment_finalize", json!({"id": id}))
        .expect("final");

    let name = app
        .call("sheet_file_name", json!({"id": id, "revision": null}))
        .expect("a name");
    assert!(
        name.as_str().is_some_and(|n| n.ends_with("-rev1.pdf")),
        "{name}"
    );
    let target = data.path().join("Lembar KUB Purun.pdf");
    let saved = app
        .call(
            "sheet_save",
            json!({"id": id, "revision": 1, "lang": "en", "path": target.display().to_string()}),
        )
        .expect("saved");
    assert_eq!(saved, target.display().to_string());
    let text = pdf_text(&target);
    assert!(
        text.contains("PRODUCT ASSESSMENT SHEET · OVOP")
            && text.contains("Rina Wulandari")
            && text.contains("44 / 66"),
        "{text}"
    );

    // The producer's receipt; no council sheet for a sheet scored alone.
    let receipt = data.path().join("tanda-terima.pdf");
    app.call("sheet_save", json!({"id": id, "revision": 1, "lang": "id", "kind": "receipt", "path": receipt.display().to_string()}))
        .expect("the receipt");
    assert!(pdf_text(&receipt).contains("TANDA TERIMA PENILAIAN PRODUK"));
    let council = app.call("sheet_save", json!({"id": id, "revision": 1, "lang": "id", "kind": "council", "path": data.path().join("c.pdf").display().to_string()}));
    assert_eq!(council.expect_err("no council")["code"], "sheet.invalid");
    let name = app
        .call(
            "sheet_file_name",
            json!({"id": id, "revision": 1, "kind": "receipt"}),
        )
        .expect("a name");
    assert!(
        name.as_str()
            .is_some_and(|n| n.ends_with("-rev1-tanda-terima.pdf")),
        "{name}"
    );

    let relative = app.call(
        "sheet_save",
        json!({"id": id, "revision": 1, "lang": "id", "path": "lembar.pdf"}),
    );
    assert_eq!(relative.expect_err("refused")["code"], "data.not_absolute");
    let nowhere = data.path().join("no-such-folder").join("x.pdf");
    let refused = app.call(
        "sheet_save",
        json!({"id": id, "revision": 1, "lang": "id", "path": nowhere.display().to_string()}),
    );
    assert_eq!(refused.expect_err("refused")["code"], "sheet.write");
    let missing = app.call("sheet_save", json!({"id": "nope", "revision": null, "lang": "id", "path": data.path().join("y.pdf").display().to_string()}));
    assert_eq!(missing.expect_err("refused")["code"], "store.not_found");
    assert!(!nowhere.exists() && !data.path().join("y.pdf").exists());
}

#[test]
fn a_pulled_award_shows_on_its_product_lapses_on_the_home_list_and_its_certificate_is_saved() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    let producer = app
        .call(
            "producer_save",
            json!({"producer": {"id": "", "name": "KUB Purun"}}),
        )
        .expect("producer");
    let product = app
        .call(
            "product_save",
            json!({"product": {"id": "", "producer_id": producer, "name": "Tikar purun"}}),
        )
        .expect("product");
    // The office's award, as a pull brings it: four stars, certified until 2025 (lapsed now).
    let award = json!({
        "decision": {"number": "500/77/KPTS/2022", "date": "2022-07-01", "authority": "Bupati Tapin"},
        "programme": "ovop", "assessment_id": "0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d",
        "product_id": product, "product": "Tikar purun", "producer_id": producer,
        "producer": "KUB Purun", "star": 4,
        "certificate": {"number": "OVOP-2022-00007", "issued": "2022-07-01", "valid_until": "2025-06-30", "code": "OVOP:C1|OVOP-2022-00007"},
    });
    let mut store = ovop_store::Store::open(&data.path().join("ovop.sqlite")).expect("store");
    let pulled = ovop_store::sync::Pulled {
        cursor: 1,
        kind: "award".into(),
        id: "0192f5c4-7d1a-7b31-9c55-3e1f0a2b4c6d".into(),
        body: award,
    };
    let applied = store
        .apply_pulled(&[pulled], 1, "2026-12-06T00:00:00Z")
        .expect("pulled");
    assert_eq!(applied.awards, 1);
    drop(store);

    let awards = app
        .call("product_awards", json!({"productId": product}))
        .expect("awards");
    assert_eq!(awards[0]["award"]["star"], 4);
    assert_eq!(awards[0]["standing"]["state"], "lapsed");
    assert_eq!(
        awards[0]["current"], false,
        "a lapsed star is never current"
    );
    let lapsing = app
        .call("certificates_lapsing", json!({}))
        .expect("lapsing");
    assert_eq!(lapsing.as_array().map(Vec::len), Some(1));
    assert_eq!(lapsing[0]["award"]["producer_id"], producer);

    let target = data.path().join("sertifikat.pdf");
    app.call(
        "certificate_save",
        json!({"number": "OVOP-2022-00007", "lang": "id", "path": target.display().to_string()}),
    )
    .expect("saved");
    let text = pdf_text(&target);
    assert!(
        text.contains("SERTIFIKAT")
            && text.contains("OVOP-2022-00007")
            && text.contains("4 BINTANG"),
        "{text}"
    );
    let unknown = app.call(
        "certificate_save",
        json!({"number": "OVOP-2022-99999", "lang": "id", "path": target.display().to_string()}),
    );
    assert_eq!(unknown.expect_err("unknown")["code"], "store.not_found");
    let relative = app.call(
        "certificate_save",
        json!({"number": "OVOP-2022-00007", "lang": "id", "path": "sertifikat.pdf"}),
    );
    assert_eq!(relative.expect_err("relative")["code"], "data.not_absolute");
}

#[test]
fn a_training_sessions_day_is_given_to_the_window_and_a_bad_one_is_ignored() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    // Each test runs in a process of its own (nextest): the variable is this test's.
    std::env::set_var("OVOP_TODAY", "2029-11-06");
    assert_eq!(
        app.call("app_training_day", json!({})).expect("day"),
        json!("2029-11-06")
    );
    // A day that is not one is ignored: the laptop's calendar holds.
    std::env::set_var("OVOP_TODAY", "2029-13-45");
    assert_eq!(
        app.call("app_training_day", json!({})).expect("day"),
        Value::Null
    );
    std::env::remove_var("OVOP_TODAY");
    assert_eq!(
        app.call("app_training_day", json!({})).expect("day"),
        Value::Null
    );
}

#[test]
fn the_minutes_of_a_session_are_saved_from_the_window_and_a_sheet_without_a_round_has_none() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    let visit = json!({
        "assessed_on": "2026-11-20", "round": "2026-1", "level": "kabupaten", "kind": "new",
        "assessors": [{"name": "Rina Wulandari"}],
    });
    // Two products of the regency's session: one in the middle of the sheet, one at the top.
    let mut ids = Vec::new();
    for level in [2, 3] {
        let view = app.start_template_sheet(visit.clone());
        app.fill_template_sheet(&view, level);
        let id = view["assessment"]["id"].as_str().expect("id").to_string();
        app.call("assessment_finalize", json!({"id": id}))
            .expect("final");
        ids.push(id);
    }
    let name = app
        .call(
            "sheet_file_name",
            json!({"id": ids[0], "revision": 1, "kind": "minutes"}),
        )
        .expect("a name");
    assert_eq!(name, json!("berita-acara-2026-1-kabupaten-2026-11-20.pdf"));
    let target = data.path().join("berita-acara.pdf");
    app.call(
        "sheet_save",
        json!({"id": ids[0], "revision": 1, "lang": "id", "kind": "minutes", "path": target.display().to_string()}),
    )
    .expect("the minutes");
    let text = pdf_text(&target);
    for expected in [
        "BERITA ACARA RAPAT DEWAN PENILAI · OVOP",
        "2026 · I · Kabupaten/Kota",
        "Rina Wulandari",
        "44 / 66",
        "66 / 66",
        "diusulkan ke Provinsi",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }

    // A sheet that names no round is no council's session: refused, nothing written.
    let alone = app.start_template_sheet(
        json!({"assessed_on": "2026-11-21", "assessors": [{"name": "Rina Wulandari"}]}),
    );
    app.fill_template_sheet(&alone, 2);
    let alone = alone["assessment"]["id"].as_str().expect("id").to_string();
    app.call("assessment_finalize", json!({"id": alone}))
        .expect("final");
    let nowhere = data.path().join("tanpa-sesi.pdf");
    let refused = app.call(
        "sheet_save",
        json!({"id": alone, "revision": 1, "lang": "en", "kind": "minutes", "path": nowhere.display().to_string()}),
    );
    assert_eq!(refused.expect_err("refused")["code"], "sheet.invalid");
    assert!(!nowhere.exists());
}

#[test]
fn a_coaching_plan_is_made_from_a_final_sheets_steps_and_a_visit_closes_what_was_done() {
    let data = tempfile::tempdir().expect("temp");
    let app = App::new(data.path());
    let view = app.start_template_sheet(
        json!({"assessed_on": "2026-11-20", "assessors": [{"name": "Rina Wulandari"}]}),
    );
    app.fill_template_sheet(&view, 2);
    let id = view["assessment"]["id"].as_str().expect("id").to_string();
    let product = view["assessment"]["product_id"].clone();
    // A draft has no steps yet.
    let refused = app.call("coaching_steps", json!({"assessmentId": id}));
    assert_eq!(refused.expect_err("a draft")["code"], "store.invalid");
    app.call("assessment_finalize", json!({"id": id}))
        .expect("final");

    // 44 of 66: each of the 22 criteria one level from its top, with its words.
    let steps = app
        .call("coaching_steps", json!({"assessmentId": id}))
        .expect("steps");
    let steps = steps.as_array().expect("a list");
    assert_eq!(steps.len(), 22);
    assert_eq!(steps[0]["step"]["gap"], 1);
    assert_eq!(steps[0]["step"]["next_points"], 3);
    assert!(steps[0]["title"]["id"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert!(steps[0]["next"]["id"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));

    // The first step becomes an action due in two days; a partner without a name is refused.
    let today = ovop_core::validity::parse_day(&ovop_store::now_utc()[..10]).expect("today");
    let in_two_days = ovop_core::validity::format_day(
        today.next_day().and_then(|d| d.next_day()).expect("a day"),
    );
    let action = json!({
        "criterion": steps[0]["step"]["criterion"], "target_points": 3, "support": "packaging",
        "owner": "officer", "due": in_two_days, "notes": "Label dengan komposisi",
    });
    let mut unnamed = action.clone();
    unnamed["owner"] = json!("partner");
    let refused = app.call(
        "coaching_save_action",
        json!({"id": null, "productId": product, "assessmentId": id, "action": unnamed}),
    );
    assert_eq!(refused.expect_err("unnamed")["code"], "store.invalid");
    let saved = app
        .call(
            "coaching_save_action",
            json!({"id": null, "productId": product, "assessmentId": id, "action": action}),
        )
        .expect("saved");
    assert_eq!(saved["revision"], 1);
    // A plan whose second action is refused stores neither.
    let mut broken = action.clone();
    broken["due"] = json!("2027-02-30");
    let refused = app.call(
        "coaching_save_plan",
        json!({"productId": product, "assessmentId": id, "actions": [action, broken]}),
    );
    assert_eq!(refused.expect_err("refused")["code"], "store.invalid");
    // The producer's receipt prints the plan made from the assessment.
    let receipt = data.path().join("tanda-terima.pdf");
    app.call(
        "sheet_save",
        json!({"id": id, "revision": 1, "lang": "id", "kind": "receipt", "path": receipt.display().to_string()}),
    )
    .expect("the receipt");
    let text = pdf_text(&receipt);
    assert!(
        text.contains("Rencana pembinaan") && text.contains("Kemasan dan label"),
        "{text}"
    );
    let plan = app
        .call("coaching_plan", json!({"productId": product}))
        .expect("plan");
    assert_eq!(plan["actions"].as_array().expect("actions").len(), 1);
    assert_eq!(plan["actions"][0]["due"], "this_week");
    assert_eq!(plan["actions"][0]["criterion_title"], steps[0]["title"]);
    let due = app.call("coaching_due", json!({})).expect("due");
    assert_eq!(due[0]["product_name"], "Tikar purun");
    assert_eq!(due[0]["due"], "this_week");

    // A visit today: done. It leaves the due list and shows on the product.
    let visit = app
        .call(
            "coaching_record_visit",
            json!({"visit": {"product_id": product, "visited_on": ovop_core::validity::format_day(today),
                "notes": "Label dicetak", "updates": [{"action_id": saved["id"], "progress": "done", "done": "Label baru dipakai"}]}}),
        )
        .expect("visit");
    assert!(visit["id"].as_str().is_some_and(|v| !v.is_empty()));
    assert_eq!(app.call("coaching_due", json!({})).expect("due"), json!([]));
    let plan = app
        .call("coaching_plan", json!({"productId": product}))
        .expect("plan");
    assert_eq!(plan["actions"][0]["action"]["action"]["progress"], "done");
    assert_eq!(plan["actions"][0]["due"], Value::Null);
    assert_eq!(plan["visits"][0]["visit"]["notes"], "Label dicetak");
    assert_eq!(plan["visits"][0]["takes_photos"], true);

    // A photo of the new label joins the visit (it has not been sent).
    let png = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/screenshots/criteria-ocop-id.png"),
    )
    .expect("a real picture");
    let visit_id = visit["id"].as_str().expect("visit id").to_string();
    let added = get_ipc_response(
        &app.webview,
        request(
            "photo_add",
            InvokeBody::Raw(png),
            &[
                ("owner-kind", "coaching_visit"),
                ("owner-id", &visit_id),
                ("file-name", "label.png"),
            ],
        ),
    )
    .map(|b| b.deserialize::<Value>().expect("json"))
    .expect("a photo of the visit");
    let plan = app
        .call("coaching_plan", json!({"productId": product}))
        .expect("plan");
    assert_eq!(plan["visits"][0]["photos"][0]["sha256"], added["sha256"]);

    // Re-assessed today at the top of every criterion: the history says what came before it.
    let again = app
        .call(
            "assessment_start",
            json!({"productId": product, "criteriaId": "ovop-id-template", "version": "2026.2",
                   "visit": {"assessed_on": ovop_core::validity::format_day(today), "assessors": [{"name": "Rina Wulandari"}]}}),
        )
        .expect("a second assessment");
    app.fill_template_sheet(&again, 3);
    app.call(
        "assessment_finalize",
        json!({"id": again["assessment"]["id"]}),
    )
    .expect("final");
    let plan = app
        .call("coaching_plan", json!({"productId": product}))
        .expect("plan");
    let change = &plan["history"][0];
    assert_eq!(plan["history"].as_array().expect("history").len(), 1);
    assert_eq!(
        (change["previous_total"].clone(), change["total"].clone()),
        (json!("44"), json!("66"))
    );
    assert_eq!(
        (change["previous_star"].clone(), change["star"].clone()),
        (json!(3), json!(5))
    );
    assert_eq!(change["done_before"][0]["action_id"], saved["id"]);
    assert_eq!(change["done_before"][0]["support"], "packaging");
}

/// The Sync screen's bundle: refused with a code before the laptop is enrolled or when the
/// folder is not there; written into the folder, named after the officer, once it is; a
/// receipt that is not one is refused with its code.
#[test]
fn the_outbox_goes_into_a_bundle_in_the_folder_picked() {
    let data = tempfile::tempdir().expect("temp");
    let usb = tempfile::tempdir().expect("temp");
    let db = data.path().join("ovop.sqlite");
    drop(laptop_with_a_producer(&db));
    let folder = json!({"folder": usb.path().display().to_string()});
    let results = invoke_on(data.path(), &[("bundle_write", folder.clone())]);
    assert_eq!(
        results[0].as_ref().expect_err("not enrolled")["code"],
        "sync.not_enrolled"
    );
    ovop_app::sync::token::save(
        data.path(),
        &ovop_app::sync::Enrolment {
            server: "https://dinas.example.id".into(),
            token: "ovt_laptop-token".into(),
            device_id: 4,
            server_id: "dinas".into(),
            user: "budi".into(),
            enrolled_at: "2026-12-07T08:00:00Z".into(),
            token_in_keyring: false,
        },
    )
    .expect("enrolled");
    let not_there = json!({"folder": usb.path().join("gone").display().to_string()});
    let junk = usb.path().join("junk.receipt.json");
    std::fs::write(&junk, b"{\"results\": []}").expect("junk");
    let results = invoke_on(
        data.path(),
        &[
            ("bundle_write", not_there),
            ("bundle_write", folder),
            (
                "bundle_receipt",
                json!({"file": junk.display().to_string()}),
            ),
        ],
    );
    assert_eq!(
        results[0].as_ref().expect_err("no folder")["code"],
        "store.io"
    );
    let written = results[1].as_ref().expect("written");
    assert_eq!(
        written["written"]["records"], 1,
        "the producer waits: {written}"
    );
    let path = written["path"].as_str().expect("path");
    assert!(
        path.contains("ovop-budi-") && path.ends_with(".ovopbundle"),
        "{path}"
    );
    assert!(std::path::Path::new(path).is_file());
    assert_eq!(
        results[2].as_ref().expect_err("not a receipt")["code"],
        "receipt.not_a_receipt"
    );
}
