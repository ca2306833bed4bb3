//! Star decisions and certificates on both backends: a supervisor records a decision (number,
//! date, authority) awarding approved assessments their star, which may differ from the one
//! they reached when a reason is given; three stars and more get a numbered certificate, valid
//! 36 months (the programme's data), whose code is signed with the server's key, verifies with
//! the key every health answer announces, and is refused once changed. The awards reach the
//! officers of the product's region on pull; a refused decision stores nothing.

mod support;

use ovop_protocol::certificate::{verify_code, PublicKey};
use serde_json::{json, Value};
use support::web::*;
use support::*;

crate::both!(
    a_decision_awards_stars_issues_signed_certificates_and_they_reach_the_laptops,
    a_decision_that_cannot_stand_is_refused_whole_with_the_field_named,
    the_dashboard_records_a_decision_lists_exports_and_checks_certificates,
    products_proposed_up_are_forwarded_once_in_batches_that_export_and_reach_the_laptops,
);

struct Office {
    budi: String,
    sari: String,
    /// Three assessments of three products, all approved.
    assessments: Vec<String>,
    products: Vec<String>,
}

async fn setup(server: &Server, salt: u32) -> Office {
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let sari = server.enrolled_user("sari", "supervisor", &["63.05"]).await;
    let producer_id = uuid(salt, 0);
    let products: Vec<String> = (1..=3).map(|i| uuid(salt, i)).collect();
    let assessments: Vec<String> = (1..=3).map(|i| uuid(salt + 1, i)).collect();
    let mut records = vec![producer(&producer_id, TAPIN)];
    records.extend(products.iter().map(|p| product(p, &producer_id)));
    records.extend(
        assessments
            .iter()
            .zip(&products)
            .enumerate()
            .map(|(i, (a, p))| assessment(a, 1, p, TAPIN, i as u32, vec![])),
    );
    server.push_ok(&budi, &records).await;
    for id in &assessments {
        approve(server, &sari, id).await;
    }
    Office {
        budi,
        sari,
        assessments,
        products,
    }
}

