//! Design goals: the learner chooses how a consumer loop is written (where it commits, what it does when
//! processing raises, its settings), and the model tries the design with a crash before every call the
//! loop makes; or the learner chooses a client's settings, and the model plays the lesson's own steps with
//! them. The first run that misses the goal is the answer, with the message and the condition that failed
//! and the run itself to watch.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::action::Action;
use crate::ids::{ClientIdx, MessageId, Offset, TopicIdx};
use crate::lesson::{Check, Lesson};
use crate::output::actor_name;
use crate::scenario::{scenario_from_value, Scenario};
use crate::timeline::Timeline;

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Design {
    /// The outcome asked for, in the learner's words; it names no click.
    pub text: String,
    /// The client the learner configures, and the consumer whose loop the learner writes.
    pub actor: String,
    /// With a loop: steps of the lesson's scenario before this one that are not the consumers' run first (the
    /// orders are produced). Without one: the lesson's steps up to this one are played with the settings.
    pub prelude: usize,
    /// The calls for each record the loop is handed, with `{slot}` where a choice goes. Empty: the design is
    /// settings only, tried on the lesson's own steps.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_record: Vec<String>,
    /// The calls when processing raises, instead of the rest of `per_record`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub on_failure: Vec<String>,
    /// The calls once every record of a poll is handled (the Java loop over a batch).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_poll: Vec<String>,
    /// Messages whose processing raises, and how many times before it succeeds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    pub slots: Vec<Slot>,
    /// Checked at the end of every run, once the cluster has settled.
    pub checks: Vec<Check>,
    /// Shown one at a time, before the solution.
    pub hints: Vec<String>,
    /// The choice (index) of each slot that meets the goal; the tests try it, and every other combination.
    pub solution: Vec<usize>,
    /// Whether the design must also survive a crash before every call. A goal about a slow loop names the
    /// fault itself, and is tried once, without a crash.
    #[serde(default = "crashes", skip_serializing_if = "Clone::clone")]
    pub crashes: bool,
}

fn crashes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    pub id: String,
    pub prompt: String,
    pub choices: Vec<SlotChoice>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SlotChoice {
    /// The code (or setting) as the learner would write it.
    pub code: String,
    /// The calls it puts where its slot is named.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<String>,
    /// Properties it sets on the actor; `null` takes the property back to the client's default.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, Value>,
    /// Settings of the cluster it sets (the scenario's own, such as `transaction.version`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cluster: BTreeMap<String, Value>,
    /// Fields of the actor beside its properties (a consumer's `on_partitions_revoked`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub client: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    pub value: String,
    /// Absent: every time (a poison pill, G6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<u32>,
}

/// One call of the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Call {
    Process,
    /// Look the order up first and skip it if the database has it.
    ProcessIdempotent,
    /// `commit()`: every assigned partition's position.
    Commit,
    /// The record's own offset + 1.
    CommitRecord,
    /// Back to the group's committed offset (the start of the log without one).
    SeekCommitted,
    /// The loop gives up: the process exits and is started again.
    Stop,
    /// The work takes this long (auto-commit counts time).
    Work(u64),
    /// The producer writes the record that failed to the topic and waits for it: a dead-letter topic (G6).
    Forward {
        producer: String,
        topic: String,
    },
}

/// What is wrong with a call of the loop, if anything: an unknown call, or a client or topic it names that
/// the scenario does not have.
fn call_problem(token: &str, scenario: &Scenario) -> Option<String> {
    match Call::parse(token) {
        None => Some(format!("unknown call \"{token}\"")),
        Some(Call::Forward { producer, topic }) => {
            if !scenario.setup.producers.iter().any(|p| p.id == producer) {
                Some(format!("forward: no producer is called \"{producer}\""))
            } else if !scenario.setup.topics.iter().any(|t| t.name == topic) {
                Some(format!("forward: no topic is called \"{topic}\""))
            } else {
                None
            }
        }
        Some(_) => None,
    }
}

