//! Path segments: what a parameter of the contract may look like, and how
//! the widget encodes one into a path or query.

/// The one non-empty segment between `prefix` and `suffix`.
pub(super) fn single_segment<'a>(rest: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    let seg = rest.strip_prefix(prefix)?.strip_suffix(suffix)?;
    (!seg.is_empty() && !seg.contains('/')).then_some(seg)
}

/// `^[A-Za-z0-9][A-Za-z0-9-]{0,63}$`: what the contract accepts as a
/// tracking number.
pub fn valid_tracking_number(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 64
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
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
