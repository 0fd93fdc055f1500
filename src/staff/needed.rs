//! One input per field upstream still needs (`needed[]` of an inbox claim),
//! by its kind, and what was typed as the field's JSON value in
//! [`parcel_desk_wire::inbox::ShopCompletion`]. The mapping
//! ([`value_of`]) is a pure function, tested natively.

use leptos::prelude::*;
use parcel_desk_wire::inbox::{FieldKind, NeededField};
use serde_json::{Map, Number, Value};

use crate::claim::model::parse_decimal;
use crate::fields::{FieldErrorText, TextArea, TextField};
use crate::i18n::Texts;
use crate::upload::{FileField, Upload};
use crate::Ctx;

/// The currencies upstream accepts for prices.
pub const CURRENCIES: [&str; 3] = ["EUR", "GBP", "USD"];

/// What was typed for one field, whatever its kind: `text` (the text, the
/// amount, the number, the chosen value, `true`/`false`), `currency`,
/// `dims` (length, width, height) and the uploaded file's token.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Typed {
    pub text: String,
    pub currency: String,
    pub dims: [String; 3],
    pub file_token: Option<String>,
}

/// Why a typed value is not the field's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Part of a value is missing (one of the three dimensions).
    Missing,
    NotANumber,
    NotPositive,
    NotWhole,
    /// A value that is not one of the field's choices.
    NotAChoice,
}

impl Problem {
    pub fn text(self, t: &Texts) -> &'static str {
        match self {
            Problem::Missing | Problem::NotAChoice => t.err_required,
            Problem::NotANumber => t.err_number,
            Problem::NotPositive => t.err_positive,
            Problem::NotWhole => t.err_whole_number,
        }
    }
}

fn positive(s: &str) -> Result<f64, Problem> {
    match parse_decimal(s) {
        None => Err(Problem::Missing),
        Some(Err(_)) => Err(Problem::NotANumber),
        Some(Ok(n)) if n <= 0.0 => Err(Problem::NotPositive),
        Some(Ok(n)) => Ok(n),
    }
}

fn number(n: f64) -> Value {
    Number::from_f64(n).map_or(Value::Null, Value::Number)
}

/// The JSON value of `field` for what was typed; `None` when nothing was
/// (a save sends only the fields filled in).
pub fn value_of(field: &NeededField, typed: &Typed) -> Result<Option<Value>, Problem> {
    let text = typed.text.trim();
    Ok(Some(match field.kind {
        FieldKind::File => match &typed.file_token {
            Some(token) => Value::Object(Map::from_iter([("file_token".to_owned(), Value::String(token.clone()))])),
            None => return Ok(None),
        },
        FieldKind::Dimensions => {
            if typed.dims.iter().all(|d| d.trim().is_empty()) {
                return Ok(None);
            }
            let mut map = Map::new();
            for (name, raw) in ["length", "width", "height"].into_iter().zip(&typed.dims) {
                map.insert(name.to_owned(), number(positive(raw)?));
            }
            Value::Object(map)
        }
        _ if text.is_empty() => return Ok(None),
        FieldKind::Text => Value::String(text.to_owned()),
        FieldKind::Money => {
            let price = positive(text)?;
            let currency = if typed.currency.is_empty() { CURRENCIES[0] } else { typed.currency.as_str() };
            Value::Object(Map::from_iter([
                ("price".to_owned(), number(price)),
                ("currency".to_owned(), Value::String(currency.to_owned())),
            ]))
        }
        FieldKind::Number => {
            if !text.bytes().all(|b| b.is_ascii_digit()) || text.len() > 15 {
                return Err(Problem::NotWhole);
            }
            let n: i64 = text.parse().map_err(|_| Problem::NotWhole)?;
            if n == 0 {
                return Err(Problem::NotPositive);
            }
            Value::Number(n.into())
        }
        FieldKind::Choice => {
            if !field.choices.iter().any(|c| c == text) {
                return Err(Problem::NotAChoice);
            }
            Value::String(text.to_owned())
        }
        FieldKind::Boolean => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(Problem::NotAChoice),
        },
    }))
}

/// The label of a needed field in the widget's language (the proxy's
/// English label for a key this version has no words for).
pub fn label_of(t: &Texts, field: &NeededField) -> &'static str {
    match t.word(t.claim_fields, &field.key, "") {
        "" => Box::leak(field.label.clone().into_boxed_str()),
        word => word,
    }
}

