//! Bad input and abuse: each refusal has a 4xx status and a stable code, nothing is half
//! stored, and the server keeps serving.

mod support;

use std::time::Duration;

use ovop_protocol::{Kind, Outcome, Record};
use serde_json::{json, Value};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn limited() -> Server {
    Server::start_with(Backend::Sqlite, |config| {
        config.limits.max_request_bytes = 256 * 1024;
        config.limits.max_batch_records = 12;
        config.limits.max_blob_bytes = 100_000;
    })
    .await
}

async fn raw_push(server: &Server, token: &str, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let response = server
        .http
        .post(server.url("/v1/push"))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("push");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_mistyped_unknown_and_oversized_pushes_are_refused_whole() {
    let server = limited().await;
    let token = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let code = |v: &Value| v["code"].as_str().unwrap_or("").to_string();

    let (status, body) = raw_push(&server, &token, "{\"records\": [").await;
    assert_eq!((status, code(&body)), (400, "push.malformed".into()));
    let (status, body) = raw_push(&server, &token, "{\"records\": \"all of them\"}").await;
    assert_eq!((status, code(&body)), (400, "push.invalid".into()));
    let (status, body) = raw_push(&server, &token, "{\"records\": [], \"force\": true}").await;
    assert_eq!((status, code(&body)), (400, "push.invalid".into()));
    let mut record = serde_json::to_value(producer(&uuid(1, 1), TAPIN)).expect("json");
    record["owner"] = json!("admin");
    let (status, body) = raw_push(&server, &token, json!({"records": [record]}).to_string()).await;
    assert_eq!((status, code(&body)), (400, "push.invalid".into()));
    let (status, body) = raw_push(&server, &token, vec![b' '; 300 * 1024]).await;
    assert_eq!((status, code(&body)), (413, "push.too_large".into()));
    let thirteen: Vec<Record> = (0..13).map(|n| producer(&uuid(1, n), TAPIN)).collect();
    let (status, body) = server.push(&token, &thirteen).await;
    assert_eq!((status, code(&body)), (413, "push.too_many".into()));
    let (status, body) = raw_push(&server, &token, "\u{feff}\u{0}\u{1}").await;
    assert_eq!((status, code(&body)), (400, "push.malformed".into()));
    assert_eq!(server.count("SELECT COUNT(*) FROM record").await, 0);
    server.healthy().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_bad_record_is_rejected_with_its_code_and_the_good_ones_are_stored() {
    let server = limited().await;
    let token = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let (pr, pd) = (uuid(2, 1), uuid(2, 2));
    let good = [producer(&pr, TAPIN), product(&pd, &pr)];
    let mut injected = producer(&uuid(2, 3), TAPIN);
    injected.id = "x'); DROP TABLE record; --".into();
    let mut tampered = producer(&uuid(2, 4), TAPIN);
    tampered.body["name"] = json!("Someone else");
    let missing_field = Record::new(
        Kind::Producer,
        &uuid(2, 5),
        1,
        json!({"name": "KUB tanpa desa"}),
        vec![],
    );
    let unknown_region = producer(&uuid(2, 6), "99.99.99.9999");
    let orphan_product = product(&uuid(2, 7), &uuid(2, 99));
    let orphan_assessment = assessment(&uuid(2, 8), 1, &uuid(2, 98), TAPIN, 0, vec![]);
    let mut lying = assessment(&uuid(2, 9), 1, &pd, TAPIN, 0, vec![]);
    let total = lying.body["result"]["total"].as_u64().expect("total");
    lying.body["result"]["total"] = json!(total + 7);
    let lying = Record::new(Kind::Assessment, &lying.id, 1, lying.body, vec![]);
    let mut bad_date = assessment(&uuid(2, 10), 1, &pd, TAPIN, 0, vec![]).body;
    bad_date["visit"]["assessed_on"] = json!("20/11/2026");
    let bad_date = Record::new(Kind::Assessment, &uuid(2, 10), 1, bad_date, vec![]);
    let huge_blob = assessment(
        &uuid(2, 11),
        1,
        &pd,
        TAPIN,
        0,
        vec![ovop_protocol::BlobRef {
            sha256: format!("sha256:{}", "ab".repeat(32)),
            size: 100_001,
        }],
    );
    let records = vec![
        good[0].clone(),
        good[1].clone(),
        injected,
        tampered,
        missing_field,
        unknown_region,
        orphan_product,
        orphan_assessment,
        lying,
        bad_date,
        huge_blob,
    ];
    let response = server.push_ok(&token, &records).await;
    let got: Vec<(Outcome, Option<String>, Option<String>)> = response
        .results
        .iter()
        .map(|r| {
            (
                r.outcome,
                r.problem.as_ref().map(|p| p.code.clone()),
                r.problem.as_ref().and_then(|p| p.field.clone()),
            )
        })
        .collect();
    let rejected = |code: &str, field: &str| {
        (
            Outcome::Rejected,
            Some(code.to_string()),
            Some(field.to_string()),
        )
    };
    assert_eq!(
        got,
        vec![
            (Outcome::Accepted, None, None),
            (Outcome::Accepted, None, None),
            rejected("push.bad_id", "id"),
            rejected("push.hash_mismatch", "content_hash"),
            rejected("push.invalid", "body.village_code"),
            rejected("push.unknown_region", "body.village_code"),
            rejected("push.unknown_producer", "body.producer_id"),
            rejected("push.unknown_product", "body.product_id"),
            rejected("push.result_mismatch", "body.result"),
            rejected("push.invalid", "body.visit.assessed_on"),
            rejected("push.blob_too_large", "blobs[0].size"),
        ]
    );
    assert!(response.results[2..].iter().all(|r| r.status == 422));
    assert_eq!(server.count("SELECT COUNT(*) FROM record").await, 2);
    assert_eq!(server.count("SELECT COUNT(*) FROM assessment").await, 0);
    assert_eq!(server.count("SELECT COUNT(*) FROM blob").await, 0);
    server.healthy().await;
    server.stop().await;
}

/// The typed assessment body: a visit without its village, a programme the protocol does not
/// name, a body without its criteria set, each refused naming the field; nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assessment_body_missing_what_the_office_needs_is_refused_naming_the_field() {
    let server = limited().await;
    let token = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let (pr, pd) = (uuid(6, 1), uuid(6, 2));
    server
        .push_ok(&token, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    let broken = |n: u32, change: &dyn Fn(&mut Value)| {
        let mut body = assessment(&uuid(6, n), 1, &pd, TAPIN, 0, vec![]).body;
        change(&mut body);
        Record::new(Kind::Assessment, &uuid(6, n), 1, body, vec![])
    };
    let records = [
        broken(3, &|b| {
            b["visit"]
                .as_object_mut()
                .expect("visit")
                .remove("region_code");
        }),
        broken(4, &|b| b["programme"] = json!("OVOP")),
        broken(5, &|b| {
            b.as_object_mut().expect("body").remove("criteria");
        }),
        broken(6, &|b| b["visit"]["assessors"] = json!("Budi")),
    ];
    let response = server.push_ok(&token, &records).await;
    let got: Vec<(Option<&str>, Option<&str>)> = response
        .results
        .iter()
        .map(|r| {
            let p = r.problem.as_ref();
            (
                p.map(|p| p.code.as_str()),
                p.and_then(|p| p.field.as_deref()),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some("push.invalid"), Some("body.visit.region_code")),
            (Some("push.invalid"), Some("body.programme")),
            (Some("push.invalid"), Some("body.criteria")),
            (Some("push.invalid"), Some("body.visit.assessors")),
        ]
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM assessment").await, 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_refuse_wrong_bytes_wrong_offsets_too_many_bytes_and_names_that_are_paths() {
    let server = limited().await;
    let token = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let photo: Vec<u8> = (0..50_000u32).map(|i| (i % 253) as u8).collect();
    let blob = blob_of(&photo);
    let (pr, pd) = (uuid(3, 1), uuid(3, 2));
    let pushed = server
        .push_ok(
            &token,
            &[
                producer(&pr, TAPIN),
                product(&pd, &pr),
                assessment(&uuid(3, 3), 1, &pd, TAPIN, 1, vec![blob.clone()]),
            ],
        )
        .await;
    assert_eq!(pushed.missing_blobs.len(), 1);
    let hex = blob.sha256[7..].to_string();
    let put = |path: String, bytes: Vec<u8>| {
        server
            .http
            .put(server.url(&path))
            .bearer_auth(&token)
            .body(bytes)
            .send()
    };
    let answer = |r: reqwest::Response| async move {
        let status = r.status().as_u16();
        (status, r.json::<Value>().await.unwrap_or(Value::Null))
    };

    // Bytes that are not the blob: thrown away, the upload starts again from 0.
    let mut wrong = photo.clone();
    wrong[49_999] ^= 0xFF;
    let (status, body) = answer(
        put(format!("/v1/blobs/{hex}?offset=0"), wrong)
            .await
            .expect("put"),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("blob.hash_mismatch"))
    );
    let (_, state) = server.get(&token, &format!("/v1/blobs/{hex}")).await;
    assert_eq!(
        (state["offset"].as_u64(), state["complete"].as_bool()),
        (Some(0), Some(false))
    );
    // More than announced: refused, and what was there is kept.
    let (status, _) = answer(
        put(format!("/v1/blobs/{hex}?offset=0"), photo[..1000].to_vec())
            .await
            .expect("put"),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = answer(
        put(format!("/v1/blobs/{hex}?offset=1000"), vec![0; 60_000])
            .await
            .expect("put"),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("blob.too_long"))
    );
    let (_, state) = server.get(&token, &format!("/v1/blobs/{hex}")).await;
    assert_eq!(state["offset"].as_u64(), Some(1000));
    // A resumed upload at the wrong offset.
    let (status, body) = answer(
        put(format!("/v1/blobs/{hex}?offset=900"), photo[900..].to_vec())
            .await
            .expect("put"),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("blob.wrong_offset"))
    );
    // Names and offsets that are not what they should be.
    for (path, code) in [
        (format!("/v1/blobs/{hex}?offset=-1"), "blob.bad_offset"),
        (
            format!("/v1/blobs/{hex}?offset=1000&offset=0"),
            "blob.bad_offset",
        ),
        (
            "/v1/blobs/..%2F..%2Fserver.sqlite?offset=0".to_string(),
            "blob.bad_name",
        ),
        (
            "/v1/blobs/%2E%2E%2Fpartial%2F..%2F..%2Fserver.sqlite".to_string(),
            "blob.bad_name",
        ),
        (format!("/v1/blobs/{}", "cd".repeat(32)), "blob.unknown"),
    ] {
        let (status, body) = answer(put(path.clone(), vec![1, 2, 3]).await.expect("put")).await;
        assert_eq!(body["code"].as_str(), Some(code), "{path}: {body}");
        assert!((400..500).contains(&status), "{path}: {status}");
    }
    let (status, done) = answer(
        put(
            format!("/v1/blobs/{hex}?offset=1000"),
            photo[1000..].to_vec(),
        )
        .await
        .expect("put"),
    )
    .await;
    assert_eq!((status, done["complete"].as_bool()), (200, Some(true)));
    assert!(
        server.dir.path().join("server.sqlite").is_file(),
        "nothing outside the blob folder was touched"
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM blob WHERE complete_at IS NOT NULL")
            .await,
        1
    );
    server.healthy().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_roles_and_regions_are_enforced() {
    let server = Server::start(Backend::Sqlite).await;
    server
        .user("admin", "admin", &[], Some("admin-rahasia-1"))
        .await;
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    server
        .user("sari", "supervisor", &["63.05"], Some("sari-rahasia-1"))
        .await;
    server
        .user("dewi", "supervisor", &["63.06"], Some("dewi-rahasia-1"))
        .await;
    let budi = server.enrol("budi", "budi-rahasia-1").await;
    let sari = server.enrol("sari", "sari-rahasia-1").await;
    let dewi = server.enrol("dewi", "dewi-rahasia-1").await;
    let (pr, pd, a) = (uuid(4, 1), uuid(4, 2), uuid(4, 3));
    server
        .push_ok(
            &budi,
            &[
                producer(&pr, TAPIN),
                product(&pd, &pr),
                assessment(&a, 1, &pd, TAPIN, 2, vec![]),
            ],
        )
        .await;
    let code = |v: &Value| v["code"].as_str().unwrap_or("").to_string();

    let response = server
        .http
        .post(server.url("/v1/push"))
        .json(&json!({"records": []}))
        .send()
        .await
        .expect("push");
    assert_eq!(response.status(), 401);
    assert_eq!(code(&response.json().await.expect("json")), "auth.missing");
    let (status, body) = server.get("ovt_not-a-token", "/v1/changes").await;
    assert_eq!((status, code(&body)), (401, "auth.invalid_token".into()));
    // An expired token (a dashboard session past its twelve hours).
    server
        .running
        .state
        .db
        .run(|tx| Ok(tx.exec("UPDATE device SET expires_at = '2020-01-01T00:00:00.000Z' WHERE name = 'laptop of dewi'", &[])?))
        .await
        .expect("expire");
    let (status, body) = server.get(&dewi, "/v1/review/assessments").await;
    assert_eq!((status, code(&body)), (401, "auth.invalid_token".into()));
    server
        .running
        .state
        .db
        .run(|tx| Ok(tx.exec("UPDATE device SET expires_at = NULL", &[])?))
        .await
        .expect("restore");

    // Officers do not review or administer; supervisors do not administer.
    for path in [
        "/v1/review/assessments",
        "/v1/export/assessments",
        "/v1/stats",
        "/v1/admin/users",
    ] {
        let (status, body) = server.get(&budi, path).await;
        assert_eq!((status, code(&body)), (403, "auth.role".into()), "{path}");
    }
    let (status, body) = server
        .post(
            &sari,
            "/v1/admin/users",
            &json!({"name": "mallory", "role": "admin"}),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "auth.role".into()));
    let (status, body) = server
        .post(
            &budi,
            &format!("/v1/review/assessments/{a}/decision"),
            &json!({"revision": 1, "decision": "approved"}),
        )
        .await;
    assert_eq!((status, code(&body)), (403, "auth.role".into()));
    // A supervisor of another regency sees nothing of Tapin and cannot decide on it.
    let (_, list) = server.get(&dewi, "/v1/review/assessments").await;
    assert_eq!(list.as_array().map(Vec::len), Some(0));
    let (status, body) = server
        .get(&dewi, &format!("/v1/review/assessments/{a}"))
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "review.region_not_assigned".into())
    );
    let (status, body) = server
        .post(
            &dewi,
            &format!("/v1/review/assessments/{a}/decision"),
            &json!({"revision": 1, "decision": "approved"}),
        )
        .await;
    assert_eq!(
        (status, code(&body)),
        (403, "review.region_not_assigned".into())
    );
    let (_, csv) = server.get(&dewi, "/v1/export/assessments?format=csv").await;
    assert_eq!(
        csv.as_str().map(|t| t.lines().count()),
        Some(1),
        "only the header"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM decision").await, 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sql_in_every_filter_and_paths_in_every_name_change_nothing() {
    let server = Server::start(Backend::Sqlite).await;
    let admin = server.enrolled_user("admin", "admin", &[]).await;
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let (pr, pd, a) = (uuid(5, 1), uuid(5, 2), uuid(5, 3));
    server
        .push_ok(
            &budi,
            &[
                producer(&pr, TAPIN),
                product(&pd, &pr),
                assessment(&a, 1, &pd, TAPIN, 2, vec![]),
            ],
        )
        .await;
    let injection = "x' OR '1'='1' --";
    let encoded = "x%27%20OR%20%271%27%3D%271%27%20--";
    for field in ["region", "programme", "product_set", "officer"] {
        for base in [
            "/v1/review/assessments",
            "/v1/export/assessments",
            "/v1/export/criteria",
            "/v1/stats",
        ] {
            let (status, body) = server
                .get(&admin, &format!("{base}?{field}={encoded}"))
                .await;
            assert_eq!(status, 200, "{base} {field}: {body}");
            match &body {
                Value::Array(rows) => assert!(
                    rows.is_empty(),
                    "{base} {field} matched {injection}: {body}"
                ),
                Value::String(csv) => {
                    assert_eq!(csv.lines().count(), 1, "{base} {field}: only the header")
                }
                other => panic!("{base}: {other}"),
            }
        }
    }
    for field in ["star", "status", "from", "to", "format", "unknown"] {
        let (status, body) = server
            .get(&admin, &format!("/v1/review/assessments?{field}={encoded}"))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("review.bad_filter")),
            "{field}"
        );
    }
    let (status, body) = server
        .get(&admin, "/v1/changes?since=1;DELETE%20FROM%20record")
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("changes.bad_query"))
    );
    for (path, code) in [
        (
            "/v1/review/assessments/..%2F..%2Fserver.sqlite",
            "review.unknown",
        ),
        (
            "/v1/admin/users/..%2F..%2Fetc%2Fpasswd/devices",
            "user.unknown",
        ),
        ("/v1/admin/users/x'%20OR%20'1'='1/devices", "user.unknown"),
    ] {
        let (status, body) = server.get(&admin, path).await;
        assert_eq!((status, body["code"].as_str()), (404, Some(code)), "{path}");
    }
    let response = server
        .http
        .delete(server.url("/v1/admin/devices/1%20OR%201=1"))
        .bearer_auth(&admin)
        .send()
        .await
        .expect("delete");
    assert_eq!(response.status(), 400);
    // A path value that is not UTF-8: the framework's refusal, as a Problem like every other.
    let (status, body) = server.get(&admin, "/v1/admin/users/%FF/devices").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("http.bad_request"))
    );
    let (status, body) = server
        .post(
            &admin,
            "/v1/admin/users",
            &json!({"name": "../../root", "role": "officer"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("user.bad_name"))
    );
    let (status, body) = server
        .post(
            &admin,
            "/v1/admin/users",
            &json!({"name": "eve", "role": "officer", "regions": ["63.05' OR '1'='1"]}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("user.unknown_region"))
    );
    // The dashboard's photo route, signed in or not, never reads a path.
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = no_redirects
        .get(server.url("/dashboard/blobs/..%2F..%2Fserver.sqlite"))
        .header("cookie", "ovop_session=x")
        .send()
        .await
        .expect("get");
    assert_eq!(response.status(), 303, "to the sign-in page");
    assert_eq!(server.count("SELECT COUNT(*) FROM record").await, 3);
    assert_eq!(server.count("SELECT COUNT(*) FROM app_user").await, 2);
    server.healthy().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolment_refuses_bad_requests_and_slows_down_guessing() {
    let server = Server::start(Backend::Sqlite).await;
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    let enrol = |body: Value| {
        let server = &server;
        async move { server.post("", "/v1/enrol", &body).await }
    };
    let code = |v: &Value| v["code"].as_str().unwrap_or("").to_string();
    let response = server
        .http
        .post(server.url("/v1/enrol"))
        .header("content-type", "application/json")
        .body("{\"user\": ")
        .send()
        .await
        .expect("post");
    assert_eq!(
        code(&response.json().await.expect("json")),
        "enrol.malformed"
    );
    let (status, body) =
        enrol(json!({"user": "budi", "password": "x", "device_name": "L", "admin": true})).await;
    assert_eq!((status, code(&body)), (400, "enrol.invalid".into()));
    let (status, body) =
        enrol(json!({"user": "budi", "password": "budi-rahasia-1", "device_name": ""})).await;
    assert_eq!((status, code(&body)), (400, "enrol.device_name".into()));
    let (status, body) = enrol(json!({"code": "AAAA-BBBB-CCCC", "device_name": "L"})).await;
    assert_eq!((status, code(&body)), (401, "enrol.refused".into()));
    for _ in 0..5 {
        let (status, body) =
            enrol(json!({"user": "budi", "password": "tebakan-salah", "device_name": "L"})).await;
        assert_eq!((status, code(&body)), (401, "enrol.refused".into()));
    }
    let (status, body) =
        enrol(json!({"user": "budi", "password": "budi-rahasia-1", "device_name": "L"})).await;
    assert_eq!(
        (status, code(&body)),
        (429, "auth.too_many_attempts".into()),
        "the right password waits too"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM device").await, 0);
    server.healthy().await;
    server.stop().await;
}

/// A slow upload in flight when the server is told to stop finishes; new connections are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_requests_in_flight() {
    let server = Server::start(Backend::Sqlite).await;
    let token = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let photo = vec![7u8; 20_000];
    let blob = blob_of(&photo);
    let (pr, pd) = (uuid(6, 1), uuid(6, 2));
    server
        .push_ok(
            &token,
            &[
                producer(&pr, TAPIN),
                product(&pd, &pr),
                assessment(&uuid(6, 3), 1, &pd, TAPIN, 1, vec![blob.clone()]),
            ],
        )
        .await;
    let addr = server.running.addr;
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "PUT /v1/blobs/{}?offset=0 HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        &blob.sha256[7..],
        photo.len()
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream
        .write_all(&photo[..10_000])
        .await
        .expect("first half");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let Server { running, dir, .. } = server;
    let stopping = tokio::spawn(running.shutdown(Duration::from_secs(10)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no new connection once stopping"
    );
    stream
        .write_all(&photo[10_000..])
        .await
        .expect("second half");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"complete\":true"), "{answer}");
    stopping.await.expect("stopped");
    assert_eq!(
        std::fs::read(
            dir.path()
                .join("blobs")
                .join(&blob.sha256[7..9])
                .join(&blob.sha256[7..])
        )
        .expect("stored"),
        photo
    );
}

