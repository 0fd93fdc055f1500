//! JSON through the browser's own `JSON.parse` / `JSON.stringify` and
//! serde-wasm-bindgen, instead of a JSON parser and printer compiled into
//! the WebAssembly (serde_json was about a tenth of the widget's code:
//! bench/history.md).

use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::{JsCast, JsValue};

/// `value` as JSON text; `None` only if it cannot be represented (e.g. a
/// non-finite number, which JSON has no notation for).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let js = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
    if contains_non_finite(&js) {
        return None;
    }
    js_sys::JSON::stringify(&js).ok()?.as_string()
}

/// JSON text as `T`; `None` for text that is not JSON or not a `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    let js = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(js).ok()
}

/// `value` as a `T`, through the same JSON data model (e.g. to check a
/// request built as a `serde_json::Value` against its typed form).
pub fn convert<T: DeserializeOwned>(value: &impl Serialize) -> Option<T> {
    let js = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
    serde_wasm_bindgen::from_value(js).ok()
}

/// `JSON.stringify` writes NaN and ±Infinity as `null`, which would turn a
/// bad number into a missing one without a word; refuse instead.
fn contains_non_finite(value: &JsValue) -> bool {
    if let Some(n) = value.as_f64() {
        return !n.is_finite();
    }
    if js_sys::Array::is_array(value) {
        return js_sys::Array::from(value).iter().any(|v| contains_non_finite(&v));
    }
    if value.is_object() {
        return js_sys::Object::values(value.unchecked_ref()).iter().any(|v| contains_non_finite(&v));
    }
    false
}
