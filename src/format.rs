//! Dates and money through the browser's Intl: no locale data is bundled.

use js_sys::{Array, Date, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

fn locales(lang: &str) -> Array {
    Array::of1(&JsValue::from_str(lang))
}

/// A timestamp (RFC 3339) as date and time, e.g. "18 Mar 2026, 14:22";
/// the text as given when it does not parse.
pub fn date_time(lang: &str, iso: &str) -> String {
    format_date(lang, iso, &[("dateStyle", "medium"), ("timeStyle", "short")])
}

/// A date (or timestamp) as a date only, e.g. "18 Mar 2026".
pub fn date(lang: &str, iso: &str) -> String {
    format_date(lang, iso, &[("dateStyle", "medium")])
}

fn format_date(lang: &str, iso: &str, opts: &[(&str, &str)]) -> String {
    let d = Date::new(&JsValue::from_str(iso));
    if d.get_time().is_nan() {
        return iso.to_owned();
    }
    let f = Intl::DateTimeFormat::new(&locales(lang), &options(opts));
    f.format().call1(&JsValue::NULL, &d).ok().and_then(|v| v.as_string()).unwrap_or_else(|| iso.to_owned())
}

/// An amount in a currency, e.g. "€49.95" / "49,95 €".
pub fn money(lang: &str, amount: f64, currency: &str) -> String {
    // Intl throws on a malformed currency code: only ask it for ISO 4217 shapes.
    // The plain fallback is formatted by the browser too: Rust's float
    // formatting would add its float printer (about 14 KB) to the wasm.
    let plain = || {
        let fixed = js_sys::Number::from(amount).to_fixed(2).map(String::from).unwrap_or_default();
        format!("{fixed} {currency}")
    };
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return plain();
    }
    let f = Intl::NumberFormat::new(&locales(lang), &options(&[("style", "currency"), ("currency", currency)]));
    f.format().call1(&JsValue::NULL, &JsValue::from_f64(amount)).ok().and_then(|v| v.as_string()).unwrap_or_else(plain)
}

/// How long ago a timestamp was, e.g. "5 minutes ago", "gestern"
/// (Intl.RelativeTimeFormat); the text as given when it does not parse.
pub fn age(lang: &str, iso: &str) -> String {
    let then = Date::new(&JsValue::from_str(iso)).get_time();
    if then.is_nan() {
        return iso.to_owned();
    }
    let secs = ((Date::now() - then) / 1000.0).max(0.0);
    let (value, unit) = if secs < 60.0 {
        (secs, "second")
    } else if secs < 3600.0 {
        (secs / 60.0, "minute")
    } else if secs < 86_400.0 {
        (secs / 3600.0, "hour")
    } else {
        (secs / 86_400.0, "day")
    };
    let f = Intl::RelativeTimeFormat::new(&locales(lang), &options(&[("numeric", "auto")]));
    String::from(f.format(-value.floor(), unit))
}
