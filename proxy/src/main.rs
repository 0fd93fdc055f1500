//! `parcel-desk-proxy`: see `proxy/README.md`.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use parcel_desk_proxy::{config, start, start_sandbox, Config, Credentials, Flags, Secret, DEMO_PARCELS};
use tracing_subscriber::EnvFilter;

/// Reference proxy for the parcel-desk widget.
#[derive(Parser, Debug)]
#[command(name = "parcel-desk-proxy", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on (default 127.0.0.1:8080; `listen`).
    #[arg(long, global = false)]
    listen: Option<String>,
    /// TOML configuration file; PARCEL_DESK_* variables and flags override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Run against the embedded sandbox simulator instead of Sendcloud.
    #[arg(long)]
    sandbox: bool,
    /// Serve this directory at / (outside the API prefix; `static_dir`).
    #[arg(long = "static", value_name = "DIR")]
    static_dir: Option<PathBuf>,
    /// With --sandbox: turn on the staff routes with a token generated for
    /// this run (unless `staff.token` or `staff.tokens` is configured) and print it with the
    /// staff view's URL. `make demo` uses it.
    #[arg(long, requires = "sandbox")]
    demo_staff: bool,
    /// With --sandbox: make this share (0 to 1) of the sandbox's ticket
    /// creations and reads fail (500, 503, 429, resets, slow answers,
    /// answers lost after creating), to watch the pipeline ride through it.
    #[arg(long, value_name = "RATE", requires = "sandbox")]
    sandbox_faults: Option<f64>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run only the sandbox simulator (upstream paths at its root).
    Sandbox {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8081")]
        listen: SocketAddr,
        /// Public key the sandbox accepts (generated when absent).
        #[arg(long, env = "PARCEL_DESK_SANDBOX_PUBLIC_KEY")]
        public_key: Option<String>,
        /// Secret key the sandbox accepts (generated when absent).
        #[arg(long, env = "PARCEL_DESK_SANDBOX_SECRET_KEY", hide_env_values = true)]
        secret_key: Option<String>,
    },
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

fn fail(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("parcel-desk-proxy: {msg}");
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    release_large_buffers();
    let cli = Cli::parse();
    init_tracing();

    if let Some(Command::Sandbox { listen, public_key, secret_key }) = cli.command {
        let (creds, generated) = match (public_key, secret_key) {
            (Some(p), Some(s)) => (Credentials { public_key: p, secret_key: Secret::new(s) }, false),
            (None, None) => (Credentials::generate(), true),
            _ => return fail("give both --public-key and --secret-key, or neither (a pair is then generated)"),
        };
        let server = match start_sandbox(listen, creds.clone()).await {
            Ok(s) => s,
            Err(e) => return fail(format!("cannot listen on {listen}: {e}")),
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "parcel-desk sandbox (simulated Sendcloud Support API) at {}/", server.url());
        let _ = writeln!(out, "  public key: {}", creds.public_key);
        if generated {
            // Generated for this run only, so the operator can configure a proxy.
            let _ = writeln!(out, "  secret key: {}", creds.secret_key.expose());
        } else {
            let _ = writeln!(out, "  secret key: (as given)");
        }
        let _ = writeln!(out, "demo tracking numbers:");
        for p in DEMO_PARCELS {
            let _ = writeln!(out, "  {:<22} {}", p.tracking_number, p.description);
        }
        let _ = out.flush();
        drop(out);
        shutdown_signal().await;
        let _ = server.shutdown().await;
        return ExitCode::SUCCESS;
    }

    let listen = match cli.listen.map(|l| l.trim().parse()) {
        None => None,
        Some(Ok(a)) => Some(a),
        Some(Err(_)) => return fail("invalid --listen: expected an address like 127.0.0.1:8080"),
    };
    let flags = Flags { listen, sandbox: cli.sandbox, static_dir: cli.static_dir, sandbox_faults: cli.sandbox_faults };
    let mut cfg = match Config::load_with(cli.config.as_deref(), std::env::vars(), flags) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    // Only a token generated here is printed; a configured one stays unsaid.
    let mut demo_staff_token = None;
    if cli.demo_staff && !cfg.staff.enabled() {
        let token = Secret::generate();
        cfg.staff.token = Some(token.clone());
        demo_staff_token = Some(token);
    }
    if !cfg.sandbox && !cfg.has_credentials() {
        return fail(format!(
            "no upstream credentials configured. Set support.public_key and support.secret_key \
             (or {} and {}), or run with --sandbox to use the built-in simulator.",
            config::env_var_name("support.public_key"),
            config::env_var_name("support.secret_key"),
        ));
    }
    let running = match start(cfg).await {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let addr = running.proxy.addr();
    if running.config.sandbox {
        let staff = match (&demo_staff_token, running.config.staff.enabled()) {
            (Some(t), _) => parcel_desk_proxy::StaffBanner::Generated(t),
            (None, true) => parcel_desk_proxy::StaffBanner::Configured,
            (None, false) => parcel_desk_proxy::StaffBanner::Off,
        };
        let mut banner = parcel_desk_proxy::sandbox_banner(addr, &running.config.api_prefix, staff);
        banner.push_str(&parcel_desk_proxy::mail_banner(addr, &running.config));
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(banner.as_bytes());
        let _ = out.flush();
    } else {
        println!("parcel-desk proxy listening on http://{addr}/ (API at {})", running.config.api_prefix);
    }
    tracing::info!(%addr, prefix = %running.config.api_prefix, sandbox = running.config.sandbox, "listening");
    shutdown_signal().await;
    tracing::info!("shutting down");
    let _ = running.proxy.shutdown().await;
    ExitCode::SUCCESS
}

/// Large buffers (request bodies, an upload read back for the store: up to
/// 6 MB) come from their own mappings, so that their memory goes back to
/// the system when they are freed. glibc's default raises this threshold
/// after the first such buffer is freed and then serves them from
/// per-thread arenas that keep the memory: 50 concurrent 6 MB uploads
/// peaked at 71–80 MB RSS that way, 54 MB with this (bench/history.md).
fn release_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called once,
    // at start-up.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
    }
}
