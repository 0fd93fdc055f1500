//! The proxy itself: an allowlist of widget routes forwarded to the Support
//! API with server-side credentials.
//!
//! Every request goes through one dispatcher ([`router`]) instead of axum's
//! route table, so that nothing outside the allowlist can produce anything
//! but the Support API's 404 envelope — no 405s, no plain-text rejections,
//! no path normalisation surprises.

use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, BodyDataStream, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;
use futures_util::StreamExt;
use parcel_desk_wire::{validate, ClaimType, ParcelKind};
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

use crate::claim_body::{decode_claim, ClaimBodyError};
use crate::config::Config;
use crate::envelope::{self, issues_from_problems, validation_error};
use crate::ratelimit::{retry_after_secs, SlidingWindow};

/// `User-Agent` of upstream requests.
pub const USER_AGENT: &str = concat!("parcel-desk-proxy/", env!("CARGO_PKG_VERSION"));

/// How long a rejected request body is still read (and discarded) so the
/// client can see the error response instead of a connection reset.
const LINGER: Duration = Duration::from_secs(5);
const LINGER_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Request headers a CORS preflight may ask for.
const CORS_ALLOW_HEADERS: &str = "content-type, idempotency-key";

/// A widget route of the allowlist, matched on the raw path below the prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiRoute {
    /// `POST /dsf/tickets/lost`
    CreateLost,
    /// `POST /dsf/files`
    UploadFile,
    /// `GET /dsf/tickets/{id}`; `None` when the segment is not 1–19 ASCII
    /// digits fitting an int64 (answered like a missing ticket).
    GetTicket(Option<i64>),
}

impl ApiRoute {
    /// Matches the part of the raw path after the prefix, e.g. `/dsf/files`.
    pub fn match_path(rest: &str) -> Option<ApiRoute> {
        match rest {
            "/dsf/tickets/lost" => Some(ApiRoute::CreateLost),
            "/dsf/files" => Some(ApiRoute::UploadFile),
            _ => {
                let seg = rest.strip_prefix("/dsf/tickets/")?;
                if seg.is_empty() || seg.contains('/') {
                    return None;
                }
                Some(ApiRoute::GetTicket(parse_ticket_id(seg)))
            }
        }
    }

    /// The one method this route answers.
    pub fn method(&self) -> Method {
        match self {
            ApiRoute::CreateLost | ApiRoute::UploadFile => Method::POST,
            ApiRoute::GetTicket(_) => Method::GET,
        }
    }
}

/// 1–19 ASCII digits that fit an int64.
pub fn parse_ticket_id(seg: &str) -> Option<i64> {
    if seg.is_empty() || seg.len() > 19 || !seg.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    seg.parse::<i64>().ok()
}

