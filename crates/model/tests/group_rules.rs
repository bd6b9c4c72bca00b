//! Consumer groups that rebalance (G1–G5 of kafka-semantics.md).

mod common;

use common::*;
use kafka_model::ledger::Label;
use kafka_model::output::{GroupOut, Output};
use serde_json::{json, Value};

/// Manual commits, earliest, with extra settings.
fn config(extra: Value) -> Value {
    let mut c =
        json!({ "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest" });
    c.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    c
}

fn pair(extra: Value) -> Value {
    json!([
        consumer("a", config(extra.clone())),
        consumer("b", config(extra))
    ])
}

fn group(o: &Output) -> &GroupOut {
    &o.final_state.groups[0]
}

fn assignment(o: &Output, consumer: &str) -> Vec<u32> {
    let c = o
        .final_state
        .consumers
        .iter()
        .find(|c| c.id == consumer)
        .unwrap();
    c.assignment.iter().map(|tp| tp.partition).collect()
}

fn processed(o: &Output, i: u32) -> u32 {
    let v = order(i);
    o.ledger.iter().find(|l| l.value == v).unwrap().processed
}

/// a and b in one group over two partitions, one order on each; after the steps a holds partition 0 and b
/// partition 1 (generation 2) and neither has read anything.
fn settled_pair() -> Vec<Value> {
    vec![
        send_to("producer", 0, 0),
        send_to("producer", 1, 1),
        op("producer", "flush"),
        op("a", "poll"),
        op("b", "poll"),
    ]
}

#[test]
fn g1_a_member_that_does_not_poll_within_max_poll_interval_leaves_and_its_partitions_move() {
    let mut steps = settled_pair();
    steps.extend([
        op("a", "poll"),
        op("b", "poll"),
        advance(6_000),
        op("b", "poll"),
        advance(3_999),
    ]);
    let consumers = pair(json!({ "max.poll.interval.ms": 10_000, "max.poll.records": 1 }));
    let o = run(&scenario("java", 2, consumers.clone(), steps.clone()));
    assert_eq!(assignment(&o, "a"), vec![0]);
    assert_eq!(group(&o).members.len(), 2);

    steps.extend([advance(1), op("b", "poll")]);
    let o = run(&scenario("java", 2, consumers, steps));
    // a last polled at 0 ms: at 10000 ms its client left; b, which polled at 6000 ms, stays and takes all.
    let left = &o.steps[o.steps.len() - 2].events;
    assert!(left
        .iter()
        .any(|e| e.contains("a did not call poll() within max.poll.interval.ms")));
    assert_eq!(assignment(&o, "b"), vec![0, 1]);
    assert_eq!(group(&o).members.len(), 1);
    assert_eq!(group(&o).generation, 3);
}

#[test]
fn g1_kafka_python_resets_the_poll_timer_only_when_its_iterator_fetches() {
    // Three orders on one partition, one fetch: the iterator hands out the batch without calling poll().
    let steps = vec![
        send_to("producer", 0, 0),
        send_to("producer", 1, 0),
        send_to("producer", 2, 0),
        op("producer", "flush"),
        op("a", "poll"),
        advance(6_000),
        op("a", "poll"),
        advance(4_000),
    ];
    let consumers = json!([consumer(
        "a",
        config(json!({ "max.poll.interval.ms": 10_000 }))
    )]);
    let python = run(&scenario(
        "kafka-python",
        1,
        consumers.clone(),
        steps.clone(),
    ));
    assert!(
        group(&python).members.is_empty(),
        "kafka-python left the group"
    );
    // The Java client's poll() is a poll every time.
    let java = run(&scenario("java", 1, consumers, steps));
    assert_eq!(group(&java).members.len(), 1);
}

#[test]
fn g2_range_and_roundrobin_deal_two_topics_differently() {
    let run_with = |strategy: &str| {
        let cfg = config(json!({ "partition.assignment.strategy": strategy }));
        let member =
            |id: &str| json!({ "id": id, "subscribe": ["orders", "payments"], "config": cfg });
        let o = run(&json!({
            "flavor": "java",
            "topics": [{ "name": "payments", "partitions": 3 }, { "name": "orders", "partitions": 3 }],
            "consumers": [member("a"), member("b")],
            "steps": [op("a", "poll"), op("b", "poll"), op("a", "poll")]
        }));
        let parts = |c: &str| {
            let c = o.final_state.consumers.iter().find(|x| x.id == c).unwrap();
            c.assignment
                .iter()
                .map(|tp| format!("{}-{}", tp.topic, tp.partition))
                .collect::<Vec<_>>()
        };
        (parts("a"), parts("b"), group(&o).assignor)
    };
    let (a, b, chosen) = run_with("range");
    assert_eq!(a, ["orders-0", "orders-1", "payments-0", "payments-1"]);
    assert_eq!(b, ["orders-2", "payments-2"]);
    assert_eq!(chosen.map(|c| c.name()), Some("range"));
    // Round-robin walks the partitions by topic name, whatever order the topics were declared in.
    let (a, b, _) = run_with("roundrobin");
    assert_eq!(a, ["orders-0", "orders-2", "payments-1"]);
    assert_eq!(b, ["orders-1", "payments-0", "payments-2"]);
}

