//! A council: several assessors each score the same draft on a sheet of their own (member 1 is
//! the assessment's own sheet); the engine averages them and checks their divergence.

use ovop_core::council::CouncilResult;
use ovop_core::Answers;
use rusqlite::params;
use serde::Serialize;

use crate::assessments::{encode, latest, Assessment, Assessor};
use crate::{Result, Store, StoreError};

/// The council sheets of a revision (the first is the assessment's own), or `None` when one
/// assessor scored.
pub(crate) fn council_of(
    conn: &rusqlite::Connection,
    assessment: &Assessment,
) -> Result<Option<Vec<Answers>>> {
    let members = members_of(conn, &assessment.id, assessment.revision)?;
    Ok((!members.is_empty()).then(|| council_sheets(assessment, &members)))
}

/// One council member's sheet (member 2 onwards).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CouncilSheet {
    pub member: u32,
    pub assessor: Assessor,
    pub answers: Answers,
    pub updated_at: String,
}

pub(crate) fn members_of(
    conn: &rusqlite::Connection,
    id: &str,
    revision: i64,
) -> Result<Vec<CouncilSheet>> {
    let mut stmt = conn.prepare_cached(
        "SELECT member, assessor, answers, updated_at FROM council_sheet
         WHERE assessment_id = ?1 AND revision = ?2 ORDER BY member",
    )?;
    let rows = stmt.query_map(params![id, revision], |r| {
        let bad = |i: usize, e: serde_json::Error| {
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        };
        Ok(CouncilSheet {
            member: r.get(0)?,
            assessor: serde_json::from_str(&r.get::<_, String>(1)?).map_err(|e| bad(1, e))?,
            answers: serde_json::from_str(&r.get::<_, String>(2)?).map_err(|e| bad(2, e))?,
            updated_at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// Every member's sheet in order, each named after its assessor.
pub(crate) fn council_sheets(assessment: &Assessment, members: &[CouncilSheet]) -> Vec<Answers> {
    std::iter::once(assessment.visit.lead_sheet(&assessment.answers))
        .chain(members.iter().map(|m| {
            let mut sheet = m.answers.clone();
            sheet.assessor = Some(m.assessor.name.clone());
            sheet
        }))
        .collect()
}

impl Store {
    /// The other members' sheets of a revision (member 2 onwards; member 1 is the assessment's
    /// own sheet).
    pub fn members(&self, id: &str, revision: i64) -> Result<Vec<CouncilSheet>> {
        members_of(self.read(), id, revision)
    }

    /// Adds a council member with an empty sheet to the draft; returns the member's number.
    pub fn add_member(&mut self, id: &str, assessor: &Assessor, now: &str) -> Result<u32> {
        if assessor.name.trim().is_empty() {
            return Err(StoreError::Invalid("a council member needs a name".into()));
        }
        let tx = self.conn().transaction()?;
        let draft = latest(&tx, id)?;
        if draft.status != "draft" {
            return Err(StoreError::Locked(id.into()));
        }
        let member: u32 = tx.query_row(
            "SELECT coalesce(max(member), 1) + 1 FROM council_sheet WHERE assessment_id = ?1 AND revision = ?2",
            params![id, draft.revision],
            |r| r.get(0),
        )?;
        let answers = Answers {
            criteria: draft.answers.criteria.clone(),
            version: draft.answers.version.clone(),
            assessor: Some(assessor.name.trim().to_string()),
            ..Answers::default()
        };
        tx.execute(
            "INSERT INTO council_sheet (assessment_id, revision, member, assessor, answers, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, draft.revision, member, encode(assessor)?, encode(&answers)?, now],
        )?;
        tx.commit()?;
        Ok(member)
    }

    /// Removes a council member's sheet from the draft.
    pub fn remove_member(&mut self, id: &str, member: u32) -> Result<()> {
        let tx = self.conn().transaction()?;
        let draft = latest(&tx, id)?;
        if draft.status != "draft" {
            return Err(StoreError::Locked(id.into()));
        }
        let gone = tx.execute(
            "DELETE FROM council_sheet WHERE assessment_id = ?1 AND revision = ?2 AND member = ?3",
            params![id, draft.revision, member],
        )?;
        if gone == 0 {
            return Err(StoreError::NotFound {
                what: "council member",
                id: format!("{id} #{member}"),
            });
        }
        tx.commit()?;
        Ok(())
    }

    pub(crate) fn save_member_answers(
        &mut self,
        id: &str,
        revision: i64,
        member: u32,
        answers: &Answers,
        now: &str,
    ) -> Result<()> {
        self.conn().execute(
            "UPDATE council_sheet SET answers = ?4, updated_at = ?5
             WHERE assessment_id = ?1 AND revision = ?2 AND member = ?3",
            params![id, revision, member, encode(answers)?, now],
        )?;
        Ok(())
    }

    /// The council's result of a revision with several members (none for a single assessor):
    /// the stored one once final, else computed from the sheets as they stand.
    pub fn council_of(&self, assessment: &Assessment) -> Result<Option<CouncilResult>> {
        if assessment.council.is_some() {
            return Ok(assessment.council.clone());
        }
        let members = self.members(&assessment.id, assessment.revision)?;
        if members.is_empty() {
            return Ok(None);
        }
        let rubric = self.rubric_of(assessment)?;
        let sheets = council_sheets(assessment, &members);
        rubric.score_council(&sheets).map(Some).map_err(|errors| {
            StoreError::Corrupt(format!(
                "the council sheets of {} no longer score: {}",
                assessment.id,
                errors
                    .iter()
                    .map(|e| e.error.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ))
        })
    }
}
