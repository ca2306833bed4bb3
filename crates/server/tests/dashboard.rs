//! The district office's dashboard end to end, in a real headless Chromium driven through
//! ChromeDriver (Debian's `chromium` and `chromium-driver`): sign-in (a wrong password first),
//! the list and its statistics, a filter, the three languages, an assessment with its photo,
//! a return and an approval, the exports the page links to, and the admin's users page with an
//! enrolment code.
//!
//! `CHROMEDRIVER` and `CHROME_BIN` point at other binaries (defaults: `chromedriver` on PATH, or
//! `/usr/bin/chromedriver`, and `/usr/bin/chromium`). Screenshots go to `docs/server/` with
//! `UPDATE_SCREENSHOTS=1`, otherwise to `$TMPDIR/ovop-dashboard-e2e/`, where `failure.png` shows
//! the page when a wait runs out.

// Drives Debian's Chromium and ChromeDriver as child processes of their own group: Linux only.
#![cfg(target_os = "linux")]

mod support;

use std::collections::HashMap;
use std::future::Future;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use ovop_protocol::{BlobRef, Kind, Outcome, Record};
use serde_json::{json, Value};
use support::*;

/// How long any one thing may take to appear in the browser.
const WAIT: Duration = Duration::from_secs(20);
/// How long the whole test may take before it fails instead of hanging.
const WHOLE: Duration = Duration::from_secs(300);
const WIDTH: u32 = 1366;
const HEIGHT: u32 = 900;

// ---------------------------------------------------------------------------------------------
// The dashboard's words, from the files the server is built with.

fn words(lang: &str) -> HashMap<String, String> {
    let text = match lang {
        "id" => include_str!("../i18n/id.json"),
        "en" => include_str!("../i18n/en.json"),
        "vi" => include_str!("../i18n/vi.json"),
        other => panic!("no words for {other}"),
    };
    serde_json::from_str(text).expect("the dashboard's words are JSON")
}

fn w(lang: &str, key: &str) -> String {
    words(lang)
        .remove(key)
        .unwrap_or_else(|| panic!("i18n/{lang}.json has no {key}"))
}

// ---------------------------------------------------------------------------------------------
// A small real PNG, written by hand (stored deflate blocks), so the browser decodes a picture.

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in bytes {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn png(width: u32, height: u32, pixel: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            raw.extend(pixel(x, y));
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        zlib.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        zlib.extend(len.to_le_bytes());
        zlib.extend((!len).to_le_bytes());
        zlib.extend(*block);
    }
    zlib.extend(adler32(&raw).to_be_bytes());
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        out.extend((data.len() as u32).to_be_bytes());
        let mut tagged = kind.to_vec();
        tagged.extend(data);
        out.extend(&tagged);
        out.extend(crc32(&tagged).to_be_bytes());
    };
    let mut header = Vec::new();
    header.extend(width.to_be_bytes());
    header.extend(height.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]); // 8 bits, RGB, deflate, no filter, no interlace
    chunk(b"IHDR", &header);
    chunk(b"IDAT", &zlib);
    chunk(b"IEND", &[]);
    out
}

/// A woven purun mat: warm bands crossing over and under.
fn mat_photo() -> Vec<u8> {
    png(64, 48, |x, y| {
        let over = ((x / 8) + (y / 8)) % 2 == 0;
        let shade = if over {
            (x % 8) as u8 * 6
        } else {
            (y % 8) as u8 * 6
        };
        if over {
            [196 - shade, 150 - shade, 92]
        } else {
            [122 - shade / 2, 86 - shade / 2, 48]
        }
    })
}

// ---------------------------------------------------------------------------------------------
// ChromeDriver, in its own process group: Chromium starts inside it, so stopping the group
// stops the browser too, also when the test panics.

struct ChromeDriver {
    child: Child,
    port: u16,
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-TERM", "--", &group])
            .stderr(Stdio::null())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // Whatever is left of the group (a browser that ignored the TERM).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn chromedriver_path() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMEDRIVER") {
        return PathBuf::from(path);
    }
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("chromedriver"))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"))
}

fn chromium_path() -> PathBuf {
    let path = std::env::var_os("CHROME_BIN")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.is_file(),
        "Chromium is not at {} (apt-get install chromium chromium-driver, or set CHROME_BIN)",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("address").port()
}

async fn start_chromedriver(logs: &Path) -> ChromeDriver {
    let program = chromedriver_path();
    // Built with a provider-less rustls when the workspace is built together (ovop-sync).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let probe = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .expect("client");
    let mut tried = Vec::new();
    // A port picked free can be taken again before ChromeDriver binds it: then another one.
    for attempt in 0..3 {
        let port = free_port();
        let log = logs.join(format!("chromedriver-{attempt}.log"));
        let out = std::fs::File::create(&log).expect("chromedriver log");
        let child = Command::new(&program)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("log"))
            .stderr(out)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "ChromeDriver could not be started from {}: {e} (apt-get install chromium chromium-driver, or set CHROMEDRIVER)",
                    program.display()
                )
            });
        let mut driver = ChromeDriver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = driver.child.try_wait() {
                tried.push(format!(
                    "port {port}: exited with {status}: {}",
                    std::fs::read_to_string(&log).unwrap_or_default().trim()
                ));
                break;
            }
            if let Ok(response) = probe
                .get(format!("http://127.0.0.1:{port}/status"))
                .send()
                .await
            {
                if let Ok(status) = response.json::<Value>().await {
                    if status["value"]["ready"] == true {
                        return driver;
                    }
                }
            }
            if Instant::now() > deadline {
                tried.push(format!("port {port}: no answer on /status within 20 s"));
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    panic!(
        "ChromeDriver ({}) did not become ready: {}",
        program.display(),
        tried.join("; ")
    );
}

async fn open_browser(driver: &ChromeDriver, chromium: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", format!("--window-size={WIDTH},{HEIGHT}"), "--lang=id"],
        }),
    );
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(caps);
    let client = tokio::time::timeout(
        Duration::from_secs(60),
        builder.connect(&format!("http://127.0.0.1:{}", driver.port)),
    )
    .await
    .expect("Chromium did not start a WebDriver session within 60 s")
    .unwrap_or_else(|e| {
        panic!(
            "Chromium ({}) did not start a WebDriver session: {e}",
            chromium.display()
        )
    });
    client
        .update_timeouts(TimeoutConfiguration::new(
            Some(WAIT),
            Some(Duration::from_secs(30)),
            Some(Duration::ZERO),
        ))
        .await
        .expect("timeouts");
    client
}

// ---------------------------------------------------------------------------------------------
// Waiting and looking, every wait bounded; a wait that runs out leaves failure.png.

struct Browser {
    client: Client,
    base: String,
    shots: PathBuf,
}

