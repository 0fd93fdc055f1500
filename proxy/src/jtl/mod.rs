//! JTL-SCX channel tickets: the widget's "contact the seller" routes.
//!
//! Under the API prefix:
//! * `POST /channel/ticket/attachment-upload`: one multipart part `file`
//!   (filename + Content-Type, ≤ 16 MB, JTL's type allowlist), streamed to
//!   a file in the proxy's data directory → 201 `{"file_token"}`.
//! * `POST /channel/ticket`: a [`ContactRequest`]; the proxy fills
//!   `sellerId` (config), `ticketId`, `createdAt`, `from.role = BUYER`,
//!   creates the ticket upstream, then uploads each attachment (retried)
//!   → 201 [`ContactCreated`] with a signed access token.
//! * `GET /channel/ticket/{ticketId}/messages` with `X-Ticket-Token`
//!   → [`Conversation`]; a bad token answers the same 404 as an unknown
//!   ticket.
//!
//! A background task polls `GET /v1/channel/event`, stores
//! `Seller:Ticket.Reply` events and only then acknowledges them.

pub mod client;
mod outbox;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::jtl::{
    decode_contact, is_allowed_attachment_type, is_file_token, AttachmentData, AttachmentOutcome, ChannelTicket,
    ContactCreated, ContactRequest, Conversation, ErrorList, EventAck, EventList, Role, TicketAttachment, TicketFrom,
    TicketReference, EVENT_TICKET_REPLY, MAX_ATTACHMENT_BYTES,
};
use parcel_desk_wire::route::ChannelTicketRef;
use parcel_desk_wire::{ApiError, ErrorEnvelope, Route, ValidationIssue};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use crate::access::TokenKey;
use crate::config::Secret;
use crate::envelope::{self, json_response, validation_error};
use client::{Answer, Call, CallError, ClientSettings, JtlClient};
use store::{JtlStore, Reply};
// The body rules every JSON and upload route of the proxy shares.
use crate::body::{declared_length, linger, read_limited, require_json, too_large};

pub use crate::config::{JtlConfig, JTL_DEFAULT_BASE_URL as DEFAULT_BASE_URL};
/// Default `jtl.poll_secs` (sandbox mode: [`SANDBOX_POLL_SECS`]).
pub const DEFAULT_POLL_SECS: u64 = 30;
pub const SANDBOX_POLL_SECS: u64 = 2;
/// Multipart overhead allowed on top of one 16 MB file.
const UPLOAD_OVERHEAD: u64 = 64 * 1024;
/// Uploaded files not used by a ticket within this time are deleted.
const UPLOAD_TTL: Duration = Duration::from_secs(24 * 3600);
/// Header carrying the access token on the messages route.
pub use parcel_desk_wire::route::headers::TICKET_TOKEN as TOKEN_HEADER;

/// Ticket ids the proxy generates: `PD-` and 32 lowercase hex digits.
pub use parcel_desk_wire::route::is_channel_ticket_id as is_ticket_id;

fn new_ticket_id() -> String {
    format!("PD-{}", uuid::Uuid::new_v4().simple())
}

/// The name of the JTL event poller's lease in the store.
pub const POLLER_LEASE: &str = "jtl-event-poller";

/// What the poller did in one round.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PollReport {
    pub received: usize,
    pub replies: usize,
    pub newly_stored: usize,
    pub acknowledged: usize,
}

/// The feature's state: client, store, tokens, upload directory.
pub struct Jtl {
    client: JtlClient,
    store: JtlStore,
    /// The proxy's store: the poller's lease lives there.
    state: crate::store::Store,
    /// This process's name for the poller lease.
    instance: String,
    tokens: TokenKey,
    seller_id: String,
    uploads: PathBuf,
    poll_every: Duration,
    upload_attempts: u32,
    retry_backoff: Duration,
    /// How long one outbox attempt may hold its row: the ticket and every
    /// attachment with its retries, at the client's timeout each.
    lease: Duration,
}

impl std::fmt::Debug for Jtl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jtl").field("seller_id", &self.seller_id).finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
struct UploadMeta {
    filename: String,
    content_type: String,
    size: u64,
}

