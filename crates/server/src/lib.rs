//! ovop-server: the central server of OVOP Field (DESIGN.md §5). A district office runs it on
//! its embedded SQLite database; a province or a country on PostgreSQL. It receives every
//! finalised assessment exactly once with its photos, lets supervisors review and export them,
//! and serves the district office's dashboard.
//!
//! A library with a thin `main`: tests start it on port 0 with [`start`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::Router;
use ovop_protocol::{Limits, PROTOCOL_VERSION, VERSION_HEADER};
use tokio::sync::oneshot;

pub mod admin;
pub mod api;
pub mod auth;
pub mod award;
pub mod blobs;
pub mod bundle;
pub mod config;
pub mod dashboard;
pub mod db;
pub mod error;
pub mod export;
pub mod forward;
pub mod guard;
pub mod history;
pub mod i18n;
pub mod ingest;
pub mod office;
pub mod recap;
pub mod received;
pub mod regions;
pub mod review;

pub use config::Config;
pub use db::Db;
pub use error::{ApiError, ApiResult};

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub blobs: Arc<blobs::BlobStore>,
    pub limits: Limits,
    pub server_id: String,
    pub name: String,
    pub sign_in: Arc<auth::RateLimiter>,
    /// Secure cookies (behind TLS, directly or through a proxy).
    pub secure_cookies: bool,
    /// Pushes read and stored at once.
    pub pushes: Arc<tokio::sync::Semaphore>,
    /// The threads that compute password hashes (sign-in, new users, resets): each hash costs
    /// a core and 19 MB, so a storm of sign-ins queues there instead of starving the rest.
    pub hashing: Arc<auth::Hashers>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
    /// How slowly a client may send.
    pub slow_clients: guard::SlowClients,
    /// Open uploads per officer, and how long a partial one is kept.
    pub uploads: ingest::UploadLimits,
    /// Exports being written at once.
    pub exports: Arc<tokio::sync::Semaphore>,
    /// Where exports are written before they are sent (`exports` in the data folder).
    pub export_dir: Arc<PathBuf>,
    /// The key star certificates are signed with.
    pub certificates: Arc<ovop_protocol::certificate::SigningKey>,
}

/// The server's clock, RFC 3339 UTC to the millisecond (sortable as text).
pub fn now() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

pub fn format_time(at: time::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        ))
        .unwrap_or_default()
}

/// The sync API's routes, as the OpenAPI document lists them (a test keeps the two in step).
pub const API_ROUTES: &[(&str, &str)] = &[
    ("get", "/v1/health"),
    ("post", "/v1/enrol"),
    ("get", "/v1/me"),
    ("post", "/v1/push"),
    ("get", "/v1/blobs/{sha256}"),
    ("put", "/v1/blobs/{sha256}"),
    ("get", "/v1/blobs/{sha256}/content"),
    ("get", "/v1/blobs/{sha256}/thumbnail"),
    ("get", "/v1/changes"),
    ("put", "/v1/criteria-sets/{hash}"),
    ("get", "/v1/review/assessments"),
    ("get", "/v1/review/assessments/{id}"),
    ("post", "/v1/review/assessments/{id}/decision"),
    ("post", "/v1/review/assessments/{id}/owner"),
    ("get", "/v1/export/assessments"),
    ("get", "/v1/export/criteria"),
    ("get", "/v1/stats"),
    ("get", "/v1/admin/users"),
    ("post", "/v1/admin/users"),
    ("put", "/v1/admin/users/{name}/regions"),
    ("post", "/v1/admin/users/{name}/disable"),
    ("post", "/v1/admin/users/{name}/enable"),
    ("put", "/v1/admin/users/{name}/password"),
    ("post", "/v1/admin/users/{name}/codes"),
    ("get", "/v1/admin/users/{name}/devices"),
    ("delete", "/v1/admin/devices/{id}"),
    ("post", "/v1/admin/criteria-sets"),
    ("put", "/v1/admin/rounds/{programme}"),
    ("delete", "/v1/admin/rounds/{programme}"),
    ("post", "/v1/decisions"),
    ("get", "/v1/certificates"),
    ("get", "/v1/certificates/{number}"),
    ("post", "/v1/certificates/verify"),
    ("post", "/v1/forwards"),
    ("get", "/v1/forwards"),
    ("get", "/v1/office/recap"),
    ("put", "/v1/office/targets"),
];

