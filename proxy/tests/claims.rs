//! Issue 3 at the proxy: damage claims, Idempotency-Key replays (SQLite,
//! across restarts, concurrent, 429 not stored) and the upload checks.

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
async fn same_key_replays_one_upstream_ticket() {
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |_| {}).await;
    let c = client();
    let url = format!("{}/api/dsf/tickets/damage", p.proxy.url());
    let body = json!({"tracking_number": "PD-OWN-0003", "contents_description": "vase"});

    let first = post_claim(&c, &url, Some("claim-attempt-1"), &body).await;
    assert_eq!(first.status(), 202);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_body = first.text().await.unwrap();
    let v: Value = serde_json::from_str(&first_body).unwrap();
    assert_eq!(v["ticket_id"], "b99c8ea5-3156-442e-8dfe-c746218a3fbe");
    assert!(v["access_token"].as_str().unwrap().starts_with("v1."));

    let second = post_claim(&c, &url, Some("claim-attempt-1"), &body).await;
    assert_eq!(second.status(), 202);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.text().await.unwrap(), first_body, "identical answers");
    assert_eq!(rec.seen().len(), 1, "upstream called once");
    assert_eq!(rec.seen()[0].uri, "/dsf/tickets/damage");

    // Same key, different body: 422, nothing sent.
    let other = post_claim(&c, &url, Some("claim-attempt-1"), &json!({"tracking_number": "PD-OWN-0003"})).await;
    assert_eq!(other.status(), 422);
    assert_envelope(&other.text().await.unwrap(), 422, "idempotency_key_reused");
    // Same key on the other route is another request.
    let lost = post_claim(&c, &format!("{}/api/dsf/tickets/lost", p.proxy.url()), Some("claim-attempt-1"), &body).await;
    assert_eq!(lost.status(), 202);
    // No key: no idempotency, still works.
    assert_eq!(post_claim(&c, &url, None, &body).await.status(), 202);
    assert_eq!(post_claim(&c, &url, None, &body).await.status(), 202);
    assert_eq!(rec.seen().len(), 4);

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
    assert_eq!(rec.seen().len(), 4);
}

#[tokio::test]
async fn concurrent_same_key_never_files_twice() {
    let rec = Recorder::start().await;
    rec.set_delay(Duration::from_millis(800));
    let p = proxy_to(&rec.server.url(), |_| {}).await;
    let c = client();
    let url = format!("{}/api/dsf/tickets/lost", p.proxy.url());
    let body = json!({"tracking_number": "PD-OWN-0003"});
    let (a, b) = tokio::join!(post_claim(&c, &url, Some("double-click"), &body), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        post_claim(&c, &url, Some("double-click"), &body).await
    });
    assert_eq!(a.status(), 202);
    assert_eq!(b.status(), 409);
    assert_eq!(b.headers()["retry-after"], "1");
    assert_envelope(&b.text().await.unwrap(), 409, "request_in_progress");
    // Once the first finished, the retry is a replay.
    let c2 = post_claim(&c, &url, Some("double-click"), &body).await;
    assert_eq!(c2.status(), 202);
    assert_eq!(c2.headers()["idempotent-replayed"], "true");
    assert_eq!(rec.seen().len(), 1);
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
    p.proxy.shutdown().await.unwrap();

    let p = proxy_to(&rec.server.url(), |cfg| cfg.store.path = Some(path.clone())).await;
    let again = post_claim(&c, &format!("{}/api/dsf/tickets/lost", p.proxy.url()), Some("k-restart"), &body).await;
    assert_eq!(again.status(), 202);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.text().await.unwrap(), first);
    assert_eq!(rec.seen().len(), 1);
    assert!(path.exists());
    let _ = std::fs::remove_file(&path);
}

