//! A whole backup of a laptop's data: every Indonesian region, 200 producers with a product
//! each, and `BENCH_PHOTOS` photos (500 by default, 1600x1200 JPEGs of a few hundred KB, as a
//! phone takes them, each with its thumbnail). Writes the backup to another folder, checks it
//! and restores it on an empty laptop, three times each; prints the median time, the size and
//! the rate.
//!
//!     cargo bench -p ovop-store --bench archive

use std::io::Cursor;
use std::time::{Duration, Instant};

use ovop_store::archive::{inspect_archive, restore_archive};
use ovop_store::records::{Producer, Product};
use ovop_store::Store;

const NOW: &str = "2026-12-07T09:00:00Z";
const RUNS: usize = 3;

fn photo(seed: u32) -> Vec<u8> {
    // Smooth gradients with some noise: compresses as a photo does (a few hundred KB).
    let img = image::RgbImage::from_fn(1600, 1200, |x, y| {
        let n = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729) ^ seed.wrapping_mul(31)) % 23;
        image::Rgb([
            ((x / 7 + seed) % 256) as u8,
            ((y / 5 + n) % 256) as u8,
            ((x + y + seed * 3) / 13 % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
        .expect("jpeg");
    out
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let photos: usize = std::env::var("BENCH_PHOTOS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let home = tempfile::tempdir().expect("temp");
    let usb = tempfile::tempdir().expect("temp");
    let mut store = Store::open(&home.path().join("ovop.sqlite")).expect("store");
    store.ensure_regions().expect("regions");
    let mut products = Vec::new();
    for i in 0..200 {
        let producer = store
            .add_producer(
                &Producer {
                    name: format!("KWT Melati {i}"),
                    ..Producer::default()
                },
                NOW,
            )
            .expect("producer");
        products.push(
            store
                .add_product(
                    &Product {
                        producer_id: producer,
                        name: format!("Keripik {i}"),
                        ..Product::default()
                    },
                    NOW,
                )
                .expect("product"),
        );
    }
    let started = Instant::now();
    let mut bytes = 0u64;
    for i in 0..photos {
        let jpeg = photo(i as u32);
        bytes += jpeg.len() as u64;
        store
            .add_photo(
                "product",
                &products[i % products.len()],
                "",
                "foto.jpg",
                &jpeg,
                NOW,
            )
            .expect("photo");
    }
    println!(
        "whole backup benchmark: every region, 200 producers, {photos} photos ({:.0} MB) added in {:.1} s; median of {RUNS}",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let mut written = Vec::new();
    let mut size = 0;
    for run in 0..RUNS {
        let folder = usb.path().join(format!("run-{run}"));
        std::fs::create_dir_all(&folder).expect("folder");
        let started = Instant::now();
        let done = store.write_archive(&folder, NOW).expect("written");
        written.push(started.elapsed());
        size = done.bytes;
    }
    let file = std::fs::read_dir(usb.path().join("run-0"))
        .expect("folder")
        .next()
        .expect("a backup")
        .expect("entry")
        .path();
    let mb = size as f64 / 1e6;
    let report = |what: &str, time: Duration| {
        println!(
            "  {what:<34} median {:>8.0} ms   {:>6.0} MB/s   ({mb:.0} MB)",
            time.as_secs_f64() * 1000.0,
            mb / time.as_secs_f64()
        );
    };
    report("write to another folder", median(written));

    let mut checked = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        inspect_archive(store.path(), &file).expect("checked");
        checked.push(started.elapsed());
    }
    report("check (every entry hashed)", median(checked));

    let mut restored = Vec::new();
    for _ in 0..RUNS {
        let other = tempfile::tempdir().expect("temp");
        let db = other.path().join("ovop.sqlite");
        let started = Instant::now();
        restore_archive(&db, &file).expect("restored");
        restored.push(started.elapsed());
    }
    report("restore on an empty laptop", median(restored));
}
