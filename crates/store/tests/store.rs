//! The store on real files: regions, records, the assessment lifecycle, and bad database files.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ovop_core::catalog::Catalog;
use ovop_core::{Answer, Answers, Rubric};
use ovop_store::assessments::{Assessor, Visit};
use ovop_store::records::{Producer, Product};
use ovop_store::{Store, StoreError, SCHEMA_VERSION};

const NOW: &str = "2026-11-20T09:00:00Z";

/// One database with every Indonesian region, imported once and copied for each test.
fn seeded() -> PathBuf {
    static SEED: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = SEED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.sqlite");
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.ensure_regions().unwrap(), 38 + 514 + 7285 + 83762);
        store.backup_to(&dir.path().join("copy.sqlite")).unwrap();
        (dir, path.with_file_name("copy.sqlite"))
    });
    path.clone()
}

fn fresh_store(dir: &Path) -> Store {
    let path = dir.join("ovop.sqlite");
    std::fs::copy(seeded(), &path).unwrap();
    Store::open(&path).unwrap()
}

fn template() -> Rubric {
    Catalog::shipped()
        .get("ovop-id-template", None)
        .unwrap()
        .rubric
        .clone()
}

fn village_in_tapin(store: &Store) -> String {
    store.region_children(Some("63.05.01")).unwrap()[0]
        .code
        .clone()
}

fn producer_and_product(store: &mut Store) -> (String, String) {
    let village = village_in_tapin(store);
    let producer = store
        .add_producer(
            &Producer {
                name: "KUB Anyaman Purun Đẹp".into(),
                village_code: Some(village),
                registration_no: Some("9120001234567".into()),
                ..Producer::default()
            },
            NOW,
        )
        .unwrap();
    let product = store
        .add_product(
            &Product {
                producer_id: producer.clone(),
                name: "Tas anyaman purun".into(),
                brand: Some("Purun Tapin".into()),
                skus: vec!["TP-01".into()],
                ..Product::default()
            },
            NOW,
        )
        .unwrap();
    (producer, product)
}

