//! Customers' claims (`POST /claims`) against the sandbox: the answers
//! land on the spec's fields, a lost claim's declaration is uploaded as a
//! PDF and filed as `customer_confirmation`, a claim the shop has to
//! complete waits `with_shop`, replays, the look-up by reference, and the
//! field errors.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use axum::response::IntoResponse;

use common::*;
use parcel_desk_proxy::{start_sandbox_with, Config, Credentials, SandboxOptions, Secret};
use parcel_desk_wire::customer::rules::{MSG_EMAIL, MSG_PHOTO, MSG_POSITIVE};
use parcel_desk_wire::reference::Reference;
use parcel_desk_wire::ParcelKind;
use serde_json::{json, Value};

/// The sandbox (its stats readable) and a proxy in front of it.
struct Setup {
    stack: Stack,
    stats: Arc<parcel_desk_proxy::SandboxStats>,
}

async fn setup(kind: Option<ParcelKind>) -> Setup {
    let options = SandboxOptions::default();
    let stats = options.stats.clone();
    let creds = Credentials { public_key: PUBLIC.into(), secret_key: Secret::new(SECRET) };
    let sandbox = start_sandbox_with(loopback(), creds, options).await.unwrap();
    let proxy = proxy_to(&sandbox.url(), |c: &mut Config| c.claims.parcel_kind = kind).await;
    Setup { stack: Stack { sandbox, proxy }, stats }
}

impl Setup {
    /// The bodies upstream received for `segment`.
    fn received(&self, segment: &str) -> Vec<Value> {
        self.stats.claims.lock().unwrap().iter().filter(|(s, _)| s == segment).map(|(_, b)| b.clone()).collect()
    }
}

async fn post(
    c: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    body: &Value,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut r = c.post(url).header("content-type", "application/json").body(body.to_string());
    if let Some(k) = key {
        r = r.header("idempotency-key", k);
    }
    let r = r.send().await.unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)), headers)
}

fn lost_claim() -> Value {
    json!({
        "claim_type": "lost",
        "tracking_number": "PD-OWN-0003",
        "order_number": "ORD-3",
        "contents": "A blue vase",
        "items": [{"name": "Vase", "quantity": 1}],
        "exterior": "Brown box",
        "email": "Jurgen@Example.com",
        "name": "Jürgen Müller",
        "resolution": "refund",
        "declaration": {"accepted": true, "signed_name": "Jürgen Müller"}
    })
}

