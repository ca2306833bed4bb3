//! The store through `ovop`: a whole assessment recorded from a script, exports, a writer killed
//! at random instants, and a full disk.

#[path = "../../../tests/support/host.rs"]
mod host;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_ovop")
}

fn ovop(data: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .args(args)
        .env("OVOP_DATA_DIR", data)
        .env("OVOP_NOW", "2026-11-20T09:00:00Z")
        .output()
        .expect("run ovop");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn ok(data: &Path, args: &[&str]) -> String {
    let (code, out, err) = ovop(data, args);
    assert_eq!(code, 0, "ovop {args:?}: {out}{err}");
    out
}

/// A data folder with an initialised database (every region imported), made once and copied.
fn data_folder() -> tempfile::TempDir {
    static SEED: OnceLock<tempfile::TempDir> = OnceLock::new();
    let seed = SEED.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = ok(dir.path(), &["db", "init"]);
        assert!(
            out.contains("38 provinces, 514 regencies, 7285 districts, 83762 villages"),
            "{out}"
        );
        dir
    });
    let copy = tempfile::tempdir().unwrap();
    std::fs::copy(
        seed.path().join("ovop.sqlite"),
        copy.path().join("ovop.sqlite"),
    )
    .unwrap();
    copy
}

fn producer_and_product(data: &Path) -> (String, String) {
    let village = ok(data, &["regions", "children", "63.05.01"])
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let producer = ok(
        data,
        &[
            "producer",
            "add",
            "--name",
            "KUB Anyaman Purun",
            "--village",
            &village,
            "--registration",
            "9120001234567",
        ],
    );
    let product = ok(
        data,
        &[
            "product",
            "add",
            "--producer",
            &producer,
            "--name",
            "Tas purun",
            "--brand",
            "Purun Tapin",
            "--sku",
            "TP-01",
        ],
    );
    (producer, product)
}

fn template_answers(level: u32) -> Value {
    let set: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../assets/criteria/sets/ovop-id-template.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut answers = serde_json::Map::new();
    for part in set["parts"].as_array().unwrap() {
        for section in part["sections"].as_array().unwrap() {
            for c in section["criteria"].as_array().unwrap() {
                answers.insert(c["code"].as_str().unwrap().into(), json!(level));
            }
        }
    }
    json!({"criteria": "ovop-id-template", "gates": {"G1": true, "G2": true, "G3": true}, "answers": answers})
}

