//! The JTL-SCX Channel API's own types: tickets, attachments' metadata,
//! auth, events and errors.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ValidationIssue;

use super::*;

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
