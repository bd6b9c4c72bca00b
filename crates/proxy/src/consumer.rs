//! A scenario consumer as a real librdkafka consumer that subscribes when it is created. Guarantee: a record
//! counts as handed to the application when librdkafka's poll returns it (its position moves then, as in
//! kafka-python's iterator); `process` applies the side effect of the oldest handed-out record.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use kafka_model::config::Flavor;
use kafka_model::consumer::ConsumerState;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerGroupMetadata};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Message;
use rdkafka::{ClientConfig, Offset, TopicPartitionList};

use crate::error_name::{error_code, error_name, is_timeout};
use crate::step_outcome::{at, OpResult, Stalled, StepOutcome};

/// How long a just-assigned consumer keeps polling for its start offsets to be resolved.
const START_OFFSETS_SETTLE: Duration = Duration::from_millis(300);

/// A record poll handed to the application and `process` has not applied yet.
#[derive(Debug, Clone)]

pub struct Received {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub value: String,
}

impl Received {
    /// What `process` did with this record, `topic` being its name in the scenario.
    pub fn processed(&self, topic: &str, fail: bool) -> StepOutcome {
        let where_ = at(topic, self.partition, self.offset);
        StepOutcome::ok(vec![if fail {
            format!("processing {where_} raised; nothing was written to the database")
        } else {
            format!(
                "processed {where_}: {:?} written to the database",
                self.value
            )
        }])
    }
}

pub struct RealConsumer {
    pub id: String,
    /// The scenario's group id (without the prefix).
    pub group_id: String,
    config: ClientConfig,
    topics: Vec<String>,
    client: Option<BaseConsumer>,
    pub state: ConsumerState,
    creation_error: Option<String>,
    pub received: VecDeque<Received>,
    prefix: String,
    flavor: Flavor,
    max_poll_records: u32,
}