/// The slot a template token names: `{after}` names `after`.
fn slot_of(token: &str) -> Option<&str> {
    token.strip_prefix('{')?.strip_suffix('}')
}

impl Call {
    fn parse(token: &str) -> Option<Call> {
        Some(match token {
            "process" => Call::Process,
            "process_idempotent" => Call::ProcessIdempotent,
            "commit" => Call::Commit,
            "commit_record" => Call::CommitRecord,
            "seek_committed" => Call::SeekCommitted,
            "stop" => Call::Stop,
            _ => match token.split_once(':')? {
                ("work", ms) => Call::Work(ms.parse().ok()?),
                ("forward", to) => {
                    let (producer, topic) = to.split_once(':')?;
                    Call::Forward {
                        producer: producer.to_owned(),
                        topic: topic.to_owned(),
                    }
                }
                _ => return None,
            },
        })
    }
}

/// What trying a design found.
#[derive(Debug, Clone)]
pub struct Trial {
    /// Runs tried: one without a crash, then one with a crash before each call of that run.
    pub runs: usize,
    pub failed: Option<FailedRun>,
}

#[derive(Debug, Clone)]
pub struct FailedRun {
    /// The call the application died just before, and which call of the run it was (from 1); `None`: the run
    /// without a crash already fails.
    pub crash_before: Option<(usize, Action)>,
    /// The message and the condition that failed.
    pub problem: String,
    /// The run, from the prelude on, to play on the stage.
    pub timeline: Timeline,
}

/// A run stops here: a loop that never drains its input (it keeps going back to a record) is a failure too.
const CALLS_PER_RECORD: usize = 12;

impl Design {
    /// Whether the design is well formed for `scenario`: its slots, calls, failures and solution.
    pub fn problem(&self, scenario: &Scenario) -> Option<String> {
        let consumer = scenario.setup.consumers.iter().any(|c| c.id == self.actor);
        // A loop is a consumer's; settings may be any client's.
        let producer =
            self.replays() && scenario.setup.producers.iter().any(|p| p.id == self.actor);
        if !(consumer || producer) {
            return Some(format!(
                "no {} is called \"{}\"",
                if self.replays() { "client" } else { "consumer" },
                self.actor
            ));
        }
        if self.prelude > scenario.steps.len() {
            return Some(format!(
                "prelude {} is past the scenario's {} steps",
                self.prelude,
                scenario.steps.len()
            ));
        }
        if self.solution.len() != self.slots.len() {
            return Some("solution needs one choice per slot".into());
        }
        for (slot, choice) in self.slots.iter().zip(&self.solution) {
            if *choice >= slot.choices.len() {
                return Some(format!("slot {} has no choice {choice}", slot.id));
            }
        }
        let templates = self
            .per_record
            .iter()
            .chain(&self.on_failure)
            .chain(&self.per_poll);
        for token in templates {
            match slot_of(token) {
                Some(id) if self.slots.iter().all(|s| s.id != id) => {
                    return Some(format!("{token} names no slot"))
                }
                Some(_) => {}
                None => {
                    if let Some(problem) = call_problem(token, scenario) {
                        return Some(problem);
                    }
                }
            }
        }
        for choice in self.slots.iter().flat_map(|s| &s.choices) {
            if let Some(problem) = choice.calls.iter().find_map(|t| call_problem(t, scenario)) {
                return Some(format!("{problem} in \"{}\"", choice.code));
            }
        }
        None
    }

    /// Settings only: the lesson's own steps are played with them, once.
    pub fn replays(&self) -> bool {
        self.per_record.is_empty()
    }

