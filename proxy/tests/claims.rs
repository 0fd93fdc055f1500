//! Claims at the proxy: accepted and stored first, filed by the worker;
//! Idempotency-Key replays (across restarts, concurrent); an upstream 429
//! waited out; final refusals kept as `needs_attention`; upload checks.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use common::*;
use serde_json::{json, Value};

async fn post_claim(c: &reqwest::Client, url: &str, key: Option<&str>, body: &Value) -> reqwest::Response {
    let mut r = c.post(url).header("content-type", "application/json").body(body.to_string());
    if let Some(k) = key {
        r = r.header("idempotency-key", k);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn same_key_replays_one_claim_and_one_upstream_ticket() {
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |_| {}).await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    let url = format!("{api}/dsf/tickets/damage");
    let body = json!({"tracking_number": "PD-OWN-0003", "contents_description": "vase"});

    let first = post_claim(&c, &url, Some("claim-attempt-1"), &body).await;
    assert_eq!(first.status(), 202);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_body = first.text().await.unwrap();
    let v: Value = serde_json::from_str(&first_body).unwrap();
    let id = v["ticket_id"].as_str().unwrap().to_owned();
    assert!(parcel_desk_proxy::proxy::parse_ticket_uuid(&id).is_some(), "the proxy's own claim id: {id}");
    assert_eq!(v["state"], "received");
    let token = v["access_token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("v1."));

    let second = post_claim(&c, &url, Some("claim-attempt-1"), &body).await;
    assert_eq!(second.status(), 202);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.text().await.unwrap(), first_body, "identical answers");
    poll_claim(&c, &api, &id, &token, 10, |s, v| claim_state(s, v) == "filed").await;
    assert_eq!(rec.posts(), 1, "upstream called once");
    assert_eq!(rec.seen().iter().find(|s| s.method == "POST").unwrap().uri, "/dsf/tickets/damage");

    // Same key, different body: 422, nothing stored.
    let other = post_claim(&c, &url, Some("claim-attempt-1"), &json!({"tracking_number": "PD-OWN-0003"})).await;
    assert_eq!(other.status(), 422);
    assert_envelope(&other.text().await.unwrap(), 422, "idempotency_key_reused");
    // Same key on the other route is another request.
    let lost = post_claim(&c, &format!("{api}/dsf/tickets/lost"), Some("claim-attempt-1"), &body).await;
    assert_eq!(lost.status(), 202);
    // No key: no idempotency, still works.
    assert_eq!(post_claim(&c, &url, None, &body).await.status(), 202);
    assert_eq!(post_claim(&c, &url, None, &body).await.status(), 202);
    eventually(10, "four creations upstream", || rec.posts() == 4).await;

    // Malformed keys: 400 before anything else.
    for bad in ["x".repeat(256), "   ".to_owned()] {
        let r = post_claim(&c, &url, Some(&bad), &body).await;
        assert_eq!(r.status(), 400, "{bad:?}");
        assert_envelope(&r.text().await.unwrap(), 400, "bad_request");
    }
    let r = c
        .post(&url)
        .header("content-type", "application/json")
        .header("idempotency-key", "a")
        .header("idempotency-key", "b")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "two keys");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rec.posts(), 4);
}

#[tokio::test]
async fn concurrent_same_key_is_one_claim() {
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |_| {}).await;
    let c = client();
    let url = format!("{}/api/dsf/tickets/lost", p.proxy.url());
    let body = json!({"tracking_number": "PD-OWN-0003"});
    let answers =
        futures_util::future::join_all((0..8).map(|_| post_claim(&c, &url, Some("double-click"), &body))).await;
    let mut bodies = Vec::new();
    let mut replayed = 0;
    for r in answers {
        assert_eq!(r.status(), 202);
        replayed += usize::from(r.headers().get("idempotent-replayed").is_some());
        bodies.push(r.text().await.unwrap());
    }
    assert_eq!(replayed, 7, "one accepted, seven replays");
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "one claim id for all");
    eventually(10, "the claim filed", || rec.posts() == 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(rec.posts(), 1);
}

