//! The widget as Leptos components, for a shop that is itself a Leptos app.
//!
//! One [`ParcelDesk`] provider holds what every view shares (the proxy URL,
//! the language, the theme, prefill data and the callbacks); inside it, any
//! of [`ClaimForm`], [`ClaimStatus`], [`TrackParcel`], [`ContactShop`] and
//! [`StaffDesk`] render one view each. The custom element and the
//! standalone page are built from exactly these components ([`crate::Widget`]).
//!
//! ```no_run
//! use leptos::prelude::*;
//! use parcel_desk::{ClaimForm, Lang, ParcelDesk, ParcelDeskOptions, Submitted};
//!
//! #[component]
//! fn ReportProblem() -> impl IntoView {
//!     let reference = RwSignal::new(None::<String>);
//!     let options = ParcelDeskOptions::default()
//!         .proxy_url("/parcel-desk-api")
//!         .lang(Lang::De)
//!         .on_submitted(move |s: Submitted| reference.set(s.reference));
//!     view! {
//!         <ParcelDesk options=options>
//!             <ClaimForm tracking_number="JJD0001" order_number="ORD-1001" />
//!         </ParcelDesk>
//!         <p>{move || reference.get().map(|r| format!("Claim {r} received"))}</p>
//!     }
//! }
//! ```
//!
//! Styles: the provider renders into its own shadow root (one shared
//! constructable stylesheet), so the widget's CSS never reaches the app and
//! the app's CSS never breaks the widget; theme it with the `--pd-*` custom
//! properties on the provider's element (class `pd-isolated`, or your own
//! through `class`).

use leptos::prelude::*;
use parcel_desk_wire::ClaimType;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::api::Proxy;
use crate::events::{Callbacks, Emitter, Submitted, WidgetError};
use crate::i18n::Lang;
use crate::{Ctx, Nav, OrderItem, View, DEFAULT_PROXY_URL};

/// The colour scheme.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Light (the default).
    #[default]
    Light,
    /// Dark.
    Dark,
    /// Follows the visitor's `prefers-color-scheme`.
    Auto,
}

impl Theme {
    fn class(self) -> &'static str {
        match self {
            Theme::Light => "pd-root pd-theme-light",
            Theme::Dark => "pd-root pd-theme-dark",
            Theme::Auto => "pd-root pd-theme-auto",
        }
    }
}

/// What the shop already knows about the customer and their order, to spare
/// them typing it. Every view may use it; a component's own props win.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prefill {
    /// The order number.
    pub order_number: Option<String>,
    /// The customer's e-mail address.
    pub email: Option<String>,
    /// The customer's name.
    pub name: Option<String>,
    /// The order's items: the claim form offers them as ticks for "what
    /// was in the parcel".
    pub items: Vec<OrderItem>,
}

impl Prefill {
    /// Sets the order number.
    pub fn order_number(mut self, v: impl Into<String>) -> Self {
        self.order_number = Some(v.into());
        self
    }
    /// Sets the customer's e-mail address.
    pub fn email(mut self, v: impl Into<String>) -> Self {
        self.email = Some(v.into());
        self
    }
    /// Sets the customer's name.
    pub fn name(mut self, v: impl Into<String>) -> Self {
        self.name = Some(v.into());
        self
    }
    /// Adds one item of the order.
    pub fn item(mut self, name: impl Into<String>, quantity: u32) -> Self {
        self.items.push(OrderItem { name: name.into(), quantity });
        self
    }
}

/// The options of a [`ParcelDesk`]: `Default` plus chained setters.
///
/// ```
/// use parcel_desk::{Lang, ParcelDeskOptions, Prefill, Theme};
///
/// let options = ParcelDeskOptions::default()
///     .proxy_url("https://shop.example/parcel-desk-api")
///     .lang(Lang::Nl)
///     .theme(Theme::Auto)
///     .prefill(Prefill::default().email("jo@example.com").item("Lamp", 1));
/// assert_eq!(options.get_proxy_url(), "https://shop.example/parcel-desk-api");
/// ```
#[derive(Clone, Debug)]
pub struct ParcelDeskOptions {
    proxy_url: String,
    lang: Option<Lang>,
    theme: Theme,
    status_page_url: Option<String>,
    sync_url: bool,
    prefill: Prefill,
    callbacks: Callbacks,
}

