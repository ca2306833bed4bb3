//! Users, devices and sign-in. Passwords are kept as Argon2id hashes; device tokens, dashboard
//! sessions and one-time enrolment codes as SHA-256 hashes of random secrets (a leaked
//! database gives no usable token). Failed sign-ins are limited per user name and per address.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use base64::Engine;
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::{Row, Tx, Val};
use crate::error::{ApiError, ApiResult};
use crate::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Officer,
    Supervisor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(text: &str) -> ApiResult<Role> {
        match text {
            "officer" => Ok(Role::Officer),
            "supervisor" => Ok(Role::Supervisor),
            "admin" => Ok(Role::Admin),
            _ => Err(ApiError::bad(
                "user.bad_role",
                Some("role"),
                "the role is officer, supervisor or admin",
            )),
        }
    }
}

/// A user as the server knows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub regions: Vec<String>,
    pub disabled: bool,
}

impl User {
    /// The user as the protocol describes them to a laptop.
    pub fn officer(&self) -> ovop_protocol::Officer {
        ovop_protocol::Officer {
            id: self.id,
            name: self.name.clone(),
            display_name: self.display_name.clone(),
            role: self.role.as_str().to_string(),
            regions: self.regions.clone(),
            disabled: self.disabled,
        }
    }
}

/// Who is asking: a user, through a device or a dashboard session.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub device_id: i64,
    pub web: bool,
}

impl Actor {
    pub fn require(&self, role: Role) -> ApiResult<()> {
        let allowed = match role {
            Role::Officer => true,
            Role::Supervisor => matches!(self.user.role, Role::Supervisor | Role::Admin),
            Role::Admin => self.user.role == Role::Admin,
        };
        if allowed {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                "auth.role",
                None,
                format!(
                    "this needs the {} role; {} is {}",
                    role.as_str(),
                    self.user.name,
                    self.user.role.as_str()
                ),
            ))
        }
    }
}