/// The largest enrolment request: a name, a password or a code, a laptop's name.
pub const ENROL_LIMIT: usize = 16 * 1024;
/// The largest dashboard form.
pub const FORM_LIMIT: usize = 64 * 1024;

/// Requests before sign-in are small: an enrolment or a dashboard form that announces more
/// than its limit is read (up to a megabyte, so the answer reaches the client instead of a
/// reset connection) and refused with 413, before anyone looks at a password.
async fn small_before_sign_in(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let (limit, code) = if path == "/v1/enrol" {
        (ENROL_LIMIT, "enrol.too_large")
    } else if request.method() == axum::http::Method::POST
        && !path.starts_with("/v1/")
        // A bundle's upload is as large as the laptop's outbox, a criteria workbook larger
        // than a form: their handlers sign the person in before they read a byte, and bound
        // what they read.
        && path != "/dashboard/bundles"
        && path != "/dashboard/criteria"
    {
        (FORM_LIMIT, "http.too_large")
    } else {
        return next.run(request).await;
    };
    let announced = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        blobs::drain(request.into_body(), 1024 * 1024).await;
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            code,
            None,
            "the request is larger than the server accepts",
        )
        .into_response();
    }
    next.run(request).await
}

/// The whole application: the sync API, review, exports, admin, the dashboard.
pub fn router(state: AppState) -> Router {
    let blob_limit = state.limits.max_blob_bytes as usize + 1024;
    let request_limit = state.limits.max_request_bytes as usize;
    let api = Router::new()
        .route("/v1/health", get(api::health))
        .route(
            "/v1/enrol",
            post(api::enrol).layer(DefaultBodyLimit::max(ENROL_LIMIT)),
        )
        .route("/v1/me", get(api::me))
        .route("/v1/push", post(api::push))
        .route(
            "/v1/blobs/{sha256}",
            get(api::blob_status)
                .put(api::blob_put)
                .layer(DefaultBodyLimit::max(blob_limit)),
        )
        .route("/v1/blobs/{sha256}/content", get(history::content))
        .route("/v1/blobs/{sha256}/thumbnail", get(history::thumbnail))
        .route("/v1/changes", get(api::changes))
        .route("/v1/criteria-sets/{hash}", put(received::put_set))
        .route("/v1/review/assessments", get(review::list_json))
        .route("/v1/review/assessments/{id}", get(review::detail_json))
        .route(
            "/v1/review/assessments/{id}/decision",
            post(review::decide_json),
        )
        .route(
            "/v1/review/assessments/{id}/owner",
            post(review::hand_over_json),
        )
        .route("/v1/export/assessments", get(export::export_assessments))
        .route("/v1/export/criteria", get(export::export_criteria))
        .route("/v1/stats", get(review::stats_json))
        .route(
            "/v1/admin/users",
            get(admin::list_users).post(admin::create_user),
        )
        .route("/v1/admin/users/{name}/regions", put(admin::set_regions))
        .route("/v1/admin/users/{name}/disable", post(admin::disable_user))
        .route("/v1/admin/users/{name}/enable", post(admin::enable_user))
        .route("/v1/admin/users/{name}/password", put(admin::put_password))
        .route("/v1/admin/users/{name}/codes", post(admin::create_code))
        .route("/v1/admin/users/{name}/devices", get(admin::devices))
        .route(
            "/v1/admin/devices/{id}",
            axum::routing::delete(admin::revoke_device),
        )
        .route("/v1/admin/criteria-sets", post(admin::publish_set))
        .route(
            "/v1/admin/rounds/{programme}",
            put(office::put_round).delete(office::delete_round),
        )
        .route("/v1/decisions", post(award::record_json))
        .route("/v1/certificates", get(award::certificates_json))
        .route("/v1/certificates/verify", post(award::verify_json))
        .route("/v1/certificates/{number}", get(award::certificate_json))
        .route(
            "/v1/forwards",
            post(forward::forward_json).get(forward::batches_json),
        )
        .route("/v1/office/recap", get(recap::recap_json))
        .route("/v1/office/targets", put(recap::put_target))
        .route("/openapi.json", get(api::openapi))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            json_only,
        ));
    Router::new()
        .merge(api)
        .merge(dashboard::routes(state.clone()))
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(request_limit))
        .layer(axum::middleware::from_fn(small_before_sign_in))
        .layer(axum::middleware::map_response(version_header))
        .layer(axum::middleware::from_fn_with_state(
            state.slow_clients,
            guard::watch_bodies,
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Adds the protocol header to every answer, and turns the framework's own plain-text
/// refusals (a path value that is not UTF-8, a form that cannot be read) into a Problem with a
/// stable code, like every other refusal.
async fn version_header(response: axum::response::Response) -> axum::response::Response {
    let kind = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    // The framework's refusals are plain text, or (a 405) no body at all.
    let plain = kind.is_none_or(|v| v.starts_with("text/plain"));
    let mut response = if plain && response.status().is_client_error() {
        let status = response.status();
        let text = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap_or_default();
        let text = if text.is_empty() {
            status
                .canonical_reason()
                .unwrap_or("refused")
                .as_bytes()
                .to_vec()
                .into()
        } else {
            text
        };
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "http.too_large",
            StatusCode::METHOD_NOT_ALLOWED => "http.method_not_allowed",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "http.unsupported_media_type",
            StatusCode::UNPROCESSABLE_ENTITY => "http.unprocessable",
            _ => "http.bad_request",
        };
        ApiError::new(
            status,
            code,
            None,
            String::from_utf8_lossy(&text).into_owned(),
        )
        .into_response()
    } else {
        response
    };
    response
        .headers_mut()
        .insert(VERSION_HEADER, HeaderValue::from(PROTOCOL_VERSION));
    response
}

/// The API reads JSON and nothing else: a POST or PUT with a body of another type (a form, plain
/// text, a multipart upload a page of another site could send) is refused with
/// `http.unsupported_media_type` before it reaches a handler. Photos are the exception: their
/// bytes go to `/v1/blobs`.
async fn json_only(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{header, Method};
    let writes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH
    );
    if !writes || request.uri().path().starts_with("/v1/blobs/") {
        return next.run(request).await;
    }
    let headers = request.headers();
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            let essence = v.split(';').next().unwrap_or("").trim();
            essence.eq_ignore_ascii_case("application/json")
        });
    let empty = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "0")
        || (headers.get(header::CONTENT_LENGTH).is_none()
            && headers.get(header::TRANSFER_ENCODING).is_none());
    match json {
        Some(true) => next.run(request).await,
        None if empty => next.run(request).await,
        _ => {
            // Read what was sent (within the limit), so the refusal reaches the client instead
            // of a reset connection.
            blobs::drain(request.into_body(), state.limits.max_request_bytes).await;
            ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "http.unsupported_media_type",
                None,
                "this address reads JSON: send Content-Type: application/json",
            )
            .into_response()
        }
    }
}

