//! The office's recap over a province's worth of records, on SQLite and on PostgreSQL:
//! 200,000 assessments (150,000 products over the 13 regencies of South Kalimantan, two years,
//! some re-assessed, some returned) and 500,000 coaching actions with 100,000 follow-up visits,
//! written straight into the server's tables. Then a supervisor of the province asks, 20 times
//! each, for the programme page's figures (`GET /v1/office/recap`, the whole province and one
//! regency), the page itself (`/dashboard/office`) and the printed recap (`format=pdf`); the
//! median and p95 of each are printed.
//!
//!     cargo bench -p ovop-server --bench recap
//!
//! `BENCH_ASSESSMENTS` and `BENCH_ACTIONS` change the amounts, `BENCH_BACKENDS=sqlite` (or
//! `postgres`) runs one backend, and `BENCH_KEEP=FILE` keeps a copy of the SQLite database.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use ovop_server::db::Val;
use ovop_server::regions::Regions;
use support::*;

const RUNS: usize = 20;

fn amount(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift), so every run has the same records.
struct Dice(u64);

impl Dice {
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

/// Villages of each regency of South Kalimantan (63), a few per regency.
fn villages() -> Vec<(String, String, String)> {
    let regions = Regions::get();
    let mut out = Vec::new();
    for regency in 1..=13 {
        let code = format!("63.{regency:02}");
        if regions.path(&code).is_none() {
            continue;
        }
        for district in 1..=4 {
            for village in [1001, 1002, 2001, 2002, 2003] {
                let v = format!("{code}.{district:02}.{village}");
                if let Some(path) = regions.path(&v) {
                    out.push((v, path, code.clone()));
                }
            }
        }
        // A regency whose villages are numbered otherwise still counts, at its own code.
        if !out.iter().any(|(_, _, r)| *r == code) {
            if let Some(path) = regions.path(&code) {
                out.push((code.clone(), path, code.clone()));
            }
        }
    }
    out
}

async fn insert(server: &Server, into: &'static str, rows: Vec<Vec<Val>>) {
    let width = rows.first().map_or(1, Vec::len);
    for chunk in rows.chunks(20_000 / width) {
        let chunk = chunk.to_vec();
        server
            .running
            .state
            .db
            .run(move |tx| {
                let mut marks = Vec::with_capacity(chunk.len());
                for r in 0..chunk.len() {
                    let row: Vec<String> =
                        (1..=width).map(|c| format!("${}", r * width + c)).collect();
                    marks.push(format!("({})", row.join(", ")));
                }
                let params: Vec<Val> = chunk.into_iter().flatten().collect();
                tx.exec(
                    &format!("INSERT INTO {into} VALUES {}", marks.join(", ")),
                    &params,
                )?;
                Ok(())
            })
            .await
            .expect("insert");
    }
}

async fn fill(server: &Server, assessments: usize, actions: usize) {
    let villages = villages();
    assert!(villages.len() > 13, "South Kalimantan's villages");
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    // Fifty officers, four per regency or so.
    for n in 0..50 {
        let regency = &villages[n * villages.len() / 50].2;
        server
            .user(&format!("officer{n:02}"), "officer", &[regency], None)
            .await;
    }
    let officer_ids: Vec<i64> = server
        .running
        .state
        .db
        .run(|tx| {
            Ok(tx
                .query(
                    "SELECT id FROM app_user WHERE role = 'officer' ORDER BY id",
                    &[],
                )?
                .iter()
                .map(|r| r.int(0))
                .collect())
        })
        .await
        .expect("officers");
    let products = assessments * 3 / 4;
    let sets = ["makanan", "minuman", "kriya", "fesyen", "herbal", "wisata"];
    let place = |p: usize| &villages[p % villages.len()];
    let mut rows = Vec::with_capacity(assessments);
    for n in 0..assessments {
        let product = if n < products {
            n
        } else {
            dice.below(products as u64) as usize
        };
        let (village, path, regency) = place(product);
        let star = dice.below(6) as i64;
        let day = format!(
            "{}-{:02}-{:02}",
            2025 + dice.below(2),
            1 + dice.below(12),
            1 + dice.below(28)
        );
        let status = match dice.below(20) {
            0 => "returned",
            1..=9 => "approved",
            _ => "submitted",
        };
        let total = star * 12;
        rows.push(vec![
            Val::Text(format!("a-{n:07}")),
            Val::Int(1),
            Val::Text(format!("p-{product:07}")),
            Val::Text(format!("Produk {product}")),
            Val::Text(format!("UMKM {product}")),
            Val::from("ovop"),
            Val::from(sets[product % sets.len()]),
            Val::from("ovop-id-template"),
            Val::from("2026.2"),
            Val::Text(village.clone()),
            Val::Text(path.clone()),
            Val::Text(regency.clone()),
            Val::Int(officer_ids[product % officer_ids.len()]),
            Val::Text(day),
            Val::Int(total),
            Val::Int(66),
            Val::Int(star),
            if star == 0 { Val::Null } else { Val::Int(star) },
            Val::from(status),
            Val::from("2026-11-30T08:00:00Z"),
            Val::Int(total * 100),
            Val::from("final"),
            Val::Int(1),
            Val::Null,
            Val::from("2026-1"),
            Val::from("regency"),
            Val::from("new"),
            Val::Null,
            Val::Null,
        ]);
    }
    insert(
        server,
        "assessment (id, revision, product_id, product_name, producer_name, programme, product_set, criteria_set,
           criteria_version, region_code, region_path, regency_code, officer_id, assessed_on, total, max_total,
           star_by_score, star, status, received_at, total_hundredths, standing, sheets, verdict, round, level, kind, quorum, proposed_level)",
        rows,
    )
    .await;
    let supports = [
        "training",
        "packaging",
        "lab_test",
        "certification",
        "marketing",
        "finance",
        "other",
    ];
    let progress = ["not_started", "in_progress", "done", "dropped"];
    let mut rows = Vec::with_capacity(actions);
    for n in 0..actions {
        let product = dice.below(products as u64) as usize;
        let (village, path, regency) = place(product);
        let state = progress[dice.below(4) as usize];
        let open = i64::from(matches!(state, "not_started" | "in_progress"));
        let due = format!(
            "{}-{:02}-{:02}",
            2025 + dice.below(3),
            1 + dice.below(12),
            1 + dice.below(28)
        );
        rows.push(vec![
            Val::Text(format!("c-{n:07}")),
            Val::Int(1 + dice.below(3) as i64),
            Val::Text(format!("p-{product:07}")),
            Val::Text(format!("Produk {product}")),
            Val::Text(format!("UMKM {product}")),
            Val::Null,
            Val::Null,
            Val::from(supports[dice.below(7) as usize]),
            Val::from("officer"),
            Val::Text(due),
            Val::from(state),
            Val::Int(open),
            Val::Text(village.clone()),
            Val::Text(path.clone()),
            Val::Text(regency.clone()),
            Val::Int(officer_ids[product % officer_ids.len()]),
            Val::from("2026-11-30T08:00:00Z"),
            Val::from("2026-11-30T08:00:00Z"),
        ]);
    }
    insert(
        server,
        "coaching_action (id, revision, product_id, product_name, producer_name, assessment_id, criterion, support,
           owner, due, progress, open, region_code, region_path, regency_code, officer_id, received_at, changed_at)",
        rows,
    )
    .await;
    let mut rows = Vec::with_capacity(actions / 5);
    for n in 0..actions / 5 {
        let product = dice.below(products as u64) as usize;
        let (village, path, regency) = place(product);
        rows.push(vec![
            Val::Text(format!("v-{n:07}")),
            Val::Text(format!("p-{product:07}")),
            Val::Text(format!(
                "2026-{:02}-{:02}",
                1 + dice.below(11),
                1 + dice.below(28)
            )),
            Val::Int(1 + dice.below(3) as i64),
            Val::Text(village.clone()),
            Val::Text(path.clone()),
            Val::Text(regency.clone()),
            Val::Int(officer_ids[product % officer_ids.len()]),
            Val::from("2026-11-30T08:00:00Z"),
        ]);
    }
    insert(
        server,
        "coaching_visit (id, product_id, visited_on, updates, region_code, region_path, regency_code, officer_id, received_at)",
        rows,
    )
    .await;
    // Statistics for the planner (and PostgreSQL's visibility map), as a server that has run a
    // while has them from its autovacuum.
    match &server.database {
        Some(name) => {
            let url = postgres_url(name);
            tokio::task::spawn_blocking(move || {
                let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
                client.batch_execute("VACUUM ANALYZE").expect("vacuum");
                if std::env::var("BENCH_EXPLAIN").is_ok() {
                    for sql in [
                        "EXPLAIN (ANALYZE, BUFFERS) SELECT regency_code, product_set, star, COUNT(*) FROM (
                           SELECT a.regency_code, a.product_set, a.star,
                                  ROW_NUMBER() OVER (PARTITION BY a.product_id
                                    ORDER BY a.assessed_on DESC, a.received_at DESC, a.id DESC, a.revision DESC) AS n
                           FROM assessment a
                           WHERE a.assessed_on >= '2026-01-01' AND a.assessed_on <= '2026-12-31' AND a.status <> 'returned'
                             AND NOT EXISTS (SELECT 1 FROM assessment r WHERE r.id = a.id AND r.revision > a.revision)
                             AND (a.region_path LIKE '%|63|%')) latest WHERE n = 1
                         GROUP BY regency_code, product_set, star",
                        "EXPLAIN (ANALYZE, BUFFERS) SELECT c.officer_id, u.name, u.display_name, c.regency_code, c.support, COUNT(*),
                           SUM(CASE WHEN c.due IS NOT NULL AND c.due < '2026-12-07' THEN 1 ELSE 0 END)
                         FROM coaching_action c JOIN app_user u ON u.id = c.officer_id
                         WHERE c.open = 1 AND (c.region_path LIKE '%|63|%')
                         GROUP BY c.officer_id, u.name, u.display_name, c.regency_code, c.support",
                        "EXPLAIN (ANALYZE, BUFFERS) SELECT officer_id, COUNT(DISTINCT id) FROM assessment
                         WHERE assessed_on >= '2026-01-01' AND assessed_on <= '2026-12-31' AND (region_path LIKE '%|63|%')
                         GROUP BY officer_id",
                    ] {
                        for row in client.query(sql, &[]).expect("explain") {
                            println!("    {}", row.get::<_, String>(0));
                        }
                    }
                }
            })
            .await
            .expect("task");
        }
        None => server
            .running
            .state
            .db
            .run(|tx| {
                tx.exec("ANALYZE", &[])?;
                Ok(())
            })
            .await
            .expect("analyze"),
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and p95 of `RUNS` requests of `path`, checking each answers 200.
async fn time(client: &reqwest::Client, url: &str, auth: (&str, &str)) -> (f64, f64, usize) {
    let mut took = Vec::with_capacity(RUNS);
    let mut size = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let request = client.get(url);
        let request = match auth {
            ("bearer", token) => request.bearer_auth(token),
            (_, cookie) => request.header("cookie", cookie),
        };
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 200, "{url}");
        size = response.bytes().await.expect("body").len();
        took.push(started.elapsed());
    }
    took.sort();
    (
        ms(took[RUNS / 2]),
        ms(took[(RUNS * 95).div_ceil(100) - 1]),
        size,
    )
}

