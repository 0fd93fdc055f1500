//! Forwarding against a recording upstream: header stripping, secrets,
//! body and upload limits, rate limits, upstream failures.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use common::*;
use parcel_desk_proxy::Config;

/// Every log line of this test binary (all targets, TRACE), to check that
/// the secret never reaches the logs.
fn logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let writer = BufWriter(buf.clone());
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("trace"))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        buf
    })
    .clone()
}

#[derive(Clone)]
struct BufWriter(Arc<Mutex<Vec<u8>>>);
impl Write for BufWriter {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn secret_forms() -> Vec<String> {
    vec![SECRET.to_owned(), basic(PUBLIC, SECRET), basic(PUBLIC, SECRET)["Basic ".len()..].to_owned()]
}

/// Collects a response's status line, headers and body as text.
async fn dump(r: reqwest::Response) -> (u16, String) {
    let status = r.status().as_u16();
    let mut text = format!("{status}\n");
    for (k, v) in r.headers() {
        text.push_str(&format!("{k}: {}\n", String::from_utf8_lossy(v.as_bytes())));
    }
    text.push_str(&r.text().await.unwrap_or_default());
    (status, text)
}

#[tokio::test]
async fn browser_headers_never_reach_upstream_and_secret_never_leaks() {
    let logs = logs();
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |c| c.allowed_origins = vec!["https://shop.example".parse().unwrap()]).await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    let mut transcript = String::new();

    let r = c
        .post(format!("{api}/dsf/tickets/lost?is_portal_claim=true"))
        .header("cookie", "shop_session=s3cr3t-cookie")
        .header("authorization", "Bearer x")
        .header("x-api-key", "browser-key")
        .header("idempotency-key", "abc-123")
        .header("origin", "https://shop.example")
        .header("x-forwarded-for", "203.0.113.9")
        .header("content-type", "application/json; charset=utf-8")
        .body("{ \"tracking_number\" : \"PD-OWN-0003\" ,\n \"contents_description\": \"shoes\" }")
        .send()
        .await
        .unwrap();
    let (status, text) = dump(r).await;
    assert_eq!(status, 202, "accepted by the proxy; the worker files it");
    assert!(!text.contains("b99c8ea5-3156-442e-8dfe-c746218a3fbe"), "the proxy's own claim id, not upstream's");
    transcript.push_str(&text);

    eventually(10, "the claim filed", || rec.posts() == 1).await;
    let seen = rec.calls();
    assert_eq!(seen.len(), 1);
    let up = &seen[0];
    assert_eq!(up.method, "POST");
    assert_eq!(up.uri, "/dsf/tickets/lost?is_portal_claim=true");
    assert_eq!(up.headers["authorization"], basic(PUBLIC, SECRET).as_str());
    assert_eq!(up.headers["accept"], "application/json");
    assert_eq!(up.headers["content-type"], "application/json");
    assert!(up.headers["user-agent"].to_str().unwrap().starts_with("parcel-desk-proxy/"));
    let names: Vec<&str> = up.headers.keys().map(|k| k.as_str()).collect();
    for name in &names {
        assert!(
            ["authorization", "accept", "content-type", "user-agent", "host", "content-length"].contains(name),
            "unexpected upstream header {name}: {names:?}"
        );
    }
    // Re-serialized, not the raw bytes.
    assert_eq!(
        String::from_utf8_lossy(&up.body),
        r#"{"tracking_number":"PD-OWN-0003","contents_description":"shoes"}"#
    );

