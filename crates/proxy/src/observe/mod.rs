//! Reads the real state of a session's topics, groups and transactions from the cluster's own APIs, in the
//! shape of the model's `final` section, with raw Kafka requests (the `kafka-protocol` crate over tokio TCP).
//!
//! ```ignore
//! let target = Target { prefix: "s1-".into(), topics: vec![("orders".into(), 1)],
//!                       groups: vec!["workers".into()], transactional_ids: vec!["tx".into()] };
//! let seen = observe("127.0.0.1:9092", &target, Duration::from_secs(5)).await?;
//! ```
//!
//! Real names are `prefix + scenario name` for topics, group ids and transactional ids; everything in an
//! [`Observation`] carries the scenario's names (prefix stripped).
//!
//! What is observed, and how:
//! - partitions (`Metadata` for leader, replicas, ISR; `Fetch` v12 read_uncommitted from offset 0 to the
//!   high watermark for the log, HW and LSO): every record with its producer id, epoch and sequence (null for
//!   a batch without a producer id), every commit/abort marker, and each transactional record's status from
//!   the first marker its producer id wrote after it (`open` while there is none). Markers carry the marker
//!   batch's producer id and epoch, no value and no sequence, and the status they decide, as in the model.
//! - groups (`FindCoordinator`, `OffsetFetch`): committed offsets on the session's topics.
//! - transactions (`FindCoordinator`, `DescribeTransactions`): state (Kafka's names are the model's T3
//!   names), producer id and epoch, partitions in the current transaction. An id the coordinator does not
//!   know is absent.
//! - producers (`DescribeProducers` on each partition leader): every active producer id per partition.
//!
//! What is not observable is listed in [`Observation::unknown`] as a path in the final-state shape and left
//! empty, never invented: `partitions[i].replica_states` (no API gives a follower's log end offset to a
//! client), `groups[i].pending` (OffsetFetch hides offsets still pending in a transaction), and
//! `transactions[i].groups` / `transactions[i].pending_offsets` when the transaction holds a
//! `__consumer_offsets` partition (the coordinator reports the partition, not which group or offsets; with
//! no such partition both are known to be empty). A partition without a leader has its log, HW and LSO
//! unknown.
//!
//! Every network call (connect, each request and its answer) is bounded by the timeout.

mod cluster;
pub mod delete;
mod groups;
mod log;
mod producers;
mod transactions;
mod wire;

use std::collections::BTreeMap;
use std::time::Duration;

use kafka_model::output::{
    GroupOut, PartitionOut, TopicPartitionOffset, TopicPartitionOut, TransactionOut,
};
use kafka_model::transaction_coordinator::TxnState;

use cluster::{check, Cluster, GROUP_KEY, TRANSACTION_KEY};

/// The internal topic a transaction's partitions include once offsets are sent in it.
const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// What to observe: a session's prefix and the scenario's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub prefix: String,
    /// Scenario topic names and their partition counts.
    pub topics: Vec<(String, u32)>,
    /// Scenario group ids.
    pub groups: Vec<String>,
    /// Scenario transactional ids.
    pub transactional_ids: Vec<String>,
}

/// The real state, in the model's shapes and the scenario's names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// Every partition of the target's topics, in the target's topic order, then by partition.
    pub partitions: Vec<PartitionOut>,
    /// Every target group, in the target's order.
    pub groups: Vec<GroupOut>,
    /// The target's transactional ids the coordinator knows, in the target's order.
    pub transactions: Vec<TransactionOut>,
    /// DescribeProducers' rows, per partition in `partitions` order, then by producer id.
    pub producers: Vec<ActiveProducer>,
    /// Paths in the final-state shape that could not be observed, e.g. `groups[0].pending`.
    pub unknown: Vec<String>,
}

/// One producer id's state on one partition leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveProducer {
    pub topic: String,
    pub partition: u32,
    pub producer_id: u64,
    pub producer_epoch: i16,
    pub last_sequence: i32,
    /// First offset of the producer's open transaction on this partition.
    pub current_txn_start_offset: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ObserveError {
    #[error("broker unreachable at {addr}: {reason}")]
    Unreachable { addr: String, reason: String },
    #[error("request {request} to {addr} timed out after {ms} ms")]
    Timeout {
        request: &'static str,
        addr: String,
        ms: u128,
    },
    #[error("Kafka error {name} on {what}")]
    Kafka { name: String, what: String },
    #[error("unexpected answer from {addr}: {reason}")]
    Protocol { addr: String, reason: String },
}

