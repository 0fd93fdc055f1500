//! The page's address bar as the status view's state, so that a reload or
//! a shared link opens the same claim: `view=status&ref=<reference or
//! claim id>` in the query, written with `history.replaceState` (no new
//! history entry). Only where the widget owns the page's URL: the
//! standalone page, whose `<parcel-desk options-from-url>` reads its
//! options from that URL (the element passes `syncUrl`). A widget embedded
//! in a shop's page never rewrites the shop's URL.
//!
//! The access token never goes into the query: the claim's token is in
//! sessionStorage ([`super::store`]); a `#token=` fragment (an old status
//! link) and the `ticket` parameter are taken out once the claim shows.

use wasm_bindgen::{JsCast, JsValue};

fn replace_state(url: &str) {
    let Some(window) = web_sys::window() else { return };
    let Ok(history) = js_sys::Reflect::get(&window, &JsValue::from_str("history")) else { return };
    let Ok(replace) = js_sys::Reflect::get(&history, &JsValue::from_str("replaceState")) else { return };
    if let Ok(replace) = replace.dyn_into::<js_sys::Function>() {
        let _ = replace.call3(&history, &JsValue::NULL, &JsValue::from_str(""), &JsValue::from_str(url));
    }
}

/// The page's URL with its query changed by `change`; the fragment kept
/// unless it carries a token.
fn rewrite(change: impl FnOnce(&web_sys::UrlSearchParams)) {
    let Some(href) = web_sys::window().and_then(|w| w.location().href().ok()) else { return };
    let Ok(url) = web_sys::Url::new(&href) else { return };
    let params = url.search_params();
    change(&params);
    url.set_search(&String::from(params.to_string()));
    if web_sys::UrlSearchParams::new_with_str(url.hash().trim_start_matches('#')).is_ok_and(|p| p.has("token")) {
        url.set_hash("");
    }
    let next = url.href();
    if next != href {
        replace_state(&next);
    }
}

/// The status view shows the claim `reference` (or claim id).
pub fn show_claim(reference: &str) {
    rewrite(|p| {
        p.set("view", "status");
        p.delete("ticket");
        p.set("ref", reference);
    });
}

/// The status view shows its look-up form again (another claim).
pub fn forget_claim() {
    rewrite(|p| {
        p.set("view", "status");
        p.delete("ticket");
        p.delete("ref");
    });
}
