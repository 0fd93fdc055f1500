//! Following a claim: status in customer words, the stage as a progress
//! indicator, what the carrier still needs (answered right here), and the
//! resolution. Reached from the claim's success screen (no retyping), from
//! a bookmarked link, or by ticket number + order number.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::ticket::{TicketResponse, TicketStage};
use parcel_desk_wire::{ClaimState, FileRef};

use crate::api::{Access, ApiFailure, DataAnswer, DataRequest, TicketRead};
use crate::fields::TextField;
use crate::upload::{FileField, Upload};
use crate::{format, Ctx, Nav, TicketRef};

/// Upstream allows 30 reads a minute per account; one open status view
/// reads twice a minute, and every 5 s during the few seconds a new claim
/// takes to be registered.
const POLL: Duration = Duration::from_secs(30);
const POLL_PENDING: Duration = Duration::from_secs(5);

#[derive(Clone, Debug, PartialEq)]
enum Loaded {
    Loading,
    /// Not readable at the carrier yet: where it stands in the pipeline.
    Pending(Option<ClaimState>),
    /// The claim service refused the claim: upstream's reason.
    Refused(String),
    Ticket(Box<TicketResponse>),
    Failed(String),
}

fn access_of(r: &TicketRef) -> Access {
    match &r.token {
        Some(t) => Access::Token(t.clone()),
        None => Access::OrderNumber(String::new()),
    }
}

/// The link a customer can bookmark: the status page with the ticket and its
/// token (in the fragment, which browsers never send to a server).
fn bookmark(page: Option<&str>, r: &TicketRef) -> Option<String> {
    let token = r.token.as_ref()?;
    let base = match page {
        Some(p) => p.to_owned(),
        None => {
            let loc = web_sys::window()?.location();
            format!("{}{}", loc.origin().ok()?, loc.pathname().ok()?)
        }
    };
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    Some(format!("{base}?view=status&ticket={}#token={}", enc(&r.id), enc(token)))
}

#[component]
pub fn StatusView() -> impl IntoView {
    let nav = expect_context::<Nav>();
    move || match nav.ticket.get() {
        Some(r) => view! { <TicketPanel ticket=r /> }.into_any(),
        None => view! { <Lookup /> }.into_any(),
    }
}

/// Ticket number + order number.
#[component]
fn Lookup() -> impl IntoView {
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
                Ok(TicketRead::Ticket { token, .. }) => nav.ticket.set(Some(TicketRef { id, token })),
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
        </form>
    }
}

