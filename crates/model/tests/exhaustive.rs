//! Small-scope exhaustive check: 3 messages, the at-least-once loop (poll → process → commit), and a crash
//! (then session timeout and restart) at every point, up to three times. No schedule loses a message.
//! Run with `--nocapture` to see how many schedules and states were explored.

use kafka_model::action::Action;
use kafka_model::cluster::ledger_rows;
use kafka_model::ids::ClientIdx;
use kafka_model::ledger::Label;
use kafka_model::{check_invariants, parse_scenario, Cluster};

const W: ClientIdx = ClientIdx(0);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pc {
    Poll,
    Process,
    Commit,
}

struct Stats {
    schedules: u64,
    states: u64,
}

fn step(c: &mut Cluster, a: Action, stats: &mut Stats) {
    let mut out = Vec::new();
    let _ = c.apply(&a, &mut out);
    stats.states += 1;
    if let Err(v) = check_invariants(c) {
        panic!("invariant \"{}\" broken: {}", v.name, v.detail);
    }
}

fn committed(c: &Cluster) -> u64 {
    c.groups()[0].committed.values().map(|o| o.0).sum()
}

fn explore(c: Cluster, pc: Pc, crashes_left: u32, stats: &mut Stats) {
    if pc == Pc::Poll && committed(&c) == 3 {
        stats.schedules += 1;
        for r in ledger_rows(&c) {
            assert!(!r.labels.contains(&Label::Lost), "lost {}", c.text(r.value));
            assert!(r.processed >= 1, "never processed {}", c.text(r.value));
        }
        return;
    }
    // Branch 1: the loop's next step.
    let mut next = c.clone();
    let next_pc = match pc {
        Pc::Poll => {
            step(&mut next, Action::ConsumerPoll { consumer: W }, stats);
            if next.consumers()[0].received.is_empty() {
                Pc::Poll
            } else {
                Pc::Process
            }
        }
        Pc::Process => {
            step(
                &mut next,
                Action::ConsumerProcess {
                    consumer: W,
                    fail: false,
                    idempotent: false,
                },
                stats,
            );
            Pc::Commit
        }
        Pc::Commit => {
            step(
                &mut next,
                Action::ConsumerCommit {
                    consumer: W,
                    offsets: None,
                },
                stats,
            );
            Pc::Poll
        }
    };
    explore(next, next_pc, crashes_left, stats);
    // Branch 2: crash here, wait out the session, restart.
    if crashes_left > 0 {
        let mut crashed = c;
        step(&mut crashed, Action::ConsumerCrash { consumer: W }, stats);
        step(&mut crashed, Action::ClockAdvance { ms: 45_000 }, stats);
        step(&mut crashed, Action::ConsumerRestart { consumer: W }, stats);
        explore(crashed, Pc::Poll, crashes_left - 1, stats);
    }
}

#[test]
fn c4_c6_at_least_once_loop_loses_nothing_at_any_crash_point() {
    let s = parse_scenario(
        r#"{"topics": [{"name": "orders"}],
            "producers": [{"id": "producer"}],
            "consumers": [{"id": "worker", "subscribe": ["orders"],
                           "config": {"group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest"}}],
            "steps": [
              {"actor": "producer", "op": "send", "topic": "orders", "value": "m0"},
              {"actor": "producer", "op": "send", "topic": "orders", "value": "m1"},
              {"actor": "producer", "op": "send", "topic": "orders", "value": "m2"},
              {"actor": "producer", "op": "flush"}]}"#,
    )
    .unwrap();
    let mut c = Cluster::from_scenario(&s);
    let mut out = Vec::new();
    for a in &s.steps {
        c.apply(a, &mut out).unwrap();
    }
    let mut stats = Stats {
        schedules: 0,
        states: 0,
    };
    explore(c, Pc::Poll, 3, &mut stats);
    println!(
        "explored {} schedules ({} states) of the at-least-once loop with up to 3 crashes",
        stats.schedules, stats.states
    );
    assert_eq!(
        (stats.schedules, stats.states),
        (EXPECTED_SCHEDULES, EXPECTED_STATES)
    );
}

/// S(m, p, r) = S(next step) + S(restart at message m, r - 1), S(3, _, _) = 1: 334 for 3 messages, 3 crashes.
const EXPECTED_SCHEDULES: u64 = 334;
/// Actions applied over all schedules (each crash applies crash + advance + restart).
const EXPECTED_STATES: u64 = 2547;
