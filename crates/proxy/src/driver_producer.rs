//! A scenario producer as the real client of its session (kafka-python or Java), in a driver process of its
//! own. Guarantee: what `flush`, `commit_transaction` and `abort_transaction` report is what the client's
//! futures said — every finished send is an event, every failure the contract's error name. `send` hands the
//! record to the client's `send()`; the client holds it until a flush, commit or abort, or until `linger.ms`
//! has passed on the scenario's clock (see `driver_config`).

use std::time::Duration;

use kafka_model::producer::ProducerState;
use serde_json::{json, Value};

use crate::driver_client::{refusal, text, DriverClient};
use crate::step_outcome::{at, OpResult, Stalled, StepOutcome};

/// Far longer than one pass of the Java client's sender thread.
const SENDER_PASS: Duration = Duration::from_millis(20);

pub struct DriverProducer {
    pub client: DriverClient,
    pub state: ProducerState,
    /// Records this instance delivered (scenario topic, partition, offset): its producer id is on them.
    pub delivered: Vec<(String, i32, i64)>,
    /// The scenario's `linger.ms` for this producer.
    linger_ms: u64,
    /// When (scenario time) the oldest record the client still holds was handed over.
    holding_since_ms: Option<u64>,
}

impl DriverProducer {
    pub fn new(client: DriverClient, linger_ms: u64) -> Self {
        let state = if client.refused() {
            ProducerState::Error
        } else {
            ProducerState::Ready
        };
        DriverProducer {
            client,
            state,
            delivered: Vec::new(),
            linger_ms,
            holding_since_ms: None,
        }
    }

    pub fn id(&self) -> &str {
        &self.client.id
    }

