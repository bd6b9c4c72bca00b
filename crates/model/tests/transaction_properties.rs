//! Properties of transactions and durability under random crashes and faults (proptest), and the
//! exhaustive small-scope check of every crash point of the corrected loop.

mod common;

use common::eos::{prototype, Crash, Driver};
use kafka_model::action::Action;
use kafka_model::cluster::ledger_rows;
use kafka_model::ids::{ClientIdx, TopicIdx};
use kafka_model::ledger::Label;
use kafka_model::rng::SplitMix64;
use kafka_model::{check_invariants, enabled_actions, parse_scenario, Cluster};
use proptest::prelude::*;

fn crash_kind(k: u32) -> Crash {
    match k % 3 {
        0 => Crash::App,
        1 => Crash::Producer,
        _ => Crash::Consumer,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    /// The corrected loop with producer, consumer and whole-application crashes at random calls: the
    /// read_committed reader of the output gets each input's result exactly once. Invariants hold after
    /// every call.
    #[test]
    fn eos_corrected_loop_with_random_crashes_gives_each_result_exactly_once(
        n in 1u32..6,
        crashes in proptest::collection::vec((0u32..40, 0u32..3), 0..4),
    ) {
        let (proto, results) = prototype(n);
        let mut d = Driver::new(proto, &results);
        d.check = true;
        d.run(|k| crashes.iter().find(|(at, _)| *at == k).map(|(_, kind)| crash_kind(*kind)));
        prop_assert!(d.exactly_once(), "n={n} crashes={crashes:?}");
    }

    /// Transactions spanning two partitions, committed or aborted, with crashes and zombie instances:
    /// a read_committed reader sees both halves of a transaction or neither.
    #[test]
    fn t7_t8_a_transaction_is_all_visible_or_not_at_all_to_read_committed(seed in any::<u64>()) {
        let (mut c, t) = two_partition_setup();
        let mut rng = SplitMix64::new(seed);
        let mut out = Vec::new();
        let producers = [ClientIdx(0), ClientIdx(1)];
        let mut k = 0u32;
        for _ in 0..40 {
            let p = producers[rng.below(2) as usize];
            out.clear();
            let action = match rng.below(9) {
                0 => Action::ProducerInitTransactions { producer: p },
                1 => Action::ProducerBeginTransaction { producer: p },
                2 => {
                    // Both halves of transaction k carry its number.
                    let a = c.intern(&format!("txn {k} part 0"));
                    let _ = c.apply(&Action::ProducerSend { producer: p, topic: t, partition: Some(0), key: None, value: a }, &mut out);
                    let b = c.intern(&format!("txn {k} part 1"));
                    k += 1;
                    Action::ProducerSend { producer: p, topic: t, partition: Some(1), key: None, value: b }
                }
                3 => Action::ProducerFlush { producer: p },
                4 | 5 => Action::ProducerCommitTransaction { producer: p },
                6 => Action::ProducerAbortTransaction { producer: p },
                7 => Action::ProducerCrash { producer: p },
                _ => Action::ProducerRestart { producer: p },
            };
            let _ = c.apply(&action, &mut out);
            if let Err(v) = check_invariants(&c) {
                return Err(TestCaseError::fail(format!("{}: {}", v.name, v.detail)));
            }
        }
        let _ = c.apply(&Action::ClockAdvance { ms: 120_000 }, &mut out);
        let mut seen = Vec::new();
        for _ in 0..200 {
            out.clear();
            let _ = c.apply(&Action::ConsumerPoll { consumer: ClientIdx(0) }, &mut out);
            while let Some(r) = c.consumers()[0].received.front().copied() {
                seen.push(c.text(r.value).to_owned());
                let _ = c.apply(&Action::ConsumerProcess { consumer: ClientIdx(0), fail: false, idempotent: false }, &mut out);
            }
        }
        for i in 0..k {
            let a = seen.iter().filter(|v| **v == format!("txn {i} part 0")).count();
            let b = seen.iter().filter(|v| **v == format!("txn {i} part 1")).count();
            // A send to part 0 may fail while part 1 succeeds only when the producer is fenced or not in
            // a transaction; then nothing of it is committed either way.
            prop_assert_eq!(a, b, "transaction {} seen {}/{} times; seed {}", i, a, b, seed);
        }
    }

    /// Random explorer walks over a transactional set-up with two instances of one transactional.id:
    /// LSO ≤ HW and "a fenced producer never appends" after every step.
    #[test]
    fn t8_t1_lso_le_hw_and_fenced_producers_never_append_at_every_step(seed in any::<u64>()) {
        let (mut c, _) = two_partition_setup();
        let mut rng = SplitMix64::new(seed);
        let mut out = Vec::new();
        for step in 0..120 {
            let menu = enabled_actions(&c);
            let a = menu[rng.below(menu.len() as u32) as usize].clone();
            out.clear();
            let _ = c.apply(&a, &mut out);
            for (tp, log) in c.partition_logs() {
                prop_assert!(log.last_stable_offset() <= log.high_watermark, "{tp:?} step {step} seed {seed}");
            }
            if let Err(v) = kafka_model::invariants::check_transactions(&c) {
                return Err(TestCaseError::fail(format!("{}: {} (seed {seed}, step {step}, {a:?})", v.name, v.detail)));
            }
        }
    }

    /// D2/D3: replication.factor 3, min.insync.replicas 2, acks=all: whatever the faults, one broker crash
    /// loses no acknowledged record.
    #[test]
    fn d2_d3_rf3_min_isr2_acks_all_loses_nothing_acknowledged_through_one_crash(seed in any::<u64>()) {
        let c = durability_run(seed, "all", 3, 2);
        let lost = ledger_rows(&c).iter().filter(|r| r.labels.contains(&Label::Lost)).count();
        prop_assert_eq!(lost, 0, "seed {}", seed);
    }
}

/// D3: with acks=1 and paused replication a leader crash can lose an acknowledged record; the search must
/// find such a run.
#[test]
fn d3_acks_1_with_paused_replication_can_lose_an_acknowledged_record() {
    let found = (0..2_000u64).find(|&seed| {
        let c = durability_run(seed, "1", 2, 1);
        ledger_rows(&c)
            .iter()
            .any(|r| r.acknowledged && r.labels.contains(&Label::Lost))
    });
    println!("first run losing an acknowledged acks=1 record: seed {found:?}");
    assert!(found.is_some(), "no run lost an acknowledged record");
}

fn two_partition_setup() -> (Cluster, TopicIdx) {
    let s = parse_scenario(
        r#"{"flavor": "java",
            "topics": [{"name": "results", "partitions": 2}],
            "producers": [{"id": "a", "config": {"transactional.id": "tx"}},
                          {"id": "b", "config": {"transactional.id": "tx"}}],
            "consumers": [{"id": "rc", "subscribe": ["results"], "config": {"group.id": "r",
                           "auto.offset.reset": "earliest", "isolation.level": "read_committed"}}],
            "steps": []}"#,
    )
    .expect("valid");
    (Cluster::from_scenario(&s), TopicIdx(0))
}

