//! The HTTP surface against a hostile caller, on SQLite and on PostgreSQL: sign-in guesses
//! counted before they are checked, addresses believed only from a trusted proxy, the API
//! taking bearer tokens and JSON only, the dashboard's forms only from its own pages, and the
//! framework's own refusals answered with a problem code.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One test body run against both backends.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(super::Backend::Postgres).await;
                }
            )*
        }
    };
}

both!(
    a_burst_of_guesses_gets_no_more_checks_than_the_limit,
    forwarded_addresses_count_only_from_a_trusted_proxy,
    the_api_takes_bearer_tokens_and_json_only,
    dashboard_forms_are_taken_only_from_the_dashboards_own_pages,
    the_frameworks_own_refusals_carry_a_problem_code,
    token_checks_and_lists_do_not_wait_for_a_writer,
    clients_that_trickle_or_stall_are_cut_off_and_hold_up_nobody,
    a_disabled_user_or_a_reset_password_opens_nothing_the_old_one_did,
    the_operator_disables_enables_and_resets_at_the_command_line,
    uploads_are_bounded_expire_and_belong_to_the_officer_who_declared_them,
    a_supervisor_hands_an_assessment_to_another_officer_of_its_region,
    a_result_its_answers_do_not_give_is_refused_and_the_servers_own_is_stored,
    a_hostile_officer_leaves_the_offices_data_as_the_honest_pushes_left_it,
);

fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or("")
}

/// A client that shows redirects instead of following them.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

fn origin(server: &Server) -> String {
    server.running.url()
}

/// Signs in to the dashboard as a page of it would; the session cookie.
async fn dashboard_session(server: &Server, name: &str, password: &str) -> String {
    let response = browser()
        .post(server.url("/login"))
        .header("origin", origin(server))
        .form(&[("user", name), ("password", password)])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 303, "{name} signs in");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("name=value")
        .to_string();
    assert!(cookie.starts_with("ovop_session="));
    cookie
}

/// The form token a page of this session carries.
fn form_token(cookie: &str) -> String {
    let session = cookie.trim_start_matches("ovop_session=");
    ovop_server::auth::secret_hash(&format!("ovt_csrf:{session}"))[..32].to_string()
}

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
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    let token = server.enrol("admin", "admin-rahasia-1").await;
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
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    let token = server.enrol("admin", "admin-rahasia-1").await;
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
    server
        .user("sari", "supervisor", &["63.05"], Some("sari-rahasia-1"))
        .await;
    let token = server.enrol("sari", "sari-rahasia-1").await;
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
    server
        .user("tono", "officer", &["63.05"], Some("tono-rahasia-1"))
        .await;
    let slow = server.enrol("tono", "tono-rahasia-1").await;
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

