//! The event queue: `GET /v1/channel/event` (seller replies that are due,
//! redelivered until acknowledged, at most `MAX_DELIVERIES` times) and
//! `DELETE /v1/channel/event` (acknowledgements).

use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::jtl::{EventAck, EventList};

use super::channel::channel_guard;
use super::error::{english, ChannelError};
use super::{SimHandle, MAX_DELIVERIES};
use crate::demo::jtl::{reply_to, REPLY_ATTACHMENT, REPLY_ATTACHMENT_PDF};
use crate::error::json;

/// `GET /v1/channel/event`.
pub(super) async fn events(State(st): State<SimHandle>, headers: HeaderMap) -> Result<Response, ChannelError> {
    channel_guard(&st, &headers)?;
    let now = Instant::now();
    let mut inner = st.lock();
    let due: Vec<String> = inner.replies_due.iter().filter(|(t, _)| *t <= now).map(|(_, id)| id.clone()).collect();
    inner.replies_due.retain(|(t, _)| *t > now);
    for ticket_id in due {
        let Some(t) = inner.tickets.get(&ticket_id).cloned() else { continue };
        let (text, att) = reply_to(&t.ticket);
        for a in &att {
            if a.filename == REPLY_ATTACHMENT {
                let file = (a.content_type.clone(), REPLY_ATTACHMENT_PDF.to_vec());
                inner.reply_files.insert((ticket_id.clone(), a.filename.clone()), file);
            }
        }
        st.queue_reply(&mut inner, &ticket_id, &t.ticket.seller_id, &text, att);
    }
    let redeliver = st.settings.redelivery_after;
    let mut list = Vec::new();
    for e in inner.events.iter_mut() {
        if !e.acked && e.visible_at <= now && e.deliveries < MAX_DELIVERIES {
            e.deliveries += 1;
            e.visible_at = now + redeliver;
            list.push(e.event.clone());
        }
    }
    drop(inner);
    Ok(json(StatusCode::OK, &EventList { event_list: list }))
}

/// `DELETE /v1/channel/event`.
pub(super) async fn ack(
    State(st): State<SimHandle>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ChannelError> {
    channel_guard(&st, &headers)?;
    let en = english(&headers);
    if st.fail_acks.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
        return Err(ChannelError::one(
            StatusCode::INTERNAL_SERVER_ERROR,
            "SYS500",
            en,
            "Interner Fehler (simuliert)".into(),
            "Internal error (simulated)".into(),
            "",
        ));
    }
    let Ok(a) = serde_json::from_slice::<EventAck>(&body) else {
        return Err(ChannelError::one(
            StatusCode::BAD_REQUEST,
            "VAL100",
            en,
            "Pflichtfeld eventIdList nicht gefunden".into(),
            "Required field eventIdList not found".into(),
            "",
        ));
    };
    let mut inner = st.lock();
    for e in inner.events.iter_mut() {
        if a.event_id_list.contains(&e.event.id) {
            e.acked = true;
        }
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
