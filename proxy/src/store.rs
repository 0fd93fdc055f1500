//! The proxy's durable state, in one database: an embedded SQLite file
//! (`store.url = "sqlite:///path"` or `store.path`, the default) or
//! PostgreSQL (`store.url = "postgres://…"`, for several proxies).
//!
//! * `idempotency`: the final answer of each creation that carried an
//!   `Idempotency-Key`, keyed by key + route, with the SHA-256 of the
//!   normalized request, kept `store.idempotency_hours`; `in_flight`: keys
//!   whose first request is still running (on any proxy).
//! * `tickets`: tickets the synchronous relay of earlier versions created
//!   (read only: their ids stay taken).
//! * `claims`, `budget`, `budget_hold`, `ticket_reads`: the claims pipeline
//!   ([`claims`]): every accepted claim with its state, the account's
//!   upstream budget, and the cache of ticket reads.
//!   Customers' claims (`POST /claims`) are rows there too, with their
//!   part, their reference and what the shop still has to add
//!   ([`customer`]).
//! * `leases`: which proxy runs a singleton task (the JTL event poller,
//!   the ticket watcher).
//! * `claim_history`, `kept_files`: who did what to a claim, and the bytes
//!   of uploaded files for the staff inbox ([`history`], [`inbox`]).
//! * `mail_outbox`, `mail_since`: customer e-mail, one row per claim and
//!   moment, and since when mails are on ([`mail`]); the ticket watcher
//!   keeps `claims.upstream_status` and `claims.upstream_checked_at`.
//! * `jtl_tickets`, `jtl_replies`, `jtl_outbox`: the JTL channel
//!   ([`crate::jtl::store`]).
//!
//! The schema is versioned and migrated at start (SQLite:
//! `PRAGMA user_version` counts the steps of [`MIGRATIONS`]; PostgreSQL:
//! table `schema_version`, steps of [`PG_MIGRATIONS`], under an advisory
//! lock so that proxies starting together migrate once).

pub mod claims;
pub mod customer;
pub mod db;
pub mod history;
pub mod inbox;
pub mod mail;
mod migrations;

use migrations::migrate;
pub use migrations::{MIGRATIONS, PG_MIGRATIONS};

use std::time::{SystemTime, UNIX_EPOCH};

use db::Val;
pub use db::{Db, Dialect, Location};

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
    /// Same key, first request still running (here or on another proxy).
    InProgress,
}

/// Why the store failed (I/O, corrupt file, database down); the message
/// never contains data.
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

/// How long a key stays in flight when its request never ends (the proxy
/// died): then a retry may go ahead.
pub const IN_FLIGHT_MS: i64 = 120_000;

const DAY_MS: i64 = 86_400_000;

/// The store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    db: Db,
    keep_ms: i64,
    keep_files_ms: i64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({:?})", self.db)
    }
}

/// Marks one key in flight; dropping it without [`InFlight::complete`]
/// (the request abandoned, or its answer not final) releases the key.
#[derive(Debug)]
pub struct InFlight {
    store: Option<Store>,
    key: String,
    route: String,
    hash: String,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let Some(store) = self.store.take() else { return };
        let (key, route) = (std::mem::take(&mut self.key), std::mem::take(&mut self.route));
        // Released in the background; if that fails the key frees itself
        // after IN_FLIGHT_MS.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let sql = "DELETE FROM in_flight WHERE key = $1 AND route = $2";
                if let Err(e) = store.db.exec(sql, &[Val::Text(&key), Val::Text(&route)]).await {
                    tracing::warn!(error = %e, "could not release an Idempotency-Key");
                }
            });
        }
    }
}

impl InFlight {
    /// Stores the final answer for this key and releases it (the caller
    /// decides what is final: never 408/409/429/5xx or network failures).
    pub async fn complete(mut self, answer: &StoredAnswer) -> Result<(), StoreError> {
        let Some(store) = self.store.take() else { return Ok(()) };
        let mut tx = store.db.begin().await?;
        put_answer(&mut tx, &self.key, &self.route, &self.hash, answer, now_ms(), i64::MAX).await?;
        tx.exec("DELETE FROM in_flight WHERE key = $1 AND route = $2", &[Val::Text(&self.key), Val::Text(&self.route)])
            .await?;
        tx.commit().await
    }
}

