//! `ovop bench`: measurements that print numbers a person can compare release to release, and
//! the writer the crash test kills.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::Subcommand;
use ovop_core::catalog::Catalog;
use ovop_core::{Answer, Answers, Rubric};
use ovop_store::assessments::{EvidenceDocument, Visit};
use ovop_store::records::{Producer, Product};
use ovop_store::Store;

use crate::store_cmd::now;
use crate::{CliError, CliResult};
use ovop_core::Code;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// The store on a real file: region import, open, region and product search over 100,000
    /// products, autosave and finalise.
    Store {
        /// Where to build the benchmark database (a new temporary folder by default).
        #[arg(long)]
        dir: Option<PathBuf>,
        #[arg(long, default_value_t = 100_000)]
        products: usize,
    },
    /// Writes and finalises assessments of PRODUCT in a loop, printing each committed id and
    /// content hash; the crash test kills it at random instants.
    WriteLoop {
        #[arg(long)]
        product: String,
        #[arg(long, default_value = "ovop-id-template")]
        criteria: String,
    },
}

pub fn run(cmd: BenchCommand, db: &Path) -> CliResult {
    match cmd {
        BenchCommand::Store { dir, products } => store_bench(dir, products),
        BenchCommand::WriteLoop { product, criteria } => write_loop(db, &product, &criteria),
    }
}

fn complete(rubric: &Rubric, level: u32) -> Answers {
    let set = rubric.set();
    Answers {
        criteria: set.id.clone(),
        version: Some(set.version.clone()),
        gates: set.gates.iter().map(|g| (g.code.clone(), true)).collect(),
        answers: set
            .criteria()
            .map(|c| {
                (
                    c.code.clone(),
                    Answer::Level(level.min(c.levels.len() as u32)),
                )
            })
            .collect(),
        ..Answers::default()
    }
}

fn rubric(criteria: &str) -> Result<Rubric, CliError> {
    Catalog::shipped()
        .get(criteria, None)
        .map(|e| e.rubric.clone())
        .ok_or_else(|| {
            CliError::new(
                Code::CriteriaNotFound.as_str(),
                format!("no criteria set {criteria}"),
            )
        })
}

fn write_loop(db: &Path, product: &str, criteria: &str) -> CliResult {
    let mut store = Store::open(db)?;
    let rubric = rubric(criteria)?;
    let stdout = std::io::stdout();
    // Tells the crash test that the writes begin now, so its kills land among them.
    println!("ready");
    std::io::stdout()
        .flush()
        .map_err(|e| CliError::new("io", e.to_string()))?;
    for i in 0u64.. {
        let id = store.new_assessment(product, &rubric, &Visit::default(), &now())?;
        store.save_answers(&id, &complete(&rubric, 1 + (i % 3) as u32), &now())?;
        let done = store.finalize(&id, &now())?;
        // Printed only after the commit returned: the parent may rely on every printed line.
        let mut out = stdout.lock();
        writeln!(out, "{} {}", done.id, done.content_hash.unwrap_or_default())
            .map_err(|e| CliError::new("io", e.to_string()))?;
        out.flush()
            .map_err(|e| CliError::new("io", e.to_string()))?;
    }
    Ok(())
}

struct Timings(Vec<Duration>);

impl Timings {
    fn pct(&self, p: f64) -> f64 {
        let mut v: Vec<f64> = self.0.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        v.sort_by(|a, b| a.total_cmp(b));
        v[((v.len() as f64 - 1.0) * p).round() as usize]
    }
}

