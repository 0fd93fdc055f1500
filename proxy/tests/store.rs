//! The store's test suite, run twice: on SQLite files and on a real
//! PostgreSQL (a throwaway cluster this test starts and removes). Every
//! scenario gets an empty database; those about several proxies open two
//! handles on it, as two instances would.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use parcel_desk_proxy::jtl::store::{JtlStore, Reply};
use parcel_desk_proxy::store::claims::{Accepted, NewClaim};
use parcel_desk_proxy::store::db::Val;
use parcel_desk_proxy::store::{now_ms, Claim, Location, Store, StoredAnswer};

fn answer(body: &str) -> StoredAnswer {
    StoredAnswer { status: 202, content_type: Some("application/json".into()), body: body.as_bytes().to_vec() }
}

fn claim<'a>(id: &'a str, key: Option<(&'a str, &'a str)>) -> NewClaim<'a> {
    NewClaim {
        id,
        claim_type: "lost",
        portal: Some("false"),
        body: b"{\"a\":1}",
        tracking_number: "T",
        idempotency: key,
    }
}

async fn open(at: &Location) -> Store {
    Store::open(at, 24).await.unwrap_or_else(|e| panic!("open {}: {e}", at.redacted()))
}

/// One key, one claim: sequential repeats replay, another request is
/// refused, and 16 concurrent requests on two handles store exactly one.
async fn accept_is_once_per_key(at: Location) {
    let (a, b) = (open(&at).await, open(&at).await);
    assert_eq!(a.accept_claim(&claim("c1", Some(("k", "h"))), &answer("1")).await.unwrap(), Accepted::New);
    assert_eq!(
        b.accept_claim(&claim("c2", Some(("k", "h"))), &answer("2")).await.unwrap(),
        Accepted::Replay(answer("1"))
    );
    assert_eq!(b.accept_claim(&claim("c3", Some(("k", "other"))), &answer("3")).await.unwrap(), Accepted::Reused);
    let mut tasks = Vec::new();
    for i in 0..16 {
        let s = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let id = format!("race-{i}");
            s.accept_claim(&claim(&id, Some(("race", "h"))), &answer(&id)).await.unwrap()
        }));
    }
    let mut new = 0;
    for t in tasks {
        if t.await.unwrap() == Accepted::New {
            new += 1;
        }
    }
    assert_eq!(new, 1, "exactly one of the concurrent requests stores its claim");
    let counts = a.claim_counts().await.unwrap();
    assert_eq!(counts, vec![("received".to_owned(), 2)]);
    let stored = b.claim("c1").await.unwrap().unwrap();
    assert_eq!((stored.body.as_slice(), stored.portal.as_deref()), (&b"{\"a\":1}"[..], Some("false")));
}

/// 40 claims, 8 workers on two handles: each claim is leased once; a lease
/// that runs out after a send comes back ambiguous.
async fn leases_are_taken_once(at: Location) {
    let (a, b) = (open(&at).await, open(&at).await);
    for i in 0..40 {
        a.accept_claim(&claim(&format!("c{i:02}"), None), &answer("x")).await.unwrap();
    }
    let now = now_ms();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let s = if w % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(c) = s.lease_due(now, 60_000).await.unwrap() {
                got.push(c.id);
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    assert_eq!(all.len(), 40, "{all:?}");
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), 40, "a claim was leased twice");
    assert!(a.mark_sent("c00", now).await.unwrap());
    // A claim leased and then refused; the others filed.
    assert!(a.mark_sent("c01", now).await.unwrap());
    a.mark_needs_attention("c01", "Parcel not found.").await.unwrap();
    let refused = b.claim("c01").await.unwrap().unwrap();
    assert_eq!((refused.state.as_str(), refused.reason.as_deref()), ("needs_attention", Some("Parcel not found.")));
    for i in 2..40 {
        b.mark_filed(&format!("c{i:02}"), Some("uuid")).await.unwrap();
    }
    // c00's worker died after sending: after the lease it comes back as possibly sent.
    let again = b.lease_due(now + 60_001, 1000).await.unwrap().unwrap();
    assert_eq!((again.id.as_str(), again.ambiguous), ("c00", true));
    b.requeue("c00", now + 5000, true, Some("checking")).await.unwrap();
    assert_eq!(a.next_due().await.unwrap(), Some(now + 5000));
    assert_eq!(a.claims_to_match(0).await.unwrap().len(), 1);
    assert!(a.map_ticket("c00", 77).await.unwrap());
    assert!(!b.map_ticket("c00", 78).await.unwrap(), "mapped once");
    assert!(b.ticket_taken(77).await.unwrap());
    assert_eq!(b.claim_for_ticket(77).await.unwrap().as_deref(), Some("c00"));
    assert_eq!(a.claim("c00").await.unwrap().unwrap().state, "filed");
    assert_eq!(a.next_due().await.unwrap(), None, "nothing left to file");
}

