//! Durability (D1–D4): brokers, replicas, the ISR, leader election, truncation, and what an acks=all
//! request waits for.

use super::Cluster;
use crate::error::StepError;
use crate::event::{Change, Event, Reason};
use crate::ids::{ClientIdx, Offset, TopicIdx, TopicPartition};
use crate::partition_log::LogEntry;

impl Cluster {
    fn all_partitions(&self) -> Vec<TopicPartition> {
        self.logs
            .iter()
            .enumerate()
            .flat_map(|(t, parts)| {
                (0..parts.len()).map(move |p| TopicPartition::new(TopicIdx(t as u16), p as u32))
            })
            .collect()
    }

    /// Keep the ISR in assignment order.
    fn isr_add(&mut self, tp: TopicPartition, broker: u16, out: &mut Vec<Event>) {
        let log = self.log_mut(tp);
        if log.isr.contains(&broker) {
            return;
        }
        let mut isr: Vec<u16> = log
            .replicas
            .iter()
            .map(|r| r.broker)
            .filter(|b| *b == broker || log.isr.contains(b))
            .collect();
        std::mem::swap(&mut log.isr, &mut isr);
        log.recompute_high_watermark();
        out.push(Event::new(
            Change::IsrChanged {
                tp,
                broker,
                joined: true,
            },
            Reason::CaughtUpWithLeader,
        ));
    }

    pub(super) fn broker_crash(
        &mut self,
        broker: u16,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        if !self.broker_alive(broker) {
            return Err(StepError::IllegalState);
        }
        self.brokers_alive[broker as usize] = false;
        out.push(Event::new(
            Change::BrokerStateChanged {
                broker,
                alive: false,
            },
            Reason::BrokerDown,
        ));
        for tp in self.all_partitions() {
            let log = self.log_mut(tp);
            let Some(r) = log.replica_mut(broker) else {
                continue;
            };
            r.alive = false;
            // The controller drops a dead broker from the ISR at once; the last member stays (Kafka keeps
            // it so that it can lead again when it returns).
            if log.isr.contains(&broker) && log.isr.len() > 1 {
                log.isr.retain(|b| *b != broker);
                log.recompute_high_watermark();
                out.push(Event::new(
                    Change::IsrChanged {
                        tp,
                        broker,
                        joined: false,
                    },
                    Reason::BrokerDown,
                ));
            }
            if self.log(tp).leader == Some(broker) {
                self.elect_leader(tp, out);
            }
        }
        Ok(())
    }

