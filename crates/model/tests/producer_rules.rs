//! Idempotent producer rules P1–P6 of kafka-semantics.md.

mod common;

use common::*;
use kafka_model::ledger::Label;
use kafka_model::producer::ProducerState;
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

fn with_producer(flavor: &str, partitions: u32, config: Value, steps: Vec<Value>) -> Value {
    json!({
        "flavor": flavor,
        "topics": [{ "name": "orders", "partitions": partitions }],
        "producers": [{ "id": "producer", "config": config }],
        "steps": steps
    })
}

fn pids(o: &kafka_model::Output, p: u32) -> Vec<(Option<u64>, Option<i16>, Option<u32>)> {
    o.final_state.partitions[p as usize]
        .log
        .iter()
        .map(|e| (e.producer_id, e.producer_epoch, e.sequence))
        .collect()
}

#[test]
fn p1_restarted_idempotent_producer_gets_a_new_pid_and_no_dedup_across_restarts() {
    let steps = vec![
        send("producer", 0),
        op("producer", "flush"),
        op("producer", "crash"),
        op("producer", "restart"),
        // The application sends order 0 again after the restart (it never saw the answer).
        send("producer", 0),
        op("producer", "flush"),
    ];
    let o = run(&with_producer("java", 1, json!({}), steps));
    assert_eq!(
        pids(&o, 0),
        vec![(Some(0), Some(0), Some(0)), (Some(1), Some(0), Some(0))]
    );
    assert_eq!(o.final_state.producers[0].producer_id, Some(1));
    assert_eq!(o.ledger[0].sent, 2);
    assert_eq!(o.ledger[0].labels, vec![Label::DuplicateInLog]);
}

#[test]
fn p2_sequences_are_per_partition_start_at_zero_and_grow_by_one() {
    let steps = vec![
        send_to("producer", 0, 0),
        send_to("producer", 1, 1),
        send_to("producer", 2, 0),
        send_to("producer", 3, 0),
        op("producer", "flush"),
    ];
    let o = run(&with_producer("java", 2, json!({}), steps));
    assert_eq!(
        pids(&o, 0),
        vec![
            (Some(0), Some(0), Some(0)),
            (Some(0), Some(0), Some(1)),
            (Some(0), Some(0), Some(2))
        ]
    );
    assert_eq!(pids(&o, 1), vec![(Some(0), Some(0), Some(0))]);
}

#[test]
fn p3_broker_answers_a_retry_with_the_original_offset() {
    let steps = vec![
        send("producer", 0),
        send("producer", 1),
        op("producer", "flush"),
        op("producer", "lose_next_ack"),
        send("producer", 2),
        op("producer", "flush"),
    ];
    let o = run(&with_producer("java", 1, json!({}), steps));
    assert_eq!(log(&o, 0).len(), 3);
    assert_eq!(
        o.steps[5].events,
        vec![
            "The broker appended {\"order_id\": 2, \"item\": \"widget\"} to orders-0 at offset 2, but its answer was lost on the way back, so the producer does not know the write succeeded and will send the batch again.",
            "The acknowledgement was lost, so the producer sent the batch again; the broker recognised PID 0 sequence 2 and answered with the original offset 2 instead of appending a copy.",
        ]
    );
    // One copy in the log; no consumer here, so nobody processed it (L2).
    assert_eq!(o.ledger[2].labels, vec![Label::NotProcessed]);
}

#[test]
fn p4_sequence_checks_are_in_place_on_the_broker() {
    use kafka_model::ids::{Epoch, MessageId, Offset, ProducerId};
    use kafka_model::partition_log::{Append, BatchId, PartitionLog};
    use kafka_model::StepError;
    let b = |epoch, sequence| BatchId {
        producer_id: ProducerId(7),
        epoch: Epoch(epoch),
        sequence,
    };
    let mut log = PartitionLog::default();
    assert_eq!(
        log.append_idempotent(b(0, 0), MessageId(0), None),
        Ok(Append::Appended(Offset(0)))
    );
    assert_eq!(
        log.append_idempotent(b(0, 2), MessageId(1), None),
        Err(StepError::OutOfOrderSequence)
    );
    assert_eq!(
        log.append_idempotent(b(1, 0), MessageId(1), None),
        Ok(Append::Appended(Offset(1)))
    );
    assert_eq!(
        log.append_idempotent(b(0, 1), MessageId(1), None),
        Err(StepError::InvalidProducerEpoch)
    );
    assert_eq!(log.entries.len(), 2);
}

#[test]
fn p2_a_batch_refused_before_it_is_written_gives_its_sequence_number_back() {
    let o = run(&json!({
        "topics": [{ "name": "orders", "replication.factor": 2, "min.insync.replicas": 2 }],
        "producers": [{ "id": "producer" }],
        "steps": [
            send("producer", 0), op("producer", "flush"),
            { "op": "crash_broker", "broker": 1 },
            send("producer", 1), op("producer", "flush"),
            { "op": "restart_broker", "broker": 1 },
            send("producer", 1), op("producer", "flush"),
        ]
    }));
    // NotEnoughReplicas, retried until delivery.timeout.ms.
    assert_eq!(step_errors(&o), vec![(4, "RequestTimedOut".to_string())]);
    // The application's resend of order 1 takes sequence 1 again, so the broker sees no gap.
    assert_eq!(
        pids(&o, 0),
        vec![(Some(0), Some(0), Some(0)), (Some(0), Some(0), Some(1))]
    );
}

