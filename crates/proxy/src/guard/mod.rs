//! What every request passes before a handler sees it, outermost first: the Host check (DNS rebinding), the
//! Origin check with CORS, the token, the rate limit, the body size. Each is one middleware in its own file.

pub mod body;
pub mod cors;
pub mod host;
pub mod rate_limit;
pub mod token;

use std::sync::Arc;

use rate_limit::RateLimiter;

/// What the guards compare requests against.
#[derive(Debug)]
pub struct Guard {
    pub hosts: Vec<String>,
    pub origins: Vec<String>,
    pub token: String,
    pub limiter: RateLimiter,
}

pub type GuardState = Arc<Guard>;
