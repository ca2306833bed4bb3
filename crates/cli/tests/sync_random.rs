//! A seeded random walk: finalisations, drafts, corrections, syncs through random faults and
//! pulls, edits of producers and products on two laptops of the region, deletions, bundles
//! carried to the office (with and without their receipt) and a laptop restored from a whole
//! backup, interleaved. After every step: nothing the laptop finalised is lost, nothing on the
//! server differs from the laptop or is there twice, every photo the server calls complete is
//! whole. At the end, clean syncs converge: both laptops hold every producer and product as the
//! office does.

mod field;

use std::collections::HashMap;

use field::{
    answer, assert_converged, client, colleague, enrolment, rule, server_with, Backend, Fault,
    Field, Proxy,
};
use ovop_core::canonical_hash;
use ovop_protocol::edit::{PRODUCER_FIELDS, PRODUCT_FIELDS};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

async fn check(field: &mut Field, server: &field::Server, finals: usize) {
    let mut rows = field.store.outbox_rows().expect("outbox");
    rows.retain(|r| r.kind == "assessment");
    assert_eq!(
        rows.len(),
        finals,
        "every finalised revision is still in the outbox"
    );
    assert!(field.store.final_assessments().expect("finals").len() <= finals);
    let local: HashMap<(String, i64), String> = rows
        .iter()
        .map(|r| {
            let wire = field
                .store
                .wire_assessment(&r.record_id, r.revision)
                .expect("wire");
            (
                (r.record_id.clone(), r.revision),
                canonical_hash(&wire.body),
            )
        })
        .collect();
    let on_server = server
        .running
        .state
        .db
        .run(|tx| {
            Ok(tx.query(
                "SELECT id, revision, content_hash FROM record WHERE kind = 'assessment'",
                &[],
            )?)
        })
        .await
        .expect("records");
    for row in &on_server {
        let key = (row.text(0), row.int(1));
        assert_eq!(
            local.get(&key),
            Some(&row.text(2)),
            "{key:?} on the server is what the laptop finalised"
        );
    }
    for row in rows.iter().filter(|r| r.state == "sent") {
        assert!(
            on_server
                .iter()
                .any(|s| s.text(0) == row.record_id && s.int(1) == row.revision),
            "{} r{} is marked sent and is on the server",
            row.record_id,
            row.revision
        );
    }
    let complete = server
        .running
        .state
        .db
        .run(|tx| Ok(tx.query("SELECT sha256 FROM blob WHERE complete_at IS NOT NULL", &[])?))
        .await
        .expect("blobs");
    for row in complete {
        let hex = row.text(0).trim_start_matches("sha256:").to_string();
        let bytes = std::fs::read(server.running.state.blobs.path(&hex))
            .expect("a complete photo is on disk");
        let digest: String = <sha2::Sha256 as sha2::Digest>::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(digest, hex);
    }
}

