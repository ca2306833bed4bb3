//! A laptop in the field for the sync tests: a real store with producers, products and
//! finalised assessments with photos; a fault-injecting TCP proxy between it and a real
//! server on port 0; and the check that after any fault the two agree.
#![allow(dead_code)]

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use ovop_app::sync::StoreSide;
use ovop_core::{canonical_hash, Answer, Answers, Catalog, Rubric};
use ovop_server::db::Val;
use ovop_store::assessments::{Assessor, Visit};
use ovop_store::records::{Producer, Product};
use ovop_store::Store;
use ovop_sync::{sync_once, Client, Network, Report, SyncError};
use sha2::Digest;

#[path = "../../../server/tests/support/mod.rs"]
pub mod support;

mod proxy;
#[allow(unused_imports)]
pub use proxy::{answer, rule, Fault, Proxy, Rule};

pub use support::{Backend, Server, TAPIN};

pub const SET: &str = "ovop-id-template";

pub struct Field {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    pub store: Store,
    rubric: Rubric,
    pub product: String,
    made: u64,
}

/// A PNG of `side`×`side` pixels of noise drawn from `seed`: every seed a different photo.
pub fn photo(seed: u64, side: u32) -> Vec<u8> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        | 1;
    let picture = image::RgbImage::from_fn(side, side, |_, _| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        image::Rgb([state as u8, (state >> 8) as u8, (state >> 16) as u8])
    });
    let mut bytes = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut bytes, image::ImageFormat::Png)
        .expect("png");
    bytes.into_inner()
}

/// Every revision of a producer, product or other record the server keeps, oldest first: its
/// number and body.
pub async fn revisions(
    server: &Server,
    kind: &'static str,
    id: &str,
) -> Vec<(i64, serde_json::Value)> {
    let id = id.to_string();
    let rows = server
        .running
        .state
        .db
        .run(move |tx| {
            Ok(tx.query(
                "SELECT revision, body FROM record WHERE kind = $1 AND id = $2 ORDER BY revision",
                &[Val::from(kind), Val::from(id.as_str())],
            )?)
        })
        .await
        .expect("query");
    rows.iter()
        .map(|row| {
            (
                row.int(0),
                serde_json::from_str(&row.text(1)).expect("json"),
            )
        })
        .collect()
}

/// Every gate passed and every criterion at its best level: a complete sheet of `rubric`.
pub fn best_answers(rubric: &Rubric) -> Answers {
    let set = rubric.set();
    Answers {
        criteria: set.id.clone(),
        version: Some(set.version.clone()),
        gates: set.gates.iter().map(|g| (g.code.clone(), true)).collect(),
        answers: set
            .criteria()
            .map(|c| (c.code.clone(), Answer::Level(c.levels.len() as u32)))
            .collect(),
        ..Answers::default()
    }
}

/// A count a benchmark takes from the environment (`OVOP_BENCH_ASSESSMENTS=...`), or `default`.
pub fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

pub fn now() -> String {
    ovop_store::now_utc()
}

impl Field {
    /// A laptop with the regions, one producer in Tapin and one product.
    pub fn new() -> Field {
        let dir = tempfile::tempdir().expect("temp");
        let db = dir.path().join("ovop.sqlite");
        let mut store = Store::open(&db).expect("store");
        store.ensure_regions().expect("regions");
        let rubric = Catalog::shipped()
            .get(SET, None)
            .expect("the OVOP template")
            .rubric
            .clone();
        let producer = Producer {
            name: "KUB Purun Tapin".into(),
            legal_form: Some("KUB".into()),
            village_code: Some(TAPIN.into()),
            ..Producer::default()
        };
        let producer_id = store.add_producer(&producer, &now()).expect("producer");
        let product = Product {
            producer_id,
            name: "Tikar purun motif".into(),
            programme: Some("ovop".into()),
            product_set: Some("kriya".into()),
            village_code: Some(TAPIN.into()),
            ..Product::default()
        };
        let product = store.add_product(&product, &now()).expect("product");
        Field {
            dir,
            db,
            store,
            rubric,
            product,
            made: 0,
        }
    }

    /// From now on, assessments are made on `rubric` (a set imported on this laptop, say).
    pub fn use_rubric(&mut self, rubric: Rubric) {
        self.rubric = rubric;
    }

