//! The contract's table: one [`RouteSpec`] per kind of route, an example
//! of each, and the README's table generated from them.

use super::{headers, Body, ChannelAttachmentRef, ChannelTicketRef, Method, Route, RouteSpec, TicketRef, TrackingRef};
use crate::claim::ClaimType;

pub(super) const CLAIM_HEADERS: &[&str] = &[headers::IDEMPOTENCY_KEY];
pub(super) const CLAIM_QUERY: &[&str] = &["is_portal_claim"];
pub(super) const TICKET_QUERY: &[&str] = &["order_number"];
pub(super) const REQUESTED_DATA_QUERY: &[&str] = &["ticket", "order_number"];
pub(super) const TRACKING_QUERY: &[&str] = &["postal_code"];
pub(super) const TICKET_HEADERS: &[&str] = &[headers::TICKET_TOKEN];

/// One example of each kind of route, in the README's order; with
/// [`Route::spec`] this is the whole contract.
pub fn examples() -> Vec<Route> {
    vec![
        Route::CreateClaim(ClaimType::Lost),
        Route::CreateClaim(ClaimType::Damage),
        Route::CreateClaim(ClaimType::DeliveredNotReceived),
        Route::CreateClaim(ClaimType::LateDelivery),
        Route::CreateClaim(ClaimType::UnjustReturn),
        Route::CreateClaim(ClaimType::AddressChange),
        Route::CreateClaim(ClaimType::Other),
        Route::UploadFile,
        Route::GetTicket(TicketRef::Id(1001)),
        Route::GetRequestedData,
        Route::AnswerRequestedData,
        Route::Tracking(TrackingRef::Number("PD-TRANSIT-0001".into())),
        Route::RegisterParcel,
        Route::ChannelUpload,
        Route::ChannelCreate,
        Route::ChannelMessages(ChannelTicketRef::Id(format!("PD-{}", "0".repeat(32)))),
        Route::ChannelAttachment(
            ChannelTicketRef::Id(format!("PD-{}", "0".repeat(32))),
            ChannelAttachmentRef::Id("0123456789abcdef".into()),
        ),
        Route::OpenApi,
        Route::CustomerClaim,
        Route::ClaimLookup,
    ]
}

