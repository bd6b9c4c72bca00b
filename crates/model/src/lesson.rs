//! Lessons as data: a scenario in the contract's format, the client code it runs, what to say at each step,
//! predict-then-reveal questions whose right answer is whatever the model then does, and a goal the model
//! checks. The files live in `crates/model/lessons/`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::cluster::Cluster;
use crate::consumer::ConsumerState;
use crate::course_page::PAGES;
use crate::design::Design;
use crate::ledger::Label;
use crate::output::{final_state, ledger_output, short_value, FinalState, LedgerOut};
use crate::partition_log::{EntryKind, TxnStatus};
use crate::producer::ProducerState;
use crate::scenario::{scenario_from_value, Scenario, ScenarioError};
use crate::timeline::Timeline;
use crate::transaction_coordinator::TxnState;

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
    (
        "rebalance-duplicates",
        include_str!("../lessons/rebalance-duplicates.json"),
    ),
    (
        "slow-consumer",
        include_str!("../lessons/slow-consumer.json"),
    ),
    ("poison-pill", include_str!("../lessons/poison-pill.json")),
    (
        "cooperative-static",
        include_str!("../lessons/cooperative-static.json"),
    ),
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
    /// The lesson in short stretches, in order; each but the last ends where a question is asked, the last at
    /// the lesson's end, with the goal.
    pub chapters: Vec<Chapter>,
    /// The code as it changes later in the lesson (the corrected loop replacing the one as written).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
    /// What the learner now knows, a few sentences shown at the lesson's end and on its printable page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recap: Vec<String>,
    /// A goal the learner meets by choosing how the loop is written, tried with a crash at every call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design: Option<Design>,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Chapter {
    pub title: String,
    /// Steps applied when the chapter ends; it starts where the one before ended (the first at 0).
    pub end: usize,
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
    /// Shown one at a time on the learner's asking; the last says how, and the solution follows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
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
    /// Judged once the cluster has settled (markers the coordinator owes are written).
    pub fn reached(&self, cluster: &Cluster) -> bool {
        self.failure(cluster).is_none()
    }

    /// What keeps the goal from being met, in a sentence naming the message or the value and the condition.
    pub fn failure(&self, cluster: &Cluster) -> Option<String> {
        let settled = cluster.settled();
        self.checks.iter().find_map(|check| check.failure(&settled))
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptEntry {
    pub at: usize,
    pub say: String,
    /// A common belief about Kafka, in our words, that the steps from here put to the test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
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

/// A fact about the model's state, in the output contract's names. Written tagged by `kind`; read by
/// `check_read`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "snake_case",
    try_from = "crate::check_read::CheckFields"
)]
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
        label: Label,
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
        state: ConsumerState,
    },
    /// The logical clock has reached `at_least_ms`: time the learner's steps must let pass.
    Clock { at_least_ms: u64 },
    /// Whether the consumer's current instance owns the partition (G1).
    Assigned {
        consumer: String,
        topic: String,
        partition: u32,
        present: bool,
    },
    /// Every ledger row carries exactly these labels.
    AllLabelled { labels: Vec<Label> },
    /// No ledger row carries any of these labels (and something was sent).
    NoneLabelled { labels: Vec<Label> },
    /// Every message sent has this many committed copies in the log.
    AllCopies { committed: u32 },
    /// How many times the group was handed the message.
    Delivered {
        value: String,
        group: String,
        times: u32,
    },
    /// How many times the application handed the message to a producer (L1).
    Sent { value: String, times: u32 },
    /// Committed copies of the message in the log (records outside transactions count as committed).
    Copies { value: String, committed: u32 },
    /// The log entry at `offset` is of this `entry` kind and, if given, has this transaction status and
    /// this value.
    Entry {
        topic: String,
        partition: u32,
        offset: u64,
        entry: EntryKind,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transaction: Option<TxnStatus>,
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
    /// A producer's state, PID and epoch; only the fields given are checked.
    Producer {
        producer: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<ProducerState>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        producer_id: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        epoch: Option<i16>,
    },
    /// The coordinator's record of a transactional.id (T3 state, epoch); only the fields given are checked.
    Transaction {
        transactional_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<TxnState>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        epoch: Option<i16>,
    },
}

/// `None` (not given) holds of anything.
fn given<T: PartialEq>(wanted: &Option<T>, actual: T) -> bool {
    wanted.as_ref().is_none_or(|w| *w == actual)
}

