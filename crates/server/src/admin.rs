//! Users, their regions, enrolment codes, devices and criteria sets: what an admin manages.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use ovop_core::{parse_set, Catalog, Rubric};
use serde::{Deserialize, Serialize};

use crate::api::read_json;
use crate::auth::{self, Actor, Role, User};
use crate::db::{Db, Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::regions::Regions;
use crate::AppState;

/// This server's identity, made once and kept in the database.
pub async fn server_id(db: &Db) -> ApiResult<String> {
    db.run(|tx| {
        if let Some(row) = tx.query_opt(
            "SELECT value FROM server_setting WHERE key = 'server_id'",
            &[],
        )? {
            return Ok(row.text(0));
        }
        let id = format!("srv-{}", &auth::secret_hash(&auth::new_token())[..16]);
        tx.exec(
            "INSERT INTO server_setting (key, value) VALUES ('server_id', $1)",
            &[Val::from(&id)],
        )?;
        Ok(id)
    })
    .await
}

/// Stores a criteria set and announces it on the change feed; the same set again is a no-op,
/// another set under the same id and version is `criteria.version_exists`.
fn store_set(tx: &mut dyn Tx, rubric: &Rubric, now: &str) -> ApiResult<bool> {
    let set = rubric.set();
    let body = serde_json::to_value(set).map_err(|e| ApiError::internal(e.to_string()))?;
    let existing = tx.query_opt(
        "SELECT hash FROM criteria_set WHERE id = $1 AND version = $2",
        &[Val::from(&set.id), Val::from(&set.version)],
    )?;
    match existing {
        Some(row) if row.text(0) == rubric.hash() => Ok(false),
        Some(_) => Err(ApiError::conflict(
            "criteria.version_exists",
            Some("version"),
            format!(
                "{} {} is already published with other content: give the new content a new version",
                set.id, set.version
            ),
        )),
        None => {
            tx.lock_changes()?;
            tx.exec(
                "INSERT INTO criteria_set (id, version, hash, body, published_at) VALUES ($1, $2, $3, $4, $5)",
                &[Val::from(&set.id), Val::from(&set.version), Val::from(rubric.hash()), Val::from(body.to_string()), Val::from(now)],
            )?;
            tx.exec(
                "INSERT INTO change (kind, ref_id, region_path, for_user, from_user, body, created_at) VALUES ('criteria_set', $1, NULL, NULL, NULL, $2, $3)",
                &[Val::from(format!("{}@{}", set.id, set.version)), Val::from(body.to_string()), Val::from(now)],
            )?;
            Ok(true)
        }
    }
}

/// The sets shipped with the app, published at start when they are new to this database.
pub async fn publish_shipped(db: &Db) -> ApiResult<()> {
    db.run(|tx| {
        let now = crate::now();
        for entry in Catalog::shipped().entries() {
            store_set(tx, &entry.rubric, &now)?;
        }
        Ok(())
    })
    .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub role: String,
    #[serde(default)]
    pub password: Option<String>,
    #[serde(default)]
    pub regions: Vec<String>,
}

fn check_regions(regions: &[String]) -> ApiResult<()> {
    for (i, code) in regions.iter().enumerate() {
        if !Regions::get().contains(code) {
            return Err(ApiError::bad(
                "user.unknown_region",
                Some(&format!("regions[{i}]")),
                format!(
                    "{:?} is not a known region code",
                    code.chars().take(40).collect::<String>()
                ),
            ));
        }
    }
    Ok(())
}

fn check_password_strength(password: &str) -> ApiResult<()> {
    if password.chars().count() < 8 || password.len() > 1024 {
        return Err(ApiError::bad(
            "user.weak_password",
            Some("password"),
            "a password has at least 8 characters",
        ));
    }
    Ok(())
}

/// A user name as stored: trimmed, lower case, 1 to 64 letters, digits, dots, dashes or
/// underscores, beginning with a letter or digit (so never `.` or `..`).
pub fn normalise_name(text: &str) -> ApiResult<String> {
    let name = text.trim().to_lowercase();
    let first_ok = name
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric());
    if !first_ok
        || name.len() > 64
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    {
        return Err(ApiError::bad(
            "user.bad_name",
            Some("name"),
            "a user name is 1 to 64 letters, digits, dots, dashes or underscores, beginning with a letter or digit",
        ));
    }
    Ok(name)
}

/// A password's Argon2id hash, computed on one of the server's few hashing threads.
pub async fn hash_outside(state: &AppState, password: String) -> ApiResult<String> {
    check_password_strength(&password)?;
    state
        .hashing
        .run(move || auth::hash_password(&password))
        .await?
}

