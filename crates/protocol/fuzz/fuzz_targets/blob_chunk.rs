//! Proves that no blob path and query panics the chunk parser, and that an accepted name is
//! always `sha256:` and 64 lower-case hex digits, never a path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ovop_protocol::BlobChunk;

fuzz_target!(|data: &[u8]| {
    // The request target's shape: `name?query`, the query absent when there is no `?`.
    let (name, query) = match data.iter().position(|&b| b == b'?') {
        Some(at) => (&data[..at], Some(&data[at + 1..])),
        None => (data, None),
    };
    let (Ok(name), Ok(query)) = (std::str::from_utf8(name), query.map(std::str::from_utf8).transpose()) else {
        return;
    };
    if let Ok(chunk) = BlobChunk::parse(name, query) {
        let hex = chunk.sha256.strip_prefix("sha256:").expect("the name starts with sha256:");
        assert_eq!(hex.len(), 64, "64 hex digits: {:?}", chunk.sha256);
        assert!(hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "lower-case hex: {:?}", chunk.sha256);
        assert!(!chunk.sha256.contains(['/', '.']), "not a path: {:?}", chunk.sha256);
        assert_eq!(chunk.hex(), hex);
    }
});
