//! Configuration: defaults < TOML file (`--config`) < `PARCEL_DESK_*`
//! environment variables < command-line flags.
//!
//! Every setting has one dotted key (`support.base_url`); its environment
//! variable is `PARCEL_DESK_` + the key upper-cased with `.` → `_`
//! (`PARCEL_DESK_SUPPORT_BASE_URL`). See [`KEYS`] and `proxy/README.md`.
//!
//! Loading is three steps: each source becomes a raw layer ([`raw`]: every
//! key optional, unknown keys refused), the layers are merged in
//! precedence order, and the merge is checked once ([`validate`]) into the
//! typed [`Config`], whose values ([`BaseUrl`], [`ApiPrefix`], [`Origin`],
//! non-zero limits, …) cannot be invalid afterwards.

mod env;
mod raw;
mod sections;
mod smtp_url;
mod types;
mod validate;

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub use parcel_desk_wire::secret::Secret;
pub use sections::*;
pub use smtp_url::{SmtpTls, SmtpUrl};
pub use types::{ApiPrefix, BaseUrl, BaseUrlError, Origin};

/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Upstream's file cap (6 MB) — what the sandbox enforces per file.
pub const MAX_FILE_BYTES: u64 = parcel_desk_wire::upload::MAX_UPLOAD_BYTES;
/// Allowance for multipart boundaries and part headers on top of the file.
pub const MULTIPART_OVERHEAD_BYTES: u64 = 64 * 1024;

/// Every configuration key, with its environment variable and a one-line
/// description; `proxy/README.md` mirrors this table.
pub const KEYS: &[(&str, &str)] = &[
    ("listen", "address to listen on"),
    ("api_prefix", "path prefix of the widget API"),
    ("static_dir", "directory served at / (optional)"),
    ("sandbox", "run the embedded sandbox upstream"),
    ("allowed_origins", "shop origins allowed by CORS"),
    ("trust_forwarded_for", "use X-Forwarded-For as the client address"),
    ("support.base_url", "Support API base URL"),
    ("support.public_key", "Support API public key"),
    ("support.secret_key", "Support API secret key"),
    ("support.timeout_secs", "upstream timeout in seconds"),
    ("support.auth", "basic (the key pair) or oauth2 (client credentials)"),
    ("support.token_url", "OAuth2 token endpoint"),
    ("limits.json_body_bytes", "max claim body size"),
    ("limits.upload_bytes", "max upload request size"),
    ("limits.create_per_minute", "ticket creations per client per minute"),
    ("limits.other_per_minute", "other requests per client per minute"),
    ("limits.lookup_per_minute", "ticket lookups by order number per client per minute"),
    ("sandbox_faults", "share of sandbox ticket calls that fail (0 to 1; sandbox only)"),
    ("upstream.creates_per_minute", "ticket creations per window for the whole account"),
    (
        "upstream.reads_per_minute",
        "ticket reads, and document uploads and generations, per window for the whole account",
    ),
    ("upstream.window_secs", "length of the account's limit window in seconds"),
    ("upstream.read_cache_secs", "how long a ticket read answers status reads"),
    ("upstream.reconcile_after_secs", "wait after an attempt that may have arrived before looking for its ticket"),
    ("upstream.retry_base_ms", "first retry delay after an upstream failure (doubles each time)"),
    ("upstream.watch_secs", "seconds between status reads of one filed customer's claim's ticket (0: never)"),
    ("store.url", "where the proxy's state lives: sqlite:///path/file.sqlite3 or postgres://user@host:port/db"),
    ("store.path", "SQLite file for the proxy's state (the same as a sqlite:// store.url)"),
    ("store.idempotency_hours", "how long create answers are kept for Idempotency-Key replays"),
    ("store.keep_files_days", "how long the bytes of uploaded files are kept for the staff inbox"),
    ("access.token_key", "key that signs per-ticket access tokens"),
    ("access.token_days", "validity of an access token in days"),
    ("tracking.base_url", "Parcel Tracking API base URL"),
    ("claims.lost_after_days", "days without a tracking event before a lost claim is possible"),
    ("claims.parcel_kind", "how the shop ships: own_contract or sendcloud_rates (unset: unknown)"),
    ("claims.carrier_contract_id", "the shop's carrier contract id (own_contract only)"),
    (
        "claims.review",
        "when staff approve customers' claims: always, when_incomplete (default: complete claims file at once) or never",
    ),
    ("orders.url", "the shop's order endpoint: GET {url}/{order_number} (docs/orders.md; unset: no order facts)"),
    ("orders.secret", "shared secret sent to orders.url as X-Parcel-Desk-Secret"),
    ("staff.token", "bearer token of the staff routes, actor `staff` (unset with no staff.tokens: no staff routes)"),
    (
        "staff.tokens",
        "named staff tokens: [[staff.tokens]] name = \"Anna\" token = \"…\" (environment: Anna:token,Ben:token)",
    ),
    (
        "mail.smtp_url",
        "mail server for customer e-mail: smtp:// (STARTTLS), smtps:// (TLS), smtp://host?tls=none (local relay)",
    ),
    ("mail.from", "sender of customer e-mail, e.g. Shop <claims@shop.example>"),
    ("mail.status_url", "page with the widget's status view that mails link to (?view=status&ref=PD-…)"),
    ("jtl.base_url", "JTL-SCX Channel API base URL"),
    ("jtl.refresh_token", "JTL-SCX API refresh token"),
    ("jtl.seller_id", "JTL-SCX seller id that channel tickets go to"),
    ("jtl.poll_secs", "seconds between polls for seller replies"),
    ("jtl.timeout_secs", "JTL-SCX request timeout in seconds"),
];

