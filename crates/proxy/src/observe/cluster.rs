//! Where things live: Metadata for partition leaders, FindCoordinator for groups and transactional ids, and
//! one pooled connection per broker.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::find_coordinator_request::FindCoordinatorRequest;
use kafka_protocol::messages::metadata_request::{MetadataRequest, MetadataRequestTopic};
use kafka_protocol::messages::metadata_response::MetadataResponseTopic;
use kafka_protocol::messages::TopicName;
use kafka_protocol::protocol::{Request, StrBytes};

use super::wire::{request_name, Connection};
use super::ObserveError;

/// v12: topics by name (nullable), flexible; supported by Kafka 2.8 to 4.x.
const METADATA_VERSION: i16 = 12;
/// v4: several keys in one request (KIP-699); supported by Kafka 3.0 to 4.x.
const FIND_COORDINATOR_VERSION: i16 = 4;
/// FindCoordinator key types.
pub(crate) const GROUP_KEY: i8 = 0;
pub(crate) const TRANSACTION_KEY: i8 = 1;
/// Pause between tries while a coordinator is still loading or being elected.
const RETRY_BACKOFF: Duration = Duration::from_millis(100);

pub(crate) struct Cluster {
    timeout: Duration,
    /// The connection Metadata went over; kept for cluster-wide requests.
    bootstrap: Connection,
    /// node id → "host:port", from Metadata.
    brokers: BTreeMap<i32, String>,
    connections: BTreeMap<i32, Connection>,
}

pub(crate) fn str_bytes(s: &str) -> StrBytes {
    StrBytes::from_string(s.to_owned())
}

/// `Ok(())` for error code 0, otherwise the Kafka error named, on `what`.
pub(crate) fn check(code: i16, what: impl FnOnce() -> String) -> Result<(), ObserveError> {
    match ResponseError::try_from_code(code) {
        None => Ok(()),
        Some(e) => Err(ObserveError::Kafka {
            name: e.to_string(),
            what: what(),
        }),
    }
}

impl Cluster {
    /// Connects to the first reachable address of a comma-separated bootstrap list and reads the topics'
    /// metadata through it.
    pub(crate) async fn connect(
        bootstrap: &str,
        timeout: Duration,
        topics: &[String],
    ) -> Result<(Self, Vec<MetadataResponseTopic>), ObserveError> {
        let mut last_error = None;
        for addr in bootstrap
            .split(',')
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            match Connection::connect(addr, timeout).await {
                Ok(connection) => {
                    let mut cluster = Cluster {
                        timeout,
                        bootstrap: connection,
                        brokers: BTreeMap::new(),
                        connections: BTreeMap::new(),
                    };
                    let topics = cluster.metadata(topics).await?;
                    return Ok((cluster, topics));
                }
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| ObserveError::Unreachable {
            addr: bootstrap.to_owned(),
            reason: "no bootstrap address given".to_owned(),
        }))
    }

    async fn metadata(
        &mut self,
        topics: &[String],
    ) -> Result<Vec<MetadataResponseTopic>, ObserveError> {
        let mut request = MetadataRequest::default();
        request.topics = Some(
            topics
                .iter()
                .map(|t| {
                    let mut topic = MetadataRequestTopic::default();
                    topic.name = Some(TopicName(str_bytes(t)));
                    topic
                })
                .collect(),
        );
        // Observing must never create a topic.
        request.allow_auto_topic_creation = false;
        let response = self.bootstrap.send(&request, METADATA_VERSION).await?;
        self.brokers = response
            .brokers
            .iter()
            .map(|b| (b.node_id.0, format!("{}:{}", b.host.as_str(), b.port)))
            .collect();
        Ok(response.topics)
    }

    /// Sends a request to the broker the cluster was reached through (any broker serves cluster-wide requests:
    /// it forwards them to the controller).
    pub(crate) async fn send_any<R: Request>(
        &mut self,
        request: &R,
        version: i16,
    ) -> Result<R::Response, ObserveError> {
        self.bootstrap.send(request, version).await
    }

    /// Sends a request to one broker (by node id), connecting on first use. A connection that failed is
    /// dropped, so the next request starts clean.
    pub(crate) async fn send_to<R: Request>(
        &mut self,
        node: i32,
        request: &R,
        version: i16,
    ) -> Result<R::Response, ObserveError> {
        if !self.connections.contains_key(&node) {
            let addr = self
                .brokers
                .get(&node)
                .ok_or_else(|| ObserveError::Protocol {
                    addr: self.bootstrap.addr().to_owned(),
                    reason: format!(
                        "{} needs broker {node}, which Metadata did not list",
                        request_name::<R>()
                    ),
                })?;
            let connection = Connection::connect(addr, self.timeout).await?;
            self.connections.insert(node, connection);
        }
        let connection = self.connections.get_mut(&node).expect("connected above");
        let result = connection.send(request, version).await;
        if result.is_err() {
            self.connections.remove(&node);
        }
        result
    }

    /// The coordinator (node id) of each key. Retries while coordinators are loading or not yet elected
    /// (the first transactional id on a fresh cluster creates `__transaction_state`), within the timeout.
    pub(crate) async fn coordinators(
        &mut self,
        key_type: i8,
        keys: &[String],
    ) -> Result<BTreeMap<String, i32>, ObserveError> {
        let mut found = BTreeMap::new();
        if keys.is_empty() {
            return Ok(found);
        }
        let deadline = Instant::now() + self.timeout;
        let mut missing: Vec<String> = keys.to_vec();
        loop {
            let mut request = FindCoordinatorRequest::default();
            request.key_type = key_type;
            request.coordinator_keys = missing.iter().map(|k| str_bytes(k)).collect();
            let response = self
                .bootstrap
                .send(&request, FIND_COORDINATOR_VERSION)
                .await?;
            let mut retry = Vec::new();
            for c in response.coordinators {
                let key = c.key.as_str().to_owned();
                match ResponseError::try_from_code(c.error_code) {
                    None => {
                        self.brokers
                            .entry(c.node_id.0)
                            .or_insert_with(|| format!("{}:{}", c.host.as_str(), c.port));
                        found.insert(key, c.node_id.0);
                    }
                    Some(
                        ResponseError::CoordinatorNotAvailable
                        | ResponseError::CoordinatorLoadInProgress
                        | ResponseError::NotCoordinator,
                    ) if Instant::now() + RETRY_BACKOFF < deadline => retry.push(key),
                    Some(e) => {
                        let kind = if key_type == GROUP_KEY {
                            "group"
                        } else {
                            "transactional id"
                        };
                        return Err(ObserveError::Kafka {
                            name: e.to_string(),
                            what: format!("FindCoordinator for {kind} {key}"),
                        });
                    }
                }
            }
            if retry.is_empty() {
                return Ok(found);
            }
            missing = retry;
            tokio::time::sleep(RETRY_BACKOFF).await;
        }
    }
}
