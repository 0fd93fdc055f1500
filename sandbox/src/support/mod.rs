//! The Sendcloud Support API simulator (`POST /dsf/tickets/lost`,
//! `POST /dsf/files`, `GET /dsf/tickets/{id}`, …), its OAuth2 token
//! endpoint and the Parcel Tracking API, upstream's paths at its root.
//!
//! * [`auth`]: HTTP Basic and OAuth2 client credentials.
//! * [`tickets`]: ticket creation and reads.
//! * [`files`]: `POST /dsf/files`.
//! * [`documents`]: `POST /dsf/documents/generate/invoice` (a real PDF).
//! * [`requested`]: the ticket list and the carrier's data requests.
//! * [`tracking`]: the Parcel Tracking API.
//! * [`faults`]: injected failures (`SandboxOptions::faults`).

mod auth;
mod documents;
mod faults;
mod files;
mod requested;
mod tickets;
mod tracking;

pub use auth::Credentials;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use parcel_desk_wire::requested_data::RequestedData;
use parcel_desk_wire::{ParcelKind, TicketResponse};

use crate::demo::{self, DemoParcel, FIRST_CREATED_TICKET_ID, LOAD_PARCEL_PREFIX};
use crate::error::SandboxError;
use crate::limit::Window;

/// Upstream's limit on ticket creation per credentials.
pub const CREATE_LIMIT_PER_MINUTE: u32 = 15;
/// Upstream's limit on ticket reads per credentials.
pub const READ_LIMIT_PER_MINUTE: u32 = 30;

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
    /// The body of every ticket created, with its route segment (`lost`, …),
    /// as the sandbox decoded it: what a test checks upstream received.
    pub claims: std::sync::Mutex<Vec<(String, serde_json::Value)>>,
    /// Tokens issued before this (ms since the epoch) are refused: set it
    /// to revoke every token issued so far.
    pub tokens_valid_from_ms: std::sync::atomic::AtomicU64,
    /// The PDFs uploaded (`POST /dsf/files`) or generated, by file token:
    /// the last [`KEPT_PDFS`] (at most [`KEPT_PDF_BYTES`] in all), so a
    /// test can open what a claim names.
    pub pdfs: std::sync::Mutex<std::collections::VecDeque<(String, Vec<u8>)>>,
}

/// How many PDFs [`SandboxStats::pdfs`] keeps.
pub const KEPT_PDFS: usize = 64;
/// How many bytes of PDFs it keeps at most.
pub const KEPT_PDF_BYTES: usize = 32 * 1024 * 1024;

impl SandboxStats {
    /// Keeps a PDF under its file token (dropping the oldest past [`KEPT_PDFS`]).
    pub fn keep_pdf(&self, file_token: &str, pdf: Vec<u8>) {
        let mut kept = self.pdfs.lock().unwrap_or_else(|e| e.into_inner());
        kept.push_back((file_token.to_owned(), pdf));
        while kept.len() > KEPT_PDFS
            || (kept.len() > 1 && kept.iter().map(|(_, p)| p.len()).sum::<usize>() > KEPT_PDF_BYTES)
        {
            kept.pop_front();
        }
    }

