//! The lost-parcel claim form (`POST /dsf/tickets/lost`), both parcel kinds.

use leptos::prelude::*;
use parcel_desk_wire::claim::{allowed, required_fields};
use parcel_desk_wire::{ClaimField, ClaimType, FieldProblem, ParcelKind};
use wasm_bindgen::JsCast;

use super::file_field::{FileField, Upload};
use super::model::{Draft, FieldError};
use crate::api::ApiFailure;
use crate::fields::{FieldErrorText, LabelText, TextField};
use crate::i18n::Texts;
use crate::Ctx;

const CLAIM: ClaimType = ClaimType::Lost;

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

/// The banner text for a failed call that is not about single fields.
pub fn failure_text(t: &Texts, f: &ApiFailure) -> String {
    let detail = f.detail();
    match f {
        ApiFailure::Network => t.err_network.into(),
        ApiFailure::Http { status: 429, retry_after, .. } => match retry_after {
            Some(secs) => t.err_rate_limited_secs.replace("{}", &secs.to_string()),
            None => t.err_rate_limited.into(),
        },
        ApiFailure::Http { status: 400, .. } if detail.contains("Parcel not found") => {
            t.err_parcel_not_found.into()
        }
        ApiFailure::Http { status: 422, .. } if detail.contains("already delivered") => {
            t.err_already_delivered.into()
        }
        ApiFailure::Http { status: 422, .. } if detail.contains("support contact") => {
            t.err_no_carrier_contact.into()
        }
        ApiFailure::Http { status: 400 | 422, .. } if !detail.is_empty() => {
            format!("{} {detail}", t.err_unprocessable)
        }
        ApiFailure::Http { status: 502..=504, .. } => t.err_unavailable.into(),
        _ => t.err_unexpected.into(),
    }
}

/// Element id of a field's control (the first control for groups).
fn control_id(field: ClaimField) -> &'static str {
    match field {
        ClaimField::ContentsSalesPrice => "contents_sales_price-amount",
        ClaimField::ContentsPurchasePrice => "contents_purchase_price-amount",
        ClaimField::ParcelDimensions => "parcel_dimensions-length",
        other => other.wire_name(),
    }
}

/// The form's inputs, one signal each (all `Copy`).
#[derive(Clone, Copy)]
struct Inputs {
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
    files: [(ClaimField, RwSignal<Upload>); 4],
}

impl Inputs {
    fn new(tracking_number: String) -> Self {
        let s = || RwSignal::new(String::new());
        let eur = || RwSignal::new("EUR".to_owned());
        let file = |f| (f, RwSignal::new(Upload::Empty));
        Inputs {
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
            files: [
                file(ClaimField::SalesInvoice),
                file(ClaimField::PurchaseInvoice),
                file(ClaimField::CustomerConfirmation),
                file(ClaimField::CarrierClaimForm),
            ],
        }
    }

    /// Empties every input, for the next claim.
    fn clear(&self) {
        for s in [
            self.tracking_number, self.carrier_contract_id, self.sales_price, self.purchase_price,
            self.contents_description, self.exterior_description, self.length, self.width,
            self.height, self.remarks,
        ] {
            s.set(String::new());
        }
        self.sales_currency.set("EUR".into());
        self.purchase_currency.set("EUR".into());
        self.portal_claim.set(false);
        for (_, f) in self.files {
            f.set(Upload::Empty);
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
            uploading: self
                .files
                .iter()
                .filter(|(_, s)| s.with_untracked(|u| matches!(u, Upload::Uploading { .. })))
                .map(|(f, _)| *f)
                .collect(),
        }
    }
}