/// Two claims found for one upstream ticket at once: only one gets it.
async fn a_ticket_is_mapped_to_one_claim(at: Location) {
    let (a, b) = (open(&at).await, open(&at).await);
    for id in ["x", "y"] {
        a.accept_claim(&claim(id, None), &answer("x")).await.unwrap();
        let now = now_ms();
        let c = a.lease_due(now, 60_000).await.unwrap().unwrap();
        assert!(a.mark_sent(&c.id, now).await.unwrap());
        a.mark_filed(&c.id, None).await.unwrap();
    }
    let (ra, rb) = tokio::join!(a.map_ticket("x", 500), b.map_ticket("y", 500));
    assert_eq!([ra.unwrap(), rb.unwrap()].iter().filter(|m| **m).count(), 1);
}

/// The budget is one count for every handle: 20 concurrent takes of a
/// limit of 5 give 5; a hold stops everyone.
async fn the_budget_is_shared(at: Location) {
    let (a, b) = (open(&at).await, open(&at).await);
    let mut tasks = Vec::new();
    for i in 0..20 {
        let s = if i % 2 == 0 { a.clone() } else { b.clone() };
        tasks.push(tokio::spawn(async move { s.take_budget("acct", "create", 5, 60_000).await.unwrap() }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(()) => ok += 1,
            Err(wait) => assert!(wait > 59_000 && wait <= 62_000, "{wait}"),
        }
    }
    assert_eq!(ok, 5);
    b.refund_budget("acct", "create").await.unwrap();
    assert_eq!(a.take_budget("acct", "create", 5, 60_000).await.unwrap(), Ok(()));
    assert_eq!(a.take_budget("acct", "read", 5, 60_000).await.unwrap(), Ok(()));
    b.hold_budget("acct", "read", now_ms() + 10_000).await.unwrap();
    b.hold_budget("acct", "read", now_ms() + 1_000).await.unwrap();
    let wait = a.take_budget("acct", "read", 5, 60_000).await.unwrap().unwrap_err();
    assert!(wait > 9_000, "a shorter hold does not shorten a longer one: {wait}");
}

/// A key in flight on one handle is in flight on the other; its final
/// answer replays everywhere.
async fn keys_in_flight_are_shared(at: Location) {
    let (a, b) = (open(&at).await, open(&at).await);
    let Claim::Proceed(guard) = a.begin("k", "channel", "h").await.unwrap() else { panic!("first use") };
    assert!(matches!(b.begin("k", "channel", "h").await.unwrap(), Claim::InProgress));
    guard.complete(&answer("done")).await.unwrap();
    assert!(matches!(b.begin("k", "channel", "h").await.unwrap(), Claim::Replay(x) if x == answer("done")));
    assert!(matches!(b.begin("k", "channel", "h2").await.unwrap(), Claim::Reused));
}

/// A lease has one holder; it passes on only after it runs out.
async fn a_lease_has_one_holder(at: Location) {
    let (a, b) = (open(&at).await, open(&at).await);
    assert!(a.take_lease("poller", "one", 400).await.unwrap());
    assert!(!b.take_lease("poller", "two", 400).await.unwrap());
    assert!(a.take_lease("poller", "one", 400).await.unwrap(), "the holder renews");
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(b.take_lease("poller", "two", 400).await.unwrap(), "taken over after it ran out");
    assert!(!a.take_lease("poller", "one", 400).await.unwrap());
    b.release_lease("poller", "two").await.unwrap();
    assert!(a.take_lease("poller", "one", 400).await.unwrap());
}

/// Ticket reads are kept, replaced and forgotten.
async fn ticket_reads_are_kept(at: Location) {
    let s = open(&at).await;
    s.keep_ticket_read(9, 200, b"{\"v\":1}", 5).await.unwrap();
    s.keep_ticket_read(9, 200, b"{\"v\":2}", 6).await.unwrap();
    assert_eq!(s.ticket_read(9).await.unwrap(), Some((200, b"{\"v\":2}".to_vec(), 6)));
    s.forget_ticket_read(9).await.unwrap();
    assert_eq!(s.ticket_read(9).await.unwrap(), None);
}

/// JTL replies are stored once per event and read back in order.
async fn jtl_replies_are_stored_once(at: Location) {
    let s = open(&at).await;
    let jtl = JtlStore::new(s.db().clone());
    let reply = |id: &str| Reply {
        event_id: id.into(),
        ticket_id: "PD-1".into(),
        created_at: "2026-01-01T00:00:00+00:00".into(),
        text: format!("reply {id}"),
        attachments: vec!["a.pdf".into()],
    };
    jtl.record_ticket("PD-1", "2026-01-01T00:00:00+00:00", "Dave", "S", "Hello", &["x.png".into()]).await.unwrap();
    jtl.record_ticket("PD-1", "2026-01-01T00:00:00+00:00", "Dave", "S", "Hello", &[]).await.unwrap();
    assert_eq!(jtl.store_replies(&[reply("e2"), reply("e1")]).await.unwrap(), 2);
    assert_eq!(jtl.store_replies(&[reply("e1"), reply("e3")]).await.unwrap(), 1);
    let texts: Vec<_> = jtl.conversation("PD-1").await.unwrap().into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["Hello", "reply e2", "reply e1", "reply e3"]);
    assert!(jtl.has_ticket("PD-1").await.unwrap());
    assert_eq!(jtl.reply_count("PD-1").await.unwrap(), 3);
}