#[component]
fn TicketPanel(ticket: TicketRef) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let nav = expect_context::<Nav>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    let state = RwSignal::new(Loaded::Loading);
    let checked = RwSignal::new(None::<String>);
    let reference = StoredValue::new(ticket.clone());
    let proxy = StoredValue::new(ctx.proxy.clone());
    let page = StoredValue::new(ctx.status_page.clone());

    let load = move || {
        let proxy = proxy.get_value();
        let r = reference.get_value();
        spawn_local(async move {
            let answer = proxy.ticket(&r.id, &access_of(&r)).await;
            checked.set(Some(format::date_time(lang, &String::from(js_sys::Date::new_0().to_iso_string()))));
            state.set(match answer {
                Ok(TicketRead::Ticket { ticket, token }) => {
                    if let Some(token) = token {
                        reference.update_value(|r| r.token = Some(token));
                    }
                    Loaded::Ticket(ticket)
                }
                Ok(TicketRead::Pending { refused: Some(reason), .. }) => Loaded::Refused(reason),
                Ok(TicketRead::Pending { state, refused: None }) => Loaded::Pending(state),
                Err(ApiFailure::Http { status: 404, .. }) => Loaded::Failed(t.err_ticket_not_found.into()),
                Err(f) => Loaded::Failed(crate::api::failure_text(t, &f)),
            });
        });
    };
    load();
    // Gentle polling while the view is open: every 5 s while the claim is
    // being registered, every 30 s after.
    let last = StoredValue::new(js_sys::Date::now());
    let handle = set_interval_with_handle(
        move || {
            let period = if state.with_untracked(|s| matches!(s, Loaded::Pending(_) | Loaded::Loading)) {
                POLL_PENDING
            } else {
                POLL
            };
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

    let link = move || page.with_value(|p| bookmark(p.as_deref(), &reference.get_value()));
    let back = move |_| nav.ticket.set(None);

    view! {
        <section class="pd-form" aria-labelledby="pd-status-title">
            <h2 id="pd-status-title" class="pd-title" part="title">{t.status_title}</h2>
            <Show when=move || notice.get()>
                <p class="pd-notice pd-uploaded" role="status">{t.answer_sent}</p>
            </Show>
            {move || match state.get() {
                Loaded::Loading => view! { <p class="pd-muted" role="status">{t.looking_up}</p> }.into_any(),
                Loaded::Pending(claim_state) => {
                    let detail = match claim_state {
                        Some(ClaimState::Queued) => Some(t.status_queued),
                        Some(ClaimState::Filing) => Some(t.status_filing),
                        Some(ClaimState::Filed) => Some(t.status_filed),
                        Some(ClaimState::WithShop) => Some(t.status_with_shop),
                        _ => None,
                    };
                    view! {
                        <div class="pd-notice" role="status">
                            <p>{t.status_pending}</p>
                            {detail.map(|d| view! { <p class="pd-muted">{d}</p> })}
                        </div>
                    }
                    .into_any()
                }
                Loaded::Refused(reason) => view! {
                    <div class="pd-banner" part="banner" role="alert">
                        <p>{t.status_needs_attention}</p>
                        <p class="pd-reason">{reason}</p>
                    </div>
                }.into_any(),
                Loaded::Failed(msg) => view! {
                    <div class="pd-banner" part="banner" role="alert">{msg}</div>
                    <button type="button" class="pd-secondary" part="secondary-button" on:click=back>{t.show_status}</button>
                }.into_any(),
                Loaded::Ticket(ticket) => view! { <TicketDetails ticket=*ticket reference=reference.get_value() on_answered=answered /> }.into_any(),
            }}
            <div class="pd-row pd-status-actions">
                <button type="button" class="pd-secondary" part="secondary-button" on:click=move |_| load()>{t.refresh}</button>
                {move || checked.get().map(|c| view! { <span class="pd-muted">{format!("{}: {c}", t.last_checked)}</span> })}
            </div>
            {move || link().map(|href| view! {
                <p class="pd-hint">{t.status_link}": "<a class="pd-bookmark" href=href.clone()>{href.clone()}</a></p>
            })}
        </section>
    }
}

#[component]
fn TicketDetails(ticket: TicketResponse, reference: TicketRef, on_answered: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    let status = t.word(t.ticket_statuses, ticket.status.as_str(), t.word(t.ticket_statuses, "unknown", ""));
    let step = match ticket.stage {
        TicketStage::ActionRequired => 1,
        TicketStage::ManuallySolved | TicketStage::SolvedByAutomation => 2,
        _ => 0,
    };
    let steps = [t.stage_received, t.stage_action, t.stage_solved];
    let row = |label: &'static str, value: Option<String>| {
        value.map(|v| view! { <div class="pd-dl-row"><dt>{label}</dt><dd>{v}</dd></div> })
    };
    let resolution = ticket.resolution.clone();
    let has_requests = !ticket.requested_actions.is_empty();

    view! {
        <p class="pd-status-word" role="status">
            <strong>{status}</strong>
        </p>
        <ol class="pd-steps" aria-label=t.stage_label>
            {steps.into_iter().enumerate().map(|(i, label)| view! {
                <li class:pd-step-done=i < step class:pd-step-current=i == step
                    aria-current=(i == step).then_some("step")>{label}</li>
            }).collect_view()}
        </ol>
        <dl class="pd-dl">
            {row(t.ticket_number, Some(ticket.id.to_string()))}
            {row(t.claim_label, ticket.ticket_type.as_ref().map(|k| t.word(t.ticket_types, k.as_str(), k.as_str()).to_owned()))}
            {row(t.carrier_label, ticket.carrier.clone().map(|c| c.to_ascii_uppercase()))}
            {row(t.order_number, ticket.order_number.clone())}
            {row(t.created_label, Some(format::date_time(lang, &ticket.created_at)))}
            {row(t.updated_label, ticket.updated_at.as_deref().map(|d| format::date_time(lang, d)))}
        </dl>
        {resolution.map(|r| view! {
            <section class="pd-resolution" aria-labelledby="pd-resolution-title">
                <h3 id="pd-resolution-title">{t.resolution_title}</h3>
                <p><strong>{t.word(t.outcomes, r.outcome.as_str(), r.outcome.as_str()).to_owned()}</strong></p>
                <dl class="pd-dl">
                    {row(t.compensation, r.amount.map(|a| format::money(lang, a, r.currency.as_deref().unwrap_or("EUR"))))}
                    {row(t.solved_on, r.solved_at.as_deref().map(|d| format::date(lang, d)))}
                </dl>
            </section>
        })}
        {has_requests.then(|| view! {
            <RequestedData reference=reference.clone()
                fallback=ticket.requested_actions.iter().map(|a| a.data_type.as_str().to_owned()).collect()
                on_answered=on_answered />
        })}
    }
}

