//! The office's exports on both backends: every assessment the filter picks, once, across the
//! pages they are read in; the same rows as XLSX; two exports written at a time and a third told
//! when to come back; a folder the server cannot write to refused in words, the server going on.

mod support;

use std::collections::BTreeSet;

use calamine::{Data, Reader};
use support::web::*;
use support::*;

crate::both!(
    an_export_of_many_assessments_has_each_once_newest_first_in_both_formats,
    exports_are_written_two_at_a_time_and_a_third_is_told_when_to_retry,
    an_export_the_server_cannot_write_is_refused_in_words_and_the_next_one_works,
);

/// More than two of the pages an export is read in (500 assessments each).
const MANY: u32 = 1_203;

async fn supervisor_with_many(server: &Server) -> String {
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    server
        .user("sari", "supervisor", &["63.05"], Some("sari-rahasia-1"))
        .await;
    let budi = server.enrol("budi", "budi-rahasia-1").await;
    let (pr, pd) = (uuid(70, 0), uuid(70, 1));
    server
        .push_ok(&budi, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    let records: Vec<_> = (0..MANY)
        .map(|n| assessment(&uuid(71, n), 1, &pd, TAPIN, n, Vec::new()))
        .collect();
    for batch in records.chunks(200) {
        let pushed = server.push_ok(&budi, batch).await;
        assert!(
            pushed
                .results
                .iter()
                .all(|r| r.outcome == ovop_protocol::Outcome::Accepted),
            "{:?}",
            pushed.results.iter().find(|r| r.problem.is_some())
        );
    }
    server.enrol("sari", "sari-rahasia-1").await
}

async fn download(
    server: &Server,
    token: &str,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = server
        .http
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("export");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.bytes().await.expect("bytes").to_vec(),
    )
}

fn csv_records(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a BOM first");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

async fn an_export_of_many_assessments_has_each_once_newest_first_in_both_formats(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let sari = supervisor_with_many(&server).await;

    let (status, headers, bytes) =
        download(&server, &sari, "/v1/export/assessments?format=csv").await;
    assert_eq!(status, 200);
    assert_eq!(
        headers["content-length"].to_str().expect("length"),
        bytes.len().to_string(),
        "the length is announced"
    );
    let (header, rows) = csv_records(&bytes);
    assert_eq!(rows.len(), MANY as usize, "every assessment");
    let ids: BTreeSet<&String> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), MANY as usize, "each once");
    let expected: BTreeSet<String> = (0..MANY).map(|n| uuid(71, n)).collect();
    assert_eq!(ids.into_iter().cloned().collect::<BTreeSet<_>>(), expected);
    let received = header
        .iter()
        .position(|h| h == "received_at")
        .expect("received_at");
    let order: Vec<(&String, &String)> = rows.iter().map(|r| (&r[received], &r[0])).collect();
    assert!(
        order
            .windows(2)
            .all(|w| w[0].0 > w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)),
        "newest first, then by id"
    );
    assert!(
        header.iter().any(|h| h.starts_with("part_")),
        "a column per part: {header:?}"
    );

    // The same rows as XLSX.
    let (status, _, xlsx) = download(&server, &sari, "/v1/export/assessments?format=xlsx").await;
    assert_eq!(status, 200);
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("workbook");
    let sheet = book.worksheet_range("assessments").expect("the sheet");
    let xlsx_ids: Vec<String> = sheet
        .rows()
        .skip(1)
        .map(|r| match &r[0] {
            Data::String(s) => s.clone(),
            other => panic!("an id cell: {other:?}"),
        })
        .collect();
    assert_eq!(
        xlsx_ids,
        rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>(),
        "the XLSX has the CSV's rows in its order"
    );

    // The criteria: one row per criterion of each, sheet 1 (one assessor, no name).
    let criteria_per_sheet = ovop_core::Catalog::shipped()
        .get("ovop-id-template", None)
        .expect("the OVOP template")
        .rubric
        .set()
        .criteria()
        .count();
    let (status, _, bytes) = download(&server, &sari, "/v1/export/criteria?format=csv").await;
    assert_eq!(status, 200);
    let (header, rows) = csv_records(&bytes);
    assert_eq!(rows.len(), MANY as usize * criteria_per_sheet);
    let (sheet, assessor) = (
        header.iter().position(|h| h == "sheet").expect("sheet"),
        header
            .iter()
            .position(|h| h == "assessor")
            .expect("assessor"),
    );
    assert!(rows
        .iter()
        .all(|r| r[sheet] == "1" && r[assessor].is_empty()));

    // A filter narrows it: nothing in another regency.
    let (status, _, bytes) = download(
        &server,
        &sari,
        "/v1/export/assessments?format=csv&region=63.06",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(csv_records(&bytes).1.len(), 0);
    server.stop().await;
}

