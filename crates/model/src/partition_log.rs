//! One partition's log on the broker, with the idempotence state the broker keeps per producer (P3, P4).

use std::collections::{BTreeMap, VecDeque};

use crate::error::StepError;
use crate::ids::{Epoch, MessageId, Offset, ProducerId};

/// What a log entry is (output `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Record,
    CommitMarker,
    AbortMarker,
}

impl EntryKind {
    pub fn name(self) -> &'static str {
        match self {
            EntryKind::Record => "record",
            EntryKind::CommitMarker => "commit_marker",
            EntryKind::AbortMarker => "abort_marker",
        }
    }
}

/// Transaction status of an entry (output `transaction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnStatus {
    None,
    Open,
    Committed,
    Aborted,
}

impl TxnStatus {
    pub fn name(self) -> &'static str {
        match self {
            TxnStatus::None => "none",
            TxnStatus::Open => "open",
            TxnStatus::Committed => "committed",
            TxnStatus::Aborted => "aborted",
        }
    }

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

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartitionLog {
    pub entries: Vec<LogEntry>,
    /// Everything is replicated at once in part 1, so HW = log end.
    pub high_watermark: Offset,
    pub producers: BTreeMap<ProducerId, ProducerWindow>,
}

impl PartitionLog {
    pub fn log_start(&self) -> Offset {
        Offset(0)
    }

    pub fn log_end(&self) -> Offset {
        Offset(self.entries.len() as u64)
    }

    /// LSO = min(first offset of the earliest open transaction, HW) (T8).
    pub fn last_stable_offset(&self) -> Offset {
        self.entries
            .iter()
            .find(|e| e.txn == TxnStatus::Open)
            .map_or(self.high_watermark, |e| e.offset.min(self.high_watermark))
    }

    pub fn entry(&self, offset: Offset) -> Option<&LogEntry> {
        self.entries.get(usize::try_from(offset.0).ok()?)
    }

    fn push(&mut self, value: MessageId, key: Option<MessageId>, batch: Option<BatchId>) -> Offset {
        let offset = self.log_end();
        self.entries.push(LogEntry {
            offset,
            kind: EntryKind::Record,
            value,
            key,
            batch,
            txn: TxnStatus::None,
        });
        self.high_watermark = self.log_end();
        offset
    }

    /// Append a record from a producer without idempotence: the broker cannot recognise retries.
    pub fn append_plain(&mut self, value: MessageId, key: Option<MessageId>) -> Offset {
        self.push(value, key, None)
    }

    /// Append an idempotent batch of one record, checking epoch and sequence like
    /// `UnifiedLog.analyzeAndValidateProducerState`.
    pub fn append_idempotent(
        &mut self,
        batch: BatchId,
        value: MessageId,
        key: Option<MessageId>,
    ) -> Result<Append, StepError> {
        if let Some(w) = self.producers.get(&batch.producer_id) {
            if batch.epoch < w.epoch {
                return Err(StepError::InvalidProducerEpoch);
            }
            if batch.epoch == w.epoch {
                if let Some(&(_, offset)) = w.batches.iter().find(|(s, _)| *s == batch.sequence) {
                    return Ok(Append::Duplicate(offset));
                }
                let last = w.batches.back().map(|(s, _)| *s);
                if last.map(|l| l.wrapping_add(1)) != Some(batch.sequence) {
                    return Err(StepError::OutOfOrderSequence);
                }
            } else if batch.sequence != 0 {
                // A new epoch restarts sequences at 0 (P2).
                return Err(StepError::OutOfOrderSequence);
            }
        } else if batch.sequence != 0 {
            return Err(StepError::OutOfOrderSequence);
        }
        let offset = self.push(value, key, Some(batch));
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