#[test]
fn a_whole_assessment_is_recorded_finalised_and_exported_from_a_script() {
    let data = data_folder();
    let d = data.path();
    let regions: Value =
        serde_json::from_str(&ok(d, &["regions", "search", "tapin", "--json"])).unwrap();
    assert_eq!(regions[0]["code"], "63.05");
    let (_, product) = producer_and_product(d);
    assert!(ok(d, &["product", "search", "purun", "--region", "63.05"]).contains(&product));

    let id = ok(
        d,
        &[
            "assessment",
            "new",
            "--product",
            &product,
            "--criteria",
            "ovop-id-template",
            "--date",
            "2026-11-20",
            "--assessor",
            "Siti Rahmah",
        ],
    );
    assert!(ok(d, &["assessment", "answer", &id, "1.1", "3"]).contains("total 3 / 66"));
    let (code, _, err) = ovop(d, &["assessment", "answer", &id, "1.1", "7"]);
    assert!(
        code == 1 && err.contains("answers.invalid") && err.contains("levels 1 to 3"),
        "{err}"
    );
    let (code, _, err) = ovop(d, &["assessment", "finalize", &id]);
    assert!(code == 1 && err.contains("not complete"), "{err}");

    let answers = d.join("answers.json");
    std::fs::write(&answers, template_answers(2).to_string()).unwrap();
    ok(
        d,
        &[
            "assessment",
            "answer",
            &id,
            "--file",
            answers.to_str().unwrap(),
        ],
    );
    let out = ok(d, &["assessment", "finalize", &id]);
    assert!(out.contains("revision 1 final: total 44, star 3"), "{out}");
    let (code, _, err) = ovop(d, &["assessment", "answer", &id, "1.1", "1"]);
    assert!(code == 1 && err.contains("store.locked"), "{err}");
    assert!(ok(
        d,
        &["assessment", "correct", &id, "--reason", "salah ketik"]
    )
    .contains("revision 2"));

    let shown: Value =
        serde_json::from_str(&ok(d, &["assessment", "show", &id, "--json"])).unwrap();
    assert_eq!(
        (
            shown["revision"].as_i64(),
            shown["status"].as_str(),
            shown["supersedes"].as_i64()
        ),
        (Some(2), Some("draft"), Some(1))
    );

    // Exports carry the final revision, not the draft correction.
    let csv = d.join("export.csv");
    ok(
        d,
        &["export", "--format", "csv", "-o", csv.to_str().unwrap()],
    );
    let bytes = std::fs::read(&csv).unwrap();
    assert_eq!(
        &bytes[..3],
        b"\xEF\xBB\xBF",
        "UTF-8 with a byte-order mark for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines[0].starts_with("assessment,revision,status,product,producer")
            && lines[0].contains("part_A")
            && lines[0].contains("star")
    );
    assert!(
        lines[1].contains(&id)
            && lines[1].contains(",1,final,Tas purun,KUB Anyaman Purun,")
            && lines[1].contains(",44,66,3,3,sha256:"),
        "{}",
        lines[1]
    );
    let xlsx = d.join("export.xlsx");
    ok(
        d,
        &["export", "--format", "xlsx", "-o", xlsx.to_str().unwrap()],
    );
    assert_eq!(&std::fs::read(&xlsx).unwrap()[..2], b"PK");

    assert!(ok(d, &["db", "check"]).ends_with(": ok"));
    let backup = ok(d, &["db", "backup"]);
    assert!(Path::new(&backup).exists());

    // The printed sheet of the final revision, and of the draft correction, named as such.
    let sheet = d.join("lembar.pdf");
    let out = ok(
        d,
        &[
            "sheet",
            &id,
            "--revision",
            "1",
            "-o",
            sheet.to_str().unwrap(),
        ],
    );
    assert!(out.contains("lembar.pdf"), "{out}");
    let text = pdf_text(&sheet);
    for expected in [
        "LEMBAR PENILAIAN PRODUK · OVOP",
        "Tas purun",
        "KUB Anyaman Purun",
        "Siti Rahmah",
        "44 / 66",
        "20 November 2026",
    ] {
        assert!(text.contains(expected), "{expected:?}: {text}");
    }
    let draft = d.join("draft.pdf");
    ok(
        d,
        &["sheet", &id, "--lang", "en", "-o", draft.to_str().unwrap()],
    );
    assert!(pdf_text(&draft).contains("DRAFT — not finalised"));
    // The same record, the same bytes.
    let again = d.join("again.pdf");
    ok(
        d,
        &[
            "sheet",
            &id,
            "--revision",
            "1",
            "-o",
            again.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(&sheet).unwrap(),
        std::fs::read(&again).unwrap()
    );

    // The producer's receipt, and no council sheet for a sheet scored alone.
    let receipt = d.join("tanda-terima.pdf");
    ok(
        d,
        &[
            "sheet",
            &id,
            "--revision",
            "1",
            "--receipt",
            "-o",
            receipt.to_str().unwrap(),
        ],
    );
    assert!(pdf_text(&receipt).contains("TANDA TERIMA PENILAIAN PRODUK"));
    let (code, _, err) = ovop(
        d,
        &[
            "sheet",
            &id,
            "--revision",
            "1",
            "--council",
            "-o",
            d.join("x.pdf").to_str().unwrap(),
        ],
    );
    assert!(code == 1 && err.contains("error[sheet.invalid]"), "{err}");

    // Every final assessment of the regency on that day, in one PDF; none on another day.
    let batch = d.join("tapin.pdf");
    let out = ok(
        d,
        &[
            "sheet",
            "--batch",
            "--village",
            "63.05",
            "--date",
            "2026-11-20",
            "-o",
            batch.to_str().unwrap(),
        ],
    );
    assert!(out.contains("1 sheets"), "{out}");
    let text = pdf_text(&batch);
    assert!(
        text.contains("KUMPULAN LEMBAR PENILAIAN")
            && text.contains("Kabupaten Tapin (63.05)")
            && text.contains("Tas purun"),
        "{text}"
    );
    let (code, _, err) = ovop(
        d,
        &[
            "sheet",
            "--batch",
            "--village",
            "63.05",
            "--date",
            "2026-01-01",
            "-o",
            d.join("x.pdf").to_str().unwrap(),
        ],
    );
    assert!(
        code == 1 && err.contains("error[sheet.batch_empty]"),
        "{err}"
    );

    // A blank sheet of a set, for a visit on paper.
    let blank = d.join("kosong.pdf");
    ok(
        d,
        &[
            "sheet",
            "--blank",
            "--criteria",
            "ocop-1048-02",
            "--lang",
            "vi",
            "-o",
            blank.to_str().unwrap(),
        ],
    );
    assert!(pdf_text(&blank).contains("PHIẾU ĐÁNH GIÁ SẢN PHẨM (MẪU TRỐNG)"));

    // Refusals: by code, and no file half-written.
    let (code, _, err) = ovop(
        d,
        &[
            "sheet",
            "no-such-assessment",
            "-o",
            d.join("x.pdf").to_str().unwrap(),
        ],
    );
    assert!(code == 1 && err.contains("error[store.not_found]"), "{err}");
    let (code, _, err) = ovop(
        d,
        &[
            "sheet",
            &id,
            "--revision",
            "9",
            "-o",
            d.join("x.pdf").to_str().unwrap(),
        ],
    );
    assert!(
        code == 1 && err.contains("error[store.not_found]") && err.contains("revision 9"),
        "{err}"
    );
    let (code, _, err) = ovop(
        d,
        &[
            "sheet",
            "--blank",
            "--criteria",
            "nope",
            "-o",
            d.join("x.pdf").to_str().unwrap(),
        ],
    );
    assert!(
        code == 1 && err.contains("error[criteria.not_found]"),
        "{err}"
    );
    let nowhere = d.join("no-such-folder").join("x.pdf");
    let (code, _, err) = ovop(d, &["sheet", &id, "-o", nowhere.to_str().unwrap()]);
    assert!(code == 1 && err.contains("error[sheet.write]"), "{err}");
    assert!(!d.join("x.pdf").exists() && !nowhere.exists());
}

fn pdf_text(pdf: &Path) -> String {
    let out = host::run("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_damaged_database_is_reported_and_restored_from_the_latest_backup() {
    let data = data_folder();
    let d = data.path();
    let (producer, _) = producer_and_product(d);
    ok(d, &["db", "backup"]);
    let db = d.join("ovop.sqlite");
    let bytes = std::fs::read(&db).unwrap();
    std::fs::write(&db, &bytes[..bytes.len() / 3]).unwrap();
    let (code, _, err) = ovop(d, &["db", "check"]);
    assert!(code == 1 && err.contains("store.corrupt"), "{err}");
    let out = ok(d, &["db", "restore"]);
    assert!(out.contains("restored"), "{out}");
    assert!(ok(d, &["db", "check"]).ends_with(": ok"));
    assert!(ok(d, &["producer", "list"]).contains(&producer));

    std::fs::write(&db, b"not a database at all, and never to be overwritten").unwrap();
    let (code, _, err) = ovop(d, &["producer", "list"]);
    assert!(code == 1 && err.contains("store.not_a_database"), "{err}");
    assert_eq!(
        std::fs::read(&db).unwrap(),
        b"not a database at all, and never to be overwritten"
    );
}

/// A small deterministic generator: the seed is printed so a failure can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn sigkill_at_random_instants_loses_no_committed_assessment_and_leaves_nothing_half_written() {
    let data = data_folder();
    let d = data.path();
    let (_, product) = producer_and_product(d);
    let db = d.join("ovop.sqlite");
    let seed = std::env::var("OVOP_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|t| t.as_nanos() as u64)
                .unwrap_or(7)
        });
    eprintln!("crash test seed {seed} (OVOP_CRASH_SEED={seed} replays it)");
    let mut rng = Lcg(seed);
    let kills = 300;
    let mut committed: BTreeMap<String, String> = BTreeMap::new();
    let started = Instant::now();
    for _ in 0..kills {
        let mut child = Command::new(bin())
            .args([
                "--db",
                db.to_str().unwrap(),
                "bench",
                "write-loop",
                "--product",
                &product,
            ])
            .env("OVOP_DATA_DIR", d)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the writer");
        let stdout = child.stdout.take().unwrap();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut lines = Vec::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line == "ready" {
                    let _ = ready_tx.send(());
                } else {
                    lines.push(line);
                }
            }
            lines
        });
        ready_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the writer started");
        // Anywhere in the next 0-40 ms: inside a transaction, between two, or during a commit.
        std::thread::sleep(Duration::from_micros(rng.next() % 40_000));
        child.kill().expect("SIGKILL the writer");
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            let (id, hash) = line.split_once(' ').expect("id and hash");
            committed.insert(id.into(), hash.into());
        }
    }
    eprintln!(
        "{kills} kills in {:?}, {} assessments committed",
        started.elapsed(),
        committed.len()
    );
    assert!(
        committed.len() > kills / 2,
        "the writer committed too little to prove anything: {}",
        committed.len()
    );

    assert!(
        ok(d, &["db", "check"]).ends_with(": ok"),
        "integrity_check after {kills} kills"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    // Every assessment whose commit returned is present, final and intact.
    for (id, hash) in &committed {
        let (status, stored): (String, String) = conn
            .query_row(
                "SELECT status, content_hash FROM assessment WHERE id = ?1 AND revision = 1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("committed assessment {id} is missing: {e}"));
        assert_eq!((status.as_str(), stored.as_str()), ("final", hash.as_str()));
    }
    // Nothing half-written: every final row has its result and exactly one outbox row, and
    // every draft's answers are a whole JSON document.
    let orphans: i64 = conn
        .query_row(
            "SELECT count(*) FROM assessment a WHERE status = 'final' AND (result IS NULL OR content_hash IS NULL OR
               (SELECT count(*) FROM outbox o WHERE o.record_id = a.id AND o.revision = a.revision) <> 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0);
    let unqueued: i64 = conn.query_row("SELECT count(*) FROM outbox o WHERE o.kind = 'assessment' AND NOT EXISTS (SELECT 1 FROM assessment a WHERE a.id = o.record_id AND a.revision = o.revision AND a.status = 'final')", [], |r| r.get(0)).unwrap();
    // Each producer and product is queued once, with its record.
    let references: i64 = conn.query_row("SELECT count(*) FROM outbox o WHERE o.kind IN ('producer', 'product') AND NOT EXISTS (SELECT 1 FROM producer p WHERE p.id = o.record_id UNION ALL SELECT 1 FROM product p WHERE p.id = o.record_id)", [], |r| r.get(0)).unwrap();
    assert_eq!(
        references, 0,
        "a queued producer or product that is not there"
    );
    assert_eq!(unqueued, 0);
    let mut stmt = conn.prepare("SELECT answers FROM assessment").unwrap();
    for answers in stmt.query_map([], |r| r.get::<_, String>(0)).unwrap() {
        serde_json::from_str::<Value>(&answers.unwrap()).expect("answers are whole JSON");
    }
}

/// A real full disk: a 2 MB tmpfs in a private mount namespace (`unshare`), where the region
/// import cannot fit. The error is clear and coded, and the database holds nothing half-done.
/// Linux only: Windows has no mount namespaces to make a small disk in.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_gives_a_clear_error_and_stores_nothing_half_way() {
    let dir = tempfile::tempdir().unwrap();
    let mount = dir.path().join("small");
    std::fs::create_dir_all(&mount).unwrap();
    let script = format!(
        "set -e; mount -t tmpfs -o size=2m tmpfs {m}; \
         set +e; OVOP_DATA_DIR={m} {bin} db init; echo \"init exit $?\"; \
         OVOP_DATA_DIR={m} {bin} db check; echo \"check exit $?\"; \
         ls -la {m}",
        m = mount.display(),
        bin = bin()
    );
    let unshare = if is_root() {
        vec!["--mount"]
    } else {
        vec!["--user", "--map-root-user", "--mount"]
    };
    let out = Command::new("unshare")
        .args(&unshare)
        .args(["sh", "-c", &script])
        .output()
        .expect("unshare (util-linux)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the namespace could not be made: {stderr}"
    );
    assert!(
        stderr.contains("error[store.disk_full]") && stderr.contains("disk is full"),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("init exit 1"), "{stdout}");
    assert!(
        stdout.contains("check exit 0") && stdout.contains(": ok"),
        "the database is whole after the failed import: {stdout}\n{stderr}"
    );
}

