//! A producer instance as the client library holds it.

use std::collections::{BTreeMap, VecDeque};

use crate::event::ProducerState;
use crate::ids::{Epoch, MessageId, ProducerId, TopicPartition};

/// A record handed to `send()` and not yet delivered (one record = one produce request in the model).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlight {
    pub tp: TopicPartition,
    pub value: MessageId,
    pub key: Option<MessageId>,
    /// Idempotent producers only (P2).
    pub sequence: Option<u32>,
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
        }
    }
}
