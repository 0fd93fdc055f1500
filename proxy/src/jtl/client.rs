//! HTTP client of the JTL-SCX Channel API: cached auth token, one
//! re-authentication on 401, and a request limiter below JTL's 60 requests
//! a minute on `/v1/channel*`.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, Method, StatusCode};
use bytes::Bytes;
use parcel_desk_wire::jtl::{AttachmentData, AuthResponse, ChannelTicket, EventAck, ACCEPT_LANGUAGE_EN};
use tokio::io::AsyncReadExt;

use crate::config::Secret;
use crate::ratelimit::SlidingWindow;

/// Client settings (from `jtl.*`).
#[derive(Clone, Debug)]
pub struct ClientSettings {
    /// Base URL; `/v1/...` is appended.
    pub base_url: reqwest::Url,
    pub refresh_token: Secret,
    /// Whole-request timeout of one upstream call.
    pub timeout: Duration,
    /// Requests per rolling minute on `/v1/channel*` (JTL allows 60).
    pub requests_per_minute: u32,
    /// Longest an interactive request waits for a slot before the proxy
    /// answers 429 itself.
    pub max_wait: Duration,
}

/// One call of the Channel API.
#[derive(Debug)]
pub enum Call<'a> {
    /// `POST /v1/channel/ticket`
    CreateTicket(&'a ChannelTicket),
    /// `POST /v1/channel/ticket/attachment` with the file at `path`.
    Attachment { data: &'a AttachmentData, path: PathBuf, content_type: &'a str, len: u64 },
    /// `GET /v1/channel/event`
    Events,
    /// `DELETE /v1/channel/event`
    Ack(&'a EventAck),
}

/// An HTTP answer from upstream.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Bytes,
    pub retry_after: Option<HeaderValue>,
}

/// Why a call produced no upstream answer.
#[derive(Debug)]
pub enum CallError {
    /// The proxy's own limiter would make the caller wait this long (more
    /// than `max_wait`).
    Busy(Duration),
    Timeout,
    Unreachable,
    /// `POST /v1/auth` failed (bad refresh token, or JTL down); the status
    /// if JTL answered.
    Auth(Option<StatusCode>),
    /// A local file could not be read.
    File,
}

struct Cached {
    /// Sensitive: never logged.
    token: String,
    renew_at: Instant,
    generation: u64,
}

/// The Channel API client; share it behind an `Arc`.
pub struct JtlClient {
    base: reqwest::Url,
    refresh_token: Secret,
    http: reqwest::Client,
    auth: tokio::sync::Mutex<Option<Cached>>,
    generation: AtomicU64,
    /// JTL's requests per minute, paced (one key: this process).
    limiter: SlidingWindow<()>,
    max_wait: Duration,
    auth_calls: AtomicU64,
}

impl std::fmt::Debug for JtlClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JtlClient").field("base", &self.base.as_str()).finish_non_exhaustive()
    }
}

/// How long before `expiresIn` runs out the token is renewed: a tenth of
/// its lifetime, between 1 and 60 seconds.
pub fn renew_margin(expires_in: Duration) -> Duration {
    (expires_in / 10).clamp(Duration::from_secs(1), Duration::from_secs(60))
}

/// The HTTP client could not be built (TLS set-up).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientBuildError(#[source] reqwest::Error);

impl JtlClient {
    pub fn new(s: &ClientSettings) -> Result<JtlClient, ClientBuildError> {
        let base = s.base_url.clone();
        let http = reqwest::Client::builder()
            .timeout(s.timeout)
            .connect_timeout(s.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(ClientBuildError)?;
        Ok(JtlClient {
            base,
            refresh_token: s.refresh_token.clone(),
            http,
            auth: tokio::sync::Mutex::new(None),
            generation: AtomicU64::new(0),
            limiter: SlidingWindow::new(s.requests_per_minute.max(1), Duration::from_secs(60)),
            max_wait: s.max_wait,
            auth_calls: AtomicU64::new(0),
        })
    }

    /// How many `POST /v1/auth` calls this client made.
    pub fn auth_calls(&self) -> u64 {
        self.auth_calls.load(Ordering::SeqCst)
    }

    fn url(&self, segments: &[&str]) -> reqwest::Url {
        let mut url = self.base.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty().extend(segments);
        }
        url
    }