impl Default for ParcelDeskOptions {
    fn default() -> Self {
        ParcelDeskOptions {
            proxy_url: DEFAULT_PROXY_URL.to_owned(),
            lang: None,
            theme: Theme::Light,
            status_page_url: None,
            sync_url: false,
            prefill: Prefill::default(),
            callbacks: Callbacks::default(),
        }
    }
}

impl ParcelDeskOptions {
    /// The merchant's proxy: every call goes there (default `/api`).
    pub fn proxy_url(mut self, url: impl Into<String>) -> Self {
        self.proxy_url = url.into();
        self
    }
    /// The language; without it, the page's `<html lang>`, else the
    /// browser's, else English. A language other than English needs its
    /// texts loaded first ([`crate::add_language`]); until then it shows
    /// English.
    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = Some(lang);
        self
    }
    /// The colour scheme (default light).
    pub fn theme(mut self, theme: Theme) -> Self {
        self.theme = theme;
        self
    }
    /// Where the shop's claim-status page lives, for the links customers
    /// keep (default: the current page).
    pub fn status_page_url(mut self, url: impl Into<String>) -> Self {
        self.status_page_url = Some(url.into());
        self
    }
    /// `true`: the widget owns the page's URL and keeps the status view's
    /// state in it (`view=status&ref=…`, never a token). Only for a page
    /// that is nothing but the widget; default `false`.
    pub fn sync_url(mut self, on: bool) -> Self {
        self.sync_url = on;
        self
    }
    /// What the shop already knows (see [`Prefill`]).
    pub fn prefill(mut self, prefill: Prefill) -> Self {
        self.prefill = prefill;
        self
    }
    /// Called when a claim or a message was accepted.
    pub fn on_submitted(mut self, f: impl Fn(Submitted) + Send + Sync + 'static) -> Self {
        self.callbacks.on_submitted = Some(Callback::new(f));
        self
    }
    /// Called when a call failed and the customer was shown why.
    pub fn on_error(mut self, f: impl Fn(WidgetError) + Send + Sync + 'static) -> Self {
        self.callbacks.on_error = Some(Callback::new(f));
        self
    }
    /// Called when the customer moves to another view (the tabbed widget,
    /// or "Follow this claim" after a claim).
    pub fn on_view_change(mut self, f: impl Fn(View) + Send + Sync + 'static) -> Self {
        self.callbacks.on_view_change = Some(Callback::new(f));
        self
    }
    /// The proxy URL set.
    pub fn get_proxy_url(&self) -> &str {
        &self.proxy_url
    }
}

/// Set by [`crate::mount`]: the widget is already in a shadow root.
#[derive(Clone, Copy)]
pub(crate) struct InShadowRoot;

/// Set by [`crate::Widget`]: its tabs show the views, so a view that moves
/// on (the claim form's "Follow this claim") moves the tabs.
#[derive(Clone, Copy)]
pub(crate) struct Tabbed;

pub(crate) fn pick_lang(option: Option<Lang>) -> Lang {
    let page = || web_sys::window()?.document()?.document_element()?.get_attribute("lang");
    let browser = || web_sys::window()?.navigator().language();
    option
        .or_else(|| page().as_deref().and_then(Lang::from_tag))
        .or_else(|| browser().as_deref().and_then(Lang::from_tag))
        .unwrap_or(Lang::En)
}

