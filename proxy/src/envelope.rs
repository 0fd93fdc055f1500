//! Error responses in the Support API envelope
//! (`{"errors":[{"code","detail","title","status"}]}`).
//!
//! Every error the proxy or the sandbox produces itself goes through here, so
//! the widget has exactly one error format to parse.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::error::format_validation_detail;
use parcel_desk_wire::{ApiError, ClaimField, ErrorEnvelope, FieldProblem, ValidationIssue};

/// A JSON response with the given status and body.
pub fn json_response(status: StatusCode, body: &impl serde::Serialize) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut res = (status, bytes).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

/// One error in the envelope; the title comes from the status
/// ([`ErrorEnvelope::single`]).
pub fn error(status: StatusCode, code: &str, detail: impl Into<String>) -> Response {
    json_response(status, &ErrorEnvelope::single(status.as_u16(), code, detail))
}

/// The proxy's generic 404 for anything outside the allowlist. The detail
/// never echoes the requested path.
pub fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "Not found: this endpoint does not exist.")
}

/// Upstream's exact answer for an unknown ticket: the spec's example really
/// carries `code: bad_request`, `title: Bad Request` with `status: 404`.
pub fn ticket_not_found() -> Response {
    let env = ErrorEnvelope {
        errors: vec![ApiError {
            code: "bad_request".into(),
            detail: "Ticket not found".into(),
            title: "Bad Request".into(),
            status: 404,
        }],
    };
    json_response(StatusCode::NOT_FOUND, &env)
}

/// 429 `hit_rate_limit` with a `Retry-After` header (whole seconds, ≥ 1).
pub fn rate_limited(detail: impl Into<String>, retry_after_secs: u64) -> Response {
    let mut res = error(StatusCode::TOO_MANY_REQUESTS, "hit_rate_limit", detail);
    res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs.max(1)));
    res
}

/// 400 `bad_request` whose detail is upstream's Python-style
/// `Validation Error. Errors: [...]`.
pub fn validation_error(issues: &[ValidationIssue]) -> Response {
    error(StatusCode::BAD_REQUEST, "bad_request", format_validation_detail(issues))
}

/// Converts the wire crate's field problems into validation issues.
pub fn issues_from_problems(problems: &[(ClaimField, FieldProblem)]) -> Vec<ValidationIssue> {
    problems
        .iter()
        .map(|(field, problem)| ValidationIssue {
            kind: problem.python_type().to_owned(),
            loc: vec![field.wire_name().to_owned()],
            msg: problem.message_en().to_owned(),
        })
        .collect()
}
