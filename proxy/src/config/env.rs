//! A serde deserializer over `PARCEL_DESK_*` environment variables, so the
//! environment fills the same raw layer as the TOML file.
//!
//! Every value is text; the raw layer's types say how to read it: numbers
//! are parsed, booleans are `1`/`true`/`yes`/`on` or `0`/`false`/`no`/
//! `off`/empty, lists are comma separated. Text that does not read as the
//! asked type is handed to the visitor as a string, whose "invalid type"
//! error then names what was expected.

use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{self, IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;

/// One node: a variable's value, or a table of keys (the top level and the
/// sections).
pub(super) enum Node {
    Value(String),
    Table(Vec<(&'static str, Node)>),
}

impl<'de> IntoDeserializer<'de, Error> for Node {
    type Deserializer = Node;
    fn into_deserializer(self) -> Node {
        self
    }
}

impl Node {
    fn text(self) -> Result<String, Error> {
        match self {
            Node::Value(s) => Ok(s),
            Node::Table(_) => Err(de::Error::custom("expected a value, not a table")),
        }
    }
}

macro_rules! parsed {
    ($($method:ident => $ty:ty, $visit:ident;)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            let s = self.text()?;
            match s.trim().parse::<$ty>() {
                Ok(v) => visitor.$visit(v),
                Err(_) => visitor.visit_string(s),
            }
        })*
    };
}

impl<'de> de::Deserializer<'de> for Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Node::Value(s) => visitor.visit_string(s),
            Node::Table(entries) => visitor.visit_map(MapDeserializer::new(entries.into_iter())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let s = self.text()?;
        match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => visitor.visit_bool(true),
            "0" | "false" | "no" | "off" | "" => visitor.visit_bool(false),
            _ => visitor.visit_string(s),
        }
    }

    parsed! {
        deserialize_u64 => u64, visit_u64;
        deserialize_f64 => f64, visit_f64;
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let s = self.text()?;
        let items: Vec<String> = s.split(',').map(|p| p.trim().to_owned()).collect();
        visitor.visit_seq(SeqDeserializer::new(items.into_iter()))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u128 f32 char str string
        bytes byte_buf unit unit_struct tuple
        tuple_struct map struct enum identifier ignored_any
    }
}
