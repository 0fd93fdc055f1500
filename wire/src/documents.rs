//! `POST /dsf/documents/generate/invoice` (Support API, tag "Documents";
//! `specs/sendcloud-support-other-ticket-types.md` §7b): Sendcloud renders
//! a sales invoice from line items and answers a file token a claim body
//! may name. Shared by the proxy (which asks for one when a shop's order
//! has no invoice PDF) and the sandbox (which implements it), with the
//! request's checks in upstream's validation vocabulary ([`decode_invoice_request`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ValidationIssue;

/// Invoices above this total need `force: true` (upstream's cap, 5000 EUR).
pub const MAX_INVOICE_TOTAL: f64 = 5000.0;

/// One line of the invoice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvoiceItem {
    pub description: String,
    pub quantity: u32,
    /// Price of one unit.
    pub unit_price: f64,
}

/// The request body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenerateInvoiceRequest {
    pub tracking_number: String,
    pub items: Vec<InvoiceItem>,
    /// ISO 4217 (`EUR`, `GBP`, `USD`).
    pub currency_code: String,
    /// Percent, 0 to 99.
    pub tax_rate: f64,
    /// A base64 PNG or a public URL; without it a logo is drawn from the
    /// company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_logo_path: Option<String>,
    /// Bypasses the [`MAX_INVOICE_TOTAL`] cap.
    #[serde(default)]
    pub force: bool,
}

impl GenerateInvoiceRequest {
    /// Σ unit price × quantity.
    pub fn total(&self) -> f64 {
        self.items.iter().map(|i| i.unit_price * f64::from(i.quantity)).sum()
    }
}

/// The answer: the file's token and a temporary download URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedDocument {
    pub file_token: String,
    pub preview_url: String,
}

/// The currencies upstream's `CurrencyType` lists.
const CURRENCIES: [&str; 3] = ["EUR", "GBP", "USD"];

fn issue(kind: &str, loc: &[&str], msg: impl Into<String>) -> ValidationIssue {
    ValidationIssue { kind: kind.into(), loc: loc.iter().map(|s| (*s).to_owned()).collect(), msg: msg.into() }
}

/// Why a body is not a valid invoice request.
#[derive(Debug, PartialEq)]
pub enum InvoiceRequestError {
    /// Not JSON (upstream: 406 "Invalid JSON").
    InvalidJson,
    /// 400 with these issues, every problem at once, each at its location
    /// (`["items", "0", "quantity"]`).
    Invalid(Vec<ValidationIssue>),
}

