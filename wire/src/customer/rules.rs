//! The customer's claim checked: every problem at once, each located at
//! its field in the shape of upstream's validation issues (the proxy's
//! 400 `Validation Error. Errors: [...]`), one message per rule.

use serde_json::Value;

use super::CustomerClaim;
use crate::claim::{ClaimField, ClaimType};
use crate::ValidationIssue;

/// Top-level keys of [`CustomerClaim`].
pub const FIELDS: &[&str] = &[
    "claim_type",
    "tracking_number",
    "order_number",
    "contents",
    "items",
    "exterior",
    "dimensions",
    "photos",
    "remarks",
    "new_address",
    "subject",
    "email",
    "name",
    "resolution",
    "declaration",
    "language",
];

/// The most photos a damage claim has fields for.
pub const MAX_PHOTOS: usize = 6;

pub const MSG_MISSING: &str = "Field required";
pub const MSG_PARCEL: &str = "A tracking number or an order number is required";
pub const MSG_TRACKING: &str =
    "Not a tracking number (1 to 255 characters; no slashes, dots alone or control characters)";
pub const MSG_EMAIL: &str = "Not an e-mail address";
pub const MSG_POSITIVE: &str = "Must be more than 0";
pub const MSG_PHOTO: &str = "A damage claim needs at least one photo";
pub const MSG_TOO_MANY_PHOTOS: &str = "At most 6 photos";
pub const MSG_DECLARATION: &str = "The declaration is required for this claim type";
pub const MSG_NOT_ACCEPTED: &str = "The declaration must be accepted";
pub const MSG_NOT_ALLOWED: &str = "Not asked for this claim type";

