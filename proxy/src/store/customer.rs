//! Customers' claims (`POST /claims`) in the claims table: accepted with a
//! fresh reference, unique in the store, in one transaction with the
//! idempotency answer; found again by reference; the declaration's file
//! token kept once uploaded.

use super::claims::{Accepted, NewClaim};
use super::db::{Row, Val};
use super::{now_ms, put_answer, Store, StoreError, StoredAnswer};

/// What a customer's claim stores beyond [`NewClaim`].
#[derive(Debug)]
pub struct CustomerPart<'a> {
    /// The route its `Idempotency-Key` is kept under (`claims`).
    pub route: &'a str,
    /// The customer's answers ([`parcel_desk_wire::customer::CustomerClaim`] as JSON).
    pub json: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub resolution: Option<&'a str>,
    pub order_number: Option<&'a str>,
    /// `received` (the pipeline files it) or `with_shop` (it waits).
    pub state: &'a str,
    /// What the shop still has to add (`with_shop`), comma separated.
    pub missing: Option<&'a str>,
    /// Upload the declaration PDF before filing.
    pub declaration: bool,
    /// Where the claim's documents come from (JSON of
    /// [`crate::orders::Documents`]), when its order names any.
    pub documents: Option<&'a str>,
    /// How the parcel was shipped (`own_contract`, `sendcloud_rates`), if known.
    pub parcel_kind: Option<&'a str>,
}

/// A claim found by its reference: what proves the customer.
#[derive(Debug)]
pub struct ByReference {
    pub id: String,
    pub email: Option<String>,
    pub tracking_number: String,
    /// As the customer gave it with the claim.
    pub order_number: Option<String>,
    /// The claim's reference (its bits).
    pub reference: Option<i64>,
}

/// A [`ByReference`] from `SELECT id, email, tracking_number, order_number, reference`.
fn by_reference(r: &Row<'_, '_>) -> Result<ByReference, StoreError> {
    Ok(ByReference {
        id: r.get(0)?,
        email: r.get(1)?,
        tracking_number: r.get(2)?,
        order_number: r.get(3)?,
        reference: r.get(4)?,
    })
}

/// A customer's claim waiting for its order's facts (`missing` has
/// `order_facts`), due for another fetch.
#[derive(Debug)]
pub struct WaitingForOrder {
    pub id: String,
    /// The customer's answers, as JSON.
    pub customer: String,
    pub order_number: String,
    /// Fetches that failed so far.
    pub attempts: i64,
}

/// Attempts at drawing a reference the store does not have yet (30 bits:
/// a collision is rare until there are many millions of claims).
const DRAWS: usize = 16;

fn is_unique_violation(e: &StoreError) -> bool {
    e.0.contains("23505") || e.0.contains("UNIQUE")
}

/// What a claim that waited for its order's facts becomes
/// ([`Store::complete_from_order`]).
#[derive(Clone, Copy, Debug)]
pub struct FromOrder<'a> {
    /// The new upstream body (JSON).
    pub body: &'a [u8],
    pub tracking_number: &'a str,
    /// Where its documents come from (JSON), if the order names any.
    pub documents: Option<&'a str>,
    /// `own_contract`, `sendcloud_rates`, if known.
    pub parcel_kind: Option<&'a str>,
    /// `received` (the pipeline files it), `review` or `with_shop`.
    pub state: &'a str,
    /// What is still missing (`with_shop`), comma separated.
    pub missing: Option<&'a str>,
}

impl Store {
    /// Stores a customer's claim as [`Store::accept_claim`] does, with a
    /// reference from `draw` that no other claim has (drawn again on a
    /// collision) and the answer `answer_for(reference)`. Returns what was
    /// done and the reference stored (a replay's is in its answer).
    pub async fn accept_customer_claim(
        &self,
        c: &NewClaim<'_>,
        part: &CustomerPart<'_>,
        mut draw: impl FnMut() -> u32,
        answer_for: impl Fn(u32) -> StoredAnswer,
    ) -> Result<Accepted, StoreError> {
        let mut last = None;
        for _ in 0..DRAWS {
            let reference = draw();
            match self.try_accept_customer(c, part, reference, &answer_for(reference)).await {
                Ok(Some(done)) => return Ok(done),
                Ok(None) => continue,
                Err(e) if is_unique_violation(&e) && !e.0.contains("idempotency") => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| StoreError("store: no free claim reference found".into())))
    }

