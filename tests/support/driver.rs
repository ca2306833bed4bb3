//! What the end-to-end tests and the app benchmark share: tauri-driver, the app started through
//! it in a data folder of its own, waiting for elements, and the app's processes.
//! Each user takes what it needs; the rest is unused there.
#![allow(dead_code)]

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// tauri-driver, stopped with SIGTERM so it takes WebKitWebDriver down with it (SIGKILL would
/// orphan WebKitWebDriver, which keeps its port and hangs the next run).
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.0.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.0.kill();
    }
}

pub fn tauri_driver() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let local = home.join(".cargo/bin/tauri-driver");
    if local.exists() {
        local
    } else {
        PathBuf::from("tauri-driver")
    }
}

pub fn port_open(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

pub fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("create artifacts folder");
    dir
}

/// Starts the driver and, through it, the app. Also returns the instant the app was launched
/// (the session request), to measure how long the window takes to become usable.
pub async fn start(data_home: &Path, port: u16) -> (Driver, Client, Instant) {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "no DISPLAY: run the end-to-end tests under xvfb-run (the README's test command does)"
    );
    // A driver just stopped (the app restarted in the same test) frees its ports in a moment.
    let deadline = Instant::now() + Duration::from_secs(10);
    while (port_open(port) || port_open(port + 1)) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !port_open(port) && !port_open(port + 1),
        "port {port} or {} is taken: a tauri-driver from an earlier run is still alive",
        port + 1
    );
    let child = Command::new(tauri_driver())
        .arg("--port")
        .arg(port.to_string())
        .arg("--native-port")
        .arg((port + 1).to_string())
        .env("XDG_DATA_HOME", data_home)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tauri-driver (cargo install tauri-driver --version 2.1.0 --locked)");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    // Ready when tauri-driver listens and so does the WebKitWebDriver it starts: a session
    // requested before the second is up is cut off ("incomplete message").
    while !(port_open(port) && port_open(port + 1)) {
        assert!(
            Instant::now() < deadline,
            "tauri-driver and WebKitWebDriver did not listen on {port} and {} within 20 s",
            port + 1
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // OVOP_E2E_APP measures another build (a release binary) with the same test.
    let app = std::env::var("OVOP_E2E_APP")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_ovop-field").to_string());
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert("tauri:options".into(), json!({ "application": app }));
    let launched = Instant::now();
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(caps);
    // Without a display the session request hangs forever; the assert above and this timeout
    // keep a broken environment from hanging CI.
    let client = tokio::time::timeout(
        Duration::from_secs(60),
        builder.connect(&format!("http://127.0.0.1:{port}")),
    )
    .await
    .expect("WebDriver session timed out")
    .expect("WebDriver session could not start");
    (driver, client, launched)
}

pub async fn wait_for_css(client: &Client, css: &str) -> fantoccini::elements::Element {
    match tokio::time::timeout(
        Duration::from_secs(30),
        client.wait().for_element(Locator::Css(css)),
    )
    .await
    {
        Ok(Ok(element)) => element,
        outcome => {
            // What the window showed instead, for the person reading the failure.
            if let Ok(png) = client.screenshot().await {
                let _ = std::fs::write(artifacts().join("failure.png"), png);
            }
            match outcome {
                Ok(Err(e)) => panic!("{css}: {e} (see target/e2e-artifacts/failure.png)"),
                _ => panic!(
                    "{css} did not appear within 30 s (see target/e2e-artifacts/failure.png)"
                ),
            }
        }
    }
}

pub async fn text_of(client: &Client, css: &str) -> String {
    wait_for_css(client, css)
        .await
        .text()
        .await
        .expect("element text")
}

/// Waits until the element's text contains `needle`, and returns the text.
pub async fn wait_for_text(client: &Client, css: &str, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = text_of(client, css).await;
        if text.contains(needle) {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{css} did not come to contain {needle:?} within 30 s; it reads {text:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Scrolls `element` into view, its top at the view's `block` ("start", "center").
pub async fn scroll_to(client: &Client, element: &fantoccini::elements::Element, block: &str) {
    client
        .execute(
            "arguments[0].scrollIntoView({block: arguments[1]})",
            vec![
                serde_json::to_value(element).expect("element reference"),
                serde_json::json!(block),
            ],
        )
        .await
        .expect("scroll");
}

/// Switches the window's language with the top bar's switch (`id`, `en`, `vi`).
pub async fn switch_language(client: &Client, lang: &str) {
    wait_for_css(client, "[data-testid=lang-switch]")
        .await
        .select_by_value(lang)
        .await
        .expect("switch language");
}

pub async fn save_screenshot(client: &Client, name: &str) {
    // Two frames, so what the DOM has just become is painted before the picture is taken.
    client
        .execute_async(
            "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(null)));",
            vec![],
        )
        .await
        .expect("wait for a paint");
    let png = client.screenshot().await.expect("screenshot");
    assert!(
        png.len() > 10_000,
        "the screenshot {name} is suspiciously small ({} bytes): a blank window?",
        png.len()
    );
    std::fs::write(artifacts().join(name), png).expect("write screenshot");
}

/// The app's process (found by its data folder, so another test's app is never touched). When
/// an earlier instance is still on its way out, the newest one.
pub fn app_pid(data_home: &Path) -> Option<u32> {
    let wanted = format!("XDG_DATA_HOME={}", data_home.display());
    let started = |stat: &str| -> u64 {
        // Field 22 (start time) counts from the one after the command name in parentheses.
        stat.rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(19))
            .and_then(|t| t.parse().ok())
            .unwrap_or(0)
    };
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let comm = std::fs::read_to_string(entry.path().join("comm")).ok()?;
            let environ = std::fs::read(entry.path().join("environ")).ok()?;
            let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
            let ours = environ
                .split(|b| *b == 0)
                .any(|var| var == wanted.as_bytes());
            (comm.trim() == "ovop-field" && ours).then(|| (started(&stat), pid))
        })
        .max()
        .map(|(_, pid)| pid)
}

/// The app's process and every process below it (WebKit's web and network processes).
pub fn process_tree(root: u32) -> Vec<u32> {
    let mut parents: Vec<(u32, u32)> = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // The parent is the second field after the command name in parentheses.
            let Some(after) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
                continue;
            };
            if let Some(ppid) = after.split_whitespace().nth(1).and_then(|p| p.parse().ok()) {
                parents.push((pid, ppid));
            }
        }
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    tree
}

