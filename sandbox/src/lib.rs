//! The sandbox: an in-process simulator of the upstream APIs parcel-desk
//! talks to, following the specs in `specs/`, with demo data, so the widget
//! and the proxy can be tried and tested without an account. All state is
//! in memory.
//!
//! * [`router`] / [`router_with`]: the Sendcloud Support API
//!   (`POST /dsf/tickets/lost`, `POST /dsf/files`, `GET /dsf/tickets/{id}`,
//!   …), its OAuth2 token endpoint and the Parcel Tracking API, upstream's
//!   paths at its root — status codes, error envelopes, rate limits, the
//!   UUID-on-create / int64-on-read ticket ids, and injected faults.
//! * [`jtl`]: the JTL-SCX Channel API (tickets, attachments, events).
//! * [`app`]: both, the JTL-SCX simulator under `/jtl` and the shop's demo
//!   orders at `/orders/{order_number}` ([`demo::orders`]) — what the proxy
//!   serves with `--sandbox` and its `sandbox` subcommand, on a real socket
//!   so that its forwarding path is the production one.
//! * [`demo`]: the demo parcels, tickets, tracking histories and JTL seller.
//!
//! It answers in the upstream APIs' own error formats, never the proxy's.

pub mod demo;
mod error;
pub mod jtl;
mod limit;
mod support;

pub use demo::{DemoParcel, DEMO_PARCELS, DEMO_RECIPIENT_POSTAL_CODES, DEMO_TICKETS};
pub use parcel_desk_wire::secret::Secret;
pub use support::{
    router, router_with, Credentials, SandboxOptions, SandboxStats, CREATE_LIMIT_PER_MINUTE, READ_LIMIT_PER_MINUTE,
};

/// The Support and Tracking simulator ([`router_with`]) with the JTL-SCX
/// simulator nested under `/jtl`; the JTL refresh token is `creds`' secret
/// key and its seller [`demo::jtl::SANDBOX_SELLER_ID`].
pub fn app(creds: Credentials, options: SandboxOptions) -> axum::Router {
    let (jtl_sim, _) = jtl::router(jtl::SimSettings::new(creds.secret_key.clone()));
    let orders = demo::orders::router(creds.secret_key.clone());
    router_with(creds, options).nest("/jtl", jtl_sim).merge(orders)
}
