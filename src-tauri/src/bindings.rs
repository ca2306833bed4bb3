//! The TypeScript types of everything that crosses the IPC boundary, generated from the Rust
//! types into `ui/src/lib/bindings.ts`. The test fails when the committed file drifts;
//! `UPDATE_BINDINGS=1 cargo test -p ovop-field bindings` rewrites it.

use ovop_core::catalog::{Origin, Rejected, SetSummary};
use ovop_core::council::*;
use ovop_core::criteria::*;
use ovop_core::rubric::*;
use ovop_core::validate::{Finding, Severity};
use ovop_core::verdict::{PartVerdict, Pending, Standing, Verdict};
use ovop_core::{Answer, Answers};
use ts_rs::TS;

use ovop_store::assessments::{
    Assessment, Assessor, Changed, CouncilSheet, DraftChange, EvidenceDocument, HomeCounts, Visit,
};
use ovop_store::photos::Photo;
use ovop_store::pulled::{PhotoBudget, PulledPhoto};
use ovop_store::records::{Producer, Product, ProductHit};
use ovop_store::regions::{Candidate, Countries, Former, Region, Relocation};

use ovop_app::folder::{BackupInfo, DataInfo, Moved};
use ovop_app::sheets::SheetKind;
use ovop_app::sync::{EnrolWith, SyncProgress, SyncReport, SyncStatus};
use ovop_app::views::{
    AssessmentSummary, AssessmentView, CouncilQuorum, CriteriaList, CriteriaSetView,
    RevisionSummary,
};
use ovop_app::{AppError, ErrorDetail};
use ovop_store::sync::{OutboxRow, ReviewDecision};

macro_rules! declarations {
    ($($ty:ty),* $(,)?) => {
        vec![$(format!("export {}", <$ty as TS>::decl())),*]
    };
}

pub fn render() -> String {
    let decls: Vec<String> = declarations![
        // criteria sets
        Text,
        Programme,
        SetStatus,
        CriteriaSet,
        Effective,
        ProductSet,
        KnownDefect,
        Gate,
        Part,
        Section,
        Group,
        Criterion,
        Scale,
        Level,
        Applicability,
        Knockout,
        KnockoutTrigger,
        KnockoutEffect,
        StarRule,
        Rounding,
        StarBand,
        MinimumRequirement,
        Requirement,
        CouncilRule,
        Quorum,
        // catalogue and validation
        Severity,
        Finding,
        Origin,
        SetSummary,
        Rejected,
        ovop_core::tabular::SheetFinding,
        ovop_app::criteria::CriteriaImport,
        // scoring
        Answers,
        Answer,
        SetRef,
        ScoreResult,
        PartResult,
        CriterionResult,
        Outcome,
        NotApplicable,
        KnockoutHit,
        Reason,
        NextStar,
        AnswerError,
        CouncilResult,
        MemberResult,
        PartAverage,
        MemberKnockout,
        Divergence,
        DivergentPair,
        CriterionSpread,
        MemberError,
        Verdict,
        Standing,
        Pending,
        PartVerdict,
        // the local store
        Region,
        Former,
        Candidate,
        Relocation,
        Countries,
        Producer,
        Product,
        ProductHit,
        Photo,
        PulledPhoto,
        PhotoBudget,
        HomeCounts,
        Assessor,
        Visit,
        ovop_store::assessments::Roster,
        Assessment,
        EvidenceDocument,
        DraftChange,
        Changed,
        CouncilSheet,
        // commands
        AppError,
        ErrorDetail,
        CriteriaList,
        ovop_core::ProgrammeRules,
        ovop_core::programme::ProgrammeLevel,
        ovop_core::programme::Forward,
        ovop_core::QuorumCheck,
        ovop_core::Certification,
        ovop_core::validity::Standing,
        ovop_core::AssessmentKind,
        CriteriaSetView,
        AssessmentView,
        CouncilQuorum,
        AssessmentSummary,
        RevisionSummary,
        DataInfo,
        BackupInfo,
        Moved,
        ovop_store::archive::Contents,
        ovop_store::archive::Written,
        ovop_store::archive::Checked,
        ovop_store::archive::Restored,
        ovop_app::folder::RestorePreview,
        SheetKind,
        // sync
        SyncStatus,
        SyncProgress,
        SyncReport,
        EnrolWith,
        OutboxRow,
        ReviewDecision,
        ovop_protocol::FieldChange,
        ovop_app::sync::bundle::BundleWritten,
        ovop_app::sync::bundle::BundleFile,
        ovop_app::sync::bundle::ReceiptApplied,
        ovop_store::edits::RecordHistory,
        // stars awarded and their certificates
        ovop_protocol::DecisionRef,
        ovop_protocol::CertificateRef,
        ovop_protocol::Award,
        ovop_store::awards::Forwarding,
        ovop_app::certificates::AwardView,
        // coaching
        ovop_core::coaching::Step,
        ovop_core::coaching::Support,
        ovop_core::coaching::Owner,
        ovop_core::coaching::Progress,
        ovop_core::coaching::Action,
        ovop_core::coaching::Due,
        ovop_store::coaching::CoachingAction,
        ovop_core::coaching::ActionUpdate,
        ovop_store::coaching::CoachingVisit,
        ovop_store::coaching::DueAction,
        ovop_app::coaching::StepView,
        ovop_app::coaching::ActionView,
        ovop_app::coaching::PlanView,
        ovop_app::coaching::VisitView,
        ovop_app::coaching::DoneAction,
        ovop_app::coaching::ScoreChange,
    ];
    let mut out = String::from("// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p ovop-field bindings`.\n// Do not edit by hand.\n\n");
    for decl in decls {
        out.push_str(&decl);
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn bindings_are_in_step_with_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/bindings.ts");
    let fresh = render();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).expect("write bindings");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/lib/bindings.ts is out of step with the Rust types; run `UPDATE_BINDINGS=1 cargo test -p ovop-field bindings` and commit it"
    );
}
