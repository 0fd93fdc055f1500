//! Order facts from the shop (`docs/orders.md`) on real loopback sockets:
//! a claim by order number and e-mail is completed from the sandbox's demo
//! order and filed; a wrong e-mail, an unknown order and a tracking number
//! that is not the order's answer byte for byte the same; the shop's
//! endpoint down (connection refused, then 500) leaves the claim
//! `with_shop` until the endpoint is back, then it completes and files by
//! itself, also across a restart (the wait is in the store); the shared
//! secret reaches the shop and never a response.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use common::*;
use parcel_desk_proxy::config::BaseUrl;
use parcel_desk_proxy::{start_sandbox_with, Config, Credentials, SandboxOptions, Secret};
use parcel_desk_sandbox::demo::orders::{demo_order, DEMO_CARRIER_CONTRACT_ID, DEMO_ORDER_EMAIL};
use serde_json::{json, Value};

/// The shop's secret in the fake-shop tests.
const SHOP_SECRET: &str = "shop-secret-0123456789-abcdef";

fn lost_by_order(order_number: &str, email: &str) -> Value {
    json!({
        "claim_type": "lost",
        "order_number": order_number,
        "contents": "A blue vase and two shirts",
        "email": email,
        "name": "Jürgen Müller",
        "declaration": {"accepted": true, "signed_name": "Jürgen Müller"}
    })
}

