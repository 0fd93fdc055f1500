//! Following a claim, from the customer's side: the claim's reference, where
//! it stands in customer words (received, with the shop, filed with the
//! carrier, the carrier needs something from you, resolved and what that
//! means for them), a progress bar that never goes backwards, and what the
//! carrier needs from the customer (answered right here; requests only the
//! shop can answer are left out). Reached from the claim's success screen
//! (no retyping), by reference + e-mail address or postal code, from a
//! bookmarked link, or by ticket number + order number.
//!
//! For the claim form: [`remember`] (the token of a new claim, for this
//! tab) and [`open_claim`] (that, and the status view showing it).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::ticket::TicketResponse;

use crate::api::{Access, ApiFailure, TicketRead};
use crate::{format, Ctx, Nav, TicketRef, View};

mod lookup;
pub mod phase;
mod shown;
mod store;
mod url;

pub use lookup::lookup_failure_text;
use phase::{Phase, Step};
use shown::{PhaseText, Progress, TicketDetails};

/// Upstream allows 30 reads a minute per account; one open status view
/// reads twice a minute, and every 5 s during the few seconds a new claim
/// takes to be registered.
const POLL: Duration = Duration::from_secs(30);
const POLL_PENDING: Duration = Duration::from_secs(5);

/// Remembers, for this browser tab (sessionStorage), the access token of a
/// customer's claim (`POST /claims` answered `reference`, `claim_id` and
/// `access_token`), so that the status view opens it without a look-up,
/// also after a reload. `proxy_base` is the widget's proxy URL
/// ([`crate::api::Proxy::base`]). The token never goes into the page's URL.
pub fn remember(proxy_base: &str, reference: &str, claim_id: &str, token: &str) {
    let reference = store::canonical(reference);
    store::update(proxy_base, claim_id, |r| {
        r.token = Some(token.to_owned());
        if reference.is_some() {
            r.reference = reference;
        }
    });
}

/// [`remember`]s a new claim and shows it in the status view.
pub fn open_claim(nav: Nav, proxy_base: &str, reference: &str, claim_id: &str, token: &str) {
    remember(proxy_base, reference, claim_id, token);
    nav.reference.set(store::canonical(reference));
    nav.ticket.set(Some(TicketRef { id: claim_id.to_owned(), token: Some(token.to_owned()) }));
    nav.view.set(View::Status);
}