/// Parses and checks a request body: every field's type and range, at
/// least one item, a known currency, and the total cap unless `force`.
pub fn decode_invoice_request(bytes: &[u8]) -> Result<GenerateInvoiceRequest, InvoiceRequestError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| InvoiceRequestError::InvalidJson)?;
    let Value::Object(map) = &value else {
        return Err(InvoiceRequestError::Invalid(vec![issue(
            "model_attributes_type",
            &["body"],
            "Input should be a valid dictionary or object to extract fields from",
        )]));
    };
    let mut issues = Vec::new();
    const KNOWN: [&str; 6] = ["tracking_number", "items", "currency_code", "tax_rate", "company_logo_path", "force"];
    for key in map.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
        issues.push(issue("extra_forbidden", &[key], "Extra inputs are not permitted"));
    }
    let missing = |issues: &mut Vec<ValidationIssue>, f: &str| issues.push(issue("missing", &[f], "Field required"));
    match map.get("tracking_number") {
        None => missing(&mut issues, "tracking_number"),
        Some(Value::String(s)) if s.trim().is_empty() => {
            issues.push(issue("string_too_short", &["tracking_number"], "String should have at least 1 character"))
        }
        Some(Value::String(_)) => {}
        Some(_) => issues.push(issue("string_type", &["tracking_number"], "Input should be a valid string")),
    }
    match map.get("items") {
        None => missing(&mut issues, "items"),
        Some(Value::Array(items)) if items.is_empty() => {
            issues.push(issue("too_short", &["items"], "List should have at least 1 item after validation, not 0"))
        }
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let n = i.to_string();
                let Value::Object(item) = item else {
                    issues.push(issue("model_type", &["items", &n], "Input should be a valid dictionary"));
                    continue;
                };
                match item.get("description") {
                    None => issues.push(issue("missing", &["items", &n, "description"], "Field required")),
                    Some(Value::String(s)) if s.trim().is_empty() => issues.push(issue(
                        "string_too_short",
                        &["items", &n, "description"],
                        "String should have at least 1 character",
                    )),
                    Some(Value::String(_)) => {}
                    Some(_) => issues.push(issue(
                        "string_type",
                        &["items", &n, "description"],
                        "Input should be a valid string",
                    )),
                }
                match item.get("quantity") {
                    None => issues.push(issue("missing", &["items", &n, "quantity"], "Field required")),
                    Some(v) => match (v.as_u64(), v.as_i64()) {
                        (Some(q), _) if (1..=u64::from(u32::MAX)).contains(&q) => {}
                        (None, Some(_)) | (Some(0), _) => issues.push(issue(
                            "greater_than_equal",
                            &["items", &n, "quantity"],
                            "Input should be greater than or equal to 1",
                        )),
                        (Some(_), _) => issues.push(issue(
                            "less_than_equal",
                            &["items", &n, "quantity"],
                            format!("Input should be less than or equal to {}", u32::MAX),
                        )),
                        _ => issues.push(issue(
                            "int_type",
                            &["items", &n, "quantity"],
                            "Input should be a valid integer",
                        )),
                    },
                }
                match item.get("unit_price") {
                    None => issues.push(issue("missing", &["items", &n, "unit_price"], "Field required")),
                    Some(v) => match v.as_f64() {
                        Some(p) if p >= 0.0 => {}
                        Some(_) => issues.push(issue(
                            "greater_than_equal",
                            &["items", &n, "unit_price"],
                            "Input should be greater than or equal to 0",
                        )),
                        None => issues.push(issue(
                            "float_type",
                            &["items", &n, "unit_price"],
                            "Input should be a valid number",
                        )),
                    },
                }
                for key in item.keys().filter(|k| !["description", "quantity", "unit_price"].contains(&k.as_str())) {
                    issues.push(issue("extra_forbidden", &["items", &n, key], "Extra inputs are not permitted"));
                }
            }
        }
        Some(_) => issues.push(issue("list_type", &["items"], "Input should be a valid list")),
    }
    match map.get("currency_code") {
        None => missing(&mut issues, "currency_code"),
        Some(Value::String(c)) if CURRENCIES.contains(&c.as_str()) => {}
        Some(_) => issues.push(issue("enum", &["currency_code"], "Input should be 'EUR', 'GBP' or 'USD'")),
    }
    match map.get("tax_rate") {
        None => missing(&mut issues, "tax_rate"),
        Some(v) => match v.as_f64() {
            Some(t) if (0.0..=99.0).contains(&t) => {}
            Some(t) if t < 0.0 => {
                issues.push(issue("greater_than_equal", &["tax_rate"], "Input should be greater than or equal to 0"))
            }
            Some(_) => issues.push(issue("less_than_equal", &["tax_rate"], "Input should be less than or equal to 99")),
            None => issues.push(issue("float_type", &["tax_rate"], "Input should be a valid number")),
        },
    }
    match map.get("company_logo_path") {
        None | Some(Value::Null) | Some(Value::String(_)) => {}
        Some(_) => issues.push(issue("string_type", &["company_logo_path"], "Input should be a valid string")),
    }
    match map.get("force") {
        None | Some(Value::Bool(_)) => {}
        Some(_) => issues.push(issue("bool_type", &["force"], "Input should be a valid boolean")),
    }
    if !issues.is_empty() {
        return Err(InvoiceRequestError::Invalid(issues));
    }
    let req: GenerateInvoiceRequest = serde_json::from_value(value)
        .map_err(|e| InvoiceRequestError::Invalid(vec![issue("value_error", &["body"], e.to_string())]))?;
    if !req.force && req.total() > MAX_INVOICE_TOTAL {
        return Err(InvoiceRequestError::Invalid(vec![issue(
            "value_error",
            &["items"],
            format!(
                "Value error, the invoice total {:.2} exceeds the maximum of {MAX_INVOICE_TOTAL:.0}; set force to true to bypass",
                req.total()
            ),
        )]));
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issues(json: &str) -> Vec<(String, String)> {
        match decode_invoice_request(json.as_bytes()) {
            Err(InvoiceRequestError::Invalid(i)) => i.into_iter().map(|i| (i.kind, i.loc.join("."))).collect(),
            other => panic!("{other:?}"),
        }
    }

    const GOOD: &str = r#"{"tracking_number":"T1","items":[{"description":"Vase","quantity":2,"unit_price":35.0}],
        "currency_code":"EUR","tax_rate":19}"#;

    #[test]
    fn a_good_request_decodes_and_totals() {
        let r = decode_invoice_request(GOOD.as_bytes()).unwrap();
        assert_eq!((r.items.len(), r.total(), r.force), (1, 70.0, false));
        assert_eq!(decode_invoice_request(b"{nope"), Err(InvoiceRequestError::InvalidJson));
    }

    #[test]
    fn every_problem_is_named_at_its_location() {
        let got = issues(
            r#"{"items":[{"description":"","quantity":0,"unit_price":-1,"colour":"red"},3],
              "currency_code":"JPY","tax_rate":100,"force":"yes","x":1}"#,
        );
        let want = [
            ("extra_forbidden", "x"),
            ("missing", "tracking_number"),
            ("string_too_short", "items.0.description"),
            ("greater_than_equal", "items.0.quantity"),
            ("greater_than_equal", "items.0.unit_price"),
            ("extra_forbidden", "items.0.colour"),
            ("model_type", "items.1"),
            ("enum", "currency_code"),
            ("less_than_equal", "tax_rate"),
            ("bool_type", "force"),
        ];
        assert_eq!(got, want.map(|(k, l)| (k.to_owned(), l.to_owned())).to_vec());
        assert_eq!(
            issues(r#"{"tracking_number":"T","items":[],"currency_code":"EUR","tax_rate":0}"#),
            vec![("too_short".to_owned(), "items".to_owned())]
        );
        assert_eq!(
            issues(
                r#"{"tracking_number":"T","items":[{"description":"a","quantity":1.5,"unit_price":"1"}],"currency_code":"EUR","tax_rate":0}"#
            ),
            vec![
                ("int_type".to_owned(), "items.0.quantity".to_owned()),
                ("float_type".to_owned(), "items.0.unit_price".to_owned())
            ]
        );
    }

    #[test]
    fn the_cap_unless_forced() {
        let big = r#"{"tracking_number":"T","items":[{"description":"TV","quantity":2,"unit_price":2500.01}],"currency_code":"EUR","tax_rate":19}"#;
        assert_eq!(issues(big), vec![("value_error".to_owned(), "items".to_owned())]);
        let forced = big.replace("\"tax_rate\":19", "\"tax_rate\":19,\"force\":true");
        assert!(decode_invoice_request(forced.as_bytes()).is_ok());
    }
}
