//! One partition's log on the broker, with the idempotence state the broker keeps per producer (P3, P4).

use std::collections::{BTreeMap, VecDeque};

use crate::contract_names::contract_names;
use crate::error::StepError;
use crate::ids::{Epoch, MessageId, Offset, ProducerId};

/// What a log entry is (output `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Record,
    CommitMarker,
    AbortMarker,
}

contract_names!(EntryKind {
    Record = "record",
    CommitMarker = "commit_marker",
    AbortMarker = "abort_marker",
});

/// Transaction status of an entry (output `transaction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnStatus {
    None,
    Open,
    Committed,
    Aborted,
}

contract_names!(TxnStatus {
    None = "none",
    Open = "open",
    Committed = "committed",
    Aborted = "aborted",
});

impl TxnStatus {
    /// A copy that counts as written: neither aborted nor still open.
    pub fn is_committed(self) -> bool {
        matches!(self, TxnStatus::None | TxnStatus::Committed)
    }
}

/// Idempotence metadata of a record batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchId {
    pub producer_id: ProducerId,
    pub epoch: Epoch,
    pub sequence: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub offset: Offset,
    pub kind: EntryKind,
    pub value: MessageId,
    pub key: Option<MessageId>,
    pub batch: Option<BatchId>,
    pub txn: TxnStatus,
}

/// How many recent batches the broker remembers per producer and partition (P3).
pub const DEDUP_WINDOW: usize = 5;

/// The broker's memory of one producer on one partition (`ProducerStateEntry`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerWindow {
    pub epoch: Epoch,
    /// (sequence, offset) of the last batches, oldest first.
    pub batches: VecDeque<(u32, Offset)>,
}

/// The broker's answer to an idempotent produce request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Append {
    Appended(Offset),
    /// A retry of a batch already in the log: its original offset (P3).
    Duplicate(Offset),
}

/// One copy of a partition on a broker (D1–D4). Followers hold a prefix of the leader's log, so a replica is
/// described by its log end offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replica {
    pub broker: u16,
    pub log_end: Offset,
    /// The broker is up.
    pub alive: bool,
    /// The follower fetches from the leader (`pause_replication` stops it).
    pub fetching: bool,
    /// Since when this follower has been behind the leader's log end (for `replica.lag.time.max.ms`).
    pub lagging_since_ms: Option<u64>,
    /// A crashed replica whose log holds entries the current leader does not have: when it returns it
    /// truncates to this offset before it catches up (KIP-101).
    pub diverged_at: Option<Offset>,
    /// Those entries, from `diverged_at` on: the replica holds them until it truncates.
    pub diverged: Vec<LogEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartitionLog {
    /// The leader's log (the log every replica copies a prefix of).
    pub entries: Vec<LogEntry>,
    /// HW = the smallest log end offset in the ISR (T8, D1).
    pub high_watermark: Offset,
    pub producers: BTreeMap<ProducerId, ProducerWindow>,
    /// Replicas in assignment order: partition `p` on brokers `p, p+1, …` (mod brokers). Empty for a log
    /// built by hand (no replication: HW = log end).
    pub replicas: Vec<Replica>,
    /// The broker that leads the partition, `None` while it is offline.
    pub leader: Option<u16>,
    /// The in-sync replicas (brokers), in assignment order.
    pub isr: Vec<u16>,
    /// The first offset of each producer's still-open transaction in this partition (T8).
    pub open_txns: BTreeMap<ProducerId, Offset>,
}

impl PartitionLog {
    /// A partition with its replicas on `brokers` (the first is the leader), all in sync.
    pub fn new(brokers: Vec<u16>) -> Self {
        Self {
            leader: brokers.first().copied(),
            isr: brokers.clone(),
            replicas: brokers
                .into_iter()
                .map(|broker| Replica {
                    broker,
                    log_end: Offset(0),
                    alive: true,
                    fetching: true,
                    lagging_since_ms: None,
                    diverged_at: None,
                    diverged: Vec::new(),
                })
                .collect(),
            ..Self::default()
        }
    }

    pub fn log_start(&self) -> Offset {
        Offset(0)
    }

    pub fn log_end(&self) -> Offset {
        Offset(self.entries.len() as u64)
    }

    /// LSO = min(first offset of the earliest open transaction, HW) (T8).
    pub fn last_stable_offset(&self) -> Offset {
        self.open_txns
            .values()
            .min()
            .map_or(self.high_watermark, |o| (*o).min(self.high_watermark))
    }

    pub fn entry(&self, offset: Offset) -> Option<&LogEntry> {
        self.entries.get(usize::try_from(offset.0).ok()?)
    }

