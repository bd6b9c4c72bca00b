//! A client driver (tools/clients/…) as a child process: one JSON line in, one JSON line out.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

pub struct Driver {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// What `tools/clients/<client>/setup` prints: the python to run, or the classpath.
fn set_up(client: &str) -> String {
    let setup = Command::new(super::repo_root().join(format!("tools/clients/{client}/setup")))
        .output()
        .expect("the client's set-up runs");
    assert!(
        setup.status.success(),
        "{}",
        String::from_utf8_lossy(&setup.stderr)
    );
    String::from_utf8(setup.stdout).unwrap().trim().to_string()
}

impl Driver {
    /// The driver of `client` ("python" or "java") on the test broker, with a name prefix of its own so runs
    /// never share topics or groups; with its first answer (which client, which version).
    pub fn start(client: &str) -> (Driver, Value) {
        let root = super::repo_root();
        let mut command = match client {
            "python" => {
                let mut c = Command::new(set_up("python"));
                c.arg(root.join("tools/clients/python/driver.py"));
                c
            }
            "java" => {
                let mut c = Command::new("java");
                c.args(["-cp", &set_up("java"), "Driver"]);
                c
            }
            other => panic!("no driver for {other}"),
        };
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the driver starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut driver = Driver {
            child,
            stdin,
            stdout,
        };
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let first =
            json!({"bootstrap": super::bootstrap(), "prefix": format!("{client}-{nanos}-")});
        let hello = driver.send_line(&first.to_string());
        (driver, hello)
    }

    pub fn send_line(&mut self, line: &str) -> Value {
        writeln!(self.stdin, "{line}").unwrap();
        let mut answer = String::new();
        self.stdout.read_line(&mut answer).unwrap();
        serde_json::from_str(&answer).unwrap_or_else(|_| panic!("not JSON: {answer:?}"))
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

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
