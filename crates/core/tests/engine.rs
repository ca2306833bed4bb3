//! The rubric engine on a small sheet that has every rule: alternative scales, an applicability
//! condition, the three kinds of knock-out, a gate, minimum requirements and a council rule.

use ovop_core::criteria::KnockoutEffect;
use ovop_core::rubric::{Outcome, Reason};
use ovop_core::{parse_answers, Answer};

mod mini;
use mini::{answers, full_marks, rubric};

fn codes(errors: &[ovop_core::AnswerError]) -> Vec<&str> {
    errors.iter().map(|e| e.code.as_str()).collect()
}

#[test]
fn full_marks_give_every_part_its_maximum_and_five_stars() {
    let r = rubric().score(&full_marks()).unwrap();
    assert_eq!((r.total, r.max_total), (20, 20));
    assert_eq!(
        r.parts
            .iter()
            .map(|p| (p.code.as_str(), p.points, p.max))
            .collect::<Vec<_>>(),
        [("A", 10, 10), ("B", 10, 10)]
    );
    assert_eq!((r.star_by_score, r.star), (5, Some(5)));
    assert!(r.complete && r.reasons.is_empty() && r.next_star.is_none());
}

#[test]
fn alternative_scale_levels_are_chosen_by_printed_position() {
    let mut a = full_marks();
    a.answers.insert("1.2".into(), Answer::Level(4)); // scale b, "local": 1 point
    let r = rubric().score(&a).unwrap();
    let outcome = &r.criteria.iter().find(|c| c.code == "1.2").unwrap().outcome;
    assert_eq!(
        outcome,
        &Outcome::Scored {
            position: 4,
            points: 1,
            scale: Some("b".into())
        }
    );
    assert_eq!(r.total, 19);
}

#[test]
fn a_criterion_without_its_condition_does_not_apply_and_scores_zero() {
    let mut a = full_marks();
    a.answers.insert("1.3".into(), Answer::Level(1)); // no story
    a.answers.insert("1.4".into(), Answer::NotApplicable);
    let r = rubric().score(&a).unwrap();
    assert_eq!(r.total, 20 - 2 - 3);
    assert_eq!(r.not_applicable.len(), 1);
    assert_eq!(r.not_applicable[0].criterion, "1.4");
    assert_eq!(r.not_applicable[0].because, "1.3");
    assert!(
        r.complete,
        "a criterion that does not apply needs no answer"
    );

    // Leaving it out is the same as "na".
    a.answers.remove("1.4");
    assert_eq!(rubric().score(&a).unwrap().total, 15);
}

#[test]
fn answering_a_criterion_that_does_not_apply_is_refused() {
    let mut a = full_marks();
    a.answers.insert("1.3".into(), Answer::Level(1));
    let errors = rubric().score(&a).unwrap_err();
    assert_eq!(codes(&errors), ["answers.not_applicable"]);
    assert_eq!(errors[0].criterion.as_deref(), Some("1.4"));
}

#[test]
fn na_for_a_criterion_that_applies_is_refused() {
    let mut a = full_marks();
    a.answers.insert("1.4".into(), Answer::NotApplicable);
    assert_eq!(codes(&rubric().score(&a).unwrap_err()), ["answers.applies"]);
    a.answers.insert("1.4".into(), Answer::Level(1));
    a.answers.insert("1.1".into(), Answer::NotApplicable);
    assert_eq!(
        codes(&rubric().score(&a).unwrap_err()),
        ["answers.not_optional"]
    );
}

#[test]
fn unknown_criteria_and_missing_levels_are_refused_together() {
    let mut a = full_marks();
    a.answers.insert("9.9".into(), Answer::Level(1));
    a.answers.insert("1.1".into(), Answer::Level(4));
    a.knockouts.push("1.2".into());
    let errors = rubric().score(&a).unwrap_err();
    assert_eq!(
        codes(&errors),
        [
            "answers.unknown_criterion",
            "answers.no_such_level",
            "answers.no_knockout"
        ]
    );
    assert!(
        errors[1].message.contains("levels 1 to 3"),
        "{}",
        errors[1].message
    );
}

