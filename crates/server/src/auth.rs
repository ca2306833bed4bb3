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
    /// An admin reset the password and asked for a new one: the dashboard shows only the page
    /// to change it, and a laptop cannot enrol with it.
    #[serde(default)]
    pub must_change_password: bool,
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

pub const USER_COLUMNS: &str = "id, name, display_name, role, disabled, must_change_password";

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
        must_change_password: row.int(5) != 0,
        regions,
    })
}

/// The user and device behind a token, unless revoked, expired or disabled.
pub fn actor_for_token(tx: &mut dyn Tx, token: &str, now: &str) -> ApiResult<Option<Actor>> {
    actor_where(tx, "d.token_hash = $1", Val::Text(secret_hash(token)), now)
}

/// The user behind a laptop (a device, not a dashboard session), unless revoked, expired or
/// disabled: who a bundle signed by that laptop's token acts as.
pub fn actor_for_device(tx: &mut dyn Tx, device: i64, now: &str) -> ApiResult<Option<Actor>> {
    actor_where(tx, "d.id = $1 AND d.kind = 'device'", Val::Int(device), now)
}

fn actor_where(tx: &mut dyn Tx, which: &str, key: Val, now: &str) -> ApiResult<Option<Actor>> {
    let Some(row) = tx.query_opt(
        &format!(
            "SELECT u.id, u.name, u.display_name, u.role, u.disabled, u.must_change_password, d.id, d.kind
             FROM device d JOIN app_user u ON u.id = d.user_id
             WHERE {which} AND d.revoked_at IS NULL AND (d.expires_at IS NULL OR d.expires_at > $2)"
        ),
        &[key, Val::from(now)],
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
        device_id: row.int(6),
        web: row.text(7) == "web",
    }))
}

/// The name of the dashboard's session cookie.
pub const SESSION_COOKIE: &str = "ovop_session";

/// A laptop pushed or pulled at `now`: when it was last seen (never moved back).
pub fn seen(tx: &mut dyn Tx, device: i64, now: &str) -> crate::db::DbResult<()> {
    tx.exec(
        "UPDATE device SET last_seen_at = $1 WHERE id = $2 AND (last_seen_at IS NULL OR last_seen_at < $1)",
        &[Val::from(now), Val::Int(device)],
    )?;
    Ok(())
}

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

/// The actor behind a request's bearer token. The API takes nothing else: the dashboard's
/// session cookie is the dashboard's own (a page of another site can make a browser send a
/// cookie, never an `Authorization` header).
pub async fn authenticate(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<Actor, ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            ApiError::unauthorized(
                "auth.missing",
                "send this device's token as Authorization: Bearer (enrol the device first)",
            )
        })?;
    let now = crate::now();
    state
        .db
        .read(move |tx| actor_for_token(tx, &token, &now))
        .await?
        .ok_or_else(|| {
            ApiError::unauthorized(
                "auth.invalid_token",
                "the token is unknown, revoked or expired: enrol again",
            )
        })
}

/// Sign-in attempts per key (a user name, an address): an attempt is counted before its
/// password is checked, so a burst of guesses sent at once gets no more checks than one sent
/// slowly; after `max` failures within `window` the key waits until the oldest leaves the
/// window. A success takes its own attempt back and clears the user's name. An address
/// (`ip:` keys) gets six times as many: a district office's officers often share one.
///
/// While a key is full only because attempts are still being checked, a further attempt waits
/// for them (at most [`RateLimiter::WAIT`]) instead of being refused: if one of them was the right
/// password the name starts afresh and the waiting one is checked, so a user who signs in from
/// several windows at once is not told to wait ten minutes; if they all failed, it is refused.
pub struct RateLimiter {
    max: usize,
    window: Duration,
    keys: Mutex<Keys>,
    settled: tokio::sync::Notify,
}

#[derive(Default)]
struct Keys {
    /// When each counted attempt was made, per key.
    failures: HashMap<String, Vec<Instant>>,
    /// How many of them are still being checked, per key.
    checking: HashMap<String, usize>,
}

/// One counted attempt: a failure unless [`Attempt::succeeded`] is called.
#[must_use]
pub struct Attempt<'a> {
    limiter: &'a RateLimiter,
    keys: Vec<String>,
    at: Instant,
}

impl Attempt<'_> {
    /// The attempt succeeded: it no longer counts, and the user-name keys start afresh.
    pub fn succeeded(self) {
        let mut keys = self.limiter.lock();
        for key in &self.keys {
            if key.starts_with("ip:") {
                if let Some(times) = keys.failures.get_mut(key) {
                    if let Some(i) = times.iter().rposition(|t| *t == self.at) {
                        times.remove(i);
                    }
                }
            } else {
                keys.failures.remove(key);
            }
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        {
            let mut keys = self.limiter.lock();
            for key in &self.keys {
                if let Some(n) = keys.checking.get_mut(key) {
                    *n = n.saturating_sub(1);
                    if *n == 0 {
                        keys.checking.remove(key);
                    }
                }
            }
        }
        self.limiter.settled.notify_waiters();
    }
}

