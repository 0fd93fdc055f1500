//! Access tokens: verifying any string never panics and never accepts a
//! token the key did not issue; every issued token verifies to its ticket.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcel_desk_proxy::access::TokenKey;
use parcel_desk_proxy::Secret;

fuzz_target!(|data: &[u8]| {
    let key = TokenKey::new(&Secret::new("fuzz-key-0123456789abcdef0123456789abcdef"), 30);
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(reference) = key.verify(text) {
        // Only an issued token verifies: the same reference issued again
        // has the same form (the fuzzer cannot forge the MAC).
        assert!(!reference.is_empty());
        assert!(text.starts_with("v1."), "{text}");
    }
    let reference: String = text.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(64).collect();
    if !reference.is_empty() {
        let token = key.issue(&reference);
        assert_eq!(key.verify(&token).as_deref(), Some(reference.as_str()));
        let other = TokenKey::new(&Secret::new("another-key-0123456789abcdef0123456789ab"), 30);
        assert_eq!(other.verify(&token), None);
    }
});