/// False for raw paths that could mean something else after decoding or
/// normalisation: percent-encoded `.`, `/`, `\` or NUL, backslashes, empty,
/// `.` or `..` segments. Such requests get a 404 whatever the route.
pub fn raw_path_is_clean(path: &str) -> bool {
    if !path.starts_with('/') || path.contains('\\') {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    if ["%2e", "%2f", "%5c", "%00"].iter().any(|p| lower.contains(p)) {
        return false;
    }
    if path == "/" {
        return true;
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    segments
        .iter()
        .enumerate()
        .all(|(i, s)| *s != "." && *s != ".." && (!s.is_empty() || i == last))
}

struct ProxyState {
    prefix: String,
    base: reqwest::Url,
    client: reqwest::Client,
    authorization: HeaderValue,
    origins: Vec<HeaderValue>,
    trust_forwarded_for: bool,
    json_limit: u64,
    upload_limit: u64,
    timeout: Duration,
    creates: SlidingWindow<IpAddr>,
    others: SlidingWindow<IpAddr>,
    static_files: Option<ServeDir>,
}

/// Errors building the proxy from a [`Config`].
#[derive(Debug)]
pub struct BuildError(pub String);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BuildError {}

/// Builds the proxy's router (health, widget API under the prefix, optional
/// static files). Serve it with connect info (see [`crate::serve`]) so rate
/// limiting sees the peer address.
pub fn router(config: &Config) -> Result<Router, BuildError> {
    let mut config = config.clone();
    config
        .validate()
        .map_err(|(key, msg)| BuildError(format!("invalid configuration key `{key}`: {msg}")))?;
    if !config.has_credentials() {
        return Err(BuildError(
            "no upstream credentials: set support.public_key and support.secret_key \
             (PARCEL_DESK_SUPPORT_PUBLIC_KEY / PARCEL_DESK_SUPPORT_SECRET_KEY), or run with --sandbox"
                .into(),
        ));
    }
    let base = reqwest::Url::parse(&config.support.base_url)
        .map_err(|_| BuildError("invalid configuration key `support.base_url`".into()))?;
    let token = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        config.support.public_key,
        config.support.secret_key.expose()
    ));
    let mut authorization = HeaderValue::from_str(&format!("Basic {token}"))
        .map_err(|_| BuildError("support.public_key contains characters not allowed in a header".into()))?;
    authorization.set_sensitive(true);
    let client = reqwest::Client::builder()
        .timeout(config.support.timeout)
        .connect_timeout(config.support.timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| BuildError(format!("cannot build the HTTP client: {e}")))?;
    let origins = config
        .allowed_origins
        .iter()
        .map(|o| HeaderValue::from_str(o))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| BuildError("invalid configuration key `allowed_origins`".into()))?;
    let static_files = match &config.static_dir {
        Some(dir) if !dir.is_dir() => {
            return Err(BuildError(format!(
                "invalid configuration key `static_dir`: {} is not a directory",
                dir.display()
            )))
        }
        Some(dir) => Some(ServeDir::new(dir).precompressed_br().precompressed_gzip()),
        None => None,
    };
    let state = Arc::new(ProxyState {
        prefix: config.api_prefix.clone(),
        base,
        client,
        authorization,
        origins,
        trust_forwarded_for: config.trust_forwarded_for,
        json_limit: config.limits.json_body_bytes,
        upload_limit: config.limits.upload_bytes,
        timeout: config.support.timeout,
        creates: SlidingWindow::new(config.limits.create_per_minute, Duration::from_secs(60)),
        others: SlidingWindow::new(config.limits.other_per_minute, Duration::from_secs(60)),
        static_files,
    });
    Ok(Router::new().fallback(dispatch).with_state(state).layer(middleware::from_fn(access_log)))
}

/// One log line per request: method, path (no query), status, latency.
/// Never headers or bodies.
pub async fn access_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let start = Instant::now();
    let res = next.run(req).await;
    tracing::info!(
        target: "parcel_desk_proxy::access",
        method = %method,
        path = %path,
        status = res.status().as_u16(),
        latency_ms = start.elapsed().as_millis() as u64,
        "request"
    );
    res
}

async fn dispatch(State(st): State<Arc<ProxyState>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if !raw_path_is_clean(&path) {
        return envelope::not_found();
    }
    if path == "/healthz" {
        return match *req.method() {
            Method::GET | Method::HEAD => {
                ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response()
            }
            _ => envelope::not_found(),
        };
    }
    if let Some(rest) = path.strip_prefix(st.prefix.as_str()) {
        if rest.starts_with('/') || rest.is_empty() {
            let rest = rest.to_owned();
            return api(st, req, &rest).await;
        }
    }
    match &st.static_files {
        Some(files) if matches!(*req.method(), Method::GET | Method::HEAD) => {
            match files.clone().oneshot(req).await {
                Ok(res) => res.map(Body::new),
                Err(never) => match never {},
            }
        }
        _ => envelope::not_found(),
    }
}

