//! Responses: create ticket, file upload, and the ticket read.

use serde::{Deserialize, Serialize};

/// 202 of `POST /dsf/tickets/{type}`. Upstream answers a UUID string here,
/// although `GET /dsf/tickets/{ticket_id}` takes an int64: treat it as an
/// opaque string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CreateTicketResponse {
    pub ticket_id: String,
}

string_enum! {
    /// Where a claim the proxy accepted stands in its pipeline:
    /// `received` (stored, not yet picked up), `queued` (waiting for the
    /// account's creation budget, a retry after an upstream failure, or a
    /// check whether an earlier attempt arrived), `filing` (being sent
    /// now), `filed` (the Support API accepted it; the carrier's status
    /// follows), `needs_attention` (the Support API refused it; `reason`
    /// says why; never retried by itself), `with_shop` (a customer's
    /// claim waiting for the shop's part: the order details the carrier
    /// needs; the pipeline leaves it alone until the shop completes it),
    /// `review` (complete, waiting for a staff approval: `claims.review`),
    /// `rejected` (the shop rejected it, `reason` says why; never filed).
    ClaimState {
        Received = "received",
        Queued = "queued",
        Filing = "filing",
        Filed = "filed",
        NeedsAttention = "needs_attention",
        WithShop = "with_shop",
        Review = "review",
        Rejected = "rejected",
    }
}

/// The proxy's 202 answer to a claim creation: the proxy's own claim id
/// (a UUID; the one link for the claim's whole life), an access token for
/// reading it (`X-Ticket-Token`), and the pipeline state (`received`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ClaimCreated {
    pub ticket_id: String,
    pub access_token: String,
    #[serde(default = "received")]
    pub state: ClaimState,
}

fn received() -> ClaimState {
    ClaimState::Received
}

/// The proxy's 202 answer to a status read by claim id while the carrier's
/// ticket is not readable yet: the pipeline state, and for
/// `needs_attention` upstream's reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TicketPending {
    pub ticket_id: String,
    pub pending: bool,
    #[serde(default = "received")]
    pub state: ClaimState,
    /// Why the claim needs attention (upstream's words), what it waits for
    /// (`with_shop`), or why the shop rejected it (`rejected`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// 201 of `POST /dsf/files`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct FileTokenResponse {
    pub file_token: String,
}

string_enum! {
    /// `TicketStatus` of the spec.
    TicketStatus {
        ActionRequired = "action_required",
        CarrierReminderSent = "carrier_reminder_sent",
        CarrierUpdateReceived = "carrier_update_received",
        ClaimPaid = "claim_paid",
        Closed = "closed",
        CommunicatedToCarrier = "communicated_to_carrier",
        CustomerDocumentsRequested = "customer_documents_requested",
        CustomerReminderSent = "customer_reminder_sent",
        Delayed = "delayed",
        DeliveredScanReceived = "delivered_scan_received",
        DeliveryConfirmationRejected = "delivery_confirmation_rejected",
        DeliveryConfirmationRequested = "delivery_confirmation_requested",
        DocumentsForwardedToCarrier = "documents_forwarded_to_carrier",
        Escalated = "escalated",
        EscalatedAva = "escalated_ava",
        Hold = "hold",
        ManuallySolved = "manually_solved",
        NewScanReceived = "new_scan_received",
        Pending = "pending",
        Processing = "processing",
        SmartRefundAvailable = "smart_refund_available",
        SmartRefundUpdate = "smart_refund_update",
        Solved = "solved",
        SolvedByAutomation = "solved_by_automation",
        Unknown = "unknown",
        WaitingForCarrier = "waiting_for_carrier",
        WaitingForCustomer = "waiting_for_customer",
        WaitingForScan = "waiting_for_scan",
    }
}

string_enum! {
    /// `stage` of `TicketResponse`.
    TicketStage {
        InProgress = "in_progress",
        ActionRequired = "action_required",
        ManuallySolved = "manually_solved_stage",
        SolvedByAutomation = "solved_by_automation_stage",
        Unknown = "unknown",
    }
}

