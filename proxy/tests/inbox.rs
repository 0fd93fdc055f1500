//! The staff inbox (`/staff/claims…`) against the sandbox: a Sendcloud-rates
//! lost claim waits `with_shop`, staff see what upstream still needs,
//! complete it with prices and uploaded documents, approve it, and the
//! pipeline files it with every required field; `claims.review = "always"`
//! holds a complete claim in `review`; a rejected claim shows its reason
//! to the customer and is never filed; named tokens name the actor, and a
//! wrong token is a missing route; the counts per bucket.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use parcel_desk_proxy::config::{NamedToken, Review};
use parcel_desk_proxy::store::Location;
use parcel_desk_proxy::{start_sandbox_with, Config, Credentials, SandboxOptions, Secret};
use parcel_desk_wire::claim::required_fields;
use parcel_desk_wire::{ClaimField, ClaimRequest, ClaimType, ParcelKind};
use serde_json::{json, Value};

const ANNA: &str = "anna-token-0123456789";
const BEN: &str = "ben-token-0123456789ab";
const SINGLE: &str = "single-staff-token-0123";

struct Setup {
    stack: Stack,
    stats: Arc<parcel_desk_proxy::SandboxStats>,
}

async fn setup(kind: Option<ParcelKind>, review: Review, store: Option<String>) -> Setup {
    let options = SandboxOptions::default();
    let stats = options.stats.clone();
    let creds = Credentials { public_key: PUBLIC.into(), secret_key: Secret::new(SECRET) };
    let sandbox = start_sandbox_with(loopback(), creds, options).await.unwrap();
    let proxy = proxy_to(&sandbox.url(), |c: &mut Config| {
        c.claims.parcel_kind = kind;
        c.claims.review = review;
        c.staff.token = Some(Secret::new(SINGLE));
        c.staff.tokens = vec![
            NamedToken { name: "Anna".into(), token: Secret::new(ANNA) },
            NamedToken { name: "Ben".into(), token: Secret::new(BEN) },
        ];
        if let Some(url) = store {
            c.store.url = Some(Location::parse(&url).unwrap());
            c.store.path = None;
        }
    })
    .await;
    Setup { stack: Stack { sandbox, proxy }, stats }
}

impl Setup {
    fn received(&self, segment: &str) -> Vec<Value> {
        self.stats.claims.lock().unwrap().iter().filter(|(s, _)| s == segment).map(|(_, b)| b.clone()).collect()
    }
}

async fn send(r: reqwest::RequestBuilder) -> (u16, Value, String) {
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null), text)
}

async fn staff_get(c: &reqwest::Client, url: &str, token: &str) -> (u16, Value, String) {
    send(c.get(url).header("authorization", format!("Bearer {token}"))).await
}

async fn staff_post(c: &reqwest::Client, url: &str, token: &str, body: Option<&Value>) -> (u16, Value, String) {
    let mut r = c.post(url).header("authorization", format!("Bearer {token}"));
    if let Some(b) = body {
        r = r.header("content-type", "application/json").body(b.to_string());
    }
    send(r).await
}

fn lost_claim(tracking: &str) -> Value {
    json!({
        "claim_type": "lost",
        "tracking_number": tracking,
        "contents": "A blue vase",
        "exterior": "Brown box",
        "email": "jurgen@example.com",
        "name": "Jürgen Müller",
        "resolution": "refund",
        "declaration": {"accepted": true, "signed_name": "Jürgen Müller"}
    })
}

/// `POST /claims`: (claim id, access token, reference, answer).
async fn file_claim(c: &reqwest::Client, api: &str, claim: &Value) -> (String, String, String, Value) {
    let (status, v, _) =
        send(c.post(format!("{api}/claims")).header("content-type", "application/json").body(claim.to_string())).await;
    assert_eq!(status, 202, "{v}");
    let s = |k: &str| v[k].as_str().unwrap().to_owned();
    (s("claim_id"), s("access_token"), s("reference"), v)
}

async fn upload_pdf(c: &reqwest::Client, api: &str, name: &str, data: &[u8]) -> String {
    let (ct, body) = multipart("file", Some(name), Some("application/pdf"), data);
    let r = c.post(format!("{api}/dsf/files")).header("content-type", ct).body(body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap()["file_token"].as_str().unwrap().to_owned()
}

fn keys(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap().to_owned()).collect()
}

