//! Property tests over random interleavings of producer, consumer and clock actions.

use std::sync::Arc;

use kafka_model::action::Action;
use kafka_model::cluster::ledger_rows;
use kafka_model::ids::{ClientIdx, Offset, TopicIdx};
use kafka_model::ledger::Label;
use kafka_model::{check_invariants, enabled_actions, parse_scenario, Cluster};
use proptest::prelude::*;
use serde_json::json;

const P: ClientIdx = ClientIdx(0);
const C: ClientIdx = ClientIdx(0);
const T: TopicIdx = TopicIdx(0);

fn cluster(
    flavor: &str,
    partitions: u32,
    producer: serde_json::Value,
    consumer: serde_json::Value,
    seed: u64,
) -> Cluster {
    let s = parse_scenario(
        &json!({
            "flavor": flavor, "seed": seed,
            "topics": [{ "name": "orders", "partitions": partitions }],
            "producers": [{ "id": "producer", "config": producer }],
            "consumers": [{ "id": "worker", "subscribe": ["orders"], "config": consumer }],
            "steps": []
        })
        .to_string(),
    )
    .expect("valid set-up");
    Cluster::new(Arc::new(s.setup), Arc::new(s.texts))
}

/// What the environment does next; the consumer's loop decides what a `Loop` step means.
#[derive(Debug, Clone, Copy)]
enum Env {
    Send,
    Flush,
    LoseAck,
    Loop { fail: bool },
    Crash,
    Restart,
    Advance(u64),
}