/// A contact ticket in the JTL outbox: held by the request that brought it,
/// taken by one worker after that lease runs out, queued, then filed.
async fn the_jtl_outbox_hands_a_ticket_to_one_worker(at: Location) {
    let (a, b) = (open(&at).await, open(&at).await);
    let (ja, jb) = (JtlStore::new(a.db().clone()), JtlStore::new(b.db().clone()));
    ja.enqueue("PD-9", b"{}", "[]", "2026-01-01T00:00:00+00:00", "Dave", "S", "Hello", &[], 200).await.unwrap();
    assert_eq!(jb.conversation("PD-9").await.unwrap().len(), 1, "the buyer's message is kept with it");
    let now = now_ms();
    assert!(jb.lease_outbox(now, 60_000).await.unwrap().is_none(), "the accepting request holds it");
    let later = now + 1_000;
    let (x, y) = tokio::join!(ja.lease_outbox(later, 60_000), jb.lease_outbox(later, 60_000));
    let taken: Vec<_> = [x.unwrap(), y.unwrap()].into_iter().flatten().collect();
    assert_eq!(taken.len(), 1, "one worker takes it");
    assert_eq!((taken[0].attempts, taken[0].created), (2, false));
    ja.outbox_requeue("PD-9", later + 5_000, "down").await.unwrap();
    assert!(jb.lease_outbox(later + 1_000, 60_000).await.unwrap().is_none(), "not due yet");
    let again = jb.lease_outbox(later + 5_000, 60_000).await.unwrap().unwrap();
    assert_eq!(again.attempts, 3);
    jb.outbox_created("PD-9").await.unwrap();
    ja.outbox_filed("PD-9", "[]").await.unwrap();
    let row = jb.outbox("PD-9").await.unwrap().unwrap();
    assert_eq!((row.state.as_str(), row.created, row.results.as_deref()), ("filed", true, Some("[]")));
    assert!(ja.lease_outbox(later + 120_000, 60_000).await.unwrap().is_none());
}

