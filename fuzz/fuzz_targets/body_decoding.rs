//! Claim and contact bodies as the proxy decodes them (first byte: which
//! one): never a panic; a body that decodes and validates re-serializes to
//! JSON that decodes to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcel_desk_wire::claim_body::decode_claim;
use parcel_desk_wire::jtl::decode_contact;
use parcel_desk_wire::{validate, ClaimType, ParcelKind};

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else { return };
    if which % 2 == 0 {
        if let Ok(claim) = decode_claim(body) {
            for t in [ClaimType::Lost, ClaimType::Damage] {
                for k in [ParcelKind::OwnContract, ParcelKind::SendcloudRates] {
                    let _ = validate(t, k, &claim);
                }
            }
            let json = serde_json::to_vec(&claim).expect("a decoded claim encodes");
            let again = decode_claim(&json).unwrap_or_else(|_| panic!("re-encoded claim does not decode"));
            assert_eq!(again, claim);
        }
    } else if let Ok(contact) = decode_contact(body) {
        let _ = contact.validate();
        let json = serde_json::to_vec(&contact).expect("a decoded contact encodes");
        assert_eq!(decode_contact(&json).ok(), Some(contact));
    }
});
