//! A push, in one transaction: every record checked, placed in its region, authorised, and
//! stored at most once. The primary key `(kind, id, revision)` decides: a record already there
//! with the same hash is accepted again, with another hash it is a conflict. A record outside
//! the officer's regions refuses the whole push (nothing is stored). The response lists the
//! blobs the server still needs.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use ovop_core::rubric::Outcome as CriterionOutcome;
use ovop_core::{Catalog, Rubric};
use ovop_protocol::{
    AssessmentBody, CoachingActionBody, CoachingVisitBody, Code, EditBody, FieldChange, Kind,
    Limits, MissingBlob, Outcome, Problem, ProducerBody, ProductBody, PushRequest, PushResponse,
    Record, RecordResult,
};
use serde_json::json;

use crate::auth::{Actor, Role};
use crate::blobs::BlobStore;
use crate::db::{Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::regions::{within, Regions};

/// The shipped criteria sets, for scoring pushed answers again.
pub(crate) fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(Catalog::shipped)
}

/// What the review tables keep of an assessment, besides its body.
struct Facts {
    product_name: String,
    producer_name: String,
    product_set: String,
}

/// A coaching record and the product it is for.
enum Coaching {
    Action(CoachingActionBody, Facts),
    Visit(CoachingVisitBody),
}

/// A record ready to store: where it is, and what the tables keep of it.
struct Placed {
    region_code: String,
    region_path: String,
    facts: Option<(AssessmentBody, Facts)>,
    coaching: Option<Coaching>,
    /// An assessment's product's region, or where an edited record was before the edit: it
    /// too must be in the pushing officer's regions.
    product_path: Option<String>,
    /// An edit of a producer or product, applied once stored.
    edit: Option<EditBody>,
}

fn reject(problem: Problem) -> Result<Placed, Problem> {
    Err(problem)
}

fn place_region(code: &str, field: &str) -> Result<(String, String), Problem> {
    match Regions::get().path(code) {
        Some(path) => Ok((code.to_string(), path)),
        None => Err(Problem::new(
            "push.unknown_region",
            Some(field),
            format!(
                "{:?} is not a known region code",
                code.chars().take(40).collect::<String>()
            ),
        )),
    }
}

