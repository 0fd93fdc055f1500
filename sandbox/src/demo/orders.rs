//! Demo orders in the shop's order contract (`docs/orders.md`):
//! `GET /orders/{order_number}` with the shared secret in
//! `X-Parcel-Desk-Secret` (the sandbox's secret key). One order per demo
//! parcel (`ORD-0001` … `ORD-0010`: the parcel's kind, tracking number and
//! recipient postal code) and two extra orders on load-test parcels:
//! `ORD-1001` (two parcels), `ORD-1002` (purchase prices, an invoice) and
//! `ORD-1003` (the Sendcloud-rates parcel of `ORD-0001`, with nothing but
//! the sales prices: its claims wait for the shop's staff).
//! Every order's customer is [`DEMO_ORDER_EMAIL`].
//!
//! Documents by URL, served here too (`GET /orders/{order_number}/documents/{kind}.pdf`,
//! with the same secret): `ORD-0001` (Sendcloud rates, in transit) has its
//! sales invoice, purchase invoice and carrier claim form, so a lost claim
//! on it files without staff; `ORD-0002` (Sendcloud rates, delivered) has
//! the purchase invoice and the claim form but no sales invoice, so the
//! proxy has Sendcloud generate one; `ORD-1002` has its sales invoice;
//! the others have none.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::error::json;
use axum::http::header;
use axum::response::IntoResponse;
use parcel_desk_wire::orders::{
    InvoiceKind, Order, OrderCustomer, OrderInvoice, OrderLine, OrderParcel, OrderParcelKind,
};
use parcel_desk_wire::pdf::{text_pdf, Font, Line};
use parcel_desk_wire::secret::Secret;
use parcel_desk_wire::{Currency, Dimensions, ParcelKind};

use super::{DEMO_PARCELS, DEMO_RECIPIENT_POSTAL_CODES};

/// The customer e-mail of every demo order.
pub const DEMO_ORDER_EMAIL: &str = "customer@example.com";
/// The carrier contract of the demo orders' own-contract parcels.
pub const DEMO_CARRIER_CONTRACT_ID: i64 = 4711;
/// The header the shop's secret travels in.
pub const SECRET_HEADER: &str = "x-parcel-desk-secret";

fn line(name: &str, quantity: u32, unit_price: f64, purchase_price: Option<f64>) -> OrderLine {
    OrderLine { name: name.into(), quantity, unit_price, currency: Currency::Eur, tax_rate: 19.0, purchase_price }
}

/// How the demo shop packs every parcel.
const PACKAGING: &str = "Brown cardboard box with the shop's blue tape";

fn box_size() -> Option<Dimensions> {
    Some(Dimensions { length: 30.0, width: 20.0, height: 15.0 })
}

fn own(tracking_number: &str) -> OrderParcel {
    OrderParcel {
        tracking_number: tracking_number.into(),
        kind: OrderParcelKind::OwnContract,
        carrier_contract_id: Some(DEMO_CARRIER_CONTRACT_ID),
        packaging: Some(PACKAGING.into()),
        dimensions: box_size(),
    }
}

fn customer(postal_code: &str) -> OrderCustomer {
    OrderCustomer { email: DEMO_ORDER_EMAIL.into(), postal_code: postal_code.into() }
}

/// The documents each demo order has by URL.
fn demo_documents(order_number: &str) -> &'static [InvoiceKind] {
    match order_number {
        "ORD-0001" => &[InvoiceKind::Sales, InvoiceKind::Purchase, InvoiceKind::CarrierClaimForm],
        "ORD-0002" => &[InvoiceKind::Purchase, InvoiceKind::CarrierClaimForm],
        "ORD-1002" => &[InvoiceKind::Sales],
        _ => &[],
    }
}

fn kind_segment(kind: InvoiceKind) -> &'static str {
    match kind {
        InvoiceKind::Sales => "sales_invoice",
        InvoiceKind::Purchase => "purchase_invoice",
        InvoiceKind::CarrierClaimForm => "carrier_claim_form",
        InvoiceKind::Other => "other",
    }
}