/// Random sends, flushes, pauses, resumes and clock moves, and at most one broker crash.
fn durability_run(seed: u64, acks: &str, rf: u32, min_isr: u32) -> Cluster {
    let idem = acks == "all";
    let s = parse_scenario(&format!(
        r#"{{"flavor": "java",
            "topics": [{{"name": "orders", "replication.factor": {rf}, "min.insync.replicas": {min_isr}}}],
            "producers": [{{"id": "p", "config": {{"acks": "{acks}", "enable.idempotence": {idem}}}}}],
            "steps": []}}"#
    ))
    .expect("valid");
    let mut c = Cluster::from_scenario(&s);
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::new();
    let p = ClientIdx(0);
    let mut crashed = false;
    for i in 0..30u32 {
        out.clear();
        let brokers = u32::from(c.broker_count());
        let a = match rng.below(10) {
            0..=3 => {
                let v = c.intern(&format!("record {i}"));
                Action::ProducerSend {
                    producer: p,
                    topic: TopicIdx(0),
                    partition: None,
                    key: None,
                    value: v,
                }
            }
            4 | 5 => Action::ProducerFlush { producer: p },
            6 => Action::BrokerPauseReplication {
                broker: rng.below(brokers) as u16,
            },
            7 => Action::ReplicationResume,
            8 => Action::ClockAdvance {
                ms: u64::from(rng.below(4)) * 10_000,
            },
            _ if !crashed => {
                crashed = true;
                Action::BrokerCrash {
                    broker: rng.below(brokers) as u16,
                }
            }
            _ => Action::ProducerFlush { producer: p },
        };
        let _ = c.apply(&a, &mut out);
    }
    c
}

