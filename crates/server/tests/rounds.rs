//! Rounds, levels and kinds on both backends: an assessment names the round it belongs to
//! (`2026-1`), the programme level it is made at and its kind; the server refuses a round or a
//! level its programme does not have, lists and filters on them (assessments made before they
//! existed are `unknown`, never guessed), exports them and shows them on the dashboard.

mod support;

use serde_json::{json, Value};
use support::web::*;
use support::*;

crate::both!(
    assessments_are_listed_filtered_and_exported_by_round_level_and_kind,
    a_round_or_level_the_programme_does_not_have_is_refused_and_nothing_is_stored,
    a_council_counts_with_its_quorum_and_a_product_at_the_threshold_is_proposed_up,
    the_office_sets_its_current_round_and_every_health_answer_announces_it,
);

fn named(
    record: &ovop_protocol::Record,
    round: &str,
    level: &str,
    kind: &str,
) -> ovop_protocol::Record {
    tampered(record, |b| {
        b["visit"]["round"] = json!(round);
        b["visit"]["level"] = json!(level);
        b["visit"]["kind"] = json!(kind);
    })
}

async fn setup(server: &Server) -> (String, String, String) {
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let sari = server.enrolled_user("sari", "supervisor", &["63.05"]).await;
    let (pr, pd) = (uuid(90, 0), uuid(90, 1));
    server
        .push_ok(&budi, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    (budi, sari, pd)
}

/// A dashboard page as the signed-in browser gets it (it must be shown, not refused).
async fn page(server: &Server, cookie: &str, path: String) -> String {
    let response = browser()
        .get(server.url(&path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("html")
}

/// An export's CSV text (its BOM, if the text kept it, dropped): the header and the records.
fn exported(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let records = reader.records().map(|r| r.expect("row")).collect();
    (header, records)
}

fn ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|a| a["id"].as_str().unwrap_or_default().to_string())
        .collect();
    ids.sort();
    ids
}

async fn assessments_are_listed_filtered_and_exported_by_round_level_and_kind(backend: Backend) {
    let server = Server::start(backend).await;
    let (budi, sari, pd) = setup(&server).await;
    // On the OVOP template: a new one at the province in round I, a re-assessment at the
    // regency in round II, and one made before rounds were recorded.
    let first = named(
        &assessment(&uuid(91, 1), 1, &pd, TAPIN, 1, vec![]),
        "2026-1",
        "provinsi",
        "new",
    );
    let second = named(
        &assessment(&uuid(91, 2), 1, &pd, TAPIN, 2, vec![]),
        "2026-2",
        "kabupaten",
        "reassessment",
    );
    let before = assessment(&uuid(91, 3), 1, &pd, TAPIN, 3, vec![]);
    assert!(before.body["visit"].get("round").is_none());
    let pushed = server.push_ok(&budi, &[first, second, before]).await;
    assert!(
        pushed
            .results
            .iter()
            .all(|r| r.outcome == ovop_protocol::Outcome::Accepted),
        "{:?}",
        pushed.results
    );

    let list = |query: &'static str| {
        let (server, sari) = (&server, &sari);
        async move {
            let (status, body) = server
                .get(sari, &format!("/v1/review/assessments?{query}"))
                .await;
            assert_eq!(status, 200, "{query}: {body}");
            ids(&body)
        }
    };
    assert_eq!(list("round=2026-1").await, [uuid(91, 1)]);
    assert_eq!(list("round=2026-2&kind=reassessment").await, [uuid(91, 2)]);
    assert_eq!(list("level=kabupaten").await, [uuid(91, 2)]);
    assert_eq!(list("round=unknown").await, [uuid(91, 3)]);
    assert_eq!(list("kind=unknown&level=unknown").await, [uuid(91, 3)]);
    assert_eq!(list("round=2027-1").await, Vec::<String>::new());
    assert_eq!(list("round=").await.len(), 3, "an empty value is no filter");
    let (_, all) = server.get(&sari, "/v1/review/assessments").await;
    let first = all
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["id"] == json!(uuid(91, 1)))
        .expect("the first")
        .clone();
    assert_eq!(
        (&first["round"], &first["level"], &first["kind"]),
        (&json!("2026-1"), &json!("provinsi"), &json!("new"))
    );
    for (query, field) in [
        ("round=2026%20%C2%B7%20I", "round"),
        ("round=2026-13", "round"),
        ("kind=renewal", "kind"),
    ] {
        let (status, body) = server
            .get(&sari, &format!("/v1/review/assessments?{query}"))
            .await;
        assert_eq!((status, code(&body)), (400, "review.bad_filter"), "{query}");
        assert_eq!(body["field"], json!(field), "{query}");
    }

    // The export has them, empty where the assessment names none; a filter narrows it.
    let (status, csv) = server.get(&sari, "/v1/export/assessments?format=csv").await;
    assert_eq!(status, 200);
    let (header, records) = exported(csv.as_str().expect("CSV"));
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let mut rows: Vec<(String, String, String, String)> = records
        .iter()
        .map(|r| {
            (
                r[0].to_string(),
                r[at("round")].to_string(),
                r[at("level")].to_string(),
                r[at("kind")].to_string(),
            )
        })
        .collect();
    rows.sort();
    assert_eq!(
        rows,
        [
            (
                uuid(91, 1),
                "2026-1".into(),
                "provinsi".into(),
                "new".into()
            ),
            (
                uuid(91, 2),
                "2026-2".into(),
                "kabupaten".into(),
                "reassessment".into()
            ),
            (uuid(91, 3), String::new(), String::new(), String::new()),
        ]
    );
    let (_, csv) = server
        .get(&sari, "/v1/export/assessments?format=csv&round=2026-2")
        .await;
    assert_eq!(
        csv.as_str().expect("CSV").lines().count(),
        2,
        "the header and one row"
    );

    // The dashboard: the filter offers the rounds, the page says them in words.
    let cookie = dashboard_session(&server, "sari", "sari-rahasia-1").await;
    let page = |path: String| page(&server, &cookie, path);
    let home = page("/dashboard?round=2026-1&lang=id".into()).await;
    assert!(
        home.contains("<option value=\"2026-2\">2026 · II</option>"),
        "the rounds offered"
    );
    assert!(
        home.contains("<option value=\"2026-1\" selected>2026 · I</option>"),
        "the round chosen"
    );
    assert!(home.contains(&format!("/dashboard/assessments/{}", uuid(91, 1))));
    assert!(!home.contains(&format!("/dashboard/assessments/{}", uuid(91, 2))));
    // A supervisor of another regency is offered none of these rounds.
    server
        .user("dewi", "supervisor", &["63.06"], Some("dewi-rahasia-1"))
        .await;
    let elsewhere = dashboard_session(&server, "dewi", "dewi-rahasia-1").await;
    let other = browser()
        .get(server.url("/dashboard?lang=id"))
        .header("cookie", elsewhere)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(other.contains("name=\"round\""), "the filter is there");
    assert!(
        !other.contains("2026 · I<"),
        "no round of Tapin's offered in another regency"
    );
    let detail = page(format!("/dashboard/assessments/{}?lang=id", uuid(91, 2))).await;
    assert!(
        detail.contains("2026 · II · Kabupaten/Kota · Penilaian ulang"),
        "the round, level and kind in words"
    );
    let detail = page(format!("/dashboard/assessments/{}?lang=en", uuid(91, 3))).await;
    assert!(
        detail.contains("Unknown · Unknown · Unknown"),
        "one made before rounds is unknown, not guessed"
    );
    server.stop().await;
}

