//! Coaching travels like assessments, on both backends: each revision of a plan's action and
//! each follow-up visit is stored once; the office's table holds each action as its latest
//! revision says, whatever order revisions arrive in; a malformed or misplaced coaching record
//! is refused with its code and nothing of it is stored.

mod support;

use ovop_protocol::{Kind, Record};
use serde_json::{json, Value};
use support::web::*;
use support::*;

crate::both!(
    coaching_actions_and_visits_are_stored_once_and_the_latest_revision_stands,
    a_malformed_or_misplaced_coaching_record_is_refused_and_nothing_of_it_is_stored,
);

fn action(id: &str, revision: i64, product: &str, body: Value) -> Record {
    let mut whole = json!({
        "product_id": product,
        "action": {"support": "packaging", "owner": "officer", "notes": "", "progress": "not_started"}
    });
    if let (Some(into), Some(from)) = (whole.as_object_mut(), body.as_object()) {
        for (k, v) in from {
            if k == "action" {
                for (ak, av) in v.as_object().expect("action fields") {
                    into["action"][ak] = av.clone();
                }
            } else {
                into.insert(k.clone(), v.clone());
            }
        }
    }
    Record::new(Kind::CoachingAction, id, revision, whole, vec![])
}

fn visit(id: &str, product: &str, day: &str, updates: Value) -> Record {
    Record::new(
        Kind::CoachingVisit,
        id,
        1,
        json!({"product_id": product, "visited_on": day, "notes": "label checked", "updates": updates}),
        vec![],
    )
}

async fn setup(server: &Server) -> (String, String) {
    let budi = server.enrolled_user("budi", "officer", &["63.05"]).await;
    let (pr, pd) = (uuid(70, 0), uuid(70, 1));
    server
        .push_ok(&budi, &[producer(&pr, TAPIN), product(&pd, &pr)])
        .await;
    (budi, pd)
}

fn outcomes(response: &ovop_protocol::PushResponse) -> Vec<String> {
    response
        .results
        .iter()
        .map(|r| {
            serde_json::to_value(r.outcome)
                .expect("json")
                .as_str()
                .expect("word")
                .to_string()
        })
        .collect()
}

async fn row(server: &Server, id: &str) -> (i64, String, i64) {
    let id = id.to_string();
    server
        .running
        .state
        .db
        .run(move |tx| {
            let row = tx
                .query_opt(
                    "SELECT revision, progress, open FROM coaching_action WHERE id = $1",
                    &[ovop_server::db::Val::from(id)],
                )?
                .expect("the action is stored");
            Ok((row.int(0), row.text(1), row.int(2)))
        })
        .await
        .expect("row")
}

async fn coaching_actions_and_visits_are_stored_once_and_the_latest_revision_stands(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let (budi, pd) = setup(&server).await;
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM device WHERE last_seen_at IS NOT NULL")
            .await,
        1,
        "a push is the laptop seen"
    );
    let (label, halal, trip) = (uuid(71, 1), uuid(71, 2), uuid(72, 1));
    let first = [
        action(&label, 1, &pd, json!({"action": {"due": "2027-01-10"}})),
        action(
            &halal,
            1,
            &pd,
            json!({"action": {"support": "certification", "owner": "office", "owner_name": "Dinas Kesehatan", "due": "2027-02-01"}}),
        ),
    ];
    let pushed = server.push_ok(&budi, &first).await;
    assert_eq!(outcomes(&pushed), ["accepted", "accepted"]);
    // The visit and the revisions it made travel together; sent twice, nothing doubles.
    let visited = [
        visit(
            &trip,
            &pd,
            "2027-01-08",
            json!([{"action_id": label, "progress": "done", "done": "new label printed"},
                   {"action_id": halal, "progress": "dropped", "dropped_because": "the producer has no budget"}]),
        ),
        action(
            &label,
            2,
            &pd,
            json!({"visit_id": trip, "action": {"due": "2027-01-10", "progress": "done"}}),
        ),
        action(
            &halal,
            2,
            &pd,
            json!({"visit_id": trip, "action": {"support": "certification", "owner": "office", "owner_name": "Dinas Kesehatan",
                   "due": "2027-02-01", "progress": "dropped", "dropped_because": "the producer has no budget"}}),
        ),
    ];
    let pushed = server.push_ok(&budi, &visited).await;
    assert_eq!(outcomes(&pushed), ["accepted", "accepted", "accepted"]);
    let again = server.push_ok(&budi, &visited).await;
    assert_eq!(
        outcomes(&again),
        ["accepted_again", "accepted_again", "accepted_again"]
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM record WHERE kind = 'coaching_action'")
            .await,
        4
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM coaching_action").await,
        2
    );
    assert_eq!(server.count("SELECT COUNT(*) FROM coaching_visit").await, 1);
    assert_eq!(row(&server, &label).await, (2, "done".into(), 0));
    assert_eq!(row(&server, &halal).await, (2, "dropped".into(), 0));

    // Revisions out of order (a later one in an earlier push): the later one stands.
    let late = uuid(71, 3);
    let pushed = server
        .push_ok(
            &budi,
            &[
                action(
                    &late,
                    2,
                    &pd,
                    json!({"action": {"progress": "in_progress"}}),
                ),
                action(&late, 3, &pd, json!({"action": {"progress": "done"}})),
            ],
        )
        .await;
    assert_eq!(outcomes(&pushed), ["accepted", "accepted"]);
    server
        .push_ok(&budi, &[action(&late, 1, &pd, json!({}))])
        .await;
    assert_eq!(row(&server, &late).await, (3, "done".into(), 0));

    // The same id and revision with other content is a conflict, and changes nothing.
    let (status, body) = server
        .push(
            &budi,
            &[action(
                &label,
                2,
                &pd,
                json!({"action": {"progress": "in_progress"}}),
            )],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["results"][0]["problem"]["code"], "push.conflict");
    assert_eq!(row(&server, &label).await, (2, "done".into(), 0));
    server.stop().await;
}

