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

#![deny(missing_docs)]

// The public API: the components and their options (`components`), the
// events and callbacks (`events`), the JS entry points below.
mod components;
pub mod events;

// Internals. Public only for the crate's own in-browser tests
// (tests/web.rs); hidden from the docs, no semver promise.
#[doc(hidden)]
pub mod api;
#[doc(hidden)]
pub mod claim;
#[cfg(feature = "contact")]
#[doc(hidden)]
pub mod contact;
// Run by build.rs; in the crate only for its tests.
#[cfg(test)]
mod css_min;
#[doc(hidden)]
pub mod draft;
#[doc(hidden)]
pub mod fields;
#[doc(hidden)]
pub mod first;
#[doc(hidden)]
pub mod format;
#[doc(hidden)]
pub mod i18n;
#[doc(hidden)]
pub mod json;
#[cfg(feature = "split")]
mod lazy;
#[cfg(feature = "staff")]
#[doc(hidden)]
pub mod staff;
#[cfg(feature = "status")]
#[doc(hidden)]
pub mod status;
#[doc(hidden)]
pub mod tracking;
#[doc(hidden)]
pub mod upload;

#[cfg(feature = "status")]
pub use components::ClaimStatus;
#[cfg(feature = "contact")]
pub use components::ContactShop;
#[cfg(feature = "staff")]
pub use components::StaffDesk;
#[cfg(feature = "track")]
pub use components::TrackParcel;
pub use components::{ClaimForm, ParcelDesk, ParcelDeskOptions, Prefill, Theme};
pub use events::{Submitted, SubmittedKind, WidgetError};
pub use i18n::Lang;
pub use parcel_desk_wire::ClaimType;

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

use crate::api::Proxy;
use crate::i18n::Texts;

/// The widget's stylesheet, compiled in so it can be adopted by shadow roots
/// (works under a strict `style-src`, no `<style>` or inline styles):
/// `style/widget.css`, minified at build time (`build.rs`, `src/css_min.rs`).
pub const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.css"));

/// The rules the sheet starts with. The split build compiles in only those
/// that can match what its shell renders (`build.rs`; the stylesheet's other
/// rules name classes only the modules' code uses): the complete
/// stylesheet comes with the modules' texts ([`complete_sheet`]).
#[cfg(feature = "split")]
const SHELL_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.shell.css"));
#[cfg(not(feature = "split"))]
const SHELL_CSS: &str = CSS;

/// What every component of one widget instance shares (internal).
#[doc(hidden)]
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
    /// The item's name, as the order shows it.
    pub name: String,
    /// How many were ordered.
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
    /// The view's name in the `view` option: `claim`, `status`, `track`,
    /// `contact`, `staff`.
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

    /// The view of a `view` option's value; `None` for an unknown name.
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

/// A ticket the customer may read: its reference and the proxy's token
/// (internal).
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq)]
pub struct TicketRef {
    pub id: String,
    pub token: Option<String>,
}

/// Moving between views inside one widget, without retyping anything
/// (internal).
#[doc(hidden)]
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

impl Options {
    /// These options as the components' typed options.
    pub fn desk_options(&self) -> ParcelDeskOptions {
        let mut o = ParcelDeskOptions::default()
            .proxy_url(self.proxy_url.as_deref().unwrap_or(DEFAULT_PROXY_URL))
            .theme(match self.theme.as_deref() {
                Some("dark") => Theme::Dark,
                Some("auto") => Theme::Auto,
                _ => Theme::Light,
            })
            .sync_url(self.sync_url.as_deref() == Some("true"))
            .prefill(Prefill {
                order_number: self.order_number.clone(),
                email: self.email.clone(),
                name: self.name.clone(),
                items: self.order_items().unwrap_or_default(),
            });
        if let Some(lang) = self.lang.as_deref().and_then(Lang::from_tag) {
            o = o.lang(lang);
        }
        if let Some(url) = &self.status_page_url {
            o = o.status_page_url(url.clone());
        }
        o
    }
}

/// The views with a tab, in order, and their tabs' labels (a build with
/// only the claim form has none to switch to).
pub(crate) fn tabs(t: &Texts) -> Vec<(View, &'static str)> {
    [
        (View::Claim, t.nav_claim),
        (View::Status, t.nav_status),
        (View::Track, t.nav_track),
        (View::Contact, t.nav_contact),
    ]
    .into_iter()
    .filter(|(v, _)| v.compiled_in())
    .collect()
}

