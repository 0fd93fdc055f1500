//! JTL-SCX answers and call failures in the Support API's error envelope.

use super::*;

/// The English messages of an `errorList` (JTL is asked for English).
pub(super) fn upstream_message(a: &Answer) -> String {
    let list: ErrorList = serde_json::from_slice(&a.body).unwrap_or_default();
    let msgs: Vec<String> = list
        .error_list
        .iter()
        .map(|e| if e.code.is_empty() { e.message.clone() } else { format!("{} ({})", e.message, e.code) })
        .collect();
    if msgs.is_empty() {
        format!("The seller's ticket service answered {}.", a.status.as_u16())
    } else {
        msgs.join("; ")
    }
}

/// Maps a non-2xx JTL answer to the envelope. Codes:
/// `jtl_validation` (400/409/413/415/422: the ticket was refused),
/// `jtl_rate_limited` (429, `Retry-After` relayed), `jtl_unavailable`
/// (401/403 after re-authentication, 404, 5xx, anything else: 502).
pub fn upstream_error(a: &Answer) -> Response {
    let list: ErrorList = serde_json::from_slice(&a.body).unwrap_or_default();
    let detail = upstream_message(a);
    let (status, code) = match a.status.as_u16() {
        400 | 409 | 413 | 415 | 422 => (StatusCode::BAD_REQUEST, "jtl_validation"),
        429 => (StatusCode::TOO_MANY_REQUESTS, "jtl_rate_limited"),
        401 | 403 => {
            tracing::warn!(
                status = a.status.as_u16(),
                "JTL-SCX refused the proxy's access token after re-authentication"
            );
            (StatusCode::BAD_GATEWAY, "jtl_unavailable")
        }
        _ => (StatusCode::BAD_GATEWAY, "jtl_unavailable"),
    };
    let errors = if list.error_list.is_empty() || code == "jtl_unavailable" {
        let detail = if code == "jtl_unavailable" {
            "The seller's ticket service is not available right now. Please try again later.".to_owned()
        } else {
            detail
        };
        vec![ApiError {
            code: code.into(),
            detail,
            title: parcel_desk_wire::error::status_title(status.as_u16()).into(),
            status: status.as_u16(),
        }]
    } else {
        list.error_list
            .iter()
            .map(|e| ApiError {
                code: code.into(),
                detail: if e.code.is_empty() { e.message.clone() } else { format!("{} ({})", e.message, e.code) },
                title: parcel_desk_wire::error::status_title(status.as_u16()).into(),
                status: status.as_u16(),
            })
            .collect()
    };
    let mut res = json_response(status, &ErrorEnvelope { errors });
    if status == StatusCode::TOO_MANY_REQUESTS {
        let ra = a.retry_after.clone().unwrap_or_else(|| axum::http::HeaderValue::from_static("60"));
        res.headers_mut().insert(header::RETRY_AFTER, ra);
    }
    res
}

pub(super) fn call_error_message(e: &CallError) -> String {
    match e {
        CallError::Busy(_) => "Too many requests to the seller's ticket service right now.".into(),
        CallError::Timeout => "The seller's ticket service did not answer in time.".into(),
        CallError::Unreachable | CallError::Auth(_) => "The seller's ticket service is not available right now.".into(),
        CallError::File => "The uploaded file is no longer available.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_mapping() {
        let a = Answer {
            status: StatusCode::BAD_REQUEST,
            body: br#"{"errorList":[{"code":"VAL100","message":"Required field sellerId not found","severity":"error","hint":"h"}]}"#
                .to_vec()
                .into(),
            retry_after: None,
        };
        assert_eq!(upstream_message(&a), "Required field sellerId not found (VAL100)");
        assert_eq!(upstream_error(&a).status(), StatusCode::BAD_REQUEST);
    }
}
