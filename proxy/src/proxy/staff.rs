//! The staff routes: `POST /parcels/tracking` ([`super::tracking`]) and
//! the inbox (`/staff/claims…`, [`parcel_desk_wire::inbox`]).
//!
//! Staff authenticate with `Authorization: Bearer <token>`: the single
//! `staff.token` (recorded as `staff`) or one of the named `staff.tokens`
//! (recorded with its name). The given token is compared with every
//! configured one, each comparison over SHA-256 digests in constant time,
//! without stopping at the first match. Without a valid token an inbox
//! route answers exactly like a route that does not exist.
//!
//! What staff can do to a claim, each recorded in its history with the
//! token's name:
//! - complete it (`with_shop`, `review`, `needs_attention`): the shop's
//!   data, checked field by field; what is missing is computed again from
//!   wire's required-field tables, and a `with_shop` claim that lacks
//!   nothing moves to `review` (with `claims.review = "never"` it is queued
//!   for filing at once);
//! - approve it: queued for filing (`received`), only when nothing is
//!   missing;
//! - reject it with a reason the customer sees; it is never filed;
//! - answer the data requests of its upstream ticket, once filed.

use std::time::{Duration, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use parcel_desk_wire::claim::allowed;
use parcel_desk_wire::customer::mapping::ShopPart;
use parcel_desk_wire::customer::CustomerClaim;
use parcel_desk_wire::inbox::{
    needed_fields, parcel_kind_str, parse_parcel_kind, Bucket, BucketCounts, InboxClaim, InboxHistoryEntry, InboxItem,
    InboxList, InboxPhoto, RejectClaim, ShopCompletion, PAGE_SIZE, REASON_MAX,
};
use parcel_desk_wire::reference::Reference;
use parcel_desk_wire::route::{valid_tracking_number, ClaimIdRef, FileTokenRef};
use parcel_desk_wire::time::rfc3339_utc;
use parcel_desk_wire::{
    validate, ClaimField, ClaimRequest, ClaimState, ClaimType, FieldProblem, ParcelKind, Route, ValidationIssue,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::customer::missing_fields;
use super::tickets::query_pairs;
use super::{bad_query, read_limited, require_json, ProxyState};
use crate::config::Review;
use crate::envelope::{json_response, ProxyError};
use crate::orders::MISSING_ORDER_FACTS;
use crate::store::inbox::{Completion, InboxFilter, InboxRow, STAFF_STATES};
use crate::store::StoreError;

/// The longest text staff may put into one field.
const TEXT_MAX: usize = 10_000;

/// What a claim may wait for besides fields.
const WAITS: [&str; 2] = [MISSING_ORDER_FACTS, "order_not_found"];

/// The actor name of the staff token in `Authorization`, if it is one of
/// the configured tokens. Every configured token is compared (constant
/// time, over SHA-256 digests so that lengths do not matter).
pub(super) fn staff_actor(st: &ProxyState, req: &Request) -> Option<String> {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()
        .and_then(|a| a.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("");
    let given = Sha256::digest(given.as_bytes());
    let mut found = None;
    for (name, token) in &st.staff {
        let expected = Sha256::digest(token.expose().as_bytes());
        let same: bool = given.as_slice().ct_eq(expected.as_slice()).into();
        if same && found.is_none() {
            found = Some(name.clone());
        }
    }
    found
}

/// Whether a request carries an `Authorization` header at all.
pub(super) fn has_authorization(req: &Request) -> bool {
    req.headers().contains_key(header::AUTHORIZATION)
}

fn store_failure(e: &StoreError) -> ProxyError {
    tracing::error!(error = %e, "store failed");
    ProxyError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "store_unavailable",
        "The proxy's store is not available right now.",
    )
}

fn claim_not_found() -> ProxyError {
    ProxyError::new(StatusCode::NOT_FOUND, "not_found", "No claim with this id.")
}

fn wrong_state(state: &str) -> ProxyError {
    ProxyError::new(
        StatusCode::CONFLICT,
        "claim_state",
        format!("The claim is {state}: only a claim with_shop, in review or needing attention can be changed."),
    )
}

fn no_query(req: &Request) -> Result<(), ProxyError> {
    if req.uri().query().is_some_and(|q| !q.is_empty()) {
        return Err(bad_query());
    }
    Ok(())
}

/// One staff route (the token is checked by the caller).
pub(super) async fn handle(st: &ProxyState, req: Request, route: Route, actor: &str) -> Response {
    let query = req.uri().query().map(str::to_owned);
    let bare = no_query(&req);
    let result = match route {
        Route::StaffClaims => list(st, query.as_deref()).await,
        Route::StaffClaim(ClaimIdRef::Id(id)) => match bare {
            Ok(()) => detail(st, &id).await,
            Err(e) => Err(e),
        },
        Route::StaffClaimFile(ClaimIdRef::Id(id), FileTokenRef::Token(token)) => match bare {
            Ok(()) => file(st, &id, &token).await,
            Err(e) => Err(e),
        },
        Route::StaffComplete(ClaimIdRef::Id(id)) => complete(st, req, &id, actor).await,
        Route::StaffApprove(ClaimIdRef::Id(id)) => match bare {
            Ok(()) => {
                drop(req);
                approve(st, &id, actor).await
            }
            Err(e) => Err(e),
        },
        Route::StaffReject(ClaimIdRef::Id(id)) => reject(st, req, &id, actor).await,
        Route::StaffRequestedData(ClaimIdRef::Id(id)) => match bare {
            Ok(()) => requested(st, &id).await,
            Err(e) => Err(e),
        },
        Route::StaffAnswerRequestedData(ClaimIdRef::Id(id)) => answer_requested(st, req, &id, actor).await,
        // A malformed claim id or file token: like an unknown one.
        _ => Err(claim_not_found()),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

fn at(ms: i64) -> String {
    rfc3339_utc(UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64))
}

fn states_of(bucket: &Bucket) -> InboxFilter<'static> {
    let (states, resolved): (&'static [&'static str], _) = match bucket {
        Bucket::Review => (&["review"], None),
        Bucket::Queued => (&["received", "queued", "filing"], None),
        Bucket::Filed => (&["filed"], Some(false)),
        Bucket::Resolved => (&["filed"], Some(true)),
        Bucket::NeedsAttention => (&["needs_attention"], None),
        Bucket::Rejected => (&["rejected"], None),
        _ => (&["with_shop"], None),
    };
    InboxFilter { states, resolved }
}

fn item(row: &InboxRow) -> InboxItem {
    let state = ClaimState::from_wire(&row.state);
    let bucket = Bucket::of(&state, row.upstream_status.as_deref());
    InboxItem {
        claim_id: row.id.clone(),
        reference: row.reference.map(|r| Reference::from_bits(r as u64)),
        claim_type: ClaimType::from_segment(&row.claim_type).unwrap_or(ClaimType::Other),
        created_at: at(row.created_at),
        customer_name: row.name.clone(),
        customer_email: row.email.clone(),
        tracking_number: row.tracking_number.clone(),
        order_number: row.order_number.clone(),
        state,
        bucket,
        reason: row.reason.clone(),
    }
}

/// `GET /staff/claims?state=&page=`.
async fn list(st: &ProxyState, query: Option<&str>) -> Result<Response, ProxyError> {
    let (mut bucket, mut page) = (None, None);
    for (k, v) in query_pairs(query) {
        match k.as_str() {
            "state" if bucket.is_none() => bucket = Some(v),
            "page" if page.is_none() => page = Some(v),
            _ => return Err(bad_query()),
        }
    }
    let bucket = match bucket.as_deref() {
        None => Bucket::WithShop,
        Some(b) => match Bucket::from_wire(b) {
            Bucket::Unlisted(_) => {
                return Err(ProxyError::bad_request(
                    "state must be one of with_shop, review, queued, filed, needs_attention, resolved, rejected.",
                ))
            }
            b => b,
        },
    };
    let page = match page.as_deref() {
        None => 1,
        Some(p) => match p.parse::<u32>() {
            Ok(n) if (1..=999_999).contains(&n) && p.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => return Err(ProxyError::bad_request("page must be a whole number from 1 to 999999.")),
        },
    };
    let store = &st.tickets.store;
    let mut counts = BucketCounts::default();
    for (state, resolved, n) in store.inbox_counts().await.map_err(|e| store_failure(&e))? {
        let b = Bucket::of(&ClaimState::from_wire(&state), resolved.then_some("resolved"));
        counts.add(&b, n.max(0) as u64);
    }
    let size = PAGE_SIZE as i64;
    let offset = i64::from(page - 1) * size;
    let mut rows = store.inbox_page(states_of(&bucket), size + 1, offset).await.map_err(|e| store_failure(&e))?;
    let more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    let list = InboxList {
        counts,
        state: bucket,
        page,
        next_page: more.then_some(page + 1),
        claims: rows.iter().map(item).collect(),
    };
    Ok(json_response(StatusCode::OK, &list))
}

/// The stored body of a claim.
fn body_of(row: &InboxRow) -> ClaimRequest {
    serde_json::from_slice(&row.body).unwrap_or_default()
}

fn customer_of(row: &InboxRow) -> Option<CustomerClaim> {
    row.customer.as_deref().and_then(|c| serde_json::from_str(c).ok())
}

fn waits_of(row: &InboxRow) -> Vec<String> {
    row.missing
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|m| WAITS.contains(m))
        .map(str::to_owned)
        .collect()
}