/// Where a dashboard page sends the browser (None: it is shown).
async fn page_goes(server: &Server, cookie: &str, path: &str) -> Option<String> {
    let response = browser()
        .get(server.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("page");
    if response.status().is_redirection() {
        Some(
            response.headers()["location"]
                .to_str()
                .expect("location")
                .to_string(),
        )
    } else {
        assert_eq!(response.status(), 200, "{path}");
        None
    }
}

async fn dashboard_post(
    server: &Server,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = form_token(cookie);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    browser()
        .post(server.url(path))
        .header("cookie", cookie)
        .header("origin", origin(server))
        .form(&form)
        .send()
        .await
        .expect("post")
}

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

async fn put_blob(
    server: &Server,
    token: &str,
    bytes: &[u8],
    offset: usize,
    upto: usize,
) -> (u16, Value) {
    let hex = &blob_of(bytes).sha256[7..];
    let response = server
        .http
        .put(server.url(&format!("/v1/blobs/{hex}?offset={offset}")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes[offset..upto].to_vec())
        .send()
        .await
        .expect("put");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn uploads_are_bounded_expire_and_belong_to_the_officer_who_declared_them(backend: Backend) {
    let server = Server::start_with(backend, |config| {
        config.limits.max_blobs_per_record = 4;
        config.uploads.open_blobs = 3;
    })
    .await;
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    server
        .user("tono", "officer", &["63.05"], Some("tono-rahasia-1"))
        .await;
    let budi = server.enrol("budi", "budi-rahasia-1").await;
    let tono = server.enrol("tono", "tono-rahasia-1").await;
    let photos: Vec<Vec<u8>> = (0..6u8).map(|n| vec![n; 2000 + usize::from(n)]).collect();
    let refs: Vec<_> = photos.iter().map(|p| blob_of(p)).collect();
    let (pr, pd) = (uuid(50, 1), uuid(50, 2));
    server
        .push_ok(&budi, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    let outcome = |pushed: &ovop_protocol::PushResponse| {
        let r = &pushed.results[0];
        (
            r.outcome,
            r.problem
                .as_ref()
                .map(|p| p.code.clone())
                .unwrap_or_default(),
        )
    };
    // Five photos on one record: more than a record may name.
    let pushed = server
        .push_ok(
            &budi,
            &[assessment(
                &uuid(50, 3),
                1,
                &pd,
                TAPIN,
                0,
                refs[..5].to_vec(),
            )],
        )
        .await;
    assert_eq!(
        outcome(&pushed),
        (
            ovop_protocol::Outcome::Rejected,
            "push.too_many_blobs".into()
        )
    );
    // Three open uploads are Budi's to have; a fourth waits, a photo already counted does not.
    let first = assessment(&uuid(50, 4), 1, &pd, TAPIN, 1, refs[..3].to_vec());
    assert_eq!(
        outcome(&server.push_ok(&budi, std::slice::from_ref(&first)).await).0,
        ovop_protocol::Outcome::Accepted
    );
    let waiting = assessment(&uuid(50, 5), 1, &pd, TAPIN, 2, vec![refs[3].clone()]);
    assert_eq!(
        outcome(&server.push_ok(&budi, std::slice::from_ref(&waiting)).await),
        (
            ovop_protocol::Outcome::Rejected,
            "push.too_many_uploads".into()
        )
    );
    let same = assessment(&uuid(50, 6), 1, &pd, TAPIN, 3, vec![refs[0].clone()]);
    assert_eq!(
        outcome(&server.push_ok(&budi, &[same]).await).0,
        ovop_protocol::Outcome::Accepted
    );
    assert_eq!(
        outcome(&server.push_ok(&budi, &[first]).await).0,
        ovop_protocol::Outcome::AcceptedAgain
    );

    // Tono cannot write into Budi's photo, even from the offset Budi's upload stands at.
    let (status, _) = put_blob(&server, &budi, &photos[0], 0, 1000).await;
    assert_eq!(status, 200);
    let (status, body) = put_blob(&server, &tono, &photos[0], 1000, 2000).await;
    assert_eq!((status, code(&body)), (403, "blob.not_yours"));
    let (status, body) = put_blob(&server, &tono, &photos[1], 0, 2001).await;
    assert_eq!((status, code(&body)), (403, "blob.not_yours"));
    // Budi's resumed upload finishes from where it stood.
    let (status, body) = put_blob(&server, &budi, &photos[0], 1000, 2000).await;
    assert_eq!((status, body["complete"].as_bool()), (200, Some(true)));
    // One photo arrived: the waiting record goes through now.
    assert_eq!(
        outcome(&server.push_ok(&budi, &[waiting]).await).0,
        ovop_protocol::Outcome::Accepted
    );

    // A partial upload left too long is dropped; the upload starts again from its first byte.
    let (status, body) = put_blob(&server, &budi, &photos[1], 0, 1500).await;
    assert_eq!((status, body["offset"].as_u64()), (200, Some(1500)));
    assert_eq!(
        server.running.state.blobs.sweep(Duration::from_secs(3600)),
        0
    );
    assert_eq!(server.running.state.blobs.sweep(Duration::ZERO), 1);
    let hex = &refs[1].sha256[7..];
    let (status, body) = server.get(&budi, &format!("/v1/blobs/{hex}")).await;
    assert_eq!((status, body["offset"].as_u64()), (200, Some(0)));
    let (status, body) = put_blob(&server, &budi, &photos[1], 0, 2001).await;
    assert_eq!((status, body["complete"].as_bool()), (200, Some(true)));
    server.stop().await;
}

async fn a_supervisor_hands_an_assessment_to_another_officer_of_its_region(backend: Backend) {
    let server = Server::start(backend).await;
    for (name, role, region) in [
        ("budi", "officer", "63.05"),
        ("wati", "officer", "63.05"),
        ("tono", "officer", "63.06"),
        ("sari", "supervisor", "63.05"),
        ("dewi", "supervisor", "63.06"),
    ] {
        server
            .user(name, role, &[region], Some("rahasia-123"))
            .await;
    }
    let budi = server.enrol("budi", "rahasia-123").await;
    let wati = server.enrol("wati", "rahasia-123").await;
    let sari = server.enrol("sari", "rahasia-123").await;
    let dewi = server.enrol("dewi", "rahasia-123").await;
    let (pr, pd, id) = (uuid(60, 1), uuid(60, 2), uuid(60, 3));
    server
        .push_ok(
            &budi,
            &[
                producer(&pr, TAPIN),
                product(&pd, &pr),
                assessment(&id, 1, &pd, TAPIN, 0, vec![]),
            ],
        )
        .await;
    let first_code = |pushed: ovop_protocol::PushResponse| {
        pushed.results[0]
            .problem
            .as_ref()
            .map(|p| p.code.clone())
            .unwrap_or_default()
    };
    let second = assessment(&id, 2, &pd, TAPIN, 1, vec![]);
    assert_eq!(
        first_code(server.push_ok(&wati, std::slice::from_ref(&second)).await),
        "push.not_owner"
    );
    let owner = format!("/v1/review/assessments/{id}/owner");
    // Who may hand it over, and to whom.
    let (status, body) = server
        .post(&budi, &owner, &json!({"officer": "wati"}))
        .await;
    assert_eq!((status, code(&body)), (403, "auth.role"));
    let (status, body) = server
        .post(&dewi, &owner, &json!({"officer": "wati"}))
        .await;
    assert_eq!((status, code(&body)), (403, "review.region_not_assigned"));
    for to in ["tono", "sari", "nobody", ""] {
        let (status, body) = server.post(&sari, &owner, &json!({"officer": to})).await;
        assert_eq!((status, code(&body)), (400, "review.bad_officer"), "{to}");
    }
    let (status, body) = server
        .post(
            &sari,
            &format!("/v1/review/assessments/{}/owner", uuid(60, 9)),
            &json!({"officer": "wati"}),
        )
        .await;
    assert_eq!((status, code(&body)), (404, "review.unknown"));
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM assessment_handover")
            .await,
        0
    );
    // Sari hands it to Wati: Wati's laptop carries it on, Budi's no longer can.
    let (status, body) = server
        .post(&sari, &owner, &json!({"officer": " Wati "}))
        .await;
    assert_eq!(
        (
            status,
            body["from"].as_str(),
            body["to"].as_str(),
            body["by"].as_str()
        ),
        (200, Some("budi"), Some("wati"), Some("sari")),
        "{body}"
    );
    let pushed = server.push_ok(&wati, &[second]).await;
    assert_eq!(pushed.results[0].outcome, ovop_protocol::Outcome::Accepted);
    assert_eq!(
        first_code(
            server
                .push_ok(&budi, &[assessment(&id, 3, &pd, TAPIN, 2, vec![])])
                .await
        ),
        "push.not_owner"
    );
    server.stop().await;
}

/// The record with its body changed by `change` (and its content hash made right again, as a
/// hostile laptop would).
fn tampered(record: &ovop_protocol::Record, change: impl Fn(&mut Value)) -> ovop_protocol::Record {
    let mut body = record.body.clone();
    change(&mut body);
    ovop_protocol::Record::new(
        record.kind,
        &record.id,
        record.revision,
        body,
        record.blobs.clone(),
    )
}

async fn a_result_its_answers_do_not_give_is_refused_and_the_servers_own_is_stored(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    let admin = server.enrol("admin", "admin-rahasia-1").await;
    let budi = server.enrol("budi", "budi-rahasia-1").await;
    let (pr, pd) = (uuid(70, 1), uuid(70, 2));
    server
        .push_ok(&budi, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    // A set the office published (not one shipped with the server): found by its hash.
    let catalog = ovop_core::Catalog::shipped();
    let mut set = catalog
        .get("ovop-id-template", None)
        .expect("template")
        .rubric
        .set()
        .clone();
    set.version = "2026-dinas-tapin".into();
    let published = ovop_core::Rubric::new(set.clone()).expect("a valid set");
    let response = server
        .http
        .post(server.url("/v1/admin/criteria-sets"))
        .bearer_auth(&admin)
        .json(&set)
        .send()
        .await
        .expect("publish");
    assert_eq!(response.status(), 201);

    let honest = assessment(&uuid(70, 3), 1, &pd, TAPIN, 1, vec![]);
    let on_published = assessment_on(&published, &uuid(70, 4), 1, &pd, TAPIN, 2, vec![]);
    let max = honest.body["result"]["max_total"].clone();
    let attacks = [
        (
            "no answers, a perfect score",
            tampered(&honest, |b| {
                b["answers"] = Value::Null;
                b["result"]["total"] = max.clone();
                b["result"]["star_by_score"] = json!(5);
                b["result"]["star"] = json!(5);
            }),
            "push.no_answers",
        ),
        (
            "a perfect score over modest answers",
            tampered(&honest, |b| {
                b["result"]["total"] = max.clone();
                b["result"]["star"] = json!(5);
            }),
            "push.result_mismatch",
        ),
        (
            "part subtotals that do not add up",
            tampered(&honest, |b| {
                let points = b["result"]["parts"][0]["points"].as_u64().unwrap_or(0);
                b["result"]["parts"][0]["points"] = json!(points + 7);
            }),
            "push.result_mismatch",
        ),
        (
            "a criterion's points changed",
            tampered(&honest, |b| {
                b["result"]["criteria"][0]["outcome"]["points"] = json!(99);
            }),
            "push.result_mismatch",
        ),
        (
            "a council's verdict without its members' sheets",
            tampered(&honest, |b| {
                b["council_result"] = json!({"average": 66.0});
            }),
            "push.invalid",
        ),
        (
            "a better star on the office's own set",
            tampered(&on_published, |b| {
                b["result"]["star"] = json!(5);
                b["result"]["star_by_score"] = json!(5);
            }),
            "push.result_mismatch",
        ),
    ];
    for (what, record, expected) in &attacks {
        let pushed = server.push_ok(&budi, std::slice::from_ref(record)).await;
        let r = &pushed.results[0];
        assert_eq!(
            (r.outcome, r.problem.as_ref().map(|p| p.code.as_str())),
            (ovop_protocol::Outcome::Rejected, Some(*expected)),
            "{what}"
        );
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM assessment").await, 0);
    // The honest ones are stored with the server's own numbers.
    for record in [&honest, &on_published] {
        let pushed = server.push_ok(&budi, std::slice::from_ref(record)).await;
        assert_eq!(pushed.results[0].outcome, ovop_protocol::Outcome::Accepted);
    }
    let (_, listed) = server.get(&admin, "/v1/review/assessments").await;
    let items = listed.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{listed}");
    for record in [&honest, &on_published] {
        let row = items
            .iter()
            .find(|i| i["id"] == record.id.as_str())
            .expect("listed");
        assert_eq!(row["total"], record.body["result"]["total"]);
        assert_eq!(row["star"], record.body["result"]["star"]);
    }
    server.stop().await;
}

/// What the office holds, as an admin reads it: every assessment's latest revision with its
/// numbers, status and officer, the decisions, the users and their devices, the stored records.
async fn office_data(server: &Server, admin: &str) -> (Value, Vec<i64>) {
    let (status, list) = server.get(admin, "/v1/review/assessments").await;
    assert_eq!(status, 200);
    let mut rows: Vec<Value> = list
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut row| {
            // When it arrived is the server's clock, not the office's data.
            row.as_object_mut().map(|o| o.remove("received_at"));
            row
        })
        .collect();
    rows.sort_by_key(|r| r["id"].as_str().unwrap_or("").to_string());
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM record",
        "SELECT COUNT(*) FROM decision",
        "SELECT COUNT(*) FROM app_user",
        "SELECT COUNT(*) FROM device WHERE revoked_at IS NULL",
        "SELECT COUNT(*) FROM blob WHERE complete_at IS NOT NULL",
        "SELECT COUNT(*) FROM assessment_handover",
    ] {
        counts.push(server.count(sql).await);
    }
    (Value::Array(rows), counts)
}

async fn a_hostile_officer_leaves_the_offices_data_as_the_honest_pushes_left_it(backend: Backend) {
    let server = Server::start(backend).await;
    for (name, role, region) in [
        ("admin", "admin", None),
        ("budi", "officer", Some("63.05")),
        ("wati", "officer", Some("63.05")),
        ("tono", "officer", Some("63.06")),
        ("sari", "supervisor", Some("63.05")),
        ("dewi", "supervisor", Some("63.06")),
    ] {
        let regions: Vec<&str> = region.into_iter().collect();
        server.user(name, role, &regions, Some("rahasia-123")).await;
    }
    let admin = server.enrol("admin", "rahasia-123").await;
    let budi = server.enrol("budi", "rahasia-123").await;
    let wati = server.enrol("wati", "rahasia-123").await;
    let tono = server.enrol("tono", "rahasia-123").await;
    let sari = server.enrol("sari", "rahasia-123").await;

    // The honest pushes: two Tapin officers and one of Hulu Sungai Selatan, a photo, a decision.
    let photo = vec![7u8; 5000];
    let (pr, pd, a1) = (uuid(80, 1), uuid(80, 2), uuid(80, 3));
    let (pr2, pd2, a2) = (uuid(80, 4), uuid(80, 5), uuid(80, 6));
    let (pr3, pd3, a3) = (uuid(80, 7), uuid(80, 8), uuid(80, 9));
    let budis = assessment(&a1, 1, &pd, TAPIN, 1, vec![blob_of(&photo)]);
    server
        .push_ok(
            &budi,
            &[producer(&pr, TAPIN), product(&pd, &pr), budis.clone()],
        )
        .await;
    let (status, _) = put_blob(&server, &budi, &photo, 0, 2000).await;
    assert_eq!(status, 200, "half of Budi's photo");
    server
        .push_ok(
            &wati,
            &[
                producer(&pr2, TAPIN),
                product(&pd2, &pr2),
                assessment(&a2, 1, &pd2, TAPIN, 2, vec![]),
            ],
        )
        .await;
    server
        .push_ok(
            &tono,
            &[
                producer(&pr3, HSS),
                product(&pd3, &pr3),
                assessment(&a3, 1, &pd3, HSS, 3, vec![]),
            ],
        )
        .await;
    let (status, _) = server
        .post(
            &sari,
            &format!("/v1/review/assessments/{a2}/decision"),
            &json!({"revision": 1, "decision": "approved", "comment": ""}),
        )
        .await;
    assert_eq!(status, 201);
    let before = office_data(&server, &admin).await;

    // Tono, of Hulu Sungai Selatan, tries everything.
    let rejected = |pushed: &ovop_protocol::PushResponse| -> Vec<String> {
        pushed
            .results
            .iter()
            .filter(|r| r.outcome == ovop_protocol::Outcome::Rejected)
            .filter_map(|r| r.problem.as_ref().map(|p| p.code.clone()))
            .collect()
    };
    // A revision under Budi's id (printed on Budi's sheet), recorded in Tono's regency.
    let pushed = server
        .push_ok(&tono, &[assessment(&a1, 2, &pd3, HSS, 4, vec![])])
        .await;
    assert_eq!(rejected(&pushed), ["push.not_owner"]);
    // An assessment of Budi's Tapin product recorded in Tono's regency.
    let pushed = server
        .push_ok(&tono, &[assessment(&uuid(81, 1), 1, &pd, HSS, 4, vec![])])
        .await;
    assert_eq!(rejected(&pushed), ["push.region_mismatch"]);
    // A perfect score without answers, subtotals that do not add up, an upper-case twin id.
    let own = assessment(&uuid(81, 2), 1, &pd3, HSS, 5, vec![]);
    let max = own.body["result"]["max_total"].clone();
    let forged = [
        tampered(&own, |b| {
            b["answers"] = Value::Null;
            b["result"]["total"] = max.clone();
            b["result"]["star"] = json!(5);
        }),
        tampered(&own, |b| {
            let points = b["result"]["parts"][1]["points"].as_u64().unwrap_or(0);
            b["result"]["parts"][1]["points"] = json!(points + 3);
        }),
    ];
    let pushed = server.push_ok(&tono, &forged).await;
    assert_eq!(
        rejected(&pushed),
        ["push.no_answers", "push.result_mismatch"]
    );
    let twin = assessment(&a3.to_uppercase(), 2, &pd3, HSS, 5, vec![]);
    let pushed = server.push_ok(&tono, &[twin]).await;
    assert_eq!(rejected(&pushed), ["push.bad_id"]);
    // Two hundred and one photos on one record.
    let many: Vec<_> = (0..201u32)
        .map(|n| blob_of(format!("photo {n}").as_bytes()))
        .collect();
    let pushed = server
        .push_ok(&tono, &[assessment(&uuid(81, 3), 1, &pd3, HSS, 6, many)])
        .await;
    assert_eq!(rejected(&pushed), ["push.too_many_blobs"]);
    // Writing into Budi's half-uploaded photo.
    let (status, body) = put_blob(&server, &tono, &photo, 2000, 5000).await;
    assert_eq!((status, code(&body)), (403, "blob.not_yours"));
    // Making himself an admin, deciding, handing Budi's assessment to himself.
    let (status, _) = server
        .post(
            &tono,
            "/v1/admin/users",
            &json!({"name": "tono2", "role": "admin", "password": "rahasia-123"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .post(
            &tono,
            &format!("/v1/review/assessments/{a3}/decision"),
            &json!({"revision": 1, "decision": "approved", "comment": ""}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .post(
            &tono,
            &format!("/v1/review/assessments/{a1}/owner"),
            &json!({"officer": "tono"}),
        )
        .await;
    assert_eq!(status, 403);
    // Reading Budi's assessment and Tapin's export.
    let (status, _) = server
        .get(&tono, &format!("/v1/review/assessments/{a1}"))
        .await;
    assert_eq!(status, 403);
    let (status, _) = server.get(&tono, "/v1/export/assessments").await;
    assert_eq!(status, 403);
    // Guessing Sari's password, twelve at once: five are checked.
    let guesses = (0..12).map(|n| {
        let server = &server;
        async move {
            server
                .post(
                    "",
                    "/v1/enrol",
                    &json!({"user": "sari", "password": format!("tebakan-{n}"), "device_name": "L"}),
                )
                .await
                .0
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 7);

    // The office's data is as the honest pushes left it, and Budi's upload finishes.
    assert_eq!(office_data(&server, &admin).await, before);
    let (status, body) = put_blob(&server, &budi, &photo, 2000, 5000).await;
    assert_eq!((status, body["complete"].as_bool()), (200, Some(true)));
    server.healthy().await;
    server.stop().await;
}
