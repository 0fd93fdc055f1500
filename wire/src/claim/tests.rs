use super::*;

/// The widget lays out the file fields in this order (documents, then
/// photos).
#[test]
fn file_fields_in_spec_order() {
    use ClaimField::*;
    let files: Vec<_> = ClaimField::ALL.iter().copied().filter(|f| f.is_file()).collect();
    assert_eq!(
        files,
        [
            SalesInvoice,
            PurchaseInvoice,
            CustomerConfirmation,
            CarrierClaimForm,
            ExteriorPhoto,
            InteriorPhoto,
            DamagePhoto1,
            DamagePhoto2,
            PackagePhoto,
            EntireProductPhoto
        ]
    );
}

fn full() -> ClaimRequest {
    let f = |t: &str| Some(FileRef { file_token: t.into() });
    ClaimRequest {
        tracking_number: "PD-TRANSIT-0001".into(),
        carrier_contract_id: None,
        contents_sales_price: Some(Money { price: 10.55, currency: Currency::Eur }),
        contents_purchase_price: Some(Money { price: 8.0, currency: Currency::Eur }),
        contents_description: Some("3 shirts".into()),
        parcel_exterior_description: Some("Brown box".into()),
        parcel_dimensions: Some(Dimensions { length: 30.0, width: 20.0, height: 10.0 }),
        additional_remarks: Some("none".into()),
        sales_invoice: f("a"),
        purchase_invoice: f("b"),
        customer_confirmation: f("c"),
        carrier_claim_form: f("d"),
        ..Default::default()
    }
}

#[test]
fn own_contract_needs_only_tracking_number() {
    let body = ClaimRequest { tracking_number: "X".into(), ..Default::default() };
    assert!(validate(ClaimType::Lost, ParcelKind::OwnContract, &body).is_empty());
    assert!(validate(ClaimType::Damage, ParcelKind::OwnContract, &body).is_empty());
    let blank = ClaimRequest { tracking_number: "  ".into(), ..Default::default() };
    assert_eq!(
        validate(ClaimType::Lost, ParcelKind::OwnContract, &blank),
        vec![(ClaimField::TrackingNumber, FieldProblem::Missing)]
    );
}

#[test]
fn rates_lost_lists_every_missing_field_in_spec_order() {
    let body = ClaimRequest { tracking_number: "X".into(), ..Default::default() };
    let missing: Vec<_> = validate(ClaimType::Lost, ParcelKind::SendcloudRates, &body)
        .into_iter()
        .map(|(f, p)| {
            assert_eq!(p, FieldProblem::Missing);
            f.wire_name()
        })
        .collect();
    assert_eq!(
        missing,
        [
            "contents_sales_price",
            "contents_description",
            "parcel_exterior_description",
            "parcel_dimensions",
            "additional_remarks",
            "sales_invoice",
            "purchase_invoice",
            "customer_confirmation",
            "carrier_claim_form"
        ]
    );
    assert!(validate(ClaimType::Lost, ParcelKind::SendcloudRates, &full()).is_empty());
}

#[test]
fn foreign_fields_and_bad_numbers_are_reported() {
    let mut body = full();
    body.carrier_contract_id = Some(5);
    body.exterior_photo = Some(FileRef { file_token: "x".into() });
    body.parcel_dimensions = Some(Dimensions { length: 0.0, width: 1.0, height: f64::NAN });
    body.contents_sales_price = Some(Money { price: 3.0, currency: Currency::from_wire("CHF") });
    let problems = validate(ClaimType::Lost, ParcelKind::SendcloudRates, &body);
    assert_eq!(
        problems,
        vec![
            (ClaimField::CarrierContractId, FieldProblem::NotAllowed),
            (ClaimField::ContentsSalesPrice, FieldProblem::UnknownCurrency),
            (ClaimField::ParcelDimensions, FieldProblem::NotPositive),
            (ClaimField::ExteriorPhoto, FieldProblem::NotAllowed),
        ]
    );
}

#[test]
fn damage_rates_requires_six_photos_and_no_dimensions() {
    let mut body = full();
    body.carrier_claim_form = None;
    let fields: Vec<_> = validate(ClaimType::Damage, ParcelKind::SendcloudRates, &body).into_iter().collect();
    assert_eq!(fields[0], (ClaimField::ParcelDimensions, FieldProblem::NotAllowed));
    let missing: Vec<_> = fields[1..].iter().map(|(f, _)| f.wire_name()).collect();
    assert_eq!(
        missing,
        [
            "exterior_photo",
            "interior_photo",
            "damage_photo_1",
            "damage_photo_2",
            "package_photo",
            "entire_product_photo"
        ]
    );
}

#[test]
fn unknown_json_fields_are_rejected() {
    let err = serde_json::from_str::<ClaimRequest>(r#"{"tracking_number":"X","secret":1}"#).unwrap_err();
    assert!(err.to_string().contains("unknown field `secret`"), "{err}");
}

#[test]
fn absent_fields_are_not_serialized() {
    let body = ClaimRequest { tracking_number: "X".into(), ..Default::default() };
    assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"tracking_number":"X"}"#);
}
