//! The proxy on the real clients of the course, through the HTTP API: each flavor's scenario runs on its own
//! client by default (kafka-python or Java, each client instance in a driver process of its own), or on the
//! client the request names.

mod common;

use common::{bootstrap, events, test_config, Proxy};
use pretty_assertions::assert_eq;
use serde_json::{json, Value};

fn consumer(id: &str, group: &str, topic: &str, extra: Value) -> Value {
    let mut config =
        json!({ "group.id": group, "enable.auto.commit": false, "auto.offset.reset": "earliest" });
    if let (Some(c), Some(e)) = (config.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    json!({ "id": id, "subscribe": [topic], "config": config })
}

/// Creates a session and returns its id and the client it runs on.
async fn session(proxy: &Proxy, scenario: &Value) -> (String, Value) {
    let (status, body) = proxy.call("POST", "/v1/sessions", Some(scenario)).await;
    assert_eq!(status, 201, "creating a session: {body}");
    (
        body["session"].as_str().unwrap().to_owned(),
        body["client"].clone(),
    )
}

fn ok(step: &Value) -> bool {
    step["ok"] == true
}

/// The library a flavor's scenario runs on by default.
fn own_client(flavor: &str) -> &'static str {
    match flavor {
        "java" => "kafka-clients",
        _ => "kafka-python",
    }
}

