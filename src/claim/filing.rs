//! Sending the claim: the request, its answer, and the checks of the
//! answers once the claim is known. In the split build this comes with the
//! questions' module (src/lazy.rs): nothing can be sent before the form
//! knows which claim it files, and until then the form checks only the
//! parcel and the situation ([`super::model::Draft::parcel_problem`]).

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use parcel_desk_wire::customer::{CustomerClaim, CustomerClaimCreated};
use parcel_desk_wire::{ClaimState, ClaimType};

use super::form::focus_first_invalid;
use super::inputs::Inputs;
use super::model::{Draft, Field, FieldError};
use crate::api::{failure_text, ApiFailure};
use crate::{draft, Ctx};

/// What the form shares with the questions and the sending: the answers,
/// the claim they file, the errors and the banner, the sent claim.
#[derive(Clone, Copy)]
pub struct Filing {
    pub inputs: Inputs,
    /// The claim the answers file, once the situation and tracking decide
    /// it.
    pub claim: Signal<Option<ClaimType>>,
    /// A field's error text, as the form shows it.
    pub error_text: Callback<Field, Signal<Option<String>>>,
    pub errors: RwSignal<Vec<(Field, FieldError)>>,
    pub banner: RwSignal<Option<String>>,
    /// The claim was accepted (what the proxy answered is the sending's:
    /// [`arm`]).
    pub submitted: RwSignal<bool>,
    /// A request is on its way, or waits to be sent again.
    pub sending: RwSignal<bool>,
    /// The submit, once the sending is ready: checks every answer and sends
    /// the claim. Its argument: tracking's "unknown number" text, which
    /// replaces the tracking number's error.
    pub send: StoredValue<Option<Callback<Option<String>>>>,
    /// A submit found the claim known but the sending not ready yet (its
    /// module still loading): once it is, every answer is checked and what
    /// is missing is said, as a submit would (nothing is sent).
    pub asked: StoredValue<bool>,
    pub form_ref: NodeRef<leptos::html::Form>,
    pub success_ref: NodeRef<leptos::html::H2>,
    /// The form's draft in the page's storage ([`draft::key`]).
    pub draft_key: StoredValue<String>,
    /// Empties the form for another claim.
    pub start_over: Callback<()>,
    /// The success screen, once the claim is accepted ([`success`], with
    /// what the proxy answered): in the split build its code comes with
    /// the sending's module. It belongs to the form, not to the questions
    /// (whose owner goes when the form makes way for it).
    pub success: StoredValue<Option<SuccessScreen>>,
}

/// Renders the success screen of a filing, with the accepted claim.
pub type SuccessScreen = Arc<dyn Fn() -> AnyView + Send + Sync>;

/// One submit: what is sent, and under which key.
#[derive(Clone)]
struct Attempt {
    body: CustomerClaim,
    key: String,
}

