//! The claim form, in the customer's words: which parcel, what happened
//! (offered from what tracking says), then only the questions that claim
//! asks of a customer ([`super::model::Asks`]), their e-mail address and name, and for a
//! parcel that never arrived a signed declaration. The shop's facts (how
//! the parcel was shipped, contract, prices, invoices) are never asked:
//! the proxy adds them (`POST /claims`).

use leptos::prelude::*;
use parcel_desk_wire::ClaimType;
use wasm_bindgen::JsCast;

use super::filing::Filing;
use super::inputs::Inputs;
use super::keep::{Drafts, Keep};
use super::lookup::ParcelLookup;
use super::model::{Field, FieldError, Situation};
use super::questions::lazy_details;
use super::situation::{not_offered_text, SituationChoice};
use crate::fields::{ErrorSummary, TextField};
use crate::i18n::Texts;
use crate::{draft, Ctx};

/// The text for an error of one field.
pub fn field_error_text(t: &Texts, e: &FieldError) -> String {
    match e {
        FieldError::Missing => t.err_required.into(),
        FieldError::NoParcel => t.err_no_parcel.into(),
        FieldError::NotATrackingNumber => t.err_tracking_format.into(),
        FieldError::NotAnEmail => t.err_email.into(),
        FieldError::NotPositive => t.err_positive.into(),
        FieldError::NotANumber => t.err_number.into(),
        FieldError::PhotoNeeded => t.err_photo_needed.into(),
        FieldError::TooManyPhotos => t.err_too_many_photos.into(),
        FieldError::NotAccepted => t.err_not_accepted.into(),
        FieldError::UploadPending => t.err_upload_pending.into(),
        FieldError::Upstream(msg) => msg.clone(),
    }
}

/// The label an error summary link shows for a field.
fn field_label(t: &Texts, f: Field) -> &'static str {
    match f {
        Field::TrackingNumber => t.tracking_number,
        Field::Situation => t.situation_legend,
        Field::Contents => t.contents_label,
        Field::Exterior => t.exterior_label,
        Field::Dimensions => t.size_legend,
        Field::Photos => t.photos,
        Field::Remarks => t.remarks,
        Field::NewAddress => t.new_address_label,
        Field::Email => t.email,
        Field::Name => t.name,
        Field::Declaration => t.declaration_text,
        Field::SignedName => t.signed_name,
    }
}