fn file_label(t: &Texts, f: ClaimField) -> &'static str {
    match f {
        ClaimField::SalesInvoice => t.sales_invoice,
        ClaimField::PurchaseInvoice => t.purchase_invoice,
        ClaimField::CustomerConfirmation => t.customer_confirmation,
        _ => t.carrier_claim_form,
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

#[component]
pub fn LostClaimForm(
    /// Prefill for the tracking number (from the page or the URL).
    #[prop(optional, into)]
    tracking_number: String,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let inputs = Inputs::new(tracking_number);
    let errors = RwSignal::new(Vec::<(ClaimField, FieldError)>::new());
    let banner = RwSignal::new(None::<String>);
    let submitted = RwSignal::new(None::<String>);
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let success_ref = NodeRef::<leptos::html::H2>::new();

    let error_of = move |field: ClaimField| {
        Signal::derive(move || {
            errors.with(|es| es.iter().find(|(f, _)| *f == field).map(|(_, e)| field_error_text(t, e)))
        })
    };
    let required = move |field: ClaimField| {
        Signal::derive(move || required_fields(CLAIM, inputs.kind.get()).contains(&field))
    };
    let shown = move |field: ClaimField| move || allowed(CLAIM, inputs.kind.get(), field);

    let submit = Action::new_local(move |(body, portal): &(parcel_desk_wire::ClaimRequest, bool)| {
        let proxy = ctx.proxy.clone();
        let (body, portal) = (body.clone(), *portal);
        async move { proxy.create_claim(CLAIM, &body, portal).await }
    });
    let pending = submit.pending();

    // The answer: success screen, errors on fields, or a banner. The form's
    // inputs are never touched, so nothing typed is lost.
    Effect::new(move |_| {
        let Some(result) = submit.value().get() else { return };
        match result {
            Ok(created) => {
                submitted.set(Some(created.ticket_id));
                request_animation_frame(move || {
                    if let Some(h) = success_ref.get_untracked() {
                        let _ = h.focus();
                    }
                });
            }
            Err(failure) => {
                let issues = match &failure {
                    ApiFailure::Http { status: 400, envelope: Some(env), .. } => env.validation_issues(),
                    _ => Vec::new(),
                };
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
                if mapped.is_empty() {
                    banner.set(Some(format!("{} {}", failure_text(t, &failure), t.kept_note)));
                } else {
                    errors.set(mapped);
                    banner.set(Some(t.err_fix_fields.into()));
                    focus_first_invalid(form_ref);
                }
            }
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return; // a double click never files two claims
        }
        let (body, problems) = inputs.draft().to_request(CLAIM);
        if !problems.is_empty() {
            errors.set(problems);
            banner.set(Some(t.err_fix_fields.into()));
            focus_first_invalid(form_ref);
            return;
        }
        errors.set(Vec::new());
        banner.set(None);
        let portal = inputs.portal_claim.get_untracked();
        submit.dispatch((body, portal));
    };

    let start_over = move |_| {
        inputs.clear();
        errors.set(Vec::new());
        banner.set(None);
        submitted.set(None);
    };

    let kind_radio = move |kind: ParcelKind, id: &'static str, label: &'static str, hint: &'static str| {
        view! {
            <div class="pd-radio">
                <input
                    type="radio"
                    id=id
                    name="parcel_kind"
                    aria-describedby=format!("{id}-hint")
                    prop:checked=move || inputs.kind.get() == kind
                    on:change=move |_| inputs.kind.set(kind)
                />
                <label for=id>{label}</label>
                <p class="pd-hint" id=format!("{id}-hint")>{hint}</p>
            </div>
        }
    };

    let money = move |field: ClaimField, label: &'static str, amount: RwSignal<String>, currency: RwSignal<String>| {
        let id = control_id(field);
        let cur_id = format!("{}-currency", field.wire_name());
        let error = error_of(field);
        let req = required(field);
        view! {
            <fieldset class="pd-field pd-money" class:pd-invalid=move || error.with(Option::is_some)>
                <legend><LabelText text=label required=req /></legend>
                <div class="pd-row">
                    <div class="pd-grow">
                        <label for=id class="pd-sublabel">{t.amount}</label>
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

    let form = move || {
        view! {
            <form class="pd-form" novalidate=true node_ref=form_ref on:submit=on_submit
                aria-labelledby="pd-lost-title">
                <h2 id="pd-lost-title" class="pd-title">{t.lost_title}</h2>
                <p class="pd-intro">{t.lost_intro}</p>
                <p class="pd-hint">{t.required_note}</p>

                <TextField id="tracking_number" label=t.tracking_number hint=t.tracking_hint
                    value=inputs.tracking_number error=error_of(ClaimField::TrackingNumber)
                    required=required(ClaimField::TrackingNumber) />

                <fieldset class="pd-field">
                    <legend>{t.kind_legend}</legend>
                    {kind_radio(ParcelKind::SendcloudRates, "kind-rates", t.kind_rates, t.kind_rates_hint)}
                    {kind_radio(ParcelKind::OwnContract, "kind-own", t.kind_own, t.kind_own_hint)}
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

                <fieldset class="pd-field pd-dimensions" class:pd-invalid=move || dims_error.with(Option::is_some)>
                    <legend><LabelText text=t.dimensions required=dims_req /></legend>
                    <div class="pd-row">
                        {dim("parcel_dimensions-length", t.length, inputs.length)}
                        {dim("parcel_dimensions-width", t.width, inputs.width)}
                        {dim("parcel_dimensions-height", t.height, inputs.height)}
                    </div>
                    <FieldErrorText id="parcel_dimensions-error".to_owned() error=dims_error />
                </fieldset>

                <TextField id="additional_remarks" label=t.remarks multiline=true
                    value=inputs.remarks error=error_of(ClaimField::AdditionalRemarks)
                    required=required(ClaimField::AdditionalRemarks) />

                <fieldset class="pd-field pd-documents">
                    <legend>{t.documents}</legend>
                    {inputs.files.into_iter().map(|(field, state)| view! {
                        <FileField id=field.wire_name() label=file_label(t, field) state=state
                            error=error_of(field) required=required(field) />
                    }).collect_view()}
                </fieldset>

                <div class="pd-field pd-check">
                    <input type="checkbox" id="is_portal_claim" aria-describedby="is_portal_claim-hint"
                        prop:checked=move || inputs.portal_claim.get()
                        on:change=move |ev| inputs.portal_claim.set(event_target_checked(&ev)) />
                    <label for="is_portal_claim">{t.portal_claim}</label>
                    <p class="pd-hint" id="is_portal_claim-hint">{t.portal_claim_hint}</p>
                </div>

                {move || banner.get().map(|text| view! {
                    <div class="pd-banner" role="alert">{text}</div>
                })}

                <button type="submit" class="pd-submit" part="submit" disabled=move || pending.get()
                    aria-busy=move || pending.get().then_some("true")>
                    {move || if pending.get() { t.submitting } else { t.submit }}
                </button>
            </form>
        }
    };

    view! {
        <Show when=move || submitted.with(Option::is_some) fallback=form>
            <section class="pd-success" aria-labelledby="pd-success-title">
                <h2 id="pd-success-title" class="pd-title" tabindex="-1" node_ref=success_ref>
                    {t.success_title}
                </h2>
                <p>{t.success_body}</p>
                <p class="pd-reference">
                    <span>{t.reference}": "</span>
                    <strong>{move || submitted.get().unwrap_or_default()}</strong>
                </p>
                <button type="button" class="pd-secondary" on:click=start_over>{t.new_claim}</button>
            </section>
        </Show>
    }
}
