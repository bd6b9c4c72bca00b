//! The actions that make sense in a state, like a model checker's explorer offers them.

use crate::action::Action;
use crate::cluster::Cluster;
use crate::consumer::ConsumerState;
use crate::ids::{ClientIdx, TopicIdx};
use crate::producer::ProducerState;

/// Every action worth offering now. Actions that would only fail (process with nothing received, restart
/// of a running client) are left out; applying any returned action never panics.
pub fn enabled_actions(state: &Cluster) -> Vec<Action> {
    let mut out = Vec::new();
    let setup = state.setup();
    for (i, p) in state.producers().iter().enumerate() {
        let producer = ClientIdx(i as u16);
        let config = &setup.producers[i].config;
        let transactional = config.transactional_id.is_some();
        match p.state {
            ProducerState::Error => {}
            // A fenced instance can only die; a new one may then start. One bumping its epoch waits for the
            // coordinator's answer, which comes with time.
            ProducerState::Fenced | ProducerState::BumpingEpoch => {
                out.push(Action::ProducerCrash { producer })
            }
            ProducerState::Crashed => out.push(Action::ProducerRestart { producer }),
            ProducerState::Ready | ProducerState::InTransaction => {
                let in_txn = p.state == ProducerState::InTransaction;
                if transactional && !p.transactions_initialised {
                    out.push(Action::ProducerInitTransactions { producer });
                } else if transactional && !in_txn {
                    out.push(Action::ProducerBeginTransaction { producer });
                }
                if !transactional || in_txn {
                    for t in 0..setup.topics.len() {
                        out.push(Action::ProducerSendNextOrder {
                            producer,
                            topic: TopicIdx(t as u16),
                        });
                    }
                }
                // A record a loop failed on, handed on to another topic: a dead-letter topic (G6).
                if !transactional {
                    for (j, c) in state.consumers().iter().enumerate() {
                        let Some(value) = c.failed.filter(|_| c.state == ConsumerState::Running)
                        else {
                            continue;
                        };
                        let subscribed = &setup.consumers[j].subscribe;
                        for t in (0..setup.topics.len()).map(|t| TopicIdx(t as u16)) {
                            if !subscribed.contains(&t) {
                                out.push(Action::ProducerSend {
                                    producer,
                                    topic: t,
                                    partition: None,
                                    key: None,
                                    value,
                                });
                            }
                        }
                    }
                }
                if in_txn {
                    for (j, c) in state.consumers().iter().enumerate() {
                        if c.state == ConsumerState::Running && c.joined {
                            out.push(Action::ProducerSendOffsetsToTransaction {
                                producer,
                                consumer: ClientIdx(j as u16),
                            });
                        }
                    }
                    out.push(Action::ProducerCommitTransaction { producer });
                    out.push(Action::ProducerAbortTransaction { producer });
                }
                if !p.in_flight.is_empty() {
                    out.push(Action::ProducerFlush { producer });
                }
                if !p.lose_next_ack {
                    out.push(Action::ProducerLoseNextAck { producer });
                }
                if (config.idempotence || transactional)
                    && config.pipelined > 1
                    && !p.lose_next_request
                {
                    out.push(Action::ProducerLoseNextRequest { producer });
                }
                out.push(Action::ProducerCrash { producer });
            }
        }
    }
    for (i, c) in state.consumers().iter().enumerate() {
        let consumer = ClientIdx(i as u16);
        match c.state {
            ConsumerState::Running => {
                out.push(Action::ConsumerPoll { consumer });
                if !c.received.is_empty() {
                    out.push(Action::ConsumerProcess {
                        consumer,
                        fail: false,
                        idempotent: false,
                    });
                    out.push(Action::ConsumerProcess {
                        consumer,
                        fail: true,
                        idempotent: false,
                    });
                }
                // A member removed for a late poll may still try, and learn it is too late (G3).
                if c.joined || c.removed {
                    out.push(Action::ConsumerCommit {
                        consumer,
                        offsets: None,
                    });
                }
                // Seek back to the group's committed offset: how a loop re-reads what it gave up on, a
                // failed record or the input of an aborted transaction (C7).
                let committed = &state.group(state.group_of(consumer)).committed;
                for tp in state.assignment(consumer) {
                    if let (Some(&offset), Some(&position)) =
                        (committed.get(tp), c.positions.get(tp))
                    {
                        if offset != position {
                            out.push(Action::ConsumerSeek {
                                consumer,
                                tp: *tp,
                                offset,
                            });
                        }
                    }
                }
                out.push(Action::ConsumerCrash { consumer });
                out.push(Action::ConsumerClose { consumer });
            }
            ConsumerState::Crashed | ConsumerState::Closed => {
                out.push(Action::ConsumerRestart { consumer });
            }
        }
    }
    // Brokers (only with replication: crashing the only broker teaches little).
    let brokers = state.broker_count();
    if brokers > 1 {
        for b in 0..brokers {
            out.push(if state.broker_alive(b) {
                Action::BrokerCrash { broker: b }
            } else {
                Action::BrokerRestart { broker: b }
            });
        }
        if (0..brokers).any(|b| !state.replication_paused(b)) {
            out.push(Action::ReplicationPause);
        }
        if (0..brokers).any(|b| state.replication_paused(b)) {
            out.push(Action::ReplicationResume);
        }
    }
    // Advancing by the intervals that matter: auto-commit interval, session timeout, max.poll.interval.ms,
    // the transaction timeout plus one scan interval (T9), and replica.lag.time.max.ms (D1).
    let mut steps: Vec<u64> = Vec::new();
    for p in &setup.producers {
        if p.config.transactional_id.is_some() {
            steps.push(
                p.config
                    .transaction_timeout_ms
                    .saturating_add(setup.txn_cleanup_interval_ms),
            );
        }
    }
    if brokers > 1 {
        steps.push(setup.replica_lag_time_max_ms);
    }
    for c in &setup.consumers {
        if c.config.enable_auto_commit {
            steps.push(c.config.auto_commit_interval_ms);
        }
        steps.push(c.config.session_timeout_ms);
        // A late poll (G1), where it matters: a group of several, or a setting of its own.
        let shared = setup
            .consumers
            .iter()
            .filter(|o| o.group == c.group)
            .count()
            > 1;
        if shared
            || c.properties
                .contains_key(crate::config::key::MAX_POLL_INTERVAL_MS)
        {
            steps.push(c.config.max_poll_interval_ms);
            // Half of it too: time that passes between two polls without costing the membership.
            steps.push(c.config.max_poll_interval_ms / 2);
        }
    }
    steps.sort_unstable();
    steps.dedup();
    for ms in steps {
        if ms > 0 {
            out.push(Action::ClockAdvance { ms });
        }
    }
    out
}
