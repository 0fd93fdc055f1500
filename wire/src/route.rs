//! The proxy contract: every route the widget may call, relative to the
//! proxy URL (default prefix `/api`).
//!
//! This table is the one source of the contract. The widget builds every
//! URL with [`Route::path`] and [`Route::url`]; the proxy parses every
//! request with [`Route::parse`] (its allowlist: what does not parse does
//! not exist); the README's route table is checked against [`ROUTES`].
//!
//! Parsing works on the raw path below the prefix, before any decoding. A
//! path that has the shape of a route but a parameter the proxy can never
//! have issued (a ticket id that is not an int64, a tracking number with
//! a `/` or a control character once decoded) parses into the route with the raw segment kept
//! ([`TicketRef::Invalid`], [`TrackingRef::Invalid`], [`ChannelTicketRef::Invalid`]),
//! so that the proxy answers it exactly like a missing one (no way to tell
//! "malformed" from "unknown") and `parse(build(route)) == route` holds for
//! every value.

use crate::claim::ClaimType;

mod segment;
mod table;

pub use segment::{
    encode_component, is_channel_attachment_id, is_channel_ticket_id, parse_ticket_id, parse_uuid, percent_decode,
    raw_path_is_clean, valid_tracking_number,
};
use segment::{encode_segment, single_segment};
pub use table::{examples, markdown_table, ROUTES};
use table::{CLAIM_QUERY, REQUESTED_DATA_QUERY, STAFF_LIST_QUERY, TICKET_QUERY, TRACKING_QUERY};

/// The HTTP methods of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// `"GET"` or `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }

    /// Parses an upper-case method name; anything else is `None`.
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            _ => None,
        }
    }
}

/// Header names of the contract (lower-case, as HTTP/2 sends them).
pub mod headers {
    /// Client-chosen key that makes a creation safe to repeat: a repeated
    /// key replays the first answer.
    pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
    /// The access token of one ticket (issued with its creation).
    pub const TICKET_TOKEN: &str = "x-ticket-token";
    /// `Bearer <staff token>` on the staff routes (`staff.token` or one of
    /// `staff.tokens`).
    pub const AUTHORIZATION: &str = "authorization";
    /// Set (`true`) on an answer replayed for a repeated idempotency key.
    pub const IDEMPOTENT_REPLAYED: &str = "idempotent-replayed";
    /// Seconds to wait after a 429 or 503.
    pub const RETRY_AFTER: &str = "retry-after";
}

/// The ticket segment of `GET /dsf/tickets/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TicketRef {
    /// The int64 ticket id of the Support API.
    Id(i64),
    /// The UUID the creation answered, lower-case and hyphenated.
    Uuid(String),
    /// Any other single segment, kept as the raw (percent-encoded) path
    /// segment: answered like a missing ticket.
    Invalid(String),
}

impl TicketRef {
    /// Classifies one raw path segment.
    pub fn parse(seg: &str) -> TicketRef {
        if let Some(uuid) = parse_uuid(seg) {
            return TicketRef::Uuid(uuid);
        }
        match parse_ticket_id(seg) {
            Some(id) => TicketRef::Id(id),
            None => TicketRef::Invalid(seg.to_owned()),
        }
    }

    /// The reference a customer or a link gives (digits or a UUID), trimmed;
    /// anything else is [`TicketRef::Invalid`], encoded to stay one segment.
    pub fn from_input(s: &str) -> TicketRef {
        match TicketRef::parse(s.trim()) {
            TicketRef::Invalid(_) => TicketRef::Invalid(encode_segment(s.trim())),
            valid => valid,
        }
    }

    fn segment(&self) -> String {
        match self {
            TicketRef::Id(id) => id.to_string(),
            TicketRef::Uuid(u) => u.clone(),
            TicketRef::Invalid(raw) => raw.clone(),
        }
    }
}

