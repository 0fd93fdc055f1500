//! What the status view keeps for this browser tab (sessionStorage, gone
//! when the tab closes): per proxy URL and claim id the access token, the
//! claim's reference and the furthest progress step seen; and per proxy URL
//! and reference the claim id. The token never goes into the page's URL
//! query; a reload finds it here.

use parcel_desk_wire::reference::Reference;
use serde::{Deserialize, Serialize};

use super::phase::Step;

/// One claim as remembered.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Remembered {
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub reference: Option<String>,
    /// [`Step::index`] of the furthest step shown.
    #[serde(default)]
    pub step: Option<u8>,
}

impl Remembered {
    pub fn step(&self) -> Option<Step> {
        self.step.and_then(Step::from_index)
    }
}

fn storage() -> Option<web_sys::Storage> {
    // Storage can be disabled (privacy settings): nothing is remembered then.
    web_sys::window()?.session_storage().ok()?
}

/// A reference as the proxy prints it (`PD-4K7Q-2M`), whatever the case and
/// spacing typed; `None` when it cannot be a reference.
pub fn canonical(reference: &str) -> Option<String> {
    Reference::parse(reference).map(|r| r.to_string())
}

fn claim_key(proxy: &str, claim_id: &str) -> String {
    format!("parcel-desk:claim:v1:{}:{}", proxy.trim_end_matches('/'), claim_id.trim())
}

fn reference_key(proxy: &str, reference: &str) -> String {
    format!("parcel-desk:ref:v1:{}:{reference}", proxy.trim_end_matches('/'))
}

/// What this tab remembers about a claim.
pub fn load(proxy: &str, claim_id: &str) -> Remembered {
    storage()
        .and_then(|s| s.get_item(&claim_key(proxy, claim_id)).ok().flatten())
        .and_then(|text| crate::json::from_str(&text))
        .unwrap_or_default()
}

/// Changes what this tab remembers about a claim.
pub fn update(proxy: &str, claim_id: &str, change: impl FnOnce(&mut Remembered)) {
    let Some(s) = storage() else { return };
    let mut record = load(proxy, claim_id);
    let before = record.clone();
    change(&mut record);
    if record == before {
        return;
    }
    if let Some(reference) = record.reference.as_deref() {
        let _ = s.set_item(&reference_key(proxy, reference), claim_id.trim());
    }
    if let Some(text) = crate::json::to_string(&record) {
        let _ = s.set_item(&claim_key(proxy, claim_id), &text);
    }
}

/// The claim id and token this tab remembers for `reference_or_id` (a
/// reference as typed, or a claim id itself).
pub fn find(proxy: &str, reference_or_id: &str) -> Option<(String, Remembered)> {
    let by_reference = canonical(reference_or_id)
        .and_then(|reference| storage()?.get_item(&reference_key(proxy, &reference)).ok().flatten());
    // (A ticket number of six digits also reads as a reference.)
    [by_reference, Some(reference_or_id.trim().to_owned())].into_iter().flatten().find_map(|id| {
        let record = load(proxy, &id);
        record.token.is_some().then_some((id, record))
    })
}
