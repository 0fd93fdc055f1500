//! The JTL channel's tables, in the proxy's store (the same database as
//! the claims; the tables are created by its migrations).
//!
//! * `jtl_tickets`: each ticket the proxy created: the buyer's message.
//! * `jtl_replies`: the seller's replies from `Seller:Ticket.Reply` events,
//!   keyed by event id, so a redelivered event is stored once.

use std::sync::atomic::{AtomicU32, Ordering};

use parcel_desk_wire::jtl::{ConversationAttachment, ConversationMessage, Role};

use crate::store::db::Val;
// The proxy's one store error type and clock, shared with the Sendcloud
// store (same database).
pub use crate::store::StoreError;
use crate::store::{now_ms, Db, Dialect};

/// A seller reply to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub event_id: String,
    pub ticket_id: String,
    pub created_at: String,
    pub text: String,
    pub attachments: Vec<String>,
}

/// The JTL tables.
pub struct JtlStore {
    db: Db,
    /// Test hook: the next N writes fail.
    fail_writes: AtomicU32,
}

impl std::fmt::Debug for JtlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JtlStore")
    }
}

fn names_json(names: &[String]) -> String {
    serde_json::to_string(names).unwrap_or_else(|_| "[]".into())
}

/// The attachments of a stored message; a seller reply's (`event_id`)
/// get their download ids.
fn names_from(json: &str, event_id: Option<&str>) -> Vec<ConversationAttachment> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .into_iter()
        .map(|filename| ConversationAttachment { id: event_id.map(|e| attachment_id(e, &filename)), filename })
        .collect()
}