/// Writes the answer for `key` on `route`: a new key, or one whose answer
/// was stored before `replace_before` (ms; `i64::MAX`: always overwrite).
/// Returns the rows written (0: the key holds a newer answer).
pub(crate) async fn put_answer(
    conn: &mut db::Conn,
    key: &str,
    route: &str,
    hash: &str,
    answer: &StoredAnswer,
    now: i64,
    replace_before: i64,
) -> Result<u64, StoreError> {
    conn.exec(
        "INSERT INTO idempotency (key, route, body_hash, status, content_type, body, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (key, route) DO UPDATE SET body_hash = excluded.body_hash, status = excluded.status,
             content_type = excluded.content_type, body = excluded.body, created_at = excluded.created_at
         WHERE idempotency.created_at < $8",
        &[
            Val::Text(key),
            Val::Text(route),
            Val::Text(hash),
            Val::Int(i64::from(answer.status)),
            Val::OptText(answer.content_type.as_deref()),
            Val::Bytes(&answer.body),
            Val::Int(now),
            Val::Int(replace_before),
        ],
    )
    .await
}

/// The answer kept for `key` on `route` since `cutoff`, with the hash of
/// the request it answered.
async fn stored_answer(
    conn: &mut db::Conn,
    key: &str,
    route: &str,
    cutoff: i64,
) -> Result<Option<(String, StoredAnswer)>, StoreError> {
    conn.query_opt(
        "SELECT body_hash, status, content_type, body FROM idempotency
         WHERE key = $1 AND route = $2 AND created_at >= $3",
        &[Val::Text(key), Val::Text(route), Val::Int(cutoff)],
        |r| {
            Ok((
                r.get::<String>(0)?,
                StoredAnswer {
                    status: u16::try_from(r.get::<i64>(1)?).unwrap_or(500),
                    content_type: r.get(2)?,
                    body: r.get(3)?,
                },
            ))
        },
    )
    .await
}

