//! The Parcel Tracking API v3 (`GET /parcels/tracking/{tracking_number}`,
//! `POST /parcels/tracking`), following `specs/sendcloud-parcel-tracking.openapi.yaml`:
//! 404 `{"detail": "Parcel does not exist"}`, 422 `HTTPValidationError`,
//! 409 for a tracking number that exists, 200 on registration. The demo
//! parcels' histories are `crate::demo::demo_tracking`.

use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use parcel_desk_wire::time::rfc3339_utc;
use parcel_desk_wire::tracking::RegisterParcelRequest;
use parcel_desk_wire::ParcelKind;
use serde_json::{json, Value};

use super::auth::authorized;
use super::{ParcelInfo, SandboxState};
use crate::error::{json, SandboxError};

/// 422 with FastAPI's `{"detail": [ … ]}`.
fn validation(items: Vec<Value>) -> SandboxError {
    SandboxError::Detail { status: StatusCode::UNPROCESSABLE_ENTITY, detail: Value::Array(items) }
}

/// `GET /parcels/tracking/{tracking_number}`.
pub(super) async fn get_tracking(
    State(state): State<Arc<SandboxState>>,
    Path(tracking_number): Path<String>,
    headers: HeaderMap,
) -> Result<Response, SandboxError> {
    authorized(&state, &headers)?;
    if tracking_number.chars().count() > 255 {
        return Err(validation(vec![
            json!({"loc": ["path", "tracking_number"], "msg": "String should have at most 255 characters", "type": "string_too_long"}),
        ]));
    }
    match state.lock().tracking.get(&tracking_number) {
        Some(v) => Ok(json(StatusCode::OK, v)),
        None => Err(SandboxError::Detail { status: StatusCode::NOT_FOUND, detail: json!("Parcel does not exist") }),
    }
}

/// `POST /parcels/tracking`: registers an external parcel (200 with the
/// spec's create response); it can then be tracked and claimed (own
/// contract, with a carrier support contact).
pub(super) async fn register(
    State(state): State<Arc<SandboxState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SandboxError> {
    authorized(&state, &headers)?;
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return Err(validation(vec![json!({"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"})]));
    };
    let req: RegisterParcelRequest = serde_json::from_value(value.clone()).map_err(|e| {
        let text = e.to_string();
        validation(vec![
            json!({"loc": ["body"], "msg": text.split(" at line ").next().unwrap_or(&text), "type": "model_attributes_type"}),
        ])
    })?;
    let issues = req.validate();
    if !issues.is_empty() {
        return Err(validation(
            issues
                .into_iter()
                .map(|i| {
                    let mut loc = vec![json!("body")];
                    loc.extend(i.loc.iter().map(|l| l.parse::<u64>().map(|n| json!(n)).unwrap_or_else(|_| json!(l))));
                    json!({"loc": loc, "msg": i.msg, "type": i.kind})
                })
                .collect(),
        ));
    }
    let tn_info = req.tracking_number.clone().unwrap_or_default();
    let tn = tn_info.tracking_number.clone().unwrap_or_default().trim().to_owned();
    let carrier = tn_info.carrier_code.clone().unwrap_or_default();
    let mut inner = state.lock();
    if inner.tracking.contains_key(&tn) {
        let detail = json!("Parcel or tracking number already exists");
        return Err(SandboxError::Detail { status: StatusCode::CONFLICT, detail });
    }
    let n = inner.registered.len() as i64 + 1;
    let now = rfc3339_utc(SystemTime::now());
    let announced = req.announced_at.clone().unwrap_or_else(|| now.clone());
    let mut details = json!({"is_mail_box": false, "is_return": false, "is_to_service_point": false});
    if let Some(Value::Object(d)) = &req.details {
        for (k, v) in d {
            details[k] = v.clone();
        }
    }
    let mut tracking_number = serde_json::to_value(&tn_info).unwrap_or(Value::Null);
    if tracking_number.get("tracking_url").is_none() {
        tracking_number["tracking_url"] = json!(format!("https://tracking.example/{carrier}/{tn}"));
    }
    let response = json!({
        "announced_at": announced,
        "created_at": now,
        "details": details,
        "from_address": req.from_address,
        "parcel_items": req.parcel_items.clone().unwrap_or_default(),
        "ship_with": req.ship_with,
        "source_id": req.source_id,
        "to_address": req.to_address,
        "tracking_numbers": [tracking_number],
    });
    let mut tracked = response.clone();
    tracked["updated_at"] = json!(now);
    tracked["events"] = json!([{
        "event_at": announced,
        "event_type": "internal",
        "status_code": "announced",
        "status_description": "The parcel was registered for tracking.",
        "status_type": "success",
        "sub_status_code": "none"
    }]);
    inner.tracking.insert(tn.clone(), tracked);
    let order_number = value
        .pointer("/shipment/order/order_number")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| format!("EXT-{n}"));
    inner.registered.insert(
        tn.clone(),
        ParcelInfo {
            kind: ParcelKind::OwnContract,
            carrier,
            parcel_id: 95_000 + n,
            order_number,
            delivered: false,
            carrier_support_contact: true,
            portal_claim: false,
        },
    );
    tracing::info!("sandbox: external parcel registered for tracking");
    Ok(json(StatusCode::OK, &response))
}
