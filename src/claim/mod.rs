//! The customer's claim: what happened to their parcel, in their words.

pub mod form;
mod inputs;
mod lookup;
pub mod model;
mod questions;

pub use form::ClaimForm;
