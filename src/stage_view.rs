//! What the stage draws, worked out from the model's state at the cursor, with the marks of the step that led
//! there (`Highlights`, from that step's events), so the components only draw.

use std::collections::BTreeSet;

use kafka_model::consumer::ConsumerState;
use kafka_model::ids::{ClientIdx, GroupIdx, Offset};
use kafka_model::output::short_value;
use kafka_model::partition_log::{EntryKind, LogEntry, TxnStatus};
use kafka_model::producer::ProducerState;
use kafka_model::transaction_coordinator::TxnState;
use kafka_model::{Actor, Cluster};

use crate::highlights::Highlights;

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
    pub epoch: i16,
    pub state: TxnState,
    pub partitions: Vec<String>,
    /// Group offsets written in the transaction, invisible until the commit marker: (group, partition, offset).
    pub pending_offsets: Vec<(String, String, u64)>,
    pub changed: bool,
}

/// One copy of a partition on a broker (D1–D4), drawn as a log of its own: the leader's entries up to its log
/// end, then what it holds that the leader does not.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaView {
    pub broker: u16,
    pub leader: bool,
    pub in_sync: bool,
    pub alive: bool,
    pub fetching: bool,
    pub log_end: u64,
    /// The high watermark as this copy knows it: a follower learns it from the leader, and cannot know one past
    /// its own log end.
    pub high_watermark: u64,
    /// Entries this copy holds beyond the leader's log: a crashed replica's, until it returns and truncates.
    pub diverged: Vec<CellView>,
    /// Entries the step just removed from this copy, drawn struck out for that step.
    pub truncated: Vec<CellView>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartitionView {
    /// `orders-0`, as Kafka's tools name a partition.
    pub name: String,
    pub cells: Vec<CellView>,
    pub markers: Vec<Marker>,
    /// Empty when the partition has a single copy.
    pub replicas: Vec<ReplicaView>,
    /// Entries the step just removed from the log (a new leader's shorter log won), drawn struck out.
    pub truncated: Vec<CellView>,
    /// The consumers that own it, one per group that has it assigned; one that no longer heartbeats says so.
    pub owners: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CellView {
    pub offset: u64,
    pub kind: EntryKind,
    /// Short text drawn in the cell (`#3` for order 3).
    pub short: String,
    /// Everything about the entry, for hover, focus and screen readers.
    pub detail: String,
    pub transaction: TxnStatus,
    /// Written or decided by the step that led here.
    pub changed: bool,
    /// Written by that step: it arrives.
    pub arrived: bool,
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
    pub state: ProducerState,
    pub producer_id: Option<u64>,
    pub producer_epoch: Option<i16>,
    pub transactional_id: Option<String>,
    pub transaction_state: Option<TxnState>,
    pub in_flight: Vec<String>,
    pub next_sequence: Vec<(String, u32)>,
    pub ack_will_be_lost: bool,
    /// Idempotent (or transactional): it gets a PID from the broker before its first send.
    pub idempotent: bool,
    /// It has done something; before that a card says so rather than show empty state as facts.
    pub started: bool,
    pub changed: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ConsumerView {
    pub id: String,
    /// The group and the generation of its last rebalance.
    pub group: String,
    pub state: ConsumerState,
    /// What the application is doing: waiting, holding a record it has not processed yet, or taking part in
    /// a rebalance.
    pub activity: String,
    pub positions: Vec<(String, u64)>,
    /// The partitions it owns.
    pub owns: Vec<String>,
    /// In its group: it has polled once.
    pub joined: bool,
    /// An eager rebalance stops it: it gave up its partitions and waits for the others.
    pub paused: bool,
    /// Time since its application last called poll(), against max.poll.interval.ms (G1), once time passed.
    pub poll_timer: Option<PollTimer>,
    pub changed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PollTimer {
    pub since_ms: u64,
    pub max_ms: u64,
}

impl StageView {
    /// The stage at `now`, marked with what the step that led there changed.
    pub fn new(now: &Cluster, marks: &Highlights, started: &BTreeSet<ClientIdx>) -> Self {
        Self {
            partitions: partitions(now, marks),
            producers: producers(now, marks, started),
            consumers: consumers(now, marks),
            transactions: transactions(now, marks),
        }
    }
}

fn partitions(now: &Cluster, marks: &Highlights) -> Vec<PartitionView> {
    let names = now.names();
    now.partition_logs()
        .map(|(tp, log)| {
            let text = |value| names.text(value);
            let cells = log
                .entries
                .iter()
                .map(|entry| {
                    cell(
                        entry,
                        text(entry.value),
                        marks.decided.contains(&(tp, entry.offset)),
                        marks.written.contains(&(tp, entry.offset)),
                    )
                })
                .collect();
            let touched = marks.partitions.contains(&tp);
            let mut markers = Vec::new();
            for (i, consumer) in now.consumers().iter().enumerate() {
                let c = ClientIdx(i as u16);
                if let Some(offset) = consumer.positions.get(&tp) {
                    let changed = marks.positions.contains(&(c, tp));
                    markers.push(marker(
                        MarkerKind::Position,
                        names.consumer(c),
                        *offset,
                        changed,
                    ));
                }
            }
            for (i, group) in now.groups().iter().enumerate() {
                let g = GroupIdx(i as u16);
                if let Some(offset) = group.committed.get(&tp) {
                    let changed = marks.committed.contains(&(g, tp));
                    markers.push(marker(
                        MarkerKind::Committed,
                        names.group(g),
                        *offset,
                        changed,
                    ));
                }
                if let Some(offset) = group.pending.get(&tp) {
                    let changed = marks.pending.contains(&(g, tp));
                    markers.push(marker(
                        MarkerKind::Pending,
                        names.group(g),
                        *offset,
                        changed,
                    ));
                }
            }
            markers.push(marker(
                MarkerKind::HighWatermark,
                "HW",
                log.high_watermark,
                touched,
            ));
            let lso = log.last_stable_offset();
            if lso != log.high_watermark {
                markers.push(marker(MarkerKind::LastStableOffset, "LSO", lso, touched));
            }
            let removed = |broker: Option<u16>| -> Vec<CellView> {
                marks
                    .truncated
                    .iter()
                    .filter(|(t, b, _)| *t == tp && *b == broker)
                    .flat_map(|(_, _, entries)| entries)
                    .map(|entry| cell(entry, text(entry.value), true, false))
                    .collect()
            };
            let replicas = if log.replicas.len() > 1 {
                log.replicas
                    .iter()
                    .map(|r| ReplicaView {
                        broker: r.broker,
                        leader: log.leader == Some(r.broker),
                        in_sync: log.isr.contains(&r.broker),
                        alive: r.alive,
                        fetching: r.fetching,
                        log_end: r.log_end.0,
                        high_watermark: log.high_watermark.min(r.log_end).0,
                        diverged: r
                            .diverged
                            .iter()
                            .map(|entry| cell(entry, text(entry.value), false, false))
                            .collect(),
                        truncated: removed(Some(r.broker)),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let owners = now
                .groups()
                .iter()
                .flat_map(|g| &g.members)
                .filter(|m| m.assigned.contains(&tp))
                .map(|m| match m.alive {
                    true => names.consumer(m.consumer).to_string(),
                    // A crashed (or stopped static) member holds it, unread, until its session expires.
                    false => format!("{} (no heartbeat)", names.consumer(m.consumer)),
                })
                .collect();
            PartitionView {
                name: names.tp(tp).to_string(),
                cells,
                markers,
                replicas,
                truncated: removed(None),
                owners,
            }
        })
        .collect()
}

fn marker(kind: MarkerKind, label: &str, offset: Offset, changed: bool) -> Marker {
    Marker {
        kind,
        label: label.to_string(),
        offset: offset.0,
        changed,
    }
}

/// A log entry as a cell; `arrived`: the step wrote it, `changed`: the step wrote or decided it.
fn cell(entry: &LogEntry, value: &str, changed: bool, arrived: bool) -> CellView {
    let (short, what) = match entry.kind {
        EntryKind::Record => (short_value(value), format!("record {value}")),
        EntryKind::CommitMarker => ("C".to_string(), "commit marker".to_string()),
        EntryKind::AbortMarker => ("A".to_string(), "abort marker".to_string()),
    };
    let mut detail = format!("Offset {}: {what}", entry.offset);
    if let Some(batch) = entry.batch {
        detail.push_str(&format!(
            ", PID {}, epoch {}",
            batch.producer_id.0, batch.epoch.0
        ));
        if entry.kind == EntryKind::Record {
            detail.push_str(&format!(", sequence {}", batch.sequence));
        }
    }
    if entry.txn != TxnStatus::None {
        detail.push_str(&format!(", transaction {}", entry.txn.name()));
    }
    CellView {
        offset: entry.offset.0,
        kind: entry.kind,
        short,
        detail,
        transaction: entry.txn,
        changed: changed || arrived,
        arrived,
    }
}

fn producers(
    now: &Cluster,
    marks: &Highlights,
    started: &BTreeSet<ClientIdx>,
) -> Vec<ProducerView> {
    let names = now.names();
    let setup = now.setup();
    now.producers()
        .iter()
        .zip(&setup.producers)
        .enumerate()
        .map(|(i, (producer, spec))| {
            let p = ClientIdx(i as u16);
            ProducerView {
                id: spec.id.clone(),
                state: producer.state,
                producer_id: producer.producer_id.map(|(pid, _)| pid.0),
                producer_epoch: producer.producer_id.map(|(_, epoch)| epoch.0),
                transactional_id: spec.config.transactional_id.clone(),
                transaction_state: now.transaction_of(p).map(|t| t.state),
                in_flight: producer
                    .in_flight
                    .iter()
                    .map(|record| short_value(names.text(record.value)))
                    .collect(),
                next_sequence: producer
                    .next_sequence
                    .iter()
                    .map(|(tp, sequence)| (names.tp(*tp).to_string(), *sequence))
                    .collect(),
                ack_will_be_lost: producer.lose_next_ack,
                idempotent: spec.config.idempotence,
                started: started.contains(&p) || producer.producer_id.is_some(),
                changed: marks.producers.contains(&p),
            }
        })
        .collect()
}

fn transactions(now: &Cluster, marks: &Highlights) -> Vec<TransactionView> {
    let names = now.names();
    let mut views: Vec<TransactionView> = Vec::new();
    for (i, spec) in now.setup().producers.iter().enumerate() {
        let (Some(txn), Some(t)) = (spec.txn, now.transaction_of(ClientIdx(i as u16))) else {
            continue;
        };
        // Two instances of one transactional.id (a zombie and its successor) share one record.
        if views
            .iter()
            .any(|v| v.transactional_id == t.transactional_id)
        {
            continue;
        }
        views.push(TransactionView {
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
            changed: marks.transactions.contains(&txn),
        });
    }
    views
}

fn consumers(now: &Cluster, marks: &Highlights) -> Vec<ConsumerView> {
    let names = now.names();
    now.consumers()
        .iter()
        .enumerate()
        .map(|(i, consumer)| {
            let c = ClientIdx(i as u16);
            let g = now.group_of(c);
            let group = now.group(g);
            let member = group
                .members
                .iter()
                .find(|m| m.consumer == c && m.instance == consumer.instance && consumer.joined);
            let owns = now.assignment(c);
            let running = consumer.state == ConsumerState::Running;
            let cooperative = now.setup().consumers[i].config.cooperative();
            let paused = running
                && group.rebalance_pending
                && !cooperative
                && member.is_some_and(|m| m.rejoined);
            let holding = consumer.received.front().map(|record| {
                let moved = if owns.contains(&record.tp) {
                    String::new()
                } else {
                    format!(" — {} is no longer its", names.tp(record.tp))
                };
                format!(
                    "holding {} (offset {}) — not processed yet{}{moved}",
                    short_value(names.text(record.value)),
                    record.offset,
                    match consumer.received.len() {
                        1 => String::new(),
                        n => format!(", {} more received", n - 1),
                    }
                )
            });
            let waits_for = || {
                group
                    .members
                    .iter()
                    .find(|m| !m.alive || !m.rejoined)
                    .map_or(String::new(), |m| {
                        format!(" for {}", names.consumer(m.consumer))
                    })
            };
            let activity = if !running {
                consumer.state.name().to_string()
            } else if consumer.removed {
                let held = match consumer.received.len() {
                    0 => String::new(),
                    1 => ", holding 1 record".to_string(),
                    n => format!(", holding {n} records"),
                };
                format!("left its group after a late poll{held}: a commit now fails")
            } else if let Some(holding) = holding {
                holding
            } else if let Some(m) = member.filter(|_| group.rebalance_pending) {
                if !m.rejoined {
                    "a rebalance waits for its next poll".to_string()
                } else if cooperative {
                    "rebalancing: keeps reading its partitions".to_string()
                } else {
                    format!("rebalancing: gave up its partitions, waits{}", waits_for())
                }
            } else if let Some(m) = member.filter(|m| !m.revoking.is_empty()) {
                let parts: Vec<String> = m
                    .revoking
                    .iter()
                    .map(|tp| names.tp(*tp).to_string())
                    .collect();
                format!("gives up {} at its next poll", parts.join(", "))
            } else if !consumer.joined {
                "not yet in its group".to_string()
            } else {
                "waiting for records".to_string()
            };
            let max_ms = now.setup().consumers[i].config.max_poll_interval_ms;
            let since_ms = now.now_ms().saturating_sub(consumer.last_poll_ms);
            let poll_timer = (running && (consumer.joined || consumer.removed) && since_ms > 0)
                .then_some(PollTimer { since_ms, max_ms });
            ConsumerView {
                id: names.consumer(c).to_string(),
                group: match group.generation {
                    0 => names.group(g).to_string(),
                    n => format!("{} · generation {n}", names.group(g)),
                },
                state: consumer.state,
                activity,
                positions: consumer
                    .positions
                    .iter()
                    .map(|(tp, offset)| (names.tp(*tp).to_string(), offset.0))
                    .collect(),
                owns: owns.iter().map(|tp| names.tp(*tp).to_string()).collect(),
                joined: consumer.joined,
                paused,
                poll_timer,
                changed: marks.consumers.contains(&c),
            }
        })
        .collect()
}

/// The stage after `step` steps of a timeline, with that step's marks.
pub fn stage_at(timeline: &kafka_model::Timeline) -> StageView {
    let now = timeline.state();
    let marks = timeline
        .cursor()
        .checked_sub(1)
        .and_then(|i| timeline.step(i))
        .map(|step| Highlights::of(step, now))
        .unwrap_or_default();
    let started = timeline.steps()[..timeline.cursor().min(timeline.len())]
        .iter()
        .filter_map(|step| match step.action.actor() {
            Actor::Producer(p) => Some(p),
            _ => None,
        })
        .collect();
    StageView::new(now, &marks, &started)
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
        timeline.jump(step);
        let view = stage_at(&timeline);
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
        assert_eq!(worker.group, "order-processor-v2 · generation 1");
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
        assert_eq!(view.consumers[0].state, ConsumerState::Crashed);
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
        timeline.jump(step);
        stage_at(&timeline)
    }

    #[test]
    fn an_eager_rebalance_pauses_the_joiner_and_moves_the_owners() {
        let golden = "v-revocation-hook-commits-before-the-rebalance";
        // worker-b joined: it waits for worker-a, which still owns both partitions.
        let view = golden_at(golden, 5);
        let (a, b) = (&view.consumers[0], &view.consumers[1]);
        assert!(b.paused && !a.paused);
        assert_eq!(
            b.activity,
            "rebalancing: gave up its partitions, waits for worker-a"
        );
        assert_eq!(a.activity, "a rebalance waits for its next poll");
        assert_eq!(view.partitions[1].owners, vec!["worker-a".to_string()]);
        assert_eq!(a.group, "order-processor · generation 1");
        // worker-a's poll ends it: each owns one partition in generation 2.
        let view = golden_at(golden, 6);
        assert_eq!(view.partitions[0].owners, vec!["worker-a".to_string()]);
        assert_eq!(view.partitions[1].owners, vec!["worker-b".to_string()]);
        assert_eq!(view.consumers[1].owns, vec!["orders-1".to_string()]);
        assert!(!view.consumers[1].paused);
        assert_eq!(view.consumers[1].group, "order-processor · generation 2");
    }

    #[test]
    fn a_crashed_member_still_holds_its_partition_until_its_session_expires() {
        let path = format!(
            "{}/crates/model/lessons/rebalance-duplicates.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let lesson: kafka_model::lesson::Lesson =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut timeline = lesson.timeline().unwrap();
        timeline.jump(17);
        let view = stage_at(&timeline);
        assert_eq!(
            view.partitions[1].owners,
            vec!["worker-b (no heartbeat)".to_string()]
        );
    }

    #[test]
    fn a_late_poll_shows_on_the_timer_and_in_what_the_consumer_does() {
        let view = golden_at("t-late-poll-commit-fails", 6);
        let worker = &view.consumers[0];
        assert_eq!(
            worker.poll_timer,
            Some(PollTimer {
                since_ms: 15_000,
                max_ms: 10_000
            })
        );
        assert_eq!(
            worker.activity,
            "left its group after a late poll, holding 1 record: a commit now fails"
        );
        assert!(worker.owns.is_empty());
        assert!(view.partitions[0].owners.is_empty());
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
        // The crashed old leader's copy still holds order 1, beyond the new leader's log.
        let diverged: Vec<&str> = by_broker(0)
            .diverged
            .iter()
            .map(|c| c.short.as_str())
            .collect();
        assert_eq!(diverged, vec!["#1"]);
        assert_eq!(by_broker(1).high_watermark, 1);
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
}
