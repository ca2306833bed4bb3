//! The assessment lifecycle on a real store: drafts autosaved change by change, the engine's
//! refusals and what a change clears, finalising, corrections, councils, and the body a final
//! revision travels as.

mod common;

use common::*;
use ovop_core::catalog::Catalog;
use ovop_core::{Answer, Answers, Rubric};
use ovop_store::assessments::{Assessor, Visit};
use ovop_store::{Store, StoreError};

/// The assessments queued in the outbox (the producer and product it needs are queued too).
fn queued(store: &Store) -> Vec<ovop_store::assessments::OutboxEntry> {
    let mut all = store.outbox().unwrap();
    all.retain(|e| e.kind == "assessment");
    all
}

#[test]
fn an_assessment_goes_from_draft_to_final_with_its_outbox_row_and_is_corrected_by_a_new_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let rubric = template();
    let visit = Visit {
        assessed_on: Some("2026-11-20".into()),
        region_code: Some("63.05".into()),
        assessors: vec![Assessor {
            name: "Siti Rahmah".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    let id = store
        .new_assessment(&product, &rubric, &visit, NOW)
        .unwrap();
    // The producer and product wait to travel from the moment they are registered.
    assert_eq!(
        store.counts().unwrap(),
        ovop_store::assessments::HomeCounts {
            drafts: 1,
            finals: 0,
            waiting: 2
        }
    );

    // Autosave answer by answer; the engine refuses what does not fit.
    let result = store
        .answer(&id, "1.1", Some(Answer::Level(3)), NOW)
        .unwrap();
    assert_eq!(result.total, 3);
    // The engine's refusal keeps its code per criterion.
    let refused = store
        .answer(&id, "1.1", Some(Answer::Level(9)), NOW)
        .unwrap_err();
    assert_eq!(refused.code(), "answers.invalid");
    match refused {
        StoreError::Answers(errors) => {
            assert_eq!(errors[0].code, "answers.no_such_level");
            assert_eq!(errors[0].criterion.as_deref(), Some("1.1"));
        }
        other => panic!("not the engine's refusal: {other:?}"),
    }
    assert_eq!(
        store.assessment(&id).unwrap().answers.answers["1.1"],
        Answer::Level(3),
        "a refused answer is not stored"
    );

    // The producer's dossier, checked off on the draft.
    let certificate = ovop_store::assessments::EvidenceDocument {
        kind: "pirt".into(),
        present: true,
        number: Some("P-IRT 2066305010123-27".into()),
        issued_on: Some("2022-03-01".into()),
        issuer: Some("Dinas Kesehatan Kabupaten Tapin".into()),
        expires_on: Some("2027-03-01".into()),
        ..Default::default()
    };
    store.set_evidence(&id, &certificate).unwrap();
    store
        .set_evidence(
            &id,
            &ovop_store::assessments::EvidenceDocument {
                kind: "halal".into(),
                present: false,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(store.evidence(&id, 1).unwrap().len(), 2);

    // Incomplete: refused, with what is missing.
    let err = store.finalize(&id, NOW).unwrap_err();
    assert!(err.to_string().contains("G1"), "{err}");
    assert!(queued(&store).is_empty());

    store
        .save_answers(&id, &complete_answers(&rubric), NOW)
        .unwrap();
    let done = store.finalize(&id, "2026-11-20T10:00:00Z").unwrap();
    assert_eq!(done.status, "final");
    assert_eq!(done.result.as_ref().unwrap().total, 44);
    let hash = done.content_hash.clone().unwrap();
    assert!(hash.starts_with("sha256:"));
    let outbox = queued(&store);
    assert_eq!(
        (
            outbox.len(),
            outbox[0].record_id.as_str(),
            outbox[0].revision,
            outbox[0].state.as_str()
        ),
        (1, id.as_str(), 1, "waiting")
    );
    // It travels as the protocol's body, with the fields it has always had (one renamed would
    // make every revision already on a server a conflict), the verdict finalising decided (absent
    // from revisions finalised before it existed, so their bodies are unchanged), and the local
    // hash finalising stored.
    let wire = store.wire_assessment(&id, 1).unwrap();
    let keys: Vec<&str> = wire
        .body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "answers",
            "criteria",
            "criteria_hash",
            "evidence",
            "finalized_at",
            "id",
            "local_hash",
            "product_id",
            "programme",
            "reason",
            "result",
            "revision",
            "supersedes",
            "verdict",
            "visit"
        ]
    );
    assert!(wire.body["supersedes"].is_null() && wire.body["reason"].is_null());
    let body: ovop_protocol::AssessmentBody = serde_json::from_value(wire.body.clone()).unwrap();
    assert_eq!(
        (body.local_hash.as_str(), body.local_hash_of().unwrap()),
        (hash.as_str(), hash.clone())
    );
    assert_eq!((body.visit, body.evidence.len()), (visit.clone(), 2));
    assert_eq!(body.programme.as_str(), "ovop");
    assert_eq!(
        store.counts().unwrap(),
        ovop_store::assessments::HomeCounts {
            drafts: 0,
            finals: 1,
            waiting: 3
        }
    );

    // Final is locked.
    assert_eq!(
        store
            .answer(&id, "1.1", Some(Answer::Level(1)), NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    assert_eq!(
        store
            .save_answers(&id, &Answers::default(), NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    assert_eq!(store.finalize(&id, NOW).unwrap_err().code(), "store.locked");

    // A correction is revision 2, naming revision 1, which stays as it was.
    assert_eq!(
        store.correct(&id, " ", NOW).unwrap_err().code(),
        "store.invalid"
    );
    assert_eq!(
        store.set_evidence(&id, &certificate).unwrap_err().code(),
        "store.locked"
    );
    assert_eq!(store.correct(&id, "skor 1.1 salah ketik", NOW).unwrap(), 2);
    assert_eq!(
        store.evidence(&id, 2).unwrap(),
        store.evidence(&id, 1).unwrap(),
        "the correction starts from the same dossier"
    );
    store
        .answer(&id, "1.1", Some(Answer::Level(1)), NOW)
        .unwrap();
    let revisions = store.revisions(&id).unwrap();
    assert_eq!(revisions.len(), 2);
    assert_eq!(
        (revisions[1].supersedes, revisions[1].status.as_str()),
        (Some(1), "draft")
    );
    assert_eq!(revisions[0].content_hash.as_deref(), Some(hash.as_str()));
    assert_eq!(revisions[0].answers.answers["1.1"], Answer::Level(2));
    assert_eq!(
        store.final_assessments().unwrap()[0].revision,
        1,
        "the draft correction does not hide the final"
    );
    let second = store.finalize(&id, NOW).unwrap();
    assert_eq!(second.revision, 2);
    assert_ne!(second.content_hash.unwrap(), hash);
    assert_eq!(queued(&store).len(), 2);
}

#[test]
fn the_frozen_set_renders_an_old_assessment_after_the_set_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let rubric = template();
    let id = store
        .new_assessment(&product, &rubric, &Visit::default(), NOW)
        .unwrap();
    let frozen = store
        .frozen_set(&store.assessment(&id).unwrap().criteria_hash)
        .unwrap();
    assert_eq!(&frozen, rubric.set());

    // The same id and version with other content is refused: an assessment names exactly one.
    let mut changed = rubric.set().clone();
    changed.parts[0].sections[0].criteria[0].levels[0].points = 0;
    let changed = Rubric::new(changed).unwrap();
    assert_eq!(
        store
            .new_assessment(&product, &changed, &Visit::default(), NOW)
            .unwrap_err()
            .code(),
        "store.invalid"
    );
}

#[test]
fn a_final_assessment_cannot_be_changed_even_with_sql() {
    let dir = tempfile::tempdir().unwrap();
    let path = {
        let mut store = fresh_store(dir.path());
        let (_, product) = producer_and_product(&mut store);
        let rubric = template();
        let id = store
            .new_assessment(&product, &rubric, &Visit::default(), NOW)
            .unwrap();
        store
            .save_answers(&id, &complete_answers(&rubric), NOW)
            .unwrap();
        store.finalize(&id, NOW).unwrap();
        store.path().to_path_buf()
    };
    let err = raw(&path, "UPDATE assessment SET total = 99").unwrap_err();
    assert!(err.to_string().contains("assessment is final"), "{err}");
    // Its sync status may still move on.
    raw(&path, "UPDATE assessment SET status = 'synced'").unwrap();
}

#[test]
fn a_draft_takes_notes_knockouts_gates_and_visit_changes_and_refuses_them_once_final() {
    use ovop_store::assessments::DraftChange;
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let rubric = template();
    let id = store
        .new_assessment(&product, &rubric, &Visit::default(), NOW)
        .unwrap();
    let change = |store: &mut Store, c: DraftChange| store.change(&id, &c, NOW);

    // An observed knock-out on 4.3 (raw material) stops the star; unticking it lifts that.
    let knocked = change(
        &mut store,
        DraftChange::Knockout {
            code: "4.3".into(),
            observed: true,
        },
    )
    .unwrap();
    assert_eq!(
        knocked.result.knockouts.len(),
        1,
        "{:?}",
        knocked.result.knockouts
    );
    assert_eq!(knocked.result.star, None);
    let lifted = change(
        &mut store,
        DraftChange::Knockout {
            code: "4.3".into(),
            observed: false,
        },
    )
    .unwrap();
    assert!(lifted.result.knockouts.is_empty());
    assert!(store.assessment(&id).unwrap().answers.knockouts.is_empty());

    // A gate answered and cleared; a note written and cleared by blank text.
    change(
        &mut store,
        DraftChange::Gate {
            code: "G1".into(),
            met: Some(true),
        },
    )
    .unwrap();
    change(
        &mut store,
        DraftChange::Note {
            code: "2.1".into(),
            text: "Kemasan standing pouch".into(),
        },
    )
    .unwrap();
    let saved = store.assessment(&id).unwrap().answers;
    assert_eq!(saved.gates.get("G1"), Some(&true));
    assert_eq!(saved.notes["2.1"], "Kemasan standing pouch");
    change(
        &mut store,
        DraftChange::Gate {
            code: "G1".into(),
            met: None,
        },
    )
    .unwrap();
    change(
        &mut store,
        DraftChange::Note {
            code: "2.1".into(),
            text: "  ".into(),
        },
    )
    .unwrap();
    let saved = store.assessment(&id).unwrap().answers;
    assert!(saved.gates.is_empty() && saved.notes.is_empty());

    // An unknown gate is refused and not stored.
    let err = change(
        &mut store,
        DraftChange::Gate {
            code: "G9".into(),
            met: Some(true),
        },
    )
    .unwrap_err();
    assert_eq!(err.code(), "answers.invalid");
    assert!(matches!(&err, StoreError::Answers(e) if e[0].code == "answers.unknown_gate"));
    assert!(store.assessment(&id).unwrap().answers.gates.is_empty());

    // The visit changes while a draft, and nothing changes once final.
    let visit = Visit {
        assessed_on: Some("2026-11-21".into()),
        assessors: vec![Assessor {
            name: "Rina Wulandari".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    store.set_visit(&id, &visit, NOW).unwrap();
    assert_eq!(store.assessment(&id).unwrap().visit, visit);
    store
        .save_answers(&id, &complete_answers(&rubric), NOW)
        .unwrap();
    store.finalize(&id, NOW).unwrap();
    assert_eq!(
        store
            .set_visit(&id, &Visit::default(), NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    assert_eq!(
        change(
            &mut store,
            DraftChange::Note {
                code: "1.1".into(),
                text: "late".into(),
            },
        )
        .unwrap_err()
        .code(),
        "store.locked"
    );
}

#[test]
fn a_change_that_makes_other_answers_impossible_clears_them_in_the_same_write_and_says_which() {
    use ovop_store::assessments::DraftChange;
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let catalog = Catalog::shipped();
    let rubric = catalog
        .get("ocop-1048-02", None)
        .expect("cereal sheet")
        .rubric
        .clone();
    let id = store
        .new_assessment(&product, &rubric, &Visit::default(), NOW)
        .unwrap();
    let level = |code: &str, answer: Answer| DraftChange::Answer {
        code: code.into(),
        answer: Some(answer),
    };
    // A story (5.1 at 1 point), so 5.2 and 5.3 apply and are answered; criterion 9 too.
    for (code, position) in [("5.1", 2), ("5.2", 3), ("5.3", 1), ("9", 4)] {
        store
            .change(&id, &level(code, Answer::Level(position)), NOW)
            .unwrap();
    }
    // No story after all: 5.2 and 5.3 no longer apply, their answers go, and the officer is
    // told which.
    let changed = store
        .change(&id, &level("5.1", Answer::Level(1)), NOW)
        .unwrap();
    assert_eq!(changed.cleared, ["5.2", "5.3"]);
    assert_eq!(changed.result.not_applicable.len(), 2);
    let stored = store.assessment(&id).unwrap().answers;
    assert!(!stored.answers.contains_key("5.2") && !stored.answers.contains_key("5.3"));
    assert_eq!(stored, changed.answers);

    // 5.2 marked not applicable, then a story again: the "na" goes, 5.2 waits for a level.
    store
        .change(&id, &level("5.2", Answer::NotApplicable), NOW)
        .unwrap();
    let changed = store
        .change(&id, &level("5.1", Answer::Level(3)), NOW)
        .unwrap();
    assert_eq!(changed.cleared, ["5.2"]);
    assert!(changed.result.unanswered.contains(&"5.2".to_string()));

    // Foreign matter observed at 6.1 stops the sheet. Asked first: refused with the answer it
    // would clear and the engine's reason, nothing saved. A change that only makes answers not
    // applicable is not asked about (above, 5.1 cleared 5.2 without asking).
    let foreign = DraftChange::Knockout {
        code: "6.1".into(),
        observed: true,
    };
    let before = store.assessment(&id).unwrap().answers;
    let asked = store
        .change_member_asking(&id, 1, &foreign, false, NOW)
        .unwrap_err();
    assert_eq!(asked.code(), "answers.would_stop");
    match &asked {
        StoreError::WouldStop(errors) => {
            let what: Vec<(&str, Option<&str>)> = errors
                .iter()
                .map(|e| (e.code.as_str(), e.criterion.as_deref()))
                .collect();
            assert_eq!(what, [("answers.after_knockout", Some("9"))]);
        }
        other => panic!("not asked first: {other:?}"),
    }
    assert_eq!(store.assessment(&id).unwrap().answers, before);
    // A change that stops nothing goes through without asking.
    store
        .change_member_asking(&id, 1, &level("5.3", Answer::Level(2)), false, NOW)
        .unwrap();
    // Confirmed: criterion 9's answer goes.
    let changed = store
        .change_member_asking(&id, 1, &foreign, true, NOW)
        .unwrap();
    assert_eq!(changed.cleared, ["9"]);
    assert_eq!(changed.result.star, None);

    // The change itself is never altered: "na" on a criterion that applies is refused, and
    // nothing is stored.
    let before = store.assessment(&id).unwrap().answers;
    let err = store
        .change(&id, &level("5.2", Answer::NotApplicable), NOW)
        .unwrap_err();
    assert_eq!(err.code(), "answers.invalid");
    assert!(matches!(&err, StoreError::Answers(e) if e[0].code == "answers.applies"));
    assert_eq!(store.assessment(&id).unwrap().answers, before);
}

#[test]
fn a_council_scores_on_one_sheet_each_finalises_within_the_allowed_divergence_and_is_locked() {
    use ovop_store::assessments::DraftChange;
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let rubric = template();
    let visit = Visit {
        assessors: vec![Assessor {
            name: "Siti Rahmah".into(),
            ..Assessor::default()
        }],
        ..Visit::default()
    };
    let id = store
        .new_assessment(&product, &rubric, &visit, NOW)
        .unwrap();
    let member = |name: &str| Assessor {
        name: name.into(),
        role: Some("anggota".into()),
        ..Assessor::default()
    };
    let budi = store.add_member(&id, &member("Budi Santoso"), NOW).unwrap();
    let dewi = store.add_member(&id, &member("Dewi Lestari"), NOW).unwrap();
    assert_eq!((budi, dewi), (2, 3));
    assert_eq!(
        store
            .add_member(&id, &member("  "), NOW)
            .unwrap_err()
            .code(),
        "store.invalid"
    );

    // Every member at level 2 everywhere (44 of 66), but Dewi at level 3 on nine criteria
    // (53): 9 points apart, more than the 7 the template allows.
    let complete = complete_answers(&rubric);
    store.save_answers(&id, &complete, NOW).unwrap();
    let codes: Vec<String> = rubric.set().criteria().map(|c| c.code.clone()).collect();
    for m in [budi, dewi] {
        for (code, answer) in &complete.answers {
            let change = DraftChange::Answer {
                code: code.clone(),
                answer: Some(*answer),
            };
            store.change_member(&id, m, &change, NOW).unwrap();
        }
        for gate in ["G1", "G2", "G3"] {
            let change = DraftChange::Gate {
                code: gate.into(),
                met: Some(true),
            };
            store.change_member(&id, m, &change, NOW).unwrap();
        }
    }
    for code in &codes[..9] {
        let change = DraftChange::Answer {
            code: code.clone(),
            answer: Some(Answer::Level(3)),
        };
        store.change_member(&id, dewi, &change, NOW).unwrap();
    }
    let draft = store.assessment(&id).unwrap();
    let council = store.council_of(&draft).unwrap().expect("a council");
    assert_eq!(council.members.len(), 3);
    assert_eq!(council.members[0].member, "Siti Rahmah");
    assert_eq!(council.divergence.spread, 9);
    assert!(council.divergence.exceeded);
    let err = store.finalize(&id, NOW).unwrap_err();
    assert_eq!(err.code(), "store.invalid");
    assert!(err.to_string().contains("differ by 9"), "{err}");
    assert!(queued(&store).is_empty(), "nothing queued");

    // The council talks; Dewi lowers two criteria: 7 apart, allowed.
    for code in &codes[..2] {
        let change = DraftChange::Answer {
            code: code.clone(),
            answer: Some(Answer::Level(2)),
        };
        store.change_member(&id, dewi, &change, NOW).unwrap();
    }
    // Not final without the council's roster, nor short of its quorum (75 %, the chair
    // present): three of five is not enough; nothing is queued either time.
    let err = store.finalize(&id, NOW).unwrap_err();
    assert_eq!(err.code(), "store.no_quorum");
    assert!(err.to_string().contains("roster"), "{err}");
    let mut visit = store.assessment(&id).unwrap().visit;
    let absent = |names: &[&str]| -> Vec<Assessor> { names.iter().map(|n| member(n)).collect() };
    visit.roster = Some(ovop_protocol::Roster {
        chair: "Siti Rahmah".into(),
        absent: absent(&["Agus Salim", "Rina Wati"]),
    });
    store.set_visit(&id, &visit, NOW).unwrap();
    let err = store.finalize(&id, NOW).unwrap_err();
    assert_eq!(err.code(), "store.no_quorum");
    assert!(
        err.to_string().contains("3 of 5 members present, 4 needed"),
        "{err}"
    );
    assert!(queued(&store).is_empty(), "nothing queued");
    // The chair absent: no quorum.
    visit.roster = Some(ovop_protocol::Roster {
        chair: "Agus Salim".into(),
        absent: absent(&["Agus Salim"]),
    });
    store.set_visit(&id, &visit, NOW).unwrap();
    assert_eq!(
        store.finalize(&id, NOW).unwrap_err().code(),
        "store.no_quorum"
    );
    // Three of four with the chair: final, the roster in the record.
    visit.roster = Some(ovop_protocol::Roster {
        chair: "Siti Rahmah".into(),
        absent: absent(&["Agus Salim"]),
    });
    store.set_visit(&id, &visit, NOW).unwrap();
    let done = store.finalize(&id, NOW).unwrap();
    assert_eq!(done.visit.roster, visit.roster);
    let council = done.council.expect("the council's result is stored");
    assert_eq!(council.average, (44.0 + 44.0 + 51.0) / 3.0);
    assert_eq!(council.divergence.spread, 7);
    assert!(done.content_hash.is_some());
    assert_eq!(queued(&store).len(), 1);

    // Locked: no member added, changed or removed, even with SQL.
    assert_eq!(
        store
            .add_member(&id, &member("Eko"), NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    let change = DraftChange::Answer {
        code: codes[0].clone(),
        answer: Some(Answer::Level(1)),
    };
    assert_eq!(
        store
            .change_member(&id, budi, &change, NOW)
            .unwrap_err()
            .code(),
        "store.locked"
    );
    let path = store.path().to_path_buf();
    assert!(raw(
        &path,
        &format!("UPDATE council_sheet SET answers = '{{}}' WHERE assessment_id = '{id}'")
    )
    .is_err());
    assert!(raw(
        &path,
        &format!("DELETE FROM council_sheet WHERE assessment_id = '{id}'")
    )
    .is_err());

    // A correction carries the members' sheets into the new revision.
    let revision = store.correct(&id, "Salah ketik", NOW).unwrap();
    assert_eq!(store.members(&id, revision).unwrap().len(), 2);
    store.remove_member(&id, budi).unwrap();
    assert_eq!(store.members(&id, revision).unwrap().len(), 1);
    assert_eq!(
        store.members(&id, 1).unwrap().len(),
        2,
        "the final revision keeps its council"
    );
}

/// An assessment names its round, level and kind: kept through a correction, carried in the
/// finalised body, changed while a draft; a round or level its programme does not have is
/// refused; one made before they existed names none.
#[test]
fn an_assessment_keeps_its_round_level_and_kind_and_refuses_ones_its_programme_lacks() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (_, product) = producer_and_product(&mut store);
    let rubric = template();
    assert_eq!(rubric.set().programme, ovop_core::criteria::Programme::Ovop);
    let visit = Visit {
        assessed_on: Some("2026-11-20".into()),
        region_code: Some("63.05".into()),
        round: Some("2026-2".into()),
        level: Some("provinsi".into()),
        kind: Some(ovop_core::AssessmentKind::Upgrade),
        ..Visit::default()
    };
    let id = store
        .new_assessment(&product, &rubric, &visit, NOW)
        .unwrap();
    assert_eq!(store.assessment(&id).unwrap().visit, visit);
    store
        .save_answers(&id, &complete_answers(&rubric), NOW)
        .unwrap();
    let done = store.finalize(&id, NOW).unwrap();
    assert_eq!(done.visit.round.as_deref(), Some("2026-2"));
    assert_eq!(store.correct(&id, "tingkat salah", NOW).unwrap(), 2);
    let corrected = store.assessment(&id).unwrap();
    assert_eq!((corrected.revision, &corrected.visit), (2, &visit));
    let moved = Visit {
        level: Some("pusat".into()),
        kind: Some(ovop_core::AssessmentKind::New),
        ..visit.clone()
    };
    store.set_visit(&id, &moved, NOW).unwrap();
    assert_eq!(store.assessment(&id).unwrap().visit, moved);

    for (bad, says) in [
        (
            Visit {
                round: Some("2026 · II".into()),
                ..visit.clone()
            },
            "round",
        ),
        (
            Visit {
                level: Some("province".into()),
                ..visit.clone()
            },
            "level",
        ),
    ] {
        let refused = store.set_visit(&id, &bad, NOW).unwrap_err();
        assert_eq!(refused.code(), "store.invalid");
        assert!(refused.to_string().contains(says), "{refused}");
        let refused = store
            .new_assessment(&product, &rubric, &bad, NOW)
            .unwrap_err();
        assert_eq!(refused.code(), "store.invalid");
    }
    assert_eq!(
        store.assessment(&id).unwrap().visit,
        moved,
        "nothing changed"
    );

    // One started without them names none.
    let plain = store
        .new_assessment(&product, &rubric, &Visit::default(), NOW)
        .unwrap();
    let plain = store.assessment(&plain).unwrap().visit;
    assert_eq!((plain.round, plain.level, plain.kind), (None, None, None));
}

#[test]
fn a_re_assessment_starts_with_the_products_dossier_unticked_and_a_new_product_with_the_producers_registration(
) {
    use ovop_store::assessments::EvidenceDocument;
    use ovop_store::records::Product;
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let (producer, product) = producer_and_product(&mut store);
    let rubric = template();
    let visit = |day: &str| Visit {
        assessed_on: Some(day.into()),
        ..Visit::default()
    };
    let document = |kind: &str, number: &str, expires: &str| EvidenceDocument {
        kind: kind.into(),
        present: true,
        number: Some(number.into()),
        issuer: Some("OSS RBA".into()),
        issued_on: Some("2021-05-03".into()),
        expires_on: Some(expires.into()),
        note: Some("asli diperlihatkan".into()),
        ..EvidenceDocument::default()
    };

    // A first assessment with nothing to carry starts empty.
    let first = store
        .new_assessment(&product, &rubric, &visit("2026-03-02"), NOW)
        .unwrap();
    assert!(store.evidence(&first, 1).unwrap().is_empty());
    store
        .set_evidence(&first, &document("nib", "9120001234567", "2099-12-31"))
        .unwrap();
    store
        .set_evidence(&first, &document("halal", "ID63110000123", "2027-06-30"))
        .unwrap();
    // Evidence for one criterion stays with that sheet.
    store
        .set_evidence(
            &first,
            &EvidenceDocument {
                criterion: "2.1".into(),
                ..document("test_report", "LHU-77", "2027-01-01")
            },
        )
        .unwrap();
    // A scan of each document, and a photo of the whole sheet that is no document's.
    let picture = |shade: u8| {
        let img = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([shade, x as u8, y as u8]));
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    };
    for (criterion, shade) in [("doc:nib", 10), ("doc:halal", 20), ("", 30)] {
        store
            .add_photo(
                "assessment",
                &first,
                criterion,
                "scan.png",
                &picture(shade),
                NOW,
            )
            .unwrap();
    }
    // A scan names a document kind: a word of lowercase letters, digits and "_".
    for bad in ["doc:", "doc:Halal!", "dok:halal"] {
        assert!(
            store
                .add_photo("assessment", &first, bad, "scan.png", &picture(40), NOW)
                .is_err(),
            "{bad}"
        );
    }
    assert_eq!(store.photos("assessment", &first).unwrap().len(), 3);
    store
        .save_answers(&first, &complete_answers(&rubric), NOW)
        .unwrap();
    store.finalize(&first, NOW).unwrap();
    let scans_of = |store: &Store, id: &str| {
        let mut scans: Vec<String> = store
            .photos("assessment", id)
            .unwrap()
            .into_iter()
            .map(|p| p.criterion)
            .collect();
        scans.sort();
        scans
    };

    // The re-assessment, 35 months on: both documents, not ticked, with what was recorded.
    let again = store
        .new_assessment(&product, &rubric, &visit("2029-02-02"), NOW)
        .unwrap();
    let carried = store.evidence(&again, 1).unwrap();
    assert_eq!(
        carried.iter().map(|d| d.kind.as_str()).collect::<Vec<_>>(),
        ["halal", "nib"]
    );
    for d in &carried {
        assert!(!d.present, "{} must be shown again to be ticked", d.kind);
        assert_eq!(d.criterion, "");
        assert_eq!(d.issuer.as_deref(), Some("OSS RBA"));
        assert_eq!(d.note.as_deref(), Some("asli diperlihatkan"));
    }
    // The halal certificate lapsed before this visit: its date says so.
    assert_eq!(carried[0].expires_on.as_deref(), Some("2027-06-30"));
    assert!(carried[0].expires_on.as_deref() < Some("2029-02-02"));
    // Their scans come along; the sheet's own photo does not.
    assert_eq!(scans_of(&store, &again), ["doc:halal", "doc:nib"]);
    // The earlier assessment's dossier is untouched.
    assert!(store.evidence(&first, 1).unwrap().iter().all(|d| d.present));

    // A later change on the newer draft is what the next one starts from.
    store
        .set_evidence(&again, &document("halal", "ID63110000999", "2033-01-31"))
        .unwrap();
    let third = store
        .new_assessment(&product, &rubric, &visit("2029-03-01"), NOW)
        .unwrap();
    let halal = store.evidence(&third, 1).unwrap();
    assert_eq!(halal[0].number.as_deref(), Some("ID63110000999"));

    // Another product of the producer starts with the producer's registration only: a halal
    // certificate is a product's own.
    let other = store
        .add_product(
            &Product {
                producer_id: producer,
                name: "Tikar purun".into(),
                ..Product::default()
            },
            NOW,
        )
        .unwrap();
    let fresh = store
        .new_assessment(&other, &rubric, &visit("2029-03-02"), NOW)
        .unwrap();
    let only = store.evidence(&fresh, 1).unwrap();
    assert_eq!(only.len(), 1, "{only:?}");
    assert_eq!(only[0].kind, "nib");
    assert_eq!(only[0].number.as_deref(), Some("9120001234567"));
    assert!(!only[0].present);
    assert_eq!(scans_of(&store, &fresh), ["doc:nib"]);
}
