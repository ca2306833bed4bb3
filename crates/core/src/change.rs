//! One change to a draft sheet, applied by the engine: the officer's choice goes in, the
//! answers it makes impossible come out (a level of 0 points makes the criteria that depend on
//! it not apply; a knock-out stops the rest of the sheet), each with the reason the engine gives,
//! and the result of the settled sheet. The store calls it once per autosave; a dry run of it
//! answers the window's "ask first".

use serde::{Deserialize, Serialize};

use crate::codes::Code;
use crate::rubric::{AnswerError, Rubric, ScoreResult};
use crate::{Answer, Answers};

/// One change the officer makes on a draft sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DraftChange {
    /// A level (or "na"); `null` clears the answer.
    Answer {
        code: String,
        answer: Option<Answer>,
    },
    /// The note on a criterion; blank text removes it.
    Note { code: String, text: String },
    /// Whether the knock-out condition of a criterion was observed.
    Knockout { code: String, observed: bool },
    /// Whether a gate's condition is met; `null` clears it.
    Gate { code: String, met: Option<bool> },
}

impl DraftChange {
    /// The criterion (or gate) the change is about.
    pub fn code(&self) -> &str {
        match self {
            DraftChange::Answer { code, .. }
            | DraftChange::Note { code, .. }
            | DraftChange::Knockout { code, .. }
            | DraftChange::Gate { code, .. } => code,
        }
    }

    /// The answers with the change made, nothing else settled.
    fn applied_to(&self, answers: &Answers) -> Answers {
        let mut answers = answers.clone();
        match self {
            DraftChange::Answer { code, answer } => match answer {
                Some(a) => {
                    answers.answers.insert(code.clone(), *a);
                }
                None => {
                    answers.answers.remove(code);
                }
            },
            DraftChange::Note { code, text } => {
                if text.trim().is_empty() {
                    answers.notes.remove(code);
                } else {
                    answers.notes.insert(code.clone(), text.clone());
                }
            }
            DraftChange::Knockout { code, observed } => {
                answers.knockouts.retain(|c| c != code);
                if *observed {
                    answers.knockouts.push(code.clone());
                    answers.knockouts.sort();
                }
            }
            DraftChange::Gate { code, met } => match met {
                Some(m) => {
                    answers.gates.insert(code.clone(), *m);
                }
                None => {
                    answers.gates.remove(code);
                }
            },
        }
        answers
    }
}

/// A change applied: the answers as they settle, what the change cleared and why, the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    pub answers: Answers,
    /// The criteria whose answers the change made impossible, in the order they were cleared.
    pub cleared: Vec<String>,
    /// Why each was cleared: the engine's refusal of it (`answers.not_applicable`,
    /// `answers.after_knockout`, `answers.applies`), one per cleared criterion.
    pub reasons: Vec<AnswerError>,
    pub result: ScoreResult,
}

impl Settled {
    /// The answers the change takes away because it stops the sheet (a failed gate, a stop
    /// knock-out): the ones the officer is asked about first. Those a condition makes not
    /// applicable are not among them.
    pub fn stopped(&self) -> Vec<&AnswerError> {
        self.reasons
            .iter()
            .filter(|e| Code::parse(&e.code) == Some(Code::AnswersAfterKnockout))
            .collect()
    }
}

/// A refusal that another answer's change causes, which clearing the answer settles.
fn is_consequence(error: &AnswerError) -> bool {
    matches!(
        Code::parse(&error.code),
        Some(Code::AnswersAfterKnockout | Code::AnswersNotApplicable | Code::AnswersApplies)
    )
}

impl Rubric {
    /// Applies `change` to `answers` and settles the sheet: every other answer the change makes
    /// impossible is cleared, with its reason, until the engine accepts the sheet. A change
    /// that is itself wrong (a level a criterion does not have, an answer to a criterion that
    /// does not apply) is refused with the engine's errors and changes nothing.
    pub fn apply(
        &self,
        answers: &Answers,
        change: &DraftChange,
    ) -> Result<Settled, Vec<AnswerError>> {
        let mut answers = change.applied_to(answers);
        let mut cleared = Vec::new();
        let mut reasons = Vec::new();
        // Each round clears at least one answer, so this ends within the sheet's length.
        loop {
            let errors = match self.score(&answers) {
                Ok(result) => {
                    return Ok(Settled {
                        answers,
                        cleared,
                        reasons,
                        result,
                    })
                }
                Err(errors) => errors,
            };
            let mut progress = false;
            for error in errors.iter().filter(|e| is_consequence(e)) {
                let Some(code) = error.criterion.as_deref() else {
                    continue;
                };
                if code != change.code() && answers.answers.remove(code).is_some() {
                    cleared.push(code.to_string());
                    reasons.push(error.clone());
                    progress = true;
                }
            }
            if !progress {
                return Err(errors);
            }
        }
    }
}
