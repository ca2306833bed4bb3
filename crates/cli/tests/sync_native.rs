//! One laptop's whole sync through `ovop`, against a server of another build: with
//! `OVOP_NATIVE_SERVER` set (the Windows test command sets it: the Linux server, running
//! natively, while this test is a Windows program under Wine), against that server, where
//! officer `budi` of Tapin (63.05) has the password `rahasia-budi-1`; without it, against a
//! server started here. Three final assessments, two with a photo, arrive once: a second sync
//! sends nothing, and every outbox row is sent.

mod field;

use std::process::Command;

use field::{assert_converged, server, Backend, Field};
use serde_json::Value;

fn ovop(field: &Field, args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_ovop"))
        .arg("--db")
        .arg(&field.db)
        .args(args)
        .env("OVOP_DATA_DIR", field.dir.path())
        .env("OVOP_NO_KEYRING", "1")
        .env("OVOP_PASSWORD", "rahasia-budi-1")
        .output()
        .expect("ovop");
    assert!(
        out.status.success(),
        "ovop {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_laptop_sends_everything_once_to_a_server_of_another_build() {
    let native = std::env::var("OVOP_NATIVE_SERVER")
        .ok()
        .filter(|url| !url.is_empty());
    let here = match native {
        Some(_) => None,
        None => Some(server(Backend::Sqlite).await.0),
    };
    let url = native
        .or_else(|| here.as_ref().map(|server| server.running.url()))
        .expect("a server");

    let mut field = Field::new();
    field.finalised(1);
    field.finalised(0);
    field.finalised(1);
    ovop(&field, &["enrol", "--server", &url, "--user", "budi"]);

    let report = ovop(&field, &["sync", "--json"]);
    assert_eq!(report["sent"], 3, "{report}");
    assert_eq!(report["rejected"], 0, "{report}");
    assert_eq!(report["conflicts"], 0, "{report}");
    assert_eq!(report["blobs_uploaded"], 2, "{report}");

    let again = ovop(&field, &["sync", "--json"]);
    assert_eq!(again["sent"], 0, "nothing is sent twice: {again}");
    assert_eq!(again["blobs_uploaded"], 0, "{again}");

    let rows = ovop(&field, &["sync", "status", "--json"]);
    let rows = rows.as_array().expect("rows");
    // The three assessments, and the producers and products they need.
    assert!(rows.len() >= 3, "{rows:?}");
    assert!(rows.iter().all(|row| row["state"] == "sent"), "{rows:?}");

    if let Some(server) = here {
        field.store = ovop_store::Store::open(&field.db).expect("reopen");
        assert_converged(&mut field, &server, 3).await;
        server.stop().await;
    }
}
