//! Slow clients: every request body is read under a watch, so a client that trickles its body
//! (or stops half-way) is cut off instead of holding a connection, a push slot or a photo's
//! lock for ever. A body must deliver its next bytes within `idle`, and, once `grace` has
//! passed, keep an average of `min_rate` bytes a second: an officer's 25 kB/s link passes with
//! room, one byte every few seconds does not. Headers have their own timeout at the connection
//! (see [`crate::start`]).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::StatusCode;
use tokio::time::{Instant, Sleep};

use crate::error::ApiError;

/// How slowly a client may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlowClients {
    /// A request's headers must all arrive within this.
    pub header_timeout: Duration,
    /// The longest pause between two pieces of a body.
    pub idle: Duration,
    /// How long a body may start slowly before its average rate counts.
    pub grace: Duration,
    /// The lowest average rate, bytes a second, after `grace`.
    pub min_rate: u64,
}

impl Default for SlowClients {
    fn default() -> SlowClients {
        SlowClients {
            header_timeout: Duration::from_secs(20),
            idle: Duration::from_secs(30),
            grace: Duration::from_secs(20),
            min_rate: 1024,
        }
    }
}

/// The error a watched body ends with when its client is too slow.
#[derive(Debug)]
pub struct TooSlow;

impl std::fmt::Display for TooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(TOO_SLOW)
    }
}

impl std::error::Error for TooSlow {}

const TOO_SLOW: &str = "the request's body arrives too slowly";

/// Whether a body error (however the framework wrapped it) was a [`TooSlow`].
pub fn is_too_slow(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<TooSlow>() || e.to_string().contains(TOO_SLOW) {
            return true;
        }
        current = e.source();
    }
    false
}

/// The refusal for a body that came too slowly.
pub fn too_slow() -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "http.too_slow",
        None,
        "the request's body arrived too slowly; send it again",
    )
}

/// A body read under the watch of [`SlowClients`].
pub struct Watched {
    inner: Body,
    limits: SlowClients,
    started: Instant,
    read: u64,
    deadline: Pin<Box<Sleep>>,
    failed: bool,
}

impl Watched {
    pub fn new(inner: Body, limits: SlowClients) -> Watched {
        let now = Instant::now();
        Watched {
            inner,
            limits,
            started: now,
            read: 0,
            deadline: Box::pin(tokio::time::sleep_until(now + limits.idle)),
            failed: false,
        }
    }

    fn too_slow_now(&self, now: Instant) -> bool {
        let elapsed = now.duration_since(self.started);
        elapsed > self.limits.grace
            && (self.read as f64) < self.limits.min_rate as f64 * elapsed.as_secs_f64()
    }
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        if self.failed {
            return Poll::Ready(None);
        }
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let now = Instant::now();
                if let Some(data) = frame.data_ref() {
                    self.read += data.len() as u64;
                }
                if self.too_slow_now(now) {
                    self.failed = true;
                    return Poll::Ready(Some(Err(axum::Error::new(TooSlow))));
                }
                let next = now + self.limits.idle;
                self.deadline.as_mut().reset(next);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => {
                if self.deadline.as_mut().poll(cx).is_ready() {
                    self.failed = true;
                    return Poll::Ready(Some(Err(axum::Error::new(TooSlow))));
                }
                Poll::Pending
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.failed || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// The middleware that puts every request's body under the watch.
pub async fn watch_bodies(
    axum::extract::State(limits): axum::extract::State<SlowClients>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let request = request.map(|body| Body::new(Watched::new(body, limits)));
    next.run(request).await
}
