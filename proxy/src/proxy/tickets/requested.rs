//! `GET|POST /dsf/tickets/requested-data`: the open data requests of one
//! ticket the caller holds a token for, and the answers to them.

use super::*;

/// Whether an open data request belongs to `ticket`: its id is one of the
/// ticket's `requested_actions`, or its order number equals the ticket's,
/// or its tracking number equals the one the claim was filed for.
pub fn belongs_to(r: &RequestedData, ticket: &TicketResponse, tracking: Option<&str>) -> bool {
    ticket.requested_actions.iter().any(|a| a.id == r.request_id)
        || matches!((&r.order_number, &ticket.order_number), (Some(a), Some(b)) if same_order_number(a, b))
        || matches!((&r.tracking_number, tracking), (Some(a), Some(b)) if same_order_number(a, b))
}

async fn requests_of(
    st: &ProxyState,
    ticket: &TicketResponse,
    tracking: Option<&str>,
) -> Result<Vec<RequestedData>, crate::envelope::ProxyError> {
    let up = Upstream {
        method: Method::GET,
        segments: &["dsf", "tickets", "requested-data"],
        query: None,
        content_type: None,
        content_length: None,
        body: None,
    };
    take_read(st).await?;
    let answer = call(&st.sendcloud, &st.sendcloud.base, up).await.map_err(|e| upstream_failure(&st.sendcloud, &e))?;
    if !answer.status.is_success() {
        return Err(answer.into_response().into());
    }
    Ok(list_items(&answer.body)
        .into_iter()
        .filter_map(|v| serde_json::from_value::<RequestedData>(v).ok())
        .filter(|r| belongs_to(r, ticket, tracking))
        .collect())
}

/// `GET|POST /dsf/tickets/requested-data?ticket=<id>[&order_number=…]`.
pub(in crate::proxy) async fn requested_data(st: &ProxyState, req: Request, ip: IpAddr) -> Response {
    let (mut ticket, mut order) = (None, None);
    for (k, v) in query_pairs(req.uri().query()) {
        match k.as_str() {
            "ticket" if ticket.is_none() => ticket = Some(v),
            "order_number" if order.is_none() => order = Some(v),
            _ => return bad_query().into_response(),
        }
    }
    let Some(ticket) = ticket else {
        return envelope::error(StatusCode::BAD_REQUEST, "bad_request", "The query parameter ticket is required.");
    };
    let token = token_of(&req);
    if req.method() == Method::GET {
        drop(req);
        return match readable_ticket(st, token, &ticket, order.as_deref(), ip).await {
            Err(res) => res.into_response(),
            Ok(None) => json_response(StatusCode::OK, &RequestedDataList::default()),
            Ok(Some((t, tracking))) => match requests_of(st, &t, tracking.as_deref()).await {
                Ok(data) => json_response(StatusCode::OK, &RequestedDataList { data }),
                Err(res) => res.into_response(),
            },
        };
    }
    // POST: check the body first (no upstream call for a bad one).
    let req = match require_json(req) {
        Ok(r) => r,
        Err(res) => return res.into_response(),
    };
    let body = match read_limited(req, 64 * 1024).await {
        Ok(b) => b,
        Err(res) => return res.into_response(),
    };
    let answer: RequestedDataAnswer = match serde_json::from_slice::<Value>(&body) {
        Err(_) => return envelope::error(StatusCode::NOT_ACCEPTABLE, "not_acceptable", "Invalid JSON"),
        Ok(v) => match serde_json::from_value(v) {
            Ok(a) => a,
            Err(e) => {
                let text = e.to_string();
                let msg = text.split(" at line ").next().unwrap_or(&text).to_owned();
                let field = msg.split('`').nth(1).unwrap_or("body").to_owned();
                let kind = if msg.starts_with("unknown field") {
                    "extra_forbidden"
                } else if msg.starts_with("missing field") {
                    "missing"
                } else {
                    "invalid_type"
                };
                return validation_error(&[ValidationIssue { kind: kind.into(), loc: vec![field], msg }]);
            }
        },
    };
    if !answer.has_content() {
        return validation_error(&[ValidationIssue {
            kind: "missing".into(),
            loc: vec!["comment".into()],
            msg: "Give a comment, an attachment or sales data".into(),
        }]);
    }
    let (t, tracking) = match readable_ticket(st, token, &ticket, order.as_deref(), ip).await {
        Err(res) => return res.into_response(),
        Ok(None) => return envelope::error(StatusCode::NOT_FOUND, "not_found", "Data request not found."),
        Ok(Some(x)) => x,
    };
    let requests = match requests_of(st, &t, tracking.as_deref()).await {
        Ok(r) => r,
        Err(res) => return res.into_response(),
    };
    if !requests.iter().any(|r| r.request_id == answer.request_id) {
        return envelope::error(StatusCode::NOT_FOUND, "not_found", "Data request not found.");
    }
    send_answer(st, t.id, &answer).await
}