/// Producers and products already read (or stored by this push), by kind and id.
type Known = HashMap<(&'static str, String), Option<(serde_json::Value, String)>>;

/// Reads a stored record's body and region, once per push.
fn stored(
    tx: &mut dyn Tx,
    known: &mut Known,
    kind: &'static str,
    id: &str,
) -> ApiResult<Option<(serde_json::Value, String)>> {
    if let Some(found) = known.get(&(kind, id.to_string())) {
        return Ok(found.clone());
    }
    let row = tx.query_opt(
        "SELECT body, region_code FROM record WHERE kind = $1 AND id = $2 ORDER BY revision DESC LIMIT 1",
        &[Val::from(kind), Val::from(id)],
    )?;
    let found = row.map(|r| {
        (
            serde_json::from_str(&r.text(0)).unwrap_or_default(),
            r.text(1),
        )
    });
    known.insert((kind, id.to_string()), found.clone());
    Ok(found)
}

/// Reads, in one query per kind, the producers and products a push refers to.
fn prefetch(tx: &mut dyn Tx, known: &mut Known, records: &[Record]) -> ApiResult<()> {
    let refers = |key: &str| -> Vec<String> {
        records
            .iter()
            .filter_map(|r| r.body.get(key).and_then(|v| v.as_str()))
            .filter(|id| ovop_protocol::is_uuid(id))
            .map(str::to_string)
            .collect()
    };
    let fetch = |tx: &mut dyn Tx,
                 known: &mut Known,
                 kind: &'static str,
                 mut ids: Vec<String>|
     -> ApiResult<()> {
        ids.sort();
        ids.dedup();
        ids.retain(|id| !known.contains_key(&(kind, id.clone())));
        for chunk in ids.chunks(500) {
            let marks: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
            let mut params = vec![Val::from(kind)];
            params.extend(chunk.iter().map(Val::from));
            let rows = tx.query(
                &format!(
                    "SELECT id, body, region_code FROM record r WHERE kind = $1 AND id IN ({})
                       AND revision = (SELECT max(revision) FROM record l WHERE l.kind = r.kind AND l.id = r.id)",
                    marks.join(", ")
                ),
                &params,
            )?;
            for id in chunk {
                known.insert((kind, id.clone()), None);
            }
            for row in rows {
                known.insert(
                    (kind, row.text(0)),
                    Some((
                        serde_json::from_str(&row.text(1)).unwrap_or_default(),
                        row.text(2),
                    )),
                );
            }
        }
        Ok(())
    };
    fetch(tx, known, "product", refers("product_id"))?;
    let mut producers = refers("producer_id");
    producers.extend(known.values().flatten().filter_map(|(body, _)| {
        body.get("producer_id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }));
    fetch(tx, known, "producer", producers)
}

fn place(
    tx: &mut dyn Tx,
    known: &mut Known,
    record: &Record,
    checked: Option<AssessmentBody>,
) -> ApiResult<Result<Placed, Problem>> {
    Ok(match record.kind {
        Kind::Producer => match record.read_body::<ProducerBody>() {
            Err(p) => reject(p),
            Ok(body) => place_region(&body.village_code, "body.village_code").map(
                |(region_code, region_path)| Placed {
                    region_code,
                    region_path,
                    facts: None,
                    coaching: None,
                    product_path: None,
                    edit: None,
                },
            ),
        },
        Kind::Product => match record.read_body::<ProductBody>() {
            Err(p) => reject(p),
            Ok(body) => {
                let village = match body.village_code.filter(|c| !c.is_empty()) {
                    Some(code) => Some(code),
                    None => {
                        stored(tx, known, "producer", &body.producer_id)?.map(|(_, region)| region)
                    }
                };
                match village {
                    None => reject(Problem::new(
                        "push.unknown_producer",
                        Some("body.producer_id"),
                        "the product's producer is not on the server: send the producer first (or in the same push)",
                    )),
                    Some(code) => place_region(&code, "body.village_code")
                        .map(|(region_code, region_path)| Placed { region_code, region_path, facts: None, coaching: None, product_path: None, edit: None }),
                }
            }
        },
        Kind::Assessment => match checked.ok_or_else(|| {
            Problem::new(
                "push.invalid",
                Some("body"),
                "the assessment was not checked",
            )
        }) {
            Err(p) => reject(p),
            Ok(body) => {
                let Some((product, product_region)) =
                    stored(tx, known, "product", &body.product_id)?
                else {
                    return Ok(reject(Problem::new(
                        "push.unknown_product",
                        Some("body.product_id"),
                        "the assessed product is not on the server: send it first (or in the same push)",
                    )));
                };
                let facts = facts_of(tx, known, &product)?;
                let region = body.visit.region_code.clone().unwrap_or_default();
                // The product is assessed in its own regency, not recorded under another.
                let regions = Regions::get();
                if regions.contains(&region)
                    && regions.regency(&region) != regions.regency(&product_region)
                {
                    return Ok(reject(Problem::new(
                        "push.region_mismatch",
                        Some("body.visit.region_code"),
                        format!(
                            "the product is registered in {}, the visit is recorded in {}",
                            regions.regency(&product_region).unwrap_or_default(),
                            regions.regency(&region).unwrap_or_default()
                        ),
                    )));
                }
                let product_path = regions.path(&product_region);
                place_region(&region, "body.visit.region_code").map(|(region_code, region_path)| {
                    Placed {
                        region_code,
                        region_path,
                        facts: Some((body, facts)),
                        coaching: None,
                        product_path,
                        edit: None,
                    }
                })
            }
        },
        Kind::CoachingAction => {
            match record
                .read_body::<CoachingActionBody>()
                .and_then(|b| b.check().map(|()| b))
            {
                Err(p) => reject(p),
                Ok(body) => {
                    let product_id = body.product_id.clone();
                    place_coaching(tx, known, &product_id, |facts| {
                        Coaching::Action(body, facts)
                    })?
                }
            }
        }
        Kind::Edit => match record
            .read_body::<EditBody>()
            .and_then(|b| b.check().map(|()| b))
            .and_then(|b| {
                // The photos it adds are its own blobs: declared, so that they upload.
                match b
                    .photos
                    .iter()
                    .position(|p| !record.blobs.iter().any(|blob| blob.sha256 == *p))
                {
                    Some(i) => Err(Problem::new(
                        Code::PushBadEdit.as_str(),
                        Some(&format!("body.photos[{i}]")),
                        "a photo the edit adds is not among the record's blobs",
                    )),
                    None => Ok(b),
                }
            }) {
            Err(p) => reject(p),
            Ok(body) => place_edit(tx, known, body)?,
        },
        Kind::CoachingVisit => {
            match record
                .read_body::<CoachingVisitBody>()
                .and_then(|b| b.check().map(|()| b))
            {
                Err(p) => reject(p),
                Ok(body) => {
                    let product_id = body.product_id.clone();
                    place_coaching(tx, known, &product_id, |_| Coaching::Visit(body))?
                }
            }
        }
    })
}

/// An edit is where its record is after the edit (a producer given another village moves);
/// where it was before must be the officer's too.
fn place_edit(
    tx: &mut dyn Tx,
    known: &mut Known,
    body: EditBody,
) -> ApiResult<Result<Placed, Problem>> {
    let kind = body.target.as_str();
    let Some((_, region)) = stored(tx, known, kind, &body.target_id)? else {
        return Ok(reject(Problem::new(
            Code::PushUnknownRecord.as_str(),
            Some("body.target_id"),
            format!("the {kind} this edit changes is not on the server: send it first (or in the same push)"),
        )));
    };
    let moved_to = body
        .fields
        .get("village_code")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let before = Regions::get().path(&region);
    Ok(place_region(
        moved_to.as_deref().unwrap_or(&region),
        "body.fields.village_code",
    )
    .map(|(region_code, region_path)| Placed {
        region_code,
        region_path,
        facts: None,
        coaching: None,
        product_path: before,
        edit: Some(body),
    }))
}

/// Applies a stored edit to the latest revision of its record: each field the edit changes
/// takes the edit's value (the later edit received wins), the record gains a revision, the
/// history keeps what each field held before and whether that value was one the editing laptop
/// had not seen, and every laptop of the region (the editor's too) pulls the record as it now is.
#[allow(clippy::too_many_arguments)]
fn apply_edit(
    tx: &mut dyn Tx,
    known: &mut Known,
    actor: &Actor,
    edit_id: &str,
    blobs: &[ovop_protocol::BlobRef],
    placed: &Placed,
    now: &str,
    deferred: &mut Deferred,
) -> ApiResult<()> {
    let Some(body) = &placed.edit else {
        return Ok(());
    };
    let kind = body.target.as_str();
    let Some(latest) = tx.query_opt(
        "SELECT revision, body FROM record WHERE kind = $1 AND id = $2 ORDER BY revision DESC LIMIT 1",
        &[Val::from(kind), Val::from(&body.target_id)],
    )?
    else {
        return Ok(());
    };
    let revision = latest.int(0) + 1;
    let mut merged: serde_json::Value =
        serde_json::from_str(&latest.text(1)).unwrap_or_else(|_| json!({}));
    let Some(map) = merged.as_object_mut() else {
        return Ok(());
    };
    let mut changed = Vec::new();
    for (field, value) in &body.fields {
        let previous = map.get(field).cloned().unwrap_or(serde_json::Value::Null);
        if previous == *value {
            continue;
        }
        let overridden = body.before.get(field).is_some_and(|seen| *seen != previous);
        map.insert(field.clone(), value.clone());
        changed.push((field.clone(), value.clone(), previous, overridden));
    }
    if body.deleted && map.get("deleted") != Some(&json!(true)) {
        map.insert("deleted".into(), json!(true));
        changed.push(("deleted".into(), json!(true), json!(false), false));
    }
    // Photos added after the record first travelled: the edit's own blobs (so that its
    // officer uploads them), named by the record's revision from now on.
    let photos_at = if changed.is_empty() {
        revision - 1
    } else {
        revision
    };
    for blob in blobs.iter().filter(|b| body.photos.contains(&b.sha256)) {
        deferred.blobs.push(vec![
            Val::from(&blob.sha256),
            Val::Int(blob.size as i64),
            Val::Null,
        ]);
        for (owner, id, at) in [
            ("edit", edit_id, 1),
            (kind, body.target_id.as_str(), photos_at),
        ] {
            deferred.record_blobs.push(vec![
                Val::from(owner),
                Val::from(id),
                Val::Int(at),
                Val::from(&blob.sha256),
            ]);
        }
    }
    if changed.is_empty() && body.photos.is_empty() {
        return Ok(());
    }
    if changed.is_empty() {
        // Only photos: colleagues pull the record again, with its photos, at the same revision.
        return pulled_again(
            tx,
            kind,
            &body.target_id,
            merged,
            photos_at,
            placed,
            now,
            deferred,
        );
    }
    tx.exec(
        "INSERT INTO record (kind, id, revision, content_hash, body, region_code, region_path, user_id, device_id, received_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            Val::from(kind),
            Val::from(&body.target_id),
            Val::Int(revision),
            Val::from(ovop_core::canonical_hash(&merged)),
            Val::from(merged.to_string()),
            Val::from(&placed.region_code),
            Val::from(&placed.region_path),
            Val::Int(actor.user.id),
            Val::Int(actor.device_id),
            Val::from(now),
        ],
    )?;
    for (field, value, previous, overridden) in &changed {
        tx.exec(
            "INSERT INTO field_change (kind, id, revision, field, value, previous, overridden, edit_id, user_id, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                Val::from(kind),
                Val::from(&body.target_id),
                Val::Int(revision),
                Val::from(field.as_str()),
                Val::from(value.to_string()),
                Val::from(previous.to_string()),
                Val::Int(i64::from(*overridden)),
                Val::from(edit_id),
                Val::Int(actor.user.id),
                Val::from(now),
            ],
        )?;
    }
    // The office's lists name products and producers as they now are.
    if let Some(name) = body.fields.get("name").and_then(|v| v.as_str()) {
        let (column, which) = match body.target {
            Kind::Product => ("product_name", "product_id = $2"),
            _ => (
                "producer_name",
                "product_id IN (SELECT id FROM record WHERE kind = 'product' AND body LIKE $2)",
            ),
        };
        for table in ["assessment", "coaching_action"] {
            let which_one = match body.target {
                Kind::Product => Val::from(&body.target_id),
                _ => Val::from(format!("%\"producer_id\":\"{}\"%", body.target_id)),
            };
            let params = [Val::from(name), which_one];
            tx.exec(
                &format!("UPDATE {table} SET {column} = $1 WHERE {which}"),
                &params,
            )?;
        }
    }
    known.insert(
        (kind, body.target_id.clone()),
        Some((merged.clone(), placed.region_code.clone())),
    );
    pulled_again(
        tx,
        kind,
        &body.target_id,
        merged,
        revision,
        placed,
        now,
        deferred,
    )
}

/// Puts a producer or product on the change feed again as the server now has it (`body` at
/// `revision`, with its history): the laptops of its region pull it at their next sync.
#[allow(clippy::too_many_arguments)]
fn pulled_again(
    tx: &mut dyn Tx,
    kind: &str,
    id: &str,
    mut body: serde_json::Value,
    revision: i64,
    placed: &Placed,
    now: &str,
    deferred: &mut Deferred,
) -> ApiResult<()> {
    if let Some(map) = body.as_object_mut() {
        map.insert("id".into(), json!(id));
        map.insert("revision".into(), json!(revision));
        map.insert(
            "history".into(),
            serde_json::to_value(history(tx, kind, id)?).unwrap_or_default(),
        );
    }
    deferred.changes.push(vec![
        Val::from(kind),
        Val::from(id),
        Val::from(&placed.region_path),
        Val::Null,
        Val::Null,
        Val::from(body.to_string()),
        Val::from(now),
        Val::Null,
    ]);
    Ok(())
}

/// The most field changes a pulled record carries in its history, newest first.
pub const HISTORY_LIMIT: i64 = 100;

/// A producer's or product's history, newest first.
pub fn history(tx: &mut dyn Tx, kind: &str, id: &str) -> ApiResult<Vec<FieldChange>> {
    let rows = tx.query(
        "SELECT f.revision, f.field, f.value, f.previous, f.overridden, u.display_name, f.received_at
         FROM field_change f JOIN app_user u ON u.id = f.user_id
         WHERE f.kind = $1 AND f.id = $2 ORDER BY f.revision DESC, f.field LIMIT $3",
        &[Val::from(kind), Val::from(id), Val::Int(HISTORY_LIMIT)],
    )?;
    Ok(rows
        .iter()
        .map(|r| FieldChange {
            revision: r.int(0),
            field: r.text(1),
            value: serde_json::from_str(&r.text(2)).unwrap_or_default(),
            previous: serde_json::from_str(&r.text(3)).unwrap_or_default(),
            overridden: r.int(4) != 0,
            by: r.text(5),
            at: r.text(6),
        })
        .collect())
}

/// What the review and office tables keep of a stored product and its producer.
fn facts_of(tx: &mut dyn Tx, known: &mut Known, product: &serde_json::Value) -> ApiResult<Facts> {
    let text = |v: &serde_json::Value, key: &str| {
        v.get(key)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()
    };
    let producer = stored(tx, known, "producer", &text(product, "producer_id"))?
        .map(|(body, _)| body)
        .unwrap_or_default();
    Ok(Facts {
        product_name: text(product, "name"),
        producer_name: text(&producer, "name"),
        product_set: text(product, "product_set"),
    })
}

/// A coaching record is where its product is: the product must be on the server (sent first,
/// or in the same push).
fn place_coaching(
    tx: &mut dyn Tx,
    known: &mut Known,
    product_id: &str,
    coaching: impl FnOnce(Facts) -> Coaching,
) -> ApiResult<Result<Placed, Problem>> {
    let Some((product, product_region)) = stored(tx, known, "product", product_id)? else {
        return Ok(reject(Problem::new(
            "push.unknown_product",
            Some("body.product_id"),
            "the coached product is not on the server: send it first (or in the same push)",
        )));
    };
    let facts = facts_of(tx, known, &product)?;
    Ok(
        place_region(&product_region, "body.product_id").map(|(region_code, region_path)| Placed {
            region_code,
            region_path,
            facts: None,
            coaching: Some(coaching(facts)),
            product_path: None,
            edit: None,
        }),
    )
}

/// The visit's village and date, and the result against the engine's own when the server
/// knows the set.
fn check_result(body: &AssessmentBody) -> Result<(), Problem> {
    if body.visit.region_code.is_none() {
        return Err(Problem::new(
            "push.invalid",
            Some("body.visit.region_code"),
            "the visit names the village it was made in",
        ));
    }
    let assessed_on = body.visit.assessed_on.as_deref().unwrap_or("");
    let date_ok = assessed_on.len() == 10
        && time::Date::parse(
            assessed_on,
            &time::macros::format_description!("[year]-[month]-[day]"),
        )
        .is_ok();
    if !date_ok {
        return Err(Problem::new(
            "push.invalid",
            Some("body.visit.assessed_on"),
            "the date of the visit is YYYY-MM-DD",
        ));
    }
    let visit = &body.visit;
    if let Err(e) = ovop_core::programme::check_visit(
        body.programme,
        visit.round.as_deref(),
        visit.level.as_deref(),
        Some(assessed_on),
    ) {
        let field = format!("body.visit.{}", e.field);
        return Err(Problem::new("push.invalid", Some(&field), e.message));
    }
    if body.answers.is_none() {
        return Err(Problem::new(
            "push.no_answers",
            Some("body.answers"),
            "an assessment carries the answers it was scored from: the server scores them again",
        ));
    }
    Ok(())
}

/// A council's quorum as received: `met` (its roster was checked when it was scored again),
/// `unrecorded` (a council from a laptop that did not record rosters), none for one assessor.
fn quorum_state(body: &AssessmentBody) -> Option<&'static str> {
    body.council.as_ref().map(|_| {
        if body.visit.roster.is_some() {
            "met"
        } else {
            "unrecorded"
        }
    })
}

/// The level a product is proposed to: the programme's next level held on the day of the
/// assessment, when the official star reaches its threshold.
fn proposed_level(body: &AssessmentBody, star: Option<u8>) -> Option<String> {
    let rules = ovop_core::programme::rules_of(body.programme)?;
    let level = body.visit.level.as_deref()?;
    let on = body.visit.assessed_on.as_deref()?;
    rules
        .proposed_level(level, on, star?)
        .map(|l| l.code.clone())
}

/// Scores the answers again with the set the laptop used and puts the server's own result in
/// the body: a record whose numbers (total, stars, parts, criteria, the council's verdict)
/// differ from what its answers give is refused.
pub fn rescore(rubric: &Rubric, body: &mut AssessmentBody) -> Result<(), Problem> {
    let Some(answers) = &body.answers else {
        return Err(Problem::new(
            "push.no_answers",
            Some("body.answers"),
            "an assessment carries the answers it was scored from",
        ));
    };
    let again = rubric.score(answers).map_err(|errors| {
        Problem::new(
            "push.invalid",
            Some("body.answers"),
            errors
                .first()
                .map_or("the answers cannot be scored".into(), |e| e.message.clone()),
        )
    })?;
    if again != body.result {
        return Err(Problem::new(
            "push.result_mismatch",
            Some("body.result"),
            format!(
                "the answers score {} points and star {:?}; the record says {} and {:?}",
                again.total, again.star, body.result.total, body.result.star
            ),
        ));
    }
    let council = match &body.council {
        Some(members) => {
            let mut sheets = vec![body.visit.lead_sheet(answers)];
            sheets.extend(members.iter().cloned());
            let verdict = rubric.score_council(&sheets).map_err(|errors| {
                Problem::new(
                    "push.invalid",
                    Some("body.council"),
                    errors
                        .first()
                        .map_or("the council's sheets cannot be scored".into(), |e| {
                            format!("member {}: {}", e.member, e.error.message)
                        }),
                )
            })?;
            if body.council_result.as_ref() != Some(&verdict) {
                return Err(Problem::new(
                    "push.result_mismatch",
                    Some("body.council_result"),
                    format!(
                        "the council's sheets average {} points and star {:?}; the record says otherwise",
                        verdict.average, verdict.star
                    ),
                ));
            }
            // A council with its roster counts only with the programme's quorum; one pushed
            // without a roster (a laptop from before rosters) is kept as `unrecorded`.
            if body.visit.roster.is_some() {
                if let Err(e) = body.visit.council_quorum(&sheets, rubric.council_quorum()) {
                    return Err(Problem::new(
                        "push.invalid",
                        Some("body.visit.roster"),
                        e.to_string(),
                    ));
                }
            }
            let sitting = body.visit.sitting(&sheets);
            Some((verdict, sitting))
        }
        None if body.visit.roster.is_some() => {
            return Err(Problem::new(
                "push.invalid",
                Some("body.visit.roster"),
                "a roster comes with a council's sheets (body.council)",
            ))
        }
        None if body.council_result.is_some() => {
            return Err(Problem::new(
                "push.invalid",
                Some("body.council_result"),
                "a council's result comes with the members' sheets (body.council)",
            ))
        }
        None => None,
    };
    let (council, sitting) = match council {
        Some((council, sitting)) => (Some(council), sitting),
        None => (None, None),
    };
    let verdict = rubric.decide_sitting(&again, council.as_ref(), sitting.as_ref());
    if verdict.standing == ovop_core::Standing::Provisional {
        return Err(Problem::new(
            "push.provisional",
            Some("body.answers"),
            "the answers leave the result provisional (a sheet not complete, a council beyond its divergence or without its quorum): only a decided result is final",
        ));
    }
    if body.verdict.as_ref().is_some_and(|sent| *sent != verdict) {
        return Err(Problem::new(
            "push.result_mismatch",
            Some("body.verdict"),
            format!(
                "the answers give an official total of {} and star {:?}; the record says otherwise",
                verdict.total_text(),
                verdict.star
            ),
        ));
    }
    body.result = again;
    body.council_result = council;
    body.verdict = Some(verdict);
    Ok(())
}

/// An assessment read and checked before the push's transaction; `verified` once its result
/// was scored again with a shipped set. An assessment not verified yet is scored inside the
/// transaction on the set found by its hash (published on this server, or received from a
/// laptop), or refused (`push.unknown_set`): none is stored as the laptop scored it.
pub struct Checked {
    pub body: AssessmentBody,
    pub verified: bool,
}

fn rescore_shipped(body: &mut AssessmentBody) -> Result<bool, Problem> {
    let set = &body.result.set;
    let Some(entry) = catalog().get(&set.id, Some(&set.version)) else {
        return Ok(false);
    };
    if entry.rubric.hash() != set.hash {
        return Ok(false);
    }
    rescore(&entry.rubric, body)?;
    Ok(true)
}

/// Scores an assessment not verified yet with the set published here, or received from a
/// laptop, under its hash. A set the server knows neither way refuses the record
/// (`push.unknown_set`, naming the hash): the laptop sends the set, then the record again.
fn rescore_published(
    tx: &mut dyn Tx,
    rubrics: &mut HashMap<String, Option<Rubric>>,
    body: &mut AssessmentBody,
) -> ApiResult<Result<(), Problem>> {
    let hash = body.result.set.hash.clone();
    if !rubrics.contains_key(&hash) {
        let rubric = crate::received::set_body(tx, &hash)?
            .and_then(|text| ovop_core::parse_set(&text).ok())
            .and_then(|set| Rubric::new(set).ok());
        rubrics.insert(hash.clone(), rubric);
    }
    Ok(match rubrics.get(&hash).and_then(Option::as_ref) {
        Some(rubric) => rescore(rubric, body),
        None => {
            let short = |text: &str| text.chars().take(80).collect::<String>();
            let hash = short(&hash);
            Err(Problem::new(
                "push.unknown_set",
                Some("body.result.set.hash"),
                format!(
                    "the server does not know criteria set {} {} ({hash}): send it (PUT /v1/criteria-sets/{hash}), then this record again",
                    short(&body.result.set.id),
                    short(&body.result.set.version),
                ),
            ))
        }
    })
}

fn criterion_row(outcome: &CriterionOutcome) -> (&'static str, Option<i64>) {
    match outcome {
        CriterionOutcome::Scored { points, .. } => ("scored", Some(i64::from(*points))),
        CriterionOutcome::NotApplicable { .. } => ("not_applicable", None),
        CriterionOutcome::KnockedOut { .. } => ("knocked_out", None),
        CriterionOutcome::Unanswered => ("unanswered", None),
    }
}

/// Rows written at the end of a push, a few statements per table rather than one per row.
#[derive(Default)]
struct Deferred {
    blobs: Vec<Vec<Val>>,
    record_blobs: Vec<Vec<Val>>,
    assessments: Vec<Vec<Val>>,
    parts: Vec<Vec<Val>>,
    criteria: Vec<Vec<Val>>,
    sheets: Vec<Vec<Val>>,
    sheet_criteria: Vec<Vec<Val>>,
    changes: Vec<Vec<Val>>,
    /// The latest revision of each action this push stored, by id.
    actions: BTreeMap<String, (i64, Vec<Val>)>,
    visits: Vec<Vec<Val>>,
}

impl Deferred {
    fn flush(self, tx: &mut dyn Tx) -> ApiResult<()> {
        // The assessments this push stored revisions of: any revision of theirs with a later
        // one stored is superseded (a correction may arrive before the revision it corrects).
        let corrected: Vec<Val> = self
            .assessments
            .iter()
            .filter_map(|row| match row.first() {
                Some(Val::Text(id)) => Some(id.clone()),
                _ => None,
            })
            .collect::<std::collections::BTreeSet<String>>()
            .into_iter()
            .map(Val::Text)
            .collect();
        // Blobs before the rows that name them; changes in the order they happened.
        insert_rows(
            tx,
            "blob (sha256, size, complete_at)",
            self.blobs,
            "ON CONFLICT (sha256) DO NOTHING",
        )?;
        insert_rows(
            tx,
            "record_blob (kind, id, revision, sha256)",
            self.record_blobs,
            "ON CONFLICT DO NOTHING",
        )?;
        insert_rows(
            tx,
            "assessment (id, revision, product_id, product_name, producer_name, programme, product_set, criteria_set,
               criteria_version, region_code, region_path, regency_code, officer_id, assessed_on, total, max_total,
               star_by_score, star, status, received_at, total_hundredths, standing, sheets, verdict, round, level, kind, quorum, proposed_level)",
            self.assessments,
            "",
        )?;
        // A revision is superseded once a later one of its assessment is stored, in whichever
        // order they arrived (the recap counts the latest revisions by this flag).
        for chunk in corrected.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            tx.exec(
                &format!(
                    "UPDATE assessment SET superseded = 1
                     WHERE superseded = 0 AND id IN ({})
                       AND EXISTS (SELECT 1 FROM assessment r WHERE r.id = assessment.id AND r.revision > assessment.revision)",
                    marks.join(", ")
                ),
                chunk,
            )?;
        }
        insert_rows(
            tx,
            "assessment_part (id, revision, part, points, max, points_exact)",
            self.parts,
            "ON CONFLICT DO NOTHING",
        )?;
        insert_rows(
            tx,
            "assessment_criterion (id, revision, position, criterion, status, points, max)",
            self.criteria,
            "ON CONFLICT DO NOTHING",
        )?;
        insert_rows(
            tx,
            "assessment_sheet (id, revision, sheet, assessor, total)",
            self.sheets,
            "ON CONFLICT DO NOTHING",
        )?;
        insert_rows(
            tx,
            "assessment_sheet_criterion (id, revision, sheet, position, criterion, status, points, max)",
            self.sheet_criteria,
            "ON CONFLICT DO NOTHING",
        )?;
        insert_rows(
            tx,
            "change (kind, ref_id, region_path, for_user, from_user, body, created_at, from_device)",
            self.changes,
            "",
        )?;
        insert_rows(
            tx,
            "coaching_visit (id, product_id, visited_on, updates, region_code, region_path, regency_code, officer_id, received_at)",
            self.visits,
            "ON CONFLICT (id) DO NOTHING",
        )?;
        // An action as it stands: a later revision replaces an earlier one, whatever order
        // they arrive in; the officer who made it and when it first arrived stay.
        insert_rows(
            tx,
            "coaching_action (id, revision, product_id, product_name, producer_name, assessment_id, criterion, support,
               owner, due, progress, open, region_code, region_path, regency_code, officer_id, received_at, changed_at)",
            self.actions.into_values().map(|(_, row)| row).collect(),
            "ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, assessment_id = excluded.assessment_id,
               criterion = excluded.criterion, support = excluded.support, owner = excluded.owner, due = excluded.due,
               progress = excluded.progress, open = excluded.open, changed_at = excluded.changed_at
             WHERE coaching_action.revision < excluded.revision",
        )
    }
}

