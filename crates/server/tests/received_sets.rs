//! A criteria set the server does not know, on both backends: an assessment made on it is
//! refused (`push.unknown_set`) until a laptop sends the set by its content hash; from then on
//! the server scores such assessments itself. The set is checked before it is kept, and it is
//! kept for scoring only: no laptop pulls it.

mod support;

use ovop_core::{Catalog, CriteriaSet, Rubric};
use ovop_protocol::{Outcome, PushResponse, Record};
use serde_json::{json, Value};
use support::web::*;
use support::*;

crate::both!(
    an_assessment_on_an_unknown_set_waits_for_the_set_and_is_then_scored_by_the_server,
    a_set_that_is_not_what_it_claims_is_refused_and_nothing_is_kept,
    a_received_set_is_not_published_to_the_laptops,
);

/// The OVOP template under a version of a district's own: a set neither shipped nor published.
fn local_set() -> CriteriaSet {
    let mut set = Catalog::shipped()
        .get("ovop-id-template", None)
        .expect("the OVOP template")
        .rubric
        .set()
        .clone();
    set.version = "2026-desa-lokal".into();
    set
}

async fn put_set(server: &Server, token: Option<&str>, hash: &str, body: Vec<u8>) -> (u16, Value) {
    let mut request = server
        .http
        .put(server.url(&format!("/v1/criteria-sets/{hash}")))
        .header("content-type", "application/json")
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("put");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn only(pushed: &PushResponse) -> (Outcome, String, String) {
    let r = &pushed.results[0];
    let problem = r.problem.clone();
    (
        r.outcome,
        problem.as_ref().map(|p| p.code.clone()).unwrap_or_default(),
        problem.and_then(|p| p.field).unwrap_or_default(),
    )
}

/// An officer of Tapin with a producer and a product on the server: (token, product id).
async fn officer(server: &Server, salt: u32) -> (String, String) {
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let (pr, pd) = (uuid(salt, 1), uuid(salt, 2));
    server
        .push_ok(&budi, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    (budi, pd)
}

async fn stored_assessments(server: &Server) -> (i64, i64) {
    (
        server
            .count("SELECT COUNT(*) FROM record WHERE kind = 'assessment'")
            .await,
        server.count("SELECT COUNT(*) FROM assessment").await,
    )
}

async fn an_assessment_on_an_unknown_set_waits_for_the_set_and_is_then_scored_by_the_server(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let (budi, pd) = officer(&server, 80).await;
    let local = Rubric::new(local_set()).expect("a valid set");
    let hash = local.hash().to_string();
    let record = assessment_on(&local, &uuid(80, 3), 1, &pd, TAPIN, 2, vec![]);

    // Refused, naming the set's hash; nothing is stored.
    let pushed = server.push_ok(&budi, std::slice::from_ref(&record)).await;
    assert_eq!(
        only(&pushed),
        (
            Outcome::Rejected,
            "push.unknown_set".into(),
            "body.result.set.hash".into()
        )
    );
    let message = &pushed.results[0]
        .problem
        .as_ref()
        .expect("a problem")
        .message;
    assert!(message.contains(&hash), "{message}");
    assert_eq!(stored_assessments(&server).await, (0, 0));

    // The laptop sends the set once; again changes nothing.
    let body = serde_json::to_vec(local.set()).expect("json");
    let (status, answer) = put_set(&server, Some(&budi), &hash, body.clone()).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        answer,
        json!({"hash": hash, "id": "ovop-id-template", "version": "2026-desa-lokal"})
    );
    let (status, again) = put_set(&server, Some(&budi), &hash, body).await;
    assert_eq!((status, again), (200, answer));
    assert_eq!(server.count("SELECT COUNT(*) FROM received_set").await, 1);
    let sender = server
        .running
        .state
        .db
        .run(|tx| {
            Ok(tx
                .query_opt(
                    "SELECT u.name FROM received_set r JOIN app_user u ON u.id = r.received_from",
                    &[],
                )?
                .map(|r| r.text(0)))
        })
        .await
        .expect("sender");
    assert_eq!(sender.as_deref(), Some("budi"));

    // Now the server scores on it: a better star than the answers give is refused...
    let forged = tampered(
        &assessment_on(&local, &uuid(80, 4), 1, &pd, TAPIN, 3, vec![]),
        |b| {
            b["result"]["star"] = json!(5);
            b["result"]["star_by_score"] = json!(5);
        },
    );
    let pushed = server.push_ok(&budi, &[forged]).await;
    assert_eq!(
        only(&pushed).1,
        "push.result_mismatch",
        "{:?}",
        pushed.results
    );
    assert_eq!(stored_assessments(&server).await, (0, 0));

    // ... and the honest record is stored with the server's own numbers.
    let pushed = server.push_ok(&budi, std::slice::from_ref(&record)).await;
    assert_eq!(only(&pushed).0, Outcome::Accepted, "{:?}", pushed.results);
    assert_eq!(stored_assessments(&server).await, (1, 1));
    let answers: ovop_core::Answers =
        serde_json::from_value(record.body["answers"].clone()).expect("answers");
    let own = local.score(&answers).expect("the answers score");
    let id = record.id.clone();
    let row = server
        .running
        .state
        .db
        .run(move |tx| {
            Ok(tx
                .query_opt(
                    "SELECT total, star, criteria_set, criteria_version FROM assessment WHERE id = $1",
                    &[ovop_server::db::Val::from(id.as_str())],
                )?
                .map(|r| (r.int(0), r.opt_int(1), r.text(2), r.text(3))))
        })
        .await
        .expect("row")
        .expect("the assessment's row");
    assert_eq!(
        row,
        (
            i64::from(own.total),
            own.star.map(i64::from),
            "ovop-id-template".to_string(),
            "2026-desa-lokal".to_string()
        )
    );
    // Pushed again: accepted again, nothing new.
    let pushed = server.push_ok(&budi, std::slice::from_ref(&record)).await;
    assert_eq!(only(&pushed).0, Outcome::AcceptedAgain);

    // The supervisor reads its criteria in words, from the set it was received with.
    let sari = server.enrolled_user("sari", "supervisor", &["63.05"]).await;
    let (status, detail) = server
        .get(&sari, &format!("/v1/review/assessments/{}", record.id))
        .await;
    assert_eq!(status, 200, "{detail}");
    let criteria = detail["criteria"].as_array().expect("criteria");
    assert_eq!(criteria.len(), local.set().criteria().count());
    let first = local.set().criteria().next().expect("a criterion");
    assert_eq!(criteria[0]["criterion"], json!(first.code));
    assert_eq!(criteria[0]["text"], json!(first.text));
    assert!(
        criteria.iter().all(|c| c["text"].is_object()),
        "every criterion has its words: {detail}"
    );
    server.stop().await;
}

/// A request the server refuses: what it is, and the status and code it gets.
struct Refusal<'a> {
    what: &'a str,
    token: Option<&'a str>,
    path: String,
    body: Vec<u8>,
    status: u16,
    code: &'a str,
}

