//! The staff inbox (`/staff/claims…`): customers' claims by bucket, one
//! claim with what upstream still needs, and the staff's actions on it
//! (complete, approve, reject). Every route needs
//! `Authorization: Bearer <staff token>`; without a valid one it answers
//! exactly like a route that does not exist (404).
//!
//! Buckets (a claim is in exactly one):
//!
//! | bucket | claim states |
//! |---|---|
//! | `with_shop` | `with_shop`: the shop's part is incomplete |
//! | `review` | `review`: complete, waiting for a staff approval |
//! | `queued` | `received`, `queued`, `filing`: on the way upstream |
//! | `filed` | `filed`, upstream's ticket not resolved |
//! | `needs_attention` | `needs_attention`: upstream refused it |
//! | `resolved` | `filed` and upstream's ticket status `resolved` |
//! | `rejected` | `rejected` by staff: never filed |

use serde::{Deserialize, Serialize};

use crate::claim::{ClaimField, ClaimRequest, ClaimType, Dimensions, FileRef, Money, ParcelKind};
use crate::customer::{CustomerClaim, PhotoRole};
use crate::reference::Reference;
use crate::ticket::ClaimState;

/// Claims per page of `GET /staff/claims`.
pub const PAGE_SIZE: usize = 50;

/// The longest rejection reason accepted (characters).
pub const REASON_MAX: usize = 2000;

string_enum! {
    /// One tab of the inbox (see the module docs for the states in each).
    Bucket {
        WithShop = "with_shop",
        Review = "review",
        Queued = "queued",
        Filed = "filed",
        NeedsAttention = "needs_attention",
        Resolved = "resolved",
        Rejected = "rejected",
    }
}

impl Bucket {
    /// The bucket of a claim in `state` whose upstream ticket has
    /// `upstream_status` (the ticket watcher's last read), if any.
    pub fn of(state: &ClaimState, upstream_status: Option<&str>) -> Bucket {
        match state {
            ClaimState::WithShop => Bucket::WithShop,
            ClaimState::Review => Bucket::Review,
            ClaimState::Received | ClaimState::Queued | ClaimState::Filing => Bucket::Queued,
            ClaimState::Filed if upstream_status == Some("resolved") => Bucket::Resolved,
            ClaimState::Filed => Bucket::Filed,
            ClaimState::NeedsAttention => Bucket::NeedsAttention,
            ClaimState::Rejected => Bucket::Rejected,
            ClaimState::Unlisted(_) => Bucket::NeedsAttention,
        }
    }
}

/// How many claims each bucket holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct BucketCounts {
    pub with_shop: u64,
    pub review: u64,
    pub queued: u64,
    pub filed: u64,
    pub needs_attention: u64,
    pub resolved: u64,
    pub rejected: u64,
}

impl BucketCounts {
    /// Adds `n` to `bucket` (an unlisted bucket is not counted).
    pub fn add(&mut self, bucket: &Bucket, n: u64) {
        let slot = match bucket {
            Bucket::WithShop => &mut self.with_shop,
            Bucket::Review => &mut self.review,
            Bucket::Queued => &mut self.queued,
            Bucket::Filed => &mut self.filed,
            Bucket::NeedsAttention => &mut self.needs_attention,
            Bucket::Resolved => &mut self.resolved,
            Bucket::Rejected => &mut self.rejected,
            Bucket::Unlisted(_) => return,
        };
        *slot += n;
    }

    /// The count of `bucket`.
    pub fn get(&self, bucket: &Bucket) -> u64 {
        match bucket {
            Bucket::WithShop => self.with_shop,
            Bucket::Review => self.review,
            Bucket::Queued => self.queued,
            Bucket::Filed => self.filed,
            Bucket::NeedsAttention => self.needs_attention,
            Bucket::Resolved => self.resolved,
            Bucket::Rejected => self.rejected,
            Bucket::Unlisted(_) => 0,
        }
    }
}

