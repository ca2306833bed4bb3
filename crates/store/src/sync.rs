//! The store's side of sync: the outbox as the sync engine reads and settles it, the records
//! as they travel (a final assessment with the producer and product it needs, and its photos),
//! what the server already has, and what a pull brings back. Every write that moves a record
//! from one state to another is one transaction, so a crash or a retry can neither lose a
//! record nor send it as something else.

use std::collections::HashSet;

use ovop_core::canonical_hash;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::assessments::{body_of, council_of, row, COLUMNS};
use crate::{Result, Store, StoreError};

/// A record as it travels: its kind, id, revision, body and the photos it refers to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireRecord {
    pub kind: String,
    pub id: String,
    pub revision: i64,
    pub body: Value,
    /// `(sha256 in hex, size)` of each photo.
    #[serde(default)]
    pub blobs: Vec<(String, u64)>,
}

/// An outbox entry still to send (`waiting`, or `sending` when a sync was cut off).
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub seq: i64,
    pub record: WireRecord,
    /// The producer and product it needs, unless the server has them already.
    pub needs: Vec<WireRecord>,
}

/// How a pushed record ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Sent,
    Rejected,
    Conflict,
}

/// A change pulled from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pulled {
    pub cursor: i64,
    pub kind: String,
    pub id: String,
    pub body: Value,
}

/// What a pull did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PullApplied {
    pub producers: u32,
    pub products: u32,
    /// Assessment revisions of the regions made on other laptops.
    pub assessments: u32,
    pub decisions: u32,
    /// Stars awarded (with their certificates).
    pub awards: u32,
    /// Assessments the office forwarded to the next level.
    pub forwards: u32,
    /// Pulled records not applied because the local copy has changes not yet sent.
    pub kept_local: u32,
}

/// One record of the outbox as the sync screen lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct OutboxRow {
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub seq: i64,
    pub kind: String,
    pub record_id: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub revision: i64,
    /// What the officer calls it: the product assessed (and its producer).
    pub product: Option<String>,
    pub producer: Option<String>,
    /// waiting, sending, sent, rejected, conflict.
    pub state: String,
    /// The server's code for a rejected or conflicting record.
    pub code: Option<String>,
    pub reason: Option<String>,
    pub created_at: String,
    pub settled_at: Option<String>,
}

/// A supervisor's decision on one of my assessments.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct ReviewDecision {
    pub assessment_id: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub revision: i64,
    /// approved, returned.
    pub decision: String,
    pub comment: String,
    pub reviewer: String,
    pub decided_at: String,
}

/// The settings keys sync keeps.
pub const CURSOR_KEY: &str = "sync.cursor";
pub const LAST_SUCCESS_KEY: &str = "sync.last_success";

/// A pulled record's own fields: without what the server adds (its id, revision and history).
fn server_fields(body: &Value) -> Value {
    let mut body = body.clone();
    if let Some(map) = body.as_object_mut() {
        for key in ["id", "revision", "history"] {
            map.remove(key);
        }
    }
    body
}

fn encode(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Invalid(e.to_string()))
}

fn bad_payload(seq: i64, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("outbox entry {seq} cannot be read: {e}"))
}