/// A council's rows: every member's sheet, and the criteria of those after the lead (the
/// lead's are the assessment's own criteria rows).
fn council_rows(
    id: &str,
    revision: i64,
    body: &AssessmentBody,
    sheets: &mut Vec<Vec<Val>>,
    sheet_criteria: &mut Vec<Vec<Val>>,
) {
    let members = body
        .council_result
        .as_ref()
        .map_or(&[][..], |c| &c.members[..]);
    for (index, member) in members.iter().enumerate() {
        let sheet = index as i64 + 1;
        sheets.push(vec![
            Val::from(id),
            Val::Int(revision),
            Val::Int(sheet),
            Val::from(&member.member),
            Val::Int(member.result.total.into()),
        ]);
        if index == 0 {
            continue;
        }
        for (position, criterion) in member.result.criteria.iter().enumerate() {
            let (status, points) = criterion_row(&criterion.outcome);
            sheet_criteria.push(vec![
                Val::from(id),
                Val::Int(revision),
                Val::Int(sheet),
                Val::Int(position as i64),
                Val::from(&criterion.code),
                Val::from(status),
                Val::from(points),
                Val::Int(criterion.max.into()),
            ]);
        }
    }
}

/// Migration 6's data: each council stored before it gets its members' sheets from the body
/// the server checked when it was pushed, so the per-criterion export and the review page have
/// them as for a council pushed since. Returns how many assessments were filled.
pub fn council_sheets_of_stored(tx: &mut dyn Tx) -> crate::db::DbResult<usize> {
    let stored = tx.query(
        "SELECT a.id, a.revision, r.body FROM assessment a
         JOIN record r ON r.kind = 'assessment' AND r.id = a.id AND r.revision = a.revision
         WHERE a.sheets > 1
           AND NOT EXISTS (SELECT 1 FROM assessment_sheet s WHERE s.id = a.id AND s.revision = a.revision)",
        &[],
    )?;
    let mut filled = 0;
    for row in stored {
        let Ok(body) = serde_json::from_str::<AssessmentBody>(&row.text(2)) else {
            tracing::warn!(id = %row.text(0), "a stored council's body cannot be read; its sheets are not filled");
            continue;
        };
        let (mut sheets, mut criteria) = (Vec::new(), Vec::new());
        council_rows(&row.text(0), row.int(1), &body, &mut sheets, &mut criteria);
        if sheets.is_empty() {
            continue;
        }
        for values in sheets {
            tx.exec(
                "INSERT INTO assessment_sheet (id, revision, sheet, assessor, total) VALUES ($1, $2, $3, $4, $5)",
                &values,
            )?;
        }
        for values in criteria {
            tx.exec(
                "INSERT INTO assessment_sheet_criterion (id, revision, sheet, position, criterion, status, points, max)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                &values,
            )?;
        }
        filled += 1;
    }
    Ok(filled)
}

