//! End-to-end: the real app window enrols with a real server (on port 0) by a one-time code,
//! the background sync sends a finalised assessment, and a supervisor's "returned" comes back
//! at "Sync now". Needs what `e2e_window.rs` needs (Xvfb, tauri-driver, WebKitWebDriver).

#[path = "support/driver.rs"]
mod driver;

use std::path::Path;
use std::time::{Duration, Instant};

use driver::{save_screenshot, start, text_of, wait_for_css};
use fantoccini::{Client, Locator};

const SYNC_PORT: u16 = 4504;
const TAPIN_VILLAGE: &str = "63.05.04.2007";

/// A producer in Tapin with a product and one finalised assessment, in the app's data folder.
fn seed_final(data_home: &Path) -> String {
    use ovop_store::assessments::{Assessor, Visit};
    use ovop_store::records::{Producer, Product};
    let dir = data_home.join("org.ovopfield.app");
    std::fs::create_dir_all(&dir).expect("data folder");
    let mut store = ovop_store::Store::open(&dir.join("ovop.sqlite")).expect("store");
    store.ensure_regions().expect("regions");
    let now = "2026-11-23T08:00:00Z";
    let producer = store
        .save_producer(
            &Producer {
                name: "KWT Melati Sejahtera".into(),
                village_code: Some(TAPIN_VILLAGE.into()),
                ..Producer::default()
            },
            now,
        )
        .expect("producer");
    let product = store
        .save_product(
            &Product {
                producer_id: producer,
                name: "Keripik Pisang Kepok".into(),
                programme: Some("ovop".into()),
                ..Product::default()
            },
            now,
        )
        .expect("product");
    let catalog = ovop_core::catalog::Catalog::shipped();
    let rubric = &catalog
        .get("ovop-id-template", Some("2026.2"))
        .expect("the template")
        .rubric;
    let visit = Visit {
        assessed_on: Some("2026-11-23".into()),
        region_code: Some(TAPIN_VILLAGE.into()),
        assessors: vec![Assessor {
            name: "Rina Wulandari".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    let id = store
        .new_assessment(&product, rubric, &visit, now)
        .expect("draft");
    let set = rubric.set();
    let answers = ovop_core::Answers {
        criteria: set.id.clone(),
        version: Some(set.version.clone()),
        gates: set.gates.iter().map(|g| (g.code.clone(), true)).collect(),
        answers: set
            .criteria()
            .map(|c| {
                (
                    c.code.clone(),
                    ovop_core::Answer::Level(c.levels.len() as u32),
                )
            })
            .collect(),
        ..ovop_core::Answers::default()
    };
    store.save_answers(&id, &answers, now).expect("answers");
    store.finalize(&id, now).expect("final");
    id
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = wait_for_css(client, css).await;
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

async fn click(client: &Client, css: &str) {
    wait_for_css(client, css)
        .await
        .click()
        .await
        .expect("click");
}

/// Waits until an element matching `css` exists (the sync runs in the background).
async fn wait_present(client: &Client, css: &str, within: Duration) {
    let started = Instant::now();
    while started.elapsed() < within {
        if client.find(Locator::Css(css)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "{css} did not appear within {within:?}; the page says: {}",
        text_of(client, "body").await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_enrols_by_code_sends_its_assessment_and_gets_the_supervisors_comment_back() {
    // The token in the file, whatever keyring the machine running the tests has.
    std::env::set_var("OVOP_NO_KEYRING", "1");
    let data_home = tempfile::tempdir().expect("temp data folder");
    let assessment = seed_final(data_home.path());

    let server_dir = tempfile::tempdir().expect("server folder");
    let mut config = ovop_server::Config::new(server_dir.path().to_path_buf());
    config.listen = "127.0.0.1:0".into();
    let server = ovop_server::start(config).await.expect("the server starts");
    let url = server.url();
    for (name, role) in [("rina", "officer"), ("sari", "supervisor")] {
        let user = ovop_server::admin::NewUser {
            name: name.into(),
            display_name: Some(format!("{name} (Dinas)")),
            role: role.into(),
            password: Some(format!("rahasia-{name}-1")),
            regions: vec!["63.05".into()],
        };
        ovop_server::admin::add_user(&server.state, user)
            .await
            .expect("user");
    }
    let address = url.clone();
    let code = server
        .state
        .db
        .run(move |tx| ovop_server::admin::create_code_in(tx, "rina", 2, &address))
        .await
        .expect("code");

    let (_driver, client, _) = start(data_home.path(), SYNC_PORT).await;
    click(&client, "[data-testid=nav-sync]").await;
    wait_present(
        &client,
        "[data-testid=sync-state][data-state=not_enrolled]",
        Duration::from_secs(30),
    )
    .await;
    save_screenshot(&client, "sync-enrol-id.png").await;
    type_into(&client, "[data-testid=enrol-server]", &url).await;
    type_into(
        &client,
        "[data-testid=enrol-code]",
        &code.code.to_lowercase(),
    )
    .await;
    type_into(&client, "[data-testid=enrol-device]", "Laptop Rina").await;
    click(&client, "[data-testid=enrol-submit]").await;

    // The background task syncs at once: the assessment is sent.
    wait_present(
        &client,
        "[data-testid=outbox-row][data-state=sent]",
        Duration::from_secs(60),
    )
    .await;
    wait_present(
        &client,
        "[data-testid=sync-state][data-state=waiting]",
        Duration::from_secs(30),
    )
    .await;
    let last = text_of(&client, "[data-testid=sync-last]").await;
    assert!(
        !last.contains("belum pernah"),
        "the last sync is shown: {last}"
    );
    save_screenshot(&client, "sync-done-id.png").await;
    let on_server = server
        .state
        .db
        .run(|tx| {
            Ok(tx
                .query_opt("SELECT count(*) FROM record WHERE kind = 'assessment'", &[])?
                .map_or(0, |r| r.int(0)))
        })
        .await
        .expect("count");
    assert_eq!(on_server, 1, "the assessment reached the server once");

    // The supervisor returns it with a comment; "Sync now" brings it back.
    let http = reqwest::Client::new();
    let enrolled: serde_json::Value = http
        .post(format!("{url}/v1/enrol"))
        .json(&serde_json::json!({"user": "sari", "password": "rahasia-sari-1", "device_name": "kantor"}))
        .send()
        .await
        .expect("enrol")
        .json()
        .await
        .expect("json");
    let token = enrolled["token"].as_str().expect("token").to_string();
    let decided = http
        .post(format!("{url}/v1/review/assessments/{assessment}/decision"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"revision": 1, "decision": "returned", "comment": "Foto kemasan kurang jelas"}))
        .send()
        .await
        .expect("decide");
    assert_eq!(decided.status(), 201);
    click(&client, "[data-testid=sync-now]").await;
    let started = Instant::now();
    loop {
        let report = text_of(&client, "body").await;
        if report.contains("keputusan diterima 1") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the decision did not come back: {report}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let store = ovop_store::Store::open(&data_home.path().join("org.ovopfield.app/ovop.sqlite"))
        .expect("store");
    let decisions = store.decisions(&assessment).expect("decisions");
    assert_eq!(decisions.len(), 1);
    assert_eq!(decisions[0].comment, "Foto kemasan kurang jelas");
    // The home screen says when the last sync succeeded.
    click(&client, "[data-testid=nav-home]").await;
    let home = text_of(&client, "[data-testid=home-last-sync]").await;
    assert!(home.contains("Sinkron terakhir"), "{home}");
    let token_file = data_home.path().join("org.ovopfield.app/enrolment.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&token_file)
            .expect("the enrolment is kept")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "only the user can read the token");
    }
    client.close().await.expect("close the session");
    server.shutdown(Duration::from_secs(2)).await;
}