impl Browser {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What went wrong, where, and a picture of it: the message for a panic.
    async fn failure(&self, what: String) -> String {
        let failure = temp_shots().join("failure.png");
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(&failure, png);
        }
        let at = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let text = self
            .client
            .execute(
                "return document.body ? document.body.innerText : ''",
                vec![],
            )
            .await
            .unwrap_or_default();
        let text: String = text.as_str().unwrap_or("").chars().take(600).collect();
        format!(
            "{what}\n  at {at}\n  page text: {text:?}\n  screenshot: {}",
            failure.display()
        )
    }

    async fn goto(&self, path: &str) {
        if let Err(e) = self.client.goto(&self.url(path)).await {
            panic!("{}", self.failure(format!("open {path}: {e}")).await);
        }
    }

    async fn wait_css(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .every(Duration::from_millis(50))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "{}",
                self.failure(format!("{css} did not appear within {WAIT:?}: {e}"))
                    .await
            ),
        }
    }

    async fn all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find {css}: {e}"))
    }

    async fn attr(&self, css: &str, name: &str) -> String {
        self.wait_css(css)
            .await
            .attr(name)
            .await
            .unwrap_or_else(|e| panic!("{name} of {css}: {e}"))
            .unwrap_or_default()
    }

    async fn text(&self, css: &str) -> String {
        self.wait_css(css)
            .await
            .text()
            .await
            .unwrap_or_else(|e| panic!("text of {css}: {e}"))
            .trim()
            .to_string()
    }

    async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        match self.client.execute(script, args).await {
            Ok(value) => value,
            Err(e) => panic!(
                "{}",
                self.failure(format!("script failed: {e}\n{script}")).await
            ),
        }
    }

    /// Polls `script` until it returns something truthy; returns that.
    async fn wait_js(&self, what: &str, script: &str, args: Vec<Value>) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            // A navigation in progress can make a script fail: it is tried again.
            if let Ok(value) = self.client.execute(script, args.clone()).await {
                let truthy = match &value {
                    Value::Null => false,
                    Value::Bool(b) => *b,
                    Value::Number(n) => n.as_f64() != Some(0.0),
                    Value::String(s) => !s.is_empty(),
                    _ => true,
                };
                if truthy {
                    return value;
                }
            }
            if Instant::now() > deadline {
                panic!(
                    "{}",
                    self.failure(format!("{what}: not within {WAIT:?}")).await
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs `action` (a click that submits or follows a link) and waits until a new document
    /// has loaded in place of the current one.
    async fn navigates<F: Future<Output = Result<(), fantoccini::error::CmdError>>>(
        &self,
        what: &str,
        action: F,
    ) {
        self.js("window.__ovopOld = true", vec![]).await;
        if let Err(e) = action.await {
            panic!("{}", self.failure(format!("{what}: {e}")).await);
        }
        self.wait_js(
            what,
            "return !window.__ovopOld && document.readyState === 'complete'",
            vec![],
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let element = self.wait_css(css).await;
        self.navigates(&format!("click {css}"), element.click())
            .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let element = self.wait_css(css).await;
        element
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        element
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    async fn path_and_query(&self) -> (String, String) {
        let url = self.client.current_url().await.expect("current url");
        (
            url.path().to_string(),
            url.query().unwrap_or("").to_string(),
        )
    }

    async fn rows(&self, table: &str) -> usize {
        self.all(&format!("#{table} tbody tr")).await.len()
    }

    /// The page in Vietnamese and English (once `ready` shows, its title in that language's
    /// words and every word on it translated), a screenshot `dashboard-{page}-{lang}.png` of
    /// each, then back in Indonesian.
    async fn in_other_languages(&self, page: &str, ready: &str, title: &str) -> Vec<PathBuf> {
        let mut shots = Vec::new();
        for lang in ["vi", "en"] {
            self.click(&format!("header a[lang={lang}]")).await;
            self.wait_css(ready).await;
            assert_eq!(self.text("main h1").await, w(lang, title));
            self.check_page(&format!("{page} in {lang}"), lang).await;
            shots.push(
                self.screenshot(&format!("dashboard-{page}-{lang}.png"))
                    .await,
            );
        }
        self.click("header a[lang=id]").await;
        self.wait_css(ready).await;
        shots
    }

    /// The page's words: no raw key (`status.submitted`) shown instead of a text, the document
    /// in `lang`, and nothing wider than the window.
    async fn check_page(&self, page: &str, lang: &str) {
        let found = self
            .js(
                "const text = document.body.innerText;
                 const keys = text.match(/\\b(app|cert|code|col|criterion|decisions|detail|error|export|filter|forward|home|login|nav|office|progress|recap|review|role|stats|status|support|users)\\.[a-z_]+(\\.[a-z_]+)*\\b/g) || [];
                 return { keys, lang: document.documentElement.lang, overflow: document.documentElement.scrollWidth - window.innerWidth };",
                vec![],
            )
            .await;
        assert_eq!(found["keys"], json!([]), "{page}: words shown as raw keys");
        assert_eq!(found["lang"], lang, "{page}: the document's language");
        assert!(
            found["overflow"].as_i64().unwrap_or(0) <= 0,
            "{page}: the page is {} px wider than the window",
            found["overflow"]
        );
    }

    /// A screenshot of the whole page (the window made as tall as the page, then put back).
    async fn screenshot(&self, name: &str) -> PathBuf {
        let sizes = self
            .js(
                "return [document.documentElement.scrollHeight, window.innerHeight]",
                vec![],
            )
            .await;
        let (page, inner) = (
            sizes[0].as_u64().unwrap_or(0) as u32,
            sizes[1].as_u64().unwrap_or(0) as u32,
        );
        let (width, outer) = self.client.get_window_size().await.expect("window size");
        let tall = page > inner;
        if tall {
            let height = (page + outer as u32 - inner).min(6000);
            self.client
                .set_window_size(width as u32, height)
                .await
                .expect("resize for a whole-page picture");
        }
        // Two frames, so what was laid out is painted.
        self.client
            .execute_async("const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(null)));", vec![])
            .await
            .expect("wait for a paint");
        let png = self.client.screenshot().await.expect("screenshot");
        if tall {
            self.client
                .set_window_size(width as u32, outer as u32)
                .await
                .expect("resize back");
        }
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 10_000,
            "the screenshot {name} is not a picture of a page ({} bytes)",
            png.len()
        );
        let path = self.shots.join(name);
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// The bytes of `href`, fetched by the page itself (so with its session cookie).
    async fn fetch(&self, href: &str) -> (u16, String, Vec<u8>) {
        let got = match self
            .client
            .execute_async(
                "const [href, done] = arguments;
                 fetch(href).then(r => r.arrayBuffer().then(b => done({
                     status: r.status, type: r.headers.get('content-type') || '', bytes: Array.from(new Uint8Array(b)) })))
                   .catch(e => done({ error: String(e) }));",
                vec![json!(href)],
            )
            .await
        {
            Ok(got) => got,
            Err(e) => panic!("{}", self.failure(format!("fetch {href}: {e}")).await),
        };
        assert!(got["error"].is_null(), "fetch {href}: {}", got["error"]);
        let bytes = got["bytes"]
            .as_array()
            .expect("bytes")
            .iter()
            .map(|b| b.as_u64().expect("a byte") as u8)
            .collect();
        (
            got["status"].as_u64().unwrap_or(0) as u16,
            got["type"].as_str().unwrap_or("").to_string(),
            bytes,
        )
    }
}

/// Where the screenshots of a run that does not update them go, and `failure.png` always.
fn temp_shots() -> PathBuf {
    let dir = std::env::temp_dir().join("ovop-dashboard-e2e");
    std::fs::create_dir_all(&dir).expect("a folder for screenshots");
    dir
}

fn screenshot_dir() -> PathBuf {
    if std::env::var("UPDATE_SCREENSHOTS").as_deref() != Ok("1") {
        return temp_shots();
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/server");
    std::fs::create_dir_all(&dir).expect("the screenshots' folder");
    dir.canonicalize().unwrap_or(dir)
}

// ---------------------------------------------------------------------------------------------
// What the officers pushed.

fn named_producer(id: &str, name: &str, village: &str) -> Record {
    Record::new(
        Kind::Producer,
        id,
        1,
        json!({"name": name, "village_code": village, "legal_form": "KUB"}),
        vec![],
    )
}

fn named_product(id: &str, producer_id: &str, name: &str, product_set: &str) -> Record {
    Record::new(
        Kind::Product,
        id,
        1,
        json!({"producer_id": producer_id, "name": name, "programme": "ovop", "product_set": product_set}),
        vec![],
    )
}

/// Budi's assessments in Tapin: (product, producer, product set, village).
const TAPIN_PRODUCTS: [(&str, &str, &str, &str); 5] = [
    (
        "Tikar Purun Motif Tapin",
        "KUB Purun Sejahtera",
        "kriya",
        TAPIN,
    ),
    (
        "Kain Sasirangan Binuang",
        "Kelompok Pengrajin Sasirangan",
        "kriya",
        TAPIN,
    ),
    (
        "Keripik Pisang Kepok",
        "KWT Melati",
        "pangan",
        "63.05.02.2001",
    ),
    (
        "Madu Kelulut",
        "KUB Lebah Kelulut Tatakan",
        "pangan",
        "63.05.02.2001",
    ),
    (
        "Gula Aren Cetak",
        "UMKM Aren Manis",
        "pangan",
        "63.05.03.2001",
    ),
];
/// Sari's name as people see it (`Server::user` names everyone "<name> (display)").
const SARI: &str = "sari (display)";
/// The district of the two villages in Tapin Selatan: the filter's narrowing.
const TAPIN_SELATAN: &str = "63.05.02";

struct Seeded {
    sari: String,
    budi: String,
    /// Budi's first product and its village.
    product: String,
    village: String,
    /// Budi's assessments, in the order of [`TAPIN_PRODUCTS`].
    assessments: Vec<String>,
    photo: Vec<u8>,
}

async fn seed(server: &Server) -> Seeded {
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    server
        .user("sari", "supervisor", &["63.05"], Some("sari-rahasia-1"))
        .await;
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    server
        .user("tono", "officer", &["63.06"], Some("tono-rahasia-1"))
        .await;
    let sari = server.enrol("sari", "sari-rahasia-1").await;
    let budi = server.enrol("budi", "budi-rahasia-1").await;
    let tono = server.enrol("tono", "tono-rahasia-1").await;

    let photo = mat_photo();
    let photo_ref = blob_of(&photo);
    // A scan that never arrives: the list shows it missing.
    let missing = blob_of(b"a scan of the business licence, still on the laptop");
    let mut records = Vec::new();
    let mut assessments = Vec::new();
    for (n, (product_name, producer_name, set, village)) in TAPIN_PRODUCTS.iter().enumerate() {
        let n = n as u32;
        let (pr, pd, a) = (uuid(5, n * 3), uuid(5, n * 3 + 1), uuid(5, n * 3 + 2));
        let blobs: Vec<BlobRef> = match n {
            0 => vec![photo_ref.clone()],
            2 => vec![missing.clone()],
            _ => vec![],
        };
        records.extend([
            named_producer(&pr, producer_name, village),
            named_product(&pd, &pr, product_name, set),
            assessment(&a, 1, &pd, village, n * 2, blobs),
        ]);
        assessments.push(a);
    }
    let pushed = server.push_ok(&budi, &records).await;
    assert!(
        pushed
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Accepted),
        "{pushed:?}"
    );
    assert_eq!(pushed.missing_blobs.len(), 2);

    let hex = &photo_ref.sha256[7..];
    let put = server
        .http
        .put(server.url(&format!("/v1/blobs/{hex}?offset=0")))
        .bearer_auth(&budi)
        .body(photo.clone())
        .send()
        .await
        .expect("put the photo");
    assert_eq!(put.status(), 200);
    assert_eq!(put.json::<Value>().await.expect("json")["complete"], true);

    // Tono's assessment in Hulu Sungai Selatan: outside Sari's regions.
    let (pr, pd, a) = (uuid(6, 1), uuid(6, 2), uuid(6, 3));
    let hss = server
        .push_ok(
            &tono,
            &[
                named_producer(&pr, "KUB Dodol Kandangan", HSS),
                named_product(&pd, &pr, "Dodol Kandangan", "pangan"),
                assessment(&a, 1, &pd, HSS, 4, vec![]),
            ],
        )
        .await;
    assert!(
        hss.results.iter().all(|r| r.outcome == Outcome::Accepted),
        "{hss:?}"
    );
    Seeded {
        sari,
        budi,
        product: uuid(5, 1),
        village: TAPIN_PRODUCTS[0].3.to_string(),
        assessments,
        photo,
    }
}

// ---------------------------------------------------------------------------------------------

async fn sign_in(b: &Browser, user: &str, password: &str) {
    b.type_into("form.login input[name=user]", user).await;
    b.type_into("form.login input[name=password]", password)
        .await;
    b.click("form.login button[type=submit]").await;
}

/// Rows of `#assessments` (the "none" row does not count).
async fn listed(b: &Browser) -> usize {
    b.all("#assessments tbody tr a[href^='/dashboard/assessments/']")
        .await
        .len()
}

async fn dashboard(server: &Server, seeded: &Seeded, b: &Browser) {
    let id = |key: &str| w("id", key);
    let budi_count = TAPIN_PRODUCTS.len();

    // Not signed in: the dashboard sends the browser to the sign-in page, in Indonesian.
    b.goto("/dashboard").await;
    b.wait_css("form.login").await;
    let (path, query) = b.path_and_query().await;
    assert_eq!(
        (path.as_str(), query.as_str()),
        ("/login", "next=/dashboard")
    );
    assert_eq!(b.text("form.login h1").await, id("login.title"));
    b.check_page("sign-in", "id").await;

    // A wrong password: the translated refusal, still on the sign-in page.
    sign_in(b, "sari", "salah-sekali").await;
    assert_eq!(
        b.text("form.login .error[role=alert]").await,
        id("login.failed")
    );
    b.check_page("sign-in refused", "id").await;
    let login_shot = b.screenshot("dashboard-login-id.png").await;
    assert!(b.all("#assessments").await.is_empty());
    // The right one: the list.
    sign_in(b, "sari", "sari-rahasia-1").await;
    b.wait_css("#assessments").await;
    assert_eq!(b.path_and_query().await.0, "/dashboard");
    let cookies = b.client.get_all_cookies().await.expect("cookies");
    let session = cookies
        .iter()
        .find(|c| c.name() == "ovop_session")
        .expect("the session cookie");
    assert_eq!(
        session.http_only(),
        Some(true),
        "the session cookie is HttpOnly"
    );
    assert_eq!(
        format!("{:?}", session.same_site()),
        "Some(Strict)",
        "the session cookie is SameSite=Strict"
    );
    let session_cookie = format!("ovop_session={}", session.value());

    // The list: Budi's five assessments in Tapin, none of Tono's; statistics for Kabupaten Tapin.
    assert_eq!(b.text("main h1").await, id("home.title"));
    assert_eq!(listed(b).await, budi_count);
    let list_text = b.text("#assessments").await;
    for (product, producer, _, _) in TAPIN_PRODUCTS {
        assert!(
            list_text.contains(product) && list_text.contains(producer),
            "{product} of {producer} listed: {list_text}"
        );
    }
    assert!(
        !list_text.contains("Dodol Kandangan"),
        "Hulu Sungai Selatan is outside Sari's regions"
    );
    assert!(list_text.contains(&id("status.submitted")));
    assert!(
        list_text.contains(&format!("1 {}", id("col.missing"))),
        "the scan not yet received: {list_text}"
    );
    assert_eq!(b.rows("stats").await, 1);
    let stats = b.all("#stats tbody tr td").await;
    assert!(stats[0]
        .text()
        .await
        .expect("text")
        .contains("Kabupaten Tapin"));
    assert_eq!(stats[1].text().await.expect("text"), budi_count.to_string());
    let star_cells: u64 = {
        let mut sum = 0;
        for cell in &stats[2..8] {
            sum += cell
                .text()
                .await
                .expect("text")
                .parse::<u64>()
                .expect("a count");
        }
        sum
    };
    assert_eq!(
        star_cells, budi_count as u64,
        "every assessment counted under one star (or none)"
    );
    b.check_page("list", "id").await;

    // The filter form: a district narrows the list, the statistics and the export links.
    b.type_into("form.filters input[name=region]", TAPIN_SELATAN)
        .await;
    b.click("form.filters button[type=submit]").await;
    b.wait_css("#assessments").await;
    let (path, query) = b.path_and_query().await;
    assert_eq!(path, "/dashboard");
    assert!(
        query.contains(&format!("region={TAPIN_SELATAN}")),
        "{query}"
    );
    assert_eq!(listed(b).await, 2);
    let narrowed = b.text("#assessments").await;
    assert!(
        narrowed.contains("Keripik Pisang Kepok")
            && narrowed.contains("Madu Kelulut")
            && !narrowed.contains("Tikar Purun"),
        "{narrowed}"
    );
    assert_eq!(
        b.all("#stats tbody tr td").await[1]
            .text()
            .await
            .expect("text"),
        "2"
    );
    assert_eq!(
        b.wait_css("form.filters input[name=region]")
            .await
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some(TAPIN_SELATAN)
    );
    let csv_href = b
        .wait_css("a[href^='/dashboard/export/assessments?format=csv']")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    assert!(
        csv_href.contains(&format!("region={TAPIN_SELATAN}")),
        "the export follows the filter: {csv_href}"
    );
    let (status, kind, bytes) = b.fetch(&csv_href).await;
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    assert_eq!(csv_rows(&bytes).1.len(), 2, "the filtered export");

    // A star and a status picked in the form: the same rows as the API gives for them.
    b.click("form.filters a.button.secondary").await; // clear the filter
    assert_eq!(listed(b).await, budi_count);
    let (_, all) = server.get(&seeded.sari, "/v1/review/assessments").await;
    let star = all[0]["star"]
        .as_i64()
        .map_or("none".to_string(), |s| s.to_string());
    b.wait_css("form.filters select[name=star]")
        .await
        .select_by_value(&star)
        .await
        .expect("pick a star");
    b.wait_css("form.filters select[name=status]")
        .await
        .select_by_value("submitted")
        .await
        .expect("pick a status");
    b.click("form.filters button[type=submit]").await;
    b.wait_css("#assessments").await;
    let (_, expected) = server
        .get(
            &seeded.sari,
            &format!("/v1/review/assessments?star={star}&status=submitted"),
        )
        .await;
    let expected = expected.as_array().expect("a list").len();
    assert!(expected >= 1);
    assert_eq!(listed(b).await, expected, "star {star}, submitted");
    assert!(b.path_and_query().await.1.contains(&format!("star={star}")));
    assert_eq!(
        b.wait_css("form.filters select[name=star]")
            .await
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some(star.as_str())
    );
    b.click("form.filters a.button.secondary").await;

    // The assessment with the photo: the picture decodes; a return with a comment.
    let (returned_id, approved_id) = (&seeded.assessments[0], &seeded.assessments[1]);
    b.click(&format!(
        "#assessments a[href='/dashboard/assessments/{returned_id}']"
    ))
    .await;
    assert_eq!(
        b.path_and_query().await.0,
        format!("/dashboard/assessments/{returned_id}")
    );
    assert!(b
        .text("main h1")
        .await
        .starts_with("Tikar Purun Motif Tapin"));
    let img = b.wait_css(".photos img").await;
    img.click().await.ok(); // nothing happens; scrolls it into view, so the lazy image loads
    let width = b
        .wait_js(
            "the photo decoded",
            "const i = document.querySelector('.photos img'); return i.complete && i.naturalWidth",
            vec![],
        )
        .await;
    assert_eq!(width, 64, "the photo's natural width");
    let src = img.attr("src").await.expect("src").expect("a source");
    let (status, kind, bytes) = b.fetch(&src).await;
    assert_eq!((status, kind.as_str()), (200, "image/png"));
    assert_eq!(bytes, seeded.photo, "the photo as Budi sent it");
    assert_eq!(b.text("p .badge.submitted").await, id("status.submitted"));
    assert!(
        b.rows("criteria").await > 10,
        "the criteria with their points"
    );
    b.check_page("assessment", "id").await;
    let comment = "Foto kemasan kurang jelas; ulangi kriteria 4.3 — sertakan label.";
    b.type_into("#decision textarea[name=comment]", comment)
        .await;
    b.js("window.scrollTo(0, 0)", vec![]).await;
    let assessment_shot = b.screenshot("dashboard-assessment-id.png").await;
    b.click("#decision button[value=returned]").await;
    assert_eq!(b.text(".ok[role=status]").await, id("review.saved"));
    assert_eq!(b.text("p .badge.returned").await, id("status.returned"));
    assert!(
        b.all("#decision").await.is_empty(),
        "decided: the form is gone"
    );
    let card = b.text(".card .badge.returned").await;
    assert_eq!(card, id("status.returned"));
    assert!(
        b.text("main").await.contains(comment),
        "the comment is shown with the decision"
    );
    assert_eq!(
        b.text(".card:has(> .badge) strong").await,
        SARI,
        "the reviewer's name with the decision"
    );
    b.check_page("assessment returned", "id").await;
    let returned_shot = b.screenshot("dashboard-assessment-returned-id.png").await;

    // Another one approved, without a comment.
    b.goto(&format!("/dashboard/assessments/{approved_id}"))
        .await;
    assert!(b
        .text("main h1")
        .await
        .starts_with("Kain Sasirangan Binuang"));
    assert_eq!(b.text(".photos .muted").await, id("detail.no_photos"));
    b.click("#decision button[value=approved]").await;
    assert_eq!(b.text(".ok[role=status]").await, id("review.saved"));
    assert_eq!(b.text("p .badge.approved").await, id("status.approved"));

    // The decisions are recorded, with the reviewer.
    let (status, detail) = server
        .get(
            &seeded.sari,
            &format!("/v1/review/assessments/{returned_id}"),
        )
        .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["assessment"]["status"], "returned");
    let decisions = detail["decisions"].as_array().expect("decisions");
    assert_eq!(decisions.len(), 1);
    assert_eq!(
        (
            decisions[0]["decision"].as_str(),
            decisions[0]["reviewer"].as_str(),
            decisions[0]["comment"].as_str(),
            decisions[0]["revision"].as_i64()
        ),
        (Some("returned"), Some(SARI), Some(comment), Some(1))
    );
    let (_, detail) = server
        .get(
            &seeded.sari,
            &format!("/v1/review/assessments/{approved_id}"),
        )
        .await;
    assert_eq!(detail["assessment"]["status"], "approved");
    assert_eq!(
        (
            detail["decisions"][0]["decision"].as_str(),
            detail["decisions"][0]["reviewer"].as_str()
        ),
        (Some("approved"), Some(SARI))
    );

    // Back to the list: the new statuses, in the statistics too.
    b.click("main a[href='/dashboard']").await;
    b.wait_css("#assessments").await;
    assert_eq!(b.all("#assessments .badge.approved").await.len(), 1);
    assert_eq!(
        b.all("#assessments .badge.returned").await.len(),
        2,
        "the returned one and the missing scan"
    );
    let stats = b.all("#stats tbody tr td").await;
    assert_eq!(
        (
            stats[9].text().await.expect("text"),
            stats[10].text().await.expect("text")
        ),
        ("1".to_string(), "1".to_string()),
        "approved, returned"
    );
    b.check_page("list after the decisions", "id").await;
    let list_shot = b.screenshot("dashboard-list-id.png").await;

    // The exports the page links to: the CSV with its BOM, header and every row; the XLSX.
    let csv_href = b
        .wait_css("a[href^='/dashboard/export/assessments?format=csv']")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    let (status, kind, bytes) = b.fetch(&csv_href).await;
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));
    let (header, rows) = csv_rows(&bytes);
    assert_eq!(&header[..4], ["id", "revision", "product", "producer"]);
    assert!(header.iter().any(|h| h.starts_with("part_")), "{header:?}");
    assert_eq!(rows.len(), budi_count);
    let status_col = header
        .iter()
        .position(|h| h == "status")
        .expect("a status column");
    let status_of = |id: &str| {
        rows.iter()
            .find(|r| r[0] == id)
            .map(|r| r[status_col].clone())
    };
    assert_eq!(
        (
            status_of(returned_id).as_deref(),
            status_of(approved_id).as_deref()
        ),
        (Some("returned"), Some("approved"))
    );
    let xlsx_href = b
        .wait_css("a[href^='/dashboard/export/assessments?format=xlsx']")
        .await
        .attr("href")
        .await
        .expect("href")
        .expect("a link");
    // The API behind it takes a device token only: the session cookie opens nothing there.
    let api = server
        .http
        .get(server.url("/v1/export/assessments?format=csv"))
        .header("cookie", &session_cookie)
        .send()
        .await
        .expect("api");
    assert_eq!(api.status(), 401, "the API refuses the dashboard's cookie");
    // The XLSX through an ordinary HTTP client with the browser's session cookie.
    let xlsx = server
        .http
        .get(server.url(&xlsx_href))
        .header("cookie", &session_cookie)
        .send()
        .await
        .expect("xlsx");
    assert_eq!(xlsx.status(), 200);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(xlsx.headers()["content-disposition"]
        .to_str()
        .expect("a name")
        .contains(".xlsx"));
    let xlsx = xlsx.bytes().await.expect("bytes");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec()))
            .expect("an XLSX workbook");
    assert_eq!(
        book.worksheet_range("assessments")
            .expect("the sheet")
            .height(),
        budi_count + 1
    );
    let (status, kind, _) = b
        .fetch(
            &b.wait_css("a[href^='/dashboard/export/criteria?format=csv']")
                .await
                .attr("href")
                .await
                .expect("href")
                .expect("a link"),
        )
        .await;
    assert_eq!((status, kind.as_str()), (200, "text/csv; charset=utf-8"));

    // The languages: English, then Vietnamese, then back to Indonesian.
    for lang in ["en", "vi"] {
        b.click(&format!("header a[lang={lang}]")).await;
        b.wait_css("#assessments").await;
        assert_eq!(
            b.text("main h1").await,
            w(lang, "home.title"),
            "the heading in {lang}"
        );
        assert_eq!(b.text("#stats th").await, w(lang, "stats.region"));
        assert_eq!(
            b.text("#assessments .badge.approved").await,
            w(lang, "status.approved")
        );
        assert_eq!(b.text("header form button").await, w(lang, "nav.logout"));
        b.check_page(&format!("list in {lang}"), lang).await;
    }
    let list_vi_shot = b.screenshot("dashboard-list-vi.png").await;
    // The language stays with the browser: the assessment opens in Vietnamese too.
    b.goto(&format!("/dashboard/assessments/{returned_id}"))
        .await;
    assert_eq!(
        b.text("p .badge.returned").await,
        w("vi", "status.returned")
    );
    b.check_page("assessment in vi", "vi").await;
    let assessment_vi_shot = b.screenshot("dashboard-assessment-vi.png").await;
    b.click("header a[lang=id]").await;
    assert_eq!(b.text("p .badge.returned").await, id("status.returned"));

    // The star decision: the approved assessment waits for one; Sari awards it four stars with
    // a reason, and its certificate is listed and checked, in the three languages.
    b.goto("/dashboard/decisions").await;
    b.wait_css(&format!("#waiting tr[data-id='{approved_id}']"))
        .await;
    b.check_page("decisions", "id").await;
    let mut language_shots = b
        .in_other_languages(
            "decisions",
            &format!("#waiting tr[data-id='{approved_id}']"),
            "decisions.title",
        )
        .await;
    b.type_into("input[name=number]", "188.45/123/KUM/2026")
        .await;
    b.type_into("input[name=authority]", "Bupati Tapin").await;
    b.wait_css(&format!("input[name=pick][value='{approved_id}']"))
        .await
        .click()
        .await
        .expect("tick the assessment");
    b.js(
        "document.querySelector(`select[name='star.${arguments[0]}']`).value = '4';",
        vec![json!(approved_id)],
    )
    .await;
    b.type_into(
        &format!("input[name='reason.{approved_id}']"),
        "Dewan kabupaten menilai ulang kemasan",
    )
    .await;
    let decisions_shot = b.screenshot("dashboard-decisions-id.png").await;
    b.click("#decision-form button[type=submit]").await;
    assert!(b
        .text("#recorded-decision")
        .await
        .contains("188.45/123/KUM/2026"));
    b.goto("/dashboard/certificates").await;
    b.wait_css("#certificates tr[data-certificate='OVOP-2026-00001']")
        .await;
    b.check_page("certificates", "id").await;
    let certificate_shots = b
        .in_other_languages("certificates", "#certificates", "cert.title")
        .await;

    // Sari is no admin: no users page for her.
    assert!(b.all("header a[href='/dashboard/users']").await.is_empty());
    b.goto("/dashboard/users").await;
    assert_eq!(b.text("main h1").await, id("error.title"));
    assert!(b.all("#users").await.is_empty());

    // Signed out; the admin signs in and lands where she asked to go.
    b.click("header form button[type=submit]").await;
    b.wait_css("form.login").await;
    b.goto("/dashboard/users").await;
    b.wait_css("form.login").await;
    assert_eq!(b.path_and_query().await.1, "next=/dashboard/users");
    sign_in(b, "admin", "admin-rahasia-1").await;
    b.wait_css("#users").await;
    assert_eq!(b.path_and_query().await.0, "/dashboard/users");
    assert_eq!(b.text("main h1").await, id("users.title"));
    let users = b.text("#users").await;
    for name in ["admin", "sari", "budi", "tono"] {
        assert!(users.contains(name), "{name} listed: {users}");
    }
    assert_eq!(b.rows("users").await, 4);
    b.check_page("users", "id").await;

    // A new officer through the form.
    b.type_into("form.filters input[name=name]", "wati").await;
    b.type_into("form.filters input[name=display_name]", "Wati Lestari")
        .await;
    b.wait_css("form.filters select[name=role]")
        .await
        .select_by_value("officer")
        .await
        .expect("pick a role");
    b.type_into("form.filters input[name=regions]", "63.05.02, VN25-00577")
        .await;
    b.type_into("form.filters input[name=password]", "wati-rahasia-1")
        .await;
    b.click("form.filters button[type=submit]").await;
    assert_eq!(
        b.text(".ok[role=status]").await,
        format!("{}: wati", id("users.created"))
    );
    assert_eq!(b.rows("users").await, 5);
    let wati_row = b
        .text("#users tbody tr:has(form[action='/dashboard/users/wati/code'])")
        .await;
    assert!(
        wati_row.contains("Wati Lestari")
            && wati_row.contains(&id("role.officer"))
            && wati_row.contains("63.05.02")
            && wati_row.contains("VN25-00577 Xã Bát Tràng"),
        "{wati_row}"
    );
    b.check_page("users after creating one", "id").await;
    let users_shot = b.screenshot("dashboard-users-id.png").await;

    // Her enrolment code: typed or scanned.
    b.click("form[action='/dashboard/users/wati/code'] button")
        .await;
    let code = b.text("#code").await;
    let groups: Vec<&str> = code.split('-').collect();
    assert!(
        groups.len() == 3
            && groups.iter().all(|g| g.len() == 4
                && g.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())),
        "a code like XXXX-XXXX-XXXX: {code:?}"
    );
    assert_eq!(
        b.text("main h1").await,
        format!("{}: wati", id("code.title"))
    );
    let qr = b.wait_js("the QR code drawn", "const s = document.querySelector('main svg'); return s && s.getBoundingClientRect().width", vec![]).await;
    assert!(
        qr.as_f64().unwrap_or(0.0) >= 100.0,
        "a QR code big enough to scan: {qr} px"
    );
    b.check_page("enrolment code", "id").await;
    let code_shot = b.screenshot("dashboard-code-id.png").await;
    // The code works once, from a laptop.
    let (status, enrolled) = server
        .post(
            "",
            "/v1/enrol",
            &json!({"code": code, "device_name": "Laptop Wati"}),
        )
        .await;
    assert_eq!(
        (status, enrolled["user"]["name"].as_str()),
        (201, Some("wati")),
        "{enrolled}"
    );

    // The admin sees every region: Tono's assessment too.
    b.click("header a[href='/dashboard']:not(.brand)").await;
    b.wait_css("#assessments").await;
    assert_eq!(listed(b).await, budi_count + 1);
    assert_eq!(b.rows("stats").await, 2);

    // Forwarding: a product scored at the top at the regency level is proposed to the province;
    // once approved it waits on the forwarding page, and goes up as a batch with its exports.
    let top = uuid(7, 1);
    let pushed = server
        .push_ok(
            &seeded.budi,
            &[at_the_top(&assessment(
                &top,
                1,
                &seeded.product,
                &seeded.village,
                0,
                vec![],
            ))],
        )
        .await;
    assert!(
        pushed
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Accepted),
        "{pushed:?}"
    );
    let (status, _) = server
        .post(
            &seeded.sari,
            &format!("/v1/review/assessments/{top}/decision"),
            &json!({"revision": 1, "decision": "approved", "comment": ""}),
        )
        .await;
    assert_eq!(status, 201);
    b.goto("/dashboard/forwards").await;
    b.wait_css(&format!("form.forward tr[data-id='{top}']"))
        .await;
    b.check_page("forwarding", "id").await;
    // The column of boxes says what ticking does here: forward, not award.
    assert_eq!(b.text("form.forward thead th").await, id("forward.pick"));
    language_shots.extend(
        b.in_other_languages(
            "forwarding",
            &format!("form.forward tr[data-id='{top}']"),
            "forward.title",
        )
        .await,
    );
    b.type_into(
        "form.forward input[name=note]",
        "Surat 500/12/Disperindag/2026",
    )
    .await;
    let forwarding_shot = b.screenshot("dashboard-forwarding-id.png").await;
    b.click("form.forward button[type=submit]").await;
    b.wait_css("#forwarded").await;
    assert_eq!(b.all("[data-batch] tbody tr").await.len(), 1);
    // The card says how the batch is printed, with the command for its number.
    let print = b.text("[data-batch] p.print code").await;
    assert!(
        print.starts_with("ovop sheet --batch --forwarded ") && print.ends_with(".pdf"),
        "{print}"
    );
    let forwarded_shot = b.screenshot("dashboard-forwarded-id.png").await;

    // The programme page: Budi's coaching plan for his first product, one action overdue
    // since the new year and one due next year; after his follow-up visit (with a photo) the
    // overdue one is done, and the page says so once he has synced.
    let (label, lab, trip) = (uuid(7, 1), uuid(7, 2), uuid(7, 3));
    let action = |id: &str,
                  revision: i64,
                  support: &str,
                  due: &str,
                  progress: &str,
                  visit: Option<&str>| {
        let mut body = json!({"product_id": seeded.product,
            "action": {"support": support, "owner": "officer", "notes": "", "progress": progress, "due": due}});
        if let Some(visit) = visit {
            body["visit_id"] = json!(visit);
        }
        Record::new(Kind::CoachingAction, id, revision, body, vec![])
    };
    let planned = server
        .push_ok(
            &seeded.budi,
            &[
                action(&label, 1, "packaging", "2026-01-15", "not_started", None),
                action(&lab, 1, "lab_test", "2099-06-30", "not_started", None),
            ],
        )
        .await;
    assert!(
        planned
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Accepted),
        "{planned:?}"
    );
    b.click("header a[href='/dashboard/office']").await;
    b.wait_css("#stars").await;
    b.check_page("programme", "id").await;
    assert_eq!(b.rows("overdue").await, 1);
    assert_eq!(
        b.text(&format!("#overdue tr[data-action='{label}'] td.date"))
            .await,
        "2026-01-15"
    );
    assert_eq!(
        b.text("#by-support tr[data-key=packaging] td:nth-child(3)")
            .await,
        "1"
    );
    assert_eq!(
        b.text("#officers tr[data-officer=budi] td:nth-child(5)")
            .await,
        "2"
    );
    // Every Tapin product Budi assessed this year, counted once, by its star.
    let counted: u32 = b
        .all("#stars tr[data-regency='63.05'] td[data-star]")
        .await
        .len() as u32;
    assert_eq!(counted, 6);
    // A target, set on the page, shows beside its star.
    b.type_into("#target-form input[name=regency]", "63.05")
        .await;
    b.type_into("#target-form input[name=products]", "4").await;
    b.click("#target-form button[type=submit]").await;
    b.wait_css("#target-saved").await;
    b.wait_css("#stars tr[data-regency='63.05'] td[data-star='1'] [data-target='4']")
        .await;
    // The recap as PDF and XLSX, fetched by the page with its session.
    let pdf_href = b.attr("#recap-pdf", "href").await;
    let (status, kind, pdf) = b.fetch(&pdf_href).await;
    assert_eq!((status, kind.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF"));
    let xlsx_href = b.attr("#recap-xlsx", "href").await;
    let (status, kind, xlsx) = b.fetch(&xlsx_href).await;
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    assert!(xlsx.starts_with(b"PK"));
    b.goto("/dashboard/office").await;
    b.wait_css("#stars").await;
    let programme_shot = b.screenshot("dashboard-programme-id.png").await;
    language_shots.extend(
        b.in_other_languages("programme", "#stars", "office.title")
            .await,
    );
    // The follow-up visit: the label is done; synced, the overdue list empties.
    let photo = blob_of(&seeded.photo);
    let visited = server
        .push_ok(
            &seeded.budi,
            &[
                Record::new(
                    Kind::CoachingVisit,
                    &trip,
                    1,
                    json!({"product_id": seeded.product, "visited_on": "2026-11-30", "notes": "Label baru",
                           "updates": [{"action_id": label, "progress": "done", "done": "label dicetak"}]}),
                    vec![photo],
                ),
                action(&label, 2, "packaging", "2026-01-15", "done", Some(&trip)),
            ],
        )
        .await;
    assert!(
        visited
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Accepted),
        "{visited:?}"
    );
    b.goto("/dashboard/office").await;
    b.wait_css("#no-overdue").await;
    assert!(b.all("#by-support tr[data-key=packaging]").await.is_empty());
    assert_eq!(b.rows("by-support").await, 1);
    assert_eq!(
        b.text("#officers tr[data-officer=budi] td:nth-child(4)")
            .await,
        "1"
    );
    assert_eq!(
        b.text("#officers tr[data-officer=budi] td:nth-child(5)")
            .await,
        "1"
    );

    // A USB bundle from Budi's laptop: uploaded and imported, each outcome counted, the
    // receipt offered as a file signed for his laptop; uploaded again, nothing changes; a
    // bundle changed on the way is refused in words and stores nothing.
    let bundles = tempfile::tempdir().expect("a folder for the bundles");
    let (maker, made) = (uuid(95, 1), uuid(95, 2));
    let batch = serde_json::to_vec(&ovop_protocol::PushRequest {
        records: vec![producer(&maker, TAPIN), product(&made, &maker)],
    })
    .expect("json");
    let file = bundles.path().join("budi.ovopbundle");
    write_bundle(&file, &seeded.budi, &batch);
    let upload = |file: PathBuf| async move {
        b.goto("/dashboard/bundles").await;
        let input = b.wait_css("[data-testid=bundle-file]").await;
        input
            .send_keys(&file.display().to_string())
            .await
            .expect("choose the bundle file");
        b.click("[data-testid=bundle-upload]").await;
    };
    upload(file.clone()).await;
    b.wait_css("[data-testid=bundle-done]").await;
    assert_eq!(b.text("[data-testid=bundle-accepted]").await, "2");
    assert_eq!(b.text("[data-testid=bundle-accepted-again]").await, "0");
    let bundle_shot = b.screenshot("dashboard-bundle.png").await;
    let href = b.attr("[data-testid=bundle-receipt]", "href").await;
    let (status, kind, bytes) = b.fetch(&href).await;
    assert_eq!((status, kind.as_str()), (200, "application/json"));
    let receipt: ovop_protocol::bundle::Receipt =
        serde_json::from_slice(&bytes).expect("the receipt");
    assert_eq!(receipt.results.len(), 2);
    assert!(receipt.signed_by(&ovop_protocol::bundle::token_key(&seeded.budi)));
    let stored: &'static str = Box::leak(
        format!("SELECT COUNT(*) FROM record WHERE id IN ('{maker}', '{made}')").into_boxed_str(),
    );
    assert_eq!(server.count(stored).await, 2);
    upload(file.clone()).await;
    b.wait_css("[data-testid=bundle-done]").await;
    assert_eq!(b.text("[data-testid=bundle-accepted]").await, "0");
    assert_eq!(b.text("[data-testid=bundle-accepted-again]").await, "2");
    let mut bytes = std::fs::read(&file).expect("the bundle");
    let at = bytes
        .windows(batch.len())
        .position(|w| w == batch.as_slice())
        .expect("the batch in the file")
        + batch.len() / 2;
    bytes[at] ^= 0x01;
    let damaged = bundles.path().join("damaged.ovopbundle");
    std::fs::write(&damaged, bytes).expect("write");
    upload(damaged).await;
    let refused = b.text("[data-testid=bundle-error]").await;
    assert!(
        ["id", "en", "vi"]
            .iter()
            .any(|l| refused.contains(&w(l, "error.bundle.damaged")))
            && refused.contains("bundle.damaged"),
        "in the reader's words, with the code: {refused}"
    );
    assert!(b.all("[data-testid=bundle-done]").await.is_empty());

    for shot in [
        bundle_shot,
        programme_shot,
        forwarding_shot,
        forwarded_shot,
        decisions_shot,
        certificate_shots[0].clone(),
        certificate_shots[1].clone(),
        login_shot,
        assessment_shot,
        returned_shot,
        list_shot,
        list_vi_shot,
        assessment_vi_shot,
        users_shot,
        code_shot,
    ]
    .into_iter()
    .chain(language_shots)
    {
        eprintln!("screenshot: {}", shot.display());
    }
}