#[test]
fn p5_both_pinned_clients_are_idempotent_with_acks_all_by_default() {
    let steps = vec![send("producer", 0), op("producer", "flush")];
    for flavor in ["kafka-python", "java"] {
        let o = run(&with_producer(flavor, 1, json!({}), steps.clone()));
        assert_eq!(pids(&o, 0), vec![(Some(0), Some(0), Some(0))], "{flavor}");
        // acks=1 without asking for idempotence: silently switched off, no error.
        let o = run(&with_producer(
            flavor,
            1,
            json!({"acks": "1"}),
            steps.clone(),
        ));
        assert_eq!(pids(&o, 0), vec![(None, None, None)], "{flavor}");
        assert_eq!(step_errors(&o), vec![], "{flavor}");
    }
}

#[test]
fn p5_kafka_python_sends_one_batch_per_partition_at_a_time_so_a_lost_request_is_no_gap() {
    let steps = vec![
        op("producer", "lose_next_request"),
        send("producer", 0),
        send("producer", 1),
        op("producer", "flush"),
    ];
    let o = run(&with_producer("kafka-python", 1, json!({}), steps.clone()));
    assert_eq!(step_errors(&o), vec![]);
    assert!(!all_events(&o)
        .iter()
        .any(|e| e.contains("OutOfOrderSequence")));
    assert_eq!(log(&o, 0), vec![(0, order(0)), (1, order(1))]);
    // The Java client pipelines: the second request overtakes the lost one and is refused first.
    let o = run(&with_producer("java", 1, json!({}), steps));
    assert!(all_events(&o)
        .iter()
        .any(|e| e.contains("OutOfOrderSequence")));
    assert_eq!(log(&o, 0), vec![(0, order(0)), (1, order(1))]);
}

#[test]
fn p5_explicit_idempotence_with_conflicting_settings_is_a_config_error() {
    let steps = vec![
        send("producer", 0),
        op("producer", "flush"),
        op("producer", "crash"),
    ];
    for config in [
        json!({"enable.idempotence": true, "acks": 1}),
        json!({"enable.idempotence": "true", "retries": "0"}),
        json!({"enable.idempotence": true, "max.in.flight.requests.per.connection": 6}),
    ] {
        let o = run(&with_producer(
            "kafka-python",
            1,
            config.clone(),
            steps.clone(),
        ));
        assert_eq!(
            step_errors(&o),
            vec![
                (0, "ConfigException".to_string()),
                (1, "ConfigException".to_string()),
                (2, "ConfigException".to_string())
            ],
            "{config}"
        );
        assert_eq!(o.final_state.producers[0].state, ProducerState::Error);
        assert!(o.final_state.partitions[0].log.is_empty());
    }
}

#[test]
fn p6_lost_ack_without_idempotence_duplicates_the_record_in_the_log() {
    let steps = vec![
        op("producer", "lose_next_ack"),
        send("producer", 0),
        op("producer", "flush"),
    ];
    let o = run(&with_producer(
        "kafka-python",
        1,
        json!({"enable.idempotence": false}),
        steps,
    ));
    assert_eq!(log(&o, 0), vec![(0, order(0)), (1, order(0))]);
    assert_eq!(o.ledger[0].appended, 2);
    assert_eq!(o.ledger[0].labels, vec![Label::DuplicateInLog]);
    assert!(o.steps[2].events[1].contains("appended a second copy to orders-0 at offset 1"));
}

#[test]
fn p6_lost_ack_with_idempotence_keeps_one_copy() {
    let steps = vec![
        op("producer", "lose_next_ack"),
        send("producer", 0),
        op("producer", "flush"),
    ];
    let o = run(&with_producer(
        "kafka-python",
        1,
        json!({"enable.idempotence": true}),
        steps,
    ));
    assert_eq!(log(&o, 0), vec![(0, order(0))]);
    assert_eq!(o.ledger[0].labels, vec![Label::NotProcessed]);
}

#[test]
fn p6_lost_ack_with_retries_zero_reports_failure_but_the_record_is_in_the_log() {
    let steps = vec![
        op("producer", "lose_next_ack"),
        send("producer", 0),
        op("producer", "flush"),
    ];
    let o = run(&with_producer(
        "kafka-python",
        1,
        json!({"retries": 0}),
        steps,
    ));
    assert_eq!(log(&o, 0), vec![(0, order(0))]);
    assert!(o.steps[2].events[1].starts_with("retries=0"));
}

#[test]
fn keyed_records_use_murmur2_and_unkeyed_use_the_seeded_rng() {
    let steps: Vec<Value> = (0..6)
        .map(|i| json!({"actor": "producer", "op": "send", "topic": "orders", "key": format!("k{i}"), "value": order(i)}))
        .chain((6..12).map(|i| send("producer", i)))
        .chain([op("producer", "flush")])
        .collect();
    let o1 = run_value(&with_producer("java", 3, json!({}), steps.clone()));
    let o2 = run_value(&with_producer("java", 3, json!({}), steps));
    assert_eq!(o1, o2);
}
