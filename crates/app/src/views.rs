//! What the screens show, assembled from the store: an assessment with everything its sheet
//! needs, the lines of a list of assessments, the criteria sets.

use ovop_core::catalog::{Catalog, Rejected, SetSummary};
use ovop_core::council::CouncilResult;
use ovop_core::criteria::CriteriaSet;
use ovop_core::validate::Finding;
use ovop_core::{Answers, ScoreResult, Standing, Verdict};
use ovop_store::assessments::{Assessment, CouncilSheet, EvidenceDocument};
use ovop_store::records::{Producer, Product};
use ovop_store::Store;
use serde::Serialize;

use crate::AppError;
use ovop_core::Code;

/// Everything the assessment screen shows: the record, its frozen set, the result as it stands,
/// what is assessed, the dossier, and the record's revisions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
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
    /// The official verdict: the one decided at finalisation, or the sheets' as they stand.
    pub verdict: Verdict,
    /// A council's roster counted against its quorum (none for one assessor).
    pub quorum: Option<CouncilQuorum>,
    /// Where and in which batch the office forwarded it, once it did.
    pub forwarded: Option<ovop_store::awards::Forwarding>,
}

/// A council's roster as it stands against the quorum: counted, or why it cannot be.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CouncilQuorum {
    /// The count, when the roster holds together (`met` says whether it is enough).
    pub check: Option<ovop_core::QuorumCheck>,
    /// Why it cannot be counted: `missing` (no roster yet), `no_chair`, `chair_unknown`,
    /// `named_twice`, `absent_unnamed`.
    pub problem: Option<String>,
    /// The name the problem is about.
    pub name: Option<String>,
    /// The programme (or set) states a quorum; without one any roster counts.
    pub required: bool,
}

/// The quorum of a council (none for one assessor): its roster counted against `quorum`.
pub fn council_quorum(
    assessment: &Assessment,
    council: Option<&ovop_core::CouncilResult>,
    quorum: Option<ovop_core::Quorum>,
) -> Option<CouncilQuorum> {
    use ovop_protocol::RosterError;
    let council = council?;
    let names: Vec<String> = council.members.iter().map(|m| m.member.clone()).collect();
    let counted = match &assessment.visit.roster {
        None => Err(RosterError::Missing),
        Some(roster) => roster.check(&names, quorum),
    };
    let (check, problem, name) = match counted {
        Ok(check) | Err(RosterError::NoQuorum(check)) => (Some(check), None, None),
        Err(RosterError::Missing) => (None, Some("missing".to_string()), None),
        Err(RosterError::Invalid { problem, name }) => (
            None,
            Some(problem.to_string()),
            Some(name).filter(|n| !n.is_empty()),
        ),
    };
    Some(CouncilQuorum {
        check,
        problem,
        name,
        required: quorum.is_some(),
    })
}

/// One line of a list of assessments (a product's history, the drafts on the home screen).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct AssessmentSummary {
    pub id: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub revision: i64,
    pub status: String,
    pub product_id: String,
    pub product_name: String,
    pub producer_name: String,
    pub criteria_id: String,
    pub criteria_version: String,
    pub assessed_on: Option<String>,
    pub updated_at: String,
    /// The official total (a council's average after the set's rounding rule).
    pub total: f64,
    pub max_total: u32,
    /// The official star: only once the verdict is final.
    pub star: Option<u8>,
    /// The star a draft points to while its verdict is provisional.
    pub provisional_star: Option<u8>,
    pub star_by_score: u8,
    pub standing: Standing,
    /// The sheets behind the verdict: 1, or the council's members.
    pub sheets: u32,
    pub complete: bool,
    pub answered: u32,
    pub criteria_count: u32,
    /// The round it names (`2026-1`); absent when it names none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub round: Option<String>,
    /// The level the office forwarded it to (`provinsi`), once it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub forwarded_to: Option<String>,
    /// Pulled from the office, made on another laptop: the officer who owns it there.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "bindings", ts(optional))]
    pub pulled_from: Option<String>,
    /// Pulled, and this officer's own (they may correct it); a colleague's is read-only.
    pub pulled_mine: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct RevisionSummary {
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub revision: i64,
    pub status: String,
    pub reason: Option<String>,
    /// The official total of a final revision.
    pub total: Option<f64>,
    pub star: Option<u8>,
    pub finalized_at: Option<String>,
}

pub fn view(store: &Store, id: &str) -> Result<AssessmentView, AppError> {
    view_at(store, id, None)
}

/// Revision `revision` of assessment `id` (the latest when `None`).
pub fn revision_of(store: &Store, id: &str, revision: Option<i64>) -> Result<Assessment, AppError> {
    match revision {
        None => Ok(store.assessment(id)?),
        Some(n) => store
            .revisions(id)?
            .into_iter()
            .find(|r| r.revision == n)
            .ok_or_else(|| {
                AppError::new(
                    Code::StoreNotFound.as_str(),
                    format!("assessment {id} has no revision {n}"),
                )
            }),
    }
}

