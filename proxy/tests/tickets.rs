//! Issue 4 at the proxy: access tokens, UUID → int resolution, order-number
//! lookups, enumeration, requested data.

mod common;

use common::*;
use parcel_desk_proxy::access::TokenKey;
use parcel_desk_proxy::Secret;
use serde_json::{json, Value};

async fn text(r: reqwest::Response) -> (u16, String) {
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

async fn create(c: &reqwest::Client, s: &Stack, tn: &str) -> (String, String) {
    let r = c
        .post(s.api("/dsf/tickets/lost"))
        .header("content-type", "application/json")
        .body(json!({"tracking_number": tn}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    (v["ticket_id"].as_str().unwrap().to_owned(), v["access_token"].as_str().unwrap().to_owned())
}

/// Upstream's missing-ticket body, as the proxy relays it.
async fn missing_body(c: &reqwest::Client, s: &Stack) -> String {
    let (status, body) =
        text(c.get(s.api("/dsf/tickets/999999")).header("x-ticket-token", token_for("999999")).send().await.unwrap())
            .await;
    assert_eq!(status, 404);
    body
}

#[tokio::test]
async fn uuid_read_before_and_after_resolution() {
    let s = Stack::new(|_| {}).await;
    let c = client();
    let missing = missing_body(&c, &s).await;
    let (uuid, token) = create(&c, &s, "PD-OWN-0003").await;
    let (uuid2, token2) = create(&c, &s, "PD-PORTAL-0005").await;

    // Upstream's ticket not known yet: the pipeline state.
    let r = c.get(s.api(&format!("/dsf/tickets/{uuid}"))).header("x-ticket-token", &token).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!((&v["ticket_id"], &v["pending"]), (&json!(uuid), &json!(true)), "{v}");
    assert!(["received", "filing", "filed"].contains(&v["state"].as_str().unwrap()), "{v}");

    // Without, with another ticket's, a tampered or a foreign-key token: the missing-ticket 404.
    let foreign = TokenKey::new(&Secret::new("some-other-key-0123456789abcdef0123"), 180).issue(&uuid);
    let expired = TokenKey::new(&Secret::new(TOKEN_KEY), 180).issue_until(&uuid, 1);
    let mut tampered = token.clone().into_bytes();
    let i = tampered.len() - 3;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [
        None,
        Some(token2.as_str()),
        Some(tampered.as_str()),
        Some(foreign.as_str()),
        Some(expired.as_str()),
        Some("v1.x.y"),
    ] {
        let mut req = c.get(s.api(&format!("/dsf/tickets/{uuid}")));
        if let Some(t) = bad {
            req = req.header("x-ticket-token", t);
        }
        assert_eq!(text(req.send().await.unwrap()).await, (404, missing.clone()), "{bad:?}");
    }
    // An unknown UUID with a valid token for it: 404 too.
    let stranger = "0e6a4f0c-64a4-4ad3-9d65-2f1fb1b2a9a1";
    let r = c
        .get(s.api(&format!("/dsf/tickets/{stranger}")))
        .header("x-ticket-token", token_for(stranger))
        .send()
        .await
        .unwrap();
    assert_eq!(text(r).await, (404, missing.clone()));

    // Once upstream lists it: the live ticket.
    poll_claim(&c, &s.api(""), &uuid, &token, 15, |status, _| status == 200).await;
    let r = c
        .get(s.api(&format!("/dsf/tickets/{}", uuid.to_uppercase())))
        .header("x-ticket-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let t: parcel_desk_wire::TicketResponse = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(t.order_number.as_deref(), Some("ORD-0003"));
    assert_eq!(t.carrier.as_deref(), Some("postnl"));
    let r = c.get(s.api(&format!("/dsf/tickets/{uuid2}"))).header("x-ticket-token", &token2).send().await.unwrap();
    let t2: parcel_desk_wire::TicketResponse = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(t2.order_number.as_deref(), Some("ORD-0005"));
    assert_ne!(t.id, t2.id);

    // The int id with the UUID's token works; with the other ticket's token it does not.
    let r = c.get(s.api(&format!("/dsf/tickets/{}", t.id))).header("x-ticket-token", &token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = c.get(s.api(&format!("/dsf/tickets/{}", t.id))).header("x-ticket-token", &token2).send().await.unwrap();
    assert_eq!(text(r).await, (404, missing.clone()));
}

#[tokio::test]
async fn order_number_lookups_issue_a_token_and_are_rate_limited() {
    let s = Stack::new(|c| c.limits.lookup_per_minute = 3).await;
    let c = client();
    let missing = missing_body(&c, &s).await;
    let r = c.get(s.api("/dsf/tickets/1002?order_number=%20ord-1002%20")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let token = r.headers()["x-ticket-token"].to_str().unwrap().to_owned();
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["id"], 1002);
    // The token alone reads it now.
    let r = c.get(s.api("/dsf/tickets/1002")).header("x-ticket-token", &token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // ... but not another ticket.
    let r = c.get(s.api("/dsf/tickets/1003")).header("x-ticket-token", &token).send().await.unwrap();
    assert_eq!(text(r).await, (404, missing.clone()));
    // Wrong order number, another ticket's order number, unknown id: the same 404.
    for q in [
        "/dsf/tickets/1002?order_number=ORD-1003",
        "/dsf/tickets/1002?order_number=",
        "/dsf/tickets/424242?order_number=ORD-1002",
    ] {
        assert_eq!(text(c.get(s.api(q)).send().await.unwrap()).await, (404, missing.clone()), "{q}");
    }
    // Fourth lookup in a minute (the blank one is not counted): 429 with Retry-After.
    let r = c.get(s.api("/dsf/tickets/1001?order_number=ORD-1001")).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers()["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert_envelope(&r.text().await.unwrap(), 429, "hit_rate_limit");
    // Unknown query parameters: 400.
    assert_eq!(c.get(s.api("/dsf/tickets/1002?debug=1")).send().await.unwrap().status(), 400);
}

#[tokio::test]
async fn ten_thousand_ids_without_a_token_read_nothing() {
    let s = Stack::new(|c| c.limits.other_per_minute = 0).await;
    let c = client();
    let missing = missing_body(&c, &s).await;
    let mut readable = 0;
    let mut different = 0;
    let ids: Vec<String> = (1..=9_990)
        .map(|i| i.to_string())
        .chain(["0", "-1", "abc", "1002.0", "99999999999999999999"].map(String::from))
        .chain((0..5).map(|_| uuid::Uuid::new_v4().to_string()))
        .collect();
    assert_eq!(ids.len(), 10_000);
    for chunk in ids.chunks(200) {
        let futs = chunk.iter().map(|id| {
            let c = c.clone();
            let url = s.api(&format!("/dsf/tickets/{id}"));
            async move { text(c.get(url).send().await.unwrap()).await }
        });
        for (status, body) in futures_util::future::join_all(futs).await {
            if status == 200 {
                readable += 1;
            }
            if (status, &body) != (404, &missing) {
                different += 1;
            }
        }
    }
    println!("enumeration: 10000 ids, {readable} readable, {different} answers differing from not-found");
    assert_eq!((readable, different), (0, 0));
}

#[tokio::test]
async fn requested_data_is_filtered_to_the_ticket_and_answering_clears_it() {
    let s = Stack::new(|_| {}).await;
    let c = client();
    let rd = |q: &str| s.api(&format!("/dsf/tickets/requested-data?{q}"));

    // No proof of access: the missing-ticket 404.
    let missing = missing_body(&c, &s).await;
    assert_eq!(text(c.get(rd("ticket=1002")).send().await.unwrap()).await, (404, missing.clone()));
    assert_eq!(
        text(c.get(rd("ticket=1002&order_number=ORD-1005")).send().await.unwrap()).await,
        (404, missing.clone())
    );
    assert_eq!(c.get(s.api("/dsf/tickets/requested-data")).send().await.unwrap().status(), 400);

    let r = c.get(s.api("/dsf/tickets/1002?order_number=ORD-1002")).send().await.unwrap();
    let token = r.headers()["x-ticket-token"].to_str().unwrap().to_owned();
    let r = c.get(rd("ticket=1002")).header("x-ticket-token", &token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let list: parcel_desk_wire::requested_data::RequestedDataList =
        serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let ids: Vec<i64> = list.data.iter().map(|r| r.request_id).collect();
    assert_eq!(ids, [301, 302], "only ticket 1002's requests");
    assert_eq!(list.data[0].title, "Sales invoice");
    assert_eq!(list.data[1].data_type.as_str(), "damage_photo");
    // Order number works as proof too.
    let r = c.get(rd("ticket=1002&order_number=ORD-1002")).send().await.unwrap();
    assert_eq!(r.status(), 200);

    let post = |q: String, body: Value, tok: Option<String>| {
        let mut r = c.post(rd(&q)).header("content-type", "application/json").body(body.to_string());
        if let Some(t) = tok {
            r = r.header("x-ticket-token", t);
        }
        r.send()
    };
    // Another ticket's request: 404.
    let r = post("ticket=1002".into(), json!({"request_id": 303, "comment": "x"}), Some(token.clone())).await.unwrap();
    assert_eq!(r.status(), 404);
    // Unknown fields, nothing to say: 400.
    let r = post("ticket=1002".into(), json!({"request_id": 301, "ticket_id": 9}), Some(token.clone())).await.unwrap();
    assert_eq!(r.status(), 400);
    let r = post("ticket=1002".into(), json!({"request_id": 301, "comment": "  "}), Some(token.clone())).await.unwrap();
    assert_eq!(r.status(), 400);
    // Without a token: 404.
    let r = post("ticket=1002".into(), json!({"request_id": 301, "comment": "x"}), None).await.unwrap();
    assert_eq!(r.status(), 404);

    // Answer both: a comment, then a photo.
    let r = post(
        "ticket=1002".into(),
        json!({"request_id": 301, "comment": "Invoice attached to the order email."}),
        Some(token.clone()),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);
    let (ct, body) = multipart("file", Some("damage.jpg"), Some("image/jpeg"), b"\xff\xd8jpeg");
    let r = c.post(s.api("/dsf/files")).header("content-type", ct).body(body).send().await.unwrap();
    let file_token =
        serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap()["file_token"].as_str().unwrap().to_owned();
    let r = post(
        "ticket=1002".into(),
        json!({"request_id": 302, "attachments": [{"file_token": file_token}]}),
        Some(token.clone()),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), 201);

    let r = c.get(rd("ticket=1002")).header("x-ticket-token", &token).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), r#"{"data":[]}"#);
    let r = c.get(s.api("/dsf/tickets/1002")).header("x-ticket-token", &token).send().await.unwrap();
    let t: parcel_desk_wire::TicketResponse = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!((t.status.as_str(), t.stage.as_str()), ("documents_forwarded_to_carrier", "in_progress"));
    assert!(t.requested_actions.is_empty());
    // Ticket 1005's request is still open.
    let r = c.get(rd("ticket=1005")).header("x-ticket-token", token_for("1005")).send().await.unwrap();
    let list: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(list["data"][0]["request_id"], 303);
}
