//! Small typed ids. Names (strings) live only at the edges: the scenario parser and the output.

use std::fmt;

/// Index of a producer or a consumer in the scenario's list of that kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientIdx(pub u16);

/// Index of a topic in the scenario's `topics` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicIdx(pub u16);

/// Index of a consumer group (in order of first appearance among the consumers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupIdx(pub u16);

/// Index of an interned text (a record value or key) in the cluster's text table.
/// A message's identity is its value text (ledger rule L1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MessageId(pub u32);

/// A position in a partition's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Offset(pub u64);

/// A broker-assigned producer id (PID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProducerId(pub u64);

/// A producer epoch: Kafka's int16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Epoch(pub i16);

impl Epoch {
    /// The coordinator bumps no further than this: from here it hands out a new producer id at epoch 0
    /// (Kafka's `isEpochExhausted`, one below `Short.MAX_VALUE` so a fence can still go one higher).
    pub const EXHAUSTED: Epoch = Epoch(i16::MAX - 1);

    pub fn is_exhausted(self) -> bool {
        self >= Self::EXHAUSTED
    }

    pub fn bumped(self) -> Epoch {
        Epoch(self.0.saturating_add(1))
    }
}

/// A topic and one of its partitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicPartition {
    pub topic: TopicIdx,
    pub partition: u32,
}

impl TopicPartition {
    pub fn new(topic: TopicIdx, partition: u32) -> Self {
        Self { topic, partition }
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
