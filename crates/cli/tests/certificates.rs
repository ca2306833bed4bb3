//! A star certificate from the office to the laptop and back to a phone's check: an approved
//! assessment is awarded four stars by a decision on a real server; the laptop pulls the award
//! with its certificate and the office's key; `ovop certificate` prints it, verifies the PDF,
//! a picture of its QR code and the code as text offline, refuses a changed one, and lists it
//! as lapsing (or lapsed) when the day passed in comes near its end; a lapsed star is never
//! current.

mod field;
#[path = "../../../tests/support/host.rs"]
mod host;

use std::path::Path;
use std::process::Command;

use field::{patient_client as client, server, Backend, Field};
use serde_json::{json, Value};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ovop(db: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_ovop"))
        .args(args)
        .env("OVOP_DB", db)
        .env_remove("OVOP_DATA_DIR")
        .output()
        .expect("run ovop");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into(),
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

fn ok(db: &Path, args: &[&str]) -> String {
    let run = ovop(db, args);
    assert_eq!(run.code, 0, "ovop {args:?}:\n{}{}", run.stdout, run.stderr);
    run.stdout
}

fn refused(db: &Path, args: &[&str], code: &str) {
    let run = ovop(db, args);
    assert_eq!(run.code, 1, "ovop {args:?}:\n{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(&format!("error[{code}]")),
        "ovop {args:?}: {}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_reaches_the_laptop_verifies_offline_and_lapses_on_time() {
    let (server, token) = server(Backend::Sqlite).await;
    let mut field = Field::new();
    let id = field.finalised(0);
    let budi = client(&server.running.url(), &token);
    field.sync(&budi).await.expect("sync");

    server
        .user("sari", "supervisor", &["63.05"], Some("rahasia-sari-1"))
        .await;
    let sari = server.enrol("sari", "rahasia-sari-1").await;
    let (status, body) = server
        .post(
            &sari,
            &format!("/v1/review/assessments/{id}/decision"),
            &json!({"revision": 1, "decision": "approved", "comment": ""}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let today = field::now()[..10].to_string();
    let (status, recorded) = server
        .post(
            &sari,
            "/v1/decisions",
            &json!({
                "number": "500/77/KPTS/2026", "date": today, "authority": "Bupati Tapin",
                "awards": [{"assessment_id": id, "star": 4, "reason": "Dewan kabupaten menilai ulang"}],
            }),
        )
        .await;
    assert_eq!(status, 201, "{recorded}");
    let number = recorded["awards"][0]["certificate"]["number"]
        .as_str()
        .expect("a certificate")
        .to_string();
    let valid_until = recorded["awards"][0]["certificate"]["valid_until"]
        .as_str()
        .expect("valid until")
        .to_string();

    // Before the laptop has synced again it knows no key: nothing can be verified yet.
    let db = field.db.clone();
    let dir = tempfile::tempdir().expect("temp");
    let code_file = dir.path().join("code.txt");
    std::fs::write(
        &code_file,
        recorded["awards"][0]["certificate"]["code"]
            .as_str()
            .expect("code"),
    )
    .expect("write");
    let fresh = dir.path().join("fresh.sqlite");
    refused(
        &fresh,
        &["certificate", "verify", code_file.to_str().expect("path")],
        "certificate.unknown_key",
    );

    field.sync(&budi).await.expect("pull");
    let awards = field.store.awards_of(&field.product).expect("awards");
    assert_eq!(awards.len(), 1);
    assert_eq!(awards[0].star, 4);

    // Printed, and the PDF, a picture of it and the code as text verify offline.
    let pdf = dir.path().join("sertifikat.pdf");
    ok(
        &db,
        &[
            "certificate",
            "print",
            &number,
            "--lang",
            "vi",
            "-o",
            pdf.to_str().expect("path"),
        ],
    );
    let text = String::from_utf8_lossy(
        &host::run("pdftotext", &[pdf.to_str().expect("path"), "-"]).stdout,
    )
    .into_owned();
    assert!(
        text.contains("GIẤY CHỨNG NHẬN") && text.contains("Tikar purun motif"),
        "{text}"
    );
    let said = ok(
        &db,
        &[
            "certificate",
            "verify",
            pdf.to_str().expect("path"),
            "--json",
        ],
    );
    let said: Value = serde_json::from_str(&said).expect("json");
    assert_eq!(said["number"], number.as_str());
    assert_eq!(
        (said["star"].as_u64(), said["genuine"].as_bool()),
        (Some(4), Some(true))
    );
    assert_eq!(said["current"], true);
    let png = dir.path().join("page");
    let rendered = host::run(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "150",
            "-singlefile",
            pdf.to_str().expect("path"),
            png.to_str().expect("path"),
        ],
    );
    assert!(rendered.status.success());
    let picture = dir.path().join("page.png");
    let out = ok(
        &db,
        &["certificate", "verify", picture.to_str().expect("path")],
    );
    assert!(
        out.contains(&format!("certificate {number} is genuine")),
        "{out}"
    );
    ok(
        &db,
        &["certificate", "verify", code_file.to_str().expect("path")],
    );
    // Saved by Notepad as "Unicode" (UTF-16 LE with its mark, CRLF).
    let code = std::fs::read_to_string(&code_file).expect("code");
    let notepad = dir.path().join("code-unicode.txt");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            format!("{code}\r\n")
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    std::fs::write(&notepad, utf16).expect("write");
    ok(
        &db,
        &["certificate", "verify", notepad.to_str().expect("path")],
    );

    // Changed by one character, or signed by another key: refused.
    let code = std::fs::read_to_string(&code_file).expect("code");
    let later = code.replacen(&valid_until, "2099-12-31", 1);
    std::fs::write(&code_file, &later).expect("write");
    refused(
        &db,
        &["certificate", "verify", code_file.to_str().expect("path")],
        "certificate.bad_signature",
    );
    let other = ovop_protocol::certificate::SigningKey::from_seed(&[9; 32]).expect("key");
    refused(
        &db,
        &[
            "certificate",
            "verify",
            pdf.to_str().expect("path"),
            "--key",
            &other.public().text(),
        ],
        "certificate.unknown_key",
    );
    std::fs::write(&code_file, "not a certificate").expect("write");
    refused(
        &db,
        &["certificate", "verify", code_file.to_str().expect("path")],
        "certificate.malformed",
    );
    refused(
        &db,
        &[
            "certificate",
            "verify",
            pdf.to_str().expect("path"),
            "--today",
            "31/12/2026",
        ],
        "certificate.bad_day",
    );

    // Not lapsing today; listed 30 days before its end (urgent), and lapsed the day after.
    let listed = |day: &str| -> Value {
        serde_json::from_str(&ok(&db, &["certificate", "lapsing", "--today", day])).expect("json")
    };
    assert_eq!(listed(&today).as_array().map(Vec::len), Some(0));
    let until = ovop_core::validity::parse_day(&valid_until).expect("a day");
    let day = |offset: i64| ovop_core::validity::format_day(until + time::Duration::days(offset));
    let soon = listed(&day(-30));
    assert_eq!(soon.as_array().map(Vec::len), Some(1), "{soon}");
    assert_eq!(soon[0]["standing"]["state"], "lapsing");
    assert_eq!(soon[0]["standing"]["urgent"], true);
    assert_eq!(soon[0]["current"], true);
    let gone = listed(&day(1));
    assert_eq!(gone[0]["standing"]["state"], "lapsed");
    assert_eq!(gone[0]["current"], false, "a lapsed star is never current");
    let product: Value = serde_json::from_str(&ok(
        &db,
        &["certificate", "product", &field.product, "--today", &day(1)],
    ))
    .expect("json");
    assert_eq!(product[0]["current"], false);
    let after = ok(
        &db,
        &[
            "certificate",
            "verify",
            pdf.to_str().expect("path"),
            "--today",
            &day(1),
        ],
    );
    assert!(after.contains("LAPSED"), "{after}");
    server.stop().await;
}
