//! Star decisions and certificates. A supervisor records a decision (its number, date and
//! issuing authority) and the star it awards each approved assessment, which may differ from the
//! star the assessment reached, with a reason. Each star the programme certifies (three and
//! more) gets a certificate: a number, the issue date, the last valid day (the programme's
//! months, as data) and a code signed with the server's key, which its QR carries. Awards
//! travel to the laptops of the product's region as changes of kind `award`.
//!
//! `POST /v1/decisions` records one; `GET /v1/certificates` lists certificates (by how soon they
//! lapse); `GET /v1/certificates/{number}` is one; `POST /v1/certificates/verify` checks a code.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use ovop_core::criteria::Programme;
use ovop_core::validity::{parse_day, Standing};
use ovop_protocol::certificate::{verify_code, CertificateCode, CodeError, SigningKey};
use ovop_protocol::{Award, CertificateRef, DecisionRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::read_json;
use crate::auth::{Actor, Role};
use crate::db::{Db, Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::regions::within;
use crate::AppState;

/// The most products one decision awards.
pub const MAX_AWARDS: usize = 500;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub number: String,
    /// `YYYY-MM-DD`, not after today.
    pub date: String,
    pub authority: String,
    pub awards: Vec<AwardRequest>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardRequest {
    pub assessment_id: String,
    pub star: u8,
    /// Required when the star is not the one the assessment reached.
    #[serde(default)]
    pub reason: String,
}

/// A decision as recorded, with the awards it made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recorded {
    pub decision: DecisionRef,
    pub awards: Vec<Award>,
}

/// A certificate listed, with where it stands today.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Listed {
    pub award: Award,
    pub region_path: String,
    /// `valid`, `lapsing`, `lapsed` (or `not_yet`), on the server's day.
    pub standing: Standing,
}

/// The server's signing key, made once and kept in the database (base64 PKCS#8), so every
/// server process over the same database signs with the same key.
pub async fn signing_key(db: &Db) -> ApiResult<SigningKey> {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let stored = db
        .run(|tx| {
            if let Some(row) = tx.query_opt(
                "SELECT value FROM server_setting WHERE key = 'certificate_key'",
                &[],
            )? {
                return Ok(row.text(0));
            }
            let made = SigningKey::generate().map_err(ApiError::internal)?;
            // Two servers starting at once: the first key written is everyone's.
            tx.exec(
                "INSERT INTO server_setting (key, value) VALUES ('certificate_key', $1) ON CONFLICT (key) DO NOTHING",
                &[Val::from(STANDARD.encode(made))],
            )?;
            let row = tx.query_opt(
                "SELECT value FROM server_setting WHERE key = 'certificate_key'",
                &[],
            )?;
            Ok(row.map(|r| r.text(0)).unwrap_or_default())
        })
        .await?;
    STANDARD
        .decode(stored.trim())
        .map_err(|e| e.to_string())
        .and_then(|bytes| SigningKey::from_pkcs8(&bytes))
        .map_err(|e| ApiError::startup(format!("the certificate signing key cannot be read: {e}")))
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::bad("award.invalid", Some(field), message)
}

/// A line of text a person typed: trimmed, 1 to `max` characters, no control characters.
fn line(value: &str, field: &str, max: usize) -> ApiResult<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(bad(field, "it is empty"));
    }
    if value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(bad(field, format!("at most {max} characters on one line")));
    }
    Ok(value.to_string())
}