async fn exports_are_written_two_at_a_time_and_a_third_is_told_when_to_retry(backend: Backend) {
    let server = Server::start(backend).await;
    let sari = supervisor_with_many(&server).await;
    // Two exports are being written: their permits are taken.
    let held = server
        .running
        .state
        .exports
        .clone()
        .try_acquire_many_owned(2)
        .expect("two permits");
    for path in [
        "/v1/export/assessments?format=csv",
        "/v1/export/criteria?format=xlsx",
    ] {
        let (status, headers, bytes) = download(&server, &sari, path).await;
        assert_eq!(status, 503, "{path}");
        assert_eq!(headers["retry-after"], "5");
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("a problem");
        assert_eq!(code(&body), "review.export_busy");
    }
    // The dashboard says it in the officer's words, with the same code.
    let cookie = dashboard_session(&server, "sari", "sari-rahasia-1").await;
    let page = browser()
        .get(server.url("/dashboard/export/assessments?format=csv"))
        .header("cookie", &cookie)
        .header("accept-language", "id")
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 503);
    assert_eq!(page.headers()["retry-after"], "5");
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Ekspor lain sedang dibuat") && html.contains("review.export_busy"),
        "{html}"
    );
    drop(held);
    let (status, _, bytes) = download(&server, &sari, "/v1/export/assessments?format=csv").await;
    assert_eq!(status, 200);
    assert_eq!(csv_records(&bytes).1.len(), MANY as usize);
    server.stop().await;
}

async fn an_export_the_server_cannot_write_is_refused_in_words_and_the_next_one_works(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let sari = supervisor_with_many(&server).await;
    // The exports folder is gone and a file stands in its place (a full or broken disk
    // answers the same way: the file cannot be made).
    let folder = server.running.state.export_dir.as_ref().clone();
    std::fs::remove_dir_all(&folder).expect("remove the folder");
    std::fs::write(&folder, b"not a folder").expect("a file in its place");
    for path in [
        "/v1/export/assessments?format=csv",
        "/v1/export/assessments?format=xlsx",
        "/v1/export/criteria?format=csv",
    ] {
        let (status, _, bytes) = download(&server, &sari, path).await;
        assert_eq!(status, 507, "{path}");
        let body: serde_json::Value = serde_json::from_slice(&bytes).expect("a problem");
        assert_eq!(code(&body), "review.export_failed", "{path}");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or("")
                .contains("could not be written"),
            "{body}"
        );
    }
    // Pushes and reads go on; once the folder is back, so do exports.
    let (status, _) = server.get(&sari, "/v1/review/assessments").await;
    assert_eq!(status, 200);
    std::fs::remove_file(&folder).expect("remove the file");
    std::fs::create_dir(&folder).expect("the folder again");
    let (status, _, bytes) = download(&server, &sari, "/v1/export/assessments?format=csv").await;
    assert_eq!(status, 200);
    assert_eq!(csv_records(&bytes).1.len(), MANY as usize);
    server.stop().await;
}