fn client_ip(st: &ProxyState, req: &Request) -> IpAddr {
    if st.trust_forwarded_for {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|ip| ip.trim().parse::<IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

async fn api(st: Arc<ProxyState>, req: Request, rest: &str) -> Response {
    let allowed_origin = req
        .headers()
        .get(header::ORIGIN)
        .filter(|o| st.origins.iter().any(|a| a == *o))
        .cloned();
    let route = ApiRoute::match_path(rest);
    let method = req.method().clone();

    if method == Method::OPTIONS {
        let requested = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|m| m.to_str().ok())
            .and_then(|m| Method::from_bytes(m.as_bytes()).ok());
        return match (&allowed_origin, &route, requested) {
            (Some(origin), Some(route), Some(requested)) if requested == route.method() => {
                let mut res = StatusCode::NO_CONTENT.into_response();
                let h = res.headers_mut();
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
                h.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static(if requested == Method::GET { "GET" } else { "POST" }),
                );
                h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(CORS_ALLOW_HEADERS));
                h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
                h.insert(
                    header::VARY,
                    HeaderValue::from_static("Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
                );
                res
            }
            _ => envelope::not_found(),
        };
    }

    let mut res = match route {
        Some(route) if route.method() == method => {
            let ip = client_ip(&st, &req);
            let limiter = if route == ApiRoute::CreateLost { &st.creates } else { &st.others };
            match limiter.check(&ip) {
                Err(wait) => envelope::rate_limited(
                    format!("Rate limit exceeded: {} per 1 minute", limiter.limit()),
                    retry_after_secs(wait),
                ),
                Ok(()) => match route {
                    ApiRoute::CreateLost => create_lost(&st, req).await,
                    ApiRoute::UploadFile => upload_file(&st, req).await,
                    ApiRoute::GetTicket(None) => envelope::ticket_not_found(),
                    ApiRoute::GetTicket(Some(id)) => get_ticket(&st, req, id).await,
                },
            }
        }
        _ => envelope::not_found(),
    };
    if !st.origins.is_empty() {
        let h = res.headers_mut();
        h.append(header::VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = allowed_origin {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("Retry-After"));
        }
    }
    res
}

/// Only `is_portal_claim=true|false` (at most once) is accepted.
#[allow(clippy::result_large_err)]
fn portal_query(query: Option<&str>) -> Result<Option<&'static str>, Response> {
    let mut portal = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair {
            "is_portal_claim=true" if portal.is_none() => portal = Some("true"),
            "is_portal_claim=false" if portal.is_none() => portal = Some("false"),
            _ => return Err(bad_query()),
        }
    }
    Ok(portal)
}

fn bad_query() -> Response {
    envelope::error(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "Unsupported query parameter: only is_portal_claim=true|false is accepted on /dsf/tickets/lost, and no query elsewhere.",
    )
}

fn too_large(limit: u64) -> Response {
    envelope::error(
        StatusCode::PAYLOAD_TOO_LARGE,
        "content_too_large",
        format!("Request body is too large: at most {limit} bytes are accepted."),
    )
}

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

/// Keeps reading (and discarding) a rejected body for a while, so the
/// client finishes sending and reads our error instead of a reset.
fn linger(stream: BodyDataStream) {
    tokio::spawn(async move {
        let mut stream = stream;
        let mut seen: u64 = 0;
        let _ = tokio::time::timeout(LINGER, async {
            while let Some(Ok(chunk)) = stream.next().await {
                seen += chunk.len() as u64;
                if seen > LINGER_MAX_BYTES {
                    break;
                }
            }
        })
        .await;
    });
}

async fn create_lost(st: &ProxyState, req: Request) -> Response {
    let portal = match portal_query(req.uri().query()) {
        Ok(p) => p,
        Err(res) => return res,
    };
    if media_type(req.headers()).as_deref() != Some("application/json") {
        linger(req.into_body().into_data_stream());
        return envelope::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type must be application/json.",
        );
    }
    if declared_length(req.headers()).is_some_and(|n| n > st.json_limit) {
        linger(req.into_body().into_data_stream());
        return too_large(st.json_limit);
    }
    let mut stream = req.into_body().into_data_stream();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "The request body could not be read.");
        };
        if (body.len() + chunk.len()) as u64 > st.json_limit {
            linger(stream);
            return too_large(st.json_limit);
        }
        body.extend_from_slice(&chunk);
    }
    let claim = match decode_claim(&body) {
        Ok(c) => c,
        Err(ClaimBodyError::InvalidJson) => {
            return envelope::error(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON")
        }
        Err(ClaimBodyError::Invalid(issues)) => return validation_error(&issues),
    };
    // The kind-independent minimum; the parcel's kind is only known upstream.
    let problems = validate(ClaimType::Lost, ParcelKind::OwnContract, &claim);
    if !problems.is_empty() {
        return validation_error(&issues_from_problems(&problems));
    }
    let json = match serde_json::to_vec(&claim) {
        Ok(j) => j,
        Err(_) => return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "Claim could not be encoded."),
    };
    let query = portal.map(|p| format!("is_portal_claim={p}"));
    let upstream = Upstream {
        method: Method::POST,
        segments: &["dsf", "tickets", "lost"],
        query: query.as_deref(),
        content_type: Some(HeaderValue::from_static("application/json")),
        content_length: Some(json.len() as u64),
        body: Some(reqwest::Body::from(json)),
    };
    forward(st, upstream, None).await
}