/// Checks a request before anything is read: the fields, the date (a real day, not after
/// `today`), one to [`MAX_AWARDS`] products, each once, stars 1 to 5.
pub fn check(request: &DecisionRequest, today: &str) -> ApiResult<DecisionRef> {
    let number = line(&request.number, "number", 80)?;
    let authority = line(&request.authority, "authority", 200)?;
    let date = request.date.trim();
    if date.len() != 10 || parse_day(date).is_none() {
        return Err(bad("date", "a decision's date is written 2026-07-01"));
    }
    if date > today {
        return Err(bad("date", "a decision is not dated after today"));
    }
    if request.awards.is_empty() {
        return Err(bad("awards", "a decision awards at least one product"));
    }
    if request.awards.len() > MAX_AWARDS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "award.too_large",
            Some("awards"),
            format!("a decision awards at most {MAX_AWARDS} products"),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (i, award) in request.awards.iter().enumerate() {
        if !seen.insert(award.assessment_id.trim()) {
            return Err(bad(
                &format!("awards[{i}].assessment_id"),
                "an assessment is named twice",
            ));
        }
        if !(1..=5).contains(&award.star) {
            return Err(bad(&format!("awards[{i}].star"), "a star is 1 to 5"));
        }
        if award.reason.chars().count() > 1000 {
            return Err(bad(
                &format!("awards[{i}].reason"),
                "a reason has at most 1,000 characters",
            ));
        }
    }
    Ok(DecisionRef {
        number,
        date: date.to_string(),
        authority,
    })
}

/// The next certificate number of a programme in a year: `OCOP-2026-00001`.
fn next_number(tx: &mut dyn Tx, programme: Programme, year: &str) -> ApiResult<String> {
    let prefix = format!("{}-{year}-", programme.as_str().to_uppercase());
    let row = tx.query_opt(
        "SELECT certificate FROM star_award WHERE certificate LIKE $1 ORDER BY certificate DESC LIMIT 1",
        &[Val::from(format!("{prefix}%"))],
    )?;
    let last = row
        .and_then(|r| r.opt_text(0))
        .and_then(|n| n.rsplit('-').next().and_then(|s| s.parse::<u64>().ok()))
        .unwrap_or(0);
    Ok(format!("{prefix}{:05}", last + 1))
}

