//! A session may touch only its own topics: the names its scenario declared, under its prefix. Names that
//! already carry a session prefix or name an internal topic are refused, so no scenario can reach another
//! session's data or the cluster's own.

use kafka_model::scenario::{step_topic_names, Setup};
use serde_json::Value;

use crate::error::ApiError;

/// Every session prefix starts with this.
pub const PREFIX_ROOT: &str = "kdl-";

/// Kafka's legal topic characters; the prefix plus the name must stay under its 249-character limit.
fn legal(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 200
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Checks a scenario's declared topic names before anything is created.
pub fn check_declared_topics(setup: &Setup) -> Result<(), ApiError> {
    for (i, t) in setup.topics.iter().enumerate() {
        let name = t.name.as_str();
        if name.starts_with(PREFIX_ROOT) || name.starts_with("__") {
            return Err(ApiError::Forbidden(format!(
                "topics[{i}].name: \"{name}\" is outside the session: name topics plainly, the proxy adds the \
                 session prefix itself, and internal (__) topics are off limits"
            )));
        }
        if !legal(name) {
            return Err(ApiError::Scenario {
                path: format!("topics[{i}].name"),
                message: format!(
                    "\"{name}\" is not a legal Kafka topic name (letters, digits, '.', '_', '-'; at most 200)"
                ),
            });
        }
    }
    Ok(())
}

/// Refuses a step that names a topic the session did not declare (403, where the model's reader would call
/// it an unknown topic), so a step can never reach beyond the session.
pub fn check_step_topics(step: &Value, setup: &Setup, index: usize) -> Result<(), ApiError> {
    for name in step_topic_names(step) {
        if setup.topic(name).is_none() {
            let declared: Vec<&str> = setup.topics.iter().map(|t| t.name.as_str()).collect();
            return Err(ApiError::Forbidden(format!(
                "step {index}: topic \"{name}\" is outside this session (its topics: {})",
                if declared.is_empty() {
                    "none".to_owned()
                } else {
                    declared.join(", ")
                }
            )));
        }
    }
    Ok(())
}
