//! Widget ⇄ proxy: the contact request the proxy turns into a JTL-SCX
//! ticket, its answer and the conversation.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ValidationIssue;

use super::*;

/// `order_reference` of a [`ContactRequest`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderReference {
    #[serde(rename = "type", default)]
    pub kind: ReferenceType,
    #[serde(default)]
    pub value: String,
}

/// One attachment of a [`ContactRequest`]: a token from
/// `POST {proxy}/channel/ticket/attachment-upload` and the filename to show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactAttachment {
    #[serde(default)]
    pub file_token: String,
    #[serde(default)]
    pub filename: String,
}

/// Body of `POST {proxy}/channel/ticket`. Every field is optional in the
/// type so that [`ContactRequest::validate`] can report each missing one.
/// There is deliberately no seller id: the proxy fills it from its config.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default)]
    pub order_reference: Option<OrderReference>,
    /// Default `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_wanted: Option<bool>,
    #[serde(default)]
    pub attachments: Vec<ContactAttachment>,
}

/// The top-level fields of [`ContactRequest`].
pub const CONTACT_FIELDS: &[&str] =
    &["topic", "buyer_name", "subject", "message", "order_reference", "reply_wanted", "attachments"];

impl ContactRequest {
    /// Every rule, each violation once, `loc` in the widget's snake_case
    /// names (`('attachments', '3', 'filename')` for list items).
    pub fn validate(&self) -> Vec<ValidationIssue> {
        let mut out = Vec::new();
        match &self.topic {
            None => out.push(issue("missing", loc(&["topic"]), "Field required")),
            Some(Topic::Unlisted(_)) => out.push(issue("enum", loc(&["topic"]), enum_msg(Topic::ALL, Topic::as_str))),
            Some(_) => {}
        }
        for (name, value) in [("buyer_name", &self.buyer_name), ("subject", &self.subject), ("message", &self.message)]
        {
            match value {
                None => out.push(issue("missing", loc(&[name]), "Field required")),
                Some(v) if v.trim().is_empty() => {
                    out.push(issue("string_too_short", loc(&[name]), "String should have at least 1 character"))
                }
                Some(v) => check_len(&mut out, loc(&[name]), v, 1, MAX_TEXT_CHARS),
            }
        }
        if let Some(r) = &self.order_reference {
            if let ReferenceType::Unlisted(_) = r.kind {
                out.push(issue(
                    "enum",
                    loc(&["order_reference", "type"]),
                    enum_msg(ReferenceType::ALL, ReferenceType::as_str),
                ));
            }
            if r.value.trim().is_empty() {
                out.push(issue(
                    "string_too_short",
                    loc(&["order_reference", "value"]),
                    "String should have at least 1 character",
                ));
            } else {
                check_len(&mut out, loc(&["order_reference", "value"]), &r.value, 1, MAX_REFERENCE_CHARS);
            }
        }
        if self.attachments.len() > MAX_ATTACHMENTS {
            out.push(issue(
                "too_long",
                loc(&["attachments"]),
                format!(
                    "List should have at most {MAX_ATTACHMENTS} items after validation, not {}",
                    self.attachments.len()
                ),
            ));
        }
        for (i, a) in self.attachments.iter().enumerate() {
            let idx = i.to_string();
            if !is_file_token(&a.file_token) {
                out.push(issue(
                    "value_error",
                    loc(&["attachments", &idx, "file_token"]),
                    "Unknown or malformed file token",
                ));
            } else if self.attachments[..i].iter().any(|b| b.file_token == a.file_token) {
                out.push(issue(
                    "value_error",
                    loc(&["attachments", &idx, "file_token"]),
                    "The same file is attached twice",
                ));
            }
            if let Some(p) = filename_problem(&a.filename) {
                out.push(issue("value_error", loc(&["attachments", &idx, "filename"]), p));
            } else if self.attachments[..i].iter().any(|b| b.filename == a.filename) {
                out.push(issue(
                    "value_error",
                    loc(&["attachments", &idx, "filename"]),
                    "Filenames must be unique within a ticket",
                ));
            }
        }
        out
    }
}

/// A token of `POST {proxy}/channel/ticket/attachment-upload`: `jtlf_` and
/// 32 lowercase hex digits (shape only; the proxy checks it exists).
pub fn is_file_token(s: &str) -> bool {
    s.strip_prefix("jtlf_")
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// Parses a [`ContactRequest`] body. Structural problems (not an object,
/// unknown fields — `sellerId` included —, wrong JSON types) come back as
/// issues naming their field (`extra_forbidden`, `invalid_type`);
/// `Err(None)` when the bytes are not JSON at all. Call
/// [`ContactRequest::validate`] on the result for the field rules.
pub fn decode_contact(bytes: &[u8]) -> Result<ContactRequest, Option<Vec<ValidationIssue>>> {
    let value: Value = serde_json::from_slice(bytes).map_err(|_| None)?;
    let Value::Object(map) = &value else {
        return Err(Some(vec![issue(
            "model_attributes_type",
            loc(&["body"]),
            "Input should be a valid dictionary or object to extract fields from",
        )]));
    };
    let mut issues = Vec::new();
    for (key, field_value) in map {
        if !CONTACT_FIELDS.contains(&key.as_str()) {
            issues.push(issue("extra_forbidden", vec![key.clone()], "Extra inputs are not permitted"));
            continue;
        }
        let mut probe = serde_json::Map::new();
        probe.insert(key.clone(), field_value.clone());
        if let Err(e) = serde_json::from_value::<ContactRequest>(Value::Object(probe)) {
            let text = e.to_string();
            let msg = text.split(" at line ").next().unwrap_or(&text).to_owned();
            let kind = if msg.starts_with("unknown field") { "extra_forbidden" } else { "invalid_type" };
            issues.push(issue(kind, vec![key.clone()], format!("Invalid value: {msg}")));
        }
    }
    if !issues.is_empty() {
        return Err(Some(issues));
    }
    serde_json::from_value(value).map_err(|e| Some(vec![issue("invalid_type", loc(&["body"]), e.to_string())]))
}

/// Per-attachment result in [`ContactCreated`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AttachmentOutcome {
    pub filename: String,
    pub uploaded: bool,
    /// Why the upload failed (English), `null` when uploaded.
    pub error: Option<String>,
}

/// Answer of `POST {proxy}/channel/ticket`: 201 when the seller's
/// ticket service has the message (and each attachment was tried), 202
/// with `queued: true` when it could not be reached: the proxy keeps the
/// message and its files and sends them as soon as it answers (the
/// attachments then read `uploaded: false, error: null`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ContactCreated {
    pub ticket_id: String,
    pub access_token: String,
    pub attachments: Vec<AttachmentOutcome>,
    /// Kept by the proxy, not yet at the seller's ticket service.
    #[serde(default)]
    pub queued: bool,
}

/// One message of a [`Conversation`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ConversationMessage {
    /// `BUYER` or `SELLER`.
    pub from: Role,
    /// RFC 3339.
    pub created_at: String,
    pub text: String,
    pub attachments: Vec<ConversationAttachment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ConversationAttachment {
    pub filename: String,
    /// Set on the seller's attachments: the id to download it with
    /// (`GET {proxy}/channel/ticket/{ticketId}/attachments/{id}`, the same
    /// `X-Ticket-Token`); 16 lower-case hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Answer of `GET {proxy}/channel/ticket/{ticketId}/messages`: oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Conversation {
    pub ticket_id: String,
    pub messages: Vec<ConversationMessage>,
}
