//! Register a parcel shipped outside Sendcloud for tracking
//! (`POST /parcels/tracking`), so it can be tracked and claimed like any
//! other. The proxy answers it only with its staff token, never with
//! customer access.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::tracking::RegisterParcelRequest;
use serde_json::{Map, Value};

use crate::fields::TextField;
use crate::Ctx;

fn object<const N: usize>(entries: [(&str, Value); N]) -> Map<String, Value> {
    entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// (key = the field's path in the request, label, required, hint, input type)
type FieldSpec = (&'static str, &'static str, bool, Option<&'static str>, &'static str);

fn fields(t: &crate::i18n::Texts) -> Vec<FieldSpec> {
    vec![
        ("tracking_number.carrier_code", t.carrier_code, true, Some(t.carrier_code_hint), "text"),
        ("tracking_number.tracking_number", t.tracking_number, true, None, "text"),
        ("tracking_number.tracking_url", t.tracking_url, false, None, "url"),
        ("announced_at", t.announced_at, true, None, "datetime-local"),
        ("ship_with.properties.contract_id", t.contract_id, true, None, "text"),
        ("order_number", t.order_number, false, None, "text"),
        ("from_address.name", t.name, false, None, "text"),
        ("from_address.address_line_1", t.street, false, None, "text"),
        ("from_address.postal_code", t.postal_code_short, true, None, "text"),
        ("from_address.city", t.city, false, None, "text"),
        ("from_address.country_code", t.country_code, true, Some(t.country_code_hint), "text"),
        ("to_address.name", t.name, false, None, "text"),
        ("to_address.address_line_1", t.street, false, None, "text"),
        ("to_address.house_number", t.house_number, false, None, "text"),
        ("to_address.postal_code", t.postal_code_short, true, None, "text"),
        ("to_address.city", t.city, false, None, "text"),
        ("to_address.country_code", t.country_code, true, Some(t.country_code_hint), "text"),
        ("to_address.email", t.email, false, None, "email"),
    ]
}

/// The registration form; `token` is the staff view's token field, whose
/// error this form sets when it is empty.
#[component]
pub fn RegisterParcel(token: RwSignal<String>, token_error: RwSignal<Option<String>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let specs = fields(t);
    let values: Vec<(&'static str, RwSignal<String>)> =
        specs.iter().map(|(k, ..)| (*k, RwSignal::new(String::new()))).collect();
    let values = StoredValue::new(values);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let banner = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let proxy = StoredValue::new(ctx.proxy.clone());

    let get = move |key: &str| {
        values
            .with_value(|v| v.iter().find(|(k, _)| *k == key).map(|(_, s)| s.get_untracked().trim().to_owned()))
            .unwrap_or_default()
    };
    let error_of = move |key: &'static str| {
        Signal::derive(move || errors.with(|es| es.iter().find(|(k, _)| k == key).map(|(_, m)| m.clone())))
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let mut problems: Vec<(String, String)> = Vec::new();
        for (key, _, required, ..) in fields(t) {
            if required && get(key).is_empty() {
                problems.push((key.to_owned(), t.err_required.into()));
            }
        }
        for key in ["from_address.country_code", "to_address.country_code"] {
            let v = get(key);
            let country_code = v.len() == 2 && v.bytes().all(|b| b.is_ascii_alphabetic());
            if !v.is_empty() && !country_code {
                problems.push((key.to_owned(), t.err_country_code.into()));
            }
        }
        let contract = get("ship_with.properties.contract_id");
        if !contract.is_empty() && contract.parse::<i64>().is_err() {
            problems.push(("ship_with.properties.contract_id".into(), t.err_whole_number.into()));
        }
        let email = get("to_address.email");
        let email_like = email.contains('@') && email.rsplit('@').next().is_some_and(|d| d.contains('.'));
        if !email.is_empty() && !email_like {
            problems.push(("to_address.email".into(), t.err_email.into()));
        }
        let no_token = token.get_untracked().trim().is_empty();
        token_error.set(no_token.then(|| t.err_required.to_owned()));
        if !problems.is_empty() || no_token {
            errors.set(problems);
            banner.set(Some(t.err_fix_fields.into()));
            return;
        }
        let announced = js_sys::Date::new(&get("announced_at").into());
        let announced =
            if announced.get_time().is_nan() { get("announced_at") } else { String::from(announced.to_iso_string()) };
        let source_id = format!("pd-{}", crate::api::random_id());
        let opt = |k: &str| {
            let v = get(k);
            if v.is_empty() {
                Value::Null
            } else {
                Value::String(v)
            }
        };
        // Built by hand rather than with `json!`, which would compile
        // serde_json's serializer and error texts into the widget.
        let address = |p: &str| {
            let mut a = Map::new();
            for f in ["name", "address_line_1", "house_number", "postal_code", "city", "country_code", "email"] {
                let v = opt(&format!("{p}.{f}"));
                if let Value::String(v) = v {
                    a.insert(f.into(), Value::String(if f == "country_code" { v.to_ascii_uppercase() } else { v }));
                }
            }
            Value::Object(a)
        };
        let text = |s: String| Value::String(s);
        let mut shipment = object([("source_id", text(source_id.clone()))]);
        if !get("order_number").is_empty() {
            shipment.insert(
                "order".into(),
                Value::Object(object([
                    ("source_id", text(source_id.clone())),
                    ("order_number", text(get("order_number"))),
                ])),
            );
        }
        let mut number = object([
            ("carrier_code", text(get("tracking_number.carrier_code").to_ascii_lowercase())),
            // As customers' look-ups send it: no spaces, upper case.
            (
                "tracking_number",
                text(crate::tracking::normalize_tracking_number(&get("tracking_number.tracking_number"))),
            ),
        ]);
        if !get("tracking_number.tracking_url").is_empty() {
            number.insert("tracking_url".into(), text(get("tracking_number.tracking_url")));
        }
        let contract_id = Value::Number(contract.parse::<i64>().unwrap_or_default().into());
        let body = Value::Object(object([
            ("announced_at", text(announced)),
            ("source_id", text(source_id)),
            ("tracking_number", Value::Object(number)),
            (
                "ship_with",
                Value::Object(object([
                    ("type", text("contract".into())),
                    ("properties", Value::Object(object([("contract_id", contract_id)]))),
                ])),
            ),
            ("shipment", Value::Object(shipment)),
            ("from_address", address("from_address")),
            ("to_address", address("to_address")),
        ]));
        // The spec's required fields, as the proxy checks them.
        if let Some(req) = crate::json::convert::<RegisterParcelRequest>(&body) {
            let issues = req.validate();
            if !issues.is_empty() {
                errors.set(issues.iter().map(|i| (i.loc.join("."), t.err_required.to_owned())).collect());
                banner.set(Some(t.err_fix_fields.into()));
                return;
            }
        }
        errors.set(Vec::new());
        banner.set(None);
        busy.set(true);
        let staff_token = token.get_untracked().trim().to_owned();
        super::remember_token(&staff_token);
        let proxy = proxy.get_value();
        let registered = crate::tracking::normalize_tracking_number(&get("tracking_number.tracking_number"));
        spawn_local(async move {
            let answer = proxy.register_parcel(&staff_token, &body).await;
            busy.set(false);
            match answer {
                Ok(_) => done.set(Some(registered)),
                Err(f) => {
                    let issues = f.validation_issues();
                    if !issues.is_empty() {
                        errors.set(issues.iter().map(|i| (i.loc.join("."), i.msg.clone())).collect());
                    }
                    banner.set(Some(match f.status() {
                        Some(401) => {
                            token_error.set(Some(t.err_staff_token.to_owned()));
                            t.err_staff_token.to_owned()
                        }
                        Some(404) => t.err_staff_disabled.to_owned(),
                        Some(409) => t.err_already_registered.to_owned(),
                        _ if !issues.is_empty() => t.err_fix_fields.to_owned(),
                        _ => crate::api::failure_text(t, &f),
                    }));
                }
            }
        });
    };

    let group = move |prefix: &'static str| {
        fields(t)
            .into_iter()
            .filter(move |(k, ..)| k.starts_with(prefix))
            .map(move |(key, label, required, hint, kind)| {
                let value =
                    values.with_value(|v| v.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)).expect("known field");
                view! {
                    <TextField id=key.replace('.', "-") label=label value=value required=required
                        hint=hint.unwrap_or_default() input_type=kind error=error_of(key) />
                }
            })
            .collect_view()
    };

    view! {
        <form class="pd-form" novalidate=true on:submit=on_submit aria-labelledby="pd-staff-title">
            <h3 id="pd-staff-title" class="pd-subtitle">{t.staff_title}</h3>
            <p class="pd-intro">{t.staff_intro}</p>
            {group("tracking_number.")}
            {group("announced_at")}
            {group("ship_with.")}
            {group("order_number")}
            <fieldset class="pd-field"><legend>{t.from_address}</legend>{group("from_address.")}</fieldset>
            <fieldset class="pd-field"><legend>{t.to_address}</legend>{group("to_address.")}</fieldset>
            {move || done.get().map(|n| view! { <p class="pd-notice" role="status">{t.registered}" "<strong>{n}</strong></p> })}
            {move || banner.get().map(|b| view! { <div class="pd-banner" part="banner" role="alert">{b}</div> })}
            <button type="submit" class="pd-submit" part="submit" disabled=move || busy.get()>{t.register}</button>
        </form>
    }
}