fn actors(v: &Value) -> Vec<(String, String)> {
    v["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["actor"].as_str().unwrap().to_owned(), h["action"].as_str().unwrap().to_owned()))
        .collect()
}

/// The whole way of an incomplete Sendcloud-rates claim, on `store`.
async fn complete_approve_and_file(store: Option<String>) {
    let s = setup(Some(ParcelKind::SendcloudRates), Review::WhenIncomplete, store).await;
    let (c, api) = (client(), s.stack.api(""));
    let (id, token, reference, v) = file_claim(&c, &api, &lost_claim("PD-TRANSIT-0001")).await;
    assert_eq!(v["state"], "with_shop");

    // The inbox lists it under with_shop.
    let (status, list, _) = staff_get(&c, &format!("{api}/staff/claims"), ANNA).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["counts"]["with_shop"], 1);
    assert_eq!(list["state"], "with_shop");
    assert_eq!(list["claims"][0]["claim_id"], id.as_str());
    assert_eq!(list["claims"][0]["reference"], reference.as_str());
    assert_eq!(list["claims"][0]["customer_email"], "jurgen@example.com");

    // What upstream still needs, from the required-field tables.
    let url = format!("{api}/staff/claims/{id}");
    let (status, detail, _) = staff_get(&c, &url, ANNA).await;
    assert_eq!(status, 200, "{detail}");
    let needed = keys(&detail["needed"]);
    assert_eq!(
        needed,
        [
            "contents_sales_price",
            "parcel_dimensions",
            "additional_remarks",
            "sales_invoice",
            "purchase_invoice",
            "carrier_claim_form"
        ],
        "{detail}"
    );
    let money = detail["needed"].as_array().unwrap().iter().find(|f| f["key"] == "contents_sales_price").unwrap();
    assert_eq!(money["kind"], "money");
    assert_eq!(detail["customer"]["contents"], "A blue vase");
    assert_eq!(detail["customer"]["resolution"], "refund");
    assert_eq!(detail["declaration_pending"], true);
    assert_eq!(detail["parcel_kind"], "sendcloud_rates");

    // Approving now names what is missing.
    let (status, v, _) = staff_post(&c, &format!("{url}/approve"), ANNA, None).await;
    assert_eq!(status, 409, "{v}");
    assert_eq!(v["errors"][0]["code"], "claim_incomplete");
    assert!(v["errors"][0]["detail"].as_str().unwrap().contains("purchase_invoice"), "{v}");

    // Field errors name their fields.
    let bad = json!({"contents_sales_price": {"price": 0, "currency": "EUR"}, "carrier_contract_id": 7,
        "purchase_invoice": {"file_token": ""}});
    let (status, v, _) = staff_post(&c, &format!("{url}/complete"), ANNA, Some(&bad)).await;
    assert_eq!(status, 400, "{v}");
    let detail_text = v["errors"][0]["detail"].as_str().unwrap();
    for field in ["contents_sales_price", "carrier_contract_id", "purchase_invoice"] {
        assert!(detail_text.contains(field), "{field}: {detail_text}");
    }
    let (status, _, _) = staff_post(&c, &format!("{url}/complete"), ANNA, Some(&json!({"price": 1}))).await;
    assert_eq!(status, 400, "unknown keys are refused");

    // Anna fills it in, with uploaded documents.
    let invoice_bytes = b"%PDF-1.4 purchase invoice";
    let purchase = upload_pdf(&c, &api, "purchase.pdf", invoice_bytes).await;
    let sales = upload_pdf(&c, &api, "sales.pdf", b"%PDF-1.4 sales invoice").await;
    let form = upload_pdf(&c, &api, "form.pdf", b"%PDF-1.4 claim form").await;
    let fill = json!({
        "contents_sales_price": {"price": 49.9, "currency": "EUR"},
        "contents_purchase_price": {"price": 20.0, "currency": "EUR"},
        "parcel_dimensions": {"length": 30, "width": 20, "height": 10},
        "additional_remarks": "Handed to DHL on 1 December.",
        "sales_invoice": {"file_token": sales},
        "purchase_invoice": {"file_token": purchase},
        "carrier_claim_form": {"file_token": form}
    });
    let (status, v, _) = staff_post(&c, &format!("{url}/complete"), ANNA, Some(&fill)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["state"], "review", "complete: waits for an approval");
    assert_eq!(v["needed"], json!([]));
    assert_eq!(v["body"]["purchase_invoice"]["file_token"], purchase.as_str());

    // The uploaded invoice's bytes, as kept.
    let r =
        c.get(format!("{url}/files/{purchase}")).header("authorization", format!("Bearer {BEN}")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().as_ref(), invoice_bytes);
    let other = upload_pdf(&c, &api, "other.pdf", b"%PDF-1.4 not this claim's").await;
    let (status, _, _) = staff_get(&c, &format!("{url}/files/{other}"), BEN).await;
    assert_eq!(status, 404, "a file the claim does not reference");

    // The single staff token approves; the pipeline files it.
    let (status, v, _) = staff_post(&c, &format!("{url}/approve"), SINGLE, None).await;
    assert_eq!(status, 200, "{v}");
    // Queued for filing; a worker may already have taken it by the time the
    // answer reads the claim back (PostgreSQL's notification is that fast).
    assert!(v["state"] == "received" || v["state"] == "filing", "{v}");
    let (status, _) = poll_claim(&c, &api, &id, &token, 20, |st, _| st == 200).await;
    assert_eq!(status, 200);
    let bodies = s.received("lost");
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let sent: ClaimRequest = serde_json::from_value(bodies[0].clone()).unwrap();
    for field in required_fields(ClaimType::Lost, ParcelKind::SendcloudRates) {
        assert!(sent.has(*field), "{} not sent: {}", field.wire_name(), bodies[0]);
    }
    assert_eq!(sent.file_token(ClaimField::PurchaseInvoice), Some(purchase.as_str()));
    assert!(sent.carrier_contract_id.is_none());

    // The history names who did what.
    let until = std::time::Instant::now() + Duration::from_secs(10);
    let detail = loop {
        let (_, detail, _) = staff_get(&c, &url, BEN).await;
        if detail["bucket"] == "filed" || std::time::Instant::now() > until {
            break detail;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(detail["bucket"], "filed", "{detail}");
    let h = actors(&detail);
    for (actor, action) in [("customer", "accepted"), ("Anna", "completed"), ("staff", "approved"), ("proxy", "filed")]
    {
        assert!(h.contains(&(actor.into(), action.into())), "{actor} {action} not in {h:?}");
    }
    let (_, list, _) = staff_get(&c, &format!("{api}/staff/claims?state=filed"), BEN).await;
    assert_eq!((list["counts"]["filed"].clone(), list["counts"]["with_shop"].clone()), (json!(1), json!(0)));
    // A filed claim is no longer changed by staff.
    let (status, v, _) = staff_post(&c, &format!("{url}/reject"), ANNA, Some(&json!({"reason": "x"}))).await;
    assert_eq!((status, v["errors"][0]["code"].clone()), (409, json!("claim_state")));
}

#[tokio::test]
async fn a_rates_claim_is_completed_approved_and_filed_with_every_required_field() {
    complete_approve_and_file(None).await;
}

#[tokio::test]
async fn the_same_on_postgres() {
    let pg = common::pg::Postgres::start();
    complete_approve_and_file(Some(pg.database())).await;
}

#[tokio::test]
async fn review_always_holds_a_complete_claim_until_approved() {
    let s = setup(Some(ParcelKind::OwnContract), Review::Always, None).await;
    let (c, api) = (client(), s.stack.api(""));
    let (id, token, _, v) = file_claim(&c, &api, &lost_claim("PD-OWN-0003")).await;
    assert_eq!(v["state"], "review");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(s.received("lost").is_empty(), "a claim in review is not filed");
    let (_, pending) = poll_claim(&c, &api, &id, &token, 5, |st, _| st == 202).await;
    assert_eq!(pending["state"], "review");
    let (_, list, _) = staff_get(&c, &format!("{api}/staff/claims?state=review"), BEN).await;
    assert_eq!(list["counts"]["review"], 1);
    assert_eq!(list["claims"][0]["claim_id"], id.as_str());
    let url = format!("{api}/staff/claims/{id}");
    let (_, detail, _) = staff_get(&c, &url, BEN).await;
    assert_eq!(detail["needed"], json!([]), "own contract: nothing else needed");
    let (status, v, _) = staff_post(&c, &format!("{url}/approve"), BEN, None).await;
    assert_eq!(status, 200, "{v}");
    poll_claim(&c, &api, &id, &token, 20, |st, _| st == 200).await;
    assert_eq!(s.received("lost").len(), 1);
    let (_, detail, _) = staff_get(&c, &url, BEN).await;
    assert!(actors(&detail).contains(&("Ben".into(), "approved".into())), "{detail}");
    assert!(detail["ticket_id"].as_i64().is_some(), "{detail}");

    // The carrier's requests for this parcel (the sandbox's 301, a sales
    // invoice, and 302), answered with several files and sales data.
    let (status, open, _) = staff_get(&c, &format!("{url}/requested-data"), ANNA).await;
    assert_eq!(status, 200, "{open}");
    let ids: Vec<i64> = open["data"].as_array().unwrap().iter().map(|r| r["request_id"].as_i64().unwrap()).collect();
    assert!(ids.contains(&301) && ids.contains(&302) && !ids.contains(&303), "{open}");
    let (f1, f2) =
        (upload_pdf(&c, &api, "inv1.pdf", b"%PDF-1.4 a").await, upload_pdf(&c, &api, "inv2.pdf", b"%PDF-1.4 b").await);
    let unknown = json!({"request_id": 999, "comment": "x"});
    let (status, _, _) = staff_post(&c, &format!("{url}/requested-data"), ANNA, Some(&unknown)).await;
    assert_eq!(status, 404, "not one of the ticket's requests");
    let (status, v, _) =
        staff_post(&c, &format!("{url}/requested-data"), ANNA, Some(&json!({"request_id": 301}))).await;
    assert_eq!(status, 400, "an empty answer: {v}");
    let answer = json!({"request_id": 301, "comment": "Both invoices.",
        "attachments": [{"file_token": f1}, {"file_token": f2}],
        "sales_data": [{"name": "Vase", "quantity": 1, "unit_price": 49.9, "currency": "EUR"}]});
    let (status, v, _) = staff_post(&c, &format!("{url}/requested-data"), ANNA, Some(&answer)).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["request_id"], 301);
    let (_, open, _) = staff_get(&c, &format!("{url}/requested-data"), ANNA).await;
    let ids: Vec<i64> = open["data"].as_array().unwrap().iter().map(|r| r["request_id"].as_i64().unwrap()).collect();
    assert!(!ids.contains(&301), "{open}");
    let (_, detail, _) = staff_get(&c, &url, BEN).await;
    let entry =
        detail["history"].as_array().unwrap().iter().find(|h| h["action"] == "answered_request").unwrap().clone();
    assert_eq!(entry["actor"], "Anna");
    assert_eq!(entry["detail"], "request 301: 2 file(s), 1 sales data row(s)");
}

#[tokio::test]
async fn never_queues_a_claim_once_staff_complete_it() {
    let s = setup(Some(ParcelKind::SendcloudRates), Review::Never, None).await;
    let (c, api) = (client(), s.stack.api(""));
    let (id, token, _, v) = file_claim(&c, &api, &lost_claim("PD-TRANSIT-0001")).await;
    assert_eq!(v["state"], "with_shop", "incomplete claims wait, whatever claims.review says");
    let url = format!("{api}/staff/claims/{id}");
    let fill = json!({
        "contents_sales_price": {"price": 10, "currency": "EUR"},
        "parcel_dimensions": {"length": 1, "width": 1, "height": 1},
        "additional_remarks": "r",
        "sales_invoice": {"file_token": upload_pdf(&c, &api, "s.pdf", b"%PDF s").await},
        "purchase_invoice": {"file_token": upload_pdf(&c, &api, "p.pdf", b"%PDF p").await}
    });
    let (status, v, _) = staff_post(&c, &format!("{url}/complete"), BEN, Some(&fill)).await;
    assert_eq!((status, v["state"].clone()), (200, json!("with_shop")), "the claim form is still missing: {v}");
    assert_eq!(keys(&v["needed"]), ["carrier_claim_form"]);
    let form = json!({"carrier_claim_form": {"file_token": upload_pdf(&c, &api, "f.pdf", b"%PDF f").await}});
    let (status, v, _) = staff_post(&c, &format!("{url}/complete"), BEN, Some(&form)).await;
    assert_eq!((status, v["state"].clone()), (200, json!("received")), "{v}");
    poll_claim(&c, &api, &id, &token, 20, |st, _| st == 200).await;
    assert_eq!(s.received("lost").len(), 1);
}

#[tokio::test]
async fn when_incomplete_files_a_complete_claim_without_waiting() {
    let s = setup(Some(ParcelKind::OwnContract), Review::WhenIncomplete, None).await;
    let (c, api) = (client(), s.stack.api(""));
    let (id, token, _, v) = file_claim(&c, &api, &lost_claim("PD-OWN-0003")).await;
    assert_eq!(v["state"], "received");
    poll_claim(&c, &api, &id, &token, 20, |st, _| st == 200).await;
    assert_eq!(s.received("lost").len(), 1);
}

#[tokio::test]
async fn a_rejected_claim_shows_its_reason_and_is_never_filed() {
    let s = setup(Some(ParcelKind::SendcloudRates), Review::WhenIncomplete, None).await;
    let (c, api) = (client(), s.stack.api(""));
    let (id, _, reference, _) = file_claim(&c, &api, &lost_claim("PD-TRANSIT-0001")).await;
    let url = format!("{api}/staff/claims/{id}/reject");
    let (status, v, _) = staff_post(&c, &url, ANNA, Some(&json!({"reason": "  "}))).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["errors"][0]["detail"].as_str().unwrap().contains("reason"), "{v}");
    let (status, v, _) = staff_post(&c, &url, ANNA, Some(&json!({"reason": "x".repeat(2001)}))).await;
    assert_eq!(status, 400, "{v}");
    let reason = "The parcel was delivered to your neighbour, Mrs. Weber.";
    let (status, v, _) = staff_post(&c, &url, ANNA, Some(&json!({"reason": reason}))).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["state"].clone(), v["bucket"].clone(), v["reason"].clone()),
        (json!("rejected"), json!("rejected"), json!(reason))
    );
    // The customer finds it by reference and sees the reason.
    let lookup = json!({"reference": reference, "email_or_postal_code": "JURGEN@example.com"});
    let (status, found, _) = send(
        c.post(format!("{api}/claims/lookup")).header("content-type", "application/json").body(lookup.to_string()),
    )
    .await;
    assert_eq!(status, 200, "{found}");
    let token = found["access_token"].as_str().unwrap();
    let (status, pending) = poll_claim(&c, &api, &id, token, 5, |st, _| st == 202).await;
    assert_eq!(status, 202);
    assert_eq!((pending["state"].clone(), pending["reason"].clone()), (json!("rejected"), json!(reason)));
    // Never filed: not by the pipeline, not by an approval.
    let (status, v, _) = staff_post(&c, &format!("{api}/staff/claims/{id}/approve"), BEN, None).await;
    assert_eq!((status, v["errors"][0]["code"].clone()), (409, json!("claim_state")));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(s.received("lost").is_empty());
    let (_, detail, _) = staff_get(&c, &format!("{api}/staff/claims/{id}"), BEN).await;
    let h = actors(&detail);
    assert!(h.contains(&("Anna".into(), "rejected".into())), "{h:?}");
    let (_, list, _) = staff_get(&c, &format!("{api}/staff/claims?state=rejected"), BEN).await;
    assert_eq!((list["counts"]["rejected"].clone(), list["claims"][0]["reason"].clone()), (json!(1), json!(reason)));
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_a_missing_route_and_each_token_names_its_actor() {
    let s = setup(Some(ParcelKind::SendcloudRates), Review::WhenIncomplete, None).await;
    let (c, api) = (client(), s.stack.api(""));
    let (id, _, _, _) = file_claim(&c, &api, &lost_claim("PD-TRANSIT-0001")).await;
    let (_, _, missing_route) = send(c.get(format!("{api}/staff/nothing-here"))).await;
    for (url, post) in [
        (format!("{api}/staff/claims"), false),
        (format!("{api}/staff/claims/{id}"), false),
        (format!("{api}/staff/claims/{id}/approve"), true),
        (format!("{api}/staff/claims/{id}/requested-data"), false),
    ] {
        for auth in [None, Some("Bearer wrong-token-0123456789"), Some(&*format!("Bearer {ANNA}x")), Some(ANNA)] {
            let mut r = if post { c.post(&url) } else { c.get(&url) };
            if let Some(a) = auth {
                r = r.header("authorization", a);
            }
            let (status, _, text) = send(r).await;
            assert_eq!(status, 404, "{url} with {auth:?}");
            assert_eq!(text, missing_route, "{url} with {auth:?}: like a missing route");
        }
    }
    // Every token works, and is recorded under its name.
    for (token, name) in [(ANNA, "Anna"), (BEN, "Ben"), (SINGLE, "staff")] {
        let body = json!({"additional_remarks": format!("noted by {name}")});
        let (status, v, _) = staff_post(&c, &format!("{api}/staff/claims/{id}/complete"), token, Some(&body)).await;
        assert_eq!(status, 200, "{name}: {v}");
        assert!(actors(&v).contains(&(name.into(), "completed".into())), "{name}: {v}");
    }
    // The old single token still registers parcels.
    let r = c
        .post(format!("{api}/parcels/tracking"))
        .header("authorization", "Bearer wrong-token-0123456789")
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "a wrong token on the tracking registration stays 401");
    // An unknown claim id and a malformed one answer the same.
    let (s1, v1, _) = staff_get(&c, &format!("{api}/staff/claims/00000000-0000-4000-8000-000000000000"), ANNA).await;
    let (s2, v2, _) = staff_get(&c, &format!("{api}/staff/claims/not-a-claim"), ANNA).await;
    assert_eq!((s1, s2), (404, 404));
    assert_eq!(v1, v2);

    // Without any staff token configured, the routes do not exist.
    let off = Stack::new(|_| {}).await;
    let (status, _, text) = staff_get(&c, &off.api("/staff/claims"), ANNA).await;
    let (_, _, missing) = send(c.get(off.api("/staff/nothing-here"))).await;
    assert_eq!((status, text), (404, missing));
}

