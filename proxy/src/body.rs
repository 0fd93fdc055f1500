//! The rules every JSON and upload route shares for request bodies: size
//! limits (declared and counted), the media type, and how a refused body is
//! still read for a while so that the client sees the answer instead of a
//! reset.

use std::time::Duration;

use axum::body::BodyDataStream;
use axum::extract::Request;
use axum::http::{header, HeaderMap, StatusCode};
use futures_util::StreamExt;

use crate::envelope::ProxyError;

/// How long a rejected request body is still read (and discarded) so the
/// client can see the error response instead of a connection reset.
const LINGER: Duration = Duration::from_secs(5);
const LINGER_MAX_BYTES: u64 = 64 * 1024 * 1024;

pub fn too_large(limit: u64) -> ProxyError {
    ProxyError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "content_too_large",
        format!("Request body is too large: at most {limit} bytes are accepted."),
    )
}

pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

pub fn media_type(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
}

/// Keeps reading (and discarding) a rejected body for a while, so the
/// client finishes sending and reads our error instead of a reset.
pub fn linger(stream: BodyDataStream) {
    tokio::spawn(async move {
        let mut stream = stream;
        let mut seen: u64 = 0;
        let _ = tokio::time::timeout(LINGER, async {
            while let Some(Ok(chunk)) = stream.next().await {
                seen += chunk.len() as u64;
                if seen > LINGER_MAX_BYTES {
                    break;
                }
            }
        })
        .await;
    });
}

/// Reads a whole (small) request body, at most `limit` bytes:
/// `Err` is the response to send (413, or 400 for a broken body).
pub async fn read_limited(req: Request, limit: u64) -> Result<Vec<u8>, crate::envelope::ProxyError> {
    if declared_length(req.headers()).is_some_and(|n| n > limit) {
        linger(req.into_body().into_data_stream());
        return Err(too_large(limit));
    }
    let mut stream = req.into_body().into_data_stream();
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else {
            return Err(ProxyError::new(StatusCode::BAD_REQUEST, "bad_request", "The request body could not be read."));
        };
        if (body.len() + chunk.len()) as u64 > limit {
            linger(stream);
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// A JSON request body: 415 unless it is `application/json`, then at most
/// `limit` bytes ([`read_limited`]).
pub async fn read_json(req: Request, limit: u64) -> Result<Vec<u8>, crate::envelope::ProxyError> {
    read_limited(require_json(req)?, limit).await
}

/// 415 unless the request's Content-Type is `application/json`.
pub fn require_json(req: Request) -> Result<Request, crate::envelope::ProxyError> {
    if media_type(req.headers()).as_deref() == Some("application/json") {
        return Ok(req);
    }
    linger(req.into_body().into_data_stream());
    Err(ProxyError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Content-Type must be application/json.",
    ))
}
