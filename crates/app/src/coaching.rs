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

/// A product's plan and its follow-up visits (the latest first).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct PlanView {
    pub actions: Vec<ActionView>,
    pub visits: Vec<CoachingVisit>,
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
    Ok(PlanView {
        actions,
        visits: store.visits_of(product_id)?,
    })
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