async fn run(backend: Backend, assessments: usize, actions: usize) {
    let server = Server::start(backend).await;
    server
        .user("kepala", "supervisor", &["63"], Some("kepala-rahasia-1"))
        .await;
    let token = server.enrol("kepala", "kepala-rahasia-1").await;
    let started = Instant::now();
    fill(&server, assessments, actions).await;
    let filled = started.elapsed();
    // `BENCH_KEEP=FILE`: a copy of the SQLite database, to look at the queries' plans.
    if let (Backend::Sqlite, Ok(keep)) = (backend, std::env::var("BENCH_KEEP")) {
        let _ = std::fs::remove_file(&keep);
        let from =
            rusqlite::Connection::open(server.dir.path().join("server.sqlite")).expect("open");
        from.execute(&format!("VACUUM INTO '{}'", keep.replace('\'', "")), [])
            .expect("a copy of the database");
    }
    let client = reqwest::Client::new();
    // The dashboard's session, signed in as a browser would.
    let signed = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(server.url("/login"))
        .header("origin", server.url(""))
        .form(&[("user", "kepala"), ("password", "kepala-rahasia-1")])
        .send()
        .await
        .expect("sign in");
    let cookie = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_string())
        .collect::<Vec<_>>()
        .join("; ");
    let name = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    println!(
        "{name}: {assessments} assessments, {actions} actions, {} visits written in {:.1} s",
        actions / 5,
        filled.as_secs_f64()
    );
    for (what, path, auth) in [
        (
            "recap JSON, province",
            "/v1/office/recap?from=2026-01-01&to=2026-12-31",
            ("bearer", token.as_str()),
        ),
        (
            "recap JSON, one regency",
            "/v1/office/recap?region=63.05&from=2026-01-01&to=2026-12-31",
            ("bearer", token.as_str()),
        ),
        (
            "programme page",
            "/dashboard/office?from=2026-01-01&to=2026-12-31",
            ("cookie", cookie.as_str()),
        ),
        (
            "recap PDF, province",
            "/v1/office/recap?from=2026-01-01&to=2026-12-31&format=pdf",
            ("bearer", token.as_str()),
        ),
        (
            "recap XLSX, province",
            "/v1/office/recap?from=2026-01-01&to=2026-12-31&format=xlsx",
            ("bearer", token.as_str()),
        ),
    ] {
        let (median, p95, size) = time(&client, &server.url(path), auth).await;
        println!("  {what:<26} median {median:>7.1} ms   p95 {p95:>7.1} ms   ({size} bytes)");
    }
    server.stop().await;
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let assessments = amount("BENCH_ASSESSMENTS", 200_000);
    let actions = amount("BENCH_ACTIONS", 500_000);
    println!("recap benchmark: p50 and p95 of {RUNS} requests each (release build)");
    // `BENCH_BACKENDS=sqlite` (or `postgres`) runs one.
    let only = std::env::var("BENCH_BACKENDS").unwrap_or_default();
    for (name, backend) in [("sqlite", Backend::Sqlite), ("postgres", Backend::Postgres)] {
        if only.is_empty() || only.contains(name) {
            run(backend, assessments, actions).await;
        }
    }
}
