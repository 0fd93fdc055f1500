//! The views other than the claim form as separately loaded WebAssembly
//! modules (cargo feature `split`, the release build of the full widget:
//! scripts/split-build.sh).
//!
//! Each `#[lazy]` function below becomes its own module after the build
//! (wasm-split-cli cuts it out of the linked wasm): the page downloads the
//! shell and the first view it shows, and the other views when the browser
//! is idle after that (`prefetch_when_idle`), or at once when the customer
//! opens one of them. Without the split step these functions cannot run,
//! so `cargo test`, the in-browser tests and the claim-only build do not
//! enable the feature and render the views directly.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::View;

#[cfg(feature = "status")]
#[leptos::lazy]
fn status_view() -> AnyView {
    // The view itself: the caller (the tabs, or the claim form on its own)
    // already keeps the navigation it reads.
    view! { <crate::status::StatusView /> }.into_any()
}

#[cfg(feature = "track")]
#[leptos::lazy]
fn track_view(tracking_number: String) -> AnyView {
    view! { <crate::TrackParcel tracking_number=tracking_number /> }.into_any()
}

#[cfg(feature = "contact")]
#[leptos::lazy]
fn contact_view(order_number: String) -> AnyView {
    view! { <crate::ContactShop order_number=order_number /> }.into_any()
}

#[cfg(feature = "staff")]
#[leptos::lazy]
fn staff_view() -> AnyView {
    view! { <crate::StaffDesk /> }.into_any()
}

// Inside the claim view: what is not needed to type and check the form.

/// The photo list of the claim form and with it the upload pipeline
/// (downscale on a canvas, XHR with progress, retry): only a damage or
/// missing-item claim shows it, and only once the customer has said so.
#[leptos::lazy]
fn file_list_view(props: crate::upload::FileListProps) -> AnyView {
    crate::upload::FileList(props).into_any()
}

/// The claim form's tracking look-up: the request and reading tracking's
/// answer (its types' deserializers), first needed when a number is typed.
#[leptos::lazy]
async fn lookup_tracking(
    proxy: crate::api::Proxy,
    number: String,
) -> Result<crate::tracking::Tracking, crate::api::ApiFailure> {
    proxy.tracking(&number, None).await
}

/// A [`crate::upload::FileList`] rendered once its module is loaded.
pub(crate) fn file_list(props: crate::upload::FileListProps) -> AnyView {
    Suspend::new(file_list_view(props)).into_any()
}

/// Tracking's answer for `number`, once the look-up's module is loaded.
pub(crate) async fn tracking(
    proxy: crate::api::Proxy,
    number: String,
) -> Result<crate::tracking::Tracking, crate::api::ApiFailure> {
    lookup_tracking(proxy, number).await
}

/// Loads the claim form's own lazy parts (the photo list, the tracking
/// look-up) when the browser is next idle: a first file pick or a first
/// typed number does not wait for them then.
pub(crate) fn prefetch_claim_parts() {
    when_idle(|| {
        spawn_local(__preload_file_list_view());
        spawn_local(__preload_lookup_tracking());
    });
}

/// `view`, rendered once its module is loaded (nothing before). `None`
/// for the claim view, which is in the main module.
pub(crate) fn render(view: View, tracking_number: &str, order_number: &str) -> Option<AnyView> {
    let _ = (tracking_number, order_number);
    match view {
        #[cfg(feature = "status")]
        View::Status => Some(Suspend::new(status_view()).into_any()),
        #[cfg(feature = "track")]
        View::Track => Some(Suspend::new(track_view(tracking_number.to_owned())).into_any()),
        #[cfg(feature = "contact")]
        View::Contact => Some(Suspend::new(contact_view(order_number.to_owned())).into_any()),
        #[cfg(feature = "staff")]
        View::Staff => Some(Suspend::new(staff_view()).into_any()),
        _ => None,
    }
}

/// Starts loading `view`'s module (once per page, however often it is
/// called and however many widgets there are).
pub(crate) fn prefetch(view: View) {
    match view {
        #[cfg(feature = "status")]
        View::Status => spawn_local(__preload_status_view()),
        #[cfg(feature = "track")]
        View::Track => spawn_local(__preload_track_view()),
        #[cfg(feature = "contact")]
        View::Contact => spawn_local(__preload_contact_view()),
        #[cfg(feature = "staff")]
        View::Staff => spawn_local(__preload_staff_view()),
        _ => {}
    }
}

/// Loads the modules of `views` when the browser is next idle
/// (`requestIdleCallback`; where there is none, after a second).
pub(crate) fn prefetch_when_idle(views: Vec<View>) {
    when_idle(move || {
        for view in views {
            prefetch(view);
        }
    });
}

/// Runs `f` when the browser is next idle (`requestIdleCallback`; where
/// there is none, after a second).
fn when_idle(f: impl FnOnce() + 'static) {
    let load = Closure::once_into_js(f);
    let window = web_sys::window().expect_throw("no window");
    let load: &js_sys::Function = load.unchecked_ref();
    if window.request_idle_callback(load).is_err() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(load, 1000);
    }
}
