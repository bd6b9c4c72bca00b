//! Consumer rules C1–C8 of kafka-semantics.md.

mod common;

use common::*;
use kafka_model::consumer::ConsumerState;
use kafka_model::ledger::Label;
use pretty_assertions::assert_eq;
use serde_json::json;

fn manual(id: &str) -> serde_json::Value {
    consumer(
        id,
        json!({ "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest" }),
    )
}

#[test]
fn c1_kafka_python_position_is_record_offset_plus_one() {
    let mut steps = produce(3);
    steps.push(op("worker", "poll"));
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([manual("worker")]),
        steps.clone(),
    ));
    // One record yielded: position = 0 + 1, although the iterator fetched all three.
    assert_eq!(positions(&o, "worker"), vec![(0, 1)]);
    assert_eq!(
        o.ledger.iter().map(|l| l.delivered).collect::<Vec<_>>(),
        vec![1, 0, 0]
    );
    steps.push(op("worker", "poll"));
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([manual("worker")]),
        steps,
    ));
    assert_eq!(positions(&o, "worker"), vec![(0, 2)]);
    // The position is not the committed offset (C1): nothing committed.
    assert_eq!(committed(&o, "g"), vec![]);
}

#[test]
fn c1_java_poll_moves_position_past_whole_batch() {
    let mut steps = produce(3);
    steps.push(op("worker", "poll"));
    let o = run(&scenario("java", 1, json!([manual("worker")]), steps));
    assert_eq!(positions(&o, "worker"), vec![(0, 3)]);
    assert_eq!(
        o.ledger.iter().map(|l| l.delivered).collect::<Vec<_>>(),
        vec![1, 1, 1]
    );
    assert_eq!(
        o.ledger.iter().map(|l| l.processed).collect::<Vec<_>>(),
        vec![0, 0, 0]
    );
}

#[test]
fn c1_java_max_poll_records_limits_the_batch() {
    let mut steps = produce(3);
    steps.push(op("worker", "poll"));
    let c = consumer(
        "worker",
        json!({ "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest", "max.poll.records": 2 }),
    );
    let o = run(&scenario("java", 1, json!([c]), steps));
    assert_eq!(positions(&o, "worker"), vec![(0, 2)]);
}

#[test]
fn c2_commit_stores_next_offset_to_read() {
    let mut steps = produce(3);
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        op("worker", "commit"),
    ]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([manual("worker")]),
        steps,
    ));
    // Processed offset 0: committed = 0 + 1.
    assert_eq!(committed(&o, "g"), vec![(0, 1)]);
}

#[test]
fn c3_commit_without_args_commits_every_assigned_partition() {
    let steps = vec![
        send_to("producer", 0, 0),
        send_to("producer", 1, 1),
        send_to("producer", 2, 1),
        op("producer", "flush"),
        op("worker", "poll"),
        process("worker", false),
        op("worker", "commit"),
    ];
    let o = run(&scenario("java", 2, json!([manual("worker")]), steps));
    // Java poll handed out all three; one processed; commit() stores both positions.
    assert_eq!(committed(&o, "g"), vec![(0, 1), (1, 2)]);
}

#[test]
fn c3_later_commit_covers_an_earlier_failed_record() {
    let mut steps = produce(2);
    steps.extend([
        op("worker", "poll"),
        process("worker", true),
        op("worker", "poll"),
        process("worker", false),
        op("worker", "commit"),
        op("worker", "crash"),
        advance(45_000),
        op("worker", "restart"),
        op("worker", "poll"),
    ]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([manual("worker")]),
        steps,
    ));
    assert_eq!(committed(&o, "g"), vec![(0, 2)]);
    // After the restart there is nothing to re-read: order 0 is never retried.
    assert_eq!(positions(&o, "worker"), vec![(0, 2)]);
    assert_eq!(labels_of(&o, 0), vec![Label::Lost]);
}

fn auto(id: &str, max_poll: u32) -> serde_json::Value {
    consumer(
        id,
        json!({ "group.id": "g", "auto.offset.reset": "earliest", "max.poll.records": max_poll }),
    )
}

