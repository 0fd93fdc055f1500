//! How the proxy authenticates to the Sendcloud APIs: HTTP Basic with the
//! key pair, or OAuth2 client credentials (the same pair as client id and
//! secret, scope `api`) with the access token cached and renewed before it
//! expires, and fetched once more when upstream answers 401.

use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, StatusCode};
use base64::Engine as _;
use bytes::Bytes;

/// The answer of a token endpoint that refused (its status and body are
/// relayed like any upstream answer).
#[derive(Debug)]
pub struct TokenRefused {
    pub status: StatusCode,
    pub body: Bytes,
}

/// Why no `Authorization` header could be had.
#[derive(Debug)]
pub enum AuthError {
    /// The token endpoint could not be reached (or timed out).
    Unreachable(reqwest::Error),
    /// It answered, but not with a token.
    Refused(TokenRefused),
}

#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// OAuth2 client credentials against `token_url`.
#[derive(Debug)]
pub struct OAuth2 {
    token_url: reqwest::Url,
    /// The client credentials, as HTTP Basic (RFC 6749 §2.3.1).
    client_basic: HeaderValue,
    client: reqwest::Client,
    cached: tokio::sync::Mutex<Option<(HeaderValue, Instant)>>,
    /// Tokens fetched so far (for tests and logs).
    fetched: std::sync::atomic::AtomicU64,
}

/// The `Authorization` of upstream requests.
#[derive(Debug)]
pub enum UpstreamAuth {
    Basic(HeaderValue),
    OAuth2(OAuth2),
}

/// The key pair cannot be sent in a header.
#[derive(Debug, thiserror::Error)]
#[error("support.public_key contains characters not allowed in a header")]
pub struct KeyNotHeaderSafe;

fn basic(public_key: &str, secret_key: &str) -> Result<HeaderValue, KeyNotHeaderSafe> {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{public_key}:{secret_key}"));
    let mut v = HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| KeyNotHeaderSafe)?;
    v.set_sensitive(true);
    Ok(v)
}

impl UpstreamAuth {
    /// HTTP Basic with the key pair.
    pub fn basic(public_key: &str, secret_key: &str) -> Result<Self, KeyNotHeaderSafe> {
        Ok(UpstreamAuth::Basic(basic(public_key, secret_key)?))
    }

    /// OAuth2 client credentials (the key pair as client id and secret).
    pub fn oauth2(
        token_url: reqwest::Url,
        public_key: &str,
        secret_key: &str,
        client: reqwest::Client,
    ) -> Result<Self, KeyNotHeaderSafe> {
        Ok(UpstreamAuth::OAuth2(OAuth2 {
            token_url,
            client_basic: basic(public_key, secret_key)?,
            client,
            cached: tokio::sync::Mutex::new(None),
            fetched: Default::default(),
        }))
    }

    /// The header for the next request: the Basic pair, or a cached token
    /// (fetched when there is none or it expires within a minute, or within
    /// a tenth of its life when that is shorter).
    pub async fn header(&self) -> Result<HeaderValue, AuthError> {
        let o = match self {
            UpstreamAuth::Basic(v) => return Ok(v.clone()),
            UpstreamAuth::OAuth2(o) => o,
        };
        let mut cached = o.cached.lock().await;
        if let Some((v, renew_at)) = cached.as_ref() {
            if Instant::now() < *renew_at {
                return Ok(v.clone());
            }
        }
        let form = "grant_type=client_credentials&scope=api";
        let resp = o
            .client
            .post(o.token_url.clone())
            .header(header::AUTHORIZATION, o.client_basic.clone())
            .header(header::ACCEPT, "application/json")
            .header(header::USER_AGENT, crate::USER_AGENT)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(AuthError::Unreachable)?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(AuthError::Unreachable)?;
        let answer = status.is_success().then(|| serde_json::from_slice::<TokenAnswer>(&body).ok()).flatten();
        let Some(answer) = answer.filter(|a| !a.access_token.trim().is_empty()) else {
            tracing::error!(status = status.as_u16(), "the OAuth2 token endpoint refused the client credentials");
            let status = if status.is_success() { StatusCode::BAD_GATEWAY } else { status };
            return Err(AuthError::Refused(TokenRefused { status, body }));
        };
        let mut v = HeaderValue::from_str(&format!("Bearer {}", answer.access_token.trim()))
            .map_err(|_| AuthError::Refused(TokenRefused { status: StatusCode::BAD_GATEWAY, body: Bytes::new() }))?;
        v.set_sensitive(true);
        let life = Duration::from_secs(answer.expires_in.unwrap_or(300));
        let margin = (life / 10).min(Duration::from_secs(60));
        *cached = Some((v.clone(), Instant::now() + life - margin));
        o.fetched.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::info!(expires_in = life.as_secs(), "OAuth2 access token fetched");
        Ok(v)
    }

    /// Upstream answered 401 to `used`: forget that token (the next
    /// [`UpstreamAuth::header`] fetches a new one). `true` when a retry
    /// with a new token makes sense.
    pub async fn rejected(&self, used: &HeaderValue) -> bool {
        let UpstreamAuth::OAuth2(o) = self else { return false };
        let mut cached = o.cached.lock().await;
        if cached.as_ref().is_some_and(|(v, _)| v == used) {
            *cached = None;
        }
        true
    }

    /// Tokens fetched so far (0 with Basic).
    pub fn tokens_fetched(&self) -> u64 {
        match self {
            UpstreamAuth::Basic(_) => 0,
            UpstreamAuth::OAuth2(o) => o.fetched.load(std::sync::atomic::Ordering::Relaxed),
        }
    }
}