    /// One attempt; `Ok(None)`: the reference is taken.
    async fn try_accept_customer(
        &self,
        c: &NewClaim<'_>,
        part: &CustomerPart<'_>,
        reference: u32,
        answer: &StoredAnswer,
    ) -> Result<Option<Accepted>, StoreError> {
        let reason = (part.state == "with_shop")
            .then(|| format!("waiting for the shop's part: {}", part.missing.unwrap_or("").replace(',', ", ")));
        let mut tx = self.db.begin().await?;
        let now = now_ms();
        let taken = tx
            .query_opt("SELECT 1 FROM claims WHERE reference = $1", &[Val::Int(i64::from(reference))], |r| {
                r.get::<i64>(0)
            })
            .await?;
        if taken.is_some() {
            tx.rollback().await?;
            return Ok(None);
        }
        if let Some((key, hash)) = c.idempotency {
            let cutoff = now - self.keep_ms;
            if put_answer(&mut tx, key, part.route, hash, answer, now, cutoff).await? == 0 {
                tx.rollback().await?;
                let stored = super::stored_answer(&mut self.db.conn().await?, key, part.route, i64::MIN).await?;
                let Some((stored_hash, stored)) = stored else {
                    return Err(StoreError("store: an Idempotency-Key answer vanished while it was read".into()));
                };
                return Ok(Some(if stored_hash == hash { Accepted::Replay(stored) } else { Accepted::Reused }));
            }
        }
        tx.exec(
            "INSERT INTO claims (id, claim_type, portal, body, tracking_number, state, reason, next_attempt_at,
                 created_at, updated_at, reference, customer, email, name, resolution, order_number, missing,
                 declaration, documents, parcel_kind)
             VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, $7, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
            &[
                Val::Text(c.id),
                Val::Text(c.claim_type),
                Val::Bytes(c.body),
                Val::Text(c.tracking_number),
                Val::Text(part.state),
                Val::OptText(reason.as_deref()),
                Val::Int(now),
                Val::Int(i64::from(reference)),
                Val::Text(part.json),
                Val::Text(part.email),
                Val::Text(part.name),
                Val::OptText(part.resolution),
                Val::OptText(part.order_number),
                Val::OptText(part.missing),
                Val::Int(part.declaration as i64),
                Val::OptText(part.documents),
                Val::OptText(part.parcel_kind),
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(Some(Accepted::New))
    }

    /// The claim with this reference, if any.
    pub async fn claim_by_reference(&self, reference: u32) -> Result<Option<ByReference>, StoreError> {
        self.db
            .query_opt(
                "SELECT id, email, tracking_number, order_number, reference FROM claims WHERE reference = $1",
                &[Val::Int(i64::from(reference))],
                by_reference,
            )
            .await
    }

    /// The newest customer's claim with this order number (trimmed, any
    /// case), if any.
    pub async fn claim_by_order_number(&self, order_number: &str) -> Result<Option<ByReference>, StoreError> {
        if order_number.is_empty() {
            return Ok(None);
        }
        self.db
            .query_opt(
                "SELECT id, email, tracking_number, order_number, reference FROM claims
                 WHERE reference IS NOT NULL AND LOWER(TRIM(order_number)) = LOWER($1)
                 ORDER BY created_at DESC, id LIMIT 1",
                &[Val::Text(order_number)],
                by_reference,
            )
            .await
    }

    /// What a `with_shop` claim still lacks (comma separated), if any.
    pub async fn claim_missing(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .db
            .query_opt("SELECT missing FROM claims WHERE id = $1", &[Val::Text(id)], |r| r.get::<Option<String>>(0))
            .await?
            .flatten())
    }

    /// Claims waiting for their order's facts whose next fetch is due.
    pub async fn claims_waiting_for_order(&self, now: i64, limit: i64) -> Result<Vec<WaitingForOrder>, StoreError> {
        self.db
            .query(
                "SELECT id, customer, order_number, attempts FROM claims
                 WHERE state = 'with_shop' AND missing LIKE '%order_facts%' AND next_attempt_at <= $1
                   AND customer IS NOT NULL AND order_number IS NOT NULL
                 ORDER BY next_attempt_at LIMIT $2",
                &[Val::Int(now), Val::Int(limit)],
                |r| {
                    Ok(WaitingForOrder {
                        id: r.get(0)?,
                        customer: r.get(1)?,
                        order_number: r.get(2)?,
                        attempts: r.get(3)?,
                    })
                },
            )
            .await
    }

