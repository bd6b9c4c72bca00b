//! The group coordinator's view of a consumer group: members, assignment, committed offsets.

use std::collections::BTreeMap;

use crate::event::RebalanceCause;
use crate::ids::{ClientIdx, Offset, TopicIdx, TopicPartition};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub consumer: ClientIdx,
    pub instance: u32,
    /// A crashed member stays in the group, holding its partitions, until its session expires (C6).
    pub alive: bool,
    pub dead_since_ms: u64,
    pub session_timeout_ms: u64,
    pub assigned: Vec<TopicPartition>,
    /// Has (re)joined the pending rebalance (eager protocol: every live member must, in its next poll).
    pub rejoined: bool,
}

impl Member {
    pub fn expires_at_ms(&self) -> u64 {
        self.dead_since_ms.saturating_add(self.session_timeout_ms)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    /// Sorted by (consumer, instance): the order the range assignor uses (member ids start with the client id).
    pub members: Vec<Member>,
    pub generation: u32,
    /// A rebalance has started and waits for members to rejoin (or for dead members' sessions to expire).
    pub rebalance_pending: bool,
    /// What started the pending rebalance (for the learner's sentence when it completes).
    pub rebalance_cause: Option<RebalanceCause>,
    pub committed: BTreeMap<TopicPartition, Offset>,
    /// Transactional offsets not yet visible (T5).
    pub pending: BTreeMap<TopicPartition, Offset>,
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

/// Kafka's range assignor: per topic, the subscribed members in order get consecutive ranges of
/// partitions; the first `partitions % members` get one more.
pub fn range_assign(
    subscriptions: &[&[TopicIdx]],
    partitions_of: impl Fn(TopicIdx) -> u32,
) -> Vec<Vec<TopicPartition>> {
    let mut out = vec![Vec::new(); subscriptions.len()];
    let mut topics: Vec<TopicIdx> = subscriptions
        .iter()
        .flat_map(|s| s.iter().copied())
        .collect();
    topics.sort();
    topics.dedup();
    for topic in topics {
        let members: Vec<usize> = (0..subscriptions.len())
            .filter(|&i| subscriptions[i].contains(&topic))
            .collect();
        let n = partitions_of(topic);
        let m = members.len() as u32;
        let per = n / m;
        let extra = n % m;
        let mut next = 0;
        for (i, &member) in members.iter().enumerate() {
            let count = per + u32::from((i as u32) < extra);
            for p in next..next + count {
                out[member].push(TopicPartition::new(topic, p));
            }
            next += count;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_assignor_gives_first_members_the_extra_partitions() {
        let t = [TopicIdx(0)];
        let a = range_assign(&[&t, &t], |_| 3);
        assert_eq!(
            a,
            vec![
                vec![
                    TopicPartition::new(TopicIdx(0), 0),
                    TopicPartition::new(TopicIdx(0), 1)
                ],
                vec![TopicPartition::new(TopicIdx(0), 2)],
            ]
        );
    }
}