#[test]
fn g2_both_flavors_default_to_range() {
    for flavor in ["java", "kafka-python"] {
        let o = run(&scenario(flavor, 2, pair(json!({})), settled_pair()));
        assert_eq!(
            group(&o).assignor.map(|a| a.name()),
            Some("range"),
            "{flavor}"
        );
    }
}

#[test]
fn g2_eager_members_stop_consuming_during_a_rebalance() {
    let mut steps = settled_pair();
    steps.extend([op("a", "poll"), op("c", "poll"), op("b", "poll")]);
    let cfg = config(json!({ "max.poll.records": 1 }));
    let consumers = json!([
        consumer("a", cfg.clone()),
        consumer("b", cfg.clone()),
        consumer("c", cfg)
    ]);
    let o = run(&scenario("java", 2, consumers, steps));
    // c joined, so b's poll rejoins and gives up partition 1: it reads nothing.
    let b = o.steps.last().unwrap();
    assert!(b
        .events
        .iter()
        .any(|e| e.contains("gave up its partitions")));
    assert!(!b.events.iter().any(|e| e.contains("received")));
}

#[test]
fn g2_cooperative_sticky_keeps_consuming_and_moves_partitions_in_a_second_rebalance() {
    let steps: Vec<Value> = (0..4)
        .map(|p| send_to("producer", p, p))
        .chain([
            op("producer", "flush"),
            op("a", "poll"),
            op("b", "poll"),
            op("a", "poll"),
            op("b", "poll"),
            op("a", "poll"),
        ])
        .collect();
    let consumers = pair(json!({ "partition.assignment.strategy": "cooperative-sticky" }));
    let o = run(&scenario("java", 4, consumers, steps));
    // a's first poll took all four orders; b's join started a rebalance.
    assert_eq!(
        o.steps[5]
            .events
            .iter()
            .filter(|e| e.contains("received"))
            .count(),
        4
    );
    // a's rejoin completed generation 2: a keeps 0 and 1 and gives up 2 and 3, which nobody gets yet.
    let first = &o.steps[7].events;
    assert!(first.iter().any(|e| e.contains("(generation 2)")
        && e.contains("b gets nothing")
        && e.contains("a must give up orders-2, orders-3")));
    // In the second rebalance b gets them; a never waited.
    assert_eq!(group(&o).generation, 3);
    assert_eq!(assignment(&o, "a"), vec![0, 1]);
    assert_eq!(assignment(&o, "b"), vec![2, 3]);
    assert!(!all_events(&o).iter().any(|e| e.starts_with("a waits")));
    assert!(group(&o)
        .assignor
        .is_some_and(|a| a.name() == "cooperative-sticky"));
}

#[test]
fn g2_the_java_default_list_rebalances_eagerly_even_when_it_chooses_cooperative_sticky() {
    let eager = json!({ "partition.assignment.strategy": "cooperative-sticky,range" });
    let mut steps = settled_pair();
    steps.extend([op("a", "poll"), op("b", "poll"), op("a", "poll")]);
    let o = run(&scenario("java", 2, pair(eager), steps));
    assert!(all_events(&o)
        .iter()
        .any(|e| e.contains("under the eager protocol")));
}

#[test]
fn g2_a_member_sharing_no_assignor_cannot_join() {
    let consumers = json!([
        consumer(
            "a",
            config(json!({ "partition.assignment.strategy": "range" }))
        ),
        consumer(
            "b",
            config(json!({ "partition.assignment.strategy": "roundrobin" }))
        )
    ]);
    let o = run(&scenario("java", 2, consumers, settled_pair()));
    assert_eq!(
        step_errors(&o),
        vec![(4, "InconsistentGroupProtocol".into())]
    );
}

#[test]
fn g3_a_removed_member_s_commit_fails_and_the_new_owner_repeats_its_work() {
    let mut steps = produce(3);
    steps.extend([
        op("a", "poll"),
        op("b", "poll"),
        process("a", false),
        advance(10_000),
        process("a", false),
        process("a", false),
        op("a", "commit"),
        op("b", "poll"),
        process("b", false),
        process("b", false),
        process("b", false),
    ]);
    let consumers = pair(json!({ "max.poll.interval.ms": 10_000 }));
    let o = run(&scenario("java", 1, consumers, steps));
    assert_eq!(step_errors(&o), vec![(10, "CommitFailed".into())]);
    assert!(committed(&o, "g").is_empty());
    for i in 0..3 {
        assert_eq!(processed(&o, i), 2, "order {i}");
        assert!(labels_of(&o, i).contains(&Label::ProcessedTwice));
    }
}

#[test]
fn g3_a_removed_member_that_polls_again_rejoins_and_may_commit() {
    let mut steps = produce(1);
    steps.extend([
        op("a", "poll"),
        advance(10_000),
        op("a", "commit"),
        op("a", "poll"),
        op("a", "commit"),
    ]);
    let consumers = json!([consumer(
        "a",
        config(json!({ "max.poll.interval.ms": 10_000 }))
    )]);
    let o = run(&scenario("java", 1, consumers, steps));
    assert_eq!(step_errors(&o), vec![(4, "CommitFailed".into())]);
    assert!(o.steps[5]
        .events
        .iter()
        .any(|e| e.contains("partitions are lost")));
    assert_eq!(group(&o).generation, 2);
}

