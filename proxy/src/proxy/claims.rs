//! `POST /dsf/tickets/lost` and `POST /dsf/tickets/damage`: checked,
//! re-serialized, forwarded once per `Idempotency-Key`, answered with an
//! access token.

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::{validate, ClaimCreated, ClaimType, CreateTicketResponse, ParcelKind};

use super::{call, portal_query, read_limited, require_json, upstream_failure, ProxyState, Upstream};
use crate::claim_body::{decode_claim, ClaimBodyError};
use crate::envelope::{self, issues_from_problems, validation_error};
use crate::idempotency::{begin, finish, idempotency_key};
use crate::store::{now_ms, TicketRecord};

/// `Retry-After` the proxy adds to an upstream 429 that has none.
pub const DEFAULT_RETRY_AFTER_SECS: u64 = 60;

pub(super) async fn create(st: &ProxyState, req: Request, claim_type: ClaimType) -> Response {
    let portal = match portal_query(req.uri().query()) {
        Ok(p) => p,
        Err(res) => return res.into_response(),
    };
    let key = match idempotency_key(&req) {
        Ok(k) => k,
        Err(res) => return res.into_response(),
    };
    let req = match require_json(req) {
        Ok(r) => r,
        Err(res) => return res.into_response(),
    };
    let body = match read_limited(req, st.json_limit).await {
        Ok(b) => b,
        Err(res) => return res.into_response(),
    };
    let claim = match decode_claim(&body) {
        Ok(c) => c,
        Err(ClaimBodyError::InvalidJson) => {
            return envelope::error(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON")
        }
        Err(ClaimBodyError::Invalid(issues)) => return validation_error(&issues),
    };
    // The kind-independent minimum; the parcel's kind is only known upstream.
    let problems = validate(claim_type, ParcelKind::OwnContract, &claim);
    if !problems.is_empty() {
        return validation_error(&issues_from_problems(&problems));
    }
    let json = match serde_json::to_vec(&claim) {
        Ok(j) => j,
        Err(_) => return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "Claim could not be encoded."),
    };
    let route = claim_type.as_str();
    let guard = match &key {
        None => None,
        Some(key) => match begin(&st.store, key, route, &[route.as_bytes(), portal.unwrap_or("-").as_bytes(), &json]) {
            Ok(guard) => Some(guard),
            Err(res) => return res.into_response(),
        },
    };
    let query = portal.map(|p| format!("is_portal_claim={p}"));
    let segments: &[&str] = match claim_type {
        ClaimType::Lost => &["dsf", "tickets", "lost"],
        ClaimType::Damage => &["dsf", "tickets", "damage"],
    };
    let sent_at = now_ms();
    let upstream = Upstream {
        method: Method::POST,
        segments,
        query: query.as_deref(),
        content_type: Some(HeaderValue::from_static("application/json")),
        content_length: Some(json.len() as u64),
        body: Some(reqwest::Body::from(json)),
    };
    let mut answer = match call(st, &st.base, upstream).await {
        Ok(a) => a,
        // Network failure or timeout: nothing stored, the guard frees the key.
        Err(e) => return upstream_failure(st, &e).into_response(),
    };
    if answer.status == StatusCode::ACCEPTED {
        match serde_json::from_slice::<CreateTicketResponse>(&answer.body) {
            Ok(created) => {
                let uuid = created.ticket_id.trim().to_ascii_lowercase();
                let record = TicketRecord {
                    uuid: uuid.clone(),
                    claim_type: route.to_owned(),
                    tracking_number: claim.tracking_number.trim().to_owned(),
                    created_at_ms: sent_at,
                    ticket_id: None,
                };
                if let Err(e) = st.store.record_ticket(&record) {
                    tracing::error!(error = %e, "could not record the created ticket");
                }
                tracing::info!(ticket_uuid = %uuid, claim = route, "ticket created");
                let body = ClaimCreated { access_token: st.tokens.issue(&uuid), ticket_id: uuid };
                answer.body = serde_json::to_vec(&body).unwrap_or_default().into();
                answer.content_type = Some(HeaderValue::from_static("application/json"));
            }
            Err(_) => tracing::warn!("upstream answered 202 without a ticket_id"),
        }
    }
    if answer.status == StatusCode::TOO_MANY_REQUESTS && answer.retry_after.is_none() {
        answer.retry_after = Some(HeaderValue::from(DEFAULT_RETRY_AFTER_SECS));
    }
    if let Some(guard) = guard {
        let content_type = answer.content_type.as_ref().and_then(|c| c.to_str().ok());
        finish(guard, answer.status, content_type, &answer.body);
    }
    answer.into_response()
}
