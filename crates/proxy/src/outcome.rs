//! What one op did on the real cluster: the contract's `ok`/`error`/`events`, or no answer in time.

/// A finished op. `error` is the contract's error name; `events` are sentences about what the client did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub error: Option<String>,
    pub events: Vec<String>,
}

impl Outcome {
    pub fn ok(events: Vec<String>) -> Self {
        Outcome {
            error: None,
            events,
        }
    }

    pub fn failed(error: impl Into<String>, events: Vec<String>) -> Self {
        Outcome {
            error: Some(error.into()),
            events,
        }
    }
}

/// A Kafka call that got no answer within its timeout: the request answers 504, or 502 when the cluster
/// turns out to be unreachable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stalled(pub String);

pub type OpResult = Result<Outcome, Stalled>;

/// `orders[0]@3` for events, with the session prefix taken off the topic.
pub fn at(topic: &str, partition: i32, offset: i64) -> String {
    format!("{topic}[{partition}]@{offset}")
}
