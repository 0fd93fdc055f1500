//! Decoding a claim body into [`ClaimRequest`] with upstream-style
//! validation issues, shared by the proxy and the sandbox (feature
//! `server`; the widget builds its bodies, it never decodes one).

use serde_json::Value;

use crate::{ClaimField, ClaimRequest, FieldProblem, ValidationIssue};

/// Why a request body is not a claim.
#[derive(Debug)]
pub enum ClaimBodyError {
    /// Not JSON at all: upstream answers 406 `not_acceptable` "Invalid JSON".
    InvalidJson,
    /// JSON, but not a valid claim object: 400 with these issues.
    Invalid(Vec<ValidationIssue>),
}

fn issue(kind: &str, loc: &str, msg: impl Into<String>) -> ValidationIssue {
    ValidationIssue { kind: kind.into(), loc: vec![loc.into()], msg: msg.into() }
}

/// Parses `bytes` as a claim body. Structural problems (unknown fields, wrong
/// JSON types, missing `tracking_number`) are all reported at once, each
/// naming its field, in pydantic's vocabulary (`extra_forbidden`, `missing`,
/// `invalid_type`). Required-field rules are not checked here: that is
/// [`crate::validate`].
pub fn decode_claim(bytes: &[u8]) -> Result<ClaimRequest, ClaimBodyError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| ClaimBodyError::InvalidJson)?;
    let Value::Object(map) = &value else {
        return Err(ClaimBodyError::Invalid(vec![issue(
            "model_attributes_type",
            "body",
            "Input should be a valid dictionary or object to extract fields from",
        )]));
    };
    let mut issues = Vec::new();
    for (key, field_value) in map {
        if key != "tracking_number" && ClaimField::from_wire_name(key).is_none() {
            issues.push(issue("extra_forbidden", key, "Extra inputs are not permitted"));
            continue;
        }
        // Probe this one field on its own, so a type error names its field.
        let mut probe = serde_json::Map::new();
        probe.insert("tracking_number".into(), Value::String(String::new()));
        probe.insert(key.clone(), field_value.clone());
        if let Err(e) = serde_json::from_value::<ClaimRequest>(Value::Object(probe)) {
            let text = e.to_string();
            let msg = text.split(" at line ").next().unwrap_or(&text).to_owned();
            issues.push(issue("invalid_type", key, format!("Invalid value: {msg}")));
        }
    }
    if !map.contains_key("tracking_number") {
        issues.insert(0, issue("missing", "tracking_number", "Field required"));
    }
    if !issues.is_empty() {
        return Err(ClaimBodyError::Invalid(issues));
    }
    serde_json::from_value::<ClaimRequest>(value)
        .map_err(|e| ClaimBodyError::Invalid(vec![issue("invalid_type", "body", e.to_string())]))
}

/// The required-field rules' problems ([`crate::validate`]) as validation
/// issues, each located at its body field.
pub fn issues_from_problems(problems: &[(ClaimField, FieldProblem)]) -> Vec<ValidationIssue> {
    problems
        .iter()
        .map(|(field, problem)| ValidationIssue {
            kind: problem.python_type().to_owned(),
            loc: vec![field.wire_name().to_owned()],
            msg: problem.message_en().to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_minimal_body() {
        let c = decode_claim(br#"{"tracking_number":"PD-OWN-0003"}"#).unwrap();
        assert_eq!(c.tracking_number, "PD-OWN-0003");
    }

    #[test]
    fn invalid_json_is_distinguished() {
        assert!(matches!(decode_claim(b"{nope"), Err(ClaimBodyError::InvalidJson)));
    }

    #[test]
    fn names_unknown_and_mistyped_fields() {
        let Err(ClaimBodyError::Invalid(issues)) =
            decode_claim(br#"{"tracking_number":"X","secret":1,"parcel_dimensions":"big"}"#)
        else {
            panic!("expected issues")
        };
        let fields: Vec<_> = issues.iter().map(|i| i.loc[0].as_str()).collect();
        assert!(fields.contains(&"secret"), "{issues:?}");
        assert!(fields.contains(&"parcel_dimensions"), "{issues:?}");
        let Err(ClaimBodyError::Invalid(issues)) = decode_claim(b"{}") else { panic!() };
        assert_eq!(issues[0].loc, ["tracking_number"]);
        assert!(matches!(decode_claim(b"[1]"), Err(ClaimBodyError::Invalid(_))));
    }
}
