//! The filing worker: takes accepted claims upstream, exactly once, within
//! the account's budget.
//!
//! One worker runs in every proxy process; they share the store, so claims
//! are leased (see [`crate::store::claims`]) and the budget is counted in
//! the store. A claim goes `received` → `filing` → `filed`, or back to
//! `queued` to wait (budget, backoff, reconciliation), or to
//! `needs_attention` when upstream refuses it for good.
//!
//! Upstream has no idempotency key, so after an attempt that may have
//! arrived (a timeout, a reset, a 5xx, a lost answer) the worker first
//! looks for the ticket in upstream's list (`GET /dsf/tickets`), and sends
//! again only when it is not there. What that assumes of the list is in
//! `proxy/README.md` ("Filing exactly once").

use std::collections::HashSet;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::http::{HeaderValue, Method, StatusCode};
use parcel_desk_wire::{ClaimType, CreateTicketResponse, ErrorEnvelope, TicketResponse};
use serde_json::Value;
use tokio::task::JoinSet;

use super::tickets::{list_items, upstream_type};
use super::{call, Budget, ProxyState, Upstream};
use crate::store::claims::ClaimRow;
use crate::store::{now_ms, StoreError};
use parcel_desk_wire::time::parse_rfc3339;

pub mod declaration;
mod matching;

use matching::match_pass;

/// Claims one process files at the same time.
pub const FILERS: usize = 8;
/// A ticket may appear in upstream's list with a `created_at` up to this
/// much before the attempt was sent (clock skew, whole seconds).
pub const MATCH_SLACK_MS: i64 = 10_000;
/// ... and at most this long after the last attempt.
pub const MATCH_WINDOW_MS: i64 = 6 * 3_600_000;
/// Most list pages (of 20) read in one matching pass.
pub const MAX_LIST_PAGES: u32 = 50;
/// The longest wait between retries.
pub const MAX_BACKOFF_MS: i64 = 300_000;

/// What the worker remembers between passes (per process).
#[derive(Debug, Default)]
pub struct WorkerState {
    /// How far the last pass over upstream's list reached: when it started,
    /// and the oldest `created_at` it saw from page 1 on without a gap
    /// (`i64::MIN`: it reached the end). An ambiguous attempt that settled
    /// before that start, first sent after that `created_at` (plus the
    /// slack), and whose ticket the pass did not find, was not created.
    pub last_reach: Option<(i64, i64)>,
    /// When the last pass started, complete or not.
    pub last_pass: Option<i64>,
    /// No creation budget until then: claims are not leased before (so a
    /// long queue is not leased and put back once a window).
    pub creates_wait_until: Option<i64>,
}

/// Starts the worker (a filing loop and a matching loop); both stop when
/// the proxy's state is dropped.
pub(super) fn spawn(st: &Arc<ProxyState>) {
    tokio::spawn(run(Arc::downgrade(st)));
    tokio::spawn(run_matching(Arc::downgrade(st)));
}

