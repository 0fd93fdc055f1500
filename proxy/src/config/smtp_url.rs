//! `mail.smtp_url`: where mails go, read once at start.
//!
//! * `smtps://[user:password@]host[:port]`: TLS from the first byte
//!   (port 465 by default);
//! * `smtp://[user:password@]host[:port]`: STARTTLS, required (port 587 by
//!   default): a server that does not offer it gets no mail;
//! * `smtp://host[:port]?tls=none`: no TLS at all (port 25 by default), for
//!   a relay on the same machine or a test sink; credentials are refused
//!   there (they would cross the network in clear).
//!
//! User and password are percent-decoded. The password is a [`Secret`]
//! and never printed: [`SmtpUrl::redacted`] is what logs and errors show.

use std::fmt;

use super::Secret;

/// How the connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpTls {
    /// TLS from the first byte (`smtps://`).
    Implicit,
    /// `STARTTLS`, required (`smtp://`).
    StartTls,
    /// None (`smtp://…?tls=none`).
    None,
}

/// A checked `mail.smtp_url`.
#[derive(Clone)]
pub struct SmtpUrl {
    pub tls: SmtpTls,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<Secret>,
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
            let v = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or("a bad %-escape in the user or password")?;
            out.push(v);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the user or password is not UTF-8".to_owned())
}

impl SmtpUrl {
    /// Reads `smtp://…` or `smtps://…`. The error never repeats the value.
    pub fn parse(text: &str) -> Result<SmtpUrl, String> {
        let text = text.trim();
        let url = reqwest::Url::parse(text)
            .map_err(|_| "expected smtp://[user:password@]host[:port] or smtps://…".to_owned())?;
        let mut tls = match url.scheme() {
            "smtps" => SmtpTls::Implicit,
            "smtp" => SmtpTls::StartTls,
            _ => return Err("expected an smtp:// (STARTTLS) or smtps:// (TLS) URL".into()),
        };
        let host = url.host_str().filter(|h| !h.is_empty()).ok_or("the URL needs a host")?;
        let host = host.trim_start_matches('[').trim_end_matches(']').to_owned();
        if !matches!(url.path(), "" | "/") || url.fragment().is_some() {
            return Err("no path or fragment: only ?tls=none is accepted after the host".into());
        }
        for (k, v) in url.query_pairs() {
            match (k.as_ref(), v.as_ref()) {
                ("tls", "none") if tls == SmtpTls::StartTls => tls = SmtpTls::None,
                ("tls", "none") => return Err("tls=none only with smtp:// (smtps:// is always TLS)".into()),
                _ => return Err("unknown query parameter: only ?tls=none is accepted".into()),
            }
        }
        let user = (!url.username().is_empty()).then(|| decode(url.username())).transpose()?;
        let password = url.password().map(decode).transpose()?.map(Secret::new);
        if user.is_some() != password.is_some() {
            return Err("give both user and password (smtp://user:password@host), or neither".into());
        }
        if tls == SmtpTls::None && user.is_some() {
            return Err("no credentials with tls=none: they would be sent in clear".into());
        }
        let port = url.port().unwrap_or(match tls {
            SmtpTls::Implicit => 465,
            SmtpTls::StartTls => 587,
            SmtpTls::None => 25,
        });
        Ok(SmtpUrl { tls, host, port, user, password })
    }

    /// The URL without the password (`smtp://user:***@host:587`).
    pub fn redacted(&self) -> String {
        let scheme = if self.tls == SmtpTls::Implicit { "smtps" } else { "smtp" };
        let user = match &self.user {
            Some(u) => format!("{u}:***@"),
            None => String::new(),
        };
        let query = if self.tls == SmtpTls::None { "?tls=none" } else { "" };
        format!("{scheme}://{user}{}:{}{query}", self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = SmtpUrl::parse("smtp://mailer%40shop:p%40ss@mail.example.com").unwrap();
        assert_eq!((u.tls, u.port, u.host.as_str()), (SmtpTls::StartTls, 587, "mail.example.com"));
        assert_eq!(u.user.as_deref(), Some("mailer@shop"));
        assert_eq!(u.password.as_ref().unwrap().expose(), "p@ss");
        assert_eq!(u.redacted(), "smtp://mailer@shop:***@mail.example.com:587");
        assert!(!format!("{u:?}").contains("p@ss"));
        let s = SmtpUrl::parse("smtps://u:secret@mail.example.com:2465").unwrap();
        assert_eq!((s.tls, s.port), (SmtpTls::Implicit, 2465));
        let plain = SmtpUrl::parse("smtp://127.0.0.1:2525?tls=none").unwrap();
        assert_eq!((plain.tls, plain.port), (SmtpTls::None, 2525));
        assert_eq!(plain.redacted(), "smtp://127.0.0.1:2525?tls=none");
        assert_eq!(SmtpUrl::parse("smtps://mail.example.com").unwrap().port, 465);
        for (bad, why) in [
            ("http://mail.example.com", "smtp://"),
            ("smtp://", "needs a host"),
            ("smtp://u:secret@127.0.0.1?tls=none", "in clear"),
            ("smtps://h?tls=none", "only with smtp://"),
            ("smtp://h?tls=maybe", "unknown query"),
            ("smtp://h/path", "no path"),
            ("smtp://user@h", "both user and password"),
        ] {
            let e = SmtpUrl::parse(bad).unwrap_err();
            assert!(e.contains(why), "{bad}: {e}");
            assert!(!e.contains("secret"));
        }
    }
}
