//! `GET /parcels/tracking/{tracking_number}` (personal data removed unless
//! the recipient's postal code is proven; claim eligibility added) and the
//! staff-only `POST /parcels/tracking`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::tracking::{
    LostClaimEligibility, LostClaimReason, ParcelDeskInfo, ParcelTrackingResponse, RegisterParcelRequest,
    PERSONAL_ADDRESS_FIELDS,
};
use serde_json::{Map, Value};

use super::tickets::query_pairs;
use super::{bad_query, call, forward, read_limited, require_json, upstream_failure, ProxyState, Upstream};
use crate::envelope::{self, json_response, validation_error};
use parcel_desk_wire::time::{parse_rfc3339, rfc3339_utc};

/// Keys removed wherever they appear in a tracking answer.
pub const PERSONAL_KEYS_ANYWHERE: &[&str] =
    &["email", "phone_number", "phone", "emergency_contact_name", "emergency_contact_phone"];

/// Postal codes compare upper-cased without spaces.
pub fn normalize_postal_code(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect()
}

fn is_address(key: &str, obj: &Map<String, Value>) -> bool {
    key.ends_with("address") || obj.contains_key("postal_code") || obj.contains_key("country_code")
}

/// Removes personal data from a tracking answer, in place: in every address
/// object (`from_address`, `to_address`, any `*address` key, any object with
/// a postal or country code) everything but `country_code` and `city`
/// that identifies a person ([`PERSONAL_ADDRESS_FIELDS`]), and
/// [`PERSONAL_KEYS_ANYWHERE`] at any depth.
pub fn strip_personal_data(v: &mut Value) {
    fn walk(key: &str, v: &mut Value) {
        match v {
            Value::Object(obj) => {
                if is_address(key, obj) {
                    for f in PERSONAL_ADDRESS_FIELDS {
                        obj.remove(*f);
                    }
                }
                for f in PERSONAL_KEYS_ANYWHERE {
                    obj.remove(*f);
                }
                for (k, child) in obj.iter_mut() {
                    walk(k, child);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(key, i)),
            _ => {}
        }
    }
    walk("", v);
}

/// Lost-claim eligibility from the events: delivered parcels never;
/// others once the newest event (else `announced_at` / `created_at`) is
/// `lost_after` old.
pub fn lost_claim(t: &ParcelTrackingResponse, lost_after: Duration, now: SystemTime) -> LostClaimEligibility {
    if t.is_delivered() {
        return LostClaimEligibility { eligible: false, reason: Some(LostClaimReason::Delivered), eligible_from: None };
    }
    let last = t
        .events
        .iter()
        .filter_map(|e| e.event_at.as_deref().and_then(parse_rfc3339))
        .max()
        .or_else(|| t.announced_at.as_deref().and_then(parse_rfc3339))
        .or_else(|| t.created_at.as_deref().and_then(parse_rfc3339));
    let Some(last) = last else {
        return LostClaimEligibility { eligible: true, reason: None, eligible_from: None };
    };
    let from = last.saturating_add(lost_after.as_secs() as i64);
    let now = now.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let eligible = now >= from;
    LostClaimEligibility {
        eligible,
        reason: (!eligible).then_some(LostClaimReason::TooRecent),
        eligible_from: Some(rfc3339_utc(UNIX_EPOCH + Duration::from_secs(from.max(0) as u64))),
    }
}

pub(super) async fn get_tracking(st: &ProxyState, req: Request, number: &str) -> Response {
    let mut postal = None;
    for (k, v) in query_pairs(req.uri().query()) {
        match k.as_str() {
            "postal_code" if postal.is_none() => postal = Some(v),
            _ => return bad_query().into_response(),
        }
    }
    let up = Upstream {
        method: Method::GET,
        segments: &["parcels", "tracking", number],
        query: None,
        content_type: None,
        content_length: None,
        body: None,
    };
    let answer = match call(&st.sendcloud, &st.sendcloud.tracking_base, up).await {
        Ok(a) => a,
        Err(e) => return upstream_failure(&st.sendcloud, &e).into_response(),
    };
    if answer.status != StatusCode::OK {
        return answer.into_response();
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(&answer.body) else {
        return envelope::error(
            StatusCode::BAD_GATEWAY,
            "upstream_unavailable",
            "The tracking API answered something unexpected.",
        );
    };
    if !v.is_object() {
        return envelope::error(
            StatusCode::BAD_GATEWAY,
            "upstream_unavailable",
            "The tracking API answered something unexpected.",
        );
    }
    let typed: Option<ParcelTrackingResponse> = serde_json::from_value(v.clone()).ok();
    let recipient_postal = v.pointer("/to_address/postal_code").and_then(Value::as_str).map(normalize_postal_code);
    let proven = matches!((&postal, &recipient_postal), (Some(given), Some(actual))
        if !actual.is_empty() && normalize_postal_code(given) == *actual);
    if !proven {
        strip_personal_data(&mut v);
    }
    let eligibility = match &typed {
        Some(t) => lost_claim(t, st.tickets.lost_after, SystemTime::now()),
        None => LostClaimEligibility { eligible: false, reason: None, eligible_from: None },
    };
    let offers = match &typed {
        Some(t) => {
            let today = rfc3339_utc(SystemTime::now());
            parcel_desk_wire::tracking::offers::offers(t, st.tickets.shop.kind, &eligibility, &today[..10])
        }
        None => Vec::new(),
    };
    if let Value::Object(obj) = &mut v {
        obj.insert(
            "parcel_desk".into(),
            serde_json::to_value(ParcelDeskInfo { lost_claim: eligibility, offers }).unwrap_or(Value::Null),
        );
    }
    json_response(StatusCode::OK, &v)
}

/// `POST /parcels/tracking`: only with `Authorization: Bearer <staff token>`
/// (`staff.token` or one of `staff.tokens`); no header: 404, a wrong
/// token: 401.
pub(super) async fn register_parcel(st: &ProxyState, req: Request) -> Response {
    if st.staff.is_empty() || !super::staff::has_authorization(&req) {
        return envelope::not_found();
    }
    if super::staff::staff_actor(st, &req).is_none() {
        let mut res = envelope::error(StatusCode::UNAUTHORIZED, "unauthorized", "Staff authentication failed.");
        res.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return res;
    }
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return bad_query().into_response();
    }
    let req = match require_json(req) {
        Ok(r) => r,
        Err(res) => return res.into_response(),
    };
    let body = match read_limited(req, st.gate.json_limit).await {
        Ok(b) => b,
        Err(res) => return res.into_response(),
    };
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return envelope::error(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON");
    };
    let parsed: Result<RegisterParcelRequest, _> = serde_json::from_value(value);
    let request = match parsed {
        Ok(r) => r,
        Err(e) => {
            let text = e.to_string();
            let msg = text.split(" at line ").next().unwrap_or(&text).to_owned();
            return validation_error(&[parcel_desk_wire::ValidationIssue {
                kind: "invalid_type".into(),
                loc: vec!["body".into()],
                msg,
            }]);
        }
    };
    let issues = request.validate();
    if !issues.is_empty() {
        return validation_error(&issues);
    }
    let json = serde_json::to_vec(&request).unwrap_or_default();
    let up = Upstream {
        method: Method::POST,
        segments: &["parcels", "tracking"],
        query: None,
        content_type: Some(HeaderValue::from_static("application/json")),
        content_length: Some(json.len() as u64),
        body: Some(reqwest::Body::from(json)),
    };
    let _ = forward;
    match call(&st.sendcloud, &st.sendcloud.tracking_base, up).await {
        Ok(a) => a.into_response(),
        Err(e) => upstream_failure(&st.sendcloud, &e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_addresses_everywhere() {
        let mut v = serde_json::json!({
            "to_address": {"name": "Jan", "city": "Amsterdam", "country_code": "NL", "postal_code": "1011 AB", "email": "j@x", "house_number": "1"},
            "from_address": {"company_name": "Shop", "address_line_1": "Street", "phone_number": "+31", "country_code": "NL", "postal_code": "5611"},
            "parcel_items": [{"dangerous_goods": {"emergency_contact_name": "A", "emergency_contact_phone": "1"}, "description": "shirt"}],
            "events": [{"status_code": "accepted"}]
        });
        strip_personal_data(&mut v);
        assert_eq!(v["to_address"], serde_json::json!({"city": "Amsterdam", "country_code": "NL"}));
        assert_eq!(v["from_address"], serde_json::json!({"country_code": "NL"}));
        assert_eq!(v["parcel_items"][0], serde_json::json!({"dangerous_goods": {}, "description": "shirt"}));
        assert_eq!(normalize_postal_code(" 1011 ab"), "1011AB");
    }
}
