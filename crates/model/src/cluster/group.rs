//! The group coordinator's side of the consumer (C2–C4, C6): joining on the first poll, eager rebalances and
//! rejoining, leaving, session expiry, and offset commits — explicit, of the positions, and auto-commit.

use super::Cluster;
use crate::error::StepError;
use crate::event::{Change, CommitCause, Event, Reason, RebalanceCause};
use crate::group_coordinator::{range_assign, Member};
use crate::ids::{ClientIdx, GroupIdx, Offset, TopicIdx, TopicPartition};

impl Cluster {
    pub(super) fn member_index(&self, consumer: ClientIdx) -> Option<usize> {
        let c = self.consumer(consumer);
        if !c.joined {
            return None;
        }
        self.group(self.group_of(consumer))
            .member(consumer, c.instance)
    }

    pub(super) fn join(&mut self, consumer: ClientIdx, out: &mut Vec<Event>) {
        let g = self.group_of(consumer);
        let session_timeout_ms = self.consumer_spec(consumer).config.session_timeout_ms;
        let c = self.consumer_mut(consumer);
        c.joined = true;
        let member = Member {
            consumer,
            instance: c.instance,
            alive: true,
            dead_since_ms: 0,
            session_timeout_ms,
            assigned: Vec::new(),
            rejoined: true,
        };
        let group = self.group_mut(g);
        let at = group
            .members
            .partition_point(|m| (m.consumer, m.instance) < (consumer, member.instance));
        group.members.insert(at, member);
        out.push(Event::new(
            Change::MemberJoined { group: g, consumer },
            Reason::JoinOnFirstPoll,
        ));
        self.start_rebalance(g, RebalanceCause::Joined(consumer), out);
    }

    /// Eager (classic protocol) rebalance: every live member must rejoin in its next poll (giving up its
    /// partitions, after an auto-commit); it completes when all have, and no dead member remains.
    fn start_rebalance(&mut self, g: GroupIdx, cause: RebalanceCause, out: &mut Vec<Event>) {
        let group = self.group_mut(g);
        if group.members.is_empty() {
            group.rebalance_pending = false;
            return;
        }
        if !group.rebalance_pending {
            group.rebalance_pending = true;
            group.rebalance_cause = Some(cause);
            for m in &mut group.members {
                let joiner = cause == RebalanceCause::Joined(m.consumer) && m.assigned.is_empty();
                m.rejoined = joiner || !m.alive;
            }
            let must_rejoin = group.members.iter().any(|m| m.alive && !m.rejoined);
            if must_rejoin {
                out.push(Event::new(
                    Change::RebalanceStarted { group: g },
                    Reason::Rebalance(cause),
                ));
            }
        }
        self.try_complete_rebalance(g, cause, out);
    }

    /// Complete a pending rebalance if every live member has rejoined and no dead member holds partitions.
    fn try_complete_rebalance(
        &mut self,
        g: GroupIdx,
        cause: RebalanceCause,
        out: &mut Vec<Event>,
    ) -> bool {
        let group = self.group(g);
        if !group.rebalance_pending {
            return true;
        }
        if group.members.iter().any(|m| !m.alive || !m.rejoined) {
            return false;
        }
        let members: Vec<ClientIdx> = group.members.iter().map(|m| m.consumer).collect();
        let subscriptions: Vec<&[TopicIdx]> = members
            .iter()
            .map(|&m| self.consumer_spec(m).subscribe.as_slice())
            .collect();
        let assignment = range_assign(&subscriptions, |t| self.topic_spec(t).partitions);
        let group = self.group_mut(g);
        group.generation += 1;
        group.rebalance_pending = false;
        let cause = group.rebalance_cause.take().unwrap_or(cause);
        for (member, parts) in group.members.iter_mut().zip(&assignment) {
            member.assigned.clone_from(parts);
        }
        out.push(Event::new(
            Change::GroupRebalanced {
                group: g,
                generation: group.generation,
                assignment: members
                    .iter()
                    .copied()
                    .zip(assignment.iter().cloned())
                    .collect(),
            },
            Reason::Rebalance(cause),
        ));
        // Every member restarts from the committed offsets, and its auto-commit interval starts again from
        // here: both clients reschedule it when a join completes (C4).
        let now = self.now_ms;
        for (&m, parts) in members.iter().zip(&assignment) {
            let interval = self.consumer_spec(m).config.auto_commit_interval_ms;
            let c = self.consumer_mut(m);
            c.positions.clear();
            c.fetched.clear();
            c.next_auto_commit_ms = now.saturating_add(interval);
            for &tp in parts {
                // Pending transactional offsets (T5): the position stays unknown until they resolve.
                if self.group(g).pending.contains_key(&tp) {
                    continue;
                }
                // A `none` reset leaves the position unknown; the next poll raises NoOffsetForPartition.
                let _ = self.init_position(m, tp, false, out);
            }
        }
        true
    }