pub fn hash_password(password: &str) -> ApiResult<String> {
    let salt = SaltString::encode_b64(&rand::rng().random::<[u8; 16]>())
        .map_err(|e| ApiError::internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(format!("argon2: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A new secret token: 32 random bytes, base64url.
pub fn new_token() -> String {
    format!(
        "ovt_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>())
    )
}

/// A one-time enrolment code a person can type: 12 characters from an alphabet without look-alikes.
pub fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let raw: String = (0..12)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
}

/// What is stored of a token or code.
pub fn secret_hash(secret: &str) -> String {
    let normalised = secret.trim().to_ascii_uppercase();
    let secret = if secret.starts_with("ovt_") {
        secret.trim()
    } else {
        normalised.as_str()
    };
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub const USER_COLUMNS: &str = "id, name, display_name, role, disabled";

pub fn user_from_row(tx: &mut dyn Tx, row: &Row) -> ApiResult<User> {
    let id = row.int(0);
    let regions = tx
        .query(
            "SELECT region_code FROM user_region WHERE user_id = $1 ORDER BY region_code",
            &[Val::Int(id)],
        )?
        .iter()
        .map(|r| r.text(0))
        .collect();
    Ok(User {
        id,
        name: row.text(1),
        display_name: row.text(2),
        role: Role::parse(&row.text(3))?,
        disabled: row.int(4) != 0,
        regions,
    })
}

/// The user and device behind a token, unless revoked, expired or disabled.
pub fn actor_for_token(tx: &mut dyn Tx, token: &str, now: &str) -> ApiResult<Option<Actor>> {
    let Some(row) = tx.query_opt(
        "SELECT u.id, u.name, u.display_name, u.role, u.disabled, d.id, d.kind
         FROM device d JOIN app_user u ON u.id = d.user_id
         WHERE d.token_hash = $1 AND d.revoked_at IS NULL AND (d.expires_at IS NULL OR d.expires_at > $2)",
        &[Val::Text(secret_hash(token)), Val::from(now)],
    )?
    else {
        return Ok(None);
    };
    let user = user_from_row(tx, &row)?;
    if user.disabled {
        return Ok(None);
    }
    Ok(Some(Actor {
        user,
        device_id: row.int(5),
        web: row.text(6) == "web",
    }))
}

/// The name of the dashboard's session cookie.
pub const SESSION_COOKIE: &str = "ovop_session";

pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Actor, ApiError> {
        authenticate(state, &parts.headers).await
    }
}

/// The actor behind a request's bearer token or dashboard session.
pub async fn authenticate(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Actor, ApiError> {
    {
        let bearer = headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::to_string);
        let token = bearer
            .or_else(|| cookie(headers, SESSION_COOKIE))
            .ok_or_else(|| {
                ApiError::unauthorized("auth.missing", "sign in or enrol this device first")
            })?;
        let now = crate::now();
        state
            .db
            .run(move |tx| actor_for_token(tx, &token, &now))
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized(
                    "auth.invalid_token",
                    "the token is unknown, revoked or expired: enrol again",
                )
            })
    }
}

/// Failed sign-ins per key (a user name, an address): after `max` failures within `window`,
/// the key waits until the oldest failure leaves the window. An address (`ip:` keys) gets six
/// times as many: a district office's officers often share one.
pub struct RateLimiter {
    max: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl RateLimiter {
    pub fn new(max: usize, window: Duration) -> RateLimiter {
        RateLimiter {
            max,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Refuses with `auth.too_many_attempts` while any key is over the limit.
    pub fn check(&self, keys: &[&str]) -> ApiResult<()> {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            if let Some(times) = failures.get_mut(*key) {
                times.retain(|t| now.duration_since(*t) < self.window);
                let max = if key.starts_with("ip:") {
                    self.max * 6
                } else {
                    self.max
                };
                if times.len() >= max {
                    let wait = self.window.saturating_sub(now.duration_since(times[0]));
                    return Err(ApiError::new(
                        StatusCode::TOO_MANY_REQUESTS,
                        "auth.too_many_attempts",
                        None,
                        format!(
                            "too many failed attempts; try again in {} seconds",
                            wait.as_secs().max(1)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn failed(&self, keys: &[&str]) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() > 100_000 {
            // Bounded memory under a flood of names: old entries go first.
            let now = Instant::now();
            failures.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        for key in keys {
            failures
                .entry(key.to_string())
                .or_default()
                .push(Instant::now());
        }
    }

    pub fn succeeded(&self, keys: &[&str]) {
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for key in keys {
            failures.remove(*key);
        }
    }
}

/// Checks a user name and password (or fails in the same time when the user is unknown).
pub fn check_password(tx: &mut dyn Tx, name: &str, password: &str) -> ApiResult<Option<User>> {
    let row = tx.query_opt(
        &format!("SELECT {USER_COLUMNS}, password_hash FROM app_user WHERE name = $1"),
        &[Val::from(name)],
    )?;
    let hash = row.as_ref().and_then(|r| r.opt_text(5));
    // An unknown name costs as much as a wrong password: no telling which names exist.
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default());
    let ok = verify_password(password, hash.as_deref().unwrap_or(dummy)) && hash.is_some();
    match row {
        Some(row) if ok => {
            let user = user_from_row(tx, &row)?;
            Ok((!user.disabled).then_some(user))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_argon2id_and_check_only_themselves() {
        let hash = hash_password("rahasia-tapin").expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("rahasia-tapin", &hash));
        assert!(!verify_password("rahasia-tapiN", &hash));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn codes_are_typed_loosely_and_tokens_are_secret() {
        let code = new_code();
        assert_eq!(code.len(), 14);
        assert_eq!(
            secret_hash(&code),
            secret_hash(&format!(" {} ", code.to_lowercase()))
        );
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_ne!(secret_hash(&a), secret_hash(&a.to_uppercase()));
    }

    #[test]
    fn a_key_is_limited_after_five_failures_until_a_success() {
        let limiter = RateLimiter::new(5, Duration::from_secs(600));
        for _ in 0..5 {
            assert!(limiter.check(&["budi"]).is_ok());
            limiter.failed(&["budi"]);
        }
        assert_eq!(
            limiter.check(&["budi"]).unwrap_err().problem.code,
            "auth.too_many_attempts"
        );
        assert!(limiter.check(&["sari"]).is_ok());
        limiter.succeeded(&["budi"]);
        assert!(limiter.check(&["budi"]).is_ok());
    }
}
