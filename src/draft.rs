//! Drafts in the browser's localStorage: what the customer typed and the
//! tokens of finished uploads survive a reload or a crashed tab. File
//! contents are never stored, only upstream's tokens and the file names.

use serde::{de::DeserializeOwned, Serialize};

fn storage() -> Option<web_sys::Storage> {
    // Storage can be disabled (privacy settings): drafts are then simply off.
    web_sys::window()?.local_storage().ok()?
}

/// The storage key of a draft: one per proxy URL and form.
pub fn key(proxy_url: &str, form: &str) -> String {
    format!("parcel-desk:draft:v1:{proxy_url}:{form}")
}

/// The claim form's draft key for the proxy at `proxy_base` (the form and
/// the split build's first step, which shows "Loading…" when one waits).
pub fn claim_key(proxy_base: &str) -> String {
    key(proxy_base, "customer-claim")
}

/// The draft kept under `key`, as stored.
fn read(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Whether a draft is kept under `key`.
pub fn stored(key: &str) -> bool {
    read(key).is_some()
}

pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    crate::json::from_str(&read(key)?)
}

pub fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(s), Some(text)) = (storage(), crate::json::to_string(value)) {
        let _ = s.set_item(key, &text);
    }
}

pub fn clear(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}