/// Shared flags between the counting upload stream and its handler.
#[derive(Default)]
struct UploadWatch {
    exceeded: AtomicBool,
    client_error: AtomicBool,
    rest: Mutex<Option<BodyDataStream>>,
}

async fn upload_file(st: &ProxyState, req: Request) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return bad_query();
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).cloned();
    let has_boundary = content_type
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            let mut parts = ct.split(';');
            parts.next().is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"))
                && parts.any(|p| {
                    p.trim()
                        .split_once('=')
                        .is_some_and(|(k, v)| k.trim().eq_ignore_ascii_case("boundary") && !v.trim().trim_matches('"').is_empty())
                })
        });
    if !has_boundary {
        linger(req.into_body().into_data_stream());
        return envelope::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type must be multipart/form-data with a boundary.",
        );
    }
    let declared = declared_length(req.headers());
    if declared.is_some_and(|n| n > st.upload_limit) {
        linger(req.into_body().into_data_stream());
        return too_large(st.upload_limit);
    }
    let watch = Arc::new(UploadWatch::default());
    let limit = st.upload_limit;
    let w = watch.clone();
    let counted = futures_util::stream::unfold(
        (Some(req.into_body().into_data_stream()), 0u64),
        move |(stream, seen)| {
            let w = w.clone();
            async move {
                let mut stream = stream?;
                match stream.next().await {
                    None => None,
                    Some(Err(_)) => {
                        w.client_error.store(true, Ordering::SeqCst);
                        Some((Err(io::Error::other("client body error")), (None, seen)))
                    }
                    Some(Ok(chunk)) => {
                        let seen = seen + chunk.len() as u64;
                        if seen > limit {
                            w.exceeded.store(true, Ordering::SeqCst);
                            *w.rest.lock().unwrap_or_else(|e| e.into_inner()) = Some(stream);
                            Some((Err(io::Error::other("upload too large")), (None, seen)))
                        } else {
                            Some((Ok::<Bytes, io::Error>(chunk), (Some(stream), seen)))
                        }
                    }
                }
            }
        },
    );
    let upstream = Upstream {
        method: Method::POST,
        segments: &["dsf", "files"],
        query: None,
        content_type,
        content_length: declared,
        body: Some(reqwest::Body::wrap_stream(counted)),
    };
    forward(st, upstream, Some(&watch)).await
}

async fn get_ticket(st: &ProxyState, req: Request, id: i64) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return bad_query();
    }
    let id = id.to_string();
    let upstream = Upstream {
        method: Method::GET,
        segments: &["dsf", "tickets", &id],
        query: None,
        content_type: None,
        content_length: None,
        body: None,
    };
    forward(st, upstream, None).await
}

struct Upstream<'a> {
    method: Method,
    /// Validated path segments, percent-encoded again when appended.
    segments: &'a [&'a str],
    query: Option<&'a str>,
    content_type: Option<HeaderValue>,
    content_length: Option<u64>,
    body: Option<reqwest::Body>,
}

