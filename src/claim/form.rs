//! The claim form: lost and damaged parcels, both parcel kinds. Which
//! fields exist and which are required is data from `parcel-desk-wire`
//! (the spec's tables); this component only lays them out.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::claim::{allowed, required_fields};
use parcel_desk_wire::{ClaimField, ClaimRequest, ClaimType, FieldProblem, ParcelKind};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

use super::model::{Draft, FieldError};
use crate::api::{failure_text, ApiFailure};
use crate::fields::{ErrorSummary, FieldErrorText, LabelText, TextField};
use crate::i18n::Texts;
use crate::tracking::{normalize_tracking_number, phase_text, LostClaimReason, Tracking, TrackingExt};
use crate::upload::{FileField, Upload};
use crate::{draft, Ctx, Nav, TicketRef, View};
use parcel_desk_wire::ClaimCreated;

/// The text for an error of one field.
pub fn field_error_text(t: &Texts, e: &FieldError) -> String {
    match e {
        FieldError::Rule(FieldProblem::Missing) => t.err_required.into(),
        FieldError::Rule(FieldProblem::NotPositive) => t.err_positive.into(),
        FieldError::Rule(FieldProblem::UnknownCurrency) => t.err_currency.into(),
        FieldError::Rule(FieldProblem::NotAllowed) => t.err_not_allowed.into(),
        FieldError::NotANumber => t.err_number.into(),
        FieldError::NotWhole => t.err_whole_number.into(),
        FieldError::UploadPending => t.err_upload_pending.into(),
        FieldError::Upstream(msg) => msg.clone(),
    }
}

/// The file fields, in spec order: four documents, then six photos.
fn file_fields() -> [ClaimField; 10] {
    let mut files = ClaimField::ALL.iter().copied().filter(|f| f.is_file());
    std::array::from_fn(|_| files.next().expect("ten file fields"))
}

fn is_photo(f: ClaimField) -> bool {
    f.is_file() && file_fields()[4..].contains(&f)
}

/// Label and one-line hint of a file field.
fn file_texts(t: &Texts, claim: ClaimType, f: ClaimField) -> (&'static str, Option<&'static str>) {
    match f {
        ClaimField::SalesInvoice => (t.sales_invoice, None),
        ClaimField::PurchaseInvoice => (t.purchase_invoice, None),
        ClaimField::CustomerConfirmation if claim == ClaimType::Damage => (t.customer_confirmation_damage, None),
        ClaimField::CustomerConfirmation => (t.customer_confirmation, None),
        ClaimField::ExteriorPhoto => (t.exterior_photo, Some(t.exterior_photo_hint)),
        ClaimField::InteriorPhoto => (t.interior_photo, Some(t.interior_photo_hint)),
        ClaimField::DamagePhoto1 => (t.damage_photo_1, Some(t.damage_photo_1_hint)),
        ClaimField::DamagePhoto2 => (t.damage_photo_2, Some(t.damage_photo_2_hint)),
        ClaimField::PackagePhoto => (t.package_photo, Some(t.package_photo_hint)),
        ClaimField::EntireProductPhoto => (t.entire_product_photo, Some(t.entire_product_photo_hint)),
        _ => (t.carrier_claim_form, None),
    }
}

/// The control an error summary link moves to, and its label.
fn summary_target(t: &Texts, claim: ClaimType, f: ClaimField) -> (String, &'static str) {
    let name = f.wire_name();
    match f {
        ClaimField::TrackingNumber => (name.into(), t.tracking_number),
        ClaimField::CarrierContractId => (name.into(), t.carrier_contract_id),
        ClaimField::ContentsSalesPrice => (format!("{name}-amount"), t.sales_price),
        ClaimField::ContentsPurchasePrice => (format!("{name}-amount"), t.purchase_price),
        ClaimField::ContentsDescription => (name.into(), t.contents_description),
        ClaimField::ParcelExteriorDescription => (name.into(), t.exterior_description),
        ClaimField::ParcelDimensions => (format!("{name}-length"), t.dimensions),
        ClaimField::AdditionalRemarks => (name.into(), t.remarks),
        f => (name.into(), file_texts(t, claim, f).0),
    }
}

