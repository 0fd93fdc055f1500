//! How many of the sandbox's demo claims file without any staff action:
//! one claim per demo parcel and claim type it allows (nine), filed by a
//! customer with the order number and e-mail address, against the sandbox
//! with the shop's order source (`orders.url`) and without one (no parcel
//! kind configured either: the shop's part is unknown). Printed for the
//! README and the notes; asserted so that a change shows.

mod common;

use common::*;
use parcel_desk_proxy::{Config, SandboxOptions};
use parcel_desk_sandbox::demo::orders::DEMO_ORDER_EMAIL;
use serde_json::{json, Value};

/// (claim type, tracking number, order number)
const DEMO_CLAIMS: &[(&str, &str, &str)] = &[
    ("lost", "PD-TRANSIT-0001", "ORD-0001"),
    ("delivered-but-not-received", "PD-DELIVERED-0002", "ORD-0002"),
    ("lost", "PD-OWN-0003", "ORD-0003"),
    ("damage", "PD-OWN-0003", "ORD-0003"),
    ("address-change", "PD-OWN-0003", "ORD-0003"),
    ("other", "PD-OWN-0003", "ORD-0003"),
    ("delivered-but-not-received", "PD-OWN-DELIVERED-0008", "ORD-0008"),
    ("late-delivery", "PD-OWN-LATE-0009", "ORD-0009"),
    ("unjust-return", "PD-RETURNED-0010", "ORD-0010"),
];

async fn upload(c: &reqwest::Client, api: &str) -> String {
    let (ct, body) = multipart("file", Some("damage.jpg"), Some("image/jpeg"), b"\xff\xd8\xff photo");
    let r = c.post(format!("{api}/dsf/files")).header("content-type", ct).body(body).send().await.unwrap();
    assert_eq!(r.status(), 201);
    serde_json::from_str::<Value>(&r.text().await.unwrap()).unwrap()["file_token"].as_str().unwrap().to_owned()
}

async fn claim_body(c: &reqwest::Client, api: &str, (kind, tracking, order): (&str, &str, &str)) -> Value {
    let mut body = json!({
        "claim_type": kind,
        "tracking_number": tracking,
        "order_number": order,
        "email": DEMO_ORDER_EMAIL,
        "name": "Ann Example",
        "remarks": "Please help.",
    });
    match kind {
        "lost" | "delivered-but-not-received" => {
            body["contents"] = json!("A kettle");
            body["declaration"] = json!({"accepted": true, "signed_name": "Ann Example"});
        }
        "damage" => {
            body["contents"] = json!("A kettle");
            body["photos"] = json!([{"file_token": upload(c, api).await, "role": "damage"}]);
        }
        "address-change" => {
            body["new_address"] = json!("Ann Example, Damrak 1, 1011 AB Amsterdam, NL");
        }
        "other" => body["subject"] = json!("Something is missing"),
        _ => {}
    }
    body
}

/// Files the nine demo claims; how many filed without staff, and the
/// states of the others.
async fn file_all(with_orders: bool, own_contract: bool) -> (usize, Vec<String>) {
    let (stack, _) = orders_stack(SandboxOptions::default(), |c: &mut Config| {
        c.claims.parcel_kind = own_contract.then_some(parcel_desk_wire::ParcelKind::OwnContract);
        if own_contract {
            c.claims.carrier_contract_id = Some(parcel_desk_sandbox::demo::orders::DEMO_CARRIER_CONTRACT_ID);
        }
        if !with_orders {
            c.orders.url = None;
        }
    })
    .await;
    let (c, api) = (client(), stack.api(""));
    let mut filed = 0;
    let mut waiting = Vec::new();
    for &demo in DEMO_CLAIMS {
        let body = claim_body(&c, &api, demo).await;
        let r = c
            .post(format!("{api}/claims"))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        assert_eq!(status, 202, "{demo:?}: {v}");
        let (id, token) = (v["claim_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
        let (st, ticket) = poll_claim(&c, &api, id, token, 30, |st, b| {
            let state = claim_state(st, b);
            state != "received" && state != "queued" && state != "filing"
        })
        .await;
        match claim_state(st, &ticket).as_str() {
            "filed" => filed += 1,
            other => {
                waiting.push(format!("{} {}: {other} ({})", demo.0, demo.1, ticket["reason"].as_str().unwrap_or("")))
            }
        }
    }
    (filed, waiting)
}

#[tokio::test]
async fn demo_claims_file_without_staff_with_an_order_source() {
    let (filed, waiting) = file_all(true, false).await;
    println!(
        "with an order source: {filed} of {} demo claims filed without staff; waiting: {waiting:?}",
        DEMO_CLAIMS.len()
    );
    assert_eq!(filed, DEMO_CLAIMS.len(), "{waiting:?}");
}

#[tokio::test]
async fn without_an_order_source_every_demo_claim_waits_for_the_shop() {
    let (filed, waiting) = file_all(false, false).await;
    println!(
        "without an order source: {filed} of {} demo claims filed without staff; waiting: {waiting:?}",
        DEMO_CLAIMS.len()
    );
    assert_eq!(filed, 0);
    assert!(waiting.iter().all(|w| w.contains(": with_shop (")), "{waiting:?}");
}

/// A shop that ships everything on its own carrier contract and says so
/// (`claims.parcel_kind`, `claims.carrier_contract_id`), without an order
/// source: its own-contract parcels file; the two demo parcels that went
/// on Sendcloud rates are filed as own-contract ones and upstream refuses
/// them (a shop with both kinds needs the order source or staff).
#[tokio::test]
async fn an_own_contract_shop_without_an_order_source() {
    let (filed, waiting) = file_all(false, true).await;
    println!("own contract configured, no order source: {filed} of {} demo claims filed without staff; not filed: {waiting:?}", DEMO_CLAIMS.len());
    assert_eq!(filed, DEMO_CLAIMS.len() - 2, "{waiting:?}");
}
