//! A criteria set imported on the laptop, neither shipped nor published on the server: the
//! sync that first pushes an assessment made on it is told the server does not know the set
//! (`push.unknown_set`), sends the set once by its content hash, and pushes the assessment
//! again, which lands in that same sync scored by the server itself; the next sync sends
//! nothing. A set the server refuses leaves its assessments in the outbox with the refusal,
//! and a server that fails while the set travels loses nothing.

mod field;

use field::{answer, assert_converged, client, server, Backend, Fault, Field, Proxy, SET};
use ovop_core::{Catalog, Rubric};

const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
const VERSION: &str = "2026-dinas-tapin";

/// Imports into the laptop's criteria folder (as `ovop criteria import` does) the OVOP template
/// under a district's own version, re-indented so its file is not the shipped bytes; the set
/// as the laptop's catalogue reads it.
fn import_local_set(field: &Field) -> Rubric {
    let mut set = Catalog::shipped()
        .get(SET, None)
        .expect("the OVOP template")
        .rubric
        .set()
        .clone();
    set.version = VERSION.into();
    let dir = ovop_store::installed::criteria_dir(field.dir.path());
    std::fs::create_dir_all(&dir).expect("criteria folder");
    let json = serde_json::to_string_pretty(&set).expect("json");
    std::fs::write(dir.join("dinas-tapin.json"), json).expect("import");
    let catalog = ovop_store::installed::load_catalog(Some(field.dir.path()));
    let rubric = catalog
        .get(SET, Some(VERSION))
        .expect("the imported set is installed")
        .rubric
        .clone();
    assert!(
        Catalog::shipped()
            .entries()
            .iter()
            .all(|e| e.rubric.hash() != rubric.hash()),
        "the imported set is not a shipped one"
    );
    rubric
}

