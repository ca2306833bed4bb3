//! The district office's story, on SQLite and on PostgreSQL: enrol officers (password and
//! one-time code), receive pushes exactly once with their photos, pull, review (return, then
//! approve the correction), export, count; revoke a device.

mod support;

use ovop_protocol::{ChangesPage, Outcome, PushResponse};
use serde_json::{json, Value};
use support::*;

async fn story(backend: Backend) {
    let server = Server::start(backend).await;
    let admin = server.enrolled_user("admin", "admin", &[]).await;

    // The admin creates the officers and a supervisor, each with their regions.
    for (name, role, regions, password) in [
        ("budi", "officer", json!(["63.05"]), json!("budi-rahasia-1")),
        (
            "rina",
            "officer",
            json!(["63.05.01"]),
            json!("rina-rahasia-1"),
        ),
        (
            "sari",
            "supervisor",
            json!(["63.05"]),
            json!("sari-rahasia-1"),
        ),
        ("tono", "officer", json!(["63.06"]), Value::Null),
    ] {
        let (status, user) = server
            .post(&admin, "/v1/admin/users", &json!({"name": name, "role": role, "regions": regions, "password": password, "display_name": format!("{name} S.")}))
            .await;
        assert_eq!(status, 201, "{user}");
        assert_eq!(user["regions"], regions);
    }
    let (status, again) = server
        .post(
            &admin,
            "/v1/admin/users",
            &json!({"name": "budi", "role": "officer"}),
        )
        .await;
    assert_eq!((status, again["code"].as_str()), (409, Some("user.exists")));

    // Tono enrols with a one-time code; the code works once.
    let (status, code) = server
        .post(
            &admin,
            "/v1/admin/users/tono/codes",
            &json!({"valid_hours": 24}),
        )
        .await;
    assert_eq!(status, 201, "{code}");
    assert!(
        code["qr_svg"].as_str().expect("svg").starts_with("<?xml")
            || code["qr_svg"].as_str().expect("svg").contains("<svg")
    );
    assert!(code["qr_text"].as_str().expect("qr").starts_with(&format!(
        "OVOP:E:{}:http://",
        code["code"].as_str().expect("code")
    )));
    let enrol = json!({"code": code["code"].as_str().expect("code").to_lowercase(), "device_name": "Laptop Tono"});
    let (status, tono) = server.post("", "/v1/enrol", &enrol).await;
    assert_eq!(status, 201, "{tono}");
    assert_eq!(tono["user"]["name"], "tono");
    let tono = tono["token"].as_str().expect("token").to_string();
    let (status, used) = server.post("", "/v1/enrol", &enrol).await;
    assert_eq!(
        (status, used["code"].as_str()),
        (401, Some("enrol.refused"))
    );

    let budi = server.enrol("budi", "budi-rahasia-1").await;
    let rina = server.enrol("rina", "rina-rahasia-1").await;
    let sari = server.enrol("sari", "sari-rahasia-1").await;

    // Budi pushes a producer, a product and an assessment with a photo.
    let photo: Vec<u8> = (0..300_000u32).map(|i| (i * 31 % 251) as u8).collect();
    let blob = blob_of(&photo);
    let (producer_id, product_id, assessment_id) = (uuid(1, 1), uuid(1, 2), uuid(1, 3));
    let batch = vec![
        assessment(&assessment_id, 1, &product_id, TAPIN, 0, vec![blob.clone()]),
        product(&product_id, &producer_id),
        producer(&producer_id, TAPIN),
    ];
    let first = server.push_ok(&budi, &batch).await;
    let outcomes: Vec<Outcome> = first.results.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, vec![Outcome::Accepted; 3], "{first:?}");
    assert_eq!(first.results[0].status, 201);
    assert_eq!(first.missing_blobs.len(), 1);
    assert_eq!(
        (
            first.missing_blobs[0].sha256.as_str(),
            first.missing_blobs[0].offset
        ),
        (blob.sha256.as_str(), 0)
    );

    // The same batch again (a lost response): nothing changes.
    let second = server.push_ok(&budi, &batch).await;
    assert!(
        second
            .results
            .iter()
            .all(|r| r.outcome == Outcome::AcceptedAgain && r.status == 200),
        "{second:?}"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM record").await, 3);
    assert_eq!(server.count("SELECT COUNT(*) FROM assessment").await, 1);

    // The photo in two pieces, one sent at a wrong offset in between.
    let hex = &blob.sha256[7..];
    let put = |offset: usize, bytes: Vec<u8>| {
        server
            .http
            .put(server.url(&format!("/v1/blobs/{hex}?offset={offset}")))
            .bearer_auth(&budi)
            .body(bytes)
            .send()
    };
    let half = photo.len() / 2;
    let response = put(0, photo[..half].to_vec()).await.expect("put");
    assert_eq!(response.status(), 200);
    let status: Value = response.json().await.expect("json");
    assert_eq!(
        (status["offset"].as_u64(), status["complete"].as_bool()),
        (Some(half as u64), Some(false))
    );
    let wrong = put(10, photo[10..].to_vec()).await.expect("put");
    assert_eq!(wrong.status(), 409);
    assert_eq!(
        wrong.json::<Value>().await.expect("json")["code"],
        "blob.wrong_offset"
    );
    let again = server.push_ok(&budi, &batch).await;
    assert_eq!(
        again.missing_blobs[0].offset, half as u64,
        "a resend learns where to resume"
    );
    let done = put(half, photo[half..].to_vec()).await.expect("put");
    assert_eq!(done.json::<Value>().await.expect("json")["complete"], true);
    let (_, status) = server.get(&budi, &format!("/v1/blobs/{hex}")).await;
    assert_eq!(
        (status["complete"].as_bool(), status["offset"].as_u64()),
        (Some(true), Some(photo.len() as u64))
    );
    assert!(server.push_ok(&budi, &batch).await.missing_blobs.is_empty());
    let stored = std::fs::read(server.dir.path().join("blobs").join(&hex[..2]).join(hex))
        .expect("the photo on disk");
    assert_eq!(stored, photo);

    // Same id and revision, other content: a conflict, and the first version stays.
    let changed = assessment(&assessment_id, 1, &product_id, TAPIN, 1, vec![]);
    let conflict = server.push_ok(&budi, &[changed]).await;
    assert_eq!(
        (conflict.results[0].outcome, conflict.results[0].status),
        (Outcome::Conflict, 409)
    );
    assert_eq!(
        conflict.results[0]
            .problem
            .as_ref()
            .map(|p| p.code.as_str()),
        Some("push.conflict")
    );

    // Pull: Rina (same district) sees Budi's producer and product; Tono (another regency) does
    // not; everyone gets the criteria sets.
    let (_, page) = server.get(&rina, "/v1/changes?since=0&limit=1000").await;
    let page: ChangesPage = serde_json::from_value(page).expect("changes");
    let kinds =
        |page: &ChangesPage, kind: &str| page.changes.iter().filter(|c| c.kind == kind).count();
    assert_eq!((kinds(&page, "producer"), kinds(&page, "product")), (1, 1));
    assert!(kinds(&page, "criteria_set") >= 2);
    let (_, tono_page) = server.get(&tono, "/v1/changes?since=0&limit=1000").await;
    let tono_page: ChangesPage = serde_json::from_value(tono_page).expect("changes");
    assert_eq!(
        (kinds(&tono_page, "producer"), kinds(&tono_page, "product")),
        (0, 0)
    );
    // Paged: two at a time, in cursor order, to the end.
    let mut since = 0;
    let mut seen = Vec::new();
    loop {
        let (_, p) = server
            .get(&rina, &format!("/v1/changes?since={since}&limit=2"))
            .await;
        let p: ChangesPage = serde_json::from_value(p).expect("changes");
        seen.extend(p.changes.iter().map(|c| c.cursor));
        since = p.next;
        if !p.more {
            break;
        }
    }
    assert_eq!(
        seen,
        page.changes.iter().map(|c| c.cursor).collect::<Vec<_>>()
    );

    // Tono may not push in Tapin: refused whole, nothing stored.
    let (status, refused) = server.push(&tono, &[producer(&uuid(9, 1), TAPIN)]).await;
    assert_eq!(
        (status, refused["code"].as_str(), refused["field"].as_str()),
        (403, Some("push.region_not_assigned"), Some("records[0]"))
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM record").await, 3);

    // Sari reviews: the list, a filter, the assessment with its photo, a return with comments.
    let (status, list) = server.get(&sari, "/v1/review/assessments").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list.as_array().expect("list").len(), 1);
    let listed = &list[0];
    assert_eq!(
        (
            listed["officer"].as_str(),
            listed["region_name"].as_str(),
            listed["blobs_missing"].as_i64()
        ),
        (Some("budi"), Some("Binuang"), Some(0))
    );
    let star = listed["star"].as_i64();
    let star_filter = star.map_or("none".to_string(), |s| s.to_string());
    let (_, filtered) = server.get(&sari, &format!("/v1/review/assessments?star={star_filter}&programme=ovop&region=63.05.01&from=2026-11-01&to=2026-11-30")).await;
    assert_eq!(filtered.as_array().map(Vec::len), Some(1), "{filtered}");
    let other_star = if star == Some(5) { "1" } else { "5" };
    let (_, none) = server
        .get(&sari, &format!("/v1/review/assessments?star={other_star}"))
        .await;
    assert_eq!(none.as_array().map(Vec::len), Some(0));
    let (_, detail) = server
        .get(&sari, &format!("/v1/review/assessments/{assessment_id}"))
        .await;
    assert_eq!(detail["blobs"][0]["complete"], true);
    assert!(detail["criteria"].as_array().expect("criteria").len() > 10);
    assert!(
        detail["criteria"]
            .as_array()
            .expect("criteria")
            .iter()
            .all(|c| c["text"].is_object()),
        "the criteria in words, from the shipped set it was scored on: {detail}"
    );
    let (status, returned) = server
        .post(&sari, &format!("/v1/review/assessments/{assessment_id}/decision"), &json!({"revision": 1, "decision": "returned", "comment": "Foto kemasan kurang jelas; ulangi 4.3."}))
        .await;
    assert_eq!(status, 201, "{returned}");

    // Budi's next pull brings the decision with the comment; the others do not see it.
    let (_, page) = server
        .get(&budi, &format!("/v1/changes?since={}", page.next))
        .await;
    let page: ChangesPage = serde_json::from_value(page).expect("changes");
    let decision = page
        .changes
        .iter()
        .find(|c| c.kind == "decision")
        .expect("the decision reaches Budi");
    assert_eq!(
        (
            decision.body["decision"].as_str(),
            decision.body["comment"].as_str()
        ),
        (
            Some("returned"),
            Some("Foto kemasan kurang jelas; ulangi 4.3.")
        )
    );
    assert_eq!(decision.body["reviewer"], "sari S.");
    let (_, rina_page) = server.get(&rina, "/v1/changes?since=0&limit=1000").await;
    assert!(!rina_page["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .any(|c| c["kind"] == "decision"));

    // The correction (revision 2) is submitted again and approved; a second decision on it is refused.
    let correction = server
        .push_ok(
            &budi,
            &[assessment(
                &assessment_id,
                2,
                &product_id,
                TAPIN,
                2,
                vec![blob.clone()],
            )],
        )
        .await;
    assert_eq!(correction.results[0].outcome, Outcome::Accepted);
    let (_, list) = server
        .get(&sari, "/v1/review/assessments?status=submitted")
        .await;
    assert_eq!(
        (list.as_array().map(Vec::len), list[0]["revision"].as_i64()),
        (Some(1), Some(2))
    );
    let decision_path = format!("/v1/review/assessments/{assessment_id}/decision");
    let decide = |revision: i64, decision: &'static str| {
        let (server, sari, path) = (&server, &sari, &decision_path);
        async move {
            server
                .post(
                    sari,
                    path,
                    &json!({"revision": revision, "decision": decision, "comment": ""}),
                )
                .await
        }
    };
    assert_eq!(decide(1, "approved").await.1["code"], "review.not_latest");
    assert_eq!(
        decide(2, "returned").await.1["code"],
        "review.comment_required"
    );
    assert_eq!(decide(2, "approved").await.0, 201);
    let (status, twice) = decide(2, "approved").await;
    assert_eq!(
        (status, twice["code"].as_str()),
        (409, Some("review.already_decided"))
    );
    let (_, detail) = server
        .get(&sari, &format!("/v1/review/assessments/{assessment_id}"))
        .await;
    let decisions: Vec<(&str, &str)> = detail["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| {
            (
                d["decision"].as_str().unwrap_or(""),
                d["reviewer"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        vec![("returned", "sari S."), ("approved", "sari S.")]
    );
    assert_eq!(detail["revisions"], json!([1, 2]));

    // More assessments in both regencies, for the exports and the statistics.
    let mut more = Vec::new();
    for n in 0..6u32 {
        let (pr, pd, a) = (uuid(2, n * 3), uuid(2, n * 3 + 1), uuid(2, n * 3 + 2));
        more.extend([
            producer(&pr, TAPIN),
            product(&pd, &pr),
            assessment(&a, 1, &pd, TAPIN, n + 3, vec![]),
        ]);
    }
    assert!(server
        .push_ok(&budi, &more)
        .await
        .results
        .iter()
        .all(|r| r.outcome == Outcome::Accepted));
    let (pr, pd) = (uuid(3, 1), uuid(3, 2));
    assert!(server
        .push_ok(
            &tono,
            &[
                producer(&pr, HSS),
                product(&pd, &pr),
                assessment(&uuid(3, 3), 1, &pd, HSS, 4, vec![])
            ]
        )
        .await
        .results
        .iter()
        .all(|r| r.outcome == Outcome::Accepted));

    // Sari's exports hold Tapin's seven assessments (the latest revisions), not Hulu Sungai Selatan's.
    let csv = server
        .http
        .get(server.url("/v1/export/assessments?format=csv"))
        .bearer_auth(&sari)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(csv.headers()["content-disposition"]
        .to_str()
        .expect("name")
        .contains(".csv"));
    let csv = csv.bytes().await.expect("bytes");
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let text = std::str::from_utf8(&csv[3..]).expect("utf-8");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    assert!(header.iter().any(|h| h.starts_with("part_")), "{header:?}");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 7);
    let revision_col = header
        .iter()
        .position(|h| h == "revision")
        .expect("revision");
    let status_col = header.iter().position(|h| h == "status").expect("status");
    let approved = rows
        .iter()
        .find(|r| &r[0] == assessment_id.as_str())
        .expect("the reviewed one");
    assert_eq!(
        (&approved[revision_col], &approved[status_col]),
        ("2", "approved")
    );
    let xlsx = server
        .http
        .get(server.url("/v1/export/assessments?format=xlsx&region=63.05"))
        .bearer_auth(&sari)
        .send()
        .await
        .expect("xlsx");
    let xlsx = xlsx.bytes().await.expect("bytes");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec()))
            .expect("an XLSX workbook");
    let sheet = book.worksheet_range("assessments").expect("the sheet");
    assert_eq!(sheet.height(), 8);
    let total_col = header.iter().position(|h| h == "total").expect("total");
    assert!(
        matches!(sheet.get((1, total_col)), Some(calamine::Data::Float(_))),
        "totals are numbers"
    );
    let (_, criteria) = server.get(&sari, "/v1/export/criteria?format=csv").await;
    let criteria = criteria.as_str().expect("csv text").to_string();
    assert!(criteria.lines().count() > 7 * 10, "one row per criterion");
    let (_, stats) = server.get(&admin, "/v1/stats").await;
    let stats = stats.as_array().expect("stats").clone();
    let tapin = stats
        .iter()
        .find(|s| s["region_code"] == "63.05")
        .expect("Tapin");
    assert_eq!(
        (
            tapin["assessments"].as_i64(),
            tapin["approved"].as_i64(),
            tapin["region_name"].as_str()
        ),
        (Some(7), Some(1), Some("Kabupaten Tapin"))
    );
    assert_eq!(
        stats
            .iter()
            .find(|s| s["region_code"] == "63.06")
            .map(|s| s["assessments"].as_i64()),
        Some(Some(1))
    );
    assert_eq!(
        tapin["stars"]
            .as_array()
            .expect("stars")
            .iter()
            .map(|n| n.as_i64().unwrap_or(0))
            .sum::<i64>(),
        7
    );

    // The admin revokes Budi's laptop: its token stops working at once.
    let (_, devices) = server.get(&admin, "/v1/admin/users/budi/devices").await;
    let device = devices[0]["id"].as_i64().expect("device id");
    let revoked = server
        .http
        .delete(server.url(&format!("/v1/admin/devices/{device}")))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("delete");
    assert_eq!(revoked.status(), 204);
    let (status, body) = server.push(&budi, &batch).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("auth.invalid_token"))
    );
    let _: PushResponse = server.push_ok(&rina, &[]).await;

    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_district_story_on_sqlite() {
    story(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_district_story_on_postgresql() {
    story(Backend::Postgres).await;
}

/// The same batch from eight connections at once: every record stored once, each push told
/// accepted or accepted again, never an error.
async fn concurrent_duplicates(backend: Backend) {
    let server = Server::start(backend).await;
    let token = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let mut batch = Vec::new();
    for n in 0..20u32 {
        let (pr, pd, a) = (uuid(7, n * 3), uuid(7, n * 3 + 1), uuid(7, n * 3 + 2));
        batch.extend([
            producer(&pr, TAPIN),
            product(&pd, &pr),
            assessment(
                &a,
                1,
                &pd,
                TAPIN,
                n,
                vec![blob_of(format!("photo {n}").as_bytes())],
            ),
        ]);
    }
    let pushes = (0..8).map(|_| server.push_ok(&token, &batch));
    let responses = futures_util::future::join_all(pushes).await;
    let accepted: usize = responses
        .iter()
        .map(|r| {
            r.results
                .iter()
                .filter(|x| x.outcome == Outcome::Accepted)
                .count()
        })
        .sum();
    let again: usize = responses
        .iter()
        .map(|r| {
            r.results
                .iter()
                .filter(|x| x.outcome == Outcome::AcceptedAgain)
                .count()
        })
        .sum();
    assert_eq!((accepted, again), (60, 60 * 7));
    assert_eq!(server.count("SELECT COUNT(*) FROM record").await, 60);
    assert_eq!(server.count("SELECT COUNT(*) FROM assessment").await, 20);
    assert_eq!(server.count("SELECT COUNT(*) FROM blob").await, 20);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM change WHERE kind IN ('producer', 'product')")
            .await,
        40
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicate_pushes_store_once_on_sqlite() {
    concurrent_duplicates(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicate_pushes_store_once_on_postgresql() {
    concurrent_duplicates(Backend::Postgres).await;
}