/// After the upgrade that added rounds, levels and proposals (schema 7 and 8): each stored
/// assessment without them gets what its stored body records (the round, level and kind the
/// laptop sent) and the level its official star proposes it to. A body that records none
/// leaves them unknown, and the quorum, not checked when it was received, stays unknown.
/// Returns how many were filled in.
pub fn rounds_of_stored(tx: &mut dyn Tx) -> crate::db::DbResult<usize> {
    let stored = tx.query(
        "SELECT a.id, a.revision, r.body, a.star FROM assessment a
         JOIN record r ON r.kind = 'assessment' AND r.id = a.id AND r.revision = a.revision
         WHERE a.proposed_level IS NULL",
        &[],
    )?;
    let mut filled = 0;
    for row in stored {
        let Ok(body) = serde_json::from_str::<AssessmentBody>(&row.text(2)) else {
            tracing::warn!(id = %row.text(0), "a stored assessment's body cannot be read; its round and level stay unknown");
            continue;
        };
        let star = row.opt_int(3).and_then(|s| u8::try_from(s).ok());
        let visit = &body.visit;
        let proposed = proposed_level(&body, star);
        if visit.round.is_none()
            && visit.level.is_none()
            && visit.kind.is_none()
            && proposed.is_none()
        {
            continue;
        }
        tx.exec(
            "UPDATE assessment SET round = COALESCE(round, $3), level = COALESCE(level, $4),
                    kind = COALESCE(kind, $5), proposed_level = $6
             WHERE id = $1 AND revision = $2",
            &[
                Val::from(row.text(0)),
                Val::Int(row.int(1)),
                Val::from(visit.round.clone()),
                Val::from(visit.level.clone()),
                Val::from(visit.kind.map(|k| k.as_str())),
                Val::from(proposed),
            ],
        )?;
        filled += 1;
    }
    Ok(filled)
}

