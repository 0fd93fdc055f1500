//! A customer's lost claim carries their declaration of non-receipt: the
//! worker renders it as a PDF ([`crate::declaration`]) and uploads it
//! (`POST /dsf/files`, part `file`, `declaration.pdf`, `application/pdf`)
//! before filing, keeps the file token with the claim (so a retry never
//! uploads it again), and sends it as `customer_confirmation`.

use std::time::{Duration, UNIX_EPOCH};

use axum::http::{HeaderValue, Method};
use parcel_desk_wire::customer::CustomerClaim;
use parcel_desk_wire::time::rfc3339_utc;
use parcel_desk_wire::FileTokenResponse;
use serde_json::{json, Value};

use super::super::{call, ProxyState, Upstream};
use super::{backoff_ms, refusal_reason};
use crate::declaration::{declaration_pdf, DeclarationText};
use crate::store::claims::ClaimRow;
use crate::store::{now_ms, StoreError};

const BOUNDARY: &str = "parcel-desk-declaration-6f1c2a9e";

/// The declaration of a stored customer's claim as a PDF, dated the day
/// the claim was accepted (so every rendering is the same).
pub fn render(claim: &ClaimRow) -> Option<Vec<u8>> {
    let customer: CustomerClaim = serde_json::from_str(claim.customer.as_deref()?).ok()?;
    let declaration = customer.declaration.as_ref()?;
    let date = rfc3339_utc(UNIX_EPOCH + Duration::from_millis(claim.created_at.max(0) as u64));
    Some(declaration_pdf(&DeclarationText {
        date: date.get(..10).unwrap_or(&date),
        signed_name: &declaration.signed_name,
        order_number: customer.order_number.as_deref(),
        tracking_number: &claim.tracking_number,
        claim_type: customer.claim_type.as_str(),
    }))
}

/// `multipart/form-data` with the one part `file`.
fn multipart(pdf: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"declaration.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(pdf);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads the declaration; `Ok(Err(()))`: the claim was requeued or
/// marked for attention, nothing to send now.
async fn upload(st: &ProxyState, claim: &ClaimRow) -> Result<Result<String, ()>, StoreError> {
    let Some(pdf) = render(claim) else {
        st.tickets.store.mark_needs_attention(&claim.id, "The customer's declaration could not be read.").await?;
        return Ok(Err(()));
    };
    let body = multipart(&pdf);
    let up = Upstream {
        method: Method::POST,
        segments: &["dsf", "files"],
        query: None,
        content_type: HeaderValue::from_str(&format!("multipart/form-data; boundary={BOUNDARY}")).ok(),
        content_length: Some(body.len() as u64),
        body: Some(reqwest::Body::from(body)),
    };
    let retry = |why: &'static str| async move {
        let next = now_ms() + backoff_ms(st.sendcloud.budget.retry_base.as_millis() as i64, claim.attempts + 1);
        st.tickets.store.requeue(&claim.id, next, false, Some(why)).await
    };
    match call(&st.sendcloud, &st.sendcloud.base, up).await {
        Err(e) => {
            tracing::warn!(claim_id = %claim.id, error = %e, "declaration upload failed; will retry");
            retry("the declaration could not be uploaded yet; retrying").await?;
            Ok(Err(()))
        }
        Ok(a) if a.status.is_success() => match serde_json::from_slice::<FileTokenResponse>(&a.body) {
            Ok(f) if !f.file_token.trim().is_empty() => {
                let kept = st.tickets.store.keep_declaration_token(&claim.id, f.file_token.trim()).await?;
                Ok(kept.ok_or(()))
            }
            _ => {
                retry("the declaration's upload answered something unexpected; retrying").await?;
                Ok(Err(()))
            }
        },
        Ok(a) if a.status.is_server_error() || matches!(a.status.as_u16(), 401 | 403 | 408 | 429) => {
            tracing::warn!(claim_id = %claim.id, status = a.status.as_u16(), "declaration upload refused for now");
            retry("the declaration could not be uploaded yet; retrying").await?;
            Ok(Err(()))
        }
        Ok(a) => {
            let reason = format!("The declaration was refused: {}", refusal_reason(a.status, &a.body));
            st.tickets.store.mark_needs_attention(&claim.id, &reason).await?;
            st.tickets.store.add_history(&claim.id, "proxy", "needs_attention", Some(&reason)).await?;
            Ok(Err(()))
        }
    }
}

/// The body to send for `claim`: as stored, or for a claim with a
/// declaration with its file token in `customer_confirmation` (uploaded
/// first when the claim has none yet). `None`: not now (requeued, or
/// needs attention).
pub(super) async fn body_to_send(st: &ProxyState, claim: &ClaimRow) -> Result<Option<Vec<u8>>, StoreError> {
    if !claim.declaration {
        return Ok(Some(claim.body.clone()));
    }
    let token = match &claim.declaration_token {
        Some(t) => t.clone(),
        None => match upload(st, claim).await? {
            Ok(t) => t,
            Err(()) => return Ok(None),
        },
    };
    let mut body: Value = serde_json::from_slice(&claim.body).unwrap_or_else(|_| json!({}));
    if let Value::Object(map) = &mut body {
        map.insert("customer_confirmation".into(), json!({ "file_token": token }));
    }
    Ok(Some(serde_json::to_vec(&body).unwrap_or_default()))
}
