//! Upstream's Python-style `Validation Error. Errors: [...]` detail, as the
//! widget and the proxy parse it: never a panic, and what the proxy writes
//! in that format parses back to the same issues.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcel_desk_wire::error::{format_validation_detail, parse_validation_detail};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let issues = parse_validation_detail(text);
    for issue in &issues {
        let _ = issue.field();
    }
    // The proxy's own answers: format, then parse, gives the issues back
    // whenever the issue texts hold nothing the format must escape.
    let plain = issues.iter().all(|i| {
        let ok = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || " _.-".contains(c));
        ok(&i.kind) && ok(&i.msg) && i.loc.iter().all(|l| ok(l) && !l.is_empty()) && !i.loc.is_empty()
    });
    if plain && !issues.is_empty() {
        assert_eq!(parse_validation_detail(&format_validation_detail(&issues)), issues);
    }
});
