//! What the tests of the HTTP surface share: one body run on both backends, a client that
//! shows redirects, a dashboard session and its form token, a photo's chunk, a forged record.

use std::time::Duration;

use serde_json::Value;

use super::{blob_of, Server};

/// One test body run against both backends.
#[macro_export]
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::support::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::support::Backend::Postgres).await;
                }
            )*
        }
    };
}

pub fn code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or("")
}

/// A client that shows redirects instead of following them.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client")
}

pub fn origin(server: &Server) -> String {
    server.running.url()
}

/// Signs in to the dashboard as a page of it would; the session cookie.
pub async fn dashboard_session(server: &Server, name: &str, password: &str) -> String {
    let response = browser()
        .post(server.url("/login"))
        .header("origin", origin(server))
        .form(&[("user", name), ("password", password)])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 303, "{name} signs in");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .expect("cookie")
        .split(';')
        .next()
        .expect("name=value")
        .to_string();
    assert!(cookie.starts_with("ovop_session="));
    cookie
}

/// The form token a page of this session carries.
pub fn form_token(cookie: &str) -> String {
    let session = cookie.trim_start_matches("ovop_session=");
    ovop_server::auth::secret_hash(&format!("ovt_csrf:{session}"))[..32].to_string()
}

/// Where a dashboard page sends the browser (None: it is shown).
pub async fn page_goes(server: &Server, cookie: &str, path: &str) -> Option<String> {
    let response = browser()
        .get(server.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .expect("page");
    if response.status().is_redirection() {
        Some(
            response.headers()["location"]
                .to_str()
                .expect("location")
                .to_string(),
        )
    } else {
        assert_eq!(response.status(), 200, "{path}");
        None
    }
}

pub async fn dashboard_post(
    server: &Server,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let csrf = form_token(cookie);
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    browser()
        .post(server.url(path))
        .header("cookie", cookie)
        .header("origin", origin(server))
        .form(&form)
        .send()
        .await
        .expect("post")
}

pub async fn put_blob(
    server: &Server,
    token: &str,
    bytes: &[u8],
    offset: usize,
    upto: usize,
) -> (u16, Value) {
    let hex = &blob_of(bytes).sha256[7..];
    let response = server
        .http
        .put(server.url(&format!("/v1/blobs/{hex}?offset={offset}")))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes[offset..upto].to_vec())
        .send()
        .await
        .expect("put");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The record with its body changed by `change` (and its content hash made right again, as a
/// hostile laptop would).
pub fn tampered(
    record: &ovop_protocol::Record,
    change: impl Fn(&mut Value),
) -> ovop_protocol::Record {
    let mut body = record.body.clone();
    change(&mut body);
    ovop_protocol::Record::new(
        record.kind,
        &record.id,
        record.revision,
        body,
        record.blobs.clone(),
    )
}
