//! A bell the publisher's threads wait on: rung (a generation counter moves on) or stopped.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct Signal {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    generation: u64,
    stopped: bool,
}

impl Signal {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state is two plain numbers: a panicking holder cannot leave it half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn notify(&self) {
        self.lock().generation += 1;
        self.changed.notify_all();
    }

    pub fn stop(&self) {
        self.lock().stopped = true;
        self.changed.notify_all();
    }

    /// Waits until the bell rings after generation `seen`, or `timeout` passes. Returns the
    /// generation now, or `None` once stopped.
    pub fn wait(&self, seen: u64, timeout: Duration) -> Option<u64> {
        let deadline = Instant::now() + timeout;
        let mut state = self.lock();
        loop {
            if state.stopped {
                return None;
            }
            let now = Instant::now();
            if state.generation != seen || now >= deadline {
                return Some(state.generation);
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Sleeps for `duration` whatever rings; `false` once stopped.
    pub fn pause(&self, duration: Duration) -> bool {
        let deadline = Instant::now() + duration;
        let mut state = self.lock();
        loop {
            if state.stopped {
                return false;
            }
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_ring_wakes_a_waiter_and_a_stop_ends_every_wait() {
        let signal = Arc::new(Signal::default());
        // Nothing rang: the wait times out with the same generation.
        assert_eq!(signal.wait(0, Duration::from_millis(1)), Some(0));
        let ringer = Arc::clone(&signal);
        let thread = std::thread::spawn(move || ringer.notify());
        assert_eq!(signal.wait(0, Duration::from_secs(60)), Some(1));
        thread.join().unwrap();
        assert!(signal.pause(Duration::from_millis(1)));
        signal.stop();
        assert_eq!(signal.wait(1, Duration::from_secs(60)), None);
        assert!(!signal.pause(Duration::from_secs(60)));
    }
}
