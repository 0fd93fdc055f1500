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
use parcel_desk_wire::upload::{is_allowed_type, MAX_UPLOAD_BYTES};

use super::{bad_query, call, declared_length, linger, too_large, upstream_failure, ProxyState, Upstream};
use crate::envelope;
use crate::envelope::ProxyError;

/// Largest preamble + first part header block the proxy reads before the
/// file data starts.
pub const HEAD_LIMIT: usize = 16 * 1024;

/// 415 detail for a type outside the allowlist.
pub fn type_refused(media_type: &str) -> ProxyError {
    let t = media_type.split(';').next().unwrap_or("").trim();
    ProxyError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!(
            "The file type {t} is not accepted. Allowed: images, videos, text, PDF, RTF, Word, Office and OpenDocument files, XML, YAML, JSON."
        ),
    )
}

/// 413 for a file over the 6 MB cap.
pub fn file_too_large() -> ProxyError {
    ProxyError::new(StatusCode::PAYLOAD_TOO_LARGE, "content_too_large", "The file is larger than 6 MB.")
}

fn bad(detail: &str) -> ProxyError {
    ProxyError::new(StatusCode::BAD_REQUEST, "bad_request", detail)
}

const MSG_MALFORMED: &str = "The multipart body is malformed or ended early.";
const MSG_TWO_PARTS: &str = "Send exactly one part named 'file': the body has more than one part.";

/// The boundary of a `multipart/form-data; boundary=…` Content-Type.
pub fn boundary_of(content_type: &str) -> Option<String> {
    let mut parts = content_type.split(';');
    if !parts.next()?.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    parts.find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        let v = v.trim().trim_matches('"');
        (k.trim().eq_ignore_ascii_case("boundary") && !v.is_empty() && v.len() <= 70).then(|| v.to_owned())
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Parameters of a header value like `form-data; name="file"; filename="a b.jpg"`.
fn params(value: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = value.as_bytes();
    let mut i = value.find(';').map(|p| p + 1).unwrap_or(b.len());
    while i < b.len() {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t' || b[i] == b';') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i] != b'=' && b[i] != b';' {
            i += 1;
        }
        let name = value[start..i].trim().to_ascii_lowercase();
        if i >= b.len() || b[i] == b';' {
            if !name.is_empty() {
                out.push((name, String::new()));
            }
            continue;
        }
        i += 1; // '='
        let mut val = Vec::new();
        if i < b.len() && b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' && i + 1 < b.len() {
                    i += 1;
                }
                val.push(b[i]);
                i += 1;
            }
            i += 1;
        } else {
            while i < b.len() && b[i] != b';' {
                val.push(b[i]);
                i += 1;
            }
        }
        out.push((name, String::from_utf8_lossy(&val).trim().to_owned()));
    }
    out
}

/// Looks for the first part's header block in `buf`. `Ok(None)`: need more
/// bytes; `Ok(Some(n))`: the file data starts at `n`; `Err`: the answer.
pub fn parse_head(buf: &[u8], boundary: &str) -> Result<Option<usize>, crate::envelope::ProxyError> {
    let dash = format!("--{boundary}");
    let dash = dash.as_bytes();
    let mut from = 0;
    let start = loop {
        let Some(p) = find(&buf[from..], dash).map(|p| p + from) else {
            return if buf.len() > HEAD_LIMIT { Err(bad(MSG_MALFORMED)) } else { Ok(None) };
        };
        if p == 0 || (p >= 2 && &buf[p - 2..p] == b"\r\n") {
            break p + dash.len();
        }
        from = p + 1;
    };
    let rest = &buf[start..];
    if rest.len() < 2 {
        return Ok(None);
    }
    if rest.starts_with(b"--") {
        return Err(bad("The multipart body has no part named 'file'."));
    }
    let mut h = start;
    while h < buf.len() && (buf[h] == b' ' || buf[h] == b'\t') {
        h += 1;
    }
    if buf.len() < h + 2 {
        return Ok(None);
    }
    if &buf[h..h + 2] != b"\r\n" {
        return Err(bad(MSG_MALFORMED));
    }
    h += 2;
    let Some(end) = find(&buf[h..], b"\r\n\r\n").map(|e| e + h) else {
        return if buf.len() > HEAD_LIMIT { Err(bad(MSG_MALFORMED)) } else { Ok(None) };
    };
    let block = String::from_utf8_lossy(&buf[h..end]);
    let (mut disposition, mut content_type) = (None, None);
    for line in block.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else { return Err(bad(MSG_MALFORMED)) };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-disposition" => disposition = Some(value.trim().to_owned()),
            "content-type" => content_type = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let Some(disposition) =
        disposition.filter(|d| d.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("form-data")))
    else {
        return Err(bad("The part needs a Content-Disposition of form-data."));
    };
    let p = params(&disposition);
    let get = |k: &str| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("name") != Some("file") {
        return Err(bad("The part must be named 'file'."));
    }
    if get("filename").or(get("filename*")).is_none_or(str::is_empty) {
        return Err(bad("The file part must carry a filename."));
    }
    let Some(content_type) = content_type.filter(|c| !c.is_empty()) else {
        return Err(bad("The file part must carry its own Content-Type."));
    };
    if !is_allowed_type(&content_type) {
        return Err(type_refused(&content_type));
    }
    Ok(Some(end + 4))
}

/// Why streaming stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanError {
    FileTooLarge,
    SecondPart,
    Malformed,
}

/// Follows the file data after the first part's headers: counts it and
/// finds the closing boundary, keeping at most one delimiter of bytes.
#[derive(Debug)]
pub struct Scanner {
    delim: Vec<u8>,
    carry: Vec<u8>,
    after: Option<Vec<u8>>,
    done: bool,
    pub file_bytes: u64,
}