impl Jtl {
    /// Builds the feature. `store` is the proxy's store (the `jtl_*`
    /// tables, the poller's lease); uploads go to `data_dir/jtl-uploads`. Access tokens are the
    /// proxy's per-ticket tokens ([`crate::access`], `access.token_key`,
    /// `access.token_days`), bound to the channel ticket id.
    pub fn new(
        cfg: &JtlConfig,
        store: &crate::store::Store,
        data_dir: &Path,
        token_key: &Secret,
        token_days: u64,
        sandbox: bool,
    ) -> Result<Arc<Jtl>, String> {
        cfg.validate().map_err(|(k, m)| format!("invalid configuration key `{k}`: {m}"))?;
        let client = JtlClient::new(&ClientSettings {
            base_url: cfg.base_url.clone(),
            refresh_token: cfg.refresh_token.clone(),
            timeout: Duration::from_secs(cfg.timeout_secs),
            requests_per_minute: cfg.requests_per_minute,
            max_wait: cfg.max_wait,
        })?;
        let state = store.clone();
        let store = JtlStore::new(store.db().clone());
        let uploads = data_dir.join("jtl-uploads");
        std::fs::create_dir_all(&uploads)
            .map_err(|e| format!("cannot create the upload directory {}: {e}", uploads.display()))?;
        let key = if token_key.is_empty() {
            tracing::warn!(
                "access.token_key is not set: channel ticket tokens are only valid until the proxy restarts"
            );
            Secret::generate()
        } else {
            token_key.clone()
        };
        let default_poll = if sandbox { SANDBOX_POLL_SECS } else { DEFAULT_POLL_SECS };
        Ok(Arc::new(Jtl {
            client,
            store,
            state,
            instance: uuid::Uuid::new_v4().to_string(),
            tokens: TokenKey::new(&key, token_days),
            seller_id: cfg.seller_id.clone(),
            uploads,
            poll_every: Duration::from_secs(cfg.poll_secs.unwrap_or(default_poll)),
            upload_attempts: cfg.upload_attempts.max(1),
            retry_backoff: cfg.retry_backoff,
            lease: Duration::from_secs(cfg.timeout_secs) * (2 + 10 * cfg.upload_attempts.max(1))
                + Duration::from_secs(10),
        }))
    }

    pub fn client(&self) -> &JtlClient {
        &self.client
    }
    pub fn store(&self) -> &JtlStore {
        &self.store
    }
    pub fn tokens(&self) -> &TokenKey {
        &self.tokens
    }

    fn lease_ms(&self) -> i64 {
        self.lease.as_millis() as i64
    }

