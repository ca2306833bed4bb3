//! Accounts on both backends: a disabled user or a reset password opens nothing the old one
//! did, by the API, the dashboard and the operator's command line.

mod support;

use serde_json::{json, Value};
use support::web::*;
use support::*;

crate::both!(
    a_disabled_user_or_a_reset_password_opens_nothing_the_old_one_did,
    the_operator_disables_enables_and_resets_at_the_command_line,
);

async fn a_disabled_user_or_a_reset_password_opens_nothing_the_old_one_did(backend: Backend) {
    let server = Server::start(backend).await;
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    server
        .user("sari", "supervisor", &["63.05"], Some("sari-rahasia-1"))
        .await;
    let admin = server.enrol("admin", "admin-rahasia-1").await;
    let budi = server.enrol("budi", "budi-rahasia-1").await;
    let (_, made) = server
        .post(&admin, "/v1/admin/users/budi/codes", &json!({}))
        .await;
    let one_time = made["code"].as_str().expect("a code").to_string();

    // Disabled: the laptop's token, the password and the unused code open nothing.
    let (status, user) = server
        .post(&admin, "/v1/admin/users/budi/disable", &json!({}))
        .await;
    assert_eq!((status, user["disabled"].as_bool()), (200, Some(true)));
    assert_eq!(server.get(&budi, "/v1/me").await.0, 401);
    let enrol = |body: Value| {
        let server = &server;
        async move { server.post("", "/v1/enrol", &body).await }
    };
    let (status, body) =
        enrol(json!({"user": "budi", "password": "budi-rahasia-1", "device_name": "L2"})).await;
    assert_eq!((status, code(&body)), (401, "enrol.refused"));
    let (status, _) = enrol(json!({"code": one_time, "device_name": "L2"})).await;
    assert_eq!(status, 401);
    let (status, body) = server
        .post(&admin, "/v1/admin/users/admin/disable", &json!({}))
        .await;
    assert_eq!((status, code(&body)), (409, "user.self"));
    // Enabled again: a new enrolment works, the old token stays revoked.
    let (status, user) = server
        .post(&admin, "/v1/admin/users/budi/enable", &json!({}))
        .await;
    assert_eq!((status, user["disabled"].as_bool()), (200, Some(false)));
    assert_eq!(server.get(&budi, "/v1/me").await.0, 401);
    let budi = server.enrol("budi", "budi-rahasia-1").await;
    assert_eq!(server.get(&budi, "/v1/me").await.0, 200);

    // A supervisor's password reset by an admin, to be changed: the session is gone, the old
    // password opens nothing, the new one opens only the page to change it.
    let sari_session = dashboard_session(&server, "sari", "sari-rahasia-1").await;
    let reset = server
        .http
        .put(server.url("/v1/admin/users/sari/password"))
        .bearer_auth(&admin)
        .json(&json!({"password": "sementara-123", "must_change": true}))
        .send()
        .await
        .expect("reset");
    assert_eq!(reset.status(), 200);
    assert_eq!(
        page_goes(&server, &sari_session, "/dashboard")
            .await
            .as_deref()
            .map(|l| l.starts_with("/login")),
        Some(true)
    );
    let sari_session = dashboard_session(&server, "sari", "sementara-123").await;
    assert_eq!(
        page_goes(&server, &sari_session, "/dashboard")
            .await
            .as_deref(),
        Some("/dashboard/password")
    );
    let wrong = dashboard_post(
        &server,
        &sari_session,
        "/dashboard/password",
        &[
            ("current", "salah-salah"),
            ("password", "sari-baru-123"),
            ("repeat", "sari-baru-123"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 403);
    let mismatch = dashboard_post(
        &server,
        &sari_session,
        "/dashboard/password",
        &[
            ("current", "sementara-123"),
            ("password", "sari-baru-123"),
            ("repeat", "sari-baru-124"),
        ],
    )
    .await;
    assert_eq!(mismatch.status(), 400);
    let changed = dashboard_post(
        &server,
        &sari_session,
        "/dashboard/password",
        &[
            ("current", "sementara-123"),
            ("password", "sari-baru-123"),
            ("repeat", "sari-baru-123"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(page_goes(&server, &sari_session, "/dashboard").await, None);

    // An officer's reset: the laptop cannot enrol with the temporary password; the officer
    // changes it on the dashboard (and is signed out), then enrols.
    let reset = server
        .http
        .put(server.url("/v1/admin/users/budi/password"))
        .bearer_auth(&admin)
        .json(&json!({"password": "sementara-456", "must_change": true}))
        .send()
        .await
        .expect("reset");
    assert_eq!(reset.status(), 200);
    assert_eq!(
        server.get(&budi, "/v1/me").await.0,
        401,
        "revoked with the reset"
    );
    let (status, body) =
        enrol(json!({"user": "budi", "password": "sementara-456", "device_name": "L3"})).await;
    assert_eq!((status, code(&body)), (403, "enrol.password_change"));
    let budi_session = dashboard_session(&server, "budi", "sementara-456").await;
    assert_eq!(
        page_goes(&server, &budi_session, "/dashboard/users")
            .await
            .as_deref(),
        Some("/dashboard/password")
    );
    let changed = dashboard_post(
        &server,
        &budi_session,
        "/dashboard/password",
        &[
            ("current", "sementara-456"),
            ("password", "budi-baru-123"),
            ("repeat", "budi-baru-123"),
        ],
    )
    .await;
    assert_eq!(changed.status(), 303);
    assert_eq!(
        page_goes(&server, &budi_session, "/dashboard")
            .await
            .as_deref()
            .map(|l| l.starts_with("/login")),
        Some(true),
        "the officer's dashboard session ends with the change"
    );
    let (status, _) =
        enrol(json!({"user": "budi", "password": "budi-baru-123", "device_name": "L3"})).await;
    assert_eq!(status, 201);

    // The same from the dashboard's users page: disable, then enable.
    let admin_session = dashboard_session(&server, "admin", "admin-rahasia-1").await;
    let page = dashboard_post(
        &server,
        &admin_session,
        "/dashboard/users/budi/disable",
        &[],
    )
    .await;
    assert_eq!(page.status(), 200);
    let (_, users) = server.get(&admin, "/v1/admin/users").await;
    let budi_row = users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["name"] == "budi")
        .expect("budi")
        .clone();
    assert_eq!(budi_row["disabled"].as_bool(), Some(true));
    let page = dashboard_post(
        &server,
        &admin_session,
        "/dashboard/users/budi/password",
        &[("password", "budi-lagi-123")],
    )
    .await;
    assert_eq!(page.status(), 200);
    let page = dashboard_post(&server, &admin_session, "/dashboard/users/budi/enable", &[]).await;
    assert_eq!(page.status(), 200);
    let (status, _) =
        enrol(json!({"user": "budi", "password": "budi-lagi-123", "device_name": "L4"})).await;
    assert_eq!(
        status, 201,
        "reset without must_change: the laptop enrols at once"
    );
    server.stop().await;
}

async fn the_operator_disables_enables_and_resets_at_the_command_line(backend: Backend) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut database = None;
    if backend == Backend::Postgres {
        database = Some(fresh_postgres().await);
    }
    let run = |args: &[&str], password: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ovop-server"));
        command.arg("--data").arg(dir.path());
        if let Some((url, _)) = &database {
            command.arg("--database").arg(url);
        }
        command.args(args).env_remove("OVOP_PASSWORD");
        if let Some(password) = password {
            command.env("OVOP_PASSWORD", password);
        }
        let output = command.output().expect("ovop-server runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned()
                + &String::from_utf8_lossy(&output.stderr),
        )
    };
    let (ok, out) = run(
        &["add-user", "budi", "--regions", "63.05"],
        Some("budi-rahasia-1"),
    );
    assert!(ok, "{out}");
    let (ok, out) = run(&["disable-user", "budi"], None);
    assert!(ok && out.contains("disabled"), "{out}");
    let (ok, out) = run(
        &["reset-password", "budi", "--must-change"],
        Some("sementara-123"),
    );
    assert!(ok && out.contains("reset"), "{out}");
    let (ok, out) = run(&["reset-password", "budi"], Some("pendek"));
    assert!(!ok && out.contains("user.weak_password"), "{out}");
    let (ok, out) = run(&["disable-user", "nobody"], None);
    assert!(!ok && out.contains("user.unknown"), "{out}");
    let (ok, out) = run(&["enable-user", "budi"], None);
    assert!(ok && out.contains("enabled"), "{out}");
    // What the commands left, as the server reads it.
    let mut config = support::config(dir.path());
    config.database = database.as_ref().map(|(url, _)| url.clone());
    let state = ovop_server::open(&config).await.expect("open");
    let users = state
        .db
        .read(ovop_server::admin::users_in)
        .await
        .expect("users");
    let budi = users.iter().find(|u| u.name == "budi").expect("budi");
    assert!(!budi.disabled && budi.must_change_password, "{budi:?}");
    drop(state);
    if let Some((_, name)) = database {
        drop_postgres(&name).await;
    }
}