/// Every file token the claim references: the customer's photos and the
/// body's file fields.
fn tokens_of(customer: Option<&CustomerClaim>, body: &ClaimRequest) -> Vec<String> {
    let mut out: Vec<String> =
        customer.map(|c| c.photos.iter().map(|p| p.file_token.trim().to_owned()).collect()).unwrap_or_default();
    for f in ClaimField::ALL.iter().filter(|f| f.is_file()) {
        if let Some(t) = body.file_token(*f) {
            out.push(t.trim().to_owned());
        }
    }
    out.retain(|t| !t.is_empty());
    out.dedup();
    out
}

async fn view(st: &ProxyState, row: &InboxRow) -> Result<InboxClaim, ProxyError> {
    let store = &st.tickets.store;
    let customer = customer_of(row);
    let body = body_of(row);
    let kind = row.parcel_kind.as_deref().and_then(parse_parcel_kind);
    let claim_type = ClaimType::from_segment(&row.claim_type).unwrap_or(ClaimType::Other);
    let needed = if customer.is_some() { needed_fields(claim_type, kind, &body, row.declaration) } else { Vec::new() };
    let tokens: Vec<String> =
        customer.as_ref().map(|c| c.photos.iter().map(|p| p.file_token.clone()).collect()).unwrap_or_default();
    let refs: Vec<&str> = tokens.iter().map(String::as_str).collect();
    let kept = store.kept_tokens(&refs).await.map_err(|e| store_failure(&e))?;
    let photos = customer
        .as_ref()
        .map(|c| {
            c.photos
                .iter()
                .map(|p| InboxPhoto {
                    file_token: p.file_token.clone(),
                    role: p.role,
                    path: kept.contains(&p.file_token).then(|| {
                        Route::StaffClaimFile(ClaimIdRef::parse(&row.id), FileTokenRef::parse(&p.file_token)).path()
                    }),
                })
                .collect()
        })
        .unwrap_or_default();
    let history = store
        .history(&row.id)
        .await
        .map_err(|e| store_failure(&e))?
        .into_iter()
        .map(|h| InboxHistoryEntry { at: at(h.at), actor: h.actor, action: h.action, detail: h.detail })
        .collect();
    Ok(InboxClaim {
        item: item(row),
        customer,
        photos,
        parcel_kind: kind,
        body,
        declaration_pending: row.declaration,
        needed,
        waiting_for: waits_of(row),
        history,
        ticket_id: row.ticket_id,
        upstream_status: row.upstream_status.clone(),
    })
}

