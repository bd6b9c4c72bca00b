//! The group coordinator's side of the consumer (C2–C4, C6, G1–G5): joining on the first poll, rebalances
//! eager and cooperative, static members, leaving, session expiry and late polls, and offset commits —
//! explicit, of the positions, auto-commit and the revocation hook.

use std::collections::BTreeSet;

use super::Cluster;
use crate::assignors::{assign, Subscriber};
use crate::config::Assignor;
use crate::error::StepError;
use crate::event::{Change, CommitCause, Event, Reason, RebalanceCause};
use crate::group_coordinator::Member;
use crate::ids::{ClientIdx, GroupIdx, Offset, TopicIdx, TopicPartition};
use crate::scenario::OnRevoke;

impl Cluster {
    pub(super) fn member_index(&self, consumer: ClientIdx) -> Option<usize> {
        let c = self.consumer(consumer);
        if !c.joined {
            return None;
        }
        self.group(self.group_of(consumer))
            .member(consumer, c.instance)
    }

    pub(super) fn cooperative(&self, consumer: ClientIdx) -> bool {
        self.consumer_spec(consumer).config.cooperative()
    }

    fn is_static(&self, consumer: ClientIdx) -> bool {
        self.consumer_spec(consumer)
            .config
            .group_instance_id
            .is_some()
    }

    pub(super) fn join(
        &mut self,
        consumer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let g = self.group_of(consumer);
        let spec = &self.consumer_spec(consumer).config;
        let shares_an_assignor = spec.assignors.iter().any(|a| {
            self.group(g)
                .members
                .iter()
                .all(|m| self.consumer_spec(m.consumer).config.assignors.contains(a))
        });
        if !shares_an_assignor {
            out.push(Event::new(
                Change::JoinRefused { group: g, consumer },
                Reason::NoCommonAssignor,
            ));
            return Err(StepError::InconsistentGroupProtocol);
        }
        let session_timeout_ms = spec.session_timeout_ms;
        let static_member = self.is_static(consumer);
        let c = self.consumer_mut(consumer);
        c.joined = true;
        let again = std::mem::take(&mut c.removed);
        let instance = c.instance;
        // G5: a static member's new instance takes the old one's place and partitions, without a rebalance.
        let known = self
            .group(g)
            .members
            .iter()
            .position(|m| m.consumer == consumer);
        if let (true, Some(mi)) = (static_member, known) {
            let m = &mut self.group_mut(g).members[mi];
            m.instance = instance;
            m.alive = true;
            m.rejoined = true;
            let assigned = m.assigned.clone();
            out.push(Event::new(
                Change::StaticMemberReturned {
                    group: g,
                    consumer,
                    assigned,
                },
                Reason::Plain,
            ));
            self.try_complete_rebalance(g, out);
            return Ok(());
        }
        self.group_mut(g).members.push(Member {
            consumer,
            instance,
            alive: true,
            dead_since_ms: 0,
            session_timeout_ms,
            assigned: Vec::new(),
            rejoined: true,
            revoking: Vec::new(),
        });
        let reason = if again {
            Reason::NotAMember
        } else {
            Reason::JoinOnFirstPoll
        };
        out.push(Event::new(
            Change::MemberJoined { group: g, consumer },
            reason,
        ));
        self.start_rebalance(g, RebalanceCause::Joined(consumer), out);
        Ok(())
    }

