//! Sendcloud Parcel Tracking API v3: `GET /parcels/tracking/{tracking_number}`
//! and `POST /parcels/tracking` (register an external parcel), plus the
//! `parcel_desk` object the parcel-desk proxy adds to tracking answers.
//!
//! Every object keeps properties this version does not model in `extra`
//! (with the crate feature `keep-unknown`, on by default), and every enum
//! keeps unknown values (`Unlisted`), so an upstream addition never makes a
//! parcel untrackable and answers round-trip unchanged. The widget turns
//! `keep-unknown` off: it only reads what it shows, and keeping unknown
//! properties needs serde's buffering machinery (`flatten`), about 6 KB
//! brotli of wasm.
//!
//! Addresses: the proxy removes personal data from tracking answers unless
//! the caller proves the recipient's postal code, so every address field
//! except `country_code` may be absent in what the widget receives.

use serde::{Deserialize, Serialize};
#[cfg(feature = "keep-unknown")]
use serde_json::Map;
use serde_json::Value;

use crate::error::ValidationIssue;

pub mod offers;
pub use offers::{ClaimOffer, NotOffered};

string_enum! {
    /// Sendcloud's normalized phase of a tracking event (`status_code`).
    TrackingStatus {
        Accepted = "accepted",
        Announced = "announced",
        Announcing = "announcing",
        Attempted = "attempted",
        Cancelled = "cancelled",
        Customs = "customs",
        Delivered = "delivered",
        DeliveryForced = "delivery_forced",
        Dropped = "dropped",
        InDelivery = "in_delivery",
        InTransit = "in_transit",
        Labelled = "labelled",
        NoStatus = "none",
        NoLabel = "no_label",
        Pup = "pup",
        ReadyToSend = "ready_to_send",
        Sorted = "sorted",
        Unknown = "unknown",
    }
}

string_enum! {
    /// `status_type` of an event.
    StatusType { Success = "success", Warning = "warning", Error = "error" }
}

string_enum! {
    /// `event_type`: where the event comes from.
    EventType { Calculated = "calculated", Carrier = "carrier", Claim = "claim", Internal = "internal" }
}

string_enum! {
    /// Why a lost claim is not possible (yet).
    LostClaimReason { Delivered = "delivered", TooRecent = "too_recent" }
}

/// `ParcelTrackingAddress`. Personal fields (`name`, `company_name`,
/// `address_line_1/2`, `house_number`, `po_box`, `email`, `phone_number`,
/// `postal_code`, `state_province_code`) are absent in stripped answers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TrackingAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line_1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line_2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub house_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub po_box: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_province_code: Option<String>,
}

/// The address fields that identify a person; the proxy removes them
/// unless the caller proves the recipient's postal code. Only
/// `country_code` and `city` stay.
pub const PERSONAL_ADDRESS_FIELDS: &[&str] = &[
    "name",
    "company_name",
    "address_line_1",
    "address_line_2",
    "house_number",
    "po_box",
    "email",
    "phone_number",
    "postal_code",
    "state_province_code",
];

/// `parcel-event-response`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TrackingEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<EventType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_code: Option<TrackingStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_type: Option<StatusType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_status_code: Option<String>,
    #[cfg(feature = "keep-unknown")]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `parcel-detail-response`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ParcelDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<i64>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_delivery_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_mail_box: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_return: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_to_service_point: Option<bool>,
    #[cfg(feature = "keep-unknown")]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `tracking-number-response` / `tracking-number-create-request`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TrackingNumberInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    #[cfg(feature = "keep-unknown")]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What the proxy adds to a tracking answer (`"parcel_desk": {...}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ParcelDeskInfo {
    pub lost_claim: LostClaimEligibility,
    /// Every claim type and whether this parcel's tracking allows it
    /// ([`offers::offers`]).
    #[serde(default)]
    pub offers: Vec<ClaimOffer>,
}

/// Whether a lost claim can be filed now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LostClaimEligibility {
    pub eligible: bool,
    /// `null` when eligible.
    pub reason: Option<LostClaimReason>,
    /// When a lost claim is (or was) possible: the last event plus
    /// `claims.lost_after_days`; `null` for delivered parcels.
    pub eligible_from: Option<String>,
}

/// 200 of `GET /parcels/tracking/{tracking_number}` (`parcel-tracking-response`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ParcelTrackingResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ParcelDetails>,
    #[serde(default)]
    pub events: Vec<TrackingEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_address: Option<TrackingAddress>,
    /// `ParcelItemWithSourceId` objects, kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel_items: Option<Vec<Value>>,
    /// `ship-with` (one of two shapes), kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_with: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_address: Option<TrackingAddress>,
    #[serde(default)]
    pub tracking_numbers: Vec<TrackingNumberInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Added by the parcel-desk proxy; absent in upstream's answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel_desk: Option<ParcelDeskInfo>,
    #[cfg(feature = "keep-unknown")]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ParcelTrackingResponse {
    /// The newest event (by `event_at`, RFC 3339 strings of one offset
    /// compare as text; ties and unparsable times keep list order).
    pub fn last_event(&self) -> Option<&TrackingEvent> {
        self.events.iter().max_by(|a, b| a.event_at.cmp(&b.event_at))
    }

    /// True when any event says the parcel was delivered.
    pub fn is_delivered(&self) -> bool {
        self.events
            .iter()
            .any(|e| matches!(e.status_code, Some(TrackingStatus::Delivered | TrackingStatus::DeliveryForced)))
    }
}

