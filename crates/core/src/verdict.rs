//! The official result of an assessment, decided once: one sheet or a council, the total after
//! the set's rounding rule, the star by score and after the minimum requirements, and whether
//! the result is final, provisional (and why) or not classified. Everything that shows or stores
//! a result (the laptop's store and lists, the pushed body, the server, the dashboard, the
//! exports, the printed sheets, the CLI) takes it from here.

use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::council::{CouncilResult, MemberError};
use crate::criteria::Rounding;
use crate::rubric::{KnockoutHit, Reason, Rubric, ScoreResult, SetRef};

/// Final, provisional or not classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Complete, within the council's rules: the star (or none, below the lowest band) holds.
    Final,
    /// Something is missing or out of the rules (see `pending`): no official star yet.
    Provisional,
    /// A knock-out or a failed gate: the product cannot be classified, whatever its score.
    NotClassified,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Final => "final",
            Standing::Provisional => "provisional",
            Standing::NotClassified => "not_classified",
        }
    }

    pub fn parse(text: &str) -> Option<Standing> {
        match text {
            "final" => Some(Standing::Final),
            "provisional" => Some(Standing::Provisional),
            "not_classified" => Some(Standing::NotClassified),
            _ => None,
        }
    }
}

/// Why a result is provisional or not classified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pending {
    /// Criteria without an answer (on `member`'s sheet, for a council).
    Unanswered {
        member: Option<String>,
        criteria: Vec<String>,
    },
    /// Gates (legality, permits) not answered.
    GatesUnanswered {
        member: Option<String>,
        gates: Vec<String>,
    },
    /// A gate answered "no".
    GateFailed {
        member: Option<String>,
        gate: String,
    },
    /// A knock-out criterion observed.
    Knockout {
        member: Option<String>,
        criterion: String,
    },
    /// The members' totals differ by more than the set allows: the council discusses and
    /// scores again.
    Divergence { spread: u32, allowed: u32 },
    /// Fewer members sat than the quorum asks, or the chair was absent when it must sit.
    Quorum {
        present: u32,
        required: u32,
        chair_required: bool,
        chair_present: bool,
    },
    /// The set states a quorum and the council's sitting (how many were appointed, whether the
    /// chair sat) was not recorded.
    SittingUnknown,
}

/// Who was appointed to the council and whether its chair sat, for the quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Sitting {
    pub appointed: u32,
    pub chair_present: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct PartVerdict {
    pub code: String,
    /// The part's points: one sheet's, or the members' average (exact).
    pub points: f64,
    pub max: u32,
}

/// The official result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Verdict {
    pub set: SetRef,
    /// The sheets behind it: 1, or the council's members.
    pub sheets: u32,
    /// The official total in hundredths of a point, after the set's rounding rule: one sheet's
    /// total, or the members' average rounded as the set says (89.5 stays 89.5 when the set does
    /// not round, is 89 when it rounds down, 90 when it rounds halves up).
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub total_hundredths: u64,
    /// The same as a number of points (89.5).
    pub total: f64,
    /// The members' exact average before rounding (one sheet's total for one sheet).
    pub exact: f64,
    pub max_total: u32,
    pub parts: Vec<PartVerdict>,
    /// The star the official total earns by the bands alone.
    pub star_by_score: u8,
    /// The official star: only when final (none below the lowest band).
    pub star: Option<u8>,
    /// The star it would hold were it final: what a provisional result points to.
    pub provisional_star: Option<u8>,
    pub standing: Standing,
    /// Why it is provisional or not classified; empty when final.
    pub pending: Vec<Pending>,
    /// Why the star is below the star by score (knock-outs, minimum requirements).
    pub reasons: Vec<Reason>,
}

impl Verdict {
    /// The official total as people write it: "89", "89.5", "89.25".
    pub fn total_text(&self) -> String {
        points_text(self.total_hundredths)
    }

    pub fn is_final(&self) -> bool {
        self.standing == Standing::Final
    }
}

