//! The demo parcels against the Support and Tracking simulator itself
//! (through its router, no socket): the claims each one is there to show,
//! and the deflections upstream answers for the others.

use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use base64::Engine as _;
use http_body_util::BodyExt as _;
use parcel_desk_sandbox::{demo, router_with, Credentials, SandboxOptions, Secret, DEMO_PARCELS};
use parcel_desk_wire::time::rfc3339_utc;
use serde_json::{json, Value};
use tower::ServiceExt as _;

fn creds() -> Credentials {
    Credentials { public_key: "sandbox-test".into(), secret_key: Secret::new("sandbox-test-secret") }
}

fn basic() -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode("sandbox-test:sandbox-test-secret"))
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn file(app: &Router, claim_type: &str, body: Value) -> (StatusCode, Value) {
    let req = Request::post(format!("/dsf/tickets/{claim_type}"))
        .header(header::AUTHORIZATION, basic())
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    call(app, req).await
}

async fn tracking(app: &Router, tn: &str) -> Value {
    let req =
        Request::get(format!("/parcels/tracking/{tn}")).header(header::AUTHORIZATION, basic()).body(Body::empty());
    let (status, v) = call(app, req.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{tn}");
    v
}

fn app() -> Router {
    router_with(creds(), SandboxOptions { upstream_limits: false, ..SandboxOptions::default() })
}

/// Upstream's 422 envelope with its deflection words.
fn assert_deflected(status: StatusCode, v: &Value, words: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let e = &v["errors"][0];
    assert_eq!(e["status"], 422, "{v}");
    assert_eq!(e["code"], "unprocessable_content", "{v}");
    assert_eq!(e["detail"], format!("Cannot create ticket. Reason: {words}"), "{v}");
}

#[test]
fn ten_demo_parcels_each_with_a_history_and_a_postal_code() {
    assert_eq!(DEMO_PARCELS.len(), 10);
    let histories = demo::demo_tracking(SystemTime::now());
    for p in DEMO_PARCELS {
        assert!(histories.contains_key(p.tracking_number), "{}", p.tracking_number);
        assert!(
            parcel_desk_sandbox::DEMO_RECIPIENT_POSTAL_CODES.iter().any(|(tn, _)| *tn == p.tracking_number),
            "{}",
            p.tracking_number
        );
        assert_eq!(p.order_number, format!("ORD-{}", &p.tracking_number[p.tracking_number.len() - 4..]));
    }
}

#[tokio::test]
async fn late_parcel_0009_is_late_not_lost_and_files_a_late_delivery_claim() {
    let app = app();
    let p = demo::demo_parcel("PD-OWN-LATE-0009").unwrap();
    assert!(!p.delivered && p.carrier_support_contact);
    assert_eq!((p.carrier, p.order_number), ("dhl", "ORD-0009"));

    let v = tracking(&app, "PD-OWN-LATE-0009").await;
    let three_days_ago = rfc3339_utc(SystemTime::now() - Duration::from_secs(3 * 86_400));
    assert_eq!(v["details"]["expected_delivery_date"], three_days_ago[..10]);
    let events = v["events"].as_array().unwrap();
    assert!(events.iter().all(|e| e["status_code"] != "delivered"));
    let last = events.last().unwrap();
    let one_day_ago = rfc3339_utc(SystemTime::now() - Duration::from_secs(86_400));
    assert_eq!(last["event_at"].as_str().unwrap()[..13], one_day_ago[..13], "{last}");

    let (status, v) = file(
        &app,
        "late-delivery",
        json!({"tracking_number": "PD-OWN-LATE-0009", "additional_remarks": "Three days late"}),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{v}");
    assert!(v["ticket_id"].as_str().is_some_and(|id| id.len() == 36), "{v}");

    let (status, v) = file(&app, "delivered-but-not-received", json!({"tracking_number": "PD-OWN-LATE-0009"})).await;
    assert_deflected(status, &v, "Parcel is not delivered yet");
}

#[tokio::test]
async fn returned_parcel_0010_is_on_its_way_back_and_files_an_unjust_return_claim() {
    let app = app();
    let p = demo::demo_parcel("PD-RETURNED-0010").unwrap();
    assert!(!p.delivered && p.carrier_support_contact);
    assert_eq!((p.carrier, p.order_number), ("postnl", "ORD-0010"));

    let v = tracking(&app, "PD-RETURNED-0010").await;
    let events = v["events"].as_array().unwrap();
    assert!(events.iter().all(|e| e["status_code"] != "delivered"));
    let last = events.last().unwrap();
    assert_eq!(last["status_code"], "in_transit");
    assert_eq!(last["sub_status_code"], "returned_to_sender");
    assert!(last["status_description"].as_str().unwrap().starts_with("Returned to sender"));
    // Only the newest event says so: the rule is "a sub-status starting with
    // `return`", nothing before it matches.
    let returning = events.iter().filter(|e| e["sub_status_code"].as_str().unwrap().starts_with("return")).count();
    assert_eq!(returning, 1);

    let body = json!({
        "tracking_number": "PD-RETURNED-0010",
        "is_parcel_returned": true,
        "additional_details": "The address is right: Spuistraat 12 exists."
    });
    let (status, v) = file(&app, "unjust-return", body).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{v}");
    assert!(v["ticket_id"].as_str().is_some_and(|id| id.len() == 36), "{v}");

    let (status, v) = file(&app, "delivered-but-not-received", json!({"tracking_number": "PD-RETURNED-0010"})).await;
    assert_deflected(status, &v, "Parcel is not delivered yet");
}

#[tokio::test]
async fn no_other_demo_parcel_shows_a_return_or_a_late_delivery() {
    // The two new parcels are the only ones that show these cases, so the
    // demo's other claims stay as they were.
    let app = app();
    for p in DEMO_PARCELS {
        let v = tracking(&app, p.tracking_number).await;
        let returning = v["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["sub_status_code"].as_str().unwrap().starts_with("return"));
        assert_eq!(returning, p.tracking_number == "PD-RETURNED-0010", "{}", p.tracking_number);
    }
}

async fn move_ticket(app: &Router, id: &str, auth: bool, body: &str) -> (StatusCode, Value) {
    let mut req = Request::post(format!("/sandbox/tickets/{id}")).header(header::CONTENT_TYPE, "application/json");
    if auth {
        req = req.header(header::AUTHORIZATION, basic());
    }
    call(app, req.body(Body::from(body.to_owned())).unwrap()).await
}

async fn get(app: &Router, uri: &str) -> (StatusCode, Value) {
    let req = Request::get(uri).header(header::AUTHORIZATION, basic()).body(Body::empty()).unwrap();
    call(app, req).await
}

/// `POST /sandbox/tickets/{id}` moves a ticket as the carrier would: a
/// data request (listed like the seeded ones), then a resolution.
#[tokio::test]
async fn tickets_can_be_moved_as_the_carrier_would() {
    let app = router_with(creds(), SandboxOptions::default());
    let ask = r#"{"status":"action_required","requested":["damage_photo","sales_invoice"]}"#;
    assert_eq!(move_ticket(&app, "1001", false, ask).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(move_ticket(&app, "999999", true, ask).await.0, StatusCode::NOT_FOUND);
    let (status, body) = move_ticket(&app, "1001", true, r#"{"status":"solved","colour":"red"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, t) = move_ticket(&app, "1001", true, ask).await;
    assert_eq!(status, StatusCode::OK, "{t}");
    assert_eq!((t["status"].as_str(), t["stage"].as_str()), (Some("action_required"), Some("action_required")));
    let asked: Vec<&str> =
        t["requested_actions"].as_array().unwrap().iter().map(|a| a["data_type"].as_str().unwrap()).collect();
    assert_eq!(asked, ["damage_photo", "sales_invoice"]);
    let (_, open) = get(&app, "/dsf/tickets/requested-data").await;
    let ids: Vec<i64> = t["requested_actions"].as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    for id in &ids {
        assert!(open["data"].as_array().unwrap().iter().any(|r| r["request_id"] == *id), "request {id} is open");
    }

    let (status, t) = move_ticket(&app, "1001", true, r#"{"status":"claim_paid","outcome":"claim_approved"}"#).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(t["stage"], "manually_solved_stage");
    assert_eq!(t["resolution"]["outcome"], "claim_approved");
    assert_eq!(t["requested_actions"], json!([]));
    let (_, read) = get(&app, "/dsf/tickets/1001").await;
    assert_eq!(read, t, "reads show the move");
    let (_, open) = get(&app, "/dsf/tickets/requested-data").await;
    assert!(open["data"].as_array().unwrap().iter().all(|r| !ids.contains(&r["request_id"].as_i64().unwrap())));
}
