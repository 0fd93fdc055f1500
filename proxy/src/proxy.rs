//! The proxy itself: an allowlist of widget routes forwarded to the Support
//! API with server-side credentials.
//!
//! Every request goes through one dispatcher ([`router`]) instead of axum's
//! route table, so that nothing outside the allowlist can produce anything
//! but the Support API's 404 envelope — no 405s, no plain-text rejections,
//! no path normalisation surprises.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt as _;

use crate::envelope;
use crate::envelope::ProxyError;
use crate::ratelimit::retry_after_secs;

pub use crate::USER_AGENT;

/// Request headers a CORS preflight may ask for.
const CORS_ALLOW_HEADERS: &str = "content-type, idempotency-key, x-ticket-token";
/// Request headers a preflight for the staff routes may ask for.
const CORS_ALLOW_HEADERS_STAFF: &str = "content-type, authorization";
/// Response headers the widget may read cross-origin.
const CORS_EXPOSE_HEADERS: &str = "Retry-After, Idempotent-Replayed, X-Ticket-Token";

pub(crate) use crate::body::{declared_length, linger, read_json, read_limited, require_json, too_large};

pub(crate) mod claims;
mod customer;
pub mod pipeline;
mod staff;
mod state;
mod tickets;
mod tracking;
pub mod upload;
mod upstream;

pub use state::{router, BuildError};
use state::{Budget, ProxyState};
use upstream::{call, forward, upstream_failure, UpAnswer, Upstream};

pub use parcel_desk_wire::route::{parse_ticket_id, raw_path_is_clean, valid_tracking_number};
use parcel_desk_wire::route::{TicketRef, TrackingRef};
use parcel_desk_wire::Route;

/// A hyphenated UUID (any case) as lower-case text.
pub use parcel_desk_wire::route::parse_uuid as parse_ticket_uuid;

/// The contract's method for an HTTP method (only GET and POST exist).
fn wire_method(m: &Method) -> Option<parcel_desk_wire::Method> {
    parcel_desk_wire::Method::parse(m.as_str())
}

/// The proxy's OpenAPI document for `prefix`, as served (pretty-printed,
/// with a final newline: the same bytes as the committed `proxy/openapi.json`
/// for the default prefix).
pub fn openapi_json(prefix: &str) -> Vec<u8> {
    let doc = parcel_desk_wire::openapi::document(prefix, env!("CARGO_PKG_VERSION"));
    let mut out = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    out.push(b'\n');
    out
}

/// `GET {prefix}/openapi.json`: no query.
fn openapi(st: &ProxyState, req: &Request) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "No query parameters are accepted here.");
    }
    let mut res = Response::new(Body::from(st.site.openapi.clone()));
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

/// One log line per request: method, path (no query), status, latency.
/// Never headers or bodies.
pub async fn access_log(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let start = Instant::now();
    let res = next.run(req).await;
    tracing::info!(
        target: "parcel_desk_proxy::access",
        method = %method,
        path = %path,
        status = res.status().as_u16(),
        latency_ms = start.elapsed().as_millis() as u64,
        "request"
    );
    res
}

async fn dispatch(State(st): State<Arc<ProxyState>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    if !raw_path_is_clean(&path) {
        return envelope::not_found();
    }
    if path == "/healthz" {
        return match *req.method() {
            Method::GET | Method::HEAD => ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok").into_response(),
            _ => envelope::not_found(),
        };
    }
    if let Some(rest) = path.strip_prefix(st.site.prefix.as_str()) {
        if rest.starts_with('/') || rest.is_empty() {
            let rest = rest.to_owned();
            return api(st, req, &rest).await;
        }
    }
    match &st.site.static_files {
        Some(files) if matches!(*req.method(), Method::GET | Method::HEAD) => match files.clone().oneshot(req).await {
            Ok(res) => res.map(Body::new),
            Err(never) => match never {},
        },
        _ => envelope::not_found(),
    }
}

