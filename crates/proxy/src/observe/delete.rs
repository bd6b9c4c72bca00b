//! Deleting topics and groups with Kafka's own requests (DeleteTopics to any broker, DeleteGroups to each
//! group's coordinator) rather than librdkafka's admin client: librdkafka 2.12 aborts the whole process when a
//! DeleteGroups that timed out while the cluster was down finds its coordinator once the cluster is back
//! (`rd_kafka_enq_once_del_source_return: Assertion 'eonce->refcnt > 0'`). Here a request that fails is simply
//! answered as not done, and nothing is left waiting inside a client.

use std::time::Duration;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::delete_groups_request::DeleteGroupsRequest;
use kafka_protocol::messages::delete_topics_request::DeleteTopicsRequest;
use kafka_protocol::messages::{GroupId, TopicName};

use super::cluster::{str_bytes, Cluster, GROUP_KEY};
use super::ObserveError;

/// v4: topics by name, flexible; supported by Kafka 2.4 to 4.x.
const DELETE_TOPICS_VERSION: i16 = 4;
/// v2: flexible; supported by Kafka 2.4 to 4.x.
const DELETE_GROUPS_VERSION: i16 = 2;

/// What a deletion left: the names still on the cluster (or not known to be gone), and why, if anything is.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Remaining {
    pub topics: Vec<String>,
    pub groups: Vec<String>,
    pub why: Option<String>,
}

/// Deletes `topics` and `groups` on the cluster at `bootstrap`; a name that does not exist counts as deleted.
pub async fn delete(
    bootstrap: &str,
    topics: &[String],
    groups: &[String],
    timeout: Duration,
) -> Remaining {
    let all = |why: ObserveError| Remaining {
        topics: topics.to_vec(),
        groups: groups.to_vec(),
        why: Some(why.to_string()),
    };
    let mut cluster = match Cluster::connect(bootstrap, timeout, &[]).await {
        Ok((cluster, _)) => cluster,
        Err(e) => return all(e),
    };
    let mut left = Remaining::default();
    if !topics.is_empty() {
        let mut request = DeleteTopicsRequest::default();
        request.topic_names = topics.iter().map(|t| TopicName(str_bytes(t))).collect();
        request.timeout_ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        match cluster.send_any(&request, DELETE_TOPICS_VERSION).await {
            Ok(response) => {
                for r in response.responses {
                    let name = r.name.map(|n| n.0.as_str().to_owned()).unwrap_or_default();
                    match ResponseError::try_from_code(r.error_code) {
                        None | Some(ResponseError::UnknownTopicOrPartition) => {}
                        Some(e) => {
                            left.why = Some(format!("DeleteTopics {name}: {e}"));
                            left.topics.push(name);
                        }
                    }
                }
            }
            Err(e) => {
                left.why = Some(e.to_string());
                left.topics = topics.to_vec();
            }
        }
    }
    if !groups.is_empty() {
        match delete_groups(&mut cluster, groups).await {
            Ok((still, why)) => {
                left.groups = still;
                left.why = why.or(left.why);
            }
            Err(e) => {
                left.why = Some(e.to_string());
                left.groups = groups.to_vec();
            }
        }
    }
    left
}

/// The groups not deleted (a group with members left is deleted once they have gone), and why.
async fn delete_groups(
    cluster: &mut Cluster,
    groups: &[String],
) -> Result<(Vec<String>, Option<String>), ObserveError> {
    let coordinators = cluster.coordinators(GROUP_KEY, groups).await?;
    let mut by_coordinator: std::collections::BTreeMap<i32, Vec<String>> = Default::default();
    for (group, node) in coordinators {
        by_coordinator.entry(node).or_default().push(group);
    }
    let (mut still, mut why) = (Vec::new(), None);
    for (node, names) in by_coordinator {
        let mut request = DeleteGroupsRequest::default();
        request.groups_names = names.iter().map(|g| GroupId(str_bytes(g))).collect();
        match cluster.send_to(node, &request, DELETE_GROUPS_VERSION).await {
            Ok(response) => {
                for r in response.results {
                    match ResponseError::try_from_code(r.error_code) {
                        None | Some(ResponseError::GroupIdNotFound) => {}
                        Some(e) => {
                            let name = r.group_id.0.as_str().to_owned();
                            why = Some(format!("DeleteGroups {name}: {e}"));
                            still.push(name);
                        }
                    }
                }
            }
            Err(e) => {
                why = Some(e.to_string());
                still.extend(names);
            }
        }
    }
    Ok((still, why))
}
