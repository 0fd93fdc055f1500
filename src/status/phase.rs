//! Where a claim stands, from the customer's side: one of a few phases
//! (received, with the shop, filed with the carrier, the carrier needs
//! something from you, resolved, needs the shop's attention, declined by
//! the shop), and the step
//! of the progress bar each one reaches. Pure functions of the proxy's
//! answers, tested natively.

use parcel_desk_wire::ticket::{Outcome, TicketResponse, TicketStage, TicketStatus};
use parcel_desk_wire::ClaimState;

/// The steps of the progress bar, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Received = 0,
    WithShop = 1,
    Filed = 2,
    Resolved = 3,
}

impl Step {
    pub const ALL: [Step; 4] = [Step::Received, Step::WithShop, Step::Filed, Step::Resolved];

    /// The step stored as a number (sessionStorage); `None` for others.
    pub fn from_index(i: u8) -> Option<Step> {
        Step::ALL.get(usize::from(i)).copied()
    }

    pub fn index(self) -> u8 {
        self as u8
    }
}

/// The furthest of the step reached before and the step of a read: a read
/// that reports an earlier state never moves the bar back.
pub fn furthest(before: Option<Step>, now: Option<Step>) -> Option<Step> {
    before.max(now)
}

/// One read of a claim, in the customer's terms.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Stored by the proxy, on its way to the carrier; `queued`: the
    /// carrier's service is busy, it waits its turn.
    Received { queued: bool },
    /// The shop is adding its part (the order details the carrier needs).
    WithShop,
    /// The carrier has the claim; `registering`: its ticket is not readable
    /// yet.
    Filed { registering: bool },
    /// The carrier asks for something only the customer can give.
    NeedsYou,
    /// Resolved, with the carrier's outcome when it gave one.
    Resolved { outcome: Option<Outcome> },
    /// The carrier's service refused the claim as filed: upstream's reason
    /// (for the shop, which sees it with the claim; not shown to the customer).
    Attention { reason: String },
    /// The shop declined the claim (never filed): its reason, written for
    /// the customer.
    Rejected { reason: String },
}

impl Phase {
    /// A claim whose carrier ticket is not readable yet (the proxy's 202),
    /// with the reason that came with its state.
    pub fn pending(state: Option<&ClaimState>, reason: Option<String>) -> Phase {
        if state == Some(&ClaimState::Rejected) {
            return Phase::Rejected { reason: reason.unwrap_or_default() };
        }
        if let Some(reason) = reason {
            return Phase::Attention { reason };
        }
        match state {
            // Waiting for the shop's part or its review: with the shop either way.
            Some(ClaimState::WithShop | ClaimState::Review) => Phase::WithShop,
            Some(ClaimState::Filed) => Phase::Filed { registering: true },
            Some(ClaimState::NeedsAttention) => Phase::Attention { reason: String::new() },
            Some(ClaimState::Queued) => Phase::Received { queued: true },
            _ => Phase::Received { queued: false },
        }
    }

    /// A readable carrier ticket. Requests only the shop can answer (its
    /// invoices, sales data, the claim form) are not the customer's: the
    /// claim then simply stays "filed".
    pub fn of_ticket(ticket: &TicketResponse) -> Phase {
        let solved = matches!(ticket.stage, TicketStage::ManuallySolved | TicketStage::SolvedByAutomation)
            || matches!(
                ticket.status,
                TicketStatus::Solved
                    | TicketStatus::ManuallySolved
                    | TicketStatus::SolvedByAutomation
                    | TicketStatus::Closed
            );
        if solved || ticket.resolution.is_some() {
            return Phase::Resolved { outcome: ticket.resolution.as_ref().map(|r| r.outcome.clone()) };
        }
        if ticket.requested_actions.iter().any(|a| a.data_type.customer_can_answer()) {
            return Phase::NeedsYou;
        }
        Phase::Filed { registering: false }
    }

    /// The step this read reaches; `None` when it says nothing about
    /// progress (the claim needs the shop's attention).
    pub fn step(&self) -> Option<Step> {
        Some(match self {
            Phase::Received { .. } => Step::Received,
            Phase::WithShop => Step::WithShop,
            Phase::Filed { .. } | Phase::NeedsYou => Step::Filed,
            Phase::Resolved { .. } => Step::Resolved,
            Phase::Attention { .. } | Phase::Rejected { .. } => return None,
        })
    }

