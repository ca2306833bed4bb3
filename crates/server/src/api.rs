//! The sync API (protocol v1): health, enrolment, push, blobs, changes.

use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{ConnectInfo, Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use ovop_protocol::{
    BlobChunk, BlobStatus, Change, ChangesPage, EnrolRequest, Enrolled, Health, PushRequest,
    PROTOCOL_VERSION, SERVICE,
};
use serde::Deserialize;

use crate::auth::{self, Actor, User};
use crate::blobs::Stored;
use crate::db::Val;
use crate::error::{ApiError, ApiResult};
use crate::{ingest, AppState};

pub async fn health(State(state): State<AppState>) -> Json<Health> {
    // The office's rounds; a database that cannot answer leaves them out, not the health.
    let rounds = state
        .db
        .run(|tx| Ok(crate::office::current_in(tx)?))
        .await
        .unwrap_or_default();
    Json(Health {
        rounds,
        service: SERVICE.into(),
        protocol: PROTOCOL_VERSION,
        server_id: state.server_id.clone(),
        name: state.name.clone(),
        time: crate::now(),
        limits: state.limits,
        certificate_keys: vec![state.certificates.public().text()],
    })
}

pub async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
        .into_response()
}

/// Reads a JSON body with stable codes: `<prefix>.malformed`, `<prefix>.invalid`, `<prefix>.too_large`.
pub fn read_json<T: serde::de::DeserializeOwned>(
    body: Result<Bytes, BytesRejection>,
    prefix: &str,
) -> ApiResult<T> {
    let body = body.map_err(|e| too_large_or_bad(e, prefix))?;
    serde_json::from_slice(&body).map_err(|e| {
        let code = if e.is_syntax() || e.is_eof() {
            "malformed"
        } else {
            "invalid"
        };
        ApiError::bad(
            &format!("{prefix}.{code}"),
            None,
            format!("the request cannot be read: {e}"),
        )
    })
}

fn too_large_or_bad(e: BytesRejection, prefix: &str) -> ApiError {
    if crate::guard::is_too_slow(&e) {
        return crate::guard::too_slow();
    }
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("{prefix}.too_large"),
            None,
            "the request is larger than the server accepts",
        )
    } else {
        ApiError::bad(
            &format!("{prefix}.malformed"),
            None,
            format!("the request's body cannot be read: {e}"),
        )
    }
}

pub async fn enrol(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<Enrolled>)> {
    let request: EnrolRequest = read_json(body, "enrol")?;
    let device_name = request.device_name.trim().to_string();
    if device_name.is_empty() || device_name.chars().count() > 120 {
        return Err(ApiError::bad(
            "enrol.device_name",
            Some("device_name"),
            "name the laptop (1 to 120 characters)",
        ));
    }
    let ip = auth::client_ip(&state.trusted_proxies, peer.ip(), &headers);
    let ip_key = format!("ip:{ip}");
    // A code is guessed by address only: one key for every code would let anyone lock all
    // code enrolments out (and 32^12 codes are not guessed in 30 tries).
    let who_key = match (&request.user, &request.password, &request.code) {
        (Some(user), Some(_), None) => format!("user:{}", user.trim().to_lowercase()),
        (None, None, Some(_)) => ip_key.clone(),
        (None, None, None) => {
            return Err(ApiError::bad(
                "enrol.invalid",
                None,
                "give a user and password, or a one-time code",
            ))
        }
        _ => {
            return Err(ApiError::bad(
                "enrol.invalid",
                None,
                "give a user and password, or a one-time code, not both",
            ))
        }
    };
    let keys: Vec<&str> = if who_key == ip_key {
        vec![&ip_key]
    } else {
        vec![&ip_key, &who_key]
    };
    let attempt = state.sign_in.admit(&keys).await?;
    let now = crate::now();
    let token = auth::new_token();
    let token_hash = auth::secret_hash(&token);
    // A password is checked outside any transaction; a code is spent inside the one that
    // enrols the device.
    let by_password = match (&request.user, &request.password) {
        (Some(name), Some(password)) => match auth::sign_in(&state, name, password).await? {
            Some(user) if user.must_change_password => {
                // The password was right: it does not count as a guess.
                attempt.succeeded();
                return Err(ApiError::forbidden(
                    "enrol.password_change",
                    Some("password"),
                    "an admin reset this password: choose a new one on the dashboard's sign-in page first, or enrol with a one-time code",
                ));
            }
            Some(user) => Some(user),
            None => return Err(refused()),
        },
        _ => None,
    };
    let code = request.code.clone();
    let outcome = state
        .db
        .run(move |tx| {
            let user = match (by_password, &code) {
                (Some(user), _) => user,
                (None, Some(code)) => {
                    let Some(row) = tx.query_opt(
                        "UPDATE enrol_code SET used_at = $2 WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id",
                        &[Val::Text(auth::secret_hash(code)), Val::from(&now)],
                    )?
                    else {
                        return Ok(None);
                    };
                    let Some(user) = tx.query_opt(
                        &format!("SELECT {} FROM app_user WHERE id = $1", auth::USER_COLUMNS),
                        &[Val::Int(row.int(0))],
                    )?
                    else {
                        return Ok(None);
                    };
                    match auth::user_from_row(tx, &user)? {
                        // A disabled user's code stays unused: the refusal rolls back.
                        user if user.disabled => return Err(refused()),
                        user => user,
                    }
                }
                (None, None) => return Ok(None),
            };
            let device = tx
                .query_opt(
                    "INSERT INTO device (user_id, kind, name, token_hash, created_at) VALUES ($1, 'device', $2, $3, $4) RETURNING id",
                    &[Val::Int(user.id), Val::from(&device_name), Val::from(&token_hash), Val::from(&now)],
                )?
                .map(|r| r.int(0))
                .unwrap_or_default();
            Ok(Some((user, device)))
        })
        .await?;
    let Some((user, device_id)) = outcome else {
        return Err(refused());
    };
    attempt.succeeded();
    tracing::info!(user = %user.name, device_id, "device enrolled");
    Ok((
        StatusCode::CREATED,
        Json(Enrolled {
            token,
            device_id,
            user: user.officer(),
            server_id: state.server_id.clone(),
        }),
    ))
}

