//! Configuration: defaults < TOML file (`--config`) < `PARCEL_DESK_*`
//! environment variables < command-line flags.
//!
//! Every setting has one dotted key (`support.base_url`); its environment
//! variable is `PARCEL_DESK_` + the key upper-cased with `.` → `_`
//! (`PARCEL_DESK_SUPPORT_BASE_URL`). See [`KEYS`] and `proxy/README.md`.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use parcel_desk_wire::secret::Secret;

/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// Default Support API base URL (production).
pub const DEFAULT_SUPPORT_BASE_URL: &str = "https://panel.sendcloud.sc/api/v3";
/// Upstream's file cap (6 MB; `wire::upload::MAX_UPLOAD_BYTES`).
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
    ("upstream.reads_per_minute", "ticket reads per window for the whole account"),
    ("upstream.window_secs", "length of the account's limit window in seconds"),
    ("upstream.read_cache_secs", "how long a ticket read answers status reads"),
    ("upstream.reconcile_after_secs", "wait after an attempt that may have arrived before looking for its ticket"),
    ("upstream.retry_base_ms", "first retry delay after an upstream failure (doubles each time)"),
    ("store.url", "where the proxy's state lives: sqlite:///path/file.sqlite3 or postgres://user@host:port/db"),
    ("store.path", "SQLite file for the proxy's state (the same as a sqlite:// store.url)"),
    ("store.idempotency_hours", "how long create answers are kept for Idempotency-Key replays"),
    ("access.token_key", "key that signs per-ticket access tokens"),
    ("access.token_days", "validity of an access token in days"),
    ("tracking.base_url", "Parcel Tracking API base URL"),
    ("claims.lost_after_days", "days without a tracking event before a lost claim is possible"),
    ("staff.token", "bearer token of the staff routes (unset: no staff routes)"),
    ("jtl.base_url", "JTL-SCX Channel API base URL"),
    ("jtl.refresh_token", "JTL-SCX API refresh token"),
    ("jtl.seller_id", "JTL-SCX seller id that channel tickets go to"),
    ("jtl.poll_secs", "seconds between polls for seller replies"),
    ("jtl.timeout_secs", "JTL-SCX request timeout in seconds"),
];

/// The environment variable of a key: `support.base_url` →
/// `PARCEL_DESK_SUPPORT_BASE_URL`.
/// Checks an upstream base URL setting: absolute http(s), with a host, and
/// without credentials, query or fragment. `Err((key, message))`.
pub fn check_base_url(key: &'static str, value: &str) -> Result<(), (&'static str, String)> {
    let url = reqwest::Url::parse(value).map_err(|_| (key, "must be an absolute http(s) URL".to_owned()))?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err((key, "must be an absolute http(s) URL without credentials, query or fragment".into()));
    }
    Ok(())
}

pub fn env_var_name(key: &str) -> String {
    format!("PARCEL_DESK_{}", key.to_ascii_uppercase().replace('.', "_"))
}

/// A fresh file name in the temporary directory for a throwaway store.
pub fn temp_store_path() -> PathBuf {
    std::env::temp_dir().join(format!("parcel-desk-proxy-{}.sqlite3", uuid::Uuid::new_v4().simple()))
}

impl StoreConfig {
    /// Where the state lives: `store.url`, else the SQLite file `store.path`
    /// (default [`DEFAULT_STORE_PATH`]). `store.url` is checked by
    /// validation; an unreadable one here falls back to the default file.
    pub fn location(&self) -> crate::store::Location {
        match self.url.as_deref().map(crate::store::Location::parse) {
            Some(Ok(at)) => at,
            _ => crate::store::Location::Sqlite(self.path.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_STORE_PATH))),
        }
    }
}

