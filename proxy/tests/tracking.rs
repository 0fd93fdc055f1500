//! Issue 4 at the proxy: tracking with personal data removed, claim
//! eligibility, path probes, and the staff-only registration route.

mod common;

use common::*;
use parcel_desk_sandbox::DEMO_RECIPIENT_POSTAL_CODES;
use parcel_desk_wire::tracking::{ParcelTrackingResponse, PERSONAL_ADDRESS_FIELDS};
use serde_json::{json, Value};

const STAFF: &str = "staff-token-0123456789abcdef";

async fn track(c: &reqwest::Client, s: &Stack, tn: &str, postal: Option<&str>) -> (u16, String) {
    let mut url = s.api(&format!("/parcels/tracking/{tn}"));
    if let Some(p) = postal {
        url.push_str(&format!("?postal_code={}", p.replace(' ', "+")));
    }
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Every personal value (longer than 3 characters) of both addresses.
fn personal_values(full: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for side in ["from_address", "to_address"] {
        for f in PERSONAL_ADDRESS_FIELDS {
            if let Some(v) = full[side][*f].as_str().filter(|v| v.len() > 3) {
                out.push(v.to_owned());
            }
        }
    }
    out
}

#[tokio::test]
async fn personal_data_only_with_the_recipients_postal_code() {
    let s = Stack::new(|_| {}).await;
    let c = client();
    let mut checked_fields = 0;
    for (tn, postal) in DEMO_RECIPIENT_POSTAL_CODES {
        let (status, full) = track(&c, &s, tn, Some(&postal.to_lowercase().replace(' ', ""))).await;
        assert_eq!(status, 200, "{tn}");
        let full: Value = serde_json::from_str(&full).unwrap();
        assert_eq!(full["to_address"]["postal_code"], *postal, "kept with the right postal code");
        assert!(full["to_address"]["name"].is_string() && full["from_address"]["email"].is_string());
        let secrets = personal_values(&full);
        assert!(secrets.len() >= 12, "{tn}: {secrets:?}");
        for postal_given in [None, Some("9999 ZZ"), Some("")] {
            let (status, body) = track(&c, &s, tn, postal_given).await;
            assert_eq!(status, 200);
            for secret in &secrets {
                assert!(!body.contains(secret.as_str()), "{tn} {postal_given:?}: {secret} leaked");
            }
            let v: Value = serde_json::from_str(&body).unwrap();
            for side in ["from_address", "to_address"] {
                let keys: Vec<&String> = v[side].as_object().unwrap().keys().collect();
                assert!(keys.iter().all(|k| *k == "country_code" || *k == "city"), "{tn} {side}: {keys:?}");
                for f in PERSONAL_ADDRESS_FIELDS {
                    assert!(v[side].get(*f).is_none(), "{tn} {side}.{f}");
                    checked_fields += 1;
                }
            }
            assert!(!v["events"].as_array().unwrap().is_empty());
            let typed: ParcelTrackingResponse = serde_json::from_value(v).unwrap();
            assert!(typed.parcel_desk.is_some());
        }
    }
    println!(
        "PII: {} parcels x 3 stripped answers, {checked_fields} address fields checked absent",
        DEMO_RECIPIENT_POSTAL_CODES.len()
    );
}

#[tokio::test]
async fn lost_claim_eligibility_and_not_found() {
    let s = Stack::new(|_| {}).await;
    let c = client();
    for (tn, eligible, reason) in [
        ("PD-TRANSIT-0001", true, Value::Null),
        ("PD-DELIVERED-0002", false, json!("delivered")),
        ("PD-OWN-0003", true, Value::Null),
        ("PD-OWN-NOCONTACT-0004", false, json!("too_recent")),
        ("PD-PORTAL-0005", true, Value::Null),
        ("PD-RECENT-0006", false, json!("too_recent")),
        ("PD-EXCEPTION-0007", false, json!("too_recent")),
        ("PD-OWN-DELIVERED-0008", false, json!("delivered")),
        ("PD-OWN-LATE-0009", false, json!("too_recent")),
        ("PD-RETURNED-0010", false, json!("too_recent")),
    ] {
        let (status, body) = track(&c, &s, tn, None).await;
        assert_eq!(status, 200);
        let v: Value = serde_json::from_str(&body).unwrap();
        let lost = &v["parcel_desk"]["lost_claim"];
        assert_eq!(lost["eligible"], eligible, "{tn}");
        assert_eq!(lost["reason"], reason, "{tn}");
        assert_eq!(lost["eligible_from"].is_null(), tn.contains("DELIVERED"), "{tn}");
    }
    // Statuses across the demo parcels cover the normalized phases but one.
    let mut codes = std::collections::BTreeSet::new();
    for (tn, _) in DEMO_RECIPIENT_POSTAL_CODES {
        let v: Value = serde_json::from_str(&track(&c, &s, tn, None).await.1).unwrap();
        for e in v["events"].as_array().unwrap() {
            codes.insert(e["status_code"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(codes.len(), 17, "{codes:?}");
    assert!(!codes.contains("delivery_forced"));

    // Unknown: upstream's 404 as is.
    assert_eq!(track(&c, &s, "PD-NOPE-9999", None).await, (404, r#"{"detail":"Parcel does not exist"}"#.to_owned()));
    // A longer window in config: nothing eligible.
    let s2 = Stack::new(|c| c.claims.lost_after_days = 30).await;
    let v: Value = serde_json::from_str(&track(&c, &s2, "PD-TRANSIT-0001", None).await.1).unwrap();
    assert_eq!(v["parcel_desk"]["lost_claim"]["reason"], "too_recent");
}

#[tokio::test]
async fn tracking_path_probes_are_404() {
    let s = Stack::new(|_| {}).await;
    let addr = s.proxy.proxy.addr();
    for target in [
        "/api/parcels/tracking/../../v2/user",
        "/api/parcels/tracking/..%2F..%2Fv2%2Fuser",
        "/api/parcels/tracking/PD%2FTRANSIT",
        "/api/parcels/tracking/%2e%2e",
        "/api/parcels/tracking/PD-TRANSIT-0001/events",
        "/api/parcels/tracking/PD%5CTRANSIT",
        "/api/parcels/tracking/PD%0ATRANSIT",
        "/api/parcels/tracking/PD%7FTRANSIT",
        "/api/parcels/tracking/PD%ZZ",
        "/api/parcels/tracking/PD%C3%28",
        &format!("/api/parcels/tracking/{}", "A".repeat(256)),
        &format!("/api/parcels/tracking/{}", "%C3%9C".repeat(256)),
    ] {
        let r = raw(addr, "GET", target, &[], b"").await;
        assert_eq!(r.status, 404, "{target}");
        assert_envelope(&r.body, 404, "not_found");
    }
    // The spec's 1–255 characters, any of them but `/`, `\` and controls:
    // these reach the tracking API, which does not know them (its own 404).
    for target in [
        "/api/parcels/tracking/PD_TRANSIT",
        "/api/parcels/tracking/1Z%20999%20AA1",
        "/api/parcels/tracking/%C3%9Cber-0001",
        "/api/parcels/tracking/has.dot",
        &format!("/api/parcels/tracking/{}", "A".repeat(255)),
        &format!("/api/parcels/tracking/{}", "%C3%9C".repeat(255)),
    ] {
        let r = raw(addr, "GET", target, &[], b"").await;
        assert_eq!(r.status, 404, "{target}");
        assert!(r.body.contains("Parcel does not exist"), "{target}: {}", r.body);
    }
    let r = raw(addr, "GET", "/api/parcels/tracking/PD-TRANSIT-0001?postal_code=1&x=2", &[], b"").await;
    assert_eq!(r.status, 400);
}

fn register_body(tn: &str) -> Value {
    json!({
        "announced_at": "2026-03-01T10:00:00Z",
        "from_address": {"name": "Sanne de Vries", "country_code": "NL", "postal_code": "5611 ET", "city": "Eindhoven"},
        "to_address": {"name": "Noor Hendriks", "email": "noor@mail.example", "address_line_1": "Lijnbaansgracht", "house_number": "8", "country_code": "NL", "postal_code": "1017 AB", "city": "Amsterdam"},
        "ship_with": {"type": "contract", "properties": {"contract_id": 517}},
        "shipment": {"source_id": "shipment-1", "order": {"source_id": "order-1", "order_number": "ORD-EXT-1"}},
        "source_id": "ext-1",
        "tracking_number": {"carrier_code": "postnl", "tracking_number": tn}
    })
}

#[tokio::test]
async fn staff_route_hidden_without_config_and_guarded_with_it() {
    let c = client();
    let plain = Stack::new(|_| {}).await;
    let body = register_body("3SEXT000001").to_string();
    for auth in [None, Some(format!("Bearer {STAFF}"))] {
        let mut r =
            c.post(plain.api("/parcels/tracking")).header("content-type", "application/json").body(body.clone());
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        let r = r.send().await.unwrap();
        assert_eq!(r.status(), 404);
        assert_envelope(&r.text().await.unwrap(), 404, "not_found");
    }

    let s = Stack::new(|c| c.staff.token = Some(parcel_desk_proxy::Secret::new(STAFF))).await;
    let post = |auth: Option<String>, body: String| {
        let mut r = c.post(s.api("/parcels/tracking")).header("content-type", "application/json").body(body);
        if let Some(a) = auth {
            r = r.header("authorization", a);
        }
        r.send()
    };
    // No header: like any unknown route.
    let r = post(None, body.clone()).await.unwrap();
    assert_eq!(r.status(), 404);
    assert_envelope(&r.text().await.unwrap(), 404, "not_found");
    // Wrong token, a customer's ticket token, Basic: 401.
    let (uuid_token, _) = {
        let r = c
            .post(s.api("/dsf/tickets/lost"))
            .header("content-type", "application/json")
            .body(r#"{"tracking_number":"PD-OWN-0003"}"#)
            .send()
            .await
            .unwrap();
        let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
        (v["access_token"].as_str().unwrap().to_owned(), ())
    };
    for bad in [format!("Bearer {STAFF}x"), format!("Bearer {uuid_token}"), basic(PUBLIC, SECRET), "Bearer".into()] {
        let r = post(Some(bad.clone()), body.clone()).await.unwrap();
        assert_eq!(r.status(), 401, "{bad}");
        assert_envelope(&r.text().await.unwrap(), 401, "unauthorized");
    }
    // Missing fields: 400 naming each.
    let mut incomplete = register_body("3SEXT000001");
    incomplete.as_object_mut().unwrap().remove("shipment");
    incomplete["to_address"].as_object_mut().unwrap().remove("postal_code");
    let r = post(Some(format!("Bearer {STAFF}")), incomplete.to_string()).await.unwrap();
    assert_eq!(r.status(), 400);
    let detail = assert_envelope(&r.text().await.unwrap(), 400, "bad_request");
    let locs: Vec<String> =
        parcel_desk_wire::parse_validation_detail(&detail).iter().map(|i| i.loc.join(".")).collect();
    assert_eq!(locs, ["to_address.postal_code", "shipment"]);

    // The right token: registered (the spec's 200), then trackable and claimable.
    let r = post(Some(format!("Bearer {STAFF}")), body.clone()).await.unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    assert_eq!(v["tracking_numbers"][0]["tracking_number"], "3SEXT000001");
    let r = post(Some(format!("Bearer {STAFF}")), body.clone()).await.unwrap();
    assert_eq!(r.status(), 409, "already exists");
    let r = c.get(s.api("/parcels/tracking/3SEXT000001")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert!(
        !text.contains("Noor Hendriks") && !text.contains("noor@mail.example") && !text.contains("Lijnbaansgracht")
    );
    let r = c.get(s.api("/parcels/tracking/3SEXT000001?postal_code=1017ab")).send().await.unwrap();
    assert!(r.text().await.unwrap().contains("Noor Hendriks"));
    let r = c
        .post(s.api("/dsf/tickets/lost"))
        .header("content-type", "application/json")
        .body(r#"{"tracking_number":"3SEXT000001"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    // Preflight for the staff route allows Authorization once configured.
    let _ = uuid_token;
}