/// Every crash point (and every pair of crash points) of the corrected loop for 2 and 3 messages, each
/// crash of each kind: every schedule gives each result exactly once.
#[test]
fn eos_exhaustive_every_crash_point_of_the_corrected_loop() {
    let mut schedules = 0u64;
    let mut calls = 0u64;
    for n in 2..=3u32 {
        let (proto, results) = prototype(n);
        let mut happy = Driver::new(proto.clone(), &results);
        happy.run(|_| None);
        let len = happy.calls;
        assert_eq!(
            len,
            HAPPY_CALLS[n as usize - 2],
            "calls of the crash-free loop for n={n}"
        );
        assert!(happy.exactly_once());
        // One crash at every call, of every kind.
        for at in 0..len {
            for kind in [Crash::App, Crash::Producer, Crash::Consumer] {
                let mut d = Driver::new(proto.clone(), &results);
                d.run(|k| (k == at).then_some(kind));
                calls += u64::from(d.calls);
                schedules += 1;
                assert!(d.exactly_once(), "n={n} crash {kind:?} at call {at}");
            }
        }
        // Two whole-application crashes.
        for first in 0..len {
            for second in first + 1..len + 8 {
                let mut d = Driver::new(proto.clone(), &results);
                d.run(|k| (k == first || k == second).then_some(Crash::App));
                calls += u64::from(d.calls);
                schedules += 1;
                assert!(d.exactly_once(), "n={n} crashes at {first} and {second}");
            }
        }
    }
    println!("exhaustive: {schedules} crash schedules, {calls} application calls explored");
    assert_eq!(schedules, EXPECTED_SCHEDULES);
}

/// The crash-free loop makes 2 + 6n calls: init; per message poll, begin, process, send, send offsets,
/// commit; and one more poll, at whose start the last commit's markers land (T6) so that the group's
/// committed offset shows the end.
const HAPPY_CALLS: [u32; 2] = [14, 20];
/// For L calls: 3L single crashes plus sum over first < L of (L + 7 - first) pairs:
/// n=2: 42 + 203 = 245; n=3: 60 + 350 = 410.
const EXPECTED_SCHEDULES: u64 = 655;

/// The rf=3 property is not vacuous: many of its runs crash the leader after acknowledged writes.
#[test]
fn d2_d3_rf3_runs_do_crash_leaders_holding_acknowledged_records() {
    let mut meaningful = 0;
    for seed in 0..300u64 {
        let c = durability_run(seed, "all", 3, 2);
        let leader_moved = c.partition_logs().any(|(_, log)| log.leader != Some(0));
        let acked = ledger_rows(&c).iter().filter(|r| r.acknowledged).count();
        if leader_moved && acked > 0 {
            meaningful += 1;
            assert!(
                ledger_rows(&c)
                    .iter()
                    .all(|r| !r.labels.contains(&Label::Lost)),
                "seed {seed}"
            );
        }
    }
    println!("rf=3 runs with a leader crash after acknowledged writes: {meaningful} of 300");
    assert!(meaningful >= 20, "{meaningful}");
}
