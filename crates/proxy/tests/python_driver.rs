//! The kafka-python driver (tools/clients/python) against the real broker: every op it offers, answered the
//! way kafka-python 3.0.12 itself behaves, errors by the contract's names.

mod common;

use common::driver::{
    a_transaction_timeout_above_the_brokers_maximum, commit_one_abort_one, consumer,
    fence_a_zombie, offsets_sent_from_another_process, positions_deliveries_and_an_explicit_commit,
    Driver,
};
use serde_json::{json, Value};

fn polled(d: &mut Driver, consumer: &str) -> Value {
    d.ok(json!({"op": "poll", "actor": consumer}))["record"].clone()
}

#[test]
fn the_driver_says_which_client_it_runs_and_names_bad_input() {
    let (mut d, hello) = Driver::start("python");
    assert_eq!(
        hello,
        json!({"ok": true, "client": "kafka-python", "version": "3.0.12"})
    );
    assert_eq!(d.send_line("not json")["error"], "BadRequest");
    d.fails(json!({"op": "fly"}), "Unsupported");
    // kafka-python refuses idempotence asked for explicitly with acks=1, and keys it does not know.
    d.fails(
        json!({"op": "producer", "id": "p", "config": {"enable.idempotence": true, "acks": "1"}}),
        "ConfigException",
    );
    d.fails(
        json!({"op": "producer", "id": "p", "config": {"no.such.key": "1"}}),
        "ConfigException",
    );
    d.fails(
        json!({"op": "consumer", "id": "c", "subscribe": [], "config": {"no.such.key": "1"}}),
        "ConfigException",
    );
}

#[test]
fn the_iterator_moves_the_position_one_record_at_a_time() {
    // C1, kafka-python: the position is the handed-out record's offset + 1.
    positions_deliveries_and_an_explicit_commit(
        "python",
        |d| assert_eq!(polled(d, "c")["value"], "a"),
        1,
    );
}

#[test]
fn offsets_of_a_consumer_in_another_process_commit_with_the_transaction() {
    offsets_sent_from_another_process("python", |d| assert_eq!(polled(d, "worker")["value"], "o1"));
}

#[test]
fn send_flush_poll_commit_seek_and_close_as_the_lessons_loop_makes_them() {
    let (mut d, _) = Driver::start("python");
    d.ok(json!({"op": "create_topic", "topic": "orders"}));
    d.ok(json!({"op": "producer", "id": "p"}));
    for value in ["a", "b"] {
        d.ok(json!({"op": "send", "actor": "p", "topic": "orders", "value": value}));
    }
    d.ok(json!({"op": "flush", "actor": "p"}));
    d.ok(consumer("c", "orders", json!({})));
    // The iterator hands out one record at a time.
    let first = polled(&mut d, "c");
    assert_eq!(
        (&first["offset"], &first["value"]),
        (&json!(0), &json!("a"))
    );
    d.ok(json!({"op": "commit", "actor": "c"}));
    assert_eq!(polled(&mut d, "c")["offset"], 1);
    d.ok(json!({"op": "seek", "actor": "c", "topic": "orders", "partition": 0, "offset": 0}));
    assert_eq!(polled(&mut d, "c")["value"], "a");
    polled(&mut d, "c");
    assert_eq!(
        polled(&mut d, "c"),
        Value::Null,
        "nothing left: the iterator waits and hands out nothing"
    );
    d.ok(json!({"op": "close", "actor": "c"}));
    d.ok(json!({"op": "close", "actor": "p"}));
}

#[test]
fn a_transaction_commits_with_the_groups_offsets_and_another_aborts() {
    let (mut d, _) = Driver::start("python");
    commit_one_abort_one(&mut d, |d| assert_eq!(polled(d, "worker")["value"], "o1"));
    // The read_committed reader gets the committed result and skips the aborted one and both markers.
    assert_eq!(polled(&mut d, "reader")["value"], "r1");
    assert_eq!(polled(&mut d, "reader"), Value::Null);
}

#[test]
fn a_fenced_zombie_sees_what_kafka_python_reports() {
    let (mut d, _) = Driver::start("python");
    fence_a_zombie(&mut d);
    d.fails(json!({"op": "flush", "actor": "a"}), "InvalidProducerEpoch");
    // kafka-python then tries to bump its own epoch: while it is at it, committing or aborting is an illegal
    // transition; once the broker has refused the bump, both fail with ProducerFenced. Which one a zombie sees
    // depends on timing.
    for op in ["commit_transaction", "abort_transaction"] {
        d.fails_with_one_of(
            json!({"op": op, "actor": "a"}),
            &["IllegalState", "ProducerFenced"],
        );
    }
}

#[test]
fn a_transaction_timeout_above_the_brokers_maximum_is_refused_for_good() {
    let (mut d, _) = Driver::start("python");
    a_transaction_timeout_above_the_brokers_maximum(&mut d);
}