/// One line of the inbox list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InboxItem {
    /// The proxy's claim id: `GET /staff/claims/{claim_id}`.
    pub claim_id: String,
    /// The customer's reference (`PD-4K7Q-2M`); absent for claims the
    /// widget filed with the raw routes (`POST /dsf/tickets/{type}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<Reference>,
    pub claim_type: ClaimType,
    /// RFC 3339, UTC.
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_email: Option<String>,
    /// Empty while only an order number is known.
    pub tracking_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<String>,
    /// The pipeline state.
    pub state: ClaimState,
    pub bucket: Bucket,
    /// A short reason: what it waits for, upstream's refusal, the
    /// rejection's reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// 200 of `GET /staff/claims?state=<bucket>&page=<n>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InboxList {
    /// Every bucket's count (not only the asked one's).
    pub counts: BucketCounts,
    /// The bucket listed.
    pub state: Bucket,
    /// The page listed (1-based).
    pub page: u32,
    /// The next page, when there are more claims in the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page: Option<u32>,
    /// At most [`PAGE_SIZE`] claims, newest first.
    pub claims: Vec<InboxItem>,
}

/// The form a needed field takes in the staff UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// Free text.
    Text,
    /// `{"price": 12.5, "currency": "EUR"}`.
    Money,
    /// A `{"file_token"}` from `POST /dsf/files`.
    File,
    /// One of `choices`.
    Choice,
    /// A positive whole number (the carrier contract id).
    Number,
    /// `{"length", "width", "height"}` in centimetres.
    Dimensions,
    /// `true` or `false`.
    Boolean,
}

/// One thing upstream still needs before the claim can be filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NeededField {
    /// The key to send it under in [`ShopCompletion`] (upstream's field
    /// name, or `parcel_kind`, `tracking_number`).
    pub key: String,
    /// An English label for the UI.
    pub label: String,
    pub kind: FieldKind,
    /// With `choice`: the values to pick from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
}

/// The English label of a claim field.
pub fn field_label(field: ClaimField) -> &'static str {
    use ClaimField::*;
    match field {
        TrackingNumber => "Tracking number",
        CarrierContractId => "Carrier contract id",
        ContentsSalesPrice => "Sales price of the contents",
        ContentsPurchasePrice => "Purchase price of the contents",
        ContentsDescription => "Description of the contents",
        ParcelExteriorDescription => "What the parcel looked like from outside",
        ParcelDimensions => "Parcel dimensions (cm)",
        AdditionalRemarks => "Additional remarks",
        SalesInvoice => "Sales invoice",
        PurchaseInvoice => "Purchase invoice",
        CustomerConfirmation => "Customer's signed confirmation",
        CarrierClaimForm => "Carrier's claim form",
        ExteriorPhoto => "Photo of the parcel's exterior",
        InteriorPhoto => "Photo of the parcel's interior",
        DamagePhoto1 => "Photo of the damage",
        DamagePhoto2 => "Second photo of the damage",
        PackagePhoto => "Photo of the packaging",
        EntireProductPhoto => "Photo of the entire product",
        IsParcelReturned => "Has the shop received the returned parcel?",
        AdditionalDetails => "Additional details",
        NewAddress => "New delivery address",
        Subject => "Subject",
        Question => "Question",
    }
}

/// The UI form of a claim field.
pub fn field_kind(field: ClaimField) -> FieldKind {
    use ClaimField::*;
    match field {
        ContentsSalesPrice | ContentsPurchasePrice => FieldKind::Money,
        CarrierContractId => FieldKind::Number,
        ParcelDimensions => FieldKind::Dimensions,
        IsParcelReturned => FieldKind::Boolean,
        f if f.is_file() => FieldKind::File,
        _ => FieldKind::Text,
    }
}

/// The wire value of a parcel kind: `own_contract`, `sendcloud_rates`.
pub fn parcel_kind_str(kind: ParcelKind) -> &'static str {
    match kind {
        ParcelKind::OwnContract => "own_contract",
        ParcelKind::SendcloudRates => "sendcloud_rates",
    }
}

/// The parcel kind of a wire value.
pub fn parse_parcel_kind(s: &str) -> Option<ParcelKind> {
    match s {
        "own_contract" => Some(ParcelKind::OwnContract),
        "sendcloud_rates" => Some(ParcelKind::SendcloudRates),
        _ => None,
    }
}

impl Serialize for ParcelKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(parcel_kind_str(*self))
    }
}

impl<'de> Deserialize<'de> for ParcelKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        parse_parcel_kind(&s).ok_or_else(|| serde::de::Error::custom("expected one of own_contract, sendcloud_rates"))
    }
}

#[cfg(feature = "openapi")]
impl schemars::JsonSchema for ParcelKind {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ParcelKind".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "How the parcel was shipped: on the shop's own carrier contract, or with Sendcloud rates.",
            "enum": ["own_contract", "sendcloud_rates"]
        })
    }
}

