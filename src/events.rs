//! Events for the host page: `CustomEvent`s that bubble and are composed,
//! so they cross the shadow boundary and reach listeners on the
//! `<parcel-desk>` element and above.
//!
//! | event | detail |
//! |---|---|
//! | `parcel-desk:ready` | `{}` (fired by the element script once mounted) |
//! | `parcel-desk:submitted` | `{ kind: "claim" \| "contact", claimType?, ticketId, accessToken? }` |
//! | `parcel-desk:error` | `{ status: number \| null, message }` |
//! | `parcel-desk:view-change` | `{ view }` |

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

/// Sends events from the widget's root element.
#[derive(Clone, Copy)]
pub struct Emitter {
    pub root: NodeRef<Div>,
}

impl Emitter {
    pub fn emit(&self, name: &str, detail: &[(&str, JsValue)]) {
        let Some(root) = self.root.get_untracked() else { return };
        let object = js_sys::Object::new();
        for (k, v) in detail {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(k), v);
        }
        let init = CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&object);
        if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
            let _ = root.dispatch_event(&event);
        }
    }
}

/// Emits an event if the widget has an emitter (it always has, once mounted).
pub fn emit(name: &str, detail: &[(&str, JsValue)]) {
    if let Some(e) = use_context::<Emitter>() {
        e.emit(name, detail);
    }
}

pub fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}
