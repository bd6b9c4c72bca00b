//! Ledger rules L1–L2 and the contract's example output.

mod common;

use common::*;
use kafka_model::ledger::Label;
use pretty_assertions::assert_eq;
use serde_json::json;

const CONTRACT_EXAMPLE: &str = r#"{
  "title": "At-least-once: crash after processing, before commit",
  "flavor": "kafka-python",
  "seed": 7,
  "topics": [{ "name": "orders", "partitions": 1, "replication.factor": 1 }],
  "producers": [
    { "id": "producer", "config": { "enable.idempotence": true, "acks": "all" } }
  ],
  "consumers": [
    { "id": "worker", "subscribe": ["orders"],
      "config": { "group.id": "order-processor-v2", "enable.auto.commit": false,
                  "auto.offset.reset": "earliest", "isolation.level": "read_committed", "max.poll.records": 1 } }
  ],
  "steps": [
    { "actor": "producer", "op": "send", "topic": "orders", "value": "{\"order_id\": 0, \"item\": \"widget\"}" },
    { "actor": "producer", "op": "flush" },
    { "actor": "worker", "op": "poll" },
    { "actor": "worker", "op": "process" },
    { "actor": "worker", "op": "crash" },
    { "op": "advance", "ms": 45000 },
    { "actor": "worker", "op": "restart" },
    { "actor": "worker", "op": "poll" }
  ]
}"#;

#[test]
fn contract_example_gives_exactly_the_documented_output() {
    let out = serde_json::to_value(kafka_model::run_json(CONTRACT_EXAMPLE).unwrap()).unwrap();
    let expected_final = json!({
        "partitions": [
          { "topic": "orders", "partition": 0, "high_watermark": 1, "last_stable_offset": 1,
            "log": [
              { "offset": 0, "kind": "record", "value": "{\"order_id\": 0, \"item\": \"widget\"}",
                "producer_id": 0, "producer_epoch": 0, "sequence": 0, "transaction": "none" }
            ] }
        ],
        "groups": [ { "group_id": "order-processor-v2", "committed": [], "pending": [] } ],
        "producers": [
          { "id": "producer", "producer_id": 0, "producer_epoch": 0, "transactional_id": null,
            "state": "ready", "transaction_state": null }
        ],
        "consumers": [
          { "id": "worker", "state": "running", "positions": [{ "topic": "orders", "partition": 0, "offset": 1 }] }
        ]
    });
    let expected_ledger = json!([
        { "value": "{\"order_id\": 0, \"item\": \"widget\"}", "sent": 1, "appended": 1, "committed_copies": 1,
          "delivered": 2, "processed": 1,
          "by_group": [{ "group_id": "order-processor-v2", "delivered": 2, "processed": 1 }], "labels": [] }
    ]);
    // The model adds fields (replicas, ISR, brokers, transactions); the contract's fields are unchanged.
    let mut fin = out["final"].clone();
    let additions = fin.as_object_mut().unwrap();
    assert_eq!(additions.remove("transactions"), Some(json!([])));
    assert_eq!(
        additions.remove("brokers"),
        Some(json!([{ "broker": 0, "alive": true, "replication_paused": false }]))
    );
    for p in fin["partitions"].as_array_mut().unwrap() {
        let p = p.as_object_mut().unwrap();
        assert_eq!(p.remove("leader"), Some(json!(0)));
        assert_eq!(p.remove("replicas"), Some(json!([0])));
        assert_eq!(p.remove("isr"), Some(json!([0])));
        assert_eq!(
            p.remove("replica_states"),
            Some(json!([{ "broker": 0, "log_end_offset": 1, "alive": true, "in_sync": true }]))
        );
    }
    // Groups gain their generation and members; consumers their assignment.
    let group = fin["groups"][0].as_object_mut().unwrap();
    assert_eq!(group.remove("generation"), Some(json!(2)));
    assert_eq!(group.remove("rebalancing"), Some(json!(false)));
    assert_eq!(group.remove("assignor"), Some(json!("range")));
    assert_eq!(
        group.remove("members"),
        Some(
            json!([{ "consumer": "worker", "group_instance_id": null, "alive": true,
                      "partitions": [{ "topic": "orders", "partition": 0 }] }])
        )
    );
    let worker = fin["consumers"][0].as_object_mut().unwrap();
    assert_eq!(
        worker.remove("assignment"),
        Some(json!([{ "topic": "orders", "partition": 0 }]))
    );
    assert_eq!(fin, expected_final);
    assert_eq!(out["ledger"], expected_ledger);
    let step4 = &out["steps"][4];
    assert_eq!(
        (
            step4["index"].clone(),
            step4["actor"].clone(),
            step4["op"].clone(),
            step4["ok"].clone(),
            step4["error"].clone()
        ),
        (
            json!(4),
            json!("worker"),
            json!("crash"),
            json!(true),
            json!(null)
        )
    );
    assert_eq!(
        step4["events"],
        json!(["worker crashed after processing offset 0; the group has no committed offset yet"])
    );
    assert_eq!(out["steps"].as_array().unwrap().len(), 8);
}