/// A CSV export: with a BOM, then its header and rows.
fn csv_rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a CSV for spreadsheets starts with the UTF-8 BOM"
    );
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("a row").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_dashboard_in_chromium() {
    let started = Instant::now();
    let chromium = chromium_path();
    let shots = screenshot_dir();
    let logs = tempfile::tempdir().expect("a folder for ChromeDriver's log");
    let driver = start_chromedriver(logs.path()).await;
    let server = Server::start(Backend::Sqlite).await;
    let seeded = seed(&server).await;
    let client = open_browser(&driver, &chromium).await;
    eprintln!(
        "server filled and browser open in {} ms",
        started.elapsed().as_millis()
    );
    let browser = Browser {
        client: client.clone(),
        base: server.running.url(),
        shots,
    };
    tokio::time::timeout(WHOLE, dashboard(&server, &seeded, &browser))
        .await
        .unwrap_or_else(|_| panic!("the dashboard test did not finish within {WHOLE:?}"));
    let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
    server.stop().await;
    drop(driver);
    eprintln!(
        "the dashboard test took {} ms",
        started.elapsed().as_millis()
    );
}

// ---------------------------------------------------------------------------------------------
// The Kriteria page: an administrator publishes the office's official sheet from a workbook.

/// The committed OCOP 148 template's cells (`assets/criteria/template-ocop-148.xlsx`).
fn template_rows() -> Vec<Vec<String>> {
    use calamine::Reader;
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/criteria/template-ocop-148.xlsx");
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("the template");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).expect("its sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    calamine::Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// The template with criteria typed under each section's note (`↓ Mục 1: ...`): code,
/// criterion, points, level and the condition (`applies_if`), one row per level.
fn typed_template(typed: &[(&str, &[[&str; 5]])]) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for row in template_rows() {
        let note = row.get(1).cloned().unwrap_or_default();
        rows.push(row);
        for (section, levels) in typed {
            if note.starts_with(&format!("↓ Mục {section}:")) {
                for [code, criterion, points, level, applies_if] in levels.iter() {
                    let mut cells = vec![String::new(); 11];
                    cells[5] = code.to_string();
                    cells[6] = criterion.to_string();
                    cells[7] = points.to_string();
                    cells[8] = level.to_string();
                    cells[10] = applies_if.to_string();
                    rows.push(cells);
                }
            }
        }
    }
    rows
}

