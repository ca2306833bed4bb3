//! A real server on port 0, on SQLite (a temporary folder) or on the machine's PostgreSQL (a
//! fresh database per test), and the records an officer's laptop would push.
#![allow(dead_code)]

pub mod web;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ovop_core::{Answer, Answers, Catalog};
use ovop_protocol::{
    AssessmentBody, Assessor, BlobRef, Kind, PushRequest, PushResponse, Record, SetRef, Visit,
};
use ovop_server::admin::{add_user, NewUser};
use ovop_server::{Config, Running};
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The machine's PostgreSQL, where each test makes its own database (`OVOP_TEST_POSTGRES`, a
/// libpq connection string, overrides it).
pub fn postgres_admin() -> String {
    std::env::var("OVOP_TEST_POSTGRES")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=postgres".into())
}

/// The URL of database `name` on the same server as [`postgres_admin`].
pub fn postgres_url(name: &str) -> String {
    let config: postgres::Config = postgres_admin()
        .parse()
        .expect("OVOP_TEST_POSTGRES is a libpq connection string");
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => host.clone(),
        _ => "127.0.0.1".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or("postgres");
    match config.get_password() {
        Some(password) => format!(
            "postgres://{user}:{}@{host}:{port}/{name}",
            String::from_utf8_lossy(password)
        ),
        None => format!("postgres://{user}@{host}:{port}/{name}"),
    }
}

