//! A claim's documents from the shop's order (issue 16 §2, `docs/orders.md`)
//! on real loopback sockets: the shop's invoice PDFs by URL are downloaded
//! and uploaded, once each, and filed in their fields; without the shop's
//! sales invoice Sendcloud (the sandbox) generates one from the order's
//! items, a real PDF; the shop's invoice URL down keeps the claim waiting
//! until it is back (uploaded exactly once); a URL that answers something
//! that is not a PDF puts the claim in `needs_attention` with the reason.
//! The shop's secret goes with a document only to the orders endpoint's
//! origin. The customer's declaration is filed as `customer_confirmation`,
//! the sandbox's file being that PDF.

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use common::*;
use parcel_desk_proxy::config::BaseUrl;
use parcel_desk_proxy::{start_sandbox_with, Config, Credentials, SandboxOptions, SandboxStats, Secret};
use parcel_desk_sandbox::demo::orders::{demo_document_pdf, demo_order_at, DEMO_ORDER_EMAIL};
use parcel_desk_wire::orders::InvoiceKind;
use parcel_desk_wire::pdf::check_structure;
use serde_json::{json, Value};

const SHOP_SECRET: &str = "shop-secret-0123456789-abcdef";

/// A Sendcloud-rates claim with everything the customer gives.
fn claim(claim_type: &str, order_number: &str) -> Value {
    json!({
        "claim_type": claim_type,
        "order_number": order_number,
        "contents": "Two shirts and a vase",
        "exterior": "Brown box, taped",
        "dimensions": {"length": 40, "width": 30, "height": 20},
        "remarks": "Ordered for a birthday",
        "email": DEMO_ORDER_EMAIL,
        "name": "Jürgen Müller",
        "declaration": {"accepted": true, "signed_name": "Jürgen Müller"}
    })
}

