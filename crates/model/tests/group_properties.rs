//! Property tests for groups that rebalance: three members running the at-least-once loop under random
//! joins, crashes, closes, slow polls and restarts, with every assignor, static or dynamic membership and
//! either revocation hook.

use std::sync::Arc;

use kafka_model::action::Action;
use kafka_model::cluster::ledger_rows;
use kafka_model::consumer::ConsumerState;
use kafka_model::event::Change;
use kafka_model::ids::{ClientIdx, TopicIdx};
use kafka_model::ledger::Label;
use kafka_model::{check_invariants, parse_scenario, Cluster, Event};
use proptest::prelude::*;
use serde_json::json;

const MEMBERS: u16 = 3;
const P: ClientIdx = ClientIdx(0);
const T: TopicIdx = TopicIdx(0);

#[derive(Debug, Clone, Copy)]
enum Env {
    Send,
    Flush,
    Loop { who: u16, fail: bool },
    Crash(u16),
    Close(u16),
    Restart(u16),
    Advance(u64),
}

fn env() -> impl Strategy<Value = Env> {
    prop_oneof![
        3 => Just(Env::Send),
        2 => Just(Env::Flush),
        12 => (0..MEMBERS, prop::bool::weighted(0.1)).prop_map(|(who, fail)| Env::Loop { who, fail }),
        1 => (0..MEMBERS).prop_map(Env::Crash),
        1 => (0..MEMBERS).prop_map(Env::Close),
        2 => (0..MEMBERS).prop_map(Env::Restart),
        // A few seconds, a late poll (max.poll.interval.ms is 10000 here), a session timeout.
        2 => prop_oneof![Just(3_000u64), Just(10_000), Just(45_000)].prop_map(Env::Advance),
    ]
}

#[derive(Debug, Clone)]
struct Group {
    java: bool,
    assignor: &'static str,
    statics: [bool; MEMBERS as usize],
    hook: bool,
    seed: u64,
}

fn group() -> impl Strategy<Value = Group> {
    (
        any::<bool>(),
        prop_oneof![
            Just("range"),
            Just("roundrobin"),
            Just("cooperative-sticky")
        ],
        any::<[bool; MEMBERS as usize]>(),
        any::<bool>(),
        any::<u64>(),
    )
        .prop_map(|(java, assignor, statics, hook, seed)| Group {
            java,
            assignor,
            statics,
            hook,
            seed,
        })
}

