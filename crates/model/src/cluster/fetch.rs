//! Poll and Fetch (C1, C5, C7, C8): what `poll()` does once the group is settled — initialise unknown
//! positions, read from the logs up to HW or LSO, hand records to the loop — and `seek`.

use super::Cluster;
use crate::config::{Flavor, IsolationLevel, OffsetReset};
use crate::consumer::Fetched;
use crate::error::StepError;
use crate::event::{Change, Event, PositionSource, Reason};
use crate::ids::{ClientIdx, GroupIdx, Offset, TopicPartition};
use crate::partition_log::{EntryKind, TxnStatus};

impl Cluster {
    /// Whether the consumer's offset fetch asks for stable offsets and so waits while its group's offsets are
    /// pending in a transaction (T5): the Java client always does, kafka-python only under read_committed.
    fn requires_stable(&self, consumer: ClientIdx) -> bool {
        self.setup.flavor == Flavor::Java
            || self.consumer_spec(consumer).config.isolation_level == IsolationLevel::ReadCommitted
    }

    pub(super) fn consumer_poll(
        &mut self,
        consumer: ClientIdx,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.consumer_running(consumer)?;
        let flavor = self.setup.flavor;
        // kafka-python's iterator calls poll() only when it has yielded its whole batch: until then it hands
        // out what it holds, and neither the group nor max.poll.interval.ms hears from it.
        let calls_poll = flavor == Flavor::Java || self.consumer(consumer).fetched.is_empty();
        if calls_poll {
            self.consumer_mut(consumer).last_poll_ms = self.now_ms;
            if self.consumer(consumer).removed {
                self.forget_lost_partitions(consumer, out);
            }
            if !self.consumer(consumer).joined {
                self.join(consumer, out)?;
            }
        }
        let g = self.group_of(consumer);
        if !calls_poll {
            self.yield_buffered(consumer, g, out);
            return Ok(());
        }
        let mi = self
            .member_index(consumer)
            .expect("a running consumer that polled is a member");
        self.give_up_revoked(consumer, mi, out);
        let pending = self.group(g).rebalance_pending;
        if pending && !self.group(g).members[mi].rejoined {
            self.rejoin(consumer, mi, out);
        }
        let group = self.group(g);
        if group.rebalance_pending && !self.cooperative(consumer) {
            // Still waiting: for a dead member's session to expire, or for live members to rejoin.
            let holder = group
                .members
                .iter()
                .find(|m| !m.alive)
                .or_else(|| group.members.iter().find(|m| !m.rejoined));
            if let Some(h) = holder {
                out.push(Event::new(
                    Change::MemberWaiting {
                        group: g,
                        consumer,
                        holder: h.consumer,
                        expires_at_ms: (!h.alive).then(|| h.expires_at_ms()),
                    },
                    Reason::WaitingForRebalance,
                ));
            }
            return Ok(());
        }
        let count = self.group(g).members[mi].assigned.len();
        if count == 0 {
            out.push(Event::new(
                Change::NoRecords { consumer },
                Reason::WaitingForAssignment,
            ));
            return Ok(());
        }
        // Positions unknown (or out of range after a seek): initialise them before fetching.
        for i in 0..count {
            let tp = self.group(g).members[mi].assigned[i];
            let known = self.consumer(consumer).positions.get(&tp).copied();
            let out_of_range = known.is_some_and(|o| o > self.log(tp).log_end());
            if known.is_none()
                && self.group(g).pending.contains_key(&tp)
                && self.requires_stable(consumer)
            {
                // T5: the committed offset is not stable yet; the consumer retries in its next poll.
                out.push(Event::new(
                    Change::WaitingForPendingOffsets { consumer, tp },
                    Reason::Plain,
                ));
                return Ok(());
            }
            if known.is_none() || out_of_range {
                if out_of_range {
                    self.consumer_mut(consumer).positions.remove(&tp);
                }
                self.init_position(consumer, tp, out_of_range, out)?;
            }
        }
        let max = self.consumer_spec(consumer).config.max_poll_records;
        match flavor {
            Flavor::KafkaPython => {
                // The iterator fetches a new batch: this is where auto-commit runs (C4).
                self.maybe_auto_commit(consumer, out);
                let fetched = self.fetch(consumer, (g, mi), max, false, out);
                if fetched > 0 {
                    out.push(Event::new(
                        Change::RecordsFetched {
                            consumer,
                            records: fetched,
                        },
                        Reason::FetchedForIterator,
                    ));
                }
                self.yield_buffered(consumer, g, out);
            }
            Flavor::Java => {
                self.maybe_auto_commit(consumer, out);
                let before = self.consumer(consumer).received.len();
                let fetched = self.fetch(consumer, (g, mi), max, true, out);
                if fetched == 0 {
                    out.push(Event::new(Change::NoRecords { consumer }, Reason::CaughtUp));
                    return Ok(());
                }
                for i in before..self.consumer(consumer).received.len() {
                    let r = self.consumer(consumer).received[i];
                    self.delivered(consumer, g, r, Reason::BatchReturned, out);
                }
            }
        }
        Ok(())
    }

    /// kafka-python's iterator yields the next record it holds.
    fn yield_buffered(&mut self, consumer: ClientIdx, g: GroupIdx, out: &mut Vec<Event>) {
        let c = self.consumer_mut(consumer);
        let Some(r) = c.fetched.pop_front() else {
            out.push(Event::new(Change::NoRecords { consumer }, Reason::CaughtUp));
            return;
        };
        // C1: position = offset + 1 just before the record is yielded.
        c.positions.insert(r.tp, Offset(r.offset.0 + 1));
        c.received.push_back(r);
        self.delivered(consumer, g, r, Reason::IteratorYield, out);
    }

