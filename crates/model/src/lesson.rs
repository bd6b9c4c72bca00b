//! Lessons as data: a scenario in the contract's format, the client code it runs, what to say at each step,
//! predict-then-reveal questions whose right answer is whatever the model then does, and a goal the model
//! checks. The files live in `crates/model/lessons/`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::cluster::Cluster;
use crate::course_page::PAGES;
use crate::output::{final_state, ledger_output};
use crate::scenario::{scenario_from_value, Scenario, ScenarioError};
use crate::timeline::Timeline;

/// The lesson files, in course order.
const SOURCES: &[(&str, &str)] = &[
    ("offsets", include_str!("../lessons/offsets.json")),
    ("auto-commit", include_str!("../lessons/auto-commit.json")),
    (
        "manual-commit",
        include_str!("../lessons/manual-commit.json"),
    ),
    (
        "java-poll-loop",
        include_str!("../lessons/java-poll-loop.json"),
    ),
    (
        "producer-retries",
        include_str!("../lessons/producer-retries.json"),
    ),
    ("transactions", include_str!("../lessons/transactions.json")),
    (
        "zombie-fencing",
        include_str!("../lessons/zombie-fencing.json"),
    ),
    (
        "transaction-timeout",
        include_str!("../lessons/transaction-timeout.json"),
    ),
    (
        "transaction-version-2",
        include_str!("../lessons/transaction-version-2.json"),
    ),
    ("durability", include_str!("../lessons/durability.json")),
];

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// Rule ids of `kafka-semantics.md` the lesson teaches.
    pub rules: Vec<String>,
    pub goal: Goal,
    /// The client code, one string per line, by flavor (`kafka-python`, `java`).
    pub code: BTreeMap<String, Vec<String>>,
    /// The code line (1-based) each step runs, by `actor:op` (`worker:poll`, `worker:process-fail`).
    pub lines: BTreeMap<String, usize>,
    pub scenario: serde_json::Value,
    /// What to say at a moment of the lesson, by steps applied (`at`).
    pub script: Vec<ScriptEntry>,
    /// The code as it changes later in the lesson (the corrected loop replacing the one as written).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
}

/// From `from` steps applied on, the code panel shows this code and its steps run these lines.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub from: usize,
    pub code: BTreeMap<String, Vec<String>>,
    pub lines: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// What is graded, in a sentence the lesson page shows.
    pub text: String,
    /// Checked on the state at the end of the learner's timeline.
    pub checks: Vec<Check>,
    /// One way to reach the goal, which the tests replay: fork after `fork_at` steps, then take `steps`.
    pub solution: Solution,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Solution {
    pub fork_at: usize,
    /// Steps in the scenario format.
    pub steps: Vec<serde_json::Value>,
}