/// Makes the submit of `filing` ready (`filing.send`) for as long as the
/// caller's owner lives.
pub fn arm(filing: Filing) {
    let Filing { inputs, errors, banner, submitted, form_ref, success_ref, draft_key, .. } = filing;
    let claim_type = filing.claim;
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    #[cfg(feature = "status")]
    let proxy_base = StoredValue::new(ctx.proxy.base().to_owned());
    let submit = Action::new_local(move |a: &Attempt| {
        let proxy = ctx.proxy.clone();
        let a = a.clone();
        async move { (a.clone(), proxy.create_customer_claim(&a.body, &a.key).await) }
    });
    let pending = submit.pending();
    let waiting = RwSignal::new(false);

    // The answer: success screen, errors at fields, or a banner. The
    // answers are never touched, so nothing typed is lost.
    Effect::new(move |_| {
        let Some((attempt, result)) = submit.value().get() else { return };
        match result {
            Ok(created) => {
                draft_key.with_value(|k| draft::clear(k));
                crate::events::submitted(crate::events::Submitted {
                    kind: crate::events::SubmittedKind::Claim,
                    claim_type: Some(attempt.body.claim_type),
                    reference: Some(created.reference.to_string()),
                    ticket_id: created.claim_id.clone(),
                    access_token: created.access_token.clone(),
                });
                #[cfg(feature = "status")]
                crate::status::remember(
                    &proxy_base.get_value(),
                    &created.reference.to_string(),
                    &created.claim_id,
                    &created.access_token,
                );
                let screen: SuccessScreen = Arc::new(move || success(filing, &created));
                filing.success.set_value(Some(screen));
                submitted.set(true);
                request_animation_frame(move || {
                    if let Some(h) = success_ref.get_untracked() {
                        let _ = h.focus();
                    }
                });
            }
            // Busy or rate-limited: send the same attempt again when allowed.
            Err(ApiFailure::Http { status: status @ (409 | 429), retry_after, .. }) => {
                let secs = retry_after.unwrap_or(if status == 409 { 1 } else { 30 }).clamp(1, 600);
                if status == 429 {
                    banner.set(Some(t.err_sending_in.replace("{}", &t.seconds(secs))));
                }
                waiting.set(true);
                set_timeout(
                    move || {
                        // Gone meanwhile (view switched): the draft keeps the
                        // attempt and its key for the next submit.
                        if waiting.try_set(false).is_some() {
                            return;
                        }
                        if status == 429 {
                            banner.set(Some(t.sending_again.into()));
                        }
                        submit.dispatch(attempt);
                    },
                    Duration::from_secs(secs as u64),
                );
            }
            // The order number and the e-mail address do not match an order
            // of the shop (one answer for both, by design).
            Err(failure) if failure.code() == "order_not_found" => {
                failure.emit(t.err_order_not_found);
                errors.set(vec![
                    (Field::TrackingNumber, FieldError::Upstream(t.err_order_not_found.into())),
                    (Field::Email, FieldError::Upstream(t.err_order_not_found.into())),
                ]);
                banner.set(Some(t.err_fix_fields.into()));
                focus_first_invalid(form_ref);
            }
            Err(failure) => {
                let mut mapped: Vec<(Field, FieldError)> = Vec::new();
                for issue in failure.validation_issues() {
                    if let Some(field) = Field::of_issue(&issue) {
                        if !mapped.iter().any(|(f, _)| *f == field) {
                            mapped.push((field, FieldError::of_issue(&issue)));
                        }
                    }
                }
                let message = failure_text(t, &failure);
                failure.emit(&message);
                if mapped.is_empty() {
                    banner.set(Some(format!("{message} {}", t.kept_note)));
                } else {
                    errors.set(mapped);
                    banner.set(Some(t.err_fix_fields.into()));
                    focus_first_invalid(form_ref);
                }
            }
        }
    });

    // A shown error goes as soon as its answer is valid, and otherwise
    // says the rule the answer breaks now. Nothing new is flagged while
    // typing: only the next submit does that. The proxy's own message
    // stays until its answer changes.
    Effect::new(move |previous: Option<Draft>| {
        let draft = inputs.draft();
        let Some(claim) = claim_type.get() else { return draft };
        if errors.with_untracked(Vec::is_empty) {
            return draft;
        }
        let (_, now) = draft.to_request(claim);
        let changed = previous.as_ref() != Some(&draft);
        errors.update(|es| {
            es.retain_mut(|(field, e)| {
                if matches!(e, FieldError::Upstream(_)) && !changed {
                    return true;
                }
                match now.iter().find(|(f, _)| f == field) {
                    Some((_, current)) => {
                        *e = current.clone();
                        true
                    }
                    None => false,
                }
            })
        });
        if errors.with_untracked(Vec::is_empty) {
            banner.set(None);
        }
        draft
    });

    Effect::new(move |_| filing.sending.set(pending.get() || waiting.get()));

    let send = Callback::new(move |unknown: Option<String>| {
        if pending.get_untracked() || waiting.get_untracked() {
            return; // a double click never files two claims
        }
        let Some(claim) = claim_type.get_untracked() else { return };
        let (mut body, mut problems) = untrack(|| inputs.draft()).to_request(claim);
        // The proxy's e-mails about the claim go in the page's language.
        body.language = parcel_desk_wire::customer::Language::from_tag(lang);
        // Tracking does not know the number: say so, send nothing.
        if let Some(unknown) = unknown {
            problems.retain(|(f, _)| *f != Field::TrackingNumber);
            problems.insert(0, (Field::TrackingNumber, FieldError::Upstream(unknown)));
        }
        if !problems.is_empty() {
            errors.set(problems);
            banner.set(Some(t.err_fix_fields.into()));
            focus_first_invalid(form_ref);
            return;
        }
        errors.set(Vec::new());
        banner.set(None);
        // The same claim sent again (after a failure or a reload) reuses its
        // key, so the proxy answers it once; a changed claim gets a new key.
        let sent = crate::json::to_string(&body).unwrap_or_default();
        let (sent, key) = crate::api::attempt(inputs.attempt.get_untracked(), sent);
        inputs.attempt.set(Some((sent, key.clone())));
        // Store the attempt before the request leaves: a reload during
        // submit then sends it again under the same key.
        draft_key.with_value(|k| draft::save(k, &untrack(|| inputs.saved())));
        submit.dispatch(Attempt { body, key });
    });
    filing.send.set_value(Some(send));
    // A submit made before the questions were here checked only the parcel
    // and what happened (or, with both fine, had nothing to say yet): their
    // answers are checked now too (nothing is sent), so the summary names
    // everything still to do.
    let asked = filing.asked.get_value();
    filing.asked.set_value(false);
    if asked || (banner.with_untracked(Option::is_some) && errors.with_untracked(|es| !es.is_empty())) {
        if let Some(claim) = claim_type.get_untracked() {
            let (_, problems) = untrack(|| inputs.draft()).to_request(claim);
            errors.update(|es| {
                for (field, e) in problems {
                    if !es.iter().any(|(f, _)| *f == field) {
                        es.push((field, e));
                    }
                }
            });
            if asked && errors.with_untracked(|es| !es.is_empty()) {
                banner.set(Some(t.err_fix_fields.into()));
                focus_first_invalid(form_ref);
            }
        }
    }
    on_cleanup(move || {
        let _ = filing.send.try_set_value(None);
        let _ = filing.sending.try_set(false);
    });
}