fn requests(proxy: &Proxy, start: &str) -> usize {
    proxy
        .requests
        .lock()
        .expect("log")
        .iter()
        .filter(|line| line.starts_with(start))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assessment_on_an_imported_set_lands_in_one_sync_and_the_set_travels_once() {
    for backend in BACKENDS {
        let (server, token) = server(backend).await;
        let proxy = Proxy::start(server.running.addr).await;
        let mut field = Field::new();
        // One assessment on the shipped set, three on the imported one.
        field.finalised(1);
        let rubric = import_local_set(&field);
        field.use_rubric(rubric.clone());
        for _ in 0..3 {
            field.finalised(1);
        }
        let through = client(&proxy.url(), &token);
        let report = field.sync(&through).await.expect("sync");
        assert_eq!(
            (
                report.sent,
                report.rejected,
                report.conflicts,
                report.sets_sent
            ),
            (4, 0, 0, 1),
            "{report:?}"
        );
        assert_eq!(report.blobs_uploaded, 4);
        assert_converged(&mut field, &server, 4).await;
        assert_eq!(requests(&proxy, "PUT /v1/criteria-sets/sha256:"), 1);
        assert_eq!(requests(&proxy, "POST /v1/push"), 2, "refused, then again");

        // The server kept the set once, under its hash and from this officer, and scored the
        // three assessments on it itself.
        let hash = rubric.hash().to_string();
        let kept = server
            .running
            .state
            .db
            .run(|tx| {
                Ok(tx
                    .query(
                        "SELECT r.hash, r.set_id, r.version, u.name FROM received_set r JOIN app_user u ON u.id = r.received_from",
                        &[],
                    )?
                    .iter()
                    .map(|r| (r.text(0), r.text(1), r.text(2), r.text(3)))
                    .collect::<Vec<_>>())
            })
            .await
            .expect("received sets");
        assert_eq!(
            kept,
            [(
                hash,
                SET.to_string(),
                VERSION.to_string(),
                "budi".to_string()
            )]
        );
        assert_eq!(
            server
                .count(
                    "SELECT COUNT(*) FROM assessment WHERE criteria_version = '2026-dinas-tapin'"
                )
                .await,
            3
        );
        // Nothing is published: the server's sets are the shipped ones.
        assert_eq!(
            server
                .count("SELECT COUNT(*) FROM criteria_set WHERE version = '2026-dinas-tapin'")
                .await,
            0
        );

        // A second sync sends nothing more: no set, no record, no photo.
        let again = field.sync(&through).await.expect("sync again");
        assert_eq!(
            (
                again.sent,
                again.sets_sent,
                again.blobs_uploaded,
                again.push_bytes_sent
            ),
            (0, 0, 0, 0),
            "{again:?}"
        );
        assert_eq!(requests(&proxy, "PUT /v1/criteria-sets/"), 1);
        assert_eq!(requests(&proxy, "POST /v1/push"), 2);
        // A new assessment on the same set goes through at once: the server knows the set now.
        field.finalised(0);
        let third = field.sync(&through).await.expect("third sync");
        assert_eq!((third.sent, third.sets_sent), (1, 0), "{third:?}");
        assert_eq!(requests(&proxy, "POST /v1/push"), 3);
        assert_converged(&mut field, &server, 5).await;
        server.stop().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_set_the_server_refuses_leaves_its_assessments_refused_in_the_outbox() {
    let (server, token) = server(Backend::Sqlite).await;
    let proxy = Proxy::start(server.running.addr).await;
    let mut field = Field::new();
    field.finalised(0);
    field.use_rubric(import_local_set(&field));
    field.finalised(0);
    field.finalised(0);
    // The server refuses the set (as it would a set with errors, or one too large).
    let problem = br#"{"code": "set.invalid", "message": "the set has 1 error(s): bad_version"}"#;
    proxy.add(field::rule(
        "PUT /v1/criteria-sets/",
        Fault::Respond(answer(
            "422 Unprocessable Entity",
            "application/json",
            problem,
        )),
        10,
    ));
    let through = client(&proxy.url(), &token);
    let report = field.sync(&through).await.expect("sync");
    assert_eq!(
        (report.sent, report.rejected, report.sets_sent),
        (1, 2, 0),
        "{report:?}"
    );
    // One try at the set for the two assessments, and no push loop.
    assert_eq!(requests(&proxy, "PUT /v1/criteria-sets/"), 1);
    assert_eq!(requests(&proxy, "POST /v1/push"), 1);
    let rows = field.store.outbox_rows().expect("outbox");
    let refused: Vec<_> = rows
        .iter()
        .filter(|r| r.state == "rejected")
        .map(|r| (r.code.as_deref(), r.reason.as_deref()))
        .collect();
    assert_eq!(
        refused,
        [(
            Some("set.invalid"),
            Some("the set has 1 error(s): bad_version")
        ); 2]
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM record WHERE kind = 'assessment'")
            .await,
        1
    );
    // The next sync does not send them again on its own.
    let again = field.sync(&through).await.expect("sync again");
    assert_eq!((again.sent, again.rejected, again.sets_sent), (0, 0, 0));
    assert_eq!(requests(&proxy, "PUT /v1/criteria-sets/"), 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_failing_while_the_set_travels_loses_nothing() {
    let (server, token) = server(Backend::Sqlite).await;
    let proxy = Proxy::start(server.running.addr).await;
    let mut field = Field::new();
    field.use_rubric(import_local_set(&field));
    field.finalised(1);
    field.finalised(1);
    let problem = br#"{"code": "server.storage", "message": "the server's database failed"}"#;
    proxy.add(field::rule(
        "PUT /v1/criteria-sets/",
        Fault::Respond(answer(
            "503 Service Unavailable",
            "application/json",
            problem,
        )),
        1,
    ));
    let through = client(&proxy.url(), &token);
    let error = field
        .sync(&through)
        .await
        .expect_err("the set did not travel");
    assert!(error.is_retryable(), "{error:?}");
    let rows = field.store.outbox_rows().expect("outbox");
    assert!(
        rows.iter()
            .filter(|r| r.kind == "assessment")
            .all(|r| r.state == "waiting"),
        "the assessments wait: {rows:?}"
    );
    let report = field.sync(&through).await.expect("the next sync");
    assert_eq!((report.sent, report.sets_sent), (2, 1), "{report:?}");
    assert_converged(&mut field, &server, 2).await;
    server.stop().await;
}
