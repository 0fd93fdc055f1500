//! Claim request bodies (`POST /dsf/tickets/{type}`), for the seven claim
//! types of the Support API.
//!
//! The spec defines a body per claim type and parcel kind (own contract /
//! Sendcloud rates); they share one set of fields and differ only in which
//! fields exist and which are required. So there is one [`ClaimRequest`]
//! with every field optional, and the differences are tables
//! ([`ClaimType::fields`], [`required_fields`]) that [`validate`] applies.
//!
//! Where the published material is incomplete the tables follow the
//! nearest documented sibling, marked *inferred* below and in
//! `docs/claim-types.md`:
//! - `carrier_contract_id` on the own-contract bodies of
//!   delivered-but-not-received, address change and other (documented for
//!   lost, damage, unjust return and late delivery);
//! - address change for Sendcloud-rates parcels requires `new_address`
//!   (the spec's list names `is_parcel_returned`, a field the body does not
//!   have: copied from unjust return);
//! - other: `tracking_number`, `subject` and `question` required for both
//!   kinds (only a request example is published);
//! - late delivery exists for own-contract parcels only (documented).

use serde::{Deserialize, Serialize};

mod segment;
mod tables;

pub use tables::{allowed, required_fields};

string_enum! {
    /// `CurrencyType` of the spec.
    Currency { Eur = "EUR", Gbp = "GBP", Usd = "USD" }
}

/// Which claim endpoint a body is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClaimType {
    Lost,
    Damage,
    /// Tracking says delivered; the customer did not receive it.
    DeliveredNotReceived,
    /// Own-contract parcels only.
    LateDelivery,
    /// Sent back to the shop without reason.
    UnjustReturn,
    /// A new delivery address, before delivery.
    AddressChange,
    /// Anything else, e.g. the parcel arrived empty or an item is missing.
    Other,
}

/// How the parcel was shipped: the spec's two body variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParcelKind {
    /// Shipped on the merchant's own carrier contract (`Create*OwnContract`).
    OwnContract,
    /// Shipped with Sendcloud rates (`Create*Transactional`).
    SendcloudRates,
}

impl ClaimType {
    pub const ALL: [ClaimType; 7] = [
        ClaimType::Lost,
        ClaimType::Damage,
        ClaimType::DeliveredNotReceived,
        ClaimType::LateDelivery,
        ClaimType::UnjustReturn,
        ClaimType::AddressChange,
        ClaimType::Other,
    ];

    /// The endpoint's last path segment: `POST /dsf/tickets/{as_str}`.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimType::Lost => "lost",
            ClaimType::Damage => "damage",
            ClaimType::DeliveredNotReceived => "delivered-but-not-received",
            ClaimType::LateDelivery => "late-delivery",
            ClaimType::UnjustReturn => "unjust-return",
            ClaimType::AddressChange => "address-change",
            ClaimType::Other => "other",
        }
    }

    pub fn from_segment(s: &str) -> Option<ClaimType> {
        ClaimType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The `type` upstream gives the ticket this claim creates.
    pub fn ticket_type(self) -> crate::ticket::TicketType {
        use crate::ticket::TicketType;
        match self {
            ClaimType::Lost => TicketType::Lost,
            ClaimType::Damage => TicketType::Damaged,
            ClaimType::DeliveredNotReceived => TicketType::DeliveredNotReceived,
            ClaimType::LateDelivery => TicketType::LateDelivery,
            ClaimType::UnjustReturn => TicketType::UnjustReturn,
            ClaimType::AddressChange => TicketType::AddressChange,
            ClaimType::Other => TicketType::OtherShipping,
        }
    }

    /// Whether upstream takes this claim for a parcel of `kind` at all
    /// (late delivery: own contract only).
    pub fn offered_for(self, kind: ParcelKind) -> bool {
        !(self == ClaimType::LateDelivery && kind == ParcelKind::SendcloudRates)
    }
}

/// Every field of the claim bodies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClaimField {
    TrackingNumber,
    CarrierContractId,
    ContentsSalesPrice,
    ContentsPurchasePrice,
    ContentsDescription,
    ParcelExteriorDescription,
    ParcelDimensions,
    AdditionalRemarks,
    SalesInvoice,
    PurchaseInvoice,
    CustomerConfirmation,
    CarrierClaimForm,
    ExteriorPhoto,
    InteriorPhoto,
    DamagePhoto1,
    DamagePhoto2,
    PackagePhoto,
    EntireProductPhoto,
    IsParcelReturned,
    AdditionalDetails,
    NewAddress,
    Subject,
    Question,
}

