//! `ovop-server import-bundle`: the office imports a laptop's bundle from the command line,
//! beside the running server on the same data folder, and gets the receipt file; a second
//! import is accepted again; a damaged bundle is refused with its code.

mod support;

use std::process::Command;

use ovop_protocol::bundle::{token_key, Receipt};
use ovop_protocol::PushRequest;
use support::{producer, product, uuid, write_bundle, Backend, Server, TAPIN};

fn import(server: &Server, file: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ovop-server"))
        .arg("--data")
        .arg(server.dir.path())
        .arg("import-bundle")
        .arg(file)
        .output()
        .expect("ovop-server")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_imports_a_bundle_from_the_command_line_and_gets_a_receipt() {
    let server = Server::start(Backend::Sqlite).await;
    let token = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let request = PushRequest {
        records: vec![
            producer(&uuid(9, 1), TAPIN),
            product(&uuid(9, 2), &uuid(9, 1)),
        ],
    };
    let batch = serde_json::to_vec(&request).expect("json");
    let dir = tempfile::tempdir().expect("temp");
    let bundle = dir.path().join("budi.ovopbundle");
    write_bundle(&bundle, &token, &batch);

    let out = import(&server, &bundle);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("2 accepted, 0 accepted again, 0 rejected"),
        "{said}"
    );
    let receipt_path = dir.path().join("budi.ovopbundle.receipt.json");
    let receipt: Receipt =
        serde_json::from_slice(&std::fs::read(&receipt_path).expect("receipt")).expect("json");
    assert!(
        receipt.signed_by(&token_key(&token)),
        "signed for the laptop"
    );
    assert!(!receipt.signed_by(&token_key("ovt_someone-else")));
    assert_eq!(
        server
            .count("SELECT count(*) FROM record WHERE kind = 'product'")
            .await,
        1
    );

    let out = import(&server, &bundle);
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("0 accepted, 2 accepted again"), "{said}");

    // One byte of the batch changed: refused, with its code, and nothing written.
    let mut changed = batch.clone();
    let at = changed.len() / 2;
    changed[at] = if changed[at] == b'a' { b'b' } else { b'a' };
    let damaged = dir.path().join("damaged.ovopbundle");
    write_bundle(&damaged, &token, &batch);
    let mut bytes = std::fs::read(&damaged).expect("read");
    let start = bytes
        .windows(batch.len())
        .position(|w| w == batch.as_slice())
        .expect("the batch in the file");
    bytes[start..start + batch.len()].copy_from_slice(&changed);
    std::fs::write(&damaged, bytes).expect("write");
    let out = import(&server, &damaged);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("bundle.damaged"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.path().join("damaged.ovopbundle.receipt.json").exists());
    server.stop().await;
}