#[test]
fn answers_for_another_set_are_refused() {
    let mut a = full_marks();
    a.criteria = "ocop-1048-02".into();
    assert_eq!(
        codes(&rubric().score(&a).unwrap_err()),
        ["answers.wrong_set"]
    );
    let mut a = full_marks();
    a.version = Some("2".into());
    assert_eq!(
        codes(&rubric().score(&a).unwrap_err()),
        ["answers.wrong_version"]
    );
}

#[test]
fn a_disqualifying_knockout_keeps_the_score_but_removes_the_star() {
    let mut a = full_marks();
    a.knockouts.push("1.1".into());
    let r = rubric().score(&a).unwrap();
    assert_eq!(r.total, 20);
    assert_eq!((r.star_by_score, r.star), (5, None));
    assert_eq!(r.knockouts[0].effect, KnockoutEffect::Disqualify);
    assert!(matches!(&r.reasons[0], Reason::Knockout { criterion, .. } if criterion == "1.1"));
}

#[test]
fn an_observed_stopping_knockout_ends_the_sheet_and_later_answers_are_refused() {
    let mut a = answers(&[("1.1", 3), ("1.2", 2), ("1.3", 3), ("1.4", 2), ("2.1", 1)]);
    a.knockouts.push("2.1".into());
    let r = rubric().score(&a).unwrap();
    assert_eq!(r.total, 10);
    assert_eq!(r.star, None);
    let stopped: Vec<_> = r
        .criteria
        .iter()
        .filter(|c| matches!(&c.outcome, Outcome::KnockedOut { by } if by == "2.1"))
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(stopped, ["2.2", "3"]);
    assert!(r.complete, "criteria after a knock-out need no answer");

    a.answers.insert("3".into(), Answer::Level(2));
    let errors = rubric().score(&a).unwrap_err();
    assert_eq!(codes(&errors), ["answers.after_knockout"]);
    assert_eq!(errors[0].criterion.as_deref(), Some("3"));
}

#[test]
fn a_zero_on_a_gatekeeping_criterion_stops_the_sheet() {
    let r = rubric()
        .score(&answers(&[
            ("1.1", 3),
            ("1.2", 2),
            ("1.3", 3),
            ("1.4", 2),
            ("2.1", 2),
            ("2.2", 1),
        ]))
        .unwrap();
    assert_eq!(r.star, None);
    assert_eq!(r.knockouts[0].criterion, "2.2");
    assert!(matches!(
        r.criteria.last().unwrap().outcome,
        Outcome::KnockedOut { .. }
    ));
}

#[test]
fn a_failed_gate_stops_everything() {
    let mut a = full_marks();
    a.gates.insert("G1".into(), false);
    let errors = rubric().score(&a).unwrap_err();
    assert!(errors.iter().all(|e| e.code == "answers.after_knockout") && errors.len() == 7);
    a.answers.clear();
    let r = rubric().score(&a).unwrap();
    assert_eq!((r.total, r.star), (0, None));
    assert!(r.knockouts[0].gate);
}

#[test]
fn an_unanswered_gate_or_criterion_leaves_the_sheet_incomplete() {
    let mut a = full_marks();
    a.gates.clear();
    a.answers.remove("3");
    let r = rubric().score(&a).unwrap();
    assert!(!r.complete);
    assert_eq!(r.unanswered, ["3"]);
    assert_eq!(r.unanswered_gates, ["G1"]);
    assert_eq!(r.total, 15);
}

#[test]
fn minimum_requirements_hold_the_star_below_the_score() {
    // 18 points by score = 5 stars, but Part B is 8 < 9: held at 4.
    let mut a = full_marks();
    a.answers.insert("2.1".into(), Answer::Level(1)); // 0 instead of 2
    let r = rubric().score(&a).unwrap();
    assert_eq!(r.total, 18);
    assert_eq!((r.star_by_score, r.star), (5, Some(4)));
    assert!(matches!(
        &r.reasons[..],
        [Reason::MinimumNotMet { star: 5, .. }]
    ));
}

