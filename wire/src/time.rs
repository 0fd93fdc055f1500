//! RFC 3339 date-times, on [`jiff`]: the one place the proxy, the sandbox
//! and the wire rules (`jtl::ChannelTicket::validate`) format and read them.
//!
//! jiff parses a wider grammar (Temporal's: a space for the `T`, offsets
//! without a colon or without minutes, `[…]` annotations). RFC 3339 is
//! narrower, so [`parse_rfc3339`] checks the shape first —
//! `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, `T` and `Z` in either case —
//! and leaves the values (month lengths, leap years, ranges) to jiff.

use std::time::{SystemTime, UNIX_EPOCH};

use jiff::fmt::temporal::DateTimePrinter;
use jiff::tz::Offset;
use jiff::Timestamp;

/// Whole seconds, `+00:00` for UTC: upstream's style.
const PRINTER: DateTimePrinter = DateTimePrinter::new().precision(Some(0));

/// `2026-03-15T10:30:00+00:00` (UTC, whole seconds, upstream's style).
/// Instants before 1970 are written as the epoch.
pub fn rfc3339_utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let ts = i64::try_from(secs).ok().and_then(|s| Timestamp::from_second(s).ok()).unwrap_or(Timestamp::MAX);
    let mut out = String::with_capacity(25);
    // Writing to a `String` never fails.
    let _ = PRINTER.print_timestamp_with_offset(&ts, Offset::UTC, &mut out);
    out
}

/// Parses an RFC 3339 date-time (`2026-03-15T10:30:00+00:00`, `…Z`, an
/// optional fraction) into Unix seconds (the fraction dropped); `None` when
/// it is not one.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    if !has_rfc3339_shape(s.as_bytes()) {
        return None;
    }
    s.parse::<Timestamp>().ok().map(Timestamp::as_second)
}

/// Whether `s` is an RFC 3339 date-time ([`parse_rfc3339`] reads it).
pub fn is_rfc3339(s: &str) -> bool {
    parse_rfc3339(s).is_some()
}

/// RFC 3339's grammar, positions and digits only.
fn has_rfc3339_shape(b: &[u8]) -> bool {
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let at = |i: usize, allowed: &[u8]| b.get(i).is_some_and(|c| allowed.contains(c));
    let date_time = digits(0..4)
        && at(4, b"-")
        && digits(5..7)
        && at(7, b"-")
        && digits(8..10)
        && at(10, b"Tt")
        && digits(11..13)
        && at(13, b":")
        && digits(14..16)
        && at(16, b":")
        && digits(17..19);
    if !date_time {
        return false;
    }
    let mut i = 19;
    if at(i, b".") {
        let start = i + 1;
        i = start + b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        if i == start {
            return false;
        }
    }
    match &b[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_utc(UNIX_EPOCH), "1970-01-01T00:00:00+00:00");
        let t = UNIX_EPOCH + Duration::from_secs(1_773_570_600);
        assert_eq!(rfc3339_utc(t), "2026-03-15T10:30:00+00:00");
        assert_eq!(rfc3339_utc(t + Duration::from_millis(999)), "2026-03-15T10:30:00+00:00");
        let leap = UNIX_EPOCH + Duration::from_secs(951_825_600);
        assert_eq!(rfc3339_utc(leap), "2000-02-29T12:00:00+00:00");
        assert_eq!(rfc3339_utc(UNIX_EPOCH - Duration::from_secs(5)), "1970-01-01T00:00:00+00:00");
    }

    #[test]
    fn parses_rfc3339_only() {
        assert_eq!(parse_rfc3339("2026-03-15T10:30:00+00:00"), Some(1_773_570_600));
        assert_eq!(parse_rfc3339("2026-03-15T12:30:00.123+02:00"), Some(1_773_570_600));
        assert_eq!(parse_rfc3339("2026-03-15T10:30:00Z"), Some(1_773_570_600));
        assert_eq!(parse_rfc3339("2026-03-15t10:30:00z"), Some(1_773_570_600));
        assert_eq!(parse_rfc3339("2000-02-29T12:00:00Z"), Some(951_825_600));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339(&rfc3339_utc(UNIX_EPOCH + Duration::from_secs(86_399))), Some(86_399));
        for bad in [
            "",
            "2026-03-15",
            "2026-13-15T10:30:00Z",
            "2026-02-30T10:30:00Z",
            "2026-03-15T24:00:00Z",
            "2026-03-15T10:30:00",
            "2026-03-15T10:30:00+0000",
            "2026-03-15T10:30:00+00",
            "2026-03-15 10:30:00Z",
            "2026-03-15T10:30:00.Z",
            "2026-03-15T10:30:00Z[Europe/Berlin]",
            " 2026-03-15T10:30:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
            assert!(!is_rfc3339(bad), "{bad}");
        }
    }
}
