//! Parts of the widget as separately loaded WebAssembly modules (cargo
//! feature `split`, the release builds: scripts/split-build.sh).
//!
//! Each `#[wasm_split]` function below becomes its own module after the
//! build (wasm-split-cli cuts it out of the linked wasm, into
//! `split_<name>.wasm`):
//! - the views other than the claim form: the page downloads the shell and
//!   the first view it shows, and the other views when the browser is idle
//!   after that (`prefetch_when_idle`), or at once when the customer opens
//!   one of them;
//! - inside the claim form, what is not needed to type and check it: the
//!   photo list with the upload pipeline, and the tracking look-up; loaded
//!   when the browser is idle after the form is on the page
//!   (`prefetch_claim_parts`), or at once when the form first needs them.
//!   The questions a claim asks once the customer has said what happened
//!   are a module too, declared beside them (`src/claim/questions.rs`,
//!   through [`when_loaded`] and [`prefetch_on_idle`]);
//! - what reads the view texts (`i18n/<tag>.views.json`): fetched with that
//!   file, before the first part that needs them ([`view_texts`]).
//!
//! This is what Leptos' `#[lazy]` writes, with one difference: the
//! functions are *fallible*. A module that cannot be fetched (offline, a
//! file missing on the shop's server) is said where its part would be,
//! with a button that tries again, instead of stopping the whole widget;
//! nothing typed is lost. Without the split step these functions cannot
//! run, so `cargo test` and the in-browser tests leave the feature off and
//! render the parts directly.

use std::future::Future;
#[cfg(views)]
use std::pin::Pin;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::ApiFailure;
use crate::i18n;
use crate::i18n::Lang;
use crate::upload::FileListProps;
use crate::{Ctx, View};

