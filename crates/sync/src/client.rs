//! The HTTP client of the sync protocol (DESIGN.md §4): health, enrolment, push, blob upload
//! and the change feed. Every answer is read with a size bound and checked for what it must
//! be; anything else (a captive portal's page, a proxy's error, garbage) is a [`SyncError`]
//! with a stable code, never a panic.

use std::time::Duration;

use ovop_protocol::{
    recognise_health, BlobStatus, ChangesPage, EnrolRequest, Enrolled, Health, Problem,
    PushRequest, PushResponse, SetReceived, PROTOCOL_VERSION, VERSION_HEADER,
};
use serde::de::DeserializeOwned;

use crate::SyncError;
use ovop_protocol::Code;

/// The largest answer read from the server (a page of changes is far below).
const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// How the client uses the network.
#[derive(Debug, Clone, Copy)]
pub struct Network {
    pub connect: Duration,
    /// Between two reads of an answer (a slow link still moves; a dead one does not).
    pub read: Duration,
    /// Keep connections open between requests (off: one connection per request).
    pub reuse_connections: bool,
}

impl Default for Network {
    fn default() -> Network {
        Network {
            connect: Duration::from_secs(10),
            read: Duration::from_secs(60),
            reuse_connections: true,
        }
    }
}

/// What a download hands on as it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// The server sends the whole photo from its first byte: drop what was kept.
    Restart,
    Bytes(&'a [u8]),
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

/// How the officer proves who they are when enrolling.
#[derive(Debug, Clone)]
pub enum Credentials {
    Password {
        user: String,
        password: String,
    },
    /// A one-time code from the district admin (typed, or read from its QR code).
    Code(String),
}

impl Client {
    /// A client for the server at `base` (`https://dinas.example.id` or `http://127.0.0.1:8480`).
    pub fn new(base: &str, token: Option<String>, network: Network) -> Result<Client, SyncError> {
        let base = normalise_address(base)?;
        // One crypto provider for the whole process (ring, as the server uses).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder();
        if !network.reuse_connections {
            builder = builder.pool_max_idle_per_host(0);
        }
        let http = builder
            .connect_timeout(network.connect)
            .read_timeout(network.read)
            // A captive portal redirects; the server never does.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ovop-field/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                SyncError::new(
                    Code::SyncClient.as_str(),
                    format!("the HTTP client cannot start: {e}"),
                )
            })?;
        Ok(Client { http, base, token })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub fn with_token(mut self, token: String) -> Client {
        self.token = Some(token);
        self
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let builder = self
            .http
            .request(method, self.url(path))
            .header(VERSION_HEADER, PROTOCOL_VERSION.to_string());
        match &self.token {
            Some(token) => builder.bearer_auth(token),
            None => builder,
        }
    }

    /// `GET /v1/health`: the server, recognised by its answer, with its limits.
    pub async fn health(&self) -> Result<Health, SyncError> {
        let (status, body) = self
            .send(self.request(reqwest::Method::GET, "/v1/health"))
            .await?;
        if !(200..300).contains(&status) {
            return Err(status_error(status, &body));
        }
        recognise_health(&body).map_err(|p| SyncError::from_problem(status, p))
    }

    /// `POST /v1/enrol`: a device token for this laptop.
    pub async fn enrol(
        &self,
        credentials: &Credentials,
        device_name: &str,
    ) -> Result<Enrolled, SyncError> {
        let body = match credentials {
            Credentials::Password { user, password } => EnrolRequest {
                user: Some(user.clone()),
                password: Some(password.clone()),
                code: None,
                device_name: device_name.to_string(),
            },
            Credentials::Code(code) => EnrolRequest {
                user: None,
                password: None,
                code: Some(code.clone()),
                device_name: device_name.to_string(),
            },
        };
        let (status, answer) = self
            .send(self.request(reqwest::Method::POST, "/v1/enrol").json(&body))
            .await?;
        read_answer(status, &answer, 200..300)
    }

    /// `POST /v1/push` of one batch.
    pub async fn push(&self, request: &PushRequest) -> Result<(PushResponse, u64), SyncError> {
        let body = serde_json::to_vec(request)
            .map_err(|e| SyncError::new(Code::SyncLocal.as_str(), e.to_string()))?;
        let sent = body.len() as u64;
        let (status, answer) = self
            .send(
                self.request(reqwest::Method::POST, "/v1/push")
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body),
            )
            .await?;
        let response: PushResponse = read_answer(status, &answer, 200..300)?;
        if response.results.len() != request.records.len() {
            return Err(SyncError::new(
                Code::SyncBadAnswer.as_str(),
                format!(
                    "the server answered {} results for {} records",
                    response.results.len(),
                    request.records.len()
                ),
            ));
        }
        Ok((response, sent))
    }

    /// `GET /v1/blobs/{hex}`: how much of a blob the server has.
    pub async fn blob_status(&self, hex: &str) -> Result<BlobStatus, SyncError> {
        let (status, answer) = self
            .send(self.request(reqwest::Method::GET, &format!("/v1/blobs/{hex}")))
            .await?;
        read_answer(status, &answer, 200..300)
    }

    /// `PUT /v1/blobs/{hex}?offset=N` with the bytes from `offset` on.
    pub async fn put_blob(
        &self,
        hex: &str,
        offset: u64,
        bytes: Vec<u8>,
    ) -> Result<BlobStatus, SyncError> {
        let (status, answer) = self
            .send(
                self.request(
                    reqwest::Method::PUT,
                    &format!("/v1/blobs/{hex}?offset={offset}"),
                )
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                .body(bytes),
            )
            .await?;
        read_answer(status, &answer, 200..300)
    }

    /// `PUT /v1/criteria-sets/{hash}`: a criteria set the server does not know (it answered
    /// `push.unknown_set`), as JSON, under its content hash (`sha256:<hex>`).
    pub async fn put_criteria_set(
        &self,
        hash: &str,
        json: Vec<u8>,
    ) -> Result<SetReceived, SyncError> {
        let (status, answer) = self
            .send(
                self.request(reqwest::Method::PUT, &format!("/v1/criteria-sets/{hash}"))
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(json),
            )
            .await?;
        read_answer(status, &answer, 200..300)
    }

    /// `GET /v1/changes?since=N`: one page of the change feed.
    pub async fn changes(&self, since: i64, limit: u32) -> Result<ChangesPage, SyncError> {
        let (status, answer) = self
            .send(self.request(
                reqwest::Method::GET,
                &format!("/v1/changes?since={since}&limit={limit}"),
            ))
            .await?;
        let page: ChangesPage = read_answer(status, &answer, 200..300)?;
        if page.next < since
            || page
                .changes
                .iter()
                .any(|c| c.cursor <= since || c.cursor > page.next)
        {
            return Err(SyncError::new(
                Code::SyncBadAnswer.as_str(),
                "the server's change feed went backwards",
            ));
        }
        Ok(page)
    }

    /// `GET /v1/blobs/{hex}/thumbnail`: a small JPEG of a photo of a pulled record; `None`
    /// when the server has none (the file is not a picture).
    pub async fn thumbnail(&self, hex: &str) -> Result<Option<Vec<u8>>, SyncError> {
        let (status, answer) = self
            .send(self.request(reqwest::Method::GET, &format!("/v1/blobs/{hex}/thumbnail")))
            .await?;
        match status {
            200 if answer.starts_with(&[0xFF, 0xD8]) => Ok(Some(answer)),
            200 => Err(SyncError::new(
                Code::SyncBadAnswer.as_str(),
                "the server's thumbnail is not a JPEG picture",
            )),
            415 => Ok(None),
            _ => Err(status_error(status, &answer)),
        }
    }

    /// `GET /v1/blobs/{hex}/content` from byte `offset` on (`Range`), each piece handed to
    /// `sink` as it arrives, so that a download cut half-way keeps what came and resumes from
    /// there. A server that answers with the whole photo instead of the part says
    /// [`Piece::Restart`] first. Returns the bytes received.
    pub async fn download(
        &self,
        hex: &str,
        offset: u64,
        sink: &mut (dyn FnMut(Piece<'_>) -> Result<(), SyncError> + Send),
    ) -> Result<u64, SyncError> {
        let mut request = self.request(reqwest::Method::GET, &format!("/v1/blobs/{hex}/content"));
        if offset > 0 {
            request = request.header(reqwest::header::RANGE, format!("bytes={offset}-"));
        }
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        match status {
            206 if offset > 0 => {}
            200 => {
                if offset > 0 {
                    sink(Piece::Restart)?;
                }
            }
            _ => {
                let mut body = Vec::new();
                while let Some(chunk) = response.chunk().await.map_err(transport)? {
                    if body.len() + chunk.len() > 64 * 1024 {
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                return Err(status_error(status, &body));
            }
        }
        let mut received = 0u64;
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            received += chunk.len() as u64;
            sink(Piece::Bytes(&chunk))?;
        }
        Ok(received)
    }

    /// Sends, and reads the whole answer within [`MAX_ANSWER_BYTES`].
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<(u16, Vec<u8>), SyncError> {
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(SyncError::new(
                    Code::SyncBadAnswer.as_str(),
                    "the server's answer is far too long",
                ));
            }
            body.extend_from_slice(&chunk);
        }
        Ok((status, body))
    }
}

