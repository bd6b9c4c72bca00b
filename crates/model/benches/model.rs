//! `cargo bench -p kafka-model`: plain numbers for the model's hot paths.
//! (std::time is used here only, never in the library.)

use std::hint::black_box;
use std::time::{Duration, Instant};

use kafka_model::action::Action;
use kafka_model::cluster::ledger_rows;
use kafka_model::ids::{ClientIdx, MessageId, TopicIdx};
use kafka_model::ledger::Label;
use kafka_model::rng::SplitMix64;
use kafka_model::{enabled_actions, parse_scenario, Cluster, Timeline};

const P: ClientIdx = ClientIdx(0);
const W: ClientIdx = ClientIdx(0);
const T: TopicIdx = TopicIdx(0);

fn prototype(values: usize) -> (Cluster, Vec<MessageId>) {
    let s = parse_scenario(
        r#"{"topics": [{"name": "orders"}],
            "producers": [{"id": "producer"}],
            "consumers": [{"id": "worker", "subscribe": ["orders"],
                           "config": {"group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest"}}],
            "steps": []}"#,
    )
    .expect("valid");
    let mut c = Cluster::from_scenario(&s);
    let ids = (0..values)
        .map(|i| c.intern(&format!("{{\"order_id\": {i}, \"item\": \"widget\"}}")))
        .collect();
    (c, ids)
}

fn simple_actions() {
    let (mut c, ids) = prototype(1000);
    let mut out = Vec::with_capacity(16);
    let cycles = 200_000;
    let start = Instant::now();
    for i in 0..cycles {
        let value = ids[i % ids.len()];
        for a in [
            Action::ProducerSend {
                producer: P,
                topic: T,
                partition: None,
                key: None,
                value,
            },
            Action::ProducerFlush { producer: P },
            Action::ConsumerPoll { consumer: W },
            Action::ConsumerProcess {
                consumer: W,
                fail: false,
                idempotent: false,
            },
            Action::ConsumerCommit {
                consumer: W,
                offsets: None,
            },
        ] {
            out.clear();
            let _ = black_box(c.apply(&a, &mut out));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "simple actions (send/flush/poll/process/commit): {:.0} actions/s ({} actions in {:.3} s)",
        (cycles * 5) as f64 / secs,
        cycles * 5,
        secs
    );
}

/// One 100-message at-least-once run (poll → process → commit) with seeded random crashes.
fn at_least_once_run(
    proto: &Cluster,
    ids: &[MessageId],
    seed: u64,
    out: &mut Vec<kafka_model::Event>,
) -> bool {
    let mut c = proto.clone();
    let mut rng = SplitMix64::new(seed);
    for &value in ids {
        let _ = c.apply(
            &Action::ProducerSend {
                producer: P,
                topic: T,
                partition: None,
                key: None,
                value,
            },
            out,
        );
    }
    let _ = c.apply(&Action::ProducerFlush { producer: P }, out);
    let mut guard = 0;
    while c.groups()[0].committed.values().next().map_or(0, |o| o.0) < ids.len() as u64
        && guard < 10_000
    {
        guard += 1;
        out.clear();
        if rng.below(100) < 2 {
            let _ = c.apply(&Action::ConsumerCrash { consumer: W }, out);
            let _ = c.apply(&Action::ClockAdvance { ms: 45_000 }, out);
            let _ = c.apply(&Action::ConsumerRestart { consumer: W }, out);
            continue;
        }
        let _ = c.apply(&Action::ConsumerPoll { consumer: W }, out);
        if !c.consumers()[0].received.is_empty() {
            let _ = c.apply(
                &Action::ConsumerProcess {
                    consumer: W,
                    fail: false,
                    idempotent: false,
                },
                out,
            );
            let _ = c.apply(
                &Action::ConsumerCommit {
                    consumer: W,
                    offsets: None,
                },
                out,
            );
        }
    }
    ledger_rows(&c)
        .iter()
        .all(|r| !r.labels.contains(&Label::Lost))
}

fn at_least_once_runs() {
    let (proto, ids) = prototype(100);
    let mut out = Vec::with_capacity(64);
    let start = Instant::now();
    let mut runs = 0u64;
    while start.elapsed() < Duration::from_secs(2) {
        for _ in 0..100 {
            assert!(at_least_once_run(&proto, &ids, runs, &mut out));
            runs += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "100-message at-least-once runs with random crashes (ledger included): {:.0} runs/s ({runs} runs)",
        runs as f64 / secs
    );
}

/// Three members over six partitions, each running the at-least-once loop in turn, with seeded random
/// crashes and late polls (each a rebalance): 100 messages until every one is committed.
/// Three members of one group over a topic of six partitions.
fn group_prototype() -> Cluster {
    let member = |id: &str| {
        format!(
            r#"{{"id": "{id}", "subscribe": ["orders"], "config": {{"group.id": "g", "enable.auto.commit": false,
                "auto.offset.reset": "earliest", "max.poll.records": 10, "max.poll.interval.ms": 30000}}}}"#
        )
    };
    let s = parse_scenario(&format!(
        r#"{{"flavor": "java", "topics": [{{"name": "orders", "partitions": 6}}], "producers": [{{"id": "producer"}}],
            "consumers": [{}, {}, {}], "steps": []}}"#,
        member("a"),
        member("b"),
        member("c")
    ))
    .expect("valid");
    Cluster::from_scenario(&s)
}

