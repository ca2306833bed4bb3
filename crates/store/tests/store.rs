//! The store on real files: regions, records, and bad database files.

mod common;

use common::*;
use ovop_store::records::{Producer, Product};
use ovop_store::{Store, StoreError, SCHEMA_VERSION};

#[test]
fn every_region_of_indonesia_is_there_and_tapin_is_found_offline() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path());
    assert_eq!(
        ["province", "regency", "district", "village"].map(|l| store.region_count(l).unwrap()),
        [38, 514, 7285, 83762]
    );
    let hits = store.search_regions("tapin", 10).unwrap();
    assert_eq!(
        (hits[0].code.as_str(), hits[0].name.as_str()),
        ("63.05", "Kabupaten Tapin")
    );
    assert_eq!(hits[0].path, "Kalimantan Selatan");
    // Every village of Tapin, through the tree.
    let mut villages = 0;
    for district in store.region_children(Some("63.05")).unwrap() {
        let children = store.region_children(Some(&district.code)).unwrap();
        assert!(children
            .iter()
            .all(|v| v.level == "village" && v.code.starts_with(&district.code)));
        villages += children.len();
    }
    assert!(villages > 100, "Tapin has {villages} villages");
    // Prefix, case and diacritics do not matter.
    assert_eq!(store.search_regions("KAB TAP", 1).unwrap()[0].code, "63.05");
    assert!(store.search_regions("", 10).unwrap().is_empty());
    assert!(matches!(
        store.region("99.99"),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn search_queries_with_fts_syntax_are_taken_as_words() {
    let dir = tempfile::tempdir().unwrap();
    let store = fresh_store(dir.path());
    for q in [
        "\"",
        "tapin\"",
        "tapin*",
        "NEAR(a b)",
        "a OR b",
        "-tapin",
        "tapin AND",
        "'; DROP TABLE region; --",
    ] {
        store
            .search_regions(q, 5)
            .unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
    assert_eq!(store.region_count("village").unwrap(), 83762);
}

#[test]
fn products_are_found_by_name_brand_sku_or_producer_and_narrowed_to_a_region() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    for q in ["tas", "purun", "TP-01", "anyaman dep", "kub"] {
        let hits = store.search_products(q, None, 10).unwrap();
        assert_eq!(hits.len(), 1, "{q}");
        assert_eq!(hits[0].product.id, product);
    }
    assert_eq!(
        store
            .search_products("tas", Some("63.05"), 10)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store.search_products("tas", Some("63"), 10).unwrap().len(),
        1
    );
    assert!(store
        .search_products("tas", Some("63.06"), 10)
        .unwrap()
        .is_empty());
    assert!(
        store
            .search_products("tas", Some("63.0"), 10)
            .unwrap()
            .is_empty(),
        "a code prefix is not a subtree"
    );
}

#[test]
fn records_that_do_not_fit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let err = store
        .add_producer(
            &Producer {
                name: " ".into(),
                ..Producer::default()
            },
            NOW,
        )
        .unwrap_err();
    assert_eq!(err.code(), "store.invalid");
    let err = store
        .add_producer(
            &Producer {
                name: "X".into(),
                village_code: Some("99.99.99.9999".into()),
                ..Producer::default()
            },
            NOW,
        )
        .unwrap_err();
    assert_eq!(err.code(), "store.not_found");
    let err = store
        .add_producer(
            &Producer {
                name: "X".into(),
                local_labour_pct: Some(140.0),
                ..Producer::default()
            },
            NOW,
        )
        .unwrap_err();
    assert_eq!(err.code(), "store.invalid");
    let err = store
        .add_product(
            &Product {
                producer_id: "nobody".into(),
                name: "Y".into(),
                ..Product::default()
            },
            NOW,
        )
        .unwrap_err();
    assert_eq!(err.code(), "store.not_found");
}

#[test]
fn a_newer_database_is_refused_and_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite");
    drop(Store::open(&path).unwrap());
    raw(
        &path,
        &format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1),
    )
    .unwrap();
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert_eq!(err.code(), "store.newer_schema");
    assert!(err.to_string().contains("newer version"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.sqlite");
    let text = b"Catatan kunjungan: jangan dihapus!\n".repeat(200);
    std::fs::write(&path, &text).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert_eq!(err.code(), "store.not_a_database");
    assert_eq!(std::fs::read(&path).unwrap(), text);
}

#[test]
fn a_truncated_database_is_reported_and_restored_from_the_latest_backup() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (producer, _) = producer_and_product(&mut store);
    let path = store.path().to_path_buf();
    let backup = store.backup_path("manual");
    store.backup_to(&backup).unwrap();
    drop(store);

    // Cut the file in half.
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", path.display()));
    }
    let damaged = std::fs::read(&path).unwrap();
    let problem = match Store::open(&path) {
        Err(err) => err.code().to_string(),
        Ok(store) => match store.check() {
            Ok(problems) if problems.is_empty() => panic!("a truncated database looked healthy"),
            Ok(_) => "store.corrupt".into(),
            Err(err) => err.code().to_string(),
        },
    };
    assert_eq!(problem, "store.corrupt");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        damaged,
        "the damaged file is not touched"
    );

    assert_eq!(ovop_store::latest_backup(&path).unwrap(), backup);
    let kept = ovop_store::restore(&path, &backup).unwrap();
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        damaged,
        "the damaged file is kept beside"
    );
    let store = Store::open(&path).unwrap();
    assert!(store.check().unwrap().is_empty());
    assert_eq!(
        store.producer(&producer).unwrap().name,
        "KUB Anyaman Purun Đẹp"
    );
}

