//! Producers and products as records that travel on their own and change after they first
//! travel.
//!
//! A new producer or product is queued in the outbox as it is written (revision 1, frozen when
//! it is first sent). An officer's later change to one already frozen or on the server is
//! queued as an edit: the fields changed, with the values the laptop had before, frozen at once
//! and sent once under its own id. Deleting is an edit too (a tombstone). The server applies
//! edits field by field in the order it receives them; the laptop pulls the record back as the
//! server has it, with its history, and puts its own edits not yet sent back on top, so a pull
//! never undoes a change still waiting to travel ([`Store::merge_pulled`]).

use ovop_protocol::edit::{fields_of, EditBody};
use ovop_protocol::{FieldChange, Kind};
use rusqlite::{params, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::sync::WireRecord;
use crate::{new_id, Result, Store, StoreError};

/// A producer's or product's history as the server last told it, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct RecordHistory {
    /// The server's revision of the record (0: the server has not told any).
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub revision: i64,
    #[cfg_attr(feature = "bindings", ts(type = "Array<FieldChange>"))]
    pub changes: Vec<FieldChange>,
    /// Fields changed here and not yet sent.
    pub waiting: Vec<String>,
}

fn target_kind(kind: &str) -> Result<Kind> {
    match kind {
        "producer" => Ok(Kind::Producer),
        "product" => Ok(Kind::Product),
        other => Err(StoreError::Invalid(format!("a {other} is not edited"))),
    }
}

/// The editable fields of a record's JSON (`fields_of` its kind), as they are.
fn editable(kind: Kind, value: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for (name, _) in fields_of(kind).unwrap_or(&[]) {
        out.insert(
            (*name).to_string(),
            value.get(*name).cloned().unwrap_or(Value::Null),
        );
    }
    out
}

/// Queues a new producer or product (revision 1) in the transaction that writes it.
pub(crate) fn queue_new(tx: &Transaction, kind: &str, id: &str, now: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO outbox (kind, record_id, revision, created_at) VALUES (?1, ?2, 1, ?3)
         ON CONFLICT (kind, record_id, revision) DO NOTHING",
        params![kind, id, now],
    )?;
    Ok(())
}

