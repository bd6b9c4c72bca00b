//! A session's producer on the client the session runs: librdkafka inside the proxy, or the real client in a
//! driver process. One enum, so `run_step` stays one match over the contract's ops.

use std::time::Duration;

use kafka_model::producer::ProducerState;

use crate::consumer_client::ConsumerClient;
use crate::driver_producer::DriverProducer;
use crate::producer::RealProducer;
use crate::step_outcome::{OpResult, Stalled, StepOutcome};

pub enum ProducerClient {
    Librdkafka(RealProducer),
    Driver(DriverProducer),
}

impl ProducerClient {
    pub fn id(&self) -> &str {
        match self {
            ProducerClient::Librdkafka(p) => &p.id,
            ProducerClient::Driver(p) => p.id(),
        }
    }

    pub fn state(&self) -> ProducerState {
        match self {
            ProducerClient::Librdkafka(p) => p.state,
            ProducerClient::Driver(p) => p.state,
        }
    }

    /// The last record this instance delivered: (topic, real or scenario name; partition; offset).
    pub fn last_delivered(&self) -> Option<&(String, i32, i64)> {
        match self {
            ProducerClient::Librdkafka(p) => p.delivered.last(),
            ProducerClient::Driver(p) => p.delivered.last(),
        }
    }

    pub fn send(
        &mut self,
        topic: &str,
        partition: Option<u32>,
        key: Option<&str>,
        value: &str,
        now_ms: u64,
    ) -> OpResult {
        match self {
            ProducerClient::Librdkafka(p) => Ok(p.send(topic, partition, key, value)),
            ProducerClient::Driver(p) => p.send(topic, partition, key, value, now_ms),
        }
    }

    pub fn flush(&mut self, timeout: Duration) -> OpResult {
        match self {
            ProducerClient::Librdkafka(p) => p.flush(timeout),
            ProducerClient::Driver(p) => p.flush(),
        }
    }

    pub fn init_transactions(&mut self, timeout: Duration) -> OpResult {
        match self {
            ProducerClient::Librdkafka(p) => p.init_transactions(timeout),
            ProducerClient::Driver(p) => p.init_transactions(),
        }
    }

    pub fn begin_transaction(&mut self) -> OpResult {
        match self {
            ProducerClient::Librdkafka(p) => p.begin_transaction(),
            ProducerClient::Driver(p) => p.begin_transaction(),
        }
    }

    pub fn commit_transaction(&mut self, timeout: Duration) -> OpResult {
        match self {
            ProducerClient::Librdkafka(p) => p.commit_transaction(timeout),
            ProducerClient::Driver(p) => p.commit_transaction(),
        }
    }

    /// The scenario's clock moved to `now_ms` (librdkafka's producer holds everything until a flush).
    pub fn advance_to(&mut self, now_ms: u64) -> Result<Vec<String>, Stalled> {
        match self {
            ProducerClient::Librdkafka(_) => Ok(Vec::new()),
            ProducerClient::Driver(p) => p.advance_to(now_ms),
        }
    }

    pub fn abort_transaction(&mut self, timeout: Duration) -> OpResult {
        match self {
            ProducerClient::Librdkafka(p) => p.abort_transaction(timeout),
            ProducerClient::Driver(p) => p.abort_transaction(),
        }
    }

    /// `send_offsets_to_transaction` with `consumer`'s positions and group metadata.
    pub fn send_offsets(&mut self, consumer: &mut ConsumerClient, timeout: Duration) -> OpResult {
        match (self, consumer) {
            (ProducerClient::Librdkafka(p), ConsumerClient::Librdkafka(c)) => {
                let (offsets, meta) = match c.transaction_offsets() {
                    Ok(x) => x,
                    Err(o) => return Ok(o),
                };
                p.send_offsets(&offsets, &meta, &c.id, timeout)
            }
            (ProducerClient::Driver(p), ConsumerClient::Driver(c)) => {
                let (positions, meta) = match c.transaction_offsets() {
                    Ok(x) => x,
                    Err(out) => return out,
                };
                let name = c.id().to_owned();
                p.send_offsets(positions, meta, &name)
            }
            _ => Ok(StepOutcome::failed(
                "IllegalState",
                vec!["a session's producers and consumers run on one client".to_owned()],
            )),
        }
    }

    pub fn crash(&mut self) -> StepOutcome {
        match self {
            ProducerClient::Librdkafka(p) => p.crash(),
            ProducerClient::Driver(p) => p.crash(),
        }
    }

    pub fn restart(&mut self) -> StepOutcome {
        match self {
            ProducerClient::Librdkafka(p) => p.restart(),
            ProducerClient::Driver(p) => p.restart(),
        }
    }

    pub fn shutdown(&mut self) {
        match self {
            ProducerClient::Librdkafka(p) => p.shutdown(),
            ProducerClient::Driver(p) => p.shutdown(),
        }
    }
}