    /// Starts the reply poller and the outbox worker; they stop when the
    /// last `Arc` is dropped.
    pub fn spawn_poller(self: &Arc<Self>) {
        outbox::spawn_worker(self);
        let weak: Weak<Jtl> = Arc::downgrade(self);
        let every = self.poll_every;
        tokio::spawn(async move {
            let mut rounds: u64 = 0;
            loop {
                tokio::time::sleep(every).await;
                let Some(jtl) = weak.upgrade() else { break };
                // One proxy polls at a time: the one holding the lease. It
                // renews it every round; if it dies, the lease runs out
                // after three rounds and another proxy takes over.
                let ttl = (every.as_millis() as i64 * 3).max(3_000);
                match jtl.state.take_lease(POLLER_LEASE, &jtl.instance, ttl).await {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        tracing::warn!(error = %e, "JTL-SCX poller lease could not be read");
                        continue;
                    }
                }
                if let Err(e) = jtl.poll_once().await {
                    tracing::warn!(error = %e, "JTL-SCX event poll failed");
                }
                rounds += 1;
                if rounds % 100 == 1 {
                    jtl.sweep_uploads(UPLOAD_TTL);
                }
            }
        });
    }

    /// One poll round: fetch events, store the ticket replies (one
    /// transaction), and only after the commit acknowledge them. Events of
    /// other types are left alone (other integrations may consume them).
    pub async fn poll_once(&self) -> Result<PollReport, String> {
        let answer = self.client.call(Call::Events, false).await.map_err(|e| format!("{e:?}"))?;
        if !answer.status.is_success() {
            return Err(format!("GET /v1/channel/event answered {}", answer.status.as_u16()));
        }
        let list: EventList =
            serde_json::from_slice(&answer.body).map_err(|_| "event list is not valid JSON".to_owned())?;
        let mut report = PollReport { received: list.event_list.len(), ..PollReport::default() };
        let mut replies = Vec::new();
        for e in &list.event_list {
            if e.kind != EVENT_TICKET_REPLY {
                continue;
            }
            let Some(r) = e.ticket_reply() else {
                tracing::warn!(event = %e.id, "unreadable Seller:Ticket.Reply event left unacknowledged");
                continue;
            };
            if !replies.iter().any(|x: &Reply| x.event_id == e.id) {
                replies.push(Reply {
                    event_id: e.id.clone(),
                    ticket_id: r.ticket_id,
                    created_at: if r.created_at.is_empty() { e.created_at.clone() } else { r.created_at },
                    text: r.message,
                    attachments: r.attachment.into_iter().map(|a| a.filename).collect(),
                });
            }
        }
        report.replies = replies.len();
        if replies.is_empty() {
            return Ok(report);
        }
        report.newly_stored = self.store.store_replies(&replies).await.map_err(|e| e.to_string())?;
        let ack = EventAck { event_id_list: replies.iter().map(|r| r.event_id.clone()).collect() };
        let answer = self.client.call(Call::Ack(&ack), false).await.map_err(|e| format!("{e:?}"))?;
        if !answer.status.is_success() {
            return Err(format!("DELETE /v1/channel/event answered {}", answer.status.as_u16()));
        }
        report.acknowledged = ack.event_id_list.len();
        Ok(report)
    }

    /// Deletes uploaded files older than `ttl` (never used by a ticket).
    pub fn sweep_uploads(&self, ttl: Duration) {
        let Ok(dir) = std::fs::read_dir(&self.uploads) else { return };
        for entry in dir.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| SystemTime::now().duration_since(t).ok())
                .is_some_and(|age| age > ttl);
            if old {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    fn upload_paths(&self, file_token: &str) -> (PathBuf, PathBuf) {
        (self.uploads.join(file_token), self.uploads.join(format!("{file_token}.json")))
    }

    fn upload_meta(&self, file_token: &str) -> Option<UploadMeta> {
        if !is_file_token(file_token) {
            return None;
        }
        let (data, meta) = self.upload_paths(file_token);
        let meta: UploadMeta = serde_json::from_slice(&std::fs::read(meta).ok()?).ok()?;
        data.is_file().then_some(meta)
    }

    fn discard_upload(&self, file_token: &str) {
        let (data, meta) = self.upload_paths(file_token);
        let _ = std::fs::remove_file(data);
        let _ = std::fs::remove_file(meta);
    }
}

// ---------------------------------------------------------------------------
// Route handlers
// ---------------------------------------------------------------------------

/// Where uploads are kept: the directory of the SQLite store file (the
/// working directory for a bare file name or a PostgreSQL store; the
/// temporary directory for `:memory:`).
pub fn data_dir_for(store: &crate::store::Location) -> PathBuf {
    let crate::store::Location::Sqlite(store_path) = store else { return PathBuf::from(".") };
    if store_path.as_os_str() == ":memory:" {
        return std::env::temp_dir().join(format!("parcel-desk-proxy-{}", std::process::id()));
    }
    match store_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The same 404 for an unknown ticket and a missing or wrong token.
pub fn ticket_not_found() -> Response {
    envelope::error(StatusCode::NOT_FOUND, "not_found", "Ticket not found")
}

/// Answers one channel route (method and rate limit already checked).
/// `store` keeps the answers of creations made with an `Idempotency-Key`.
pub async fn handle(jtl: &Jtl, store: &crate::store::Store, route: Route, req: Request, json_limit: u64) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "No query parameters are accepted here.");
    }
    match route {
        Route::ChannelCreate => create(jtl, store, req, json_limit).await,
        Route::ChannelUpload => upload(jtl, req).await,
        Route::ChannelMessages(ChannelTicketRef::Id(id)) => messages(jtl, req.headers(), &id).await,
        // Not a channel route (the dispatcher never sends one) or an id the
        // proxy cannot have issued: like an unknown ticket.
        _ => ticket_not_found(),
    }
}

