//! Order facts from the shop (`docs/orders.md`): `GET {orders.url}/{order_number}`
//! with the shared secret in `X-Parcel-Desk-Secret`, and what a customer's
//! claim takes from the answer ([`apply`]).
//!
//! The secret never leaves the proxy: it is only put on this request, and
//! neither it nor the shop's answer is echoed to the browser.

use std::time::Duration;

use parcel_desk_wire::customer::mapping::{upstream_body, ShopPart};
use parcel_desk_wire::customer::{CustomerClaim, OrderItem};
use parcel_desk_wire::orders::Order;
use parcel_desk_wire::{ClaimField, ClaimRequest};

use crate::config::{OrdersConfig, Secret};

/// The header the shared secret travels in.
pub const SECRET_HEADER: &str = "X-Parcel-Desk-Secret";
/// What `missing` says while the shop's order endpoint could not be read.
pub const MISSING_ORDER_FACTS: &str = "order_facts";

/// The shop's order endpoint.
pub struct OrderSource {
    base: reqwest::Url,
    secret: Secret,
    client: reqwest::Client,
    max_bytes: usize,
    /// First retry delay after a failed fetch.
    pub retry_base: Duration,
}

/// What a fetch found.
#[derive(Debug)]
pub enum Fetched {
    /// 200 with an order that follows the contract.
    Found(Box<Order>),
    /// 404: the shop does not know the order.
    Unknown,
    /// Anything else (timeout, network, 5xx, a broken answer): try again later.
    Failed(String),
}

impl OrderSource {
    /// `None` when `orders.url` is not set.
    pub fn new(cfg: &OrdersConfig) -> Result<Option<OrderSource>, String> {
        let Some(url) = &cfg.url else { return Ok(None) };
        let client = reqwest::Client::builder()
            .timeout(cfg.timeout)
            .connect_timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the orders HTTP client: {e}"))?;
        Ok(Some(OrderSource {
            base: url.url().clone(),
            secret: cfg.secret.clone(),
            client,
            max_bytes: cfg.max_bytes,
            retry_base: cfg.retry_base,
        }))
    }

    /// `{orders.url}/{order_number}`, the order number one percent-encoded
    /// path segment.
    pub fn url_for(&self, order_number: &str) -> reqwest::Url {
        let mut url = self.base.clone();
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.pop_if_empty().push(order_number);
        }
        url
    }

    /// Fetches one order.
    pub async fn fetch(&self, order_number: &str) -> Fetched {
        let mut req = self.client.get(self.url_for(order_number)).header("accept", "application/json");
        if !self.secret.is_empty() {
            req = req.header(SECRET_HEADER, self.secret.expose());
        }
        let mut res = match req.send().await {
            Ok(r) => r,
            Err(e) => return Fetched::Failed(format!("orders endpoint unreachable: {}", without_url(&e))),
        };
        match res.status().as_u16() {
            200 => {}
            404 => return Fetched::Unknown,
            s => return Fetched::Failed(format!("orders endpoint answered {s}")),
        }
        let mut body = Vec::new();
        loop {
            match res.chunk().await {
                Ok(Some(chunk)) => {
                    if body.len() + chunk.len() > self.max_bytes {
                        return Fetched::Failed(format!("orders endpoint answered more than {} bytes", self.max_bytes));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Fetched::Failed(format!("orders endpoint: {}", without_url(&e))),
            }
        }
        let order: Order = match serde_json::from_slice(&body) {
            Ok(o) => o,
            Err(e) => return Fetched::Failed(format!("orders endpoint: not the documented JSON: {e}")),
        };
        if let Err(p) = order.validate() {
            return Fetched::Failed(format!("orders endpoint: {p}"));
        }
        Fetched::Found(Box::new(order))
    }
}

/// A reqwest error without its URL (the order number is personal data
/// in logs).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    kind.to_owned()
}

/// What a claim takes from its order.
#[derive(Debug)]
pub enum Applied {
    /// The claim's customer owns the order: the upstream body with the
    /// order's facts, the shop's part used, and the tracking number.
    Complete { body: Box<ClaimRequest>, shop: ShopPart },
    /// The e-mail is not the order's customer's, or the claim's tracking
    /// number is not one of the order's parcels: answered like an unknown
    /// order.
    NotOwned,
}

/// The claim completed from `order`: ownership checked (the claim's
/// e-mail against the order's customer), the parcel (the claim's
/// tracking number, or the order's only parcel), its kind and carrier
/// contract, prices of the claimed lines (the picked items, else all),
/// and the order's items listed into the contents when the customer
/// picked none and the order has one parcel (so it held them all). `fallback` is the configured shop part, used when the
/// order has several parcels and the claim names none (the claim then
/// still lacks its tracking number).
pub fn apply(claim: &CustomerClaim, order: &Order, fallback: ShopPart, declared_on: &str) -> Applied {
    if !order.owned_by(&claim.email) {
        return Applied::NotOwned;
    }
    let given = claim.tracking_number.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let parcel = order.parcel(given);
    if given.is_some() && parcel.is_none() {
        return Applied::NotOwned;
    }
    let mut c = claim.clone();
    let shop = match parcel {
        Some(p) => {
            c.tracking_number = Some(p.tracking_number.trim().to_owned());
            ShopPart { kind: Some(p.kind.into()), carrier_contract_id: p.carrier_contract_id }
        }
        None => fallback,
    };
    let t = claim.claim_type;
    let has = |f: ClaimField| t.fields().contains(&f);
    if c.items.is_empty() && order.parcels.len() == 1 && has(ClaimField::ContentsDescription) {
        c.items =
            order.items.iter().map(|l| OrderItem { name: l.name.trim().to_owned(), quantity: l.quantity }).collect();
    }
    let mut body = upstream_body(&c, shop, declared_on);
    let lines = order.claimed_lines(&claim.items);
    if has(ClaimField::ContentsSalesPrice) {
        body.contents_sales_price = Order::sales_price(&lines);
    }
    if has(ClaimField::ContentsPurchasePrice) {
        body.contents_purchase_price = Order::purchase_price(&lines);
    }
    Applied::Complete { body: Box::new(body), shop }
}