/// The environment variable of a key: `support.base_url` →
/// `PARCEL_DESK_SUPPORT_BASE_URL`.
pub fn env_var_name(key: &str) -> String {
    format!("PARCEL_DESK_{}", key.to_ascii_uppercase().replace('.', "_"))
}

/// A fresh file name in the temporary directory for a throwaway store.
pub fn temp_store_path() -> PathBuf {
    std::env::temp_dir().join(format!("parcel-desk-proxy-{}.sqlite3", uuid::Uuid::new_v4().simple()))
}

/// Shortest accepted `access.token_key`.
pub const MIN_TOKEN_KEY_CHARS: usize = 32;

/// The proxy's whole configuration, checked: build it with
/// [`Config::load`] / [`Config::load_with`] (or, in code, from
/// [`Config::default`] / [`Config::for_upstream`], whose fields have
/// validated types). `Debug` redacts the secrets.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    /// Path prefix of the widget API, e.g. `/api`.
    pub api_prefix: ApiPrefix,
    pub static_dir: Option<PathBuf>,
    /// Run the embedded sandbox and point `support` at it.
    pub sandbox: bool,
    /// Exact origins (`https://shop.example`) that get CORS headers; empty
    /// means same-origin only (no CORS headers at all).
    pub allowed_origins: Vec<Origin>,
    /// Take the client address for rate limiting from the last
    /// `X-Forwarded-For` entry (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    pub support: SupportConfig,
    pub limits: Limits,
    pub store: StoreConfig,
    pub access: AccessConfig,
    pub tracking: TrackingConfig,
    pub claims: ClaimsConfig,
    /// The shop's order endpoint (`orders.*`).
    pub orders: OrdersConfig,
    pub staff: StaffConfig,
    /// E-mail to the customer (`mail.*`).
    pub mail: MailConfig,
    /// JTL-SCX channel tickets (`jtl.*`); off unless a refresh token and a
    /// seller id are set, or in sandbox mode.
    pub jtl: JtlConfig,
    pub upstream: UpstreamConfig,
    /// Share (0–1) of the sandbox's ticket creations and reads that fail
    /// (500, 503, 429, reset, too slow, answer lost after creating).
    pub sandbox_faults: f64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: DEFAULT_LISTEN.parse().expect("valid default"),
            api_prefix: ApiPrefix::default(),
            static_dir: None,
            sandbox: false,
            allowed_origins: Vec::new(),
            trust_forwarded_for: false,
            support: SupportConfig::default(),
            limits: Limits::default(),
            store: StoreConfig::default(),
            access: AccessConfig::default(),
            tracking: TrackingConfig::default(),
            claims: ClaimsConfig::default(),
            orders: OrdersConfig::default(),
            staff: StaffConfig::default(),
            mail: MailConfig::default(),
            jtl: JtlConfig::default(),
            upstream: UpstreamConfig::default(),
            sandbox_faults: 0.0,
        }
    }
}

/// The command-line flags that are configuration keys (the last layer).
#[derive(Clone, Debug, Default)]
pub struct Flags {
    pub listen: Option<SocketAddr>,
    /// `--sandbox` (only ever turns it on).
    pub sandbox: bool,
    pub static_dir: Option<PathBuf>,
    pub sandbox_faults: Option<f64>,
}