    /// True for a resolution that went against the claim.
    pub fn declined(&self) -> bool {
        matches!(
            self,
            Phase::Resolved {
                outcome: Some(Outcome::ClaimDeclined | Outcome::ImpossibleToOpenClaim | Outcome::AddressChangeDeclined)
            }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(json: &str) -> TicketResponse {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn pipeline_states_read_as_customer_phases() {
        assert_eq!(Phase::pending(Some(&ClaimState::Received), None), Phase::Received { queued: false });
        assert_eq!(Phase::pending(Some(&ClaimState::Filing), None), Phase::Received { queued: false });
        assert_eq!(Phase::pending(Some(&ClaimState::Queued), None), Phase::Received { queued: true });
        assert_eq!(Phase::pending(None, None), Phase::Received { queued: false });
        assert_eq!(Phase::pending(Some(&ClaimState::WithShop), None), Phase::WithShop);
        assert_eq!(Phase::pending(Some(&ClaimState::Filed), None), Phase::Filed { registering: true });
        let refused = Phase::pending(Some(&ClaimState::NeedsAttention), Some("Validation Error".into()));
        assert_eq!(refused, Phase::Attention { reason: "Validation Error".into() });
        assert_eq!(refused.step(), None);
        assert_eq!(Phase::pending(Some(&ClaimState::Review), None), Phase::WithShop);
        let rejected = Phase::pending(Some(&ClaimState::Rejected), Some("Ordered after the return window.".into()));
        assert_eq!(rejected, Phase::Rejected { reason: "Ordered after the return window.".into() });
        assert_eq!(rejected.step(), None);
        assert_eq!(Phase::pending(Some(&ClaimState::Rejected), None), Phase::Rejected { reason: String::new() });
    }

    #[test]
    fn only_requests_the_customer_can_answer_are_theirs() {
        let with = |types: &str| {
            ticket(&format!(
                r#"{{"id":1,"status":"action_required","stage":"action_required","created_at":"2026-01-01T00:00:00+00:00","requested_actions":[{types}]}}"#
            ))
        };
        let action = |t: &str| format!(r#"{{"id":2,"data_type":"{t}","created_at":"2026-01-01T00:00:00+00:00"}}"#);
        let shop_only = with(&[action("sales_invoice"), action("purchase_invoice")].join(","));
        assert_eq!(Phase::of_ticket(&shop_only), Phase::Filed { registering: false });
        let both = with(&[action("sales_invoice"), action("damage_photo")].join(","));
        assert_eq!(Phase::of_ticket(&both), Phase::NeedsYou);
        assert_eq!(Phase::of_ticket(&both).step(), Some(Step::Filed));
    }

    #[test]
    fn a_resolution_is_resolved_and_a_declined_one_says_so() {
        let paid = ticket(
            r#"{"id":1,"status":"claim_paid","stage":"manually_solved_stage","created_at":"2026-01-01T00:00:00+00:00","requested_actions":[],"resolution":{"outcome":"claim_approved","amount":49.95,"currency":"EUR"}}"#,
        );
        let phase = Phase::of_ticket(&paid);
        assert_eq!(phase, Phase::Resolved { outcome: Some(Outcome::ClaimApproved) });
        assert!(!phase.declined());
        assert_eq!(phase.step(), Some(Step::Resolved));
        let declined = Phase::Resolved { outcome: Some(Outcome::ClaimDeclined) };
        assert!(declined.declined());
        let in_progress = ticket(
            r#"{"id":1,"status":"pending","stage":"in_progress","created_at":"2026-01-01T00:00:00+00:00","requested_actions":[]}"#,
        );
        assert_eq!(Phase::of_ticket(&in_progress), Phase::Filed { registering: false });
    }

    #[test]
    fn progress_never_goes_backwards() {
        assert_eq!(furthest(None, Some(Step::Received)), Some(Step::Received));
        assert_eq!(furthest(Some(Step::Filed), Some(Step::WithShop)), Some(Step::Filed));
        assert_eq!(furthest(Some(Step::Filed), None), Some(Step::Filed));
        assert_eq!(furthest(Some(Step::Filed), Some(Step::Resolved)), Some(Step::Resolved));
        assert_eq!(furthest(None, None), None);
        for s in Step::ALL {
            assert_eq!(Step::from_index(s.index()), Some(s));
        }
        assert_eq!(Step::from_index(4), None);
    }
}