/// Records a decision and its awards in one transaction: the changes to the laptops, the
/// certificates and their numbers all land, or none does.
pub fn record_in(
    tx: &mut dyn Tx,
    actor: &Actor,
    request: &DecisionRequest,
    key: &SigningKey,
    now: &str,
) -> ApiResult<Recorded> {
    let decision = check(request, &now[..10.min(now.len())])?;
    tx.lock_changes()?;
    if tx
        .query_opt(
            "SELECT 1 FROM star_decision WHERE authority = $1 AND number = $2",
            &[Val::from(&decision.authority), Val::from(&decision.number)],
        )?
        .is_some()
    {
        return Err(ApiError::conflict(
            "award.exists",
            Some("number"),
            "this authority's decision with this number is recorded already",
        ));
    }
    struct Chosen {
        revision: i64,
        region_path: String,
        award: Award,
    }
    let mut chosen = Vec::new();
    let mut programme: Option<Programme> = None;
    for (i, asked) in request.awards.iter().enumerate() {
        let field = |f: &str| format!("awards[{i}].{f}");
        let id = asked.assessment_id.trim();
        let row = tx
            .query_opt(
                "SELECT revision, status, programme, product_id, product_name, producer_name, region_path, star, assessed_on
                 FROM assessment WHERE id = $1 ORDER BY revision DESC LIMIT 1",
                &[Val::from(id)],
            )?
            .ok_or_else(|| bad(&field("assessment_id"), "no such assessment on this server"))?;
        let region_path = row.text(6);
        if actor.user.role != Role::Admin && !within(&region_path, &actor.user.regions) {
            return Err(ApiError::forbidden(
                "review.region_not_assigned",
                Some(&field("assessment_id")),
                "this assessment is outside your regions",
            ));
        }
        if row.text(1) != "approved" {
            return Err(ApiError::conflict(
                "award.not_approved",
                Some(&field("assessment_id")),
                "only the latest revision of an approved assessment is awarded a star",
            ));
        }
        if tx
            .query_opt(
                "SELECT 1 FROM star_award WHERE assessment_id = $1",
                &[Val::from(id)],
            )?
            .is_some()
        {
            return Err(ApiError::conflict(
                "award.exists",
                Some(&field("assessment_id")),
                "this assessment has a star awarded already",
            ));
        }
        let this = Programme::parse(&row.text(2))
            .ok_or_else(|| ApiError::internal("an assessment of no programme"))?;
        if programme.is_some_and(|p| p != this) {
            return Err(bad(
                "awards",
                "one decision awards the products of one programme",
            ));
        }
        programme = Some(this);
        if decision.date.as_str() < &row.text(8)[..10.min(row.text(8).len())] {
            return Err(bad(
                "date",
                "a decision is not dated before the assessment it awards",
            ));
        }
        let proposed = row.opt_int(7).and_then(|s| u8::try_from(s).ok());
        let reason = asked.reason.trim().to_string();
        if proposed != Some(asked.star) && reason.is_empty() {
            return Err(bad(
                &field("reason"),
                "say why the star differs from the one the assessment reached",
            ));
        }
        let product_id = row.text(3);
        let producer_id = tx
            .query_opt(
                "SELECT body FROM record WHERE kind = 'product' AND id = $1 ORDER BY revision DESC LIMIT 1",
                &[Val::from(&product_id)],
            )?
            .and_then(|r| serde_json::from_str::<Value>(&r.text(0)).ok())
            .and_then(|b| b.get("producer_id").and_then(Value::as_str).map(str::to_string))
            .unwrap_or_default();
        chosen.push(Chosen {
            revision: row.int(0),
            region_path,
            award: Award {
                decision: decision.clone(),
                programme: this.as_str().to_string(),
                assessment_id: id.to_string(),
                product_id,
                product: row.text(4),
                producer_id,
                producer: row.text(5),
                star: asked.star,
                proposed_star: proposed.filter(|p| *p != asked.star),
                reason,
                certificate: None,
            },
        });
    }
    let programme =
        programme.ok_or_else(|| bad("awards", "a decision awards at least one product"))?;
    let rules = ovop_core::programme::rules_of(programme).and_then(|r| r.certification);
    let decision_id = tx
        .query_opt(
            "INSERT INTO star_decision (number, authority, decided_on, programme, recorded_by, recorded_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &[
                Val::from(&decision.number),
                Val::from(&decision.authority),
                Val::from(&decision.date),
                Val::from(programme.as_str()),
                Val::Int(actor.user.id),
                Val::from(now),
            ],
        )?
        .map(|r| r.int(0))
        .ok_or_else(|| ApiError::internal("a decision was not stored"))?;
    let mut awards = Vec::with_capacity(chosen.len());
    for mut c in chosen {
        if let Some(rules) = rules.filter(|r| r.certifies(c.award.star)) {
            let valid_until = rules
                .valid_until(&decision.date)
                .ok_or_else(|| bad("date", "a decision's date is written 2026-07-01"))?;
            let number = next_number(tx, programme, &decision.date[..4])?;
            let code = key
                .sign(&CertificateCode {
                    number: number.clone(),
                    product_id: c.award.product_id.clone(),
                    product: c.award.product.clone(),
                    star: c.award.star,
                    issued: decision.date.clone(),
                    valid_until: valid_until.clone(),
                    key_id: String::new(),
                })
                .map_err(|e| ApiError::internal(format!("a certificate cannot be signed: {e}")))?;
            c.award.certificate = Some(CertificateRef {
                number,
                issued: decision.date.clone(),
                valid_until,
                code,
            });
        }
        let body =
            serde_json::to_string(&c.award).map_err(|e| ApiError::internal(e.to_string()))?;
        let certificate = c.award.certificate.as_ref();
        tx.exec(
            "INSERT INTO star_award (decision_id, assessment_id, revision, product_id, region_path, star, proposed_star, reason, certificate, issued_on, valid_until, body)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            &[
                Val::Int(decision_id),
                Val::from(&c.award.assessment_id),
                Val::Int(c.revision),
                Val::from(&c.award.product_id),
                Val::from(&c.region_path),
                Val::Int(i64::from(c.award.star)),
                Val::from(c.award.proposed_star.map(i64::from)),
                Val::from(&c.award.reason),
                Val::from(certificate.map(|x| x.number.clone())),
                Val::from(certificate.map(|x| x.issued.clone())),
                Val::from(certificate.map(|x| x.valid_until.clone())),
                Val::from(&body),
            ],
        )?;
        tx.exec(
            "INSERT INTO change (kind, ref_id, region_path, for_user, from_user, body, created_at) VALUES ('award', $1, $2, NULL, $3, $4, $5)",
            &[Val::from(&c.award.assessment_id), Val::from(&c.region_path), Val::Int(actor.user.id), Val::from(&body), Val::from(now)],
        )?;
        awards.push(c.award);
    }
    Ok(Recorded { decision, awards })
}