    /// D3/D4: the first live in-sync replica leads; without one, an out-of-sync replica only if
    /// `unclean.leader.election.enable`. The log becomes the new leader's: entries past its end are gone.
    fn elect_leader(&mut self, tp: TopicPartition, out: &mut Vec<Event>) {
        let unclean_allowed = self.topic_spec(tp.topic).unclean_leader_election;
        let now = self.now_ms;
        let log = self.log_mut(tp);
        let from = log.leader;
        let clean = log
            .replicas
            .iter()
            .find(|r| r.alive && log.isr.contains(&r.broker))
            .map(|r| r.broker);
        let (to, unclean) = match clean {
            Some(b) => (Some(b), false),
            None if unclean_allowed => (
                log.replicas.iter().find(|r| r.alive).map(|r| r.broker),
                true,
            ),
            None => (None, false),
        };
        log.leader = to;
        let Some(leader) = to else {
            out.push(Event::new(
                Change::LeaderChanged {
                    tp,
                    from,
                    to: None,
                    unclean: false,
                },
                Reason::Election,
            ));
            return;
        };
        if unclean {
            log.isr = vec![leader];
        }
        let new_end = log.replica(leader).map_or(Offset(0), |r| r.log_end);
        let mut removed = Vec::new();
        if new_end < log.log_end() {
            removed = log.truncate(new_end);
            // A crashed replica keeps what it held beyond the new leader's log until it returns (KIP-101): the
            // entries just dropped that it had copied, then any it held from an earlier divergence.
            for r in &mut log.replicas {
                if !r.alive && r.log_end > new_end {
                    let held_until = r.diverged_at.map_or(r.log_end, |d| d.min(r.log_end));
                    let copied = held_until.0.saturating_sub(new_end.0) as usize;
                    let mut diverged: Vec<LogEntry> =
                        removed.iter().take(copied).cloned().collect();
                    diverged.append(&mut r.diverged);
                    r.diverged = diverged;
                    r.diverged_at = Some(r.diverged_at.map_or(new_end, |d| d.min(new_end)));
                }
            }
        }
        log.replicate(now);
        // Live followers that copy the new leader (after an unclean election, everyone but the leader was
        // dropped from the ISR) are in sync again.
        let rejoin: Vec<u16> = log
            .replicas
            .iter()
            .filter(|r| {
                r.alive && r.fetching && r.diverged_at.is_none() && !log.isr.contains(&r.broker)
            })
            .map(|r| r.broker)
            .collect();
        out.push(Event::new(
            Change::LeaderChanged {
                tp,
                from,
                to: Some(leader),
                unclean,
            },
            Reason::Election,
        ));
        for b in rejoin {
            self.isr_add(tp, b, out);
        }
        if !removed.is_empty() {
            out.push(Event::new(
                Change::LogTruncated {
                    tp,
                    broker: None,
                    to: new_end,
                    removed: removed.len() as u32,
                    entries: removed,
                },
                Reason::Election,
            ));
        }
    }

    pub(super) fn broker_restart(
        &mut self,
        broker: u16,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        if self.broker_alive(broker) {
            return Err(StepError::IllegalState);
        }
        self.brokers_alive[broker as usize] = true;
        out.push(Event::new(
            Change::BrokerStateChanged {
                broker,
                alive: true,
            },
            Reason::CaughtUpWithLeader,
        ));
        let paused = self.replication_paused(broker);
        let now = self.now_ms;
        for tp in self.all_partitions() {
            let unclean_allowed = self.topic_spec(tp.topic).unclean_leader_election;
            let log = self.log_mut(tp);
            let Some(r) = log.replica_mut(broker) else {
                continue;
            };
            r.alive = true;
            if log.leader.is_none() {
                if log.isr.contains(&broker) || unclean_allowed {
                    self.elect_leader(tp, out);
                }
                continue;
            }
            // KIP-101: truncate to where the current leader's history diverged, then catch up.
            let r = log.replica_mut(broker).expect("replica exists");
            if let Some(d) = r.diverged_at.take() {
                let removed = r.log_end.0.saturating_sub(d.0) as u32;
                r.log_end = r.log_end.min(d);
                out.push(Event::new(
                    Change::LogTruncated {
                        tp,
                        broker: Some(broker),
                        to: d,
                        removed,
                        entries: std::mem::take(&mut r.diverged),
                    },
                    Reason::CaughtUpWithLeader,
                ));
            }
            let end = log.log_end();
            let r = log.replica_mut(broker).expect("replica exists");
            if r.log_end > end {
                r.log_end = end;
            }
            if !paused {
                r.log_end = end;
                r.lagging_since_ms = None;
                self.isr_add(tp, broker, out);
            } else if r.log_end < end {
                r.lagging_since_ms = Some(now);
            }
        }
        Ok(())
    }

    /// `pause_replication` / `resume_replication`, for one broker's followers or all.
    pub(super) fn set_replication(
        &mut self,
        broker: Option<u16>,
        paused: bool,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let brokers: Vec<u16> = match broker {
            Some(b) => vec![b],
            None => (0..self.broker_count()).collect(),
        };
        for &b in &brokers {
            self.brokers_paused[b as usize] = paused;
        }
        out.push(Event::new(
            Change::ReplicationToggled { broker, paused },
            Reason::Plain,
        ));
        for tp in self.all_partitions() {
            for &b in &brokers {
                let log = self.log_mut(tp);
                let end = log.log_end();
                let leader = log.leader;
                let Some(r) = log.replica_mut(b) else {
                    continue;
                };
                r.fetching = !paused;
                if !paused && r.alive && leader.is_some() && Some(b) != leader {
                    r.log_end = end;
                    r.lagging_since_ms = None;
                    self.isr_add(tp, b, out);
                    self.log_mut(tp).recompute_high_watermark();
                }
            }
        }
        Ok(())
    }

