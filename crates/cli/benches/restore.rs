//! `cargo bench -p ovop --bench restore`: a new laptop gets a regency back from the office
//! over loopback. A laptop with 10,000 final assessments (100 producers and products) and 2,000
//! photos of about 75 KB syncs them to a real server (SQLite, in a temporary folder); then new
//! laptops enrolled for the same officer pull everything: the records alone (a photo budget
//! of 0), the records with the thumbnails while the server still makes them, and again once it
//! keeps them. Prints a table: time, what came and the rate. `OVOP_BENCH_ASSESSMENTS` and
//! `OVOP_BENCH_PHOTOS` change the counts.

#[path = "../tests/field/mod.rs"]
mod field;

use std::time::Instant;

use field::{patient_client, server, Backend, Field, NewLaptop};

fn folder_bytes(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.file_type() {
                    Ok(t) if t.is_dir() => folder_bytes(&e.path()),
                    _ => e.metadata().map_or(0, |m| m.len()),
                })
                .sum()
        })
        .unwrap_or(0)
}

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
        let assessments = field::env_count("OVOP_BENCH_ASSESSMENTS", 10_000).max(1);
        let photos = field::env_count("OVOP_BENCH_PHOTOS", 2_000);
        let (server, token) = server(Backend::Sqlite).await;
        let url = server.running.url();
        let mut field = Field::new();
        let started = Instant::now();
        // Photos of about 75 KB.
        field.fill(assessments, photos, 160);
        let made = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let pushed = field.sync(&patient_client(&url, &token)).await.expect("the first laptop's sync");
        eprintln!(
            "made {assessments} assessments in {made:.1} s; pushed {} with {} photos in {:.1} s",
            pushed.sent,
            pushed.blobs_uploaded,
            started.elapsed().as_secs_f64()
        );

        println!("| restore on a new laptop, over loopback | time (s) | what came | rate | laptop's folder after |");
        println!("|---|---|---|---|---|");
        let runs = [
            ("records only (photo budget 0)", Some(0)),
            ("records and thumbnails, the server making them", None),
            ("records and thumbnails, the server keeping them", None),
        ];
        for (what, budget) in runs {
            let new_token = server.enrol("budi", "rahasia-budi-1").await;
            let mut laptop = NewLaptop::new("budi", &new_token);
            if let Some(mb) = budget {
                laptop.store.set_photo_budget_mb(mb, &field::now()).expect("budget");
            }
            let client = patient_client(&url, &new_token);
            let started = Instant::now();
            let report = laptop.sync(&client).await;
            let took = started.elapsed().as_secs_f64();
            assert_eq!(report.pulled.assessments as usize, assessments, "{report:?}");
            println!(
                "| {what} | {took:.2} | {} assessments, {} producers, {} products, {} thumbnails | {:.0} assessments/s | {:.0} MB |",
                report.pulled.assessments,
                report.pulled.producers,
                report.pulled.products,
                report.pulled.thumbnails,
                report.pulled.assessments as f64 / took,
                folder_bytes(laptop.dir.path()) as f64 / 1e6
            );
        }
        server.stop().await;
    });
}
