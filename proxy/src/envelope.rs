//! Error responses in the Support API envelope
//! (`{"errors":[{"code","detail","title","status"}]}`).
//!
//! Every error the proxy produces itself goes through here, so the widget
//! has exactly one error format to parse. (The sandbox, which simulates
//! upstream, writes the same envelope with its own `SandboxError`.)

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::error::format_validation_detail;
use parcel_desk_wire::{ApiError, ErrorEnvelope, ValidationIssue};

/// A JSON response with the given status and body.
pub fn json_response(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut res = (status, bytes).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

/// The one error type of the proxy: what a handler answers instead of its
/// success. Every error the proxy produces itself is [`ProxyError::Envelope`];
/// an answer that must go out as it is (upstream's own error relayed, a
/// stored answer replayed for its `Idempotency-Key`) is
/// [`ProxyError::Answer`].
#[derive(Debug)]
pub enum ProxyError {
    /// An error of the proxy's own, in the Support API envelope.
    Envelope {
        status: StatusCode,
        envelope: ErrorEnvelope,
        /// Seconds for a `Retry-After` header (429, 409, 503).
        retry_after: Option<u64>,
    },
    /// An answer given as it is.
    Answer(Box<Response>),
}

impl ProxyError {
    /// One error in the envelope; the title comes from the status
    /// ([`ErrorEnvelope::single`]).
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        ProxyError::Envelope {
            status,
            envelope: ErrorEnvelope::single(status.as_u16(), code, detail),
            retry_after: None,
        }
    }

    /// 406 `not_acceptable`: a body that is not JSON (upstream's words).
    pub fn invalid_json() -> Self {
        ProxyError::new(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON")
    }

    /// 503 `store_unavailable` for a creation the store could not record
    /// (nothing was accepted; retry after 5 s).
    pub fn store_unavailable() -> Self {
        ProxyError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "The proxy cannot record the claim right now. Nothing was filed; please try again later.",
        )
        .retry_after(5)
    }

    /// 400 `bad_request`.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ProxyError::new(StatusCode::BAD_REQUEST, "bad_request", detail)
    }

    /// The proxy's generic 404 for anything outside the allowlist. The
    /// detail never echoes the requested path.
    pub fn not_found() -> Self {
        ProxyError::new(StatusCode::NOT_FOUND, "not_found", "Not found: this endpoint does not exist.")
    }

    /// Upstream's exact answer for an unknown ticket: the spec's example
    /// really carries `code: bad_request`, `title: Bad Request` with
    /// `status: 404`.
    pub fn ticket_not_found() -> Self {
        ProxyError::Envelope {
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
        }
    }

    /// 429 `hit_rate_limit` with a `Retry-After` header (whole seconds, ≥ 1).
    pub fn rate_limited(detail: impl Into<String>, retry_after_secs: u64) -> Self {
        ProxyError::new(StatusCode::TOO_MANY_REQUESTS, "hit_rate_limit", detail).retry_after(retry_after_secs)
    }

    /// 400 `bad_request` whose detail is upstream's Python-style
    /// `Validation Error. Errors: [...]`.
    pub fn validation(issues: &[ValidationIssue]) -> Self {
        ProxyError::bad_request(format_validation_detail(issues))
    }

    /// The HTTP status it answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            ProxyError::Envelope { status, .. } => *status,
            ProxyError::Answer(res) => res.status(),
        }
    }

    /// The same error with a `Retry-After` of `secs` (at least 1).
    pub fn retry_after(self, secs: u64) -> Self {
        match self {
            ProxyError::Envelope { status, envelope, .. } => {
                ProxyError::Envelope { status, envelope, retry_after: Some(secs.max(1)) }
            }
            answer => answer,
        }
    }
}

impl IntoResponse for ProxyError {
    fn into_response(self) -> Response {
        match self {
            ProxyError::Envelope { status, envelope, retry_after } => {
                let mut res = json_response(status, &envelope);
                if let Some(secs) = retry_after {
                    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                res
            }
            ProxyError::Answer(res) => *res,
        }
    }
}

impl std::fmt::Display for ProxyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProxyError::Envelope { status, envelope, .. } => {
                write!(f, "{} {}", status.as_u16(), envelope.first_detail())
            }
            ProxyError::Answer(res) => write!(f, "{} (answer given as it is)", res.status().as_u16()),
        }
    }
}

impl std::error::Error for ProxyError {}

impl From<Response> for ProxyError {
    fn from(res: Response) -> Self {
        ProxyError::Answer(Box::new(res))
    }
}

/// [`ProxyError::new`] as a response.
pub fn error(status: StatusCode, code: &str, detail: impl Into<String>) -> Response {
    ProxyError::new(status, code, detail).into_response()
}

/// [`ProxyError::not_found`] as a response.
pub fn not_found() -> Response {
    ProxyError::not_found().into_response()
}

/// [`ProxyError::ticket_not_found`] as a response.
pub fn ticket_not_found() -> Response {
    ProxyError::ticket_not_found().into_response()
}

/// [`ProxyError::rate_limited`] as a response.
pub fn rate_limited(detail: impl Into<String>, retry_after_secs: u64) -> Response {
    ProxyError::rate_limited(detail, retry_after_secs).into_response()
}

/// [`ProxyError::validation`] as a response.
pub fn validation_error(issues: &[ValidationIssue]) -> Response {
    ProxyError::validation(issues).into_response()
}
