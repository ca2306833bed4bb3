//! Coaching as the product page and the home screen show it: the steps a final assessment
//! suggests (with the criterion's words and the next level's), a product's plan with where
//! each action stands on a day (always passed in), its visits, and the actions due this week
//! or overdue.

use ovop_core::coaching::{Action, Due, Step};
use ovop_core::criteria::Text;
use ovop_store::coaching::{CoachingAction, CoachingVisit, DueAction};
use ovop_store::Store;
use serde::Serialize;

use crate::AppError;

/// A step with its words.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct StepView {
    pub step: Step,
    /// The criterion's words.
    pub title: Text,
    /// What the next level up asks for.
    pub next: Text,
}

/// An action of a plan with where it stands on the day asked about.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct ActionView {
    pub action: CoachingAction,
    /// Overdue, due this week or later; none when done, dropped or undated.
    pub due: Option<Due>,
    /// The words of the criterion it lifts, from the set its assessment was scored on.
    pub criterion_title: Option<Text>,
}

/// A follow-up visit with its photos, and whether it still takes more (until it is sent).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct VisitView {
    pub visit: CoachingVisit,
    pub photos: Vec<ovop_store::photos::Photo>,
    pub takes_photos: bool,
}

/// An action a follow-up visit found done.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct DoneAction {
    pub action_id: String,
    pub support: ovop_core::coaching::Support,
    pub criterion: Option<String>,
    /// The day of the visit that found it done.
    pub visited_on: String,
}

/// A final assessment of the product with its official result, the one before it, and the
/// actions found done between the two: what preceded the change of score.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct ScoreChange {
    pub assessment_id: String,
    pub assessed_on: String,
    /// The official total, as the sheet writes it ("50", "49.33").
    pub total: String,
    pub star: Option<u8>,
    pub previous_total: Option<String>,
    pub previous_star: Option<u8>,
    pub done_before: Vec<DoneAction>,
}

/// A product's plan, its follow-up visits (the latest first) and the history of its score
/// (the latest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct PlanView {
    pub actions: Vec<ActionView>,
    pub visits: Vec<VisitView>,
    pub history: Vec<ScoreChange>,
}

fn day(today: &str) -> Result<time::Date, AppError> {
    ovop_core::validity::parse_day(today).ok_or_else(|| {
        AppError::new(
            ovop_core::Code::StoreInvalid.as_str(),
            format!("{today:?} is not a day"),
        )
    })
}

/// The steps of a final assessment, biggest gap first, with their words.
pub fn steps(store: &Store, assessment_id: &str) -> Result<Vec<StepView>, AppError> {
    let assessment = store.assessment(assessment_id)?;
    let set = store.frozen_set(&assessment.criteria_hash)?;
    Ok(store
        .coaching_steps(assessment_id)?
        .into_iter()
        .filter_map(|step| {
            let criterion = set.criteria().find(|c| c.code == step.criterion)?;
            let next = criterion.levels.get(step.next_level as usize)?;
            Some(StepView {
                title: criterion.text.clone(),
                next: next.text.clone(),
                step,
            })
        })
        .collect())
}

