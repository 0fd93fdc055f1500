//! Claims for lost (and, later, damaged) parcels.

pub mod file_field;
pub mod form;
pub mod model;

pub use form::LostClaimForm;
