//! The proxy's shared state, in parts by concern, and [`router`], which
//! builds it from a checked [`Config`].

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::HeaderValue;
use axum::middleware;
use axum::Router;
use tower_http::services::ServeDir;

use super::{access_log, dispatch, pipeline};
use crate::config::{AuthMode, Config, Secret, UpstreamConfig};
use crate::ratelimit::SlidingWindow;

/// Everything a request handler may reach, one part per concern.
pub(crate) struct ProxyState {
    pub site: Site,
    pub gate: Gate,
    pub sendcloud: Sendcloud,
    pub tickets: Tickets,
    /// The staff tokens with their actor names (`staff.tokens`, and
    /// `staff.token` as `staff`); empty: the staff routes do not exist.
    pub staff: Vec<(String, Secret)>,
    /// JTL-SCX channel tickets; `None` when not configured (routes 404).
    pub jtl: Option<Arc<crate::jtl::Jtl>>,
    /// Customer e-mail; `None` when off.
    pub mail: Option<Arc<crate::mail::Mailer>>,
}

/// What is served besides the forwarded routes.
pub(crate) struct Site {
    /// The widget API's path prefix (`/api`).
    pub prefix: String,
    pub static_files: Option<ServeDir>,
    /// `GET {prefix}/openapi.json`, generated once at start.
    pub openapi: Bytes,
}

/// What a browser request must pass before any work: CORS origins, body
/// caps and the per-client rate limits.
pub(crate) struct Gate {
    pub origins: Vec<HeaderValue>,
    pub trust_forwarded_for: bool,
    pub json_limit: u64,
    pub upload_limit: u64,
    pub creates: SlidingWindow<IpAddr>,
    pub others: SlidingWindow<IpAddr>,
    pub lookups: SlidingWindow<IpAddr>,
}

/// The Sendcloud APIs: where, with which client and credentials, and the
/// account's budget.
pub(crate) struct Sendcloud {
    pub base: reqwest::Url,
    pub tracking_base: reqwest::Url,
    pub client: reqwest::Client,
    /// `Authorization` of upstream requests (Basic, or OAuth2 tokens).
    pub auth: crate::auth::UpstreamAuth,
    pub timeout: Duration,
    /// The account's budget and the worker's timing.
    pub budget: UpstreamConfig,
    /// The Sendcloud account the budget is counted for: a digest of the
    /// public key and base URL (never the key itself).
    pub account: String,
}

/// Claims and tickets: the store, access tokens and the filing worker.
pub(crate) struct Tickets {
    pub store: crate::store::Store,
    pub tokens: crate::access::TokenKey,
    /// A lost claim is offered once the newest tracking event is this old.
    pub lost_after: Duration,
    /// The shop's part of a customer's claim (`claims.parcel_kind`,
    /// `claims.carrier_contract_id`).
    pub shop: parcel_desk_wire::customer::mapping::ShopPart,
    /// The shop's order endpoint (`orders.url`), if configured.
    pub orders: Option<crate::orders::OrderSource>,
    /// When customers' claims wait for staff (`claims.review`).
    pub review: crate::config::Review,
    /// Wakes the filing worker (a claim was accepted).
    pub wake: Arc<tokio::sync::Notify>,
    pub worker: Mutex<pipeline::WorkerState>,
    /// One upstream read per ticket at a time (the others wait and take
    /// its answer from the cache).
    pub read_locks: Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
}

/// The account's two upstream budgets.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Budget {
    Create,
    Read,
}

impl ProxyState {
    /// One unit of the account's `kind` budget, under the configured limit
    /// and window. `Ok(Err(wait_ms))`: none left for that long.
    pub(crate) async fn take_budget(&self, kind: Budget) -> Result<Result<(), i64>, crate::store::StoreError> {
        let budget = &self.sendcloud.budget;
        let (name, limit) = match kind {
            Budget::Create => ("create", budget.creates_per_minute.get()),
            Budget::Read => ("read", budget.reads_per_minute.get()),
        };
        let window = budget.window.as_millis() as i64;
        self.tickets.store.take_budget(&self.sendcloud.account, name, limit, window).await
    }
}

/// Errors building the proxy from a [`Config`].
#[derive(Debug)]
pub struct BuildError(pub String);

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for BuildError {}