fn issue(kind: &str, loc: &[&str], msg: &str) -> ValidationIssue {
    ValidationIssue { kind: kind.into(), loc: loc.iter().map(|s| (*s).to_owned()).collect(), msg: msg.into() }
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

/// True for a plausible e-mail address: one `@`, something before it, a
/// dotted domain after it, no spaces, at most 254 characters.
pub fn is_email(s: &str) -> bool {
    let s = s.trim();
    let Some((local, domain)) = s.split_once('@') else { return false };
    s.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

/// Where an answer goes in the upstream body of `claim` (see
/// [`super::mapping`]); `None`: the type has no field for it.
fn target(claim: ClaimType, answer: &str) -> Option<ClaimField> {
    let field = match answer {
        "contents" | "items" => ClaimField::ContentsDescription,
        "exterior" => ClaimField::ParcelExteriorDescription,
        "dimensions" => ClaimField::ParcelDimensions,
        "photos" => ClaimField::DamagePhoto1,
        "new_address" => ClaimField::NewAddress,
        "subject" => ClaimField::Subject,
        _ => return None,
    };
    claim.fields().contains(&field).then_some(field)
}

/// Checks a decoded claim. Returns every problem, in field order; empty
/// means it can be accepted.
pub fn validate(c: &CustomerClaim) -> Vec<ValidationIssue> {
    let t = c.claim_type;
    let mut out = Vec::new();
    let has_tracking = !blank(&c.tracking_number);
    if !has_tracking && blank(&c.order_number) {
        out.push(issue("missing", &["tracking_number"], MSG_PARCEL));
    }
    if has_tracking && !crate::route::valid_tracking_number(c.tracking_number.as_deref().unwrap_or("").trim()) {
        out.push(issue("value_error", &["tracking_number"], MSG_TRACKING));
    }
    let contents_given = !blank(&c.contents) || !c.items.is_empty();
    let needs_contents = matches!(t, ClaimType::Lost | ClaimType::Damage | ClaimType::DeliveredNotReceived);
    for (answer, given) in [
        ("contents", !blank(&c.contents)),
        ("items", !c.items.is_empty()),
        ("exterior", !blank(&c.exterior)),
        ("dimensions", c.dimensions.is_some()),
        ("photos", !c.photos.is_empty()),
        ("new_address", !blank(&c.new_address)),
        ("subject", !blank(&c.subject)),
    ] {
        if given && target(t, answer).is_none() {
            out.push(issue("extra_forbidden", &[answer], MSG_NOT_ALLOWED));
        }
    }
    if needs_contents && !contents_given {
        out.push(issue("missing", &["contents"], MSG_MISSING));
    }
    for (i, item) in c.items.iter().enumerate() {
        let at = i.to_string();
        if item.name.trim().is_empty() {
            out.push(issue("missing", &["items", &at, "name"], MSG_MISSING));
        }
        if item.quantity == 0 {
            out.push(issue("greater_than", &["items", &at, "quantity"], MSG_POSITIVE));
        }
    }
    if let Some(d) = &c.dimensions {
        for (name, v) in [("length", d.length), ("width", d.width), ("height", d.height)] {
            if !(v.is_finite() && v > 0.0) {
                out.push(issue("greater_than", &["dimensions", name], MSG_POSITIVE));
            }
        }
    }
    if t == ClaimType::Damage {
        if c.photos.is_empty() {
            out.push(issue("too_short", &["photos"], MSG_PHOTO));
        }
        if c.photos.len() > MAX_PHOTOS {
            out.push(issue("too_long", &["photos"], MSG_TOO_MANY_PHOTOS));
        }
    }
    for (i, p) in c.photos.iter().enumerate() {
        if p.file_token.trim().is_empty() {
            out.push(issue("missing", &["photos", &i.to_string(), "file_token"], MSG_MISSING));
        }
    }
    if t == ClaimType::AddressChange && blank(&c.new_address) {
        out.push(issue("missing", &["new_address"], MSG_MISSING));
    }
    if t == ClaimType::Other {
        if blank(&c.subject) {
            out.push(issue("missing", &["subject"], MSG_MISSING));
        }
        if blank(&c.remarks) {
            out.push(issue("missing", &["remarks"], MSG_MISSING));
        }
    }
    if c.email.trim().is_empty() {
        out.push(issue("missing", &["email"], MSG_MISSING));
    } else if !is_email(&c.email) {
        out.push(issue("value_error", &["email"], MSG_EMAIL));
    }
    if c.name.trim().is_empty() {
        out.push(issue("missing", &["name"], MSG_MISSING));
    }
    let needs_declaration = matches!(t, ClaimType::Lost | ClaimType::DeliveredNotReceived);
    match &c.declaration {
        None if needs_declaration => out.push(issue("missing", &["declaration"], MSG_DECLARATION)),
        Some(_) if !needs_declaration => out.push(issue("extra_forbidden", &["declaration"], MSG_NOT_ALLOWED)),
        Some(d) => {
            if !d.accepted {
                out.push(issue("value_error", &["declaration", "accepted"], MSG_NOT_ACCEPTED));
            }
            if d.signed_name.trim().is_empty() {
                out.push(issue("missing", &["declaration", "signed_name"], MSG_MISSING));
            }
        }
        None => {}
    }
    out
}

/// Why a body is not a customer's claim.
#[derive(Debug)]
pub enum CustomerBodyError {
    /// Not JSON: 406 `not_acceptable` "Invalid JSON".
    InvalidJson,
    /// JSON, but not a claim: 400 with these issues.
    Invalid(Vec<ValidationIssue>),
}

/// Parses a body as a [`CustomerClaim`]. Unknown keys, wrong JSON types
/// and absent required keys are all reported at once, each naming its
/// field; the rules are [`validate`]'s.
pub fn decode(bytes: &[u8]) -> Result<CustomerClaim, CustomerBodyError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| CustomerBodyError::InvalidJson)?;
    let Value::Object(map) = &value else {
        return Err(CustomerBodyError::Invalid(vec![issue(
            "model_attributes_type",
            &["body"],
            "Input should be a valid dictionary or object to extract fields from",
        )]));
    };
    let mut issues = Vec::new();
    for required in ["claim_type", "email", "name"] {
        if !map.contains_key(required) {
            issues.push(issue("missing", &[required], MSG_MISSING));
        }
    }
    for (key, v) in map {
        if !FIELDS.contains(&key.as_str()) {
            issues.push(issue("extra_forbidden", &[key], "Extra inputs are not permitted"));
            continue;
        }
        // Probe this one field on a minimal valid claim, so a type error
        // names its field.
        let mut probe = serde_json::json!({"claim_type": "other", "email": "", "name": ""});
        probe[key.as_str()] = v.clone();
        if let Err(e) = serde_json::from_value::<CustomerClaim>(probe) {
            let text = e.to_string();
            let msg = text.split(" at line ").next().unwrap_or(&text).to_owned();
            issues.push(issue("invalid_type", &[key], &format!("Invalid value: {msg}")));
        }
    }
    if !issues.is_empty() {
        return Err(CustomerBodyError::Invalid(issues));
    }
    serde_json::from_value(value)
        .map_err(|e| CustomerBodyError::Invalid(vec![issue("invalid_type", &["body"], &e.to_string())]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locs(body: &str) -> Vec<String> {
        match decode(body.as_bytes()) {
            Ok(c) => validate(&c).into_iter().map(|i| format!("{}: {}", i.loc.join("."), i.msg)).collect(),
            Err(CustomerBodyError::Invalid(issues)) => issues.into_iter().map(|i| i.loc.join(".")).collect(),
            Err(CustomerBodyError::InvalidJson) => vec!["json".into()],
        }
    }

    #[test]
    fn the_language_is_one_of_the_widgets_six() {
        let base = r#"{"claim_type":"other","tracking_number":"PD-OWN-0003","subject":"S","remarks":"R","email":"a@b.co","name":"A""#;
        for tag in ["en", "de", "nl", "fr", "es", "it"] {
            let c = decode(format!(r#"{base},"language":"{tag}"}}"#).as_bytes()).unwrap();
            assert_eq!(c.language.map(|l| l.as_str()), Some(tag));
        }
        assert_eq!(decode(format!("{base}}}").as_bytes()).unwrap().language, None);
        let Err(CustomerBodyError::Invalid(issues)) = decode(format!(r#"{base},"language":"pt"}}"#).as_bytes()) else {
            panic!("pt is not one of the six")
        };
        assert_eq!(issues[0].loc, ["language"]);
        assert!(issues[0].msg.contains("expected one of `en`, `de`, `nl`, `fr`, `es`, `it`"), "{}", issues[0].msg);
        assert_eq!(crate::customer::Language::from_tag("de-AT"), Some(crate::customer::Language::De));
        assert_eq!(crate::customer::Language::from_tag("pt-BR"), None);
    }

    #[test]
    fn emails() {
        for ok in ["a@b.co", " jan.jansen+x@mail.example.nl "] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@@b.co", "a b@c.de", "a@b..de", "a@.de"] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn each_rule_has_its_message() {
        let lost = r#"{"claim_type":"lost","tracking_number":"PD-OWN-0003","contents":"vase","email":"a@b.co","name":"A",
            "declaration":{"accepted":true,"signed_name":"A"}}"#;
        assert!(locs(lost).is_empty(), "{:?}", locs(lost));
        assert_eq!(
            locs(r#"{"claim_type":"lost","email":"x","name":"A","dimensions":{"length":0,"width":1,"height":1}}"#),
            [
                format!("tracking_number: {MSG_PARCEL}"),
                format!("contents: {MSG_MISSING}"),
                format!("dimensions.length: {MSG_POSITIVE}"),
                format!("email: {MSG_EMAIL}"),
                format!("declaration: {MSG_DECLARATION}"),
            ]
        );
        assert_eq!(
            locs(r#"{"claim_type":"damage","order_number":"ORD-1","contents":"cup","email":"a@b.co","name":"A"}"#),
            [format!("photos: {MSG_PHOTO}")]
        );
        assert_eq!(
            locs(
                r#"{"claim_type":"late-delivery","tracking_number":"X1","email":"a@b.co","name":"A","photos":[{"file_token":"t","role":"damage"}]}"#
            ),
            [format!("photos: {MSG_NOT_ALLOWED}")]
        );
        assert_eq!(
            locs(
                r#"{"claim_type":"other","tracking_number":"X1","email":"a@b.co","name":" ","items":[{"name":"a","quantity":0}]}"#
            ),
            [
                format!("items: {MSG_NOT_ALLOWED}"),
                format!("items.0.quantity: {MSG_POSITIVE}"),
                format!("subject: {MSG_MISSING}"),
                format!("remarks: {MSG_MISSING}"),
                format!("name: {MSG_MISSING}"),
            ]
        );
    }

    #[test]
    fn structure_errors_name_their_fields() {
        assert_eq!(
            locs(r#"{"claim_type":"stolen","secret":1,"photos":[{"file_token":"t","role":"selfie"}]}"#).len(),
            5
        );
        assert_eq!(locs("{nope"), ["json"]);
        assert_eq!(locs("[]"), ["body"]);
    }
}
