//! The channel-ticket routes: create a ticket (with its attachments),
//! upload an attachment, read the conversation.

use super::*;

/// Where uploads are kept: the directory of the SQLite store file (the
/// working directory for a bare file name or a PostgreSQL store; the
/// temporary directory for `:memory:`).
pub fn data_dir_for(store: &crate::store::Location) -> PathBuf {
    let crate::store::Location::Sqlite(store_path) = store else { return PathBuf::from(".") };
    if store_path.as_os_str() == ":memory:" {
        return std::env::temp_dir().join(format!("parcel-desk-proxy-{}", std::process::id()));
    }
    match store_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The same 404 for an unknown ticket and a missing or wrong token.
pub fn ticket_not_found() -> Response {
    envelope::error(StatusCode::NOT_FOUND, "not_found", "Ticket not found")
}

/// Answers one channel route (method and rate limit already checked).
/// `store` keeps the answers of creations made with an `Idempotency-Key`.
pub async fn handle(jtl: &Jtl, store: &crate::store::Store, route: Route, req: Request, json_limit: u64) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "No query parameters are accepted here.");
    }
    match route {
        Route::ChannelCreate => create(jtl, store, req, json_limit).await,
        Route::ChannelUpload => upload(jtl, req).await,
        Route::ChannelMessages(ChannelTicketRef::Id(id)) => messages(jtl, req.headers(), &id).await,
        Route::ChannelAttachment(ChannelTicketRef::Id(id), ChannelAttachmentRef::Id(file)) => {
            attachment(jtl, req.headers(), &id, &file).await
        }
        // Not a channel route (the dispatcher never sends one) or an id the
        // proxy cannot have issued: like an unknown ticket.
        _ => ticket_not_found(),
    }
}

fn issue(loc: &[&str], kind: &str, msg: &str) -> ValidationIssue {
    ValidationIssue { kind: kind.into(), loc: loc.iter().map(|s| (*s).to_owned()).collect(), msg: msg.into() }
}

/// The route name idempotency answers are kept under.
const CREATE_ROUTE: &str = "channel_ticket";

