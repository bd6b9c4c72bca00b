//! Which real client a session's producers and consumers are: the request's `"client"` field, or by default
//! the client of the scenario's flavor (the one its lessons' code uses).

use kafka_model::config::Flavor;
use serde::Serialize;
use serde_json::Value;

use crate::error::ApiError;

/// The request field that names the client.
pub const FIELD: &str = "client";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientKind {
    /// kafka-python, through tools/clients/python/driver.py.
    KafkaPython,
    /// The Java client (kafka-clients), through tools/clients/java/Driver.java.
    Java,
    /// librdkafka inside the proxy (rust-rdkafka).
    Librdkafka,
}

impl ClientKind {
    pub const ALL: [ClientKind; 3] = [
        ClientKind::KafkaPython,
        ClientKind::Java,
        ClientKind::Librdkafka,
    ];

    /// The name a request uses.
    pub fn name(self) -> &'static str {
        match self {
            ClientKind::KafkaPython => "kafka-python",
            ClientKind::Java => "java",
            ClientKind::Librdkafka => "librdkafka",
        }
    }

    pub fn from_name(name: &str) -> Option<ClientKind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The client a flavor's lessons use.
    pub fn of_flavor(flavor: Flavor) -> ClientKind {
        match flavor {
            Flavor::KafkaPython => ClientKind::KafkaPython,
            Flavor::Java => ClientKind::Java,
        }
    }
}

/// The client a session runs on, as answers report it: the library's name and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientInfo {
    pub name: String,
    pub version: String,
}

/// Takes the `"client"` field off a request body: what is left is the scenario. `None` when it is absent.
pub fn take_client(body: &Value) -> Result<(Option<ClientKind>, Value), ApiError> {
    let mut scenario = body.clone();
    let Some(value) = scenario.as_object_mut().and_then(|m| m.remove(FIELD)) else {
        return Ok((None, scenario));
    };
    let accepted = ClientKind::ALL
        .iter()
        .map(|k| format!("\"{}\"", k.name()))
        .collect::<Vec<_>>()
        .join(", ");
    match value.as_str().and_then(ClientKind::from_name) {
        Some(kind) => Ok((Some(kind), scenario)),
        None => Err(ApiError::Scenario {
            path: FIELD.to_owned(),
            message: format!("unknown client {value} (expected one of: {accepted})"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_client_field_is_taken_off_the_scenario_and_checked() {
        let (kind, rest) = take_client(&json!({"client": "java", "topics": []})).unwrap();
        assert_eq!(
            (kind, rest),
            (Some(ClientKind::Java), json!({"topics": []}))
        );
        assert_eq!(take_client(&json!({"topics": []})).unwrap().0, None);
        let err = take_client(&json!({"client": "confluent"})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "client: unknown client \"confluent\" (expected one of: \"kafka-python\", \"java\", \"librdkafka\")"
        );
    }

    #[test]
    fn each_flavor_runs_on_its_own_client() {
        assert_eq!(
            ClientKind::of_flavor(Flavor::KafkaPython),
            ClientKind::KafkaPython
        );
        assert_eq!(ClientKind::of_flavor(Flavor::Java), ClientKind::Java);
    }
}