/// The demo order with this number (exact match), its document URLs
/// under `base` (the sandbox's origin, e.g. `http://127.0.0.1:8081`).
pub fn demo_order_at(order_number: &str, base: &str) -> Option<Order> {
    let mut order = demo_order(order_number)?;
    order.invoices = demo_documents(order_number)
        .iter()
        .map(|&kind| OrderInvoice {
            kind,
            url: format!("{}/orders/{order_number}/documents/{}.pdf", base.trim_end_matches('/'), kind_segment(kind)),
        })
        .collect();
    Some(order)
}

/// A demo order's document as a PDF: its lines (and for the purchase
/// invoice, the purchase prices).
pub fn demo_document_pdf(order_number: &str, kind: InvoiceKind) -> Option<Vec<u8>> {
    let order = demo_order(order_number)?;
    if !demo_documents(order_number).contains(&kind) {
        return None;
    }
    let title = match kind {
        InvoiceKind::Sales => "Sales invoice (the shop's own)",
        InvoiceKind::Purchase => "Purchase invoice (the shop's supplier)",
        InvoiceKind::CarrierClaimForm => "Carrier claim form",
        InvoiceKind::Other => "Document",
    };
    let mut lines = vec![
        Line::new(Font::Bold, 18.0, title),
        Line::new(Font::Regular, 11.0, format!("Order number: {}", order.order_number)),
        Line::new(Font::Regular, 11.0, format!("Order date: {}", order.order_date)),
        Line::new(Font::Regular, 11.0, ""),
    ];
    for l in &order.items {
        let price = if kind == InvoiceKind::Purchase { l.purchase_price.unwrap_or(0.0) } else { l.unit_price };
        lines.push(Line::new(Font::Regular, 11.0, format!("{} x {} @ {price:.2} EUR", l.quantity, l.name)));
    }
    if kind == InvoiceKind::CarrierClaimForm {
        for p in &order.parcels {
            lines.push(Line::new(Font::Regular, 11.0, format!("Claimed parcel: {}", p.tracking_number)));
        }
    }
    Some(text_pdf(&lines))
}

/// The demo order with this number (exact match), without documents.
pub fn demo_order(order_number: &str) -> Option<Order> {
    match order_number {
        "ORD-1001" => Some(Order {
            order_number: order_number.into(),
            order_date: "2026-11-20".into(),
            customer: customer("10435"),
            items: vec![line("Desk lamp", 1, 49.9, None), line("Light bulb", 4, 3.5, None)],
            parcels: vec![own("PD-LOAD-1001-A"), own("PD-LOAD-1001-B")],
            invoices: Vec::new(),
        }),
        "ORD-1002" => Some(Order {
            order_number: order_number.into(),
            order_date: "2026-11-22".into(),
            customer: customer("1011 AB"),
            items: vec![line("Espresso cups (set of 6)", 1, 29.95, Some(12.0)), line("Saucers", 6, 2.5, Some(0.9))],
            parcels: vec![own("PD-LOAD-1002")],
            invoices: Vec::new(),
        }),
        // The Sendcloud-rates parcel of ORD-0001 again, for an order whose
        // shop system knows less: no purchase prices, no documents, no
        // packaging. A claim on it waits for the shop's staff (the inbox).
        "ORD-1003" => Some(Order {
            order_number: order_number.into(),
            order_date: "2026-11-23".into(),
            customer: customer("10435"),
            items: vec![line("Blue vase", 1, 59.0, None)],
            parcels: vec![OrderParcel {
                tracking_number: "PD-TRANSIT-0001".into(),
                kind: OrderParcelKind::SendcloudRates,
                carrier_contract_id: None,
                packaging: None,
                dimensions: None,
            }],
            invoices: Vec::new(),
        }),
        _ => {
            let parcel = DEMO_PARCELS.iter().find(|p| p.order_number == order_number)?;
            let postal = DEMO_RECIPIENT_POSTAL_CODES
                .iter()
                .find(|(t, _)| *t == parcel.tracking_number)
                .map_or("1011 AB", |p| p.1);
            let kind = match parcel.kind {
                ParcelKind::OwnContract => own(parcel.tracking_number),
                ParcelKind::SendcloudRates => OrderParcel {
                    tracking_number: parcel.tracking_number.into(),
                    kind: OrderParcelKind::SendcloudRates,
                    carrier_contract_id: None,
                    packaging: Some(PACKAGING.into()),
                    dimensions: box_size(),
                },
            };
            Some(Order {
                order_number: order_number.into(),
                order_date: "2026-11-25".into(),
                customer: customer(postal),
                items: vec![line("T-shirt", 2, 19.99, Some(7.5)), line("Vase", 1, 35.0, Some(14.0))],
                parcels: vec![kind],
                invoices: Vec::new(),
            })
        }
    }
}