fn issue(loc: &[&str], kind: &str, msg: &str) -> ValidationIssue {
    ValidationIssue { kind: kind.into(), loc: loc.iter().map(|s| (*s).to_owned()).collect(), msg: msg.into() }
}

/// The route name idempotency answers are kept under.
const CREATE_ROUTE: &str = "channel_ticket";

async fn create(jtl: &Jtl, store: &crate::store::Store, req: Request, json_limit: u64) -> Response {
    let key = match crate::idempotency::idempotency_key(&req) {
        Ok(k) => k,
        Err(res) => return res.into_response(),
    };
    let req = match require_json(req) {
        Ok(r) => r,
        Err(res) => return res.into_response(),
    };
    let body = match read_limited(req, json_limit).await {
        Ok(b) => b,
        Err(res) => return res.into_response(),
    };
    let contact: ContactRequest = match decode_contact(&body) {
        Ok(c) => c,
        Err(None) => return envelope::error(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON"),
        Err(Some(issues)) => return validation_error(&issues),
    };
    let mut issues = contact.validate();
    // The same message sent again with its key (a retry after a lost
    // answer) gets the first answer, not a second ticket; checked before the
    // file tokens, which the first request used up.
    let guard = match (&key, issues.is_empty()) {
        (Some(key), true) => {
            let normalized = serde_json::to_vec(&contact).unwrap_or_default();
            match crate::idempotency::begin(store, key, CREATE_ROUTE, &[CREATE_ROUTE.as_bytes(), &normalized]).await {
                Ok(guard) => Some(guard),
                Err(res) => return res.into_response(),
            }
        }
        _ => None,
    };
    let mut files = Vec::new();
    if issues.is_empty() {
        for (i, a) in contact.attachments.iter().enumerate() {
            match jtl.upload_meta(&a.file_token) {
                Some(meta) => files.push((a.file_token.clone(), a.filename.clone(), meta)),
                None => issues.push(issue(
                    &["attachments", &i.to_string(), "file_token"],
                    "value_error",
                    "Unknown or expired file token: upload the file again",
                )),
            }
        }
    }
    if !issues.is_empty() {
        return validation_error(&issues);
    }
    let reference = contact
        .order_reference
        .as_ref()
        .map(|r| TicketReference { kind: r.kind.clone(), id: r.value.trim().to_owned() });
    let ticket = ChannelTicket {
        seller_id: jtl.seller_id.clone(),
        ticket_id: new_ticket_id(),
        topic: contact.topic.clone().expect("validated"),
        created_at: parcel_desk_wire::time::rfc3339_utc(SystemTime::now()),
        from: TicketFrom { role: Role::Buyer, name: contact.buyer_name.clone().unwrap_or_default() },
        subject: contact.subject.clone().unwrap_or_default(),
        message: contact.message.clone().unwrap_or_default(),
        reference,
        reply_requested: contact.reply_wanted.unwrap_or(true),
        attachment: files
            .iter()
            .map(|(_, name, meta)| TicketAttachment { filename: name.clone(), content_type: meta.content_type.clone() })
            .collect(),
    };
    let problems = ticket.validate();
    if !problems.is_empty() {
        return validation_error(&problems);
    }
    // Kept first: from here on the message is not lost, whatever JTL-SCX does.
    let queued_files: Vec<outbox::OutboxFile> = files
        .iter()
        .map(|(token, name, meta)| outbox::OutboxFile {
            file_token: token.clone(),
            filename: name.clone(),
            content_type: meta.content_type.clone(),
            size: meta.size,
        })
        .collect();
    let files_json = serde_json::to_string(&queued_files).unwrap_or_else(|_| "[]".into());
    let ticket_json = serde_json::to_vec(&ticket).unwrap_or_default();
    let names: Vec<String> = files.iter().map(|(_, n, _)| n.clone()).collect();
    if let Err(e) = jtl
        .store
        .enqueue(
            &ticket.ticket_id,
            &ticket_json,
            &files_json,
            &ticket.created_at,
            &ticket.from.name,
            &ticket.subject,
            &ticket.message,
            &names,
            jtl.lease_ms(),
        )
        .await
    {
        tracing::error!(error = %e, "could not keep a contact ticket");
        return envelope::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "The message cannot be kept right now. Please try again shortly.",
        );
    }
    let row = store::OutboxRow {
        ticket_id: ticket.ticket_id.clone(),
        ticket: ticket_json,
        files: files_json,
        state: "filing".into(),
        created: false,
        results: None,
        reason: None,
        attempts: 1,
    };
    let (status, attachments, queued) = match outbox::file_one(jtl, &row, true).await {
        outbox::Outcome::Filed(outcomes) => (StatusCode::CREATED, outcomes, false),
        outbox::Outcome::Refused(a) => return finished(guard, upstream_error(&a)).await,
        outbox::Outcome::Waiting => {
            let pending = names
                .iter()
                .map(|filename| AttachmentOutcome { filename: filename.clone(), uploaded: false, error: None })
                .collect();
            (StatusCode::ACCEPTED, pending, true)
        }
    };
    let created = ContactCreated {
        access_token: jtl.tokens.issue(&ticket.ticket_id),
        ticket_id: ticket.ticket_id,
        attachments,
        queued,
    };
    finished(guard, json_response(status, &created)).await
}

