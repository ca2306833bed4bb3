//! What a push sends, batch by batch: the outbox oldest first, each record with the producer
//! and product it needs (unless the server has them already) in the same batch or an earlier
//! one, every batch within the server's limits. A record that cannot fit any batch is set aside
//! rather than blocking the rest.

use std::collections::HashSet;

use ovop_protocol::{Kind, Limits, Record};

/// One outbox entry ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The outbox's order (oldest first).
    pub seq: i64,
    pub record: Record,
    /// The producer and product records it needs, in that order.
    pub needs: Vec<Record>,
}

/// The batches, each a list of records to push in that order, and the outbox entries (by
/// `seq`) too large to send at all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub batches: Vec<Vec<Record>>,
    pub too_large: Vec<i64>,
}

/// What a record adds to a push body: its JSON and a comma.
fn weight(record: &Record) -> u64 {
    serde_json::to_vec(record).map_or(u64::MAX / 4, |v| v.len() as u64 + 1)
}

/// `{"records":[` and `]}`.
const ENVELOPE: u64 = 16;

/// Plans the batches for `pending`; `on_server` holds the producers and products the server has.
pub fn plan(pending: &[Pending], on_server: &HashSet<(Kind, String)>, limits: &Limits) -> Plan {
    let mut order: Vec<&Pending> = pending.iter().collect();
    order.sort_by_key(|p| p.seq);
    let max_records = limits.max_batch_records.max(1) as usize;
    let max_bytes = limits.max_request_bytes;
    let mut plan = Plan::default();
    let mut placed: HashSet<(Kind, String, i64)> = HashSet::new();
    let mut batch: Vec<Record> = Vec::new();
    let mut bytes = ENVELOPE;
    for entry in order {
        let key = |r: &Record| (r.kind, r.id.clone(), r.revision);
        // The record and whatever it needs that is neither on the server nor placed already.
        let mut group: Vec<&Record> = Vec::new();
        for need in &entry.needs {
            let fresh = !on_server.contains(&(need.kind, need.id.clone()))
                && !placed.contains(&key(need))
                && !group.iter().any(|g| key(g) == key(need));
            if fresh {
                group.push(need);
            }
        }
        if placed.contains(&key(&entry.record)) {
            continue;
        }
        group.push(&entry.record);
        let group_bytes: u64 = group.iter().map(|r| weight(r)).sum();
        if group.len() > max_records || ENVELOPE + group_bytes > max_bytes {
            plan.too_large.push(entry.seq);
            continue;
        }
        if batch.len() + group.len() > max_records || bytes + group_bytes > max_bytes {
            plan.batches.push(std::mem::take(&mut batch));
            bytes = ENVELOPE;
        }
        for record in group {
            placed.insert(key(record));
            batch.push(record.clone());
        }
        bytes += group_bytes;
    }
    if !batch.is_empty() {
        plan.batches.push(batch);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use ovop_protocol::PushRequest;
    use proptest::prelude::*;
    use serde_json::json;

    fn id(n: u32) -> String {
        format!("0192f5c4-0000-7b31-9c55-{n:012x}")
    }

    fn record(kind: Kind, n: u32, filler: usize) -> Record {
        Record::new(
            kind,
            &id(n),
            1,
            json!({"n": n, "filler": "x".repeat(filler)}),
            vec![],
        )
    }

    /// An assessment `n` of product `n + 1000` of producer `n % producers + 2000`.
    fn pending(seq: i64, n: u32, producers: u32, filler: usize) -> Pending {
        Pending {
            seq,
            record: record(Kind::Assessment, n, filler),
            needs: vec![
                record(Kind::Producer, 2000 + n % producers, 10),
                record(Kind::Product, 1000 + n, 10),
            ],
        }
    }

    #[test]
    fn needs_travel_once_and_before_the_records_that_need_them() {
        let pending = vec![
            pending(3, 3, 2, 10),
            pending(1, 1, 2, 10),
            pending(2, 2, 2, 10),
        ];
        let on_server = HashSet::from([(Kind::Product, id(1002))]);
        let plan = plan(&pending, &on_server, &Limits::default());
        assert_eq!(plan.batches.len(), 1);
        let order: Vec<(Kind, String)> = plan.batches[0]
            .iter()
            .map(|r| (r.kind, r.id.clone()))
            .collect();
        assert_eq!(
            order,
            vec![
                (Kind::Producer, id(2001)),
                (Kind::Product, id(1001)),
                (Kind::Assessment, id(1)),
                (Kind::Producer, id(2000)),
                (Kind::Assessment, id(2)),
                (Kind::Product, id(1003)),
                (Kind::Assessment, id(3)),
            ]
        );
    }

    #[test]
    fn a_record_too_large_for_any_push_is_set_aside_and_the_rest_go_on() {
        let limits = Limits {
            max_request_bytes: 2_000,
            max_batch_records: 10,
            ..Limits::default()
        };
        let pending = vec![
            pending(1, 1, 5, 10),
            pending(2, 2, 5, 5_000),
            pending(3, 3, 5, 10),
        ];
        let plan = plan(&pending, &HashSet::new(), &limits);
        assert_eq!(plan.too_large, vec![2]);
        let sent: Vec<String> = plan
            .batches
            .iter()
            .flatten()
            .filter(|r| r.kind == Kind::Assessment)
            .map(|r| r.id.clone())
            .collect();
        assert_eq!(sent, vec![id(1), id(3)]);
    }

    proptest! {
        /// Whatever the outbox and the limits: every record is sent exactly once or set aside,
        /// every batch fits, the outbox order holds, and a need is never sent after its record.
        #[test]
        fn every_batch_fits_and_everything_is_sent_once_in_order(
            fillers in proptest::collection::vec(0usize..3_000, 1..60),
            producers in 1u32..6,
            max_records in 1u32..12,
            max_bytes in 600u64..12_000,
        ) {
            let limits = Limits { max_request_bytes: max_bytes, max_batch_records: max_records, ..Limits::default() };
            let pending: Vec<Pending> = fillers.iter().enumerate().map(|(n, f)| pending(n as i64, n as u32, producers, *f)).collect();
            let plan = plan(&pending, &HashSet::new(), &limits);
            let mut seen: Vec<(Kind, String)> = Vec::new();
            for batch in &plan.batches {
                prop_assert!(!batch.is_empty() && batch.len() <= max_records as usize);
                let body = serde_json::to_vec(&PushRequest { records: batch.clone() }).expect("json");
                prop_assert!(body.len() as u64 <= max_bytes, "{} > {}", body.len(), max_bytes);
                seen.extend(batch.iter().map(|r| (r.kind, r.id.clone())));
            }
            let unique: HashSet<&(Kind, String)> = seen.iter().collect();
            prop_assert_eq!(unique.len(), seen.len(), "a record sent twice");
            let assessments: Vec<i64> = seen.iter().filter(|r| r.0 == Kind::Assessment).map(|r| pending.iter().find(|p| p.record.id == r.1).map_or(-1, |p| p.seq)).collect();
            let mut sorted = assessments.clone();
            sorted.sort();
            prop_assert_eq!(&assessments, &sorted, "the outbox order");
            prop_assert_eq!(assessments.len() + plan.too_large.len(), pending.len());
            for p in &pending {
                if let Some(at) = seen.iter().position(|r| r.1 == p.record.id) {
                    for need in &p.needs {
                        let need_at = seen.iter().position(|r| r.0 == need.kind && r.1 == need.id);
                        prop_assert!(need_at.is_some_and(|n| n < at), "{:?} sent after the record needing it", need.kind);
                    }
                }
            }
        }
    }
}
