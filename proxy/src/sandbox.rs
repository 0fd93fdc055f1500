//! The sandbox: an in-process simulator of the Sendcloud Support API
//! (`POST /dsf/tickets/lost`, `POST /dsf/files`, `GET /dsf/tickets/{id}`),
//! following the specs in `specs/` — status codes, error envelopes, rate
//! limits and the UUID-on-create / int64-on-read ticket ids.
//!
//! It is a real HTTP server (see [`crate::start_sandbox`]) with upstream's
//! paths at its root, so the proxy's forwarding path is exercised over HTTP
//! even in the embedded demo. All state is in memory.
//!
//! Also simulated: `POST /dsf/tickets/damage`, `GET /dsf/tickets` (list),
//! `GET`/`POST /dsf/tickets/requested-data` ([`requested`]) and the Parcel
//! Tracking API ([`tracking`]).

mod requested;
mod tracking;

pub use tracking::DEMO_RECIPIENT_POSTAL_CODES;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use base64::Engine as _;
use parcel_desk_wire::claim_body::{decode_claim, issues_from_problems, ClaimBodyError};
use parcel_desk_wire::requested_data::RequestedData;
use parcel_desk_wire::ticket::{
    DataType, Outcome, RequestedAction, TicketResolution, TicketStage, TicketStatus, TicketType,
};
use parcel_desk_wire::{validate, ClaimType, CreateTicketResponse, FileTokenResponse, ParcelKind, TicketResponse};

use crate::config::{Secret, MAX_FILE_BYTES};
use crate::envelope::{self, json_response, validation_error};
use crate::ratelimit::{retry_after_secs, SlidingWindow};
use parcel_desk_wire::time::rfc3339_utc;
use parcel_desk_wire::upload::is_allowed_type;

/// Upstream's limit on ticket creation per credentials.
pub const CREATE_LIMIT_PER_MINUTE: u32 = 15;
/// Upstream's limit on ticket reads per credentials.
pub const READ_LIMIT_PER_MINUTE: u32 = 30;

/// One demo parcel known to the sandbox.
#[derive(Clone, Copy, Debug)]
pub struct DemoParcel {
    pub tracking_number: &'static str,
    pub kind: ParcelKind,
    /// Sendcloud carrier code.
    pub carrier: &'static str,
    pub parcel_id: i64,
    pub order_number: &'static str,
    pub delivered: bool,
    /// Whether the carrier has a support contact configured (needed for
    /// own-contract claims).
    pub carrier_support_contact: bool,
    /// Whether `is_portal_claim=true` is accepted for this parcel's carrier.
    pub portal_claim: bool,
    /// One line for the startup banner and the README.
    pub description: &'static str,
}

/// The demo parcels. Any other tracking number answers 400 `Parcel not found.`
pub const DEMO_PARCELS: &[DemoParcel] = &[
    DemoParcel {
        tracking_number: "PD-TRANSIT-0001",
        kind: ParcelKind::SendcloudRates,
        carrier: "dhl",
        parcel_id: 90001,
        order_number: "ORD-0001",
        delivered: false,
        carrier_support_contact: false,
        portal_claim: false,
        description: "Sendcloud-rates parcel (dhl), in transit: claimable, needs every Sendcloud-rates field (prices, descriptions, dimensions, 4 documents)",
    },
    DemoParcel {
        tracking_number: "PD-DELIVERED-0002",
        kind: ParcelKind::SendcloudRates,
        carrier: "dhl",
        parcel_id: 90002,
        order_number: "ORD-0002",
        delivered: true,
        carrier_support_contact: false,
        portal_claim: false,
        description: "delivered: a lost claim gets 422 \"Cannot create ticket. Reason: Parcel is already delivered\"",
    },
    DemoParcel {
        tracking_number: "PD-OWN-0003",
        kind: ParcelKind::OwnContract,
        carrier: "postnl",
        parcel_id: 90003,
        order_number: "ORD-0003",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: false,
        description: "own-contract parcel (postnl) with a carrier support contact: claimable with only the tracking number",
    },
    DemoParcel {
        tracking_number: "PD-OWN-NOCONTACT-0004",
        kind: ParcelKind::OwnContract,
        carrier: "dpd",
        parcel_id: 90004,
        order_number: "ORD-0004",
        delivered: false,
        carrier_support_contact: false,
        portal_claim: false,
        description: "own-contract parcel (dpd) without a carrier support contact: 422 \"Carrier support contact is required for own contract parcel\"",
    },
    DemoParcel {
        tracking_number: "PD-PORTAL-0005",
        kind: ParcelKind::OwnContract,
        carrier: "colissimo",
        parcel_id: 90005,
        order_number: "ORD-0005",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: true,
        description: "own-contract Colissimo parcel with a support contact: accepts is_portal_claim=true (other parcels answer 422 to it)",
    },
    DemoParcel {
        tracking_number: "PD-RECENT-0006",
        kind: ParcelKind::OwnContract,
        carrier: "postnl",
        parcel_id: 90006,
        order_number: "ORD-0006",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: false,
        description: "own-contract parcel (postnl) in transit with an event a few hours old: tracking says a lost claim is too early",
    },
    DemoParcel {
        tracking_number: "PD-EXCEPTION-0007",
        kind: ParcelKind::OwnContract,
        carrier: "dpd",
        parcel_id: 90007,
        order_number: "ORD-0007",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: false,
        description: "own-contract parcel (dpd) whose last tracking event is an exception (status type error): claimable",
    },
];