async fn no_route() -> impl IntoResponse {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "http.no_route",
        None,
        "no such address on this server",
    )
}

/// A running server: its address, and a way to stop it that lets requests in flight finish.
pub struct Running {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// Stops accepting, waits for requests in flight (at most `grace`), then returns.
    pub async fn shutdown(mut self, grace: Duration) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(grace, &mut self.task).await;
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Opens the database (migrating it), publishes the shipped criteria sets, binds, serves.
pub async fn start(config: Config) -> Result<Running, ApiError> {
    let state = open(&config).await?;
    let app = router(state.clone());
    // Partial uploads nobody resumed are dropped: at start, then every hour.
    let sweeper = state.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(3600));
        loop {
            every.tick().await;
            let (blobs, age) = (sweeper.blobs.clone(), sweeper.uploads.partial_max_age);
            match tokio::task::spawn_blocking(move || blobs.sweep(age)).await {
                Ok(0) | Err(_) => {}
                Ok(n) => tracing::info!(dropped = n, "partial uploads past their age dropped"),
            }
        }
    });
    let (stop, stopped) = oneshot::channel::<()>();
    // One crypto provider for the process (ring), for the TLS listener and for any client in
    // the same process built with a provider-less rustls.
    let _ = rustls::crypto::ring::default_provider().install_default();
    match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => {
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| {
                    ApiError::startup(format!("TLS certificate or key cannot be read: {e}"))
                })?;
            let listener = std::net::TcpListener::bind(&config.listen).map_err(|e| {
                ApiError::startup(format!("cannot listen on {}: {e}", config.listen))
            })?;
            let addr = listener
                .local_addr()
                .map_err(|e| ApiError::startup(e.to_string()))?;
            let handle = axum_server::Handle::new();
            let shutdown = handle.clone();
            tokio::spawn(async move {
                let _ = stopped.await;
                shutdown.graceful_shutdown(Some(Duration::from_secs(30)));
            });
            let mut server = axum_server::from_tcp_rustls(listener, tls).handle(handle);
            server
                .http_builder()
                .http1()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(config.slow_clients.header_timeout);
            let task = tokio::spawn(async move {
                server
                    .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                    .await
            });
            Ok(Running {
                addr,
                state,
                stop: Some(stop),
                task,
            })
        }
        (None, None) => {
            let listener = std::net::TcpListener::bind(&config.listen).map_err(|e| {
                ApiError::startup(format!("cannot listen on {}: {e}", config.listen))
            })?;
            let addr = listener
                .local_addr()
                .map_err(|e| ApiError::startup(e.to_string()))?;
            let handle = axum_server::Handle::new();
            let shutdown = handle.clone();
            tokio::spawn(async move {
                let _ = stopped.await;
                shutdown.graceful_shutdown(Some(Duration::from_secs(30)));
            });
            // A client that never finishes its headers is cut off (the body has its own watch).
            let mut server = axum_server::from_tcp(listener).handle(handle);
            server
                .http_builder()
                .http1()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(config.slow_clients.header_timeout);
            let task = tokio::spawn(async move {
                server
                    .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                    .await
            });
            Ok(Running {
                addr,
                state,
                stop: Some(stop),
                task,
            })
        }
        _ => Err(ApiError::startup("TLS needs both --tls-cert and --tls-key")),
    }
}

