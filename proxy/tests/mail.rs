//! Customer e-mail through a real SMTP server: aiosmtpd from PyPI
//! (`proxy/tests/smtp_sink.py`, in the virtualenv `scripts/setup.sh test`
//! makes: `.tools/venv`, or the Python in `PD_SMTP_SINK_PYTHON`), started
//! and stopped by the tests on a free loopback port.
//!
//! * A German customer's claim: the received, filed, "the carrier needs
//!   something from you" and resolved mails arrive, in German, with the
//!   reference and the status link, as plain text plus HTML.
//! * The mail server down: the mails wait, then arrive once it is up, each
//!   exactly once, although two proxies share the store and both send.
//! * A mail the server refuses for good (550): `needs_attention`, in the
//!   claim's history, not retried.
//! * Sandbox mode without a server: the mails are kept and shown at
//!   `/sandbox/mails`, which no other proxy has.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::*;
use parcel_desk_proxy::mail::SmtpUrl;
use parcel_desk_proxy::store::Store;
use parcel_desk_proxy::{start_sandbox_with, Config, Credentials, Running, SandboxOptions, Secret, Server};
use serde_json::{json, Value};

/// The SMTP sink, stopped when dropped.
struct Sink {
    child: Child,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> PathBuf {
    if let Ok(p) = std::env::var("PD_SMTP_SINK_PYTHON") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../.tools/venv/bin/python")
}

/// Starts aiosmtpd on 127.0.0.1:`port`, writing to `dir`; returns once it
/// listens.
fn start_sink(port: u16, dir: &Path) -> Sink {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
    let py = python();
    let mut child = Command::new(&py)
        .arg(&script)
        .args(["--port", &port.to_string(), "--dir"])
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {} (run scripts/setup.sh test for aiosmtpd): {e}", py.display()));
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(
        line.trim(),
        "ready",
        "the SMTP sink did not start (is aiosmtpd installed in {}? run scripts/setup.sh test)",
        py.display()
    );
    Sink { child }
}

/// The mails the sink received (decoded by Python's email package).
fn mails(dir: &Path) -> Vec<Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default();
    files.sort();
    files.iter().map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()).collect()
}