string_enum! {
    /// `type` of `TicketResponse`.
    TicketType {
        AddressChange = "address_change",
        Damaged = "damaged",
        Delayed = "delayed",
        DeliveredNotReceived = "delivered_not_received",
        LateDelivery = "late_delivery",
        Lost = "lost",
        UnjustReturn = "unjust_return",
        OtherShipping = "other_shipping",
    }
}

string_enum! {
    /// `data_type` of `RequestedAction`.
    DataType {
        ClaimLetter = "claim_letter",
        SalesInvoice = "sales_invoice",
        SalesData = "sales_data",
        PurchaseInvoice = "purchase_invoice",
        DescriptionOfContents = "description_of_contents",
        CustomerConfirmation = "customer_confirmation",
        ExteriorPhoto = "exterior_photo",
        InteriorPhoto = "interior_photo",
        DamagePhoto = "damage_photo",
        CarrierClaimsForm = "carrier_claims_form",
        Other = "other",
    }
}

string_enum! {
    /// `outcome` of `TicketResolution`.
    Outcome {
        ClaimApproved = "claim_approved",
        ClaimDeclined = "claim_declined",
        ClaimClosedInCarrierPortal = "claim_closed_in_carrier_portal",
        Delivered = "delivered",
        Returned = "returned",
        SolvedMerchant = "solved_merchant",
        AddressChangeConfirmed = "address_change_confirmed",
        AddressChangeDeclined = "address_change_declined",
        AddressChangeRequested = "address_change_requested",
        ImpossibleToOpenClaim = "impossible_to_open_claim",
    }
}

/// 200 of `GET /dsf/tickets/{ticket_id}` (`TicketResponse`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TicketResponse {
    pub id: i64,
    pub status: TicketStatus,
    pub stage: TicketStage,
    #[serde(rename = "type", default)]
    pub ticket_type: Option<TicketType>,
    #[serde(default)]
    pub parcel_id: Option<i64>,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default)]
    pub order_number: Option<String>,
    #[serde(default)]
    pub brand_id: Option<i64>,
    pub created_at: String,
    #[serde(default)]
    pub updated_at: Option<String>,
    pub requested_actions: Vec<RequestedAction>,
    #[serde(default)]
    pub resolution: Option<TicketResolution>,
}

/// `RequestedAction`: an outstanding data request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RequestedAction {
    pub id: i64,
    pub data_type: DataType,
    pub created_at: String,
}

/// `TicketResolution`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TicketResolution {
    pub outcome: Outcome,
    #[serde(default)]
    pub amount: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub solved_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_enum_values_are_kept() {
        let json = r#"{"id":1,"status":"brand_new_status","stage":"in_progress","created_at":"2026-01-01T00:00:00+00:00","requested_actions":[{"id":2,"data_type":"hologram","created_at":"2026-01-01T00:00:00+00:00"}],"resolution":{"outcome":"teleported"}}"#;
        let t: TicketResponse = serde_json::from_str(json).unwrap();
        assert_eq!(t.status, TicketStatus::Unlisted("brand_new_status".into()));
        assert_eq!(t.requested_actions[0].data_type.as_str(), "hologram");
        assert_eq!(t.resolution.as_ref().unwrap().outcome.as_str(), "teleported");
        assert_eq!(t.ticket_type, None);
        let back = serde_json::to_value(&t).unwrap();
        assert_eq!(back["status"], "brand_new_status");
    }

    #[test]
    fn every_known_value_round_trips() {
        for s in TicketStatus::ALL {
            assert_eq!(&TicketStatus::from_wire(s.as_str()), s);
        }
        assert_eq!(TicketStatus::ALL.len(), 28);
        assert_eq!(TicketStage::ALL.len(), 5);
        assert_eq!(TicketType::ALL.len(), 8);
        assert_eq!(DataType::ALL.len(), 11);
        assert_eq!(Outcome::ALL.len(), 10);
    }
}