/// Why an attempt was not counted.
enum Full {
    /// A key is at its limit with failures that are over.
    Refused(ApiError),
    /// A key is at its limit, some of it attempts still being checked.
    Checking,
}

impl RateLimiter {
    /// How long an attempt waits for others of its keys being checked.
    pub const WAIT: Duration = Duration::from_secs(10);

    /// `max` is at least 1 (the configuration refuses 0).
    pub fn new(max: usize, window: Duration) -> RateLimiter {
        RateLimiter {
            max: max.max(1),
            window,
            keys: Mutex::new(Keys::default()),
            settled: tokio::sync::Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Keys> {
        self.keys.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn limit_of(&self, key: &str) -> usize {
        if key.starts_with("ip:") {
            self.max.saturating_mul(6)
        } else {
            self.max
        }
    }

    fn too_many(wait: Duration) -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "auth.too_many_attempts",
            None,
            format!(
                "too many failed attempts; try again in {} seconds",
                wait.as_secs().max(1)
            ),
        )
    }

    fn try_reserve(&self, keys: &[&str]) -> Result<Attempt<'_>, Full> {
        let now = Instant::now();
        let mut state = self.lock();
        if state.failures.len() > 100_000 {
            // Bounded memory under a flood of names: entries out of the window go first.
            state.failures.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let Keys { failures, checking } = &mut *state;
        for key in keys {
            if let Some(times) = failures.get_mut(*key) {
                times.retain(|t| now.duration_since(*t) < self.window);
                if times.len() >= self.limit_of(key) {
                    if checking.get(*key).is_some_and(|n| *n > 0) {
                        return Err(Full::Checking);
                    }
                    let oldest = times.first().copied().unwrap_or(now);
                    return Err(Full::Refused(Self::too_many(
                        self.window.saturating_sub(now.duration_since(oldest)),
                    )));
                }
            }
        }
        for key in keys {
            failures.entry(key.to_string()).or_default().push(now);
            *checking.entry(key.to_string()).or_default() += 1;
        }
        Ok(Attempt {
            limiter: self,
            keys: keys.iter().map(|k| k.to_string()).collect(),
            at: now,
        })
    }

    /// Counts an attempt for every key at once, or refuses with `auth.too_many_attempts`
    /// (counting nothing) while any key is at its limit.
    pub fn reserve(&self, keys: &[&str]) -> ApiResult<Attempt<'_>> {
        self.try_reserve(keys).map_err(|full| match full {
            Full::Refused(e) => e,
            Full::Checking => Self::too_many(self.window),
        })
    }

    /// [`RateLimiter::reserve`], waiting first while a full key's attempts are being checked.
    pub async fn admit(&self, keys: &[&str]) -> ApiResult<Attempt<'_>> {
        let until = tokio::time::Instant::now() + Self::WAIT;
        loop {
            // Listen before looking, so a settlement between the two is not missed.
            let settled = self.settled.notified();
            tokio::pin!(settled);
            settled.as_mut().enable();
            match self.try_reserve(keys) {
                Ok(attempt) => return Ok(attempt),
                Err(Full::Refused(e)) => return Err(e),
                Err(Full::Checking) => {
                    if tokio::time::timeout_at(until, settled).await.is_err() {
                        return Err(Self::too_many(self.window));
                    }
                }
            }
        }
    }
}

/// The threads that compute password hashes: a few (half the cores), each reusing its own
/// memory. Argon2id takes 19 MB a hash; on tokio's many blocking threads every thread would
/// keep such a block in its own allocator arena, and a storm of sign-ins would cost gigabytes.
/// Work waits in a queue; the threads end with the server.
pub struct Hashers {
    jobs: std::sync::mpsc::Sender<Box<dyn FnOnce() + Send>>,
}

impl Hashers {
    pub fn new(threads: usize) -> Hashers {
        let (jobs, queue) = std::sync::mpsc::channel::<Box<dyn FnOnce() + Send>>();
        let queue = std::sync::Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = queue.clone();
            let _ = std::thread::Builder::new()
                .name(format!("ovop-hash-{n}"))
                .spawn(move || loop {
                    let job = queue.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => break,
                    }
                });
        }
        Hashers { jobs }
    }

    /// Runs `work` on a hashing thread and answers with its result.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move || {
                let _ = answer.send(work());
            }))
            .map_err(|_| ApiError::internal("the server is stopping"))?;
        answered
            .await
            .map_err(|_| ApiError::internal("a password check failed"))
    }
}

/// The dummy hash an unknown name is checked against: an unknown name costs as much as a wrong
/// password, so nobody learns which names exist.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