/// The `claimType` option, read (`damaged` also names a damage claim).
pub(crate) fn claim_type_option(options: &Options) -> Option<ClaimType> {
    options.claim_type.as_deref().and_then(|c| match c {
        "damaged" => Some(ClaimType::Damage),
        c => ClaimType::from_segment(c),
    })
}

/// The whole widget for one set of options: the views behind tabs, inside
/// a [`ParcelDesk`] (the custom element and the standalone page).
#[component]
pub fn Widget(
    /// The element's attributes or the page's URL parameters.
    options: Options,
) -> impl IntoView {
    let desk = options.desk_options();
    view! {
        <ParcelDesk options=desk>
            <Tabs options=options.clone() />
        </ParcelDesk>
    }
}

/// The tabs and the view they show.
#[component]
fn Tabs(options: Options) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let claim_type = claim_type_option(&options);
    // What the page asked the status view to open, as given: the view
    // resolves it (`status::open_asked`).
    let ticket = options.ticket.filter(|t| !t.trim().is_empty()).map(|id| TicketRef { id, token: options.token });
    let reference = options.reference;
    let asked = options.view.as_deref().and_then(View::from_name).unwrap_or(View::Claim);
    // The tab the customer moved to while the widget's code loaded
    // (`first`): the page hears of it as of any other move.
    let moved = use_context::<claim::Handed>().and_then(|h| h.view).filter(|v| *v != asked);
    let nav = Nav {
        view: RwSignal::new(moved.unwrap_or(asked)),
        ticket: RwSignal::new(ticket),
        reference: RwSignal::new(reference),
    };
    provide_context(nav);
    provide_context(components::Tabbed);

    let tracking = options.tracking_number.unwrap_or_default();
    #[cfg(any(feature = "contact", feature = "split"))]
    let order_number = options.order_number.clone().unwrap_or_default();
    let t = ctx.texts;
    let tabs = tabs(t);
    // Tell the host page when the customer moves between views.
    components::report_view_changes(nav, moved.map(|_| asked));
    // Once the first view is on the page, the browser loads the other
    // tabs' modules when it is idle (`requestIdleCallback` comes after
    // the first render).
    #[cfg(feature = "split")]
    lazy::prefetch_when_idle(tabs.iter().map(|(v, _)| *v).collect(), ctx.lang);
    view! {
        // Tabs to the views this build has; none when it has only one
        // (the claim-only build).
        {(tabs.len() > 1).then(|| view! {
            <nav class="pd-nav" part="nav" aria-label=t.nav_label>
                {tabs.into_iter()
                    .map(|(v, label)| view! {
                        <button type="button" class="pd-tab" part="tab" aria-pressed=move || (nav.view.get() == v).to_string()
                            on:click=move |_| {
                                #[cfg(feature = "split")]
                                lazy::prefetch(v);
                                nav.view.set(v)
                            }>{label}</button>
                    })
                    .collect_view()}
            </nav>
        })}
        {move || match nav.view.get() {
            // The release build of the full widget: each other view is its
            // own module, loaded when it is first shown (src/lazy.rs).
            #[cfg(feature = "split")]
            v if v != View::Claim => lazy::render(v, &tracking, &order_number)
                .unwrap_or_else(|| view! { <ClaimForm claim_type=claim_type tracking_number=tracking.clone() /> }.into_any()),
            #[cfg(feature = "status")]
            View::Status => view! { <ClaimStatus /> }.into_any(),
            #[cfg(feature = "track")]
            View::Track => view! { <TrackParcel tracking_number=tracking.clone() /> }.into_any(),
            #[cfg(feature = "staff")]
            View::Staff => view! { <StaffDesk /> }.into_any(),
            #[cfg(feature = "contact")]
            View::Contact => view! { <ContactShop order_number=order_number.clone() /> }.into_any(),
            _ => view! { <ClaimForm claim_type=claim_type tracking_number=tracking.clone() /> }.into_any(),
        }}
    }
}

thread_local! {
    static SHEET: CssStyleSheet = {
        let sheet = CssStyleSheet::new().expect_throw("constructable stylesheets are not supported");
        sheet.replace_sync(SHELL_CSS).expect_throw("widget stylesheet");
        sheet
    };
}

