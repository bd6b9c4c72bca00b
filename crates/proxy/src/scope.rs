//! A session may touch only its own topics: the names its scenario declared, under its prefix. Names that
//! already carry a session prefix or name an internal topic are refused, so no scenario can reach another
//! session's data or the cluster's own.

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
pub fn check_declared_topics(scenario: &Value) -> Result<(), ApiError> {
    let Some(topics) = scenario.get("topics").and_then(Value::as_array) else {
        return Ok(());
    };
    for (i, t) in topics.iter().enumerate() {
        let Some(name) = t.get("name").and_then(Value::as_str) else {
            continue;
        };
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

/// Refuses a step that names a topic the session did not declare (403, before the model's parser would call
/// it an unknown topic), so a step can never reach beyond the session.
pub fn check_step_topics(step: &Value, declared: &[String], index: usize) -> Result<(), ApiError> {
    let mut named: Vec<&str> = Vec::new();
    if let Some(t) = step.get("topic").and_then(Value::as_str) {
        named.push(t);
    }
    if let Some(list) = step.get("offsets").and_then(Value::as_array) {
        named.extend(
            list.iter()
                .filter_map(|o| o.get("topic").and_then(Value::as_str)),
        );
    }
    for name in named {
        if !declared.iter().any(|d| d == name) {
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
