//! The durable claims pipeline against the sandbox: upstream down then
//! back, hundreds of claims under injected faults, a burst paced under the
//! account's limit, and two proxy processes on one store with one killed.
//! Everything on loopback, bounded in count and time.

mod common;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use parcel_desk_proxy::{serve, start_sandbox_with, Config, Credentials, Secret, Server};
use parcel_desk_sandbox::{SandboxOptions, SandboxStats};
use serde_json::{json, Value};

async fn sandbox_up_now(options: SandboxOptions) -> Server {
    start_sandbox_with(loopback(), sandbox_creds(), options).await.unwrap()
}

fn sandbox_creds() -> Credentials {
    Credentials { public_key: PUBLIC.into(), secret_key: Secret::new(SECRET) }
}

/// The sandbox brought up on a [`down_port`].
fn sandbox_up(reserved: tokio::net::TcpSocket, options: SandboxOptions) -> Server {
    let listener = reserved.listen(1024).unwrap();
    serve(listener, parcel_desk_sandbox::app(sandbox_creds(), options)).unwrap()
}

/// Fast timing for tests: 1 s upstream timeout, reconciliation after 1 s,
/// retries from 100 ms, no per-client limits (one test client sends all).
fn quick(cfg: &mut Config) {
    cfg.support.timeout = Duration::from_secs(1);
    cfg.upstream.reconcile_after = Duration::from_secs(1);
    cfg.upstream.retry_base = Duration::from_millis(100);
    cfg.upstream.read_cache = Duration::from_secs(1);
    cfg.limits.create_per_minute = 0;
    cfg.limits.other_per_minute = 0;
    cfg.limits.lookup_per_minute = 0;
}

/// Sends `n` lost claims for distinct load parcels (`tag` keeps them apart
/// between tests), 25 at a time; each must be accepted. `(id, token)`s.
async fn send_claims(c: &reqwest::Client, api: &str, tag: &str, n: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(25) {
        let sends = chunk.iter().map(|i| {
            let c = c.clone();
            let url = format!("{api}/dsf/tickets/lost");
            async move {
                let r = c
                    .post(url)
                    .header("content-type", "application/json")
                    .header("idempotency-key", format!("{tag}-{i}"))
                    .body(json!({"tracking_number": format!("PD-LOAD-{tag}-{i}")}).to_string())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 202);
                let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
                (v["ticket_id"].as_str().unwrap().to_owned(), v["access_token"].as_str().unwrap().to_owned())
            }
        });
        out.extend(futures_util::future::join_all(sends).await);
    }
    out
}

