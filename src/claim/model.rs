//! What the customer typed, and how it becomes a [`ClaimRequest`].
//!
//! Plain data (no DOM), so the rules are the same in every view and easy
//! to test: the spec's required-field rules come from `parcel-desk-wire`,
//! this module only adds what text input needs (parsing numbers).

use parcel_desk_wire::claim::allowed;
use parcel_desk_wire::{
    validate, ClaimField, ClaimRequest, ClaimType, Currency, Dimensions, FieldProblem, FileRef, Money, ParcelKind,
};

/// Why one field is not accepted, before or after submit.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldError {
    /// A rule of the spec (shared with the proxy).
    Rule(FieldProblem),
    /// Text where a number belongs.
    NotANumber,
    /// A fraction where a whole number belongs.
    NotWhole,
    /// The file is still uploading.
    UploadPending,
    /// Upstream's own message for the field (validation error after submit).
    Upstream(String),
}

/// The raw form: strings as typed, tokens of finished uploads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft {
    pub kind: Option<ParcelKind>,
    pub tracking_number: String,
    pub carrier_contract_id: String,
    pub sales_price: String,
    pub sales_currency: String,
    pub purchase_price: String,
    pub purchase_currency: String,
    pub contents_description: String,
    pub exterior_description: String,
    pub length: String,
    pub width: String,
    pub height: String,
    pub remarks: String,
    /// Token per file field, for finished uploads.
    pub files: Vec<(ClaimField, String)>,
    /// File fields whose upload is still running.
    pub uploading: Vec<ClaimField>,
}

/// Parses a decimal as people type it: `12.50`, `12,50`, ` 7 `.
pub fn parse_decimal(s: &str) -> Option<Result<f64, FieldError>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    Some(decimal(s).ok_or(FieldError::NotANumber))
}

/// `[+-]digits[(.|,)digits]` with at least one digit, as the nearest f64
/// (the same value `str::parse` gives; written by hand because Rust's float
/// parser is several KB of wasm). No exponents, no thousands separators; more
/// than 15 significant digits or 22 decimals count as not a number.
fn decimal(s: &str) -> Option<f64> {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (mut mantissa, mut scale, mut separator, mut any) = (0u64, 0usize, false, false);
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                if mantissa >= 1_000_000_000_000_000 {
                    return None;
                }
                scale += usize::from(separator);
                any = true;
            }
            b'.' | b',' if !separator => separator = true,
            _ => return None,
        }
    }
    // Both operands are exact, so the division rounds once: the nearest f64.
    let value = mantissa as f64 / *POW10.get(scale).filter(|_| any)?;
    Some(if negative { -value } else { value })
}

