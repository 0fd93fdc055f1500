//! The tracking wire types against `specs/sendcloud-parcel-tracking.openapi.yaml`:
//! every example in the document deserializes into its type and serializes
//! back unchanged; our serialization validates against the spec's schemas.

use parcel_desk_wire::tracking::{
    DetailMessage, HttpValidationError, LostClaimEligibility, LostClaimReason, ParcelDeskInfo, ParcelDetails,
    ParcelTrackingResponse, RegisterParcelRequest, RegisterParcelResponse, StatusType, TrackingEvent,
    TrackingNumberInfo, TrackingStatus,
};
use serde_json::Value;

fn spec() -> Value {
    let path = format!("{}/../specs/sendcloud-parcel-tracking.openapi.yaml", env!("CARGO_MANIFEST_DIR"));
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str, v: &Value) -> T {
    let typed: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(&serde_json::to_value(&typed).unwrap(), v, "{name} does not round-trip");
    typed
}

fn validator(doc: &Value, component: &str) -> jsonschema::Validator {
    let schema = serde_json::json!({
        "$ref": format!("#/components/schemas/{component}"),
        "components": doc["components"].clone(),
    });
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn every_example_deserializes_and_round_trips() {
    let doc = spec();
    let schemas = &doc["components"]["schemas"];
    let mut seen = 0;
    for (name, schema) in schemas.as_object().unwrap() {
        let Some(ex) = schema.get("example") else { continue };
        match name.as_str() {
            "parcel-tracking-response" => {
                let t: ParcelTrackingResponse = round_trip(name, ex);
                assert_eq!(t.events[0].status_code, Some(TrackingStatus::Accepted));
                assert_eq!(t.events[0].status_type, Some(StatusType::Success));
                assert_eq!(t.to_address.as_ref().unwrap().postal_code.as_deref(), Some("78500"));
            }
            "parcel-tracking-create-request" => {
                let r: RegisterParcelRequest = round_trip(name, ex);
                assert_eq!(r.validate(), vec![], "the spec's own example is valid");
            }
            "parcel-tracking-create-response" => {
                round_trip::<RegisterParcelResponse>(name, ex);
            }
            "parcel-event-response" => {
                round_trip::<TrackingEvent>(name, ex);
            }
            "parcel-detail-response" => {
                round_trip::<ParcelDetails>(name, ex);
            }
            "tracking-number-response" => {
                round_trip::<TrackingNumberInfo>(name, ex);
            }
            // Scalars (units) and the ship-with examples are plain values.
            "weight-units" | "dimension-units" | "volume-units" => {}
            other => panic!("an example for {other} appeared in the spec: give it a test"),
        }
        seen += 1;
    }
    // ship-with's `examples` list: valid for the register request's check.
    for ex in schemas["ship-with"]["examples"].as_array().unwrap() {
        let mut body = serde_json::to_value(minimal_register()).unwrap();
        body["ship_with"] = ex.clone();
        let r: RegisterParcelRequest = serde_json::from_value(body).unwrap();
        assert_eq!(r.validate(), vec![], "{ex}");
        seen += 1;
    }
    // Path-level examples: 404 and 409 bodies.
    for (path, method, status) in
        [("/parcels/tracking/{tracking_number}", "get", "404"), ("/parcels/tracking", "post", "409")]
    {
        let ex = &doc["paths"][path][method]["responses"][status]["content"]["application/json"]["example"];
        let d: DetailMessage = round_trip(status, ex);
        assert!(!d.detail.is_empty());
        seen += 1;
    }
    assert_eq!(seen, 13, "the spec's examples changed: review this test");
    assert_eq!(
        serde_json::to_value(DetailMessage { detail: "Parcel does not exist".into() }).unwrap(),
        serde_json::json!({"detail": "Parcel does not exist"})
    );
}

fn minimal_register() -> RegisterParcelRequest {
    serde_json::from_value(serde_json::json!({
        "announced_at": "2026-03-01T10:00:00Z",
        "from_address": {"country_code": "NL", "postal_code": "5611 AA"},
        "to_address": {"country_code": "NL", "postal_code": "1011 AB"},
        "ship_with": {"type": "contract", "properties": {"contract_id": 517}},
        "shipment": {"source_id": "shipment-1"},
        "source_id": "parcel-1",
        "tracking_number": {"carrier_code": "postnl", "tracking_number": "3SEXT0001"}
    }))
    .unwrap()
}

#[test]
fn our_bodies_validate_against_the_schemas() {
    let doc = spec();
    let v = validator(&doc, "parcel-tracking-create-request");
    let body = serde_json::to_value(minimal_register()).unwrap();
    let errors: Vec<String> = v.iter_errors(&body).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Dropping any top-level required field fails both the schema and validate().
    for field in doc["components"]["schemas"]["parcel-tracking-create-request"]["required"].as_array().unwrap() {
        let field = field.as_str().unwrap();
        let mut b = body.clone();
        b.as_object_mut().unwrap().remove(field);
        assert!(!v.is_valid(&b), "schema accepts a body without {field}");
        let r: RegisterParcelRequest = serde_json::from_value(b).unwrap();
        assert!(r.validate().iter().any(|i| i.loc == [field]), "validate() accepts a body without {field}");
    }
    // The 422 shape.
    let e: HttpValidationError = serde_json::from_value(serde_json::json!({
        "detail": [{"loc": ["path", "tracking_number", 0], "msg": "String should have at least 1 character", "type": "string_too_short"}]
    }))
    .unwrap();
    assert_eq!(e.detail[0].kind, "string_too_short");
    assert!(validator(&doc, "HTTPValidationError").is_valid(&serde_json::to_value(&e).unwrap()));
}

#[test]
fn the_proxy_addition_serializes_nulls() {
    let info = ParcelDeskInfo {
        lost_claim: LostClaimEligibility {
            eligible: true,
            reason: None,
            eligible_from: Some("2026-03-01T00:00:00+00:00".into()),
        },
        offers: Vec::new(),
    };
    assert_eq!(
        serde_json::to_value(&info).unwrap(),
        serde_json::json!({"lost_claim": {"eligible": true, "reason": null, "eligible_from": "2026-03-01T00:00:00+00:00"}, "offers": []})
    );
    let d = LostClaimEligibility { eligible: false, reason: Some(LostClaimReason::Delivered), eligible_from: None };
    assert_eq!(serde_json::to_value(&d).unwrap()["reason"], "delivered");
}