fn refused() -> ApiError {
    ApiError::unauthorized(
        "enrol.refused",
        "the user name and password, or the code, are not right (or the code was used or expired)",
    )
}

pub async fn me(actor: Actor) -> Json<User> {
    Json(actor.user)
}

pub async fn push(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let actor = match auth::authenticate(&state, &headers).await {
        Ok(actor) => actor,
        Err(refused) => {
            crate::blobs::drain(body, state.limits.max_request_bytes).await;
            return Err(refused);
        }
    };
    let limits = state.limits;
    // The body arrives first (under the slow-client watch), then a slot is taken: a laptop
    // that trickles its pushes holds no slot while it does.
    let body = axum::body::to_bytes(body, limits.max_request_bytes as usize)
        .await
        .map_err(|e| {
            if crate::guard::is_too_slow(&e) {
                return crate::guard::too_slow();
            }
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "push.too_large",
                None,
                "the request is larger than the server accepts",
            )
        })?;
    // A few pushes are parsed and checked at a time: writes go one at a time anyway.
    let _permit = state
        .pushes
        .acquire()
        .await
        .map_err(|_| ApiError::internal("the server is stopping"))?;
    let request = PushRequest::parse(&body, &limits).map_err(|problem| {
        let status = match problem.code.as_str() {
            "push.too_large" | "push.too_many" => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::BAD_REQUEST,
        };
        ApiError::from_problem(status, problem)
    })?;
    let count = request.records.len();
    let blobs = state.blobs.clone();
    let uploads = state.uploads;
    let now = crate::now();
    let user = actor.user.name.clone();
    let (request, checked) = tokio::task::spawn_blocking(move || {
        let checked = ingest::check_records(&request.records, &limits);
        (request, checked)
    })
    .await
    .map_err(|e| ApiError::internal(e.to_string()))?;
    let response = state
        .db
        .run(move |tx| ingest::push(tx, &actor, &request, checked, &blobs, &uploads, &now))
        .await?;
    tracing::info!(%user, records = count, missing_blobs = response.missing_blobs.len(), "push");
    Ok(Json(response).into_response())
}

fn chunk(name: &str, query: Option<&str>) -> ApiResult<BlobChunk> {
    BlobChunk::parse(name, query).map_err(|p| ApiError::from_problem(StatusCode::BAD_REQUEST, p))
}

async fn blob_row(state: &AppState, sha: &str) -> ApiResult<(u64, bool)> {
    let sha = sha.to_string();
    state
        .db
        .read(move |tx| {
            Ok(tx.query_opt(
                "SELECT size, complete_at FROM blob WHERE sha256 = $1",
                &[Val::from(&sha)],
            )?)
        })
        .await?
        .map(|r| (r.int(0) as u64, r.opt_text(1).is_some()))
        .ok_or_else(|| {
            ApiError::not_found(
                "blob.unknown",
                "no pushed record names this blob: push the record first",
            )
        })
}

pub async fn blob_status(
    State(state): State<AppState>,
    _actor: Actor,
    Path(name): Path<String>,
) -> ApiResult<Json<BlobStatus>> {
    let chunk = chunk(&name, None)?;
    let (size, complete) = blob_row(&state, &chunk.sha256).await?;
    let offset = if complete {
        size
    } else {
        state.blobs.offset(chunk.hex(), size)
    };
    Ok(Json(BlobStatus {
        sha256: chunk.sha256,
        size,
        offset,
        complete,
    }))
}

