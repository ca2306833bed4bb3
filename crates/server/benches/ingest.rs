//! Ingest benchmark: the release server as its own process, on SQLite and on PostgreSQL, with
//! 1 and 50 devices (and 200 on PostgreSQL, a province's server) pushing batches of 100
//! finalised assessments at once. Prints assessments per second, the server's CPU time (user
//! and system) per 1,000 assessments, push latency (median and p95 for a batch of 100) and the
//! server's memory at rest and at its peak.
//!
//!     cargo bench -p ovop-server --bench ingest
//!
//! The fifty-device run is repeated beside a sign-in storm: 50 dashboard sign-ins a second with
//! the right password (each one a full Argon2id check and a new session), to show that sign-ins
//! do not hold up the pushes; the sign-ins' own count and p95 are printed under the table.
//!
//! After the fifty-device run without sign-ins a supervisor exports all it stored (20,000
//! assessments by default) as CSV and XLSX, per assessment and per criterion: size, time and
//! the server's peak memory while each is written are printed under the table.
//!
//! `BENCH_BATCHES` (default 20 for one device, 4 each for fifty and two hundred) changes the
//! amount of work.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ovop_protocol::{PushRequest, Record};
use serde_json::{json, Value};
use support::*;

struct ServerProcess {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

async fn start(database: Option<&str>, officers: u32) -> ServerProcess {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let exe = env!("CARGO_BIN_EXE_ovop-server");
    let mut args = vec![
        "--data".to_string(),
        dir.path().display().to_string(),
        "--listen".into(),
        format!("127.0.0.1:{port}"),
        // The sign-in storm comes from many addresses, as through an office's proxy.
        "--trusted-proxy".into(),
        "127.0.0.1".into(),
    ];
    if let Some(url) = database {
        args.extend(["--database".into(), url.to_string()]);
    }
    let add = |name: &str, role: &str, password: &str| {
        let status = Command::new(exe)
            .args(&args)
            .args(["add-user", name, "--role", role, "--regions", "63.05"])
            .env("OVOP_PASSWORD", password)
            .env("OVOP_LOG", "warn")
            .stdout(Stdio::null())
            .status()
            .expect("add-user");
        assert!(status.success());
    };
    add("admin", "admin", "admin-rahasia-1");
    for n in 0..STORM_USERS {
        add(
            &format!("supervisor{n}"),
            "supervisor",
            "supervisor-rahasia-1",
        );
    }
    for n in 0..officers {
        add(&format!("officer{n}"), "officer", "officer-rahasia-1");
    }
    let child = Command::new(exe)
        .args(&args)
        .arg("serve")
        .env("OVOP_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("serve");
    let server = ServerProcess {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _dir: dir,
    };
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if client
            .get(format!("{}/v1/health", server.url))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return server;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not start");
}

async fn enrol(client: &reqwest::Client, url: &str, name: &str) -> String {
    enrol_with(client, url, name, "officer-rahasia-1").await
}

async fn enrol_with(client: &reqwest::Client, url: &str, name: &str, password: &str) -> String {
    let body: Value = client
        .post(format!("{url}/v1/enrol"))
        .json(&json!({"user": name, "password": password, "device_name": "bench"}))
        .send()
        .await
        .expect("enrol")
        .json()
        .await
        .expect("json");
    body["token"].as_str().expect("token").to_string()
}

/// One device's work: its producers and products first (not timed), then `batches` batches of
/// 100 assessments as bodies ready to send.
fn workload(device: u32, batches: u32) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut setup = Vec::new();
    let mut timed = Vec::new();
    for b in 0..batches {
        let mut batch = Vec::new();
        for n in 0..100 {
            let i = b * 100 + n;
            let (pr, pd, a) = (
                uuid(device, i * 3),
                uuid(device, i * 3 + 1),
                uuid(device, i * 3 + 2),
            );
            if n % 10 == 0 {
                setup.push(producer(&pr, TAPIN));
            }
            let producer_id = uuid(device, (i - i % 10) * 3);
            setup.push(product(&pd, &producer_id));
            batch.push(assessment(&a, 1, &pd, TAPIN, i, vec![]));
        }
        timed.push(serde_json::to_vec(&PushRequest { records: batch }).expect("json"));
    }
    let setup: Vec<Record> = setup;
    (
        serde_json::to_vec(&json!({ "records": setup })).expect("json"),
        timed,
    )
}

async fn push(client: &reqwest::Client, url: &str, token: &str, body: Vec<u8>) -> Duration {
    let started = Instant::now();
    let response = client
        .post(format!("{url}/v1/push"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("push");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    assert!(
        body["results"]
            .as_array()
            .expect("results")
            .iter()
            .all(|r| r["outcome"] == "accepted"),
        "{body}"
    );
    started.elapsed()
}

/// Splits a setup push into pieces the server's batch limit accepts.
async fn push_setup(client: &reqwest::Client, url: &str, token: &str, setup: &[u8]) {
    let value: Value = serde_json::from_slice(setup).expect("json");
    for chunk in value["records"].as_array().expect("records").chunks(200) {
        push(
            client,
            url,
            token,
            serde_json::to_vec(&json!({ "records": chunk })).expect("json"),
        )
        .await;
    }
}

/// The sum of `count` CPU times of a process from `/proc/<pid>/stat`, in seconds, from its
/// user time on: 2 is the process's own (user, system), 4 adds its ended children's.
fn stat_seconds(pid: u32, count: usize) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may hold spaces) start at its closing paren;
    // utime is field 14 of the line, 12th after the name.
    let ticks: f64 = stat
        .rsplit_once(')')
        .map(|(_, rest)| {
            rest.split_whitespace()
                .skip(11)
                .take(count)
                .filter_map(|v| v.parse::<f64>().ok())
                .sum()
        })
        .unwrap_or(0.0);
    ticks / clock_ticks()
}

/// The CPU time the process has used so far (user and system).
fn cpu_seconds(pid: u32) -> f64 {
    stat_seconds(pid, 2)
}

/// The CPU time PostgreSQL has used so far: every `postgres` process (the connections'
/// backends, the WAL writer, the checkpointer), and the backends that have ended (counted in
/// their parent's children's time).
fn postgres_cpu_seconds() -> f64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0.0;
    };
    entries
        .flatten()
        .filter_map(|entry| entry.file_name().to_string_lossy().parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim() == "postgres")
        })
        .map(|pid| stat_seconds(pid, 4))
        .sum()
}

