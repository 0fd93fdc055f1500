//! `POST /v1/channel/ticket/attachment`: multipart `attachmentData` +
//! `attachment`, for a file announced in the ticket's `attachment[]`, at
//! most 16 MB, JTL's type allowlist. `GET /v1/channel/ticket/attachment`
//! (query `sellerId`, `ticketId`, `filename`): a file of a seller reply.

use axum::extract::{FromRequest, Multipart, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::jtl::{is_allowed_attachment_type, AttachmentData, MAX_ATTACHMENT_BYTES};

use super::channel::channel_guard;
use super::error::{english, ChannelError};
use super::SimHandle;

/// `POST /v1/channel/ticket/attachment`.
pub(super) async fn upload_attachment(State(st): State<SimHandle>, req: Request) -> Result<Response, ChannelError> {
    let headers = req.headers().clone();
    channel_guard(&st, &headers)?;
    let en = english(&headers);
    let bad =
        |code: &str, de: String, enm: String| Err(ChannelError::one(StatusCode::BAD_REQUEST, code, en, de, enm, ""));
    let mut multipart = match Multipart::from_request(req, &()).await {
        Ok(m) => m,
        Err(_) => return bad("VAL010", "Multipart-Formular erwartet".into(), "Multipart form expected".into()),
    };
    let mut data: Option<AttachmentData> = None;
    let mut file: Option<(String, usize)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ChannelError::one(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "VAL013",
                    en,
                    "Datei ist größer als 16 MB".into(),
                    "File is larger than 16 MB".into(),
                    "",
                ))
            }
            Err(_) => return bad("VAL010", "Multipart-Formular erwartet".into(), "Multipart form expected".into()),
        };
        match field.name() {
            Some("attachmentData") => {
                let Ok(bytes) = field.bytes().await else {
                    return bad("VAL011", "attachmentData unlesbar".into(), "attachmentData unreadable".into());
                };
                match serde_json::from_slice::<AttachmentData>(&bytes) {
                    Ok(d) => data = Some(d),
                    Err(_) => {
                        return bad(
                            "VAL011",
                            "attachmentData muss JSON {sellerId, ticketId, filename} sein".into(),
                            "attachmentData must be JSON {sellerId, ticketId, filename}".into(),
                        )
                    }
                }
            }
            Some("attachment") => {
                let ct = field.content_type().unwrap_or("").to_owned();
                let len = match field.bytes().await {
                    Ok(b) => b.len(),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => usize::MAX,
                    Err(_) => return bad("VAL012", "Datei unlesbar".into(), "File unreadable".into()),
                };
                file = Some((ct, len));
            }
            _ => {}
        }
    }
    let (Some(data), Some((content_type, len))) = (data, file) else {
        return bad(
            "VAL100",
            "Pflichtteil attachmentData oder attachment nicht gefunden".into(),
            "Required part attachmentData or attachment not found".into(),
        );
    };
    if len as u64 > MAX_ATTACHMENT_BYTES {
        return Err(ChannelError::one(
            StatusCode::PAYLOAD_TOO_LARGE,
            "VAL013",
            en,
            "Datei ist größer als 16 MB".into(),
            "File is larger than 16 MB".into(),
            "",
        ));
    }
    if !is_allowed_attachment_type(&content_type) {
        return Err(ChannelError::one(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "VAL014",
            en,
            format!("Dateityp {content_type} ist nicht erlaubt"),
            format!("File type {content_type} is not allowed"),
            "Allowed: plain text, PDF, Word, Excel, images.",
        ));
    }
    if let Some(issue) = data.validate().first() {
        return bad(
            "VAL101",
            format!("Feld {} ist ungültig: {}", issue.loc.join("."), issue.msg),
            format!("Field {} is invalid: {}", issue.loc.join("."), issue.msg),
        );
    }
    let mut inner = st.lock();
    {
        let fails = inner.fail_uploads.get_mut(&data.filename);
        if let Some(n) = fails.filter(|n| **n > 0) {
            *n -= 1;
            drop(inner);
            return Err(ChannelError::one(
                StatusCode::INTERNAL_SERVER_ERROR,
                "SYS500",
                en,
                "Interner Fehler (simuliert)".into(),
                "Internal error (simulated)".into(),
                "Try again later.",
            ));
        }
    }
    let Some(t) = inner.tickets.get_mut(&data.ticket_id).filter(|t| t.ticket.seller_id == data.seller_id) else {
        drop(inner);
        return Err(ChannelError::one(
            StatusCode::NOT_FOUND,
            "VAL201",
            en,
            format!("Ticket {} nicht gefunden", data.ticket_id),
            format!("Ticket {} not found", data.ticket_id),
            "Create the ticket first.",
        ));
    };
    if !t.ticket.attachment.iter().any(|a| a.filename == data.filename) {
        drop(inner);
        return bad(
            "VAL102",
            format!("Anhang {} ist im Ticket nicht angekündigt", data.filename),
            format!("Attachment {} is not announced in the ticket", data.filename),
        );
    }
    if !t.uploaded.contains(&data.filename) {
        t.uploaded.push(data.filename.clone());
    }
    drop(inner);
    Ok(StatusCode::CREATED.into_response())
}

/// `GET /v1/channel/ticket/attachment?sellerId=…&ticketId=…&filename=…`:
/// the bytes of a file the seller attached to a reply of that ticket, in
/// its own content type; 400 without the three keys, 404 for anything the
/// seller did not attach.
pub(super) async fn download_attachment(
    State(st): State<SimHandle>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, ChannelError> {
    channel_guard(&st, &headers)?;
    let en = english(&headers);
    let (mut seller, mut ticket, mut filename) = (None, None, None);
    for (k, v) in form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes()) {
        match k.as_ref() {
            "sellerId" => seller = Some(v.into_owned()),
            "ticketId" => ticket = Some(v.into_owned()),
            "filename" => filename = Some(v.into_owned()),
            _ => {}
        }
    }
    let (Some(seller), Some(ticket), Some(filename)) = (seller, ticket, filename) else {
        return Err(ChannelError::one(
            StatusCode::BAD_REQUEST,
            "VAL100",
            en,
            "Pflichtparameter sellerId, ticketId oder filename nicht gefunden".into(),
            "Required parameter sellerId, ticketId or filename not found".into(),
            "",
        ));
    };
    let inner = st.lock();
    let file = inner
        .tickets
        .get(&ticket)
        .filter(|t| t.ticket.seller_id == seller)
        .and_then(|_| inner.reply_files.get(&(ticket.clone(), filename.clone())))
        .cloned();
    drop(inner);
    let Some((content_type, bytes)) = file else {
        return Err(ChannelError::one(
            StatusCode::NOT_FOUND,
            "VAL202",
            en,
            format!("Anhang {filename} nicht gefunden"),
            format!("Attachment {filename} not found"),
            "",
        ));
    };
    Ok(([(header::CONTENT_TYPE, content_type)], bytes).into_response())
}
