//! Coaching after an assessment (*pembinaan*, *pendampingan*): where a product gains most toward
//! its next star, and what a coaching plan's actions mean (the kind of support, who owns it,
//! how far it went, when it is overdue). Pure: time is passed in; the store keeps plans, the
//! sheets print them and the UI shows them, all by these rules.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::criteria::CriteriaSet;
use crate::rubric::{Outcome, ScoreResult};
use crate::validity::parse_day;

/// One criterion a product can climb on: where it stands, the next level up and its top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Step {
    pub criterion: String,
    pub points: u32,
    /// The points of the next level up on the same scale.
    pub next_points: u32,
    /// Where that level is in the criterion's `levels` (its words are there).
    pub next_level: u32,
    /// The points of the criterion's top level on the same scale.
    pub max_points: u32,
    /// `max_points - points`: what the criterion can still give.
    pub gap: u32,
    /// Raising this criterion to its top alone would bring the total to the next star's lower
    /// bound (a minimum requirement may still hold the star back: `NextStar` says which).
    pub reaches_next_star: bool,
}

/// The scored criteria below their top level, the biggest gap first and the sheet's order
/// among equals. Criteria that do not apply, were knocked out or are unanswered are not steps.
pub fn steps(set: &CriteriaSet, result: &ScoreResult) -> Vec<Step> {
    let needed = result.next_star.as_ref().map(|n| n.points_needed);
    let mut steps: Vec<Step> = set
        .criteria()
        .filter_map(|criterion| {
            let outcome = result.criteria.iter().find(|c| c.code == criterion.code)?;
            let Outcome::Scored { points, scale, .. } = &outcome.outcome else {
                return None;
            };
            let same_scale = |level: &crate::criteria::Level| {
                scale.is_none() || level.scale.as_deref() == scale.as_deref()
            };
            let max = criterion
                .levels
                .iter()
                .filter(|l| same_scale(l))
                .map(|l| l.points)
                .max()?;
            let (next_level, next) = criterion
                .levels
                .iter()
                .enumerate()
                .filter(|(_, l)| same_scale(l) && l.points > *points)
                .min_by_key(|(_, l)| l.points)?;
            let gap = max - points;
            Some(Step {
                criterion: criterion.code.clone(),
                points: *points,
                next_points: next.points,
                next_level: next_level as u32,
                max_points: max,
                gap,
                reaches_next_star: needed.is_some_and(|n| f64::from(gap) >= n),
            })
        })
        .collect();
    steps.sort_by_key(|step| std::cmp::Reverse(step.gap));
    steps
}

/// The kind of support an action gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Support {
    Training,
    /// Packaging and label.
    Packaging,
    LabTest,
    /// A certification or a permit (halal, PIRT, SNI, trademark, ...).
    Certification,
    /// Marketing and fairs.
    Marketing,
    Finance,
    Other,
}

impl Support {
    /// Its wire code (`lab_test`), the key of its words.
    pub fn code(self) -> &'static str {
        match self {
            Support::Training => "training",
            Support::Packaging => "packaging",
            Support::LabTest => "lab_test",
            Support::Certification => "certification",
            Support::Marketing => "marketing",
            Support::Finance => "finance",
            Support::Other => "other",
        }
    }

    pub const ALL: [Support; 7] = [
        Support::Training,
        Support::Packaging,
        Support::LabTest,
        Support::Certification,
        Support::Marketing,
        Support::Finance,
        Support::Other,
    ];
}

/// Who carries an action out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    /// The officer who made the plan.
    Officer,
    /// Another office (a neighbouring service, the province).
    Office,
    /// A partner (a university, a bank, a company).
    Partner,
}

impl Owner {
    /// Its wire code (`partner`), the key of its words.
    pub fn code(self) -> &'static str {
        match self {
            Owner::Officer => "officer",
            Owner::Office => "office",
            Owner::Partner => "partner",
        }
    }
}

/// How far an action went, as the last follow-up visit found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Progress {
    #[default]
    NotStarted,
    InProgress,
    Done,
    /// Given up; the reason is said.
    Dropped,
}

