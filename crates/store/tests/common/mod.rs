//! What the store's tests share: a database with every Indonesian region, imported once and
//! copied for each test, and a producer with a product to assess.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ovop_core::catalog::Catalog;
use ovop_core::{Answer, Answers, Rubric};
use ovop_store::records::{Producer, Product};
use ovop_store::Store;

pub const NOW: &str = "2026-11-20T09:00:00Z";

/// One database with every Indonesian region, imported once and copied for each test.
pub fn seeded() -> PathBuf {
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

/// A store at `<dir>/ovop.sqlite` without regions, with the producer Kopi Loksado and its
/// product Kopi bubuk: the store, the producer's id and the product's.
pub fn store_with_product(dir: &Path) -> (Store, String, String) {
    let mut store = Store::open(&dir.join("ovop.sqlite")).unwrap();
    let producer = store
        .add_producer(
            &Producer {
                name: "Kopi Loksado".into(),
                ..Producer::default()
            },
            NOW,
        )
        .unwrap();
    let product = store
        .add_product(
            &Product {
                producer_id: producer.clone(),
                name: "Kopi bubuk".into(),
                ..Product::default()
            },
            NOW,
        )
        .unwrap();
    (store, producer, product)
}

pub fn fresh_store(dir: &Path) -> Store {
    let path = dir.join("ovop.sqlite");
    std::fs::copy(seeded(), &path).unwrap();
    Store::open(&path).unwrap()
}

pub fn template() -> Rubric {
    Catalog::shipped()
        .get("ovop-id-template", None)
        .unwrap()
        .rubric
        .clone()
}

pub fn village_in_tapin(store: &Store) -> String {
    store.region_children(Some("63.05.01")).unwrap()[0]
        .code
        .clone()
}

pub fn producer_and_product(store: &mut Store) -> (String, String) {
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

pub fn complete_answers(rubric: &Rubric) -> Answers {
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

/// Runs `sql` on the database file directly, past the store.
pub fn raw(path: &Path, sql: &str) -> rusqlite::Result<()> {
    rusqlite::Connection::open(path)?.execute_batch(sql)
}