async fn row_of(st: &ProxyState, id: &str) -> Result<InboxRow, ProxyError> {
    match st.tickets.store.inbox_claim(id).await {
        Ok(Some(row)) => Ok(row),
        Ok(None) => Err(claim_not_found()),
        Err(e) => Err(store_failure(&e)),
    }
}

async fn answer(st: &ProxyState, id: &str) -> Result<Response, ProxyError> {
    let row = row_of(st, id).await?;
    Ok(json_response(StatusCode::OK, &view(st, &row).await?))
}

/// `GET /staff/claims/{id}`.
async fn detail(st: &ProxyState, id: &str) -> Result<Response, ProxyError> {
    answer(st, id).await
}

/// `GET /staff/claims/{id}/files/{token}`.
async fn file(st: &ProxyState, id: &str, token: &str) -> Result<Response, ProxyError> {
    let row = row_of(st, id).await?;
    let not_found = || ProxyError::new(StatusCode::NOT_FOUND, "not_found", "No such file for this claim.");
    if !tokens_of(customer_of(&row).as_ref(), &body_of(&row)).iter().any(|t| t == token) {
        return Err(not_found());
    }
    let kept = st.tickets.store.kept_file(token).await.map_err(|e| store_failure(&e))?.ok_or_else(not_found)?;
    let content_type = HeaderValue::from_str(&kept.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    let image = kept.content_type.starts_with("image/");
    let name: String = kept
        .filename
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' })
        .take(100)
        .collect();
    let disposition = format!("{}; filename=\"{}\"", if image { "inline" } else { "attachment" }, name);
    let mut res = Response::new(Body::from(kept.bytes));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, content_type);
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'none'; sandbox"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Reads a JSON body into `T`: 406 for what is not JSON, 400 naming the
/// field for what does not fit.
async fn json_body<T: DeserializeOwned>(st: &ProxyState, req: Request) -> Result<T, ProxyError> {
    no_query(&req)?;
    let req = require_json(req)?;
    let bytes = read_limited(req, st.gate.json_limit).await?;
    let value = serde_json::from_slice::<Value>(&bytes).map_err(|_| ProxyError::invalid_json())?;
    serde_json::from_value(value).map_err(|e| {
        let text = e.to_string();
        let msg = text.split(" at line ").next().unwrap_or(&text).to_owned();
        let field = msg.split('`').nth(1).filter(|f| !f.contains(' ')).unwrap_or("body").to_owned();
        let kind = if msg.starts_with("unknown field") {
            "extra_forbidden"
        } else if msg.starts_with("missing field") {
            "missing"
        } else {
            "invalid_type"
        };
        ProxyError::validation(&[ValidationIssue { kind: kind.into(), loc: vec![field], msg }])
    })
}

fn issue(field: &str, kind: &str, msg: impl Into<String>) -> ValidationIssue {
    ValidationIssue { kind: kind.into(), loc: vec![field.to_owned()], msg: msg.into() }
}

/// Lays the given fields over `body`.
fn apply(body: &mut ClaimRequest, c: &ShopCompletion) {
    let g = c.as_body();
    if c.tracking_number.is_some() {
        body.tracking_number = g.tracking_number.trim().to_owned();
    }
    macro_rules! over {
        ($($f:ident),*) => { $(if g.$f.is_some() { body.$f = g.$f.clone(); })* };
    }
    over!(
        carrier_contract_id,
        contents_sales_price,
        contents_purchase_price,
        contents_description,
        parcel_exterior_description,
        parcel_dimensions,
        additional_remarks,
        sales_invoice,
        purchase_invoice,
        customer_confirmation,
        carrier_claim_form,
        exterior_photo,
        interior_photo,
        damage_photo_1,
        damage_photo_2,
        package_photo,
        entire_product_photo,
        is_parcel_returned,
        additional_details,
        new_address,
        subject,
        question
    );
}

/// Checks each given field; every problem, in field order.
fn check(claim_type: ClaimType, kind: Option<ParcelKind>, c: &ShopCompletion) -> Vec<ValidationIssue> {
    let mut out = Vec::new();
    if let Some(k) = kind.filter(|k| !claim_type.offered_for(*k)) {
        out.push(issue(
            "parcel_kind",
            "value_error",
            format!("A {} claim cannot be filed for {} parcels", claim_type.as_str(), parcel_kind_str(k)),
        ));
    }
    let given = c.as_body();
    fn text(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim)
    }
    for field in c.given() {
        let name = field.wire_name();
        let has_field = match kind {
            Some(k) => allowed(claim_type, k, field),
            None => claim_type.fields().contains(&field),
        };
        if !has_field {
            out.push(issue(name, "extra_forbidden", FieldProblem::NotAllowed.message_en()));
            continue;
        }
        if field.is_file() {
            let token = given.file_token(field).unwrap_or("").trim();
            if token.is_empty() {
                out.push(issue(name, "missing", "Give the file_token of an uploaded file (POST /dsf/files)"));
            } else if !parcel_desk_wire::route::valid_file_token(token) {
                out.push(issue(name, "value_error", "Not a file token this proxy issued"));
            }
            continue;
        }
        let t = match field {
            ClaimField::TrackingNumber => text(&c.tracking_number),
            ClaimField::ContentsDescription => text(&c.contents_description),
            ClaimField::ParcelExteriorDescription => text(&c.parcel_exterior_description),
            ClaimField::AdditionalRemarks => text(&c.additional_remarks),
            ClaimField::AdditionalDetails => text(&c.additional_details),
            ClaimField::NewAddress => text(&c.new_address),
            ClaimField::Subject => text(&c.subject),
            ClaimField::Question => text(&c.question),
            _ => None,
        };
        if let Some(t) = t {
            if t.is_empty() {
                out.push(issue(name, "string_too_short", "Must not be blank"));
            } else if t.chars().count() > TEXT_MAX {
                out.push(issue(name, "string_too_long", format!("At most {TEXT_MAX} characters")));
            } else if field == ClaimField::TrackingNumber && !valid_tracking_number(t) {
                out.push(issue(name, "value_error", "Not a tracking number (1–255 characters, no / or \\)"));
            }
        }
    }
    // Prices, dimensions and the contract id: the spec's value rules.
    let probe_kind = kind.unwrap_or(ParcelKind::OwnContract);
    let mut probe = given;
    probe.tracking_number = "-".into();
    for (field, problem) in validate(claim_type, probe_kind, &probe) {
        if matches!(problem, FieldProblem::NotPositive | FieldProblem::UnknownCurrency) {
            out.push(issue(field.wire_name(), problem.python_type(), problem.message_en()));
        }
    }
    out
}

