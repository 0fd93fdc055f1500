//! The raw layers: what the TOML file, the environment and the command
//! line say, before any check. Every field is optional; unknown keys are
//! refused (`deny_unknown_fields`). Layers are merged in precedence order,
//! remembering where each key's value came from for error messages; then
//! [`super::validate`] turns the result into a [`super::Config`] once.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::Deserialize;

use super::env::Node;
use super::{env_var_name, ConfigError, KEYS};

/// Where each set key's value came from: `config file …`,
/// `environment variable …` or `command line`.
pub(super) type Origins = HashMap<String, String>;

/// A layer's origin for a key (the environment names each key's variable).
pub(super) type Origin<'a> = dyn Fn(&str) -> String + 'a;

/// Defines a scalar wrapper whose visitor names what it expects, so both
/// the file and the environment report e.g. "expected a non-negative
/// integer" (never the configured value).
macro_rules! scalar {
    ($name:ident($ty:ty), $expecting:literal, $de:ident, { $($visit:item)* }) => {
        pub(super) struct $name(pub $ty);
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    $($visit)*
                }
                d.$de(V)
            }
        }
    };
}

scalar!(Text(String), "a string", deserialize_string, {
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
        Ok(Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
        Ok(Text(v))
    }
});

scalar!(Flag(bool), "true or false", deserialize_bool, {
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
        Ok(Flag(v))
    }
});

