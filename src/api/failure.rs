//! What went wrong with a call to the proxy, and how the widget says it:
//! one place for the words every view shows (the claim form, the contact
//! form, the staff view, the status and tracking views), the validation
//! issues an answer carries, and the `parcel-desk:error` event.

use parcel_desk_wire::{ErrorEnvelope, ValidationIssue};

use crate::i18n::Texts;

/// Why a call to the proxy did not give the expected answer.
#[derive(Clone, Debug, PartialEq)]
pub enum ApiFailure {
    /// The proxy (or upstream through it) answered with an error status.
    Http {
        status: u16,
        envelope: Option<ErrorEnvelope>,
        /// Seconds from a `Retry-After` header, on 429/503.
        retry_after: Option<u32>,
    },
    /// No answer at all: offline, DNS, CORS, the proxy is down.
    Network,
    /// An answer we could not read (not the documented JSON).
    BadAnswer(u16),
}

impl ApiFailure {
    /// The HTTP status, if there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiFailure::Http { status, .. } | ApiFailure::BadAnswer(status) => Some(*status),
            ApiFailure::Network => None,
        }
    }

    /// The upstream error detail, if any.
    pub fn detail(&self) -> &str {
        match self {
            ApiFailure::Http { envelope: Some(e), .. } => e.first_detail(),
            _ => "",
        }
    }

    /// The first error's code (`not_found`, `jtl_validation`, …), if any.
    pub fn code(&self) -> &str {
        match self {
            ApiFailure::Http { envelope: Some(e), .. } => e.errors.first().map_or("", |e| e.code.as_str()),
            _ => "",
        }
    }

    /// The field issues of a 400 answer (upstream's `Validation Error.
    /// Errors: [...]` detail); none for any other failure.
    pub fn validation_issues(&self) -> Vec<ValidationIssue> {
        match self {
            ApiFailure::Http { status: 400, envelope: Some(env), .. } => env.validation_issues(),
            _ => Vec::new(),
        }
    }

    /// Tells the page: `parcel-desk:error` with `{status, message}`.
    pub fn emit(&self, message: &str) {
        crate::events::error(self.status(), message);
    }
}

/// The banner text for a failed call that is not about single fields.
pub fn failure_text(t: &Texts, f: &ApiFailure) -> String {
    let detail = f.detail();
    match f {
        ApiFailure::Network => t.err_network.into(),
        ApiFailure::Http { status: 429, retry_after, .. } => match retry_after {
            Some(secs) => t.err_rate_limited_secs.replace("{}", &t.seconds(*secs)),
            None => t.err_rate_limited.into(),
        },
        ApiFailure::Http { status: 400, .. } if detail.contains("Parcel not found") => t.err_parcel_not_found.into(),
        ApiFailure::Http { status: 422, .. } if detail.contains("already delivered") => t.err_already_delivered.into(),
        ApiFailure::Http { status: 422, .. } if detail.contains("support contact") => t.err_no_carrier_contact.into(),
        ApiFailure::Http { status: 400 | 413 | 415 | 422, .. } if !detail.is_empty() => {
            format!("{} {detail}", t.err_unprocessable)
        }
        ApiFailure::Http { status: 502..=504, .. } => t.err_unavailable.into(),
        _ => t.err_unexpected.into(),
    }
}
