//! Experiments: the same consumer application written for at-most-once, at-least-once and exactly-once, run
//! against seeded random crash schedules, and what each really delivered. The crash schedule decides, before
//! each call the application makes, whether the application dies there; the same seed gives the same
//! decisions to every guarantee, so their runs can be compared side by side.

use std::sync::Arc;

use crate::action::Action;
use crate::cluster::{ledger_rows, Cluster};
use crate::config::{key, Flavor, IsolationLevel, OffsetReset};
use crate::event::Event;
use crate::ids::{ClientIdx, GroupIdx, MessageId, Offset, TopicIdx, TopicPartition};
use crate::ledger::Label;
use crate::producer::ProducerState;
use crate::rng::SplitMix64;
use crate::scenario::{properties, Properties, ScenarioError, Setup, TopicSpec};
use crate::timeline::Timeline;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Guarantee {
    /// Commit, then process: a crash in between skips the record.
    AtMostOnce,
    /// Process, then commit: a crash in between repeats the record.
    AtLeastOnce,
    /// Read, process and write in one transaction with the consumer's offsets; read_committed downstream.
    ExactlyOnce,
}

impl Guarantee {
    pub const ALL: [Guarantee; 3] = [
        Guarantee::AtMostOnce,
        Guarantee::AtLeastOnce,
        Guarantee::ExactlyOnce,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Guarantee::AtMostOnce => "at-most-once",
            Guarantee::AtLeastOnce => "at-least-once",
            Guarantee::ExactlyOnce => "exactly-once",
        }
    }
}

/// What one run delivered, counted per input message. For exactly-once it is what the read_committed
/// reader downstream received (the loop's own database writes may still repeat: an abort does not undo
/// them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub messages: u32,
    pub exactly_once: u32,
    pub lost: u32,
    pub processed_twice: u32,
    pub duplicated: u32,
    pub crashes: u32,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.messages += other.messages;
        self.exactly_once += other.exactly_once;
        self.lost += other.lost;
        self.processed_twice += other.processed_twice;
        self.duplicated += other.duplicated;
        self.crashes += other.crashes;
    }
}

/// Crashes before an application call, drawn from the seed: each call dies with `percent` % chance, at
/// most `max_crashes` times a run, so every run ends.
#[derive(Debug, Clone)]
pub struct CrashSchedule {
    rng: SplitMix64,
    percent: u32,
    left: u32,
}

impl CrashSchedule {
    pub fn new(seed: u64, percent: u32, max_crashes: u32) -> Self {
        Self {
            rng: SplitMix64::new(seed),
            percent,
            left: max_crashes,
        }
    }

    fn crash_now(&mut self) -> bool {
        let hit = self.rng.below(100) < self.percent;
        if hit && self.left > 0 {
            self.left -= 1;
            return true;
        }
        false
    }
}

/// Where the application's actions go: a bare cluster (fast, for thousands of runs) or a timeline (to
/// play the run step by step).
trait Target {
    fn act(&mut self, action: Action) -> bool;
    fn state(&self) -> &Cluster;
}

struct Bare {
    cluster: Cluster,
    out: Vec<Event>,
}

impl Target for Bare {
    fn act(&mut self, action: Action) -> bool {
        self.out.clear();
        self.cluster.apply(&action, &mut self.out).is_ok()
    }
    fn state(&self) -> &Cluster {
        &self.cluster
    }
}

impl Target for Timeline {
    fn act(&mut self, action: Action) -> bool {
        self.apply(action).result.is_ok()
    }
    fn state(&self) -> &Cluster {
        Timeline::state(self)
    }
}

const WORKER: ClientIdx = ClientIdx(0);
const DOWNSTREAM: ClientIdx = ClientIdx(1);
const PROCESSOR: ClientIdx = ClientIdx(1);
const RESULTS: TopicIdx = TopicIdx(1);
const ORDERS_0: TopicPartition = TopicPartition {
    topic: TopicIdx(0),
    partition: 0,
};

/// The set-up, with the orders' and the results' values known to it.
struct Prototype {
    cluster: Cluster,
    orders: Vec<MessageId>,
    results: Vec<MessageId>,
}