fn cluster(g: &Group) -> Cluster {
    let consumers: Vec<_> = (0..MEMBERS as usize)
        .map(|i| {
            let mut config = json!({
                "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest",
                "max.poll.records": 2, "max.poll.interval.ms": 10_000,
                "partition.assignment.strategy": g.assignor,
            });
            if g.statics[i] {
                config["group.instance.id"] = format!("instance-{i}").into();
            }
            let hook = if g.hook { "commit" } else { "nothing" };
            json!({ "id": format!("w{i}"), "subscribe": ["orders"], "config": config,
                    "on_partitions_revoked": hook })
        })
        .collect();
    let s = parse_scenario(
        &json!({
            "flavor": if g.java { "java" } else { "kafka-python" }, "seed": g.seed,
            "topics": [{ "name": "orders", "partitions": 4 }],
            "producers": [{ "id": "producer" }],
            "consumers": consumers,
            "steps": []
        })
        .to_string(),
    )
    .expect("valid set-up");
    Cluster::new(Arc::new(s.setup), Arc::new(s.texts))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pc {
    Poll,
    Process,
    Commit,
}

struct World {
    c: Cluster,
    pcs: [Pc; MEMBERS as usize],
    out: Vec<Event>,
}

impl World {
    fn apply(&mut self, a: Action) -> bool {
        self.out.clear();
        let ok = self.c.apply(&a, &mut self.out).is_ok();
        if let Err(v) = check_invariants(&self.c) {
            panic!("invariant \"{}\" broken after {a:?}: {}", v.name, v.detail);
        }
        ok
    }

    fn running(&self, who: u16) -> bool {
        self.c.consumers()[who as usize].state == ConsumerState::Running
    }

    /// poll → process everything received (a failure seeks back to it, uncommitted, and the loop goes on with
    /// the rest) → commit. A refused commit (CommitFailed) just goes back to polling: nothing was committed, so
    /// nothing is lost.
    fn loop_step(&mut self, who: u16, fail: bool) {
        let (w, i) = (ClientIdx(who), who as usize);
        if !self.running(who) {
            return;
        }
        match self.pcs[i] {
            Pc::Poll => {
                self.apply(Action::ConsumerPoll { consumer: w });
                if !self.c.consumers()[i].received.is_empty() {
                    self.pcs[i] = Pc::Process;
                }
            }
            Pc::Process => {
                let Some(r) = self.c.consumers()[i].received.front().copied() else {
                    self.pcs[i] = Pc::Poll;
                    return;
                };
                self.apply(Action::ConsumerProcess {
                    consumer: w,
                    fail,
                    idempotent: false,
                });
                if fail {
                    self.apply(Action::ConsumerSeek {
                        consumer: w,
                        tp: r.tp,
                        offset: r.offset,
                    });
                    // The rest of the batch (other partitions) is still the loop's to finish before it polls:
                    // a poll can commit positions past it (auto-commit, the revocation hook).
                    self.pcs[i] = if self.c.consumers()[i].received.is_empty() {
                        Pc::Poll
                    } else {
                        Pc::Process
                    };
                } else if self.c.consumers()[i].received.is_empty() {
                    self.pcs[i] = Pc::Commit;
                }
            }
            Pc::Commit => {
                self.apply(Action::ConsumerCommit {
                    consumer: w,
                    offsets: None,
                });
                self.pcs[i] = Pc::Poll;
            }
        }
    }

    fn run(&mut self, env: Env) {
        match env {
            Env::Send => {
                self.apply(Action::ProducerSendNextOrder {
                    producer: P,
                    topic: T,
                });
            }
            Env::Flush => {
                self.apply(Action::ProducerFlush { producer: P });
            }
            Env::Loop { who, fail } => self.loop_step(who, fail),
            Env::Crash(w) => {
                if self.apply(Action::ConsumerCrash {
                    consumer: ClientIdx(w),
                }) {
                    self.pcs[w as usize] = Pc::Poll;
                }
            }
            // The loop closes between iterations, as a shutdown hook would.
            Env::Close(w) => {
                if self.pcs[w as usize] == Pc::Poll
                    && self.c.consumers()[w as usize].received.is_empty()
                {
                    self.apply(Action::ConsumerClose {
                        consumer: ClientIdx(w),
                    });
                }
            }
            Env::Restart(w) => {
                self.apply(Action::ConsumerRestart {
                    consumer: ClientIdx(w),
                });
            }
            Env::Advance(ms) => {
                self.apply(Action::ClockAdvance { ms });
            }
        }
    }

    /// Everything delivered, every member back, the dead expired, then the loops run with no faults and no
    /// time passing.
    fn drain(&mut self) {
        self.apply(Action::ProducerFlush { producer: P });
        for w in 0..MEMBERS {
            if !self.running(w) {
                self.apply(Action::ConsumerRestart {
                    consumer: ClientIdx(w),
                });
                self.pcs[w as usize] = Pc::Poll;
            }
        }
        self.apply(Action::ClockAdvance { ms: 45_000 });
        for k in 0..3_000u32 {
            self.loop_step((k % MEMBERS as u32) as u16, false);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn g1_g5_commit_after_processing_loses_nothing_across_any_rebalances(
        g in group(),
        envs in prop::collection::vec(env(), 0..100),
    ) {
        let mut w = World { c: cluster(&g), pcs: [Pc::Poll; MEMBERS as usize], out: Vec::new() };
        for e in envs {
            w.run(e);
        }
        w.drain();
        for r in ledger_rows(&w.c) {
            prop_assert!(!r.labels.contains(&Label::Lost), "{g:?}: {} lost", w.c.text(r.value));
            prop_assert!(r.processed >= 1, "{g:?}: {} never processed", w.c.text(r.value));
        }
    }

    /// G2: under cooperative-sticky, a member's poll during a rebalance still returns records of the
    /// partitions it keeps.
    #[test]
    fn g2_cooperative_members_keep_consuming_what_they_keep_during_a_rebalance(
        g in group(),
        envs in prop::collection::vec(env(), 0..100),
    ) {
        let g = Group { assignor: "cooperative-sticky", ..g };
        let mut w = World { c: cluster(&g), pcs: [Pc::Poll; MEMBERS as usize], out: Vec::new() };
        let mut checked = 0;
        for e in envs {
            let Env::Loop { who, .. } = e else {
                w.run(e);
                continue;
            };
            let i = who as usize;
            let before = &w.c;
            let rebalancing = before.groups()[0].rebalance_pending;
            let member = before.groups()[0].members.iter().find(|m| {
                m.consumer == ClientIdx(who)
                    && m.alive
                    && m.instance == before.consumers()[i].instance
                    && before.consumers()[i].joined
            });
            // Partitions it keeps through this poll, with a record beyond its position.
            let readable = member.is_some_and(|m| {
                m.assigned.iter().filter(|tp| !m.revoking.contains(tp)).any(|tp| {
                    before.consumers()[i]
                        .positions
                        .get(tp)
                        .is_some_and(|p| *p < before.log(*tp).high_watermark)
                })
            });
            let polls = w.pcs[i] == Pc::Poll && w.running(who);
            w.run(e);
            if rebalancing && readable && polls {
                checked += 1;
                prop_assert!(
                    w.out.iter().any(|e| matches!(e.change, Change::RecordDelivered { .. })),
                    "{g:?}: w{who} stopped consuming during a rebalance: {:?}", w.out
                );
            }
            let waited = w.out.iter().any(|e| matches!(e.change, Change::MemberWaiting { .. }));
            prop_assert!(!waited, "{g:?}: w{who} waited for a rebalance");
        }
        let _ = checked;
    }
}