fn group_runs() {
    let mut proto = group_prototype();
    let ids: Vec<MessageId> = (0..100)
        .map(|i| proto.intern(&format!("{{\"order_id\": {i}, \"item\": \"widget\"}}")))
        .collect();
    let mut out = Vec::with_capacity(64);
    let start = Instant::now();
    let (mut runs, mut rebalances) = (0u64, 0u64);
    while start.elapsed() < Duration::from_secs(2) {
        let mut c = proto.clone();
        let mut rng = SplitMix64::new(runs);
        for &value in &ids {
            let send = Action::ProducerSend {
                producer: P,
                topic: T,
                partition: None,
                key: None,
                value,
            };
            let _ = c.apply(&send, &mut out);
        }
        let _ = c.apply(&Action::ProducerFlush { producer: P }, &mut out);
        let committed = |c: &Cluster| c.groups()[0].committed.values().map(|o| o.0).sum::<u64>();
        let mut turn = 0u16;
        while committed(&c) < ids.len() as u64 {
            let w = ClientIdx(turn % 3);
            turn = turn.wrapping_add(1);
            out.clear();
            match rng.below(100) {
                0 => {
                    let _ = c.apply(&Action::ConsumerCrash { consumer: w }, &mut out);
                    let _ = c.apply(&Action::ClockAdvance { ms: 45_000 }, &mut out);
                    let _ = c.apply(&Action::ConsumerRestart { consumer: w }, &mut out);
                }
                1 => {
                    let _ = c.apply(&Action::ClockAdvance { ms: 30_000 }, &mut out);
                }
                _ => {
                    let _ = c.apply(&Action::ConsumerPoll { consumer: w }, &mut out);
                    while !c.consumers()[w.0 as usize].received.is_empty() {
                        let process = Action::ConsumerProcess {
                            consumer: w,
                            fail: false,
                            idempotent: false,
                        };
                        let _ = c.apply(&process, &mut out);
                    }
                    let commit = Action::ConsumerCommit {
                        consumer: w,
                        offsets: None,
                    };
                    let _ = c.apply(&commit, &mut out);
                }
            }
        }
        assert!(ledger_rows(&c)
            .iter()
            .all(|r| !r.labels.contains(&Label::Lost)));
        rebalances += u64::from(c.groups()[0].generation);
        runs += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "100-message at-least-once runs of 3 members over 6 partitions with random crashes and late polls: {:.0} runs/s ({runs} runs, {:.1} rebalances per run)",
        runs as f64 / secs,
        rebalances as f64 / runs as f64
    );
}

/// Random enabled actions make the timeline; then random jumps across it.
fn timeline_jumps(what: &str, proto: Cluster) {
    let mut t = Timeline::new(proto);
    let mut rng = SplitMix64::new(42);
    while t.len() < 1_000 {
        let actions = enabled_actions(t.state());
        let a = actions[rng.below(actions.len() as u32) as usize].clone();
        t.apply(a);
    }
    let jumps = 10_000;
    let mut total = Duration::ZERO;
    let mut max = Duration::ZERO;
    for _ in 0..jumps {
        let to = rng.below(1_001) as usize;
        let start = Instant::now();
        t.jump(to);
        black_box(t.state());
        let d = start.elapsed();
        total += d;
        max = max.max(d);
    }
    println!(
        "jump to a random step of a 1,000-step timeline ({what}): mean {:.1} µs, max {:.1} µs ({jumps} jumps)",
        total.as_secs_f64() * 1e6 / f64::from(jumps),
        max.as_secs_f64() * 1e6
    );
}

#[path = "../tests/common/eos.rs"]
mod eos;

/// One 100-message transactional read-process-write run (the corrected loop) with seeded random crashes
/// of the application, its producer or its consumer; the read_committed reader then checks that every
/// result arrived exactly once.
fn transactional_runs() {
    let (proto, results) = eos::prototype(100);
    let start = Instant::now();
    let mut runs = 0u64;
    let mut calls = 0u64;
    while start.elapsed() < Duration::from_secs(3) {
        for _ in 0..20 {
            let mut rng = SplitMix64::new(runs);
            let mut d = eos::Driver::new(proto.clone(), &results);
            d.run(|_| match rng.below(200) {
                0 => Some(eos::Crash::App),
                1 => Some(eos::Crash::Producer),
                2 => Some(eos::Crash::Consumer),
                _ => None,
            });
            calls += u64::from(d.calls);
            assert!(d.exactly_once(), "seed {runs}");
            runs += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "100-message transactional read-process-write runs with random crashes (exactly-once check included): {:.0} runs/s ({runs} runs, {:.0} application calls per run)",
        runs as f64 / secs,
        calls as f64 / runs as f64
    );
}

/// The experiments page's work: 1,000 seeded crash schedules of 20 orders under each guarantee.
fn experiments() {
    use kafka_model::experiment::{run_many, Guarantee};
    for guarantee in Guarantee::ALL {
        let start = Instant::now();
        let outcome = run_many(guarantee, 20, 0..1000);
        println!(
            "experiments, {}: 1,000 runs of 20 orders in {:.1} ms ({} lost, {} processed twice, {} exactly once)",
            guarantee.name(),
            start.elapsed().as_secs_f64() * 1000.0,
            outcome.lost,
            outcome.processed_twice,
            outcome.exactly_once
        );
    }
}

fn main() {
    simple_actions();
    at_least_once_runs();
    group_runs();
    transactional_runs();
    timeline_jumps("one consumer", prototype(0).0);
    timeline_jumps("3 members over 6 partitions", group_prototype());
    experiments();
}
