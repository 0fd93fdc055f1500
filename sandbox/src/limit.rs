//! Upstream's rate limits as the sandbox simulates them: at most `limit`
//! calls in any rolling window, for the one account it serves; the same
//! limiter as the proxy's ([`parcel_desk_wire::ratelimit::SlidingWindow`]).

use std::time::Duration;

use parcel_desk_wire::ratelimit::{retry_after_secs, SlidingWindow};

/// A sliding window over one account's calls.
#[derive(Debug)]
pub(crate) struct Window(SlidingWindow<()>);

impl Window {
    /// `limit` calls per `window`; a limit of 0 disables it.
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        Window(SlidingWindow::new(limit, window))
    }

    /// Records a call if allowed. `Err(secs)` when over the limit: whole
    /// seconds (rounded up, at least 1) until the oldest call leaves the
    /// window, for `Retry-After` (nothing is recorded then).
    pub(crate) fn check(&self) -> Result<(), u64> {
        self.0.check(&()).map_err(retry_after_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_then_says_how_long_to_wait() {
        let w = Window::new(2, Duration::from_secs(60));
        assert_eq!(w.check(), Ok(()));
        assert_eq!(w.check(), Ok(()));
        let secs = w.check().unwrap_err();
        assert!((59..=60).contains(&secs), "{secs}");
        let off = Window::new(0, Duration::from_secs(60));
        assert!((0..100).all(|_| off.check().is_ok()));
    }
}
