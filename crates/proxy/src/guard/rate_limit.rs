//! A token bucket per client, for requests that carry the token (the check runs after it, so nobody without
//! the token can spend the token holder's allowance): a runaway page or script gets 429 instead of flooding
//! the cluster, and one session's flood does not slow another. A client is a session (its id in the path);
//! requests outside a session share one bucket.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::GuardState;
use crate::error::ApiError;

/// Buckets kept at most; beyond, the idle (full) ones are forgotten, and a new client shares the common one.
const MAX_BUCKETS: usize = 1024;
/// The bucket of requests outside a session.
const SHARED: &str = "";

#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<BTreeMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_second: u32, burst: u32) -> Self {
        RateLimiter {
            per_second: f64::from(per_second),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(BTreeMap::new()),
        }
    }

    fn refilled(&self, (tokens, last): (f64, Instant), now: Instant) -> f64 {
        (tokens + now.duration_since(last).as_secs_f64() * self.per_second).min(self.burst)
    }

    /// Takes one token from `client`'s bucket if there is one.
    pub fn allow(&self, client: &str) -> bool {
        let mut buckets = match self.buckets.lock() {
            Ok(b) => b,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = Instant::now();
        if !buckets.contains_key(client) && buckets.len() >= MAX_BUCKETS {
            buckets.retain(|_, b| self.refilled(*b, now) < self.burst);
        }
        let key = if buckets.contains_key(client) || buckets.len() < MAX_BUCKETS {
            client
        } else {
            SHARED
        };
        let bucket = buckets.entry(key.to_owned()).or_insert((self.burst, now));
        let tokens = self.refilled(*bucket, now);
        let allowed = tokens >= 1.0;
        *bucket = (if allowed { tokens - 1.0 } else { tokens }, now);
        allowed
    }
}

/// The session a request is about, if any.
fn client(path: &str) -> &str {
    path.strip_prefix("/v1/sessions/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or(SHARED)
}

pub async fn limit_rate(State(guard): State<GuardState>, request: Request, next: Next) -> Response {
    if guard.limiter.allow(client(request.uri().path())) {
        next.run(request).await
    } else {
        ApiError::TooManyRequests("too many requests: slow down and retry in a moment".to_owned())
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_session_has_its_own_bucket_and_the_rest_share_one() {
        let limiter = RateLimiter::new(0, 2);
        assert_eq!(client("/v1/sessions/abc/steps"), "abc");
        assert_eq!(client("/v1/sessions"), SHARED);
        assert_eq!(client("/v1/run"), SHARED);
        let take = |c: &str| (0..3).map(|_| limiter.allow(c)).collect::<Vec<_>>();
        assert_eq!(take("a"), [true, true, false]);
        assert_eq!(take("b"), [true, true, false]);
        assert_eq!(take(SHARED), [true, true, false]);
    }

    #[test]
    fn beyond_the_cap_idle_buckets_are_forgotten_and_new_clients_share_one() {
        let limiter = RateLimiter::new(0, 1);
        for i in 0..MAX_BUCKETS {
            assert!(limiter.allow(&i.to_string()));
        }
        // Every bucket is spent (none idle): a new client gets the shared one.
        assert!(limiter.allow("new"));
        assert!(!limiter.allow("another"));
        assert_eq!(limiter.buckets.lock().unwrap().len(), MAX_BUCKETS + 1);
    }
}
