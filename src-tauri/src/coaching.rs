//! Coaching: the steps a final assessment suggests, a product's plan and its follow-up visits,
//! and the actions due this week or overdue (judged on the app's day: the clock's, or a
//! training session's).

use ovop_app::coaching::{self, PlanView, StepView};
use ovop_core::coaching::Action;
use ovop_store::coaching::{CoachingAction, CoachingVisit, DueAction};
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

/// The steps of a final assessment, biggest gap first.
#[tauri::command]
pub async fn coaching_steps(
    state: State<'_, AppState>,
    assessment_id: String,
) -> Result<Vec<StepView>, AppError> {
    state
        .with_store(move |store| coaching::steps(store, &assessment_id))
        .await
}

/// A product's plan, each action with where it stands today, and its visits.
#[tauri::command]
pub async fn coaching_plan(
    state: State<'_, AppState>,
    product_id: String,
) -> Result<PlanView, AppError> {
    let today = crate::awards::today();
    state
        .with_store(move |store| coaching::plan(store, &product_id, &today))
        .await
}

/// Adds an action to a product's plan, or changes one (`id`).
#[tauri::command]
pub async fn coaching_save_action(
    state: State<'_, AppState>,
    id: Option<String>,
    product_id: String,
    assessment_id: Option<String>,
    action: Action,
) -> Result<CoachingAction, AppError> {
    let now = ovop_store::now_utc();
    state
        .with_store(move |store| {
            coaching::save_action(
                store,
                id.as_deref(),
                &product_id,
                assessment_id.as_deref(),
                &action,
                &now,
            )
        })
        .await
}

/// Adds a plan's actions made from a final assessment, all or none.
#[tauri::command]
pub async fn coaching_save_plan(
    state: State<'_, AppState>,
    product_id: String,
    assessment_id: String,
    actions: Vec<Action>,
) -> Result<Vec<CoachingAction>, AppError> {
    let now = ovop_store::now_utc();
    state
        .with_store(move |store| {
            coaching::save_plan(store, &product_id, &assessment_id, &actions, &now)
        })
        .await
}

/// Records a follow-up visit and what it found of each action.
#[tauri::command]
pub async fn coaching_record_visit(
    state: State<'_, AppState>,
    visit: CoachingVisit,
) -> Result<CoachingVisit, AppError> {
    let now = ovop_store::now_utc();
    state
        .with_store(move |store| coaching::record_visit(store, &visit, &now))
        .await
}

/// The open actions overdue or due within the week, soonest first.
#[tauri::command]
pub async fn coaching_due(state: State<'_, AppState>) -> Result<Vec<DueAction>, AppError> {
    let today = crate::awards::today();
    state
        .read_now(move |store| coaching::due(store, &today))
        .await
}
