//! E-mail to the customer: at each moment of a customer's claim (received,
//! the carrier needs something from them, filed, rejected by the shop,
//! resolved) one mail in their language, from the outbox
//! ([`crate::store::mail`]).
//!
//! * **Enqueued once.** A scan (every second: the claims changed lately;
//!   every ten minutes and at start: all) inserts one outbox row per claim
//!   and moment reached, `ON CONFLICT DO NOTHING`. Claims accepted before
//!   mails were first on get none.
//! * **Sent, never lost.** A worker in every proxy leases due rows one at
//!   a time (several proxies on one store never send the same row),
//!   renders a row on its first attempt and keeps the rendering, so every
//!   attempt sends the same message with the same `Message-ID`. While the
//!   mail server cannot be reached or answers a temporary error, rows wait
//!   with a backoff (1 s doubling, at most 5 minutes); a permanent refusal
//!   (an address the server rejects) marks the row `needs_attention`, recorded in
//!   the claim's history.
//! * **The one duplicate window.** The server accepted the message and the
//!   proxy died (or lost its store) before it marked the row sent: after
//!   the lease runs out the mail is sent again, with the same
//!   `Message-ID`. The mark is the statement right after the server's
//!   answer, so the window is one store write long.
//! * **Sandbox.** With `--sandbox` and no `mail.smtp_url` the mails are
//!   kept in the store instead (`kept`) and listed at `GET /sandbox/mails`.

pub mod page;
pub mod render;

use std::sync::{Arc, Weak};
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use parcel_desk_wire::customer::Language;
use parcel_desk_wire::reference::Reference;

use crate::config::MailConfig;
pub use crate::config::{SmtpTls, SmtpUrl};
use crate::store::mail::{MailRow, Rendered};
use crate::store::{now_ms, Store, StoreError};
use render::{MailFacts, Moment};

/// The sender of sandbox mails when `mail.from` is not set.
pub const SANDBOX_FROM: &str = "parcel-desk sandbox <mail@sandbox.invalid>";
/// How often the scan looks at every claim (not only the changed ones).
const FULL_SCAN_MS: i64 = 600_000;
/// The longest wait between attempts.
const MAX_BACKOFF_MS: i64 = 300_000;

enum Sink {
    Smtp(Box<AsyncSmtpTransport<Tokio1Executor>>),
    /// Sandbox mode: kept in the store, shown at `/sandbox/mails`.
    Keep,
}

/// The customer mails of one proxy.
pub struct Mailer {
    store: Store,
    sink: Sink,
    from: Mailbox,
    /// The page with the widget's status view (`mail.status_url`).
    status_url: String,
    retry_base_ms: i64,
    tick: Duration,
    /// How long one attempt may hold a row.
    lease_ms: i64,
}

/// Why a mail could not go now.
enum Attempt {
    Sent,
    /// The server cannot be reached or answered a temporary error.
    Later(String),
    /// Refused for good, or it cannot be written.
    Failed(String),
}

impl Mailer {
    /// The mailer of `cfg`: `None` when mails are off (no `mail.smtp_url`
    /// outside sandbox mode). The configuration is already checked.
    pub fn new(cfg: &MailConfig, sandbox: bool, store: &Store) -> Result<Option<Arc<Mailer>>, String> {
        let sink = match &cfg.smtp_url {
            Some(url) => Sink::Smtp(Box::new(transport(url)?)),
            None if sandbox => Sink::Keep,
            None => return Ok(None),
        };
        let from_text = cfg.from.as_deref().unwrap_or(SANDBOX_FROM);
        let from: Mailbox = from_text.parse().map_err(|_| "invalid configuration key `mail.from`".to_owned())?;
        let status_url = cfg.status_url.clone().unwrap_or_else(|| "http://127.0.0.1/".into());
        Ok(Some(Arc::new(Mailer {
            store: store.clone(),
            sink,
            from,
            status_url,
            retry_base_ms: cfg.retry_base.as_millis() as i64,
            tick: cfg.tick,
            lease_ms: 120_000,
        })))
    }

    /// True in sandbox mode without a mail server: mails are kept.
    pub fn keeps(&self) -> bool {
        matches!(self.sink, Sink::Keep)
    }