/// What a draft keeps: every typed value, finished uploads (name and token,
/// never the file), and the idempotency key of the last attempt.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Saved {
    own_contract: bool,
    values: Vec<(String, String)>,
    files: Vec<(String, String, String)>,
    portal: bool,
    /// (body as sent, Idempotency-Key) of the last submit.
    attempt: Option<(String, String)>,
}

/// The form's inputs, one signal each (all `Copy`).
#[derive(Clone, Copy)]
struct Inputs {
    claim: RwSignal<ClaimType>,
    kind: RwSignal<ParcelKind>,
    tracking_number: RwSignal<String>,
    carrier_contract_id: RwSignal<String>,
    sales_price: RwSignal<String>,
    sales_currency: RwSignal<String>,
    purchase_price: RwSignal<String>,
    purchase_currency: RwSignal<String>,
    contents_description: RwSignal<String>,
    exterior_description: RwSignal<String>,
    length: RwSignal<String>,
    width: RwSignal<String>,
    height: RwSignal<String>,
    remarks: RwSignal<String>,
    portal_claim: RwSignal<bool>,
    files: [(ClaimField, RwSignal<Upload>); 10],
    attempt: RwSignal<Option<(String, String)>>,
}

impl Inputs {
    fn new(claim: ClaimType, tracking_number: String) -> Self {
        let s = || RwSignal::new(String::new());
        let eur = || RwSignal::new("EUR".to_owned());
        Inputs {
            claim: RwSignal::new(claim),
            kind: RwSignal::new(ParcelKind::SendcloudRates),
            tracking_number: RwSignal::new(tracking_number),
            carrier_contract_id: s(),
            sales_price: s(),
            sales_currency: eur(),
            purchase_price: s(),
            purchase_currency: eur(),
            contents_description: s(),
            exterior_description: s(),
            length: s(),
            width: s(),
            height: s(),
            remarks: s(),
            portal_claim: RwSignal::new(false),
            files: file_fields().map(|f| (f, RwSignal::new(Upload::Empty))),
            attempt: RwSignal::new(None),
        }
    }

