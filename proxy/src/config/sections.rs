//! The typed sections of [`super::Config`], with their defaults.

use std::fmt;
use std::num::{NonZeroU32, NonZeroU64};
use std::path::PathBuf;
use std::time::Duration;

use super::types::BaseUrl;
use super::{Secret, MAX_FILE_BYTES, MULTIPART_OVERHEAD_BYTES};
use crate::store::Location;

/// Default Support API base URL (production).
pub const DEFAULT_SUPPORT_BASE_URL: &str = "https://panel.sendcloud.sc/api/v3";
/// Sendcloud's OAuth2 token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://account.sendcloud.com/oauth2/token/";
/// Default file of the proxy's SQLite store (relative to the working directory).
pub const DEFAULT_STORE_PATH: &str = "parcel-desk-proxy.sqlite3";
/// Default Parcel Tracking API base URL (production).
pub const DEFAULT_TRACKING_BASE_URL: &str = "https://panel.sendcloud.sc/api/v3";
/// Default `jtl.base_url` (production).
pub const JTL_DEFAULT_BASE_URL: &str = "https://scx.api.jtl-software.com";

/// A default URL constant as a [`BaseUrl`].
pub(super) fn default_url(text: &str) -> BaseUrl {
    BaseUrl::parse(text).expect("the default URLs are valid")
}

/// Upstream Support API settings.
#[derive(Clone, Debug)]
pub struct SupportConfig {
    /// Base URL that upstream paths (`/dsf/...`) are appended to.
    pub base_url: BaseUrl,
    pub public_key: String,
    pub secret_key: Secret,
    /// Whole-request timeout for one upstream call (at least a second).
    pub timeout: Duration,
    /// HTTP Basic with the key pair, or OAuth2 client credentials.
    pub auth: AuthMode,
    /// The OAuth2 token endpoint (`support.auth = "oauth2"`).
    pub token_url: BaseUrl,
}

impl Default for SupportConfig {
    fn default() -> Self {
        SupportConfig {
            base_url: default_url(DEFAULT_SUPPORT_BASE_URL),
            public_key: String::new(),
            secret_key: Secret::default(),
            timeout: Duration::from_secs(15),
            auth: AuthMode::Basic,
            token_url: default_url(DEFAULT_TOKEN_URL),
        }
    }
}

/// How the proxy authenticates to the Sendcloud APIs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    Basic,
    /// Client credentials (the key pair as client id and secret), scope `api`.
    OAuth2,
}

/// Size and rate limits.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Max claim body (`POST .../dsf/tickets/lost`), bytes.
    pub json_body_bytes: NonZeroU64,
    /// Max upload request body (`POST .../dsf/files`), bytes, multipart
    /// overhead included.
    pub upload_bytes: NonZeroU64,
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
            json_body_bytes: NonZeroU64::new(64 * 1024).expect("non-zero"),
            upload_bytes: NonZeroU64::new(MAX_FILE_BYTES + MULTIPART_OVERHEAD_BYTES).expect("non-zero"),
            create_per_minute: 10,
            other_per_minute: 60,
            lookup_per_minute: 10,
        }
    }
}

/// The proxy's own state (idempotency answers, created tickets).
/// `Debug` shows a PostgreSQL URL without its password.
#[derive(Clone)]
pub struct StoreConfig {
    /// `store.url`; `None`: the SQLite file [`StoreConfig::path`]. Loading
    /// refuses both at once; set in code, `url` wins.
    pub url: Option<Location>,
    /// SQLite file; `None` = [`DEFAULT_STORE_PATH`], or a fresh temporary
    /// file in sandbox mode. `:memory:` keeps it in memory.
    pub path: Option<PathBuf>,
    /// How long create answers are kept for `Idempotency-Key` replays.
    pub idempotency_hours: NonZeroU64,
    /// How long the bytes of uploaded files are kept for the staff inbox
    /// (the customer's photos, staff's invoices), in days; older ones are
    /// deleted (hourly), and the inbox says "not available" for them.
    pub keep_files_days: NonZeroU64,
}

impl StoreConfig {
    /// Where the state lives: `store.url`, else the SQLite file `store.path`
    /// (default [`DEFAULT_STORE_PATH`]).
    pub fn location(&self) -> Location {
        match &self.url {
            Some(at) => at.clone(),
            None => Location::Sqlite(self.path.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_STORE_PATH))),
        }
    }
    /// The key that says where the state lives (for error messages).
    pub fn key(&self) -> &'static str {
        if self.url.is_some() {
            "store.url"
        } else {
            "store.path"
        }
    }
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            url: None,
            path: None,
            idempotency_hours: NonZeroU64::new(24).expect("non-zero"),
            keep_files_days: NonZeroU64::new(180).expect("non-zero"),
        }
    }
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreConfig")
            .field("url", &self.url.as_ref().map(Location::redacted))
            .field("path", &self.path)
            .field("idempotency_hours", &self.idempotency_hours)
            .field("keep_files_days", &self.keep_files_days)
            .finish()
    }
}

