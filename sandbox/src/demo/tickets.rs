//! The seeded tickets (1001–1005) and the carrier's open data requests.

use parcel_desk_wire::requested_data::RequestedData;
use parcel_desk_wire::ticket::{
    DataType, Outcome, RequestedAction, TicketResolution, TicketResponse, TicketStage, TicketStatus, TicketType,
};

use super::DEMO_PARCELS;

/// The seeded tickets ([`super::DEMO_TICKETS`] describes them).
pub fn demo_tickets() -> Vec<TicketResponse> {
    let base = |id: i64, status, stage, ticket_type, parcel: usize, created: &str, updated: &str| {
        let p = &DEMO_PARCELS[parcel];
        TicketResponse {
            id,
            status,
            stage,
            ticket_type: Some(ticket_type),
            parcel_id: Some(p.parcel_id + 1000 + id),
            carrier: Some(p.carrier.into()),
            order_number: Some(format!("ORD-{id}")),
            brand_id: Some(3),
            created_at: created.into(),
            updated_at: Some(updated.into()),
            requested_actions: Vec::new(),
            resolution: None,
        }
    };
    let t1 = base(
        1001,
        TicketStatus::Pending,
        TicketStage::InProgress,
        TicketType::Lost,
        0,
        "2026-03-10T09:00:00+00:00",
        "2026-03-10T09:00:00+00:00",
    );
    let mut t2 = base(
        1002,
        TicketStatus::ActionRequired,
        TicketStage::ActionRequired,
        TicketType::Damaged,
        2,
        "2026-03-11T10:30:00+00:00",
        "2026-03-12T14:22:00+00:00",
    );
    t2.requested_actions = vec![
        RequestedAction { id: 301, data_type: DataType::SalesInvoice, created_at: "2026-03-12T14:22:00+00:00".into() },
        RequestedAction { id: 302, data_type: DataType::DamagePhoto, created_at: "2026-03-12T14:22:00+00:00".into() },
    ];
    let mut t3 = base(
        1003,
        TicketStatus::ClaimPaid,
        TicketStage::ManuallySolved,
        TicketType::Lost,
        0,
        "2026-02-20T08:15:00+00:00",
        "2026-03-05T16:40:00+00:00",
    );
    t3.resolution = Some(TicketResolution {
        outcome: Outcome::ClaimApproved,
        amount: Some(49.95),
        currency: Some("EUR".into()),
        solved_at: Some("2026-03-05T16:40:00+00:00".into()),
    });
    let mut t4 = base(
        1004,
        TicketStatus::SolvedByAutomation,
        TicketStage::SolvedByAutomation,
        TicketType::Lost,
        2,
        "2026-03-01T12:00:00+00:00",
        "2026-03-03T07:05:00+00:00",
    );
    t4.resolution = Some(TicketResolution {
        outcome: Outcome::Delivered,
        amount: None,
        currency: None,
        solved_at: Some("2026-03-03T07:05:00+00:00".into()),
    });
    let mut t5 = base(
        1005,
        TicketStatus::CustomerDocumentsRequested,
        TicketStage::ActionRequired,
        TicketType::Lost,
        0,
        "2026-03-13T08:00:00+00:00",
        "2026-03-14T09:30:00+00:00",
    );
    t5.requested_actions = vec![RequestedAction {
        id: 303,
        data_type: DataType::PurchaseInvoice,
        created_at: "2026-03-14T09:30:00+00:00".into(),
    }];
    vec![t1, t2, t3, t4, t5]
}

/// The seeded open data requests: 301 and 302 for ticket 1002 (ORD-1002),
/// 303 for ticket 1005 (ORD-1005).
pub fn demo_requests() -> Vec<(i64, RequestedData)> {
    let r = |id: i64, ticket: i64, tn: &str, data_type: DataType, title: &str, description: &str| {
        (
            ticket,
            RequestedData {
                request_id: id,
                title: title.into(),
                description: description.into(),
                tracking_number: Some(tn.into()),
                order_number: Some(format!("ORD-{ticket}")),
                data_type,
            },
        )
    };
    vec![
        r(
            301,
            1002,
            "PD-OWN-0003",
            DataType::SalesInvoice,
            "Sales invoice",
            "The invoice you received for this order, showing the price you paid.",
        ),
        r(
            302,
            1002,
            "PD-OWN-0003",
            DataType::DamagePhoto,
            "Photo of the damage",
            "A photo that shows the damage to the product and to its packaging.",
        ),
        r(
            303,
            1005,
            "PD-TRANSIT-0001",
            DataType::PurchaseInvoice,
            "Purchase invoice",
            "The shop's purchase invoice for the lost goods.",
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{demo_parcel, DEMO_TICKETS};
    use parcel_desk_wire::ClaimField;

    #[test]
    fn demo_tickets_have_order_numbers_and_spec_values() {
        let t = demo_tickets();
        assert!(t.iter().all(|t| t.order_number.is_some()));
        assert_eq!(t[1].order_number.as_deref(), Some("ORD-1002"));
        assert_eq!(t[1].requested_actions.len(), 2);
        assert_eq!(serde_json::to_value(&t[2]).unwrap()["stage"], "manually_solved_stage");
        assert_eq!(DEMO_TICKETS.len(), t.len());
        assert!(demo_parcel("PD-OWN-0003").is_some());
        assert!(ClaimField::from_wire_name("sales_invoice").is_some());
    }
}
