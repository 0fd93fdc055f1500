//! JTL-SCX Channel API wire types (customer-service tickets from a sales
//! channel to the seller), and the widget-facing contact request the
//! parcel-desk proxy turns into such a ticket.
//!
//! Upstream (`specs/jtl-scx-channel-create-ticket.md` and `specs/README.md`):
//! * `POST /v1/auth` (form field `refreshToken`) → [`AuthResponse`];
//! * `POST /v1/channel/ticket` with a [`ChannelTicket`];
//! * `POST /v1/channel/ticket/attachment`, multipart: part `attachmentData`
//!   = [`AttachmentData`] as JSON, part `attachment` = the file;
//! * `GET /v1/channel/event` → [`EventList`]; `Seller:Ticket.Reply` events
//!   carry a [`TicketReply`]; acknowledged with `DELETE /v1/channel/event`
//!   and an [`EventAck`];
//! * errors: [`ErrorList`].
//!
//! Widget ⇄ proxy: [`ContactRequest`] (`POST {proxy}/channel/ticket`),
//! [`ContactCreated`], [`crate::FileTokenResponse`]
//! (`POST {proxy}/channel/ticket/attachment-upload`) and [`Conversation`]
//! (`GET {proxy}/channel/ticket/{ticketId}/messages`).
//!
//! Every rule returns pydantic-style [`ValidationIssue`]s, so the proxy can
//! answer in the Support API's `Validation Error. Errors: [...]` format and
//! the widget has one parser for both upstreams.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ValidationIssue;
/// RFC 3339 date-times (`createdAt`): [`crate::time`].
pub use crate::time::is_rfc3339;

string_enum! {
    /// `topic` of a channel ticket.
    Topic {
        Question = "QUESTION",
        Feedback = "FEEDBACK",
        Delivery = "DELIVERY",
        Return = "RETURN",
        Refund = "REFUND",
        Incident = "INCIDENT",
    }
}

string_enum! {
    /// `reference.type` of a channel ticket (default [`ReferenceType::OrderId`]).
    ReferenceType {
        OrderId = "ORDERID",
        Offer = "OFFER",
        ChannelOffer = "CHANNELOFFER",
        OrderItemId = "ORDERITEMID",
    }
}

string_enum! {
    /// `from.role`. The doc's examples only show `BUYER`; `SELLER` is what
    /// a seller's reply carries (assumed; unknown roles are kept as sent).
    Role { Buyer = "BUYER", Seller = "SELLER" }
}

#[allow(clippy::derivable_impls)]
impl Default for ReferenceType {
    fn default() -> Self {
        ReferenceType::OrderId
    }
}

/// Doc limits.
pub const MAX_TEXT_CHARS: usize = 1024;
pub const MAX_TICKET_ID_CHARS: usize = 256;
pub const MAX_SELLER_ID_CHARS: usize = 50;
pub const MAX_ATTACHMENTS: usize = 10;
/// Not in the doc (assumed): reference ids and filenames.
pub const MAX_REFERENCE_CHARS: usize = 256;
pub const MAX_FILENAME_CHARS: usize = 255;
/// JTL's per-file cap, "16 MB"; read as 16 000 000 bytes, the stricter of
/// the decimal and binary readings.
pub const MAX_ATTACHMENT_BYTES: u64 = 16 * 1000 * 1000;

/// The `Accept-Language` value that makes JTL answer errors in English.
pub const ACCEPT_LANGUAGE_EN: &str = "en";
/// Event type of a seller's reply to a channel ticket.
pub const EVENT_TICKET_REPLY: &str = "Seller:Ticket.Reply";

/// JTL's attachment type allowlist: plain text, PDF, Word, Excel, images
/// (raster formats; SVG is refused because it can carry scripts).
/// Parameters (`; charset=…`) and case are ignored.
pub fn is_allowed_attachment_type(media_type: &str) -> bool {
    let t = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    matches!(
        t.as_str(),
        "text/plain"
            | "application/pdf"
            | "application/msword"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.ms-excel"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            | "image/jpeg"
            | "image/png"
            | "image/gif"
            | "image/webp"
            | "image/bmp"
            | "image/tiff"
            | "image/heic"
            | "image/heif"
    )
}

