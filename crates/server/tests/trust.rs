//! What the office can trust, on both backends: uploads bounded and bound to their officer, an
//! assessment handed over only by a supervisor of its region, every result scored again on the
//! server, and a hostile officer's whole attempt leaving the office's data as it was.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::web::*;
use support::*;

crate::both!(
    uploads_are_bounded_expire_and_belong_to_the_officer_who_declared_them,
    a_supervisor_hands_an_assessment_to_another_officer_of_its_region,
    a_hostile_officer_leaves_the_offices_data_as_the_honest_pushes_left_it,
    a_result_its_answers_do_not_give_is_refused_and_the_servers_own_is_stored,
);

async fn uploads_are_bounded_expire_and_belong_to_the_officer_who_declared_them(backend: Backend) {
    let server = Server::start_with(backend, |config| {
        config.limits.max_blobs_per_record = 4;
        config.uploads.open_blobs = 3;
    })
    .await;
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let tono = server.enrolled_user("tono", "officer", &["63.05"]).await;
    let photos: Vec<Vec<u8>> = (0..6u8).map(|n| vec![n; 2000 + usize::from(n)]).collect();
    let refs: Vec<_> = photos.iter().map(|p| blob_of(p)).collect();
    let (pr, pd) = (uuid(50, 1), uuid(50, 2));
    server
        .push_ok(&budi, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    let outcome = |pushed: &ovop_protocol::PushResponse| {
        let r = &pushed.results[0];
        (
            r.outcome,
            r.problem
                .as_ref()
                .map(|p| p.code.clone())
                .unwrap_or_default(),
        )
    };
    // Five photos on one record: more than a record may name.
    let pushed = server
        .push_ok(
            &budi,
            &[assessment(
                &uuid(50, 3),
                1,
                &pd,
                TAPIN,
                0,
                refs[..5].to_vec(),
            )],
        )
        .await;
    assert_eq!(
        outcome(&pushed),
        (
            ovop_protocol::Outcome::Rejected,
            "push.too_many_blobs".into()
        )
    );
    // Three open uploads are Budi's to have; a fourth waits, a photo already counted does not.
    let first = assessment(&uuid(50, 4), 1, &pd, TAPIN, 1, refs[..3].to_vec());
    assert_eq!(
        outcome(&server.push_ok(&budi, std::slice::from_ref(&first)).await).0,
        ovop_protocol::Outcome::Accepted
    );
    let waiting = assessment(&uuid(50, 5), 1, &pd, TAPIN, 2, vec![refs[3].clone()]);
    assert_eq!(
        outcome(&server.push_ok(&budi, std::slice::from_ref(&waiting)).await),
        (
            ovop_protocol::Outcome::Rejected,
            "push.too_many_uploads".into()
        )
    );
    let same = assessment(&uuid(50, 6), 1, &pd, TAPIN, 3, vec![refs[0].clone()]);
    assert_eq!(
        outcome(&server.push_ok(&budi, &[same]).await).0,
        ovop_protocol::Outcome::Accepted
    );
    assert_eq!(
        outcome(&server.push_ok(&budi, &[first]).await).0,
        ovop_protocol::Outcome::AcceptedAgain
    );

    // Tono cannot write into Budi's photo, even from the offset Budi's upload stands at.
    let (status, _) = put_blob(&server, &budi, &photos[0], 0, 1000).await;
    assert_eq!(status, 200);
    let (status, body) = put_blob(&server, &tono, &photos[0], 1000, 2000).await;
    assert_eq!((status, code(&body)), (403, "blob.not_yours"));
    let (status, body) = put_blob(&server, &tono, &photos[1], 0, 2001).await;
    assert_eq!((status, code(&body)), (403, "blob.not_yours"));
    // Budi's resumed upload finishes from where it stood.
    let (status, body) = put_blob(&server, &budi, &photos[0], 1000, 2000).await;
    assert_eq!((status, body["complete"].as_bool()), (200, Some(true)));
    // One photo arrived: the waiting record goes through now.
    assert_eq!(
        outcome(&server.push_ok(&budi, &[waiting]).await).0,
        ovop_protocol::Outcome::Accepted
    );

    // A partial upload left too long is dropped; the upload starts again from its first byte.
    let (status, body) = put_blob(&server, &budi, &photos[1], 0, 1500).await;
    assert_eq!((status, body["offset"].as_u64()), (200, Some(1500)));
    assert_eq!(
        server.running.state.blobs.sweep(Duration::from_secs(3600)),
        0
    );
    assert_eq!(server.running.state.blobs.sweep(Duration::ZERO), 1);
    let hex = &refs[1].sha256[7..];
    let (status, body) = server.get(&budi, &format!("/v1/blobs/{hex}")).await;
    assert_eq!((status, body["offset"].as_u64()), (200, Some(0)));
    let (status, body) = put_blob(&server, &budi, &photos[1], 0, 2001).await;
    assert_eq!((status, body["complete"].as_bool()), (200, Some(true)));
    server.stop().await;
}

async fn a_supervisor_hands_an_assessment_to_another_officer_of_its_region(backend: Backend) {
    let server = Server::start(backend).await;
    for (name, role, region) in [
        ("budi", "officer", "63.05"),
        ("wati", "officer", "63.05"),
        ("tono", "officer", "63.06"),
        ("sari", "supervisor", "63.05"),
        ("dewi", "supervisor", "63.06"),
    ] {
        server
            .user(name, role, &[region], Some("rahasia-123"))
            .await;
    }
    let budi = server.enrol("budi", "rahasia-123").await;
    let wati = server.enrol("wati", "rahasia-123").await;
    let sari = server.enrol("sari", "rahasia-123").await;
    let dewi = server.enrol("dewi", "rahasia-123").await;
    let (pr, pd, id) = (uuid(60, 1), uuid(60, 2), uuid(60, 3));
    server
        .push_ok(
            &budi,
            &[
                producer(&pr, TAPIN),
                product(&pd, &pr),
                assessment(&id, 1, &pd, TAPIN, 0, vec![]),
            ],
        )
        .await;
    let first_code = |pushed: ovop_protocol::PushResponse| {
        pushed.results[0]
            .problem
            .as_ref()
            .map(|p| p.code.clone())
            .unwrap_or_default()
    };
    let second = assessment(&id, 2, &pd, TAPIN, 1, vec![]);
    assert_eq!(
        first_code(server.push_ok(&wati, std::slice::from_ref(&second)).await),
        "push.not_owner"
    );
    let owner = format!("/v1/review/assessments/{id}/owner");
    // Who may hand it over, and to whom.
    let (status, body) = server
        .post(&budi, &owner, &json!({"officer": "wati"}))
        .await;
    assert_eq!((status, code(&body)), (403, "auth.role"));
    let (status, body) = server
        .post(&dewi, &owner, &json!({"officer": "wati"}))
        .await;
    assert_eq!((status, code(&body)), (403, "review.region_not_assigned"));
    for to in ["tono", "sari", "nobody", ""] {
        let (status, body) = server.post(&sari, &owner, &json!({"officer": to})).await;
        assert_eq!((status, code(&body)), (400, "review.bad_officer"), "{to}");
    }
    let (status, body) = server
        .post(
            &sari,
            &format!("/v1/review/assessments/{}/owner", uuid(60, 9)),
            &json!({"officer": "wati"}),
        )
        .await;
    assert_eq!((status, code(&body)), (404, "review.unknown"));
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM assessment_handover")
            .await,
        0
    );
    // Sari hands it to Wati: Wati's laptop carries it on, Budi's no longer can.
    let (status, body) = server
        .post(&sari, &owner, &json!({"officer": " Wati "}))
        .await;
    assert_eq!(
        (
            status,
            body["from"].as_str(),
            body["to"].as_str(),
            body["by"].as_str()
        ),
        (200, Some("budi"), Some("wati"), Some("sari")),
        "{body}"
    );
    let pushed = server.push_ok(&wati, &[second]).await;
    assert_eq!(pushed.results[0].outcome, ovop_protocol::Outcome::Accepted);
    assert_eq!(
        first_code(
            server
                .push_ok(&budi, &[assessment(&id, 3, &pd, TAPIN, 2, vec![])])
                .await
        ),
        "push.not_owner"
    );
    // On the dashboard: the page offers Tapin's officers (not Tono), and hands it back to Budi.
    let session = dashboard_session(&server, "sari", "rahasia-123").await;
    let page = browser()
        .get(server.url(&format!("/dashboard/assessments/{id}")))
        .header("cookie", &session)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("id=\"handover\""), "the handover form");
    assert!(page.contains("value=\"budi\"") && !page.contains("value=\"tono\""));
    let handed = dashboard_post(
        &server,
        &session,
        &format!("/dashboard/assessments/{id}/owner"),
        &[("officer", "budi")],
    )
    .await;
    assert_eq!(handed.status(), 303);
    assert!(handed.headers()["location"]
        .to_str()
        .expect("location")
        .ends_with("?next=handed"));
    let pushed = server
        .push_ok(&budi, &[assessment(&id, 3, &pd, TAPIN, 2, vec![])])
        .await;
    assert_eq!(pushed.results[0].outcome, ovop_protocol::Outcome::Accepted);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM assessment_handover")
            .await,
        2
    );
    server.stop().await;
}