/// Keeps a final answer for replays of its `Idempotency-Key` and gives it.
async fn finished(guard: Option<crate::store::InFlight>, res: Response) -> Response {
    let Some(guard) = guard else { return res };
    let (parts, body) = res.into_parts();
    // Our own answers are small JSON documents, already in memory.
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok());
    crate::idempotency::finish(guard, parts.status, content_type, &bytes).await;
    Response::from_parts(parts, Body::from(bytes))
}

async fn upload_with_retry(
    jtl: &Jtl,
    ticket_id: &str,
    file_token: &str,
    filename: &str,
    meta: &UploadMeta,
) -> AttachmentOutcome {
    let data =
        AttachmentData { seller_id: jtl.seller_id.clone(), ticket_id: ticket_id.into(), filename: filename.into() };
    let path = jtl.upload_paths(file_token).0;
    let mut backoff = jtl.retry_backoff;
    let mut last = String::new();
    for attempt in 1..=jtl.upload_attempts {
        let call =
            Call::Attachment { data: &data, path: path.clone(), content_type: &meta.content_type, len: meta.size };
        let retryable = match jtl.client.call(call, false).await {
            Ok(a) if a.status.is_success() => {
                return AttachmentOutcome { filename: filename.into(), uploaded: true, error: None };
            }
            Ok(a) => {
                last = upstream_message(&a);
                a.status.is_server_error()
                    || a.status == StatusCode::TOO_MANY_REQUESTS
                    || a.status == StatusCode::UNAUTHORIZED
            }
            Err(CallError::File) => {
                last = "The uploaded file is no longer available.".into();
                false
            }
            Err(e) => {
                last = call_error_message(&e);
                true
            }
        };
        if !retryable || attempt == jtl.upload_attempts {
            break;
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
    AttachmentOutcome { filename: filename.into(), uploaded: false, error: Some(last) }
}

async fn messages(jtl: &Jtl, headers: &HeaderMap, ticket_id: &str) -> Response {
    let token = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    if jtl.tokens.verify(token.trim()).as_deref() != Some(ticket_id) {
        return ticket_not_found();
    }
    match jtl.store.conversation(ticket_id).await {
        Ok(messages) => json_response(StatusCode::OK, &Conversation { ticket_id: ticket_id.into(), messages }),
        Err(e) => {
            tracing::error!(error = %e, "could not read the conversation");
            envelope::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "Messages cannot be read right now. Please try again later.",
            )
        }
    }
}

async fn upload(jtl: &Jtl, req: Request) -> Response {
    let limit = MAX_ATTACHMENT_BYTES + UPLOAD_OVERHEAD;
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let Some(boundary) = boundary else {
        linger(req.into_body().into_data_stream());
        return envelope::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type must be multipart/form-data with a boundary.",
        );
    };
    if declared_length(req.headers()).is_some_and(|n| n > limit) {
        linger(req.into_body().into_data_stream());
        return too_large(MAX_ATTACHMENT_BYTES).into_response();
    }
    let constraints = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream(limit).per_field(MAX_ATTACHMENT_BYTES));
    let mut mp = multer::Multipart::with_constraints(req.into_body().into_data_stream(), boundary, constraints);
    let bad = |detail: &str| envelope::error(StatusCode::BAD_REQUEST, "bad_request", detail.to_owned());
    let multer_err = |e: multer::Error| match e {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            too_large(MAX_ATTACHMENT_BYTES)
        }
        _ => crate::envelope::ProxyError::bad_request("The multipart body could not be read."),
    };
    let token = format!("jtlf_{}", uuid::Uuid::new_v4().simple());
    let (data_path, meta_path) = jtl.upload_paths(&token);
    let mut stored: Option<UploadMeta> = None;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let _ = tokio::fs::remove_file(&data_path).await;
                return multer_err(e).into_response();
            }
        };
        if field.name() != Some("file") || stored.is_some() {
            let _ = tokio::fs::remove_file(&data_path).await;
            return bad("Send exactly one part, named `file`.").into_response();
        }
        let Some(filename) = field.file_name().map(str::to_owned) else {
            return bad("The `file` part needs a filename.").into_response();
        };
        if let Some(p) = parcel_desk_wire::jtl::filename_problem(&filename) {
            return validation_error(&[issue(&["file", "filename"], "value_error", p)]);
        }
        let Some(content_type) = field.content_type().map(|m| m.essence_str().to_ascii_lowercase()) else {
            return bad("The `file` part needs its own Content-Type.").into_response();
        };
        if !is_allowed_attachment_type(&content_type) {
            return envelope::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "This file type is not accepted: plain text, PDF, Word, Excel and images only.",
            );
        }
        let mut file = match tokio::fs::File::create(&data_path).await {
            Ok(f) => f,
            Err(e) => {
                tracing::error!(error = %e, "cannot create an upload file");
                return envelope::error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "The file cannot be stored right now.",
                );
            }
        };
        let mut size = 0u64;
        loop {
            match field.chunk().await {
                Ok(Some(c)) => {
                    size += c.len() as u64;
                    if file.write_all(&c).await.is_err() {
                        let _ = tokio::fs::remove_file(&data_path).await;
                        return envelope::error(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "store_unavailable",
                            "The file cannot be stored right now.",
                        );
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    drop(file);
                    let _ = tokio::fs::remove_file(&data_path).await;
                    return multer_err(e).into_response();
                }
            }
        }
        if file.flush().await.is_err() {
            let _ = tokio::fs::remove_file(&data_path).await;
            return envelope::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "The file cannot be stored right now.",
            );
        }
        if size == 0 {
            let _ = tokio::fs::remove_file(&data_path).await;
            return bad("The file is empty.").into_response();
        }
        stored = Some(UploadMeta { filename, content_type, size });
    }
    let Some(meta) = stored else {
        return bad("Send exactly one part, named `file`.").into_response();
    };
    let json = serde_json::to_vec(&meta).unwrap_or_default();
    if tokio::fs::write(&meta_path, json).await.is_err() {
        let _ = tokio::fs::remove_file(&data_path).await;
        return envelope::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "The file cannot be stored right now.",
        );
    }
    json_response(StatusCode::CREATED, &parcel_desk_wire::FileTokenResponse { file_token: token })
}

