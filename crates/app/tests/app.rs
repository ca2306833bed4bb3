//! The application layer as both front ends use it, on real folders and a real store: the
//! background sync reports through its listener, and enrolment refuses in words, writing
//! nothing, when it cannot go through.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use ovop_app::sync::{token, EnrolWith, SyncStatus, SyncTask};
use ovop_app::{App, AppError};

/// The statuses the background sync reports, until one satisfies `until` (or a minute).
fn status_until(
    task_of: impl FnOnce(mpsc::Sender<SyncStatus>) -> SyncTask,
    until: impl Fn(&SyncStatus) -> bool,
) -> (SyncTask, SyncStatus) {
    let (send, receive) = mpsc::channel();
    let task = task_of(send);
    loop {
        let status = receive
            .recv_timeout(Duration::from_secs(120))
            .expect("a status within two minutes");
        if until(&status) {
            return (task, status);
        }
    }
}

#[test]
fn a_laptop_not_enrolled_says_so_through_the_listener_and_the_task_answers_the_same() {
    let home = tempfile::tempdir().expect("home");
    let app = App::load(Some(home.path()));
    let (task, status) = status_until(
        |send| {
            SyncTask::start(app.clone(), move |s| {
                let _ = send.send(s.clone());
            })
        },
        |s| s.state != "waiting",
    );
    assert_eq!(status.state, "not_enrolled");
    assert_eq!(status.error, None);
    assert_eq!(task.status().state, "not_enrolled");
    assert_eq!(app.data_dir().expect("data folder"), home.path());
}

#[test]
fn a_damaged_enrolment_is_reported_with_its_code_and_nothing_is_sent() {
    let home = tempfile::tempdir().expect("home");
    std::fs::write(token::enrolment_path(home.path()), b"{\"server\": ").expect("write");
    let app = App::load(Some(home.path()));
    let (_task, status) = status_until(
        |send| {
            SyncTask::start(app.clone(), move |s| {
                let _ = send.send(s.clone());
            })
        },
        |s| s.state != "waiting",
    );
    assert_eq!(status.state, "failed");
    assert_eq!(
        status.error.map(|e| e.code).as_deref(),
        Some("sync.enrolment_unreadable")
    );
    let outbox = app
        .with_store(|store| Ok(store.outbox_rows()?))
        .expect("outbox");
    assert!(outbox.is_empty());
}

#[test]
fn a_first_start_answers_the_home_screens_reads_and_then_every_region_search_finds_villages() {
    let home = tempfile::tempdir().expect("home");
    let app = App::load(Some(home.path()));
    // The home screen's reads do not wait for the region import (they may come before it ends).
    let counts = app.read_now(|store| Ok(store.counts()?)).expect("counts");
    assert_eq!((counts.drafts, counts.finals), (0, 0));
    let settings = app
        .read_now(|store| Ok(store.settings()?))
        .expect("settings");
    assert!(settings.is_empty());
    assert!(
        !app.catalog().summaries().is_empty(),
        "the shipped sets are read"
    );
    // A call that needs the regions waits for the import: it never sees a half-empty list.
    let found = app
        .with_store(|store| Ok(store.search_regions("sukamaju", 5)?))
        .expect("search");
    assert_eq!(found.len(), 5);
    let countries = app
        .read_now(|store| Ok(store.region_countries()?))
        .expect("countries");
    assert_eq!(
        countries.imported.get("ID").copied(),
        Some(83_762 + 7_285 + 514 + 38)
    );
}

fn enrol(dir: &Path, server: Option<&str>, with: EnrolWith) -> Result<token::Enrolment, AppError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(ovop_app::sync::enrol(
        dir,
        server.map(str::to_string),
        with,
        "  ",
        "2026-12-04T10:00:00Z",
    ))
}

#[test]
fn enrolment_is_refused_in_words_and_nothing_is_kept() {
    let dir = tempfile::tempdir().expect("dir");
    let code = || EnrolWith::Code {
        code: "AAAA-BBBB-CCCC".into(),
    };

    let no_server = enrol(dir.path(), None, code()).expect_err("no server");
    assert_eq!(no_server.code, "enrol.no_server");
    let blank_server = enrol(dir.path(), Some("   "), code()).expect_err("a blank server");
    assert_eq!(blank_server.code, "enrol.no_server");

    let not_a_picture = dir.path().join("qr.png");
    std::fs::write(&not_a_picture, b"not a picture").expect("write");
    let qr = enrol(
        dir.path(),
        None,
        EnrolWith::Qr {
            path: not_a_picture.display().to_string(),
        },
    )
    .expect_err("bad QR");
    assert_eq!(qr.code, "enrol.qr_unreadable");

    // Nothing listens on the discard port: the network's code, not a panic.
    let nobody = enrol(dir.path(), Some("http://127.0.0.1:9"), code()).expect_err("nobody answers");
    assert_eq!(nobody.code, "sync.offline", "{nobody:?}");

    let password = EnrolWith::Password {
        user: "budi".into(),
        password: "x".into(),
    };
    let garbage =
        enrol(dir.path(), Some("not a url at all"), password).expect_err("garbage address");
    assert_eq!(garbage.code, "sync.bad_address", "{garbage:?}");

    assert_eq!(
        token::load(dir.path()).expect("read"),
        None,
        "no enrolment was kept"
    );
}
