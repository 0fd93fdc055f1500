//! The JTL outbox: a contact ticket is stored (with its attachments' file
//! tokens) before it goes to JTL-SCX, tried at once by the request that
//! brought it, and, if JTL-SCX cannot be reached, sent later by a worker
//! with backoff. Nothing the customer sent is lost when JTL-SCX is down.
//!
//! The proxy chooses the ticket id, so a retry after an attempt that may
//! have arrived (a timeout, a reset) sends the same id: a 409 ("already
//! exists") on such a retry means the earlier attempt arrived, and the
//! ticket counts as created. Attachments go after the ticket, each with its
//! own retries; their outcomes are kept with the row.

use std::sync::Weak;

use super::*;
use store::OutboxRow;

/// An attachment waiting in the outbox.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct OutboxFile {
    pub file_token: String,
    pub filename: String,
    pub content_type: String,
    pub size: u64,
}

/// How one attempt ended.
pub(super) enum Outcome {
    /// JTL-SCX has the ticket; each attachment was tried.
    Filed(Vec<AttachmentOutcome>),
    /// JTL-SCX refused the ticket for good (its answer).
    Refused(Answer),
    /// Not reached: queued for a later attempt.
    Waiting,
}

/// Delay before attempt `attempts + 1`: 1 s doubling, at most 5 min, with
/// up to 25 % jitter.
fn backoff_ms(attempts: i64) -> i64 {
    let base = 1000i64.saturating_mul(1 << attempts.clamp(1, 9).saturating_sub(1)).min(300_000);
    let jitter = (uuid::Uuid::new_v4().as_u128() % 1000) as i64 * base / 4000;
    base + jitter
}

/// One attempt at an outbox row this caller holds (`interactive`: a
/// customer waits for it).
pub(super) async fn file_one(jtl: &Jtl, row: &OutboxRow, interactive: bool) -> Outcome {
    let store = &jtl.store;
    let id = row.ticket_id.as_str();
    let ticket: ChannelTicket = match serde_json::from_slice(&row.ticket) {
        Ok(t) => t,
        Err(_) => {
            let reason = "The stored message could not be read.";
            tracing::error!(ticket = %id, "JTL outbox row unreadable");
            let _ = store.outbox_refused(id, reason).await;
            return Outcome::Waiting;
        }
    };
    let waiting = |reason: String| async move {
        let next = crate::store::now_ms() + backoff_ms(row.attempts);
        tracing::warn!(ticket = %id, attempts = row.attempts, reason = %reason, "JTL-SCX ticket kept for a later attempt");
        if let Err(e) = store.outbox_requeue(id, next, &reason).await {
            tracing::error!(ticket = %id, error = %e, "could not requeue a JTL ticket");
        }
        Outcome::Waiting
    };
    if !row.created {
        match jtl.client.call(Call::CreateTicket(&ticket), interactive).await {
            Ok(a) if a.status.is_success() => {}
            // The same id again after an attempt that may have arrived: it did.
            Ok(a) if a.status == StatusCode::CONFLICT && row.attempts > 1 => {
                tracing::info!(ticket = %id, "JTL-SCX already had the ticket from an earlier attempt");
            }
            Ok(a) if matches!(a.status.as_u16(), 400 | 409 | 413 | 415 | 422) => {
                let reason = upstream_message(&a);
                if let Err(e) = store.outbox_refused(id, &reason).await {
                    tracing::error!(ticket = %id, error = %e, "could not record a refused JTL ticket");
                }
                return Outcome::Refused(a);
            }
            Ok(a) => return waiting(upstream_message(&a)).await,
            Err(e) => return waiting(call_error_message(&e)).await,
        }
        tracing::info!(ticket = %id, "JTL-SCX channel ticket created");
        if let Err(e) = store.outbox_created(id).await {
            tracing::error!(ticket = %id, error = %e, "could not record a created JTL ticket");
        }
    }
    let files: Vec<OutboxFile> = serde_json::from_str(&row.files).unwrap_or_default();
    let mut outcomes = Vec::new();
    for f in &files {
        let meta = UploadMeta { filename: f.filename.clone(), content_type: f.content_type.clone(), size: f.size };
        let outcome = upload_with_retry(jtl, id, &f.file_token, &f.filename, &meta).await;
        if let Some(err) = &outcome.error {
            tracing::warn!(ticket = %id, error = %err, "attachment upload failed");
        }
        jtl.discard_upload(&f.file_token);
        outcomes.push(outcome);
    }
    let results = serde_json::to_string(&outcomes).unwrap_or_else(|_| "[]".into());
    if let Err(e) = store.outbox_filed(id, &results).await {
        tracing::error!(ticket = %id, error = %e, "could not record a filed JTL ticket");
    }
    Outcome::Filed(outcomes)
}

/// Starts the outbox worker: every second (and at once when woken) it
/// sends the due rows, one after the other. It stops with the feature.
pub(super) fn spawn_worker(jtl: &Arc<Jtl>) {
    let weak: Weak<Jtl> = Arc::downgrade(jtl);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(1000)).await;
            let Some(jtl) = weak.upgrade() else { break };
            loop {
                match jtl.store.lease_outbox(crate::store::now_ms(), jtl.lease_ms()).await {
                    Ok(Some(row)) => {
                        file_one(&jtl, &row, false).await;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "JTL outbox could not be read");
                        break;
                    }
                }
            }
        }
    });
}