/// `^\w{1,50}$` written out: 1–50 ASCII letters, digits or `_` (ASCII `\w`
/// assumed; JTL's examples are ASCII).
pub fn is_valid_seller_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_SELLER_ID_CHARS && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Filename rules (assumed, the doc has none): 1–255 characters, no path
/// separators, no control characters, not `.` / `..`, not only spaces.
pub fn filename_problem(name: &str) -> Option<&'static str> {
    let n = name.chars().count();
    if n == 0 || name.trim().is_empty() {
        return Some("Filename must not be empty");
    }
    if n > MAX_FILENAME_CHARS {
        return Some("Filename should have at most 255 characters");
    }
    if name == "." || name == ".." || name.contains(['/', '\\']) || name.chars().any(char::is_control) {
        return Some("Filename must not contain path separators or control characters");
    }
    None
}

fn loc(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| (*p).to_owned()).collect()
}

fn issue(kind: &str, at: Vec<String>, msg: impl Into<String>) -> ValidationIssue {
    ValidationIssue { kind: kind.into(), loc: at, msg: msg.into() }
}

/// Length rule in characters (Unicode scalar values), pydantic wording.
fn check_len(out: &mut Vec<ValidationIssue>, at: Vec<String>, s: &str, min: usize, max: usize) {
    let n = s.chars().count();
    if n < min {
        let unit = if min == 1 { "character" } else { "characters" };
        out.push(issue("string_too_short", at, format!("String should have at least {min} {unit}")));
    } else if n > max {
        out.push(issue("string_too_long", at, format!("String should have at most {max} characters")));
    }
}

fn enum_msg<T>(all: &[T], as_str: impl Fn(&T) -> &str) -> String {
    let names: Vec<String> = all.iter().map(|v| format!("'{}'", as_str(v))).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("Input should be {} or {last}", rest.join(", ")),
        Some((last, _)) => format!("Input should be {last}"),
        None => "Input should be a known value".into(),
    }
}

// ---------------------------------------------------------------------------
// Upstream: JTL-SCX Channel API
// ---------------------------------------------------------------------------

/// `TicketFrom`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TicketFrom {
    pub role: Role,
    pub name: String,
}

/// `TicketReference`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TicketReference {
    #[serde(rename = "type", default)]
    pub kind: ReferenceType,
    pub id: String,
}

/// `TicketAttachment`: announced in the ticket, uploaded afterwards.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketAttachment {
    pub filename: String,
    pub content_type: String,
}

fn default_true() -> bool {
    true
}

/// Body of `POST /v1/channel/ticket`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChannelTicket {
    pub seller_id: String,
    pub ticket_id: String,
    pub topic: Topic,
    /// RFC 3339 date-time.
    pub created_at: String,
    pub from: TicketFrom,
    pub subject: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<TicketReference>,
    #[serde(default = "default_true")]
    pub reply_requested: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment: Vec<TicketAttachment>,
}

