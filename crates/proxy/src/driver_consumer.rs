//! A scenario consumer as the real client of its session (kafka-python or Java), in a driver process of its
//! own, subscribed when it is created. Guarantee: a record counts as handed to the application when the
//! client's own call hands it out — kafka-python's iterator one record per `poll`, Java's `poll(Duration)` the
//! whole batch (C1) —; `process` applies the side effect of the oldest handed-out record.

use std::collections::VecDeque;
use std::time::Duration;

use kafka_model::consumer::ConsumerState;
use serde_json::{json, Value};

use crate::consumer::Received;
use crate::driver_client::{refusal, text, DriverClient};
use crate::step_outcome::{OpResult, StepOutcome};

pub struct DriverConsumer {
    pub client: DriverClient,
    /// The scenario's group id (without the prefix).
    pub group_id: String,
    pub state: ConsumerState,
    pub received: VecDeque<Received>,
}

/// A position the client reports: scenario topic, partition, and the offset if it has one.
pub type Position = (String, i32, Option<i64>);

impl DriverConsumer {
    pub fn new(client: DriverClient, group_id: &str) -> Self {
        DriverConsumer {
            client,
            group_id: group_id.to_owned(),
            state: ConsumerState::Running,
            received: VecDeque::new(),
        }
    }

    pub fn id(&self) -> &str {
        &self.client.id
    }

    fn run(
        &mut self,
        mut op: Value,
        doing: &str,
        timeout: Option<Duration>,
    ) -> Result<Value, OpResult> {
        op["actor"] = json!(self.client.id);
        let answer = self
            .client
            .call(op, timeout)
            .map_err(|no| no.into_result())?;
        if answer["ok"] != true {
            return Err(Ok(refusal(
                &answer,
                &format!("{}: {doing}", self.client.id),
            )));
        }
        Ok(answer)
    }

    /// One call of the client's poll: waits up to `wait` for a record, and up to `join_wait` longer while the
    /// consumer has no partitions yet (joining the group takes real time; the model's poll returns once the
    /// consumer has its partitions and positions).
    pub fn poll(&mut self, wait: Duration, join_wait: Duration, timeout: Duration) -> OpResult {
        let op = json!({"op": "poll", "timeout_ms": wait.as_millis() as u64,
                        "join_ms": join_wait.as_millis() as u64});
        let answer = match self.run(op, "poll", Some(wait + join_wait + timeout)) {
            Ok(a) => a,
            Err(out) => return out,
        };
        // kafka-python answers the iterator's one record, Java the batch.
        let records: Vec<Value> = match (&answer["records"], &answer["record"]) {
            (Value::Array(list), _) => list.clone(),
            (_, Value::Null) => Vec::new(),
            (_, one) => vec![one.clone()],
        };
        let got: Vec<Received> = records
            .iter()
            .map(|r| Received {
                topic: text(r, "topic"),
                partition: r["partition"].as_i64().unwrap_or(0) as i32,
                offset: r["offset"].as_i64().unwrap_or(0),
                value: text(r, "value"),
            })
            .collect();
        let mut events: Vec<String> = got
            .iter()
            .map(|r| {
                format!(
                    "poll returned offset {} of {}[{}]: {:?}",
                    r.offset, r.topic, r.partition, r.value
                )
            })
            .collect();
        if got.is_empty() {
            events.push(format!(
                "poll returned no record within {} ms",
                wait.as_millis()
            ));
        }
        self.received.extend(got);
        Ok(StepOutcome::ok(events))
    }

    /// Applies the oldest handed-out record; `fail` means the side effect raised and nothing was written.
    pub fn process(&mut self, fail: bool) -> Result<(Received, StepOutcome), StepOutcome> {
        if !self.client.is_running() {
            return Err(StepOutcome::failed(
                "IllegalState",
                vec![format!(
                    "{} is not running; restart it first",
                    self.client.id
                )],
            ));
        }
        let Some(r) = self.received.pop_front() else {
            return Err(StepOutcome::failed(
                "IllegalState",
                vec![format!(
                    "{} has no received record to process",
                    self.client.id
                )],
            ));
        };
        let outcome = r.processed(&r.topic, fail);
        Ok((r, outcome))
    }

