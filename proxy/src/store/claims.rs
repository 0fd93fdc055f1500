//! The claims pipeline's tables: accepted claims and their state, the
//! account's upstream budget, and the cache of ticket reads.
//!
//! Every change of a claim's state is one `UPDATE` guarded by the state it
//! expects, so two workers (or a worker and a restarted one) cannot both
//! move the same claim. A worker owns a claim while its lease runs
//! (`state = 'filing'`, `lease_until` in the future); a lease that ran out
//! belongs to a worker that died, and the claim is taken up again, as
//! possibly sent.

use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{now_ms, Store, StoreError, StoredAnswer};

/// A claim as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimRow {
    /// The proxy's claim id (a UUID).
    pub id: String,
    /// `lost` or `damage` (the create route).
    pub claim_type: String,
    /// `is_portal_claim` as sent (`true`, `false`), if sent.
    pub portal: Option<String>,
    /// The normalized JSON body sent upstream.
    pub body: Vec<u8>,
    pub tracking_number: String,
    /// `received`, `queued`, `filing`, `filed`, `needs_attention`.
    pub state: String,
    /// Why it needs attention, or what it waits for.
    pub reason: Option<String>,
    pub attempts: i64,
    /// An earlier attempt may have reached upstream: look for its ticket
    /// before sending again.
    pub ambiguous: bool,
    /// When it was last found ambiguous: only a pass over upstream's list
    /// that starts after this can tell the attempt did not arrive.
    pub ambiguous_since: Option<i64>,
    pub next_attempt_at: i64,
    pub first_sent_at: Option<i64>,
    pub last_sent_at: Option<i64>,
    /// Upstream's UUID from its 202, when that answer arrived.
    pub upstream_uuid: Option<String>,
    /// Upstream's int id, once known.
    pub ticket_id: Option<i64>,
    pub created_at: i64,
}

/// A claim to accept.
#[derive(Debug)]
pub struct NewClaim<'a> {
    pub id: &'a str,
    pub claim_type: &'a str,
    pub portal: Option<&'a str>,
    pub body: &'a [u8],
    pub tracking_number: &'a str,
    /// `(key, request hash)` when the request carried an `Idempotency-Key`.
    pub idempotency: Option<(&'a str, &'a str)>,
}

/// What [`Store::accept_claim`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Accepted {
    /// Stored (with the answer for its key).
    New,
    /// The key was used before for the same request: its answer.
    Replay(StoredAnswer),
    /// The key was used before for another request.
    Reused,
}

const COLUMNS: &str = "id, claim_type, portal, body, tracking_number, state, reason, attempts, ambiguous,
    next_attempt_at, first_sent_at, last_sent_at, upstream_uuid, ticket_id, created_at, ambiguous_since";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClaimRow> {
    Ok(ClaimRow {
        id: r.get(0)?,
        claim_type: r.get(1)?,
        portal: r.get(2)?,
        body: r.get(3)?,
        tracking_number: r.get(4)?,
        state: r.get(5)?,
        reason: r.get(6)?,
        attempts: r.get(7)?,
        ambiguous: r.get::<_, i64>(8)? != 0,
        next_attempt_at: r.get(9)?,
        first_sent_at: r.get(10)?,
        last_sent_at: r.get(11)?,
        upstream_uuid: r.get(12)?,
        ticket_id: r.get(13)?,
        created_at: r.get(14)?,
        ambiguous_since: r.get(15)?,
    })
}

impl Store {
    /// Stores a claim (state `received`, due now) and, with a key, the
    /// answer `answer` for that key — in one transaction, before anything
    /// goes upstream. A key seen before answers its stored answer instead.
    pub fn accept_claim(&self, c: &NewClaim<'_>, answer: &StoredAnswer) -> Result<Accepted, StoreError> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = now_ms();
        if let Some((key, hash)) = c.idempotency {
            let cutoff = now - self.0.keep_ms;
            let stored = super::stored_answer(&tx, key, c.claim_type, cutoff)?;
            if let Some((stored_hash, stored)) = stored {
                return Ok(if stored_hash == hash { Accepted::Replay(stored) } else { Accepted::Reused });
            }
            tx.execute(
                "INSERT OR REPLACE INTO idempotency (key, route, body_hash, status, content_type, body, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![key, c.claim_type, hash, answer.status, answer.content_type, answer.body, now],
            )?;
        }
        tx.execute(
            "INSERT INTO claims (id, claim_type, portal, body, tracking_number, state, next_attempt_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'received', ?6, ?6, ?6)",
            params![c.id, c.claim_type, c.portal, c.body, c.tracking_number, now],
        )?;
        tx.commit()?;
        Ok(Accepted::New)
    }

