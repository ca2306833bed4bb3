//! `cargo bench -p ovop --bench sync`: a whole sync against a real server on loopback, through
//! a counting proxy. Prints a table: 10,000 assessments without photos (time, records per
//! second, bytes on the wire), and 100 photos of about 1 MB with the link cut in the middle
//! of one upload (bytes on the wire against the bytes of the photos).
//! `OVOP_BENCH_ASSESSMENTS` and `OVOP_BENCH_PHOTOS` change the counts (0 skips a case).
//! `OVOP_BENCH_DIRECT=1` sends the photos straight to the server (no proxy, no cut) and counts
//! the bytes the loopback interface carried, headers and retransmissions included: run it in a
//! network namespace whose loopback is slowed and made lossy (see the README).

#[path = "../tests/field/mod.rs"]
mod field;

use std::sync::atomic::Ordering;
use std::time::Instant;

use field::{client, rule, server, Backend, Fault, Field, Proxy};

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
        let assessments = field::env_count("OVOP_BENCH_ASSESSMENTS", 10_000);
        let photos = field::env_count("OVOP_BENCH_PHOTOS", 100);
        println!("| case | records | time (s) | rate | bytes up | bytes down | payload bytes | overhead |");
        println!("|---|---|---|---|---|---|---|---|");

        let direct = std::env::var_os("OVOP_BENCH_DIRECT").is_some();
        if assessments > 0 {
        let (first, token) = server(Backend::Sqlite).await;
        let proxy = Proxy::start(first.running.addr).await;
        let mut field = Field::new();
        for i in 0..assessments {
            if i % 100 == 0 {
                field.new_product();
            }
            field.finalised(0);
        }
        let through = ovop_sync::Client::new(&proxy.url(), Some(token.clone()), ovop_sync::Network::default()).expect("client");
        let started = Instant::now();
        let report = field.sync(&through).await.expect("sync");
        let took = started.elapsed().as_secs_f64();
        let up = proxy.bytes_up.load(Ordering::Relaxed);
        let down = proxy.bytes_down.load(Ordering::Relaxed);
        println!(
            "| {assessments} assessments, no photos (SQLite server, loopback) | {} | {took:.1} | {:.0} records/s | {up} | {down} | {} (push bodies) | {:.1} % |",
            report.sent,
            f64::from(report.sent) / took,
            report.push_bytes_sent,
            100.0 * (up as f64 - report.push_bytes_sent as f64) / report.push_bytes_sent as f64
        );
        first.stop().await;
        }
        if photos == 0 {
            return;
        }

        let (second_server, token) = server(Backend::Sqlite).await;
        let proxy = Proxy::start(second_server.running.addr).await;
        let mut field = Field::new();
        let mut payload = 0u64;
        let mut cut = String::new();
        for i in 0..photos {
            let id = field.draft(0);
            let bytes = field::photo(10_000 + i as u64, 580);
            payload += bytes.len() as u64;
            if i == photos / 2 {
                cut = <sha2::Sha256 as sha2::Digest>::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            }
            field.store.add_photo("assessment", &id, "", "foto.png", &bytes, &field::now()).expect("photo");
            field.store.finalize(&id, &field::now()).expect("final");
        }
        if direct {
            let through = ovop_sync::Client::new(&second_server.running.url(), Some(token.clone()), ovop_sync::Network::default()).expect("client");
            let lo = || std::fs::read_to_string("/sys/class/net/lo/statistics/tx_bytes").ok().and_then(|t| t.trim().parse::<u64>().ok()).unwrap_or(0);
            let before = lo();
            let started = Instant::now();
            let mut tries = 0;
            let report = loop {
                tries += 1;
                match field.sync(&through).await {
                    Ok(report) => break report,
                    Err(error) if tries < 20 => eprintln!("try {tries}: {error}"),
                    Err(error) => panic!("{error}"),
                }
            };
            let took = started.elapsed().as_secs_f64();
            let wire = lo() - before;
            println!(
                "| {photos} photos of about {:.2} MB, straight to the server ({tries} tries) | {} | {took:.1} | {:.3} MB/s | {wire} (loopback, both ways) | – | {payload} (photos) | {:.2} % |",
                payload as f64 / photos as f64 / 1e6,
                report.sent,
                payload as f64 / took / 1e6,
                100.0 * (wire as f64 - payload as f64) / payload as f64
            );
            second_server.stop().await;
            return;
        }
        // The link dies half-way through one photo; the next sync resumes it.
        proxy.add(rule(&format!("PUT /v1/blobs/{cut}"), Fault::CutRequestAfter(500_000), 1));
        let through = client(&proxy.url(), &token);
        let started = Instant::now();
        let first = field.sync(&through).await;
        assert!(first.is_err(), "the cut happened");
        let second = field.sync(&through).await.expect("the sync after the cut");
        let took = started.elapsed().as_secs_f64();
        let up = proxy.bytes_up.load(Ordering::Relaxed);
        let down = proxy.bytes_down.load(Ordering::Relaxed);
        println!(
            "| {photos} photos of about {:.2} MB, one upload cut half-way | {} | {took:.1} | {:.1} MB/s | {up} | {down} | {payload} (photos) | {:.2} % |",
            payload as f64 / photos as f64 / 1e6,
            photos,
            up as f64 / took / 1e6,
            100.0 * (up as f64 - payload as f64) / payload as f64
        );
        let _ = second;
        second_server.stop().await;
    });
}