/// Native TLS: a certificate and key in PEM, HTTPS on the same port, plain HTTP refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn native_tls_serves_https_with_the_given_certificate() {
    let certs = tempfile::tempdir().expect("tempdir");
    let (cert, key) = (certs.path().join("cert.pem"), certs.path().join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl (Debian's openssl package)");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let server = Server::start_with(Backend::Sqlite, |config| {
        config.tls_cert = Some(cert.clone());
        config.tls_key = Some(key.clone());
    })
    .await;
    let port = server.running.addr.port();
    let ca = cert.clone();
    let curl = tokio::task::spawn_blocking(move || {
        std::process::Command::new("curl")
            .args(["-sS", "--max-time", "20", "--cacert"])
            .arg(&ca)
            .args([
                "--resolve",
                &format!("localhost:{port}:127.0.0.1"),
                &format!("https://localhost:{port}/v1/health"),
            ])
            .output()
    })
    .await
    .expect("task")
    .expect("curl");
    assert!(
        curl.status.success(),
        "{}",
        String::from_utf8_lossy(&curl.stderr)
    );
    let health =
        ovop_protocol::recognise_health(&curl.stdout).expect("the server's health over HTTPS");
    assert_eq!(health.name, "Dinas Perindustrian Kabupaten Tapin");
    assert!(
        server
            .http
            .get(format!("http://127.0.0.1:{port}/v1/health"))
            .send()
            .await
            .map_or(true, |r| !r.status().is_success()),
        "no plain HTTP"
    );
    // Enrolment needs the peer's address (sign-in limits): it works over TLS too.
    server
        .user("budi", "officer", &["63.05"], Some("budi-rahasia-1"))
        .await;
    let ca = cert.clone();
    let enrolled = tokio::task::spawn_blocking(move || {
        std::process::Command::new("curl")
            .args(["-sS", "--max-time", "20", "--cacert"])
            .arg(&ca)
            .args([
                "--resolve",
                &format!("localhost:{port}:127.0.0.1"),
                "-H",
                "content-type: application/json",
            ])
            .args([
                "-d",
                r#"{"user": "budi", "password": "budi-rahasia-1", "device_name": "Laptop Budi"}"#,
            ])
            .arg(format!("https://localhost:{port}/v1/enrol"))
            .output()
    })
    .await
    .expect("task")
    .expect("curl");
    let enrolled: Value = serde_json::from_slice(&enrolled.stdout).expect("JSON over HTTPS");
    assert!(
        enrolled["token"]
            .as_str()
            .is_some_and(|t| t.starts_with("ovt_")),
        "{enrolled}"
    );
    let Server { running, dir, .. } = server;
    running.shutdown(Duration::from_secs(5)).await;
    // A key that is not a key: the server refuses to start, with a clear code.
    std::fs::write(&key, "not a key").expect("write");
    let mut config = config(dir.path());
    config.tls_cert = Some(cert);
    config.tls_key = Some(key);
    let refused = ovop_server::start(config).await.err().expect("refused");
    assert_eq!(refused.problem.code, "server.startup");
}

