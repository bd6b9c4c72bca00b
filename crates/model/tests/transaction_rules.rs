//! Transactions: one test per rule (T1–T11, C7, C8), named with its id, plus the rust-rdkafka-style
//! conformance test.

mod common;

use common::{advance, op, order, run};
use std::sync::Arc;

use kafka_model::error::StepError;
use kafka_model::event::{Change, Event, Reason};
use kafka_model::ids::{ClientIdx, Epoch, ProducerId, TopicIdx, TopicPartition};
use kafka_model::ledger::Label;
use kafka_model::output::{Output, PartitionOut};
use kafka_model::producer::ProducerState;
use kafka_model::transaction_coordinator::TxnState;
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

fn tx_producer(id: &str, extra: Value) -> Value {
    let mut config = json!({ "transactional.id": "order-tx" });
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    json!({ "id": id, "config": config })
}

fn reader(id: &str, topic: &str, group: &str, read_committed: bool) -> Value {
    json!({ "id": id, "subscribe": [topic], "config": {
        "group.id": group, "enable.auto.commit": false, "auto.offset.reset": "earliest",
        "isolation.level": if read_committed { "read_committed" } else { "read_uncommitted" } } })
}

/// Topics `orders` and `results` (2 partitions), the given producers and consumers.
fn scenario(flavor: &str, producers: Value, consumers: Value, steps: Vec<Value>) -> Value {
    json!({
        "flavor": flavor,
        "topics": [{ "name": "orders" }, { "name": "results", "partitions": 2 }],
        "producers": producers,
        "consumers": consumers,
        "steps": steps
    })
}

/// The classic protocol (transaction version 1), where the client adds partitions with AddPartitionsToTxn.
fn classic(mut s: Value) -> Value {
    s["transaction.version"] = json!(1);
    s
}

fn send(actor: &str, topic: &str, partition: u32, value: &str) -> Value {
    json!({ "actor": actor, "op": "send", "topic": topic, "partition": partition, "value": value })
}

fn result(i: u32) -> String {
    format!("result {i}")
}

fn types(o: &Output, step: usize) -> Vec<String> {
    o.steps[step]
        .changes
        .iter()
        .map(|c| c["type"].as_str().unwrap().to_owned())
        .collect()
}

fn partition<'a>(o: &'a Output, topic: &str, p: u32) -> &'a PartitionOut {
    o.final_state
        .partitions
        .iter()
        .find(|x| x.topic == topic && x.partition == p)
        .unwrap()
}

/// (offset, kind, transaction) of a partition's log.
fn entries(o: &Output, topic: &str, p: u32) -> Vec<(u64, String, String)> {
    partition(o, topic, p)
        .log
        .iter()
        .map(|e| {
            (
                e.offset,
                e.kind.name().to_owned(),
                e.transaction.name().to_owned(),
            )
        })
        .collect()
}

fn e(offset: u64, kind: &str, txn: &str) -> (u64, String, String) {
    (offset, kind.to_owned(), txn.to_owned())
}

fn producer<'a>(o: &'a Output, id: &str) -> &'a kafka_model::output::ProducerOut {
    o.final_state.producers.iter().find(|p| p.id == id).unwrap()
}

