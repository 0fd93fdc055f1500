//! Allowlist, path probes, health, static files and CORS.

mod common;

use common::*;

#[tokio::test]
async fn path_probes_and_foreign_methods_are_404_envelopes() {
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |_| {}).await;
    let addr = p.proxy.addr();
    let probes: &[(&str, &str)] = &[
        ("GET", "/api/../../v2/user"),
        ("GET", "/api/dsf/../../v2/user"),
        ("GET", "/api/dsf/tickets/..%2F..%2Fv2%2Fuser"),
        ("GET", "/api/dsf/tickets/%2e%2e"),
        ("GET", "/api/dsf/tickets/%2E%2E/%2E%2E/v2/user"),
        ("GET", "/api/dsf/tickets/1%2F2"),
        ("GET", "/api/dsf/tickets/1/2"),
        ("GET", "/api/v2/user"),
        ("GET", "/api"),
        ("GET", "/api/"),
        ("GET", "/api//dsf/files"),
        ("GET", "/api/./dsf/tickets/1001"),
        ("POST", "/api/dsf/tickets/damage/"),
        ("GET", "/api/parcels/tracking/..%2F..%2Fv2%2Fuser"),
        ("GET", "/api/parcels/tracking/a%2Fb"),
        ("GET", "/api/parcels/tracking/%2e"),
        ("GET", "/api/parcels/tracking/a%5Cb"),
        ("GET", "/api/parcels/tracking/a%00b"),
        ("GET", "/api/parcels/tracking/a%0Db"),
        ("GET", "/api/parcels/tracking/a%ZZ"),
        ("GET", "/api/parcels/tracking/"),
        ("POST", "/api/parcels/tracking"),
        ("DELETE", "/api/dsf/tickets/requested-data"),
        ("POST", "/api/dsf/tickets/lost/"),
        ("POST", "/api/dsf/tickets/lost/../../../v2/user"),
        ("POST", "/api/dsf/files%2f..%2f..%2fv2"),
        ("GET", "/v2/user"),
        ("GET", "http://panel.sendcloud.sc/api/../v2/user"),
        ("DELETE", "/api/dsf/tickets/lost"),
        ("PUT", "/api/dsf/tickets/lost"),
        ("PATCH", "/api/dsf/tickets/lost"),
        ("DELETE", "/api/dsf/files"),
        ("PUT", "/api/dsf/files"),
        ("PATCH", "/api/dsf/files"),
        ("DELETE", "/api/dsf/tickets/1001"),
        ("PUT", "/api/dsf/tickets/1001"),
        ("PATCH", "/api/dsf/tickets/1001"),
        ("POST", "/api/dsf/tickets/1001"),
        ("GET", "/api/dsf/files"),
        ("HEAD", "/api/dsf/tickets/lost"),
        ("TRACE", "/api/dsf/tickets/1001"),
        ("BREW", "/api/dsf/files"),
        ("OPTIONS", "/api/dsf/files"),
        ("POST", "/healthz"),
    ];
    for (method, target) in probes {
        let r = raw(addr, method, target, &[], b"").await;
        assert_eq!(r.status, 404, "{method} {target}: {r:?}");
        if *method != "HEAD" {
            assert_envelope(&r.body, 404, "not_found");
            assert!(r.header("content-type").unwrap().starts_with("application/json"));
        }
    }
    // Bad ticket ids look exactly like a missing ticket upstream.
    for id in ["abc", "-1", "1e3", "99999999999999999999", "9223372036854775808", "%31"] {
        let r = raw(addr, "GET", &format!("/api/dsf/tickets/{id}"), &[], b"").await;
        assert_eq!(r.status, 404, "{id}");
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"errors":[{"code":"bad_request","detail":"Ticket not found","title":"Bad Request","status":404}]}),
            "{id}"
        );
    }
    assert!(rec.seen().is_empty(), "nothing may reach upstream: {:?}", rec.seen());

    // The one allowed GET does reach upstream, on the exact path.
    let r = raw(addr, "GET", "/api/dsf/tickets/0042", &[&format!("X-Ticket-Token: {}", token_for("42"))], b"").await;
    assert_eq!(r.status, 202);
    let seen = rec.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].uri, "/dsf/tickets/42");
}