/// What `body` still lacks for the kind (upstream's field names, or
/// `tracking_number`, `parcel_kind`).
fn missing_of(
    st: &ProxyState,
    claim_type: ClaimType,
    customer: Option<&CustomerClaim>,
    body: &ClaimRequest,
    kind: Option<ParcelKind>,
) -> Vec<String> {
    let shop = ShopPart { kind, carrier_contract_id: body.carrier_contract_id.or(st.tickets.shop.carrier_contract_id) };
    match customer {
        Some(c) => missing_fields(c, body, shop),
        None => match kind {
            None => vec!["parcel_kind".to_owned()],
            Some(k) => validate(claim_type, k, body)
                .into_iter()
                .filter(|(_, p)| *p == FieldProblem::Missing)
                .map(|(f, _)| f.wire_name().to_owned())
                .collect(),
        },
    }
}

fn waiting_reason(missing: &[String]) -> String {
    format!("waiting for the shop's part: {}", missing.join(", "))
}

/// `POST /staff/claims/{id}/complete`.
async fn complete(st: &ProxyState, req: Request, id: &str, actor: &str) -> Result<Response, ProxyError> {
    let completion: ShopCompletion = json_body(st, req).await?;
    let row = row_of(st, id).await?;
    if !STAFF_STATES.contains(&row.state.as_str()) {
        return Err(wrong_state(&row.state));
    }
    let claim_type = ClaimType::from_segment(&row.claim_type).unwrap_or(ClaimType::Other);
    let kind = completion.parcel_kind.or(row.parcel_kind.as_deref().and_then(parse_parcel_kind));
    let issues = check(claim_type, kind, &completion);
    if !issues.is_empty() {
        return Err(ProxyError::validation(&issues));
    }
    let mut body = body_of(&row);
    apply(&mut body, &completion);
    match kind {
        Some(ParcelKind::SendcloudRates) => body.carrier_contract_id = None,
        Some(ParcelKind::OwnContract) if body.carrier_contract_id.is_none() => {
            body.carrier_contract_id = st.tickets.shop.carrier_contract_id;
        }
        _ => {}
    }
    let customer = customer_of(&row);
    let missing = missing_of(st, claim_type, customer.as_ref(), &body, kind);
    let complete = missing.is_empty();
    let state = match row.state.as_str() {
        "needs_attention" => "needs_attention",
        _ if !complete => "with_shop",
        "with_shop" if st.tickets.review == Review::Never => "received",
        _ => "review",
    };
    let reason = match state {
        "with_shop" => Some(waiting_reason(&missing)),
        "needs_attention" => row.reason.clone(),
        _ => None,
    };
    let missing_text = missing.join(",");
    let Ok(json) = serde_json::to_vec(&body) else {
        return Err(ProxyError::bad_request("The claim could not be encoded."));
    };
    let change = Completion {
        body: &json,
        tracking_number: &body.tracking_number,
        parcel_kind: kind.map(parcel_kind_str),
        state,
        missing: (!complete).then_some(missing_text.as_str()),
        reason: reason.as_deref(),
    };
    let done =
        st.tickets.store.complete_claim(id, &row.state, &row.body, &change).await.map_err(|e| store_failure(&e))?;
    if !done {
        return Err(ProxyError::new(
            StatusCode::CONFLICT,
            "claim_state",
            "The claim changed meanwhile: read it again and repeat the change.",
        ));
    }
    let mut fields: Vec<&str> = completion.given().iter().map(|f| f.wire_name()).collect();
    if completion.parcel_kind.is_some() {
        fields.insert(0, "parcel_kind");
    }
    let detail = if fields.is_empty() { "nothing new".to_owned() } else { fields.join(", ") };
    let store = &st.tickets.store;
    store.add_history(id, actor, "completed", Some(&detail)).await.map_err(|e| store_failure(&e))?;
    if state == "received" {
        store.add_history(id, actor, "approved", Some("claims.review = never")).await.map_err(|e| store_failure(&e))?;
        st.tickets.wake.notify_one();
    }
    tracing::info!(claim_id = %id, state, "staff completed a claim");
    answer(st, id).await
}

