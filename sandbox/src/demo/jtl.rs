//! The JTL-SCX simulator's demo seller and the reply it sends to every
//! ticket (with a PDF the channel downloads with
//! `GET /v1/channel/ticket/attachment`).

use parcel_desk_wire::jtl::{ChannelTicket, TicketAttachment};

/// The seller id the sandbox knows (the doc's example).
pub const SANDBOX_SELLER_ID: &str = "4711";

/// The file every seller reply carries: a one-page PDF.
pub const REPLY_ATTACHMENT: &str = "sandbox-reply.pdf";

/// Its bytes.
pub const REPLY_ATTACHMENT_PDF: &[u8] = include_bytes!("sandbox-reply.pdf");

/// The name a seller reply is signed with.
pub const SELLER_NAME: &str = "Sandbox Shop";

/// The seller's reply to `ticket`: its text and attachment list.
pub fn reply_to(ticket: &ChannelTicket) -> (String, Vec<TicketAttachment>) {
    let text = format!(
        "Hello {}, thank you for your message \"{}\". We have received it and will get back to you shortly. (sandbox reply)",
        ticket.from.name, ticket.subject
    );
    let att = vec![TicketAttachment { filename: REPLY_ATTACHMENT.into(), content_type: "application/pdf".into() }];
    (text, att)
}
