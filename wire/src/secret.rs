//! [`Secret`]: an upstream credential (a Sendcloud secret key, a JTL-SCX
//! refresh token, a key or token of the proxy's own), held by the proxy's
//! configuration and by the sandbox that checks it (feature `server`), as a
//! [`secrecy::SecretString`].

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// A secret string (an API key, a token): zeroed when dropped, `Debug`
/// never shows the value, and there is no `Display`.
pub struct Secret(SecretString);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(SecretString::from(s.into()))
    }
    /// The value, for building an upstream `Authorization` header, signing
    /// or comparing only.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }
    /// 64 random hex characters (two v4 UUIDs), e.g. a per-run sandbox key.
    pub fn generate() -> Self {
        Secret::new(format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()))
    }
}

impl Clone for Secret {
    fn clone(&self) -> Self {
        Secret::new(self.expose())
    }
}

impl Default for Secret {
    fn default() -> Self {
        Secret::new(String::new())
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.is_empty() { "Secret(<empty>)" } else { "Secret(<redacted>)" })
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_never_shows_the_value() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(<redacted>)");
        assert_eq!(format!("{:?}", Secret::new("sk-1234")), "Secret(<redacted>)");
        assert_eq!(format!("{:?}", Secret::default()), "Secret(<empty>)");
        let s = Secret::generate();
        assert_eq!(s.expose().len(), 64);
        assert_eq!(s.clone(), s);
        assert_ne!(s, Secret::generate());
    }
}
