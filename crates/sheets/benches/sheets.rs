//! The sheets' speed and size: `cargo bench -p ovop-sheets --bench sheets`.
//!
//! - One filled sheet of 35 criteria (long Vietnamese descriptors): time per sheet (median of
//!   30, with the fonts read once as the app does) and its size.
//! - The blank sheet of the same set, the minutes of a council's session, and a star
//!   certificate (signing its code included).
//! - Batches of 100 and 1,000 such sheets written to a file, with the peak memory (VmHWM) after
//!   each: the batch streams, so the second should not need much more than the first.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use ovop_sheets::{Blank, Cover, Fonts, Lang};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let fonts = Fonts::bundled();
    let sheet = support::sheet_of_35();
    let mut runs = Vec::new();
    let mut size = 0;
    for _ in 0..30 {
        let start = Instant::now();
        let bytes = ovop_sheets::filled(&sheet, &fonts).expect("a sheet");
        runs.push(start.elapsed());
        size = bytes.len();
    }
    println!(
        "filled sheet, 35 criteria (vi)        median {:>6.1} ms   min {:>6.1} ms   size {:>6.1} KB   (targets 30 ms, 100 KB)",
        median(runs.clone()).as_secs_f64() * 1000.0,
        runs.iter().min().copied().unwrap_or_default().as_secs_f64() * 1000.0,
        size as f64 / 1024.0
    );
    let blank = Blank {
        lang: Lang::Id,
        set_hash: ovop_core::content_hash(&sheet.set),
        set: sheet.set.clone(),
    };
    let mut runs = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        size = ovop_sheets::blank(&blank, &fonts)
            .expect("a blank sheet")
            .len();
        runs.push(start.elapsed());
    }
    println!(
        "blank sheet, 35 criteria (id)         median {:>6.1} ms                      size {:>6.1} KB",
        median(runs).as_secs_f64() * 1000.0,
        size as f64 / 1024.0
    );

    // The minutes of a council of four (one absent) over two products, in Vietnamese.
    let minutes = support::minutes_sample(Lang::Vi);
    let mut runs = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        size = ovop_sheets::minutes(&minutes, &fonts)
            .expect("the minutes")
            .len();
        runs.push(start.elapsed());
    }
    println!(
        "minutes, council of 4, 2 products (vi) median {:>6.1} ms                      size {:>6.1} KB",
        median(runs).as_secs_f64() * 1000.0,
        size as f64 / 1024.0
    );

    // A four-star certificate, its code signed each time as the server does.
    let mut runs = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        size = ovop_sheets::certificate(&support::certificate_sample(Lang::Vi), &fonts)
            .expect("the certificate")
            .len();
        runs.push(start.elapsed());
    }
    println!(
        "certificate, signed code and QR (vi)  median {:>6.1} ms                      size {:>6.1} KB",
        median(runs).as_secs_f64() * 1000.0,
        size as f64 / 1024.0
    );

    let dir = std::env::temp_dir().join(format!("ovop-sheets-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp folder");
    for n in [100usize, 1000] {
        let path = dir.join(format!("batch-{n}.pdf"));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("file"));
        let cover = Cover {
            lang: None,
            title: format!("{n} sheets"),
            made: "2026-11-21T08:00:00Z".into(),
            ..Default::default()
        };
        let start = Instant::now();
        let sheets = (0..n).map(|i| {
            let mut one = sheet.clone();
            one.trace.assessment_id = format!("bench-{i:06}");
            Ok(one)
        });
        let written = ovop_sheets::batch(&cover, sheets, &fonts, &mut file).expect("a batch");
        let elapsed = start.elapsed();
        println!(
            "batch of {n:>5} sheets ({:>5} pages)      {:>7.2} s   {:>6.1} MB   peak memory so far {:>6.1} MB   (target 20 s for 1,000)",
            written.pages,
            elapsed.as_secs_f64(),
            written.bytes as f64 / 1e6,
            peak_mb()
        );
        let _ = std::fs::remove_file(&path);
    }
    let _ = std::fs::remove_dir(&dir);
}

/// The process's peak resident memory (VmHWM), in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("VmHWM:")
                    .map(|v| v.trim().trim_end_matches("kB").trim().to_string())
            })
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}
