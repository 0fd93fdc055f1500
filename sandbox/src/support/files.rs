//! `POST /dsf/files`: one multipart part `file`, at most 6 MB, of an
//! allowed type; answers a file token the claims may then name. PDFs are
//! kept ([`super::SandboxStats::pdfs`]) so a test can open them.

use std::sync::Arc;

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use parcel_desk_wire::upload::{is_allowed_type, MAX_UPLOAD_BYTES};
use parcel_desk_wire::FileTokenResponse;

use super::auth::authorized;
use super::SandboxState;
use crate::error::{json, SandboxError};

/// `POST /dsf/files`.
pub(super) async fn upload_file(
    State(state): State<Arc<SandboxState>>,
    req: Request,
) -> Result<Response, SandboxError> {
    authorized(&state, req.headers())?;
    let bad = |detail: &str| SandboxError::bad_request(detail);
    let too_large = || {
        SandboxError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "content_too_large",
            format!("File is too large: at most {MAX_UPLOAD_BYTES} bytes (6 MB) are accepted."),
        )
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES + 1024 * 1024) {
        return Err(too_large());
    }
    let mut multipart = Multipart::from_request(req, &()).await.map_err(|_| {
        SandboxError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Request must be multipart/form-data with a boundary.",
        )
    })?;
    let one_part = "Expected exactly one multipart part named 'file' with a filename and a Content-Type.";
    let malformed = |_| bad("Malformed multipart body.");
    let mut field = multipart.next_field().await.map_err(malformed)?.ok_or_else(|| bad(one_part))?;
    if field.name() != Some("file") || field.file_name().is_none_or(str::is_empty) {
        return Err(bad(one_part));
    }
    let Some(content_type) = field.content_type().map(str::to_owned) else {
        return Err(bad(one_part));
    };
    if !is_allowed_type(&content_type) {
        return Err(SandboxError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("File type '{}' is not allowed.", content_type.split(';').next().unwrap_or("").trim()),
        ));
    }
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let keep = essence == "application/pdf";
    let mut size: u64 = 0;
    let mut pdf = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(malformed)? {
        size += chunk.len() as u64;
        if size > MAX_UPLOAD_BYTES {
            return Err(too_large());
        }
        if keep {
            pdf.extend_from_slice(&chunk);
        }
    }
    drop(field);
    if multipart.next_field().await.map_err(malformed)?.is_some() {
        return Err(bad(one_part));
    }
    let hex: String = essence.bytes().map(|b| format!("{b:02x}")).collect();
    let file_token = format!("{}-{hex}", uuid::Uuid::new_v4());
    state.lock().file_tokens.insert(file_token.clone());
    if keep {
        state.options.stats.keep_pdf(&file_token, pdf);
    }
    Ok(json(StatusCode::CREATED, &FileTokenResponse { file_token }))
}