#[cfg(target_os = "linux")]
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `ovop` with the app's own data folder under `xdg` (no folder given), as on an officer's
/// laptop.
#[cfg(target_os = "linux")]
fn ovop_as_the_app(xdg: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(bin())
        .args(args)
        .env_remove("OVOP_DATA_DIR")
        .env_remove("OVOP_DB")
        .env("XDG_DATA_HOME", xdg)
        .env("HOME", xdg)
        .output()
        .expect("run ovop");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).trim().to_string(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Linux only: the app's folder is put elsewhere through XDG_DATA_HOME, which Windows does not
/// read (the installer's test checks the folder under the local application data).
#[cfg(target_os = "linux")]
#[test]
fn the_command_line_follows_the_data_the_app_moved_and_never_starts_an_empty_one_in_its_place() {
    let xdg = tempfile::tempdir().expect("xdg");
    let home = xdg.path().join("org.ovopfield.app");
    std::fs::create_dir_all(&home).expect("home");
    let moved = data_folder();
    std::fs::write(
        home.join("data-folder.txt"),
        moved.path().display().to_string(),
    )
    .expect("pointer");

    let (code, out, err) = ovop_as_the_app(xdg.path(), &["db", "check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&moved.path().display().to_string()), "{out}");
    assert!(
        !home.join("ovop.sqlite").exists(),
        "no database in the app's own folder"
    );

    // The drive the data was moved to is not plugged in: refused in words, nothing created.
    let gone = xdg.path().join("usb-drive/ovop");
    std::fs::write(home.join("data-folder.txt"), gone.display().to_string()).expect("pointer");
    let (code, out, err) = ovop_as_the_app(xdg.path(), &["db", "init"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("error[data.folder_missing]"), "{err}");
    assert!(
        !home.join("ovop.sqlite").exists() && !gone.exists(),
        "nothing was created"
    );
}

/// The round, level and kind given when an assessment starts are printed on its sheet in the
/// sheet's words; a kind, round or level the programme does not have is refused in words.
#[test]
fn an_assessment_started_in_a_round_prints_it_and_a_wrong_one_is_refused() {
    let data = data_folder();
    let d = data.path();
    let (_, product) = producer_and_product(d);
    let new = |extra: &[&str]| {
        let mut args = vec![
            "assessment",
            "new",
            "--product",
            &product,
            "--criteria",
            "ovop-id-template",
            "--date",
            "2026-11-20",
        ];
        args.extend_from_slice(extra);
        ovop(d, &args)
    };
    let (code, id, err) = new(&[
        "--round", "2026-2", "--level", "provinsi", "--kind", "upgrade",
    ]);
    assert_eq!(code, 0, "{err}");
    let id = id.trim().to_string();
    let answers = d.join("answers.json");
    std::fs::write(&answers, template_answers(2).to_string()).unwrap();
    ok(
        d,
        &[
            "assessment",
            "answer",
            &id,
            "--file",
            answers.to_str().unwrap(),
        ],
    );
    ok(d, &["assessment", "finalize", &id]);
    let pdf = d.join("lembar.pdf");
    ok(d, &["sheet", &id, "-o", pdf.to_str().unwrap()]);
    let text = pdf_text(&pdf);
    assert!(
        text.contains("2026 · II · Provinsi · Kenaikan bintang"),
        "{text}"
    );

    for (extra, says) in [
        (&["--kind", "renewal"][..], "--kind"),
        (&["--round", "2026-13"][..], "round"),
        (&["--level", "province"][..], "level"),
    ] {
        let (code, _, err) = new(extra);
        assert!(
            code == 1 && err.contains("store.invalid") && err.contains(says),
            "{extra:?}: {err}"
        );
    }
}

#[test]
fn a_whole_backup_goes_to_another_folder_and_restores_a_new_laptop_from_a_script() {
    let old = data_folder();
    let d = old.path();
    producer_and_product(d);
    let usb = tempfile::tempdir().unwrap();
    let written: Value =
        serde_json::from_str(&ok(d, &["db", "archive", usb.path().to_str().unwrap()])).unwrap();
    let file = written["path"].as_str().unwrap().to_string();
    assert_eq!(
        file,
        usb.path()
            .join("ovop-backup-20261120-090000.ovopbak")
            .display()
            .to_string()
    );
    assert_eq!(written["contents"]["producers"], 1);

    let new = tempfile::tempdir().unwrap();
    let checked: Value =
        serde_json::from_str(&ok(new.path(), &["db", "check-archive", &file])).unwrap();
    assert_eq!(checked["created_at"], "2026-11-20T09:00:00Z");
    assert_eq!(checked["contents"]["products"], 1);
    assert!(
        !new.path().join("ovop.sqlite").exists(),
        "a check changes nothing"
    );

    // A copy cut short: refused with its code, nothing restored.
    let bytes = std::fs::read(&file).unwrap();
    let cut = usb.path().join("terpotong.ovopbak");
    std::fs::write(&cut, &bytes[..bytes.len() - 4096]).unwrap();
    let (code, _, err) = ovop(
        new.path(),
        &["db", "restore-archive", cut.to_str().unwrap()],
    );
    assert_eq!(code, 1);
    assert!(err.starts_with("error[backup.damaged]"), "{err}");
    assert!(!new.path().join("ovop.sqlite").exists());

    let restored: Value =
        serde_json::from_str(&ok(new.path(), &["db", "restore-archive", &file])).unwrap();
    assert_eq!(restored["kept"], Value::Null);
    assert_eq!(restored["contents"]["producers"], 1);
    assert!(ok(new.path(), &["db", "check"]).ends_with(": ok"));
}