async fn create(jtl: &Jtl, store: &crate::store::Store, req: Request, json_limit: u64) -> Response {
    let key = match crate::idempotency::idempotency_key(&req) {
        Ok(k) => k,
        Err(res) => return res.into_response(),
    };
    let req = match require_json(req) {
        Ok(r) => r,
        Err(res) => return res.into_response(),
    };
    let body = match read_limited(req, json_limit).await {
        Ok(b) => b,
        Err(res) => return res.into_response(),
    };
    let contact: ContactRequest = match decode_contact(&body) {
        Ok(c) => c,
        Err(None) => return envelope::error(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON"),
        Err(Some(issues)) => return validation_error(&issues),
    };
    let mut issues = contact.validate();
    // The same message sent again with its key (a retry after a lost
    // answer) gets the first answer, not a second ticket; checked before the
    // file tokens, which the first request used up.
    let guard = match (&key, issues.is_empty()) {
        (Some(key), true) => {
            let normalized = serde_json::to_vec(&contact).unwrap_or_default();
            match crate::idempotency::begin(store, key, CREATE_ROUTE, &[CREATE_ROUTE.as_bytes(), &normalized]).await {
                Ok(guard) => Some(guard),
                Err(res) => return res.into_response(),
            }
        }
        _ => None,
    };
    let mut files = Vec::new();
    if issues.is_empty() {
        for (i, a) in contact.attachments.iter().enumerate() {
            match jtl.upload_meta(&a.file_token) {
                Some(meta) => files.push((a.file_token.clone(), a.filename.clone(), meta)),
                None => issues.push(issue(
                    &["attachments", &i.to_string(), "file_token"],
                    "value_error",
                    "Unknown or expired file token: upload the file again",
                )),
            }
        }
    }
    if !issues.is_empty() {
        return validation_error(&issues);
    }
    let reference = contact
        .order_reference
        .as_ref()
        .map(|r| TicketReference { kind: r.kind.clone(), id: r.value.trim().to_owned() });
    let ticket = ChannelTicket {
        seller_id: jtl.seller_id.clone(),
        ticket_id: new_ticket_id(),
        topic: contact.topic.clone().expect("validated"),
        created_at: parcel_desk_wire::time::rfc3339_utc(SystemTime::now()),
        from: TicketFrom { role: Role::Buyer, name: contact.buyer_name.clone().unwrap_or_default() },
        subject: contact.subject.clone().unwrap_or_default(),
        message: contact.message.clone().unwrap_or_default(),
        reference,
        reply_requested: contact.reply_wanted.unwrap_or(true),
        attachment: files
            .iter()
            .map(|(_, name, meta)| TicketAttachment { filename: name.clone(), content_type: meta.content_type.clone() })
            .collect(),
    };
    let problems = ticket.validate();
    if !problems.is_empty() {
        return validation_error(&problems);
    }
    // Kept first: from here on the message is not lost, whatever JTL-SCX does.
    let queued_files: Vec<outbox::OutboxFile> = files
        .iter()
        .map(|(token, name, meta)| outbox::OutboxFile {
            file_token: token.clone(),
            filename: name.clone(),
            content_type: meta.content_type.clone(),
            size: meta.size,
        })
        .collect();
    let files_json = serde_json::to_string(&queued_files).unwrap_or_else(|_| "[]".into());
    let ticket_json = serde_json::to_vec(&ticket).unwrap_or_default();
    let names: Vec<String> = files.iter().map(|(_, n, _)| n.clone()).collect();
    if let Err(e) = jtl
        .store
        .enqueue(
            &ticket.ticket_id,
            &ticket_json,
            &files_json,
            &ticket.created_at,
            &ticket.from.name,
            &ticket.subject,
            &ticket.message,
            &names,
            jtl.lease_ms(),
        )
        .await
    {
        tracing::error!(error = %e, "could not keep a contact ticket");
        return envelope::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "The message cannot be kept right now. Please try again shortly.",
        );
    }
    let row = store::OutboxRow {
        ticket_id: ticket.ticket_id.clone(),
        ticket: ticket_json,
        files: files_json,
        state: "filing".into(),
        created: false,
        results: None,
        reason: None,
        attempts: 1,
    };
    let (status, attachments, queued) = match outbox::file_one(jtl, &row, true).await {
        outbox::Outcome::Filed(outcomes) => (StatusCode::CREATED, outcomes, false),
        outbox::Outcome::Refused(a) => return finished(guard, upstream_error(&a)).await,
        outbox::Outcome::Waiting => {
            let pending = names
                .iter()
                .map(|filename| AttachmentOutcome { filename: filename.clone(), uploaded: false, error: None })
                .collect();
            (StatusCode::ACCEPTED, pending, true)
        }
    };
    let created = ContactCreated {
        access_token: jtl.tokens.issue(&ticket.ticket_id),
        ticket_id: ticket.ticket_id,
        attachments,
        queued,
    };
    finished(guard, json_response(status, &created)).await
}

/// Keeps a final answer for replays of its `Idempotency-Key` and gives it.
async fn finished(guard: Option<crate::store::InFlight>, res: Response) -> Response {
    let Some(guard) = guard else { return res };
    let (parts, body) = res.into_parts();
    // Our own answers are small JSON documents, already in memory.
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|c| c.to_str().ok());
    crate::idempotency::finish(guard, parts.status, content_type, &bytes).await;
    Response::from_parts(parts, Body::from(bytes))
}

pub(super) async fn upload_with_retry(
    jtl: &Jtl,
    ticket_id: &str,
    file_token: &str,
    filename: &str,
    meta: &UploadMeta,
) -> AttachmentOutcome {
    let data =
        AttachmentData { seller_id: jtl.seller_id.clone(), ticket_id: ticket_id.into(), filename: filename.into() };
    let path = jtl.upload_paths(file_token).0;
    let mut backoff = jtl.retry_backoff;
    let mut last = String::new();
    for attempt in 1..=jtl.upload_attempts {
        let call =
            Call::Attachment { data: &data, path: path.clone(), content_type: &meta.content_type, len: meta.size };
        let retryable = match jtl.client.call(call, false).await {
            Ok(a) if a.status.is_success() => {
                return AttachmentOutcome { filename: filename.into(), uploaded: true, error: None };
            }
            Ok(a) => {
                last = upstream_message(&a);
                a.status.is_server_error()
                    || a.status == StatusCode::TOO_MANY_REQUESTS
                    || a.status == StatusCode::UNAUTHORIZED
            }
            Err(CallError::File) => {
                last = "The uploaded file is no longer available.".into();
                false
            }
            Err(e) => {
                last = call_error_message(&e);
                true
            }
        };
        if !retryable || attempt == jtl.upload_attempts {
            break;
        }
        tokio::time::sleep(backoff).await;
        backoff *= 2;
    }
    AttachmentOutcome { filename: filename.into(), uploaded: false, error: Some(last) }
}

