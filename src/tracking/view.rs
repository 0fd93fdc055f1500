//! The tracking view (`TrackView`): the timeline of one parcel in
//! customer words. In the split build only the tracking view's module
//! renders it (src/lazy.rs), so the texts and stylesheet rules only this
//! file names come with the modules' (build.rs `VIEW_SOURCES`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{phase_text, Tracking, TrackingExt};
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
        let n = super::normalize_tracking_number(&number.get_untracked());
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
                f => crate::api::failure_text(t, &f),
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
                    let kind = e.status_type.as_ref().map_or("success", |k| k.as_str()).to_owned();
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
