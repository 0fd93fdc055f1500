//! The claim form's draft in the page's storage ([`crate::draft`]): a
//! draft kept there is restored when the form opens, and the answers are
//! kept as the customer gives them. In the split build this is a module of
//! its own (the draft's JSON reading and writing): a page with a draft to
//! restore fetches it at once and waits for it before the form is shown;
//! any other page fetches it when the browser is first idle after the form
//! is there (what is typed before it arrives is kept once it does).

use leptos::prelude::*;

use super::inputs::{Inputs, Saved};
use super::model::Situation;
use crate::{draft, Ctx};

/// What the draft is kept from and restored into.
#[derive(Clone)]
pub(super) struct Keep {
    pub inputs: Inputs,
    pub key: StoredValue<String>,
    /// Set when a draft was restored (the form then says so).
    pub restored: RwSignal<bool>,
    /// Once the claim is sent, its draft is gone.
    pub submitted: RwSignal<bool>,
    /// The tracking number the page prefilled: a draft of another parcel
    /// is not restored then.
    pub prefill: String,
    /// What happened, as the page preselected it.
    pub situation: Option<Situation>,
}

/// Restores the draft, then keeps the answers as they change, for as long
/// as the caller's owner lives.
pub(super) fn keep(k: Keep) {
    let Keep { inputs, key, restored, submitted, prefill, situation } = k;
    // What an untouched form's answers are: no draft is kept for them.
    // (Made here, from new inputs, rather than kept by the form: the
    // reading of every answer is then this module's code.)
    let pristine = {
        let owner = Owner::new();
        let pristine = owner.with(|| {
            let fresh = Inputs::new(&expect_context::<Ctx>(), prefill.clone());
            fresh.situation.set(situation);
            untrack(|| fresh.saved())
        });
        owner.cleanup();
        pristine
    };
    // Restored only into a form nothing was typed into yet (the module may
    // arrive late, or at a second try).
    let untouched = untrack(|| inputs.saved()) == pristine;
    if let Some(saved) = untouched.then(|| key.with_value(|k| draft::load::<Saved>(k))).flatten() {
        if prefill.is_empty() || saved.draft.tracking_number == prefill {
            inputs.restore(saved);
            restored.set(true);
        }
    }
    Effect::new(move |_| {
        let saved = inputs.saved();
        if submitted.get() {
            return;
        }
        if saved == pristine {
            key.with_value(|k| draft::clear(k));
        } else {
            key.with_value(|k| draft::save(k, &saved));
        }
    });
}

/// [`keep`] in its own module (split builds). It gives what to run under
/// the form's owner.
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(
    claim_draft,
    wasm_split_path = ::leptos::wasm_split,
    preload(__preload_claim_draft),
    fallible
)]
fn keep_module(k: Keep) -> Result<Box<dyn FnOnce()>, crate::lazy::NotLoaded> {
    Ok(Box::new(move || keep(k)))
}

/// Starts fetching the draft's module (split builds): the first step calls
/// it when a stored draft waits to be restored, so that the module comes
/// alongside the widget's instead of after it. A failure is said when the
/// form asks for the module.
#[cfg(feature = "split")]
pub(crate) fn preload() {
    wasm_bindgen_futures::spawn_local(crate::lazy::quietly(__preload_claim_draft()));
}

/// Keeps the form's draft ([`keep`]); in the split build once its module
/// is there. While a stored draft waits for it, `waiting` is true (the
/// form is not shown: nothing typed then could be overwritten). A module
/// that cannot be loaded leaves the stored draft as it is, and is tried
/// again at the next `arm` (each submit, or the "Try again" of
/// `unreadable`).
#[derive(Clone, Copy)]
pub(super) struct Drafts {
    pub waiting: RwSignal<bool>,
    /// A stored draft waited for the module, and it could not be loaded
    /// (the form says so, with a "Try again").
    pub unreadable: RwSignal<bool>,
    keep: StoredValue<Keep>,
    armed: StoredValue<bool>,
}

impl Drafts {
    pub fn new(k: Keep) -> Drafts {
        // (Without the split, the draft is restored before the form is
        // first rendered.)
        let wait = cfg!(feature = "split") && k.key.with_value(|k| draft::stored(k));
        let d = Drafts {
            waiting: RwSignal::new(wait),
            unreadable: RwSignal::new(false),
            keep: StoredValue::new(k),
            armed: StoredValue::new(false),
        };
        // Nothing to restore: the module's loading waits until the form
        // can be typed into (its fetches and start-up were ~50 ms of a
        // phone's main thread right after the form was built). A submit
        // before then arms at once.
        #[cfg(feature = "split")]
        if !wait {
            let owner = Owner::current();
            crate::lazy::when_idle(move || {
                // (Under the form's owner, as at once; not if it is gone.)
                if let (Some(owner), Some(_)) = (owner, d.waiting.try_get_untracked()) {
                    owner.with(|| d.arm());
                }
            });
            return d;
        }
        d.arm();
        d
    }

    /// Starts keeping the draft, unless that started already.
    pub fn arm(&self) {
        if self.armed.get_value() {
            return;
        }
        self.armed.set_value(true);
        let (waiting, unreadable, armed) = (self.waiting, self.unreadable, self.armed);
        let k = self.keep.get_value();
        #[cfg(not(feature = "split"))]
        {
            let _ = (waiting, unreadable, armed);
            keep(k);
        }
        #[cfg(feature = "split")]
        {
            let owner = Owner::current();
            leptos::task::spawn_local(async move {
                let loaded = keep_module(k).await;
                // The form may be gone by now (view switched, unmounted).
                let Some(was_waiting) = waiting.try_get_untracked() else { return };
                let loaded = match (loaded, owner) {
                    (Ok(keep), Some(owner)) => {
                        owner.with(keep);
                        true
                    }
                    _ => {
                        armed.set_value(false);
                        false
                    }
                };
                // Each flag is set only when it changes (a set notifies even
                // with the same value): the form is drawn again only then, so
                // a form already shown keeps its DOM, and the field being
                // typed in its focus. "Could not be loaded" is said only when
                // a stored draft waited.
                let was_unreadable = unreadable.get_untracked();
                let now_unreadable = !loaded && (was_unreadable || was_waiting);
                if now_unreadable != was_unreadable {
                    unreadable.set(now_unreadable);
                }
                if was_waiting {
                    waiting.set(false);
                }
            });
        }
    }
}