/// An upstream that answers 429 (no Retry-After) to the first creation and
/// 202 after that.
async fn flaky_upstream(calls: Arc<AtomicUsize>) -> parcel_desk_proxy::Server {
    let app = axum::Router::new().fallback(move || {
        let calls = calls.clone();
        async move {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                (StatusCode::TOO_MANY_REQUESTS, [("content-type", "application/json")],
                 r#"{"errors":[{"code":"hit_rate_limit","detail":"Rate limit exceeded: 15 per 1 minute","title":"Rate limit exceeded","status":429}]}"#)
                    .into_response()
            } else {
                (StatusCode::ACCEPTED, [("content-type", "application/json")], r#"{"ticket_id":"0e6a4f0c-64a4-4ad3-9d65-2f1fb1b2a9a1"}"#)
                    .into_response()
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(loopback()).await.unwrap();
    parcel_desk_proxy::serve(listener, app).unwrap()
}

#[tokio::test]
async fn upstream_429_is_passed_on_and_not_stored() {
    let calls = Arc::new(AtomicUsize::new(0));
    let up = flaky_upstream(calls.clone()).await;
    let p = proxy_to(&up.url(), |_| {}).await;
    let c = client();
    let url = format!("{}/api/dsf/tickets/lost", p.proxy.url());
    let body = json!({"tracking_number": "PD-OWN-0003"});
    let r = post_claim(&c, &url, Some("k-429"), &body).await;
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "60", "60 when upstream gives none");
    assert_envelope(&r.text().await.unwrap(), 429, "hit_rate_limit");
    let r = post_claim(&c, &url, Some("k-429"), &body).await;
    assert_eq!(r.status(), 202, "the retry goes upstream again");
    assert!(r.headers().get("idempotent-replayed").is_none());
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    let r = post_claim(&c, &url, Some("k-429"), &body).await;
    assert_eq!(r.headers()["idempotent-replayed"], "true");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
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
    let damage = s.api("/dsf/tickets/damage");
    let files = s.api("/dsf/files");

    // Own contract: the tracking number is enough.
    let r = post_claim(&c, &damage, Some("d1"), &json!({"tracking_number": "PD-OWN-0003"})).await;
    assert_eq!(r.status(), 202);
    let v: Value = r.json_value().await;
    assert!(v["access_token"].is_string() && v["ticket_id"].is_string());

    // Own contract without a carrier contact: 422 (and 422 is kept for the key).
    let r = post_claim(&c, &damage, Some("d2"), &json!({"tracking_number": "PD-OWN-NOCONTACT-0004"})).await;
    assert_eq!(r.status(), 422);
    let r = post_claim(&c, &damage, Some("d2"), &json!({"tracking_number": "PD-OWN-NOCONTACT-0004"})).await;
    assert_eq!(r.headers()["idempotent-replayed"], "true");

    // A lost-only field is refused by the proxy.
    let r = post_claim(
        &c,
        &damage,
        None,
        &json!({"tracking_number": "PD-OWN-0003", "parcel_dimensions": {"length": 1, "width": 1, "height": 1}}),
    )
    .await;
    assert_eq!(r.status(), 400);
    assert!(assert_envelope(&r.text().await.unwrap(), 400, "bad_request").contains("parcel_dimensions"));

    // Sendcloud rates, delivered: damage is claimable, every field required.
    let r = post_claim(&c, &damage, None, &json!({"tracking_number": "PD-DELIVERED-0002"})).await;
    assert_eq!(r.status(), 400);
    let detail = assert_envelope(&r.text().await.unwrap(), 400, "bad_request");
    let missing: Vec<String> =
        parcel_desk_wire::parse_validation_detail(&detail).iter().map(|i| i.field().unwrap().into()).collect();
    assert_eq!(missing.len(), 13, "{missing:?}");
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
    let r = post_claim(&c, &damage, Some("full-damage"), &body).await;
    assert_eq!(r.status(), 202);
    // Unknown tokens are refused upstream.
    body["exterior_photo"] = json!({"file_token": "made-up"});
    let r = post_claim(&c, &damage, None, &body).await;
    assert_eq!(r.status(), 400);
    assert!(assert_envelope(&r.text().await.unwrap(), 400, "bad_request").contains("exterior_photo"));
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
