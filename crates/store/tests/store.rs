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
    // Until the officer chooses, they work in Indonesia.
    let before = store.region_countries().unwrap();
    assert_eq!(
        (before.chosen.clone(), before.confirmed),
        (vec!["ID".to_string()], false)
    );
    assert!(store.search_regions("xa bat trang", 5).unwrap().is_empty());
    let chosen = store
        .choose_countries(&["ID".into(), "VN".into()], NOW)
        .unwrap();
    assert_eq!(chosen.chosen, ["ID", "VN"]);
    assert!(chosen.confirmed);
    assert_eq!(chosen.imported["VN"], 34 + 3321);
    assert_eq!(chosen.imported["ID"], 38 + 514 + 7285 + 83762);
    // Codes of both countries coexist: Vietnam's 11 is Điện Biên, Indonesia's is Aceh.
    assert_eq!(store.region("11").unwrap().name, "Aceh");
    assert_eq!(store.region("VN25-11").unwrap().name, "Tỉnh Điện Biên");
    assert_eq!(store.region_count("village").unwrap(), 83762);
    assert_eq!(store.region_count("commune").unwrap(), 3321);

    // Without diacritics, without the type word, in either word order of the tone marks.
    fn first(
        store: &Store,
        query: &str,
    ) -> (String, String, String, Option<ovop_store::regions::Former>) {
        let hits = store.search_regions(query, 10).unwrap();
        let hit = hits
            .first()
            .unwrap_or_else(|| panic!("{query}: nothing found"))
            .clone();
        (hit.code, hit.name, hit.path, hit.formerly)
    }
    assert_eq!(
        first(&store, "xa bat trang"),
        (
            "VN25-00577".into(),
            "Xã Bát Tràng".into(),
            "Thành phố Hà Nội".into(),
            None
        )
    );
    assert_eq!(first(&store, "phuong ba dinh").1, "Phường Ba Đình");
    assert_eq!(first(&store, "ba dinh").0, "VN25-00004");
    assert_eq!(first(&store, "dac khu con dao").1, "Đặc khu Côn Đảo");
    assert_eq!(first(&store, "con dao").0, "VN25-26732");
    assert_eq!(first(&store, "Hà Nội").0, "VN25-01");
    // A merged commune's old name finds the commune it went into, and says so.
    let (code, name, _, formerly) = first(&store, "Trúc Bạch");
    assert_eq!(
        (code.as_str(), name.as_str()),
        ("VN25-00004", "Phường Ba Đình")
    );
    let formerly = formerly.expect("found by its old name");
    assert_eq!(
        (
            formerly.name.as_str(),
            formerly.district.as_str(),
            formerly.merge.as_str()
        ),
        ("Phường Trúc Bạch", "Quận Ba Đình", "whole")
    );
    assert_eq!(first(&store, "truc bach").0, "VN25-00004");
    // The tree: provinces of both countries, then a province's communes.
    let provinces = store.region_children(None).unwrap();
    assert_eq!(provinces.len(), 38 + 34);
    let communes = store.region_children(Some("VN25-01")).unwrap();
    assert!(communes
        .iter()
        .all(|c| c.level == "commune" && c.path == "Thành phố Hà Nội"));
    assert!(communes.iter().any(|c| c.name == "Xã Bát Tràng"));

    // A producer in a Vietnamese commune is found in its province's subtree.
    let producer = store
        .add_producer(
            &Producer {
                name: "HTX Gốm sứ Bát Tràng".into(),
                village_code: Some("VN25-00577".into()),
                ..Producer::default()
            },
            NOW,
        )
        .unwrap();
    store
        .add_product(
            &Product {
                producer_id: producer.clone(),
                name: "Bình gốm men lam".into(),
                ..Product::default()
            },
            NOW,
        )
        .unwrap();
    assert_eq!(
        store.producers_in(Some("VN25-01"), 10).unwrap()[0].id,
        producer
    );
    assert!(store.producers_in(Some("63.05"), 10).unwrap().is_empty());
    assert_eq!(
        store
            .search_products("binh gom", Some("VN25-01"), 10)
            .unwrap()
            .len(),
        1
    );
    assert!(store
        .search_products("binh gom", Some("VN25-79"), 10)
        .unwrap()
        .is_empty());

    // Vietnam only: Indonesia's regions stay (producers may name them) but searches leave them.
    store.choose_countries(&["VN".into()], NOW).unwrap();
    assert!(store.search_regions("tapin", 5).unwrap().is_empty());
    assert_eq!(store.region_children(None).unwrap().len(), 34);
    assert_eq!(first(&store, "bat trang").0, "VN25-00577");
    assert_eq!(store.region("63.05").unwrap().name, "Kabupaten Tapin");
    // A country the app has no regions of is refused, and the choice stays.
    let err = store.choose_countries(&["TH".into()], NOW).unwrap_err();
    assert_eq!(err.code(), "region.countries");
    assert!(store.choose_countries(&[], NOW).is_err());
    assert_eq!(store.region_countries().unwrap().chosen, ["VN"]);

    // Importing again changes nothing and keeps the producer's commune.
    assert_eq!(
        store.import_regions(&ovop_store::regions::VIETNAM).unwrap(),
        34 + 3321
    );
    assert_eq!(first(&store, "xa bat trang").0, "VN25-00577");
    assert_eq!(
        store.producer(&producer).unwrap().village_code.as_deref(),
        Some("VN25-00577")
    );
}

