//! Helpers shared by the integration tests: servers on 127.0.0.1:0, raw
//! HTTP requests, a recording upstream, multipart bodies.
#![allow(dead_code)]

pub mod pg;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use parcel_desk_proxy::{start, start_sandbox, Config, Credentials, Running, Server};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const PUBLIC: &str = "pk-test-public";
pub const SECRET: &str = "sk-TEST-very-secret-4711";
/// The access-token key of every test proxy, so tests can mint tokens.
pub const TOKEN_KEY: &str = "test-token-key-0123456789abcdef0123456789";

/// An access token the test proxies accept for `reference` (a ticket UUID
/// or an int id as text).
pub fn token_for(reference: &str) -> String {
    parcel_desk_proxy::access::TokenKey::new(&parcel_desk_proxy::Secret::new(TOKEN_KEY), 180).issue(reference)
}

pub fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// A loopback port that stays bound while the socket lives but does not
/// listen: connections to it are refused (a service that is down), and no
/// other socket of the run can take the port meanwhile. `listen` on it
/// brings the service up with no moment in which the port is free. (A port
/// freed and reused later was taken once by another test's proxy, whose 404
/// the pipeline then took for the upstream's.)
pub fn down_port() -> tokio::net::TcpSocket {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind(loopback()).unwrap();
    socket
}

/// A free loopback port for a server in another process (PostgreSQL, the
/// SMTP sink), which has to bind it itself. It is taken from below the
/// kernel's ephemeral range (32768 and up), so a socket bound to port 0 in
/// this run is never handed it while that process starts; a counter keeps
/// this process's picks apart, the process id other runs'.
pub fn port_for_child() -> u16 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let base = std::process::id().wrapping_mul(7919);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let port = 20_000 + (base.wrapping_add(n.wrapping_mul(13)) % 12_000) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// The sandbox with fixed test credentials.
pub async fn sandbox() -> Server {
    start_sandbox(
        loopback(),
        Credentials { public_key: PUBLIC.into(), secret_key: parcel_desk_proxy::Secret::new(SECRET) },
    )
    .await
    .unwrap()
}

/// A proxy in front of `upstream` with the test credentials.
pub async fn proxy_to(upstream: &str, tweak: impl FnOnce(&mut Config)) -> Running {
    let mut cfg = Config::for_upstream(upstream, PUBLIC, SECRET);
    cfg.limits.create_per_minute = 1000;
    cfg.limits.other_per_minute = 1000;
    cfg.access.token_key = Some(parcel_desk_proxy::Secret::new(TOKEN_KEY));
    tweak(&mut cfg);
    start(cfg).await.unwrap()
}

/// Sandbox + proxy in front of it.
pub struct Stack {
    pub sandbox: Server,
    pub proxy: Running,
}