// ---------------------------------------------------------------------------
// Upstream errors → Support API envelope
// ---------------------------------------------------------------------------

/// The English messages of an `errorList` (JTL is asked for English).
fn upstream_message(a: &Answer) -> String {
    let list: ErrorList = serde_json::from_slice(&a.body).unwrap_or_default();
    let msgs: Vec<String> = list
        .error_list
        .iter()
        .map(|e| if e.code.is_empty() { e.message.clone() } else { format!("{} ({})", e.message, e.code) })
        .collect();
    if msgs.is_empty() {
        format!("The seller's ticket service answered {}.", a.status.as_u16())
    } else {
        msgs.join("; ")
    }
}

/// Maps a non-2xx JTL answer to the envelope. Codes:
/// `jtl_validation` (400/409/413/415/422: the ticket was refused),
/// `jtl_rate_limited` (429, `Retry-After` relayed), `jtl_unavailable`
/// (401/403 after re-authentication, 404, 5xx, anything else: 502).
pub fn upstream_error(a: &Answer) -> Response {
    let list: ErrorList = serde_json::from_slice(&a.body).unwrap_or_default();
    let detail = upstream_message(a);
    let (status, code) = match a.status.as_u16() {
        400 | 409 | 413 | 415 | 422 => (StatusCode::BAD_REQUEST, "jtl_validation"),
        429 => (StatusCode::TOO_MANY_REQUESTS, "jtl_rate_limited"),
        401 | 403 => {
            tracing::warn!(
                status = a.status.as_u16(),
                "JTL-SCX refused the proxy's access token after re-authentication"
            );
            (StatusCode::BAD_GATEWAY, "jtl_unavailable")
        }
        _ => (StatusCode::BAD_GATEWAY, "jtl_unavailable"),
    };
    let errors = if list.error_list.is_empty() || code == "jtl_unavailable" {
        let detail = if code == "jtl_unavailable" {
            "The seller's ticket service is not available right now. Please try again later.".to_owned()
        } else {
            detail
        };
        vec![ApiError {
            code: code.into(),
            detail,
            title: parcel_desk_wire::error::status_title(status.as_u16()).into(),
            status: status.as_u16(),
        }]
    } else {
        list.error_list
            .iter()
            .map(|e| ApiError {
                code: code.into(),
                detail: if e.code.is_empty() { e.message.clone() } else { format!("{} ({})", e.message, e.code) },
                title: parcel_desk_wire::error::status_title(status.as_u16()).into(),
                status: status.as_u16(),
            })
            .collect()
    };
    let mut res = json_response(status, &ErrorEnvelope { errors });
    if status == StatusCode::TOO_MANY_REQUESTS {
        let ra = a.retry_after.clone().unwrap_or_else(|| axum::http::HeaderValue::from_static("60"));
        res.headers_mut().insert(header::RETRY_AFTER, ra);
    }
    res
}

