//! The upload component: a file field that uploads as soon as a file is
//! picked (file picker, drag and drop, or the phone camera), while the
//! customer goes on with the form. Per file: a progress bar, cancel, retry,
//! a thumbnail for photos. Photos are shrunk in the browser first
//! (`prepare`). The field keeps only the upstream file token.

mod list;
pub mod prepare;
mod slot;
pub mod xhr;

pub use list::{FileList, FileListProps, Picked};
pub use slot::Slot;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parcel_desk_wire::Route;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use web_sys::{Blob, File, HtmlInputElement, ImageBitmap};

use crate::api::ApiFailure;
use crate::fields::{FieldErrorText, LabelText};
use crate::i18n::Texts;
use crate::Ctx;
use prepare::{prepare, Limits, PrepareError, SUPPORT};

/// Where one file field stands. `Done` (name and token) is what drafts keep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Upload {
    Empty,
    Preparing { name: String },
    Uploading { name: String, sent: f64, total: f64 },
    Done { name: String, token: String },
    Failed { name: String, message: String, retry: bool },
}

impl Upload {
    pub fn token(&self) -> Option<&str> {
        match self {
            Upload::Done { token, .. } => Some(token),
            _ => None,
        }
    }

    pub fn busy(&self) -> bool {
        matches!(self, Upload::Preparing { .. } | Upload::Uploading { .. })
    }
}

fn prepare_error_text(t: &Texts, e: PrepareError, limits: &Limits) -> &'static str {
    let jtl = std::ptr::eq(limits, &prepare::JTL);
    let photos = std::ptr::eq(limits, &prepare::PHOTOS);
    match e {
        PrepareError::Type if photos => t.err_photo_type,
        PrepareError::Type if jtl => t.err_attachment_type,
        PrepareError::TooLarge if jtl => t.err_attachment_too_large,
        PrepareError::Type => t.err_file_type,
        PrepareError::TooLarge => t.err_file_too_large,
        PrepareError::Heic => t.err_heic,
        PrepareError::Undecodable => t.err_image_unreadable,
    }
}

fn upload_error_text(t: &Texts, f: &ApiFailure) -> String {
    match f.status() {
        Some(413) => t.err_file_too_large.into(),
        Some(415) => t.err_file_type.into(),
        _ => crate::api::failure_text(t, f),
    }
}

/// Draws a photo into the thumbnail canvas, keeping its aspect ratio.
fn draw_thumbnail(canvas: &web_sys::HtmlCanvasElement, bitmap: &ImageBitmap) {
    let Ok(Some(ctx)) = canvas.get_context("2d") else { return };
    let Ok(ctx) = ctx.dyn_into::<web_sys::CanvasRenderingContext2d>() else { return };
    let (cw, ch) = (canvas.width() as f64, canvas.height() as f64);
    let (w, h) = (bitmap.width() as f64, bitmap.height() as f64);
    let scale = (cw / w).min(ch / h);
    let (dw, dh) = (w * scale, h * scale);
    ctx.clear_rect(0.0, 0.0, cw, ch);
    let _ = ctx.draw_image_with_image_bitmap_and_dw_and_dh(bitmap, (cw - dw) / 2.0, (ch - dh) / 2.0, dw, dh);
}