async fn messages(jtl: &Jtl, headers: &HeaderMap, ticket_id: &str) -> Response {
    let token = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    if jtl.tokens.verify(token.trim()).as_deref() != Some(ticket_id) {
        return ticket_not_found();
    }
    match jtl.store.conversation(ticket_id).await {
        Ok(messages) => json_response(StatusCode::OK, &Conversation { ticket_id: ticket_id.into(), messages }),
        Err(e) => {
            tracing::error!(error = %e, "could not read the conversation");
            envelope::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "Messages cannot be read right now. Please try again later.",
            )
        }
    }
}

/// `filename` made safe for `Content-Disposition`: the ASCII fallback
/// (`filename="…"`, no quotes, backslashes, control or non-ASCII
/// characters, no path) and the UTF-8 form (`filename*`).
pub fn content_disposition(filename: &str) -> String {
    let base = filename.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim().trim_start_matches('.');
    let clean = if clean.is_empty() { "attachment" } else { clean };
    let ascii: String = clean
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || " ._-()+,".contains(c) { c } else { '_' })
        .take(150)
        .collect();
    let encoded = parcel_desk_wire::route::encode_component(clean);
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A seller reply's file, streamed from JTL-SCX: same token and the same
/// 404 as the conversation read for anything the caller may not have.
async fn attachment(jtl: &Jtl, headers: &HeaderMap, ticket_id: &str, attachment_id: &str) -> Response {
    let token = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    if jtl.tokens.verify(token.trim()).as_deref() != Some(ticket_id) {
        return ticket_not_found();
    }
    let messages = match jtl.store.conversation(ticket_id).await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "could not read the conversation");
            return envelope::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "The file cannot be read right now. Please try again later.",
            );
        }
    };
    let Some(filename) = messages
        .iter()
        .filter(|m| m.from == Role::Seller)
        .flat_map(|m| m.attachments.iter())
        .find(|a| a.id.as_deref() == Some(attachment_id))
        .map(|a| a.filename.clone())
    else {
        return ticket_not_found();
    };
    let data = AttachmentData { seller_id: jtl.seller_id.clone(), ticket_id: ticket_id.into(), filename };
    let resp = match jtl.client.download(&data, true).await {
        Ok(r) => r,
        Err(CallError::Busy(wait)) => {
            let mut res = envelope::error(
                StatusCode::TOO_MANY_REQUESTS,
                "hit_rate_limit",
                call_error_message(&CallError::Busy(wait)),
            );
            if let Ok(v) = header::HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return res;
        }
        Err(CallError::Timeout) => {
            return envelope::error(StatusCode::GATEWAY_TIMEOUT, "jtl_timeout", call_error_message(&CallError::Timeout))
        }
        Err(e) => return envelope::error(StatusCode::BAD_GATEWAY, "jtl_unavailable", call_error_message(&e)),
    };
    let status = resp.status();
    if !status.is_success() {
        let retry_after = resp.headers().get(header::RETRY_AFTER).cloned();
        let body = resp.bytes().await.unwrap_or_default();
        return upstream_error(&Answer { status, body, retry_after });
    }
    if resp.content_length().is_some_and(|n| n > MAX_ATTACHMENT_BYTES) {
        return too_large_upstream();
    }
    // Its own type when JTL would accept it as an attachment; anything else
    // is only ever a download of bytes.
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .filter(|ct| is_allowed_attachment_type(ct) && ct.bytes().all(|b| b.is_ascii_graphic()))
        .unwrap_or_else(|| "application/octet-stream".into());
    let mut seen = 0u64;
    let stream = futures_util::StreamExt::map(resp.bytes_stream(), move |chunk| {
        let chunk = chunk.map_err(std::io::Error::other)?;
        seen += chunk.len() as u64;
        if seen > MAX_ATTACHMENT_BYTES {
            // Cut off: the browser sees a failed download, never a whole
            // file larger than the cap.
            return Err(std::io::Error::other("attachment larger than the cap"));
        }
        Ok(chunk)
    });
    let mut res = Response::new(Body::from_stream(stream));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_str(&content_type)
            .unwrap_or(header::HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = header::HeaderValue::from_str(&content_disposition(&data.filename)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, header::HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("private, no-store"));
    h.insert(header::CONTENT_SECURITY_POLICY, header::HeaderValue::from_static("default-src 'none'; sandbox"));
    res
}

