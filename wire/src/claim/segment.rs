//! A claim type on the wire is its route segment.

use serde::{Deserialize, Serialize};

use super::ClaimType;

/// On the wire (the customer's claim, [`crate::customer::CustomerClaim`]) a
/// claim type is its endpoint segment: `lost`, `damage`,
/// `delivered-but-not-received`, `late-delivery`, `unjust-return`,
/// `address-change`, `other`.
impl Serialize for ClaimType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ClaimType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ClaimType::from_segment(&s).ok_or_else(|| {
            serde::de::Error::custom(
                "expected one of lost, damage, delivered-but-not-received, late-delivery, unjust-return, address-change, other",
            )
        })
    }
}

#[cfg(feature = "openapi")]
impl schemars::JsonSchema for ClaimType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClaimType".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "The claim type: the segment of its raw route `POST /dsf/tickets/{type}`.",
            "enum": ["lost", "damage", "delivered-but-not-received", "late-delivery", "unjust-return", "address-change", "other"]
        })
    }
}