fn manual() -> serde_json::Value {
    json!([consumer(
        "worker",
        json!({ "group.id": "g", "enable.auto.commit": false, "auto.offset.reset": "earliest" })
    )])
}

#[test]
fn l1_ledger_counts_sent_appended_delivered_processed_per_group() {
    let mut steps = vec![
        op("producer", "lose_next_ack"),
        send("producer", 0),
        op("producer", "flush"),
        op("producer", "crash"),
        op("producer", "restart"),
        send("producer", 0),
        op("producer", "flush"),
    ];
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        op("worker", "poll"),
    ]);
    let o = run(&without_idempotence(scenario(
        "kafka-python",
        1,
        manual(),
        steps,
    )));
    let l = &o.ledger[0];
    assert_eq!(
        (
            l.sent,
            l.appended,
            l.committed_copies,
            l.delivered,
            l.processed
        ),
        (2, 3, 3, 2, 1)
    );
    assert_eq!(l.by_group[0].group_id, "g");
    assert_eq!((l.by_group[0].delivered, l.by_group[0].processed), (2, 1));
}

#[test]
fn l2_lost_when_the_group_commits_past_a_record_it_never_applied() {
    let mut steps = produce(2);
    steps.extend([
        op("worker", "poll"),
        process("worker", true),
        op("worker", "poll"),
        process("worker", false),
        op("worker", "commit"),
    ]);
    let o = run(&scenario("kafka-python", 1, manual(), steps));
    assert_eq!(labels_of(&o, 0), vec![Label::Lost]);
    assert_eq!(labels_of(&o, 1), vec![Label::ExactlyOnce]);
}

#[test]
fn l2_duplicate_in_log() {
    let steps = vec![
        op("producer", "lose_next_ack"),
        send("producer", 0),
        op("producer", "flush"),
    ];
    let o = run(&without_idempotence(scenario(
        "kafka-python",
        1,
        manual(),
        steps,
    )));
    assert_eq!(labels_of(&o, 0), vec![Label::DuplicateInLog]);
}

#[test]
fn l2_processed_twice() {
    let mut steps = produce(1);
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        json!({"actor": "worker", "op": "seek", "topic": "orders", "partition": 0, "offset": 0}),
        op("worker", "poll"),
        process("worker", false),
    ]);
    let o = run(&scenario("kafka-python", 1, manual(), steps));
    assert_eq!(labels_of(&o, 0), vec![Label::ProcessedTwice]);
}

#[test]
fn l2_exactly_once_only_once_applied_and_no_label_while_pending() {
    let mut steps = produce(3);
    steps.extend([
        op("worker", "poll"),
        process("worker", false),
        op("worker", "poll"),
    ]);
    let o = run(&scenario("kafka-python", 1, manual(), steps));
    // 0: processed once. 1: received, not yet processed. 2: not reached by the group: one copy, but nobody
    // applied it, so it is not "exactly once" — a goal asking for that must not be met by it.
    assert_eq!(labels_of(&o, 0), vec![Label::ExactlyOnce]);
    assert_eq!(labels_of(&o, 1), Vec::<Label>::new());
    assert_eq!(labels_of(&o, 2), vec![Label::NotProcessed]);
}

/// Idempotent processing (the model's addition, docs/scenario-format.md): the application looks the order
/// up in its database first, so a redelivery after a crash before the commit is not applied again and the
/// message stays exactly-once (L2) although the group was handed it twice.
#[test]
fn l2_idempotent_processing_applies_a_redelivered_message_once() {
    let idempotent = json!({"actor": "worker", "op": "process", "idempotent": true});
    let mut steps = produce(1);
    steps.extend([
        op("worker", "poll"),
        idempotent.clone(),
        op("worker", "crash"),
        advance(45_000),
        op("worker", "restart"),
        op("worker", "poll"),
        idempotent.clone(),
        op("worker", "commit"),
    ]);
    let o = run(&scenario("kafka-python", 1, manual(), steps.clone()));
    let row = &o.ledger[0];
    assert_eq!((row.delivered, row.processed), (2, 1));
    assert_eq!(labels_of(&o, 0), vec![Label::ExactlyOnce]);
    assert_eq!(
        o.steps[8].events,
        vec!["worker looked {\"order_id\": 0, \"item\": \"widget\"} (offset 0) up in its database and found it already applied by its group, so it skipped the side effect: processing is idempotent."]
    );
    // The same run with plain processing applies it twice.
    let plain: Vec<_> = steps
        .into_iter()
        .map(|s| {
            if s == idempotent {
                process("worker", false)
            } else {
                s
            }
        })
        .collect();
    let o = run(&scenario("kafka-python", 1, manual(), plain));
    assert_eq!(labels_of(&o, 0), vec![Label::ProcessedTwice]);
}