/// `INSERT INTO <into> <rows> <tail>`, all rows at once ([`Tx::insert_many`]).
fn insert_rows(tx: &mut dyn Tx, into: &str, rows: Vec<Vec<Val>>, tail: &str) -> ApiResult<()> {
    insert_returning(tx, into, rows, tail).map(|_| ())
}

/// [`insert_rows`] with a `RETURNING` tail: the rows it returns.
fn insert_returning(
    tx: &mut dyn Tx,
    into: &str,
    rows: Vec<Vec<Val>>,
    tail: &str,
) -> ApiResult<Vec<crate::db::Row>> {
    Ok(tx.insert_many(into, &rows, tail)?)
}

fn insert_new(deferred: &mut Deferred, actor: &Actor, record: &Record, placed: &Placed, now: &str) {
    let kind = record.kind.as_str();
    for blob in &record.blobs {
        deferred.blobs.push(vec![
            Val::from(&blob.sha256),
            Val::Int(blob.size as i64),
            Val::Null,
        ]);
        deferred.record_blobs.push(vec![
            Val::from(kind),
            Val::from(&record.id),
            Val::Int(record.revision),
            Val::from(&blob.sha256),
        ]);
    }
    let regency = || {
        Regions::get()
            .regency(&placed.region_code)
            .unwrap_or_default()
    };
    match &placed.coaching {
        Some(Coaching::Action(body, facts)) => {
            let action = &body.action;
            let row = vec![
                Val::from(&record.id),
                Val::Int(record.revision),
                Val::from(&body.product_id),
                Val::from(&facts.product_name),
                Val::from(&facts.producer_name),
                Val::from(body.assessment_id.clone()),
                Val::from(action.criterion.clone()),
                Val::from(action.support.code()),
                Val::from(action.owner.code()),
                Val::from(action.due.clone()),
                Val::from(action.progress.code()),
                Val::Int(i64::from(action.progress.open())),
                Val::from(&placed.region_code),
                Val::from(&placed.region_path),
                Val::from(regency()),
                Val::Int(actor.user.id),
                Val::from(now),
                Val::from(now),
            ];
            let later = deferred
                .actions
                .get(&record.id)
                .is_none_or(|(revision, _)| *revision < record.revision);
            if later {
                deferred
                    .actions
                    .insert(record.id.clone(), (record.revision, row));
            }
            return;
        }
        Some(Coaching::Visit(body)) => {
            deferred.visits.push(vec![
                Val::from(&record.id),
                Val::from(&body.product_id),
                Val::from(&body.visited_on),
                Val::Int(body.updates.len() as i64),
                Val::from(&placed.region_code),
                Val::from(&placed.region_path),
                Val::from(regency()),
                Val::Int(actor.user.id),
                Val::from(now),
            ]);
            return;
        }
        None => {}
    }
    match &placed.facts {
        Some((body, facts)) => {
            let result = &body.result;
            // What the server decided ([`rescore`], which every stored assessment went through):
            // the official verdict over the sheets.
            let Some(verdict) = body.verdict.clone() else {
                tracing::error!(id = %record.id, "an assessment reached storage without a verdict");
                return;
            };
            let verdict_json = serde_json::to_string(&verdict).ok();
            deferred.assessments.push(vec![
                Val::from(&record.id),
                Val::Int(record.revision),
                Val::from(&body.product_id),
                Val::from(&facts.product_name),
                Val::from(&facts.producer_name),
                Val::from(body.programme.as_str()),
                Val::from(&facts.product_set),
                Val::from(&result.set.id),
                Val::from(&result.set.version),
                Val::from(&placed.region_code),
                Val::from(&placed.region_path),
                Val::from(
                    Regions::get()
                        .regency(&placed.region_code)
                        .unwrap_or_default(),
                ),
                Val::Int(actor.user.id),
                Val::from(body.visit.assessed_on.as_deref().unwrap_or_default()),
                Val::Int((verdict.total_hundredths / 100) as i64),
                Val::Int(verdict.max_total.into()),
                Val::Int(verdict.star_by_score.into()),
                Val::from(verdict.star.map(i64::from)),
                Val::from("submitted"),
                Val::from(now),
                Val::Int(verdict.total_hundredths as i64),
                Val::from(verdict.standing.as_str()),
                Val::Int(verdict.sheets.into()),
                Val::from(verdict_json),
                Val::from(body.visit.round.clone()),
                Val::from(body.visit.level.clone()),
                Val::from(body.visit.kind.map(|k| k.as_str())),
                Val::from(quorum_state(body)),
                Val::from(proposed_level(body, verdict.star)),
            ]);
            for part in &verdict.parts {
                deferred.parts.push(vec![
                    Val::from(&record.id),
                    Val::Int(record.revision),
                    Val::from(&part.code),
                    Val::Int(part.points.floor() as i64),
                    Val::Int(part.max.into()),
                    Val::Real(part.points),
                ]);
            }
            for (position, criterion) in result.criteria.iter().enumerate() {
                let (status, points) = criterion_row(&criterion.outcome);
                deferred.criteria.push(vec![
                    Val::from(&record.id),
                    Val::Int(record.revision),
                    Val::Int(position as i64),
                    Val::from(&criterion.code),
                    Val::from(status),
                    Val::from(points),
                    Val::Int(criterion.max.into()),
                ]);
            }
            council_rows(
                &record.id,
                record.revision,
                body,
                &mut deferred.sheets,
                &mut deferred.sheet_criteria,
            );
            // Every revision reaches the other laptops of its regions (a colleague taking over
            // the village, the officer's replacement laptop); the feed reads the record itself.
            deferred.changes.push(vec![
                Val::from("assessment"),
                Val::from(&record.id),
                Val::from(&placed.region_path),
                Val::Null,
                Val::Int(actor.user.id),
                Val::from(json!({ "revision": record.revision }).to_string()),
                Val::from(now),
                Val::Int(actor.device_id),
            ]);
        }
        None => {
            // Producers and products reach colleagues in the same regions at their next pull.
            let mut body = record.body.clone();
            if let Some(map) = body.as_object_mut() {
                map.insert("id".into(), json!(record.id));
            }
            deferred.changes.push(vec![
                Val::from(kind),
                Val::from(&record.id),
                Val::from(&placed.region_path),
                Val::Null,
                Val::Int(actor.user.id),
                Val::from(body.to_string()),
                Val::from(now),
                Val::Int(actor.device_id),
            ]);
        }
    }
}

