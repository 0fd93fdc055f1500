//! Tracking inside the claim form: the parcel is looked up as its number
//! is typed (or at once on Enter), so the form can say what tracking
//! shows, which claims it allows, and when the number is unknown.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiFailure;
use crate::i18n::Texts;
use crate::tracking::{normalize_tracking_number, phase_text, ClaimOffer, TrackingExt};
use crate::Ctx;

/// What the form shows of tracking's answer: the claims it offers, and its
/// newest event in words (phase, and when). The answer itself is read in
/// [`look_up`] and not kept: in the split build its types' code stays in
/// the look-up's module (src/lazy.rs).
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub offers: Vec<ClaimOffer>,
    pub latest: Option<(&'static str, Option<String>)>,
}

/// Looks `number` up and reads the answer into a [`Found`].
pub async fn look_up(ctx: Ctx, number: String) -> Result<Found, ApiFailure> {
    let tracking = ctx.proxy.tracking(&number, None).await?;
    let lang = ctx.lang.tag();
    Ok(Found {
        offers: tracking.offers(),
        latest: tracking
            .latest()
            .map(|e| (phase_text(&ctx, &e), e.event_at.as_deref().map(|at| crate::format::date_time(lang, at)))),
    })
}

/// The look-up of one tracking-number input.
#[derive(Clone, Copy)]
pub struct ParcelLookup {
    /// What tracking answered for the current number.
    pub found: RwSignal<Option<Found>>,
    /// The (normalised) number tracking answered 404 for.
    not_found: RwSignal<Option<String>>,
    /// The number the last look-up finished for, whatever it answered.
    settled: RwSignal<Option<String>>,
    number: Memo<String>,
    timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
    seq: StoredValue<u32>,
    ctx: StoredValue<Ctx>,
}

impl ParcelLookup {
    /// Looks `input` up 600 ms after the last keystroke.
    pub fn new(ctx: &Ctx, input: RwSignal<String>) -> ParcelLookup {
        let lookup = ParcelLookup {
            found: RwSignal::new(None),
            not_found: RwSignal::new(None),
            settled: RwSignal::new(None),
            number: Memo::new(move |_| normalize_tracking_number(&input.get())),
            timer: StoredValue::new_local(None),
            seq: StoredValue::new(0),
            ctx: StoredValue::new(ctx.clone()),
        };
        Effect::new(move |_| {
            let number = lookup.number.get();
            lookup.cancel();
            lookup.found.set(None);
            lookup.not_found.set(None);
            if number.len() < 4 {
                return;
            }
            let handle = set_timeout_with_handle(move || lookup.run(number), Duration::from_millis(600));
            lookup.timer.set_value(handle.ok());
        });
        on_cleanup(move || {
            if let Some(h) = lookup.timer.try_get_value().flatten() {
                h.clear();
            }
        });
        lookup
    }

    /// Stops a pending look-up; an answer still on its way is ignored.
    fn cancel(self) {
        if let Some(h) = self.timer.try_get_value().flatten() {
            h.clear();
        }
        self.seq.try_update_value(|n| *n += 1);
    }

    fn run(self, number: String) {
        self.cancel();
        // The form may be gone by now (view switched, widget unmounted).
        let Some(ctx) = self.ctx.try_get_value() else { return };
        let Some(seq) = self.seq.try_get_value() else { return };
        spawn_local(async move {
            // The split build loads the look-up's code on first use
            // (prefetched when the browser is idle, src/lazy.rs).
            #[cfg(feature = "split")]
            let answer = async { lookup_tracking(ctx, number.clone()).await?.await }.await;
            #[cfg(not(feature = "split"))]
            let answer = look_up(ctx, number.clone()).await;
            if self.seq.try_get_value() != Some(seq) {
                return; // the number changed meanwhile
            }
            self.settled.try_set(Some(number.clone()));
            match answer {
                Ok(found) => {
                    self.found.try_set(Some(found));
                }
                Err(ApiFailure::Http { status: 404, .. }) => {
                    self.not_found.try_set(Some(number));
                }
                Err(_) => {}
            }
        });
    }

    /// True once tracking answered for the number in the field (or there
    /// is nothing to look up). Tracked.
    pub fn settled(self) -> bool {
        let number = self.number.get();
        number.len() < 4 || self.settled.with(|s| s.as_ref() == Some(&number))
    }

    /// Enter in the field: look it up now, unless it was answered already.
    pub fn now(self) -> Callback<()> {
        Callback::new(move |_| {
            let number = self.number.get_untracked();
            let answered = self.found.with_untracked(Option::is_some)
                || self.not_found.with_untracked(|n| n.as_ref() == Some(&number));
            if !number.is_empty() && !answered {
                self.run(number);
            }
        })
    }

    /// "Not found" while the field holds the number tracking did not know.
    pub fn not_found_text(self, t: &'static Texts) -> Option<String> {
        let number = self.number.get();
        self.not_found.with(|n| n.as_ref() == Some(&number)).then(|| t.err_tracking_not_found.to_owned())
    }

    /// The parcel's newest tracking event, in words.
    pub fn latest_view(self) -> impl IntoView {
        let t = expect_context::<Ctx>().texts;
        view! {
            <div class="pd-parcel" aria-live="polite">
                {move || self.found.with(|f| f.as_ref().and_then(|f| f.latest.clone())).map(|(phase, at)| view! {
                    <p class="pd-hint">{t.latest_status}": "<strong>{phase}</strong>
                        {at.map(|at| format!(" · {at}"))}</p>
                })}
            </div>
        }
    }
}

#[cfg(feature = "split")]
type Answer = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Found, ApiFailure>>>>;

/// [`look_up`] in its own module (split builds): the request and the
/// reading of tracking's answer (its types' deserializers, what the form
/// shows of it). The future is made, and so its code lives, in the module;
/// a module that cannot be loaded fails like the network.
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(
    lookup_tracking,
    wasm_split_path = ::leptos::wasm_split,
    preload(preload_lookup),
    fallible
)]
fn lookup_tracking(ctx: Ctx, number: String) -> Result<Answer, ApiFailure> {
    Ok(Box::pin(look_up(ctx, number)))
}

/// Loads the look-up's module when the browser is next idle: a first
/// typed number does not wait for it then.
#[cfg(feature = "split")]
pub fn prefetch_lookup() {
    crate::lazy::prefetch_on_idle(preload_lookup);
}