/// Builds the proxy's router (health, widget API under the prefix, optional
/// static files). Serve it with connect info (see [`crate::serve`]) so rate
/// limiting sees the peer address. The configuration is already checked;
/// this only refuses what a usable proxy needs and sandbox mode would have
/// filled: credentials and an access-token key.
pub async fn router(config: &Config) -> Result<Router, BuildError> {
    if !config.has_credentials() {
        return Err(BuildError(
            "no upstream credentials: set support.public_key and support.secret_key \
             (PARCEL_DESK_SUPPORT_PUBLIC_KEY / PARCEL_DESK_SUPPORT_SECRET_KEY), or run with --sandbox"
                .into(),
        ));
    }
    let Some(token_key) = &config.access.token_key else {
        return Err(BuildError(
            "invalid configuration key `access.token_key`: required (at least 32 characters, e.g. `openssl rand -hex 32`; \
             PARCEL_DESK_ACCESS_TOKEN_KEY); sandbox mode generates one per run"
                .into(),
        ));
    };
    let support = &config.support;
    let client = reqwest::Client::builder()
        .timeout(support.timeout)
        .connect_timeout(support.timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| BuildError(format!("cannot build the HTTP client: {e}")))?;
    let (public, secret) = (&support.public_key, support.secret_key.expose());
    let auth = match support.auth {
        AuthMode::Basic => crate::auth::UpstreamAuth::basic(public, secret),
        AuthMode::OAuth2 => {
            crate::auth::UpstreamAuth::oauth2(support.token_url.url().clone(), public, secret, client.clone())
        }
    }
    .map_err(|e| BuildError(e.to_string()))?;
    let static_files = match &config.static_dir {
        Some(dir) if !dir.is_dir() => {
            return Err(BuildError(format!(
                "invalid configuration key `static_dir`: {} is not a directory",
                dir.display()
            )))
        }
        Some(dir) => Some(ServeDir::new(dir).precompressed_br().precompressed_gzip()),
        None => None,
    };
    let location = config.store.location();
    let store = crate::store::Store::open(&location, config.store.idempotency_hours.get())
        .await
        .map_err(|e| BuildError(format!("invalid configuration key `{}`: {e}", config.store.key())))?
        .keep_files_days(config.store.keep_files_days.get());
    let jtl = if config.jtl.enabled() {
        let jtl = crate::jtl::Jtl::new(
            &config.jtl,
            &store,
            &crate::jtl::data_dir_for(&location),
            token_key,
            config.access.token_days,
            config.sandbox,
        )
        .map_err(|e| BuildError(e.to_string()))?;
        jtl.spawn_poller();
        Some(jtl)
    } else {
        None
    };
    let orders = crate::orders::OrderSource::new(&config.orders).map_err(BuildError)?;
    let mail = crate::mail::Mailer::new(&config.mail, config.sandbox, &store).map_err(BuildError)?;
    let limits = &config.limits;
    let minute = Duration::from_secs(60);
    let state = Arc::new(ProxyState {
        site: Site {
            prefix: config.api_prefix.to_string(),
            static_files,
            openapi: Bytes::from(super::openapi_json(&config.api_prefix)),
        },
        gate: Gate {
            origins: config.allowed_origins.iter().map(|o| o.header_value().clone()).collect(),
            trust_forwarded_for: config.trust_forwarded_for,
            json_limit: limits.json_body_bytes.get(),
            upload_limit: limits.upload_bytes.get(),
            creates: SlidingWindow::new(limits.create_per_minute, minute),
            others: SlidingWindow::new(limits.other_per_minute, minute),
            lookups: SlidingWindow::new(limits.lookup_per_minute, minute),
        },
        sendcloud: Sendcloud {
            base: support.base_url.url().clone(),
            tracking_base: config.tracking.base_url.url().clone(),
            client,
            auth,
            timeout: support.timeout,
            budget: config.upstream.clone(),
            account: account_id(support.base_url.as_str(), &support.public_key),
        },
        tickets: Tickets {
            store,
            tokens: crate::access::TokenKey::new(token_key, config.access.token_days),
            lost_after: Duration::from_secs(config.claims.lost_after_days * 86_400),
            shop: parcel_desk_wire::customer::mapping::ShopPart {
                kind: config.claims.parcel_kind,
                carrier_contract_id: config.claims.carrier_contract_id,
            },
            orders,
            review: config.claims.review,
            wake: Arc::new(tokio::sync::Notify::new()),
            worker: Mutex::new(pipeline::WorkerState::default()),
            read_locks: Mutex::new(HashMap::new()),
        },
        staff: config.staff.all(),
        jtl,
        mail,
    });
    pipeline::spawn(&state);
    super::customer::order_facts::spawn(&state);
    prune_hourly(&state);
    if let Some(mail) = &state.mail {
        mail.spawn();
    }
    if let Some(every) = config.upstream.watch {
        super::watcher::spawn(&state, every);
    }
    Ok(Router::new().fallback(dispatch).with_state(state).layer(middleware::from_fn(access_log)))
}

/// Deletes the store's expired rows every hour (idempotency answers, kept
/// files: `store.keep_files_days`) while the proxy runs. Every proxy on a
/// store does it; deleting twice is harmless.
fn prune_hourly(state: &Arc<ProxyState>) {
    let weak = Arc::downgrade(state);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            let Some(st) = weak.upgrade() else { break };
            match st.tickets.store.prune().await {
                Ok(0) => {}
                Ok(rows) => tracing::info!(rows, "store: expired rows deleted"),
                Err(e) => tracing::warn!(error = %e, "store: expired rows could not be deleted"),
            }
        }
    });
}

/// The budget's account key: SHA-256 of base URL and public key, hex.
fn account_id(base_url: &str, public_key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{base_url}\n{public_key}").as_bytes());
    digest.iter().take(12).map(|b| format!("{b:02x}")).collect()
}
