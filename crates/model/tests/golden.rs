//! Golden scenarios: `tests/golden/NAME.json` runs to exactly `tests/golden/NAME.expected.json`.
//! Regenerate with `UPDATE_GOLDEN=1 cargo test -p kafka-model --test golden`, then read the diff.

use std::fs;
use std::path::PathBuf;

use kafka_model::ledger::Label;
use pretty_assertions::assert_eq;
use serde_json::Value;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn inputs() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(golden_dir())
        .expect("golden dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".expected.json")
        })
        .collect();
    v.sort();
    v
}

#[test]
fn golden_scenarios_match_their_expected_output() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let files = inputs();
    assert!(files.len() >= 11, "golden scenarios missing");
    for input in files {
        let text = fs::read_to_string(&input).expect("read input");
        let output =
            kafka_model::run_json(&text).unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        let actual = serde_json::to_value(&output).expect("serialise");
        let expected_path = input.with_extension("expected.json");
        if update {
            fs::write(&expected_path, kafka_model::to_pretty_json(&output) + "\n").expect("write");
            continue;
        }
        let expected: Value = serde_json::from_str(
            &fs::read_to_string(&expected_path)
                .unwrap_or_else(|_| panic!("missing {}", expected_path.display())),
        )
        .expect("expected output is JSON");
        assert_eq!(actual, expected, "{}", input.display());
    }
}

fn labels(name: &str) -> Vec<(String, Vec<Label>)> {
    let text = fs::read_to_string(golden_dir().join(name)).expect("read");
    kafka_model::run_json(&text)
        .expect("valid")
        .ledger
        .into_iter()
        .map(|l| (l.value, l.labels))
        .collect()
}

fn order(i: u32) -> String {
    format!("{{\"order_id\": {i}, \"item\": \"widget\"}}")
}

/// The behaviour each golden file must show, independent of the recorded output.
#[test]
fn golden_scenarios_show_the_lessons() {
    // One copy each in the log; no consumer reads them, so none is "exactly once" yet (L2).
    let a = labels("a-producer-sends-orders.json");
    assert_eq!(a.len(), 10);
    assert!(a.iter().all(|(_, l)| l == &vec![Label::NotProcessed]));

    let b = labels("b-auto-commit-crash-replays.json");
    for (i, (v, l)) in b.iter().enumerate() {
        assert_eq!(v, &order(i as u32));
        let want = if (5..=7).contains(&i) {
            Label::ProcessedTwice
        } else {
            Label::ExactlyOnce
        };
        assert_eq!(l, &vec![want], "order {i}");
    }

    let c = labels("c-manual-commit-loses-order-5.json");
    for (i, (_, l)) in c.iter().enumerate() {
        let want = if i == 5 {
            Label::Lost
        } else {
            Label::ExactlyOnce
        };
        assert_eq!(l, &vec![want], "order {i}");
    }

    let d = labels("d-fixed-loop-no-loss.json");
    assert!(
        d.iter().all(|(_, l)| l == &vec![Label::ExactlyOnce]),
        "{d:?}"
    );

    // S3 as written: aborted read downstream, order 0 reprocessed after the restart (no committed offsets),
    // its result committed twice.
    let h = labels("h-course-exactly-once-loop-as-written.json");
    let result = |i: u32| format!("{{\"order_id\": {i}, \"status\": \"processed\"}}");
    let of = |list: &[(String, Vec<Label>)], v: &str| {
        list.iter()
            .find(|(x, _)| x == v)
            .map(|(_, l)| l.clone())
            .unwrap()
    };
    assert_eq!(of(&h, &result(7)), vec![Label::AbortedRead]);
    assert_eq!(of(&h, &result(0)), vec![Label::DuplicateInLog]);
    assert_eq!(of(&h, &order(0)), vec![Label::ProcessedTwice]);

    // The corrected loop: every result exactly once for the read_committed reader.
    let i = labels("i-corrected-exactly-once-loop.json");
    for n in 0..10 {
        assert_eq!(of(&i, &result(n)), vec![Label::ExactlyOnce], "result {n}");
    }
    // Only the database write of order 4 (outside Kafka) ran twice.
    assert_eq!(of(&i, &order(4)), vec![Label::ProcessedTwice]);

    // Zombie fencing, in either client: only instance B's results are committed, once each.
    for file in [
        "j-zombie-fencing.json",
        "l-zombie-fencing-kafka-python.json",
    ] {
        let j = labels(file);
        assert!(
            j.iter().all(|(_, l)| l == &vec![Label::ExactlyOnce]),
            "{file}: {j:?}"
        );
    }

    // D3: order 1 was acknowledged with acks=1 and is gone after the leader crash.
    let k = labels("k-acks-1-leader-crash-loses-an-acknowledged-record.json");
    assert_eq!(of(&k, &order(1)), vec![Label::Lost]);
    assert_eq!(of(&k, &order(2)), vec![Label::ExactlyOnce]);

    // D2: the refused write appended nothing and is not lost (it was never acknowledged); the resend is the
    // only copy.
    let r = labels("r-not-enough-replicas-retried-until-the-delivery-timeout.json");
    for (_, l) in &r {
        assert_eq!(l, &vec![Label::NotProcessed], "{r:?}");
    }
    // D2: written although min.insync.replicas is above the replication factor.
    let text =
        fs::read_to_string(golden_dir().join("s-min-insync-above-the-replication-factor.json"))
            .expect("read");
    let s = kafka_model::run_json(&text).expect("valid");
    assert!(s.steps.iter().all(|step| step.ok));
    assert_eq!(s.final_state.partitions[0].high_watermark, 1);

    // G1, G3: the late poll's commit fails and both orders are processed twice.
    let t = labels("t-late-poll-commit-fails.json");
    assert!(
        t.iter().all(|(_, l)| l == &vec![Label::ProcessedTwice]),
        "{t:?}"
    );
    // G5: the static member's new instance resumes at the committed offset, nothing twice.
    let u = labels("u-static-member-restarts-without-a-rebalance.json");
    assert!(
        u.iter().all(|(_, l)| l == &vec![Label::ExactlyOnce]),
        "{u:?}"
    );
    // G4: the listener's commit keeps the order from being processed again by the new owner.
    let v = labels("v-revocation-hook-commits-before-the-rebalance.json");
    assert!(
        v.iter().all(|(_, l)| l == &vec![Label::ExactlyOnce]),
        "{v:?}"
    );
}