fn text(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl Draft {
    /// What was entered for `field`, to tell whether the customer changed it.
    pub fn entered(&self, field: ClaimField) -> String {
        use ClaimField::*;
        match field {
            TrackingNumber => self.tracking_number.clone(),
            CarrierContractId => self.carrier_contract_id.clone(),
            ContentsSalesPrice => format!("{} {}", self.sales_price, self.sales_currency),
            ContentsPurchasePrice => format!("{} {}", self.purchase_price, self.purchase_currency),
            ContentsDescription => self.contents_description.clone(),
            ParcelExteriorDescription => self.exterior_description.clone(),
            ParcelDimensions => format!("{} {} {}", self.length, self.width, self.height),
            AdditionalRemarks => self.remarks.clone(),
            f => {
                let token = self.files.iter().find(|(g, _)| *g == f).map(|(_, t)| t.as_str()).unwrap_or("");
                format!("{token} {}", self.uploading.contains(&f))
            }
        }
    }

    /// Builds the body for `claim` and lists every problem, in field order.
    /// The body is only sent when the list is empty.
    pub fn to_request(&self, claim: ClaimType) -> (ClaimRequest, Vec<(ClaimField, FieldError)>) {
        let kind = self.kind.unwrap_or(ParcelKind::SendcloudRates);
        let mut errors: Vec<(ClaimField, FieldError)> = Vec::new();
        let mut body = ClaimRequest {
            tracking_number: crate::tracking::normalize_tracking_number(&self.tracking_number),
            ..Default::default()
        };

        let mut money = |field: ClaimField, price: &str, currency: &str| -> Option<Money> {
            match parse_decimal(price)? {
                Ok(price) => Some(Money {
                    price,
                    currency: Currency::from_wire(if currency.is_empty() { "EUR" } else { currency }),
                }),
                Err(e) => {
                    errors.push((field, e));
                    None
                }
            }
        };
        if allowed(claim, kind, ClaimField::ContentsSalesPrice) {
            body.contents_sales_price = money(ClaimField::ContentsSalesPrice, &self.sales_price, &self.sales_currency);
        }
        if allowed(claim, kind, ClaimField::ContentsPurchasePrice) {
            body.contents_purchase_price =
                money(ClaimField::ContentsPurchasePrice, &self.purchase_price, &self.purchase_currency);
        }

        if allowed(claim, kind, ClaimField::CarrierContractId) {
            if let Some(id) = text(&self.carrier_contract_id) {
                match id.parse::<i64>() {
                    Ok(id) => body.carrier_contract_id = Some(id),
                    Err(_) => errors.push((ClaimField::CarrierContractId, FieldError::NotWhole)),
                }
            }
        }

        if allowed(claim, kind, ClaimField::ParcelDimensions) {
            let dims = [&self.length, &self.width, &self.height].map(|s| parse_decimal(s));
            if dims.iter().any(Option::is_some) {
                match dims {
                    [Some(Ok(length)), Some(Ok(width)), Some(Ok(height))] => {
                        body.parcel_dimensions = Some(Dimensions { length, width, height })
                    }
                    _ if dims.iter().any(|d| matches!(d, Some(Err(_)))) => {
                        errors.push((ClaimField::ParcelDimensions, FieldError::NotANumber))
                    }
                    // Some but not all three given.
                    _ => errors.push((ClaimField::ParcelDimensions, FieldError::Rule(FieldProblem::Missing))),
                }
            }
        }

        let allowed_text = |field: ClaimField, s: &str| if allowed(claim, kind, field) { text(s) } else { None };
        body.contents_description = allowed_text(ClaimField::ContentsDescription, &self.contents_description);
        body.parcel_exterior_description =
            allowed_text(ClaimField::ParcelExteriorDescription, &self.exterior_description);
        body.additional_remarks = allowed_text(ClaimField::AdditionalRemarks, &self.remarks);

        for (field, token) in &self.files {
            if !allowed(claim, kind, *field) {
                continue;
            }
            let file = Some(FileRef { file_token: token.clone() });
            match field {
                ClaimField::SalesInvoice => body.sales_invoice = file,
                ClaimField::PurchaseInvoice => body.purchase_invoice = file,
                ClaimField::CustomerConfirmation => body.customer_confirmation = file,
                ClaimField::CarrierClaimForm => body.carrier_claim_form = file,
                ClaimField::ExteriorPhoto => body.exterior_photo = file,
                ClaimField::InteriorPhoto => body.interior_photo = file,
                ClaimField::DamagePhoto1 => body.damage_photo_1 = file,
                ClaimField::DamagePhoto2 => body.damage_photo_2 = file,
                ClaimField::PackagePhoto => body.package_photo = file,
                ClaimField::EntireProductPhoto => body.entire_product_photo = file,
                _ => {}
            }
        }

        for (field, problem) in validate(claim, kind, &body) {
            // A field that failed to parse is reported once, as a parse error.
            if !errors.iter().any(|(f, _)| *f == field) {
                let error = if problem == FieldProblem::Missing && self.uploading.contains(&field) {
                    FieldError::UploadPending
                } else {
                    FieldError::Rule(problem)
                };
                errors.push((field, error));
            }
        }
        for field in &self.uploading {
            if allowed(claim, kind, *field) && !errors.iter().any(|(f, _)| f == field) {
                errors.push((*field, FieldError::UploadPending));
            }
        }
        crate::sort_small(&mut errors, |a, b| a.0 < b.0);
        (body, errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_as_str_parse_does() {
        for s in [
            "12.50",
            "12,50",
            "7",
            "0",
            "0.1",
            "0,3",
            ".5",
            "5.",
            "-3.25",
            "+4",
            "999999999999999",
            "0.0000000000000000000001",
            "123456.789012345",
        ] {
            let expected: f64 = s.replace(',', ".").parse().unwrap();
            assert_eq!(parse_decimal(s), Some(Ok(expected)), "{s}");
            assert_eq!(parse_decimal(&format!("  {s} ")), Some(Ok(expected)), "{s} with spaces");
        }
        for s in [
            "twelve",
            "1e3",
            "1.234,56",
            "1,2,3",
            "-",
            ".",
            "+.",
            "12 50",
            "0x10",
            "inf",
            "NaN",
            "1000000000000000000",
            "5€",
        ] {
            assert_eq!(parse_decimal(s), Some(Err(FieldError::NotANumber)), "{s}");
        }
        assert_eq!(parse_decimal("   "), None);
    }

    fn rates_draft() -> Draft {
        Draft {
            kind: Some(ParcelKind::SendcloudRates),
            tracking_number: " PD-TRANSIT-0001 ".into(),
            sales_price: "12,50".into(),
            sales_currency: "GBP".into(),
            contents_description: "Shoes".into(),
            exterior_description: "Brown box".into(),
            length: "30".into(),
            width: "20".into(),
            height: "10.5".into(),
            remarks: "-".into(),
            files: vec![
                (ClaimField::SalesInvoice, "t1".into()),
                (ClaimField::PurchaseInvoice, "t2".into()),
                (ClaimField::CustomerConfirmation, "t3".into()),
                (ClaimField::CarrierClaimForm, "t4".into()),
            ],
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_rates_draft_builds_the_body() {
        let (body, errors) = rates_draft().to_request(ClaimType::Lost);
        assert_eq!(errors, vec![]);
        assert_eq!(body.tracking_number, "PD-TRANSIT-0001");
        assert_eq!(body.contents_sales_price, Some(Money { price: 12.5, currency: Currency::Gbp }));
        assert_eq!(body.parcel_dimensions, Some(Dimensions { length: 30.0, width: 20.0, height: 10.5 }));
        assert_eq!(body.carrier_claim_form.unwrap().file_token, "t4");
    }

    #[test]
    fn parse_errors_win_over_missing() {
        let mut d = rates_draft();
        d.sales_price = "twelve".into();
        d.height = String::new();
        d.files.pop();
        d.uploading.push(ClaimField::CarrierClaimForm);
        let (_, errors) = d.to_request(ClaimType::Lost);
        assert_eq!(
            errors,
            vec![
                (ClaimField::ContentsSalesPrice, FieldError::NotANumber),
                (ClaimField::ParcelDimensions, FieldError::Rule(FieldProblem::Missing)),
                (ClaimField::CarrierClaimForm, FieldError::UploadPending),
            ]
        );
    }

    #[test]
    fn each_rule_has_its_own_error() {
        let mut d = rates_draft();
        d.sales_price = "0".into();
        d.length = "-3".into();
        let (_, errors) = d.to_request(ClaimType::Lost);
        assert_eq!(
            errors,
            vec![
                (ClaimField::ContentsSalesPrice, FieldError::Rule(FieldProblem::NotPositive)),
                (ClaimField::ParcelDimensions, FieldError::Rule(FieldProblem::NotPositive)),
            ]
        );
        d.sales_price = "12 EUR".into();
        d.length = "30".into();
        d.width = "wide".into();
        let (_, errors) = d.to_request(ClaimType::Lost);
        assert_eq!(
            errors,
            vec![
                (ClaimField::ContentsSalesPrice, FieldError::NotANumber),
                (ClaimField::ParcelDimensions, FieldError::NotANumber),
            ]
        );
    }

    #[test]
    fn the_tracking_number_is_sent_without_spaces_and_upper_cased() {
        let mut d = rates_draft();
        d.tracking_number = " pd-transit 0001 ".into();
        assert_eq!(d.to_request(ClaimType::Lost).0.tracking_number, "PD-TRANSIT0001");
        assert_eq!(d.entered(ClaimField::TrackingNumber), " pd-transit 0001 ");
        assert_eq!(d.entered(ClaimField::SalesInvoice), "t1 false");
    }

    #[test]
    fn own_contract_ignores_rates_only_requirements() {
        let d = Draft {
            kind: Some(ParcelKind::OwnContract),
            tracking_number: "PD-OWN-0003".into(),
            carrier_contract_id: "12a".into(),
            ..Default::default()
        };
        let (_, errors) = d.to_request(ClaimType::Lost);
        assert_eq!(errors, vec![(ClaimField::CarrierContractId, FieldError::NotWhole)]);
    }
}