/// Resident and proportional set sizes of processes, in kB (`/proc/<pid>/smaps_rollup`). PSS
/// shares each shared page among the processes that map it, so the sum does not count the
/// shared libraries twice.
pub fn memory_kb(pids: &[u32]) -> (u64, u64) {
    let mut rss = 0;
    let mut pss = 0;
    for pid in pids {
        let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        for line in text.lines() {
            let mut parts = line.split_whitespace();
            let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
                continue;
            };
            let kb: u64 = value.parse().unwrap_or(0);
            match key {
                "Rss:" => rss += kb,
                "Pss:" => pss += kb,
                _ => {}
            }
        }
    }
    (rss, pss)
}

/// What `seed_draft` wrote.
pub struct Seeded {
    pub producer: String,
    pub product: String,
    pub assessment: String,
}

/// The app's own store in `data_home`, created when missing, for seeding before a start.
pub fn app_store(data_home: &Path) -> ovop_store::Store {
    let dir = data_home.join("org.ovopfield.app");
    std::fs::create_dir_all(&dir).expect("data folder");
    ovop_store::Store::open(&dir.join("ovop.sqlite")).expect("store")
}

/// A producer, its product and a draft of the OVOP template, written into the app's store the
/// way the app writes them.
pub fn seed_draft(data_home: &Path) -> Seeded {
    seed_draft_with(data_home, "ovop-id-template", "2026.2")
}

