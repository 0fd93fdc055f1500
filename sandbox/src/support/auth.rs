//! Who may call the Support simulator: the key pair as HTTP Basic, or an
//! OAuth2 access token from its token endpoint (client credentials).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine as _;

use super::SandboxState;
use crate::error::{json, SandboxError};
use crate::Secret;

/// The key pair the sandbox accepts (HTTP Basic).
#[derive(Clone, Debug)]
pub struct Credentials {
    pub public_key: String,
    pub secret_key: Secret,
}

impl Credentials {
    /// A fresh random pair.
    pub fn generate() -> Self {
        Credentials { public_key: format!("sandbox-{}", uuid::Uuid::new_v4().simple()), secret_key: Secret::generate() }
    }
}

fn epoch_ms() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Whether `headers` carry the key pair as HTTP Basic.
fn basic_ok(state: &SandboxState, headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
        .and_then(|raw| String::from_utf8(raw).ok())
        .is_some_and(|pair| match pair.split_once(':') {
            Some((public, secret)) => public == state.creds.public_key && secret == state.creds.secret_key.expose(),
            None => false,
        })
}

/// Whether `headers` carry a live OAuth2 access token it issued.
fn bearer_ok(state: &SandboxState, headers: &HeaderMap) -> bool {
    let Some(token) =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    else {
        return false;
    };
    let now = epoch_ms();
    let valid_from = state.options.stats.tokens_valid_from_ms.load(Ordering::Relaxed);
    state.lock().tokens.get(token.trim()).is_some_and(|(issued, expires)| *issued >= valid_from && now < *expires)
}

/// `Err` (401 with the Basic challenge) unless `headers` carry the key
/// pair or a live access token.
pub(super) fn authorized(state: &SandboxState, headers: &HeaderMap) -> Result<(), SandboxError> {
    if basic_ok(state, headers) || bearer_ok(state, headers) {
        return Ok(());
    }
    Err(SandboxError::unauthorized())
}

/// `POST /oauth2/token/`: client credentials (HTTP Basic), form body
/// `grant_type=client_credentials`, scope `api`.
pub(super) async fn issue_token(
    State(state): State<Arc<SandboxState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let oauth_error = |status: StatusCode, error: &'static str| SandboxError::OAuth { status, error };
    if !basic_ok(&state, &headers) {
        return Err(oauth_error(StatusCode::UNAUTHORIZED, "invalid_client"));
    }
    let form = String::from_utf8_lossy(&body).into_owned();
    let field = |name: &str| {
        form.split('&').find_map(|p| {
            p.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v.replace("%20", " ").replace('+', " "))
        })
    };
    if field("grant_type").as_deref() != Some("client_credentials") {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"));
    }
    if !field("scope").is_some_and(|s| s.split(' ').any(|x| x == "api")) {
        return Err(oauth_error(StatusCode::BAD_REQUEST, "invalid_scope"));
    }
    let token = format!("sbx-{}", uuid::Uuid::new_v4().simple());
    let now = epoch_ms();
    let ttl = state.options.token_ttl;
    {
        let mut inner = state.lock();
        inner.tokens.retain(|_, (_, expires)| *expires > now);
        inner.tokens.insert(token.clone(), (now, now + ttl.as_millis() as u64));
    }
    state.options.stats.tokens_issued.fetch_add(1, Ordering::Relaxed);
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({"access_token": token, "token_type": "Bearer", "expires_in": ttl.as_secs(), "scope": "api"}),
    ))
}