/// The claim the view opens with, and the reference that prefills the
/// look-up, from what the page asked for (the tabs keep the options as
/// given, `nav`; this runs in the view, in the split build in its own
/// module): a ticket (+ token, an old status link) as given; else the
/// claim the reference (or a claim id) names when this tab remembers its
/// token; else no claim, and the reference prefills the look-up form.
fn open_asked(nav: Nav, proxy_base: &str) {
    let (ticket, reference) = (nav.ticket.get_untracked(), nav.reference.get_untracked());
    let (ticket, reference) = match (ticket, reference) {
        (Some(ticket), reference) => (Some(ticket), reference.as_deref().and_then(store::canonical)),
        (None, Some(reference)) if !reference.trim().is_empty() => match store::find(proxy_base, &reference) {
            Some((id, record)) => {
                let reference = record.reference.or_else(|| store::canonical(&reference));
                (Some(TicketRef { id, token: record.token }), reference)
            }
            None => (None, Some(reference)),
        },
        (None, _) => (None, None),
    };
    if nav.ticket.with_untracked(|t| *t != ticket) {
        nav.ticket.set(ticket);
    }
    if nav.reference.with_untracked(|r| *r != reference) {
        nav.reference.set(reference);
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Loaded {
    Loading,
    /// Where the claim stands, and the carrier's ticket once readable.
    Shown(Phase, Option<Box<TicketResponse>>),
    Failed(String),
}

fn access_of(r: &TicketRef) -> Access {
    match &r.token {
        Some(t) => Access::Token(t.clone()),
        None => Access::OrderNumber(String::new()),
    }
}

/// The link a customer can bookmark: the status page with the claim's
/// reference (the look-up then asks for the e-mail address or postal
/// code), or for a ticket without one the ticket and its token (in the
/// fragment, which browsers never send to a server).
fn bookmark(page: Option<&str>, r: &TicketRef, reference: Option<&str>) -> Option<String> {
    let base = match page {
        Some(p) => p.to_owned(),
        None => {
            let loc = web_sys::window()?.location();
            format!("{}{}", loc.origin().ok()?, loc.pathname().ok()?)
        }
    };
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    match reference {
        Some(reference) => Some(format!("{base}?view=status&ref={}", enc(reference))),
        None => {
            let token = r.token.as_ref()?;
            Some(format!("{base}?view=status&ticket={}#token={}", enc(&r.id), enc(token)))
        }
    }
}

#[component]
pub fn StatusView() -> impl IntoView {
    let nav = expect_context::<Nav>();
    open_asked(nav, expect_context::<Ctx>().proxy.base());
    move || match nav.ticket.get() {
        Some(r) => view! { <TicketPanel ticket=r /> }.into_any(),
        None => view! { <lookup::Lookup /> }.into_any(),
    }
}

#[component]
fn TicketPanel(ticket: TicketRef) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let nav = expect_context::<Nav>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    let base = ctx.proxy.base().to_owned();
    let remembered = store::load(&base, &ticket.id);
    let claim_reference =
        nav.reference.get_untracked().as_deref().and_then(store::canonical).or(remembered.reference.clone());
    if let Some(token) = ticket.token.clone() {
        store::update(&base, &ticket.id, |r| {
            r.token = Some(token);
            if claim_reference.is_some() {
                r.reference = claim_reference.clone();
            }
        });
    }
    // What the address bar gets once the claim shows (the standalone page).
    let in_url = StoredValue::new(ctx.sync_url.then(|| claim_reference.clone().unwrap_or_else(|| ticket.id.clone())));
    let furthest = RwSignal::new(remembered.step());
    let state = RwSignal::new(Loaded::Loading);
    let checked = RwSignal::new(None::<String>);
    let reference = StoredValue::new(ticket.clone());
    let proxy = StoredValue::new(ctx.proxy.clone());
    let page = StoredValue::new(ctx.status_page.clone());
    let base = StoredValue::new(base);

    let load = move || {
        let proxy = proxy.get_value();
        let r = reference.get_value();
        let in_url = in_url.get_value();
        spawn_local(async move {
            let answer = proxy.ticket(&r.id, &access_of(&r)).await;
            checked.set(Some(format::date_time(lang, &String::from(js_sys::Date::new_0().to_iso_string()))));
            let loaded = match answer {
                Ok(TicketRead::Ticket { ticket, token }) => {
                    if let Some(token) = token {
                        reference.update_value(|r| r.token = Some(token.clone()));
                        base.with_value(|b| store::update(b, &r.id, |rec| rec.token = Some(token)));
                    }
                    Loaded::Shown(Phase::of_ticket(&ticket), Some(ticket))
                }
                Ok(TicketRead::Pending { state, reason }) => {
                    Loaded::Shown(Phase::pending(state.as_ref(), reason), None)
                }
                Err(ApiFailure::Http { status: 404, .. }) => Loaded::Failed(t.err_ticket_not_found.into()),
                Err(f) => Loaded::Failed(crate::api::failure_text(t, &f)),
            };
            // Still this claim's panel (not answered after "look up another").
            let current = nav.ticket.with_untracked(|t| t.as_ref().is_some_and(|t| t.id == r.id));
            if let (Loaded::Shown(..), Some(shown), true) = (&loaded, &in_url, current) {
                url::show_claim(shown);
            }
            if let Loaded::Shown(phase, _) = &loaded {
                // The bar shows the furthest step reached: a later read
                // reporting an earlier state does not move it back.
                let step = phase::furthest(furthest.get_untracked(), phase.step());
                if step != furthest.get_untracked() {
                    furthest.set(step);
                    base.with_value(|b| store::update(b, &r.id, |rec| rec.step = step.map(Step::index)));
                }
            }
            // Unchanged: nothing re-renders (an answer being typed, a
            // folded detail stay as they are).
            if state.with_untracked(|s| *s != loaded) {
                state.set(loaded);
            }
        });
    };
    load();
    // Gentle polling while the view is open: every 5 s while the claim is
    // on its way to the carrier, every 30 s after.
    let last = StoredValue::new(js_sys::Date::now());
    let handle = set_interval_with_handle(
        move || {
            let early = state.with_untracked(|s| {
                matches!(
                    s,
                    Loaded::Loading | Loaded::Shown(Phase::Received { .. } | Phase::Filed { registering: true }, _)
                )
            });
            let period = if early { POLL_PENDING } else { POLL };
            if js_sys::Date::now() - last.get_value() >= period.as_millis() as f64 {
                last.set_value(js_sys::Date::now());
                load();
            }
        },
        Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = handle {
            h.clear();
        }
    });
    let notice = RwSignal::new(false);
    let answered = Callback::new(move |_| {
        notice.set(true);
        load();
    });

    let shown_reference = claim_reference.clone();
    let link = move || page.with_value(|p| bookmark(p.as_deref(), &reference.get_value(), shown_reference.as_deref()));
    let sync_url = ctx.sync_url;
    let back = move |_| {
        nav.reference.set(None);
        nav.ticket.set(None);
        if sync_url {
            url::forget_claim();
        }
    };
    let link_text = if claim_reference.is_some() { t.status_link_reference } else { t.status_link };

    view! {
        <section class="pd-form" aria-labelledby="pd-status-title">
            <h2 id="pd-status-title" class="pd-title" part="title">{t.status_title}</h2>
            {claim_reference.map(|r| view! {
                <p class="pd-reference pd-claim-reference"><span>{t.reference}": "</span><strong>{r}</strong></p>
            })}
            <Show when=move || notice.get()>
                <p class="pd-notice pd-uploaded" role="status">{t.answer_sent}</p>
            </Show>
            {move || match state.get() {
                Loaded::Loading => view! { <p class="pd-muted" role="status">{t.looking_up}</p> }.into_any(),
                Loaded::Failed(msg) => view! {
                    <div class="pd-banner" part="banner" role="alert">{msg}</div>
                }.into_any(),
                Loaded::Shown(phase, ticket) => view! {
                    <PhaseText phase=phase.clone() />
                    // A claim the shop declined goes no further: no progress to show.
                    {(!matches!(phase, Phase::Rejected { .. })).then(|| view! { <Progress furthest=furthest /> })}
                    {ticket.map(|ticket| view! {
                        <TicketDetails ticket=*ticket phase=phase reference=reference.get_value() on_answered=answered />
                    })}
                }.into_any(),
            }}
            <div class="pd-row pd-status-actions">
                <button type="button" class="pd-secondary" part="secondary-button" on:click=move |_| load()>{t.refresh}</button>
                <button type="button" class="pd-secondary" part="secondary-button" on:click=back>{t.another_claim}</button>
                {move || checked.get().map(|c| view! { <span class="pd-muted">{format!("{}: {c}", t.last_checked)}</span> })}
            </div>
            {move || link().map(|href| view! {
                <p class="pd-hint">{link_text}": "<a class="pd-bookmark" href=href.clone()>{href.clone()}</a></p>
            })}
        </section>
    }
}