/// The Sendcloud account's upstream budget and the filing worker's timing
/// (`upstream.*`).
#[derive(Clone, Debug)]
pub struct UpstreamConfig {
    /// Ticket creations per window, counted across every proxy on the
    /// store (Sendcloud allows 15 a minute).
    pub creates_per_minute: NonZeroU32,
    /// Ticket and list reads per window (Sendcloud allows 30 a minute).
    pub reads_per_minute: NonZeroU32,
    /// The limit window (60 s at Sendcloud; shorter only against the
    /// sandbox, whose own limits then use the same window). At least 1 s.
    pub window: Duration,
    /// A ticket read answers status reads this long before it is read again.
    pub read_cache: Duration,
    /// After an attempt that may have reached upstream, the worker waits
    /// this long for the ticket to show in upstream's list before it looks.
    pub reconcile_after: Duration,
    /// First retry delay after a failure; doubled per attempt (at most
    /// 5 minutes), with jitter. 1 ms to 5 minutes.
    pub retry_base: Duration,
    /// How often the ticket watcher reads one filed customer's claim's
    /// ticket (for the mails "the carrier needs something from you" and
    /// "resolved"); `None`: never.
    pub watch: Option<Duration>,
}

impl Default for UpstreamConfig {
    fn default() -> Self {
        UpstreamConfig {
            creates_per_minute: NonZeroU32::new(15).expect("non-zero"),
            reads_per_minute: NonZeroU32::new(30).expect("non-zero"),
            window: Duration::from_secs(60),
            read_cache: Duration::from_secs(30),
            reconcile_after: Duration::from_secs(10),
            retry_base: Duration::from_secs(1),
            watch: Some(Duration::from_secs(600)),
        }
    }
}

/// Per-ticket access tokens.
#[derive(Clone, Debug)]
pub struct AccessConfig {
    /// HMAC-SHA256 key (at least 32 characters); required unless sandbox
    /// mode, which generates one per run when it is `None`.
    pub token_key: Option<Secret>,
    /// 1 to 3650.
    pub token_days: u64,
}

impl Default for AccessConfig {
    fn default() -> Self {
        AccessConfig { token_key: None, token_days: 180 }
    }
}

/// Parcel Tracking API (same credentials as `support`).
#[derive(Clone, Debug)]
pub struct TrackingConfig {
    pub base_url: BaseUrl,
}

impl Default for TrackingConfig {
    fn default() -> Self {
        TrackingConfig { base_url: default_url(DEFAULT_TRACKING_BASE_URL) }
    }
}

/// Claim eligibility rules shown with tracking answers, and the shop's
/// part of a customer's claim (`POST /claims`).
#[derive(Clone, Debug)]
pub struct ClaimsConfig {
    /// A lost claim is possible once the last tracking event is this old.
    pub lost_after_days: u64,
    /// How the shop ships; `None`: unknown (customers' claims wait
    /// `with_shop`). Sandbox mode defaults to own contract.
    pub parcel_kind: Option<parcel_desk_wire::ParcelKind>,
    /// The carrier contract sent with own-contract claims.
    pub carrier_contract_id: Option<i64>,
    /// When a customer's claim waits for a staff approval (`claims.review`).
    pub review: Review,
}

/// `claims.review`: when a customer's claim waits for staff.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Review {
    /// Every customer's claim waits: a complete one in `review` (until
    /// approved), an incomplete one `with_shop` (until completed, then in
    /// `review`).
    Always,
    /// The default: a complete claim files at once (`received`); an
    /// incomplete one waits `with_shop` until staff complete and approve it.
    #[default]
    WhenIncomplete,
    /// Like `when_incomplete`: a complete claim files at once. An
    /// incomplete one cannot be filed either way and waits `with_shop`;
    /// once staff complete it, it is queued for filing without a separate
    /// approval.
    Never,
}

impl Review {
    /// The configuration value.
    pub fn as_str(self) -> &'static str {
        match self {
            Review::Always => "always",
            Review::WhenIncomplete => "when_incomplete",
            Review::Never => "never",
        }
    }
}

