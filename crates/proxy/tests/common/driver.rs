//! A client driver (tools/clients/…) as a child process, through the proxy's own `driver` module: one JSON
//! line in, one JSON line out, all of one test's clients in one process.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kafka_proxy::client_kind::ClientKind;
use kafka_proxy::driver::DriverProcess;
use kafka_proxy::driver_install::DriverPaths;
use serde_json::{json, Value};

/// Long enough for a poll that joins a group and for a JVM's first calls.
const ANSWER_WITHIN: Duration = Duration::from_secs(60);

pub struct Driver {
    process: DriverProcess,
}

impl Driver {
    /// The driver of `client` ("python" or "java") on the test broker, found where its set-up installed it,
    /// with a name prefix of its own so runs never share topics or groups; with its first answer (which
    /// client, which version).
    pub fn start(client: &str) -> (Driver, Value) {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        Driver::start_with_prefix(client, &format!("{client}-{nanos}-"))
    }

    /// A driver whose names carry `prefix`: two drivers with one prefix share topics and groups, as the
    /// proxy's processes of one session do.
    pub fn start_with_prefix(client: &str, prefix: &str) -> (Driver, Value) {
        Driver::start_on(client, &super::bootstrap(), prefix)
    }

    /// A driver on the cluster at `bootstrap`.
    pub fn start_on(client: &str, bootstrap: &str, prefix: &str) -> (Driver, Value) {
        let kind = match client {
            "python" => ClientKind::KafkaPython,
            "java" => ClientKind::Java,
            other => panic!("no driver for {other}"),
        };
        let command = DriverPaths::default()
            .locate(kind)
            .unwrap_or_else(|why| panic!("{why}"))
            .expect("a driver");
        let process = DriverProcess::spawn(command.command()).expect("the driver starts");
        let mut driver = Driver { process };
        let first = json!({"bootstrap": bootstrap, "prefix": prefix});
        let hello = driver.send_line(&first.to_string());
        (driver, hello)
    }

    pub fn send_line(&mut self, line: &str) -> Value {
        self.process
            .call_line(line, line, ANSWER_WITHIN)
            .unwrap_or_else(|e| panic!("{line}: {e}"))
    }

    pub fn ok(&mut self, op: Value) -> Value {
        let answer = self.send_line(&op.to_string());
        assert_eq!(answer["ok"], true, "{op} answered {answer}");
        answer
    }

    /// The op fails with the contract's error `name`.
    pub fn fails(&mut self, op: Value, name: &str) {
        self.fails_with_one_of(op, &[name]);
    }

    pub fn fails_with_one_of(&mut self, op: Value, names: &[&str]) {
        let answer = self.send_line(&op.to_string());
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(
            answer["ok"] == false && names.contains(&error),
            "{op} answered {answer}, not one of {names:?}"
        );
    }
}

/// A consumer op in a group of its own name that reads from the start and commits by hand.
pub fn consumer(id: &str, topic: &str, extra: Value) -> Value {
    let mut config =
        json!({"group.id": id, "enable.auto.commit": "false", "auto.offset.reset": "earliest"});
    config
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({"op": "consumer", "id": id, "subscribe": [topic], "config": config})
}

/// The read-process-write loop once committed with the group's offsets (`read_order` reads order o1 as the
/// client does), once aborted; then a read_committed `reader` of the results, which has not polled yet.
pub fn commit_one_abort_one(d: &mut Driver, read_order: impl FnOnce(&mut Driver)) {
    d.ok(json!({"op": "create_topic", "topic": "orders"}));
    d.ok(json!({"op": "create_topic", "topic": "results"}));
    d.ok(json!({"op": "producer", "id": "writer"}));
    d.ok(json!({"op": "send", "actor": "writer", "topic": "orders", "value": "o1"}));
    d.ok(json!({"op": "flush", "actor": "writer"}));
    d.ok(json!({"op": "producer", "id": "tx", "config": {"transactional.id": "tx"}}));
    d.ok(consumer("worker", "orders", json!({})));
    d.ok(json!({"op": "init_transactions", "actor": "tx"}));
    d.ok(json!({"op": "begin_transaction", "actor": "tx"}));
    read_order(d);
    d.ok(json!({"op": "send", "actor": "tx", "topic": "results", "value": "r1"}));
    d.ok(json!({"op": "send_offsets_to_transaction", "actor": "tx", "consumer": "worker"}));
    d.ok(json!({"op": "commit_transaction", "actor": "tx"}));
    d.ok(json!({"op": "begin_transaction", "actor": "tx"}));
    d.ok(json!({"op": "send", "actor": "tx", "topic": "results", "value": "r2"}));
    d.ok(json!({"op": "abort_transaction", "actor": "tx"}));
    d.ok(consumer(
        "reader",
        "results",
        json!({"isolation.level": "read_committed"}),
    ));
}

/// A zombie: producer `a` is fenced by `b`'s init_transactions() while its transaction is open, then sends.
pub fn fence_a_zombie(d: &mut Driver) {
    d.ok(json!({"op": "create_topic", "topic": "results"}));
    for id in ["a", "b"] {
        d.ok(json!({"op": "producer", "id": id, "config": {"transactional.id": "order-processor-tx"}}));
    }
    d.ok(json!({"op": "init_transactions", "actor": "a"}));
    d.ok(json!({"op": "begin_transaction", "actor": "a"}));
    d.ok(json!({"op": "send", "actor": "a", "topic": "results", "value": "1"}));
    d.ok(json!({"op": "flush", "actor": "a"}));
    // B takes over: its init_transactions() raises the epoch and aborts A's open transaction.
    d.ok(json!({"op": "init_transactions", "actor": "b"}));
    d.ok(json!({"op": "send", "actor": "a", "topic": "results", "value": "2"}));
}

