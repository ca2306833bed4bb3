//! The app's start and memory, in the real window (a release build under Xvfb):
//!
//! ```sh
//! xvfb-run -a -s "-screen 0 1366x768x24" cargo bench -p ovop-field --bench app
//! ```
//!
//! - **First start**: a fresh install until the home screen shows its counts, and until a region
//!   search answers (the regions are imported in the background, once per laptop).
//! - **Start**: the app launched on existing data until the home screen shows its counts,
//!   timed from the WebDriver session request (so it includes tauri-driver starting
//!   WebKitWebDriver, which starts the app: the app alone is faster), with where the time went:
//!   the app's process running, the page's load starting and the page parsed (its
//!   DOMContentLoaded), the WebDriver session answered.
//! - Both **warm** (the files in the page cache, as on a second start) and **cold** (the page
//!   cache dropped before each start, as after a reboot: `sync; echo 3 > /proc/sys/vm/drop_caches`,
//!   which needs root; without it the cold rows say so).
//! - **Memory** of the app and every process below it (WebKit's web and network processes):
//!   RSS and PSS (shared pages divided among the processes that map them), at rest on the home
//!   screen, then after scoring a whole sheet of a product that has 50 photos.
//!
//! The app draws without WebKit's compositing on a laptop with 6 GiB or less; set
//! `OVOP_LOW_MEMORY=1` (or `0`) to measure either mode on any machine.

#[path = "../tests/support/driver.rs"]
mod driver;

use std::path::Path;
use std::time::{Duration, Instant};

use driver::{app_pid, memory_kb, process_tree, seed_draft, start, wait_for_css};
use fantoccini::Client;

const PORT: u16 = 4474;
const STARTS: usize = 7;

/// The machine's load, printed beside the figures: they are only comparable on a quiet machine.
fn load_line(when: &str) {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("load average {when}: {}", load.join(" "));
}

/// Drops the page cache (root only): the next start reads its binary, WebKit and the database
/// from the disk, as after a reboot. False when it could not.
fn drop_caches() -> bool {
    let synced = std::process::Command::new("sync").status().is_ok();
    synced && std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// Seconds since boot now, as `/proc/uptime` says (the clock of a process's start time).
fn uptime_secs() -> f64 {
    std::fs::read_to_string("/proc/uptime")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0)
}

/// When the app's process started, in seconds since boot (10 ms steps).
fn process_started_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let ticks: f64 = stat
        .rsplit_once(')')?
        .1
        .split_whitespace()
        .nth(19)?
        .parse()
        .ok()?;
    Some(ticks / 100.0)
}

/// One start, in milliseconds from the session request.
#[derive(Default, Clone, Copy)]
struct Start {
    /// The app's process started (WebKitWebDriver launched it).
    process: f64,
    /// The page's load started (the web view's navigation).
    page: f64,
    /// The page parsed and its scripts run (DOMContentLoaded ended).
    parsed: f64,
    /// The WebDriver session answered.
    session: f64,
    /// The home screen showed its counts.
    counts: f64,
}