/// Instances starting together migrate the database once.
async fn instances_starting_together_migrate_once(at: Location) {
    let opens: Vec<_> = (0..4)
        .map(|_| {
            tokio::spawn({
                let at = at.clone();
                async move { Store::open(&at, 24).await.map(|_| ()).map_err(|e| e.0) }
            })
        })
        .collect();
    for o in opens {
        o.await.unwrap().unwrap();
    }
    let s = open(&at).await;
    s.accept_claim(&claim("after", None), &answer("x")).await.unwrap();
    assert!(s.claim("after").await.unwrap().is_some());
}

/// A customer's claim waiting for its order's facts: listed when due,
/// put back after a failed fetch, completed once (to `received`, which the
/// filing worker then leases).
async fn claims_wait_for_order_facts(at: Location) {
    use parcel_desk_proxy::store::customer::{CustomerPart, FromOrder};
    let s = open(&at).await;
    let part = |missing| CustomerPart {
        route: "claims",
        json: "{\"claim_type\":\"lost\"}",
        email: "a@b.co",
        name: "A",
        resolution: None,
        order_number: Some("ORD-1"),
        state: "with_shop",
        missing: Some(missing),
        declaration: false,
        documents: None,
        parcel_kind: None,
    };
    let mut no_tn = claim("w1", None);
    no_tn.tracking_number = "";
    let answer_for = |bits: u32| answer(&bits.to_string());
    s.accept_customer_claim(&no_tn, &part("tracking_number,order_facts"), || 11, answer_for).await.unwrap();
    s.accept_customer_claim(&claim("w2", None), &part("parcel_kind"), || 12, answer_for).await.unwrap();
    let now = now_ms() + 1;
    let due = s.claims_waiting_for_order(now, 10).await.unwrap();
    assert_eq!(due.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(), ["w1"]);
    assert_eq!((due[0].order_number.as_str(), due[0].attempts), ("ORD-1", 0));
    s.order_fetch_failed("w1", now + 60_000).await.unwrap();
    assert!(s.claims_waiting_for_order(now, 10).await.unwrap().is_empty(), "not due before its next attempt");
    let later = s.claims_waiting_for_order(now + 60_000, 10).await.unwrap();
    assert_eq!(later[0].attempts, 1);
    assert!(s.lease_due(now + 60_000, 10_000).await.unwrap().is_none(), "with_shop is never leased");
    let docs = r#"{"sales_invoice":{"url":"https://shop.example/i.pdf"}}"#;
    assert!(s
        .complete_from_order(
            "w1",
            &FromOrder {
                body: b"{\"tracking_number\":\"T9\"}",
                tracking_number: "T9",
                documents: Some(docs),
                parcel_kind: Some("own_contract"),
                state: "received",
                missing: None,
            },
        )
        .await
        .unwrap());
    let again = FromOrder {
        body: b"{}",
        tracking_number: "T9",
        documents: None,
        parcel_kind: None,
        state: "received",
        missing: None,
    };
    assert!(!s.complete_from_order("w1", &again).await.unwrap(), "only once");
    assert!(s.claims_waiting_for_order(now + 60_000, 10).await.unwrap().is_empty());
    let leased = s.lease_due(now_ms() + 1, 10_000).await.unwrap().expect("received claims are leased");
    assert_eq!((leased.id.as_str(), leased.tracking_number.as_str(), leased.attempts), ("w1", "T9", 0));
    assert_eq!(s.claim_missing("w1").await.unwrap(), None);
    assert_eq!(leased.documents.as_deref(), Some(docs));
    assert_eq!(leased.document_tokens, Default::default());

    // A document that cannot be got yet: queued, one attempt counted.
    s.document_retry("w1", now_ms() + 60_000, "the shop's sales invoice could not be downloaded yet").await.unwrap();
    let row = s.claim("w1").await.unwrap().unwrap();
    assert_eq!((row.state.as_str(), row.document_attempts), ("queued", 1));
    assert!(row.reason.unwrap().contains("sales invoice"));
    // Tokens are kept once, per document.
    use parcel_desk_proxy::store::claims::DocumentField;
    let keep = |f, t: &'static str| s.keep_document_token("w1", f, t);
    assert_eq!(keep(DocumentField::SalesInvoice, "first").await.unwrap().as_deref(), Some("first"));
    assert_eq!(keep(DocumentField::SalesInvoice, "second").await.unwrap().as_deref(), Some("first"));
    assert_eq!(keep(DocumentField::CarrierClaimForm, "form").await.unwrap().as_deref(), Some("form"));
    let row = s.claim("w1").await.unwrap().unwrap();
    assert_eq!(row.document_tokens.get(DocumentField::SalesInvoice), Some("first"));
    assert_eq!(row.document_tokens.get(DocumentField::PurchaseInvoice), None);
    assert_eq!(row.document_tokens.get(DocumentField::CarrierClaimForm), Some("form"));
    assert_eq!(row.document_attempts, 0, "a document got resets the backoff");
}

