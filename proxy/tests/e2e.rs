//! End to end: widget-style requests through the proxy to the sandbox,
//! and the sandbox's own rules tested directly.

mod common;

use common::*;
use parcel_desk_proxy::DEMO_PARCELS;
use serde_json::{json, Value};

async fn claim(c: &reqwest::Client, url: &str, body: &Value) -> (u16, String) {
    let r = c.post(url).header("content-type", "application/json").body(body.to_string()).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn upload(c: &reqwest::Client, url: &str, name: &str, ct: &str, data: &[u8]) -> (u16, String) {
    let (content_type, body) = multipart("file", Some(name), Some(ct), data);
    let r = c.post(url).header("content-type", content_type).body(body).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn json<T: serde::de::DeserializeOwned>(r: reqwest::Response) -> T {
    serde_json::from_slice(&r.bytes().await.unwrap()).unwrap()
}

fn is_uuid_v4(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok_and(|u| u.get_version_num() == 4)
}

#[tokio::test]
async fn lost_claims_for_every_demo_parcel() {
    let s = Stack::new(|_| {}).await;
    let c = client();
    let lost = s.api("/dsf/tickets/lost");

    // Own contract with a support contact: only the tracking number.
    let (status, body) = claim(&c, &lost, &json!({"tracking_number": "PD-OWN-0003"})).await;
    assert_eq!(status, 202, "{body}");
    let id: Value = serde_json::from_str(&body).unwrap();
    assert!(is_uuid_v4(id["ticket_id"].as_str().unwrap()), "{body}");

    // Sendcloud rates with only the tracking number: accepted, then refused
    // upstream with every missing field named.
    let api = s.api("");
    let route = "/dsf/tickets/lost";
    let (state, reason) = settle_claim(&c, &api, route, None, &json!({"tracking_number": "PD-TRANSIT-0001"})).await;
    assert_eq!(state, "needs_attention");
    let missing: Vec<&str> = reason.split("; ").map(|i| i.split(':').next().unwrap()).collect();
    assert_eq!(
        missing,
        [
            "contents_sales_price",
            "contents_description",
            "parcel_exterior_description",
            "parcel_dimensions",
            "additional_remarks",
            "sales_invoice",
            "purchase_invoice",
            "customer_confirmation",
            "carrier_claim_form"
        ]
    );

    // ... and with everything, documents uploaded through the proxy first.
    let files = s.api("/dsf/files");
    let mut tokens = Vec::new();
    for (name, ct) in [
        ("sales.pdf", "application/pdf"),
        ("purchase.pdf", "application/pdf"),
        ("confirmation.jpg", "image/jpeg"),
        ("form.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ] {
        let (status, body) = upload(&c, &files, name, ct, b"document bytes").await;
        assert_eq!(status, 201, "{body}");
        let token = serde_json::from_str::<Value>(&body).unwrap()["file_token"].as_str().unwrap().to_owned();
        let hex: String = ct.bytes().map(|b| format!("{b:02x}")).collect();
        assert!(token.ends_with(&format!("-{hex}")) && is_uuid_v4(&token[..36]), "{token}");
        tokens.push(token);
    }
    let full = json!({
        "tracking_number": "PD-TRANSIT-0001",
        "contents_sales_price": {"price": 10.55, "currency": "EUR"},
        "contents_purchase_price": {"price": 8, "currency": "EUR"},
        "contents_description": "3 t-shirts and 1 pair of shoes",
        "parcel_exterior_description": "Brown box with our branding",
        "parcel_dimensions": {"length": 30, "width": 20, "height": 10},
        "additional_remarks": "Customer waited two weeks",
        "sales_invoice": {"file_token": tokens[0]},
        "purchase_invoice": {"file_token": tokens[1]},
        "customer_confirmation": {"file_token": tokens[2]},
        "carrier_claim_form": {"file_token": tokens[3]},
    });
    assert_eq!(settle_claim(&c, &api, route, None, &full).await.0, "filed");

    // A token the sandbox never issued.
    let mut forged = full.clone();
    forged["sales_invoice"]["file_token"] =
        json!("b90e7a70-57c6-4338-992a-eae50d637261-6170706c69636174696f6e2f706466");
    let (state, reason) = settle_claim(&c, &api, route, None, &forged).await;
    assert_eq!(state, "needs_attention");
    assert!(reason.contains("sales_invoice"), "{reason}");

    let refused = [
        ("PD-DELIVERED-0002", "Cannot create ticket. Reason: Parcel is already delivered"),
        ("PD-OWN-NOCONTACT-0004", "Carrier support contact is required for own contract parcel"),
        ("NOPE-404", "Parcel not found."),
    ];
    for (tn, why) in refused {
        let (state, reason) = settle_claim(&c, &api, route, None, &json!({"tracking_number": tn})).await;
        assert_eq!((state.as_str(), reason.as_str()), ("needs_attention", why));
    }

    // Portal claims: Colissimo yes, others refused upstream.
    let portal = "/dsf/tickets/lost?is_portal_claim=true";
    let (state, _) = settle_claim(&c, &api, portal, None, &json!({"tracking_number": "PD-PORTAL-0005"})).await;
    assert_eq!(state, "filed");
    let (state, reason) = settle_claim(&c, &api, portal, None, &json!({"tracking_number": "PD-OWN-0003"})).await;
    assert_eq!(state, "needs_attention");
    assert!(reason.contains("Portal claims are not supported"), "{reason}");

    // Invalid JSON: upstream's 406.
    let r =
        c.post(&lost).header("content-type", "application/json").body("{\"tracking_number\": ").send().await.unwrap();
    assert_eq!(r.status(), 406);
    assert_eq!(assert_envelope(&r.text().await.unwrap(), 406, "not_acceptable"), "Invalid JSON");

    // The created tickets are readable by their int id (UUID on create, int on read).
    let r = c.get(s.api("/dsf/tickets/2001?order_number=ord-0003")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let t: parcel_desk_wire::TicketResponse = json(r).await;
    assert_eq!((t.id, t.status.as_str(), t.stage.as_str()), (2001, "pending", "in_progress"));
    assert_eq!(t.carrier.as_deref(), Some("postnl"));
    assert_eq!(t.ticket_type.unwrap().as_str(), "lost");
    assert!(t.requested_actions.is_empty());
    assert!(t.created_at.ends_with("+00:00") && t.created_at.len() == 25, "{}", t.created_at);
    assert_eq!(DEMO_PARCELS.len(), 10);
}

#[tokio::test]
async fn seeded_tickets_and_missing_tickets() {
    let s = Stack::new(|_| {}).await;
    let c = client();
    let r = c.get(s.api("/dsf/tickets/1003?order_number=ORD-1003")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = json(r).await;
    assert_eq!(v["status"], "claim_paid");
    assert_eq!(v["stage"], "manually_solved_stage");
    assert_eq!(v["resolution"]["outcome"], "claim_approved");
    assert_eq!(v["resolution"]["amount"], 49.95);
    assert_eq!(v["resolution"]["currency"], "EUR");
    assert!(v["resolution"]["solved_at"].is_string());
    assert!(v["order_number"].is_string());

    let t: parcel_desk_wire::TicketResponse =
        json(c.get(s.api("/dsf/tickets/1002?order_number=ORD-1002")).send().await.unwrap()).await;
    assert_eq!(t.status.as_str(), "action_required");
    assert_eq!(t.order_number.as_deref(), Some("ORD-1002"));
    let kinds: Vec<&str> = t.requested_actions.iter().map(|a| a.data_type.as_str()).collect();
    assert_eq!(kinds, ["sales_invoice", "damage_photo"]);
    let t: parcel_desk_wire::TicketResponse =
        json(c.get(s.api("/dsf/tickets/1004")).header("x-ticket-token", token_for("1004")).send().await.unwrap()).await;
    assert_eq!(t.resolution.unwrap().outcome.as_str(), "delivered");
    let t: parcel_desk_wire::TicketResponse =
        json(c.get(s.api("/dsf/tickets/1001?order_number=ORD-1001")).send().await.unwrap()).await;
    assert_eq!((t.status.as_str(), t.stage.as_str()), ("pending", "in_progress"));

    // Missing upstream and malformed at the proxy look the same.
    let missing =
        c.get(s.api("/dsf/tickets/999999")).header("x-ticket-token", token_for("999999")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let missing = missing.text().await.unwrap();
    let malformed = c.get(s.api("/dsf/tickets/12ab")).send().await.unwrap();
    assert_eq!(malformed.status(), 404);
    assert_eq!(malformed.text().await.unwrap(), missing);
    assert_eq!(
        serde_json::from_str::<Value>(&missing).unwrap(),
        json!({"errors":[{"code":"bad_request","detail":"Ticket not found","title":"Bad Request","status":404}]})
    );
}

#[tokio::test]
async fn sandbox_upload_rules() {
    let s = Stack::new(|_| {}).await;
    let c = client();
    let files = s.api("/dsf/files");
    let (status, body) = upload(&c, &files, "setup.exe", "application/x-msdownload", b"MZ").await;
    assert_eq!(status, 415);
    assert_envelope(&body, 415, "unsupported_media_type");
    let (status, body) = upload(&c, &files, "photo.jpg", "image/jpeg", &vec![0u8; 6_000_001]).await;
    assert_eq!(status, 413);
    assert_envelope(&body, 413, "content_too_large");
    let (status, _) = upload(&c, &files, "photo.jpg", "image/jpeg", &vec![0u8; 6_000_000]).await;
    assert_eq!(status, 201);

    // Part rules: named `file`, with filename and Content-Type, exactly one.
    for (name, filename, ct) in [
        ("attachment", Some("a.pdf"), Some("application/pdf")),
        ("file", None, Some("application/pdf")),
        ("file", Some("a.pdf"), None),
    ] {
        let (content_type, body) = multipart(name, filename, ct, b"x");
        let r = c.post(&files).header("content-type", content_type).body(body).send().await.unwrap();
        assert_eq!(r.status(), 400, "{name} {filename:?} {ct:?}");
        assert_envelope(&r.text().await.unwrap(), 400, "bad_request");
    }
    let (content_type, mut body) = multipart("file", Some("a.pdf"), Some("application/pdf"), b"x");
    let boundary = content_type.split("boundary=").nth(1).unwrap().to_owned();
    body.truncate(body.len() - format!("--{boundary}--\r\n").len());
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.pdf\"\r\nContent-Type: application/pdf\r\n\r\ny\r\n--{boundary}--\r\n").as_bytes());
    let r = c.post(&files).header("content-type", content_type).body(body).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn sandbox_auth_and_rate_limits_directly() {
    let sb = sandbox().await;
    let c = client();
    let lost = format!("{}/dsf/tickets/lost", sb.url());
    let auth = basic(PUBLIC, SECRET);

    let r = c.post(&lost).body(r#"{"tracking_number":"PD-OWN-0003"}"#).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_envelope(&r.text().await.unwrap(), 401, "unauthorized");
    let r = c
        .get(format!("{}/dsf/tickets/1001", sb.url()))
        .header("authorization", basic(PUBLIC, "wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);

    for i in 0..16 {
        let r = c
            .post(&lost)
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .body(r#"{"tracking_number":"PD-OWN-0003"}"#)
            .send()
            .await
            .unwrap();
        if i < 15 {
            assert_eq!(r.status(), 202, "create {i}");
        } else {
            assert_eq!(r.status(), 429);
            let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=60).contains(&retry));
            assert_eq!(
                assert_envelope(&r.text().await.unwrap(), 429, "hit_rate_limit"),
                "Rate limit exceeded: 15 per 1 minute"
            );
        }
    }
    for i in 0..31 {
        let r = c.get(format!("{}/dsf/tickets/1001", sb.url())).header("authorization", &auth).send().await.unwrap();
        if i < 30 {
            assert_eq!(r.status(), 200, "read {i}");
        } else {
            assert_eq!(r.status(), 429);
            assert!(r.headers().contains_key("retry-after"));
            assert_eq!(
                assert_envelope(&r.text().await.unwrap(), 429, "hit_rate_limit"),
                "Rate limit exceeded: 30 per 1 minute"
            );
        }
    }
    let r = c.get(format!("{}/v2/user", sb.url())).header("authorization", &auth).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert_envelope(&r.text().await.unwrap(), 404, "not_found");
    let r = c.delete(&lost).header("authorization", &auth).send().await.unwrap();
    assert_eq!(r.status(), 404);

    // With the sandbox's creation limit used up, a claim through the proxy
    // is still accepted: the worker waits out upstream's Retry-After.
    let p = proxy_to(&sb.url(), |_| {}).await;
    let r = c
        .post(format!("{}/api/dsf/tickets/lost", p.proxy.url()))
        .header("content-type", "application/json")
        .body(r#"{"tracking_number":"PD-OWN-0003"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let (id, token) = (v["ticket_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    let api = format!("{}/api", p.proxy.url());
    let (_, v) = poll_claim(&c, &api, id, token, 5, |s, v| claim_state(s, v) == "queued").await;
    assert_eq!(v["pending"], true);
}