async fn upload(c: &reqwest::Client, api: &str, name: &str) -> String {
    let (ct, body) = multipart("file", Some(name), Some("image/jpeg"), b"\xff\xd8\xff photo");
    let r = c.post(format!("{api}/dsf/files")).header("content-type", ct).body(body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap()["file_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_lost_claim_with_a_declaration_is_filed_with_its_pdf() {
    let s = setup(Some(ParcelKind::OwnContract)).await;
    let (c, api) = (client(), s.stack.api(""));
    let (status, v, _) = post(&c, &format!("{api}/claims"), None, &lost_claim()).await;
    assert_eq!(status, 202, "{v}");
    assert_eq!(v["state"], "received");
    let reference = v["reference"].as_str().unwrap();
    assert!(Reference::parse(reference).is_some_and(|r| r.to_string() == reference), "{reference}");
    let (id, token) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    let (status, ticket) = poll_claim(&c, &api, id, token, 20, |st, _| st == 200).await;
    assert_eq!(status, 200);
    assert_eq!(ticket["type"], "lost");
    let bodies = s.received("lost");
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let body = &bodies[0];
    assert_eq!(body["tracking_number"], "PD-OWN-0003");
    assert_eq!(body["contents_description"], "A blue vase\nItems: 1 × Vase");
    assert_eq!(body["parcel_exterior_description"], "Brown box");
    // The sandbox accepted the token: it only takes tokens it issued.
    assert!(body["customer_confirmation"]["file_token"].as_str().is_some_and(|t| !t.is_empty()), "{body}");
    for never in ["email", "name", "resolution", "order_number", "declaration"] {
        assert!(body.get(never).is_none(), "{never} went upstream: {body}");
    }
}

#[tokio::test]
async fn a_damage_claims_photos_land_on_the_photo_fields() {
    let s = setup(Some(ParcelKind::OwnContract)).await;
    let (c, api) = (client(), s.stack.api(""));
    let (d1, d2, p1) =
        (upload(&c, &api, "d1.jpg").await, upload(&c, &api, "d2.jpg").await, upload(&c, &api, "p.jpg").await);
    let claim = json!({
        "claim_type": "damage",
        "tracking_number": "PD-OWN-0003",
        "contents": "A cup",
        "photos": [
            {"file_token": d1, "role": "damage"},
            {"file_token": p1, "role": "packaging"},
            {"file_token": d2, "role": "damage"}
        ],
        "email": "a@example.com",
        "name": "A. Customer"
    });
    let (status, v, _) = post(&c, &format!("{api}/claims"), None, &claim).await;
    assert_eq!(status, 202, "{v}");
    let (id, token) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    poll_claim(&c, &api, id, token, 20, |st, _| st == 200).await;
    let body = &s.received("damage")[0];
    assert_eq!(body["damage_photo_1"]["file_token"], d1.as_str());
    assert_eq!(body["damage_photo_2"]["file_token"], d2.as_str());
    assert_eq!(body["exterior_photo"]["file_token"], p1.as_str());
    assert!(body.get("customer_confirmation").is_none());
}

#[tokio::test]
async fn a_claim_the_shop_must_complete_waits_with_the_shop() {
    let s = setup(Some(ParcelKind::SendcloudRates)).await;
    let (c, api) = (client(), s.stack.api(""));
    let mut claim = lost_claim();
    claim["tracking_number"] = json!("PD-TRANSIT-0001");
    let (status, v, _) = post(&c, &format!("{api}/claims"), None, &claim).await;
    assert_eq!(status, 202, "{v}");
    assert_eq!(v["state"], "with_shop");
    let missing: Vec<&str> = v["missing"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    for field in
        ["contents_sales_price", "parcel_dimensions", "sales_invoice", "purchase_invoice", "carrier_claim_form"]
    {
        assert!(missing.contains(&field), "{field} not in {missing:?}");
    }
    for answered in ["contents_description", "parcel_exterior_description", "customer_confirmation", "tracking_number"]
    {
        assert!(!missing.contains(&answered), "{answered} in {missing:?}");
    }
    let (id, token) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let r = c.get(format!("{api}/dsf/tickets/{id}")).header("x-ticket-token", token).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let pending: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!((pending["pending"].clone(), pending["state"].clone()), (json!(true), json!("with_shop")));
    assert!(pending["reason"].as_str().unwrap().contains("contents_sales_price"), "{pending}");
    assert!(s.received("lost").is_empty(), "the pipeline leaves it alone");

    // Only an order number: the shop names the parcel.
    let mut by_order = lost_claim();
    by_order.as_object_mut().unwrap().remove("tracking_number");
    let (_, v, _) = post(&c, &format!("{api}/claims"), None, &by_order).await;
    assert_eq!(v["state"], "with_shop");
    assert_eq!(v["missing"][0], "tracking_number");

    // A late delivery is not offered for Sendcloud-rates parcels.
    let late =
        json!({"claim_type": "late-delivery", "tracking_number": "PD-TRANSIT-0001", "email": "a@b.co", "name": "A"});
    let (status, v, _) = post(&c, &format!("{api}/claims"), None, &late).await;
    assert_eq!(status, 400);
    assert!(v["errors"][0]["detail"].as_str().unwrap().contains("own carrier contract"), "{v}");
}

#[tokio::test]
async fn an_unknown_parcel_kind_waits_for_the_shop() {
    let s = setup(None).await;
    let (c, api) = (client(), s.stack.api(""));
    let (status, v, _) = post(&c, &format!("{api}/claims"), None, &lost_claim()).await;
    assert_eq!(status, 202, "{v}");
    assert_eq!((v["state"].clone(), v["missing"].clone()), (json!("with_shop"), json!(["parcel_kind"])));
}

#[tokio::test]
async fn the_same_key_replays_the_first_answer() {
    let s = setup(Some(ParcelKind::OwnContract)).await;
    let (c, url) = (client(), s.stack.api("/claims"));
    let (status, first, _) = post(&c, &url, Some("customer-1"), &lost_claim()).await;
    assert_eq!(status, 202);
    let (status, again, headers) = post(&c, &url, Some("customer-1"), &lost_claim()).await;
    assert_eq!((status, &again), (202, &first));
    assert_eq!(headers.get("idempotent-replayed").unwrap(), "true");
    let mut other = lost_claim();
    other["contents"] = json!("Something else");
    let (status, v, _) = post(&c, &url, Some("customer-1"), &other).await;
    assert_eq!(status, 422, "{v}");
    // The raw route keeps its own keys.
    let raw = json!({"tracking_number": "PD-OWN-0003"});
    let (status, _, _) = post(&c, &s.stack.api("/dsf/tickets/lost"), Some("customer-1"), &raw).await;
    assert_eq!(status, 202);
}

#[tokio::test]
async fn a_claim_is_found_by_its_reference_and_the_email_or_postal_code() {
    let s = setup(None).await;
    let (c, api) = (client(), s.stack.api(""));
    let (_, v, _) = post(&c, &format!("{api}/claims"), None, &lost_claim()).await;
    let (reference, id) = (v["reference"].as_str().unwrap().to_owned(), v["claim_id"].as_str().unwrap().to_owned());
    let lookup = format!("{api}/claims/lookup");
    let typed = reference.to_lowercase().replace('-', " ");
    for proof in [" jurgen@example.COM ", "1011ab", "1011 AB"] {
        let (status, found, _) =
            post(&c, &lookup, None, &json!({"reference": typed, "email_or_postal_code": proof})).await;
        assert_eq!(status, 200, "{proof}: {found}");
        assert_eq!(found["claim_id"], id.as_str());
        let token = found["access_token"].as_str().unwrap();
        let r = c.get(format!("{api}/dsf/tickets/{id}")).header("x-ticket-token", token).send().await.unwrap();
        assert_eq!(r.status(), 202, "the token reads the claim");
    }
    let unknown = Reference::from_bits(u64::from(Reference::parse(&reference).unwrap().bits()) ^ 1).to_string();
    let missing_ticket = c.get(format!("{api}/dsf/tickets/abc")).send().await.unwrap().text().await.unwrap();
    for (r, proof) in [
        (reference.as_str(), "someone@example.com"),
        (reference.as_str(), "99999"),
        (unknown.as_str(), "jurgen@example.com"),
        ("not a reference", "jurgen@example.com"),
    ] {
        let res = c
            .post(&lookup)
            .header("content-type", "application/json")
            .body(json!({"reference": r, "email_or_postal_code": proof}).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{r} {proof}");
        assert_eq!(res.text().await.unwrap(), missing_ticket, "{r} {proof}: the same 404 as a missing ticket");
    }
}

#[tokio::test]
async fn the_lookup_is_limited_per_client() {
    let sandbox = sandbox().await;
    let proxy = proxy_to(&sandbox.url(), |c| c.limits.lookup_per_minute = 2).await;
    let stack = Stack { sandbox, proxy };
    let c = client();
    let body = json!({"reference": "PD-0000-00", "email_or_postal_code": "a@b.co"});
    for _ in 0..2 {
        assert_eq!(post(&c, &stack.api("/claims/lookup"), None, &body).await.0, 404);
    }
    let (status, _, headers) = post(&c, &stack.api("/claims/lookup"), None, &body).await;
    assert_eq!(status, 429);
    assert!(headers.get("retry-after").is_some());
}

#[tokio::test]
async fn each_broken_rule_is_reported_at_its_field() {
    let s = setup(Some(ParcelKind::OwnContract)).await;
    let (c, url) = (client(), s.stack.api("/claims"));
    let mut claim = lost_claim();
    claim["email"] = json!("jurgen at example");
    claim["dimensions"] = json!({"length": 0, "width": 20, "height": 10});
    let damage = json!({"claim_type": "damage", "tracking_number": "PD-OWN-0003", "contents": "A cup",
        "email": "a@b.co", "name": "A"});
    let issues = |v: &Value| {
        let detail = v["errors"][0]["detail"].as_str().unwrap().to_owned();
        parcel_desk_wire::parse_validation_detail(&detail)
            .into_iter()
            .map(|i| (i.loc.join("."), i.msg))
            .collect::<Vec<_>>()
    };
    let (status, v, _) = post(&c, &url, None, &claim).await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(
        issues(&v),
        [("dimensions.length".to_owned(), MSG_POSITIVE.to_owned()), ("email".to_owned(), MSG_EMAIL.to_owned())]
    );
    let (status, v, _) = post(&c, &url, None, &damage).await;
    assert_eq!(status, 400);
    assert_eq!(issues(&v), [("photos".to_owned(), MSG_PHOTO.to_owned())]);
    let (status, v, _) = post(&c, &url, None, &json!({"claim_type": "lost", "surprise": 1})).await;
    assert_eq!(status, 400);
    let fields: Vec<String> = issues(&v).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["email", "name", "surprise"]);
    assert!(s.received("lost").is_empty() && s.received("damage").is_empty());
}

/// An upstream that issues file tokens (counting uploads), refuses the
/// first ticket creation with a 401 and accepts the next; it records
/// each creation's body.
async fn refusing_once_upstream(
    uploads: Arc<AtomicUsize>,
    created: Arc<Mutex<Vec<Value>>>,
) -> parcel_desk_proxy::Server {
    let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
        let (uploads, created) = (uploads.clone(), created.clone());
        async move {
            let json = [("content-type", "application/json")];
            let path = req.uri().path().to_owned();
            if req.method() != axum::http::Method::POST {
                return (StatusCode::OK, json, r#"{"data":[]}"#.to_owned()).into_response();
            }
            let body = axum::body::to_bytes(req.into_body(), 1 << 20).await.unwrap();
            if path == "/dsf/files" {
                assert!(String::from_utf8_lossy(&body).contains("filename=\"declaration.pdf\""));
                assert!(body.windows(5).any(|w| w == b"%PDF-"));
                let n = uploads.fetch_add(1, Ordering::SeqCst) + 1;
                return (StatusCode::CREATED, json, format!(r#"{{"file_token":"tok-{n}"}}"#)).into_response();
            }
            let mut seen = created.lock().unwrap();
            seen.push(serde_json::from_slice(&body).unwrap());
            if seen.len() == 1 {
                let refused =
                    r#"{"errors":[{"code":"unauthorized","detail":"no","title":"Unauthorized","status":401}]}"#;
                (StatusCode::UNAUTHORIZED, json, refused.to_owned()).into_response()
            } else {
                (StatusCode::ACCEPTED, json, r#"{"ticket_id":"0e6a4f0c-64a4-4ad3-9d65-2f1fb1b2a9a1"}"#.to_owned())
                    .into_response()
            }
        }
    });
    let listener = tokio::net::TcpListener::bind(loopback()).await.unwrap();
    parcel_desk_proxy::serve(listener, app).unwrap()
}

#[tokio::test]
async fn a_retry_sends_the_declaration_it_uploaded_without_uploading_again() {
    let (uploads, created) = (Arc::new(AtomicUsize::new(0)), Arc::new(Mutex::new(Vec::new())));
    let upstream = refusing_once_upstream(uploads.clone(), created.clone()).await;
    let proxy = proxy_to(&upstream.url(), |c| {
        c.claims.parcel_kind = Some(ParcelKind::OwnContract);
        c.upstream.retry_base = std::time::Duration::from_millis(50);
    })
    .await;
    let (status, v, _) = post(&client(), &format!("{}/api/claims", proxy.proxy.url()), None, &lost_claim()).await;
    assert_eq!((status, &v["state"]), (202, &json!("received")), "{v}");
    eventually(15, "a second creation", || created.lock().unwrap().len() >= 2).await;
    assert_eq!(uploads.load(Ordering::SeqCst), 1, "uploaded once");
    for body in created.lock().unwrap().iter() {
        assert_eq!(body["customer_confirmation"], json!({"file_token": "tok-1"}), "{body}");
    }
}