async fn post_claim(c: &reqwest::Client, api: &str, body: &Value) -> Value {
    let r = c.post(format!("{api}/claims")).header("content-type", "application/json").body(body.to_string());
    let r = r.send().await.unwrap();
    assert_eq!(r.status(), 202);
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

fn filed(stats: &SandboxStats, claim_type: &str) -> Vec<Value> {
    stats.claims.lock().unwrap().iter().filter(|(s, _)| s == claim_type).map(|(_, b)| b.clone()).collect()
}

fn token(body: &Value, field: &str) -> String {
    body[field]["file_token"].as_str().unwrap_or_else(|| panic!("no {field}: {body}")).to_owned()
}

fn text_of(pdf: &[u8]) -> String {
    String::from_utf8_lossy(pdf).into_owned()
}

/// The sandbox's demo orders behind a proxy ([`orders_stack`]), without
/// the sandbox's upstream limits.
async fn sandbox_stack() -> (Stack, Arc<SandboxStats>) {
    orders_stack(SandboxOptions { upstream_limits: false, ..SandboxOptions::default() }, |_| {}).await
}

#[tokio::test]
async fn the_shops_invoices_by_url_are_uploaded_and_filed_in_their_fields() {
    let (s, stats) = sandbox_stack().await;
    let (c, api) = (client(), s.api(""));
    // ORD-0001: Sendcloud rates, in transit; its sales and purchase
    // invoices and the carrier's claim form by URL (served by the sandbox).
    let v = post_claim(&c, &api, &claim("lost", "ORD-0001")).await;
    assert_eq!(v["state"], "received", "the planned documents count as there: {v}");
    let (id, tok) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    poll_claim(&c, &api, id, tok, 30, |st, v| claim_state(st, v) == "filed").await;
    let bodies = filed(&stats, "lost");
    assert_eq!(bodies.len(), 1);
    let body = &bodies[0];
    assert_eq!(body["tracking_number"], "PD-TRANSIT-0001");
    assert!(body.get("carrier_contract_id").is_none(), "a Sendcloud-rates body has none");
    assert_eq!(body["contents_sales_price"], json!({"price": 74.98, "currency": "EUR"}));
    assert_eq!(
        body["contents_purchase_price"],
        json!({"price": 29.0, "currency": "EUR"}),
        "the order's purchase prices"
    );
    for (field, kind) in [
        ("sales_invoice", InvoiceKind::Sales),
        ("purchase_invoice", InvoiceKind::Purchase),
        ("carrier_claim_form", InvoiceKind::CarrierClaimForm),
    ] {
        let pdf = stats.pdf(&token(body, field)).unwrap_or_else(|| panic!("the sandbox has no file for {field}"));
        assert_eq!(pdf, demo_document_pdf("ORD-0001", kind).unwrap(), "{field} is the shop's PDF, byte for byte");
    }
    let declaration = stats.pdf(&token(body, "customer_confirmation")).unwrap();
    assert_eq!(check_structure(&declaration), Ok(()));
    assert!(text_of(&declaration).contains("(Declaration of non-receipt)"));
    assert!(text_of(&declaration).contains("(Tracking number: PD-TRANSIT-0001)"));
    assert_eq!(stats.pdfs.lock().unwrap().len(), 4, "three documents and the declaration, each uploaded once");
}

#[tokio::test]
async fn without_the_shops_sales_invoice_sendcloud_generates_it_from_the_order() {
    let (s, stats) = sandbox_stack().await;
    let (c, api) = (client(), s.api(""));
    // ORD-0002: Sendcloud rates, delivered; purchase invoice and claim form
    // by URL, no sales invoice.
    let v = post_claim(&c, &api, &claim("delivered-but-not-received", "ORD-0002")).await;
    assert_eq!(v["state"], "received", "{v}");
    let (id, tok) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    poll_claim(&c, &api, id, tok, 30, |st, v| claim_state(st, v) == "filed").await;
    let body = filed(&stats, "delivered-but-not-received").pop().unwrap();
    let invoice = stats.pdf(&token(&body, "sales_invoice")).expect("a generated invoice's token");
    assert_eq!(check_structure(&invoice), Ok(()), "{}", text_of(&invoice));
    let text = text_of(&invoice);
    assert!(text.starts_with("%PDF-") && text.contains("trailer") && text.contains("xref"));
    assert!(text.contains("(2 x T-shirt @ 19.99 EUR = 39.98 EUR)"), "{text}");
    assert!(text.contains("(1 x Vase @ 35.00 EUR = 35.00 EUR)"), "{text}");
    assert!(text.contains("(Tracking number: PD-DELIVERED-0002)"));
    assert_eq!(
        stats.pdf(&token(&body, "purchase_invoice")).unwrap(),
        demo_document_pdf("ORD-0002", InvoiceKind::Purchase).unwrap()
    );
    assert_eq!(body["contents_sales_price"], json!({"price": 74.98, "currency": "EUR"}));
}

/// A shop on a real socket: its order ORD-0001 with documents at
/// `{documents}/docs/{file}` (`documents` may be another origin), the
/// sales invoice answering 503 while `down`, or HTML when `html`.
#[derive(Default)]
struct Shop {
    base: Mutex<String>,
    documents: Mutex<String>,
    down: AtomicBool,
    html: AtomicBool,
    /// The orders endpoint answers 503.
    orders_down: AtomicBool,
    sales_requests: AtomicUsize,
    /// (path, the secret it carried).
    seen: Mutex<Vec<(String, String)>>,
}

async fn shop_order(State(shop): State<Arc<Shop>>, headers: HeaderMap, Path(number): Path<String>) -> Response {
    if headers.get("x-parcel-desk-secret").and_then(|v| v.to_str().ok()) != Some(SHOP_SECRET) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if shop.orders_down.load(Ordering::SeqCst) {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let Some(mut order) = demo_order_at(&number, &shop.base.lock().unwrap()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let docs = shop.documents.lock().unwrap().clone();
    for inv in &mut order.invoices {
        let file = inv.url.rsplit('/').next().unwrap().to_owned();
        inv.url = format!("{docs}/docs/{file}");
    }
    ([(header::CONTENT_TYPE, "application/json")], serde_json::to_string(&order).unwrap()).into_response()
}

async fn shop_document(State(shop): State<Arc<Shop>>, headers: HeaderMap, Path(file): Path<String>) -> Response {
    let secret = headers.get("x-parcel-desk-secret").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    shop.seen.lock().unwrap().push((file.clone(), secret));
    let kind = match file.as_str() {
        "sales_invoice.pdf" => {
            shop.sales_requests.fetch_add(1, Ordering::SeqCst);
            if shop.down.load(Ordering::SeqCst) {
                return (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response();
            }
            if shop.html.load(Ordering::SeqCst) {
                return ([(header::CONTENT_TYPE, "text/html")], "<html>Please log in</html>").into_response();
            }
            InvoiceKind::Sales
        }
        "purchase_invoice.pdf" => InvoiceKind::Purchase,
        "carrier_claim_form.pdf" => InvoiceKind::CarrierClaimForm,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, "application/pdf")], demo_document_pdf("ORD-0001", kind).unwrap()).into_response()
}

/// The sandbox, the shop and a proxy reading orders from the shop.
async fn shop_stack(shop: Arc<Shop>) -> (Stack, Arc<SandboxStats>, SocketAddr) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    *shop.base.lock().unwrap() = format!("http://{addr}");
    // The documents on another origin than the orders endpoint (localhost
    // vs 127.0.0.1): the secret must not go there.
    *shop.documents.lock().unwrap() = format!("http://localhost:{}", addr.port());
    let app = Router::new()
        .route("/shop/orders/{number}", get(shop_order))
        .route("/docs/{file}", get(shop_document))
        .with_state(shop);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let options = SandboxOptions { upstream_limits: false, ..SandboxOptions::default() };
    let stats = options.stats.clone();
    let creds = Credentials { public_key: PUBLIC.into(), secret_key: Secret::new(SECRET) };
    let sandbox = start_sandbox_with(loopback(), creds, options).await.unwrap();
    let proxy = proxy_to(&sandbox.url(), |c: &mut Config| {
        c.claims.parcel_kind = None;
        c.orders.url = Some(BaseUrl::parse(&format!("http://{addr}/shop/orders")).unwrap());
        c.orders.secret = Secret::new(SHOP_SECRET);
        c.orders.retry_base = std::time::Duration::from_millis(100);
    })
    .await;
    (Stack { sandbox, proxy }, stats, addr)
}

#[tokio::test]
async fn the_shops_invoice_url_down_keeps_the_claim_waiting_then_it_files_with_the_invoice_uploaded_once() {
    let shop = Arc::new(Shop::default());
    shop.down.store(true, Ordering::SeqCst);
    let (s, stats, _) = shop_stack(shop.clone()).await;
    let (c, api) = (client(), s.api(""));
    let v = post_claim(&c, &api, &claim("lost", "ORD-0001")).await;
    assert_eq!(v["state"], "received", "{v}");
    let (id, tok) = (v["claim_id"].as_str().unwrap().to_owned(), v["access_token"].as_str().unwrap().to_owned());
    // Waits (retried with backoff), never filed without its invoice.
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while shop.sales_requests.load(Ordering::SeqCst) < 3 {
        assert!(std::time::Instant::now() < until, "the download is retried");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (status, waiting) = poll_claim(&c, &api, &id, &tok, 5, |_, _| true).await;
    assert_eq!((status, waiting["state"].as_str()), (202, Some("queued")), "{waiting}");
    assert!(filed(&stats, "lost").is_empty(), "not filed without the invoice");
    shop.down.store(false, Ordering::SeqCst);
    poll_claim(&c, &api, &id, &tok, 30, |st, v| claim_state(st, v) == "filed").await;
    let body = filed(&stats, "lost").pop().unwrap();
    let sales = demo_document_pdf("ORD-0001", InvoiceKind::Sales).unwrap();
    assert_eq!(stats.pdf(&token(&body, "sales_invoice")).unwrap(), sales);
    let uploads_of_it = stats.pdfs.lock().unwrap().iter().filter(|(_, pdf)| *pdf == sales).count();
    assert_eq!(uploads_of_it, 1, "the invoice is uploaded exactly once");
    assert_eq!(stats.pdfs.lock().unwrap().len(), 4, "three documents and the declaration");
    let seen = shop.seen.lock().unwrap();
    let purchase = seen.iter().filter(|(f, _)| f == "purchase_invoice.pdf").count();
    assert_eq!(purchase, 1, "a document got is never fetched again: {seen:?}");
    assert!(seen.iter().all(|(_, secret)| secret.is_empty()), "the secret goes only to the orders origin: {seen:?}");
}

#[tokio::test]
async fn an_invoice_url_that_answers_no_pdf_puts_the_claim_in_needs_attention() {
    let shop = Arc::new(Shop::default());
    shop.html.store(true, Ordering::SeqCst);
    let (s, stats, _) = shop_stack(shop.clone()).await;
    let (c, api) = (client(), s.api(""));
    let v = post_claim(&c, &api, &claim("lost", "ORD-0001")).await;
    let (id, tok) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    let (_, read) = poll_claim(&c, &api, id, tok, 20, |st, v| claim_state(st, v) == "needs_attention").await;
    let reason = read["reason"].as_str().unwrap();
    assert!(
        reason.contains("The shop's sales invoice cannot be used") && reason.contains("text/html, not a PDF"),
        "{reason}"
    );
    assert!(!reason.contains(SHOP_SECRET));
    assert!(filed(&stats, "lost").is_empty());
    assert_eq!(shop.sales_requests.load(Ordering::SeqCst), 1, "a wrong answer is not retried");
}

#[tokio::test]
async fn a_document_on_the_orders_origin_gets_the_secret() {
    let shop = Arc::new(Shop::default());
    let (s, stats, addr) = shop_stack(shop.clone()).await;
    *shop.documents.lock().unwrap() = format!("http://{addr}");
    let (c, api) = (client(), s.api(""));
    let v = post_claim(&c, &api, &claim("lost", "ORD-0001")).await;
    let (id, tok) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    poll_claim(&c, &api, id, tok, 30, |st, v| claim_state(st, v) == "filed").await;
    assert_eq!(filed(&stats, "lost").len(), 1);
    let seen = shop.seen.lock().unwrap();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().all(|(_, secret)| secret == SHOP_SECRET), "{seen:?}");
}

#[tokio::test]
async fn uploads_and_generations_wait_for_the_accounts_read_budget() {
    let options = SandboxOptions { upstream_limits: false, ..SandboxOptions::default() };
    let stats = options.stats.clone();
    let creds = Credentials { public_key: PUBLIC.into(), secret_key: Secret::new(SECRET) };
    let sandbox = start_sandbox_with(loopback(), creds, options).await.unwrap();
    let orders = BaseUrl::parse(&format!("{}/orders", sandbox.url())).unwrap();
    let proxy = proxy_to(&sandbox.url(), |c: &mut Config| {
        c.claims.parcel_kind = None;
        c.orders.url = Some(orders);
        c.orders.secret = Secret::new(SECRET);
        // One upstream read-budget call per second (a sliding window).
        c.upstream.window = std::time::Duration::from_secs(1);
        c.upstream.reads_per_minute = 1.try_into().unwrap();
    })
    .await;
    let s = Stack { sandbox, proxy };
    let (c, api) = (client(), s.api(""));
    let started = std::time::Instant::now();
    // The declaration and three documents: four calls, one per window.
    let v = post_claim(&c, &api, &claim("lost", "ORD-0001")).await;
    let (id, tok) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    assert!(stats.pdfs.lock().unwrap().len() <= 1, "one call in the first window");
    poll_claim(&c, &api, id, tok, 30, |st, v| claim_state(st, v) == "filed").await;
    assert!(started.elapsed() >= std::time::Duration::from_secs(3), "{:?}", started.elapsed());
    assert_eq!(stats.pdfs.lock().unwrap().len(), 4, "each uploaded once, however long it waited");
}

#[tokio::test]
async fn a_claim_completed_later_from_its_order_gets_the_orders_documents() {
    let shop = Arc::new(Shop::default());
    shop.orders_down.store(true, Ordering::SeqCst);
    let (s, stats, _) = shop_stack(shop.clone()).await;
    let (c, api) = (client(), s.api(""));
    let v = post_claim(&c, &api, &claim("lost", "ORD-0001")).await;
    assert_eq!(v["state"], "with_shop", "{v}");
    assert!(v["missing"].as_array().unwrap().contains(&json!("order_facts")), "{v}");
    let (id, tok) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    shop.orders_down.store(false, Ordering::SeqCst);
    poll_claim(&c, &api, id, tok, 30, |st, v| claim_state(st, v) == "filed").await;
    let body = filed(&stats, "lost").pop().unwrap();
    let sales = stats.pdf(&token(&body, "sales_invoice")).unwrap();
    assert_eq!(sales, demo_document_pdf("ORD-0001", InvoiceKind::Sales).unwrap());
    assert!(stats.pdf(&token(&body, "carrier_claim_form")).is_some());
}