    /// `offsets: None` is the client's commit() / commitSync() of its positions (C3); otherwise the given
    /// (real topic, partition, offset).
    pub fn commit(&mut self, offsets: Option<Vec<(String, i32, i64)>>) -> OpResult {
        let listed = offsets.map(|l| {
            l.iter()
                .map(
                    |(t, p, o)| json!({"topic": self.client.local(t), "partition": p, "offset": o}),
                )
                .collect::<Vec<_>>()
        });
        let what = match &listed {
            None => "its positions".to_owned(),
            Some(l) => l
                .iter()
                .map(|o| format!("{}[{}]→{}", text(o, "topic"), o["partition"], o["offset"]))
                .collect::<Vec<_>>()
                .join(", "),
        };
        if let Err(out) = self.run(json!({"op": "commit", "offsets": listed}), "commit", None) {
            return out;
        }
        Ok(StepOutcome::ok(vec![format!(
            "{} committed {what} for group {}",
            self.client.id, self.group_id
        )]))
    }

    pub fn seek(&mut self, topic: &str, partition: i32, offset: i64) -> OpResult {
        let local = self.client.local(topic).to_owned();
        let op = json!({"op": "seek", "topic": local, "partition": partition, "offset": offset});
        if let Err(out) = self.run(op, "seek", None) {
            return out;
        }
        // The loop abandons what it had received from that partition.
        self.received
            .retain(|r| !(r.topic == local && r.partition == partition));
        Ok(StepOutcome::ok(vec![format!(
            "{} moved its position on {local}[{partition}] to {offset}",
            self.client.id
        )]))
    }

    /// The positions the client holds on its assigned partitions (`None` where it has none yet); empty when it
    /// is not running or does not answer.
    pub fn positions(&mut self) -> Vec<Position> {
        if !self.client.is_running() || self.client.refused() {
            return Vec::new();
        }
        match self.run(json!({"op": "positions"}), "positions", None) {
            Ok(answer) => positions_of(&answer["positions"]),
            Err(_) => Vec::new(),
        }
    }

    /// The positions and group membership `send_offsets_to_transaction` hands to a producer in another
    /// process, as the driver answers them (scenario topic names).
    pub fn transaction_offsets(&mut self) -> Result<(Value, Value), OpResult> {
        let answer = self.run(json!({"op": "group_metadata"}), "group_metadata", None)?;
        let positions: Vec<Value> = answer["positions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|p| !p["offset"].is_null())
            .cloned()
            .collect();
        Ok((Value::from(positions), answer["group_metadata"].clone()))
    }

    /// A clean leave: the client's close() commits (if auto-commit is on) and leaves the group; then the
    /// process ends.
    pub fn close(&mut self) -> OpResult {
        if !self.client.is_running() {
            return Ok(StepOutcome::failed(
                "IllegalState",
                vec![format!("{} is not running", self.client.id)],
            ));
        }
        if let Err(out) = self.run(json!({"op": "close"}), "close", None) {
            return out;
        }
        self.client.kill();
        self.state = ConsumerState::Closed;
        self.received.clear();
        Ok(StepOutcome::ok(vec![format!(
            "{} closed and left group {}",
            self.client.id, self.group_id
        )]))
    }

    /// The process is killed: no LeaveGroup, no commit; the group notices only after session.timeout.ms.
    pub fn crash(&mut self) -> StepOutcome {
        if !self.client.is_running() {
            return StepOutcome::failed(
                "IllegalState",
                vec![format!("{} is not running", self.client.id)],
            );
        }
        self.client.kill();
        self.state = ConsumerState::Crashed;
        self.received.clear();
        StepOutcome::ok(vec![format!(
            "{}'s process was killed without leaving group {} or committing; the group waits for its session timeout",
            self.client.id, self.group_id
        )])
    }

    pub fn restart(&mut self) -> StepOutcome {
        self.received.clear();
        match self.client.restart() {
            Ok(()) => {
                self.state = ConsumerState::Running;
                StepOutcome::ok(vec![format!(
                    "{} restarted in a new process and subscribed again",
                    self.client.id
                )])
            }
            Err(why) => {
                self.state = ConsumerState::Crashed;
                StepOutcome::failed("DriverExited", vec![why])
            }
        }
    }

    /// The session ends.
    pub fn shutdown(&mut self) {
        self.client.kill();
    }
}

/// A driver's `positions` list.
fn positions_of(list: &Value) -> Vec<Position> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                text(p, "topic"),
                p["partition"].as_i64().unwrap_or(0) as i32,
                p["offset"].as_i64(),
            )
        })
        .collect()
}
