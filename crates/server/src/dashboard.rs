//! The district office's dashboard: server-rendered HTML (maud escapes every value) in
//! Indonesian, English or Vietnamese. Sign-in sets an HttpOnly, SameSite=Strict session cookie
//! (a `web` device whose token is stored hashed, valid 12 hours); every form carries a token
//! derived from the session, checked on POST.

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use ovop_core::verdict::number_text;
use serde::Deserialize;
use std::net::SocketAddr;

use crate::admin::{self, NewUser};
use crate::auth::{self, Actor, Role, SESSION_COOKIE};
use crate::db::Val;
use crate::error::ApiError;
use crate::i18n::{self, t};
use crate::review::{self, Filter};
use crate::AppState;

mod awards;
mod bundles;
mod criteria;

pub use criteria::UPLOAD_LIMIT as CRITERIA_UPLOAD_LIMIT;
mod forwards;
mod programme;

pub fn routes(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/dashboard") }))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(set_language))
        .route("/dashboard", get(home))
        .route("/dashboard/assessments/{id}", get(assessment))
        .route("/dashboard/assessments/{id}/decision", post(decide))
        .route("/dashboard/assessments/{id}/owner", post(hand_over))
        .route("/dashboard/rounds", post(set_round))
        .route(
            "/dashboard/decisions",
            get(awards::decisions).post(awards::record),
        )
        .route(
            "/dashboard/forwards",
            get(forwards::forwards).post(forwards::send),
        )
        .route("/dashboard/office", get(programme::office))
        .route("/dashboard/office/recap", get(programme::download))
        .route("/dashboard/office/targets", post(programme::set_target))
        .route("/dashboard/certificates", get(awards::certificates))
        .route("/dashboard/certificates/export", get(awards::export))
        .route("/dashboard/certificates/verify", post(awards::verify))
        .route("/dashboard/blobs/{hex}", get(blob))
        .route(
            "/dashboard/bundles",
            get(bundles::upload_page).post(bundles::upload).layer(
                axum::extract::DefaultBodyLimit::max(bundles::UPLOAD_LIMIT as usize),
            ),
        )
        .route("/dashboard/bundles/receipts/{name}", get(bundles::receipt))
        .route(
            "/dashboard/criteria",
            get(criteria::criteria_page)
                .post(criteria::upload)
                .layer(axum::extract::DefaultBodyLimit::max(criteria::BODY_LIMIT)),
        )
        .route(
            "/dashboard/criteria/drafts/{hex}",
            get(criteria::draft_page),
        )
        .route("/dashboard/criteria/publish", post(criteria::publish))
        .route("/dashboard/users", get(users).post(create_user))
        .route("/dashboard/users/{name}/code", post(create_code))
        .route("/dashboard/users/{name}/disable", post(disable_user))
        .route("/dashboard/users/{name}/enable", post(enable_user))
        .route("/dashboard/users/{name}/password", post(reset_password))
        .route(
            "/dashboard/password",
            get(password_page).post(change_password),
        )
        .route("/dashboard/export/assessments", get(export_assessments))
        .route("/dashboard/export/criteria", get(export_criteria))
        // A form is a few fields: nobody sends megabytes to sign in.
        .layer(axum::extract::DefaultBodyLimit::max(crate::FORM_LIMIT))
        .layer(axum::middleware::from_fn_with_state(state, same_origin))
}

/// Every POST to the dashboard comes from a page of the dashboard: its `Origin` (or, from a
/// browser that sends none, its `Referer`) names this server's own host. A form on another
/// site, even a same-site one, is refused before anything is read (`auth.origin`), on top of
/// the session's form token.
async fn same_origin(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if request.method() != axum::http::Method::POST {
        return next.run(request).await;
    }
    let headers = request.headers();
    // Behind a trusted proxy the host the browser asked for may come as X-Forwarded-Host.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded_host = peer
        .filter(|ip| state.trusted_proxies.contains(ip))
        .and_then(|_| headers.get("x-forwarded-host"))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_ascii_lowercase());
    let host = forwarded_host.or_else(|| {
        headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    });
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once("://"))
        .map(|(_, rest)| rest.split('/').next().unwrap_or("").to_ascii_lowercase());
    match (host, from) {
        (Some(host), Some(from)) if !host.is_empty() && host == from => next.run(request).await,
        _ => ApiError::forbidden(
            "auth.origin",
            None,
            "this form was not sent from a page of this dashboard",
        )
        .into_response(),
    }
}

async fn export_assessments(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Filter>, QueryRejection>,
) -> Response {
    export_page(&state, &headers, query, false).await
}

async fn export_criteria(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Filter>, QueryRejection>,
) -> Response {
    export_page(&state, &headers, query, true).await
}

/// The exports the list links to, for the signed-in session (the API's take a device token).
async fn export_page(
    state: &AppState,
    headers: &HeaderMap,
    query: Result<Query<Filter>, QueryRejection>,
    criteria: bool,
) -> Response {
    let actor = match signed_in(state, headers, "/dashboard").await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let by = actor.clone();
    let outcome = async {
        review::reviewer(&by)?;
        let filter = review::filter_from(query)?;
        crate::export::export(state, by, filter, criteria).await
    };
    outcome.await.unwrap_or_else(|e| {
        let lang = lang_of(headers, None);
        crate::export::refused(&e, error_page(lang, Some(&actor), headers, &e))
    })
}

const LANG_COOKIE: &str = "ovop_lang";

/// A redirect to a path of this dashboard. A target that cannot be a header value (a decoded
/// CR or LF from an address) goes to the dashboard's home instead of failing the request.
fn redirect(to: &str) -> Response {
    let to = if to.bytes().all(|b| b.is_ascii_graphic()) {
        to
    } else {
        "/dashboard"
    };
    Redirect::to(to).into_response()
}

fn lang_of(headers: &HeaderMap, wanted: Option<&str>) -> &'static str {
    let cookie = auth::cookie(headers, LANG_COOKIE);
    i18n::language(wanted.or(cookie.as_deref()))
}

/// The form token of a session: only a page of this session can post.
fn csrf(headers: &HeaderMap) -> String {
    let session = auth::cookie(headers, SESSION_COOKIE).unwrap_or_default();
    auth::secret_hash(&format!("ovt_csrf:{session}"))[..32].to_string()
}

fn check_csrf(headers: &HeaderMap, given: &str) -> Result<(), ApiError> {
    if given.is_empty() || given != csrf(headers) {
        return Err(ApiError::forbidden(
            "auth.csrf",
            None,
            "the form is stale or not from this dashboard: reload the page",
        ));
    }
    Ok(())
}

