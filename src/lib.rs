//! parcel-desk: an embeddable customer-service widget for web shops.
//!
//! The widget mounts into any element it is given, inside that element's
//! shadow root, so the shop's CSS cannot reach it and its CSS cannot leak
//! out. Styles come from one constructable stylesheet shared by every
//! instance on the page. Every call goes to the merchant's proxy URL; the
//! widget holds no credential.
//!
//! From JavaScript: `mount(element, { proxyUrl, view, lang, trackingNumber })`
//! returns a handle whose `unmount()` removes the widget again. The
//! `<parcel-desk>` custom element (`js/parcel-desk-element.js`) is a thin
//! wrapper around exactly that.

pub mod api;
pub mod claim;
#[cfg(feature = "contact")]
pub mod contact;
// Run by build.rs; in the crate only for its tests.
#[cfg(test)]
mod css_min;
pub mod draft;
pub mod events;
pub mod fields;
pub mod format;
pub mod i18n;
pub mod json;
#[cfg(feature = "staff")]
pub mod staff;
#[cfg(feature = "status")]
pub mod status;
pub mod tracking;
pub mod upload;

use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::api::Proxy;
use crate::i18n::{Lang, Texts};
use parcel_desk_wire::ClaimType;

/// The widget's stylesheet, compiled in so it can be adopted by shadow roots
/// (works under a strict `style-src`, no `<style>` or inline styles):
/// `style/widget.css`, minified at build time (`build.rs`, `src/css_min.rs`).
pub const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.css"));

/// What every component of one widget instance shares.
#[derive(Clone)]
pub struct Ctx {
    pub proxy: Proxy,
    pub lang: Lang,
    pub texts: &'static Texts,
    /// Where the status page lives, for links customers can bookmark
    /// (default: the current page).
    pub status_page: Option<String>,
    /// Prefill for the order number.
    pub order_number: Option<String>,
    /// Prefill for the customer's name.
    pub customer_name: Option<String>,
    /// Prefill for the customer's e-mail address (kept for the claim form).
    pub email: Option<String>,
    /// The order's items (kept for the claim form).
    pub items: Vec<OrderItem>,
    /// True when the widget owns the page's URL (the standalone page,
    /// `syncUrl`): the status view keeps `view=status&ref=…` in the
    /// address bar (`history.replaceState`), never the access token.
    pub sync_url: bool,
}

/// One item of the order, as the host page passes it (`items` option).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct OrderItem {
    pub name: String,
    pub quantity: u32,
}

/// The widget's views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// File a claim (lost or damaged).
    Claim,
    /// Follow a claim.
    Status,
    /// Track a parcel.
    Track,
    /// Ask the shop (JTL-SCX).
    Contact,
    /// Shop staff: register a parcel shipped outside Sendcloud.
    Staff,
}

impl View {
    pub fn name(self) -> &'static str {
        match self {
            View::Claim => "claim",
            View::Status => "status",
            View::Track => "track",
            View::Contact => "contact",
            View::Staff => "staff",
        }
    }

    /// False for views left out of this build (cargo features).
    pub fn compiled_in(self) -> bool {
        match self {
            View::Claim => true,
            View::Status => cfg!(feature = "status"),
            View::Track => cfg!(feature = "track"),
            View::Contact => cfg!(feature = "contact"),
            View::Staff => cfg!(feature = "staff"),
        }
    }

    pub fn from_name(name: &str) -> Option<View> {
        match name {
            "claim" => Some(View::Claim),
            "status" => Some(View::Status),
            "track" => Some(View::Track),
            "contact" => Some(View::Contact),
            "staff" => Some(View::Staff),
            _ => None,
        }
    }

    /// Why the `view` option `name` cannot be shown by this build, if it
    /// cannot: an unknown name, or a view left out (the claim-only build).
    pub fn option_error(name: &str) -> Option<String> {
        const ALL: [View; 5] = [View::Claim, View::Status, View::Track, View::Contact, View::Staff];
        let names = |built: bool| {
            ALL.iter().filter(|v| !built || v.compiled_in()).map(|v| v.name()).collect::<Vec<_>>().join(", ")
        };
        match View::from_name(name) {
            None => Some(format!("parcel-desk: unknown view \"{name}\" (one of: {})", names(false))),
            Some(view) if !view.compiled_in() => {
                Some(format!("parcel-desk: view \"{name}\" is not in this build of the widget, which has only: {} (use the full build for every view)", names(true)))
            }
            Some(_) => None,
        }
    }
}

/// A ticket the customer may read: its reference and the proxy's token.
#[derive(Clone, Debug, PartialEq)]
pub struct TicketRef {
    pub id: String,
    pub token: Option<String>,
}