/// Seeded demo tickets: `(id, description)`, for the banner and README.
pub const DEMO_TICKETS: &[(i64, &str)] = &[
    (1001, "lost, pending / in_progress"),
    (1002, "damaged, action_required: carrier asks for sales_invoice and damage_photo"),
    (1003, "lost, claim_paid / manually_solved_stage: claim_approved, 49.95 EUR"),
    (1004, "lost, solved_by_automation: outcome delivered"),
    (1005, "lost, customer_documents_requested / action_required: carrier asks for a purchase_invoice"),
];

/// The first id given to tickets created in the sandbox.
pub const FIRST_CREATED_TICKET_ID: i64 = 2001;

/// Looks a demo parcel up by tracking number (exact match).
pub fn demo_parcel(tracking_number: &str) -> Option<&'static DemoParcel> {
    DEMO_PARCELS.iter().find(|p| p.tracking_number == tracking_number)
}

/// Tracking numbers starting with this are load-test parcels: any such
/// number is an own-contract parcel with a carrier support contact, in
/// transit (for load and fault tests that need many distinct parcels).
pub const LOAD_PARCEL_PREFIX: &str = "PD-LOAD-";

fn load_parcel(tracking_number: &str) -> Option<ParcelInfo> {
    let rest = tracking_number.strip_prefix(LOAD_PARCEL_PREFIX)?;
    (!rest.is_empty()).then(|| ParcelInfo {
        kind: ParcelKind::OwnContract,
        carrier: "postnl".into(),
        parcel_id: 80_000,
        order_number: format!("ORD-LOAD-{rest}"),
        delivered: false,
        carrier_support_contact: true,
        portal_claim: false,
    })
}

/// The key pair the sandbox accepts (HTTP Basic).
#[derive(Clone, Debug)]
pub struct Credentials {
    pub public_key: String,
    pub secret_key: Secret,
}

impl Credentials {
    /// A fresh random pair.
    pub fn generate() -> Self {
        Credentials {
            public_key: format!("sandbox-{}", uuid::Uuid::new_v4().simple()),
            secret_key: Secret::new(format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())),
        }
    }
}

/// Knobs of the simulator.
#[derive(Clone, Debug)]
pub struct SandboxOptions {
    /// How long a created ticket stays out of `GET /dsf/tickets` (upstream
    /// processes creations asynchronously: 202 Accepted).
    pub list_delay: Duration,
    /// Simulate upstream's rate limits (15 creates, 30 reads a minute).
    /// Off only for test suites that file more claims a minute than a real
    /// account may (`PARCEL_DESK_SANDBOX_UPSTREAM_LIMITS=off`).
    pub upstream_limits: bool,
    /// The window of those limits (a minute at Sendcloud; shorter in tests).
    pub window: Duration,
    /// Share (0–1) of ticket creations and ticket reads that fail: 500, 503,
    /// 429 with `Retry-After`, a reset before answering, an answer slower
    /// than `slow`, or (creations) an answer lost after the ticket was
    /// created — one of the six at random.
    pub faults: f64,
    /// How long a "slow" fault keeps the caller waiting (set it past the
    /// proxy's upstream timeout).
    pub slow: Duration,
    /// Counters a test can read while the sandbox runs.
    pub stats: Arc<SandboxStats>,
    /// Lifetime of the OAuth2 access tokens it issues.
    pub token_ttl: Duration,
}

