//! parcel-desk reference proxy.
//!
//! The parcel-desk widget runs in shoppers' browsers and never holds API
//! secrets; it calls this proxy, which forwards an allowlist of routes to the
//! Sendcloud Support API with the merchant's credentials (see `README.md`
//! in this crate for the contract, routes and configuration).
//!
//! * [`config`]: configuration (TOML file, `PARCEL_DESK_*` variables).
//! * [`proxy`]: the forwarding router.
//! * [`start`]: runs the proxy (and, in sandbox mode, the simulator of the
//!   crate `parcel-desk-sandbox`) on real sockets — what the binary and the
//!   tests use.

pub mod access;
pub mod auth;
pub mod body;
pub mod config;
pub mod declaration;
pub mod envelope;
pub mod idempotency;
pub mod jtl;
pub mod orders;
pub mod proxy;
/// The one rate limiter (in wire, shared with the sandbox).
pub use parcel_desk_wire::ratelimit;
pub mod store;

use std::io;
use std::net::SocketAddr;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use config::{Config, ConfigError, Flags, Secret};

/// `User-Agent` of upstream requests (Sendcloud and JTL-SCX).
pub const USER_AGENT: &str = concat!("parcel-desk-proxy/", env!("CARGO_PKG_VERSION"));
pub use parcel_desk_sandbox::{Credentials, DemoParcel, SandboxOptions, SandboxStats, DEMO_PARCELS, DEMO_TICKETS};

/// A running HTTP server. Dropping it (or [`Server::shutdown`]) stops it
/// gracefully.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Server {
    /// The bound address (the real port when listening on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets in-flight requests finish, and waits.
    pub async fn shutdown(mut self) -> io::Result<()> {
        self.shutdown.take();
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }

    /// Waits until the server stops (e.g. on an I/O error), without asking
    /// it to.
    pub async fn wait(mut self) -> io::Result<()> {
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shutdown.take();
    }
}

/// Serves `router` on `listener` in a background task, with the peer
/// address available to handlers (`ConnectInfo<SocketAddr>`).
pub fn serve(listener: TcpListener, router: Router) -> io::Result<Server> {
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await
    });
    Ok(Server { addr, shutdown: Some(tx), task: Some(task) })
}

/// Starts the sandbox simulator on `listen` (use port 0 for an ephemeral
/// port), accepting only `creds`.
pub async fn start_sandbox(listen: SocketAddr, creds: Credentials) -> io::Result<Server> {
    start_sandbox_with(listen, creds, SandboxOptions::from_env()).await
}

/// [`start_sandbox`] with explicit options (faults, limit window, …).
pub async fn start_sandbox_with(listen: SocketAddr, creds: Credentials, options: SandboxOptions) -> io::Result<Server> {
    let listener = TcpListener::bind(listen).await?;
    // With the JTL-SCX simulator under /jtl (its refresh token: the
    // sandbox secret key).
    serve(listener, parcel_desk_sandbox::app(creds, options))
}