pub async fn record_json(
    State(state): State<AppState>,
    actor: Actor,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<Recorded>)> {
    actor.require(Role::Supervisor)?;
    let request: DecisionRequest = read_json(body, "award")?;
    let now = crate::now();
    let key = state.certificates.clone();
    let who = actor.user.name.clone();
    let recorded = state
        .db
        .run(move |tx| record_in(tx, &actor, &request, &key, &now))
        .await?;
    tracing::info!(supervisor = %who, decision = %recorded.decision.number, awards = recorded.awards.len(), "star decision");
    Ok((StatusCode::CREATED, Json(recorded)))
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateFilter {
    /// Only certificates whose last day is within this many days, or passed (`0`: lapsed, or
    /// on their last day today).
    #[serde(default)]
    pub within: Option<u32>,
    /// A region code the product is in.
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub programme: Option<String>,
}

/// Certificates within the actor's regions, soonest to lapse first, with where each stands on
/// `today`.
pub fn certificates_in(
    tx: &mut dyn Tx,
    actor: &Actor,
    filter: &CertificateFilter,
    today: &str,
) -> ApiResult<Vec<Listed>> {
    let mut sql =
        String::from("SELECT body, region_path FROM star_award WHERE certificate IS NOT NULL");
    let mut params: Vec<Val> = Vec::new();
    if let Some(days) = filter.within {
        let until = parse_day(today)
            .and_then(|d| d.checked_add(time::Duration::days(i64::from(days.min(36_600)))))
            .map(ovop_core::validity::format_day)
            .unwrap_or_else(|| today.to_string());
        params.push(Val::from(until));
        sql.push_str(&format!(" AND valid_until <= ${}", params.len()));
    }
    if let Some(region) = filter
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        params.push(Val::Text(format!("%|{}|%", region.replace(['%', '_'], ""))));
        sql.push_str(&format!(" AND region_path LIKE ${}", params.len()));
    }
    sql.push_str(" ORDER BY valid_until, certificate");
    let programme = filter
        .programme
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_lowercase);
    let rows = tx.query(&sql, &params)?;
    Ok(rows
        .iter()
        .filter(|r| actor.user.role == Role::Admin || within(&r.text(1), &actor.user.regions))
        .filter_map(|r| {
            let award: Award = serde_json::from_str(&r.text(0)).ok()?;
            if programme.as_deref().is_some_and(|p| p != award.programme) {
                return None;
            }
            let standing = standing_of(&award, today)?;
            Some(Listed {
                award,
                region_path: r.text(1),
                standing,
            })
        })
        .collect())
}

/// Where an award's certificate stands on `today`, by its programme's rule.
pub fn standing_of(award: &Award, today: &str) -> Option<Standing> {
    let certificate = award.certificate.as_ref()?;
    let rules = Programme::parse(&award.programme)
        .and_then(ovop_core::programme::rules_of)
        .and_then(|r| r.certification)?;
    rules.standing(&certificate.issued, &certificate.valid_until, today)
}

pub async fn certificates_json(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<CertificateFilter>, QueryRejection>,
) -> ApiResult<Json<Vec<Listed>>> {
    actor.require(Role::Supervisor)?;
    let Query(filter) = query
        .map_err(|e| ApiError::bad("award.invalid", None, format!("within=N&region=CODE: {e}")))?;
    let today = crate::now()[..10].to_string();
    let listed = state
        .db
        .read(move |tx| certificates_in(tx, &actor, &filter, &today))
        .await?;
    Ok(Json(listed))
}

