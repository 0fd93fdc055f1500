//! JTL-SCX channel tickets over real HTTP on loopback: the proxy in front
//! of the JTL-SCX simulator (`parcel_desk_sandbox::jtl`).

mod common;

use std::num::NonZeroU64;
use std::path::Path;
use std::time::Duration;

use common::*;
use parcel_desk_proxy::jtl::{Jtl, JtlConfig};
use parcel_desk_proxy::{serve, Config, Running, Secret, Server};
use parcel_desk_sandbox::jtl::{self as sandbox, SimHandle, SimSettings};
use serde_json::{json, Value};

const REFRESH: &str = "rt-test-refresh-token-0815";

async fn start_sim(tweak: impl FnOnce(&mut SimSettings)) -> (Server, SimHandle) {
    let mut s = SimSettings::new(Secret::new(REFRESH));
    tweak(&mut s);
    let (router, handle) = sandbox::router(s);
    let listener = tokio::net::TcpListener::bind(loopback()).await.unwrap();
    (serve(listener, router).unwrap(), handle)
}

fn jtl_config(sim: &Server) -> JtlConfig {
    JtlConfig {
        base_url: sim.url().parse().unwrap(),
        refresh_token: Secret::new(REFRESH),
        seller_id: "4711".into(),
        poll_secs: NonZeroU64::new(3600),
        retry_backoff: Duration::from_millis(20),
        ..JtlConfig::default()
    }
}

struct Env {
    sim: Server,
    handle: SimHandle,
    proxy: Running,
}

impl Env {
    async fn new(sim_tweak: impl FnOnce(&mut SimSettings), tweak: impl FnOnce(&mut Config)) -> Env {
        let (sim, handle) = start_sim(sim_tweak).await;
        let jtl = jtl_config(&sim);
        let proxy = proxy_to("http://127.0.0.1:9", move |c| {
            c.jtl = jtl;
            tweak(c);
        })
        .await;
        Env { sim, handle, proxy }
    }
    fn api(&self, path: &str) -> String {
        format!("{}/api{path}", self.proxy.proxy.url())
    }
}

