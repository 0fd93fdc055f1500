//! A small in-memory sliding-window rate limiter (one per limit, keyed by
//! client or by credentials).

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Allows at most `limit` events per key in any rolling `window`.
///
/// Memory per key is bounded by `limit` timestamps; keys whose events have
/// all expired are swept every 1024 calls.
#[derive(Debug)]
pub struct SlidingWindow<K> {
    limit: u32,
    window: Duration,
    state: Mutex<State<K>>,
}

#[derive(Debug)]
struct State<K> {
    events: HashMap<K, VecDeque<Instant>>,
    calls: u64,
}

impl<K: Eq + Hash + Clone> SlidingWindow<K> {
    /// `limit` events per `window`; a limit of 0 disables the limiter.
    pub fn new(limit: u32, window: Duration) -> Self {
        SlidingWindow { limit, window, state: Mutex::new(State { events: HashMap::new(), calls: 0 }) }
    }

    /// The configured number of events per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Records an event for `key` if allowed. `Err(retry_after)` when the
    /// key is over its limit: the time until the oldest event leaves the
    /// window (nothing is recorded then).
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.check_at(key, Instant::now())
    }

    fn check_at(&self, key: &K, now: Instant) -> Result<(), Duration> {
        if self.limit == 0 {
            return Ok(());
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.calls += 1;
        if state.calls.is_multiple_of(1024) {
            let window = self.window;
            state.events.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        let queue = state.events.entry(key.clone()).or_default();
        while queue.front().is_some_and(|t| now.duration_since(*t) >= self.window) {
            queue.pop_front();
        }
        if queue.len() >= self.limit as usize {
            let oldest = *queue.front().expect("non-empty at limit");
            return Err(self.window.saturating_sub(now.duration_since(oldest)));
        }
        queue.push_back(now);
        Ok(())
    }
}

/// Whole seconds for a `Retry-After` header, rounded up, at least 1.
pub fn retry_after_secs(d: Duration) -> u64 {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_key_and_recovers() {
        let rl = SlidingWindow::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(rl.check_at(&"a", t0).is_ok());
        assert!(rl.check_at(&"a", t0 + Duration::from_secs(10)).is_ok());
        let wait = rl.check_at(&"a", t0 + Duration::from_secs(20)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(40));
        assert!(rl.check_at(&"b", t0 + Duration::from_secs(20)).is_ok());
        assert!(rl.check_at(&"a", t0 + Duration::from_secs(61)).is_ok());
        assert_eq!(retry_after_secs(Duration::from_millis(1500)), 2);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }

    #[test]
    fn zero_disables() {
        let rl = SlidingWindow::new(0, Duration::from_secs(60));
        for _ in 0..100 {
            assert!(rl.check(&1).is_ok());
        }
    }
}
