//! The proxy's durable state: one embedded SQLite file (`store.path`).
//!
//! * `idempotency`: the final answer of each ticket creation that carried an
//!   `Idempotency-Key`, keyed by key + route, with the SHA-256 of the
//!   normalized request, kept `store.idempotency_hours`.
//! * `tickets`: every ticket the proxy created (upstream's UUID, claim type,
//!   tracking number, creation time) and, once resolved, upstream's int64 id.
//!
//! Requests in flight are tracked in memory ([`Store::begin`]): the store
//! belongs to one proxy process.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{params, Connection, OptionalExtension};

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// A stored final answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredAnswer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// What a new request with an `Idempotency-Key` has to do.
#[derive(Debug)]
pub enum Claim {
    /// First use (or the earlier attempt ended without a final answer): go
    /// upstream; the guard marks the key in flight until dropped.
    Proceed(InFlight),
    /// Same key, same request: replay this answer.
    Replay(StoredAnswer),
    /// Same key, different request.
    Reused,
    /// Same key, first request still running.
    InProgress,
}

/// One ticket the proxy created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketRecord {
    pub uuid: String,
    /// `lost` or `damage` (the create route).
    pub claim_type: String,
    pub tracking_number: String,
    /// When the proxy sent the create request, ms since the epoch.
    pub created_at_ms: i64,
    /// Upstream's int64 id, once resolved.
    pub ticket_id: Option<i64>,
}

/// Why the store failed (I/O, corrupt file); the message never contains data.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(format!("store: {e}"))
    }
}

struct Inner {
    db: Mutex<Connection>,
    in_flight: Mutex<HashSet<(String, String)>>,
    keep_ms: i64,
}

/// The SQLite store; cheap to clone.
#[derive(Clone)]
pub struct Store(Arc<Inner>);

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

/// Marks one key in flight; dropping it (answer stored, or the request
/// abandoned) releases the key.
#[derive(Debug)]
pub struct InFlight {
    store: Store,
    key: (String, String),
    hash: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.store.0.in_flight.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.key);
    }
}

impl InFlight {
    /// Stores the final answer for this key (the caller decides what is
    /// final: never 408/409/429/5xx or network failures).
    pub fn complete(self, answer: &StoredAnswer) -> Result<(), StoreError> {
        let db = self.store.db();
        db.execute(
            "INSERT OR REPLACE INTO idempotency (key, route, body_hash, status, content_type, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![self.key.0, self.key.1, self.hash, answer.status, answer.content_type, answer.body, now_ms()],
        )?;
        Ok(())
    }
}

/// Opens the SQLite file at `path` (`:memory:`: a private in-memory
/// database) with a 5 s busy timeout: the Sendcloud and JTL stores share
/// the file through their own connections.
pub(crate) fn open_connection(path: &Path) -> Result<Connection, StoreError> {
    let db = if path.as_os_str() == ":memory:" {
        Connection::open_in_memory()?
    } else {
        Connection::open(path).map_err(|e| StoreError(format!("cannot open the store {}: {e}", path.display())))?
    };
    db.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(db)
}

