//! The one check: a merged raw layer becomes a [`Config`], or the first
//! problem found, naming the key and where its value came from.

use std::num::{NonZeroU32, NonZeroU64};
use std::path::PathBuf;
use std::time::Duration;

use super::raw::{Origins, RawConfig};
use super::types::{ApiPrefix, BaseUrl, BaseUrlError, Origin};
use super::{AuthMode, Config, ConfigError, NamedToken, Review, Secret, MIN_TOKEN_KEY_CHARS};
use crate::store::Location;

struct Check<'a> {
    origins: &'a Origins,
}

impl Check<'_> {
    fn err(&self, key: &str, message: impl Into<String>) -> ConfigError {
        let origin = self.origins.get(key).cloned().unwrap_or_else(|| "not set".into());
        ConfigError { key: Some(key.into()), origin, message: message.into() }
    }

    fn u32(&self, key: &str, v: u64) -> Result<u32, ConfigError> {
        u32::try_from(v).map_err(|_| self.err(key, "too large"))
    }

    fn at_least_1(&self, key: &str, v: u64) -> Result<NonZeroU64, ConfigError> {
        NonZeroU64::new(v).ok_or_else(|| self.err(key, "must be at least 1"))
    }

    fn at_least_1_u32(&self, key: &str, v: u64) -> Result<NonZeroU32, ConfigError> {
        NonZeroU32::new(self.u32(key, v)?).ok_or_else(|| self.err(key, "must be at least 1"))
    }

    fn greater_than_0(&self, key: &str, v: u64) -> Result<NonZeroU64, ConfigError> {
        NonZeroU64::new(v).ok_or_else(|| self.err(key, "must be greater than 0"))
    }

    /// `tracking.base_url`, `support.token_url`, `jtl.base_url`.
    fn base_url(&self, key: &str, v: &str) -> Result<BaseUrl, ConfigError> {
        BaseUrl::parse(v).map_err(|e| match e {
            BaseUrlError::Unparsable => self.err(key, "must be an absolute http(s) URL"),
            _ => self.err(key, "must be an absolute http(s) URL without credentials, query or fragment"),
        })
    }
}

