//! "What happened?": the situations a customer can report, each saying
//! why tracking rules it out now, if it does. Part of the form's first
//! view (the questions after it load later: [`super::questions`]).

use leptos::prelude::*;
use parcel_desk_wire::tracking::{ClaimOffer, NotOffered};

use super::model::Situation;
use crate::fields::{FieldErrorText, LabelText};
use crate::i18n::Texts;
use crate::Ctx;

/// Why a situation cannot be claimed for this parcel now.
pub fn not_offered_text(t: &Texts, lang: &str, reason: &NotOffered, from: Option<&str>) -> String {
    let date = || from.map(|d| crate::format::date(lang, d)).unwrap_or_default();
    match reason {
        NotOffered::TooRecent | NotOffered::NotLate => t.not_yet_lost.replace("{}", &date()),
        NotOffered::Delivered => t.already_delivered.into(),
        NotOffered::NotDelivered => t.not_delivered_yet.into(),
        NotOffered::NotReturned => t.not_returned.into(),
        NotOffered::Returning => t.already_returning.into(),
        _ => t.not_possible_now.into(),
    }
}

/// A radio button with its label and an optional hint.
pub(super) fn radio(
    name: &'static str,
    id: &'static str,
    label: &'static str,
    hint: Signal<Option<String>>,
    checked: Signal<bool>,
    select: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    radio_in(name, id, label, hint, Signal::derive(|| false), checked, select)
}

/// [`radio`] in a group that can be invalid: then every radio says so
/// (and is described by the group's error), so focus can go to it.
fn radio_in(
    name: &'static str,
    id: &'static str,
    label: &'static str,
    hint: Signal<Option<String>>,
    invalid: Signal<bool>,
    checked: Signal<bool>,
    select: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{name}-error");
    view! {
        <div class="pd-radio">
            <input type="radio" id=id name=name
                aria-invalid=move || invalid.get().then_some("true")
                aria-describedby=move || {
                    let ids: Vec<&str> = [
                        hint.with(Option::is_some).then_some(hint_id.as_str()),
                        invalid.get().then_some(error_id.as_str()),
                    ].into_iter().flatten().collect();
                    (!ids.is_empty()).then(|| ids.join(" "))
                }
                prop:checked=move || checked.get()
                on:change=move |_| select() />
            <label for=id>{label}</label>
            {move || hint.get().map(|h| view! { <p class="pd-hint" id=format!("{id}-hint")>{h}</p> })}
        </div>
    }
}

pub(crate) fn situation_label(t: &Texts, s: Situation) -> &'static str {
    match s {
        Situation::NotArrived => t.situation_not_arrived,
        Situation::Damaged => t.situation_damaged,
        Situation::Missing => t.situation_missing,
        Situation::Returned => t.situation_returned,
        Situation::WrongAddress => t.situation_address,
    }
}

/// "What happened?": every situation, each saying why tracking does not
/// allow it now (it stays choosable: the notice under the list explains,
/// and the form cannot be sent for it).
#[component]
pub fn SituationChoice(
    situation: RwSignal<Option<Situation>>,
    #[prop(into)] offers: Signal<Vec<ClaimOffer>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let lang = ctx.lang.tag();
    view! {
        <fieldset class="pd-field" class:pd-invalid=move || error.with(Option::is_some)
            aria-describedby=move || error.with(Option::is_some).then_some("situation-error")>
            <legend><LabelText text=t.situation_legend required=true /></legend>
            {Situation::ALL.into_iter().map(|s| {
                let hint = Signal::derive(move || {
                    offers.with(|o| s.claim(o).err()).map(|(_, reason, from)| not_offered_text(t, lang, &reason, from.as_deref()))
                });
                radio_in("situation", s.id(), situation_label(t, s), hint,
                    Signal::derive(move || error.with(Option::is_some)),
                    Signal::derive(move || situation.get() == Some(s)), move || situation.set(Some(s)))
            }).collect_view()}
            <FieldErrorText id="situation-error".to_owned() error=error />
        </fieldset>
    }
}
