//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod eos;

use kafka_model::ledger::Label;
use kafka_model::output::Output;
use serde_json::{json, Value};

pub fn order(i: u32) -> String {
    format!("{{\"order_id\": {i}, \"item\": \"widget\"}}")
}

pub fn send(producer: &str, i: u32) -> Value {
    json!({ "actor": producer, "op": "send", "topic": "orders", "value": order(i) })
}

pub fn send_to(producer: &str, i: u32, partition: u32) -> Value {
    json!({ "actor": producer, "op": "send", "topic": "orders", "partition": partition, "value": order(i) })
}

pub fn op(actor: &str, op: &str) -> Value {
    json!({ "actor": actor, "op": op })
}

pub fn process(actor: &str, fail: bool) -> Value {
    json!({ "actor": actor, "op": "process", "fail": fail })
}

pub fn advance(ms: u64) -> Value {
    json!({ "op": "advance", "ms": ms })
}

/// Steps: `producer` sends orders 0..n and flushes.
pub fn produce(n: u32) -> Vec<Value> {
    let mut v: Vec<Value> = (0..n).map(|i| send("producer", i)).collect();
    v.push(op("producer", "flush"));
    v
}

/// A one-topic scenario with one plain kafka-python producer and the given consumers.
pub fn scenario(flavor: &str, partitions: u32, consumers: Value, steps: Vec<Value>) -> Value {
    json!({
        "flavor": flavor,
        "seed": 1,
        "topics": [{ "name": "orders", "partitions": partitions }],
        "producers": [{ "id": "producer" }],
        "consumers": consumers,
        "steps": steps
    })
}

pub fn consumer(id: &str, config: Value) -> Value {
    json!({ "id": id, "subscribe": ["orders"], "config": config })
}

/// The producer with idempotence switched off, as a duplicate from a retry needs (P5).
pub fn without_idempotence(mut scenario: Value) -> Value {
    scenario["producers"][0]["config"] = json!({ "enable.idempotence": false });
    scenario
}

pub fn run(v: &Value) -> Output {
    match kafka_model::run_json(&v.to_string()) {
        Ok(o) => o,
        Err(e) => panic!("scenario rejected: {e}"),
    }
}

pub fn run_value(v: &Value) -> Value {
    serde_json::to_value(run(v)).expect("serialisable")
}

/// Positions of a consumer in the final state: (partition, offset).
pub fn positions(o: &Output, consumer: &str) -> Vec<(u32, u64)> {
    o.final_state
        .consumers
        .iter()
        .find(|c| c.id == consumer)
        .expect("consumer exists")
        .positions
        .iter()
        .map(|p| (p.partition, p.offset))
        .collect()
}

/// Committed offsets of a group: (partition, offset).
pub fn committed(o: &Output, group: &str) -> Vec<(u32, u64)> {
    o.final_state
        .groups
        .iter()
        .find(|g| g.group_id == group)
        .expect("group exists")
        .committed
        .iter()
        .map(|p| (p.partition, p.offset))
        .collect()
}

/// Offsets of the log of partition `p` of `orders` with their values.
pub fn log(o: &Output, p: u32) -> Vec<(u64, String)> {
    o.final_state
        .partitions
        .iter()
        .find(|x| x.topic == "orders" && x.partition == p)
        .expect("partition exists")
        .log
        .iter()
        .map(|e| (e.offset, e.value.clone().unwrap_or_default()))
        .collect()
}

/// Labels per value, in ledger order.
pub fn labels(o: &Output) -> Vec<(String, Vec<Label>)> {
    o.ledger
        .iter()
        .map(|l| (l.value.clone(), l.labels.clone()))
        .collect()
}

pub fn labels_of(o: &Output, i: u32) -> Vec<Label> {
    let v = order(i);
    o.ledger
        .iter()
        .find(|l| l.value == v)
        .map(|l| l.labels.clone())
        .unwrap_or_default()
}

pub fn step_errors(o: &Output) -> Vec<(usize, String)> {
    o.steps
        .iter()
        .filter(|s| !s.ok)
        .map(|s| (s.index, s.error.clone().unwrap_or_default()))
        .collect()
}

pub fn all_events(o: &Output) -> Vec<String> {
    o.steps
        .iter()
        .flat_map(|s| s.events.iter().cloned())
        .collect()
}