#[cfg(test)]
mod tests {
    use parcel_desk_wire::ParcelKind;

    use super::*;

    fn order(json: &str) -> Order {
        serde_json::from_str(json).unwrap()
    }

    const ORDER: &str = r#"{"order_number":"O-1","order_date":"2026-11-20",
        "customer":{"email":"c@example.com","postal_code":"10435"},
        "items":[{"name":"Lamp","quantity":1,"unit_price":49.9,"currency":"EUR","tax_rate":19},
                 {"name":"Bulb","quantity":4,"unit_price":3.5,"currency":"EUR","tax_rate":19}],
        "parcels":[{"tracking_number":"T1","kind":"sendcloud_rates"}]}"#;

    fn claim(extra: &str) -> CustomerClaim {
        serde_json::from_str(&format!(
            r#"{{"claim_type":"damage","order_number":"O-1","email":"C@example.com ","name":"A",
            "photos":[{{"file_token":"p","role":"damage"}}]{extra}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn the_only_parcel_its_kind_the_order_items_and_their_price() {
        let c = claim(r#","contents":"Glass shattered""#);
        let Applied::Complete { body, shop } = apply(&c, &order(ORDER), ShopPart::default(), "2026-12-03") else {
            panic!("owned")
        };
        assert_eq!(shop, ShopPart { kind: Some(ParcelKind::SendcloudRates), carrier_contract_id: None });
        assert_eq!(body.tracking_number, "T1");
        assert_eq!(body.contents_description.as_deref(), Some("Glass shattered\nItems: 1 × Lamp, 4 × Bulb"));
        assert_eq!(body.contents_sales_price.unwrap().price, 63.9);
        assert_eq!(body.contents_purchase_price, None);
    }

    #[test]
    fn picked_items_are_priced_alone_and_the_customers_words_are_kept() {
        let c = claim(r#","contents":"Broken","items":[{"name":"bulb","quantity":2}]"#);
        let Applied::Complete { body, .. } = apply(&c, &order(ORDER), ShopPart::default(), "") else { panic!() };
        assert_eq!(body.contents_description.as_deref(), Some("Broken\nItems: 2 × bulb"));
        assert_eq!(body.contents_sales_price.unwrap().price, 7.0);
    }

    #[test]
    fn several_parcels_without_a_tracking_number_keep_the_configured_part() {
        let mut o = order(ORDER);
        o.parcels.push(o.parcels[0].clone());
        o.parcels[1].tracking_number = "T2".into();
        let fallback = ShopPart { kind: Some(ParcelKind::OwnContract), carrier_contract_id: Some(9) };
        let Applied::Complete { body, shop } = apply(&claim(""), &o, fallback, "") else { panic!() };
        assert_eq!((shop, body.tracking_number.as_str()), (fallback, ""));
        let Applied::Complete { body, shop } = apply(&claim(r#","tracking_number":"t2""#), &o, fallback, "") else {
            panic!()
        };
        assert_eq!((shop.kind, body.tracking_number.as_str()), (Some(ParcelKind::SendcloudRates), "T2"));
    }

    #[test]
    fn a_stranger_or_a_foreign_parcel_is_not_the_owner() {
        let mut c = claim("");
        c.email = "x@example.com".into();
        assert!(matches!(apply(&c, &order(ORDER), ShopPart::default(), ""), Applied::NotOwned));
        let c = claim(r#","tracking_number":"T9""#);
        assert!(matches!(apply(&c, &order(ORDER), ShopPart::default(), ""), Applied::NotOwned));
    }

    #[test]
    fn the_order_number_is_one_encoded_segment() {
        let cfg = |url: &str| OrdersConfig {
            url: Some(crate::config::BaseUrl::parse(url).unwrap()),
            ..OrdersConfig::default()
        };
        let src = OrderSource::new(&cfg("https://shop.example/o/")).unwrap().unwrap();
        assert_eq!(src.url_for("A 1/2?#").as_str(), "https://shop.example/o/A%201%2F2%3F%23");
        let src = OrderSource::new(&cfg("https://shop.example/o")).unwrap().unwrap();
        assert_eq!(src.url_for("ORD-1").as_str(), "https://shop.example/o/ORD-1");
        assert!(OrderSource::new(&OrdersConfig::default()).unwrap().is_none());
    }
}