/// What the sandbox did, counted (for tests and the bench).
#[derive(Debug, Default)]
pub struct SandboxStats {
    /// Tickets created by `POST /dsf/tickets/{lost,damage}`.
    pub created: std::sync::atomic::AtomicU64,
    /// 429s answered because a limit was exceeded (not fault 429s).
    pub rate_limited: std::sync::atomic::AtomicU64,
    /// Faults injected.
    pub faults: std::sync::atomic::AtomicU64,
    /// OAuth2 access tokens issued.
    pub tokens_issued: std::sync::atomic::AtomicU64,
    /// Tokens issued before this (ms since the epoch) are refused: set it
    /// to revoke every token issued so far.
    pub tokens_valid_from_ms: std::sync::atomic::AtomicU64,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        SandboxOptions {
            list_delay: Duration::from_secs(2),
            upstream_limits: true,
            window: Duration::from_secs(60),
            faults: 0.0,
            slow: Duration::from_secs(20),
            stats: Arc::default(),
            token_ttl: Duration::from_secs(3600),
        }
    }
}

impl SandboxOptions {
    /// The defaults, with `PARCEL_DESK_SANDBOX_UPSTREAM_LIMITS=off` honoured.
    pub fn from_env() -> Self {
        let off = std::env::var("PARCEL_DESK_SANDBOX_UPSTREAM_LIMITS").is_ok_and(|v| v.eq_ignore_ascii_case("off"));
        SandboxOptions { upstream_limits: !off, ..SandboxOptions::default() }
    }
}

/// A parcel the Support API simulator knows: a demo parcel, or one
/// registered through `POST /parcels/tracking`.
#[derive(Clone, Debug)]
struct ParcelInfo {
    kind: ParcelKind,
    carrier: String,
    parcel_id: i64,
    order_number: String,
    delivered: bool,
    carrier_support_contact: bool,
    portal_claim: bool,
}

impl From<&DemoParcel> for ParcelInfo {
    fn from(p: &DemoParcel) -> Self {
        ParcelInfo {
            kind: p.kind,
            carrier: p.carrier.into(),
            parcel_id: p.parcel_id,
            order_number: p.order_number.into(),
            delivered: p.delivered,
            carrier_support_contact: p.carrier_support_contact,
            portal_claim: p.portal_claim,
        }
    }
}

struct Inner {
    tickets: BTreeMap<i64, TicketResponse>,
    next_id: i64,
    file_tokens: HashSet<String>,
    /// Created tickets and when they show up in the list.
    listed_from: std::collections::HashMap<i64, std::time::Instant>,
    /// Open data requests: (ticket id, request).
    requests: Vec<(i64, RequestedData)>,
    /// Tracking answers by tracking number (demo and registered parcels).
    tracking: BTreeMap<String, serde_json::Value>,
    /// Parcels registered through `POST /parcels/tracking`.
    registered: BTreeMap<String, ParcelInfo>,
    /// The tracking number each created ticket was filed for (shown in the
    /// list, as `tracking_number`).
    tracking_of: std::collections::HashMap<i64, String>,
    /// State of the fault generator (xorshift).
    rng: u64,
    /// OAuth2 access tokens: token → (issued, expires), ms since the epoch.
    tokens: std::collections::HashMap<String, (u64, u64)>,
}

struct SandboxState {
    creds: Credentials,
    inner: Mutex<Inner>,
    creates: SlidingWindow<()>,
    reads: SlidingWindow<()>,
    options: SandboxOptions,
}

impl SandboxState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The sandbox as an axum router (upstream paths at its root).
pub fn router(creds: Credentials) -> Router {
    router_with(creds, SandboxOptions::from_env())
}