/// `POST /staff/claims/{id}/approve`.
async fn approve(st: &ProxyState, id: &str, actor: &str) -> Result<Response, ProxyError> {
    let row = row_of(st, id).await?;
    if !STAFF_STATES.contains(&row.state.as_str()) || row.ticket_id.is_some() {
        return Err(wrong_state(&row.state));
    }
    let claim_type = ClaimType::from_segment(&row.claim_type).unwrap_or(ClaimType::Other);
    let kind = row.parcel_kind.as_deref().and_then(parse_parcel_kind);
    let body = body_of(&row);
    let customer = customer_of(&row);
    let mut missing = missing_of(st, claim_type, customer.as_ref(), &body, kind);
    missing.extend(waits_of(&row));
    if customer.is_none() && row.state == "needs_attention" {
        // A raw claim upstream refused: its kind is upstream's to know.
        missing.retain(|m| m != "parcel_kind");
    }
    if !missing.is_empty() {
        return Err(ProxyError::new(
            StatusCode::CONFLICT,
            "claim_incomplete",
            format!("Still missing: {}.", missing.join(", ")),
        ));
    }
    if !st.tickets.store.approve_claim(id, &row.state, &row.body).await.map_err(|e| store_failure(&e))? {
        return Err(ProxyError::new(
            StatusCode::CONFLICT,
            "claim_state",
            "The claim changed meanwhile: read it again before approving it.",
        ));
    }
    st.tickets.store.add_history(id, actor, "approved", None).await.map_err(|e| store_failure(&e))?;
    st.tickets.wake.notify_one();
    tracing::info!(claim_id = %id, "staff approved a claim");
    answer(st, id).await
}

