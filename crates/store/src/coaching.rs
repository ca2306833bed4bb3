//! Coaching on the laptop: a product's plan (its actions, each a record with revisions) made
//! from a final assessment's steps, and the follow-up visits that record what was done. The
//! rules (what an action may say, when it is due) are `ovop_core::coaching`'s.

pub use ovop_core::coaching::ActionUpdate;
use ovop_core::coaching::{check_action, check_visit, due, Action, Due, Step};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use ovop_protocol::{CoachingActionBody, CoachingVisitBody};

use crate::assessments::encode;
use crate::sync::WireRecord;
use crate::{new_id, Result, Store, StoreError};

/// An action as it stands (its latest revision).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CoachingAction {
    pub id: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub revision: i64,
    pub product_id: String,
    /// The assessment whose steps it came from.
    pub assessment_id: Option<String>,
    pub action: Action,
    /// The visit that last changed its progress.
    pub visit_id: Option<String>,
    pub changed_at: String,
}

/// A follow-up visit: the day, notes, and what was found of each action it looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct CoachingVisit {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub product_id: String,
    /// `YYYY-MM-DD`.
    pub visited_on: String,
    #[serde(default)]
    pub notes: String,
    pub updates: Vec<ActionUpdate>,
}

/// An open action due by the end of the week, or overdue, with its product.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct DueAction {
    pub action: CoachingAction,
    pub due: Due,
    pub product_name: String,
    pub producer_id: String,
    pub producer_name: String,
}

const ACTION_COLUMNS: &str = "id, revision, product_id, assessment_id, body, visit_id, created_at";

fn action_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CoachingAction> {
    let body: String = r.get(4)?;
    let action = serde_json::from_str(&body).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(CoachingAction {
        id: r.get(0)?,
        revision: r.get(1)?,
        product_id: r.get(2)?,
        assessment_id: r.get(3)?,
        action,
        visit_id: r.get(5)?,
        changed_at: r.get(6)?,
    })
}

