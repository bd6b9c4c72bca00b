//! A consumer instance as the client library holds it: positions, buffers, and the application's queue.

use std::collections::{BTreeMap, VecDeque};

use crate::contract_names::contract_names;
use crate::ids::{MessageId, Offset, TopicPartition};
use crate::partition_log::TxnStatus;

/// State of a consumer instance, as the output names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsumerState {
    Running,
    Crashed,
    Closed,
}

contract_names!(ConsumerState {
    Running = "running",
    Crashed = "crashed",
    Closed = "closed",
});

/// A record copy fetched from the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetched {
    pub tp: TopicPartition,
    pub offset: Offset,
    pub value: MessageId,
    pub txn: TxnStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consumer {
    pub state: ConsumerState,
    /// Counts restarts: each restart is a new instance and a new group member.
    pub instance: u32,
    /// Joined its group (happens lazily at the first poll).
    pub joined: bool,
    /// Next offset to hand out, per assigned partition (C1).
    pub positions: BTreeMap<TopicPartition, Offset>,
    /// kafka-python's iterator buffer: fetched, not yet yielded to the loop.
    pub fetched: VecDeque<Fetched>,
    /// Handed to the application, not yet processed.
    pub received: VecDeque<Fetched>,
    /// Logical time from which the next poll may auto-commit (C4).
    pub next_auto_commit_ms: u64,
    /// The last record the loop finished with (processed or failed).
    pub last_handled: Option<(TopicPartition, Offset)>,
    /// The message whose processing raised last, until a record is processed: what a loop may hand on to
    /// a dead-letter topic (G6).
    pub failed: Option<MessageId>,
    /// When the application last called `poll()` (G1: max.poll.interval.ms counts from here).
    pub last_poll_ms: u64,
    /// Left its group for a late poll and not yet rejoined: a commit fails (G3), the next poll rejoins.
    pub removed: bool,
}

impl Consumer {
    pub fn new(now_ms: u64, auto_commit_interval_ms: u64) -> Self {
        Self {
            state: ConsumerState::Running,
            instance: 0,
            joined: false,
            positions: BTreeMap::new(),
            fetched: VecDeque::new(),
            received: VecDeque::new(),
            next_auto_commit_ms: now_ms.saturating_add(auto_commit_interval_ms),
            last_handled: None,
            failed: None,
            last_poll_ms: now_ms,
            removed: false,
        }
    }
}