/// Starts the app on `home` and waits for the home screen's counts.
async fn timed_start(home: &Path) -> (driver::Driver, Client, Start) {
    let (driver, client, launched) = start(home, PORT).await;
    let session = launched.elapsed().as_secs_f64() * 1000.0;
    // The session request's instant on the two clocks the app's times are read on.
    let boot_clock = uptime_secs() - session / 1000.0;
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
        - session;
    counts_shown(&client).await;
    let counts = launched.elapsed().as_secs_f64() * 1000.0;
    let process = app_pid(home)
        .and_then(process_started_secs)
        .map(|at| (at - boot_clock) * 1000.0)
        .unwrap_or(f64::NAN);
    let page = client
        .execute(
            "return [performance.timeOrigin, performance.timing.domContentLoadedEventEnd];",
            vec![],
        )
        .await
        .ok();
    let at = |i: usize| {
        page.as_ref()
            .and_then(|p| p[i].as_f64())
            .map(|ms| ms - wall)
            .unwrap_or(f64::NAN)
    };
    let start = Start {
        process,
        page: at(0),
        parsed: at(1),
        session,
        counts,
    };
    (driver, client, start)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

fn starts_lines(label: &str, starts: &[Start]) {
    let counts: Vec<f64> = starts.iter().map(|s| s.counts).collect();
    let min = counts.iter().copied().fold(f64::INFINITY, f64::min);
    let max = counts.iter().copied().fold(0.0, f64::max);
    println!(
        "{label:<44} median {:>5.0} ms, min {min:.0} ms, max {max:.0} ms",
        median(counts.clone())
    );
    let of = |f: fn(&Start) -> f64| median(starts.iter().map(f).collect());
    println!(
        "    (medians: app process started {:.0} ms, page load started {:.0} ms, page parsed {:.0} ms, session answered {:.0} ms)",
        of(|s| s.process),
        of(|s| s.page),
        of(|s| s.parsed),
        of(|s| s.session)
    );
}

/// Asks the app for a region search until it answers with villages (a first start's import
/// over); the time from `launched`.
async fn regions_searchable(client: &Client, launched: Instant) -> u128 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let found = client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI_INTERNALS__.invoke('regions_search', { query: 'sukamaju', limit: 5 })
                   .then(r => done(r.length), () => done(0));",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        if found > 0 {
            return launched.elapsed().as_millis();
        }
        assert!(Instant::now() < deadline, "no region search answered");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn counts_shown(client: &Client) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = wait_for_css(client, "[data-testid=home-drafts]")
            .await
            .text()
            .await
            .unwrap_or_default();
        if text.chars().any(|c| c.is_ascii_digit()) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the home screen never showed its counts"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn memory_line(label: &str, data_home: &Path) {
    let pid = app_pid(data_home).expect("the app's process");
    let tree = process_tree(pid);
    let (rss, pss) = memory_kb(&tree);
    let names: Vec<String> = tree
        .iter()
        .filter_map(|pid| {
            let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
            let (_, pss) = memory_kb(&[*pid]);
            Some(format!("{} {:.0} MB", name.trim(), pss as f64 / 1024.0))
        })
        .collect();
    println!(
        "{label:<44} RSS {:>6.1} MB   PSS {:>6.1} MB   (PSS: {})",
        rss as f64 / 1024.0,
        pss as f64 / 1024.0,
        names.join(", ")
    );
}

