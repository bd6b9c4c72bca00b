//! A scenario producer as a real librdkafka producer. Guarantee: what `flush` reports is what the broker
//! answered — every delivery report is turned into an event, every failure into the contract's error name.
//! `send` only hands the record over: the linger is as long as librdkafka allows, so it stays in the
//! producer until `flush` (or a transaction's commit) sends it.

use std::sync::Mutex;
use std::time::Duration;

use kafka_model::producer::ProducerState;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Message;
use rdkafka::producer::{
    BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext, PurgeConfig,
};
use rdkafka::{ClientConfig, ClientContext, TopicPartitionList};

use crate::error_name::{code_name, error_code, error_name};
use crate::step_outcome::{at, OpResult, Stalled, StepOutcome};

/// One delivery report, as librdkafka gave it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub topic: String,
    pub partition: i32,
    pub offset: Option<i64>,
    pub error: Option<String>,
}

/// Collects delivery reports; `flush` serves them on the calling thread.
#[derive(Default)]
pub struct DeliveryLog(Mutex<Vec<Delivery>>);

impl DeliveryLog {
    fn take(&self) -> Vec<Delivery> {
        match self.0.lock() {
            Ok(mut l) => std::mem::take(&mut *l),
            Err(p) => std::mem::take(&mut *p.into_inner()),
        }
    }
}

impl ClientContext for DeliveryLog {}

impl ProducerContext for DeliveryLog {
    type DeliveryOpaque = ();

    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        let d = match result {
            Ok(m) => Delivery {
                topic: m.topic().to_owned(),
                partition: m.partition(),
                offset: Some(m.offset()),
                error: None,
            },
            Err((e, m)) => Delivery {
                topic: m.topic().to_owned(),
                partition: m.partition(),
                offset: None,
                error: Some(error_name(e)),
            },
        };
        match self.0.lock() {
            Ok(mut l) => l.push(d),
            Err(p) => p.into_inner().push(d),
        }
    }
}

pub struct RealProducer {
    pub id: String,
    pub transactional_id: Option<String>,
    config: ClientConfig,
    client: Option<BaseProducer<DeliveryLog>>,
    pub state: ProducerState,
    /// Why librdkafka refused to create it (a configuration conflict), if it did.
    creation_error: Option<String>,
    prefix: String,
    /// Records this instance delivered (full topic, partition, offset): its producer id is on them in the log.
    pub delivered: Vec<(String, i32, i64)>,
}

impl RealProducer {
    pub fn new(
        id: &str,
        transactional_id: Option<String>,
        config: ClientConfig,
        prefix: &str,
    ) -> Self {
        let mut p = RealProducer {
            id: id.to_owned(),
            transactional_id,
            config,
            client: None,
            state: ProducerState::Ready,
            creation_error: None,
            prefix: prefix.to_owned(),
            delivered: Vec::new(),
        };
        p.start();
        p
    }

    fn start(&mut self) {
        match self.config.create_with_context(DeliveryLog::default()) {
            Ok(c) => {
                self.client = Some(c);
                self.state = ProducerState::Ready;
                self.creation_error = None;
            }
            Err(e) => {
                self.client = None;
                self.state = ProducerState::Error;
                self.creation_error = Some(e.to_string());
            }
        }
    }

