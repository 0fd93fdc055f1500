//! `POST /v1/auth` (a refresh token for an access token), the guard of
//! every `/v1/channel*` call (access token, rate limit) and
//! `POST /v1/channel/ticket`.

use std::sync::atomic::Ordering;
use std::time::{Instant, SystemTime};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::jtl::{ChannelTicket, JtlError};
use parcel_desk_wire::time::rfc3339_utc;
use serde_json::{json, Value};

use super::error::{english, ChannelError};
use super::{SimHandle, SimState, SimTicket};
use crate::error::json;

/// `POST /v1/auth`: form field `refreshToken`.
pub(super) async fn auth(
    State(st): State<SimHandle>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ChannelError> {
    st.auth_calls.fetch_add(1, Ordering::SeqCst);
    let en = english(&headers);
    let given = form_urlencoded::parse(&body).find(|(k, _)| k == "refreshToken").map(|(_, v)| v.into_owned());
    if given.as_deref() != Some(st.settings.refresh_token.expose()) {
        return Err(ChannelError::one(
            StatusCode::UNAUTHORIZED,
            "AUTH100",
            en,
            "Ungültiger Refresh-Token".into(),
            "Invalid refresh token".into(),
            "Send the refresh token from the onboarding as form field `refreshToken`.",
        ));
    }
    let token = format!("sbx-{}", uuid::Uuid::new_v4().simple());
    let lifetime = st.settings.token_lifetime;
    st.lock().tokens.insert(token.clone(), Instant::now() + lifetime);
    let body = json!({
        "authToken": token,
        "tokenExpireAt": rfc3339_utc(SystemTime::now() + lifetime),
        "expiresIn": lifetime.as_secs(),
    });
    Ok(json(StatusCode::OK, &body))
}

/// Bearer token check and the channel rate limit.
pub(super) fn channel_guard(st: &SimState, headers: &HeaderMap) -> Result<(), ChannelError> {
    let en = english(headers);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let valid = token.is_some_and(|t| st.lock().tokens.get(t).is_some_and(|exp| Instant::now() < *exp));
    if !valid {
        return Err(ChannelError::one(
            StatusCode::UNAUTHORIZED,
            "AUTH101",
            en,
            "Zugriffstoken fehlt, ist ungültig oder abgelaufen".into(),
            "Access token missing, invalid or expired".into(),
            "Request a new access token with POST /v1/auth.",
        ));
    }
    st.channel_limit.check().map_err(|secs| {
        ChannelError::one(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE429",
            en,
            "Zu viele Anfragen: höchstens 60 pro Minute".into(),
            "Too many requests: at most 60 per minute".into(),
            "",
        )
        .retry_after(secs)
    })
}

const REQUIRED: &[&str] = &["sellerId", "ticketId", "topic", "createdAt", "from", "subject", "message"];

/// `POST /v1/channel/ticket`: the doc's field rules, 201 on success; a
/// seller reply is due `SimSettings::reply_delay` later.
pub(super) async fn create_ticket(
    State(st): State<SimHandle>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ChannelError> {
    channel_guard(&st, &headers)?;
    let en = english(&headers);
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return Err(ChannelError::one(
            StatusCode::BAD_REQUEST,
            "VAL001",
            en,
            "Ungültiges JSON".into(),
            "Invalid JSON".into(),
            "Send the ticket as a JSON object.",
        ));
    };
    let missing: Vec<JtlError> = REQUIRED
        .iter()
        .filter(|f| value.get(**f).is_none_or(Value::is_null))
        .map(|f| JtlError {
            code: "VAL100".into(),
            message: if en {
                format!("Required field {f} not found")
            } else {
                format!("Pflichtfeld {f} nicht gefunden")
            },
            severity: "error".into(),
            hint: format!("Check the field `{f}` — it must be present."),
        })
        .collect();
    if !missing.is_empty() {
        return Err(ChannelError::list(StatusCode::BAD_REQUEST, missing));
    }
    let ticket: ChannelTicket = match serde_json::from_value(value) {
        Ok(t) => t,
        Err(e) => {
            return Err(ChannelError::one(
                StatusCode::BAD_REQUEST,
                "VAL002",
                en,
                format!("Ungültiger Feldtyp: {e}"),
                format!("Invalid field type: {e}"),
                "",
            ))
        }
    };
    let issues = ticket.validate();
    if !issues.is_empty() {
        let list = issues
            .iter()
            .map(|i| {
                let field = i.loc.join(".");
                JtlError {
                    code: "VAL101".into(),
                    message: if en {
                        format!("Field {field} is invalid: {}", i.msg)
                    } else {
                        format!("Feld {field} ist ungültig: {}", i.msg)
                    },
                    severity: "error".into(),
                    hint: format!("Check the field `{field}`."),
                }
            })
            .collect();
        return Err(ChannelError::list(StatusCode::BAD_REQUEST, list));
    }
    if !st.settings.seller_ids.contains(&ticket.seller_id) {
        return Err(ChannelError::one(
            StatusCode::BAD_REQUEST,
            "VAL200",
            en,
            format!("Verkäufer {} ist diesem Kanal nicht bekannt", ticket.seller_id),
            format!("Seller {} is not known on this channel", ticket.seller_id),
            "Use the SellerId from the seller's sign-up.",
        ));
    }
    let mut inner = st.lock();
    if inner.tickets.contains_key(&ticket.ticket_id) {
        return Err(ChannelError::one(
            StatusCode::CONFLICT,
            "VAL300",
            en,
            format!("Ticket {} existiert bereits", ticket.ticket_id),
            format!("Ticket {} already exists", ticket.ticket_id),
            "Use a new ticketId.",
        ));
    }
    let seq = st.ticket_seq.fetch_add(1, Ordering::SeqCst) + 1;
    inner.replies_due.push((Instant::now() + st.settings.reply_delay, ticket.ticket_id.clone()));
    inner.tickets.insert(ticket.ticket_id.clone(), SimTicket { ticket, uploaded: Vec::new(), seq });
    drop(inner);
    Ok(StatusCode::CREATED.into_response())
}