impl Store {
    /// Opens (or creates) the store at `at` and migrates it; answers older
    /// than `keep_hours` are dropped.
    pub async fn open(at: &Location, keep_hours: u64) -> Result<Store, StoreError> {
        // Processes starting together on a new SQLite file can find it
        // locked while another one switches it to WAL or migrates it (SQLite
        // answers "locked" at once there, without its busy timeout): wait
        // for them, up to 10 s.
        let mut tries = 0;
        let db = loop {
            let opened = match Db::open(at).await {
                Ok(db) => migrate(&db).await.map(|()| db),
                Err(e) => Err(e),
            };
            match opened {
                Err(e) if matches!(at, Location::Sqlite(_)) && e.0.contains("locked") && tries < 100 => {
                    tries += 1;
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                other => break other?,
            }
        };
        let store = Store { db, keep_ms: (keep_hours.min(100_000) as i64) * 3_600_000, keep_files_ms: 180 * DAY_MS };
        store.prune().await?;
        Ok(store)
    }

    /// Opens a SQLite file (`:memory:`: private, in memory).
    pub async fn open_path(path: &std::path::Path, keep_hours: u64) -> Result<Store, StoreError> {
        Store::open(&Location::Sqlite(path.to_path_buf()), keep_hours).await
    }

    /// The database handle (the JTL store shares it).
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Keeps the bytes of uploaded files for `days` (default 180), then
    /// [`Store::prune`] deletes them.
    pub fn keep_files_days(mut self, days: u64) -> Store {
        self.keep_files_ms = (days.clamp(1, 100_000) as i64) * DAY_MS;
        self
    }

    /// Drops idempotency answers and kept files older than their
    /// retention, and expired in-flight keys; how many rows went. Run when
    /// the store opens, and hourly by each proxy on it.
    pub async fn prune(&self) -> Result<u64, StoreError> {
        let now = now_ms();
        let mut gone = self.db.exec("DELETE FROM in_flight WHERE until < $1", &[Val::Int(now)]).await?;
        gone += self.db.exec("DELETE FROM idempotency WHERE created_at < $1", &[Val::Int(now - self.keep_ms)]).await?;
        gone +=
            self.db.exec("DELETE FROM kept_files WHERE created_at < $1", &[Val::Int(now - self.keep_files_ms)]).await?;
        Ok(gone)
    }

    /// Decides what a request with `key` on `route` and request hash `hash`
    /// does; atomic with respect to every proxy on this store.
    pub async fn begin(&self, key: &str, route: &str, hash: &str) -> Result<Claim, StoreError> {
        let now = now_ms();
        let mut tx = self.db.begin().await?;
        if let Some((stored_hash, answer)) = stored_answer(&mut tx, key, route, now - self.keep_ms).await? {
            tx.rollback().await?;
            return Ok(if stored_hash == hash { Claim::Replay(answer) } else { Claim::Reused });
        }
        let taken = tx
            .exec(
                "INSERT INTO in_flight (key, route, until) VALUES ($1, $2, $3)
                 ON CONFLICT (key, route) DO UPDATE SET until = excluded.until WHERE in_flight.until < $4",
                &[Val::Text(key), Val::Text(route), Val::Int(now + IN_FLIGHT_MS), Val::Int(now)],
            )
            .await?;
        tx.commit().await?;
        if taken == 0 {
            return Ok(Claim::InProgress);
        }
        Ok(Claim::Proceed(InFlight {
            store: Some(self.clone()),
            key: key.to_owned(),
            route: route.to_owned(),
            hash: hash.to_owned(),
        }))
    }

    /// Takes (or keeps) the lease `name` for `holder` until `now + ttl_ms`:
    /// `true` while `holder` has it. A lease its holder stopped renewing
    /// (the proxy died) goes to the next one that asks after it ran out.
    pub async fn take_lease(&self, name: &str, holder: &str, ttl_ms: i64) -> Result<bool, StoreError> {
        let now = now_ms();
        let n = self
            .db
            .exec(
                "INSERT INTO leases (name, holder, until) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
                 WHERE leases.until < $4 OR leases.holder = excluded.holder",
                &[Val::Text(name), Val::Text(holder), Val::Int(now + ttl_ms), Val::Int(now)],
            )
            .await?;
        Ok(n == 1)
    }

    /// Gives the lease `name` up, if `holder` has it.
    pub async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        self.db
            .exec("DELETE FROM leases WHERE name = $1 AND holder = $2", &[Val::Text(name), Val::Text(holder)])
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[tokio::test]
    async fn idempotency_lifecycle() {
        let s = Store::open_path(std::path::Path::new(":memory:"), 24).await.unwrap();
        let Claim::Proceed(guard) = s.begin("k", "lost", "h1").await.unwrap() else { panic!() };
        assert!(matches!(s.begin("k", "lost", "h1").await.unwrap(), Claim::InProgress));
        assert!(matches!(s.begin("k", "damage", "h1").await.unwrap(), Claim::Proceed(_)));
        let answer = StoredAnswer { status: 202, content_type: Some("application/json".into()), body: b"{}".to_vec() };
        guard.complete(&answer).await.unwrap();
        assert!(matches!(s.begin("k", "lost", "h1").await.unwrap(), Claim::Replay(a) if a == answer));
        assert!(matches!(s.begin("k", "lost", "h2").await.unwrap(), Claim::Reused));
        // Abandoned without an answer: the key is free again.
        let Claim::Proceed(g) = s.begin("other", "lost", "h").await.unwrap() else { panic!() };
        drop(g);
        let mut freed = false;
        for _ in 0..100 {
            if matches!(s.begin("other", "lost", "h").await.unwrap(), Claim::Proceed(_)) {
                freed = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(freed, "an abandoned key is released");
    }

    #[tokio::test]
    async fn a_version_1_file_is_migrated_and_its_tickets_become_filed_claims() {
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
        let s = Store::open_path(&path, 24).await.unwrap();
        let resolved = s.claim("u-resolved").await.unwrap().unwrap();
        assert_eq!((resolved.state.as_str(), resolved.ticket_id), ("filed", Some(2001)));
        let open = s.claim("u-open").await.unwrap().unwrap();
        assert_eq!((open.state.as_str(), open.ticket_id, open.claim_type.as_str()), ("filed", None, "damage"));
        assert_eq!(s.claims_to_match(0).await.unwrap().len(), 1, "the open one is matched by the worker");
        drop(s);
        // Opening again changes nothing; a file from a newer proxy is refused.
        Store::open_path(&path, 24).await.unwrap();
        Connection::open(&path).unwrap().execute_batch("PRAGMA user_version = 99").unwrap();
        assert!(Store::open_path(&path, 24).await.unwrap_err().0.contains("newer"));
        let _ = std::fs::remove_file(&path);
    }
}
