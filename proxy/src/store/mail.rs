//! The customer mail outbox (`mail_outbox`) and what the ticket watcher
//! keeps (`claims.upstream_status`, `claims.upstream_checked_at`).
//!
//! A row is one mail: one claim, one moment (`received`, `needs_customer`,
//! `filed`, `rejected`, `resolved`), unique. Rows are added by a scan that
//! inserts `ON CONFLICT DO NOTHING` for every customer's claim that reached
//! a moment, so a mail is enqueued once, whichever proxy scans and however
//! often. A row goes `queued` → `sending` (leased to one proxy, rendered on
//! its first attempt) → `sent` (or `kept`: the sandbox keeps it instead of
//! sending), back to `queued` with a backoff while the mail server cannot
//! be reached, or `needs_attention` when it refuses the mail for good.

use super::db::Val;
use super::{now_ms, Store, StoreError};

/// The moments a customer hears about, in the order they happen.
pub const MOMENTS: &[(&str, &str)] = &[
    // (moment, condition on the claims row)
    ("received", "1 = 1"),
    ("needs_customer", "upstream_status = 'needs_customer'"),
    ("filed", "state = 'filed'"),
    ("rejected", "state = 'rejected'"),
    ("resolved", "upstream_status = 'resolved'"),
];

/// One outbox row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailRow {
    pub claim_id: String,
    pub moment: String,
    pub state: String,
    pub recipient: Option<String>,
    pub language: Option<String>,
    pub subject: Option<String>,
    pub text_body: Option<String>,
    pub html_body: Option<String>,
    pub message_id: Option<String>,
    pub reason: Option<String>,
    pub attempts: i64,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

const MAIL_COLUMNS: &str = "claim_id, moment, state, recipient, language, subject, text_body, html_body, message_id,
     reason, attempts, created_at, sent_at";

fn mail_row(r: &super::db::Row<'_, '_>) -> Result<MailRow, StoreError> {
    Ok(MailRow {
        claim_id: r.get(0)?,
        moment: r.get(1)?,
        state: r.get(2)?,
        recipient: r.get(3)?,
        language: r.get(4)?,
        subject: r.get(5)?,
        text_body: r.get(6)?,
        html_body: r.get(7)?,
        message_id: r.get(8)?,
        reason: r.get(9)?,
        attempts: r.get(10)?,
        created_at: r.get(11)?,
        sent_at: r.get(12)?,
    })
}

/// What a mail about a claim says: the claim's facts when it is rendered.
#[derive(Clone, Debug)]
pub struct MailClaim {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub reference: Option<i64>,
    pub tracking_number: String,
    pub claim_type: String,
    /// The customer's part (JSON): its `language`.
    pub customer: Option<String>,
    /// The reason of a rejected claim.
    pub reason: Option<String>,
}

/// A filed claim whose ticket the watcher reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watched {
    pub id: String,
    pub ticket_id: i64,
    pub upstream_status: Option<String>,
}

/// The rendered mail a row keeps, so every attempt sends the same bytes
/// (and the same `Message-ID`).
#[derive(Clone, Debug)]
pub struct Rendered<'a> {
    pub recipient: &'a str,
    pub language: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    pub message_id: &'a str,
}

impl Store {
    /// Since when mails are on (the first call stores `now`): claims
    /// accepted before get no mails, so turning mail on does not write to
    /// every customer the store ever had.
    pub async fn mail_since(&self, now: i64) -> Result<i64, StoreError> {
        self.db
            .exec(
                "INSERT INTO mail_since (name, since) VALUES ('customer', $1) ON CONFLICT (name) DO NOTHING",
                &[Val::Int(now)],
            )
            .await?;
        Ok(self
            .db
            .query_opt("SELECT since FROM mail_since WHERE name = 'customer'", &[], |r| r.get::<i64>(0))
            .await?
            .unwrap_or(now))
    }

