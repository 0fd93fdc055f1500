//! The claims pipeline's tables: accepted claims and their state, the
//! account's upstream budget, and the cache of ticket reads.
//!
//! Every change of a claim's state is one `UPDATE` guarded by the state it
//! expects, so two workers (or a worker and a restarted one) cannot both
//! move the same claim. A worker owns a claim while its lease runs
//! (`state = 'filing'`, `lease_until` in the future); a lease that ran out
//! belongs to a worker that died, and the claim is taken up again, as
//! possibly sent.

use super::db::{Dialect, Row, Val};
use super::{now_ms, put_answer, Store, StoreError, StoredAnswer};

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
    /// A customer's claim (`POST /claims`): their part, as JSON.
    pub customer: Option<String>,
    /// The declaration PDF must be uploaded (and its token put into
    /// `customer_confirmation`) before filing.
    pub declaration: bool,
    /// The declaration's file token, once uploaded (never uploaded twice).
    pub declaration_token: Option<String>,
    /// Where the claim's documents come from (JSON of
    /// [`crate::orders::Documents`]), when its order names any.
    pub documents: Option<String>,
    /// The documents' file tokens, once uploaded or generated.
    pub document_tokens: DocumentTokens,
    /// Failed attempts at getting the documents (for the backoff).
    pub document_attempts: i64,
}

/// The file tokens of a claim's documents from the shop.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentTokens {
    pub sales_invoice: Option<String>,
    pub purchase_invoice: Option<String>,
    pub carrier_claim_form: Option<String>,
}

/// A document a claim may carry from the shop's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocumentField {
    SalesInvoice,
    PurchaseInvoice,
    CarrierClaimForm,
}

impl DocumentField {
    pub const ALL: [DocumentField; 3] =
        [DocumentField::SalesInvoice, DocumentField::PurchaseInvoice, DocumentField::CarrierClaimForm];

    /// The upstream body field.
    pub fn wire_name(self) -> &'static str {
        match self {
            DocumentField::SalesInvoice => "sales_invoice",
            DocumentField::PurchaseInvoice => "purchase_invoice",
            DocumentField::CarrierClaimForm => "carrier_claim_form",
        }
    }

    /// Its token's column (a fixed name, never input).
    fn column(self) -> &'static str {
        match self {
            DocumentField::SalesInvoice => "sales_invoice_token",
            DocumentField::PurchaseInvoice => "purchase_invoice_token",
            DocumentField::CarrierClaimForm => "claim_form_token",
        }
    }
}

