//! The wire types checked against the OpenAPI documents in `specs/`:
//! every response example deserializes and round-trips, bodies built by the
//! code validate against the spec's JSON Schema, and the required-field
//! tables equal the spec's `required` lists.

use parcel_desk_wire::claim::{allowed, required_fields};
use parcel_desk_wire::{
    validate, ClaimField, ClaimRequest, ClaimType, CreateTicketResponse, Currency, Dimensions, ErrorEnvelope,
    FieldProblem, FileRef, Money, ParcelKind, TicketResponse,
};
use serde_json::Value;

fn spec(name: &str) -> Value {
    let path = format!("{}/../specs/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_yaml::from_str(&text).unwrap()
}

/// Every `example` / `examples.*.value` of a response, with its name.
fn response_examples(doc: &Value) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (name, resp) in doc["components"]["responses"].as_object().unwrap() {
        let media = &resp["content"]["application/json"];
        if let Some(ex) = media.get("example") {
            out.push((name.clone(), ex.clone()));
        }
        if let Some(exs) = media.get("examples").and_then(Value::as_object) {
            for (ex_name, ex) in exs {
                out.push((format!("{name}/{ex_name}"), ex["value"].clone()));
            }
        }
    }
    out
}

fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(name: &str, v: &Value) {
    let typed: T = serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(&back, v, "{name} does not round-trip");
}

const SUPPORT_SPECS: [&str; 3] = [
    "sendcloud-support-lost.openapi.yaml",
    "sendcloud-support-damage.openapi.yaml",
    "sendcloud-support-ticket-get.openapi.yaml",
];

#[test]
fn every_response_example_deserializes_and_round_trips() {
    let mut seen = 0;
    for file in SUPPORT_SPECS {
        for (name, ex) in response_examples(&spec(file)) {
            if ex.get("errors").is_some() {
                round_trip::<ErrorEnvelope>(&name, &ex);
            } else if ex.get("ticket_id").is_some() {
                round_trip::<CreateTicketResponse>(&name, &ex);
            } else {
                round_trip::<TicketResponse>(&name, &ex);
            }
            seen += 1;
        }
    }
    // lost: 1 + 2 + 1 + 2 + 1, damage: the same, ticket-get: 3
    assert_eq!(seen, 17, "the specs' examples changed: review this test");
}

#[test]
fn the_validation_example_names_its_field() {
    let doc = spec("sendcloud-support-lost.openapi.yaml");
    let ex = &doc["components"]["responses"]["CreateTicketBadRequest"]["content"]["application/json"]["examples"]
        ["Data validation errors"]["value"];
    let env: ErrorEnvelope = serde_json::from_value(ex.clone()).unwrap();
    let issues = env.validation_issues();
    assert_eq!(issues.len(), 1);
    assert_eq!(issues[0].field(), Some("contents_sales_price"));
    assert_eq!(ClaimField::from_wire_name("contents_sales_price"), Some(ClaimField::ContentsSalesPrice));
}

fn schema_for(doc: &Value, component: &str) -> jsonschema::Validator {
    let schema = serde_json::json!({
        "$ref": format!("#/components/schemas/{component}"),
        "components": doc["components"].clone(),
    });
    jsonschema::validator_for(&schema).unwrap()
}

fn errors(v: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance).map(|e| e.to_string()).collect()
}

fn variants() -> [(ClaimType, ParcelKind, &'static str, &'static str); 4] {
    [
        (ClaimType::Lost, ParcelKind::OwnContract, "sendcloud-support-lost.openapi.yaml", "CreateLostOwnContract"),
        (ClaimType::Lost, ParcelKind::SendcloudRates, "sendcloud-support-lost.openapi.yaml", "CreateLostTransactional"),
        (
            ClaimType::Damage,
            ParcelKind::OwnContract,
            "sendcloud-support-damage.openapi.yaml",
            "CreateDamagedOwnContract",
        ),
        (
            ClaimType::Damage,
            ParcelKind::SendcloudRates,
            "sendcloud-support-damage.openapi.yaml",
            "CreateDamagedTransactional",
        ),
    ]
}