/// Hands the file field `file` of an upload form to `consume`, once the form's token before it
/// is checked: nothing of a file is read before its form is known to be this dashboard's. A file
/// before the token is refused as a stale form, a form without the file with `bad`, and a form
/// that cannot be read with `broken`.
async fn file_after_token<T>(
    headers: &HeaderMap,
    multipart: &mut axum::extract::Multipart,
    file: &str,
    bad: impl Fn(String) -> ApiError,
    broken: impl Fn(axum::extract::multipart::MultipartError) -> ApiError,
    consume: impl AsyncFnOnce(axum::extract::multipart::Field<'_>) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut token_checked = false;
    while let Some(field) = multipart.next_field().await.map_err(&broken)? {
        match field.name() {
            Some("csrf") => {
                let given = field.text().await.map_err(&broken)?;
                check_csrf(headers, &given)?;
                token_checked = true;
            }
            Some(name) if name == file => {
                if token_checked {
                    return consume(field).await;
                }
                break;
            }
            _ => {}
        }
    }
    if token_checked {
        Err(bad("no file was chosen".into()))
    } else {
        Err(ApiError::forbidden(
            "auth.csrf",
            None,
            "the form is stale or not from this dashboard: reload the page",
        ))
    }
}

const STYLE: &str = "
*{box-sizing:border-box}body{margin:0;font-family:'Noto Sans',system-ui,sans-serif;color:#1f2a24;background:#f6f7f4;font-size:15px}
header{background:#1e5b3a;color:#fff;padding:.6rem 1.2rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff}header .brand{font-weight:700;font-size:1.1rem;margin-right:auto;text-decoration:none}
main{padding:1rem 1.2rem;max-width:1200px;margin:0 auto}h1{font-size:1.35rem;margin:.4rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{padding:.4rem .5rem;border-bottom:1px solid #dde3dc;text-align:left;vertical-align:top}
th{background:#eef2ec;font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;background:#fff;padding:.8rem;border:1px solid #dde3dc;border-radius:6px}
label{display:flex;flex-direction:column;font-size:.85rem;gap:.2rem}input,select,textarea{font:inherit;padding:.35rem .45rem;border:1px solid #b8c2b6;border-radius:4px;background:#fff}
button,.button{font:inherit;padding:.4rem .9rem;border-radius:4px;border:1px solid #1e5b3a;background:#1e5b3a;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#fff;color:#1e5b3a}button.warn{background:#a3471c;border-color:#a3471c}
.badge{white-space:nowrap;display:inline-block;padding:.05rem .45rem;border-radius:9px;font-size:.8rem;background:#e3e8e1}.badge.approved{background:#cfe8d5}.badge.returned{background:#f6dcc9}.badge.proposed{background:#dbe7f5}
.stars{color:#8a6508;letter-spacing:1px;white-space:nowrap}.muted{color:#5d6b61}.error{background:#fbe3dc;border:1px solid #d9826a;padding:.6rem;border-radius:4px;margin:.6rem 0}
.ok{background:#dff0e2;border:1px solid #7fb38b;padding:.6rem;border-radius:4px;margin:.6rem 0}.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:1rem}
.card{background:#fff;border:1px solid #dde3dc;border-radius:6px;padding:.8rem}.photos{display:flex;flex-wrap:wrap;gap:.5rem}.photos img{width:160px;height:120px;object-fit:cover;border-radius:4px;border:1px solid #dde3dc}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;align-items:center;margin:.6rem 0}.card>:first-child{margin-top:0}
main{overflow-x:auto}td.date{white-space:nowrap}main a{color:#1e5b3a}.login{max-width:360px;margin:3rem auto;background:#fff;padding:1.4rem;border:1px solid #dde3dc;border-radius:8px;display:flex;flex-direction:column;gap:.8rem}
";

fn page(
    lang: &str,
    title: &str,
    actor: Option<&Actor>,
    headers: &HeaderMap,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (t(lang, "app.name")) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    a.brand href="/dashboard" { (t(lang, "app.name")) }
                    @if let Some(actor) = actor {
                        a href="/dashboard" { (t(lang, "nav.assessments")) }
                        a href="/dashboard/forwards" { (t(lang, "nav.forwards")) }
                        a href="/dashboard/decisions" { (t(lang, "nav.decisions")) }
                        a href="/dashboard/certificates" { (t(lang, "nav.certificates")) }
                        @if actor.user.role != Role::Officer { a href="/dashboard/office" { (t(lang, "nav.office")) } }
                        @if actor.user.role != Role::Officer { a href="/dashboard/bundles" { (t(lang, "nav.bundles")) } }
                        @if actor.user.role == Role::Admin { a href="/dashboard/criteria" { (t(lang, "nav.criteria")) } }
                        @if actor.user.role == Role::Admin { a href="/dashboard/users" { (t(lang, "nav.users")) } }
                        a href="/dashboard/password" title=(t(lang, "password.title")) style="color:#d8e6dc" { (actor.user.display_name) }
                        form method="post" action="/logout" style="margin:0" {
                            input type="hidden" name="csrf" value=(csrf(headers));
                            button.secondary type="submit" { (t(lang, "nav.logout")) }
                        }
                    }
                    span {
                        @for l in i18n::LANGUAGES {
                            " " a href={ "/lang/" (l) } lang=(l) { (l.to_uppercase()) }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// The language links: the choice is kept in a cookie, and the person goes back to the page
/// they were on when it can be shown again by a GET (a page made by a form goes to the list).
async fn set_language(headers: HeaderMap, Path(code): Path<String>) -> Response {
    let lang = i18n::language(Some(&code));
    let referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let local = referer
        .split_once("://")
        .map_or("", |(_, rest)| rest.find('/').map_or("/", |i| &rest[i..]));
    let (path, query) = local.split_once('?').unwrap_or((local, ""));
    let gettable = matches!(
        path,
        "/dashboard"
            | "/dashboard/users"
            | "/dashboard/decisions"
            | "/dashboard/forwards"
            | "/dashboard/certificates"
            | "/dashboard/office"
            | "/dashboard/criteria"
            | "/login"
    ) || (path.starts_with("/dashboard/assessments/")
        && !path.ends_with("/decision")
        && !path.contains("//"));
    let back = if gettable {
        let kept: Vec<&str> = query
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("lang="))
            .collect();
        if kept.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{}", kept.join("&"))
        }
    } else {
        "/dashboard".to_string()
    };
    let mut response = redirect(&back);
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={lang}; Path=/; SameSite=Strict; Max-Age=31536000"
    )) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

/// A server time as a person reads it: `2026-11-23 19:28 UTC` (the offices span three time zones).
fn when(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => at.to_string(),
    }
}

/// A decimal as the language writes it: a comma in Indonesian and Vietnamese.
fn decimal(lang: &str, value: f64) -> String {
    let text = format!("{value:.1}");
    if lang == "en" {
        text
    } else {
        text.replace('.', ",")
    }
}

fn html_response(lang: &str, markup: Markup, status: StatusCode) -> Response {
    let mut response = (status, axum::response::Html(markup.into_string())).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static("default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"),
    );
    if let Ok(cookie) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={lang}; Path=/; SameSite=Strict; Max-Age=31536000"
    )) {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

fn stars(star: Option<i64>) -> Markup {
    html! {
        @match star {
            Some(n) => span.stars title=(n) { @for _ in 0..n { "★" } @for _ in n..5 { "☆" } },
            None => span.muted { "—" },
        }
    }
}

fn status_badge(lang: &str, status: &str) -> Markup {
    html! { span class={ "badge " (status) } { (t(lang, &format!("status.{status}"))) } }
}

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    next: Option<String>,
}

fn login_form(
    lang: &str,
    error: Option<String>,
    headers: &HeaderMap,
    next: &str,
    user: &str,
) -> Markup {
    page(
        lang,
        &t(lang, "login.title"),
        None,
        headers,
        html! {
            form.login method="post" action="/login" {
                h1 { (t(lang, "login.title")) }
                @if let Some(error) = error { div.error role="alert" { (error) } }
                input type="hidden" name="next" value=(next);
                label { (t(lang, "login.user")) input name="user" autocomplete="username" value=(user) required autofocus[user.is_empty()]; }
                label { (t(lang, "login.password")) input name="password" type="password" autocomplete="current-password" required autofocus[!user.is_empty()]; }
                button type="submit" { (t(lang, "login.submit")) }
            }
        },
    )
}

async fn login_page(headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let lang = lang_of(&headers, q.lang.as_deref());
    html_response(
        lang,
        login_form(lang, None, &headers, &safe_next(q.next.as_deref()), ""),
        StatusCode::OK,
    )
}

/// Only a path of this dashboard: never another site.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/dashboard")
                && !n.contains("//")
                && !n.contains('\\')
                && n.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            n.to_string()
        }
        _ => "/dashboard".into(),
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    user: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let lang = lang_of(&headers, None);
    let name = form.user.trim().to_lowercase();
    let name_shown: String = form.user.trim().chars().take(64).collect();
    let ip = auth::client_ip(&state.trusted_proxies, peer.ip(), &headers);
    let keys = [format!("ip:{ip}"), format!("user:{name}")];
    let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    let next = safe_next(form.next.as_deref());
    let attempt = match state.sign_in.admit(&keys).await {
        Ok(attempt) => attempt,
        Err(e) => {
            return html_response(
                lang,
                login_form(
                    lang,
                    Some(i18n::error(lang, &e.problem.code, &e.problem.message)),
                    &headers,
                    &next,
                    &name_shown,
                ),
                e.status,
            )
        }
    };
    let token = auth::new_token();
    let hash = auth::secret_hash(&token);
    let expires = crate::format_time(time::OffsetDateTime::now_utc() + time::Duration::hours(12));
    let result = match auth::sign_in(&state, &name, &form.password).await {
        Ok(Some(user)) if user.role == Role::Officer && !user.must_change_password => {
            Ok(Some(Err(())))
        }
        Ok(Some(user)) => {
            state
                .db
                .run(move |tx| {
                    tx.exec(
                        "INSERT INTO device (user_id, kind, name, token_hash, created_at, expires_at) VALUES ($1, 'web', 'dashboard', $2, $3, $4)",
                        &[Val::Int(user.id), Val::from(&hash), Val::from(crate::now()), Val::from(&expires)],
                    )?;
                    Ok(Some(Ok(user)))
                })
                .await
        }
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match result {
        Ok(Some(Ok(user))) => {
            attempt.succeeded();
            let next = if user.must_change_password {
                "/dashboard/password".to_string()
            } else {
                next
            };
            let secure = if state.secure_cookies { "; Secure" } else { "" };
            let mut response = redirect(&next);
            if let Ok(cookie) = HeaderValue::from_str(&format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200{secure}")) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            response
        }
        Ok(Some(Err(()))) => {
            attempt.succeeded();
            html_response(
                lang,
                login_form(
                    lang,
                    Some(t(lang, "login.officer")),
                    &headers,
                    &next,
                    &name_shown,
                ),
                StatusCode::FORBIDDEN,
            )
        }
        Ok(None) => {
            drop(attempt);
            html_response(
                lang,
                login_form(
                    lang,
                    Some(t(lang, "login.failed")),
                    &headers,
                    &next,
                    &name_shown,
                ),
                StatusCode::UNAUTHORIZED,
            )
        }
        Err(e) => html_response(
            lang,
            login_form(
                lang,
                Some(i18n::error(lang, &e.problem.code, &e.problem.message)),
                &headers,
                &next,
                &name_shown,
            ),
            e.status,
        ),
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = check_csrf(&headers, &form.csrf) {
        return refused.into_response();
    }
    if let Some(token) = auth::cookie(&headers, SESSION_COOKIE) {
        let now = crate::now();
        let _ = state
            .db
            .run(move |tx| {
                Ok(tx.exec(
                    "UPDATE device SET revoked_at = $2 WHERE token_hash = $1 AND kind = 'web'",
                    &[Val::Text(auth::secret_hash(&token)), Val::from(&now)],
                )?)
            })
            .await;
    }
    let mut response = redirect("/login");
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("ovop_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    response
}

/// Who is signed in to the dashboard, or a redirect to the sign-in page.
async fn signed_in(state: &AppState, headers: &HeaderMap, here: &str) -> Result<Actor, Response> {
    let Some(token) = auth::cookie(headers, SESSION_COOKIE) else {
        return Err(redirect(&format!("/login?next={}", urlencode(here))));
    };
    let now = crate::now();
    match state
        .db
        .read(move |tx| auth::actor_for_token(tx, &token, &now))
        .await
    {
        Ok(Some(actor)) if actor.web && actor.user.must_change_password => {
            if here == "/dashboard/password" {
                Ok(actor)
            } else {
                Err(redirect("/dashboard/password"))
            }
        }
        Ok(Some(actor)) if actor.web && actor.user.role != Role::Officer => Ok(actor),
        Ok(_) => Err(redirect(&format!("/login?next={}", urlencode(here)))),
        Err(e) => Err(e.into_response()),
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"/-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn query_string(filter: &Filter) -> String {
    let pairs = [
        ("region", &filter.region),
        ("programme", &filter.programme),
        ("product_set", &filter.product_set),
        ("star", &filter.star),
        ("status", &filter.status),
        ("officer", &filter.officer),
        ("round", &filter.round),
        ("level", &filter.level),
        ("kind", &filter.kind),
        ("from", &filter.from),
        ("to", &filter.to),
    ];
    pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", urlencode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// A round as people read it: `2026-1` is "2026 · I".
fn round_text(code: &str) -> String {
    ovop_core::Round::parse(code).map_or(code.to_string(), |r| r.to_string())
}

/// A kind of assessment in the dashboard's language (the programmes' words).
fn kind_text(lang: &str, kind: ovop_core::AssessmentKind) -> String {
    ovop_core::programme::shipped()
        .first()
        .map_or(kind.as_str().to_string(), |r| {
            r.kind_name(kind, lang).to_string()
        })
}

/// A level of `programme` in words (its code when the programme does not have it).
fn level_text(lang: &str, programme: &str, code: &str) -> String {
    ovop_core::criteria::Programme::parse(programme)
        .and_then(ovop_core::programme::rules_of)
        .and_then(|rules| rules.level(code))
        .map_or(code.to_string(), |l| l.name.get(lang, "en").to_string())
}

/// An assessment's round, level and kind in words; what it does not name is said unknown.
fn visit_text(lang: &str, i: &review::Listed) -> String {
    let rules = ovop_core::criteria::Programme::parse(&i.programme)
        .and_then(ovop_core::programme::rules_of);
    let unknown = t(lang, "filter.unknown");
    let round = i.round.as_deref().map_or(unknown.clone(), round_text);
    let level = match (&i.level, rules) {
        (Some(code), Some(rules)) => rules
            .level(code)
            .map_or(code.clone(), |l| l.name.get(lang, "en").to_string()),
        (Some(code), None) => code.clone(),
        (None, _) => unknown.clone(),
    };
    let kind = i
        .kind
        .as_deref()
        .and_then(ovop_core::AssessmentKind::parse)
        .map_or(unknown, |k| kind_text(lang, k));
    format!("{round} · {level} · {kind}")
}

fn error_page(lang: &str, actor: Option<&Actor>, headers: &HeaderMap, e: &ApiError) -> Response {
    html_response(
        lang,
        page(
            lang,
            &t(lang, "error.title"),
            actor,
            headers,
            html! {
                h1 { (t(lang, "error.title")) }
                div.error role="alert" { (i18n::error(lang, &e.problem.code, &e.problem.message)) " (" code { (e.problem.code) } ")" }
                p { a href="/dashboard" { (t(lang, "nav.back")) } }
            },
        ),
        e.status,
    )
}

async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<Filter>, QueryRejection>,
) -> Response {
    let actor = match signed_in(&state, &headers, "/dashboard").await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let filter = match query {
        Ok(Query(filter)) => filter,
        Err(e) => {
            let lang = lang_of(&headers, None);
            return error_page(
                lang,
                Some(&actor),
                &headers,
                &ApiError::bad("review.bad_filter", None, e.to_string()),
            );
        }
    };
    let lang = lang_of(&headers, filter.lang.as_deref());
    if let Err(e) = filter.check() {
        return error_page(lang, Some(&actor), &headers, &e);
    }
    let page_no = filter.page.unwrap_or(0);
    let (f, a) = (filter.clone(), actor.clone());
    let loaded = state
        .db
        .read(move |tx| {
            Ok((
                review::list_in(
                    tx,
                    &a,
                    &f,
                    review::PAGE + 1,
                    i64::from(page_no) * review::PAGE,
                )?,
                review::stats_in(tx, &a, &f)?,
                review::rounds(tx, &a)?,
                crate::office::current_in(tx)?,
            ))
        })
        .await;
    let (mut items, stats, rounds, office) = match loaded {
        Ok(v) => v,
        Err(e) => return error_page(lang, Some(&actor), &headers, &e),
    };
    let more = items.len() as i64 > review::PAGE;
    items.truncate(review::PAGE as usize);
    let qs = query_string(&filter);
    let amp_qs = if qs.is_empty() {
        String::new()
    } else {
        format!("&{qs}")
    };
    let selected = |v: &Option<String>, x: &str| v.as_deref() == Some(x);
    let body = html! {
        h1 { (t(lang, "home.title")) }
        form.filters method="get" action="/dashboard" {
            label { (t(lang, "filter.region")) input name="region" value=(filter.region.clone().unwrap_or_default()) placeholder="63.05" size="12"; }
            label { (t(lang, "filter.programme"))
                select name="programme" {
                    option value="" { (t(lang, "filter.any")) }
                    @for p in ["ovop", "ocop"] { option value=(p) selected[selected(&filter.programme, p)] { (p.to_uppercase()) } }
                }
            }
            label { (t(lang, "filter.product_set")) input name="product_set" value=(filter.product_set.clone().unwrap_or_default()) size="10"; }
            label { (t(lang, "filter.star"))
                select name="star" {
                    option value="" { (t(lang, "filter.any")) }
                    @for s in ["1", "2", "3", "4", "5"] { option value=(s) selected[selected(&filter.star, s)] { (s) "★" } }
                    option value="none" selected[selected(&filter.star, "none")] { (t(lang, "filter.no_star")) }
                }
            }
            label { (t(lang, "filter.status"))
                select name="status" {
                    option value="" { (t(lang, "filter.any")) }
                    @for s in ["submitted", "approved", "returned"] { option value=(s) selected[selected(&filter.status, s)] { (t(lang, &format!("status.{s}"))) } }
                }
            }
            label { (t(lang, "filter.officer")) input name="officer" value=(filter.officer.clone().unwrap_or_default()) size="10"; }
            label { (t(lang, "filter.round"))
                select name="round" {
                    option value="" { (t(lang, "filter.any")) }
                    @for r in &rounds { option value=(r) selected[selected(&filter.round, r)] { (round_text(r)) } }
                    option value="unknown" selected[selected(&filter.round, "unknown")] { (t(lang, "filter.unknown")) }
                }
            }
            label { (t(lang, "filter.level"))
                select name="level" {
                    option value="" { (t(lang, "filter.any")) }
                    @for rules in ovop_core::programme::shipped() {
                        optgroup label=(rules.programme.as_str().to_uppercase()) {
                            @for l in &rules.levels { option value=(l.code) selected[selected(&filter.level, &l.code)] { (l.name.get(lang, "en")) } }
                        }
                    }
                    option value="unknown" selected[selected(&filter.level, "unknown")] { (t(lang, "filter.unknown")) }
                }
            }
            label { (t(lang, "filter.kind"))
                select name="kind" {
                    option value="" { (t(lang, "filter.any")) }
                    @for k in ovop_core::AssessmentKind::ALL { option value=(k.as_str()) selected[selected(&filter.kind, k.as_str())] { (kind_text(lang, k)) } }
                    option value="unknown" selected[selected(&filter.kind, "unknown")] { (t(lang, "filter.unknown")) }
                }
            }
            label { (t(lang, "filter.proposed"))
                select name="proposed" {
                    option value="" { (t(lang, "filter.any")) }
                    option value="any" selected[selected(&filter.proposed, "any")] { (t(lang, "filter.proposed_any")) }
                    @for rules in ovop_core::programme::shipped() {
                        optgroup label=(rules.programme.as_str().to_uppercase()) {
                            @for l in rules.levels.iter().filter(|l| rules.levels.iter().any(|f| f.forwards.iter().any(|x| x.to == l.code))) {
                                option value=(l.code) selected[selected(&filter.proposed, &l.code)] { (l.name.get(lang, "en")) }
                            }
                        }
                    }
                    option value="none" selected[selected(&filter.proposed, "none")] { (t(lang, "filter.proposed_none")) }
                }
            }
            label { (t(lang, "filter.from")) input name="from" type="date" value=(filter.from.clone().unwrap_or_default()); }
            label { (t(lang, "filter.to")) input name="to" type="date" value=(filter.to.clone().unwrap_or_default()); }
            button type="submit" { (t(lang, "filter.apply")) }
            a.button.secondary href="/dashboard" { (t(lang, "filter.clear")) }
        }
        div.actions {
            span.muted { (t(lang, "export.title")) ":" }
            a.button.secondary href={ "/dashboard/export/assessments?format=csv" (amp_qs) } { (t(lang, "export.assessments")) " CSV" }
            a.button.secondary href={ "/dashboard/export/assessments?format=xlsx" (amp_qs) } { (t(lang, "export.assessments")) " XLSX" }
            a.button.secondary href={ "/dashboard/export/criteria?format=csv" (amp_qs) } { (t(lang, "export.criteria")) " CSV" }
            a.button.secondary href={ "/dashboard/export/criteria?format=xlsx" (amp_qs) } { (t(lang, "export.criteria")) " XLSX" }
        }
        @if review::is_reviewer(&actor) {
            (office_rounds(lang, &headers, &office))
        }
        h2 { (t(lang, "stats.title")) }
        table id="stats" {
            thead { tr {
                th { (t(lang, "stats.region")) } th.num { (t(lang, "stats.count")) }
                th.num { (t(lang, "filter.no_star")) } @for s in 1..=5 { th.num { (s) "★" } }
                th.num { (t(lang, "stats.average")) } th.num { (t(lang, "status.approved")) } th.num { (t(lang, "status.returned")) }
            } }
            tbody {
                @for r in &stats { tr {
                    td { (r.region_name) " " span.muted { (r.region_code) } }
                    td.num { (r.assessments) }
                    @for n in r.stars { td.num { (n) } }
                    td.num { (decimal(lang, r.average_total)) } td.num { (r.approved) } td.num { (r.returned) }
                } }
                @if stats.is_empty() { tr { td colspan="10" .muted { (t(lang, "home.none")) } } }
            }
        }
        h2 { (t(lang, "home.list")) " (" (items.len()) @if more { "+" } ")" }
        table id="assessments" {
            thead { tr {
                th { (t(lang, "col.product")) } th { (t(lang, "col.region")) } th { (t(lang, "col.programme")) }
                th { (t(lang, "col.officer")) } th { (t(lang, "col.date")) } th.num { (t(lang, "col.total")) }
                th { (t(lang, "col.star")) } th { (t(lang, "col.status")) } th { (t(lang, "col.photos")) }
            } }
            tbody {
                @for i in &items { tr {
                    td { a href={ "/dashboard/assessments/" (i.id) } { (i.product) } br; span.muted { (i.producer) } }
                    td { (i.region_name) br; span.muted { (i.region_code) } }
                    td { (i.programme.to_uppercase()) " " span.muted { (i.product_set) } }
                    td { (i.officer) } td.date { (i.assessed_on) @if let Some(r) = &i.round { br; span.muted.round { (round_text(r)) } } }
                    td.num { (number_text(i.total)) "/" (i.max_total) }
                    td { (stars(i.star)) @if let Some(level) = &i.proposed_level { br; span.badge.proposed { "→ " (level_text(lang, &i.programme, level)) } } }
                    td { (status_badge(lang, &i.status)) }
                    td { @if i.blobs_missing > 0 { span.badge.returned { (i.blobs_missing) " " (t(lang, "col.missing")) } } @else { "✓" } }
                } }
                @if items.is_empty() { tr { td colspan="9" .muted { (t(lang, "home.none")) } } }
            }
        }
        div.actions {
            @if page_no > 0 { a.button.secondary href={ "/dashboard?page=" (page_no - 1) (amp_qs) } { "← " (t(lang, "home.previous")) } }
            @if more { a.button.secondary href={ "/dashboard?page=" (page_no + 1) (amp_qs) } { (t(lang, "home.next")) " →" } }
        }
    };
    html_response(
        lang,
        page(lang, &t(lang, "home.title"), Some(&actor), &headers, body),
        StatusCode::OK,
    )
}

async fn assessment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let here = format!("/dashboard/assessments/{}", urlencode(&id));
    let actor = match signed_in(&state, &headers, &here).await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let lang = lang_of(&headers, q.lang.as_deref());
    let a = actor.clone();
    let found = state
        .db
        .read(move |tx| {
            let detail = review::detail_in(tx, &a, &id)?;
            // The officers it can be handed to: enabled, working in its region.
            let path = tx
                .query_opt(
                    "SELECT region_path FROM assessment WHERE id = $1 ORDER BY revision DESC LIMIT 1",
                    &[Val::from(&id)],
                )?
                .map(|r| r.text(0))
                .unwrap_or_default();
            let officers: Vec<auth::User> = admin::users_in(tx)?
                .into_iter()
                .filter(|u| {
                    u.role == Role::Officer
                        && !u.disabled
                        && crate::regions::within(&path, &u.regions)
                })
                .collect();
            Ok((detail, officers))
        })
        .await;
    let (detail, officers) = match found {
        Ok(found) => found,
        Err(e) => return error_page(lang, Some(&actor), &headers, &e),
    };
    let i = &detail.assessment;
    let assessors: Vec<String> = detail.body["visit"]["assessors"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|a| a["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let decided = detail.decisions.iter().any(|d| d.revision == i.revision);
    let flash = q.next.as_deref();
    let body = html! {
        p { a href="/dashboard" { "← " (t(lang, "nav.back")) } }
        h1 { (i.product) " " span.muted { "· " (i.producer) } }
        @if flash == Some("decided") { div.ok role="status" { (t(lang, "review.saved")) } }
        @if flash == Some("handed") { div.ok role="status" { (t(lang, "review.handed")) } }
        div.grid {
            div.card {
                p { strong { (t(lang, "col.total")) ": " } span #official-total { (number_text(i.total)) } " / " (i.max_total) " · " span #official-star { (stars(i.star)) } }
                @if i.sheets > 1 { p #council-verdict { (t(lang, "detail.council")) " · " (i.sheets) " " (t(lang, "detail.members")) } }
                @if i.standing == "not_classified" { p #not-classified { strong { (t(lang, "detail.not_classified")) } } }
                @if let Some(v) = &detail.verdict { @if v.sheets > 1 && (v.exact - v.total).abs() > f64::EPSILON { p.muted { (t(lang, "detail.exact_average")) ": " (number_text(v.exact)) } } }
                @if i.star != Some(i.star_by_score) { p.muted { (t(lang, "detail.star_by_score")) ": " (i.star_by_score) "★" } }
                p { strong { (t(lang, "col.status")) ": " } (status_badge(lang, &i.status)) }
                p { strong { (t(lang, "col.region")) ": " } (i.region_name) " (" (i.region_code) ")" }
                p { strong { (t(lang, "col.date")) ": " } (i.assessed_on) " · " strong { (t(lang, "col.officer")) ": " } (i.officer) }
                p #round { strong { (t(lang, "filter.round")) ": " } (visit_text(lang, i)) }
                @if let Some(quorum) = &i.quorum { p #quorum { strong { (t(lang, "detail.quorum")) ": " } (t(lang, &format!("quorum.{quorum}"))) } }
                @if let Some(level) = &i.proposed_level { p #proposed { strong { (t(lang, "filter.proposed")) ": " } (level_text(lang, &i.programme, level)) } }
                @if !assessors.is_empty() { p { strong { (t(lang, "detail.assessors")) ": " } (assessors.join(", ")) } }
                p.muted { (i.criteria_set) " " (i.criteria_version) " · " (t(lang, "detail.revision")) " " (i.revision) " · " (t(lang, "detail.received")) " " (when(&i.received_at)) }
            }
            div.card {
                h2 style="margin-top:0" { (t(lang, "detail.parts")) }
                table { tbody { @for (part, points, max) in &detail.parts { tr { td { (part) } td.num { (number_text(*points)) " / " (max) } } } } }
            }
        }
        h2 { (t(lang, "detail.photos")) }
        div.photos {
            @for b in &detail.blobs {
                @if b.complete { img src={ "/dashboard/blobs/" (&b.sha256[7..]) } alt=(t(lang, "detail.photo")) loading="lazy"; }
                @else { span.badge.returned { (t(lang, "col.missing")) " · " (b.size / 1024) " KB" } }
            }
            @if detail.blobs.is_empty() { span.muted { (t(lang, "detail.no_photos")) } }
        }
        h2 { (t(lang, "detail.criteria")) }
        table id="criteria" {
            thead { tr { th style="width:45%" { (t(lang, "detail.criterion")) } th { (t(lang, "detail.level")) } th.num { (t(lang, "detail.points")) } } }
            tbody { @for c in &detail.criteria { tr {
                td { strong { (c.criterion) } " " @if let Some(text) = &c.text { (text.get(lang, "id")) } }
                td {
                    @if let Some(level) = &c.level { (level.get(lang, "id")) } @else { span.muted { (t(lang, &format!("criterion.{}", c.status))) } }
                    @if let Some(note) = &c.note { br; span.muted style="white-space:pre-wrap" { (note) } }
                }
                td.num style="white-space:nowrap" { @if let Some(p) = c.points { (p) } @else { "—" } " / " (c.max) }
            } } }
        }
        h2 { (t(lang, "review.title")) }
        @for d in &detail.decisions {
            div.card style="margin-bottom:.5rem" {
                (status_badge(lang, &d.decision)) " " strong { (d.reviewer) } " · " span.muted { (when(&d.decided_at)) " · " (t(lang, "detail.revision")) " " (d.revision) }
                @if !d.comment.is_empty() { p style="white-space:pre-wrap;margin:.4rem 0 0" { (d.comment) } }
            }
        }
        @if !decided && review::is_reviewer(&actor) {
            form id="decision" method="post" action={ "/dashboard/assessments/" (i.id) "/decision" } .card {
                input type="hidden" name="csrf" value=(csrf(&headers));
                input type="hidden" name="revision" value=(i.revision);
                label { (t(lang, "review.comment")) textarea name="comment" rows="3" cols="60" {} }
                div.actions {
                    button type="submit" name="decision" value="approved" { (t(lang, "review.approve")) }
                    button.warn type="submit" name="decision" value="returned" { (t(lang, "review.return")) }
                }
            }
        }
        @if review::is_reviewer(&actor) && !officers.is_empty() {
            h2 { (t(lang, "review.handover")) }
            form id="handover" method="post" action={ "/dashboard/assessments/" (i.id) "/owner" } .filters {
                input type="hidden" name="csrf" value=(csrf(&headers));
                label { (t(lang, "col.officer"))
                    select name="officer" { @for o in &officers { option value=(o.name) { (o.display_name) " (" (o.name) ")" } } }
                }
                button.secondary type="submit" { (t(lang, "review.handover_button")) }
            }
        }
    };
    html_response(
        lang,
        page(lang, &i.product, Some(&actor), &headers, body),
        StatusCode::OK,
    )
}

/// The office's current rounds, and for a supervisor a form to set or clear one.
fn office_rounds(lang: &str, headers: &HeaderMap, office: &[ovop_protocol::OfficeRound]) -> Markup {
    html! {
        div.card #office-rounds {
            h2 style="margin-top:0" { (t(lang, "rounds.title")) }
            p.muted { (t(lang, "rounds.hint")) }
            ul {
                @for r in office {
                    li data-programme=(r.programme.as_str()) {
                        strong { (r.programme.as_str().to_uppercase()) } ": " (round_text(&r.round))
                        @if let Some(level) = &r.level { " · " (level_text(lang, r.programme.as_str(), level)) }
                        " " span.muted { "(" (when(&r.set_at)) ")" }
                    }
                }
                @if office.is_empty() { li.muted { (t(lang, "rounds.none")) } }
            }
            form.filters method="post" action="/dashboard/rounds" {
                input type="hidden" name="csrf" value=(csrf(headers));
                label { (t(lang, "filter.programme"))
                    select name="programme" {
                        @for rules in ovop_core::programme::shipped() { option value=(rules.programme.as_str()) { (rules.programme.as_str().to_uppercase()) } }
                    }
                }
                label { (t(lang, "filter.round")) input name="round" placeholder="2026-1" size="8"; }
                label { (t(lang, "filter.level"))
                    select name="level" {
                        option value="" { "—" }
                        @for rules in ovop_core::programme::shipped() {
                            optgroup label=(rules.programme.as_str().to_uppercase()) {
                                @for l in &rules.levels { option value=(l.code) { (l.name.get(lang, "en")) } }
                            }
                        }
                    }
                }
                button type="submit" name="action" value="set" { (t(lang, "rounds.set")) }
                button.secondary type="submit" name="action" value="clear" { (t(lang, "rounds.clear")) }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    programme: String,
    #[serde(default)]
    round: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    action: String,
}

/// A supervisor sets or clears the office's current round of a programme.
async fn set_round(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<RoundForm>,
) -> Response {
    let (actor, lang) =
        match signed_post(&state, &headers, "/dashboard", &form.csrf, Role::Supervisor).await {
            Ok(signed) => signed,
            Err(refused) => return refused,
        };
    let by = actor.user.name.clone();
    let done: crate::error::ApiResult<()> = async {
        if form.action == "clear" {
            let programme = crate::office::programme_of(&form.programme)?;
            state
                .db
                .run(move |tx| Ok(crate::office::clear_in(tx, programme)?))
                .await
        } else {
            let round = crate::office::checked(&form.programme, &form.round, Some(&form.level))?;
            state
                .db
                .run(move |tx| Ok(crate::office::set_in(tx, &round, &by)?))
                .await
        }
    }
    .await;
    match done {
        Ok(()) => redirect("/dashboard"),
        Err(e) => error_page(lang, Some(&actor), &headers, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    revision: i64,
    decision: String,
    #[serde(default)]
    comment: String,
}

async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let here = format!("/dashboard/assessments/{}", urlencode(&id));
    let (actor, lang) =
        match signed_post(&state, &headers, &here, &form.csrf, Role::Supervisor).await {
            Ok(signed) => signed,
            Err(refused) => return refused,
        };
    let request = review::DecisionRequest {
        revision: form.revision,
        decision: form.decision,
        comment: form.comment,
    };
    let now = crate::now();
    let a = actor.clone();
    let target = id.clone();
    match state
        .db
        .run(move |tx| review::decide_in(tx, &a, &target, &request, &now))
        .await
    {
        Ok(_) => redirect(&format!("{here}?next=decided")),
        Err(e) => error_page(lang, Some(&actor), &headers, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct HandoverForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    officer: String,
}

/// A supervisor hands the assessment to another officer of its region.
async fn hand_over(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<HandoverForm>,
) -> Response {
    let here = format!("/dashboard/assessments/{}", urlencode(&id));
    let (actor, lang) =
        match signed_post(&state, &headers, &here, &form.csrf, Role::Supervisor).await {
            Ok(signed) => signed,
            Err(refused) => return refused,
        };
    let request = review::HandoverRequest {
        officer: form.officer,
    };
    let now = crate::now();
    let a = actor.clone();
    match state
        .db
        .run(move |tx| review::hand_over_in(tx, &a, &id, &request, &now))
        .await
    {
        Ok(handover) => {
            tracing::info!(id = %handover.id, from = %handover.from, to = %handover.to, by = %handover.by, "assessment handed over");
            redirect(&format!("{here}?next=handed"))
        }
        Err(e) => error_page(lang, Some(&actor), &headers, &e),
    }
}

async fn blob(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(hex): Path<String>,
) -> Response {
    let actor = match signed_in(&state, &headers, "/dashboard").await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let chunk = match ovop_protocol::BlobChunk::parse(&hex, None) {
        Ok(chunk) => chunk,
        Err(p) => return ApiError::from_problem(StatusCode::BAD_REQUEST, p).into_response(),
    };
    // Only a photo of a record the reviewer may see.
    match crate::history::may_see(&state, &actor, &chunk.sha256).await {
        Ok(true) => {}
        Ok(false) => {
            return ApiError::not_found("blob.unknown", "no such photo within your regions")
                .into_response()
        }
        Err(e) => return e.into_response(),
    }
    let path = state.blobs.path(chunk.hex());
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let kind = crate::history::media_type(&bytes);
            let mut response = Bytes::from(bytes).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=31536000, immutable"),
            );
            response.headers_mut().insert(
                "x-content-type-options",
                HeaderValue::from_static("nosniff"),
            );
            response
        }
        Err(_) => ApiError::not_found("blob.incomplete", "the photo has not arrived in full yet")
            .into_response(),
    }
}

fn users_page(
    lang: &str,
    actor: &Actor,
    headers: &HeaderMap,
    users: &[auth::User],
    notice: Option<Markup>,
) -> Markup {
    let token = csrf(headers);
    page(
        lang,
        &t(lang, "users.title"),
        Some(actor),
        headers,
        html! {
            h1 { (t(lang, "users.title")) }
            @if let Some(notice) = notice { (notice) }
            table id="users" {
                thead { tr { th { (t(lang, "users.name")) } th { (t(lang, "users.role")) } th { (t(lang, "users.regions")) } th {} } }
                tbody { @for u in users { tr {
                    td {
                        (u.display_name) br; span.muted { (u.name) }
                        @if u.disabled { " " span.badge.returned { (t(lang, "users.disabled")) } }
                        @if u.must_change_password { " " span.badge { (t(lang, "users.must_change")) } }
                    }
                    td { (t(lang, &format!("role.{}", u.role.as_str()))) }
                    td { (u.regions.iter().map(|code| match crate::regions::Regions::get().name(code) {
                        Some(name) => format!("{code} {name}"),
                        None => code.clone(),
                    }).collect::<Vec<_>>().join(", ")) }
                    td { div.actions style="margin:0" {
                        form method="post" action={ "/dashboard/users/" (u.name) "/code" } style="margin:0" {
                            input type="hidden" name="csrf" value=(token);
                            button.secondary type="submit" { (t(lang, "users.code")) }
                        }
                        @if u.id != actor.user.id {
                            @if u.disabled {
                                form method="post" action={ "/dashboard/users/" (u.name) "/enable" } style="margin:0" {
                                    input type="hidden" name="csrf" value=(token);
                                    button.secondary type="submit" { (t(lang, "users.enable")) }
                                }
                            } @else {
                                form method="post" action={ "/dashboard/users/" (u.name) "/disable" } style="margin:0" {
                                    input type="hidden" name="csrf" value=(token);
                                    button.warn type="submit" { (t(lang, "users.disable")) }
                                }
                            }
                        }
                        details {
                            summary { (t(lang, "users.reset")) }
                            form method="post" action={ "/dashboard/users/" (u.name) "/password" } style="margin:.3rem 0" {
                                input type="hidden" name="csrf" value=(token);
                                label { (t(lang, "password.new")) input name="password" type="password" autocomplete="new-password" minlength="8" required size="12"; }
                                label style="flex-direction:row;align-items:center" { input type="checkbox" name="must_change" value="1" checked; " " (t(lang, "users.must_change_box")) }
                                button.secondary type="submit" { (t(lang, "users.reset")) }
                            }
                        }
                    } }
                } } }
            }
            h2 { (t(lang, "users.new")) }
            form.filters method="post" action="/dashboard/users" {
                input type="hidden" name="csrf" value=(token);
                label { (t(lang, "users.name")) input name="name" required size="12"; }
                label { (t(lang, "users.display_name")) input name="display_name" size="18"; }
                label { (t(lang, "users.role"))
                    select name="role" { @for r in ["officer", "supervisor", "admin"] { option value=(r) { (t(lang, &format!("role.{r}"))) } } }
                }
                label { (t(lang, "users.regions")) input name="regions" placeholder="63.05, VN25-01" size="14"; }
                label { (t(lang, "login.password")) input name="password" type="password" autocomplete="new-password" size="12"; }
                button type="submit" { (t(lang, "users.create")) }
            }
        },
    )
}

async fn users(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let actor = match signed_in(&state, &headers, "/dashboard/users").await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let lang = lang_of(&headers, q.lang.as_deref());
    if let Err(e) = actor.require(Role::Admin) {
        return error_page(lang, Some(&actor), &headers, &e);
    }
    match state.db.read(admin::users_in).await {
        Ok(list) => html_response(
            lang,
            users_page(lang, &actor, &headers, &list, None),
            StatusCode::OK,
        ),
        Err(e) => error_page(lang, Some(&actor), &headers, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    csrf: String,
    name: String,
    #[serde(default)]
    display_name: String,
    role: String,
    #[serde(default)]
    regions: String,
    #[serde(default)]
    password: String,
}

/// What every admin form checks first: signed in, the form's token, the admin role.
async fn admin_post(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
) -> Result<(Actor, &'static str), Response> {
    signed_post(state, headers, "/dashboard/users", token, Role::Admin).await
}

/// A form posted from the dashboard: a session (else to the sign-in page, back to `here`), the
/// session's form token, and `role`; the actor and the page's language.
async fn signed_post(
    state: &AppState,
    headers: &HeaderMap,
    here: &str,
    token: &str,
    role: Role,
) -> Result<(Actor, &'static str), Response> {
    let actor = signed_in(state, headers, here).await?;
    check_csrf(headers, token).map_err(IntoResponse::into_response)?;
    let lang = lang_of(headers, None);
    if let Err(e) = actor.require(role) {
        return Err(error_page(lang, Some(&actor), headers, &e));
    }
    Ok((actor, lang))
}

async fn create_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<UserForm>,
) -> Response {
    let (actor, lang) = match admin_post(&state, &headers, &form.csrf).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let new = NewUser {
        name: form.name,
        display_name: Some(form.display_name),
        role: form.role,
        password: Some(form.password).filter(|p| !p.is_empty()),
        regions: form
            .regions
            .split([',', ' '])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect(),
    };
    let outcome = admin::add_user(&state, new).await;
    let notice = match &outcome {
        Ok(user) => html! { div.ok role="status" { (t(lang, "users.created")) ": " (user.name) } },
        Err(e) => {
            html! { div.error role="alert" { (i18n::error(lang, &e.problem.code, &e.problem.message)) } }
        }
    };
    let status = outcome
        .as_ref()
        .map_or_else(|e| e.status, |_| StatusCode::OK);
    match state.db.read(admin::users_in).await {
        Ok(list) => html_response(
            lang,
            users_page(lang, &actor, &headers, &list, Some(notice)),
            status,
        ),
        Err(e) => error_page(lang, Some(&actor), &headers, &e),
    }
}

async fn create_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let (actor, lang) = match admin_post(&state, &headers, &form.csrf).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let address = admin::public_address(&headers, state.secure_cookies);
    match state
        .db
        .run(move |tx| admin::create_code_in(tx, &name, 72, &address))
        .await
    {
        Ok(code) => html_response(
            lang,
            page(
                lang,
                &t(lang, "code.title"),
                Some(&actor),
                &headers,
                html! {
                    h1 { (t(lang, "code.title")) ": " (code.user) }
                    div.card style="max-width:420px" {
                        p { (t(lang, "code.explain")) }
                        p style="font-size:1.6rem;font-weight:700;letter-spacing:2px" #code { (code.code) }
                        div { (PreEscaped(&code.qr_svg)) }
                        p.muted { (t(lang, "code.expires")) " " (when(&code.expires_at)) }
                    }
                    p { a href="/dashboard/users" { "← " (t(lang, "nav.users")) } }
                },
            ),
            StatusCode::OK,
        ),
        Err(e) => error_page(lang, Some(&actor), &headers, &e),
    }
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat: String,
}

fn password_form(lang: &str, actor: &Actor, headers: &HeaderMap, notice: Option<Markup>) -> Markup {
    page(
        lang,
        &t(lang, "password.title"),
        Some(actor),
        headers,
        html! {
            form.login method="post" action="/dashboard/password" {
                h1 { (t(lang, "password.title")) }
                @if actor.user.must_change_password {
                    p.muted { (t(lang, "password.forced")) }
                }
                @if let Some(notice) = notice { (notice) }
                input type="hidden" name="csrf" value=(csrf(headers));
                label { (t(lang, "password.current")) input name="current" type="password" autocomplete="current-password" required; }
                label { (t(lang, "password.new")) input name="password" type="password" autocomplete="new-password" minlength="8" required; }
                label { (t(lang, "password.repeat")) input name="repeat" type="password" autocomplete="new-password" minlength="8" required; }
                button type="submit" { (t(lang, "password.change")) }
            }
        },
    )
}

async fn password_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let actor = match signed_in(&state, &headers, "/dashboard/password").await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let lang = lang_of(&headers, q.lang.as_deref());
    html_response(
        lang,
        password_form(lang, &actor, &headers, None),
        StatusCode::OK,
    )
}

/// A user changes their own password. An officer (signed in only because an admin asked for a
/// new password) is signed out afterwards: the dashboard is not theirs.
async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let actor = match signed_in(&state, &headers, "/dashboard/password").await {
        Ok(actor) => actor,
        Err(redirect) => return redirect,
    };
    let lang = lang_of(&headers, None);
    if let Err(refused) = check_csrf(&headers, &form.csrf) {
        return error_page(lang, Some(&actor), &headers, &refused);
    }
    let outcome = if form.password != form.repeat {
        Err(ApiError::bad(
            "user.password_mismatch",
            Some("repeat"),
            "the new password and its repetition differ",
        ))
    } else {
        change_own_password(&state, &actor.user, &form.current, form.password).await
    };
    match outcome {
        Ok(user) if user.role == Role::Officer => {
            let device = actor.device_id;
            let now = crate::now();
            let _ = state
                .db
                .run(move |tx| admin::revoke_in(tx, device, &now))
                .await;
            let mut response = redirect("/login");
            response.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_static(
                    "ovop_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
                ),
            );
            response
        }
        Ok(user) => {
            let actor = Actor { user, ..actor };
            let notice = html! { div.ok role="status" { (t(lang, "password.changed")) } };
            html_response(
                lang,
                password_form(lang, &actor, &headers, Some(notice)),
                StatusCode::OK,
            )
        }
        Err(e) => {
            let notice = html! { div.error role="alert" { (i18n::error(lang, &e.problem.code, &e.problem.message)) } };
            html_response(
                lang,
                password_form(lang, &actor, &headers, Some(notice)),
                e.status,
            )
        }
    }
}

async fn disable_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    switch_user(state, headers, name, form, true).await
}

async fn enable_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    switch_user(state, headers, name, form, false).await
}

async fn switch_user(
    state: AppState,
    headers: HeaderMap,
    name: String,
    form: CsrfForm,
    disabled: bool,
) -> Response {
    let (actor, lang) = match admin_post(&state, &headers, &form.csrf).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let now = crate::now();
    let a = actor.clone();
    let outcome = state
        .db
        .run(move |tx| admin::set_disabled_in(tx, &a, &name, disabled, &now))
        .await;
    let notice = match &outcome {
        Ok(user) => {
            let key = if disabled {
                "users.disabled_now"
            } else {
                "users.enabled_now"
            };
            html! { div.ok role="status" { (t(lang, key)) ": " (user.name) } }
        }
        Err(e) => {
            html! { div.error role="alert" { (i18n::error(lang, &e.problem.code, &e.problem.message)) } }
        }
    };
    users_after(
        &state,
        &actor,
        &headers,
        lang,
        notice,
        outcome.err().map(|e| e.status),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    must_change: Option<String>,
}

async fn reset_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Form(form): Form<ResetForm>,
) -> Response {
    let (actor, lang) = match admin_post(&state, &headers, &form.csrf).await {
        Ok(signed) => signed,
        Err(refused) => return refused,
    };
    let outcome =
        admin::reset_password(&state, &name, form.password, form.must_change.is_some()).await;
    let notice = match &outcome {
        Ok(user) => {
            html! { div.ok role="status" { (t(lang, "users.reset_done")) ": " (user.name) } }
        }
        Err(e) => {
            html! { div.error role="alert" { (i18n::error(lang, &e.problem.code, &e.problem.message)) } }
        }
    };
    users_after(
        &state,
        &actor,
        &headers,
        lang,
        notice,
        outcome.err().map(|e| e.status),
    )
    .await
}

/// The users page again after an admin's form, with what happened on top.
async fn users_after(
    state: &AppState,
    actor: &Actor,
    headers: &HeaderMap,
    lang: &'static str,
    notice: Markup,
    refused: Option<StatusCode>,
) -> Response {
    match state.db.read(admin::users_in).await {
        Ok(list) => html_response(
            lang,
            users_page(lang, actor, headers, &list, Some(notice)),
            refused.unwrap_or(StatusCode::OK),
        ),
        Err(e) => error_page(lang, Some(actor), headers, &e),
    }
}

/// A user's own change of password: the current one is checked first (outside any
/// transaction), the new one must differ, and the obligation to change it ends.
async fn change_own_password(
    state: &AppState,
    user: &auth::User,
    current: &str,
    new: String,
) -> Result<auth::User, ApiError> {
    if auth::sign_in(state, &user.name, current).await?.is_none() {
        return Err(ApiError::forbidden(
            "user.wrong_password",
            Some("current"),
            "the current password is not right",
        ));
    }
    if new == current {
        return Err(ApiError::bad(
            "user.same_password",
            Some("password"),
            "choose a password other than the one to replace",
        ));
    }
    let hash = admin::hash_outside(state, new).await?;
    let id = user.id;
    let name = user.name.clone();
    state
        .db
        .run(move |tx| {
            tx.exec(
                "UPDATE app_user SET password_hash = $2, must_change_password = 0 WHERE id = $1",
                &[Val::Int(id), Val::from(hash)],
            )?;
            admin::user_by_name(tx, &name)
        })
        .await
}
