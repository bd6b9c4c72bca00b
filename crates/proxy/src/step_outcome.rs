//! What one op did on the real cluster: the contract's `ok`/`error`/`events`, or no answer in time.

/// A finished op. `error` is the contract's error name; `events` are sentences about what the client did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepOutcome {
    pub error: Option<String>,
    pub events: Vec<String>,
}

impl StepOutcome {
    pub fn ok(events: Vec<String>) -> Self {
        StepOutcome {
            error: None,
            events,
        }
    }

    pub fn failed(error: impl Into<String>, events: Vec<String>) -> Self {
        StepOutcome {
            error: Some(error.into()),
            events,
        }
    }
}

/// A Kafka call that got no answer within its timeout: the request answers 504, or 502 when the cluster
/// turns out to be unreachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stalled(pub String);

pub type OpResult = Result<StepOutcome, Stalled>;

/// `orders[0]@3` for events, with the session prefix taken off the topic.
pub fn at(topic: &str, partition: i32, offset: i64) -> String {
    format!("{topic}[{partition}]@{offset}")
}