/// Moving between views inside one widget, without retyping anything.
#[derive(Clone, Copy)]
pub struct Nav {
    pub view: RwSignal<View>,
    pub ticket: RwSignal<Option<TicketRef>>,
    /// The customer's claim reference (`PD-4K7Q-2M`) of `ticket`, when it
    /// has one; without a ticket, the reference that prefills the status
    /// view's look-up (a link or reload with `ref` but no remembered token).
    pub reference: RwSignal<Option<String>>,
}

/// Options of one widget instance; the custom element's attributes and the
/// standalone page's URL parameters map onto these.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct Options {
    /// Base URL of the merchant's proxy, e.g. `/parcel-desk-api`.
    pub proxy_url: Option<String>,
    /// `claim` (default) or `status`.
    pub view: Option<String>,
    /// For the claim view: what happened, preselected, as a claim type
    /// (`lost`, `damage`, `delivered-but-not-received`, `late-delivery`,
    /// `unjust-return`, `address-change`, `other`); absent: the customer
    /// picks.
    pub claim_type: Option<String>,
    /// Language tag; else the page's `<html lang>`, else the browser's.
    pub lang: Option<String>,
    /// Prefill for the tracking number.
    pub tracking_number: Option<String>,
    /// Prefill for the order number (status lookup, contact).
    pub order_number: Option<String>,
    /// Prefill for the customer's e-mail address.
    pub email: Option<String>,
    /// Prefill for the customer's name (contact).
    pub name: Option<String>,
    /// The order's items: a JSON array of `{"name": "…", "quantity": 1}`
    /// (the JS API also takes the array itself).
    pub items: Option<String>,
    /// For the status view: the ticket (UUID from the claim, or number).
    pub ticket: Option<String>,
    /// The proxy's access token for `ticket` (from a status link).
    pub token: Option<String>,
    /// For the status view: a claim reference (`PD-4K7Q-2M`) or claim id
    /// (URL parameter `ref`). Opens the claim when this browser tab
    /// remembers its token, else prefills the look-up by reference.
    pub reference: Option<String>,
    /// `true`: the widget owns the page's URL and keeps the status view's
    /// state in it (`view=status&ref=…`, never the token). The standalone
    /// page's `<parcel-desk options-from-url>` sets it; a widget embedded
    /// in a shop's page leaves the shop's URL alone.
    pub sync_url: Option<String>,
    /// URL of the merchant's status page, used in bookmarkable links.
    pub status_page_url: Option<String>,
    /// `light` (also when absent), `dark`, or `auto` to follow the
    /// visitor's `prefers-color-scheme`.
    pub theme: Option<String>,
}

impl Options {
    /// The `items` option, read: none when absent or blank.
    pub fn order_items(&self) -> Result<Vec<OrderItem>, String> {
        match self.items.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(Vec::new()),
            Some(text) => json::from_str::<Vec<OrderItem>>(text).ok_or_else(|| {
                "parcel-desk: invalid options: items must be a JSON array of {\"name\": text, \"quantity\": whole number} objects".to_owned()
            }),
        }
    }
}

