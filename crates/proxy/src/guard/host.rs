//! The Host header must name the proxy itself: a page on a foreign domain that re-points its DNS name at
//! 127.0.0.1 (DNS rebinding) still sends its own name as Host, and is refused here.

use axum::extract::{Request, State};
use axum::http::header::HOST;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::GuardState;
use crate::error::ApiError;

pub async fn check_host(State(guard): State<GuardState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_owned)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    match host {
        Some(h) if guard.hosts.iter().any(|a| a.eq_ignore_ascii_case(&h)) => {
            next.run(request).await
        }
        Some(h) => ApiError::Forbidden(format!(
            "Host \"{h}\" is not this proxy (expected one of: {})",
            guard.hosts.join(", ")
        ))
        .into_response(),
        None => ApiError::Forbidden("the request has no Host header".to_owned()).into_response(),
    }
}