/// The same with another installed criteria set.
pub fn seed_draft_with(data_home: &Path, criteria: &str, version: &str) -> Seeded {
    use ovop_store::assessments::{Assessor, Visit};
    use ovop_store::records::{Producer, Product};
    let mut store = app_store(data_home);
    let now = "2026-11-23T08:00:00Z";
    let producer = store
        .save_producer(
            &Producer {
                name: "KWT Melati Sejahtera".into(),
                ..Producer::default()
            },
            now,
        )
        .expect("producer");
    let product_id = store
        .save_product(
            &Product {
                producer_id: producer.clone(),
                name: "Keripik Pisang Kepok".into(),
                programme: Some("ovop".into()),
                ..Product::default()
            },
            now,
        )
        .expect("product");
    let catalog = ovop_core::catalog::Catalog::shipped();
    let rubric = &catalog
        .get(criteria, Some(version))
        .expect("the criteria set")
        .rubric;
    let visit = Visit {
        assessed_on: Some("2026-11-23".into()),
        assessors: vec![Assessor {
            name: "Rina Wulandari".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    let assessment = store
        .new_assessment(&product_id, rubric, &visit, now)
        .expect("draft");
    Seeded {
        producer,
        product: product_id,
        assessment,
    }
}

/// The village the seeded producers are in (Tapin, South Kalimantan).
pub const TAPIN_VILLAGE: &str = "63.05.04.2007";

/// A producer in Tapin with a product and one finalised assessment, in the app's data folder.
pub fn seed_final(data_home: &Path) -> String {
    use ovop_store::assessments::{Assessor, Visit};
    use ovop_store::records::{Producer, Product};
    let mut store = app_store(data_home);
    store.ensure_regions().expect("regions");
    let now = "2026-11-23T08:00:00Z";
    let producer = store
        .save_producer(
            &Producer {
                name: "KWT Melati Sejahtera".into(),
                village_code: Some(TAPIN_VILLAGE.into()),
                ..Producer::default()
            },
            now,
        )
        .expect("producer");
    let product = store
        .save_product(
            &Product {
                producer_id: producer,
                name: "Keripik Pisang Kepok".into(),
                programme: Some("ovop".into()),
                ..Product::default()
            },
            now,
        )
        .expect("product");
    let catalog = ovop_core::catalog::Catalog::shipped();
    let rubric = &catalog
        .get("ovop-id-template", Some("2026.2"))
        .expect("the template")
        .rubric;
    let visit = Visit {
        assessed_on: Some("2026-11-23".into()),
        region_code: Some(TAPIN_VILLAGE.into()),
        assessors: vec![Assessor {
            name: "Rina Wulandari".into(),
            ..Assessor::default()
        }],
        // The regency's first round: at the top of the sheet it is proposed to the province.
        round: Some("2026-1".into()),
        level: Some("kabupaten".into()),
        kind: Some(ovop_core::programme::AssessmentKind::New),
        ..Visit::default()
    };
    let id = store
        .new_assessment(&product, rubric, &visit, now)
        .expect("draft");
    let set = rubric.set();
    let answers = ovop_core::Answers {
        criteria: set.id.clone(),
        version: Some(set.version.clone()),
        gates: set.gates.iter().map(|g| (g.code.clone(), true)).collect(),
        answers: set
            .criteria()
            .map(|c| {
                (
                    c.code.clone(),
                    ovop_core::Answer::Level(c.levels.len() as u32),
                )
            })
            .collect(),
        ..ovop_core::Answers::default()
    };
    store.save_answers(&id, &answers, now).expect("answers");
    // The dossier as checked: the registration for good, a halal certificate until mid-2028.
    for (kind, number, expires) in [
        ("nib", "9120001234567", None),
        ("halal", "ID63110000123", Some("2028-06-30")),
    ] {
        let document = ovop_store::assessments::EvidenceDocument {
            kind: kind.into(),
            present: true,
            number: Some(number.into()),
            expires_on: expires.map(String::from),
            ..Default::default()
        };
        store.set_evidence(&id, &document).expect("dossier");
    }
    store.finalize(&id, now).expect("final");
    id
}

/// What [`seed_council_session`] made: two products of one producer, each with a final council
/// assessment of the same session.
pub struct Session {
    /// Keripik Pisang Kepok: 50 of 66 on average, four stars, proposed to the province.
    pub proposed: String,
    pub proposed_product: String,
    /// Dodol Nanas: 44 of 66, three stars, stays at the regency.
    pub other: String,
    pub other_product: String,
}

/// A regency council of three (Rina Wulandari in the chair, Budi Santoso, Dewi Lestari) scores
/// two products of KWT Melati Sejahtera on `ovop-id-template` in round 2026 · I, the same day:
/// every criterion at level 2 (44 points), with level 3 on the first six criteria for Rina,
/// the first four for Budi and the first eight for Dewi on the crisps (50, 48, 52: 50 on
/// average, four stars). The crisps' dossier is a registration and a halal certificate until
/// mid-2028. Both final, in the app's data folder.
pub fn seed_council_session(data_home: &Path) -> Session {
    use ovop_store::assessments::{Assessor, DraftChange, Visit};
    use ovop_store::records::{Producer, Product};
    let mut store = app_store(data_home);
    store.ensure_regions().expect("regions");
    let now = "2026-11-23T08:00:00Z";
    let producer = store
        .save_producer(
            &Producer {
                name: "KWT Melati Sejahtera".into(),
                village_code: Some(TAPIN_VILLAGE.into()),
                registration_no: Some("9120001234567".into()),
                ..Producer::default()
            },
            now,
        )
        .expect("producer");
    let catalog = ovop_core::catalog::Catalog::shipped();
    let rubric = &catalog
        .get("ovop-id-template", Some("2026.2"))
        .expect("the template")
        .rubric;
    let set = rubric.set();
    let codes: Vec<String> = set.criteria().map(|c| c.code.clone()).collect();
    let member = |name: &str, role: &str| Assessor {
        name: name.into(),
        role: Some(role.into()),
        ..Assessor::default()
    };
    let visit = Visit {
        assessed_on: Some("2026-11-23".into()),
        region_code: Some(TAPIN_VILLAGE.into()),
        assessors: vec![member("Rina Wulandari", "ketua")],
        round: Some("2026-1".into()),
        level: Some("kabupaten".into()),
        kind: Some(ovop_core::programme::AssessmentKind::New),
        roster: Some(ovop_store::assessments::Roster {
            chair: "Rina Wulandari".into(),
            absent: Vec::new(),
        }),
        ..Visit::default()
    };
    // The level each criterion gets on one member's sheet: 3 on the first `high`, 2 elsewhere.
    let sheet = |high: usize| -> Vec<(String, u32)> {
        codes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), if i < high { 3 } else { 2 }))
            .collect()
    };
    let mut score = |name: &str, highs: [usize; 3]| -> (String, String) {
        let product = store
            .save_product(
                &Product {
                    producer_id: producer.clone(),
                    name: name.into(),
                    programme: Some("ovop".into()),
                    ..Product::default()
                },
                now,
            )
            .expect("product");
        let id = store
            .new_assessment(&product, rubric, &visit, now)
            .expect("draft");
        let budi = store
            .add_member(&id, &member("Budi Santoso", "anggota"), now)
            .expect("member");
        let dewi = store
            .add_member(&id, &member("Dewi Lestari", "anggota"), now)
            .expect("member");
        for (number, high) in [1, budi, dewi].into_iter().zip(highs) {
            for gate in &set.gates {
                let change = DraftChange::Gate {
                    code: gate.code.clone(),
                    met: Some(true),
                };
                store
                    .change_member(&id, number, &change, now)
                    .expect("gate");
            }
            for (code, level) in sheet(high) {
                let change = DraftChange::Answer {
                    code,
                    answer: Some(ovop_core::Answer::Level(level)),
                };
                store
                    .change_member(&id, number, &change, now)
                    .expect("answer");
            }
        }
        (product, id)
    };
    let (proposed_product, proposed) = score("Keripik Pisang Kepok", [6, 4, 8]);
    let (other_product, other) = score("Dodol Nanas", [0, 0, 0]);
    // The crisps' dossier as checked: the registration for good, a halal certificate until
    // mid-2028.
    for (kind, number, expires) in [
        ("nib", "9120001234567", None),
        ("halal", "ID63110000123", Some("2028-06-30")),
    ] {
        let document = ovop_store::assessments::EvidenceDocument {
            kind: kind.into(),
            present: true,
            number: Some(number.into()),
            expires_on: expires.map(String::from),
            ..Default::default()
        };
        store.set_evidence(&proposed, &document).expect("dossier");
    }
    for (id, average, star) in [(&proposed, 50.0, 4), (&other, 44.0, 3)] {
        let done = store.finalize(id, now).expect("final");
        let council = done.council.expect("a council's result");
        assert_eq!(council.members.len(), 3);
        assert_eq!((council.average, council.star), (average, Some(star)));
    }
    Session {
        proposed,
        proposed_product,
        other,
        other_product,
    }
}

