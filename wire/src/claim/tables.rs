//! The spec's tables: the fields each claim type has, and which of them a
//! parcel kind requires (see `docs/claim-types.md` for the inferred rows).

use super::{ClaimField, ClaimType, ParcelKind};

impl ClaimType {
    /// The fields the spec defines for this claim type (any parcel kind), in
    /// the spec's order.
    pub fn fields(self) -> &'static [ClaimField] {
        use ClaimField::*;
        match self {
            ClaimType::Lost => &[
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
            ],
            ClaimType::Damage => &[
                TrackingNumber,
                CarrierContractId,
                ContentsSalesPrice,
                ContentsPurchasePrice,
                ContentsDescription,
                ParcelExteriorDescription,
                AdditionalRemarks,
                CustomerConfirmation,
                SalesInvoice,
                PurchaseInvoice,
                ExteriorPhoto,
                InteriorPhoto,
                DamagePhoto1,
                DamagePhoto2,
                PackagePhoto,
                EntireProductPhoto,
            ],
            ClaimType::DeliveredNotReceived => &[
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
                CarrierClaimForm,
            ],
            ClaimType::LateDelivery => &[TrackingNumber, CarrierContractId, AdditionalRemarks],
            ClaimType::UnjustReturn => &[TrackingNumber, CarrierContractId, IsParcelReturned, AdditionalDetails],
            ClaimType::AddressChange => &[TrackingNumber, CarrierContractId, NewAddress, AdditionalDetails],
            ClaimType::Other => &[TrackingNumber, CarrierContractId, Subject, Question],
        }
    }
}

/// The spec's `required` list for one claim type and parcel kind.
pub fn required_fields(claim: ClaimType, kind: ParcelKind) -> &'static [ClaimField] {
    use ClaimField::*;
    match (claim, kind) {
        (ClaimType::AddressChange, _) => &[TrackingNumber, NewAddress],
        (ClaimType::Other, _) => &[TrackingNumber, Subject, Question],
        (_, ParcelKind::OwnContract) => &[TrackingNumber],
        (ClaimType::Lost, ParcelKind::SendcloudRates) => &[
            TrackingNumber,
            ContentsSalesPrice,
            ContentsDescription,
            ParcelExteriorDescription,
            ParcelDimensions,
            AdditionalRemarks,
            SalesInvoice,
            PurchaseInvoice,
            CustomerConfirmation,
            CarrierClaimForm,
        ],
        (ClaimType::Damage, ParcelKind::SendcloudRates) => &[
            TrackingNumber,
            ContentsSalesPrice,
            ContentsDescription,
            ParcelExteriorDescription,
            AdditionalRemarks,
            CustomerConfirmation,
            SalesInvoice,
            PurchaseInvoice,
            ExteriorPhoto,
            InteriorPhoto,
            DamagePhoto1,
            DamagePhoto2,
            PackagePhoto,
            EntireProductPhoto,
        ],
        (ClaimType::DeliveredNotReceived, ParcelKind::SendcloudRates) => &[
            TrackingNumber,
            ContentsSalesPrice,
            ContentsDescription,
            ParcelExteriorDescription,
            ParcelDimensions,
            AdditionalRemarks,
            SalesInvoice,
            PurchaseInvoice,
            CarrierClaimForm,
        ],
        // Not offered for Sendcloud-rates parcels (`ClaimType::offered_for`).
        (ClaimType::LateDelivery, ParcelKind::SendcloudRates) => &[TrackingNumber],
        (ClaimType::UnjustReturn, ParcelKind::SendcloudRates) => &[TrackingNumber, IsParcelReturned, AdditionalDetails],
    }
}

/// The fields a body of this type and kind may carry: the claim type's
/// fields, less `carrier_contract_id` for Sendcloud-rates parcels (only the
/// own-contract variants define it).
pub fn allowed(claim: ClaimType, kind: ParcelKind, field: ClaimField) -> bool {
    claim.fields().contains(&field) && !(kind == ParcelKind::SendcloudRates && field == ClaimField::CarrierContractId)
}