/// Reads every claim until each answers upstream's ticket (200); returns
/// the int ids. Panics after `secs`.
async fn all_filed(c: &reqwest::Client, api: &str, claims: &[(String, String)], secs: u64) -> Vec<i64> {
    let until = Instant::now() + Duration::from_secs(secs);
    let mut ids = vec![None; claims.len()];
    loop {
        for (i, (id, token)) in claims.iter().enumerate() {
            if ids[i].is_some() {
                continue;
            }
            let r = c.get(format!("{api}/dsf/tickets/{id}")).header("x-ticket-token", token).send().await.unwrap();
            let status = r.status().as_u16();
            let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap_or_default();
            assert_ne!(v["state"], "needs_attention", "{v}");
            if status == 200 {
                ids[i] = v["id"].as_i64();
            }
        }
        let left = ids.iter().filter(|i| i.is_none()).count();
        if left == 0 {
            return ids.into_iter().map(Option::unwrap).collect();
        }
        if Instant::now() >= until {
            if let Ok(path) = std::env::var("PD_DEBUG_STORE") {
                let db = rusqlite::Connection::open(path).unwrap();
                let mut stmt = db
                    .prepare("SELECT state, ambiguous, ticket_id IS NULL, COALESCE(reason, ''), COUNT(*) FROM claims GROUP BY 1, 2, 3, 4")
                    .unwrap();
                let rows = stmt
                    .query_map([], |r| {
                        Ok(format!(
                            "{} amb={} noid={} {:?} x{}",
                            r.get::<_, String>(0)?,
                            r.get::<_, i64>(1)?,
                            r.get::<_, bool>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, i64>(4)?
                        ))
                    })
                    .unwrap();
                for row in rows {
                    eprintln!("store: {}", row.unwrap());
                }
            }
            panic!("{left} of {} claims not filed after {secs} s", claims.len());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

fn no_limits() -> SandboxOptions {
    SandboxOptions { upstream_limits: false, list_delay: Duration::from_millis(300), ..SandboxOptions::default() }
}

#[tokio::test]
async fn upstream_down_then_back_files_every_accepted_claim_once() {
    let _ = tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_default_env()).try_init();
    let port = down_port();
    let p = proxy_to(&format!("http://{}", port.local_addr().unwrap()), |cfg| {
        quick(cfg);
        cfg.upstream.creates_per_minute = 1000.try_into().unwrap();
    })
    .await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    let claims = send_claims(&c, &api, "down", 20).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let (id, token) = &claims[0];
    let (_, v) = poll_claim(&c, &api, id, token, 5, |s, v| claim_state(s, v) == "queued").await;
    assert_eq!(v["pending"], true);

    let options = no_limits();
    let stats = options.stats.clone();
    let _sb = sandbox_up(port, options);
    let ids = all_filed(&c, &api, &claims, 60).await;
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 20, "one ticket each");
    assert_eq!(stats.created.load(Ordering::Relaxed), 20, "no ticket twice");
}

#[tokio::test]
async fn five_hundred_claims_under_thirty_percent_faults_make_five_hundred_tickets() {
    let stats = Arc::new(SandboxStats::default());
    let options =
        SandboxOptions { faults: 0.3, slow: Duration::from_millis(1500), stats: stats.clone(), ..no_limits() };
    let sb = sandbox_up_now(options).await;
    let p = proxy_to(&sb.url(), |cfg| {
        quick(cfg);
        cfg.upstream.creates_per_minute = 10_000.try_into().unwrap();
        cfg.upstream.reads_per_minute = 10_000.try_into().unwrap();
    })
    .await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    let started = Instant::now();
    let claims = send_claims(&c, &api, "faults", 500).await;
    // Reads fail too under these faults: watch the store, not the reads.
    let db = rusqlite::Connection::open(p.config.store.path.as_ref().unwrap()).unwrap();
    let until = Instant::now() + Duration::from_secs(180);
    let ids: Vec<i64> = loop {
        let mut stmt =
            db.prepare("SELECT ticket_id FROM claims WHERE state = 'filed' AND ticket_id IS NOT NULL").unwrap();
        let ids: Vec<i64> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        if ids.len() == 500 {
            break ids;
        }
        assert!(Instant::now() < until, "{} of 500 claims filed and mapped after 180 s", ids.len());
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let took = started.elapsed();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 500, "a distinct ticket for each claim");
    // Every claim reads as its ticket, through the faults.
    let sample: Vec<_> = claims.iter().step_by(50).cloned().collect();
    all_filed(&c, &api, &sample, 60).await;
    assert_eq!(stats.created.load(Ordering::Relaxed), 500, "exactly 500 upstream tickets");
    let faults = stats.faults.load(Ordering::Relaxed);
    assert!(faults > 100, "faults were injected: {faults}");
    println!("500 claims under 30 % faults: {faults} faults, all filed once in {:.1} s", took.as_secs_f64());
}

#[tokio::test]
async fn a_burst_is_paced_under_the_account_limit_without_a_429() {
    burst(None).await;
}

#[tokio::test]
async fn a_burst_on_postgres_is_paced_under_the_account_limit_without_a_429() {
    let pg = common::pg::Postgres::start();
    burst(Some(pg.database())).await;
}

/// 200 claims at once, on SQLite or on `store_url`.
async fn burst(store_url: Option<String>) {
    // The account allows 15 creations a second here (a minute at Sendcloud).
    let options = SandboxOptions {
        upstream_limits: true,
        window: Duration::from_secs(1),
        list_delay: Duration::from_millis(300),
        ..SandboxOptions::default()
    };
    let stats = options.stats.clone();
    let sb = sandbox_up_now(options).await;
    let p = proxy_to(&sb.url(), |cfg| {
        quick(cfg);
        cfg.upstream.window = Duration::from_secs(1);
        cfg.upstream.reads_per_minute = 30.try_into().unwrap();
        if store_url.is_some() {
            cfg.store.path = None;
            cfg.store.url = store_url.map(|u| parcel_desk_proxy::store::Location::parse(&u).unwrap());
        }
    })
    .await;
    let c = client();
    let api = format!("{}/api", p.proxy.url());
    let started = Instant::now();
    let claims = send_claims(&c, &api, "burst", 200).await;
    let accepted = started.elapsed();
    let until = Instant::now() + Duration::from_secs(60);
    while stats.created.load(Ordering::Relaxed) < 200 {
        assert!(Instant::now() < until, "burst not drained: {}", stats.created.load(Ordering::Relaxed));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let drained = started.elapsed();
    assert_eq!(stats.rate_limited.load(Ordering::Relaxed), 0, "upstream never had to answer 429");
    // 200 at 15 per (1 s + margin): at least 13 windows.
    assert!(drained >= Duration::from_secs(13), "drained too fast for the limit: {drained:?}");
    println!(
        "200-claim burst ({}): accepted in {:.2} s, drained at 15/s in {:.1} s, 0 upstream 429",
        p.config.store.location().redacted(),
        accepted.as_secs_f64(),
        drained.as_secs_f64()
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(stats.created.load(Ordering::Relaxed), 200);
    drop(claims);
}

const BIN: &str = env!("CARGO_BIN_EXE_parcel-desk-proxy");

/// Where a test proxy keeps its state: `PARCEL_DESK_STORE_PATH` or
/// `PARCEL_DESK_STORE_URL` and its value.
type StoreEnv<'a> = (&'a str, &'a str);

/// A proxy process on `store` in front of `upstream`; its URL.
fn spawn_proxy(upstream: &str, store: StoreEnv<'_>) -> (Child, String) {
    let mut child = Command::new(BIN)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("PARCEL_DESK_LISTEN", "127.0.0.1:0")
        .env("PARCEL_DESK_SUPPORT_BASE_URL", upstream)
        .env("PARCEL_DESK_TRACKING_BASE_URL", upstream)
        .env("PARCEL_DESK_SUPPORT_PUBLIC_KEY", PUBLIC)
        .env("PARCEL_DESK_SUPPORT_SECRET_KEY", SECRET)
        .env("PARCEL_DESK_ACCESS_TOKEN_KEY", TOKEN_KEY)
        .env(store.0, store.1)
        .env("PARCEL_DESK_SUPPORT_TIMEOUT_SECS", "1")
        .env("PARCEL_DESK_UPSTREAM_RECONCILE_AFTER_SECS", "1")
        .env("PARCEL_DESK_UPSTREAM_RETRY_BASE_MS", "100")
        .env("PARCEL_DESK_UPSTREAM_CREATES_PER_MINUTE", "10000")
        .env("PARCEL_DESK_UPSTREAM_READS_PER_MINUTE", "10000")
        .env("PARCEL_DESK_LIMITS_CREATE_PER_MINUTE", "0")
        .env("PARCEL_DESK_LIMITS_OTHER_PER_MINUTE", "0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap().trim_end_matches('/').to_owned();
    (child, url)
}

/// Two proxy processes on one store, claims sent to both while upstream
/// fails 30 % of calls; one is killed mid-filing and restarted: every
/// claim is filed once and readable on both.
async fn two_processes_on_one_store(store: StoreEnv<'_>, tag: &str) {
    let stats = Arc::new(SandboxStats::default());
    let options =
        SandboxOptions { faults: 0.3, slow: Duration::from_millis(1500), stats: stats.clone(), ..no_limits() };
    let sb = sandbox_up_now(options).await;
    let (mut a, url_a) = spawn_proxy(&sb.url(), store);
    let (mut b, url_b) = spawn_proxy(&sb.url(), store);
    let c = client();
    let (api_a, api_b) = (format!("{url_a}/api"), format!("{url_b}/api"));
    let mut claims = send_claims(&c, &api_a, &format!("{tag}-a"), 60).await;
    claims.extend(send_claims(&c, &api_b, &format!("{tag}-b"), 60).await);
    // Kill A in the middle of filing, without a chance to clean up.
    tokio::time::sleep(Duration::from_millis(300)).await;
    a.kill().unwrap();
    a.wait().unwrap();
    // Every claim, including A's, is filed once and readable on B.
    let ids = all_filed(&c, &api_b, &claims, 120).await;
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 120);
    assert_eq!(stats.created.load(Ordering::Relaxed), 120, "no claim filed twice");
    // A restarted A reads B's claims too.
    let (mut a2, url_a2) = spawn_proxy(&sb.url(), store);
    let back = all_filed(&c, &format!("{url_a2}/api"), &claims[60..], 30).await;
    assert_eq!(back, ids[60..]);
    for child in [&mut a2, &mut b] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[tokio::test]
async fn two_processes_on_one_store_file_each_claim_once_and_survive_a_kill() {
    let store = parcel_desk_proxy::config::temp_store_path();
    two_processes_on_one_store(("PARCEL_DESK_STORE_PATH", store.to_str().unwrap()), "two").await;
    let _ = std::fs::remove_file(&store);
}

#[tokio::test]
async fn two_processes_on_one_postgres_each_claim_once_and_survive_a_kill() {
    let pg = common::pg::Postgres::start();
    let url = pg.database();
    two_processes_on_one_store(("PARCEL_DESK_STORE_URL", &url), "pg").await;
}
