//! The demo data: parcels, tickets and their data requests, tracking
//! histories, and the JTL-SCX seller. The banner, the README and the tests
//! name them; the simulators serve them.

pub mod jtl;
pub mod orders;
mod tickets;
mod tracking;

pub use tickets::{demo_requests, demo_tickets};
pub use tracking::{demo_tracking, DEMO_RECIPIENT_POSTAL_CODES};

use parcel_desk_wire::ParcelKind;

/// One demo parcel known to the sandbox.
#[derive(Clone, Copy, Debug)]
pub struct DemoParcel {
    pub tracking_number: &'static str,
    pub kind: ParcelKind,
    /// Sendcloud carrier code.
    pub carrier: &'static str,
    pub parcel_id: i64,
    pub order_number: &'static str,
    pub delivered: bool,
    /// Whether the carrier has a support contact configured (needed for
    /// own-contract claims).
    pub carrier_support_contact: bool,
    /// Whether `is_portal_claim=true` is accepted for this parcel's carrier.
    pub portal_claim: bool,
    /// One line for the startup banner and the README.
    pub description: &'static str,
}

/// The demo parcels. Any other tracking number answers 400 `Parcel not found.`
pub const DEMO_PARCELS: &[DemoParcel] = &[
    DemoParcel {
        tracking_number: "PD-TRANSIT-0001",
        kind: ParcelKind::SendcloudRates,
        carrier: "dhl",
        parcel_id: 90001,
        order_number: "ORD-0001",
        delivered: false,
        carrier_support_contact: false,
        portal_claim: false,
        description: "Sendcloud-rates parcel (dhl), in transit: claimable, needs every Sendcloud-rates field (prices, descriptions, dimensions, 4 documents)",
    },
    DemoParcel {
        tracking_number: "PD-DELIVERED-0002",
        kind: ParcelKind::SendcloudRates,
        carrier: "dhl",
        parcel_id: 90002,
        order_number: "ORD-0002",
        delivered: true,
        carrier_support_contact: false,
        portal_claim: false,
        description: "delivered: a lost claim gets 422 \"Cannot create ticket. Reason: Parcel is already delivered\"",
    },
    DemoParcel {
        tracking_number: "PD-OWN-0003",
        kind: ParcelKind::OwnContract,
        carrier: "postnl",
        parcel_id: 90003,
        order_number: "ORD-0003",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: false,
        description: "own-contract parcel (postnl) with a carrier support contact: claimable with only the tracking number",
    },
    DemoParcel {
        tracking_number: "PD-OWN-NOCONTACT-0004",
        kind: ParcelKind::OwnContract,
        carrier: "dpd",
        parcel_id: 90004,
        order_number: "ORD-0004",
        delivered: false,
        carrier_support_contact: false,
        portal_claim: false,
        description: "own-contract parcel (dpd) without a carrier support contact: 422 \"Carrier support contact is required for own contract parcel\"",
    },
    DemoParcel {
        tracking_number: "PD-PORTAL-0005",
        kind: ParcelKind::OwnContract,
        carrier: "colissimo",
        parcel_id: 90005,
        order_number: "ORD-0005",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: true,
        description: "own-contract Colissimo parcel with a support contact: accepts is_portal_claim=true (other parcels answer 422 to it)",
    },
    DemoParcel {
        tracking_number: "PD-RECENT-0006",
        kind: ParcelKind::OwnContract,
        carrier: "postnl",
        parcel_id: 90006,
        order_number: "ORD-0006",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: false,
        description: "own-contract parcel (postnl) in transit with an event a few hours old: tracking says a lost claim is too early",
    },
    DemoParcel {
        tracking_number: "PD-EXCEPTION-0007",
        kind: ParcelKind::OwnContract,
        carrier: "dpd",
        parcel_id: 90007,
        order_number: "ORD-0007",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: false,
        description: "own-contract parcel (dpd) whose last tracking event is an exception (status type error): claimable",
    },
    DemoParcel {
        tracking_number: "PD-OWN-DELIVERED-0008",
        kind: ParcelKind::OwnContract,
        carrier: "postnl",
        parcel_id: 90008,
        order_number: "ORD-0008",
        delivered: true,
        carrier_support_contact: true,
        portal_claim: false,
        description: "own-contract parcel (postnl), delivered: a delivered-but-not-received claim needs only the tracking number; a lost claim gets 422",
    },
    DemoParcel {
        tracking_number: "PD-OWN-LATE-0009",
        kind: ParcelKind::OwnContract,
        carrier: "dhl",
        parcel_id: 90009,
        order_number: "ORD-0009",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: false,
        description: "own-contract parcel (dhl) in transit, expected 3 days ago, last news a day ago: a late-delivery claim needs only the tracking number; a lost claim is too early",
    },
    DemoParcel {
        tracking_number: "PD-RETURNED-0010",
        kind: ParcelKind::OwnContract,
        carrier: "postnl",
        parcel_id: 90010,
        order_number: "ORD-0010",
        delivered: false,
        carrier_support_contact: true,
        portal_claim: false,
        description: "own-contract parcel (postnl) on its way back to the shop (sub-status returned_to_sender): an unjust-return claim is possible; a delivered-but-not-received claim gets 422",
    },
];

/// Seeded demo tickets: `(id, description)`, for the banner and README.
pub const DEMO_TICKETS: &[(i64, &str)] = &[
    (1001, "lost, pending / in_progress"),
    (1002, "damaged, action_required: carrier asks for sales_invoice and damage_photo"),
    (1003, "lost, claim_paid / manually_solved_stage: claim_approved, 49.95 EUR"),
    (1004, "lost, solved_by_automation: outcome delivered"),
    (1005, "lost, customer_documents_requested / action_required: carrier asks for a purchase_invoice"),
];

/// The first id given to tickets created in the sandbox.
pub const FIRST_CREATED_TICKET_ID: i64 = 2001;

/// Looks a demo parcel up by tracking number (exact match).
pub fn demo_parcel(tracking_number: &str) -> Option<&'static DemoParcel> {
    DEMO_PARCELS.iter().find(|p| p.tracking_number == tracking_number)
}

/// Tracking numbers starting with this are load-test parcels: any such
/// number is an own-contract parcel with a carrier support contact, in
/// transit (for load and fault tests that need many distinct parcels).
pub const LOAD_PARCEL_PREFIX: &str = "PD-LOAD-";
