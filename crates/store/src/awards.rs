//! The stars decisions awarded, as pulled from the office (changes of kind `award`), with their
//! certificates. Pulled, never made here: the laptop only reads them (the product page's star,
//! the list of certificates lapsing).

use ovop_protocol::Award;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::{Result, Store, StoreError};

/// An assessment the office forwarded to the next level: the level and the batch (its number,
/// as the dashboard shows it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "bindings", derive(ts_rs::TS))]
pub struct Forwarding {
    pub to_level: String,
    #[cfg_attr(feature = "bindings", ts(type = "number"))]
    pub batch: i64,
}

/// Keeps a pulled award: `true` when it is new. The same award again changes nothing; an
/// award that does not read as one (a newer server's, a damaged change) is skipped.
pub(crate) fn keep(tx: &Transaction<'_>, body: &serde_json::Value, now: &str) -> Result<bool> {
    let Ok(award) = serde_json::from_value::<Award>(body.clone()) else {
        return Ok(false);
    };
    let readable = !award.assessment_id.is_empty()
        && !award.product_id.is_empty()
        && (1..=5).contains(&award.star)
        && ovop_core::validity::parse_day(&award.decision.date).is_some()
        && award.certificate.as_ref().is_none_or(|c| {
            ovop_core::validity::parse_day(&c.valid_until).is_some()
                && ovop_core::validity::parse_day(&c.issued).is_some()
        });
    if !readable {
        return Ok(false);
    }
    let body = serde_json::to_string(&award).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let certificate = award.certificate.as_ref();
    let inserted = tx.execute(
        "INSERT INTO award (assessment_id, product_id, decided_on, star, certificate, valid_until, body, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (assessment_id) DO NOTHING",
        params![
            award.assessment_id,
            award.product_id,
            award.decision.date,
            award.star,
            certificate.map(|c| c.number.as_str()),
            certificate.map(|c| c.valid_until.as_str()),
            body,
            now
        ],
    )?;
    Ok(inserted > 0)
}

/// Keeps a pulled forwarding of an assessment: `true` when it is new. One that does not read
/// (no assessment, no level) is skipped.
pub(crate) fn keep_forward(
    tx: &Transaction<'_>,
    body: &serde_json::Value,
    now: &str,
) -> Result<bool> {
    let text = |k: &str| {
        body.get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
    };
    let number = |k: &str| body.get(k).and_then(serde_json::Value::as_i64).unwrap_or(0);
    let (id, level) = (text("assessment_id"), text("to_level"));
    if id.is_empty() || level.is_empty() || number("revision") < 1 {
        return Ok(false);
    }
    let inserted = tx.execute(
        "INSERT INTO forwarded (assessment_id, revision, to_level, batch, forwarded_at, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (assessment_id) DO NOTHING",
        params![id, number("revision"), level, number("batch"), text("forwarded_at"), now],
    )?;
    Ok(inserted > 0)
}

fn read(body: String) -> Option<Award> {
    serde_json::from_str(&body).ok()
}

impl Store {
    /// The awards of a product, the latest decision first.
    pub fn awards_of(&self, product_id: &str) -> Result<Vec<Award>> {
        let mut stmt = self.read().prepare_cached(
            "SELECT body FROM award WHERE product_id = ?1 ORDER BY decided_on DESC, assessment_id DESC",
        )?;
        let rows = stmt.query_map([product_id], |r| r.get::<_, String>(0))?;
        Ok(rows
            .collect::<std::result::Result<Vec<_>, _>>()?
            .into_iter()
            .filter_map(read)
            .collect())
    }

    /// The latest award of each product whose certificate's last day is on or before `until`
    /// (lapsing by then, or lapsed), the soonest first. A product awarded again since (a new
    /// certificate, or a star without one) is not listed by its older certificate.
    pub fn certificates_until(&self, until: &str) -> Result<Vec<Award>> {
        let mut stmt = self.read().prepare_cached(
            "SELECT a.body FROM award a
             WHERE a.valid_until IS NOT NULL AND a.valid_until <= ?1
               AND NOT EXISTS (SELECT 1 FROM award b WHERE b.product_id = a.product_id
                               AND (b.decided_on > a.decided_on
                                    OR (b.decided_on = a.decided_on AND b.assessment_id > a.assessment_id)))
             ORDER BY a.valid_until, a.certificate",
        )?;
        let rows = stmt.query_map([until], |r| r.get::<_, String>(0))?;
        Ok(rows
            .collect::<std::result::Result<Vec<_>, _>>()?
            .into_iter()
            .filter_map(read)
            .collect())
    }

    /// Where and in which batch the office forwarded an assessment, if it did.
    pub fn forwarding(&self, assessment_id: &str) -> Result<Option<Forwarding>> {
        Ok(self
            .read()
            .query_row(
                "SELECT to_level, batch FROM forwarded WHERE assessment_id = ?1",
                [assessment_id],
                |r| {
                    Ok(Forwarding {
                        to_level: r.get(0)?,
                        batch: r.get(1)?,
                    })
                },
            )
            .optional()?)
    }