/// Upstream ticket `ticket` as read (cached like status reads).
async fn ticket_of(st: &ProxyState, ticket: i64) -> Result<TicketResponse, crate::envelope::ProxyError> {
    let answer = upstream_ticket(st, ticket).await?;
    if answer.status == StatusCode::NOT_FOUND {
        return Err(ProxyError::new(StatusCode::NOT_FOUND, "not_found", "The claim's ticket was not found upstream."));
    }
    if !answer.status.is_success() {
        return Err(answer.into_response().into());
    }
    serde_json::from_slice::<TicketResponse>(&answer.body).map_err(|_| {
        ProxyError::new(
            StatusCode::BAD_GATEWAY,
            "upstream_unavailable",
            "The Support API answered something unexpected.",
        )
    })
}

/// Every open data request of upstream ticket `ticket` (filed with
/// `tracking`), for staff: the shop's and the customer's.
pub(in crate::proxy) async fn requests_for_staff(
    st: &ProxyState,
    ticket: i64,
    tracking: &str,
) -> Result<Vec<RequestedData>, crate::envelope::ProxyError> {
    let t = ticket_of(st, ticket).await?;
    requests_of(st, &t, Some(tracking).filter(|t| !t.is_empty())).await
}

/// Sends staff's answer to one open request of upstream ticket `ticket`.
pub(in crate::proxy) async fn answer_for_staff(
    st: &ProxyState,
    ticket: i64,
    tracking: &str,
    answer: &RequestedDataAnswer,
) -> Result<Response, crate::envelope::ProxyError> {
    let t = ticket_of(st, ticket).await?;
    let requests = requests_of(st, &t, Some(tracking).filter(|t| !t.is_empty())).await?;
    if !requests.iter().any(|r| r.request_id == answer.request_id) {
        return Err(ProxyError::new(StatusCode::NOT_FOUND, "not_found", "Data request not found."));
    }
    Ok(send_answer(st, t.id, answer).await)
}

/// Posts an answer upstream; on success the ticket's cached read is dropped.
async fn send_answer(st: &ProxyState, ticket: i64, answer: &RequestedDataAnswer) -> Response {
    let json = serde_json::to_vec(answer).unwrap_or_default();
    let up = Upstream {
        method: Method::POST,
        segments: &["dsf", "tickets", "requested-data"],
        query: None,
        content_type: Some(HeaderValue::from_static("application/json")),
        content_length: Some(json.len() as u64),
        body: Some(reqwest::Body::from(json)),
    };
    let res = forward(&st.sendcloud, up).await;
    if res.status().is_success() {
        // The ticket moves on: its next status read goes upstream.
        if let Err(e) = st.tickets.store.forget_ticket_read(ticket).await {
            tracing::warn!(error = %e, "could not drop a cached ticket read");
        }
    }
    res
}
