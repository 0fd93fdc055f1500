//! Ticket status reads and the carrier's data requests, readable only with
//! the ticket's access token or its order number (see "Ticket ids" in
//! `proxy/README.md`).

use std::net::IpAddr;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::requested_data::{RequestedData, RequestedDataAnswer, RequestedDataList};
use parcel_desk_wire::ticket::TicketType;
use parcel_desk_wire::{ClaimState, ClaimType, TicketPending, TicketResponse, ValidationIssue};
use serde_json::Value;

use super::{bad_query, call, forward, read_limited, require_json, upstream_failure, ProxyState, UpAnswer, Upstream};
use crate::envelope::ProxyError;
use crate::envelope::{self, json_response, validation_error};
use crate::ratelimit::retry_after_secs;
use crate::store::claims::ClaimRow;
use crate::store::now_ms;

/// Request and response header carrying a ticket's access token.
mod requested;

pub(super) use requested::{answer_for_staff, requested_data, requests_for_staff};

pub use parcel_desk_wire::route::headers::TICKET_TOKEN;
/// Decodes `a=b&c=d` (percent-encoding, `+` as space). Repeated names are
/// kept in order.
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => {
                    match u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16) {
                        Ok(v) => {
                            out.push(v);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// Order numbers compare trimmed and case-insensitively.
pub fn same_order_number(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && a.to_lowercase() == b.to_lowercase()
}

fn token_of(req: &Request) -> Option<String> {
    req.headers().get(TICKET_TOKEN).and_then(|v| v.to_str().ok()).map(|s| s.trim().to_owned())
}

fn store_failure(e: &crate::store::StoreError) -> Response {
    tracing::error!(error = %e, "store failed");
    envelope::error(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_unavailable",
        "The proxy's store is not available right now.",
    )
}

/// Whether `token` grants reading int ticket `id`: a token issued for the
/// int, or for the claim that is mapped to it.
async fn token_grants(st: &ProxyState, token: Option<&str>, id: i64) -> bool {
    let Some(reference) = token.and_then(|t| st.tickets.tokens.verify(t)) else { return false };
    if reference == id.to_string() {
        return true;
    }
    matches!(st.tickets.store.claim(&reference).await, Ok(Some(ClaimRow { ticket_id: Some(mapped), .. })) if mapped == id)
}

/// 503 while the account's read budget is used up.
fn read_budget_used(wait_ms: i64) -> ProxyError {
    ProxyError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "upstream_busy",
        "Many status reads right now: the claim's status can be read again shortly.",
    )
    .retry_after(((wait_ms + 999) / 1000).max(1) as u64)
}

/// One unit of the account's read budget, or the 503 to answer.
pub(super) async fn take_read(st: &ProxyState) -> Result<(), ProxyError> {
    match st.take_budget(super::Budget::Read).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(wait)) => Err(read_budget_used(wait)),
        Err(e) => Err(store_failure(&e).into()),
    }
}

fn cached_answer(status: u16, body: Vec<u8>, fetched_at: i64) -> UpAnswer {
    UpAnswer {
        status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
        content_type: Some(HeaderValue::from_static("application/json")),
        retry_after: None,
        body: body.into(),
        age: Some(((now_ms() - fetched_at).max(0) / 1000) as u64),
    }
}

/// Upstream ticket `id`, read at most once per `upstream.read_cache_secs`
/// whoever asks (concurrent reads of one ticket wait for one upstream
/// call), within the account's read budget. When it cannot be read fresh
/// (no budget, upstream failing), the last read answers, with its `Age`.
async fn upstream_ticket(st: &ProxyState, id: i64) -> Result<UpAnswer, ProxyError> {
    let fresh_ms = st.sendcloud.budget.read_cache.as_millis() as i64;
    if let Some((status, body, at)) =
        st.tickets.store.ticket_read(id).await.ok().flatten().filter(|(_, _, at)| now_ms() - at < fresh_ms)
    {
        return Ok(cached_answer(status, body, at));
    }
    let lock = {
        let mut locks = st.tickets.read_locks.lock().unwrap_or_else(|e| e.into_inner());
        if locks.len() > 1024 {
            locks.retain(|_, l| Arc::strong_count(l) > 1);
        }
        locks.entry(id).or_default().clone()
    };
    let _one = lock.lock().await;
    let cached = st.tickets.store.ticket_read(id).await.ok().flatten();
    if let Some((status, body, at)) = cached.clone().filter(|(_, _, at)| now_ms() - at < fresh_ms) {
        return Ok(cached_answer(status, body, at));
    }
    let stale = |e: ProxyError| match cached {
        Some((status, body, at)) => Ok(cached_answer(status, body, at)),
        None => Err(e),
    };
    if let Err(e) = take_read(st).await {
        return stale(e);
    }
    let id_text = id.to_string();
    let up = Upstream {
        method: Method::GET,
        segments: &["dsf", "tickets", &id_text],
        query: None,
        content_type: None,
        content_length: None,
        body: None,
    };
    match call(&st.sendcloud, &st.sendcloud.base, up).await {
        Err(e) => stale(upstream_failure(&st.sendcloud, &e)),
        Ok(a) if a.status.is_success() || a.status == StatusCode::NOT_FOUND => {
            if let Err(e) = st.tickets.store.keep_ticket_read(id, a.status.as_u16(), &a.body, now_ms()).await {
                tracing::warn!(error = %e, "could not cache a ticket read");
            }
            Ok(a)
        }
        Ok(a) => {
            if a.status == StatusCode::TOO_MANY_REQUESTS {
                let secs = a.retry_after_secs();
                let _ = st.tickets.store.hold_budget(&st.sendcloud.account, "read", now_ms() + secs * 1000).await;
            }
            stale(a.into_response().into())
        }
    }
}

