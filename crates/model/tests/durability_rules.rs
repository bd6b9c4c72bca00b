//! Durability (D1–D4) and the full idempotence rules (P3, P4): brokers, replicas, the ISR, acks.

mod common;

use common::{op, order, run};
use kafka_model::ledger::Label;
use kafka_model::output::{Output, PartitionOut};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

fn scenario(topic: Value, producer_config: Value, steps: Vec<Value>) -> Value {
    json!({
        "flavor": "java",
        "topics": [topic],
        "producers": [{ "id": "producer", "config": producer_config }],
        "consumers": [{ "id": "reader", "subscribe": ["orders"],
                        "config": { "group.id": "r", "auto.offset.reset": "earliest", "enable.auto.commit": false } }],
        "steps": steps
    })
}

fn send(i: u32) -> Value {
    common::send("producer", i)
}

fn part(o: &Output) -> &PartitionOut {
    &o.final_state.partitions[0]
}

fn types(o: &Output, step: usize) -> Vec<String> {
    o.steps[step]
        .changes
        .iter()
        .map(|c| c["type"].as_str().unwrap().to_owned())
        .collect()
}

fn lost(o: &Output, i: u32) -> bool {
    common::labels_of(o, i).contains(&Label::Lost)
}

fn log_ends(o: &Output) -> Vec<u64> {
    part(o)
        .replica_states
        .iter()
        .map(|r| r.log_end_offset)
        .collect()
}

#[test]
fn d1_acks_0_1_all_answer_at_different_moments() {
    // acks=0: no answer, the producer never learns the offset.
    let o = run(&scenario(
        json!({ "name": "orders", "replication.factor": 2 }),
        json!({ "acks": "0", "enable.idempotence": false }),
        vec![send(0), op("producer", "flush")],
    ));
    assert!(o.steps[1].events[0].contains("never learns the offset"));
    // acks=1 with a paused follower: answered at once, but the HW stays behind.
    let o = run(&scenario(
        json!({ "name": "orders", "replication.factor": 2 }),
        json!({ "acks": "1", "enable.idempotence": false }),
        vec![
            json!({ "op": "pause_replication" }),
            send(0),
            op("producer", "flush"),
        ],
    ));
    assert_eq!(types(&o, 2), vec!["record_appended"]);
    assert_eq!((part(&o).high_watermark, log_ends(&o)), (0, vec![1, 0]));
    // acks=all with a paused follower: the answer waits until the follower leaves the ISR
    // (replica.lag.time.max.ms = 30000 on the logical clock), then the HW passes the record.
    let o = run(&scenario(
        json!({ "name": "orders", "replication.factor": 2 }),
        json!({ "acks": "all" }),
        vec![
            json!({ "op": "pause_replication" }),
            send(0),
            op("producer", "flush"),
        ],
    ));
    assert_eq!(
        types(&o, 2),
        vec![
            "ack_waiting",
            "clock_advanced",
            "isr_changed",
            "record_appended"
        ]
    );
    assert_eq!(
        (part(&o).high_watermark, part(&o).isr.clone()),
        (1, vec![0])
    );
    // acks=all and a delivery.timeout.ms shorter than the lag time: the request times out, never hangs.
    let o = run(&scenario(
        json!({ "name": "orders", "replication.factor": 2 }),
        json!({ "acks": "all", "delivery.timeout.ms": 10000 }),
        vec![
            json!({ "op": "pause_replication" }),
            send(0),
            op("producer", "flush"),
        ],
    ));
    assert_eq!(o.steps[2].error.as_deref(), Some("RequestTimedOut"));
    assert!(!o.ledger[0].labels.contains(&Label::Lost));
    // Healthy followers copy at once: HW = log end on every replica.
    let o = run(&scenario(
        json!({ "name": "orders", "replication.factor": 3 }),
        json!({ "acks": "all" }),
        vec![send(0), send(1), op("producer", "flush")],
    ));
    assert_eq!((part(&o).high_watermark, log_ends(&o)), (2, vec![2, 2, 2]));
    assert_eq!(part(&o).replicas, vec![0, 1, 2]);
}