async fn a_malformed_or_misplaced_coaching_record_is_refused_and_nothing_of_it_is_stored(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let (budi, pd) = setup(&server).await;
    let one = |record: Record| vec![record];
    let cases: Vec<(Vec<Record>, &str, &str)> = vec![
        (
            one(action(
                &uuid(73, 1),
                1,
                &pd,
                json!({"action": {"due": "2027-02-30"}}),
            )),
            "push.invalid",
            "body.action.due",
        ),
        (
            one(action(
                &uuid(73, 2),
                1,
                &pd,
                json!({"action": {"progress": "dropped"}}),
            )),
            "push.invalid",
            "body.action.dropped_because",
        ),
        (
            one(action(
                &uuid(73, 3),
                1,
                &pd,
                json!({"action": {"owner": "partner"}}),
            )),
            "push.invalid",
            "body.action.owner_name",
        ),
        (
            one(action(
                &uuid(73, 4),
                1,
                &pd,
                json!({"action": {"criterion": "A1"}}),
            )),
            "push.invalid",
            "body.assessment_id",
        ),
        (
            one(action(
                &uuid(73, 5),
                1,
                &pd,
                json!({"action": {"support": "bribery"}}),
            )),
            "push.invalid",
            "body.action.support",
        ),
        (
            one(action(&uuid(73, 6), 1, &pd, json!({"extra": 1}))),
            "push.invalid",
            "body",
        ),
        (
            one(action(&uuid(73, 7), 1, &uuid(79, 9), json!({}))),
            "push.unknown_product",
            "body.product_id",
        ),
        (
            one(action(&uuid(73, 8), 1, "not-an-id", json!({}))),
            "push.invalid",
            "body.product_id",
        ),
        (
            one(visit(&uuid(74, 1), &pd, "yesterday", json!([]))),
            "push.invalid",
            "body.visited_on",
        ),
        (
            one(visit(
                &uuid(74, 2),
                &pd,
                "2027-01-08",
                json!([{"action_id": uuid(71, 1), "progress": "done"}, {"action_id": uuid(71, 1), "progress": "done"}]),
            )),
            "push.invalid",
            "body.updates",
        ),
        (
            one(visit(
                &uuid(74, 3),
                &pd,
                "2027-01-08",
                json!([{"action_id": "../../etc", "progress": "done"}]),
            )),
            "push.invalid",
            "body.updates[0].action_id",
        ),
        (
            one(Record::new(
                Kind::CoachingVisit,
                &uuid(74, 4),
                2,
                json!({"product_id": pd, "visited_on": "2027-01-08", "updates": []}),
                vec![],
            )),
            "push.bad_revision",
            "revision",
        ),
    ];
    for (records, code, field) in cases {
        let (status, body) = server.push(&budi, &records).await;
        assert_eq!(status, 200, "{body}");
        let problem = &body["results"][0]["problem"];
        assert_eq!(problem["code"], code, "{body}");
        assert!(
            problem["field"].as_str().unwrap_or("").starts_with(field),
            "{field}: {body}"
        );
    }
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM record WHERE kind LIKE 'coaching%'")
            .await,
        0
    );
    assert_eq!(
        server.count("SELECT COUNT(*) FROM coaching_action").await,
        0
    );

    // A product in another regency: the whole push is refused.
    let rina = server.enrolled_user("rina", "officer", &["63.06"]).await;
    let (pr, other) = (uuid(75, 0), uuid(75, 1));
    server
        .push_ok(&rina, &[producer(&pr, HSS), product(&other, &pr)])
        .await;
    let (status, body) = server
        .push(&budi, &[action(&uuid(73, 9), 1, &other, json!({}))])
        .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(code(&body), "push.region_not_assigned");
    assert_eq!(
        server.count("SELECT COUNT(*) FROM coaching_action").await,
        0
    );
    server.stop().await;
}
