//! The ticket watcher: reads the upstream ticket of each filed customer's
//! claim now and then (`upstream.watch_secs`, 10 minutes by default) and
//! keeps what it says in `claims.upstream_status`:
//!
//! * `resolved`: upstream solved or closed the ticket (a resolution, a
//!   solved or paid status, a solved stage); final, never read again;
//! * `needs_customer`: the carrier asks for data the customer can give
//!   (photos, a description, their confirmation:
//!   [`parcel_desk_wire::ticket::DataType::customer_can_answer`]);
//! * `needs_shop`: the carrier asks for data only the shop has;
//! * `open`: anything else.
//!
//! A change is recorded in the claim's history, and the mail outbox picks
//! `needs_customer` and `resolved` up. One proxy watches at a time (the
//! `ticket-watcher` lease); every read goes through the proxy's ticket
//! cache and the account's read budget, and the watcher takes at most a
//! third of that budget (10 reads a minute at Sendcloud's 30); when the
//! budget is used up the round stops, so customers' own status reads keep
//! the rest of it.

use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::http::StatusCode;
use parcel_desk_wire::ticket::{TicketStage, TicketStatus};
use parcel_desk_wire::TicketResponse;

use super::ProxyState;

/// The lease of the one watching proxy.
pub const LEASE: &str = "ticket-watcher";
/// Tickets read in one round: a third of the account's read budget over
/// the round's length, at least one.
fn per_round(reads_per_window: u32, window: Duration, tick: Duration) -> i64 {
    let window_ms = window.as_millis().max(1);
    ((u128::from(reads_per_window) * tick.as_millis()) / (3 * window_ms)).clamp(1, 100) as i64
}

/// What a ticket says for the customer.
pub fn upstream_status(t: &TicketResponse) -> &'static str {
    let solved_status = matches!(
        t.status,
        TicketStatus::ClaimPaid
            | TicketStatus::Closed
            | TicketStatus::ManuallySolved
            | TicketStatus::Solved
            | TicketStatus::SolvedByAutomation
    );
    let solved_stage = matches!(t.stage, TicketStage::ManuallySolved | TicketStage::SolvedByAutomation);
    if t.resolution.is_some() || solved_status || solved_stage {
        "resolved"
    } else if t.requested_actions.iter().any(|a| a.data_type.customer_can_answer()) {
        "needs_customer"
    } else if !t.requested_actions.is_empty() {
        "needs_shop"
    } else {
        "open"
    }
}

/// Starts the watcher; it stops with the proxy.
pub(super) fn spawn(st: &Arc<ProxyState>, every: Duration) {
    let weak: Weak<ProxyState> = Arc::downgrade(st);
    let holder = uuid::Uuid::new_v4().to_string();
    // A round every quarter interval (1 s to 30 s), but not more often than
    // a third of the read budget allows one read.
    let budget = &st.sendcloud.budget;
    let one_read = budget.window * 3 / budget.reads_per_minute.get();
    let tick = (every / 4).clamp(Duration::from_secs(1), Duration::from_secs(30)).max(one_read);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(tick).await;
            let Some(st) = weak.upgrade() else { break };
            let store = &st.tickets.store;
            let ttl = (tick.as_millis() as i64) * 3 + 5_000;
            match store.take_lease(LEASE, &holder, ttl).await {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "ticket watcher: lease could not be read");
                    continue;
                }
            }
            let due = crate::store::now_ms() - every.as_millis() as i64;
            let budget = &st.sendcloud.budget;
            let limit = per_round(budget.reads_per_minute.get(), budget.window, tick);
            let claims = match store.claims_to_watch(due, limit).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "ticket watcher: store failed");
                    continue;
                }
            };
            for claim in claims {
                let answer = match super::tickets::upstream_ticket(&st, claim.ticket_id).await {
                    Ok(a) => a,
                    Err(_) => break, // no budget, or upstream failing: next round
                };
                // An answer from the cache older than the cache's freshness
                // is a fallback (no budget, upstream failing): not a read.
                let fresh = st.sendcloud.budget.read_cache.as_secs();
                if answer.age.is_some_and(|age| age > fresh) {
                    break;
                }
                let result = if answer.status == StatusCode::NOT_FOUND || !answer.status.is_success() {
                    store.watch_checked(&claim.id).await.map(|()| false)
                } else {
                    match serde_json::from_slice::<TicketResponse>(&answer.body) {
                        Ok(t) => store.set_upstream_status(&claim.id, upstream_status(&t)).await,
                        Err(_) => store.watch_checked(&claim.id).await.map(|()| false),
                    }
                };
                match result {
                    Ok(true) => {
                        tracing::info!(claim_id = %claim.id, ticket = claim.ticket_id, "upstream ticket status changed")
                    }
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "ticket watcher: store failed");
                        break;
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use parcel_desk_wire::ticket::{DataType, Outcome, RequestedAction, TicketResolution};

    fn ticket(status: TicketStatus, stage: TicketStage, asks: &[DataType]) -> TicketResponse {
        TicketResponse {
            id: 1,
            status,
            stage,
            ticket_type: None,
            parcel_id: None,
            carrier: None,
            order_number: None,
            brand_id: None,
            created_at: "2026-01-01T00:00:00+00:00".into(),
            updated_at: None,
            requested_actions: asks
                .iter()
                .enumerate()
                .map(|(i, d)| RequestedAction { id: i as i64, data_type: d.clone(), created_at: String::new() })
                .collect(),
            resolution: None,
        }
    }

    #[test]
    fn a_third_of_the_read_budget_at_most() {
        let minute = Duration::from_secs(60);
        assert_eq!(per_round(30, minute, Duration::from_secs(30)), 5, "10 a minute");
        assert_eq!(per_round(30, minute, Duration::from_secs(1)), 1, "at least one");
        assert_eq!(per_round(10_000, minute, Duration::from_secs(30)), 100, "at most 100");
    }

    #[test]
    fn statuses() {
        use TicketStage as G;
        use TicketStatus as S;
        assert_eq!(upstream_status(&ticket(S::Pending, G::InProgress, &[])), "open");
        assert_eq!(
            upstream_status(&ticket(S::ActionRequired, G::ActionRequired, &[DataType::DamagePhoto])),
            "needs_customer"
        );
        assert_eq!(
            upstream_status(&ticket(
                S::ActionRequired,
                G::ActionRequired,
                &[DataType::SalesInvoice, DataType::DamagePhoto]
            )),
            "needs_customer"
        );
        assert_eq!(
            upstream_status(&ticket(S::CustomerDocumentsRequested, G::ActionRequired, &[DataType::PurchaseInvoice])),
            "needs_shop"
        );
        assert_eq!(upstream_status(&ticket(S::ClaimPaid, G::ManuallySolved, &[])), "resolved");
        assert_eq!(upstream_status(&ticket(S::Processing, G::SolvedByAutomation, &[])), "resolved");
        let mut t = ticket(S::Pending, G::InProgress, &[]);
        t.resolution =
            Some(TicketResolution { outcome: Outcome::ClaimDeclined, amount: None, currency: None, solved_at: None });
        assert_eq!(upstream_status(&t), "resolved");
    }
}