/// The same record twice in one push: stored once, the copy accepted again; the same id and
/// revision with other content in the same push: a conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_record_repeated_inside_one_push_is_stored_once() {
    let server = Server::start(Backend::Sqlite).await;
    let token = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let (pr, pd) = (uuid(8, 1), uuid(8, 2));
    let mut other = product(&pd, &pr);
    other.body["name"] = json!("Tikar purun polos");
    let other = Record::new(Kind::Product, &pd, 1, other.body, vec![]);
    let response = server
        .push_ok(
            &token,
            &[
                producer(&pr, TAPIN),
                producer(&pr, TAPIN),
                product(&pd, &pr),
                other,
            ],
        )
        .await;
    let outcomes: Vec<Outcome> = response.results.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        vec![
            Outcome::Accepted,
            Outcome::AcceptedAgain,
            Outcome::Accepted,
            Outcome::Conflict
        ]
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM record").await, 2);
    assert_eq!(
        server.count("SELECT COUNT(*) FROM change").await
            - server.count("SELECT COUNT(*) FROM criteria_set").await,
        2
    );
    server.stop().await;
}

/// A refusal sent before a large body was read still reaches the client as the refusal (not a
/// broken pipe a client would retry for ever): a revoked token, a wrong offset, a blob too long.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_before_the_body_is_read_reach_the_client() {
    let server = Server::start(Backend::Sqlite).await;
    let token = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let photo = vec![9u8; 3_000_000];
    let blob = blob_of(&photo);
    let (pr, pd) = (uuid(9, 1), uuid(9, 2));
    let mut batch = vec![producer(&pr, TAPIN), product(&pd, &pr)];
    for n in 0..150 {
        batch.push(assessment(
            &uuid(9, 10 + n),
            1,
            &pd,
            TAPIN,
            n,
            if n == 0 { vec![blob.clone()] } else { vec![] },
        ));
    }
    server.push_ok(&token, &batch).await;
    let hex = &blob.sha256[7..];
    for round in 0..5 {
        let wrong = server
            .http
            .put(server.url(&format!("/v1/blobs/{hex}?offset=5")))
            .bearer_auth(&token)
            .body(photo[5..].to_vec())
            .send()
            .await
            .expect("an answer, not a broken pipe");
        assert_eq!(wrong.status(), 409, "round {round}");
        let long = server
            .http
            .put(server.url(&format!("/v1/blobs/{hex}?offset=0")))
            .bearer_auth(&token)
            .body(vec![0u8; 3_000_001])
            .send()
            .await
            .expect("an answer");
        assert_eq!(long.status(), 413, "round {round}");
        let unknown = server
            .http
            .put(server.url(&format!("/v1/blobs/{}", "ef".repeat(32))))
            .bearer_auth(&token)
            .body(photo.clone())
            .send()
            .await
            .expect("an answer");
        assert_eq!(unknown.status(), 404, "round {round}");
    }
    server
        .running
        .state
        .db
        .run(|tx| {
            Ok(tx.exec(
                "UPDATE device SET revoked_at = '2026-01-01T00:00:00.000Z'",
                &[],
            )?)
        })
        .await
        .expect("revoke");
    for round in 0..5 {
        let (status, body) = server.push(&token, &batch).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("auth.invalid_token")),
            "round {round}"
        );
        let put = server
            .http
            .put(server.url(&format!("/v1/blobs/{hex}?offset=0")))
            .bearer_auth(&token)
            .body(photo.clone())
            .send()
            .await
            .expect("an answer");
        assert_eq!(put.status(), 401, "round {round}");
    }
    server.stop().await;
}

