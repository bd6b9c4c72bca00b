//! Errors a request can end with, each with its HTTP status and a sentence for the learner.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use kafka_model::real_run::ErrorBody;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    /// A scenario or step refused by the model's parser; `path` names the field and the step.
    #[error("{path}: {message}")]
    Scenario { path: String, message: String },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    TooManyRequests(String),
    /// The client sent its request too slowly.
    #[error("{0}")]
    SlowRequest(String),
    /// The cluster cannot be reached (or refuses the set-up, e.g. a replication factor it cannot satisfy).
    #[error("{0}")]
    BadGateway(String),
    #[error("{0}")]
    Timeout(String),
    /// A client the request asks for is not installed on the proxy's machine.
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) | ApiError::Scenario { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::SlowRequest(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            ApiError::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            ApiError::Scenario { path, message } => ErrorBody {
                error: format!("{path}: {message}"),
                path: Some(path.clone()),
            },
            other => ErrorBody {
                error: other.to_string(),
                path: None,
            },
        };
        let mut response = (status, Json(json!(body))).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

impl From<kafka_model::ScenarioError> for ApiError {
    fn from(e: kafka_model::ScenarioError) -> Self {
        match e {
            kafka_model::ScenarioError::Invalid { path, message } => {
                ApiError::Scenario { path, message }
            }
            json @ kafka_model::ScenarioError::Json { .. } => {
                ApiError::BadRequest(json.to_string())
            }
        }
    }
}