impl Default for ClaimsConfig {
    fn default() -> Self {
        ClaimsConfig { lost_after_days: 5, parcel_kind: None, carrier_contract_id: None, review: Review::default() }
    }
}

/// `orders.*`: the shop's order endpoint (`docs/orders.md`). Off unless
/// `url` is set (or in sandbox mode, where it is the sandbox's).
#[derive(Clone, Debug)]
pub struct OrdersConfig {
    /// `GET {url}/{order_number}`.
    pub url: Option<BaseUrl>,
    /// Sent as `X-Parcel-Desk-Secret`; never shown to a browser.
    pub secret: Secret,
    /// Not configuration keys (tests tune them): the request timeout,
    /// the largest answer read, and the first retry delay after a failed
    /// fetch (doubles each time, at most 5 minutes); the timeout of a
    /// document download (an order's invoice PDF).
    pub timeout: Duration,
    pub max_bytes: usize,
    pub retry_base: Duration,
    pub document_timeout: Duration,
}

impl Default for OrdersConfig {
    fn default() -> Self {
        OrdersConfig {
            url: None,
            secret: Secret::default(),
            timeout: Duration::from_secs(5),
            max_bytes: 256 * 1024,
            retry_base: Duration::from_secs(2),
            document_timeout: Duration::from_secs(30),
        }
    }
}

/// `mail.*`: e-mail to the customer (`crate::mail`). Off unless
/// `smtp_url` is set; in sandbox mode without it the mails are kept and
/// shown at `/sandbox/mails`.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// The mail server (`smtp://` STARTTLS, `smtps://` TLS,
    /// `smtp://…?tls=none` plain for a local relay); its password is
    /// redacted in `Debug`.
    pub smtp_url: Option<super::SmtpUrl>,
    /// The sender, `Name <address>` or an address (checked).
    pub from: Option<String>,
    /// The page with the widget's status view; the mails link to
    /// `{status_url}?view=status&ref=PD-…`.
    pub status_url: Option<String>,
    /// Not configuration keys (tests tune them): the first retry delay
    /// while the mail server is down (doubles, at most 5 minutes) and how
    /// often the outbox is looked at.
    pub retry_base: Duration,
    pub tick: Duration,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: None,
            from: None,
            status_url: None,
            retry_base: Duration::from_secs(1),
            tick: Duration::from_secs(1),
        }
    }
}

/// Staff-only routes (`POST /parcels/tracking`, the inbox `/staff/claims…`).
#[derive(Clone, Debug, Default)]
pub struct StaffConfig {
    /// The single unnamed bearer token (at least 16 characters), recorded
    /// as `staff` in claims' histories.
    pub token: Option<Secret>,
    /// Named tokens (`staff.tokens`): each action is recorded with the name.
    pub tokens: Vec<NamedToken>,
}

/// One of `staff.tokens`.
#[derive(Clone, Debug)]
pub struct NamedToken {
    /// Non-empty, unique, at most 64 characters.
    pub name: String,
    /// At least 16 characters.
    pub token: Secret,
}

/// The actor name of the unnamed `staff.token`.
pub const UNNAMED_STAFF: &str = "staff";

impl StaffConfig {
    /// True when any staff token is configured (no token: the staff routes
    /// do not exist).
    pub fn enabled(&self) -> bool {
        self.token.is_some() || !self.tokens.is_empty()
    }

    /// Every token with the name its actions are recorded under.
    pub fn all(&self) -> Vec<(String, Secret)> {
        let mut out: Vec<(String, Secret)> = self.tokens.iter().map(|t| (t.name.clone(), t.token.clone())).collect();
        if let Some(t) = &self.token {
            out.push((UNNAMED_STAFF.to_owned(), t.clone()));
        }
        out
    }
}

/// `jtl.*` settings.
#[derive(Clone, Debug)]
pub struct JtlConfig {
    pub base_url: BaseUrl,
    /// With `seller_id` it turns the channel-ticket routes on; loading
    /// refuses one without the other.
    pub refresh_token: Secret,
    /// JTL's `^\w{1,50}$` (checked when loading).
    pub seller_id: String,
    /// `None`: 30 s (2 s in sandbox mode).
    pub poll_secs: Option<NonZeroU64>,
    pub timeout_secs: NonZeroU64,
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
            base_url: default_url(JTL_DEFAULT_BASE_URL),
            refresh_token: Secret::default(),
            seller_id: String::new(),
            poll_secs: None,
            timeout_secs: NonZeroU64::new(15).expect("non-zero"),
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
}
