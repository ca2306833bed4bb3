//! The app's start and memory, in the real window (a release build under Xvfb):
//!
//! ```sh
//! xvfb-run -a -s "-screen 0 1366x768x24" cargo bench -p ovop-field --bench app
//! ```
//!
//! - **First start**: a fresh install, the regions imported on the way (once per laptop).
//! - **Start**: the app launched on existing data until the home screen shows its counts,
//!   timed from the WebDriver session request (so it includes tauri-driver starting
//!   WebKitWebDriver, which starts the app: the app alone is faster).
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
            meminfo.as_deref(),
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
    let data = tempfile::tempdir().expect("temp");
    let home = data.path();

    // First start: a fresh install.
    let (driver, client, launched) = start(home, PORT).await;
    counts_shown(&client).await;
    println!(
        "first start (regions imported)               {:>6} ms",
        launched.elapsed().as_millis()
    );
    client.close().await.expect("close");
    drop(driver);

    // Later starts on the same data.
    let mut times = Vec::new();
    for i in 0..STARTS {
        let (driver, client, launched) = start(home, PORT).await;
        counts_shown(&client).await;
        times.push(launched.elapsed().as_millis());
        if i + 1 == STARTS {
            tokio::time::sleep(Duration::from_secs(3)).await;
            memory_line("memory at rest on the home screen", home);
        }
        client.close().await.expect("close");
        drop(driver);
    }
    times.sort_unstable();
    println!(
        "start to home with counts, {STARTS} runs             median {} ms, min {} ms, max {} ms",
        times[STARTS / 2],
        times[0],
        times[STARTS - 1]
    );

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
}
