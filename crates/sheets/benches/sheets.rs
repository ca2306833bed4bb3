//! The sheets' speed and size: `cargo bench -p ovop-sheets --bench sheets`.
//!
//! - One filled sheet of 35 criteria (long Vietnamese descriptors): time per sheet (median of
//!   30, with the fonts read once as the app does) and its size.
//! - The blank sheet of the same set.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use ovop_sheets::{Blank, Fonts, Lang};

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
    let blank = Blank { lang: Lang::Id, set_hash: ovop_core::content_hash(&sheet.set), set: sheet.set.clone() };
    let mut runs = Vec::new();
    for _ in 0..30 {
        let start = Instant::now();
        size = ovop_sheets::blank(&blank, &fonts).expect("a blank sheet").len();
        runs.push(start.elapsed());
    }
    println!(
        "blank sheet, 35 criteria (id)         median {:>6.1} ms                      size {:>6.1} KB",
        median(runs).as_secs_f64() * 1000.0,
        size as f64 / 1024.0
    );
}