const SHEET_148: &[(&str, &[[&str; 5]])] = &[
    (
        "1",
        &[
            ["1.1", "Nguồn nguyên liệu", "0", "Không rõ nguồn gốc", ""],
            ["", "", "5", "Một phần trong tỉnh", ""],
            ["", "", "15", "Toàn bộ trong tỉnh", ""],
        ],
    ),
    (
        "2",
        &[
            ["2.1", "Bao bì, nhãn hàng hóa", "0", "Chưa có", ""],
            ["", "", "10", "Có nhãn đầy đủ", ""],
        ],
    ),
    (
        "3",
        &[
            ["3.1", "Liên kết sản xuất", "0", "Không", ""],
            ["", "", "15", "Có hợp đồng liên kết", ""],
        ],
    ),
    (
        "4",
        &[
            ["4.1", "Kênh phân phối", "0", "Tại chỗ", ""],
            ["", "", "15", "Toàn quốc", ""],
        ],
    ),
    (
        "5",
        &[
            ["5.1", "Câu chuyện sản phẩm", "0", "Không có", ""],
            ["", "", "10", "Có câu chuyện in trên bao bì", ""],
        ],
    ),
    (
        "6",
        &[
            ["6.1", "Chất lượng cảm quan", "0", "Không đạt", ""],
            ["", "", "35", "Đạt", ""],
        ],
    ),
];