/// A partition as Metadata describes it.
struct Layout {
    topic: String,
    partition: u32,
    real_topic: String,
    leader: Option<i32>,
    replicas: Vec<i32>,
    isr: Vec<i32>,
}

/// Observes `target` on the cluster at `bootstrap` (`HOST:PORT[,HOST:PORT...]`).
pub async fn observe(
    bootstrap: &str,
    target: &Target,
    timeout: Duration,
) -> Result<Observation, ObserveError> {
    let real = |name: &str| format!("{}{}", target.prefix, name);
    let real_topics: Vec<String> = target.topics.iter().map(|(t, _)| real(t)).collect();
    let (mut cluster, metadata) = Cluster::connect(bootstrap, timeout, &real_topics).await?;

    let mut layout = Vec::new();
    for ((topic, count), real_topic) in target.topics.iter().zip(&real_topics) {
        let meta = metadata
            .iter()
            .find(|m| m.name.as_ref().is_some_and(|n| n.0.as_str() == real_topic));
        let Some(meta) = meta else {
            return Err(ObserveError::Kafka {
                name: "UnknownTopicOrPartition".to_owned(),
                what: format!("Metadata for topic {real_topic}"),
            });
        };
        check(meta.error_code, || {
            format!("Metadata for topic {real_topic}")
        })?;
        for partition in 0..*count {
            let Some(p) = meta
                .partitions
                .iter()
                .find(|p| p.partition_index == partition as i32)
            else {
                return Err(ObserveError::Kafka {
                    name: "UnknownTopicOrPartition".to_owned(),
                    what: format!("Metadata for {real_topic}-{partition}"),
                });
            };
            layout.push(Layout {
                topic: topic.clone(),
                partition,
                real_topic: real_topic.clone(),
                leader: (p.leader_id.0 >= 0).then_some(p.leader_id.0),
                replicas: p.replica_nodes.iter().map(|b| b.0).collect(),
                isr: p.isr_nodes.iter().map(|b| b.0).collect(),
            });
        }
    }

    // Logs and producer state live on each partition's leader: one round of requests per leader.
    let mut by_leader: BTreeMap<i32, Vec<(String, i32)>> = BTreeMap::new();
    for l in &layout {
        if let Some(leader) = l.leader {
            by_leader
                .entry(leader)
                .or_default()
                .push((l.real_topic.clone(), l.partition as i32));
        }
    }
    let mut logs = BTreeMap::new();
    let mut active = Vec::new();
    for (leader, partitions) in &by_leader {
        logs.extend(log::read_partitions(&mut cluster, *leader, partitions).await?);
        active.extend(producers::active_producers(&mut cluster, *leader, partitions).await?);
    }

    let mut unknown = Vec::new();
    let broker = |id: i32| id as u16;
    let mut partitions = Vec::new();
    let mut producers = Vec::new();
    for (i, l) in layout.iter().enumerate() {
        let read = logs.remove(&(l.real_topic.clone(), l.partition as i32));
        if read.is_none() {
            for field in ["log", "high_watermark", "last_stable_offset"] {
                unknown.push(format!("partitions[{i}].{field}"));
            }
        }
        unknown.push(format!("partitions[{i}].replica_states"));
        let read = read.unwrap_or_default();
        partitions.push(PartitionOut {
            topic: l.topic.clone(),
            partition: l.partition,
            high_watermark: read.high_watermark,
            last_stable_offset: read.last_stable_offset,
            log: read.log,
            leader: l.leader.map(broker),
            replicas: l.replicas.iter().copied().map(broker).collect(),
            isr: l.isr.iter().copied().map(broker).collect(),
            replica_states: Vec::new(),
        });
        let mut rows: Vec<ActiveProducer> = active
            .iter()
            .filter(|a| a.topic == l.real_topic && a.partition == l.partition)
            .map(|a| ActiveProducer {
                topic: l.topic.clone(),
                ..a.clone()
            })
            .collect();
        rows.sort_by_key(|a| a.producer_id);
        producers.extend(rows);
    }

    // Groups, per coordinator.
    let real_groups: Vec<String> = target.groups.iter().map(|g| real(g)).collect();
    let coordinators = cluster.coordinators(GROUP_KEY, &real_groups).await?;
    let mut committed = BTreeMap::new();
    for (coordinator, ids) in invert(&coordinators) {
        committed.extend(
            groups::committed_offsets(
                &mut cluster,
                coordinator,
                &ids,
                &topics_real(target, &real_topics),
            )
            .await?,
        );
    }
    let topic_index = |real_topic: &str| real_topics.iter().position(|t| t == real_topic);
    let mut groups = Vec::new();
    for (i, (group, real_group)) in target.groups.iter().zip(&real_groups).enumerate() {
        let mut offsets: Vec<(usize, i32, u64)> = committed
            .remove(real_group)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(t, p, o)| topic_index(&t).map(|ti| (ti, p, o)))
            .collect();
        offsets.sort();
        groups.push(GroupOut {
            group_id: group.clone(),
            committed: offsets
                .into_iter()
                .map(|(ti, p, o)| TopicPartitionOffset {
                    topic: target.topics[ti].0.clone(),
                    partition: p as u32,
                    offset: o,
                })
                .collect(),
            pending: Vec::new(),
            generation: 0,
            rebalancing: false,
            assignor: None,
            members: Vec::new(),
        });
        unknown.push(format!("groups[{i}].pending"));
    }

    // Transactions, per coordinator.
    let real_ids: Vec<String> = target.transactional_ids.iter().map(|t| real(t)).collect();
    let coordinators = cluster.coordinators(TRANSACTION_KEY, &real_ids).await?;
    let mut states = BTreeMap::new();
    for (coordinator, ids) in invert(&coordinators) {
        states.extend(transactions::describe(&mut cluster, coordinator, &ids).await?);
    }
    let mut transactions = Vec::new();
    for (id, real_id) in target.transactional_ids.iter().zip(&real_ids) {
        let Some(state) = states.remove(real_id) else {
            continue;
        };
        let i = transactions.len();
        let mut holds_offsets = false;
        let mut tps = Vec::new();
        for t in &state.topics {
            let name = t.topic.0.as_str();
            holds_offsets |= name == OFFSETS_TOPIC;
            if let Some(ti) = topic_index(name) {
                tps.extend(t.partitions.iter().map(|p| (ti, *p as u32)));
            }
        }
        tps.sort();
        if holds_offsets {
            unknown.push(format!("transactions[{i}].groups"));
            unknown.push(format!("transactions[{i}].pending_offsets"));
        }
        // Kafka's TransactionState names are the model's T3 names; a name it does not know is not guessed.
        let txn_state = TxnState::from_name(state.transaction_state.as_str());
        if txn_state.is_none() {
            unknown.push(format!("transactions[{i}].state"));
        }
        transactions.push(TransactionOut {
            transactional_id: id.clone(),
            producer_id: state.producer_id.0.max(0) as u64,
            producer_epoch: state.producer_epoch.max(0),
            state: txn_state.unwrap_or(TxnState::Empty),
            partitions: tps
                .into_iter()
                .map(|(ti, partition)| TopicPartitionOut {
                    topic: target.topics[ti].0.clone(),
                    partition,
                })
                .collect(),
            groups: Vec::new(),
            pending_offsets: Vec::new(),
        });
    }

    Ok(Observation {
        partitions,
        groups,
        transactions,
        producers,
        unknown,
    })
}

/// The target's topics under their real names, with partition counts.
fn topics_real(target: &Target, real_topics: &[String]) -> Vec<(String, u32)> {
    real_topics
        .iter()
        .zip(&target.topics)
        .map(|(r, (_, count))| (r.clone(), *count))
        .collect()
}

/// key → node becomes node → keys, so each coordinator gets one request.
fn invert(coordinators: &BTreeMap<String, i32>) -> BTreeMap<i32, Vec<String>> {
    let mut out: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for (key, node) in coordinators {
        out.entry(*node).or_default().push(key.clone());
    }
    out
}