    fn local<'a>(&self, topic: &'a str) -> &'a str {
        topic.strip_prefix(&self.prefix).unwrap_or(topic)
    }

    /// The live client, or the outcome that explains why there is none.
    fn client(&self) -> Result<&BaseProducer<DeliveryLog>, StepOutcome> {
        match (&self.client, &self.creation_error) {
            (Some(c), _) => Ok(c),
            (None, Some(why)) => Err(StepOutcome::failed(
                "ConfigException",
                vec![format!(
                    "librdkafka refused {}'s configuration: {why}",
                    self.id
                )],
            )),
            (None, None) => Err(StepOutcome::failed(
                "IllegalState",
                vec![format!("{} has crashed; restart it first", self.id)],
            )),
        }
    }

    /// Notes a fatal or fencing error in the producer's state and names it.
    fn failure(&mut self, e: &KafkaError) -> String {
        let mut name = error_name(e);
        if let Some(c) = &self.client {
            if let Some((code, _)) = c.client().fatal_error() {
                name = code_name(code);
                self.state = if name == "ProducerFenced" {
                    ProducerState::Fenced
                } else {
                    ProducerState::Error
                };
            }
        }
        if name == "ProducerFenced" {
            self.state = ProducerState::Fenced;
        }
        name
    }

    pub fn send(
        &mut self,
        topic: &str,
        partition: Option<u32>,
        key: Option<&str>,
        value: &str,
    ) -> StepOutcome {
        let client = match self.client() {
            Ok(c) => c,
            Err(o) => return o,
        };
        let mut record: BaseRecord<'_, str, str> = BaseRecord::to(topic).payload(value);
        if let Some(k) = key {
            record = record.key(k);
        }
        if let Some(p) = partition {
            record = record.partition(p as i32);
        }
        match client.send(record) {
            Ok(()) => {
                let local = self.local(topic).to_owned();
                StepOutcome::ok(vec![format!(
                    "{} accepted {value:?} for {local}; it waits in the producer until flush",
                    self.id
                )])
            }
            Err((e, _)) => {
                let name = self.failure(&e);
                StepOutcome::failed(&name, vec![format!("{} refused the send: {e}", self.id)])
            }
        }
    }

    pub fn flush(&mut self, timeout: Duration) -> OpResult {
        let client = match self.client() {
            Ok(c) => c,
            Err(o) => return Ok(o),
        };
        let flushed = flush_now(client, timeout);
        let left = client.in_flight_count();
        let deliveries = client.context().take();
        let mut events = Vec::new();
        let mut error = None;
        for d in &deliveries {
            let topic = self.local(&d.topic).to_owned();
            match (&d.error, d.offset) {
                (None, Some(o)) => {
                    events.push(format!("delivered {}", at(&topic, d.partition, o)));
                    self.delivered.push((d.topic.clone(), d.partition, o));
                }
                (Some(e), _) => {
                    events.push(format!("delivery to {topic}[{}] failed: {e}", d.partition));
                    error.get_or_insert_with(|| e.clone());
                }
                (None, None) => events.push(format!(
                    "sent to {topic}[{}] without an answer (acks=0)",
                    d.partition
                )),
            }
        }
        match flushed {
            Ok(()) => {}
            Err(e) if error_code(&e) == Some(RDKafkaErrorCode::OperationTimedOut) => {
                return Err(Stalled(format!(
                    "flush of {} did not finish within {} ms: {left} record(s) still in the producer",
                    self.id,
                    timeout.as_millis()
                )))
            }
            Err(e) => {
                let name = self.failure(&e);
                events.push(format!("flush failed: {e}"));
                error.get_or_insert(name);
            }
        }
        if error.is_some() {
            if let Some(c) = &self.client {
                if let Some((code, why)) = c.client().fatal_error() {
                    events.push(format!("{} hit a fatal error: {why}", self.id));
                    self.state = if code_name(code) == "ProducerFenced" {
                        ProducerState::Fenced
                    } else {
                        ProducerState::Error
                    };
                }
            }
        }
        if deliveries.is_empty() && error.is_none() {
            events.push(format!("{} had nothing to send", self.id));
        }
        Ok(StepOutcome { error, events })
    }

    /// The outcome of a transactional API call; a timeout is a stall.
    fn txn_result(
        &mut self,
        what: &str,
        r: Result<(), KafkaError>,
        next: ProducerState,
    ) -> OpResult {
        match r {
            Ok(()) => {
                self.state = next;
                Ok(StepOutcome::ok(vec![format!("{} {what}", self.id)]))
            }
            Err(KafkaError::Transaction(t)) if t.code() == RDKafkaErrorCode::OperationTimedOut => {
                Err(Stalled(format!(
                    "{} could not {what}: no answer in time ({t})",
                    self.id
                )))
            }
            Err(e) => {
                let name = self.failure(&e);
                let mut events = vec![format!("{}: {what} failed: {e}", self.id)];
                if let KafkaError::Transaction(t) = &e {
                    if t.txn_requires_abort() {
                        events.push("the transaction must be aborted".to_owned());
                    }
                }
                Ok(StepOutcome::failed(name, events))
            }
        }
    }

    pub fn init_transactions(&mut self, timeout: Duration) -> OpResult {
        let r = match self.client() {
            Ok(c) => c.init_transactions(timeout),
            Err(o) => return Ok(o),
        };
        self.txn_result(
            "initialised transactions (the coordinator bumped the epoch of its transactional.id, fencing older instances)",
            r,
            ProducerState::Ready,
        )
    }

    pub fn begin_transaction(&mut self) -> OpResult {
        let r = match self.client() {
            Ok(c) => c.begin_transaction(),
            Err(o) => return Ok(o),
        };
        self.txn_result("began a transaction", r, ProducerState::InTransaction)
    }

    pub fn commit_transaction(&mut self, timeout: Duration) -> OpResult {
        let r = match self.client() {
            // Send what the producer holds first, under one held flush: librdkafka's commit flushes too, but
            // now and then its long linger outlasted the commit's timeout.
            Ok(c) => match flush_now(c, timeout) {
                Ok(()) => serving_reports(c, || c.commit_transaction(timeout)),
                Err(e) => Err(e),
            },
            Err(o) => return Ok(o),
        };
        let mut out = self.txn_result("committed its transaction", r, ProducerState::Ready)?;
        out.events.extend(self.delivery_events());
        Ok(out)
    }

    pub fn abort_transaction(&mut self, timeout: Duration) -> OpResult {
        let r = match self.client() {
            Ok(c) => serving_reports(c, || c.abort_transaction(timeout)),
            Err(o) => return Ok(o),
        };
        let mut out = self.txn_result("aborted its transaction", r, ProducerState::Ready)?;
        out.events.extend(self.delivery_events());
        Ok(out)
    }

    /// Reports of records that a commit or abort sent (or purged).
    fn delivery_events(&mut self) -> Vec<String> {
        let Some(c) = &self.client else {
            return Vec::new();
        };
        let mut events = Vec::new();
        for d in c.context().take() {
            let topic = self.local(&d.topic).to_owned();
            match (&d.error, d.offset) {
                (None, Some(o)) => {
                    events.push(format!("delivered {}", at(&topic, d.partition, o)));
                    self.delivered.push((d.topic.clone(), d.partition, o));
                }
                (Some(e), _) => events.push(format!(
                    "record for {topic}[{}] not delivered: {e}",
                    d.partition
                )),
                (None, None) => {}
            }
        }
        events
    }

    pub fn send_offsets(
        &mut self,
        offsets: &TopicPartitionList,
        group: &rdkafka::consumer::ConsumerGroupMetadata,
        consumer: &str,
        timeout: Duration,
    ) -> OpResult {
        let r = match self.client() {
            Ok(c) => serving_reports(c, || c.send_offsets_to_transaction(offsets, group, timeout)),
            Err(o) => return Ok(o),
        };
        let list: Vec<String> = offsets
            .elements()
            .iter()
            .map(|e| {
                format!(
                    "{}[{}]→{}",
                    self.local(e.topic()),
                    e.partition(),
                    e.offset().to_raw().unwrap_or(-1)
                )
            })
            .collect();
        let state = self.state;
        self.txn_result(
            &format!(
                "sent {consumer}'s positions to the transaction as pending offsets ({})",
                list.join(", ")
            ),
            r,
            state,
        )
    }

    /// The process dies: nothing in flight survives, nothing is flushed, no transaction is ended.
    pub fn crash(&mut self) -> StepOutcome {
        let Some(c) = self.client.take() else {
            return StepOutcome::failed(
                "IllegalState",
                vec![format!("{} is not running", self.id)],
            );
        };
        let left = c.in_flight_count();
        c.purge(PurgeConfig::default().queue().inflight());
        drop(c);
        self.state = ProducerState::Crashed;
        StepOutcome::ok(vec![format!(
            "{} crashed; {left} record(s) still in it were lost",
            self.id
        )])
    }

    /// A new instance with the same configuration (a new producer id unless transactional).
    pub fn restart(&mut self) -> StepOutcome {
        if let Some(c) = self.client.take() {
            c.purge(PurgeConfig::default().queue().inflight());
        }
        self.delivered.clear();
        self.start();
        match &self.creation_error {
            None => StepOutcome::ok(vec![format!("{} restarted as a new instance", self.id)]),
            Some(why) => StepOutcome::failed(
                "ConfigException",
                vec![format!("{} could not restart: {why}", self.id)],
            ),
        }
    }

    /// Closes the client for good (the session ends): in-flight records are dropped.
    pub fn shutdown(&mut self) {
        if let Some(c) = self.client.take() {
            c.purge(PurgeConfig::default().queue().inflight());
        }
    }
}

