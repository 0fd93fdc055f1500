//! The store's schema: one list of steps per dialect, applied in order
//! when a store opens. A released step is never changed; a change is a new
//! step.

use super::db::{Db, Dialect, Row, Val};
use super::StoreError;

/// The SQLite schema, one step per version (`PRAGMA user_version` counts
/// the steps applied). A step is never changed once released: a change is
/// a new step.
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
    // 3: in-flight keys and leases shared by every process on the file;
    // the JTL tables (created by the JTL store itself before).
    "CREATE TABLE in_flight (
         key TEXT NOT NULL, route TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (key, route)
     );
     CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until INTEGER NOT NULL);
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
    // 4: the JTL outbox: contact tickets until JTL-SCX has them and their
    // attachments were sent.
    "CREATE TABLE jtl_outbox (
         ticket_id TEXT PRIMARY KEY,
         ticket BLOB NOT NULL,
         files TEXT NOT NULL,
         state TEXT NOT NULL,
         created INTEGER NOT NULL DEFAULT 0,
         results TEXT,
         reason TEXT,
         attempts INTEGER NOT NULL DEFAULT 0,
         next_attempt_at INTEGER NOT NULL,
         lease_until INTEGER,
         created_at INTEGER NOT NULL,
         updated_at INTEGER NOT NULL
     );
     CREATE INDEX jtl_outbox_due ON jtl_outbox (state, next_attempt_at);
     CREATE INDEX jtl_outbox_leased ON jtl_outbox (state, lease_until);",
    // 5: customers' claims (`POST /claims`): the customer's part, the
    // reference they were given, what the shop still has to add, and the
    // declaration PDF's file token once uploaded.
    "ALTER TABLE claims ADD COLUMN reference INTEGER;
     ALTER TABLE claims ADD COLUMN customer TEXT;
     ALTER TABLE claims ADD COLUMN email TEXT;
     ALTER TABLE claims ADD COLUMN name TEXT;
     ALTER TABLE claims ADD COLUMN resolution TEXT;
     ALTER TABLE claims ADD COLUMN order_number TEXT;
     ALTER TABLE claims ADD COLUMN missing TEXT;
     ALTER TABLE claims ADD COLUMN declaration INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE claims ADD COLUMN declaration_token TEXT;
     CREATE UNIQUE INDEX claims_reference ON claims (reference);",
    // 6: each claim's history (who did what, when: the staff inbox shows
    // it) and the upstream ticket's last known status (`open`,
    // `needs_customer`, `resolved`, ...), kept by the ticket watcher.
    "ALTER TABLE claims ADD COLUMN upstream_status TEXT;
     CREATE TABLE claim_history (
         seq INTEGER PRIMARY KEY,
         claim_id TEXT NOT NULL,
         at INTEGER NOT NULL,
         actor TEXT NOT NULL,
         action TEXT NOT NULL,
         detail TEXT
     );
     CREATE INDEX claim_history_claim ON claim_history (claim_id, at);",
    // 7: the staff inbox: how the claim's parcel was shipped (from the
    // configuration, the shop's order or staff), the inbox's listing by
    // state, and the bytes of uploaded files (thumbnails of the customer's
    // photos, the invoices staff uploaded), by upstream's file token.
    "ALTER TABLE claims ADD COLUMN parcel_kind TEXT;
     CREATE INDEX claims_inbox ON claims (state, created_at);
     CREATE TABLE kept_files (
         file_token TEXT PRIMARY KEY,
         content_type TEXT NOT NULL,
         filename TEXT NOT NULL,
         bytes BLOB NOT NULL,
         created_at INTEGER NOT NULL
     );
     CREATE INDEX kept_files_created ON kept_files (created_at);",
];

