//! Faults between the laptop and the server, each its own test. Whatever the network or the
//! server did, after the fault and one clean sync the end state is the same: every record on
//! the server exactly once, every photo complete and verified, nothing lost on the laptop.

mod field;

/// Every fault on each storage backend of the server.
const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

use std::time::Duration;

use sha2::Digest;

use field::{answer, assert_converged, client, rule, server_with, Backend, Fault, Field, Proxy};

/// A laptop with `n` finalised assessments, a photo each, and a server that takes at most
/// four records per push (so a sync is several batches).
async fn setup(backend: Backend, n: usize) -> (field::Server, String, Field, Proxy) {
    let (server, token) = server_with(backend, |config| config.limits.max_batch_records = 4).await;
    let mut field = Field::new();
    for _ in 0..n {
        field.finalised(1);
    }
    let proxy = Proxy::start(server.running.addr).await;
    (server, token, field, proxy)
}

/// The fault happened (its rule was used), the sync that met it failed with a retryable
/// error, and a clean sync afterwards converges.
async fn fault_then_converge(
    proxy: Proxy,
    server: field::Server,
    token: String,
    mut field: Field,
    n: usize,
    expected: &str,
) {
    let through = client(&proxy.url(), &token);
    let first = field.sync(&through).await;
    assert_eq!(proxy.rules_left(), 0, "the fault was met");
    match first {
        Err(error) => {
            assert!(error.is_retryable(), "{error:?} is retryable");
            assert_eq!(error.code, expected, "{error:?}");
        }
        Ok(report) => panic!("the sync went through the fault: {report:?}"),
    }
    let report = field.sync(&through).await.expect("the next sync");
    assert_eq!((report.rejected, report.conflicts), (0, 0), "{report:?}");
    assert_converged(&mut field, &server, n).await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_dropped_in_the_middle_of_a_batch() {
    for backend in BACKENDS {
        let (server, token, field, proxy) = setup(backend, 10).await;
        let through = client(&proxy.url(), &token);
        let mut field = field;
        // The first push is cut 3,000 bytes into its body.
        proxy.add(rule("POST /v1/push", Fault::CutRequestAfter(3_000), 1));
        let first = field.sync(&through).await.expect_err("cut");
        assert_eq!(first.code, "sync.offline", "{first:?}");
        let sending: Vec<_> = field
            .store
            .outbox_rows()
            .expect("outbox")
            .into_iter()
            .filter(|r| r.state == "sending")
            .collect();
        assert!(
            sending.is_empty(),
            "a batch without an answer goes back to waiting"
        );
        field.sync(&through).await.expect("the next sync");
        assert_converged(&mut field, &server, 10).await;
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_dropped_in_the_middle_of_a_blob() {
    for backend in BACKENDS {
        let (server, token, mut field, proxy) = setup(backend, 3).await;
        // A bigger photo, cut half-way: the upload resumes from the server's offset.
        let id = field.draft(0);
        let big = field::photo(99, 400);
        let size = big.len() as u64;
        field
            .store
            .add_photo("assessment", &id, "", "besar.png", &big, &field::now())
            .expect("photo");
        field.store.finalize(&id, &field::now()).expect("final");
        let hex: String = sha2::Sha256::digest(&big)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        proxy.add(rule(
            &format!("PUT /v1/blobs/{hex}"),
            Fault::CutRequestAfter((size / 2) as usize),
            1,
        ));
        let through = client(&proxy.url(), &token);
        let first = field.sync(&through).await.expect_err("cut");
        assert_eq!(first.code, "sync.offline", "{first:?}");
        let report = field.sync(&through).await.expect("the next sync");
        // Nothing of what arrived is sent twice: the resumed upload sends only the rest.
        let photos = 3 * field::photo(1, 48).len() as u64;
        assert!(
            report.blob_bytes_sent < size + photos,
            "sent {} bytes for {} of photos",
            report.blob_bytes_sent,
            size + photos
        );
        assert_converged(&mut field, &server, 4).await;
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_dropped_in_the_middle_of_the_response() {
    for backend in BACKENDS {
        let (server, token, field, proxy) = setup(backend, 10).await;
        // The server stores the batch, and its answer is cut: the next sync sends the batch again
        // and the server answers "accepted again".
        proxy.add(rule("POST /v1/push", Fault::CutResponseAfter(40), 1));
        fault_then_converge(proxy, server, token, field, 10, "sync.offline").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_captive_portal_answers_200_with_html() {
    for backend in BACKENDS {
        let (server, token, field, proxy) = setup(backend, 5).await;
        let portal = answer(
            "200 OK",
            "text/html",
            b"<html><body><form>Masuk ke WiFi Kantor Desa</form></body></html>",
        );
        proxy.add(rule("GET /v1/health", Fault::Respond(portal), 1));
        fault_then_converge(proxy, server, token, field, 5, "sync.not_the_server").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_captive_portal_answers_the_push_with_html() {
    for backend in BACKENDS {
        let (server, token, field, proxy) = setup(backend, 5).await;
        let portal = answer("200 OK", "text/html", b"<html>Login</html>");
        proxy.add(rule("POST /v1/push", Fault::Respond(portal), 1));
        fault_then_converge(proxy, server, token, field, 5, "sync.bad_answer").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_500_502_and_503_with_garbage() {
    for backend in BACKENDS {
        for (status, target) in [
            ("500 Internal Server Error", "POST /v1/push"),
            ("502 Bad Gateway", "PUT /v1/blobs"),
            ("503 Service Unavailable", "GET /v1/changes"),
        ] {
            let (server, token, field, proxy) = setup(backend, 5).await;
            let garbage: Vec<u8> = (0..300u32).map(|i| (i * 7 % 251) as u8).collect();
            proxy.add(rule(
                target,
                Fault::Respond(answer(status, "application/octet-stream", &garbage)),
                1,
            ));
            fault_then_converge(proxy, server, token, field, 5, "sync.server_error").await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_nothing_until_the_timeout() {
    for backend in BACKENDS {
        let (server, token, field, proxy) = setup(backend, 5).await;
        proxy.add(rule("POST /v1/push", Fault::Stall, 1));
        fault_then_converge(proxy, server, token, field, 5, "sync.timeout").await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_link_still_delivers_everything() {
    for backend in BACKENDS {
        let (server, token, mut field, proxy) = setup(backend, 6).await;
        // About 200 kbit/s each way: slower than the photos, faster than the read timeout.
        proxy
            .rate
            .store(25_000, std::sync::atomic::Ordering::Relaxed);
        let through = client(&proxy.url(), &token);
        let report = field.sync(&through).await.expect("a slow sync");
        assert_eq!(report.sent, 6);
        assert_converged(&mut field, &server, 6).await;
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_batch_pushed_twice_concurrently() {
    for backend in BACKENDS {
        let (server, token, mut field, _proxy) = setup(backend, 12).await;
        // Two syncs of the same laptop database at once (the app's background task and `ovop sync`).
        let mut second = ovop_store::Store::open(&field.db).expect("a second handle");
        let url = server.running.url();
        let one = client(&url, &token);
        let two = client(&url, &token);
        let dir = field.dir.path().to_path_buf();
        let (a, b) = tokio::join!(field.sync(&one), async {
            let mut side = ovop_app::sync::StoreSide::new(&mut second, Some(dir));
            ovop_sync::sync_once(&two, &mut side, &mut |_| {}).await
        });
        // Either may meet the other's lock; neither loses or duplicates anything.
        for result in [&a, &b] {
            if let Err(error) = result {
                assert!(
                    error.is_retryable() || error.code == "sync.local",
                    "{error:?}"
                );
            }
        }
        field.sync(&one).await.expect("a clean sync");
        assert_converged(&mut field, &server, 12).await;
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_killed_and_restarted_mid_push() {
    for backend in BACKENDS {
        killed_and_restarted(backend).await;
    }
}

/// The server runs on a runtime of its own; dropping that runtime stops it at once, with a
/// push in flight (connections reset, handlers cancelled), like a kill. It starts again on the
/// same data (the same folder, or the same PostgreSQL database).
async fn killed_and_restarted(backend: Backend) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let dir = tempfile::tempdir().expect("temp");
    let data = dir.path().to_path_buf();
    let database = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some(field::support::fresh_postgres().await),
    };
    let url = database.as_ref().map(|(url, _)| url.clone());
    let start = |data: std::path::PathBuf| {
        let url = url.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            let running = runtime.block_on(async {
                let mut config = field::support::config(&data);
                config.database = url;
                config.limits.max_batch_records = 4;
                ovop_server::start(config).await.expect("start")
            });
            (runtime, running)
        })
        .join()
        .expect("thread")
    };
    let (runtime, running) = start(data.clone());
    let first = field::support::Server::from_running(running);
    first
        .user("budi", "officer", &["63.05"], Some("rahasia-budi-1"))
        .await;
    let token = first.enrol("budi", "rahasia-budi-1").await;
    let proxy = Proxy::start(first.running.addr).await;
    let mut field = Field::new();
    for _ in 0..20 {
        field.finalised(1);
    }
    // Slow the link so the kill lands during the pushes.
    proxy
        .rate
        .store(200_000, std::sync::atomic::Ordering::Relaxed);
    let through = client(&proxy.url(), &token);
    let killer = {
        let proxy = proxy.clone();
        tokio::spawn(async move {
            while proxy
                .requests
                .lock()
                .expect("log")
                .iter()
                .filter(|l| l.starts_with("POST /v1/push"))
                .nth(1)
                .is_none()
            {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            // Dropped on a plain thread: a runtime cannot be dropped inside another.
            tokio::task::spawn_blocking(move || {
                std::thread::spawn(move || runtime.shutdown_timeout(Duration::from_millis(0)))
                    .join()
                    .expect("kill")
            })
            .await
            .expect("kill");
        })
    };
    let cut = field.sync(&through).await;
    killer.await.expect("killer");
    assert!(cut.is_err(), "the sync met the kill");
    // The server starts again on the same data, on another port; the proxy follows.
    let (runtime, running) = start(data.clone());
    *proxy.target.lock().expect("target") = running.addr;
    proxy.rate.store(0, std::sync::atomic::Ordering::Relaxed);
    let second = field::support::Server::from_running(running);
    field.sync(&through).await.expect("sync after the restart");
    assert_converged(&mut field, &second, 20).await;
    drop(second);
    std::thread::spawn(move || runtime.shutdown_timeout(Duration::from_secs(1)))
        .join()
        .expect("stop");
    if let Some((_, name)) = database {
        // The servers are gone: their test database goes too.
        let _ = tokio::task::spawn_blocking(move || {
            if let Ok(mut client) =
                postgres::Client::connect(&field::support::postgres_admin(), postgres::NoTls)
            {
                let _ =
                    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        })
        .await;
    }
}

/// A laptop whose clock is days off (here, ten days ahead) still syncs: nothing in the
/// protocol depends on its clock, and the server records its own receive time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_whose_clock_is_days_off_still_syncs() {
    for backend in BACKENDS {
        let (server, token) = server_with(backend, |_| {}).await;
        let mut field = Field::new();
        let ahead = "2026-12-12T08:00:00Z";
        for _ in 0..3 {
            let id = field.draft(1);
            field
                .store
                .finalize(&id, ahead)
                .expect("finalised on the laptop's clock");
        }
        fn skewed() -> String {
            "2026-12-12T08:05:00Z".into()
        }
        let through = client(&server.running.url(), &token);
        let mut side = ovop_app::sync::StoreSide {
            now: skewed,
            ..field.side()
        };
        let report = ovop_sync::sync_once(&through, &mut side, &mut |_| {})
            .await
            .expect("sync");
        assert_eq!(report.sent, 3);
        assert_eq!(
            field.store.last_sync().expect("last").as_deref(),
            Some("2026-12-12T08:05:00Z"),
            "the laptop keeps its own time for itself"
        );
        let before = ovop_server::now();
        let received = server
            .running
            .state
            .db
            .run(|tx| {
                Ok(tx.query(
                    "SELECT received_at FROM record WHERE kind = 'assessment'",
                    &[],
                )?)
            })
            .await
            .expect("rows");
        for row in received {
            let at = row.text(0);
            assert!(
                at.as_str() <= before.as_str() && at.starts_with("20"),
                "the server's own receive time {at}, not the laptop's"
            );
            assert!(!at.starts_with("2026-12-12"));
        }
        assert_converged(&mut field, &server, 3).await;
        server.stop().await;
    }
}

/// A photo the server will never take (it knows of no record that needs it) is dropped from
/// the uploads with the server's code, and never holds up the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_the_server_refuses_for_good_does_not_hold_up_the_others() {
    for backend in BACKENDS {
        let (server, token) = server_with(backend, |_| {}).await;
        let mut field = Field::new();
        // A photo on a draft: on this laptop, unknown to the server.
        let draft = field.draft(1);
        let stray = field
            .store
            .photos("assessment", &draft)
            .expect("photos")
            .remove(0);
        field
            .store
            .want_uploads(&[(stray.sha256.clone(), u64::from(stray.size))])
            .expect("asked");
        for _ in 0..3 {
            field.finalised(1);
        }
        let through = client(&server.running.url(), &token);
        let report = field.sync(&through).await.expect("the sync goes on");
        assert_eq!(report.blobs_refused.len(), 1, "{report:?}");
        assert_eq!(
            report.blobs_refused[0].0,
            format!("sha256:{}", stray.sha256)
        );
        assert!(report.blobs_refused[0].1.starts_with("blob."), "{report:?}");
        assert_eq!(report.blobs_uploaded, 3);
        assert_converged(&mut field, &server, 3).await;
        server.stop().await;
    }
}

/// A coaching plan made from the final assessment and two follow-up visits with a photo each
/// reach the office once, though the first push is cut half-way: every action revision and
/// visit on the server once, the office's table holding each action as the last visit left it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_coaching_plan_and_two_visits_with_photos_arrive_once_through_a_dropped_connection() {
    use ovop_core::coaching::{Action, ActionUpdate, Owner, Progress, Support};
    use ovop_store::coaching::CoachingVisit;
    for backend in BACKENDS {
        let (server, token, mut field, proxy) = setup(backend, 0).await;
        let assessment = field.finalised(0);
        let product = field.product.clone();
        // The sheet is at the top everywhere: the plan is about the business at large.
        let action = |support, due: &str| Action {
            criterion: None,
            target_points: None,
            support,
            owner: Owner::Officer,
            owner_name: None,
            due: Some(due.into()),
            notes: String::new(),
            progress: Progress::NotStarted,
            dropped_because: None,
        };
        let plan = [
            action(Support::Packaging, "2027-01-15"),
            action(Support::Training, "2027-02-15"),
        ];
        let actions = field
            .store
            .save_plan(&product, &assessment, &plan, &field::now())
            .expect("plan");
        for (n, (day, progress)) in [
            ("2027-01-10", Progress::InProgress),
            ("2027-01-20", Progress::Done),
        ]
        .into_iter()
        .enumerate()
        {
            let visit = field
                .store
                .record_visit(
                    &CoachingVisit {
                        id: String::new(),
                        product_id: product.clone(),
                        visited_on: day.into(),
                        notes: format!("kunjungan {}", n + 1),
                        updates: vec![ActionUpdate {
                            action_id: actions[0].id.clone(),
                            progress,
                            done: "label".into(),
                            dropped_because: None,
                        }],
                    },
                    &field::now(),
                )
                .expect("visit");
            field
                .store
                .add_photo(
                    "coaching_visit",
                    &visit.id,
                    "",
                    &format!("kunjungan-{n}.png"),
                    &field::photo(900 + n as u64, 64),
                    &field::now(),
                )
                .expect("photo");
        }
        let through = client(&proxy.url(), &token);
        proxy.add(rule("POST /v1/push", Fault::CutRequestAfter(2_000), 1));
        let first = field.sync(&through).await.expect_err("cut");
        assert_eq!(first.code, "sync.offline", "{first:?}");
        let report = field.sync(&through).await.expect("the next sync");
        assert_eq!((report.rejected, report.conflicts), (0, 0), "{report:?}");
        let rows = field.store.outbox_rows().expect("outbox");
        assert!(rows.iter().all(|r| r.state == "sent"), "{rows:?}");
        assert_eq!(
            rows.len(),
            2 + 1 + 2 + 2 + 2,
            "producer and product, assessment, two actions, two visits, two revisions"
        );
        let counts = server
            .running
            .state
            .db
            .run(|tx| {
                let n = |tx: &mut dyn ovop_server::db::Tx, sql: &str| {
                    tx.query_opt(sql, &[]).map(|r| r.map_or(0, |r| r.int(0)))
                };
                Ok((
                    n(
                        tx,
                        "SELECT COUNT(*) FROM record WHERE kind = 'coaching_action'",
                    )?,
                    n(
                        tx,
                        "SELECT COUNT(*) FROM record WHERE kind = 'coaching_visit'",
                    )?,
                    n(tx, "SELECT COUNT(*) FROM coaching_visit")?,
                    n(
                        tx,
                        "SELECT COUNT(*) FROM coaching_action WHERE open = 0 AND progress = 'done'",
                    )?,
                    n(tx, "SELECT COUNT(*) FROM coaching_action WHERE open = 1")?,
                    n(
                        tx,
                        "SELECT COUNT(*) FROM blob b JOIN record_blob rb ON rb.sha256 = b.sha256
                           WHERE rb.kind = 'coaching_visit' AND b.complete_at IS NOT NULL",
                    )?,
                ))
            })
            .await
            .expect("counts");
        assert_eq!(counts, (4, 2, 2, 1, 1, 2));
        server.stop().await;
    }
}