pub struct Server {
    pub running: Running,
    pub dir: tempfile::TempDir,
    pub http: reqwest::Client,
    /// The PostgreSQL database made for this server, by name.
    pub database: Option<String>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A new empty PostgreSQL database on the machine's server; its URL.
pub async fn fresh_postgres() -> (String, String) {
    let name = format!(
        "ovop_test_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let create = name.clone();
    tokio::task::spawn_blocking(move || {
        let mut client = postgres::Client::connect(&postgres_admin(), postgres::NoTls)
            .expect("PostgreSQL on 127.0.0.1:5432 (see the README)");
        client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {create}"))
            .expect("drop an old database");
        client
            .batch_execute(&format!("CREATE DATABASE {create}"))
            .expect("create database");
    })
    .await
    .expect("task");
    (postgres_url(&name), name)
}

pub fn config(dir: &std::path::Path) -> Config {
    let mut config = Config::new(dir.to_path_buf());
    config.listen = "127.0.0.1:0".into();
    config.name = "Dinas Perindustrian Kabupaten Tapin".into();
    config
}

impl Server {
    pub async fn start(backend: Backend) -> Server {
        Server::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Server {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = config(dir.path());
        let mut database = None;
        if backend == Backend::Postgres {
            let (url, name) = fresh_postgres().await;
            config.database = Some(url);
            database = Some(name);
        }
        adjust(&mut config);
        let running = ovop_server::start(config).await.expect("the server starts");
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        Server {
            running,
            dir,
            http,
            database,
        }
    }

    /// A server started elsewhere (on a runtime of its own, say).
    pub fn from_running(running: Running) -> Server {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client");
        Server {
            running,
            dir: tempfile::tempdir().expect("tempdir"),
            http,
            database: None,
        }
    }

    /// Opens the server's database a second time, as a newer server starting on it would:
    /// its migrations run.
    pub async fn open_database_again(&self) -> ovop_server::db::Db {
        let (database, path) = (self.database.clone(), self.dir.path().join("server.sqlite"));
        tokio::task::spawn_blocking(move || match database {
            Some(name) => ovop_server::db::Db::open_postgres(&postgres_url(&name)),
            None => ovop_server::db::Db::open_sqlite(&path),
        })
        .await
        .expect("task")
        .expect("the database opens")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.url())
    }

    /// A user made directly in the database (as `ovop-server add-user` does).
    pub async fn user(&self, name: &str, role: &str, regions: &[&str], password: Option<&str>) {
        let new = NewUser {
            name: name.into(),
            display_name: Some(format!("{name} (display)")),
            role: role.into(),
            password: password.map(str::to_string),
            regions: regions.iter().map(|r| r.to_string()).collect(),
        };
        add_user(&self.running.state, new).await.expect("user");
    }

    /// A user made directly in the database with the password `<name>-rahasia-1`, and a
    /// device of theirs enrolled with it; the device's token.
    pub async fn enrolled_user(&self, name: &str, role: &str, regions: &[&str]) -> String {
        let password = format!("{name}-rahasia-1");
        self.user(name, role, regions, Some(&password)).await;
        self.enrol(name, &password).await
    }

    /// Enrols a device with a password; its token.
    pub async fn enrol(&self, name: &str, password: &str) -> String {
        let response = self
            .http
            .post(self.url("/v1/enrol"))
            .json(&json!({"user": name, "password": password, "device_name": format!("laptop of {name}")}))
            .send()
            .await
            .expect("enrol");
        assert_eq!(response.status(), 201, "enrol {name}");
        let body: Value = response.json().await.expect("json");
        body["token"].as_str().expect("token").to_string()
    }

    pub async fn push(&self, token: &str, records: &[Record]) -> (u16, Value) {
        let response = self
            .http
            .post(self.url("/v1/push"))
            .bearer_auth(token)
            .json(&PushRequest {
                records: records.to_vec(),
            })
            .send()
            .await
            .expect("push");
        let status = response.status().as_u16();
        (status, response.json().await.expect("json"))
    }

    pub async fn push_ok(&self, token: &str, records: &[Record]) -> PushResponse {
        let (status, body) = self.push(token, records).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_value(body).expect("a push response")
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("get");
        let status = response.status().as_u16();
        let text = response.text().await.expect("text");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("post");
        let status = response.status().as_u16();
        let text = response.text().await.expect("text");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A count straight from the database.
    pub async fn count(&self, sql: &'static str) -> i64 {
        self.running
            .state
            .db
            .run(move |tx| Ok(tx.query_opt(sql, &[])?.map_or(0, |r| r.int(0))))
            .await
            .expect("count")
    }

    pub async fn healthy(&self) {
        let response = self
            .http
            .get(self.url("/v1/health"))
            .send()
            .await
            .expect("health");
        assert_eq!(response.status(), 200);
    }

    pub async fn stop(self) {
        self.running.shutdown(Duration::from_secs(5)).await;
        if let Some(name) = self.database {
            drop_postgres(&name).await;
        }
    }
}

/// Drops a database [`fresh_postgres`] made.
pub async fn drop_postgres(name: &str) {
    let name = name.to_string();
    let _ = tokio::task::spawn_blocking(move || {
        if let Ok(mut client) = postgres::Client::connect(&postgres_admin(), postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    })
    .await;
}

/// A UUID-shaped id, distinct per `n` and `salt`.
pub fn uuid(salt: u32, n: u32) -> String {
    format!("0192f5c4-{salt:04x}-7b31-9c55-{n:012x}")
}

pub fn producer(id: &str, village: &str) -> Record {
    Record::new(
        Kind::Producer,
        id,
        1,
        json!({"name": format!("KUB Purun {id}"), "village_code": village, "legal_form": "KUB"}),
        vec![],
    )
}

pub fn product(id: &str, producer_id: &str) -> Record {
    Record::new(
        Kind::Product,
        id,
        1,
        json!({"producer_id": producer_id, "name": "Tikar purun motif", "programme": "ovop", "product_set": "kriya"}),
        vec![],
    )
}

/// A finalised assessment scored by the engine on a shipped set; `seed` varies the levels.
pub fn assessment(
    id: &str,
    revision: i64,
    product_id: &str,
    village: &str,
    seed: u32,
    blobs: Vec<BlobRef>,
) -> Record {
    static CATALOG: std::sync::OnceLock<Catalog> = std::sync::OnceLock::new();
    let catalog = CATALOG.get_or_init(Catalog::shipped);
    let entry = catalog
        .get("ovop-id-template", None)
        .expect("the OVOP template");
    assessment_on(
        &entry.rubric,
        id,
        revision,
        product_id,
        village,
        seed,
        blobs,
    )
}

/// [`assessment`] scored on any set.
pub fn assessment_on(
    rubric: &ovop_core::Rubric,
    id: &str,
    revision: i64,
    product_id: &str,
    village: &str,
    seed: u32,
    blobs: Vec<BlobRef>,
) -> Record {
    let set = rubric.set();
    let mut answers = Answers {
        criteria: set.id.clone(),
        version: Some(set.version.clone()),
        ..Answers::default()
    };
    for gate in &set.gates {
        answers.gates.insert(gate.code.clone(), true);
    }
    let mut i = 0;
    for part in &set.parts {
        for section in &part.sections {
            for criterion in &section.criteria {
                let levels = criterion.levels.len() as u32;
                if levels > 0 {
                    answers.answers.insert(
                        criterion.code.clone(),
                        Answer::Level(1 + (seed + i) % levels),
                    );
                }
                i += 1;
            }
        }
    }
    let result = loop {
        match rubric.score(&answers) {
            Ok(result) => break result,
            Err(errors) => {
                for e in errors {
                    if let Some(c) = e.criterion {
                        answers.answers.remove(&c);
                    }
                }
            }
        }
    };
    let body = AssessmentBody {
        id: id.into(),
        revision,
        supersedes: (revision > 1).then_some(revision - 1),
        reason: None,
        product_id: product_id.into(),
        criteria_hash: rubric.hash().into(),
        visit: Visit {
            assessed_on: Some("2026-11-20".into()),
            region_code: Some(village.into()),
            assessors: vec![Assessor {
                name: "Budi Santoso".into(),
                title: Some("Penyuluh".into()),
                ..Assessor::default()
            }],
            ..Visit::default()
        },
        answers: Some(answers),
        evidence: Vec::new(),
        council: None,
        programme: set.programme,
        criteria: SetRef {
            id: set.id.clone(),
            version: set.version.clone(),
        },
        result,
        council_result: None,
        verdict: None,
        local_hash: String::new(),
        finalized_at: Some("2026-11-20T10:00:00Z".into()),
    }
    .to_value()
    .expect("an assessment body");
    Record::new(Kind::Assessment, id, revision, body, blobs)
}

pub fn blob_of(bytes: &[u8]) -> BlobRef {
    use sha2::Digest;
    let hex: String = sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    BlobRef {
        sha256: format!("sha256:{hex}"),
        size: bytes.len() as u64,
    }
}

/// A village of Kabupaten Tapin (63.05) and one of Kabupaten Hulu Sungai Selatan (63.06).
pub const TAPIN: &str = "63.05.01.1001";
pub const HSS: &str = "63.06.01.2001";

/// `record` scored at every criterion's top level, made at the regency level in round 2026-1:
/// five stars, proposed to the province.
pub fn at_the_top(record: &ovop_protocol::Record) -> ovop_protocol::Record {
    let mut body: ovop_protocol::AssessmentBody =
        serde_json::from_value(record.body.clone()).expect("a body");
    let catalog = ovop_core::Catalog::shipped();
    let rubric = &catalog
        .get("ovop-id-template", None)
        .expect("the template")
        .rubric;
    let mut answers = body.answers.clone().expect("answers");
    for criterion in rubric.set().criteria() {
        if !criterion.levels.is_empty() {
            answers.answers.insert(
                criterion.code.clone(),
                ovop_core::Answer::Level(criterion.levels.len() as u32),
            );
        }
    }
    body.result = rubric.score(&answers).expect("scores");
    body.answers = Some(answers);
    body.visit.level = Some("kabupaten".into());
    body.visit.round = Some("2026-1".into());
    ovop_protocol::Record::new(
        record.kind,
        &record.id,
        record.revision,
        body.to_value().expect("body"),
        vec![],
    )
}

/// A bundle file of one batch (a push request as JSON), signed with `token` as a laptop
/// enrolled with it signs one.
pub fn write_bundle(path: &std::path::Path, token: &str, batch: &[u8]) {
    use ovop_protocol::bundle::{
        batch_name, sha256_hex, signer_of, token_key, Entry, Manifest, BUNDLE_FORMAT,
        BUNDLE_VERSION, MANIFEST,
    };
    let key = token_key(token);
    let mut manifest = Manifest {
        format: BUNDLE_FORMAT.into(),
        version: BUNDLE_VERSION,
        user: "budi".into(),
        device_id: 1,
        signer: signer_of(&key),
        created_at: "2026-12-07T07:00:00Z".into(),
        entries: vec![Entry {
            name: batch_name(1),
            size: batch.len() as u64,
            sha256: sha256_hex(batch),
        }],
        signature: String::new(),
    };
    manifest.sign(&key);
    let manifest = serde_json::to_vec(&manifest).expect("json");
    let mut tar = tar::Builder::new(std::fs::File::create(path).expect("create"));
    for (name, bytes) in [
        (batch_name(1), batch),
        (MANIFEST.to_string(), &manifest[..]),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, bytes).expect("append");
    }
    tar.finish().expect("finish");
}