fn body(extra: Value) -> Value {
    let mut b = json!({
        "topic": "QUESTION",
        "buyer_name": "Dave",
        "subject": "Pod bay door seems to be locked.",
        "message": "Open the pod bay doors HAL.",
        "order_reference": {"type": "ORDERID", "value": "19820701"},
        "reply_wanted": true,
        "attachments": []
    });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

async fn jv(r: reqwest::Response) -> Value {
    let t = r.text().await.unwrap();
    serde_json::from_str(&t).unwrap_or_else(|e| panic!("not JSON ({e}): {t}"))
}

async fn post_json(url: &str, b: &Value) -> (u16, String) {
    let r = client()
        .post(url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(b).unwrap())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn upload(env: &Env, name: &str, ct: &str, data: &[u8]) -> (u16, String) {
    let (ctype, b) = multipart("file", Some(name), Some(ct), data);
    let r = client()
        .post(env.api("/channel/ticket/attachment-upload"))
        .header("content-type", ctype)
        .body(b)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn token_for(env: &Env, name: &str, ct: &str) -> String {
    let (s, t) = upload(env, name, ct, b"%PDF-1.4 test file").await;
    assert_eq!(s, 201, "{t}");
    serde_json::from_str::<Value>(&t).unwrap()["file_token"].as_str().unwrap().to_owned()
}

fn issue_fields(detail: &str) -> Vec<String> {
    parcel_desk_wire::parse_validation_detail(detail).iter().map(|i| i.loc.join(".")).collect()
}

#[tokio::test]
async fn field_rules_are_enforced_and_the_seller_id_comes_from_config() {
    let env = Env::new(|_| {}, |_| {}).await;
    let url = env.api("/channel/ticket");

    let (s, t) = post_json(&url, &json!({})).await;
    let d = assert_envelope(&t, 400, "bad_request");
    assert!(d.starts_with("Validation Error. Errors: [{'type': 'missing', 'loc': ('topic',)"), "{d}");
    assert_eq!(s, 400);
    assert_eq!(issue_fields(&d), ["topic", "buyer_name", "subject", "message"]);

    let (_, t) =
        post_json(&url, &body(json!({"subject": "x".repeat(1025), "message": "", "buyer_name": "n".repeat(1024)})))
            .await;
    let d = assert_envelope(&t, 400, "bad_request");
    assert_eq!(issue_fields(&d), ["subject", "message"]);

    let eleven: Vec<Value> =
        (0..11).map(|i| json!({"file_token": format!("jtlf_{i:032x}"), "filename": format!("{i}.pdf")})).collect();
    let (_, t) = post_json(&url, &body(json!({"attachments": eleven}))).await;
    assert_eq!(issue_fields(&assert_envelope(&t, 400, "bad_request")), ["attachments"]);

    let (_, t) = post_json(
        &url,
        &body(json!({"attachments": [{"file_token": "jtlf_00000000000000000000000000000000", "filename": "a.pdf"}]})),
    )
    .await;
    assert_eq!(issue_fields(&assert_envelope(&t, 400, "bad_request")), ["attachments.0.file_token"]);

    let (_, t) =
        post_json(&url, &body(json!({"order_reference": {"type": "SKU", "value": "1"}, "topic": "SPAM"}))).await;
    assert_eq!(issue_fields(&assert_envelope(&t, 400, "bad_request")), ["topic", "order_reference.type"]);

    // The browser cannot choose the seller: an unknown field, refused by name.
    for key in ["sellerId", "seller_id"] {
        let (_, t) = post_json(&url, &body(json!({key: "EVIL"}))).await;
        let d = assert_envelope(&t, 400, "bad_request");
        assert_eq!(issue_fields(&d), [key]);
        assert!(d.contains("extra_forbidden"), "{d}");
    }
    assert!(env.handle.tickets().is_empty(), "nothing invalid reached JTL");

    let r = client().post(&url).header("content-type", "text/plain").body("{}").send().await.unwrap();
    assert_eq!(r.status(), 415);
    let (s, t) = {
        let r = client().post(&url).header("content-type", "application/json").body("{nope").send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    };
    assert_eq!(s, 406, "{t}");
    let r =
        client().post(&url).header("content-type", "application/json").body(vec![b' '; 70_000]).send().await.unwrap();
    assert_eq!(r.status(), 413);

    // A valid one: sellerId, ticketId, createdAt, from.role filled in by the proxy.
    let (s, t) = post_json(
        &url,
        &body(json!({"reply_wanted": false, "order_reference": {"type": "CHANNELOFFER", "value": "X1"}})),
    )
    .await;
    assert_eq!(s, 201, "{t}");
    let created: Value = serde_json::from_str(&t).unwrap();
    let id = created["ticket_id"].as_str().unwrap();
    let sim = env.handle.ticket(id).expect("created upstream");
    assert_eq!(sim.ticket.seller_id, "4711");
    assert_eq!(sim.ticket.from.role.as_str(), "BUYER");
    assert_eq!(sim.ticket.from.name, "Dave");
    assert!(!sim.ticket.reply_requested);
    assert_eq!(sim.ticket.reference.as_ref().unwrap().kind.as_str(), "CHANNELOFFER");
    assert!(parcel_desk_wire::jtl::is_rfc3339(&sim.ticket.created_at));
    assert!(sim.ticket.validate().is_empty());
    assert!(created["access_token"].as_str().unwrap().starts_with("v1."));
    drop(env.sim);
}

#[tokio::test]
async fn token_expiry_renews_exactly_once() {
    // Tokens live 2 s; the proxy renews 1 s before expiry.
    let env = Env::new(|s| s.token_lifetime = Duration::from_secs(2), |_| {}).await;
    let url = env.api("/channel/ticket");
    assert_eq!(post_json(&url, &body(json!({}))).await.0, 201);
    assert_eq!(post_json(&url, &body(json!({}))).await.0, 201);
    assert_eq!(env.handle.auth_calls(), 1, "cached");
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(post_json(&url, &body(json!({}))).await.0, 201);
    assert_eq!(post_json(&url, &body(json!({}))).await.0, 201);
    assert_eq!(env.handle.auth_calls(), 2, "one renewal");
    assert!(env.handle.log().iter().all(|(_, _, s)| *s != 401), "renewed before expiry, no 401");
}

#[tokio::test]
async fn unauthorized_reauthenticates_once_and_retries_once() {
    let env = Env::new(|_| {}, |_| {}).await;
    let url = env.api("/channel/ticket");
    assert_eq!(post_json(&url, &body(json!({}))).await.0, 201);
    env.handle.revoke_tokens();
    let (s, t) = post_json(&url, &body(json!({}))).await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(env.handle.auth_calls(), 2);
    let creates: Vec<u16> = env
        .handle
        .log()
        .into_iter()
        .filter(|(m, p, _)| m == "POST" && p == "/v1/channel/ticket")
        .map(|(_, _, s)| s)
        .collect();
    assert_eq!(creates, [201, 401, 201]);
}

#[tokio::test]
async fn a_bad_refresh_token_is_reported_not_leaked() {
    let (sim, handle) = start_sim(|_| {}).await;
    let mut jtl = jtl_config(&sim);
    jtl.refresh_token = Secret::new("wrong-refresh-token-xyz");
    let p = proxy_to("http://127.0.0.1:9", |c| c.jtl = jtl).await;
    let (s, t) = post_json(&format!("{}/api/channel/ticket", p.proxy.url()), &body(json!({}))).await;
    // Kept for a later attempt (the refresh token may be fixed), never lost.
    assert_eq!(s, 202, "{t}");
    assert_eq!(serde_json::from_str::<Value>(&t).unwrap()["queued"], true);
    assert!(!t.contains("wrong-refresh-token") && !t.contains(REFRESH));
    assert_eq!(handle.auth_calls(), 1);
}

#[tokio::test]
async fn a_message_sent_while_jtl_is_down_is_kept_and_sent_once_when_it_is_back() {
    let down = down_port();
    let jtl = JtlConfig {
        base_url: format!("http://{}", down.local_addr().unwrap()).parse().unwrap(),
        refresh_token: Secret::new(REFRESH),
        seller_id: "4711".into(),
        poll_secs: NonZeroU64::new(3600),
        retry_backoff: Duration::from_millis(20),
        ..JtlConfig::default()
    };
    let p = proxy_to("http://127.0.0.1:9", move |c| c.jtl = jtl).await;
    let api = |path: &str| format!("{}/api{path}", p.proxy.url());
    let (ctype, b) = multipart("file", Some("photo.png"), Some("image/png"), b"%PDF-1.4 not really a png");
    let r = client().post(api("/channel/ticket/attachment-upload")).header("content-type", ctype).body(b).send().await;
    let file: Value = jv(r.unwrap()).await;
    let atts = json!([{"file_token": file["file_token"], "filename": "photo.png"}]);
    // JTL-SCX is down: the message is kept and the customer told so.
    let (s, t) = post_json(&api("/channel/ticket"), &body(json!({"attachments": atts}))).await;
    assert_eq!(s, 202, "{t}");
    let created: Value = serde_json::from_str(&t).unwrap();
    assert_eq!(created["queued"], true);
    assert_eq!(created["attachments"], json!([{"filename": "photo.png", "uploaded": false, "error": null}]));
    let id = created["ticket_id"].as_str().unwrap().to_owned();
    let token = created["access_token"].as_str().unwrap().to_owned();
    // The customer's own message reads back at once.
    let r = client()
        .get(api(&format!("/channel/ticket/{id}/messages")))
        .header("x-ticket-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(jv(r).await["messages"][0]["text"], "Open the pod bay doors HAL.");
    // JTL-SCX comes back on its address: the worker sends the ticket, then the file.
    let (router, handle) = sandbox::router(SimSettings::new(Secret::new(REFRESH)));
    let _sim = serve(down.listen(1024).unwrap(), router).unwrap();
    let until = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if handle.ticket(&id).is_some_and(|t| t.uploaded == ["photo.png"]) {
            break;
        }
        assert!(std::time::Instant::now() < until, "the kept message did not reach JTL-SCX");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(handle.count("POST", "/v1/channel/ticket"), 1, "sent once");
    assert_eq!(handle.ticket(&id).unwrap().ticket.message, "Open the pod bay doors HAL.");
}

#[tokio::test]
async fn concurrent_requests_share_one_auth_call() {
    let env = Env::new(|_| {}, |_| {}).await;
    let url = env.api("/channel/ticket");
    let b = body(json!({}));
    let calls: Vec<_> = (0..8).map(|_| post_json(&url, &b)).collect();
    let results = futures_util::future::join_all(calls).await;
    assert!(results.iter().all(|(s, _)| *s == 201), "{results:?}");
    assert_eq!(env.handle.auth_calls(), 1);
    assert_eq!(env.handle.tickets().len(), 8);
}

#[tokio::test]
async fn attachments_are_uploaded_after_creation_and_failures_reported() {
    let env = Env::new(|_| {}, |_| {}).await;
    let a = token_for(&env, "photo.png", "image/png").await;
    let b = token_for(&env, "invoice.pdf", "application/pdf").await;
    let c = token_for(&env, "notes.txt", "text/plain").await;
    env.handle.fail_uploads("invoice.pdf", 100);
    env.handle.fail_uploads("notes.txt", 1);
    let atts = json!([
        {"file_token": a, "filename": "photo.png"},
        {"file_token": b, "filename": "invoice.pdf"},
        {"file_token": c, "filename": "notes.txt"},
    ]);
    let (s, t) = post_json(&env.api("/channel/ticket"), &body(json!({"attachments": atts}))).await;
    assert_eq!(s, 201, "{t}");
    let created: Value = serde_json::from_str(&t).unwrap();
    assert_eq!(
        created["attachments"],
        json!([
            {"filename": "photo.png", "uploaded": true, "error": null},
            {"filename": "invoice.pdf", "uploaded": false, "error": "Internal error (simulated) (SYS500)"},
            {"filename": "notes.txt", "uploaded": true, "error": null},
        ])
    );
    let id = created["ticket_id"].as_str().unwrap();
    let sim = env.handle.ticket(id).unwrap();
    assert_eq!(sim.uploaded, ["photo.png", "notes.txt"]);
    let names: Vec<_> = sim.ticket.attachment.iter().map(|a| (a.filename.as_str(), a.content_type.as_str())).collect();
    assert_eq!(names, [("photo.png", "image/png"), ("invoice.pdf", "application/pdf"), ("notes.txt", "text/plain")]);
    let log = env.handle.log();
    let create_at = log.iter().position(|(m, p, _)| m == "POST" && p == "/v1/channel/ticket").unwrap();
    let uploads: Vec<usize> =
        log.iter().enumerate().filter(|(_, (_, p, _))| p == "/v1/channel/ticket/attachment").map(|(i, _)| i).collect();
    assert_eq!(uploads.len(), 1 + 3 + 2, "one, three attempts (failing), two (retried once)");
    assert!(uploads.iter().all(|i| *i > create_at), "uploads after the ticket exists");
    // A used file token is gone.
    let (_, t) = post_json(
        &env.api("/channel/ticket"),
        &body(json!({"attachments": [{"file_token": a, "filename": "photo.png"}]})),
    )
    .await;
    assert_eq!(issue_fields(&assert_envelope(&t, 400, "bad_request")), ["attachments.0.file_token"]);
}

#[tokio::test]
async fn upload_route_rules() {
    let env = Env::new(|_| {}, |_| {}).await;
    let (s, t) = upload(&env, "a.zip", "application/zip", b"PK").await;
    assert_eq!(s, 415);
    assert_envelope(&t, 415, "unsupported_media_type");
    let (s, _) = upload(&env, "a.svg", "image/svg+xml", b"<svg/>").await;
    assert_eq!(s, 415);
    let (s, t) = upload(&env, "", "image/png", b"x").await;
    assert_eq!(s, 400, "{t}");
    let (s, _) = upload(&env, "a.png", "image/png", b"").await;
    assert_eq!(s, 400);
    let (ct, b) = multipart("other", Some("a.png"), Some("image/png"), b"x");
    let r = client()
        .post(env.api("/channel/ticket/attachment-upload"))
        .header("content-type", ct)
        .body(b)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = client()
        .post(env.api("/channel/ticket/attachment-upload"))
        .header("content-type", "image/png")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    // Declared too large: refused before reading.
    let addr = env.proxy.proxy.addr();
    let (ct, _) = multipart("file", Some("a.png"), Some("image/png"), b"");
    let res = raw(
        addr,
        "POST",
        "/api/channel/ticket/attachment-upload",
        &[&format!("Content-Type: {ct}"), "Content-Length: 17000000"],
        b"",
    )
    .await;
    assert_eq!(res.status, 413);
    // Streamed too large (no Content-Length up front is not needed: the cap counts bytes).
    let big = vec![b'a'; 16_000_001];
    let (s, t) = upload(&env, "big.txt", "text/plain", &big).await;
    assert_eq!(s, 413, "{t}");
    assert_envelope(&t, 413, "content_too_large");
    let (s, t) = upload(&env, "ok.txt", "text/plain", &vec![b'a'; 1_000_000]).await;
    assert_eq!(s, 201, "{t}");
    assert!(parcel_desk_wire::jtl::is_file_token(
        serde_json::from_str::<Value>(&t).unwrap()["file_token"].as_str().unwrap()
    ));
}

#[tokio::test]
async fn messages_need_the_ticket_token() {
    let env = Env::new(|_| {}, |_| {}).await;
    let a = token_for(&env, "photo.png", "image/png").await;
    let (s, t) = post_json(
        &env.api("/channel/ticket"),
        &body(json!({"attachments": [{"file_token": a, "filename": "photo.png"}]})),
    )
    .await;
    assert_eq!(s, 201, "{t}");
    let created: Value = serde_json::from_str(&t).unwrap();
    let id = created["ticket_id"].as_str().unwrap().to_owned();
    let token = created["access_token"].as_str().unwrap().to_owned();
    let url = env.api(&format!("/channel/ticket/{id}/messages"));

    let r = client().get(&url).header("x-ticket-token", &token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let conv: Value = jv(r).await;
    assert_eq!(conv["ticket_id"], id.as_str());
    assert_eq!(conv["messages"].as_array().unwrap().len(), 1);
    assert_eq!(conv["messages"][0]["from"], "BUYER");
    assert_eq!(conv["messages"][0]["text"], "Open the pod bay doors HAL.");
    assert_eq!(conv["messages"][0]["attachments"], json!([{"filename": "photo.png"}]));

    let unknown = env.api("/channel/ticket/PD-00000000000000000000000000000000/messages");
    let mut bodies = Vec::new();
    for (u, tok) in [
        (url.as_str(), None),
        (url.as_str(), Some("v1.bogus.token")),
        (unknown.as_str(), Some(token.as_str())),
        (&*env.api("/channel/ticket/not-an-id/messages"), Some(token.as_str())),
    ] {
        let mut rb = client().get(u);
        if let Some(tok) = tok {
            rb = rb.header("x-ticket-token", tok);
        }
        let r = rb.send().await.unwrap();
        assert_eq!(r.status(), 404);
        bodies.push(r.text().await.unwrap());
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_envelope(&bodies[0], 404, "not_found");

    // Another ticket's token does not open this one.
    let (_, t2) = post_json(&env.api("/channel/ticket"), &body(json!({}))).await;
    let other: Value = serde_json::from_str(&t2).unwrap();
    let r = client().get(&url).header("x-ticket-token", other["access_token"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn error_list_is_mapped_to_the_envelope_in_english() {
    // The simulator does not know the configured seller.
    let env = Env::new(|s| s.seller_ids = vec!["other".into()], |_| {}).await;
    let (s, t) = post_json(&env.api("/channel/ticket"), &body(json!({}))).await;
    assert_eq!(s, 400, "{t}");
    let d = assert_envelope(&t, 400, "jtl_validation");
    assert_eq!(d, "Seller 4711 is not known on this channel (VAL200)");

    // The simulator answers German without Accept-Language: en.
    let r = client()
        .post(format!("{}/v1/auth", env.sim.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("refreshToken=wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = jv(r).await;
    assert_eq!(v["errorList"][0]["message"], "Ungültiger Refresh-Token");
    let r = client()
        .post(format!("{}/v1/channel/ticket", env.sim.url()))
        .header("accept-language", "en")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = jv(r).await;
    assert_eq!(v["errorList"][0]["message"], "Access token missing, invalid or expired");
}

#[tokio::test]
async fn simulator_validates_like_the_doc_and_limits_to_60_a_minute() {
    let (sim, _h) = start_sim(|_| {}).await;
    let c = client();
    let auth = c
        .post(format!("{}/v1/auth", sim.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("refreshToken={REFRESH}"))
        .send()
        .await
        .unwrap();
    let auth = jv(auth).await;
    let tok = auth["authToken"].as_str().unwrap().to_owned();
    assert_eq!(auth["expiresIn"], 600);
    assert!(auth["tokenExpireAt"].as_str().is_some());
    let r = c
        .post(format!("{}/v1/channel/ticket", sim.url()))
        .bearer_auth(&tok)
        .body(r#"{"ticketId":"T1","topic":"QUESTION"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = jv(r).await;
    let codes: Vec<&str> = v["errorList"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["VAL100"; 5], "sellerId, createdAt, from, subject, message");
    assert_eq!(v["errorList"][0]["message"], "Pflichtfeld sellerId nicht gefunden");
    let mut statuses = Vec::new();
    // The create above was request 1 of 60.
    for _ in 0..59 {
        statuses.push(
            c.get(format!("{}/v1/channel/event", sim.url())).bearer_auth(&tok).send().await.unwrap().status().as_u16(),
        );
    }
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    let r = c.get(format!("{}/v1/channel/event", sim.url())).bearer_auth(&tok).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().get("retry-after").is_some());
}

async fn direct_jtl(sim: &Server) -> std::sync::Arc<Jtl> {
    let dir = std::env::temp_dir().join(format!("pd-jtl-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = parcel_desk_proxy::store::Store::open_path(Path::new(":memory:"), 24).await.unwrap();
    Jtl::new(&jtl_config(sim), &store, &dir, &Secret::generate(), 1, false).unwrap()
}

#[tokio::test]
async fn replies_are_stored_once_and_acknowledged_only_after_storage() {
    let (sim, handle) = start_sim(|s| s.redelivery_after = Duration::ZERO).await;
    let jtl = direct_jtl(&sim).await;
    let e1 = handle.push_reply("PD-1", "first answer");

    // The store fails: nothing is acknowledged, the event comes again.
    jtl.store().fail_next_writes(1);
    assert!(jtl.poll_once().await.is_err());
    assert!(handle.acked().is_empty());
    assert_eq!(jtl.store().reply_count("PD-1").await.unwrap(), 0);
    assert_eq!(handle.count("DELETE", "/v1/channel/event"), 0);

    let r = jtl.poll_once().await.unwrap();
    assert_eq!((r.replies, r.newly_stored, r.acknowledged), (1, 1, 1));
    assert_eq!(handle.acked(), vec![e1]);

    // Stored, but the acknowledgement fails: delivered twice, stored once.
    let e2 = handle.push_reply("PD-1", "second answer");
    handle.fail_acks(1);
    assert!(jtl.poll_once().await.is_err());
    let r = jtl.poll_once().await.unwrap();
    assert_eq!((r.replies, r.newly_stored, r.acknowledged), (1, 0, 1));
    assert_eq!(handle.deliveries().iter().find(|d| d.0 == e2).unwrap().1, 2);
    assert_eq!(jtl.store().reply_count("PD-1").await.unwrap(), 2);
    let texts: Vec<_> = jtl.store().conversation("PD-1").await.unwrap().into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["first answer", "second answer"]);

    // Nothing pending: no acknowledgement call at all.
    let acks = handle.count("DELETE", "/v1/channel/event");
    let r = jtl.poll_once().await.unwrap();
    assert_eq!(r.received, 0);
    assert_eq!(handle.count("DELETE", "/v1/channel/event"), acks);
    assert_eq!(jtl.client().auth_calls(), 1);
}

#[tokio::test]
async fn routes_are_off_without_jtl_config() {
    let p = proxy_to("http://127.0.0.1:9", |_| {}).await;
    let (s, t) = post_json(&format!("{}/api/channel/ticket", p.proxy.url()), &body(json!({}))).await;
    assert_eq!(s, 404);
    assert_envelope(&t, 404, "not_found");
    let r = client()
        .get(format!("{}/api/channel/ticket/PD-00000000000000000000000000000000/messages", p.proxy.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn end_to_end_through_sandbox_mode() {
    let cfg = Config { listen: loopback(), sandbox: true, ..Config::default() };
    let running = parcel_desk_proxy::start(cfg).await.unwrap();
    let env_api = |p: &str| format!("{}{}{p}", running.proxy.url(), running.config.api_prefix);
    let (ct, b) = multipart("file", Some("receipt.pdf"), Some("application/pdf"), b"%PDF-1.4 receipt");
    let r = client()
        .post(env_api("/channel/ticket/attachment-upload"))
        .header("content-type", ct)
        .body(b)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let file_token = jv(r).await["file_token"].as_str().unwrap().to_owned();
    let (s, t) = post_json(
        &env_api("/channel/ticket"),
        &body(json!({"attachments": [{"file_token": file_token, "filename": "receipt.pdf"}]})),
    )
    .await;
    assert_eq!(s, 201, "{t}");
    let created: Value = serde_json::from_str(&t).unwrap();
    assert_eq!(created["attachments"], json!([{"filename": "receipt.pdf", "uploaded": true, "error": null}]));
    let url = env_api(&format!("/channel/ticket/{}/messages", created["ticket_id"].as_str().unwrap()));
    let token = created["access_token"].as_str().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let conv: Value = jv(client().get(&url).header("x-ticket-token", token).send().await.unwrap()).await;
        let msgs = conv["messages"].as_array().unwrap();
        if msgs.len() >= 2 {
            assert_eq!(msgs[0]["from"], "BUYER");
            assert_eq!(msgs[1]["from"], "SELLER");
            assert!(msgs[1]["text"].as_str().unwrap().contains("sandbox reply"), "{conv}");
            assert_eq!(msgs[1]["attachments"][0]["filename"], "sandbox-reply.pdf");
            assert_eq!(msgs[1]["attachments"].as_array().unwrap().len(), 1);
            assert_eq!(msgs.len(), 2, "stored once: {conv}");
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "no seller reply: {conv}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn a_message_sent_again_with_its_idempotency_key_creates_one_ticket() {
    let env = Env::new(|_| {}, |_| {}).await;
    let a = token_for(&env, "photo.png", "image/png").await;
    let b = body(json!({"attachments": [{"file_token": a, "filename": "photo.png"}]}));
    let send = |key: &'static str, b: Value| {
        let url = env.api("/channel/ticket");
        async move {
            let r = client()
                .post(url)
                .header("content-type", "application/json")
                .header("idempotency-key", key)
                .body(serde_json::to_vec(&b).unwrap())
                .send()
                .await
                .unwrap();
            let replayed = r.headers().get("idempotent-replayed").is_some();
            (r.status().as_u16(), replayed, r.text().await.unwrap())
        }
    };
    let (s1, replayed1, t1) = send("contact-key-1", b.clone()).await;
    assert_eq!((s1, replayed1), (201, false), "{t1}");
    // The answer got lost on the way; the widget sends the same message
    // with the same key. The file token is used up by now, yet the first
    // answer comes back, and no second ticket is created.
    let (s2, replayed2, t2) = send("contact-key-1", b.clone()).await;
    assert_eq!((s2, replayed2), (201, true), "{t2}");
    assert_eq!(t2, t1, "the same ticket id, token and attachment outcomes");
    assert_eq!(env.handle.count("POST", "/v1/channel/ticket"), 1);
    // The same key for another message is refused; another key is another ticket.
    let (s3, _, t3) = send("contact-key-1", body(json!({"subject": "Something else"}))).await;
    assert_eq!(s3, 422, "{t3}");
    assert!(t3.contains("idempotency_key_reused"), "{t3}");
    let (s4, replayed4, t4) = send("contact-key-2", body(json!({}))).await;
    assert_eq!((s4, replayed4), (201, false), "{t4}");
    assert_eq!(env.handle.count("POST", "/v1/channel/ticket"), 2);
    // A malformed key is refused before anything is sent.
    let r = client()
        .post(env.api("/channel/ticket"))
        .header("content-type", "application/json")
        .header("idempotency-key", "")
        .body(serde_json::to_vec(&body(json!({}))).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(env.handle.count("POST", "/v1/channel/ticket"), 2);
}

/// A seller reply with files, polled by the proxy; answers the ticket's
/// id, token and the conversation in which the reply appeared.
async fn ticket_with_seller_files(env: &Env, files: &[(&str, &str, &[u8])]) -> (String, String, Value) {
    let (s, t) = post_json(&env.api("/channel/ticket"), &body(json!({}))).await;
    assert_eq!(s, 201, "{t}");
    let created: Value = serde_json::from_str(&t).unwrap();
    let id = created["ticket_id"].as_str().unwrap().to_owned();
    let token = created["access_token"].as_str().unwrap().to_owned();
    env.handle.push_reply_with(&id, "Here is your label.", files);
    let url = env.api(&format!("/channel/ticket/{id}/messages"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let conv = jv(client().get(&url).header("x-ticket-token", &token).send().await.unwrap()).await;
        if conv["messages"].as_array().unwrap().len() >= 2 {
            return (id, token, conv);
        }
        assert!(tokio::time::Instant::now() < deadline, "no seller reply: {conv}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

#[tokio::test]
async fn seller_attachments_download_through_the_proxy_with_the_ticket_token() {
    let env = Env::new(|_| {}, |c| c.jtl.poll_secs = NonZeroU64::new(1)).await;
    let evil = "../..\\etc/\"quoted\"\r\nX-Evil: 1 über.png";
    let files: &[(&str, &str, &[u8])] = &[
        ("label.pdf", "application/pdf", b"%PDF-1.4 label"),
        (evil, "image/png", PNG),
        ("page.html", "text/html", b"<script>"),
    ];
    let (id, token, conv) = ticket_with_seller_files(&env, files).await;
    let reply = &conv["messages"][1];
    assert_eq!(reply["from"], "SELLER");
    let atts = reply["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 3);
    let ids: Vec<String> = atts.iter().map(|a| a["id"].as_str().unwrap().to_owned()).collect();
    assert!(ids.iter().all(|i| parcel_desk_wire::route::is_channel_attachment_id(i)), "{ids:?}");
    // The customer's own message has no download ids.
    assert!(conv["messages"][0]["attachments"].as_array().unwrap().iter().all(|a| a.get("id").is_none()));

    let url = |att: &str| env.api(&format!("/channel/ticket/{id}/attachments/{att}"));
    let get = |u: String, tok: Option<String>| async move {
        let mut rb = client().get(u);
        if let Some(tok) = tok {
            rb = rb.header("x-ticket-token", tok);
        }
        rb.send().await.unwrap()
    };

    // Success: the bytes, their type, a download with a safe name.
    let r = get(url(&ids[0]), Some(token.clone())).await;
    assert_eq!(r.status(), 200);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "application/pdf");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-disposition"], "attachment; filename=\"label.pdf\"; filename*=UTF-8''label.pdf");
    assert_eq!(&r.bytes().await.unwrap()[..], b"%PDF-1.4 label");
    // A hostile name: no path, no quotes, no line breaks in the header.
    let r = get(url(&ids[1]), Some(token.clone())).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    let cd = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(cd.starts_with("attachment; filename=\""), "{cd}");
    let ascii = cd.split('"').nth(1).unwrap();
    assert!(!ascii.contains(['/', '\\', '\r', '\n', '"']), "{cd}");
    assert!(!cd.contains("..") && !cd.contains('\r') && !cd.contains('\n'), "{cd}");
    assert_eq!(&r.bytes().await.unwrap()[..], PNG);
    // A type JTL would not take as an attachment is only ever bytes.
    let r = get(url(&ids[2]), Some(token.clone())).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");

    // No token, a wrong token, another ticket's token, an unknown id, a
    // malformed id, an unknown ticket: the same 404, byte for byte.
    let (_, t2) = post_json(&env.api("/channel/ticket"), &body(json!({}))).await;
    let other: Value = serde_json::from_str(&t2).unwrap();
    let other_token = other["access_token"].as_str().unwrap().to_owned();
    let unknown_ticket = env.api(&format!("/channel/ticket/PD-{}/attachments/{}", "0".repeat(32), ids[0]));
    let mut bodies = Vec::new();
    for (u, tok) in [
        (url(&ids[0]), None),
        (url(&ids[0]), Some("v1.bogus.token".to_owned())),
        (url(&ids[0]), Some(other_token.clone())),
        (url("0123456789abcdef"), Some(token.clone())),
        (url("not-an-id"), Some(token.clone())),
        (unknown_ticket, Some(token.clone())),
    ] {
        let r = get(u.clone(), tok).await;
        assert_eq!(r.status(), 404, "{u}");
        bodies.push(r.text().await.unwrap());
    }
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    assert_envelope(&bodies[0], 404, "not_found");
    // The same body as the conversation read's 404.
    let r = get(env.api(&format!("/channel/ticket/{id}/messages")), None).await;
    assert_eq!(r.text().await.unwrap(), bodies[0]);
    // Only GET; no query keys.
    let r = client().post(url(&ids[0])).header("x-ticket-token", &token).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = get(format!("{}?filename=x", url(&ids[0])), Some(token.clone())).await;
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn a_seller_file_gone_upstream_is_a_bad_gateway_not_a_leak() {
    let env = Env::new(|_| {}, |c| c.jtl.poll_secs = NonZeroU64::new(1)).await;
    let (id, token, conv) = ticket_with_seller_files(&env, &[("label.pdf", "application/pdf", b"%PDF-1.4 x")]).await;
    let att = conv["messages"][1]["attachments"][0]["id"].as_str().unwrap().to_owned();
    env.handle.forget_reply_files();
    let r = client()
        .get(env.api(&format!("/channel/ticket/{id}/attachments/{att}")))
        .header("x-ticket-token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502);
    assert_envelope(&r.text().await.unwrap(), 502, "jtl_unavailable");
}

#[tokio::test]
async fn the_sandbox_reply_carries_a_pdf_that_downloads_through_sandbox_mode() {
    let cfg = Config { listen: loopback(), sandbox: true, ..Config::default() };
    let running = parcel_desk_proxy::start(cfg).await.unwrap();
    let api = |p: &str| format!("{}{}{p}", running.proxy.url(), running.config.api_prefix);
    let (s, t) = post_json(&api("/channel/ticket"), &body(json!({}))).await;
    assert_eq!(s, 201, "{t}");
    let created: Value = serde_json::from_str(&t).unwrap();
    let id = created["ticket_id"].as_str().unwrap();
    let token = created["access_token"].as_str().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let att = loop {
        let url = api(&format!("/channel/ticket/{id}/messages"));
        let conv = jv(client().get(&url).header("x-ticket-token", token).send().await.unwrap()).await;
        if let Some(a) = conv["messages"][1]["attachments"][0]["id"].as_str() {
            assert_eq!(conv["messages"][1]["attachments"][0]["filename"], "sandbox-reply.pdf");
            break a.to_owned();
        }
        assert!(tokio::time::Instant::now() < deadline, "no seller reply: {conv}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let r = client()
        .get(api(&format!("/channel/ticket/{id}/attachments/{att}")))
        .header("x-ticket-token", token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-1.") && bytes.ends_with(b"%%EOF\n"));
    assert_eq!(&bytes[..], parcel_desk_sandbox::demo::jtl::REPLY_ATTACHMENT_PDF);
}