impl Goal {
    pub fn reached(&self, cluster: &Cluster) -> bool {
        self.checks.iter().all(|check| check.holds(cluster))
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptEntry {
    pub at: usize,
    pub say: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
}

/// Asked at the entry's moment; the answer shows once the learner reaches `reveal_at`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub prompt: String,
    pub choices: Vec<Choice>,
    pub reveal_at: usize,
    /// Why the model did what it did, shown with the answer.
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    pub text: String,
    /// True of the model's state at `reveal_at` exactly when this choice is right.
    pub check: Check,
}

/// A fact about the model's state, in the output contract's names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The group's committed offset for the partition (`null`: none committed).
    Committed {
        group: String,
        topic: String,
        partition: u32,
        offset: Option<u64>,
    },
    /// The consumer's position for the partition.
    Position {
        consumer: String,
        topic: String,
        partition: u32,
        offset: u64,
    },
    /// How many times the group applied the message's side effect.
    Processed {
        value: String,
        group: String,
        times: u32,
    },
    /// Whether the ledger gives the message this label.
    Label {
        value: String,
        label: String,
        present: bool,
    },
    /// Records (not markers) in the partition's log.
    Records {
        topic: String,
        partition: u32,
        count: usize,
    },
    ConsumerState {
        consumer: String,
        state: String,
    },
    /// Every ledger row carries exactly these labels.
    AllLabelled {
        labels: Vec<String>,
    },
    /// How many times the group was handed the message.
    Delivered {
        value: String,
        group: String,
        times: u32,
    },
    /// How many times the application handed the message to a producer (L1).
    Sent {
        value: String,
        times: u32,
    },
    /// Committed copies of the message in the log (records outside transactions count as committed).
    Copies {
        value: String,
        committed: u32,
    },
    /// The log entry at `offset` is of this `entry` kind (`record`, `commit_marker`, `abort_marker`) and, if given,
    /// has this transaction status (`none`, `open`, `committed`, `aborted`) and this value.
    Entry {
        topic: String,
        partition: u32,
        offset: u64,
        entry: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transaction: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// The partition's high watermark, last stable offset, leader and whether it is offline (no leader);
    /// only the fields given are checked.
    Partition {
        topic: String,
        partition: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        high_watermark: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_stable_offset: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        leader: Option<u16>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offline: Option<bool>,
        /// The in-sync replicas (brokers), in the output's order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        isr: Option<Vec<u16>>,
    },
    /// A producer's state (`ready`, `in_transaction`, `fenced`, `crashed`, …), PID and epoch; only the
    /// fields given are checked.
    Producer {
        producer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        producer_id: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        epoch: Option<u16>,
    },
    /// The coordinator's record of a transactional.id (T3 state name, epoch); only the fields given are
    /// checked.
    Transaction {
        transactional_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        epoch: Option<u16>,
    },
}

impl Check {
    pub fn holds(&self, cluster: &Cluster) -> bool {
        let state = final_state(cluster);
        let ledger = || ledger_output(cluster);
        match self {
            Check::Committed {
                group,
                topic,
                partition,
                offset,
            } => {
                let found = state
                    .groups
                    .iter()
                    .find(|g| &g.group_id == group)
                    .and_then(|g| {
                        g.committed
                            .iter()
                            .find(|c| &c.topic == topic && c.partition == *partition)
                    })
                    .map(|c| c.offset);
                found == *offset
            }
            Check::Position {
                consumer,
                topic,
                partition,
                offset,
            } => state.consumers.iter().any(|c| {
                &c.id == consumer
                    && c.positions.iter().any(|p| {
                        &p.topic == topic && p.partition == *partition && p.offset == *offset
                    })
            }),
            Check::Processed {
                value,
                group,
                times,
            } => {
                let done = ledger()
                    .iter()
                    .find(|row| &row.value == value)
                    .and_then(|row| row.by_group.iter().find(|g| &g.group_id == group))
                    .map_or(0, |g| g.processed);
                done == *times
            }
            Check::Label {
                value,
                label,
                present,
            } => {
                let has = ledger()
                    .iter()
                    .any(|row| &row.value == value && row.labels.contains(label));
                has == *present
            }
            Check::Records {
                topic,
                partition,
                count,
            } => state
                .partitions
                .iter()
                .find(|p| &p.topic == topic && p.partition == *partition)
                .is_some_and(|p| p.log.iter().filter(|e| e.kind == "record").count() == *count),
            Check::ConsumerState { consumer, state: s } => state
                .consumers
                .iter()
                .any(|c| &c.id == consumer && &c.state == s),
            Check::AllLabelled { labels } => {
                let rows = ledger();
                !rows.is_empty() && rows.iter().all(|row| &row.labels == labels)
            }
            Check::Delivered {
                value,
                group,
                times,
            } => {
                let got = ledger()
                    .iter()
                    .find(|row| &row.value == value)
                    .and_then(|row| row.by_group.iter().find(|g| &g.group_id == group))
                    .map_or(0, |g| g.delivered);
                got == *times
            }
            Check::Sent { value, times } => {
                let got = ledger()
                    .iter()
                    .find(|row| &row.value == value)
                    .map_or(0, |row| row.sent);
                got == *times
            }
            Check::Copies { value, committed } => {
                let got = ledger()
                    .iter()
                    .find(|row| &row.value == value)
                    .map_or(0, |row| row.committed_copies);
                got == *committed
            }
            Check::Entry {
                topic,
                partition,
                offset,
                entry,
                transaction,
                value,
            } => state
                .partitions
                .iter()
                .find(|p| &p.topic == topic && p.partition == *partition)
                .and_then(|p| p.log.iter().find(|e| e.offset == *offset))
                .is_some_and(|e| {
                    &e.kind == entry
                        && transaction.as_ref().is_none_or(|t| &e.transaction == t)
                        && value.as_ref().is_none_or(|v| e.value.as_ref() == Some(v))
                }),
            Check::Partition {
                topic,
                partition,
                high_watermark,
                last_stable_offset,
                leader,
                offline,
                isr,
            } => state
                .partitions
                .iter()
                .find(|p| &p.topic == topic && p.partition == *partition)
                .is_some_and(|p| {
                    high_watermark.is_none_or(|hw| p.high_watermark == hw)
                        && last_stable_offset.is_none_or(|lso| p.last_stable_offset == lso)
                        && leader.is_none_or(|l| p.leader == Some(l))
                        && offline.is_none_or(|o| p.leader.is_none() == o)
                        && isr.as_ref().is_none_or(|isr| &p.isr == isr)
                }),
            Check::Producer {
                producer,
                state: s,
                producer_id,
                epoch,
            } => state.producers.iter().any(|p| {
                &p.id == producer
                    && s.as_ref().is_none_or(|s| &p.state == s)
                    && producer_id.is_none_or(|id| p.producer_id == Some(id))
                    && epoch.is_none_or(|e| p.producer_epoch == Some(e))
            }),
            Check::Transaction {
                transactional_id,
                state: s,
                epoch,
            } => state.transactions.iter().any(|t| {
                &t.transactional_id == transactional_id
                    && s.as_ref().is_none_or(|s| &t.state == s)
                    && epoch.is_none_or(|e| t.producer_epoch == e)
            }),
        }
    }
}

/// Why a lesson file cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LessonError {
    #[error("lesson {id}: {message}")]
    Format { id: String, message: String },
    #[error("lesson {id}: its scenario is invalid: {source}")]
    Scenario { id: String, source: ScenarioError },
}

