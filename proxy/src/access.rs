//! Per-ticket access tokens: `v1.<base64url(payload)>.<base64url(HMAC-SHA256(key, "v1." + payload))>`.
//!
//! The payload is JSON `{"t":"<ticket reference>","e":<expiry, Unix seconds>}`;
//! the reference is upstream's UUID from create, or an int64 id as a
//! decimal string. Checking a token needs only the key, no server state.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::config::Secret;

type HmacSha256 = Hmac<Sha256>;

/// Longest token accepted (anything longer is not ours).
pub const MAX_TOKEN_LEN: usize = 512;

#[derive(Serialize, Deserialize)]
struct Payload {
    t: String,
    e: u64,
}

/// Signs and checks tokens with one key.
#[derive(Clone)]
pub struct TokenKey {
    key: Vec<u8>,
    validity_secs: u64,
}

impl std::fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(<redacted>)")
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

impl TokenKey {
    pub fn new(key: &Secret, validity_days: u64) -> Self {
        TokenKey { key: key.expose().as_bytes().to_vec(), validity_secs: validity_days * 86_400 }
    }

    fn mac(&self, signed: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(signed);
        mac
    }

    /// A token for `reference` valid for the configured days.
    pub fn issue(&self, reference: &str) -> String {
        self.issue_until(reference, now_secs() + self.validity_secs)
    }

    /// A token for `reference` that expires at `expires` (Unix seconds).
    pub fn issue_until(&self, reference: &str, expires: u64) -> String {
        let payload = serde_json::to_vec(&Payload { t: reference.to_owned(), e: expires }).unwrap_or_default();
        let signed = format!("v1.{}", URL_SAFE_NO_PAD.encode(payload));
        let sig = URL_SAFE_NO_PAD.encode(self.mac(signed.as_bytes()).finalize().into_bytes());
        format!("{signed}.{sig}")
    }

    /// The ticket reference of a valid, unexpired token.
    pub fn verify(&self, token: &str) -> Option<String> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let (signed, sig) = token.rsplit_once('.')?;
        let payload_b64 = signed.strip_prefix("v1.")?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        self.mac(signed.as_bytes()).verify_slice(&sig).ok()?;
        let payload: Payload = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload_b64).ok()?).ok()?;
        (payload.e > now_secs()).then_some(payload.t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> TokenKey {
        TokenKey::new(&Secret::new(k), 180)
    }

    #[test]
    fn issue_verify_tamper_expire() {
        let k = key("0123456789abcdef0123456789abcdef");
        let t = k.issue("b99c8ea5-3156-442e-8dfe-c746218a3fbe");
        assert!(t.starts_with("v1."));
        assert_eq!(k.verify(&t).as_deref(), Some("b99c8ea5-3156-442e-8dfe-c746218a3fbe"));
        assert_eq!(key("another key, another key, another!").verify(&t), None);
        let mut bytes = t.clone().into_bytes();
        let i = 5;
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        assert_eq!(k.verify(&String::from_utf8(bytes).unwrap()), None);
        assert_eq!(k.verify(&k.issue_until("1", 1)), None, "expired");
        assert_eq!(k.verify("v1.x.y"), None);
        assert_eq!(k.verify(""), None);
        assert_eq!(k.verify(&"a".repeat(600)), None);
    }
}
