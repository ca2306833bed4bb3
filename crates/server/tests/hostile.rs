//! The HTTP surface against a hostile caller, on SQLite and on PostgreSQL: sign-in guesses
//! counted before they are checked, addresses believed only from a trusted proxy, the API
//! taking bearer tokens and JSON only, the dashboard's forms only from its own pages, the
//! framework's own refusals answered with a problem code, readers that never wait for a writer,
//! and clients that trickle or stall cut off.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::web::*;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

crate::both!(
    a_burst_of_guesses_gets_no_more_checks_than_the_limit,
    forwarded_addresses_count_only_from_a_trusted_proxy,
    the_api_takes_bearer_tokens_and_json_only,
    dashboard_forms_are_taken_only_from_the_dashboards_own_pages,
    the_frameworks_own_refusals_carry_a_problem_code,
    token_checks_and_lists_do_not_wait_for_a_writer,
    clients_that_trickle_or_stall_are_cut_off_and_hold_up_nobody,
    a_bundle_upload_is_refused_whole_when_anything_about_it_is_wrong,
    a_criteria_sheet_upload_is_refused_whole_when_anything_about_it_is_wrong,
    a_criteria_sheet_is_published_once_and_only_from_its_checked_draft,
);

async fn a_burst_of_guesses_gets_no_more_checks_than_the_limit(backend: Backend) {
    let server = Server::start(backend).await;
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    server
        .user("sari", "supervisor", &["63.05"], Some("sari-rahasia-1"))
        .await;
    // Twelve wrong passwords at once from a laptop: five are checked, seven wait.
    let guesses = (0..12).map(|n| {
        let server = &server;
        async move {
            server
                .post(
                    "",
                    "/v1/enrol",
                    &json!({"user": "budi", "password": format!("tebakan-{n}"), "device_name": "L"}),
                )
                .await
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let refused = answers
        .iter()
        .filter(|(s, b)| (*s, code(b)) == (401, "enrol.refused"))
        .count();
    let paused = answers
        .iter()
        .filter(|(s, b)| (*s, code(b)) == (429, "auth.too_many_attempts"))
        .count();
    assert_eq!((refused, paused), (5, 7), "{answers:?}");
    // The right password waits too, and no device was made.
    let (status, body) = server
        .post(
            "",
            "/v1/enrol",
            &json!({"user": "budi", "password": "budi-rahasia-1", "device_name": "L"}),
        )
        .await;
    assert_eq!((status, code(&body)), (429, "auth.too_many_attempts"));
    assert_eq!(server.count("SELECT COUNT(*) FROM device").await, 0);

    // The dashboard's sign-in counts the same way.
    let client = browser();
    let guesses = (0..12).map(|n| {
        let client = &client;
        let server = &server;
        async move {
            client
                .post(server.url("/login"))
                .header("origin", origin(server))
                .form(&[("user", "sari"), ("password", &format!("tebakan-{n}"))])
                .send()
                .await
                .expect("login")
                .status()
                .as_u16()
        }
    });
    let mut statuses = futures_util::future::join_all(guesses).await;
    statuses.sort_unstable();
    assert_eq!(statuses, [[401; 5].as_slice(), &[429; 7]].concat());
    // Another user from the same address is not held up by Sari's guesses.
    server
        .user("tono", "supervisor", &["63.06"], Some("tono-rahasia-1"))
        .await;
    dashboard_session(&server, "tono", "tono-rahasia-1").await;
    server.stop().await;
}

async fn forwarded_addresses_count_only_from_a_trusted_proxy(backend: Backend) {
    let wrong_code = |server: &Server, forwarded: String| {
        let request = server
            .http
            .post(server.url("/v1/enrol"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"code": "AAAA-BBBB-CCCC", "device_name": "L"}));
        async move {
            let response = request.send().await.expect("enrol");
            let status = response.status().as_u16();
            let body: Value = response.json().await.expect("json");
            (status, code(&body).to_string())
        }
    };
    // No proxy trusted: the header is the caller's to forge, so a new one every time does not
    // escape the address's limit (thirty guesses).
    let server = Server::start(backend).await;
    for n in 0..30 {
        let (status, _) = wrong_code(&server, format!("203.0.113.{n}")).await;
        assert_eq!(status, 401, "guess {n}");
    }
    assert_eq!(
        wrong_code(&server, "198.51.100.77".into()).await,
        (429, "auth.too_many_attempts".into())
    );
    server.stop().await;

    // Behind a trusted proxy each client is counted on its own: thirty wrong codes from one
    // officer's address do not lock out the office next door.
    let server = Server::start_with(backend, |config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    })
    .await;
    for n in 0..30 {
        let (status, _) = wrong_code(&server, "203.0.113.9".into()).await;
        assert_eq!(status, 401, "guess {n}");
    }
    assert_eq!(wrong_code(&server, "203.0.113.9".into()).await.0, 429);
    assert_eq!(
        wrong_code(&server, "198.51.100.77".into()).await,
        (401, "enrol.refused".into())
    );
    // The address the proxy appends is the one believed, not what the client put before it.
    assert_eq!(
        wrong_code(&server, "198.51.100.1, 203.0.113.9".into())
            .await
            .0,
        429
    );
    server.stop().await;

    // A limit of zero is not a configuration the server runs with.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = support::config(dir.path());
    config.sign_in_attempts = 0;
    let refused = ovop_server::start(config).await.err().expect("refused");
    assert!(
        refused.problem.message.contains("sign_in_attempts"),
        "{}",
        refused.problem.message
    );
}

async fn the_api_takes_bearer_tokens_and_json_only(backend: Backend) {
    let server = Server::start(backend).await;
    let token = server.enrolled_user("admin", "admin", &[]).await;
    let session = dashboard_session(&server, "admin", "admin-rahasia-1").await;
    let client = browser();
    let users_before = server.count("SELECT COUNT(*) FROM app_user").await;
    let new_admin = json!({"name": "penyusup", "role": "admin", "password": "penyusup-123"});

    // The dashboard's cookie opens nothing on the API, whatever the body.
    let with_cookie = client
        .post(server.url("/v1/admin/users"))
        .header("cookie", &session)
        .json(&new_admin)
        .send()
        .await
        .expect("post");
    assert_eq!(with_cookie.status(), 401);
    let body: Value = with_cookie.json().await.expect("problem");
    assert_eq!(code(&body), "auth.missing");
    for path in ["/v1/review/assessments", "/v1/export/assessments", "/v1/me"] {
        let response = client
            .get(server.url(path))
            .header("cookie", &session)
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), 401, "{path}");
    }

    // A token, but a form's or a text's body: refused before it is read as anything.
    for (kind, body) in [
        (
            "application/x-www-form-urlencoded",
            "name=penyusup&role=admin&password=penyusup-123".to_string(),
        ),
        ("text/plain", new_admin.to_string()),
        ("multipart/form-data; boundary=x", new_admin.to_string()),
    ] {
        let response = client
            .post(server.url("/v1/admin/users"))
            .bearer_auth(&token)
            .header("content-type", kind)
            .body(body)
            .send()
            .await
            .expect("post");
        assert_eq!(response.status(), 415, "{kind}");
        let body: Value = response.json().await.expect("problem");
        assert_eq!(code(&body), "http.unsupported_media_type", "{kind}");
    }
    let no_type = client
        .post(server.url("/v1/admin/users"))
        .bearer_auth(&token)
        .body(new_admin.to_string())
        .send()
        .await
        .expect("post");
    assert_eq!(no_type.status(), 415);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM app_user").await,
        users_before
    );
    // With its token and JSON the same request is an admin's to make.
    let (status, made) = server.post(&token, "/v1/admin/users", &new_admin).await;
    assert_eq!((status, made["name"].as_str()), (201, Some("penyusup")));

    // The dashboard's own exports take its session.
    let export = client
        .get(server.url("/dashboard/export/assessments?format=csv"))
        .header("cookie", &session)
        .send()
        .await
        .expect("export");
    assert_eq!(export.status(), 200);
    assert_eq!(export.headers()["content-type"], "text/csv; charset=utf-8");
    let anonymous = client
        .get(server.url("/dashboard/export/assessments?format=csv"))
        .send()
        .await
        .expect("export");
    assert_eq!(anonymous.status(), 303, "to the sign-in page");
    server.stop().await;
}