/// [`router`] with explicit options.
pub fn router_with(creds: Credentials, options: SandboxOptions) -> Router {
    let state = Arc::new(SandboxState {
        creds,
        inner: Mutex::new(Inner {
            tickets: demo_tickets().into_iter().map(|t| (t.id, t)).collect(),
            next_id: FIRST_CREATED_TICKET_ID,
            file_tokens: HashSet::new(),
            listed_from: Default::default(),
            requests: requested::demo_requests(),
            tracking: tracking::demo_tracking(SystemTime::now()),
            registered: BTreeMap::new(),
            tracking_of: Default::default(),
            tokens: Default::default(),
            rng: (SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(7))
                | 1,
        }),
        creates: SlidingWindow::new(if options.upstream_limits { CREATE_LIMIT_PER_MINUTE } else { 0 }, options.window),
        reads: SlidingWindow::new(if options.upstream_limits { READ_LIMIT_PER_MINUTE } else { 0 }, options.window),
        options,
    });
    Router::new()
        .route("/oauth2/token/", post(issue_token))
        .route("/dsf/tickets/lost", post(create_lost))
        .route("/dsf/tickets/damage", post(create_damage))
        .route("/dsf/files", post(upload_file))
        .route("/dsf/tickets", get(requested::list_tickets))
        .route("/dsf/tickets/requested-data", get(requested::list_requests).post(requested::answer_request))
        .route("/dsf/tickets/{ticket_id}", get(get_ticket))
        .route("/parcels/tracking", post(tracking::register))
        .route("/parcels/tracking/{tracking_number}", get(tracking::get_tracking))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

/// A failure the sandbox simulates (`SandboxOptions::faults`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    Internal,
    Unavailable,
    RateLimited,
    ResetBeforeAnswer,
    /// Answers only after `SandboxOptions::slow` (a creation still happens).
    Slow,
    /// Creates the ticket, then the answer is lost (reset).
    LostAfterCreate,
}

impl SandboxState {
    /// The fault for this call, if one is drawn.
    fn fault(&self) -> Option<Fault> {
        if self.options.faults <= 0.0 {
            return None;
        }
        let mut inner = self.lock();
        let mut next = || {
            let mut x = inner.rng;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            inner.rng = x;
            x
        };
        let draw = (next() >> 11) as f64 / (1u64 << 53) as f64;
        if draw >= self.options.faults {
            return None;
        }
        self.options.stats.faults.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(match next() % 6 {
            0 => Fault::Internal,
            1 => Fault::Unavailable,
            2 => Fault::RateLimited,
            3 => Fault::ResetBeforeAnswer,
            4 => Fault::Slow,
            _ => Fault::LostAfterCreate,
        })
    }
}

/// The answer of a fault that answers at once (`None`: the call goes on).
fn fault_answer(fault: Fault) -> Option<Response> {
    match fault {
        Fault::Internal => {
            Some(envelope::error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "Sandbox fault: internal error."))
        }
        Fault::Unavailable => Some(envelope::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "Sandbox fault: service unavailable.",
        )),
        Fault::RateLimited => Some(envelope::rate_limited("Sandbox fault: rate limit exceeded", 1)),
        Fault::ResetBeforeAnswer => Some(reset()),
        Fault::Slow | Fault::LostAfterCreate => None,
    }
}

/// A connection that breaks before the answer arrives: the status line
/// goes out, then the body fails and the connection is dropped.
fn reset() -> Response {
    let broken = futures_util::stream::once(async {
        Err::<axum::body::Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox fault: connection reset",
        ))
    });
    Response::new(axum::body::Body::from_stream(broken))
}

/// Applies a read fault: `Err` is the answer to give instead.
#[allow(clippy::result_large_err)]
async fn read_fault(state: &SandboxState) -> Result<(), Response> {
    match state.fault() {
        None => Ok(()),
        Some(Fault::Slow) => {
            tokio::time::sleep(state.options.slow).await;
            Ok(())
        }
        Some(Fault::LostAfterCreate) => Err(reset()),
        Some(f) => Err(fault_answer(f).unwrap_or_else(reset)),
    }
}

async fn not_found() -> Response {
    envelope::not_found()
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
    let valid_from = state.options.stats.tokens_valid_from_ms.load(std::sync::atomic::Ordering::Relaxed);
    state.lock().tokens.get(token.trim()).is_some_and(|(issued, expires)| *issued >= valid_from && now < *expires)
}

