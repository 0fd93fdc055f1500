//! OAuth2 client credentials instead of HTTP Basic, against the sandbox's
//! token endpoint: one token for many calls, renewed when it runs out,
//! fetched again once when upstream refuses it, and a clear error when the
//! credentials are wrong.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use common::*;
use parcel_desk_proxy::config::AuthMode;
use parcel_desk_proxy::{start_sandbox_with, Credentials, SandboxOptions, Secret, Server};
use serde_json::json;

async fn sandbox_with(options: SandboxOptions) -> Server {
    let creds = Credentials { public_key: PUBLIC.into(), secret_key: Secret::new(SECRET) };
    start_sandbox_with(loopback(), creds, options).await.unwrap()
}

async fn read_tracking(c: &reqwest::Client, api: &str) -> (u16, String) {
    let r = c.get(format!("{api}/parcels/tracking/PD-TRANSIT-0001")).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn one_token_for_many_calls_and_a_new_one_when_upstream_refuses_it() {
    let options = SandboxOptions { upstream_limits: false, ..SandboxOptions::default() };
    let stats = options.stats.clone();
    let sb = sandbox_with(options).await;
    let p = proxy_to(&sb.url(), |cfg| {
        cfg.support.auth = AuthMode::OAuth2;
        cfg.support.token_url = format!("{}/oauth2/token/", sb.url()).parse().unwrap();
    })
    .await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    for _ in 0..10 {
        assert_eq!(read_tracking(&c, &api).await.0, 200);
    }
    assert_eq!(stats.tokens_issued.load(Ordering::Relaxed), 1, "one token, cached");

    // A claim is filed with the same token.
    let (state, _) =
        settle_claim(&c, &api, "/dsf/tickets/lost", None, &json!({"tracking_number": "PD-OWN-0003"})).await;
    assert_eq!(state, "filed");
    assert_eq!(stats.tokens_issued.load(Ordering::Relaxed), 1);

    // Upstream revokes every token: the next call gets 401, fetches a new
    // token once and succeeds.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    stats.tokens_valid_from_ms.store(now + 1, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert_eq!(read_tracking(&c, &api).await.0, 200);
    assert_eq!(stats.tokens_issued.load(Ordering::Relaxed), 2);
}

#[tokio::test]
async fn a_token_is_renewed_before_it_runs_out() {
    let options =
        SandboxOptions { upstream_limits: false, token_ttl: Duration::from_secs(2), ..SandboxOptions::default() };
    let stats = options.stats.clone();
    let sb = sandbox_with(options).await;
    let p = proxy_to(&sb.url(), |cfg| {
        cfg.support.auth = AuthMode::OAuth2;
        cfg.support.token_url = format!("{}/oauth2/token/", sb.url()).parse().unwrap();
    })
    .await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    assert_eq!(read_tracking(&c, &api).await.0, 200);
    tokio::time::sleep(Duration::from_millis(1900)).await;
    // Within the last tenth of its life: renewed before use, never refused.
    assert_eq!(read_tracking(&c, &api).await.0, 200);
    assert_eq!(stats.tokens_issued.load(Ordering::Relaxed), 2);
}

#[tokio::test]
async fn wrong_client_credentials_are_a_clear_401_without_the_secret() {
    let sb = sandbox_with(SandboxOptions::default()).await;
    let p = proxy_to(&sb.url(), |cfg| {
        cfg.support.auth = AuthMode::OAuth2;
        cfg.support.token_url = format!("{}/oauth2/token/", sb.url()).parse().unwrap();
        cfg.support.secret_key = Secret::new("not-the-secret-0000");
    })
    .await;
    let c = client();
    let (status, body) = read_tracking(&c, &format!("{}/api", p.proxy.url())).await;
    assert_eq!(status, 401);
    assert!(assert_envelope(&body, 401, "unauthorized").contains("OAuth2 token endpoint"));
    assert!(!body.contains("not-the-secret") && !body.contains(SECRET));
}