async fn send_flush_poll_process_commit(flavor: &str) {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let (id, client) = session(
        &proxy,
        &json!({
            "flavor": flavor,
            "topics": [{ "name": "orders" }],
            "producers": [{ "id": "producer" }],
            "consumers": [consumer("worker", "g", "orders", json!({}))],
            "steps": []
        }),
    )
    .await;
    assert_eq!(client["name"], own_client(flavor), "{client}");
    let step = |s: Value| proxy.step(&id, s);
    for value in ["o-0", "o-1"] {
        let send =
            step(json!({"actor": "producer", "op": "send", "topic": "orders", "value": value}))
                .await;
        assert!(ok(&send), "{send}");
    }
    let flush = step(json!({"actor": "producer", "op": "flush"})).await;
    // The client may have sent a record before the flush (its own linger); the flush reports what finished.
    assert!(ok(&flush), "{flush}");
    let poll = step(json!({"actor": "worker", "op": "poll"})).await;
    assert!(
        events(&poll).contains("poll returned offset 0 of orders[0]: \"o-0\""),
        "{poll}"
    );
    // C1: kafka-python's iterator hands out one record, Java's poll the batch.
    assert_eq!(
        events(&poll).contains("offset 1"),
        flavor == "java",
        "{poll}"
    );
    assert!(ok(&step(json!({"actor": "worker", "op": "process"})).await));
    if flavor != "java" {
        step(json!({"actor": "worker", "op": "poll"})).await;
    }
    assert!(ok(&step(json!({"actor": "worker", "op": "process"})).await));
    let nothing = step(json!({"actor": "worker", "op": "process"})).await;
    assert_eq!(nothing["error"], "IllegalState", "{nothing}");
    let commit = step(json!({"actor": "worker", "op": "commit"})).await;
    assert!(ok(&commit), "{commit}");
    let state = proxy.state(&id).await;
    let at = |offset: u64| json!([{"topic": "orders", "partition": 0, "offset": offset}]);
    assert_eq!(state["final"]["groups"][0]["committed"], at(2), "{state}");
    assert_eq!(
        state["final"]["consumers"][0]["positions"],
        at(2),
        "{state}"
    );
    let values: Vec<&Value> = state["database"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["value"])
        .collect();
    assert_eq!(values, [&json!("o-0"), &json!("o-1")]);
    let log = &state["final"]["partitions"][0]["log"];
    assert_eq!(log.as_array().map(Vec::len), Some(2), "{log}");
    proxy.delete(&id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_python_sends_flushes_polls_one_record_processes_and_commits() {
    send_flush_poll_process_commit("kafka-python").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn java_sends_flushes_polls_a_batch_processes_and_commits() {
    send_flush_poll_process_commit("java").await;
}

async fn a_crashed_consumer_resumes_at_the_committed_offset(flavor: &str) {
    let mut config = test_config(&bootstrap());
    config.max_advance_ms = 10_000;
    let proxy = Proxy::start(config).await;
    let (id, _) = session(
        &proxy,
        &json!({
            "flavor": flavor,
            "topics": [{ "name": "orders" }],
            "producers": [{ "id": "producer" }],
            "consumers": [consumer("worker", "g", "orders", json!({"session.timeout.ms": 3000, "heartbeat.interval.ms": 1000}))],
            "steps": []
        }),
    )
    .await;
    let step = |s: Value| proxy.step(&id, s);
    for value in ["o-0", "o-1", "o-2"] {
        step(json!({"actor": "producer", "op": "send", "topic": "orders", "value": value})).await;
    }
    step(json!({"actor": "producer", "op": "flush"})).await;
    let poll = step(json!({"actor": "worker", "op": "poll"})).await;
    assert!(events(&poll).contains("offset 0 of orders[0]"), "{poll}");
    step(json!({"actor": "worker", "op": "process"})).await;
    let commit = step(json!({"actor": "worker", "op": "commit",
                             "offsets": [{"topic": "orders", "partition": 0, "offset": 1}]}))
    .await;
    assert!(ok(&commit), "{commit}");
    let crash = step(json!({"actor": "worker", "op": "crash"})).await;
    assert!(ok(&crash), "{crash}");
    let state = proxy.state(&id).await;
    assert_eq!(state["final"]["consumers"][0]["state"], "crashed");
    // The killed process never left the group: the restarted one waits for its session to time out.
    assert!(ok(&step(json!({"actor": "worker", "op": "restart"})).await));
    step(json!({"op": "advance", "ms": 3500})).await;
    let poll = step(json!({"actor": "worker", "op": "poll"})).await;
    assert!(
        events(&poll).contains("poll returned offset 1 of orders[0]: \"o-1\""),
        "{poll}"
    );
    assert!(!events(&poll).contains("offset 0"), "{poll}");
    let state = proxy.state(&id).await;
    assert_eq!(state["final"]["consumers"][0]["state"], "running");
    proxy.delete(&id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_python_consumer_killed_and_restarted_resumes_at_the_committed_offset() {
    a_crashed_consumer_resumes_at_the_committed_offset("kafka-python").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn java_consumer_killed_and_restarted_resumes_at_the_committed_offset() {
    a_crashed_consumer_resumes_at_the_committed_offset("java").await;
}

async fn a_transaction_commits_with_offsets_and_another_aborts(flavor: &str) {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let (id, _) = session(
        &proxy,
        &json!({
            "flavor": flavor,
            "topics": [{ "name": "input" }, { "name": "output" }],
            "producers": [
                { "id": "seed" },
                { "id": "tx", "config": { "transactional.id": "copier" } }
            ],
            "consumers": [
                consumer("reader", "copiers", "input", json!({})),
                consumer("audit", "audit", "output", json!({"isolation.level": "read_committed"}))
            ],
            "steps": []
        }),
    )
    .await;
    let step = |s: Value| proxy.step(&id, s);
    step(json!({"actor": "seed", "op": "send", "topic": "input", "value": "in-0"})).await;
    step(json!({"actor": "seed", "op": "flush"})).await;
    let poll = step(json!({"actor": "reader", "op": "poll"})).await;
    assert!(events(&poll).contains("offset 0 of input[0]"), "{poll}");
    for op in ["init_transactions", "begin_transaction"] {
        let s = step(json!({"actor": "tx", "op": op})).await;
        assert!(ok(&s), "{s}");
    }
    step(json!({"actor": "tx", "op": "send", "topic": "output", "value": "out-0"})).await;
    let sent =
        step(json!({"actor": "tx", "op": "send_offsets_to_transaction", "consumer": "reader"}))
            .await;
    assert!(ok(&sent), "{sent}");
    assert!(events(&sent).contains("input[0]→1"), "{sent}");
    let commit = step(json!({"actor": "tx", "op": "commit_transaction"})).await;
    assert!(ok(&commit), "{commit}");
    step(json!({"actor": "tx", "op": "begin_transaction"})).await;
    step(json!({"actor": "tx", "op": "send", "topic": "output", "value": "out-1"})).await;
    let flush = step(json!({"actor": "tx", "op": "flush"})).await;
    assert!(events(&flush).contains("delivered output[0]@2"), "{flush}");
    let abort = step(json!({"actor": "tx", "op": "abort_transaction"})).await;
    assert!(ok(&abort), "{abort}");
    // read_committed: the committed record only.
    let poll = step(json!({"actor": "audit", "op": "poll"})).await;
    assert!(events(&poll).contains("\"out-0\""), "{poll}");
    assert!(!events(&poll).contains("out-1"), "{poll}");
    let state = proxy.state(&id).await;
    let f = &state["final"];
    assert_eq!(
        f["groups"][0]["committed"],
        json!([{"topic": "input", "partition": 0, "offset": 1}])
    );
    let kinds: Vec<(&Value, &Value)> = f["partitions"][1]["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (&e["kind"], &e["transaction"]))
        .collect();
    assert_eq!(
        kinds,
        [
            (&json!("record"), &json!("committed")),
            (&json!("commit_marker"), &json!("committed")),
            (&json!("record"), &json!("aborted")),
            (&json!("abort_marker"), &json!("aborted")),
        ],
        "{f}"
    );
    assert_eq!(f["transactions"][0]["state"], "CompleteAbort");
    assert_eq!(f["producers"][1]["state"], "ready");
    proxy.delete(&id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_python_commits_a_transaction_with_offsets_and_aborts_another() {
    a_transaction_commits_with_offsets_and_another_aborts("kafka-python").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn java_commits_a_transaction_with_offsets_and_aborts_another() {
    a_transaction_commits_with_offsets_and_another_aborts("java").await;
}

/// The Java client's 5 ms linger runs on the scenario's clock: a record handed over a real second before the
/// abort (a learner's pause) is still dropped, and one that waited out the linger in an `advance` is sent and
/// written as aborted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn java_linger_counts_scenario_time_not_real_time() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let (id, _) = session(
        &proxy,
        &json!({
            "flavor": "java",
            "topics": [{ "name": "output" }],
            "producers": [{ "id": "tx", "config": { "transactional.id": "lingering" } }],
            "steps": []
        }),
    )
    .await;
    let step = |s: Value| proxy.step(&id, s);
    for op in ["init_transactions", "begin_transaction"] {
        assert!(ok(&step(json!({"actor": "tx", "op": op})).await));
    }
    step(json!({"actor": "tx", "op": "send", "topic": "output", "value": "waited"})).await;
    let advance = step(json!({"op": "advance", "ms": 5})).await;
    assert!(
        events(&advance).contains("delivered output[0]@0"),
        "{advance}"
    );
    step(json!({"actor": "tx", "op": "send", "topic": "output", "value": "held"})).await;
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    let abort = step(json!({"actor": "tx", "op": "abort_transaction"})).await;
    assert!(ok(&abort), "{abort}");
    let state = proxy.state(&id).await;
    let log: Vec<(&Value, &Value)> = state["final"]["partitions"][0]["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (&e["kind"], &e["value"]))
        .collect();
    assert_eq!(
        log,
        [
            (&json!("record"), &json!("waited")),
            (&json!("abort_marker"), &Value::Null),
        ],
        "{state}"
    );
    proxy.delete(&id).await;
}

/// Instance `a` is fenced by `b`'s init_transactions() while its transaction is open; its flush fails with
/// InvalidProducerEpoch in both clients; the commit that follows answers what `commit_errors` lists.
async fn a_zombie_is_fenced(flavor: &str, commit_errors: &[&str]) {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let (id, _) = session(
        &proxy,
        &json!({
            "flavor": flavor,
            "topics": [{ "name": "results" }],
            "producers": [
                { "id": "a", "config": { "transactional.id": "order-processor-tx" } },
                { "id": "b", "config": { "transactional.id": "order-processor-tx" } }
            ],
            "steps": []
        }),
    )
    .await;
    let step = |s: Value| proxy.step(&id, s);
    for s in [
        json!({"actor": "a", "op": "init_transactions"}),
        json!({"actor": "a", "op": "begin_transaction"}),
        json!({"actor": "a", "op": "send", "topic": "results", "value": "1"}),
        json!({"actor": "a", "op": "flush"}),
        json!({"actor": "b", "op": "init_transactions"}),
        json!({"actor": "a", "op": "send", "topic": "results", "value": "2"}),
    ] {
        let answer = step(s.clone()).await;
        assert!(ok(&answer), "{s}: {answer}");
    }
    let flush = step(json!({"actor": "a", "op": "flush"})).await;
    assert_eq!(flush["error"], "InvalidProducerEpoch", "{flush}");
    let commit = step(json!({"actor": "a", "op": "commit_transaction"})).await;
    let error = commit["error"].as_str().unwrap_or_default();
    assert!(commit_errors.contains(&error), "{commit}");
    let state = proxy.state(&id).await;
    let f = &state["final"];
    assert_eq!(f["producers"][0]["state"], "fenced", "{f}");
    assert_eq!(f["producers"][1]["state"], "ready", "{f}");
    // b's init aborted a's open transaction: record 1 is aborted behind an abort marker.
    let log: Vec<&Value> = f["partitions"][0]["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["transaction"])
        .collect();
    assert_eq!(log, [&json!("aborted"), &json!("aborted")], "{f}");
    proxy.delete(&id).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kafka_python_zombie_is_fenced_by_a_new_instance() {
    // kafka-python bumps its own epoch after the refusal: the commit is an illegal transition while it is at
    // it, ProducerFenced once the broker refused the bump.
    a_zombie_is_fenced("kafka-python", &["IllegalState", "ProducerFenced"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn java_zombie_is_fenced_by_a_new_instance() {
    a_zombie_is_fenced("java", &["InvalidProducerEpoch"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_can_name_librdkafka_and_an_unknown_client_is_refused() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let scenario = |client: &str| {
        json!({
            "client": client,
            "flavor": "java",
            "topics": [{ "name": "orders" }],
            "producers": [{ "id": "producer" }],
            "steps": [
                {"actor": "producer", "op": "send", "topic": "orders", "value": "o-0"},
                {"actor": "producer", "op": "flush"},
                {"actor": "producer", "op": "lose_next_ack"}
            ]
        })
    };
    let (status, run) = proxy
        .call("POST", "/v1/run", Some(&scenario("librdkafka")))
        .await;
    assert_eq!(status, 200, "{run}");
    assert_eq!(run["client"]["name"], "librdkafka");
    assert!(
        events(&run["steps"][0]).contains("waits in the producer until flush"),
        "{run}"
    );
    assert!(events(&run["steps"][1]).contains("delivered orders[0]@0"));
    let (status, run) = proxy.call("POST", "/v1/run", Some(&scenario("java"))).await;
    assert_eq!(status, 200, "{run}");
    assert_eq!(
        (&run["client"]["name"], &run["steps"][1]["ok"]),
        (&json!("kafka-clients"), &json!(true)),
        "{run}"
    );
    // A fault a client cannot cause is unsupported on every client.
    assert_eq!(run["steps"][2]["error"], "Unsupported", "{run}");
    for path in ["/v1/run", "/v1/sessions"] {
        let (status, body) = proxy.call("POST", path, Some(&scenario("rdkafka"))).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["path"], "client");
        assert_eq!(
            body["error"],
            "client: unknown client \"rdkafka\" (expected one of: \"kafka-python\", \"java\", \"librdkafka\")"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configuration_the_client_refuses_is_every_op_s_answer() {
    let proxy = Proxy::start(test_config(&bootstrap())).await;
    let (status, run) = proxy
        .call(
            "POST",
            "/v1/run",
            Some(&json!({
                "flavor": "kafka-python",
                "topics": [{ "name": "orders" }],
                // kafka-python refuses idempotence asked for with acks=1 (P5).
                "producers": [{ "id": "p", "config": { "enable.idempotence": true, "acks": "1" } }],
                "steps": [{"actor": "p", "op": "send", "topic": "orders", "value": "o-0"}]
            })),
        )
        .await;
    assert_eq!(status, 200, "{run}");
    assert_eq!(run["steps"][0]["error"], "ConfigException", "{run}");
    assert_eq!(run["final"]["producers"][0]["state"], "error", "{run}");
}
