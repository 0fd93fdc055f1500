//! Sandbox: `GET /dsf/tickets` (list) and the carrier's data requests
//! (`GET`/`POST /dsf/tickets/requested-data`).

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use parcel_desk_wire::requested_data::{RequestedData, RequestedDataAnswer, RequestedDataList};
use parcel_desk_wire::ticket::{DataType, TicketStage, TicketStatus};
use parcel_desk_wire::ValidationIssue;
use serde_json::json;

use super::{authorized, read_fault, SandboxState, READ_LIMIT_PER_MINUTE};
use crate::envelope::{self, json_response, validation_error};
use crate::ratelimit::retry_after_secs;
use parcel_desk_wire::time::rfc3339_utc;

/// The seeded open data requests: 301 and 302 for ticket 1002 (ORD-1002),
/// 303 for ticket 1005 (ORD-1005).
pub(super) fn demo_requests() -> Vec<(i64, RequestedData)> {
    let r = |id: i64, ticket: i64, tn: &str, data_type: DataType, title: &str, description: &str| {
        (
            ticket,
            RequestedData {
                request_id: id,
                title: title.into(),
                description: description.into(),
                tracking_number: Some(tn.into()),
                order_number: Some(format!("ORD-{ticket}")),
                data_type,
            },
        )
    };
    vec![
        r(
            301,
            1002,
            "PD-OWN-0003",
            DataType::SalesInvoice,
            "Sales invoice",
            "The invoice you received for this order, showing the price you paid.",
        ),
        r(
            302,
            1002,
            "PD-OWN-0003",
            DataType::DamagePhoto,
            "Photo of the damage",
            "A photo that shows the damage to the product and to its packaging.",
        ),
        r(
            303,
            1005,
            "PD-TRANSIT-0001",
            DataType::PurchaseInvoice,
            "Purchase invoice",
            "The shop's purchase invoice for the lost goods.",
        ),
    ]
}

#[allow(clippy::result_large_err)]
fn read_limit(state: &SandboxState) -> Result<(), Response> {
    state.reads.check(&()).map_err(|wait| {
        state.options.stats.rate_limited.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        envelope::rate_limited(
            format!("Rate limit exceeded: {READ_LIMIT_PER_MINUTE} per 1 minute"),
            retry_after_secs(wait),
        )
    })
}

fn int_issue(loc: &str, msg: &str) -> Response {
    validation_error(&[ValidationIssue {
        kind: "int_parsing".into(),
        loc: vec!["query".into(), loc.into()],
        msg: msg.into(),
    }])
}

/// `GET /dsf/tickets?page=&size=`: newest first; `page` ≥ 1, `size` 1–20.
/// Answers `{"data": [TicketResponse…], "page", "size", "total"}`.
pub(super) async fn list_tickets(
    State(state): State<Arc<SandboxState>>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(res) = authorized(&state, &headers) {
        return res;
    }
    if let Err(res) = read_limit(&state) {
        return res;
    }
    if let Err(res) = read_fault(&state).await {
        return res;
    }
    let (mut page, mut size) = (1i64, 20i64);
    for pair in query.as_deref().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "page" => match v.parse::<i64>() {
                Ok(p) if p >= 1 => page = p,
                _ => return int_issue("page", "Input should be greater than or equal to 1"),
            },
            "size" => match v.parse::<i64>() {
                Ok(s) if (1..=20).contains(&s) => size = s,
                _ => return int_issue("size", "Input should be between 1 and 20"),
            },
            _ => {}
        }
    }
    let inner = state.lock();
    let now = Instant::now();
    let mut tickets: Vec<_> =
        inner.tickets.values().filter(|t| inner.listed_from.get(&t.id).is_none_or(|from| now >= *from)).collect();
    tickets.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let total = tickets.len();
    // Each item also carries the tracking number the ticket was filed for
    // (what the proxy's filing worker matches on).
    let data: Vec<_> = tickets
        .into_iter()
        .skip(((page - 1) * size) as usize)
        .take(size as usize)
        .map(|t| {
            let mut item = serde_json::to_value(t).unwrap_or_default();
            if let (Some(tn), Some(obj)) = (inner.tracking_of.get(&t.id), item.as_object_mut()) {
                obj.insert("tracking_number".into(), tn.clone().into());
            }
            item
        })
        .collect();
    json_response(StatusCode::OK, &json!({"data": data, "page": page, "size": size, "total": total}))
}

/// `GET /dsf/tickets/requested-data`: every open request, `{"data": [...]}`.
pub(super) async fn list_requests(State(state): State<Arc<SandboxState>>, headers: HeaderMap) -> Response {
    if let Err(res) = authorized(&state, &headers) {
        return res;
    }
    if let Err(res) = read_limit(&state) {
        return res;
    }
    let data = state.lock().requests.iter().map(|(_, r)| r.clone()).collect();
    json_response(StatusCode::OK, &RequestedDataList { data })
}

/// `POST /dsf/tickets/requested-data`: answers one request (201
/// `{"request_id": …}`); the ticket moves on once none is left.
pub(super) async fn answer_request(
    State(state): State<Arc<SandboxState>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if let Err(res) = authorized(&state, &headers) {
        return res;
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return envelope::error(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON");
    };
    let answer: RequestedDataAnswer = match serde_json::from_value(value) {
        Ok(a) => a,
        Err(e) => {
            let text = e.to_string();
            return validation_error(&[ValidationIssue {
                kind: "value_error".into(),
                loc: vec!["body".into()],
                msg: text.split(" at line ").next().unwrap_or(&text).to_owned(),
            }]);
        }
    };
    let mut inner = state.lock();
    for a in answer.attachments.iter().flatten() {
        if !inner.file_tokens.contains(a.file_token.trim()) {
            return envelope::error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "Invalid file token in attachments: upload the file via /dsf/files first.",
            );
        }
    }
    let Some(pos) = inner.requests.iter().position(|(_, r)| r.request_id == answer.request_id) else {
        return envelope::error(StatusCode::NOT_FOUND, "not_found", "Requested data not found");
    };
    let (ticket_id, _) = inner.requests.remove(pos);
    let left = inner.requests.iter().any(|(t, _)| *t == ticket_id);
    let now = rfc3339_utc(SystemTime::now());
    if let Some(t) = inner.tickets.get_mut(&ticket_id) {
        t.requested_actions.retain(|a| a.id != answer.request_id);
        t.updated_at = Some(now);
        if !left {
            t.requested_actions.clear();
            t.status = TicketStatus::DocumentsForwardedToCarrier;
            t.stage = TicketStage::InProgress;
        }
    }
    tracing::info!(request_id = answer.request_id, ticket_id, "sandbox: data request answered");
    json_response(StatusCode::CREATED, &json!({"request_id": answer.request_id}))
}