    // Ticket read and upload carry the same (and only the same) headers.
    let r = c
        .get(format!("{api}/dsf/tickets/77"))
        .header("cookie", "a=b")
        .header("authorization", "Bearer y")
        .header("x-ticket-token", token_for("77"))
        .send()
        .await
        .unwrap();
    transcript.push_str(&dump(r).await.1);
    let (ct, body) = multipart("file", Some("invoice.pdf"), Some("application/pdf"), b"%PDF-1.4 test");
    let r = c
        .post(format!("{api}/dsf/files"))
        .header("content-type", &ct)
        .header("cookie", "a=b")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("set-cookie").is_none(), "upstream Set-Cookie is not relayed");
    assert!(r.headers().get("x-upstream-internal").is_none());
    assert_eq!(r.headers()["retry-after"], "7", "Retry-After is relayed");
    transcript.push_str(&dump(r).await.1);
    let seen = rec.calls();
    assert_eq!(seen.len(), 3);
    for up in &seen[1..] {
        assert!(up.headers.get("cookie").is_none());
        assert_eq!(up.headers["authorization"], basic(PUBLIC, SECRET).as_str());
    }
    assert_eq!(seen[2].headers["content-type"], ct.as_str(), "boundary preserved");
    assert_eq!(seen[2].body_len, body.len());
    assert!(seen[2].complete);

    // A handful of error paths, all without the secret.
    let bad_requests = vec![
        c.get(format!("{api}/v2/user")),
        c.get(format!("{api}/dsf/tickets/abc")),
        c.post(format!("{api}/dsf/tickets/lost")).header("content-type", "application/json").body("{oops"),
        c.post(format!("{api}/dsf/tickets/lost?x=1")).header("content-type", "application/json").body("{}"),
        c.post(format!("{api}/dsf/tickets/lost"))
            .header("content-type", "application/json")
            .body(r#"{"tracking_number":"X","secret_key":"y"}"#),
        c.post(format!("{api}/dsf/files")).header("content-type", "text/plain").body("x"),
    ];
    for req in bad_requests {
        let (status, text) = dump(req.send().await.unwrap()).await;
        assert!(status >= 400, "{text}");
        transcript.push_str(&text);
    }
    // Upstream down.
    let down = down_port();
    let p2 = proxy_to(&format!("http://{}", down.local_addr().unwrap()), |_| {}).await;
    let (status, text) = dump(
        c.get(format!("{}/api/dsf/tickets/1", p2.proxy.url()))
            .header("x-ticket-token", token_for("1"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 502);
    transcript.push_str(&text);

    // Debug output of the config and of the running stack.
    let cfg = Config::for_upstream("https://panel.sendcloud.sc/api/v3", PUBLIC, SECRET);
    let debug = format!("{cfg:?} {cfg:#?} {:?}", p.config);
    assert!(debug.contains("redacted"));

    let log_text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(log_text.contains("parcel_desk_proxy::access"), "access log captured");
    assert!(log_text.contains("path=/api/dsf/tickets/lost") && log_text.contains("status=202"), "{log_text}");
    assert!(!log_text.contains("is_portal_claim"), "no query strings in logs");
    assert!(!log_text.contains("s3cr3t-cookie") && !log_text.contains("PD-OWN-0003"), "no headers or bodies in logs");
    for secret in secret_forms() {
        assert!(!transcript.contains(&secret), "secret in a response");
        assert!(!debug.contains(&secret), "secret in Debug output");
        assert!(!log_text.contains(&secret), "secret in the logs");
    }
}

#[tokio::test]
async fn claim_body_checks_before_forwarding() {
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |c| c.limits.json_body_bytes = 1024.try_into().unwrap()).await;
    let c = client();
    let lost = format!("{}/api/dsf/tickets/lost", p.proxy.url());
    let post = |body: String| c.post(&lost).header("content-type", "application/json").body(body);

    let r =
        post(format!(r#"{{"tracking_number":"X","additional_remarks":"{}"}}"#, "a".repeat(2000))).send().await.unwrap();
    assert_eq!(r.status(), 413);
    assert_envelope(&r.text().await.unwrap(), 413, "content_too_large");

    let r = post("{not json".into()).send().await.unwrap();
    assert_eq!(r.status(), 406);
    assert_eq!(assert_envelope(&r.text().await.unwrap(), 406, "not_acceptable"), "Invalid JSON");

    let r = post(r#"{"tracking_number":"X","password":"p"}"#.into()).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let detail = assert_envelope(&r.text().await.unwrap(), 400, "bad_request");
    let issues = parcel_desk_wire::parse_validation_detail(&detail);
    assert_eq!(issues[0].field(), Some("password"), "{detail}");
    assert_eq!(issues[0].kind, "extra_forbidden");

    let r = post(r#"{"tracking_number":"  ","contents_sales_price":{"price":-1,"currency":"EUR"},"exterior_photo":{"file_token":"t"}}"#.into())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let detail = assert_envelope(&r.text().await.unwrap(), 400, "bad_request");
    assert!(
        detail.starts_with("Validation Error. Errors: [{'type': 'missing', 'loc': ('tracking_number',)"),
        "{detail}"
    );
    let fields: Vec<_> =
        parcel_desk_wire::parse_validation_detail(&detail).iter().map(|i| i.field().unwrap().to_owned()).collect();
    assert_eq!(fields, ["tracking_number", "contents_sales_price", "exterior_photo"]);

    let r = post(r#"{"tracking_number":"X","parcel_dimensions":"big"}"#.into()).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let detail = assert_envelope(&r.text().await.unwrap(), 400, "bad_request");
    assert_eq!(parcel_desk_wire::parse_validation_detail(&detail)[0].field(), Some("parcel_dimensions"));

    let r = c.post(&lost).header("content-type", "text/plain").body(r#"{"tracking_number":"X"}"#).send().await.unwrap();
    assert_eq!(r.status(), 415);
    assert_envelope(&r.text().await.unwrap(), 415, "unsupported_media_type");

    for q in [
        "is_portal_claim=yes",
        "foo=bar",
        "is_portal_claim=true&url=http://x",
        "is_portal_claim=true&is_portal_claim=false",
    ] {
        let r = c
            .post(format!("{lost}?{q}"))
            .header("content-type", "application/json")
            .body(r#"{"tracking_number":"X"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{q}");
        assert_envelope(&r.text().await.unwrap(), 400, "bad_request");
    }
    let r = c.get(format!("{}/api/dsf/tickets/5?expand=all", p.proxy.url())).send().await.unwrap();
    assert_eq!(r.status(), 400);

    // Declared too large up front: answered without reading the body.
    let r = raw(
        p.proxy.addr(),
        "POST",
        "/api/dsf/tickets/lost",
        &["Content-Type: application/json", "Content-Length: 999999"],
        b"",
    )
    .await;
    assert_eq!(r.status, 413);
    assert_envelope(&r.body, 413, "content_too_large");
    assert!(rec.seen().is_empty(), "nothing invalid reaches upstream");
}

#[tokio::test]
async fn upload_limits_are_enforced_while_streaming() {
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |_| {}).await;
    let c = client();
    let files = format!("{}/api/dsf/files", p.proxy.url());
    let limit = p.config.limits.upload_bytes.get();
    assert_eq!(limit, 6_000_000 + 64 * 1024);

    // Not multipart, or multipart without a boundary: 415.
    for ct in [
        None,
        Some("application/octet-stream"),
        Some("multipart/form-data"),
        Some("multipart/form-data; boundary="),
        Some("multipart/mixed; boundary=x"),
    ] {
        let mut req = c.post(&files).body("hello");
        if let Some(ct) = ct {
            req = req.header("content-type", ct);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 415, "{ct:?}");
        assert_envelope(&r.text().await.unwrap(), 415, "unsupported_media_type");
    }

    // Declared over the cap: 413 before upstream sees anything.
    let r = raw(
        p.proxy.addr(),
        "POST",
        "/api/dsf/files",
        &["Content-Type: multipart/form-data; boundary=abc", "Content-Length: 7000000"],
        b"",
    )
    .await;
    assert_eq!(r.status, 413);
    assert_envelope(&r.body, 413, "content_too_large");
    assert!(rec.seen().is_empty());

    // Streamed (chunked, no Content-Length) over the cap: counted while
    // streaming, 413, and upstream never gets the whole body.
    let total = 8 * 1024 * 1024;
    let chunk = bytes::Bytes::from(vec![b'x'; 64 * 1024]);
    let chunks = total / chunk.len();
    let head = bytes::Bytes::from_static(b"--abc\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\nContent-Type: video/mp4\r\n\r\n");
    let stream = futures_util::stream::iter(
        std::iter::once(Ok::<_, std::io::Error>(head))
            .chain((0..chunks).map(move |_| Ok::<_, std::io::Error>(chunk.clone()))),
    );
    let r = c
        .post(&files)
        .header("content-type", "multipart/form-data; boundary=abc")
        .body(reqwest::Body::wrap_stream(stream))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(assert_envelope(&r.text().await.unwrap(), 413, "content_too_large"), "The file is larger than 6 MB.");
    tokio::time::sleep(Duration::from_millis(200)).await;
    for s in rec.seen() {
        assert!(s.body_len as u64 <= limit && !s.complete, "upstream saw {} bytes", s.body_len);
    }

    // Just under the cap streams through completely.
    let (ct, body) = multipart("file", Some("big.jpg"), Some("image/jpeg"), &vec![7u8; 5_900_000]);
    let r = c.post(&files).header("content-type", ct).body(body.clone()).send().await.unwrap();
    assert_eq!(r.status(), 202, "recorder answers 202");
    let last = rec.seen().pop().unwrap();
    assert_eq!(last.body_len, body.len());
    assert!(last.complete);
    assert_eq!(last.headers["content-length"], body.len().to_string().as_str());
}

#[tokio::test]
async fn per_client_rate_limit_with_retry_after() {
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |c| {
        c.limits.create_per_minute = 2;
        c.limits.other_per_minute = 3;
    })
    .await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    for i in 0..3 {
        let r = c
            .post(format!("{api}/dsf/tickets/lost"))
            .header("content-type", "application/json")
            // X-Forwarded-For is not trusted by default: no way around the limit.
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .body(r#"{"tracking_number":"X"}"#)
            .send()
            .await
            .unwrap();
        if i < 2 {
            assert_eq!(r.status(), 202);
        } else {
            assert_eq!(r.status(), 429);
            let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=60).contains(&retry), "{retry}");
            assert_eq!(
                assert_envelope(&r.text().await.unwrap(), 429, "hit_rate_limit"),
                "Rate limit exceeded: 2 per 1 minute"
            );
        }
    }
    // Reads have their own budget.
    for i in 0..4 {
        let r = c
            .get(format!("{api}/dsf/tickets/{}", 10 + i))
            .header("x-ticket-token", token_for(&(10 + i).to_string()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), if i < 3 { 202 } else { 429 });
    }
    eventually(10, "both claims filed", || rec.posts() == 2).await;
    assert_eq!(rec.calls().len(), 5);

    // Behind a trusted reverse proxy, the last X-Forwarded-For entry is the client.
    let p2 = proxy_to(&rec.server.url(), |c| {
        c.limits.create_per_minute = 1;
        c.trust_forwarded_for = true;
    })
    .await;
    for (xff, expect) in [("203.0.113.1", 202), ("203.0.113.1", 429), ("10.0.0.1, 203.0.113.2", 202)] {
        let r = c
            .post(format!("{}/api/dsf/tickets/lost", p2.proxy.url()))
            .header("content-type", "application/json")
            .header("x-forwarded-for", xff)
            .body(r#"{"tracking_number":"X"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), expect, "{xff}");
    }
}

#[tokio::test]
async fn upstream_down_still_accepts_and_a_slow_read_is_504() {
    let down = down_port();
    let p = proxy_to(&format!("http://{}", down.local_addr().unwrap()), |_| {}).await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    let r = c
        .post(format!("{api}/dsf/tickets/lost"))
        .header("content-type", "application/json")
        .body(r#"{"tracking_number":"PD-OWN-0003"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202, "kept, to be filed when upstream is back");
    let v: serde_json::Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let (id, token) = (v["ticket_id"].as_str().unwrap(), v["access_token"].as_str().unwrap());
    let (_, v) =
        poll_claim(&c, &api, id, token, 5, |s, v| claim_state(s, v) == "queued" && v["reason"].is_null()).await;
    assert_eq!(v["pending"], true);

    let rec = Recorder::start().await;
    rec.set_delay(Duration::from_secs(3));
    let p = proxy_to(&rec.server.url(), |c| c.support.timeout = Duration::from_secs(1)).await;
    let r = c
        .get(format!("{}/api/dsf/tickets/1", p.proxy.url()))
        .header("x-ticket-token", token_for("1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 504);
    assert_envelope(&r.text().await.unwrap(), 504, "upstream_timeout");
}

#[tokio::test]
async fn refuses_to_build_without_credentials() {
    let cfg = Config::default();
    let err = parcel_desk_proxy::start(cfg).await.unwrap_err().to_string();
    assert!(err.contains("support.public_key") && err.contains("--sandbox"), "{err}");
}
