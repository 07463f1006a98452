//! Per-token rate limiting: a token bucket per access token, in integer milli-requests so the
//! arithmetic is exact. Over the limit → 429 with `Retry-After`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Requests per second a token may sustain, and how many it may burst above that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests_per_second: u64,
    pub burst_requests: u64,
}

impl RateLimit {
    pub const DEFAULT: Self = Self {
        requests_per_second: 200,
        burst_requests: 400,
    };
}

const MILLI: u64 = 1_000;

struct Bucket {
    milli_requests: u64,
    refilled_at: Instant,
}

pub struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `key`'s bucket; `Err(seconds)` says when to retry.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        let capacity = self.limit.burst_requests.max(1) * MILLI;
        let rate = self.limit.requests_per_second.max(1);
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            milli_requests: capacity,
            refilled_at: now,
        });
        let elapsed_milliseconds = u64::try_from(
            now.saturating_duration_since(bucket.refilled_at)
                .as_millis(),
        )
        .unwrap_or(u64::MAX);
        // `rate` requests per second is `rate` milli-requests per millisecond.
        bucket.milli_requests = bucket
            .milli_requests
            .saturating_add(elapsed_milliseconds.saturating_mul(rate))
            .min(capacity);
        bucket.refilled_at = now;
        if bucket.milli_requests >= MILLI {
            bucket.milli_requests -= MILLI;
            Ok(())
        } else {
            let missing = MILLI - bucket.milli_requests;
            Err(missing.div_ceil(rate * MILLI).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_token_may_burst_then_waits_for_the_refill() {
        let limiter = RateLimiter::new(RateLimit {
            requests_per_second: 2,
            burst_requests: 3,
        });
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check("a", start), Ok(()));
        }
        assert_eq!(limiter.check("a", start), Err(1));
        assert_eq!(
            limiter.check("b", start),
            Ok(()),
            "each token has its own bucket"
        );
        assert_eq!(
            limiter.check("a", start + Duration::from_millis(499)),
            Err(1)
        );
        assert_eq!(
            limiter.check("a", start + Duration::from_millis(500)),
            Ok(())
        );
        assert_eq!(
            limiter.check("a", start + Duration::from_millis(500)),
            Err(1)
        );
    }

    #[test]
    fn a_long_pause_refills_only_up_to_the_burst() {
        let limiter = RateLimiter::new(RateLimit {
            requests_per_second: 1,
            burst_requests: 2,
        });
        let start = Instant::now();
        let later = start + Duration::from_secs(3600);
        assert_eq!(limiter.check("a", later), Ok(()));
        assert_eq!(limiter.check("a", later), Ok(()));
        assert!(limiter.check("a", later).is_err());
    }
}