impl Progress {
    /// Its wire code (`in_progress`), the key of its words.
    pub fn code(self) -> &'static str {
        match self {
            Progress::NotStarted => "not_started",
            Progress::InProgress => "in_progress",
            Progress::Done => "done",
            Progress::Dropped => "dropped",
        }
    }

    /// Still to be done: not started or in progress.
    pub fn open(self) -> bool {
        matches!(self, Progress::NotStarted | Progress::InProgress)
    }
}

/// One action of a coaching plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// The criterion it lifts, when it lifts one (an action may be about the business at large).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    /// The points of the level it aims the criterion at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_points: Option<u32>,
    pub support: Support,
    pub owner: Owner,
    /// The office or partner, or the officer's colleague, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub progress: Progress,
    /// Why it was dropped (required then, and only then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped_because: Option<String>,
}

/// Why an action does not hold together: the field and the problem's stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionError {
    pub field: &'static str,
    pub problem: &'static str,
}

impl std::fmt::Display for ActionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.problem {
            "unknown_criterion" => "names a criterion the set does not have",
            "target_not_a_level" => "aims at points that are not one of the criterion's levels",
            "target_without_criterion" => "aims at a level without naming a criterion",
            "not_a_day" => "is not a day (YYYY-MM-DD)",
            "reason_required" => "is required when an action is dropped",
            "reason_unexpected" => "is only given when an action is dropped",
            "owner_unnamed" => "is required when another office or a partner owns the action",
            "too_many" => "name more actions than one visit may (200)",
            "named_twice" => "name one action twice",
            "not_an_action" => "is not an action's id",
            _ => "is too long",
        };
        write!(f, "{} {what}", self.field)
    }
}

const MAX_TEXT: usize = 2_000;

/// Checks an action against the set its plan was made from (none for an action not made from
/// an assessment, which then names no criterion).
pub fn check_action(set: Option<&CriteriaSet>, action: &Action) -> Result<(), ActionError> {
    let bad = |field, problem| Err(ActionError { field, problem });
    match (&action.criterion, action.target_points) {
        (Some(code), target) => {
            let Some(criterion) = set.and_then(|s| s.criteria().find(|c| &c.code == code)) else {
                return bad("criterion", "unknown_criterion");
            };
            if target.is_some_and(|t| !criterion.levels.iter().any(|l| l.points == t)) {
                return bad("target_points", "target_not_a_level");
            }
        }
        (None, Some(_)) => return bad("target_points", "target_without_criterion"),
        (None, None) => {}
    }
    if action
        .due
        .as_deref()
        .is_some_and(|d| parse_day(d).is_none())
    {
        return bad("due", "not_a_day");
    }
    let reason = action
        .dropped_because
        .as_deref()
        .is_some_and(|r| !r.trim().is_empty());
    match (action.progress, reason) {
        (Progress::Dropped, false) => return bad("dropped_because", "reason_required"),
        (p, true) if p != Progress::Dropped => return bad("dropped_because", "reason_unexpected"),
        _ => {}
    }
    let named = action
        .owner_name
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty());
    if action.owner != Owner::Officer && !named {
        return bad("owner_name", "owner_unnamed");
    }
    for (field, text) in [
        ("notes", Some(action.notes.as_str())),
        ("owner_name", action.owner_name.as_deref()),
        ("dropped_because", action.dropped_because.as_deref()),
    ] {
        if text.is_some_and(|t| t.chars().count() > MAX_TEXT) {
            return bad(field, "too_long");
        }
    }
    Ok(())
}

/// Where an open action's due day stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Due {
    /// Its day has passed.
    Overdue,
    /// Today or within the next six days.
    ThisWeek,
    Later,
}

/// An action's standing on `today`: none when it is done or dropped, or has no due day.
pub fn due(action: &Action, today: Date) -> Option<Due> {
    if !action.progress.open() {
        return None;
    }
    let day = parse_day(action.due.as_deref()?)?;
    let days = (day - today).whole_days();
    Some(if days < 0 {
        Due::Overdue
    } else if days < 7 {
        Due::ThisWeek
    } else {
        Due::Later
    })
}

/// The actions a plan starts with: one per step, aimed at the next level up, owned by the
/// officer, of the kind the officer then chooses (`Other` until then), without a day.
pub fn suggested(steps: &[Step], limit: usize) -> Vec<Action> {
    steps
        .iter()
        .take(limit)
        .map(|step| Action {
            criterion: Some(step.criterion.clone()),
            target_points: Some(step.next_points),
            support: Support::Other,
            owner: Owner::Officer,
            owner_name: None,
            due: None,
            notes: String::new(),
            progress: Progress::NotStarted,
            dropped_because: None,
        })
        .collect()
}

