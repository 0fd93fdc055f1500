//! The customer's claim: what happened to their parcel, in their words.

pub(crate) mod filing;
pub mod form;
mod inputs;
mod keep;
mod lookup;
pub mod model;
pub(crate) mod questions;
mod situation;

pub use form::ClaimForm;
pub(crate) use situation::situation_label;
