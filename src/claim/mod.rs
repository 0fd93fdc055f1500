//! The customer's claim: what happened to their parcel, in their words.

pub(crate) mod filing;
pub mod form;
mod inputs;
mod keep;
mod lookup;
pub mod model;
pub(crate) mod questions;
mod situation;

use std::sync::{Arc, Mutex};

pub use form::ClaimForm;
#[cfg(feature = "split")]
pub(crate) use keep::preload as preload_draft;
use model::Situation;
pub(crate) use situation::situation_label;

use crate::View;

// What the claim form starts from after the split build's first step
// (`crate::first`, which shows the form's first step before the widget's
// module is there).

/// What the first step's claim form held when the widget took over.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FormValues {
    /// The order number is asked instead of the tracking number.
    pub use_order: bool,
    pub tracking_number: String,
    pub order_number: String,
    pub situation: Option<Situation>,
}

/// What the widget starts from (context of the widget mounted by
/// `mount`): the tab the customer moved to, and the claim form's answers,
/// taken by the first claim form made.
#[derive(Clone, Debug, Default)]
pub struct Handed {
    /// The view the customer moved to before the widget was there.
    pub view: Option<View>,
    form: Arc<Mutex<Option<FormValues>>>,
}

impl Handed {
    /// What the first step hands over.
    pub fn new(view: Option<View>, form: Option<FormValues>) -> Handed {
        Handed { view, form: Arc::new(Mutex::new(form)) }
    }

    /// The first step's answers, once (a later claim form starts empty).
    pub fn take_form(&self) -> Option<FormValues> {
        self.form.lock().ok()?.take()
    }
}