scalar!(UInt(u64), "a non-negative integer", deserialize_u64, {
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<UInt, E> {
        Ok(UInt(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<UInt, E> {
        u64::try_from(v).map(UInt).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }
});

scalar!(Number(f64), "a number", deserialize_f64, {
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
        Ok(Number(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
        Ok(Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
        Ok(Number(v as f64))
    }
});

scalar!(List(Vec<String>), "a list of strings", deserialize_seq, {
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<List, A::Error> {
        let mut out = Vec::new();
        while let Some(item) =
            seq.next_element::<Text>().map_err(|_| de::Error::custom("expected a list of strings"))?
        {
            out.push(item.0);
        }
        Ok(List(out))
    }
});

/// One named staff token as the file gives it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNamedToken {
    pub name: String,
    pub token: String,
}

/// `staff.tokens`: in the file a list of tables (`[[staff.tokens]]` with
/// `name` and `token`); in the environment `name:token` pairs, comma
/// separated (`Anna:…,Ben:…`; a name cannot hold `:` or `,` there).
pub(super) struct NamedTokens(pub Vec<RawNamedToken>);

impl<'de> Deserialize<'de> for NamedTokens {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NamedTokens;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of tables with name and token (or name:token pairs, comma separated)")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<NamedTokens, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element::<RawNamedToken>()? {
                    out.push(item);
                }
                Ok(NamedTokens(out))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<NamedTokens, E> {
                let mut out = Vec::new();
                for pair in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    let Some((name, token)) = pair.split_once(':') else {
                        return Err(E::custom("expected name:token pairs, comma separated"));
                    };
                    out.push(RawNamedToken { name: name.trim().to_owned(), token: token.trim().to_owned() });
                }
                Ok(NamedTokens(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Defines a raw section: every key optional, unknown keys refused, and a
/// merge that lets a later layer win key by key.
macro_rules! layer {
    ($name:ident, $section:literal { $($field:ident: $ty:ty),* $(,)? }) => {
        #[derive(Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub(super) struct $name { $(pub $field: Option<$ty>,)* }
        impl $name {
            /// The keys of this section, for the test against [`KEYS`].
            #[cfg(test)]
            pub const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
            fn merge(&mut self, over: Self, origin: &Origin<'_>, origins: &mut Origins) {
                $(if let Some(v) = over.$field {
                    self.$field = Some(v);
                    let key = if $section.is_empty() {
                        stringify!($field).to_owned()
                    } else {
                        format!("{}.{}", $section, stringify!($field))
                    };
                    let from = origin(&key);
                    origins.insert(key, from);
                })*
            }
        }
    };
}

layer!(RawSupport, "support" {
    base_url: Text, public_key: Text, secret_key: Text, timeout_secs: UInt, auth: Text, token_url: Text,
});
layer!(RawLimits, "limits" {
    json_body_bytes: UInt, upload_bytes: UInt, create_per_minute: UInt, other_per_minute: UInt,
    lookup_per_minute: UInt,
});
layer!(RawUpstream, "upstream" {
    creates_per_minute: UInt, reads_per_minute: UInt, window_secs: UInt, read_cache_secs: UInt,
    reconcile_after_secs: UInt, retry_base_ms: UInt, watch_secs: UInt,
});
layer!(RawStore, "store" { url: Text, path: Text, idempotency_hours: UInt, keep_files_days: UInt });
layer!(RawAccess, "access" { token_key: Text, token_days: UInt });
layer!(RawTracking, "tracking" { base_url: Text });
layer!(RawClaims, "claims" { lost_after_days: UInt, parcel_kind: Text, carrier_contract_id: UInt, review: Text });
layer!(RawOrders, "orders" { url: Text, secret: Text });
layer!(RawStaff, "staff" { token: Text, tokens: NamedTokens });
layer!(RawMail, "mail" { smtp_url: Text, from: Text, status_url: Text });
layer!(RawJtl, "jtl" { base_url: Text, refresh_token: Text, seller_id: Text, poll_secs: UInt, timeout_secs: UInt });
layer!(RawTop, "" {
    listen: Text, api_prefix: Text, static_dir: Text, sandbox: Flag, allowed_origins: List,
    trust_forwarded_for: Flag, sandbox_faults: Number,
});

/// One layer (or the merge of several).
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub listen: Option<Text>,
    pub api_prefix: Option<Text>,
    pub static_dir: Option<Text>,
    pub sandbox: Option<Flag>,
    pub allowed_origins: Option<List>,
    pub trust_forwarded_for: Option<Flag>,
    pub sandbox_faults: Option<Number>,
    #[serde(default)]
    pub support: RawSupport,
    #[serde(default)]
    pub limits: RawLimits,
    #[serde(default)]
    pub store: RawStore,
    #[serde(default)]
    pub access: RawAccess,
    #[serde(default)]
    pub tracking: RawTracking,
    #[serde(default)]
    pub claims: RawClaims,
    #[serde(default)]
    pub orders: RawOrders,
    #[serde(default)]
    pub staff: RawStaff,
    #[serde(default)]
    pub mail: RawMail,
    #[serde(default)]
    pub jtl: RawJtl,
    #[serde(default)]
    pub upstream: RawUpstream,
}

impl RawConfig {
    /// Lays `over` on top of `self`: each key `over` sets wins, and its
    /// origin is recorded.
    pub fn merge(&mut self, over: RawConfig, origin: &Origin<'_>, origins: &mut Origins) {
        let mut top = RawTop {
            listen: self.listen.take(),
            api_prefix: self.api_prefix.take(),
            static_dir: self.static_dir.take(),
            sandbox: self.sandbox.take(),
            allowed_origins: self.allowed_origins.take(),
            trust_forwarded_for: self.trust_forwarded_for.take(),
            sandbox_faults: self.sandbox_faults.take(),
        };
        let over_top = RawTop {
            listen: over.listen,
            api_prefix: over.api_prefix,
            static_dir: over.static_dir,
            sandbox: over.sandbox,
            allowed_origins: over.allowed_origins,
            trust_forwarded_for: over.trust_forwarded_for,
            sandbox_faults: over.sandbox_faults,
        };
        top.merge(over_top, origin, origins);
        let RawTop { listen, api_prefix, static_dir, sandbox, allowed_origins, trust_forwarded_for, sandbox_faults } =
            top;
        (self.listen, self.api_prefix, self.static_dir, self.sandbox) = (listen, api_prefix, static_dir, sandbox);
        (self.allowed_origins, self.trust_forwarded_for, self.sandbox_faults) =
            (allowed_origins, trust_forwarded_for, sandbox_faults);
        self.support.merge(over.support, origin, origins);
        self.limits.merge(over.limits, origin, origins);
        self.store.merge(over.store, origin, origins);
        self.access.merge(over.access, origin, origins);
        self.tracking.merge(over.tracking, origin, origins);
        self.claims.merge(over.claims, origin, origins);
        self.orders.merge(over.orders, origin, origins);
        self.staff.merge(over.staff, origin, origins);
        self.mail.merge(over.mail, origin, origins);
        self.jtl.merge(over.jtl, origin, origins);
        self.upstream.merge(over.upstream, origin, origins);
    }
}

/// The layer of a TOML file; `origin` names it in errors.
pub(super) fn from_file(path: &Path, origin: &str) -> Result<RawConfig, ConfigError> {
    let fail = |key: Option<String>, message: String| ConfigError { key, origin: origin.to_owned(), message };
    let text = std::fs::read_to_string(path).map_err(|e| fail(None, format!("cannot read: {e}")))?;
    let table: toml::Table =
        toml::from_str(&text).map_err(|e| fail(None, format!("not valid TOML: {}", e.message())))?;
    serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
        let (key, message) = describe(e.path(), e.inner().message());
        fail(Some(key), message)
    })
}

/// The layer of the `PARCEL_DESK_*` variables among `vars` (one per key
/// of [`KEYS`]; other `PARCEL_DESK_*` variables are not configuration
/// keys and are left alone).
pub(super) fn from_env(vars: &HashMap<String, String>) -> Result<RawConfig, ConfigError> {
    let mut top: Vec<(&'static str, Node)> = Vec::new();
    for &(key, _) in KEYS {
        let Some(value) = vars.get(&env_var_name(key)) else { continue };
        let value = Node::Value(value.clone());
        match key.split_once('.') {
            None => top.push((key, value)),
            Some((section, field)) => match top.iter_mut().find(|(name, _)| *name == section) {
                Some((_, Node::Table(fields))) => fields.push((field, value)),
                _ => top.push((section, Node::Table(vec![(field, value)]))),
            },
        }
    }
    serde_path_to_error::deserialize(Node::Table(top)).map_err(|e| {
        let (key, message) = describe(e.path(), &e.inner().to_string());
        ConfigError { origin: format!("environment variable {}", env_var_name(&key)), key: Some(key), message }
    })
}

/// The dotted key and a message without the offending value for a
/// deserialization error at `path`.
fn describe(path: &serde_path_to_error::Path, message: &str) -> (String, String) {
    let mut key: Vec<String> = path
        .iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            _ => None,
        })
        .collect();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default().to_owned();
        if key.last() != Some(&name) {
            key.push(name);
        }
        return (key.join("."), "unknown key (see proxy/README.md for the list)".into());
    }
    let message = match message.rfind("expected ") {
        _ if message.contains("expected struct Raw") => "unknown key (see proxy/README.md for the list)".into(),
        Some(at) => message[at..].to_owned(),
        None => message.to_owned(),
    };
    (key.join("."), message)
}
