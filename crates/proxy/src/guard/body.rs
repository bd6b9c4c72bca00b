//! Request bodies are JSON of at most 256 KiB, sent within 10 s: a declared larger length is refused before
//! reading, the reader stops at the limit for bodies without a length, and a body still coming after the time is
//! refused (408) so a stalled client holds nothing for long.

use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::time::Duration;

use crate::error::ApiError;

pub const MAX_BODY: usize = 256 * 1024;
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);

fn too_large() -> ApiError {
    ApiError::TooLarge(format!("request body over {} KiB", MAX_BODY / 1024))
}

pub async fn limit_body(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > MAX_BODY as u64 => too_large().into_response(),
        _ => next.run(request).await,
    }
}

/// A JSON body read with the size limit; malformed JSON is a 400 that says where.
pub struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, ApiError> {
        let reading = axum::body::to_bytes(request.into_body(), MAX_BODY);
        let bytes = tokio::time::timeout(BODY_TIMEOUT, reading)
            .await
            .map_err(|_| {
                ApiError::SlowRequest(format!(
                    "the request body did not arrive within {} s",
                    BODY_TIMEOUT.as_secs()
                ))
            })?
            .map_err(|_| too_large())?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            ApiError::BadRequest(format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ))
        })
    }
}