/// Customer mails: two proxies scanning at once enqueue each moment once,
/// two senders never lease the same mail, a sent mail is in the claim's
/// history, and the watcher's status change enqueues its moment.
async fn mails_are_enqueued_once_and_sent_once(at: Location) {
    use parcel_desk_proxy::store::customer::CustomerPart;
    let (a, b) = (open(&at).await, open(&at).await);
    let since = a.mail_since(now_ms() - 1000).await.unwrap();
    assert_eq!(b.mail_since(now_ms() + 1000).await.unwrap(), since, "one start time for the store");
    let part = CustomerPart {
        route: "claims",
        json: r#"{"claim_type":"lost","language":"de"}"#,
        email: "kunde@example.de",
        name: "Kunde",
        resolution: None,
        order_number: None,
        state: "received",
        missing: None,
        declaration: false,
        documents: None,
        parcel_kind: None,
    };
    a.accept_customer_claim(&claim("m1", None), &part, || 21, |bits| answer(&bits.to_string())).await.unwrap();
    let now = now_ms();
    let c = a.lease_due(now, 60_000).await.unwrap().unwrap();
    assert!(a.mark_sent(&c.id, now).await.unwrap());
    a.mark_filed(&c.id, None).await.unwrap();
    assert!(a.map_ticket("m1", 700).await.unwrap());
    let (ea, eb) = tokio::join!(a.enqueue_mails(since, i64::MIN), b.enqueue_mails(since, i64::MIN));
    assert_eq!(ea.unwrap() + eb.unwrap(), 2, "received and filed, once");
    let watched = a.claims_to_watch(i64::MAX, 10).await.unwrap();
    assert_eq!((watched[0].id.as_str(), watched[0].ticket_id), ("m1", 700));
    assert!(b.set_upstream_status("m1", "resolved").await.unwrap());
    assert_eq!(a.enqueue_mails(since, now - 60_000).await.unwrap(), 1, "resolved");
    let (la, lb) = tokio::join!(a.lease_mail(now_ms(), 60_000), b.lease_mail(now_ms(), 60_000));
    let (la, lb) = (la.unwrap().unwrap(), lb.unwrap().unwrap());
    assert_ne!(la.moment, lb.moment, "one sender per mail");
    a.mail_done(&la.claim_id, &la.moment, "sent", &la.moment).await.unwrap();
    b.mail_requeue(&lb.claim_id, &lb.moment, now_ms() + 60_000, "server down").await.unwrap();
    let third = a.lease_mail(now_ms(), 60_000).await.unwrap().unwrap();
    assert!(a.lease_mail(now_ms(), 60_000).await.unwrap().is_none(), "the requeued one waits");
    a.mail_failed(&third.claim_id, &third.moment, "550 no such user").await.unwrap();
    let rows = b.claim_mails("m1").await.unwrap();
    assert_eq!(rows.iter().map(|r| r.moment.as_str()).collect::<Vec<_>>(), ["received", "filed", "resolved"]);
    let states: Vec<&str> = rows.iter().map(|r| r.state.as_str()).collect();
    assert_eq!(states.iter().filter(|s| **s == "sent").count(), 1);
    assert_eq!(states.iter().filter(|s| **s == "queued").count(), 1);
    let refused = rows.iter().find(|r| r.state == "needs_attention").expect("the refused mail needs attention");
    assert_eq!(refused.reason.as_deref(), Some("550 no such user"));
    let history = a.history("m1").await.unwrap();
    assert!(history.iter().any(|h| h.actor == "mail" && h.action == "mail_sent"));
    assert!(history.iter().any(|h| h.actor == "mail" && h.action == "mail_failed"));
    assert!(history.iter().any(|h| h.action == "upstream_status" && h.detail.as_deref() == Some("resolved")));
    assert_eq!(a.mails(10).await.unwrap().len(), 3);
}

