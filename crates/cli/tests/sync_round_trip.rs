//! Round trip: 1,000 assessments with photos finalised offline reach a real server (SQLite and
//! PostgreSQL); server and laptop agree record by record and hash by hash. Then the pull: a
//! supervisor's decision, a colleague's product and a new criteria set come back, and a local
//! edit not yet sent is not overwritten.

mod field;

use field::{assert_converged, patient_client as client, server, Backend, Field};
use serde_json::json;

const ASSESSMENTS: usize = 1_000;

async fn round_trip(backend: Backend) {
    let (server, token) = server(backend).await;
    let mut field = Field::new();
    let mut ids = Vec::new();
    for i in 0..ASSESSMENTS {
        if i % 100 == 0 {
            field.new_product();
        }
        ids.push(field.finalised(1));
    }
    let client = client(&server.running.url(), &token);
    let report = field.sync(&client).await.expect("sync");
    assert_eq!(report.sent as usize, ASSESSMENTS);
    assert_eq!((report.rejected, report.conflicts), (0, 0));
    assert_eq!(report.blobs_uploaded as usize, ASSESSMENTS);
    assert_converged(&mut field, &server, ASSESSMENTS).await;
    // Producers and products travelled once each, also the laptop's first product, which has
    // no assessment.
    assert_eq!(report.references, 22, "{report:?}");
    assert_eq!(
        server
            .count("SELECT count(*) FROM record WHERE kind = 'product'")
            .await,
        11
    );
    assert_eq!(
        server
            .count("SELECT count(*) FROM record WHERE kind = 'producer'")
            .await,
        11
    );

    // A second sync sends nothing again.
    let again = field.sync(&client).await.expect("sync again");
    assert_eq!(
        (again.sent, again.blobs_uploaded, again.push_bytes_sent),
        (0, 0, 0)
    );

    // The supervisor returns one assessment with a comment; the officer sees it at the next pull.
    server
        .user("sari", "supervisor", &["63.05"], Some("rahasia-sari-1"))
        .await;
    let sari = server.enrol("sari", "rahasia-sari-1").await;
    let (status, _) = server
        .post(
            &sari,
            &format!("/v1/review/assessments/{}/decision", ids[7]),
            &json!({"revision": 1, "decision": "returned", "comment": "Foto kemasan kurang jelas"}),
        )
        .await;
    assert_eq!(status, 201, "the decision is recorded");
    let pulled = field.sync(&client).await.expect("pull");
    assert_eq!(pulled.pulled.decisions, 1);
    let decisions = field.store.decisions(&ids[7]).expect("decisions");
    assert_eq!(decisions.len(), 1);
    assert_eq!(
        (
            decisions[0].decision.as_str(),
            decisions[0].comment.as_str()
        ),
        ("returned", "Foto kemasan kurang jelas")
    );
    assert_eq!(
        field.store.assessment(&ids[7]).expect("assessment").status,
        "reviewed"
    );
    // Pulling again brings nothing twice.
    let quiet = field.sync(&client).await.expect("quiet pull");
    assert_eq!(quiet.pulled.decisions, 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_assessments_with_photos_arrive_once_on_sqlite() {
    round_trip(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_assessments_with_photos_arrive_once_on_postgres() {
    round_trip(Backend::Postgres).await;
}

/// A colleague's producer and product in my region come to my laptop; my own edit of a
/// producer the server also has is kept until it is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn colleagues_records_are_pulled_and_a_local_edit_is_never_overwritten() {
    let (server, token) = server(Backend::Sqlite).await;
    server
        .user("rina", "officer", &["63.05"], Some("rahasia-rina-1"))
        .await;
    let rina = field::support::Server::enrol(&server, "rina", "rahasia-rina-1").await;
    // Rina's laptop sends an assessment of her own product.
    let mut hers = Field::new();
    hers.finalised(0);
    let rina_client = client(&server.running.url(), &rina);
    hers.sync(&rina_client).await.expect("rina syncs");

    let mut mine = Field::new();
    let budi = client(&server.running.url(), &token);
    let report = mine.sync(&budi).await.expect("budi pulls");
    assert_eq!((report.pulled.producers, report.pulled.products), (1, 1));
    let theirs = hers.store.product(&hers.product).expect("her product");
    let pulled = mine
        .store
        .product(&hers.product)
        .expect("her product on my laptop");
    assert_eq!(pulled.name, theirs.name);
    assert!(
        report.pulled.criteria_sets == 0,
        "the shipped sets are not installed twice"
    );

    // I correct the producer's name on my laptop; a pull of the server's older copy leaves it.
    let mut producer = mine.store.producer(&pulled.producer_id).expect("producer");
    producer.name = "KUB Purun Tapin (nama baru)".into();
    mine.store
        .save_producer(&producer, &field::now())
        .expect("edit");
    mine.store
        .apply_pulled(
            &[ovop_store::sync::Pulled {
                cursor: 1,
                kind: "producer".into(),
                id: producer.id.clone(),
                body: serde_json::to_value(
                    hers.store.wire_producer(&producer.id).expect("wire").body,
                )
                .expect("json"),
            }],
            report_cursor(&mine),
            &field::now(),
        )
        .expect("apply");
    assert_eq!(
        mine.store.producer(&producer.id).expect("producer").name,
        "KUB Purun Tapin (nama baru)"
    );
    server.stop().await;
}

fn report_cursor(field: &Field) -> i64 {
    field.store.sync_cursor().expect("cursor")
}

/// An assessment the server refuses (its visit is recorded in another regency than its product,
/// and outside my regions) is set aside with the server's reason while the others go on;
/// corrected as a new revision, it is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_assessment_is_set_aside_the_rest_go_on_and_its_correction_is_sent() {
    use ovop_store::assessments::{Assessor, Visit};
    let (server, token) = server(Backend::Sqlite).await;
    let mut field = Field::new();
    field.finalised(1);
    let elsewhere = field.draft(1);
    let visit = |region: &str| Visit {
        assessed_on: Some("2026-11-20".into()),
        region_code: Some(region.into()),
        assessors: vec![Assessor {
            name: "Budi Santoso".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    field
        .store
        .set_visit(&elsewhere, &visit(field::support::HSS), &field::now())
        .expect("visit");
    field
        .store
        .finalize(&elsewhere, &field::now())
        .expect("final");
    field.finalised(1);
    let client = client(&server.running.url(), &token);
    let report = field.sync(&client).await.expect("sync");
    assert_eq!((report.sent, report.rejected), (2, 1), "{report:?}");
    let refused = field
        .store
        .outbox_rows()
        .expect("outbox")
        .into_iter()
        .find(|r| r.record_id == elsewhere)
        .expect("row");
    assert_eq!(
        (refused.state.as_str(), refused.code.as_deref()),
        ("rejected", Some("push.region_mismatch"))
    );
    assert!(
        refused
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("63.06")),
        "{refused:?}"
    );

    // Corrected: the visit was in Tapin after all.
    field
        .store
        .correct(&elsewhere, "wilayah kunjungan salah", &field::now())
        .expect("correct");
    field
        .store
        .set_visit(&elsewhere, &visit(field::TAPIN), &field::now())
        .expect("visit");
    field
        .store
        .finalize(&elsewhere, &field::now())
        .expect("final");
    let report = field.sync(&client).await.expect("sync the correction");
    assert_eq!((report.sent, report.rejected), (1, 0), "{report:?}");
    let revisions = server
        .count("SELECT count(*) FROM record WHERE kind = 'assessment'")
        .await;
    assert_eq!(
        revisions, 3,
        "the two first and the correction; the refused revision is not stored"
    );
    let rows = field.store.outbox_rows().expect("outbox");
    assert_eq!(
        rows.iter()
            .filter(|r| r.state == "sent" && r.kind == "assessment")
            .count(),
        3
    );
    assert_eq!(
        rows.iter().filter(|r| r.state == "rejected").count(),
        1,
        "the refused revision stays set aside, with its reason"
    );
    server.stop().await;
}

/// A criteria set the office publishes reaches the laptop at the next pull and is installed
/// beside the shipped ones, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_criteria_set_published_by_the_office_is_installed_on_the_laptop() {
    let (server, token) = server(Backend::Sqlite).await;
    server
        .user("admin", "admin", &[], Some("rahasia-admin-1"))
        .await;
    let admin = server.enrol("admin", "rahasia-admin-1").await;
    let catalog = ovop_core::Catalog::shipped();
    let mut set = serde_json::to_value(
        catalog
            .get(field::SET, None)
            .expect("template")
            .rubric
            .set(),
    )
    .expect("json");
    set["id"] = json!("ovop-id-tapin");
    set["version"] = json!("2026.11");
    let published = server
        .http
        .post(server.url("/v1/admin/criteria-sets"))
        .bearer_auth(&admin)
        .json(&set)
        .send()
        .await
        .expect("publish");
    assert_eq!(published.status(), 201, "{:?}", published.text().await);

    let mut field = Field::new();
    let client = client(&server.running.url(), &token);
    let report = field.sync(&client).await.expect("sync");
    assert_eq!(
        report.pulled.criteria_sets, 1,
        "only the new set: the shipped ones are there already"
    );
    let installed = ovop_store::installed::load_catalog(Some(field.dir.path()));
    let entry = installed
        .get("ovop-id-tapin", Some("2026.11"))
        .expect("the office's set is installed");
    assert_eq!(
        entry.rubric.set().criteria().count(),
        catalog
            .get(field::SET, None)
            .expect("template")
            .rubric
            .set()
            .criteria()
            .count()
    );
    assert!(
        installed.rejected().is_empty(),
        "{:?}",
        installed.rejected()
    );
    let again = field.sync(&client).await.expect("sync again");
    assert_eq!(again.pulled.criteria_sets, 0);
    server.stop().await;
}

/// The round the office set reaches the laptop at its next sync, kept where a new sheet's
/// start reads it, and goes away when the office clears it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_round_reaches_the_laptop_at_the_next_sync() {
    let (server, token) = server(Backend::Sqlite).await;
    server
        .user("sari", "supervisor", &["63.05"], Some("rahasia-sari-1"))
        .await;
    let sari = server.enrol("sari", "rahasia-sari-1").await;
    let set = server
        .http
        .put(server.url("/v1/admin/rounds/ovop"))
        .bearer_auth(&sari)
        .json(&json!({"round": "2026-2", "level": "kabupaten"}))
        .send()
        .await
        .expect("set");
    assert_eq!(set.status(), 200);
    let mut field = Field::new();
    let client = client(&server.running.url(), &token);
    let kept = |field: &Field| {
        field
            .store
            .settings()
            .expect("settings")
            .remove(ovop_app::sync::OFFICE_ROUNDS)
    };
    assert_eq!(kept(&field), None);
    field.sync(&client).await.expect("sync");
    let rounds: Vec<ovop_protocol::OfficeRound> =
        serde_json::from_str(&kept(&field).expect("kept")).expect("rounds");
    assert_eq!(
        rounds
            .iter()
            .map(|r| (r.round.as_str(), r.level.as_deref()))
            .collect::<Vec<_>>(),
        [("2026-2", Some("kabupaten"))]
    );
    let cleared = server
        .http
        .delete(server.url("/v1/admin/rounds/ovop"))
        .bearer_auth(&sari)
        .send()
        .await
        .expect("clear");
    assert_eq!(cleared.status(), 204);
    field.sync(&client).await.expect("sync again");
    assert_eq!(kept(&field).as_deref(), Some("[]"));
    server.stop().await;
}

/// The app freezes a long outbox a little at a time (the store unlocked in between): the
/// entries frozen in steps are exactly what a sync then sends, each once.
#[test]
fn a_long_outbox_is_frozen_a_few_records_at_a_time() {
    let mut field = Field::new();
    let ids: Vec<String> = (0..5).map(|_| field.finalised(0)).collect();
    let steps: Vec<usize> =
        std::iter::from_fn(|| Some(field.store.freeze_waiting(2).expect("freeze")))
            .take(5)
            .collect();
    // The producer and product first, then the five assessments.
    assert_eq!(steps, vec![2, 2, 2, 1, 0]);
    let mut outgoing = field.store.outgoing().expect("outgoing");
    assert_eq!(
        outgoing
            .iter()
            .take(2)
            .map(|o| o.record.kind.as_str())
            .collect::<Vec<_>>(),
        ["producer", "product"]
    );
    outgoing.drain(..2);
    let sent: Vec<&str> = outgoing.iter().map(|o| o.record.id.as_str()).collect();
    assert_eq!(
        sent,
        ids.iter().map(String::as_str).collect::<Vec<_>>(),
        "oldest first, each once"
    );
    for entry in &outgoing {
        let fresh = field
            .store
            .wire_assessment(&entry.record.id, entry.record.revision)
            .expect("wire");
        assert_eq!(
            entry.record.body, fresh.body,
            "the frozen record is the record"
        );
    }
}