/// Creates a user (the admin API, the dashboard and `ovop-server add-user` all come here): the
/// request is checked, the password hashed outside the transaction, then the user written.
pub async fn add_user(state: &AppState, new: NewUser) -> ApiResult<User> {
    let name = normalise_name(&new.name)?;
    let role = Role::parse(&new.role)?;
    check_regions(&new.regions)?;
    let hash = match new.password.clone() {
        Some(password) => Some(hash_outside(state, password).await?),
        None => None,
    };
    let now = crate::now();
    state
        .db
        .run(move |tx| insert_user(tx, &name, role, &new, hash, &now))
        .await
}

fn insert_user(
    tx: &mut dyn Tx,
    name: &str,
    role: Role,
    new: &NewUser,
    hash: Option<String>,
    now: &str,
) -> ApiResult<User> {
    let display = new
        .display_name
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| name.to_string());
    let id = match tx.query_opt(
        "INSERT INTO app_user (name, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO NOTHING RETURNING id",
        &[Val::from(name), Val::from(display.trim()), Val::from(role.as_str()), Val::from(hash), Val::from(now)],
    )? {
        Some(row) => row.int(0),
        None => return Err(ApiError::conflict("user.exists", Some("name"), format!("a user {name} exists already"))),
    };
    for code in &new.regions {
        tx.exec(
            "INSERT INTO user_region (user_id, region_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[Val::Int(id), Val::from(code)],
        )?;
    }
    user_by_name(tx, name)
}

pub fn user_by_name(tx: &mut dyn Tx, name: &str) -> ApiResult<User> {
    let row = tx
        .query_opt(
            &format!(
                "SELECT {} FROM app_user WHERE name = $1",
                auth::USER_COLUMNS
            ),
            &[Val::from(name.trim().to_lowercase())],
        )?
        .ok_or_else(|| ApiError::not_found("user.unknown", "no such user"))?;
    auth::user_from_row(tx, &row)
}

pub fn users_in(tx: &mut dyn Tx) -> ApiResult<Vec<User>> {
    let rows = tx.query(
        &format!("SELECT {} FROM app_user ORDER BY name", auth::USER_COLUMNS),
        &[],
    )?;
    rows.iter().map(|r| auth::user_from_row(tx, r)).collect()
}

pub async fn list_users(State(state): State<AppState>, actor: Actor) -> ApiResult<Json<Vec<User>>> {
    actor.require(Role::Admin)?;
    Ok(Json(state.db.read(users_in).await?))
}