/// The orders and results topics, the producer that writes the orders, the processor's transactional
/// producer, the worker and the read_committed reader downstream.
fn experiment_setup(guarantee: Guarantee, messages: u32) -> Result<Setup, ScenarioError> {
    let consumer = |group: &str, isolation: IsolationLevel| {
        properties([
            (key::GROUP_ID, group.into()),
            (key::ENABLE_AUTO_COMMIT, false.into()),
            (key::AUTO_OFFSET_RESET, OffsetReset::Earliest.name().into()),
            (key::ISOLATION_LEVEL, isolation.name().into()),
        ])
    };
    let isolation = match guarantee {
        Guarantee::ExactlyOnce => IsolationLevel::ReadCommitted,
        _ => IsolationLevel::ReadUncommitted,
    };
    let mut setup = Setup::new(Flavor::KafkaPython, 0);
    setup.title = Some(format!(
        "{}: {messages} orders and a random crash schedule",
        guarantee.name()
    ));
    let orders = setup.add_topic(TopicSpec::new("orders"))?;
    let results = setup.add_topic(TopicSpec::new("processed-orders"))?;
    setup.add_producer("producer", Properties::new())?;
    let transactional = properties([(key::TRANSACTIONAL_ID, "order-processor-tx".into())]);
    setup.add_producer("processor", transactional)?;
    setup.add_consumer(
        "worker",
        vec![orders],
        consumer("order-processor", isolation),
    )?;
    let downstream = consumer("shipping", IsolationLevel::ReadCommitted);
    setup.add_consumer("downstream", vec![results], downstream)?;
    Ok(setup)
}

fn prototype(guarantee: Guarantee, messages: u32) -> Prototype {
    let setup = experiment_setup(guarantee, messages).expect("the experiment's set-up is valid");
    let mut cluster = Cluster::new(Arc::new(setup), Arc::default());
    let orders = (0..messages)
        .map(|i| cluster.intern(&format!("{{\"order_id\": {i}, \"item\": \"widget\"}}")))
        .collect();
    let results = (0..messages)
        .map(|i| cluster.intern(&format!("{{\"order_id\": {i}, \"status\": \"processed\"}}")))
        .collect();
    Prototype {
        cluster,
        orders,
        results,
    }
}

/// The producer writes the orders before the application starts.
fn preload<T: Target>(t: &mut T, orders: &[MessageId]) {
    for value in orders {
        t.act(Action::ProducerSend {
            producer: ClientIdx(0),
            topic: TopicIdx(0),
            partition: Some(0),
            key: None,
            value: *value,
        });
    }
    t.act(Action::ProducerFlush {
        producer: ClientIdx(0),
    });
}

/// One run of `guarantee` over `messages` orders with the crash schedule of `seed`.
pub fn run(guarantee: Guarantee, messages: u32, seed: u64) -> Tally {
    run_many(guarantee, messages, seed..seed + 1)
}

/// The runs of every seed in `seeds`, added up; the set-up is built once and copied for each run.
pub fn run_many(guarantee: Guarantee, messages: u32, seeds: std::ops::Range<u64>) -> Tally {
    let p = prototype(guarantee, messages);
    let mut start = Bare {
        cluster: p.cluster,
        out: Vec::with_capacity(32),
    };
    preload(&mut start, &p.orders);
    let mut total = Tally::default();
    for seed in seeds {
        let mut bare = Bare {
            cluster: start.cluster.clone(),
            out: Vec::with_capacity(32),
        };
        let crashes = drive(&mut bare, guarantee, &p.results, &mut schedule(seed));
        total.add(&outcome(&bare.cluster, guarantee, &p.results, crashes));
    }
    total
}

/// The same run recorded step by step, to play in the app.
pub fn recorded(guarantee: Guarantee, messages: u32, seed: u64) -> (Timeline, Tally) {
    let p = prototype(guarantee, messages);
    let mut timeline = Timeline::new(p.cluster);
    preload(&mut timeline, &p.orders);
    let crashes = drive(&mut timeline, guarantee, &p.results, &mut schedule(seed));
    let outcome = outcome(timeline.state(), guarantee, &p.results, crashes);
    (timeline, outcome)
}

/// 10 % per call, at most 3 crashes a run.
fn schedule(seed: u64) -> CrashSchedule {
    CrashSchedule::new(seed, 10, 3)
}