/// `POST /oauth2/token/`: client credentials (HTTP Basic), form body
/// `grant_type=client_credentials`, scope `api`.
async fn issue_token(State(state): State<Arc<SandboxState>>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let oauth_error = |status: StatusCode, error: &str| json_response(status, &serde_json::json!({ "error": error }));
    if !basic_ok(&state, &headers) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let form = String::from_utf8_lossy(&body).into_owned();
    let field = |name: &str| {
        form.split('&').find_map(|p| {
            p.split_once('=').filter(|(k, _)| *k == name).map(|(_, v)| v.replace("%20", " ").replace('+', " "))
        })
    };
    if field("grant_type").as_deref() != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    if !field("scope").is_some_and(|s| s.split(' ').any(|x| x == "api")) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_scope");
    }
    let token = format!("sbx-{}", uuid::Uuid::new_v4().simple());
    let now = epoch_ms();
    let ttl = state.options.token_ttl;
    {
        let mut inner = state.lock();
        inner.tokens.retain(|_, (_, expires)| *expires > now);
        inner.tokens.insert(token.clone(), (now, now + ttl.as_millis() as u64));
    }
    state.options.stats.tokens_issued.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    json_response(
        StatusCode::OK,
        &serde_json::json!({"access_token": token, "token_type": "Bearer", "expires_in": ttl.as_secs(), "scope": "api"}),
    )
}

#[allow(clippy::result_large_err)]
fn authorized(state: &SandboxState, headers: &HeaderMap) -> Result<(), Response> {
    if basic_ok(state, headers) || bearer_ok(state, headers) {
        return Ok(());
    }
    let mut res = envelope::error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "Authentication credentials were not provided or are invalid.",
    );
    res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"sandbox\""));
    Err(res)
}

/// `POST /dsf/tickets/lost`.
async fn create_lost(
    State(state): State<Arc<SandboxState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    create(state, ClaimType::Lost, query, headers, body).await
}

/// `POST /dsf/tickets/damage`.
async fn create_damage(
    State(state): State<Arc<SandboxState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    create(state, ClaimType::Damage, query, headers, body).await
}

async fn create(
    state: Arc<SandboxState>,
    claim_type: ClaimType,
    query: Option<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(res) = authorized(&state, &headers) {
        return res;
    }
    if let Err(wait) = state.creates.check(&()) {
        state.options.stats.rate_limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return envelope::rate_limited(
            format!("Rate limit exceeded: {CREATE_LIMIT_PER_MINUTE} per 1 minute"),
            retry_after_secs(wait),
        );
    }
    let fault = state.fault();
    if let Some(res) = fault.and_then(fault_answer) {
        return res;
    }
    let mut portal = false;
    for (k, v) in query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split_once('=').unwrap_or((p, "")))
    {
        if k == "is_portal_claim" {
            portal = match v {
                "true" | "True" | "1" => true,
                "false" | "False" | "0" => false,
                _ => {
                    return validation_error(&[parcel_desk_wire::ValidationIssue {
                        kind: "bool_parsing".into(),
                        loc: vec!["query".into(), "is_portal_claim".into()],
                        msg: "Input should be a valid boolean, unable to interpret input".into(),
                    }])
                }
            };
        }
    }
    let claim = match decode_claim(&body) {
        Ok(c) => c,
        Err(ClaimBodyError::InvalidJson) => {
            return envelope::error(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON")
        }
        Err(ClaimBodyError::Invalid(issues)) => return validation_error(&issues),
    };
    let tn = claim.tracking_number.trim();
    let known = demo_parcel(tn)
        .map(ParcelInfo::from)
        .or_else(|| state.lock().registered.get(tn).cloned())
        .or_else(|| load_parcel(tn));
    let Some(parcel) = known else {
        return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "Parcel not found.");
    };
    let unprocessable =
        |detail: String| envelope::error(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable_content", detail);
    if parcel.delivered && claim_type == ClaimType::Lost {
        return unprocessable("Cannot create ticket. Reason: Parcel is already delivered".into());
    }
    if parcel.kind == ParcelKind::OwnContract && !parcel.carrier_support_contact {
        return unprocessable("Carrier support contact is required for own contract parcel".into());
    }
    if portal && !parcel.portal_claim {
        return unprocessable(format!(
            "Cannot create ticket. Reason: Portal claims are not supported for carrier '{}'. Supported: Colissimo, Chronopost, Colis Privé, Mondial Relay, InPost ES, DHL Express (own contract only)",
            parcel.carrier
        ));
    }
    let problems = validate(claim_type, parcel.kind, &claim);
    if !problems.is_empty() {
        return validation_error(&issues_from_problems(&problems));
    }
    let id = {
        let mut inner = state.lock();
        for &field in claim_type.fields() {
            if let Some(token) = claim.file_token(field) {
                if !inner.file_tokens.contains(token.trim()) {
                    return envelope::error(
                        StatusCode::BAD_REQUEST,
                        "bad_request",
                        format!(
                            "Invalid file token for field '{}': upload the file via /dsf/files first.",
                            field.wire_name()
                        ),
                    );
                }
            }
        }
        let id = inner.next_id;
        inner.next_id += 1;
        let now = rfc3339_utc(SystemTime::now());
        inner.tickets.insert(
            id,
            TicketResponse {
                id,
                status: TicketStatus::Pending,
                stage: TicketStage::InProgress,
                ticket_type: Some(if claim_type == ClaimType::Lost { TicketType::Lost } else { TicketType::Damaged }),
                parcel_id: Some(parcel.parcel_id),
                carrier: Some(parcel.carrier.clone()),
                order_number: Some(parcel.order_number.clone()),
                brand_id: None,
                created_at: now.clone(),
                updated_at: Some(now),
                requested_actions: Vec::new(),
                resolution: None,
            },
        );
        inner.listed_from.insert(id, std::time::Instant::now() + state.options.list_delay);
        inner.tracking_of.insert(id, tn.to_owned());
        state.options.stats.created.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        id
    };
    match fault {
        Some(Fault::Slow) => tokio::time::sleep(state.options.slow).await,
        Some(Fault::LostAfterCreate) => {
            tracing::info!(id, "sandbox: created ticket, answer lost (fault)");
            return reset();
        }
        _ => {}
    }
    let ticket_id = uuid::Uuid::new_v4().to_string();
    tracing::info!(%ticket_id, id, portal, claim = claim_type.as_str(), "sandbox: created ticket (GET /dsf/tickets/{{id}} takes the int id)");
    json_response(StatusCode::ACCEPTED, &CreateTicketResponse { ticket_id })
}

