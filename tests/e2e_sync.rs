//! End-to-end: the real app window enrols with a real server (on port 0) by a one-time code,
//! the background sync sends a finalised assessment, and a supervisor's "returned" comes back
//! at "Sync now". Needs what `e2e_window.rs` needs (Xvfb, tauri-driver, WebKitWebDriver).

// The window is WebKitGTK driven through WebKitWebDriver: Linux only (README, "Windows").
#![cfg(target_os = "linux")]

#[path = "support/driver.rs"]
mod driver;

use std::time::{Duration, Instant};

use driver::{
    click, office_token, save_screenshot, seed_final, start, tapin_office, text_of, type_into,
    wait_present,
};

const SYNC_PORT: u16 = 4504;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_enrols_by_code_sends_its_assessment_and_gets_the_supervisors_comment_back() {
    // The token in the file, whatever keyring the machine running the tests has.
    std::env::set_var("OVOP_NO_KEYRING", "1");
    let data_home = tempfile::tempdir().expect("temp data folder");
    let assessment = seed_final(data_home.path());

    let server_dir = tempfile::tempdir().expect("server folder");
    let server = tapin_office(server_dir.path()).await;
    let url = server.url();
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
    let token = office_token(&url, "sari").await;
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