/// The provider: what the views inside it share (proxy, language, theme,
/// prefill, callbacks), and their root element in a shadow root of its own.
///
/// ```no_run
/// use leptos::prelude::*;
/// use parcel_desk::{ClaimStatus, ParcelDesk, ParcelDeskOptions, Theme};
///
/// let _ = view! {
///     <ParcelDesk options=ParcelDeskOptions::default().theme(Theme::Dark)>
///         <ClaimStatus reference="PD-4K7Q-2M" />
///     </ParcelDesk>
/// };
/// ```
#[component]
pub fn ParcelDesk(
    /// Proxy, language, theme, prefill and callbacks; default: proxy `/api`,
    /// the page's language, light.
    #[prop(optional)]
    options: ParcelDeskOptions,
    /// The views: any of [`ClaimForm`], [`ClaimStatus`], [`TrackParcel`],
    /// [`ContactShop`], [`StaffDesk`].
    children: ChildrenFn,
) -> impl IntoView {
    // A language whose file was not loaded (see `addLanguage`) shows English.
    let lang = Some(pick_lang(options.lang)).filter(|l| l.loaded().is_some()).unwrap_or(Lang::En);
    let p = options.prefill;
    provide_context(Ctx {
        proxy: Proxy::new(&options.proxy_url),
        lang,
        texts: lang.texts(),
        status_page: options.status_page_url,
        order_number: p.order_number,
        customer_name: p.name,
        email: p.email,
        items: p.items,
        sync_url: options.sync_url,
    });
    provide_context(Nav {
        view: RwSignal::new(View::Claim),
        ticket: RwSignal::new(None),
        reference: RwSignal::new(None),
    });
    let root = NodeRef::<leptos::html::Div>::new();
    provide_context(Emitter { root, callbacks: options.callbacks });
    let class = options.theme.class();
    let inner = move || {
        view! { <div class=class part="root" lang=lang.tag() node_ref=root>{children()}</div> }
    };
    if use_context::<InShadowRoot>().is_some() {
        return inner().into_any();
    }
    // In an app: a shadow root of our own, as the custom element has.
    let host = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let Some(host) = host.get() else { return };
        let host: HtmlElement = host.unchecked_into();
        let Ok(shadow) = crate::shadow_of(&host) else { return };
        crate::adopt_sheet(&shadow);
        let Some(container) =
            host.owner_document().and_then(|d| d.create_element("div").ok()).map(|c| c.unchecked_into::<HtmlElement>())
        else {
            return;
        };
        container.set_class_name("pd-host");
        if shadow.append_child(&container).is_err() {
            return;
        }
        let handle = leptos::mount::mount_to(container, {
            let inner = inner.clone();
            move || untrack(inner)
        });
        // Dropped (and so unmounted) with this effect's owner.
        StoredValue::new_local(handle);
    });
    view! { <div class="pd-isolated" node_ref=host></div> }.into_any()
}

/// The claim form: the customer says what happened to which parcel.
///
/// After a claim, "Follow this claim" shows its status in place (or moves
/// the tabs of the full widget).
///
/// ```no_run
/// use leptos::prelude::*;
/// use parcel_desk::{ClaimForm, ClaimType, ParcelDesk};
///
/// let _ = view! {
///     <ParcelDesk>
///         <ClaimForm claim_type=ClaimType::Damage tracking_number="JJD0001" />
///     </ParcelDesk>
/// };
/// ```
#[component]
pub fn ClaimForm(
    /// What happened, preselected (a [`ClaimType`] or an `Option` of
    /// one); absent: the customer picks.
    #[prop(default = None, into)]
    claim_type: Option<ClaimType>,
    /// The parcel's tracking number, prefilled.
    #[prop(optional, into)]
    tracking_number: String,
    /// The order number, prefilled (overrides the provider's prefill).
    #[prop(optional, into)]
    order_number: Option<String>,
    /// The order's items (override the provider's prefill).
    #[prop(optional)]
    items: Option<Vec<OrderItem>>,
) -> impl IntoView {
    override_prefill(order_number, items);
    let form =
        move || view! { <crate::claim::ClaimForm claim_type=claim_type tracking_number=tracking_number.clone() /> };
    if use_context::<Tabbed>().is_some() || !View::Status.compiled_in() {
        return form().into_any();
    }
    let nav = own_nav(None, None);
    (move || match nav.view.get() {
        // The split build: the status view is its own module (src/lazy.rs).
        #[cfg(feature = "split")]
        View::Status => crate::lazy::render(View::Status, "", "").unwrap_or_else(|| form().into_any()),
        #[cfg(all(feature = "status", not(feature = "split")))]
        View::Status => view! { <crate::status::StatusView /> }.into_any(),
        _ => form().into_any(),
    })
    .into_any()
}

