//! The actions that make sense in a state, like a model checker's explorer offers them.

use crate::action::Action;
use crate::cluster::Cluster;
use crate::event::{ConsumerState, ProducerState};
use crate::ids::{ClientIdx, TopicIdx};

/// Every action worth offering now. Actions that would only fail (process with nothing received, restart
/// of a running client) are left out; applying any returned action never panics.
pub fn enabled_actions(state: &Cluster) -> Vec<Action> {
    let mut out = Vec::new();
    let setup = state.setup();
    for (i, p) in state.producers().iter().enumerate() {
        let producer = ClientIdx(i as u16);
        match p.state {
            ProducerState::Error | ProducerState::Fenced => {}
            ProducerState::Crashed => out.push(Action::ProducerRestart { producer }),
            ProducerState::Ready | ProducerState::InTransaction => {
                if setup.producers[i].config.transactional_id.is_none() {
                    for t in 0..setup.topics.len() {
                        out.push(Action::ProducerSendNextOrder {
                            producer,
                            topic: TopicIdx(t as u16),
                        });
                    }
                }
                if !p.in_flight.is_empty() {
                    out.push(Action::ProducerFlush { producer });
                }
                if !p.lose_next_ack {
                    out.push(Action::ProducerLoseNextAck { producer });
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
                    });
                    out.push(Action::ConsumerProcess {
                        consumer,
                        fail: true,
                    });
                }
                if c.joined {
                    out.push(Action::ConsumerCommit {
                        consumer,
                        offsets: None,
                    });
                }
                out.push(Action::ConsumerCrash { consumer });
                out.push(Action::ConsumerClose { consumer });
            }
            ConsumerState::Crashed | ConsumerState::Closed => {
                out.push(Action::ConsumerRestart { consumer });
            }
        }
    }
    // Advancing by the intervals that matter: auto-commit interval and session timeout.
    let mut steps: Vec<u64> = Vec::new();
    for c in &setup.consumers {
        if c.config.enable_auto_commit {
            steps.push(c.config.auto_commit_interval_ms);
        }
        steps.push(c.config.session_timeout_ms);
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