/// Turns the merged layers into the typed configuration: every value read,
/// every rule checked, defaults for what no layer set.
pub(super) fn resolve(raw: RawConfig, origins: &Origins) -> Result<Config, ConfigError> {
    let c = Check { origins };
    let mut cfg = Config::default();

    if let Some(v) = raw.listen {
        cfg.listen = v.0.trim().parse().map_err(|_| c.err("listen", "expected an address like 127.0.0.1:8080"))?;
    }
    if let Some(v) = raw.static_dir {
        cfg.static_dir = (!v.0.is_empty()).then(|| PathBuf::from(v.0));
    }
    if let Some(v) = raw.sandbox {
        cfg.sandbox = v.0;
    }
    if let Some(v) = raw.trust_forwarded_for {
        cfg.trust_forwarded_for = v.0;
    }
    let s = raw.support;
    if let Some(v) = s.public_key {
        cfg.support.public_key = v.0;
    }
    if let Some(v) = s.secret_key {
        cfg.support.secret_key = Secret::new(v.0);
    }
    if let Some(v) = s.timeout_secs {
        cfg.support.timeout = Duration::from_secs(c.at_least_1("support.timeout_secs", v.0)?.get());
    }
    if let Some(v) = s.auth {
        cfg.support.auth = match v.0.trim().to_ascii_lowercase().as_str() {
            "basic" => AuthMode::Basic,
            "oauth2" => AuthMode::OAuth2,
            _ => return Err(c.err("support.auth", "expected basic or oauth2")),
        };
    }
    let l = raw.limits;
    if let Some(v) = l.create_per_minute {
        cfg.limits.create_per_minute = c.u32("limits.create_per_minute", v.0)?;
    }
    if let Some(v) = l.other_per_minute {
        cfg.limits.other_per_minute = c.u32("limits.other_per_minute", v.0)?;
    }
    if let Some(v) = l.lookup_per_minute {
        cfg.limits.lookup_per_minute = c.u32("limits.lookup_per_minute", v.0)?;
    }
    let u = raw.upstream;
    if let Some(v) = u.read_cache_secs {
        cfg.upstream.read_cache = Duration::from_secs(v.0);
    }
    if let Some(v) = u.reconcile_after_secs {
        cfg.upstream.reconcile_after = Duration::from_secs(v.0);
    }
    if let Some(v) = raw.claims.lost_after_days {
        cfg.claims.lost_after_days = v.0;
    }
    if let Some(v) = raw.claims.parcel_kind {
        cfg.claims.parcel_kind = match v.0.trim().to_ascii_lowercase().as_str() {
            "" => None,
            "own_contract" => Some(parcel_desk_wire::ParcelKind::OwnContract),
            "sendcloud_rates" => Some(parcel_desk_wire::ParcelKind::SendcloudRates),
            _ => return Err(c.err("claims.parcel_kind", "expected own_contract or sendcloud_rates")),
        };
    }
    if let Some(v) = raw.claims.review {
        cfg.claims.review = match v.0.trim().to_ascii_lowercase().as_str() {
            "always" => Review::Always,
            "when_incomplete" | "" => Review::WhenIncomplete,
            "never" => Review::Never,
            _ => return Err(c.err("claims.review", "expected always, when_incomplete or never")),
        };
    }
    if let Some(v) = raw.claims.carrier_contract_id {
        let id = i64::try_from(c.greater_than_0("claims.carrier_contract_id", v.0)?.get())
            .map_err(|_| c.err("claims.carrier_contract_id", "too large"))?;
        if cfg.claims.parcel_kind != Some(parcel_desk_wire::ParcelKind::OwnContract) {
            return Err(c.err("claims.carrier_contract_id", "only with claims.parcel_kind = own_contract"));
        }
        cfg.claims.carrier_contract_id = Some(id);
    }

    if let Some(v) = raw.api_prefix {
        cfg.api_prefix = ApiPrefix::parse(&v.0).ok_or_else(|| {
            c.err(
                "api_prefix",
                "must look like /api or /parcel-desk/api (no trailing slash, no dot segments, no special characters)",
            )
        })?;
    }
    if let Some(v) = raw.allowed_origins {
        cfg.allowed_origins = v
            .0
            .iter()
            .filter(|o| !o.trim().trim_end_matches('/').is_empty())
            .map(|o| {
                Origin::parse(o).ok_or_else(|| {
                    c.err("allowed_origins", "each entry must be an origin like https://shop.example (scheme and host, optional port, no path, no wildcard)")
                })
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(v) = s.base_url {
        cfg.support.base_url = BaseUrl::parse(&v.0).map_err(|e| {
            let key = "support.base_url";
            match e {
                BaseUrlError::Unparsable | BaseUrlError::NotHttp => c.err(key, "must be an absolute http(s) URL"),
                BaseUrlError::Credentials => {
                    c.err(key, "must not contain credentials; use support.public_key and support.secret_key")
                }
                BaseUrlError::QueryOrFragment => c.err(key, "must not have a query or fragment"),
            }
        })?;
    }
    if let Some(v) = raw.tracking.base_url {
        cfg.tracking.base_url = c.base_url("tracking.base_url", &v.0)?;
    }
    if let Some(v) = s.token_url {
        // Only read with OAuth2: with Basic the endpoint is never called.
        if cfg.support.auth == AuthMode::OAuth2 {
            cfg.support.token_url = c.base_url("support.token_url", &v.0)?;
        }
    }
    let st = raw.store;
    cfg.store.path = st.path.filter(|v| !v.0.is_empty()).map(|v| PathBuf::from(v.0));
    if let Some(url) = st.url.filter(|v| !v.0.is_empty()) {
        if cfg.store.path.is_some() {
            return Err(c.err("store.url", "set either store.url or store.path, not both"));
        }
        cfg.store.url = Some(Location::parse(&url.0).map_err(|e| c.err("store.url", e.to_string()))?);
    }
    if let Some(v) = st.idempotency_hours {
        cfg.store.idempotency_hours = c.at_least_1("store.idempotency_hours", v.0)?;
    }
    if let Some(v) = st.keep_files_days {
        cfg.store.keep_files_days = c.at_least_1("store.keep_files_days", v.0)?;
    }
    let a = raw.access;
    if let Some(v) = a.token_days {
        if v.0 == 0 || v.0 > 3650 {
            return Err(c.err("access.token_days", "must be between 1 and 3650"));
        }
        cfg.access.token_days = v.0;
    }
    if let Some(v) = a.token_key.filter(|v| !v.0.is_empty()) {
        if v.0.chars().count() < MIN_TOKEN_KEY_CHARS {
            return Err(c.err(
                "access.token_key",
                format!("must be at least {MIN_TOKEN_KEY_CHARS} characters (e.g. `openssl rand -hex 32`)"),
            ));
        }
        cfg.access.token_key = Some(Secret::new(v.0));
    }
    let o = raw.orders;
    if let Some(v) = o.url.filter(|v| !v.0.trim().is_empty()) {
        cfg.orders.url = Some(c.base_url("orders.url", v.0.trim())?);
    }
    if let Some(v) = o.secret.filter(|v| !v.0.is_empty()) {
        if cfg.orders.url.is_none() {
            return Err(c.err("orders.secret", "only with orders.url (the shop's order endpoint)"));
        }
        if v.0.chars().count() < 16 {
            return Err(c.err("orders.secret", "must be at least 16 characters"));
        }
        cfg.orders.secret = Secret::new(v.0);
    }
    if let Some(v) = raw.staff.token.filter(|v| !v.0.is_empty()) {
        if v.0.chars().count() < 16 {
            return Err(c.err("staff.token", "must be at least 16 characters"));
        }
        cfg.staff.token = Some(Secret::new(v.0));
    }
    if let Some(v) = raw.staff.tokens {
        for (i, t) in v.0.into_iter().enumerate() {
            let n = i + 1;
            let name = t.name.trim().to_owned();
            if name.is_empty() {
                return Err(c.err("staff.tokens", format!("token {n}: the name is empty")));
            }
            if name.chars().count() > 64 || name.chars().any(char::is_control) {
                return Err(c.err(
                    "staff.tokens",
                    format!("token {n}: the name must be at most 64 characters, no control characters"),
                ));
            }
            if cfg.staff.tokens.iter().any(|o| o.name == name) {
                return Err(c.err("staff.tokens", format!("token {n}: the name {name:?} is used twice")));
            }
            if t.token.chars().count() < 16 || t.token.trim() != t.token {
                return Err(c.err(
                    "staff.tokens",
                    format!("token {n} ({name}): must be at least 16 characters, without surrounding spaces"),
                ));
            }
            let same = |s: &Secret| s.expose() == t.token;
            if cfg.staff.tokens.iter().any(|o| same(&o.token)) || cfg.staff.token.as_ref().is_some_and(same) {
                return Err(c.err("staff.tokens", format!("token {n} ({name}): the same token as another staff token")));
            }
            cfg.staff.tokens.push(NamedToken { name, token: Secret::new(t.token) });
        }
    }
    let j = raw.jtl;
    if let Some(v) = j.base_url {
        cfg.jtl.base_url = c.base_url("jtl.base_url", &v.0)?;
    }
    if let Some(v) = j.seller_id {
        cfg.jtl.seller_id = v.0.trim().to_owned();
    }
    if let Some(v) = j.refresh_token {
        cfg.jtl.refresh_token = Secret::new(v.0);
    }
    if !cfg.jtl.seller_id.is_empty() && !parcel_desk_wire::jtl::is_valid_seller_id(&cfg.jtl.seller_id) {
        return Err(c.err("jtl.seller_id", "must be 1–50 letters, digits or _ (JTL's ^\\w{1,50}$)"));
    }
    if cfg.jtl.refresh_token.is_empty() != cfg.jtl.seller_id.is_empty() {
        let missing = if cfg.jtl.seller_id.is_empty() { "jtl.seller_id" } else { "jtl.refresh_token" };
        return Err(c.err(missing, "jtl.refresh_token and jtl.seller_id are needed together"));
    }
    if let Some(v) = j.poll_secs {
        cfg.jtl.poll_secs = Some(c.at_least_1("jtl.poll_secs", v.0)?);
    }
    if let Some(v) = j.timeout_secs {
        cfg.jtl.timeout_secs = c.at_least_1("jtl.timeout_secs", v.0)?;
    }
    if let Some(v) = raw.sandbox_faults {
        if !(0.0..=1.0).contains(&v.0) {
            return Err(c.err("sandbox_faults", "must be a number from 0 to 1"));
        }
        if v.0 > 0.0 && !cfg.sandbox {
            return Err(c.err("sandbox_faults", "only works with the sandbox (--sandbox)"));
        }
        cfg.sandbox_faults = v.0;
    }
    if let Some(v) = u.creates_per_minute {
        cfg.upstream.creates_per_minute = c.at_least_1_u32("upstream.creates_per_minute", v.0)?;
    }
    if let Some(v) = u.reads_per_minute {
        cfg.upstream.reads_per_minute = c.at_least_1_u32("upstream.reads_per_minute", v.0)?;
    }
    if let Some(v) = u.window_secs {
        cfg.upstream.window = Duration::from_secs(c.at_least_1("upstream.window_secs", v.0)?.get());
    }
    if let Some(v) = u.retry_base_ms {
        if v.0 == 0 || v.0 > 300_000 {
            return Err(c.err("upstream.retry_base_ms", "must be between 1 and 300000"));
        }
        cfg.upstream.retry_base = Duration::from_millis(v.0);
    }
    if let Some(v) = u.watch_secs {
        cfg.upstream.watch = (v.0 > 0).then(|| Duration::from_secs(v.0));
    }
    mail(&c, raw.mail, &mut cfg)?;
    if let Some(v) = l.json_body_bytes {
        cfg.limits.json_body_bytes = c.greater_than_0("limits.json_body_bytes", v.0)?;
    }
    if let Some(v) = l.upload_bytes {
        cfg.limits.upload_bytes = c.greater_than_0("limits.upload_bytes", v.0)?;
    }
    Ok(cfg)
}

/// `mail.*`: a usable server URL, a sender address, and the status page
/// the mails link to; the last two are needed with a server (sandbox mode
/// fills them in when it keeps the mails itself).
fn mail(c: &Check<'_>, m: super::raw::RawMail, cfg: &mut Config) -> Result<(), ConfigError> {
    if let Some(v) = m.smtp_url.filter(|v| !v.0.trim().is_empty()) {
        cfg.mail.smtp_url = Some(super::SmtpUrl::parse(&v.0).map_err(|e| c.err("mail.smtp_url", e))?);
    }
    if let Some(v) = m.from.filter(|v| !v.0.trim().is_empty()) {
        let from = v.0.trim();
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(c.err(
                "mail.from",
                "expected an e-mail address, e.g. Shop <claims@shop.example> or claims@shop.example",
            ));
        }
        cfg.mail.from = Some(from.to_owned());
    }
    if let Some(v) = m.status_url.filter(|v| !v.0.trim().is_empty()) {
        let text = v.0.trim();
        let ok = reqwest::Url::parse(text).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some()
                && u.fragment().is_none()
                && u.password().is_none()
        });
        if !ok {
            return Err(c.err(
                "mail.status_url",
                "must be an absolute http(s) URL without a fragment, e.g. https://shop.example/claims (the page with the widget)",
            ));
        }
        cfg.mail.status_url = Some(text.to_owned());
    }
    if cfg.mail.smtp_url.is_some() {
        if cfg.mail.from.is_none() {
            return Err(c.err("mail.from", "required with mail.smtp_url (the sender of customer e-mail)"));
        }
        if cfg.mail.status_url.is_none() {
            return Err(c.err("mail.status_url", "required with mail.smtp_url (the mails link to the claim's status)"));
        }
    } else if !cfg.sandbox {
        for key in ["mail.from", "mail.status_url"] {
            if c.origins.contains_key(key) {
                return Err(c.err(key, "only with mail.smtp_url (no mails are sent without a mail server)"));
            }
        }
    }
    Ok(())
}