/// The tracking-number segment of `GET /parcels/tracking/{tracking_number}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TrackingRef {
    /// The decoded tracking number: 1–255 characters, no `/`, `\`
    /// or control character, not `.` or `..` ([`valid_tracking_number`]).
    /// In a path it is percent-encoded with [`encode_component`].
    Number(String),
    /// Any other single segment, kept as the raw (percent-encoded) path
    /// segment: answered like an unknown parcel.
    Invalid(String),
}

impl TrackingRef {
    /// Classifies a number the customer typed (trimmed); anything else is
    /// [`TrackingRef::Invalid`], encoded to stay one segment.
    pub fn parse(input: &str) -> TrackingRef {
        let input = input.trim();
        if valid_tracking_number(input) {
            TrackingRef::Number(input.to_owned())
        } else {
            TrackingRef::Invalid(encode_segment(input))
        }
    }

    /// Classifies one raw path segment: percent-decoded, then checked.
    fn parse_raw(seg: &str) -> TrackingRef {
        match percent_decode(seg) {
            Some(number) if valid_tracking_number(&number) => TrackingRef::Number(number),
            _ => TrackingRef::Invalid(seg.to_owned()),
        }
    }

    fn segment(&self) -> String {
        match self {
            TrackingRef::Number(n) => encode_segment(n),
            TrackingRef::Invalid(raw) => raw.clone(),
        }
    }
}

/// The ticket segment of `GET /channel/ticket/{id}/messages`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChannelTicketRef {
    /// `PD-` and 32 lower-case hex digits: what the proxy issues.
    Id(String),
    /// Any other single segment, kept as the raw (percent-encoded) path
    /// segment: answered like an unknown ticket.
    Invalid(String),
}

impl ChannelTicketRef {
    /// Classifies one raw path segment (or an id as the proxy answered it).
    pub fn parse(seg: &str) -> ChannelTicketRef {
        if is_channel_ticket_id(seg) {
            ChannelTicketRef::Id(seg.to_owned())
        } else {
            ChannelTicketRef::Invalid(seg.to_owned())
        }
    }

    fn segment(&self) -> String {
        match self {
            ChannelTicketRef::Id(id) => id.clone(),
            ChannelTicketRef::Invalid(raw) => raw.clone(),
        }
    }
}

/// The attachment segment of
/// `GET /channel/ticket/{id}/attachments/{attachment_id}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ChannelAttachmentRef {
    /// 16 lower-case hex digits: what the conversation answers.
    Id(String),
    /// Any other single segment, kept raw: answered like an unknown one.
    Invalid(String),
}

impl ChannelAttachmentRef {
    /// Classifies one raw path segment (or an id as the conversation
    /// answered it).
    pub fn parse(seg: &str) -> ChannelAttachmentRef {
        if is_channel_attachment_id(seg) {
            ChannelAttachmentRef::Id(seg.to_owned())
        } else {
            ChannelAttachmentRef::Invalid(encode_segment(seg))
        }
    }

    fn parse_raw(seg: &str) -> ChannelAttachmentRef {
        if is_channel_attachment_id(seg) {
            ChannelAttachmentRef::Id(seg.to_owned())
        } else {
            ChannelAttachmentRef::Invalid(seg.to_owned())
        }
    }

    fn segment(&self) -> String {
        match self {
            ChannelAttachmentRef::Id(id) => id.clone(),
            ChannelAttachmentRef::Invalid(raw) => raw.clone(),
        }
    }
}

/// The claim segment of the staff routes `/staff/claims/{claim_id}…`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ClaimIdRef {
    /// The proxy's claim id: a UUID, lower-case and hyphenated.
    Id(String),
    /// Any other single segment, kept raw: answered like an unknown claim.
    Invalid(String),
}

impl ClaimIdRef {
    /// Classifies one raw path segment (or a claim id as the proxy answered it).
    pub fn parse(seg: &str) -> ClaimIdRef {
        match parse_uuid(seg) {
            Some(id) => ClaimIdRef::Id(id),
            None => ClaimIdRef::Invalid(encode_segment(seg)),
        }
    }

    fn parse_raw(seg: &str) -> ClaimIdRef {
        match parse_uuid(seg) {
            Some(id) => ClaimIdRef::Id(id),
            None => ClaimIdRef::Invalid(seg.to_owned()),
        }
    }