impl ClaimField {
    pub const ALL: &'static [ClaimField] = &[
        ClaimField::TrackingNumber,
        ClaimField::CarrierContractId,
        ClaimField::ContentsSalesPrice,
        ClaimField::ContentsPurchasePrice,
        ClaimField::ContentsDescription,
        ClaimField::ParcelExteriorDescription,
        ClaimField::ParcelDimensions,
        ClaimField::AdditionalRemarks,
        ClaimField::SalesInvoice,
        ClaimField::PurchaseInvoice,
        ClaimField::CustomerConfirmation,
        ClaimField::CarrierClaimForm,
        ClaimField::ExteriorPhoto,
        ClaimField::InteriorPhoto,
        ClaimField::DamagePhoto1,
        ClaimField::DamagePhoto2,
        ClaimField::PackagePhoto,
        ClaimField::EntireProductPhoto,
        ClaimField::IsParcelReturned,
        ClaimField::AdditionalDetails,
        ClaimField::NewAddress,
        ClaimField::Subject,
        ClaimField::Question,
    ];

    /// The JSON property name, which is also the `loc` upstream reports.
    pub fn wire_name(self) -> &'static str {
        use ClaimField::*;
        match self {
            TrackingNumber => "tracking_number",
            CarrierContractId => "carrier_contract_id",
            ContentsSalesPrice => "contents_sales_price",
            ContentsPurchasePrice => "contents_purchase_price",
            ContentsDescription => "contents_description",
            ParcelExteriorDescription => "parcel_exterior_description",
            ParcelDimensions => "parcel_dimensions",
            AdditionalRemarks => "additional_remarks",
            SalesInvoice => "sales_invoice",
            PurchaseInvoice => "purchase_invoice",
            CustomerConfirmation => "customer_confirmation",
            CarrierClaimForm => "carrier_claim_form",
            ExteriorPhoto => "exterior_photo",
            InteriorPhoto => "interior_photo",
            DamagePhoto1 => "damage_photo_1",
            DamagePhoto2 => "damage_photo_2",
            PackagePhoto => "package_photo",
            EntireProductPhoto => "entire_product_photo",
            IsParcelReturned => "is_parcel_returned",
            AdditionalDetails => "additional_details",
            NewAddress => "new_address",
            Subject => "subject",
            Question => "question",
        }
    }

    pub fn from_wire_name(name: &str) -> Option<ClaimField> {
        ClaimField::ALL.iter().copied().find(|f| f.wire_name() == name)
    }

    /// True for the fields that carry a `{file_token}` from `POST /dsf/files`.
    pub fn is_file(self) -> bool {
        use ClaimField::*;
        matches!(
            self,
            SalesInvoice
                | PurchaseInvoice
                | CustomerConfirmation
                | CarrierClaimForm
                | ExteriorPhoto
                | InteriorPhoto
                | DamagePhoto1
                | DamagePhoto2
                | PackagePhoto
                | EntireProductPhoto
        )
    }
}

/// `ContentsSalesValueField` / `ContentsPurchaseValueField`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Money {
    pub price: f64,
    pub currency: Currency,
}

/// `ParcelDimensionsField`: centimetres.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Dimensions {
    pub length: f64,
    pub width: f64,
    pub height: f64,
}

/// A document or photo field: `{ "file_token": "…" }`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct FileRef {
    pub file_token: String,
}

/// One claim body, any of the four variants. Absent fields are not sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    pub tracking_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_contract_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents_sales_price: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents_purchase_price: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel_exterior_description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel_dimensions: Option<Dimensions>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_remarks: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sales_invoice: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purchase_invoice: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_confirmation: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier_claim_form: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exterior_photo: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interior_photo: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damage_photo_1: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub damage_photo_2: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_photo: Option<FileRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entire_product_photo: Option<FileRef>,
    /// Unjust return: has the shop received the returned parcel?
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_parcel_returned: Option<bool>,
    /// Unjust return, address change: what happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_details: Option<String>,
    /// Address change: the new address on one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_address: Option<String>,
    /// Other: a short subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Other: the question or description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

/// What is wrong with one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldProblem {
    /// Required for this claim type and parcel kind, but absent or blank.
    Missing,
    /// A price or dimension that is zero, negative or not a number.
    NotPositive,
    /// A currency outside EUR, GBP, USD.
    UnknownCurrency,
    /// A field this claim type / parcel kind does not have.
    NotAllowed,
}

impl FieldProblem {
    /// English text, for the proxy's own error envelope.
    pub fn message_en(self) -> &'static str {
        match self {
            FieldProblem::Missing => "Field required",
            FieldProblem::NotPositive => "Must be a number greater than 0",
            FieldProblem::UnknownCurrency => "Currency must be EUR, GBP or USD",
            FieldProblem::NotAllowed => "Field not allowed for this claim",
        }
    }

    /// The `type` upstream's Python-style detail uses for this problem.
    pub fn python_type(self) -> &'static str {
        match self {
            FieldProblem::Missing => "missing",
            FieldProblem::NotPositive => "greater_than",
            FieldProblem::UnknownCurrency => "enum",
            FieldProblem::NotAllowed => "extra_forbidden",
        }
    }
}