/// Upstream Support API settings.
#[derive(Clone, Debug)]
pub struct SupportConfig {
    /// Base URL that upstream paths (`/dsf/...`) are appended to.
    pub base_url: String,
    pub public_key: String,
    pub secret_key: Secret,
    /// Whole-request timeout for one upstream call.
    pub timeout: Duration,
    /// HTTP Basic with the key pair, or OAuth2 client credentials.
    pub auth: AuthMode,
    /// The OAuth2 token endpoint (`support.auth = "oauth2"`).
    pub token_url: String,
}

/// How the proxy authenticates to the Sendcloud APIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    Basic,
    /// Client credentials (the key pair as client id and secret), scope `api`.
    OAuth2,
}

/// Sendcloud's OAuth2 token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://account.sendcloud.com/oauth2/token/";

/// Size and rate limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Max claim body (`POST .../dsf/tickets/lost`), bytes.
    pub json_body_bytes: u64,
    /// Max upload request body (`POST .../dsf/files`), bytes, multipart
    /// overhead included.
    pub upload_bytes: u64,
    /// Ticket creations per client per rolling minute (0 = unlimited).
    pub create_per_minute: u32,
    /// Other allowlisted requests per client per rolling minute (0 = unlimited).
    pub other_per_minute: u32,
    /// Ticket reads by order number per client per rolling minute (0 = unlimited).
    pub lookup_per_minute: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            json_body_bytes: 64 * 1024,
            upload_bytes: MAX_FILE_BYTES + MULTIPART_OVERHEAD_BYTES,
            create_per_minute: 10,
            other_per_minute: 60,
            lookup_per_minute: 10,
        }
    }
}

/// Default file of the proxy's SQLite store (relative to the working directory).
pub const DEFAULT_STORE_PATH: &str = "parcel-desk-proxy.sqlite3";
/// Default Parcel Tracking API base URL (production).
pub const DEFAULT_TRACKING_BASE_URL: &str = "https://panel.sendcloud.sc/api/v3";
/// Shortest accepted `access.token_key`.
pub const MIN_TOKEN_KEY_CHARS: usize = 32;

/// The proxy's own state (idempotency answers, created tickets).
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// `sqlite:///path` or `postgres://user@host:port/db` (validated);
    /// `None`: the SQLite file [`StoreConfig::path`].
    pub url: Option<String>,
    /// SQLite file; `None` = [`DEFAULT_STORE_PATH`], or a fresh temporary
    /// file in sandbox mode. `:memory:` keeps it in memory.
    pub path: Option<PathBuf>,
    /// How long create answers are kept for `Idempotency-Key` replays.
    pub idempotency_hours: u64,
}

/// The Sendcloud account's upstream budget and the filing worker's timing
/// (`upstream.*`).
#[derive(Clone, Debug)]
pub struct UpstreamConfig {
    /// Ticket creations per window, counted across every proxy on the
    /// store (Sendcloud allows 15 a minute).
    pub creates_per_minute: u32,
    /// Ticket and list reads per window (Sendcloud allows 30 a minute).
    pub reads_per_minute: u32,
    /// The limit window (60 s at Sendcloud; shorter only against the
    /// sandbox, whose own limits then use the same window).
    pub window: Duration,
    /// A ticket read answers status reads this long before it is read again.
    pub read_cache: Duration,
    /// After an attempt that may have reached upstream, the worker waits
    /// this long for the ticket to show in upstream's list before it looks.
    pub reconcile_after: Duration,
    /// First retry delay after a failure; doubled per attempt (at most
    /// 5 minutes), with jitter.
    pub retry_base: Duration,
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        UpstreamConfig {
            creates_per_minute: 15,
            reads_per_minute: 30,
            window: Duration::from_secs(60),
            read_cache: Duration::from_secs(30),
            reconcile_after: Duration::from_secs(10),
            retry_base: Duration::from_secs(1),
        }
    }
}

/// Per-ticket access tokens.
#[derive(Clone, Debug)]
pub struct AccessConfig {
    /// HMAC-SHA256 key (at least 32 characters); required unless sandbox
    /// mode, which generates one per run when it is empty.
    pub token_key: Secret,
    pub token_days: u64,
}

