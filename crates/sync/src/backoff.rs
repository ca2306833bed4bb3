//! When to try again: exponential backoff with jitter, capped, never giving up on what can be
//! retried; and what each answer of the server means.

use ovop_protocol::Code;
use std::time::Duration;

/// Waits that double from `base` up to `cap`, each drawn between half and all of its ceiling
/// ("equal jitter": laptops that lost the link together do not come back together, and no
/// wait is zero).
#[derive(Debug, Clone, PartialEq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff {
            base,
            cap: cap.max(base),
            attempt: 0,
        }
    }

    /// The field default: 2 s, doubling to 5 minutes.
    pub fn field() -> Backoff {
        Backoff::new(Duration::from_secs(2), Duration::from_secs(300))
    }

    /// The next wait; `unit` is a random number in [0, 1).
    pub fn next(&mut self, unit: f64) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(1u32 << self.attempt.min(20))
            .min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.5
        };
        ceiling / 2 + ceiling.mul_f64(unit / 2.0)
    }

    /// After a success: the next failure starts from `base` again.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

/// What to do after an answer to a push or an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Done; go on.
    Continue,
    /// The server or the link failed: wait ([`Backoff`]) and send the same again.
    Retry,
    /// The request itself is refused: set aside the record(s) it names with the reason, send
    /// the rest.
    SetAside,
    /// The device is not (or no longer) enrolled: stop until the officer enrols again.
    Enrol,
    /// Another protocol version, or not the server at all: stop and say so.
    Stop,
}

/// What an HTTP status and error code mean for the sender. No answer at all (a timeout, a
/// dropped connection) is `Retry` too.
pub fn after(status: u16, code: Option<&str>) -> Next {
    match (status, code.and_then(Code::parse)) {
        (200..=299, _) => Next::Continue,
        (401, _) => Next::Enrol,
        (_, _) if code.is_some_and(|c| c.starts_with("sync.")) => Next::Stop,
        (408 | 425 | 429, _) => Next::Retry,
        // A blob at the wrong offset: ask where it stands and resume from there. Bytes that
        // arrived damaged: the server threw them away; send the blob again from 0.
        (409, Some(Code::BlobWrongOffset)) | (422, Some(Code::BlobHashMismatch)) => Next::Retry,
        // The server's disk is full, or it is failing: nothing is wrong with the record.
        (500..=599, _) => Next::Retry,
        (400..=499, _) => Next::SetAside,
        // Anything else (a 3xx from a captive portal, say) is not the server answering.
        _ => Next::Stop,
    }
}

/// A number in [0, 1) from the clock's nanoseconds: the jitter the app and the command line
/// pass to [`Backoff::next`] (good enough to spread laptops apart; not for secrets).
pub fn clock_jitter() -> f64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000_000) / 1_000_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_with_jitter_up_to_the_cap_and_start_over_after_a_success() {
        let mut backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(60));
        let lows: Vec<u64> = (0..8)
            .map(|_| backoff.next(0.0).as_millis() as u64)
            .collect();
        assert_eq!(
            lows,
            vec![1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]
        );
        let mut backoff = Backoff::new(Duration::from_secs(2), Duration::from_secs(60));
        let highs: Vec<u64> = (0..8)
            .map(|_| backoff.next(0.999_999).as_millis() as u64)
            .collect();
        assert_eq!(
            highs,
            vec![1999, 3999, 7999, 15999, 31999, 59999, 59999, 59999]
        );
        assert_eq!(backoff.attempts(), 8);
        backoff.reset();
        assert_eq!(backoff.next(0.0), Duration::from_secs(1));
        // Nonsense randomness never gives a zero or an endless wait.
        assert_eq!(backoff.next(f64::NAN), Duration::from_secs(3));
        assert_eq!(Backoff::field().next(7.0), Duration::from_secs(2));
        let mut long = Backoff::field();
        assert!((0..1000)
            .map(|_| long.next(0.5))
            .all(|d| d <= Duration::from_secs(300)));
    }

    #[test]
    fn answers_are_told_apart_by_status_and_code() {
        assert_eq!(after(200, None), Next::Continue);
        assert_eq!(after(201, None), Next::Continue);
        for status in [500, 502, 503, 504, 507] {
            assert_eq!(after(status, None), Next::Retry, "{status}");
        }
        assert_eq!(after(429, Some("auth.too_many_attempts")), Next::Retry);
        assert_eq!(after(409, Some("blob.wrong_offset")), Next::Retry);
        assert_eq!(after(401, Some("auth.invalid_token")), Next::Enrol);
        assert_eq!(after(403, Some("push.region_not_assigned")), Next::SetAside);
        assert_eq!(after(413, Some("push.too_large")), Next::SetAside);
        assert_eq!(after(422, Some("blob.hash_mismatch")), Next::Retry);
        assert_eq!(after(400, Some("push.malformed")), Next::SetAside);
        assert_eq!(after(0, Some("sync.not_the_server")), Next::Stop);
        assert_eq!(after(302, None), Next::Stop);
    }
}