pub async fn create_user(
    State(state): State<AppState>,
    actor: Actor,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<User>)> {
    actor.require(Role::Admin)?;
    let new: NewUser = read_json(body, "user")?;
    let user = add_user(&state, new).await?;
    tracing::info!(admin = %actor.user.name, user = %user.name, role = user.role.as_str(), "user created");
    Ok((StatusCode::CREATED, Json(user)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionsRequest {
    pub regions: Vec<String>,
}

pub fn set_regions_in(tx: &mut dyn Tx, name: &str, regions: &[String]) -> ApiResult<User> {
    check_regions(regions)?;
    let user = user_by_name(tx, name)?;
    tx.exec(
        "DELETE FROM user_region WHERE user_id = $1",
        &[Val::Int(user.id)],
    )?;
    for code in regions {
        tx.exec(
            "INSERT INTO user_region (user_id, region_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[Val::Int(user.id), Val::from(code)],
        )?;
    }
    user_by_name(tx, name)
}

pub async fn set_regions(
    State(state): State<AppState>,
    actor: Actor,
    Path(name): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<User>> {
    actor.require(Role::Admin)?;
    let request: RegionsRequest = read_json(body, "user")?;
    Ok(Json(
        state
            .db
            .run(move |tx| set_regions_in(tx, &name, &request.regions))
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    #[serde(default)]
    pub valid_hours: Option<u32>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct EnrolCode {
    /// Shown once; typed by the officer or read from the QR code.
    pub code: String,
    pub user: String,
    pub expires_at: String,
    /// What the QR code holds: `OVOP:E:<code>:<server address>`.
    pub qr_text: String,
    /// The QR code as an SVG image, to print or show.
    pub qr_svg: String,
}

/// The address officers reach this server at, as the request came in.
pub fn public_address(headers: &HeaderMap, secure: bool) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let host: String = host
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || ".:-[]".contains(*c))
        .take(255)
        .collect();
    format!("{}://{host}", if secure { "https" } else { "http" })
}

pub fn create_code_in(
    tx: &mut dyn Tx,
    name: &str,
    hours: u32,
    address: &str,
) -> ApiResult<EnrolCode> {
    if !(1..=720).contains(&hours) {
        return Err(ApiError::bad(
            "code.bad_validity",
            Some("valid_hours"),
            "a code is valid for 1 to 720 hours",
        ));
    }
    let user = user_by_name(tx, name)?;
    let code = auth::new_code();
    let now = time::OffsetDateTime::now_utc();
    let expires = crate::format_time(now + time::Duration::hours(hours.into()));
    tx.exec(
        "INSERT INTO enrol_code (code_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        &[Val::Text(auth::secret_hash(&code)), Val::Int(user.id), Val::Text(crate::format_time(now)), Val::from(&expires)],
    )?;
    let qr_text = format!("OVOP:E:{code}:{address}");
    let qr_svg = qrcode::QrCode::new(qr_text.as_bytes())
        .map(|qr| {
            qr.render::<qrcode::render::svg::Color>()
                .min_dimensions(200, 200)
                .build()
        })
        .map_err(|e| ApiError::internal(format!("QR code: {e}")))?;
    Ok(EnrolCode {
        code,
        user: user.name,
        expires_at: expires,
        qr_text,
        qr_svg,
    })
}

pub async fn create_code(
    State(state): State<AppState>,
    actor: Actor,
    headers: HeaderMap,
    Path(name): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<EnrolCode>)> {
    actor.require(Role::Admin)?;
    let request: CodeRequest = match body {
        Ok(bytes) if bytes.is_empty() => CodeRequest::default(),
        other => read_json(other, "code")?,
    };
    let address = public_address(&headers, state.secure_cookies);
    let code = state
        .db
        .run(move |tx| create_code_in(tx, &name, request.valid_hours.unwrap_or(72), &address))
        .await?;
    Ok((StatusCode::CREATED, Json(code)))
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Device {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

pub fn devices_in(tx: &mut dyn Tx, name: &str) -> ApiResult<Vec<Device>> {
    let user = user_by_name(tx, name)?;
    Ok(tx
        .query("SELECT id, kind, name, created_at, revoked_at FROM device WHERE user_id = $1 AND kind = 'device' ORDER BY id", &[Val::Int(user.id)])?
        .iter()
        .map(|r| Device { id: r.int(0), kind: r.text(1), name: r.text(2), created_at: r.text(3), revoked_at: r.opt_text(4) })
        .collect())
}

pub async fn devices(
    State(state): State<AppState>,
    actor: Actor,
    Path(name): Path<String>,
) -> ApiResult<Json<Vec<Device>>> {
    actor.require(Role::Admin)?;
    Ok(Json(state.db.read(move |tx| devices_in(tx, &name)).await?))
}

/// Disables or enables a user. Disabling also revokes every laptop and dashboard session of
/// theirs at once, so a leaked password or token opens nothing; enabling revokes nothing back
/// (the user enrols again). An admin cannot disable themselves.
pub fn set_disabled_in(
    tx: &mut dyn Tx,
    actor: &Actor,
    name: &str,
    disabled: bool,
    now: &str,
) -> ApiResult<User> {
    let user = user_by_name(tx, name)?;
    if disabled && user.id == actor.user.id {
        return Err(ApiError::conflict(
            "user.self",
            None,
            "an admin cannot disable themselves: ask another admin",
        ));
    }
    set_disabled_by_operator(tx, name, disabled, now)
}

/// [`set_disabled_in`] for the server's operator at its command line (no admin to protect).
pub fn set_disabled_by_operator(
    tx: &mut dyn Tx,
    name: &str,
    disabled: bool,
    now: &str,
) -> ApiResult<User> {
    let user = user_by_name(tx, name)?;
    tx.exec(
        "UPDATE app_user SET disabled = $2 WHERE id = $1",
        &[Val::Int(user.id), Val::Int(i64::from(disabled))],
    )?;
    if disabled {
        tx.exec(
            "UPDATE device SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            &[Val::Int(user.id), Val::from(now)],
        )?;
        tx.exec(
            "UPDATE enrol_code SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
            &[Val::Int(user.id), Val::from(now)],
        )?;
    }
    user_by_name(tx, name)
}

/// An admin's password reset: the new password, optionally to be changed at the next sign-in.
/// Every laptop and dashboard session of the user is revoked with it (a reset follows a leak).
pub async fn reset_password(
    state: &AppState,
    name: &str,
    password: String,
    must_change: bool,
) -> ApiResult<User> {
    let name = normalise_name(name)?;
    let hash = hash_outside(state, password).await?;
    let now = crate::now();
    state
        .db
        .run(move |tx| {
            let user = user_by_name(tx, &name)?;
            tx.exec(
                "UPDATE app_user SET password_hash = $2, must_change_password = $3 WHERE id = $1",
                &[
                    Val::Int(user.id),
                    Val::from(hash),
                    Val::Int(i64::from(must_change)),
                ],
            )?;
            tx.exec(
                "UPDATE device SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
                &[Val::Int(user.id), Val::from(&now)],
            )?;
            user_by_name(tx, &name)
        })
        .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    pub password: String,
    #[serde(default)]
    pub must_change: bool,
}

pub async fn disable_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(name): Path<String>,
) -> ApiResult<Json<User>> {
    set_disabled(state, actor, name, true).await
}

pub async fn enable_user(
    State(state): State<AppState>,
    actor: Actor,
    Path(name): Path<String>,
) -> ApiResult<Json<User>> {
    set_disabled(state, actor, name, false).await
}

async fn set_disabled(
    state: AppState,
    actor: Actor,
    name: String,
    disabled: bool,
) -> ApiResult<Json<User>> {
    actor.require(Role::Admin)?;
    let now = crate::now();
    let admin = actor.user.name.clone();
    let user = state
        .db
        .run(move |tx| set_disabled_in(tx, &actor, &name, disabled, &now))
        .await?;
    tracing::info!(%admin, user = %user.name, disabled, "user disabled or enabled");
    Ok(Json(user))
}

pub async fn put_password(
    State(state): State<AppState>,
    actor: Actor,
    Path(name): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<User>> {
    actor.require(Role::Admin)?;
    let request: PasswordReset = read_json(body, "user")?;
    let user = reset_password(&state, &name, request.password, request.must_change).await?;
    tracing::info!(admin = %actor.user.name, user = %user.name, must_change = request.must_change, "password reset");
    Ok(Json(user))
}

pub fn revoke_in(tx: &mut dyn Tx, id: i64, now: &str) -> ApiResult<()> {
    let changed = tx.exec(
        "UPDATE device SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
        &[Val::Int(id), Val::from(now)],
    )?;
    if changed == 0
        && tx
            .query_opt("SELECT id FROM device WHERE id = $1", &[Val::Int(id)])?
            .is_none()
    {
        return Err(ApiError::not_found("device.unknown", "no such device"));
    }
    Ok(())
}

pub async fn revoke_device(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    actor.require(Role::Admin)?;
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::bad("device.bad_id", Some("id"), "a device id is a number"))?;
    let now = crate::now();
    state.db.run(move |tx| revoke_in(tx, id, &now)).await?;
    tracing::info!(admin = %actor.user.name, device = id, "device revoked");
    Ok(StatusCode::NO_CONTENT)
}

pub async fn publish_set(
    State(state): State<AppState>,
    actor: Actor,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    actor.require(Role::Admin)?;
    let bytes = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "criteria.too_large",
                None,
                "the set is larger than the server accepts",
            )
        } else {
            ApiError::bad(
                "criteria.malformed",
                None,
                format!("the set cannot be read: {e}"),
            )
        }
    })?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::bad("criteria.malformed", None, "a criteria set is UTF-8 JSON"))?;
    let set =
        parse_set(text).map_err(|e| ApiError::bad("criteria.malformed", None, e.to_string()))?;
    let rubric = Rubric::new(set).map_err(|findings| {
        let first = findings.iter().find(|f| f.is_error());
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "criteria.invalid",
            None,
            first.map_or("the set has errors".into(), |f| {
                format!("{}: {}", f.code, f.message)
            }),
        )
    })?;
    let new = publish(&state, &actor, rubric).await?;
    Ok(if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}

/// Publishes a checked set: stored and announced on the change feed in one transaction, so the
/// laptops install it at their next pull. The same set again changes nothing (`false`); another
/// set under a published id and version is `criteria.version_exists`. The admin API and the
/// dashboard's Kriteria page both publish here.
pub async fn publish(state: &AppState, actor: &Actor, rubric: Rubric) -> ApiResult<bool> {
    let now = crate::now();
    let (id, version, hash) = (
        rubric.set().id.clone(),
        rubric.set().version.clone(),
        rubric.hash().to_string(),
    );
    let new = state.db.run(move |tx| store_set(tx, &rubric, &now)).await?;
    if new {
        tracing::info!(admin = %actor.user.name, %id, %version, %hash, "criteria set published");
    }
    Ok(new)
}
