//! Injected failures (`SandboxOptions::faults`): a share of ticket
//! creations and reads answers 500, 503 or 429, breaks the connection,
//! answers too late, or (creations) loses the answer after creating.

use axum::http::StatusCode;

use super::SandboxState;
use crate::error::SandboxError;

/// A failure the sandbox simulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fault {
    Internal,
    Unavailable,
    RateLimited,
    ResetBeforeAnswer,
    /// Answers only after `SandboxOptions::slow` (a creation still happens).
    Slow,
    /// Creates the ticket, then the answer is lost (reset).
    LostAfterCreate,
}

impl SandboxState {
    /// The fault for this call, if one is drawn.
    pub(super) fn fault(&self) -> Option<Fault> {
        if self.options.faults <= 0.0 {
            return None;
        }
        let mut inner = self.lock();
        let mut next = || {
            let mut x = inner.rng;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            inner.rng = x;
            x
        };
        let draw = (next() >> 11) as f64 / (1u64 << 53) as f64;
        if draw >= self.options.faults {
            return None;
        }
        self.options.stats.faults.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(match next() % 6 {
            0 => Fault::Internal,
            1 => Fault::Unavailable,
            2 => Fault::RateLimited,
            3 => Fault::ResetBeforeAnswer,
            4 => Fault::Slow,
            _ => Fault::LostAfterCreate,
        })
    }

    /// Draws and applies a read fault: `Err` is the answer to give instead.
    pub(super) async fn read_fault(&self) -> Result<(), SandboxError> {
        match self.fault() {
            None => Ok(()),
            Some(Fault::Slow) => {
                tokio::time::sleep(self.options.slow).await;
                Ok(())
            }
            Some(Fault::LostAfterCreate) => Err(SandboxError::Reset),
            Some(f) => Err(f.answer().unwrap_or(SandboxError::Reset)),
        }
    }
}

impl Fault {
    /// The answer of a fault that answers at once (`None`: the call goes on).
    pub(super) fn answer(self) -> Option<SandboxError> {
        match self {
            Fault::Internal => Some(SandboxError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_error",
                "Sandbox fault: internal error.",
            )),
            Fault::Unavailable => Some(SandboxError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "service_unavailable",
                "Sandbox fault: service unavailable.",
            )),
            Fault::RateLimited => Some(SandboxError::rate_limited("Sandbox fault: rate limit exceeded", 1)),
            Fault::ResetBeforeAnswer => Some(SandboxError::Reset),
            Fault::Slow | Fault::LostAfterCreate => None,
        }
    }
}