#[test]
fn d2_min_insync_replicas_refuses_acks_all_writes_and_appends_nothing() {
    let topic = json!({ "name": "orders", "replication.factor": 3, "min.insync.replicas": 2 });
    let steps = vec![
        json!({ "op": "crash_broker", "broker": 1 }),
        send(0),
        op("producer", "flush"),
        json!({ "op": "crash_broker", "broker": 2 }),
        send(1),
        op("producer", "flush"),
    ];
    // The refusal is retriable: the client retries on its own, and the application hears of it only when
    // delivery.timeout.ms has passed.
    let o = run(&scenario(
        topic.clone(),
        json!({ "acks": "all", "delivery.timeout.ms": 30000 }),
        steps.clone(),
    ));
    assert_eq!(common::step_errors(&o), vec![(5, "RequestTimedOut".into())]);
    assert_eq!(o.steps[5].changes[0]["error"], "NotEnoughReplicas");
    let clock = |o: &kafka_model::output::Output| -> Vec<Value> {
        o.steps
            .iter()
            .flat_map(|s| &s.changes)
            .filter(|c| c["type"] == "clock_advanced")
            .map(|c| c["to_ms"].clone())
            .collect()
    };
    assert_eq!(clock(&o), vec![json!(30000)]);
    assert_eq!(part(&o).log.len(), 1);
    assert_eq!(part(&o).isr, vec![0]);
    // Without retries the error reaches the application at once.
    let o = run(&scenario(
        topic.clone(),
        json!({ "acks": "all", "retries": 0, "enable.idempotence": false }),
        steps,
    ));
    assert_eq!(
        common::step_errors(&o),
        vec![(5, "NotEnoughReplicas".into())]
    );
    assert!(clock(&o).is_empty());
    assert_eq!(part(&o).log.len(), 1);
    // Above the replication factor, min.insync.replicas counts as the replication factor (Kafka 4.4.0 accepts
    // acks=all writes to a one-replica topic with min.insync.replicas=2).
    let o = run(&scenario(
        json!({ "name": "orders", "min.insync.replicas": 2 }),
        json!({ "acks": "all" }),
        vec![send(0), op("producer", "flush")],
    ));
    assert!(common::step_errors(&o).is_empty());
    assert_eq!(part(&o).high_watermark, 1);
    // acks=1 does not look at min.insync.replicas.
    let o = run(&scenario(
        topic,
        json!({ "acks": "1", "enable.idempotence": false }),
        vec![
            json!({ "op": "crash_broker", "broker": 1 }),
            json!({ "op": "crash_broker", "broker": 2 }),
            send(0),
            op("producer", "flush"),
        ],
    ));
    assert!(common::step_errors(&o).is_empty());
    assert_eq!(part(&o).log.len(), 1);
}

/// Order 1 reaches only the leader, which crashes; order 2 goes to the new leader; the old one returns.
fn leader_crash_with_acks_1() -> Vec<Value> {
    vec![
        send(0),
        op("producer", "flush"),
        json!({ "op": "pause_replication" }),
        send(1),
        op("producer", "flush"),
        // The follower (still in the ISR: it lags less than replica.lag.time.max.ms) takes over.
        json!({ "op": "crash_broker", "broker": 0 }),
        json!({ "op": "resume_replication" }),
        send(2),
        op("producer", "flush"),
        json!({ "op": "restart_broker", "broker": 0 }),
    ]
}

#[test]
fn d3_acks_1_leader_failure_loses_acknowledged_records_and_the_old_leader_truncates() {
    let o = run(&scenario(
        json!({ "name": "orders", "replication.factor": 2 }),
        json!({ "acks": "1", "enable.idempotence": false }),
        leader_crash_with_acks_1(),
    ));
    assert_eq!(
        types(&o, 5),
        vec![
            "broker_state",
            "isr_changed",
            "leader_changed",
            "log_truncated"
        ]
    );
    assert!(lost(&o, 1));
    assert!(!lost(&o, 0) && !lost(&o, 2));
    // The returning old leader truncates its order 1 (KIP-101) and copies order 2.
    let t = o.steps[9]
        .changes
        .iter()
        .find(|c| c["type"] == "log_truncated")
        .unwrap();
    assert_eq!((t["broker"].clone(), t["to"].clone()), (json!(0), json!(1)));
    assert_eq!(part(&o).leader, Some(1));
    assert_eq!(log_ends(&o), vec![2, 2]);
    assert_eq!(part(&o).isr, vec![0, 1]);
    let values: Vec<String> = part(&o)
        .log
        .iter()
        .map(|e| e.value.clone().unwrap())
        .collect();
    assert_eq!(values, vec![order(0), order(2)]);
    // With acks=all the same crash loses nothing: the record was not acknowledged before the follower left.
    let o = run(&scenario(
        json!({ "name": "orders", "replication.factor": 2 }),
        json!({ "acks": "all", "delivery.timeout.ms": 1000 }),
        vec![
            json!({ "op": "pause_replication" }),
            send(1),
            op("producer", "flush"),
            json!({ "op": "crash_broker", "broker": 0 }),
        ],
    ));
    assert!(!lost(&o, 1));
}

#[test]
fn d4_unclean_leader_election_lets_an_out_of_sync_replica_lead_and_lose_acks_all_records() {
    let steps = |unclean: bool| {
        scenario(
            json!({ "name": "orders", "replication.factor": 2, "unclean.leader.election.enable": unclean }),
            json!({ "acks": "all" }),
            vec![
                json!({ "op": "pause_replication" }),
                // The follower lags past replica.lag.time.max.ms and leaves the ISR; acks=all is then
                // satisfied by the leader alone (min.insync.replicas = 1).
                send(0),
                op("producer", "flush"),
                json!({ "op": "crash_broker", "broker": 0 }),
            ],
        )
    };
    let clean = run(&steps(false));
    assert_eq!(part(&clean).leader, None);
    assert!(!lost(&clean, 0));
    let unclean = run(&steps(true));
    assert_eq!(part(&unclean).leader, Some(1));
    assert_eq!(unclean.steps[3].changes[1]["unclean"], true);
    assert!(lost(&unclean, 0));
}

