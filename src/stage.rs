//! What the stage draws, worked out from the model's state at the cursor and the step before it, so the
//! components only draw and what changed in the last step can be highlighted.

use kafka_model::output::{final_state, FinalState, LogEntryOut};
use kafka_model::transaction_coordinator::TxnState;
use kafka_model::Cluster;

#[derive(Clone, Debug, PartialEq)]
pub struct StageView {
    pub partitions: Vec<PartitionView>,
    pub producers: Vec<ProducerView>,
    pub consumers: Vec<ConsumerView>,
    pub transactions: Vec<TransactionView>,
}

/// The transaction coordinator's record of one transactional.id (T3, T5).
#[derive(Clone, Debug, PartialEq)]
pub struct TransactionView {
    pub transactional_id: String,
    pub producer_id: u64,
    pub epoch: u16,
    pub state: TxnState,
    pub partitions: Vec<String>,
    /// Group offsets written in the transaction, invisible until the commit marker: (group, partition, offset).
    pub pending_offsets: Vec<(String, String, u64)>,
    pub changed: bool,
}

/// One copy of a partition on a broker (D1–D4).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaView {
    pub broker: u16,
    pub leader: bool,
    pub in_sync: bool,
    pub alive: bool,
    pub fetching: bool,
    pub log_end: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartitionView {
    /// `orders-0`, as Kafka's tools name a partition.
    pub name: String,
    pub cells: Vec<CellView>,
    pub markers: Vec<Marker>,
    /// Empty when the partition has a single copy.
    pub replicas: Vec<ReplicaView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CellView {
    pub offset: u64,
    pub kind: CellKind,
    /// Short text drawn in the cell (`#3` for order 3).
    pub short: String,
    /// Everything about the entry, for hover, focus and screen readers.
    pub detail: String,
    pub transaction: String,
    pub changed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CellKind {
    Record,
    CommitMarker,
    AbortMarker,
}

/// A labelled offset under or over a log: where a consumer reads next, what a group committed, HW, LSO.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    pub kind: MarkerKind,
    pub label: String,
    pub offset: u64,
    pub changed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    HighWatermark,
    LastStableOffset,
    Committed,
    Pending,
    Position,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerView {
    pub id: String,
    pub state: String,
    pub producer_id: Option<u64>,
    pub producer_epoch: Option<u16>,
    pub transactional_id: Option<String>,
    pub transaction_state: Option<String>,
    pub in_flight: Vec<String>,
    pub next_sequence: Vec<(String, u32)>,
    pub ack_will_be_lost: bool,
    pub changed: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerView {
    pub id: String,
    pub group: String,
    pub state: String,
    /// What the application is doing: waiting, or holding a record it has not processed yet.
    pub activity: String,
    pub positions: Vec<(String, u64)>,
    pub changed: bool,
}

/// Short text for a record value: `#3` for an order `{"order_id": 3, …}`, else the value cut short.
pub fn short_value(value: &str) -> String {
    if let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(value)
    {
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

impl StageView {
    pub fn new(now: &Cluster, before: Option<&Cluster>) -> Self {
        let state = final_state(now);
        let previous = before.map(final_state);
        let mut partitions = partitions(&state, previous.as_ref());
        for (view, (_, log)) in partitions.iter_mut().zip(now.partition_logs()) {
            if log.replicas.len() > 1 {
                view.replicas = log
                    .replicas
                    .iter()
                    .map(|r| ReplicaView {
                        broker: r.broker,
                        leader: log.leader == Some(r.broker),
                        in_sync: log.isr.contains(&r.broker),
                        alive: r.alive,
                        fetching: r.fetching,
                        log_end: r.log_end.0,
                    })
                    .collect();
            }
        }
        Self {
            partitions,
            producers: producers(now, &state, before, previous.as_ref()),
            consumers: consumers(now, &state, previous.as_ref()),
            transactions: transactions(now, before),
        }
    }
}

fn partitions(state: &FinalState, previous: Option<&FinalState>) -> Vec<PartitionView> {
    let markers_of = |state: &FinalState, topic: &str, partition: u32| -> Vec<Marker> {
        let mut markers = Vec::new();
        let Some(p) = state
            .partitions
            .iter()
            .find(|p| p.topic == topic && p.partition == partition)
        else {
            return markers;
        };
        let at = |list: &[kafka_model::output::TopicPartitionOffset]| {
            list.iter()
                .find(|tpo| tpo.topic == topic && tpo.partition == partition)
                .map(|tpo| tpo.offset)
        };
        for consumer in &state.consumers {
            if let Some(offset) = at(&consumer.positions) {
                markers.push(marker(MarkerKind::Position, &consumer.id, offset));
            }
        }
        for group in &state.groups {
            if let Some(offset) = at(&group.committed) {
                markers.push(marker(MarkerKind::Committed, &group.group_id, offset));
            }
            if let Some(offset) = at(&group.pending) {
                markers.push(marker(MarkerKind::Pending, &group.group_id, offset));
            }
        }
        markers.push(marker(MarkerKind::HighWatermark, "HW", p.high_watermark));
        if p.last_stable_offset != p.high_watermark {
            markers.push(marker(
                MarkerKind::LastStableOffset,
                "LSO",
                p.last_stable_offset,
            ));
        }
        markers
    };

    state
        .partitions
        .iter()
        .map(|p| {
            let before = previous.and_then(|prev| {
                prev.partitions
                    .iter()
                    .find(|q| q.topic == p.topic && q.partition == p.partition)
            });
            let cells = p
                .log
                .iter()
                .map(|entry| {
                    let old = before.and_then(|b| b.log.iter().find(|e| e.offset == entry.offset));
                    cell(entry, previous.is_some() && old != Some(entry))
                })
                .collect();
            let old_markers = previous
                .map(|prev| markers_of(prev, &p.topic, p.partition))
                .unwrap_or_default();
            let markers = markers_of(state, &p.topic, p.partition)
                .into_iter()
                .map(|mut m| {
                    m.changed = previous.is_some()
                        && !old_markers.iter().any(|o| {
                            o.kind == m.kind && o.label == m.label && o.offset == m.offset
                        });
                    m
                })
                .collect();
            PartitionView {
                name: format!("{}-{}", p.topic, p.partition),
                cells,
                markers,
                replicas: Vec::new(),
            }
        })
        .collect()
}

fn marker(kind: MarkerKind, label: &str, offset: u64) -> Marker {
    Marker {
        kind,
        label: label.to_string(),
        offset,
        changed: false,
    }
}

fn cell(entry: &LogEntryOut, changed: bool) -> CellView {
    let kind = match entry.kind.as_str() {
        "commit_marker" => CellKind::CommitMarker,
        "abort_marker" => CellKind::AbortMarker,
        _ => CellKind::Record,
    };
    let value = entry.value.clone().unwrap_or_default();
    let short = match kind {
        CellKind::Record => short_value(&value),
        CellKind::CommitMarker => "C".to_string(),
        CellKind::AbortMarker => "A".to_string(),
    };
    let mut detail = match kind {
        CellKind::Record => format!("Offset {}: record {}", entry.offset, value),
        CellKind::CommitMarker => format!("Offset {}: commit marker", entry.offset),
        CellKind::AbortMarker => format!("Offset {}: abort marker", entry.offset),
    };
    if let (Some(pid), Some(epoch)) = (entry.producer_id, entry.producer_epoch) {
        detail.push_str(&format!(", PID {pid}, epoch {epoch}"));
        if let Some(sequence) = entry.sequence {
            detail.push_str(&format!(", sequence {sequence}"));
        }
    }
    if entry.transaction != "none" {
        detail.push_str(&format!(", transaction {}", entry.transaction));
    }
    CellView {
        offset: entry.offset,
        kind,
        short,
        detail,
        transaction: entry.transaction.clone(),
        changed,
    }
}

fn producers(
    now: &Cluster,
    state: &FinalState,
    before: Option<&Cluster>,
    previous: Option<&FinalState>,
) -> Vec<ProducerView> {
    let names = now.names();
    state
        .producers
        .iter()
        .zip(now.producers())
        .enumerate()
        .map(|(index, (out, producer))| {
            let in_flight = producer
                .in_flight
                .iter()
                .map(|record| short_value(names.text(record.value)))
                .collect();
            let next_sequence = producer
                .next_sequence
                .iter()
                .map(|(tp, sequence)| (names.tp(*tp).to_string(), *sequence))
                .collect();
            let changed = match (previous, before) {
                (Some(prev), Some(before)) => {
                    prev.producers.get(index) != Some(out)
                        || before.producers().get(index).map(|p| p.in_flight.len())
                            != Some(producer.in_flight.len())
                        || before.producers().get(index).map(|p| p.lose_next_ack)
                            != Some(producer.lose_next_ack)
                }
                _ => false,
            };
            ProducerView {
                id: out.id.clone(),
                state: out.state.clone(),
                producer_id: out.producer_id,
                producer_epoch: out.producer_epoch,
                transactional_id: out.transactional_id.clone(),
                transaction_state: out.transaction_state.clone(),
                in_flight,
                next_sequence,
                ack_will_be_lost: producer.lose_next_ack,
                changed,
            }
        })
        .collect()
}

fn transactions(now: &Cluster, before: Option<&Cluster>) -> Vec<TransactionView> {
    let names = now.names();
    let summary = |cluster: &Cluster, producer: usize| {
        cluster
            .transaction_of(kafka_model::ids::ClientIdx(producer as u16))
            .map(|t| {
                (
                    t.state,
                    t.epoch.0,
                    t.partitions.len(),
                    t.pending_offsets.len(),
                )
            })
    };
    (0..now.producers().len())
        .filter_map(|i| {
            let t = now.transaction_of(kafka_model::ids::ClientIdx(i as u16))?;
            Some(TransactionView {
                transactional_id: t.transactional_id.clone(),
                producer_id: t.producer_id.0,
                epoch: t.epoch.0,
                state: t.state,
                partitions: t
                    .partitions
                    .iter()
                    .map(|tp| names.tp(*tp).to_string())
                    .collect(),
                pending_offsets: t
                    .pending_offsets
                    .iter()
                    .map(|p| {
                        (
                            names.group(p.group).to_string(),
                            names.tp(p.tp).to_string(),
                            p.offset.0,
                        )
                    })
                    .collect(),
                changed: before.is_some_and(|before| summary(before, i) != summary(now, i)),
            })
        })
        // Two instances of one transactional.id (a zombie and its successor) share one record.
        .fold(Vec::<TransactionView>::new(), |mut views, view| {
            if !views
                .iter()
                .any(|v| v.transactional_id == view.transactional_id)
            {
                views.push(view);
            }
            views
        })
}

fn consumers(
    now: &Cluster,
    state: &FinalState,
    previous: Option<&FinalState>,
) -> Vec<ConsumerView> {
    let names = now.names();
    state
        .consumers
        .iter()
        .zip(now.consumers())
        .enumerate()
        .map(|(index, (out, consumer))| {
            let activity = match (out.state.as_str(), consumer.received.front()) {
                ("running", Some(record)) => format!(
                    "holding {} (offset {}) — not processed yet{}",
                    short_value(names.text(record.value)),
                    record.offset,
                    match consumer.received.len() {
                        1 => String::new(),
                        n => format!(", {} more received", n - 1),
                    }
                ),
                ("running", None) if !consumer.joined => "not yet in its group".to_string(),
                ("running", None) => "waiting for records".to_string(),
                (other, _) => other.to_string(),
            };
            let group = names
                .group(now.group_of(kafka_model::ids::ClientIdx(index as u16)))
                .to_string();
            ConsumerView {
                id: out.id.clone(),
                group,
                state: out.state.clone(),
                activity,
                positions: out
                    .positions
                    .iter()
                    .map(|tpo| (format!("{}-{}", tpo.topic, tpo.partition), tpo.offset))
                    .collect(),
                changed: previous.is_some_and(|prev| prev.consumers.get(index) != Some(out)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_model::{parse_scenario, Timeline};

    /// The sandbox's starter: an idempotent producer and a manual-commit worker that crashes.
    fn starter_at(step: usize) -> (Timeline, StageView) {
        let scenario =
            parse_scenario(crate::pages::STARTER).expect("the starter scenario is valid");
        let mut timeline = Timeline::from_scenario(&scenario);
        timeline.jump(step.saturating_sub(1));
        let before = timeline.clone();
        timeline.jump(step);
        let view = StageView::new(timeline.state(), (step > 0).then(|| before.state()));
        (timeline, view)
    }

    fn markers(view: &StageView) -> Vec<(MarkerKind, String, u64)> {
        view.partitions[0]
            .markers
            .iter()
            .map(|m| (m.kind, m.label.clone(), m.offset))
            .collect()
    }

    #[test]
    fn a_flush_appends_a_highlighted_cell_with_pid_and_sequence() {
        let (_, view) = starter_at(2);
        let partition = &view.partitions[0];
        assert_eq!(partition.name, "orders-0");
        assert_eq!(partition.cells.len(), 1);
        let cell = &partition.cells[0];
        assert_eq!(
            (cell.offset, cell.short.as_str(), cell.changed),
            (0, "#0", true)
        );
        assert!(
            cell.detail.contains("PID 0, epoch 0, sequence 0"),
            "{}",
            cell.detail
        );
        assert_eq!(
            markers(&view),
            vec![(MarkerKind::HighWatermark, "HW".into(), 1)]
        );
        let producer = &view.producers[0];
        assert_eq!(
            (producer.producer_id, producer.producer_epoch),
            (Some(0), Some(0))
        );
        assert_eq!(producer.next_sequence, vec![("orders-0".to_string(), 1)]);
        assert!(producer.in_flight.is_empty());
    }

    #[test]
    fn a_poll_moves_the_position_marker_and_the_consumer_holds_the_record() {
        let (_, view) = starter_at(3);
        assert!(!view.partitions[0].cells[0].changed);
        let position = view.partitions[0]
            .markers
            .iter()
            .find(|m| m.kind == MarkerKind::Position)
            .expect("the worker's position is drawn");
        assert_eq!(
            (position.label.as_str(), position.offset, position.changed),
            ("worker", 1, true)
        );
        let worker = &view.consumers[0];
        assert_eq!(worker.group, "order-processor-v2");
        assert!(
            worker.activity.starts_with("holding #0 (offset 0)"),
            "{}",
            worker.activity
        );
        assert_eq!(worker.positions, vec![("orders-0".to_string(), 1)]);
        assert!(worker.changed);
    }

    #[test]
    fn a_crashed_consumer_has_no_position_and_no_commit_was_made() {
        let (_, view) = starter_at(5);
        assert_eq!(view.consumers[0].state, "crashed");
        assert!(view.consumers[0].positions.is_empty());
        assert_eq!(
            markers(&view),
            vec![(MarkerKind::HighWatermark, "HW".into(), 1)]
        );
    }

    fn golden_at(name: &str, step: usize) -> StageView {
        let path = format!(
            "{}/crates/model/tests/golden/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let json = std::fs::read_to_string(path).expect("golden scenario");
        let mut timeline = Timeline::from_scenario(&parse_scenario(&json).expect("valid"));
        timeline.jump(step - 1);
        let before = timeline.clone();
        timeline.jump(step);
        StageView::new(timeline.state(), Some(before.state()))
    }

    #[test]
    fn the_coordinator_view_shows_state_partitions_and_pending_offsets() {
        // Step 17 of the corrected loop: offsets sent to the open transaction, not committed yet.
        let view = golden_at("i-corrected-exactly-once-loop", 17);
        assert_eq!(view.transactions.len(), 1);
        let t = &view.transactions[0];
        assert_eq!(t.transactional_id, "order-processor-tx");
        assert_eq!(t.state, TxnState::Ongoing);
        assert_eq!(
            t.pending_offsets,
            vec![("order-processor-eos".to_string(), "orders-0".to_string(), 1)]
        );
        assert!(t.changed);
        let pending = view.partitions[0]
            .markers
            .iter()
            .find(|m| m.kind == MarkerKind::Pending)
            .expect("the pending offset is drawn on the input log");
        assert_eq!(
            (pending.label.as_str(), pending.offset),
            ("order-processor-eos", 1)
        );
        // After the commit step the coordinator answers from PrepareCommit; the markers land next.
        let view = golden_at("i-corrected-exactly-once-loop", 18);
        assert_eq!(view.transactions[0].state, TxnState::PrepareCommit);
    }

    #[test]
    fn the_replica_view_shows_leader_isr_and_copies() {
        // Step 6 of the acks=1 scenario: broker 0 (the leader) crashed while broker 1 was not copying.
        let view = golden_at("k-acks-1-leader-crash-loses-an-acknowledged-record", 6);
        let replicas = &view.partitions[0].replicas;
        assert_eq!(replicas.len(), 2);
        let by_broker = |b: u16| replicas.iter().find(|r| r.broker == b).expect("replica");
        assert!(!by_broker(0).alive && !by_broker(0).in_sync && !by_broker(0).leader);
        assert!(by_broker(1).leader && by_broker(1).in_sync);
        assert_eq!(
            by_broker(1).log_end,
            1,
            "the new leader never copied order 1"
        );
        assert_eq!(view.partitions[0].cells.len(), 1);
    }

    #[test]
    fn a_single_copy_partition_draws_no_replica_rows() {
        let (_, view) = starter_at(2);
        assert!(view.partitions[0].replicas.is_empty());
        assert!(view.transactions.is_empty());
    }

    #[test]
    fn nothing_is_highlighted_at_the_start() {
        let (_, view) = starter_at(0);
        assert!(view.partitions[0].cells.is_empty());
        assert!(view.partitions[0].markers.iter().all(|m| !m.changed));
        assert!(view.producers.iter().all(|p| !p.changed));
    }

    #[test]
    fn short_values_name_orders_by_id() {
        assert_eq!(short_value(r#"{"order_id": 3, "item": "widget"}"#), "#3");
        assert_eq!(short_value("hello world"), "hello…");
        assert_eq!(short_value("abc"), "abc");
    }
}