/// `POST /dsf/files`.
async fn upload_file(State(state): State<Arc<SandboxState>>, req: Request) -> Response {
    if let Err(res) = authorized(&state, req.headers()) {
        return res;
    }
    let bad = |detail: &str| envelope::error(StatusCode::BAD_REQUEST, "bad_request", detail);
    let too_large = || {
        envelope::error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "content_too_large",
            format!("File is too large: at most {MAX_FILE_BYTES} bytes (6 MB) are accepted."),
        )
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_FILE_BYTES + 1024 * 1024) {
        return too_large();
    }
    let mut multipart = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(_) => {
            return envelope::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Request must be multipart/form-data with a boundary.",
            )
        }
    };
    let one_part = "Expected exactly one multipart part named 'file' with a filename and a Content-Type.";
    let mut field = match multipart.next_field().await {
        Ok(Some(f)) => f,
        Ok(None) => return bad(one_part),
        Err(_) => return bad("Malformed multipart body."),
    };
    if field.name() != Some("file") || field.file_name().is_none_or(str::is_empty) {
        return bad(one_part);
    }
    let Some(content_type) = field.content_type().map(str::to_owned) else {
        return bad(one_part);
    };
    if !is_allowed_type(&content_type) {
        return envelope::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("File type '{}' is not allowed.", content_type.split(';').next().unwrap_or("").trim()),
        );
    }
    let mut size: u64 = 0;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                size += chunk.len() as u64;
                if size > MAX_FILE_BYTES {
                    return too_large();
                }
            }
            Ok(None) => break,
            Err(_) => return bad("Malformed multipart body."),
        }
    }
    drop(field);
    match multipart.next_field().await {
        Ok(None) => {}
        Ok(Some(_)) => return bad(one_part),
        Err(_) => return bad("Malformed multipart body."),
    }
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let hex: String = essence.bytes().map(|b| format!("{b:02x}")).collect();
    let file_token = format!("{}-{hex}", uuid::Uuid::new_v4());
    state.lock().file_tokens.insert(file_token.clone());
    json_response(StatusCode::CREATED, &FileTokenResponse { file_token })
}