#[tokio::test]
async fn counts_per_bucket_and_pages() {
    let s = setup(Some(ParcelKind::SendcloudRates), Review::WhenIncomplete, None).await;
    let (c, api) = (client(), s.stack.api(""));
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(file_claim(&c, &api, &lost_claim("PD-TRANSIT-0001")).await.0);
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let reject = json!({"reason": "Duplicate claim."});
    let (status, _, _) = staff_post(&c, &format!("{api}/staff/claims/{}/reject", ids[0]), ANNA, Some(&reject)).await;
    assert_eq!(status, 200);
    let (_, list, _) = staff_get(&c, &format!("{api}/staff/claims?state=with_shop"), ANNA).await;
    assert_eq!(
        list["counts"],
        json!({"with_shop": 3, "review": 0, "queued": 0, "filed": 0, "needs_attention": 0, "resolved": 0, "rejected": 1})
    );
    let listed: Vec<&str> =
        list["claims"].as_array().unwrap().iter().map(|c| c["claim_id"].as_str().unwrap()).collect();
    assert_eq!(listed, [ids[3].as_str(), ids[2].as_str(), ids[1].as_str()], "newest first");
    assert!(list.get("next_page").is_none());
    let (_, page2, _) = staff_get(&c, &format!("{api}/staff/claims?state=with_shop&page=2"), ANNA).await;
    assert_eq!(page2["claims"], json!([]));
    for bad in ["state=lost", "page=0", "page=x", "state=review&state=filed", "other=1"] {
        let (status, v, _) = staff_get(&c, &format!("{api}/staff/claims?{bad}"), ANNA).await;
        assert_eq!(status, 400, "{bad}: {v}");
    }
}