#[test]
fn c4_auto_commit_happens_inside_the_next_poll_not_on_a_timer() {
    let mut steps = produce(3);
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        advance(5_000),
    ]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([auto("worker", 1)]),
        steps.clone(),
    ));
    // The interval elapsed, but time alone commits nothing.
    assert_eq!(committed(&o, "g"), vec![]);
    steps.push(op("worker", "poll"));
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([auto("worker", 1)]),
        steps,
    ));
    // The next poll commits the position reached by the earlier poll (1), then yields offset 1.
    assert_eq!(committed(&o, "g"), vec![(0, 1)]);
    assert_eq!(positions(&o, "worker"), vec![(0, 2)]);
    let last = o.steps.last().unwrap();
    assert!(
        last.events[0].contains("auto-commit interval had elapsed, so poll first committed"),
        "{:?}",
        last.events
    );
}

#[test]
fn c4_the_auto_commit_interval_starts_when_the_consumer_joins_not_when_it_is_created() {
    for flavor in ["kafka-python", "java"] {
        let mut steps = produce(3);
        // Created at 0 ms, the worker first polls (and joins) at 3000 ms.
        steps.extend([
            advance(3_000),
            op("worker", "poll"),
            process("worker", false),
            advance(2_300),
            op("worker", "poll"),
        ]);
        let o = run(&scenario(
            flavor,
            1,
            json!([auto("worker", 1)]),
            steps.clone(),
        ));
        // 5300 ms after the creation but only 2300 ms after the join: nothing committed yet.
        assert_eq!(committed(&o, "g"), vec![], "{flavor}");
        steps.extend([
            process("worker", false),
            advance(2_800),
            op("worker", "poll"),
        ]);
        let o = run(&scenario(flavor, 1, json!([auto("worker", 1)]), steps));
        assert_eq!(committed(&o, "g"), vec![(0, 2)], "{flavor}");
    }
}

#[test]
fn c4_kafka_python_auto_commits_only_when_the_iterator_fetches() {
    // Default max.poll.records = 500: all three records are buffered by the first poll.
    let mut steps = produce(3);
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        advance(5_000),
        op("worker", "poll"),
        process("worker", false),
    ]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([auto("worker", 500)]),
        steps,
    ));
    assert_eq!(committed(&o, "g"), vec![]);
}

#[test]
fn c4_auto_commit_is_at_least_once_on_crash() {
    let mut steps = produce(4);
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        advance(5_000),
        op("worker", "poll"), // auto-commits 1
        process("worker", false),
        op("worker", "poll"),
        process("worker", false),
        op("worker", "crash"),
        advance(45_000),
        op("worker", "restart"),
        op("worker", "poll"),
        process("worker", false),
        op("worker", "poll"),
        process("worker", false),
        op("worker", "poll"),
        process("worker", false),
    ]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([auto("worker", 1)]),
        steps,
    ));
    assert_eq!(
        labels(&o).into_iter().map(|(_, l)| l).collect::<Vec<_>>(),
        vec![
            vec![Label::ExactlyOnce],
            vec![Label::ProcessedTwice],
            vec![Label::ProcessedTwice],
            vec![Label::ExactlyOnce],
        ]
    );
}

#[test]
fn c4_auto_commit_loses_only_a_record_the_loop_moved_past() {
    let mut steps = produce(3);
    steps.extend([
        op("worker", "poll"),
        process("worker", true), // error swallowed, the loop moves on
        op("worker", "poll"),
        process("worker", false),
        advance(5_000),
        op("worker", "poll"), // auto-commit 2 covers the failed record 0
        process("worker", false),
    ]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([auto("worker", 1)]),
        steps,
    ));
    assert_eq!(committed(&o, "g"), vec![(0, 2)]);
    assert_eq!(labels_of(&o, 0), vec![Label::Lost]);
    assert_eq!(labels_of(&o, 1), vec![Label::ExactlyOnce]);
}

fn reset(policy: &str) -> serde_json::Value {
    consumer(
        "worker",
        json!({ "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": policy }),
    )
}

#[test]
fn c5_latest_skips_the_backlog() {
    let mut steps = produce(3);
    steps.push(op("worker", "poll"));
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([reset("latest")]),
        steps,
    ));
    assert_eq!(positions(&o, "worker"), vec![(0, 3)]);
    assert_eq!(o.ledger.iter().map(|l| l.delivered).sum::<u32>(), 0);
    // latest is the default.
    let mut steps = produce(3);
    steps.push(op("worker", "poll"));
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([consumer("worker", json!({"group.id": "g"}))]),
        steps,
    ));
    assert_eq!(positions(&o, "worker"), vec![(0, 3)]);
}

#[test]
fn c5_earliest_starts_at_the_beginning() {
    let mut steps = produce(3);
    steps.push(op("worker", "poll"));
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([reset("earliest")]),
        steps,
    ));
    assert_eq!(positions(&o, "worker"), vec![(0, 1)]);
}

