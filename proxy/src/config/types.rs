//! Validated value types of the configuration: a value of one of these
//! types is valid by construction, so code holding a [`super::Config`]
//! never checks them again.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use axum::http::HeaderValue;

/// Why a string is not an upstream base URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("must be an absolute http(s) URL")]
    Unparsable,
    #[error("must be an absolute http(s) URL")]
    NotHttp,
    #[error("must not contain credentials")]
    Credentials,
    #[error("must not have a query or fragment")]
    QueryOrFragment,
}

/// An upstream base URL: absolute http(s), with a host, without
/// credentials, query or fragment. Keeps the text as configured (the
/// account digest of the upstream budget is taken over it).
#[derive(Clone, PartialEq, Eq)]
pub struct BaseUrl {
    text: String,
    url: reqwest::Url,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl, BaseUrlError> {
        let url = reqwest::Url::parse(text).map_err(|_| BaseUrlError::Unparsable)?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(BaseUrlError::NotHttp);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(BaseUrlError::Credentials);
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BaseUrlError::QueryOrFragment);
        }
        Ok(BaseUrl { text: text.to_owned(), url })
    }
    /// The URL as configured.
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// The parsed URL.
    pub fn url(&self) -> &reqwest::Url {
        &self.url
    }
    /// This URL with `path` (starting with `/`) appended to its text.
    pub fn with_suffix(&self, path: &str) -> Result<BaseUrl, BaseUrlError> {
        BaseUrl::parse(&format!("{}{path}", self.text.trim_end_matches('/')))
    }
}

impl FromStr for BaseUrl {
    type Err = BaseUrlError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BaseUrl::parse(s)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.text, f)
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The widget API's path prefix: `/api`, `/parcel-desk/api` — starts with
/// `/`, no trailing `/`, no empty or dot segments, only unreserved
/// characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiPrefix(String);

impl ApiPrefix {
    pub fn parse(p: &str) -> Option<ApiPrefix> {
        let ok = p.starts_with('/')
            && p.len() > 1
            && !p.ends_with('/')
            && p.split('/').skip(1).all(|s| {
                !s.is_empty()
                    && s != "."
                    && s != ".."
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
            });
        ok.then(|| ApiPrefix(p.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for ApiPrefix {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ApiPrefix::parse(s).ok_or_else(|| format!("not an API prefix like /api: {s:?}"))
    }
}

impl Default for ApiPrefix {
    fn default() -> Self {
        ApiPrefix("/api".into())
    }
}

impl Deref for ApiPrefix {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ApiPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A shop origin that gets CORS headers: `https://shop.example[:port]`
/// (scheme and host, optional port; no path, no wildcard).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(HeaderValue);

impl Origin {
    /// Reads one entry (surrounding blanks and a trailing `/` are dropped).
    pub fn parse(entry: &str) -> Option<Origin> {
        let o = entry.trim().trim_end_matches('/');
        let rest = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://"));
        if !rest.is_some_and(|r| !r.is_empty() && !r.contains('/') && !r.contains('*')) {
            return None;
        }
        HeaderValue::from_str(o).ok().map(Origin)
    }
    pub fn as_str(&self) -> &str {
        // Built from a `&str` in `parse`: always visible ASCII.
        self.0.to_str().unwrap_or_default()
    }
    /// The origin as the `Access-Control-Allow-Origin` value.
    pub fn header_value(&self) -> &HeaderValue {
        &self.0
    }
}

impl FromStr for Origin {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Origin::parse(s).ok_or_else(|| format!("not an origin like https://shop.example: {s:?}"))
    }
}

impl PartialEq<&str> for Origin {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(BaseUrl::parse("https://x.example/api/v3").unwrap().as_str(), "https://x.example/api/v3");
        assert_eq!(BaseUrl::parse("x.example"), Err(BaseUrlError::Unparsable));
        assert_eq!(BaseUrl::parse("ftp://x.example"), Err(BaseUrlError::NotHttp));
        assert_eq!(BaseUrl::parse("https://u:p@x.example"), Err(BaseUrlError::Credentials));
        assert_eq!(BaseUrl::parse("https://x.example/?a=1"), Err(BaseUrlError::QueryOrFragment));
        let b = BaseUrl::parse("http://127.0.0.1:9").unwrap();
        assert_eq!(b.with_suffix("/jtl").unwrap().as_str(), "http://127.0.0.1:9/jtl");
    }

    #[test]
    fn prefixes_and_origins() {
        assert!(ApiPrefix::parse("/parcel-desk/api").is_some());
        for bad in ["api", "/", "/api/", "/a//b", "/a/../b", "/a b"] {
            assert!(ApiPrefix::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Origin::parse(" https://shop.example/ ").unwrap(), "https://shop.example");
        for bad in ["shop.example", "https://", "https://shop.example/path", "https://*.shop.example"] {
            assert!(Origin::parse(bad).is_none(), "{bad}");
        }
    }
}
