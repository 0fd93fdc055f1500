//! The multipart rules of `POST /dsf/files`: the first part's headers
//! (read before upstream is contacted) and the [`Scanner`] that follows
//! the file data to its closing boundary.

use axum::http::StatusCode;
use parcel_desk_wire::upload::{is_allowed_type, MAX_UPLOAD_BYTES};

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

pub(super) fn bad(detail: &str) -> ProxyError {
    ProxyError::new(StatusCode::BAD_REQUEST, "bad_request", detail)
}

pub(super) const MSG_MALFORMED: &str = "The multipart body is malformed or ended early.";
pub(super) const MSG_TWO_PARTS: &str = "Send exactly one part named 'file': the body has more than one part.";

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

/// The content type and filename of the part whose headers end at
/// `data_start` in `head` (as [`parse_head`] found them), for keeping the
/// file. `None` when they cannot be read.
pub fn part_meta(head: &[u8], data_start: usize) -> Option<(String, String)> {
    let block = String::from_utf8_lossy(head.get(..data_start)?);
    let (mut content_type, mut filename) = (None, None);
    for line in block.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else { continue };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(value.trim().to_owned()),
            "content-disposition" => {
                let p = params(value.trim());
                filename = p.iter().find(|(n, _)| n == "filename").map(|(_, v)| v.clone()).or(filename);
            }
            _ => {}
        }
    }
    Some((content_type?, filename.unwrap_or_else(|| "file".into())))
}

/// The file's bytes in a whole multipart body: from `data_start` to the
/// closing delimiter.
pub fn file_data<'a>(body: &'a [u8], data_start: usize, boundary: &str) -> Option<&'a [u8]> {
    let delim = format!("\r\n--{boundary}");
    let rest = body.get(data_start..)?;
    let end = find(rest, delim.as_bytes())?;
    Some(&rest[..end])
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