    /// A record reached the application: the ledger counts it for the group.
    fn delivered(
        &mut self,
        consumer: ClientIdx,
        g: GroupIdx,
        r: Fetched,
        reason: Reason,
        out: &mut Vec<Event>,
    ) {
        self.ledger
            .record_delivered(r.value, g, !r.txn.is_committed());
        out.push(Event::new(
            Change::RecordDelivered {
                consumer,
                tp: r.tp,
                offset: r.offset,
                value: r.value,
            },
            reason,
        ));
    }

    /// Read up to `max` records from the assigned partitions starting at the positions.
    /// `to_application`: java hands the batch out at once and moves positions past it (C1);
    /// kafka-python keeps it in the iterator's buffer.
    fn fetch(
        &mut self,
        consumer: ClientIdx,
        (g, mi): (GroupIdx, usize),
        max: u32,
        to_application: bool,
        out: &mut Vec<Event>,
    ) -> u32 {
        let read_committed =
            self.consumer_spec(consumer).config.isolation_level == IsolationLevel::ReadCommitted;
        let mut taken = 0u32;
        let count = self.group(g).members[mi].assigned.len();
        for i in 0..count {
            if taken >= max {
                break;
            }
            let tp = self.group(g).members[mi].assigned[i];
            if self.log(tp).leader.is_none() {
                // An offline partition answers no fetch.
                continue;
            }
            let limit = self.fetch_limit(consumer, tp);
            let Some(&start) = self.consumer(consumer).positions.get(&tp) else {
                continue;
            };
            let log = self.log(tp);
            let mut next = start;
            // Read into a batch first: the log is borrowed from the cluster until the consumer takes it.
            let mut batch = Vec::new();
            while next < limit && taken < max {
                let Some(e) = log.entry(next) else { break };
                next = Offset(next.0 + 1);
                // C8: markers are never handed out; read_committed skips aborted records.
                if e.kind != EntryKind::Record || (read_committed && e.txn == TxnStatus::Aborted) {
                    continue;
                }
                batch.push(Fetched {
                    tp,
                    offset: e.offset,
                    value: e.value,
                    txn: e.txn,
                });
                taken += 1;
            }
            let c = self.consumer_mut(consumer);
            // C8: with nothing to hand out, both clients still move past the markers (and aborted records)
            // they read; kafka-python's iterator moves its position per record otherwise.
            let reason = if batch.is_empty() {
                Some(Reason::SkippedNonRecords)
            } else {
                to_application.then_some(Reason::BatchReturned)
            };
            if to_application {
                c.received.extend(batch);
            } else {
                c.fetched.extend(batch);
            }
            if let Some(reason) = reason.filter(|_| next != start) {
                c.positions.insert(tp, next);
                out.push(Event::new(
                    Change::PositionMoved {
                        consumer,
                        tp,
                        from: Some(start),
                        to: next,
                    },
                    reason,
                ));
            }
        }
        taken
    }

    /// The offset up to which this consumer may read: HW, or LSO under read_committed (C8).
    fn fetch_limit(&self, consumer: ClientIdx, tp: TopicPartition) -> Offset {
        let log = self.log(tp);
        match self.consumer_spec(consumer).config.isolation_level {
            IsolationLevel::ReadUncommitted => log.high_watermark,
            IsolationLevel::ReadCommitted => log.last_stable_offset(),
        }
    }

    /// Position of an assigned partition that has none: committed offset, else `auto.offset.reset` (C5).
    /// `out_of_range`: the position passed the log end (after a seek); Kafka then resets by policy.
    pub(super) fn init_position(
        &mut self,
        consumer: ClientIdx,
        tp: TopicPartition,
        out_of_range: bool,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let g = self.group_of(consumer);
        let committed = if out_of_range {
            None
        } else {
            self.group(g).committed.get(&tp).copied()
        };
        let (offset, source) = match committed {
            Some(o) if o <= self.log(tp).log_end() => (o, PositionSource::Committed),
            _ => match self.consumer_spec(consumer).config.auto_offset_reset {
                OffsetReset::Earliest => (self.log(tp).log_start(), PositionSource::ResetEarliest),
                OffsetReset::Latest => {
                    (self.fetch_limit(consumer, tp), PositionSource::ResetLatest)
                }
                OffsetReset::None => return Err(StepError::NoOffsetForPartition),
            },
        };
        self.consumer_mut(consumer).positions.insert(tp, offset);
        out.push(Event::new(
            Change::PositionInitialised {
                consumer,
                tp,
                offset,
                source,
            },
            Reason::PositionFromGroup,
        ));
        Ok(())
    }

    pub(super) fn consumer_seek(
        &mut self,
        consumer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        self.consumer_running(consumer)?;
        if !self.assignment(consumer).contains(&tp) {
            return Err(StepError::IllegalState);
        }
        let c = self.consumer_mut(consumer);
        let from = c.positions.insert(tp, offset);
        out.push(Event::new(
            Change::PositionMoved {
                consumer,
                tp,
                from,
                to: offset,
            },
            Reason::SeekMoved,
        ));
        // The loop abandons what it holds of this partition and reads again from the new position.
        let before = c.fetched.len() + c.received.len();
        c.fetched.retain(|r| r.tp != tp);
        c.received.retain(|r| r.tp != tp);
        let dropped = (before - c.fetched.len() - c.received.len()) as u32;
        if dropped > 0 {
            out.push(Event::new(
                Change::BufferDropped {
                    consumer,
                    tp,
                    records: dropped,
                },
                Reason::SeekDroppedBuffer,
            ));
        }
        Ok(())
    }
}
