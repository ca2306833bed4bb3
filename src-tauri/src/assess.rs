//! The assessment commands: start a sheet, change it (autosaved), finalise, correct, list.
//! One-line adapters to `ovop-store` (which checks every change with `ovop-core`'s engine).

use ovop_core::council::CouncilResult;
use ovop_core::criteria::CriteriaSet;
use ovop_core::ScoreResult;
use ovop_store::assessments::{
    Assessment, Assessor, Changed, CouncilSheet, DraftChange, EvidenceDocument, Visit,
};
use ovop_store::records::{Producer, Product};
use ovop_store::{now_utc, Store};
use serde::Serialize;
use tauri::State;

use crate::error::AppError;
use crate::state::AppState;

/// Everything the assessment screen shows: the record, its frozen set, the result as it stands,
/// what is assessed, the dossier, and the record's revisions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AssessmentView {
    pub assessment: Assessment,
    pub set: CriteriaSet,
    pub result: ScoreResult,
    pub product: Product,
    pub producer: Producer,
    pub evidence: Vec<EvidenceDocument>,
    pub revisions: Vec<RevisionSummary>,
    /// The other council members' sheets (member 2 onwards; member 1 is `assessment.answers`).
    pub members: Vec<CouncilSheet>,
    /// The council's average and divergence check, when several members score.
    pub council: Option<CouncilResult>,
}

/// One line of a list of assessments (a product's history, the drafts on the home screen).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AssessmentSummary {
    pub id: String,
    #[cfg_attr(test, ts(type = "number"))]
    pub revision: i64,
    pub status: String,
    pub product_id: String,
    pub product_name: String,
    pub producer_name: String,
    pub criteria_id: String,
    pub criteria_version: String,
    pub assessed_on: Option<String>,
    pub updated_at: String,
    pub total: u32,
    pub max_total: u32,
    pub star: Option<u8>,
    pub star_by_score: u8,
    pub complete: bool,
    pub answered: u32,
    pub criteria_count: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RevisionSummary {
    #[cfg_attr(test, ts(type = "number"))]
    pub revision: i64,
    pub status: String,
    pub reason: Option<String>,
    pub total: Option<u32>,
    pub star: Option<u8>,
    pub finalized_at: Option<String>,
}

fn view(store: &Store, id: &str) -> Result<AssessmentView, AppError> {
    view_at(store, id, None)
}

/// The view of one revision (the latest when `None`).
fn view_at(store: &Store, id: &str, revision: Option<i64>) -> Result<AssessmentView, AppError> {
    let assessment = match revision {
        None => store.assessment(id)?,
        Some(n) => store
            .revisions(id)?
            .into_iter()
            .find(|r| r.revision == n)
            .ok_or_else(|| {
                AppError::new(
                    "store.not_found",
                    format!("assessment {id} has no revision {n}"),
                )
            })?,
    };
    let set = store.frozen_set(&assessment.criteria_hash)?;
    let result = store.current_result(&assessment)?;
    let product = store.product(&assessment.product_id)?;
    let producer = store.producer(&product.producer_id)?;
    let evidence = store.evidence(id, assessment.revision)?;
    let members = store.members(id, assessment.revision)?;
    let council = store.council_of(&assessment)?;
    let revisions = store
        .revisions(id)?
        .into_iter()
        .map(|r| RevisionSummary {
            revision: r.revision,
            status: r.status,
            reason: r.reason,
            total: r.result.as_ref().map(|x| x.total),
            star: r.result.as_ref().and_then(|x| x.star),
            finalized_at: r.finalized_at,
        })
        .collect();
    Ok(AssessmentView {
        assessment,
        set,
        result,
        product,
        producer,
        evidence,
        revisions,
        members,
        council,
    })
}

fn summary(store: &Store, a: Assessment) -> Result<AssessmentSummary, AppError> {
    let result = store.current_result(&a)?;
    let product = store.product(&a.product_id)?;
    let producer = store.producer(&product.producer_id)?;
    let criteria_count = result.criteria.len() as u32;
    Ok(AssessmentSummary {
        answered: criteria_count.saturating_sub(result.unanswered.len() as u32),
        criteria_count,
        id: a.id,
        revision: a.revision,
        status: a.status,
        product_id: product.id,
        product_name: product.name,
        producer_name: producer.name,
        criteria_id: result.set.id.clone(),
        criteria_version: result.set.version.clone(),
        assessed_on: a.visit.assessed_on,
        updated_at: a.updated_at,
        total: result.total,
        max_total: result.max_total,
        star: result.star,
        star_by_score: result.star_by_score,
        complete: result.complete,
    })
}

