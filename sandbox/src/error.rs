//! The sandbox's own error answers, in the formats of the APIs it
//! simulates: Sendcloud's error envelope (Support API), FastAPI's
//! `{"detail": …}` (Parcel Tracking API), OAuth2's `{"error": …}`, and a
//! connection that breaks (a fault). The JTL-SCX simulator has its own
//! (`jtl::error`).

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::error::format_validation_detail;
use parcel_desk_wire::{ApiError, ErrorEnvelope, ValidationIssue};
use serde_json::Value;

/// A JSON response with the given status and body.
pub(crate) fn json(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut res = (status, bytes).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

/// What a Support or Tracking handler answers instead of its success.
#[derive(Debug)]
pub(crate) enum SandboxError {
    /// Sendcloud's envelope, `{"errors":[{"code","detail","title","status"}]}`.
    Envelope {
        status: StatusCode,
        envelope: ErrorEnvelope,
        /// Seconds for a `Retry-After` header.
        retry_after: Option<u64>,
        /// Adds the HTTP Basic challenge (`WWW-Authenticate`).
        challenge: bool,
    },
    /// The Tracking API's `{"detail": …}`.
    Detail { status: StatusCode, detail: Value },
    /// The OAuth2 token endpoint's `{"error": …}`.
    OAuth { status: StatusCode, error: &'static str },
    /// The status line goes out, then the body fails and the connection
    /// is dropped.
    Reset,
}

impl SandboxError {
    /// One error in the envelope; the title comes from the status.
    pub(crate) fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        SandboxError::envelope(status, code, detail, None, false)
    }

    fn envelope(
        status: StatusCode,
        code: &str,
        detail: impl Into<String>,
        retry_after: Option<u64>,
        challenge: bool,
    ) -> Self {
        let envelope = ErrorEnvelope::single(status.as_u16(), code, detail);
        SandboxError::Envelope { status, envelope, retry_after, challenge }
    }

    /// 400 `bad_request`.
    pub(crate) fn bad_request(detail: impl Into<String>) -> Self {
        SandboxError::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }

    /// 400 whose detail is upstream's Python-style
    /// `Validation Error. Errors: [...]`.
    pub(crate) fn validation(issues: &[ValidationIssue]) -> Self {
        SandboxError::bad_request(format_validation_detail(issues))
    }

    /// 406 `not_acceptable` "Invalid JSON".
    pub(crate) fn invalid_json() -> Self {
        SandboxError::new(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON")
    }

    /// 404 for a path or method it does not simulate.
    pub(crate) fn not_found() -> Self {
        SandboxError::new(StatusCode::NOT_FOUND, "not_found", "Not found: this endpoint does not exist.")
    }

    /// Upstream's exact answer for an unknown ticket: the spec's example
    /// really carries `code: bad_request`, `title: Bad Request` with
    /// `status: 404`.
    pub(crate) fn ticket_not_found() -> Self {
        SandboxError::Envelope {
            status: StatusCode::NOT_FOUND,
            envelope: ErrorEnvelope {
                errors: vec![ApiError {
                    code: "bad_request".into(),
                    detail: "Ticket not found".into(),
                    title: "Bad Request".into(),
                    status: 404,
                }],
            },
            retry_after: None,
            challenge: false,
        }
    }

    /// 429 `hit_rate_limit` with `Retry-After` (whole seconds, at least 1).
    pub(crate) fn rate_limited(detail: impl Into<String>, retry_after_secs: u64) -> Self {
        let secs = Some(retry_after_secs.max(1));
        SandboxError::envelope(StatusCode::TOO_MANY_REQUESTS, "hit_rate_limit", detail, secs, false)
    }

    /// 401 with the Basic challenge: no or wrong credentials.
    pub(crate) fn unauthorized() -> Self {
        let detail = "Authentication credentials were not provided or are invalid.";
        SandboxError::envelope(StatusCode::UNAUTHORIZED, "unauthorized", detail, None, true)
    }
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        match self {
            SandboxError::Envelope { status, envelope, retry_after, challenge } => {
                let mut res = json(status, &envelope);
                if let Some(secs) = retry_after {
                    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                if challenge {
                    res.headers_mut()
                        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"sandbox\""));
                }
                res
            }
            SandboxError::Detail { status, detail } => json(status, &serde_json::json!({ "detail": detail })),
            SandboxError::OAuth { status, error } => json(status, &serde_json::json!({ "error": error })),
            SandboxError::Reset => {
                let broken = futures_util::stream::once(async {
                    Err::<Bytes, std::io::Error>(std::io::Error::new(
                        std::io::ErrorKind::ConnectionReset,
                        "sandbox fault: connection reset",
                    ))
                });
                Response::new(Body::from_stream(broken))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt as _;

    fn answer(e: SandboxError) -> (u16, Vec<(String, String)>, String) {
        let res = e.into_response();
        let status = res.status().as_u16();
        let headers = res.headers().iter().map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned())).collect();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).now_or_never().unwrap().unwrap();
        (status, headers, String::from_utf8(body.to_vec()).unwrap())
    }

    #[test]
    fn answers_in_sendclouds_formats() {
        let (status, headers, body) = answer(SandboxError::unauthorized());
        assert_eq!(status, 401);
        assert_eq!(
            body,
            r#"{"errors":[{"code":"unauthorized","detail":"Authentication credentials were not provided or are invalid.","title":"Unauthorized","status":401}]}"#
        );
        assert!(headers.contains(&("content-type".into(), "application/json".into())));
        assert!(headers.contains(&("www-authenticate".into(), "Basic realm=\"sandbox\"".into())));
        let (status, headers, body) = answer(SandboxError::rate_limited("Rate limit exceeded: 15 per 1 minute", 0));
        assert_eq!(status, 429);
        assert!(headers.contains(&("retry-after".into(), "1".into())));
        assert!(body.contains(r#""code":"hit_rate_limit""#), "{body}");
        let (status, _, body) = answer(SandboxError::ticket_not_found());
        assert_eq!(status, 404);
        assert_eq!(
            body,
            r#"{"errors":[{"code":"bad_request","detail":"Ticket not found","title":"Bad Request","status":404}]}"#
        );
        let detail = serde_json::json!("Parcel does not exist");
        let (status, _, body) = answer(SandboxError::Detail { status: StatusCode::NOT_FOUND, detail });
        assert_eq!((status, body.as_str()), (404, r#"{"detail":"Parcel does not exist"}"#));
        let (status, _, body) = answer(SandboxError::OAuth { status: StatusCode::BAD_REQUEST, error: "invalid_scope" });
        assert_eq!((status, body.as_str()), (400, r#"{"error":"invalid_scope"}"#));
    }
}