    /// A member's poll during a pending rebalance: auto-commit (C4), give up the partitions, rejoin.
    pub(super) fn rejoin(&mut self, consumer: ClientIdx, mi: usize, out: &mut Vec<Event>) {
        let g = self.group_of(consumer);
        if self.consumer_spec(consumer).config.enable_auto_commit {
            self.commit_positions(consumer, CommitCause::AutoBeforeRebalance, out);
        }
        let member = &mut self.group_mut(g).members[mi];
        member.rejoined = true;
        member.assigned.clear();
        let c = self.consumer_mut(consumer);
        c.positions.clear();
        c.fetched.clear();
        out.push(Event::new(
            Change::MemberRejoined { group: g, consumer },
            Reason::Rejoin,
        ));
        self.try_complete_rebalance(g, RebalanceCause::Joined(consumer), out);
    }

    pub(super) fn leave_group(&mut self, consumer: ClientIdx, out: &mut Vec<Event>) {
        let g = self.group_of(consumer);
        if let Some(mi) = self.member_index(consumer) {
            self.group_mut(g).members.remove(mi);
            out.push(Event::new(
                Change::MemberRemoved { group: g, consumer },
                Reason::LeftGroup,
            ));
            self.consumer_mut(consumer).joined = false;
            self.start_rebalance(g, RebalanceCause::Left(consumer), out);
        }
    }

    /// C6: the coordinator removes members whose session expired, then rebalances.
    pub(super) fn expire_sessions(&mut self, out: &mut Vec<Event>) {
        for gi in 0..self.groups.len() {
            let g = GroupIdx(gi as u16);
            let mut expired = None;
            while let Some(i) = self
                .group(g)
                .members
                .iter()
                .position(|m| !m.alive && m.expires_at_ms() <= self.now_ms)
            {
                let m = self.group_mut(g).members.remove(i);
                out.push(Event::new(
                    Change::MemberRemoved {
                        group: g,
                        consumer: m.consumer,
                    },
                    Reason::SessionExpired,
                ));
                expired = Some(m.consumer);
            }
            if let Some(c) = expired {
                self.start_rebalance(g, RebalanceCause::SessionExpired(c), out);
            }
        }
    }

    pub(super) fn consumer_commit(
        &mut self,
        consumer: ClientIdx,
        offsets: Option<&[(TopicPartition, Offset)]>,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.consumer_running(consumer)?;
        match offsets {
            None => {
                if !self.commit_positions(consumer, CommitCause::Positions, out) {
                    out.push(Event::new(
                        Change::NothingToCommit { consumer },
                        Reason::NothingAssigned,
                    ));
                }
            }
            Some(list) => {
                let g = self.group_of(consumer);
                for &(tp, to) in list {
                    let from = self.group_mut(g).committed.insert(tp, to);
                    out.push(Event::new(
                        Change::OffsetCommitted {
                            group: g,
                            consumer,
                            tp,
                            from,
                            to,
                            cause: CommitCause::Explicit,
                        },
                        Reason::Commit,
                    ));
                }
            }
        }
        Ok(())
    }

    /// Commit the position of every assigned partition (C3; also what auto-commit stores, C4).
    pub(super) fn commit_positions(
        &mut self,
        consumer: ClientIdx,
        cause: CommitCause,
        out: &mut Vec<Event>,
    ) -> bool {
        let g = self.group_of(consumer);
        let Some(mi) = self.member_index(consumer) else {
            return false;
        };
        let mut any = false;
        let count = self.group(g).members[mi].assigned.len();
        for i in 0..count {
            let tp = self.group(g).members[mi].assigned[i];
            if let Some(&pos) = self.consumer(consumer).positions.get(&tp) {
                let from = self.group_mut(g).committed.insert(tp, pos);
                any = true;
                // An automatic commit that changes nothing is not worth a sentence.
                if from == Some(pos) && cause != CommitCause::Positions {
                    continue;
                }
                out.push(Event::new(
                    Change::OffsetCommitted {
                        group: g,
                        consumer,
                        tp,
                        from,
                        to: pos,
                        cause,
                    },
                    Reason::Commit,
                ));
            }
        }
        any
    }

    pub(super) fn maybe_auto_commit(&mut self, consumer: ClientIdx, out: &mut Vec<Event>) {
        let config = &self.consumer_spec(consumer).config;
        let interval = config.auto_commit_interval_ms;
        if config.enable_auto_commit && self.now_ms >= self.consumer(consumer).next_auto_commit_ms {
            self.commit_positions(consumer, CommitCause::AutoInPoll, out);
            self.consumer_mut(consumer).next_auto_commit_ms = self.now_ms.saturating_add(interval);
        }
    }
}