/// What can be checked of each record without the database (its id, hash, body; an
/// assessment scored again): done before the push takes the write lock, on every core.
pub fn check_records(records: &[Record], limits: &Limits) -> Vec<Result<Option<Checked>, Problem>> {
    records
        .iter()
        .map(|record| {
            record.check(limits)?;
            match record.kind {
                Kind::Assessment => {
                    let mut body = record.read_body::<AssessmentBody>()?;
                    check_result(&body)?;
                    let verified = rescore_shipped(&mut body)?;
                    Ok(Some(Checked { body, verified }))
                }
                _ => Ok(None),
            }
        })
        .collect()
}

/// Stores a push and answers for each record; `checked` is [`check_records`]'s answer.
pub fn push(
    tx: &mut dyn Tx,
    actor: &Actor,
    request: &PushRequest,
    mut checked: Vec<Result<Option<Checked>, Problem>>,
    blobs: &BlobStore,
    uploads: &UploadLimits,
    now: &str,
) -> ApiResult<PushResponse> {
    // One push at a time writes: the change feed stays in cursor order, and two copies of the
    // same batch cannot wait on each other.
    tx.lock_changes()?;
    crate::auth::seen(tx, actor.device_id, now)?;
    let mut results: Vec<Option<RecordResult>> = vec![None; request.records.len()];
    let mut needed: BTreeMap<String, u64> = BTreeMap::new();
    let mut known = Known::new();
    prefetch(tx, &mut known, &request.records)?;
    let mut deferred = Deferred::default();
    let owners = owners_of(tx, &request.records)?;
    let mut open = OpenUploads::of(tx, actor.user.id)?;
    // Sets found by hash (published or received) for the assessments not scored again before
    // the transaction; an assessment on a set found nowhere is refused.
    let mut rubrics: HashMap<String, Option<Rubric>> = HashMap::new();
    // Blob sizes named by the records accepted so far in this push (their rows are written last).
    let mut sizes: HashMap<String, u64> = HashMap::new();
    let result = |record: &Record, outcome: Outcome, problem: Option<Problem>| RecordResult {
        kind: record.kind,
        id: record.id.clone(),
        revision: record.revision,
        outcome,
        status: outcome.status(),
        problem,
    };
    // Producers, then products, then assessments: each group placed, then stored in a few
    // statements, before the next group looks for what it needs.
    for kind in Kind::ALL {
        let mut candidates: Vec<(usize, Placed)> = Vec::new();
        for (i, record) in request
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == kind)
        {
            // Each record is placed once: its checked body moves on rather than being copied.
            let pre = match std::mem::replace(&mut checked[i], Ok(None)) {
                Ok(Some(mut pre)) if !pre.verified => {
                    match rescore_published(tx, &mut rubrics, &mut pre.body)? {
                        Ok(()) => Some(pre.body),
                        Err(problem) => {
                            results[i] = Some(result(record, Outcome::Rejected, Some(problem)));
                            continue;
                        }
                    }
                }
                Ok(pre) => pre.map(|pre| pre.body),
                Err(problem) => {
                    results[i] = Some(result(record, Outcome::Rejected, Some(problem)));
                    continue;
                }
            };
            let placed = match place(tx, &mut known, record, pre)? {
                Ok(placed) => placed,
                Err(problem) => {
                    results[i] = Some(result(record, Outcome::Rejected, Some(problem)));
                    continue;
                }
            };
            let outside = |path: &str| !within(path, &actor.user.regions);
            if actor.user.role != Role::Admin
                && (outside(&placed.region_path)
                    || placed.product_path.as_deref().is_some_and(outside))
            {
                return Err(ApiError::forbidden(
                    "push.region_not_assigned",
                    Some(&format!("records[{i}]")),
                    format!(
                        "{} is not in the regions assigned to {}; nothing was stored",
                        placed.region_code, actor.user.name
                    ),
                ));
            }
            // An assessment belongs to the officer who first pushed it: nobody else adds to it.
            if let Some(owner) = owners
                .get(&record.id)
                .filter(|o| record.kind == Kind::Assessment && **o != actor.user.id)
            {
                tracing::warn!(id = %record.id, owner, user = actor.user.id, "push to another officer's assessment");
                results[i] = Some(result(
                    record,
                    Outcome::Rejected,
                    Some(Problem::new(
                        "push.not_owner",
                        Some("id"),
                        "this assessment belongs to another officer; only their laptops add revisions to it",
                    )),
                ));
                continue;
            }
            if let Some(problem) = blob_size_problem(tx, record, &sizes)? {
                results[i] = Some(result(record, Outcome::Rejected, Some(problem)));
                continue;
            }
            if let Some(problem) = open.admit(tx, record, uploads)? {
                results[i] = Some(result(record, Outcome::Rejected, Some(problem)));
                continue;
            }
            for blob in &record.blobs {
                sizes.insert(blob.sha256.clone(), blob.size);
            }
            candidates.push((i, placed));
        }
        if candidates.is_empty() {
            continue;
        }
        // Stored now: the rows the insert returns. The primary key turns away the rest.
        let rows: Vec<Vec<Val>> = candidates
            .iter()
            .map(|(i, placed)| {
                let record = &request.records[*i];
                vec![
                    Val::from(record.kind.as_str()),
                    Val::from(&record.id),
                    Val::Int(record.revision),
                    Val::from(&record.content_hash),
                    Val::from(record.body.to_string()),
                    Val::from(&placed.region_code),
                    Val::from(&placed.region_path),
                    Val::Int(actor.user.id),
                    Val::Int(actor.device_id),
                    Val::from(now),
                ]
            })
            .collect();
        let stored_now: HashSet<(String, i64)> = insert_returning(
            tx,
            "record (kind, id, revision, content_hash, body, region_code, region_path, user_id, device_id, received_at)",
            rows,
            "ON CONFLICT (kind, id, revision) DO NOTHING RETURNING id, revision",
        )?
        .into_iter()
        .map(|r| (r.text(0), r.int(1)))
        .collect();
        // The others are there already: the same content, or another.
        let mut taken: HashSet<(String, i64)> = HashSet::new();
        let others: Vec<String> = candidates
            .iter()
            .map(|(i, _)| &request.records[*i])
            .filter(|r| !stored_now.contains(&(r.id.clone(), r.revision)))
            .map(|r| r.id.clone())
            .collect();
        let mut hashes = stored_hashes(tx, kind, &others)?;
        for (i, placed) in candidates {
            let record = &request.records[i];
            let key = (record.id.clone(), record.revision);
            let outcome = if stored_now.contains(&key) && taken.insert(key.clone()) {
                match &placed.edit {
                    Some(_) => apply_edit(
                        tx,
                        &mut known,
                        actor,
                        &record.id,
                        &record.blobs,
                        &placed,
                        now,
                        &mut deferred,
                    )?,
                    None => insert_new(&mut deferred, actor, record, &placed, now),
                }
                if matches!(record.kind, Kind::Producer | Kind::Product) {
                    known.insert(
                        (record.kind.as_str(), record.id.clone()),
                        Some((record.body.clone(), placed.region_code.clone())),
                    );
                }
                hashes.insert(key, record.content_hash.clone());
                Outcome::Accepted
            } else if hashes.get(&key) == Some(&record.content_hash) {
                Outcome::AcceptedAgain
            } else {
                results[i] = Some(result(
                    record,
                    Outcome::Conflict,
                    Some(Problem::new(
                        "push.conflict",
                        Some("content_hash"),
                        "the server has this id and revision with other content; a correction needs a new revision",
                    )),
                ));
                continue;
            };
            for blob in &record.blobs {
                needed.insert(blob.sha256.clone(), blob.size);
            }
            results[i] = Some(result(record, outcome, None));
        }
    }
    deferred.flush(tx)?;
    Ok(PushResponse {
        results: results.into_iter().flatten().collect(),
        missing_blobs: missing_blobs(tx, needed, blobs)?,
    })
}

