//! `GET /dsf/tickets` (list) and the carrier's data requests
//! (`GET`/`POST /dsf/tickets/requested-data`).

use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use parcel_desk_wire::requested_data::{RequestedDataAnswer, RequestedDataList};
use parcel_desk_wire::ticket::{TicketStage, TicketStatus};
use parcel_desk_wire::time::rfc3339_utc;
use parcel_desk_wire::ValidationIssue;
use serde_json::json;

use super::auth::authorized;
use super::SandboxState;
use crate::error::{json, SandboxError};

fn int_issue(loc: &str, msg: &str) -> SandboxError {
    SandboxError::validation(&[ValidationIssue {
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
) -> Result<Response, SandboxError> {
    authorized(&state, &headers)?;
    state.read_limit()?;
    state.read_fault().await?;
    let (mut page, mut size) = (1i64, 20i64);
    for pair in query.as_deref().unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "page" => match v.parse::<i64>() {
                Ok(p) if p >= 1 => page = p,
                _ => return Err(int_issue("page", "Input should be greater than or equal to 1")),
            },
            "size" => match v.parse::<i64>() {
                Ok(s) if (1..=20).contains(&s) => size = s,
                _ => return Err(int_issue("size", "Input should be between 1 and 20")),
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
    Ok(json(StatusCode::OK, &json!({"data": data, "page": page, "size": size, "total": total})))
}

/// `GET /dsf/tickets/requested-data`: every open request, `{"data": [...]}`.
pub(super) async fn list_requests(
    State(state): State<Arc<SandboxState>>,
    headers: HeaderMap,
) -> Result<Response, SandboxError> {
    authorized(&state, &headers)?;
    state.read_limit()?;
    let data = state.lock().requests.iter().map(|(_, r)| r.clone()).collect();
    Ok(json(StatusCode::OK, &RequestedDataList { data }))
}

/// `POST /dsf/tickets/requested-data`: answers one request (201
/// `{"request_id": …}`); the ticket moves on once none is left.
pub(super) async fn answer_request(
    State(state): State<Arc<SandboxState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SandboxError> {
    authorized(&state, &headers)?;
    let value = serde_json::from_slice::<serde_json::Value>(&body).map_err(|_| SandboxError::invalid_json())?;
    let answer: RequestedDataAnswer = serde_json::from_value(value).map_err(|e| {
        let text = e.to_string();
        SandboxError::validation(&[ValidationIssue {
            kind: "value_error".into(),
            loc: vec!["body".into()],
            msg: text.split(" at line ").next().unwrap_or(&text).to_owned(),
        }])
    })?;
    let mut inner = state.lock();
    if answer.attachments.iter().flatten().any(|a| !inner.file_tokens.contains(a.file_token.trim())) {
        return Err(SandboxError::bad_request(
            "Invalid file token in attachments: upload the file via /dsf/files first.",
        ));
    }
    let Some(pos) = inner.requests.iter().position(|(_, r)| r.request_id == answer.request_id) else {
        return Err(SandboxError::new(StatusCode::NOT_FOUND, "not_found", "Requested data not found"));
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
    Ok(json(StatusCode::CREATED, &json!({"request_id": answer.request_id})))
}
