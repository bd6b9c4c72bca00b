//! One parsed step on the session's real clients: the contract's ops mapped to the client's calls (librdkafka
//! or a driver's), and the faults a client cannot cause on a real cluster answered as unsupported — never
//! pretended. `process` is the application's side effect: the proxy applies it, whatever the client.

use std::time::Duration;

use kafka_model::Action;

use crate::session_clients::SessionClients;
use crate::step_outcome::{OpResult, StepOutcome};
use kafka_model::real_run::DatabaseRow;

/// The time bounds a step runs under.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub kafka_timeout: Duration,
    pub poll_wait: Duration,
    pub max_advance_ms: u64,
    pub time_scale: u64,
}

impl Limits {
    /// The real wait for the scenario's `advance` of `ms`.
    pub fn advance_wait(&self, ms: u64) -> u64 {
        (ms / self.time_scale).min(self.max_advance_ms)
    }
}

fn unsupported(why: &str) -> StepOutcome {
    StepOutcome::failed("Unsupported", vec![why.to_owned()])
}

pub fn run_action(
    s: &mut SessionClients,
    action: &Action,
    texts: &[String],
    limits: &Limits,
) -> OpResult {
    use Action::*;
    let text =
        |m: kafka_model::ids::MessageId| texts.get(m.0 as usize).cloned().unwrap_or_default();
    match action {
        ProducerSend {
            producer,
            topic,
            partition,
            key,
            value,
        } => {
            let topic = s.topic(*topic);
            let key = key.map(text);
            let now = s.now_ms;
            s.producers[producer.0 as usize].send(&topic, *partition, key.as_deref(), &text(*value), now)
        }
        ProducerSendNextOrder { .. } => Ok(unsupported(
            "the explorer's generated send is not part of the scenario format",
        )),
        ProducerFlush { producer } => s.producers[producer.0 as usize].flush(limits.kafka_timeout),
        ProducerLoseNextAck { .. } => Ok(unsupported(
            "a real broker's answers cannot be dropped from a client: lose_next_ack runs only in the model",
        )),
        ProducerLoseNextRequest { .. } => Ok(unsupported(
            "a real client's requests cannot be dropped on the wire from here: lose_next_request runs only in the model",
        )),
        ProducerCrash { producer } => Ok(s.producers[producer.0 as usize].crash()),
        ProducerRestart { producer } => Ok(s.producers[producer.0 as usize].restart()),
        ProducerInitTransactions { producer } => {
            s.producers[producer.0 as usize].init_transactions(limits.kafka_timeout)
        }
        ProducerBeginTransaction { producer } => s.producers[producer.0 as usize].begin_transaction(),
        ProducerCommitTransaction { producer } => {
            s.producers[producer.0 as usize].commit_transaction(limits.kafka_timeout)
        }
        ProducerAbortTransaction { producer } => {
            s.producers[producer.0 as usize].abort_transaction(limits.kafka_timeout)
        }
        ProducerSendOffsetsToTransaction { producer, consumer } => s.producers[producer.0 as usize]
            .send_offsets(&mut s.consumers[consumer.0 as usize], limits.kafka_timeout),
        ConsumerPoll { consumer } => s.consumers[consumer.0 as usize].poll(
            limits.poll_wait,
            limits.poll_wait,
            limits.kafka_timeout,
        ),
        ConsumerProcess {
            consumer,
            fail,
            idempotent,
        } => {
            let c = &mut s.consumers[consumer.0 as usize];
            match c.process(*fail) {
                Err(o) => Ok(o),
                Ok((r, mut outcome)) => {
                    let topic = r.topic.strip_prefix(&s.prefix).unwrap_or(&r.topic).to_owned();
                    // An idempotent application looks the message up first and skips what its group applied.
                    let seen = *idempotent
                        && s
                            .database
                            .iter()
                            .any(|row| row.group_id == c.group_id() && row.value == r.value);
                    if seen && !fail {
                        outcome.events = vec![format!(
                            "{} found {:?} already in the database for group {}: side effect skipped",
                            c.id(),
                            r.value,
                            c.group_id()
                        )];
                    } else if !fail {
                        s.database.push(DatabaseRow {
                            consumer: c.id().to_owned(),
                            group_id: c.group_id().to_owned(),
                            topic,
                            partition: r.partition.max(0) as u32,
                            offset: r.offset.max(0) as u64,
                            value: r.value,
                        });
                    }
                    Ok(outcome)
                }
            }
        }
        ConsumerCommit { consumer, offsets } => {
            let list = offsets.as_ref().map(|l| {
                l.iter()
                    .map(|(tp, o)| (s.topic(tp.topic), tp.partition as i32, o.0 as i64))
                    .collect()
            });
            s.consumers[consumer.0 as usize].commit(list)
        }
        ConsumerSeek {
            consumer,
            tp,
            offset,
        } => {
            let topic = s.topic(tp.topic);
            s.consumers[consumer.0 as usize].seek(&topic, tp.partition as i32, offset.0 as i64, limits.kafka_timeout)
        }
        ConsumerClose { consumer } => s.consumers[consumer.0 as usize].close(),
        ConsumerCrash { consumer } => Ok(s.consumers[consumer.0 as usize].crash()),
        ConsumerRestart { consumer } => Ok(s.consumers[consumer.0 as usize].restart()),
        ClockAdvance { ms } => {
            s.now_ms = s.now_ms.saturating_add(*ms);
            let slept = limits.advance_wait(*ms);
            std::thread::sleep(Duration::from_millis(slept));
            let mut events = vec![format!("waited {slept} ms of real time")];
            if limits.time_scale > 1 {
                events.push(format!(
                    "time runs {} times faster here (--time-scale), so {ms} ms of the scenario take {} ms",
                    limits.time_scale,
                    ms / limits.time_scale
                ));
            }
            if slept < *ms / limits.time_scale {
                events.push(format!(
                    "{ms} ms were asked; the proxy waits at most {} ms per step (--max-advance-ms)",
                    limits.max_advance_ms
                ));
            }
            let now = s.now_ms;
            for p in &mut s.producers {
                events.extend(p.advance_to(now)?);
            }
            Ok(StepOutcome::ok(events))
        }
        BrokerCrash { .. } | BrokerRestart { .. } => Ok(unsupported(
            "this proxy does not stop or start the cluster's brokers (it does when started with --brokers-dir beside a cluster tools/kafka/broker runs): crash_broker and restart_broker run only in the model",
        )),
        ReplicationPause
        | ReplicationResume
        | BrokerPauseReplication { .. }
        | BrokerResumeReplication { .. } => Ok(unsupported(
            "replication between real brokers cannot be paused from a client: this fault runs only in the model",
        )),
    }
}