async fn post_claim(c: &reqwest::Client, api: &str, body: &Value) -> (u16, String, String) {
    let r = c
        .post(format!("{api}/claims"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, ct, r.text().await.unwrap())
}

/// The sandbox's demo orders behind a proxy ([`orders_stack`]), with room
/// for the enumeration test's 1,001 claims in a minute (the per-client
/// limit is tested on its own).
async fn sandbox_stack() -> (Stack, Arc<parcel_desk_proxy::SandboxStats>) {
    orders_stack(SandboxOptions::default(), |c| c.limits.create_per_minute = 5000).await
}

#[tokio::test]
async fn a_claim_by_order_number_and_email_is_completed_from_the_order_and_filed() {
    let (s, stats) = sandbox_stack().await;
    let (c, api) = (client(), s.api(""));
    let (status, _, text) =
        post_claim(&c, &api, &lost_by_order("ORD-0003", &format!("  {}  ", DEMO_ORDER_EMAIL.to_uppercase()))).await;
    assert_eq!(status, 202, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["state"], "received", "{v}");
    assert!(v.get("missing").is_none(), "{v}");
    assert!(!text.contains(SECRET));
    let (id, token) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    let (_, read) = poll_claim(&c, &api, id, token, 20, |st, v| claim_state(st, v) == "filed").await;
    assert!(!read.to_string().contains(SECRET));
    let filed = stats.claims.lock().unwrap().iter().find(|(s, _)| s == "lost").map(|(_, b)| b.clone()).unwrap();
    assert_eq!(filed["tracking_number"], "PD-OWN-0003", "the order names the parcel");
    assert_eq!(filed["carrier_contract_id"], DEMO_CARRIER_CONTRACT_ID);
    assert_eq!(filed["contents_sales_price"], json!({"price": 74.98, "currency": "EUR"}), "2 × 19.99 + 35.00");
    assert_eq!(filed["contents_purchase_price"], json!({"price": 29.0, "currency": "EUR"}), "2 × 7.50 + 14.00");
    assert_eq!(
        filed["contents_description"], "A blue vase and two shirts\nItems: 2 × T-shirt, 1 × Vase",
        "the customer's words, then the order's items"
    );
}

#[tokio::test]
async fn a_wrong_email_an_unknown_order_and_a_foreign_tracking_number_answer_byte_identically() {
    let (s, stats) = sandbox_stack().await;
    let (c, api) = (client(), s.api(""));
    let wrong_email = post_claim(&c, &api, &lost_by_order("ORD-0003", "someone@example.com")).await;
    let unknown = post_claim(&c, &api, &lost_by_order("ORD-9999", DEMO_ORDER_EMAIL)).await;
    let mut foreign = lost_by_order("ORD-0003", DEMO_ORDER_EMAIL);
    foreign["tracking_number"] = json!("PD-OWN-LATE-0009");
    let foreign = post_claim(&c, &api, &foreign).await;
    assert_eq!(wrong_email.0, 404, "{}", wrong_email.2);
    assert_eq!(wrong_email, unknown);
    assert_eq!(wrong_email, foreign);
    assert_envelope(&wrong_email.2, 404, "order_not_found");
    // The right e-mail with the order's own tracking number is accepted.
    let mut own = lost_by_order("ORD-0003", DEMO_ORDER_EMAIL);
    own["tracking_number"] = json!("PD-OWN-0003");
    let (status, _, text) = post_claim(&c, &api, &own).await;
    assert_eq!((status, serde_json::from_str::<Value>(&text).unwrap()["state"].clone()), (202, json!("received")));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(stats.claims.lock().unwrap().len() <= 1, "refused claims are never filed");
}

async fn lookup(c: &reqwest::Client, api: &str, reference: &str, proof: &str) -> (u16, String) {
    let r = c
        .post(format!("{api}/claims/lookup"))
        .header("content-type", "application/json")
        .body(json!({"reference": reference, "email_or_postal_code": proof}).to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A claim found again by its order number: the shop's order says who its
/// customer is (e-mail address or delivery postal code); anything else —
/// a wrong proof, an order without a claim, an unknown order — is the same
/// 404 as an unknown reference.
#[tokio::test]
async fn a_claim_is_found_by_its_order_number_with_the_orders_customer() {
    let (s, _) = sandbox_stack().await;
    let (c, api) = (client(), s.api(""));
    let (status, _, text) = post_claim(&c, &api, &lost_by_order("ORD-0003", DEMO_ORDER_EMAIL)).await;
    assert_eq!(status, 202, "{text}");
    let created = serde_json::from_str::<Value>(&text).unwrap();
    let claim_id = created["claim_id"].as_str().unwrap().to_owned();
    for proof in [DEMO_ORDER_EMAIL, " CUSTOMER@example.com ", "1011ab"] {
        let (status, text) = lookup(&c, &api, " ord-0003 ", proof).await;
        assert_eq!(status, 200, "{proof}: {text}");
        let found = serde_json::from_str::<Value>(&text).unwrap();
        assert_eq!(found["claim_id"], claim_id.as_str());
        // The reference comes with it: the customer asked by order number.
        assert!(created["reference"].is_string(), "{created}");
        assert_eq!(found["reference"], created["reference"]);
    }
    let unknown = lookup(&c, &api, "PD-ZZZZ-ZZ", DEMO_ORDER_EMAIL).await;
    assert_eq!(unknown.0, 404);
    for (order, proof) in [
        ("ORD-0003", "someone@example.com"),
        ("ORD-0003", "99999"),
        ("ORD-0004", DEMO_ORDER_EMAIL),
        ("ORD-9999", DEMO_ORDER_EMAIL),
        ("", DEMO_ORDER_EMAIL),
    ] {
        assert_eq!(lookup(&c, &api, order, proof).await, unknown, "{order} {proof}");
    }
}

/// 1,000 guesses at order numbers (`ORD-0001` … `ORD-1000`, of which the
/// demo orders `ORD-0001` … `ORD-0010` exist) with an address that is not
/// their customer's, and half of them with the real tracking number of a
/// demo parcel: not one is accepted, and every answer is byte for byte the
/// answer for an order that does not exist.
#[tokio::test]
async fn a_thousand_guesses_read_nothing_and_answer_like_an_unknown_order() {
    let (s, stats) = sandbox_stack().await;
    let (c, api) = (client(), s.api(""));
    let unknown = post_claim(&c, &api, &lost_by_order("ORD-NONE", "guess@example.com")).await;
    assert_eq!(unknown.0, 404, "{}", unknown.2);
    let mut readable = 0;
    let mut different = Vec::new();
    for i in 1..=1000 {
        let mut guess = lost_by_order(&format!("ORD-{i:04}"), "guess@example.com");
        if i % 2 == 0 {
            guess["tracking_number"] = json!("PD-OWN-0003");
        }
        let answer = post_claim(&c, &api, &guess).await;
        if answer.0 < 400 {
            readable += 1;
        }
        if answer != unknown {
            different.push((i, answer));
        }
    }
    assert_eq!(readable, 0, "a guess was accepted");
    assert!(
        different.is_empty(),
        "answers that differ from an unknown order's: {:?}",
        &different[..different.len().min(3)]
    );
    assert!(stats.claims.lock().unwrap().is_empty(), "nothing was filed");
    println!("1000 order-number guesses: 0 readable, 1000 byte-identical to an unknown order");
}

#[tokio::test]
async fn the_sandbox_orders_endpoint_requires_the_secret() {
    let (s, _) = sandbox_stack().await;
    let c = client();
    let url = format!("{}/orders/ORD-0003", s.sandbox.url());
    assert_eq!(c.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(c.get(&url).header("x-parcel-desk-secret", "wrong").send().await.unwrap().status(), 401);
    let r = c.get(&url).header("x-parcel-desk-secret", SECRET).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let order: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(order["parcels"][0]["tracking_number"], "PD-OWN-0003");
    assert_eq!(order["customer"]["email"], DEMO_ORDER_EMAIL);
    let r = c.get(format!("{}/orders/ORD-9999", s.sandbox.url())).header("x-parcel-desk-secret", SECRET);
    assert_eq!(r.send().await.unwrap().status(), 404);
}

/// A fake shop: fails its first `fail` requests with 500, then serves the
/// sandbox's demo orders; records the secrets and paths it was sent.
#[derive(Default)]
struct Shop {
    fail: AtomicUsize,
    secrets: Mutex<Vec<String>>,
    paths: Mutex<Vec<String>>,
}

async fn shop_order(
    State(shop): State<Arc<Shop>>,
    headers: HeaderMap,
    uri: axum::http::Uri,
    Path(number): Path<String>,
) -> Response {
    let secret = headers.get("x-parcel-desk-secret").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    shop.secrets.lock().unwrap().push(secret.clone());
    shop.paths.lock().unwrap().push(uri.path().to_owned());
    if secret != SHOP_SECRET {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if shop.fail.load(Ordering::SeqCst) > 0 {
        shop.fail.fetch_sub(1, Ordering::SeqCst);
        return (StatusCode::INTERNAL_SERVER_ERROR, "boom").into_response();
    }
    match demo_order(&number) {
        Some(o) => ([(header::CONTENT_TYPE, "application/json")], serde_json::to_string(&o).unwrap()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn serve_shop(listener: tokio::net::TcpListener, shop: Arc<Shop>) {
    let app = Router::new().route("/shop/orders/{number}", get(shop_order)).with_state(shop);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
}

#[tokio::test]
async fn the_shop_down_then_back_completes_the_waiting_claim_without_the_customer() {
    // A port with nothing listening: connection refused.
    let port = down_port();
    let addr = port.local_addr().unwrap();
    let options = SandboxOptions::default();
    let stats = options.stats.clone();
    let creds = Credentials { public_key: PUBLIC.into(), secret_key: Secret::new(SECRET) };
    let sandbox = start_sandbox_with(loopback(), creds, options).await.unwrap();
    let proxy = proxy_to(&sandbox.url(), |c: &mut Config| {
        c.claims.parcel_kind = None;
        c.orders.url = Some(BaseUrl::parse(&format!("http://{addr}/shop/orders/")).unwrap());
        c.orders.secret = Secret::new(SHOP_SECRET);
        c.orders.timeout = Duration::from_secs(2);
        c.orders.retry_base = Duration::from_millis(100);
    })
    .await;
    let s = Stack { sandbox, proxy };
    let (c, api) = (client(), s.api(""));

    let (status, _, text) = post_claim(&c, &api, &lost_by_order("ORD-0003", DEMO_ORDER_EMAIL)).await;
    assert_eq!(status, 202, "failures never lose a claim: {text}");
    assert!(!text.contains(SHOP_SECRET));
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["state"], "with_shop");
    let missing: Vec<&str> = v["missing"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert!(missing.contains(&"order_facts"), "{missing:?}");
    let (id, token) = (v["claim_id"].as_str().unwrap().to_owned(), v["access_token"].as_str().unwrap().to_owned());
    let r = c.get(format!("{api}/dsf/tickets/{id}")).header("x-ticket-token", &token).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let waiting = r.text().await.unwrap();
    assert!(waiting.contains("with_shop") && waiting.contains("order_facts"), "{waiting}");
    assert!(!waiting.contains(SHOP_SECRET));

    // The shop comes back on the same address, first answering 500 twice.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let shop = Arc::new(Shop { fail: AtomicUsize::new(2), ..Shop::default() });
    serve_shop(port.listen(1024).unwrap(), shop.clone()).await;

    let (_, read) = poll_claim(&c, &api, &id, &token, 30, |st, v| claim_state(st, v) == "filed").await;
    assert!(!read.to_string().contains(SHOP_SECRET));
    assert!(shop.paths.lock().unwrap().len() >= 3, "two 500s, then the order");
    assert!(shop.secrets.lock().unwrap().iter().all(|s| s == SHOP_SECRET), "the secret travels in its header");
    let filed = stats.claims.lock().unwrap().iter().find(|(s, _)| s == "lost").map(|(_, b)| b.clone()).unwrap();
    assert_eq!(filed["tracking_number"], "PD-OWN-0003");
    assert_eq!(filed["carrier_contract_id"], DEMO_CARRIER_CONTRACT_ID);

    // The order number travels as one percent-encoded segment; an unknown
    // order answers like a wrong e-mail.
    let odd = post_claim(&c, &api, &lost_by_order("ORD 0003/x?y", DEMO_ORDER_EMAIL)).await;
    let wrong = post_claim(&c, &api, &lost_by_order("ORD-0003", "nobody@example.com")).await;
    assert_eq!(odd, wrong);
    assert_eq!(odd.0, 404);
    assert!(shop.paths.lock().unwrap().iter().any(|p| p == "/shop/orders/ORD%200003%2Fx%3Fy"), "{:?}", shop.paths);
}

#[tokio::test]
async fn a_claim_waiting_for_order_facts_survives_a_restart() {
    let port = down_port();
    let addr = port.local_addr().unwrap();
    let options = SandboxOptions::default();
    let stats = options.stats.clone();
    let creds = Credentials { public_key: PUBLIC.into(), secret_key: Secret::new(SECRET) };
    let sandbox = start_sandbox_with(loopback(), creds, options).await.unwrap();
    let store = parcel_desk_proxy::config::temp_store_path();
    let tweak = |c: &mut Config| {
        c.claims.parcel_kind = None;
        c.orders.url = Some(BaseUrl::parse(&format!("http://{addr}/shop/orders")).unwrap());
        c.orders.secret = Secret::new(SHOP_SECRET);
        c.orders.retry_base = Duration::from_millis(100);
        c.store.path = Some(store.clone());
    };
    let (c, first) = (client(), proxy_to(&sandbox.url(), tweak).await);
    let api = format!("{}/api", first.proxy.url());
    let (status, _, text) = post_claim(&c, &api, &lost_by_order("ORD-0003", DEMO_ORDER_EMAIL)).await;
    assert_eq!(status, 202, "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["state"], "with_shop");
    let (id, token) = (v["claim_id"].as_str().unwrap().to_owned(), v["access_token"].as_str().unwrap().to_owned());
    first.proxy.shutdown().await.unwrap();

    // The shop is back; a new proxy on the same store completes the claim.
    serve_shop(port.listen(1024).unwrap(), Arc::new(Shop::default())).await;
    let second = proxy_to(&sandbox.url(), tweak).await;
    let api = format!("{}/api", second.proxy.url());
    poll_claim(&c, &api, &id, &token, 30, |st, v| claim_state(st, v) == "filed").await;
    let filed = stats.claims.lock().unwrap().iter().find(|(s, _)| s == "lost").map(|(_, b)| b.clone()).unwrap();
    assert_eq!(filed["tracking_number"], "PD-OWN-0003");
    drop(second);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", store.display()));
    }
}