/// The PostgreSQL schema, one step per version (table `schema_version`):
/// the tables of [`MIGRATIONS`] at their latest shape, with PostgreSQL's
/// types (`BIGINT`, `BYTEA`); `budget.id` and `jtl_replies.seq` stand for
/// SQLite's `rowid`.
pub const PG_MIGRATIONS: &[&str] = &[
    // 1: everything.
    "CREATE TABLE idempotency (
         key TEXT NOT NULL,
         route TEXT NOT NULL,
         body_hash TEXT NOT NULL,
         status BIGINT NOT NULL,
         content_type TEXT,
         body BYTEA NOT NULL,
         created_at BIGINT NOT NULL,
         PRIMARY KEY (key, route)
     );
     CREATE INDEX idempotency_created ON idempotency (created_at);
     CREATE TABLE in_flight (key TEXT NOT NULL, route TEXT NOT NULL, until BIGINT NOT NULL, PRIMARY KEY (key, route));
     CREATE TABLE tickets (
         uuid TEXT PRIMARY KEY,
         claim_type TEXT NOT NULL,
         tracking_number TEXT NOT NULL,
         created_at BIGINT NOT NULL,
         ticket_id BIGINT UNIQUE
     );
     CREATE TABLE claims (
         id TEXT PRIMARY KEY,
         claim_type TEXT NOT NULL,
         portal TEXT,
         body BYTEA NOT NULL,
         tracking_number TEXT NOT NULL,
         state TEXT NOT NULL,
         reason TEXT,
         attempts BIGINT NOT NULL DEFAULT 0,
         ambiguous BIGINT NOT NULL DEFAULT 0,
         ambiguous_since BIGINT,
         next_attempt_at BIGINT NOT NULL,
         lease_until BIGINT,
         first_sent_at BIGINT,
         last_sent_at BIGINT,
         upstream_uuid TEXT,
         ticket_id BIGINT UNIQUE,
         created_at BIGINT NOT NULL,
         updated_at BIGINT NOT NULL
     );
     CREATE INDEX claims_due ON claims (state, next_attempt_at);
     CREATE INDEX claims_leased ON claims (state, lease_until);
     CREATE INDEX claims_unmatched ON claims (last_sent_at) WHERE ticket_id IS NULL;
     CREATE TABLE budget (id BIGSERIAL PRIMARY KEY, account TEXT NOT NULL, kind TEXT NOT NULL, at BIGINT NOT NULL);
     CREATE INDEX budget_window ON budget (account, kind, at);
     CREATE TABLE budget_hold (
         account TEXT NOT NULL, kind TEXT NOT NULL, until BIGINT NOT NULL, PRIMARY KEY (account, kind)
     );
     CREATE TABLE ticket_reads (
         ticket_id BIGINT PRIMARY KEY,
         status BIGINT NOT NULL,
         body BYTEA NOT NULL,
         fetched_at BIGINT NOT NULL
     );
     CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until BIGINT NOT NULL);
     CREATE TABLE jtl_tickets (
         ticket_id TEXT PRIMARY KEY,
         created_at TEXT NOT NULL,
         created_ms BIGINT NOT NULL,
         buyer_name TEXT NOT NULL,
         subject TEXT NOT NULL,
         message TEXT NOT NULL,
         attachments TEXT NOT NULL
     );
     CREATE TABLE jtl_replies (
         seq BIGSERIAL,
         event_id TEXT PRIMARY KEY,
         ticket_id TEXT NOT NULL,
         created_at TEXT NOT NULL,
         received_ms BIGINT NOT NULL,
         text TEXT NOT NULL,
         attachments TEXT NOT NULL
     );
     CREATE INDEX jtl_replies_ticket ON jtl_replies (ticket_id);",
    // 2: the JTL outbox (SQLite's step 4).
    "CREATE TABLE jtl_outbox (
         ticket_id TEXT PRIMARY KEY,
         ticket BYTEA NOT NULL,
         files TEXT NOT NULL,
         state TEXT NOT NULL,
         created BIGINT NOT NULL DEFAULT 0,
         results TEXT,
         reason TEXT,
         attempts BIGINT NOT NULL DEFAULT 0,
         next_attempt_at BIGINT NOT NULL,
         lease_until BIGINT,
         created_at BIGINT NOT NULL,
         updated_at BIGINT NOT NULL
     );
     CREATE INDEX jtl_outbox_due ON jtl_outbox (state, next_attempt_at);
     CREATE INDEX jtl_outbox_leased ON jtl_outbox (state, lease_until);",
    // 3: customers' claims (SQLite's step 5).
    "ALTER TABLE claims ADD COLUMN reference BIGINT;
     ALTER TABLE claims ADD COLUMN customer TEXT;
     ALTER TABLE claims ADD COLUMN email TEXT;
     ALTER TABLE claims ADD COLUMN name TEXT;
     ALTER TABLE claims ADD COLUMN resolution TEXT;
     ALTER TABLE claims ADD COLUMN order_number TEXT;
     ALTER TABLE claims ADD COLUMN missing TEXT;
     ALTER TABLE claims ADD COLUMN declaration BIGINT NOT NULL DEFAULT 0;
     ALTER TABLE claims ADD COLUMN declaration_token TEXT;
     CREATE UNIQUE INDEX claims_reference ON claims (reference);",
    // 4: claim history and the upstream status (SQLite's step 6).
    "ALTER TABLE claims ADD COLUMN upstream_status TEXT;
     CREATE TABLE claim_history (
         seq BIGSERIAL PRIMARY KEY,
         claim_id TEXT NOT NULL,
         at BIGINT NOT NULL,
         actor TEXT NOT NULL,
         action TEXT NOT NULL,
         detail TEXT
     );
     CREATE INDEX claim_history_claim ON claim_history (claim_id, at);",
    // 5: the staff inbox (SQLite's step 7).
    "ALTER TABLE claims ADD COLUMN parcel_kind TEXT;
     CREATE INDEX claims_inbox ON claims (state, created_at);
     CREATE TABLE kept_files (
         file_token TEXT PRIMARY KEY,
         content_type TEXT NOT NULL,
         filename TEXT NOT NULL,
         bytes BYTEA NOT NULL,
         created_at BIGINT NOT NULL
     );
     CREATE INDEX kept_files_created ON kept_files (created_at);",
];