/// Parcel Tracking API (same credentials as `support`).
#[derive(Clone, Debug)]
pub struct TrackingConfig {
    pub base_url: String,
}

/// Claim eligibility rules shown with tracking answers.
#[derive(Clone, Debug)]
pub struct ClaimsConfig {
    /// A lost claim is possible once the last tracking event is this old.
    pub lost_after_days: u64,
}

/// Staff-only routes (`POST /parcels/tracking`).
#[derive(Clone, Debug, Default)]
pub struct StaffConfig {
    /// Bearer token; empty disables the staff routes (404).
    pub token: Secret,
}

/// The proxy's whole configuration. `Debug` redacts the secret key.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    /// Path prefix of the widget API, e.g. `/api` (starts with `/`, no
    /// trailing `/`).
    pub api_prefix: String,
    pub static_dir: Option<PathBuf>,
    /// Run the embedded sandbox and point `support` at it.
    pub sandbox: bool,
    /// Exact origins (`https://shop.example`) that get CORS headers; empty
    /// means same-origin only (no CORS headers at all).
    pub allowed_origins: Vec<String>,
    /// Take the client address for rate limiting from the last
    /// `X-Forwarded-For` entry (only behind a trusted reverse proxy).
    pub trust_forwarded_for: bool,
    pub support: SupportConfig,
    pub limits: Limits,
    pub store: StoreConfig,
    pub access: AccessConfig,
    pub tracking: TrackingConfig,
    pub claims: ClaimsConfig,
    pub staff: StaffConfig,
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
            api_prefix: "/api".into(),
            static_dir: None,
            sandbox: false,
            allowed_origins: Vec::new(),
            trust_forwarded_for: false,
            support: SupportConfig {
                base_url: DEFAULT_SUPPORT_BASE_URL.into(),
                public_key: String::new(),
                secret_key: Secret::default(),
                timeout: Duration::from_secs(15),
                auth: AuthMode::Basic,
                token_url: DEFAULT_TOKEN_URL.into(),
            },
            limits: Limits::default(),
            store: StoreConfig { url: None, path: None, idempotency_hours: 24 },
            access: AccessConfig { token_key: Secret::default(), token_days: 180 },
            tracking: TrackingConfig { base_url: DEFAULT_TRACKING_BASE_URL.into() },
            claims: ClaimsConfig { lost_after_days: 5 },
            staff: StaffConfig::default(),
            jtl: JtlConfig::default(),
            upstream: UpstreamConfig::default(),
            sandbox_faults: 0.0,
        }
    }
}

impl Config {
    /// Defaults pointed at an upstream with the given credentials, listening
    /// on an ephemeral loopback port (handy for tests and embedding).
    pub fn for_upstream(base_url: &str, public_key: &str, secret_key: &str) -> Self {
        let mut c = Config { listen: "127.0.0.1:0".parse().expect("valid"), ..Config::default() };
        c.support.base_url = base_url.into();
        c.support.public_key = public_key.into();
        c.support.secret_key = Secret::new(secret_key);
        c.tracking.base_url = base_url.into();
        c.access.token_key = Secret::generate();
        c.store.path = Some(temp_store_path());
        c
    }

    /// True when upstream credentials are configured.
    pub fn has_credentials(&self) -> bool {
        !self.support.public_key.is_empty() && !self.support.secret_key.is_empty()
    }