async fn a_set_that_is_not_what_it_claims_is_refused_and_nothing_is_kept(backend: Backend) {
    let server = Server::start(backend).await;
    let (budi, _) = officer(&server, 81).await;
    let set = local_set();
    let hash = ovop_core::content_hash(&set);
    let body = serde_json::to_vec(&set).expect("json");
    let mut invalid = set.clone();
    invalid.version = String::new();
    let invalid_hash = ovop_core::content_hash(&invalid);
    let limit = ovop_server::received::SET_LIMIT;
    let mut too_large = body.clone();
    too_large.resize(limit + 1, b' ');
    let other_hash = format!("sha256:{}", "ab".repeat(32));

    let bad = |what, token, path: &str, body: &[u8], status, code| Refusal {
        what,
        token,
        path: path.to_string(),
        body: body.to_vec(),
        status,
        code,
    };
    let me = Some(budi.as_str());
    let cases = [
        bad("no token", None, &hash, &body, 401, "auth.missing"),
        bad(
            "a token nobody has",
            Some("ovt_not-a-token"),
            &hash,
            &body,
            401,
            "auth.invalid_token",
        ),
        bad(
            "a path that is not a hash",
            me,
            "ovop-id-template",
            &body,
            400,
            "set.bad_hash",
        ),
        bad(
            "upper-case hex",
            me,
            &hash.to_uppercase(),
            &body,
            400,
            "set.bad_hash",
        ),
        bad(
            "not JSON",
            me,
            &hash,
            b"{\"id\": \"ovop-id-template\", ",
            400,
            "set.malformed",
        ),
        bad(
            "not UTF-8",
            me,
            &hash,
            &[0xff, 0xfe, b'{', b'}'],
            400,
            "set.malformed",
        ),
        bad(
            "JSON that is not a criteria set",
            me,
            &hash,
            br#"{"id": "ovop-id-template", "levels": 5}"#,
            422,
            "set.invalid",
        ),
        bad(
            "a set under another set's hash",
            me,
            &other_hash,
            &body,
            422,
            "set.hash_mismatch",
        ),
        bad(
            "a set with errors, under its own hash",
            me,
            &invalid_hash,
            &serde_json::to_vec(&invalid).expect("json"),
            422,
            "set.invalid",
        ),
        bad(
            "more than the limit",
            me,
            &hash,
            &too_large,
            413,
            "set.too_large",
        ),
    ];
    for case in cases {
        let (got, problem) = put_set(&server, case.token, &case.path, case.body).await;
        assert_eq!(
            (got, code(&problem)),
            (case.status, case.code),
            "{}: {problem}",
            case.what
        );
    }
    // The findings are named.
    let mut invalid_again = set.clone();
    invalid_again.version = String::new();
    let (_, problem) = put_set(
        &server,
        me,
        &ovop_core::content_hash(&invalid_again),
        serde_json::to_vec(&invalid_again).expect("json"),
    )
    .await;
    assert!(
        problem["message"]
            .as_str()
            .is_some_and(|m| m.contains("bad_version")),
        "{problem}"
    );
    // A form is not a set.
    let response = server
        .http
        .put(server.url(&format!("/v1/criteria-sets/{hash}")))
        .bearer_auth(&budi)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("id=ovop-id-template")
        .send()
        .await
        .expect("put");
    assert_eq!(response.status(), 415);
    assert_eq!(server.count("SELECT COUNT(*) FROM received_set").await, 0);
    // A set the server publishes (a shipped one) is known already: nothing to keep.
    let shipped = Catalog::shipped()
        .get("ovop-id-template", None)
        .expect("the OVOP template")
        .rubric
        .clone();
    let (status, answer) = put_set(
        &server,
        me,
        shipped.hash(),
        serde_json::to_vec(shipped.set()).expect("json"),
    )
    .await;
    assert_eq!((status, &answer["hash"]), (200, &json!(shipped.hash())));
    assert_eq!(server.count("SELECT COUNT(*) FROM received_set").await, 0);
    // The set itself is still taken.
    let (status, _) = put_set(&server, me, &hash, body).await;
    assert_eq!(status, 201);
    server.healthy().await;
    server.stop().await;
}

