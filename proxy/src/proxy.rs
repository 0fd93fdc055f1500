//! The proxy itself: an allowlist of widget routes forwarded to the Support
//! API with server-side credentials.
//!
//! Every request goes through one dispatcher ([`router`]) instead of axum's
//! route table, so that nothing outside the allowlist can produce anything
//! but the Support API's 404 envelope — no 405s, no plain-text rejections,
//! no path normalisation surprises.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

use crate::config::Config;
use crate::envelope;
use crate::envelope::ProxyError;
use crate::ratelimit::{retry_after_secs, SlidingWindow};

pub use crate::USER_AGENT;

/// Request headers a CORS preflight may ask for.
const CORS_ALLOW_HEADERS: &str = "content-type, idempotency-key, x-ticket-token";
/// Request headers a preflight for the staff route may ask for.
const CORS_ALLOW_HEADERS_STAFF: &str = "content-type, authorization";
/// Response headers the widget may read cross-origin.
const CORS_EXPOSE_HEADERS: &str = "Retry-After, Idempotent-Replayed, X-Ticket-Token";

pub(crate) use crate::body::{declared_length, linger, read_limited, require_json, too_large};

pub(crate) mod claims;
pub mod pipeline;
mod tickets;
mod tracking;
pub mod upload;

pub use parcel_desk_wire::route::{parse_ticket_id, raw_path_is_clean, valid_tracking_number};
use parcel_desk_wire::route::{TicketRef, TrackingRef};
use parcel_desk_wire::Route;

/// A hyphenated UUID (any case) as lower-case text.
pub use parcel_desk_wire::route::parse_uuid as parse_ticket_uuid;

/// The contract's method for an HTTP method (only GET and POST exist).
fn wire_method(m: &Method) -> Option<parcel_desk_wire::Method> {
    parcel_desk_wire::Method::parse(m.as_str())
}