fn write_workbook(rows: &[Vec<String>], path: &Path) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Phiếu 148").expect("a sheet name");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
            sheet
                .write_string(r as u32, c as u16, cell)
                .expect("a cell");
        }
    }
    book.save(path).expect("the workbook");
}

async fn criteria_page(b: &Browser, sheets: &Path) {
    b.goto("/dashboard/criteria").await;
    b.wait_css("form.login").await;
    sign_in(b, "admin", "admin-rahasia-1").await;
    b.wait_css("[data-testid=criteria-form]").await;
    assert_eq!(b.text("main h1").await, w("id", "criteria.title"));
    let shipped = b.all("#published tr[data-origin=shipped]").await.len();
    assert!(shipped >= 25, "the shipped sets are listed ({shipped})");
    let upload = |file: PathBuf| async move {
        b.goto("/dashboard/criteria").await;
        let input = b.wait_css("[data-testid=criteria-file]").await;
        input
            .send_keys(&file.display().to_string())
            .await
            .expect("choose the sheet");
        b.click("[data-testid=criteria-check]").await;
    };

    // A workbook with errors: each finding with its row and column, nothing published.
    let mut wrong = typed_template(SHEET_148);
    let at = |rows: &[Vec<String>], level: &str| {
        rows.iter()
            .position(|r| r.get(8).map(String::as_str) == Some(level))
            .expect("the level's row")
            + 1
    };
    let points_row = at(&wrong, "Toàn bộ trong tỉnh");
    wrong[points_row - 1][7] = "mười lăm".into();
    let condition_row = at(&wrong, "Có câu chuyện in trên bao bì");
    // The condition is read on the criterion's first row: there it names no criterion.
    wrong[condition_row - 2][10] = "9.9 > 0".into();
    let wrong_file = sheets.join("phieu-sai.xlsx");
    write_workbook(&wrong, &wrong_file);
    upload(wrong_file).await;
    b.wait_css("[data-testid=criteria-findings]").await;
    let findings = b
        .js(
            "return Array.from(document.querySelectorAll('[data-testid=criteria-finding]')).map(tr => [tr.dataset.code, tr.dataset.row, tr.dataset.column, tr.innerText]);",
            vec![],
        )
        .await;
    let findings: Vec<(String, String, String, String)> =
        serde_json::from_value(findings).expect("the findings");
    let found = |code: &str, row: usize, column: &str| {
        findings
            .iter()
            .find(|(c, r, col, _)| c == code && *r == row.to_string() && col == column)
            .unwrap_or_else(|| panic!("no {code} at row {row}, column {column}: {findings:#?}"))
    };
    let points = found("criteria.spreadsheet", points_row, "H (points)");
    assert!(points.3.contains("mười lăm"), "{points:?}");
    found("unknown_criterion", condition_row - 1, "K (applies_if)");
    assert_eq!(
        b.attr("[data-testid=criteria-error]", "data-code").await,
        "criteria.invalid"
    );
    assert!(b
        .text("[data-testid=criteria-error]")
        .await
        .contains("phieu-sai.xlsx"));
    let findings_shot = b.screenshot("dashboard-criteria-findings.png").await;
    assert!(b.all("#published tr[data-origin=office]").await.is_empty());

    // The sheet typed right: previewed whole, then published.
    let right_file = sheets.join("phieu-148.xlsx");
    write_workbook(&typed_template(SHEET_148), &right_file);
    upload(right_file).await;
    b.wait_css("[data-testid=criteria-preview]").await;
    assert!(b
        .path_and_query()
        .await
        .0
        .starts_with("/dashboard/criteria/drafts/"));
    let criteria: Vec<String> = serde_json::from_value(
        b.js(
            "return Array.from(document.querySelectorAll('[data-testid=preview-criterion]')).map(e => e.innerText.trim());",
            vec![],
        )
        .await,
    )
    .expect("the criteria");
    assert_eq!(criteria.len(), 6);
    assert!(
        criteria.contains(&"Nguồn nguyên liệu".to_string()),
        "{criteria:?}"
    );
    let row = b
        .text("tr.criterion[data-code='1.1'] + tr.level + tr.level + tr.level")
        .await;
    assert!(
        row.starts_with("15") && row.contains("Toàn bộ trong tỉnh"),
        "{row}"
    );
    assert_eq!(b.text("[data-testid=preview-max]").await, "100");
    assert_eq!(b.text("[data-testid=preview-from]").await, "2023-02-24");
    assert_eq!(
        b.text("[data-testid=preview-legal-basis]").await,
        "Quyết định 148/QĐ-TTg ngày 24/02/2023"
    );
    assert_eq!(
        b.text("#preview-stars tr[data-star='4'] td.num").await,
        "70–89"
    );
    let part_c = b.text("h3[data-part=C]").await;
    assert!(
        part_c.contains("Chất lượng sản phẩm") && part_c.contains("35"),
        "{part_c}"
    );
    let preview_shot = b.screenshot("dashboard-criteria-preview.png").await;
    b.click("[data-testid=criteria-publish]").await;
    b.wait_css("[data-testid=criteria-published-notice]").await;
    assert_eq!(
        b.attr("[data-testid=criteria-published-notice]", "data-new")
            .await,
        "true"
    );
    let listed = "#published tr[data-id='ocop-148-thay-ma-bo-san-pham'][data-origin=office]";
    let row = b.text(listed).await;
    assert!(
        row.contains("2023-02-24") && row.contains(&w("id", "criteria.origin.office")),
        "{row}"
    );
    let raw = b
        .js(
            "return (document.body.innerText.match(/\\bcriteria\\.[a-z_]+(\\.[a-z_]+)*\\b/g) || []).filter(k => !k.startsWith('criteria.spreadsheet'));",
            vec![],
        )
        .await;
    assert_eq!(raw, json!([]), "words shown as raw keys");
    b.check_page("criteria", "id").await;
    let mut shots = vec![
        findings_shot,
        preview_shot,
        b.screenshot("dashboard-criteria-id.png").await,
    ];
    // The page as a link opens it, in the other languages.
    b.goto("/dashboard/criteria").await;
    b.wait_css(listed).await;
    shots.extend(
        b.in_other_languages(
            "criteria",
            "[data-testid=criteria-published]",
            "criteria.title",
        )
        .await,
    );
    for shot in shots {
        eprintln!("screenshot: {}", shot.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_criteria_page_in_chromium() {
    let chromium = chromium_path();
    let shots = screenshot_dir();
    let logs = tempfile::tempdir().expect("a folder for ChromeDriver's log");
    let sheets = tempfile::tempdir().expect("a folder for the sheets");
    let driver = start_chromedriver(logs.path()).await;
    let server = Server::start(Backend::Sqlite).await;
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    let client = open_browser(&driver, &chromium).await;
    let browser = Browser {
        client: client.clone(),
        base: server.running.url(),
        shots,
    };
    tokio::time::timeout(WHOLE, criteria_page(&browser, sheets.path()))
        .await
        .unwrap_or_else(|_| panic!("the criteria page test did not finish within {WHOLE:?}"));
    let _ = tokio::time::timeout(Duration::from_secs(10), client.close()).await;
    server.stop().await;
    drop(driver);
}
