//! `ovop enrol` and `ovop sync` as a script runs them: enrolment by password, by a typed code
//! and by a picture of the QR code; and the laptop's sync killed (SIGKILL) in the middle of a
//! push, then run again: everything arrives once.

mod field;

use std::process::{Command, Stdio};
use std::time::Duration;

use field::{assert_converged, server, server_with, Backend, Field, Proxy};

fn ovop(field: &Field) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ovop"));
    // The token in the file, whatever keyring the machine running the tests has.
    command
        .arg("--db")
        .arg(&field.db)
        .env("OVOP_DATA_DIR", field.dir.path())
        .env("OVOP_NO_KEYRING", "1");
    command
}

async fn code_for(server: &field::Server, name: &'static str) -> ovop_server::admin::EnrolCode {
    let address = server.running.url();
    server
        .running
        .state
        .db
        .run(move |tx| ovop_server::admin::create_code_in(tx, name, 1, &address))
        .await
        .expect("code")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_killed_mid_push_and_run_again_sends_everything_once() {
    // Four records per push: the sync is ten pushes.
    let (server, _token) = server_with(Backend::Sqlite, |config| {
        config.limits.max_batch_records = 4
    })
    .await;
    let proxy = Proxy::start(server.running.addr).await;
    let mut field = Field::new();
    for _ in 0..40 {
        field.finalised(1);
    }
    let enrol = ovop(&field)
        .args([
            "enrol",
            "--server",
            &proxy.url(),
            "--user",
            "budi",
            "--device-name",
            "Laptop Budi",
        ])
        .env("OVOP_PASSWORD", "rahasia-budi-1")
        .output()
        .expect("ovop enrol");
    assert!(
        enrol.status.success(),
        "{}",
        String::from_utf8_lossy(&enrol.stderr)
    );
    assert!(String::from_utf8_lossy(&enrol.stdout).contains("enrolled as budi"));

    // A slow link, so the kill lands while pushes are on their way.
    proxy
        .rate
        .store(60_000, std::sync::atomic::Ordering::Relaxed);
    let mut child = ovop(&field)
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ovop sync");
    // Killed once some pushes have landed and more are on their way.
    let started = std::time::Instant::now();
    loop {
        let landed = server
            .count("SELECT count(*) FROM record WHERE kind = 'assessment'")
            .await;
        if landed >= 8 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.kill().expect("SIGKILL");
    let status = child.wait().expect("wait");
    assert!(!status.success(), "the sync was killed before it ended");

    proxy.rate.store(0, std::sync::atomic::Ordering::Relaxed);
    let again = ovop(&field)
        .args(["sync", "--json"])
        .output()
        .expect("ovop sync again");
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&again.stdout).expect("the report is JSON");
    assert_eq!(report["rejected"], 0);
    assert_eq!(report["conflicts"], 0);
    // The store the killed process left is read again from its file.
    field.store = ovop_store::Store::open(&field.db).expect("reopen");
    assert_converged(&mut field, &server, 40).await;

    let status = ovop(&field)
        .args(["sync", "status", "--json"])
        .output()
        .expect("status");
    let rows: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    // The 40 assessments, and the producer and product they need.
    assert!(rows
        .as_array()
        .is_some_and(|r| r.len() == 42 && r.iter().all(|row| row["state"] == "sent")));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_by_code_by_qr_picture_and_refusals() {
    let (server, _token) = server(Backend::Sqlite).await;
    let field = Field::new();
    // A wrong password: refused with the server's code, nothing kept.
    let wrong = ovop(&field)
        .args(["enrol", "--server", &server.running.url(), "--user", "budi"])
        .env("OVOP_PASSWORD", "salah")
        .output()
        .expect("enrol");
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&wrong.stderr).starts_with("error[enrol."),
        "{}",
        String::from_utf8_lossy(&wrong.stderr)
    );
    assert!(!field.dir.path().join("enrolment.json").exists());
    // Not enrolled: sync says so.
    let not_yet = ovop(&field).arg("sync").output().expect("sync");
    assert!(String::from_utf8_lossy(&not_yet.stderr).contains("error[sync.not_enrolled]"));
    // A server address that is not a server.
    let nowhere = ovop(&field)
        .args([
            "enrol",
            "--server",
            "http://127.0.0.1:9",
            "--code",
            "AAAA-BBBB-CCCC",
        ])
        .output()
        .expect("enrol");
    assert!(
        String::from_utf8_lossy(&nowhere.stderr).contains("error[sync.offline]"),
        "{}",
        String::from_utf8_lossy(&nowhere.stderr)
    );

    // A typed code, loosely.
    let code = code_for(&server, "budi").await;
    let typed = ovop(&field)
        .args([
            "enrol",
            "--server",
            &server.running.url(),
            "--code",
            &code.code.to_lowercase(),
        ])
        .output()
        .expect("enrol");
    assert!(
        typed.status.success(),
        "{}",
        String::from_utf8_lossy(&typed.stderr)
    );
    // The same code again: used up.
    let again = ovop(&field)
        .args([
            "enrol",
            "--server",
            &server.running.url(),
            "--code",
            &code.code,
        ])
        .output()
        .expect("enrol");
    assert_eq!(again.status.code(), Some(1));

    // A picture of the QR code: the address comes with it.
    let code = code_for(&server, "budi").await;
    let qr = qrcode::QrCode::new(code.qr_text.as_bytes()).expect("qr");
    let picture = qr
        .render::<image::Luma<u8>>()
        .min_dimensions(300, 300)
        .build();
    let path = field.dir.path().join("kode.png");
    picture.save(&path).expect("png");
    let by_picture = ovop(&field)
        .args(["enrol", "--qr"])
        .arg(&path)
        .output()
        .expect("enrol");
    assert!(
        by_picture.status.success(),
        "{}",
        String::from_utf8_lossy(&by_picture.stderr)
    );
    let kept = std::fs::read_to_string(field.dir.path().join("enrolment.json")).expect("kept");
    assert!(kept.contains("ovt_"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(field.dir.path().join("enrolment.json"))
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "only the user can read the token");
    }
    // A picture with no code in it.
    let blank = field.dir.path().join("kosong.png");
    image::GrayImage::from_pixel(200, 200, image::Luma([255]))
        .save(&blank)
        .expect("png");
    let none = ovop(&field)
        .args(["enrol", "--qr"])
        .arg(&blank)
        .output()
        .expect("enrol");
    assert!(String::from_utf8_lossy(&none.stderr).contains("error[enrol.no_qr]"));
    server.stop().await;
}