/// What upstream still needs, computed from wire's required-field tables:
/// the tracking number if only an order number is known, the parcel kind
/// if it is not known (then nothing else can be said yet), else every
/// field [`crate::claim::required_fields`] lists for the type and kind that
/// `body` lacks. `declaration_pending`: the customer's declaration PDF is
/// uploaded by the proxy when it files, so `customer_confirmation` is not
/// needed from the shop.
pub fn needed_fields(
    claim_type: ClaimType,
    kind: Option<ParcelKind>,
    body: &ClaimRequest,
    declaration_pending: bool,
) -> Vec<NeededField> {
    let mut out = Vec::new();
    if body.tracking_number.trim().is_empty() {
        out.push(NeededField {
            key: "tracking_number".into(),
            label: field_label(ClaimField::TrackingNumber).into(),
            kind: FieldKind::Text,
            choices: Vec::new(),
        });
    }
    let Some(kind) = kind else {
        out.push(NeededField {
            key: "parcel_kind".into(),
            label: "How the parcel was shipped".into(),
            kind: FieldKind::Choice,
            choices: vec!["own_contract".into(), "sendcloud_rates".into()],
        });
        return out;
    };
    for &field in crate::claim::required_fields(claim_type, kind) {
        if field == ClaimField::TrackingNumber || body.has(field) {
            continue;
        }
        if field == ClaimField::CustomerConfirmation && declaration_pending {
            continue;
        }
        out.push(NeededField {
            key: field.wire_name().into(),
            label: field_label(field).into(),
            kind: field_kind(field),
            choices: Vec::new(),
        });
    }
    out
}

/// A photo the customer gave, for a thumbnail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InboxPhoto {
    pub file_token: String,
    pub role: PhotoRole,
    /// Path below the proxy URL to its bytes
    /// (`/staff/claims/{id}/files/{file_token}`, staff token needed);
    /// absent when the proxy did not keep the file (uploaded before it kept
    /// files, or by another proxy version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// One entry of a claim's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InboxHistoryEntry {
    /// RFC 3339, UTC.
    pub at: String,
    /// A staff token's name, `staff` (the unnamed `staff.token`),
    /// `customer`, `proxy` (the pipeline) or `mail`.
    pub actor: String,
    /// `accepted`, `completed`, `approved`, `rejected`, `filed`,
    /// `needs_attention`, …
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// 200 of `GET /staff/claims/{id}` (and of its actions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct InboxClaim {
    #[serde(flatten)]
    pub item: InboxItem,
    /// What the customer gave (absent for claims filed with the raw
    /// routes): what happened, contents, exterior, remarks, wish
    /// (`resolution`), declaration, photos as file tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerClaim>,
    /// The customer's photos with the path of their bytes.
    #[serde(default)]
    pub photos: Vec<InboxPhoto>,
    /// How the parcel was shipped, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel_kind: Option<ParcelKind>,
    /// The upstream body as it stands: the customer's part mapped onto
    /// upstream's fields plus the shop's part known so far (prices,
    /// invoices, contract).
    pub body: ClaimRequest,
    /// The customer's declaration PDF is uploaded as
    /// `customer_confirmation` when the proxy files the claim.
    pub declaration_pending: bool,
    /// What upstream still needs ([`needed_fields`]); empty: it can be
    /// approved.
    pub needed: Vec<NeededField>,
    /// What the claim waits for beyond fields (`order_facts`,
    /// `order_not_found`), as stored.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting_for: Vec<String>,
    /// Oldest first.
    pub history: Vec<InboxHistoryEntry>,
    /// Upstream's int ticket id, once filed and known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<i64>,
    /// Upstream's last known ticket status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream_status: Option<String>,
}

/// Body of `POST /staff/claims/{id}/complete`: the shop's data, any subset.
/// A field given replaces the claim's value; a field the claim type and
/// parcel kind do not have is refused (400, `extra_forbidden`). Files are
/// `{"file_token"}` from `POST /dsf/files` (upload first).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ShopCompletion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parcel_kind: Option<ParcelKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_number: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_parcel_returned: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_details: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

