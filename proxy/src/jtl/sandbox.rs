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
//! * `GET /v1/channel/event` / `DELETE /v1/channel/event`: an event queue;
//!   an event not acknowledged is delivered again after
//!   [`SimSettings::redelivery_after`] (at most 10 times).
//! * 60 requests a minute on `/v1/channel*` (429 with `Retry-After`).
//!
//! State is in memory. [`SimHandle`] lets tests count calls and inject
//! failures.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use parcel_desk_wire::jtl::{
    is_allowed_attachment_type, AttachmentData, ChannelEvent, ChannelTicket, ErrorList, EventAck, EventList, JtlError,
    TicketAttachment, MAX_ATTACHMENT_BYTES,
};
use serde_json::{json, Value};

use crate::config::Secret;
use crate::envelope::json_response;
use crate::ratelimit::{retry_after_secs, SlidingWindow};
use parcel_desk_wire::time::rfc3339_utc;

/// The seller id the sandbox knows (the doc's example).
pub const SANDBOX_SELLER_ID: &str = "4711";
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
    /// Filename → failures still to inject on upload.
    fail_uploads: HashMap<String, u32>,
    /// Log of (method, path, status) of every request.
    log: Vec<(String, String, u16)>,
}

/// Shared simulator state; the handle tests keep.
pub struct SimState {
    settings: SimSettings,
    inner: Mutex<Inner>,
    channel_limit: SlidingWindow<()>,
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
        let seller = self.ticket(ticket_id).map(|t| t.ticket.seller_id).unwrap_or_default();
        let mut inner = self.lock();
        self.queue_reply(&mut inner, ticket_id, &seller, text, Vec::new())
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
                    "from": {"role": "SELLER", "name": "Sandbox Shop"},
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
        channel_limit: SlidingWindow::new(settings.channel_per_minute, Duration::from_secs(60)),
        settings,
        inner: Mutex::new(Inner::default()),
        auth_calls: AtomicU64::new(0),
        ticket_seq: AtomicU64::new(0),
        event_seq: AtomicU64::new(1),
        fail_acks: AtomicU32::new(0),
    });
    let router = Router::new()
        .route("/v1/auth", post(auth))
        .route("/v1/channel/ticket", post(create_ticket))
        .route("/v1/channel/ticket/attachment", post(upload_attachment))
        .route("/v1/channel/event", axum::routing::get(events).delete(ack))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
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

fn english(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("en"))
}

/// One error in JTL's `errorList`, German or English.
fn jtl_error(status: StatusCode, code: &str, en: bool, de_msg: String, en_msg: String, hint: &str) -> Response {
    let body = ErrorList {
        error_list: vec![JtlError {
            code: code.into(),
            message: if en { en_msg } else { de_msg },
            severity: "error".into(),
            hint: hint.into(),
        }],
    };
    json_response(status, &body)
}

fn errors(status: StatusCode, list: Vec<JtlError>) -> Response {
    json_response(status, &ErrorList { error_list: list })
}

async fn not_found(headers: HeaderMap) -> Response {
    jtl_error(
        StatusCode::NOT_FOUND,
        "NF404",
        english(&headers),
        "Ressource nicht gefunden".into(),
        "Resource not found".into(),
        "",
    )
}

async fn auth(State(st): State<SimHandle>, headers: HeaderMap, body: Bytes) -> Response {
    st.auth_calls.fetch_add(1, Ordering::SeqCst);
    let en = english(&headers);
    let form = reqwest::Url::parse(&format!("http://form.invalid/?{}", String::from_utf8_lossy(&body))).ok();
    let given = form.and_then(|u| u.query_pairs().find(|(k, _)| k == "refreshToken").map(|(_, v)| v.into_owned()));
    if given.as_deref() != Some(st.settings.refresh_token.expose()) {
        return jtl_error(
            StatusCode::UNAUTHORIZED,
            "AUTH100",
            en,
            "Ungültiger Refresh-Token".into(),
            "Invalid refresh token".into(),
            "Send the refresh token from the onboarding as form field `refreshToken`.",
        );
    }
    let token = format!("sbx-{}", uuid::Uuid::new_v4().simple());
    let lifetime = st.settings.token_lifetime;
    st.lock().tokens.insert(token.clone(), Instant::now() + lifetime);
    let body = json!({
        "authToken": token,
        "tokenExpireAt": rfc3339_utc(SystemTime::now() + lifetime),
        "expiresIn": lifetime.as_secs(),
    });
    json_response(StatusCode::OK, &body)
}

/// Bearer token check and the channel rate limit.
#[allow(clippy::result_large_err)]
fn channel_guard(st: &SimState, headers: &HeaderMap) -> Result<(), Response> {
    let en = english(headers);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let valid = token.is_some_and(|t| st.lock().tokens.get(t).is_some_and(|exp| Instant::now() < *exp));
    if !valid {
        return Err(jtl_error(
            StatusCode::UNAUTHORIZED,
            "AUTH101",
            en,
            "Zugriffstoken fehlt, ist ungültig oder abgelaufen".into(),
            "Access token missing, invalid or expired".into(),
            "Request a new access token with POST /v1/auth.",
        ));
    }
    if let Err(wait) = st.channel_limit.check(&()) {
        let mut res = jtl_error(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE429",
            en,
            "Zu viele Anfragen: höchstens 60 pro Minute".into(),
            "Too many requests: at most 60 per minute".into(),
            "",
        );
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs(wait)));
        return Err(res);
    }
    Ok(())
}