/// A body with every field this claim type and kind allows.
fn full_body(claim: ClaimType, kind: ParcelKind) -> ClaimRequest {
    let mut body = ClaimRequest { tracking_number: "3SABCD1234567".into(), ..Default::default() };
    for &field in claim.fields() {
        if !allowed(claim, kind, field) {
            continue;
        }
        let token = Some(FileRef { file_token: format!("tok-{}", field.wire_name()) });
        match field {
            ClaimField::TrackingNumber => {}
            ClaimField::CarrierContractId => body.carrier_contract_id = Some(123),
            ClaimField::ContentsSalesPrice => {
                body.contents_sales_price = Some(Money { price: 10.55, currency: Currency::Eur })
            }
            ClaimField::ContentsPurchasePrice => {
                body.contents_purchase_price = Some(Money { price: 8.0, currency: Currency::Gbp })
            }
            ClaimField::ContentsDescription => body.contents_description = Some("3 t-shirts".into()),
            ClaimField::ParcelExteriorDescription => body.parcel_exterior_description = Some("Branded box".into()),
            ClaimField::ParcelDimensions => {
                body.parcel_dimensions = Some(Dimensions { length: 30.0, width: 20.5, height: 10.0 })
            }
            ClaimField::AdditionalRemarks => body.additional_remarks = Some("Left at the door".into()),
            ClaimField::SalesInvoice => body.sales_invoice = token,
            ClaimField::PurchaseInvoice => body.purchase_invoice = token,
            ClaimField::CustomerConfirmation => body.customer_confirmation = token,
            ClaimField::CarrierClaimForm => body.carrier_claim_form = token,
            ClaimField::ExteriorPhoto => body.exterior_photo = token,
            ClaimField::InteriorPhoto => body.interior_photo = token,
            ClaimField::DamagePhoto1 => body.damage_photo_1 = token,
            ClaimField::DamagePhoto2 => body.damage_photo_2 = token,
            ClaimField::PackagePhoto => body.package_photo = token,
            ClaimField::EntireProductPhoto => body.entire_product_photo = token,
            ClaimField::IsParcelReturned => body.is_parcel_returned = Some(true),
            ClaimField::AdditionalDetails => body.additional_details = Some("Sent back unopened".into()),
            ClaimField::NewAddress => body.new_address = Some("Stadhuisplein 10, 5611 EM Eindhoven".into()),
            ClaimField::Subject => body.subject = Some("Parcel arrived empty".into()),
            ClaimField::Question => body.question = Some("There was nothing inside.".into()),
        }
    }
    body
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
}

#[test]
fn field_tables_equal_the_spec() {
    for (claim, kind, file, component) in variants() {
        let doc = spec(file);
        let schema = &doc["components"]["schemas"][component];
        let mut spec_required = strings(&schema["required"]);
        let mut ours: Vec<String> = required_fields(claim, kind).iter().map(|f| f.wire_name().to_owned()).collect();
        spec_required.sort();
        ours.sort();
        assert_eq!(ours, spec_required, "{component}: required");

        let mut spec_props: Vec<String> = schema["properties"].as_object().unwrap().keys().cloned().collect();
        let mut allowed_fields: Vec<String> =
            ClaimField::ALL.iter().filter(|f| allowed(claim, kind, **f)).map(|f| f.wire_name().to_owned()).collect();
        spec_props.sort();
        allowed_fields.sort();
        assert_eq!(allowed_fields, spec_props, "{component}: properties");
    }
}

