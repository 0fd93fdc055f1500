//! Calls to the merchant's proxy. The widget never talks to Sendcloud or
//! JTL directly and never holds a credential: every URL here is built from
//! the proxy contract's route table ([`parcel_desk_wire::route`]) below the
//! configured proxy URL.

use gloo_net::http::{Request, RequestBuilder, Response};
use parcel_desk_wire::customer::{CustomerClaim, CustomerClaimCreated};
#[cfg(feature = "staff")]
use parcel_desk_wire::route::ClaimIdRef;
use parcel_desk_wire::route::{headers, TicketRef, TrackingRef};
use parcel_desk_wire::{ErrorEnvelope, Route};
use serde::de::DeserializeOwned;

mod failure;
pub use failure::{failure_text, ApiFailure};

/// A client for one proxy URL (e.g. `/parcel-desk-api`).
#[derive(Clone, Debug, PartialEq)]
pub struct Proxy {
    base: String,
}

impl Proxy {
    pub fn new(base: &str) -> Self {
        Proxy { base: base.trim_end_matches('/').to_owned() }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The URL of a route of the contract, with its query (keys the route
    /// does not accept are left out).
    pub fn url(&self, route: &Route, query: &[(&str, &str)]) -> String {
        route.url(&self.base, query)
    }

    /// `POST /claims`: the customer's part of a claim. The same
    /// `idempotency_key` for the same body never files two claims: the
    /// proxy replays its first answer.
    pub async fn create_customer_claim(
        &self,
        body: &CustomerClaim,
        idempotency_key: &str,
    ) -> Result<CustomerClaimCreated, ApiFailure> {
        let request = Request::post(&self.url(&Route::CustomerClaim, &[]))
            .header("Accept", "application/json")
            .header(headers::IDEMPOTENCY_KEY, idempotency_key)
            .json_body(body)?;
        read(request.send().await).await
    }
}

async fn read<T: DeserializeOwned>(sent: Result<Response, gloo_net::Error>) -> Result<T, ApiFailure> {
    let response = sent.map_err(|_| ApiFailure::Network)?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if response.ok() {
        return crate::json::from_str::<T>(&text).ok_or(ApiFailure::BadAnswer(status));
    }
    let retry_after = response.headers().get(headers::RETRY_AFTER).and_then(|v| v.trim().parse::<u32>().ok());
    let envelope = crate::json::from_str::<ErrorEnvelope>(&text);
    Err(ApiFailure::Http { status, envelope, retry_after })
}

/// A random id for requests (an `Idempotency-Key`, the staff view's
/// `source_id`): a UUID from `crypto.randomUUID`, else `pd-` and random
/// digits. Browsers offer `randomUUID` only on HTTPS pages and localhost;
/// calling it where it is missing would throw out of the submit handler.
pub fn random_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .filter(|c| js_sys::Reflect::has(c, &wasm_bindgen::JsValue::from_str("randomUUID")).unwrap_or(false))
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("pd-{}", js_sys::Math::random().to_bits()))
}

/// The attempt (request as JSON, `Idempotency-Key`) for sending `sent`:
/// `last` when it sent the same, so that a request sent again (after a lost
/// answer or a reload) is answered once; else `sent` under a new key.
pub(crate) fn attempt(last: Option<(String, String)>, sent: String) -> (String, String) {
    match last {
        Some(last) if last.0 == sent => last,
        _ => (sent, random_id()),
    }
}

/// A request with a JSON body (`Content-Type: application/json`).
trait JsonBody {
    fn json_body<T: serde::Serialize + ?Sized>(self, body: &T) -> Result<Request, ApiFailure>;
}

impl JsonBody for RequestBuilder {
    fn json_body<T: serde::Serialize + ?Sized>(self, body: &T) -> Result<Request, ApiFailure> {
        // A body that cannot be JSON is refused before anything is sent
        // (status 0: no answer to speak of).
        let text = crate::json::to_string(body).ok_or(ApiFailure::BadAnswer(0))?;
        self.header("Content-Type", "application/json").body(text).map_err(|_| ApiFailure::BadAnswer(0))
    }
}

/// How the customer proves they may read a ticket.
#[derive(Clone, Debug, PartialEq)]
pub enum Access {
    /// The proxy's token from the claim's creation (or an earlier lookup).
    Token(String),
    /// The ticket's order number (numeric ticket ids only).
    OrderNumber(String),
}

