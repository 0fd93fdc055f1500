//! Calls to the merchant's proxy. The widget never talks to Sendcloud or
//! JTL directly and never holds a credential: every path here is relative
//! to the configured proxy URL and mirrors the upstream path.

use gloo_net::http::{Request, Response};
use parcel_desk_wire::{ClaimRequest, ClaimType, ErrorEnvelope};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Why a call to the proxy did not give the expected answer.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiFailure {
    /// The proxy (or upstream through it) answered with an error status.
    Http {
        status: u16,
        envelope: Option<ErrorEnvelope>,
        /// Seconds from a `Retry-After` header, on 429/503.
        retry_after: Option<u32>,
    },
    /// No answer at all: offline, DNS, CORS, the proxy is down.
    Network,
    /// An answer we could not read (not the documented JSON).
    BadAnswer(u16),
}

impl ApiFailure {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiFailure::Http { status, .. } | ApiFailure::BadAnswer(status) => Some(*status),
            ApiFailure::Network => None,
        }
    }

    /// The upstream error detail, if any.
    pub fn detail(&self) -> &str {
        match self {
            ApiFailure::Http { envelope: Some(e), .. } => e.first_detail(),
            _ => "",
        }
    }
}

/// The proxy's answer to a created claim: upstream's `ticket_id` (a UUID)
/// and the proxy's access token for reading that ticket later.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct CreatedClaim {
    pub ticket_id: String,
    #[serde(default)]
    pub access_token: Option<String>,
}

/// A client for one proxy URL (e.g. `/parcel-desk-api`).
#[derive(Clone, Debug, PartialEq)]
pub struct Proxy {
    base: String,
}

impl Proxy {
    pub fn new(base: &str) -> Self {
        Proxy { base: base.trim_end_matches('/').to_owned() }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL of an upstream-mirroring path, e.g. `/dsf/files`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// `POST /dsf/tickets/{lost|damage}[?is_portal_claim=true]`. The same
    /// `idempotency_key` for the same body never files two claims: the
    /// proxy replays its first answer.
    pub async fn create_claim(
        &self,
        claim: ClaimType,
        body: &ClaimRequest,
        portal_claim: bool,
        idempotency_key: &str,
    ) -> Result<CreatedClaim, ApiFailure> {
        let mut url = self.url(claim.path());
        if portal_claim {
            url.push_str("?is_portal_claim=true");
        }
        let request = Request::post(&url)
            .header("Accept", "application/json")
            .header("Idempotency-Key", idempotency_key)
            .json(body)
            .map_err(|_| ApiFailure::BadAnswer(0))?;
        read(request.send().await).await
    }
}

async fn read<T: DeserializeOwned>(
    sent: Result<Response, gloo_net::Error>,
) -> Result<T, ApiFailure> {
    let response = sent.map_err(|_| ApiFailure::Network)?;
    let status = response.status();
    if response.ok() {
        return response.json::<T>().await.map_err(|_| ApiFailure::BadAnswer(status));
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.trim().parse::<u32>().ok());
    let envelope = response.json::<ErrorEnvelope>().await.ok();
    Err(ApiFailure::Http { status, envelope, retry_after })
}