    /// The claim with this id.
    pub fn claim(&self, id: &str) -> Result<Option<ClaimRow>, StoreError> {
        Ok(self.db().query_row(&format!("SELECT {COLUMNS} FROM claims WHERE id = ?1"), params![id], row).optional()?)
    }

    /// The id of the claim mapped to upstream int id `ticket_id`.
    pub fn claim_for_ticket(&self, ticket_id: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .db()
            .query_row("SELECT id FROM claims WHERE ticket_id = ?1", params![ticket_id], |r| r.get(0))
            .optional()?)
    }

    /// Takes the next due claim for filing: `received` or `queued` and due,
    /// or `filing` with a lease that ran out (its worker died: the attempt
    /// may have been sent, so it is marked ambiguous). The claim becomes
    /// `filing` with a lease until `now + lease_ms`.
    pub fn lease_due(&self, now: i64, lease_ms: i64) -> Result<Option<ClaimRow>, StoreError> {
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // One indexed look-up per state (an OR of them would scan the table).
        let first =
            |sql: &str| tx.query_row(&format!("SELECT {COLUMNS} FROM claims {sql}"), params![now], row).optional();
        let stale = first("WHERE state = 'filing' AND lease_until < ?1 ORDER BY lease_until LIMIT 1")?;
        let found = match stale {
            Some(c) => Some(c),
            None => {
                let received =
                    first("WHERE state = 'received' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT 1")?;
                let queued =
                    first("WHERE state = 'queued' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT 1")?;
                match (received, queued) {
                    (Some(r), Some(q)) => Some(if q.next_attempt_at < r.next_attempt_at { q } else { r }),
                    (r, q) => r.or(q),
                }
            }
        };
        let Some(mut claim) = found else { return Ok(None) };
        if claim.state == "filing" && claim.last_sent_at.is_some() {
            claim.ambiguous = true;
            claim.ambiguous_since = Some(now);
        }
        tx.execute(
            "UPDATE claims SET state = 'filing', lease_until = ?2, ambiguous = ?3, ambiguous_since = ?5, updated_at = ?4
             WHERE id = ?1",
            params![claim.id, now + lease_ms, claim.ambiguous as i64, now, claim.ambiguous_since],
        )?;
        tx.commit()?;
        Ok(Some(claim))
    }

    /// Records that an attempt is about to be sent. `false`: the claim is
    /// no longer this worker's to send (a matching pass found its ticket
    /// meanwhile) — send nothing.
    pub fn mark_sent(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let n = self.db().execute(
            "UPDATE claims SET attempts = attempts + 1, last_sent_at = ?2,
                 first_sent_at = COALESCE(first_sent_at, ?2), ambiguous = 0, ambiguous_since = NULL, updated_at = ?2
             WHERE id = ?1 AND state = 'filing' AND ticket_id IS NULL",
            params![id, now],
        )?;
        Ok(n == 1)
    }

    /// Back to `queued` until `next_at`; `ambiguous`: the attempt may have
    /// arrived. `reason` says what it waits for.
    pub fn requeue(&self, id: &str, next_at: i64, ambiguous: bool, reason: Option<&str>) -> Result<(), StoreError> {
        self.db().execute(
            "UPDATE claims SET state = 'queued', next_attempt_at = ?2, ambiguous = ?3, reason = ?4,
                 ambiguous_since = CASE WHEN ?3 THEN COALESCE(ambiguous_since, ?5) ELSE NULL END,
                 lease_until = NULL, updated_at = ?5
             WHERE id = ?1 AND state = 'filing'",
            params![id, next_at, ambiguous as i64, reason, now_ms()],
        )?;
        Ok(())
    }

    /// Upstream accepted the claim (`uuid`: its 202's ticket id, if read).
    pub fn mark_filed(&self, id: &str, uuid: Option<&str>) -> Result<(), StoreError> {
        self.db().execute(
            "UPDATE claims SET state = 'filed', upstream_uuid = ?2, reason = NULL, ambiguous = 0,
                 lease_until = NULL, updated_at = ?3
             WHERE id = ?1 AND state = 'filing'",
            params![id, uuid, now_ms()],
        )?;
        Ok(())
    }

    /// Upstream refused the claim for good.
    pub fn mark_needs_attention(&self, id: &str, reason: &str) -> Result<(), StoreError> {
        self.db().execute(
            "UPDATE claims SET state = 'needs_attention', reason = ?2, lease_until = NULL, updated_at = ?3
             WHERE id = ?1 AND state = 'filing'",
            params![id, reason, now_ms()],
        )?;
        Ok(())
    }

    /// Claims waiting for their upstream int id: filed without one, or
    /// queued after an ambiguous attempt; last sent after `since`. Oldest
    /// first.
    pub fn claims_to_match(&self, since: i64) -> Result<Vec<ClaimRow>, StoreError> {
        let db = self.db();
        let mut stmt = db.prepare(&format!(
            "SELECT {COLUMNS} FROM claims
             WHERE ticket_id IS NULL AND (state = 'filed' OR (state IN ('queued', 'filing') AND ambiguous = 1))
               AND last_sent_at >= ?1
             ORDER BY first_sent_at, created_at"
        ))?;
        let rows = stmt.query_map(params![since], row)?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// True when upstream int id `ticket_id` already belongs to a claim (or
    /// to a ticket the synchronous relay created).
    pub fn ticket_taken(&self, ticket_id: i64) -> Result<bool, StoreError> {
        Ok(self.db().query_row(
            "SELECT EXISTS (SELECT 1 FROM claims WHERE ticket_id = ?1)
                 OR EXISTS (SELECT 1 FROM tickets WHERE ticket_id = ?1)",
            params![ticket_id],
            |r| r.get::<_, bool>(0),
        )?)
    }

    /// Maps claim `id` to upstream int id `ticket_id`, once and only if no
    /// other claim has it; an ambiguous claim found upstream becomes
    /// `filed`. `false` if nothing changed.
    pub fn map_ticket(&self, id: &str, ticket_id: i64) -> Result<bool, StoreError> {
        let n = self.db().execute(
            "UPDATE claims SET ticket_id = ?2, state = 'filed', ambiguous = 0, reason = NULL,
                 lease_until = NULL, updated_at = ?3
             WHERE id = ?1 AND ticket_id IS NULL
               AND (state = 'filed' OR (state IN ('queued', 'filing') AND ambiguous = 1))
               AND NOT EXISTS (SELECT 1 FROM claims WHERE ticket_id = ?2)
               AND NOT EXISTS (SELECT 1 FROM tickets WHERE ticket_id = ?2)",
            params![id, ticket_id, now_ms()],
        )?;
        Ok(n == 1)
    }

    /// How many claims are in each state.
    pub fn claim_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let db = self.db();
        let mut stmt = db.prepare("SELECT state, COUNT(*) FROM claims GROUP BY state ORDER BY state")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    /// The earliest time a claim is due (received or queued), or a lease
    /// runs out, if any.
    pub fn next_due(&self) -> Result<Option<i64>, StoreError> {
        let db = self.db();
        let min = |sql: &str| db.query_row(sql, [], |r| r.get::<_, Option<i64>>(0));
        let times = [
            min("SELECT MIN(next_attempt_at) FROM claims WHERE state = 'received'")?,
            min("SELECT MIN(next_attempt_at) FROM claims WHERE state = 'queued'")?,
            min("SELECT MIN(lease_until) FROM claims WHERE state = 'filing'")?,
        ];
        Ok(times.into_iter().flatten().min())
    }

    /// Takes one unit of the account's `kind` budget (`create`, `read`): at
    /// most `limit` in any `window_ms` (plus a margin of 5 %, 50 ms to 2 s,
    /// for the time a request takes to reach upstream), counted across
    /// every proxy on this store. `Err(wait_ms)`: none left for that long.
    pub fn take_budget(
        &self,
        account: &str,
        kind: &str,
        limit: u32,
        window_ms: i64,
    ) -> Result<Result<(), i64>, StoreError> {
        let window_ms = window_ms + (window_ms / 20).clamp(50, 2000);
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = now_ms();
        let hold: Option<i64> = tx
            .query_row(
                "SELECT until FROM budget_hold WHERE account = ?1 AND kind = ?2 AND until > ?3",
                params![account, kind, now],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(until) = hold {
            return Ok(Err(until - now));
        }
        tx.execute(
            "DELETE FROM budget WHERE account = ?1 AND kind = ?2 AND at <= ?3",
            params![account, kind, now - window_ms],
        )?;
        let (used, oldest): (i64, Option<i64>) = tx.query_row(
            "SELECT COUNT(*), MIN(at) FROM budget WHERE account = ?1 AND kind = ?2",
            params![account, kind],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if used >= i64::from(limit) {
            return Ok(Err((oldest.unwrap_or(now) + window_ms - now).max(1)));
        }
        tx.execute("INSERT INTO budget (account, kind, at) VALUES (?1, ?2, ?3)", params![account, kind, now])?;
        tx.commit()?;
        Ok(Ok(()))
    }

    /// Gives back the last unit of `kind` taken (the request never left:
    /// the connection could not be made).
    pub fn refund_budget(&self, account: &str, kind: &str) -> Result<(), StoreError> {
        self.db().execute(
            "DELETE FROM budget WHERE rowid = (SELECT rowid FROM budget WHERE account = ?1 AND kind = ?2
                 ORDER BY at DESC LIMIT 1)",
            params![account, kind],
        )?;
        Ok(())
    }

    /// Nobody on this store uses the account's `kind` budget until `until`
    /// (upstream answered 429 with a `Retry-After`).
    pub fn hold_budget(&self, account: &str, kind: &str, until: i64) -> Result<(), StoreError> {
        self.db().execute(
            "INSERT INTO budget_hold (account, kind, until) VALUES (?1, ?2, ?3)
             ON CONFLICT (account, kind) DO UPDATE SET until = MAX(until, excluded.until)",
            params![account, kind, until],
        )?;
        Ok(())
    }

    /// The last read of upstream ticket `ticket_id`: `(status, body, fetched_at)`.
    pub fn ticket_read(&self, ticket_id: i64) -> Result<Option<(u16, Vec<u8>, i64)>, StoreError> {
        Ok(self
            .db()
            .query_row(
                "SELECT status, body, fetched_at FROM ticket_reads WHERE ticket_id = ?1",
                params![ticket_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }

    /// Drops the kept read of `ticket_id` (it changed: the next status read
    /// goes upstream).
    pub fn forget_ticket_read(&self, ticket_id: i64) -> Result<(), StoreError> {
        self.db().execute("DELETE FROM ticket_reads WHERE ticket_id = ?1", params![ticket_id])?;
        Ok(())
    }

    /// Keeps a read of upstream ticket `ticket_id`.
    pub fn keep_ticket_read(&self, ticket_id: i64, status: u16, body: &[u8], at: i64) -> Result<(), StoreError> {
        self.db().execute(
            "INSERT INTO ticket_reads (ticket_id, status, body, fetched_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (ticket_id) DO UPDATE SET status = excluded.status, body = excluded.body,
                 fetched_at = excluded.fetched_at",
            params![ticket_id, status, body, at],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn answer() -> StoredAnswer {
        StoredAnswer { status: 202, content_type: Some("application/json".into()), body: b"{}".to_vec() }
    }

    fn new<'a>(id: &'a str, key: Option<(&'a str, &'a str)>) -> NewClaim<'a> {
        NewClaim { id, claim_type: "lost", portal: None, body: b"{}", tracking_number: "T", idempotency: key }
    }

    #[test]
    fn accept_is_once_per_key() {
        let s = Store::open(Path::new(":memory:"), 24).unwrap();
        assert_eq!(s.accept_claim(&new("a", Some(("k", "h"))), &answer()).unwrap(), Accepted::New);
        assert_eq!(s.accept_claim(&new("b", Some(("k", "h"))), &answer()).unwrap(), Accepted::Replay(answer()));
        assert_eq!(s.accept_claim(&new("c", Some(("k", "other"))), &answer()).unwrap(), Accepted::Reused);
        assert!(s.claim("a").unwrap().is_some());
        assert!(s.claim("b").unwrap().is_none());
        assert_eq!(s.claim_counts().unwrap(), vec![("received".to_owned(), 1)]);
    }

    #[test]
    fn a_lease_is_taken_once_and_a_dead_one_comes_back_ambiguous() {
        let s = Store::open(Path::new(":memory:"), 24).unwrap();
        s.accept_claim(&new("a", None), &answer()).unwrap();
        let now = now_ms();
        let c = s.lease_due(now, 1000).unwrap().unwrap();
        assert!(!c.ambiguous);
        assert!(s.lease_due(now, 1000).unwrap().is_none(), "leased claims are not handed out twice");
        assert!(s.mark_sent("a", now).unwrap());
        // The worker died: after the lease the claim comes back, as possibly sent.
        let again = s.lease_due(now + 1001, 1000).unwrap().unwrap();
        assert!(again.ambiguous);
        s.requeue("a", now + 5000, true, None).unwrap();
        assert_eq!(s.claims_to_match(0).unwrap().len(), 1);
        assert!(s.map_ticket("a", 77).unwrap());
        assert!(!s.map_ticket("a", 78).unwrap());
        assert!(s.ticket_taken(77).unwrap());
        assert_eq!(s.claim("a").unwrap().unwrap().state, "filed");
    }

    #[test]
    fn the_budget_counts_a_window() {
        let s = Store::open(Path::new(":memory:"), 24).unwrap();
        for _ in 0..3 {
            assert_eq!(s.take_budget("acct", "create", 3, 60_000).unwrap(), Ok(()));
        }
        let wait = s.take_budget("acct", "create", 3, 60_000).unwrap().unwrap_err();
        assert!(wait > 61_000 && wait <= 62_000, "{wait}");
        assert_eq!(s.take_budget("acct", "read", 3, 60_000).unwrap(), Ok(()));
        s.hold_budget("acct", "read", now_ms() + 10_000).unwrap();
        assert!(s.take_budget("acct", "read", 3, 60_000).unwrap().is_err());
    }
}
