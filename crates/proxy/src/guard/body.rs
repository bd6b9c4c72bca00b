//! Request bodies are JSON of at most 256 KiB: a declared larger length is refused before reading, and the
//! reader stops at the limit for bodies without a length.

use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::error::ApiError;

pub const MAX_BODY: usize = 256 * 1024;

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
        let bytes = axum::body::to_bytes(request.into_body(), MAX_BODY)
            .await
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
