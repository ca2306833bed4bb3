//! `ovop score --criteria ID --answers FILE [--answers FILE ...] [--json]`.

use std::path::{Path, PathBuf};

use clap::Args;
use ovop_core::council::CouncilResult;
use ovop_core::rubric::{Outcome, Reason};
use ovop_core::verdict::{number_text, Pending};
use ovop_core::{parse_answers, Answers, Rubric, ScoreResult, Standing, Verdict};

use crate::criteria_cmd::{in_force_warning, load_catalog};
use crate::spreadsheet::read_text;
use crate::{CliError, CliResult};
use ovop_core::Code;

#[derive(Args)]
pub struct ScoreArgs {
    /// The criteria set's id.
    #[arg(long)]
    criteria: String,
    /// The set's version (default: the newest installed).
    #[arg(long)]
    version: Option<String>,
    /// An answers file; give several for a council (one per member).
    #[arg(long, required = true)]
    answers: Vec<PathBuf>,
    /// Print the engine's whole result as JSON.
    #[arg(long)]
    json: bool,
    /// Language of texts in the report (id, en, vi).
    #[arg(long, default_value = "id")]
    lang: String,
    /// The visit's day, YYYY-MM-DD (default: today): a set not in force on it is scored with a
    /// warning.
    #[arg(long)]
    date: Option<String>,
}

pub fn run(args: ScoreArgs, data_dir: Option<&Path>) -> CliResult {
    let catalog = load_catalog(data_dir);
    let entry = catalog
        .get(&args.criteria, args.version.as_deref())
        .ok_or_else(|| {
            CliError::new(
                Code::CriteriaNotFound.as_str(),
                format!(
                    "no criteria set {}; `ovop criteria list` shows the known sets",
                    args.criteria
                ),
            )
        })?;
    let now = ovop_store::now_utc();
    let day = args
        .date
        .as_deref()
        .unwrap_or(now.get(..10).unwrap_or(&now));
    if ovop_core::validity::parse_day(day).is_none() {
        return Err(CliError::new(
            "usage",
            format!("--date {day:?} is not a day written 2026-12-31"),
        ));
    }
    // Said once the sheet is scored: a refusal's stderr is its error alone.
    let warning = in_force_warning(&catalog, entry, None, day);
    let rubric = &entry.rubric;
    let mut sheets = Vec::new();
    for path in &args.answers {
        let text = read_text(path)?;
        let answers = parse_answers(&text).map_err(|e| {
            CliError::new(
                Code::AnswersSchema.as_str(),
                format!("{}: {e}", path.display()),
            )
        })?;
        sheets.push(answers);
    }

    if sheets.len() == 1 {
        let result = rubric
            .score(&sheets[0])
            .map_err(|errors| answer_errors(&args.answers[0], &errors))?;
        let verdict = rubric.verdict(&result);
        if args.json {
            print_json(&result, &verdict);
        } else {
            print_result(rubric, &result, &args.lang);
            print_verdict(&verdict);
        }
    } else {
        let named: Vec<Answers> = sheets
            .into_iter()
            .zip(&args.answers)
            .map(|(mut a, path)| {
                if a.assessor.is_none() {
                    a.assessor = path.file_stem().map(|s| s.to_string_lossy().into_owned());
                }
                a
            })
            .collect();
        let result = rubric.score_council(&named).map_err(|errors| {
            let lines: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.member, e.error.message))
                .collect();
            CliError::new(
                errors
                    .first()
                    .map(|e| e.error.code.as_str())
                    .unwrap_or(Code::AnswersInvalid.as_str()),
                lines.join("\n"),
            )
        })?;
        let verdict = rubric.council_verdict(&result, None);
        if args.json {
            print_json(&result, &verdict);
        } else {
            print_council(rubric, &result, &args.lang);
            print_verdict(&verdict);
        }
    }
    if let Some(warning) = warning {
        eprintln!("{warning}");
    }
    Ok(())
}

/// The engine's result with the official verdict beside it (`verdict`).
fn print_json(result: &impl serde::Serialize, verdict: &Verdict) {
    let mut value = serde_json::to_value(result).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.insert(
            "verdict".into(),
            serde_json::to_value(verdict).unwrap_or_default(),
        );
    }
    println!(
        "{}",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    );
}

/// The official verdict: the total after the set's rounding rule and the star only when final.
fn print_verdict(v: &Verdict) {
    println!("official total: {} / {}", v.total_text(), v.max_total);
    match v.standing {
        Standing::Final => println!("official star: {}", star_text(v.star)),
        Standing::NotClassified => println!("official star: not classified"),
        Standing::Provisional => {
            let points_to = v
                .provisional_star
                .map(|s| format!(" (it points to {s})"))
                .unwrap_or_default();
            println!("official star: none yet, the result is provisional{points_to}");
            for p in &v.pending {
                println!("  {}", pending_text(p));
            }
        }
    }
}