    /// A fetch of the claim's order failed: the next one at `next_at`.
    pub async fn order_fetch_failed(&self, id: &str, next_at: i64) -> Result<(), StoreError> {
        self.db
            .exec(
                "UPDATE claims SET attempts = attempts + 1, next_attempt_at = $2, updated_at = $3
                 WHERE id = $1 AND state = 'with_shop'",
                &[Val::Text(id), Val::Int(next_at), Val::Int(now_ms())],
            )
            .await?;
        Ok(())
    }

    /// The claim's order facts arrived ([`FromOrder`]). False when it no
    /// longer waited.
    pub async fn complete_from_order(&self, id: &str, o: &FromOrder<'_>) -> Result<bool, StoreError> {
        let FromOrder { body, tracking_number, documents, parcel_kind, state, missing } = *o;
        let now = now_ms();
        let reason = (state == "with_shop")
            .then(|| format!("waiting for the shop's part: {}", missing.unwrap_or("").replace(',', ", ")));
        Ok(self
            .db
            .exec(
                "UPDATE claims SET body = $2, tracking_number = $3, state = $4, missing = $5, reason = $6,
                     attempts = 0, next_attempt_at = $7, updated_at = $7, documents = $8, parcel_kind = $9
                 WHERE id = $1 AND state = 'with_shop' AND missing LIKE '%order_facts%'",
                &[
                    Val::Text(id),
                    Val::Bytes(body),
                    Val::Text(tracking_number),
                    Val::Text(state),
                    Val::OptText(missing),
                    Val::OptText(reason.as_deref()),
                    Val::Int(now),
                    Val::OptText(documents),
                    Val::OptText(parcel_kind),
                ],
            )
            .await?
            == 1)
    }

    /// Keeps the uploaded declaration's file token (only the first: a
    /// claim's declaration is uploaded once). Returns the token to use.
    pub async fn keep_declaration_token(&self, id: &str, token: &str) -> Result<Option<String>, StoreError> {
        self.db
            .exec(
                "UPDATE claims SET declaration_token = $2, updated_at = $3 WHERE id = $1 AND declaration_token IS NULL",
                &[Val::Text(id), Val::Text(token), Val::Int(now_ms())],
            )
            .await?;
        Ok(self
            .db
            .query_opt("SELECT declaration_token FROM claims WHERE id = $1", &[Val::Text(id)], |r| {
                r.get::<Option<String>>(0)
            })
            .await?
            .flatten())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn answer(bits: u32) -> StoredAnswer {
        StoredAnswer { status: 202, content_type: None, body: bits.to_string().into_bytes() }
    }

    fn part() -> CustomerPart<'static> {
        CustomerPart {
            route: "claims",
            json: "{}",
            email: "a@b.co",
            name: "A",
            resolution: Some("refund"),
            order_number: None,
            state: "received",
            missing: None,
            declaration: true,
            documents: None,
            parcel_kind: None,
        }
    }

    fn claim<'a>(id: &'a str, key: Option<(&'a str, &'a str)>) -> NewClaim<'a> {
        NewClaim { id, claim_type: "lost", portal: None, body: b"{}", tracking_number: "T", idempotency: key }
    }

    #[tokio::test]
    async fn a_taken_reference_is_drawn_again_and_the_token_is_kept_once() {
        let s = Store::open_path(Path::new(":memory:"), 24).await.unwrap();
        let mut draws = vec![7, 7, 9].into_iter();
        let mut next = || draws.next().unwrap();
        assert_eq!(
            s.accept_customer_claim(&claim("a", None), &part(), &mut next, answer).await.unwrap(),
            Accepted::New
        );
        assert_eq!(
            s.accept_customer_claim(&claim("b", None), &part(), &mut next, answer).await.unwrap(),
            Accepted::New
        );
        assert_eq!(s.claim_by_reference(7).await.unwrap().unwrap().id, "a");
        assert_eq!(s.claim_by_reference(9).await.unwrap().unwrap().id, "b");
        assert!(s.claim_by_reference(8).await.unwrap().is_none());
        // A replay answers the first answer, with its reference.
        let key = Some(("k", "h"));
        assert_eq!(s.accept_customer_claim(&claim("c", key), &part(), || 11, answer).await.unwrap(), Accepted::New);
        assert_eq!(
            s.accept_customer_claim(&claim("d", key), &part(), || 12, answer).await.unwrap(),
            Accepted::Replay(answer(11))
        );
        assert_eq!(s.keep_declaration_token("a", "first").await.unwrap().as_deref(), Some("first"));
        assert_eq!(s.keep_declaration_token("a", "second").await.unwrap().as_deref(), Some("first"));
        assert!(s.claim("a").await.unwrap().unwrap().declaration);
    }
}
