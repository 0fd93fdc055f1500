//! `POST /claims/lookup`: a customer's claim by its reference and one
//! proof — the e-mail address given with it (trimmed, any case) or the
//! parcel's recipient postal code as tracking reports it (any case, spaces
//! ignored). Answers the claim id and a fresh access token; a wrong pair,
//! an unknown or unreadable reference, and a postal code that cannot be
//! checked right now all answer the same 404 as a missing ticket. The
//! answer also names the claim's reference (asked by order number, the
//! customer may not know it).
//!
//! What is not a reference is read as an order number: the newest claim
//! with that order number, when the proof is the order's customer's — with
//! the shop's order endpoint (`orders.url`), checked against the shop's
//! order (its customer's e-mail address or delivery postal code); without
//! it, against the claim as above. Every failure is the same 404.

use std::net::IpAddr;

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use parcel_desk_wire::customer::{ClaimFound, ClaimLookup};
use parcel_desk_wire::reference::Reference;
use parcel_desk_wire::ValidationIssue;
use serde_json::Value;

use super::super::tracking::normalize_postal_code;
use super::super::{bad_query, call, read_json, ProxyState, Upstream};
use crate::envelope::{json_response, ProxyError};
use crate::orders::Fetched;
use crate::ratelimit::retry_after_secs;

/// The recipient postal code tracking reports for `tracking_number`
/// (normalized), if it can be read.
async fn recipient_postal_code(st: &ProxyState, tracking_number: &str) -> Option<String> {
    if !parcel_desk_wire::route::valid_tracking_number(tracking_number) {
        return None;
    }
    let up = Upstream {
        method: Method::GET,
        segments: &["parcels", "tracking", tracking_number],
        query: None,
        content_type: None,
        content_length: None,
        body: None,
    };
    let answer = match call(&st.sendcloud, &st.sendcloud.tracking_base, up).await {
        Ok(a) if a.status == StatusCode::OK => a,
        Ok(a) => {
            tracing::info!(status = a.status.as_u16(), "claim look-up: tracking not readable");
            return None;
        }
        Err(e) => {
            tracing::warn!(error = %e, "claim look-up: tracking unreachable");
            return None;
        }
    };
    let v: Value = serde_json::from_slice(&answer.body).ok()?;
    let code = normalize_postal_code(v.pointer("/to_address/postal_code")?.as_str()?);
    (!code.is_empty()).then_some(code)
}

pub(in crate::proxy) async fn lookup(st: &ProxyState, req: Request, ip: IpAddr) -> Result<Response, ProxyError> {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return Err(bad_query());
    }
    let bytes = read_json(req, st.gate.json_limit).await?;
    let value = serde_json::from_slice::<Value>(&bytes).map_err(|_| ProxyError::invalid_json())?;
    let asked: ClaimLookup = match serde_json::from_value(value) {
        Ok(l) => l,
        Err(e) => {
            let text = e.to_string();
            let msg = text.split(" at line ").next().unwrap_or(&text).to_owned();
            return Err(ProxyError::validation(&[ValidationIssue {
                kind: "invalid_type".into(),
                loc: vec!["body".into()],
                msg,
            }]));
        }
    };
    if let Err(wait) = st.gate.lookups.check(&ip) {
        return Err(ProxyError::rate_limited(
            format!("Too many claim look-ups: at most {} per minute.", st.gate.lookups.limit()),
            retry_after_secs(wait),
        ));
    }
    let proof = asked.email_or_postal_code.trim();
    let reference = Reference::parse(&asked.reference);
    let by_order = reference.is_none();
    let found = match reference {
        Some(r) => st.tickets.store.claim_by_reference(r.bits()).await,
        None => st.tickets.store.claim_by_order_number(asked.reference.trim()).await,
    };
    let found = match found {
        Ok(Some(f)) => f,
        Ok(None) => return Err(ProxyError::ticket_not_found()),
        Err(e) => {
            tracing::error!(error = %e, "store failed");
            return Err(ProxyError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "The proxy's store is not available right now.",
            ));
        }
    };
    let proven = if let (true, Some(source)) = (by_order, &st.tickets.orders) {
        // The shop says who the order's customer is.
        // (Fetched by the claim's own spelling of the order number.)
        match source.fetch(found.order_number.as_deref().unwrap_or_default().trim()).await {
            Fetched::Found(order) => !proof.is_empty() && order.owned_by(proof),
            _ => false,
        }
    } else if proof.contains('@') {
        found.email.as_deref().is_some_and(|e| !e.is_empty() && e.trim().to_lowercase() == proof.to_lowercase())
    } else {
        let given = normalize_postal_code(proof);
        !given.is_empty() && recipient_postal_code(st, found.tracking_number.trim()).await.is_some_and(|c| c == given)
    };
    if !proven {
        return Err(ProxyError::ticket_not_found());
    }
    let access_token = st.tickets.tokens.issue(&found.id);
    let reference = found.reference.and_then(|bits| u64::try_from(bits).ok()).map(Reference::from_bits);
    Ok(json_response(StatusCode::OK, &ClaimFound { claim_id: found.id, access_token, reference }))
}