/// The kernel's clock ticks per second for `/proc` times.
fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Supervisors who sign in during the storm, one after the other.
const STORM_USERS: u32 = 50;

/// Signs in to the dashboard 50 times a second until `stop`, each time another supervisor from
/// another address; each sign-in's latency.
async fn sign_in_storm(url: String, stop: tokio::sync::watch::Receiver<bool>) -> Vec<Duration> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut every = tokio::time::interval(Duration::from_millis(20));
    let mut tasks = Vec::new();
    let mut n = 0u32;
    while !*stop.borrow() {
        every.tick().await;
        n += 1;
        let (client, url) = (client.clone(), url.clone());
        let (user, address) = (
            format!("supervisor{}", n % STORM_USERS),
            format!("10.{}.{}.{}", n / 65536 % 256, n / 256 % 256, n % 256),
        );
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let response = client
                .post(format!("{url}/login"))
                .header("origin", &url)
                .header("x-forwarded-for", address)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("user={user}&password=supervisor-rahasia-1"))
                .send()
                .await
                .expect("sign-in");
            assert_eq!(response.status(), 303, "a sign-in with the right password");
            started.elapsed()
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.push(task.await.expect("sign-in"));
    }
    latencies
}

/// A supervisor exports everything the run stored, each export in turn: its size, time and the
/// server's peak memory while it was written and sent (the peak is reset first).
async fn exports(client: &reqwest::Client, server: &ServerProcess, label: &str) -> Vec<String> {
    let token = enrol_with(client, &server.url, "supervisor0", "supervisor-rahasia-1").await;
    let pid = server.child.id();
    let mut lines = Vec::new();
    for path in [
        "assessments?format=csv",
        "assessments?format=xlsx",
        "criteria?format=csv",
        "criteria?format=xlsx",
    ] {
        let rest_kb = status_kb(pid, "VmRSS:");
        // Linux: writing 5 to clear_refs resets the peak (VmHWM) to the present size.
        let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
        let started = Instant::now();
        let response = client
            .get(format!("{}/v1/export/{path}", server.url))
            .bearer_auth(&token)
            .send()
            .await
            .expect("export");
        assert_eq!(response.status(), 200, "{path}");
        let bytes = response.bytes().await.expect("body").len();
        let elapsed = started.elapsed();
        lines.push(format!(
            "{label}: export {path}: {:.1} MB in {:.1} s; server RSS {:.0} MB before, peak {:.0} MB",
            bytes as f64 / 1e6,
            elapsed.as_secs_f64(),
            rest_kb as f64 / 1024.0,
            status_kb(pid, "VmHWM:") as f64 / 1024.0,
        ));
    }
    lines
}