fn too_large_upstream() -> Response {
    envelope::error(
        StatusCode::BAD_GATEWAY,
        "attachment_too_large",
        format!("The file is larger than the {} MB the proxy passes on.", MAX_ATTACHMENT_BYTES / 1_000_000),
    )
}

async fn upload(jtl: &Jtl, req: Request) -> Response {
    let limit = MAX_ATTACHMENT_BYTES + UPLOAD_OVERHEAD;
    let boundary = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let Some(boundary) = boundary else {
        linger(req.into_body().into_data_stream());
        return envelope::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type must be multipart/form-data with a boundary.",
        );
    };
    if declared_length(req.headers()).is_some_and(|n| n > limit) {
        linger(req.into_body().into_data_stream());
        return too_large(MAX_ATTACHMENT_BYTES).into_response();
    }
    let constraints = multer::Constraints::new()
        .size_limit(multer::SizeLimit::new().whole_stream(limit).per_field(MAX_ATTACHMENT_BYTES));
    let mut mp = multer::Multipart::with_constraints(req.into_body().into_data_stream(), boundary, constraints);
    let bad = |detail: &str| envelope::error(StatusCode::BAD_REQUEST, "bad_request", detail.to_owned());
    let multer_err = |e: multer::Error| match e {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            too_large(MAX_ATTACHMENT_BYTES)
        }
        _ => crate::envelope::ProxyError::bad_request("The multipart body could not be read."),
    };
    let token = format!("jtlf_{}", uuid::Uuid::new_v4().simple());
    let (data_path, meta_path) = jtl.upload_paths(&token);
    let mut stored: Option<UploadMeta> = None;
    loop {
        let mut field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                let _ = tokio::fs::remove_file(&data_path).await;
                return multer_err(e).into_response();
            }
        };
        if field.name() != Some("file") || stored.is_some() {
            let _ = tokio::fs::remove_file(&data_path).await;
            return bad("Send exactly one part, named `file`.").into_response();
        }
        let Some(filename) = field.file_name().map(str::to_owned) else {
            return bad("The `file` part needs a filename.").into_response();
        };
        if let Some(p) = parcel_desk_wire::jtl::filename_problem(&filename) {
            return validation_error(&[issue(&["file", "filename"], "value_error", p)]);
        }
        let Some(content_type) = field.content_type().map(|m| m.essence_str().to_ascii_lowercase()) else {
            return bad("The `file` part needs its own Content-Type.").into_response();
        };
        if !is_allowed_attachment_type(&content_type) {
            return envelope::error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "This file type is not accepted: plain text, PDF, Word, Excel and images only.",
            );
        }
        let mut file = match tokio::fs::File::create(&data_path).await {
            Ok(f) => f,
            Err(e) => {
                tracing::error!(error = %e, "cannot create an upload file");
                return envelope::error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "store_unavailable",
                    "The file cannot be stored right now.",
                );
            }
        };
        let mut size = 0u64;
        loop {
            match field.chunk().await {
                Ok(Some(c)) => {
                    size += c.len() as u64;
                    if file.write_all(&c).await.is_err() {
                        let _ = tokio::fs::remove_file(&data_path).await;
                        return envelope::error(
                            StatusCode::SERVICE_UNAVAILABLE,
                            "store_unavailable",
                            "The file cannot be stored right now.",
                        );
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    drop(file);
                    let _ = tokio::fs::remove_file(&data_path).await;
                    return multer_err(e).into_response();
                }
            }
        }
        if file.flush().await.is_err() {
            let _ = tokio::fs::remove_file(&data_path).await;
            return envelope::error(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "The file cannot be stored right now.",
            );
        }
        if size == 0 {
            let _ = tokio::fs::remove_file(&data_path).await;
            return bad("The file is empty.").into_response();
        }
        stored = Some(UploadMeta { filename, content_type, size });
    }
    let Some(meta) = stored else {
        return bad("Send exactly one part, named `file`.").into_response();
    };
    let json = serde_json::to_vec(&meta).unwrap_or_default();
    if tokio::fs::write(&meta_path, json).await.is_err() {
        let _ = tokio::fs::remove_file(&data_path).await;
        return envelope::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "The file cannot be stored right now.",
        );
    }
    json_response(StatusCode::CREATED, &parcel_desk_wire::FileTokenResponse { file_token: token })
}