/// Names typed on a laptop that a spreadsheet would run as formulas (`=`, `+`, `-`, `@`, a tab,
/// a carriage return at the start) are exported as text: an apostrophe before them in CSV, a
/// text cell with Excel's quote prefix in XLSX, never a formula.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_that_look_like_formulas_are_exported_as_text() {
    let server = Server::start(Backend::Sqlite).await;
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let sari = server.enrolled_user("sari", "supervisor", &["63.05"]).await;
    let hostile = [
        "=HYPERLINK(\"http://example.invalid/\",\"klik\")",
        "+62 811 cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1,2)",
        "\tTab",
        "\rReturn",
    ];
    let mut records = Vec::new();
    for (n, name) in hostile.iter().enumerate() {
        let (pr, pd) = (uuid(7, 10 * n as u32 + 1), uuid(7, 10 * n as u32 + 2));
        let mut producer = producer(&pr, TAPIN);
        producer.body["name"] = json!(name);
        let mut product = product(&pd, &pr);
        product.body["name"] = json!(name);
        records.push(Record::new(Kind::Producer, &pr, 1, producer.body, vec![]));
        records.push(Record::new(Kind::Product, &pd, 1, product.body, vec![]));
        records.push(assessment(
            &uuid(7, 10 * n as u32 + 3),
            1,
            &pd,
            TAPIN,
            n as u32,
            vec![],
        ));
    }
    server.push_ok(&budi, &records).await;

    let (status, csv) = server.get(&sari, "/v1/export/assessments?format=csv").await;
    assert_eq!(status, 200);
    let csv = csv.as_str().expect("a CSV").to_string();
    let mut reader =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().expect("a header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (product, producer) = (column("product"), column("producer"));
    let mut seen = Vec::new();
    for row in reader.records() {
        let row = row.expect("a row");
        for cell in [&row[product], &row[producer]] {
            assert!(cell.starts_with('\''), "{cell:?} is not kept as text");
            seen.push(cell[1..].to_string());
        }
    }
    seen.sort();
    seen.dedup();
    let mut expected: Vec<String> = hostile.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(seen, expected, "the names are whole after the apostrophe");

    let xlsx = server
        .http
        .get(server.url("/v1/export/assessments?format=xlsx"))
        .bearer_auth(&sari)
        .send()
        .await
        .expect("xlsx")
        .bytes()
        .await
        .expect("bytes");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).expect("a workbook");
    let formulas = book.worksheet_formula("assessments").expect("the sheet");
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no cell is a formula"
    );
    let cells = book.worksheet_range("assessments").expect("the sheet");
    let names: Vec<String> = cells.rows().skip(1).map(|row| row[2].to_string()).collect();
    assert_eq!(names.len(), hostile.len());
    assert!(
        names.iter().all(|n| hostile.contains(&n.as_str())),
        "{names:?}"
    );
    server.stop().await;
}

