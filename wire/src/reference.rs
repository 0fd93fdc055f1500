//! The short claim reference a customer is given after submitting, e.g.
//! `PD-4K7Q-2M`: six symbols of Crockford's base 32 (digits and capitals
//! without I, L, O and U), 30 bits, written in two groups after `PD-`.
//!
//! It is meant to be read aloud, copied from an e-mail or typed from a
//! phone: input is read leniently ([`Reference::parse`]): any case, with or
//! without the `PD` prefix, dashes and spaces; `O` reads as `0`, `I` and
//! `L` as `1`. A reference alone reveals nothing: the status look-up needs
//! it together with the customer's e-mail address or postal code, and
//! answers a wrong pair exactly like an unknown reference.

use std::fmt;

/// Crockford's base-32 symbols, in value order.
const SYMBOLS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Symbols in a reference.
pub const LEN: usize = 6;
/// The printed prefix.
pub const PREFIX: &str = "PD";

/// A claim reference (30 bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Reference(u32);

impl Reference {
    /// The reference made of the low 30 bits of `bits` (the proxy passes
    /// random bits, and draws again when the store already has the result).
    pub fn from_bits(bits: u64) -> Reference {
        Reference((bits & ((1 << (5 * LEN)) - 1)) as u32)
    }

    /// The 30-bit value.
    pub fn bits(self) -> u32 {
        self.0
    }

    /// Reads what a customer typed: `PD-4K7Q-2M`, `pd 4k7q 2m`, `4K7Q2M`,
    /// `4k7q-2m`; `None` when it cannot be a reference.
    pub fn parse(input: &str) -> Option<Reference> {
        let mut symbols: Vec<u8> = Vec::with_capacity(LEN + PREFIX.len());
        for c in input.chars() {
            match c {
                ' ' | '-' | '\u{a0}' | '\t' => continue,
                c if c.is_ascii_alphanumeric() => symbols.push(c.to_ascii_uppercase() as u8),
                _ => return None,
            }
            if symbols.len() > LEN + PREFIX.len() {
                return None;
            }
        }
        let body = match symbols.len() {
            n if n == LEN => &symbols[..],
            n if n == LEN + PREFIX.len() && symbols.starts_with(PREFIX.as_bytes()) => &symbols[PREFIX.len()..],
            _ => return None,
        };
        let mut value = 0u32;
        for &s in body {
            value = (value << 5) | u32::from(symbol_value(s)?);
        }
        Some(Reference(value))
    }
}

/// The value of one (upper-case) symbol, with Crockford's readings of the
/// letters it leaves out.
fn symbol_value(s: u8) -> Option<u8> {
    let s = match s {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        s => s,
    };
    SYMBOLS.iter().position(|&x| x == s).map(|i| i as u8)
}

/// `PD-4K7Q-2M`.
impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = [0u8; LEN];
        for (i, slot) in out.iter_mut().enumerate() {
            let shift = 5 * (LEN - 1 - i);
            *slot = SYMBOLS[((self.0 >> shift) & 31) as usize];
        }
        let text = std::str::from_utf8(&out).map_err(|_| fmt::Error)?;
        write!(f, "{PREFIX}-{}-{}", &text[..4], &text[4..])
    }
}

impl serde::Serialize for Reference {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Reference {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Reference::parse(&text).ok_or_else(|| serde::de::Error::custom("not a claim reference such as PD-4K7Q-2M"))
    }
}

/// A string such as `PD-4K7Q-2M` (read leniently, see [`Reference::parse`]).
#[cfg(feature = "openapi")]
impl schemars::JsonSchema for Reference {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Reference".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A claim reference: `PD-` and six symbols of Crockford's base 32 in two groups.",
            "examples": ["PD-4K7Q-2M"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_in_two_groups_and_reads_back() {
        let r = Reference::parse("PD-4K7Q-2M").unwrap();
        assert_eq!(r.to_string(), "PD-4K7Q-2M");
        for bits in [0u64, 1, 31, 32, 0x3FFF_FFFF, 0x1234_5678, u64::MAX] {
            let r = Reference::from_bits(bits);
            assert_eq!(Reference::parse(&r.to_string()), Some(r), "{r}");
            assert_eq!(r.to_string().len(), 10);
        }
        assert_eq!(Reference::from_bits(0).to_string(), "PD-0000-00");
        assert_eq!(Reference::from_bits(0x3FFF_FFFF).to_string(), "PD-ZZZZ-ZZ");
    }

    #[test]
    fn reads_what_customers_type() {
        let want = Reference::parse("PD-4K7Q-2M");
        for typed in ["pd-4k7q-2m", "PD 4K7Q 2M", "4K7Q2M", "4k7q-2m", " PD4K7Q2M ", "pd\u{a0}4k7q\u{a0}2m"] {
            assert_eq!(Reference::parse(typed), want, "{typed:?}");
        }
        // The letters Crockford leaves out read as the digits they look like.
        assert_eq!(Reference::parse("PD-O0I1-L1"), Reference::parse("PD-0011-11"));
    }

    #[test]
    fn refuses_what_cannot_be_one() {
        for typed in [
            "",
            "PD-",
            "PD-4K7Q-2",
            "PD-4K7Q-2M3",
            "4K7Q2MM",
            "PD-4K7Q-2U",
            "XX-4K7Q-2M",
            "PD-4K7Q/2M",
            "PD-4K7Q-2M-PD-4K7Q-2M",
            "ü4K7Q2M",
        ] {
            assert_eq!(Reference::parse(typed), None, "{typed:?}");
        }
    }

    #[test]
    fn json_is_the_printed_form() {
        let r = Reference::parse("PD-4K7Q-2M").unwrap();
        assert_eq!(serde_json::to_string(&r).unwrap(), "\"PD-4K7Q-2M\"");
        assert_eq!(serde_json::from_str::<Reference>("\"pd 4k7q 2m\"").unwrap(), r);
        assert!(serde_json::from_str::<Reference>("\"1001\"").is_err());
    }
}