#[component]
pub fn FileField(
    #[prop(into)] id: String,
    label: &'static str,
    state: RwSignal<Upload>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(into)] required: Signal<bool>,
    #[prop(optional)] hint: Option<&'static str>,
    /// A photo slot: offers the camera and accepts images only.
    #[prop(optional)]
    photo: bool,
    /// The route files go to, default `POST /dsf/files`.
    #[prop(default = parcel_desk_wire::Route::UploadFile)]
    upload_route: parcel_desk_wire::Route,
    /// What that route accepts, default Sendcloud's limits.
    #[prop(default = &SUPPORT)]
    limits: &'static Limits,
) -> impl IntoView {
    let hint = hint.filter(|h| !h.is_empty());
    let ctx = expect_context::<Ctx>();
    let t = ctx.texts;
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let thumb_ref = NodeRef::<leptos::html::Canvas>::new();
    let slot = Slot::with_state(state);
    let has_thumb = RwSignal::new(false);
    let upload_url = StoredValue::new(ctx.proxy.url(&upload_route, &[]));
    let dragging = RwSignal::new(false);

    let pick = move |file: File| {
        has_thumb.set(false);
        slot.pick(file, upload_url.get_value(), limits, t, move |p| {
            if let (Some(bitmap), Some(canvas)) = (&p.bitmap, thumb_ref.get_untracked()) {
                draw_thumbnail(&canvas, bitmap);
                has_thumb.set(true);
            }
        });
    };

    let on_change = move |ev: leptos::ev::Event| {
        let input = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok());
        if let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) {
            pick(file);
        }
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(file) = ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)) {
            pick(file);
        }
    };
    let on_dragover = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    };
    let cancel = move |_| slot.abort();
    let retry = move |_| slot.retry(upload_url.get_value(), t);
    let remove = move |_| {
        slot.clear();
        has_thumb.set(false);
        if let Some(input) = input_ref.get() {
            input.set_value("");
        }
    };

    let shown_error = Signal::derive(move || match state.get() {
        Upload::Failed { message, .. } => Some(message),
        _ => error.get(),
    });
    let (hint_id, status_id, error_id) = (format!("{id}-hint"), format!("{id}-status"), format!("{id}-error"));
    let described = {
        let base = if hint.is_some() { format!("{hint_id} {status_id}") } else { status_id.clone() };
        let error_id = error_id.clone();
        move || {
            if shown_error.with(Option::is_some) {
                format!("{base} {error_id}")
            } else {
                base.clone()
            }
        }
    };
    let accept = if photo {
        "image/*"
    } else if std::ptr::eq(limits, &prepare::JTL) {
        "image/*,application/pdf,.doc,.docx,.xls,.xlsx,.txt"
    } else {
        "image/*,application/pdf,.doc,.docx,.odt,.rtf,.txt"
    };
    let camera_id = format!("{id}-camera");

    view! {
        <div class="pd-field pd-file" class:pd-invalid=move || shown_error.with(Option::is_some)
            class:pd-dragging=move || dragging.get()
            on:dragover=on_dragover on:dragleave=move |_| dragging.set(false) on:drop=on_drop>
            <label for=id.clone()>
                <LabelText text=label required=required />
            </label>
            {hint.map(|h| view! { <p class="pd-hint" id=hint_id>{h}</p> })}
            <div class="pd-file-pick">
                <input type="file" id=id.clone() name=id node_ref=input_ref accept=accept
                    aria-required=move || required.get().then_some("true")
                    aria-invalid=move || shown_error.with(Option::is_some).then_some("true")
                    aria-describedby=described
                    on:change=on_change />
                {photo.then(|| view! {
                    <label class="pd-camera" for=camera_id.clone()>{t.take_photo}</label>
                    <input type="file" class="pd-visually-hidden" id=camera_id.clone() accept="image/*"
                        capture="environment" on:change=on_change />
                })}
            </div>
            <p class="pd-hint pd-drop-hint">{t.drop_hint}</p>
            <div class="pd-file-status" id=status_id aria-live="polite">
                <canvas class="pd-thumb" class:pd-hidden=move || !has_thumb.get() width="64" height="64"
                    node_ref=thumb_ref aria-hidden="true"></canvas>
                {move || match state.get() {
                    Upload::Empty => None,
                    Upload::Preparing { name } => Some(view! {
                        <span class="pd-muted">{format!("{name}: {}", t.preparing)}</span>
                    }.into_any()),
                    Upload::Uploading { name, sent, total } => {
                        // A whole number: formatting floats would add
                        // Rust's float printer to the wasm.
                        let percent = if total > 0.0 { (sent / total * 100.0).round().clamp(0.0, 100.0) as u32 } else { 0 };
                        Some(view! {
                            <span class="pd-muted">{format!("{name}: {} {percent} %", t.uploading)}</span>
                            <progress max="100" prop:value=percent
                                aria-label=format!("{} {name}", t.upload_progress)></progress>
                            <button type="button" class="pd-link" on:click=cancel>{t.cancel}</button>
                        }.into_any())
                    }
                    Upload::Done { name, .. } => Some(view! {
                        <span class="pd-uploaded">{format!("{name}: {}", t.uploaded)}</span>
                        <button type="button" class="pd-link" on:click=remove
                            aria-label=format!("{} {name}", t.remove_file)>{t.remove_file}</button>
                    }.into_any()),
                    Upload::Failed { retry: can_retry, .. } => {
                        let can_retry = can_retry && slot.can_retry();
                        can_retry.then(|| view! {
                            <button type="button" class="pd-link" on:click=retry>{t.retry}</button>
                        }.into_any())
                    }
                }}
            </div>
            <FieldErrorText id=error_id error=shown_error />
        </div>
    }
}