    /// Every live member must rejoin in its next poll (eager members give up their partitions then,
    /// cooperative ones keep them); it completes when all have, and no dead member remains.
    fn start_rebalance(&mut self, g: GroupIdx, cause: RebalanceCause, out: &mut Vec<Event>) {
        let cooperative = self
            .group(g)
            .members
            .iter()
            .all(|m| self.cooperative(m.consumer));
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
            if group.members.iter().any(|m| m.alive && !m.rejoined) {
                out.push(Event::new(
                    Change::RebalanceStarted {
                        group: g,
                        cooperative,
                    },
                    Reason::Rebalance(cause),
                ));
            }
        }
        self.try_complete_rebalance(g, out);
    }

    /// Kafka's order of members for the assignors: static members by instance id, then the others by member
    /// id, which starts with the client id.
    fn assignment_order(&self, g: GroupIdx) -> Vec<usize> {
        let members = &self.group(g).members;
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by_key(|&i| {
            let m = &members[i];
            let spec = self.consumer_spec(m.consumer);
            match &spec.config.group_instance_id {
                Some(id) => (0, id.as_str(), m.instance),
                None => (1, spec.id.as_str(), m.instance),
            }
        });
        order
    }

    /// The classic protocol's choice: among the assignors every member lists, the one most members put
    /// first (ties go to the first member's preference).
    fn select_assignor(&self, g: GroupIdx, order: &[usize]) -> Assignor {
        let members = &self.group(g).members;
        let lists: Vec<&[Assignor]> = order
            .iter()
            .map(|&i| {
                self.consumer_spec(members[i].consumer)
                    .config
                    .assignors
                    .as_slice()
            })
            .collect();
        let common = |a: &Assignor| lists.iter().all(|l| l.contains(a));
        let votes = |a: &Assignor| {
            lists
                .iter()
                .filter(|l| l.iter().find(|x| common(x)) == Some(a))
                .count()
        };
        let first = lists[0];
        first
            .iter()
            .filter(|a| common(a))
            .max_by_key(|a| {
                (
                    votes(a),
                    std::cmp::Reverse(first.iter().position(|x| x == *a)),
                )
            })
            .copied()
            .unwrap_or(first[0])
    }

    /// Complete a pending rebalance if every live member has rejoined and no dead member holds partitions.
    fn try_complete_rebalance(&mut self, g: GroupIdx, out: &mut Vec<Event>) {
        let group = self.group(g);
        if !group.rebalance_pending || group.members.iter().any(|m| !m.alive || !m.rejoined) {
            return;
        }
        let order = self.assignment_order(g);
        let assignor = self.select_assignor(g, &order);
        let members = &self.group(g).members;
        let mut topics: Vec<TopicIdx> = members
            .iter()
            .flat_map(|m| self.consumer_spec(m.consumer).subscribe.iter().copied())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        topics.sort_by(|a, b| self.topic_spec(*a).name.cmp(&self.topic_spec(*b).name));
        let subscribers: Vec<Subscriber> = order
            .iter()
            .map(|&i| Subscriber {
                topics: &self.consumer_spec(members[i].consumer).subscribe,
                owned: &members[i].assigned,
            })
            .collect();
        let target = assign(assignor, &subscribers, &topics, |t| {
            self.topic_spec(t).partitions
        });
        // KIP-429: a partition that moves between two members is only revoked now; its new owner gets it
        // in a second rebalance, so no two members ever hold it at once.
        let owner = |tp: &TopicPartition| members.iter().position(|m| m.assigned.contains(tp));
        let mut assignment = Vec::new();
        let mut revoked = Vec::new();
        for (k, &i) in order.iter().enumerate() {
            let owned = &members[i].assigned;
            let gets: Vec<TopicPartition> = target[k]
                .iter()
                .copied()
                .filter(|tp| owner(tp).is_none_or(|o| o == i))
                .collect();
            let gives: Vec<TopicPartition> = owned
                .iter()
                .copied()
                .filter(|tp| !target[k].contains(tp))
                .collect();
            assignment.push((i, gets));
            if !gives.is_empty() {
                revoked.push((i, gives));
            }
        }
        let cause = self
            .group(g)
            .rebalance_cause
            .unwrap_or(RebalanceCause::Revoked);
        let group = self.group_mut(g);
        group.generation += 1;
        group.rebalance_pending = false;
        group.rebalance_cause = None;
        group.assignor = Some(assignor);
        let generation = group.generation;
        let consumer_of = |i: usize| group.members[i].consumer;
        let named = |list: &[(usize, Vec<TopicPartition>)]| {
            list.iter()
                .map(|(i, parts)| (consumer_of(*i), parts.clone()))
                .collect()
        };
        out.push(Event::new(
            Change::GroupRebalanced {
                group: g,
                generation,
                assignment: named(&assignment),
                revoked: named(&revoked),
            },
            Reason::Rebalance(cause),
        ));
        for (i, gives) in &revoked {
            self.group_mut(g).members[*i].revoking.clone_from(gives);
        }
        // Positions of kept partitions stay; new ones start from the committed offsets. The auto-commit
        // interval starts again from here: both clients reschedule it when a join completes (C4).
        let now = self.now_ms;
        for (i, gets) in assignment {
            let m = self.group(g).members[i].consumer;
            let member = &mut self.group_mut(g).members[i];
            member.assigned = gets.iter().chain(&member.revoking).copied().collect();
            let interval = self.consumer_spec(m).config.auto_commit_interval_ms;
            self.consumer_mut(m).next_auto_commit_ms = now.saturating_add(interval);
            for tp in gets {
                // Pending transactional offsets (T5): the position stays unknown until they resolve.
                if self.consumer(m).positions.contains_key(&tp)
                    || self.group(g).pending.contains_key(&tp)
                {
                    continue;
                }
                // A `none` reset leaves the position unknown; the next poll raises NoOffsetForPartition.
                let _ = self.init_position(m, tp, false, out);
            }
        }
        if !revoked.is_empty() {
            self.start_rebalance(g, RebalanceCause::Revoked, out);
        }
    }

    /// The member gives partitions up while still in the group: the revocation hook may commit them (G4),
    /// then the client forgets their positions and whatever it fetched of them. `announce`: say so even when
    /// the application holds none of their records.
    fn revoke(
        &mut self,
        consumer: ClientIdx,
        parts: &[TopicPartition],
        announce: bool,
        out: &mut Vec<Event>,
    ) {
        if self.consumer_spec(consumer).on_revoke == OnRevoke::Commit {
            self.commit_partitions(consumer, parts, CommitCause::OnRevoke, out);
        }
        let c = self.consumer_mut(consumer);
        c.positions.retain(|tp, _| !parts.contains(tp));
        c.fetched.retain(|r| !parts.contains(&r.tp));
        let in_hand = c.received.iter().filter(|r| parts.contains(&r.tp)).count() as u32;
        if !announce && in_hand == 0 {
            return;
        }
        out.push(Event::new(
            Change::PartitionsRevoked {
                consumer,
                partitions: parts.to_vec(),
                in_hand,
            },
            Reason::Plain,
        ));
    }

    /// A cooperative member's first poll after a rebalance that took partitions from it: it gives them up.
    pub(super) fn give_up_revoked(&mut self, consumer: ClientIdx, mi: usize, out: &mut Vec<Event>) {
        let g = self.group_of(consumer);
        let parts = std::mem::take(&mut self.group_mut(g).members[mi].revoking);
        if parts.is_empty() {
            return;
        }
        self.revoke(consumer, &parts, true, out);
        self.group_mut(g).members[mi]
            .assigned
            .retain(|tp| !parts.contains(tp));
    }

    /// A member's poll during a pending rebalance: auto-commit (C4); an eager member gives up its partitions
    /// (after the revocation hook, G4), a cooperative one keeps them; then it rejoins.
    pub(super) fn rejoin(&mut self, consumer: ClientIdx, mi: usize, out: &mut Vec<Event>) {
        let g = self.group_of(consumer);
        if self.consumer_spec(consumer).config.enable_auto_commit {
            self.commit_positions(consumer, CommitCause::AutoBeforeRebalance, out);
        }
        let kept = self.cooperative(consumer);
        if !kept {
            let parts = self.group(g).members[mi].assigned.clone();
            self.revoke(consumer, &parts, false, out);
            self.group_mut(g).members[mi].assigned.clear();
            self.consumer_mut(consumer).positions.clear();
        }
        self.group_mut(g).members[mi].rejoined = true;
        out.push(Event::new(
            Change::MemberRejoined {
                group: g,
                consumer,
                kept,
            },
            Reason::Rejoin,
        ));
        self.try_complete_rebalance(g, out);
    }

    /// `close()`: the revocation hook runs (G4), then a dynamic member leaves at once; a static one stays,
    /// holding its partitions, until its session expires (G5).
    pub(super) fn leave_group(&mut self, consumer: ClientIdx, out: &mut Vec<Event>) {
        let g = self.group_of(consumer);
        let Some(mi) = self.member_index(consumer) else {
            return;
        };
        if self.consumer_spec(consumer).on_revoke == OnRevoke::Commit {
            let parts = self.group(g).members[mi].assigned.clone();
            self.commit_partitions(consumer, &parts, CommitCause::OnRevoke, out);
        }
        self.consumer_mut(consumer).joined = false;
        let left = (Reason::LeftGroup, RebalanceCause::Left(consumer));
        self.leave(consumer, mi, self.now_ms, left, out);
    }

    /// The client stops being a member: a dynamic one sends LeaveGroup, which starts a rebalance; a static
    /// one just stops heartbeating (since `since_ms`), and the coordinator keeps it until its session expires.
    fn leave(
        &mut self,
        consumer: ClientIdx,
        mi: usize,
        since_ms: u64,
        (reason, cause): (Reason, RebalanceCause),
        out: &mut Vec<Event>,
    ) {
        let g = self.group_of(consumer);
        if self.is_static(consumer) {
            return self.member_away(g, mi, since_ms, out);
        }
        self.group_mut(g).members.remove(mi);
        out.push(Event::new(
            Change::MemberRemoved { group: g, consumer },
            reason,
        ));
        self.start_rebalance(g, cause, out);
    }

    /// A static member that stopped heartbeating: the coordinator keeps it, and its partitions, until its
    /// session expires.
    fn member_away(&mut self, g: GroupIdx, mi: usize, since_ms: u64, out: &mut Vec<Event>) {
        let m = &mut self.group_mut(g).members[mi];
        m.alive = false;
        m.dead_since_ms = since_ms;
        let (consumer, expires_at_ms) = (m.consumer, m.expires_at_ms());
        out.push(Event::new(
            Change::StaticMemberAway {
                group: g,
                consumer,
                expires_at_ms,
            },
            Reason::Plain,
        ));
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

    /// G1: a member whose application has not polled for max.poll.interval.ms leaves the group — the
    /// client's heartbeat thread sends LeaveGroup; a static member just stops heartbeating (G5).
    pub(super) fn expire_poll_intervals(&mut self, out: &mut Vec<Event>) {
        for i in 0..self.consumers.len() {
            let consumer = ClientIdx(i as u16);
            let Some(mi) = self.member_index(consumer) else {
                continue;
            };
            let deadline = self
                .consumer(consumer)
                .last_poll_ms
                .saturating_add(self.consumer_spec(consumer).config.max_poll_interval_ms);
            if deadline > self.now_ms {
                continue;
            }
            let c = self.consumer_mut(consumer);
            c.joined = false;
            c.removed = true;
            let late = (
                Reason::PollIntervalExceeded,
                RebalanceCause::PollTimeout(consumer),
            );
            self.leave(consumer, mi, deadline, late, out);
        }
    }

    /// The next poll of a consumer that left for a late poll: its partitions are lost — no auto-commit, no
    /// revocation hook (the clients call `on_partitions_lost`) — and it joins again.
    pub(super) fn forget_lost_partitions(&mut self, consumer: ClientIdx, out: &mut Vec<Event>) {
        let c = self.consumer_mut(consumer);
        c.positions.clear();
        c.fetched.clear();
        out.push(Event::new(
            Change::NoRecords { consumer },
            Reason::NotAMember,
        ));
    }

    pub(super) fn consumer_commit(
        &mut self,
        consumer: ClientIdx,
        offsets: Option<&[(TopicPartition, Offset)]>,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.consumer_running(consumer)?;
        let g = self.group_of(consumer);
        if self.consumer(consumer).removed {
            // G3: the client has no generation any more; the new owner will repeat what this one did.
            out.push(Event::new(
                Change::CommitRefused { group: g, consumer },
                Reason::NotAMember,
            ));
            return Err(StepError::CommitFailed);
        }
        // Between its rejoin and the rebalance's end a member has no stable generation to commit under; the
        // clients refuse rather than send (a cooperative member still holds positions then).
        let rejoined = self.member_index(consumer).is_some_and(|mi| {
            self.group(g).rebalance_pending && self.group(g).members[mi].rejoined
        });
        let something =
            offsets.is_some_and(|o| !o.is_empty()) || !self.consumer(consumer).positions.is_empty();
        if rejoined && something {
            out.push(Event::new(
                Change::CommitRefused { group: g, consumer },
                Reason::WaitingForRebalance,
            ));
            return Err(StepError::RebalanceInProgress);
        }
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
                for &(tp, to) in list {
                    self.store_offset(consumer, tp, to, CommitCause::Explicit, out);
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
        let Some(mi) = self.member_index(consumer) else {
            return false;
        };
        let parts = self.group(self.group_of(consumer)).members[mi]
            .assigned
            .clone();
        self.commit_partitions(consumer, &parts, cause, out)
    }

    /// Commit the positions of these partitions; whether any had a position to commit.
    fn commit_partitions(
        &mut self,
        consumer: ClientIdx,
        parts: &[TopicPartition],
        cause: CommitCause,
        out: &mut Vec<Event>,
    ) -> bool {
        let mut any = false;
        for &tp in parts {
            let Some(&pos) = self.consumer(consumer).positions.get(&tp) else {
                continue;
            };
            self.store_offset(consumer, tp, pos, cause, out);
            any = true;
        }
        any
    }

    /// The group's committed offset for `tp` becomes `to`.
    fn store_offset(
        &mut self,
        consumer: ClientIdx,
        tp: TopicPartition,
        to: Offset,
        cause: CommitCause,
        out: &mut Vec<Event>,
    ) {
        let group = self.group_of(consumer);
        let from = self.group_mut(group).committed.insert(tp, to);
        // A commit the application did not ask for that changes nothing is not worth a sentence.
        if from == Some(to) && !matches!(cause, CommitCause::Positions | CommitCause::Explicit) {
            return;
        }
        out.push(Event::new(
            Change::OffsetCommitted {
                group,
                consumer,
                tp,
                from,
                to,
                cause,
            },
            Reason::Commit,
        ));
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