/// Tracking numbers are the spec's 1–255 characters, percent-encoded in the
/// path: decoded, checked (no `/`, `\`, control characters, `.` or `..`),
/// and encoded again for upstream, always as exactly one segment.
#[tokio::test]
async fn tracking_numbers_reach_upstream_as_one_segment_encoded_again() {
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |_| {}).await;
    let addr = p.proxy.addr();
    let long = "A".repeat(256);
    let refused = [
        format!("/api/parcels/tracking/{long}"),
        format!("/api/parcels/tracking/{}", "%C3%9C".repeat(256)),
        "/api/parcels/tracking/a%2Fb".into(),
        "/api/parcels/tracking/a%2fb".into(),
        "/api/parcels/tracking/..".into(),
        "/api/parcels/tracking/%2E%2E".into(),
        "/api/parcels/tracking/a%5Cb".into(),
        "/api/parcels/tracking/a%09b".into(),
        "/api/parcels/tracking/a%C2%85b".into(),
        "/api/parcels/tracking/%FF".into(),
    ];
    for target in &refused {
        let r = raw(addr, "GET", target, &[], b"").await;
        assert_eq!(r.status, 404, "{target}");
        assert_envelope(&r.body, 404, "not_found");
    }
    assert!(rec.seen().is_empty(), "nothing may reach upstream: {:?}", rec.seen());

    let accepted = [
        ("/api/parcels/tracking/1Z%20999%20AA1", "/parcels/tracking/1Z%20999%20AA1"),
        ("/api/parcels/tracking/%C3%9Cber-0001", "/parcels/tracking/%C3%9Cber-0001"),
        ("/api/parcels/tracking/has.dot", "/parcels/tracking/has.dot"),
        ("/api/parcels/tracking/-leading-dash", "/parcels/tracking/-leading-dash"),
        ("/api/parcels/tracking/a+b%3Fc%23d", "/parcels/tracking/a%2Bb%3Fc%23d"),
        ("/api/parcels/tracking/%41%62c", "/parcels/tracking/Abc"),
    ];
    for (target, _) in accepted {
        let r = raw(addr, "GET", target, &[], b"").await;
        assert_eq!(r.status, 202, "{target}: the recorder's answer, relayed");
    }
    let r = raw(addr, "GET", &format!("/api/parcels/tracking/{}", &long[..255]), &[], b"").await;
    assert_eq!(r.status, 202, "255 characters");
    let seen: Vec<String> = rec.seen().into_iter().map(|s| s.uri).collect();
    let mut expected: Vec<String> = accepted.iter().map(|(_, up)| up.to_string()).collect();
    expected.push(format!("/parcels/tracking/{}", &long[..255]));
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn health_and_custom_prefix() {
    let rec = Recorder::start().await;
    let p =
        proxy_to(&format!("{}/api/v3", rec.server.url()), |c| c.api_prefix = "/parcel-desk-api".parse().unwrap()).await;
    let c = client();
    let base = p.proxy.url();
    let r = c.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "ok");
    let r = c.get(format!("{base}/api/dsf/tickets/1")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .get(format!("{base}/parcel-desk-api/dsf/tickets/1"))
        .header("x-ticket-token", token_for("1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(rec.seen()[0].uri, "/api/v3/dsf/tickets/1");
}

#[tokio::test]
async fn static_files_with_precompressed_siblings_and_wasm_mime() {
    let dir = std::env::temp_dir().join(format!("pd-static-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>parcel-desk</title>").unwrap();
    std::fs::write(dir.join("app.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("app.wasm.br"), b"BROTLI-BYTES").unwrap();
    std::fs::write(dir.join("app.js"), "console.log(1)").unwrap();
    std::fs::write(dir.join("app.js.gz"), b"GZIP-BYTES").unwrap();
    let rec = Recorder::start().await;
    let p = proxy_to(&rec.server.url(), |c| c.static_dir = Some(dir.clone())).await;
    let base = p.proxy.url();
    let c = reqwest::Client::builder().no_gzip().no_brotli().no_deflate().build().unwrap_or_else(|_| client());

    let r = c.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("parcel-desk"));

    let r = c.get(format!("{base}/app.wasm")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"\0asm\x01\0\0\0");

    let r = c.get(format!("{base}/app.wasm")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"BROTLI-BYTES");

    let r = c.get(format!("{base}/app.js")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(r.headers()["content-type"].to_str().unwrap().contains("javascript"));

    let r = c.get(format!("{base}/missing.js")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = c.post(format!("{base}/index.html")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = raw(p.proxy.addr(), "GET", "/..%2f..%2fetc/passwd", &[], b"").await;
    assert_eq!(r.status, 404);
    let r = raw(p.proxy.addr(), "GET", "/../../etc/passwd", &[], b"").await;
    assert_eq!(r.status, 404);
    assert!(rec.seen().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn cors_only_for_configured_origins() {
    let rec = Recorder::start().await;
    let shop = "https://shop.example";
    let p = proxy_to(&rec.server.url(), |c| {
        c.allowed_origins = vec![shop.parse().unwrap(), "http://localhost:3000".parse().unwrap()]
    })
    .await;
    let addr = p.proxy.addr();

    let tok = format!("X-Ticket-Token: {}", token_for("1001"));
    let r = raw(addr, "GET", "/api/dsf/tickets/1001", &["Origin: https://shop.example", &tok], b"").await;
    assert_eq!(r.status, 202);
    let exposed = r.header("access-control-expose-headers").unwrap().to_ascii_lowercase();
    for h in ["retry-after", "idempotent-replayed", "x-ticket-token"] {
        assert!(exposed.contains(h), "{exposed}");
    }
    assert_eq!(r.header("access-control-allow-origin").as_deref(), Some(shop));
    assert!(r.header("vary").unwrap().contains("Origin"));
    assert!(r.header("access-control-allow-credentials").is_none());

    let r = raw(addr, "GET", "/api/dsf/tickets/1001", &["Origin: https://evil.example", &tok], b"").await;
    assert!(r.header("access-control-allow-origin").is_none(), "{r:?}");

    // Errors the proxy makes itself are readable by the allowed shop too.
    let r = raw(addr, "GET", "/api/dsf/tickets/abc", &["Origin: https://shop.example"], b"").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.header("access-control-allow-origin").as_deref(), Some(shop));

    for (path, method) in [
        ("/api/dsf/tickets/lost", "POST"),
        ("/api/dsf/tickets/damage", "POST"),
        ("/api/dsf/files", "POST"),
        ("/api/dsf/tickets/1001", "GET"),
        ("/api/dsf/tickets/b99c8ea5-3156-442e-8dfe-c746218a3fbe", "GET"),
        ("/api/dsf/tickets/requested-data", "GET"),
        ("/api/dsf/tickets/requested-data", "POST"),
        ("/api/parcels/tracking/PD-TRANSIT-0001", "GET"),
    ] {
        let r = raw(
            addr,
            "OPTIONS",
            path,
            &[
                "Origin: https://shop.example",
                &format!("Access-Control-Request-Method: {method}"),
                "Access-Control-Request-Headers: content-type, idempotency-key",
            ],
            b"",
        )
        .await;
        assert_eq!(r.status, 204, "{path}: {r:?}");
        assert_eq!(r.header("access-control-allow-origin").as_deref(), Some(shop));
        assert_eq!(r.header("access-control-allow-methods").as_deref(), Some(method));
        let allowed = r.header("access-control-allow-headers").unwrap().to_ascii_lowercase();
        assert!(
            allowed.contains("content-type")
                && allowed.contains("idempotency-key")
                && allowed.contains("x-ticket-token"),
            "{allowed}"
        );
    }
    let refused: &[(&str, &[&str])] = &[
        ("/api/dsf/tickets/lost", &["Origin: https://evil.example", "Access-Control-Request-Method: POST"]),
        ("/api/dsf/tickets/lost", &["Origin: https://shop.example", "Access-Control-Request-Method: DELETE"]),
        ("/api/v2/user", &["Origin: https://shop.example", "Access-Control-Request-Method: GET"]),
        ("/api/dsf/tickets/lost", &["Origin: https://shop.example"]),
        // The staff route does not exist without staff configuration.
        ("/api/parcels/tracking", &["Origin: https://shop.example", "Access-Control-Request-Method: POST"]),
    ];
    for (path, headers) in refused {
        let r = raw(addr, "OPTIONS", path, headers, b"").await;
        assert_eq!(r.status, 404, "{path} {headers:?}");
        assert!(r.header("access-control-allow-origin").is_none());
        assert_envelope(&r.body, 404, "not_found");
    }
    // One upstream read: the second read of 1001 came from the read cache.
    assert_eq!(rec.seen().len(), 1, "preflights never reach upstream");

    // No origins configured: no CORS headers at all.
    let p2 = proxy_to(&rec.server.url(), |_| {}).await;
    let r = raw(p2.proxy.addr(), "GET", "/api/dsf/tickets/1001", &["Origin: https://shop.example", &tok], b"").await;
    assert!(!r.head.to_ascii_lowercase().contains("access-control-"), "{r:?}");
    let r = raw(
        p2.proxy.addr(),
        "OPTIONS",
        "/api/dsf/tickets/lost",
        &["Origin: https://shop.example", "Access-Control-Request-Method: POST"],
        b"",
    )
    .await;
    assert_eq!(r.status, 404);
}
