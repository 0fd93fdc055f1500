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

use crate::error::ValidationIssue;
/// RFC 3339 date-times (`createdAt`): [`crate::time`].
pub use crate::time::is_rfc3339;

mod channel;
mod contact;
#[cfg(test)]
mod tests;

pub use channel::*;
pub use contact::*;

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
