//! `POST /claims`: a customer's claim in their own words. Checked, then
//! stored in one transaction (with the answer for its `Idempotency-Key`)
//! with a fresh reference, the customer's part and the upstream body built
//! from it and the shop's part ([`parcel_desk_wire::customer::mapping`]).
//!
//! When the shop's part is known and the body passes upstream's rules for
//! the parcel kind, the claim is `received` and the filing worker takes it
//! (uploading the declaration PDF first, [`super::pipeline`]) — or, with
//! `claims.review = "always"`, it waits in `review` for a staff approval;
//! otherwise it is `with_shop`, with what is missing, and the pipeline
//! leaves it alone until staff complete it (the inbox, [`super::staff`]).
//!
//! With an order source (`orders.url`) and an order number in the claim,
//! the shop's part comes from the shop's order ([`crate::orders`]): an
//! unknown order, a wrong e-mail and a tracking number that is not the
//! order's are all answered with [`unknown_order`] (no enumeration, nothing
//! stored); an endpoint that cannot answer leaves the claim `with_shop`
//! with `order_facts` missing, for [`order_facts`] to complete.
//! `POST /claims/lookup` is in [`lookup`].

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use parcel_desk_wire::customer::mapping::{needs_declaration_pdf, upstream_body, ShopPart};
use parcel_desk_wire::customer::rules::{decode, validate as validate_answers, CustomerBodyError};
use parcel_desk_wire::customer::{CustomerClaim, CustomerClaimCreated};
use parcel_desk_wire::inbox::parcel_kind_str;
use parcel_desk_wire::reference::Reference;
use parcel_desk_wire::time::rfc3339_utc;
use parcel_desk_wire::{validate, ClaimField, ClaimRequest, ClaimState, FileRef, ParcelKind};

use super::{bad_query, read_json, ProxyState};
use crate::config::Review;
use crate::envelope::ProxyError;
use crate::idempotency::{idempotency_key, replay, request_hash, reused};
use crate::orders::{apply, Applied, Fetched, MISSING_ORDER_FACTS};
use crate::store::claims::{Accepted, NewClaim};
use crate::store::customer::CustomerPart;
use crate::store::StoredAnswer;

pub(super) mod lookup;
pub(super) mod order_facts;

/// The idempotency route of `POST /claims`.
const ROUTE: &str = "claims";

/// What the shop still has to add before `body` can be filed: upstream's
/// field names, `tracking_number` (only an order number was given) or
/// `parcel_kind` (the shop's way of shipping is not configured). Empty:
/// it can be filed.
pub fn missing_fields(claim: &CustomerClaim, body: &ClaimRequest, shop: ShopPart) -> Vec<String> {
    let mut missing = Vec::new();
    if body.tracking_number.trim().is_empty() {
        missing.push("tracking_number".to_owned());
    }
    match shop.kind {
        None => missing.push("parcel_kind".to_owned()),
        Some(kind) => {
            let mut probe = body.clone();
            if needs_declaration_pdf(claim) {
                // Filled by the worker with the uploaded declaration.
                probe.customer_confirmation = Some(FileRef { file_token: "declaration".into() });
            }
            if probe.tracking_number.trim().is_empty() {
                probe.tracking_number = "-".into();
            }
            missing.extend(
                validate(claim.claim_type, kind, &probe)
                    .into_iter()
                    .filter(|(f, _)| *f != ClaimField::TrackingNumber)
                    .map(|(f, _)| f.wire_name().to_owned()),
            );
        }
    }
    missing
}

/// The state of a customer's claim once its part is known: `with_shop`
/// when something is missing, else `review` with `claims.review = always`
/// and `received` (filed by itself) otherwise.
pub fn ready_state(review: Review, complete: bool) -> ClaimState {
    match (complete, review) {
        (false, _) => ClaimState::WithShop,
        (true, Review::Always) => ClaimState::Review,
        (true, _) => ClaimState::Received,
    }
}

/// The answer for an order the shop does not know, and for one whose
/// customer is not the claim's e-mail (or whose parcels do not include the
/// claim's tracking number): the same status and body, so the answer never
/// tells whether an order number exists.
pub(crate) fn unknown_order() -> ProxyError {
    ProxyError::new(
        StatusCode::NOT_FOUND,
        "order_not_found",
        "No order with this order number was found for this e-mail address.",
    )
}

