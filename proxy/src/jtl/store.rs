//! SQLite tables of the JTL channel tickets, in the proxy's store file
//! (`store.path`; its own connection, its own `jtl_*` tables).
//!
//! * `jtl_tickets`: each ticket the proxy created: the buyer's message.
//! * `jtl_replies`: the seller's replies from `Seller:Ticket.Reply` events,
//!   keyed by event id, so a redelivered event is stored once.

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard};

use parcel_desk_wire::jtl::{ConversationAttachment, ConversationMessage, Role};
use rusqlite::{params, Connection};

// The proxy's one store error type and clock, shared with the Sendcloud
// store (same database file).
use crate::store::now_ms;
pub use crate::store::StoreError;

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
    db: Mutex<Connection>,
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
    /// Opens (or creates) the tables in the SQLite file at `path`
    /// (`:memory:`: a private in-memory database).
    pub fn open(path: &Path) -> Result<JtlStore, StoreError> {
        let db = crate::store::open_connection(path)?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS jtl_tickets (
                 ticket_id TEXT PRIMARY KEY,
                 created_at TEXT NOT NULL,
                 created_ms INTEGER NOT NULL,
                 buyer_name TEXT NOT NULL,
                 subject TEXT NOT NULL,
                 message TEXT NOT NULL,
                 attachments TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS jtl_replies (
                 event_id TEXT PRIMARY KEY,
                 ticket_id TEXT NOT NULL,
                 created_at TEXT NOT NULL,
                 received_ms INTEGER NOT NULL,
                 text TEXT NOT NULL,
                 attachments TEXT NOT NULL
             );
             CREATE INDEX IF NOT EXISTS jtl_replies_ticket ON jtl_replies (ticket_id);",
        )?;
        Ok(JtlStore { db: Mutex::new(db), fail_writes: AtomicU32::new(0) })
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|e| e.into_inner())
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
    pub fn record_ticket(
        &self,
        ticket_id: &str,
        created_at: &str,
        buyer_name: &str,
        subject: &str,
        message: &str,
        attachments: &[String],
    ) -> Result<(), StoreError> {
        self.injected_failure()?;
        self.db().execute(
            "INSERT OR IGNORE INTO jtl_tickets (ticket_id, created_at, created_ms, buyer_name, subject, message, attachments)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![ticket_id, created_at, now_ms(), buyer_name, subject, message, names_json(attachments)],
        )?;
        Ok(())
    }

    /// Stores replies in one transaction; an event id already stored is
    /// skipped. Returns how many were new. Only after this returns `Ok` may
    /// the events be acknowledged upstream.
    pub fn store_replies(&self, replies: &[Reply]) -> Result<usize, StoreError> {
        self.injected_failure()?;
        let mut db = self.db();
        let tx = db.transaction()?;
        let mut new = 0;
        {
            let mut stmt = tx.prepare(
                "INSERT OR IGNORE INTO jtl_replies (event_id, ticket_id, created_at, received_ms, text, attachments)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for r in replies {
                new += stmt.execute(params![
                    r.event_id,
                    r.ticket_id,
                    r.created_at,
                    now_ms(),
                    r.text,
                    names_json(&r.attachments)
                ])?;
            }
        }
        tx.commit()?;
        Ok(new)
    }

    /// True when the proxy created this ticket.
    pub fn has_ticket(&self, ticket_id: &str) -> Result<bool, StoreError> {
        let n: i64 =
            self.db()
                .query_row("SELECT COUNT(*) FROM jtl_tickets WHERE ticket_id = ?1", params![ticket_id], |r| r.get(0))?;
        Ok(n > 0)
    }

    /// The conversation of a ticket: the buyer's message, then the seller's
    /// replies in the order they arrived.
    pub fn conversation(&self, ticket_id: &str) -> Result<Vec<ConversationMessage>, StoreError> {
        let db = self.db();
        // Rows of (created_at, text, attachments), all from `role`.
        let messages = |sql: &str, role: Role| -> Result<Vec<ConversationMessage>, StoreError> {
            let mut stmt = db.prepare(sql)?;
            let rows = stmt.query_map(params![ticket_id], |r| {
                Ok(ConversationMessage {
                    from: role.clone(),
                    created_at: r.get(0)?,
                    text: r.get(1)?,
                    attachments: names_from(&r.get::<_, String>(2)?),
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        };
        let mut out =
            messages("SELECT created_at, message, attachments FROM jtl_tickets WHERE ticket_id = ?1", Role::Buyer)?;
        out.extend(messages(
            "SELECT created_at, text, attachments FROM jtl_replies WHERE ticket_id = ?1 ORDER BY received_ms, rowid",
            Role::Seller,
        )?);
        Ok(out)
    }

    /// Number of stored replies for a ticket (tests, diagnostics).
    pub fn reply_count(&self, ticket_id: &str) -> Result<usize, StoreError> {
        let n: i64 =
            self.db()
                .query_row("SELECT COUNT(*) FROM jtl_replies WHERE ticket_id = ?1", params![ticket_id], |r| r.get(0))?;
        Ok(n as usize)
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

    #[test]
    fn replies_are_stored_once_and_ordered() {
        let s = JtlStore::open(Path::new(":memory:")).unwrap();
        s.record_ticket("PD-1", "2026-01-01T00:00:00+00:00", "Dave", "S", "Hello", &["x.png".into()]).unwrap();
        assert_eq!(s.store_replies(&[reply("e1"), reply("e2")]).unwrap(), 2);
        assert_eq!(s.store_replies(&[reply("e1")]).unwrap(), 0);
        let c = s.conversation("PD-1").unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].from, Role::Buyer);
        assert_eq!(c[0].attachments[0].filename, "x.png");
        assert_eq!(c[1].text, "reply e1");
        assert_eq!(c[2].text, "reply e2");
        assert!(s.has_ticket("PD-1").unwrap());
        assert!(!s.has_ticket("PD-2").unwrap());
    }

    #[test]
    fn injected_failure_stores_nothing() {
        let s = JtlStore::open(Path::new(":memory:")).unwrap();
        s.fail_next_writes(1);
        assert!(s.store_replies(&[reply("e1")]).is_err());
        assert_eq!(s.reply_count("PD-1").unwrap(), 0);
        assert_eq!(s.store_replies(&[reply("e1")]).unwrap(), 1);
    }
}