/// A ticket read: the ticket, or the claim before the carrier's ticket is
/// readable (received, queued, being filed, filed) — with upstream's
/// reason when it was refused (`needs_attention`), the shop's when it
/// rejected the claim (`rejected`).
#[derive(Clone, Debug, PartialEq)]
pub enum TicketRead {
    Ticket {
        ticket: Box<parcel_desk_wire::TicketResponse>,
        /// A fresh token the proxy hands out after an order-number lookup.
        token: Option<String>,
    },
    Pending {
        /// Where the claim stands in the proxy's pipeline (`None`: a proxy
        /// that does not say).
        state: Option<parcel_desk_wire::ClaimState>,
        /// The reason that comes with the state: why the carrier's service
        /// refused the claim (`needs_attention`), or why the shop rejected
        /// it (`rejected`).
        reason: Option<String>,
    },
}

use parcel_desk_wire::requested_data::RequestedDataList;
pub use parcel_desk_wire::requested_data::{RequestedData as DataRequest, RequestedDataAnswer as DataAnswer};

impl Proxy {
    fn with_access(
        &self,
        route: &Route,
        access: &Access,
        mut query: Vec<(&'static str, String)>,
    ) -> (String, Option<String>) {
        let token = match access {
            Access::Token(t) => Some(t.clone()),
            Access::OrderNumber(n) => {
                // No order number, no token: the proxy answers 404, as for
                // any ticket the caller may not read.
                if !n.trim().is_empty() {
                    query.push(("order_number", n.clone()));
                }
                None
            }
        };
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        (self.url(route, &query), token)
    }

    /// `GET /dsf/tickets/{id}`: a UUID from the claim's creation or a
    /// numeric ticket id.
    pub async fn ticket(&self, id: &str, access: &Access) -> Result<TicketRead, ApiFailure> {
        let route = Route::GetTicket(TicketRef::from_input(id));
        let (url, token) = self.with_access(&route, access, Vec::new());
        let mut request = Request::get(&url).header("Accept", "application/json");
        if let Some(t) = &token {
            request = request.header(headers::TICKET_TOKEN, t);
        }
        let response = request.send().await.map_err(|_| ApiFailure::Network)?;
        if response.status() == 202 {
            let pending = read::<parcel_desk_wire::TicketPending>(Ok(response)).await.ok();
            let state = pending.as_ref().map(|p| p.state.clone());
            let reason = pending
                .filter(|p| {
                    matches!(
                        p.state,
                        parcel_desk_wire::ClaimState::NeedsAttention | parcel_desk_wire::ClaimState::Rejected
                    )
                })
                .map(|p| p.reason.unwrap_or_default());
            return Ok(TicketRead::Pending { state, reason });
        }
        let fresh = response.headers().get(headers::TICKET_TOKEN);
        let ticket = read(Ok(response)).await?;
        Ok(TicketRead::Ticket { ticket: Box::new(ticket), token: fresh })
    }

    /// The carrier's open data requests for one ticket.
    pub async fn data_requests(&self, id: &str, access: &Access) -> Result<Vec<DataRequest>, ApiFailure> {
        let (url, token) = self.with_access(&Route::GetRequestedData, access, vec![("ticket", id.to_owned())]);
        let mut request = Request::get(&url).header("Accept", "application/json");
        if let Some(t) = &token {
            request = request.header(headers::TICKET_TOKEN, t);
        }
        read::<RequestedDataList>(request.send().await).await.map(|d| d.data)
    }

    /// Answers one data request with a comment and/or files.
    pub async fn answer_data_request(&self, id: &str, access: &Access, answer: &DataAnswer) -> Result<(), ApiFailure> {
        let (url, token) = self.with_access(&Route::AnswerRequestedData, access, vec![("ticket", id.to_owned())]);
        let mut request = Request::post(&url).header("Accept", "application/json");
        if let Some(t) = &token {
            request = request.header(headers::TICKET_TOKEN, t);
        }
        let request = request.json_body(answer)?;
        read::<serde::de::IgnoredAny>(request.send().await).await.map(|_| ())
    }

    /// `POST /claims/lookup`: a customer's claim by its reference (as typed;
    /// the proxy normalises it) and the e-mail address given with the claim
    /// or the parcel's postal code. A wrong reference, e-mail address or
    /// postal code is the same 404.
    pub async fn lookup_claim(
        &self,
        reference: &str,
        email_or_postal_code: &str,
    ) -> Result<parcel_desk_wire::customer::ClaimFound, ApiFailure> {
        let body = parcel_desk_wire::customer::ClaimLookup {
            reference: reference.trim().to_owned(),
            email_or_postal_code: email_or_postal_code.trim().to_owned(),
        };
        let request =
            Request::post(&self.url(&Route::ClaimLookup, &[])).header("Accept", "application/json").json_body(&body)?;
        read(request.send().await).await
    }

    /// `GET /parcels/tracking/{tracking_number}`; with the recipient's
    /// postal code the proxy keeps the addresses, without it strips them.
    pub async fn tracking(
        &self,
        number: &str,
        postal_code: Option<&str>,
    ) -> Result<parcel_desk_wire::tracking::ParcelTrackingResponse, ApiFailure> {
        let route = Route::Tracking(TrackingRef::parse(number));
        let query: Vec<(&str, &str)> =
            postal_code.map(str::trim).filter(|p| !p.is_empty()).map(|p| ("postal_code", p)).into_iter().collect();
        let url = self.url(&route, &query);
        read(Request::get(&url).header("Accept", "application/json").send().await).await
    }
}

#[cfg(feature = "contact")]
impl Proxy {
    /// `POST /channel/ticket`: a question to the seller (JTL-SCX). The
    /// same `idempotency_key` for the same message never creates two
    /// tickets: the proxy replays its first answer.
    pub async fn create_contact(
        &self,
        body: &parcel_desk_wire::jtl::ContactRequest,
        idempotency_key: &str,
    ) -> Result<parcel_desk_wire::jtl::ContactCreated, ApiFailure> {
        let request = Request::post(&self.url(&Route::ChannelCreate, &[]))
            .header("Accept", "application/json")
            .header(headers::IDEMPOTENCY_KEY, idempotency_key)
            .json_body(body)?;
        read(request.send().await).await
    }

