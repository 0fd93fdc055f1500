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

fn parcel(events: &str, expected: Option<&str>) -> ParcelTrackingResponse {
    let details = expected.map(|d| format!(r#","details":{{"expected_delivery_date":"{d}"}}"#)).unwrap_or_default();
    serde_json::from_str(&format!(r#"{{"events":[{events}],"tracking_numbers":[]{details}}}"#)).unwrap()
}

fn offered(list: &[ClaimOffer]) -> Vec<&'static str> {
    list.iter().filter(|o| o.offered).map(|o| o.claim_type.as_str()).collect()
}

fn why(list: &[ClaimOffer], claim: crate::claim::ClaimType) -> (Option<NotOffered>, Option<String>) {
    let o = list.iter().find(|o| o.claim_type == claim).unwrap();
    (o.reason.clone(), o.from.clone())
}

#[test]
fn tracking_decides_which_claims_are_offered() {
    use crate::claim::{ClaimType, ParcelKind};
    let eligible = LostClaimEligibility { eligible: true, reason: None, eligible_from: None };
    let too_recent = LostClaimEligibility {
        eligible: false,
        reason: Some(LostClaimReason::TooRecent),
        eligible_from: Some("2026-03-09T00:00:00Z".into()),
    };
    let delivered_lost =
        LostClaimEligibility { eligible: false, reason: Some(LostClaimReason::Delivered), eligible_from: None };
    let transit = r#"{"event_at":"2026-03-01T10:00:00Z","status_code":"in_transit"}"#;
    let delivered = r#"{"event_at":"2026-03-02T10:00:00Z","status_code":"delivered"}"#;
    let returning =
        r#"{"event_at":"2026-03-02T10:00:00Z","status_code":"in_transit","sub_status_code":"returned_to_sender"}"#;
    let own = Some(ParcelKind::OwnContract);

    // Overdue in transit: lost, address change; not yet late (no date).
    let list = offers::offers(&parcel(transit, None), own, &eligible, "2026-03-10");
    assert_eq!(offered(&list), ["lost", "damage", "address-change", "other"]);
    assert_eq!(why(&list, ClaimType::LateDelivery), (Some(NotOffered::NotLate), None));
    assert_eq!(why(&list, ClaimType::DeliveredNotReceived), (Some(NotOffered::NotDelivered), None));
    assert_eq!(why(&list, ClaimType::UnjustReturn), (Some(NotOffered::NotReturned), None));

    // Past its expected date, too early for lost: late delivery, own contract only.
    let late = parcel(transit, Some("2026-03-03"));
    let list = offers::offers(&late, own, &too_recent, "2026-03-04");
    assert_eq!(offered(&list), ["damage", "late-delivery", "address-change", "other"]);
    assert_eq!(why(&list, ClaimType::Lost), (Some(NotOffered::TooRecent), Some("2026-03-09T00:00:00Z".into())));
    let list = offers::offers(&late, Some(ParcelKind::SendcloudRates), &too_recent, "2026-03-04");
    assert_eq!(why(&list, ClaimType::LateDelivery), (Some(NotOffered::OwnContractOnly), None));
    let list = offers::offers(&late, own, &too_recent, "2026-03-03");
    assert_eq!(
        why(&list, ClaimType::LateDelivery),
        (Some(NotOffered::NotLate), Some("2026-03-03".into())),
        "due today is not late"
    );
    assert!(offers::offers(&late, None, &too_recent, "2026-03-04")[3].offered, "an unknown kind is not refused");

    // Delivered: delivered-but-not-received, never lost, late or an address change.
    let list = offers::offers(
        &parcel(&format!("{transit},{delivered}"), Some("2026-03-01")),
        own,
        &delivered_lost,
        "2026-03-10",
    );
    assert_eq!(offered(&list), ["damage", "delivered-but-not-received", "other"]);
    assert_eq!(why(&list, ClaimType::Lost).0, Some(NotOffered::Delivered));
    assert_eq!(why(&list, ClaimType::AddressChange).0, Some(NotOffered::Delivered));

    // Going back to the shop: unjust return; no address change.
    let list = offers::offers(&parcel(&format!("{transit},{returning}"), None), own, &too_recent, "2026-03-04");
    assert_eq!(offered(&list), ["damage", "unjust-return", "other"]);
    assert_eq!(why(&list, ClaimType::AddressChange).0, Some(NotOffered::Returning));
    let upper = parcel(r#"{"sub_status_code":"RETURN_TO_SENDER"}"#, None);
    assert!(upper.is_returning());
    assert!(!parcel(r#"{"sub_status_code":"ret"}"#, None).is_returning());
}