#[test]
fn c5_none_raises_no_offset_for_partition() {
    let mut steps = produce(3);
    steps.push(op("worker", "poll"));
    let o = run(&scenario("kafka-python", 1, json!([reset("none")]), steps));
    assert_eq!(
        step_errors(&o),
        vec![(4, "NoOffsetForPartition".to_string())]
    );
}

#[test]
fn c5_committed_offset_wins_over_reset() {
    let mut steps = produce(3);
    steps.extend([
        op("worker", "poll"),
        json!({"actor": "worker", "op": "commit", "offsets": [{"topic": "orders", "partition": 0, "offset": 2}]}),
        op("worker", "close"),
        op("worker", "restart"),
        op("worker", "poll"),
    ]);
    let o = run(&scenario("kafka-python", 1, json!([reset("none")]), steps));
    // The first poll fails (no committed offset, reset none); after the commit, the restart resumes at 2.
    assert_eq!(
        step_errors(&o),
        vec![(4, "NoOffsetForPartition".to_string())]
    );
    assert_eq!(positions(&o, "worker"), vec![(0, 3)]);
}

/// One record per poll, so kafka-python's iterator calls poll() at every step (it rejoins a pending
/// rebalance only from poll(), not while it yields a batch it holds).
fn two_workers() -> serde_json::Value {
    let config = json!({ "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest",
                         "max.poll.records": 1 });
    json!([consumer("a", config.clone()), consumer("b", config)])
}

#[test]
fn c6_crashed_member_keeps_partitions_until_session_timeout() {
    let mut steps = vec![
        send_to("producer", 0, 0),
        send_to("producer", 1, 1),
        op("producer", "flush"),
    ];
    // b's join starts an eager rebalance that completes when a rejoins in its next poll.
    steps.extend([
        op("a", "poll"),
        op("b", "poll"),
        op("a", "poll"),
        op("b", "poll"),
        op("a", "crash"),
        advance(44_999),
        op("b", "poll"),
    ]);
    let o = run(&scenario("kafka-python", 2, two_workers(), steps.clone()));
    // session.timeout.ms = 45000 by default: at 44999 ms a still holds partition 0.
    assert_eq!(positions(&o, "b"), vec![(1, 1)]);
    steps.extend([advance(1), op("b", "poll")]);
    let o = run(&scenario("kafka-python", 2, two_workers(), steps));
    // Session expired: b gets both partitions, partition 0 from the (absent) committed offset → earliest.
    assert_eq!(positions(&o, "b"), vec![(0, 1), (1, 0)]);
    assert!(all_events(&o)
        .iter()
        .any(|e| e.contains("removed it from group g")));
}

#[test]
fn c6_restart_resumes_at_the_committed_offset() {
    let mut steps = produce(4);
    steps.extend([
        op("a", "poll"),
        process("a", false),
        op("a", "poll"),
        process("a", false),
        op("a", "commit"),
        op("a", "poll"),
        process("a", false), // processed, not committed
        op("a", "crash"),
        op("a", "restart"),
        op("a", "poll"), // the dead instance still holds the partition
    ]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([two_workers()[0].clone()]),
        steps.clone(),
    ));
    assert_eq!(positions(&o, "a"), vec![]);
    assert!(o
        .steps
        .last()
        .unwrap()
        .events
        .iter()
        .any(|e| e.contains("still holds the partitions")));
    steps.extend([advance(45_000), op("a", "poll")]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([two_workers()[0].clone()]),
        steps,
    ));
    // Resumes at committed offset 2: order 2 is delivered again.
    assert_eq!(positions(&o, "a"), vec![(0, 3)]);
    assert_eq!(o.ledger[2].delivered, 2);
}

#[test]
fn c6_close_leaves_the_group_at_once() {
    let mut steps = vec![
        send_to("producer", 0, 0),
        send_to("producer", 1, 1),
        op("producer", "flush"),
    ];
    steps.extend([
        op("a", "poll"),
        op("b", "poll"),
        op("a", "close"),
        op("b", "poll"),
    ]);
    let o = run(&scenario("kafka-python", 2, two_workers(), steps));
    assert_eq!(positions(&o, "b"), vec![(0, 1), (1, 0)]);
    assert_eq!(o.final_state.consumers[0].state, ConsumerState::Closed);
}

