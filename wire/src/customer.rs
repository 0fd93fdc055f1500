//! The customer's claim: `POST /claims` ([`CustomerClaim`] → 202
//! [`CustomerClaimCreated`]) and the look-up by reference
//! (`POST /claims/lookup`, [`ClaimLookup`] → [`ClaimFound`]).
//!
//! A customer is never asked the shop's facts (how the parcel was shipped,
//! the carrier contract, prices, invoices, the carrier's claim form, the
//! portal flag). They say what happened and what they saw; the proxy adds
//! the shop's part and builds the upstream body ([`mapping`]).
//!
//! `claim_type` is the claim type's route segment: `lost`, `damage`,
//! `delivered-but-not-received`, `late-delivery`, `unjust-return`,
//! `address-change`, `other`.
//!
//! What each type asks of the customer beyond the parcel (a tracking
//! number, or an order number: then the claim waits for the shop), the
//! e-mail address and the name ([`rules::validate`]):
//!
//! | claim type | required | also taken |
//! |---|---|---|
//! | `lost` | `contents` (or `items`), `declaration` | `exterior`, `dimensions`, `remarks` |
//! | `damage` | `contents` (or `items`), at least one photo | `exterior`, `remarks`, up to 6 `photos` |
//! | `delivered-but-not-received` | `contents` (or `items`), `declaration` | `exterior`, `dimensions`, `remarks` |
//! | `late-delivery` | — | `remarks` |
//! | `unjust-return` | — | `remarks` (optional) |
//! | `address-change` | `new_address` | `remarks` |
//! | `other` | `subject`, `remarks` (the question) | — |
//!
//! `resolution` (refund, replacement, repair) is optional for every type
//! and recorded for the shop only; it is never sent upstream. An answer a
//! type has no field for (photos on a lost claim, a new address on a damage
//! claim) is refused, so nothing the customer wrote is silently dropped.

use serde::{Deserialize, Serialize};

use crate::claim::{ClaimType, Dimensions};
use crate::reference::Reference;
use crate::ticket::ClaimState;

pub mod mapping;
pub mod rules;

/// One item of the order the customer picked as what the parcel held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct OrderItem {
    pub name: String,
    /// More than 0.
    pub quantity: u32,
}

/// What a photo shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum PhotoRole {
    /// The damage itself.
    Damage,
    /// The contents: the inside of the parcel, the whole product.
    Contents,
    /// The packaging from outside.
    Packaging,
}

/// A photo the customer uploaded (`POST /dsf/files`) and what it shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Photo {
    pub file_token: String,
    pub role: PhotoRole,
}

/// The customer's language (the widget's six): the proxy writes its
/// e-mails about the claim in it (English when absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    De,
    Nl,
    Fr,
    Es,
    It,
}

impl Language {
    /// Every language, in the widget's order.
    pub const ALL: [Language; 6] = [Language::En, Language::De, Language::Nl, Language::Fr, Language::Es, Language::It];

    /// The tag (`de`).
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::De => "de",
            Language::Nl => "nl",
            Language::Fr => "fr",
            Language::Es => "es",
            Language::It => "it",
        }
    }

    /// The language of a tag such as `de`, `de-AT` or `fr_BE` (the primary
    /// subtag decides); `None` for the others.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.as_str() == primary)
    }
}

/// What the customer would like; for the shop, never sent upstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    Refund,
    Replacement,
    Repair,
}

impl Resolution {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Refund => "refund",
            Resolution::Replacement => "replacement",
            Resolution::Repair => "repair",
        }
    }
}

/// The customer's signed declaration that the parcel did not arrive
/// (lost, delivered-but-not-received): the proxy renders it as the claim's
/// customer confirmation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    /// Must be `true`.
    pub accepted: bool,
    /// The name the customer typed as their signature.
    pub signed_name: String,
}

/// The body of `POST /claims`: a claim in the customer's words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerClaim {
    pub claim_type: ClaimType,
    /// The parcel's tracking number; without it, `order_number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
    /// The order number: alone, the claim waits for the shop to name the
    /// parcel (`with_shop`), unless the proxy reads the shop's order
    /// (`orders.url`, [`crate::orders`]) and it has one parcel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// What was in the parcel, in the customer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contents: Option<String>,
    /// Items picked from the order (listed into the contents description).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<OrderItem>,
    /// What the parcel looked like from outside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exterior: Option<String>,
    /// The parcel's size in centimetres, each more than 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<Dimensions>,
    /// Photos (damage claims), several per role.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Photo>,
    /// Anything else; for `other` the question itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
    /// Address change: the new address on one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_address: Option<String>,
    /// Other: a short subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub email: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// Required for `lost` and `delivered-but-not-received`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declaration: Option<Declaration>,
    /// The language the customer used (`en`, `de`, `nl`, `fr`, `es`,
    /// `it`): the proxy's e-mails about the claim are in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
}

/// 202 of `POST /claims`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CustomerClaimCreated {
    /// The short reference for the customer (`PD-4K7Q-2M`).
    pub reference: Reference,
    /// The proxy's claim id: `GET /dsf/tickets/{claim_id}` with
    /// `X-Ticket-Token: <access_token>` reads its status.
    pub claim_id: String,
    pub access_token: String,
    /// `received` (it goes to the carrier by itself) or `with_shop` (it
    /// waits for the shop's part).
    pub state: ClaimState,
    /// With `with_shop`: what the shop still has to add (upstream's field
    /// names, or `tracking_number`, `parcel_kind`, `order_facts`: the
    /// shop's order could not be read yet and is fetched again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// The body of `POST /claims/lookup`: the reference and one proof.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClaimLookup {
    /// As the customer typed it (`pd 4k7q 2m` is fine).
    pub reference: String,
    /// The e-mail address given with the claim, or the recipient's postal
    /// code of the parcel.
    pub email_or_postal_code: String,
}

/// 200 of `POST /claims/lookup`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ClaimFound {
    pub claim_id: String,
    pub access_token: String,
    /// The claim's reference: the customer may have looked it up by its
    /// order number and not know it. (Optional in the contract: an answer
    /// without it is still read.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<crate::reference::Reference>,
}