/// `GET /orders/{order_number}` and its documents
/// (`/orders/{order_number}/documents/{kind}.pdf`): 401 without the
/// secret, 404 for an unknown order or document, else the order (its
/// document URLs on the host the request was sent to) or the PDF.
pub fn router(secret: Secret) -> Router {
    Router::new()
        .route("/orders/{order_number}", get(get_order))
        .route("/orders/{order_number}/documents/{file}", get(get_document))
        .with_state(std::sync::Arc::new(secret))
}

fn refused(secret: &Secret, headers: &HeaderMap) -> Option<Response> {
    let given = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    (secret.is_empty() || given != secret.expose())
        .then(|| json(StatusCode::UNAUTHORIZED, &serde_json::json!({"error": "missing or wrong X-Parcel-Desk-Secret"})))
}

async fn get_order(
    State(secret): State<std::sync::Arc<Secret>>,
    headers: HeaderMap,
    Path(order_number): Path<String>,
) -> Response {
    if let Some(no) = refused(&secret, &headers) {
        return no;
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    match demo_order_at(&order_number, &format!("http://{host}")) {
        Some(order) => json(StatusCode::OK, &order),
        None => json(StatusCode::NOT_FOUND, &serde_json::json!({"error": "unknown order"})),
    }
}

async fn get_document(
    State(secret): State<std::sync::Arc<Secret>>,
    headers: HeaderMap,
    Path((order_number, file)): Path<(String, String)>,
) -> Response {
    if let Some(no) = refused(&secret, &headers) {
        return no;
    }
    let kind = [InvoiceKind::Sales, InvoiceKind::Purchase, InvoiceKind::CarrierClaimForm]
        .into_iter()
        .find(|k| file.strip_suffix(".pdf") == Some(kind_segment(*k)));
    match kind.and_then(|k| demo_document_pdf(&order_number, k)) {
        Some(pdf) => ([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response(),
        None => json(StatusCode::NOT_FOUND, &serde_json::json!({"error": "unknown document"})),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_parcel_has_a_valid_order_that_names_it() {
        for p in DEMO_PARCELS {
            let o = demo_order(p.order_number).unwrap_or_else(|| panic!("{}", p.order_number));
            assert_eq!(o.validate(), Ok(()), "{}", p.order_number);
            assert_eq!(o.parcels.len(), 1);
            assert_eq!(o.parcels[0].tracking_number, p.tracking_number);
            assert_eq!(ParcelKind::from(o.parcels[0].kind), p.kind);
            assert!(o.owned_by(DEMO_ORDER_EMAIL));
        }
        for extra in ["ORD-1001", "ORD-1002", "ORD-1003"] {
            assert_eq!(demo_order(extra).unwrap().validate(), Ok(()));
        }
        let served = demo_order_at("ORD-0001", "http://127.0.0.1:9/").unwrap();
        assert_eq!(served.validate(), Ok(()));
        assert_eq!(
            served.invoice_url(InvoiceKind::Sales),
            Some("http://127.0.0.1:9/orders/ORD-0001/documents/sales_invoice.pdf")
        );
        assert_eq!(demo_order_at("ORD-0002", "http://h").unwrap().invoice_url(InvoiceKind::Sales), None);
        assert!(demo_order_at("ORD-0003", "http://h").unwrap().invoices.is_empty());
        assert!(demo_order("ORD-9999").is_none());
    }

    #[test]
    fn the_served_documents_are_real_pdfs_of_their_order() {
        let pdf = demo_document_pdf("ORD-0001", InvoiceKind::Purchase).unwrap();
        assert_eq!(parcel_desk_wire::pdf::check_structure(&pdf), Ok(()));
        assert!(String::from_utf8_lossy(&pdf).contains("(2 x T-shirt @ 7.50 EUR)"));
        assert!(demo_document_pdf("ORD-0002", InvoiceKind::Sales).is_none(), "generated instead");
        assert!(demo_document_pdf("ORD-0003", InvoiceKind::Sales).is_none());
    }
}
