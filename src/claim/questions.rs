//! The claim form's questions, each shown only for the claims that ask it
//! ([`Asks`]): the contents, the parcel's outside and size, photos by what
//! they show, remarks, a new address, the wish and the declaration. In the
//! split build their code and their texts load after the form (the texts
//! with the other views' texts, build.rs).

use leptos::prelude::*;
use parcel_desk_wire::customer::rules::MAX_PHOTOS;
use parcel_desk_wire::customer::{OrderItem, PhotoRole, Resolution};
use parcel_desk_wire::{ClaimType, Route};

use super::filing::Filing;
use super::inputs::Inputs;
use super::model::{Asks, Field, Missing};
use super::situation::radio;
use crate::fields::{FieldErrorText, LabelText, TextArea, TextField};
use crate::upload::prepare::PHOTOS;
use crate::upload::{FileListProps, Picked};
use crate::Ctx;

/// The order's items to tick, or the contents in the customer's words.
#[component]
fn Contents(inputs: Inputs, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    if ctx.items.is_empty() {
        return view! {
            <TextArea id="contents" label=t.contents_label hint=t.contents_hint
                value=inputs.contents error=error required=true />
        }
        .into_any();
    }
    let picked = inputs.items;
    view! {
        <fieldset class="pd-field" class:pd-invalid=move || error.with(Option::is_some)>
            <legend><LabelText text=t.items_legend required=true /></legend>
            {ctx.items.iter().enumerate().map(|(i, item)| {
                let id = if i == 0 { "contents".to_owned() } else { format!("contents-{i}") };
                let item = OrderItem { name: item.name.clone(), quantity: item.quantity };
                let label = format!("{} × {}", item.quantity, item.name);
                let name = item.name.clone();
                view! {
                    <div class="pd-check">
                        <input type="checkbox" id=id.clone()
                            aria-invalid=move || error.with(Option::is_some).then_some("true")
                            prop:checked=move || picked.with(|p| p.iter().any(|x| x.name == name))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                picked.update(|p| {
                                    p.retain(|x| x.name != item.name);
                                    if on { p.push(item.clone()); }
                                });
                            } />
                        <label for=id>{label}</label>
                    </div>
                }
            }).collect_view()}
            <TextArea id="contents-other" label=t.contents_other
                value=inputs.contents error=Signal::derive(|| None::<String>) />
            <FieldErrorText id="contents-error".to_owned() error=error />
        </fieldset>
    }
    .into_any()
}

/// The questions of `claim` beyond photos, the wish, the customer and the
/// declaration.
#[component]
fn Questions(
    inputs: Inputs,
    #[prop(into)] claim: Signal<Option<ClaimType>>,
    error_of: impl Fn(Field) -> Signal<Option<String>> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    let asks = move |f: fn(&Asks) -> bool| move || claim.get().map(Asks::of).is_some_and(|a| f(&a));
    let is = move |c: ClaimType| move || claim.get() == Some(c);
    let dims_error = error_of(Field::Dimensions);
    let dim = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="pd-grow">
                <label for=id class="pd-sublabel">{label}</label>
                <input type="text" id=id inputmode="decimal" autocomplete="off"
                    aria-invalid=move || dims_error.with(Option::is_some).then_some("true")
                    aria-describedby=move || dims_error.with(Option::is_some).then_some("dimensions-error")
                    prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev)) />
            </div>
        }
    };
    let missing_is = move |m: Missing| Signal::derive(move || inputs.missing.get() == m);
    let no_hint = || Signal::derive(|| None::<String>);
    view! {
        <Show when=is(ClaimType::Other)>
            <fieldset class="pd-field">
                <legend>{t.missing_legend}</legend>
                {radio("missing", "missing-item", t.missing_item, no_hint(), missing_is(Missing::Item),
                    move || inputs.missing.set(Missing::Item))}
                {radio("missing", "missing-empty", t.missing_empty, no_hint(), missing_is(Missing::Empty),
                    move || inputs.missing.set(Missing::Empty))}
            </fieldset>
        </Show>
        <Show when=asks(|a| a.contents)>
            <Contents inputs=inputs error=error_of(Field::Contents) />
        </Show>
        <Show when=asks(|a| a.exterior)>
            <TextArea id="exterior" label=t.exterior_label hint=t.exterior_hint
                value=inputs.exterior error=error_of(Field::Exterior) />
        </Show>
        <Show when=asks(|a| a.new_address)>
            <TextArea id="new_address" label=t.new_address_label hint=t.new_address_hint
                autocomplete="street-address" value=inputs.new_address error=error_of(Field::NewAddress) required=true />
        </Show>
        <Show when=asks(|a| a.dimensions)>
            <details class="pd-field pd-dimensions" open=move || dims_error.with(Option::is_some)>
                <summary>{t.size_legend}</summary>
                <p class="pd-hint">{t.size_hint}</p>
                <div class="pd-row">
                    {dim("dimensions-length", t.length, inputs.length)}
                    {dim("dimensions-width", t.width, inputs.width)}
                    {dim("dimensions-height", t.height, inputs.height)}
                </div>
                <FieldErrorText id="dimensions-error".to_owned() error=dims_error />
            </details>
        </Show>
        <Show when=move || claim.get().is_some_and(|c| c == ClaimType::Other)
            fallback=move || view! {
                <TextArea id="remarks" label=t.remarks value=inputs.remarks
                    error=error_of(Field::Remarks) />
            }>
            <TextArea id="remarks" label=t.missing_remarks value=inputs.remarks
                error=error_of(Field::Remarks) required=true />
        </Show>
    }
}