#[test]
fn producers_under_vietnams_old_units_are_offered_their_new_commune_and_moved_only_when_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    // An older database: Vietnam's units before 1 July 2025, and producers registered in them.
    assert_eq!(
        store
            .import_regions(&ovop_store::regions::VIETNAM_BEFORE_2025)
            .unwrap(),
        63 + 705 + 10_599
    );
    let old = store.region("VN-00583").unwrap();
    assert_eq!(
        (old.name.as_str(), old.retired.as_deref()),
        ("Xã Bát Tràng", Some("2025-07-01"))
    );
    let add = |store: &mut Store, name: &str, code: &str| {
        store
            .add_producer(
                &Producer {
                    name: name.into(),
                    village_code: Some(code.into()),
                    ..Producer::default()
                },
                NOW,
            )
            .unwrap()
    };
    // Merged whole (Phường Trúc Bạch into Phường Ba Đình) and split (Xã Bát Tràng between three
    // new communes).
    let whole = add(&mut store, "Cơ sở Phở Trúc Bạch", "VN-00004");
    let split = add(&mut store, "HTX Gốm sứ Bát Tràng", "VN-00583");
    store.choose_countries(&["VN".into()], NOW).unwrap();
    // Old units are not offered for new records.
    assert!(store
        .search_regions("truc bach", 10)
        .unwrap()
        .iter()
        .all(|r| r.retired.is_none() && r.code.starts_with("VN25-")));

    let list = store.relocations().unwrap();
    let of = |id: &str| list.iter().find(|r| r.producer_id == id).unwrap().clone();
    let w = of(&whole);
    assert_eq!(w.old.name, "Phường Trúc Bạch");
    let to: Vec<(&str, &str)> = w
        .candidates
        .iter()
        .map(|c| (c.region.code.as_str(), c.merge.as_str()))
        .collect();
    assert_eq!(to, [("VN25-00004", "whole")]);
    let s = of(&split);
    let to: Vec<(&str, &str, &str)> = s
        .candidates
        .iter()
        .map(|c| {
            (
                c.region.code.as_str(),
                c.region.name.as_str(),
                c.merge.as_str(),
            )
        })
        .collect();
    assert_eq!(to.len(), 3);
    assert!(to.iter().all(|c| c.2 == "part"));
    assert!(to.contains(&("VN25-00577", "Xã Bát Tràng", "part")));

    // Nothing moved by itself.
    assert_eq!(
        store.producer(&split).unwrap().village_code.as_deref(),
        Some("VN-00583")
    );
    // A commune the old one did not go into is refused, and nothing changes.
    let err = store
        .relocate_producer(&split, "VN25-00004", NOW)
        .unwrap_err();
    assert_eq!(err.code(), "region.not_successor");
    assert_eq!(
        store.producer(&split).unwrap().village_code.as_deref(),
        Some("VN-00583")
    );
    // The officer's choice.
    let moved = store.relocate_producer(&split, "VN25-00577", NOW).unwrap();
    assert_eq!(moved.village_code.as_deref(), Some("VN25-00577"));
    let moved = store.relocate_producer(&whole, "VN25-00004", NOW).unwrap();
    assert_eq!(moved.village_code.as_deref(), Some("VN25-00004"));
    assert!(store.relocations().unwrap().is_empty());
    assert_eq!(store.producers_in(Some("VN25-01"), 10).unwrap().len(), 2);

    // An old commune the table does not know (Phường Nguyễn Trung Trực merged before the
    // reform, so the table of 2025 does not name it): no candidate, a clear refusal.
    let unknown = add(&mut store, "Cơ sở Nguyễn Trung Trực", "VN-00010");
    let list = store.relocations().unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].candidates.is_empty());
    assert!(store.successors("VN-99999").unwrap().is_empty());
    let err = store
        .relocate_producer(&unknown, "VN25-00097", NOW)
        .unwrap_err();
    assert_eq!(err.code(), "region.no_successor");
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