pub async fn type_into(client: &Client, css: &str, text: &str) {
    let field = wait_for_css(client, css).await;
    field.clear().await.expect("clear");
    field.send_keys(text).await.expect("type");
}

pub async fn click(client: &Client, css: &str) {
    wait_for_css(client, css)
        .await
        .click()
        .await
        .expect("click");
}

/// Waits until an element matching `css` exists (the sync runs in the background).
pub async fn wait_present(client: &Client, css: &str, within: Duration) {
    let started = Instant::now();
    while started.elapsed() < within {
        if client.find(Locator::Css(css)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "{css} did not appear within {within:?}; the page says: {}",
        text_of(client, "body").await
    );
}

/// A real server on port 0 keeping its data in `dir`, with officer `rina` and supervisor `sari`
/// of Tapin (passwords `rahasia-rina-1`, `rahasia-sari-1`).
pub async fn tapin_office(dir: &Path) -> ovop_server::Running {
    let mut config = ovop_server::Config::new(dir.to_path_buf());
    config.listen = "127.0.0.1:0".into();
    let server = ovop_server::start(config).await.expect("the server starts");
    for (name, role) in [("rina", "officer"), ("sari", "supervisor")] {
        let user = ovop_server::admin::NewUser {
            name: name.into(),
            display_name: Some(format!("{name} (Dinas)")),
            role: role.into(),
            password: Some(format!("rahasia-{name}-1")),
            regions: vec!["63.05".into()],
        };
        ovop_server::admin::add_user(&server.state, user)
            .await
            .expect("user");
    }
    server
}

/// A device token of `user` of [`tapin_office`], enrolled by password as the office's computer.
pub async fn office_token(url: &str, user: &str) -> String {
    let enrolled: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/v1/enrol"))
        .json(&json!({"user": user, "password": format!("rahasia-{user}-1"), "device_name": "kantor"}))
        .send()
        .await
        .expect("enrol")
        .json()
        .await
        .expect("json");
    enrolled["token"].as_str().expect("token").to_string()
}

/// Clicks an element the way a person does: scrolled to the middle of the view first, so a
/// sticky header or bar never covers it.
pub async fn click_centred(client: &Client, css: &str) {
    let element = wait_for_css(client, css).await;
    scroll_to(client, &element, "center").await;
    element
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e:?}"));
}