impl ChannelTicket {
    /// Every rule of the doc (and the assumed ones, see the constants),
    /// each violation once, `loc` in the doc's camelCase field names.
    pub fn validate(&self) -> Vec<ValidationIssue> {
        let mut out = Vec::new();
        if !is_valid_seller_id(&self.seller_id) {
            out.push(issue("string_pattern_mismatch", loc(&["sellerId"]), "String should match pattern '^\\w{1,50}$'"));
        }
        check_len(&mut out, loc(&["ticketId"]), &self.ticket_id, 1, MAX_TICKET_ID_CHARS);
        if let Topic::Unlisted(_) = self.topic {
            out.push(issue("enum", loc(&["topic"]), enum_msg(Topic::ALL, Topic::as_str)));
        }
        if !is_rfc3339(&self.created_at) {
            out.push(issue("datetime_from_date_parsing", loc(&["createdAt"]), "Input should be a valid datetime"));
        }
        if let Role::Unlisted(_) = self.from.role {
            out.push(issue("enum", loc(&["from", "role"]), enum_msg(Role::ALL, Role::as_str)));
        }
        check_len(&mut out, loc(&["from", "name"]), &self.from.name, 1, MAX_TEXT_CHARS);
        check_len(&mut out, loc(&["subject"]), &self.subject, 1, MAX_TEXT_CHARS);
        check_len(&mut out, loc(&["message"]), &self.message, 1, MAX_TEXT_CHARS);
        if let Some(r) = &self.reference {
            if let ReferenceType::Unlisted(_) = r.kind {
                out.push(issue(
                    "enum",
                    loc(&["reference", "type"]),
                    enum_msg(ReferenceType::ALL, ReferenceType::as_str),
                ));
            }
            check_len(&mut out, loc(&["reference", "id"]), &r.id, 1, MAX_REFERENCE_CHARS);
        }
        if self.attachment.len() > MAX_ATTACHMENTS {
            out.push(issue(
                "too_long",
                loc(&["attachment"]),
                format!(
                    "List should have at most {MAX_ATTACHMENTS} items after validation, not {}",
                    self.attachment.len()
                ),
            ));
        }
        for (i, a) in self.attachment.iter().enumerate() {
            let idx = i.to_string();
            if let Some(p) = filename_problem(&a.filename) {
                out.push(issue("value_error", loc(&["attachment", &idx, "filename"]), p));
            } else if self.attachment[..i].iter().any(|b| b.filename == a.filename) {
                out.push(issue(
                    "value_error",
                    loc(&["attachment", &idx, "filename"]),
                    "Filenames must be unique within a ticket",
                ));
            }
            if !is_allowed_attachment_type(&a.content_type) {
                out.push(issue(
                    "value_error",
                    loc(&["attachment", &idx, "contentType"]),
                    "Content type must be plain text, PDF, Word, Excel or an image",
                ));
            }
        }
        out
    }
}

/// JSON of the `attachmentData` part of `POST /v1/channel/ticket/attachment`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AttachmentData {
    pub seller_id: String,
    pub ticket_id: String,
    pub filename: String,
}

impl AttachmentData {
    pub fn validate(&self) -> Vec<ValidationIssue> {
        let mut out = Vec::new();
        if !is_valid_seller_id(&self.seller_id) {
            out.push(issue("string_pattern_mismatch", loc(&["sellerId"]), "String should match pattern '^\\w{1,50}$'"));
        }
        check_len(&mut out, loc(&["ticketId"]), &self.ticket_id, 1, MAX_TICKET_ID_CHARS);
        if let Some(p) = filename_problem(&self.filename) {
            out.push(issue("value_error", loc(&["filename"]), p));
        }
        out
    }
}

/// Answer of `POST /v1/auth`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthResponse {
    pub auth_token: String,
    /// When the token expires (date-time string as sent; not interpreted).
    #[serde(default)]
    pub token_expire_at: Value,
    /// Lifetime in seconds from now.
    pub expires_in: u64,
}

/// One entry of `GET /v1/channel/event`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ChannelEvent {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub created_at: String,
    /// The payload; its shape depends on `type`.
    #[serde(default)]
    pub event: Value,
}

impl ChannelEvent {
    /// The payload as a ticket reply, for `Seller:Ticket.Reply` events.
    pub fn ticket_reply(&self) -> Option<TicketReply> {
        (self.kind == EVENT_TICKET_REPLY).then(|| serde_json::from_value(self.event.clone()).ok()).flatten()
    }
}

/// Answer of `GET /v1/channel/event`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventList {
    #[serde(default)]
    pub event_list: Vec<ChannelEvent>,
}

