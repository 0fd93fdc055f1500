//! Path segments: what a parameter of the contract may look like, and how
//! the widget encodes one into a path or query.

/// The one non-empty segment between `prefix` and `suffix`.
pub(super) fn single_segment<'a>(rest: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    let seg = rest.strip_prefix(prefix)?.strip_suffix(suffix)?;
    (!seg.is_empty() && !seg.contains('/')).then_some(seg)
}

/// What the contract accepts as a tracking number (the decoded value):
/// 1–255 characters, as Sendcloud's tracking API says, none of them `/`,
/// `\` or a control character, and not `.` or `..` — so that, encoded
/// again with [`encode_component`], it is always exactly one path segment
/// upstream and can never walk out of it.
pub fn valid_tracking_number(s: &str) -> bool {
    let count = s.chars().count();
    (1..=255).contains(&count) && s != "." && s != ".." && !s.chars().any(|c| c == '/' || c == '\\' || c.is_control())
}

/// Decodes a raw path segment (`%XX` escapes; `+` stays `+`). `None` for a
/// malformed escape or bytes that are not UTF-8.
pub fn percent_decode(seg: &str) -> Option<String> {
    let b = seg.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            let hi = hex(*b.get(i + 1)?)?;
            let lo = hex(*b.get(i + 2)?)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// 1–19 ASCII digits that fit an int64.
pub fn parse_ticket_id(seg: &str) -> Option<i64> {
    if seg.is_empty() || seg.len() > 19 || !seg.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    seg.parse::<i64>().ok()
}

/// A hyphenated UUID (8-4-4-4-12 hex digits, any case) as lower-case text.
pub fn parse_uuid(seg: &str) -> Option<String> {
    let b = seg.as_bytes();
    if b.len() != 36 {
        return None;
    }
    for (i, c) in b.iter().enumerate() {
        let ok = if matches!(i, 8 | 13 | 18 | 23) { *c == b'-' } else { c.is_ascii_hexdigit() };
        if !ok {
            return None;
        }
    }
    Some(seg.to_ascii_lowercase())
}

/// Ids the proxy gives the seller's attachments in a conversation: 16
/// lower-case hex digits.
pub fn is_channel_attachment_id(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Ticket ids the proxy issues for JTL contact tickets: `PD-` and 32
/// lower-case hex digits.
pub fn is_channel_ticket_id(s: &str) -> bool {
    s.strip_prefix("PD-")
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// False for raw paths that could mean something else after decoding or
/// normalisation: percent-encoded `.`, `/`, `\` or NUL, backslashes, empty,
/// `.` or `..` segments. The proxy answers such requests 404 whatever the
/// route, before [`Route::parse`].
pub fn raw_path_is_clean(path: &str) -> bool {
    if !path.starts_with('/') || path.contains('\\') {
        return false;
    }
    let lower = path.to_ascii_lowercase();
    if ["%2e", "%2f", "%5c", "%00"].iter().any(|p| lower.contains(p)) {
        return false;
    }
    if path == "/" {
        return true;
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    let last = segments.len() - 1;
    segments.iter().enumerate().all(|(i, s)| *s != "." && *s != ".." && (!s.is_empty() || i == last))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(char::from_digit((b >> 4) as u32, 16).unwrap_or('0').to_ascii_uppercase());
            out.push(char::from_digit((b & 15) as u32, 16).unwrap_or('0').to_ascii_uppercase());
        }
    }
    out
}

/// A path segment, encoded so that it stays one segment (`.` and `..`
/// included: they become `%2E`, which the proxy refuses as unclean).
pub(super) fn encode_segment(s: &str) -> String {
    match s {
        "." => "%2E".into(),
        ".." => "%2E%2E".into(),
        _ => encode_component(s),
    }
}