async fn a_round_or_level_the_programme_does_not_have_is_refused_and_nothing_is_stored(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let (budi, _, pd) = setup(&server).await;
    let ocop = ovop_core::Catalog::shipped();
    let tea = &ocop.get("ocop-1048-01", None).expect("an OCOP set").rubric;
    let cases = [
        (
            named(
                &assessment(&uuid(92, 1), 1, &pd, TAPIN, 1, vec![]),
                "2026 · I",
                "provinsi",
                "new",
            ),
            "body.visit.round",
        ),
        (
            named(
                &assessment(&uuid(92, 2), 1, &pd, TAPIN, 1, vec![]),
                "2026-13",
                "provinsi",
                "new",
            ),
            "body.visit.round",
        ),
        (
            // OCOP's level on an OVOP sheet.
            named(
                &assessment(&uuid(92, 3), 1, &pd, TAPIN, 1, vec![]),
                "2026-1",
                "province",
                "new",
            ),
            "body.visit.level",
        ),
        (
            // OCOP's district level ended in June 2025; this visit is of November 2026.
            named(
                &assessment_on(tea, &uuid(92, 4), 1, &pd, TAPIN, 1, vec![]),
                "2026-2",
                "district",
                "new",
            ),
            "body.visit.level",
        ),
        (
            named(
                &assessment(&uuid(92, 5), 1, &pd, TAPIN, 1, vec![]),
                "2026-1",
                "provinsi",
                "renewal",
            ),
            "",
        ),
    ];
    for (record, field) in cases {
        let pushed = server.push_ok(&budi, std::slice::from_ref(&record)).await;
        let result = &pushed.results[0];
        assert_eq!(
            result.outcome,
            ovop_protocol::Outcome::Rejected,
            "{}",
            record.id
        );
        let problem = result.problem.as_ref().expect("a problem");
        assert_eq!(
            problem.code, "push.invalid",
            "{}: {}",
            record.id, problem.message
        );
        if !field.is_empty() {
            assert_eq!(problem.field.as_deref(), Some(field), "{}", problem.message);
        }
    }
    assert_eq!(server.count("SELECT COUNT(*) FROM assessment").await, 0);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM record WHERE kind = 'assessment'")
            .await,
        0
    );
    server.stop().await;
}