    pub fn replica(&self, broker: u16) -> Option<&Replica> {
        self.replicas.iter().find(|r| r.broker == broker)
    }

    pub fn replica_mut(&mut self, broker: u16) -> Option<&mut Replica> {
        self.replicas.iter_mut().find(|r| r.broker == broker)
    }

    fn push(
        &mut self,
        kind: EntryKind,
        value: MessageId,
        key: Option<MessageId>,
        batch: Option<BatchId>,
        txn: TxnStatus,
    ) -> Offset {
        let offset = self.log_end();
        self.entries.push(LogEntry {
            offset,
            kind,
            value,
            key,
            batch,
            txn,
        });
        if txn == TxnStatus::Open {
            if let Some(b) = batch {
                self.open_txns.entry(b.producer_id).or_insert(offset);
            }
        }
        let end = self.log_end();
        if let Some(l) = self.leader {
            if let Some(r) = self.replica_mut(l) {
                r.log_end = end;
            }
        }
        if self.replicas.is_empty() {
            self.high_watermark = end;
        }
        offset
    }

    /// Followers that are up and fetching copy the leader's log at once; the others start lagging.
    /// Then the HW is recomputed.
    pub fn replicate(&mut self, now_ms: u64) {
        let end = self.log_end();
        let leader = self.leader;
        for r in &mut self.replicas {
            let leads = Some(r.broker) == leader;
            let copies = leader.is_some() && r.alive && r.fetching && r.diverged_at.is_none();
            if leads || copies {
                r.log_end = end;
                r.lagging_since_ms = None;
            } else if r.log_end < end && r.lagging_since_ms.is_none() {
                r.lagging_since_ms = Some(now_ms);
            }
        }
        self.recompute_high_watermark();
    }

    /// HW = min over the ISR of the replicas' log ends (never past the log end).
    pub fn recompute_high_watermark(&mut self) {
        if self.replicas.is_empty() {
            self.high_watermark = self.log_end();
            return;
        }
        let min = self
            .isr
            .iter()
            .filter_map(|b| self.replica(*b).map(|r| r.log_end))
            .min();
        if let Some(m) = min {
            self.high_watermark = m.min(self.log_end());
        }
        self.high_watermark = self.high_watermark.min(self.log_end());
    }

    /// Drop every entry from `to` on (a new leader's log is shorter, D3/D4) and rebuild what the broker
    /// derives from the log: open transactions and the producers' windows. Returns the entries dropped.
    pub fn truncate(&mut self, to: Offset) -> Vec<LogEntry> {
        let removed = self
            .entries
            .split_off((to.0 as usize).min(self.entries.len()));
        for r in &mut self.replicas {
            if r.alive && r.log_end > to {
                r.log_end = to;
            }
        }
        self.open_txns.clear();
        self.producers.clear();
        for e in &self.entries {
            let Some(b) = e.batch else { continue };
            if e.kind == EntryKind::Record && e.txn == TxnStatus::Open {
                self.open_txns.entry(b.producer_id).or_insert(e.offset);
            }
            let w = self
                .producers
                .entry(b.producer_id)
                .or_insert_with(|| ProducerWindow {
                    epoch: b.epoch,
                    batches: VecDeque::new(),
                });
            if b.epoch > w.epoch {
                w.epoch = b.epoch;
                w.batches.clear();
            }
            if e.kind == EntryKind::Record {
                if w.batches.len() == DEDUP_WINDOW {
                    w.batches.pop_front();
                }
                w.batches.push_back((b.sequence, e.offset));
            }
        }
        self.recompute_high_watermark();
        removed
    }

    /// Append a record from a producer without idempotence: the broker cannot recognise retries.
    pub fn append_plain(&mut self, value: MessageId, key: Option<MessageId>) -> Offset {
        self.push(EntryKind::Record, value, key, None, TxnStatus::None)
    }

    /// Append an idempotent batch of one record, checking epoch and sequence like
    /// `UnifiedLog.analyzeAndValidateProducerState`.
    pub fn append_idempotent(
        &mut self,
        batch: BatchId,
        value: MessageId,
        key: Option<MessageId>,
    ) -> Result<Append, StepError> {
        self.append_batch(batch, value, key, false)
    }

