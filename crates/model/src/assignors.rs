//! The partition assignors a group's leader runs (G2): range and round-robin (eager), and cooperative-sticky
//! (KIP-429), each as Kafka's own implementation orders members and partitions.

use std::collections::BTreeSet;

use crate::config::Assignor;
use crate::ids::{TopicIdx, TopicPartition};

/// One member as the assignor sees it. Members come in Kafka's order: static members by instance id, then
/// the others by member id.
pub struct Subscriber<'a> {
    pub topics: &'a [TopicIdx],
    /// The partitions it reports owning (cooperative members keep theirs while rejoining).
    pub owned: &'a [TopicPartition],
}

/// `topics`: every subscribed topic, sorted by name (the order round-robin and sticky walk partitions in).
pub fn assign(
    assignor: Assignor,
    members: &[Subscriber],
    topics: &[TopicIdx],
    partitions_of: impl Fn(TopicIdx) -> u32,
) -> Vec<Vec<TopicPartition>> {
    match assignor {
        Assignor::Range => range(members, topics, partitions_of),
        Assignor::RoundRobin => round_robin(members, topics, partitions_of),
        Assignor::CooperativeSticky => sticky(members, topics, partitions_of),
    }
}

/// Per topic, the subscribed members in order get consecutive ranges; the first `partitions % members` get
/// one more.
fn range(
    members: &[Subscriber],
    topics: &[TopicIdx],
    partitions_of: impl Fn(TopicIdx) -> u32,
) -> Vec<Vec<TopicPartition>> {
    let mut out = vec![Vec::new(); members.len()];
    for &topic in topics {
        let subscribed: Vec<usize> = (0..members.len())
            .filter(|&i| members[i].topics.contains(&topic))
            .collect();
        let n = partitions_of(topic);
        let m = subscribed.len() as u32;
        let mut next = 0;
        for (i, &member) in subscribed.iter().enumerate() {
            let count = n / m + u32::from((i as u32) < n % m);
            out[member].extend((next..next + count).map(|p| TopicPartition::new(topic, p)));
            next += count;
        }
    }
    out
}

/// Every partition in turn goes to the next member (circularly) that subscribes to its topic.
fn round_robin(
    members: &[Subscriber],
    topics: &[TopicIdx],
    partitions_of: impl Fn(TopicIdx) -> u32,
) -> Vec<Vec<TopicPartition>> {
    let mut out = vec![Vec::new(); members.len()];
    let mut next = 0;
    for tp in all_partitions(topics, partitions_of) {
        while !members[next].topics.contains(&tp.topic) {
            next = (next + 1) % members.len();
        }
        out[next].push(tp);
        next = (next + 1) % members.len();
    }
    out
}

/// Kafka's constrained sticky assignment (every member subscribes to the same topics, which the set-up
/// checks): each member keeps up to its quota of what it owns, then the free partitions fill the members
/// below quota, round-robin.
fn sticky(
    members: &[Subscriber],
    topics: &[TopicIdx],
    partitions_of: impl Fn(TopicIdx) -> u32,
) -> Vec<Vec<TopicPartition>> {
    let all = all_partitions(topics, partitions_of);
    let (m, p) = (members.len(), all.len());
    let (min_quota, max_quota, members_over_min) = (p / m, p.div_ceil(m), p % m);
    let mut over = 0;
    let mut out: Vec<Vec<TopicPartition>> = vec![Vec::new(); m];
    let mut under_min = Vec::new();
    let mut at_min = Vec::new();
    for (i, member) in members.iter().enumerate() {
        let mut owned: Vec<TopicPartition> = member
            .owned
            .iter()
            .copied()
            .filter(|tp| all.contains(tp))
            .collect();
        owned.sort_by_key(|tp| all.iter().position(|a| a == tp));
        if owned.len() < min_quota {
            out[i] = owned;
            under_min.push(i);
        } else if owned.len() >= max_quota && over < members_over_min {
            over += 1;
            if over == members_over_min {
                at_min.clear();
            }
            out[i] = owned[..max_quota].to_vec();
        } else {
            out[i] = owned[..min_quota].to_vec();
            if over < members_over_min {
                at_min.push(i);
            }
        }
    }
    let taken: BTreeSet<TopicPartition> = out.iter().flatten().copied().collect();
    let mut cursor = 0;
    for tp in all.into_iter().filter(|tp| !taken.contains(tp)) {
        let member = if cursor < under_min.len() {
            cursor += 1;
            under_min[cursor - 1]
        } else if !under_min.is_empty() {
            cursor = 1;
            under_min[0]
        } else if !at_min.is_empty() {
            at_min.remove(0)
        } else {
            // Not reached with the quotas above; keep every partition owned regardless.
            (0..m).min_by_key(|&i| out[i].len()).unwrap_or(0)
        };
        out[member].push(tp);
        let count = out[member].len();
        if count == min_quota && cursor > 0 && under_min.get(cursor - 1) == Some(&member) {
            cursor -= 1;
            under_min.remove(cursor);
            at_min.push(member);
        } else if count == max_quota {
            over += 1;
            if over == members_over_min {
                break;
            }
        }
    }
    out
}

fn all_partitions(
    topics: &[TopicIdx],
    partitions_of: impl Fn(TopicIdx) -> u32,
) -> Vec<TopicPartition> {
    topics
        .iter()
        .flat_map(|&t| (0..partitions_of(t)).map(move |p| TopicPartition::new(t, p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: TopicIdx = TopicIdx(0);

    fn tps(list: &[u32]) -> Vec<TopicPartition> {
        list.iter().map(|&p| TopicPartition::new(T, p)).collect()
    }

    fn run(assignor: Assignor, owned: &[&[u32]], partitions: u32) -> Vec<Vec<TopicPartition>> {
        let owned: Vec<Vec<TopicPartition>> = owned.iter().map(|o| tps(o)).collect();
        let members: Vec<Subscriber> = owned
            .iter()
            .map(|o| Subscriber {
                topics: &[T],
                owned: o,
            })
            .collect();
        assign(assignor, &members, &[T], |_| partitions)
    }

    #[test]
    fn range_gives_first_members_the_extra_partitions() {
        assert_eq!(
            run(Assignor::Range, &[&[], &[]], 3),
            vec![tps(&[0, 1]), tps(&[2])]
        );
    }

    #[test]
    fn round_robin_deals_partitions_in_turn() {
        assert_eq!(
            run(Assignor::RoundRobin, &[&[], &[]], 5),
            vec![tps(&[0, 2, 4]), tps(&[1, 3])]
        );
    }

    #[test]
    fn sticky_keeps_owned_partitions_and_moves_only_the_excess() {
        // Two members owned three each; a third joins with nothing: each old member keeps two.
        let a = run(
            Assignor::CooperativeSticky,
            &[&[0, 1, 2], &[3, 4, 5], &[]],
            6,
        );
        assert_eq!(a, vec![tps(&[0, 1]), tps(&[3, 4]), tps(&[2, 5])]);
    }

    #[test]
    fn sticky_from_nothing_deals_round_robin() {
        let a = run(Assignor::CooperativeSticky, &[&[], &[]], 3);
        assert_eq!(a, vec![tps(&[0, 2]), tps(&[1])]);
    }

    #[test]
    fn sticky_gives_a_leaver_s_partitions_to_the_others() {
        let a = run(Assignor::CooperativeSticky, &[&[0, 1], &[2, 3]], 6);
        assert_eq!(a, vec![tps(&[0, 1, 4]), tps(&[2, 3, 5])]);
    }
}