fn pending_text(p: &Pending) -> String {
    let of = |member: &Option<String>| {
        member
            .as_ref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default()
    };
    match p {
        Pending::Unanswered { member, criteria } => {
            format!("unanswered{}: {}", of(member), criteria.join(", "))
        }
        Pending::GatesUnanswered { member, gates } => {
            format!("gates unanswered{}: {}", of(member), gates.join(", "))
        }
        Pending::GateFailed { member, gate } => format!("gate failed{}: {gate}", of(member)),
        Pending::Knockout { member, criterion } => format!("knock-out{}: {criterion}", of(member)),
        Pending::Divergence { spread, allowed } => {
            format!("the members differ by {spread} points, more than the allowed {allowed}")
        }
        Pending::Quorum {
            present, required, ..
        } => {
            format!("{present} members sat, the quorum is {required} with the chair")
        }
        Pending::SittingUnknown => "the council's sitting is not recorded".into(),
    }
}

fn answer_errors(path: &Path, errors: &[ovop_core::AnswerError]) -> CliError {
    let lines: Vec<String> = errors
        .iter()
        .map(|e| format!("{}: {}", path.display(), e.message))
        .collect();
    CliError::new(
        errors
            .first()
            .map(|e| e.code.as_str())
            .unwrap_or(Code::AnswersInvalid.as_str()),
        lines.join("\n"),
    )
}

fn star_text(star: Option<u8>) -> String {
    match star {
        Some(s) => format!("{s} ({})", "★".repeat(s as usize)),
        None => "not classified".into(),
    }
}

fn print_reasons(rubric: &Rubric, reasons: &[Reason], lang: &str) {
    let fb = rubric.set().language.as_str();
    for reason in reasons {
        match reason {
            Reason::Knockout { criterion, text } => {
                println!("  knock-out at {criterion}: {}", text.get(lang, fb))
            }
            Reason::MinimumNotMet { star, text } => {
                println!("  minimum for {star} stars not met: {}", text.get(lang, fb))
            }
        }
    }
}

fn print_result(rubric: &Rubric, r: &ScoreResult, lang: &str) {
    let fb = rubric.set().language.as_str();
    println!("{} {} ({})", r.set.id, r.set.version, r.set.hash);
    for p in &r.parts {
        println!("  part {:<4} {:>3} / {}", p.code, p.points, p.max);
    }
    println!("  total      {:>3} / {}", r.total, r.max_total);
    println!("star by score: {}", star_text(Some(r.star_by_score)));
    println!("star: {}", star_text(r.star));
    print_reasons(rubric, &r.reasons, lang);
    for na in &r.not_applicable {
        println!(
            "not applicable: {} ({})",
            na.criterion,
            na.reason.get(lang, fb)
        );
    }
    let stopped: Vec<&str> = r
        .criteria
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::KnockedOut { .. }))
        .map(|c| c.code.as_str())
        .collect();
    if !stopped.is_empty() {
        println!("not assessed after the knock-out: {}", stopped.join(", "));
    }
    if !r.unanswered.is_empty() || !r.unanswered_gates.is_empty() {
        let all: Vec<&str> = r
            .unanswered_gates
            .iter()
            .chain(&r.unanswered)
            .map(String::as_str)
            .collect();
        println!("unanswered ({}): {}", all.len(), all.join(", "));
    }
    if let Some(next) = &r.next_star {
        println!(
            "next: {} stars needs {} more point(s)",
            next.star, next.points_needed
        );
    }
}

fn print_council(rubric: &Rubric, r: &CouncilResult, lang: &str) {
    println!("{} {} ({})", r.set.id, r.set.version, r.set.hash);
    for m in &r.members {
        println!(
            "  {:<24} {:>3} / {}",
            m.member, m.result.total, m.result.max_total
        );
    }
    println!("average: {} / {}", number_text(r.average), r.max_total);
    println!("star by score: {}", star_text(Some(r.star_by_score)));
    println!("star: {}", star_text(r.star));
    print_reasons(rubric, &r.reasons, lang);
    let d = &r.divergence;
    match d.max_allowed {
        Some(max) if d.exceeded => {
            println!("divergence: {} points, more than the allowed {max}: the council must discuss and score again", d.spread);
            for p in &d.pairs {
                println!("  {} vs {}: {} points apart", p.high, p.low, p.difference);
            }
        }
        Some(max) => println!("divergence: {} points, within the allowed {max}", d.spread),
        None => println!("divergence: {} points", d.spread),
    }
    for c in d.criteria.iter().take(10) {
        let points: Vec<String> = c
            .points
            .iter()
            .map(|p| p.map(|v| v.to_string()).unwrap_or_else(|| "-".into()))
            .collect();
        println!(
            "  {:<8} spread {}: {}",
            c.code,
            c.spread,
            points.join(" / ")
        );
    }
}
