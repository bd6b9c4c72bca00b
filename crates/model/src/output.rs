//! The output contract of `scenario-format.md`: steps, final state, ledger. Names come back here.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::action::{Action, Actor};
use crate::cluster::{ledger_rows, Cluster};
use crate::config::Assignor;
use crate::consumer::ConsumerState;
use crate::error::StepError;
use crate::event::{Change, CommitCause, Event, PositionSource};
use crate::ids::{ClientIdx, Offset, TopicPartition};
use crate::ledger::Label;
use crate::names::Names;
use crate::op::Op;
use crate::partition_log::{EntryKind, TxnStatus};
use crate::producer::ProducerState;
use crate::transaction_coordinator::TxnState;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    pub steps: Vec<StepOutput>,
    #[serde(rename = "final")]
    pub final_state: FinalState,
    pub ledger: Vec<LedgerOut>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepOutput {
    pub index: usize,
    pub actor: Option<String>,
    pub op: Op,
    pub ok: bool,
    pub error: Option<String>,
    /// One sentence per event, for the learner.
    pub events: Vec<String>,
    /// The same events as structured data (an addition to the contract).
    pub changes: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinalState {
    pub partitions: Vec<PartitionOut>,
    pub groups: Vec<GroupOut>,
    pub producers: Vec<ProducerOut>,
    pub consumers: Vec<ConsumerOut>,
    /// The transaction coordinator's record of every initialised transactional.id (an addition).
    #[serde(default)]
    pub transactions: Vec<TransactionOut>,
    /// Every broker (an addition).
    #[serde(default)]
    pub brokers: Vec<BrokerOut>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransactionOut {
    pub transactional_id: String,
    pub producer_id: u64,
    pub producer_epoch: i16,
    pub state: TxnState,
    /// Partitions in the current transaction.
    pub partitions: Vec<TopicPartitionOut>,
    /// Groups whose offsets partition is in the current transaction.
    pub groups: Vec<String>,
    pub pending_offsets: Vec<PendingOffsetOut>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicPartitionOut {
    pub topic: String,
    pub partition: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingOffsetOut {
    pub group_id: String,
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerOut {
    pub broker: u16,
    pub alive: bool,
    pub replication_paused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaOut {
    pub broker: u16,
    pub log_end_offset: u64,
    pub alive: bool,
    pub in_sync: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionOut {
    pub topic: String,
    pub partition: u32,
    pub high_watermark: u64,
    pub last_stable_offset: u64,
    pub log: Vec<LogEntryOut>,
    /// The leading broker, `null` while the partition is offline (an addition).
    #[serde(default)]
    pub leader: Option<u16>,
    /// The replicas' brokers in assignment order (an addition).
    #[serde(default)]
    pub replicas: Vec<u16>,
    /// The in-sync replicas (an addition).
    #[serde(default)]
    pub isr: Vec<u16>,
    /// Each replica's log end offset (an addition).
    #[serde(default)]
    pub replica_states: Vec<ReplicaOut>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntryOut {
    pub offset: u64,
    pub kind: EntryKind,
    pub value: Option<String>,
    pub producer_id: Option<u64>,
    pub producer_epoch: Option<i16>,
    pub sequence: Option<u32>,
    pub transaction: TxnStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicPartitionOffset {
    pub topic: String,
    pub partition: u32,
    pub offset: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupOut {
    pub group_id: String,
    pub committed: Vec<TopicPartitionOffset>,
    pub pending: Vec<TopicPartitionOffset>,
    /// The generation of the last completed rebalance: 0 before the first (an addition).
    #[serde(default)]
    pub generation: u32,
    /// A rebalance has started and not completed.
    #[serde(default)]
    pub rebalancing: bool,
    /// The assignor chosen at the last rebalance, if any.
    #[serde(default)]
    pub assignor: Option<Assignor>,
    /// The members the coordinator knows, live or not yet expired, with their partitions.
    #[serde(default)]
    pub members: Vec<MemberOut>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberOut {
    pub consumer: String,
    /// `group.instance.id` of a static member.
    pub group_instance_id: Option<String>,
    /// Heartbeating; a crashed or stopped static member stays until its session expires.
    pub alive: bool,
    pub partitions: Vec<TopicPartitionOut>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerOut {
    pub id: String,
    pub producer_id: Option<u64>,
    pub producer_epoch: Option<i16>,
    pub transactional_id: Option<String>,
    pub state: ProducerState,
    pub transaction_state: Option<TxnState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerOut {
    pub id: String,
    pub state: ConsumerState,
    pub positions: Vec<TopicPartitionOffset>,
    /// The partitions its current instance is assigned (an addition).
    #[serde(default)]
    pub assignment: Vec<TopicPartitionOut>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerOut {
    pub value: String,
    pub sent: u32,
    pub appended: u32,
    pub committed_copies: u32,
    pub delivered: u32,
    pub processed: u32,
    pub by_group: Vec<GroupCountsOut>,
    pub labels: Vec<Label>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCountsOut {
    pub group_id: String,
    pub delivered: u32,
    pub processed: u32,
}

/// How the views name a record value: `#3` for an order `{"order_id": 3, …}`, else its first characters.
pub fn short_value(value: &str) -> String {
    if let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(value) {
        for (key, field) in &fields {
            if key.ends_with("_id") {
                if let Some(id) = field.as_i64() {
                    return format!("#{id}");
                }
            }
        }
    }
    let mut short: String = value.chars().take(5).collect();
    if value.chars().count() > 5 {
        short.push('…');
    }
    short
}

/// The offset listed for a partition.
fn offset_in(list: &[TopicPartitionOffset], topic: &str, partition: u32) -> Option<u64> {
    list.iter()
        .find(|o| o.topic == topic && o.partition == partition)
        .map(|o| o.offset)
}

/// Lookups by the names the output carries, so readers need not search its lists.
impl FinalState {
    pub fn partition(&self, topic: &str, partition: u32) -> Option<&PartitionOut> {
        self.partitions
            .iter()
            .find(|p| p.topic == topic && p.partition == partition)
    }

    pub fn group(&self, group_id: &str) -> Option<&GroupOut> {
        self.groups.iter().find(|g| g.group_id == group_id)
    }

    /// The group's committed offset for the partition.
    pub fn committed(&self, group_id: &str, topic: &str, partition: u32) -> Option<u64> {
        self.group(group_id)
            .and_then(|g| offset_in(&g.committed, topic, partition))
    }

    pub fn producer(&self, id: &str) -> Option<&ProducerOut> {
        self.producers.iter().find(|p| p.id == id)
    }

    pub fn consumer(&self, id: &str) -> Option<&ConsumerOut> {
        self.consumers.iter().find(|c| c.id == id)
    }

    pub fn transaction(&self, transactional_id: &str) -> Option<&TransactionOut> {
        self.transactions
            .iter()
            .find(|t| t.transactional_id == transactional_id)
    }
}

impl PartitionOut {
    pub fn entry(&self, offset: u64) -> Option<&LogEntryOut> {
        self.log.iter().find(|e| e.offset == offset)
    }

    /// Records, not markers.
    pub fn records(&self) -> usize {
        self.log
            .iter()
            .filter(|e| e.kind == EntryKind::Record)
            .count()
    }
}

impl GroupOut {
    pub fn committed(&self, topic: &str, partition: u32) -> Option<u64> {
        offset_in(&self.committed, topic, partition)
    }

    pub fn pending(&self, topic: &str, partition: u32) -> Option<u64> {
        offset_in(&self.pending, topic, partition)
    }
}

impl ConsumerOut {
    pub fn position(&self, topic: &str, partition: u32) -> Option<u64> {
        offset_in(&self.positions, topic, partition)
    }
}

impl LedgerOut {
    /// The row of the message with this value.
    pub fn find<'a>(ledger: &'a [LedgerOut], value: &str) -> Option<&'a LedgerOut> {
        ledger.iter().find(|row| row.value == value)
    }

    pub fn group(&self, group_id: &str) -> Option<&GroupCountsOut> {
        self.by_group.iter().find(|g| g.group_id == group_id)
    }
}

fn tpout(names: &Names<'_>, tp: TopicPartition) -> TopicPartitionOut {
    TopicPartitionOut {
        topic: names.topic(tp.topic).to_owned(),
        partition: tp.partition,
    }
}

fn tpo(names: &Names<'_>, tp: TopicPartition, offset: Offset) -> TopicPartitionOffset {
    TopicPartitionOffset {
        topic: names.topic(tp.topic).to_owned(),
        partition: tp.partition,
        offset: offset.0,
    }
}

/// The `actor` field of a step.
pub fn actor_name(names: &Names<'_>, action: &Action) -> Option<String> {
    match action.actor() {
        Actor::Producer(p) => Some(names.producer(p).to_owned()),
        Actor::Consumer(c) => Some(names.consumer(c).to_owned()),
        Actor::Cluster => None,
    }
}

/// One step of the output.
pub fn step_output(
    names: &Names<'_>,
    index: usize,
    action: &Action,
    result: Result<(), StepError>,
    events: &[Event],
) -> StepOutput {
    StepOutput {
        changes: events
            .iter()
            .map(|e| change_json(names, &e.change))
            .collect(),
        ..step_summary(names, index, action, result, events)
    }
}

/// One step of the output without `changes`, the JSON copies of its events: for readers of its result and
/// sentences only (the live view), which then need not carry the code that writes changes.
pub fn step_summary(
    names: &Names<'_>,
    index: usize,
    action: &Action,
    result: Result<(), StepError>,
    events: &[Event],
) -> StepOutput {
    StepOutput {
        index,
        actor: actor_name(names, action),
        op: action.op(),
        ok: result.is_ok(),
        error: result.err().map(|e| e.name().to_owned()),
        events: events
            .iter()
            .map(|e| e.sentence(names).to_string())
            .collect(),
        changes: Vec::new(),
    }
}

/// The final state of the cluster.
pub fn final_state(cluster: &Cluster) -> FinalState {
    let names = cluster.names();
    let setup = cluster.setup();
    let partitions = cluster
        .partition_logs()
        .map(|(tp, log)| PartitionOut {
            topic: names.topic(tp.topic).to_owned(),
            partition: tp.partition,
            high_watermark: log.high_watermark.0,
            last_stable_offset: log.last_stable_offset().0,
            log: log
                .entries
                .iter()
                .map(|e| {
                    let record = e.kind == EntryKind::Record;
                    LogEntryOut {
                        offset: e.offset.0,
                        kind: e.kind,
                        value: record.then(|| names.text(e.value).to_owned()),
                        producer_id: e.batch.map(|b| b.producer_id.0),
                        producer_epoch: e.batch.map(|b| b.epoch.0),
                        sequence: e.batch.filter(|_| record).map(|b| b.sequence),
                        transaction: e.txn,
                    }
                })
                .collect(),
            leader: log.leader,
            replicas: log.replicas.iter().map(|r| r.broker).collect(),
            isr: log.isr.clone(),
            replica_states: log
                .replicas
                .iter()
                .map(|r| ReplicaOut {
                    broker: r.broker,
                    log_end_offset: r.log_end.0,
                    alive: r.alive,
                    in_sync: log.isr.contains(&r.broker),
                })
                .collect(),
        })
        .collect();
    let groups = cluster
        .groups()
        .iter()
        .enumerate()
        .map(|(i, g)| GroupOut {
            group_id: setup.groups[i].clone(),
            committed: g
                .committed
                .iter()
                .map(|(tp, o)| tpo(&names, *tp, *o))
                .collect(),
            pending: g
                .pending
                .iter()
                .map(|(tp, o)| tpo(&names, *tp, *o))
                .collect(),
            generation: g.generation,
            rebalancing: g.rebalance_pending,
            assignor: g.assignor,
            members: g
                .members
                .iter()
                .map(|m| {
                    let spec = &setup.consumers[m.consumer.0 as usize];
                    MemberOut {
                        consumer: spec.id.clone(),
                        group_instance_id: spec.config.group_instance_id.clone(),
                        alive: m.alive,
                        partitions: m.assigned.iter().map(|tp| tpout(&names, *tp)).collect(),
                    }
                })
                .collect(),
        })
        .collect();
    let producers = cluster
        .producers()
        .iter()
        .enumerate()
        .map(|(i, p)| ProducerOut {
            id: setup.producers[i].id.clone(),
            producer_id: p.producer_id.map(|(pid, _)| pid.0),
            producer_epoch: p.producer_id.map(|(_, e)| e.0),
            transactional_id: setup.producers[i].config.transactional_id.clone(),
            state: p.state,
            transaction_state: cluster.transaction_of(ClientIdx(i as u16)).map(|m| m.state),
        })
        .collect();
    let transactions = cluster
        .transactions()
        .iter()
        .flatten()
        .map(|m| TransactionOut {
            transactional_id: m.transactional_id.clone(),
            producer_id: m.producer_id.0,
            producer_epoch: m.epoch.0,
            state: m.state,
            partitions: m
                .partitions
                .iter()
                .map(|tp| TopicPartitionOut {
                    topic: names.topic(tp.topic).to_owned(),
                    partition: tp.partition,
                })
                .collect(),
            groups: m
                .groups
                .iter()
                .map(|g| names.group(*g).to_owned())
                .collect(),
            pending_offsets: m
                .pending_offsets
                .iter()
                .map(|p| PendingOffsetOut {
                    group_id: names.group(p.group).to_owned(),
                    topic: names.topic(p.tp.topic).to_owned(),
                    partition: p.tp.partition,
                    offset: p.offset.0,
                })
                .collect(),
        })
        .collect();
    let brokers = (0..cluster.broker_count())
        .map(|b| BrokerOut {
            broker: b,
            alive: cluster.broker_alive(b),
            replication_paused: cluster.replication_paused(b),
        })
        .collect();
    let consumers = cluster
        .consumers()
        .iter()
        .enumerate()
        .map(|(i, c)| ConsumerOut {
            id: setup.consumers[i].id.clone(),
            state: c.state,
            positions: c
                .positions
                .iter()
                .map(|(tp, o)| tpo(&names, *tp, *o))
                .collect(),
            assignment: cluster
                .assignment(ClientIdx(i as u16))
                .iter()
                .map(|tp| tpout(&names, *tp))
                .collect(),
        })
        .collect();
    FinalState {
        partitions,
        groups,
        producers,
        consumers,
        transactions,
        brokers,
    }
}

/// The ledger of rule L1/L2.
pub fn ledger_output(cluster: &Cluster) -> Vec<LedgerOut> {
    let names = cluster.names();
    ledger_rows(cluster)
        .into_iter()
        .map(|r| LedgerOut {
            value: names.text(r.value).to_owned(),
            sent: r.sent,
            appended: r.appended,
            committed_copies: r.committed_copies,
            delivered: r.delivered,
            processed: r.processed,
            by_group: r
                .by_group
                .iter()
                .map(|(g, c)| GroupCountsOut {
                    group_id: names.group(*g).to_owned(),
                    delivered: c.delivered,
                    processed: c.processed,
                })
                .collect(),
            labels: r.labels.clone(),
        })
        .collect()
}

fn marker_kind(commit: bool) -> EntryKind {
    if commit {
        EntryKind::CommitMarker
    } else {
        EntryKind::AbortMarker
    }
}

fn opt(o: Option<Offset>) -> Value {
    o.map_or(Value::Null, |o| json!(o.0))
}

/// A change as a JSON object with a `type` and names instead of ids.
pub fn change_json(n: &Names<'_>, change: &Change) -> Value {
    let tp = |tp: TopicPartition| json!({ "topic": n.topic(tp.topic), "partition": tp.partition });
    let parts = |list: &[TopicPartition]| list.iter().map(|p| tp(*p)).collect::<Vec<_>>();
    match change {
        Change::ProducerIdAssigned {
            producer,
            producer_id,
            epoch,
        } => json!({
            "type": "producer_id_assigned", "producer": n.producer(*producer),
            "producer_id": producer_id.0, "producer_epoch": epoch.0 }),
        Change::RecordInFlight {
            producer,
            tp: t,
            value,
            sequence,
        } => json!({
            "type": "record_in_flight", "producer": n.producer(*producer), "partition": tp(*t),
            "value": n.text(*value), "sequence": sequence }),
        Change::RecordAppended {
            producer,
            tp: t,
            offset,
            value,
        } => json!({
            "type": "record_appended", "producer": n.producer(*producer), "partition": tp(*t),
            "offset": offset.0, "value": n.text(*value) }),
        Change::RetryDeduplicated {
            producer,
            tp: t,
            original_offset,
        } => json!({
            "type": "retry_deduplicated", "producer": n.producer(*producer), "partition": tp(*t),
            "original_offset": original_offset.0 }),
        Change::SendFailed {
            producer,
            tp: t,
            value,
        } => json!({
            "type": "send_failed", "producer": n.producer(*producer), "partition": tp(*t),
            "value": n.text(*value) }),
        Change::ProduceRejected {
            producer,
            tp: t,
            value,
        } => json!({
            "type": "produce_rejected", "producer": n.producer(*producer), "partition": tp(*t),
            "value": n.text(*value) }),
        Change::FaultArmed { producer } => json!({
            "type": "fault_armed", "producer": n.producer(*producer), "fault": "lose_next_ack" }),
        Change::InFlightDropped { producer, records } => json!({
            "type": "in_flight_dropped", "producer": n.producer(*producer), "records": records }),
        Change::ProducerStateChanged { producer, from, to } => json!({
            "type": "producer_state", "producer": n.producer(*producer),
            "from": from.name(), "to": to.name() }),
        Change::TransactionDoomed { producer, error } => json!({
            "type": "transaction_doomed", "producer": n.producer(*producer), "error": error.name() }),
        Change::ClockAdvanced { from_ms, to_ms } => json!({
            "type": "clock_advanced", "from_ms": from_ms, "to_ms": to_ms }),
        Change::MemberJoined { group, consumer } => json!({
            "type": "member_joined", "group_id": n.group(*group), "consumer": n.consumer(*consumer) }),
        Change::MemberWaiting {
            group,
            consumer,
            holder,
            expires_at_ms,
        } => json!({
            "type": "member_waiting", "group_id": n.group(*group), "consumer": n.consumer(*consumer),
            "waiting_for": n.consumer(*holder), "session_expires_at_ms": expires_at_ms }),
        Change::RebalanceStarted { group, cooperative } => json!({
            "type": "rebalance_started", "group_id": n.group(*group), "cooperative": cooperative }),
        Change::MemberRejoined {
            group,
            consumer,
            kept,
        } => json!({
            "type": "member_rejoined", "group_id": n.group(*group), "consumer": n.consumer(*consumer),
            "kept_partitions": kept }),
        Change::StaticMemberReturned {
            group,
            consumer,
            assigned,
        } => json!({
            "type": "static_member_returned", "group_id": n.group(*group),
            "consumer": n.consumer(*consumer), "partitions": parts(assigned) }),
        Change::StaticMemberAway {
            group,
            consumer,
            expires_at_ms,
        } => json!({
            "type": "static_member_away", "group_id": n.group(*group), "consumer": n.consumer(*consumer),
            "session_expires_at_ms": expires_at_ms }),
        Change::PartitionsRevoked {
            consumer,
            partitions,
            in_hand,
        } => json!({
            "type": "partitions_revoked", "consumer": n.consumer(*consumer),
            "partitions": parts(partitions), "records_in_hand": in_hand }),
        Change::CommitRefused { group, consumer } => json!({
            "type": "commit_refused", "group_id": n.group(*group), "consumer": n.consumer(*consumer) }),
        Change::JoinRefused { group, consumer } => json!({
            "type": "join_refused", "group_id": n.group(*group), "consumer": n.consumer(*consumer) }),
        Change::MemberRemoved { group, consumer } => json!({
            "type": "member_removed", "group_id": n.group(*group), "consumer": n.consumer(*consumer) }),
        Change::GroupRebalanced {
            group,
            generation,
            assignment,
            revoked,
        } => {
            let each = |list: &[(ClientIdx, Vec<TopicPartition>)]| {
                list.iter()
                    .map(|(c, p)| json!({ "consumer": n.consumer(*c), "partitions": parts(p) }))
                    .collect::<Vec<_>>()
            };
            json!({
                "type": "group_rebalanced", "group_id": n.group(*group), "generation": generation,
                "assignment": each(assignment), "revoked": each(revoked) })
        }
        Change::PositionInitialised {
            consumer,
            tp: t,
            offset,
            source,
        } => json!({
            "type": "position_initialised", "consumer": n.consumer(*consumer), "partition": tp(*t),
            "offset": offset.0, "source": match source {
                PositionSource::Committed => "committed",
                PositionSource::ResetEarliest => "earliest",
                PositionSource::ResetLatest => "latest",
            } }),
        Change::PositionMoved {
            consumer,
            tp: t,
            from,
            to,
        } => json!({
            "type": "position_moved", "consumer": n.consumer(*consumer), "partition": tp(*t),
            "from": opt(*from), "to": to.0 }),
        Change::RecordsFetched { consumer, records } => json!({
            "type": "records_fetched", "consumer": n.consumer(*consumer), "records": records }),
        Change::RecordDelivered {
            consumer,
            tp: t,
            offset,
            value,
        } => json!({
            "type": "record_delivered", "consumer": n.consumer(*consumer), "partition": tp(*t),
            "offset": offset.0, "value": n.text(*value) }),
        Change::NoRecords { consumer } => json!({
            "type": "no_records", "consumer": n.consumer(*consumer) }),
        Change::RecordProcessed {
            consumer,
            tp: t,
            offset,
            value,
            times,
        } => json!({
            "type": "record_processed", "consumer": n.consumer(*consumer), "partition": tp(*t),
            "offset": offset.0, "value": n.text(*value), "times_in_group": times }),
        Change::ProcessingFailed {
            consumer,
            tp: t,
            offset,
            value,
        } => json!({
            "type": "processing_failed", "consumer": n.consumer(*consumer), "partition": tp(*t),
            "offset": offset.0, "value": n.text(*value) }),
        Change::ProcessingSkipped {
            consumer,
            tp: t,
            offset,
            value,
        } => json!({
            "type": "processing_skipped", "consumer": n.consumer(*consumer), "partition": tp(*t),
            "offset": offset.0, "value": n.text(*value) }),
        Change::OffsetCommitted {
            group,
            consumer,
            tp: t,
            from,
            to,
            cause,
        } => json!({
            "type": "offset_committed", "group_id": n.group(*group), "consumer": n.consumer(*consumer),
            "partition": tp(*t), "from": opt(*from), "to": to.0, "cause": match cause {
                CommitCause::AutoInPoll => "auto_commit_in_poll",
                CommitCause::AutoOnClose => "auto_commit_on_close",
                CommitCause::AutoBeforeRebalance => "auto_commit_before_rebalance",
                CommitCause::OnRevoke => "on_partitions_revoked",
                CommitCause::Positions => "commit_positions",
                CommitCause::Explicit => "commit_offsets",
            } }),
        Change::NothingToCommit { consumer } => json!({
            "type": "nothing_to_commit", "consumer": n.consumer(*consumer) }),
        Change::BufferDropped {
            consumer,
            tp: t,
            records,
        } => json!({
            "type": "buffer_dropped", "consumer": n.consumer(*consumer), "partition": tp(*t),
            "records": records }),
        Change::ConsumerStateChanged { consumer, from, to } => json!({
            "type": "consumer_state", "consumer": n.consumer(*consumer),
            "from": from.name(), "to": to.name() }),
        Change::TransactionsInitialised {
            producer,
            producer_id,
            epoch,
            fenced_older,
        } => json!({
            "type": "transactions_initialised", "producer": n.producer(*producer),
            "producer_id": producer_id.0, "producer_epoch": epoch.0, "fenced_older": fenced_older }),
        Change::InitIgnored { producer } => json!({
            "type": "init_ignored", "producer": n.producer(*producer) }),
        Change::TransactionBegun { producer } => json!({
            "type": "transaction_begun", "producer": n.producer(*producer) }),
        Change::TxnStateChanged { txn, from, to } => json!({
            "type": "transaction_state", "transactional_id": n.txn(*txn),
            "from": from.name(), "to": to.name() }),
        Change::PartitionAddedToTxn {
            producer,
            tp: t,
            implicit,
        } => json!({
            "type": "partition_added_to_transaction", "producer": n.producer(*producer),
            "partition": tp(*t), "implicit": implicit }),
        Change::OffsetsAddedToTxn { producer, group } => json!({
            "type": "offsets_added_to_transaction", "producer": n.producer(*producer),
            "group_id": n.group(*group) }),
        Change::OffsetPending {
            group,
            tp: t,
            offset,
        } => json!({
            "type": "offset_pending", "group_id": n.group(*group), "partition": tp(*t),
            "offset": offset.0 }),
        Change::MarkerWritten {
            txn,
            tp: t,
            offset,
            commit,
        } => json!({
            "type": "marker_written", "transactional_id": n.txn(*txn), "partition": tp(*t),
            "offset": offset.0, "kind": marker_kind(*commit) }),
        Change::OffsetsMarkerWritten { txn, group, commit } => json!({
            "type": "offsets_marker_written", "transactional_id": n.txn(*txn),
            "group_id": n.group(*group),
            "kind": marker_kind(*commit) }),
        Change::PendingOffsetResolved {
            group,
            tp: t,
            offset,
            committed,
        } => json!({
            "type": "pending_offset_resolved", "group_id": n.group(*group), "partition": tp(*t),
            "offset": offset.0, "committed": committed }),
        Change::NoEndTxn { producer, commit } => json!({
            "type": "no_end_txn", "producer": n.producer(*producer), "commit": commit }),
        Change::TransactionEnded { producer, commit } => json!({
            "type": "transaction_ended", "producer": n.producer(*producer), "commit": commit }),
        Change::ProducerEpochBumped {
            producer,
            producer_id,
            epoch,
        } => json!({
            "type": "producer_epoch_bumped", "producer": n.producer(*producer),
            "producer_id": producer_id.0, "producer_epoch": epoch.0 }),
        Change::RequestFaultArmed { producer } => json!({
            "type": "fault_armed", "producer": n.producer(*producer), "fault": "lose_next_request" }),
        Change::RequestLost {
            producer,
            tp: t,
            value,
        } => json!({
            "type": "request_lost", "producer": n.producer(*producer), "partition": tp(*t),
            "value": n.text(*value) }),
        Change::ProduceFailed {
            producer,
            tp: t,
            value,
            error,
        } => json!({
            "type": "produce_failed", "producer": n.producer(*producer), "partition": tp(*t),
            "value": n.text(*value), "error": error.name() }),
        Change::AckWaiting {
            producer,
            tp: t,
            offset,
        } => json!({
            "type": "ack_waiting", "producer": n.producer(*producer), "partition": tp(*t),
            "offset": offset.0 }),
        Change::WaitingForPendingOffsets { consumer, tp: t } => json!({
            "type": "waiting_for_pending_offsets", "consumer": n.consumer(*consumer),
            "partition": tp(*t) }),
        Change::BrokerStateChanged { broker, alive } => json!({
            "type": "broker_state", "broker": broker, "alive": alive }),
        Change::LeaderChanged {
            tp: t,
            from,
            to,
            unclean,
        } => json!({
            "type": "leader_changed", "partition": tp(*t), "from": from, "to": to,
            "unclean": unclean }),
        Change::IsrChanged {
            tp: t,
            broker,
            joined,
        } => json!({
            "type": "isr_changed", "partition": tp(*t), "broker": broker, "joined": joined }),
        Change::LogTruncated {
            tp: t,
            broker,
            to,
            removed,
            ..
        } => json!({
            "type": "log_truncated", "partition": tp(*t), "broker": broker, "to": to.0,
            "removed": removed }),
        Change::ReplicationToggled { broker, paused } => json!({
            "type": "replication", "broker": broker, "paused": paused }),
        Change::Nothing => json!({ "type": "nothing" }),
    }
}

#[cfg(test)]
mod tests {
    use super::short_value;

    #[test]
    fn short_values_name_orders_by_id() {
        assert_eq!(short_value(r#"{"order_id": 3, "item": "widget"}"#), "#3");
        assert_eq!(short_value("hello world"), "hello…");
        assert_eq!(short_value("abc"), "abc");
    }
}