/// 30 random bits for a reference.
fn draw() -> u32 {
    let b = uuid::Uuid::new_v4().into_bytes();
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

pub(super) async fn create(st: &ProxyState, req: Request) -> Result<Response, ProxyError> {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return Err(bad_query());
    }
    let key = idempotency_key(&req)?;
    let bytes = read_json(req, st.gate.json_limit).await?;
    let claim = decode(&bytes).map_err(|e| match e {
        CustomerBodyError::InvalidJson => ProxyError::invalid_json(),
        CustomerBodyError::Invalid(issues) => ProxyError::validation(&issues),
    })?;
    let issues = validate_answers(&claim);
    if !issues.is_empty() {
        return Err(ProxyError::validation(&issues));
    }
    let now = rfc3339_utc(std::time::SystemTime::now());
    let today = now.get(..10).unwrap_or(&now);
    let mut shop = st.tickets.shop;
    let mut from_order = None;
    let mut waiting_for_order = false;
    let order_number = claim.order_number.as_deref().map(str::trim).filter(|o| !o.is_empty());
    if let (Some(source), Some(number)) = (&st.tickets.orders, order_number) {
        match source.fetch(number).await {
            Fetched::Found(order) => match apply(&claim, &order, shop, today) {
                Applied::Complete { body, shop: from } => {
                    shop = from;
                    from_order = Some(*body);
                }
                Applied::NotOwned => return Err(unknown_order()),
            },
            Fetched::Unknown => return Err(unknown_order()),
            Fetched::Failed(why) => {
                tracing::warn!(reason = %why, "order facts not available: the claim waits for them");
                waiting_for_order = true;
            }
        }
    }
    if let Some(kind) = shop.kind.filter(|k| !claim.claim_type.offered_for(*k)) {
        debug_assert_eq!(kind, ParcelKind::SendcloudRates);
        return Err(ProxyError::bad_request(
            "A late delivery can only be claimed for parcels shipped on the shop's own carrier contract; this shop ships with Sendcloud rates.",
        ));
    }
    let body = from_order.unwrap_or_else(|| upstream_body(&claim, shop, today));
    let mut missing = missing_fields(&claim, &body, shop);
    if waiting_for_order {
        missing.push(MISSING_ORDER_FACTS.to_owned());
    }
    let state = ready_state(st.tickets.review, missing.is_empty());
    let (Ok(json), Ok(customer)) = (serde_json::to_vec(&body), serde_json::to_string(&claim)) else {
        return Err(ProxyError::bad_request("Claim could not be encoded."));
    };
    let id = uuid::Uuid::new_v4().to_string();
    let token = st.tickets.tokens.issue(&id);
    let answer_for = |bits: u32| {
        let created = CustomerClaimCreated {
            reference: Reference::from_bits(u64::from(bits)),
            claim_id: id.clone(),
            access_token: token.clone(),
            state: state.clone(),
            missing: missing.clone(),
        };
        StoredAnswer {
            status: StatusCode::ACCEPTED.as_u16(),
            content_type: Some("application/json".into()),
            body: serde_json::to_vec(&created).unwrap_or_default(),
        }
    };
    let hash = key.as_ref().map(|_| request_hash(&[ROUTE.as_bytes(), customer.as_bytes()]));
    let new = NewClaim {
        id: &id,
        claim_type: claim.claim_type.as_str(),
        portal: None,
        body: &json,
        tracking_number: &body.tracking_number,
        idempotency: key.as_deref().zip(hash.as_deref()),
    };
    let missing_text = missing.join(",");
    let part = CustomerPart {
        route: ROUTE,
        json: &customer,
        email: claim.email.trim(),
        name: claim.name.trim(),
        resolution: claim.resolution.map(|r| r.as_str()),
        order_number: claim.order_number.as_deref().map(str::trim).filter(|o| !o.is_empty()),
        state: state.as_str(),
        missing: (!missing.is_empty()).then_some(missing_text.as_str()),
        declaration: needs_declaration_pdf(&claim),
        parcel_kind: shop.kind.map(parcel_kind_str),
    };
    let mut drawn = None;
    let result = st
        .tickets
        .store
        .accept_customer_claim(
            &new,
            &part,
            || {
                let bits = draw() & ((1 << 30) - 1);
                drawn = Some(bits);
                bits
            },
            answer_for,
        )
        .await;
    Ok(match result {
        Err(e) => {
            tracing::error!(error = %e, "could not store a customer's claim");
            return Err(ProxyError::store_unavailable());
        }
        Ok(Accepted::Replay(stored)) => replay(stored),
        Ok(Accepted::Reused) => return Err(reused()),
        Ok(Accepted::New) => {
            let bits = drawn.unwrap_or_default();
            tracing::info!(claim_id = %id, claim = claim.claim_type.as_str(), state = state.as_str(), "customer's claim received");
            let detail = if missing.is_empty() {
                state.as_str().to_owned()
            } else {
                format!("{}: {}", state.as_str(), missing.join(", "))
            };
            if let Err(e) = st.tickets.store.add_history(&id, "customer", "accepted", Some(&detail)).await {
                tracing::warn!(error = %e, "could not record a claim's history");
            }
            if state == ClaimState::Received {
                st.tickets.wake.notify_one();
            }
            let mut res = Response::new(Body::from(answer_for(bits).body));
            *res.status_mut() = StatusCode::ACCEPTED;
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            res
        }
    })
}
