//! `POST /dsf/files`: the multipart body is checked while it streams
//! through, with bounded memory. The proxy reads the first part's headers
//! (exactly one part named `file`, with a filename and its own
//! Content-Type of an allowed type) before it contacts upstream, then passes
//! the original bytes on while it counts the file's size and watches for
//! the closing boundary. A second part, a file over 6 MB or a body that
//! ends early aborts the upstream request before its last bytes, so
//! upstream never receives a complete request it could accept.

use std::io;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{BodyDataStream, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;

use super::{bad_query, call, declared_length, linger, too_large, upstream_failure, ProxyState, Upstream};
use crate::envelope;
use crate::envelope::ProxyError;

mod multipart;
mod spool;

use multipart::{bad, file_data, part_meta, MSG_MALFORMED, MSG_TWO_PARTS};
pub use multipart::{boundary_of, file_too_large, parse_head, type_refused, ScanError, Scanner, HEAD_LIMIT};
use spool::Spool;

const NO_ERROR: u8 = 0;
const ERR_TOTAL: u8 = 1;
const ERR_FILE: u8 = 2;
const ERR_SECOND: u8 = 3;
const ERR_MALFORMED: u8 = 4;
const ERR_CLIENT: u8 = 5;

struct Watch {
    error: AtomicU8,
    rest: Mutex<Option<BodyDataStream>>,
    /// The whole body, once it has streamed through (for the inbox).
    copy: Mutex<Option<Spool>>,
}

fn answer_for(code: u8, st: &ProxyState) -> Option<ProxyError> {
    match code {
        ERR_TOTAL => Some(too_large(st.gate.upload_limit)),
        ERR_FILE => Some(file_too_large()),
        ERR_SECOND => Some(bad(MSG_TWO_PARTS)),
        ERR_MALFORMED => Some(bad(MSG_MALFORMED)),
        ERR_CLIENT => Some(bad("The request body could not be read.")),
        _ => None,
    }
}

fn scan_code(e: ScanError) -> u8 {
    match e {
        ScanError::FileTooLarge => ERR_FILE,
        ScanError::SecondPart => ERR_SECOND,
        ScanError::Malformed => ERR_MALFORMED,
    }
}

pub(super) async fn upload_file(st: &ProxyState, req: Request) -> Response {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return bad_query().into_response();
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).cloned();
    let Some(boundary) = content_type.as_ref().and_then(|v| v.to_str().ok()).and_then(boundary_of) else {
        linger(req.into_body().into_data_stream());
        return envelope::error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type must be multipart/form-data with a boundary.",
        );
    };
    let declared = declared_length(req.headers());
    if declared.is_some_and(|n| n > st.gate.upload_limit) {
        linger(req.into_body().into_data_stream());
        return too_large(st.gate.upload_limit).into_response();
    }
    let limit = st.gate.upload_limit;
    let mut stream = req.into_body().into_data_stream();
    // Phase 1: the first part's headers, before upstream is contacted.
    let mut head = Vec::new();
    let data_start = loop {
        match parse_head(&head, &boundary) {
            Err(res) => {
                linger(stream);
                return res.into_response();
            }
            Ok(Some(n)) => break n,
            Ok(None) => {}
        }
        match stream.next().await {
            None => return bad(MSG_MALFORMED).into_response(),
            Some(Err(_)) => return bad("The request body could not be read.").into_response(),
            Some(Ok(chunk)) => {
                if (head.len() + chunk.len()) as u64 > limit {
                    linger(stream);
                    return too_large(limit).into_response();
                }
                head.extend_from_slice(&chunk);
            }
        }
    };
    let mut scanner = Scanner::new(&boundary);
    if let Err(e) = scanner.feed(&head[data_start..]) {
        linger(stream);
        return answer_for(scan_code(e), st).unwrap_or_else(|| bad(MSG_MALFORMED)).into_response();
    }
    // Phase 2: stream the original bytes on, one chunk behind, so that an
    // error found in a chunk (or at the end) stops the upstream request
    // before it is complete.
    let watch = Arc::new(Watch { error: AtomicU8::new(NO_ERROR), rest: Mutex::new(None), copy: Mutex::new(None) });
    let w = watch.clone();
    // A copy of the body, to keep the file's bytes for the staff inbox once
    // upstream has taken it: on disk, not in memory (spool.rs).
    let meta = part_meta(&head, data_start);
    let mut copy = Spool::create();
    Spool::write(&mut copy, &head);
    let seen = head.len() as u64;
    struct S {
        stream: Option<BodyDataStream>,
        pending: Option<Bytes>,
        scanner: Scanner,
        seen: u64,
        copy: Option<Spool>,
    }
    let state = S { stream: Some(stream), pending: Some(Bytes::from(head)), scanner, seen, copy };
    let body = futures_util::stream::unfold(state, move |mut s| {
        let w = w.clone();
        async move {
            let fail = |s: &mut S, code: u8| {
                w.error.store(code, Ordering::SeqCst);
                if let Some(rest) = s.stream.take() {
                    *w.rest.lock().unwrap_or_else(|e| e.into_inner()) = Some(rest);
                }
                s.pending = None;
            };
            loop {
                let Some(stream) = s.stream.as_mut() else {
                    // Source finished (or failed): flush what is pending.
                    return s.pending.take().map(|p| (Ok::<Bytes, io::Error>(p), s));
                };
                match stream.next().await {
                    None => {
                        s.stream = None;
                        if let Err(e) = s.scanner.finish() {
                            fail(&mut s, scan_code(e));
                            return Some((Err(io::Error::other("upload refused")), s));
                        }
                        *w.copy.lock().unwrap_or_else(|e| e.into_inner()) = s.copy.take();
                    }
                    Some(Err(_)) => {
                        fail(&mut s, ERR_CLIENT);
                        return Some((Err(io::Error::other("client body error")), s));
                    }
                    Some(Ok(chunk)) => {
                        s.seen += chunk.len() as u64;
                        if s.seen > limit {
                            fail(&mut s, ERR_TOTAL);
                            return Some((Err(io::Error::other("upload too large")), s));
                        }
                        if let Err(e) = s.scanner.feed(&chunk) {
                            fail(&mut s, scan_code(e));
                            return Some((Err(io::Error::other("upload refused")), s));
                        }
                        Spool::write(&mut s.copy, &chunk);
                        if let Some(prev) = s.pending.replace(chunk) {
                            return Some((Ok(prev), s));
                        }
                    }
                }
            }
        }
    })
    // Stop after the first error so reqwest sees the abort.
    .scan(false, |failed, item: Result<Bytes, io::Error>| {
        let out = if *failed { None } else { Some(item) };
        if matches!(out, Some(Err(_))) {
            *failed = true;
        }
        futures_util::future::ready(out)
    });
    let upstream = Upstream {
        method: Method::POST,
        segments: &["dsf", "files"],
        query: None,
        content_type: content_type.map(|c| HeaderValue::from_bytes(c.as_bytes()).unwrap_or(c)),
        content_length: declared,
        body: Some(reqwest::Body::wrap_stream(body)),
    };
    let result = call(&st.sendcloud, &st.sendcloud.base, upstream).await;
    let code = watch.error.load(Ordering::SeqCst);
    if let Some(res) = answer_for(code, st) {
        if let Some(rest) = watch.rest.lock().unwrap_or_else(|e| e.into_inner()).take() {
            linger(rest);
        }
        return res.into_response();
    }
    match result {
        Ok(answer) => {
            let copy = watch.copy.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let (true, Some(copy)) = (answer.status.is_success(), copy) {
                match copy.read().await {
                    // The permit ends after the store has the bytes.
                    Ok((body, _permit)) => keep(st, &answer.body, &body, data_start, &boundary, meta).await,
                    Err(e) => tracing::warn!(error = %e, "an upload's copy could not be read back"),
                }
            }
            answer.into_response()
        }
        Err(e) => upstream_failure(&st.sendcloud, &e).into_response(),
    }
}

/// Keeps an accepted upload's bytes under the file token upstream
/// answered (for the staff inbox's thumbnails and downloads). A failure is
/// logged: the upload itself succeeded.
async fn keep(
    st: &ProxyState,
    answer: &[u8],
    body: &[u8],
    data_start: usize,
    boundary: &str,
    meta: Option<(String, String)>,
) {
    let token = serde_json::from_slice::<parcel_desk_wire::FileTokenResponse>(answer).ok().map(|t| t.file_token);
    let (Some(token), Some((content_type, filename)), Some(data)) =
        (token, meta, file_data(body, data_start, boundary))
    else {
        tracing::warn!("an uploaded file could not be kept for the staff inbox");
        return;
    };
    if let Err(e) = st.tickets.store.keep_file(token.trim(), &content_type, &filename, data).await {
        tracing::warn!(error = %e, "could not keep an uploaded file");
    }
}