    /// Another product (of a new producer): it travels with its first assessment.
    pub fn new_product(&mut self) -> String {
        let producer = Producer {
            name: format!("UMKM {}", self.made),
            village_code: Some(TAPIN.into()),
            ..Producer::default()
        };
        let producer_id = self
            .store
            .add_producer(&producer, &now())
            .expect("producer");
        let product = Product {
            producer_id,
            name: format!("Kerupuk {}", self.made),
            ..Product::default()
        };
        self.product = self.store.add_product(&product, &now()).expect("product");
        self.product.clone()
    }

    /// A draft assessment of the current product with `photos` photos, answered completely.
    pub fn draft(&mut self, photos: usize) -> String {
        let visit = Visit {
            assessed_on: Some("2026-11-20".into()),
            region_code: Some(TAPIN.into()),
            assessors: vec![Assessor {
                name: "Budi Santoso".into(),
                title: Some("Penyuluh".into()),
                ..Assessor::default()
            }],
            ..Visit::default()
        };
        let id = self
            .store
            .new_assessment(&self.product, &self.rubric, &visit, &now())
            .expect("new");
        let answers = best_answers(&self.rubric);
        self.store
            .save_answers(&id, &answers, &now())
            .expect("answers");
        for _ in 0..photos {
            self.made += 1;
            self.store
                .add_photo(
                    "assessment",
                    &id,
                    "",
                    &format!("foto-{}.png", self.made),
                    &photo(self.made, 48),
                    &now(),
                )
                .expect("photo");
        }
        id
    }

    /// `assessments` final assessments, a product of a new producer every 100, and `photos` of
    /// them (spread evenly) with a photo of noise `side` pixels square, which does not compress:
    /// what the benchmarks build a laptop of.
    pub fn fill(&mut self, assessments: usize, photos: usize, side: u32) {
        let with_photo = photos.min(assessments);
        let every = (assessments / with_photo.max(1)).max(1);
        for i in 0..assessments {
            if i % 100 == 0 {
                self.new_product();
            }
            let id = self.draft(0);
            if with_photo > 0 && i % every == 0 && i / every < with_photo {
                self.store
                    .add_photo(
                        "assessment",
                        &id,
                        "",
                        "foto.png",
                        &photo(i as u64, side),
                        &now(),
                    )
                    .expect("photo");
            }
            self.store.finalize(&id, &now()).expect("final");
        }
    }

    /// A finalised assessment with `photos` photos.
    pub fn finalised(&mut self, photos: usize) -> String {
        let id = self.draft(photos);
        self.store.finalize(&id, &now()).expect("finalise");
        id
    }

    pub fn side(&mut self) -> StoreSide<'_> {
        StoreSide::new(&mut self.store, Some(self.dir.path().to_path_buf()))
    }

    /// One sync through `client`.
    pub async fn sync(&mut self, client: &Client) -> Result<Report, SyncError> {
        let mut side = self.side();
        sync_once(client, &mut side, &mut |_| {}).await
    }
}

/// A client for `url` with `token`, one connection per request (so the proxy sees each),
/// and a read timeout short enough for the "no answer" test, long enough for a busy machine.
pub fn client(url: &str, token: &str) -> Client {
    let network = Network {
        connect: Duration::from_secs(5),
        read: Duration::from_secs(10),
        reuse_connections: false,
    };
    Client::new(url, Some(token.to_string()), network).expect("client")
}

/// A client as the app has it (connections kept, a minute's patience): for large pushes.
pub fn patient_client(url: &str, token: &str) -> Client {
    Client::new(url, Some(token.to_string()), Network::default()).expect("client")
}

/// An enrolment of officer `budi` with `token`, as a bundle is signed with it.
pub fn enrolment(token: &str) -> ovop_app::sync::Enrolment {
    enrolment_of("budi", token)
}

/// An enrolment of officer `user` with `token`.
pub fn enrolment_of(user: &str, token: &str) -> ovop_app::sync::Enrolment {
    ovop_app::sync::Enrolment {
        server: "usb".into(),
        token: token.into(),
        device_id: 0,
        server_id: String::new(),
        user: user.into(),
        enrolled_at: now(),
        token_in_keyring: false,
    }
}

/// Writes the enrolment file into a laptop's data folder as enrolling does (the token in the
/// file: no keyring here).
pub fn enrol_as(dir: &std::path::Path, enrolment: &ovop_app::sync::Enrolment) {
    std::fs::write(
        ovop_app::sync::token::enrolment_path(dir),
        serde_json::to_string(enrolment).expect("json"),
    )
    .expect("enrolment");
}