impl ClaimRequest {
    /// True when the body carries `field` with a non-blank value.
    pub fn has(&self, field: ClaimField) -> bool {
        use ClaimField::*;
        fn text(s: &Option<String>) -> bool {
            s.as_deref().is_some_and(|s| !s.trim().is_empty())
        }
        fn file(f: &Option<FileRef>) -> bool {
            f.as_ref().is_some_and(|f| !f.file_token.trim().is_empty())
        }
        match field {
            TrackingNumber => !self.tracking_number.trim().is_empty(),
            CarrierContractId => self.carrier_contract_id.is_some(),
            ContentsSalesPrice => self.contents_sales_price.is_some(),
            ContentsPurchasePrice => self.contents_purchase_price.is_some(),
            ContentsDescription => text(&self.contents_description),
            ParcelExteriorDescription => text(&self.parcel_exterior_description),
            ParcelDimensions => self.parcel_dimensions.is_some(),
            AdditionalRemarks => text(&self.additional_remarks),
            SalesInvoice => file(&self.sales_invoice),
            PurchaseInvoice => file(&self.purchase_invoice),
            CustomerConfirmation => file(&self.customer_confirmation),
            CarrierClaimForm => file(&self.carrier_claim_form),
            ExteriorPhoto => file(&self.exterior_photo),
            InteriorPhoto => file(&self.interior_photo),
            DamagePhoto1 => file(&self.damage_photo_1),
            DamagePhoto2 => file(&self.damage_photo_2),
            PackagePhoto => file(&self.package_photo),
            EntireProductPhoto => file(&self.entire_product_photo),
            IsParcelReturned => self.is_parcel_returned.is_some(),
            AdditionalDetails => text(&self.additional_details),
            NewAddress => text(&self.new_address),
            Subject => text(&self.subject),
            Question => text(&self.question),
        }
    }

    /// The file token of a file field, if set.
    pub fn file_token(&self, field: ClaimField) -> Option<&str> {
        use ClaimField::*;
        let f = match field {
            SalesInvoice => &self.sales_invoice,
            PurchaseInvoice => &self.purchase_invoice,
            CustomerConfirmation => &self.customer_confirmation,
            CarrierClaimForm => &self.carrier_claim_form,
            ExteriorPhoto => &self.exterior_photo,
            InteriorPhoto => &self.interior_photo,
            DamagePhoto1 => &self.damage_photo_1,
            DamagePhoto2 => &self.damage_photo_2,
            PackagePhoto => &self.package_photo,
            EntireProductPhoto => &self.entire_product_photo,
            _ => return None,
        };
        f.as_ref().map(|f| f.file_token.as_str())
    }
}

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// Checks a body against the spec's rules for its claim type and parcel kind.
/// Returns every problem, in field order; empty means valid.
pub fn validate(claim: ClaimType, kind: ParcelKind, body: &ClaimRequest) -> Vec<(ClaimField, FieldProblem)> {
    let mut out = Vec::new();
    for &field in ClaimField::ALL {
        let present = body.has(field);
        if !allowed(claim, kind, field) {
            if present {
                out.push((field, FieldProblem::NotAllowed));
            }
            continue;
        }
        if !present {
            if required_fields(claim, kind).contains(&field) {
                out.push((field, FieldProblem::Missing));
            }
            continue;
        }
        let problem = match field {
            ClaimField::ContentsSalesPrice | ClaimField::ContentsPurchasePrice => {
                let m = if field == ClaimField::ContentsSalesPrice {
                    &body.contents_sales_price
                } else {
                    &body.contents_purchase_price
                };
                m.as_ref().and_then(|m| {
                    if matches!(m.currency, Currency::Unlisted(_)) {
                        Some(FieldProblem::UnknownCurrency)
                    } else if !positive(m.price) {
                        Some(FieldProblem::NotPositive)
                    } else {
                        None
                    }
                })
            }
            ClaimField::ParcelDimensions => body.parcel_dimensions.as_ref().and_then(|d| {
                (![d.length, d.width, d.height].into_iter().all(positive)).then_some(FieldProblem::NotPositive)
            }),
            ClaimField::CarrierContractId => {
                body.carrier_contract_id.and_then(|id| (id <= 0).then_some(FieldProblem::NotPositive))
            }
            _ => None,
        };
        if let Some(p) = problem {
            out.push((field, p));
        }
    }
    out
}

#[cfg(test)]
mod tests;