/// The state without a listener: the database opened and migrated, the blob folder ready, the
/// shipped criteria sets published.
pub async fn open(config: &Config) -> Result<AppState, ApiError> {
    config.check()?;
    let data = config.data.clone();
    std::fs::create_dir_all(&data).map_err(|e| {
        ApiError::startup(format!(
            "cannot create the data folder {}: {e}",
            data.display()
        ))
    })?;
    let database = config.database.clone();
    let sqlite_path: PathBuf = data.join("server.sqlite");
    let db = tokio::task::spawn_blocking(move || match database.as_deref() {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => Db::open_postgres(url),
        Some(other) => Err(ApiError::startup(format!(
            "--database takes a postgres:// address (the default is SQLite in the data folder), not {:?}",
            other.split(':').next().unwrap_or("")
        ))),
        None => Db::open_sqlite(&sqlite_path),
    })
    .await
    .map_err(|e| ApiError::startup(e.to_string()))??;
    let blobs = blobs::BlobStore::open(&data.join("blobs"))?;
    let export_dir = data.join("exports");
    std::fs::create_dir_all(&export_dir).map_err(|e| {
        ApiError::startup(format!(
            "cannot create the exports folder {}: {e}",
            export_dir.display()
        ))
    })?;
    let server_id = admin::server_id(&db).await?;
    let certificates = award::signing_key(&db).await?;
    admin::publish_shipped(&db).await?;
    // Regions load once per process; doing it now keeps the first push fast.
    tokio::task::spawn_blocking(regions::Regions::get)
        .await
        .map_err(|e| ApiError::startup(e.to_string()))?;
    Ok(AppState {
        db,
        blobs: Arc::new(blobs),
        limits: config.limits,
        server_id,
        name: config.name.clone(),
        sign_in: Arc::new(auth::RateLimiter::new(
            config.sign_in_attempts,
            Duration::from_secs(600),
        )),
        secure_cookies: config.tls_cert.is_some() || config.behind_tls_proxy,
        pushes: Arc::new(tokio::sync::Semaphore::new(4)),
        hashing: Arc::new(auth::Hashers::new(
            std::thread::available_parallelism().map_or(2, |n| (n.get() / 2).max(1)),
        )),
        trusted_proxies: Arc::new(config.trusted_proxies.clone()),
        slow_clients: config.slow_clients,
        uploads: config.uploads,
        exports: Arc::new(tokio::sync::Semaphore::new(2)),
        export_dir: Arc::new(export_dir),
        certificates: Arc::new(certificates),
    })
}
