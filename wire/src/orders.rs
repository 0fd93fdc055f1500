//! Order facts from the shop: what `GET {orders.url}/{order_number}`
//! answers (`docs/orders.md`). The proxy fetches an order when a
//! customer's claim names an order number, checks that the customer owns
//! it ([`Order::owned_by`]) and takes the shop's part of the claim from it:
//! the parcel's kind and carrier contract, the tracking number, prices and
//! the contents.

use serde::{Deserialize, Serialize};

use crate::claim::{Currency, Dimensions, Money, ParcelKind};
use crate::customer::OrderItem as PickedItem;

/// How an order's parcel was shipped (`own_contract`, `sendcloud_rates`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderParcelKind {
    OwnContract,
    SendcloudRates,
}

impl From<OrderParcelKind> for ParcelKind {
    fn from(k: OrderParcelKind) -> ParcelKind {
        match k {
            OrderParcelKind::OwnContract => ParcelKind::OwnContract,
            OrderParcelKind::SendcloudRates => ParcelKind::SendcloudRates,
        }
    }
}

/// The customer who placed the order: what proves a claimant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OrderCustomer {
    pub email: String,
    /// The delivery address's postal code.
    pub postal_code: String,
}

/// One line of the order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OrderLine {
    pub name: String,
    /// More than 0.
    pub quantity: u32,
    /// Gross price of one unit, 0 or more.
    pub unit_price: f64,
    /// `EUR`, `GBP` or `USD`.
    pub currency: Currency,
    /// Percent, 0 to 100 (e.g. `19`).
    pub tax_rate: f64,
    /// What the shop paid for one unit, when it wants it claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_price: Option<f64>,
}

/// One parcel of the order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OrderParcel {
    pub tracking_number: String,
    pub kind: OrderParcelKind,
    /// The carrier contract (own-contract parcels; more than 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_contract_id: Option<i64>,
    /// How the shop packed it ("Brown box, 30 × 20 × 15 cm, blue tape"):
    /// the claim's exterior description when the customer gives none (the
    /// customer of a lost parcel never saw it). At most 1,000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub packaging: Option<String>,
    /// Its outer size in cm (each more than 0): the claim's dimensions when
    /// the customer gives none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Dimensions>,
}

/// Which document a PDF is: the sales invoice (`sales_invoice`), the
/// purchase invoice (`purchase_invoice`) or the carrier's claim form
/// (`carrier_claim_form`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Sales,
    Purchase,
    CarrierClaimForm,
    /// Any other kind (a delivery note, …): ignored.
    #[serde(other)]
    Other,
}

/// A document PDF the proxy downloads when it files the claim (an
/// `https` URL; `http` only on a loopback host, for tests).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OrderInvoice {
    pub kind: InvoiceKind,
    pub url: String,
}

/// The shop's answer for one order. Unknown fields are ignored (a shop
/// may send more than the contract asks).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Order {
    pub order_number: String,
    /// `YYYY-MM-DD`.
    pub order_date: String,
    pub customer: OrderCustomer,
    pub items: Vec<OrderLine>,
    pub parcels: Vec<OrderParcel>,
    /// The order's documents as PDFs by URL (the first of each kind is used).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invoices: Vec<OrderInvoice>,
}

/// Why an order's JSON does not follow the contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderProblem(pub String);