/// Replaces the shell's rules with the complete stylesheet (`css`, from
/// the modules' texts), in every widget on the page at once: they all
/// adopt the one sheet. The rules the shell had keep their order.
#[cfg(feature = "split")]
pub(crate) fn complete_sheet(css: &str) -> Result<(), JsValue> {
    SHEET.with(|sheet| sheet.replace_sync(css))
}

/// A mounted widget. Dropping the handle (or calling `unmount`) removes the
/// widget's DOM and frees its state.
#[wasm_bindgen]
pub struct MountedWidget {
    state: Rc<RefCell<Mounted>>,
    container: HtmlElement,
}

/// What a mounted widget is now.
enum Mounted {
    /// The claim form's first step, while the widget's code loads (the
    /// split build).
    #[cfg(feature = "split")]
    First(first::Light),
    /// The widget (the handle that unmounts it when dropped).
    Widget(#[allow(dead_code)] Box<dyn std::any::Any>),
    /// Unmounted.
    Gone,
}

#[wasm_bindgen]
impl MountedWidget {
    /// Removes the widget from the page and frees its state.
    pub fn unmount(&mut self) {
        *self.state.borrow_mut() = Mounted::Gone;
        self.container.remove();
    }
}

/// Gives `root` the widget's one shared stylesheet.
pub(crate) fn adopt_sheet(root: &ShadowRoot) {
    SHEET.with(|sheet| root.set_adopted_style_sheets(&js_sys::Array::of1(sheet)));
}

pub(crate) fn shadow_of(host: &HtmlElement) -> Result<ShadowRoot, JsValue> {
    match host.shadow_root() {
        Some(root) => Ok(root),
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)),
    }
}

