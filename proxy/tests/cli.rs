//! The binary: sandbox banner, config errors, refusal without credentials.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_parcel-desk-proxy");

fn clean_env(cmd: &mut Command) -> &mut Command {
    for (k, _) in std::env::vars() {
        if k.starts_with("PARCEL_DESK_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// Starts the binary with `args` and reads its banner (up to the last demo
/// ticket line). The caller kills the child.
fn start_with_banner(args: &[&str]) -> (std::process::Child, Vec<String>) {
    let mut child = clean_env(&mut Command::new(BIN))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(l) => {
                let done = l.contains("1004");
                lines.push(l);
                if done {
                    break;
                }
            }
            Err(_) => continue,
        }
    }
    (child, lines)
}

fn banner_url(lines: &[String]) -> String {
    let url_line = lines.iter().find(|l| l.contains("URL:")).unwrap_or_else(|| panic!("{}", lines.join("\n")));
    url_line.split_whitespace().last().unwrap().to_owned()
}

#[test]
fn sandbox_mode_prints_banner_with_bound_address_and_demo_parcels() {
    let (mut child, lines) = start_with_banner(&["--sandbox", "--listen", "127.0.0.1:0"]);
    let banner = lines.join("\n");
    let url = banner_url(&lines);
    // Without --demo-staff (and no staff.token) the staff view is off, and says how to turn it on.
    assert!(banner.contains("staff view: off") && banner.contains("--demo-staff"), "{banner}");
    assert!(url.starts_with("http://127.0.0.1:") && !url.contains(":0/"), "{banner}");
    assert!(banner.contains(&format!("{url}shop.html")), "{banner}");
    for p in parcel_desk_proxy::DEMO_PARCELS {
        let line = lines.iter().find(|l| l.contains(p.tracking_number)).unwrap_or_else(|| panic!("{banner}"));
        assert!(line.contains(p.description), "{line}");
    }
    // It really serves: health, and a claim forwarded to the embedded sandbox.
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let c = reqwest::Client::new();
        assert_eq!(c.get(format!("{url}healthz")).send().await.unwrap().status(), 200);
        let r = c
            .post(format!("{url}api/dsf/tickets/lost"))
            .header("content-type", "application/json")
            .body(r#"{"tracking_number":"PD-OWN-0003"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 202);
        let r = c.get(format!("{url}api/dsf/tickets/1003?order_number=ORD-1003")).send().await.unwrap();
        assert_eq!(r.status(), 200);
    });
    child.kill().unwrap();
    let _ = child.wait();
}

#[test]
fn demo_staff_generates_a_token_that_opens_the_staff_route() {
    let (mut child, lines) = start_with_banner(&["--sandbox", "--demo-staff", "--listen", "127.0.0.1:0"]);
    let banner = lines.join("\n");
    let url = banner_url(&lines);
    assert!(banner.contains(&format!("staff view: {url}?view=staff")), "{banner}");
    let token_line = lines.iter().find(|l| l.contains("staff token")).unwrap_or_else(|| panic!("{banner}"));
    let token = token_line.split_whitespace().last().unwrap().to_owned();
    assert!(token.len() >= 32, "{banner}");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        let c = reqwest::Client::new();
        let register = |auth: Option<String>| {
            let mut r =
                c.post(format!("{url}api/parcels/tracking")).header("content-type", "application/json").body("{}");
            if let Some(a) = auth {
                r = r.header("authorization", a);
            }
            r.send()
        };
        // No header: the route does not exist; a wrong token: 401; the printed
        // token: past authentication, to the body's validation (400).
        assert_eq!(register(None).await.unwrap().status(), 404);
        assert_eq!(register(Some("Bearer wrong-token-0123456789".into())).await.unwrap().status(), 401);
        assert_eq!(register(Some(format!("Bearer {token}"))).await.unwrap().status(), 400);
    });
    child.kill().unwrap();
    let _ = child.wait();

    // A configured staff.token is used as it is and never printed.
    let configured = "configured-staff-token-0123456789";
    let mut child = clean_env(&mut Command::new(BIN))
        .args(["--sandbox", "--demo-staff", "--listen", "127.0.0.1:0"])
        .env("PARCEL_DESK_STAFF_TOKEN", configured)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut banner = String::new();
    while !banner.contains("1004") {
        if out.read_line(&mut banner).unwrap() == 0 {
            break;
        }
    }
    child.kill().unwrap();
    let _ = child.wait();
    assert!(banner.contains("the configured staff.token") && !banner.contains(configured), "{banner}");

    // --demo-staff only goes with --sandbox.
    let out = clean_env(&mut Command::new(BIN)).args(["--demo-staff"]).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--sandbox"));
}

#[test]
fn bad_config_exits_2_naming_the_key() {
    let path = std::env::temp_dir().join(format!("pd-bad-{}.toml", std::process::id()));
    std::fs::write(&path, "[limits]\ncreate_per_minute = \"ten\"\n").unwrap();
    let out = clean_env(&mut Command::new(BIN)).arg("--config").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("limits.create_per_minute"), "{err}");

    std::fs::write(&path, "[support]\nsecret_key = 5\n").unwrap();
    let out = clean_env(&mut Command::new(BIN)).arg("--config").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("support.secret_key"));

    let out = clean_env(&mut Command::new(BIN)).env("PARCEL_DESK_ALLOWED_ORIGINS", "shop.example").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("allowed_origins") && err.contains("PARCEL_DESK_ALLOWED_ORIGINS"), "{err}");
    let _ = std::fs::remove_file(&path);
}

#[test]
fn refuses_to_start_without_credentials() {
    let out = clean_env(&mut Command::new(BIN)).args(["--listen", "127.0.0.1:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no upstream credentials") && err.contains("--sandbox"), "{err}");
}