impl RealConsumer {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: &str,
        group_id: &str,
        config: ClientConfig,
        topics: Vec<String>,
        prefix: &str,
        flavor: Flavor,
        max_poll_records: u32,
    ) -> Self {
        let mut c = RealConsumer {
            id: id.to_owned(),
            group_id: group_id.to_owned(),
            config,
            topics,
            client: None,
            state: ConsumerState::Running,
            creation_error: None,
            received: VecDeque::new(),
            prefix: prefix.to_owned(),
            flavor,
            max_poll_records,
        };
        c.start();
        c
    }

    fn start(&mut self) {
        let created: Result<BaseConsumer, KafkaError> =
            self.config.create().and_then(|c: BaseConsumer| {
                let topics: Vec<&str> = self.topics.iter().map(String::as_str).collect();
                c.subscribe(&topics)?;
                Ok(c)
            });
        match created {
            Ok(c) => {
                self.client = Some(c);
                self.state = ConsumerState::Running;
                self.creation_error = None;
            }
            Err(e) => {
                self.client = None;
                self.creation_error = Some(e.to_string());
            }
        }
    }

    fn local<'a>(&self, topic: &'a str) -> &'a str {
        topic.strip_prefix(&self.prefix).unwrap_or(topic)
    }

    fn client(&self) -> Result<&BaseConsumer, StepOutcome> {
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
                vec![format!(
                    "{} is {}; restart it first",
                    self.id,
                    self.state.name()
                )],
            )),
        }
    }

    /// kafka-python: the iterator yields one record; java: a batch of what is available, up to
    /// max.poll.records. Waits up to `wait` for the first record (joining the group takes real time).
    /// `wait`: how long to wait for a first record. A consumer that has not joined its group yet waits up to
    /// `join_wait` longer for its assignment and then a moment for its start offsets: the model's (and Java's)
    /// poll returns only once the consumer has its partitions and positions, and a record sent after this step
    /// must not be skipped by an `auto.offset.reset=latest` that is resolved late.
    pub fn poll(&mut self, wait: Duration, join_wait: Duration) -> OpResult {
        let client = match self.client() {
            Ok(c) => c,
            Err(o) => return Ok(o),
        };
        let limit = match self.flavor {
            Flavor::KafkaPython => 1,
            Flavor::Java => self.max_poll_records as usize,
        };
        let started = Instant::now();
        let mut deadline = started + wait;
        let mut assigned = false;
        let mut got = Vec::new();
        let mut errors: Vec<KafkaError> = Vec::new();
        while got.len() < limit {
            let now = Instant::now();
            // After the first record, take only what has already arrived.
            let budget = if got.is_empty() {
                deadline.saturating_duration_since(now)
            } else {
                Duration::from_millis(20)
            };
            if got.is_empty() && !assigned && client.assignment().is_ok_and(|a| a.count() > 0) {
                assigned = true;
                deadline = deadline.max(now + START_OFFSETS_SETTLE);
            }
            if budget.is_zero() && got.is_empty() {
                if assigned || now >= started + wait + join_wait {
                    break;
                }
                deadline = now + Duration::from_millis(50);
                continue;
            }
            // Short slices, so a just-arrived assignment is noticed.
            match client.poll(budget.min(Duration::from_millis(100))) {
                None => {
                    if !got.is_empty() {
                        break;
                    }
                }
                Some(Ok(m)) => got.push(Received {
                    topic: m.topic().to_owned(),
                    partition: m.partition(),
                    offset: m.offset(),
                    value: m
                        .payload()
                        .map(|p| String::from_utf8_lossy(p).into_owned())
                        .unwrap_or_default(),
                }),
                Some(Err(e)) => {
                    if error_code(&e) == Some(RDKafkaErrorCode::AutoOffsetReset) {
                        return Ok(StepOutcome::failed(
                            "NoOffsetForPartition",
                            vec![format!(
                                "{}: the group has no committed offset and auto.offset.reset=none: {e}",
                                self.id
                            )],
                        ));
                    }
                    errors.push(e);
                }
            }
        }
        let mut events: Vec<String> = got
            .iter()
            .map(|r| {
                format!(
                    "poll returned offset {} of {}[{}]: {:?}",
                    r.offset,
                    self.local(&r.topic),
                    r.partition,
                    r.value
                )
            })
            .collect();
        if got.is_empty() {
            if let Some(e) = errors.iter().find(|e| is_timeout(e)) {
                return Err(Stalled(format!(
                    "{}'s poll got no answer from the cluster: {e}",
                    self.id
                )));
            }
            events.push(format!(
                "poll returned no record within {} ms",
                wait.as_millis()
            ));
        }
        events.extend(errors.iter().map(|e| format!("poll reported: {e}")));
        let first_error = errors.first().map(error_name);
        self.received.extend(got);
        Ok(StepOutcome {
            error: first_error.filter(|_| self.received.is_empty()),
            events,
        })
    }

    /// Applies the oldest handed-out record; `fail` means the side effect raised and nothing was written.
    pub fn process(&mut self, fail: bool) -> Result<(Received, StepOutcome), StepOutcome> {
        if self.client.is_none() {
            return Err(self.client().err().unwrap_or_default());
        }
        let Some(r) = self.received.pop_front() else {
            return Err(StepOutcome::failed(
                "IllegalState",
                vec![format!("{} has no received record to process", self.id)],
            ));
        };
        let outcome = r.processed(self.local(&r.topic), fail);
        Ok((r, outcome))
    }

    /// The positions librdkafka holds for the assigned partitions (only those with a valid offset).
    pub fn positions(&self) -> Vec<(String, i32, i64)> {
        let Some(c) = &self.client else {
            return Vec::new();
        };
        let Ok(list) = c.position() else {
            return Vec::new();
        };
        list.elements()
            .iter()
            .filter_map(|e| match e.offset() {
                Offset::Offset(o) => Some((e.topic().to_owned(), e.partition(), o)),
                _ => None,
            })
            .collect()
    }

    /// Assigned partitions without a position: librdkafka reports one only after a record of that partition
    /// was consumed, so a consumer that joined and found nothing new has a position nobody can read.
    pub fn unpositioned(&self) -> Vec<(String, i32)> {
        let Some(c) = &self.client else {
            return Vec::new();
        };
        let Ok(list) = c.position() else {
            return Vec::new();
        };
        list.elements()
            .iter()
            .filter(|e| !matches!(e.offset(), Offset::Offset(_)))
            .map(|e| (e.topic().to_owned(), e.partition()))
            .collect()
    }

    /// The group metadata and positions that `send_offsets_to_transaction` hands to a producer.
    pub fn transaction_offsets(
        &self,
    ) -> Result<(TopicPartitionList, ConsumerGroupMetadata), StepOutcome> {
        let c = self.client()?;
        let meta = c.group_metadata().ok_or_else(|| {
            StepOutcome::failed(
                "IllegalState",
                vec![format!(
                    "{} has no group metadata yet (it has not joined its group)",
                    self.id
                )],
            )
        })?;
        let mut list = TopicPartitionList::new();
        for (t, p, o) in self.positions() {
            // Positions are valid offsets, so this cannot fail; a failure would only drop the entry.
            let _ = list.add_partition_offset(&t, p, Offset::Offset(o));
        }
        Ok((list, meta))
    }

    /// `offsets: None` commits every position (C3); otherwise the given full topic names and offsets.
    pub fn commit(&mut self, offsets: Option<Vec<(String, i32, i64)>>) -> OpResult {
        let client = match self.client() {
            Ok(c) => c,
            Err(o) => return Ok(o),
        };
        let list = offsets.unwrap_or_else(|| self.positions());
        if list.is_empty() {
            return Ok(StepOutcome::ok(vec![format!(
                "{} has no position yet: nothing to commit",
                self.id
            )]));
        }
        let mut tpl = TopicPartitionList::new();
        for (t, p, o) in &list {
            let _ = tpl.add_partition_offset(t, *p, Offset::Offset(*o));
        }
        let described: Vec<String> = list
            .iter()
            .map(|(t, p, o)| format!("{}[{p}]→{o}", self.local(t)))
            .collect();
        match client.commit(&tpl, CommitMode::Sync) {
            Ok(()) => Ok(StepOutcome::ok(vec![format!(
                "{} committed {} for group {}",
                self.id,
                described.join(", "),
                self.group_id
            )])),
            Err(e) if is_timeout(&e) => {
                Err(Stalled(format!("{}'s commit got no answer: {e}", self.id)))
            }
            Err(e) => Ok(StepOutcome::failed(
                error_name(&e),
                vec![format!("{}'s commit failed: {e}", self.id)],
            )),
        }
    }

    pub fn seek(
        &mut self,
        topic: &str,
        partition: i32,
        offset: i64,
        timeout: Duration,
    ) -> OpResult {
        let client = match self.client() {
            Ok(c) => c,
            Err(o) => return Ok(o),
        };
        let local = self.local(topic).to_owned();
        match client.seek(topic, partition, Offset::Offset(offset), timeout) {
            Ok(()) => Ok(StepOutcome::ok(vec![format!(
                "{} moved its position on {local}[{partition}] to {offset}",
                self.id
            )])),
            Err(e) if is_timeout(&e) => {
                Err(Stalled(format!("{}'s seek got no answer: {e}", self.id)))
            }
            Err(e) => {
                let mut name = error_name(&e);
                // librdkafka's "erroneous state" here is Java's "No current assignment for partition".
                if matches!(e, KafkaError::Seek(_)) {
                    name = "IllegalState".to_owned();
                }
                Ok(StepOutcome::failed(
                    name,
                    vec![format!(
                        "{} cannot seek on {local}[{partition}]: {e}",
                        self.id
                    )],
                ))
            }
        }
    }

    /// A clean leave: librdkafka commits (if auto-commit is on) and leaves the group at once.
    pub fn close(&mut self) -> StepOutcome {
        let Some(c) = self.client.take() else {
            return StepOutcome::failed(
                "IllegalState",
                vec![format!("{} is not running", self.id)],
            );
        };
        drop(c);
        self.state = ConsumerState::Closed;
        self.received.clear();
        StepOutcome::ok(vec![format!(
            "{} closed and left group {}",
            self.id, self.group_id
        )])
    }

    /// The process dies: no LeaveGroup, no commit; the group notices only after session.timeout.ms.
    pub fn crash(&mut self) -> StepOutcome {
        let Some(c) = self.client.take() else {
            return StepOutcome::failed(
                "IllegalState",
                vec![format!("{} is not running", self.id)],
            );
        };
        destroy_without_close(c);
        self.state = ConsumerState::Crashed;
        self.received.clear();
        StepOutcome::ok(vec![format!(
            "{} crashed without leaving group {} or committing; the group waits for its session timeout",
            self.id, self.group_id
        )])
    }

    pub fn restart(&mut self) -> StepOutcome {
        if let Some(c) = self.client.take() {
            // A restart of a running consumer: the old instance dies first.
            destroy_without_close(c);
        }
        self.received.clear();
        self.start();
        match &self.creation_error {
            None => StepOutcome::ok(vec![format!("{} restarted and subscribed again", self.id)]),
            Some(why) => StepOutcome::failed(
                "ConfigException",
                vec![format!("{} could not restart: {why}", self.id)],
            ),
        }
    }

    /// The session ends: dropping the client leaves cleanly.
    pub fn shutdown(&mut self) {
        self.client = None;
    }
}

/// Destroys the native client with RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE, as a killed process would vanish.
/// The Rust wrapper is forgotten, not dropped: its Drop would close the consumer (and destroy it twice).
fn destroy_without_close(c: BaseConsumer) {
    let ptr = c.client().native_ptr();
    // SAFETY: `ptr` is the live handle owned by `c`; `c` is forgotten right after, so nothing uses or frees
    // the handle again. What the wrapper holds besides (its queue handle, context) is leaked on purpose.
    unsafe {
        rdkafka::bindings::rd_kafka_destroy_flags(
            ptr,
            rdkafka::bindings::RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE,
        );
    }
    std::mem::forget(c);
}
