//! The Java driver (tools/clients/java) against the real broker: every op it offers, answered the way
//! kafka-clients itself behaves, errors by the contract's names.

mod common;

use common::driver::{
    a_transaction_timeout_above_the_brokers_maximum, commit_one_abort_one, consumer,
    fence_a_zombie, offsets_sent_from_another_process, positions_deliveries_and_an_explicit_commit,
    Driver,
};
use serde_json::{json, Value};

/// The values of the records the next poll that returns any hands out (a poll may come back empty while the
/// consumer joins its group).
fn polled(d: &mut Driver, consumer: &str) -> Vec<Value> {
    for _ in 0..5 {
        let records = d.ok(json!({"op": "poll", "actor": consumer}))["records"].clone();
        let records = records.as_array().unwrap().clone();
        if !records.is_empty() {
            return records.iter().map(|r| r["value"].clone()).collect();
        }
    }
    Vec::new()
}

fn pom_version() -> String {
    let pom = std::fs::read_to_string(common::repo_root().join("tools/kafka/pom.xml")).unwrap();
    pom.split("<kafka.version>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string()
}

#[test]
fn the_driver_says_which_client_it_runs_and_names_bad_input() {
    let (mut d, hello) = Driver::start("java");
    assert_eq!(
        hello,
        json!({"ok": true, "client": "kafka-clients", "version": pom_version()})
    );
    assert_eq!(d.send_line("not json")["error"], "BadRequest");
    d.fails(json!({"op": "fly"}), "Unsupported");
    d.fails(
        json!({"op": "producer", "id": "p", "config": {"enable.idempotence": "true", "acks": "1"}}),
        "ConfigException",
    );
}

#[test]
fn poll_moves_the_position_past_the_whole_batch() {
    // C1, java: one poll hands out a and b, and the position is past both at once.
    positions_deliveries_and_an_explicit_commit(
        "java",
        |d| assert_eq!(polled(d, "c"), [json!("a"), json!("b")]),
        2,
    );
}

#[test]
fn offsets_of_a_consumer_in_another_process_commit_with_the_transaction() {
    offsets_sent_from_another_process("java", |d| assert_eq!(polled(d, "worker"), [json!("o1")]));
}

#[test]
fn a_key_the_java_client_does_not_know_is_only_warned_about() {
    let (mut d, _) = Driver::start("java");
    d.ok(json!({"op": "producer", "id": "p", "config": {"no.such.key": "1"}}));
}

#[test]
fn poll_hands_out_a_batch_and_commit_sync_commits_past_it() {
    let (mut d, _) = Driver::start("java");
    d.ok(json!({"op": "create_topic", "topic": "orders"}));
    d.ok(json!({"op": "producer", "id": "p"}));
    for value in ["a", "b", "c"] {
        d.ok(json!({"op": "send", "actor": "p", "topic": "orders", "value": value}));
    }
    d.ok(json!({"op": "flush", "actor": "p"}));
    d.ok(consumer("c", "orders", json!({})));
    assert_eq!(
        polled(&mut d, "c"),
        [json!("a"), json!("b"), json!("c")],
        "one poll, the whole batch"
    );
    d.ok(json!({"op": "commit", "actor": "c"}));
    d.ok(json!({"op": "seek", "actor": "c", "topic": "orders", "partition": 0, "offset": 1}));
    assert_eq!(polled(&mut d, "c"), [json!("b"), json!("c")]);
    d.ok(json!({"op": "close", "actor": "c"}));
    // A new member of the group starts where commitSync() put the group: past the whole batch.
    d.ok(consumer("c", "orders", json!({})));
    assert_eq!(polled(&mut d, "c"), Vec::<Value>::new());
    d.ok(json!({"op": "close", "actor": "p"}));
}

#[test]
fn a_transaction_commits_with_the_groups_offsets_and_another_aborts() {
    let (mut d, _) = Driver::start("java");
    commit_one_abort_one(&mut d, |d| assert_eq!(polled(d, "worker"), [json!("o1")]));
    assert_eq!(polled(&mut d, "reader"), [json!("r1")]);
}

#[test]
fn a_fenced_zombie_sees_what_the_java_client_reports() {
    let (mut d, _) = Driver::start("java");
    fence_a_zombie(&mut d);
    d.fails(json!({"op": "flush", "actor": "a"}), "InvalidProducerEpoch");
    // The Java client answers the commit with the same error; only the abort names the fencing.
    d.fails(
        json!({"op": "commit_transaction", "actor": "a"}),
        "InvalidProducerEpoch",
    );
    d.fails(
        json!({"op": "abort_transaction", "actor": "a"}),
        "ProducerFenced",
    );
}

#[test]
fn a_transaction_timeout_above_the_brokers_maximum_is_refused_for_good() {
    let (mut d, _) = Driver::start("java");
    a_transaction_timeout_above_the_brokers_maximum(&mut d);
}
