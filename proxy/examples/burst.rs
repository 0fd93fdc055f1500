//! `make bench`'s burst: 200 claims at once into a proxy whose account may
//! create 15 tickets per 1 s window (a minute at Sendcloud), in front of a
//! sandbox that enforces the same limit. Prints one JSON object: how long
//! accepting took, how long until the sandbox held all 200 tickets, how
//! many 429s the sandbox had to answer, and the proxy's RSS.
//!
//! usage: burst sqlite | burst postgres://user@host:port/db

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use parcel_desk_proxy::{start, start_sandbox_with, Config, Credentials, SandboxOptions, Secret};

const CLAIMS: usize = 200;

fn rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main]
async fn main() {
    let store = std::env::args().nth(1).unwrap_or_else(|| "sqlite".into());
    let options = SandboxOptions {
        upstream_limits: true,
        window: Duration::from_secs(1),
        list_delay: Duration::from_millis(300),
        ..SandboxOptions::default()
    };
    let stats = options.stats.clone();
    let creds = Credentials { public_key: "burst-public".into(), secret_key: Secret::new("burst-secret-key") };
    let sandbox = start_sandbox_with("127.0.0.1:0".parse().unwrap(), creds, options).await.expect("sandbox");
    let mut cfg = Config::for_upstream(&sandbox.url(), "burst-public", "burst-secret-key");
    if store != "sqlite" {
        cfg.store.path = None;
        cfg.store.url = Some(parcel_desk_proxy::store::Location::parse(&store).unwrap());
    }
    cfg.upstream.window = Duration::from_secs(1);
    cfg.limits.create_per_minute = 0;
    cfg.limits.other_per_minute = 0;
    let running = start(cfg).await.unwrap_or_else(|e| panic!("proxy: {e}"));
    let url = format!("{}/api/dsf/tickets/lost", running.proxy.url());
    let client = reqwest::Client::new();
    let rss_start = rss_kb();
    let started = Instant::now();
    let sends = (0..CLAIMS).map(|i| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let body = format!(r#"{{"tracking_number":"PD-LOAD-burst-{i}","contents_description":"burst"}}"#);
            let r = client.post(&url).header("content-type", "application/json").body(body).send().await;
            r.map(|r| r.status().as_u16()).unwrap_or(0)
        }
    });
    let statuses = futures_util::future::join_all(sends).await;
    let accepted_s = started.elapsed().as_secs_f64();
    let accepted = statuses.iter().filter(|s| **s == 202).count();
    let mut rss_max = rss_kb().unwrap_or(0);
    let until = Instant::now() + Duration::from_secs(120);
    while (stats.created.load(Ordering::Relaxed) as usize) < accepted && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
        rss_max = rss_max.max(rss_kb().unwrap_or(0));
    }
    let drained_s = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "store": if store == "sqlite" { "sqlite" } else { "postgres" },
            "claims": CLAIMS,
            "accepted": accepted,
            "accepted_in_s": accepted_s,
            "tickets": stats.created.load(Ordering::Relaxed),
            "drained_in_s": drained_s,
            "creates_per_window": 15,
            "window_s": 1,
            "upstream_429": stats.rate_limited.load(Ordering::Relaxed),
            "rss_start_kb": rss_start,
            "rss_max_kb": rss_max,
        })
    );
}