async fn a_received_set_is_not_published_to_the_laptops(backend: Backend) {
    let server = Server::start(backend).await;
    let (budi, pd) = officer(&server, 82).await;
    let tono = server.enrolled_user("tono", "officer", &["63.05"]).await;
    let admin = server.enrolled_user("admin", "admin", &[]).await;
    let published_before = server.count("SELECT COUNT(*) FROM criteria_set").await;
    let sets_in = |page: &Value| -> Vec<String> {
        page["changes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["kind"] == "criteria_set")
            .map(|c| c["id"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    let (_, before) = server.get(&tono, "/v1/changes?since=0&limit=1000").await;
    let shipped = sets_in(&before);
    assert!(!shipped.is_empty(), "the shipped sets are on the feed");

    let local = Rubric::new(local_set()).expect("a valid set");
    let (status, _) = put_set(
        &server,
        Some(&budi),
        local.hash(),
        serde_json::to_vec(local.set()).expect("json"),
    )
    .await;
    assert_eq!(status, 201);
    let record: Record = assessment_on(&local, &uuid(82, 3), 1, &pd, TAPIN, 1, vec![]);
    let pushed = server.push_ok(&budi, &[record]).await;
    assert_eq!(only(&pushed).0, Outcome::Accepted, "{:?}", pushed.results);

    // Nobody pulls it as a set: not the officer who sent it, not a colleague, not an admin.
    // It travels only frozen inside the assessment scored on it, to those who may read that
    // sheet (a colleague of the region, the admin), never to start new sheets with.
    for (token, sees_the_assessment) in [(&budi, false), (&tono, true), (&admin, true)] {
        let (status, page) = server.get(token, "/v1/changes?since=0&limit=1000").await;
        assert_eq!(status, 200);
        assert_eq!(sets_in(&page), shipped);
        let changes = page["changes"].as_array().cloned().unwrap_or_default();
        for change in &changes {
            if change["kind"] != "assessment" {
                assert!(
                    !change.to_string().contains("2026-desa-lokal"),
                    "the received set is on the feed: {change}"
                );
            }
        }
        let frozen: Vec<&Value> = changes
            .iter()
            .filter(|c| c["kind"] == "assessment")
            .map(|c| &c["body"]["set"])
            .collect();
        if sees_the_assessment {
            assert_eq!(frozen.len(), 1);
            assert_eq!(frozen[0]["version"], "2026-desa-lokal");
        } else {
            assert!(
                frozen.is_empty(),
                "the laptop that sent it does not get it back"
            );
        }
    }
    // It is not a published set.
    assert_eq!(
        server.count("SELECT COUNT(*) FROM criteria_set").await,
        published_before
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM criteria_set WHERE version = '2026-desa-lokal'")
            .await,
        0
    );
    // The office may publish a set of the same content later: laptops then pull it.
    let response = server
        .http
        .post(server.url("/v1/admin/criteria-sets"))
        .bearer_auth(&admin)
        .json(local.set())
        .send()
        .await
        .expect("publish");
    assert_eq!(response.status(), 201);
    let (_, page) = server.get(&tono, "/v1/changes?since=0&limit=1000").await;
    assert!(sets_in(&page).contains(&"ovop-id-template@2026-desa-lokal".to_string()));
    server.stop().await;
}
