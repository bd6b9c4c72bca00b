//! The transaction coordinator's record of one `transactional.id` (`TransactionMetadata`, T3): PID, epoch,
//! state, the partitions and consumer groups the current transaction touched.

use std::collections::BTreeSet;

use crate::contract_names::contract_names;
use crate::error::StepError;
use crate::ids::{Epoch, GroupIdx, Offset, ProducerId, TopicPartition};

/// The coordinator's states (T3 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TxnState {
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
    PrepareEpochFence,
    Dead,
}

contract_names!(TxnState {
    Empty = "Empty",
    Ongoing = "Ongoing",
    PrepareCommit = "PrepareCommit",
    PrepareAbort = "PrepareAbort",
    CompleteCommit = "CompleteCommit",
    CompleteAbort = "CompleteAbort",
    PrepareEpochFence = "PrepareEpochFence",
    Dead = "Dead",
});

impl TxnState {
    /// The allowed moves of T3 (the edges of the state diagram).
    pub fn can_move_to(self, to: TxnState) -> bool {
        use TxnState::*;
        matches!(
            (self, to),
            (Empty | CompleteCommit | CompleteAbort, Ongoing)
                | (Ongoing, PrepareCommit | PrepareAbort | PrepareEpochFence)
                | (PrepareEpochFence, PrepareAbort)
                // T11: under transaction version 2, the abort of a transaction none of whose records reached
                // the coordinator.
                | (Empty | CompleteCommit | CompleteAbort, PrepareAbort)
                | (PrepareCommit, CompleteCommit)
                | (PrepareAbort, CompleteAbort)
                | (CompleteCommit | CompleteAbort, Empty)
        )
    }

    /// Waiting for its markers to be written.
    pub fn is_prepared(self) -> bool {
        matches!(self, TxnState::PrepareCommit | TxnState::PrepareAbort)
    }
}

/// Transactional offsets written by `send_offsets_to_transaction`, pending until the marker (T5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PendingOffset {
    pub group: GroupIdx,
    pub tp: TopicPartition,
    pub offset: Offset,
}

/// The broker's `transaction.max.timeout.ms` (default): InitProducerId refuses a longer `transaction.timeout.ms`.
pub const TRANSACTION_MAX_TIMEOUT_MS: u64 = 900_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionMetadata {
    pub transactional_id: String,
    pub producer_id: ProducerId,
    pub epoch: Epoch,
    pub state: TxnState,
    /// Partitions added to the current transaction (T4).
    pub partitions: BTreeSet<TopicPartition>,
    /// Groups whose offsets partition was added (T5).
    pub groups: BTreeSet<GroupIdx>,
    pub pending_offsets: Vec<PendingOffset>,
    /// When the transaction went Ongoing (for `transaction.timeout.ms`, T9).
    pub started_ms: u64,
    pub timeout_ms: u64,
    /// Kafka's nextProducerId: the id the transactional.id moves to, at epoch 0, once the markers of the
    /// transaction that exhausted its epoch are written (T11).
    pub next_producer_id: Option<ProducerId>,
}

impl TransactionMetadata {
    pub fn new(transactional_id: String, producer_id: ProducerId, timeout_ms: u64) -> Self {
        Self {
            transactional_id,
            producer_id,
            epoch: Epoch(0),
            state: TxnState::Empty,
            partitions: BTreeSet::new(),
            groups: BTreeSet::new(),
            pending_offsets: Vec::new(),
            started_ms: 0,
            timeout_ms,
            next_producer_id: None,
        }
    }

    /// Move to `to` if T3 allows it; an illegal move is an error, never a panic.
    pub fn transition(&mut self, to: TxnState) -> Result<TxnState, StepError> {
        if !self.state.can_move_to(to) {
            return Err(StepError::InvalidTxnState);
        }
        let from = self.state;
        self.state = to;
        Ok(from)
    }

    /// How many partitions get a marker, the groups' offsets partitions included (T7).
    pub fn marker_count(&self) -> usize {
        self.partitions.len() + self.groups.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t3_only_the_allowed_moves() {
        use TxnState::*;
        let allowed = [
            (Empty, Ongoing),
            (CompleteCommit, Ongoing),
            (CompleteAbort, Ongoing),
            (Ongoing, PrepareCommit),
            (Ongoing, PrepareAbort),
            (Ongoing, PrepareEpochFence),
            (PrepareEpochFence, PrepareAbort),
            (Empty, PrepareAbort),
            (CompleteCommit, PrepareAbort),
            (CompleteAbort, PrepareAbort),
            (PrepareCommit, CompleteCommit),
            (PrepareAbort, CompleteAbort),
            (CompleteCommit, Empty),
            (CompleteAbort, Empty),
        ];
        for &from in TxnState::ALL {
            for &to in TxnState::ALL {
                assert_eq!(
                    from.can_move_to(to),
                    allowed.contains(&(from, to)),
                    "{} -> {}",
                    from.name(),
                    to.name()
                );
            }
        }
        let mut m = TransactionMetadata::new("t".into(), ProducerId(0), 60_000);
        assert_eq!(m.transition(PrepareCommit), Err(StepError::InvalidTxnState));
        assert_eq!(m.state, Empty);
        assert_eq!(m.transition(Ongoing), Ok(Empty));
    }
}