async fn walk(seed: u64, steps: usize) {
    let (server, token) = server_with(Backend::Sqlite, |config| {
        config.limits.max_batch_records = 3
    })
    .await;
    let rina_token = colleague(&server).await;
    let proxy = Proxy::start(server.running.addr).await;
    let through = client(&proxy.url(), &token);
    let rina = client(&proxy.url(), &rina_token);
    let mut field = Field::new();
    let mut other = Field::new();
    let bundles = tempfile::tempdir().expect("temp");
    let mut rng = Rng(seed | 1);
    let mut finals = 0usize;
    let mut finalised: Vec<String> = Vec::new();
    let mut drafts: Vec<String> = Vec::new();
    for step in 0..steps {
        match rng.below(16) {
            0..=2 => {
                finalised.push(field.finalised(rng.below(3) as usize));
                finals += 1;
            }
            3 => drafts.push(field.draft(rng.below(2) as usize)),
            4 if !drafts.is_empty() => {
                let id = drafts.remove(rng.below(drafts.len() as u64) as usize);
                field
                    .store
                    .finalize(&id, &field::now())
                    .expect("finalise a draft");
                finalised.push(id);
                finals += 1;
            }
            5 if !finalised.is_empty() => {
                // A correction: a new revision, finalised at once.
                let id = finalised[rng.below(finalised.len() as u64) as usize].clone();
                field
                    .store
                    .correct(&id, "salah hitung", &field::now())
                    .expect("correct");
                field
                    .store
                    .finalize(&id, &field::now())
                    .expect("finalise the correction");
                finals += 1;
            }
            6 => {
                field.new_product();
            }
            10 | 11 => {
                // An officer corrects a producer or a product (his, or one the other pulled).
                let laptop = if rng.below(2) == 0 {
                    &mut field
                } else {
                    &mut other
                };
                edit_something(laptop, &mut rng);
            }
            12 => {
                // Rina syncs (through the same faults as Budi's laptop).
                if let Err(error) = other.sync(&rina).await {
                    assert!(error.is_retryable(), "step {step}: {error:?}");
                }
            }
            13 => {
                // A product registered by mistake and deleted: before or after it travelled.
                let producer = field
                    .store
                    .producers_in(None, 500)
                    .expect("producers")
                    .into_iter()
                    .next()
                    .expect("a producer");
                let spare = field
                    .store
                    .add_product(
                        &ovop_store::records::Product {
                            producer_id: producer.id,
                            name: format!("Salah ketik {step}"),
                            ..Default::default()
                        },
                        &field::now(),
                    )
                    .expect("product");
                if rng.below(2) == 0 {
                    let _ = field.sync(&through).await;
                }
                field
                    .store
                    .delete_product(&spare, &field::now())
                    .expect("delete");
            }
            14 => {
                // The outbox on a USB stick: the office imports it; the receipt comes back, or
                // is lost and the next sync finds everything there already.
                let file = bundles.path().join(format!("step-{step}.ovopbundle"));
                ovop_app::sync::bundle::write_bundle(
                    &mut field.store,
                    &enrolment(&token),
                    &file,
                    &field::now(),
                )
                .expect("bundle");
                let receipt = ovop_server::bundle::import(&server.running.state, &file)
                    .await
                    .expect("imported");
                if rng.below(3) > 0 {
                    let path = file.with_extension("receipt.json");
                    std::fs::write(&path, serde_json::to_vec(&receipt).expect("json"))
                        .expect("write");
                    ovop_app::sync::bundle::import_receipt(
                        &mut field.store,
                        &enrolment(&token),
                        &path,
                    )
                    .expect("receipt");
                }
            }
            15 => {
                // The laptop is replaced: a whole backup on a USB stick, restored on another
                // machine; the walk goes on there, with its outbox as it stood.
                let usb = bundles.path().join(format!("usb-{step}"));
                std::fs::create_dir_all(&usb).expect("usb");
                let written = field
                    .store
                    .write_archive(&usb, &field::now())
                    .expect("backup");
                let new_laptop = bundles.path().join(format!("laptop-{step}"));
                std::fs::create_dir_all(&new_laptop).expect("dir");
                let db = new_laptop.join("ovop.sqlite");
                ovop_store::archive::restore_archive(&db, std::path::Path::new(&written.path))
                    .expect("restore");
                field.store = ovop_store::Store::open(&db).expect("open");
                field.db = db;
            }
            _ => {
                let fault = match rng.below(6) {
                    0 => Some(rule(
                        "POST /v1/push",
                        Fault::CutRequestAfter(500 + rng.below(4_000) as usize),
                        1,
                    )),
                    1 => Some(rule(
                        "POST /v1/push",
                        Fault::CutResponseAfter(rng.below(200) as usize + 1),
                        1,
                    )),
                    2 => Some(rule(
                        "PUT /v1/blobs",
                        Fault::CutRequestAfter(200 + rng.below(3_000) as usize),
                        1,
                    )),
                    3 => Some(rule(
                        "GET /v1/changes",
                        Fault::Respond(answer(
                            "503 Service Unavailable",
                            "text/plain",
                            b"\x00\xffbusy",
                        )),
                        1,
                    )),
                    4 => Some(rule(
                        "GET /v1/health",
                        Fault::Respond(answer("200 OK", "text/html", b"<html>login</html>")),
                        1,
                    )),
                    _ => None,
                };
                proxy.clear();
                if let Some(fault) = fault {
                    proxy.add(fault);
                }
                if let Err(error) = field.sync(&through).await {
                    assert!(error.is_retryable(), "step {step}: {error:?}");
                }
            }
        }
        check(&mut field, &server, finals).await;
    }
    proxy.clear();
    let report = field.sync(&through).await.expect("a clean sync");
    assert_eq!((report.rejected, report.conflicts), (0, 0), "{report:?}");
    assert_converged(&mut field, &server, finals).await;
    // Both laptops send what they hold, then pull what the other sent: every producer and
    // product either holds is what the office holds, field by field.
    let report = other.sync(&rina).await.expect("rina's clean sync");
    assert_eq!((report.rejected, report.conflicts), (0, 0), "{report:?}");
    field.sync(&through).await.expect("budi pulls");
    other.sync(&rina).await.expect("rina pulls");
    for laptop in [&field, &other] {
        references_match_the_office(laptop, &server).await;
        assessments_match_the_office(&laptop.store, &server).await;
    }
    // A new laptop enrolled for Budi gets the whole region back from the office: every
    // revision as the office holds it, his own correctable, nothing twice.
    let token = server.enrol("budi", "rahasia-budi-1").await;
    let mut restored = field::NewLaptop::new("budi", &token);
    let report = restored.sync(&client(&server.running.url(), &token)).await;
    assert_eq!(report.sent, 0, "{report:?}");
    assessments_match_the_office(&restored.store, &server).await;
    server.stop().await;
}