/// Everything the form asks once it knows which claim it files: that
/// claim's questions, photos and wish, the customer's e-mail address and
/// name, and the declaration; and the sending ([`super::filing`]). In the split build (cargo feature `split`)
/// this is its own module (src/lazy.rs): nobody answers it before picking
/// what happened, and it is prefetched when the browser is idle after the
/// form is on the page.
#[component]
pub fn Details(filing: Filing) -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    let Filing { inputs, claim, error_text: error_of, .. } = filing;
    super::filing::arm(filing);
    let asks = move || claim.get().map(Asks::of);
    let error_of = move |field: Field| error_of.run(field);
    view! {
        <Questions inputs=inputs claim=claim error_of=error_of />
        <Show when=move || asks().is_some_and(|a| a.photos)>
            <Photos photos=inputs.photos error=error_of(Field::Photos) />
        </Show>
        <Show when=move || asks().is_some_and(|a| a.resolution)>
            <ResolutionChoice resolution=inputs.resolution />
        </Show>
        <fieldset class="pd-field">
            <legend>{t.you_legend}</legend>
            <TextField id="email" label=t.email hint=t.email_hint input_type="email"
                autocomplete="email" value=inputs.email error=error_of(Field::Email) required=true />
            <TextField id="name" label=t.name autocomplete="name" value=inputs.name
                error=error_of(Field::Name) required=true />
        </fieldset>
        <Show when=move || asks().is_some_and(|a| a.declaration)>
            <Declaration declared=inputs.declared signed_name=inputs.signed_name
                error=error_of(Field::Declaration) name_error=error_of(Field::SignedName) />
        </Show>
    }
}

/// [`Details`], whose code and texts may load after the form
/// (src/lazy.rs): both are fetched at once, and it is shown once both are
/// there.
#[cfg(feature = "split")]
pub fn lazy_details(filing: Filing) -> AnyView {
    let lang = expect_context::<Ctx>().lang;
    crate::lazy::when_loaded(move || crate::lazy::with_texts(lang, details_view(filing)), None)
}

/// [`Details`] (without the split, its code and texts are there).
#[cfg(not(feature = "split"))]
pub fn lazy_details(filing: Filing) -> AnyView {
    view! { <Details filing=filing /> }.into_any()
}

/// [`Details`] in its own module (split builds), which the claim form
/// prefetches when the browser is idle after it is on the page.
#[cfg(feature = "split")]
#[leptos::wasm_split::wasm_split(
    claim_details_view,
    wasm_split_path = ::leptos::wasm_split,
    preload(preload_details),
    fallible
)]
fn details_view(filing: Filing) -> crate::lazy::Loaded {
    crate::lazy::with_view_texts(move || view! { <Details filing=filing /> }.into_any())
}

/// Loads [`Details`]' module and texts when the browser is next idle.
#[cfg(feature = "split")]
pub fn prefetch_details() {
    crate::lazy::prefetch_on_idle(preload_details);
    crate::lazy::prefetch_view_texts(expect_context::<Ctx>().lang);
}