/// Moves focus to the first control marked invalid, once the DOM shows it.
pub(super) fn focus_first_invalid(root: NodeRef<leptos::html::Form>) {
    request_animation_frame(move || {
        let Some(form) = root.get_untracked() else { return };
        // The first invalid field, or (first, if it comes first) the "Try
        // again" of a part that could not be loaded (the photo list: its
        // field is not there to focus).
        if let Ok(Some(el)) = form.query_selector("[aria-invalid=\"true\"], .pd-part-failed button") {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// The claim form (the widget's `claim` view).
#[component]
pub fn ClaimForm(
    /// What happened, preselected (`claimType` option); `None`: the
    /// customer picks.
    #[prop(default = None)]
    claim_type: Option<ClaimType>,
    /// Prefill for the tracking number (from the page or the URL).
    #[prop(optional, into)]
    tracking_number: String,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    let inputs = Inputs::new(&ctx, tracking_number.clone());
    inputs.situation.set(claim_type.map(Situation::of));
    // What the customer typed and chose in the first step, before the
    // widget was there (`mount` in the split build).
    if let Some(first) = use_context::<super::Handed>().and_then(|h| h.take_form()) {
        inputs.use_order.set(first.use_order);
        inputs.tracking_number.set(first.tracking_number);
        inputs.order_number.set(first.order_number);
        inputs.situation.set(first.situation);
    }
    let errors = RwSignal::new(Vec::<(Field, FieldError)>::new());
    let banner = RwSignal::new(None::<String>);
    let restored = RwSignal::new(false);
    let submitted = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // The split build: the questions, the photo list and the tracking
    // look-up load when the browser is idle after the form is on the page.
    #[cfg(feature = "split")]
    {
        crate::lazy::prefetch_claim_parts();
        super::lookup::prefetch_lookup();
        super::questions::prefetch_details();
    }
    let success_ref = NodeRef::<leptos::html::H2>::new();

    // One draft per proxy URL, unless the page prefilled another parcel.
    let draft_key = StoredValue::new(draft::claim_key(ctx.proxy.base()));
    let sending = RwSignal::new(false);
    let send = StoredValue::new(None::<Callback<Option<String>>>);
    let drafts = Drafts::new(Keep {
        inputs,
        key: draft_key,
        restored,
        submitted,
        prefill: tracking_number,
        situation: claim_type.map(Situation::of),
    });

    let lookup = ParcelLookup::new(&ctx, inputs.tracking_number);
    let offers = Memo::new(move |_| lookup.found.with(|f| f.as_ref().map(|f| f.offers.clone()).unwrap_or_default()));
    // The claim the chosen situation files, or why it cannot be filed now.
    let claim = Memo::new(move |_| inputs.situation.get().map(|s| offers.with(|o| s.claim(o))));
    let claim_type = Signal::derive(move || match claim.get() {
        Some(Ok(c)) => Some(c),
        _ => None,
    });

    // (A callback, so that the questions can take it into their module.)
    let error_text = Callback::new(move |field: Field| {
        Signal::derive(move || {
            let shown = errors.with(|es| es.iter().find(|(f, _)| *f == field).map(|(_, e)| field_error_text(t, e)));
            shown.or_else(|| (field == Field::TrackingNumber).then(|| lookup.not_found_text(t)).flatten())
        })
    });
    let error_of = move |field: Field| error_text.run(field);
    let start_over = Callback::new(move |_: ()| {
        inputs.clear();
        errors.set(Vec::new());
        banner.set(None);
        restored.set(false);
        submitted.set(false);
        draft_key.with_value(|k| draft::clear(k));
    });
    let success = StoredValue::new(None);
    let asked = StoredValue::new(false);
    let filing = Filing {
        inputs,
        claim: claim_type,
        error_text,
        errors,
        banner,
        submitted,
        sending,
        send,
        asked,
        form_ref,
        success_ref,
        draft_key,
        start_over,
        success,
    };

    let summary_links = Signal::derive(move || {
        errors.with(|es| es.iter().map(|(f, _)| (f.id().to_owned(), field_label(t, *f))).collect())
    });
    // A submit while tracking is still being asked waits for its answer:
    // which claim "not arrived" is depends on it.
    let after_lookup = RwSignal::new(false);
    let busy = move || sending.get() || after_lookup.get();

    let try_submit = move || {
        if sending.get_untracked() || after_lookup.get_untracked() {
            return; // a double click never files two claims
        }
        drafts.arm();
        if !inputs.use_order.get_untracked() && !untrack(|| lookup.settled()) {
            after_lookup.set(true);
            lookup.now().run(());
            return;
        }
        // Tracking does not know the number: said instead of sending.
        let unknown = untrack(|| lookup.not_found_text(t)).filter(|_| !inputs.use_order.get_untracked());
        if let (Some(_), Some(send)) = (claim_type.get_untracked(), send.get_value()) {
            send.run(unknown);
            return;
        }
        // Nothing to file yet, or the questions' module is still loading
        // (or could not be: its "Try again" is then focused): say what can
        // be checked here, the parcel, and what happened or why tracking
        // rules it out.
        // (A number that is no tracking number is said as such, before
        // tracking's "unknown".)
        let mut problems: Vec<(Field, FieldError)> = inputs
            .parcel_problem()
            .or(unknown.map(FieldError::Upstream))
            .map(|e| (Field::TrackingNumber, e))
            .into_iter()
            .collect();
        if claim_type.get_untracked().is_none() {
            let why = claim.get_untracked().and_then(Result::err);
            problems.push((
                Field::Situation,
                match why {
                    Some((_, reason, from)) => {
                        FieldError::Upstream(not_offered_text(t, lang, &reason, from.as_deref()))
                    }
                    None => FieldError::Missing,
                },
            ));
        }
        // The claim is known and the parcel fine, but its questions are
        // still loading: they are checked as soon as they are there.
        asked.set_value(problems.is_empty());
        banner.set((!problems.is_empty()).then(|| t.err_fix_fields.into()));
        errors.set(problems);
        focus_first_invalid(form_ref);
    };
    Effect::new(move |_| {
        if after_lookup.get() && lookup.settled() {
            after_lookup.set(false);
            try_submit();
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        try_submit();
    };

    let situation_error = error_of(Field::Situation);
    let has_claim = Memo::new(move |_| claim_type.with(Option::is_some));
    let form = move || {
        view! {
            <form class="pd-form" novalidate=true node_ref=form_ref on:submit=on_submit
                aria-labelledby="pd-claim-title">
                <h2 id="pd-claim-title" class="pd-title" part="title">{t.claim_title}</h2>
                <p class="pd-intro">{t.claim_intro}</p>
                {move || drafts.unreadable.get().then(|| view! {
                    <div class="pd-notice" role="status">
                        <span>{t.draft_not_loaded}</span>" "
                        <button type="button" class="pd-link" on:click=move |_| drafts.arm()>{t.retry}</button>
                    </div>
                })}
                {move || restored.get().then(|| view! {
                    <div class="pd-notice" role="status">
                        <span>{t.draft_restored}</span>" "
                        <button type="button" class="pd-link" on:click=move |_| start_over.run(())>{t.start_over}</button>
                    </div>
                })}
                <p class="pd-hint">{t.required_note}</p>

                {move || if inputs.use_order.get() {
                    view! {
                        <TextField id="order_number" label=t.order_number hint=t.order_number_hint
                            value=inputs.order_number error=error_of(Field::TrackingNumber) required=true />
                        <button type="button" class="pd-link" on:click=move |_| inputs.use_order.set(false)>
                            {t.use_tracking_number}</button>
                    }.into_any()
                } else {
                    view! {
                        <TextField id="tracking_number" label=t.tracking_number hint=t.tracking_hint
                            value=inputs.tracking_number error=error_of(Field::TrackingNumber)
                            required=true autocomplete="off" on_enter=lookup.now() />
                        <button type="button" class="pd-link" on:click=move |_| inputs.use_order.set(true)>
                            {t.no_tracking_number}</button>
                        {lookup.latest_view()}
                    }.into_any()
                }}

                <SituationChoice situation=inputs.situation offers=offers error=situation_error />
                {move || claim.get().map(|c| match c {
                    Ok(claim) => view! { <ClaimSummary claim=claim offers_known=move || !offers.with(Vec::is_empty) /> }.into_any(),
                    Err((_, reason, from)) => view! {
                        <div class="pd-notice" role="status"><p>{not_offered_text(t, lang, &reason, from.as_deref())}</p></div>
                    }.into_any(),
                })}

                // (Rendered again only when a claim becomes known or unknown,
                // not when it changes: the questions keep their DOM.)
                {move || has_claim.get().then(|| lazy_details(filing))}

                {move || banner.get().map(|text| view! { <ErrorSummary text=text links=summary_links /> })}

                <button type="submit" class="pd-submit" part="submit" disabled=busy
                    aria-busy=move || busy().then_some("true")>
                    {move || if busy() { t.submitting } else { t.submit }}
                </button>
            </form>
        }
    };

    // The success screen comes with the sending (it is shown only after it).
    // A stored draft is restored before the form is shown (the split
    // build: until the draft's module is there).
    move || match submitted.get().then(|| success.get_value()).flatten() {
        Some(success) => success(),
        None if drafts.waiting.get() => crate::fields::loading(t.loading),
        None => form().into_any(),
    }
}

/// What the chosen situation will be filed as, when tracking decided it.
#[component]
fn ClaimSummary(claim: ClaimType, offers_known: impl Fn() -> bool + Send + Sync + 'static) -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    move || {
        let text = match claim {
            ClaimType::DeliveredNotReceived => t.filed_as_not_received,
            ClaimType::LateDelivery => t.filed_as_late,
            ClaimType::Lost if offers_known() => t.filed_as_lost,
            _ => return None,
        };
        Some(view! { <p class="pd-hint" role="status">{text}</p> })
    }
}