    /// The assessments of one batch the office forwarded (its number, as the dashboard shows
    /// it): `(id, revision, level)`, in the order they were received. Empty when this laptop
    /// has none of it.
    pub fn forwarded_batch(&self, batch: i64) -> Result<Vec<(String, i64, String)>> {
        let conn = self.read();
        let mut stmt = conn.prepare(
            "SELECT assessment_id, revision, to_level FROM forwarded WHERE batch = ?1
             ORDER BY received_at, rowid",
        )?;
        let rows = stmt.query_map([batch], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// One certificate by its number.
    pub fn certificate(&self, number: &str) -> Result<Award> {
        self.read()
            .query_row(
                "SELECT body FROM award WHERE certificate = ?1",
                [number],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(read)
            .ok_or_else(|| StoreError::NotFound {
                what: "certificate",
                id: number.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::Pulled;
    use serde_json::json;

    fn award(assessment: &str, product: &str, date: &str, star: u8, until: Option<&str>) -> Pulled {
        let certificate = until.map(|u| {
            json!({"number": format!("OVOP-2026-{assessment}"), "issued": date, "valid_until": u, "code": "OVOP:C1|x"})
        });
        let mut body = json!({
            "decision": {"number": "1/2026", "date": date, "authority": "Bupati Tapin"},
            "programme": "ovop", "assessment_id": assessment, "product_id": product,
            "product": "Tikar purun", "producer_id": "p", "producer": "KUB Purun", "star": star,
        });
        if let Some(c) = certificate {
            body["certificate"] = c;
        }
        Pulled {
            cursor: 1,
            kind: "award".into(),
            id: assessment.into(),
            body,
        }
    }

    #[test]
    fn awards_are_kept_once_and_a_product_is_listed_by_its_latest_award_only() {
        let dir = tempfile::tempdir().expect("temp");
        let mut store = Store::open(&dir.path().join("s.sqlite")).expect("store");
        let mut broken = award("9", "d", "2026-07-01", 4, None);
        broken.body["star"] = json!(9);
        let mut garbage = award("8", "d", "2026-07-01", 4, None);
        garbage.body = json!("not an award");
        let changes = vec![
            award("1", "a", "2026-07-01", 4, Some("2029-06-30")),
            award("2", "b", "2026-07-01", 3, Some("2029-06-30")),
            // b was awarded again later: its older certificate is not listed.
            award("3", "b", "2027-01-10", 2, None),
            award("4", "c", "2026-08-01", 5, Some("2029-07-31")),
            broken,
            garbage,
        ];
        let applied = store
            .apply_pulled(&changes, 10, "2026-12-06T00:00:00Z")
            .expect("apply");
        assert_eq!(applied.awards, 4);
        // The same page again changes nothing.
        let again = store
            .apply_pulled(&changes, 10, "2026-12-06T00:00:00Z")
            .expect("again");
        assert_eq!(again.awards, 0, "kept once");
        assert_eq!(store.awards_of("b").expect("b").len(), 2);
        assert_eq!(
            store.awards_of("b").expect("b")[0].star,
            2,
            "the latest first"
        );
        let listed: Vec<String> = store
            .certificates_until("2029-07-01")
            .expect("list")
            .into_iter()
            .map(|a| a.product_id)
            .collect();
        assert_eq!(listed, ["a"]);
        assert_eq!(
            store.certificates_until("2029-12-31").expect("list").len(),
            2
        );
        assert_eq!(store.certificate("OVOP-2026-4").expect("one").star, 5);
        assert!(matches!(
            store.certificate("OVOP-2026-77"),
            Err(StoreError::NotFound { .. })
        ));
        // A forwarding is kept once; one without its level is skipped.
        let forward = |id: &str, level: &str| Pulled {
            cursor: 2,
            kind: "forward".into(),
            id: id.into(),
            body: json!({"assessment_id": id, "revision": 1, "to_level": level, "batch": 3, "forwarded_at": "2026-12-02T00:00:00Z"}),
        };
        let page = [forward("1", "provinsi"), forward("2", "")];
        let applied = store
            .apply_pulled(&page, 11, "2026-12-06T00:00:00Z")
            .expect("forward");
        assert_eq!(applied.forwards, 1);
        assert_eq!(
            store
                .apply_pulled(&page, 11, "2026-12-06T00:00:00Z")
                .expect("again")
                .forwards,
            0
        );
        assert_eq!(
            store.forwarding("1").expect("read"),
            Some(Forwarding {
                to_level: "provinsi".into(),
                batch: 3
            })
        );
        assert_eq!(store.forwarding("2").expect("read"), None);
        assert_eq!(
            store.forwarded_batch(3).expect("read"),
            [("1".to_string(), 1, "provinsi".to_string())]
        );
        assert!(store.forwarded_batch(4).expect("read").is_empty());
    }
}
