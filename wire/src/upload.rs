//! Limits of `POST /dsf/files`, shared by the widget (checked before an
//! upload starts) and the proxy (checked again while streaming).

/// Largest file upstream accepts: 6 MB (413 `content_too_large` above).
pub const MAX_UPLOAD_BYTES: u64 = 6 * 1000 * 1000;

/// True when upstream accepts files of this media type: `image/*`,
/// `video/*`, `text/*`, PDF, RTF, Word, Office Open XML, the `vnd.ms-*` and
/// OpenDocument families, XML, YAML and JSON. Parameters (`; charset=…`)
/// and case are ignored.
pub fn is_allowed_type(media_type: &str) -> bool {
    let t = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let Some((top, sub)) = t.split_once('/') else { return false };
    if sub.is_empty() {
        return false;
    }
    match top {
        "image" | "video" | "text" => true,
        "application" => {
            matches!(sub, "pdf" | "rtf" | "msword" | "xml" | "json" | "yaml" | "x-yaml")
                || sub.starts_with("vnd.openxmlformats-officedocument.")
                || sub.starts_with("vnd.ms-")
                || sub.starts_with("vnd.oasis.opendocument.")
                || sub.ends_with("+xml")
                || sub.ends_with("+json")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allowlist() {
        for ok in [
            "image/jpeg",
            "IMAGE/HEIC",
            "video/mp4",
            "text/plain; charset=utf-8",
            "application/pdf",
            "application/rtf",
            "application/msword",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.ms-excel",
            "application/vnd.oasis.opendocument.text",
            "application/xml",
            "application/json",
            "application/x-yaml",
        ] {
            assert!(is_allowed_type(ok), "{ok}");
        }
        for bad in [
            "application/zip",
            "application/x-msdownload",
            "application/octet-stream",
            "",
            "image",
            "image/",
            "audio/mpeg",
        ] {
            assert!(!is_allowed_type(bad), "{bad}");
        }
    }
}