    /// The lesson's scenario with the chosen settings, up to the end of the prelude.
    pub fn scenario(&self, lesson: &Lesson, choices: &[usize]) -> Result<Scenario, String> {
        let mut value = lesson.scenario.clone();
        let (kind, index) = ["consumers", "producers"]
            .into_iter()
            .find_map(|kind| {
                let all = value.get(kind)?.as_array()?;
                let index = all
                    .iter()
                    .position(|c| c.get("id").and_then(Value::as_str) == Some(&self.actor))?;
                Some((kind, index))
            })
            .ok_or_else(|| format!("no client is called \"{}\"", self.actor))?;
        let config = value[kind][index]
            .as_object_mut()
            .ok_or("a client is not an object")?
            .entry("config")
            .or_insert_with(|| Value::Object(Default::default()))
            .as_object_mut()
            .ok_or("a client's config is not an object")?;
        let chosen = self.chosen(choices)?;
        for choice in &chosen {
            for (key, setting) in &choice.config {
                if setting.is_null() {
                    config.remove(key);
                } else {
                    config.insert(key.clone(), setting.clone());
                }
            }
        }
        for (key, setting) in chosen.iter().flat_map(|choice| &choice.cluster) {
            value[key] = setting.clone();
        }
        for (key, setting) in chosen.iter().flat_map(|choice| &choice.client) {
            value[kind][index][key] = setting.clone();
        }
        let consumers: Vec<Value> = value
            .get("consumers")
            .and_then(Value::as_array)
            .map(|all| all.iter().filter_map(|c| c.get("id").cloned()).collect())
            .unwrap_or_default();
        if let Some(steps) = value.get_mut("steps").and_then(Value::as_array_mut) {
            steps.truncate(self.prelude);
            // The consumers start from nothing: the loop under design is the only one that reads.
            if !self.replays() {
                steps.retain(|step| {
                    step.get("actor")
                        .is_none_or(|actor| !consumers.contains(actor))
                });
            }
        }
        scenario_from_value(&value).map_err(|e| e.to_string())
    }

    fn chosen(&self, choices: &[usize]) -> Result<Vec<&SlotChoice>, String> {
        if choices.len() != self.slots.len() {
            return Err(format!(
                "{} choices for {} slots",
                choices.len(),
                self.slots.len()
            ));
        }
        self.slots
            .iter()
            .zip(choices)
            .map(|(slot, i)| {
                slot.choices
                    .get(*i)
                    .ok_or_else(|| format!("slot {} has no choice {i}", slot.id))
            })
            .collect()
    }

    /// The calls of a template with the chosen choices in their slots.
    fn expand(&self, template: &[String], choices: &[&SlotChoice]) -> Vec<Call> {
        template
            .iter()
            .flat_map(|token| match slot_of(token) {
                Some(id) => self
                    .slots
                    .iter()
                    .position(|s| s.id == id)
                    .map(|i| choices[i].calls.clone())
                    .unwrap_or_default(),
                None => vec![token.clone()],
            })
            .filter_map(|token| Call::parse(&token))
            .collect()
    }