// The view texts' fetch, in JS: a promise each language's views share, and
// forget when it fails (so that "Try again" fetches anew).
#[wasm_bindgen(inline_js = r#"
const views = new Map();
export function pd_view_texts(tag) {
  let texts = views.get(tag);
  if (!texts) {
    const url = new URL(`./i18n/${tag}.views.json`, import.meta.url);
    texts = fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`.trim());
      return r.text();
    });
    texts.catch((e) => {
      views.delete(tag);
      console.warn('parcel-desk: the texts of the claim form\'s questions and the other views could not be loaded:', e);
    });
    views.set(tag, texts);
  }
  return texts;
}
"#)]
extern "C" {
    /// `i18n/<tag>.views.json` beside the widget's files (the build
    /// bundles this into the glue script, scripts/minify-js.mjs): its text.
    fn pd_view_texts(tag: &str) -> js_sys::Promise;
}

/// A module that could not be fetched or started (its loader logs why).
pub(crate) struct NotLoaded;

/// What a module that makes a part of the page gives: the part, made when
/// it is shown (so that it is made by the module's code, under the
/// part's owner).
pub(crate) type Loaded = Result<Part, NotLoaded>;

/// A part of the page, to be made.
pub(crate) type Part = Box<dyn FnOnce() -> AnyView>;

impl From<SplitLoaderError> for NotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        NotLoaded
    }
}

impl From<SplitLoaderError> for ApiFailure {
    /// A look-up whose code could not be fetched failed like the network.
    fn from(_: SplitLoaderError) -> Self {
        ApiFailure::Network
    }
}

#[cfg(feature = "status")]
#[wasm_split(status_view, wasm_split_path = ::leptos::wasm_split, preload(__preload_status_view), fallible)]
fn status_view() -> Loaded {
    // The view itself: the caller (the tabs, or the claim form on its own)
    // already keeps the navigation it reads.
    with_view_texts(|| view! { <crate::status::StatusView /> }.into_any())
}

#[cfg(feature = "track")]
#[wasm_split(track_view, wasm_split_path = ::leptos::wasm_split, preload(__preload_track_view), fallible)]
fn track_view(tracking_number: String) -> Loaded {
    with_view_texts(|| view! { <crate::TrackParcel tracking_number=tracking_number /> }.into_any())
}

#[cfg(feature = "contact")]
#[wasm_split(contact_view, wasm_split_path = ::leptos::wasm_split, preload(__preload_contact_view), fallible)]
fn contact_view(order_number: String) -> Loaded {
    with_view_texts(|| view! { <crate::ContactShop order_number=order_number /> }.into_any())
}

#[cfg(feature = "staff")]
#[wasm_split(staff_view, wasm_split_path = ::leptos::wasm_split, preload(__preload_staff_view), fallible)]
fn staff_view() -> Loaded {
    with_view_texts(|| view! { <crate::StaffDesk /> }.into_any())
}

/// `view`, made among the complete texts of the widget's language: a view
/// module is rendered only once its view texts are loaded ([`view_texts`]).
pub(crate) fn with_view_texts(view: impl FnOnce() -> AnyView + Send + 'static) -> Loaded {
    Ok(Box::new(move || {
        let ctx = expect_context::<Ctx>();
        let ctx = Ctx { texts: ctx.lang.texts(), ..ctx };
        view! { <leptos::context::Provider value=ctx>{view()}</leptos::context::Provider> }.into_any()
    }))
}

/// Loads `lang`'s view texts, once per page however many views and
/// widgets ask, and with the first of them the stylesheet's rules for
/// what only the modules render (the file's `stylesheet`). The file and
/// the module that reads it ([`read_view_texts`]) are fetched at once.
pub(crate) async fn view_texts(lang: Lang) -> Result<(), NotLoaded> {
    if !i18n::has_views(lang) || !STYLED.get() {
        let (json, reader) = futures::future::join(
            wasm_bindgen_futures::JsFuture::from(pd_view_texts(lang.tag())),
            __preload_view_texts_reader(),
        )
        .await;
        reader?;
        let json = json.map_err(|_| NotLoaded)?;
        read_view_texts(lang, json.as_string().unwrap_or_default()).await?;
    }
    Ok(())
}

/// Reads `lang`'s view texts (`json`: `i18n/<tag>.views.json`) and puts the
/// complete stylesheet that comes with them in place. A module of its own:
/// the shell has neither the code nor the field names that read the view
/// texts.
#[wasm_split(view_texts_reader, wasm_split_path = ::leptos::wasm_split, preload(__preload_view_texts_reader), fallible)]
fn read_view_texts(lang: Lang, json: String) -> Result<(), NotLoaded> {
    let fail = |e: String| {
        leptos::logging::warn!("parcel-desk: i18n/{}.views.json: {e}", lang.tag());
        NotLoaded
    };
    let stylesheet = i18n::add_views(lang, &json).map_err(fail)?;
    if !STYLED.get() {
        let css = stylesheet.ok_or_else(|| fail("no stylesheet".into()))?;
        crate::complete_sheet(&css).map_err(|_| fail("its stylesheet was refused".into()))?;
        STYLED.set(true);
    }
    Ok(())
}

thread_local! {
    /// Whether the complete stylesheet is in place ([`view_texts`]).
    static STYLED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The claim form's photo lists, and with them the upload pipeline
/// (downscale on a canvas, XHR with progress, cancel, retry): only a damage
/// or missing-item claim shows them.
#[wasm_split(file_list_view, wasm_split_path = ::leptos::wasm_split, preload(__preload_file_list_view), fallible)]
fn file_list_view(props: Vec<FileListProps>) -> Loaded {
    Ok(Box::new(move || props.into_iter().map(crate::upload::FileList).collect_view().into_any()))
}

/// `load`'s part once its module is there; if it cannot be loaded, the
/// reason and a button that tries again (the module loader keeps no
/// failure: a second attempt fetches it anew). Until then, `pending` as a
/// status if given (a whole view), else nothing (a part of the claim form).
pub(crate) fn when_loaded<F, Fut>(load: F, pending: Option<&'static str>) -> AnyView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Loaded> + 'static,
{
    let t = expect_context::<Ctx>().texts;
    // What arrived, until it is shown (taken out then). A signal and a task
    // rather than `Suspend`, whose machinery was about 1 KB brotli of the
    // shell.
    let arrived = RwSignal::new_local(None::<Loaded>);
    let fetch = move || {
        let part = load();
        spawn_local(async move {
            let _ = arrived.try_set(Some(part.await));
        });
    };
    fetch();
    // A retry fetches under the part's owner, as the first attempt did.
    let owner = Owner::current().expect("a part is made under an owner");
    let fetch = std::sync::Arc::new(move || owner.with(&fetch));
    (move || {
        arrived.track();
        let fetch = fetch.clone();
        let Some(loaded) = arrived.try_update_untracked(Option::take).flatten() else {
            return pending.map(crate::fields::loading);
        };
        Some(match loaded {
            // Made untracked: only what arrives changes the part.
            Ok(part) => untrack(part),
            Err(NotLoaded) => view! {
                <div class="pd-banner pd-part-failed" role="alert">
                    <p>{t.err_part_not_loaded}</p>
                    <button type="button" class="pd-secondary" on:click=move |_| {
                        // (In this order: the part's change drops this
                        // handler.)
                        fetch();
                        arrived.set(None);
                    }>
                        {t.retry}
                    </button>
                </div>
            }
            .into_any(),
        })
    })
    .into_any()
}

/// The [`crate::upload::FileList`]s made from `props`, once their module
/// is loaded.
pub(crate) fn file_lists(props: impl Fn() -> Vec<FileListProps> + Send + Sync + 'static) -> AnyView {
    when_loaded(move || file_list_view(props()), None)
}

/// Loads the claim form's photo list when the browser is next idle: a
/// first file pick does not wait for it then.
pub(crate) fn prefetch_claim_parts() {
    prefetch_on_idle(__preload_file_list_view);
}

/// Loads a module when the browser is next idle (`preload`: what
/// `#[wasm_split]` writes as the function's `preload`).
pub(crate) fn prefetch_on_idle<Fut>(preload: fn() -> Fut)
where
    Fut: Future<Output = Result<(), SplitLoaderError>> + 'static,
{
    when_idle(move || spawn_local(quietly(preload())));
}

/// Loads `lang`'s view texts when the browser is next idle (a failure is
/// tried again when they are needed).
pub(crate) fn prefetch_view_texts(lang: Lang) {
    when_idle(move || {
        spawn_local(async move {
            let _ = view_texts(lang).await;
        })
    });
}

/// A prefetch: a module that does not load now is tried again when its
/// part is shown.
pub(crate) async fn quietly(load: impl Future<Output = Result<(), SplitLoaderError>>) {
    let _ = load.await;
}

/// `view`, rendered once its module and the view texts are loaded
/// (nothing before). `None` for the claim view, which is in the main
/// module.
pub(crate) fn render(view: View, tracking_number: &str, order_number: &str) -> Option<AnyView> {
    let _ = (tracking_number, order_number);
    match view {
        #[cfg(feature = "status")]
        View::Status => Some(view_part(|| Box::pin(status_view()))),
        #[cfg(feature = "track")]
        View::Track => {
            let number = tracking_number.to_owned();
            Some(view_part(move || Box::pin(track_view(number.clone()))))
        }
        #[cfg(feature = "contact")]
        View::Contact => {
            let number = order_number.to_owned();
            Some(view_part(move || Box::pin(contact_view(number.clone()))))
        }
        #[cfg(feature = "staff")]
        View::Staff => Some(view_part(|| Box::pin(staff_view()))),
        _ => None,
    }
}

/// A view's part: "Loading…", its module and the view texts, then the
/// view.
#[cfg(views)]
fn view_part(load: impl Fn() -> Pin<Box<dyn Future<Output = Loaded>>> + Send + Sync + 'static) -> AnyView {
    let Ctx { lang, texts, .. } = expect_context::<Ctx>();
    when_loaded(move || with_texts(lang, load()), Some(texts.loading))
}

/// `part` once `lang`'s view texts are loaded too; both are fetched at once
/// (a module's future starts its fetch only when polled).
pub(crate) async fn with_texts(lang: Lang, part: impl Future<Output = Loaded>) -> Loaded {
    let (texts, part) = futures::future::join(view_texts(lang), part).await;
    texts?;
    part
}

/// Starts loading `view`'s module (once per page, however often it is
/// called and however many widgets there are; a failed load is tried
/// again when the view is shown). False for the claim form, which has no
/// module of its own. (wasm-bindgen's executor, not Leptos': the first
/// step calls this before the widget has started Leptos.)
#[cfg_attr(not(views), allow(unreachable_code))]
pub(crate) fn prefetch(view: View) -> bool {
    #[cfg(views)]
    use wasm_bindgen_futures::spawn_local as spawn;
    match view {
        #[cfg(feature = "status")]
        View::Status => spawn(quietly(__preload_status_view())),
        #[cfg(feature = "track")]
        View::Track => spawn(quietly(__preload_track_view())),
        #[cfg(feature = "contact")]
        View::Contact => spawn(quietly(__preload_contact_view())),
        #[cfg(feature = "staff")]
        View::Staff => spawn(quietly(__preload_staff_view())),
        _ => return false,
    }
    true
}

/// Starts fetching what the widget needs to show `view` first, when that
/// is not the claim form: its module, its texts and their reader. The
/// first step (src/first.rs) calls this, so that they come beside the
/// widget's module instead of once the widget has made the view.
#[cfg(views)]
pub(crate) fn preload_first(view: View, lang: Lang) {
    if prefetch(view) {
        // The file's fetch is shared (once per language and page); a
        // failure is logged there and tried again when the view asks.
        let _ = pd_view_texts(lang.tag());
        wasm_bindgen_futures::spawn_local(quietly(__preload_view_texts_reader()));
    }
}

/// Loads the modules of `views` when the browser is next idle
/// (`requestIdleCallback`; where there is none, after a second).
pub(crate) fn prefetch_when_idle(views: Vec<View>, lang: Lang) {
    if views.iter().any(|v| *v != View::Claim) {
        prefetch_view_texts(lang);
    }
    when_idle(move || {
        for view in views {
            prefetch(view);
        }
    });
}

/// Runs `f` when the browser is next idle (`requestIdleCallback`; where
/// there is none, after a second).
pub(crate) fn when_idle(f: impl FnOnce() + 'static) {
    let load = Closure::once_into_js(f);
    let window = web_sys::window().expect_throw("no window");
    let load: &js_sys::Function = load.unchecked_ref();
    if window.request_idle_callback(load).is_err() {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(load, 1000);
    }
}
