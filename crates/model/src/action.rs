//! Everything that can happen to the cluster: one flat enum, named actor + verb.

use crate::ids::{ClientIdx, MessageId, Offset, TopicIdx, TopicPartition};
use crate::op::Op;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Hand a record to the producer; it stays in flight until `ProducerFlush`.
    ProducerSend {
        producer: ClientIdx,
        topic: TopicIdx,
        /// `None`: the partitioner decides (murmur2 of the key, or sticky-random without a key).
        partition: Option<u32>,
        key: Option<MessageId>,
        value: MessageId,
    },
    /// The explorer's send: the next generated order `{"order_id": n, "item": "widget"}`.
    ProducerSendNextOrder {
        producer: ClientIdx,
        topic: TopicIdx,
    },
    ProducerFlush {
        producer: ClientIdx,
    },
    /// Fault: the broker appends the next produce request but its answer is lost (P6).
    ProducerLoseNextAck {
        producer: ClientIdx,
    },
    /// Fault: the next produce request is lost on the way to the broker; with
    /// max.in.flight.requests.per.connection > 1 the requests behind it arrive first (P4).
    ProducerLoseNextRequest {
        producer: ClientIdx,
    },
    ProducerCrash {
        producer: ClientIdx,
    },
    ProducerRestart {
        producer: ClientIdx,
    },
    ProducerInitTransactions {
        producer: ClientIdx,
    },
    ProducerBeginTransaction {
        producer: ClientIdx,
    },
    ProducerCommitTransaction {
        producer: ClientIdx,
    },
    ProducerAbortTransaction {
        producer: ClientIdx,
    },
    ProducerSendOffsetsToTransaction {
        producer: ClientIdx,
        consumer: ClientIdx,
    },
    /// kafka-python: the iterator yields the next record; java: `poll()` returns a batch.
    ConsumerPoll {
        consumer: ClientIdx,
    },
    /// Apply the side effect of the next received record; `fail` makes processing raise. `idempotent`: the
    /// application first looks the message up in its database and skips the side effect if its group
    /// already applied it (dedupe by order id).
    ConsumerProcess {
        consumer: ClientIdx,
        fail: bool,
        idempotent: bool,
    },
    /// `None`: commit every assigned partition's position (C3).
    ConsumerCommit {
        consumer: ClientIdx,
        offsets: Option<Vec<(TopicPartition, Offset)>>,
    },
    ConsumerSeek {
        consumer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
    },
    ConsumerClose {
        consumer: ClientIdx,
    },
    ConsumerCrash {
        consumer: ClientIdx,
    },
    ConsumerRestart {
        consumer: ClientIdx,
    },
    /// Move the logical clock (auto-commit eligibility, session timeouts).
    ClockAdvance {
        ms: u64,
    },
    BrokerCrash {
        broker: u16,
    },
    BrokerRestart {
        broker: u16,
    },
    /// Every follower stops copying from the leaders.
    ReplicationPause,
    ReplicationResume,
    /// Only this broker's followers stop copying.
    BrokerPauseReplication {
        broker: u16,
    },
    BrokerResumeReplication {
        broker: u16,
    },
}

/// Who performs an action, for the output's `actor` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Producer(ClientIdx),
    Consumer(ClientIdx),
    Cluster,
}

impl Action {
    pub fn actor(&self) -> Actor {
        use Action::*;
        match self {
            ProducerSend { producer, .. }
            | ProducerSendNextOrder { producer, .. }
            | ProducerFlush { producer }
            | ProducerLoseNextAck { producer }
            | ProducerLoseNextRequest { producer }
            | ProducerCrash { producer }
            | ProducerRestart { producer }
            | ProducerInitTransactions { producer }
            | ProducerBeginTransaction { producer }
            | ProducerCommitTransaction { producer }
            | ProducerAbortTransaction { producer }
            | ProducerSendOffsetsToTransaction { producer, .. } => Actor::Producer(*producer),
            ConsumerPoll { consumer }
            | ConsumerProcess { consumer, .. }
            | ConsumerCommit { consumer, .. }
            | ConsumerSeek { consumer, .. }
            | ConsumerClose { consumer }
            | ConsumerCrash { consumer }
            | ConsumerRestart { consumer } => Actor::Consumer(*consumer),
            ClockAdvance { .. }
            | BrokerCrash { .. }
            | BrokerRestart { .. }
            | ReplicationPause
            | ReplicationResume
            | BrokerPauseReplication { .. }
            | BrokerResumeReplication { .. } => Actor::Cluster,
        }
    }

    /// The op of the scenario format this action is written as.
    pub fn op(&self) -> Op {
        use Action::*;
        match self {
            ProducerSend { .. } | ProducerSendNextOrder { .. } => Op::Send,
            ProducerFlush { .. } => Op::Flush,
            ProducerLoseNextAck { .. } => Op::LoseNextAck,
            ProducerLoseNextRequest { .. } => Op::LoseNextRequest,
            ProducerCrash { .. } | ConsumerCrash { .. } => Op::Crash,
            ProducerRestart { .. } | ConsumerRestart { .. } => Op::Restart,
            ProducerInitTransactions { .. } => Op::InitTransactions,
            ProducerBeginTransaction { .. } => Op::BeginTransaction,
            ProducerCommitTransaction { .. } => Op::CommitTransaction,
            ProducerAbortTransaction { .. } => Op::AbortTransaction,
            ProducerSendOffsetsToTransaction { .. } => Op::SendOffsetsToTransaction,
            ConsumerPoll { .. } => Op::Poll,
            ConsumerProcess { .. } => Op::Process,
            ConsumerCommit { .. } => Op::Commit,
            ConsumerSeek { .. } => Op::Seek,
            ConsumerClose { .. } => Op::Close,
            ClockAdvance { .. } => Op::Advance,
            BrokerCrash { .. } => Op::CrashBroker,
            BrokerRestart { .. } => Op::RestartBroker,
            ReplicationPause | BrokerPauseReplication { .. } => Op::PauseReplication,
            ReplicationResume | BrokerResumeReplication { .. } => Op::ResumeReplication,
        }
    }

    /// The scenario-format name of the op.
    pub fn op_name(&self) -> &'static str {
        self.op().name()
    }
}