fn invalid(e: ovop_core::coaching::ActionError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

/// Stores `action` as the next revision of `id` (the first when new), the latest from now on.
fn put(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    product_id: &str,
    assessment_id: Option<&str>,
    action: &Action,
    visit_id: Option<&str>,
    now: &str,
) -> Result<i64> {
    let revision: i64 = tx.query_row(
        "SELECT coalesce(max(revision), 0) + 1 FROM coaching_action WHERE id = ?1",
        [id],
        |r| r.get(0),
    )?;
    tx.execute(
        "UPDATE coaching_action SET latest = 0 WHERE id = ?1 AND latest = 1",
        [id],
    )?;
    tx.execute(
        "INSERT INTO coaching_action (id, revision, product_id, assessment_id, body, due, open, latest, visit_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?9)",
        params![
            id,
            revision,
            product_id,
            assessment_id,
            encode(action)?,
            action.due,
            action.progress.open(),
            visit_id,
            now
        ],
    )?;
    // It travels to the office, exactly once, from the same write.
    tx.execute(
        "INSERT INTO outbox (kind, record_id, revision, created_at) VALUES ('coaching_action', ?1, ?2, ?3)",
        params![id, revision, now],
    )?;
    Ok(revision)
}

impl Store {
    /// A revision of an action as it travels (`ovop_protocol::CoachingActionBody`).
    pub fn wire_coaching_action(&self, id: &str, revision: i64) -> Result<WireRecord> {
        let action = self
            .read()
            .query_row(
                &format!(
                    "SELECT {ACTION_COLUMNS} FROM coaching_action WHERE id = ?1 AND revision = ?2"
                ),
                params![id, revision],
                action_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "coaching action",
                id: format!("{id} revision {revision}"),
            })?;
        let body = CoachingActionBody {
            product_id: action.product_id,
            assessment_id: action.assessment_id,
            visit_id: action.visit_id,
            action: action.action,
        };
        Ok(WireRecord {
            kind: "coaching_action".into(),
            id: id.into(),
            revision,
            body: serde_json::to_value(&body).map_err(|e| StoreError::Invalid(e.to_string()))?,
            blobs: Vec::new(),
        })
    }

    /// A follow-up visit as it travels (`ovop_protocol::CoachingVisitBody`), its photos with it.
    pub fn wire_coaching_visit(&self, id: &str) -> Result<WireRecord> {
        let visit = self.coaching_visit(id)?;
        let body = CoachingVisitBody {
            product_id: visit.product_id,
            visited_on: visit.visited_on,
            notes: visit.notes,
            updates: visit.updates,
        };
        Ok(WireRecord {
            kind: "coaching_visit".into(),
            id: id.into(),
            revision: 1,
            body: serde_json::to_value(&body).map_err(|e| StoreError::Invalid(e.to_string()))?,
            blobs: self.blobs_of("coaching_visit", id)?,
        })
    }

    /// A follow-up visit.
    pub fn coaching_visit(&self, id: &str) -> Result<CoachingVisit> {
        let body: String = self
            .read()
            .query_row("SELECT body FROM coaching_visit WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "coaching visit",
                id: id.into(),
            })?;
        serde_json::from_str(&body).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Whether a visit still takes photos: until it is first read for sending (its record is
    /// then frozen), photos join it; after, they would never travel.
    pub fn visit_takes_photos(&self, id: &str) -> Result<bool> {
        let frozen: Option<bool> = self
            .read()
            .query_row(
                "SELECT payload IS NOT NULL OR state NOT IN ('waiting', 'sending') FROM outbox
                 WHERE kind = 'coaching_visit' AND record_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(!frozen.unwrap_or(false))
    }

    /// The rubric an action of `product_id` is checked against: that of the assessment it was
    /// made from (which must be the product's), or none for an action made from no assessment.
    fn plan_rubric(
        &self,
        product_id: &str,
        assessment_id: Option<&str>,
    ) -> Result<Option<std::sync::Arc<ovop_core::Rubric>>> {
        let Some(id) = assessment_id else {
            return Ok(None);
        };
        let assessment = self.assessment(id)?;
        if assessment.product_id != product_id {
            return Err(StoreError::Invalid(format!(
                "assessment {id} is not of product {product_id}"
            )));
        }
        Ok(Some(self.rubric_of(&assessment)?))
    }

    /// Where a final assessment's product gains most toward its next star (its official
    /// result), for a plan to start from. A draft has no steps yet (`store.invalid`).
    pub fn coaching_steps(&self, assessment_id: &str) -> Result<Vec<Step>> {
        let assessment = self.assessment(assessment_id)?;
        if assessment.status == "draft" {
            return Err(StoreError::Invalid(
                "a coaching plan starts from a final assessment".into(),
            ));
        }
        let result = self.current_result(&assessment)?;
        let rubric = self.rubric_of(&assessment)?;
        Ok(ovop_core::coaching::steps(rubric.set(), &result))
    }

    /// Adds an action to a product's plan (`id` none) or stores a new revision of one. An action
    /// on a criterion comes from an assessment of the same product, whose set it is checked
    /// against; nothing is stored when a check fails.
    pub fn save_action(
        &mut self,
        id: Option<&str>,
        product_id: &str,
        assessment_id: Option<&str>,
        action: &Action,
        now: &str,
    ) -> Result<CoachingAction> {
        self.product(product_id)?;
        let rubric = self.plan_rubric(product_id, assessment_id)?;
        check_action(rubric.as_deref().map(|r| r.set()), action).map_err(invalid)?;
        let tx = self.conn().transaction()?;
        let id = match id {
            Some(id) => {
                let owner: Option<String> = tx
                    .query_row(
                        "SELECT product_id FROM coaching_action WHERE id = ?1 AND latest = 1",
                        [id],
                        |r| r.get(0),
                    )
                    .optional()?;
                match owner {
                    None => {
                        return Err(StoreError::NotFound {
                            what: "coaching action",
                            id: id.into(),
                        })
                    }
                    Some(p) if p != product_id => {
                        return Err(StoreError::Invalid(format!(
                            "action {id} is not of product {product_id}"
                        )))
                    }
                    Some(_) => id.to_string(),
                }
            }
            None => new_id(),
        };
        put(&tx, &id, product_id, assessment_id, action, None, now)?;
        tx.commit()?;
        self.coaching_action(&id)
    }

    /// Adds a plan's actions to a product, all in one write: each is checked first, and when
    /// one is refused none is stored (a plan is not left half made, and saving it again does
    /// not make its first actions twice).
    pub fn save_plan(
        &mut self,
        product_id: &str,
        assessment_id: &str,
        actions: &[Action],
        now: &str,
    ) -> Result<Vec<CoachingAction>> {
        let rubric = self.plan_rubric(product_id, Some(assessment_id))?;
        for action in actions {
            check_action(rubric.as_deref().map(|r| r.set()), action).map_err(invalid)?;
        }
        let tx = self.conn().transaction()?;
        let mut ids = Vec::with_capacity(actions.len());
        for action in actions {
            let id = new_id();
            put(&tx, &id, product_id, Some(assessment_id), action, None, now)?;
            ids.push(id);
        }
        tx.commit()?;
        ids.iter().map(|id| self.coaching_action(id)).collect()
    }

    /// An action as it stands.
    pub fn coaching_action(&self, id: &str) -> Result<CoachingAction> {
        self.read()
            .query_row(
                &format!(
                    "SELECT {ACTION_COLUMNS} FROM coaching_action WHERE id = ?1 AND latest = 1"
                ),
                [id],
                action_row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "coaching action",
                id: id.into(),
            })
    }

    /// A product's plan: its actions as they stand, those due soonest first (undated last).
    pub fn actions_of(&self, product_id: &str) -> Result<Vec<CoachingAction>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {ACTION_COLUMNS} FROM coaching_action WHERE product_id = ?1 AND latest = 1
             ORDER BY due IS NULL, due, created_at, id"
        ))?;
        let rows = stmt.query_map([product_id], action_row)?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Records a follow-up visit and, in the same write, each action's progress as the visit
    /// found it (a new revision of each action). Refused whole, with nothing stored, when the
    /// day is not a day, an action is not the product's, is named twice, or is dropped without
    /// a reason.
    pub fn record_visit(&mut self, visit: &CoachingVisit, now: &str) -> Result<CoachingVisit> {
        check_visit(&visit.visited_on, &visit.notes, &visit.updates).map_err(invalid)?;
        self.product(&visit.product_id)?;
        let mut changed = Vec::with_capacity(visit.updates.len());
        for update in &visit.updates {
            let current = self.coaching_action(&update.action_id)?;
            if current.product_id != visit.product_id {
                return Err(StoreError::Invalid(format!(
                    "action {} is not of product {}",
                    update.action_id, visit.product_id
                )));
            }
            let mut action = current.action.clone();
            action.progress = update.progress;
            action.dropped_because = update
                .dropped_because
                .clone()
                .filter(|r| !r.trim().is_empty());
            // The set only matters for the criterion, which a visit does not change.
            let rubric = self.plan_rubric(&current.product_id, current.assessment_id.as_deref())?;
            check_action(rubric.as_deref().map(|r| r.set()), &action).map_err(invalid)?;
            changed.push((current, action));
        }
        let stored = CoachingVisit {
            id: new_id(),
            ..visit.clone()
        };
        let tx = self.conn().transaction()?;
        tx.execute(
            "INSERT INTO coaching_visit (id, product_id, visited_on, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                stored.id,
                stored.product_id,
                stored.visited_on,
                encode(&stored)?,
                now
            ],
        )?;
        tx.execute(
            "INSERT INTO outbox (kind, record_id, revision, created_at) VALUES ('coaching_visit', ?1, 1, ?2)",
            params![stored.id, now],
        )?;
        for (current, action) in &changed {
            put(
                &tx,
                &current.id,
                &current.product_id,
                current.assessment_id.as_deref(),
                action,
                Some(&stored.id),
                now,
            )?;
        }
        tx.commit()?;
        Ok(stored)
    }

    /// A product's follow-up visits, the latest first.
    pub fn visits_of(&self, product_id: &str) -> Result<Vec<CoachingVisit>> {
        let conn = self.read();
        let mut stmt = conn.prepare_cached(
            "SELECT body FROM coaching_visit WHERE product_id = ?1
             ORDER BY visited_on DESC, created_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([product_id], |r| r.get::<_, String>(0))?;
        rows.map(|body| {
            serde_json::from_str(&body?).map_err(|e| StoreError::Invalid(e.to_string()))
        })
        .collect()
    }

    /// The open actions overdue or due within the week on `today` (`YYYY-MM-DD`), soonest
    /// first, with their products.
    pub fn due_actions(&self, today: &str) -> Result<Vec<DueAction>> {
        let day = ovop_core::validity::parse_day(today)
            .ok_or_else(|| StoreError::Invalid(format!("{today:?} is not a day")))?;
        let until = ovop_core::validity::format_day(day + time::Duration::days(6));
        let conn = self.read();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {}, p.name, r.id, r.name FROM coaching_action a
             JOIN product p ON p.id = a.product_id JOIN producer r ON r.id = p.producer_id
             WHERE a.latest = 1 AND a.open = 1 AND a.due <= ?1
             ORDER BY a.due, a.created_at, a.id",
            ACTION_COLUMNS
                .split(", ")
                .map(|c| format!("a.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
        let rows = stmt.query_map([until], |r| {
            Ok((
                action_row(r)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (action, product_name, producer_id, producer_name) = row?;
            // `due` is none only for an undated or closed action, which the query left out.
            if let Some(due) = due(&action.action, day) {
                out.push(DueAction {
                    action,
                    due,
                    product_name,
                    producer_id,
                    producer_name,
                });
            }
        }
        Ok(out)
    }
}