/// The claim types the older, machine-readable spec revision
/// (`sendcloud-support-subset.openapi.json`) has bodies for.
fn subset_variants() -> Vec<(ClaimType, ParcelKind, &'static str)> {
    let mut out = Vec::new();
    for (claim, stem) in [
        (ClaimType::DeliveredNotReceived, "DeliveredButNotReceived"),
        (ClaimType::UnjustReturn, "UnjustReturn"),
        (ClaimType::AddressChange, "AddressChange"),
    ] {
        out.push((claim, ParcelKind::OwnContract, leak(format!("Create{stem}OwnContract"))));
        out.push((claim, ParcelKind::SendcloudRates, leak(format!("Create{stem}Transactional"))));
    }
    out
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// Our tables against the older spec revision, with the differences the
/// newer revision and the spec's own bug explain (`wire/src/claim.rs`):
/// own-contract bodies also take `carrier_contract_id`; address change for
/// Sendcloud-rates parcels requires `new_address`, not `is_parcel_returned`.
#[test]
fn field_tables_of_the_other_types_equal_the_older_spec_with_its_known_differences() {
    let doc = spec("sendcloud-support-subset.openapi.json");
    for (claim, kind, component) in subset_variants() {
        let schema = &doc["components"]["schemas"][component];
        let mut spec_required = strings(&schema["required"]);
        if claim == ClaimType::AddressChange && kind == ParcelKind::SendcloudRates {
            assert_eq!(spec_required, ["tracking_number", "is_parcel_returned"], "the spec's bug is still there");
            spec_required = vec!["tracking_number".into(), "new_address".into()];
        }
        let mut ours: Vec<String> = required_fields(claim, kind).iter().map(|f| f.wire_name().to_owned()).collect();
        spec_required.sort();
        ours.sort();
        assert_eq!(ours, spec_required, "{component}: required");

        let mut spec_props: Vec<String> = schema["properties"].as_object().unwrap().keys().cloned().collect();
        if kind == ParcelKind::OwnContract {
            spec_props.push("carrier_contract_id".into());
        }
        let mut allowed_fields: Vec<String> =
            ClaimField::ALL.iter().filter(|f| allowed(claim, kind, **f)).map(|f| f.wire_name().to_owned()).collect();
        spec_props.sort();
        allowed_fields.sort();
        assert_eq!(allowed_fields, spec_props, "{component}: properties");

        // A body built by our code validates against the older schema once
        // the newer field is left out.
        let mut json = serde_json::to_value(full_body(claim, kind)).unwrap();
        json.as_object_mut().unwrap().remove("carrier_contract_id");
        if claim == ClaimType::AddressChange && kind == ParcelKind::SendcloudRates {
            continue; // the spec's bug: its schema wants a field the body does not have
        }
        let validator = schema_for(&doc, component);
        assert_eq!(errors(&validator, &json), Vec::<String>::new(), "{component}: {json}");
        assert!(validate(claim, kind, &full_body(claim, kind)).is_empty(), "{component}: our rules reject a full body");
    }
}

#[test]
fn late_delivery_and_other_follow_the_published_pages() {
    // Late delivery: own contract only; tracking number required.
    assert!(!ClaimType::LateDelivery.offered_for(ParcelKind::SendcloudRates));
    assert_eq!(required_fields(ClaimType::LateDelivery, ParcelKind::OwnContract), [ClaimField::TrackingNumber]);
    // Other: the request example's fields.
    let body: ClaimRequest = serde_json::from_value(serde_json::json!({
        "tracking_number": "3SABCD1234567",
        "subject": "Parcel arrived empty",
        "question": "The parcel arrived undamaged but there was nothing inside."
    }))
    .unwrap();
    for kind in [ParcelKind::OwnContract, ParcelKind::SendcloudRates] {
        assert!(validate(ClaimType::Other, kind, &body).is_empty());
        let mut no_question = body.clone();
        no_question.question = None;
        assert_eq!(validate(ClaimType::Other, kind, &no_question), [(ClaimField::Question, FieldProblem::Missing)]);
    }
}

#[test]
fn bodies_built_by_the_code_validate_against_the_spec_schema() {
    for (claim, kind, file, component) in variants() {
        let doc = spec(file);
        let validator = schema_for(&doc, component);

        let full = full_body(claim, kind);
        assert!(validate(claim, kind, &full).is_empty(), "{component}: our rules reject a full body");
        let json = serde_json::to_value(&full).unwrap();
        assert_eq!(errors(&validator, &json), Vec::<String>::new(), "{component}: {json}");

        // Dropping any required field fails both the schema and our rules.
        for &field in required_fields(claim, kind) {
            let mut json = serde_json::to_value(&full).unwrap();
            json.as_object_mut().unwrap().remove(field.wire_name());
            assert!(!validator.is_valid(&json), "{component}: schema accepts a body without {field:?}");
            let body: ClaimRequest = serde_json::from_value(json).unwrap_or_default();
            let problems = validate(claim, kind, &body);
            assert!(
                problems.contains(&(field, FieldProblem::Missing)),
                "{component}: our rules accept a body without {field:?}: {problems:?}"
            );
        }
    }
}

#[test]
fn a_wrong_currency_fails_the_schema_and_our_rules() {
    let doc = spec("sendcloud-support-lost.openapi.yaml");
    let validator = schema_for(&doc, "CreateLostTransactional");
    let mut body = full_body(ClaimType::Lost, ParcelKind::SendcloudRates);
    body.contents_sales_price = Some(Money { price: 5.0, currency: Currency::from_wire("CHF") });
    assert!(!validator.is_valid(&serde_json::to_value(&body).unwrap()));
    assert_eq!(
        validate(ClaimType::Lost, ParcelKind::SendcloudRates, &body),
        vec![(ClaimField::ContentsSalesPrice, FieldProblem::UnknownCurrency)]
    );
}

#[test]
fn the_ticket_example_and_our_serialization_validate_against_ticket_response() {
    let doc = spec("sendcloud-support-ticket-get.openapi.yaml");
    let validator = schema_for(&doc, "TicketResponse");
    let ex = doc["components"]["responses"]["TicketDetailResponse"]["content"]["application/json"]["example"].clone();
    assert_eq!(errors(&validator, &ex), Vec::<String>::new());
    let t: TicketResponse = serde_json::from_value(ex).unwrap();
    assert_eq!(errors(&validator, &serde_json::to_value(&t).unwrap()), Vec::<String>::new());
}