fn env() -> impl Strategy<Value = Env> {
    prop_oneof![
        3 => Just(Env::Send),
        2 => Just(Env::Flush),
        1 => Just(Env::LoseAck),
        8 => any::<bool>().prop_map(|f| Env::Loop { fail: f }),
        1 => Just(Env::Crash),
        1 => Just(Env::Restart),
        1 => prop_oneof![Just(5_000u64), Just(10_000), Just(45_000)].prop_map(Env::Advance),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoopPc {
    Poll,
    Process,
    Commit,
}

struct Driver {
    c: Cluster,
    pc: LoopPc,
    out: Vec<kafka_model::Event>,
    commit_first: bool,
}

impl Driver {
    fn apply(&mut self, a: Action) -> bool {
        self.out.clear();
        let ok = self.c.apply(&a, &mut self.out).is_ok();
        if let Err(v) = check_invariants(&self.c) {
            panic!("invariant \"{}\" broken after {a:?}: {}", v.name, v.detail);
        }
        ok
    }

    fn running(&self) -> bool {
        self.c.consumers()[0].state == kafka_model::consumer::ConsumerState::Running
    }

    /// One step of the consumer's loop.
    /// commit-after: poll → process every received record (on failure: seek back, stop) → commit.
    /// commit-before: poll → commit → process every received record (failures swallowed).
    fn loop_step(&mut self, fail: bool) {
        if !self.running() {
            return;
        }
        match self.pc {
            LoopPc::Poll => {
                self.apply(Action::ConsumerPoll { consumer: C });
                if !self.c.consumers()[0].received.is_empty() {
                    self.pc = if self.commit_first {
                        LoopPc::Commit
                    } else {
                        LoopPc::Process
                    };
                }
            }
            LoopPc::Process => {
                let Some(r) = self.c.consumers()[0].received.front().copied() else {
                    self.pc = LoopPc::Poll;
                    return;
                };
                self.apply(Action::ConsumerProcess {
                    consumer: C,
                    fail,
                    idempotent: false,
                });
                if fail && !self.commit_first {
                    // Stop at the first failure: go back to it, commit nothing.
                    self.apply(Action::ConsumerSeek {
                        consumer: C,
                        tp: r.tp,
                        offset: r.offset,
                    });
                    self.pc = LoopPc::Poll;
                } else if self.c.consumers()[0].received.is_empty() {
                    self.pc = if self.commit_first {
                        LoopPc::Poll
                    } else {
                        LoopPc::Commit
                    };
                }
            }
            LoopPc::Commit => {
                self.apply(Action::ConsumerCommit {
                    consumer: C,
                    offsets: None,
                });
                self.pc = if self.commit_first {
                    LoopPc::Process
                } else {
                    LoopPc::Poll
                };
            }
        }
    }

    fn run(&mut self, envs: &[Env]) {
        for e in envs {
            match *e {
                Env::Send => {
                    self.apply(Action::ProducerSendNextOrder {
                        producer: P,
                        topic: T,
                    });
                }
                Env::Flush => {
                    self.apply(Action::ProducerFlush { producer: P });
                }
                Env::LoseAck => {
                    self.apply(Action::ProducerLoseNextAck { producer: P });
                }
                Env::Loop { fail } => self.loop_step(fail),
                Env::Crash => {
                    if self.apply(Action::ConsumerCrash { consumer: C }) {
                        self.pc = LoopPc::Poll;
                    }
                }
                Env::Restart => {
                    self.apply(Action::ConsumerRestart { consumer: C });
                }
                Env::Advance(ms) => {
                    self.apply(Action::ClockAdvance { ms });
                }
            }
        }
        // Drain: deliver what is in flight, bring the consumer back, and finish the loop without failures.
        self.apply(Action::ProducerFlush { producer: P });
        if !self.running() {
            self.apply(Action::ConsumerRestart { consumer: C });
        }
        self.apply(Action::ClockAdvance { ms: 45_000 });
        for _ in 0..2_000 {
            self.loop_step(false);
        }
    }
}

fn labels(c: &Cluster) -> Vec<(String, Vec<Label>, u32)> {
    ledger_rows(c)
        .into_iter()
        .map(|r| (c.text(r.value).to_owned(), r.labels, r.processed))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn commit_after_processing_and_stop_at_first_failure_never_loses(
        envs in prop::collection::vec(env(), 0..60),
        java in any::<bool>(),
        partitions in 1u32..3,
        seed in any::<u64>(),
    ) {
        let flavor = if java { "java" } else { "kafka-python" };
        let c = cluster(flavor, partitions, json!({}),
            json!({"group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest", "max.poll.records": 3}), seed);
        let mut d = Driver { c, pc: LoopPc::Poll, out: Vec::new(), commit_first: false };
        d.run(&envs);
        for (value, l, processed) in labels(&d.c) {
            prop_assert!(!l.contains(&Label::Lost), "seed {seed}: {value} lost: {l:?}");
            prop_assert!(processed >= 1, "seed {seed}: {value} never processed");
        }
    }

    #[test]
    fn commit_before_processing_never_processes_twice(
        envs in prop::collection::vec(env(), 0..60),
        java in any::<bool>(),
        partitions in 1u32..3,
        seed in any::<u64>(),
    ) {
        let flavor = if java { "java" } else { "kafka-python" };
        let c = cluster(flavor, partitions, json!({"enable.idempotence": true}),
            json!({"group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest", "max.poll.records": 3}), seed);
        let mut d = Driver { c, pc: LoopPc::Poll, out: Vec::new(), commit_first: true };
        d.run(&envs);
        for (value, l, _) in labels(&d.c) {
            prop_assert!(!l.contains(&Label::ProcessedTwice), "seed {seed}: {value}: {l:?}");
        }
    }

    #[test]
    fn idempotent_producer_leaves_no_retry_duplicate_in_one_session(
        ops in prop::collection::vec(0u8..3, 0..80),
        partitions in 1u32..4,
        seed in any::<u64>(),
    ) {
        let mut c = cluster("java", partitions, json!({}), json!({"group.id": "g"}), seed);
        let mut out = Vec::new();
        for op in ops {
            let a = match op {
                0 => Action::ProducerSendNextOrder { producer: P, topic: T },
                1 => Action::ProducerFlush { producer: P },
                _ => Action::ProducerLoseNextAck { producer: P },
            };
            c.apply(&a, &mut out).expect("an idempotent producer's steps succeed");
        }
        c.apply(&Action::ProducerFlush { producer: P }, &mut out).unwrap();
        for r in ledger_rows(&c) {
            prop_assert_eq!(r.committed_copies, 1, "seed {}", seed);
        }
    }

    #[test]
    fn random_walks_over_enabled_actions_keep_the_invariants(
        picks in prop::collection::vec(any::<u32>(), 0..120),
        java in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let flavor = if java { "java" } else { "kafka-python" };
        let mut c = cluster(flavor, 2, json!({}), json!({"group.id": "g", "auto.offset.reset": "earliest", "max.poll.records": 2}), seed);
        let mut out = Vec::new();
        for p in picks {
            let actions = enabled_actions(&c);
            let a = &actions[(p as usize) % actions.len()];
            out.clear();
            let _ = c.apply(a, &mut out);
            if let Err(v) = check_invariants(&c) {
                prop_assert!(false, "seed {seed}: invariant \"{}\" broken after {a:?}: {}", v.name, v.detail);
            }
            // Positions never pass the high watermark (checked above) and logs are dense.
            for (_, log) in c.partition_logs() {
                prop_assert!(log.entries.iter().enumerate().all(|(i, e)| e.offset == Offset(i as u64)));
            }
        }
    }

    #[test]
    fn running_a_scenario_twice_gives_identical_output(
        picks in prop::collection::vec(any::<u32>(), 0..80),
        seed in any::<u64>(),
    ) {
        // Build a scenario file from a random walk, then run the JSON twice.
        let mut c = cluster("java", 3, json!({"acks": "1"}), json!({"group.id": "g", "auto.offset.reset": "earliest"}), seed);
        let mut out = Vec::new();
        let mut steps = Vec::new();
        for p in picks {
            let actions = enabled_actions(&c);
            let a = actions[(p as usize) % actions.len()].clone();
            let step = match &a {
                Action::ProducerSendNextOrder { .. } => json!({"actor": "producer", "op": "send", "topic": "orders", "value": format!("v{}", steps.len())}),
                Action::ClockAdvance { ms } => json!({"op": "advance", "ms": ms}),
                Action::ConsumerProcess { fail, .. } => json!({"actor": "worker", "op": "process", "fail": fail}),
                Action::ConsumerSeek { tp, offset, .. } => json!({"actor": "worker", "op": "seek", "topic": "orders", "partition": tp.partition, "offset": offset.0}),
                other => {
                    let actor = match other.actor() {
                        kafka_model::Actor::Producer(_) => "producer",
                        _ => "worker",
                    };
                    json!({"actor": actor, "op": other.op_name()})
                }
            };
            steps.push(step);
            let _ = c.apply(&a, &mut out);
        }
        let scenario = json!({
            "flavor": "java", "seed": seed,
            "topics": [{ "name": "orders", "partitions": 3 }],
            "producers": [{ "id": "producer", "config": {"acks": "1"} }],
            "consumers": [{ "id": "worker", "subscribe": ["orders"], "config": {"group.id": "g", "auto.offset.reset": "earliest"} }],
            "steps": steps
        }).to_string();
        let a = kafka_model::run_json(&scenario).unwrap();
        let b = kafka_model::run_json(&scenario).unwrap();
        prop_assert_eq!(a, b, "seed {}", seed);
    }
}

/// Two consumers in one group: the at-least-once loop stays lossless across rebalances.
#[derive(Debug, Clone, Copy)]
enum Env2 {
    Send,
    Flush,
    Loop { who: u16, fail: bool },
    Crash(u16),
    Restart(u16),
    Close(u16),
    Advance(u64),
}

fn env2() -> impl Strategy<Value = Env2> {
    prop_oneof![
        3 => Just(Env2::Send),
        2 => Just(Env2::Flush),
        10 => (0u16..2, any::<bool>()).prop_map(|(who, fail)| Env2::Loop { who, fail }),
        1 => (0u16..2).prop_map(Env2::Crash),
        1 => (0u16..2).prop_map(Env2::Restart),
        1 => (0u16..2).prop_map(Env2::Close),
        1 => prop_oneof![Just(5_000u64), Just(10_000), Just(45_000)].prop_map(Env2::Advance),
    ]
}

fn two_consumer_cluster(flavor: &str, seed: u64) -> Cluster {
    let cfg = json!({"group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest", "max.poll.records": 2});
    let s = parse_scenario(
        &json!({
            "flavor": flavor, "seed": seed,
            "topics": [{ "name": "orders", "partitions": 3 }],
            "producers": [{ "id": "producer" }],
            "consumers": [
                { "id": "a", "subscribe": ["orders"], "config": cfg },
                { "id": "b", "subscribe": ["orders"], "config": cfg }
            ],
            "steps": []
        })
        .to_string(),
    )
    .expect("valid set-up");
    Cluster::new(Arc::new(s.setup), Arc::new(s.texts))
}

fn step_checked(c: &mut Cluster, a: Action, out: &mut Vec<kafka_model::Event>) -> bool {
    out.clear();
    let ok = c.apply(&a, out).is_ok();
    if let Err(v) = check_invariants(c) {
        panic!("invariant \"{}\" broken after {a:?}: {}", v.name, v.detail);
    }
    ok
}

/// poll → process all received (on failure: seek back to it, no commit) → commit.
fn loop2(
    c: &mut Cluster,
    pcs: &mut [LoopPc; 2],
    who: u16,
    fail: bool,
    out: &mut Vec<kafka_model::Event>,
) {
    let w = ClientIdx(who);
    let i = who as usize;
    if c.consumers()[i].state != kafka_model::consumer::ConsumerState::Running {
        return;
    }
    match pcs[i] {
        LoopPc::Poll => {
            step_checked(c, Action::ConsumerPoll { consumer: w }, out);
            if !c.consumers()[i].received.is_empty() {
                pcs[i] = LoopPc::Process;
            }
        }
        LoopPc::Process => {
            let Some(r) = c.consumers()[i].received.front().copied() else {
                pcs[i] = LoopPc::Poll;
                return;
            };
            step_checked(
                c,
                Action::ConsumerProcess {
                    consumer: w,
                    fail,
                    idempotent: false,
                },
                out,
            );
            if fail {
                step_checked(
                    c,
                    Action::ConsumerSeek {
                        consumer: w,
                        tp: r.tp,
                        offset: r.offset,
                    },
                    out,
                );
                pcs[i] = LoopPc::Poll;
            } else if c.consumers()[i].received.is_empty() {
                pcs[i] = LoopPc::Commit;
            }
        }
        LoopPc::Commit => {
            step_checked(
                c,
                Action::ConsumerCommit {
                    consumer: w,
                    offsets: None,
                },
                out,
            );
            pcs[i] = LoopPc::Poll;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn two_consumer_at_least_once_loop_never_loses_across_rebalances(
        envs in prop::collection::vec(env2(), 0..80),
        java in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let flavor = if java { "java" } else { "kafka-python" };
        let mut c = two_consumer_cluster(flavor, seed);
        let mut pcs = [LoopPc::Poll; 2];
        let mut out = Vec::new();
        for e in envs {
            match e {
                Env2::Send => { step_checked(&mut c, Action::ProducerSendNextOrder { producer: P, topic: T }, &mut out); }
                Env2::Flush => { step_checked(&mut c, Action::ProducerFlush { producer: P }, &mut out); }
                Env2::Loop { who, fail } => loop2(&mut c, &mut pcs, who, fail, &mut out),
                Env2::Crash(w) => {
                    if step_checked(&mut c, Action::ConsumerCrash { consumer: ClientIdx(w) }, &mut out) {
                        pcs[w as usize] = LoopPc::Poll;
                    }
                }
                Env2::Close(w) => {
                    if pcs[w as usize] == LoopPc::Poll
                        && c.consumers()[w as usize].received.is_empty()
                        && step_checked(&mut c, Action::ConsumerClose { consumer: ClientIdx(w) }, &mut out)
                    {
                        pcs[w as usize] = LoopPc::Poll;
                    }
                }
                Env2::Restart(w) => { step_checked(&mut c, Action::ConsumerRestart { consumer: ClientIdx(w) }, &mut out); }
                Env2::Advance(ms) => { step_checked(&mut c, Action::ClockAdvance { ms }, &mut out); }
            }
        }
        // Drain: everything delivered, both consumers back, sessions expired, loops run without failures.
        step_checked(&mut c, Action::ProducerFlush { producer: P }, &mut out);
        for w in 0..2u16 {
            if c.consumers()[w as usize].state != kafka_model::consumer::ConsumerState::Running {
                step_checked(&mut c, Action::ConsumerRestart { consumer: ClientIdx(w) }, &mut out);
            }
        }
        step_checked(&mut c, Action::ClockAdvance { ms: 45_000 }, &mut out);
        for k in 0..4_000u32 {
            loop2(&mut c, &mut pcs, (k % 2) as u16, false, &mut out);
        }
        for (value, l, processed) in labels(&c) {
            prop_assert!(!l.contains(&Label::Lost), "seed {seed} {flavor}: {value} lost: {l:?}");
            prop_assert!(processed >= 1, "seed {seed} {flavor}: {value} never processed");
        }
    }
}