    /// A valid auth token (cached, or fetched now). Concurrent callers wait
    /// on one lock, so only one `POST /v1/auth` is in flight.
    async fn token(&self) -> Result<(String, u64), CallError> {
        let mut guard = self.auth.lock().await;
        if let Some(c) = guard.as_ref() {
            if Instant::now() < c.renew_at {
                return Ok((c.token.clone(), c.generation));
            }
        }
        *guard = None;
        self.auth_calls.fetch_add(1, Ordering::SeqCst);
        let mut form = reqwest::Url::parse("http://form.invalid/").expect("static URL");
        form.query_pairs_mut().append_pair("refreshToken", self.refresh_token.expose());
        let body = form.query().unwrap_or("").to_owned();
        let resp = self
            .http
            .post(self.url(&["v1", "auth"]))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::ACCEPT_LANGUAGE, ACCEPT_LANGUAGE_EN)
            .header(header::USER_AGENT, crate::USER_AGENT)
            .body(body)
            .send()
            .await
            .map_err(|e| if e.is_timeout() { CallError::Timeout } else { CallError::Unreachable })?;
        let status = resp.status();
        if !status.is_success() {
            tracing::warn!(status = status.as_u16(), "JTL-SCX refused the refresh token");
            return Err(CallError::Auth(Some(status)));
        }
        let bytes = resp.bytes().await.map_err(|_| CallError::Auth(Some(status)))?;
        let auth: AuthResponse = serde_json::from_slice(&bytes).map_err(|_| CallError::Auth(Some(status)))?;
        let lifetime = Duration::from_secs(auth.expires_in);
        let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let cached = Cached {
            token: auth.auth_token,
            renew_at: Instant::now() + lifetime.saturating_sub(renew_margin(lifetime)),
            generation,
        };
        let out = (cached.token.clone(), generation);
        *guard = Some(cached);
        Ok(out)
    }

    /// Drops the cached token if it is still the one that got a 401.
    async fn invalidate(&self, generation: u64) {
        let mut guard = self.auth.lock().await;
        if guard.as_ref().is_some_and(|c| c.generation == generation) {
            *guard = None;
        }
    }

    async fn build(&self, call: &Call<'_>, token: &str) -> Result<reqwest::RequestBuilder, CallError> {
        let (method, segments): (Method, &[&str]) = match call {
            Call::CreateTicket(_) => (Method::POST, &["v1", "channel", "ticket"]),
            Call::Attachment { .. } => (Method::POST, &["v1", "channel", "ticket", "attachment"]),
            Call::Events | Call::Ack(_) => {
                (if matches!(call, Call::Events) { Method::GET } else { Method::DELETE }, &["v1", "channel", "event"])
            }
        };
        let mut auth = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| CallError::Auth(None))?;
        auth.set_sensitive(true);
        let rb = self
            .http
            .request(method, self.url(segments))
            .header(header::AUTHORIZATION, auth)
            .header(header::ACCEPT, "application/json")
            .header(header::ACCEPT_LANGUAGE, ACCEPT_LANGUAGE_EN)
            .header(header::USER_AGENT, crate::USER_AGENT);
        Ok(match call {
            Call::CreateTicket(t) => json(rb, t),
            Call::Ack(a) => json(rb, a),
            Call::Events => rb,
            Call::Attachment { data, path, content_type, len } => {
                let file = tokio::fs::File::open(path).await.map_err(|_| CallError::File)?;
                let stream = futures_util::stream::unfold(Some(file), |file| async move {
                    let mut file = file?;
                    let mut buf = vec![0u8; 64 * 1024];
                    match file.read(&mut buf).await {
                        Ok(0) => None,
                        Ok(n) => {
                            buf.truncate(n);
                            Some((Ok::<Bytes, std::io::Error>(Bytes::from(buf)), Some(file)))
                        }
                        Err(e) => Some((Err(e), None)),
                    }
                });
                let meta = serde_json::to_vec(data).map_err(|_| CallError::File)?;
                let meta_part =
                    reqwest::multipart::Part::bytes(meta).mime_str("application/json").map_err(|_| CallError::File)?;
                let file_part = reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), *len)
                    .file_name(data.filename.clone())
                    .mime_str(content_type)
                    .map_err(|_| CallError::File)?;
                let form =
                    reqwest::multipart::Form::new().part("attachmentData", meta_part).part("attachment", file_part);
                rb.multipart(form)
            }
        })
    }

    async fn send_once(&self, call: &Call<'_>, token: &str) -> Result<Answer, CallError> {
        let resp = self.build(call, token).await?.send().await.map_err(|e| {
            if e.is_timeout() {
                CallError::Timeout
            } else {
                CallError::Unreachable
            }
        })?;
        let status = resp.status();
        let retry_after = resp.headers().get(header::RETRY_AFTER).cloned();
        let body =
            resp.bytes().await.map_err(|e| if e.is_timeout() { CallError::Timeout } else { CallError::Unreachable })?;
        Ok(Answer { status, body, retry_after })
    }

    async fn slot(&self, interactive: bool) -> Result<(), CallError> {
        let max = if interactive { self.max_wait } else { Duration::from_secs(120) };
        let wait = self.limiter.reserve(&(), max).map_err(CallError::Busy)?;
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Ok(())
    }

    /// Sends `call` with a valid token; on a 401 re-authenticates once and
    /// retries once. `interactive` calls (a browser is waiting) give up
    /// with [`CallError::Busy`] rather than wait longer than `max_wait`.
    pub async fn call(&self, call: Call<'_>, interactive: bool) -> Result<Answer, CallError> {
        self.slot(interactive).await?;
        let (token, generation) = self.token().await?;
        let answer = self.send_once(&call, &token).await?;
        if answer.status != StatusCode::UNAUTHORIZED {
            return Ok(answer);
        }
        tracing::info!("JTL-SCX answered 401: re-authenticating once");
        self.invalidate(generation).await;
        self.slot(interactive).await?;
        let (token, _) = self.token().await?;
        self.send_once(&call, &token).await
    }
}

