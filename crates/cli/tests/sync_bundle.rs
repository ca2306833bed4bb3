//! A bundle carried on a USB stick instead of the network: the laptop writes its outbox and
//! photos to one signed file, the office imports it with the push's checks and exactly-once
//! rule, and the laptop imports the office's receipt. A bundle imported twice changes nothing;
//! a tampered, truncated, forged or revoked laptop's bundle is refused with a code and nothing
//! of it is stored.

mod field;

use std::io::Read;
use std::path::{Path, PathBuf};

use field::{assert_converged, client, enrolment, server, Backend, Field, Server};
use ovop_app::sync::bundle::{import_receipt, write_bundle};
use ovop_protocol::Outcome;
use ovop_server::db::Val;

/// The bundle's entries, as (name, bytes).
fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = tar::Archive::new(std::fs::File::open(path).expect("open"));
    archive
        .entries()
        .expect("entries")
        .map(|e| {
            let mut e = e.expect("entry");
            let name = e.path().expect("name").to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).expect("read");
            (name, bytes)
        })
        .collect()
}

fn rewrite(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut out = tar::Builder::new(std::fs::File::create(path).expect("create"));
    for (name, bytes) in entries {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        out.append_data(&mut header, name, bytes.as_slice())
            .expect("append");
    }
    out.finish().expect("finish");
}

async fn import(server: &Server, path: &Path) -> Result<ovop_protocol::bundle::Receipt, String> {
    ovop_server::bundle::import(&server.running.state, path)
        .await
        .map_err(|e| e.problem.code)
}

async fn assessments_on(server: &Server) -> i64 {
    server
        .count("SELECT count(*) FROM record WHERE kind = 'assessment'")
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bundle_round_trip_with_duplicates_tampering_and_truncation() {
    let (server, token) = server(Backend::Sqlite).await;
    let dir = tempfile::tempdir().expect("temp");
    let mut field = Field::new();
    for _ in 0..3 {
        field.finalised(2);
    }
    let bundle = dir.path().join("budi.ovopbundle");
    let written = write_bundle(&mut field.store, &enrolment(&token), &bundle, &field::now())
        .expect("the bundle is written");
    assert_eq!((written.records, written.photos), (5, 6), "{written:?}");
    assert!(!bundle.with_extension("partial").exists());
    let whole = entries(&bundle);
    assert_eq!(whole.last().map(|e| e.0.as_str()), Some("manifest.json"));

    // A changed byte in a photo: refused, nothing stored.
    let tampered = dir.path().join("tampered.ovopbundle");
    let mut changed = whole.clone();
    let photo = changed
        .iter_mut()
        .find(|e| e.0.starts_with("blobs/"))
        .expect("a photo");
    let middle = photo.1.len() / 2;
    photo.1[middle] ^= 0xff;
    rewrite(&tampered, &changed);
    assert_eq!(
        import(&server, &tampered).await.err().as_deref(),
        Some("bundle.damaged")
    );
    // A copy cut short: no manifest.
    let cut = dir.path().join("cut.ovopbundle");
    let bytes = std::fs::read(&bundle).expect("read");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    assert_eq!(
        import(&server, &cut).await.err().as_deref(),
        Some("bundle.truncated")
    );
    // A manifest changed after signing (the user it claims): the signature does not hold.
    let forged = dir.path().join("forged.ovopbundle");
    let mut changed = whole.clone();
    let manifest = changed.last_mut().expect("manifest");
    let mut json: serde_json::Value = serde_json::from_slice(&manifest.1).expect("json");
    json["user"] = "sari".into();
    manifest.1 = serde_json::to_vec(&json).expect("json");
    rewrite(&forged, &changed);
    assert_eq!(
        import(&server, &forged).await.err().as_deref(),
        Some("bundle.bad_signature")
    );
    // A laptop this office never enrolled.
    let stranger = dir.path().join("stranger.ovopbundle");
    let mut other = Field::new();
    other.finalised(0);
    write_bundle(
        &mut other.store,
        &enrolment("ovt_not-enrolled-here"),
        &stranger,
        &field::now(),
    )
    .expect("written");
    assert_eq!(
        import(&server, &stranger).await.err().as_deref(),
        Some("bundle.unknown_device")
    );
    // Not a bundle at all.
    let junk = dir.path().join("junk.ovopbundle");
    std::fs::write(&junk, b"PK\x03\x04 a spreadsheet, say").expect("write");
    let refused = import(&server, &junk).await.err();
    assert!(
        matches!(
            refused.as_deref(),
            Some("bundle.truncated" | "bundle.not_a_bundle")
        ),
        "{refused:?}"
    );
    assert_eq!(
        assessments_on(&server).await,
        0,
        "nothing of a refused bundle is stored"
    );

    // The real bundle: every record and photo arrives once.
    let receipt = import(&server, &bundle).await.expect("imported");
    assert_eq!(receipt.results.len(), 5);
    assert!(
        receipt
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Accepted),
        "{receipt:?}"
    );
    assert_eq!(
        (receipt.blobs_stored.len(), receipt.missing_blobs.len()),
        (6, 0)
    );
    assert_eq!(assessments_on(&server).await, 3);
    // Imported twice: accepted again, nothing more stored.
    let again = import(&server, &bundle).await.expect("imported again");
    assert!(
        again
            .results
            .iter()
            .all(|r| r.outcome == Outcome::AcceptedAgain),
        "{again:?}"
    );
    assert_eq!(assessments_on(&server).await, 3);

    // A receipt changed on the way is refused; the real one settles the outbox.
    let receipt_path = dir.path().join("budi.receipt.json");
    let mut bent = receipt.clone();
    bent.results[2].outcome = Outcome::Rejected;
    std::fs::write(&receipt_path, serde_json::to_vec(&bent).expect("json")).expect("write");
    let refused = import_receipt(&mut field.store, &enrolment(&token), &receipt_path);
    assert_eq!(
        refused.err().map(|e| e.code).as_deref(),
        Some("receipt.bad_signature")
    );
    std::fs::write(&receipt_path, serde_json::to_vec(&receipt).expect("json")).expect("write");
    let applied =
        import_receipt(&mut field.store, &enrolment(&token), &receipt_path).expect("settled");
    assert_eq!(
        (applied.sent, applied.rejected, applied.photos_arrived),
        (5, 0, 6)
    );
    assert_converged(&mut field, &server, 3).await;
    // Imported twice, the receipt settles nothing more; a sync afterwards sends nothing.
    let twice = import_receipt(&mut field.store, &enrolment(&token), &receipt_path).expect("again");
    assert_eq!(twice.sent, 0);
    let report = field
        .sync(&client(&server.running.url(), &token))
        .await
        .expect("sync");
    assert_eq!(
        (report.sent, report.references, report.blobs_uploaded),
        (0, 0, 0),
        "{report:?}"
    );

    // Once the laptop is revoked, its bundles are refused.
    field.finalised(0);
    let late = dir.path().join("late.ovopbundle");
    write_bundle(&mut field.store, &enrolment(&token), &late, &field::now()).expect("written");
    server
        .running
        .state
        .db
        .run(|tx| {
            Ok(tx.exec(
                "UPDATE device SET revoked_at = $1",
                &[Val::from("2026-12-01T00:00:00Z")],
            )?)
        })
        .await
        .expect("revoke");
    assert_eq!(
        import(&server, &late).await.err().as_deref(),
        Some("bundle.revoked")
    );
    assert_eq!(assessments_on(&server).await, 3);
    server.stop().await;
}

