//! A producer instance as the client library holds it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::contract_names::contract_names;
use crate::error::StepError;
use crate::ids::{Epoch, GroupIdx, MessageId, ProducerId, TopicPartition};

/// State of a producer instance, as the output names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProducerState {
    Ready,
    InTransaction,
    /// kafka-python after its send met `InvalidProducerEpoch`: it has asked the coordinator to bump its own
    /// epoch and waits for the answer (T1).
    BumpingEpoch,
    Fenced,
    Crashed,
    Error,
}

contract_names!(ProducerState {
    Ready = "ready",
    InTransaction = "in_transaction",
    BumpingEpoch = "bumping_epoch",
    Fenced = "fenced",
    Crashed = "crashed",
    Error = "error",
});

/// A record handed to `send()` and not yet delivered (one record = one produce request in the model).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlight {
    pub tp: TopicPartition,
    pub value: MessageId,
    pub key: Option<MessageId>,
    /// Idempotent producers only (P2).
    pub sequence: Option<u32>,
    /// Sent inside a transaction: appended as `open` until the marker.
    pub transactional: bool,
    /// When the application handed it over: it is sent once `linger.ms` has passed.
    pub handed_at_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Producer {
    pub state: ProducerState,
    /// Counts restarts: each restart is a new instance (P1).
    pub instance: u32,
    /// PID and epoch from InitProducerId; `None` until the first idempotent write.
    pub producer_id: Option<(ProducerId, Epoch)>,
    /// Next sequence number per partition, for the current PID and epoch (P2).
    pub next_sequence: BTreeMap<TopicPartition, u32>,
    pub in_flight: VecDeque<InFlight>,
    /// Fault armed by `lose_next_ack` (P6).
    pub lose_next_ack: bool,
    /// Fault armed by `lose_next_request` (P4).
    pub lose_next_request: bool,
    /// `init_transactions()` succeeded for this instance (T1, T10).
    pub transactions_initialised: bool,
    /// Partitions this instance added to its current transaction (T4).
    pub txn_partitions: BTreeSet<TopicPartition>,
    /// Groups whose offsets this instance added to its current transaction (T5).
    pub txn_groups: BTreeSet<GroupIdx>,
    /// The Java client's transaction failed with this error (KIP-588, T1): send and commit rethrow it until
    /// the application aborts.
    pub abortable: Option<StepError>,
    /// The coordinator refused this instance for good (`InvalidTransactionTimeout`): every call rethrows it.
    pub fatal: Option<StepError>,
}

impl Producer {
    pub fn new(config_error: bool) -> Self {
        Self {
            state: if config_error {
                ProducerState::Error
            } else {
                ProducerState::Ready
            },
            instance: 0,
            producer_id: None,
            next_sequence: BTreeMap::new(),
            in_flight: VecDeque::new(),
            lose_next_ack: false,
            lose_next_request: false,
            transactions_initialised: false,
            txn_partitions: BTreeSet::new(),
            txn_groups: BTreeSet::new(),
            abortable: None,
            fatal: None,
        }
    }
}