    /// `GET /channel/ticket/{id}/messages`: the buyer's message and the
    /// seller's replies.
    pub async fn conversation(&self, id: &str, token: &str) -> Result<parcel_desk_wire::jtl::Conversation, ApiFailure> {
        let url = self.url(&Route::ChannelMessages(parcel_desk_wire::route::ChannelTicketRef::parse(id)), &[]);
        read(Request::get(&url).header("Accept", "application/json").header(headers::TICKET_TOKEN, token).send().await)
            .await
    }

    /// `GET /channel/ticket/{id}/attachments/{attachment_id}`: a seller's
    /// attachment, as a blob (the token goes in a header, never in a URL).
    pub async fn seller_attachment(
        &self,
        id: &str,
        token: &str,
        attachment_id: &str,
    ) -> Result<web_sys::Blob, ApiFailure> {
        use parcel_desk_wire::route::{ChannelAttachmentRef, ChannelTicketRef};
        let route = Route::ChannelAttachment(ChannelTicketRef::parse(id), ChannelAttachmentRef::parse(attachment_id));
        let sent = Request::get(&self.url(&route, &[])).header(headers::TICKET_TOKEN, token).send().await;
        blob_of(sent.map_err(|_| ApiFailure::Network)?).await
    }
}

#[cfg(feature = "staff")]
impl Proxy {
    /// `POST /parcels/tracking` (staff only): registers a parcel shipped
    /// outside Sendcloud so it can be tracked and claimed.
    pub async fn register_parcel(&self, staff_token: &str, body: &serde_json::Value) -> Result<(), ApiFailure> {
        let request = Request::post(&self.url(&Route::RegisterParcel, &[]))
            .header("Accept", "application/json")
            .header(headers::AUTHORIZATION, &format!("Bearer {staff_token}"))
            .json_body(body)?;
        read::<serde::de::IgnoredAny>(request.send().await).await.map(|_| ())
    }
}

/// The staff inbox (`/staff/claims…`): every call carries
/// `Authorization: Bearer <staff token>`. A missing or wrong token is the
/// proxy's 404, the same as a route that does not exist.
#[cfg(feature = "staff")]
impl Proxy {
    fn staff_request(&self, route: &Route, query: &[(&str, &str)], staff_token: &str) -> RequestBuilder {
        let url = self.url(route, query);
        let builder = match route.method() {
            parcel_desk_wire::Method::Get => Request::get(&url),
            _ => Request::post(&url),
        };
        builder.header("Accept", "application/json").header(headers::AUTHORIZATION, &format!("Bearer {staff_token}"))
    }

    /// `GET /staff/claims?state=<bucket>&page=<n>`.
    pub async fn inbox(
        &self,
        staff_token: &str,
        bucket: &parcel_desk_wire::inbox::Bucket,
        page: u32,
    ) -> Result<parcel_desk_wire::inbox::InboxList, ApiFailure> {
        let page = page.to_string();
        let query = [("state", bucket.as_str()), ("page", page.as_str())];
        read(self.staff_request(&Route::StaffClaims, &query, staff_token).send().await).await
    }

