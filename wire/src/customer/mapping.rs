//! The upstream body of a customer's claim: the customer's answers on the
//! spec fields of the claim type, plus the shop's part.
//!
//! | answer | upstream field |
//! |---|---|
//! | `tracking_number` | `tracking_number` |
//! | `contents`, `items` | `contents_description` (the text, then `Items: 2 × Shirt, 1 × Vase`) |
//! | `exterior` | `parcel_exterior_description` |
//! | `dimensions` | `parcel_dimensions` |
//! | `remarks` | `additional_remarks`; `additional_details` (unjust return, address change); `question` (other) |
//! | `new_address` | `new_address` |
//! | `subject` | `subject` |
//! | photos `damage` | `damage_photo_1`, `damage_photo_2` |
//! | photos `contents` | `interior_photo`, `entire_product_photo` |
//! | photos `packaging` | `exterior_photo`, `package_photo` |
//! | a role's spare photos | the next empty photo field in the spec's order (`exterior_photo`, `interior_photo`, `damage_photo_1`, `damage_photo_2`, `package_photo`, `entire_product_photo`) |
//! | `declaration` (lost) | `customer_confirmation`: a PDF the proxy renders and uploads before filing |
//! | `declaration` (delivered-but-not-received) | the spec's body has no `customer_confirmation`: the declaration's sentence, name and date are added to `additional_remarks` |
//! | `email`, `name`, `resolution`, `order_number` | kept for the shop, never sent |
//!
//! The shop's part: `carrier_contract_id` (own-contract parcels).

use super::{CustomerClaim, PhotoRole};
use crate::claim::{ClaimRequest, ClaimType, FileRef, ParcelKind};

/// The sentence the customer signs.
pub const DECLARATION_SENTENCE: &str = "I confirm that I have not received this parcel.";

/// What the shop adds to a customer's claim: from the shop's order
/// ([`crate::orders`]) when the proxy reads it, else from the proxy's
/// configuration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ShopPart {
    /// How the shop ships; `None`: not known.
    pub kind: Option<ParcelKind>,
    /// The carrier contract (own-contract parcels only).
    pub carrier_contract_id: Option<i64>,
}