/// Body of `DELETE /v1/channel/event`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct EventAck {
    pub event_id_list: Vec<String>,
}

/// Payload of a `Seller:Ticket.Reply` event: the seller's answer, shaped
/// like the Seller API's `POST /v1/seller/ticket` body (assumed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct TicketReply {
    #[serde(default)]
    pub seller_id: String,
    pub ticket_id: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub from: Option<TicketFrom>,
    pub message: String,
    #[serde(default)]
    pub attachment: Vec<TicketAttachment>,
}

/// One entry of JTL's error answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct JtlError {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub hint: String,
}

/// `{"errorList": [...]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorList {
    #[serde(default)]
    pub error_list: Vec<JtlError>,
}

// ---------------------------------------------------------------------------
// Widget ⇄ proxy
// ---------------------------------------------------------------------------

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
}

/// Answer of `GET {proxy}/channel/ticket/{ticketId}/messages`: oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Conversation {
    pub ticket_id: String,
    pub messages: Vec<ConversationMessage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> ChannelTicket {
        serde_json::from_str(
            r#"{"sellerId":"4711","ticketId":"CASE-01071982","topic":"QUESTION","createdAt":"2023-11-07T05:31:56Z",
                "from":{"role":"BUYER","name":"Dave"},"subject":"Pod bay door seems to be locked.",
                "message":"Open the pod bay doors HAL.","reference":{"type":"ORDERID","id":"19820701"},
                "replyRequested":true,"attachment":[{"filename":"RedDot.png","contentType":"image/png"}]}"#,
        )
        .unwrap()
    }

    fn fields(issues: &[ValidationIssue]) -> Vec<String> {
        issues.iter().map(|i| i.loc.join(".")).collect()
    }

    #[test]
    fn doc_example_round_trips_and_is_valid() {
        let t = ticket();
        assert!(t.validate().is_empty(), "{:?}", t.validate());
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["from"]["role"], "BUYER");
        assert_eq!(v["reference"]["type"], "ORDERID");
        assert_eq!(v["attachment"][0]["contentType"], "image/png");
        assert_eq!(serde_json::from_value::<ChannelTicket>(v).unwrap(), t);
    }

    #[test]
    fn reply_requested_defaults_true_and_reference_type_to_orderid() {
        let t: ChannelTicket = serde_json::from_str(
            r#"{"sellerId":"1","ticketId":"x","topic":"FEEDBACK","createdAt":"2023-11-07T05:31:56+01:00",
                "from":{"role":"BUYER","name":"D"},"subject":"s","message":"m","reference":{"id":"1"}}"#,
        )
        .unwrap();
        assert!(t.reply_requested);
        assert_eq!(t.reference.as_ref().unwrap().kind, ReferenceType::OrderId);
        assert!(t.validate().is_empty());
        let v = serde_json::to_value(&t).unwrap();
        assert!(v.get("attachment").is_none());
    }

    #[test]
    fn every_enum_value() {
        let topics: Vec<&str> = Topic::ALL.iter().map(Topic::as_str).collect();
        assert_eq!(topics, ["QUESTION", "FEEDBACK", "DELIVERY", "RETURN", "REFUND", "INCIDENT"]);
        let refs: Vec<&str> = ReferenceType::ALL.iter().map(ReferenceType::as_str).collect();
        assert_eq!(refs, ["ORDERID", "OFFER", "CHANNELOFFER", "ORDERITEMID"]);
        let mut t = ticket();
        t.topic = Topic::from_wire("COMPLAINT");
        t.from.role = Role::from_wire("ROBOT");
        t.reference.as_mut().unwrap().kind = ReferenceType::from_wire("SKU");
        let issues = t.validate();
        assert_eq!(fields(&issues), ["topic", "from.role", "reference.type"]);
        assert_eq!(
            issues[0].msg,
            "Input should be 'QUESTION', 'FEEDBACK', 'DELIVERY', 'RETURN', 'REFUND' or 'INCIDENT'"
        );
    }

    #[test]
    fn seller_id_pattern() {
        for ok in ["4711", "a", "EA4590MitName", "_", &"x".repeat(50)] {
            assert!(is_valid_seller_id(ok), "{ok}");
        }
        for bad in ["", &"x".repeat(51), "47 11", "a-b", "ä", "a.b", "4711\n"] {
            assert!(!is_valid_seller_id(bad), "{bad:?}");
        }
        let mut t = ticket();
        t.seller_id = "no-dashes".into();
        assert_eq!(fields(&t.validate()), ["sellerId"]);
        assert_eq!(t.validate()[0].kind, "string_pattern_mismatch");
    }

    #[test]
    fn text_lengths_in_characters() {
        let mut t = ticket();
        t.subject = "ä".repeat(1024);
        t.message = "m".repeat(1024);
        t.from.name = "n".repeat(1024);
        t.ticket_id = "t".repeat(256);
        assert!(t.validate().is_empty());
        t.subject = "ä".repeat(1025);
        t.message = String::new();
        t.from.name = "n".repeat(1025);
        t.ticket_id = "t".repeat(257);
        let issues = t.validate();
        assert_eq!(fields(&issues), ["ticketId", "from.name", "subject", "message"]);
        assert_eq!(issues[2].kind, "string_too_long");
        assert_eq!(issues[2].msg, "String should have at most 1024 characters");
        assert_eq!(issues[3].kind, "string_too_short");
        t = ticket();
        t.ticket_id = String::new();
        assert_eq!(fields(&t.validate()), ["ticketId"]);
    }

    #[test]
    fn created_at_must_be_a_date_time() {
        for ok in ["2023-11-07T05:31:56Z", "2023-11-07T05:31:56.123Z", "2026-03-15T10:30:00+00:00"] {
            assert!(is_rfc3339(ok), "{ok}");
        }
        for bad in [
            "",
            "2023-11-07",
            "2023-13-07T05:31:56Z",
            "2023-11-07 05:31:56Z",
            "2023-11-07T05:31:56",
            "2023-11-07T05:31:56+0100",
        ] {
            assert!(!is_rfc3339(bad), "{bad}");
        }
        let mut t = ticket();
        t.created_at = "yesterday".into();
        assert_eq!(fields(&t.validate()), ["createdAt"]);
    }

    #[test]
    fn at_most_ten_attachments_unique_names_allowed_types() {
        let mut t = ticket();
        t.attachment = (0..10)
            .map(|i| TicketAttachment { filename: format!("f{i}.pdf"), content_type: "application/pdf".into() })
            .collect();
        assert!(t.validate().is_empty());
        t.attachment.push(TicketAttachment { filename: "f10.pdf".into(), content_type: "application/pdf".into() });
        let issues = t.validate();
        assert_eq!(fields(&issues), ["attachment"]);
        assert_eq!(issues[0].msg, "List should have at most 10 items after validation, not 11");
        t.attachment.truncate(2);
        t.attachment[1].filename = "f0.pdf".into();
        t.attachment[0].content_type = "application/zip".into();
        assert_eq!(fields(&t.validate()), ["attachment.0.contentType", "attachment.1.filename"]);
        t.attachment[1].filename = "../etc/passwd".into();
        t.attachment[0].content_type = "application/pdf".into();
        assert_eq!(fields(&t.validate()), ["attachment.1.filename"]);
    }

    #[test]
    fn reference_id_length() {
        let mut t = ticket();
        t.reference.as_mut().unwrap().id = String::new();
        assert_eq!(fields(&t.validate()), ["reference.id"]);
        t.reference.as_mut().unwrap().id = "1".repeat(257);
        assert_eq!(fields(&t.validate()), ["reference.id"]);
    }

    #[test]
    fn attachment_types() {
        for ok in [
            "text/plain",
            "text/plain; charset=utf-8",
            "application/pdf",
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.ms-excel",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "image/png",
            "IMAGE/JPEG",
            "image/webp",
        ] {
            assert!(is_allowed_attachment_type(ok), "{ok}");
        }
        for bad in ["text/html", "image/svg+xml", "application/zip", "application/octet-stream", "video/mp4", ""] {
            assert!(!is_allowed_attachment_type(bad), "{bad}");
        }
    }

    #[test]
    fn filenames() {
        assert_eq!(filename_problem("invoice.pdf"), None);
        assert_eq!(filename_problem(&"a".repeat(255)), None);
        assert!(filename_problem("").is_some());
        assert!(filename_problem("  ").is_some());
        assert!(filename_problem(&"a".repeat(256)).is_some());
        assert!(filename_problem("a/b.pdf").is_some());
        assert!(filename_problem("a\\b.pdf").is_some());
        assert!(filename_problem("..").is_some());
        assert!(filename_problem("a\nb").is_some());
        let d = AttachmentData { seller_id: "4711".into(), ticket_id: "T".into(), filename: "a/b".into() };
        assert_eq!(fields(&d.validate()), ["filename"]);
        let v = serde_json::to_value(AttachmentData { filename: "x.png".into(), ..d }).unwrap();
        assert_eq!(v, serde_json::json!({"sellerId": "4711", "ticketId": "T", "filename": "x.png"}));
    }

    #[test]
    fn auth_events_and_errors_parse() {
        let a: AuthResponse =
            serde_json::from_str(r#"{"authToken":"t","tokenExpireAt":"2023-11-07T06:31:56Z","expiresIn":3600}"#)
                .unwrap();
        assert_eq!((a.auth_token.as_str(), a.expires_in), ("t", 3600));
        let l: EventList = serde_json::from_str(
            r#"{"eventList":[{"id":"e1","type":"Seller:Ticket.Reply","createdAt":"2023-11-07T06:00:00+00:00",
                "event":{"sellerId":"4711","ticketId":"T1","createdAt":"2023-11-07T06:00:00Z","from":{"role":"SELLER","name":"Shop"},
                "message":"Hello","attachment":[{"filename":"a.pdf","contentType":"application/pdf"}]}},
               {"id":"e2","type":"Seller:Meta.SellerAttributesUpdateRequest","event":{"sellerId":"1"}}]}"#,
        )
        .unwrap();
        let r = l.event_list[0].ticket_reply().unwrap();
        assert_eq!((r.ticket_id.as_str(), r.message.as_str()), ("T1", "Hello"));
        assert_eq!(r.from.unwrap().role, Role::Seller);
        assert!(l.event_list[1].ticket_reply().is_none());
        let ack = serde_json::to_value(EventAck { event_id_list: vec!["e1".into()] }).unwrap();
        assert_eq!(ack, serde_json::json!({"eventIdList": ["e1"]}));
        let e: ErrorList = serde_json::from_str(
            r#"{"errorList":[{"code":"VAL100","message":"Required field sellerId not found","severity":"error","hint":"h"}]}"#,
        )
        .unwrap();
        assert_eq!(e.error_list[0].code, "VAL100");
    }

    fn contact() -> ContactRequest {
        decode_contact(
            br#"{"topic":"QUESTION","buyer_name":"Dave","subject":"Door","message":"Open it",
                 "order_reference":{"type":"ORDERID","value":"19820701"},"reply_wanted":true,
                 "attachments":[{"file_token":"jtlf_0123456789abcdef0123456789abcdef","filename":"a.png"}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn contact_request_valid_and_defaults() {
        assert!(contact().validate().is_empty());
        let c = decode_contact(
            br#"{"topic":"REFUND","buyer_name":"D","subject":"s","message":"m","order_reference":null}"#,
        )
        .unwrap();
        assert!(c.validate().is_empty());
        assert_eq!(c.reply_wanted, None);
        let c = decode_contact(
            br#"{"topic":"REFUND","buyer_name":"D","subject":"s","message":"m","order_reference":{"value":"1"}}"#,
        )
        .unwrap();
        assert_eq!(c.order_reference.unwrap().kind, ReferenceType::OrderId);
    }

    #[test]
    fn contact_request_reports_every_missing_field() {
        let issues = decode_contact(b"{}").unwrap().validate();
        assert_eq!(fields(&issues), ["topic", "buyer_name", "subject", "message"]);
        assert!(issues.iter().all(|i| i.kind == "missing" && i.msg == "Field required"));
        let text = crate::error::format_validation_detail(&issues);
        assert!(text
            .starts_with("Validation Error. Errors: [{'type': 'missing', 'loc': ('topic',), 'msg': 'Field required'}"));
        assert_eq!(crate::error::parse_validation_detail(&text), issues);
    }

    #[test]
    fn contact_request_lengths_and_blanks() {
        let mut c = contact();
        c.subject = Some("x".repeat(1025));
        c.message = Some("   ".into());
        c.buyer_name = Some("ü".repeat(1024));
        let issues = c.validate();
        assert_eq!(fields(&issues), ["subject", "message"]);
        assert_eq!(issues[0].kind, "string_too_long");
        assert_eq!(issues[1].kind, "string_too_short");
        c = contact();
        c.order_reference.as_mut().unwrap().value = String::new();
        c.topic = Some(Topic::from_wire("SPAM"));
        assert_eq!(fields(&c.validate()), ["topic", "order_reference.value"]);
        c = contact();
        c.order_reference = Some(OrderReference { kind: ReferenceType::from_wire("X"), value: "1".repeat(257) });
        assert_eq!(fields(&c.validate()), ["order_reference.type", "order_reference.value"]);
    }

    #[test]
    fn contact_request_attachments() {
        let mut c = contact();
        c.attachments = (0..11)
            .map(|i| ContactAttachment { file_token: format!("jtlf_{i:032x}"), filename: format!("{i}.pdf") })
            .collect();
        assert_eq!(fields(&c.validate()), ["attachments"]);
        c.attachments.truncate(10);
        assert!(c.validate().is_empty());
        c.attachments.truncate(3);
        c.attachments[1].file_token = "not-a-token".into();
        c.attachments[2].file_token = c.attachments[0].file_token.clone();
        c.attachments[2].filename = "0.pdf".into();
        assert_eq!(
            fields(&c.validate()),
            ["attachments.1.file_token", "attachments.2.file_token", "attachments.2.filename"]
        );
        assert!(is_file_token("jtlf_0123456789abcdef0123456789abcdef"));
        assert!(!is_file_token("jtlf_0123456789ABCDEF0123456789abcdef"));
        assert!(!is_file_token("jtlf_../../etc/passwd"));
    }

    #[test]
    fn contact_request_refuses_seller_id_and_unknown_fields() {
        for body in [&br#"{"topic":"QUESTION","sellerId":"evil"}"#[..], br#"{"topic":"QUESTION","seller_id":"evil"}"#] {
            let issues = decode_contact(body).unwrap_err().unwrap();
            assert_eq!(issues.len(), 1);
            assert_eq!(issues[0].kind, "extra_forbidden");
            assert!(issues[0].loc[0].to_ascii_lowercase().starts_with("seller"));
        }
        let issues = decode_contact(br#"{"subject":5,"attachments":[{"file_token":"x","filename":"y","url":"z"}]}"#)
            .unwrap_err()
            .unwrap();
        assert_eq!(fields(&issues), ["attachments", "subject"]);
        assert_eq!(issues[0].kind, "extra_forbidden");
        assert_eq!(issues[1].kind, "invalid_type");
        assert!(decode_contact(b"nope").unwrap_err().is_none());
        assert!(decode_contact(b"[]").unwrap_err().is_some());
    }
}
