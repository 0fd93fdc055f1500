//! Form controls with their label, hint and error tied to the input
//! (`for`/`id`, `aria-describedby`, `aria-invalid`), so a screen reader
//! reads the message with the field.

use leptos::prelude::*;

/// `aria-describedby` for a control: its hint and, while shown, its error.
fn described_by(id: &str, hint: bool, error: Signal<Option<String>>) -> impl Fn() -> Option<String> {
    let id = id.to_owned();
    move || {
        let mut ids = Vec::new();
        if hint {
            ids.push(format!("{id}-hint"));
        }
        if error.with(Option::is_some) {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The label text with a visual required mark (the input carries
/// `aria-required`, so the mark itself is hidden from screen readers).
#[component]
pub fn LabelText(text: &'static str, #[prop(into)] required: Signal<bool>) -> impl IntoView {
    view! {
        {text}
        {move || required.get().then(|| view! { <span class="pd-required" aria-hidden="true">" *"</span> })}
    }
}

/// The error line under a control.
#[component]
pub fn FieldErrorText(id: String, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|text| {
            view! { <p class="pd-field-error" id=id.clone()>{text}</p> }
        })
    }
}

/// A labelled single-line text input.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into, default = Signal::from(false))] required: Signal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
    /// `inputmode` for phones, e.g. `decimal` or `numeric`.
    #[prop(optional)]
    inputmode: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// `type` of the input (default `text`), e.g. `password`.
    #[prop(default = "text")]
    input_type: &'static str,
    /// What Enter in the input does instead of submitting the form.
    #[prop(optional)]
    on_enter: Option<Callback<()>>,
) -> impl IntoView {
    let hint = hint.filter(|h| !h.is_empty());
    let described = described_by(&id, hint.is_some(), error);
    let input = view! {
        <input
            part="input"
            type=input_type
            id=id.clone()
            name=id.clone()
            inputmode=inputmode
            autocomplete=autocomplete.unwrap_or("off")
            aria-required=move || required.get().then_some("true")
            aria-invalid=move || error.with(Option::is_some).then_some("true")
            aria-describedby=described
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                if let Some(enter) = on_enter.filter(|_| ev.key() == "Enter" && !ev.is_composing()) {
                    ev.prevent_default();
                    enter.run(());
                }
            }
        />
    }
    .into_any();
    labelled(id, label, hint, required, error, input)
}

/// A labelled multi-line text input. (A component of its own, not an
/// option of [`TextField`]: the claim form's first step has no text area,
/// and in the split build the code of one stays out of its module.)
#[component]
pub fn TextArea(
    #[prop(into)] id: String,
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into, default = Signal::from(false))] required: Signal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    let hint = hint.filter(|h| !h.is_empty());
    let described = described_by(&id, hint.is_some(), error);
    let input = view! {
        <textarea
            part="input"
            id=id.clone()
            name=id.clone()
            rows="3"
            autocomplete=autocomplete
            aria-required=move || required.get().then_some("true")
            aria-invalid=move || error.with(Option::is_some).then_some("true")
            aria-describedby=described
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        ></textarea>
    }
    .into_any();
    labelled(id, label, hint, required, error, input)
}

/// A control with its label, hint and error line.
fn labelled(
    id: String,
    label: &'static str,
    hint: Option<&'static str>,
    required: Signal<bool>,
    error: Signal<Option<String>>,
    input: AnyView,
) -> impl IntoView {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    view! {
        <div class="pd-field" class:pd-invalid=move || error.with(Option::is_some)>
            <label for=id>
                <LabelText text=label required=required />
            </label>
            {hint.map(|h| view! { <p class="pd-hint" id=hint_id>{h}</p> })}
            {input}
            <FieldErrorText id=error_id error=error />
        </div>
    }
}

/// `text` ("Loading…") as a status, where a part is still on its way: a
/// view whose module is loading, a claim form whose stored draft waits
/// (the split build's first step writes the same markup, src/first.rs).
pub fn loading(text: &'static str) -> AnyView {
    view! { <p class="pd-hint" role="status">{text}</p> }.into_any()
}

/// Moves focus to the control with `id` in the same (shadow) root as
/// `from`: links to `#id` cannot do that by themselves inside a shadow root.
pub fn focus_by_id(from: &web_sys::Element, id: &str) {
    use wasm_bindgen::JsCast;
    let root = from.get_root_node();
    let target = match root.dyn_ref::<web_sys::ShadowRoot>() {
        Some(shadow) => shadow.get_element_by_id(id),
        None => root.dyn_ref::<web_sys::Document>().and_then(|d| d.get_element_by_id(id)),
    };
    if let Some(el) = target.and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

/// The banner after a submit that found problems: what to do, then one
/// link per field with an error (`<a href="#id">Label</a>`), which moves
/// focus to that field. The links follow `links` as errors come and go.
#[component]
pub fn ErrorSummary(
    /// The banner's sentence.
    text: String,
    /// (control id, label) of each field with an error, in form order.
    #[prop(into)]
    links: Signal<Vec<(String, &'static str)>>,
) -> impl IntoView {
    view! {
        <div class="pd-banner" part="banner" role="alert">
            {text}
            {move || {
                let links = links.get();
                (!links.is_empty()).then(|| view! {
                    <ul class="pd-error-links">
                        {links.into_iter().map(|(id, label)| {
                            let target = id.clone();
                            view! {
                                <li><a href=format!("#{id}") on:click=move |ev: leptos::ev::MouseEvent| {
                                    ev.prevent_default();
                                    if let Some(el) = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok()) {
                                        focus_by_id(&el, &target);
                                    }
                                }>{label}</a></li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
        </div>
    }
}