    /// Runs `op` (with this producer as its actor) and turns a failure into the outcome, noting fencing.
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
            self.note_error(&text(&answer, "error"));
            let mut out = refusal(&answer, &format!("{}: {doing}", self.client.id));
            out.events.extend(self.deliveries(&answer));
            return Err(Ok(out));
        }
        Ok(answer)
    }

    fn note_error(&mut self, name: &str) {
        // A fenced instance: the coordinator refused its epoch, or a partition's leader did.
        if matches!(name, "ProducerFenced" | "InvalidProducerEpoch") {
            self.state = ProducerState::Fenced;
        }
        // The coordinator refused its InitProducerId for good: the client stays in an error state.
        if name == "InvalidTransactionTimeout" {
            self.state = ProducerState::Error;
        }
    }

    /// The answer's finished sends as events; delivered ones are remembered.
    fn deliveries(&mut self, answer: &Value) -> Vec<String> {
        let mut events = Vec::new();
        for d in answer["deliveries"].as_array().into_iter().flatten() {
            let topic = text(d, "topic");
            let partition = d["partition"].as_i64().unwrap_or(-1) as i32;
            match (d["error"].as_str(), d["offset"].as_i64()) {
                (Some(e), _) => {
                    events.push(format!("delivery to {topic}[{partition}] failed: {e}"))
                }
                (None, Some(o)) if o >= 0 => {
                    events.push(format!("delivered {}", at(&topic, partition, o)));
                    self.delivered.push((topic, partition, o));
                }
                (None, _) => events.push(format!(
                    "sent to {topic}[{partition}] without an answer (acks=0)"
                )),
            }
        }
        events
    }

    pub fn send(
        &mut self,
        topic: &str,
        partition: Option<u32>,
        key: Option<&str>,
        value: &str,
        now_ms: u64,
    ) -> OpResult {
        let local = self.client.local(topic).to_owned();
        let op = json!({"op": "send", "topic": local, "partition": partition, "key": key, "value": value});
        if let Err(out) = self.run(op, "send", None) {
            return out;
        }
        self.holding_since_ms.get_or_insert(now_ms);
        if self.linger_ms > 0 {
            // A new batch wakes the Java client's sender thread for one pass over its batches. An abort that
            // lands in the middle of that pass sends the batch instead of dropping it, so the step waits it out.
            std::thread::sleep(SENDER_PASS);
        }
        Ok(StepOutcome::ok(vec![format!(
            "{} handed {value:?} to the client's send() for {local}; the client sends it in the background",
            self.client.id
        )]))
    }

    pub fn flush(&mut self) -> OpResult {
        self.holding_since_ms = None;
        let answer = match self.run(json!({"op": "flush"}), "flush", None) {
            Ok(a) => a,
            Err(out) => return out,
        };
        let mut events = self.deliveries(&answer);
        if events.is_empty() {
            events.push(format!("{} had nothing left to send", self.client.id));
        }
        Ok(StepOutcome::ok(events))
    }

    /// A transactional call; `next` is the state it leaves the producer in.
    fn transactional(&mut self, op: &str, what: &str, next: ProducerState) -> OpResult {
        if op != "begin_transaction" {
            self.holding_since_ms = None;
        }
        let answer = match self.run(json!({"op": op}), op, None) {
            Ok(a) => a,
            Err(out) => return out,
        };
        self.state = next;
        let mut events = vec![format!("{} {what}", self.client.id)];
        events.extend(self.deliveries(&answer));
        Ok(StepOutcome::ok(events))
    }

    pub fn init_transactions(&mut self) -> OpResult {
        self.transactional(
            "init_transactions",
            "initialised transactions (the coordinator bumped the epoch of its transactional.id, fencing older instances)",
            ProducerState::Ready,
        )
    }

    pub fn begin_transaction(&mut self) -> OpResult {
        self.transactional(
            "begin_transaction",
            "began a transaction",
            ProducerState::InTransaction,
        )
    }

    pub fn commit_transaction(&mut self) -> OpResult {
        self.transactional(
            "commit_transaction",
            "committed its transaction",
            ProducerState::Ready,
        )
    }

    pub fn abort_transaction(&mut self) -> OpResult {
        self.transactional(
            "abort_transaction",
            "aborted its transaction",
            ProducerState::Ready,
        )
    }

    /// The scenario's clock moved to `now_ms`: what has waited out `linger.ms` by then is sent, as the client
    /// sends it on its own once its linger has passed. Its events, if anything was sent.
    pub fn advance_to(&mut self, now_ms: u64) -> Result<Vec<String>, Stalled> {
        let waited = self
            .holding_since_ms
            .is_some_and(|since| since.saturating_add(self.linger_ms) <= now_ms);
        if !waited {
            return Ok(Vec::new());
        }
        // A failed delivery is told as an event: nobody called flush.
        let events = self.flush()?.events;
        Ok(std::iter::once(format!(
            "{} waited out linger.ms, so its client sent what it held",
            self.client.id
        ))
        .chain(events)
        .collect())
    }

    /// `send_offsets_to_transaction` with another process's consumer: its positions and group membership.
    pub fn send_offsets(
        &mut self,
        positions: Value,
        group_metadata: Value,
        consumer: &str,
    ) -> OpResult {
        let listed: Vec<String> = positions
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| format!("{}[{}]→{}", text(p, "topic"), p["partition"], p["offset"]))
            .collect();
        let op = json!({"op": "send_offsets_to_transaction", "offsets": positions,
                        "group_metadata": group_metadata});
        if let Err(out) = self.run(op, "send_offsets_to_transaction", None) {
            return out;
        }
        Ok(StepOutcome::ok(vec![format!(
            "{} sent {consumer}'s positions to the transaction as pending offsets ({})",
            self.client.id,
            listed.join(", ")
        )]))
    }

    /// The process is killed: nothing it holds is sent, no transaction is ended.
    pub fn crash(&mut self) -> StepOutcome {
        if !self.client.is_running() {
            return StepOutcome::failed(
                "IllegalState",
                vec![format!("{} is not running", self.client.id)],
            );
        }
        self.client.kill();
        self.holding_since_ms = None;
        self.state = ProducerState::Crashed;
        StepOutcome::ok(vec![format!(
            "{}'s process was killed: whatever its client still held is lost, nothing was flushed or ended",
            self.client.id
        )])
    }

    /// A new process with the same configuration (a new producer id unless transactional).
    pub fn restart(&mut self) -> StepOutcome {
        self.delivered.clear();
        self.holding_since_ms = None;
        match self.client.restart() {
            Ok(()) if self.client.refused() => {
                self.state = ProducerState::Error;
                StepOutcome::failed(
                    "ConfigException",
                    vec![format!(
                        "{} restarted but refused its configuration",
                        self.client.id
                    )],
                )
            }
            Ok(()) => {
                self.state = ProducerState::Ready;
                StepOutcome::ok(vec![format!(
                    "{} restarted as a new instance in a new process",
                    self.client.id
                )])
            }
            Err(why) => {
                self.state = ProducerState::Crashed;
                StepOutcome::failed("DriverExited", vec![why])
            }
        }
    }

    /// The session ends.
    pub fn shutdown(&mut self) {
        self.client.kill();
    }
}