/// Starts a draft of `product_id` with an installed criteria set; returns the sheet.
#[tauri::command]
pub async fn assessment_start(
    state: State<'_, AppState>,
    product_id: String,
    criteria_id: String,
    version: String,
    visit: Visit,
) -> Result<AssessmentView, AppError> {
    let rubric = state
        .catalog
        .get(&criteria_id, Some(&version))
        .ok_or_else(|| {
            AppError::new(
                "criteria.not_found",
                format!("criteria set {criteria_id} {version} is not installed"),
            )
        })?
        .rubric
        .clone();
    state
        .with_store(move |store| {
            let id = store.new_assessment(&product_id, &rubric, &visit, &now_utc())?;
            view(store, &id)
        })
        .await
}

/// An assessment as it stands, or one of its earlier revisions.
#[tauri::command]
pub async fn assessment_get(
    state: State<'_, AppState>,
    id: String,
    revision: Option<i64>,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| view_at(store, &id, revision))
        .await
}

/// One change on a draft (on a council member's sheet when `member` is 2 or more), autosaved
/// before the answer returns; gives the new result, the answers as stored, those the change
/// made impossible (cleared) and the council's result.
#[tauri::command]
pub async fn assessment_change(
    state: State<'_, AppState>,
    id: String,
    change: DraftChange,
    member: Option<u32>,
) -> Result<Changed, AppError> {
    state
        .with_store(move |store| {
            Ok(store.change_member(&id, member.unwrap_or(1), &change, &now_utc())?)
        })
        .await
}

/// Adds a council member with an empty sheet.
#[tauri::command]
pub async fn assessment_member_add(
    state: State<'_, AppState>,
    id: String,
    assessor: Assessor,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| {
            store.add_member(&id, &assessor, &now_utc())?;
            view(store, &id)
        })
        .await
}

/// Removes a council member's sheet from the draft.
#[tauri::command]
pub async fn assessment_member_remove(
    state: State<'_, AppState>,
    id: String,
    member: u32,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| {
            store.remove_member(&id, member)?;
            view(store, &id)
        })
        .await
}

/// Records a document of the producer's dossier on the draft.
#[tauri::command]
pub async fn assessment_evidence(
    state: State<'_, AppState>,
    id: String,
    document: EvidenceDocument,
) -> Result<Vec<EvidenceDocument>, AppError> {
    state
        .with_store(move |store| {
            store.set_evidence(&id, &document)?;
            let revision = store.assessment(&id)?.revision;
            Ok(store.evidence(&id, revision)?)
        })
        .await
}

/// Where, when and by whom, while the sheet is a draft.
#[tauri::command]
pub async fn assessment_visit(
    state: State<'_, AppState>,
    id: String,
    visit: Visit,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| {
            store.set_visit(&id, &visit, &now_utc())?;
            view(store, &id)
        })
        .await
}

/// Locks the sheet and queues it for the office.
#[tauri::command]
pub async fn assessment_finalize<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<AssessmentView, AppError> {
    let done = state
        .with_store(move |store| {
            store.finalize(&id, &now_utc())?;
            view(store, &id)
        })
        .await?;
    // A final assessment goes to the office at the next chance: now, when the server answers.
    if let Some(sync) = tauri::Manager::try_state::<crate::sync::SyncTask>(&app) {
        sync.wake();
    }
    Ok(done)
}

/// A correction after final: a new draft revision with a reason.
#[tauri::command]
pub async fn assessment_correct(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> Result<AssessmentView, AppError> {
    state
        .with_store(move |store| {
            store.correct(&id, &reason, &now_utc())?;
            view(store, &id)
        })
        .await
}

/// The latest revision of the assessments of one status and/or product, newest first.
#[tauri::command]
pub async fn assessments_list(
    state: State<'_, AppState>,
    status: Option<String>,
    product_id: Option<String>,
) -> Result<Vec<AssessmentSummary>, AppError> {
    state
        .with_store(move |store| {
            store
                .assessments(status.as_deref(), product_id.as_deref())?
                .into_iter()
                .map(|a| summary(store, a))
                .collect()
        })
        .await
}
