//! The corrected read-process-write loop as an application would run it, with crashes injected by a
//! schedule. Shared by the property tests, the exhaustive check and the benchmark.
#![allow(dead_code)]

use kafka_model::action::Action;
use kafka_model::ids::{ClientIdx, MessageId, Offset, TopicIdx, TopicPartition};
use kafka_model::producer::ProducerState;
use kafka_model::{parse_scenario, Cluster, Event};

pub const INPUT: ClientIdx = ClientIdx(0);
pub const PROCESSOR: ClientIdx = ClientIdx(1);
pub const WORKER: ClientIdx = ClientIdx(0);
pub const DOWNSTREAM: ClientIdx = ClientIdx(1);
pub const ORDERS: TopicIdx = TopicIdx(0);
pub const RESULTS: TopicIdx = TopicIdx(1);

/// What dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crash {
    /// The whole application: its consumer and its producer.
    App,
    Producer,
    Consumer,
}

/// The loop's set-up with `n` orders already in the input topic; the ids of the results' values.
pub fn prototype(n: u32) -> (Cluster, Vec<MessageId>) {
    let s = parse_scenario(
        r#"{"flavor": "kafka-python",
            "topics": [{"name": "orders"}, {"name": "processed-orders"}],
            "producers": [{"id": "producer"},
                          {"id": "processor", "config": {"transactional.id": "order-processor-tx"}}],
            "consumers": [
              {"id": "worker", "subscribe": ["orders"], "config": {"group.id": "order-processor-eos",
               "enable.auto.commit": false, "auto.offset.reset": "earliest", "isolation.level": "read_committed"}},
              {"id": "downstream", "subscribe": ["processed-orders"], "config": {"group.id": "shipping",
               "enable.auto.commit": false, "auto.offset.reset": "earliest", "isolation.level": "read_committed"}}],
            "steps": []}"#,
    )
    .expect("valid");
    let mut c = Cluster::from_scenario(&s);
    let mut out = Vec::new();
    for i in 0..n {
        let value = c.intern(&format!("{{\"order_id\": {i}, \"item\": \"widget\"}}"));
        c.apply(
            &Action::ProducerSend {
                producer: INPUT,
                topic: ORDERS,
                partition: None,
                key: None,
                value,
            },
            &mut out,
        )
        .expect("send");
    }
    c.apply(&Action::ProducerFlush { producer: INPUT }, &mut out)
        .expect("flush");
    let results = (0..n)
        .map(|i| c.intern(&format!("{{\"order_id\": {i}, \"status\": \"processed\"}}")))
        .collect();
    (c, results)
}

/// Runs the loop. `crash_at(k)` is asked before the application's k-th call and may crash something.
/// Returns the number of calls made.
pub struct Driver<'a> {
    pub c: Cluster,
    pub results: &'a [MessageId],
    pub out: Vec<Event>,
    pub calls: u32,
    /// Check invariants after every call.
    pub check: bool,
}

const TP_ORDERS: TopicPartition = TopicPartition {
    topic: ORDERS,
    partition: 0,
};

impl<'a> Driver<'a> {
    pub fn new(c: Cluster, results: &'a [MessageId]) -> Self {
        Self {
            c,
            results,
            out: Vec::with_capacity(64),
            calls: 0,
            check: false,
        }
    }

    fn call(&mut self, a: Action, crash_at: &mut impl FnMut(u32) -> Option<Crash>) -> bool {
        if let Some(kind) = crash_at(self.calls) {
            self.calls += 1;
            self.crash(kind);
            return false;
        }
        self.calls += 1;
        self.out.clear();
        let ok = self.c.apply(&a, &mut self.out).is_ok();
        if self.check {
            if let Err(v) = kafka_model::check_invariants(&self.c) {
                panic!("invariant broken after {a:?}: {} ({})", v.name, v.detail);
            }
        }
        ok
    }

    fn raw(&mut self, a: Action) {
        self.out.clear();
        let _ = self.c.apply(&a, &mut self.out);
    }

    fn committed(&self) -> Option<Offset> {
        self.c.groups()[0].committed.get(&TP_ORDERS).copied()
    }