#[tokio::test]
async fn replays_survive_a_restart_with_the_same_store() {
    let rec = Recorder::start().await;
    let path = parcel_desk_proxy::config::temp_store_path();
    let c = client();
    let body = json!({"tracking_number": "PD-OWN-0003"});
    let p = proxy_to(&rec.server.url(), |cfg| cfg.store.path = Some(path.clone())).await;
    let first = post_claim(&c, &format!("{}/api/dsf/tickets/lost", p.proxy.url()), Some("k-restart"), &body).await;
    assert_eq!(first.status(), 202);
    let first = first.text().await.unwrap();
    eventually(10, "the claim filed", || rec.posts() == 1).await;
    p.proxy.shutdown().await.unwrap();

    let p = proxy_to(&rec.server.url(), |cfg| cfg.store.path = Some(path.clone())).await;
    let again = post_claim(&c, &format!("{}/api/dsf/tickets/lost", p.proxy.url()), Some("k-restart"), &body).await;
    assert_eq!(again.status(), 202);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.unwrap(), first);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(rec.posts(), 1);
    assert!(path.exists());
    let _ = std::fs::remove_file(&path);
}

/// An upstream that answers 429 (`Retry-After: 1`) to the first creation
/// and 202 after that.
async fn flaky_upstream(calls: Arc<AtomicUsize>) -> parcel_desk_proxy::Server {
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let calls = calls.clone();
        async move {
            if req.method() != axum::http::Method::POST {
                return (StatusCode::OK, [("content-type", "application/json")], r#"{"data":[]}"#).into_response();
            }
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                (StatusCode::TOO_MANY_REQUESTS, [("content-type", "application/json"), ("retry-after", "1")],
                 r#"{"errors":[{"code":"hit_rate_limit","detail":"Rate limit exceeded: 15 per 1 minute","title":"Rate limit exceeded","status":429}]}"#)
                    .into_response()
            } else {
                (StatusCode::ACCEPTED, [("content-type", "application/json"), ("retry-after", "0")], r#"{"ticket_id":"0e6a4f0c-64a4-4ad3-9d65-2f1fb1b2a9a1"}"#)
                    .into_response()
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(loopback()).await.unwrap();
    parcel_desk_proxy::serve(listener, app).unwrap()
}

#[tokio::test]
async fn an_upstream_429_is_waited_out_never_passed_on() {
    let calls = Arc::new(AtomicUsize::new(0));
    let up = flaky_upstream(calls.clone()).await;
    let p = proxy_to(&up.url(), |_| {}).await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    let body = json!({"tracking_number": "PD-OWN-0003"});
    let r = post_claim(&c, &format!("{api}/dsf/tickets/lost"), Some("k-429"), &body).await;
    assert_eq!(r.status(), 202, "accepted whatever upstream does");
    let v: Value = r.json_value().await;
    let (id, token) = (v["ticket_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    let (_, v) = poll_claim(&c, &api, id, token, 10, |s, v| claim_state(s, v) == "filed").await;
    assert_eq!(v["pending"], true, "filed, upstream's int id not known yet");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "sent again after Retry-After");
}

async fn upload(c: &reqwest::Client, url: &str, name: &str, ct: &str, data: &[u8]) -> String {
    let (content_type, body) = multipart("file", Some(name), Some(ct), data);
    let r = c.post(url).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap()["file_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn damage_claims_against_the_sandbox() {
    let s = Stack::new(|_| {}).await;
    let c = client();
    let files = s.api("/dsf/files");
    let damage = "/dsf/tickets/damage";

    // Own contract: the tracking number is enough.
    assert_eq!(
        settle_claim(&c, &s.api(""), damage, Some("d1"), &json!({"tracking_number": "PD-OWN-0003"})).await.0,
        "filed"
    );

    // Own contract without a carrier contact: accepted, then refused
    // upstream: needs attention, with upstream's reason; never retried.
    let (state, reason) =
        settle_claim(&c, &s.api(""), damage, Some("d2"), &json!({"tracking_number": "PD-OWN-NOCONTACT-0004"})).await;
    assert_eq!(state, "needs_attention");
    assert_eq!(reason, "Carrier support contact is required for own contract parcel");
    let r = post_claim(&c, &s.api(damage), Some("d2"), &json!({"tracking_number": "PD-OWN-NOCONTACT-0004"})).await;
    assert_eq!(r.headers()["idempotent-replayed"], "true");

    // A lost-only field is refused by the proxy, before anything is stored.
    let r = post_claim(
        &c,
        &s.api(damage),
        None,
        &json!({"tracking_number": "PD-OWN-0003", "parcel_dimensions": {"length": 1, "width": 1, "height": 1}}),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(assert_envelope(&r.text().await.unwrap(), 400, "bad_request").contains("parcel_dimensions"));

    // Sendcloud rates, delivered: damage is claimable, every field required
    // (upstream names the 13 missing ones).
    let (state, reason) =
        settle_claim(&c, &s.api(""), damage, None, &json!({"tracking_number": "PD-DELIVERED-0002"})).await;
    assert_eq!(state, "needs_attention");
    assert_eq!(reason.split("; ").count(), 13, "{reason}");
    assert!(reason.contains("contents_sales_price: Field required"), "{reason}");
    let mut body = json!({
        "tracking_number": "PD-DELIVERED-0002",
        "contents_sales_price": {"price": 49.95, "currency": "EUR"},
        "contents_description": "Ceramic table lamp",
        "parcel_exterior_description": "Brown box, crushed corner",
        "additional_remarks": "The lamp base is cracked",
    });
    for field in [
        "customer_confirmation",
        "sales_invoice",
        "purchase_invoice",
        "exterior_photo",
        "interior_photo",
        "damage_photo_1",
        "damage_photo_2",
        "package_photo",
        "entire_product_photo",
    ] {
        let ct = if field.ends_with("photo") || field.contains("photo_") { "image/jpeg" } else { "application/pdf" };
        let token = upload(&c, &files, &format!("{field}.bin"), ct, b"evidence").await;
        body[field] = json!({"file_token": token});
    }
    assert_eq!(settle_claim(&c, &s.api(""), damage, Some("full-damage"), &body).await.0, "filed");
    // Unknown tokens are refused upstream.
    body["exterior_photo"] = json!({"file_token": "made-up"});
    let (state, reason) = settle_claim(&c, &s.api(""), damage, None, &body).await;
    assert_eq!(state, "needs_attention");
    assert!(reason.contains("exterior_photo"), "{reason}");
}

trait JsonValue {
    async fn json_value(self) -> Value;
}
impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Value {
        serde_json::from_str(&self.text().await.unwrap()).unwrap()
    }
}

#[tokio::test]
async fn upload_part_rules_before_upstream() {
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |_| {}).await;
    let c = client();
    let files = format!("{}/api/dsf/files", p.proxy.url());
    type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, u16, &'a str);
    let cases: Vec<Case> = vec![
        ("file", None, Some("image/jpeg"), 400, "filename"),
        ("file", Some("a.jpg"), None, 400, "Content-Type"),
        ("photo", Some("a.jpg"), Some("image/jpeg"), 400, "named 'file'"),
        ("file", Some("a.zip"), Some("application/zip"), 415, "The file type application/zip is not accepted. Allowed: images, videos, text, PDF, RTF, Word, Office and OpenDocument files, XML, YAML, JSON."),
    ];
    for (name, filename, ct, status, text) in cases {
        let (content_type, body) = multipart(name, filename, ct, b"data");
        let r = c.post(&files).header("content-type", content_type).body(body).send().await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{name} {filename:?} {ct:?}");
        let code = if status == 415 { "unsupported_media_type" } else { "bad_request" };
        let detail = assert_envelope(&r.text().await.unwrap(), status, code);
        assert!(detail.contains(text), "{detail}");
    }
    assert!(rec.seen().is_empty(), "nothing reached upstream");

    // Two parts: refused, and upstream never gets a complete request.
    let (content_type, mut body) = multipart("file", Some("a.pdf"), Some("application/pdf"), b"x");
    let tail = b"--\r\n".len();
    body.truncate(body.len() - tail);
    body.extend_from_slice(b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.pdf\"\r\nContent-Type: application/pdf\r\n\r\ny\r\n----parcel-desk-test-boundary-7MA4YWxkTrZu0gW--\r\n");
    let r = c.post(&files).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(assert_envelope(&r.text().await.unwrap(), 400, "bad_request").contains("more than one part"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(rec.seen().iter().all(|s| !s.complete), "{:?}", rec.seen().len());

    // 6 000 001 bytes: over the file cap (the request is still under the total cap).
    let (content_type, body) = multipart("file", Some("big.jpg"), Some("image/jpeg"), &vec![1u8; 6_000_001]);
    let r = c.post(&files).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(assert_envelope(&r.text().await.unwrap(), 413, "content_too_large"), "The file is larger than 6 MB.");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(rec.seen().iter().all(|s| !s.complete));

    // Exactly 6 000 000 bytes pass, byte for byte.
    let (content_type, body) = multipart("file", Some("ok.jpg"), Some("image/jpeg"), &vec![1u8; 6_000_000]);
    let r = c.post(&files).header("content-type", &content_type).body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), 202, "the recorder answers 202");
    let last = rec.seen().pop().unwrap();
    assert!(last.complete);
    assert_eq!(last.body_len, body.len());
    assert_eq!(last.headers["content-type"], content_type.as_str());
}

#[tokio::test]
async fn every_claim_type_files_against_the_sandbox_with_its_deflection_rules() {
    let s = Stack::new(|_| {}).await;
    let c = client();
    let own = "PD-OWN-0003"; // own contract, in transit, with a carrier contact
    let filed = [
        ("/dsf/tickets/late-delivery", json!({"tracking_number": own, "additional_remarks": "A week late"})),
        (
            "/dsf/tickets/unjust-return",
            json!({"tracking_number": own, "is_parcel_returned": true, "additional_details": "Sent back unopened"}),
        ),
        (
            "/dsf/tickets/address-change",
            json!({"tracking_number": own, "new_address": "Stadhuisplein 10, 5611 EM Eindhoven"}),
        ),
        (
            "/dsf/tickets/other",
            json!({"tracking_number": own, "subject": "Parcel arrived empty", "question": "Nothing was inside."}),
        ),
    ];
    for (route, body) in &filed {
        let (state, reason) = settle_claim(&c, &s.api(""), route, None, body).await;
        assert_eq!((route, state.as_str()), (route, "filed"), "{reason}");
    }

    // A delivered own-contract parcel: delivered-but-not-received needs only
    // the tracking number.
    let dbnr = json!({"tracking_number": "PD-OWN-DELIVERED-0008"});
    let (state, reason) = settle_claim(&c, &s.api(""), "/dsf/tickets/delivered-but-not-received", None, &dbnr).await;
    assert_eq!(state, "filed", "{reason}");
    // The late demo parcel and the one on its way back: the claims they are
    // there to show.
    let late = json!({"tracking_number": "PD-OWN-LATE-0009", "additional_remarks": "Expected three days ago"});
    let (state, reason) = settle_claim(&c, &s.api(""), "/dsf/tickets/late-delivery", None, &late).await;
    assert_eq!(state, "filed", "{reason}");
    let returned = json!({"tracking_number": "PD-RETURNED-0010", "is_parcel_returned": true, "additional_details": "The address is right"});
    let (state, reason) = settle_claim(&c, &s.api(""), "/dsf/tickets/unjust-return", None, &returned).await;
    assert_eq!(state, "filed", "{reason}");

    // Each type's own rules, before anything is stored.
    let r = post_claim(&c, &s.api("/dsf/tickets/address-change"), None, &json!({"tracking_number": own})).await;
    assert_eq!(r.status(), 400);
    assert!(assert_envelope(&r.text().await.unwrap(), 400, "bad_request").contains("new_address"));
    let r = post_claim(
        &c,
        &s.api("/dsf/tickets/other"),
        None,
        &json!({"tracking_number": own, "subject": "x", "question": "y", "contents_description": "z"}),
    )
    .await;
    assert_eq!(r.status(), 400, "a field other claims do not have");

    // Upstream's deflection rules arrive as needs_attention with its words.
    let refused = [
        ("/dsf/tickets/delivered-but-not-received", own, json!({}), "Parcel is not delivered yet"),
        (
            "/dsf/tickets/address-change",
            "PD-DELIVERED-0002",
            json!({"new_address": "Stadhuisplein 10, 5611 EM Eindhoven"}),
            "Parcel is already delivered",
        ),
        ("/dsf/tickets/delivered-but-not-received", "PD-OWN-LATE-0009", json!({}), "Parcel is not delivered yet"),
        ("/dsf/tickets/delivered-but-not-received", "PD-RETURNED-0010", json!({}), "Parcel is not delivered yet"),
        (
            "/dsf/tickets/late-delivery",
            "PD-DELIVERED-0002",
            json!({}),
            "only available for parcels sent under your own carrier contract",
        ),
    ];
    for (route, tn, extra, words) in refused {
        let mut body = extra;
        body["tracking_number"] = json!(tn);
        let (state, reason) = settle_claim(&c, &s.api(""), route, None, &body).await;
        assert_eq!(state, "needs_attention", "{route} {tn}");
        assert!(reason.contains(words), "{route}: {reason}");
    }

    // A type that does not exist is not a route.
    let r = post_claim(&c, &s.api("/dsf/tickets/stolen"), None, &json!({"tracking_number": own})).await;
    assert_eq!(r.status(), 404);
}
