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

fn names_from(json: &str) -> Vec<ConversationAttachment> {
    serde_json::from_str::<Vec<String>>(json)
        .unwrap_or_default()
        .into_iter()
        .map(|filename| ConversationAttachment { filename })
        .collect()
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
        // Rows of (created_at, text, attachments), all from `role`.
        let message = |role: Role| {
            move |r: &crate::store::db::Row<'_, '_>| {
                Ok(ConversationMessage {
                    from: role.clone(),
                    created_at: r.get(0)?,
                    text: r.get(1)?,
                    attachments: names_from(&r.get::<String>(2)?),
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
                        "SELECT created_at, text, attachments FROM jtl_replies WHERE ticket_id = $1
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
        assert_eq!(c[1].text, "reply e1");
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