    /// A crash and the application's recovery.
    fn crash(&mut self, kind: Crash) {
        if matches!(kind, Crash::App | Crash::Producer) {
            self.raw(Action::ProducerCrash {
                producer: PROCESSOR,
            });
        }
        if matches!(kind, Crash::App | Crash::Consumer) {
            self.raw(Action::ConsumerCrash { consumer: WORKER });
            if kind == Crash::Consumer {
                // The surviving producer aborts what the dead consumer was part of.
                self.raw(Action::ProducerAbortTransaction {
                    producer: PROCESSOR,
                });
            }
            self.raw(Action::ClockAdvance { ms: 45_000 });
            self.raw(Action::ConsumerRestart { consumer: WORKER });
        }
        if matches!(kind, Crash::App | Crash::Producer) {
            self.raw(Action::ProducerRestart {
                producer: PROCESSOR,
            });
            self.raw(Action::ProducerInitTransactions {
                producer: PROCESSOR,
            });
            if kind == Crash::Producer {
                // The consumer goes back to what the group committed.
                self.seek_back();
            }
        }
    }

    fn seek_back(&mut self) {
        if self.c.consumers()[0].positions.contains_key(&TP_ORDERS) {
            let offset = self.committed().unwrap_or(Offset(0));
            self.raw(Action::ConsumerSeek {
                consumer: WORKER,
                tp: TP_ORDERS,
                offset,
            });
        }
    }

    /// The corrected loop until the group has committed all `n` inputs (or the call budget runs out).
    pub fn run(&mut self, mut crash_at: impl FnMut(u32) -> Option<Crash>) {
        let n = self.results.len() as u64;
        let mut budget = 40 + 30 * n as u32;
        while self.committed().map_or(0, |o| o.0) < n && budget > 0 {
            budget -= 1;
            if !self.c.producers()[1].transactions_initialised {
                self.call(
                    Action::ProducerInitTransactions {
                        producer: PROCESSOR,
                    },
                    &mut crash_at,
                );
                continue;
            }
            if self.c.producers()[1].state == ProducerState::InTransaction {
                self.raw(Action::ProducerAbortTransaction {
                    producer: PROCESSOR,
                });
            }
            if !self.call(Action::ConsumerPoll { consumer: WORKER }, &mut crash_at) {
                continue;
            }
            let Some(r) = self.c.consumers()[0].received.back().copied() else {
                continue;
            };
            let i = r.offset.0 as usize;
            let steps = [
                Action::ProducerBeginTransaction {
                    producer: PROCESSOR,
                },
                Action::ConsumerProcess {
                    consumer: WORKER,
                    fail: false,
                    idempotent: false,
                },
                Action::ProducerSend {
                    producer: PROCESSOR,
                    topic: RESULTS,
                    partition: Some(0),
                    key: None,
                    value: self.results[i],
                },
                Action::ProducerSendOffsetsToTransaction {
                    producer: PROCESSOR,
                    consumer: WORKER,
                },
                Action::ProducerCommitTransaction {
                    producer: PROCESSOR,
                },
            ];
            let mut ok = true;
            for a in steps {
                if !self.call(a, &mut crash_at) {
                    ok = false;
                    break;
                }
            }
            if !ok {
                // Abort and seek back (C7), unless a crash already reset everything.
                if self.c.producers()[1].state == ProducerState::InTransaction {
                    self.raw(Action::ProducerAbortTransaction {
                        producer: PROCESSOR,
                    });
                    self.seek_back();
                }
            }
        }
        // Let the last markers land.
        self.raw(Action::ClockAdvance { ms: 0 });
    }

    /// The read_committed downstream reader reads everything; the values it was handed.
    pub fn read_downstream(&mut self) -> Vec<MessageId> {
        let mut seen = Vec::new();
        let mut idle = 0;
        while idle < 3 {
            self.raw(Action::ConsumerPoll {
                consumer: DOWNSTREAM,
            });
            let c = &self.c.consumers()[1];
            if let Some(r) = c.received.back().copied() {
                seen.push(r.value);
                self.raw(Action::ConsumerProcess {
                    consumer: DOWNSTREAM,
                    fail: false,
                    idempotent: false,
                });
                idle = 0;
            } else {
                idle += 1;
            }
        }
        seen
    }

    /// Each result exactly once for the read_committed reader.
    pub fn exactly_once(&mut self) -> bool {
        let mut seen = self.read_downstream();
        seen.sort();
        let mut want = self.results.to_vec();
        want.sort();
        seen == want
    }
}