/// The application's loop until its group has committed every order; returns the crashes.
fn drive<T: Target>(
    t: &mut T,
    guarantee: Guarantee,
    results: &[MessageId],
    schedule: &mut CrashSchedule,
) -> u32 {
    let n = results.len() as u64;
    let committed = |t: &T| {
        t.state().groups()[0]
            .committed
            .get(&ORDERS_0)
            .map_or(0, |o| o.0)
    };
    let transactional = guarantee == Guarantee::ExactlyOnce;
    let mut crashes = 0;
    let mut budget = 60 + 40 * n;
    if transactional {
        t.act(Action::ProducerInitTransactions {
            producer: PROCESSOR,
        });
    }
    while committed(t) < n && budget > 0 {
        budget -= 1;
        // The iteration's calls, each a point where the application may die.
        let mut calls = vec![Action::ConsumerPoll { consumer: WORKER }];
        let process = Action::ConsumerProcess {
            consumer: WORKER,
            fail: false,
            idempotent: false,
        };
        let commit = Action::ConsumerCommit {
            consumer: WORKER,
            offsets: None,
        };
        let mut k = 0;
        while k < calls.len() {
            if schedule.crash_now() {
                crashes += 1;
                recover(t, transactional);
                break;
            }
            let ok = t.act(calls[k].clone());
            if k == 0 {
                // What the poll handed out decides the rest of the iteration.
                let received = t.state().consumers()[0].received.back().map(|r| r.offset.0);
                let Some(offset) = received.filter(|_| ok) else {
                    break;
                };
                calls.extend(match guarantee {
                    Guarantee::AtMostOnce => vec![commit.clone(), process.clone()],
                    Guarantee::AtLeastOnce => vec![process.clone(), commit.clone()],
                    Guarantee::ExactlyOnce => vec![
                        Action::ProducerBeginTransaction {
                            producer: PROCESSOR,
                        },
                        process.clone(),
                        Action::ProducerSend {
                            producer: PROCESSOR,
                            topic: RESULTS,
                            partition: Some(0),
                            key: None,
                            value: results[offset as usize],
                        },
                        Action::ProducerSendOffsetsToTransaction {
                            producer: PROCESSOR,
                            consumer: WORKER,
                        },
                        Action::ProducerCommitTransaction {
                            producer: PROCESSOR,
                        },
                    ],
                });
            } else if !ok && transactional {
                // Abort and go back to the committed offset (C7).
                abort_and_seek_back(t);
                break;
            }
            k += 1;
        }
    }
    if transactional {
        // Let the last markers land, then the downstream reader reads everything.
        t.act(Action::ClockAdvance { ms: 0 });
        let mut idle = 0;
        while idle < 2 {
            t.act(Action::ConsumerPoll {
                consumer: DOWNSTREAM,
            });
            if t.state().consumers()[1].received.is_empty() {
                idle += 1;
            } else {
                t.act(Action::ConsumerProcess {
                    consumer: DOWNSTREAM,
                    fail: false,
                    idempotent: false,
                });
                idle = 0;
            }
        }
    }
    crashes
}

/// The application died: its consumer (and its transactional producer) restart and carry on.
fn recover<T: Target>(t: &mut T, transactional: bool) {
    if transactional {
        t.act(Action::ProducerCrash {
            producer: PROCESSOR,
        });
    }
    t.act(Action::ConsumerCrash { consumer: WORKER });
    let session = t.state().setup().consumers[WORKER.0 as usize]
        .config
        .session_timeout_ms;
    t.act(Action::ClockAdvance { ms: session });
    t.act(Action::ConsumerRestart { consumer: WORKER });
    if transactional {
        t.act(Action::ProducerRestart {
            producer: PROCESSOR,
        });
        // The new instance's init aborts the old one's open transaction (T2).
        t.act(Action::ProducerInitTransactions {
            producer: PROCESSOR,
        });
    }
}

fn abort_and_seek_back<T: Target>(t: &mut T) {
    if t.state().producers()[PROCESSOR.0 as usize].state == ProducerState::InTransaction {
        t.act(Action::ProducerAbortTransaction {
            producer: PROCESSOR,
        });
    }
    if t.state().consumers()[0].positions.contains_key(&ORDERS_0) {
        let offset = t.state().groups()[0]
            .committed
            .get(&ORDERS_0)
            .copied()
            .unwrap_or(Offset(0));
        t.act(Action::ConsumerSeek {
            consumer: WORKER,
            tp: ORDERS_0,
            offset,
        });
    }
}