impl Check {
    pub fn holds(&self, cluster: &Cluster) -> bool {
        let state = final_state(cluster);
        let ledger = ledger_output(cluster);
        let row = |value: &str| LedgerOut::find(&ledger, value);
        let in_group = |value: &str, group: &str| row(value).and_then(|r| r.group(group));
        match self {
            Check::Committed {
                group,
                topic,
                partition,
                offset,
            } => state.committed(group, topic, *partition) == *offset,
            Check::Position {
                consumer,
                topic,
                partition,
                offset,
            } => {
                state
                    .consumer(consumer)
                    .and_then(|c| c.position(topic, *partition))
                    == Some(*offset)
            }
            Check::Processed {
                value,
                group,
                times,
            } => in_group(value, group).map_or(0, |g| g.processed) == *times,
            Check::Label {
                value,
                label,
                present,
            } => row(value).is_some_and(|r| r.labels.contains(label)) == *present,
            Check::Records {
                topic,
                partition,
                count,
            } => state
                .partition(topic, *partition)
                .is_some_and(|p| p.records() == *count),
            Check::Clock { at_least_ms } => cluster.now_ms() >= *at_least_ms,
            Check::Assigned {
                consumer,
                topic,
                partition,
                present,
            } => owns(&state, consumer, topic, *partition) == *present,
            Check::ConsumerState { consumer, state: s } => {
                state.consumer(consumer).is_some_and(|c| c.state == *s)
            }
            Check::AllLabelled { labels } => {
                !ledger.is_empty() && ledger.iter().all(|r| &r.labels == labels)
            }
            Check::AllCopies { committed } => {
                !ledger.is_empty() && ledger.iter().all(|r| r.committed_copies == *committed)
            }
            Check::NoneLabelled { labels } => {
                !ledger.is_empty()
                    && !ledger
                        .iter()
                        .any(|r| r.labels.iter().any(|l| labels.contains(l)))
            }
            Check::Delivered {
                value,
                group,
                times,
            } => in_group(value, group).map_or(0, |g| g.delivered) == *times,
            Check::Sent { value, times } => row(value).map_or(0, |r| r.sent) == *times,
            Check::Copies { value, committed } => {
                row(value).map_or(0, |r| r.committed_copies) == *committed
            }
            Check::Entry {
                topic,
                partition,
                offset,
                entry,
                transaction,
                value,
            } => state
                .partition(topic, *partition)
                .and_then(|p| p.entry(*offset))
                .is_some_and(|e| {
                    e.kind == *entry
                        && given(transaction, e.transaction)
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
            } => state.partition(topic, *partition).is_some_and(|p| {
                given(high_watermark, p.high_watermark)
                    && given(last_stable_offset, p.last_stable_offset)
                    && leader.is_none_or(|l| p.leader == Some(l))
                    && given(offline, p.leader.is_none())
                    && isr.as_ref().is_none_or(|isr| &p.isr == isr)
            }),
            Check::Producer {
                producer,
                state: s,
                producer_id,
                epoch,
            } => state.producer(producer).is_some_and(|p| {
                given(s, p.state)
                    && producer_id.is_none_or(|id| p.producer_id == Some(id))
                    && epoch.is_none_or(|e| p.producer_epoch == Some(e))
            }),
            Check::Transaction {
                transactional_id,
                state: s,
                epoch,
            } => state
                .transaction(transactional_id)
                .is_some_and(|t| given(s, t.state) && given(epoch, t.producer_epoch)),
        }
    }
}

/// A count in words: "0 times", "once", "twice", "3 times".
fn times(n: u32) -> String {
    match n {
        0 => "0 times".to_owned(),
        1 => "once".to_owned(),
        2 => "twice".to_owned(),
        n => format!("{n} times"),
    }
}

/// "record #1, aborted", "commit marker".
fn entry_words(kind: EntryKind, transaction: Option<TxnStatus>, value: Option<&str>) -> String {
    let mut words = match (kind, value) {
        (EntryKind::Record, Some(value)) => format!("record {}", short_value(value)),
        (kind, _) => kind.name().replace('_', " "),
    };
    if let Some(status) = transaction.filter(|t| *t != TxnStatus::None) {
        words.push_str(&format!(", {}", status.name()));
    }
    words
}

/// "a committed record", "a committed record b", "an abort marker".
fn wanted_entry(kind: EntryKind, transaction: Option<TxnStatus>, value: Option<&str>) -> String {
    let status = transaction
        .filter(|t| *t != TxnStatus::None)
        .map_or(String::new(), |t| format!("{} ", t.name()));
    let what = format!("{status}{}", kind.name().replace('_', " "));
    let article = if what.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    match value {
        Some(value) => format!("{article} {what} {}", short_value(value)),
        None => format!("{article} {what}"),
    }
}

/// "1 committed copy", "2 committed copies".
fn copies(n: u32) -> String {
    match n {
        1 => "1 committed copy".to_owned(),
        n => format!("{n} committed copies"),
    }
}

fn offset(o: Option<u64>) -> String {
    o.map_or_else(|| "none".to_owned(), |o| o.to_string())
}

fn labels(list: &[Label]) -> String {
    match list {
        [] => "no label".to_owned(),
        list => list.iter().map(|l| l.name()).collect::<Vec<_>>().join(", "),
    }
}

impl Check {
    /// `None` when the check holds; else what is true instead, naming the message or the value.
    pub fn failure(&self, cluster: &Cluster) -> Option<String> {
        if self.holds(cluster) {
            return None;
        }
        let state = final_state(cluster);
        let ledger = ledger_output(cluster);
        let row = |value: &str| LedgerOut::find(&ledger, value);
        let in_group = |value: &str, group: &str| row(value).and_then(|r| r.group(group)).cloned();
        Some(match self {
            Check::Committed {
                group,
                topic,
                partition,
                offset: wanted,
            } => format!(
                "group {group}'s committed offset for {topic}-{partition} is {}; the goal asks for {}",
                offset(state.committed(group, topic, *partition)),
                offset(*wanted)
            ),
            Check::Position {
                consumer,
                topic,
                partition,
                offset: wanted,
            } => format!(
                "{consumer}'s position in {topic}-{partition} is {}; the goal asks for {wanted}",
                offset(
                    state
                        .consumer(consumer)
                        .and_then(|c| c.position(topic, *partition))
                )
            ),
            Check::Processed {
                value,
                group,
                times: wanted,
            } => format!(
                "{} was processed by {group} {}; the goal asks for {}",
                short_value(value),
                times(in_group(value, group).map_or(0, |g| g.processed)),
                times(*wanted)
            ),
            Check::Delivered {
                value,
                group,
                times: wanted,
            } => format!(
                "{} was handed to {group} {}; the goal asks for {}",
                short_value(value),
                times(in_group(value, group).map_or(0, |g| g.delivered)),
                times(*wanted)
            ),
            Check::Label {
                value,
                label,
                present,
            } => format!(
                "{} is labelled {}, which {} {}",
                short_value(value),
                labels(row(value).map_or(&[][..], |r| &r.labels[..])),
                if *present { "lacks" } else { "has" },
                label.name()
            ),
            Check::AllLabelled { labels: wanted } => {
                match ledger.iter().find(|r| &r.labels != wanted) {
                    Some(r) => format!(
                        "{} is labelled {}; the goal asks for {}",
                        short_value(&r.value),
                        labels(&r.labels),
                        labels(wanted)
                    ),
                    None => "no message has been sent".to_owned(),
                }
            }
            Check::AllCopies { committed: wanted } => {
                match ledger.iter().find(|r| r.committed_copies != *wanted) {
                    Some(r) => format!(
                        "the log holds {} of {}; the goal asks for {}",
                        copies(r.committed_copies),
                        short_value(&r.value),
                        copies(*wanted)
                    ),
                    None => "no message has been sent".to_owned(),
                }
            }
            Check::NoneLabelled { labels: unwanted } => {
                match ledger
                    .iter()
                    .find(|r| r.labels.iter().any(|l| unwanted.contains(l)))
                {
                    Some(r) => format!(
                        "{} is labelled {}; the goal asks for no message labelled {}",
                        short_value(&r.value),
                        labels(&r.labels),
                        unwanted
                            .iter()
                            .map(|l| l.name())
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                    None => "no message has been sent".to_owned(),
                }
            }
            Check::Sent {
                value,
                times: wanted,
            } => format!(
                "{} was sent {}; the goal asks for {}",
                short_value(value),
                times(row(value).map_or(0, |r| r.sent)),
                times(*wanted)
            ),
            Check::Copies { value, committed } => format!(
                "the log holds {} cop{} of {} (not aborted); the goal asks for {committed}",
                row(value).map_or(0, |r| r.committed_copies),
                if row(value).map_or(0, |r| r.committed_copies) == 1 {
                    "y"
                } else {
                    "ies"
                },
                short_value(value)
            ),
            Check::Records {
                topic,
                partition,
                count,
            } => format!(
                "{topic}-{partition} holds {} records; the goal asks for {count}",
                state
                    .partition(topic, *partition)
                    .map_or(0, |p| p.records())
            ),
            Check::Clock { at_least_ms } => format!(
                "the clock is at {} ms; the goal asks for at least {at_least_ms} ms",
                cluster.now_ms()
            ),
            Check::Assigned {
                consumer,
                topic,
                partition,
                present,
            } => format!(
                "{consumer} {} {topic}-{partition}; the goal asks that it {}",
                if owns(&state, consumer, topic, *partition) { "owns" } else { "does not own" },
                if *present { "does" } else { "does not" }
            ),
            Check::ConsumerState {
                consumer,
                state: wanted,
            } => format!(
                "{consumer} is {}; the goal asks for {}",
                state
                    .consumer(consumer)
                    .map_or("missing", |c| c.state.name()),
                wanted.name()
            ),
            Check::Entry {
                topic,
                partition,
                offset: at,
                entry,
                transaction,
                value,
            } => format!(
                "the entry at offset {at} of {topic}-{partition} is {}; the goal asks for {}",
                state
                    .partition(topic, *partition)
                    .and_then(|p| p.entry(*at))
                    .map_or("missing".to_owned(), |e| entry_words(
                        e.kind,
                        Some(e.transaction),
                        e.value.as_deref()
                    )),
                wanted_entry(*entry, *transaction, value.as_deref())
            ),
            Check::Partition {
                topic, partition, ..
            } => {
                format!("{topic}-{partition} is not in the state the goal asks for")
            }
            Check::Producer {
                producer, epoch, ..
            } => match state.producer(producer) {
                None => format!("{producer} is missing"),
                Some(p) => format!(
                    "{producer} is {} with epoch {}{}",
                    p.state.name(),
                    p.producer_epoch
                        .map_or("none".to_owned(), |e| e.to_string()),
                    epoch.map_or(String::new(), |e| format!("; the goal asks for epoch {e}"))
                ),
            },
            Check::Transaction {
                transactional_id, ..
            } => format!(
                "the coordinator shows {transactional_id} in {}",
                state
                    .transaction(transactional_id)
                    .map_or("no state", |t| t.state.name())
            ),
        })
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
        let scenario = lesson.parsed_scenario()?;
        lesson.check_chapters(scenario.steps.len())?;
        if let Some(problem) = lesson.design.as_ref().and_then(|d| d.problem(&scenario)) {
            return Err(LessonError::Format {
                id: lesson.id.clone(),
                message: format!("design: {problem}"),
            });
        }
        Ok(lesson)
    }

    /// Chapters cover the lesson, in order, and each but the last ends in a question.
    fn check_chapters(&self, steps: usize) -> Result<(), LessonError> {
        let wrong = |message: String| {
            Err(LessonError::Format {
                id: self.id.clone(),
                message,
            })
        };
        let Some(last) = self.chapters.last() else {
            return wrong("it has no chapters".to_string());
        };
        if last.end != steps {
            return wrong(format!(
                "its last chapter, \"{}\", ends at step {} but the lesson has {steps} steps",
                last.title, last.end
            ));
        }
        let mut start = 0;
        for chapter in &self.chapters {
            if chapter.end <= start {
                return wrong(format!(
                    "chapter \"{}\" ends at step {}, not after step {start} where it starts",
                    chapter.title, chapter.end
                ));
            }
            let asks = self
                .script
                .iter()
                .any(|entry| entry.at == chapter.end && entry.question.is_some());
            if chapter.end != steps && !asks {
                return wrong(format!(
                    "chapter \"{}\" ends at step {} where no question is asked",
                    chapter.title, chapter.end
                ));
            }
            start = chapter.end;
        }
        Ok(())
    }

    /// The chapter that `cursor` (steps applied) is in, by index: a chapter holds its end, not its start,
    /// so the moment a chapter's question is asked belongs to it.
    pub fn chapter_at(&self, cursor: usize) -> usize {
        self.chapters
            .iter()
            .position(|chapter| cursor <= chapter.end)
            .unwrap_or(self.chapters.len().saturating_sub(1))
    }

    /// Where chapter `index` starts: steps applied when it opens.
    pub fn chapter_start(&self, index: usize) -> usize {
        index
            .checked_sub(1)
            .and_then(|before| self.chapters.get(before))
            .map_or(0, |chapter| chapter.end)
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
/// Experiments pages): id, title, rules, goal, and each lesson's chapters with their first and last step.
pub fn listing() -> Result<serde_json::Value, LessonError> {
    let mut out = Vec::new();
    for lesson in lessons() {
        let lesson = lesson?;
        out.push(serde_json::json!({
            "id": lesson.id,
            "title": lesson.title,
            "rules": lesson.rules,
            "goal": lesson.goal.text,
            "chapters": lesson.chapters.iter().enumerate().map(|(i, chapter)| serde_json::json!({
                "title": chapter.title,
                "first_step": lesson.chapter_start(i) + 1,
                "last_step": chapter.end,
            })).collect::<Vec<_>>(),
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

/// Whether the consumer's current instance owns the partition.
fn owns(state: &FinalState, consumer: &str, topic: &str, partition: u32) -> bool {
    state.consumer(consumer).is_some_and(|c| {
        c.assignment
            .iter()
            .any(|tp| tp.topic == topic && tp.partition == partition)
    })
}
