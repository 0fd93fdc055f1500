//! Parcel tracking (`GET /parcels/tracking/{tracking_number}` through the
//! proxy): a timeline in customer words, the expected delivery date, the
//! carrier's tracking link. The proxy strips personal data unless the
//! recipient's postal code is given; this view shows an address only when
//! the proxy sent one.

use serde::Deserialize;

use crate::Ctx;
#[cfg(feature = "track")]
pub use view::TrackView;

/// The parts of the tracking answer the widget shows. Everything is
/// optional: a missing part is simply not shown.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Tracking {
    pub events: Vec<TrackingEvent>,
    pub details: Option<Details>,
    pub tracking_numbers: Vec<TrackingNumber>,
    pub to_address: Option<Address>,
    /// Added by the parcel-desk proxy: may this parcel be claimed as lost?
    pub parcel_desk: Option<Annotations>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TrackingEvent {
    pub event_at: Option<String>,
    pub status_code: Option<String>,
    pub status_type: Option<String>,
    pub status_description: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Details {
    pub expected_delivery_date: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct TrackingNumber {
    pub carrier_code: Option<String>,
    pub tracking_number: Option<String>,
    pub tracking_url: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Address {
    pub name: Option<String>,
    pub company_name: Option<String>,
    pub address_line_1: Option<String>,
    pub house_number: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Annotations {
    pub lost_claim: Option<LostClaim>,
}

#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LostClaim {
    pub eligible: bool,
    /// `delivered` or `too_recent` when not eligible.
    pub reason: Option<String>,
    pub eligible_from: Option<String>,
}

impl Tracking {
    /// Events newest first (upstream's order is not guaranteed).
    pub fn timeline(&self) -> Vec<TrackingEvent> {
        let mut events = self.events.clone();
        crate::sort_small(&mut events, |a, b| a.event_at > b.event_at);
        events
    }

    pub fn latest(&self) -> Option<TrackingEvent> {
        self.timeline().into_iter().next()
    }

    pub fn lost_claim(&self) -> Option<&LostClaim> {
        self.parcel_desk.as_ref()?.lost_claim.as_ref()
    }

    pub fn carrier_link(&self) -> Option<String> {
        self.tracking_numbers.iter().find_map(|n| n.tracking_url.clone()).filter(|u| u.starts_with("https://"))
    }
}

/// The words for an event's phase.
pub fn phase_text(ctx: &Ctx, e: &TrackingEvent) -> &'static str {
    let t = ctx.texts;
    let code = e.status_code.as_deref().unwrap_or("unknown");
    t.word(t.tracking_phases, code, t.word(t.tracking_phases, "unknown", ""))
}

#[cfg(feature = "track")]
mod view {
    use leptos::prelude::*;
    use leptos::task::spawn_local;

    use super::{phase_text, Tracking};
    use crate::api::ApiFailure;
    use crate::fields::TextField;
    use crate::{format, Ctx};

    #[component]
    pub fn TrackView(#[prop(optional, into)] tracking_number: String) -> impl IntoView {
        let ctx = expect_context::<Ctx>();
        let t = ctx.texts;
        let number = RwSignal::new(tracking_number.clone());
        let postal = RwSignal::new(String::new());
        let error = RwSignal::new(None::<String>);
        let result = RwSignal::new(None::<Result<Tracking, String>>);
        let busy = RwSignal::new(false);
        let proxy = StoredValue::new(ctx.proxy.clone());

        let look_up = move || {
            let n = number.get_untracked().trim().to_owned();
            if n.is_empty() {
                error.set(Some(t.err_required.into()));
                return;
            }
            error.set(None);
            busy.set(true);
            let pc = postal.get_untracked();
            let proxy = proxy.get_value();
            spawn_local(async move {
                let answer = proxy.tracking(&n, Some(&pc)).await;
                busy.set(false);
                result.set(Some(answer.map_err(|f| match f {
                    ApiFailure::Http { status: 404, .. } => t.err_tracking_not_found.to_owned(),
                    f => crate::claim::form::failure_text(t, &f),
                })));
            });
        };
        if !tracking_number.is_empty() {
            look_up();
        }

        view! {
            <form class="pd-form" novalidate=true aria-labelledby="pd-track-title"
                on:submit=move |ev| { ev.prevent_default(); look_up(); }>
                <h2 id="pd-track-title" class="pd-title" part="title">{t.track_title}</h2>
                <p class="pd-intro">{t.track_intro}</p>
                <TextField id="track_number" label=t.tracking_number value=number required=true
                    error=Signal::derive(move || error.get()) />
                <TextField id="postal_code" label=t.postal_code hint=t.postal_code_hint value=postal
                    error=Signal::derive(|| None::<String>) autocomplete="postal-code" />
                <button type="submit" class="pd-submit" part="submit" disabled=move || busy.get()>{t.track_button}</button>
            </form>
            {move || result.get().map(|r| match r {
                Err(msg) => view! { <div class="pd-banner" part="banner" role="alert">{msg}</div> }.into_any(),
                Ok(tracking) => view! { <TrackingDetails tracking=tracking /> }.into_any(),
            })}
        }
    }

    #[component]
    fn TrackingDetails(tracking: Tracking) -> impl IntoView {
        let ctx = expect_context::<Ctx>();
        let t = ctx.texts;
        let lang = ctx.lang.tag();
        let latest = tracking.latest();
        let expected = tracking.details.as_ref().and_then(|d| d.expected_delivery_date.clone());
        let address = tracking.to_address.clone().filter(|a| a.name.is_some() || a.address_line_1.is_some());
        view! {
            <section class="pd-tracking" aria-labelledby="pd-track-result">
                <h3 id="pd-track-result">
                    {latest.as_ref().map(|e| phase_text(&ctx, e)).unwrap_or(t.word(t.tracking_phases, "none", ""))}
                </h3>
                {expected.map(|d| view! { <p><strong>{t.expected_delivery}": "</strong>{format::date(lang, &d)}</p> })}
                {address.map(|a| {
                    let lines = [
                        a.name, a.company_name,
                        Some(format!("{} {}", a.address_line_1.unwrap_or_default(), a.house_number.unwrap_or_default()).trim().to_owned()),
                        Some(format!("{} {}", a.postal_code.unwrap_or_default(), a.city.unwrap_or_default()).trim().to_owned()),
                    ];
                    view! {
                        <p class="pd-address"><strong>{t.delivery_address}": "</strong>
                            {lines.into_iter().flatten().filter(|l| !l.is_empty()).collect::<Vec<_>>().join(", ")}</p>
                    }
                })}
                {tracking.carrier_link().map(|href| view! {
                    <p><a href=href target="_blank" rel="noopener noreferrer">{t.carrier_link}</a></p>
                })}
                <h4>{t.timeline}</h4>
                <ol class="pd-timeline">
                    {tracking.timeline().into_iter().map(|e| {
                        let kind = e.status_type.clone().unwrap_or_else(|| "success".into());
                        let kind_text = t.word(t.status_types, &kind, "");
                        view! {
                            <li class=format!("pd-event pd-event-{kind}")>
                                <span class="pd-event-phase">{phase_text(&ctx, &e)}</span>
                                {(!kind_text.is_empty() && kind != "success").then(|| view! { <span class="pd-badge">{kind_text}</span> })}
                                {e.status_description.clone().map(|d| view! { <span class="pd-event-desc">{d}</span> })}
                                {e.event_at.as_deref().map(|at| view! { <time datetime=at.to_owned()>{format::date_time(lang, at)}</time> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        }
    }
}