/// `text` with the field names and bucket names the proxy writes in its
/// reasons and history (`waiting for the shop's part: sales_invoice,
/// purchase_invoice`, `with_shop: …`) in words; anything else as it is.
pub fn in_words(t: &Texts, text: &str) -> String {
    const PREFIX: &str = "waiting for the shop's part:";
    if let Some(rest) = text.strip_prefix(PREFIX) {
        return format!("{} {}", t.inbox_waiting_shop, in_words(t, rest.trim_start()));
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let w = match t.word(t.claim_fields, word, "") {
            "" => t.word(t.inbox_buckets, word, ""),
            w => w,
        };
        out.push_str(if w.is_empty() { word } else { w });
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// The field names of a `claim_incomplete` answer (`Still missing: a, b.`).
pub fn missing_keys(detail: &str) -> Vec<&str> {
    let list = detail.rsplit(':').next().unwrap_or_default();
    list.split(',').map(|k| k.trim().trim_end_matches('.')).filter(|k| !k.is_empty()).collect()
}

/// The input of one needed field: every kind's signals (only its own are
/// used), so that the form can hold them in one list.
#[derive(Clone, Copy)]
pub struct Input {
    pub text: RwSignal<String>,
    pub currency: RwSignal<String>,
    pub dims: [RwSignal<String>; 3],
    pub file: RwSignal<Upload>,
}

impl Input {
    pub fn new() -> Input {
        Input {
            text: RwSignal::new(String::new()),
            currency: RwSignal::new(CURRENCIES[0].to_owned()),
            dims: [RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new())],
            file: RwSignal::new(Upload::Empty),
        }
    }

    pub fn typed(&self) -> Typed {
        Typed {
            text: self.text.get_untracked(),
            currency: self.currency.get_untracked(),
            dims: self.dims.map(|d| d.get_untracked()),
            file_token: self.file.with_untracked(|f| f.token().map(str::to_owned)),
        }
    }

    pub fn uploading(&self) -> bool {
        self.file.with_untracked(Upload::busy)
    }
}

impl Default for Input {
    fn default() -> Self {
        Input::new()
    }
}

/// The control id of a needed field (the first control of a group).
pub fn control_id(field: &NeededField) -> String {
    let id = format!("need-{}", field.key);
    match field.kind {
        FieldKind::Money => format!("{id}-amount"),
        FieldKind::Dimensions => format!("{id}-length"),
        FieldKind::Choice | FieldKind::Boolean => format!("{id}-0"),
        _ => id,
    }
}

/// The input of one needed field, by its kind.
#[component]
pub fn NeededInput(field: NeededField, input: Input, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    let label = label_of(t, &field);
    let id = format!("need-{}", field.key);
    let error_id = format!("{id}-error");
    let no_error = Signal::derive(|| None::<String>);
    let invalid = move || error.with(Option::is_some);
    match field.kind {
        FieldKind::Text => {
            let long = matches!(
                field.key.as_str(),
                "contents_description"
                    | "parcel_exterior_description"
                    | "additional_remarks"
                    | "additional_details"
                    | "question"
                    | "new_address"
            );
            if long {
                view! { <TextArea id=id label=label value=input.text error=error /> }.into_any()
            } else {
                view! { <TextField id=id label=label value=input.text error=error /> }.into_any()
            }
        }
        FieldKind::Number => view! {
            <TextField id=id label=label value=input.text error=error inputmode="numeric" />
        }
        .into_any(),
        FieldKind::File => view! {
            <FileField id=id label=label state=input.file error=error required=false />
        }
        .into_any(),
        FieldKind::Money => {
            let currency_id = format!("{id}-currency");
            view! {
                <fieldset class="pd-field pd-money" class:pd-invalid=invalid>
                    <legend>{label}</legend>
                    <div class="pd-row">
                        <div class="pd-grow">
                            <TextField id=format!("{id}-amount") label=t.amount value=input.text error=error inputmode="decimal" />
                        </div>
                        <div class="pd-field">
                            <label for=currency_id.clone()>{t.currency}</label>
                            <select id=currency_id prop:value=move || input.currency.get()
                                on:change=move |ev| input.currency.set(event_target_value(&ev))>
                                {CURRENCIES.map(|c| view! { <option value=c>{c}</option> }).collect_view()}
                            </select>
                        </div>
                    </div>
                </fieldset>
            }
            .into_any()
        }
        FieldKind::Dimensions => {
            let parts = [("length", t.length), ("width", t.width), ("height", t.height)];
            view! {
                <fieldset class="pd-field pd-dimensions" class:pd-invalid=invalid aria-describedby=error_id.clone()>
                    <legend>{label}</legend>
                    <div class="pd-row">
                        {parts.into_iter().zip(input.dims).map(|((name, text), value)| view! {
                            <div class="pd-grow">
                                <TextField id=format!("{id}-{name}") label=text value=value error=no_error inputmode="decimal" />
                            </div>
                        }).collect_view()}
                    </div>
                    <FieldErrorText id=error_id.clone() error=error />
                </fieldset>
            }
            .into_any()
        }
        FieldKind::Choice | FieldKind::Boolean => {
            let options: Vec<(String, &'static str)> = if field.kind == FieldKind::Boolean {
                vec![("true".into(), t.yes), ("false".into(), t.no)]
            } else {
                field
                    .choices
                    .iter()
                    .map(|c| {
                        let word = match t.word(t.parcel_kinds, c, "") {
                            "" => Box::leak(c.clone().into_boxed_str()) as &'static str,
                            w => w,
                        };
                        (c.clone(), word)
                    })
                    .collect()
            };
            view! {
                <fieldset class="pd-field" class:pd-invalid=invalid aria-describedby=error_id.clone()>
                    <legend>{label}</legend>
                    {options.into_iter().enumerate().map(|(i, (value, word))| {
                        let option_id = format!("{id}-{i}");
                        let checked = { let value = value.clone(); move || input.text.get() == value };
                        view! {
                            <div class="pd-radio">
                                <input type="radio" id=option_id.clone() name=id.clone() value=value.clone()
                                    prop:checked=checked on:change=move |_| input.text.set(value.clone()) />
                                <label for=option_id>{word}</label>
                            </div>
                        }
                    }).collect_view()}
                    <FieldErrorText id=error_id.clone() error=error />
                </fieldset>
            }
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(key: &str, kind: FieldKind) -> NeededField {
        let choices =
            if kind == FieldKind::Choice { vec!["own_contract".into(), "sendcloud_rates".into()] } else { vec![] };
        NeededField { key: key.into(), label: key.into(), kind, choices }
    }

    fn text(s: &str) -> Typed {
        Typed { text: s.into(), ..Default::default() }
    }

    #[test]
    fn each_kind_maps_to_the_wire_value() {
        let money = field("contents_sales_price", FieldKind::Money);
        let typed = Typed { text: " 49,90 ".into(), currency: "GBP".into(), ..Default::default() };
        assert_eq!(value_of(&money, &typed).unwrap().unwrap(), serde_json::json!({"price": 49.9, "currency": "GBP"}));
        assert_eq!(value_of(&money, &text("0")), Err(Problem::NotPositive));
        assert_eq!(value_of(&money, &text("12 EUR")), Err(Problem::NotANumber));
        assert_eq!(value_of(&money, &text("  ")), Ok(None));

        let file = field("purchase_invoice", FieldKind::File);
        assert_eq!(value_of(&file, &Typed::default()), Ok(None));
        let uploaded = Typed { file_token: Some("f_1".into()), ..Default::default() };
        assert_eq!(value_of(&file, &uploaded).unwrap().unwrap(), serde_json::json!({"file_token": "f_1"}));

        let contract = field("carrier_contract_id", FieldKind::Number);
        assert_eq!(value_of(&contract, &text("4711")).unwrap().unwrap(), serde_json::json!(4711));
        assert_eq!(value_of(&contract, &text("47.5")), Err(Problem::NotWhole));
        assert_eq!(value_of(&contract, &text("0")), Err(Problem::NotPositive));

        let kind = field("parcel_kind", FieldKind::Choice);
        assert_eq!(value_of(&kind, &text("sendcloud_rates")).unwrap().unwrap(), serde_json::json!("sendcloud_rates"));
        assert_eq!(value_of(&kind, &text("by_pigeon")), Err(Problem::NotAChoice));

        let dims = field("parcel_dimensions", FieldKind::Dimensions);
        let typed = Typed { dims: ["30".into(), "20,5".into(), "10".into()], ..Default::default() };
        assert_eq!(
            value_of(&dims, &typed).unwrap().unwrap(),
            serde_json::json!({"length": 30.0, "width": 20.5, "height": 10.0})
        );
        let partial = Typed { dims: ["30".into(), String::new(), "10".into()], ..Default::default() };
        assert_eq!(value_of(&dims, &partial), Err(Problem::Missing));

        let returned = field("is_parcel_returned", FieldKind::Boolean);
        assert_eq!(value_of(&returned, &text("false")).unwrap().unwrap(), serde_json::json!(false));
        let remarks = field("additional_remarks", FieldKind::Text);
        assert_eq!(value_of(&remarks, &text(" Box was open ")).unwrap().unwrap(), serde_json::json!("Box was open"));
    }

    #[test]
    fn reasons_and_history_name_fields_in_words() {
        let t = crate::i18n::Lang::De.loaded().unwrap();
        assert_eq!(
            in_words(t, "waiting for the shop's part: sales_invoice, parcel_dimensions"),
            "Wartet auf die Angaben des Shops: Verkaufsrechnung, Paketmaße (cm)"
        );
        assert_eq!(in_words(t, "with_shop: purchase_invoice"), "Beim Shop: Einkaufsrechnung");
        assert_eq!(in_words(t, "Ordered too late (no_refund)"), "Ordered too late (no_refund)");
        assert_eq!(
            missing_keys("Still missing: contents_sales_price, purchase_invoice."),
            ["contents_sales_price", "purchase_invoice"]
        );
    }

    #[test]
    fn every_claim_field_has_words_in_every_language() {
        for lang in crate::i18n::Lang::ALL {
            let t = lang.loaded().unwrap();
            for f in parcel_desk_wire::claim::ClaimField::ALL {
                let needed = NeededField {
                    key: f.wire_name().into(),
                    label: String::new(),
                    kind: parcel_desk_wire::inbox::field_kind(*f),
                    choices: vec![],
                };
                assert!(!label_of(t, &needed).is_empty(), "{lang:?} {}", f.wire_name());
            }
        }
    }
}