/// `GET /dsf/tickets/{ticket_id}` (int64 only).
async fn get_ticket(
    State(state): State<Arc<SandboxState>>,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(res) = authorized(&state, &headers) {
        return res;
    }
    if let Err(wait) = state.reads.check(&()) {
        state.options.stats.rate_limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return envelope::rate_limited(
            format!("Rate limit exceeded: {READ_LIMIT_PER_MINUTE} per 1 minute"),
            retry_after_secs(wait),
        );
    }
    if let Err(res) = read_fault(&state).await {
        return res;
    }
    let Ok(id) = ticket_id.parse::<i64>() else { return envelope::ticket_not_found() };
    match state.lock().tickets.get(&id) {
        Some(t) => json_response(StatusCode::OK, t),
        None => envelope::ticket_not_found(),
    }
}

fn demo_tickets() -> Vec<TicketResponse> {
    let base = |id: i64, status, stage, ticket_type, parcel: usize, created: &str, updated: &str| {
        let p = &DEMO_PARCELS[parcel];
        TicketResponse {
            id,
            status,
            stage,
            ticket_type: Some(ticket_type),
            parcel_id: Some(p.parcel_id + 1000 + id),
            carrier: Some(p.carrier.into()),
            order_number: Some(format!("ORD-{id}")),
            brand_id: Some(3),
            created_at: created.into(),
            updated_at: Some(updated.into()),
            requested_actions: Vec::new(),
            resolution: None,
        }
    };
    let t1 = base(
        1001,
        TicketStatus::Pending,
        TicketStage::InProgress,
        TicketType::Lost,
        0,
        "2026-03-10T09:00:00+00:00",
        "2026-03-10T09:00:00+00:00",
    );
    let mut t2 = base(
        1002,
        TicketStatus::ActionRequired,
        TicketStage::ActionRequired,
        TicketType::Damaged,
        2,
        "2026-03-11T10:30:00+00:00",
        "2026-03-12T14:22:00+00:00",
    );
    t2.requested_actions = vec![
        RequestedAction { id: 301, data_type: DataType::SalesInvoice, created_at: "2026-03-12T14:22:00+00:00".into() },
        RequestedAction { id: 302, data_type: DataType::DamagePhoto, created_at: "2026-03-12T14:22:00+00:00".into() },
    ];
    let mut t3 = base(
        1003,
        TicketStatus::ClaimPaid,
        TicketStage::ManuallySolved,
        TicketType::Lost,
        0,
        "2026-02-20T08:15:00+00:00",
        "2026-03-05T16:40:00+00:00",
    );
    t3.resolution = Some(TicketResolution {
        outcome: Outcome::ClaimApproved,
        amount: Some(49.95),
        currency: Some("EUR".into()),
        solved_at: Some("2026-03-05T16:40:00+00:00".into()),
    });
    let mut t4 = base(
        1004,
        TicketStatus::SolvedByAutomation,
        TicketStage::SolvedByAutomation,
        TicketType::Lost,
        2,
        "2026-03-01T12:00:00+00:00",
        "2026-03-03T07:05:00+00:00",
    );
    t4.resolution = Some(TicketResolution {
        outcome: Outcome::Delivered,
        amount: None,
        currency: None,
        solved_at: Some("2026-03-03T07:05:00+00:00".into()),
    });
    let mut t5 = base(
        1005,
        TicketStatus::CustomerDocumentsRequested,
        TicketStage::ActionRequired,
        TicketType::Lost,
        0,
        "2026-03-13T08:00:00+00:00",
        "2026-03-14T09:30:00+00:00",
    );
    t5.requested_actions = vec![RequestedAction {
        id: 303,
        data_type: DataType::PurchaseInvoice,
        created_at: "2026-03-14T09:30:00+00:00".into(),
    }];
    vec![t1, t2, t3, t4, t5]
}

#[cfg(test)]
mod tests {
    use super::*;
    use parcel_desk_wire::ClaimField;

    #[test]
    fn demo_tickets_have_order_numbers_and_spec_values() {
        let t = demo_tickets();
        assert!(t.iter().all(|t| t.order_number.is_some()));
        assert_eq!(t[1].order_number.as_deref(), Some("ORD-1002"));
        assert_eq!(t[1].requested_actions.len(), 2);
        assert_eq!(serde_json::to_value(&t[2]).unwrap()["stage"], "manually_solved_stage");
        assert_eq!(DEMO_TICKETS.len(), t.len());
        assert!(demo_parcel("PD-OWN-0003").is_some());
        assert!(ClaimField::from_wire_name("sales_invoice").is_some());
    }
}