    /// Enqueues the mail of every moment a customer's claim (accepted
    /// since `since`, changed since `changed_since`) has reached and that
    /// is not in the outbox yet. Returns the rows added.
    pub async fn enqueue_mails(&self, since: i64, changed_since: i64) -> Result<u64, StoreError> {
        let now = now_ms();
        let mut added = 0;
        for (rank, (moment, condition)) in MOMENTS.iter().enumerate() {
            added += self
                .db
                .exec(
                    &format!(
                        "INSERT INTO mail_outbox (claim_id, moment, rank, state, attempts, next_attempt_at, created_at)
                         SELECT id, CAST($1 AS TEXT), CAST($2 AS BIGINT), 'queued', 0, CAST($3 AS BIGINT),
                                CAST($3 AS BIGINT)
                         FROM claims
                         WHERE email IS NOT NULL AND reference IS NOT NULL AND created_at >= $4
                           AND updated_at >= $5 AND {condition}
                         ON CONFLICT (claim_id, moment) DO NOTHING"
                    ),
                    &[
                        Val::Text(moment),
                        Val::Int(rank as i64),
                        Val::Int(now),
                        Val::Int(since),
                        Val::Int(changed_since),
                    ],
                )
                .await?;
        }
        Ok(added)
    }

    /// Takes the next mail due: `queued` and due, or `sending` with a lease
    /// that ran out (its proxy died mid-attempt). It becomes `sending`
    /// until `now + lease_ms`.
    pub async fn lease_mail(&self, now: i64, lease_ms: i64) -> Result<Option<MailRow>, StoreError> {
        let mut tx = self.db.begin().await?;
        let lock = self.db.skip_locked();
        let stale = format!(
            "SELECT {MAIL_COLUMNS} FROM mail_outbox WHERE state = 'sending' AND lease_until < $1
             ORDER BY lease_until LIMIT 1{lock}"
        );
        let due = format!(
            "SELECT {MAIL_COLUMNS} FROM mail_outbox WHERE state = 'queued' AND next_attempt_at <= $1
             ORDER BY next_attempt_at, rank LIMIT 1{lock}"
        );
        let found = match tx.query_opt(&stale, &[Val::Int(now)], mail_row).await? {
            Some(r) => Some(r),
            None => tx.query_opt(&due, &[Val::Int(now)], mail_row).await?,
        };
        let Some(mut row) = found else {
            tx.rollback().await?;
            return Ok(None);
        };
        row.attempts += 1;
        row.state = "sending".into();
        tx.exec(
            "UPDATE mail_outbox SET state = 'sending', lease_until = $3, attempts = $4
             WHERE claim_id = $1 AND moment = $2",
            &[Val::Text(&row.claim_id), Val::Text(&row.moment), Val::Int(now + lease_ms), Val::Int(row.attempts)],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    /// Keeps the rendered mail with its row (only the first rendering).
    pub async fn keep_rendered(&self, claim_id: &str, moment: &str, m: &Rendered<'_>) -> Result<(), StoreError> {
        self.db
            .exec(
                "UPDATE mail_outbox SET recipient = $3, language = $4, subject = $5, text_body = $6, html_body = $7,
                     message_id = $8
                 WHERE claim_id = $1 AND moment = $2 AND subject IS NULL",
                &[
                    Val::Text(claim_id),
                    Val::Text(moment),
                    Val::Text(m.recipient),
                    Val::Text(m.language),
                    Val::Text(m.subject),
                    Val::Text(m.text_body),
                    Val::Text(m.html_body),
                    Val::Text(m.message_id),
                ],
            )
            .await?;
        Ok(())
    }

    /// The mail went out (`sent`) or the sandbox kept it (`kept`): the row
    /// says so and the claim's history records it (actor `mail`), in one
    /// transaction.
    pub async fn mail_done(&self, claim_id: &str, moment: &str, state: &str, detail: &str) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        tx.exec(
            "UPDATE mail_outbox SET state = $3, sent_at = $4, reason = NULL, lease_until = NULL
             WHERE claim_id = $1 AND moment = $2",
            &[Val::Text(claim_id), Val::Text(moment), Val::Text(state), Val::Int(now)],
        )
        .await?;
        tx.exec(
            "INSERT INTO claim_history (claim_id, at, actor, action, detail) VALUES ($1, $2, 'mail', 'mail_sent', $3)",
            &[Val::Text(claim_id), Val::Int(now), Val::Text(detail)],
        )
        .await?;
        tx.commit().await
    }

    /// Not sent this time: `queued` again until `next_at`, with why.
    pub async fn mail_requeue(
        &self,
        claim_id: &str,
        moment: &str,
        next_at: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.db
            .exec(
                "UPDATE mail_outbox SET state = 'queued', next_attempt_at = $3, reason = $4, lease_until = NULL
                 WHERE claim_id = $1 AND moment = $2 AND state = 'sending'",
                &[Val::Text(claim_id), Val::Text(moment), Val::Int(next_at), Val::Text(reason)],
            )
            .await?;
        Ok(())
    }

    /// The mail cannot be sent (the server refused it for good, or the claim
    /// has no address): `needs_attention`, recorded in the claim's history.
    pub async fn mail_failed(&self, claim_id: &str, moment: &str, reason: &str) -> Result<(), StoreError> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        tx.exec(
            "UPDATE mail_outbox SET state = 'needs_attention', reason = $3, lease_until = NULL WHERE claim_id = $1 AND moment = $2",
            &[Val::Text(claim_id), Val::Text(moment), Val::Text(reason)],
        )
        .await?;
        tx.exec(
            "INSERT INTO claim_history (claim_id, at, actor, action, detail) VALUES ($1, $2, 'mail', 'mail_failed', $3)",
            &[Val::Text(claim_id), Val::Int(now), Val::Text(&format!("{moment}: {reason}"))],
        )
        .await?;
        tx.commit().await
    }

