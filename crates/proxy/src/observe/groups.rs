//! Committed offsets per group, from OffsetFetch to each group's coordinator. Offsets still pending in an
//! open transaction are not shown by OffsetFetch (it returns the last committed one), so `pending` is unknown.

use std::collections::BTreeMap;

use kafka_protocol::error::ResponseError;
use kafka_protocol::messages::offset_fetch_request::{
    OffsetFetchRequest, OffsetFetchRequestGroup, OffsetFetchRequestTopics,
};
use kafka_protocol::messages::{GroupId, TopicName};

use super::cluster::{check, str_bytes, Cluster};
use super::ObserveError;

/// v8: several groups per request, topics by name; supported by Kafka 3.0 to 4.x.
const OFFSET_FETCH_VERSION: i16 = 8;

/// Committed offsets (real topic, partition, offset) of each group (real id), asked of `coordinator`.
/// Partitions without a committed offset are left out.
pub(crate) async fn committed_offsets(
    cluster: &mut Cluster,
    coordinator: i32,
    groups: &[String],
    topics: &[(String, u32)],
) -> Result<BTreeMap<String, Vec<(String, i32, u64)>>, ObserveError> {
    let mut request = OffsetFetchRequest::default();
    // The last committed offsets, even while a transaction holds newer ones pending.
    request.require_stable = false;
    request.groups = groups
        .iter()
        .map(|g| {
            let mut group = OffsetFetchRequestGroup::default();
            group.group_id = GroupId(str_bytes(g));
            group.topics = Some(
                topics
                    .iter()
                    .map(|(t, count)| {
                        let mut topic = OffsetFetchRequestTopics::default();
                        topic.name = TopicName(str_bytes(t));
                        topic.partition_indexes = (0..*count as i32).collect();
                        topic
                    })
                    .collect(),
            );
            group
        })
        .collect();
    let response = cluster
        .send_to(coordinator, &request, OFFSET_FETCH_VERSION)
        .await?;
    let mut out = BTreeMap::new();
    for group in response.groups {
        let id = group.group_id.0.as_str().to_owned();
        // A group that never existed has no offsets; that is an answer, not an error.
        if ResponseError::try_from_code(group.error_code) == Some(ResponseError::GroupIdNotFound) {
            out.insert(id, Vec::new());
            continue;
        }
        check(group.error_code, || format!("OffsetFetch for group {id}"))?;
        let mut offsets = Vec::new();
        for topic in group.topics {
            let name = topic.name.0.as_str().to_owned();
            for p in topic.partitions {
                check(p.error_code, || {
                    format!("OffsetFetch for group {id} on {name}-{}", p.partition_index)
                })?;
                if p.committed_offset >= 0 {
                    offsets.push((name.clone(), p.partition_index, p.committed_offset as u64));
                }
            }
        }
        out.insert(id, offsets);
    }
    Ok(out)
}