    /// Check a batch against the producer's window: `Ok(None)` to append, `Ok(Some(offset))` for a
    /// duplicate of a remembered batch (P3), or the error of P4.
    pub fn check_batch(&self, batch: BatchId) -> Result<Option<Offset>, StepError> {
        match self.producers.get(&batch.producer_id) {
            Some(w) if batch.epoch < w.epoch => Err(StepError::InvalidProducerEpoch),
            Some(w) if batch.epoch == w.epoch => {
                if let Some(&(_, offset)) = w.batches.iter().find(|(s, _)| *s == batch.sequence) {
                    return Ok(Some(offset));
                }
                let expected = w.batches.back().map_or(0, |(s, _)| s.wrapping_add(1));
                if batch.sequence != expected {
                    return Err(StepError::OutOfOrderSequence);
                }
                Ok(None)
            }
            // A new epoch (or a producer the broker does not know) starts at sequence 0 (P2).
            _ if batch.sequence != 0 => Err(StepError::OutOfOrderSequence),
            _ => Ok(None),
        }
    }

    /// Append an idempotent batch; `transactional` records stay `open` until a marker.
    pub fn append_batch(
        &mut self,
        batch: BatchId,
        value: MessageId,
        key: Option<MessageId>,
        transactional: bool,
    ) -> Result<Append, StepError> {
        if let Some(offset) = self.check_batch(batch)? {
            return Ok(Append::Duplicate(offset));
        }
        let txn = if transactional {
            TxnStatus::Open
        } else {
            TxnStatus::None
        };
        let offset = self.push(EntryKind::Record, value, key, Some(batch), txn);
        let w = self
            .producers
            .entry(batch.producer_id)
            .or_insert_with(|| ProducerWindow {
                epoch: batch.epoch,
                batches: VecDeque::with_capacity(DEDUP_WINDOW),
            });
        if w.epoch != batch.epoch {
            w.epoch = batch.epoch;
            w.batches.clear();
        }
        if w.batches.len() == DEDUP_WINDOW {
            w.batches.pop_front();
        }
        w.batches.push_back((batch.sequence, offset));
        Ok(Append::Appended(offset))
    }

    /// Write a COMMIT or ABORT marker for a producer's transaction (T7): one offset; the transaction's
    /// records in this partition become committed or aborted; the broker learns the marker's epoch.
    /// Returns the marker's offset and the values of the records it resolved.
    pub fn write_marker(
        &mut self,
        producer_id: ProducerId,
        epoch: Epoch,
        commit: bool,
    ) -> (Offset, Vec<MessageId>) {
        let (kind, status) = if commit {
            (EntryKind::CommitMarker, TxnStatus::Committed)
        } else {
            (EntryKind::AbortMarker, TxnStatus::Aborted)
        };
        let mut resolved = Vec::new();
        if let Some(first) = self.open_txns.remove(&producer_id) {
            for e in &mut self.entries[first.0 as usize..] {
                if e.txn == TxnStatus::Open && e.batch.is_some_and(|b| b.producer_id == producer_id)
                {
                    e.txn = status;
                    resolved.push(e.value);
                }
            }
        }
        let batch = BatchId {
            producer_id,
            epoch,
            sequence: 0,
        };
        // A marker has no value; it carries the id of the first record's value (never shown).
        let value = resolved.first().copied().unwrap_or(MessageId(0));
        let offset = self.push(kind, value, None, Some(batch), status);
        let w = self
            .producers
            .entry(producer_id)
            .or_insert_with(|| ProducerWindow {
                epoch,
                batches: VecDeque::new(),
            });
        if epoch > w.epoch {
            w.epoch = epoch;
            w.batches.clear();
        }
        (offset, resolved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(seq: u32) -> BatchId {
        BatchId {
            producer_id: ProducerId(0),
            epoch: Epoch(0),
            sequence: seq,
        }
    }

    #[test]
    fn p4_gap_and_too_old_sequence_are_out_of_order() {
        let mut log = PartitionLog::default();
        for s in 0..7 {
            assert_eq!(
                log.append_idempotent(b(s), MessageId(s), None),
                Ok(Append::Appended(Offset(u64::from(s))))
            );
        }
        // Inside the window of 5 (sequences 2..=6): the original offset.
        assert_eq!(
            log.append_idempotent(b(3), MessageId(3), None),
            Ok(Append::Duplicate(Offset(3)))
        );
        // Older than the window.
        assert_eq!(
            log.append_idempotent(b(1), MessageId(1), None),
            Err(StepError::OutOfOrderSequence)
        );
        // A gap.
        assert_eq!(
            log.append_idempotent(b(9), MessageId(9), None),
            Err(StepError::OutOfOrderSequence)
        );
        // Lower epoch.
        let mut log2 = PartitionLog::default();
        let e1 = BatchId {
            epoch: Epoch(1),
            ..b(0)
        };
        assert!(log2.append_idempotent(e1, MessageId(0), None).is_ok());
        assert_eq!(
            log2.append_idempotent(b(1), MessageId(1), None),
            Err(StepError::InvalidProducerEpoch)
        );
        assert_eq!(log.entries.len(), 7);
    }
}
