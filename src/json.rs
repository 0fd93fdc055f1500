//! JSON through the browser's own `JSON.parse` / `JSON.stringify` instead
//! of a JSON parser and printer compiled into the WebAssembly (serde_json
//! was about a tenth of the widget's code: bench/history.md).
//!
//! Parsed values are read into Rust types by [`from_value`], a small serde
//! deserializer over `JsValue` whose error carries no text: every caller
//! only needs to know that an answer was not what the contract says, and
//! error texts would compile serde's formatting (float printing included)
//! into the widget. Serializing goes through serde-wasm-bindgen.

use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, IntoDeserializer, Visitor};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

/// `value` as JSON text; `None` only if it cannot be represented (e.g. a
/// non-finite number, which JSON has no notation for).
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    let js = to_value(value)?;
    if contains_non_finite(&js) {
        return None;
    }
    js_sys::JSON::stringify(&js).ok()?.as_string()
}

/// JSON text as `T`; `None` for text that is not JSON or not a `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    from_value(js_sys::JSON::parse(text).ok()?)
}

/// `value` as a `T`, through the same JSON data model (e.g. to check a
/// request built as a `serde_json::Value` against its typed form).
pub fn convert<T: DeserializeOwned>(value: &impl Serialize) -> Option<T> {
    from_value(to_value(value)?)
}

/// A JSON-shaped JS value (plain objects, arrays, strings, numbers,
/// booleans, null) as a `T`; `None` if it does not fit.
pub fn from_value<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    T::deserialize(Value(value)).ok()
}

fn to_value<T: Serialize + ?Sized>(value: &T) -> Option<JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()
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

/// "Not the expected shape", without a description.
#[derive(Debug, PartialEq, Eq)]
pub struct Mismatch;

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not the expected JSON")
    }
}

impl std::error::Error for Mismatch {}

// Every constructor is overridden so that none formats its arguments.
impl de::Error for Mismatch {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Mismatch
    }
    fn invalid_type(_: de::Unexpected, _: &dyn de::Expected) -> Self {
        Mismatch
    }
    fn invalid_value(_: de::Unexpected, _: &dyn de::Expected) -> Self {
        Mismatch
    }
    fn invalid_length(_: usize, _: &dyn de::Expected) -> Self {
        Mismatch
    }
    fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
        Mismatch
    }
    fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
        Mismatch
    }
    fn missing_field(_: &'static str) -> Self {
        Mismatch
    }
    fn duplicate_field(_: &'static str) -> Self {
        Mismatch
    }
}

struct Value(JsValue);

impl Value {
    fn is_plain_object(&self) -> bool {
        self.0.is_object() && !js_sys::Array::is_array(&self.0)
    }

    fn map<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        if !self.is_plain_object() {
            return Err(Mismatch);
        }
        visitor.visit_map(Entries { entries: js_sys::Object::entries(self.0.unchecked_ref()), next: 0, value: None })
    }

    fn seq<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        let items: js_sys::Array = self.0.dyn_into().map_err(|_| Mismatch)?;
        visitor.visit_seq(Items { items, next: 0 })
    }
}

/// `fn deserialize_x(self, visitor)` that reads the value as `to` does.
macro_rules! forward {
    ($($to:ident: $($from:ident)+;)+) => {$($(
        fn $from<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
            self.$to(visitor)
        }
    )+)+};
}

impl<'de> Deserializer<'de> for Value {
    type Error = Mismatch;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        let v = &self.0;
        if v.is_null_or_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = v.as_bool() {
            visitor.visit_bool(b)
        } else if let Some(n) = v.as_f64() {
            // Whole numbers as integers, so that integer fields take them.
            if js_sys::Number::is_safe_integer(v) {
                visitor.visit_i64(n as i64)
            } else {
                visitor.visit_f64(n)
            }
        } else if let Some(s) = v.as_string() {
            visitor.visit_string(s)
        } else if js_sys::Array::is_array(v) {
            self.seq(visitor)
        } else if v.is_object() {
            self.map(visitor)
        } else {
            Err(Mismatch)
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        if self.0.is_null_or_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Mismatch> {
        self.map(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        self.map(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        self.seq(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, Mismatch> {
        self.seq(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_newtype_struct(self)
    }

    /// Unit variants only (`"lost"`), the only enums on these wires.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Mismatch> {
        let name = self.0.as_string().ok_or(Mismatch)?;
        visitor.visit_enum(IntoDeserializer::<Mismatch>::into_deserializer(name))
    }

    // Each type below is read by what it can be, not through
    // `deserialize_any`: that would compile, for every visitor, the walks
    // over arrays and objects that a number or a string never takes.
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_bool(self.0.as_bool().ok_or(Mismatch)?)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        match self.0.as_f64() {
            Some(n) if js_sys::Number::is_safe_integer(&self.0) => visitor.visit_i64(n as i64),
            _ => Err(Mismatch),
        }
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_f64(self.0.as_f64().ok_or(Mismatch)?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_string(self.0.as_string().ok_or(Mismatch)?)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        if self.0.is_null_or_undefined() {
            visitor.visit_unit()
        } else {
            Err(Mismatch)
        }
    }

    /// A property nobody reads is skipped without looking into it.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Mismatch> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bytes byte_buf unit_struct tuple_struct
    }

    forward! {
        deserialize_i64: deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i128
            deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128;
        deserialize_f64: deserialize_f32;
        deserialize_string: deserialize_char deserialize_str deserialize_identifier;
    }
}

/// An object's own enumerable properties, in order.
struct Entries {
    entries: js_sys::Array,
    next: u32,
    value: Option<JsValue>,
}

impl<'de> de::MapAccess<'de> for Entries {
    type Error = Mismatch;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Mismatch> {
        if self.next >= self.entries.length() {
            return Ok(None);
        }
        let entry: js_sys::Array = self.entries.get(self.next).unchecked_into();
        self.next += 1;
        self.value = Some(entry.get(1));
        seed.deserialize(Value(entry.get(0))).map(Some)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Mismatch> {
        seed.deserialize(Value(self.value.take().ok_or(Mismatch)?))
    }
}

struct Items {
    items: js_sys::Array,
    next: u32,
}

impl<'de> de::SeqAccess<'de> for Items {
    type Error = Mismatch;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Mismatch> {
        if self.next >= self.items.length() {
            return Ok(None);
        }
        self.next += 1;
        seed.deserialize(Value(self.items.get(self.next - 1))).map(Some)
    }
}