/// `dinas.example.id` becomes `https://dinas.example.id`; a trailing `/` goes. Only http and
/// https are accepted.
pub fn normalise_address(address: &str) -> Result<String, SyncError> {
    let trimmed = address.trim().trim_end_matches('/');
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("https://{trimmed}")
    };
    let url = reqwest::Url::parse(&with_scheme).map_err(|e| {
        SyncError::new(
            Code::SyncBadAddress.as_str(),
            format!("{address:?} is not a server address: {e}"),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(SyncError::new(
            Code::SyncBadAddress.as_str(),
            format!("{address:?} is not a server address"),
        ));
    }
    Ok(with_scheme)
}

fn transport(err: reqwest::Error) -> SyncError {
    if err.is_timeout() {
        SyncError::new(
            Code::SyncTimeout.as_str(),
            format!("the server did not answer in time: {err}"),
        )
    } else {
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(inner) = source {
            message = format!("{message}: {inner}");
            source = inner.source();
        }
        SyncError::new(
            Code::SyncOffline.as_str(),
            format!("the server cannot be reached: {message}"),
        )
    }
}

/// An answer outside `ok`: the server's problem when it sent one, else what the status says.
fn status_error(status: u16, body: &[u8]) -> SyncError {
    if let Ok(problem) = serde_json::from_slice::<Problem>(body) {
        if !problem.code.is_empty() {
            return SyncError::from_problem(status, problem);
        }
    }
    let mut error = match status {
        300..=399 => SyncError::new(
            Code::SyncNotTheServer.as_str(),
            format!("the address answered with a redirect ({status}); a Wi-Fi login page?"),
        ),
        500..=599 => SyncError::new(
            Code::SyncServerError.as_str(),
            format!("the server has a problem ({status}); trying again later"),
        ),
        401 => SyncError::new(
            Code::SyncEnrolAgain.as_str(),
            "the server no longer knows this laptop; enrol again",
        ),
        _ => SyncError::new(
            Code::SyncNotTheServer.as_str(),
            format!("the address answered {status} with something that is not the server"),
        ),
    };
    error.status = Some(status);
    error
}

fn read_answer<T: DeserializeOwned>(
    status: u16,
    body: &[u8],
    ok: std::ops::Range<u16>,
) -> Result<T, SyncError> {
    if !ok.contains(&status) {
        return Err(status_error(status, body));
    }
    serde_json::from_slice(body).map_err(|e| {
        let mut error = SyncError::new(
            Code::SyncBadAnswer.as_str(),
            format!("the server's answer cannot be read: {e}"),
        );
        error.status = Some(status);
        error
    })
}
