//! `cargo bench -p ovop --bench bundle`: the outbox on a USB stick. A laptop with 1,000 final
//! assessments (10 producers and products) and 200 photos of about 250 KB writes its bundle;
//! a real server (SQLite, in a temporary folder) imports it, then imports it again (everything
//! accepted again); the laptop imports the receipt. Prints a table: time, size and rate of
//! each step. `OVOP_BENCH_ASSESSMENTS` and `OVOP_BENCH_PHOTOS` change the counts.

#[path = "../tests/field/mod.rs"]
mod field;

use std::time::Instant;

use field::{server, Backend, Field};
use ovop_app::sync::bundle::{import_receipt, write_bundle};

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let assessments = field::env_count("OVOP_BENCH_ASSESSMENTS", 1_000).max(1);
        let photos = field::env_count("OVOP_BENCH_PHOTOS", 200);
        let (server, token) = server(Backend::Sqlite).await;
        let mut field = Field::new();
        // Photos of about 250 KB.
        field.fill(assessments, photos, 290);
        let enrolment = field::enrolment(&token);
        let dir = tempfile::tempdir().expect("temp");
        let file = dir.path().join("budi.ovopbundle");
        println!("| step | time (s) | what | rate |");
        println!("|---|---|---|---|");

        let started = Instant::now();
        let written = write_bundle(&mut field.store, &enrolment, &file, &field::now()).expect("bundle");
        let took = started.elapsed().as_secs_f64();
        let mb = written.bytes as f64 / 1e6;
        println!(
            "| export (records frozen and written, photos read) | {took:.2} | {} records, {} photos, {mb:.1} MB | {:.0} MB/s |",
            written.records,
            written.photos,
            mb / took
        );
        let started = Instant::now();
        let again = write_bundle(&mut field.store, &enrolment, &file, &field::now()).expect("bundle");
        let took = started.elapsed().as_secs_f64();
        println!(
            "| export again (records already frozen) | {took:.2} | {} records, {} photos | {:.0} MB/s |",
            again.records,
            again.photos,
            again.bytes as f64 / 1e6 / took
        );

        let started = Instant::now();
        let receipt = ovop_server::bundle::import(&server.running.state, &file)
            .await
            .expect("import");
        let took = started.elapsed().as_secs_f64();
        println!(
            "| import at the office (SQLite) | {took:.2} | {} records, {} photos stored | {:.0} records/s |",
            receipt.results.len(),
            receipt.blobs_stored.len(),
            receipt.results.len() as f64 / took
        );
        let started = Instant::now();
        let twice = ovop_server::bundle::import(&server.running.state, &file)
            .await
            .expect("import again");
        let took = started.elapsed().as_secs_f64();
        println!(
            "| import again (all accepted again) | {took:.2} | {} records | {:.0} records/s |",
            twice.results.len(),
            twice.results.len() as f64 / took
        );

        let path = dir.path().join("budi.receipt.json");
        std::fs::write(&path, serde_json::to_vec(&receipt).expect("json")).expect("write");
        let started = Instant::now();
        let applied = import_receipt(&mut field.store, &enrolment, &path).expect("receipt");
        let took = started.elapsed().as_secs_f64();
        println!(
            "| receipt on the laptop | {took:.2} | {} sent, {} photos arrived | |",
            applied.sent, applied.photos_arrived
        );
        server.stop().await;
    });
}