fn call_error_message(e: &CallError) -> String {
    match e {
        CallError::Busy(_) => "Too many requests to the seller's ticket service right now.".into(),
        CallError::Timeout => "The seller's ticket service did not answer in time.".into(),
        CallError::Unreachable | CallError::Auth(_) => "The seller's ticket service is not available right now.".into(),
        CallError::File => "The uploaded file is no longer available.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_ids_are_channel_ticket_ids() {
        assert!(is_ticket_id(&new_ticket_id()));
    }

    #[test]
    fn config_rules() {
        let mut c = JtlConfig::default();
        assert!(c.validate().is_ok() && !c.enabled());
        c.seller_id = "4711".into();
        assert_eq!(c.validate().unwrap_err().0, "jtl.refresh_token");
        c.refresh_token = Secret::new("r");
        assert!(c.validate().is_ok() && c.enabled());
        c.seller_id = "47-11".into();
        assert_eq!(c.validate().unwrap_err().0, "jtl.seller_id");
        c.seller_id = "4711".into();
        c.base_url = "ftp://x".into();
        assert_eq!(c.validate().unwrap_err().0, "jtl.base_url");
    }

    #[test]
    fn error_mapping() {
        let a = Answer {
            status: StatusCode::BAD_REQUEST,
            body: br#"{"errorList":[{"code":"VAL100","message":"Required field sellerId not found","severity":"error","hint":"h"}]}"#
                .to_vec()
                .into(),
            retry_after: None,
        };
        assert_eq!(upstream_message(&a), "Required field sellerId not found (VAL100)");
        assert_eq!(upstream_error(&a).status(), StatusCode::BAD_REQUEST);
    }
}