/// The staff inbox: counts per state and upstream status, pages newest
/// first, and staff changes guarded by the state they start from (a
/// rejected claim is never queued; a completion over a changed body is
/// refused); kept files once per token.
async fn the_inbox_reads_and_guards(at: Location) {
    use parcel_desk_proxy::store::customer::CustomerPart;
    use parcel_desk_proxy::store::inbox::{Completion, InboxFilter};
    let s = open(&at).await;
    let part = |state| CustomerPart {
        route: "claims",
        json: "{\"claim_type\":\"lost\"}",
        email: "a@b.co",
        name: "A",
        resolution: None,
        order_number: None,
        state,
        missing: (state == "with_shop").then_some("purchase_invoice"),
        declaration: false,
        documents: None,
        parcel_kind: Some("sendcloud_rates"),
    };
    let answer_for = |bits: u32| answer(&bits.to_string());
    for (i, (id, state)) in
        [("i1", "with_shop"), ("i2", "with_shop"), ("i3", "review"), ("i4", "received")].iter().enumerate()
    {
        s.accept_customer_claim(&claim(id, None), &part(state), || 100 + i as u32, answer_for).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    let mut counts = s.inbox_counts().await.unwrap();
    counts.sort();
    assert_eq!(
        counts,
        vec![("received".into(), false, 1), ("review".into(), false, 1), ("with_shop".into(), false, 2)]
    );
    let with_shop = InboxFilter { states: &["with_shop"], resolved: None };
    let first = s.inbox_page(with_shop, 1, 0).await.unwrap();
    let second = s.inbox_page(with_shop, 1, 1).await.unwrap();
    assert_eq!((first[0].id.as_str(), second[0].id.as_str()), ("i2", "i1"), "newest first");
    assert_eq!(first[0].parcel_kind.as_deref(), Some("sendcloud_rates"));
    assert!(s.inbox_page(InboxFilter { states: &["filed"], resolved: Some(true) }, 5, 0).await.unwrap().is_empty());
    assert!(s.reject_claim("i1", "No.").await.unwrap());
    let rejected = s.inbox_claim("i1").await.unwrap().unwrap();
    assert!(!s.approve_claim("i1", "rejected", &rejected.body).await.unwrap(), "a rejected claim is never queued");
    assert!(!s.approve_claim("i1", "with_shop", &rejected.body).await.unwrap(), "not from a state it left");
    assert!(!s.reject_claim("i4", "Too late.").await.unwrap(), "a queued claim is not rejected");
    let c = Completion {
        body: b"{\"tracking_number\":\"T\"}",
        tracking_number: "T",
        parcel_kind: Some("own_contract"),
        state: "review",
        missing: None,
        reason: None,
    };
    let read = s.inbox_claim("i2").await.unwrap().unwrap();
    assert!(!s.complete_claim("i2", "with_shop", b"changed", &c).await.unwrap());
    assert!(s.complete_claim("i2", "with_shop", &read.body, &c).await.unwrap());
    assert!(!s.complete_claim("i2", "with_shop", &read.body, &c).await.unwrap(), "only from the state it was read in");
    assert!(!s.approve_claim("i2", "review", &read.body).await.unwrap(), "not over a body changed since");
    assert!(s.approve_claim("i2", "review", c.body).await.unwrap());
    let leased = s.lease_due(now_ms() + 1, 10_000).await.unwrap().expect("approved claims are leased");
    assert!(["i2", "i4"].contains(&leased.id.as_str()));
    s.keep_file("f1", "application/pdf", "a.pdf", b"%PDF-1").await.unwrap();
    s.keep_file("f1", "application/pdf", "b.pdf", b"other").await.unwrap();
    assert_eq!(s.kept_file("f1").await.unwrap().unwrap().bytes, b"%PDF-1");
    assert_eq!(s.kept_tokens(&["f1", "f2"]).await.unwrap(), vec!["f1".to_owned()]);
    s.add_history("i2", "Anna", "approved", None).await.unwrap();
    assert_eq!(s.history("i2").await.unwrap()[0].actor, "Anna");
}

/// Kept files go after `store.keep_files_days`, by the prune each proxy
/// runs when it opens the store and hourly; younger ones stay.
async fn kept_files_go_after_their_retention(at: Location) {
    let s = open(&at).await.keep_files_days(30);
    s.keep_file("old", "image/jpeg", "a.jpg", b"old bytes").await.unwrap();
    s.keep_file("young", "image/jpeg", "b.jpg", b"young bytes").await.unwrap();
    let day = 86_400_000;
    let aged = |days: i64| now_ms() - days * day;
    s.db().exec("UPDATE kept_files SET created_at = $1 WHERE file_token = 'old'", &[Val::Int(aged(31))]).await.unwrap();
    s.db()
        .exec("UPDATE kept_files SET created_at = $1 WHERE file_token = 'young'", &[Val::Int(aged(29))])
        .await
        .unwrap();
    assert_eq!(s.prune().await.unwrap(), 1);
    assert!(s.kept_file("old").await.unwrap().is_none());
    assert_eq!(s.kept_file("young").await.unwrap().unwrap().bytes, b"young bytes");
    // The default is 180 days.
    let s = open(&at).await;
    assert_eq!(s.kept_tokens(&["young"]).await.unwrap(), ["young"]);
    s.db().exec("UPDATE kept_files SET created_at = $1", &[Val::Int(aged(181))]).await.unwrap();
    assert_eq!(s.prune().await.unwrap(), 1);
    assert!(s.kept_tokens(&["young"]).await.unwrap().is_empty());
}

async fn suite(name: &str, fresh: impl Fn() -> Location) {
    macro_rules! run {
        ($($scenario:ident),* $(,)?) => {$(
            eprintln!("{name}: {}", stringify!($scenario));
            $scenario(fresh()).await;
        )*};
    }
    run!(
        kept_files_go_after_their_retention,
        instances_starting_together_migrate_once,
        accept_is_once_per_key,
        leases_are_taken_once,
        a_ticket_is_mapped_to_one_claim,
        the_budget_is_shared,
        keys_in_flight_are_shared,
        a_lease_has_one_holder,
        ticket_reads_are_kept,
        jtl_replies_are_stored_once,
        the_jtl_outbox_hands_a_ticket_to_one_worker,
        claims_wait_for_order_facts,
        mails_are_enqueued_once_and_sent_once,
        the_inbox_reads_and_guards,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_store_suite_on_sqlite() {
    let files = Arc::new(std::sync::Mutex::new(Vec::new()));
    let made = files.clone();
    suite("sqlite", move || {
        let path = parcel_desk_proxy::config::temp_store_path();
        made.lock().unwrap().push(path.clone());
        Location::Sqlite(path)
    })
    .await;
    for f in files.lock().unwrap().iter() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", f.display()));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_store_suite_on_postgres() {
    let pg = common::pg::Postgres::start();
    suite("postgres", || Location::parse(&pg.database()).unwrap()).await;
}
