//! Creating a session's topics with the cluster's admin API (`leftovers` deletes them).

use std::time::Duration;

use kafka_model::scenario::TopicSpec;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};

use crate::error::ApiError;
use crate::error_name::is_timeout;

pub type Admin = AdminClient<DefaultClientContext>;

fn options(timeout: Duration) -> AdminOptions {
    AdminOptions::new()
        .request_timeout(Some(timeout))
        .operation_timeout(Some(timeout))
}

/// An admin call that failed as a whole: no answer is 502 (unreachable) — the caller may refine to 504.
fn admin_failure(what: &str, e: KafkaError) -> ApiError {
    if is_timeout(&e) {
        ApiError::BadGateway(format!("{what}: the Kafka cluster did not answer ({e})"))
    } else {
        ApiError::BadGateway(format!("{what}: {e}"))
    }
}

/// Creates `<prefix><name>` for every topic, with its partitions, replication factor and topic configs. On a
/// cluster of `placed` brokers numbered from 0, partition p's replicas are brokers p, p + 1, … (modulo the
/// count), its leader the first, as in the model.
pub async fn create_topics(
    admin: &Admin,
    prefix: &str,
    topics: &[TopicSpec],
    placed: Option<u16>,
    timeout: Duration,
) -> Result<(), ApiError> {
    if topics.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = topics
        .iter()
        .map(|t| format!("{prefix}{}", t.name))
        .collect();
    let min_isr: Vec<String> = topics
        .iter()
        .map(|t| t.min_insync_replicas.to_string())
        .collect();
    let placements: Vec<Vec<Vec<i32>>> = topics
        .iter()
        .map(|t| match placed {
            Some(brokers) => (0..t.partitions as i32)
                .map(|p| {
                    (0..t.replication_factor as i32)
                        .map(|i| (p + i) % i32::from(brokers.max(1)))
                        .collect()
                })
                .collect(),
            None => Vec::new(),
        })
        .collect();
    let rows: Vec<Vec<&[i32]>> = placements
        .iter()
        .map(|t| t.iter().map(Vec::as_slice).collect())
        .collect();
    let new: Vec<NewTopic<'_>> = topics
        .iter()
        .enumerate()
        .map(|(i, t)| {
            NewTopic::new(
                &names[i],
                t.partitions as i32,
                match placed {
                    Some(_) => TopicReplication::Variable(&rows[i]),
                    None => TopicReplication::Fixed(t.replication_factor as i32),
                },
            )
            .set("min.insync.replicas", &min_isr[i])
            .set(
                "unclean.leader.election.enable",
                if t.unclean_leader_election {
                    "true"
                } else {
                    "false"
                },
            )
        })
        .collect();
    let results = admin
        .create_topics(new.iter(), &options(timeout))
        .await
        .map_err(|e| admin_failure("creating the session's topics failed", e))?;
    for (i, r) in results.into_iter().enumerate() {
        let Err((name, code)) = r else { continue };
        let spec = &topics[i.min(topics.len() - 1)];
        let local = name.strip_prefix(prefix).unwrap_or(&name);
        return Err(match code {
            RDKafkaErrorCode::InvalidReplicationFactor => ApiError::BadRequest(format!(
                "topic \"{local}\": replication.factor {} is more than this cluster's brokers can hold",
                spec.replication_factor
            )),
            RDKafkaErrorCode::RequestTimedOut | RDKafkaErrorCode::OperationTimedOut => {
                ApiError::Timeout(format!("creating topic \"{local}\" timed out"))
            }
            other => ApiError::BadGateway(format!("the cluster refused to create topic \"{local}\": {other}")),
        });
    }
    Ok(())
}

/// Waits until every topic has a leader for every partition in the cluster's metadata (blocking): clients
/// created earlier would meet "unknown topic" and keep their records back until a slow metadata refresh.
pub fn wait_ready(
    admin: &Admin,
    topics: &[(String, u32)],
    timeout: Duration,
) -> Result<(), ApiError> {
    let deadline = std::time::Instant::now() + timeout;
    for (topic, partitions) in topics {
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let ready = admin
                .inner()
                .fetch_metadata(Some(topic), left.min(Duration::from_secs(1)))
                .ok()
                .is_some_and(|m| {
                    m.topics().iter().any(|t| {
                        t.name() == topic
                            && t.error().is_none()
                            && t.partitions().len() == *partitions as usize
                            && t.partitions()
                                .iter()
                                .all(|p| p.leader() >= 0 && p.error().is_none())
                    })
                });
            if ready {
                break;
            }
            if left.is_zero() {
                return Err(ApiError::Timeout(format!(
                    "topic {topic} was created but has no leader after {} ms",
                    timeout.as_millis()
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Ok(())
}
