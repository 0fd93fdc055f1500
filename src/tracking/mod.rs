//! Parcel tracking (`GET /parcels/tracking/{tracking_number}` through the
//! proxy): a timeline in customer words, the expected delivery date, the
//! carrier's tracking link. The proxy strips personal data unless the
//! recipient's postal code is given; this view shows an address only when
//! the proxy sent one.

pub use parcel_desk_wire::tracking::{ClaimOffer, ParcelTrackingResponse as Tracking, TrackingEvent};

use crate::Ctx;
#[cfg(feature = "track")]
pub use view::TrackView;

/// A tracking number as it is looked up and sent: carriers print them in
/// groups and customers type them in any case, so spaces (anywhere) go and
/// letters are upper-cased (ASCII only: other letters stay as they are).
pub fn normalize_tracking_number(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_uppercase()).collect()
}

/// What the widget derives from a tracking answer (wire's
/// [`Tracking`] type, read as it is: the widget keeps no copy of it).
pub trait TrackingExt {
    /// Events newest first (upstream's order is not guaranteed).
    fn timeline(&self) -> Vec<TrackingEvent>;
    /// The newest event.
    fn latest(&self) -> Option<TrackingEvent>;
    /// The carrier's tracking page, HTTPS only.
    fn carrier_link(&self) -> Option<String>;
    /// Which claims the proxy says this parcel allows (empty: it did not say).
    fn offers(&self) -> Vec<ClaimOffer>;
}

impl TrackingExt for Tracking {
    fn timeline(&self) -> Vec<TrackingEvent> {
        let mut events = self.events.clone();
        crate::sort_small(&mut events, |a, b| a.event_at > b.event_at);
        events
    }

    fn latest(&self) -> Option<TrackingEvent> {
        self.timeline().into_iter().next()
    }

    fn carrier_link(&self) -> Option<String> {
        self.tracking_numbers.iter().find_map(|n| n.tracking_url.clone()).filter(|u| u.starts_with("https://"))
    }

    fn offers(&self) -> Vec<ClaimOffer> {
        self.parcel_desk.as_ref().map(|p| p.offers.clone()).unwrap_or_default()
    }
}

/// The words for an event's phase.
pub fn phase_text(ctx: &Ctx, e: &TrackingEvent) -> &'static str {
    let t = ctx.texts;
    let code = e.status_code.as_ref().map_or("unknown", |c| c.as_str());
    t.word(t.tracking_phases, code, t.word(t.tracking_phases, "unknown", ""))
}

#[cfg(feature = "track")]
mod view;

#[cfg(test)]
mod tests {
    use super::normalize_tracking_number;

    #[test]
    fn tracking_numbers_lose_their_spaces_and_are_upper_cased() {
        assert_eq!(normalize_tracking_number(" 1z 999 aa1\t01 2345 6784 "), "1Z999AA10123456784");
        assert_eq!(normalize_tracking_number("pd-transit-0001"), "PD-TRANSIT-0001");
        assert_eq!(normalize_tracking_number("3S\u{a0}ABCD"), "3SABCD", "a no-break space too");
        assert_eq!(normalize_tracking_number("über-1"), "üBER-1", "letters beyond ASCII stay as they are");
        assert_eq!(normalize_tracking_number("   "), "");
    }
}