/// One run: prints its row, and answers with lines about the sign-ins beside it and about the
/// exports of what it stored (the fifty-device run without sign-ins).
async fn run(
    label: &str,
    database: Option<&str>,
    devices: u32,
    batches: u32,
    storm: bool,
) -> Vec<String> {
    let server = start(database, devices).await;
    let pid = server.child.id();
    let rest_kb = status_kb(pid, "VmRSS:");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let mut tokens = Vec::new();
    for d in 0..devices {
        tokens.push(enrol(&client, &server.url, &format!("officer{d}")).await);
    }
    let work: Vec<(Vec<u8>, Vec<Vec<u8>>)> =
        (0..devices).map(|d| workload(d + 1, batches)).collect();
    for (d, (setup, _)) in work.iter().enumerate() {
        push_setup(&client, &server.url, &tokens[d], setup).await;
    }
    let cpu_before = cpu_seconds(pid);
    let database_before = database.map(|_| postgres_cpu_seconds());
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let signing = storm.then(|| tokio::spawn(sign_in_storm(server.url.clone(), stopped)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (d, (_, timed)) in work.into_iter().enumerate() {
        let (client, url, token) = (client.clone(), server.url.clone(), tokens[d].clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for body in timed {
                latencies.push(push(&client, &url, &token, body).await);
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("device"));
    }
    let elapsed = started.elapsed();
    let cpu = cpu_seconds(pid) - cpu_before;
    let database_cpu = database_before.map(|before| postgres_cpu_seconds() - before);
    let _ = stop.send(true);
    let sign_ins = match signing {
        Some(task) => {
            let mut sign_ins = task.await.expect("storm");
            sign_ins.sort();
            Some(sign_ins)
        }
        None => None,
    };
    latencies.sort();
    let label = if storm {
        format!("{label} + 50 sign-ins/s")
    } else {
        label.to_string()
    };
    let assessments = u64::from(devices) * u64::from(batches) * 100;
    let peak_kb = status_kb(pid, "VmHWM:");
    println!(
        "| {label:<26} | {devices:>7} | {assessments:>11} | {:>8.1} | {:>17.0} | {:>22.2} | {:>8.0} | {:>8.0} | {:>13.1} | {:>13.1} |",
        elapsed.as_secs_f64(),
        assessments as f64 / elapsed.as_secs_f64(),
        cpu * 1000.0 / assessments as f64,
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.95).as_secs_f64() * 1000.0,
        rest_kb as f64 / 1024.0,
        peak_kb as f64 / 1024.0,
    );
    let mut notes: Vec<String> = database_cpu
        .map(|cpu| {
            format!(
                "{label}, {devices} devices: PostgreSQL's own CPU {:.2} s per 1,000 assessments",
                cpu * 1000.0 / assessments as f64
            )
        })
        .into_iter()
        .collect();
    notes.extend(sign_ins.map(|sign_ins| {
        format!(
            "{label}: {} sign-ins in {:.1} s ({:.0} a second), p50 {:.0} ms, p95 {:.0} ms",
            sign_ins.len(),
            elapsed.as_secs_f64(),
            sign_ins.len() as f64 / elapsed.as_secs_f64(),
            percentile(&sign_ins, 0.5).as_secs_f64() * 1000.0,
            percentile(&sign_ins, 0.95).as_secs_f64() * 1000.0,
        )
    }));
    if devices == 50 && !storm {
        notes.extend(exports(&client, &server, &label).await);
    }
    notes
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    // Built with a provider-less rustls when the workspace is built together (ovop-sync).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let batches_one: u32 = std::env::var("BENCH_BATCHES").ok().and_then(|v| v.parse().ok()).unwrap_or(20);
        let batches_many: u32 = std::env::var("BENCH_BATCHES").ok().and_then(|v| v.parse().ok()).unwrap_or(4);
        println!("Ingest of finalised assessments (batches of 100), the release server as its own process");
        println!("| backend                    | devices | assessments | time (s) | assessments per s | server CPU s per 1,000 | p50 (ms) | p95 (ms) | RSS rest (MB) | RSS peak (MB) |");
        println!("|----------------------------|---------|-------------|----------|-------------------|------------------------|----------|----------|---------------|---------------|");
        let mut notes = Vec::new();
        for (label, backend) in [("sqlite", Backend::Sqlite), ("postgresql", Backend::Postgres)] {
            // A province's server: two hundred laptops at once, on PostgreSQL.
            let runs: &[(u32, u32, bool)] = match backend {
                Backend::Sqlite => &[(1, batches_one, false), (50, batches_many, false), (50, batches_many, true)],
                Backend::Postgres => &[
                    (1, batches_one, false),
                    (50, batches_many, false),
                    (50, batches_many, true),
                    (200, batches_many, false),
                ],
            };
            for &(devices, batches, storm) in runs {
                let (url, name) = if backend == Backend::Postgres {
                    let (url, name) = fresh_postgres().await;
                    (Some(url), Some(name))
                } else {
                    (None, None)
                };
                notes.extend(run(label, url.as_deref(), devices, batches, storm).await);
                if let Some(name) = name {
                    let _ = tokio::task::spawn_blocking(move || {
                        if let Ok(mut client) = postgres::Client::connect(&postgres_admin(), postgres::NoTls) {
                            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                        }
                    })
                    .await;
                }
            }
        }
        for line in notes {
            println!("{line}");
        }
    });
}