    /// Loads defaults < `file` < environment (`vars`, usually
    /// `std::env::vars()`). Command-line flags are applied by the caller.
    pub fn load(file: Option<&Path>, vars: impl IntoIterator<Item = (String, String)>) -> Result<Config, ConfigError> {
        let mut raw: HashMap<&'static str, (Raw, String)> = HashMap::new();
        if let Some(path) = file {
            let origin = format!("config file {}", path.display());
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
                key: None,
                origin: origin.clone(),
                message: format!("cannot read: {e}"),
            })?;
            let table: toml::Table = toml::from_str(&text).map_err(|e| ConfigError {
                key: None,
                origin: origin.clone(),
                message: format!("not valid TOML: {}", e.message()),
            })?;
            flatten(&table, "", &origin, &mut raw)?;
        }
        let vars: HashMap<String, String> = vars.into_iter().collect();
        for (key, _) in KEYS {
            let name = env_var_name(key);
            if let Some(v) = vars.get(&name) {
                raw.insert(key, (Raw::Env(v.clone()), format!("environment variable {name}")));
            }
        }
        let mut c = Config::default();
        let r = Reader { raw };
        if let Some(v) = r.string("listen")? {
            c.listen = r.parse_addr("listen", &v)?;
        }
        if let Some(v) = r.string("api_prefix")? {
            c.api_prefix = v;
        }
        if let Some(v) = r.string("static_dir")? {
            c.static_dir = (!v.is_empty()).then(|| PathBuf::from(v));
        }
        if let Some(v) = r.bool("sandbox")? {
            c.sandbox = v;
        }
        if let Some(v) = r.list("allowed_origins")? {
            c.allowed_origins = v;
        }
        if let Some(v) = r.bool("trust_forwarded_for")? {
            c.trust_forwarded_for = v;
        }
        if let Some(v) = r.string("support.base_url")? {
            c.support.base_url = v;
        }
        if let Some(v) = r.string("support.public_key")? {
            c.support.public_key = v;
        }
        if let Some(v) = r.string("support.secret_key")? {
            c.support.secret_key = Secret::new(v);
        }
        if let Some(v) = r.uint("support.timeout_secs")? {
            if v == 0 {
                return Err(r.err("support.timeout_secs", "must be at least 1"));
            }
            c.support.timeout = Duration::from_secs(v);
        }
        if let Some(v) = r.string("support.auth")? {
            c.support.auth = match v.trim().to_ascii_lowercase().as_str() {
                "basic" => AuthMode::Basic,
                "oauth2" => AuthMode::OAuth2,
                _ => return Err(r.err("support.auth", "expected basic or oauth2")),
            };
        }
        if let Some(v) = r.string("support.token_url")? {
            c.support.token_url = v;
        }
        if let Some(v) = r.uint("limits.json_body_bytes")? {
            c.limits.json_body_bytes = v;
        }
        if let Some(v) = r.uint("limits.upload_bytes")? {
            c.limits.upload_bytes = v;
        }
        if let Some(v) = r.uint("limits.create_per_minute")? {
            c.limits.create_per_minute = r.u32("limits.create_per_minute", v)?;
        }
        if let Some(v) = r.uint("limits.other_per_minute")? {
            c.limits.other_per_minute = r.u32("limits.other_per_minute", v)?;
        }
        if let Some(v) = r.uint("limits.lookup_per_minute")? {
            c.limits.lookup_per_minute = r.u32("limits.lookup_per_minute", v)?;
        }
        if let Some(v) = r.number("sandbox_faults")? {
            c.sandbox_faults = v;
        }
        if let Some(v) = r.uint("upstream.creates_per_minute")? {
            c.upstream.creates_per_minute = r.u32("upstream.creates_per_minute", v)?;
        }
        if let Some(v) = r.uint("upstream.reads_per_minute")? {
            c.upstream.reads_per_minute = r.u32("upstream.reads_per_minute", v)?;
        }
        if let Some(v) = r.uint("upstream.window_secs")? {
            c.upstream.window = Duration::from_secs(v);
        }
        if let Some(v) = r.uint("upstream.read_cache_secs")? {
            c.upstream.read_cache = Duration::from_secs(v);
        }
        if let Some(v) = r.uint("upstream.reconcile_after_secs")? {
            c.upstream.reconcile_after = Duration::from_secs(v);
        }
        if let Some(v) = r.uint("upstream.retry_base_ms")? {
            c.upstream.retry_base = Duration::from_millis(v);
        }
        if let Some(v) = r.string("store.url")? {
            c.store.url = (!v.is_empty()).then_some(v);
        }
        if let Some(v) = r.string("store.path")? {
            c.store.path = (!v.is_empty()).then(|| PathBuf::from(v));
        }
        if let Some(v) = r.uint("store.idempotency_hours")? {
            c.store.idempotency_hours = v;
        }
        if let Some(v) = r.string("access.token_key")? {
            c.access.token_key = Secret::new(v);
        }
        if let Some(v) = r.uint("access.token_days")? {
            c.access.token_days = v;
        }
        if let Some(v) = r.string("tracking.base_url")? {
            c.tracking.base_url = v;
        }
        if let Some(v) = r.uint("claims.lost_after_days")? {
            c.claims.lost_after_days = v;
        }
        if let Some(v) = r.string("staff.token")? {
            c.staff.token = Secret::new(v);
        }
        if let Some(v) = r.string("jtl.base_url")? {
            c.jtl.base_url = v;
        }
        if let Some(v) = r.string("jtl.refresh_token")? {
            c.jtl.refresh_token = Secret::new(v);
        }
        if let Some(v) = r.string("jtl.seller_id")? {
            c.jtl.seller_id = v.trim().to_owned();
        }
        if let Some(v) = r.uint("jtl.poll_secs")? {
            c.jtl.poll_secs = Some(v);
        }
        if let Some(v) = r.uint("jtl.timeout_secs")? {
            c.jtl.timeout_secs = v;
        }
        c.validate().map_err(|(key, message)| match r.raw.get(key) {
            Some((_, origin)) => ConfigError { key: Some(key.into()), origin: origin.clone(), message },
            None => ConfigError { key: Some(key.into()), origin: "command line".into(), message },
        })?;
        Ok(c)
    }

    /// Checks cross-field and format rules; `Err((key, message))`.
    /// Call again after applying command-line flags.
    pub fn validate(&mut self) -> Result<(), (&'static str, String)> {
        let p = &self.api_prefix;
        let prefix_ok = p.starts_with('/')
            && p.len() > 1
            && !p.ends_with('/')
            && p.split('/').skip(1).all(|s| {
                !s.is_empty()
                    && s != "."
                    && s != ".."
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
            });
        if !prefix_ok {
            return Err((
                "api_prefix",
                "must look like /api or /parcel-desk/api (no trailing slash, no dot segments, no special characters)"
                    .into(),
            ));
        }
        for o in &mut self.allowed_origins {
            *o = o.trim().trim_end_matches('/').to_owned();
        }
        self.allowed_origins.retain(|o| !o.is_empty());
        for o in &self.allowed_origins {
            let rest = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://"));
            if !rest.is_some_and(|r| !r.is_empty() && !r.contains('/') && !r.contains('*')) {
                return Err(("allowed_origins", "each entry must be an origin like https://shop.example (scheme and host, optional port, no path, no wildcard)".into()));
            }
        }
        let url = reqwest::Url::parse(&self.support.base_url)
            .map_err(|_| ("support.base_url", "must be an absolute http(s) URL".to_owned()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(("support.base_url", "must be an absolute http(s) URL".into()));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err((
                "support.base_url",
                "must not contain credentials; use support.public_key and support.secret_key".into(),
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(("support.base_url", "must not have a query or fragment".into()));
        }
        check_base_url("tracking.base_url", &self.tracking.base_url)?;
        if self.support.auth == AuthMode::OAuth2 {
            check_base_url("support.token_url", &self.support.token_url)?;
        }
        if let Some(url) = &self.store.url {
            if self.store.path.is_some() {
                return Err(("store.url", "set either store.url or store.path, not both".into()));
            }
            crate::store::Location::parse(url).map_err(|e| ("store.url", e))?;
        }
        if self.store.idempotency_hours == 0 {
            return Err(("store.idempotency_hours", "must be at least 1".into()));
        }
        if self.access.token_days == 0 || self.access.token_days > 3650 {
            return Err(("access.token_days", "must be between 1 and 3650".into()));
        }
        if !self.access.token_key.is_empty() && self.access.token_key.expose().chars().count() < MIN_TOKEN_KEY_CHARS {
            return Err((
                "access.token_key",
                format!("must be at least {MIN_TOKEN_KEY_CHARS} characters (e.g. `openssl rand -hex 32`)"),
            ));
        }
        if !self.staff.token.is_empty() && self.staff.token.expose().chars().count() < 16 {
            return Err(("staff.token", "must be at least 16 characters".into()));
        }
        self.jtl.validate()?;
        if !(0.0..=1.0).contains(&self.sandbox_faults) {
            return Err(("sandbox_faults", "must be a number from 0 to 1".into()));
        }
        if self.sandbox_faults > 0.0 && !self.sandbox {
            return Err(("sandbox_faults", "only works with the sandbox (--sandbox)".into()));
        }
        if self.upstream.creates_per_minute == 0 {
            return Err(("upstream.creates_per_minute", "must be at least 1".into()));
        }
        if self.upstream.reads_per_minute == 0 {
            return Err(("upstream.reads_per_minute", "must be at least 1".into()));
        }
        if self.upstream.window.is_zero() {
            return Err(("upstream.window_secs", "must be at least 1".into()));
        }
        if self.upstream.retry_base.is_zero() || self.upstream.retry_base > Duration::from_secs(300) {
            return Err(("upstream.retry_base_ms", "must be between 1 and 300000".into()));
        }
        if self.limits.json_body_bytes == 0 {
            return Err(("limits.json_body_bytes", "must be greater than 0".into()));
        }
        if self.limits.upload_bytes == 0 {
            return Err(("limits.upload_bytes", "must be greater than 0".into()));
        }
        Ok(())
    }
}

/// A configuration problem, naming the key and where its value came from.
/// Never contains configured values.
#[derive(Debug)]
pub struct ConfigError {
    pub key: Option<String>,
    /// `config file …`, `environment variable …` or `command line`.
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

enum Raw {
    Toml(toml::Value),
    Env(String),
}

fn flatten(
    table: &toml::Table,
    prefix: &str,
    origin: &str,
    out: &mut HashMap<&'static str, (Raw, String)>,
) -> Result<(), ConfigError> {
    for (k, v) in table {
        let full = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t)
                if prefix.is_empty()
                    && matches!(
                        k.as_str(),
                        "support"
                            | "limits"
                            | "store"
                            | "access"
                            | "tracking"
                            | "claims"
                            | "staff"
                            | "jtl"
                            | "upstream"
                    ) =>
            {
                flatten(t, &full, origin, out)?;
            }
            _ => {
                let Some((key, _)) = KEYS.iter().find(|(key, _)| *key == full) else {
                    return Err(ConfigError {
                        key: Some(full),
                        origin: origin.into(),
                        message: "unknown key (see proxy/README.md for the list)".into(),
                    });
                };
                out.insert(key, (Raw::Toml(v.clone()), origin.into()));
            }
        }
    }
    Ok(())
}

struct Reader {
    raw: HashMap<&'static str, (Raw, String)>,
}

impl Reader {
    fn err(&self, key: &str, message: &str) -> ConfigError {
        let origin = self.raw.get(key).map(|(_, o)| o.clone()).unwrap_or_else(|| "default".into());
        ConfigError { key: Some(key.into()), origin, message: message.into() }
    }

    fn string(&self, key: &'static str) -> Result<Option<String>, ConfigError> {
        match self.raw.get(key) {
            None => Ok(None),
            Some((Raw::Env(s), _)) => Ok(Some(s.clone())),
            Some((Raw::Toml(toml::Value::String(s)), _)) => Ok(Some(s.clone())),
            Some(_) => Err(self.err(key, "expected a string")),
        }
    }

    fn bool(&self, key: &'static str) -> Result<Option<bool>, ConfigError> {
        match self.raw.get(key) {
            None => Ok(None),
            Some((Raw::Toml(toml::Value::Boolean(b)), _)) => Ok(Some(*b)),
            Some((Raw::Env(s), _)) => match s.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" | "on" => Ok(Some(true)),
                "0" | "false" | "no" | "off" | "" => Ok(Some(false)),
                _ => Err(self.err(key, "expected true or false")),
            },
            Some(_) => Err(self.err(key, "expected true or false")),
        }
    }

    fn uint(&self, key: &'static str) -> Result<Option<u64>, ConfigError> {
        match self.raw.get(key) {
            None => Ok(None),
            Some((Raw::Toml(toml::Value::Integer(i)), _)) if *i >= 0 => Ok(Some(*i as u64)),
            Some((Raw::Env(s), _)) => {
                s.trim().parse().map(Some).map_err(|_| self.err(key, "expected a non-negative integer"))
            }
            Some(_) => Err(self.err(key, "expected a non-negative integer")),
        }
    }

    fn number(&self, key: &'static str) -> Result<Option<f64>, ConfigError> {
        match self.raw.get(key) {
            None => Ok(None),
            Some((Raw::Toml(toml::Value::Float(f)), _)) => Ok(Some(*f)),
            Some((Raw::Toml(toml::Value::Integer(i)), _)) => Ok(Some(*i as f64)),
            Some((Raw::Env(s), _)) => s.trim().parse().map(Some).map_err(|_| self.err(key, "expected a number")),
            Some(_) => Err(self.err(key, "expected a number")),
        }
    }

    fn u32(&self, key: &'static str, v: u64) -> Result<u32, ConfigError> {
        u32::try_from(v).map_err(|_| self.err(key, "too large"))
    }

    fn list(&self, key: &'static str) -> Result<Option<Vec<String>>, ConfigError> {
        match self.raw.get(key) {
            None => Ok(None),
            Some((Raw::Env(s), _)) => Ok(Some(s.split(',').map(|p| p.trim().to_owned()).collect())),
            Some((Raw::Toml(toml::Value::Array(items)), _)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| self.err(key, "expected a list of strings")),
            Some(_) => Err(self.err(key, "expected a list of strings")),
        }
    }

    fn parse_addr(&self, key: &'static str, v: &str) -> Result<SocketAddr, ConfigError> {
        v.trim().parse().map_err(|_| self.err(key, "expected an address like 127.0.0.1:8080"))
    }
}