/// A transaction timeout above the broker's transaction.max.timeout.ms (900000): refused at init, and every
/// later transactional call fails with the same error (T9).
pub fn a_transaction_timeout_above_the_brokers_maximum(d: &mut Driver) {
    d.ok(json!({"op": "producer", "id": "p", "config": {"transactional.id": "slow-tx", "transaction.timeout.ms": 900001}}));
    d.fails(
        json!({"op": "init_transactions", "actor": "p"}),
        "InvalidTransactionTimeout",
    );
    d.fails(
        json!({"op": "begin_transaction", "actor": "p"}),
        "InvalidTransactionTimeout",
    );
}

/// One position on orders[0], as `positions` answers it.
pub fn at_orders(offset: u64) -> Value {
    json!([{"topic": "orders", "partition": 0, "offset": offset}])
}

/// Sends report where each record went; a consumer's positions are what it holds (none before it joined);
/// commit with offsets stores them as given, and a new member starts there.
pub fn positions_deliveries_and_an_explicit_commit(
    client: &str,
    read_first: impl Fn(&mut Driver),
    position_after_first_poll: u64,
) {
    let (mut d, _) = Driver::start(client);
    d.ok(json!({"op": "create_topic", "topic": "orders"}));
    d.ok(json!({"op": "producer", "id": "p"}));
    for value in ["a", "b"] {
        d.ok(json!({"op": "send", "actor": "p", "topic": "orders", "value": value}));
    }
    let flush = d.ok(json!({"op": "flush", "actor": "p"}));
    assert_eq!(
        flush["deliveries"],
        json!([{"topic": "orders", "partition": 0, "offset": 0},
               {"topic": "orders", "partition": 0, "offset": 1}])
    );
    d.ok(consumer("c", "orders", json!({})));
    assert_eq!(
        d.ok(json!({"op": "positions", "actor": "c"}))["positions"],
        json!([]),
        "no partitions before the first poll"
    );
    read_first(&mut d);
    assert_eq!(
        d.ok(json!({"op": "positions", "actor": "c"}))["positions"],
        at_orders(position_after_first_poll)
    );
    d.ok(json!({"op": "commit", "actor": "c",
                "offsets": [{"topic": "orders", "partition": 0, "offset": 1}]}));
    d.ok(json!({"op": "close", "actor": "c"}));
    d.ok(consumer("c", "orders", json!({})));
    d.ok(json!({"op": "poll", "actor": "c", "timeout_ms": 1000, "join_ms": 20000}));
    assert_eq!(
        d.ok(json!({"op": "positions", "actor": "c"}))["positions"],
        at_orders(2),
        "the new member started at the committed 1 and read b"
    );
}

/// The read-process-write loop with its consumer in one process and its transactional producer in another,
/// as the proxy runs them: the consumer's `group_metadata` answer is what the producer's
/// `send_offsets_to_transaction` sends; after the commit the group's offset is past the order.
pub fn offsets_sent_from_another_process(client: &str, read_order: impl Fn(&mut Driver)) {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let prefix = format!("{client}-x-{nanos}-");
    let (mut a, _) = Driver::start_with_prefix(client, &prefix);
    let (mut b, _) = Driver::start_with_prefix(client, &prefix);
    a.ok(json!({"op": "create_topic", "topic": "orders"}));
    a.ok(json!({"op": "create_topic", "topic": "results"}));
    a.ok(json!({"op": "producer", "id": "writer"}));
    a.ok(json!({"op": "send", "actor": "writer", "topic": "orders", "value": "o1"}));
    a.ok(json!({"op": "flush", "actor": "writer"}));
    a.ok(consumer("worker", "orders", json!({})));
    read_order(&mut a);
    let meta = a.ok(json!({"op": "group_metadata", "actor": "worker"}));
    assert_eq!(meta["positions"], at_orders(1));
    assert_eq!(
        meta["group_metadata"]["group_id"],
        format!("{prefix}worker")
    );
    assert!(
        meta["group_metadata"]["generation_id"].as_i64() >= Some(1),
        "{meta}"
    );
    b.ok(json!({"op": "producer", "id": "tx", "config": {"transactional.id": "tx"}}));
    b.ok(json!({"op": "init_transactions", "actor": "tx"}));
    b.ok(json!({"op": "begin_transaction", "actor": "tx"}));
    b.ok(json!({"op": "send", "actor": "tx", "topic": "results", "value": "r1"}));
    b.ok(json!({"op": "send_offsets_to_transaction", "actor": "tx",
                "offsets": meta["positions"], "group_metadata": meta["group_metadata"]}));
    let commit = b.ok(json!({"op": "commit_transaction", "actor": "tx"}));
    assert_eq!(
        commit["deliveries"],
        json!([{"topic": "results", "partition": 0, "offset": 0}]),
        "the commit answers the send it finished"
    );
    a.ok(json!({"op": "close", "actor": "worker"}));
    a.ok(consumer("worker", "orders", json!({})));
    a.ok(json!({"op": "poll", "actor": "worker", "timeout_ms": 1000, "join_ms": 20000}));
    assert_eq!(
        a.ok(json!({"op": "positions", "actor": "worker"}))["positions"],
        at_orders(1),
        "the group's offset came with the transaction"
    );
}
