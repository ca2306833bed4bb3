//! Properties of the engine over every shipped set and random answers.

use std::collections::BTreeMap;

use ovop_core::catalog::Catalog;
use ovop_core::criteria::{CriteriaSet, Rounding, StarBand, StarRule};
use ovop_core::rubric::Outcome;
use ovop_core::{Answer, Answers, Rubric};
use proptest::prelude::*;

fn shipped() -> &'static Catalog {
    use std::sync::OnceLock;
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::shipped)
}

/// Random answers that the engine accepts: a level for every criterion that applies, in sheet
/// order, "na" where a condition fails, nothing after a knock-out.
fn valid_answers(rubric: &Rubric, picks: &[u32], skip: &[bool]) -> Answers {
    let set = rubric.set();
    let mut answers = Answers {
        criteria: set.id.clone(),
        ..Answers::default()
    };
    answers.gates = set
        .gates
        .iter()
        .map(|g| (g.code.clone(), true))
        .collect::<BTreeMap<_, _>>();
    for (i, criterion) in set.criteria().enumerate() {
        let pick = picks[i % picks.len()] as usize % criterion.levels.len();
        if skip[i % skip.len()] {
            continue;
        }
        answers
            .answers
            .insert(criterion.code.clone(), Answer::Level(pick as u32 + 1));
        // Drop what the engine refuses, one criterion at a time, so the sheet stays valid.
        if let Err(errors) = rubric.score(&answers) {
            for e in errors {
                if let Some(code) = e.criterion {
                    answers.answers.remove(&code);
                }
            }
        }
    }
    answers
}

fn any_set() -> impl Strategy<Value = usize> {
    0..shipped().entries().len()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn a_total_stays_between_zero_and_the_maximum(
        set in any_set(),
        picks in prop::collection::vec(0u32..10, 1..40),
        skip in prop::collection::vec(prop::bool::weighted(0.1), 1..40),
    ) {
        let rubric = &shipped().entries()[set].rubric;
        let answers = valid_answers(rubric, &picks, &skip);
        let result = rubric.score(&answers).expect("valid answers are accepted");
        prop_assert!(result.total <= result.max_total);
        prop_assert_eq!(result.total, result.parts.iter().map(|p| p.points).sum::<u32>());
        for part in &result.parts {
            prop_assert!(part.points <= part.max);
        }
        let bands = &rubric.set().stars.bands;
        prop_assert!(bands.iter().any(|b| b.star == result.star_by_score));
        if let Some(star) = result.star {
            prop_assert!(star <= result.star_by_score);
        }
    }

    #[test]
    fn raising_one_level_never_lowers_the_total(
        set in any_set(),
        picks in prop::collection::vec(0u32..10, 1..40),
        which in 0usize..40,
    ) {
        let rubric = &shipped().entries()[set].rubric;
        let answers = valid_answers(rubric, &picks, &[false]);
        let before = rubric.score(&answers).expect("valid");
        let scored: Vec<_> = before.criteria.iter().filter_map(|c| match &c.outcome {
            Outcome::Scored { position, points, scale } => Some((c.code.clone(), *position, *points, scale.clone())),
            _ => None,
        }).collect();
        prop_assume!(!scored.is_empty());
        let (code, _, points, scale) = &scored[which % scored.len()];
        let criterion = rubric.set().criteria().find(|c| &c.code == code).unwrap();
        // A better level on the same scale.
        let better = criterion.levels.iter().enumerate().find(|(_, l)| l.scale == *scale && l.points > *points);
        prop_assume!(better.is_some());
        let (position, _) = better.unwrap();
        let mut raised = answers.clone();
        raised.answers.insert(code.clone(), Answer::Level(position as u32 + 1));
        // Raising a story from 0 makes its dependants apply, raising a zero past a knock-out
        // reopens the rest: either way they are unanswered, never refused.
        let after = rubric.score(&raised).expect("raising a level keeps the sheet valid");
        prop_assert!(after.total >= before.total, "{code}: {} -> {}", before.total, after.total);
    }

    #[test]
    fn averages_meet_the_bands_as_the_rounding_rule_says(hundredths in 0u64..10_001) {
        let rule = |rounding| {
            let mut set: CriteriaSet = shipped().get("ocop-1048-02", None).unwrap().rubric.set().clone();
            set.stars = StarRule { rounding, bands: ocop_bands() };
            Rubric::new(set).unwrap()
        };
        let expected = |value: u64| match value / 100 { 0..=29 => 1, 30..=49 => 2, 50..=69 => 3, 70..=89 => 4, _ => 5 };
        prop_assert_eq!(rule(Rounding::None).star_for_hundredths(hundredths), expected(hundredths));
        prop_assert_eq!(rule(Rounding::Floor).star_for_hundredths(hundredths), expected(hundredths));
        prop_assert_eq!(rule(Rounding::HalfUp).star_for_hundredths(hundredths), expected(hundredths + 50));
    }
}