    /// `GET /staff/claims/{claim_id}`.
    pub async fn inbox_claim(
        &self,
        staff_token: &str,
        claim_id: &str,
    ) -> Result<parcel_desk_wire::inbox::InboxClaim, ApiFailure> {
        let route = Route::StaffClaim(ClaimIdRef::parse(claim_id));
        read(self.staff_request(&route, &[], staff_token).send().await).await
    }

    /// `POST /staff/claims/{claim_id}/complete`: the shop's part.
    pub async fn complete_claim(
        &self,
        staff_token: &str,
        claim_id: &str,
        body: &parcel_desk_wire::inbox::ShopCompletion,
    ) -> Result<parcel_desk_wire::inbox::InboxClaim, ApiFailure> {
        let route = Route::StaffComplete(ClaimIdRef::parse(claim_id));
        read(self.staff_request(&route, &[], staff_token).json_body(body)?.send().await).await
    }

    /// `POST /staff/claims/{claim_id}/approve`: queues the claim for filing.
    pub async fn approve_claim(
        &self,
        staff_token: &str,
        claim_id: &str,
    ) -> Result<parcel_desk_wire::inbox::InboxClaim, ApiFailure> {
        let route = Route::StaffApprove(ClaimIdRef::parse(claim_id));
        read(self.staff_request(&route, &[], staff_token).send().await).await
    }

    /// `POST /staff/claims/{claim_id}/reject` with the reason the customer sees.
    pub async fn reject_claim(
        &self,
        staff_token: &str,
        claim_id: &str,
        reason: &str,
    ) -> Result<parcel_desk_wire::inbox::InboxClaim, ApiFailure> {
        let route = Route::StaffReject(ClaimIdRef::parse(claim_id));
        let body = parcel_desk_wire::inbox::RejectClaim { reason: reason.to_owned() };
        read(self.staff_request(&route, &[], staff_token).json_body(&body)?.send().await).await
    }

    /// `GET /staff/claims/{claim_id}/requested-data`: the open requests of
    /// the claim's ticket.
    pub async fn inbox_requests(&self, staff_token: &str, claim_id: &str) -> Result<Vec<DataRequest>, ApiFailure> {
        let route = Route::StaffRequestedData(ClaimIdRef::parse(claim_id));
        read::<RequestedDataList>(self.staff_request(&route, &[], staff_token).send().await).await.map(|d| d.data)
    }

    /// `POST /staff/claims/{claim_id}/requested-data`: one answer.
    pub async fn answer_inbox_request(
        &self,
        staff_token: &str,
        claim_id: &str,
        answer: &DataAnswer,
    ) -> Result<(), ApiFailure> {
        let route = Route::StaffAnswerRequestedData(ClaimIdRef::parse(claim_id));
        read::<serde::de::IgnoredAny>(self.staff_request(&route, &[], staff_token).json_body(answer)?.send().await)
            .await
            .map(|_| ())
    }

    /// The bytes at a path the proxy gave (`photos[].path`, below the proxy
    /// URL) as a blob: an `<img src>` cannot send the staff header. Only
    /// the staff file route is fetched, whatever the path says.
    pub async fn inbox_file(&self, staff_token: &str, path: &str) -> Result<web_sys::Blob, ApiFailure> {
        let route = match Route::parse(parcel_desk_wire::Method::Get, path) {
            Some(route @ Route::StaffClaimFile(..)) => route,
            _ => return Err(ApiFailure::BadAnswer(200)),
        };
        let response = self.staff_request(&route, &[], staff_token).send().await.map_err(|_| ApiFailure::Network)?;
        blob_of(response).await
    }
}

/// A successful answer's bytes as a blob of its content type (a seller's
/// attachment, a claim's file in the staff inbox).
#[cfg(any(feature = "contact", feature = "staff"))]
async fn blob_of(response: Response) -> Result<web_sys::Blob, ApiFailure> {
    if !response.ok() {
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        return Err(ApiFailure::Http {
            status,
            envelope: crate::json::from_str::<ErrorEnvelope>(&text),
            retry_after: None,
        });
    }
    let kind = response.headers().get("content-type").unwrap_or_default();
    let bytes = response.binary().await.map_err(|_| ApiFailure::Network)?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(&kind);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &props).map_err(|_| ApiFailure::BadAnswer(200))
}