/// The view of one revision (the latest when `None`).
pub fn view_at(store: &Store, id: &str, revision: Option<i64>) -> Result<AssessmentView, AppError> {
    let assessment = revision_of(store, id, revision)?;
    let set = store.frozen_set(&assessment.criteria_hash)?;
    let result = store.current_result(&assessment)?;
    let product = store.product(&assessment.product_id)?;
    let producer = store.producer(&product.producer_id)?;
    let evidence = store.evidence(id, assessment.revision)?;
    let members = store.members(id, assessment.revision)?;
    let council = store.council_of(&assessment)?;
    let verdict = store.verdict_over(&assessment, &result, council.as_ref())?;
    let quorum = council_quorum(
        &assessment,
        council.as_ref(),
        store.rubric_of(&assessment)?.council_quorum(),
    );
    let revisions = store
        .revisions(id)?
        .into_iter()
        .map(|r| {
            let verdict = match r.status.as_str() {
                "draft" => None,
                _ => Some(store.verdict_of(&r)?),
            };
            Ok(RevisionSummary {
                revision: r.revision,
                status: r.status,
                reason: r.reason,
                total: verdict.as_ref().map(|v| v.total),
                star: verdict.as_ref().and_then(|v| v.star),
                finalized_at: r.finalized_at,
            })
        })
        .collect::<Result<_, ovop_store::StoreError>>()?;
    let forwarded = store.forwarding(id)?;
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
        verdict,
        quorum,
        forwarded,
    })
}

pub fn summary(store: &Store, a: Assessment) -> Result<AssessmentSummary, AppError> {
    let result = store.current_result(&a)?;
    let council = store.council_of(&a)?;
    let verdict = store.verdict_over(&a, &result, council.as_ref())?;
    let product = store.product(&a.product_id)?;
    let producer = store.producer(&product.producer_id)?;
    let criteria_count = result.criteria.len() as u32;
    let forwarded_to = store.forwarding(&a.id)?.map(|f| f.to_level);
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
        round: a.visit.round,
        updated_at: a.updated_at,
        total: verdict.total,
        max_total: verdict.max_total,
        star: verdict.star,
        provisional_star: verdict.provisional_star,
        star_by_score: verdict.star_by_score,
        standing: verdict.standing,
        sheets: verdict.sheets,
        complete: result.complete,
        forwarded_to,
        pulled_from: a.pulled_from,
        pulled_mine: a.pulled_mine,
    })
}

/// The latest revision of the assessments of one status and/or product, newest first.
pub fn summaries(
    store: &Store,
    status: Option<&str>,
    product_id: Option<&str>,
) -> Result<Vec<AssessmentSummary>, AppError> {
    store
        .assessments(status, product_id)?
        .into_iter()
        .map(|a| summary(store, a))
        .collect()
}

/// Every criteria set the app knows, and the files it could not take.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CriteriaList {
    pub sets: Vec<SetSummary>,
    pub rejected: Vec<Rejected>,
    /// Each programme's levels, rounds a year and kinds of assessment (a sheet starts in one).
    pub programmes: Vec<ovop_core::ProgrammeRules>,
}

/// One criteria set as the criteria screen shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CriteriaSetView {
    pub set: CriteriaSet,
    pub summary: SetSummary,
    pub findings: Vec<Finding>,
}

pub fn criteria_list(catalog: &Catalog) -> CriteriaList {
    CriteriaList {
        sets: catalog.summaries(),
        rejected: catalog.rejected().to_vec(),
        programmes: ovop_core::programme::shipped().to_vec(),
    }
}

fn not_installed(id: &str, version: &str) -> AppError {
    AppError::new(
        Code::CriteriaNotFound.as_str(),
        format!("criteria set {id} {version} is not installed"),
    )
}

/// An installed set's engine, or `criteria.not_found`.
pub fn rubric<'a>(
    catalog: &'a Catalog,
    id: &str,
    version: &str,
) -> Result<&'a ovop_core::Rubric, AppError> {
    catalog
        .get(id, Some(version))
        .map(|entry| &entry.rubric)
        .ok_or_else(|| not_installed(id, version))
}

pub fn criteria_set(
    catalog: &Catalog,
    id: &str,
    version: &str,
) -> Result<CriteriaSetView, AppError> {
    let entry = catalog
        .get(id, Some(version))
        .ok_or_else(|| not_installed(id, version))?;
    Ok(CriteriaSetView {
        set: entry.rubric.set().clone(),
        summary: entry.summary.clone(),
        findings: entry.findings.clone(),
    })
}

/// Scores answers against an installed set, each refusal a detail of its own.
pub fn score(catalog: &Catalog, version: &str, answers: &Answers) -> Result<ScoreResult, AppError> {
    rubric(catalog, &answers.criteria, version)?
        .score(answers)
        .map_err(AppError::answers)
}
