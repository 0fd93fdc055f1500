//! Ticket creation (`POST /dsf/tickets/{type}` for the seven claim types)
//! and reads (`GET /dsf/tickets/{ticket_id}`, int64 ids only).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use parcel_desk_wire::claim_body::{decode_claim, issues_from_problems, ClaimBodyError};
use parcel_desk_wire::ticket::{TicketStage, TicketStatus};
use parcel_desk_wire::time::rfc3339_utc;
use parcel_desk_wire::{validate, ClaimType, CreateTicketResponse, ParcelKind, TicketResponse, ValidationIssue};

use super::auth::authorized;
use super::faults::Fault;
use super::{ParcelInfo, SandboxState, CREATE_LIMIT_PER_MINUTE};
use crate::demo::demo_parcel;
use crate::error::{json, SandboxError};

/// `POST /dsf/tickets/{type}` for the seven claim types; any other
/// segment is upstream's 404.
pub(super) async fn create_typed(
    State(state): State<Arc<SandboxState>>,
    Path(segment): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SandboxError> {
    match ClaimType::from_segment(&segment) {
        Some(claim_type) => create(state, claim_type, query, headers, body).await,
        None => Err(SandboxError::new(StatusCode::NOT_FOUND, "not_found", "Not found.")),
    }
}

/// The deflection rule a claim of this type meets for this parcel, as
/// upstream words it (422); `None`: the claim may be filed.
fn deflection(claim_type: ClaimType, parcel: &ParcelInfo) -> Option<String> {
    let reason = match claim_type {
        ClaimType::Lost | ClaimType::AddressChange if parcel.delivered => "Parcel is already delivered",
        ClaimType::DeliveredNotReceived if !parcel.delivered => "Parcel is not delivered yet",
        ClaimType::LateDelivery if parcel.kind == ParcelKind::SendcloudRates => {
            "Late delivery is only available for parcels sent under your own carrier contract"
        }
        _ => return None,
    };
    Some(format!("Cannot create ticket. Reason: {reason}"))
}

/// `is_portal_claim` from the query (pydantic's booleans).
fn portal_claim(query: Option<&str>) -> Result<bool, SandboxError> {
    let mut portal = false;
    for (k, v) in query.unwrap_or("").split('&').filter(|p| !p.is_empty()).map(|p| p.split_once('=').unwrap_or((p, "")))
    {
        if k == "is_portal_claim" {
            portal = match v {
                "true" | "True" | "1" => true,
                "false" | "False" | "0" => false,
                _ => {
                    return Err(SandboxError::validation(&[ValidationIssue {
                        kind: "bool_parsing".into(),
                        loc: vec!["query".into(), "is_portal_claim".into()],
                        msg: "Input should be a valid boolean, unable to interpret input".into(),
                    }]))
                }
            };
        }
    }
    Ok(portal)
}

async fn create(
    state: Arc<SandboxState>,
    claim_type: ClaimType,
    query: Option<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SandboxError> {
    authorized(&state, &headers)?;
    if let Err(secs) = state.creates.check() {
        state.options.stats.rate_limited.fetch_add(1, Ordering::Relaxed);
        return Err(SandboxError::rate_limited(
            format!("Rate limit exceeded: {CREATE_LIMIT_PER_MINUTE} per 1 minute"),
            secs,
        ));
    }
    let fault = state.fault();
    if let Some(err) = fault.and_then(Fault::answer) {
        return Err(err);
    }
    let portal = portal_claim(query.as_deref())?;
    let claim = decode_claim(&body).map_err(|e| match e {
        ClaimBodyError::InvalidJson => SandboxError::invalid_json(),
        ClaimBodyError::Invalid(issues) => SandboxError::validation(&issues),
    })?;
    let tn = claim.tracking_number.trim();
    let known = demo_parcel(tn)
        .map(ParcelInfo::from)
        .or_else(|| state.lock().registered.get(tn).cloned())
        .or_else(|| ParcelInfo::load(tn));
    let Some(parcel) = known else {
        return Err(SandboxError::bad_request("Parcel not found."));
    };
    let unprocessable =
        |detail: String| SandboxError::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable_content", detail);
    if let Some(reason) = deflection(claim_type, &parcel) {
        return Err(unprocessable(reason));
    }
    if parcel.kind == ParcelKind::OwnContract && !parcel.carrier_support_contact {
        return Err(unprocessable("Carrier support contact is required for own contract parcel".into()));
    }
    if portal && !parcel.portal_claim {
        return Err(unprocessable(format!(
            "Cannot create ticket. Reason: Portal claims are not supported for carrier '{}'. Supported: Colissimo, Chronopost, Colis Privé, Mondial Relay, InPost ES, DHL Express (own contract only)",
            parcel.carrier
        )));
    }
    let problems = validate(claim_type, parcel.kind, &claim);
    if !problems.is_empty() {
        return Err(SandboxError::validation(&issues_from_problems(&problems)));
    }
    let id = {
        let mut inner = state.lock();
        for &field in claim_type.fields() {
            if let Some(token) = claim.file_token(field) {
                if !inner.file_tokens.contains(token.trim()) {
                    return Err(SandboxError::bad_request(format!(
                        "Invalid file token for field '{}': upload the file via /dsf/files first.",
                        field.wire_name()
                    )));
                }
            }
        }
        let id = inner.next_id;
        inner.next_id += 1;
        let now = rfc3339_utc(SystemTime::now());
        inner.tickets.insert(
            id,
            TicketResponse {
                id,
                status: TicketStatus::Pending,
                stage: TicketStage::InProgress,
                ticket_type: Some(claim_type.ticket_type()),
                parcel_id: Some(parcel.parcel_id),
                carrier: Some(parcel.carrier.clone()),
                order_number: Some(parcel.order_number.clone()),
                brand_id: None,
                created_at: now.clone(),
                updated_at: Some(now),
                requested_actions: Vec::new(),
                resolution: None,
            },
        );
        inner.listed_from.insert(id, Instant::now() + state.options.list_delay);
        inner.tracking_of.insert(id, tn.to_owned());
        state.options.stats.created.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut seen) = state.options.stats.claims.lock() {
            seen.push((claim_type.as_str().to_owned(), serde_json::to_value(&claim).unwrap_or_default()));
        }
        id
    };
    match fault {
        Some(Fault::Slow) => tokio::time::sleep(state.options.slow).await,
        Some(Fault::LostAfterCreate) => {
            tracing::info!(id, "sandbox: created ticket, answer lost (fault)");
            return Err(SandboxError::Reset);
        }
        _ => {}
    }
    let ticket_id = uuid::Uuid::new_v4().to_string();
    tracing::info!(%ticket_id, id, portal, claim = claim_type.as_str(), "sandbox: created ticket (GET /dsf/tickets/{{id}} takes the int id)");
    Ok(json(StatusCode::ACCEPTED, &CreateTicketResponse { ticket_id }))
}

/// `GET /dsf/tickets/{ticket_id}` (int64 only).
pub(super) async fn get_ticket(
    State(state): State<Arc<SandboxState>>,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, SandboxError> {
    authorized(&state, &headers)?;
    state.read_limit()?;
    state.read_fault().await?;
    let id = ticket_id.parse::<i64>().map_err(|_| SandboxError::ticket_not_found())?;
    match state.lock().tickets.get(&id) {
        Some(t) => Ok(json(StatusCode::OK, t)),
        None => Err(SandboxError::ticket_not_found()),
    }
}

/// The body of `POST /sandbox/tickets/{id}`: where the ticket goes next.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TicketMove {
    /// The ticket's new status.
    status: TicketStatus,
    /// Data the carrier asks for (`damage_photo`, `sales_invoice`, …): open
    /// requests are added, the ticket's stage becomes `action_required`.
    #[serde(default)]
    requested: Vec<parcel_desk_wire::ticket::DataType>,
    /// The outcome that resolves the ticket (`claim_approved`, …): the
    /// ticket gets a resolution, its stage `manually_solved_stage`, and its
    /// open requests are dropped.
    #[serde(default)]
    outcome: Option<parcel_desk_wire::ticket::Outcome>,
}

/// `POST /sandbox/tickets/{id}` (sandbox only, not an upstream route): moves a
/// ticket the way the carrier and Sendcloud would (a data request, a
/// resolution), so the proxy's watcher and its customer mails can be seen
/// and tested. Answers the ticket as `GET /dsf/tickets/{id}` would.
pub(super) async fn move_ticket(
    State(state): State<Arc<SandboxState>>,
    Path(ticket_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, SandboxError> {
    use parcel_desk_wire::requested_data::RequestedData;
    use parcel_desk_wire::ticket::{RequestedAction, TicketResolution};
    authorized(&state, &headers)?;
    let id = ticket_id.parse::<i64>().map_err(|_| SandboxError::ticket_not_found())?;
    let m: TicketMove = serde_json::from_slice(&body).map_err(|e| {
        let text = e.to_string();
        SandboxError::bad_request(format!(
            "Expected {{\"status\": …, \"requested\": [data types], \"outcome\": …}}: {}",
            text.split(" at line ").next().unwrap_or(&text)
        ))
    })?;
    let mut inner = state.lock();
    let next_request = inner
        .requests
        .iter()
        .map(|(_, r)| r.request_id)
        .chain(inner.tickets.values().flat_map(|t| t.requested_actions.iter().map(|a| a.id)))
        .max()
        .unwrap_or(0)
        .max(9_000)
        + 1;
    let tracking = inner.tracking_of.get(&id).cloned();
    let Some(ticket) = inner.tickets.get_mut(&id) else { return Err(SandboxError::ticket_not_found()) };
    let now = rfc3339_utc(SystemTime::now());
    ticket.status = m.status;
    ticket.updated_at = Some(now.clone());
    let mut added = Vec::new();
    for (i, data_type) in m.requested.into_iter().enumerate() {
        let request_id = next_request + i as i64;
        ticket.requested_actions.push(RequestedAction {
            id: request_id,
            data_type: data_type.clone(),
            created_at: now.clone(),
        });
        added.push(RequestedData {
            request_id,
            title: data_type.as_str().replace('_', " "),
            description: format!("The carrier asks for: {}.", data_type.as_str().replace('_', " ")),
            tracking_number: tracking.clone(),
            order_number: ticket.order_number.clone(),
            data_type,
        });
    }
    if let Some(outcome) = m.outcome {
        ticket.requested_actions.clear();
        ticket.stage = TicketStage::ManuallySolved;
        ticket.resolution =
            Some(TicketResolution { outcome, amount: None, currency: None, solved_at: Some(now.clone()) });
    } else if !ticket.requested_actions.is_empty() {
        ticket.stage = TicketStage::ActionRequired;
    } else {
        ticket.stage = TicketStage::InProgress;
    }
    let answer = json(StatusCode::OK, &*ticket);
    let resolved = ticket.resolution.is_some();
    if resolved {
        inner.requests.retain(|(t, _)| *t != id);
    }
    inner.requests.extend(added.into_iter().map(|r| (id, r)));
    Ok(answer)
}