/// Nobody decides on an assessment they scored: not a supervisor who pushed it from their own
/// laptop, nor one named among its assessors (matched however the name's case and spaces were
/// typed). Another supervisor of the region decides on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_cannot_decide_on_an_assessment_they_scored() {
    let server = Server::start(Backend::Sqlite).await;
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let sari = server.enrolled_user("sari", "supervisor", &["63.05"]).await;
    let rudi = server.enrolled_user("rudi", "supervisor", &["63.05"]).await;
    let code = |v: &Value| v["code"].as_str().unwrap_or("").to_string();
    let decide = |token: &str, id: &str| {
        let (token, id) = (token.to_string(), id.to_string());
        let server = &server;
        async move {
            server
                .post(
                    &token,
                    &format!("/v1/review/assessments/{id}/decision"),
                    &json!({"revision": 1, "decision": "approved"}),
                )
                .await
        }
    };

    // Sari scores a product herself on her laptop.
    let (pr, pd, own) = (uuid(8, 1), uuid(8, 2), uuid(8, 3));
    server
        .push_ok(
            &sari,
            &[
                producer(&pr, TAPIN),
                product(&pd, &pr),
                assessment(&own, 1, &pd, TAPIN, 0, vec![]),
            ],
        )
        .await;
    let (status, body) = decide(&sari, &own).await;
    assert_eq!((status, code(&body)), (403, "review.own_assessment".into()));

    // Budi's visit names Rudi among the assessors.
    let mut visit = assessment(&uuid(8, 4), 1, &pd, TAPIN, 1, vec![]);
    visit.body["visit"]["assessors"] =
        json!([{"name": "Budi Santoso"}, {"name": "  RUDI   (display) "}]);
    let visit = Record::new(Kind::Assessment, &uuid(8, 4), 1, visit.body, vec![]);
    server.push_ok(&budi, &[visit]).await;
    let (status, body) = decide(&rudi, &uuid(8, 4)).await;
    assert_eq!((status, code(&body)), (403, "review.own_assessment".into()));
    assert_eq!(server.count("SELECT COUNT(*) FROM decision").await, 0);

    // The other supervisor decides on each.
    assert_eq!(decide(&rudi, &own).await.0, 201);
    assert_eq!(decide(&sari, &uuid(8, 4)).await.0, 201);
    assert_eq!(server.count("SELECT COUNT(*) FROM decision").await, 2);
    server.stop().await;
}