/// Why [`start`] failed.
#[derive(Debug)]
pub enum StartError {
    /// Configuration is unusable (message names the key).
    Config(String),
    /// Binding or serving failed.
    Io(io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Config(m) => f.write_str(m),
            StartError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for StartError {}

/// A started proxy, plus its sandbox upstream in sandbox mode.
#[derive(Debug)]
pub struct Running {
    pub proxy: Server,
    pub sandbox: Option<Server>,
    /// The effective configuration (in sandbox mode: pointed at the
    /// sandbox, with its generated credentials; the secret stays redacted
    /// in `Debug`).
    pub config: Config,
}

/// Starts the proxy on `config.listen`. With `config.sandbox`, first starts
/// the simulator on an ephemeral `127.0.0.1` port with fresh credentials and
/// points `support` at it, so the real forwarding path is used over HTTP.
pub async fn start(mut config: Config) -> Result<Running, StartError> {
    let mut sandbox = None;
    if config.sandbox {
        let creds = Credentials::generate();
        let options = SandboxOptions {
            window: config.upstream.window,
            faults: config.sandbox_faults,
            slow: config.support.timeout + std::time::Duration::from_secs(2),
            ..SandboxOptions::from_env()
        };
        let server = start_sandbox_with(SocketAddr::from(([127, 0, 0, 1], 0)), creds.clone(), options)
            .await
            .map_err(StartError::Io)?;
        config
            .use_sandbox(&server.url(), creds.public_key, creds.secret_key, parcel_desk_sandbox::jtl::SANDBOX_SELLER_ID)
            .map_err(|e| StartError::Config(format!("the sandbox's URL {}: {e}", server.url())))?;
        sandbox = Some(server);
    }
    let router = proxy::router(&config).await.map_err(|e| StartError::Config(e.0))?;
    let listener = TcpListener::bind(config.listen).await.map_err(StartError::Io)?;
    let proxy = serve(listener, router).map_err(StartError::Io)?;
    Ok(Running { proxy, sandbox, config })
}

/// What the sandbox banner says about the staff view.
#[derive(Clone, Copy, Debug)]
pub enum StaffBanner<'a> {
    /// `--demo-staff` generated this token for the run: print it.
    Generated(&'a Secret),
    /// `staff.token` or `staff.tokens` is configured: name the view, never a token.
    Configured,
    /// No staff token: the staff routes are off.
    Off,
}

/// The sandbox banner: URLs, the staff view and the demo parcels and
/// tickets, one line each.
pub fn sandbox_banner(addr: SocketAddr, api_prefix: &str, staff: StaffBanner<'_>) -> String {
    let mut out = String::new();
    out.push_str("parcel-desk proxy running in SANDBOX mode (simulated Sendcloud Support API, no real claims)\n");
    out.push_str(&format!("  URL:       http://{addr}/\n"));
    out.push_str(&format!("  shop page: http://{addr}/shop.html\n"));
    out.push_str(&format!("  claim-only build: http://{addr}/claim/\n"));
    out.push_str(&format!("  API:       http://{addr}{api_prefix}/\n"));
    match staff {
        StaffBanner::Generated(token) => {
            out.push_str(&format!("  staff view: http://{addr}/?view=staff\n"));
            out.push_str(&format!("  staff token (generated for this run): {}\n", token.expose()));
        }
        StaffBanner::Configured => {
            out.push_str(&format!(
                "  staff view: http://{addr}/?view=staff (token: the configured staff.token or staff.tokens)\n"
            ));
        }
        StaffBanner::Off => {
            out.push_str("  staff view: off (set staff.token, or run with --demo-staff)\n");
        }
    }
    out.push_str("demo tracking numbers:\n");
    for p in DEMO_PARCELS {
        out.push_str(&format!("  {:<22} {}\n", p.tracking_number, p.description));
    }
    out.push_str("  (any other)            400 \"Parcel not found.\"\n");
    out.push_str(&format!(
        "tracking: GET http://{addr}{api_prefix}/parcels/tracking/NUMBER[?postal_code=…] (recipient postal codes: {})\n",
        parcel_desk_sandbox::DEMO_RECIPIENT_POSTAL_CODES.iter().map(|(t, p)| format!("{t} {p}")).collect::<Vec<_>>().join(", ")
    ));
    out.push_str(&format!("demo tickets (GET http://{addr}{api_prefix}/dsf/tickets/ID?order_number=ORD-ID):\n"));
    for (id, d) in DEMO_TICKETS {
        out.push_str(&format!("  {id:<22} {d}\n"));
    }
    out.push_str(&format!(
        "demo orders (claims by order number, e-mail {}): ORD-0001 … ORD-0010 (one per demo parcel), ORD-1001 (two parcels), ORD-1002\n",
        parcel_desk_sandbox::demo::orders::DEMO_ORDER_EMAIL
    ));
    out
}

#[cfg(test)]
mod readme_tests {
    const README: &str = include_str!("../README.md");

    #[test]
    fn readme_lists_every_demo_parcel_and_config_key() {
        for p in crate::DEMO_PARCELS {
            let row = format!("| `{}` | {} |", p.tracking_number, p.description);
            assert!(README.contains(&row), "README is missing: {row}");
        }
        for (key, _) in crate::config::KEYS {
            let row = format!("| `{key}` | `{}` |", crate::config::env_var_name(key));
            assert!(README.contains(&row), "README is missing: {row}");
        }
        for (id, _) in crate::DEMO_TICKETS {
            assert!(README.contains(&format!("| {id} |")), "README is missing ticket {id}");
        }
    }
}