/// The officer's two commands: `ovop bundle export`, then, with the office's receipt,
/// `ovop bundle receipt`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_officer_exports_a_bundle_and_imports_its_receipt_from_the_command_line() {
    let (server, token) = server(Backend::Sqlite).await;
    let mut field = Field::new();
    field.finalised(1);
    ovop_app::sync::token::save(field.dir.path(), &enrolment(&token)).expect("enrolled");
    let ovop = env!("CARGO_BIN_EXE_ovop");
    let bundle = field.dir.path().join("usb.ovopbundle");
    let out = std::process::Command::new(ovop)
        .arg("--db")
        .arg(&field.db)
        .args(["bundle", "export", "-o"])
        .arg(&bundle)
        .output()
        .expect("ovop");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("3 records, 1 photos"), "{said}");
    let receipt = import(&server, &bundle).await.expect("imported");
    let receipt_path: PathBuf = field.dir.path().join("usb.receipt.json");
    std::fs::write(&receipt_path, serde_json::to_vec(&receipt).expect("json")).expect("write");
    let out = std::process::Command::new(ovop)
        .arg("--db")
        .arg(&field.db)
        .args(["bundle", "receipt"])
        .arg(&receipt_path)
        .output()
        .expect("ovop");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("3 sent, 0 rejected"), "{said}");
    field.store = ovop_store::Store::open(&field.db).expect("reopen");
    assert_converged(&mut field, &server, 1).await;
    // Without an enrolment there is no token to sign with: refused with a code.
    let elsewhere = Field::new();
    let out = std::process::Command::new(ovop)
        .arg("--db")
        .arg(&elsewhere.db)
        .args(["bundle", "export", "-o"])
        .arg(elsewhere.dir.path().join("x.ovopbundle"))
        .output()
        .expect("ovop");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("sync.not_enrolled"));
    server.stop().await;
}