/// An assessment id printed on a sheet is no key to it: another officer, of the same regency or
/// another, cannot add a revision under it (`push.not_owner`), nor slip in its upper-case twin
/// (`push.bad_id`); its own officer goes on correcting it, and the supervisors see only hers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_officer_cannot_add_revisions_to_another_officers_assessment() {
    let server = Server::start(Backend::Sqlite).await;
    for (name, region) in [("budi", "63.05"), ("rina", "63.05"), ("dewi", "63.06")] {
        server
            .user(name, "officer", &[region], Some("rahasia-123"))
            .await;
    }
    let budi = server.enrol("budi", "rahasia-123").await;
    let rina = server.enrol("rina", "rahasia-123").await;
    let dewi = server.enrol("dewi", "rahasia-123").await;
    let (pr, pd, a) = (uuid(9, 1), uuid(9, 2), uuid(9, 3));
    server
        .push_ok(
            &budi,
            &[
                producer(&pr, TAPIN),
                product(&pd, &pr),
                assessment(&a, 1, &pd, TAPIN, 0, vec![]),
            ],
        )
        .await;
    let problem = |response: &ovop_protocol::PushResponse| {
        let r = &response.results[response.results.len() - 1];
        (r.outcome, r.problem.as_ref().map(|p| p.code.clone()))
    };

    // Rina, same regency: her revision 2 under Budi's id is refused.
    let pushed = server
        .push_ok(&rina, &[assessment(&a, 2, &pd, TAPIN, 3, vec![])])
        .await;
    assert_eq!(
        problem(&pushed),
        (Outcome::Rejected, Some("push.not_owner".into()))
    );
    // Dewi, another regency, with a product of her own there.
    let (pr2, pd2) = (uuid(9, 4), uuid(9, 5));
    let pushed = server
        .push_ok(
            &dewi,
            &[
                producer(&pr2, HSS),
                product(&pd2, &pr2),
                assessment(&a, 2, &pd2, HSS, 3, vec![]),
            ],
        )
        .await;
    assert_eq!(
        problem(&pushed),
        (Outcome::Rejected, Some("push.not_owner".into()))
    );
    // The upper-case twin of the id is not another record.
    let pushed = server
        .push_ok(
            &dewi,
            &[assessment(&a.to_uppercase(), 1, &pd2, HSS, 3, vec![])],
        )
        .await;
    assert_eq!(
        problem(&pushed),
        (Outcome::Rejected, Some("push.bad_id".into()))
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM record WHERE kind = 'assessment'")
            .await,
        1
    );

    // Budi corrects his own: accepted.
    let pushed = server
        .push_ok(&budi, &[assessment(&a, 2, &pd, TAPIN, 3, vec![])])
        .await;
    assert_eq!(problem(&pushed), (Outcome::Accepted, None));
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM record WHERE kind = 'assessment'")
            .await,
        2
    );
    server.stop().await;
}