fn row(name: &str, t: &Timings, target: &str) {
    println!(
        "{name:<44} {:>5} {:>9.3} {:>9.3} {:>9.3}   {target}",
        t.0.len(),
        t.pct(0.5),
        t.pct(0.95),
        t.pct(1.0)
    );
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn store_bench(dir: Option<PathBuf>, products: usize) -> CliResult {
    let temp;
    let dir = match dir {
        Some(d) => d,
        None => {
            temp = std::env::temp_dir().join(format!("ovop-bench-{}", std::process::id()));
            temp
        }
    };
    std::fs::create_dir_all(&dir).map_err(|e| CliError::new("io", e.to_string()))?;
    let path = dir.join("bench.sqlite");
    let _ = std::fs::remove_file(&path);
    let mut store = Store::open(&path)?;
    let (imported, import_time) = time(|| store.ensure_regions());
    let imported = imported?;
    // Both countries, as an office serving the two would have them.
    let both = ["ID".to_string(), "VN".to_string()];
    let (countries, vn_import_time) =
        time(|| store.choose_countries(&both, "2026-01-01T00:00:00Z"));
    let imported = imported + countries?.imported.get("VN").copied().unwrap_or(0) as usize;

    // Producers spread over the villages, ten products each.
    let villages: Vec<String> = store
        .search_regions("a", 5000)?
        .into_iter()
        .filter(|r| r.level == "village")
        .map(|r| r.code)
        .collect();
    let villages = if villages.is_empty() {
        vec![String::new()]
    } else {
        villages
    };
    let words = [
        "Keripik",
        "Kopi",
        "Tenun",
        "Anyaman",
        "Gula Aren",
        "Madu",
        "Batik",
        "Gerabah",
        "Dodol",
        "Sambal",
        "Teh",
        "Minyak",
    ];
    // One transaction per record, as the app writes them.
    let (filled, fill_time) = time(|| -> CliResult {
        {
            let mut product_no = 0;
            let mut p = 0;
            while product_no < products {
                let village = &villages[p % villages.len()];
                let producer = Producer {
                    name: format!("UMKM {} {}", words[p % words.len()], p),
                    village_code: (!village.is_empty()).then(|| village.clone()),
                    ..Producer::default()
                };
                let producer_id = store.add_producer(&producer, "2026-01-01T00:00:00Z")?;
                for k in 0..10.min(products - product_no) {
                    let product = Product {
                        producer_id: producer_id.clone(),
                        name: format!(
                            "{} {} {}",
                            words[(p + k) % words.len()],
                            words[(p * 7 + k) % words.len()],
                            product_no
                        ),
                        skus: vec![format!("SKU-{product_no}")],
                        ..Product::default()
                    };
                    store.add_product(&product, "2026-01-01T00:00:00Z")?;
                    product_no += 1;
                }
                p += 1;
            }
        }
        Ok(())
    });
    filled?;
    drop(store);

    let (store, open_time) = time(|| Store::open(&path));
    let mut store = store?;
    let queries = [
        "tapin",
        "da",
        "kab ba",
        "sungai",
        "kota",
        "binuang",
        "jakarta selatan",
        "desa",
        "hulu",
        "ma",
    ];
    // Vietnamese, typed as officers type them: without diacritics, without the type word, by
    // the old name of a merged commune, and short prefixes.
    let vn_queries = [
        "xa bat trang",
        "phuong ba dinh",
        "dac khu con dao",
        "truc bach",
        "ha noi",
        "xa",
        "phuong",
        "tan",
        "hoa",
        "nguyen",
    ];
    let mut region = Timings(Vec::new());
    let mut region_vn = Timings(Vec::new());
    let mut product = Timings(Vec::new());
    for round in 0..20 {
        for (q, vn) in queries.into_iter().zip(vn_queries) {
            let (r, d) = time(|| store.search_regions(q, 20));
            r?;
            region.0.push(d);
            let (r, d) = time(|| store.search_regions(vn, 20));
            r?;
            region_vn.0.push(d);
            let q = words[(round + q.len()) % words.len()];
            let (r, d) = time(|| store.search_products(q, None, 50));
            r?;
            product.0.push(d);
        }
    }
    let mut in_region = Timings(Vec::new());
    for q in words {
        let (r, d) = time(|| store.search_products(q, Some("63"), 50));
        r?;
        in_region.0.push(d);
    }

    let rubric = rubric("ocop-1048-06")?;
    let some_product = store
        .search_products("kopi", None, 1)?
        .into_iter()
        .next()
        .map(|h| h.product.id)
        .unwrap_or_default();
    let mut autosave = Timings(Vec::new());
    let mut change = Timings(Vec::new());
    let mut finalize = Timings(Vec::new());
    let mut start = Timings(Vec::new());
    // The product's dossier, recorded once: every later sheet starts with it.
    let first = store.new_assessment(&some_product, &rubric, &Visit::default(), &now())?;
    for (kind, number) in [("nib", "9120001234567"), ("halal", "ID63110000123")] {
        store.set_evidence(
            &first,
            &EvidenceDocument {
                kind: kind.into(),
                number: Some(number.into()),
                expires_on: Some("2028-06-30".into()),
                ..EvidenceDocument::default()
            },
        )?;
    }
    for _ in 0..50 {
        let (id, d) =
            time(|| store.new_assessment(&some_product, &rubric, &Visit::default(), &now()));
        let id = id?;
        start.0.push(d);
        let mut answers = Answers {
            criteria: rubric.set().id.clone(),
            version: Some(rubric.set().version.clone()),
            ..Answers::default()
        };
        for c in rubric.set().criteria() {
            answers.answers.insert(c.code.clone(), Answer::Level(1));
            let (r, d) = time(|| store.save_answers(&id, &answers, &now()));
            r?;
            autosave.0.push(d);
        }
        // What the app does on every choice: the engine settles the change, then one write.
        let id = store.new_assessment(&some_product, &rubric, &Visit::default(), &now())?;
        let top = complete(&rubric, u32::MAX);
        for (code, answer) in &top.answers {
            let choice = ovop_store::assessments::DraftChange::Answer {
                code: code.clone(),
                answer: Some(*answer),
            };
            let (r, d) = time(|| store.change(&id, &choice, &now()));
            r?;
            change.0.push(d);
        }
        let full = complete(&rubric, u32::MAX);
        store.save_answers(&id, &full, &now())?;
        let (r, d) = time(|| store.finalize(&id, &now()));
        r?;
        finalize.0.push(d);
    }

    println!(
        "OVOP Field store benchmark: {} regions, {products} products, {}",
        imported,
        path.display()
    );
    println!(
        "{:<44} {:>5} {:>9} {:>9} {:>9}   target",
        "", "n", "p50 ms", "p95 ms", "max ms"
    );
    row(
        "import every Indonesian region",
        &Timings(vec![import_time]),
        "< 5000 ms",
    );
    row(
        &format!("fill {products} products (one transaction each)"),
        &Timings(vec![fill_time]),
        "",
    );
    row("open the store", &Timings(vec![open_time]), "< 100 ms");
    row(
        "import Vietnam's units and old-to-new table",
        &Timings(vec![vn_import_time]),
        "",
    );
    row(
        "region search, both countries, Indonesian",
        &region,
        "p95 < 10 ms",
    );
    row(
        "region search, both countries, Vietnamese",
        &region_vn,
        "p95 < 10 ms",
    );
    row(
        &format!("product search ({products} products)"),
        &product,
        "p95 < 10 ms",
    );
    row(
        "product search in a province subtree",
        &in_region,
        "p95 < 10 ms",
    );
    row(
        "start a sheet (the product's dossier carried)",
        &start,
        "p95 < 20 ms",
    );
    row(
        "autosave of one choice (engine and write)",
        &change,
        "p95 < 5 ms",
    );
    row(
        "autosave of a draft (33-criterion sheet)",
        &autosave,
        "p95 < 5 ms",
    );
    row("finalise (result, hash, outbox)", &finalize, "p95 < 20 ms");
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