impl Stack {
    pub async fn new(tweak: impl FnOnce(&mut Config)) -> Stack {
        let sandbox = sandbox().await;
        let proxy = proxy_to(&sandbox.url(), tweak).await;
        Stack { sandbox, proxy }
    }
    pub fn api(&self, path: &str) -> String {
        format!("{}/api{path}", self.proxy.proxy.url())
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap()
}

pub fn basic(public: &str, secret: &str) -> String {
    use base64::Engine as _;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{public}:{secret}")))
}

/// A raw HTTP/1.1 exchange (no client-side path normalisation).
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub head: String,
    pub body: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// Sends `method target` with extra header lines and body, `Connection: close`.
pub async fn raw(addr: SocketAddr, method: &str, target: &str, headers: &[&str], body: &[u8]) -> RawResponse {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for h in headers {
        req.push_str(h);
        req.push_str("\r\n");
    }
    let has_length = headers.iter().any(|h| h.to_ascii_lowercase().starts_with("content-length:"));
    if !has_length && (!body.is_empty() || method == "POST") {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    s.write_all(body).await.unwrap();
    read_response(&mut s).await
}

pub async fn read_response(s: &mut TcpStream) -> RawResponse {
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(20), s.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut body = body.to_owned();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    RawResponse { status, head: head.to_owned(), body }
}

fn dechunk(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some((len, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(len.trim(), 16) else { break };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// Asserts a Support API envelope with one error of this status and code;
/// returns the detail.
pub fn assert_envelope(body: &str, status: u16, code: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    let errors = v["errors"].as_array().unwrap_or_else(|| panic!("no errors array: {body}"));
    assert_eq!(errors.len(), 1, "{body}");
    assert_eq!(errors[0]["status"], status, "{body}");
    assert_eq!(errors[0]["code"], code, "{body}");
    assert!(errors[0]["title"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    errors[0]["detail"].as_str().unwrap().to_owned()
}

/// What the recording upstream saw of one request.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    pub headers: HeaderMap,
    pub body_len: usize,
    pub body: Vec<u8>,
    pub complete: bool,
}

#[derive(Clone, Default)]
pub struct RecorderState {
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub delay: Arc<Mutex<Option<Duration>>>,
}

/// A tiny upstream that records every request (headers, body size) and
/// answers 202 with some headers the proxy must not relay.
pub struct Recorder {
    pub server: Server,
    pub state: RecorderState,
}

impl Recorder {
    pub async fn start() -> Recorder {
        let state = RecorderState::default();
        let app = axum::Router::new().fallback(record).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind(loopback()).await.unwrap();
        let server = parcel_desk_proxy::serve(listener, app).unwrap();
        Recorder { server, state }
    }
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }
    pub fn set_delay(&self, d: Duration) {
        *self.state.delay.lock().unwrap() = Some(d);
    }
}

async fn record(State(st): State<RecorderState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let idx = {
        let mut seen = st.seen.lock().unwrap();
        seen.push(Seen {
            method: parts.method.to_string(),
            uri: parts.uri.to_string(),
            headers: parts.headers.clone(),
            body_len: 0,
            body: Vec::new(),
            complete: false,
        });
        seen.len() - 1
    };
    let mut stream = body.into_data_stream();
    let mut complete = true;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(c) => {
                let mut seen = st.seen.lock().unwrap();
                seen[idx].body_len += c.len();
                if seen[idx].body.len() < 100_000 {
                    seen[idx].body.extend_from_slice(&c);
                }
            }
            Err(_) => {
                complete = false;
                break;
            }
        }
    }
    st.seen.lock().unwrap()[idx].complete = complete;
    let delay = *st.delay.lock().unwrap();
    if let Some(d) = delay {
        tokio::time::sleep(d).await;
    }
    let mut res =
        (StatusCode::ACCEPTED, Body::from(r#"{"ticket_id":"b99c8ea5-3156-442e-8dfe-c746218a3fbe"}"#)).into_response();
    let h = res.headers_mut();
    h.insert("content-type", "application/json".parse().unwrap());
    h.insert("set-cookie", "upstream_session=abc".parse().unwrap());
    h.insert("x-upstream-internal", "leak".parse().unwrap());
    h.insert("retry-after", "7".parse().unwrap());
    res
}

/// A multipart/form-data body with one part.
pub fn multipart(name: &str, filename: Option<&str>, content_type: Option<&str>, data: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----parcel-desk-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    let mut disp = format!("Content-Disposition: form-data; name=\"{name}\"");
    if let Some(f) = filename {
        disp.push_str(&format!("; filename=\"{f}\""));
    }
    body.extend_from_slice(disp.as_bytes());
    body.extend_from_slice(b"\r\n");
    if let Some(ct) = content_type {
        body.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
    }
    body.extend_from_slice(b"\r\n");
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Reads a claim's status (`GET {api}/dsf/tickets/{id}` with its token)
/// until `done(status, body)` holds; panics after `secs` seconds.
pub async fn poll_claim(
    c: &reqwest::Client,
    api: &str,
    id: &str,
    token: &str,
    secs: u64,
    done: impl Fn(u16, &serde_json::Value) -> bool,
) -> (u16, serde_json::Value) {
    let until = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let r = c.get(format!("{api}/dsf/tickets/{id}")).header("x-ticket-token", token).send().await.unwrap();
        let status = r.status().as_u16();
        let body: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap_or_default();
        if done(status, &body) {
            return (status, body);
        }
        assert!(std::time::Instant::now() < until, "claim {id} still at {status} {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until `f()` holds; panics after `secs` seconds with `what`.
pub async fn eventually(secs: u64, what: &str, f: impl Fn() -> bool) {
    let until = std::time::Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(std::time::Instant::now() < until, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The pipeline state of a status read's answer (`filed` for a 200).
pub fn claim_state(status: u16, body: &serde_json::Value) -> String {
    if status == 200 {
        return "filed".into();
    }
    body["state"].as_str().unwrap_or("").to_owned()
}

impl Recorder {
    /// The creations (POSTs) it saw.
    pub fn posts(&self) -> usize {
        self.seen().iter().filter(|s| s.method == "POST").count()
    }
}

/// Files a claim (`route` may carry a query) and waits until the pipeline
/// settles it: `(state, reason)` — `filed` or `needs_attention`.
pub async fn settle_claim(
    c: &reqwest::Client,
    api: &str,
    route: &str,
    key: Option<&str>,
    body: &serde_json::Value,
) -> (String, String) {
    let mut r = c.post(format!("{api}{route}")).header("content-type", "application/json").body(body.to_string());
    if let Some(k) = key {
        r = r.header("idempotency-key", k);
    }
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 202);
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let (id, token) = (v["ticket_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    let (status, v) =
        poll_claim(c, api, id, token, 15, |st, v| matches!(claim_state(st, v).as_str(), "filed" | "needs_attention"))
            .await;
    (claim_state(status, &v), v["reason"].as_str().unwrap_or("").to_owned())
}

impl Recorder {
    /// What it saw, without the filing worker's list reads
    /// (`GET /dsf/tickets?page=…`).
    pub fn calls(&self) -> Vec<Seen> {
        self.seen().into_iter().filter(|s| !s.uri.starts_with("/dsf/tickets?")).collect()
    }
}

/// The sandbox (Support API and demo orders) with `options`, and a proxy
/// whose `orders.url` is the sandbox's `/orders` (with its secret) and no
/// configured parcel kind: only the order completes a claim. `tweak` runs
/// last.
pub async fn orders_stack(
    options: parcel_desk_proxy::SandboxOptions,
    tweak: impl FnOnce(&mut Config),
) -> (Stack, Arc<parcel_desk_proxy::SandboxStats>) {
    let stats = options.stats.clone();
    let creds = Credentials { public_key: PUBLIC.into(), secret_key: parcel_desk_proxy::Secret::new(SECRET) };
    let sandbox = parcel_desk_proxy::start_sandbox_with(loopback(), creds, options).await.unwrap();
    let orders = parcel_desk_proxy::config::BaseUrl::parse(&format!("{}/orders", sandbox.url())).unwrap();
    let proxy = proxy_to(&sandbox.url(), |c: &mut Config| {
        c.claims.parcel_kind = None;
        c.orders.url = Some(orders);
        c.orders.secret = parcel_desk_proxy::Secret::new(SECRET);
        tweak(c);
    })
    .await;
    (Stack { sandbox, proxy }, stats)
}