/// Whether the record has left as it was (frozen for sending, sent, or pulled from the server):
/// a change to it must travel as an edit. A record queued and not frozen yet travels whole,
/// with the change, and needs no edit.
fn travelled(tx: &Transaction, kind: &str, id: &str) -> Result<bool> {
    let on_server: bool = tx
        .query_row(
            "SELECT 1 FROM on_server WHERE kind = ?1 AND id = ?2",
            params![kind, id],
            |_| Ok(true),
        )
        .optional()?
        .unwrap_or(false);
    if on_server {
        return Ok(true);
    }
    let frozen: Option<bool> = tx
        .query_row(
            "SELECT payload IS NOT NULL OR state <> 'waiting' FROM outbox
             WHERE kind = ?1 AND record_id = ?2 AND revision = 1",
            params![kind, id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(frozen.unwrap_or(false))
}

/// Queues an edit that adds a photo (`sha256` in hex, `size` bytes) to producer or product `id`
/// when the record has travelled already (otherwise the photo travels with it); frozen at
/// once, the photo as its blob. Returns whether one was queued.
pub(crate) fn queue_photo_edit(
    tx: &Transaction,
    kind: &str,
    id: &str,
    sha256: &str,
    size: u64,
    now: &str,
) -> Result<bool> {
    if !must_edit(tx, kind, id)? {
        return Ok(false);
    }
    let edit = EditBody {
        target: target_kind(kind)?,
        target_id: id.to_string(),
        fields: Map::new(),
        before: Map::new(),
        deleted: false,
        photos: vec![format!("sha256:{sha256}")],
    };
    put_edit(tx, &edit, vec![(sha256.to_string(), size)], now)?;
    Ok(true)
}

/// Whether a change to `kind` `id` must travel as an edit: the record has travelled. A record
/// the server refused as first sent (a producer without a village, say) is sent whole again
/// once changed instead: the server never stored it, so there is nothing to edit.
fn must_edit(tx: &Transaction, kind: &str, id: &str) -> Result<bool> {
    let refused = tx.execute(
        "UPDATE outbox SET state = 'waiting', payload = NULL, code = NULL, reason = NULL, settled_at = NULL
         WHERE kind = ?1 AND record_id = ?2 AND revision = 1 AND state = 'rejected'",
        params![kind, id],
    )?;
    Ok(refused == 0 && travelled(tx, kind, id)?)
}

/// Queues an edit in the outbox under an id of its own, frozen at once with its blobs.
fn put_edit(tx: &Transaction, edit: &EditBody, blobs: Vec<(String, u64)>, now: &str) -> Result<()> {
    let edit_id = new_id();
    let body = serde_json::to_value(edit).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let record = WireRecord {
        kind: Kind::Edit.as_str().into(),
        id: edit_id.clone(),
        revision: 1,
        body,
        blobs,
    };
    let payload = serde_json::to_string(&record).map_err(|e| StoreError::Invalid(e.to_string()))?;
    tx.execute(
        "INSERT INTO outbox (kind, record_id, revision, created_at, payload) VALUES ('edit', ?1, 1, ?2, ?3)",
        params![edit_id, now, payload],
    )?;
    Ok(())
}

/// Queues an edit of `kind` `id` from `before` to `after` (their JSON), when the record has
/// travelled and a field changed; frozen at once. Returns whether one was queued. Without
/// `before` (not known), every editable field is sent and none is checked against the server's.
pub(crate) fn queue_edit(
    tx: &Transaction,
    kind: &str,
    id: &str,
    before: Option<&Value>,
    after: &Value,
    deleted: bool,
    now: &str,
) -> Result<bool> {
    if !must_edit(tx, kind, id)? {
        return Ok(false);
    }
    let target = target_kind(kind)?;
    let known = before.is_some();
    let was = editable(target, before.unwrap_or(&Value::Null));
    let now_is = editable(target, after);
    let mut edit = EditBody {
        target,
        target_id: id.to_string(),
        fields: Map::new(),
        before: Map::new(),
        deleted,
        photos: Vec::new(),
    };
    for (name, value) in now_is {
        let old = was.get(&name).cloned().unwrap_or(Value::Null);
        // A village left out of a product is its producer's: nothing to send.
        let left_out = name == "village_code" && value.is_null() && target == Kind::Product;
        if left_out || (known && old == value) {
            continue;
        }
        if known {
            edit.before.insert(name.clone(), old);
        }
        edit.fields.insert(name, value);
    }
    if edit.fields.is_empty() && !deleted {
        return Ok(false);
    }
    put_edit(tx, &edit, Vec::new(), now)?;
    Ok(true)
}

/// The edits still to send, oldest first, as `(target kind, target id, body)`.
pub(crate) fn waiting_edits(conn: &rusqlite::Connection) -> Result<Vec<EditBody>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, payload FROM outbox WHERE kind = 'edit' AND state IN ('waiting', 'sending') ORDER BY seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, payload) = row?;
        let text = payload.ok_or_else(|| {
            StoreError::Corrupt(format!("outbox entry {seq} is an edit without its payload"))
        })?;
        let record: WireRecord = serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("outbox entry {seq} cannot be read: {e}")))?;
        let edit: EditBody = serde_json::from_value(record.body)
            .map_err(|e| StoreError::Corrupt(format!("outbox entry {seq} cannot be read: {e}")))?;
        out.push(edit);
    }
    Ok(out)
}