/// The id a seller reply's file is downloaded by: 16 hex digits of
/// SHA-256 over the reply's event id and the filename (unique in a reply),
/// so it stays the same however often the conversation is read.
pub fn attachment_id(event_id: &str, filename: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(event_id.as_bytes());
    h.update([0u8]);
    h.update(filename.as_bytes());
    h.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

impl JtlStore {
    /// The JTL tables of the store behind `db` (migrated already).
    pub fn new(db: Db) -> JtlStore {
        JtlStore { db, fail_writes: AtomicU32::new(0) }
    }

    /// Test hook: makes the next `n` writes fail with a store error.
    pub fn fail_next_writes(&self, n: u32) {
        self.fail_writes.store(n, Ordering::SeqCst);
    }

    fn injected_failure(&self) -> Result<(), StoreError> {
        let hit = self.fail_writes.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
        if hit {
            return Err(StoreError("store: injected failure".into()));
        }
        Ok(())
    }

    /// Records the buyer's message of a created ticket.
    pub async fn record_ticket(
        &self,
        ticket_id: &str,
        created_at: &str,
        buyer_name: &str,
        subject: &str,
        message: &str,
        attachments: &[String],
    ) -> Result<(), StoreError> {
        self.injected_failure()?;
        self.db
            .exec(
                "INSERT INTO jtl_tickets (ticket_id, created_at, created_ms, buyer_name, subject, message, attachments)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (ticket_id) DO NOTHING",
                &[
                    Val::Text(ticket_id),
                    Val::Text(created_at),
                    Val::Int(now_ms()),
                    Val::Text(buyer_name),
                    Val::Text(subject),
                    Val::Text(message),
                    Val::Text(&names_json(attachments)),
                ],
            )
            .await?;
        Ok(())
    }

    /// Stores replies in one transaction; an event id already stored is
    /// skipped. Returns how many were new. Only after this returns `Ok` may
    /// the events be acknowledged upstream.
    pub async fn store_replies(&self, replies: &[Reply]) -> Result<usize, StoreError> {
        self.injected_failure()?;
        let mut tx = self.db.begin().await?;
        let mut new = 0;
        for r in replies {
            new += tx
                .exec(
                    "INSERT INTO jtl_replies (event_id, ticket_id, created_at, received_ms, text, attachments)
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING",
                    &[
                        Val::Text(&r.event_id),
                        Val::Text(&r.ticket_id),
                        Val::Text(&r.created_at),
                        Val::Int(now_ms()),
                        Val::Text(&r.text),
                        Val::Text(&names_json(&r.attachments)),
                    ],
                )
                .await?;
        }
        tx.commit().await?;
        Ok(new as usize)
    }

    /// True when the proxy created this ticket.
    pub async fn has_ticket(&self, ticket_id: &str) -> Result<bool, StoreError> {
        let n = self
            .db
            .query_opt("SELECT COUNT(*) FROM jtl_tickets WHERE ticket_id = $1", &[Val::Text(ticket_id)], |r| {
                r.get::<i64>(0)
            })
            .await?;
        Ok(n.unwrap_or(0) > 0)
    }

    /// The conversation of a ticket: the buyer's message, then the seller's
    /// replies in the order they arrived.
    pub async fn conversation(&self, ticket_id: &str) -> Result<Vec<ConversationMessage>, StoreError> {
        // Rows of (created_at, text, attachments[, event_id]), all from
        // `role`; the seller's rows carry the event id their files' ids
        // come from.
        let message = |role: Role| {
            move |r: &crate::store::db::Row<'_, '_>| {
                let event_id: Option<String> = if role == Role::Seller { Some(r.get(3)?) } else { None };
                Ok(ConversationMessage {
                    from: role.clone(),
                    created_at: r.get(0)?,
                    text: r.get(1)?,
                    attachments: names_from(&r.get::<String>(2)?, event_id.as_deref()),
                })
            }
        };
        let mut out = self
            .db
            .query(
                "SELECT created_at, message, attachments FROM jtl_tickets WHERE ticket_id = $1",
                &[Val::Text(ticket_id)],
                message(Role::Buyer),
            )
            .await?;
        // Insertion order: SQLite's rowid, PostgreSQL's sequence.
        let order = match self.db.dialect() {
            Dialect::Sqlite => "rowid",
            Dialect::Postgres => "seq",
        };
        out.extend(
            self.db
                .query(
                    &format!(
                        "SELECT created_at, text, attachments, event_id FROM jtl_replies WHERE ticket_id = $1
                         ORDER BY received_ms, {order}"
                    ),
                    &[Val::Text(ticket_id)],
                    message(Role::Seller),
                )
                .await?,
        );
        Ok(out)
    }

    /// Number of stored replies for a ticket (tests, diagnostics).
    pub async fn reply_count(&self, ticket_id: &str) -> Result<usize, StoreError> {
        let n = self
            .db
            .query_opt("SELECT COUNT(*) FROM jtl_replies WHERE ticket_id = $1", &[Val::Text(ticket_id)], |r| {
                r.get::<i64>(0)
            })
            .await?;
        Ok(n.unwrap_or(0) as usize)
    }
}

/// A contact ticket in the outbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxRow {
    pub ticket_id: String,
    /// The `ChannelTicket` JSON, as sent to JTL-SCX.
    pub ticket: Vec<u8>,
    /// JSON list of the attachments to send after the ticket.
    pub files: String,
    /// `filing` (a worker or the accepting request holds it), `queued`,
    /// `filed`, `needs_attention`.
    pub state: String,
    /// JTL-SCX has the ticket (its attachments may still be due).
    pub created: bool,
    /// JSON list of the attachments' outcomes, once they were sent.
    pub results: Option<String>,
    pub reason: Option<String>,
    /// Attempts to create the ticket so far (this one included, while
    /// `filing`).
    pub attempts: i64,
}

const OUTBOX_COLUMNS: &str = "ticket_id, ticket, files, state, created, results, reason, attempts";

fn outbox_row(r: &crate::store::db::Row<'_, '_>) -> Result<OutboxRow, StoreError> {
    Ok(OutboxRow {
        ticket_id: r.get(0)?,
        ticket: r.get(1)?,
        files: r.get(2)?,
        state: r.get(3)?,
        created: r.get::<i64>(4)? != 0,
        results: r.get(5)?,
        reason: r.get(6)?,
        attempts: r.get(7)?,
    })
}