/// What the carrier still needs, each answerable with a comment and a file.
#[component]
fn RequestedData(reference: TicketRef, fallback: Vec<String>, on_answered: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let requests = RwSignal::new(None::<Result<Vec<DataRequest>, String>>);
    let proxy = ctx.proxy.clone();
    let r = reference.clone();
    spawn_local(async move {
        let answer = proxy.data_requests(&r.id, &access_of(&r)).await;
        requests.set(Some(answer.map_err(|f| crate::api::failure_text(t, &f))));
    });
    let reference = StoredValue::new(reference);
    view! {
        <section class="pd-requests" aria-labelledby="pd-requests-title">
            <h3 id="pd-requests-title">{t.requested_title}</h3>
            {move || match requests.get() {
                None => view! {
                    <ul>{fallback.iter().map(|d| view! { <li>{t.word(t.data_types, d, d).to_owned()}</li> }).collect_view()}</ul>
                }.into_any(),
                Some(Err(msg)) => view! { <div class="pd-banner" part="banner" role="alert">{msg}</div> }.into_any(),
                Some(Ok(list)) => list.into_iter().map(|req| view! {
                    <DataRequestForm request=req reference=reference.get_value() on_answered=on_answered />
                }).collect_view().into_any(),
            }}
        </section>
    }
}

#[component]
fn DataRequestForm(request: DataRequest, reference: TicketRef, on_answered: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let id = request.request_id;
    let comment = RwSignal::new(String::new());
    let file = RwSignal::new(Upload::Empty);
    let error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let reference = StoredValue::new(reference);
    let proxy = StoredValue::new(ctx.proxy.clone());

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let text = comment.get_untracked().trim().to_owned();
        let token = file.with_untracked(|f| f.token().map(str::to_owned));
        if file.with_untracked(Upload::busy) {
            error.set(Some(t.err_upload_pending.into()));
            return;
        }
        if text.is_empty() && token.is_none() {
            error.set(Some(t.err_answer_empty.into()));
            return;
        }
        error.set(None);
        busy.set(true);
        let answer = DataAnswer {
            request_id: id,
            comment: (!text.is_empty()).then_some(text),
            attachments: token.map(|file_token| vec![FileRef { file_token }]),
            sales_data: None,
        };
        let r = reference.get_value();
        let proxy = proxy.get_value();
        spawn_local(async move {
            let result = proxy.answer_data_request(&r.id, &access_of(&r), &answer).await;
            busy.set(false);
            match result {
                Ok(()) => {
                    sent.set(true);
                    on_answered.run(());
                }

                Err(f) => error.set(Some(crate::api::failure_text(t, &f))),
            }
        });
    };

    view! {
        <form class="pd-request" novalidate=true on:submit=on_submit>
            <h4>{if request.title.is_empty() { t.word(t.data_types, request.data_type.as_str(), request.data_type.as_str()).to_owned() } else { request.title.clone() }}</h4>
            {(!request.description.is_empty()).then(|| view! { <p>{request.description.clone()}</p> })}
            <Show when=move || !sent.get()>
                <TextField id=format!("answer-{id}") label=t.answer_comment multiline=true value=comment
                    error=Signal::derive(move || error.get()) />
                <FileField id=format!("answer-file-{id}") label=t.answer_file state=file
                    error=Signal::derive(|| None::<String>) required=false />
                <button type="submit" class="pd-submit" part="submit" disabled=move || busy.get()>{t.send_answer}</button>
            </Show>
        </form>
    }
}