/// `parcel-tracking-create-request`: body of `POST /parcels/tracking`.
/// Everything is optional here so that [`RegisterParcelRequest::validate`]
/// can name every missing field at once.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RegisterParcelRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_address: Option<TrackingAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insurance: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel_items: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurements: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_price: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_with: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipment: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_address: Option<TrackingAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<TrackingNumberInfo>,
    #[cfg(feature = "keep-unknown")]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

fn missing(loc: &[&str]) -> ValidationIssue {
    ValidationIssue {
        kind: "missing".into(),
        loc: loc.iter().map(|s| (*s).to_owned()).collect(),
        msg: "Field required".into(),
    }
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

fn obj_str(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_str).is_some_and(|s| !s.trim().is_empty())
}

impl RegisterParcelRequest {
    /// Every required field of the spec that is absent or blank, as
    /// upstream-style validation issues (`loc` = path into the body), in
    /// the spec's order. Empty means valid.
    pub fn validate(&self) -> Vec<ValidationIssue> {
        let mut out = Vec::new();
        if blank(&self.announced_at) {
            out.push(missing(&["announced_at"]));
        }
        for (name, addr) in [("from_address", &self.from_address), ("to_address", &self.to_address)] {
            match addr {
                None => out.push(missing(&[name])),
                Some(a) => {
                    if blank(&a.country_code) {
                        out.push(missing(&[name, "country_code"]));
                    }
                    if blank(&a.postal_code) {
                        out.push(missing(&[name, "postal_code"]));
                    }
                }
            }
        }
        match &self.ship_with {
            None | Some(Value::Null) => out.push(missing(&["ship_with"])),
            Some(sw) => {
                let kind = sw.get("type").and_then(Value::as_str);
                if kind.is_none() {
                    out.push(missing(&["ship_with", "type"]));
                }
                match sw.get("properties") {
                    None | Some(Value::Null) => out.push(missing(&["ship_with", "properties"])),
                    Some(p) => {
                        if kind == Some("shipping_option_code") && !obj_str(p, "shipping_option_code") {
                            out.push(missing(&["ship_with", "properties", "shipping_option_code"]));
                        }
                        if p.get("contract_id").and_then(Value::as_i64).is_none() {
                            out.push(missing(&["ship_with", "properties", "contract_id"]));
                        }
                    }
                }
            }
        }
        match &self.shipment {
            None | Some(Value::Null) => out.push(missing(&["shipment"])),
            Some(s) => {
                if !obj_str(s, "source_id") {
                    out.push(missing(&["shipment", "source_id"]));
                }
                if let Some(order) = s.get("order").filter(|o| !o.is_null()) {
                    if !obj_str(order, "source_id") {
                        out.push(missing(&["shipment", "order", "source_id"]));
                    }
                }
            }
        }
        if blank(&self.source_id) {
            out.push(missing(&["source_id"]));
        }
        match &self.tracking_number {
            None => out.push(missing(&["tracking_number"])),
            Some(t) => {
                if blank(&t.carrier_code) {
                    out.push(missing(&["tracking_number", "carrier_code"]));
                }
                if blank(&t.tracking_number) {
                    out.push(missing(&["tracking_number", "tracking_number"]));
                }
            }
        }
        for (i, item) in self.parcel_items.iter().flatten().enumerate() {
            let idx = i.to_string();
            for field in ["quantity", "hs_code", "weight", "description", "price"] {
                if item.get(field).is_none_or(Value::is_null) {
                    out.push(missing(&["parcel_items", &idx, field]));
                }
            }
        }
        out
    }
}

/// `parcel-tracking-create-response`: what `POST /parcels/tracking` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RegisterParcelResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub announced_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<ParcelDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_address: Option<TrackingAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel_items: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_with: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_address: Option<TrackingAddress>,
    #[serde(default)]
    pub tracking_numbers: Vec<TrackingNumberInfo>,
    #[cfg(feature = "keep-unknown")]
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"detail": "..."}`: the tracking API's 404 (`Parcel does not exist`) and 409.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct DetailMessage {
    pub detail: String,
}

/// `HTTPValidationError`: the tracking API's 422.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct HttpValidationError {
    #[serde(default)]
    pub detail: Vec<HttpValidationItem>,
}

/// One entry of [`HttpValidationError`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct HttpValidationItem {
    /// Strings and integers (list indexes).
    pub loc: Vec<Value>,
    pub msg: String,
    #[serde(rename = "type")]
    pub kind: String,
}

#[cfg(test)]
mod tests;