    /// Tries the design: without a crash, then with a crash before each call that run makes. Stops at the
    /// first run that misses the goal.
    pub fn trial(&self, lesson: &Lesson, choices: &[usize]) -> Result<Trial, String> {
        let scenario = self.scenario(lesson, choices)?;
        let chosen = self.chosen(choices)?;
        let program = Program {
            per_record: self.expand(&self.per_record, &chosen),
            on_failure: self.expand(&self.on_failure, &chosen),
            per_poll: self.expand(&self.per_poll, &chosen),
        };
        let start = Timeline::from_scenario(&scenario);
        if self.replays() {
            let settled = start.state().settled();
            let names = start.state().names();
            // A call the settings make fail (a configuration the client refuses) is part of the answer.
            let refused = start.steps().iter().find_map(|step| {
                let error = step.result.as_ref().err()?;
                (actor_name(&names, &step.action)? == self.actor).then(|| {
                    format!(
                        " ({}'s {} failed: {})",
                        self.actor,
                        step.action.op_name(),
                        error.name()
                    )
                })
            });
            let failed = self
                .checks
                .iter()
                .find_map(|c| c.failure(&settled))
                .map(|problem| FailedRun {
                    crash_before: None,
                    problem: problem + refused.as_deref().unwrap_or_default(),
                    timeline: start.clone(),
                });
            return Ok(Trial { runs: 1, failed });
        }
        let consumer = ClientIdx(
            scenario
                .setup
                .consumers
                .iter()
                .position(|c| c.id == self.actor)
                .ok_or("no such consumer")? as u16,
        );
        let texts = start.state().texts();
        let failures: Vec<(MessageId, Option<u32>)> = self
            .failures
            .iter()
            .filter_map(|f| {
                let i = texts.iter().position(|t| *t == f.value)?;
                Some((MessageId(i as u32), f.times))
            })
            .collect();
        let attempt = |crash_at: Option<usize>| {
            let mut run = Run {
                timeline: start.clone(),
                consumer,
                failures: failures.clone(),
                calls: 0,
                last_record: None,
                crash_at,
                crashed: None,
            };
            run.drive(&program);
            let settled = run.timeline.state().settled();
            let problem = run
                .unfinished()
                .or_else(|| self.checks.iter().find_map(|c| c.failure(&settled)));
            (run, problem)
        };
        let failed = |runs, run: Run, problem| Trial {
            runs,
            failed: Some(FailedRun {
                crash_before: run.crashed,
                problem,
                timeline: run.timeline,
            }),
        };
        let (first, problem) = attempt(None);
        if let Some(problem) = problem {
            return Ok(failed(1, first, problem));
        }
        if !self.crashes {
            return Ok(Trial {
                runs: 1,
                failed: None,
            });
        }
        // The crash-free run's calls are the points to crash at.
        for k in 0..first.calls {
            let (run, problem) = attempt(Some(k));
            if let Some(problem) = problem {
                return Ok(failed(k + 2, run, problem));
            }
        }
        Ok(Trial {
            runs: first.calls + 1,
            failed: None,
        })
    }
}

struct Program {
    per_record: Vec<Call>,
    on_failure: Vec<Call>,
    per_poll: Vec<Call>,
}

struct Run {
    timeline: Timeline,
    consumer: ClientIdx,
    failures: Vec<(MessageId, Option<u32>)>,
    calls: usize,
    /// The last record the loop processed (or tried to): the one it is stuck on, when it is.
    last_record: Option<MessageId>,
    crash_at: Option<usize>,
    crashed: Option<(usize, Action)>,
}

/// What a call did to the loop.
enum Outcome {
    Went,
    Raised,
    /// The process died (a crash, or the loop gave up) and was started again.
    Restarted,
}

impl Run {
    fn budget(&self) -> usize {
        let records: usize = self
            .timeline
            .state()
            .partition_logs()
            .map(|(_, log)| log.entries.len())
            .sum();
        CALLS_PER_RECORD * (records + 2)
    }