/// One certificate by its number, within the actor's regions.
pub fn certificate_in(
    tx: &mut dyn Tx,
    actor: &Actor,
    number: &str,
    today: &str,
) -> ApiResult<Listed> {
    let row = tx
        .query_opt(
            "SELECT body, region_path FROM star_award WHERE certificate = $1",
            &[Val::from(number.trim())],
        )?
        .ok_or_else(|| ApiError::not_found("award.unknown", "no certificate with this number"))?;
    if actor.user.role != Role::Admin && !within(&row.text(1), &actor.user.regions) {
        return Err(ApiError::forbidden(
            "review.region_not_assigned",
            None,
            "this certificate is outside your regions",
        ));
    }
    let award: Award = serde_json::from_str(&row.text(0))
        .map_err(|e| ApiError::internal(format!("a stored award does not read: {e}")))?;
    let standing = standing_of(&award, today)
        .ok_or_else(|| ApiError::internal("a stored certificate has no standing"))?;
    Ok(Listed {
        award,
        region_path: row.text(1),
        standing,
    })
}

pub async fn certificate_json(
    State(state): State<AppState>,
    actor: Actor,
    Path(number): Path<String>,
) -> ApiResult<Json<Listed>> {
    actor.require(Role::Supervisor)?;
    let today = crate::now()[..10].to_string();
    let listed = state
        .db
        .read(move |tx| certificate_in(tx, &actor, &number, &today))
        .await?;
    Ok(Json(listed))
}

/// What a certificate code says, checked against this server's key and its record.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Verified {
    /// The signature is this server's and the code is as it was signed.
    pub valid: bool,
    /// Why not, as a stable code (`certificate.bad_signature`...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<CertificateCode>,
    /// Where it stands today, when the server holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standing: Option<Standing>,
    /// The server holds a certificate with this number and this very code.
    pub on_record: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    pub code: String,
}

/// Checks a certificate code: its signature against this server's key, then whether the
/// server holds it and where it stands today.
pub fn verify_in(
    tx: &mut dyn Tx,
    key: &SigningKey,
    text: &str,
    today: &str,
) -> ApiResult<Verified> {
    let text = ovop_protocol::certificate::find_code(text).unwrap_or(text.trim());
    let code = match verify_code(text, &[key.public()]) {
        Ok(code) => code,
        Err(e) => {
            let certificate = match &e {
                CodeError::Malformed(_) => None,
                _ => ovop_protocol::certificate::read_code(text)
                    .ok()
                    .map(|(c, _)| c),
            };
            return Ok(Verified {
                valid: false,
                code: Some(e.code().as_str().to_string()),
                certificate,
                standing: None,
                on_record: false,
            });
        }
    };
    let held = tx
        .query_opt(
            "SELECT body FROM star_award WHERE certificate = $1",
            &[Val::from(&code.number)],
        )?
        .and_then(|r| serde_json::from_str::<Award>(&r.text(0)).ok())
        .filter(|a| a.certificate.as_ref().is_some_and(|c| c.code == text));
    Ok(Verified {
        valid: true,
        code: None,
        standing: held.as_ref().and_then(|a| standing_of(a, today)),
        on_record: held.is_some(),
        certificate: Some(code),
    })
}

pub async fn verify_json(
    State(state): State<AppState>,
    actor: Actor,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Verified>> {
    actor.require(Role::Supervisor)?;
    let request: VerifyRequest = read_json(body, "award")?;
    if request.code.len() > 4096 {
        return Err(bad("code", "a certificate code is at most 4,096 bytes"));
    }
    let today = crate::now()[..10].to_string();
    let key = state.certificates.clone();
    let verified = state
        .db
        .read(move |tx| verify_in(tx, &key, &request.code, &today))
        .await?;
    Ok(Json(verified))
}
