//! [`Secret`]: an upstream credential (a Sendcloud secret key, a JTL-SCX
//! refresh token, a key or token of the proxy's own), held by the proxy's
//! configuration and by the sandbox that checks it (feature `server`).

use std::fmt;

/// A secret string whose `Debug` never shows the value and which has no
/// `Display`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The value, for building the upstream `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// 64 random hex characters (two v4 UUIDs), e.g. a per-run sandbox key.
    pub fn generate() -> Self {
        Secret(format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "Secret(<empty>)" } else { "Secret(<redacted>)" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(<redacted>)");
        assert_eq!(format!("{:?}", Secret::default()), "Secret(<empty>)");
        let s = Secret::generate();
        assert_eq!(s.expose().len(), 64);
        assert_ne!(s, Secret::generate());
    }
}
