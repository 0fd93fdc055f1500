//! The one in-memory rate limiter of the proxy and the sandbox (feature
//! `server`): a sliding window per key (a
//! client, or the whole process). It refuses at once ([`SlidingWindow::check`],
//! the per-client limits) or reserves the next free start and lets the
//! caller sleep until it ([`SlidingWindow::reserve`], JTL-SCX's request
//! pacing).

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
        self.reserve_at(key, now, Duration::ZERO).map(|_| ())
    }

    /// Reserves the earliest start for `key` that keeps it within its
    /// limit: `Ok(wait)` (reserved; start after sleeping `wait`), or
    /// `Err(wait)` when that start is more than `max_wait` away (nothing
    /// reserved). Reserved starts keep their order.
    pub fn reserve(&self, key: &K, max_wait: Duration) -> Result<Duration, Duration> {
        self.reserve_at(key, Instant::now(), max_wait)
    }

    fn reserve_at(&self, key: &K, now: Instant, max_wait: Duration) -> Result<Duration, Duration> {
        if self.limit == 0 {
            return Ok(Duration::ZERO);
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.calls += 1;
        if state.calls.is_multiple_of(1024) {
            let window = self.window;
            // A start reserved in the future counts as not yet expired.
            state.events.retain(|_, q| q.back().is_some_and(|t| now.saturating_duration_since(*t) < window));
        }
        let queue = state.events.entry(key.clone()).or_default();
        while queue.front().is_some_and(|t| now.saturating_duration_since(*t) >= self.window) {
            queue.pop_front();
        }
        let limit = self.limit as usize;
        let at = if queue.len() < limit { now } else { queue[queue.len() - limit] + self.window };
        let at = at.max(queue.back().copied().unwrap_or(now));
        let wait = at.saturating_duration_since(now);
        if wait > max_wait {
            return Err(wait);
        }
        queue.push_back(at);
        Ok(wait)
    }

    /// The starts recorded for `key`, oldest first (tests).
    #[cfg(test)]
    fn starts(&self, key: &K) -> Vec<Instant> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.events.get(key).map(|q| q.iter().copied().collect()).unwrap_or_default()
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

    #[test]
    fn reserve_queues_then_refuses() {
        let l = SlidingWindow::new(2, Duration::from_secs(60));
        assert_eq!(l.reserve(&(), Duration::ZERO).unwrap(), Duration::ZERO);
        assert_eq!(l.reserve(&(), Duration::ZERO).unwrap(), Duration::ZERO);
        // Third start must wait for the window: refused at max_wait 10 s…
        let wait = l.reserve(&(), Duration::from_secs(10)).unwrap_err();
        assert!(wait > Duration::from_secs(59));
        // …queued when the caller may wait.
        let w = l.reserve(&(), Duration::from_secs(120)).unwrap();
        assert!(w > Duration::from_secs(59));
        let w2 = l.reserve(&(), Duration::from_secs(120)).unwrap();
        assert!(w2 > Duration::from_secs(59));
        // Queued starts keep their order: each reserved instant is at or
        // after the one before. (Compared as instants: the waits are each
        // measured from their own `now`, so comparing them would depend on
        // how fast this test runs.)
        let slots = l.starts(&());
        assert_eq!(slots.len(), 4);
        assert!(slots.iter().zip(slots.iter().skip(1)).all(|(a, b)| a <= b), "{slots:?}");
    }

    #[test]
    fn reserve_never_exceeds_limit_in_a_window() {
        let l = SlidingWindow::new(5, Duration::from_millis(200));
        let mut at = Vec::new();
        for _ in 0..12 {
            l.reserve(&(), Duration::from_secs(5)).unwrap();
            // The instant just reserved, exactly (not `now + wait`, whose
            // `now` this test cannot see).
            at.push(*l.starts(&()).last().unwrap());
        }
        for (i, t) in at.iter().enumerate() {
            let in_window = at.iter().filter(|u| **u >= *t && **u < *t + Duration::from_millis(200)).count();
            assert!(in_window <= 5, "slot {i}: {in_window}");
        }
    }
}
