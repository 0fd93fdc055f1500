//! A JTL-SCX Channel API simulator (the parts parcel-desk uses), following
//! `specs/jtl-scx-channel-create-ticket.md` and the facts in
//! `specs/README.md`:
//!
//! * `POST /v1/auth` (form field `refreshToken`) → `{authToken,
//!   tokenExpireAt, expiresIn}`; tokens expire after
//!   [`SimSettings::token_lifetime`]; expired or unknown tokens get 401.
//! * `POST /v1/channel/ticket`: the doc's field rules, `errorList` answers
//!   (German unless `Accept-Language: en`), 201 on success. A seller reply
//!   is queued [`SimSettings::reply_delay`] after each ticket.
//! * `POST /v1/channel/ticket/attachment`: multipart `attachmentData` +
//!   `attachment`, for a file announced in the ticket's `attachment[]`,
//!   at most 16 MB, JTL's type allowlist.
//! * `GET /v1/channel/ticket/attachment?sellerId&ticketId&filename`: the
//!   bytes of a file the seller attached to a reply (JTL's public docs,
//!   "Download Attachment"; 404 `errorList` for anything else).
//! * `GET /v1/channel/event` / `DELETE /v1/channel/event`: an event queue;
//!   an event not acknowledged is delivered again after
//!   [`SimSettings::redelivery_after`] (at most 10 times).
//! * 60 requests a minute on `/v1/channel*` (429 with `Retry-After`).
//!
//! State is in memory. [`SimHandle`] lets tests count calls and inject
//! failures. It answers in JTL's own `errorList` format (`error.rs`).

mod attachment;
mod channel;
mod error;
mod events;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use parcel_desk_wire::jtl::{ChannelEvent, ChannelTicket, TicketAttachment, MAX_ATTACHMENT_BYTES};
use parcel_desk_wire::time::rfc3339_utc;
use serde_json::json;

pub use crate::demo::jtl::SANDBOX_SELLER_ID;
use crate::demo::jtl::SELLER_NAME;
use crate::limit::Window;
use crate::Secret;

/// Deliveries of one event before it is dead-lettered.
pub const MAX_DELIVERIES: u32 = 10;

/// Simulator settings.
#[derive(Clone, Debug)]
pub struct SimSettings {
    pub refresh_token: Secret,
    pub seller_ids: Vec<String>,
    pub token_lifetime: Duration,
    pub reply_delay: Duration,
    pub redelivery_after: Duration,
    pub channel_per_minute: u32,
}

impl SimSettings {
    /// Defaults: seller `4711`, tokens for 10 minutes, a reply 3 s after
    /// each ticket, redelivery after 10 s, 60 requests a minute.
    pub fn new(refresh_token: Secret) -> Self {
        SimSettings {
            refresh_token,
            seller_ids: vec![SANDBOX_SELLER_ID.into()],
            token_lifetime: Duration::from_secs(600),
            reply_delay: Duration::from_secs(3),
            redelivery_after: Duration::from_secs(10),
            channel_per_minute: 60,
        }
    }
}

/// A ticket as the simulator holds it.
#[derive(Clone, Debug)]
pub struct SimTicket {
    pub ticket: ChannelTicket,
    /// Filenames uploaded so far, in order.
    pub uploaded: Vec<String>,
    /// Ticket-creation order number (1, 2, …).
    pub seq: u64,
}

struct SimEvent {
    event: ChannelEvent,
    visible_at: Instant,
    deliveries: u32,
    acked: bool,
}

#[derive(Default)]
struct Inner {
    tokens: HashMap<String, Instant>,
    tickets: HashMap<String, SimTicket>,
    /// (due, ticket id) of replies not yet queued.
    replies_due: Vec<(Instant, String)>,
    events: Vec<SimEvent>,
    /// Files of seller replies: (ticket id, filename) → (content type, bytes).
    reply_files: HashMap<(String, String), (String, Vec<u8>)>,
    /// Filename → failures still to inject on upload.
    fail_uploads: HashMap<String, u32>,
    /// Log of (method, path, status) of every request.
    log: Vec<(String, String, u16)>,
}

/// Shared simulator state; the handle tests keep.
pub struct SimState {
    settings: SimSettings,
    inner: Mutex<Inner>,
    channel_limit: Window,
    auth_calls: AtomicU64,
    ticket_seq: AtomicU64,
    event_seq: AtomicU64,
    fail_acks: AtomicU32,
}

/// Test access to a running simulator.
pub type SimHandle = Arc<SimState>;

