//! A document field: pick a file, it uploads at once to `POST /dsf/files`
//! while the customer goes on with the form, and the field keeps the token.

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::upload::{is_allowed_type, MAX_UPLOAD_BYTES};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use crate::fields::{FieldErrorText, LabelText};
use crate::Ctx;

/// Where one file field stands.
#[derive(Clone, Debug, PartialEq)]
pub enum Upload {
    Empty,
    Uploading { name: String },
    Done { name: String, token: String },
    /// The last attempt was refused; the message says what to do.
    Failed { name: String, message: String },
}

impl Upload {
    pub fn token(&self) -> Option<&str> {
        match self {
            Upload::Done { token, .. } => Some(token),
            _ => None,
        }
    }
}

#[component]
pub fn FileField(
    id: &'static str,
    label: &'static str,
    state: RwSignal<Upload>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] required: Signal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let input_ref = NodeRef::<leptos::html::Input>::new();

    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        let name = file.name();
        if file.size() > MAX_UPLOAD_BYTES as f64 {
            state.set(Upload::Failed { name, message: t.err_file_too_large.into() });
            return;
        }
        if !is_allowed_type(&file.type_()) {
            state.set(Upload::Failed { name, message: t.err_file_type.into() });
            return;
        }
        state.set(Upload::Uploading { name: name.clone() });
        let proxy = ctx.proxy.clone();
        spawn_local(async move {
            let next = match proxy.upload(&file).await {
                Ok(answer) => Upload::Done { name, token: answer.file_token },
                Err(failure) => {
                    let message = match failure.status() {
                        Some(413) => t.err_file_too_large.to_owned(),
                        Some(415) => t.err_file_type.to_owned(),
                        _ => crate::claim::form::failure_text(t, &failure),
                    };
                    Upload::Failed { name, message }
                }
            };
            // The customer may have removed or replaced the file meanwhile.
            if state.with_untracked(|s| matches!(s, Upload::Uploading { .. })) {
                state.set(next);
            }
        });
    };

    let remove = move |_| {
        state.set(Upload::Empty);
        if let Some(input) = input_ref.get() {
            input.set_value("");
        }
    };

    // A refused file is an error of the field, like a missing one.
    let shown_error = Signal::derive(move || match state.get() {
        Upload::Failed { message, .. } => Some(message),
        _ => error.get(),
    });
    let described = move || {
        let mut ids = format!("{id}-status");
        if shown_error.with(Option::is_some) {
            ids.push_str(&format!(" {id}-error"));
        }
        ids
    };

    view! {
        <div class="pd-field pd-file" class:pd-invalid=move || shown_error.with(Option::is_some)>
            <label for=id>
                <LabelText text=label required=required />
            </label>
            <input
                type="file"
                id=id
                name=id
                node_ref=input_ref
                accept="image/*,application/pdf,.doc,.docx,.odt,.rtf,.txt"
                aria-required=move || required.get().then_some("true")
                aria-invalid=move || shown_error.with(Option::is_some).then_some("true")
                aria-describedby=described
                on:change=on_change
            />
            <p class="pd-file-status" id=format!("{id}-status") aria-live="polite">
                {move || match state.get() {
                    Upload::Empty | Upload::Failed { .. } => None,
                    Upload::Uploading { name } => Some(view! {
                        <span class="pd-uploading">{format!("{name}: {}", t.uploading)}</span>
                    }.into_any()),
                    Upload::Done { name, .. } => Some(view! {
                        <span class="pd-uploaded">{format!("{name}: {}", t.uploaded)}</span>
                        " "
                        <button type="button" class="pd-link" on:click=remove
                            aria-label=format!("{} {name}", t.remove_file)>{t.remove_file}</button>
                    }.into_any()),
                }}
            </p>
            <FieldErrorText id=format!("{id}-error") error=shown_error />
        </div>
    }
}