    /// The loop until a poll hands out nothing.
    fn drive(&mut self, program: &Program) {
        let budget = self.budget();
        'records: while self.calls < budget {
            if self.received().is_none() {
                if let Outcome::Restarted = self.call(Action::ConsumerPoll {
                    consumer: self.consumer,
                }) {
                    continue;
                }
                if self.received().is_none() {
                    return;
                }
            }
            for call in &program.per_record {
                match self.run(call) {
                    Outcome::Went => {}
                    Outcome::Restarted => continue 'records,
                    Outcome::Raised => {
                        for call in &program.on_failure {
                            if let Outcome::Restarted = self.run(call) {
                                continue 'records;
                            }
                        }
                        break;
                    }
                }
            }
            if self.received().is_none() {
                for call in &program.per_poll {
                    if let Outcome::Restarted = self.run(call) {
                        continue 'records;
                    }
                }
            }
        }
    }

    /// The record the loop holds.
    fn received(&self) -> Option<crate::consumer::Fetched> {
        self.timeline.state().consumers()[self.consumer.0 as usize]
            .received
            .front()
            .cloned()
    }

    fn run(&mut self, call: &Call) -> Outcome {
        let c = self.consumer;
        let record = self.received();
        match call {
            Call::Process | Call::ProcessIdempotent => {
                let Some(record) = record else {
                    return Outcome::Went;
                };
                self.last_record = Some(record.value);
                let fails = self
                    .failures
                    .iter()
                    .any(|(value, left)| *value == record.value && *left != Some(0));
                let outcome = self.call(Action::ConsumerProcess {
                    consumer: c,
                    fail: fails,
                    idempotent: *call == Call::ProcessIdempotent,
                });
                if let Outcome::Restarted = outcome {
                    return outcome;
                }
                if fails {
                    if let Some((_, Some(left))) = self
                        .failures
                        .iter_mut()
                        .find(|(value, _)| *value == record.value)
                    {
                        *left -= 1;
                    }
                    return Outcome::Raised;
                }
                Outcome::Went
            }
            Call::Commit => self.call(Action::ConsumerCommit {
                consumer: c,
                offsets: None,
            }),
            Call::CommitRecord => match self.last_handed_out() {
                Some((tp, offset)) => self.call(Action::ConsumerCommit {
                    consumer: c,
                    offsets: Some(vec![(tp, Offset(offset.0 + 1))]),
                }),
                None => Outcome::Went,
            },
            Call::SeekCommitted => {
                let state = self.timeline.state();
                let Some((tp, _)) = self.last_handed_out() else {
                    return Outcome::Went;
                };
                let group = state.group(state.group_of(c));
                let offset = group.committed.get(&tp).copied().unwrap_or(Offset(0));
                self.call(Action::ConsumerSeek {
                    consumer: c,
                    tp,
                    offset,
                })
            }
            Call::Stop => {
                self.restart();
                Outcome::Restarted
            }
            Call::Work(ms) => {
                self.timeline.apply(Action::ClockAdvance { ms: *ms });
                Outcome::Went
            }
            Call::Forward { producer, topic } => {
                let state = self.timeline.state();
                let setup = state.setup();
                let failed = state.consumers()[c.0 as usize].failed;
                let producer = setup.producers.iter().position(|p| p.id == *producer);
                let topic = setup.topics.iter().position(|t| t.name == *topic);
                let (Some(value), Some(producer), Some(topic)) = (failed, producer, topic) else {
                    return Outcome::Went;
                };
                let producer = ClientIdx(producer as u16);
                let send = Action::ProducerSend {
                    producer,
                    topic: TopicIdx(topic as u16),
                    partition: None,
                    key: None,
                    value,
                };
                match self.call(send) {
                    Outcome::Went => self.call(Action::ProducerFlush { producer }),
                    outcome => outcome,
                }
            }
        }
    }

    /// The last record the loop finished with, or the one it holds.
    fn last_handed_out(&self) -> Option<(crate::ids::TopicPartition, Offset)> {
        let consumer = &self.timeline.state().consumers()[self.consumer.0 as usize];
        consumer.last_handled.or_else(|| {
            consumer
                .received
                .front()
                .map(|record| (record.tp, record.offset))
        })
    }

    /// One call of the application: the crash schedule may kill it just before.
    fn call(&mut self, action: Action) -> Outcome {
        self.calls += 1;
        if self.crashed.is_none() && self.crash_at == Some(self.calls - 1) {
            self.crashed = Some((self.calls, action));
            self.restart();
            return Outcome::Restarted;
        }
        self.timeline.apply(action);
        Outcome::Went
    }

    /// The process dies and, once its session has timed out, a new one starts.
    fn restart(&mut self) {
        let c = self.consumer;
        let session = self.timeline.state().setup().consumers[c.0 as usize]
            .config
            .session_timeout_ms;
        self.timeline.apply(Action::ConsumerCrash { consumer: c });
        self.timeline
            .apply(Action::ClockAdvance { ms: session + 1 });
        self.timeline.apply(Action::ConsumerRestart { consumer: c });
    }

    fn unfinished(&self) -> Option<String> {
        (self.calls >= self.budget()).then(|| {
            let state = self.timeline.state();
            let names = state.names();
            // The record the loop last worked on: the one it keeps going back to.
            let last = self.last_record.map_or_else(
                || "nothing".into(),
                |value| crate::output::short_value(names.text(value)),
            );
            format!(
                "the loop had not finished after {} calls: it keeps going back to {last}; the goal asks for a loop that gets through its input",
                self.calls
            )
        })
    }
}