/// Every route kind's spec, in the README's order.
pub static ROUTES: &[RouteSpec] = &[
    RouteSpec {
        method: Method::Post,
        path: "/dsf/tickets/lost",
        query: CLAIM_QUERY,
        headers: CLAIM_HEADERS,
        request: Body::Json("ClaimRequest"),
        response: (202, "ClaimCreated"),
        creates: true,
        upstream: "same",
        notes: "A lost claim, checked with the widget's own rules first (400 in upstream's validation format), then stored and answered 202 at once with the proxy's claim id, `access_token` and `state: \"received\"`; the proxy files it upstream by itself; a repeated `Idempotency-Key` replays the first answer",
    },
    RouteSpec {
        method: Method::Post,
        path: "/dsf/tickets/damage",
        query: CLAIM_QUERY,
        headers: CLAIM_HEADERS,
        request: Body::Json("ClaimRequest"),
        response: (202, "ClaimCreated"),
        creates: true,
        upstream: "same",
        notes: "A damage claim; the same rules as a lost claim",
    },
    RouteSpec {
        method: Method::Post,
        path: "/dsf/tickets/delivered-but-not-received",
        query: CLAIM_QUERY,
        headers: CLAIM_HEADERS,
        request: Body::Json("ClaimRequest"),
        response: (202, "ClaimCreated"),
        creates: true,
        upstream: "same",
        notes: "A claim for a parcel tracking shows as delivered that the customer did not receive; the same rules as a lost claim",
    },
    RouteSpec {
        method: Method::Post,
        path: "/dsf/tickets/late-delivery",
        query: CLAIM_QUERY,
        headers: CLAIM_HEADERS,
        request: Body::Json("ClaimRequest"),
        response: (202, "ClaimCreated"),
        creates: true,
        upstream: "same",
        notes: "A late delivery, own-contract parcels only; the same rules as a lost claim",
    },
    RouteSpec {
        method: Method::Post,
        path: "/dsf/tickets/unjust-return",
        query: CLAIM_QUERY,
        headers: CLAIM_HEADERS,
        request: Body::Json("ClaimRequest"),
        response: (202, "ClaimCreated"),
        creates: true,
        upstream: "same",
        notes: "A parcel sent back to the shop without reason; the same rules as a lost claim",
    },
    RouteSpec {
        method: Method::Post,
        path: "/dsf/tickets/address-change",
        query: CLAIM_QUERY,
        headers: CLAIM_HEADERS,
        request: Body::Json("ClaimRequest"),
        response: (202, "ClaimCreated"),
        creates: true,
        upstream: "same",
        notes: "A new delivery address (one line), before delivery; the same rules as a lost claim",
    },
    RouteSpec {
        method: Method::Post,
        path: "/dsf/tickets/other",
        query: CLAIM_QUERY,
        headers: CLAIM_HEADERS,
        request: Body::Json("ClaimRequest"),
        response: (202, "ClaimCreated"),
        creates: true,
        upstream: "same",
        notes: "Any other problem (e.g. the parcel arrived empty), with a subject and a question; the same rules as a lost claim",
    },
    RouteSpec {
        method: Method::Post,
        path: "/dsf/files",
        query: &[],
        headers: &[],
        request: Body::MultipartFile,
        response: (201, "FileTokenResponse"),
        creates: false,
        upstream: "same",
        notes: "Exactly one part `file` with filename and Content-Type; streamed; at most 6 MB, upstream's type allowlist",
    },
    RouteSpec {
        method: Method::Get,
        path: "/dsf/tickets/{id}",
        query: TICKET_QUERY,
        headers: TICKET_HEADERS,
        request: Body::None,
        response: (200, "TicketResponse"),
        creates: false,
        upstream: "`GET /dsf/tickets/{int}`",
        notes: "`{id}` is the claim id from creation (with `X-Ticket-Token`) or the int64 ticket id (with the token or `order_number`); 202 `{\"pending\": true, \"state\", \"reason\"?}` until the carrier's ticket is readable (`needs_attention` with upstream's reason when it refused the claim); anything not allowed is the same 404 as a missing ticket",
    },
    RouteSpec {
        method: Method::Get,
        path: "/dsf/tickets/requested-data",
        query: REQUESTED_DATA_QUERY,
        headers: TICKET_HEADERS,
        request: Body::None,
        response: (200, "RequestedDataList"),
        creates: false,
        upstream: "same",
        notes: "The carrier's open data requests of that ticket only; the same access rules as the status read",
    },
    RouteSpec {
        method: Method::Post,
        path: "/dsf/tickets/requested-data",
        query: REQUESTED_DATA_QUERY,
        headers: TICKET_HEADERS,
        request: Body::Json("RequestedDataAnswer"),
        response: (201, "RequestedDataAnswerCreated"),
        creates: false,
        upstream: "same",
        notes: "An answer to one of that ticket's open requests (a comment and/or files)",
    },
    RouteSpec {
        method: Method::Get,
        path: "/parcels/tracking/{tracking_number}",
        query: TRACKING_QUERY,
        headers: &[],
        request: Body::None,
        response: (200, "ParcelTrackingResponse"),
        creates: false,
        upstream: "same (Tracking API v3)",
        notes: "Personal data stripped unless the recipient's postal code matches; adds `parcel_desk.lost_claim` (eligible, reason, eligible_from)",
    },
    RouteSpec {
        method: Method::Post,
        path: "/parcels/tracking",
        query: &[],
        headers: &[headers::AUTHORIZATION],
        request: Body::Json("RegisterParcelRequest"),
        response: (200, "RegisterParcelResponse"),
        creates: false,
        upstream: "same",
        notes: "**Staff only** (`Authorization: Bearer <staff.token>`); without the header the route does not exist",
    },
    RouteSpec {
        method: Method::Post,
        path: "/channel/ticket/attachment-upload",
        query: &[],
        headers: &[],
        request: Body::MultipartFile,
        response: (201, "FileTokenResponse"),
        creates: false,
        upstream: "—",
        notes: "JTL attachments, one part `file`, at most 16 MB, JTL's type list; answers a token",
    },
    RouteSpec {
        method: Method::Post,
        path: "/channel/ticket",
        query: &[],
        headers: CLAIM_HEADERS,
        request: Body::Json("ContactRequest"),
        response: (201, "ContactCreated"),
        creates: true,
        upstream: "`POST /v1/channel/ticket` (JTL-SCX)",
        notes: "The proxy fills `sellerId`, `ticketId`, `createdAt`, `from.role`, keeps the message in its outbox, sends it, then uploads the attachments; answers the ticket id, an access token and each attachment's outcome (201), or 202 with `queued: true` when JTL-SCX cannot be reached (sent later, never lost); a repeated `Idempotency-Key` replays the first answer",
    },
    RouteSpec {
        method: Method::Get,
        path: "/channel/ticket/{id}/messages",
        query: &[],
        headers: TICKET_HEADERS,
        request: Body::None,
        response: (200, "Conversation"),
        creates: false,
        upstream: "—",
        notes: "The customer's message and the seller's replies (polled from JTL's event queue and stored by the proxy)",
    },
    RouteSpec {
        method: Method::Get,
        path: "/channel/ticket/{id}/attachments/{attachment_id}",
        query: &[],
        headers: TICKET_HEADERS,
        request: Body::None,
        response: (200, "AttachmentFile"),
        creates: false,
        upstream: "`GET /v1/channel/ticket/attachment` (JTL-SCX)",
        notes: "One file of a seller reply, by the `id` the conversation gives it, with the conversation's `X-Ticket-Token`: streamed with its content type, `Content-Disposition: attachment` (the filename sanitised), `X-Content-Type-Options: nosniff`, at most 16 MB; a wrong token and an unknown id answer the same 404 as an unknown ticket",
    },
    RouteSpec {
        method: Method::Get,
        path: "/openapi.json",
        query: &[],
        headers: &[],
        request: Body::None,
        response: (200, "OpenApiDocument"),
        creates: false,
        upstream: "—",
        notes: "This contract as an OpenAPI 3.1 document, generated from the route table and the wire types",
    },
    RouteSpec {
        method: Method::Post,
        path: "/claims",
        query: &[],
        headers: CLAIM_HEADERS,
        request: Body::Json("CustomerClaim"),
        response: (202, "CustomerClaimCreated"),
        creates: true,
        upstream: "`POST /dsf/tickets/{type}` (by the filing worker)",
        notes: "A customer's claim in their own words (never the shop's facts), checked field by field (400 in upstream's validation format), stored with a fresh reference (`PD-4K7Q-2M`) and answered 202 with the reference, the claim id, `access_token` and `state`: `received` when the shop's part is known and the upstream body is complete (the proxy files it by itself, with the customer's declaration as a PDF), else `with_shop` with what is `missing`; a late delivery for a Sendcloud-rates shop is refused (400); with the shop's order endpoint configured (`orders.url`, docs/orders.md) a claim with an order number is completed from the shop's order, and an unknown order, a wrong e-mail or a tracking number not in the order all answer the same 404 `order_not_found` (while the endpoint is down the claim waits `with_shop` with `order_facts` missing and completes by itself), and the order's invoice PDFs by URL are uploaded when it is filed, or, without the shop's sales invoice where one is required, Sendcloud generates it from the order's items; a repeated `Idempotency-Key` replays the first answer",
    },
    RouteSpec {
        method: Method::Post,
        path: "/claims/lookup",
        query: &[],
        headers: &[],
        request: Body::Json("ClaimLookup"),
        response: (200, "ClaimFound"),
        creates: false,
        upstream: "`GET /parcels/tracking/{tracking_number}` (a postal code only)",
        notes: "A claim by its reference (read leniently) and the e-mail address given with it or the parcel's recipient postal code: the claim id and a fresh access token for `GET /dsf/tickets/{id}`; a wrong pair and an unknown reference answer the same 404 as a missing ticket; limited like ticket look-ups by order number",
    },
];

/// The README's route table, generated from [`ROUTES`] (a test checks
/// that the README holds exactly this).
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| method and path | query | headers | request → answer | upstream | notes |\n|---|---|---|---|---|---|\n",
    );
    let code_list = |items: &[&str]| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            items.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
        }
    };
    for spec in ROUTES {
        let request = match spec.request {
            Body::None => "—".to_owned(),
            Body::Json(t) => format!("JSON `{t}`"),
            Body::MultipartFile => "multipart, part `file`".to_owned(),
        };
        out.push_str(&format!(
            "| `{} {}` | {} | {} | {request} → {} `{}` | {} | {}{} |\n",
            spec.method.as_str(),
            spec.path,
            code_list(spec.query),
            code_list(spec.headers),
            spec.response.0,
            spec.response.1,
            spec.upstream,
            spec.notes,
            if spec.creates { " (counted as a creation)" } else { "" },
        ));
    }
    out
}
