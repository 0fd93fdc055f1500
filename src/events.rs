//! What the widget tells the page and the app around it: `CustomEvent`s
//! that bubble and are composed, so they cross the shadow boundary and
//! reach listeners on the `<parcel-desk>` element and above; and, for a
//! Leptos app, the typed callbacks of [`ParcelDeskOptions`](crate::ParcelDeskOptions),
//! called with the same facts.
//!
//! | event | detail | callback |
//! |---|---|---|
//! | `parcel-desk:ready` | `{}` (fired by the element script once mounted) | — |
//! | `parcel-desk:submitted` | `{ kind: "claim" \| "contact", claimType?, reference?, ticketId, accessToken }` | `on_submitted` ([`Submitted`]) |
//! | `parcel-desk:error` | `{ status: number \| null, message }` | `on_error` ([`WidgetError`]) |
//! | `parcel-desk:view-change` | `{ view }` | `on_view_change` ([`View`]) |

use leptos::html::Div;
use leptos::prelude::*;
use parcel_desk_wire::ClaimType;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

use crate::View;

/// What the customer sent, reported once it was accepted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    /// A claim or a message to the shop.
    pub kind: SubmittedKind,
    /// The claim's type (what happened), for a claim.
    pub claim_type: Option<ClaimType>,
    /// The claim's short reference for the customer (`PD-4K7Q-2M`), for a
    /// claim.
    pub reference: Option<String>,
    /// The claim id or the contact ticket's id.
    pub ticket_id: String,
    /// The proxy's access token for reading it back.
    pub access_token: String,
}

/// What was sent: see [`Submitted`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubmittedKind {
    /// A parcel claim (`POST /claims`).
    Claim,
    /// A question to the shop (JTL-SCX contact ticket).
    Contact,
}

impl SubmittedKind {
    /// `claim` or `contact`, as in the DOM event.
    pub fn as_str(self) -> &'static str {
        match self {
            SubmittedKind::Claim => "claim",
            SubmittedKind::Contact => "contact",
        }
    }
}

/// A call that failed and was shown to the customer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WidgetError {
    /// The proxy's HTTP status; `None` when no answer arrived.
    pub status: Option<u16>,
    /// The message the customer saw.
    pub message: String,
}

/// The typed callbacks of one widget (see [`crate::ParcelDeskOptions`]).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Callbacks {
    pub on_submitted: Option<Callback<Submitted>>,
    pub on_error: Option<Callback<WidgetError>>,
    pub on_view_change: Option<Callback<View>>,
}

/// Sends events from the widget's root element and calls the callbacks.
#[derive(Clone, Copy)]
pub(crate) struct Emitter {
    pub root: NodeRef<Div>,
    pub callbacks: Callbacks,
}

impl Emitter {
    fn dispatch(&self, name: &str, detail: &[(&str, JsValue)]) {
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

    pub fn view_changed(&self, view: View) {
        self.dispatch("parcel-desk:view-change", &[("view", text(view.name()))]);
        if let Some(cb) = self.callbacks.on_view_change {
            cb.run(view);
        }
    }
}

/// Reports an accepted claim or message: the DOM event, then `on_submitted`.
pub(crate) fn submitted(s: Submitted) {
    let Some(e) = use_context::<Emitter>() else { return };
    let mut detail = vec![("kind", text(s.kind.as_str()))];
    if let Some(c) = s.claim_type {
        detail.push(("claimType", text(c.as_str())));
    }
    if let Some(r) = &s.reference {
        detail.push(("reference", text(r)));
    }
    detail.push(("ticketId", text(&s.ticket_id)));
    detail.push(("accessToken", text(&s.access_token)));
    e.dispatch("parcel-desk:submitted", &detail);
    if let Some(cb) = e.callbacks.on_submitted {
        cb.run(s);
    }
}

/// Reports a failure shown to the customer: the DOM event, then `on_error`.
pub(crate) fn error(status: Option<u16>, message: &str) {
    let Some(e) = use_context::<Emitter>() else { return };
    e.dispatch(
        "parcel-desk:error",
        &[("status", status.map(JsValue::from).unwrap_or(JsValue::NULL)), ("message", text(message))],
    );
    if let Some(cb) = e.callbacks.on_error {
        cb.run(WidgetError { status, message: message.to_owned() });
    }
}

fn text(s: &str) -> JsValue {
    JsValue::from_str(s)
}
