use super::*;

#[test]
fn unknown_values_are_kept() {
    let json = r#"{"events":[{"event_at":"2026-01-01T00:00:00Z","status_code":"teleported","status_type":"fatal","event_type":"drone","x":1}],"tracking_numbers":[],"mystery":true}"#;
    let t: ParcelTrackingResponse = serde_json::from_str(json).unwrap();
    assert_eq!(t.events[0].status_code, Some(TrackingStatus::Unlisted("teleported".into())));
    assert_eq!(t.events[0].status_type.as_ref().unwrap().as_str(), "fatal");
    let back = serde_json::to_value(&t).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(json).unwrap());
    assert_eq!(TrackingStatus::ALL.len(), 18);
}

#[test]
fn register_validation_names_every_missing_field() {
    let issues = RegisterParcelRequest::default().validate();
    let locs: Vec<String> = issues.iter().map(|i| i.loc.join(".")).collect();
    assert_eq!(
        locs,
        ["announced_at", "from_address", "to_address", "ship_with", "shipment", "source_id", "tracking_number"]
    );
    let partial: RegisterParcelRequest = serde_json::from_str(
        r#"{"announced_at":"2026-01-01T00:00:00Z","from_address":{"country_code":"NL"},"to_address":{"country_code":"NL","postal_code":"1011 AB"},
            "ship_with":{"type":"contract","properties":{}},"shipment":{"source_id":"s"},"source_id":"x",
            "tracking_number":{"tracking_number":"T"},"parcel_items":[{"quantity":1}]}"#,
    )
    .unwrap();
    let locs: Vec<String> = partial.validate().iter().map(|i| i.loc.join(".")).collect();
    assert_eq!(
        locs,
        [
            "from_address.postal_code",
            "ship_with.properties.contract_id",
            "tracking_number.carrier_code",
            "parcel_items.0.hs_code",
            "parcel_items.0.weight",
            "parcel_items.0.description",
            "parcel_items.0.price"
        ]
    );
}
