//! Coaching on a real store: a plan made from a final assessment's steps, actions edited as
//! revisions, follow-up visits that move each action's progress in one write (or nothing when
//! any part is refused), and the list of actions due this week or overdue.

mod common;

use common::*;
use ovop_core::coaching::{Action, Due, Owner, Progress, Support};
use ovop_store::coaching::{ActionUpdate, CoachingVisit};
use ovop_store::Store;

/// A product with a final assessment at level 2 everywhere (44 of 66, three stars).
fn assessed(store: &mut Store) -> (String, String) {
    let (_, product) = producer_and_product(store);
    let rubric = template();
    let visit = ovop_store::assessments::Visit {
        assessed_on: Some("2026-11-20".into()),
        ..Default::default()
    };
    let id = store
        .new_assessment(&product, &rubric, &visit, NOW)
        .unwrap();
    store
        .save_answers(&id, &complete_answers(&rubric), NOW)
        .unwrap();
    store.finalize(&id, NOW).unwrap();
    (product, id)
}

fn update(action: &str, progress: Progress, done: &str) -> ActionUpdate {
    ActionUpdate {
        action_id: action.into(),
        progress,
        done: done.into(),
        dropped_because: None,
    }
}

#[test]
fn a_plan_starts_from_a_final_assessments_steps_and_visits_move_its_actions() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (product, assessment) = assessed(&mut store);

    // 44 of 66 at level 2 everywhere: every criterion can still give 1 point; three stars to
    // four needs 2 (46), so no single step reaches it.
    let steps = store.coaching_steps(&assessment).unwrap();
    assert_eq!(steps.len(), 22);
    assert!(steps.iter().all(|s| s.gap == 1 && !s.reaches_next_star));

    // The first two steps become actions: packaging due 1 March, a lab test by a partner due
    // 25 February.
    let mut plan = ovop_core::coaching::suggested(&steps, 2);
    plan[0].support = Support::Packaging;
    plan[0].due = Some("2027-03-01".into());
    plan[1].support = Support::LabTest;
    plan[1].owner = Owner::Partner;
    plan[1].owner_name = Some("Baristand Banjarbaru".into());
    plan[1].due = Some("2027-02-25".into());
    let packaging = store
        .save_action(None, &product, Some(&assessment), &plan[0], NOW)
        .unwrap();
    let lab = store
        .save_action(None, &product, Some(&assessment), &plan[1], NOW)
        .unwrap();
    assert_eq!((packaging.revision, lab.revision), (1, 1));
    // Soonest first.
    let ids: Vec<String> = store
        .actions_of(&product)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, [lab.id.clone(), packaging.id.clone()]);

    // Edited: a new revision, the latest is the one that stands.
    let moved = Action {
        due: Some("2027-03-15".into()),
        notes: "Desain label bersama Dekranasda".into(),
        ..packaging.action.clone()
    };
    let edited = store
        .save_action(
            Some(&packaging.id),
            &product,
            Some(&assessment),
            &moved,
            NOW,
        )
        .unwrap();
    assert_eq!(edited.revision, 2);
    assert_eq!(store.actions_of(&product).unwrap().len(), 2);

    // On 24 February both are open: the lab test due tomorrow, the label later.
    let due = store.due_actions("2027-02-24").unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        (due[0].action.id.as_str(), due[0].due),
        (lab.id.as_str(), Due::ThisWeek)
    );
    assert_eq!(due[0].product_name, "Tas anyaman purun");
    assert_eq!(due[0].producer_name, "KUB Anyaman Purun Đẹp");
    assert_eq!(
        store.product(&product).unwrap().producer_id,
        due[0].producer_id
    );
    // On 20 March both are overdue, soonest first.
    let due = store.due_actions("2027-03-20").unwrap();
    assert_eq!(
        due.iter()
            .map(|d| (d.action.id.clone(), d.due))
            .collect::<Vec<_>>(),
        [
            (lab.id.clone(), Due::Overdue),
            (packaging.id.clone(), Due::Overdue)
        ]
    );

    // A visit: the lab test done, the label in progress; each action gets a revision that
    // names the visit, and the lab test leaves the due list.
    let visit = store
        .record_visit(
            &CoachingVisit {
                id: String::new(),
                product_id: product.clone(),
                visited_on: "2027-03-20".into(),
                notes: "Sampel diterima laboratorium".into(),
                updates: vec![
                    update(&lab.id, Progress::Done, "Hasil uji keluar"),
                    update(&packaging.id, Progress::InProgress, "Draf label"),
                ],
            },
            NOW,
        )
        .unwrap();
    let lab_now = store.coaching_action(&lab.id).unwrap();
    assert_eq!(lab_now.action.progress, Progress::Done);
    assert_eq!(lab_now.visit_id.as_deref(), Some(visit.id.as_str()));
    assert_eq!(lab_now.revision, 2);
    let due = store.due_actions("2027-03-20").unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].action.id, packaging.id);
    assert_eq!(due[0].action.action.progress, Progress::InProgress);
    assert_eq!(store.visits_of(&product).unwrap(), [visit]);
}