    /// The store the mails live in.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Starts the scan and the sender; they stop with the proxy.
    pub fn spawn(self: &Arc<Self>) {
        let weak: Weak<Mailer> = Arc::downgrade(self);
        let tick = self.tick;
        tokio::spawn(async move {
            let mut since = None;
            let mut last_full: Option<i64> = None;
            let mut last_scan = i64::MIN;
            let mut failures: i64 = 0;
            let mut hold_until = 0;
            loop {
                let Some(m) = weak.upgrade() else { break };
                let now = now_ms();
                let scanned = async {
                    let since = match since {
                        Some(s) => s,
                        None => *since.insert(m.store.mail_since(now).await?),
                    };
                    // Changed claims since the last scan (a minute of
                    // slack for clocks and slow transactions); all of them
                    // now and then.
                    let full = last_full.is_none_or(|t| now.saturating_sub(t) >= FULL_SCAN_MS);
                    let changed_since = if full { i64::MIN } else { last_scan.saturating_sub(60_000) };
                    m.store.enqueue_mails(since, changed_since).await?;
                    Ok::<_, StoreError>(changed_since == i64::MIN)
                }
                .await;
                match scanned {
                    Ok(full) => {
                        if full {
                            last_full = Some(now);
                        }
                        last_scan = now;
                    }
                    Err(e) => tracing::warn!(error = %e, "mail outbox: scan failed"),
                }
                if now >= hold_until {
                    match m.send_due().await {
                        Ok(true) => failures = 0,
                        Ok(false) => {
                            failures += 1;
                            hold_until = now_ms() + backoff_ms(m.retry_base_ms, failures);
                        }
                        Err(e) => tracing::warn!(error = %e, "mail outbox: store failed"),
                    }
                }
                drop(m);
                tokio::time::sleep(tick).await;
            }
        });
    }