/// A laptop with nothing on it but the regions, enrolled for an officer: a replacement laptop.
pub struct NewLaptop {
    pub dir: tempfile::TempDir,
    pub store: Store,
}

impl NewLaptop {
    pub fn new(user: &str, token: &str) -> NewLaptop {
        let dir = tempfile::tempdir().expect("temp");
        let mut store = Store::open(&dir.path().join("ovop.sqlite")).expect("store");
        store.ensure_regions().expect("regions");
        enrol_as(dir.path(), &enrolment_of(user, token));
        NewLaptop { dir, store }
    }

    /// One sync through `client`, which must succeed.
    pub async fn sync(&mut self, client: &Client) -> Report {
        let mut side = StoreSide::new(&mut self.store, Some(self.dir.path().to_path_buf()));
        sync_once(client, &mut side, &mut |_| {})
            .await
            .expect("the new laptop's sync")
    }
}

/// Officer `rina`, in Budi's regions, enrolled on `server`: her token.
pub async fn colleague(server: &Server) -> String {
    server
        .user("rina", "officer", &["63.05"], Some("rahasia-rina-1"))
        .await;
    server.enrol("rina", "rahasia-rina-1").await
}

/// A server on `backend` with officer `budi` (Tapin) enrolled; its token.
pub async fn server(backend: Backend) -> (Server, String) {
    server_with(backend, |_| {}).await
}

pub async fn server_with(
    backend: Backend,
    adjust: impl FnOnce(&mut ovop_server::Config),
) -> (Server, String) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = Server::start_with(backend, adjust).await;
    server
        .user("budi", "officer", &["63.05"], Some("rahasia-budi-1"))
        .await;
    let token = server.enrol("budi", "rahasia-budi-1").await;
    (server, token)
}

fn hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The end state every fault must leave: every final revision on the laptop is on the server
/// once with the same content (hash by hash), every photo the server needs is there complete
/// and verified, the outbox is all sent, and nothing the laptop had is gone.
pub async fn assert_converged(field: &mut Field, server: &Server, finals: usize) {
    let all = field.store.outbox_rows().expect("outbox");
    let not_sent: Vec<_> = all
        .iter()
        .filter(|r| r.state != "sent")
        .map(|r| (&r.record_id, &r.state, &r.reason))
        .collect();
    assert!(not_sent.is_empty(), "not sent: {not_sent:?}");
    let rows: Vec<_> = all.into_iter().filter(|r| r.kind == "assessment").collect();
    assert_eq!(
        rows.len(),
        finals,
        "every finalised revision is in the outbox"
    );
    assert!(
        field.store.uploads_waiting().expect("uploads").is_empty(),
        "photos still waiting"
    );
    let local_finals = field.store.final_assessments().expect("finals");
    assert!(
        local_finals
            .iter()
            .all(|a| a.status == "synced" || a.status == "reviewed"),
        "every final revision is marked synced"
    );
    let on_server = server
        .running
        .state
        .db
        .run(|tx| Ok(tx.query("SELECT id, revision, content_hash, body FROM record WHERE kind = 'assessment' ORDER BY id, revision", &[])?))
        .await
        .expect("records");
    assert_eq!(on_server.len(), finals, "the server has each revision once");
    let server_hashes: HashSet<(String, i64, String)> = on_server
        .iter()
        .map(|r| (r.text(0), r.int(1), r.text(2)))
        .collect();
    let mut photos = HashSet::new();
    for row in &rows {
        let wire = field
            .store
            .wire_assessment(&row.record_id, row.revision)
            .expect("wire");
        let hash = canonical_hash(&wire.body);
        assert!(
            server_hashes.contains(&(row.record_id.clone(), row.revision, hash)),
            "{} r{} is on the server with the same content",
            row.record_id,
            row.revision
        );
        for (sha, _) in wire.blobs {
            photos.insert(sha);
        }
    }
    for sha in photos {
        let path = server.running.state.blobs.path(&sha);
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("photo {sha} on the server: {e}"));
        assert_eq!(hex(&bytes), sha, "the server's copy of {sha} is whole");
        let key = format!("sha256:{sha}");
        let complete = server
            .running
            .state
            .db
            .run(move |tx| {
                Ok(tx
                    .query_opt(
                        "SELECT complete_at FROM blob WHERE sha256 = $1",
                        &[Val::from(key.as_str())],
                    )?
                    .map(|r| r.text(0)))
            })
            .await
            .expect("blob row");
        assert!(
            complete.is_some_and(|c| !c.is_empty()),
            "photo {sha} is marked complete"
        );
    }
}
