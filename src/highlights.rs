//! What a step changed, as the stage marks it: worked out from the step's own events — the data the event log
//! shows — never by comparing the states before and after, so a jump draws its end state and its last step's
//! marks at once, with nothing replayed.

use kafka_model::ids::{ClientIdx, GroupIdx, Offset, TopicPartition};
use kafka_model::partition_log::{EntryKind, LogEntry};
use kafka_model::StepResult;
use kafka_model::{Actor, Change, Cluster};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Highlights {
    /// Log entries the step wrote (records and markers): they arrive.
    pub written: Marks<(TopicPartition, Offset)>,
    /// Records whose transaction the step decided: they change where they are.
    pub decided: Marks<(TopicPartition, Offset)>,
    /// Partitions whose log or replicas the step touched: their high watermark and stable offset may move.
    pub partitions: Marks<TopicPartition>,
    pub positions: Marks<(ClientIdx, TopicPartition)>,
    pub committed: Marks<(GroupIdx, TopicPartition)>,
    pub pending: Marks<(GroupIdx, TopicPartition)>,
    pub producers: Marks<ClientIdx>,
    pub consumers: Marks<ClientIdx>,
    /// Transactional ids, by their index in the set-up.
    pub transactions: Marks<u16>,
    /// Entries a truncation removed: from the partition's log (no broker) or from one broker's copy.
    pub truncated: Vec<(TopicPartition, Option<u16>, Vec<LogEntry>)>,
}

/// The few things one step marks, each once. (A step marks a handful, and a sorted set would add its tree
/// code to the WebAssembly once per kind of thing.)
#[derive(Clone, Debug, PartialEq)]
pub struct Marks<T>(Vec<T>);

impl<T> Default for Marks<T> {
    fn default() -> Self {
        Marks(Vec::new())
    }
}

impl<T: PartialEq> Marks<T> {
    pub fn insert(&mut self, item: T) {
        if !self.0.contains(&item) {
            self.0.push(item);
        }
    }

    pub fn contains(&self, item: &T) -> bool {
        self.0.contains(item)
    }

    fn extend(&mut self, items: impl IntoIterator<Item = T>) {
        for item in items {
            self.insert(item);
        }
    }
}

impl Highlights {
    /// The marks of `step`, the step that brought the timeline to `now`.
    pub fn of(step: &StepResult, now: &Cluster) -> Self {
        let mut h = Highlights::default();
        if let Actor::Producer(p) = step.action.actor() {
            h.producers.insert(p);
        }
        if let Actor::Consumer(c) = step.action.actor() {
            h.consumers.insert(c);
        }
        for event in &step.events {
            h.add(&event.change, now);
        }
        h
    }

    fn producer_and_its_transaction(&mut self, producer: ClientIdx, now: &Cluster) {
        self.producers.insert(producer);
        if let Some(txn) = now.setup().producers[producer.0 as usize].txn {
            self.transactions.insert(txn);
        }
    }

    fn partitions_on(&mut self, broker: Option<u16>, now: &Cluster) {
        for (tp, log) in now.partition_logs() {
            if broker.is_none_or(|b| log.replicas.iter().any(|r| r.broker == b)) {
                self.partitions.insert(tp);
            }
        }
    }

    fn add(&mut self, change: &Change, now: &Cluster) {
        use Change::*;
        match change {
            RecordAppended {
                producer,
                tp,
                offset,
                ..
            } => {
                self.producers.insert(*producer);
                self.written.insert((*tp, *offset));
                self.partitions.insert(*tp);
            }
            ProducerIdAssigned { producer, .. }
            | RecordInFlight { producer, .. }
            | RetryDeduplicated { producer, .. }
            | SendFailed { producer, .. }
            | ProduceRejected { producer, .. }
            | ProduceFailed { producer, .. }
            | RequestLost { producer, .. }
            | FaultArmed { producer }
            | RequestFaultArmed { producer }
            | InFlightDropped { producer, .. }
            | ProducerStateChanged { producer, .. }
            | TransactionDoomed { producer, .. }
            | InitIgnored { producer }
            | TransactionBegun { producer }
            | NoEndTxn { producer, .. } => {
                self.producers.insert(*producer);
            }
            AckWaiting { producer, tp, .. } => {
                self.producers.insert(*producer);
                self.partitions.insert(*tp);
            }
            TransactionsInitialised { producer, .. }
            | TransactionEnded { producer, .. }
            | ProducerEpochBumped { producer, .. }
            | PartitionAddedToTxn { producer, .. }
            | OffsetsAddedToTxn { producer, .. } => {
                self.producer_and_its_transaction(*producer, now);
            }
            TxnStateChanged { txn, .. } => {
                self.transactions.insert(*txn);
                // Every producer card showing this transactional.id shows the coordinator's state.
                let setup = now.setup();
                for (i, p) in setup.producers.iter().enumerate() {
                    if p.txn == Some(*txn) {
                        self.producers.insert(ClientIdx(i as u16));
                    }
                }
            }
            OffsetPending { group, tp, .. } => {
                self.pending.insert((*group, *tp));
            }
            PendingOffsetResolved {
                group,
                tp,
                committed,
                ..
            } => {
                self.pending.insert((*group, *tp));
                if *committed {
                    self.committed.insert((*group, *tp));
                }
            }
            OffsetsMarkerWritten { txn, .. } => {
                self.transactions.insert(*txn);
            }
            MarkerWritten {
                txn, tp, offset, ..
            } => {
                self.transactions.insert(*txn);
                self.partitions.insert(*tp);
                self.written.insert((*tp, *offset));
                self.decided_records(*tp, *offset, now);
            }
            OffsetCommitted {
                group,
                consumer,
                tp,
                ..
            } => {
                self.committed.insert((*group, *tp));
                self.consumers.insert(*consumer);
            }
            PositionInitialised { consumer, tp, .. } | PositionMoved { consumer, tp, .. } => {
                self.positions.insert((*consumer, *tp));
                self.consumers.insert(*consumer);
            }
            // Handing a record to the application moves the consumer's position past it.
            RecordDelivered { consumer, tp, .. } => {
                self.positions.insert((*consumer, *tp));
                self.consumers.insert(*consumer);
            }
            RecordsFetched { consumer, .. }
            | NoRecords { consumer }
            | RecordProcessed { consumer, .. }
            | ProcessingFailed { consumer, .. }
            | ProcessingSkipped { consumer, .. }
            | NothingToCommit { consumer }
            | BufferDropped { consumer, .. }
            | ConsumerStateChanged { consumer, .. }
            | WaitingForPendingOffsets { consumer, .. }
            | MemberJoined { consumer, .. }
            | MemberWaiting { consumer, .. }
            | MemberRejoined { consumer, .. }
            | MemberRemoved { consumer, .. }
            | StaticMemberReturned { consumer, .. }
            | StaticMemberAway { consumer, .. }
            | PartitionsRevoked { consumer, .. }
            | CommitRefused { consumer, .. }
            | JoinRefused { consumer, .. } => {
                self.consumers.insert(*consumer);
            }
            GroupRebalanced { assignment, .. } => {
                self.consumers.extend(assignment.iter().map(|(c, _)| *c));
            }
            LeaderChanged { tp, .. } | IsrChanged { tp, .. } => {
                self.partitions.insert(*tp);
            }
            LogTruncated {
                tp,
                broker,
                entries,
                ..
            } => {
                self.partitions.insert(*tp);
                self.truncated.push((*tp, *broker, entries.clone()));
            }
            BrokerStateChanged { broker, .. } => self.partitions_on(Some(*broker), now),
            ReplicationToggled { broker, .. } => self.partitions_on(*broker, now),
            RebalanceStarted { .. } | ClockAdvanced { .. } | Nothing => {}
        }
    }

