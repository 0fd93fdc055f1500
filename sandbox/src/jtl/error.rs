//! The JTL-SCX simulator's error answers: JTL's `errorList`, German
//! unless the caller asks for English (`Accept-Language: en`).

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::jtl::{ErrorList, JtlError};

use crate::error::json;

/// Whether the caller asked for English.
pub(super) fn english(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("en"))
}

/// What a JTL-SCX handler answers instead of its success: an `errorList`.
#[derive(Debug)]
pub(crate) struct ChannelError {
    status: StatusCode,
    errors: Vec<JtlError>,
    /// Seconds for a `Retry-After` header.
    retry_after: Option<u64>,
}

impl ChannelError {
    /// One error, its message in German or English.
    pub(super) fn one(status: StatusCode, code: &str, en: bool, de_msg: String, en_msg: String, hint: &str) -> Self {
        let error = JtlError {
            code: code.into(),
            message: if en { en_msg } else { de_msg },
            severity: "error".into(),
            hint: hint.into(),
        };
        ChannelError::list(status, vec![error])
    }

    /// Several errors at once.
    pub(super) fn list(status: StatusCode, errors: Vec<JtlError>) -> Self {
        ChannelError { status, errors, retry_after: None }
    }

    /// The same error with a `Retry-After` of `secs`.
    pub(super) fn retry_after(self, secs: u64) -> Self {
        ChannelError { retry_after: Some(secs), ..self }
    }
}

impl IntoResponse for ChannelError {
    fn into_response(self) -> Response {
        let mut res = json(self.status, &ErrorList { error_list: self.errors });
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// Any path or method it does not simulate.
pub(super) async fn not_found(headers: HeaderMap) -> ChannelError {
    ChannelError::one(
        StatusCode::NOT_FOUND,
        "NF404",
        english(&headers),
        "Ressource nicht gefunden".into(),
        "Resource not found".into(),
        "",
    )
}