impl SimState {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// `POST /v1/auth` calls so far (successful or not).
    pub fn auth_calls(&self) -> u64 {
        self.auth_calls.load(Ordering::SeqCst)
    }
    /// A created ticket.
    pub fn ticket(&self, ticket_id: &str) -> Option<SimTicket> {
        self.lock().tickets.get(ticket_id).cloned()
    }
    /// Every ticket, in creation order.
    pub fn tickets(&self) -> Vec<SimTicket> {
        let mut t: Vec<_> = self.lock().tickets.values().cloned().collect();
        t.sort_by_key(|t| t.seq);
        t
    }
    /// `(method, path, status)` of every request so far.
    pub fn log(&self) -> Vec<(String, String, u16)> {
        self.lock().log.clone()
    }
    /// Requests matching `method` and `path` so far.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.lock().log.iter().filter(|(m, p, _)| m == method && p == path).count()
    }
    /// Makes the next `n` uploads of `filename` fail with 500.
    pub fn fail_uploads(&self, filename: &str, n: u32) {
        self.lock().fail_uploads.insert(filename.into(), n);
    }
    /// Makes the next `n` acknowledgements fail with 500.
    pub fn fail_acks(&self, n: u32) {
        self.fail_acks.store(n, Ordering::SeqCst);
    }
    /// Forgets every issued auth token (the next channel call gets 401).
    pub fn revoke_tokens(&self) {
        self.lock().tokens.clear();
    }
    /// Queues a seller reply for `ticket_id` now; returns the event id.
    pub fn push_reply(&self, ticket_id: &str, text: &str) -> String {
        self.push_reply_with(ticket_id, text, &[])
    }
    /// Queues a seller reply with files `(filename, content type, bytes)`;
    /// the channel downloads them with `GET /v1/channel/ticket/attachment`.
    pub fn push_reply_with(&self, ticket_id: &str, text: &str, files: &[(&str, &str, &[u8])]) -> String {
        let seller = self.ticket(ticket_id).map(|t| t.ticket.seller_id).unwrap_or_default();
        let mut inner = self.lock();
        let mut att = Vec::new();
        for (name, content_type, bytes) in files {
            inner.reply_files.insert((ticket_id.into(), (*name).into()), ((*content_type).into(), bytes.to_vec()));
            att.push(TicketAttachment { filename: (*name).into(), content_type: (*content_type).into() });
        }
        self.queue_reply(&mut inner, ticket_id, &seller, text, att)
    }
    /// Forgets the files of every seller reply (a later download is 404).
    pub fn forget_reply_files(&self) {
        self.lock().reply_files.clear();
    }
    /// Ids of events acknowledged so far.
    pub fn acked(&self) -> Vec<String> {
        self.lock().events.iter().filter(|e| e.acked).map(|e| e.event.id.clone()).collect()
    }
    /// How often each event was delivered: (id, deliveries, acked).
    pub fn deliveries(&self) -> Vec<(String, u32, bool)> {
        self.lock().events.iter().map(|e| (e.event.id.clone(), e.deliveries, e.acked)).collect()
    }

    fn queue_reply(
        &self,
        inner: &mut Inner,
        ticket_id: &str,
        seller: &str,
        text: &str,
        att: Vec<TicketAttachment>,
    ) -> String {
        let id = format!("{:024x}", 0x6362_0000_0000u64 + self.event_seq.fetch_add(1, Ordering::SeqCst));
        let now = rfc3339_utc(SystemTime::now());
        inner.events.push(SimEvent {
            event: ChannelEvent {
                id: id.clone(),
                kind: "Seller:Ticket.Reply".into(),
                created_at: now.clone(),
                event: json!({
                    "sellerId": seller,
                    "ticketId": ticket_id,
                    "createdAt": now,
                    "from": {"role": "SELLER", "name": SELLER_NAME},
                    "message": text,
                    "replyRequested": false,
                    "attachment": att,
                }),
            },
            visible_at: Instant::now(),
            deliveries: 0,
            acked: false,
        });
        id
    }
}

/// The simulator's router (paths `/v1/...` at its root) and its handle.
pub fn router(settings: SimSettings) -> (Router, SimHandle) {
    let state = Arc::new(SimState {
        channel_limit: Window::new(settings.channel_per_minute, Duration::from_secs(60)),
        settings,
        inner: Mutex::new(Inner::default()),
        auth_calls: AtomicU64::new(0),
        ticket_seq: AtomicU64::new(0),
        event_seq: AtomicU64::new(1),
        fail_acks: AtomicU32::new(0),
    });
    let router = Router::new()
        .route("/v1/auth", post(channel::auth))
        .route("/v1/channel/ticket", post(channel::create_ticket))
        .route(
            "/v1/channel/ticket/attachment",
            post(attachment::upload_attachment).get(attachment::download_attachment),
        )
        .route("/v1/channel/event", get(events::events).delete(events::ack))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::not_found)
        .layer(DefaultBodyLimit::max(MAX_ATTACHMENT_BYTES as usize + 1024 * 1024))
        .layer(axum::middleware::from_fn_with_state(state.clone(), record))
        .with_state(state.clone());
    (router, state)
}

async fn record(State(st): State<SimHandle>, req: Request, next: axum::middleware::Next) -> Response {
    let (m, p) = (req.method().to_string(), req.uri().path().to_owned());
    let res = next.run(req).await;
    st.lock().log.push((m, p, res.status().as_u16()));
    res
}
