//! Which claims a parcel's tracking allows, per claim type, and why not.
//!
//! The proxy adds the list to every tracking answer
//! (`parcel_desk.offers`), so the widget offers a customer only what can be
//! filed and says why the rest cannot (yet). The rules are upstream's
//! deflection rules as the Support API documents them, plus two the
//! widget needs to pick between "not arrived" claims:
//!
//! | claim type | offered when |
//! |---|---|
//! | `lost` | not delivered, and the newest event is `claims.lost_after_days` old ([`LostClaimEligibility`]) |
//! | `delivered-but-not-received` | tracking says delivered |
//! | `late-delivery` | not delivered, the expected delivery date has passed, and the parcel is not on Sendcloud rates (upstream: own contract only) |
//! | `unjust-return` | an event's `sub_status_code` starts with `return` (the carrier is sending it back to the shop) |
//! | `address-change` | not delivered and not on its way back |
//! | `damage`, `other` | always |
//!
//! The return rule is inferred: the tracking spec documents no status for
//! "returned to sender"; carriers report it as a sub-status
//! (`returned_to_sender`, `return_to_sender`, …), which is what is read.

use serde::{Deserialize, Serialize};

use super::{LostClaimEligibility, LostClaimReason, ParcelTrackingResponse};
use crate::claim::{ClaimType, ParcelKind};

string_enum! {
    /// Why a claim type is not offered for a parcel (now): `delivered`
    /// (lost, late delivery, address change), `not_delivered` (delivered
    /// but not received), `too_recent` (lost: `from` says when),
    /// `not_late` (late delivery: the expected date in `from` has not
    /// passed, or tracking gives none), `own_contract_only` (late delivery
    /// on Sendcloud rates), `not_returned` (unjust return), `returning`
    /// (address change of a parcel going back to the shop).
    NotOffered {
        Delivered = "delivered",
        NotDelivered = "not_delivered",
        TooRecent = "too_recent",
        NotLate = "not_late",
        OwnContractOnly = "own_contract_only",
        NotReturned = "not_returned",
        Returning = "returning",
    }
}

/// One claim type and whether this parcel's tracking allows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ClaimOffer {
    pub claim_type: ClaimType,
    pub offered: bool,
    /// `null` when offered.
    #[serde(default)]
    pub reason: Option<NotOffered>,
    /// With `too_recent`: when a lost claim becomes possible (RFC 3339);
    /// with `not_late`: the expected delivery date (`YYYY-MM-DD`).
    #[serde(default)]
    pub from: Option<String>,
}

impl ClaimOffer {
    fn yes(claim_type: ClaimType) -> Self {
        ClaimOffer { claim_type, offered: true, reason: None, from: None }
    }

    fn no(claim_type: ClaimType, reason: NotOffered, from: Option<String>) -> Self {
        ClaimOffer { claim_type, offered: false, reason: Some(reason), from }
    }
}

impl ParcelTrackingResponse {
    /// True when an event says the carrier is sending the parcel back.
    pub fn is_returning(&self) -> bool {
        self.events.iter().any(|e| {
            e.sub_status_code.as_deref().is_some_and(|s| s.len() >= 6 && s[..6].eq_ignore_ascii_case("return"))
        })
    }

    /// The expected delivery date (`YYYY-MM-DD`), when tracking gives one.
    pub fn expected_date(&self) -> Option<&str> {
        let d = self.details.as_ref()?.expected_delivery_date.as_deref()?;
        d.get(..10).filter(|d| d.as_bytes().get(4) == Some(&b'-'))
    }
}

/// Every claim type ([`ClaimType::ALL`] order) with whether `tracking`
/// allows it: `kind` is the parcel kind when the shop knows it, `lost` the
/// proxy's lost-claim verdict, `today` the date (`YYYY-MM-DD`, UTC).
pub fn offers(
    tracking: &ParcelTrackingResponse,
    kind: Option<ParcelKind>,
    lost: &LostClaimEligibility,
    today: &str,
) -> Vec<ClaimOffer> {
    let delivered = tracking.is_delivered();
    let returning = tracking.is_returning();
    ClaimType::ALL
        .into_iter()
        .map(|claim| match claim {
            ClaimType::Lost if lost.eligible => ClaimOffer::yes(claim),
            ClaimType::Lost => match lost.reason {
                Some(LostClaimReason::TooRecent) => {
                    ClaimOffer::no(claim, NotOffered::TooRecent, lost.eligible_from.clone())
                }
                _ => ClaimOffer::no(claim, NotOffered::Delivered, None),
            },
            ClaimType::DeliveredNotReceived if delivered => ClaimOffer::yes(claim),
            ClaimType::DeliveredNotReceived => ClaimOffer::no(claim, NotOffered::NotDelivered, None),
            ClaimType::LateDelivery if kind == Some(ParcelKind::SendcloudRates) => {
                ClaimOffer::no(claim, NotOffered::OwnContractOnly, None)
            }
            ClaimType::LateDelivery if delivered => ClaimOffer::no(claim, NotOffered::Delivered, None),
            ClaimType::LateDelivery => match tracking.expected_date() {
                Some(date) if date < today => ClaimOffer::yes(claim),
                date => ClaimOffer::no(claim, NotOffered::NotLate, date.map(str::to_owned)),
            },
            ClaimType::UnjustReturn if returning => ClaimOffer::yes(claim),
            ClaimType::UnjustReturn => ClaimOffer::no(claim, NotOffered::NotReturned, None),
            ClaimType::AddressChange if delivered => ClaimOffer::no(claim, NotOffered::Delivered, None),
            ClaimType::AddressChange if returning => ClaimOffer::no(claim, NotOffered::Returning, None),
            ClaimType::AddressChange | ClaimType::Damage | ClaimType::Other => ClaimOffer::yes(claim),
        })
        .collect()
}