    /// Sends the due rows one after the other. `Ok(false)`: the server
    /// could not take one (the rest wait for the next round).
    async fn send_due(&self) -> Result<bool, StoreError> {
        while let Some(row) = self.store.lease_mail(now_ms(), self.lease_ms).await? {
            match self.attempt(&row).await? {
                Attempt::Sent => {}
                Attempt::Failed(reason) => {
                    tracing::warn!(claim_id = %row.claim_id, moment = %row.moment, %reason, "customer mail failed for good");
                    self.store.mail_failed(&row.claim_id, &row.moment, &reason).await?;
                }
                Attempt::Later(reason) => {
                    let next = now_ms() + backoff_ms(self.retry_base_ms, row.attempts);
                    tracing::warn!(claim_id = %row.claim_id, moment = %row.moment, attempts = row.attempts, %reason, "customer mail kept for a later attempt");
                    self.store.mail_requeue(&row.claim_id, &row.moment, next, &reason).await?;
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// One attempt at a leased row.
    async fn attempt(&self, row: &MailRow) -> Result<Attempt, StoreError> {
        let rendered = match (&row.recipient, &row.subject, &row.text_body, &row.html_body, &row.message_id) {
            (Some(to), Some(s), Some(t), Some(h), Some(id)) => {
                (to.clone(), s.clone(), t.clone(), h.clone(), id.clone())
            }
            _ => match self.render(row).await? {
                Ok(r) => r,
                Err(reason) => return Ok(Attempt::Failed(reason)),
            },
        };
        let (to, subject, text, html, message_id) = rendered;
        let detail = row.moment.clone();
        match &self.sink {
            Sink::Keep => {
                self.store
                    .mail_done(&row.claim_id, &row.moment, "kept", &format!("{detail} (kept by the sandbox)"))
                    .await?;
                tracing::info!(claim_id = %row.claim_id, moment = %row.moment, "customer mail kept (sandbox)");
                Ok(Attempt::Sent)
            }
            Sink::Smtp(transport) => {
                let message = match self.message(&to, &subject, &text, &html, &message_id) {
                    Ok(m) => m,
                    Err(reason) => return Ok(Attempt::Failed(reason)),
                };
                match transport.send(message).await {
                    Ok(_) => {
                        // The duplicate window: accepted, not yet marked.
                        self.store.mail_done(&row.claim_id, &row.moment, "sent", &detail).await?;
                        tracing::info!(claim_id = %row.claim_id, moment = %row.moment, "customer mail sent");
                        Ok(Attempt::Sent)
                    }
                    Err(e) if e.is_permanent() => Ok(Attempt::Failed(format!("the mail server refused it: {e}"))),
                    Err(e) => Ok(Attempt::Later(format!("the mail server cannot take it now: {e}"))),
                }
            }
        }
    }

    /// Renders a row from its claim and keeps the rendering.
    async fn render(
        &self,
        row: &MailRow,
    ) -> Result<Result<(String, String, String, String, String), String>, StoreError> {
        let Some(claim) = self.store.mail_claim(&row.claim_id).await? else {
            return Ok(Err("the claim is gone".into()));
        };
        let Some(to) = claim.email.clone().filter(|e| parcel_desk_wire::customer::rules::is_email(e)) else {
            return Ok(Err("the claim has no usable e-mail address".into()));
        };
        let Some(moment) = Moment::parse(&row.moment) else {
            return Ok(Err(format!("unknown moment {}", row.moment)));
        };
        let language = claim
            .customer
            .as_deref()
            .and_then(|c| serde_json::from_str::<serde_json::Value>(c).ok())
            .and_then(|v| v.get("language").and_then(|l| l.as_str()).and_then(Language::from_tag))
            .unwrap_or(Language::En);
        let reference = Reference::from_bits(claim.reference.unwrap_or(0) as u64).to_string();
        let link = render::status_link(&self.status_url, &reference);
        let mail = render::render(&MailFacts {
            moment,
            language,
            name: claim.name.as_deref().unwrap_or(""),
            reference: &reference,
            tracking_number: &claim.tracking_number,
            status_link: &link,
            reason: claim.reason.as_deref().filter(|_| moment == Moment::Rejected),
        });
        let domain = self.from.email.domain().to_owned();
        let message_id = format!("<{}.{}@{domain}>", claim.id, row.moment);
        let to = to.trim().to_owned();
        self.store
            .keep_rendered(
                &row.claim_id,
                &row.moment,
                &Rendered {
                    recipient: &to,
                    language: language.as_str(),
                    subject: &mail.subject,
                    text_body: &mail.text,
                    html_body: &mail.html,
                    message_id: &message_id,
                },
            )
            .await?;
        // The rendering kept first wins (another proxy may have raced).
        let kept = self.store.claim_mails(&row.claim_id).await?.into_iter().find(|m| m.moment == row.moment);
        Ok(Ok(match kept {
            Some(MailRow {
                recipient: Some(r),
                subject: Some(s),
                text_body: Some(t),
                html_body: Some(h),
                message_id: Some(i),
                ..
            }) => (r, s, t, h, i),
            _ => (to, mail.subject, mail.text, mail.html, message_id),
        }))
    }

    /// The MIME message: plain text and HTML alternatives.
    fn message(&self, to: &str, subject: &str, text: &str, html: &str, message_id: &str) -> Result<Message, String> {
        let to: Mailbox = to.parse().map_err(|_| "the claim's e-mail address cannot be used".to_owned())?;
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(message_id.to_owned()))
            .multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(text.to_owned()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.to_owned())),
            )
            .map_err(|e| format!("the message cannot be built: {e}"))
    }
}

/// The transport of a checked `mail.smtp_url`.
fn transport(url: &SmtpUrl) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let fail = |e: lettre::transport::smtp::Error| {
        format!("invalid configuration key `mail.smtp_url` ({}): {e}", url.redacted())
    };
    let builder = match url.tls {
        SmtpTls::Implicit => AsyncSmtpTransport::<Tokio1Executor>::relay(&url.host).map_err(fail)?,
        SmtpTls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&url.host).map_err(fail)?,
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.clone()),
    };
    let mut builder = builder.port(url.port).timeout(Some(Duration::from_secs(30)));
    if let (Some(user), Some(password)) = (&url.user, &url.password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
    }
    Ok(builder.build())
}

/// The wait before attempt `attempts + 1`: `base` doubling, at most 5
/// minutes, the upper half jittered.
fn backoff_ms(base: i64, attempts: i64) -> i64 {
    let exp = base.saturating_mul(1i64 << attempts.clamp(1, 20).saturating_sub(1)).min(MAX_BACKOFF_MS);
    let half = exp / 2;
    half + (uuid::Uuid::new_v4().as_u128() % (half as u128 + 1)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        for attempts in 1..30 {
            let exp = (1000i64 << (attempts.min(20) - 1)).min(MAX_BACKOFF_MS);
            let d = backoff_ms(1000, attempts);
            assert!(d >= exp / 2 && d <= exp, "attempt {attempts}: {d}");
        }
    }
}
