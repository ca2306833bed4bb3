//! Proves that no push body, however malformed, panics the parser or the per-record checks.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ovop_protocol::{Limits, PushRequest};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    if let Ok(request) = PushRequest::parse(data, &limits) {
        for record in &request.records {
            let _ = record.check(&limits);
        }
    }
});
