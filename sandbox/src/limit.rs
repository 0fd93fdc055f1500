//! Upstream's rate limits as the sandbox simulates them: at most `limit`
//! calls in any rolling window, for the one account it serves.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A sliding window over one account's calls.
#[derive(Debug)]
pub(crate) struct Window {
    limit: u32,
    window: Duration,
    calls: Mutex<VecDeque<Instant>>,
}

impl Window {
    /// `limit` calls per `window`; a limit of 0 disables it.
    pub(crate) fn new(limit: u32, window: Duration) -> Self {
        Window { limit, window, calls: Mutex::new(VecDeque::new()) }
    }

    /// Records a call if allowed. `Err(secs)` when over the limit: whole
    /// seconds (rounded up, at least 1) until the oldest call leaves the
    /// window, for `Retry-After` (nothing is recorded then).
    pub(crate) fn check(&self) -> Result<(), u64> {
        self.check_at(Instant::now())
    }

    fn check_at(&self, now: Instant) -> Result<(), u64> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut calls = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        while calls.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            calls.pop_front();
        }
        if let Some(oldest) = calls.front().filter(|_| calls.len() >= self.limit as usize) {
            let wait = self.window.saturating_sub(now.duration_since(*oldest));
            return Err((wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1));
        }
        calls.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_recovers() {
        let w = Window::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(w.check_at(t0).is_ok());
        assert!(w.check_at(t0 + Duration::from_secs(10)).is_ok());
        assert_eq!(w.check_at(t0 + Duration::from_millis(20_500)), Err(40));
        assert_eq!(w.check_at(t0 + Duration::from_secs(60) - Duration::from_millis(1)), Err(1));
        assert!(w.check_at(t0 + Duration::from_secs(61)).is_ok());
        let off = Window::new(0, Duration::from_secs(60));
        assert!((0..100).all(|_| off.check().is_ok()));
    }
}