async fn a_result_its_answers_do_not_give_is_refused_and_the_servers_own_is_stored(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let admin = server.enrolled_user("admin", "admin", &[]).await;
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let (pr, pd) = (uuid(70, 1), uuid(70, 2));
    server
        .push_ok(&budi, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    // A set the office published (not one shipped with the server): found by its hash.
    let catalog = ovop_core::Catalog::shipped();
    let mut set = catalog
        .get("ovop-id-template", None)
        .expect("template")
        .rubric
        .set()
        .clone();
    set.version = "2026-dinas-tapin".into();
    let published = ovop_core::Rubric::new(set.clone()).expect("a valid set");
    let response = server
        .http
        .post(server.url("/v1/admin/criteria-sets"))
        .bearer_auth(&admin)
        .json(&set)
        .send()
        .await
        .expect("publish");
    assert_eq!(response.status(), 201);

    let honest = assessment(&uuid(70, 3), 1, &pd, TAPIN, 1, vec![]);
    let on_published = assessment_on(&published, &uuid(70, 4), 1, &pd, TAPIN, 2, vec![]);
    let max = honest.body["result"]["max_total"].clone();
    let attacks = [
        (
            "no answers, a perfect score",
            tampered(&honest, |b| {
                b["answers"] = Value::Null;
                b["result"]["total"] = max.clone();
                b["result"]["star_by_score"] = json!(5);
                b["result"]["star"] = json!(5);
            }),
            "push.no_answers",
        ),
        (
            "a perfect score over modest answers",
            tampered(&honest, |b| {
                b["result"]["total"] = max.clone();
                b["result"]["star"] = json!(5);
            }),
            "push.result_mismatch",
        ),
        (
            "part subtotals that do not add up",
            tampered(&honest, |b| {
                let points = b["result"]["parts"][0]["points"].as_u64().unwrap_or(0);
                b["result"]["parts"][0]["points"] = json!(points + 7);
            }),
            "push.result_mismatch",
        ),
        (
            "a criterion's points changed",
            tampered(&honest, |b| {
                b["result"]["criteria"][0]["outcome"]["points"] = json!(99);
            }),
            "push.result_mismatch",
        ),
        (
            "a council's verdict without its members' sheets",
            tampered(&honest, |b| {
                b["council_result"] = json!({"average": 66.0});
            }),
            "push.invalid",
        ),
        (
            "a better star on the office's own set",
            tampered(&on_published, |b| {
                b["result"]["star"] = json!(5);
                b["result"]["star_by_score"] = json!(5);
            }),
            "push.result_mismatch",
        ),
    ];
    for (what, record, expected) in &attacks {
        let pushed = server.push_ok(&budi, std::slice::from_ref(record)).await;
        let r = &pushed.results[0];
        assert_eq!(
            (r.outcome, r.problem.as_ref().map(|p| p.code.as_str())),
            (ovop_protocol::Outcome::Rejected, Some(*expected)),
            "{what}"
        );
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM assessment").await, 0);
    // The honest ones are stored with the server's own numbers.
    for record in [&honest, &on_published] {
        let pushed = server.push_ok(&budi, std::slice::from_ref(record)).await;
        assert_eq!(pushed.results[0].outcome, ovop_protocol::Outcome::Accepted);
    }
    let (_, listed) = server.get(&admin, "/v1/review/assessments").await;
    let items = listed.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2, "{listed}");
    for record in [&honest, &on_published] {
        let row = items
            .iter()
            .find(|i| i["id"] == record.id.as_str())
            .expect("listed");
        assert_eq!(
            row["total"].as_f64(),
            record.body["result"]["total"].as_f64()
        );
        assert_eq!(row["standing"], "final");
        assert_eq!(row["sheets"], 1);
        assert_eq!(row["star"], record.body["result"]["star"]);
    }
    server.stop().await;
}

/// What the office holds, as an admin reads it: every assessment's latest revision with its
/// numbers, status and officer, the decisions, the users and their devices, the stored records.
async fn office_data(server: &Server, admin: &str) -> (Value, Vec<i64>) {
    let (status, list) = server.get(admin, "/v1/review/assessments").await;
    assert_eq!(status, 200);
    let mut rows: Vec<Value> = list
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|mut row| {
            // When it arrived is the server's clock, not the office's data.
            row.as_object_mut().map(|o| o.remove("received_at"));
            row
        })
        .collect();
    rows.sort_by_key(|r| r["id"].as_str().unwrap_or("").to_string());
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM record",
        "SELECT COUNT(*) FROM decision",
        "SELECT COUNT(*) FROM app_user",
        "SELECT COUNT(*) FROM device WHERE revoked_at IS NULL",
        "SELECT COUNT(*) FROM blob WHERE complete_at IS NOT NULL",
        "SELECT COUNT(*) FROM assessment_handover",
    ] {
        counts.push(server.count(sql).await);
    }
    (Value::Array(rows), counts)
}

