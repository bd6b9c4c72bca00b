//! The group coordinator's view of a consumer group: members, assignment, committed offsets.

use std::collections::BTreeMap;

use crate::config::Assignor;
use crate::event::RebalanceCause;
use crate::ids::{ClientIdx, Offset, TopicPartition};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub consumer: ClientIdx,
    pub instance: u32,
    /// A crashed member stays in the group, holding its partitions, until its session expires (C6).
    pub alive: bool,
    pub dead_since_ms: u64,
    pub session_timeout_ms: u64,
    pub assigned: Vec<TopicPartition>,
    /// Has (re)joined the pending rebalance: every live member must, in its next poll.
    pub rejoined: bool,
    /// Cooperative: partitions the last rebalance took away, still held until the member's next poll gives
    /// them up (the client learns its assignment inside `poll()`).
    pub revoking: Vec<TopicPartition>,
}

impl Member {
    pub fn expires_at_ms(&self) -> u64 {
        self.dead_since_ms.saturating_add(self.session_timeout_ms)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    /// In order of joining; the assignors order them as Kafka does (`Cluster::assignment_order`).
    pub members: Vec<Member>,
    pub generation: u32,
    /// A rebalance has started and waits for members to rejoin (or for dead members' sessions to expire).
    pub rebalance_pending: bool,
    /// What started the pending rebalance (for the learner's sentence when it completes).
    pub rebalance_cause: Option<RebalanceCause>,
    pub committed: BTreeMap<TopicPartition, Offset>,
    /// Transactional offsets not yet visible (T5).
    pub pending: BTreeMap<TopicPartition, Offset>,
    /// The assignor the group chose at its last rebalance (G2).
    pub assignor: Option<Assignor>,
}

impl Group {
    pub fn member(&self, consumer: ClientIdx, instance: u32) -> Option<usize> {
        self.members
            .iter()
            .position(|m| m.consumer == consumer && m.instance == instance)
    }

    pub fn has_dead_member(&self) -> bool {
        self.members.iter().any(|m| !m.alive)
    }
}