#[test]
fn p3_a_duplicate_inside_the_five_batch_window_gets_the_original_offset() {
    let mut steps: Vec<Value> = (0..4).map(send).collect();
    steps.push(op("producer", "flush"));
    steps.push(op("producer", "lose_next_ack"));
    steps.push(send(4));
    steps.push(op("producer", "flush"));
    let o = run(&scenario(
        json!({ "name": "orders" }),
        json!({ "enable.idempotence": true }),
        steps,
    ));
    let dedup = o.steps[7]
        .changes
        .iter()
        .find(|c| c["type"] == "retry_deduplicated")
        .unwrap();
    assert_eq!(dedup["original_offset"], 4);
    assert_eq!(part(&o).log.len(), 5);
}

#[test]
fn p4_a_lost_request_with_pipelining_makes_a_sequence_gap_then_the_resend_restores_order() {
    let steps = vec![
        op("producer", "lose_next_request"),
        send(0),
        send(1),
        send(2),
        op("producer", "flush"),
    ];
    let o = run(&scenario(
        json!({ "name": "orders" }),
        json!({ "enable.idempotence": true, "max.in.flight.requests.per.connection": 5 }),
        steps.clone(),
    ));
    assert_eq!(
        types(&o, 4),
        vec![
            "request_lost",
            "produce_rejected",
            "produce_rejected",
            "record_appended",
            "record_appended",
            "record_appended"
        ]
    );
    assert!(o.steps[4].events[1].contains("OutOfOrderSequence"));
    assert!(o.steps[4].ok);
    let values: Vec<String> = part(&o)
        .log
        .iter()
        .map(|e| e.value.clone().unwrap())
        .collect();
    assert_eq!(values, vec![order(0), order(1), order(2)]);
    // Without idempotence the broker cannot see the gap: the resend lands last, out of order.
    let o = run(&scenario(
        json!({ "name": "orders" }),
        json!({ "enable.idempotence": false, "max.in.flight.requests.per.connection": 5 }),
        steps,
    ));
    let values: Vec<String> = part(&o)
        .log
        .iter()
        .map(|e| e.value.clone().unwrap())
        .collect();
    assert_eq!(values, vec![order(1), order(2), order(0)]);
    // A lower epoch is InvalidProducerEpoch (the zombie test of T1 shows it end to end).
    let zombie = run(&json!({
        "flavor": "java",
        "topics": [{ "name": "orders" }],
        "producers": [{ "id": "a", "config": { "transactional.id": "t" } },
                      { "id": "b", "config": { "transactional.id": "t" } }],
        "steps": [
            op("a", "init_transactions"), op("a", "begin_transaction"),
            common::send("a", 0), op("a", "flush"), common::send("a", 1),
            op("b", "init_transactions"), op("a", "flush")
        ]
    }));
    assert_eq!(
        zombie.steps[6].error.as_deref(),
        Some("InvalidProducerEpoch")
    );
}

/// D3 as each copy sees it: while it is down, the old leader still holds the record only it had; when it returns,
/// the truncation removes exactly that record (what the stage draws on each broker's copy of the log).
#[test]
fn d3_the_crashed_leader_keeps_what_only_it_held_until_it_truncates() {
    use kafka_model::ids::{TopicIdx, TopicPartition};
    use kafka_model::{Change, Timeline};

    let s = scenario(
        json!({ "name": "orders", "replication.factor": 2 }),
        json!({ "acks": "1", "enable.idempotence": false }),
        leader_crash_with_acks_1(),
    );
    let mut timeline =
        Timeline::from_scenario(&kafka_model::parse_scenario(&s.to_string()).unwrap());
    let tp = TopicPartition::new(TopicIdx(0), 0);
    let values = |entries: &[kafka_model::partition_log::LogEntry], t: &Timeline| -> Vec<String> {
        entries
            .iter()
            .map(|e| t.names().text(e.value).to_owned())
            .collect()
    };
    timeline.jump(9);
    let old_leader = timeline.state().log(tp).replica(0).unwrap();
    assert_eq!(old_leader.diverged_at.map(|o| o.0), Some(1));
    assert_eq!(values(&old_leader.diverged, &timeline), vec![order(1)]);
    timeline.jump(10);
    assert!(timeline
        .state()
        .log(tp)
        .replica(0)
        .unwrap()
        .diverged
        .is_empty());
    let removed = timeline.steps()[9]
        .events
        .iter()
        .find_map(|e| match &e.change {
            Change::LogTruncated {
                broker: Some(0),
                entries,
                ..
            } => Some(entries.clone()),
            _ => None,
        })
        .expect("the returning replica truncates");
    assert_eq!(values(&removed, &timeline), vec![order(1)]);
}