impl Config {
    /// Defaults pointed at an upstream with the given credentials, listening
    /// on an ephemeral loopback port (handy for tests and embedding).
    ///
    /// # Panics
    /// When `base_url` is not a valid upstream base URL ([`BaseUrl`]).
    pub fn for_upstream(base_url: &str, public_key: &str, secret_key: &str) -> Self {
        let base = BaseUrl::parse(base_url).unwrap_or_else(|e| panic!("for_upstream({base_url:?}): {e}"));
        let mut c = Config { listen: "127.0.0.1:0".parse().expect("valid"), ..Config::default() };
        c.support.base_url = base.clone();
        c.support.public_key = public_key.into();
        c.support.secret_key = Secret::new(secret_key);
        c.tracking.base_url = base;
        c.access.token_key = Some(Secret::generate());
        c.store.path = Some(temp_store_path());
        c
    }

    /// True when upstream credentials are configured.
    pub fn has_credentials(&self) -> bool {
        !self.support.public_key.is_empty() && !self.support.secret_key.is_empty()
    }

    /// Loads defaults < `file` < environment (`vars`, usually
    /// `std::env::vars()`), checked.
    pub fn load(file: Option<&Path>, vars: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        Config::load_with(file, vars, Flags::default())
    }

    /// Loads defaults < `file` < environment < command-line `flags`, and
    /// checks the result once.
    pub fn load_with(
        file: Option<&Path>,
        vars: impl IntoIterator<Item = (String, String)>,
        flags: Flags,
    ) -> Result<Config, ConfigError> {
        let mut origins = raw::Origins::new();
        let mut merged = raw::RawConfig::default();
        if let Some(path) = file {
            let origin = format!("config file {}", path.display());
            merged.merge(raw::from_file(path, &origin)?, &|_| origin.clone(), &mut origins);
        }
        let vars: HashMap<String, String> = vars.into_iter().collect();
        merged.merge(raw::from_env(&vars)?, &|key| format!("environment variable {}", env_var_name(key)), &mut origins);
        let cli = raw::RawConfig {
            listen: flags.listen.map(|a| raw::Text(a.to_string())),
            sandbox: flags.sandbox.then_some(raw::Flag(true)),
            static_dir: flags.static_dir.map(|d| raw::Text(d.to_string_lossy().into_owned())),
            sandbox_faults: flags.sandbox_faults.map(raw::Number),
            ..raw::RawConfig::default()
        };
        merged.merge(cli, &|_| "command line".into(), &mut origins);
        validate::resolve(merged, &origins)
    }

    /// Points the configuration at a started sandbox at `url` (its Support
    /// API at the root, JTL-SCX under `/jtl`, OAuth2 at `/oauth2/token/`)
    /// with its credentials, and fills what sandbox mode generates: an
    /// access-token key and a fresh store file, unless configured.
    pub fn use_sandbox(
        &mut self,
        url: &str,
        public_key: String,
        secret_key: Secret,
        jtl_seller_id: &str,
    ) -> Result<(), BaseUrlError> {
        let base = BaseUrl::parse(url)?;
        self.jtl.base_url = base.with_suffix("/jtl")?;
        self.jtl.refresh_token = secret_key.clone();
        self.jtl.seller_id = jtl_seller_id.into();
        self.support.token_url = base.with_suffix("/oauth2/token/")?;
        self.support.base_url = base.clone();
        self.support.public_key = public_key;
        self.support.secret_key = secret_key.clone();
        if self.orders.url.is_none() {
            // The sandbox's demo orders, with the sandbox's secret.
            self.orders.url = Some(base.with_suffix("/orders")?);
            self.orders.secret = secret_key.clone();
        }
        self.tracking.base_url = base;
        if self.claims.parcel_kind.is_none() {
            // The demo parcels customers claim are own-contract parcels.
            self.claims.parcel_kind = Some(parcel_desk_wire::ParcelKind::OwnContract);
        }
        if self.access.token_key.is_none() {
            self.access.token_key = Some(Secret::generate());
        }
        if self.store.path.is_none() && self.store.url.is_none() {
            // The simulator starts empty on every run: so does the store.
            self.store.path = Some(temp_store_path());
        }
        Ok(())
    }
}

/// A configuration problem, naming the key and where its value came from.
/// Never contains configured values.
#[derive(Debug)]
pub struct ConfigError {
    pub key: Option<String>,
    /// `config file …`, `environment variable …`, `command line` or `not set`.
    pub origin: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(key) => write!(f, "invalid configuration key `{key}` ({}): {}", self.origin, self.message),
            None => write!(f, "invalid configuration ({}): {}", self.origin, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests;