#[test]
fn a_visit_or_an_action_that_does_not_hold_is_refused_whole_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (product, assessment) = assessed(&mut store);
    let steps = store.coaching_steps(&assessment).unwrap();
    let action = ovop_core::coaching::suggested(&steps, 1).remove(0);
    let kept = store
        .save_action(None, &product, Some(&assessment), &action, NOW)
        .unwrap();

    // Actions: a criterion without its assessment, a level the criterion lacks, a partner
    // unnamed, an action of another product edited under this one, an unknown action.
    let refused = [
        store.save_action(None, &product, None, &action, NOW),
        store.save_action(
            None,
            &product,
            Some(&assessment),
            &Action {
                target_points: Some(9),
                ..action.clone()
            },
            NOW,
        ),
        store.save_action(
            None,
            &product,
            Some(&assessment),
            &Action {
                owner: Owner::Office,
                ..action.clone()
            },
            NOW,
        ),
        store.save_action(
            Some("no-such-action"),
            &product,
            None,
            &Action {
                criterion: None,
                target_points: None,
                ..action.clone()
            },
            NOW,
        ),
    ];
    let codes: Vec<&str> = refused
        .iter()
        .map(|r| r.as_ref().unwrap_err().code())
        .collect();
    assert_eq!(
        codes,
        [
            "store.invalid",
            "store.invalid",
            "store.invalid",
            "store.not_found"
        ]
    );
    let (_, other_product) = producer_and_product(&mut store);
    let err = store
        .save_action(
            Some(&kept.id),
            &other_product,
            None,
            &Action {
                criterion: None,
                target_points: None,
                ..action.clone()
            },
            NOW,
        )
        .unwrap_err();
    assert_eq!(err.code(), "store.invalid");
    assert_eq!(
        store.actions_of(&product).unwrap(),
        std::slice::from_ref(&kept)
    );

    // A plan of three whose third is refused stores none of them.
    let three = ovop_core::coaching::suggested(&steps, 3);
    let mut broken = three.clone();
    broken[2].due = Some("2027-13-01".into());
    let err = store
        .save_plan(&product, &assessment, &broken, NOW)
        .unwrap_err();
    assert_eq!(err.code(), "store.invalid");
    assert_eq!(store.actions_of(&product).unwrap().len(), 1);
    // Whole, it is stored at once.
    let saved = store.save_plan(&product, &assessment, &three, NOW).unwrap();
    assert_eq!(saved.len(), 3);
    assert_eq!(store.actions_of(&product).unwrap().len(), 4);
    // Another product's assessment is not this product's plan.
    assert_eq!(
        store
            .save_plan(&other_product, &assessment, &three, NOW)
            .unwrap_err()
            .code(),
        "store.invalid"
    );

    // A plan is made from a final assessment, not a draft.
    let draft = store
        .new_assessment(&product, &template(), &Default::default(), NOW)
        .unwrap();
    assert_eq!(
        store.coaching_steps(&draft).unwrap_err().code(),
        "store.invalid"
    );

    // Visits: not a day, dropped without a reason, an action named twice, another product's
    // action. Each is refused whole: no visit, no revision.
    let visit = |updates: Vec<ActionUpdate>, day: &str| CoachingVisit {
        id: String::new(),
        product_id: product.clone(),
        visited_on: day.into(),
        notes: String::new(),
        updates,
    };
    let foreign = store
        .save_action(
            None,
            &other_product,
            None,
            &Action {
                criterion: None,
                target_points: None,
                ..action.clone()
            },
            NOW,
        )
        .unwrap();
    for bad in [
        visit(vec![update(&kept.id, Progress::Done, "")], "20-03-2027"),
        visit(vec![update(&kept.id, Progress::Dropped, "")], "2027-03-20"),
        visit(
            vec![
                update(&kept.id, Progress::Done, ""),
                update(&kept.id, Progress::InProgress, ""),
            ],
            "2027-03-20",
        ),
        visit(
            vec![
                update(&kept.id, Progress::Done, ""),
                update(&foreign.id, Progress::Done, ""),
            ],
            "2027-03-20",
        ),
    ] {
        let err = store.record_visit(&bad, NOW).unwrap_err();
        assert_eq!(err.code(), "store.invalid", "{err}");
    }
    assert!(store.visits_of(&product).unwrap().is_empty());
    assert_eq!(store.coaching_action(&kept.id).unwrap(), kept);

    // Dropped with its reason: fine, and it leaves the due lists.
    let dropped = ActionUpdate {
        dropped_because: Some("Produsen berhenti produksi".into()),
        ..update(&kept.id, Progress::Dropped, "")
    };
    store
        .record_visit(&visit(vec![dropped], "2027-03-20"), NOW)
        .unwrap();
    let now = store.coaching_action(&kept.id).unwrap();
    assert_eq!(now.action.progress, Progress::Dropped);
    assert_eq!(
        now.action.dropped_because.as_deref(),
        Some("Produsen berhenti produksi")
    );
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[test]
fn every_action_revision_and_visit_waits_in_the_outbox_once_and_a_visits_photos_travel_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (product, assessment) = assessed(&mut store);
    let steps = store.coaching_steps(&assessment).unwrap();
    let mut plan = ovop_core::coaching::suggested(&steps, 2);
    plan[0].support = Support::Packaging;
    plan[0].due = Some("2027-03-01".into());
    let actions = store.save_plan(&product, &assessment, &plan, NOW).unwrap();
    let visit = store
        .record_visit(
            &CoachingVisit {
                id: String::new(),
                product_id: product.clone(),
                visited_on: "2027-02-10".into(),
                notes: "Label baru dicetak".into(),
                updates: vec![update(&actions[0].id, Progress::Done, "label dicetak")],
            },
            NOW,
        )
        .unwrap();
    // Before it is sent, the visit takes a photo; it travels as the visit's blob.
    let photo = store
        .add_photo("coaching_visit", &visit.id, "", "label.png", &png(), NOW)
        .unwrap();
    let queued: Vec<(String, String, i64)> = store
        .outbox_rows()
        .unwrap()
        .into_iter()
        .map(|r| (r.kind, r.record_id, r.revision))
        .collect();
    let kinds: Vec<&str> = queued.iter().map(|q| q.0.as_str()).collect();
    // The producer and product as registered, the assessment, two actions, then the visit
    // before the revision it made.
    assert_eq!(
        kinds,
        [
            "producer",
            "product",
            "assessment",
            "coaching_action",
            "coaching_action",
            "coaching_visit",
            "coaching_action"
        ]
    );
    assert_eq!(
        queued[6],
        ("coaching_action".into(), actions[0].id.clone(), 2)
    );
    let rows = store.outbox_rows().unwrap();
    assert!(
        rows[5].product.as_deref().is_some_and(|p| !p.is_empty()),
        "the Sync screen names the product"
    );

    let outgoing = store.outgoing().unwrap();
    assert_eq!(outgoing.len(), 7);
    let sent_visit = &outgoing[5].record;
    assert_eq!(sent_visit.kind, "coaching_visit");
    assert_eq!(
        sent_visit.blobs,
        vec![(photo.sha256.clone(), u64::from(photo.size))]
    );
    let body: ovop_protocol::CoachingVisitBody =
        serde_json::from_value(sent_visit.body.clone()).unwrap();
    assert_eq!(body.check(), Ok(()));
    assert_eq!(body.updates[0].progress, Progress::Done);
    let revised: ovop_protocol::CoachingActionBody =
        serde_json::from_value(outgoing[6].record.body.clone()).unwrap();
    assert_eq!(revised.visit_id.as_deref(), Some(visit.id.as_str()));
    assert_eq!(revised.action.progress, Progress::Done);
    assert_eq!(revised.check(), Ok(()));
    // Every coaching record brings the product (and producer) the server may lack.
    assert_eq!(outgoing[3].needs.len(), 2);
    // Read again, the same bytes: frozen, and a photo added now would never travel.
    assert_eq!(store.outgoing().unwrap()[5].record, *sent_visit);
    let late = store.add_photo("coaching_visit", &visit.id, "", "late.png", &png(), NOW);
    assert!(late.is_err(), "a sent visit takes no more photos");
    let unknown = store.add_photo("coaching_visit", "no-such-visit", "", "x.png", &png(), NOW);
    assert!(unknown.is_err());
}