struct ProxyState {
    prefix: String,
    base: reqwest::Url,
    client: reqwest::Client,
    /// `Authorization` of upstream requests (Basic, or OAuth2 tokens).
    auth: crate::auth::UpstreamAuth,
    origins: Vec<HeaderValue>,
    trust_forwarded_for: bool,
    json_limit: u64,
    upload_limit: u64,
    timeout: Duration,
    creates: SlidingWindow<IpAddr>,
    others: SlidingWindow<IpAddr>,
    static_files: Option<ServeDir>,
    store: crate::store::Store,
    tokens: crate::access::TokenKey,
    lookups: SlidingWindow<IpAddr>,
    tracking_base: reqwest::Url,
    lost_after: Duration,
    staff_token: Option<crate::config::Secret>,
    /// JTL-SCX channel tickets; `None` when not configured (routes 404).
    jtl: Option<Arc<crate::jtl::Jtl>>,
    /// `GET {prefix}/openapi.json`, generated once at start.
    openapi: Bytes,
    /// The account's budget and the worker's timing.
    upstream: crate::config::UpstreamConfig,
    /// The Sendcloud account the budget is counted for: a digest of the
    /// public key and base URL (never the key itself).
    account: String,
    /// Wakes the filing worker (a claim was accepted).
    wake: Arc<tokio::sync::Notify>,
    worker: Mutex<pipeline::WorkerState>,
    /// One upstream read per ticket at a time (the others wait and take
    /// its answer from the cache).
    read_locks: Mutex<std::collections::HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

/// The account's two upstream budgets.
#[derive(Clone, Copy, Debug)]
enum Budget {
    Create,
    Read,
}

impl ProxyState {
    /// One unit of the account's `kind` budget, under the configured limit
    /// and window. `Ok(Err(wait_ms))`: none left for that long.
    async fn take_budget(&self, kind: Budget) -> Result<Result<(), i64>, crate::store::StoreError> {
        let (name, limit) = match kind {
            Budget::Create => ("create", self.upstream.creates_per_minute.get()),
            Budget::Read => ("read", self.upstream.reads_per_minute.get()),
        };
        self.store.take_budget(&self.account, name, limit, self.upstream.window.as_millis() as i64).await
    }
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
/// limiting sees the peer address. The configuration is already checked;
/// this only refuses what a usable proxy needs and sandbox mode would have
/// filled: credentials and an access-token key.
pub async fn router(config: &Config) -> Result<Router, BuildError> {
    if !config.has_credentials() {
        return Err(BuildError(
            "no upstream credentials: set support.public_key and support.secret_key \
             (PARCEL_DESK_SUPPORT_PUBLIC_KEY / PARCEL_DESK_SUPPORT_SECRET_KEY), or run with --sandbox"
                .into(),
        ));
    }
    let Some(token_key) = &config.access.token_key else {
        return Err(BuildError(
            "invalid configuration key `access.token_key`: required (at least 32 characters, e.g. `openssl rand -hex 32`; \
             PARCEL_DESK_ACCESS_TOKEN_KEY); sandbox mode generates one per run"
                .into(),
        ));
    };
    let client = reqwest::Client::builder()
        .timeout(config.support.timeout)
        .connect_timeout(config.support.timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| BuildError(format!("cannot build the HTTP client: {e}")))?;
    let (public, secret) = (&config.support.public_key, config.support.secret_key.expose());
    let auth = match config.support.auth {
        crate::config::AuthMode::Basic => crate::auth::UpstreamAuth::basic(public, secret),
        crate::config::AuthMode::OAuth2 => {
            crate::auth::UpstreamAuth::oauth2(config.support.token_url.url().clone(), public, secret, client.clone())
        }
    }
    .map_err(BuildError)?;
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
    let location = config.store.location();
    let store = crate::store::Store::open(&location, config.store.idempotency_hours.get())
        .await
        .map_err(|e| BuildError(format!("invalid configuration key `{}`: {e}", config.store.key())))?;
    let jtl = if config.jtl.enabled() {
        let jtl = crate::jtl::Jtl::new(
            &config.jtl,
            &store,
            &crate::jtl::data_dir_for(&location),
            token_key,
            config.access.token_days,
            config.sandbox,
        )
        .map_err(BuildError)?;
        jtl.spawn_poller();
        Some(jtl)
    } else {
        None
    };
    let state = Arc::new(ProxyState {
        prefix: config.api_prefix.to_string(),
        base: config.support.base_url.url().clone(),
        client,
        auth,
        origins: config.allowed_origins.iter().map(|o| o.header_value().clone()).collect(),
        trust_forwarded_for: config.trust_forwarded_for,
        json_limit: config.limits.json_body_bytes.get(),
        upload_limit: config.limits.upload_bytes.get(),
        timeout: config.support.timeout,
        creates: SlidingWindow::new(config.limits.create_per_minute, Duration::from_secs(60)),
        others: SlidingWindow::new(config.limits.other_per_minute, Duration::from_secs(60)),
        static_files,
        store,
        tokens: crate::access::TokenKey::new(token_key, config.access.token_days),
        lookups: SlidingWindow::new(config.limits.lookup_per_minute, Duration::from_secs(60)),
        tracking_base: config.tracking.base_url.url().clone(),
        lost_after: Duration::from_secs(config.claims.lost_after_days * 86_400),
        staff_token: config.staff.token.clone(),
        jtl,
        openapi: Bytes::from(openapi_json(&config.api_prefix)),
        upstream: config.upstream.clone(),
        account: account_id(config.support.base_url.as_str(), &config.support.public_key),
        wake: Arc::new(tokio::sync::Notify::new()),
        worker: Mutex::new(pipeline::WorkerState::default()),
        read_locks: Mutex::new(std::collections::HashMap::new()),
    });
    pipeline::spawn(&state);
    Ok(Router::new().fallback(dispatch).with_state(state).layer(middleware::from_fn(access_log)))
}

/// The budget's account key: SHA-256 of base URL and public key, hex.
fn account_id(base_url: &str, public_key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{base_url}\n{public_key}").as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// The proxy's OpenAPI document for `prefix`, as served (pretty-printed,
/// with a final newline: the same bytes as the committed `proxy/openapi.json`
/// for the default prefix).
pub fn openapi_json(prefix: &str) -> Vec<u8> {
    let doc = parcel_desk_wire::openapi::document(prefix, env!("CARGO_PKG_VERSION"));
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}

/// `GET {prefix}/openapi.json`: no query.
fn openapi(st: &ProxyState, req: &Request) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "No query parameters are accepted here.");
    }
    let mut res = Response::new(Body::from(st.openapi.clone()));
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
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
            Method::GET | Method::HEAD => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response(),
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
        Some(files) if matches!(*req.method(), Method::GET | Method::HEAD) => match files.clone().oneshot(req).await {
            Ok(res) => res.map(Body::new),
            Err(never) => match never {},
        },
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
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

async fn api(st: Arc<ProxyState>, req: Request, rest: &str) -> Response {
    let allowed_origin = req.headers().get(header::ORIGIN).filter(|o| st.origins.iter().any(|a| a == *o)).cloned();
    let method = req.method().clone();
    let exists = |r: &Route| st.jtl.is_some() || !r.is_channel();

    if method == Method::OPTIONS {
        let requested = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|m| m.to_str().ok())
            .and_then(|m| Method::from_bytes(m.as_bytes()).ok());
        let route = requested
            .as_ref()
            .and_then(wire_method)
            .and_then(|m| Route::parse(m, rest))
            .filter(exists)
            .filter(|r| *r != Route::RegisterParcel || st.staff_token.is_some());
        return match (&allowed_origin, route, requested) {
            (Some(origin), Some(route), Some(requested)) => {
                let mut res = StatusCode::NO_CONTENT.into_response();
                let h = res.headers_mut();
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
                h.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static(if requested == Method::GET { "GET" } else { "POST" }),
                );
                h.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static(if route == Route::RegisterParcel {
                        CORS_ALLOW_HEADERS_STAFF
                    } else {
                        CORS_ALLOW_HEADERS
                    }),
                );
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

    let route = wire_method(&method).and_then(|m| Route::parse(m, rest)).filter(exists);
    let mut res = match route {
        Some(route) => {
            let ip = client_ip(&st, &req);
            let limiter = if route.is_create() { &st.creates } else { &st.others };
            match limiter.check(&ip) {
                Err(wait) => envelope::rate_limited(
                    format!("Rate limit exceeded: {} per 1 minute", limiter.limit()),
                    retry_after_secs(wait),
                ),
                Ok(()) => match route {
                    Route::CreateClaim(claim_type) => claims::create(&st, req, claim_type).await,
                    Route::UploadFile => upload::upload_file(&st, req).await,
                    Route::GetTicket(TicketRef::Invalid(_)) => envelope::ticket_not_found(),
                    Route::GetTicket(TicketRef::Id(id)) => tickets::get_by_id(&st, req, id, ip).await,
                    Route::GetTicket(TicketRef::Uuid(uuid)) => tickets::get_by_uuid(&st, req, &uuid).await,
                    Route::GetRequestedData | Route::AnswerRequestedData => tickets::requested_data(&st, req, ip).await,
                    Route::Tracking(TrackingRef::Invalid(_)) => envelope::not_found(),
                    Route::Tracking(TrackingRef::Number(number)) => tracking::get_tracking(&st, req, &number).await,
                    Route::RegisterParcel => tracking::register_parcel(&st, req).await,
                    Route::OpenApi => openapi(&st, &req),
                    Route::ChannelCreate | Route::ChannelUpload | Route::ChannelMessages(_) => match &st.jtl {
                        Some(jtl) => crate::jtl::handle(jtl, &st.store, route, req, st.json_limit).await,
                        None => envelope::not_found(),
                    },
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
            h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(CORS_EXPOSE_HEADERS));
        }
    }
    res
}

/// Only `is_portal_claim=true|false` (at most once) is accepted.
fn portal_query(query: Option<&str>) -> Result<Option<&'static str>, crate::envelope::ProxyError> {
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

fn bad_query() -> ProxyError {
    ProxyError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "Unsupported query parameter: only is_portal_claim=true|false is accepted on ticket creation (and ticket, order_number or postal_code where documented).",
    )
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

/// Upstream's answer, reduced to what may be relayed.
struct UpAnswer {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    retry_after: Option<HeaderValue>,
    body: Bytes,
    /// Seconds since upstream gave this answer, when it comes from the
    /// proxy's cache of ticket reads (`Age` header).
    age: Option<u64>,
}

impl UpAnswer {
    /// A 429's `Retry-After` in seconds (1 to 3600; 60 without one).
    fn retry_after_secs(&self) -> i64 {
        self.retry_after
            .as_ref()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<i64>().ok())
            .unwrap_or(60)
            .clamp(1, 3600)
    }

    /// Status, Content-Type, Retry-After and body as a response.
    fn into_response(self) -> Response {
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
async fn call(st: &ProxyState, base: &reqwest::Url, up: Upstream<'_>) -> Result<UpAnswer, reqwest::Error> {
    let mut url = base.clone();
    if let Ok(mut segs) = url.path_segments_mut() {
        segs.pop_if_empty().extend(up.segments);
    }
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
    let auth = match authorization(st).await? {
        Ok(v) => v,
        Err(refused) => return Ok(refused),
    };
    let answer = send(st, &up.method, &url, &headers, &auth, up.body).await?;
    if answer.status != StatusCode::UNAUTHORIZED || !st.auth.rejected(&auth).await {
        return Ok(answer);
    }
    let Some(body) = again else { return Ok(answer) };
    tracing::info!("upstream refused the OAuth2 token: fetching a new one");
    let auth = match authorization(st).await? {
        Ok(v) => v,
        Err(refused) => return Ok(refused),
    };
    send(st, &up.method, &url, &headers, &auth, body.map(reqwest::Body::from)).await
}

/// The `Authorization` value, or (`Ok(Err)`) the answer to give when the
/// token endpoint refused the credentials: 401 in the envelope.
async fn authorization(st: &ProxyState) -> Result<Result<HeaderValue, UpAnswer>, reqwest::Error> {
    match st.auth.header().await {
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
    st: &ProxyState,
    method: &Method,
    url: &reqwest::Url,
    headers: &HeaderMap,
    auth: &HeaderValue,
    body: Option<reqwest::Body>,
) -> Result<UpAnswer, reqwest::Error> {
    let mut request =
        st.client.request(method.clone(), url.clone()).headers(headers.clone()).header(header::AUTHORIZATION, auth);
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
fn upstream_failure(st: &ProxyState, e: &reqwest::Error) -> ProxyError {
    if e.is_timeout() {
        tracing::warn!("upstream timed out");
        ProxyError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            format!("The Support API did not answer within {} seconds.", st.timeout.as_secs()),
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
async fn forward(st: &ProxyState, up: Upstream<'_>) -> Response {
    match call(st, &st.base, up).await {
        Ok(answer) => answer.into_response(),
        Err(e) => upstream_failure(st, &e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_allowlist() {
        assert_eq!(portal_query(None).unwrap(), None);
        assert_eq!(portal_query(Some("is_portal_claim=true")).unwrap(), Some("true"));
        assert!(portal_query(Some("is_portal_claim=true&is_portal_claim=false")).is_err());
        assert!(portal_query(Some("is_portal_claim=yes")).is_err());
        assert!(portal_query(Some("redirect=x")).is_err());
    }
}
