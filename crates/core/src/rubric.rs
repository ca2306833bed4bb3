//! The rubric engine: a pure function from (criteria set, answers) to a result with every
//! subtotal, the star and the reasons. The app, the sheets and the server all call it; nothing
//! else computes a total.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::answers::{Answer, Answers};
use crate::codes::Code;
use crate::criteria::{CriteriaSet, Criterion, KnockoutEffect, KnockoutTrigger, Requirement, Text};
use crate::load::content_hash;
use crate::validate::{validate, Finding};

/// A validated criteria set with its lookups built once, ready to score many sheets.
#[derive(Debug, Clone)]
pub struct Rubric {
    set: CriteriaSet,
    hash: String,
    /// Criterion code -> position in sheet order.
    index: HashMap<String, usize>,
    /// Per criterion in sheet order: index of its part.
    part_of: Vec<usize>,
    /// Bands sorted by their lower bound, highest first.
    bands_desc: Vec<(u32, u8)>,
    max_total: u32,
}

/// Identifies the exact set a result was computed with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct SetRef {
    pub id: String,
    pub version: String,
    pub hash: String,
}

impl Rubric {
    /// Validates the set; a set with any error is refused with every finding.
    pub fn new(set: CriteriaSet) -> Result<Rubric, Vec<Finding>> {
        let findings = validate(&set);
        if findings.iter().any(Finding::is_error) {
            return Err(findings);
        }
        let hash = content_hash(&set);
        let mut index = HashMap::new();
        let mut part_of = Vec::new();
        for (p, part) in set.parts.iter().enumerate() {
            for criterion in part.criteria() {
                index.insert(criterion.code.clone(), part_of.len());
                part_of.push(p);
            }
        }
        let mut bands_desc: Vec<(u32, u8)> =
            set.stars.bands.iter().map(|b| (b.min, b.star)).collect();
        bands_desc.sort_by_key(|b| std::cmp::Reverse(b.0));
        let max_total = set.computed_max();
        Ok(Rubric {
            set,
            hash,
            index,
            part_of,
            bands_desc,
            max_total,
        })
    }

    pub fn set(&self) -> &CriteriaSet {
        &self.set
    }

    pub fn hash(&self) -> &str {
        &self.hash
    }

    pub fn set_ref(&self) -> SetRef {
        SetRef {
            id: self.set.id.clone(),
            version: self.set.version.clone(),
            hash: self.hash.clone(),
        }
    }

    pub fn max_total(&self) -> u32 {
        self.max_total
    }

    /// The star a total earns by the bands alone. `total` is in hundredths of a point so that a
    /// council's average (89.5 = 8950) meets the bands exactly as the set's rounding rule says.
    pub fn star_for_hundredths(&self, hundredths: u64) -> u8 {
        let rounded = self.round_hundredths(hundredths);
        self.bands_desc
            .iter()
            .find(|(min, _)| rounded >= u64::from(*min) * 100)
            .map(|(_, star)| *star)
            .unwrap_or(0)
    }