#[test]
fn a_database_in_a_place_that_cannot_be_a_folder_gives_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let err = Store::open(&file.join("ovop.sqlite")).err().unwrap();
    assert_eq!(err.code(), "store.cannot_open");
}

#[test]
fn a_failed_migration_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    drop(Store::open(&path).unwrap());
    // Pretend the file predates the schema: the first migration then fails on tables that
    // exist, inside its transaction, and the schema stays as it was.
    raw(&path, "PRAGMA user_version = 0").unwrap();
    assert!(Store::open(&path).is_err());
    let version: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 0);
    let tables: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'assessment'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 1);
}

#[test]
fn vietnams_units_import_beside_indonesias_and_are_found_without_diacritics() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    assert_eq!(
        store.import_regions(&ovop_store::regions::VIETNAM).unwrap(),
        63 + 705 + 10_599
    );
    // Codes of both countries coexist: Vietnam's 11 is Điện Biên, Indonesia's is Aceh.
    assert_eq!(store.region("11").unwrap().name, "Aceh");
    assert!(store.region("VN-11").unwrap().name.contains("Điện Biên"));
    assert_eq!(store.region_count("village").unwrap(), 83762);

    let hits = store.search_regions("da nang", 5).unwrap();
    assert_eq!(
        (hits[0].code.as_str(), hits[0].name.as_str()),
        ("VN-48", "Thành phố Đà Nẵng")
    );
    let district = store
        .region_children(Some("VN-48"))
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(district.path, "Thành phố Đà Nẵng");
    let commune = store
        .region_children(Some(&district.code))
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    assert_eq!(commune.level, "commune");

    // A producer in a Vietnamese commune is found in its province's subtree.
    let producer = store
        .add_producer(
            &Producer {
                name: "HTX Nước mắm Nam Ô".into(),
                village_code: Some(commune.code.clone()),
                ..Producer::default()
            },
            NOW,
        )
        .unwrap();
    store
        .add_product(
            &Product {
                producer_id: producer.clone(),
                name: "Nước mắm cá cơm".into(),
                ..Product::default()
            },
            NOW,
        )
        .unwrap();
    assert_eq!(
        store.producers_in(Some("VN-48"), 10).unwrap()[0].id,
        producer
    );
    assert!(store.producers_in(Some("63.05"), 10).unwrap().is_empty());
    assert_eq!(
        store
            .search_products("nuoc mam", Some("VN-48"), 10)
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .search_products("nuoc mam", Some("VN-01"), 10)
        .unwrap()
        .is_empty());

    // Importing again changes nothing and keeps the producer's commune.
    assert_eq!(
        store.import_regions(&ovop_store::regions::VIETNAM).unwrap(),
        63 + 705 + 10_599
    );
    assert_eq!(
        store.producer(&producer).unwrap().village_code,
        Some(commune.code)
    );
}

#[test]
fn a_restore_cut_between_its_two_renames_is_finished_by_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ovop.sqlite");
    let mut store = Store::open(&path).unwrap();
    store
        .save_producer(
            &Producer {
                name: "UMKM Rotan Binuang".into(),
                ..Producer::default()
            },
            NOW,
        )
        .unwrap();
    let backup = store.backup_path("before-trip");
    store.backup_to(&backup).unwrap();
    drop(store);
    // The state a power cut leaves after the old database was moved aside and before the
    // backup was renamed into place.
    std::fs::rename(&path, dir.path().join("ovop.sqlite.before-restore-1")).unwrap();
    std::fs::copy(&backup, dir.path().join("ovop.sqlite.restoring")).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(store.producers_in(None, 10).unwrap().len(), 1);
    assert!(!dir.path().join("ovop.sqlite.restoring").exists());
}
