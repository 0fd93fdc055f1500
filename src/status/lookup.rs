//! Finding a claim: by its reference (`PD-4K7Q-2M`) or its order number
//! (the order's newest claim) and the e-mail address given with it or the
//! parcel's postal code (`POST /claims/lookup`), or, for tickets filed
//! before references existed, by ticket number + order number.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{Access, ApiFailure, TicketRead};
use crate::fields::TextField;
use crate::i18n::Texts;
use crate::{Ctx, Nav, TicketRef};

use super::store;

/// The banner for a failed reference look-up: a wrong reference, e-mail
/// address or postal code is one answer (the proxy's 404 never says which
/// part is wrong, and neither does this), too many look-ups another.
pub fn lookup_failure_text(t: &Texts, failure: &ApiFailure) -> String {
    match failure {
        ApiFailure::Http { status: 404, .. } => t.err_claim_not_found.into(),
        ApiFailure::Http { status: 429, retry_after: Some(secs), .. } => {
            t.err_lookup_rate_limited_secs.replace("{}", &t.seconds(*secs))
        }
        ApiFailure::Http { status: 429, retry_after: None, .. } => t.err_lookup_rate_limited.into(),
        other => crate::api::failure_text(t, other),
    }
}

/// The look-up, by reference unless the customer switches to the ticket
/// number.
#[component]
pub fn Lookup() -> impl IntoView {
    let by_ticket = RwSignal::new(false);
    move || {
        if by_ticket.get() {
            view! { <TicketLookup by_ticket=by_ticket /> }.into_any()
        } else {
            view! { <ReferenceLookup by_ticket=by_ticket /> }.into_any()
        }
    }
}

/// An order number the look-up can send: some text, at most 100
/// characters, no control characters.
fn plausible_order_number(order: &str) -> bool {
    order.chars().count() <= 100 && !order.chars().any(char::is_control)
}

/// Reference (or order number) + e-mail address or postal code.
#[component]
fn ReferenceLookup(by_ticket: RwSignal<bool>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let nav = expect_context::<Nav>();
    let t = ctx.texts;
    let prefilled = nav.reference.get_untracked().filter(|r| store::canonical(r).is_some());
    let reference = RwSignal::new(prefilled.clone().unwrap_or_default());
    let proof = RwSignal::new(ctx.email.clone().unwrap_or_default());
    let errors = RwSignal::new((None::<String>, None::<String>));
    let banner = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let proxy = StoredValue::new(ctx.proxy.clone());

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let typed = reference.get_untracked();
        let canonical = store::canonical(&typed);
        let given = proof.get_untracked().trim().to_owned();
        // What is not a reference is an order number (the proxy opens the
        // order's newest claim).
        let reference_error = match (typed.trim(), &canonical) {
            ("", _) => Some(t.err_required.to_owned()),
            (order, None) if !plausible_order_number(order) => Some(t.err_reference.to_owned()),
            _ => None,
        };
        let proof_error = given.is_empty().then(|| t.err_required.to_owned());
        let invalid = reference_error.is_some() || proof_error.is_some();
        errors.set((reference_error, proof_error));
        banner.set(None);
        if invalid {
            return;
        }
        busy.set(true);
        let proxy = proxy.get_value();
        spawn_local(async move {
            let answer = proxy.lookup_claim(&typed, &given).await;
            busy.set(false);
            match answer {
                Ok(found) => {
                    // Asked by order number, the answer names the reference.
                    let shown = found.reference.map(|r| r.to_string()).or(canonical);
                    super::remember(
                        proxy.base(),
                        shown.as_deref().unwrap_or_default(),
                        &found.claim_id,
                        &found.access_token,
                    );
                    nav.reference.set(shown);
                    nav.ticket.set(Some(TicketRef { id: found.claim_id, token: Some(found.access_token) }));
                }
                Err(f) => banner.set(Some(lookup_failure_text(t, &f))),
            }
        });
    };

    let intro = match &prefilled {
        Some(r) => t.status_confirm_intro.replace("{}", &store::canonical(r).unwrap_or_default()),
        None => t.status_reference_intro.to_owned(),
    };
    view! {
        <form class="pd-form" novalidate=true on:submit=on_submit aria-labelledby="pd-status-title">
            <h2 id="pd-status-title" class="pd-title" part="title">{t.status_title}</h2>
            <p class="pd-intro">{intro}</p>
            <TextField id="claim_reference" label=t.claim_reference hint=t.claim_reference_hint
                value=reference required=true autocomplete="off"
                error=Signal::derive(move || errors.get().0) />
            <TextField id="email_or_postal_code" label=t.email_or_postal_code hint=t.email_or_postal_code_hint
                value=proof required=true autocomplete="email"
                error=Signal::derive(move || errors.get().1) />
            {move || banner.get().map(|b| view! { <div class="pd-banner" part="banner" role="alert">{b}</div> })}
            <button type="submit" class="pd-submit" part="submit" disabled=move || busy.get()>{t.show_status}</button>
            <p class="pd-hint">
                <button type="button" class="pd-link" on:click=move |_| by_ticket.set(true)>{t.lookup_by_ticket}</button>
            </p>
        </form>
    }
}

/// Ticket number + order number.
#[component]
fn TicketLookup(by_ticket: RwSignal<bool>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let nav = expect_context::<Nav>();
    let t = ctx.texts;
    let number = RwSignal::new(String::new());
    let order = RwSignal::new(ctx.order_number.clone().unwrap_or_default());
    let errors = RwSignal::new((None::<String>, None::<String>));
    let banner = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let id = number.get_untracked().trim().to_owned();
        let order_number = order.get_untracked().trim().to_owned();
        let id_error =
            (id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit())).then(|| t.err_ticket_number.to_owned());
        let order_error = order_number.is_empty().then(|| t.err_required.to_owned());
        let invalid = id_error.is_some() || order_error.is_some();
        errors.set((id_error, order_error));
        banner.set(None);
        if invalid {
            return;
        }
        busy.set(true);
        let proxy = ctx.proxy.clone();
        spawn_local(async move {
            let answer = proxy.ticket(&id, &Access::OrderNumber(order_number)).await;
            busy.set(false);
            match answer {
                Ok(TicketRead::Ticket { token, .. }) => {
                    nav.reference.set(None);
                    nav.ticket.set(Some(TicketRef { id, token }));
                }
                Ok(TicketRead::Pending { .. }) => banner.set(Some(t.status_pending.into())),
                Err(ApiFailure::Http { status: 404, .. }) => banner.set(Some(t.err_ticket_not_found.into())),
                Err(f) => banner.set(Some(crate::api::failure_text(t, &f))),
            }
        });
    };

    view! {
        <form class="pd-form" novalidate=true on:submit=on_submit aria-labelledby="pd-status-title">
            <h2 id="pd-status-title" class="pd-title" part="title">{t.status_title}</h2>
            <p class="pd-intro">{t.status_lookup_intro}</p>
            <TextField id="ticket_number" label=t.ticket_number hint=t.ticket_number_hint inputmode="numeric"
                value=number required=true error=Signal::derive(move || errors.get().0) />
            <TextField id="order_number" label=t.order_number value=order required=true
                error=Signal::derive(move || errors.get().1) />
            {move || banner.get().map(|b| view! { <div class="pd-banner" part="banner" role="alert">{b}</div> })}
            <button type="submit" class="pd-submit" part="submit" disabled=move || busy.get()>{t.show_status}</button>
            <p class="pd-hint">
                <button type="button" class="pd-link" on:click=move |_| by_ticket.set(false)>{t.lookup_by_reference}</button>
            </p>
        </form>
    }
}
