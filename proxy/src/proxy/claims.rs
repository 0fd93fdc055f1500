//! `POST /dsf/tickets/lost` and `POST /dsf/tickets/damage`: checked,
//! re-serialized and stored (once per `Idempotency-Key`) in one
//! transaction, then answered 202 with the proxy's claim id, an access
//! token and `state: "received"`. The filing worker
//! ([`super::pipeline`]) takes it upstream from there.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use parcel_desk_wire::claim_body::{decode_claim, issues_from_problems, ClaimBodyError};
use parcel_desk_wire::{validate, ClaimCreated, ClaimState, ClaimType, ParcelKind};

use super::{portal_query, read_json, ProxyState};
use crate::envelope::ProxyError;
use crate::idempotency::{idempotency_key, replay, request_hash, reused};
use crate::store::claims::{Accepted, NewClaim};
use crate::store::StoredAnswer;

pub(super) async fn create(st: &ProxyState, req: Request, claim_type: ClaimType) -> Result<Response, ProxyError> {
    let portal = portal_query(req.uri().query())?;
    let key = idempotency_key(&req)?;
    let body = read_json(req, st.gate.json_limit).await?;
    let claim = decode_claim(&body).map_err(|e| match e {
        ClaimBodyError::InvalidJson => ProxyError::invalid_json(),
        ClaimBodyError::Invalid(issues) => ProxyError::validation(&issues),
    })?;
    // The kind-independent minimum; the parcel's kind is only known upstream.
    let problems = validate(claim_type, ParcelKind::OwnContract, &claim);
    if !problems.is_empty() {
        return Err(ProxyError::validation(&issues_from_problems(&problems)));
    }
    let json = serde_json::to_vec(&claim).map_err(|_| ProxyError::bad_request("Claim could not be encoded."))?;
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
    Ok(match st.tickets.store.accept_claim(&new, &answer).await {
        Err(e) => {
            tracing::error!(error = %e, "could not store an accepted claim");
            return Err(ProxyError::store_unavailable());
        }
        Ok(Accepted::Replay(stored)) => replay(stored),
        Ok(Accepted::Reused) => return Err(reused()),
        Ok(Accepted::New) => {
            tracing::info!(claim_id = %id, claim = route, "claim received");
            st.tickets.wake.notify_one();
            let mut res = Response::new(Body::from(answer.body));
            *res.status_mut() = StatusCode::ACCEPTED;
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res
        }
    })
}