/// Checks a user name and password: the user's row is read from a snapshot, the hash is checked
/// outside any transaction on one of the few [`Hashers`], so a
/// storm of sign-ins never holds the database's write lock nor starves the pushes. A disabled
/// user's right password is refused like a wrong one.
pub async fn sign_in(state: &AppState, name: &str, password: &str) -> ApiResult<Option<User>> {
    let lookup = name.trim().to_lowercase();
    let found = state
        .db
        .read(move |tx| {
            let Some(row) = tx.query_opt(
                &format!("SELECT {USER_COLUMNS}, password_hash FROM app_user WHERE name = $1"),
                &[Val::from(&lookup)],
            )?
            else {
                return Ok(None);
            };
            let hash = row.opt_text(6);
            Ok(Some((user_from_row(tx, &row)?, hash)))
        })
        .await?;
    let password = password.to_string();
    let hash = found.as_ref().and_then(|(_, hash)| hash.clone());
    let ok = state
        .hashing
        .run(move || {
            let known = hash.is_some();
            verify_password(&password, hash.as_deref().unwrap_or_else(|| dummy_hash())) && known
        })
        .await?;
    Ok(match found {
        Some((user, _)) if ok && !user.disabled => Some(user),
        _ => None,
    })
}

/// The address a request comes from: the peer's, or, when the peer is a proxy the
/// configuration trusts, the last address in `X-Forwarded-For` that is not itself a trusted
/// proxy. A header from anyone else is ignored (it is the caller's to forge).
pub fn client_ip(
    trusted: &[std::net::IpAddr],
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter_map(|part| part.parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .copied()
        .unwrap_or(peer)
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
    fn a_key_is_limited_after_five_attempts_counted_before_their_check() {
        let limiter = RateLimiter::new(5, Duration::from_secs(600));
        // Five attempts in flight at once (none checked yet): the sixth is refused.
        let held: Vec<Attempt> = (0..5)
            .map(|_| {
                limiter
                    .reserve(&["user:budi", "ip:10.0.0.1"])
                    .expect("room")
            })
            .collect();
        let refused = limiter
            .reserve(&["user:budi", "ip:10.0.0.1"])
            .err()
            .expect("full");
        assert_eq!(refused.problem.code, "auth.too_many_attempts");
        assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
        // Another name from the same address still has room (an address gets 30).
        assert!(limiter.reserve(&["user:sari", "ip:10.0.0.1"]).is_ok());
        // One success clears the name.
        let mut held = held;
        held.pop().expect("one").succeeded();
        assert!(limiter.reserve(&["user:budi"]).is_ok());
    }

    #[tokio::test]
    async fn a_full_name_waits_for_the_attempts_being_checked() {
        let limiter = std::sync::Arc::new(RateLimiter::new(2, Duration::from_secs(600)));
        let first = limiter.reserve(&["user:budi"]).expect("room");
        let second = limiter.reserve(&["user:budi"]).expect("room");
        // Both are being checked: a third waits rather than being refused at once.
        let waiting = {
            let limiter = limiter.clone();
            tokio::spawn(async move { limiter.admit(&["user:budi"]).await.map(|a| a.succeeded()) })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "it waits");
        // One was the right password: the name starts afresh and the third is checked.
        first.succeeded();
        waiting.await.expect("joined").expect("admitted");
        // Wrong ones settle as failures: then a further attempt is refused, not kept waiting.
        drop(second);
        for _ in 0..2 {
            drop(limiter.reserve(&["user:budi"]).expect("room"));
        }
        let started = std::time::Instant::now();
        let refused = limiter.admit(&["user:budi"]).await.err().expect("full");
        assert_eq!(refused.problem.code, "auth.too_many_attempts");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "refused at once"
        );
    }

    #[test]
    fn a_limit_of_zero_is_one() {
        let limiter = RateLimiter::new(0, Duration::from_secs(600));
        let _first = limiter.reserve(&["user:budi"]).expect("one attempt");
        assert!(limiter.reserve(&["user:budi"]).is_err());
    }

    #[test]
    fn a_forwarded_address_counts_only_from_a_trusted_proxy() {
        let proxy: std::net::IpAddr = "127.0.0.1".parse().expect("ip");
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "203.0.113.9, 198.51.100.7".parse().expect("header"),
        );
        assert_eq!(client_ip(&[], proxy, &headers), proxy);
        assert_eq!(
            client_ip(&[proxy], proxy, &headers).to_string(),
            "198.51.100.7"
        );
        let inner: std::net::IpAddr = "198.51.100.7".parse().expect("ip");
        assert_eq!(
            client_ip(&[proxy, inner], proxy, &headers).to_string(),
            "203.0.113.9"
        );
        assert_eq!(
            client_ip(&[proxy], proxy, &axum::http::HeaderMap::new()),
            proxy
        );
    }
}