/// Counts per input: for at-most-once and at-least-once, the worker's group and the orders; for
/// exactly-once, the downstream reader and each order's result.
fn outcome(cluster: &Cluster, guarantee: Guarantee, results: &[MessageId], crashes: u32) -> Tally {
    let rows = ledger_rows(cluster);
    let (group, watched): (GroupIdx, Vec<Option<&crate::ledger::LedgerRow>>) = match guarantee {
        Guarantee::ExactlyOnce => (
            GroupIdx(1),
            results
                .iter()
                .map(|value| rows.iter().find(|row| row.value == *value))
                .collect(),
        ),
        _ => (
            GroupIdx(0),
            rows.iter()
                .filter(|row| !results.contains(&row.value))
                .map(Some)
                .collect(),
        ),
    };
    let mut out = Tally {
        messages: results.len() as u32,
        crashes,
        ..Tally::default()
    };
    for row in watched {
        let Some(row) = row else {
            out.lost += 1;
            continue;
        };
        let processed = row
            .by_group
            .iter()
            .find(|(g, _)| *g == group)
            .map_or(0, |(_, counts)| counts.processed);
        let duplicated = row.labels.contains(&Label::DuplicateInLog);
        out.duplicated += u32::from(duplicated);
        match processed {
            0 => out.lost += 1,
            1 if !duplicated => out.exactly_once += 1,
            1 => {}
            _ => out.processed_twice += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_crashes_every_guarantee_delivers_each_message_once() {
        for guarantee in Guarantee::ALL {
            let p = prototype(guarantee, 5);
            let mut bare = Bare {
                cluster: p.cluster,
                out: Vec::new(),
            };
            preload(&mut bare, &p.orders);
            let crashes = drive(
                &mut bare,
                guarantee,
                &p.results,
                &mut CrashSchedule::new(1, 0, 0),
            );
            let o = outcome(&bare.cluster, guarantee, &p.results, crashes);
            assert_eq!(
                (o.exactly_once, o.lost, o.processed_twice),
                (5, 0, 0),
                "{}",
                guarantee.name()
            );
        }
    }

    fn over_seeds(guarantee: Guarantee) -> Tally {
        let total = run_many(guarantee, 10, 0..300);
        let mut one_by_one = Tally::default();
        for seed in 0..300 {
            one_by_one.add(&run(guarantee, 10, seed));
        }
        assert_eq!(total, one_by_one);
        total
    }

    #[test]
    fn at_most_once_loses_under_crashes_but_never_repeats() {
        let total = over_seeds(Guarantee::AtMostOnce);
        assert_eq!(total.processed_twice, 0);
        assert!(total.lost > 0, "{total:?}");
        assert!(total.crashes > 0);
    }

    #[test]
    fn at_least_once_repeats_under_crashes_but_never_loses() {
        let total = over_seeds(Guarantee::AtLeastOnce);
        assert_eq!(total.lost, 0);
        assert!(total.processed_twice > 0, "{total:?}");
    }

    #[test]
    fn exactly_once_delivers_each_result_once_under_any_schedule() {
        let total = over_seeds(Guarantee::ExactlyOnce);
        assert_eq!(total.exactly_once, total.messages, "{total:?}");
        assert!(total.crashes > 0);
    }

    #[test]
    fn a_recorded_run_matches_the_fast_run() {
        for guarantee in Guarantee::ALL {
            let (timeline, outcome) = recorded(guarantee, 8, 11);
            assert_eq!(outcome, run(guarantee, 8, 11));
            assert!(timeline.len() > 8);
        }
    }

    #[test]
    fn a_recorded_run_exports_as_a_scenario_that_replays_the_same() {
        let (timeline, _) = recorded(Guarantee::AtLeastOnce, 5, 3);
        let exported = timeline.to_scenario_json().to_string();
        let replayed = crate::runner::run_json(&exported).expect("the export is a valid scenario");
        let labels = |o: &crate::output::Output| {
            o.ledger
                .iter()
                .map(|r| r.labels.clone())
                .collect::<Vec<_>>()
        };
        let direct = crate::output::ledger_output(timeline.state());
        assert_eq!(
            labels(&replayed),
            direct.iter().map(|r| r.labels.clone()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn same_seed_same_outcome() {
        for guarantee in Guarantee::ALL {
            assert_eq!(run(guarantee, 20, 42), run(guarantee, 20, 42));
        }
    }
}
