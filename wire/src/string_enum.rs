/// A string enum of the spec that keeps values it does not know.
///
/// Upstream adds enum values without notice; a new status must not make a
/// ticket unreadable, so every such enum has an `Unlisted(String)` variant that
/// holds the raw value and serializes back unchanged.
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this version does not know, kept as sent.
            Unlisted(String),
        }

        impl $name {
            /// Every value the spec lists, in spec order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The value as it stands on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unlisted(s) => s.as_str(),
                }
            }

            /// Parses a wire value; unknown values become `Unlisted`.
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => $name::$variant,)+
                    other => $name::Unlisted(other.to_owned()),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        /// A string: one of the values the spec lists (as `examples`), or
        /// any other value upstream adds later.
        #[cfg(feature = "openapi")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "description": concat!("One of the listed values, or another value upstream may add later: ", $($wire, " "),+),
                    "examples": [$($wire),+]
                })
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok($name::from_wire(&s))
            }
        }
    };
}