/// Sorts a short list stably (insertion sort). The lists sorted here have a
/// few dozen entries at most, and the standard library's sort compiles to
/// about 4 KB of wasm per element type.
pub(crate) fn sort_small<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    for i in 1..items.len() {
        let mut j = i;
        while j > 0 && less(&items[j], &items[j - 1]) {
            items.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// The proxy URL used when none is configured.
pub const DEFAULT_PROXY_URL: &str = "/api";

fn pick_lang(option: Option<&str>) -> Lang {
    let page = || {
        let doc = web_sys::window()?.document()?.document_element()?;
        doc.get_attribute("lang")
    };
    let browser = || web_sys::window()?.navigator().language();
    option
        .and_then(Lang::from_tag)
        .or_else(|| page().as_deref().and_then(Lang::from_tag))
        .or_else(|| browser().as_deref().and_then(Lang::from_tag))
        .unwrap_or(Lang::En)
}

/// The whole widget for one set of options.
#[component]
pub fn Widget(options: Options) -> impl IntoView {
    // A language whose file was not loaded (see `addLanguage`) shows English.
    let lang = Some(pick_lang(options.lang.as_deref())).filter(|l| l.loaded().is_some()).unwrap_or(Lang::En);
    let proxy = Proxy::new(options.proxy_url.as_deref().unwrap_or(DEFAULT_PROXY_URL));
    #[cfg(feature = "status")]
    let (ticket, reference) =
        status::initial(proxy.base(), options.ticket.clone(), options.token.clone(), options.reference.clone());
    #[cfg(not(feature = "status"))]
    let (ticket, reference): (Option<TicketRef>, Option<String>) = (None, None);
    provide_context(Ctx {
        proxy,
        lang,
        texts: lang.texts(),
        status_page: options.status_page_url.clone(),
        order_number: options.order_number.clone(),
        customer_name: options.name.clone(),
        email: options.email.clone(),
        items: options.order_items().unwrap_or_default(),
        sync_url: options.sync_url.as_deref() == Some("true"),
    });
    let nav = Nav {
        view: RwSignal::new(options.view.as_deref().and_then(View::from_name).unwrap_or(View::Claim)),
        ticket: RwSignal::new(ticket),
        reference: RwSignal::new(reference),
    };
    provide_context(nav);
    let claim_type = options.claim_type.as_deref().and_then(|c| match c {
        "damaged" => Some(ClaimType::Damage),
        c => ClaimType::from_segment(c),
    });
    let tracking = options.tracking_number.unwrap_or_default();
    #[cfg(feature = "contact")]
    let order_number = options.order_number.clone().unwrap_or_default();
    let root = NodeRef::<leptos::html::Div>::new();
    let t = lang.texts();
    let tabs: Vec<(View, &'static str)> = [
        (View::Claim, t.nav_claim),
        (View::Status, t.nav_status),
        (View::Track, t.nav_track),
        (View::Contact, t.nav_contact),
    ]
    .into_iter()
    .filter(|(v, _)| v.compiled_in())
    .collect();
    let emitter = events::Emitter { root };
    provide_context(emitter);
    // Tell the host page when the customer moves between views.
    Effect::new(move |previous: Option<View>| {
        let view = nav.view.get();
        if previous.is_some_and(|p| p != view) {
            emitter.emit("parcel-desk:view-change", &[("view", events::text(view.name()))]);
        }
        view
    });
    let theme = match options.theme.as_deref() {
        Some("dark") => "pd-root pd-theme-dark",
        Some("auto") => "pd-root pd-theme-auto",
        _ => "pd-root pd-theme-light",
    };
    view! {
        <div class=theme part="root" lang=lang.tag() node_ref=root>
            // Tabs to the views this build has; none when it has only one
            // (the claim-only build).
            {(tabs.len() > 1).then(|| view! {
                <nav class="pd-nav" part="nav" aria-label=t.nav_label>
                    {tabs.into_iter()
                        .map(|(v, label)| view! {
                            <button type="button" class="pd-tab" part="tab" aria-pressed=move || (nav.view.get() == v).to_string()
                                on:click=move |_| nav.view.set(v)>{label}</button>
                        })
                        .collect_view()}
                </nav>
            })}
            {move || match nav.view.get() {
                #[cfg(feature = "status")]
                View::Status => view! { <status::StatusView /> }.into_any(),
                #[cfg(feature = "track")]
                View::Track => view! { <tracking::TrackView tracking_number=tracking.clone() /> }.into_any(),
                #[cfg(feature = "staff")]
                View::Staff => view! { <staff::StaffView /> }.into_any(),
                #[cfg(feature = "contact")]
                View::Contact => view! { <contact::ContactView order_number=order_number.clone() /> }.into_any(),
                _ => view! {
                    <claim::ClaimForm claim_type=claim_type tracking_number=tracking.clone() />
                }.into_any(),
            }}
        </div>
    }
}

thread_local! {
    static SHEET: CssStyleSheet = {
        let sheet = CssStyleSheet::new().expect_throw("constructable stylesheets are not supported");
        sheet.replace_sync(CSS).expect_throw("widget stylesheet");
        sheet
    };
}

/// A mounted widget. Dropping the handle (or calling `unmount`) removes the
/// widget's DOM and frees its state.
#[wasm_bindgen]
pub struct MountedWidget {
    handle: Option<Box<dyn std::any::Any>>,
    container: HtmlElement,
}

#[wasm_bindgen]
impl MountedWidget {
    /// Removes the widget from the page and frees its state.
    pub fn unmount(&mut self) {
        self.handle.take();
        self.container.remove();
    }
}

fn shadow_of(host: &HtmlElement) -> Result<ShadowRoot, JsValue> {
    match host.shadow_root() {
        Some(root) => Ok(root),
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)),
    }
}

/// The language tag (`de`, …) a widget with the `lang` option `lang` would
/// show but whose texts are not loaded yet: fetch `i18n/<tag>.json` and hand
/// it to [`add_language`] before mounting. `undefined` when nothing is
/// missing (English is compiled in).
#[wasm_bindgen(js_name = languageToLoad)]
pub fn language_to_load(lang: Option<String>) -> Option<String> {
    let lang = pick_lang(lang.as_deref());
    lang.loaded().is_none().then(|| lang.tag().to_owned())
}