/// Default `jtl.base_url` (production).
pub const JTL_DEFAULT_BASE_URL: &str = "https://scx.api.jtl-software.com";
/// `jtl.*` settings.
#[derive(Clone, Debug)]
pub struct JtlConfig {
    pub base_url: String,
    pub refresh_token: Secret,
    pub seller_id: String,
    /// `None`: 30 s (2 s in sandbox mode).
    pub poll_secs: Option<u64>,
    pub timeout_secs: u64,
    /// Not configuration keys (tests tune them): requests per minute on
    /// `/v1/channel*` (JTL allows 60), the longest a browser request waits
    /// for a slot, upload attempts per attachment and the first backoff.
    pub requests_per_minute: u32,
    pub max_wait: Duration,
    pub upload_attempts: u32,
    pub retry_backoff: Duration,
}

impl Default for JtlConfig {
    fn default() -> Self {
        JtlConfig {
            base_url: JTL_DEFAULT_BASE_URL.into(),
            refresh_token: Secret::default(),
            seller_id: String::new(),
            poll_secs: None,
            timeout_secs: 15,
            requests_per_minute: 50,
            max_wait: Duration::from_secs(10),
            upload_attempts: 3,
            retry_backoff: Duration::from_millis(500),
        }
    }
}

impl JtlConfig {
    /// True when the JTL routes are on (refresh token and seller id set).
    pub fn enabled(&self) -> bool {
        !self.refresh_token.is_empty() && !self.seller_id.is_empty()
    }

