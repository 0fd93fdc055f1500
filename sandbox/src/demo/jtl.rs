//! The JTL-SCX simulator's demo seller and the reply it sends to every
//! ticket.

use parcel_desk_wire::jtl::{ChannelTicket, TicketAttachment};

/// The seller id the sandbox knows (the doc's example).
pub const SANDBOX_SELLER_ID: &str = "4711";

/// The name a seller reply is signed with.
pub const SELLER_NAME: &str = "Sandbox Shop";

/// The seller's reply to `ticket`: its text and attachment list.
pub fn reply_to(ticket: &ChannelTicket) -> (String, Vec<TicketAttachment>) {
    let text = format!(
        "Hello {}, thank you for your message \"{}\". We have received it and will get back to you shortly. (sandbox reply)",
        ticket.from.name, ticket.subject
    );
    let att = vec![TicketAttachment { filename: "sandbox-reply.pdf".into(), content_type: "application/pdf".into() }];
    (text, att)
}
