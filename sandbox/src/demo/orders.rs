//! Demo orders in the shop's order contract (`docs/orders.md`):
//! `GET /orders/{order_number}` with the shared secret in
//! `X-Parcel-Desk-Secret` (the sandbox's secret key). One order per demo
//! parcel (`ORD-0001` … `ORD-0010`: the parcel's kind, tracking number and
//! recipient postal code) and two extra orders on load-test parcels:
//! `ORD-1001` (two parcels) and `ORD-1002` (purchase prices, an invoice).
//! Every order's customer is [`DEMO_ORDER_EMAIL`].

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::error::json;
use parcel_desk_wire::orders::{
    InvoiceKind, Order, OrderCustomer, OrderInvoice, OrderLine, OrderParcel, OrderParcelKind,
};
use parcel_desk_wire::secret::Secret;
use parcel_desk_wire::{Currency, ParcelKind};

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

fn own(tracking_number: &str) -> OrderParcel {
    OrderParcel {
        tracking_number: tracking_number.into(),
        kind: OrderParcelKind::OwnContract,
        carrier_contract_id: Some(DEMO_CARRIER_CONTRACT_ID),
    }
}

fn customer(postal_code: &str) -> OrderCustomer {
    OrderCustomer { email: DEMO_ORDER_EMAIL.into(), postal_code: postal_code.into() }
}

/// The demo order with this number (exact match).
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
            invoices: vec![OrderInvoice {
                kind: InvoiceKind::Sales,
                url: "https://shop.example/invoices/ORD-1002.pdf".into(),
            }],
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

/// `GET /orders/{order_number}`: 401 without the secret, 404 for an
/// unknown order, else the order.
pub fn router(secret: Secret) -> Router {
    Router::new().route("/orders/{order_number}", get(get_order)).with_state(std::sync::Arc::new(secret))
}

async fn get_order(
    State(secret): State<std::sync::Arc<Secret>>,
    headers: HeaderMap,
    Path(order_number): Path<String>,
) -> Response {
    let given = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
    if secret.is_empty() || given != secret.expose() {
        return json(StatusCode::UNAUTHORIZED, &serde_json::json!({"error": "missing or wrong X-Parcel-Desk-Secret"}));
    }
    match demo_order(&order_number) {
        Some(order) => json(StatusCode::OK, &order),
        None => json(StatusCode::NOT_FOUND, &serde_json::json!({"error": "unknown order"})),
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
        for extra in ["ORD-1001", "ORD-1002"] {
            assert_eq!(demo_order(extra).unwrap().validate(), Ok(()));
        }
        assert!(demo_order("ORD-9999").is_none());
    }
}