#[test]
fn g4_committing_in_the_revocation_hook_narrows_the_duplicates_to_nothing() {
    // a reads and processes order 1 of partition 1 without committing; b joins and takes partition 1.
    let steps = |hook: &str| {
        let mut a = consumer("a", config(json!({ "max.poll.records": 1 })));
        a["on_partitions_revoked"] = hook.into();
        let b = consumer("b", config(json!({ "max.poll.records": 1 })));
        let s = vec![
            send_to("producer", 1, 1),
            op("producer", "flush"),
            op("a", "poll"),
            process("a", false),
            op("b", "poll"),
            op("a", "poll"),
            op("b", "poll"),
            process("b", false),
        ];
        scenario("kafka-python", 2, json!([a, b]), s)
    };
    let without = run(&steps("nothing"));
    let with = run(&steps("commit"));
    assert_eq!(assignment(&with, "b"), vec![1]);
    assert_eq!(processed(&without, 1), 2);
    assert_eq!(processed(&with, 1), 1);
    assert_eq!(committed(&with, "g"), vec![(0, 0), (1, 1)]);
    assert!(all_events(&with)
        .iter()
        .any(|e| e.contains("committed in on_partitions_revoked")));
}

#[test]
fn g5_a_static_member_that_restarts_in_time_keeps_its_partitions_without_a_rebalance() {
    let consumers = json!([
        consumer("a", config(json!({ "group.instance.id": "a-1" }))),
        consumer("b", config(json!({ "group.instance.id": "b-1" })))
    ]);
    let mut steps = settled_pair();
    steps.extend([
        op("a", "poll"),
        op("b", "poll"),
        op("a", "crash"),
        advance(30_000),
        op("a", "restart"),
        op("a", "poll"),
        op("b", "poll"),
    ]);
    let o = run(&scenario("java", 2, consumers.clone(), steps.clone()));
    assert_eq!(group(&o).generation, 2);
    assert_eq!(assignment(&o, "a"), vec![0]);
    assert_eq!(assignment(&o, "b"), vec![1]);
    let after_crash: Vec<String> = o.steps[9..].iter().flat_map(|s| s.events.clone()).collect();
    assert!(!after_crash.iter().any(|e| e.contains("starts a rebalance")));
    assert!(after_crash
        .iter()
        .any(|e| e.contains("takes its old place without a rebalance")));
    // A dynamic member's restart is a new member: the group rebalances (and waits out the old session).
    let dynamic = run(&scenario("java", 2, pair(json!({})), steps));
    assert!(group(&dynamic).rebalancing);
}

#[test]
fn g5_a_static_member_s_close_does_not_leave_the_group() {
    let consumers = json!([
        consumer("a", config(json!({ "group.instance.id": "a-1" }))),
        consumer("b", config(json!({})))
    ]);
    let mut steps = settled_pair();
    steps.extend([
        op("a", "poll"),
        op("b", "poll"),
        op("a", "close"),
        advance(44_999),
        op("b", "poll"),
    ]);
    let o = run(&scenario("java", 2, consumers.clone(), steps.clone()));
    assert_eq!(assignment(&o, "b"), vec![1]);
    assert!(!group(&o).members[0].alive);
    steps.extend([advance(1), op("b", "poll")]);
    let o = run(&scenario("java", 2, consumers, steps));
    assert_eq!(assignment(&o, "b"), vec![0, 1]);
}

#[test]
fn g5_static_members_come_first_in_the_assignors_order() {
    // "z" is static, "a" is not: range gives z the first partition although "a" sorts first.
    let consumers = json!([
        consumer("a", config(json!({}))),
        consumer("z", config(json!({ "group.instance.id": "z-1" })))
    ]);
    let steps = vec![op("a", "poll"), op("z", "poll"), op("a", "poll")];
    let o = run(&scenario("java", 2, consumers, steps));
    assert_eq!(assignment(&o, "z"), vec![0]);
    assert_eq!(assignment(&o, "a"), vec![1]);
}

#[test]
fn g2_a_member_that_rejoined_cannot_commit_until_the_rebalance_ends() {
    // Cooperative: b's join makes a give up partition 1 in a second rebalance. a rejoins that one first and
    // keeps reading partition 0, but its commit is refused until b's poll ends the rebalance.
    let consumers = pair(json!({ "partition.assignment.strategy": "cooperative-sticky" }));
    let mut steps = settled_pair();
    steps.extend([
        op("a", "poll"),
        op("a", "poll"),
        op("a", "commit"),
        op("b", "poll"),
        op("a", "commit"),
    ]);
    let o = run(&scenario("java", 2, consumers, steps));
    assert_eq!(step_errors(&o), vec![(7, "RebalanceInProgress".into())]);
    assert_eq!(group(&o).generation, 3);
}