async fn a_hostile_officer_leaves_the_offices_data_as_the_honest_pushes_left_it(backend: Backend) {
    let server = Server::start(backend).await;
    for (name, role, region) in [
        ("admin", "admin", None),
        ("budi", "officer", Some("63.05")),
        ("wati", "officer", Some("63.05")),
        ("tono", "officer", Some("63.06")),
        ("sari", "supervisor", Some("63.05")),
        ("dewi", "supervisor", Some("63.06")),
    ] {
        let regions: Vec<&str> = region.into_iter().collect();
        server.user(name, role, &regions, Some("rahasia-123")).await;
    }
    let admin = server.enrol("admin", "rahasia-123").await;
    let budi = server.enrol("budi", "rahasia-123").await;
    let wati = server.enrol("wati", "rahasia-123").await;
    let tono = server.enrol("tono", "rahasia-123").await;
    let sari = server.enrol("sari", "rahasia-123").await;

    // The honest pushes: two Tapin officers and one of Hulu Sungai Selatan, a photo, a decision.
    let photo = vec![7u8; 5000];
    let (pr, pd, a1) = (uuid(80, 1), uuid(80, 2), uuid(80, 3));
    let (pr2, pd2, a2) = (uuid(80, 4), uuid(80, 5), uuid(80, 6));
    let (pr3, pd3, a3) = (uuid(80, 7), uuid(80, 8), uuid(80, 9));
    let budis = assessment(&a1, 1, &pd, TAPIN, 1, vec![blob_of(&photo)]);
    server
        .push_ok(
            &budi,
            &[producer(&pr, TAPIN), product(&pd, &pr), budis.clone()],
        )
        .await;
    let (status, _) = put_blob(&server, &budi, &photo, 0, 2000).await;
    assert_eq!(status, 200, "half of Budi's photo");
    server
        .push_ok(
            &wati,
            &[
                producer(&pr2, TAPIN),
                product(&pd2, &pr2),
                assessment(&a2, 1, &pd2, TAPIN, 2, vec![]),
            ],
        )
        .await;
    server
        .push_ok(
            &tono,
            &[
                producer(&pr3, HSS),
                product(&pd3, &pr3),
                assessment(&a3, 1, &pd3, HSS, 3, vec![]),
            ],
        )
        .await;
    let (status, _) = server
        .post(
            &sari,
            &format!("/v1/review/assessments/{a2}/decision"),
            &json!({"revision": 1, "decision": "approved", "comment": ""}),
        )
        .await;
    assert_eq!(status, 201);
    let before = office_data(&server, &admin).await;

    // Tono, of Hulu Sungai Selatan, tries everything.
    let rejected = |pushed: &ovop_protocol::PushResponse| -> Vec<String> {
        pushed
            .results
            .iter()
            .filter(|r| r.outcome == ovop_protocol::Outcome::Rejected)
            .filter_map(|r| r.problem.as_ref().map(|p| p.code.clone()))
            .collect()
    };
    // A revision under Budi's id (printed on Budi's sheet), recorded in Tono's regency.
    let pushed = server
        .push_ok(&tono, &[assessment(&a1, 2, &pd3, HSS, 4, vec![])])
        .await;
    assert_eq!(rejected(&pushed), ["push.not_owner"]);
    // An assessment of Budi's Tapin product recorded in Tono's regency.
    let pushed = server
        .push_ok(&tono, &[assessment(&uuid(81, 1), 1, &pd, HSS, 4, vec![])])
        .await;
    assert_eq!(rejected(&pushed), ["push.region_mismatch"]);
    // A perfect score without answers, subtotals that do not add up, an upper-case twin id.
    let own = assessment(&uuid(81, 2), 1, &pd3, HSS, 5, vec![]);
    let max = own.body["result"]["max_total"].clone();
    let forged = [
        tampered(&own, |b| {
            b["answers"] = Value::Null;
            b["result"]["total"] = max.clone();
            b["result"]["star"] = json!(5);
        }),
        tampered(&own, |b| {
            let points = b["result"]["parts"][1]["points"].as_u64().unwrap_or(0);
            b["result"]["parts"][1]["points"] = json!(points + 3);
        }),
    ];
    let pushed = server.push_ok(&tono, &forged).await;
    assert_eq!(
        rejected(&pushed),
        ["push.no_answers", "push.result_mismatch"]
    );
    let twin = assessment(&a3.to_uppercase(), 2, &pd3, HSS, 5, vec![]);
    let pushed = server.push_ok(&tono, &[twin]).await;
    assert_eq!(rejected(&pushed), ["push.bad_id"]);
    // Two hundred and one photos on one record.
    let many: Vec<_> = (0..201u32)
        .map(|n| blob_of(format!("photo {n}").as_bytes()))
        .collect();
    let pushed = server
        .push_ok(&tono, &[assessment(&uuid(81, 3), 1, &pd3, HSS, 6, many)])
        .await;
    assert_eq!(rejected(&pushed), ["push.too_many_blobs"]);
    // Writing into Budi's half-uploaded photo.
    let (status, body) = put_blob(&server, &tono, &photo, 2000, 5000).await;
    assert_eq!((status, code(&body)), (403, "blob.not_yours"));
    // Making himself an admin, deciding, handing Budi's assessment to himself.
    let (status, _) = server
        .post(
            &tono,
            "/v1/admin/users",
            &json!({"name": "tono2", "role": "admin", "password": "rahasia-123"}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .post(
            &tono,
            &format!("/v1/review/assessments/{a3}/decision"),
            &json!({"revision": 1, "decision": "approved", "comment": ""}),
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = server
        .post(
            &tono,
            &format!("/v1/review/assessments/{a1}/owner"),
            &json!({"officer": "tono"}),
        )
        .await;
    assert_eq!(status, 403);
    // Reading Budi's assessment and Tapin's export.
    let (status, _) = server
        .get(&tono, &format!("/v1/review/assessments/{a1}"))
        .await;
    assert_eq!(status, 403);
    let (status, _) = server.get(&tono, "/v1/export/assessments").await;
    assert_eq!(status, 403);
    // Guessing Sari's password, twelve at once: five are checked.
    let guesses = (0..12).map(|n| {
        let server = &server;
        async move {
            server
                .post(
                    "",
                    "/v1/enrol",
                    &json!({"user": "sari", "password": format!("tebakan-{n}"), "device_name": "L"}),
                )
                .await
                .0
        }
    });
    let statuses = futures_util::future::join_all(guesses).await;
    assert_eq!(statuses.iter().filter(|s| **s == 401).count(), 5);
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 7);

    // The office's data is as the honest pushes left it, and Budi's upload finishes.
    assert_eq!(office_data(&server, &admin).await, before);
    let (status, body) = put_blob(&server, &budi, &photo, 2000, 5000).await;
    assert_eq!((status, body["complete"].as_bool()), (200, Some(true)));
    server.healthy().await;
    server.stop().await;
}
