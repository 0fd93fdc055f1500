//! Claims waiting for their order's facts: a customer's claim arrived
//! while the shop's order endpoint was down (timeout, network error, 5xx),
//! so it was stored `with_shop` with `order_facts` among what is missing.
//! This task fetches the order again, with backoff (the next attempt's time
//! is in the store, so a restart picks up where it stopped), and completes
//! the claim: `received` when nothing else is missing (the filing worker
//! takes it), else still `with_shop` with what the shop has to add.
//!
//! When the shop answers that it does not know the order, or the claim's
//! e-mail is not the order's customer's, the claim stays `with_shop` with
//! `order_not_found`: the customer was already told it is received, and
//! the shop decides.

use std::sync::{Arc, Weak};
use std::time::Duration;

use parcel_desk_wire::customer::mapping::upstream_body;
use parcel_desk_wire::customer::CustomerClaim;
use parcel_desk_wire::time::rfc3339_utc;
use parcel_desk_wire::ClaimState;

use super::super::pipeline::backoff_ms;
use super::super::ProxyState;
use super::missing_fields;
use crate::orders::{apply, Applied, Fetched};
use crate::store::customer::WaitingForOrder;
use crate::store::{now_ms, StoreError};

/// Claims fetched per pass.
const BATCH: i64 = 8;

/// Starts the task (only with an order source); it stops when the
/// proxy's state is dropped.
pub(crate) fn spawn(st: &Arc<ProxyState>) {
    if st.tickets.orders.is_some() {
        tokio::spawn(run(Arc::downgrade(st)));
    }
}

async fn run(weak: Weak<ProxyState>) {
    loop {
        let Some(st) = weak.upgrade() else { return };
        match st.tickets.store.claims_waiting_for_order(now_ms(), BATCH).await {
            Err(e) => tracing::error!(error = %e, "order facts: store failed"),
            Ok(waiting) => {
                for w in waiting {
                    if let Err(e) = retry(&st, w).await {
                        tracing::error!(error = %e, "order facts: store failed");
                    }
                }
            }
        }
        drop(st);
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn retry(st: &ProxyState, w: WaitingForOrder) -> Result<(), StoreError> {
    let Some(source) = &st.tickets.orders else { return Ok(()) };
    let Ok(claim) = serde_json::from_str::<CustomerClaim>(&w.customer) else {
        tracing::error!(claim_id = %w.id, "order facts: the stored claim does not decode");
        return st.tickets.store.order_fetch_failed(&w.id, now_ms() + 3_600_000).await;
    };
    let now = rfc3339_utc(std::time::SystemTime::now());
    let today = now.get(..10).unwrap_or(&now);
    let fallback = st.tickets.shop;
    let (body, shop) = match source.fetch(&w.order_number).await {
        Fetched::Failed(why) => {
            let wait = backoff_ms(source.retry_base.as_millis() as i64, w.attempts + 1);
            tracing::info!(claim_id = %w.id, reason = %why, retry_in_ms = wait, "order facts: still not available");
            return st.tickets.store.order_fetch_failed(&w.id, now_ms() + wait).await;
        }
        Fetched::Found(order) => match apply(&claim, &order, fallback, today) {
            Applied::Complete { body, shop } => (Some(*body), shop),
            Applied::NotOwned => (None, fallback),
        },
        Fetched::Unknown => (None, fallback),
    };
    let (body, missing) = match body {
        Some(body) => {
            let missing = missing_fields(&claim, &body, shop);
            (body, missing)
        }
        None => {
            tracing::info!(claim_id = %w.id, "order facts: the shop does not know this order for this customer");
            (upstream_body(&claim, fallback, today), vec!["order_not_found".to_owned()])
        }
    };
    let state = super::ready_state(st.tickets.review, missing.is_empty());
    let Ok(json) = serde_json::to_vec(&body) else { return Ok(()) };
    let missing_text = missing.join(",");
    let done = st
        .tickets
        .store
        .complete_from_order(
            &w.id,
            &json,
            &body.tracking_number,
            shop.kind.map(parcel_desk_wire::inbox::parcel_kind_str),
            state.as_str(),
            (!missing.is_empty()).then_some(missing_text.as_str()),
        )
        .await?;
    if done {
        tracing::info!(claim_id = %w.id, state = state.as_str(), "order facts: claim completed from the order");
        let detail = if missing.is_empty() {
            state.as_str().to_owned()
        } else {
            format!("{}: {}", state.as_str(), missing.join(", "))
        };
        st.tickets.store.add_history(&w.id, "proxy", "order_facts", Some(&detail)).await?;
        if state == ClaimState::Received {
            st.tickets.wake.notify_one();
        }
    }
    Ok(())
}
