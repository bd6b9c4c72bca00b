//! Why a scenario was refused: always where (the field, and the step for a step's field), then what.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScenarioError {
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl ScenarioError {
    pub(crate) fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }

    pub(crate) fn json(e: serde_json::Error) -> Self {
        ScenarioError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }
    }
}
