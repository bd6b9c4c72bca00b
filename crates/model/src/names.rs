//! The edge where typed ids become names again (events, output).

use std::fmt;

use crate::ids::{ClientIdx, GroupIdx, MessageId, TopicIdx, TopicPartition};
use crate::scenario::Setup;

/// Borrowed view of the name tables.
#[derive(Clone, Copy)]
pub struct Names<'a> {
    pub setup: &'a Setup,
    pub texts: &'a [String],
}

impl<'a> Names<'a> {
    pub fn producer(&self, c: ClientIdx) -> &'a str {
        &self.setup.producers[c.0 as usize].id
    }
    pub fn consumer(&self, c: ClientIdx) -> &'a str {
        &self.setup.consumers[c.0 as usize].id
    }
    pub fn group(&self, g: GroupIdx) -> &'a str {
        &self.setup.groups[g.0 as usize]
    }
    pub fn topic(&self, t: TopicIdx) -> &'a str {
        &self.setup.topics[t.0 as usize].name
    }
    pub fn text(&self, m: MessageId) -> &'a str {
        &self.texts[m.0 as usize]
    }
    /// A transactional.id by its index in `Setup::transactional_ids`.
    pub fn txn(&self, i: u16) -> &'a str {
        &self.setup.transactional_ids[i as usize]
    }
    pub fn tp(&self, tp: TopicPartition) -> TpName<'a> {
        TpName {
            topic: self.topic(tp.topic),
            partition: tp.partition,
        }
    }
}

/// `orders-0`, as Kafka's tools print a topic partition.
pub struct TpName<'a> {
    topic: &'a str,
    partition: u32,
}

impl fmt::Display for TpName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}
