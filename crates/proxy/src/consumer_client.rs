//! A session's consumer on the client the session runs: librdkafka inside the proxy, or the real client in a
//! driver process. One enum, so `run_step` stays one match over the contract's ops.

use std::time::Duration;

use kafka_model::consumer::ConsumerState;

use crate::consumer::{RealConsumer, Received};
use crate::driver_consumer::{DriverConsumer, Position};
use crate::step_outcome::{OpResult, StepOutcome};

pub enum ConsumerClient {
    Librdkafka(RealConsumer),
    Driver(DriverConsumer),
}

impl ConsumerClient {
    pub fn id(&self) -> &str {
        match self {
            ConsumerClient::Librdkafka(c) => &c.id,
            ConsumerClient::Driver(c) => c.id(),
        }
    }

    /// The scenario's group id.
    pub fn group_id(&self) -> &str {
        match self {
            ConsumerClient::Librdkafka(c) => &c.group_id,
            ConsumerClient::Driver(c) => &c.group_id,
        }
    }

    pub fn state(&self) -> ConsumerState {
        match self {
            ConsumerClient::Librdkafka(c) => c.state,
            ConsumerClient::Driver(c) => c.state,
        }
    }

    /// `wait` for a first record, `join_wait` more while the consumer has no partitions yet; `timeout` bounds
    /// the call beyond those waits.
    pub fn poll(&mut self, wait: Duration, join_wait: Duration, timeout: Duration) -> OpResult {
        match self {
            ConsumerClient::Librdkafka(c) => c.poll(wait, join_wait),
            ConsumerClient::Driver(c) => c.poll(wait, join_wait, timeout),
        }
    }

    pub fn process(&mut self, fail: bool) -> Result<(Received, StepOutcome), StepOutcome> {
        match self {
            ConsumerClient::Librdkafka(c) => c.process(fail),
            ConsumerClient::Driver(c) => c.process(fail),
        }
    }

    /// `offsets: None` commits the positions (C3); otherwise (real topic, partition, offset).
    pub fn commit(&mut self, offsets: Option<Vec<(String, i32, i64)>>) -> OpResult {
        match self {
            ConsumerClient::Librdkafka(c) => c.commit(offsets),
            ConsumerClient::Driver(c) => c.commit(offsets),
        }
    }

    pub fn seek(
        &mut self,
        topic: &str,
        partition: i32,
        offset: i64,
        timeout: Duration,
    ) -> OpResult {
        match self {
            ConsumerClient::Librdkafka(c) => c.seek(topic, partition, offset, timeout),
            ConsumerClient::Driver(c) => c.seek(topic, partition, offset),
        }
    }

    /// Every assigned partition with the position the client holds, if it holds one (blocking: asks the
    /// client). Topics may carry the session prefix.
    pub fn positions(&mut self) -> Vec<Position> {
        match self {
            ConsumerClient::Librdkafka(c) => {
                let mut all: Vec<Position> = c
                    .positions()
                    .into_iter()
                    .map(|(t, p, o)| (t, p, Some(o)))
                    .collect();
                all.extend(c.unpositioned().into_iter().map(|(t, p)| (t, p, None)));
                all
            }
            ConsumerClient::Driver(c) => c.positions(),
        }
    }

    pub fn close(&mut self) -> OpResult {
        match self {
            ConsumerClient::Librdkafka(c) => Ok(c.close()),
            ConsumerClient::Driver(c) => c.close(),
        }
    }

    pub fn crash(&mut self) -> StepOutcome {
        match self {
            ConsumerClient::Librdkafka(c) => c.crash(),
            ConsumerClient::Driver(c) => c.crash(),
        }
    }

    pub fn restart(&mut self) -> StepOutcome {
        match self {
            ConsumerClient::Librdkafka(c) => c.restart(),
            ConsumerClient::Driver(c) => c.restart(),
        }
    }

    pub fn shutdown(&mut self) {
        match self {
            ConsumerClient::Librdkafka(c) => c.shutdown(),
            ConsumerClient::Driver(c) => c.shutdown(),
        }
    }
}