/// Makes a language available: `json` is the text of `i18n/<tag>.json`.
/// Throws, naming the fields, if the file is not a complete language.
#[wasm_bindgen(js_name = addLanguage)]
pub fn add_language(tag: &str, json: &str) -> Result<(), JsValue> {
    let lang = Lang::from_tag(tag).ok_or_else(|| {
        JsValue::from_str(&format!("parcel-desk: unsupported language \"{tag}\" (en, de, nl, fr, es, it)"))
    })?;
    i18n::add(lang, json).map(|_| ()).map_err(|e| JsValue::from_str(&format!("parcel-desk: language file {tag}: {e}")))
}

/// Why `options` are not [`Options`]: every option is a string.
fn options_error(options: &JsValue) -> String {
    if !options.is_object() || js_sys::Array::is_array(options) {
        return "parcel-desk: invalid options: expected an object such as { proxyUrl: '/api' }".into();
    }
    let wrong: Vec<String> = js_sys::Object::entries(options.unchecked_ref())
        .iter()
        .filter_map(|entry| {
            let entry: js_sys::Array = entry.unchecked_into();
            let value = entry.get(1);
            let ok = value.is_string() || value.is_null() || value.is_undefined();
            (!ok).then(|| {
                format!(
                    "{} (a {})",
                    entry.get(0).as_string().unwrap_or_default(),
                    value.js_typeof().as_string().unwrap_or_default()
                )
            })
        })
        .collect();
    format!("parcel-desk: invalid options: each option is a string; not: {}", wrong.join(", "))
}

/// `items` given as an array (the JS API) becomes its JSON text, like the
/// attribute, in a copy of `options` (the caller's object is left alone).
fn items_as_text(options: JsValue) -> JsValue {
    let key = JsValue::from_str("items");
    let Ok(items) = js_sys::Reflect::get(&options, &key) else { return options };
    let Some(text) = js_sys::Array::is_array(&items).then(|| js_sys::JSON::stringify(&items).ok()).flatten() else {
        return options;
    };
    let copy: JsValue = js_sys::Object::assign(&js_sys::Object::new(), options.unchecked_ref()).into();
    let _ = js_sys::Reflect::set(&copy, &key, &text);
    copy
}

/// Mounts a widget into `host`'s shadow root (created when missing).
/// `options` is a plain object (`{ proxyUrl, view, lang, trackingNumber }`)
/// or `undefined`.
#[wasm_bindgen]
pub fn mount(host: HtmlElement, options: JsValue) -> Result<MountedWidget, JsValue> {
    let options: Options = if options.is_undefined() || options.is_null() {
        Options::default()
    } else {
        let options = items_as_text(options);
        json::from_value(options.clone()).ok_or_else(|| JsValue::from_str(&options_error(&options)))?
    };
    if let Some(error) = options.view.as_deref().and_then(View::option_error) {
        return Err(JsValue::from_str(&error));
    }
    options.order_items().map_err(|e| JsValue::from_str(&e))?;
    let root = shadow_of(&host)?;
    SHEET.with(|sheet| root.set_adopted_style_sheets(&js_sys::Array::of1(sheet)));
    let document = host.owner_document().ok_or_else(|| JsValue::from_str("parcel-desk: element has no document"))?;
    let container: HtmlElement = document.create_element("div")?.unchecked_into();
    container.set_class_name("pd-host");
    root.append_child(&container)?;
    let handle = leptos::mount::mount_to(container.clone(), move || view! { <Widget options=options /> });
    Ok(MountedWidget { handle: Some(Box::new(handle)), container })
}

#[cfg(test)]
mod tests {
    use super::View;

    #[test]
    fn a_view_the_build_cannot_show_is_named() {
        assert_eq!(View::option_error("claim"), None);
        assert_eq!(
            View::option_error("stauts").as_deref(),
            Some("parcel-desk: unknown view \"stauts\" (one of: claim, status, track, contact, staff)")
        );
        let status = View::option_error("status");
        if cfg!(feature = "status") {
            assert_eq!(status, None);
        } else {
            assert_eq!(
                status.as_deref(),
                Some("parcel-desk: view \"status\" is not in this build of the widget, which has only: claim (use the full build for every view)")
            );
        }
    }

    #[test]
    fn short_lists_sort_stably() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f')];
        super::sort_small(&mut items, |a, b| a.0 < b.0);
        assert_eq!(items, [(0, 'f'), (1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut empty: Vec<u8> = Vec::new();
        super::sort_small(&mut empty, |a, b| a < b);
        let mut newest_first = vec![Some("2026-01-02"), None, Some("2026-01-03"), Some("2026-01-01")];
        super::sort_small(&mut newest_first, |a, b| a > b);
        assert_eq!(newest_first, [Some("2026-01-03"), Some("2026-01-02"), Some("2026-01-01"), None]);
    }
}
