//! What the real-cluster proxy answers (docs/real-cluster.md): a run's steps and `final` section as observed on
//! a real cluster, which of those fields it could not observe, and the side effects `process` applied there.
//! Shared with the proxy and the app through serde.

use serde::{Deserialize, Serialize};

use crate::output::{FinalState, StepOutput};

/// `POST /v1/run`: a whole scenario in a fresh session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealRun {
    pub steps: Vec<StepOutput>,
    #[serde(rename = "final")]
    pub final_state: FinalState,
    #[serde(default)]
    pub unknown: Vec<String>,
    #[serde(default)]
    pub database: Vec<DatabaseRow>,
}

/// The real state at one moment (`GET /v1/sessions/{id}/state`). Every path in `unknown` was not observed
/// and is left `null` or empty in `final`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RealState {
    #[serde(rename = "final")]
    pub final_state: FinalState,
    #[serde(default)]
    pub unknown: Vec<String>,
    #[serde(default)]
    pub database: Vec<DatabaseRow>,
}

/// One side effect applied by `process` on the real cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseRow {
    pub consumer: String,
    pub group_id: String,
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
    pub value: String,
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub proxy: String,
    pub bootstrap: String,
    pub broker_reachable: bool,
    pub error: Option<String>,
    /// Sessions open on the proxy.
    #[serde(default)]
    pub sessions: usize,
}

/// `POST /v1/sessions` → 201.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionCreated {
    pub session: String,
    pub prefix: String,
}

/// Every error answer; `path` names the field and step of a scenario error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}