/// How a caller proved access to an int ticket.
enum Access {
    Token,
    /// By order number: the ticket as read (already fetched) to answer with.
    OrderNumber(UpAnswer),
}

/// Checks access to int ticket `id`: a valid token, or `order_number` equal
/// to the ticket's (rate-limited per client). `Err` is the answer: 404
/// identical to a missing ticket, 429, or an upstream failure.
async fn access_int(
    st: &ProxyState,
    token: Option<&str>,
    order_number: Option<&str>,
    id: i64,
    ip: IpAddr,
) -> Result<Access, crate::envelope::ProxyError> {
    if token_grants(st, token, id).await {
        return Ok(Access::Token);
    }
    let Some(order) = order_number.filter(|o| !o.trim().is_empty()) else {
        return Err(ProxyError::ticket_not_found());
    };
    if let Err(wait) = st.gate.lookups.check(&ip) {
        return Err(ProxyError::rate_limited(
            format!("Too many ticket lookups: at most {} per minute.", st.gate.lookups.limit()),
            retry_after_secs(wait),
        ));
    }
    let answer = upstream_ticket(st, id).await?;
    if answer.status == StatusCode::NOT_FOUND {
        return Err(ProxyError::ticket_not_found());
    }
    if !answer.status.is_success() {
        return Err(answer.into_response().into());
    }
    let ticket_order = serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|v| v.get("order_number").and_then(Value::as_str).map(str::to_owned));
    match ticket_order {
        Some(t) if same_order_number(&t, order) => Ok(Access::OrderNumber(answer)),
        _ => Err(ProxyError::ticket_not_found()),
    }
}

fn with_token(mut res: Response, st: &ProxyState, reference: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&st.tickets.tokens.issue(reference)) {
        res.headers_mut().insert(TICKET_TOKEN, v);
    }
    res
}

/// `GET /dsf/tickets/{int}` with `X-Ticket-Token` or `?order_number=`.
pub(super) async fn get_by_id(st: &ProxyState, req: Request, id: i64, ip: IpAddr) -> Response {
    let mut order = None;
    for (k, v) in query_pairs(req.uri().query()) {
        match k.as_str() {
            "order_number" if order.is_none() => order = Some(v),
            _ => return bad_query().into_response(),
        }
    }
    let token = token_of(&req);
    match access_int(st, token.as_deref(), order.as_deref(), id, ip).await {
        Err(res) => res.into_response(),
        Ok(Access::OrderNumber(answer)) => with_token(answer.into_response(), st, &id.to_string()),
        Ok(Access::Token) => match upstream_ticket(st, id).await {
            Ok(answer) => answer.into_response(),
            Err(e) => e.into_response(),
        },
    }
}