fn client_ip(st: &ProxyState, req: &Request) -> IpAddr {
    if st.gate.trust_forwarded_for {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .last()
            .and_then(|ip| ip.trim().parse::<IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ip;
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|ci| ci.0.ip()).unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

async fn api(st: Arc<ProxyState>, req: Request, rest: &str) -> Response {
    let allowed_origin = req.headers().get(header::ORIGIN).filter(|o| st.gate.origins.iter().any(|a| a == *o)).cloned();
    let method = req.method().clone();
    let exists = |r: &Route| st.jtl.is_some() || !r.is_channel();

    if method == Method::OPTIONS {
        let requested = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .and_then(|m| m.to_str().ok())
            .and_then(|m| Method::from_bytes(m.as_bytes()).ok());
        let route = requested
            .as_ref()
            .and_then(wire_method)
            .and_then(|m| Route::parse(m, rest))
            .filter(exists)
            .filter(|r| !r.is_staff() || !st.staff.is_empty());
        return match (&allowed_origin, route, requested) {
            (Some(origin), Some(route), Some(requested)) => {
                let mut res = StatusCode::NO_CONTENT.into_response();
                let h = res.headers_mut();
                h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
                h.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static(if requested == Method::GET { "GET" } else { "POST" }),
                );
                h.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static(if route.is_staff() {
                        CORS_ALLOW_HEADERS_STAFF
                    } else {
                        CORS_ALLOW_HEADERS
                    }),
                );
                h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
                h.insert(
                    header::VARY,
                    HeaderValue::from_static("Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
                );
                res
            }
            _ => envelope::not_found(),
        };
    }

    let route = wire_method(&method).and_then(|m| Route::parse(m, rest)).filter(exists);
    let mut res = match route {
        Some(route) => {
            let ip = client_ip(&st, &req);
            let limiter = if route.is_create() { &st.gate.creates } else { &st.gate.others };
            match limiter.check(&ip) {
                Err(wait) => envelope::rate_limited(
                    format!("Rate limit exceeded: {} per 1 minute", limiter.limit()),
                    retry_after_secs(wait),
                ),
                Ok(()) => match route {
                    Route::CreateClaim(claim_type) => claims::create(&st, req, claim_type).await.into_response(),
                    Route::UploadFile => upload::upload_file(&st, req).await,
                    Route::GetTicket(TicketRef::Invalid(_)) => envelope::ticket_not_found(),
                    Route::GetTicket(TicketRef::Id(id)) => tickets::get_by_id(&st, req, id, ip).await,
                    Route::GetTicket(TicketRef::Uuid(uuid)) => tickets::get_by_uuid(&st, req, &uuid).await,
                    Route::GetRequestedData | Route::AnswerRequestedData => tickets::requested_data(&st, req, ip).await,
                    Route::Tracking(TrackingRef::Invalid(_)) => envelope::not_found(),
                    Route::Tracking(TrackingRef::Number(number)) => tracking::get_tracking(&st, req, &number).await,
                    Route::RegisterParcel => tracking::register_parcel(&st, req).await,
                    Route::OpenApi => openapi(&st, &req),
                    Route::CustomerClaim => customer::create(&st, req).await.into_response(),
                    Route::ClaimLookup => customer::lookup::lookup(&st, req, ip).await.into_response(),
                    Route::StaffClaims
                    | Route::StaffClaim(_)
                    | Route::StaffClaimFile(..)
                    | Route::StaffComplete(_)
                    | Route::StaffApprove(_)
                    | Route::StaffReject(_)
                    | Route::StaffRequestedData(_)
                    | Route::StaffAnswerRequestedData(_) => match staff::staff_actor(&st, &req) {
                        // Without a valid staff token the route does not exist.
                        None => envelope::not_found(),
                        Some(actor) => staff::handle(&st, req, route, &actor).await,
                    },
                    Route::ChannelCreate
                    | Route::ChannelUpload
                    | Route::ChannelMessages(_)
                    | Route::ChannelAttachment(..) => match &st.jtl {
                        Some(jtl) => crate::jtl::handle(jtl, &st.tickets.store, route, req, st.gate.json_limit).await,
                        None => envelope::not_found(),
                    },
                },
            }
        }
        _ => envelope::not_found(),
    };
    if !st.gate.origins.is_empty() {
        let h = res.headers_mut();
        h.append(header::VARY, HeaderValue::from_static("Origin"));
        if let Some(origin) = allowed_origin {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(CORS_EXPOSE_HEADERS));
        }
    }
    res
}

/// Only `is_portal_claim=true|false` (at most once) is accepted.
fn portal_query(query: Option<&str>) -> Result<Option<&'static str>, crate::envelope::ProxyError> {
    let mut portal = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        match pair {
            "is_portal_claim=true" if portal.is_none() => portal = Some("true"),
            "is_portal_claim=false" if portal.is_none() => portal = Some("false"),
            _ => return Err(bad_query()),
        }
    }
    Ok(portal)
}

fn bad_query() -> ProxyError {
    ProxyError::new(
        StatusCode::BAD_REQUEST,
        "bad_request",
        "Unsupported query parameter: only is_portal_claim=true|false is accepted on ticket creation (and ticket, order_number or postal_code where documented).",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_allowlist() {
        assert_eq!(portal_query(None).unwrap(), None);
        assert_eq!(portal_query(Some("is_portal_claim=true")).unwrap(), Some("true"));
        assert!(portal_query(Some("is_portal_claim=true&is_portal_claim=false")).is_err());
        assert!(portal_query(Some("is_portal_claim=yes")).is_err());
        assert!(portal_query(Some("redirect=x")).is_err());
    }
}
