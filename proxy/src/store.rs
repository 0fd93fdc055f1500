//! The proxy's durable state: one embedded SQLite file (`store.path`).
//!
//! * `idempotency`: the final answer of each ticket creation that carried an
//!   `Idempotency-Key`, keyed by key + route, with the SHA-256 of the
//!   normalized request, kept `store.idempotency_hours`.
//! * `tickets`: every ticket the proxy created (upstream's UUID, claim type,
//!   tracking number, creation time) and, once resolved, upstream's int64 id.
//!
//! * `claims`, `budget`, `budget_hold`, `ticket_reads`: the claims pipeline
//!   ([`claims`]): every accepted claim with its state, the account's
//!   upstream budget, and the cache of ticket reads.
//!
//! The schema is versioned (`PRAGMA user_version`, [`MIGRATIONS`]) and
//! migrated at start. Contact requests with an `Idempotency-Key` are still
//! tracked in flight in memory ([`Store::begin`]); claim creations are not:
//! they are decided in one transaction ([`Store::accept_claim`]).

pub mod claims;

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

/// The schema, one step per version (`PRAGMA user_version` counts the
/// steps applied). A step is never changed once released: a change is a
/// new step.
pub const MIGRATIONS: &[&str] = &[
    // 1: idempotency answers and the UUID→int map of the synchronous relay.
    "CREATE TABLE IF NOT EXISTS idempotency (
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
    // 2: the claims pipeline.
    "CREATE TABLE claims (
         id TEXT PRIMARY KEY,
         claim_type TEXT NOT NULL,
         portal TEXT,
         body BLOB NOT NULL,
         tracking_number TEXT NOT NULL,
         state TEXT NOT NULL,
         reason TEXT,
         attempts INTEGER NOT NULL DEFAULT 0,
         ambiguous INTEGER NOT NULL DEFAULT 0,
         ambiguous_since INTEGER,
         next_attempt_at INTEGER NOT NULL,
         lease_until INTEGER,
         first_sent_at INTEGER,
         last_sent_at INTEGER,
         upstream_uuid TEXT,
         ticket_id INTEGER UNIQUE,
         created_at INTEGER NOT NULL,
         updated_at INTEGER NOT NULL
     );
     CREATE INDEX claims_due ON claims (state, next_attempt_at);
     CREATE INDEX claims_leased ON claims (state, lease_until);
     CREATE INDEX claims_unmatched ON claims (last_sent_at) WHERE ticket_id IS NULL;
     CREATE TABLE budget (account TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL);
     CREATE INDEX budget_window ON budget (account, kind, at);
     CREATE TABLE budget_hold (
         account TEXT NOT NULL, kind TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (account, kind)
     );
     CREATE TABLE ticket_reads (
         ticket_id INTEGER PRIMARY KEY,
         status INTEGER NOT NULL,
         body BLOB NOT NULL,
         fetched_at INTEGER NOT NULL
     );
     -- Tickets the synchronous relay created become filed claims under
     -- upstream's UUID (the id their access tokens were issued for).
     INSERT INTO claims (id, claim_type, body, tracking_number, state, next_attempt_at, first_sent_at,
                         last_sent_at, upstream_uuid, ticket_id, created_at, updated_at)
     SELECT uuid, claim_type, X'7B7D', tracking_number, 'filed', created_at, created_at, created_at, uuid,
            ticket_id, created_at, created_at
     FROM tickets;",
];

/// Applies the steps of [`MIGRATIONS`] the file does not have yet, each in
/// its own transaction. A file from a newer proxy is refused.
fn migrate(db: &mut Connection) -> Result<(), StoreError> {
    let have: i64 = db.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if have > MIGRATIONS.len() as i64 {
        return Err(StoreError(format!(
            "store schema version {have} is newer than this proxy's ({}); run a newer proxy",
            MIGRATIONS.len()
        )));
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(have as usize) {
        let tx = db.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while this one waited.
        let now: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now > i as i64 {
            continue;
        }
        tx.execute_batch(step)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
        tx.commit()?;
    }
    Ok(())
}

/// The answer kept for `key` on `route` since `cutoff`, with the hash of
/// the request it answered.
fn stored_answer(
    db: &Connection,
    key: &str,
    route: &str,
    cutoff: i64,
) -> rusqlite::Result<Option<(String, StoredAnswer)>> {
    db.query_row(
        "SELECT body_hash, status, content_type, body FROM idempotency
         WHERE key = ?1 AND route = ?2 AND created_at >= ?3",
        params![key, route, cutoff],
        |r| Ok((r.get::<_, String>(0)?, StoredAnswer { status: r.get(1)?, content_type: r.get(2)?, body: r.get(3)? })),
    )
    .optional()
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
        let mut db = open_connection(path)?;
        db.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
        migrate(&mut db)?;
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
        let stored = stored_answer(&self.db(), key, route, cutoff)?;
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
    fn a_version_1_file_is_migrated_and_its_tickets_become_filed_claims() {
        let path = std::env::temp_dir().join(format!("pd-migrate-{}.sqlite3", uuid::Uuid::new_v4()));
        {
            let db = Connection::open(&path).unwrap();
            db.execute_batch(MIGRATIONS[0]).unwrap();
            db.execute_batch("PRAGMA user_version = 1").unwrap();
            db.execute(
                "INSERT INTO tickets (uuid, claim_type, tracking_number, created_at, ticket_id) VALUES
                 ('u-resolved', 'lost', 'T1', 5, 2001), ('u-open', 'damage', 'T2', 6, NULL)",
                [],
            )
            .unwrap();
        }
        let s = Store::open(&path, 24).unwrap();
        let resolved = s.claim("u-resolved").unwrap().unwrap();
        assert_eq!((resolved.state.as_str(), resolved.ticket_id), ("filed", Some(2001)));
        let open = s.claim("u-open").unwrap().unwrap();
        assert_eq!((open.state.as_str(), open.ticket_id, open.claim_type.as_str()), ("filed", None, "damage"));
        assert_eq!(s.claims_to_match(0).unwrap().len(), 1, "the open one is matched by the worker");
        drop(s);
        // Opening again changes nothing; a file from a newer proxy is refused.
        Store::open(&path, 24).unwrap();
        Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
        assert!(Store::open(&path, 24).unwrap_err().0.contains("newer"));
        let _ = std::fs::remove_file(&path);
    }
}