impl JtlStore {
    /// Puts a contact ticket in the outbox and records the buyer's message,
    /// in one transaction. The row starts `filing`, leased to the accepting
    /// request until `now + lease_ms` (it tries at once); if that request
    /// dies, a worker takes it after the lease.
    #[allow(clippy::too_many_arguments)]
    pub async fn enqueue(
        &self,
        ticket_id: &str,
        ticket: &[u8],
        files: &str,
        created_at: &str,
        buyer_name: &str,
        subject: &str,
        message: &str,
        attachments: &[String],
        lease_ms: i64,
    ) -> Result<(), StoreError> {
        self.injected_failure()?;
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        tx.exec(
            "INSERT INTO jtl_outbox (ticket_id, ticket, files, state, attempts, next_attempt_at, lease_until,
                 created_at, updated_at)
             VALUES ($1, $2, $3, 'filing', 1, $4, $5, $4, $4)",
            &[Val::Text(ticket_id), Val::Bytes(ticket), Val::Text(files), Val::Int(now), Val::Int(now + lease_ms)],
        )
        .await?;
        tx.exec(
            "INSERT INTO jtl_tickets (ticket_id, created_at, created_ms, buyer_name, subject, message, attachments)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (ticket_id) DO NOTHING",
            &[
                Val::Text(ticket_id),
                Val::Text(created_at),
                Val::Int(now),
                Val::Text(buyer_name),
                Val::Text(subject),
                Val::Text(message),
                Val::Text(&names_json(attachments)),
            ],
        )
        .await?;
        tx.commit().await
    }

    /// Takes the next outbox row due: `queued` and due, or `filing` with a
    /// lease that ran out. It becomes `filing` until `now + lease_ms`.
    pub async fn lease_outbox(&self, now: i64, lease_ms: i64) -> Result<Option<OutboxRow>, StoreError> {
        let mut tx = self.db.begin().await?;
        let lock = self.db.skip_locked();
        let stale = format!(
            "SELECT {OUTBOX_COLUMNS} FROM jtl_outbox WHERE state = 'filing' AND lease_until < $1
             ORDER BY lease_until LIMIT 1{lock}"
        );
        let due = format!(
            "SELECT {OUTBOX_COLUMNS} FROM jtl_outbox WHERE state = 'queued' AND next_attempt_at <= $1
             ORDER BY next_attempt_at LIMIT 1{lock}"
        );
        let found = match tx.query_opt(&stale, &[Val::Int(now)], outbox_row).await? {
            Some(r) => Some(r),
            None => tx.query_opt(&due, &[Val::Int(now)], outbox_row).await?,
        };
        let Some(mut row) = found else {
            tx.rollback().await?;
            return Ok(None);
        };
        row.attempts += 1;
        row.state = "filing".into();
        tx.exec(
            "UPDATE jtl_outbox SET state = 'filing', lease_until = $2, attempts = $3, updated_at = $4
             WHERE ticket_id = $1",
            &[Val::Text(&row.ticket_id), Val::Int(now + lease_ms), Val::Int(row.attempts), Val::Int(now)],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(row))
    }

    async fn outbox_update(&self, sql: &str, vals: &[Val<'_>]) -> Result<(), StoreError> {
        self.db.exec(sql, vals).await?;
        Ok(())
    }

    /// JTL-SCX has the ticket.
    pub async fn outbox_created(&self, ticket_id: &str) -> Result<(), StoreError> {
        self.outbox_update(
            "UPDATE jtl_outbox SET created = 1, reason = NULL, updated_at = $2 WHERE ticket_id = $1",
            &[Val::Text(ticket_id), Val::Int(now_ms())],
        )
        .await
    }

    /// Back to `queued` until `next_at`; `reason` says what it waits for.
    pub async fn outbox_requeue(&self, ticket_id: &str, next_at: i64, reason: &str) -> Result<(), StoreError> {
        self.outbox_update(
            "UPDATE jtl_outbox SET state = 'queued', next_attempt_at = $2, reason = $3, lease_until = NULL,
                 updated_at = $4
             WHERE ticket_id = $1 AND state = 'filing'",
            &[Val::Text(ticket_id), Val::Int(next_at), Val::Text(reason), Val::Int(now_ms())],
        )
        .await
    }

    /// Done: the ticket is at JTL-SCX and each attachment was tried
    /// (`results`: their outcomes, JSON).
    pub async fn outbox_filed(&self, ticket_id: &str, results: &str) -> Result<(), StoreError> {
        self.outbox_update(
            "UPDATE jtl_outbox SET state = 'filed', created = 1, results = $2, reason = NULL, lease_until = NULL,
                 updated_at = $3
             WHERE ticket_id = $1",
            &[Val::Text(ticket_id), Val::Text(results), Val::Int(now_ms())],
        )
        .await
    }

    /// JTL-SCX refused the ticket for good.
    pub async fn outbox_refused(&self, ticket_id: &str, reason: &str) -> Result<(), StoreError> {
        self.outbox_update(
            "UPDATE jtl_outbox SET state = 'needs_attention', reason = $2, lease_until = NULL, updated_at = $3
             WHERE ticket_id = $1",
            &[Val::Text(ticket_id), Val::Text(reason), Val::Int(now_ms())],
        )
        .await
    }

    /// The outbox row of a ticket.
    pub async fn outbox(&self, ticket_id: &str) -> Result<Option<OutboxRow>, StoreError> {
        self.db
            .query_opt(
                &format!("SELECT {OUTBOX_COLUMNS} FROM jtl_outbox WHERE ticket_id = $1"),
                &[Val::Text(ticket_id)],
                outbox_row,
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(id: &str) -> Reply {
        Reply {
            event_id: id.into(),
            ticket_id: "PD-1".into(),
            created_at: "2026-01-01T00:00:00+00:00".into(),
            text: format!("reply {id}"),
            attachments: vec!["a.pdf".into()],
        }
    }

    #[tokio::test]
    async fn replies_are_stored_once_and_ordered() {
        let s = JtlStore::new(
            crate::store::Store::open_path(std::path::Path::new(":memory:"), 24).await.unwrap().db().clone(),
        );
        s.record_ticket("PD-1", "2026-01-01T00:00:00+00:00", "Dave", "S", "Hello", &["x.png".into()]).await.unwrap();
        assert_eq!(s.store_replies(&[reply("e1"), reply("e2")]).await.unwrap(), 2);
        assert_eq!(s.store_replies(&[reply("e1")]).await.unwrap(), 0);
        let c = s.conversation("PD-1").await.unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].from, Role::Buyer);
        assert_eq!(c[0].attachments[0].filename, "x.png");
        assert_eq!(c[0].attachments[0].id, None, "the customer's own files are not downloadable");
        assert_eq!(c[1].text, "reply e1");
        assert_eq!(c[1].attachments[0].id.as_deref(), Some(attachment_id("e1", "a.pdf").as_str()));
        assert_ne!(c[1].attachments[0].id, c[2].attachments[0].id, "the same name in two replies");
        assert!(parcel_desk_wire::route::is_channel_attachment_id(c[1].attachments[0].id.as_deref().unwrap()));
        assert_eq!(c[2].text, "reply e2");
        assert!(s.has_ticket("PD-1").await.unwrap());
        assert!(!s.has_ticket("PD-2").await.unwrap());
    }

    #[tokio::test]
    async fn injected_failure_stores_nothing() {
        let s = JtlStore::new(
            crate::store::Store::open_path(std::path::Path::new(":memory:"), 24).await.unwrap().db().clone(),
        );
        s.fail_next_writes(1);
        assert!(s.store_replies(&[reply("e1")]).await.is_err());
        assert_eq!(s.reply_count("PD-1").await.unwrap(), 0);
        assert_eq!(s.store_replies(&[reply("e1")]).await.unwrap(), 1);
    }
}