impl std::fmt::Display for OrderProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Trims and lower-cases an e-mail address for comparing.
pub fn normalize_email(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Drops spaces and lower-cases a postal code for comparing (`1011 AB`
/// = `1011ab`).
pub fn normalize_postal_code(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

impl Order {
    /// Checks the contract's rules beyond the JSON's shape; the first
    /// problem found.
    pub fn validate(&self) -> Result<(), OrderProblem> {
        let p = |m: String| Err(OrderProblem(m));
        if blank(&self.order_number) {
            return p("order_number is empty".into());
        }
        if !is_date(&self.order_date) {
            return p("order_date must be YYYY-MM-DD".into());
        }
        if blank(&self.customer.email) || !self.customer.email.contains('@') {
            return p("customer.email must be an e-mail address".into());
        }
        if blank(&self.customer.postal_code) {
            return p("customer.postal_code is empty".into());
        }
        let mut currency = None;
        for (i, it) in self.items.iter().enumerate() {
            if blank(&it.name) {
                return p(format!("items[{i}].name is empty"));
            }
            if it.quantity == 0 {
                return p(format!("items[{i}].quantity must be more than 0"));
            }
            if !(it.unit_price.is_finite() && it.unit_price >= 0.0) {
                return p(format!("items[{i}].unit_price must be 0 or more"));
            }
            if it.purchase_price.is_some_and(|v| !(v.is_finite() && v >= 0.0)) {
                return p(format!("items[{i}].purchase_price must be 0 or more"));
            }
            if !(it.tax_rate.is_finite() && (0.0..=100.0).contains(&it.tax_rate)) {
                return p(format!("items[{i}].tax_rate must be a percentage from 0 to 100"));
            }
            if matches!(it.currency, Currency::Unlisted(_)) {
                return p(format!("items[{i}].currency must be EUR, GBP or USD"));
            }
            if *currency.get_or_insert(&it.currency) != &it.currency {
                return p("all items must have the same currency".into());
            }
        }
        for (i, parcel) in self.parcels.iter().enumerate() {
            if blank(&parcel.tracking_number) {
                return p(format!("parcels[{i}].tracking_number is empty"));
            }
            match (parcel.kind, parcel.carrier_contract_id) {
                (_, Some(id)) if id <= 0 => return p(format!("parcels[{i}].carrier_contract_id must be more than 0")),
                (OrderParcelKind::SendcloudRates, Some(_)) => {
                    return p(format!("parcels[{i}].carrier_contract_id is only for own_contract parcels"))
                }
                _ => {}
            }
            if let Some(text) = &parcel.packaging {
                if blank(text) || text.chars().count() > 1000 {
                    return p(format!("parcels[{i}].packaging must be 1 to 1000 characters"));
                }
            }
            if let Some(d) = &parcel.dimensions {
                if [d.length, d.width, d.height].iter().any(|v| !(v.is_finite() && *v > 0.0)) {
                    return p(format!("parcels[{i}].dimensions must each be more than 0 (cm)"));
                }
            }
        }
        for (i, inv) in self.invoices.iter().enumerate() {
            let u = inv.url.trim();
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                return p(format!("invoices[{i}].url must be an http(s) URL"));
            }
        }
        Ok(())
    }

    /// Whether `proof` (an e-mail address, or a postal code) is the order's
    /// customer's: e-mail case-insensitive and trimmed, postal code without
    /// spaces and case.
    pub fn owned_by(&self, proof: &str) -> bool {
        let proof = proof.trim();
        if proof.is_empty() {
            return false;
        }
        if proof.contains('@') {
            normalize_email(proof) == normalize_email(&self.customer.email)
        } else {
            normalize_postal_code(proof) == normalize_postal_code(&self.customer.postal_code)
        }
    }

    /// The parcel a claim is about: the one with `tracking_number`, or,
    /// without one, the order's only parcel.
    pub fn parcel(&self, tracking_number: Option<&str>) -> Option<&OrderParcel> {
        match tracking_number.map(str::trim).filter(|t| !t.is_empty()) {
            Some(t) => self.parcels.iter().find(|p| p.tracking_number.trim().eq_ignore_ascii_case(t)),
            None if self.parcels.len() == 1 => self.parcels.first(),
            None => None,
        }
    }

    /// The order's lines the customer picked (matched by name,
    /// case-insensitive, at the picked quantity), or all of them when
    /// none was picked: `(line, quantity)`.
    pub fn claimed_lines<'a>(&'a self, picked: &[PickedItem]) -> Vec<(&'a OrderLine, u32)> {
        if picked.is_empty() {
            return self.items.iter().map(|l| (l, l.quantity)).collect();
        }
        picked
            .iter()
            .filter_map(|p| {
                let name = p.name.trim();
                self.items.iter().find(|l| l.name.trim().eq_ignore_ascii_case(name)).map(|l| (l, p.quantity))
            })
            .collect()
    }

    /// The sales price of `lines`: Σ unit price × quantity, rounded to
    /// cents; `None` when nothing is priced above 0.
    pub fn sales_price(lines: &[(&OrderLine, u32)]) -> Option<Money> {
        let currency = lines.first()?.0.currency.clone();
        let sum: f64 = lines.iter().map(|(l, q)| l.unit_price * f64::from(*q)).sum();
        let price = (sum * 100.0).round() / 100.0;
        (price > 0.0).then_some(Money { price, currency })
    }

    /// The URL of the order's (first) document of `kind`, if it has one.
    pub fn invoice_url(&self, kind: InvoiceKind) -> Option<&str> {
        self.invoices.iter().find(|i| i.kind == kind).map(|i| i.url.trim())
    }

    /// The purchase price of `lines` when every line has one.
    pub fn purchase_price(lines: &[(&OrderLine, u32)]) -> Option<Money> {
        let currency = lines.first()?.0.currency.clone();
        let mut sum = 0.0;
        for (l, q) in lines {
            sum += l.purchase_price? * f64::from(*q);
        }
        let price = (sum * 100.0).round() / 100.0;
        (price > 0.0).then_some(Money { price, currency })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{
      "order_number": "ORD-1001", "order_date": "2026-11-20",
      "customer": {"email": "Customer@Example.com", "postal_code": "1011 AB"},
      "items": [
        {"name": "Shirt", "quantity": 2, "unit_price": 19.99, "currency": "EUR", "tax_rate": 19, "purchase_price": 8.5},
        {"name": "Vase", "quantity": 1, "unit_price": 35.0, "currency": "EUR", "tax_rate": 19}
      ],
      "parcels": [{"tracking_number": "PD-OWN-0003", "kind": "own_contract", "carrier_contract_id": 7}],
      "invoices": [{"kind": "sales", "url": "https://shop.example/invoices/1001.pdf"}],
      "extra": "ignored"
    }"#;

    fn order() -> Order {
        serde_json::from_str(EXAMPLE).unwrap()
    }

    #[test]
    fn the_documented_example_reads_and_is_valid() {
        let o = order();
        assert_eq!(o.validate(), Ok(()));
        assert_eq!(o.parcels[0].kind, OrderParcelKind::OwnContract);
        assert_eq!(ParcelKind::from(o.parcels[0].kind), ParcelKind::OwnContract);
        assert_eq!(o.invoices[0].kind, InvoiceKind::Sales);
        assert_eq!(o.invoice_url(InvoiceKind::Sales), Some("https://shop.example/invoices/1001.pdf"));
        assert_eq!(o.invoice_url(InvoiceKind::Purchase), None);
        let mut two = o.clone();
        two.invoices.push(OrderInvoice { kind: InvoiceKind::Sales, url: "https://shop.example/second.pdf".into() });
        assert_eq!(two.validate(), Ok(()));
        assert_eq!(two.invoice_url(InvoiceKind::Sales), Some("https://shop.example/invoices/1001.pdf"), "the first");
        let form: OrderInvoice =
            serde_json::from_str(r#"{"kind":"carrier_claim_form","url":"https://s/f.pdf"}"#).unwrap();
        assert_eq!(form.kind, InvoiceKind::CarrierClaimForm);
        let note: OrderInvoice = serde_json::from_str(r#"{"kind":"delivery_note","url":"https://s/n.pdf"}"#).unwrap();
        assert_eq!(note.kind, InvoiceKind::Other, "another kind is read, and ignored");
    }

    #[test]
    fn ownership_by_email_or_postal_code() {
        let o = order();
        assert!(o.owned_by("  customer@EXAMPLE.com "));
        assert!(o.owned_by("1011ab"));
        assert!(!o.owned_by("other@example.com"));
        assert!(!o.owned_by("1012 AB"));
        assert!(!o.owned_by(" "));
    }

    #[test]
    fn the_parcel_by_tracking_number_or_the_only_one() {
        let mut o = order();
        assert_eq!(o.parcel(Some("pd-own-0003")).unwrap().carrier_contract_id, Some(7));
        assert!(o.parcel(Some("PD-OTHER")).is_none());
        assert_eq!(o.parcel(None).unwrap().tracking_number, "PD-OWN-0003");
        o.parcels.push(OrderParcel {
            tracking_number: "T2".into(),
            kind: OrderParcelKind::SendcloudRates,
            carrier_contract_id: None,
            packaging: None,
            dimensions: None,
        });
        assert!(o.parcel(None).is_none(), "two parcels: the claim must say which");
    }

    #[test]
    fn prices_of_the_claimed_lines_or_all() {
        let o = order();
        let all = o.claimed_lines(&[]);
        assert_eq!(Order::sales_price(&all).unwrap().price, 74.98);
        assert_eq!(Order::purchase_price(&all), None, "the vase has no purchase price");
        let shirt = o.claimed_lines(&[PickedItem { name: "shirt".into(), quantity: 1 }]);
        assert_eq!(Order::sales_price(&shirt).unwrap(), Money { price: 19.99, currency: Currency::Eur });
        assert_eq!(Order::purchase_price(&shirt).unwrap().price, 8.5);
        assert!(Order::sales_price(&o.claimed_lines(&[PickedItem { name: "x".into(), quantity: 1 }])).is_none());
    }

    #[test]
    fn rule_breaks_are_named() {
        let bad = |f: fn(&mut Order)| {
            let mut o = order();
            f(&mut o);
            o.validate().unwrap_err().0
        };
        assert!(bad(|o| o.order_date = "20.11.2026".into()).contains("order_date"));
        assert!(bad(|o| o.customer.email = "nope".into()).contains("customer.email"));
        assert!(bad(|o| o.items[0].quantity = 0).contains("items[0].quantity"));
        assert!(bad(|o| o.items[1].unit_price = -1.0).contains("items[1].unit_price"));
        assert!(bad(|o| o.items[0].tax_rate = 190.0).contains("tax_rate"));
        assert!(bad(|o| o.items[1].currency = Currency::Usd).contains("same currency"));
        assert!(bad(|o| o.parcels[0].carrier_contract_id = Some(0)).contains("carrier_contract_id"));
        assert!(bad(|o| o.parcels[0].kind = OrderParcelKind::SendcloudRates).contains("only for own_contract"));
        assert!(bad(|o| o.invoices[0].url = "ftp://x".into()).contains("invoices[0].url"));
        let missing: Result<Order, _> = serde_json::from_str(r#"{"order_number":"X"}"#);
        assert!(missing.is_err());
    }
}