    /// The PDF with this file token, if kept.
    pub fn pdf(&self, file_token: &str) -> Option<Vec<u8>> {
        let kept = self.pdfs.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter().find(|(t, _)| t == file_token).map(|(_, pdf)| pdf.clone())
    }
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

/// A parcel the Support API simulator knows: a demo parcel, a load-test
/// parcel, or one registered through `POST /parcels/tracking`.
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

impl ParcelInfo {
    /// A load-test parcel ([`LOAD_PARCEL_PREFIX`]).
    fn load(tracking_number: &str) -> Option<ParcelInfo> {
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
}

struct Inner {
    tickets: BTreeMap<i64, TicketResponse>,
    next_id: i64,
    file_tokens: HashSet<String>,
    /// Created tickets and when they show up in the list.
    listed_from: HashMap<i64, Instant>,
    /// Open data requests: (ticket id, request).
    requests: Vec<(i64, RequestedData)>,
    /// Tracking answers by tracking number (demo and registered parcels).
    tracking: BTreeMap<String, serde_json::Value>,
    /// Parcels registered through `POST /parcels/tracking`.
    registered: BTreeMap<String, ParcelInfo>,
    /// The tracking number each created ticket was filed for (shown in the
    /// list, as `tracking_number`).
    tracking_of: HashMap<i64, String>,
    /// State of the fault generator (xorshift).
    rng: u64,
    /// OAuth2 access tokens: token → (issued, expires), ms since the epoch.
    tokens: HashMap<String, (u64, u64)>,
}

struct SandboxState {
    creds: Credentials,
    inner: Mutex<Inner>,
    creates: Window,
    reads: Window,
    options: SandboxOptions,
}

impl SandboxState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Upstream's read limit (ticket reads and lists).
    fn read_limit(&self) -> Result<(), SandboxError> {
        self.reads.check().map_err(|secs| {
            self.options.stats.rate_limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            SandboxError::rate_limited(format!("Rate limit exceeded: {READ_LIMIT_PER_MINUTE} per 1 minute"), secs)
        })
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
            tickets: demo::demo_tickets().into_iter().map(|t| (t.id, t)).collect(),
            next_id: FIRST_CREATED_TICKET_ID,
            file_tokens: HashSet::new(),
            listed_from: HashMap::new(),
            requests: demo::demo_requests(),
            tracking: demo::demo_tracking(SystemTime::now()),
            registered: BTreeMap::new(),
            tracking_of: HashMap::new(),
            tokens: HashMap::new(),
            rng: (SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(7))
                | 1,
        }),
        creates: Window::new(if options.upstream_limits { CREATE_LIMIT_PER_MINUTE } else { 0 }, options.window),
        reads: Window::new(if options.upstream_limits { READ_LIMIT_PER_MINUTE } else { 0 }, options.window),
        options,
    });
    Router::new()
        .route("/oauth2/token/", post(auth::issue_token))
        .route("/dsf/files", post(files::upload_file))
        .route("/dsf/documents/generate/invoice", post(documents::generate_invoice))
        .route("/dsf/documents/preview/{file_token}", get(documents::preview))
        .route("/dsf/tickets", get(requested::list_tickets))
        .route("/dsf/tickets/requested-data", get(requested::list_requests).post(requested::answer_request))
        // `{ticket_id}` for reads, a claim type's segment for creations.
        .route("/dsf/tickets/{ticket_id}", get(tickets::get_ticket).post(tickets::create_typed))
        // Not upstream's: moves a ticket as the carrier would (tests, demos).
        .route("/sandbox/tickets/{ticket_id}", post(tickets::move_ticket))
        .route("/parcels/tracking", post(tracking::register))
        .route("/parcels/tracking/{tracking_number}", get(tracking::get_tracking))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

async fn not_found() -> SandboxError {
    SandboxError::not_found()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_pdfs_are_bounded_by_count_and_bytes() {
        let stats = SandboxStats::default();
        for i in 0..=KEPT_PDFS {
            stats.keep_pdf(&format!("t{i}"), vec![b'%'; 10]);
        }
        assert!(stats.pdf("t0").is_none(), "the oldest goes first");
        assert_eq!(stats.pdf(&format!("t{KEPT_PDFS}")).unwrap().len(), 10);
        stats.keep_pdf("big", vec![0; KEPT_PDF_BYTES - 100]);
        stats.keep_pdf("small", vec![1; 200]);
        assert!(stats.pdf("big").is_none(), "bytes bound it too");
        assert_eq!(stats.pdf("small").unwrap().len(), 200);
        assert_eq!(stats.pdfs.lock().unwrap().len(), 1);
    }
}