impl Lesson {
    pub fn parse(id: &str, text: &str) -> Result<Lesson, LessonError> {
        let lesson: Lesson = serde_json::from_str(text).map_err(|e| LessonError::Format {
            id: id.to_string(),
            message: e.to_string(),
        })?;
        lesson.parsed_scenario()?;
        Ok(lesson)
    }

    pub fn parsed_scenario(&self) -> Result<Scenario, LessonError> {
        scenario_from_value(&self.scenario).map_err(|source| LessonError::Scenario {
            id: self.id.clone(),
            source,
        })
    }

    /// The lesson's steps recorded; the cursor at the start.
    pub fn timeline(&self) -> Result<Timeline, LessonError> {
        let mut timeline = Timeline::from_scenario(&self.parsed_scenario()?);
        timeline.jump(0);
        Ok(timeline)
    }

    /// The lesson's scenario with the solution's fork, run to its end.
    pub fn solved(&self) -> Result<Timeline, LessonError> {
        let mut scenario = self.scenario.clone();
        let format = |message: &str| LessonError::Format {
            id: self.id.clone(),
            message: message.to_string(),
        };
        let steps = scenario
            .get_mut("steps")
            .and_then(|steps| steps.as_array_mut())
            .ok_or_else(|| format("the scenario has no steps"))?;
        if self.goal.solution.fork_at > steps.len() {
            return Err(format("the solution forks after the last step"));
        }
        steps.truncate(self.goal.solution.fork_at);
        steps.extend(self.goal.solution.steps.iter().cloned());
        let scenario = scenario_from_value(&scenario).map_err(|source| LessonError::Scenario {
            id: self.id.clone(),
            source,
        })?;
        Ok(Timeline::from_scenario(&scenario))
    }

    /// The code shown after `at` steps, and the lines its steps run: the latest revision in force.
    pub fn code_at(&self, at: usize) -> (&BTreeMap<String, Vec<String>>, &BTreeMap<String, usize>) {
        self.revisions
            .iter()
            .rev()
            .find(|revision| revision.from <= at)
            .map_or((&self.code, &self.lines), |revision| {
                (&revision.code, &revision.lines)
            })
    }

    /// The code line that the step bringing the lesson to `at` steps runs, looked up by `actor:op`
    /// (`actor:process-fail` for a failed process, `actor:process-idempotent` for a deduplicating one).
    pub fn line_of(&self, at: usize, actor: Option<&str>, action: &Action) -> Option<usize> {
        let actor = actor.unwrap_or("cluster");
        let op = action.op_name();
        let key = match action {
            Action::ConsumerProcess { fail: true, .. } => format!("{actor}:{op}-fail"),
            Action::ConsumerProcess {
                idempotent: true, ..
            } => format!("{actor}:{op}-idempotent"),
            _ => format!("{actor}:{op}"),
        };
        self.code_at(at).1.get(&key).copied()
    }
}

impl Question {
    /// The indices of the choices true of `cluster` — exactly one for a well-made question.
    pub fn right_choices(&self, cluster: &Cluster) -> Vec<usize> {
        self.choices
            .iter()
            .enumerate()
            .filter(|(_, choice)| choice.check.holds(cluster))
            .map(|(i, _)| i)
            .collect()
    }
}

/// Every lesson of the course, in order. The files are part of the program, so a broken one is a bug that
/// the tests catch; it is reported, never a panic.
pub fn lessons() -> Vec<Result<Lesson, LessonError>> {
    SOURCES
        .iter()
        .map(|(id, text)| Lesson::parse(id, text))
        .collect()
}

/// The `lessons` subcommand's listing, the whole course in order (the lessons, then the Compare and
/// Experiments pages): id, title, rules, goal.
pub fn listing() -> Result<serde_json::Value, LessonError> {
    let mut out = Vec::new();
    for lesson in lessons() {
        let lesson = lesson?;
        out.push(serde_json::json!({
            "id": lesson.id,
            "title": lesson.title,
            "rules": lesson.rules,
            "goal": lesson.goal.text,
        }));
    }
    for page in PAGES {
        out.push(serde_json::json!({
            "id": page.id,
            "title": page.title,
            "rules": page.rules,
            "goal": page.goal,
        }));
    }
    Ok(serde_json::Value::Array(out))
}