const REQUIRED: &[&str] = &["sellerId", "ticketId", "topic", "createdAt", "from", "subject", "message"];

async fn create_ticket(State(st): State<SimHandle>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(res) = channel_guard(&st, &headers) {
        return res;
    }
    let en = english(&headers);
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return jtl_error(
            StatusCode::BAD_REQUEST,
            "VAL001",
            en,
            "Ungültiges JSON".into(),
            "Invalid JSON".into(),
            "Send the ticket as a JSON object.",
        );
    };
    let missing: Vec<JtlError> = REQUIRED
        .iter()
        .filter(|f| value.get(**f).is_none_or(Value::is_null))
        .map(|f| JtlError {
            code: "VAL100".into(),
            message: if en {
                format!("Required field {f} not found")
            } else {
                format!("Pflichtfeld {f} nicht gefunden")
            },
            severity: "error".into(),
            hint: format!("Check the field `{f}` — it must be present."),
        })
        .collect();
    if !missing.is_empty() {
        return errors(StatusCode::BAD_REQUEST, missing);
    }
    let ticket: ChannelTicket = match serde_json::from_value(value) {
        Ok(t) => t,
        Err(e) => {
            return jtl_error(
                StatusCode::BAD_REQUEST,
                "VAL002",
                en,
                format!("Ungültiger Feldtyp: {e}"),
                format!("Invalid field type: {e}"),
                "",
            )
        }
    };
    let issues = ticket.validate();
    if !issues.is_empty() {
        let list = issues
            .iter()
            .map(|i| {
                let field = i.loc.join(".");
                JtlError {
                    code: "VAL101".into(),
                    message: if en {
                        format!("Field {field} is invalid: {}", i.msg)
                    } else {
                        format!("Feld {field} ist ungültig: {}", i.msg)
                    },
                    severity: "error".into(),
                    hint: format!("Check the field `{field}`."),
                }
            })
            .collect();
        return errors(StatusCode::BAD_REQUEST, list);
    }
    if !st.settings.seller_ids.contains(&ticket.seller_id) {
        return jtl_error(
            StatusCode::BAD_REQUEST,
            "VAL200",
            en,
            format!("Verkäufer {} ist diesem Kanal nicht bekannt", ticket.seller_id),
            format!("Seller {} is not known on this channel", ticket.seller_id),
            "Use the SellerId from the seller's sign-up.",
        );
    }
    let mut inner = st.lock();
    if inner.tickets.contains_key(&ticket.ticket_id) {
        return jtl_error(
            StatusCode::CONFLICT,
            "VAL300",
            en,
            format!("Ticket {} existiert bereits", ticket.ticket_id),
            format!("Ticket {} already exists", ticket.ticket_id),
            "Use a new ticketId.",
        );
    }
    let seq = st.ticket_seq.fetch_add(1, Ordering::SeqCst) + 1;
    inner.replies_due.push((Instant::now() + st.settings.reply_delay, ticket.ticket_id.clone()));
    inner.tickets.insert(ticket.ticket_id.clone(), SimTicket { ticket, uploaded: Vec::new(), seq });
    drop(inner);
    StatusCode::CREATED.into_response()
}