async fn dashboard_forms_are_taken_only_from_the_dashboards_own_pages(backend: Backend) {
    let server = Server::start(backend).await;
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    let client = browser();
    let login = |from: Option<String>, referer: Option<String>| {
        let mut request = client
            .post(server.url("/login"))
            .form(&[("user", "admin"), ("password", "admin-rahasia-1")]);
        if let Some(from) = from {
            request = request.header("origin", from);
        }
        if let Some(referer) = referer {
            request = request.header("referer", referer);
        }
        async move { request.send().await.expect("login") }
    };
    // From another site, from a sibling on the same site, from nowhere: refused.
    for (from, referer) in [
        (Some("http://evil.example".to_string()), None),
        (Some("http://localhost.evil.example:1".to_string()), None),
        (Some("null".to_string()), None),
        (None, Some("http://evil.example/login".to_string())),
        (None, None),
    ] {
        let response = login(from.clone(), referer.clone()).await;
        assert_eq!(response.status(), 403, "{from:?} {referer:?}");
        assert!(response.headers().get("set-cookie").is_none());
        let body: Value = response.json().await.expect("problem");
        assert_eq!(code(&body), "auth.origin");
    }
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM device WHERE kind = 'web'")
            .await,
        0
    );
    // A page of the dashboard (its Origin, or a Referer when a browser sends no Origin).
    assert_eq!(login(Some(origin(&server)), None).await.status(), 303);
    assert_eq!(
        login(None, Some(server.url("/login?next=/dashboard")))
            .await
            .status(),
        303
    );

    // Signed in, with the right form token, but posted by another site: nothing is made.
    let session = dashboard_session(&server, "admin", "admin-rahasia-1").await;
    let csrf = form_token(&session);
    let users = server.count("SELECT COUNT(*) FROM app_user").await;
    let forged = client
        .post(server.url("/dashboard/users"))
        .header("cookie", &session)
        .header("origin", "http://evil.example")
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "penyusup"),
            ("display_name", "Penyusup"),
            ("role", "admin"),
            ("password", "penyusup-123"),
            ("regions", ""),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    assert_eq!(server.count("SELECT COUNT(*) FROM app_user").await, users);
    let out = client
        .post(server.url("/logout"))
        .header("cookie", &session)
        .header("origin", "http://evil.example")
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .expect("logout");
    assert_eq!(
        out.status(),
        403,
        "a foreign page cannot sign the admin out"
    );
    let page = client
        .get(server.url("/dashboard/users"))
        .header("cookie", &session)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200, "the session is still good");
    // From the dashboard's own page the same form works.
    let made = client
        .post(server.url("/dashboard/users"))
        .header("cookie", &session)
        .header("origin", origin(&server))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "wati"),
            ("display_name", "Wati"),
            ("role", "officer"),
            ("password", "wati-rahasia-1"),
            ("regions", "63.05"),
        ])
        .send()
        .await
        .expect("post");
    assert!(made.status().is_success(), "{}", made.status());
    assert_eq!(
        server.count("SELECT COUNT(*) FROM app_user").await,
        users + 1
    );

    // Behind a proxy the browser's host comes as X-Forwarded-Host: believed from a trusted
    // proxy only.
    let behind = |server: &Server| {
        client
            .post(server.url("/login"))
            .header("origin", "https://dinas.example.id")
            .header("x-forwarded-host", "dinas.example.id")
            .form(&[("user", "admin"), ("password", "admin-rahasia-1")])
            .send()
    };
    assert_eq!(behind(&server).await.expect("login").status(), 403);
    server.stop().await;
    let server = Server::start_with(backend, |config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().expect("ip")];
    })
    .await;
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    assert_eq!(behind(&server).await.expect("login").status(), 303);
    server.stop().await;
}