/// The screen after the claim was accepted: its reference, and the way to
/// follow it (when the widget has the status view) or to file another.
fn success(filing: Filing, created: &CustomerClaimCreated) -> AnyView {
    let Filing { success_ref, start_over, .. } = filing;
    let ctx = expect_context::<Ctx>();
    // (Shown in the form's place, outside the questions: its texts come
    // with theirs, build.rs.)
    let t = ctx.lang.texts();
    let nav = use_context::<crate::Nav>().filter(|_| crate::View::Status.compiled_in());
    let reference = created.reference.to_string();
    let with_shop = matches!(created.state, ClaimState::WithShop);
    #[cfg(feature = "status")]
    let follow = {
        let (reference, claim_id, access_token) =
            (reference.clone(), created.claim_id.clone(), created.access_token.clone());
        move |_| {
            if let Some(nav) = nav {
                crate::status::open_claim(nav, ctx.proxy.base(), &reference, &claim_id, &access_token);
            }
        }
    };
    #[cfg(not(feature = "status"))]
    let follow = |_| {};
    view! {
        <section class="pd-success" aria-labelledby="pd-success-title">
            <h2 id="pd-success-title" class="pd-title" part="title" tabindex="-1" node_ref=success_ref>
                {t.success_title}
            </h2>
            <p>{if with_shop { t.success_with_shop } else { t.success_received }}</p>
            <p class="pd-reference">
                <span>{t.reference}": "</span>
                <strong>{reference}</strong>
            </p>
            <p class="pd-hint">{t.reference_note}</p>
            <div class="pd-row">
                {nav.map(|_| view! {
                    <button type="button" class="pd-submit pd-auto" part="submit" on:click=follow>{t.follow_status}</button>
                })}
                <button type="button" class="pd-secondary" part="secondary-button" on:click=move |_| start_over.run(())>{t.new_claim}</button>
            </div>
        </section>
    }
    .into_any()
}
