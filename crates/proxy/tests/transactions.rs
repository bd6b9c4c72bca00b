//! Transactions on the real broker: the conformance case of rust-rdkafka's `test_transactions.rs` (offsets
//! sent in a transaction, 10 records, abort) and zombie fencing (T1).

mod common;

use common::{bootstrap, events, test_config, Proxy};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t5_t7_c8_abort_hides_ten_records_from_read_committed_and_keeps_the_committed_offset() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let consumer = |id: &str, group: &str, topic: &str, isolation: &str| {
        json!({ "id": id, "subscribe": [topic], "config": {
            "group.id": group, "enable.auto.commit": false, "auto.offset.reset": "earliest",
            "isolation.level": isolation } })
    };
    let id = proxy
        .session(&json!({
            "flavor": "java",
            "client": "librdkafka",
            "topics": [{ "name": "input" }, { "name": "output" }],
            "producers": [
                { "id": "seed" },
                { "id": "tx", "config": { "transactional.id": "copier" } }
            ],
            "consumers": [
                consumer("reader", "copiers", "input", "read_committed"),
                consumer("committed", "audit-rc", "output", "read_committed"),
                consumer("uncommitted", "audit-ru", "output", "read_uncommitted")
            ],
            "steps": []
        }))
        .await;
    let step = |s: Value| proxy.step(&id, s);
    assert_eq!(
        step(json!({"actor": "seed", "op": "send", "topic": "input", "value": "in-0"})).await["ok"],
        true
    );
    let flush = step(json!({"actor": "seed", "op": "flush"})).await;
    assert!(events(&flush).contains("delivered input[0]@0"), "{flush}");
    let poll = step(json!({"actor": "reader", "op": "poll"})).await;
    assert!(events(&poll).contains("offset 0 of input[0]"), "{poll}");
    for op in ["init_transactions", "begin_transaction"] {
        let s = step(json!({"actor": "tx", "op": op})).await;
        assert_eq!(s["ok"], true, "{s}");
    }
    for i in 0..10 {
        step(json!({"actor": "tx", "op": "send", "topic": "output", "value": format!("out-{i}")}))
            .await;
    }
    // The records leave the producer at flush (an abort drops what was never sent).
    let flush = step(json!({"actor": "tx", "op": "flush"})).await;
    assert!(events(&flush).contains("delivered output[0]@9"), "{flush}");
    let sent =
        step(json!({"actor": "tx", "op": "send_offsets_to_transaction", "consumer": "reader"}))
            .await;
    assert_eq!(sent["ok"], true, "{sent}");
    assert!(events(&sent).contains("input[0]→1"), "{sent}");
    let abort = step(json!({"actor": "tx", "op": "abort_transaction"})).await;
    assert_eq!(abort["ok"], true, "{abort}");

    let ru = step(json!({"actor": "uncommitted", "op": "poll"})).await;
    assert_eq!(
        ru["events"].as_array().map(Vec::len),
        Some(10),
        "read_uncommitted sees all 10: {ru}"
    );
    let rc = step(json!({"actor": "committed", "op": "poll"})).await;
    assert!(
        events(&rc).contains("no record"),
        "read_committed sees none: {rc}"
    );

    let state = proxy.state(&id).await;
    let f = &state["final"];
    let output = f["partitions"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["topic"] == "output"))
        .expect("the output partition");
    let log = output["log"].as_array().expect("a log");
    assert_eq!(log.len(), 11, "10 records and the abort marker: {output}");
    assert!(
        log[..10]
            .iter()
            .all(|e| e["transaction"] == "aborted" && e["kind"] == "record"),
        "{output}"
    );
    assert_eq!(log[10]["kind"], "abort_marker");
    assert_eq!(output["high_watermark"], 11);
    assert_eq!(output["last_stable_offset"], 11);
    // The offsets sent in the aborted transaction were thrown away: the group still has none.
    let copiers = f["groups"]
        .as_array()
        .and_then(|g| g.iter().find(|g| g["group_id"] == "copiers"));
    assert_eq!(
        copiers.map(|g| g["committed"].clone()),
        Some(json!([])),
        "{f}"
    );
    let tx = &f["producers"][1];
    assert_eq!(tx["state"], "ready");
    assert_eq!(tx["transactional_id"], "copier");
    assert_eq!(tx["transaction_state"], "CompleteAbort", "{tx}");
    assert!(tx["producer_id"].is_u64(), "{tx}");
    proxy.delete(&id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn t1_a_second_instance_of_a_transactional_id_fences_the_first() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let tx = json!({ "transactional.id": "payments" });
    let id = proxy
        .session(&json!({
            "client": "librdkafka",
            "topics": [{ "name": "orders" }],
            "producers": [{ "id": "old", "config": tx }, { "id": "new", "config": tx }],
            "steps": []
        }))
        .await;
    let step = |s: Value| proxy.step(&id, s);
    step(json!({"actor": "old", "op": "init_transactions"})).await;
    step(json!({"actor": "old", "op": "begin_transaction"})).await;
    step(json!({"actor": "old", "op": "send", "topic": "orders", "value": "zombie"})).await;
    step(json!({"actor": "old", "op": "flush"})).await;
    let init = step(json!({"actor": "new", "op": "init_transactions"})).await;
    assert_eq!(init["ok"], true, "{init}");
    let commit = step(json!({"actor": "old", "op": "commit_transaction"})).await;
    assert_eq!(commit["ok"], false, "{commit}");
    assert_eq!(commit["error"], "ProducerFenced", "{commit}");

    let f = proxy.state(&id).await["final"].clone();
    assert_eq!(f["producers"][0]["state"], "fenced", "{f}");
    assert_eq!(f["producers"][1]["state"], "ready", "{f}");
    // T2: the new instance's init aborted the zombie's open transaction.
    let log = f["partitions"][0]["log"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(log[0]["value"], "zombie");
    assert_eq!(log[0]["transaction"], "aborted", "{f}");
    proxy.delete(&id).await;
}