impl Store {
    /// Opens (or creates) the store at `path` (`:memory:` for a private
    /// in-memory one); answers older than `keep_hours` are dropped.
    pub fn open(path: &Path, keep_hours: u64) -> Result<Store, StoreError> {
        let db = open_connection(path)?;
        db.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             CREATE TABLE IF NOT EXISTS idempotency (
                 key TEXT NOT NULL,
                 route TEXT NOT NULL,
                 body_hash TEXT NOT NULL,
                 status INTEGER NOT NULL,
                 content_type TEXT,
                 body BLOB NOT NULL,
                 created_at INTEGER NOT NULL,
                 PRIMARY KEY (key, route)
             );
             CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_at);
             CREATE TABLE IF NOT EXISTS tickets (
                 uuid TEXT PRIMARY KEY,
                 claim_type TEXT NOT NULL,
                 tracking_number TEXT NOT NULL,
                 created_at INTEGER NOT NULL,
                 ticket_id INTEGER UNIQUE
             );",
        )?;
        let store = Store(Arc::new(Inner {
            db: Mutex::new(db),
            in_flight: Mutex::new(HashSet::new()),
            keep_ms: (keep_hours.min(100_000) as i64) * 3_600_000,
        }));
        store.prune()?;
        Ok(store)
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        self.0.db.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops idempotency answers older than the retention.
    pub fn prune(&self) -> Result<usize, StoreError> {
        let cutoff = now_ms() - self.0.keep_ms;
        Ok(self.db().execute("DELETE FROM idempotency WHERE created_at < ?1", params![cutoff])?)
    }

    /// Decides what a request with `key` on `route` and request hash `hash`
    /// does; atomic with respect to other requests of this process.
    pub fn begin(&self, key: &str, route: &str, hash: &str) -> Result<Claim, StoreError> {
        let mut in_flight = self.0.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        let cutoff = now_ms() - self.0.keep_ms;
        let stored = self
            .db()
            .query_row(
                "SELECT body_hash, status, content_type, body FROM idempotency
                 WHERE key = ?1 AND route = ?2 AND created_at >= ?3",
                params![key, route, cutoff],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        StoredAnswer { status: r.get(1)?, content_type: r.get(2)?, body: r.get(3)? },
                    ))
                },
            )
            .optional()?;
        if let Some((stored_hash, answer)) = stored {
            return Ok(if stored_hash == hash { Claim::Replay(answer) } else { Claim::Reused });
        }
        let k = (key.to_owned(), route.to_owned());
        if in_flight.contains(&k) {
            return Ok(Claim::InProgress);
        }
        in_flight.insert(k.clone());
        Ok(Claim::Proceed(InFlight { store: self.clone(), key: k, hash: hash.to_owned() }))
    }

    /// Records a ticket the proxy created.
    pub fn record_ticket(&self, t: &TicketRecord) -> Result<(), StoreError> {
        self.db().execute(
            "INSERT OR IGNORE INTO tickets (uuid, claim_type, tracking_number, created_at, ticket_id)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![t.uuid, t.claim_type, t.tracking_number, t.created_at_ms, t.ticket_id],
        )?;
        Ok(())
    }

    fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TicketRecord> {
        Ok(TicketRecord {
            uuid: r.get(0)?,
            claim_type: r.get(1)?,
            tracking_number: r.get(2)?,
            created_at_ms: r.get(3)?,
            ticket_id: r.get(4)?,
        })
    }

    /// The ticket created under this UUID.
    pub fn ticket(&self, uuid: &str) -> Result<Option<TicketRecord>, StoreError> {
        Ok(self
            .db()
            .query_row(
                "SELECT uuid, claim_type, tracking_number, created_at, ticket_id FROM tickets WHERE uuid = ?1",
                params![uuid],
                Self::row,
            )
            .optional()?)
    }

    /// The UUID mapped to an int id, if any.
    pub fn uuid_for(&self, ticket_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .db()
            .query_row("SELECT uuid FROM tickets WHERE ticket_id = ?1", params![ticket_id], |r| r.get(0))
            .optional()?)
    }

    /// Unresolved tickets of one claim type, oldest first.
    pub fn unresolved(&self, claim_type: &str) -> Result<Vec<TicketRecord>, StoreError> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT uuid, claim_type, tracking_number, created_at, ticket_id FROM tickets
             WHERE claim_type = ?1 AND ticket_id IS NULL ORDER BY created_at, rowid",
        )?;
        let rows = stmt.query_map(params![claim_type], Self::row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// True when some ticket is already mapped to this int id.
    pub fn is_mapped(&self, ticket_id: i64) -> Result<bool, StoreError> {
        Ok(self.uuid_for(ticket_id)?.is_some())
    }

    /// Stores the mapping UUID → int id (once; later calls do nothing).
    pub fn resolve(&self, uuid: &str, ticket_id: i64) -> Result<(), StoreError> {
        self.db().execute(
            "UPDATE tickets SET ticket_id = ?2 WHERE uuid = ?1 AND ticket_id IS NULL
             AND NOT EXISTS (SELECT 1 FROM tickets WHERE ticket_id = ?2)",
            params![uuid, ticket_id],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_lifecycle() {
        let s = Store::open(Path::new(":memory:"), 24).unwrap();
        let Claim::Proceed(guard) = s.begin("k", "lost", "h1").unwrap() else { panic!() };
        assert!(matches!(s.begin("k", "lost", "h1").unwrap(), Claim::InProgress));
        assert!(matches!(s.begin("k", "damage", "h1").unwrap(), Claim::Proceed(_)));
        let answer = StoredAnswer { status: 202, content_type: Some("application/json".into()), body: b"{}".to_vec() };
        guard.complete(&answer).unwrap();
        assert!(matches!(s.begin("k", "lost", "h1").unwrap(), Claim::Replay(a) if a == answer));
        assert!(matches!(s.begin("k", "lost", "h2").unwrap(), Claim::Reused));
        // Abandoned without an answer: the key is free again.
        let Claim::Proceed(g) = s.begin("other", "lost", "h").unwrap() else { panic!() };
        drop(g);
        assert!(matches!(s.begin("other", "lost", "h").unwrap(), Claim::Proceed(_)));
    }

    #[test]
    fn ticket_mapping_is_stored_once() {
        let s = Store::open(Path::new(":memory:"), 24).unwrap();
        let t = TicketRecord {
            uuid: "u1".into(),
            claim_type: "lost".into(),
            tracking_number: "T".into(),
            created_at_ms: 5,
            ticket_id: None,
        };
        s.record_ticket(&t).unwrap();
        s.record_ticket(&TicketRecord { uuid: "u2".into(), created_at_ms: 6, ..t.clone() }).unwrap();
        assert_eq!(s.unresolved("lost").unwrap().len(), 2);
        s.resolve("u1", 42).unwrap();
        s.resolve("u2", 42).unwrap();
        assert_eq!(s.ticket("u1").unwrap().unwrap().ticket_id, Some(42));
        assert_eq!(s.ticket("u2").unwrap().unwrap().ticket_id, None);
        assert_eq!(s.uuid_for(42).unwrap().as_deref(), Some("u1"));
        assert!(s.is_mapped(42).unwrap());
    }
}
