//! `POST /dsf/tickets/lost` and `POST /dsf/tickets/damage`: checked,
//! re-serialized and stored (once per `Idempotency-Key`) in one
//! transaction, then answered 202 with the proxy's claim id, an access
//! token and `state: "received"`. The filing worker
//! ([`super::pipeline`]) takes it upstream from there.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::claim_body::{decode_claim, issues_from_problems, ClaimBodyError};
use parcel_desk_wire::{validate, ClaimCreated, ClaimState, ClaimType, ParcelKind};

use super::{portal_query, read_limited, require_json, ProxyState};
use crate::envelope::{self, validation_error, ProxyError};
use crate::idempotency::{idempotency_key, replay, request_hash, reused};
use crate::store::claims::{Accepted, NewClaim};
use crate::store::StoredAnswer;

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
    let body = match read_limited(req, st.gate.json_limit).await {
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
    let id = uuid::Uuid::new_v4().to_string();
    let created =
        ClaimCreated { access_token: st.tickets.tokens.issue(&id), ticket_id: id.clone(), state: ClaimState::Received };
    let answer = StoredAnswer {
        status: StatusCode::ACCEPTED.as_u16(),
        content_type: Some("application/json".into()),
        body: serde_json::to_vec(&created).unwrap_or_default(),
    };
    let hash = key.as_ref().map(|_| request_hash(&[route.as_bytes(), portal.unwrap_or("-").as_bytes(), &json]));
    let new = NewClaim {
        id: &id,
        claim_type: route,
        portal,
        body: &json,
        tracking_number: claim.tracking_number.trim(),
        idempotency: key.as_deref().zip(hash.as_deref()),
    };
    match st.tickets.store.accept_claim(&new, &answer).await {
        Err(e) => {
            tracing::error!(error = %e, "could not store an accepted claim");
            ProxyError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "The proxy cannot record the claim right now. Nothing was filed; please try again later.",
            )
            .retry_after(5)
            .into_response()
        }
        Ok(Accepted::Replay(stored)) => replay(stored),
        Ok(Accepted::Reused) => reused().into_response(),
        Ok(Accepted::New) => {
            tracing::info!(claim_id = %id, claim = route, "claim received");
            st.tickets.wake.notify_one();
            let mut res = Response::new(Body::from(answer.body));
            *res.status_mut() = StatusCode::ACCEPTED;
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res
        }
    }
}