    /// Scores one sheet. Refuses answers that do not fit the set, naming each problem.
    pub fn score(&self, answers: &Answers) -> Result<ScoreResult, Vec<AnswerError>> {
        if answers.criteria != self.set.id {
            return Err(vec![AnswerError::new(
                Code::AnswersWrongSet.as_str(),
                None,
                format!(
                    "the answers are for criteria set {:?}, not {:?}",
                    answers.criteria, self.set.id
                ),
            )]);
        }
        let mut errors = self.unknown_names(answers);
        let mut sheet = Sheet::default();
        self.read_gates(answers, &mut sheet);
        let observed: Vec<&str> = answers.knockouts.iter().map(String::as_str).collect();
        for criterion in self.set.criteria() {
            self.read_criterion(
                criterion,
                answers.answers.get(&criterion.code),
                &observed,
                &mut sheet,
                &mut errors,
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(self.result(sheet))
    }

    /// Answers that name another version, or criteria and gates the set does not have.
    fn unknown_names(&self, answers: &Answers) -> Vec<AnswerError> {
        let mut errors = Vec::new();
        if let Some(version) = &answers.version {
            if *version != self.set.version {
                errors.push(AnswerError::new(
                    Code::AnswersWrongVersion.as_str(),
                    None,
                    format!(
                        "the answers are for version {version:?} of {}, not {:?}",
                        self.set.id, self.set.version
                    ),
                ));
            }
        }
        for code in answers
            .answers
            .keys()
            .chain(answers.knockouts.iter())
            .chain(answers.notes.keys())
        {
            if !self.index.contains_key(code) {
                errors.push(AnswerError::new(
                    Code::AnswersUnknownCriterion.as_str(),
                    Some(code),
                    format!(
                        "criterion {code} is not in {} {}",
                        self.set.id, self.set.version
                    ),
                ));
            }
        }
        for code in answers.gates.keys() {
            if !self.set.gates.iter().any(|g| &g.code == code) {
                errors.push(AnswerError::new(
                    Code::AnswersUnknownGate.as_str(),
                    Some(code),
                    format!("gate {code} is not in {}", self.set.id),
                ));
            }
        }
        errors
    }

    /// The gates: a failed one stops the whole sheet, an unanswered one leaves it incomplete.
    fn read_gates(&self, answers: &Answers, sheet: &mut Sheet) {
        for gate in &self.set.gates {
            match answers.gates.get(&gate.code) {
                Some(true) => {}
                Some(false) => {
                    sheet.knockouts.push(KnockoutHit {
                        criterion: gate.code.clone(),
                        effect: KnockoutEffect::Stop,
                        text: gate.text.clone(),
                        gate: true,
                    });
                    sheet.stopped_by.get_or_insert_with(|| gate.code.clone());
                }
                None => sheet.unanswered_gates.push(gate.code.clone()),
            }
        }
    }

    /// One criterion in sheet order: after a stop it is knocked out; otherwise its outcome
    /// (scored, not applicable, unanswered) and the knock-out it may trigger.
    fn read_criterion(
        &self,
        criterion: &Criterion,
        answer: Option<&Answer>,
        observed: &[&str],
        sheet: &mut Sheet,
        errors: &mut Vec<AnswerError>,
    ) {
        let code = &criterion.code;
        let max = criterion.max_points();
        if let Some(by) = &sheet.stopped_by {
            if let Some(Answer::Level(_)) = answer {
                errors.push(AnswerError::new(
                    Code::AnswersAfterKnockout.as_str(),
                    Some(code),
                    format!("criterion {code} is not assessed after the knock-out at {by}; remove its answer"),
                ));
            }
            sheet.points_by_index.push(None);
            sheet.criteria.push(CriterionResult {
                code: code.clone(),
                max,
                outcome: Outcome::KnockedOut { by: by.clone() },
            });
            return;
        }
        let outcome = self.outcome(criterion, answer, sheet, errors);
        let points = match &outcome {
            Outcome::Scored { points, .. } => Some(*points),
            _ => None,
        };
        if matches!(outcome, Outcome::Unanswered) {
            sheet.unanswered.push(code.clone());
        }
        sheet.points_by_index.push(points);

        if let Some(knockout) = &criterion.knockout {
            let hit = match knockout.trigger {
                KnockoutTrigger::Observed {} => observed.contains(&code.as_str()),
                KnockoutTrigger::PointsAtMost { points: limit } => {
                    points.is_some_and(|p| p <= limit)
                }
            };
            if hit {
                sheet.knockouts.push(KnockoutHit {
                    criterion: code.clone(),
                    effect: knockout.effect,
                    text: knockout.text.clone(),
                    gate: false,
                });
                if knockout.effect == KnockoutEffect::Stop {
                    sheet.stopped_by = Some(code.clone());
                }
            }
        } else if observed.contains(&code.as_str()) {
            errors.push(AnswerError::new(
                Code::AnswersNoKnockout.as_str(),
                Some(code),
                format!("criterion {code} has no knock-out condition to record"),
            ));
        }
        sheet.criteria.push(CriterionResult {
            code: code.clone(),
            max,
            outcome,
        });
    }

    /// What an answer makes of a criterion, given whether its condition holds (unknown while
    /// the condition's criterion is unanswered).
    fn outcome(
        &self,
        criterion: &Criterion,
        answer: Option<&Answer>,
        sheet: &mut Sheet,
        errors: &mut Vec<AnswerError>,
    ) -> Outcome {
        let code = &criterion.code;
        let applies = criterion.applies_if.as_ref().map(|cond| {
            let there = self.index[&cond.criterion];
            (
                sheet.points_by_index[there].map(|p| p >= cond.min_points),
                cond,
            )
        });
        match (answer, applies) {
            (Some(Answer::NotApplicable), None) => {
                errors.push(AnswerError::new(
                    Code::AnswersNotOptional.as_str(),
                    Some(code),
                    format!(
                        "criterion {code} always applies; choose one of its {} levels",
                        criterion.levels.len()
                    ),
                ));
                Outcome::Unanswered
            }
            (Some(Answer::NotApplicable), Some((Some(true), cond))) => {
                errors.push(AnswerError::new(
                    Code::AnswersApplies.as_str(),
                    Some(code),
                    format!(
                        "criterion {code} applies because {} scored {} or more; choose a level",
                        cond.criterion, cond.min_points
                    ),
                ));
                Outcome::Unanswered
            }
            (answer, Some((Some(false), cond))) => {
                if let Some(Answer::Level(_)) = answer {
                    errors.push(AnswerError::new(
                        Code::AnswersNotApplicable.as_str(),
                        Some(code),
                        format!(
                            "criterion {code} does not apply because {} scored less than {}; answer \"na\" or leave it out",
                            cond.criterion, cond.min_points
                        ),
                    ));
                }
                sheet.not_applicable.push(NotApplicable {
                    criterion: code.clone(),
                    because: cond.criterion.clone(),
                    reason: cond.reason.clone(),
                });
                Outcome::NotApplicable {
                    because: cond.criterion.clone(),
                }
            }
            (Some(Answer::NotApplicable), Some((None, _))) => Outcome::NotApplicable {
                because: String::new(),
            },
            (Some(Answer::Level(position)), _) => {
                match criterion.levels.get((*position as usize).wrapping_sub(1)) {
                    Some(level) => Outcome::Scored {
                        position: *position,
                        points: level.points,
                        scale: level.scale.clone(),
                    },
                    None => {
                        errors.push(AnswerError::new(
                            Code::AnswersNoSuchLevel.as_str(),
                            Some(code),
                            format!(
                                "criterion {code} has levels 1 to {}; {position} is not one of them",
                                criterion.levels.len()
                            ),
                        ));
                        Outcome::Unanswered
                    }
                }
            }
            (None, _) => Outcome::Unanswered,
        }
    }

    /// The part subtotals, the total and the star of a sheet the engine accepted.
    fn result(&self, sheet: Sheet) -> ScoreResult {
        let Sheet {
            criteria,
            knockouts,
            unanswered,
            unanswered_gates,
            not_applicable,
            points_by_index,
            stopped_by: _,
        } = sheet;
        let mut parts: Vec<PartResult> = self
            .set
            .parts
            .iter()
            .map(|p| PartResult {
                code: p.code.clone(),
                points: 0,
                max: p.criteria().map(|c| c.max_points()).sum(),
            })
            .collect();
        for (i, points) in points_by_index.iter().enumerate() {
            parts[self.part_of[i]].points += points.unwrap_or(0);
        }
        let total: u32 = parts.iter().map(|p| p.points).sum();
        let criterion_points = |code: &str| {
            self.index
                .get(code)
                .and_then(|i| points_by_index[*i])
                .unwrap_or(0)
        };
        let part_points = |code: &str| {
            parts
                .iter()
                .find(|p| p.code == code)
                .map(|p| p.points)
                .unwrap_or(0)
        };
        let holds = |rule: &Requirement| match rule {
            Requirement::CriterionAtLeast { criterion, points } => {
                criterion_points(criterion) >= *points
            }
            Requirement::PartAtLeast { part, points } => part_points(part) >= *points,
        };
        let complete = unanswered.is_empty() && unanswered_gates.is_empty();
        let classified = self.classify(u64::from(total) * 100, &knockouts, holds);
        ScoreResult {
            set: self.set_ref(),
            parts,
            total,
            max_total: self.max_total,
            star_by_score: classified.star_by_score,
            star: classified.star,
            reasons: classified.reasons,
            next_star: classified.next_star,
            not_applicable,
            knockouts,
            unanswered,
            unanswered_gates,
            complete,
            criteria,
        }
    }

    /// Bands, knock-outs and minimum requirements: shared by one sheet and a council.
    pub(crate) fn classify(
        &self,
        hundredths: u64,
        knockouts: &[KnockoutHit],
        holds: impl Fn(&Requirement) -> bool,
    ) -> Classification {
        let star_by_score = self.star_for_hundredths(hundredths);
        let mut reasons = Vec::new();
        for hit in knockouts {
            reasons.push(Reason::Knockout {
                criterion: hit.criterion.clone(),
                text: hit.text.clone(),
            });
        }
        let unmet: Vec<_> = self
            .set
            .minimum_requirements
            .iter()
            .filter(|r| !holds(&r.rule))
            .collect();
        let star = if knockouts.is_empty() {
            // The highest star up to the score's whose requirements (and those below it) hold.
            let mut star = Some(star_by_score);
            let mut candidates: Vec<u8> = self
                .bands_desc
                .iter()
                .map(|b| b.1)
                .filter(|s| *s <= star_by_score)
                .collect();
            candidates.sort_unstable_by(|a, b| b.cmp(a));
            for candidate in candidates.iter().copied().chain(std::iter::once(0)) {
                star = Some(candidate);
                if !unmet.iter().any(|r| r.star <= candidate) {
                    break;
                }
            }
            star.filter(|s| *s > 0)
        } else {
            None
        };
        if knockouts.is_empty() {
            for req in unmet.iter().filter(|r| r.star <= star_by_score) {
                reasons.push(Reason::MinimumNotMet {
                    star: req.star,
                    text: req.text.clone(),
                });
            }
        }
        let next_star = self
            .bands_desc
            .iter()
            .rev()
            .find(|(_, s)| *s > star_by_score)
            .map(|(min, s)| {
                let needed = (u64::from(*min) * 100).saturating_sub(hundredths);
                NextStar {
                    star: *s,
                    min_total: *min,
                    points_needed: needed as f64 / 100.0,
                    unmet_requirements: unmet
                        .iter()
                        .filter(|r| r.star <= *s)
                        .map(|r| r.text.clone())
                        .collect(),
                }
            });
        Classification {
            star_by_score,
            star,
            reasons,
            next_star,
        }
    }
}

pub(crate) struct Classification {
    pub star_by_score: u8,
    pub star: Option<u8>,
    pub reasons: Vec<Reason>,
    pub next_star: Option<NextStar>,
}

/// One problem with an answers file or sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct AnswerError {
    /// Stable code: `answers.unknown_criterion`, `answers.no_such_level`, `answers.not_applicable`,
    /// `answers.after_knockout`, `answers.applies`, `answers.not_optional`, ...
    pub code: String,
    pub criterion: Option<String>,
    pub message: String,
}

/// A sheet as the engine reads it, criterion by criterion.
#[derive(Default)]
struct Sheet {
    criteria: Vec<CriterionResult>,
    knockouts: Vec<KnockoutHit>,
    unanswered: Vec<String>,
    unanswered_gates: Vec<String>,
    not_applicable: Vec<NotApplicable>,
    /// Per criterion in sheet order: its points, when scored.
    points_by_index: Vec<Option<u32>>,
    /// The gate or criterion whose knock-out stops the rest of the sheet.
    stopped_by: Option<String>,
}

impl AnswerError {
    pub(crate) fn new(code: &str, criterion: Option<&String>, message: String) -> Self {
        AnswerError {
            code: code.into(),
            criterion: criterion.cloned(),
            message,
        }
    }
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct ScoreResult {
    pub set: SetRef,
    pub parts: Vec<PartResult>,
    pub total: u32,
    pub max_total: u32,
    /// The star the total earns by the bands alone.
    pub star_by_score: u8,
    /// The star after knock-outs, gates and minimum requirements; none when disqualified.
    pub star: Option<u8>,
    /// Why `star` differs from `star_by_score`.
    pub reasons: Vec<Reason>,
    pub next_star: Option<NextStar>,
    pub not_applicable: Vec<NotApplicable>,
    pub knockouts: Vec<KnockoutHit>,
    pub unanswered: Vec<String>,
    pub unanswered_gates: Vec<String>,
    /// Every criterion and gate has an answer (or does not apply, or was knocked out).
    pub complete: bool,
    /// Every criterion in sheet order.
    pub criteria: Vec<CriterionResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct PartResult {
    pub code: String,
    pub points: u32,
    pub max: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CriterionResult {
    pub code: String,
    pub max: u32,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Scored {
        position: u32,
        points: u32,
        scale: Option<String>,
    },
    /// Its condition does not hold (`because` names the criterion), or the assessor said so
    /// before the condition's criterion was answered (`because` empty).
    NotApplicable {
        because: String,
    },
    /// Not assessed: a knock-out or failed gate at `by` stopped the sheet before it.
    KnockedOut {
        by: String,
    },
    Unanswered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct NotApplicable {
    pub criterion: String,
    pub because: String,
    pub reason: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct KnockoutHit {
    /// The criterion (or gate) whose knock-out was triggered.
    pub criterion: String,
    pub effect: KnockoutEffect,
    pub text: Text,
    /// A gate rather than a criterion.
    pub gate: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    Knockout { criterion: String, text: Text },
    MinimumNotMet { star: u8, text: Text },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct NextStar {
    pub star: u8,
    pub min_total: u32,
    pub points_needed: f64,
    /// Minimum requirements that would still hold the product below that star.
    pub unmet_requirements: Vec<Text>,
}

/// Convenience for callers that keep answers as a map of points by code.
pub fn points_by_code(result: &ScoreResult) -> BTreeMap<&str, u32> {
    result
        .criteria
        .iter()
        .filter_map(|c| match c.outcome {
            Outcome::Scored { points, .. } => Some((c.code.as_str(), points)),
            _ => None,
        })
        .collect()
}