#[test]
fn c6_close_auto_commits_first() {
    let mut steps = produce(2);
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        op("worker", "close"),
    ]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([auto("worker", 500)]),
        steps,
    ));
    assert_eq!(committed(&o, "g"), vec![(0, 1)]);
}

#[test]
fn c8_read_uncommitted_is_the_default_and_reads_to_the_high_watermark() {
    let mut steps = produce(2);
    steps.push(op("worker", "poll"));
    let c = consumer(
        "worker",
        json!({ "group.id": "g", "auto.offset.reset": "earliest", "isolation.level": "read_committed" }),
    );
    let o = run(&scenario("java", 1, json!([c]), steps.clone()));
    // Non-transactional records: LSO = HW, read_committed reads them all.
    assert_eq!(o.final_state.partitions[0].last_stable_offset, 2);
    assert_eq!(positions(&o, "worker"), vec![(0, 2)]);
    let parsed = kafka_model::parse_scenario(
        &scenario(
            "java",
            1,
            json!([consumer("worker", json!({"group.id": "g"}))]),
            steps,
        )
        .to_string(),
    )
    .unwrap();
    assert_eq!(
        parsed.setup.consumers[0].config.isolation_level,
        kafka_model::config::IsolationLevel::ReadUncommitted
    );
}

#[test]
fn c5_position_out_of_range_after_seek_is_reset_by_policy() {
    let mut steps = produce(3);
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        op("worker", "commit"),
        json!({"actor": "worker", "op": "seek", "topic": "orders", "partition": 0, "offset": 100}),
        op("worker", "poll"),
    ]);
    let o = run(&scenario(
        "kafka-python",
        1,
        json!([reset("earliest")]),
        steps,
    ));
    // Out of range: auto.offset.reset=earliest, not the committed offset 1.
    assert_eq!(positions(&o, "worker"), vec![(0, 1)]);
    assert_eq!(o.ledger[0].delivered, 2);
}

#[test]
fn c3_java_commit_after_the_first_record_covers_the_whole_batch() {
    let mut steps = produce(3);
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        op("worker", "commit"),
        op("worker", "crash"),
        advance(45_000),
        op("worker", "restart"),
        op("worker", "poll"),
    ]);
    let o = run(&scenario("java", 1, json!([manual("worker")]), steps));
    // poll() moved the position to 3 at once; commit() stored 3; orders 1 and 2 are never processed.
    assert_eq!(committed(&o, "g"), vec![(0, 3)]);
    assert_eq!(labels_of(&o, 1), vec![Label::Lost]);
    assert_eq!(labels_of(&o, 2), vec![Label::Lost]);
}

#[test]
fn c6_a_joining_member_waits_until_every_member_has_rejoined() {
    let mut steps = vec![
        send_to("producer", 0, 0),
        send_to("producer", 1, 1),
        op("producer", "flush"),
    ];
    steps.extend([op("a", "poll"), op("b", "poll")]);
    let o = run(&scenario("kafka-python", 2, two_workers(), steps.clone()));
    assert_eq!(positions(&o, "b"), vec![]);
    assert!(o.steps[4]
        .events
        .last()
        .unwrap()
        .contains("has not polled since it started"));
    steps.extend([op("a", "poll"), op("b", "poll")]);
    let o = run(&scenario("kafka-python", 2, two_workers(), steps));
    assert_eq!(positions(&o, "a"), vec![(0, 1)]);
    assert_eq!(positions(&o, "b"), vec![(1, 1)]);
}

#[test]
fn c4_auto_commit_before_a_rebalance_runs_in_the_members_own_poll() {
    // a (java) holds a batch when b joins; a finishes the batch, then its next poll auto-commits and
    // rejoins: at-least-once, nothing lost.
    let cfg = json!({ "group.id": "g", "auto.offset.reset": "earliest" });
    let consumers = json!([consumer("a", cfg.clone()), consumer("b", cfg)]);
    let mut steps = vec![
        send_to("producer", 0, 0),
        send_to("producer", 1, 0),
        op("producer", "flush"),
    ];
    steps.extend([
        op("a", "poll"),
        op("b", "poll"),
        process("a", false),
        process("a", false),
        op("a", "poll"),
    ]);
    let o = run(&scenario("java", 2, consumers, steps));
    assert_eq!(committed(&o, "g"), vec![(0, 2), (1, 0)]);
    assert_eq!(labels_of(&o, 0), vec![Label::ExactlyOnce]);
    assert_eq!(labels_of(&o, 1), vec![Label::ExactlyOnce]);
}
