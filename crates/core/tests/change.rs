//! One change applied by the engine (`Rubric::apply`): the answers it makes impossible are
//! cleared with their reasons, the change itself is never altered, a wrong change is refused
//! with the engine's per-criterion codes, and the result is the score of the settled answers.

use ovop_core::{Answer, DraftChange};

mod mini;
use mini::{full_marks, rubric};

fn level(code: &str, answer: Option<Answer>) -> DraftChange {
    DraftChange::Answer {
        code: code.into(),
        answer,
    }
}

#[test]
fn a_level_that_makes_a_criterion_not_apply_clears_its_answer_and_says_why() {
    let rubric = rubric();
    // 1.3 without a story: 1.4 no longer applies, and its answer goes.
    let settled = rubric
        .apply(&full_marks(), &level("1.3", Some(Answer::Level(1))))
        .expect("applies");
    assert_eq!(settled.cleared, ["1.4"]);
    assert_eq!(settled.reasons.len(), 1);
    assert_eq!(settled.reasons[0].code, "answers.not_applicable");
    assert_eq!(settled.reasons[0].criterion.as_deref(), Some("1.4"));
    assert_eq!(settled.answers.answers.get("1.3"), Some(&Answer::Level(1)));
    assert!(!settled.answers.answers.contains_key("1.4"));
    assert_eq!(
        settled.result,
        rubric
            .score(&settled.answers)
            .expect("the settled sheet scores")
    );
    assert_eq!(settled.result.total, 20 - 2 - 3);
}

#[test]
fn an_observed_knockout_clears_every_answer_after_it() {
    let rubric = rubric();
    let change = DraftChange::Knockout {
        code: "2.1".into(),
        observed: true,
    };
    let settled = rubric.apply(&full_marks(), &change).expect("applies");
    assert_eq!(settled.cleared, ["2.2", "3"]);
    assert!(settled
        .reasons
        .iter()
        .all(|r| r.code == "answers.after_knockout"));
    assert_eq!(settled.answers.knockouts, ["2.1"]);
    assert_eq!(settled.result.star, None);
}

#[test]
fn a_failed_gate_clears_the_whole_sheet() {
    let settled = rubric()
        .apply(
            &full_marks(),
            &DraftChange::Gate {
                code: "G1".into(),
                met: Some(false),
            },
        )
        .expect("applies");
    assert_eq!(settled.cleared.len(), 7);
    assert!(settled.answers.answers.is_empty());
    assert_eq!((settled.result.total, settled.result.star), (0, None));
}

#[test]
fn a_wrong_change_is_refused_with_the_engines_codes_and_the_change_is_never_altered() {
    let rubric = rubric();
    let before = full_marks();
    let errors = rubric
        .apply(&before, &level("1.1", Some(Answer::Level(9))))
        .expect_err("no level 9");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].code, "answers.no_such_level");
    assert_eq!(errors[0].criterion.as_deref(), Some("1.1"));
    // "na" on a criterion that applies is the change itself: refused, never "settled" away.
    let errors = rubric
        .apply(&before, &level("1.4", Some(Answer::NotApplicable)))
        .expect_err("applies");
    assert_eq!(errors[0].code, "answers.applies");
    let errors = rubric
        .apply(
            &before,
            &DraftChange::Gate {
                code: "G9".into(),
                met: Some(true),
            },
        )
        .expect_err("no such gate");
    assert_eq!(errors[0].code, "answers.unknown_gate");
}

#[test]
fn notes_and_cleared_answers_change_nothing_else() {
    let rubric = rubric();
    let noted = rubric
        .apply(
            &full_marks(),
            &DraftChange::Note {
                code: "1.1".into(),
                text: "seen the books".into(),
            },
        )
        .expect("a note");
    assert!(noted.cleared.is_empty());
    assert_eq!(
        noted.answers.notes.get("1.1").map(String::as_str),
        Some("seen the books")
    );
    let blank = rubric
        .apply(
            &noted.answers,
            &DraftChange::Note {
                code: "1.1".into(),
                text: "  ".into(),
            },
        )
        .expect("blank");
    assert!(blank.answers.notes.is_empty());
    let unanswered = rubric
        .apply(&full_marks(), &level("3", None))
        .expect("cleared");
    assert!(unanswered.cleared.is_empty());
    assert!(!unanswered.result.complete);
}
