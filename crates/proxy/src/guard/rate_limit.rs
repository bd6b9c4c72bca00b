//! A token bucket over all requests: a runaway page or script gets 429 instead of flooding the cluster.

use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::GuardState;
use crate::error::ApiError;

#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    bucket: Mutex<(f64, Instant)>,
}

impl RateLimiter {
    pub fn new(per_second: u32, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        RateLimiter {
            per_second: f64::from(per_second),
            burst,
            bucket: Mutex::new((burst, Instant::now())),
        }
    }

    /// Takes one token if there is one.
    pub fn allow(&self) -> bool {
        let mut bucket = match self.bucket.lock() {
            Ok(b) => b,
            Err(poisoned) => poisoned.into_inner(),
        };
        let now = Instant::now();
        let (tokens, last) = *bucket;
        let refilled =
            (tokens + now.duration_since(last).as_secs_f64() * self.per_second).min(self.burst);
        if refilled >= 1.0 {
            *bucket = (refilled - 1.0, now);
            true
        } else {
            *bucket = (refilled, now);
            false
        }
    }
}

pub async fn limit_rate(State(guard): State<GuardState>, request: Request, next: Next) -> Response {
    if guard.limiter.allow() {
        next.run(request).await
    } else {
        ApiError::TooManyRequests("too many requests: slow down and retry in a moment".to_owned())
            .into_response()
    }
}