#[test]
fn next_star_says_how_many_points_are_missing() {
    let r = rubric()
        .score(&answers(&[
            ("1.1", 3),
            ("1.2", 2),
            ("1.3", 1),
            ("2.1", 2),
            ("2.2", 2),
            ("3", 1),
        ]))
        .unwrap();
    assert_eq!(r.total, 3 + 2 + 2 + 3, "3 + 2 + 0 (not applicable) + 2 + 3");
    assert_eq!(r.star_by_score, 3);
    let next = r.next_star.unwrap();
    assert_eq!(
        (next.star, next.min_total, next.points_needed),
        (4, 14, 4.0)
    );
}

#[test]
fn answers_files_accept_positions_and_na_and_name_the_path_of_a_bad_value() {
    let a =
        parse_answers(r#"{"criteria": "mini", "answers": {"1.1": 2, "1.4": "na", "1.2": "3"}}"#)
            .unwrap();
    assert_eq!(a.answers["1.1"], Answer::Level(2));
    assert_eq!(a.answers["1.4"], Answer::NotApplicable);
    assert_eq!(a.answers["1.2"], Answer::Level(3));
    for (bad, path) in [
        (
            r#"{"criteria": "mini", "answers": {"1.1": 0}}"#,
            "answers.1.1",
        ),
        (
            r#"{"criteria": "mini", "answers": {"1.1": "three"}}"#,
            "answers.1.1",
        ),
        (
            r#"{"criteria": "mini", "answers": {"1.1": 1.5}}"#,
            "answers.1.1",
        ),
        (r#"{"criteria": "mini", "answer": {}}"#, "answer"),
    ] {
        let err = parse_answers(bad).unwrap_err().to_string();
        assert!(err.contains(path), "{bad}: {err}");
    }
    assert!(parse_answers(r#"{"criteria": "mini", "answers": {"#)
        .unwrap_err()
        .to_string()
        .contains("line 1"));
}

#[test]
fn a_council_averages_totals_and_names_who_diverges_and_where() {
    let rubric = rubric();
    let mut chair = full_marks(); // 20
    chair.assessor = Some("Chair".into());
    let mut second = full_marks();
    second.assessor = Some("Second".into());
    second.answers.insert("3".into(), Answer::Level(1)); // 15
    let r = rubric.score_council(&[chair.clone(), second]).unwrap();
    assert_eq!(r.average, 17.5);
    assert_eq!(r.star_by_score, 4);
    assert_eq!((r.divergence.spread, r.divergence.exceeded), (5, true));
    assert_eq!(r.divergence.pairs[0].high, "Chair");
    assert_eq!(r.divergence.pairs[0].low, "Second");
    assert_eq!(r.divergence.criteria.len(), 1);
    assert_eq!(r.divergence.criteria[0].code, "3");
    assert_eq!(r.divergence.criteria[0].points, [Some(5), Some(0)]);

    let mut third = full_marks();
    third.assessor = Some("Third".into());
    third.answers.insert("3".into(), Answer::Level(2)); // 17
    let r = rubric.score_council(&[chair, third]).unwrap();
    assert_eq!((r.divergence.spread, r.divergence.exceeded), (3, false));
    assert!(r.divergence.pairs.is_empty());
}

#[test]
fn a_knockout_any_council_member_records_holds_for_the_product() {
    let rubric = rubric();
    let mut one = full_marks();
    one.knockouts.push("1.1".into());
    let r = rubric.score_council(&[full_marks(), one]).unwrap();
    assert_eq!(r.star, None);
    assert_eq!(r.knockouts.len(), 1);
    assert_eq!(r.knockouts[0].member, "member 2");
}

#[test]
fn a_council_reports_every_member_error() {
    let mut bad = full_marks();
    bad.answers.insert("1.1".into(), Answer::Level(9));
    bad.assessor = Some("Bad".into());
    let errors = rubric().score_council(&[full_marks(), bad]).unwrap_err();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].member, "Bad");
    assert!(rubric().score_council(&[]).is_err());
}