impl ShopCompletion {
    /// The claim fields given, as a partial body (tracking number empty
    /// unless given).
    pub fn as_body(&self) -> ClaimRequest {
        ClaimRequest {
            tracking_number: self.tracking_number.clone().unwrap_or_default(),
            carrier_contract_id: self.carrier_contract_id,
            contents_sales_price: self.contents_sales_price.clone(),
            contents_purchase_price: self.contents_purchase_price.clone(),
            contents_description: self.contents_description.clone(),
            parcel_exterior_description: self.parcel_exterior_description.clone(),
            parcel_dimensions: self.parcel_dimensions.clone(),
            additional_remarks: self.additional_remarks.clone(),
            sales_invoice: self.sales_invoice.clone(),
            purchase_invoice: self.purchase_invoice.clone(),
            customer_confirmation: self.customer_confirmation.clone(),
            carrier_claim_form: self.carrier_claim_form.clone(),
            exterior_photo: self.exterior_photo.clone(),
            interior_photo: self.interior_photo.clone(),
            damage_photo_1: self.damage_photo_1.clone(),
            damage_photo_2: self.damage_photo_2.clone(),
            package_photo: self.package_photo.clone(),
            entire_product_photo: self.entire_product_photo.clone(),
            is_parcel_returned: self.is_parcel_returned,
            additional_details: self.additional_details.clone(),
            new_address: self.new_address.clone(),
            subject: self.subject.clone(),
            question: self.question.clone(),
        }
    }

    /// The claim fields given (a blank text or file counts as given: it is
    /// refused, not ignored).
    pub fn given(&self) -> Vec<ClaimField> {
        let b = self.as_body();
        ClaimField::ALL
            .iter()
            .copied()
            .filter(|f| match f {
                ClaimField::TrackingNumber => self.tracking_number.is_some(),
                ClaimField::CarrierContractId => self.carrier_contract_id.is_some(),
                ClaimField::ContentsSalesPrice => self.contents_sales_price.is_some(),
                ClaimField::ContentsPurchasePrice => self.contents_purchase_price.is_some(),
                ClaimField::ParcelDimensions => self.parcel_dimensions.is_some(),
                ClaimField::IsParcelReturned => self.is_parcel_returned.is_some(),
                f if f.is_file() => b.file_token(*f).is_some(),
                ClaimField::ContentsDescription => self.contents_description.is_some(),
                ClaimField::ParcelExteriorDescription => self.parcel_exterior_description.is_some(),
                ClaimField::AdditionalRemarks => self.additional_remarks.is_some(),
                ClaimField::AdditionalDetails => self.additional_details.is_some(),
                ClaimField::NewAddress => self.new_address.is_some(),
                ClaimField::Subject => self.subject.is_some(),
                ClaimField::Question => self.question.is_some(),
                _ => false,
            })
            .collect()
    }
}

/// Body of `POST /staff/claims/{id}/reject`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectClaim {
    /// Shown to the customer in the status view (and by e-mail): 1 to
    /// 2,000 characters.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_of_states() {
        assert_eq!(Bucket::of(&ClaimState::Filing, None), Bucket::Queued);
        assert_eq!(Bucket::of(&ClaimState::Filed, Some("resolved")), Bucket::Resolved);
        assert_eq!(Bucket::of(&ClaimState::Filed, Some("open")), Bucket::Filed);
        assert_eq!(Bucket::of(&ClaimState::Review, None), Bucket::Review);
        let mut c = BucketCounts::default();
        c.add(&Bucket::Rejected, 2);
        assert_eq!(c.get(&Bucket::Rejected), 2);
    }

    #[test]
    fn needed_fields_follow_the_tables() {
        let body = ClaimRequest {
            tracking_number: "T".into(),
            contents_description: Some("Vase".into()),
            parcel_exterior_description: Some("Brown box".into()),
            parcel_dimensions: Some(Dimensions { length: 1.0, width: 1.0, height: 1.0 }),
            additional_remarks: Some("x".into()),
            ..Default::default()
        };
        let keys = |n: Vec<NeededField>| n.into_iter().map(|f| f.key).collect::<Vec<_>>();
        assert_eq!(
            keys(needed_fields(ClaimType::Lost, Some(ParcelKind::SendcloudRates), &body, true)),
            ["contents_sales_price", "sales_invoice", "purchase_invoice", "carrier_claim_form"]
        );
        assert!(needed_fields(ClaimType::Lost, Some(ParcelKind::OwnContract), &body, false).is_empty());
        assert_eq!(keys(needed_fields(ClaimType::Lost, None, &body, true)), ["parcel_kind"]);
        let given = ShopCompletion { purchase_invoice: Some(FileRef { file_token: "f".into() }), ..Default::default() };
        assert_eq!(given.given(), [ClaimField::PurchaseInvoice]);
    }
}
