//! `Idempotency-Key`: a creation sent again with the same key is answered
//! once. The first final answer is stored and replayed; a key reused for
//! another request, or sent again while the first is still running, is
//! refused. Used by the claim routes and the contact route alike.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use sha2::{Digest, Sha256};

use crate::envelope::ProxyError;
use crate::store::{Claim, InFlight, Store, StoredAnswer};

// The header names are the contract's (wire's route table).
pub use parcel_desk_wire::route::headers::{IDEMPOTENCY_KEY, IDEMPOTENT_REPLAYED};

/// The key, if the header is present: 1–255 printable ASCII characters
/// (space to `~`), not only spaces. `Err` = malformed.
pub fn idempotency_key(req: &Request) -> Result<Option<String>, ProxyError> {
    let mut values = req.headers().get_all(IDEMPOTENCY_KEY).iter();
    let Some(v) = values.next() else { return Ok(None) };
    let bytes = v.as_bytes();
    let ok = values.next().is_none()
        && (1..=255).contains(&bytes.len())
        && bytes.iter().all(|b| (0x20..=0x7e).contains(b))
        && bytes.iter().any(|b| *b != b' ');
    if !ok {
        return Err(ProxyError::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "Idempotency-Key must be one header of 1 to 255 printable ASCII characters.",
        ));
    }
    Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
}

/// The stored answer for a key, as sent again (`Idempotent-Replayed: true`).
pub fn replay(answer: StoredAnswer) -> Response {
    let mut res = Response::new(Body::from(answer.body));
    *res.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    if let Some(ct) = answer.content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
        res.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    res.headers_mut().insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    res
}

fn store_failure() -> ProxyError {
    ProxyError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_unavailable",
        "The proxy cannot record the request right now. Please try again later.",
    )
}

/// The SHA-256 (hex) of a normalized request: its parts joined by newlines.
pub fn request_hash(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b"\n");
        }
        h.update(part);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// 422: the key was used before for another request.
pub fn reused() -> ProxyError {
    ProxyError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        "This Idempotency-Key was already used for a different request.",
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
pub async fn begin(store: &Store, key: &str, route: &str, parts: &[&[u8]]) -> Result<InFlight, ProxyError> {
    let hash = request_hash(parts);
    match store.begin(key, route, &hash).await {
        Err(e) => {
            tracing::error!(error = %e, "idempotency store failed");
            Err(store_failure())
        }
        Ok(Claim::Replay(answer)) => Err(replay(answer).into()),
        Ok(Claim::Reused) => Err(reused()),
        Ok(Claim::InProgress) => Err(ProxyError::new(
            StatusCode::CONFLICT,
            "request_in_progress",
            "A request with this Idempotency-Key is still being processed. Retry shortly.",
        )
        .retry_after(1)),
        Ok(Claim::Proceed(guard)) => Ok(guard),
    }
}

/// Keeps a final answer (see [`is_final`]) for replays of its key; any
/// other answer frees the key for a retry.
pub async fn finish(guard: InFlight, status: StatusCode, content_type: Option<&str>, body: &[u8]) {
    if is_final(status) {
        let stored = StoredAnswer {
            status: status.as_u16(),
            content_type: content_type.map(str::to_owned),
            body: body.to_vec(),
        };
        if let Err(e) = guard.complete(&stored).await {
            tracing::error!(error = %e, "could not store the answer for its Idempotency-Key");
        }
    }
}