async fn approve(server: &Server, sari: &str, id: &str) {
    let (status, body) = server
        .post(
            sari,
            &format!("/v1/review/assessments/{id}/decision"),
            &json!({"revision": 1, "decision": "approved", "comment": ""}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
}

/// The star an assessment reached, as the server scored it.
async fn star_of(server: &Server, sari: &str, id: &str) -> u64 {
    let (status, body) = server
        .get(sari, &format!("/v1/review/assessments/{id}"))
        .await;
    assert_eq!(status, 200, "{body}");
    body["assessment"]["star"].as_u64().unwrap_or(0)
}

fn decision(number: &str, awards: Value) -> Value {
    json!({
        "number": number,
        "date": "2026-12-01",
        "authority": "Bupati Tapin",
        "awards": awards,
    })
}

async fn a_decision_awards_stars_issues_signed_certificates_and_they_reach_the_laptops(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let office = setup(&server, 120).await;
    let (a, b) = (&office.assessments[0], &office.assessments[1]);
    let reached = star_of(&server, &office.sari, a).await;
    let (status, recorded) = server
        .post(
            &office.sari,
            "/v1/decisions",
            &decision(
                "188.45/123/KUM/2026",
                json!([
                    {"assessment_id": a, "star": 4, "reason": if reached == 4 { "" } else { "Dewan kabupaten menilai ulang kemasan" }},
                    {"assessment_id": b, "star": 2, "reason": "Izin edar belum lengkap"},
                ]),
            ),
        )
        .await;
    assert_eq!(status, 201, "{recorded}");
    assert_eq!(recorded["decision"]["number"], "188.45/123/KUM/2026");
    let four = &recorded["awards"][0];
    assert_eq!(four["star"], 4);
    assert_eq!(
        four["product_id"].as_str(),
        Some(office.products[0].as_str())
    );
    let certificate = &four["certificate"];
    assert_eq!(certificate["number"], "OVOP-2026-00001");
    assert_eq!(certificate["issued"], "2026-12-01");
    // 36 months, the programme's rule: to the day before the third anniversary.
    assert_eq!(certificate["valid_until"], "2029-11-30");
    if reached != 4 {
        assert_eq!(four["proposed_star"].as_u64(), Some(reached));
    }
    // Two stars: awarded, no certificate.
    assert_eq!(recorded["awards"][1]["star"], 2);
    assert!(recorded["awards"][1].get("certificate").is_none());

    // The code verifies offline with the key the health answer announces; a changed one does not.
    let code = certificate["code"].as_str().expect("a code").to_string();
    let health = reqwest::get(server.url("/v1/health"))
        .await
        .expect("health")
        .json::<ovop_protocol::Health>()
        .await
        .expect("a health answer");
    let keys: Vec<PublicKey> = health
        .certificate_keys
        .iter()
        .map(|k| PublicKey::parse(k).expect("a key"))
        .collect();
    let read = verify_code(&code, &keys).expect("the code verifies");
    assert_eq!((read.star, read.number.as_str()), (4, "OVOP-2026-00001"));
    let forged = code.replacen("|4|", "|5|", 1);
    assert!(verify_code(&forged, &keys).is_err());

    // And through the server, which also says whether it holds that very certificate.
    let (status, verified) = server
        .post(
            &office.sari,
            "/v1/certificates/verify",
            &json!({"code": code}),
        )
        .await;
    assert_eq!(status, 200, "{verified}");
    assert_eq!(
        (verified["valid"].as_bool(), verified["on_record"].as_bool()),
        (Some(true), Some(true))
    );
    assert_eq!(verified["standing"]["state"], "valid");
    let (_, refused) = server
        .post(
            &office.sari,
            "/v1/certificates/verify",
            &json!({"code": forged}),
        )
        .await;
    assert_eq!(refused["valid"], false);
    assert_eq!(refused["code"], "certificate.bad_signature");
    let (_, garbage) = server
        .post(
            &office.sari,
            "/v1/certificates/verify",
            &json!({"code": "hello"}),
        )
        .await;
    assert_eq!(garbage["code"], "certificate.malformed");

    // Listed: none lapses within 90 days; within ten years, the one certificate.
    let (status, soon) = server.get(&office.sari, "/v1/certificates?within=90").await;
    assert_eq!(status, 200, "{soon}");
    assert_eq!(soon.as_array().map(Vec::len), Some(0));
    let (_, all) = server
        .get(&office.sari, "/v1/certificates?within=3650")
        .await;
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
    assert_eq!(all[0]["award"]["certificate"]["number"], "OVOP-2026-00001");
    let (status, one) = server
        .get(&office.sari, "/v1/certificates/OVOP-2026-00001")
        .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["award"]["decision"]["authority"], "Bupati Tapin");
    let (status, none) = server
        .get(&office.sari, "/v1/certificates/OVOP-2026-99999")
        .await;
    assert_eq!((status, code_of(&none)), (404, "award.unknown"));

    // The officer's laptop pulls both awards; an officer cannot record or list them.
    let (status, changes) = server.get(&office.budi, "/v1/changes?since=0").await;
    assert_eq!(status, 200);
    let awards: Vec<&Value> = changes["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["kind"] == "award")
        .collect();
    assert_eq!(awards.len(), 2, "{changes}");
    let pulled: ovop_protocol::Award =
        serde_json::from_value(awards[0]["body"].clone()).expect("an award");
    assert_eq!(
        pulled.certificate.map(|c| c.code),
        Some(code.clone()),
        "the laptop gets the very code"
    );
    let (status, body) = server
        .post(
            &office.budi,
            "/v1/decisions",
            &decision(
                "1/2026",
                json!([{"assessment_id": office.assessments[2], "star": 3, "reason": "x"}]),
            ),
        )
        .await;
    assert_eq!((status, code_of(&body)), (403, "auth.role"));

    // A supervisor of another regency sees none of it.
    let wati = server.enrolled_user("wati", "supervisor", &["63.06"]).await;
    let (_, theirs) = server.get(&wati, "/v1/certificates?within=3650").await;
    assert_eq!(theirs.as_array().map(Vec::len), Some(0));
    let (status, body) = server.get(&wati, "/v1/certificates/OVOP-2026-00001").await;
    assert_eq!(
        (status, code_of(&body)),
        (403, "review.region_not_assigned")
    );

    // The next certificate of the programme and year takes the next number.
    let third = &office.assessments[2];
    let (status, next) = server
        .post(
            &office.sari,
            "/v1/decisions",
            &decision(
                "188.45/130/KUM/2026",
                json!([{"assessment_id": third, "star": 5, "reason": "Lolos kurasi provinsi"}]),
            ),
        )
        .await;
    assert_eq!(status, 201, "{next}");
    assert_eq!(
        next["awards"][0]["certificate"]["number"],
        "OVOP-2026-00002"
    );
    server.stop().await;
}

fn code_of(body: &Value) -> &str {
    body["code"].as_str().unwrap_or_default()
}

async fn a_decision_that_cannot_stand_is_refused_whole_with_the_field_named(backend: Backend) {
    let server = Server::start(backend).await;
    let office = setup(&server, 130).await;
    let sari = &office.sari;
    let a = office.assessments[0].clone();
    let b = office.assessments[1].clone();
    let refused = |body: Value| {
        let server = &server;
        async move {
            let (status, answer) = server.post(sari, "/v1/decisions", &body).await;
            (
                status,
                code_of(&answer).to_string(),
                answer["field"].as_str().unwrap_or_default().to_string(),
            )
        }
    };
    let one =
        |star: u64, reason: &str| json!([{"assessment_id": a, "star": star, "reason": reason}]);
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (decision("", one(4, "r")), 400, "award.invalid", "number"),
        (
            decision("  \n ", one(4, "r")),
            400,
            "award.invalid",
            "number",
        ),
        (
            json!({"number": "1", "date": "2026-12-01", "authority": "", "awards": one(4, "r")}),
            400,
            "award.invalid",
            "authority",
        ),
        (
            json!({"number": "1", "date": "2026-02-30", "authority": "Bupati", "awards": one(4, "r")}),
            400,
            "award.invalid",
            "date",
        ),
        (
            json!({"number": "1", "date": "01/12/2026", "authority": "Bupati", "awards": one(4, "r")}),
            400,
            "award.invalid",
            "date",
        ),
        (
            json!({"number": "1", "date": "2099-01-01", "authority": "Bupati", "awards": one(4, "r")}),
            400,
            "award.invalid",
            "date",
        ),
        (
            json!({"number": "1", "date": "2026-01-01", "authority": "Bupati", "awards": one(4, "r")}),
            400,
            "award.invalid",
            "date",
        ),
        (decision("1", json!([])), 400, "award.invalid", "awards"),
        (
            decision("1", one(6, "r")),
            400,
            "award.invalid",
            "awards[0].star",
        ),
        (
            decision("1", one(0, "r")),
            400,
            "award.invalid",
            "awards[0].star",
        ),
        (
            decision(
                "1",
                json!([{"assessment_id": a, "star": 3, "reason": "r"}, {"assessment_id": a, "star": 3, "reason": "r"}]),
            ),
            400,
            "award.invalid",
            "awards[1].assessment_id",
        ),
        (
            decision(
                "1",
                json!([{"assessment_id": "nope", "star": 3, "reason": "r"}]),
            ),
            400,
            "award.invalid",
            "awards[0].assessment_id",
        ),
        (
            decision(
                "1",
                json!([{"assessment_id": b, "star": 3, "reason": "r".repeat(1001)}]),
            ),
            400,
            "award.invalid",
            "awards[0].reason",
        ),
        (
            decision(
                "1",
                json!([{"assessment_id": a, "star": 3, "reason": "r", "extra": 1}]),
            ),
            400,
            "award.invalid",
            "",
        ),
    ];
    for (body, status, code, field) in cases {
        assert_eq!(
            refused(body.clone()).await,
            (status, code.to_string(), field.to_string()),
            "{body}"
        );
    }
    // A star other than the one reached needs a reason.
    let reached = star_of(&server, sari, &a).await;
    let other = if reached == 5 { 4 } else { reached + 1 };
    assert_eq!(
        refused(decision("1", one(other, "  "))).await,
        (400, "award.invalid".into(), "awards[0].reason".into())
    );
    // Too many products, a body that is not JSON.
    let many: Vec<Value> = (0..501)
        .map(|i| json!({"assessment_id": format!("x{i}"), "star": 3}))
        .collect();
    assert_eq!(
        refused(decision("1", json!(many))).await.1,
        "award.too_large"
    );
    let response = reqwest::Client::new()
        .post(server.url("/v1/decisions"))
        .bearer_auth(sari)
        .header("content-type", "application/json")
        .body("{\"number\": ")
        .send()
        .await
        .expect("post");
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.expect("problem");
    assert_eq!(code_of(&body), "award.malformed");

    // Not approved yet: a returned one, and a newer revision still waiting.
    server
        .push_ok(
            &office.budi,
            &[assessment(&a, 2, &office.products[0], TAPIN, 7, vec![])],
        )
        .await;
    assert_eq!(
        refused(decision("1", one(3, "r"))).await,
        (
            409,
            "award.not_approved".into(),
            "awards[0].assessment_id".into()
        )
    );
    // One product that cannot stand refuses the whole decision: nothing is stored.
    assert_eq!(
        refused(decision("1", json!([{"assessment_id": b, "star": 3, "reason": "r"}, {"assessment_id": a, "star": 3, "reason": "r"}]))).await.1,
        "award.not_approved"
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM star_decision").await, 0);
    assert_eq!(server.count("SELECT COUNT(*) FROM star_award").await, 0);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM change WHERE kind = 'award'")
            .await,
        0
    );

    // Recorded once; the same number from the same authority again, or the same assessment
    // under another number, is refused.
    let (status, body) = server
        .post(
            sari,
            "/v1/decisions",
            &decision(
                "7/2026",
                json!([{"assessment_id": b, "star": 3, "reason": "r"}]),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let c = office.assessments[2].clone();
    assert_eq!(
        refused(decision(
            "7/2026",
            json!([{"assessment_id": c, "star": 3, "reason": "r"}])
        ))
        .await,
        (409, "award.exists".into(), "number".into())
    );
    assert_eq!(
        refused(decision(
            "8/2026",
            json!([{"assessment_id": b, "star": 3, "reason": "r"}])
        ))
        .await,
        (409, "award.exists".into(), "awards[0].assessment_id".into())
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM star_award").await, 1);
    server.stop().await;
}

async fn text_of(server: &Server, cookie: &str, path: &str) -> String {
    assert_eq!(
        page_goes(server, cookie, path).await,
        None,
        "{path} is shown"
    );
    browser()
        .get(server.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text")
}

async fn the_dashboard_records_a_decision_lists_exports_and_checks_certificates(backend: Backend) {
    let server = Server::start(backend).await;
    let office = setup(&server, 140).await;
    let cookie = dashboard_session(&server, "sari", "sari-rahasia-1").await;
    // The three approved assessments wait for a decision, in the supervisor's language.
    let page = text_of(&server, &cookie, "/dashboard/decisions").await;
    for id in &office.assessments {
        assert!(page.contains(&format!("data-id=\"{id}\"")), "{id} waits");
    }
    assert!(page.contains("Keputusan bintang"));
    let (a, b) = (&office.assessments[0], &office.assessments[1]);
    let (star_a, star_b) = (format!("star.{a}"), format!("star.{b}"));
    let (reason_a, reason_b) = (format!("reason.{a}"), format!("reason.{b}"));
    let today = "2026-12-01";
    // A star that differs without a reason: refused, nothing stored.
    let response = dashboard_post(
        &server,
        &cookie,
        "/dashboard/decisions",
        &[
            ("number", "188.45/200/KUM/2026"),
            ("date", today),
            ("authority", "Bupati Tapin"),
            ("pick", a),
            (&star_a, "5"),
            (&reason_a, ""),
            ("pick", b),
            (&star_b, "3"),
            (&reason_b, "Dinilai ulang"),
        ],
    )
    .await;
    let reached = star_of(&server, &office.sari, a).await;
    if reached != 5 {
        assert_eq!(response.status(), 400);
        let text = response.text().await.expect("text");
        assert!(text.contains("award.invalid"), "{text}");
        assert_eq!(server.count("SELECT COUNT(*) FROM star_award").await, 0);
    }
    let response = dashboard_post(
        &server,
        &cookie,
        "/dashboard/decisions",
        &[
            ("number", "188.45/201/KUM/2026"),
            ("date", today),
            ("authority", "Bupati Tapin"),
            ("pick", a),
            (&star_a, "5"),
            (&reason_a, "Lolos kurasi"),
            ("pick", b),
            (&star_b, "3"),
            (&reason_b, "Dinilai ulang"),
        ],
    )
    .await;
    assert_eq!(response.status(), 201);
    let done = response.text().await.expect("text");
    assert!(
        done.contains("OVOP-2026-00001") && done.contains("OVOP-2026-00002"),
        "{done}"
    );
    // Listed, not lapsing within 90 days; exported with the formula guard; checked.
    let list = text_of(&server, &cookie, "/dashboard/certificates?within=").await;
    assert!(
        list.contains("data-certificate=\"OVOP-2026-00001\""),
        "{list}"
    );
    assert!(list.contains("berlaku, sisa"), "{list}");
    let soon = text_of(&server, &cookie, "/dashboard/certificates?within=90").await;
    assert!(soon.contains("id=\"no-certificates\""));
    let bad = browser()
        .get(server.url("/dashboard/certificates?within=soon"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.expect("text").contains("award.invalid"));
    let csv = browser()
        .get(server.url("/dashboard/certificates/export?within=&region=63.05"))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("export");
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap_or("")
        .starts_with("text/csv"));
    let csv = csv.text().await.expect("csv");
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], "OVOP-2026-00001");
    assert_eq!(&rows[0][5], "5");
    assert_eq!(&rows[0][8], "valid");
    let (_, one) = server
        .get(&office.sari, "/v1/certificates/OVOP-2026-00001")
        .await;
    let code = one["award"]["certificate"]["code"]
        .as_str()
        .expect("code")
        .to_string();
    let checked = dashboard_post(
        &server,
        &cookie,
        "/dashboard/certificates/verify",
        &[("code", &code)],
    )
    .await;
    assert_eq!(checked.status(), 200);
    let checked = checked.text().await.expect("text");
    assert!(checked.contains("data-valid=\"true\""), "{checked}");
    let forged = code.replacen("|5|", "|4|", 1);
    let refused = dashboard_post(
        &server,
        &cookie,
        "/dashboard/certificates/verify",
        &[("code", &forged)],
    )
    .await;
    let refused = refused.text().await.expect("text");
    assert!(
        refused.contains("data-valid=\"false\"") && refused.contains("certificate.bad_signature"),
        "{refused}"
    );
    // Awarded ones no longer wait.
    let page = text_of(&server, &cookie, "/dashboard/decisions").await;
    assert!(!page.contains(&format!("data-id=\"{a}\"")));
    assert!(page.contains(&format!("data-id=\"{}\"", office.assessments[2])));
    server.stop().await;
}

async fn products_proposed_up_are_forwarded_once_in_batches_that_export_and_reach_the_laptops(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let office = setup(&server, 150).await;
    // Two more assessments at the top, made at the regency: both proposed to the province.
    let top: Vec<String> = (4..=5).map(|i| uuid(151, i)).collect();
    let records: Vec<_> = top
        .iter()
        .zip(&office.products)
        .map(|(id, product)| at_the_top(&assessment(id, 1, product, TAPIN, 0, vec![])))
        .collect();
    server.push_ok(&office.budi, &records).await;
    let sari = &office.sari;
    // Not approved yet: refused, nothing stored.
    let (status, body) = server
        .post(sari, "/v1/forwards", &json!({"assessment_ids": [top[0]]}))
        .await;
    assert_eq!((status, code_of(&body)), (409, "forward.not_proposed"));
    for id in &top {
        approve(&server, sari, id).await;
    }
    // One of the first three (never proposed) spoils the batch.
    let (status, body) = server
        .post(
            sari,
            "/v1/forwards",
            &json!({"assessment_ids": [top[0], office.assessments[0]]}),
        )
        .await;
    assert_eq!(
        (status, code_of(&body), body["field"].as_str()),
        (409, "forward.not_proposed", Some("assessment_ids[1]"))
    );
    for (bad, code, field) in [
        (
            json!({"assessment_ids": []}),
            "forward.invalid",
            "assessment_ids",
        ),
        (
            json!({"assessment_ids": [top[0], top[0]]}),
            "forward.invalid",
            "assessment_ids[1]",
        ),
        (
            json!({"assessment_ids": ["nope"]}),
            "forward.invalid",
            "assessment_ids[0]",
        ),
        (
            json!({"assessment_ids": [top[0]], "note": "x".repeat(1001)}),
            "forward.invalid",
            "note",
        ),
    ] {
        let (status, body) = server.post(sari, "/v1/forwards", &bad).await;
        assert_eq!(
            (
                status,
                code_of(&body),
                body["field"].as_str().unwrap_or_default()
            ),
            (400, code, field),
            "{bad}"
        );
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM forward_batch").await, 0);
    let (status, batch) = server
        .post(
            sari,
            "/v1/forwards",
            &json!({"assessment_ids": top, "note": "Surat 500/12/2026"}),
        )
        .await;
    assert_eq!(status, 201, "{batch}");
    assert_eq!(
        (batch["programme"].as_str(), batch["to_level"].as_str()),
        (Some("ovop"), Some("provinsi"))
    );
    assert_eq!(batch["items"].as_array().map(Vec::len), Some(2));
    let number = batch["id"].as_i64().expect("a batch number");
    // Forwarded once.
    let (status, body) = server
        .post(sari, "/v1/forwards", &json!({"assessment_ids": [top[1]]}))
        .await;
    assert_eq!((status, code_of(&body)), (409, "forward.exists"));
    // Listed, filtered and exported by batch.
    let (_, batches) = server.get(sari, "/v1/forwards").await;
    assert_eq!(batches[0]["note"], "Surat 500/12/2026");
    let (_, listed) = server
        .get(sari, &format!("/v1/review/assessments?forwarded={number}"))
        .await;
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    let (_, none) = server
        .get(sari, "/v1/review/assessments?forwarded=none&proposed=any")
        .await;
    assert_eq!(none.as_array().map(Vec::len), Some(0));
    let (status, body) = server
        .get(sari, "/v1/review/assessments?forwarded=soon")
        .await;
    assert_eq!((status, code_of(&body)), (400, "review.bad_filter"));
    let (status, csv) = server
        .get(
            sari,
            &format!("/v1/export/assessments?forwarded={number}&format=csv"),
        )
        .await;
    assert_eq!(status, 200);
    let csv = csv.as_str().expect("CSV text").to_string();
    assert_eq!(
        csv.trim_start_matches('\u{feff}').lines().count(),
        3,
        "{csv}"
    );
    // The laptops of the region learn it.
    let (_, changes) = server.get(&office.budi, "/v1/changes?since=0").await;
    let forwards: Vec<&Value> = changes["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["kind"] == "forward")
        .collect();
    assert_eq!(forwards.len(), 2);
    assert_eq!(forwards[0]["body"]["to_level"], "provinsi");
    // On the dashboard: the page shows the batch with its exports; nothing waits any more.
    let cookie = dashboard_session(&server, "sari", "sari-rahasia-1").await;
    let page = text_of(&server, &cookie, "/dashboard/forwards").await;
    assert!(page.contains(&format!("data-batch=\"{number}\"")), "{page}");
    assert!(page.contains(&format!(
        "/dashboard/export/assessments?forwarded={number}&amp;format=xlsx"
    )));
    assert!(page.contains("id=\"nothing-proposed\""));
    server.stop().await;
}