/// Hundredths of a point as people write them: 8900 → "89", 8950 → "89.5", 8925 → "89.25".
pub fn points_text(hundredths: u64) -> String {
    let whole = hundredths / 100;
    match hundredths % 100 {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// A fractional number of points as people write them (two decimals at most, trailing zeros
/// dropped).
pub fn number_text(points: f64) -> String {
    if !points.is_finite() || points < 0.0 {
        return "0".into();
    }
    points_text((points * 100.0 + 1e-6).floor() as u64)
}

impl Rubric {
    /// The total in hundredths after the set's rounding rule.
    pub fn round_hundredths(&self, hundredths: u64) -> u64 {
        match self.set().stars.rounding {
            Rounding::None => hundredths,
            Rounding::Floor => hundredths / 100 * 100,
            Rounding::HalfUp => (hundredths + 50) / 100 * 100,
        }
    }

    /// One sheet's official result.
    pub fn verdict(&self, result: &ScoreResult) -> Verdict {
        let mut pending: Vec<Pending> = result
            .knockouts
            .iter()
            .map(|hit| stopped(hit, None))
            .collect();
        still_open(result, None, &mut pending);
        let standing = standing_of(!result.knockouts.is_empty(), &pending);
        let hundredths = u64::from(result.total) * 100;
        Verdict {
            set: result.set.clone(),
            sheets: 1,
            total_hundredths: hundredths,
            total: f64::from(result.total),
            exact: f64::from(result.total),
            max_total: result.max_total,
            parts: result
                .parts
                .iter()
                .map(|p| PartVerdict {
                    code: p.code.clone(),
                    points: f64::from(p.points),
                    max: p.max,
                })
                .collect(),
            star_by_score: result.star_by_score,
            star: result.star.filter(|_| standing == Standing::Final),
            provisional_star: result.star.filter(|_| standing != Standing::NotClassified),
            standing,
            pending,
            reasons: result.reasons.clone(),
        }
    }

    /// A council's official result: the verdict over its members (their average, rounded by
    /// the set's rule), provisional while a member's sheet is incomplete, while the members'
    /// totals diverge beyond the set's limit, and while the quorum the set states is not met.
    pub fn council_verdict(&self, council: &CouncilResult, sitting: Option<&Sitting>) -> Verdict {
        let mut pending = Vec::new();
        let mut seen = Vec::new();
        for k in &council.knockouts {
            if seen.contains(&k.knockout.criterion) {
                continue;
            }
            seen.push(k.knockout.criterion.clone());
            pending.push(stopped(&k.knockout, Some(&k.member)));
        }
        for m in &council.members {
            still_open(&m.result, Some(&m.member), &mut pending);
        }
        if council.divergence.exceeded {
            pending.push(Pending::Divergence {
                spread: council.divergence.spread,
                allowed: council.divergence.max_allowed.unwrap_or(0),
            });
        }
        let present = council.members.len() as u32;
        if let Some(quorum) = self.set().council.quorum {
            match sitting {
                None => pending.push(Pending::SittingUnknown),
                Some(sitting) => {
                    // The smallest number of members that is at least the share of those
                    // appointed: 75 % of 7 is 5.25, so 6 must sit.
                    let check = quorum.check(
                        sitting.appointed.max(present),
                        present,
                        sitting.chair_present,
                    );
                    if !check.met {
                        pending.push(Pending::Quorum {
                            present,
                            required: check.required,
                            chair_required: quorum.chair_required,
                            chair_present: sitting.chair_present,
                        });
                    }
                }
            }
        }
        let standing = standing_of(!council.knockouts.is_empty(), &pending);
        let sum: u64 = council
            .members
            .iter()
            .map(|m| u64::from(m.result.total))
            .sum();
        let n = u64::from(present.max(1));
        let hundredths = self.round_hundredths(sum * 100 / n);
        Verdict {
            set: council.set.clone(),
            sheets: present,
            total_hundredths: hundredths,
            total: hundredths as f64 / 100.0,
            exact: council.average,
            max_total: council.max_total,
            parts: council
                .parts
                .iter()
                .map(|p| PartVerdict {
                    code: p.code.clone(),
                    points: p.average,
                    max: p.max,
                })
                .collect(),
            star_by_score: council.star_by_score,
            star: council.star.filter(|_| standing == Standing::Final),
            provisional_star: council.star.filter(|_| standing != Standing::NotClassified),
            standing,
            pending,
            reasons: council.reasons.clone(),
        }
    }

    /// The verdict of a scored assessment: the council's over its members when there is one
    /// (its sitting not recorded), else the sheet's.
    pub fn decide(&self, result: &ScoreResult, council: Option<&CouncilResult>) -> Verdict {
        self.decide_sitting(result, council, None)
    }

    /// [`Rubric::decide`] with the council's sitting, when it was recorded (a set that states a
    /// quorum counts it).
    pub fn decide_sitting(
        &self,
        result: &ScoreResult,
        council: Option<&CouncilResult>,
        sitting: Option<&Sitting>,
    ) -> Verdict {
        match council {
            Some(council) => self.council_verdict(council, sitting),
            None => self.verdict(result),
        }
    }

    /// The quorum a council scoring on this set needs: the set's own, else its programme's
    /// (`assets/programmes/`), else none.
    pub fn council_quorum(&self) -> Option<crate::criteria::Quorum> {
        self.set().council.quorum.or_else(|| {
            crate::programme::rules_of(self.set().programme).and_then(|rules| rules.quorum)
        })
    }

    /// Scores the sheets and decides: one sheet is scored alone; two or more are a council
    /// (the first is the lead assessor's).
    pub fn official(
        &self,
        sheets: &[Answers],
        sitting: Option<&Sitting>,
    ) -> Result<Verdict, Vec<MemberError>> {
        match sheets {
            [one] => self.score(one).map(|r| self.verdict(&r)).map_err(|errors| {
                errors
                    .into_iter()
                    .map(|error| MemberError {
                        member: one.assessor.clone().unwrap_or_default(),
                        error,
                    })
                    .collect()
            }),
            _ => self
                .score_council(sheets)
                .map(|c| self.council_verdict(&c, sitting)),
        }
    }
}

/// A knock-out or failed gate (on `member`'s sheet, for a council).
fn stopped(hit: &KnockoutHit, member: Option<&str>) -> Pending {
    let member = member.map(str::to_string);
    let code = hit.criterion.clone();
    if hit.gate {
        Pending::GateFailed { member, gate: code }
    } else {
        Pending::Knockout {
            member,
            criterion: code,
        }
    }
}

/// The gates and criteria a sheet leaves unanswered.
fn still_open(result: &ScoreResult, member: Option<&str>, pending: &mut Vec<Pending>) {
    if !result.unanswered_gates.is_empty() {
        pending.push(Pending::GatesUnanswered {
            member: member.map(str::to_string),
            gates: result.unanswered_gates.clone(),
        });
    }
    if !result.unanswered.is_empty() {
        pending.push(Pending::Unanswered {
            member: member.map(str::to_string),
            criteria: result.unanswered.clone(),
        });
    }
}

fn standing_of(knocked_out: bool, pending: &[Pending]) -> Standing {
    if knocked_out {
        Standing::NotClassified
    } else if pending.is_empty() {
        Standing::Final
    } else {
        Standing::Provisional
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_written_as_people_write_them() {
        assert_eq!(points_text(8900), "89");
        assert_eq!(points_text(8950), "89.5");
        assert_eq!(points_text(8925), "89.25");
        assert_eq!(points_text(5), "0.05");
        assert_eq!(number_text(89.5), "89.5");
        assert_eq!(number_text(66.0 / 3.0), "22");
        assert_eq!(number_text(200.0 / 3.0), "66.66");
        assert_eq!(number_text(f64::NAN), "0");
    }
}
