//! A claim as the customer sees it: the phase in words, the progress bar,
//! the ticket's facts, and what the carrier needs from them (only what a
//! customer can give: [`parcel_desk_wire::ticket::DataType::customer_can_answer`]).

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::ticket::TicketResponse;
use parcel_desk_wire::FileRef;

use crate::api::{DataAnswer, DataRequest};
use crate::fields::TextArea;
use crate::upload::{FileField, Upload};
use crate::{format, Ctx, TicketRef};

use super::access_of;
use super::phase::{Phase, Step};

/// Where the claim stands, in a sentence or two.
#[component]
pub fn PhaseText(phase: Phase) -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    let (headline, detail, extra): (&str, String, Option<String>) = match &phase {
        Phase::Received { queued } => {
            (t.stage_received, t.status_pending.into(), queued.then(|| t.status_queued.into()))
        }
        Phase::WithShop => (t.stage_with_shop, t.status_with_shop.into(), None),
        Phase::Filed { registering: true } => (t.phase_filed, t.status_filed.into(), None),
        Phase::Filed { registering: false } => (t.phase_filed, t.phase_filed_detail.into(), None),
        Phase::NeedsYou => (t.phase_needs_you, t.phase_needs_you_detail.into(), None),
        Phase::Resolved { outcome } => (
            if phase.declined() { t.phase_declined } else { t.stage_resolved },
            outcome
                .as_ref()
                .map(|o| t.word(t.customer_outcomes, o.as_str(), t.phase_resolved_detail))
                .unwrap_or(t.phase_resolved_detail)
                .into(),
            None,
        ),
        Phase::Attention { .. } => (t.phase_attention, t.status_needs_attention.into(), None),
        Phase::Rejected { .. } => (t.phase_rejected, t.phase_rejected_detail.into(), None),
    };
    // Upstream's reason names upstream's fields: folded away, for the shop
    // (a customer who contacts it can pass it on).
    let reason = match &phase {
        Phase::Attention { reason } if !reason.trim().is_empty() => Some(reason.clone()),
        _ => None,
    };
    // The shop's reason is written for the customer: shown as it is.
    let shop_reason = match &phase {
        Phase::Rejected { reason } if !reason.trim().is_empty() => Some(reason.clone()),
        _ => None,
    };
    let class = match phase {
        Phase::NeedsYou | Phase::Attention { .. } | Phase::Rejected { .. } => "pd-phase pd-phase-attention",
        _ => "pd-phase",
    };
    view! {
        <div class=class role="status">
            <p class="pd-status-word"><strong>{headline}</strong></p>
            <p>{detail}</p>
            {extra.map(|e| view! { <p class="pd-muted">{e}</p> })}
            {shop_reason.map(|r| view! { <blockquote class="pd-shop-reason pd-prewrap">{r}</blockquote> })}
            {reason.map(|r| view! {
                <details class="pd-muted"><summary>{t.attention_details}</summary><p class="pd-reason">{r}</p></details>
            })}
        </div>
    }
}

/// Received → with the shop → filed → resolved, up to the furthest step
/// reached.
#[component]
pub fn Progress(furthest: RwSignal<Option<Step>>) -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    let labels = [t.stage_received, t.stage_with_shop, t.stage_filed, t.stage_resolved];
    view! {
        <ol class="pd-steps" aria-label=t.stage_label>
            {Step::ALL.into_iter().zip(labels).map(|(step, label)| {
                let current = move || furthest.get().unwrap_or(Step::Received) == step;
                let done = move || furthest.get().unwrap_or(Step::Received) > step;
                view! {
                    <li class:pd-step-done=done class:pd-step-current=current
                        aria-current=move || current().then_some("step")>{label}</li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
pub fn TicketDetails(
    ticket: TicketResponse,
    phase: Phase,
    reference: TicketRef,
    on_answered: Callback<()>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    let row = |label: &'static str, value: Option<String>| {
        value.map(|v| view! { <div class="pd-dl-row"><dt>{label}</dt><dd>{v}</dd></div> })
    };
    let solved_on = ticket.resolution.as_ref().and_then(|r| r.solved_at.clone());
    let shop_only = !ticket.requested_actions.is_empty()
        && !ticket.requested_actions.iter().any(|a| a.data_type.customer_can_answer());
    let fallback: Vec<String> = ticket
        .requested_actions
        .iter()
        .filter(|a| a.data_type.customer_can_answer())
        .map(|a| a.data_type.as_str().to_owned())
        .collect();

    view! {
        <dl class="pd-dl">
            {row(t.ticket_number, Some(ticket.id.to_string()))}
            {row(t.claim_label, ticket.ticket_type.as_ref().map(|k| t.word(t.ticket_types, k.as_str(), k.as_str()).to_owned()))}
            {row(t.carrier_label, ticket.carrier.clone().map(|c| c.to_ascii_uppercase()))}
            {row(t.order_number, ticket.order_number.clone())}
            {row(t.created_label, Some(format::date_time(lang, &ticket.created_at)))}
            {row(t.updated_label, ticket.updated_at.as_deref().map(|d| format::date_time(lang, d)))}
            {row(t.solved_on, solved_on.as_deref().map(|d| format::date(lang, d)))}
        </dl>
        {(shop_only && !matches!(phase, Phase::Resolved { .. })).then(|| view! { <p class="pd-muted">{t.shop_handles_requests}</p> })}
        {(phase == Phase::NeedsYou).then(|| view! {
            <RequestedData reference=reference.clone() fallback=fallback on_answered=on_answered />
        })}
    }
}

/// What the carrier still needs from the customer, each answerable with a
/// comment and a file.
#[component]
fn RequestedData(reference: TicketRef, fallback: Vec<String>, on_answered: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let requests = RwSignal::new(None::<Result<Vec<DataRequest>, String>>);
    let proxy = ctx.proxy.clone();
    let r = reference.clone();
    spawn_local(async move {
        let answer = proxy.data_requests(&r.id, &access_of(&r)).await;
        requests.set(Some(
            answer
                .map(|list| list.into_iter().filter(DataRequest::customer_can_answer).collect())
                .map_err(|f| crate::api::failure_text(t, &f)),
        ));
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

    let word = t.word(t.data_types, request.data_type.as_str(), request.data_type.as_str()).to_owned();
    view! {
        <form class="pd-request" novalidate=true on:submit=on_submit>
            <h4>{if request.title.is_empty() { word } else { request.title.clone() }}</h4>
            {(!request.description.is_empty()).then(|| view! { <p>{request.description.clone()}</p> })}
            <Show when=move || !sent.get()>
                <TextArea id=format!("answer-{id}") label=t.answer_comment value=comment
                    error=Signal::derive(move || error.get()) />
                <FileField id=format!("answer-file-{id}") label=t.answer_file state=file
                    error=Signal::derive(|| None::<String>) required=false />
                <button type="submit" class="pd-submit" part="submit" disabled=move || busy.get()>{t.send_answer}</button>
            </Show>
        </form>
    }
}