/// How many photos an officer may have declared and not yet uploaded, and for how long a
/// partial upload is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    pub open_blobs: u64,
    pub open_bytes: u64,
    pub partial_max_age: std::time::Duration,
}

impl Default for UploadLimits {
    fn default() -> UploadLimits {
        UploadLimits {
            open_blobs: 2_000,
            open_bytes: 5 * 1024 * 1024 * 1024,
            partial_max_age: std::time::Duration::from_secs(14 * 24 * 3600),
        }
    }
}

/// The photos an officer's records name that have not arrived whole: what they may still
/// upload. A record that would take them over [`UploadLimits`] waits (`push.too_many_uploads`)
/// until some arrive; one already counted (the same photo, a record pushed again) costs nothing.
struct OpenUploads {
    blobs: HashMap<String, u64>,
    bytes: u64,
}

impl OpenUploads {
    fn of(tx: &mut dyn Tx, user: i64) -> ApiResult<OpenUploads> {
        let rows = tx.query(
            "SELECT DISTINCT b.sha256, b.size FROM blob b
             JOIN record_blob rb ON rb.sha256 = b.sha256
             JOIN record r ON r.kind = rb.kind AND r.id = rb.id AND r.revision = rb.revision
             WHERE b.complete_at IS NULL AND r.user_id = $1",
            &[Val::Int(user)],
        )?;
        let blobs: HashMap<String, u64> = rows
            .iter()
            .map(|r| (r.text(0), r.int(1).max(0) as u64))
            .collect();
        let bytes = blobs.values().sum();
        Ok(OpenUploads { blobs, bytes })
    }

