//! Calls to the Sendcloud APIs: a freshly built request (never a browser
//! header), the OAuth2 retry, and upstream's answer reduced to what may be
//! relayed.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use super::state::Sendcloud;
use super::USER_AGENT;
use crate::envelope::ProxyError;
use parcel_desk_wire::route::encode_component;

pub(crate) struct Upstream<'a> {
    pub(crate) method: Method,
    /// Validated, decoded path segments, percent-encoded again
    /// ([`encode_component`]) when appended.
    pub(crate) segments: &'a [&'a str],
    pub(crate) query: Option<&'a str>,
    pub(crate) content_type: Option<HeaderValue>,
    pub(crate) content_length: Option<u64>,
    pub(crate) body: Option<reqwest::Body>,
}

/// Upstream's answer, reduced to what may be relayed.
pub(crate) struct UpAnswer {
    pub(crate) status: StatusCode,
    pub(crate) content_type: Option<HeaderValue>,
    pub(crate) retry_after: Option<HeaderValue>,
    pub(crate) body: Bytes,
    /// Seconds since upstream gave this answer, when it comes from the
    /// proxy's cache of ticket reads (`Age` header).
    pub(crate) age: Option<u64>,
}

impl UpAnswer {
    /// A 429's `Retry-After` in seconds (1 to 3600; 60 without one).
    pub(crate) fn retry_after_secs(&self) -> i64 {
        self.retry_after
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(60)
            .clamp(1, 3600)
    }

    /// Status, Content-Type, Retry-After and body as a response.
    pub(crate) fn into_response(self) -> Response {
        if matches!(self.status.as_u16(), 401 | 403) {
            tracing::warn!(status = self.status.as_u16(), "upstream rejected the configured credentials");
        }
        let mut res = Response::new(Body::from(self.body));
        *res.status_mut() = self.status;
        if let Some(ct) = self.content_type {
            res.headers_mut().insert(header::CONTENT_TYPE, ct);
        }
        if let Some(ra) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, ra);
        }
        if let Some(age) = self.age {
            res.headers_mut().insert(header::AGE, HeaderValue::from(age));
        }
        res
    }
}

/// Sends a freshly built request to `base` + segments (only Content-Type,
/// Accept, User-Agent, Authorization — never a browser header). With
/// OAuth2, a 401 drops the token and the request is sent once more with a
/// new one (when its body can be sent again: not a streamed upload).
pub(crate) async fn call(api: &Sendcloud, base: &reqwest::Url, up: Upstream<'_>) -> Result<UpAnswer, reqwest::Error> {
    let mut url = base.clone();
    // Each segment encoded with the contract's `encode_component` (only
    // RFC 3986's unreserved characters stay as they are), so a decoded
    // parameter such as a tracking number with spaces or letters beyond
    // ASCII is exactly one segment upstream.
    let mut path = url.path().trim_end_matches('/').to_owned();
    for seg in up.segments {
        path.push('/');
        path.push_str(&encode_component(seg));
    }
    url.set_path(&path);
    url.set_query(up.query);
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
    if let Some(ct) = up.content_type {
        headers.insert(header::CONTENT_TYPE, ct);
    }
    if let Some(len) = up.content_length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    let again: Option<Option<Bytes>> = match &up.body {
        None => Some(None),
        Some(b) => b.as_bytes().map(|b| Some(Bytes::copy_from_slice(b))),
    };
    let auth = match authorization(api).await? {
        Ok(v) => v,
        Err(refused) => return Ok(refused),
    };
    let answer = send(api, &up.method, &url, &headers, &auth, up.body).await?;
    if answer.status != StatusCode::UNAUTHORIZED || !api.auth.rejected(&auth).await {
        return Ok(answer);
    }
    let Some(body) = again else { return Ok(answer) };
    tracing::info!("upstream refused the OAuth2 token: fetching a new one");
    let auth = match authorization(api).await? {
        Ok(v) => v,
        Err(refused) => return Ok(refused),
    };
    send(api, &up.method, &url, &headers, &auth, body.map(reqwest::Body::from)).await
}

/// The `Authorization` value, or (`Ok(Err)`) the answer to give when the
/// token endpoint refused the credentials: 401 in the envelope.
async fn authorization(api: &Sendcloud) -> Result<Result<HeaderValue, UpAnswer>, reqwest::Error> {
    match api.auth.header().await {
        Ok(v) => Ok(Ok(v)),
        Err(crate::auth::AuthError::Unreachable(e)) => Err(e),
        Err(crate::auth::AuthError::Refused(_)) => {
            let env = parcel_desk_wire::ErrorEnvelope::single(
                401,
                "unauthorized",
                "The proxy's credentials were refused by the OAuth2 token endpoint.",
            );
            Ok(Err(UpAnswer {
                status: StatusCode::UNAUTHORIZED,
                content_type: Some(HeaderValue::from_static("application/json")),
                retry_after: None,
                body: Bytes::from(serde_json::to_vec(&env).unwrap_or_default()),
                age: None,
            }))
        }
    }
}

async fn send(
    api: &Sendcloud,
    method: &Method,
    url: &reqwest::Url,
    headers: &HeaderMap,
    auth: &HeaderValue,
    body: Option<reqwest::Body>,
) -> Result<UpAnswer, reqwest::Error> {
    let mut request =
        api.client.request(method.clone(), url.clone()).headers(headers.clone()).header(header::AUTHORIZATION, auth);
    if let Some(body) = body {
        request = request.body(body);
    }
    let resp = request.send().await?;
    let status = resp.status();
    let keep = |name: &HeaderName| resp.headers().get(name).cloned();
    let (content_type, retry_after) = (keep(&header::CONTENT_TYPE), keep(&header::RETRY_AFTER));
    let body = resp.bytes().await?;
    Ok(UpAnswer { status, content_type, retry_after, body, age: None })
}

/// 504 / 502 envelope for a failed upstream call.
pub(crate) fn upstream_failure(api: &Sendcloud, e: &reqwest::Error) -> ProxyError {
    if e.is_timeout() {
        tracing::warn!("upstream timed out");
        ProxyError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            format!("The Support API did not answer within {} seconds.", api.timeout.as_secs()),
        )
    } else {
        tracing::warn!(connect = e.is_connect(), "upstream request failed");
        ProxyError::new(
            StatusCode::BAD_GATEWAY,
            "upstream_unavailable",
            "The Support API could not be reached. Please try again later.",
        )
    }
}

/// Sends a request to the Support API and relays status, Content-Type,
/// Retry-After and body.
pub(crate) async fn forward(api: &Sendcloud, up: Upstream<'_>) -> Response {
    match call(api, &api.base, up).await {
        Ok(answer) => answer.into_response(),
        Err(e) => upstream_failure(api, &e).into_response(),
    }
}