fn newer(have: i64, known: usize) -> StoreError {
    StoreError(format!("store schema version {have} is newer than this proxy's ({known}); run a newer proxy"))
}

/// Applies the steps the database does not have yet, each in its own
/// transaction (SQLite) or all in one under an advisory lock
/// (PostgreSQL). A database from a newer proxy is refused.
pub(super) async fn migrate(db: &Db) -> Result<(), StoreError> {
    match db.dialect() {
        Dialect::Sqlite => {
            let version = |r: &Row<'_, '_>| r.get::<i64>(0);
            let have = db.query_opt("PRAGMA user_version", &[], version).await?.unwrap_or(0);
            if have > MIGRATIONS.len() as i64 {
                return Err(newer(have, MIGRATIONS.len()));
            }
            for (i, step) in MIGRATIONS.iter().enumerate().skip(have as usize) {
                let mut tx = db.begin().await?;
                // Another process may have migrated while this one waited.
                let now = tx.query_opt("PRAGMA user_version", &[], version).await?.unwrap_or(0);
                if now > i as i64 {
                    continue;
                }
                tx.batch(step).await?;
                tx.batch(&format!("PRAGMA user_version = {}", i + 1)).await?;
                tx.commit().await?;
            }
        }
        Dialect::Postgres => {
            let mut tx = db.begin().await?;
            tx.batch(
                "SELECT pg_advisory_xact_lock(7214014);
                 CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL);",
            )
            .await?;
            let have = tx
                .query_opt("SELECT MAX(version) FROM schema_version", &[], |r| r.get::<Option<i64>>(0))
                .await?
                .flatten()
                .unwrap_or(0);
            if have > PG_MIGRATIONS.len() as i64 {
                return Err(newer(have, PG_MIGRATIONS.len()));
            }
            for step in PG_MIGRATIONS.iter().skip(have as usize) {
                tx.batch(step).await?;
            }
            tx.exec("DELETE FROM schema_version", &[]).await?;
            tx.exec("INSERT INTO schema_version (version) VALUES ($1)", &[Val::Int(PG_MIGRATIONS.len() as i64)])
                .await?;
            tx.commit().await?;
        }
    }
    Ok(())
}