/// `POST /staff/claims/{id}/reject`.
async fn reject(st: &ProxyState, req: Request, id: &str, actor: &str) -> Result<Response, ProxyError> {
    let asked: RejectClaim = json_body(st, req).await?;
    let reason = asked.reason.trim();
    if reason.is_empty() {
        return Err(ProxyError::validation(&[issue("reason", "string_too_short", "Give the customer a reason")]));
    }
    if reason.chars().count() > REASON_MAX || reason.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ProxyError::validation(&[issue(
            "reason",
            "string_too_long",
            format!("At most {REASON_MAX} characters, no control characters"),
        )]));
    }
    let row = row_of(st, id).await?;
    if !STAFF_STATES.contains(&row.state.as_str()) {
        return Err(wrong_state(&row.state));
    }
    if !st.tickets.store.reject_claim(id, reason).await.map_err(|e| store_failure(&e))? {
        return Err(wrong_state("changed meanwhile"));
    }
    st.tickets.store.add_history(id, actor, "rejected", Some(reason)).await.map_err(|e| store_failure(&e))?;
    tracing::info!(claim_id = %id, "staff rejected a claim");
    answer(st, id).await
}

/// `GET /staff/claims/{id}/requested-data`.
async fn requested(st: &ProxyState, id: &str) -> Result<Response, ProxyError> {
    let row = row_of(st, id).await?;
    let data = match row.ticket_id {
        None => Vec::new(),
        Some(ticket) => super::tickets::requests_for_staff(st, ticket, &row.tracking_number).await?,
    };
    Ok(json_response(StatusCode::OK, &parcel_desk_wire::requested_data::RequestedDataList { data }))
}