fn received(o: &Output, consumer: &str) -> Vec<(u64, String)> {
    o.steps
        .iter()
        .flat_map(|s| s.changes.iter())
        .filter(|c| c["type"] == "record_delivered" && c["consumer"] == consumer)
        .map(|c| {
            (
                c["offset"].as_u64().unwrap(),
                c["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn errors(o: &Output) -> Vec<(usize, String)> {
    common::step_errors(o)
}

#[test]
fn t1_init_transactions_gives_the_same_pid_a_higher_epoch_and_fences_the_older_instance() {
    let o = run(&classic(scenario(
        "java",
        json!([tx_producer("old", json!({})), tx_producer("new", json!({}))]),
        json!([]),
        vec![
            op("old", "init_transactions"),
            op("new", "init_transactions"),
            op("old", "begin_transaction"),
            // AddPartitionsToTxn with the old epoch: the coordinator answers ProducerFenced.
            send("old", "results", 0, "zombie write"),
            op("old", "flush"),
        ],
    )));
    assert_eq!(o.steps[0].changes[0]["producer_epoch"], 0);
    assert_eq!(o.steps[1].changes[0]["producer_id"], 0);
    assert_eq!(o.steps[1].changes[0]["producer_epoch"], 1);
    assert_eq!(o.steps[1].changes[0]["fenced_older"], true);
    assert_eq!(
        errors(&o),
        vec![(3, "ProducerFenced".into()), (4, "ProducerFenced".into())]
    );
    assert_eq!(producer(&o, "old").state, ProducerState::Fenced);
    assert_eq!(producer(&o, "new").producer_epoch, Some(1));
    assert!(partition(&o, "results", 0).log.is_empty());

    // A zombie whose partition is already in its transaction: its produce request fails with
    // InvalidProducerEpoch (the abort markers told the broker the new epoch). What follows is the client's.
    let zombie = |flavor: &str| {
        run(&scenario(
            flavor,
            json!([tx_producer("old", json!({})), tx_producer("new", json!({}))]),
            json!([]),
            vec![
                op("old", "init_transactions"),
                op("old", "begin_transaction"),
                send("old", "results", 0, "a"),
                op("old", "flush"),
                send("old", "results", 0, "b"),
                op("new", "init_transactions"),
                op("old", "flush"),
                op("old", "commit_transaction"),
                op("old", "abort_transaction"),
                json!({"op": "advance", "ms": 1}),
                op("old", "commit_transaction"),
            ],
        ))
    };
    // Java: the error only dooms the transaction; commit rethrows it, and the abort meets the fencing.
    let o = zombie("java");
    assert_eq!(
        errors(&o),
        vec![
            (6, "InvalidProducerEpoch".into()),
            (7, "InvalidProducerEpoch".into()),
            (8, "ProducerFenced".into()),
            (10, "ProducerFenced".into())
        ]
    );
    assert_eq!(o.steps[7].changes, Vec::<Value>::new());
    assert_eq!(producer(&o, "old").state, ProducerState::Fenced);
    // kafka-python asks the coordinator to bump its epoch: until the answer comes, commit and abort are illegal;
    // the coordinator refuses (a newer instance holds the epoch), and it is fenced.
    let o = zombie("kafka-python");
    assert_eq!(
        errors(&o),
        vec![
            (6, "InvalidProducerEpoch".into()),
            (7, "IllegalState".into()),
            (8, "IllegalState".into()),
            (10, "ProducerFenced".into())
        ]
    );
    assert_eq!(
        o.steps[6].changes.last().expect("a change")["to"],
        "bumping_epoch"
    );
    assert_eq!(o.steps[9].changes.last().expect("a change")["to"], "fenced");
    for o in [zombie("java"), zombie("kafka-python")] {
        assert_eq!(
            entries(&o, "results", 0),
            vec![e(0, "record", "aborted"), e(1, "abort_marker", "aborted")]
        );
    }
}

#[test]
fn t2_init_during_an_open_transaction_aborts_it_first_and_ends_two_epochs_higher() {
    let o = run(&scenario(
        "java",
        json!([tx_producer("old", json!({})), tx_producer("new", json!({}))]),
        json!([]),
        vec![
            op("old", "init_transactions"),
            op("old", "begin_transaction"),
            send("old", "results", 0, "a"),
            op("old", "flush"),
            op("new", "init_transactions"),
        ],
    ));
    let states: Vec<(String, String)> = o.steps[4]
        .changes
        .iter()
        .filter(|c| c["type"] == "transaction_state")
        .map(|c| {
            (
                c["from"].as_str().unwrap().into(),
                c["to"].as_str().unwrap().into(),
            )
        })
        .collect();
    let s = |a: &str, b: &str| (a.to_owned(), b.to_owned());
    assert_eq!(
        states,
        vec![
            s("Ongoing", "PrepareEpochFence"),
            s("PrepareEpochFence", "PrepareAbort"),
            s("PrepareAbort", "CompleteAbort"),
            s("CompleteAbort", "Empty"),
        ]
    );
    assert_eq!(producer(&o, "new").producer_epoch, Some(2));
    // The abort marker carries the fencing epoch.
    assert_eq!(partition(&o, "results", 0).log[1].producer_epoch, Some(1));
    assert_eq!(
        entries(&o, "results", 0),
        vec![e(0, "record", "aborted"), e(1, "abort_marker", "aborted")]
    );

    // PrepareCommit is completed, not aborted: one epoch higher than the commit left it (the Java client's
    // transaction version 2 had bumped it to 1 at the commit).
    let o = run(&scenario(
        "java",
        json!([tx_producer("old", json!({})), tx_producer("new", json!({}))]),
        json!([]),
        vec![
            op("old", "init_transactions"),
            op("old", "begin_transaction"),
            send("old", "results", 0, "a"),
            op("old", "commit_transaction"),
            op("new", "init_transactions"),
        ],
    ));
    assert_eq!(o.final_state.transactions[0].state, TxnState::Empty);
    assert_eq!(
        types(&o, 4),
        vec![
            "marker_written",
            "transaction_state",
            "transaction_state",
            "transactions_initialised"
        ]
    );
    assert_eq!(producer(&o, "new").producer_epoch, Some(2));
    assert_eq!(
        entries(&o, "results", 0),
        vec![
            e(0, "record", "committed"),
            e(1, "commit_marker", "committed")
        ]
    );
}

#[test]
fn t3_coordinator_states_follow_the_allowed_moves_and_show_in_the_output() {
    let steps = vec![
        op("p", "init_transactions"),
        op("p", "begin_transaction"),
        send("p", "results", 0, "a"),
        op("p", "commit_transaction"),
        json!({ "op": "advance", "ms": 0 }),
        op("p", "begin_transaction"),
        send("p", "results", 1, "b"),
        op("p", "abort_transaction"),
        json!({ "op": "advance", "ms": 0 }),
    ];
    let mut seen = Vec::new();
    for n in 1..=steps.len() {
        let o = run(&classic(scenario(
            "java",
            json!([tx_producer("p", json!({}))]),
            json!([]),
            steps[..n].to_vec(),
        )));
        seen.push(producer(&o, "p").transaction_state.unwrap().name());
    }
    assert_eq!(
        seen,
        vec![
            "Empty",
            "Empty",
            "Ongoing",
            "PrepareCommit",
            "CompleteCommit",
            "CompleteCommit",
            "Ongoing",
            "PrepareAbort",
            "CompleteAbort"
        ]
    );
    // Every move reported by the run is an allowed one (T3).
    let o = run(&scenario(
        "java",
        json!([tx_producer("p", json!({}))]),
        json!([]),
        steps,
    ));
    use kafka_model::transaction_coordinator::TxnState;
    let by_name = |n: &str| *TxnState::ALL.iter().find(|s| s.name() == n).unwrap();
    for c in o.steps.iter().flat_map(|s| s.changes.iter()) {
        if c["type"] == "transaction_state" {
            assert!(by_name(c["from"].as_str().unwrap())
                .can_move_to(by_name(c["to"].as_str().unwrap())));
        }
    }
}

#[test]
fn t4_partitions_join_the_transaction_before_the_first_write() {
    let o = run(&classic(scenario(
        "java",
        json!([tx_producer("p", json!({}))]),
        json!([]),
        vec![
            op("p", "init_transactions"),
            op("p", "begin_transaction"),
            send("p", "results", 0, "a"),
            send("p", "results", 0, "b"),
            send("p", "results", 1, "c"),
        ],
    )));
    assert_eq!(
        types(&o, 2),
        vec![
            "transaction_state",
            "partition_added_to_transaction",
            "record_in_flight"
        ]
    );
    assert_eq!(types(&o, 3), vec!["record_in_flight"]);
    assert_eq!(
        types(&o, 4),
        vec!["partition_added_to_transaction", "record_in_flight"]
    );
    assert_eq!(o.final_state.transactions[0].partitions.len(), 2);
}

fn worker(id: &str) -> Value {
    json!({ "id": id, "subscribe": ["orders"], "config": {
        "group.id": "workers", "enable.auto.commit": false, "auto.offset.reset": "earliest" } })
}

/// Orders 0..n produced by a plain producer `in`.
fn orders(n: u32) -> Vec<Value> {
    let mut v: Vec<Value> = (0..n)
        .map(|i| json!({ "actor": "in", "op": "send", "topic": "orders", "value": order(i) }))
        .collect();
    v.push(op("in", "flush"));
    v
}

fn plain_and_tx() -> Value {
    json!([{ "id": "in" }, tx_producer("tx", json!({}))])
}

#[test]
fn t5_offsets_in_a_transaction_are_pending_until_the_commit_marker_and_dropped_on_abort() {
    let mut steps = orders(2);
    steps.extend([
        op("tx", "init_transactions"),
        op("worker", "poll"),
        op("tx", "begin_transaction"),
        json!({ "actor": "tx", "op": "send_offsets_to_transaction", "consumer": "worker" }),
    ]);
    let pending = run(&scenario(
        "java",
        plain_and_tx(),
        json!([worker("worker")]),
        steps.clone(),
    ));
    let g = &pending.final_state.groups[0];
    assert_eq!((g.committed.len(), g.pending[0].offset), (0, 2));
    assert_eq!(
        pending.final_state.transactions[0].groups,
        vec!["workers".to_owned()]
    );

    let mut commit = steps.clone();
    commit.extend([
        op("tx", "commit_transaction"),
        json!({ "op": "advance", "ms": 0 }),
    ]);
    let o = run(&scenario(
        "java",
        plain_and_tx(),
        json!([worker("worker")]),
        commit,
    ));
    let g = &o.final_state.groups[0];
    assert_eq!((g.committed[0].offset, g.pending.len()), (2, 0));

    let mut abort = steps.clone();
    abort.extend([
        op("tx", "abort_transaction"),
        json!({ "op": "advance", "ms": 0 }),
    ]);
    let o = run(&scenario(
        "java",
        plain_and_tx(),
        json!([worker("worker")]),
        abort,
    ));
    let g = &o.final_state.groups[0];
    assert_eq!((g.committed.len(), g.pending.len()), (0, 0));

    // A consumer (re)joining the group waits while offsets are pending: the producer died mid-transaction.
    let mut waits = steps;
    waits.extend([
        op("tx", "crash"),
        op("worker", "close"),
        op("worker", "restart"),
        op("worker", "poll"),
        // The transaction times out (60000 ms; the scan runs every 10000 ms) and is aborted.
        json!({ "op": "advance", "ms": 70_000 }),
        op("worker", "poll"),
    ]);
    let o = run(&scenario(
        "java",
        plain_and_tx(),
        json!([worker("worker")]),
        waits,
    ));
    let last = o.steps.len() - 1;
    assert!(types(&o, last - 2).contains(&"waiting_for_pending_offsets".to_owned()));
    assert!(types(&o, last - 1).contains(&"pending_offset_resolved".to_owned()));
    // With nothing committed, earliest starts the worker at 0 again.
    assert_eq!(common::positions(&o, "worker"), vec![(0, 2)]);
    assert_eq!(received(&o, "worker").len(), 4);
}

#[test]
fn t5_kafka_python_waits_for_pending_offsets_only_under_read_committed() {
    let mut steps = orders(2);
    steps.extend([
        op("tx", "init_transactions"),
        op("worker", "poll"),
        op("tx", "begin_transaction"),
        json!({ "actor": "tx", "op": "send_offsets_to_transaction", "consumer": "worker" }),
        op("worker", "close"),
        op("worker", "restart"),
        op("worker", "poll"),
    ]);
    let restarted = |isolation: &str| {
        let mut w = worker("worker");
        w["config"]["isolation.level"] = json!(isolation);
        let o = run(&scenario(
            "kafka-python",
            plain_and_tx(),
            json!([w]),
            steps.clone(),
        ));
        types(&o, o.steps.len() - 1)
    };
    // Its offset fetch asks for stable offsets only under read_committed (the Java client always does).
    assert!(restarted("read_committed").contains(&"waiting_for_pending_offsets".to_owned()));
    let read_uncommitted = restarted("read_uncommitted");
    assert!(!read_uncommitted.contains(&"waiting_for_pending_offsets".to_owned()));
    assert!(read_uncommitted.contains(&"record_delivered".to_owned()));
}

#[test]
fn t6_commit_answers_before_the_markers_land_and_an_empty_transaction_sends_no_end_txn() {
    let steps = vec![
        op("p", "init_transactions"),
        op("p", "begin_transaction"),
        send("p", "results", 0, "a"),
        op("p", "commit_transaction"),
    ];
    let consumers = json!([reader("rc", "results", "r", true)]);
    let o = run(&scenario(
        "java",
        json!([tx_producer("p", json!({}))]),
        consumers.clone(),
        steps.clone(),
    ));
    // Answered: the client is ready, the coordinator is in PrepareCommit, no marker yet.
    assert_eq!(producer(&o, "p").state, ProducerState::Ready);
    assert_eq!(
        producer(&o, "p").transaction_state,
        Some(TxnState::PrepareCommit)
    );
    assert_eq!(entries(&o, "results", 0), vec![e(0, "record", "open")]);
    assert_eq!(partition(&o, "results", 0).last_stable_offset, 0);
    // The next step (any step) starts with the markers; the read_committed reader then sees the record.
    let mut more = steps;
    more.push(op("rc", "poll"));
    let o = run(&scenario(
        "java",
        json!([tx_producer("p", json!({}))]),
        consumers,
        more,
    ));
    assert_eq!(&types(&o, 4)[..2], ["marker_written", "transaction_state"]);
    assert_eq!(received(&o, "rc"), vec![(0, "a".to_owned())]);

    let o = run(&scenario(
        "java",
        json!([tx_producer("p", json!({}))]),
        json!([]),
        vec![
            op("p", "init_transactions"),
            op("p", "begin_transaction"),
            op("p", "commit_transaction"),
        ],
    ));
    assert_eq!(types(&o, 2), vec!["no_end_txn"]);
    assert_eq!(producer(&o, "p").transaction_state, Some(TxnState::Empty));
}

#[test]
fn t7_a_marker_takes_one_offset_in_every_touched_partition_and_consumers_see_gaps() {
    let mut steps = orders(1);
    steps.extend([
        op("tx", "init_transactions"),
        op("worker", "poll"),
        op("tx", "begin_transaction"),
        send("tx", "results", 0, "a"),
        send("tx", "results", 1, "b"),
        json!({ "actor": "tx", "op": "send_offsets_to_transaction", "consumer": "worker" }),
        op("tx", "commit_transaction"),
        op("tx", "begin_transaction"),
        send("tx", "results", 0, "c"),
        op("tx", "commit_transaction"),
        op("rc", "poll"),
    ]);
    let o = run(&scenario(
        "java",
        plain_and_tx(),
        json!([worker("worker"), reader("rc", "results", "r", true)]),
        steps,
    ));
    assert_eq!(
        entries(&o, "results", 0),
        vec![
            e(0, "record", "committed"),
            e(1, "commit_marker", "committed"),
            e(2, "record", "committed"),
            e(3, "commit_marker", "committed")
        ]
    );
    assert_eq!(
        entries(&o, "results", 1),
        vec![
            e(0, "record", "committed"),
            e(1, "commit_marker", "committed")
        ]
    );
    // Three markers for the first transaction: two partitions and the group's offsets partition.
    let first_commit_markers = o.steps[9]
        .changes
        .iter()
        .filter(|c| c["type"] == "marker_written" || c["type"] == "offsets_marker_written")
        .count();
    assert_eq!(first_commit_markers, 3);
    let rc: Vec<u64> = received(&o, "rc")
        .into_iter()
        .filter(|(_, v)| v != "b")
        .map(|(off, _)| off)
        .collect();
    assert_eq!(rc, vec![0, 2]);
    assert_eq!(partition(&o, "results", 0).log[1].value, None);
}

#[test]
fn t8_an_open_transaction_stalls_read_committed_readers_at_its_first_offset() {
    let o = run(&scenario(
        "java",
        json!([tx_producer("tx", json!({})), { "id": "plain" }]),
        json!([
            reader("rc", "results", "a", true),
            reader("ru", "results", "b", false)
        ]),
        vec![
            op("tx", "init_transactions"),
            op("tx", "begin_transaction"),
            send("tx", "results", 0, "open"),
            op("tx", "flush"),
            send("plain", "results", 0, "later, committed"),
            op("plain", "flush"),
            op("rc", "poll"),
            op("ru", "poll"),
        ],
    ));
    let p = partition(&o, "results", 0);
    assert_eq!((p.high_watermark, p.last_stable_offset), (2, 0));
    assert_eq!(received(&o, "rc"), vec![]);
    assert_eq!(received(&o, "ru").len(), 2);
}

#[test]
fn t9_the_coordinator_aborts_a_timed_out_transaction_and_fences_the_slow_producer() {
    let steps = vec![
        op("tx", "init_transactions"),
        op("tx", "begin_transaction"),
        send("tx", "results", 0, "slow"),
        op("tx", "flush"),
        // The deadline is 60000 ms; the scan runs every 10000 ms and needs the transaction to be older.
        json!({ "op": "advance", "ms": 60_000 }),
        json!({ "op": "advance", "ms": 10_000 }),
        op("tx", "commit_transaction"),
    ];
    let o = run(&scenario(
        "java",
        json!([tx_producer("tx", json!({}))]),
        json!([]),
        steps,
    ));
    assert!(!types(&o, 4).contains(&"marker_written".to_owned()));
    assert!(types(&o, 5).contains(&"marker_written".to_owned()));
    assert_eq!(o.final_state.transactions[0].producer_epoch, 1);
    assert_eq!(errors(&o), vec![(6, "ProducerFenced".into())]);
    assert_eq!(producer(&o, "tx").state, ProducerState::Fenced);
    assert_eq!(
        entries(&o, "results", 0),
        vec![e(0, "record", "aborted"), e(1, "abort_marker", "aborted")]
    );
    // A shorter transaction.timeout.ms is honoured.
    let o = run(&classic(scenario(
        "java",
        json!([tx_producer("tx", json!({ "transaction.timeout.ms": 5000 }))]),
        json!([]),
        vec![
            op("tx", "init_transactions"),
            op("tx", "begin_transaction"),
            send("tx", "results", 0, "slow"),
            json!({ "op": "advance", "ms": 10_000 }),
        ],
    )));
    assert_eq!(o.final_state.transactions[0].state, TxnState::CompleteAbort);
}

#[test]
fn t9_a_transaction_timeout_above_the_brokers_maximum_is_refused_at_init_and_for_good() {
    for flavor in ["kafka-python", "java"] {
        let o = run(&scenario(
            flavor,
            json!([tx_producer(
                "tx",
                json!({ "transaction.timeout.ms": 900_001 })
            )]),
            json!([]),
            vec![
                op("tx", "init_transactions"),
                op("tx", "begin_transaction"),
                op("tx", "init_transactions"),
                op("tx", "flush"),
            ],
        ));
        assert_eq!(
            errors(&o),
            vec![
                (0, "InvalidTransactionTimeout".into()),
                (1, "InvalidTransactionTimeout".into()),
                (2, "InvalidTransactionTimeout".into())
            ],
            "{flavor}"
        );
        assert_eq!(producer(&o, "tx").state, ProducerState::Error);
        assert!(o.final_state.transactions.is_empty());
    }
    // The broker's maximum itself is accepted.
    let o = run(&scenario(
        "java",
        json!([tx_producer(
            "tx",
            json!({ "transaction.timeout.ms": 900_000 })
        )]),
        json!([]),
        vec![op("tx", "init_transactions")],
    ));
    assert_eq!(errors(&o), vec![]);
}

#[test]
fn t10_client_state_errors_depend_on_the_flavor() {
    let steps = vec![
        send("tx", "results", 0, "outside"),
        op("tx", "begin_transaction"),
        op("tx", "init_transactions"),
        op("tx", "init_transactions"),
        send("tx", "results", 0, "still outside"),
    ];
    let java = run(&scenario(
        "java",
        json!([tx_producer("tx", json!({}))]),
        json!([]),
        steps.clone(),
    ));
    assert_eq!(
        errors(&java),
        vec![
            (0, "IllegalState".into()),
            (1, "IllegalState".into()),
            (3, "IllegalState".into()),
            (4, "IllegalState".into())
        ]
    );
    let python = run(&scenario(
        "kafka-python",
        json!([tx_producer("tx", json!({}))]),
        json!([]),
        steps,
    ));
    assert_eq!(
        errors(&python),
        vec![
            (0, "IllegalState".into()),
            (1, "IllegalState".into()),
            (4, "IllegalState".into())
        ]
    );
    assert_eq!(types(&python, 3), vec!["init_ignored"]);
    assert_eq!(producer(&python, "tx").producer_epoch, Some(0));
}

#[test]
fn t11_transaction_version_2_bumps_the_epoch_on_every_end_and_adds_partitions_implicitly() {
    let mut s = scenario(
        "java",
        json!([tx_producer("tx", json!({}))]),
        json!([]),
        vec![
            op("tx", "init_transactions"),
            op("tx", "begin_transaction"),
            send("tx", "results", 0, "a"),
            op("tx", "commit_transaction"),
            op("tx", "begin_transaction"),
            send("tx", "results", 0, "b"),
            op("tx", "flush"),
            op("tx", "abort_transaction"),
            json!({ "op": "advance", "ms": 0 }),
        ],
    );
    s["transaction.version"] = json!(2);
    let o = run(&s);
    // The produce request carries the partition into the transaction: nothing at the send.
    assert_eq!(types(&o, 2), vec!["record_in_flight"]);
    assert_eq!(o.steps[3].changes[1]["implicit"], true);
    assert_eq!(producer(&o, "tx").producer_epoch, Some(2));
    let log = &partition(&o, "results", 0).log;
    let epochs: Vec<Option<i16>> = log.iter().map(|e| e.producer_epoch).collect();
    // Records with the epoch of their transaction, markers with the bumped one; sequences restart.
    assert_eq!(epochs, vec![Some(0), Some(1), Some(1), Some(2)]);
    assert_eq!(log[2].sequence, Some(0));
    // Version 1 (default): one epoch for the producer's life, sequences go on.
    let o = run(&classic(s));
    assert_eq!(producer(&o, "tx").producer_epoch, Some(0));
    assert_eq!(partition(&o, "results", 0).log[2].sequence, Some(1));
    assert_eq!(o.steps[2].changes[1]["implicit"], false);
}

#[test]
fn t6_an_abort_drops_the_records_still_waiting_out_linger_ms() {
    // Measured on kafka-clients 4.4.0 (linger.ms 5): a record sent right before abortTransaction() never
    // leaves the producer. kafka-python (linger_ms 0) has sent it already, and it is written as aborted.
    let steps = vec![
        op("tx", "init_transactions"),
        op("tx", "begin_transaction"),
        send("tx", "results", 0, "dropped"),
        op("tx", "abort_transaction"),
        op("tx", "begin_transaction"),
        send("tx", "results", 0, "sent"),
        advance(10),
        op("tx", "abort_transaction"),
        json!({ "op": "advance", "ms": 0 }),
    ];
    let producers = json!([tx_producer("tx", json!({}))]);
    for version in [1, 2] {
        let mut s = scenario("java", producers.clone(), json!([]), steps.clone());
        s["transaction.version"] = json!(version);
        let o = run(&s);
        assert_eq!(
            o.steps[3].changes[0]["type"], "in_flight_dropped",
            "v{version}"
        );
        let values: Vec<Option<String>> = partition(&o, "results", 0)
            .log
            .iter()
            .filter(|e| e.kind == kafka_model::partition_log::EntryKind::Record)
            .map(|e| e.value.clone())
            .collect();
        assert_eq!(values, vec![Some("sent".to_owned())], "v{version}");
        // The dropped record's sequence number was never used (version 2 starts again at 0 anyway).
        let sent = partition(&o, "results", 0)
            .log
            .iter()
            .find(|e| e.value.as_deref() == Some("sent"))
            .and_then(|e| e.sequence);
        assert_eq!(sent, Some(0), "v{version}");
    }
    // Version 2: nothing of the first transaction reached the coordinator, and still its abort bumped the epoch.
    let mut s = scenario("java", producers.clone(), json!([]), steps[..4].to_vec());
    s["transaction.version"] = json!(2);
    let o = run(&s);
    assert!(partition(&o, "results", 0).log.is_empty());
    assert_eq!(producer(&o, "tx").producer_epoch, Some(1));
    let o = run(&scenario("kafka-python", producers, json!([]), steps));
    assert!(errors(&o).is_empty());
    assert_eq!(entries(&o, "results", 0)[0], e(0, "record", "aborted"));
    assert_eq!(partition(&o, "results", 0).log.len(), 4);
}

#[test]
fn c7_abort_does_not_move_the_position_back_and_seek_does() {
    let mut steps = orders(2);
    steps.extend([
        op("tx", "init_transactions"),
        op("worker", "poll"),
        op("tx", "begin_transaction"),
        send("tx", "results", 0, &result(0)),
        op("tx", "abort_transaction"),
        op("worker", "poll"),
    ]);
    let o = run(&scenario(
        "java",
        plain_and_tx(),
        json!([worker("worker")]),
        steps.clone(),
    ));
    // Java hands out both orders in one batch; after the abort the position stays at 2.
    assert_eq!(common::positions(&o, "worker"), vec![(0, 2)]);
    assert_eq!(received(&o, "worker").len(), 2);
    steps.push(
        json!({ "actor": "worker", "op": "seek", "topic": "orders", "partition": 0, "offset": 0 }),
    );
    steps.push(op("worker", "poll"));
    let o = run(&scenario(
        "java",
        plain_and_tx(),
        json!([worker("worker")]),
        steps,
    ));
    assert_eq!(received(&o, "worker").len(), 4);
}

#[test]
fn c8_read_committed_skips_aborted_records_read_uncommitted_hands_them_out_markers_never() {
    let o = run(&scenario(
        "java",
        json!([tx_producer("tx", json!({}))]),
        json!([
            reader("rc", "results", "a", true),
            reader("ru", "results", "b", false)
        ]),
        vec![
            op("tx", "init_transactions"),
            op("tx", "begin_transaction"),
            send("tx", "results", 0, "aborted"),
            op("tx", "flush"),
            op("tx", "abort_transaction"),
            op("tx", "begin_transaction"),
            send("tx", "results", 0, "kept"),
            op("tx", "commit_transaction"),
            op("rc", "poll"),
            op("ru", "poll"),
        ],
    ));
    assert_eq!(received(&o, "rc"), vec![(2, "kept".to_owned())]);
    assert_eq!(
        received(&o, "ru"),
        vec![(0, "aborted".to_owned()), (2, "kept".to_owned())]
    );
    let aborted = o.ledger.iter().find(|l| l.value == "aborted").unwrap();
    assert_eq!(aborted.labels, vec![Label::AbortedRead]);
    assert_eq!(common::positions(&o, "rc"), vec![(0, 4), (1, 0)]);
}

#[test]
fn c8_a_poll_that_finds_only_a_trailing_marker_moves_the_position_past_it() {
    // As kafka-python 3.0.12 does on the real broker (golden i): a reader that has had the transaction's last
    // record polls again, and its position moves past the commit marker that ends the log. The Java client's
    // batch already takes it past.
    for flavor in ["kafka-python", "java"] {
        let o = run(&scenario(
            flavor,
            json!([tx_producer("tx", json!({}))]),
            json!([reader("rc", "results", "a", true)]),
            vec![
                op("tx", "init_transactions"),
                op("tx", "begin_transaction"),
                send("tx", "results", 0, "kept"),
                op("tx", "commit_transaction"),
                op("rc", "poll"),
                op("rc", "poll"),
            ],
        ));
        assert_eq!(received(&o, "rc"), vec![(0, "kept".to_owned())], "{flavor}");
        assert_eq!(
            common::positions(&o, "rc"),
            vec![(0, 2), (1, 0)],
            "{flavor}"
        );
    }
}

/// Mirrors rust-rdkafka's `test_transaction_abort`: offsets sent in a transaction and 10 records produced,
/// then an abort — a read_committed reader sees 0 records, a read_uncommitted one 10, and the group's
/// committed offset is unchanged.
#[test]
fn conformance_rdkafka_transaction_abort() {
    let mut steps = orders(20);
    steps.extend([
        // The consume group has committed 10 of the 20 input records.
        op("worker", "poll"),
        json!({ "actor": "worker", "op": "commit", "offsets": [{ "topic": "orders", "partition": 0, "offset": 10 }] }),
        op("tx", "init_transactions"),
        op("tx", "begin_transaction"),
        json!({ "actor": "tx", "op": "send_offsets_to_transaction", "consumer": "worker" }),
    ]);
    for i in 0..10 {
        steps.push(send("tx", "results", 0, &format!("Message {i}")));
    }
    steps.extend([
        op("tx", "flush"),
        op("tx", "abort_transaction"),
        json!({ "op": "advance", "ms": 0 }),
    ]);
    for _ in 0..12 {
        steps.push(op("rc", "poll"));
        steps.push(op("ru", "poll"));
    }
    let o = run(&scenario(
        "kafka-python",
        plain_and_tx(),
        json!([
            worker("worker"),
            reader("rc", "results", "rc", true),
            reader("ru", "results", "ru", false)
        ]),
        steps,
    ));
    assert!(errors(&o).is_empty(), "{:?}", errors(&o));
    assert_eq!(received(&o, "rc").len(), 0);
    assert_eq!(received(&o, "ru").len(), 10);
    assert_eq!(common::committed(&o, "workers"), vec![(0, 10)]);
    assert!(o.final_state.groups[0].pending.is_empty());
}

/// A cluster of the scenario's set-up and its steps as actions, to apply more often than a scenario may list
/// them (`MAX_STEPS`).
fn cluster_and_steps(s: &Value) -> (kafka_model::cluster::Cluster, Vec<kafka_model::Action>) {
    let s = kafka_model::scenario::parse_scenario(&s.to_string()).expect("valid scenario");
    let cluster = kafka_model::cluster::Cluster::new(Arc::new(s.setup), Arc::new(s.texts));
    (cluster, s.steps)
}

fn apply(c: &mut kafka_model::cluster::Cluster, action: &kafka_model::Action) -> Vec<Event> {
    let mut out = Vec::new();
    c.apply(action, &mut out).expect("the step succeeds");
    out
}

/// Repeats `bump` (which raises `producer`'s epoch by one) until the epoch is exhausted, then once more, and
/// checks that the producer has a new id at epoch 0: the events of that last time, and the new id.
fn bump_past_exhaustion(
    c: &mut kafka_model::cluster::Cluster,
    producer: ClientIdx,
    bump: impl Fn(&mut kafka_model::cluster::Cluster) -> Vec<Event>,
) -> (Vec<Event>, ProducerId) {
    let (first, start) = c.producer(producer).producer_id.expect("initialised");
    for _ in start.0..Epoch::EXHAUSTED.0 {
        bump(c);
    }
    assert_eq!(
        c.producer(producer).producer_id,
        Some((first, Epoch::EXHAUSTED))
    );
    let events = bump(c);
    let (pid, epoch) = c.producer(producer).producer_id.expect("initialised");
    assert_ne!(pid, first);
    assert_eq!(epoch, Epoch(0));
    (events, pid)
}

#[test]
fn t1_an_exhausted_epoch_gives_the_transactional_id_a_new_producer_id_and_the_zombie_stays_fenced()
{
    // Kafka's epoch is an int16. From epoch 32766 the coordinator hands out a new producer id at epoch 0.
    let (mut c, steps) = cluster_and_steps(&classic(scenario(
        "java",
        json!([tx_producer("old", json!({})), tx_producer("new", json!({}))]),
        json!([]),
        vec![
            op("old", "init_transactions"),
            op("new", "crash"),
            op("new", "restart"),
            op("new", "init_transactions"),
            op("old", "begin_transaction"),
            send("old", "results", 0, "zombie write"),
        ],
    )));
    let (old, new) = (ClientIdx(0), ClientIdx(1));
    apply(&mut c, &steps[0]);
    apply(&mut c, &steps[3]);
    // Each new instance of `new` bumps the epoch once.
    let (events, _) = bump_past_exhaustion(&mut c, new, |c| {
        apply(c, &steps[1]);
        apply(c, &steps[2]);
        apply(c, &steps[3])
    });
    assert_eq!(events.last().unwrap().reason, Reason::EpochExhausted);
    // The old instance, whatever its epoch, holds an id the coordinator no longer knows: fenced.
    apply(&mut c, &steps[4]);
    let mut out = Vec::new();
    assert_eq!(
        c.apply(&steps[5], &mut out).and_then(|()| {
            c.apply(
                &kafka_model::Action::ProducerFlush { producer: old },
                &mut out,
            )
        }),
        Err(StepError::ProducerFenced)
    );
}

#[test]
fn t11_under_version_2_a_transaction_that_exhausts_the_epoch_ends_with_a_new_producer_id() {
    let (mut c, steps) = cluster_and_steps(&scenario(
        "java",
        json!([tx_producer("tx", json!({}))]),
        json!([]),
        vec![
            op("tx", "init_transactions"),
            op("tx", "begin_transaction"),
            send("tx", "results", 0, "r"),
            op("tx", "commit_transaction"),
        ],
    ));
    apply(&mut c, &steps[0]);
    let transaction = |c: &mut kafka_model::cluster::Cluster| {
        apply(c, &steps[1]);
        apply(c, &steps[2]);
        apply(c, &steps[3])
    };
    let (events, pid) = bump_past_exhaustion(&mut c, ClientIdx(0), transaction);
    let bumped = events
        .iter()
        .find(|e| matches!(e.change, Change::ProducerEpochBumped { .. }))
        .expect("the end bumps");
    assert_eq!(bumped.reason, Reason::EpochExhausted);
    // The next transaction runs on the new id, and its markers carry it.
    transaction(&mut c);
    apply(&mut c, &kafka_model::Action::ClockAdvance { ms: 0 });
    let log = c.log(TopicPartition::new(TopicIdx(1), 0));
    let marker = log.entries.last().and_then(|e| e.batch).expect("a marker");
    assert_eq!((marker.producer_id, marker.epoch), (pid, Epoch(1)));
}