    fn admit(
        &mut self,
        tx: &mut dyn Tx,
        record: &Record,
        limits: &UploadLimits,
    ) -> ApiResult<Option<Problem>> {
        let mut new: Vec<(&str, u64)> = Vec::new();
        for blob in &record.blobs {
            if self.blobs.contains_key(&blob.sha256) || new.iter().any(|(s, _)| *s == blob.sha256) {
                continue;
            }
            let complete = tx
                .query_opt(
                    "SELECT complete_at FROM blob WHERE sha256 = $1",
                    &[Val::from(&blob.sha256)],
                )?
                .is_some_and(|r| r.opt_text(0).is_some());
            if !complete {
                new.push((&blob.sha256, blob.size));
            }
        }
        let count = self.blobs.len() as u64 + new.len() as u64;
        let bytes = self.bytes + new.iter().map(|(_, size)| size).sum::<u64>();
        if !new.is_empty() && (count > limits.open_blobs || bytes > limits.open_bytes) {
            return Ok(Some(Problem::new(
                "push.too_many_uploads",
                Some("blobs"),
                format!(
                    "{} photos ({} MB) of yours are declared and not yet uploaded; upload them before more",
                    self.blobs.len(),
                    self.bytes / (1024 * 1024)
                ),
            )));
        }
        for (sha, size) in new {
            self.blobs.insert(sha.to_string(), size);
        }
        self.bytes = bytes;
        Ok(None)
    }
}

/// A blob the record names with another size than the server (or an earlier record of this
/// push) knows it by: one of the two is wrong.
fn blob_size_problem(
    tx: &mut dyn Tx,
    record: &Record,
    sizes: &HashMap<String, u64>,
) -> ApiResult<Option<Problem>> {
    for (b, blob) in record.blobs.iter().enumerate() {
        let have = match sizes.get(&blob.sha256) {
            Some(size) => Some(*size),
            None => tx
                .query_opt(
                    "SELECT size FROM blob WHERE sha256 = $1",
                    &[Val::from(&blob.sha256)],
                )?
                .map(|row| row.int(0) as u64),
        };
        if let Some(have) = have.filter(|have| *have != blob.size) {
            return Ok(Some(Problem::new(
                "push.blob_size",
                Some(&format!("blobs[{b}].size")),
                format!(
                    "the server knows this blob with {have} bytes, not {}",
                    blob.size
                ),
            )));
        }
    }
    Ok(None)
}

/// The content hashes the server already has for these ids of one kind, by id and revision.
/// Who owns each assessment of the push that the server has already: the user who pushed its
/// first revision.
fn owners_of(tx: &mut dyn Tx, records: &[Record]) -> ApiResult<HashMap<String, i64>> {
    let ids: Vec<&String> = records
        .iter()
        .filter(|r| r.kind == Kind::Assessment)
        .map(|r| &r.id)
        .collect();
    let mut owners = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let params: Vec<Val> = chunk.iter().map(|id| Val::from(*id)).collect();
        for row in tx.query(
            &format!(
                "SELECT id, user_id FROM record WHERE kind = 'assessment' AND id IN ({}) ORDER BY revision",
                marks.join(", ")
            ),
            &params,
        )? {
            owners.entry(row.text(0)).or_insert(row.int(1));
        }
        // Handed to another officer by a supervisor: the latest handover decides.
        for row in tx.query(
            &format!(
                "SELECT id, to_user FROM assessment_handover WHERE id IN ({}) ORDER BY seq",
                marks.join(", ")
            ),
            &params,
        )? {
            owners.insert(row.text(0), row.int(1));
        }
    }
    Ok(owners)
}

fn stored_hashes(
    tx: &mut dyn Tx,
    kind: Kind,
    ids: &[String],
) -> ApiResult<HashMap<(String, i64), String>> {
    let mut hashes = HashMap::new();
    for chunk in ids.chunks(500) {
        let marks: Vec<String> = (2..chunk.len() + 2).map(|n| format!("${n}")).collect();
        let mut params = vec![Val::from(kind.as_str())];
        params.extend(chunk.iter().map(Val::from));
        for row in tx.query(
            &format!(
                "SELECT id, revision, content_hash FROM record WHERE kind = $1 AND id IN ({})",
                marks.join(", ")
            ),
            &params,
        )? {
            hashes.insert((row.text(0), row.int(1)), row.text(2));
        }
    }
    Ok(hashes)
}

/// The blobs the accepted records need that have not arrived whole, each with the offset to
/// resume from.
fn missing_blobs(
    tx: &mut dyn Tx,
    needed: BTreeMap<String, u64>,
    blobs: &BlobStore,
) -> ApiResult<Vec<MissingBlob>> {
    let mut missing = Vec::new();
    for (sha, size) in needed {
        let row = tx.query_opt(
            "SELECT complete_at FROM blob WHERE sha256 = $1",
            &[Val::from(&sha)],
        )?;
        let arrived = row.is_some_and(|r| r.opt_text(0).is_some());
        if !arrived {
            let offset = blobs.offset(&sha["sha256:".len()..], size);
            missing.push(MissingBlob {
                sha256: sha,
                size,
                offset,
            });
        }
    }
    Ok(missing)
}
