//! `POST /dsf/files` through XMLHttpRequest: fetch has no upload progress,
//! XHR's `upload.onprogress` does.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use parcel_desk_wire::{ErrorEnvelope, FileTokenResponse};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, FormData, ProgressEvent, XmlHttpRequest};

use crate::api::ApiFailure;

/// The event listeners that settle one transfer, dropped together.
type Settlers = Rc<RefCell<Vec<Closure<dyn FnMut()>>>>;

/// A running upload; `abort()` cancels it (its future then ends with `None`).
#[derive(Clone)]
pub struct Transfer {
    xhr: XmlHttpRequest,
}

impl Transfer {
    pub fn abort(&self) {
        let _ = self.xhr.abort();
    }
}

/// Starts uploading `blob` as part `file` named `name` to `url`.
/// `progress(sent, total)` is called as bytes go out.
pub fn start(
    url: &str,
    blob: &Blob,
    name: &str,
    progress: impl Fn(f64, f64) + 'static,
) -> Result<(Transfer, impl std::future::Future<Output = Option<Result<FileTokenResponse, ApiFailure>>>), JsValue> {
    let form = FormData::new()?;
    form.append_with_blob_and_filename("file", blob, name)?;
    let xhr = XmlHttpRequest::new()?;
    xhr.open("POST", url)?;
    xhr.set_request_header("Accept", "application/json")?;

    let on_progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() {
            progress(ev.loaded(), ev.total());
        }
    });
    xhr.upload()?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));

    // Settles with "load", "error" or "abort".
    let settle: Settlers = Rc::default();
    let promise = Promise::new(&mut |resolve, _| {
        for outcome in ["load", "error", "abort", "timeout"] {
            let resolve = resolve.clone();
            let cb = Closure::<dyn FnMut()>::new(move || {
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(outcome));
            });
            let _ = xhr.add_event_listener_with_callback(outcome, cb.as_ref().unchecked_ref());
            settle.borrow_mut().push(cb);
        }
    });
    xhr.send_with_opt_form_data(Some(&form))?;

    let transfer = Transfer { xhr: xhr.clone() };
    let done = async move {
        let outcome = JsFuture::from(promise).await.ok()?.as_string().unwrap_or_default();
        drop(on_progress);
        drop(settle);
        match outcome.as_str() {
            "abort" => None,
            "load" => Some(read(&xhr)),
            _ => Some(Err(ApiFailure::Network)),
        }
    };
    Ok((transfer, done))
}

fn read(xhr: &XmlHttpRequest) -> Result<FileTokenResponse, ApiFailure> {
    let status = xhr.status().unwrap_or(0);
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        return crate::json::from_str(&text).ok_or(ApiFailure::BadAnswer(status));
    }
    let retry_after = xhr.get_response_header("retry-after").ok().flatten().and_then(|v| v.trim().parse().ok());
    Err(ApiFailure::Http { status, envelope: crate::json::from_str::<ErrorEnvelope>(&text), retry_after })
}