/// A council of `members` after the lead (Budi Santoso) on the same answers, at `level` in
/// round 2026-1, with `roster`; `top`: every criterion at its top level.
fn council(
    record: &ovop_protocol::Record,
    level: &str,
    top: bool,
    members: &[&str],
    roster: Option<ovop_protocol::Roster>,
) -> ovop_protocol::Record {
    let mut body: ovop_protocol::AssessmentBody =
        serde_json::from_value(record.body.clone()).expect("a body");
    let catalog = ovop_core::Catalog::shipped();
    let rubric = &catalog
        .get("ovop-id-template", None)
        .expect("the template")
        .rubric;
    let mut answers = body.answers.clone().expect("answers");
    if top {
        for criterion in rubric.set().criteria() {
            if !criterion.levels.is_empty() {
                answers.answers.insert(
                    criterion.code.clone(),
                    ovop_core::Answer::Level(criterion.levels.len() as u32),
                );
            }
        }
    }
    body.result = rubric.score(&answers).expect("scores");
    let lead = body.visit.lead_sheet(&answers);
    let others: Vec<ovop_core::Answers> = members
        .iter()
        .map(|name| {
            let mut sheet = answers.clone();
            sheet.assessor = Some((*name).into());
            sheet
        })
        .collect();
    if !others.is_empty() {
        let sheets: Vec<_> = std::iter::once(lead)
            .chain(others.iter().cloned())
            .collect();
        body.council_result = Some(rubric.score_council(&sheets).expect("a council"));
        body.council = Some(others);
    }
    body.answers = Some(answers);
    body.visit.level = Some(level.into());
    body.visit.round = Some("2026-1".into());
    body.visit.roster = roster;
    ovop_protocol::Record::new(
        record.kind,
        &record.id,
        record.revision,
        body.to_value().expect("body"),
        vec![],
    )
}

fn roster(chair: &str, absent: &[&str]) -> Option<ovop_protocol::Roster> {
    Some(ovop_protocol::Roster {
        chair: chair.into(),
        absent: absent
            .iter()
            .map(|n| ovop_protocol::Assessor {
                name: (*n).into(),
                ..ovop_protocol::Assessor::default()
            })
            .collect(),
    })
}