pub async fn blob_put(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(query): RawQuery,
    headers: axum::http::HeaderMap,
    body: Body,
) -> ApiResult<Json<BlobStatus>> {
    let length = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let target = async {
        let actor = auth::authenticate(&state, &headers).await?;
        let chunk = chunk(&name, query.as_deref())?;
        let (size, complete) = blob_row(&state, &chunk.sha256).await?;
        // Only the officer whose records name the photo uploads it: nobody else can write into
        // (and spoil) an upload another laptop is resuming.
        let sha = chunk.sha256.clone();
        let user = actor.user.id;
        let declared = state
            .db
            .read(move |tx| {
                Ok(tx
                    .query_opt(
                        "SELECT 1 FROM record_blob rb
                         JOIN record r ON r.kind = rb.kind AND r.id = rb.id AND r.revision = rb.revision
                         WHERE rb.sha256 = $1 AND r.user_id = $2 LIMIT 1",
                        &[Val::from(&sha), Val::Int(user)],
                    )?
                    .is_some())
            })
            .await?;
        if !declared && !complete {
            return Err(ApiError::forbidden(
                "blob.not_yours",
                None,
                "no record of yours names this photo: the officer who declared it uploads it",
            ));
        }
        Ok::<_, ApiError>((chunk, size, complete))
    };
    let (chunk, size, complete) = match target.await {
        Ok(target) => target,
        Err(refused) => {
            crate::blobs::drain(body, state.limits.max_blob_bytes).await;
            return Err(refused);
        }
    };
    if complete {
        crate::blobs::drain(body, size).await;
        return Ok(Json(BlobStatus {
            sha256: chunk.sha256,
            size,
            offset: size,
            complete: true,
        }));
    }
    match state
        .blobs
        .write(chunk.hex(), size, chunk.offset, length, body)
        .await?
    {
        Stored::Partial(offset) => Ok(Json(BlobStatus {
            sha256: chunk.sha256,
            size,
            offset,
            complete: false,
        })),
        Stored::Complete => {
            let sha = chunk.sha256.clone();
            let now = crate::now();
            state
                .db
                .run(move |tx| Ok(tx.exec("UPDATE blob SET complete_at = $2 WHERE sha256 = $1 AND complete_at IS NULL", &[Val::from(&sha), Val::from(&now)])?))
                .await?;
            Ok(Json(BlobStatus {
                sha256: chunk.sha256,
                size,
                offset: size,
                complete: true,
            }))
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangesQuery {
    #[serde(default)]
    pub since: i64,
    #[serde(default)]
    pub limit: Option<u32>,
}

pub async fn changes(
    State(state): State<AppState>,
    actor: Actor,
    query: Result<Query<ChangesQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Json<ChangesPage>> {
    let Query(query) = query
        .map_err(|e| ApiError::bad("changes.bad_query", None, format!("since=N&limit=M: {e}")))?;
    let limit = query.limit.unwrap_or(500).clamp(1, 1000) as i64;
    let since = query.since.max(0);
    let device = actor.device_id;
    let page = state
        .db
        .read(move |tx| {
            let user = &actor.user;
            let mut params = vec![
                Val::Int(since),
                Val::Int(user.id),
                Val::Int(limit + 1),
                Val::Int(device),
            ];
            let regional = if user.role == auth::Role::Admin {
                "region_path IS NOT NULL".to_string()
            } else {
                crate::regions::sql_within(&user.regions, "region_path", &mut params)
            };
            let rows = tx.query(
                &format!(
                    "SELECT cursor, kind, ref_id, body FROM change
                     WHERE cursor > $1 AND (kind = 'criteria_set' OR for_user = $2
                       OR (for_user IS NULL AND {regional} AND (from_user IS NULL
                         OR (from_device IS NULL AND from_user <> $2)
                         OR (from_device IS NOT NULL AND from_device <> $4))))
                     ORDER BY cursor LIMIT $3"
                ),
                &params,
            )?;
            let more = rows.len() as i64 > limit;
            let changes: Vec<Change> = rows
                .iter()
                .take(limit as usize)
                .map(|r| Change {
                    cursor: r.int(0),
                    kind: r.text(1),
                    id: r.text(2),
                    body: serde_json::from_str(&r.text(3)).unwrap_or_default(),
                })
                .collect();
            let mut changes = changes;
            crate::history::fill_changes(tx, &mut changes)?;
            let next = changes.last().map_or(since, |c| c.cursor);
            Ok(ChangesPage {
                changes,
                next,
                more,
            })
        })
        .await?;
    if !page.more {
        // A pull ends here: the laptop was last seen now. Written beside the answer, so a
        // pull never waits for the writer (a long push) to say so.
        let now = crate::now();
        let db = state.db.clone();
        tokio::spawn(async move {
            let seen = db.run(move |tx| Ok(auth::seen(tx, device, &now)?)).await;
            if let Err(e) = seen {
                tracing::warn!(device, error = %e, "the laptop's last pull was not recorded");
            }
        });
    }
    Ok(Json(page))
}