    /// Every outbox row, newest first (at most `limit`).
    pub async fn mails(&self, limit: i64) -> Result<Vec<MailRow>, StoreError> {
        self.db
            .query(
                &format!("SELECT {MAIL_COLUMNS} FROM mail_outbox ORDER BY created_at DESC, rank DESC LIMIT $1"),
                &[Val::Int(limit)],
                mail_row,
            )
            .await
    }

    /// One claim's outbox rows, in the order of the moments.
    pub async fn claim_mails(&self, claim_id: &str) -> Result<Vec<MailRow>, StoreError> {
        self.db
            .query(
                &format!("SELECT {MAIL_COLUMNS} FROM mail_outbox WHERE claim_id = $1 ORDER BY rank"),
                &[Val::Text(claim_id)],
                mail_row,
            )
            .await
    }

    /// What a mail about claim `id` says.
    pub async fn mail_claim(&self, id: &str) -> Result<Option<MailClaim>, StoreError> {
        self.db
            .query_opt(
                "SELECT id, email, name, reference, tracking_number, claim_type, customer, reason
                 FROM claims WHERE id = $1",
                &[Val::Text(id)],
                |r| {
                    Ok(MailClaim {
                        id: r.get(0)?,
                        email: r.get(1)?,
                        name: r.get(2)?,
                        reference: r.get(3)?,
                        tracking_number: r.get(4)?,
                        claim_type: r.get(5)?,
                        customer: r.get(6)?,
                        reason: r.get(7)?,
                    })
                },
            )
            .await
    }