async fn wait_for_mails(dir: &Path, n: usize, secs: u64) -> Vec<Value> {
    let until = std::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let m = mails(dir);
        if m.len() >= n {
            return m;
        }
        let subjects: Vec<&str> = m.iter().map(|m| m["subject"].as_str().unwrap_or("")).collect();
        assert!(std::time::Instant::now() < until, "{n} mails expected, the sink has {}: {subjects:?}", m.len());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const STATUS_PAGE: &str = "https://shop.example/reklamation";

/// A sandbox without rate limits (the test reads a lot) and its stats.
async fn sandbox() -> Server {
    let options =
        SandboxOptions { upstream_limits: false, list_delay: Duration::from_millis(300), ..SandboxOptions::default() };
    let creds = Credentials { public_key: PUBLIC.into(), secret_key: Secret::new(SECRET) };
    start_sandbox_with(loopback(), creds, options).await.unwrap()
}

/// A proxy in front of `sandbox` that mails through 127.0.0.1:`port`,
/// watching tickets every second, on the store file `store`.
async fn proxy(sandbox: &Server, port: u16, store: &Path) -> Running {
    proxy_to(&sandbox.url(), |c: &mut Config| {
        c.claims.parcel_kind = Some(parcel_desk_wire::ParcelKind::OwnContract);
        c.store.path = Some(store.to_path_buf());
        c.upstream.reads_per_minute = std::num::NonZeroU32::new(10_000).unwrap();
        c.upstream.read_cache = Duration::ZERO;
        c.upstream.watch = Some(Duration::from_secs(1));
        c.mail.smtp_url = Some(SmtpUrl::parse(&format!("smtp://127.0.0.1:{port}?tls=none")).unwrap());
        c.mail.from = Some("Nordlicht Kaffee <reklamation@nordlicht.example>".into());
        c.mail.status_url = Some(STATUS_PAGE.into());
        c.mail.tick = Duration::from_millis(100);
        c.mail.retry_base = Duration::from_millis(200);
    })
    .await
}

fn german_claim() -> Value {
    json!({
        "claim_type": "lost",
        "tracking_number": "PD-OWN-0003",
        "contents": "Eine blaue Vase",
        "email": "juergen@example.de",
        "name": "Jürgen <Müller>",
        "declaration": {"accepted": true, "signed_name": "Jürgen Müller"},
        "language": "de"
    })
}

/// Files the German claim; returns (claim id, token, reference).
async fn file_claim(c: &reqwest::Client, api: &str) -> (String, String, String) {
    file_claim_for(c, api, german_claim()).await
}

async fn file_claim_for(c: &reqwest::Client, api: &str, claim: Value) -> (String, String, String) {
    let r = c
        .post(format!("{api}/claims"))
        .header("content-type", "application/json")
        .body(claim.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let v: Value = serde_json::from_str(&r.text().await.unwrap()).unwrap();
    let s = |k: &str| v[k].as_str().unwrap().to_owned();
    (s("claim_id"), s("access_token"), s("reference"))
}

/// Moves sandbox ticket `id` as the carrier would.
async fn move_ticket(c: &reqwest::Client, sandbox: &Server, id: i64, body: Value) {
    let r = c
        .post(format!("{}/sandbox/tickets/{id}", sandbox.url()))
        .header("authorization", basic(PUBLIC, SECRET))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pd-mail-{name}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn by_subject<'a>(mails: &'a [Value], subject: &str) -> &'a Value {
    mails.iter().find(|m| m["subject"] == subject).unwrap_or_else(|| {
        panic!("no mail {subject:?} among {:?}", mails.iter().map(|m| &m["subject"]).collect::<Vec<_>>())
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_german_customer_gets_german_mails_at_each_moment() {
    let dir = temp_dir("de");
    let port = port_for_child();
    let sink = start_sink(port, &dir);
    let sandbox = sandbox().await;
    let store_path = parcel_desk_proxy::config::temp_store_path();
    let p = proxy(&sandbox, port, &store_path).await;
    let api = format!("{}/api", p.proxy.url());
    let c = client();

    let (id, token, reference) = file_claim(&c, &api).await;
    let (_, ticket) = poll_claim(&c, &api, &id, &token, 20, |st, _| st == 200).await;
    let ticket_id = ticket["id"].as_i64().unwrap();
    let got = wait_for_mails(&dir, 2, 20).await;
    let received = by_subject(&got, &format!("Wir haben Ihre Reklamation {reference} erhalten"));
    let filed = by_subject(&got, &format!("Ihre Reklamation {reference} wurde beim Versanddienstleister eingereicht"));

    // The carrier asks the customer for something, then the claim is paid.
    move_ticket(&c, &sandbox, ticket_id, json!({"status": "action_required", "requested": ["damage_photo"]})).await;
    let got = wait_for_mails(&dir, 3, 20).await;
    let asks =
        by_subject(&got, &format!("Ihre Reklamation {reference}: Der Versanddienstleister benötigt Angaben von Ihnen"));
    move_ticket(&c, &sandbox, ticket_id, json!({"status": "claim_paid", "outcome": "claim_approved"})).await;
    let got = wait_for_mails(&dir, 4, 20).await;
    let resolved = by_subject(&got, &format!("Ihre Reklamation {reference} ist abgeschlossen"));

    let link = format!("{STATUS_PAGE}?view=status&ref={reference}");
    for m in [received, filed, asks, resolved] {
        assert_eq!(m["content_type"], "multipart/alternative", "{m}");
        assert_eq!(m["parts"], json!(["text/plain", "text/html"]), "{m}");
        assert_eq!(m["rcpt_tos"], json!(["juergen@example.de"]));
        assert!(m["to"].as_str().unwrap().contains("juergen@example.de"), "{m}");
        assert!(m["from"].as_str().unwrap().contains("reklamation@nordlicht.example"));
        let (text, html) = (m["text"].as_str().unwrap(), m["html"].as_str().unwrap());
        assert!(text.starts_with("Guten Tag Jürgen <Müller>,"), "{text}");
        assert!(text.contains(&format!("Ihre Referenz: {reference}")) && text.contains(&link), "{text}");
        assert!(html.contains("Guten Tag Jürgen &lt;Müller&gt;,"), "the name is escaped: {html}");
        assert!(html.contains(&format!("href=\"{}\"", link.replace('&', "&amp;"))), "{html}");
        assert!(html.contains("<html lang=\"de\">") && !html.contains("<img"), "{html}");
        assert!(m["message_id"].as_str().unwrap().ends_with("@nordlicht.example>"));
    }
    assert!(received["text"].as_str().unwrap().contains("vielen Dank für Ihre Meldung"));
    assert_eq!(got.len(), 4, "one mail per moment");

    // Each sent mail is in the claim's history (actor `mail`).
    let store = Store::open_path(&store_path, 24).await.unwrap();
    let sent: Vec<String> = store
        .history(&id)
        .await
        .unwrap()
        .into_iter()
        .filter(|h| h.actor == "mail" && h.action == "mail_sent")
        .filter_map(|h| h.detail)
        .collect();
    assert_eq!(sent, ["received", "filed", "needs_customer", "resolved"]);
    drop(sink);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mail_server_that_is_down_delays_the_mails_and_none_is_lost_or_sent_twice() {
    let dir = temp_dir("down");
    let port = port_for_child();
    let sandbox = sandbox().await;
    let store_path = parcel_desk_proxy::config::temp_store_path();
    // Two proxies on one store: both scan and send.
    let a = proxy(&sandbox, port, &store_path).await;
    let b = proxy(&sandbox, port, &store_path).await;
    let api = format!("{}/api", a.proxy.url());
    let c = client();

    let (id, token, reference) = file_claim(&c, &api).await;
    poll_claim(&c, &api, &id, &token, 20, |st, _| st == 200).await;
    let store = Store::open_path(&store_path, 24).await.unwrap();
    // Both mails wait, tried and kept for later.
    let until = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let rows = store.claim_mails(&id).await.unwrap();
        let tried = rows.iter().filter(|m| m.attempts >= 1 && m.state != "sent").count();
        if rows.len() == 2 && tried >= 1 && rows.iter().all(|m| m.state == "queued" || m.state == "sending") {
            let waiting = rows.iter().find(|m| m.attempts >= 1).unwrap();
            if waiting.reason.as_deref().is_some_and(|r| r.contains("cannot take it now")) {
                break;
            }
        }
        assert!(std::time::Instant::now() < until, "mails not waiting: {rows:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(mails(&dir).is_empty());

    // The server comes up: each mail arrives, once.
    let sink = start_sink(port, &dir);
    let got = wait_for_mails(&dir, 2, 30).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let got_later = mails(&dir);
    assert_eq!(got_later.len(), 2, "no mail twice: {got_later:?}");
    let mut ids: Vec<&str> = got.iter().map(|m| m["message_id"].as_str().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2);
    by_subject(&got, &format!("Wir haben Ihre Reklamation {reference} erhalten"));
    by_subject(&got, &format!("Ihre Reklamation {reference} wurde beim Versanddienstleister eingereicht"));
    let rows = store.claim_mails(&id).await.unwrap();
    assert!(rows.iter().all(|m| m.state == "sent" && m.sent_at.is_some()), "{rows:?}");
    drop(sink);
    drop(b);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_mail_the_server_refuses_for_good_needs_attention_and_is_not_retried() {
    let dir = temp_dir("refused");
    let port = port_for_child();
    let sink = start_sink(port, &dir);
    let sandbox = sandbox().await;
    let store_path = parcel_desk_proxy::config::temp_store_path();
    let p = proxy(&sandbox, port, &store_path).await;
    let api = format!("{}/api", p.proxy.url());
    let c = client();
    let mut claim = german_claim();
    claim["email"] = json!("nobody@example.de");
    let (id, _, _) = file_claim_for(&c, &api, claim).await;
    let store = Store::open_path(&store_path, 24).await.unwrap();
    let until = std::time::Instant::now() + Duration::from_secs(20);
    let row = loop {
        let rows = store.claim_mails(&id).await.unwrap();
        if let Some(r) = rows.into_iter().find(|r| r.moment == "received" && r.state == "needs_attention") {
            break r;
        }
        assert!(std::time::Instant::now() < until, "the refused mail is not marked");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(row.attempts, 1, "a permanent refusal is not retried");
    assert!(row.reason.as_deref().unwrap().contains("No such user"), "{row:?}");
    let history = store.history(&id).await.unwrap();
    assert!(history.iter().any(|h| h.actor == "mail" && h.action == "mail_failed"));
    assert!(mails(&dir).is_empty());
    drop(sink);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn sandbox_mode_keeps_the_mails_and_shows_them() {
    let mut cfg = Config { sandbox: true, listen: loopback(), ..Config::default() };
    cfg.mail.tick = Duration::from_millis(100);
    let running = parcel_desk_proxy::start(cfg).await.unwrap();
    let base = running.proxy.url();
    let c = client();
    let (id, _, reference) = file_claim(&c, &format!("{base}/api")).await;
    let until = std::time::Instant::now() + Duration::from_secs(20);
    let page = loop {
        let r = c.get(format!("{base}/sandbox/mails")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        let page = r.text().await.unwrap();
        if page.contains(&format!("Ihre Reklamation {reference}")) {
            break page;
        }
        assert!(std::time::Instant::now() < until, "no kept mail for {id}: {page}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(page.contains("juergen@example.de"));
    assert!(page.contains(&format!("{base}/?view=status&amp;ref={reference}")), "links to this proxy's page");
    assert!(page.contains("Jürgen &lt;Müller&gt;") && !page.contains("<Müller>"));
    // Outside sandbox mode the page does not exist.
    let plain = proxy_to(running.config.support.base_url.as_str(), |_| {}).await;
    let r = c.get(format!("{}/sandbox/mails", plain.proxy.url())).send().await.unwrap();
    assert_eq!(r.status(), 404);
}