async fn upload_attachment(State(st): State<SimHandle>, req: Request) -> Response {
    let headers = req.headers().clone();
    if let Err(res) = channel_guard(&st, &headers) {
        return res;
    }
    let en = english(&headers);
    let bad = |code: &str, de: String, enm: String| jtl_error(StatusCode::BAD_REQUEST, code, en, de, enm, "");
    let mut multipart = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(_) => return bad("VAL010", "Multipart-Formular erwartet".into(), "Multipart form expected".into()),
    };
    let mut data: Option<AttachmentData> = None;
    let mut file: Option<(String, usize)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return jtl_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "VAL013",
                    en,
                    "Datei ist größer als 16 MB".into(),
                    "File is larger than 16 MB".into(),
                    "",
                )
            }
            Err(_) => return bad("VAL010", "Multipart-Formular erwartet".into(), "Multipart form expected".into()),
        };
        match field.name() {
            Some("attachmentData") => {
                let Ok(bytes) = field.bytes().await else {
                    return bad("VAL011", "attachmentData unlesbar".into(), "attachmentData unreadable".into());
                };
                match serde_json::from_slice::<AttachmentData>(&bytes) {
                    Ok(d) => data = Some(d),
                    Err(_) => {
                        return bad(
                            "VAL011",
                            "attachmentData muss JSON {sellerId, ticketId, filename} sein".into(),
                            "attachmentData must be JSON {sellerId, ticketId, filename}".into(),
                        )
                    }
                }
            }
            Some("attachment") => {
                let ct = field.content_type().unwrap_or("").to_owned();
                let len = match field.bytes().await {
                    Ok(b) => b.len(),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => usize::MAX,
                    Err(_) => return bad("VAL012", "Datei unlesbar".into(), "File unreadable".into()),
                };
                file = Some((ct, len));
            }
            _ => {}
        }
    }
    let (Some(data), Some((content_type, len))) = (data, file) else {
        return bad(
            "VAL100",
            "Pflichtteil attachmentData oder attachment nicht gefunden".into(),
            "Required part attachmentData or attachment not found".into(),
        );
    };
    if len as u64 > MAX_ATTACHMENT_BYTES {
        return jtl_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "VAL013",
            en,
            "Datei ist größer als 16 MB".into(),
            "File is larger than 16 MB".into(),
            "",
        );
    }
    if !is_allowed_attachment_type(&content_type) {
        return jtl_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "VAL014",
            en,
            format!("Dateityp {content_type} ist nicht erlaubt"),
            format!("File type {content_type} is not allowed"),
            "Allowed: plain text, PDF, Word, Excel, images.",
        );
    }
    if let Some(issue) = data.validate().first() {
        return bad(
            "VAL101",
            format!("Feld {} ist ungültig: {}", issue.loc.join("."), issue.msg),
            format!("Field {} is invalid: {}", issue.loc.join("."), issue.msg),
        );
    }
    let mut inner = st.lock();
    {
        let fails = inner.fail_uploads.get_mut(&data.filename);
        if let Some(n) = fails.filter(|n| **n > 0) {
            *n -= 1;
            drop(inner);
            return jtl_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "SYS500",
                en,
                "Interner Fehler (simuliert)".into(),
                "Internal error (simulated)".into(),
                "Try again later.",
            );
        }
    }
    let Some(t) = inner.tickets.get_mut(&data.ticket_id).filter(|t| t.ticket.seller_id == data.seller_id) else {
        drop(inner);
        return jtl_error(
            StatusCode::NOT_FOUND,
            "VAL201",
            en,
            format!("Ticket {} nicht gefunden", data.ticket_id),
            format!("Ticket {} not found", data.ticket_id),
            "Create the ticket first.",
        );
    };
    if !t.ticket.attachment.iter().any(|a| a.filename == data.filename) {
        drop(inner);
        return bad(
            "VAL102",
            format!("Anhang {} ist im Ticket nicht angekündigt", data.filename),
            format!("Attachment {} is not announced in the ticket", data.filename),
        );
    }
    if !t.uploaded.contains(&data.filename) {
        t.uploaded.push(data.filename.clone());
    }
    drop(inner);
    StatusCode::CREATED.into_response()
}

async fn events(State(st): State<SimHandle>, headers: HeaderMap) -> Response {
    if let Err(res) = channel_guard(&st, &headers) {
        return res;
    }
    let now = Instant::now();
    let mut inner = st.lock();
    let due: Vec<String> = inner.replies_due.iter().filter(|(t, _)| *t <= now).map(|(_, id)| id.clone()).collect();
    inner.replies_due.retain(|(t, _)| *t > now);
    for ticket_id in due {
        let Some(t) = inner.tickets.get(&ticket_id).cloned() else { continue };
        let name = &t.ticket.from.name;
        let text = format!(
            "Hello {name}, thank you for your message \"{}\". We have received it and will get back to you shortly. (sandbox reply)",
            t.ticket.subject
        );
        let att =
            vec![TicketAttachment { filename: "sandbox-reply.pdf".into(), content_type: "application/pdf".into() }];
        st.queue_reply(&mut inner, &ticket_id, &t.ticket.seller_id, &text, att);
    }
    let redeliver = st.settings.redelivery_after;
    let mut list = Vec::new();
    for e in inner.events.iter_mut() {
        if !e.acked && e.visible_at <= now && e.deliveries < MAX_DELIVERIES {
            e.deliveries += 1;
            e.visible_at = now + redeliver;
            list.push(e.event.clone());
        }
    }
    drop(inner);
    json_response(StatusCode::OK, &EventList { event_list: list })
}

async fn ack(State(st): State<SimHandle>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(res) = channel_guard(&st, &headers) {
        return res;
    }
    let en = english(&headers);
    if st.fail_acks.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
        return jtl_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SYS500",
            en,
            "Interner Fehler (simuliert)".into(),
            "Internal error (simulated)".into(),
            "",
        );
    }
    let Ok(a) = serde_json::from_slice::<EventAck>(&body) else {
        return jtl_error(
            StatusCode::BAD_REQUEST,
            "VAL100",
            en,
            "Pflichtfeld eventIdList nicht gefunden".into(),
            "Required field eventIdList not found".into(),
            "",
        );
    };
    let mut inner = st.lock();
    for e in inner.events.iter_mut() {
        if a.event_id_list.contains(&e.event.id) {
            e.acked = true;
        }
    }
    StatusCode::NO_CONTENT.into_response()
}