/// Photos by what they show: as many as the customer has, several per
/// pick, the camera on phones; at most [`MAX_PHOTOS`] in all (the claim's
/// photo fields upstream).
#[component]
fn Photos(
    photos: [(PhotoRole, RwSignal<Vec<Picked>>); 3],
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    let label = |role: PhotoRole| match role {
        PhotoRole::Damage => (t.photos_damage, "photos-damage"),
        PhotoRole::Contents => (t.photos_contents, "photos-contents"),
        PhotoRole::Packaging => (t.photos_packaging, "photos-packaging"),
    };
    view! {
        <fieldset class="pd-field pd-documents" class:pd-invalid=move || error.with(Option::is_some)>
            <legend><LabelText text=t.photos required=true /></legend>
            <p class="pd-hint">{t.photos_hint}</p>
            // The three lists come as one part: in the split build their
            // code loads after the form, once for all three (src/lazy.rs).
            {lazy_file_lists(move || photos.into_iter().enumerate().map(|(i, (role, files))| {
                let (text, id) = label(role);
                // The first list carries the field's error.
                let error = if i == 0 { error } else { Signal::derive(|| None::<String>) };
                // Six in all: each list has room for what the others left.
                let others = photos.into_iter().filter(|(r, _)| *r != role).map(|(_, f)| f).collect::<Vec<_>>();
                let room = Signal::derive(move || MAX_PHOTOS.saturating_sub(others.iter().map(|f| f.with(Vec::len)).sum()));
                FileListProps::builder().id(id).label(text).files(files).max_files(room)
                    .error(error).upload_route(Route::UploadFile).limits(&PHOTOS).photos(true).build()
            }).collect())}
        </fieldset>
    }
}

/// [`crate::upload::FileList`]s made from `props`, whose code may load
/// after the form: in the split build (cargo feature `split`) the lists and
/// the whole upload pipeline are their own module, prefetched when the
/// browser is idle (src/lazy.rs); without it, the lists themselves.
fn lazy_file_lists(props: impl Fn() -> Vec<FileListProps> + Send + Sync + 'static) -> AnyView {
    #[cfg(feature = "split")]
    return crate::lazy::file_lists(props);
    #[cfg(not(feature = "split"))]
    props().into_iter().map(crate::upload::FileList).collect_view().into_any()
}

/// The customer's wish: for the shop, never sent to the carrier.
#[component]
fn ResolutionChoice(resolution: RwSignal<Option<Resolution>>) -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    let none = || Signal::derive(|| None::<String>);
    let is = move |r: Resolution| Signal::derive(move || resolution.get() == Some(r));
    view! {
        <fieldset class="pd-field">
            <legend>{t.resolution_legend}</legend>
            <p class="pd-hint">{t.resolution_hint}</p>
            {radio("resolution", "resolution-refund", t.resolution_refund, none(), is(Resolution::Refund),
                move || resolution.set(Some(Resolution::Refund)))}
            {radio("resolution", "resolution-replacement", t.resolution_replacement, none(), is(Resolution::Replacement),
                move || resolution.set(Some(Resolution::Replacement)))}
            {radio("resolution", "resolution-repair", t.resolution_repair, none(), is(Resolution::Repair),
                move || resolution.set(Some(Resolution::Repair)))}
        </fieldset>
    }
}

/// "I confirm that I have not received this parcel", signed with the
/// customer's typed name; the proxy turns it into the claim's PDF.
#[component]
fn Declaration(
    declared: RwSignal<bool>,
    signed_name: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] name_error: Signal<Option<String>>,
) -> impl IntoView {
    let t = expect_context::<Ctx>().texts;
    view! {
        <fieldset class="pd-field" class:pd-invalid=move || error.with(Option::is_some)>
            <legend>{t.declaration_legend}</legend>
            <div class="pd-check">
                <input type="checkbox" id="declaration" aria-required="true"
                    aria-invalid=move || error.with(Option::is_some).then_some("true")
                    aria-describedby=move || error.with(Option::is_some).then_some("declaration-error")
                    prop:checked=move || declared.get()
                    on:change=move |ev| declared.set(event_target_checked(&ev)) />
                <label for="declaration"><LabelText text=t.declaration_text required=true /></label>
            </div>
            <FieldErrorText id="declaration-error".to_owned() error=error />
            <TextField id="signed_name" label=t.signed_name hint=t.signed_name_hint autocomplete="name"
                value=signed_name error=name_error required=true />
        </fieldset>
    }
}