    fn segment(&self) -> String {
        match self {
            ClaimIdRef::Id(id) | ClaimIdRef::Invalid(id) => id.clone(),
        }
    }
}

/// True for what the staff file route takes as a file token: 1–200 of
/// `A-Z a-z 0-9 . _ -`, not `.` or `..`.
pub fn valid_file_token(s: &str) -> bool {
    (1..=200).contains(&s.len())
        && s != "."
        && s != ".."
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The file segment of `GET /staff/claims/{claim_id}/files/{file_token}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FileTokenRef {
    /// A file token ([`valid_file_token`]).
    Token(String),
    /// Any other single segment, kept raw: answered like an unknown file.
    Invalid(String),
}

impl FileTokenRef {
    /// Classifies a token as the proxy answered it.
    pub fn parse(seg: &str) -> FileTokenRef {
        if valid_file_token(seg) {
            FileTokenRef::Token(seg.to_owned())
        } else {
            FileTokenRef::Invalid(encode_segment(seg))
        }
    }

    fn parse_raw(seg: &str) -> FileTokenRef {
        if valid_file_token(seg) {
            FileTokenRef::Token(seg.to_owned())
        } else {
            FileTokenRef::Invalid(seg.to_owned())
        }
    }

    fn segment(&self) -> String {
        match self {
            FileTokenRef::Token(t) | FileTokenRef::Invalid(t) => t.clone(),
        }
    }
}

/// One route of the proxy contract, with its typed path parameters.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    /// `POST /dsf/tickets/{type}` for each [`ClaimType`]: a claim
    /// ([`crate::ClaimRequest`] → 202 [`crate::ClaimCreated`]).
    CreateClaim(ClaimType),
    /// `POST /dsf/files`: one evidence file (multipart, part `file`) →
    /// 201 [`crate::FileTokenResponse`].
    UploadFile,
    /// `GET /dsf/tickets/{id}` → [`crate::TicketResponse`], or 202
    /// [`crate::TicketPending`] while upstream registers a new claim.
    GetTicket(TicketRef),
    /// `GET /dsf/tickets/requested-data?ticket=…` →
    /// [`crate::requested_data::RequestedDataList`].
    GetRequestedData,
    /// `POST /dsf/tickets/requested-data?ticket=…`: answers to the carrier's
    /// requests ([`crate::requested_data::RequestedDataAnswer`]) → 201.
    AnswerRequestedData,
    /// `GET /parcels/tracking/{tracking_number}` →
    /// [`crate::tracking::ParcelTrackingResponse`].
    Tracking(TrackingRef),
    /// `POST /parcels/tracking` (staff only):
    /// [`crate::tracking::RegisterParcelRequest`] →
    /// [`crate::tracking::RegisterParcelResponse`].
    RegisterParcel,
    /// `POST /channel/ticket`: a question to the shop
    /// ([`crate::jtl::ContactRequest`] → [`crate::jtl::ContactCreated`]).
    ChannelCreate,
    /// `POST /channel/ticket/attachment-upload`: one attachment (multipart,
    /// part `file`) → [`crate::FileTokenResponse`] (the
    /// same answer as `POST /dsf/files`).
    ChannelUpload,
    /// `GET /channel/ticket/{id}/messages` → [`crate::jtl::Conversation`].
    ChannelMessages(ChannelTicketRef),
    /// `GET /channel/ticket/{id}/attachments/{attachment_id}`: one file of a
    /// seller reply (its bytes, as a download).
    ChannelAttachment(ChannelTicketRef, ChannelAttachmentRef),
    /// `GET /openapi.json`: this contract as an OpenAPI 3.1 document.
    OpenApi,
    /// `POST /claims`: a customer's claim in their own words
    /// ([`crate::customer::CustomerClaim`] → 202
    /// [`crate::customer::CustomerClaimCreated`]).
    CustomerClaim,
    /// `POST /claims/lookup`: a claim by its reference and the customer's
    /// e-mail address or postal code ([`crate::customer::ClaimLookup`] →
    /// [`crate::customer::ClaimFound`]).
    ClaimLookup,
    /// `GET /staff/claims?state=<bucket>&page=<n>` (staff only): the
    /// inbox → [`crate::inbox::InboxList`].
    StaffClaims,
    /// `GET /staff/claims/{claim_id}` (staff only) →
    /// [`crate::inbox::InboxClaim`].
    StaffClaim(ClaimIdRef),
    /// `GET /staff/claims/{claim_id}/files/{file_token}` (staff only): the
    /// bytes of a file the claim references, as the proxy kept them.
    StaffClaimFile(ClaimIdRef, FileTokenRef),
    /// `POST /staff/claims/{claim_id}/complete` (staff only):
    /// [`crate::inbox::ShopCompletion`] → [`crate::inbox::InboxClaim`].
    StaffComplete(ClaimIdRef),
    /// `POST /staff/claims/{claim_id}/approve` (staff only, no body) →
    /// [`crate::inbox::InboxClaim`].
    StaffApprove(ClaimIdRef),
    /// `POST /staff/claims/{claim_id}/reject` (staff only):
    /// [`crate::inbox::RejectClaim`] → [`crate::inbox::InboxClaim`].
    StaffReject(ClaimIdRef),
    /// `GET /staff/claims/{claim_id}/requested-data` (staff only): every
    /// open data request of the claim's ticket →
    /// [`crate::requested_data::RequestedDataList`].
    StaffRequestedData(ClaimIdRef),
    /// `POST /staff/claims/{claim_id}/requested-data` (staff only): an
    /// answer ([`crate::requested_data::RequestedDataAnswer`]) → 201.
    StaffAnswerRequestedData(ClaimIdRef),
}

/// What the body of a route is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// `application/json`, the named wire type.
    Json(&'static str),
    /// `multipart/form-data` with exactly one part `file`.
    MultipartFile,
}

/// Everything the contract says about one kind of route, as data: the
/// source of the README's route table (checked by a test) and of the
/// proxy's allowlist of query keys and headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RouteSpec {
    /// The method.
    pub method: Method,
    /// The path with `{parameters}`, e.g. `/dsf/tickets/{id}`.
    pub path: &'static str,
    /// Query keys the route accepts (each at most once); any other key is a
    /// 400.
    pub query: &'static [&'static str],
    /// Request headers the route reads beyond `content-type`; the CORS
    /// preflight allows exactly these.
    pub headers: &'static [&'static str],
    /// The request body.
    pub request: Body,
    /// The success answer: status and wire type.
    pub response: (u16, &'static str),
    /// True for ticket creations (the stricter per-client creation limit).
    pub creates: bool,
    /// The upstream call it makes (`same` when it mirrors the path).
    pub upstream: &'static str,
    /// What else a proxy implementing it must know, one sentence or two.
    pub notes: &'static str,
}

impl Route {
    /// The route's entry in [`ROUTES`].
    pub fn spec(&self) -> &'static RouteSpec {
        let i = match self {
            Route::CreateClaim(t) => ClaimType::ALL.iter().position(|x| x == t).expect("every claim type is listed"),
            Route::UploadFile => 7,
            Route::GetTicket(_) => 8,
            Route::GetRequestedData => 9,
            Route::AnswerRequestedData => 10,
            Route::Tracking(_) => 11,
            Route::RegisterParcel => 12,
            Route::ChannelUpload => 13,
            Route::ChannelCreate => 14,
            Route::ChannelMessages(_) => 15,
            Route::ChannelAttachment(..) => 16,
            Route::OpenApi => 17,
            Route::CustomerClaim => 18,
            Route::ClaimLookup => 19,
            Route::StaffClaims => 20,
            Route::StaffClaim(_) => 21,
            Route::StaffClaimFile(..) => 22,
            Route::StaffComplete(_) => 23,
            Route::StaffApprove(_) => 24,
            Route::StaffReject(_) => 25,
            Route::StaffRequestedData(_) => 26,
            Route::StaffAnswerRequestedData(_) => 27,
        };
        &ROUTES[i]
    }

    /// The route's method (the same as its [`RouteSpec`]'s; matched here so
    /// that the widget does not link the whole table with its notes).
    pub fn method(&self) -> Method {
        match self {
            Route::GetTicket(_)
            | Route::GetRequestedData
            | Route::Tracking(_)
            | Route::ChannelMessages(_)
            | Route::ChannelAttachment(..)
            | Route::OpenApi
            | Route::StaffClaims
            | Route::StaffClaim(_)
            | Route::StaffClaimFile(..)
            | Route::StaffRequestedData(_) => Method::Get,
            _ => Method::Post,
        }
    }

    /// The query keys the route accepts (the same as its [`RouteSpec`]'s).
    pub fn query_keys(&self) -> &'static [&'static str] {
        match self {
            Route::CreateClaim(_) => CLAIM_QUERY,
            Route::GetTicket(_) => TICKET_QUERY,
            Route::GetRequestedData | Route::AnswerRequestedData => REQUESTED_DATA_QUERY,
            Route::Tracking(_) => TRACKING_QUERY,
            Route::StaffClaims => STAFF_LIST_QUERY,
            _ => &[],
        }
    }

    /// The raw path below the proxy prefix, parameters percent-encoded
    /// where they need it, e.g. `/dsf/tickets/1001`.
    pub fn path(&self) -> String {
        match self {
            Route::CreateClaim(t) => format!("/dsf/tickets/{}", t.as_str()),
            Route::UploadFile => "/dsf/files".into(),
            Route::GetTicket(t) => format!("/dsf/tickets/{}", t.segment()),
            Route::GetRequestedData | Route::AnswerRequestedData => "/dsf/tickets/requested-data".into(),
            Route::Tracking(t) => format!("/parcels/tracking/{}", t.segment()),
            Route::RegisterParcel => "/parcels/tracking".into(),
            Route::ChannelCreate => "/channel/ticket".into(),
            Route::ChannelUpload => "/channel/ticket/attachment-upload".into(),
            Route::ChannelMessages(t) => format!("/channel/ticket/{}/messages", t.segment()),
            Route::ChannelAttachment(t, a) => format!("/channel/ticket/{}/attachments/{}", t.segment(), a.segment()),
            Route::OpenApi => "/openapi.json".into(),
            Route::CustomerClaim => "/claims".into(),
            Route::ClaimLookup => "/claims/lookup".into(),
            Route::StaffClaims => "/staff/claims".into(),
            Route::StaffClaim(c) => format!("/staff/claims/{}", c.segment()),
            Route::StaffClaimFile(c, f) => format!("/staff/claims/{}/files/{}", c.segment(), f.segment()),
            Route::StaffComplete(c) => format!("/staff/claims/{}/complete", c.segment()),
            Route::StaffApprove(c) => format!("/staff/claims/{}/approve", c.segment()),
            Route::StaffReject(c) => format!("/staff/claims/{}/reject", c.segment()),
            Route::StaffRequestedData(c) | Route::StaffAnswerRequestedData(c) => {
                format!("/staff/claims/{}/requested-data", c.segment())
            }
        }
    }

    /// `base` (the proxy URL, without a trailing slash) + [`Route::path`] +
    /// the query, each value percent-encoded. Query keys the route does not
    /// accept are a programming error: they are left out (and caught by the
    /// tests of every caller).
    pub fn url(&self, base: &str, query: &[(&str, &str)]) -> String {
        let mut url = format!("{}{}", base.trim_end_matches('/'), self.path());
        let allowed = self.query_keys();
        let mut first = true;
        for (k, v) in query.iter().filter(|(k, _)| allowed.contains(k)) {
            url.push(if first { '?' } else { '&' });
            first = false;
            url.push_str(k);
            url.push('=');
            url.push_str(&encode_component(v));
        }
        url
    }

    /// Parses a method and the raw (not decoded) path below the prefix: the
    /// allowlist. `None` for everything that is not a route of the contract
    /// (the proxy's plain 404), including a known path with another method.
    pub fn parse(method: Method, rest: &str) -> Option<Route> {
        let route = Route::parse_path(method, rest)?;
        (route.method() == method).then_some(route)
    }

    /// The route a path names for `method`, before the method check: what a
    /// CORS preflight asks about.
    fn parse_path(method: Method, rest: &str) -> Option<Route> {
        Some(match rest {
            "/dsf/files" => Route::UploadFile,
            "/dsf/tickets/requested-data" if method == Method::Post => Route::AnswerRequestedData,
            "/dsf/tickets/requested-data" => Route::GetRequestedData,
            "/parcels/tracking" => Route::RegisterParcel,
            "/channel/ticket" => Route::ChannelCreate,
            "/channel/ticket/attachment-upload" => Route::ChannelUpload,
            "/openapi.json" => Route::OpenApi,
            "/claims" => Route::CustomerClaim,
            "/claims/lookup" => Route::ClaimLookup,
            "/staff/claims" => Route::StaffClaims,
            _ => {
                if let Some(staff) = rest.strip_prefix("/staff/claims/") {
                    return Route::parse_staff(method, staff);
                }
                if let Some(seg) = single_segment(rest, "/parcels/tracking/", "") {
                    Route::Tracking(TrackingRef::parse_raw(seg))
                } else if let Some(seg) = single_segment(rest, "/dsf/tickets/", "") {
                    match ClaimType::from_segment(seg) {
                        Some(t) => Route::CreateClaim(t),
                        None => Route::GetTicket(TicketRef::parse(seg)),
                    }
                } else if let Some(seg) = single_segment(rest, "/channel/ticket/", "/messages") {
                    Route::ChannelMessages(ChannelTicketRef::parse(seg))
                } else if let Some((t, a)) = rest
                    .strip_prefix("/channel/ticket/")
                    .and_then(|r| r.split_once("/attachments/"))
                    .filter(|(t, a)| !t.is_empty() && !a.is_empty() && !t.contains('/') && !a.contains('/'))
                {
                    Route::ChannelAttachment(ChannelTicketRef::parse(t), ChannelAttachmentRef::parse_raw(a))
                } else {
                    return None;
                }
            }
        })
    }

    /// `{claim_id}[/…]` below `/staff/claims/`.
    fn parse_staff(method: Method, rest: &str) -> Option<Route> {
        let parts: Vec<&str> = rest.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        let claim = ClaimIdRef::parse_raw(parts[0]);
        Some(match parts[1..] {
            [] => Route::StaffClaim(claim),
            ["complete"] => Route::StaffComplete(claim),
            ["approve"] => Route::StaffApprove(claim),
            ["reject"] => Route::StaffReject(claim),
            ["requested-data"] if method == Method::Post => Route::StaffAnswerRequestedData(claim),
            ["requested-data"] => Route::StaffRequestedData(claim),
            ["files", token] => Route::StaffClaimFile(claim, FileTokenRef::parse_raw(token)),
            _ => return None,
        })
    }

    /// True for the staff routes: they exist only with a valid staff token.
    pub fn is_staff(&self) -> bool {
        matches!(
            self,
            Route::RegisterParcel
                | Route::StaffClaims
                | Route::StaffClaim(_)
                | Route::StaffClaimFile(..)
                | Route::StaffComplete(_)
                | Route::StaffApprove(_)
                | Route::StaffReject(_)
                | Route::StaffRequestedData(_)
                | Route::StaffAnswerRequestedData(_)
        )
    }

    /// True for ticket creations (the stricter per-client creation limit).
    pub fn is_create(&self) -> bool {
        self.spec().creates
    }

    /// True for the JTL-SCX routes (`/channel/...`), which exist only when
    /// the proxy has JTL configured.
    pub fn is_channel(&self) -> bool {
        matches!(
            self,
            Route::ChannelCreate | Route::ChannelUpload | Route::ChannelMessages(_) | Route::ChannelAttachment(..)
        )
    }
}