/// A product's plan on `today`.
pub fn plan(store: &Store, product_id: &str, today: &str) -> Result<PlanView, AppError> {
    let day = day(today)?;
    // A plan's actions mostly come from one assessment: its set is read once.
    let mut sets: std::collections::HashMap<String, ovop_core::CriteriaSet> = Default::default();
    let mut actions = Vec::new();
    for action in store.actions_of(product_id)? {
        let criterion_title = match (&action.assessment_id, &action.action.criterion) {
            (Some(assessment), Some(code)) => {
                if !sets.contains_key(assessment) {
                    let hash = store.assessment(assessment)?.criteria_hash;
                    sets.insert(assessment.clone(), store.frozen_set(&hash)?);
                }
                sets.get(assessment)
                    .and_then(|set| set.criteria().find(|c| &c.code == code))
                    .map(|c| c.text.clone())
            }
            _ => None,
        };
        actions.push(ActionView {
            due: ovop_core::coaching::due(&action.action, day),
            action,
            criterion_title,
        });
    }
    let visits = store.visits_of(product_id)?;
    let history = history(store, product_id, &actions, &visits)?;
    let visits = visits
        .into_iter()
        .map(|visit| {
            Ok(VisitView {
                photos: store.photos("coaching_visit", &visit.id)?,
                takes_photos: store.visit_takes_photos(&visit.id)?,
                visit,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(PlanView {
        actions,
        visits,
        history,
    })
}

/// Each final assessment of the product after its first, with the actions follow-up visits
/// found done after the assessment before it and up to its own day.
fn history(
    store: &Store,
    product_id: &str,
    actions: &[ActionView],
    visits: &[CoachingVisit],
) -> Result<Vec<ScoreChange>, AppError> {
    let mut finals: Vec<(String, String, String, Option<u8>)> = store
        .assessments(None, Some(product_id))?
        .into_iter()
        .filter(|a| a.status != "draft")
        .filter_map(|a| {
            let day = a.visit.assessed_on.clone()?;
            let (total, star) = match &a.verdict {
                Some(v) => (v.total_text(), v.star),
                None => {
                    let r = a.result.as_ref()?;
                    (r.total.to_string(), r.star)
                }
            };
            Some((a.id, day, total, star))
        })
        .collect();
    finals.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    for pair in finals.windows(2) {
        let (before, after) = (&pair[0], &pair[1]);
        let mut done_before: Vec<DoneAction> = Vec::new();
        for visit in visits {
            if visit.visited_on.as_str() <= before.1.as_str()
                || visit.visited_on.as_str() > after.1.as_str()
            {
                continue;
            }
            for update in visit
                .updates
                .iter()
                .filter(|u| u.progress == ovop_core::coaching::Progress::Done)
            {
                if done_before.iter().any(|d| d.action_id == update.action_id) {
                    continue;
                }
                let Some(action) = actions.iter().find(|a| a.action.id == update.action_id) else {
                    continue;
                };
                done_before.push(DoneAction {
                    action_id: update.action_id.clone(),
                    support: action.action.action.support,
                    criterion: action.action.action.criterion.clone(),
                    visited_on: visit.visited_on.clone(),
                });
            }
        }
        done_before.sort_by(|a, b| a.visited_on.cmp(&b.visited_on));
        out.push(ScoreChange {
            assessment_id: after.0.clone(),
            assessed_on: after.1.clone(),
            total: after.2.clone(),
            star: after.3,
            previous_total: Some(before.2.clone()),
            previous_star: before.3,
            done_before,
        });
    }
    out.reverse();
    Ok(out)
}

/// Adds an action to a product's plan, or changes one (`id`).
pub fn save_action(
    store: &mut Store,
    id: Option<&str>,
    product_id: &str,
    assessment_id: Option<&str>,
    action: &Action,
    now: &str,
) -> Result<CoachingAction, AppError> {
    Ok(store.save_action(id, product_id, assessment_id, action, now)?)
}

/// Adds a plan's actions made from a final assessment, all or none.
pub fn save_plan(
    store: &mut Store,
    product_id: &str,
    assessment_id: &str,
    actions: &[Action],
    now: &str,
) -> Result<Vec<CoachingAction>, AppError> {
    Ok(store.save_plan(product_id, assessment_id, actions, now)?)
}

/// Records a follow-up visit and what it found of each action.
pub fn record_visit(
    store: &mut Store,
    visit: &CoachingVisit,
    now: &str,
) -> Result<CoachingVisit, AppError> {
    Ok(store.record_visit(visit, now)?)
}

/// The open actions overdue or due within the week on `today`, soonest first.
pub fn due(store: &Store, today: &str) -> Result<Vec<DueAction>, AppError> {
    day(today)?;
    Ok(store.due_actions(today)?)
}