async fn a_council_counts_with_its_quorum_and_a_product_at_the_threshold_is_proposed_up(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let (budi, sari, pd) = setup(&server).await;
    let base = |n: u32| assessment(&uuid(93, n), 1, &pd, TAPIN, n, vec![]);
    let members = ["Sari Dewi", "Dewi Lestari"];
    // Three of four with the chair, every criterion at the top: five stars at the regency.
    let met = council(
        &base(1),
        "kabupaten",
        true,
        &members,
        roster("Budi Santoso", &["Agus"]),
    );
    // A council from a laptop that did not record rosters: kept, its quorum unrecorded.
    let unrecorded = council(&base(2), "kabupaten", false, &members, None);
    let pushed = server.push_ok(&budi, &[met, unrecorded]).await;
    assert!(
        pushed
            .results
            .iter()
            .all(|r| r.outcome == ovop_protocol::Outcome::Accepted),
        "{:?}",
        pushed.results
    );

    // Refused, and nothing stored: three of five; the chair absent; a chair who is not a
    // member; a roster without a council.
    for (n, record, why) in [
        (
            3,
            council(
                &base(3),
                "kabupaten",
                true,
                &members,
                roster("Budi Santoso", &["Agus", "Rina"]),
            ),
            "3 of 5 members present, 4 needed",
        ),
        (
            4,
            council(
                &base(4),
                "kabupaten",
                true,
                &members,
                roster("Agus", &["Agus"]),
            ),
            "the chair must be present",
        ),
        (
            5,
            council(&base(5), "kabupaten", true, &members, roster("Joko", &[])),
            "not one of the council's members",
        ),
        (
            6,
            council(
                &base(6),
                "kabupaten",
                true,
                &[],
                roster("Budi Santoso", &[]),
            ),
            "a roster comes with a council's sheets",
        ),
    ] {
        let (status, body) = server.push(&budi, &[record]).await;
        let result = &body["results"][0];
        assert_eq!(status, 200, "{body}");
        assert_eq!(result["outcome"], json!("rejected"), "#{n}: {body}");
        assert_eq!(
            result["problem"]["code"],
            json!("push.invalid"),
            "#{n}: {body}"
        );
        assert_eq!(
            result["problem"]["field"],
            json!("body.visit.roster"),
            "#{n}: {body}"
        );
        let message = result["problem"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "#{n}: {message}");
    }
    assert_eq!(
        server.count("SELECT COUNT(*) FROM assessment").await,
        2,
        "only the two accepted"
    );

    let (_, all) = server.get(&sari, "/v1/review/assessments").await;
    let find = |n: u32| {
        all.as_array()
            .expect("list")
            .iter()
            .find(|a| a["id"] == json!(uuid(93, n)))
            .expect("listed")
            .clone()
    };
    let (top, other) = (find(1), find(2));
    assert_eq!(top["star"], json!(5));
    assert_eq!(
        (&top["quorum"], &top["proposed_level"]),
        (&json!("met"), &json!("provinsi"))
    );
    assert_eq!(other["quorum"], json!("unrecorded"));
    let other_star = other["star"].as_u64().unwrap_or(0);
    assert_eq!(
        other["proposed_level"],
        if other_star >= 4 {
            json!("provinsi")
        } else {
            Value::Null
        },
        "proposed from four stars: {other}"
    );
    // Filtered on: proposed to the province, to any level, to none.
    let list = |query: &'static str| {
        let (server, sari) = (&server, &sari);
        async move {
            let (status, body) = server
                .get(sari, &format!("/v1/review/assessments?{query}"))
                .await;
            assert_eq!(status, 200, "{query}: {body}");
            ids(&body)
        }
    };
    let proposed: Vec<String> = [(1, 5), (2, other_star)]
        .iter()
        .filter(|(_, star)| *star >= 4)
        .map(|(n, _)| uuid(93, *n))
        .collect();
    assert_eq!(list("proposed=provinsi").await, proposed);
    assert_eq!(list("proposed=any").await, proposed);
    assert_eq!(list("proposed=pusat").await, Vec::<String>::new());
    assert_eq!(
        list("proposed=none").await.len() + proposed.len(),
        2,
        "every other one is proposed nowhere"
    );
    // The export has both columns.
    let (_, csv) = server
        .get(&sari, "/v1/export/assessments?format=csv&proposed=provinsi")
        .await;
    let (header, records) = exported(csv.as_str().expect("CSV"));
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows = records;
    assert_eq!(rows.len(), proposed.len());
    assert_eq!(
        (&rows[0][at("proposed_level")], &rows[0][at("quorum")]),
        ("provinsi", "met")
    );

    // The dashboard: the list marks the proposed product and filters on it; the page says the
    // quorum and the level, and a council without a roster is "not recorded", never "reached".
    let cookie = dashboard_session(&server, "sari", "sari-rahasia-1").await;
    let page = |path: String| page(&server, &cookie, path);
    let home = page("/dashboard?proposed=provinsi&lang=en".into()).await;
    assert!(home.contains(&format!("/dashboard/assessments/{}", uuid(93, 1))));
    assert!(home.contains("→ Province level"), "the proposed badge");
    assert!(
        home.contains("<option value=\"provinsi\" selected>"),
        "the filter chosen"
    );
    let detail = page(format!("/dashboard/assessments/{}?lang=en", uuid(93, 1))).await;
    assert!(detail.contains("id=\"quorum\""), "{detail}");
    assert!(detail.contains("reached (checked when received)"));
    assert!(detail.contains("id=\"proposed\""));
    let detail = page(format!("/dashboard/assessments/{}?lang=id", uuid(93, 2))).await;
    assert!(detail.contains("tidak dicatat (laptop versi lama): belum diperiksa"));
    server.stop().await;
}