fn ocop_bands() -> Vec<StarBand> {
    [(1, 0), (2, 30), (3, 50), (4, 70), (5, 90)]
        .into_iter()
        .map(|(star, min)| StarBand { star, min })
        .collect()
}

#[test]
fn ocop_band_boundaries_fall_where_the_decision_puts_them() {
    let rubric = &shipped()
        .get("ocop-1048-02", None)
        .expect("cereal set")
        .rubric;
    for (total, star) in [
        (0, 1),
        (29, 1),
        (30, 2),
        (49, 2),
        (50, 3),
        (69, 3),
        (70, 4),
        (89, 4),
        (90, 5),
        (100, 5),
    ] {
        assert_eq!(
            rubric.star_for_hundredths(total * 100),
            star,
            "{total} points"
        );
    }
    // A council's 89.5 stays four stars: the shipped OCOP sets do not round.
    assert_eq!(rubric.star_for_hundredths(8950), 4);
    assert_eq!(rubric.star_for_hundredths(8999), 4);
    assert_eq!(rubric.star_for_hundredths(6999), 3);
}

#[test]
fn a_council_average_of_89_5_is_four_stars_without_rounding_and_five_with_half_up() {
    let entry = shipped().get("ocop-1048-02", None).expect("cereal set");
    let set = entry.rubric.set().clone();
    // Two members 89 and 90 -> 89.5.
    let sheet = |target: u32, name: &str| {
        let rubric = &entry.rubric;
        let mut answers = Answers {
            criteria: set.id.clone(),
            assessor: Some(name.into()),
            ..Answers::default()
        };
        // Best level everywhere, then lower criteria until the total reaches the target.
        for c in set.criteria() {
            let best = c
                .levels
                .iter()
                .enumerate()
                .filter(|(_, l)| l.scale == c.levels.iter().max_by_key(|l| l.points).unwrap().scale)
                .max_by_key(|(_, l)| l.points)
                .unwrap()
                .0;
            answers
                .answers
                .insert(c.code.clone(), Answer::Level(best as u32 + 1));
        }
        let mut total = rubric.score(&answers).unwrap().total;
        for c in set.criteria() {
            if total <= target {
                break;
            }
            if c.knockout.is_some()
                || c.applies_if.is_some()
                || set
                    .criteria()
                    .any(|d| d.applies_if.as_ref().is_some_and(|a| a.criterion == c.code))
            {
                continue;
            }
            let current = match answers.answers[&c.code] {
                Answer::Level(p) => p as usize - 1,
                Answer::NotApplicable => continue,
            };
            let current_points = c.levels[current].points;
            if let Some((i, l)) = c
                .levels
                .iter()
                .enumerate()
                .filter(|(_, l)| {
                    l.scale == c.levels[current].scale
                        && l.points < current_points
                        && current_points - l.points <= total - target
                })
                .min_by_key(|(_, l)| l.points)
            {
                total -= current_points - l.points;
                answers
                    .answers
                    .insert(c.code.clone(), Answer::Level(i as u32 + 1));
            }
        }
        assert_eq!(
            rubric.score(&answers).unwrap().total,
            target,
            "could not build a sheet worth {target}"
        );
        answers
    };
    let members = [sheet(89, "A"), sheet(90, "B")];
    let result = entry.rubric.score_council(&members).unwrap();
    assert_eq!(result.average, 89.5);
    assert_eq!(result.star_by_score, 4);

    let mut rounded = set.clone();
    rounded.stars.rounding = Rounding::HalfUp;
    let rubric = Rubric::new(rounded).unwrap();
    assert_eq!(rubric.score_council(&members).unwrap().star_by_score, 5);
}
