//! Carrier data requests: `GET /dsf/tickets/requested-data` (open requests)
//! and `POST /dsf/tickets/requested-data` (answer one), and which of them a
//! customer can answer ([`DataType::customer_can_answer`]).

use serde::{Deserialize, Serialize};

use crate::claim::FileRef;
use crate::ticket::DataType;

/// One open data request of a ticket.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RequestedData {
    pub request_id: i64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub tracking_number: Option<String>,
    #[serde(default)]
    pub order_number: Option<String>,
    pub data_type: DataType,
}

impl RequestedData {
    /// True when the customer can answer this request (see
    /// [`DataType::customer_can_answer`]).
    pub fn customer_can_answer(&self) -> bool {
        self.data_type.customer_can_answer()
    }
}

/// Parts of a data type's name that only the shop can answer: its
/// documents and figures (invoices, sales and purchase data, prices), the
/// carrier's claim form or claim letter, the carrier contract.
const SHOP_WORDS: &[&str] = &[
    "invoice",
    "sales",
    "purchase",
    "price",
    "value",
    "contract",
    "claim_form",
    "claims_form",
    "letter",
    "iban",
    "bank",
];

/// Parts of a data type's name a customer can answer: what they saw and
/// have (photos, a description, their signed declaration), where they are
/// (a correct address) and how to reach them (a phone number), or a few
/// words of their own.
const CUSTOMER_WORDS: &[&str] =
    &["photo", "picture", "image", "description", "declaration", "confirmation", "address", "phone", "comment", "text"];

impl DataType {
    /// True when the customer can answer a request for this data: photos,
    /// a description of the contents, the signed declaration, free text
    /// (`other`), and among values this version does not know those that
    /// name a photo, a description, an address, a phone number or a text.
    /// False for what only the shop has: invoices (sales, purchase), sales
    /// data and prices, the carrier's claim form, the claim letter, the
    /// contract, and any other unknown value (the shop sees every request;
    /// the customer only those they can act on).
    pub fn customer_can_answer(&self) -> bool {
        match self {
            DataType::DescriptionOfContents
            | DataType::CustomerConfirmation
            | DataType::ExteriorPhoto
            | DataType::InteriorPhoto
            | DataType::DamagePhoto
            | DataType::Other => true,
            DataType::ClaimLetter
            | DataType::SalesInvoice
            | DataType::SalesData
            | DataType::PurchaseInvoice
            | DataType::CarrierClaimsForm => false,
            DataType::Unlisted(raw) => {
                let name = raw.to_ascii_lowercase();
                !SHOP_WORDS.iter().any(|w| name.contains(w)) && CUSTOMER_WORDS.iter().any(|w| name.contains(w))
            }
        }
    }
}

/// `{"data": [...]}`: the list the proxy answers (filtered to one ticket),
/// and the shape the sandbox answers upstream's list in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RequestedDataList {
    pub data: Vec<RequestedData>,
}

/// 201 of `POST /dsf/tickets/requested-data`: the request answered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct RequestedDataAnswerCreated {
    pub request_id: i64,
}

/// Body of `POST /dsf/tickets/requested-data`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestedDataAnswer {
    pub request_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<FileRef>>,
    /// Sales data rows, passed through as given (upstream does not document
    /// their fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_data: Option<Vec<serde_json::Value>>,
}

impl RequestedDataAnswer {
    /// True when the answer carries something: a non-blank comment, an
    /// attachment or a sales data row.
    pub fn has_content(&self) -> bool {
        self.comment.as_deref().is_some_and(|c| !c.trim().is_empty())
            || self.attachments.as_ref().is_some_and(|a| !a.is_empty())
            || self.sales_data.as_ref().is_some_and(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_a_customer_has_is_theirs_to_answer() {
        let customer = [
            "description_of_contents",
            "customer_confirmation",
            "exterior_photo",
            "interior_photo",
            "damage_photo",
            "other",
        ];
        let shop = ["claim_letter", "sales_invoice", "sales_data", "purchase_invoice", "carrier_claims_form"];
        for t in DataType::ALL {
            let name = t.as_str();
            assert!(customer.contains(&name) || shop.contains(&name), "{name} is not classified here");
            assert_eq!(t.customer_can_answer(), customer.contains(&name), "{name}");
        }
        // Values upstream may add: the customer's own facts, or the shop's.
        for name in ["delivery_address", "correct_address", "phone_number", "Phone", "free_text", "product_picture"] {
            assert!(DataType::from_wire(name).customer_can_answer(), "{name}");
        }
        for name in ["contract", "carrier_contract", "purchase_price", "invoice_address", "sales_photo", "hologram", ""]
        {
            assert!(!DataType::from_wire(name).customer_can_answer(), "{name}");
        }
        let request = |t: &str| RequestedData {
            request_id: 1,
            title: String::new(),
            description: String::new(),
            tracking_number: None,
            order_number: None,
            data_type: DataType::from_wire(t),
        };
        assert!(request("damage_photo").customer_can_answer());
        assert!(!request("sales_invoice").customer_can_answer());
    }

    #[test]
    fn answer_rejects_unknown_fields_and_round_trips() {
        let a: RequestedDataAnswer =
            serde_json::from_str(r#"{"request_id":301,"comment":"see attached","attachments":[{"file_token":"t"}]}"#)
                .unwrap();
        assert!(a.has_content());
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"request_id":301,"comment":"see attached","attachments":[{"file_token":"t"}]}"#
        );
        assert!(serde_json::from_str::<RequestedDataAnswer>(r#"{"request_id":1,"ticket":2}"#).is_err());
        assert!(!RequestedDataAnswer { request_id: 1, comment: Some(" ".into()), ..Default::default() }.has_content());
        let l: RequestedDataList = serde_json::from_str(
            r#"{"data":[{"request_id":1,"title":"t","description":"d","tracking_number":null,"order_number":"O","data_type":"hologram"}]}"#,
        )
        .unwrap();
        assert_eq!(l.data[0].data_type.as_str(), "hologram");
    }
}