impl JtlClient {
    /// `GET /v1/channel/ticket/attachment?sellerId=…&ticketId=…&filename=…`
    /// (JTL's "Download Attachment"): the answer with its body unread, for
    /// streaming; on a 401 re-authenticates once and asks again.
    pub async fn download(&self, data: &AttachmentData, interactive: bool) -> Result<reqwest::Response, CallError> {
        let mut url = self.url(&["v1", "channel", "ticket", "attachment"]);
        url.query_pairs_mut()
            .append_pair("sellerId", &data.seller_id)
            .append_pair("ticketId", &data.ticket_id)
            .append_pair("filename", &data.filename);
        let send = |token: String| {
            let url = url.clone();
            async move {
                let mut auth = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| CallError::Auth(None))?;
                auth.set_sensitive(true);
                self.http
                    .get(url)
                    .header(header::AUTHORIZATION, auth)
                    .header(header::ACCEPT, "*/*")
                    .header(header::ACCEPT_LANGUAGE, ACCEPT_LANGUAGE_EN)
                    .header(header::USER_AGENT, crate::USER_AGENT)
                    .send()
                    .await
                    .map_err(|e| if e.is_timeout() { CallError::Timeout } else { CallError::Unreachable })
            }
        };
        self.slot(interactive).await?;
        let (token, generation) = self.token().await?;
        let resp = send(token).await?;
        if resp.status() != StatusCode::UNAUTHORIZED {
            return Ok(resp);
        }
        tracing::info!("JTL-SCX answered 401: re-authenticating once");
        self.invalidate(generation).await;
        self.slot(interactive).await?;
        let (token, _) = self.token().await?;
        send(token).await
    }
}

fn json(rb: reqwest::RequestBuilder, body: &impl serde::Serialize) -> reqwest::RequestBuilder {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    rb.header(header::CONTENT_TYPE, "application/json").body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins() {
        assert_eq!(renew_margin(Duration::from_secs(3600)), Duration::from_secs(60));
        assert_eq!(renew_margin(Duration::from_secs(300)), Duration::from_secs(30));
        assert_eq!(renew_margin(Duration::from_secs(3)), Duration::from_secs(1));
    }
}