/// Every assessment revision the office holds is on the laptop once, with the content the
/// laptop that made it finalised (its local hash), and nothing else is final there.
async fn assessments_match_the_office(store: &ovop_store::Store, server: &field::Server) {
    let rows = server
        .running
        .state
        .db
        .run(|tx| {
            Ok(tx.query(
                "SELECT id, revision, body FROM record WHERE kind = 'assessment' ORDER BY id, revision",
                &[],
            )?)
        })
        .await
        .expect("records");
    let mut office = std::collections::BTreeMap::new();
    for row in rows {
        let body: serde_json::Value = serde_json::from_str(&row.text(2)).expect("json");
        let hash = body["local_hash"].as_str().unwrap_or_default().to_string();
        office.insert((row.text(0), row.int(1)), hash);
    }
    let mut here = std::collections::BTreeMap::new();
    for latest in store.assessments(None, None).expect("list") {
        for r in store.revisions(&latest.id).expect("revisions") {
            if r.status != "draft" {
                here.insert((r.id, r.revision), r.content_hash.unwrap_or_default());
            }
        }
    }
    assert_eq!(
        here, office,
        "the laptop's final revisions are the office's"
    );
}

/// Changes one or two fields of a producer or product the laptop holds.
fn edit_something(laptop: &mut Field, rng: &mut Rng) {
    let producers = laptop.store.producers_in(None, 500).expect("producers");
    if producers.is_empty() {
        return;
    }
    let mut producer = producers[rng.below(producers.len() as u64) as usize].clone();
    let n = rng.below(1000);
    if rng.below(2) == 0 {
        match rng.below(3) {
            0 => producer.name = format!("KUB Purun {n}"),
            1 => producer.phone = Some(format!("0811-{n}")),
            _ => producer.address = Some(format!("Jl. Purun {n}")),
        }
        laptop
            .store
            .save_producer(&producer, &field::now())
            .expect("edit the producer");
    } else {
        let products = laptop.store.products_of(&producer.id).expect("products");
        if let Some(product) = products.first() {
            let mut product = product.clone();
            product.brand = Some(format!("Merek {n}"));
            laptop
                .store
                .save_product(&product, &field::now())
                .expect("edit the product");
        }
    }
}

/// Every producer and product the office holds that the laptop holds too has the office's
/// editable fields, and a deleted one is hidden.
async fn references_match_the_office(laptop: &Field, server: &field::Server) {
    let rows = server
        .running
        .state
        .db
        .run(|tx| {
            Ok(tx.query(
                "SELECT kind, id, body FROM record r WHERE kind IN ('producer', 'product')
                   AND revision = (SELECT max(revision) FROM record l WHERE l.kind = r.kind AND l.id = r.id)",
                &[],
            )?)
        })
        .await
        .expect("records");
    assert!(!rows.is_empty());
    for row in rows {
        let (kind, id) = (row.text(0), row.text(1));
        let office: serde_json::Value = serde_json::from_str(&row.text(2)).expect("json");
        let (local, fields) = match kind.as_str() {
            "producer" => (laptop.store.wire_producer(&id), PRODUCER_FIELDS),
            _ => (laptop.store.wire_product(&id), PRODUCT_FIELDS),
        };
        let Ok(local) = local else {
            // A product of a producer this laptop has not pulled (none here: one region).
            continue;
        };
        for (field, _) in fields {
            let there = office
                .get(*field)
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            let here = local
                .body
                .get(*field)
                .cloned()
                .unwrap_or(serde_json::Value::Null);
            if *field == "village_code" && there.is_null() {
                continue;
            }
            assert_eq!(
                here, there,
                "{kind} {id}: {field} differs from the office's"
            );
        }
        if office.get("deleted") == Some(&serde_json::Value::Bool(true)) && kind == "product" {
            let producer = office["producer_id"].as_str().unwrap_or_default();
            let listed = laptop.store.products_of(producer).expect("products");
            assert!(listed.iter().all(|p| p.id != id), "deleted {id} is hidden");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_edits_faults_and_syncs_never_lose_or_duplicate_anything() {
    for seed in [0x5eed_0001u64, 0x0c0f_fee5, 0x0a11_ce42] {
        walk(seed, 45).await;
    }
}