impl Scanner {
    pub fn new(boundary: &str) -> Self {
        Scanner {
            delim: format!("\r\n--{boundary}").into_bytes(),
            carry: Vec::new(),
            after: None,
            done: false,
            file_bytes: 0,
        }
    }

    pub fn feed(&mut self, data: &[u8]) -> Result<(), ScanError> {
        if self.done {
            return Ok(());
        }
        if let Some(after) = &mut self.after {
            after.extend_from_slice(data);
            return self.check_after();
        }
        let mut combined = std::mem::take(&mut self.carry);
        combined.extend_from_slice(data);
        match find(&combined, &self.delim) {
            Some(i) => {
                self.file_bytes += i as u64;
                if self.file_bytes > MAX_UPLOAD_BYTES {
                    return Err(ScanError::FileTooLarge);
                }
                self.after = Some(combined[i + self.delim.len()..].to_vec());
                self.check_after()
            }
            None => {
                let keep = (self.delim.len() - 1).min(combined.len());
                self.file_bytes += (combined.len() - keep) as u64;
                self.carry = combined[combined.len() - keep..].to_vec();
                if self.file_bytes > MAX_UPLOAD_BYTES {
                    return Err(ScanError::FileTooLarge);
                }
                Ok(())
            }
        }
    }

    fn check_after(&mut self) -> Result<(), ScanError> {
        let after = self.after.as_ref().expect("after the delimiter");
        if after.len() < 2 {
            return Ok(());
        }
        if after.starts_with(b"--") {
            self.done = true;
            self.after = Some(Vec::new());
            Ok(())
        } else {
            Err(ScanError::SecondPart)
        }
    }

    pub fn finish(&self) -> Result<(), ScanError> {
        if self.done {
            Ok(())
        } else {
            Err(ScanError::Malformed)
        }
    }
}

const NO_ERROR: u8 = 0;
const ERR_TOTAL: u8 = 1;
const ERR_FILE: u8 = 2;
const ERR_SECOND: u8 = 3;
const ERR_MALFORMED: u8 = 4;
const ERR_CLIENT: u8 = 5;

struct Watch {
    error: AtomicU8,
    rest: Mutex<Option<BodyDataStream>>,
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
    let watch = Arc::new(Watch { error: AtomicU8::new(NO_ERROR), rest: Mutex::new(None) });
    let w = watch.clone();
    let seen = head.len() as u64;
    struct S {
        stream: Option<BodyDataStream>,
        pending: Option<Bytes>,
        scanner: Scanner,
        seen: u64,
    }
    let state = S { stream: Some(stream), pending: Some(Bytes::from(head)), scanner, seen };
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
        Ok(answer) => answer.into_response(),
        Err(e) => upstream_failure(&st.sendcloud, &e).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, &str)], data: &[u8]) -> Vec<u8> {
        let mut b = b"--XyZ\r\n".to_vec();
        for (k, v) in parts {
            b.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        b.extend_from_slice(b"\r\n");
        b.extend_from_slice(data);
        b.extend_from_slice(b"\r\n--XyZ--\r\n");
        b
    }

    #[test]
    fn head_rules() {
        let ok = body(
            &[
                ("Content-Disposition", "form-data; name=\"file\"; filename=\"a;b.jpg\""),
                ("Content-Type", "image/jpeg"),
            ],
            b"abc",
        );
        let n = parse_head(&ok, "XyZ").unwrap().unwrap();
        assert_eq!(&ok[n..n + 3], b"abc");
        assert!(parse_head(&ok[..10], "XyZ").unwrap().is_none());
        for (parts, status) in [
            (vec![("Content-Disposition", "form-data; name=\"file\""), ("Content-Type", "image/jpeg")], 400),
            (vec![("Content-Disposition", "form-data; name=\"file\"; filename=\"a.jpg\"")], 400),
            (
                vec![
                    ("Content-Disposition", "form-data; name=\"photo\"; filename=\"a.jpg\""),
                    ("Content-Type", "image/jpeg"),
                ],
                400,
            ),
            (
                vec![
                    ("Content-Disposition", "form-data; name=\"file\"; filename=\"a.zip\""),
                    ("Content-Type", "application/zip"),
                ],
                415,
            ),
        ] {
            let b = body(&parts, b"x");
            assert_eq!(parse_head(&b, "XyZ").unwrap_err().status().as_u16(), status, "{parts:?}");
        }
        assert_eq!(boundary_of("multipart/form-data; boundary=\"a b\"").as_deref(), Some("a b"));
        assert_eq!(boundary_of("multipart/mixed; boundary=a"), None);
    }

    #[test]
    fn scanner_counts_and_finds_the_end_across_chunks() {
        let mut data = vec![7u8; 1000];
        data.extend_from_slice(b"\r\n--XyZ--\r\n");
        for split in [1, 3, 999, 1001, 1005, 1010] {
            let mut s = Scanner::new("XyZ");
            s.feed(&data[..split]).unwrap();
            s.feed(&data[split..]).unwrap();
            s.finish().unwrap();
            assert_eq!(s.file_bytes, 1000, "{split}");
        }
        let mut s = Scanner::new("XyZ");
        assert_eq!(s.feed(b"abc\r\n--XyZ\r\nContent-Disposition: x"), Err(ScanError::SecondPart));
        let mut s = Scanner::new("XyZ");
        s.feed(b"abc").unwrap();
        assert_eq!(s.finish(), Err(ScanError::Malformed));
        let mut s = Scanner::new("XyZ");
        assert_eq!(s.feed(&vec![0u8; 6_000_100]), Err(ScanError::FileTooLarge));
    }
}
