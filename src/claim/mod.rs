//! The customer's claim: what happened to their parcel, in their words.

pub mod form;
mod inputs;
#[cfg(feature = "split")]
pub(crate) use inputs::Inputs;
mod lookup;
pub mod model;
pub(crate) mod questions;

pub use form::ClaimForm;