    /// The text inputs with their draft keys.
    fn texts(&self) -> [(&'static str, RwSignal<String>); 12] {
        [
            ("tracking_number", self.tracking_number),
            ("carrier_contract_id", self.carrier_contract_id),
            ("sales_price", self.sales_price),
            ("sales_currency", self.sales_currency),
            ("purchase_price", self.purchase_price),
            ("purchase_currency", self.purchase_currency),
            ("contents_description", self.contents_description),
            ("exterior_description", self.exterior_description),
            ("length", self.length),
            ("width", self.width),
            ("height", self.height),
            ("remarks", self.remarks),
        ]
    }

    /// Empties every input, for the next claim.
    fn clear(&self) {
        for (key, s) in self.texts() {
            s.set(if key.ends_with("currency") { "EUR".into() } else { String::new() });
        }
        self.kind.set(ParcelKind::SendcloudRates);
        self.portal_claim.set(false);
        for (_, f) in self.files {
            f.set(Upload::Empty);
        }
        self.attempt.set(None);
    }

    /// The draft to keep (tracked: re-saved whenever an input changes).
    fn saved(&self) -> Saved {
        Saved {
            own_contract: self.kind.get() == ParcelKind::OwnContract,
            values: self
                .texts()
                .into_iter()
                .filter(|(k, s)| !k.ends_with("currency") || s.with(|v| v != "EUR"))
                .filter_map(|(k, s)| s.with(|v| (!v.is_empty()).then(|| (k.to_owned(), v.clone()))))
                .collect(),
            files: self
                .files
                .iter()
                .filter_map(|(f, s)| {
                    s.with(|u| match u {
                        Upload::Done { name, token } => Some((f.wire_name().to_owned(), name.clone(), token.clone())),
                        _ => None,
                    })
                })
                .collect(),
            portal: self.portal_claim.get(),
            attempt: self.attempt.get(),
        }
    }

    fn restore(&self, saved: Saved) {
        if saved.own_contract {
            self.kind.set(ParcelKind::OwnContract);
        }
        for (key, signal) in self.texts() {
            if let Some((_, v)) = saved.values.iter().find(|(k, _)| k == key) {
                signal.set(v.clone());
            }
        }
        for (field, name, token) in saved.files {
            if let Some((_, s)) = self.files.iter().find(|(f, _)| f.wire_name() == field) {
                s.set(Upload::Done { name, token });
            }
        }
        self.portal_claim.set(saved.portal);
        self.attempt.set(saved.attempt);
    }

    /// Subscribes the running effect to every input a [`Draft`] is made of.
    fn track(&self) {
        for (_, s) in self.texts() {
            s.track();
        }
        self.kind.track();
        for (_, f) in self.files {
            f.track();
        }
    }

    fn draft(&self) -> Draft {
        let g = |s: RwSignal<String>| s.get_untracked();
        Draft {
            kind: Some(self.kind.get_untracked()),
            tracking_number: g(self.tracking_number),
            carrier_contract_id: g(self.carrier_contract_id),
            sales_price: g(self.sales_price),
            sales_currency: g(self.sales_currency),
            purchase_price: g(self.purchase_price),
            purchase_currency: g(self.purchase_currency),
            contents_description: g(self.contents_description),
            exterior_description: g(self.exterior_description),
            length: g(self.length),
            width: g(self.width),
            height: g(self.height),
            remarks: g(self.remarks),
            files: self
                .files
                .iter()
                .filter_map(|(f, s)| s.with_untracked(|u| u.token().map(|t| (*f, t.to_owned()))))
                .collect(),
            uploading: self.files.iter().filter(|(_, s)| s.with_untracked(Upload::busy)).map(|(f, _)| *f).collect(),
        }
    }
}

/// Moves focus to the first control marked invalid, once the DOM shows it.
fn focus_first_invalid(root: NodeRef<leptos::html::Form>) {
    request_animation_frame(move || {
        let Some(form) = root.get_untracked() else { return };
        if let Ok(Some(el)) = form.query_selector("[aria-invalid=\"true\"]") {
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// One submit: what is sent, and under which key.
#[derive(Clone)]
struct Attempt {
    claim: ClaimType,
    body: ClaimRequest,
    portal: bool,
    key: String,
}

#[component]
pub fn ClaimForm(
    /// Which claim the form starts with.
    #[prop(default = ClaimType::Lost)]
    claim_type: ClaimType,
    /// Prefill for the tracking number (from the page or the URL).
    #[prop(optional, into)]
    tracking_number: String,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let nav = use_context::<Nav>();
    let t = ctx.texts;
    let inputs = Inputs::new(claim_type, tracking_number.clone());
    let errors = RwSignal::new(Vec::<(ClaimField, FieldError)>::new());
    let banner = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let restored = RwSignal::new(false);
    let submitted = RwSignal::new(None::<ClaimCreated>);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let success_ref = NodeRef::<leptos::html::H2>::new();

    // Restore a draft (one per proxy URL and claim type), unless the page
    // prefilled another parcel.
    let proxy_base = StoredValue::new(ctx.proxy.base().to_owned());
    let draft_key = move |c: ClaimType| proxy_base.with_value(|base| draft::key(base, c.as_str()));
    for claim in [claim_type, other(claim_type)] {
        let Some(saved) = draft::load::<Saved>(&draft_key(claim)) else { continue };
        let same_parcel = tracking_number.is_empty()
            || saved.values.iter().any(|(k, v)| k == "tracking_number" && *v == tracking_number);
        if same_parcel && saved != Saved::default() {
            inputs.claim.set(claim);
            inputs.restore(saved);
            restored.set(true);
        }
        break;
    }
    // Keep the draft current; an empty form keeps none.
    let prefill = tracking_number.clone();
    Effect::new(move |_| {
        let saved = inputs.saved();
        let claim = inputs.claim.get();
        if submitted.with(Option::is_some) {
            return;
        }
        draft::clear(&draft_key(other(claim)));
        let untouched = Saved { attempt: None, ..saved.clone() } == Saved::default()
            || saved.values == [("tracking_number".to_owned(), prefill.clone())];
        if untouched {
            draft::clear(&draft_key(claim));
        } else {
            draft::save(&draft_key(claim), &saved);
        }
    });

    let required = move |field: ClaimField| {
        Signal::derive(move || required_fields(inputs.claim.get(), inputs.kind.get()).contains(&field))
    };
    let shown = move |field: ClaimField| move || allowed(inputs.claim.get(), inputs.kind.get(), field);

    // Tracking inside the form: look the parcel up as the number is typed
    // (or at once on Enter), and say before anything else is filled in when
    // it cannot be claimed, or when the tracking API does not know it.
    let lookup = RwSignal::new(None::<Tracking>);
    // The (normalised) number the tracking API answered 404 for.
    let not_found = RwSignal::new(None::<String>);
    let lookup_timer = StoredValue::new_local(None::<TimeoutHandle>);
    let lookup_seq = StoredValue::new(0u32);
    let tracking_proxy = StoredValue::new(ctx.proxy.clone());
    let number = Memo::new(move |_| normalize_tracking_number(&inputs.tracking_number.get()));
    let look_up = move |number: String| {
        if let Some(h) = lookup_timer.try_get_value().flatten() {
            h.clear();
        }
        // The form may be gone by now (view switched, widget unmounted).
        let Some(proxy) = tracking_proxy.try_get_value() else { return };
        lookup_seq.update_value(|n| *n += 1);
        let seq = lookup_seq.get_value();
        spawn_local(async move {
            let answer = proxy.tracking(&number, None).await;
            if lookup_seq.try_get_value() != Some(seq) {
                return; // the number changed meanwhile
            }
            match answer {
                Ok(found) => {
                    lookup.try_set(Some(found));
                }
                Err(ApiFailure::Http { status: 404, .. }) => {
                    not_found.try_set(Some(number));
                }
                Err(_) => {}
            }
        });
    };
    Effect::new(move |_| {
        let number = number.get();
        if let Some(h) = lookup_timer.get_value() {
            h.clear();
        }
        lookup_seq.update_value(|n| *n += 1);
        lookup.set(None);
        not_found.set(None);
        if number.len() < 4 {
            return;
        }
        let handle = set_timeout_with_handle(move || look_up(number), Duration::from_millis(600));
        lookup_timer.set_value(handle.ok());
    });
    let error_of = move |field: ClaimField| {
        Signal::derive(move || {
            let shown = errors.with(|es| es.iter().find(|(f, _)| *f == field).map(|(_, e)| field_error_text(t, e)));
            shown.or_else(|| {
                (field == ClaimField::TrackingNumber && not_found.with(|n| n.as_ref() == Some(&number.get())))
                    .then(|| t.err_tracking_not_found.to_owned())
            })
        })
    };
    // Enter in the tracking number: look it up now (never submit the form).
    let look_up_now = Callback::new(move |_| {
        let number = number.get_untracked();
        let answered =
            lookup.with_untracked(Option::is_some) || not_found.with_untracked(|n| n.as_ref() == Some(&number));
        if !number.is_empty() && !answered {
            look_up(number);
        }
    });
    on_cleanup(move || {
        if let Some(h) = lookup_timer.try_get_value().flatten() {
            h.clear();
        }
    });
    // Why a lost claim is not possible for this parcel right now, if so.
    let lost_blocked = move || -> Option<String> {
        if inputs.claim.get() != ClaimType::Lost {
            return None;
        }
        lookup.with(|l| {
            let lc = l.as_ref()?.lost_claim()?;
            if lc.eligible {
                return None;
            }
            match lc.reason {
                Some(LostClaimReason::Delivered) => Some(t.claim_delivered.to_owned()),
                Some(LostClaimReason::TooRecent) => {
                    let when =
                        lc.eligible_from.as_deref().map(|d| crate::format::date(ctx.lang.tag(), d)).unwrap_or_default();
                    Some(t.claim_too_recent.replace("{}", &when))
                }
                _ => None,
            }
        })
    };

    let submit = Action::new_local(move |a: &Attempt| {
        let proxy = ctx.proxy.clone();
        let a = a.clone();
        async move { (a.clone(), proxy.create_claim(a.claim, &a.body, a.portal, &a.key).await) }
    });
    let pending = submit.pending();
    let waiting = RwSignal::new(false);

    // The answer: success screen, errors on fields, or a banner. The form's
    // inputs are never touched, so nothing typed is lost.
    Effect::new(move |_| {
        let Some((attempt, result)) = submit.value().get() else { return };
        match result {
            Ok(created) => {
                draft::clear(&draft_key(attempt.claim));
                crate::events::emit(
                    "parcel-desk:submitted",
                    &[
                        ("kind", crate::events::text("claim")),
                        ("claimType", crate::events::text(attempt.claim.as_str())),
                        ("ticketId", crate::events::text(&created.ticket_id)),
                        ("accessToken", crate::events::text(&created.access_token)),
                    ],
                );
                submitted.set(Some(created));
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
            Err(failure) => {
                let issues = failure.validation_issues();
                let mapped: Vec<(ClaimField, FieldError)> = issues
                    .iter()
                    .filter_map(|i| {
                        let field = ClaimField::from_wire_name(i.field()?)?;
                        let e = if i.kind == "missing" {
                            FieldError::Rule(FieldProblem::Missing)
                        } else {
                            FieldError::Upstream(i.msg.clone())
                        };
                        Some((field, e))
                    })
                    .collect();
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

    // A shown error goes as soon as its field is valid, and otherwise says
    // the rule the value breaks now. Nothing new is flagged while typing:
    // only the next submit does that. An error upstream gave stays until
    // its field changes.
    Effect::new(move |previous: Option<(ClaimType, Draft)>| {
        inputs.track();
        let claim = inputs.claim.get();
        let draft = untrack(|| inputs.draft());
        if let Some((was_claim, was)) = previous {
            let before = errors.get_untracked();
            if !before.is_empty() {
                let (_, now) = draft.to_request(claim);
                let after: Vec<(ClaimField, FieldError)> = before
                    .iter()
                    .filter_map(|(f, e)| {
                        let current = now.iter().find(|(g, _)| g == f).map(|(_, c)| (*f, c.clone()));
                        let unchanged =
                            was_claim == claim && was.kind == draft.kind && was.entered(*f) == draft.entered(*f);
                        match e {
                            FieldError::Upstream(_) if unchanged => Some((*f, e.clone())),
                            _ => current,
                        }
                    })
                    .collect();
                if after != before {
                    if after.is_empty() && banner.get_untracked().as_deref() == Some(t.err_fix_fields) {
                        banner.set(None);
                    }
                    errors.set(after);
                }
            }
        }
        (claim, draft)
    });
    let summary_links = Signal::derive(move || {
        let claim = inputs.claim.get();
        errors.with(|es| es.iter().map(|(f, _)| summary_target(t, claim, *f)).collect::<Vec<_>>())
    });

    let busy = move || pending.get() || waiting.get();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() || waiting.get_untracked() {
            return; // a double click never files two claims
        }
        let claim = inputs.claim.get_untracked();
        let (body, mut problems) = inputs.draft().to_request(claim);
        if let Some(why) = untrack(lost_blocked) {
            problems.retain(|(f, _)| *f != ClaimField::TrackingNumber);
            problems.insert(0, (ClaimField::TrackingNumber, FieldError::Upstream(why)));
        }
        if !problems.is_empty() {
            errors.set(problems);
            banner.set(Some(t.err_fix_fields.into()));
            focus_first_invalid(form_ref);
            return;
        }
        errors.set(Vec::new());
        banner.set(None);
        notice.set(None);
        let portal = inputs.portal_claim.get_untracked();
        // The same claim sent again (after a failure or a reload) reuses its
        // key, so the proxy answers it once; a changed claim gets a new key.
        let sent = crate::json::to_string(&(claim.as_str(), &body, portal)).unwrap_or_default();
        let (sent, key) = crate::api::attempt(inputs.attempt.get_untracked(), sent);
        inputs.attempt.set(Some((sent, key.clone())));
        // Store the attempt before the request leaves: a reload during
        // submit then sends it again under the same key.
        draft::save(&draft_key(claim), &untrack(|| inputs.saved()));
        submit.dispatch(Attempt { claim, body, portal, key });
    };

    let start_over = move |_| {
        inputs.clear();
        errors.set(Vec::new());
        banner.set(None);
        restored.set(false);
        submitted.set(None);
        draft::clear(&draft_key(ClaimType::Lost));
        draft::clear(&draft_key(ClaimType::Damage));
    };

    let radio = move |name: &'static str,
                      id: &'static str,
                      label: &'static str,
                      hint: Option<&'static str>,
                      checked: Signal<bool>,
                      select: Callback<()>| {
        view! {
            <div class="pd-radio">
                <input type="radio" id=id name=name
                    aria-describedby=hint.map(|_| format!("{id}-hint"))
                    prop:checked=move || checked.get()
                    on:change=move |_| select.run(()) />
                <label for=id>{label}</label>
                {hint.map(|h| view! { <p class="pd-hint" id=format!("{id}-hint")>{h}</p> })}
            </div>
        }
    };
    let kind_is = move |k: ParcelKind| Signal::derive(move || inputs.kind.get() == k);
    let claim_is = move |c: ClaimType| Signal::derive(move || inputs.claim.get() == c);

    let money = move |field: ClaimField, label: &'static str, amount: RwSignal<String>, currency: RwSignal<String>| {
        let id = format!("{}-amount", field.wire_name());
        let cur_id = format!("{}-currency", field.wire_name());
        let error = error_of(field);
        let req = required(field);
        view! {
            <fieldset class="pd-field pd-money" class:pd-invalid=move || error.with(Option::is_some)>
                <legend><LabelText text=label required=req /></legend>
                <div class="pd-row">
                    <div class="pd-grow">
                        <label for=id.clone() class="pd-sublabel">{t.amount}</label>
                        <input type="text" id=id inputmode="decimal" autocomplete="off"
                            aria-required=move || req.get().then_some("true")
                            aria-invalid=move || error.with(Option::is_some).then_some("true")
                            aria-describedby=move || error.with(Option::is_some).then(|| format!("{}-error", field.wire_name()))
                            prop:value=move || amount.get()
                            on:input=move |ev| amount.set(event_target_value(&ev)) />
                    </div>
                    <div>
                        <label for=cur_id.clone() class="pd-sublabel">{t.currency}</label>
                        <select id=cur_id prop:value=move || currency.get()
                            on:change=move |ev| currency.set(event_target_value(&ev))>
                            <option value="EUR">"EUR"</option>
                            <option value="GBP">"GBP"</option>
                            <option value="USD">"USD"</option>
                        </select>
                    </div>
                </div>
                <FieldErrorText id=format!("{}-error", field.wire_name()) error=error />
            </fieldset>
        }
    };

    let dims_error = error_of(ClaimField::ParcelDimensions);
    let dims_req = required(ClaimField::ParcelDimensions);
    let dim = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="pd-grow">
                <label for=id class="pd-sublabel">{label}</label>
                <input type="text" id=id inputmode="decimal" autocomplete="off"
                    aria-required=move || dims_req.get().then_some("true")
                    aria-invalid=move || dims_error.with(Option::is_some).then_some("true")
                    aria-describedby=move || dims_error.with(Option::is_some).then_some("parcel_dimensions-error")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };

    let file_group = move |legend: &'static str, photos: bool| {
        let fields: Vec<_> = inputs.files.into_iter().filter(|(f, _)| is_photo(*f) == photos).collect();
        let any_shown = move || fields.iter().any(|(f, _)| allowed(inputs.claim.get(), inputs.kind.get(), *f));
        view! {
            <Show when=any_shown>
                <fieldset class="pd-field pd-documents">
                    <legend>{legend}</legend>
                    {inputs.files.into_iter().filter(|(f, _)| is_photo(*f) == photos).map(|(field, state)| {
                        view! {
                            <Show when=shown(field)>
                                {move || {
                                    let (label, hint) = file_texts(t, inputs.claim.get(), field);
                                    view! {
                                        <FileField id=field.wire_name() label=label hint=hint.unwrap_or_default()
                                            photo=is_photo(field) state=state
                                            error=error_of(field) required=required(field) />
                                    }
                                }}
                            </Show>
                        }
                    }).collect_view()}
                </fieldset>
            </Show>
        }
    };

    let title = move || if inputs.claim.get() == ClaimType::Lost { t.lost_title } else { t.damage_title };
    let intro = move || if inputs.claim.get() == ClaimType::Lost { t.lost_intro } else { t.damage_intro };

    let form = move || {
        view! {
            <form class="pd-form" novalidate=true node_ref=form_ref on:submit=on_submit
                aria-labelledby="pd-claim-title">
                <h2 id="pd-claim-title" class="pd-title" part="title">{title}</h2>
                <p class="pd-intro">{intro}</p>
                <Show when=move || restored.get()>
                    <div class="pd-notice" role="status">
                        <span>{t.draft_restored}</span>" "
                        <button type="button" class="pd-link" on:click=start_over>{t.start_over}</button>
                    </div>
                </Show>
                <p class="pd-hint">{t.required_note}</p>

                <fieldset class="pd-field">
                    <legend>{t.claim_type_legend}</legend>
                    {radio("claim_type", "claim-lost", t.type_lost, None, claim_is(ClaimType::Lost),
                        Callback::new(move |_| inputs.claim.set(ClaimType::Lost)))}
                    {radio("claim_type", "claim-damage", t.type_damaged, None, claim_is(ClaimType::Damage),
                        Callback::new(move |_| inputs.claim.set(ClaimType::Damage)))}
                </fieldset>

                <TextField id="tracking_number" label=t.tracking_number hint=t.tracking_hint
                    value=inputs.tracking_number error=error_of(ClaimField::TrackingNumber)
                    required=required(ClaimField::TrackingNumber) autocomplete="off" on_enter=look_up_now />
                <div class="pd-parcel" aria-live="polite">
                    {move || lookup.get().and_then(|l| l.latest()).map(|e| view! {
                        <p class="pd-hint">{t.latest_status}": "<strong>{phase_text(&ctx_for_lookup(), &e)}</strong>
                            {e.event_at.as_deref().map(|at| format!(" · {}", crate::format::date_time(ctx_lang(), at)))}</p>
                    })}
                    {move || lost_blocked().map(|why| view! {
                        <div class="pd-notice" role="status">
                            <p>{why}</p>
                            <button type="button" class="pd-secondary" part="secondary-button"
                                on:click=move |_| inputs.claim.set(ClaimType::Damage)>{t.report_damaged_instead}</button>
                            <p class="pd-hint">{t.lost_anyway}</p>
                        </div>
                    })}
                </div>

                <fieldset class="pd-field">
                    <legend>{t.kind_legend}</legend>
                    {radio("parcel_kind", "kind-rates", t.kind_rates, Some(t.kind_rates_hint),
                        kind_is(ParcelKind::SendcloudRates),
                        Callback::new(move |_| inputs.kind.set(ParcelKind::SendcloudRates)))}
                    {radio("parcel_kind", "kind-own", t.kind_own, Some(t.kind_own_hint),
                        kind_is(ParcelKind::OwnContract),
                        Callback::new(move |_| inputs.kind.set(ParcelKind::OwnContract)))}
                </fieldset>

                <Show when=shown(ClaimField::CarrierContractId)>
                    <TextField id="carrier_contract_id" label=t.carrier_contract_id
                        hint=t.carrier_contract_hint inputmode="numeric"
                        value=inputs.carrier_contract_id error=error_of(ClaimField::CarrierContractId) />
                </Show>

                {money(ClaimField::ContentsSalesPrice, t.sales_price, inputs.sales_price, inputs.sales_currency)}
                {money(ClaimField::ContentsPurchasePrice, t.purchase_price, inputs.purchase_price, inputs.purchase_currency)}

                <TextField id="contents_description" label=t.contents_description hint=t.contents_hint
                    multiline=true value=inputs.contents_description
                    error=error_of(ClaimField::ContentsDescription)
                    required=required(ClaimField::ContentsDescription) />
                <TextField id="parcel_exterior_description" label=t.exterior_description
                    hint=t.exterior_hint multiline=true value=inputs.exterior_description
                    error=error_of(ClaimField::ParcelExteriorDescription)
                    required=required(ClaimField::ParcelExteriorDescription) />

                <Show when=shown(ClaimField::ParcelDimensions)>
                    <fieldset class="pd-field pd-dimensions" class:pd-invalid=move || dims_error.with(Option::is_some)>
                        <legend><LabelText text=t.dimensions required=dims_req /></legend>
                        <div class="pd-row">
                            {dim("parcel_dimensions-length", t.length, inputs.length)}
                            {dim("parcel_dimensions-width", t.width, inputs.width)}
                            {dim("parcel_dimensions-height", t.height, inputs.height)}
                        </div>
                        <FieldErrorText id="parcel_dimensions-error".to_owned() error=dims_error />
                    </fieldset>
                </Show>

                <TextField id="additional_remarks" label=t.remarks multiline=true
                    value=inputs.remarks error=error_of(ClaimField::AdditionalRemarks)
                    required=required(ClaimField::AdditionalRemarks) />

                {file_group(t.photos, true)}
                {file_group(t.documents, false)}

                <div class="pd-field pd-check">
                    <input type="checkbox" id="is_portal_claim" aria-describedby="is_portal_claim-hint"
                        prop:checked=move || inputs.portal_claim.get()
                        on:change=move |ev| inputs.portal_claim.set(event_target_checked(&ev)) />
                    <label for="is_portal_claim">{t.portal_claim}</label>
                    <p class="pd-hint" id="is_portal_claim-hint">{t.portal_claim_hint}</p>
                </div>

                {move || banner.get().map(|text| view! { <ErrorSummary text=text links=summary_links /> })}

                <button type="submit" class="pd-submit" part="submit" disabled=busy
                    aria-busy=move || busy().then_some("true")>
                    {move || if busy() { t.submitting } else { t.submit }}
                </button>
            </form>
        }
    };

    let follow = move |_| {
        if let (Some(nav), Some(created), true) = (nav, submitted.get_untracked(), crate::View::Status.compiled_in()) {
            nav.ticket.set(Some(TicketRef { id: created.ticket_id, token: Some(created.access_token) }));
            nav.view.set(View::Status);
        }
    };

    view! {
        <Show when=move || submitted.with(Option::is_some) fallback=form>
            <section class="pd-success" aria-labelledby="pd-success-title">
                <h2 id="pd-success-title" class="pd-title" part="title" tabindex="-1" node_ref=success_ref>
                    {t.success_title}
                </h2>
                <p>{t.success_body}</p>
                <p class="pd-reference">
                    <span>{t.reference}": "</span>
                    <strong>{move || submitted.get().map(|c| c.ticket_id).unwrap_or_default()}</strong>
                </p>
                <div class="pd-row">
                    {nav.filter(|_| crate::View::Status.compiled_in()).map(|_| view! {
                        <button type="button" class="pd-submit pd-auto" part="submit" on:click=follow>{t.follow_status}</button>
                    })}
                    <button type="button" class="pd-secondary" part="secondary-button" on:click=start_over>{t.new_claim}</button>
                </div>
            </section>
        </Show>
    }
}

fn ctx_for_lookup() -> Ctx {
    expect_context::<Ctx>()
}

fn ctx_lang() -> &'static str {
    expect_context::<Ctx>().lang.tag()
}

/// The other of the two claim types this form offers (lost, damage).
fn other(c: ClaimType) -> ClaimType {
    match c {
        ClaimType::Lost => ClaimType::Damage,
        _ => ClaimType::Lost,
    }
}