fn complete_answers(rubric: &Rubric) -> Answers {
    let set = rubric.set();
    Answers {
        criteria: set.id.clone(),
        version: Some(set.version.clone()),
        gates: set.gates.iter().map(|g| (g.code.clone(), true)).collect(),
        answers: set
            .criteria()
            .map(|c| (c.code.clone(), Answer::Level(2)))
            .collect(),
        ..Answers::default()
    }
}

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
fn an_assessment_goes_from_draft_to_final_with_its_outbox_row_and_is_corrected_by_a_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let rubric = template();
    let visit = Visit {
        assessed_on: Some("2026-11-20".into()),
        region_code: Some("63.05".into()),
        assessors: vec![Assessor {
            name: "Siti Rahmah".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    let id = store
        .new_assessment(&product, &rubric, &visit, NOW)
        .unwrap();
    assert_eq!(
        store.counts().unwrap(),
        ovop_store::assessments::HomeCounts {
            drafts: 1,
            finals: 0,
            waiting: 0
        }
    );

    // Autosave answer by answer; the engine refuses what does not fit.
    let result = store
        .answer(&id, "1.1", Some(Answer::Level(3)), NOW)
        .unwrap();
    assert_eq!(result.total, 3);
    // The engine's refusal keeps its code per criterion.
    let refused = store
        .answer(&id, "1.1", Some(Answer::Level(9)), NOW)
        .unwrap_err();
    assert_eq!(refused.code(), "answers.invalid");
    match refused {
        StoreError::Answers(errors) => {
            assert_eq!(errors[0].code, "answers.no_such_level");
            assert_eq!(errors[0].criterion.as_deref(), Some("1.1"));
        }
        other => panic!("not the engine's refusal: {other:?}"),
    }
    assert_eq!(
        store.assessment(&id).unwrap().answers.answers["1.1"],
        Answer::Level(3),
        "a refused answer is not stored"
    );

    // The producer's dossier, checked off on the draft.
    let certificate = ovop_store::assessments::EvidenceDocument {
        kind: "pirt".into(),
        present: true,
        number: Some("P-IRT 2066305010123-27".into()),
        issued_on: Some("2022-03-01".into()),
        issuer: Some("Dinas Kesehatan Kabupaten Tapin".into()),
        expires_on: Some("2027-03-01".into()),
        ..Default::default()
    };
    store.set_evidence(&id, &certificate).unwrap();
    store
        .set_evidence(
            &id,
            &ovop_store::assessments::EvidenceDocument {
                kind: "halal".into(),
                present: false,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(store.evidence(&id, 1).unwrap().len(), 2);

    // Incomplete: refused, with what is missing.
    let err = store.finalize(&id, NOW).unwrap_err();
    assert!(err.to_string().contains("G1"), "{err}");
    assert!(store.outbox().unwrap().is_empty());

    store
        .save_answers(&id, &complete_answers(&rubric), NOW)
        .unwrap();
    let done = store.finalize(&id, "2026-11-20T10:00:00Z").unwrap();
    assert_eq!(done.status, "final");
    assert_eq!(done.result.as_ref().unwrap().total, 44);
    let hash = done.content_hash.clone().unwrap();
    assert!(hash.starts_with("sha256:"));
    let outbox = store.outbox().unwrap();
    assert_eq!(
        (
            outbox.len(),
            outbox[0].record_id.as_str(),
            outbox[0].revision,
            outbox[0].state.as_str()
        ),
        (1, id.as_str(), 1, "waiting")
    );
    // It travels as the protocol's body, with the fields it has always had (one renamed would
    // make every revision already on a server a conflict), and the local hash finalising stored.
    let wire = store.wire_assessment(&id, 1).unwrap();
    let keys: Vec<&str> = wire
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "answers",
            "criteria",
            "criteria_hash",
            "evidence",
            "finalized_at",
            "id",
            "local_hash",
            "product_id",
            "programme",
            "reason",
            "result",
            "revision",
            "supersedes",
            "visit"
        ]
    );
    assert!(wire.body["supersedes"].is_null() && wire.body["reason"].is_null());
    let body: ovop_protocol::AssessmentBody = serde_json::from_value(wire.body.clone()).unwrap();
    assert_eq!(
        (body.local_hash.as_str(), body.local_hash_of().unwrap()),
        (hash.as_str(), hash.clone())
    );
    assert_eq!((body.visit, body.evidence.len()), (visit.clone(), 2));
    assert_eq!(body.programme.as_str(), "ovop");
    assert_eq!(
        store.counts().unwrap(),
        ovop_store::assessments::HomeCounts {
            drafts: 0,
            finals: 1,
            waiting: 1
        }
    );

    // Final is locked.
    assert_eq!(
        store
            .answer(&id, "1.1", Some(Answer::Level(1)), NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    assert_eq!(
        store
            .save_answers(&id, &Answers::default(), NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    assert_eq!(store.finalize(&id, NOW).unwrap_err().code(), "store.locked");

    // A correction is revision 2, naming revision 1, which stays as it was.
    assert_eq!(
        store.correct(&id, " ", NOW).unwrap_err().code(),
        "store.invalid"
    );
    assert_eq!(
        store.set_evidence(&id, &certificate).unwrap_err().code(),
        "store.locked"
    );
    assert_eq!(store.correct(&id, "skor 1.1 salah ketik", NOW).unwrap(), 2);
    assert_eq!(
        store.evidence(&id, 2).unwrap(),
        store.evidence(&id, 1).unwrap(),
        "the correction starts from the same dossier"
    );
    store
        .answer(&id, "1.1", Some(Answer::Level(1)), NOW)
        .unwrap();
    let revisions = store.revisions(&id).unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(
        (revisions[1].supersedes, revisions[1].status.as_str()),
        (Some(1), "draft")
    );
    assert_eq!(revisions[0].content_hash.as_deref(), Some(hash.as_str()));
    assert_eq!(revisions[0].answers.answers["1.1"], Answer::Level(2));
    assert_eq!(
        store.final_assessments().unwrap()[0].revision,
        1,
        "the draft correction does not hide the final"
    );
    let second = store.finalize(&id, NOW).unwrap();
    assert_eq!(second.revision, 2);
    assert_ne!(second.content_hash.unwrap(), hash);
    assert_eq!(store.outbox().unwrap().len(), 2);
}

#[test]
fn the_frozen_set_renders_an_old_assessment_after_the_set_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let rubric = template();
    let id = store
        .new_assessment(&product, &rubric, &Visit::default(), NOW)
        .unwrap();
    let frozen = store
        .frozen_set(&store.assessment(&id).unwrap().criteria_hash)
        .unwrap();
    assert_eq!(&frozen, rubric.set());

    // The same id and version with other content is refused: an assessment names exactly one.
    let mut changed = rubric.set().clone();
    changed.parts[0].sections[0].criteria[0].levels[0].points = 0;
    let changed = Rubric::new(changed).unwrap();
    assert_eq!(
        store
            .new_assessment(&product, &changed, &Visit::default(), NOW)
            .unwrap_err()
            .code(),
        "store.invalid"
    );
}

#[test]
fn a_final_assessment_cannot_be_changed_even_with_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = {
        let mut store = fresh_store(dir.path());
        let (_, product) = producer_and_product(&mut store);
        let rubric = template();
        let id = store
            .new_assessment(&product, &rubric, &Visit::default(), NOW)
            .unwrap();
        store
            .save_answers(&id, &complete_answers(&rubric), NOW)
            .unwrap();
        store.finalize(&id, NOW).unwrap();
        store.path().to_path_buf()
    };
    let err = raw(&path, "UPDATE assessment SET total = 99").unwrap_err();
    assert!(err.to_string().contains("assessment is final"), "{err}");
    // Its sync status may still move on.
    raw(&path, "UPDATE assessment SET status = 'synced'").unwrap();
}

fn raw(path: &Path, sql: &str) -> rusqlite::Result<()> {
    rusqlite::Connection::open(path)?.execute_batch(sql)
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
fn a_draft_takes_notes_knockouts_gates_and_visit_changes_and_refuses_them_once_final() {
    use ovop_store::assessments::DraftChange;
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let rubric = template();
    let id = store
        .new_assessment(&product, &rubric, &Visit::default(), NOW)
        .unwrap();
    let change = |store: &mut Store, c: DraftChange| store.change(&id, &c, NOW);

    // An observed knock-out on 4.3 (raw material) stops the star; unticking it lifts that.
    let knocked = change(
        &mut store,
        DraftChange::Knockout {
            code: "4.3".into(),
            observed: true,
        },
    )
    .unwrap();
    assert_eq!(
        knocked.result.knockouts.len(),
        1,
        "{:?}",
        knocked.result.knockouts
    );
    assert_eq!(knocked.result.star, None);
    let lifted = change(
        &mut store,
        DraftChange::Knockout {
            code: "4.3".into(),
            observed: false,
        },
    )
    .unwrap();
    assert!(lifted.result.knockouts.is_empty());
    assert!(store.assessment(&id).unwrap().answers.knockouts.is_empty());

    // A gate answered and cleared; a note written and cleared by blank text.
    change(
        &mut store,
        DraftChange::Gate {
            code: "G1".into(),
            met: Some(true),
        },
    )
    .unwrap();
    change(
        &mut store,
        DraftChange::Note {
            code: "2.1".into(),
            text: "Kemasan standing pouch".into(),
        },
    )
    .unwrap();
    let saved = store.assessment(&id).unwrap().answers;
    assert_eq!(saved.gates.get("G1"), Some(&true));
    assert_eq!(saved.notes["2.1"], "Kemasan standing pouch");
    change(
        &mut store,
        DraftChange::Gate {
            code: "G1".into(),
            met: None,
        },
    )
    .unwrap();
    change(
        &mut store,
        DraftChange::Note {
            code: "2.1".into(),
            text: "  ".into(),
        },
    )
    .unwrap();
    let saved = store.assessment(&id).unwrap().answers;
    assert!(saved.gates.is_empty() && saved.notes.is_empty());

    // An unknown gate is refused and not stored.
    let err = change(
        &mut store,
        DraftChange::Gate {
            code: "G9".into(),
            met: Some(true),
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "answers.invalid");
    assert!(matches!(&err, StoreError::Answers(e) if e[0].code == "answers.unknown_gate"));
    assert!(store.assessment(&id).unwrap().answers.gates.is_empty());

    // The visit changes while a draft, and nothing changes once final.
    let visit = Visit {
        assessed_on: Some("2026-11-21".into()),
        assessors: vec![Assessor {
            name: "Rina Wulandari".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    store.set_visit(&id, &visit, NOW).unwrap();
    assert_eq!(store.assessment(&id).unwrap().visit, visit);
    store
        .save_answers(&id, &complete_answers(&rubric), NOW)
        .unwrap();
    store.finalize(&id, NOW).unwrap();
    assert_eq!(
        store
            .set_visit(&id, &Visit::default(), NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    assert_eq!(
        change(
            &mut store,
            DraftChange::Note {
                code: "1.1".into(),
                text: "late".into(),
            },
        )
        .unwrap_err()
        .code(),
        "store.locked"
    );
}

#[test]
fn a_change_that_makes_other_answers_impossible_clears_them_in_the_same_write_and_says_which() {
    use ovop_store::assessments::DraftChange;
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let catalog = Catalog::shipped();
    let rubric = catalog
        .get("ocop-1048-02", None)
        .expect("cereal sheet")
        .rubric
        .clone();
    let id = store
        .new_assessment(&product, &rubric, &Visit::default(), NOW)
        .unwrap();
    let level = |code: &str, answer: Answer| DraftChange::Answer {
        code: code.into(),
        answer: Some(answer),
    };
    // A story (5.1 at 1 point), so 5.2 and 5.3 apply and are answered; criterion 9 too.
    for (code, position) in [("5.1", 2), ("5.2", 3), ("5.3", 1), ("9", 4)] {
        store
            .change(&id, &level(code, Answer::Level(position)), NOW)
            .unwrap();
    }
    // No story after all: 5.2 and 5.3 no longer apply, their answers go, and the officer is
    // told which.
    let changed = store
        .change(&id, &level("5.1", Answer::Level(1)), NOW)
        .unwrap();
    assert_eq!(changed.cleared, ["5.2", "5.3"]);
    assert_eq!(changed.result.not_applicable.len(), 2);
    let stored = store.assessment(&id).unwrap().answers;
    assert!(!stored.answers.contains_key("5.2") && !stored.answers.contains_key("5.3"));
    assert_eq!(stored, changed.answers);

    // 5.2 marked not applicable, then a story again: the "na" goes, 5.2 waits for a level.
    store
        .change(&id, &level("5.2", Answer::NotApplicable), NOW)
        .unwrap();
    let changed = store
        .change(&id, &level("5.1", Answer::Level(3)), NOW)
        .unwrap();
    assert_eq!(changed.cleared, ["5.2"]);
    assert!(changed.result.unanswered.contains(&"5.2".to_string()));

    // Foreign matter observed at 6.1 stops the sheet. Asked first: refused with the answer it
    // would clear and the engine's reason, nothing saved. A change that only makes answers not
    // applicable is not asked about (above, 5.1 cleared 5.2 without asking).
    let foreign = DraftChange::Knockout {
        code: "6.1".into(),
        observed: true,
    };
    let before = store.assessment(&id).unwrap().answers;
    let asked = store
        .change_member_asking(&id, 1, &foreign, false, NOW)
        .unwrap_err();
    assert_eq!(asked.code(), "answers.would_stop");
    match &asked {
        StoreError::WouldStop(errors) => {
            let what: Vec<(&str, Option<&str>)> = errors
                .iter()
                .map(|e| (e.code.as_str(), e.criterion.as_deref()))
                .collect();
            assert_eq!(what, [("answers.after_knockout", Some("9"))]);
        }
        other => panic!("not asked first: {other:?}"),
    }
    assert_eq!(store.assessment(&id).unwrap().answers, before);
    // A change that stops nothing goes through without asking.
    store
        .change_member_asking(&id, 1, &level("5.3", Answer::Level(2)), false, NOW)
        .unwrap();
    // Confirmed: criterion 9's answer goes.
    let changed = store
        .change_member_asking(&id, 1, &foreign, true, NOW)
        .unwrap();
    assert_eq!(changed.cleared, ["9"]);
    assert_eq!(changed.result.star, None);

    // The change itself is never altered: "na" on a criterion that applies is refused, and
    // nothing is stored.
    let before = store.assessment(&id).unwrap().answers;
    let err = store
        .change(&id, &level("5.2", Answer::NotApplicable), NOW)
        .unwrap_err();
    assert_eq!(err.code(), "answers.invalid");
    assert!(matches!(&err, StoreError::Answers(e) if e[0].code == "answers.applies"));
    assert_eq!(store.assessment(&id).unwrap().answers, before);
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

#[test]
fn a_council_scores_on_one_sheet_each_finalises_within_the_allowed_divergence_and_is_locked() {
    use ovop_store::assessments::DraftChange;
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let rubric = template();
    let visit = Visit {
        assessors: vec![Assessor {
            name: "Siti Rahmah".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    let id = store
        .new_assessment(&product, &rubric, &visit, NOW)
        .unwrap();
    let member = |name: &str| Assessor {
        name: name.into(),
        role: Some("anggota".into()),
        ..Assessor::default()
    };
    let budi = store.add_member(&id, &member("Budi Santoso"), NOW).unwrap();
    let dewi = store.add_member(&id, &member("Dewi Lestari"), NOW).unwrap();
    assert_eq!((budi, dewi), (2, 3));
    assert_eq!(
        store
            .add_member(&id, &member("  "), NOW)
            .unwrap_err()
            .code(),
        "store.invalid"
    );

    // Every member at level 2 everywhere (44 of 66), but Dewi at level 3 on nine criteria
    // (53): 9 points apart, more than the 7 the template allows.
    let complete = complete_answers(&rubric);
    store.save_answers(&id, &complete, NOW).unwrap();
    let codes: Vec<String> = rubric.set().criteria().map(|c| c.code.clone()).collect();
    for m in [budi, dewi] {
        for (code, answer) in &complete.answers {
            let change = DraftChange::Answer {
                code: code.clone(),
                answer: Some(*answer),
            };
            store.change_member(&id, m, &change, NOW).unwrap();
        }
        for gate in ["G1", "G2", "G3"] {
            let change = DraftChange::Gate {
                code: gate.into(),
                met: Some(true),
            };
            store.change_member(&id, m, &change, NOW).unwrap();
        }
    }
    for code in &codes[..9] {
        let change = DraftChange::Answer {
            code: code.clone(),
            answer: Some(Answer::Level(3)),
        };
        store.change_member(&id, dewi, &change, NOW).unwrap();
    }
    let draft = store.assessment(&id).unwrap();
    let council = store.council_of(&draft).unwrap().expect("a council");
    assert_eq!(council.members.len(), 3);
    assert_eq!(council.members[0].member, "Siti Rahmah");
    assert_eq!(council.divergence.spread, 9);
    assert!(council.divergence.exceeded);
    let err = store.finalize(&id, NOW).unwrap_err();
    assert_eq!(err.code(), "store.invalid");
    assert!(err.to_string().contains("differ by 9"), "{err}");
    assert!(store.outbox().unwrap().is_empty(), "nothing queued");

    // The council talks; Dewi lowers two criteria: 7 apart, allowed.
    for code in &codes[..2] {
        let change = DraftChange::Answer {
            code: code.clone(),
            answer: Some(Answer::Level(2)),
        };
        store.change_member(&id, dewi, &change, NOW).unwrap();
    }
    let done = store.finalize(&id, NOW).unwrap();
    let council = done.council.expect("the council's result is stored");
    assert_eq!(council.average, (44.0 + 44.0 + 51.0) / 3.0);
    assert_eq!(council.divergence.spread, 7);
    assert!(done.content_hash.is_some());
    assert_eq!(store.outbox().unwrap().len(), 1);

    // Locked: no member added, changed or removed, even with SQL.
    assert_eq!(
        store
            .add_member(&id, &member("Eko"), NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    let change = DraftChange::Answer {
        code: codes[0].clone(),
        answer: Some(Answer::Level(1)),
    };
    assert_eq!(
        store
            .change_member(&id, budi, &change, NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    let path = store.path().to_path_buf();
    assert!(raw(
        &path,
        &format!("UPDATE council_sheet SET answers = '{{}}' WHERE assessment_id = '{id}'")
    )
    .is_err());
    assert!(raw(
        &path,
        &format!("DELETE FROM council_sheet WHERE assessment_id = '{id}'")
    )
    .is_err());

    // A correction carries the members' sheets into the new revision.
    let revision = store.correct(&id, "Salah ketik", NOW).unwrap();
    assert_eq!(store.members(&id, revision).unwrap().len(), 2);
    store.remove_member(&id, budi).unwrap();
    assert_eq!(store.members(&id, revision).unwrap().len(), 1);
    assert_eq!(
        store.members(&id, 1).unwrap().len(),
        2,
        "the final revision keeps its council"
    );
}