impl DocumentTokens {
    pub fn get(&self, f: DocumentField) -> Option<&str> {
        match f {
            DocumentField::SalesInvoice => self.sales_invoice.as_deref(),
            DocumentField::PurchaseInvoice => self.purchase_invoice.as_deref(),
            DocumentField::CarrierClaimForm => self.carrier_claim_form.as_deref(),
        }
    }
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

pub(super) const COLUMNS: &str = "id, claim_type, portal, body, tracking_number, state, reason, attempts, ambiguous,
    next_attempt_at, first_sent_at, last_sent_at, upstream_uuid, ticket_id, created_at, ambiguous_since,
    customer, declaration, declaration_token, documents, sales_invoice_token, purchase_invoice_token,
    claim_form_token, document_attempts";

pub(super) fn row(r: &Row<'_, '_>) -> Result<ClaimRow, StoreError> {
    Ok(ClaimRow {
        id: r.get(0)?,
        claim_type: r.get(1)?,
        portal: r.get(2)?,
        body: r.get(3)?,
        tracking_number: r.get(4)?,
        state: r.get(5)?,
        reason: r.get(6)?,
        attempts: r.get(7)?,
        ambiguous: r.get::<i64>(8)? != 0,
        next_attempt_at: r.get(9)?,
        first_sent_at: r.get(10)?,
        last_sent_at: r.get(11)?,
        upstream_uuid: r.get(12)?,
        ticket_id: r.get(13)?,
        created_at: r.get(14)?,
        ambiguous_since: r.get(15)?,
        customer: r.get(16)?,
        declaration: r.get::<i64>(17)? != 0,
        declaration_token: r.get(18)?,
        documents: r.get(19)?,
        document_tokens: DocumentTokens {
            sales_invoice: r.get(20)?,
            purchase_invoice: r.get(21)?,
            carrier_claim_form: r.get(22)?,
        },
        document_attempts: r.get(23)?,
    })
}

impl Store {
    /// Stores a claim (state `received`, due now) and, with a key, the
    /// answer `answer` for that key — in one transaction, before anything
    /// goes upstream. A key seen before answers its stored answer instead
    /// (the same request twice at once, on one proxy or two: the second
    /// waits for the first's transaction and then replays it).
    pub async fn accept_claim(&self, c: &NewClaim<'_>, answer: &StoredAnswer) -> Result<Accepted, StoreError> {
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        if let Some((key, hash)) = c.idempotency {
            let cutoff = now - self.keep_ms;
            // Taken only if the key is new, or its answer expired.
            let taken = put_answer(&mut tx, key, c.claim_type, hash, answer, now, cutoff).await?;
            if taken == 0 {
                tx.rollback().await?;
                let stored = super::stored_answer(&mut self.db.conn().await?, key, c.claim_type, i64::MIN).await?;
                let Some((stored_hash, stored)) = stored else {
                    return Err(StoreError("store: an Idempotency-Key answer vanished while it was read".into()));
                };
                return Ok(if stored_hash == hash { Accepted::Replay(stored) } else { Accepted::Reused });
            }
        }
        tx.exec(
            "INSERT INTO claims (id, claim_type, portal, body, tracking_number, state, next_attempt_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'received', $6, $6, $6)",
            &[
                Val::Text(c.id),
                Val::Text(c.claim_type),
                Val::OptText(c.portal),
                Val::Bytes(c.body),
                Val::Text(c.tracking_number),
                Val::Int(now),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Accepted::New)
    }

    /// The claim with this id.
    pub async fn claim(&self, id: &str) -> Result<Option<ClaimRow>, StoreError> {
        self.db.query_opt(&format!("SELECT {COLUMNS} FROM claims WHERE id = $1"), &[Val::Text(id)], row).await
    }

    /// The id of the claim mapped to upstream int id `ticket_id`.
    pub async fn claim_for_ticket(&self, ticket_id: i64) -> Result<Option<String>, StoreError> {
        self.db.query_opt("SELECT id FROM claims WHERE ticket_id = $1", &[Val::Int(ticket_id)], |r| r.get(0)).await
    }

    /// Takes the next due claim for filing: `received` or `queued` and due,
    /// or `filing` with a lease that ran out (its worker died: the attempt
    /// may have been sent, so it is marked ambiguous). The claim becomes
    /// `filing` with a lease until `now + lease_ms`. On PostgreSQL the
    /// look-ups skip rows another proxy is taking at the same moment.
    pub async fn lease_due(&self, now: i64, lease_ms: i64) -> Result<Option<ClaimRow>, StoreError> {
        let mut tx = self.db.begin().await?;
        let lock = self.db.skip_locked();
        // One indexed look-up per state (an OR of them would scan the table).
        let stale = format!(
            "SELECT {COLUMNS} FROM claims WHERE state = 'filing' AND lease_until < $1 ORDER BY lease_until LIMIT 1{lock}"
        );
        let due = |state: &str| {
            format!(
                "SELECT {COLUMNS} FROM claims WHERE state = '{state}' AND next_attempt_at <= $1
                 ORDER BY next_attempt_at LIMIT 1{lock}"
            )
        };
        let found = match tx.query_opt(&stale, &[Val::Int(now)], row).await? {
            Some(c) => Some(c),
            None => {
                let received = tx.query_opt(&due("received"), &[Val::Int(now)], row).await?;
                let queued = tx.query_opt(&due("queued"), &[Val::Int(now)], row).await?;
                match (received, queued) {
                    (Some(r), Some(q)) => Some(if q.next_attempt_at < r.next_attempt_at { q } else { r }),
                    (r, q) => r.or(q),
                }
            }
        };
        let Some(mut claim) = found else {
            tx.rollback().await?;
            return Ok(None);
        };
        if claim.state == "filing" && claim.last_sent_at.is_some() {
            claim.ambiguous = true;
            claim.ambiguous_since = Some(now);
        }
        tx.exec(
            "UPDATE claims SET state = 'filing', lease_until = $2, ambiguous = $3, updated_at = $4, ambiguous_since = $5
             WHERE id = $1",
            &[
                Val::Text(&claim.id),
                Val::Int(now + lease_ms),
                Val::Int(claim.ambiguous as i64),
                Val::Int(now),
                Val::OptInt(claim.ambiguous_since),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(claim))
    }

    /// Records that an attempt is about to be sent. `false`: the claim is
    /// no longer this worker's to send (a matching pass found its ticket
    /// meanwhile) — send nothing.
    pub async fn mark_sent(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let n = self
            .db
            .exec(
                "UPDATE claims SET attempts = attempts + 1, last_sent_at = $2,
                     first_sent_at = COALESCE(first_sent_at, $2), ambiguous = 0, ambiguous_since = NULL,
                     updated_at = $2
                 WHERE id = $1 AND state = 'filing' AND ticket_id IS NULL",
                &[Val::Text(id), Val::Int(now)],
            )
            .await?;
        Ok(n == 1)
    }

    /// Back to `queued` until `next_at`; `ambiguous`: the attempt may have
    /// arrived. `reason` says what it waits for.
    pub async fn requeue(
        &self,
        id: &str,
        next_at: i64,
        ambiguous: bool,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        self.db
            .exec(
                "UPDATE claims SET state = 'queued', next_attempt_at = $2, ambiguous = $3, reason = $4,
                     ambiguous_since = CASE WHEN CAST($3 AS BIGINT) = 1 THEN COALESCE(ambiguous_since, $5) ELSE NULL END,
                     lease_until = NULL, updated_at = $5
                 WHERE id = $1 AND state = 'filing'",
                &[
                    Val::Text(id),
                    Val::Int(next_at),
                    Val::Int(ambiguous as i64),
                    Val::OptText(reason),
                    Val::Int(now_ms()),
                ],
            )
            .await?;
        Ok(())
    }

    /// Keeps a document's file token (only the first: a claim's document
    /// is uploaded or generated once). Returns the token to use.
    pub async fn keep_document_token(
        &self,
        id: &str,
        field: DocumentField,
        token: &str,
    ) -> Result<Option<String>, StoreError> {
        let col = field.column();
        self.db
            .exec(
                &format!("UPDATE claims SET {col} = $2, document_attempts = 0, updated_at = $3 WHERE id = $1 AND {col} IS NULL"),
                &[Val::Text(id), Val::Text(token), Val::Int(now_ms())],
            )
            .await?;
        Ok(self
            .db
            .query_opt(&format!("SELECT {col} FROM claims WHERE id = $1"), &[Val::Text(id)], |r| {
                r.get::<Option<String>>(0)
            })
            .await?
            .flatten())
    }

    /// A document could not be got yet: back to `queued` until `next_at`
    /// with `reason`, one more failed document attempt counted.
    pub async fn document_retry(&self, id: &str, next_at: i64, reason: &str) -> Result<(), StoreError> {
        self.db
            .exec(
                "UPDATE claims SET state = 'queued', next_attempt_at = $2, reason = $3, lease_until = NULL,
                     document_attempts = document_attempts + 1, updated_at = $4
                 WHERE id = $1 AND state = 'filing'",
                &[Val::Text(id), Val::Int(next_at), Val::Text(reason), Val::Int(now_ms())],
            )
            .await?;
        Ok(())
    }

    /// Extends the worker's lease on a claim it is filing to `until` (a
    /// download that may take longer than the lease).
    pub async fn extend_lease(&self, id: &str, until: i64) -> Result<(), StoreError> {
        self.db
            .exec(
                "UPDATE claims SET lease_until = $2 WHERE id = $1 AND state = 'filing' AND lease_until < $2",
                &[Val::Text(id), Val::Int(until)],
            )
            .await?;
        Ok(())
    }

    /// Upstream accepted the claim (`uuid`: its 202's ticket id, if read).
    pub async fn mark_filed(&self, id: &str, uuid: Option<&str>) -> Result<(), StoreError> {
        self.db
            .exec(
                "UPDATE claims SET state = 'filed', upstream_uuid = $2, reason = NULL, ambiguous = 0,
                     lease_until = NULL, updated_at = $3
                 WHERE id = $1 AND state = 'filing'",
                &[Val::Text(id), Val::OptText(uuid), Val::Int(now_ms())],
            )
            .await?;
        Ok(())
    }

    /// Upstream refused the claim for good.
    pub async fn mark_needs_attention(&self, id: &str, reason: &str) -> Result<(), StoreError> {
        self.db
            .exec(
                "UPDATE claims SET state = 'needs_attention', reason = $2, lease_until = NULL, updated_at = $3
                 WHERE id = $1 AND state = 'filing'",
                &[Val::Text(id), Val::Text(reason), Val::Int(now_ms())],
            )
            .await?;
        Ok(())
    }

    /// Claims waiting for their upstream int id: filed without one, or
    /// queued after an ambiguous attempt; last sent after `since`. Oldest
    /// first.
    pub async fn claims_to_match(&self, since: i64) -> Result<Vec<ClaimRow>, StoreError> {
        self.db
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM claims
                     WHERE ticket_id IS NULL AND (state = 'filed' OR (state IN ('queued', 'filing') AND ambiguous = 1))
                       AND last_sent_at >= $1
                     ORDER BY first_sent_at, created_at"
                ),
                &[Val::Int(since)],
                row,
            )
            .await
    }