/// A component's own prefill, over the provider's.
fn override_prefill(order_number: Option<String>, items: Option<Vec<OrderItem>>) {
    if order_number.is_none() && items.is_none() {
        return;
    }
    let mut ctx = expect_context::<Ctx>();
    if order_number.is_some() {
        ctx.order_number = order_number;
    }
    if let Some(items) = items {
        ctx.items = items;
    }
    provide_context(ctx);
}

/// A navigation of this component's own (outside the tabbed widget),
/// reporting moves through the provider's callbacks.
fn own_nav(ticket: Option<crate::TicketRef>, reference: Option<String>) -> Nav {
    let nav = Nav {
        view: RwSignal::new(if ticket.is_some() || reference.is_some() { View::Status } else { View::Claim }),
        ticket: RwSignal::new(ticket),
        reference: RwSignal::new(reference),
    };
    provide_context(nav);
    report_view_changes(nav, None);
    nav
}

/// Tells the host page (the provider's callbacks, or the element's event)
/// when the customer moves between `nav`'s views; `from`: the view the
/// customer moved away from before this was called.
pub(crate) fn report_view_changes(nav: Nav, from: Option<View>) {
    if let Some(emitter) = use_context::<Emitter>() {
        Effect::new(move |previous: Option<View>| {
            let view = nav.view.get();
            if previous.or(from).is_some_and(|p| p != view) {
                emitter.view_changed(view);
            }
            view
        });
    }
}

/// The claim's status, for the customer: looked up by reference and e-mail
/// address (or postal code), or opened directly when this browser tab
/// filed it.
///
/// ```no_run
/// use leptos::prelude::*;
/// use parcel_desk::{ClaimStatus, ParcelDesk};
///
/// let _ = view! { <ParcelDesk><ClaimStatus reference="PD-4K7Q-2M" /></ParcelDesk> };
/// ```
#[cfg(feature = "status")]
#[component]
pub fn ClaimStatus(
    /// The claim's reference (`PD-4K7Q-2M`) or id: opens it when this tab
    /// remembers its access token, else prefills the look-up.
    #[prop(optional, into)]
    reference: Option<String>,
) -> impl IntoView {
    if use_context::<Tabbed>().is_none() {
        own_nav(None, reference.filter(|r| !r.trim().is_empty()));
    }
    view! { <crate::status::StatusView /> }
}

/// Parcel tracking: the customer types a tracking number and sees where
/// the parcel is.
///
/// ```no_run
/// use leptos::prelude::*;
/// use parcel_desk::{ParcelDesk, TrackParcel};
///
/// let _ = view! { <ParcelDesk><TrackParcel tracking_number="JJD0001" /></ParcelDesk> };
/// ```
#[cfg(feature = "track")]
#[component]
pub fn TrackParcel(
    /// The tracking number, prefilled.
    #[prop(optional, into)]
    tracking_number: String,
) -> impl IntoView {
    view! { <crate::tracking::TrackView tracking_number=tracking_number /> }
}

/// A question to the shop (JTL-SCX), with attachments and the shop's
/// replies.
///
/// ```no_run
/// use leptos::prelude::*;
/// use parcel_desk::{ContactShop, ParcelDesk};
///
/// let _ = view! { <ParcelDesk><ContactShop order_number="ORD-1001" /></ParcelDesk> };
/// ```
#[cfg(feature = "contact")]
#[component]
pub fn ContactShop(
    /// The order number, prefilled.
    #[prop(optional, into)]
    order_number: String,
) -> impl IntoView {
    view! { <crate::contact::ContactView order_number=order_number /> }
}

/// The shop staff's view (it asks for the staff token; the proxy answers
/// its routes only with it). Never put it on a page customers see.
///
/// ```no_run
/// use leptos::prelude::*;
/// use parcel_desk::{ParcelDesk, StaffDesk};
///
/// let _ = view! { <ParcelDesk><StaffDesk /></ParcelDesk> };
/// ```
#[cfg(feature = "staff")]
#[component]
pub fn StaffDesk() -> impl IntoView {
    view! { <crate::staff::StaffView /> }
}