    /// Filed customers' claims with a known ticket whose status was not
    /// read since `checked_before` and is not final (`resolved`), least
    /// recently read first.
    pub async fn claims_to_watch(&self, checked_before: i64, limit: i64) -> Result<Vec<Watched>, StoreError> {
        self.db
            .query(
                "SELECT id, ticket_id, upstream_status FROM claims
                 WHERE state = 'filed' AND ticket_id IS NOT NULL AND email IS NOT NULL
                   AND (upstream_status IS NULL OR upstream_status <> 'resolved')
                   AND (upstream_checked_at IS NULL OR upstream_checked_at < $1)
                 ORDER BY COALESCE(upstream_checked_at, 0), created_at LIMIT $2",
                &[Val::Int(checked_before), Val::Int(limit)],
                |r| Ok(Watched { id: r.get(0)?, ticket_id: r.get(1)?, upstream_status: r.get(2)? }),
            )
            .await
    }

    /// The watcher read the claim's ticket: its status now. A change also
    /// touches `updated_at` (the mail scan looks at changed claims) and is
    /// recorded in the claim's history. True when it changed.
    pub async fn set_upstream_status(&self, id: &str, status: &str) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        let changed = tx
            .exec(
                "UPDATE claims SET upstream_status = $2, upstream_checked_at = $3, updated_at = $3
                 WHERE id = $1 AND (upstream_status IS NULL OR upstream_status <> $2)",
                &[Val::Text(id), Val::Text(status), Val::Int(now)],
            )
            .await?
            == 1;
        if changed {
            tx.exec(
                "INSERT INTO claim_history (claim_id, at, actor, action, detail)
                 VALUES ($1, $2, 'proxy', 'upstream_status', $3)",
                &[Val::Text(id), Val::Int(now), Val::Text(status)],
            )
            .await?;
        } else {
            tx.exec("UPDATE claims SET upstream_checked_at = $2 WHERE id = $1", &[Val::Text(id), Val::Int(now)])
                .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// The watcher could not read the ticket now: try it again after the
    /// interval, like a read.
    pub async fn watch_checked(&self, id: &str) -> Result<(), StoreError> {
        self.db
            .exec("UPDATE claims SET upstream_checked_at = $2 WHERE id = $1", &[Val::Text(id), Val::Int(now_ms())])
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::store::claims::NewClaim;
    use crate::store::customer::CustomerPart;
    use crate::store::StoredAnswer;

    async fn customer_claim(s: &Store, id: &str, reference: u32) {
        let c = NewClaim { id, claim_type: "lost", portal: None, body: b"{}", tracking_number: "T", idempotency: None };
        let part = CustomerPart {
            route: "claims",
            json: r#"{"language":"de"}"#,
            email: "kunde@example.de",
            name: "Kunde",
            resolution: None,
            order_number: None,
            state: "received",
            missing: None,
            declaration: false,
            documents: None,
            parcel_kind: None,
        };
        let answer = |_| StoredAnswer { status: 202, content_type: None, body: Vec::new() };
        s.accept_customer_claim(&c, &part, || reference, answer).await.unwrap();
    }

    #[tokio::test]
    async fn each_moment_is_enqueued_once_and_sent_rows_leave_the_queue() {
        let s = Store::open_path(Path::new(":memory:"), 24).await.unwrap();
        let since = s.mail_since(0).await.unwrap();
        assert_eq!(since, 0);
        assert_eq!(s.mail_since(99).await.unwrap(), 0, "the first start decides");
        customer_claim(&s, "c1", 7).await;
        assert_eq!(s.enqueue_mails(since, 0).await.unwrap(), 1);
        assert_eq!(s.enqueue_mails(since, 0).await.unwrap(), 0, "never twice");
        // Not changed since the cursor: not looked at.
        s.db.exec("UPDATE claims SET state = 'filed', ticket_id = 5 WHERE id = 'c1'", &[]).await.unwrap();
        assert_eq!(s.enqueue_mails(since, i64::MAX).await.unwrap(), 0);
        assert_eq!(s.enqueue_mails(since, 0).await.unwrap(), 1);
        assert!(s.set_upstream_status("c1", "resolved").await.unwrap());
        assert!(!s.set_upstream_status("c1", "resolved").await.unwrap());
        assert_eq!(s.enqueue_mails(since, 0).await.unwrap(), 1);
        let moments: Vec<String> = s.claim_mails("c1").await.unwrap().into_iter().map(|m| m.moment).collect();
        assert_eq!(moments, ["received", "filed", "resolved"]);
        // Leased in the moments' order; a lease hides a row until it runs out.
        let now = now_ms();
        let first = s.lease_mail(now, 60_000).await.unwrap().unwrap();
        assert_eq!((first.moment.as_str(), first.attempts), ("received", 1));
        s.mail_requeue("c1", "received", now + 10_000, "server down").await.unwrap();
        let second = s.lease_mail(now, 60_000).await.unwrap().unwrap();
        assert_eq!(second.moment, "filed");
        s.mail_done("c1", "filed", "sent", "filed").await.unwrap();
        assert_eq!(s.lease_mail(now, 60_000).await.unwrap().unwrap().moment, "resolved");
        assert!(s.lease_mail(now, 60_000).await.unwrap().is_none());
        // The requeued one is due later; the leased one comes back when its lease ran out.
        assert_eq!(s.lease_mail(now + 20_000, 60_000).await.unwrap().unwrap().moment, "received");
        assert_eq!(s.lease_mail(now + 70_000, 60_000).await.unwrap().unwrap().moment, "resolved");
        let h = s.history("c1").await.unwrap();
        assert!(h.iter().any(|e| e.actor == "mail" && e.action == "mail_sent" && e.detail.as_deref() == Some("filed")));
        // Claims before mails were on get none.
        customer_claim(&s, "old", 8).await;
        assert_eq!(s.enqueue_mails(i64::MAX, 0).await.unwrap(), 0);
        // A claim the shop rejected: its mail, with the reason to quote.
        customer_claim(&s, "r1", 9).await;
        s.db.exec("UPDATE claims SET state = 'rejected', reason = 'Not our order' WHERE id = 'r1'", &[]).await.unwrap();
        assert_eq!(s.enqueue_mails(since, 0).await.unwrap(), 3, "old's received, r1's received and rejected");
        let r1: Vec<String> = s.claim_mails("r1").await.unwrap().into_iter().map(|m| m.moment).collect();
        assert_eq!(r1, ["received", "rejected"]);
        let facts = s.mail_claim("r1").await.unwrap().unwrap();
        assert_eq!((facts.reason.as_deref(), facts.reference), (Some("Not our order"), Some(9)));
        assert!(facts.customer.unwrap().contains("\"de\""));
    }

    #[tokio::test]
    async fn the_watcher_reads_filed_open_claims_least_recently_read_first() {
        let s = Store::open_path(Path::new(":memory:"), 24).await.unwrap();
        customer_claim(&s, "a", 1).await;
        customer_claim(&s, "b", 2).await;
        assert!(s.claims_to_watch(i64::MAX, 10).await.unwrap().is_empty(), "not filed yet");
        s.db.exec("UPDATE claims SET state = 'filed', ticket_id = 10 WHERE id = 'a'", &[]).await.unwrap();
        s.db.exec("UPDATE claims SET state = 'filed', ticket_id = 11 WHERE id = 'b'", &[]).await.unwrap();
        assert_eq!(s.claims_to_watch(i64::MAX, 10).await.unwrap().len(), 2);
        s.set_upstream_status("a", "open").await.unwrap();
        let w = s.claims_to_watch(i64::MAX, 10).await.unwrap();
        assert_eq!(w[0].id, "b", "never read comes first");
        assert_eq!(w[1].upstream_status.as_deref(), Some("open"));
        assert_eq!(s.claims_to_watch(now_ms() - 60_000, 10).await.unwrap().len(), 1, "a was just read");
        s.set_upstream_status("b", "resolved").await.unwrap();
        assert!(s.claims_to_watch(i64::MAX, 10).await.unwrap().iter().all(|w| w.id == "a"), "resolved is final");
    }
}
