//! The staff inbox's reads and changes of the claims table: counts per
//! state, a page of claims by state, one claim with everything the inbox
//! shows, and the staff's changes (complete, approve, reject), each one
//! `UPDATE` guarded by the states it may start from, so a staff action and
//! the pipeline (or two staff members) never both move a claim. The bytes
//! of uploaded files are kept in `kept_files` for the inbox's thumbnails.

use super::db::{Row, Val};
use super::{now_ms, Store, StoreError};

/// The states staff may complete, approve or reject a claim in.
pub const STAFF_STATES: [&str; 3] = ["with_shop", "review", "needs_attention"];

/// A claim as the inbox shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxRow {
    pub id: String,
    pub reference: Option<i64>,
    pub claim_type: String,
    pub created_at: i64,
    pub name: Option<String>,
    pub email: Option<String>,
    pub tracking_number: String,
    pub order_number: Option<String>,
    pub state: String,
    pub reason: Option<String>,
    pub upstream_status: Option<String>,
    /// The customer's part (JSON).
    pub customer: Option<String>,
    /// The upstream body (JSON).
    pub body: Vec<u8>,
    /// What the shop still has to add (comma separated).
    pub missing: Option<String>,
    /// `own_contract`, `sendcloud_rates`, or unknown.
    pub parcel_kind: Option<String>,
    /// The declaration PDF is uploaded when the claim is filed.
    pub declaration: bool,
    pub ticket_id: Option<i64>,
}

const INBOX_COLUMNS: &str = "id, reference, claim_type, created_at, name, email, tracking_number, order_number,
    state, reason, upstream_status, customer, body, missing, parcel_kind, declaration, ticket_id";

fn inbox_row(r: &Row<'_, '_>) -> Result<InboxRow, StoreError> {
    Ok(InboxRow {
        id: r.get(0)?,
        reference: r.get(1)?,
        claim_type: r.get(2)?,
        created_at: r.get(3)?,
        name: r.get(4)?,
        email: r.get(5)?,
        tracking_number: r.get(6)?,
        order_number: r.get(7)?,
        state: r.get(8)?,
        reason: r.get(9)?,
        upstream_status: r.get(10)?,
        customer: r.get(11)?,
        body: r.get(12)?,
        missing: r.get(13)?,
        parcel_kind: r.get(14)?,
        declaration: r.get::<i64>(15)? != 0,
        ticket_id: r.get(16)?,
    })
}

/// Which claims a page lists: those in `states`, and for `filed` either
/// the resolved ones or the others.
#[derive(Clone, Copy, Debug)]
pub struct InboxFilter<'a> {
    pub states: &'a [&'a str],
    /// `Some(true)`: only upstream status `resolved`; `Some(false)`: only
    /// the others; `None`: both.
    pub resolved: Option<bool>,
}

/// A staff change of a claim's data (`POST /staff/claims/{id}/complete`).
#[derive(Debug)]
pub struct Completion<'a> {
    pub body: &'a [u8],
    pub tracking_number: &'a str,
    pub parcel_kind: Option<&'a str>,
    /// The new state (`with_shop`, `review`, `received`, or unchanged).
    pub state: &'a str,
    pub missing: Option<&'a str>,
    pub reason: Option<&'a str>,
}

/// A file kept at upload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptFile {
    pub content_type: String,
    pub filename: String,
    pub bytes: Vec<u8>,
}

