//! The partition leaders' producer state, from DescribeProducers (KIP-664): each producer id's epoch, last
//! sequence and the first offset of its open transaction.

use kafka_protocol::messages::describe_producers_request::{
    DescribeProducersRequest, TopicRequest,
};
use kafka_protocol::messages::TopicName;

use super::cluster::{check, str_bytes, Cluster};
use super::{ActiveProducer, ObserveError};

const DESCRIBE_PRODUCERS_VERSION: i16 = 0;

/// Active producers on each of `partitions` (real topic names), asked of their `leader`; topics keep their
/// real names here.
pub(crate) async fn active_producers(
    cluster: &mut Cluster,
    leader: i32,
    partitions: &[(String, i32)],
) -> Result<Vec<ActiveProducer>, ObserveError> {
    let mut request = DescribeProducersRequest::default();
    let mut topics: Vec<TopicRequest> = Vec::new();
    for (topic, partition) in partitions {
        match topics.iter_mut().find(|t| t.name.0.as_str() == topic) {
            Some(t) => t.partition_indexes.push(*partition),
            None => {
                let mut t = TopicRequest::default();
                t.name = TopicName(str_bytes(topic));
                t.partition_indexes = vec![*partition];
                topics.push(t);
            }
        }
    }
    request.topics = topics;
    let response = cluster
        .send_to(leader, &request, DESCRIBE_PRODUCERS_VERSION)
        .await?;
    let mut out = Vec::new();
    for topic in response.topics {
        let name = topic.name.0.as_str().to_owned();
        for p in topic.partitions {
            check(p.error_code, || {
                format!("DescribeProducers on {name}-{}", p.partition_index)
            })?;
            for s in p.active_producers {
                out.push(ActiveProducer {
                    topic: name.clone(),
                    partition: p.partition_index as u32,
                    producer_id: s.producer_id.0 as u64,
                    producer_epoch: s.producer_epoch as i16,
                    last_sequence: s.last_sequence,
                    current_txn_start_offset: u64::try_from(s.current_txn_start_offset).ok(),
                });
            }
        }
    }
    Ok(out)
}
