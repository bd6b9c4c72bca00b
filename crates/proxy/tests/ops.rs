//! Every op of the scenario contract on the real broker, through the HTTP API.

mod common;

use common::{bootstrap, events, test_config, Proxy};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

fn consumer(id: &str, group: &str, extra: Value) -> Value {
    let mut config =
        json!({ "group.id": group, "enable.auto.commit": false, "auto.offset.reset": "earliest" });
    if let (Some(c), Some(e)) = (config.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    json!({ "id": id, "subscribe": ["orders"], "config": config })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producer_and_consumer_ops_run_on_real_clients() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let id = proxy
        .session(&json!({
            "client": "librdkafka",
            "topics": [{ "name": "orders" }, { "name": "multi", "partitions": 2 }],
            "producers": [
                { "id": "producer", "config": { "enable.idempotence": true, "acks": "all" } },
                { "id": "plain", "config": { "enable.idempotence": false } }
            ],
            "consumers": [consumer("worker", "g1", json!({}))],
            "steps": []
        }))
        .await;
    let step = |s: Value| proxy.step(&id, s);

    // send holds the record in the producer; flush delivers it.
    let send =
        step(json!({"actor": "producer", "op": "send", "topic": "orders", "value": "o-0"})).await;
    assert!(
        events(&send).contains("waits in the producer until flush"),
        "{send}"
    );
    step(json!({"actor": "producer", "op": "send", "topic": "orders", "value": "o-1"})).await;
    step(json!({"actor": "producer", "op": "send", "topic": "multi", "partition": 1, "key": "k", "value": "m"})).await;
    let flush = step(json!({"actor": "producer", "op": "flush"})).await;
    assert_eq!(flush["ok"], true, "{flush}");
    for d in [
        "delivered orders[0]@0",
        "delivered orders[0]@1",
        "delivered multi[1]@0",
    ] {
        assert!(events(&flush).contains(d), "{d}: {flush}");
    }
    step(json!({"actor": "plain", "op": "send", "topic": "orders", "value": "p-0"})).await;
    assert!(
        events(&step(json!({"actor": "plain", "op": "flush"})).await)
            .contains("delivered orders[0]@2")
    );

    // poll yields one record (kafka-python); process writes it; nothing left to process is IllegalState.
    let poll = step(json!({"actor": "worker", "op": "poll"})).await;
    assert!(
        events(&poll).contains("poll returned offset 0 of orders[0]: \"o-0\""),
        "{poll}"
    );
    assert_eq!(
        step(json!({"actor": "worker", "op": "process"})).await["ok"],
        true
    );
    let nothing = step(json!({"actor": "worker", "op": "process"})).await;
    assert_eq!(
        (nothing["ok"].clone(), nothing["error"].clone()),
        (json!(false), json!("IllegalState"))
    );
    assert!(events(&step(json!({"actor": "worker", "op": "poll"})).await).contains("offset 1"));
    let failed = step(json!({"actor": "worker", "op": "process", "fail": true})).await;
    assert!(
        events(&failed).contains("raised; nothing was written"),
        "{failed}"
    );
    // C3: commit() commits the position, past the failed record too.
    let commit = step(json!({"actor": "worker", "op": "commit"})).await;
    assert!(events(&commit).contains("orders[0]→2"), "{commit}");
    let seek = step(
        json!({"actor": "worker", "op": "seek", "topic": "orders", "partition": 0, "offset": 0}),
    )
    .await;
    assert_eq!(seek["ok"], true, "{seek}");
    assert!(
        events(&step(json!({"actor": "worker", "op": "poll"})).await)
            .contains("offset 0 of orders[0]")
    );
    let explicit = step(json!({"actor": "worker", "op": "commit",
        "offsets": [{"topic": "orders", "partition": 0, "offset": 1}]}))
    .await;
    assert!(events(&explicit).contains("orders[0]→1"), "{explicit}");

    // Faults a client cannot cause on a real cluster are refused, never pretended.
    for fault in [
        json!({"actor": "producer", "op": "lose_next_ack"}),
        json!({"actor": "producer", "op": "lose_next_request"}),
        json!({"op": "crash_broker", "broker": 0}),
        json!({"op": "restart_broker", "broker": 0}),
        json!({"op": "pause_replication"}),
        json!({"op": "resume_replication"}),
    ] {
        let s = step(fault.clone()).await;
        assert_eq!(
            (s["ok"].clone(), s["error"].clone()),
            (json!(false), json!("Unsupported")),
            "{fault}: {s}"
        );
        assert!(!events(&s).is_empty());
    }
    let advance = step(json!({"op": "advance", "ms": 50})).await;
    assert!(events(&advance).contains("waited 50 ms"), "{advance}");
    let capped = step(json!({"op": "advance", "ms": 45000})).await;
    assert!(events(&capped).contains("at most 2000 ms"), "{capped}");

    // A crashed producer loses what it held; it is dead until restarted.
    step(json!({"actor": "producer", "op": "send", "topic": "orders", "value": "lost"})).await;
    let crash = step(json!({"actor": "producer", "op": "crash"})).await;
    assert!(
        events(&crash).contains("1 record(s) still in it were lost"),
        "{crash}"
    );
    let dead =
        step(json!({"actor": "producer", "op": "send", "topic": "orders", "value": "x"})).await;
    assert_eq!(dead["error"], "IllegalState", "{dead}");
    assert_eq!(
        step(json!({"actor": "producer", "op": "restart"})).await["ok"],
        true
    );
    step(json!({"actor": "producer", "op": "send", "topic": "orders", "value": "o-3"})).await;
    assert!(
        events(&step(json!({"actor": "producer", "op": "flush"})).await)
            .contains("delivered orders[0]@3")
    );

    // close leaves cleanly; a closed consumer cannot poll; restart brings a new instance.
    assert_eq!(
        step(json!({"actor": "worker", "op": "close"})).await["ok"],
        true
    );
    assert_eq!(
        step(json!({"actor": "worker", "op": "poll"})).await["error"],
        "IllegalState"
    );
    assert_eq!(
        step(json!({"actor": "worker", "op": "restart"})).await["ok"],
        true
    );

    let state = proxy.state(&id).await;
    let f = &state["final"];
    assert_eq!(
        state["database"],
        json!([{ "consumer": "worker", "group_id": "g1", "topic": "orders", "partition": 0, "offset": 0, "value": "o-0" }])
    );
    assert_eq!(
        f["groups"][0]["committed"],
        json!([{ "topic": "orders", "partition": 0, "offset": 1 }])
    );
    let orders: Vec<Value> = f["partitions"][0]["log"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let values: Vec<&str> = orders.iter().filter_map(|e| e["value"].as_str()).collect();
    assert_eq!(values, ["o-0", "o-1", "p-0", "o-3"]);
    assert_eq!(
        orders[2]["producer_id"],
        Value::Null,
        "no idempotence, no producer id"
    );
    assert_ne!(
        orders[0]["producer_id"], orders[3]["producer_id"],
        "P1: a restarted producer has a new PID"
    );
    assert_eq!(f["producers"][0]["producer_id"], orders[3]["producer_id"]);
    assert_eq!(f["producers"][1]["producer_id"], Value::Null);
    assert_eq!(f["consumers"][0]["state"], "running");
    let unknown: Vec<&str> = state["unknown"]
        .as_array()
        .map(|u| u.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(unknown.contains(&"groups[0].pending"), "{unknown:?}");
    assert!(
        !unknown.iter().any(|u| u.starts_with("producers")),
        "{unknown:?}"
    );
    proxy.delete(&id).await;
    let (status, _) = proxy
        .call("GET", &format!("/v1/sessions/{id}/state"), None)
        .await;
    assert_eq!(status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c6_a_crashed_consumer_keeps_its_partitions_until_its_session_times_out() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let id = proxy
        .session(&json!({
            "client": "librdkafka",
            "topics": [{ "name": "orders" }],
            "producers": [{ "id": "producer" }],
            // Longer than a poll's longest wait (for a first record, then for joining), so the first poll
            // after the restart surely ends before the dead member times out.
            "consumers": [consumer("worker", "g", json!({ "session.timeout.ms": 10000 }))],
            "steps": []
        }))
        .await;
    let step = |s: Value| proxy.step(&id, s);
    step(json!({"actor": "producer", "op": "send", "topic": "orders", "value": "o-0"})).await;
    step(json!({"actor": "producer", "op": "flush"})).await;
    assert!(events(&step(json!({"actor": "worker", "op": "poll"})).await).contains("offset 0"));
    let crash = step(json!({"actor": "worker", "op": "crash"})).await;
    assert!(
        events(&crash).contains("without leaving group g"),
        "{crash}"
    );
    step(json!({"actor": "worker", "op": "restart"})).await;
    // The dead member still holds the partition: the new instance gets nothing at first.
    let first = step(json!({"actor": "worker", "op": "poll"})).await;
    assert!(events(&first).contains("no record"), "{first}");
    // After session.timeout.ms the group rebalances and, with nothing committed, offset 0 comes again.
    let mut again = Value::Null;
    for _ in 0..6 {
        again = step(json!({"actor": "worker", "op": "poll"})).await;
        if events(&again).contains("offset 0") {
            break;
        }
    }
    assert!(events(&again).contains("offset 0 of orders[0]"), "{again}");
    proxy.delete(&id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn step_errors_name_the_sessions_step_index_and_run_does_a_whole_scenario() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let scenario = json!({
        "client": "librdkafka",
        "topics": [{ "name": "orders" }],
        "producers": [{ "id": "producer" }],
        "consumers": [consumer("worker", "g", json!({}))],
        "steps": [
            { "actor": "producer", "op": "send", "topic": "orders", "value": "a" },
            { "actor": "producer", "op": "flush" },
            { "actor": "worker", "op": "poll" },
            { "actor": "worker", "op": "process" }
        ]
    });
    let id = proxy.session(&scenario).await;
    proxy.step(&id, json!({"op": "advance", "ms": 1})).await;
    let (status, body) = proxy
        .call(
            "POST",
            &format!("/v1/sessions/{id}/steps"),
            Some(&json!({"actor": "worker", "op": "jump"})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["path"], "step 1: field \"op\"", "{body}");
    proxy.delete(&id).await;

    let (status, run) = proxy.call("POST", "/v1/run", Some(&scenario)).await;
    assert_eq!(status, 200, "{run}");
    let ops: Vec<&str> = run["steps"]
        .as_array()
        .map(|s| s.iter().filter_map(|s| s["op"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ops, ["send", "flush", "poll", "process"]);
    assert_eq!(run["database"][0]["value"], "a", "{run}");
    assert_eq!(run["final"]["partitions"][0]["high_watermark"], 1);
    assert!(run["unknown"]
        .as_array()
        .is_some_and(|u| u.contains(&json!("brokers"))));

    // A replication factor the one-broker cluster cannot hold is refused, naming it.
    let (status, body) = proxy
        .call(
            "POST",
            "/v1/run",
            Some(&json!({ "client": "librdkafka", "topics": [{ "name": "big", "replication.factor": 3 }], "steps": [] })),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or("")
            .contains("replication.factor 3"),
        "{body}"
    );
}
