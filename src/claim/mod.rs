//! Claims for lost and damaged parcels.

pub mod form;
pub mod model;

pub use form::ClaimForm;