/// A product is assessed in its own regency: an assessment recorded under another regency's
/// village is refused (`push.region_mismatch`), even by an officer assigned both, and so is an
/// officer reaching a product outside their regions by recording the visit inside them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assessment_is_recorded_in_the_regency_of_its_product() {
    let server = Server::start(Backend::Sqlite).await;
    server
        .user("budi", "officer", &["63.05", "63.06"], Some("rahasia-123"))
        .await;
    server
        .user("dewi", "officer", &["63.06"], Some("rahasia-123"))
        .await;
    let budi = server.enrol("budi", "rahasia-123").await;
    let dewi = server.enrol("dewi", "rahasia-123").await;
    let (pr, pd) = (uuid(10, 1), uuid(10, 2));
    server
        .push_ok(&budi, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    let pushed = server
        .push_ok(&budi, &[assessment(&uuid(10, 3), 1, &pd, HSS, 0, vec![])])
        .await;
    let r = &pushed.results[0];
    assert_eq!(
        (
            r.outcome,
            r.problem
                .as_ref()
                .map(|p| (p.code.as_str(), p.field.as_deref()))
        ),
        (
            Outcome::Rejected,
            Some(("push.region_mismatch", Some("body.visit.region_code")))
        )
    );
    // Dewi (HSS only) cannot reach Budi's Tapin product through a visit in HSS.
    let pushed = server
        .push_ok(&dewi, &[assessment(&uuid(10, 4), 1, &pd, HSS, 0, vec![])])
        .await;
    assert_eq!(
        pushed.results[0].problem.as_ref().map(|p| p.code.as_str()),
        Some("push.region_mismatch")
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM assessment").await, 0);
    // In the product's own regency: accepted.
    let pushed = server
        .push_ok(&budi, &[assessment(&uuid(10, 5), 1, &pd, TAPIN, 0, vec![])])
        .await;
    assert_eq!(pushed.results[0].outcome, Outcome::Accepted);
    server.stop().await;
}