impl Store {
    /// The body of a final assessment revision as it travels: the record its content hash
    /// covers, with the programme, the result, the council's result and that local hash.
    pub fn wire_assessment(&self, id: &str, revision: i64) -> Result<WireRecord> {
        let conn = self.read();
        let assessment = conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM assessment WHERE id = ?1 AND revision = ?2"),
                params![id, revision],
                row,
            )
            .optional()?
            .ok_or_else(|| StoreError::NotFound {
                what: "assessment",
                id: format!("{id} revision {revision}"),
            })?;
        if assessment.status == "draft" {
            return Err(StoreError::Invalid(format!(
                "revision {revision} of {id} is a draft; only final revisions are sent"
            )));
        }
        let set = self.frozen_set(&assessment.criteria_hash)?;
        let sheets = council_of(conn, &assessment)?;
        let result = assessment.result.clone().ok_or_else(|| {
            StoreError::Corrupt(format!(
                "revision {revision} of {id} is final without a result"
            ))
        })?;
        let body = body_of(conn, &assessment, &set, sheets.as_deref(), result)?
            .to_value()
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        Ok(WireRecord {
            kind: "assessment".into(),
            id: id.into(),
            revision,
            body,
            blobs: self.blobs_of("assessment", id)?,
        })
    }

    /// A producer as it travels (its photos with it).
    pub fn wire_producer(&self, id: &str) -> Result<WireRecord> {
        self.wire_reference("producer", id, &self.producer(id)?)
    }

    /// A product as it travels (its photos with it).
    pub fn wire_product(&self, id: &str) -> Result<WireRecord> {
        self.wire_reference("product", id, &self.product(id)?)
    }

    /// A producer or product: its fields without the id (the record carries it), revision 1.
    fn wire_reference(&self, kind: &str, id: &str, value: &impl Serialize) -> Result<WireRecord> {
        let mut body =
            serde_json::to_value(value).map_err(|e| StoreError::Invalid(e.to_string()))?;
        if let Some(map) = body.as_object_mut() {
            map.remove("id");
        }
        Ok(WireRecord {
            kind: kind.into(),
            id: id.into(),
            revision: 1,
            body,
            blobs: self.blobs_of(kind, id)?,
        })
    }

    /// The photos of a record as blobs: `(sha256, size)`.
    pub(crate) fn blobs_of(&self, kind: &str, id: &str) -> Result<Vec<(String, u64)>> {
        Ok(self
            .photos(kind, id)?
            .into_iter()
            .map(|p| (p.sha256, u64::from(p.size)))
            .collect())
    }

    /// The record of one outbox entry as it travels.
    fn wire_entry(&self, seq: i64, kind: &str, id: &str, revision: i64) -> Result<WireRecord> {
        match kind {
            "assessment" => self.wire_assessment(id, revision),
            "producer" => self.wire_producer(id),
            "product" => self.wire_product(id),
            "coaching_action" => self.wire_coaching_action(id, revision),
            "coaching_visit" => self.wire_coaching_visit(id),
            other => Err(StoreError::Corrupt(format!(
                "outbox entry {seq} is a {other:?}"
            ))),
        }
    }

    /// Freezes up to `limit` entries still to send that have no payload yet, oldest first, in
    /// one transaction; returns how many. Lets a caller that shares the store (the app's
    /// background sync) freeze a long outbox a little at a time, between other writers.
    pub fn freeze_waiting(&mut self, limit: usize) -> Result<usize> {
        let rows: Vec<(i64, String, String, i64)> = {
            let mut stmt = self.read().prepare_cached(
                "SELECT seq, kind, record_id, revision FROM outbox
                 WHERE state IN ('waiting', 'sending') AND payload IS NULL ORDER BY seq LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let mut frozen = Vec::with_capacity(rows.len());
        for (seq, kind, id, revision) in rows {
            frozen.push((seq, encode(&self.wire_entry(seq, &kind, &id, revision)?)?));
        }
        let tx = self.conn().transaction()?;
        for (seq, payload) in &frozen {
            tx.execute(
                "UPDATE outbox SET payload = ?2 WHERE seq = ?1 AND payload IS NULL",
                params![seq, payload],
            )?;
        }
        tx.commit()?;
        Ok(frozen.len())
    }

    /// The outbox entries still to send, oldest first, each with the producer and product it
    /// needs unless the server has them. An entry's record is frozen (its payload stored) the
    /// first time it is read here, in one transaction, so every retry sends the same bytes.
    pub fn outgoing(&mut self) -> Result<Vec<Outgoing>> {
        let rows: Vec<(i64, String, String, i64, Option<String>)> = {
            let mut stmt = self.read().prepare_cached(
                "SELECT seq, kind, record_id, revision, payload FROM outbox WHERE state IN ('waiting', 'sending') ORDER BY seq",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let known = self.on_server()?;
        let mut frozen = Vec::new();
        let mut records = Vec::with_capacity(rows.len());
        for (seq, kind, id, revision, payload) in rows {
            let record = match payload {
                Some(text) => {
                    serde_json::from_str::<WireRecord>(&text).map_err(|e| bad_payload(seq, e))?
                }
                None => {
                    let record = self.wire_entry(seq, &kind, &id, revision)?;
                    frozen.push((seq, encode(&record)?));
                    record
                }
            };
            records.push((seq, record));
        }
        // A producer or product queued to travel is sent as queued, also when a record
        // needs it before its own turn.
        let queued: std::collections::HashMap<(String, String), WireRecord> = records
            .iter()
            .filter(|(_, r)| r.kind == "producer" || r.kind == "product")
            .map(|(_, r)| ((r.kind.clone(), r.id.clone()), r.clone()))
            .collect();
        let need = |kind: &str, id: &str| -> Result<WireRecord> {
            match queued.get(&(kind.to_string(), id.to_string())) {
                Some(record) => Ok(record.clone()),
                None if kind == "producer" => self.wire_producer(id),
                None => self.wire_product(id),
            }
        };
        let mut out = Vec::with_capacity(records.len());
        for (seq, record) in records {
            let mut needs = Vec::new();
            let product_id = match record.kind.as_str() {
                "producer" | "product" | "edit" => None,
                // An assessment, a coaching action or a visit needs its product (and producer).
                _ => record.body.get("product_id").and_then(Value::as_str),
            };
            if let Some(product_id) = product_id {
                let product = self.product(product_id)?;
                if !known.contains(&("producer".to_string(), product.producer_id.clone())) {
                    needs.push(need("producer", &product.producer_id)?);
                }
                if !known.contains(&("product".to_string(), product_id.to_string())) {
                    needs.push(need("product", product_id)?);
                }
            }
            if record.kind == "product" {
                // A product needs its producer.
                if let Some(producer_id) = record.body.get("producer_id").and_then(Value::as_str) {
                    if !known.contains(&("producer".to_string(), producer_id.to_string())) {
                        needs.push(need("producer", producer_id)?);
                    }
                }
            }
            out.push(Outgoing { seq, record, needs });
        }
        if !frozen.is_empty() {
            let tx = self.conn().transaction()?;
            for (seq, payload) in frozen {
                tx.execute(
                    "UPDATE outbox SET payload = ?2 WHERE seq = ?1 AND payload IS NULL",
                    params![seq, payload],
                )?;
            }
            tx.commit()?;
        }
        Ok(out)
    }

    /// Marks entries as being sent (one more attempt each).
    pub fn mark_sending(&mut self, seqs: &[i64]) -> Result<()> {
        let tx = self.conn().transaction()?;
        for seq in seqs {
            tx.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1 WHERE seq = ?1 AND state IN ('waiting', 'sending')",
                [seq],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Puts entries back to waiting (the push did not get an answer).
    pub fn mark_waiting(&mut self, seqs: &[i64]) -> Result<()> {
        let tx = self.conn().transaction()?;
        for seq in seqs {
            tx.execute(
                "UPDATE outbox SET state = 'waiting' WHERE seq = ?1 AND state = 'sending'",
                [seq],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Settles the outcome of pushed records in one transaction: outbox entries by `seq`, and
    /// producers and products the server now has. A sent assessment becomes `synced`.
    pub fn settle(
        &mut self,
        outcomes: &[(i64, Settled, Option<String>, Option<String>)],
        on_server: &[(String, String, String)],
        now: &str,
    ) -> Result<()> {
        let tx = self.conn().transaction()?;
        for (seq, settled, code, reason) in outcomes {
            let state = match settled {
                Settled::Sent => "sent",
                Settled::Rejected => "rejected",
                Settled::Conflict => "conflict",
            };
            let entry: Option<(String, String, i64)> = tx
                .query_row(
                    "SELECT kind, record_id, revision FROM outbox WHERE seq = ?1",
                    [seq],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((kind, id, revision)) = entry else {
                continue;
            };
            tx.execute(
                "UPDATE outbox SET state = ?2, code = ?3, reason = ?4, settled_at = ?5 WHERE seq = ?1",
                params![seq, state, code, reason, now],
            )?;
            if *settled == Settled::Sent && kind == "assessment" {
                tx.execute(
                    "UPDATE assessment SET status = 'synced' WHERE id = ?1 AND revision = ?2 AND status = 'final'",
                    params![id, revision],
                )?;
            }
            if *settled == Settled::Sent && (kind == "producer" || kind == "product") {
                let payload: Option<String> =
                    tx.query_row("SELECT payload FROM outbox WHERE seq = ?1", [seq], |r| {
                        r.get(0)
                    })?;
                if let Some(record) =
                    payload.and_then(|p| serde_json::from_str::<WireRecord>(&p).ok())
                {
                    tx.execute(
                        "INSERT INTO on_server (kind, id, content_hash, since) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (kind, id) DO NOTHING",
                        params![kind, id, canonical_hash(&record.body), now],
                    )?;
                }
            }
        }
        for (kind, id, hash) in on_server {
            tx.execute(
                "INSERT INTO on_server (kind, id, content_hash, since) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (kind, id) DO NOTHING",
                params![kind, id, hash, now],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The producers and products the server has, as `(kind, id)`.
    pub fn on_server(&self) -> Result<HashSet<(String, String)>> {
        let mut stmt = self
            .read()
            .prepare_cached("SELECT kind, id FROM on_server")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Photos the server asked for; already-asked ones keep their row.
    pub fn want_uploads(&mut self, blobs: &[(String, u64)]) -> Result<()> {
        let tx = self.conn().transaction()?;
        for (sha, size) in blobs {
            tx.execute(
                "INSERT INTO upload (sha256, size) VALUES (?1, ?2) ON CONFLICT (sha256) DO UPDATE SET done_at = NULL",
                params![sha, *size as i64],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Photos still to upload, `(sha256, size)`, in the order they were asked for.
    pub fn uploads_waiting(&self) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.read().prepare_cached(
            "SELECT sha256, size FROM upload WHERE done_at IS NULL ORDER BY rowid",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The server holds this photo complete and verified.
    pub fn upload_done(&mut self, sha256: &str, now: &str) -> Result<()> {
        self.conn().execute(
            "UPDATE upload SET done_at = ?2 WHERE sha256 = ?1",
            params![sha256, now],
        )?;
        Ok(())
    }

    /// Photos the server holds complete (asked for, then uploaded), by hex hash.
    pub fn uploads_done(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .read()
            .prepare_cached("SELECT sha256 FROM upload WHERE done_at IS NOT NULL")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The content hash of a producer or product as it travels now (`None`: not here).
    pub fn content_hash_of(&self, kind: &str, id: &str) -> Result<Option<String>> {
        let wire = match kind {
            "producer" => self.wire_producer(id),
            "product" => self.wire_product(id),
            _ => return Ok(None),
        };
        match wire {
            Ok(record) => Ok(Some(canonical_hash(&record.body))),
            Err(StoreError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every outbox entry, oldest first, with its state and the server's reason.
    pub fn outbox_rows(&self) -> Result<Vec<OutboxRow>> {
        let mut stmt = self.read().prepare_cached(
            "SELECT o.seq, o.kind, o.record_id, o.revision, o.state, o.code, o.reason, o.created_at, o.settled_at, p.name, pr.name
             FROM outbox o
             LEFT JOIN assessment a ON o.kind = 'assessment' AND a.id = o.record_id AND a.revision = o.revision
             LEFT JOIN coaching_action ca ON o.kind = 'coaching_action' AND ca.id = o.record_id AND ca.revision = o.revision
             LEFT JOIN coaching_visit cv ON o.kind = 'coaching_visit' AND cv.id = o.record_id
             LEFT JOIN product p ON p.id = coalesce(a.product_id, ca.product_id, cv.product_id,
               CASE WHEN o.kind = 'product' THEN o.record_id END,
               CASE WHEN o.kind = 'edit' AND json_extract(o.payload, '$.body.target') = 'product'
                 THEN json_extract(o.payload, '$.body.target_id') END)
             LEFT JOIN producer pr ON pr.id = coalesce(p.producer_id,
               CASE WHEN o.kind = 'producer' THEN o.record_id END,
               CASE WHEN o.kind = 'edit' AND json_extract(o.payload, '$.body.target') = 'producer'
                 THEN json_extract(o.payload, '$.body.target_id') END)
             ORDER BY o.seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OutboxRow {
                seq: r.get(0)?,
                kind: r.get(1)?,
                record_id: r.get(2)?,
                revision: r.get(3)?,
                product: r.get(9)?,
                producer: r.get(10)?,
                state: r.get(4)?,
                code: r.get(5)?,
                reason: r.get(6)?,
                created_at: r.get(7)?,
                settled_at: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Where the last pull ended.
    pub fn sync_cursor(&self) -> Result<i64> {
        Ok(self
            .setting(CURSOR_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    pub(crate) fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .read()
            .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Applies one page of pulled changes and moves the cursor past it. A producer or product
    /// is written as the server has it, with the fields of this laptop's edits not yet sent put
    /// back on top (they travel later and win at the server too), its history kept; a deletion
    /// hides it. Each record is written with the store's own checks; applying a page twice
    /// changes nothing, so a crash before the cursor moves only repeats work. Criteria sets are
    /// installed by the caller, not here.
    pub fn apply_pulled(
        &mut self,
        changes: &[Pulled],
        next: i64,
        now: &str,
    ) -> Result<PullApplied> {
        self.apply_pulled_for(changes, next, now, None)
    }

    /// [`Store::apply_pulled`] on the laptop of officer `me` (their user name): assessments
    /// of the regions come down too, final and read-only, and those `me` owns may be corrected
    /// here. A revision already here is never written over.
    pub fn apply_pulled_for(
        &mut self,
        changes: &[Pulled],
        next: i64,
        now: &str,
        me: Option<&str>,
    ) -> Result<PullApplied> {
        let mut applied = PullApplied::default();
        for change in changes {
            let kind = change.kind.as_str();
            if kind != "producer" && kind != "product" {
                continue;
            }
            // The server's fields, with this laptop's edits not yet sent on top.
            let (mut body, deleted) = self.merge_pulled(kind, &change.id, &change.body)?;
            if body != change.body {
                applied.kept_local += 1;
            }
            let server_hash = canonical_hash(&server_fields(&change.body));
            if deleted {
                let known_here = match kind {
                    "producer" => self.producer(&change.id).is_ok(),
                    _ => self.product(&change.id).is_ok(),
                };
                if known_here {
                    self.hide(kind, &change.id, now)?;
                }
                self.keep_history(kind, &change.id, &change.body, now)?;
                self.mark_on_server(kind, &change.id, &server_hash, now)?;
                continue;
            }
            body["id"] = json!(change.id);
            let written = if kind == "producer" {
                let mut producer: crate::records::Producer =
                    serde_json::from_value(body).map_err(|e| StoreError::Invalid(e.to_string()))?;
                // A village of a list this laptop has not imported brings the list; one no
                // shipped list knows is left out, not refused.
                if let Some(code) = &producer.village_code {
                    if !self.know_region(code)? {
                        producer.village_code = None;
                    }
                }
                self.write_producer(&producer, now, false).map(|_| ())
            } else {
                let product: crate::records::Product =
                    serde_json::from_value(body).map_err(|e| StoreError::Invalid(e.to_string()))?;
                if self.producer(&product.producer_id).is_err() {
                    // Not a producer this laptop can see: the product is not for it either.
                    continue;
                }
                self.write_product(&product, now, false).map(|_| ())
            };
            match written {
                Ok(()) => {}
                // A record this laptop cannot hold (a name missing, say) is skipped, not fatal.
                Err(StoreError::Invalid(_)) => continue,
                Err(e) => return Err(e),
            }
            self.keep_history(kind, &change.id, &change.body, now)?;
            self.mark_on_server(kind, &change.id, &server_hash, now)?;
            let tx = self.conn().transaction()?;
            crate::pulled::remember_photos(
                &tx,
                kind,
                &change.id,
                0,
                change.body.get("photos"),
                now,
            )?;
            tx.commit()?;
            if kind == "producer" {
                applied.producers += 1;
            } else {
                applied.products += 1;
            }
        }
        for change in changes.iter().filter(|c| c.kind == "assessment") {
            if self.keep_pulled_assessment(&change.id, &change.body, me, now)? {
                applied.assessments += 1;
            }
        }
        let tx = self.conn().transaction()?;
        for change in changes.iter().filter(|c| c.kind == "decision") {
            let text = |k: &str| {
                change
                    .body
                    .get(k)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let revision = change
                .body
                .get("revision")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let decision = text("decision");
            if !matches!(decision.as_str(), "approved" | "returned") || revision < 1 {
                continue;
            }
            let assessment_id = text("assessment_id");
            tx.execute(
                "INSERT INTO review_decision (assessment_id, revision, decision, comment, reviewer, decided_at, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                params![assessment_id, revision, decision, text("comment"), text("reviewer"), text("decided_at"), now],
            )?;
            tx.execute(
                "UPDATE assessment SET status = 'reviewed' WHERE id = ?1 AND revision = ?2 AND status IN ('final', 'synced')",
                params![assessment_id, revision],
            )?;
            applied.decisions += 1;
        }
        for change in changes.iter().filter(|c| c.kind == "award") {
            if crate::awards::keep(&tx, &change.body, now)? {
                applied.awards += 1;
            }
        }
        for change in changes.iter().filter(|c| c.kind == "forward") {
            if crate::awards::keep_forward(&tx, &change.body, now)? {
                applied.forwards += 1;
            }
        }
        for change in changes.iter().filter(|c| c.kind == "owner") {
            crate::pulled::hand_over(&tx, &change.id, &change.body, me)?;
        }
        tx.execute(
            "INSERT INTO setting (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![CURSOR_KEY, next.to_string(), now],
        )?;
        tx.commit()?;
        Ok(applied)
    }

    /// The server has this producer or product, with this content.
    fn mark_on_server(&mut self, kind: &str, id: &str, hash: &str, now: &str) -> Result<()> {
        self.conn().execute(
            "INSERT INTO on_server (kind, id, content_hash, since) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (kind, id) DO UPDATE SET content_hash = excluded.content_hash",
            params![kind, id, hash, now],
        )?;
        Ok(())
    }

    /// The decisions on an assessment, oldest first.
    pub fn decisions(&self, assessment_id: &str) -> Result<Vec<ReviewDecision>> {
        let mut stmt = self.read().prepare_cached(
            "SELECT assessment_id, revision, decision, comment, reviewer, decided_at FROM review_decision
             WHERE assessment_id = ?1 ORDER BY decided_at, revision",
        )?;
        let rows = stmt.query_map([assessment_id], |r| {
            Ok(ReviewDecision {
                assessment_id: r.get(0)?,
                revision: r.get(1)?,
                decision: r.get(2)?,
                comment: r.get(3)?,
                reviewer: r.get(4)?,
                decided_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// Records that a sync ended well.
    pub fn set_last_sync(&mut self, now: &str) -> Result<()> {
        self.set_setting(LAST_SUCCESS_KEY, Some(now), now)
    }

    pub fn last_sync(&self) -> Result<Option<String>> {
        self.setting(LAST_SUCCESS_KEY)
    }
}