impl Store {
    /// A pulled producer or product as this laptop keeps it: the server's fields, with the
    /// fields of this laptop's edits not yet sent on top (they reach the server later and win
    /// there too), and whether one of those edits deletes it.
    pub(crate) fn merge_pulled(
        &self,
        kind: &str,
        id: &str,
        pulled: &Value,
    ) -> Result<(Value, bool)> {
        let mut merged = pulled.clone();
        let mut deleted = pulled
            .get("deleted")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        for edit in waiting_edits(self.read())? {
            if edit.target.as_str() != kind || edit.target_id != id {
                continue;
            }
            if let Some(map) = merged.as_object_mut() {
                for (name, value) in edit.fields {
                    map.insert(name, value);
                }
            }
            deleted |= edit.deleted;
        }
        Ok((merged, deleted))
    }

    /// Keeps the history the server sent with a pulled record.
    pub(crate) fn keep_history(
        &mut self,
        kind: &str,
        id: &str,
        body: &Value,
        now: &str,
    ) -> Result<()> {
        let Some(history) = body.get("history") else {
            return Ok(());
        };
        let revision = body.get("revision").and_then(Value::as_i64).unwrap_or(0);
        self.conn().execute(
            "INSERT INTO record_history (kind, id, revision, history, received_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (kind, id) DO UPDATE SET revision = excluded.revision, history = excluded.history,
               received_at = excluded.received_at
             WHERE excluded.revision >= record_history.revision",
            params![kind, id, revision, history.to_string(), now],
        )?;
        Ok(())
    }

    /// A producer's or product's history: what the server last told, and the fields changed
    /// here that wait to travel.
    pub fn history(&self, kind: &str, id: &str) -> Result<RecordHistory> {
        target_kind(kind)?;
        let kept: Option<(i64, String)> = self
            .read()
            .query_row(
                "SELECT revision, history FROM record_history WHERE kind = ?1 AND id = ?2",
                params![kind, id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let (revision, changes) = match kept {
            Some((revision, text)) => (revision, serde_json::from_str(&text).unwrap_or_default()),
            None => (0, Vec::new()),
        };
        let mut waiting: Vec<String> = Vec::new();
        for edit in waiting_edits(self.read())? {
            if edit.target.as_str() == kind && edit.target_id == id {
                for name in edit.fields.keys().cloned() {
                    if !waiting.contains(&name) {
                        waiting.push(name);
                    }
                }
                if edit.deleted && !waiting.iter().any(|w| w == "deleted") {
                    waiting.push("deleted".into());
                }
            }
        }
        Ok(RecordHistory {
            revision,
            changes,
            waiting,
        })
    }

    /// The producers and products the server has that were changed here before edits
    /// travelled, with their JSON as they are: read before the migration that makes edits
    /// travel, which queues an edit for each ([`queue_legacy_edits`]).
    pub(crate) fn changed_since_sent(&self) -> Result<Vec<(String, String, Value)>> {
        let known: Vec<(String, String, String)> = {
            let mut stmt = self
                .read()
                .prepare("SELECT kind, id, content_hash FROM on_server")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<std::result::Result<_, _>>()?
        };
        let mut changed = Vec::new();
        for (kind, id, hash) in known {
            let body = match kind.as_str() {
                "producer" => self.wire_producer(&id).map(|r| r.body),
                "product" => self.wire_product(&id).map(|r| r.body),
                _ => continue,
            };
            match body {
                Ok(body) if ovop_core::canonical_hash(&body) != hash => {
                    changed.push((kind, id, body))
                }
                Ok(_) | Err(StoreError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(changed)
    }
}

/// Queues an edit of every editable field of each record [`Store::changed_since_sent`] found
/// (what the server had is not known here: the server keeps what differs).
pub(crate) fn queue_legacy_edits(
    tx: &Transaction,
    changed: &[(String, String, Value)],
    now: &str,
) -> Result<()> {
    for (kind, id, body) in changed {
        queue_edit(tx, kind, id, None, body, false, now)?;
    }
    Ok(())
}