async fn the_frameworks_own_refusals_carry_a_problem_code(backend: Backend) {
    let server = Server::start(backend).await;
    let token = server.enrolled_user("admin", "admin", &[]).await;
    let client = browser();
    // A method the address does not take: 405 with a problem, not an empty body.
    let response = client
        .get(server.url("/v1/push"))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: Value = response.json().await.expect("problem");
    assert_eq!(code(&body), "http.method_not_allowed");

    // Bodies before sign-in are small: 100 kB to enrol or to sign in is refused.
    let big = "x".repeat(100_000);
    let response = client
        .post(server.url("/v1/enrol"))
        .json(&json!({"user": "admin", "password": big, "device_name": "L"}))
        .send()
        .await
        .expect("enrol");
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.expect("problem");
    assert_eq!(code(&body), "enrol.too_large");
    let response = client
        .post(server.url("/login"))
        .header("origin", origin(&server))
        .form(&[("user", "admin"), ("password", big.as_str())])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 413);
    let body: Value = response.json().await.expect("problem");
    assert_eq!(code(&body), "http.too_large");

    // A line break smuggled into where to go after signing in: the dashboard's home instead.
    let page = client
        .get(server.url("/login?next=/dashboard%0D%0ASet-Cookie:%20x=1"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let response = client
        .post(server.url("/login"))
        .header("origin", origin(&server))
        .form(&[
            ("user", "admin"),
            ("password", "admin-rahasia-1"),
            ("next", "/dashboard\r\nSet-Cookie: x=1"),
        ])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/dashboard");
    let session = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("cookie")
        .to_string();
    let decided = client
        .post(
            server.url("/dashboard/assessments/%0D%0ALocation:%20http:%2F%2Fevil.example/decision"),
        )
        .header("cookie", &session)
        .header("origin", origin(&server))
        .form(&[
            ("csrf", form_token(&session).as_str()),
            ("revision", "1"),
            ("decision", "approved"),
            ("comment", ""),
        ])
        .send()
        .await
        .expect("decide");
    assert!(
        decided.status().is_client_error() || decided.status().is_redirection(),
        "{}",
        decided.status()
    );
    if let Some(location) = decided.headers().get("location") {
        assert!(!location.to_str().unwrap_or("").contains("evil"));
    }

    // User names that are not names.
    for name in [".", "..", "-budi", ".budi", "a/b", "budi sari", ""] {
        let (status, body) = server
            .post(
                &token,
                "/v1/admin/users",
                &json!({"name": name, "role": "officer", "password": "rahasia-123"}),
            )
            .await;
        assert_eq!((status, code(&body)), (400, "user.bad_name"), "{name:?}");
    }
    // A name is stored in one spelling: BUDI and budi are one user.
    let (status, _) = server
        .post(
            &token,
            "/v1/admin/users",
            &json!({"name": " Budi ", "role": "officer", "password": "rahasia-123"}),
        )
        .await;
    assert_eq!(status, 201);
    let (status, body) = server
        .post(
            &token,
            "/v1/admin/users",
            &json!({"name": "BUDI", "role": "officer", "password": "rahasia-123"}),
        )
        .await;
    assert_eq!((status, code(&body)), (409, "user.exists"));
    server.healthy().await;
    server.stop().await;
}

async fn token_checks_and_lists_do_not_wait_for_a_writer(backend: Backend) {
    let server = Server::start(backend).await;
    let token = server.enrolled_user("sari", "supervisor", &["63.05"]).await;
    // A writer holds the database (on SQLite, its one write lock) until told to let go.
    let (release, held) = std::sync::mpsc::channel::<()>();
    let (started, holding) = tokio::sync::oneshot::channel::<()>();
    let db = server.running.state.db.clone();
    let writer = tokio::task::spawn_blocking(move || {
        db.transaction(|tx| {
            tx.exec(
                "UPDATE app_user SET display_name = display_name WHERE name = 'sari'",
                &[],
            )?;
            let _ = started.send(());
            let _ = held.recv_timeout(Duration::from_secs(60));
            Ok(())
        })
    });
    holding.await.expect("the writer holds the lock");
    for path in [
        "/v1/me",
        "/v1/review/assessments",
        "/v1/stats",
        "/v1/changes",
    ] {
        let answered = tokio::time::timeout(Duration::from_secs(10), server.get(&token, path))
            .await
            .unwrap_or_else(|_| panic!("{path} waited for the writer"));
        assert_eq!(answered.0, 200, "{path}: {}", answered.1);
    }
    release.send(()).expect("release");
    writer.await.expect("join").expect("the writer commits");
    server.stop().await;
}

/// A push's headers on a raw connection, announcing `length` bytes of body.
async fn raw_push_start(server: &Server, token: &str, length: usize) -> tokio::net::TcpStream {
    let mut socket = tokio::net::TcpStream::connect(server.running.addr)
        .await
        .expect("connect");
    let head = format!(
        "POST /v1/push HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n",
        server.running.addr
    );
    socket.write_all(head.as_bytes()).await.expect("headers");
    socket
}

/// Whatever the server answers on a raw connection until it closes it (at most `wait`).
async fn answer_of(socket: &mut tokio::net::TcpStream, wait: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(wait, socket.read_to_end(&mut answer)).await;
    read.ok()
        .map(|_| String::from_utf8_lossy(&answer).into_owned())
}

async fn clients_that_trickle_or_stall_are_cut_off_and_hold_up_nobody(backend: Backend) {
    // With the default limits, four pushes whose bodies trickle in hold no push slot: an
    // honest laptop's push goes through while they crawl.
    let server = Server::start(backend).await;
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    server
        .user("tono", "officer", &["63.05"], Some("tono-rahasia-1"))
        .await;
    let slow = server.enrol("tono", "tono-rahasia-1").await;
    let honest = server.enrol("budi", "budi-rahasia-1").await;
    let mut trickles = Vec::new();
    for _ in 0..4 {
        let mut socket = raw_push_start(&server, &slow, 100_000).await;
        trickles.push(tokio::spawn(async move {
            for _ in 0..200 {
                if socket.write_all(b"          ").await.is_err() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (pr, pd) = (uuid(40, 1), uuid(40, 2));
    let pushed = tokio::time::timeout(
        Duration::from_secs(10),
        server.push_ok(&honest, &[producer(&pr, TAPIN), product(&pd, &pr)]),
    )
    .await
    .expect("the honest push is not held up by the trickling ones");
    assert_eq!(pushed.results.len(), 2);
    for trickle in trickles {
        trickle.abort();
    }
    server.stop().await;

    // With short limits: a crawling body, a stalled body and half-sent headers are cut off.
    let server = Server::start_with(backend, |config| {
        config.slow_clients.header_timeout = Duration::from_secs(1);
        config.slow_clients.idle = Duration::from_secs(2);
        config.slow_clients.grace = Duration::from_secs(2);
        config.slow_clients.min_rate = 1024;
    })
    .await;
    let slow = server.enrolled_user("tono", "officer", &["63.05"]).await;
    // Ten bytes every 200 ms is 50 B/s: refused once the grace is over.
    let mut socket = raw_push_start(&server, &slow, 100_000).await;
    let crawl = async {
        for _ in 0..100 {
            if socket.write_all(b"          ").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(8), crawl)
        .await
        .ok();
    let answer = answer_of(&mut socket, Duration::from_secs(10))
        .await
        .expect("the server answers and closes");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("http.too_slow"), "{answer}");
    // Half a body, then nothing: refused after the pause.
    let mut socket = raw_push_start(&server, &slow, 1000).await;
    socket.write_all(&[b' '; 500]).await.expect("half");
    let answer = answer_of(&mut socket, Duration::from_secs(10))
        .await
        .expect("the server answers a stalled body");
    assert!(answer.contains("http.too_slow"), "{answer}");
    // Half the headers, then nothing: the connection is closed.
    let mut socket = tokio::net::TcpStream::connect(server.running.addr)
        .await
        .expect("connect");
    socket
        .write_all(b"POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Le")
        .await
        .expect("half the headers");
    assert!(
        answer_of(&mut socket, Duration::from_secs(10))
            .await
            .is_some(),
        "half-sent headers are cut off"
    );
    server.healthy().await;
    assert_eq!(server.count("SELECT COUNT(*) FROM record").await, 0);
    server.stop().await;
}

/// A multipart body of the bundle form: its fields in order, `(name, filename, bytes)`.
fn bundle_form(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        body.extend_from_slice(b"--XBOUNDARYX\r\n");
        match filename {
            Some(file) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--XBOUNDARYX--\r\n");
    body
}

async fn a_bundle_upload_is_refused_whole_when_anything_about_it_is_wrong(backend: Backend) {
    let server = Server::start(backend).await;
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    let session = dashboard_session(&server, "admin", "admin-rahasia-1").await;
    let csrf = form_token(&session);
    let client = browser();
    let post = |cookie: Option<String>, body: Vec<u8>, content_type: &'static str| {
        let mut request = client
            .post(server.url("/dashboard/bundles"))
            .header("origin", origin(&server))
            .header("content-type", content_type)
            .body(body);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        async move { request.send().await.expect("post") }
    };
    let multipart = "multipart/form-data; boundary=XBOUNDARYX";
    let garbage = b"not a bundle at all".to_vec();
    let records = || server.count("SELECT COUNT(*) FROM record");
    let before = records().await;
    // Not signed in: to the sign-in page, nothing read.
    let answer = post(
        None,
        bundle_form(&[
            ("csrf", None, b"x"),
            ("bundle", Some("b.ovopbundle"), &garbage),
        ]),
        multipart,
    )
    .await;
    assert_eq!(answer.status(), 303);
    // No form token, a wrong one, or the file before the token: refused before a byte is kept.
    for parts in [
        vec![("bundle", Some("b.ovopbundle"), &garbage[..])],
        vec![
            ("csrf", None, &b"0123456789abcdef0123456789abcdef"[..]),
            ("bundle", Some("b.ovopbundle"), &garbage[..]),
        ],
        vec![
            ("bundle", Some("b.ovopbundle"), &garbage[..]),
            ("csrf", None, csrf.as_bytes()),
        ],
    ] {
        let answer = post(Some(session.clone()), bundle_form(&parts), multipart).await;
        assert_eq!(answer.status(), 403);
    }
    // A body that is no multipart form, a form without a file, a file that is no bundle.
    let answer = post(
        Some(session.clone()),
        b"--XBOUNDARYX\r\nbroken".to_vec(),
        multipart,
    )
    .await;
    assert_eq!(answer.status(), 400);
    let answer = post(
        Some(session.clone()),
        bundle_form(&[("csrf", None, csrf.as_bytes())]),
        multipart,
    )
    .await;
    assert_eq!(answer.status(), 400);
    let text = answer.text().await.expect("page");
    assert!(text.contains("bundle.bad_upload"), "{text}");
    let answer = post(
        Some(session.clone()),
        bundle_form(&[
            ("csrf", None, csrf.as_bytes()),
            ("bundle", Some("b.ovopbundle"), &garbage),
        ]),
        multipart,
    )
    .await;
    // Bytes that are no tar read as a bundle cut short before its manifest.
    assert_eq!(answer.status(), 422);
    let text = answer.text().await.expect("page");
    assert!(text.contains("bundle.truncated"), "{text}");
    // Nothing stored, and nothing left behind in the bundles folder.
    assert_eq!(records().await, before);
    let left: Vec<_> = std::fs::read_dir(server.dir.path().join("bundles"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
    // A receipt that is not there, by a name that is no receipt's.
    for name in [
        "0123456789abcdef0123456789abcdef",
        "..%2F..%2Fserver.sqlite",
        "x",
    ] {
        let answer = client
            .get(server.url(&format!("/dashboard/bundles/receipts/{name}")))
            .header("cookie", &session)
            .send()
            .await
            .expect("get");
        assert_eq!(answer.status(), 404, "{name}");
    }
    server.stop().await;
}

/// The example sheet of the README (`assets/criteria/examples/ovop-tapin-example.csv`).
fn tapin_csv() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../assets/criteria/examples/ovop-tapin-example.csv"),
    )
    .expect("the example sheet")
}

/// Text as Excel's "Unicode text" saves it: UTF-16 LE with its byte-order mark, tabs, CRLF.
fn unicode_text(csv: &str) -> Vec<u8> {
    let text = csv.replace(',', "\t").replace('\n', "\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    bytes
}

/// What the criteria page answered: its status and its text.
async fn criteria_post(
    server: &Server,
    cookie: Option<&str>,
    body: Vec<u8>,
    content_type: &str,
) -> (u16, String, Option<String>) {
    let mut request = browser()
        .post(server.url("/dashboard/criteria"))
        .header("origin", origin(server))
        .header("content-type", content_type)
        .body(body);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let answer = request.send().await.expect("post");
    let status = answer.status().as_u16();
    let location = answer
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    (status, answer.text().await.unwrap_or_default(), location)
}

fn drafts_left(server: &Server) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(server.dir.path().join("criteria-drafts"))
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default()
}

async fn a_criteria_sheet_upload_is_refused_whole_when_anything_about_it_is_wrong(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    server
        .user("sari", "supervisor", &["63.05"], Some("sari-rahasia-1"))
        .await;
    let session = dashboard_session(&server, "admin", "admin-rahasia-1").await;
    let csrf = form_token(&session);
    let multipart = "multipart/form-data; boundary=XBOUNDARYX";
    let sets = || server.count("SELECT COUNT(*) FROM criteria_set");
    let changes = || server.count("SELECT COUNT(*) FROM change");
    let (sets_before, changes_before) = (sets().await, changes().await);
    let csv = tapin_csv();
    let good = |name: &'static str, bytes: &[u8]| {
        bundle_form(&[
            ("csrf", None, csrf.as_bytes()),
            ("sheet", Some(name), bytes),
        ])
    };

    // Not signed in: to the sign-in page, nothing read.
    let (status, _, location) =
        criteria_post(&server, None, good("lembar.csv", csv.as_bytes()), multipart).await;
    assert_eq!(status, 303);
    assert!(location.is_some_and(|l| l.starts_with("/login")));
    // A supervisor is not an administrator: refused before the file is read.
    let sari = dashboard_session(&server, "sari", "sari-rahasia-1").await;
    let sari_form = bundle_form(&[
        ("csrf", None, form_token(&sari).as_bytes()),
        ("sheet", Some("lembar.csv"), csv.as_bytes()),
    ]);
    let (status, text, _) = criteria_post(&server, Some(&sari), sari_form, multipart).await;
    assert_eq!(status, 403);
    assert!(text.contains("auth.role"), "{text}");
    let page = browser()
        .get(server.url("/dashboard/criteria"))
        .header("cookie", &sari)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 403, "the page is an administrator's");
    // An officer has no dashboard session: a laptop's token as the session cookie, or the
    // officer's own password, only leads to the sign-in page.
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let budi_form = bundle_form(&[
        (
            "csrf",
            None,
            form_token(&format!("ovop_session={budi}")).as_bytes(),
        ),
        ("sheet", Some("lembar.csv"), csv.as_bytes()),
    ]);
    let (status, _, location) = criteria_post(
        &server,
        Some(&format!("ovop_session={budi}")),
        budi_form,
        multipart,
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.is_some_and(|l| l.starts_with("/login")));
    // No form token, a wrong one, or the file before the token.
    for parts in [
        vec![("sheet", Some("lembar.csv"), csv.as_bytes())],
        vec![
            ("csrf", None, &b"0123456789abcdef0123456789abcdef"[..]),
            ("sheet", Some("lembar.csv"), csv.as_bytes()),
        ],
        vec![
            ("sheet", Some("lembar.csv"), csv.as_bytes()),
            ("csrf", None, csrf.as_bytes()),
        ],
    ] {
        let (status, text, _) =
            criteria_post(&server, Some(&session), bundle_form(&parts), multipart).await;
        assert_eq!(status, 403);
        assert!(text.contains("auth.csrf"), "{text}");
    }
    // Each refusal with its status and its code.
    let too_big = vec![b'#'; ovop_server::dashboard::CRITERIA_UPLOAD_LIMIT + 1];
    let damaged_xlsx = b"PK\x03\x04 this is no workbook".to_vec();
    let mut latin1 = csv
        .replacen("Produksi musiman", "Produksi musiman caf\u{e9}", 1)
        .into_bytes();
    let at = latin1
        .windows(2)
        .position(|w| w == "é".as_bytes())
        .expect("the é");
    // Windows-1252 is read; 0x81 is no letter in it.
    latin1.splice(at..at + 2, [0xE9, 0x81]);
    for (what, body, expected) in [
        (
            "no multipart form",
            b"--XBOUNDARYX\r\nbroken".to_vec(),
            (400, "criteria.bad_upload"),
        ),
        (
            "no file",
            bundle_form(&[("csrf", None, csrf.as_bytes())]),
            (400, "criteria.bad_upload"),
        ),
        (
            "a file too big",
            good("lembar.csv", &too_big),
            (413, "criteria.too_large"),
        ),
        (
            "bytes that are no spreadsheet",
            good("lembar.xlsx", b"not a spreadsheet at all"),
            (422, "criteria.not_a_spreadsheet"),
        ),
        (
            "a damaged workbook",
            good("lembar.xlsx", &damaged_xlsx),
            (422, "criteria.not_a_spreadsheet"),
        ),
        (
            "another kind of file",
            good("lembar.pdf", b"%PDF-1.4"),
            (415, "criteria.file_type"),
        ),
        (
            "a CSV that is no text in its code page",
            good("lembar.csv", &latin1),
            (422, "criteria.encoding"),
        ),
        (
            "a sheet with errors",
            good(
                "lembar.csv",
                csv.replacen(",2,Sebagian", ",dua,Sebagian", 1).as_bytes(),
            ),
            (422, "criteria.invalid"),
        ),
    ] {
        let (status, text, _) = criteria_post(&server, Some(&session), body, multipart).await;
        assert_eq!(status, expected.0, "{what}: {text}");
        assert!(
            text.contains(&format!("data-code=\"{}\"", expected.1)),
            "{what}: {text}"
        );
    }
    // Nothing stored, nothing published, no draft kept.
    assert_eq!(
        (sets().await, changes().await),
        (sets_before, changes_before)
    );
    assert!(
        drafts_left(&server).is_empty(),
        "{:?}",
        drafts_left(&server)
    );

    // The same sheet saved as Excel's "Unicode text" (UTF-16, tabs, CRLF) is read: kept as a
    // draft and previewed, still not published.
    let (status, _, location) = criteria_post(
        &server,
        Some(&session),
        good("lembar.txt", &unicode_text(&csv)),
        multipart,
    )
    .await;
    assert_eq!(status, 303);
    let location = location.expect("to the draft");
    assert!(
        location.starts_with("/dashboard/criteria/drafts/"),
        "{location}"
    );
    assert_eq!(drafts_left(&server).len(), 1);
    let preview = browser()
        .get(server.url(&location))
        .header("cookie", &session)
        .send()
        .await
        .expect("the draft");
    assert_eq!(preview.status(), 200);
    let text = preview.text().await.expect("page");
    assert!(text.contains("Sumber bahan baku utama"), "{text}");
    assert_eq!(
        (sets().await, changes().await),
        (sets_before, changes_before)
    );
    server.stop().await;
}

async fn a_criteria_sheet_is_published_once_and_only_from_its_checked_draft(backend: Backend) {
    let server = Server::start(backend).await;
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    let session = dashboard_session(&server, "admin", "admin-rahasia-1").await;
    let csrf = form_token(&session);
    let multipart = "multipart/form-data; boundary=XBOUNDARYX";
    let sets = || server.count("SELECT COUNT(*) FROM criteria_set");
    let before = sets().await;
    let upload = |csv: String| {
        let form = bundle_form(&[
            ("csrf", None, csrf.as_bytes()),
            ("sheet", Some("lembar.csv"), csv.as_bytes()),
        ]);
        let server = &server;
        let session = &session;
        async move { criteria_post(server, Some(session), form, multipart).await }
    };
    let (status, _, location) = upload(tapin_csv()).await;
    assert_eq!(status, 303);
    let hex = location
        .expect("to the draft")
        .rsplit('/')
        .next()
        .expect("its name")
        .to_string();
    let hash = format!("sha256:{hex}");
    let publish = |fields: Vec<(&'static str, String)>| {
        let server = &server;
        let session = &session;
        async move {
            let answer = browser()
                .post(server.url("/dashboard/criteria/publish"))
                .header("cookie", session)
                .header("origin", origin(server))
                .form(&fields)
                .send()
                .await
                .expect("publish");
            let status = answer.status().as_u16();
            (status, answer.text().await.unwrap_or_default())
        }
    };
    // Without the form token, or naming no draft: refused, nothing published.
    let (status, text) = publish(vec![("hash", hash.clone())]).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("auth.csrf"));
    for name in [
        format!("sha256:{}", "0".repeat(64)),
        "../../server.sqlite".to_string(),
        String::new(),
    ] {
        let (status, text) = publish(vec![("csrf", csrf.clone()), ("hash", name.clone())]).await;
        assert_eq!(status, 404, "{name}: {text}");
        assert!(text.contains("criteria.draft_unknown"), "{text}");
    }
    assert_eq!(sets().await, before);
    // Published: stored, on the change feed, its draft gone; the same publish again is no
    // change.
    let (status, text) = publish(vec![("csrf", csrf.clone()), ("hash", hash.clone())]).await;
    assert_eq!(status, 201, "{text}");
    assert_eq!(sets().await, before + 1);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM change WHERE kind = 'criteria_set' AND ref_id = 'ovop-tapin-contoh@2026.1'")
            .await,
        1
    );
    assert!(drafts_left(&server).is_empty());
    let (status, text) = publish(vec![("csrf", csrf.clone()), ("hash", hash.clone())]).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("data-new=\"false\""), "{text}");
    assert_eq!(sets().await, before + 1);
    // Uploaded again: the preview says it is published already.
    let (status, _, location) = upload(tapin_csv()).await;
    assert_eq!(status, 303);
    let again = browser()
        .get(server.url(&location.expect("the draft")))
        .header("cookie", &session)
        .send()
        .await
        .expect("the draft")
        .text()
        .await
        .expect("page");
    assert!(
        again.contains("data-testid=\"criteria-already\""),
        "{again}"
    );
    // Other content under the published id and version: refused with its code, no draft.
    let drafts = drafts_left(&server).len();
    let changed = tapin_csv().replace("Produksi musiman", "Produksi tidak tentu");
    let (status, text, _) = upload(changed).await;
    assert_eq!(status, 409, "{text}");
    assert!(
        text.contains("data-code=\"criteria.version_exists\""),
        "{text}"
    );
    assert_eq!(drafts_left(&server).len(), drafts);
    assert_eq!(sets().await, before + 1);
    // The published set is listed as the office's, with the day it is in force from.
    let page = browser()
        .get(server.url("/dashboard/criteria"))
        .header("cookie", &session)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("page");
    let row = page
        .split("<tr ")
        .find(|r| r.contains("data-id=\"ovop-tapin-contoh\""))
        .expect("the published set is listed");
    assert!(
        row.contains("data-origin=\"office\"") && row.contains("2026-01-01"),
        "{row}"
    );
    assert!(
        page.contains("data-id=\"ocop-1048-02\" data-version=\"781-2020\" data-origin=\"shipped\"")
    );
    server.stop().await;
}
