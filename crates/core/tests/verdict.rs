//! The official verdict, hand-computed on the small sheet (`fixtures/mini.json`: bands 0/5/10/14/18
//! for one to five stars, no rounding, members within 3 points, a gate G1).

use ovop_core::criteria::{Quorum, Rounding};
use ovop_core::verdict::{number_text, Pending, Sitting, Standing};
use ovop_core::{Answer, Answers, Rubric};

mod mini;
use mini::{full_marks, rubric};

fn member(name: &str, three: u32) -> Answers {
    // Criterion 3: level 3 = 5 points, 2 = 2 points, 1 = 0 points.
    let mut a = full_marks();
    a.assessor = Some(name.into());
    a.answers.insert("3".into(), Answer::Level(three));
    a
}

fn with(rounding: Rounding, quorum: Option<Quorum>) -> Rubric {
    let mut set = rubric().set().clone();
    set.stars.rounding = rounding;
    set.council.quorum = quorum;
    Rubric::new(set).unwrap()
}

#[test]
fn one_complete_sheet_is_final_with_its_total_and_star() {
    let r = rubric();
    let v = r.official(&[full_marks()], None).unwrap();
    assert_eq!((v.total_hundredths, v.total_text().as_str()), (2000, "20"));
    assert_eq!(
        (v.standing, v.star, v.sheets),
        (Standing::Final, Some(5), 1)
    );
    assert!(v.pending.is_empty());
    assert_eq!(v.parts.iter().map(|p| p.points).sum::<f64>(), 20.0);
}

#[test]
fn an_incomplete_sheet_is_provisional_without_a_star_and_says_what_is_missing() {
    let mut a = full_marks();
    a.answers.remove("2.1");
    a.gates.clear();
    let v = rubric().official(&[a], None).unwrap();
    assert_eq!(v.standing, Standing::Provisional);
    assert_eq!(v.star, None, "a provisional result has no final star");
    assert_eq!(v.total_text(), "18");
    assert_eq!(
        v.provisional_star,
        Some(4),
        "part B below 9 holds it at four"
    );
    assert_eq!(
        v.pending,
        [
            Pending::GatesUnanswered {
                member: None,
                gates: vec!["G1".into()]
            },
            Pending::Unanswered {
                member: None,
                criteria: vec!["2.1".into()]
            },
        ]
    );
}

#[test]
fn a_knockout_or_a_failed_gate_is_not_classified() {
    let mut a = full_marks();
    a.knockouts.push("1.1".into());
    let v = rubric().official(&[a], None).unwrap();
    assert_eq!(
        (v.standing, v.star, v.provisional_star),
        (Standing::NotClassified, None, None)
    );
    assert!(matches!(&v.pending[..], [Pending::Knockout { criterion, .. }] if criterion == "1.1"));

    let mut a = full_marks();
    a.gates.insert("G1".into(), false);
    a.answers.clear(); // nothing is assessed after a failed gate
    let v = rubric().official(&[a], None).unwrap();
    assert_eq!(v.standing, Standing::NotClassified);
    assert!(matches!(&v.pending[..], [Pending::GateFailed { gate, .. }] if gate == "G1"));
}

/// Members of 20 and 17 points average 18.5: five stars by the bands (18) under every rule; 17.5
/// (20 and 15, beyond the 3 allowed) is provisional; 13.5 and 14 show the rounding rules.
#[test]
fn a_council_is_the_verdict_over_its_members_with_the_sets_rounding() {
    let r = rubric();
    let v = r.official(&[member("A", 3), member("B", 2)], None).unwrap();
    assert_eq!(
        (v.sheets, v.total_text().as_str(), v.exact),
        (2, "18.5", 18.5)
    );
    assert_eq!((v.standing, v.star_by_score), (Standing::Final, 5));

    // 20 and 15: beyond the council's 3 points.
    let v = r.official(&[member("A", 3), member("B", 1)], None).unwrap();
    assert_eq!((v.standing, v.star), (Standing::Provisional, None));
    assert_eq!(
        v.pending,
        [Pending::Divergence {
            spread: 5,
            allowed: 3
        }]
    );
    assert_eq!(v.provisional_star, Some(4));

    // 15 and 12 average 13.5: below 14 without rounding and rounded down, four stars halves up.
    let mut low = member("A", 1); // 15
    low.answers.insert("1.3".into(), Answer::Level(2)); // 1 of 2 → 14
    low.answers.insert("1.1".into(), Answer::Level(1)); // 1 of 3 → 12
    let pair = [member("B", 1), low];
    for (rounding, text, star) in [
        (Rounding::None, "13.5", 3),
        (Rounding::Floor, "13", 3),
        (Rounding::HalfUp, "14", 4),
    ] {
        let v = with(rounding, None).official(&pair, None).unwrap();
        assert_eq!(
            (v.total_text().as_str(), v.star_by_score),
            (text, star),
            "{rounding:?}"
        );
        assert_eq!(v.exact, 13.5);
    }
}

#[test]
fn a_member_with_an_unanswered_sheet_keeps_the_council_provisional() {
    let mut b = member("B", 3);
    b.answers.remove("2.2");
    let v = rubric().official(&[member("A", 3), b], None).unwrap();
    assert_eq!(v.standing, Standing::Provisional);
    assert_eq!(
        v.pending,
        [Pending::Unanswered {
            member: Some("B".into()),
            criteria: vec!["2.2".into()]
        }]
    );
}

/// 75 % of seven appointed is 5.25: six must sit, the chair among them.
#[test]
fn the_quorum_the_set_states_is_counted_with_the_chair() {
    let r = with(
        Rounding::None,
        Some(Quorum {
            share_percent: 75,
            chair_required: true,
        }),
    );
    let sheets: Vec<Answers> = (0..6).map(|i| member(&format!("M{i}"), 3)).collect();
    let sat = |appointed, chair_present| Sitting {
        appointed,
        chair_present,
    };
    assert_eq!(
        r.official(&sheets, Some(&sat(7, true))).unwrap().standing,
        Standing::Final
    );
    assert_eq!(
        r.official(&sheets[..5], Some(&sat(7, true)))
            .unwrap()
            .pending,
        [Pending::Quorum {
            present: 5,
            required: 6,
            chair_required: true,
            chair_present: true
        }]
    );
    assert_eq!(
        r.official(&sheets, Some(&sat(7, false))).unwrap().standing,
        Standing::Provisional
    );
    assert_eq!(
        r.official(&sheets, None).unwrap().pending,
        [Pending::SittingUnknown]
    );
    // The same council under a set without a quorum is final.
    assert_eq!(
        rubric().official(&sheets[..2], None).unwrap().standing,
        Standing::Final
    );
}

#[test]
fn a_quorum_outside_one_to_a_hundred_percent_is_refused() {
    let mut set = rubric().set().clone();
    set.council.quorum = Some(Quorum {
        share_percent: 0,
        chair_required: false,
    });
    let findings = Rubric::new(set).unwrap_err();
    assert!(findings.iter().any(|f| f.code == "bad_quorum"));
}

#[test]
fn thirds_are_written_to_two_places() {
    let r = rubric();
    // 20, 20, 17: 57 / 3 = 19 exactly; 20, 17, 17: 54 / 3 = 18.
    let v = r
        .official(&[member("A", 3), member("B", 3), member("C", 2)], None)
        .unwrap();
    assert_eq!(v.total_text(), "19");
    // 20, 20, 19 would be 19.67; the mini sheet has no 1-point step on 3, so use parts.
    assert_eq!(number_text(59.0 / 3.0), "19.66");
}