/// A photo of about the size a phone gives after the officer's export: 1600 x 1200 JPEG.
fn photo(seed: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(1600, 1200, |x, y| {
        image::Rgb([
            ((x * 7 + seed * 13) % 256) as u8,
            ((y * 5 + seed * 29) % 256) as u8,
            (((x ^ y) + seed) % 256) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` would too: only a bench run measures.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    // The drawing mode the app will choose here (`src-tauri/src/render.rs`); run with
    // OVOP_LOW_MEMORY=1 to measure a 4 GB laptop's mode on a bigger machine.
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let low = std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some()
        || ovop_field::render::low_memory(
            meminfo
                .as_deref()
                .and_then(ovop_field::render::meminfo_total_kib),
            std::env::var("OVOP_LOW_MEMORY").ok().as_deref(),
        );
    println!(
        "drawing mode: {}",
        if low {
            "without compositing (low memory)"
        } else {
            "WebKit compositing"
        }
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    load_line("before");
    let data = tempfile::tempdir().expect("temp");
    let home = data.path();

    // First start: a fresh install, warm (the app's files read a moment ago), then cold on
    // another fresh data folder.
    for cold in [false, true] {
        let fresh = tempfile::tempdir().expect("temp");
        let first_home = if cold { fresh.path() } else { home };
        if cold && !drop_caches() {
            println!(
                "first start, cold page cache: not measured (dropping the page cache needs root)"
            );
            continue;
        }
        let (driver, client, launched) = start(first_home, PORT).await;
        counts_shown(&client).await;
        let counts = launched.elapsed().as_millis();
        let regions = regions_searchable(&client, launched).await;
        println!(
            "first start, {} page cache: home with counts {counts:>6} ms, regions searchable {regions:>6} ms",
            if cold { "cold" } else { "warm" }
        );
        client.close().await.expect("close");
        drop(driver);
    }

    // Later starts on the same data, warm then cold.
    let mut warm = Vec::new();
    for i in 0..STARTS {
        let (driver, client, start) = timed_start(home).await;
        warm.push(start);
        if i + 1 == STARTS {
            tokio::time::sleep(Duration::from_secs(3)).await;
            memory_line("memory at rest on the home screen", home);
        }
        client.close().await.expect("close");
        drop(driver);
    }
    starts_lines(
        &format!("start to home with counts, {STARTS} runs, warm"),
        &warm,
    );
    let mut cold = Vec::new();
    for _ in 0..STARTS {
        if !drop_caches() {
            break;
        }
        let (driver, client, start) = timed_start(home).await;
        cold.push(start);
        client.close().await.expect("close");
        drop(driver);
    }
    if cold.is_empty() {
        println!("start, cold page cache: not measured (dropping the page cache needs root)");
    } else {
        starts_lines(
            &format!("start to home with counts, {STARTS} runs, cold"),
            &cold,
        );
    }

    // A product with 50 photos and a draft: open the sheet, score it whole by keyboard.
    let seeded = seed_draft(home);
    {
        let mut store =
            ovop_store::Store::open(&home.join("org.ovopfield.app/ovop.sqlite")).expect("store");
        for i in 0..50 {
            store
                .add_photo(
                    "product",
                    &seeded.product,
                    "",
                    &format!("foto-{i}.jpg"),
                    &photo(i),
                    "2026-11-23T08:00:00Z",
                )
                .expect("photo");
        }
    }
    let (_driver, client, _) = start(home, PORT).await;
    counts_shown(&client).await;
    wait_for_css(&client, "[data-testid=nav-producers]")
        .await
        .click()
        .await
        .expect("producers");
    wait_for_css(&client, "[data-testid=producer-row]")
        .await
        .click()
        .await
        .expect("open the producer");
    let thumbs_start = Instant::now();
    let deadline = Instant::now() + Duration::from_secs(60);
    // Until the 50 are listed and every one on screen is drawn (those below the fold load
    // lazily, as the officer scrolls).
    loop {
        let seen = client
            .execute(
                "const all = Array.from(document.querySelectorAll(\"[data-testid='photo-thumb']\"));
                 const onScreen = all.filter(i => { const r = i.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; });
                 return [all.length, onScreen.length, onScreen.filter(i => i.complete && i.naturalWidth > 0).length];",
                vec![],
            )
            .await
            .expect("thumbs");
        let n = |i: usize| seen[i].as_u64().unwrap_or(0);
        if n(0) == 50 && n(1) > 0 && n(1) == n(2) {
            println!(
                "producer page with 50 photos, {:>2} on screen drawn {:>6} ms",
                n(1),
                thumbs_start.elapsed().as_millis()
            );
            break;
        }
        assert!(Instant::now() < deadline, "50 thumbnails: {seen}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let row = format!(
        "[data-testid=product-assessment][data-id='{}']",
        seeded.assessment
    );
    wait_for_css(&client, &row)
        .await
        .click()
        .await
        .expect("open the sheet");
    wait_for_css(&client, "[data-testid=assessment-screen]").await;
    let scoring = Instant::now();
    for _ in 0..22 {
        client
            .active_element()
            .await
            .expect("focus")
            .send_keys("2")
            .await
            .expect("key");
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let total = wait_for_css(&client, "[data-testid=a-total]")
            .await
            .text()
            .await
            .unwrap_or_default();
        if total.starts_with("44") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the sheet never reached 44: {total}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!(
        "22 criteria scored by keyboard, all saved      {:>6} ms",
        scoring.elapsed().as_millis()
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    memory_line("memory after a full sheet, 50 photos", home);
    client.close().await.expect("close");
    load_line("after");
}