/// The list items of upstream's `GET /dsf/tickets` (or requested-data)
/// answer: a bare array, or the first of `data`, `results`, `items`,
/// `tickets` that is an array.
pub fn list_items(body: &[u8]) -> Vec<Value> {
    let Ok(v) = serde_json::from_slice::<Value>(body) else { return Vec::new() };
    match v {
        Value::Array(items) => items,
        Value::Object(mut m) => ["data", "results", "items", "tickets"]
            .iter()
            .find_map(|k| match m.remove(*k) {
                Some(Value::Array(items)) => Some(items),
                _ => None,
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Upstream's `type` for a stored claim's type.
pub(super) fn upstream_type(claim_type: &str) -> TicketType {
    ClaimType::from_segment(claim_type).unwrap_or(ClaimType::Lost).ticket_type()
}

/// The claim a token grants. `Err`: 404 (no access) or a failure.
async fn claim_access(st: &ProxyState, token: Option<&str>, id: &str) -> Result<ClaimRow, ProxyError> {
    let granted = token.and_then(|t| st.tickets.tokens.verify(t)).is_some_and(|r| r == id);
    if !granted {
        return Err(ProxyError::ticket_not_found());
    }
    match st.tickets.store.claim(id).await {
        Ok(Some(claim)) => Ok(claim),
        Ok(None) => Err(ProxyError::ticket_not_found()),
        Err(e) => Err(store_failure(&e).into()),
    }
}

/// 202: where the claim stands while the carrier's ticket is not readable.
fn pending(claim: &ClaimRow) -> Response {
    let state = ClaimState::from_wire(&claim.state);
    let reason = matches!(state, ClaimState::NeedsAttention | ClaimState::WithShop | ClaimState::Rejected)
        .then(|| claim.reason.clone())
        .flatten();
    json_response(StatusCode::ACCEPTED, &TicketPending { ticket_id: claim.id.clone(), pending: true, state, reason })
}

/// `GET /dsf/tickets/{uuid}` with `X-Ticket-Token`: the claim's pipeline
/// state (202) until upstream's ticket is known, then the ticket (200,
/// with `Age` when answered from the cache).
pub(super) async fn get_by_uuid(st: &ProxyState, req: Request, uuid: &str) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return bad_query().into_response();
    }
    let token = token_of(&req);
    let claim = match claim_access(st, token.as_deref(), uuid).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    match claim.ticket_id {
        None => pending(&claim),
        Some(id) => match upstream_ticket(st, id).await {
            Ok(answer) => answer.into_response(),
            Err(e) => e.into_response(),
        },
    }
}

/// The ticket behind `?ticket=` (UUID or int) if the caller may read it:
/// `(ticket, tracking number the proxy recorded for it)`. `Ok(None)`: a
/// created ticket whose int id is not known yet.
async fn readable_ticket(
    st: &ProxyState,
    token: Option<String>,
    ticket: &str,
    order: Option<&str>,
    ip: IpAddr,
) -> Result<Option<(TicketResponse, Option<String>)>, crate::envelope::ProxyError> {
    let (id, answer) = if let Some(uuid) = super::parse_ticket_uuid(ticket) {
        match claim_access(st, token.as_deref(), &uuid).await?.ticket_id {
            None => return Ok(None),
            Some(id) => (id, None),
        }
    } else {
        let Some(id) = super::parse_ticket_id(ticket) else { return Err(ProxyError::ticket_not_found()) };
        match access_int(st, token.as_deref(), order, id, ip).await? {
            Access::Token => (id, None),
            Access::OrderNumber(answer) => (id, Some(answer)),
        }
    };
    let answer = match answer {
        Some(a) => a,
        None => upstream_ticket(st, id).await?,
    };
    if answer.status == StatusCode::NOT_FOUND {
        return Err(ProxyError::ticket_not_found());
    }
    if !answer.status.is_success() {
        return Err(answer.into_response().into());
    }
    let Ok(t) = serde_json::from_slice::<TicketResponse>(&answer.body) else {
        return Err(ProxyError::new(
            StatusCode::BAD_GATEWAY,
            "upstream_unavailable",
            "The Support API answered something unexpected.",
        ));
    };
    let tracking = match st.tickets.store.claim_for_ticket(id).await {
        Ok(Some(claim)) => st.tickets.store.claim(&claim).await.ok().flatten().map(|c| c.tracking_number),
        _ => None,
    };
    Ok(Some((t, tracking)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_and_order_numbers() {
        assert_eq!(
            query_pairs(Some("ticket=1002&order_number=ORD%2D1002+x&e=")),
            vec![
                ("ticket".into(), "1002".into()),
                ("order_number".into(), "ORD-1002 x".into()),
                ("e".into(), "".into())
            ]
        );
        assert_eq!(query_pairs(Some("a=%zz%4")), vec![("a".into(), "%zz%4".into())]);
        assert!(same_order_number(" ord-1002 ", "ORD-1002"));
        assert!(!same_order_number("", ""));
        assert!(!same_order_number("ORD-1", "ORD-10"));
        assert_eq!(list_items(br#"{"data":[1,2]}"#).len(), 2);
        assert_eq!(list_items(b"[1]").len(), 1);
        assert!(list_items(b"{}").is_empty());
    }
}