/// The native handle, sent to the helper thread of `flush_now`; librdkafka's handle is thread-safe.
struct Handle(*mut rdkafka::bindings::rd_kafka_t);

// SAFETY: librdkafka's API may be called on one handle from any thread; the scope in `flush_now` ends
// before the producer that owns the handle can be dropped.
unsafe impl Send for Handle {}

/// Runs a blocking librdkafka call on a helper thread while this thread serves the delivery reports it may
/// wait for: flush, commit and abort all wait until every record's report has been taken off the queue.
fn serving_reports<R: Send>(
    client: &BaseProducer<DeliveryLog>,
    op: impl FnOnce() -> R + Send,
) -> R {
    std::thread::scope(|scope| {
        let helper = scope.spawn(op);
        while !helper.is_finished() {
            client.poll(Duration::from_millis(1));
        }
        client.poll(Duration::ZERO);
        match helper.join() {
            Ok(r) => r,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Sends everything the producer holds now, ignoring linger.ms, and serves the delivery reports.
///
/// librdkafka sends at once only while an `rd_kafka_flush` call is running; rust-rdkafka's `flush` calls it
/// with timeout 0 in a loop, so the flag is up for an instant and a long linger.ms usually wins. So the
/// helper thread holds one `rd_kafka_flush` open for the whole wait.
pub fn flush_now(client: &BaseProducer<DeliveryLog>, timeout: Duration) -> Result<(), KafkaError> {
    let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
    let handle = Handle(client.client().native_ptr());
    let err = serving_reports(client, move || {
        let handle = handle;
        // SAFETY: the handle stays live while the helper runs: `client` is borrowed across the scope.
        unsafe { rdkafka::bindings::rd_kafka_flush(handle.0, ms) }
    });
    if err == rdkafka::bindings::rd_kafka_resp_err_t::RD_KAFKA_RESP_ERR_NO_ERROR {
        Ok(())
    } else {
        Err(KafkaError::Flush(err.into()))
    }
}