fn in_list(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// `(state, resolved, count)` for every state that has claims;
    /// `resolved`: upstream's ticket status is `resolved`.
    pub async fn inbox_counts(&self) -> Result<Vec<(String, bool, i64)>, StoreError> {
        self.db
            .query(
                "SELECT state, CAST(CASE WHEN upstream_status = 'resolved' THEN 1 ELSE 0 END AS BIGINT), COUNT(*)
                 FROM claims GROUP BY state, CAST(CASE WHEN upstream_status = 'resolved' THEN 1 ELSE 0 END AS BIGINT)",
                &[],
                |r| Ok((r.get::<String>(0)?, r.get::<i64>(1)? != 0, r.get::<i64>(2)?)),
            )
            .await
    }

    /// At most `limit` claims matching `filter`, newest first, after
    /// skipping `offset`.
    pub async fn inbox_page(
        &self,
        filter: InboxFilter<'_>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<InboxRow>, StoreError> {
        let mut params: Vec<Val<'_>> = filter.states.iter().map(|s| Val::Text(s)).collect();
        let n = params.len();
        let resolved = match filter.resolved {
            None => "",
            Some(true) => " AND upstream_status = 'resolved'",
            Some(false) => " AND (upstream_status IS NULL OR upstream_status <> 'resolved')",
        };
        params.push(Val::Int(limit));
        params.push(Val::Int(offset));
        self.db
            .query(
                &format!(
                    "SELECT {INBOX_COLUMNS} FROM claims WHERE state IN ({}){resolved}
                     ORDER BY created_at DESC, id DESC LIMIT ${} OFFSET ${}",
                    in_list(1, n),
                    n + 1,
                    n + 2
                ),
                &params,
                inbox_row,
            )
            .await
    }

    /// One claim as the inbox shows it.
    pub async fn inbox_claim(&self, id: &str) -> Result<Option<InboxRow>, StoreError> {
        self.db
            .query_opt(&format!("SELECT {INBOX_COLUMNS} FROM claims WHERE id = $1"), &[Val::Text(id)], inbox_row)
            .await
    }

    /// Stores a staff completion if the claim is still in `from` (its state
    /// when it was read) and unchanged since (`body` as read): false when
    /// it moved meanwhile (read it again).
    pub async fn complete_claim(
        &self,
        id: &str,
        from: &str,
        read_body: &[u8],
        c: &Completion<'_>,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        Ok(self
            .db
            .exec(
                "UPDATE claims SET body = $3, tracking_number = $4, parcel_kind = $5, state = $6, missing = $7,
                     reason = $8, attempts = 0, next_attempt_at = $9, updated_at = $9
                 WHERE id = $1 AND state = $2 AND body = $10",
                &[
                    Val::Text(id),
                    Val::Text(from),
                    Val::Bytes(c.body),
                    Val::Text(c.tracking_number),
                    Val::OptText(c.parcel_kind),
                    Val::Text(c.state),
                    Val::OptText(c.missing),
                    Val::OptText(c.reason),
                    Val::Int(now),
                    Val::Bytes(read_body),
                ],
            )
            .await?
            == 1)
    }

    /// Queues a claim for filing (`received`, due now) if it is still in
    /// `from` (one of [`STAFF_STATES`], its state when it was read) with
    /// the body it was read with: false when it moved or changed meanwhile.
    pub async fn approve_claim(&self, id: &str, from: &str, read_body: &[u8]) -> Result<bool, StoreError> {
        if !STAFF_STATES.contains(&from) {
            return Ok(false);
        }
        let now = now_ms();
        Ok(self
            .db
            .exec(
                "UPDATE claims SET state = 'received', reason = NULL, missing = NULL, attempts = 0, ambiguous = 0,
                     ambiguous_since = NULL, next_attempt_at = $2, updated_at = $2
                 WHERE id = $1 AND ticket_id IS NULL AND state = $3 AND body = $4",
                &[Val::Text(id), Val::Int(now), Val::Text(from), Val::Bytes(read_body)],
            )
            .await?
            == 1)
    }

    /// Rejects a claim in one of [`STAFF_STATES`] with `reason` (never
    /// filed). False when it is in another state.
    pub async fn reject_claim(&self, id: &str, reason: &str) -> Result<bool, StoreError> {
        let now = now_ms();
        Ok(self
            .db
            .exec(
                &format!(
                    "UPDATE claims SET state = 'rejected', reason = $2, updated_at = $3
                     WHERE id = $1 AND ticket_id IS NULL AND state IN ({})",
                    in_list(4, STAFF_STATES.len())
                ),
                &[
                    Val::Text(id),
                    Val::Text(reason),
                    Val::Int(now),
                    Val::Text(STAFF_STATES[0]),
                    Val::Text(STAFF_STATES[1]),
                    Val::Text(STAFF_STATES[2]),
                ],
            )
            .await?
            == 1)
    }

    /// Keeps an uploaded file's bytes under its upstream file token (once:
    /// a token is upstream's, and never names two files).
    pub async fn keep_file(
        &self,
        token: &str,
        content_type: &str,
        filename: &str,
        bytes: &[u8],
    ) -> Result<(), StoreError> {
        self.db
            .exec(
                "INSERT INTO kept_files (file_token, content_type, filename, bytes, created_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (file_token) DO NOTHING",
                &[Val::Text(token), Val::Text(content_type), Val::Text(filename), Val::Bytes(bytes), Val::Int(now_ms())],
            )
            .await?;
        Ok(())
    }

    /// A kept file.
    pub async fn kept_file(&self, token: &str) -> Result<Option<KeptFile>, StoreError> {
        self.db
            .query_opt(
                "SELECT content_type, filename, bytes FROM kept_files WHERE file_token = $1",
                &[Val::Text(token)],
                |r| Ok(KeptFile { content_type: r.get(0)?, filename: r.get(1)?, bytes: r.get(2)? }),
            )
            .await
    }

    /// Which of `tokens` have kept bytes.
    pub async fn kept_tokens(&self, tokens: &[&str]) -> Result<Vec<String>, StoreError> {
        if tokens.is_empty() {
            return Ok(Vec::new());
        }
        let params: Vec<Val<'_>> = tokens.iter().map(|t| Val::Text(t)).collect();
        self.db
            .query(
                &format!("SELECT file_token FROM kept_files WHERE file_token IN ({})", in_list(1, tokens.len())),
                &params,
                |r| r.get(0),
            )
            .await
    }
}
