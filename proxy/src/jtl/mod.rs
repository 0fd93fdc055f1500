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
mod errors;
mod outbox;
mod routes;
pub mod store;

pub use errors::upstream_error;
use errors::{call_error_message, upstream_message};
use routes::upload_with_retry;
pub use routes::{content_disposition, data_dir_for, handle, ticket_not_found};

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
use parcel_desk_wire::route::{ChannelAttachmentRef, ChannelTicketRef};
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

/// Why the JTL-SCX feature could not start.
#[derive(Debug, thiserror::Error)]
pub enum JtlStartError {
    #[error(transparent)]
    Client(#[from] client::ClientBuildError),
    #[error("cannot create the upload directory {}: {source}", dir.display())]
    UploadDir { dir: PathBuf, source: std::io::Error },
}

/// Why one poll round for seller replies failed (logged; the next round
/// tries again).
#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error("JTL-SCX could not be called: {0:?}")]
    Call(client::CallError),
    #[error("{0} answered {1}")]
    Status(&'static str, u16),
    #[error("the event list is not valid JSON")]
    NotJson,
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
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
    ) -> Result<Arc<Jtl>, JtlStartError> {
        let client = JtlClient::new(&ClientSettings {
            base_url: cfg.base_url.url().clone(),
            refresh_token: cfg.refresh_token.clone(),
            timeout: Duration::from_secs(cfg.timeout_secs.get()),
            requests_per_minute: cfg.requests_per_minute,
            max_wait: cfg.max_wait,
        })?;
        let state = store.clone();
        let store = JtlStore::new(store.db().clone());
        let uploads = data_dir.join("jtl-uploads");
        std::fs::create_dir_all(&uploads)
            .map_err(|source| JtlStartError::UploadDir { dir: uploads.clone(), source })?;
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
            poll_every: Duration::from_secs(cfg.poll_secs.map_or(default_poll, |s| s.get())),
            upload_attempts: cfg.upload_attempts.max(1),
            retry_backoff: cfg.retry_backoff,
            lease: Duration::from_secs(cfg.timeout_secs.get()) * (2 + 10 * cfg.upload_attempts.max(1))
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
    pub async fn poll_once(&self) -> Result<PollReport, PollError> {
        let answer = self.client.call(Call::Events, false).await.map_err(PollError::Call)?;
        if !answer.status.is_success() {
            return Err(PollError::Status("GET /v1/channel/event", answer.status.as_u16()));
        }
        let list: EventList = serde_json::from_slice(&answer.body).map_err(|_| PollError::NotJson)?;
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
        report.newly_stored = self.store.store_replies(&replies).await?;
        let ack = EventAck { event_id_list: replies.iter().map(|r| r.event_id.clone()).collect() };
        let answer = self.client.call(Call::Ack(&ack), false).await.map_err(PollError::Call)?;
        if !answer.status.is_success() {
            return Err(PollError::Status("DELETE /v1/channel/event", answer.status.as_u16()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_ids_are_channel_ticket_ids() {
        assert!(is_ticket_id(&new_ticket_id()));
    }
}