/// `POST /staff/claims/{id}/requested-data`.
async fn answer_requested(st: &ProxyState, req: Request, id: &str, actor: &str) -> Result<Response, ProxyError> {
    let asked: parcel_desk_wire::requested_data::RequestedDataAnswer = json_body(st, req).await?;
    if !asked.has_content() {
        return Err(ProxyError::validation(&[issue(
            "comment",
            "missing",
            "Give a comment, an attachment or sales data",
        )]));
    }
    if let Some(bad) =
        asked.attachments.iter().flatten().position(|a| !parcel_desk_wire::route::valid_file_token(a.file_token.trim()))
    {
        return Err(ProxyError::validation(&[ValidationIssue {
            kind: "value_error".into(),
            loc: vec!["attachments".into(), bad.to_string(), "file_token".into()],
            msg: "Not a file token this proxy issued".into(),
        }]));
    }
    let row = row_of(st, id).await?;
    let Some(ticket) = row.ticket_id else {
        return Err(ProxyError::new(StatusCode::NOT_FOUND, "not_found", "Data request not found."));
    };
    let res = super::tickets::answer_for_staff(st, ticket, &row.tracking_number, &asked).await?;
    if res.status().is_success() {
        let files = asked.attachments.as_ref().map_or(0, Vec::len);
        let rows = asked.sales_data.as_ref().map_or(0, Vec::len);
        let detail = format!("request {}: {files} file(s), {rows} sales data row(s)", asked.request_id);
        if let Err(e) = st.tickets.store.add_history(id, actor, "answered_request", Some(&detail)).await {
            tracing::warn!(error = %e, "could not record a claim's history");
        }
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_name_each_field() {
        let c: ShopCompletion = serde_json::from_str(
            r#"{"contents_sales_price":{"price":0,"currency":"EUR"},"purchase_invoice":{"file_token":" "},
                "carrier_contract_id":5,"new_address":"x"}"#,
        )
        .unwrap();
        let issues = check(ClaimType::Lost, Some(ParcelKind::SendcloudRates), &c);
        let locs: Vec<(&str, &str)> = issues.iter().map(|i| (i.loc[0].as_str(), i.kind.as_str())).collect();
        assert!(locs.contains(&("carrier_contract_id", "extra_forbidden")), "{locs:?}");
        assert!(locs.contains(&("new_address", "extra_forbidden")), "{locs:?}");
        assert!(locs.contains(&("purchase_invoice", "missing")), "{locs:?}");
        assert!(locs.contains(&("contents_sales_price", "greater_than")), "{locs:?}");
        let late = ShopCompletion { parcel_kind: Some(ParcelKind::SendcloudRates), ..Default::default() };
        assert_eq!(check(ClaimType::LateDelivery, late.parcel_kind, &late)[0].loc, ["parcel_kind"]);
        assert!(check(ClaimType::Lost, None, &ShopCompletion::default()).is_empty());
    }

    #[test]
    fn apply_overwrites_only_given_fields() {
        let mut body = ClaimRequest {
            tracking_number: "T".into(),
            contents_description: Some("Vase".into()),
            ..Default::default()
        };
        let c: ShopCompletion =
            serde_json::from_str(r#"{"purchase_invoice":{"file_token":"f1"},"additional_remarks":"r"}"#).unwrap();
        apply(&mut body, &c);
        assert_eq!(body.contents_description.as_deref(), Some("Vase"));
        assert_eq!(body.purchase_invoice.unwrap().file_token, "f1");
        assert_eq!(body.additional_remarks.as_deref(), Some("r"));
        assert_eq!(body.tracking_number, "T");
    }

    #[test]
    fn buckets_list_their_states() {
        assert_eq!(states_of(&Bucket::Queued).states, ["received", "queued", "filing"]);
        assert_eq!(states_of(&Bucket::Resolved).resolved, Some(true));
    }
}