/// Passes over upstream's list, beside the filing (a pass of many pages
/// must not hold up filing): every second while an ambiguous claim waits
/// for the answer (it blocks that claim's filing) or a claim was filed in
/// the last minute (its customer is likely watching); every 10 s for older
/// filed claims whose int id is still unknown. All within the read budget.
async fn run_matching(weak: Weak<ProxyState>) {
    loop {
        let Some(st) = weak.upgrade() else { return };
        let now = now_ms();
        match st.tickets.store.claims_to_match(now - MATCH_WINDOW_MS).await {
            Err(e) => tracing::error!(error = %e, "matching: store failed"),
            Ok(waiting) if !waiting.is_empty() => {
                let fresh = |c: &ClaimRow| c.ambiguous || c.last_sent_at.is_some_and(|t| now - t < 60_000);
                let interval = if waiting.iter().any(fresh) { 1000 } else { 10_000 };
                let due = st
                    .tickets
                    .worker
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .last_pass
                    .is_none_or(|t| now - t >= interval);
                if due {
                    if let Err(wait) = match_pass(&st).await {
                        tracing::debug!(wait_ms = wait, "matching pass postponed: no read budget");
                    }
                }
            }
            Ok(_) => {}
        }
        drop(st);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn run(weak: Weak<ProxyState>) {
    let mut filing: JoinSet<()> = JoinSet::new();
    loop {
        let Some(st) = weak.upgrade() else { return };
        if let Err(e) = tick(&st, &mut filing).await {
            tracing::error!(error = %e, "filing worker: store failed");
        }
        let now = now_ms();
        let mut next = st.tickets.store.next_due().await.ok().flatten().unwrap_or(now + 1000);
        // Nothing can be sent before the creation budget is back.
        if let Some(until) = st.tickets.worker.lock().unwrap_or_else(|e| e.into_inner()).creates_wait_until {
            next = next.max(until);
        }
        let wait = Duration::from_millis((next - now).clamp(20, 1000) as u64);
        let wake = st.tickets.wake.clone();
        drop(st);
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            Some(_) = filing.join_next(), if !filing.is_empty() => {}
        }
    }
}

/// Starts filing due claims, up to [`FILERS`] at a time.
async fn tick(st: &Arc<ProxyState>, filing: &mut JoinSet<()>) -> Result<(), StoreError> {
    while filing.try_join_next().is_some() {}
    let budget_wait = st.tickets.worker.lock().unwrap_or_else(|e| e.into_inner()).creates_wait_until;
    if budget_wait.is_some_and(|until| now_ms() < until) {
        return Ok(());
    }
    while filing.len() < FILERS {
        let Some(claim) = st.tickets.store.lease_due(now_ms(), lease_ms(st)).await? else { break };
        let st = st.clone();
        filing.spawn(async move {
            if let Err(e) = file(&st, claim).await {
                tracing::error!(error = %e, "filing worker: store failed");
            }
        });
    }
    Ok(())
}

/// How long a worker owns a claim it took: two timeouts and some slack.
fn lease_ms(st: &ProxyState) -> i64 {
    (st.sendcloud.timeout.as_millis() as i64) * 2 + 5_000
}

/// The wait before retry `attempts` (1 = after the first failure):
/// exponential from `upstream.retry_base_ms`, at most 5 minutes, the upper
/// half jittered.
pub fn backoff_ms(base_ms: i64, attempts: i64) -> i64 {
    let exp = base_ms.saturating_mul(1i64 << attempts.clamp(1, 20).saturating_sub(1)).min(MAX_BACKOFF_MS);
    let half = exp / 2;
    half + (jitter() % (half as u64 + 1)) as i64
}

fn jitter() -> u64 {
    let b = uuid::Uuid::new_v4().into_bytes();
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// Files one leased claim.
async fn file(st: &ProxyState, claim: ClaimRow) -> Result<(), StoreError> {
    let now = now_ms();
    let retry_base = st.sendcloud.budget.retry_base.as_millis() as i64;
    if claim.ambiguous {
        // An earlier attempt may have arrived: find its ticket first.
        let settle_at = (claim.last_sent_at.unwrap_or(now) + st.sendcloud.budget.reconcile_after.as_millis() as i64)
            .max(claim.ambiguous_since.unwrap_or(0));
        let reach = st.tickets.worker.lock().unwrap_or_else(|e| e.into_inner()).last_reach;
        let first = claim.first_sent_at.unwrap_or(claim.created_at);
        let checked = reach.is_some_and(|(started, oldest)| started >= settle_at && oldest < first - MATCH_SLACK_MS);
        if now < settle_at || !checked {
            let next = settle_at.max(now + 200);
            st.tickets.store.requeue(&claim.id, next, true, Some("checking whether the last attempt arrived")).await?;
            st.tickets.wake.notify_one();
            return Ok(());
        }
        // A complete pass after the attempt settled did not find it: it
        // was not created (see the README's assumptions). Had a pass mapped
        // it meanwhile, `mark_sent` below refuses to send.
        tracing::info!(claim_id = %claim.id, "last attempt did not arrive: sending again");
    }
    let Some(body) = declaration::body_to_send(st, &claim).await? else { return Ok(()) };
    if let Err(wait) = st.take_budget(Budget::Create).await? {
        st.tickets
            .store
            .requeue(&claim.id, now + wait, false, Some("waiting for the account's creation budget"))
            .await?;
        st.tickets.worker.lock().unwrap_or_else(|e| e.into_inner()).creates_wait_until = Some(now + wait);
        return Ok(());
    }
    if !st.tickets.store.mark_sent(&claim.id, now).await? {
        return Ok(());
    }
    // Stored claims were checked on acceptance: their type is one of ours.
    let claim_type = ClaimType::from_segment(&claim.claim_type).unwrap_or(ClaimType::Lost);
    let segments: &[&str] = &["dsf", "tickets", claim_type.as_str()];
    let query = claim.portal.as_ref().map(|p| format!("is_portal_claim={p}"));
    let up = Upstream {
        method: Method::POST,
        segments,
        query: query.as_deref(),
        content_type: Some(HeaderValue::from_static("application/json")),
        content_length: Some(body.len() as u64),
        body: Some(reqwest::Body::from(body)),
    };
    let attempts = claim.attempts + 1;
    match call(&st.sendcloud, &st.sendcloud.base, up).await {
        Err(e) if e.is_connect() => {
            // Never left: the creation budget is not spent.
            st.tickets.store.refund_budget(&st.sendcloud.account, "create").await?;
            tracing::warn!(claim_id = %claim.id, attempts, "Support API unreachable; will retry");
            st.tickets
                .store
                .requeue(
                    &claim.id,
                    now_ms() + backoff_ms(retry_base, attempts),
                    false,
                    Some("the Support API cannot be reached; retrying"),
                )
                .await?;
        }
        Err(e) => {
            tracing::warn!(claim_id = %claim.id, attempts, timeout = e.is_timeout(), "attempt may have arrived; will check");
            st.tickets
                .store
                .requeue(
                    &claim.id,
                    now_ms() + backoff_ms(retry_base, attempts),
                    true,
                    Some("the Support API did not answer; checking whether the claim arrived"),
                )
                .await?;
        }
        Ok(answer) if answer.status.is_success() => {
            let uuid = serde_json::from_slice::<CreateTicketResponse>(&answer.body)
                .ok()
                .map(|c| c.ticket_id.trim().to_ascii_lowercase());
            st.tickets.store.mark_filed(&claim.id, uuid.as_deref()).await?;
            st.tickets.store.add_history(&claim.id, "proxy", "filed", uuid.as_deref()).await?;
            tracing::info!(claim_id = %claim.id, ticket_uuid = uuid.as_deref().unwrap_or("-"), attempts, "claim filed");
        }
        Ok(answer) if answer.status == StatusCode::TOO_MANY_REQUESTS => {
            let secs = answer.retry_after_secs();
            let until = now_ms() + secs * 1000;
            tracing::warn!(claim_id = %claim.id, retry_after = secs, "Support API rate limit: holding creations");
            st.tickets.store.hold_budget(&st.sendcloud.account, "create", until).await?;
            st.tickets.store.requeue(&claim.id, until, false, Some("the Support API asked to wait")).await?;
        }
        Ok(answer) if answer.status.is_server_error() => {
            tracing::warn!(claim_id = %claim.id, status = answer.status.as_u16(), attempts, "Support API failed; will check and retry");
            st.tickets
                .store
                .requeue(
                    &claim.id,
                    now_ms() + backoff_ms(retry_base, attempts),
                    true,
                    Some("the Support API failed; checking whether the claim arrived"),
                )
                .await?;
        }
        Ok(answer) if matches!(answer.status.as_u16(), 401 | 403 | 408 | 409) => {
            if matches!(answer.status.as_u16(), 401 | 403) {
                tracing::error!(status = answer.status.as_u16(), "the Support API refused the proxy's credentials");
            }
            st.tickets
                .store
                .requeue(
                    &claim.id,
                    now_ms() + backoff_ms(retry_base, attempts),
                    false,
                    Some("the Support API did not take the claim yet; retrying"),
                )
                .await?;
        }
        Ok(answer) => {
            let reason = refusal_reason(answer.status, &answer.body);
            tracing::info!(claim_id = %claim.id, status = answer.status.as_u16(), %reason, "claim refused: needs attention");
            st.tickets.store.mark_needs_attention(&claim.id, &reason).await?;
            st.tickets.store.add_history(&claim.id, "proxy", "needs_attention", Some(&reason)).await?;
        }
    }
    Ok(())
}

/// Upstream's reason for a final refusal, in its words: the fields of a
/// validation error (`field: message; …`), or the error's detail.
pub fn refusal_reason(status: StatusCode, body: &[u8]) -> String {
    let Ok(env) = serde_json::from_slice::<ErrorEnvelope>(body) else {
        return format!("The Support API refused the claim (HTTP {}).", status.as_u16());
    };
    let issues = env.validation_issues();
    if issues.is_empty() {
        let detail = env.first_detail().trim();
        if detail.is_empty() {
            return format!("The Support API refused the claim (HTTP {}).", status.as_u16());
        }
        return detail.to_owned();
    }
    issues
        .iter()
        .map(|i| match i.field() {
            Some(f) => format!("{f}: {}", i.msg),
            None => i.msg.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_bounds() {
        for attempts in 1..30 {
            let exp = (1000i64 << (attempts.min(20) - 1)).min(MAX_BACKOFF_MS);
            let d = backoff_ms(1000, attempts);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempts}: {d}");
        }
    }

    #[test]
    fn refusal_reasons_name_the_fields() {
        let body = br#"{"errors":[{"code":"validation_error","status":400,"title":"Bad Request","detail":"[{'type': 'missing', 'loc': ('contents_sales_price',), 'msg': 'Field required'}]"}]}"#;
        assert_eq!(refusal_reason(StatusCode::BAD_REQUEST, body), "contents_sales_price: Field required");
        let deflected = br#"{"errors":[{"code":"unprocessable_content","status":422,"title":"Unprocessable","detail":"Cannot create ticket. Reason: Parcel is already delivered"}]}"#;
        assert_eq!(
            refusal_reason(StatusCode::UNPROCESSABLE_ENTITY, deflected),
            "Cannot create ticket. Reason: Parcel is already delivered"
        );
        assert_eq!(refusal_reason(StatusCode::BAD_REQUEST, b"<html>"), "The Support API refused the claim (HTTP 400).");
    }
}