    /// D1: a follower behind the leader for longer than `replica.lag.time.max.ms` leaves the ISR.
    pub(super) fn shrink_lagging_isr(&mut self, out: &mut Vec<Event>) {
        let lag = self.setup.replica_lag_time_max_ms;
        let now = self.now_ms;
        for tp in self.all_partitions() {
            let log = self.log_mut(tp);
            let leader = log.leader;
            let lagging: Vec<u16> = log
                .replicas
                .iter()
                .filter(|r| {
                    Some(r.broker) != leader
                        && log.isr.contains(&r.broker)
                        && r.lagging_since_ms
                            .is_some_and(|t| t.saturating_add(lag) <= now)
                })
                .map(|r| r.broker)
                .collect();
            if lagging.is_empty() {
                continue;
            }
            log.isr.retain(|b| !lagging.contains(b));
            log.recompute_high_watermark();
            for broker in lagging {
                out.push(Event::new(
                    Change::IsrChanged {
                        tp,
                        broker,
                        joined: false,
                    },
                    Reason::ReplicaLagging,
                ));
            }
        }
    }

    /// D2: `min.insync.replicas` above the replication factor counts as the replication factor (Kafka 4.4
    /// accepts acks=all writes to a one-replica topic with min.insync.replicas=2).
    pub(super) fn effective_min_isr(&self, tp: TopicPartition) -> u32 {
        let topic = self.topic_spec(tp.topic);
        topic.min_insync_replicas.min(topic.replication_factor)
    }

    /// An acks=all request waits until the HW passes its offset. The logical clock moves on while it waits:
    /// to the moment a lagging follower leaves the ISR (then the HW can pass), or to `delivery.timeout.ms`
    /// (`RequestTimedOut`). If the ISR shrank below `min.insync.replicas` meanwhile: `NotEnoughReplicas`
    /// (the record stays in the log, as with Kafka's NOT_ENOUGH_REPLICAS_AFTER_APPEND).
    pub(super) fn await_in_sync(
        &mut self,
        producer: ClientIdx,
        tp: TopicPartition,
        offset: Offset,
        out: &mut Vec<Event>,
    ) -> Result<(), StepError> {
        let timeout = self.producer_spec(producer).config.delivery_timeout_ms;
        let min_isr = self.effective_min_isr(tp);
        let lag = self.setup.replica_lag_time_max_ms;
        let deadline = self.now_ms.saturating_add(timeout);
        for _ in 0..16 {
            let log = self.log(tp);
            if log.leader.is_none() {
                return Err(StepError::LeaderNotAvailable);
            }
            if log.high_watermark > offset {
                if (log.isr.len() as u32) < min_isr {
                    return Err(StepError::NotEnoughReplicas);
                }
                return Ok(());
            }
            let leader = log.leader;
            let next_shrink = log
                .replicas
                .iter()
                .filter(|r| Some(r.broker) != leader && log.isr.contains(&r.broker))
                .filter_map(|r| r.lagging_since_ms.map(|t| t.saturating_add(lag)))
                .min();
            match next_shrink {
                Some(t) if t <= deadline => {
                    let ms = t.saturating_sub(self.now_ms);
                    self.clock_advance(ms, out);
                }
                _ => break,
            }
        }
        let ms = deadline.saturating_sub(self.now_ms);
        self.clock_advance(ms, out);
        Err(StepError::RequestTimedOut)
    }
}
