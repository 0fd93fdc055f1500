use std::path::Path;

use super::*;

fn answer() -> StoredAnswer {
    StoredAnswer { status: 202, content_type: Some("application/json".into()), body: b"{}".to_vec() }
}

fn new<'a>(id: &'a str, key: Option<(&'a str, &'a str)>) -> NewClaim<'a> {
    NewClaim { id, claim_type: "lost", portal: None, body: b"{}", tracking_number: "T", idempotency: key }
}

#[tokio::test]
async fn accept_is_once_per_key() {
    let s = Store::open_path(Path::new(":memory:"), 24).await.unwrap();
    assert_eq!(s.accept_claim(&new("a", Some(("k", "h"))), &answer()).await.unwrap(), Accepted::New);
    assert_eq!(s.accept_claim(&new("b", Some(("k", "h"))), &answer()).await.unwrap(), Accepted::Replay(answer()));
    assert_eq!(s.accept_claim(&new("c", Some(("k", "other"))), &answer()).await.unwrap(), Accepted::Reused);
    assert!(s.claim("a").await.unwrap().is_some());
    assert!(s.claim("b").await.unwrap().is_none());
    assert_eq!(s.claim_counts().await.unwrap(), vec![("received".to_owned(), 1)]);
}

#[tokio::test]
async fn a_lease_is_taken_once_and_a_dead_one_comes_back_ambiguous() {
    let s = Store::open_path(Path::new(":memory:"), 24).await.unwrap();
    s.accept_claim(&new("a", None), &answer()).await.unwrap();
    let now = now_ms();
    let c = s.lease_due(now, 1000).await.unwrap().unwrap();
    assert!(!c.ambiguous);
    assert!(s.lease_due(now, 1000).await.unwrap().is_none(), "leased claims are not handed out twice");
    assert!(s.mark_sent("a", now).await.unwrap());
    // The worker died: after the lease the claim comes back, as possibly sent.
    let again = s.lease_due(now + 1001, 1000).await.unwrap().unwrap();
    assert!(again.ambiguous);
    s.requeue("a", now + 5000, true, None).await.unwrap();
    assert_eq!(s.claims_to_match(0).await.unwrap().len(), 1);
    assert!(s.map_ticket("a", 77).await.unwrap());
    assert!(!s.map_ticket("a", 78).await.unwrap());
    assert!(s.ticket_taken(77).await.unwrap());
    assert_eq!(s.claim("a").await.unwrap().unwrap().state, "filed");
}

#[tokio::test]
async fn the_budget_counts_a_window() {
    let s = Store::open_path(Path::new(":memory:"), 24).await.unwrap();
    for _ in 0..3 {
        assert_eq!(s.take_budget("acct", "create", 3, 60_000).await.unwrap(), Ok(()));
    }
    let wait = s.take_budget("acct", "create", 3, 60_000).await.unwrap().unwrap_err();
    assert!(wait > 61_000 && wait <= 62_000, "{wait}");
    assert_eq!(s.take_budget("acct", "read", 3, 60_000).await.unwrap(), Ok(()));
    s.hold_budget("acct", "read", now_ms() + 10_000).await.unwrap();
    assert!(s.take_budget("acct", "read", 3, 60_000).await.unwrap().is_err());
}
