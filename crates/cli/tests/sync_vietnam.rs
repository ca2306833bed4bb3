//! Vietnam's units of 1 July 2025 travel: an officer of Hà Nội registers a producer in Xã Bát
//! Tràng, scores its product on an OCOP sheet and syncs; the office knows the commune and its
//! province. A producer registered before the reform under the old Xã Bát Tràng is moved by
//! the officer's choice to the new commune, and the office's history keeps the old unit.

mod field;

use field::{client, now, Backend, Server};
use ovop_core::Catalog;
use ovop_server::db::Val;
use ovop_store::assessments::{Assessor, Visit};
use ovop_store::records::{Producer, Product};
use ovop_store::regions::VIETNAM_BEFORE_2025;
use ovop_store::Store;

/// An officer of Hà Nội, whose regions are the city of 2025 and the city before it (for records
/// made before the reform), enrolled: a client with their token.
async fn ha_noi_officer(server: &Server, name: &str) -> ovop_sync::Client {
    let password = format!("mat-khau-{name}-1");
    server
        .user(name, "officer", &["VN25-01", "VN-01"], Some(&password))
        .await;
    let token = server.enrol(name, &password).await;
    client(&server.running.url(), &token)
}

/// One sync of the laptop whose store is `store`, data folder `dir`.
async fn sync(
    store: &mut Store,
    dir: &std::path::Path,
    client: &ovop_sync::Client,
) -> ovop_sync::Report {
    let mut side = ovop_app::sync::StoreSide::new(store, Some(dir.to_path_buf()));
    ovop_sync::sync_once(client, &mut side, &mut |_| {})
        .await
        .expect("sync")
}

/// Every revision of a record on the server, oldest first: its village.
async fn villages(server: &Server, kind: &'static str, id: &str) -> Vec<String> {
    field::revisions(server, kind, id)
        .await
        .into_iter()
        .map(|(_, body)| {
            body["village_code"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

async fn a_vietnamese_commune_of_2025_travels_and_an_old_one_is_moved_by_choice(backend: Backend) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::start(backend).await;
    // Lan works in Hà Nội; the office still lists the old city too, for records made before.
    let lan = ha_noi_officer(&server, "lan").await;

    let dir = tempfile::tempdir().expect("temp");
    let mut store = Store::open(&dir.path().join("ovop.sqlite")).expect("store");
    // An older laptop: Vietnam's units before the reform, and a producer registered in one.
    store
        .import_regions(&VIETNAM_BEFORE_2025)
        .expect("old units");
    let before = store
        .add_producer(
            &Producer {
                name: "Cơ sở Gốm Minh Hải".into(),
                village_code: Some("VN-00583".into()),
                ..Producer::default()
            },
            &now(),
        )
        .expect("producer");
    store
        .choose_countries(&["VN".into()], &now())
        .expect("Vietnam");

    // A new producer in the commune of 2025, found as the officer types it.
    let hit = store.search_regions("xa bat trang", 5).expect("search")[0].clone();
    assert_eq!(
        (hit.code.as_str(), hit.path.as_str()),
        ("VN25-00577", "Thành phố Hà Nội")
    );
    let producer = store
        .add_producer(
            &Producer {
                name: "HTX Gốm sứ Bát Tràng".into(),
                legal_form: Some("HTX".into()),
                village_code: Some(hit.code.clone()),
                ..Producer::default()
            },
            &now(),
        )
        .expect("producer");
    let rubric = Catalog::shipped()
        .get("ocop-1048-02", None)
        .expect("an OCOP sheet")
        .rubric
        .clone();
    let product = store
        .add_product(
            &Product {
                producer_id: producer.clone(),
                name: "Bánh gạo Bát Tràng".into(),
                programme: Some("ocop".into()),
                product_set: Some("02".into()),
                ..Product::default()
            },
            &now(),
        )
        .expect("product");
    let visit = Visit {
        assessed_on: Some("2026-11-20".into()),
        region_code: Some(hit.code.clone()),
        assessors: vec![Assessor {
            name: "Nguyễn Thị Lan".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    let id = store
        .new_assessment(&product, &rubric, &visit, &now())
        .expect("new");
    let answers = field::best_answers(&rubric);
    store.save_answers(&id, &answers, &now()).expect("answers");
    store.finalize(&id, &now()).expect("final");

    let report = sync(&mut store, dir.path(), &lan).await;
    assert_eq!(report.sent, 1, "{report:?}");
    assert!(report.rejected == 0, "{report:?}");
    assert_eq!(
        villages(&server, "producer", &producer).await,
        ["VN25-00577"]
    );
    let region: String = {
        let id = id.clone();
        server
            .running
            .state
            .db
            .run(move |tx| {
                Ok(tx
                    .query_opt(
                        "SELECT region_path, regency_code FROM assessment WHERE id = $1 ORDER BY revision DESC LIMIT 1",
                        &[Val::from(id.as_str())],
                    )?
                    .map(|r| format!("{} {}", r.text(0), r.text(1)))
                    .unwrap_or_default())
            })
            .await
            .expect("query")
    };
    // The office groups it under its province: Vietnam has no level between the two since 2025.
    assert_eq!(region, "|VN25-01|VN25-00577| VN25-01");

    // A colleague's laptop that has only Indonesia's regions (it never chose Vietnam) pulls
    // both producers and keeps their communes: the lists they belong to come with them.
    let mai = ha_noi_officer(&server, "mai").await;
    let mai_dir = tempfile::tempdir().expect("temp");
    let mut mai_store = Store::open(&mai_dir.path().join("ovop.sqlite")).expect("store");
    mai_store.ensure_regions().expect("Indonesia");
    sync(&mut mai_store, mai_dir.path(), &mai).await;
    assert_eq!(
        mai_store
            .producer(&producer)
            .expect("pulled")
            .village_code
            .as_deref(),
        Some("VN25-00577")
    );
    assert_eq!(
        mai_store
            .producer(&before)
            .expect("pulled")
            .village_code
            .as_deref(),
        Some("VN-00583")
    );
    assert_eq!(mai_store.relocations().expect("relocations").len(), 1);

    // The producer under the old commune: the old Xã Bát Tràng was split in three, so the
    // officer chooses; the move travels as an edit and the office keeps the old unit.
    assert_eq!(villages(&server, "producer", &before).await, ["VN-00583"]);
    let moves = store.relocations().expect("relocations");
    assert_eq!(moves.len(), 1);
    assert_eq!(moves[0].candidates.len(), 3);
    store
        .relocate_producer(&before, "VN25-00577", &now())
        .expect("moved");
    sync(&mut store, dir.path(), &lan).await;
    assert_eq!(
        villages(&server, "producer", &before).await,
        ["VN-00583", "VN25-00577"]
    );
    // The colleague's laptop hears of the move: nothing is left to move there.
    sync(&mut mai_store, mai_dir.path(), &mai).await;
    assert_eq!(
        mai_store
            .producer(&before)
            .expect("pulled")
            .village_code
            .as_deref(),
        Some("VN25-00577")
    );
    assert!(mai_store.relocations().expect("relocations").is_empty());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vietnamese_commune_of_2025_travels_and_an_old_one_is_moved_by_choice_sqlite() {
    a_vietnamese_commune_of_2025_travels_and_an_old_one_is_moved_by_choice(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vietnamese_commune_of_2025_travels_and_an_old_one_is_moved_by_choice_postgres() {
    a_vietnamese_commune_of_2025_travels_and_an_old_one_is_moved_by_choice(Backend::Postgres).await;
}