fn text(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The contents description: the customer's words, then the items.
pub fn contents_description(c: &CustomerClaim) -> Option<String> {
    let items = c.items.iter().map(|i| format!("{} × {}", i.quantity, i.name.trim())).collect::<Vec<_>>().join(", ");
    match (text(&c.contents), items.is_empty()) {
        (Some(t), true) => Some(t),
        (Some(t), false) => Some(format!("{t}\nItems: {items}")),
        (None, false) => Some(format!("Items: {items}")),
        (None, true) => None,
    }
}

/// The photo fields of a damage claim for `role`, preferred first.
fn preferred(role: PhotoRole) -> [&'static str; 2] {
    match role {
        PhotoRole::Damage => ["damage_photo_1", "damage_photo_2"],
        PhotoRole::Contents => ["interior_photo", "entire_product_photo"],
        PhotoRole::Packaging => ["exterior_photo", "package_photo"],
    }
}

/// The photo fields in the spec's order.
const PHOTO_FIELDS: [&str; 6] =
    ["exterior_photo", "interior_photo", "damage_photo_1", "damage_photo_2", "package_photo", "entire_product_photo"];

/// Which photo goes where: `(field, file token)`, at most one per field.
pub fn photo_fields(c: &CustomerClaim) -> Vec<(&'static str, String)> {
    let mut placed: Vec<(&'static str, String)> = Vec::new();
    let mut spare = Vec::new();
    for p in &c.photos {
        let token = p.file_token.trim().to_owned();
        match preferred(p.role).into_iter().find(|f| !placed.iter().any(|(g, _)| g == f)) {
            Some(f) => placed.push((f, token)),
            None => spare.push(token),
        }
    }
    for token in spare {
        if let Some(f) = PHOTO_FIELDS.into_iter().find(|f| !placed.iter().any(|(g, _)| g == f)) {
            placed.push((f, token));
        }
    }
    placed.sort_by_key(|(f, _)| PHOTO_FIELDS.iter().position(|g| g == f));
    placed
}

/// The upstream body for a customer's claim. `declared_on` is the date
/// (`YYYY-MM-DD`) written into a delivered-but-not-received declaration.
/// The lost claim's `customer_confirmation` is not set here: the proxy
/// uploads the declaration when it files.
pub fn upstream_body(c: &CustomerClaim, shop: ShopPart, declared_on: &str) -> ClaimRequest {
    let mut body = ClaimRequest { tracking_number: text(&c.tracking_number).unwrap_or_default(), ..Default::default() };
    let t = c.claim_type;
    if shop.kind == Some(ParcelKind::OwnContract) {
        body.carrier_contract_id = shop.carrier_contract_id;
    }
    let has = |f| t.fields().contains(&f);
    use crate::claim::ClaimField as F;
    if has(F::ContentsDescription) {
        body.contents_description = contents_description(c);
    }
    if has(F::ParcelExteriorDescription) {
        body.parcel_exterior_description = text(&c.exterior);
    }
    if has(F::ParcelDimensions) {
        body.parcel_dimensions = c.dimensions.clone();
    }
    let mut remarks = text(&c.remarks);
    if t == ClaimType::DeliveredNotReceived {
        if let Some(d) = c.declaration.as_ref().filter(|d| d.accepted) {
            let line = format!("Declaration: {DECLARATION_SENTENCE} Signed: {}, {declared_on}.", d.signed_name.trim());
            remarks = Some(match remarks {
                Some(r) => format!("{r}\n{line}"),
                None => line,
            });
        }
    }
    match t {
        ClaimType::UnjustReturn | ClaimType::AddressChange => body.additional_details = remarks,
        ClaimType::Other => body.question = remarks,
        _ => body.additional_remarks = remarks,
    }
    if has(F::NewAddress) {
        body.new_address = text(&c.new_address);
    }
    if has(F::Subject) {
        body.subject = text(&c.subject);
    }
    if t == ClaimType::Damage {
        for (field, token) in photo_fields(c) {
            let f = Some(FileRef { file_token: token });
            match field {
                "exterior_photo" => body.exterior_photo = f,
                "interior_photo" => body.interior_photo = f,
                "damage_photo_1" => body.damage_photo_1 = f,
                "damage_photo_2" => body.damage_photo_2 = f,
                "package_photo" => body.package_photo = f,
                _ => body.entire_product_photo = f,
            }
        }
    }
    body
}

/// True when filing this claim needs the declaration PDF uploaded first
/// (a lost claim: its body has `customer_confirmation`).
pub fn needs_declaration_pdf(c: &CustomerClaim) -> bool {
    c.claim_type == ClaimType::Lost && c.declaration.as_ref().is_some_and(|d| d.accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(json: &str) -> CustomerClaim {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn photos_fill_their_role_then_the_next_empty_field() {
        let c = claim(
            r#"{"claim_type":"damage","tracking_number":"T","email":"a@b.co","name":"A","photos":[
            {"file_token":"d1","role":"damage"},{"file_token":"d2","role":"damage"},{"file_token":"d3","role":"damage"},
            {"file_token":"p1","role":"packaging"}]}"#,
        );
        let body = upstream_body(&c, ShopPart::default(), "2026-12-03");
        assert_eq!(body.damage_photo_1.unwrap().file_token, "d1");
        assert_eq!(body.damage_photo_2.unwrap().file_token, "d2");
        assert_eq!(body.exterior_photo.unwrap().file_token, "p1");
        assert_eq!(body.interior_photo.unwrap().file_token, "d3", "the spare goes to the next empty field");
    }

    #[test]
    fn answers_land_on_the_types_fields() {
        let c = claim(
            r#"{"claim_type":"delivered-but-not-received","tracking_number":" PD-DELIVERED-0002 ","contents":"Vase",
            "items":[{"name":"Shirt","quantity":2}],"email":"a@b.co","name":"A","resolution":"refund",
            "declaration":{"accepted":true,"signed_name":"Jürgen Müller"}}"#,
        );
        let shop = ShopPart { kind: Some(ParcelKind::OwnContract), carrier_contract_id: Some(7) };
        let body = upstream_body(&c, shop, "2026-12-03");
        assert_eq!(body.tracking_number, "PD-DELIVERED-0002");
        assert_eq!(body.carrier_contract_id, Some(7));
        assert_eq!(body.contents_description.as_deref(), Some("Vase\nItems: 2 × Shirt"));
        assert!(body.additional_remarks.unwrap().contains("Jürgen Müller, 2026-12-03"));
        let other = claim(
            r#"{"claim_type":"other","tracking_number":"T","subject":"Empty","remarks":"Why?","email":"a@b.co","name":"A"}"#,
        );
        let body = upstream_body(
            &other,
            ShopPart { kind: Some(ParcelKind::SendcloudRates), carrier_contract_id: Some(7) },
            "",
        );
        assert_eq!(
            (body.subject.as_deref(), body.question.as_deref(), body.carrier_contract_id),
            (Some("Empty"), Some("Why?"), None)
        );
    }
}