    /// True when upstream int id `ticket_id` already belongs to a claim (or
    /// to a ticket the synchronous relay created).
    pub async fn ticket_taken(&self, ticket_id: i64) -> Result<bool, StoreError> {
        let taken = self
            .db
            .query_opt(
                "SELECT EXISTS (SELECT 1 FROM claims WHERE ticket_id = $1)
                     OR EXISTS (SELECT 1 FROM tickets WHERE ticket_id = $1)",
                &[Val::Int(ticket_id)],
                |r| r.get::<bool>(0),
            )
            .await?;
        Ok(taken.unwrap_or(false))
    }

    /// Maps claim `id` to upstream int id `ticket_id`, once and only if no
    /// other claim has it; an ambiguous claim found upstream becomes
    /// `filed`. `false` if nothing changed (also when another proxy mapped
    /// the same ticket at the same moment: the column is unique).
    pub async fn map_ticket(&self, id: &str, ticket_id: i64) -> Result<bool, StoreError> {
        let r = self
            .db
            .exec(
                "UPDATE claims SET ticket_id = $2, state = 'filed', ambiguous = 0, reason = NULL,
                     lease_until = NULL, updated_at = $3
                 WHERE id = $1 AND ticket_id IS NULL
                   AND (state = 'filed' OR (state IN ('queued', 'filing') AND ambiguous = 1))
                   AND NOT EXISTS (SELECT 1 FROM claims WHERE ticket_id = $2)
                   AND NOT EXISTS (SELECT 1 FROM tickets WHERE ticket_id = $2)",
                &[Val::Text(id), Val::Int(ticket_id), Val::Int(now_ms())],
            )
            .await;
        match r {
            Ok(n) => Ok(n == 1),
            Err(e) if e.0.contains("23505") || e.0.contains("UNIQUE") => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// How many claims are in each state.
    pub async fn claim_counts(&self) -> Result<Vec<(String, i64)>, StoreError> {
        self.db
            .query("SELECT state, COUNT(*) FROM claims GROUP BY state ORDER BY state", &[], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .await
    }

    /// The earliest time a claim is due (received or queued), or a lease
    /// runs out, if any.
    pub async fn next_due(&self) -> Result<Option<i64>, StoreError> {
        let mut conn = self.db.conn().await?;
        let mut times = Vec::new();
        for sql in [
            "SELECT MIN(next_attempt_at) FROM claims WHERE state = 'received'",
            "SELECT MIN(lease_until) FROM claims WHERE state = 'filing'",
            "SELECT MIN(next_attempt_at) FROM claims WHERE state = 'queued'",
        ] {
            times.push(conn.query_opt(sql, &[], |r| r.get::<Option<i64>>(0)).await?.flatten());
        }
        Ok(times.into_iter().flatten().min())
    }

    /// Takes one unit of the account's `kind` budget (`create`, `read`): at
    /// most `limit` in any `window_ms` (plus a margin of 5 %, 250 ms to 2 s,
    /// for the time a request takes to reach upstream), counted across
    /// every proxy on this store. `Err(wait_ms)`: none left for that long.
    pub async fn take_budget(
        &self,
        account: &str,
        kind: &str,
        limit: u32,
        window_ms: i64,
    ) -> Result<Result<(), i64>, StoreError> {
        let window_ms = window_ms + (window_ms / 20).clamp(250, 2000);
        let mut tx = self.db.begin().await?;
        if self.db.dialect() == Dialect::Postgres {
            // Proxies taking from one account's budget take turns.
            tx.exec("SELECT pg_advisory_xact_lock(hashtext($1))", &[Val::Text(&format!("budget {account} {kind}"))])
                .await?;
        }
        let now = now_ms();
        let hold: Option<i64> = tx
            .query_opt(
                "SELECT until FROM budget_hold WHERE account = $1 AND kind = $2 AND until > $3",
                &[Val::Text(account), Val::Text(kind), Val::Int(now)],
                |r| r.get(0),
            )
            .await?;
        if let Some(until) = hold {
            tx.rollback().await?;
            return Ok(Err(until - now));
        }
        tx.exec(
            "DELETE FROM budget WHERE account = $1 AND kind = $2 AND at <= $3",
            &[Val::Text(account), Val::Text(kind), Val::Int(now - window_ms)],
        )
        .await?;
        let (used, oldest): (i64, Option<i64>) = tx
            .query_opt(
                "SELECT COUNT(*), MIN(at) FROM budget WHERE account = $1 AND kind = $2",
                &[Val::Text(account), Val::Text(kind)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .await?
            .unwrap_or((0, None));
        if used >= i64::from(limit) {
            tx.commit().await?;
            return Ok(Err((oldest.unwrap_or(now) + window_ms - now).max(1)));
        }
        tx.exec(
            "INSERT INTO budget (account, kind, at) VALUES ($1, $2, $3)",
            &[Val::Text(account), Val::Text(kind), Val::Int(now)],
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(()))
    }

    /// Gives back the last unit of `kind` taken (the request never left:
    /// the connection could not be made).
    pub async fn refund_budget(&self, account: &str, kind: &str) -> Result<(), StoreError> {
        let id = match self.db.dialect() {
            Dialect::Sqlite => "rowid",
            Dialect::Postgres => "id",
        };
        self.db
            .exec(
                &format!(
                    "DELETE FROM budget WHERE {id} = (SELECT {id} FROM budget WHERE account = $1 AND kind = $2
                         ORDER BY at DESC LIMIT 1)"
                ),
                &[Val::Text(account), Val::Text(kind)],
            )
            .await?;
        Ok(())
    }

    /// Nobody on this store uses the account's `kind` budget until `until`
    /// (upstream answered 429 with a `Retry-After`).
    pub async fn hold_budget(&self, account: &str, kind: &str, until: i64) -> Result<(), StoreError> {
        self.db
            .exec(
                "INSERT INTO budget_hold (account, kind, until) VALUES ($1, $2, $3)
                 ON CONFLICT (account, kind) DO UPDATE SET until =
                     CASE WHEN excluded.until > budget_hold.until THEN excluded.until ELSE budget_hold.until END",
                &[Val::Text(account), Val::Text(kind), Val::Int(until)],
            )
            .await?;
        Ok(())
    }

    /// The last read of upstream ticket `ticket_id`: `(status, body, fetched_at)`.
    pub async fn ticket_read(&self, ticket_id: i64) -> Result<Option<(u16, Vec<u8>, i64)>, StoreError> {
        self.db
            .query_opt(
                "SELECT status, body, fetched_at FROM ticket_reads WHERE ticket_id = $1",
                &[Val::Int(ticket_id)],
                |r| Ok((u16::try_from(r.get::<i64>(0)?).unwrap_or(500), r.get(1)?, r.get(2)?)),
            )
            .await
    }

    /// Drops the kept read of `ticket_id` (it changed: the next status read
    /// goes upstream).
    pub async fn forget_ticket_read(&self, ticket_id: i64) -> Result<(), StoreError> {
        self.db.exec("DELETE FROM ticket_reads WHERE ticket_id = $1", &[Val::Int(ticket_id)]).await?;
        Ok(())
    }

    /// Keeps a read of upstream ticket `ticket_id`.
    pub async fn keep_ticket_read(&self, ticket_id: i64, status: u16, body: &[u8], at: i64) -> Result<(), StoreError> {
        self.db
            .exec(
                "INSERT INTO ticket_reads (ticket_id, status, body, fetched_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (ticket_id) DO UPDATE SET status = excluded.status, body = excluded.body,
                     fetched_at = excluded.fetched_at",
                &[Val::Int(ticket_id), Val::Int(i64::from(status)), Val::Bytes(body), Val::Int(at)],
            )
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