/// The language tag (`de`, …) a widget with the `lang` option `lang` would
/// show but whose texts are not loaded yet: fetch `i18n/<tag>.json` and hand
/// it to [`add_language`] before mounting. `undefined` when nothing is
/// missing. (English is compiled in, except into the split build, which
/// names `en` too; if a file cannot be loaded, `languageToLoad("en")` says
/// whether English, the fallback, still has to be.)
#[wasm_bindgen(js_name = languageToLoad)]
pub fn language_to_load(lang: Option<String>) -> Option<String> {
    let lang = components::pick_lang(lang.as_deref().and_then(Lang::from_tag));
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

/// `options` (a JS object) as [`Options`], read field by field by their
/// JS names (less code than serde's reader, which the shell then does not
/// carry); `None` if one of them is neither a string nor absent (`null`,
/// `undefined`). Other fields are ignored.
fn read_options(options: &JsValue) -> Option<Options> {
    if !options.is_object() || js_sys::Array::is_array(options) {
        return None;
    }
    let get = |name: &str| -> Option<Option<String>> {
        let value = js_sys::Reflect::get(options, &JsValue::from_str(name)).ok()?;
        if value.is_undefined() || value.is_null() {
            Some(None)
        } else {
            value.as_string().map(Some)
        }
    };
    Some(Options {
        proxy_url: get("proxyUrl")?,
        view: get("view")?,
        claim_type: get("claimType")?,
        lang: get("lang")?,
        tracking_number: get("trackingNumber")?,
        order_number: get("orderNumber")?,
        email: get("email")?,
        name: get("name")?,
        items: get("items")?,
        ticket: get("ticket")?,
        token: get("token")?,
        reference: get("reference")?,
        sync_url: get("syncUrl")?,
        status_page_url: get("statusPageUrl")?,
        theme: get("theme")?,
    })
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
            let ok = value.is_string() || value.is_null_or_undefined();
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
    let (options, container, lang) = prepare(host, options)?;
    // The split build: the claim form's first step at once, in plain HTML
    // (`first`), and the widget (Leptos and every view) as soon as its
    // module is there.
    #[cfg(feature = "split")]
    let state = {
        let light = first::Light::show(&container, &options, lang)?;
        let state = Rc::new(RefCell::new(Mounted::First(light)));
        load_widget(state.clone(), container.clone(), options);
        state
    };
    #[cfg(not(feature = "split"))]
    let state = {
        let _ = lang;
        Rc::new(RefCell::new(Mounted::Widget(mount_widget(&container, options, None))))
    };
    Ok(MountedWidget { state, container })
}

/// `mount`'s options read and checked, and the empty container in
/// `host`'s shadow root; with the language whose texts the widget shows.
fn prepare(host: HtmlElement, options: JsValue) -> Result<(Options, HtmlElement, Lang), JsValue> {
    let options: Options = if options.is_undefined() || options.is_null() {
        Options::default()
    } else {
        let options = items_as_text(options);
        read_options(&options).ok_or_else(|| JsValue::from_str(&options_error(&options)))?
    };
    if let Some(error) = options.view.as_deref().and_then(View::option_error) {
        return Err(JsValue::from_str(&error));
    }
    options.order_items().map_err(|e| JsValue::from_str(&e))?;
    // The split build fetches English too: with neither the widget's
    // language nor English added, there is nothing to show.
    let lang = components::pick_lang(options.lang.as_deref().and_then(Lang::from_tag));
    if lang.loaded().is_none() && Lang::En.loaded().is_none() {
        return Err(JsValue::from_str(
            "parcel-desk: no texts loaded: before mount, pass i18n/<lang>.json to addLanguage(lang, text) (languageToLoad(lang) names the one missing)",
        ));
    }
    let root = shadow_of(&host)?;
    adopt_sheet(&root);
    let document = host.owner_document().ok_or_else(|| JsValue::from_str("parcel-desk: element has no document"))?;
    let container: HtmlElement = document.create_element("div")?.unchecked_into();
    container.set_class_name("pd-host");
    root.append_child(&container)?;
    // (As `ParcelDesk` picks: a language whose file was not added shows
    // English.)
    Ok((options, container, Some(lang).filter(|l| l.loaded().is_some()).unwrap_or(Lang::En)))
}

/// The widget in `container`; after the first step (`taken`), starting
/// from what the customer typed and chose there, with the focus where it
/// was and a submit that waited made again.
fn mount_widget(container: &HtmlElement, options: Options, taken: Option<first::Taken>) -> Box<dyn std::any::Any> {
    let handed = taken.as_ref().map(|t| t.handed.clone());
    let handle = leptos::mount::mount_to(container.clone(), move || {
        provide_context(components::InShadowRoot);
        if let Some(handed) = handed {
            provide_context(handed);
        }
        view! { <Widget options=options /> }
    });
    if let Some(taken) = taken {
        taken.resume(container);
    }
    Box::new(handle)
}

/// Loads the widget's module and hands the first step over to it; if it
/// cannot be loaded, the first step says so and offers to try again.
#[cfg(feature = "split")]
fn load_widget(state: Rc<RefCell<Mounted>>, container: HtmlElement, options: Options) {
    wasm_bindgen_futures::spawn_local(async move {
        if widget_module(state.clone(), container.clone(), options.clone()).await.is_ok() {
            return;
        }
        if let Mounted::First(light) = &*state.borrow() {
            let (state, container) = (state.clone(), container.clone());
            light.failed(Rc::new(move || load_widget(state.clone(), container.clone(), options.clone())));
        }
    });
}

/// The widget in place of the first step, unless it was unmounted
/// meanwhile. Its own module: the shell has no Leptos in it.
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(widget, wasm_split_path = ::leptos::wasm_split, fallible)]
fn widget_module(state: Rc<RefCell<Mounted>>, container: HtmlElement, options: Options) -> Result<(), lazy::NotLoaded> {
    let light = match std::mem::replace(&mut *state.borrow_mut(), Mounted::Gone) {
        Mounted::First(light) => light,
        other => {
            *state.borrow_mut() = other;
            return Ok(());
        }
    };
    let widget = mount_widget(&container, options, Some(light.take_over()));
    *state.borrow_mut() = Mounted::Widget(widget);
    Ok(())
}

/// The claim form's first step shown by itself, for the in-browser tests
/// (the split build's `mount` shows it, then loads the widget's module,
/// which cannot run without the split step).
#[doc(hidden)]
pub struct FirstStep {
    light: first::Light,
    container: HtmlElement,
    options: Options,
}

/// Shows what `mount` shows first in the split build (internal).
#[doc(hidden)]
pub fn show_first_step(host: HtmlElement, options: JsValue) -> Result<FirstStep, JsValue> {
    let (options, container, lang) = prepare(host, options)?;
    let light = first::Light::show(&container, &options, lang)?;
    Ok(FirstStep { light, container, options })
}

impl FirstStep {
    /// The widget in its place, as when its module arrives.
    pub fn hand_over(self) -> MountedWidget {
        let widget = mount_widget(&self.container, self.options, Some(self.light.take_over()));
        MountedWidget { state: Rc::new(RefCell::new(Mounted::Widget(widget))), container: self.container }
    }
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
