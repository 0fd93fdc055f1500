//! Wire types of the Sendcloud Support API (v3, beta) as parcel-desk uses them.
//!
//! Pure Rust + serde (and jiff, without time zones, for RFC 3339), no web
//! dependencies: the widget (WebAssembly), the proxy and the sandbox
//! (native) share this crate, so a rule is written once and checked on
//! both sides of the wire.
//!
//! * [`claim`]: request bodies of `POST /dsf/tickets/lost` and
//!   `POST /dsf/tickets/damage`, both parcel kinds, and the spec's
//!   required-field rules as data.
//! * [`customer`]: the customer's claim (`POST /claims`) in their own
//!   words, its rules, its mapping onto upstream's fields, and the look-up
//!   by reference.
//! * [`ticket`]: `GET /dsf/tickets/{id}` response with every enum of the spec;
//!   unknown values from upstream are kept, never a deserialization error.
//! * [`requested_data`]: the carrier's data requests and their answers.
//! * [`tracking`]: Parcel Tracking API v3 (tracking response, external
//!   parcel registration) and the proxy's claim-eligibility addition.
//! * [`error`]: the Support API error envelope and a parser for the
//!   Python-style validation detail upstream puts into 400 answers.
//! * [`route`]: the proxy contract itself: every route the widget may
//!   call, built and parsed from one typed table.
//! * [`jtl`]: JTL-SCX Channel API tickets, events and errors, and the
//!   widget's contact request.
//! * [`orders`]: order facts from the shop (`docs/orders.md`).
//! * [`inbox`]: the staff inbox (`/staff/claims…`): buckets, one claim
//!   with what upstream still needs, complete / approve / reject.
//! * [`time`]: RFC 3339 date-times (jiff), as upstream writes them.
//!
//! Feature `server` (the proxy and the sandbox; never the widget):
//! [`claim_body`] decodes a claim body with upstream's validation issues,
//! [`secret`] holds a credential.

#[macro_use]
mod string_enum;

pub mod claim;
#[cfg(feature = "server")]
pub mod claim_body;
pub mod customer;
pub mod error;
pub mod inbox;
pub mod jtl;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod orders;
#[cfg(feature = "server")]
pub mod ratelimit;
pub mod reference;
pub mod requested_data;
pub mod route;
#[cfg(feature = "server")]
pub mod secret;
pub mod ticket;
pub mod time;
pub mod tracking;
pub mod upload;

pub use claim::{
    validate, ClaimField, ClaimRequest, ClaimType, Currency, Dimensions, FieldProblem, FileRef, Money, ParcelKind,
};
pub use error::{parse_validation_detail, ApiError, ErrorEnvelope, ValidationIssue};
pub use route::{Method, Route, RouteSpec, ROUTES};
pub use ticket::{ClaimCreated, ClaimState, CreateTicketResponse, FileTokenResponse, TicketPending, TicketResponse};