/// Sends a freshly built request upstream (only Content-Type, Accept,
/// User-Agent, Authorization — never a browser header) and relays status,
/// Content-Type, Retry-After and body.
async fn forward(st: &ProxyState, up: Upstream<'_>, watch: Option<&UploadWatch>) -> Response {
    let mut url = st.base.clone();
    match url.path_segments_mut() {
        Ok(mut segs) => {
            segs.pop_if_empty().extend(up.segments);
        }
        Err(()) => return envelope::error(StatusCode::BAD_GATEWAY, "upstream_unavailable", "Upstream URL is not usable."),
    }
    url.set_query(up.query);
    let mut headers = HeaderMap::new();
    headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
    headers.insert(header::AUTHORIZATION, st.authorization.clone());
    if let Some(ct) = up.content_type {
        headers.insert(header::CONTENT_TYPE, ct);
    }
    if let Some(len) = up.content_length {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    let mut request = st.client.request(up.method, url).headers(headers);
    if let Some(body) = up.body {
        request = request.body(body);
    }
    let result = async {
        let resp = request.send().await?;
        let status = resp.status();
        let keep = |name: &HeaderName| resp.headers().get(name).cloned();
        let (content_type, retry_after) = (keep(&header::CONTENT_TYPE), keep(&header::RETRY_AFTER));
        let body = resp.bytes().await?;
        Ok::<_, reqwest::Error>((status, content_type, retry_after, body))
    }
    .await;
    if let Some(w) = watch {
        if w.exceeded.load(Ordering::SeqCst) {
            if let Some(rest) = w.rest.lock().unwrap_or_else(|e| e.into_inner()).take() {
                linger(rest);
            }
            return too_large(st.upload_limit);
        }
        if w.client_error.load(Ordering::SeqCst) {
            return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "The request body could not be read.");
        }
    }
    match result {
        Ok((status, content_type, retry_after, body)) => {
            if matches!(status.as_u16(), 401 | 403) {
                tracing::warn!(status = status.as_u16(), "upstream rejected the configured credentials");
            }
            let mut res = Response::new(Body::from(body));
            *res.status_mut() = status;
            if let Some(ct) = content_type {
                res.headers_mut().insert(header::CONTENT_TYPE, ct);
            }
            if let Some(ra) = retry_after {
                res.headers_mut().insert(header::RETRY_AFTER, ra);
            }
            res
        }
        Err(e) if e.is_timeout() => {
            tracing::warn!("upstream timed out");
            envelope::error(
                StatusCode::GATEWAY_TIMEOUT,
                "upstream_timeout",
                format!("The Support API did not answer within {} seconds.", st.timeout.as_secs()),
            )
        }
        Err(e) => {
            tracing::warn!(connect = e.is_connect(), "upstream request failed");
            envelope::error(
                StatusCode::BAD_GATEWAY,
                "upstream_unavailable",
                "The Support API could not be reached. Please try again later.",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_matching() {
        assert_eq!(ApiRoute::match_path("/dsf/tickets/lost"), Some(ApiRoute::CreateLost));
        assert_eq!(ApiRoute::match_path("/dsf/files"), Some(ApiRoute::UploadFile));
        assert_eq!(ApiRoute::match_path("/dsf/tickets/42"), Some(ApiRoute::GetTicket(Some(42))));
        assert_eq!(ApiRoute::match_path("/dsf/tickets/abc"), Some(ApiRoute::GetTicket(None)));
        assert_eq!(ApiRoute::match_path("/dsf/tickets/99999999999999999999"), Some(ApiRoute::GetTicket(None)));
        assert_eq!(ApiRoute::match_path("/dsf/tickets/1/2"), None);
        assert_eq!(ApiRoute::match_path("/dsf/tickets/"), None);
        assert_eq!(ApiRoute::match_path("/dsf/files/"), None);
        assert_eq!(ApiRoute::match_path("/v2/user"), None);
        assert_eq!(parse_ticket_id("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_ticket_id("9223372036854775808"), None);
        assert_eq!(parse_ticket_id("-1"), None);
    }

    #[test]
    fn raw_path_checks() {
        for ok in ["/", "/api/dsf/files", "/index.html", "/assets/"] {
            assert!(raw_path_is_clean(ok), "{ok}");
        }
        for bad in [
            "/api/../../v2/user", "/api/dsf/tickets/%2e%2e", "/api/dsf/tickets/..%2F..%2Fv2%2Fuser",
            "/api/dsf/tickets/1%2F2", "/api//dsf/files", "/api/./dsf/files", "/a\\b", "/x%00", "api",
        ] {
            assert!(!raw_path_is_clean(bad), "{bad}");
        }
    }

    #[test]
    fn query_allowlist() {
        assert_eq!(portal_query(None).unwrap(), None);
        assert_eq!(portal_query(Some("is_portal_claim=true")).unwrap(), Some("true"));
        assert!(portal_query(Some("is_portal_claim=true&is_portal_claim=false")).is_err());
        assert!(portal_query(Some("is_portal_claim=yes")).is_err());
        assert!(portal_query(Some("redirect=x")).is_err());
    }
}
