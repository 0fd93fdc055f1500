//! `POST /dsf/tickets/lost` and `POST /dsf/tickets/damage`: checked,
//! re-serialized, forwarded once per `Idempotency-Key`, answered with an
//! access token.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use parcel_desk_wire::{validate, ClaimCreated, ClaimType, CreateTicketResponse, ParcelKind};
use sha2::{Digest, Sha256};

use super::{call, portal_query, read_limited, require_json, upstream_failure, ProxyState, Upstream};
use crate::claim_body::{decode_claim, ClaimBodyError};
use crate::envelope::{self, issues_from_problems, validation_error};
use crate::store::{now_ms, Claim, InFlight, Store, StoredAnswer, TicketRecord};

/// The request header that makes a creation idempotent.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on replayed answers.
pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";
/// `Retry-After` the proxy adds to an upstream 429 that has none.
pub const DEFAULT_RETRY_AFTER_SECS: u64 = 60;

/// The key, if the header is present: 1–255 printable ASCII characters
/// (space to `~`), not only spaces. `Err` = malformed.
#[allow(clippy::result_large_err)]
pub fn idempotency_key(req: &Request) -> Result<Option<String>, Response> {
    let mut values = req.headers().get_all(IDEMPOTENCY_KEY).iter();
    let Some(v) = values.next() else { return Ok(None) };
    let bytes = v.as_bytes();
    let ok = values.next().is_none()
        && (1..=255).contains(&bytes.len())
        && bytes.iter().all(|b| (0x20..=0x7e).contains(b))
        && bytes.iter().any(|b| *b != b' ');
    if !ok {
        return Err(envelope::error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "Idempotency-Key must be one header of 1 to 255 printable ASCII characters.",
        ));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

fn replay(answer: StoredAnswer) -> Response {
    let mut res = Response::new(Body::from(answer.body));
    *res.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    if let Some(ct) = answer.content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    res.headers_mut().insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    res
}

fn store_failure() -> Response {
    envelope::error(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_unavailable",
        "The proxy cannot record the request right now. Please try again later.",
    )
}

/// Only answers that will not change on a retry are kept: 2xx, and 4xx
/// except 408, 409 and 429.
pub fn is_final(status: StatusCode) -> bool {
    status.is_success() || (status.is_client_error() && !matches!(status.as_u16(), 408 | 409 | 429))
}

/// Starts a request that carries an `Idempotency-Key`: `Ok` = go ahead
/// (the guard keeps the key in flight); `Err` = the answer to give instead
/// (the stored answer replayed, 422 for a key reused with another request,
/// 409 while the first is still running, 503 if the store fails). `parts`
/// are the normalized request, hashed to tell the same request from
/// another.
#[allow(clippy::result_large_err)]
pub(crate) fn begin(store: &Store, key: &str, route: &str, parts: &[&[u8]]) -> Result<InFlight, Response> {
    // The parts joined by newlines (the hash earlier versions stored).
    let mut h = Sha256::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b"\n");
        }
        h.update(part);
    }
    let hash: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    match store.begin(key, route, &hash) {
        Err(e) => {
            tracing::error!(error = %e, "idempotency store failed");
            Err(store_failure())
        }
        Ok(Claim::Replay(answer)) => Err(replay(answer)),
        Ok(Claim::Reused) => Err(envelope::error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was already used for a different request.",
        )),
        Ok(Claim::InProgress) => {
            let mut res = envelope::error(
                StatusCode::CONFLICT,
                "request_in_progress",
                "A request with this Idempotency-Key is still being processed. Retry shortly.",
            );
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            Err(res)
        }
        Ok(Claim::Proceed(guard)) => Ok(guard),
    }
}

/// Keeps a final answer (see [`is_final`]) for replays of its key; any
/// other answer frees the key for a retry.
pub(crate) fn finish(guard: InFlight, status: StatusCode, content_type: Option<&str>, body: &[u8]) {
    if is_final(status) {
        let stored = StoredAnswer {
            status: status.as_u16(),
            content_type: content_type.map(str::to_owned),
            body: body.to_vec(),
        };
        if let Err(e) = guard.complete(&stored) {
            tracing::error!(error = %e, "could not store the answer for its Idempotency-Key");
        }
    }
}

pub(super) async fn create(st: &ProxyState, req: Request, claim_type: ClaimType) -> Response {
    let portal = match portal_query(req.uri().query()) {
        Ok(p) => p,
        Err(res) => return res,
    };
    let key = match idempotency_key(&req) {
        Ok(k) => k,
        Err(res) => return res,
    };
    let req = match require_json(req) {
        Ok(r) => r,
        Err(res) => return res,
    };
    let body = match read_limited(req, st.json_limit).await {
        Ok(b) => b,
        Err(res) => return res,
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
            Err(res) => return res,
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
        Err(e) => return upstream_failure(st, &e),
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