    /// The records a control marker at `marker` decided: the same producer's records since its previous
    /// marker in the partition.
    fn decided_records(&mut self, tp: TopicPartition, marker: Offset, now: &Cluster) {
        let entries = &now.log(tp).entries;
        let Some(pid) = entries
            .iter()
            .find(|e| e.offset == marker)
            .and_then(|e| e.batch)
            .map(|b| b.producer_id)
        else {
            return;
        };
        for entry in entries.iter().rev().filter(|e| e.offset < marker) {
            if entry.batch.map(|b| b.producer_id) != Some(pid) {
                continue;
            }
            if entry.kind != EntryKind::Record {
                break;
            }
            self.decided.insert((tp, entry.offset));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kafka_model::{parse_scenario, Timeline};

    fn golden(name: &str) -> Timeline {
        let path = format!(
            "{}/crates/model/tests/golden/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let json = std::fs::read_to_string(path).expect("golden scenario");
        Timeline::from_scenario(&parse_scenario(&json).expect("valid"))
    }

    /// The step that writes a commit marker marks the marker and the records it made visible — and not the
    /// records of an earlier transaction, decided by an earlier marker.
    #[test]
    fn a_marker_marks_the_records_it_decided() {
        let mut timeline = golden("i-corrected-exactly-once-loop");
        let commits: Vec<usize> = (0..timeline.len())
            .filter(|&i| {
                timeline
                    .step(i)
                    .unwrap()
                    .events
                    .iter()
                    .any(|e| matches!(e.change, Change::MarkerWritten { commit: true, .. }))
            })
            .collect();
        // The second commit, so an earlier marker sits in the log.
        let second = *commits.get(1).expect("the loop commits two transactions");
        timeline.jump(second + 1);
        let marks = Highlights::of(timeline.step(second).unwrap(), timeline.state());
        let (tp, marker) = timeline
            .step(second)
            .unwrap()
            .events
            .iter()
            .find_map(|e| match e.change {
                Change::MarkerWritten { tp, offset, .. } => Some((tp, offset)),
                _ => None,
            })
            .unwrap();
        assert!(marks.written.contains(&(tp, marker)));
        let log = &timeline.state().log(tp).entries;
        let before_marker: Vec<&_> = log.iter().filter(|e| e.offset < marker).collect();
        let previous_marker = before_marker
            .iter()
            .rev()
            .find(|e| e.kind != EntryKind::Record)
            .expect("the first transaction's marker")
            .offset;
        for entry in before_marker {
            let decided = entry.kind == EntryKind::Record && entry.offset > previous_marker;
            assert_eq!(
                marks.decided.contains(&(tp, entry.offset)),
                decided,
                "offset {}",
                entry.offset
            );
        }
        assert!(!marks.transactions.0.is_empty());
    }

    #[test]
    fn a_first_poll_marks_the_consumer_and_its_position_only() {
        let mut timeline = golden("c-manual-commit-loses-order-5");
        let poll = (0..timeline.len())
            .find(|&i| {
                matches!(
                    timeline.step(i).unwrap().action,
                    kafka_model::Action::ConsumerPoll { .. }
                )
            })
            .unwrap();
        timeline.jump(poll + 1);
        let marks = Highlights::of(timeline.step(poll).unwrap(), timeline.state());
        assert!(!marks.consumers.0.is_empty());
        assert!(
            !marks.positions.0.is_empty() || timeline.state().consumers()[0].positions.is_empty()
        );
        assert!(marks.producers.0.is_empty() && marks.written.0.is_empty());
    }
}
