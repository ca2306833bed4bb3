//! A council: several members score the same product on their own sheets. The result is the
//! average of their totals, and the divergence check (OCOP: members may not differ by more than
//! 10 points; otherwise they discuss and score again).

use serde::{Deserialize, Serialize};

use crate::answers::Answers;
use crate::codes::Code;
use crate::criteria::Requirement;
use crate::rubric::{
    AnswerError, KnockoutHit, NextStar, Outcome, Reason, Rubric, ScoreResult, SetRef,
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CouncilResult {
    pub set: SetRef,
    pub members: Vec<MemberResult>,
    /// The members' average total, exactly (e.g. 89.5).
    pub average: f64,
    pub max_total: u32,
    /// Each part's average.
    pub parts: Vec<PartAverage>,
    pub star_by_score: u8,
    pub star: Option<u8>,
    pub reasons: Vec<Reason>,
    pub next_star: Option<NextStar>,
    /// Knock-outs any member recorded.
    pub knockouts: Vec<MemberKnockout>,
    pub divergence: Divergence,
    /// Every member's sheet is complete.
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct MemberResult {
    pub member: String,
    pub result: ScoreResult,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct PartAverage {
    pub code: String,
    pub average: f64,
    pub max: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct MemberKnockout {
    pub member: String,
    pub knockout: KnockoutHit,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Divergence {
    /// The largest allowed difference between two members' totals; none when the set sets none.
    pub max_allowed: Option<u32>,
    /// Highest total minus lowest total.
    pub spread: u32,
    /// The spread is above the allowed maximum: the council must discuss and score again.
    pub exceeded: bool,
    /// Pairs of members whose totals differ by more than allowed, largest difference first.
    pub pairs: Vec<DivergentPair>,
    /// Criteria the members scored differently, largest spread first.
    pub criteria: Vec<CriterionSpread>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct DivergentPair {
    pub high: String,
    pub low: String,
    pub difference: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CriterionSpread {
    pub code: String,
    pub spread: u32,
    /// Points by member, in the members' order (none when a member did not score it).
    pub points: Vec<Option<u32>>,
}

/// An error in one member's sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct MemberError {
    pub member: String,
    pub error: AnswerError,
}

impl Rubric {
    /// Scores every member's sheet and combines them. Knock-outs any member records hold for the
    /// product; minimum requirements are checked on the members' average points.
    pub fn score_council(&self, sheets: &[Answers]) -> Result<CouncilResult, Vec<MemberError>> {
        let mut members = Vec::with_capacity(sheets.len());
        let mut errors = Vec::new();
        for (i, sheet) in sheets.iter().enumerate() {
            let member = sheet
                .assessor
                .clone()
                .unwrap_or_else(|| format!("member {}", i + 1));
            match self.score(sheet) {
                Ok(result) => members.push(MemberResult { member, result }),
                Err(list) => errors.extend(list.into_iter().map(|error| MemberError {
                    member: member.clone(),
                    error,
                })),
            }
        }
        if sheets.is_empty() {
            errors.push(MemberError {
                member: String::new(),
                error: AnswerError::new(
                    Code::AnswersNoMembers.as_str(),
                    None,
                    "a council needs at least one score sheet".into(),
                ),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let n = members.len() as u64;
        let sum: u64 = members.iter().map(|m| u64::from(m.result.total)).sum();
        // Hundredths of a point, truncated. Exact for every rounding rule: band boundaries are
        // whole points and half-up looks at the 0.5 mark, so the digits past the hundredths
        // cannot move a total across either.
        let hundredths = sum * 100 / n;

        let parts = self
            .set()
            .parts
            .iter()
            .enumerate()
            .map(|(p, part)| PartAverage {
                code: part.code.clone(),
                average: members
                    .iter()
                    .map(|m| f64::from(m.result.parts[p].points))
                    .sum::<f64>()
                    / n as f64,
                max: members[0].result.parts[p].max,
            })
            .collect::<Vec<_>>();

        let criterion_sum = |code: &str| -> u64 {
            members
                .iter()
                .filter_map(|m| m.result.criteria.iter().find(|c| c.code == code))
                .map(|c| match c.outcome {
                    Outcome::Scored { points, .. } => u64::from(points),
                    _ => 0,
                })
                .sum()
        };
        let part_sum = |code: &str| -> u64 {
            members
                .iter()
                .filter_map(|m| m.result.parts.iter().find(|p| p.code == code))
                .map(|p| u64::from(p.points))
                .sum()
        };
        let holds = |rule: &Requirement| match rule {
            Requirement::CriterionAtLeast { criterion, points } => {
                criterion_sum(criterion) >= u64::from(*points) * n
            }
            Requirement::PartAtLeast { part, points } => part_sum(part) >= u64::from(*points) * n,
        };

        let knockouts: Vec<MemberKnockout> = members
            .iter()
            .flat_map(|m| {
                m.result.knockouts.iter().map(|k| MemberKnockout {
                    member: m.member.clone(),
                    knockout: k.clone(),
                })
            })
            .collect();
        let mut distinct: Vec<KnockoutHit> = Vec::new();
        for k in &knockouts {
            if !distinct.iter().any(|d| d.criterion == k.knockout.criterion) {
                distinct.push(k.knockout.clone());
            }
        }
        let classified = self.classify(hundredths, &distinct, holds);

        let divergence = divergence(&members, self.set().council.max_divergence);
        let complete = members.iter().all(|m| m.result.complete);
        Ok(CouncilResult {
            set: self.set_ref(),
            average: sum as f64 / n as f64,
            max_total: self.max_total(),
            parts,
            star_by_score: classified.star_by_score,
            star: classified.star,
            reasons: classified.reasons,
            next_star: classified.next_star,
            knockouts,
            divergence,
            complete,
            members,
        })
    }
}

fn divergence(members: &[MemberResult], max_allowed: Option<u32>) -> Divergence {
    let totals: Vec<u32> = members.iter().map(|m| m.result.total).collect();
    let spread =
        totals.iter().max().copied().unwrap_or(0) - totals.iter().min().copied().unwrap_or(0);
    let exceeded = max_allowed.is_some_and(|max| spread > max);

    let mut pairs = Vec::new();
    if let Some(max) = max_allowed {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                let (high, low) = if a.result.total >= b.result.total {
                    (a, b)
                } else {
                    (b, a)
                };
                let difference = high.result.total - low.result.total;
                if difference > max {
                    pairs.push(DivergentPair {
                        high: high.member.clone(),
                        low: low.member.clone(),
                        difference,
                    });
                }
            }
        }
    }
    pairs.sort_by_key(|p| std::cmp::Reverse(p.difference));

    let mut criteria = Vec::new();
    if let Some(first) = members.first() {
        for (c, criterion) in first.result.criteria.iter().enumerate() {
            let points: Vec<Option<u32>> = members
                .iter()
                .map(|m| match m.result.criteria[c].outcome {
                    Outcome::Scored { points, .. } => Some(points),
                    _ => None,
                })
                .collect();
            let scored: Vec<u32> = points.iter().map(|p| p.unwrap_or(0)).collect();
            let spread = scored.iter().max().copied().unwrap_or(0)
                - scored.iter().min().copied().unwrap_or(0);
            if spread > 0 {
                criteria.push(CriterionSpread {
                    code: criterion.code.clone(),
                    spread,
                    points,
                });
            }
        }
    }
    criteria.sort_by_key(|c| std::cmp::Reverse(c.spread));
    Divergence {
        max_allowed,
        spread,
        exceeded,
        pairs,
        criteria,
    }
}