async fn the_office_sets_its_current_round_and_every_health_answer_announces_it(backend: Backend) {
    let server = Server::start(backend).await;
    let (budi, sari, _) = setup(&server).await;
    let http = reqwest::Client::new();
    let send = |method: reqwest::Method, token: &str, path: &str, body: Option<&str>| {
        let mut request = http
            .request(method, server.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json");
        if let Some(body) = body {
            request = request.body(body.to_string());
        }
        async move {
            let response = request.send().await.expect("answer");
            let status = response.status().as_u16();
            let text = response.text().await.expect("text");
            (
                status,
                serde_json::from_str(&text).unwrap_or(Value::String(text)),
            )
        }
    };
    let health = || async {
        let body = reqwest::get(server.url("/v1/health"))
            .await
            .expect("health")
            .text()
            .await
            .expect("text");
        ovop_protocol::recognise_health(body.as_bytes()).expect("the server")
    };
    assert!(health().await.rounds.is_empty(), "none set yet");

    let (status, set) = send(
        reqwest::Method::PUT,
        &sari,
        "/v1/admin/rounds/ovop",
        Some(r#"{"round": "2026-2", "level": "kabupaten"}"#),
    )
    .await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(
        (&set["round"], &set["level"]),
        (&json!("2026-2"), &json!("kabupaten"))
    );
    let announced = health().await.rounds;
    assert_eq!(announced.len(), 1);
    assert_eq!(
        (
            announced[0].programme,
            announced[0].round.as_str(),
            announced[0].level.as_deref()
        ),
        (
            ovop_core::criteria::Programme::Ovop,
            "2026-2",
            Some("kabupaten")
        )
    );
    // Set again: replaced, not added.
    let (status, _) = send(
        reqwest::Method::PUT,
        &sari,
        "/v1/admin/rounds/ovop",
        Some(r#"{"round": "2027-1"}"#),
    )
    .await;
    assert_eq!(status, 200);
    let announced = health().await.rounds;
    assert_eq!(
        announced
            .iter()
            .map(|r| (r.round.as_str(), r.level.clone()))
            .collect::<Vec<_>>(),
        [("2027-1", None)]
    );

    // Refused, each with its code and field; nothing changes.
    for (token, path, body, status, code_, field) in [
        (
            &budi,
            "/v1/admin/rounds/ovop",
            r#"{"round": "2026-1"}"#,
            403,
            "auth.role",
            None,
        ),
        (
            &sari,
            "/v1/admin/rounds/ovop",
            r#"{"round": "2026 · I"}"#,
            400,
            "round.invalid",
            Some("round"),
        ),
        (
            &sari,
            "/v1/admin/rounds/ovop",
            r#"{"round": "2026-13"}"#,
            400,
            "round.invalid",
            Some("round"),
        ),
        (
            &sari,
            "/v1/admin/rounds/ocop",
            r#"{"round": "2026-1", "level": "district"}"#,
            400,
            "round.invalid",
            Some("level"),
        ),
        (
            &sari,
            "/v1/admin/rounds/ovop",
            r#"{"round": "2026-1", "level": "province"}"#,
            400,
            "round.invalid",
            Some("level"),
        ),
        (
            &sari,
            "/v1/admin/rounds/mars",
            r#"{"round": "2026-1"}"#,
            400,
            "round.invalid",
            Some("programme"),
        ),
        (
            &sari,
            "/v1/admin/rounds/other",
            r#"{"round": "2026-1"}"#,
            400,
            "round.invalid",
            Some("programme"),
        ),
        (
            &sari,
            "/v1/admin/rounds/ovop",
            r#"{"round": "2026-1""#,
            400,
            "round.malformed",
            None,
        ),
        (
            &sari,
            "/v1/admin/rounds/ovop",
            r#"{"round": "2026-1", "extra": 1}"#,
            400,
            "round.invalid",
            None,
        ),
        (
            &sari,
            "/v1/admin/rounds/ovop",
            r#"{"round": 2026}"#,
            400,
            "round.invalid",
            None,
        ),
    ] {
        let (got, body_) = send(reqwest::Method::PUT, token, path, Some(body)).await;
        assert_eq!(
            (got, code(&body_)),
            (status, code_),
            "{path} {body}: {body_}"
        );
        if let Some(field) = field {
            assert_eq!(body_["field"], json!(field), "{body}");
        }
    }
    assert_eq!(health().await.rounds[0].round, "2027-1", "unchanged");

    // On the dashboard: the round is shown, set from the form, and cleared; a wrong one is
    // refused in words and changes nothing.
    let cookie = dashboard_session(&server, "sari", "sari-rahasia-1").await;
    let home = page(&server, &cookie, "/dashboard?lang=en".into()).await;
    assert!(home.contains("id=\"office-rounds\""));
    assert!(home.contains("2027 · I"), "the round set by the API");
    let posted = dashboard_post(
        &server,
        &cookie,
        "/dashboard/rounds",
        &[
            ("programme", "ocop"),
            ("round", "2026-2"),
            ("level", "province"),
            ("action", "set"),
        ],
    )
    .await;
    assert!(posted.status().is_redirection(), "{}", posted.status());
    let ocop: Vec<_> = health()
        .await
        .rounds
        .into_iter()
        .filter(|r| r.programme == ovop_core::criteria::Programme::Ocop)
        .collect();
    assert_eq!(
        (ocop[0].round.as_str(), ocop[0].level.as_deref()),
        ("2026-2", Some("province"))
    );
    let refused = dashboard_post(
        &server,
        &cookie,
        "/dashboard/rounds",
        &[
            ("programme", "ocop"),
            ("round", "2026/II"),
            ("level", ""),
            ("action", "set"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let cleared = dashboard_post(
        &server,
        &cookie,
        "/dashboard/rounds",
        &[("programme", "ocop"), ("action", "clear")],
    )
    .await;
    assert!(cleared.status().is_redirection());
    assert_eq!(health().await.rounds.len(), 1, "only OVOP's is left");

    // Cleared: laptops go back to the round of the day.
    let (status, _) = send(
        reqwest::Method::DELETE,
        &budi,
        "/v1/admin/rounds/ovop",
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = send(
        reqwest::Method::DELETE,
        &sari,
        "/v1/admin/rounds/ovop",
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert!(health().await.rounds.is_empty());
    server.stop().await;
}
