//! Every request must carry the start-up token as `Authorization: Bearer <token>`.

use axum::extract::{Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use subtle::ConstantTimeEq;

use super::GuardState;
use crate::error::ApiError;

pub async fn check_token(
    State(guard): State<GuardState>,
    request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.strip_prefix("Bearer "));
    match given {
        Some(t) if same(t.trim().as_bytes(), guard.token.as_bytes()) => next.run(request).await,
        Some(_) => {
            ApiError::Unauthorized("wrong token (it is printed when the proxy starts)".to_owned())
                .into_response()
        }
        None => ApiError::Unauthorized(
            "missing token: send Authorization: Bearer <the token the proxy printed at start>"
                .to_owned(),
        )
        .into_response(),
    }
}

/// Compares in constant time, so the time taken says nothing about the token (only about its length).
fn same(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}
