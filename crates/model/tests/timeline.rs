//! The timeline: back, forward, jump, fork, and the state at the cursor equals a fresh replay.

use kafka_model::action::Action;
use kafka_model::ids::ClientIdx;
use kafka_model::{enabled_actions, parse_scenario, Cluster, Timeline};
use pretty_assertions::assert_eq;

fn setup() -> kafka_model::Scenario {
    parse_scenario(
        r#"{"topics": [{"name": "orders", "partitions": 2}],
            "producers": [{"id": "producer"}],
            "consumers": [{"id": "worker", "subscribe": ["orders"], "config": {"group.id": "g", "auto.offset.reset": "earliest"}}],
            "steps": []}"#,
    )
    .unwrap()
}

/// A deterministic walk over the enabled actions.
fn walk(n: usize) -> Timeline {
    let s = setup();
    let mut t = Timeline::new(Cluster::from_scenario(&s));
    let mut x: u64 = 12345;
    for _ in 0..n {
        let actions = enabled_actions(t.state());
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let a = actions[((x >> 33) % actions.len() as u64) as usize].clone();
        t.apply(a);
    }
    t
}

fn replay(t: &Timeline, upto: usize) -> Cluster {
    let mut c = Cluster::from_scenario(&setup());
    let mut out = Vec::new();
    for s in &t.steps()[..upto] {
        let _ = c.apply(&s.action, &mut out);
    }
    c
}

#[test]
fn jump_back_forward_reach_the_same_states_as_a_replay() {
    let mut t = walk(200);
    assert_eq!(t.len(), 200);
    assert_eq!(t.cursor(), 200);
    for to in [0, 1, 31, 32, 33, 100, 199, 200, 64, 5] {
        t.jump(to);
        assert_eq!(t.cursor(), to);
        assert!(*t.state() == replay(&t, to), "state after jump to {to}");
    }
    t.jump(50);
    assert!(t.back());
    assert_eq!(t.cursor(), 49);
    assert!(*t.state() == replay(&t, 49));
    assert!(t.forward());
    assert!(t.forward());
    assert_eq!(t.cursor(), 51);
    assert!(*t.state() == replay(&t, 51));
    t.jump(0);
    assert!(!t.back());
    t.jump(200);
    assert!(!t.forward());
}

#[test]
fn applying_at_an_earlier_step_forks_the_timeline() {
    let mut t = walk(100);
    t.jump(40);
    let r = t.apply(Action::ClockAdvance { ms: 1 });
    assert!(r.result.is_ok());
    assert_eq!(t.len(), 41);
    assert_eq!(t.cursor(), 41);
    assert!(*t.state() == replay(&t, 41));
    // Checkpoints past the fork are gone: jumping still replays correctly.
    for _ in 0..60 {
        t.apply(Action::ConsumerPoll {
            consumer: ClientIdx(0),
        });
    }
    for to in [33, 64, 96, 101] {
        t.jump(to);
        assert!(*t.state() == replay(&t, to), "after fork, jump to {to}");
    }
}

#[test]
fn per_step_results_are_kept() {
    let t = walk(50);
    assert!(t
        .steps()
        .iter()
        .all(|s| s.result.is_ok() || !s.events.is_empty() || s.result.is_err()));
    assert!(t.step(49).is_some());
    assert!(t.step(50).is_none());
    assert!(t.steps().iter().any(|s| !s.events.is_empty()));
}

#[test]
fn timeline_from_scenario_matches_the_runner() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/b-auto-commit-crash-replays.json"
    ))
    .unwrap();
    let s = parse_scenario(&text).unwrap();
    let t = Timeline::from_scenario(&s);
    let (c, records) = kafka_model::run_steps(&s);
    assert!(*t.state() == c);
    assert_eq!(t.len(), records.len());
    for (a, b) in t.steps().iter().zip(&records) {
        assert_eq!((a.result, &a.events), (b.result, &b.events));
    }
}

#[test]
fn a_recorded_timeline_exports_to_a_scenario_that_replays_identically() {
    let mut t = walk(150);
    t.jump(20);
    let json = t.to_scenario_json();
    let exported = parse_scenario(&json.to_string()).expect("the export is a valid scenario");
    assert_eq!(exported.steps.len(), 150);
    let (c, records) = kafka_model::run_steps(&exported);
    // Same outcome: log, groups, clients and ledger as shown to the learner.
    t.jump(150);
    assert_eq!(
        kafka_model::output::final_state(&c),
        kafka_model::output::final_state(t.state())
    );
    assert_eq!(
        kafka_model::output::ledger_output(&c),
        kafka_model::output::ledger_output(t.state())
    );
    let names = c.names();
    for (i, r) in records.iter().enumerate() {
        let a = kafka_model::output::step_output(&names, i, &r.action, r.result, &r.events);
        let b = t.step_output(i).unwrap();
        assert_eq!(
            (a.ok, a.error, a.events),
            (b.ok, b.error, b.events),
            "step {i}"
        );
    }
}

#[test]
fn golden_scenarios_round_trip_through_export() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.to_string_lossy().to_string();
        if !name.ends_with(".json") || name.ends_with(".expected.json") {
            continue;
        }
        let s = parse_scenario(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let json = s.to_json();
        let again = parse_scenario(&json.to_string()).unwrap();
        assert_eq!(again.setup, s.setup, "{name}");
        assert_eq!(
            kafka_model::run_scenario(&again),
            kafka_model::run_scenario(&s),
            "{name}"
        );
    }
}