    /// `Err((key, message))`.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        check_base_url("jtl.base_url", &self.base_url)?;
        if !self.seller_id.is_empty() && !parcel_desk_wire::jtl::is_valid_seller_id(&self.seller_id) {
            return Err(("jtl.seller_id", "must be 1–50 letters, digits or _ (JTL's ^\\w{1,50}$)".into()));
        }
        if self.refresh_token.is_empty() != self.seller_id.is_empty() {
            let missing = if self.seller_id.is_empty() { "jtl.seller_id" } else { "jtl.refresh_token" };
            return Err((missing, "jtl.refresh_token and jtl.seller_id are needed together".into()));
        }
        if self.poll_secs == Some(0) {
            return Err(("jtl.poll_secs", "must be at least 1".into()));
        }
        if self.timeout_secs == 0 {
            return Err(("jtl.timeout_secs", "must be at least 1".into()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("pd-config-{}.toml", uuid::Uuid::new_v4()));
        std::fs::write(&p, text).unwrap();
        p
    }

    #[test]
    fn file_then_env_precedence() {
        let p = write(
            "listen = \"0.0.0.0:9000\"\nallowed_origins = [\"https://shop.example/\"]\n[support]\npublic_key = \"pk\"\nsecret_key = \"sk-file\"\n[limits]\ncreate_per_minute = 3\n",
        );
        let env = vec![
            ("PARCEL_DESK_SUPPORT_SECRET_KEY".to_owned(), "sk-env".to_owned()),
            ("PARCEL_DESK_LIMITS_OTHER_PER_MINUTE".to_owned(), "7".to_owned()),
            ("PARCEL_DESK_SANDBOX".to_owned(), "true".to_owned()),
        ];
        let c = Config::load(Some(&p), env).unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.allowed_origins, ["https://shop.example"]);
        assert_eq!(c.support.public_key, "pk");
        assert_eq!(c.support.secret_key.expose(), "sk-env");
        assert_eq!(c.limits.create_per_minute, 3);
        assert_eq!(c.limits.other_per_minute, 7);
        assert!(c.sandbox);
        let dbg = format!("{c:?}");
        assert!(!dbg.contains("sk-env") && dbg.contains("redacted"), "{dbg}");
    }

    #[test]
    fn errors_name_the_key() {
        let p = write("[limits]\ncreate_per_minute = \"ten\"\n");
        let e = Config::load(Some(&p), Vec::new()).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("limits.create_per_minute"));
        assert!(e.to_string().contains("limits.create_per_minute"));
        let p = write("colour = 1\n");
        assert_eq!(Config::load(Some(&p), Vec::new()).unwrap_err().key.as_deref(), Some("colour"));
        let env = vec![("PARCEL_DESK_API_PREFIX".to_owned(), "api/".to_owned())];
        let e = Config::load(None, env).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("api_prefix"));
        assert!(e.origin.contains("PARCEL_DESK_API_PREFIX"));
        let env = vec![("PARCEL_DESK_SUPPORT_BASE_URL".to_owned(), "https://u:p@x.example".to_owned())];
        assert_eq!(Config::load(None, env).unwrap_err().key.as_deref(), Some("support.base_url"));
    }

    #[test]
    fn env_names() {
        assert_eq!(env_var_name("support.base_url"), "PARCEL_DESK_SUPPORT_BASE_URL");
        assert_eq!(env_var_name("limits.upload_bytes"), "PARCEL_DESK_LIMITS_UPLOAD_BYTES");
    }
}
