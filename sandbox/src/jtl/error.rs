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

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt as _;

    #[test]
    fn answers_an_error_list_in_either_language() {
        let de = ChannelError::one(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE429",
            false,
            "Zu viele".into(),
            "Too many".into(),
            "",
        )
        .retry_after(7)
        .into_response();
        assert_eq!(de.status(), 429);
        assert_eq!(de.headers()[header::RETRY_AFTER], "7");
        assert_eq!(de.headers()[header::CONTENT_TYPE], "application/json");
        let body = axum::body::to_bytes(de.into_body(), usize::MAX).now_or_never().unwrap().unwrap();
        let value: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["errorList"][0]["code"], "RATE429");
        assert_eq!(value["errorList"][0]["message"], "Zu viele");
        let en =
            ChannelError::one(StatusCode::NOT_FOUND, "NF404", true, "Nicht".into(), "Not".into(), "").into_response();
        let body = axum::body::to_bytes(en.into_body(), usize::MAX).now_or_never().unwrap().unwrap();
        assert!(String::from_utf8_lossy(&body).contains(r#""message":"Not""#));
    }
}
