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

/// `view`, rendered once its module is loaded (nothing before). `None`
/// for the claim view, which is in the main module.
pub(crate) fn render(view: View, tracking_number: &str, order_number: &str) -> Option<AnyView> {
    let _ = (tracking_number, order_number);
    Some(match view {
        #[cfg(feature = "status")]
        View::Status => Suspend::new(status_view()).into_any(),
        #[cfg(feature = "track")]
        View::Track => Suspend::new(track_view(tracking_number.to_owned())).into_any(),
        #[cfg(feature = "contact")]
        View::Contact => Suspend::new(contact_view(order_number.to_owned())).into_any(),
        #[cfg(feature = "staff")]
        View::Staff => Suspend::new(staff_view()).into_any(),
        _ => return None,
    })
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
    let load = Closure::once_into_js(move || {
        for view in views {
            prefetch(view);
        }
    });
    let window = web_sys::window().expect_throw("no window");
    let load: &js_sys::Function = load.unchecked_ref();
    if window.request_idle_callback(load).is_err() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(load, 1000);
    }
}
