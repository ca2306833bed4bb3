//! A seeded random walk: finalisations, drafts, corrections, syncs through random faults and
//! pulls, interleaved. After every step: nothing the laptop finalised is lost, nothing on the
//! server differs from the laptop or is there twice, every photo the server calls complete is
//! whole. At the end, one clean sync converges.

mod field;

use std::collections::HashMap;

use field::{answer, assert_converged, client, rule, server_with, Backend, Fault, Field, Proxy};
use ovop_core::canonical_hash;

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
    let proxy = Proxy::start(server.running.addr).await;
    let through = client(&proxy.url(), &token);
    let mut field = Field::new();
    let mut rng = Rng(seed | 1);
    let mut finals = 0usize;
    let mut finalised: Vec<String> = Vec::new();
    let mut drafts: Vec<String> = Vec::new();
    for step in 0..steps {
        match rng.below(10) {
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
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_edits_faults_and_syncs_never_lose_or_duplicate_anything() {
    for seed in [0x5eed_0001u64, 0x0c0f_fee5, 0x0a11_ce42] {
        walk(seed, 45).await;
    }
}