pub async fn wait_for_attr(client: &Client, css: &str, attr: &str, value: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = wait_for_css(client, css)
            .await
            .attr(attr)
            .await
            .expect("attribute");
        if found.as_deref() == Some(value) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} [{attr}] stayed {found:?}, not {value:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn wait_gone(client: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !client
        .find_all(Locator::Css(css))
        .await
        .expect("find")
        .is_empty()
    {
        assert!(Instant::now() < deadline, "{css} is still there");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[derive(Clone, Copy)]
pub enum Pick {
    Top,
    Bottom,
}

/// Chooses a level of every criterion of the sheet on screen, in sheet order, by a click: the
/// last (top) or the first level. A criterion that does not apply, or not yet (its condition
/// waits for the store's answer), is waited for; one that does not apply is skipped.
pub async fn score_every_criterion(client: &Client, pick: Pick) {
    let codes = client
        .execute(
            "return Array.from(document.querySelectorAll(\"[data-testid='a-criterion']\")).map(e => e.dataset.code)",
            vec![],
        )
        .await
        .expect("codes");
    for code in codes.as_array().expect("a list") {
        let code = code.as_str().expect("a code");
        let block = format!("[data-testid=a-criterion][data-code='{code}']");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let skipped = !client
                .find_all(Locator::Css(&format!(
                    "{block} [data-testid=a-not-applicable]"
                )))
                .await
                .expect("not applicable")
                .is_empty();
            if skipped {
                break;
            }
            let levels = client
                .find_all(Locator::Css(&format!("{block} [data-testid=a-level]")))
                .await
                .expect("levels");
            let level = match pick {
                Pick::Top => levels.last(),
                Pick::Bottom => levels.first(),
            }
            .expect("a level");
            if level.is_enabled().await.expect("enabled") {
                // Centred, so the sticky bars above and below the sheet do not cover it.
                scroll_to(client, level, "center").await;
                level.click().await.expect("click a level");
                break;
            }
            assert!(Instant::now() < deadline, "{code} never opened");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Opens the review, waits until the sheet is saved and complete (the confirm button is
/// enabled), takes `screenshot` of the review when asked, finalises and waits for the lock.
pub async fn finalize_in_window(client: &Client, screenshot: Option<&str>) {
    click_centred(client, "[data-testid=finalize-open]").await;
    wait_for_css(client, "[data-testid=finalize-review]").await;
    wait_for_css(client, "[data-testid=finalize-confirm]:not([disabled])").await;
    if let Some(name) = screenshot {
        save_screenshot(client, name).await;
    }
    click_centred(client, "[data-testid=finalize-confirm]").await;
    wait_for_attr(
        client,
        "[data-testid=assessment-status]",
        "data-status",
        "final",
    )
    .await;
}

/// "Print" hands the PDF to the desktop's opener; this one (first on the app's PATH) writes
/// down what it was given, so a test reads the very file the officer would print. Keep it for
/// as long as the app runs.
pub struct Opener {
    dir: tempfile::TempDir,
    /// One line per file opened.
    pub log: PathBuf,
}

impl Opener {
    /// The opener's own folder, for whatever else a test needs to keep beside it.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// Puts the writing opener first on the PATH the app is started with.
pub fn fake_opener() -> Opener {
    let dir = tempfile::tempdir().expect("opener folder");
    let log = dir.path().join("opened.txt");
    let script = dir.path().join("xdg-open");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '%s\\n' \"$1\" >> \"$OVOP_OPENED_LOG\"\n",
    )
    .expect("opener");
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("executable");
    std::env::set_var("OVOP_OPENED_LOG", &log);
    let path = std::env::var("PATH").unwrap_or_default();
    std::env::set_var("PATH", format!("{}:{path}", dir.path().display()));
    Opener { dir, log }
}

/// The file the app handed to the desktop's opener the `nth` time (from 1), once it has.
pub async fn opened_pdf(client: &Client, log: &Path, nth: usize) -> PathBuf {
    let started = Instant::now();
    loop {
        if let Some(line) = std::fs::read_to_string(log)
            .ok()
            .and_then(|t| t.lines().nth(nth - 1).map(String::from))
        {
            return PathBuf::from(line);
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "nothing was opened (time {nth}); the page says: {}",
            text_of(client, "body").await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The text of a PDF, as poppler reads it (layout kept, so one line of the page is one line).
pub fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The first page of a PDF as a PNG among the screenshots, at 60 dpi (poppler's `pdftoppm`).
pub fn save_first_page(pdf: &Path, name: &str) {
    let stem = artifacts().join(name.trim_end_matches(".png"));
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&stem)
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(status.success(), "pdftoppm failed on {}", pdf.display());
}