/// What a follow-up visit found of one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(deny_unknown_fields)]
pub struct ActionUpdate {
    pub action_id: String,
    pub progress: Progress,
    /// What was done.
    #[serde(default)]
    pub done: String,
    /// Why it was dropped (required when `progress` is dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped_because: Option<String>,
}

/// The most actions one visit may speak of.
pub const MAX_VISIT_UPDATES: usize = 200;

/// Checks a follow-up visit as a whole: its day, its notes, and each action it speaks of at
/// most once, a dropped one with its reason. Where the actions belong is the store's and the
/// server's to check.
pub fn check_visit(
    visited_on: &str,
    notes: &str,
    updates: &[ActionUpdate],
) -> Result<(), ActionError> {
    let bad = |field, problem| Err(ActionError { field, problem });
    if parse_day(visited_on).is_none() {
        return bad("visited_on", "not_a_day");
    }
    if notes.chars().count() > MAX_TEXT {
        return bad("notes", "too_long");
    }
    if updates.len() > MAX_VISIT_UPDATES {
        return bad("updates", "too_many");
    }
    for (i, update) in updates.iter().enumerate() {
        if updates[..i].iter().any(|u| u.action_id == update.action_id) {
            return bad("updates", "named_twice");
        }
        if update.action_id.is_empty() || update.action_id.len() > 64 {
            return bad("action_id", "not_an_action");
        }
        let reason = update
            .dropped_because
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        match (update.progress, reason) {
            (Progress::Dropped, false) => return bad("dropped_because", "reason_required"),
            (p, true) if p != Progress::Dropped => {
                return bad("dropped_because", "reason_unexpected")
            }
            _ => {}
        }
        for (field, text) in [
            ("done", Some(update.done.as_str())),
            ("dropped_because", update.dropped_because.as_deref()),
        ] {
            if text.is_some_and(|t| t.chars().count() > MAX_TEXT) {
                return bad(field, "too_long");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::{Answer, Answers};
    use crate::catalog::Catalog;

    fn template() -> crate::rubric::Rubric {
        Catalog::shipped()
            .get("ovop-id-template", Some("2026.2"))
            .expect("the template")
            .rubric
            .clone()
    }

    /// Every criterion at `level` (1..3, 1..3 points), the first `high` at 3, gates met.
    fn sheet(rubric: &crate::rubric::Rubric, level: u32, high: usize) -> Answers {
        let set = rubric.set();
        Answers {
            criteria: set.id.clone(),
            version: Some(set.version.clone()),
            gates: set.gates.iter().map(|g| (g.code.clone(), true)).collect(),
            answers: set
                .criteria()
                .enumerate()
                .map(|(i, c)| {
                    let l = if i < high { 3 } else { level };
                    (c.code.clone(), Answer::Level(l))
                })
                .collect(),
            ..Answers::default()
        }
    }

    #[test]
    fn steps_put_the_biggest_gaps_first_in_sheet_order_and_say_which_reach_the_next_star() {
        let rubric = template();
        let codes: Vec<String> = rubric.set().criteria().map(|c| c.code.clone()).collect();
        // Level 1 everywhere but the first four at 3: 22 - 4 = 18 criteria at 1 point, 4 at 3:
        // 18 + 12 = 30 of 66, two stars (three from 33: 3 points needed).
        let result = rubric.score(&sheet(&rubric, 1, 4)).expect("scored");
        assert_eq!((result.total, result.star), (30, Some(2)));
        let steps = steps(rubric.set(), &result);
        // The four at the top are not steps; the other 18 each gain 2 to the top, 1 to the next.
        assert_eq!(steps.len(), 18);
        assert_eq!(
            steps
                .iter()
                .map(|s| s.criterion.as_str())
                .collect::<Vec<_>>(),
            codes[4..].iter().map(String::as_str).collect::<Vec<_>>()
        );
        let first = &steps[0];
        assert_eq!(
            (first.points, first.next_points, first.max_points, first.gap),
            (1, 2, 3, 2)
        );
        assert_eq!(first.next_level, 1, "level 2 is the second of 1, 2, 3");
        // 2 points do not reach the 3 needed.
        assert!(steps.iter().all(|s| !s.reaches_next_star));

        // 32 of 66 (two stars, 1 point from three): any step reaches it.
        let result = rubric.score(&sheet(&rubric, 1, 5)).expect("scored");
        assert_eq!(result.total, 32);
        assert!(steps_of(&rubric, &result)
            .iter()
            .all(|s| s.reaches_next_star));
        // Every criterion at the top: nothing to climb.
        let top = rubric.score(&sheet(&rubric, 3, 0)).expect("scored");
        assert!(steps_of(&rubric, &top).is_empty());
    }

    fn steps_of(rubric: &crate::rubric::Rubric, result: &ScoreResult) -> Vec<Step> {
        steps(rubric.set(), result)
    }

    #[test]
    fn unanswered_criteria_are_not_steps_and_a_plan_starts_from_the_first_steps() {
        let rubric = template();
        let mut answers = sheet(&rubric, 2, 0);
        let first = rubric
            .set()
            .criteria()
            .next()
            .expect("a criterion")
            .code
            .clone();
        answers.answers.remove(&first);
        let result = rubric.score(&answers).expect("scored");
        let steps = steps(rubric.set(), &result);
        assert_eq!(steps.len(), 21);
        assert!(steps.iter().all(|s| s.criterion != first));
        let plan = suggested(&steps, 5);
        assert_eq!(plan.len(), 5);
        assert!(plan.iter().all(|a| a.target_points == Some(3)
            && a.progress == Progress::NotStarted
            && check_action(Some(rubric.set()), a).is_ok()));
    }

    fn action() -> Action {
        Action {
            criterion: Some("1.1".into()),
            target_points: Some(3),
            support: Support::Packaging,
            owner: Owner::Officer,
            owner_name: None,
            due: Some("2027-02-28".into()),
            notes: "Label baru dengan komposisi".into(),
            progress: Progress::NotStarted,
            dropped_because: None,
        }
    }

    #[test]
    fn an_action_is_checked_field_by_field() {
        let rubric = template();
        let set = rubric.set();
        let code = set.criteria().next().expect("a criterion").code.clone();
        let good = Action {
            criterion: Some(code.clone()),
            ..action()
        };
        assert_eq!(check_action(Some(set), &good), Ok(()));
        let problem = |a: Action| check_action(Some(set), &a).map_err(|e| (e.field, e.problem));
        let cases = [
            (
                Action {
                    criterion: Some("9.9.9".into()),
                    ..good.clone()
                },
                ("criterion", "unknown_criterion"),
            ),
            (
                Action {
                    target_points: Some(7),
                    ..good.clone()
                },
                ("target_points", "target_not_a_level"),
            ),
            (
                Action {
                    criterion: None,
                    ..good.clone()
                },
                ("target_points", "target_without_criterion"),
            ),
            (
                Action {
                    due: Some("2027-02-30".into()),
                    ..good.clone()
                },
                ("due", "not_a_day"),
            ),
            (
                Action {
                    progress: Progress::Dropped,
                    dropped_because: Some("  ".into()),
                    ..good.clone()
                },
                ("dropped_because", "reason_required"),
            ),
            (
                Action {
                    dropped_because: Some("tidak jadi".into()),
                    ..good.clone()
                },
                ("dropped_because", "reason_unexpected"),
            ),
            (
                Action {
                    owner: Owner::Partner,
                    ..good.clone()
                },
                ("owner_name", "owner_unnamed"),
            ),
            (
                Action {
                    notes: "x".repeat(2_001),
                    ..good.clone()
                },
                ("notes", "too_long"),
            ),
        ];
        for (bad, expected) in cases {
            assert_eq!(problem(bad), Err(expected));
        }
        // Dropped with a reason, owned by a named partner, about the business at large: fine.
        let fine = Action {
            criterion: None,
            target_points: None,
            owner: Owner::Partner,
            owner_name: Some("Bank BPD Kalsel".into()),
            progress: Progress::Dropped,
            dropped_because: Some("Produsen memilih koperasi".into()),
            ..good.clone()
        };
        assert_eq!(check_action(Some(set), &fine), Ok(()));
        assert_eq!(
            check_action(None, &fine),
            Ok(()),
            "no set is needed without a criterion"
        );
        assert_eq!(
            check_action(None, &good).map_err(|e| e.problem),
            Err("unknown_criterion")
        );
        let err = check_action(
            Some(set),
            &Action {
                due: Some("besok".into()),
                ..fine
            },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "due is not a day (YYYY-MM-DD)");
    }

    #[test]
    fn an_open_action_is_overdue_after_its_day_and_due_this_week_for_seven_days() {
        let today = parse_day("2027-03-10").expect("a day");
        let on = |due: &str, progress: Progress| {
            let a = Action {
                due: Some(due.into()),
                progress,
                dropped_because: (progress == Progress::Dropped).then(|| "x".into()),
                ..action()
            };
            super::due(&a, today)
        };
        assert_eq!(on("2027-03-09", Progress::NotStarted), Some(Due::Overdue));
        assert_eq!(on("2026-12-31", Progress::InProgress), Some(Due::Overdue));
        assert_eq!(on("2027-03-10", Progress::NotStarted), Some(Due::ThisWeek));
        assert_eq!(on("2027-03-16", Progress::InProgress), Some(Due::ThisWeek));
        assert_eq!(on("2027-03-17", Progress::NotStarted), Some(Due::Later));
        // Done or dropped: nothing is due, however late.
        assert_eq!(on("2027-01-01", Progress::Done), None);
        assert_eq!(on("2027-01-01", Progress::Dropped), None);
        let undated = Action {
            due: None,
            ..action()
        };
        assert_eq!(due(&undated, today), None);
        // Every kind of support reads and writes as its word.
        for kind in Support::ALL {
            let word = serde_json::to_string(&kind).expect("json");
            assert_eq!(serde_json::from_str::<Support>(&word).expect("back"), kind);
            assert_eq!(word, format!("\"{}\"", kind.code()));
        }
        for owner in [Owner::Officer, Owner::Office, Owner::Partner] {
            let word = serde_json::to_string(&owner).expect("json");
            assert_eq!(word, format!("\"{}\"", owner.code()));
        }
        assert_eq!(
            serde_json::to_string(&Support::LabTest).expect("json"),
            "\"lab_test\""
        );
    }

    #[test]
    fn a_visit_is_checked_whole() {
        let update = |id: &str, progress, reason: Option<&str>| ActionUpdate {
            action_id: id.into(),
            progress,
            done: "label printed".into(),
            dropped_because: reason.map(str::to_string),
        };
        let fine = [
            update("a", Progress::Done, None),
            update("b", Progress::Dropped, Some("no budget this year")),
        ];
        assert_eq!(check_visit("2027-02-01", "", &fine), Ok(()));
        let problem = |day: &str, notes: &str, updates: &[ActionUpdate]| {
            check_visit(day, notes, updates).map_err(|e| (e.field, e.problem))
        };
        assert_eq!(
            problem("2027-02-30", "", &fine),
            Err(("visited_on", "not_a_day"))
        );
        assert_eq!(
            problem("2027-02-01", &"x".repeat(2_001), &fine),
            Err(("notes", "too_long"))
        );
        let twice = [
            update("a", Progress::Done, None),
            update("a", Progress::InProgress, None),
        ];
        assert_eq!(
            problem("2027-02-01", "", &twice),
            Err(("updates", "named_twice"))
        );
        let unreasoned = [update("b", Progress::Dropped, Some("  "))];
        assert_eq!(
            problem("2027-02-01", "", &unreasoned),
            Err(("dropped_because", "reason_required"))
        );
        let reason_for_done = [update("b", Progress::Done, Some("why"))];
        assert_eq!(
            problem("2027-02-01", "", &reason_for_done),
            Err(("dropped_because", "reason_unexpected"))
        );
        let many: Vec<ActionUpdate> = (0..=MAX_VISIT_UPDATES)
            .map(|n| update(&n.to_string(), Progress::InProgress, None))
            .collect();
        assert_eq!(
            problem("2027-02-01", "", &many),
            Err(("updates", "too_many"))
        );
        assert_eq!(
            problem("2027-02-01", "", &[update("", Progress::Done, None)]),
            Err(("action_id", "not_an_action"))
        );
    }
}
