//! A broker that stops and restarts during a session: the proxy answers 502 while it is down, stays up, and
//! works again when it is back. Runs on a private broker, never on the shared one.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::{bootstrap, broker_script, events, remove_brokers, test_config, Proxy};
use serde_json::{json, Value};

/// A broker of this test's own, stopped when the test ends however it ends.
struct PrivateBroker {
    dir: PathBuf,
}

impl PrivateBroker {
    fn run(&self, verb: &str) -> String {
        broker_script(&[verb, self.dir.to_str().unwrap()])
    }

    /// A broker of its own for the test `name` (the tests of this file run at once).
    fn start(name: &str) -> (PrivateBroker, String) {
        let dir =
            std::env::temp_dir().join(format!("kdl-proxy-outage-{}-{name}", std::process::id()));
        let broker = PrivateBroker { dir };
        let address = broker.run("start");
        let address = address.lines().last().unwrap_or_default().to_owned();
        (broker, address)
    }
}

impl Drop for PrivateBroker {
    fn drop(&mut self) {
        remove_brokers(&self.dir);
    }
}

async fn wait_reachable(proxy: &Proxy, want: bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, health) = proxy.call("GET", "/v1/health", None).await;
        if health["broker_reachable"] == want || Instant::now() > deadline {
            return health;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_broker_stopping_and_restarting_gives_502_then_the_session_works_again() {
    // The suite needs the shared broker too; fail the same clear way when it is missing.
    let _ = bootstrap();
    let (broker, address) = PrivateBroker::start("restart");
    let mut config = test_config(&address);
    config.kafka_timeout = Duration::from_secs(3);
    config.poll_wait = Duration::from_secs(1);
    let proxy = Proxy::start(config).await;
    let id = proxy
        .session(&json!({
            "client": "librdkafka",
            "topics": [{ "name": "orders" }],
            "producers": [{ "id": "producer", "config": { "enable.idempotence": true } }],
            "steps": []
        }))
        .await;
    proxy
        .step(
            &id,
            json!({"actor": "producer", "op": "send", "topic": "orders", "value": "before"}),
        )
        .await;
    assert!(events(
        &proxy
            .step(&id, json!({"actor": "producer", "op": "flush"}))
            .await
    )
    .contains("orders[0]@0"));

    broker.run("stop");
    let health = wait_reachable(&proxy, false).await;
    assert_eq!(health["broker_reachable"], false, "{health}");
    assert!(
        health["error"]
            .as_str()
            .unwrap_or("")
            .contains("cannot be reached"),
        "{health}"
    );
    proxy
        .step(
            &id,
            json!({"actor": "producer", "op": "send", "topic": "orders", "value": "during"}),
        )
        .await;
    let (status, body) = proxy
        .call(
            "POST",
            &format!("/v1/sessions/{id}/steps"),
            Some(&json!({"actor": "producer", "op": "flush"})),
        )
        .await;
    assert!(status == 502 || status == 504, "{status} {body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("cannot be reached") || e.contains("timed out")),
        "{body}"
    );
    let (status, body) = proxy
        .call("GET", &format!("/v1/sessions/{id}/state"), None)
        .await;
    assert!(status == 502 || status == 504, "{status} {body}");

    broker.run("restart");
    let health = wait_reachable(&proxy, true).await;
    assert_eq!(health["broker_reachable"], true, "{health}");
    // The record held during the outage goes out now, after the one before it.
    let mut flush = Value::Null;
    for _ in 0..5 {
        let (status, body) = proxy
            .call(
                "POST",
                &format!("/v1/sessions/{id}/steps"),
                Some(&json!({"actor": "producer", "op": "flush"})),
            )
            .await;
        flush = body;
        if status == 200 {
            break;
        }
    }
    assert!(
        events(&flush).contains("delivered orders[0]@1")
            || events(&flush).contains("nothing to send"),
        "{flush}"
    );
    let state = proxy.state(&id).await;
    let values: Vec<Value> = state["final"]["partitions"][0]["log"]
        .as_array()
        .map(|l| l.iter().map(|e| e["value"].clone()).collect())
        .unwrap_or_default();
    assert_eq!(values, [json!("before"), json!("during")], "{state}");
    proxy.delete(&id).await;
}

/// Topics and groups on the cluster whose names start with `prefix`; an error while the broker is still
/// loading its groups (CoordinatorLoadInProgress) says so.
fn names_on_cluster(bootstrap: &str, prefix: &str) -> Result<Vec<String>, String> {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let client: BaseConsumer = rdkafka::ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("log_level", "3")
        .create()
        .expect("a client for looking");
    let timeout = Duration::from_secs(5);
    let topics = client
        .fetch_metadata(None, timeout)
        .map_err(|e| e.to_string())?;
    let groups = client
        .fetch_group_list(None, timeout)
        .map_err(|e| e.to_string())?;
    Ok(topics
        .topics()
        .iter()
        .map(|t| t.name().to_owned())
        .chain(groups.groups().iter().map(|g| g.name().to_owned()))
        .filter(|n| n.starts_with(prefix))
        .collect())
}

/// The proxy's own session prefix for a session id.
fn prefix_of(id: &str) -> String {
    format!("{}{id}-", kafka_proxy::scope::PREFIX_ROOT)
}

/// A session whose consumer group has committed, ended while the broker is down: the proxy lives on when the
/// broker is back (librdkafka's admin client used to abort the process then), and what the session left is
/// deleted once the cluster answers. `OUTAGE_REPEATS` cycles (default 3).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_during_an_outage_is_cleaned_up_when_the_broker_is_back() {
    let _ = bootstrap();
    let repeats: usize = std::env::var("OUTAGE_REPEATS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let (broker, address) = PrivateBroker::start("cleanup");
    let mut config = test_config(&address);
    config.kafka_timeout = Duration::from_secs(3);
    config.poll_wait = Duration::from_secs(2);
    let proxy = Proxy::start(config).await;
    for cycle in 0..repeats {
        // librdkafka in the proxy's process on even cycles, kafka-python's driver on odd ones.
        let client = if cycle % 2 == 0 {
            "librdkafka"
        } else {
            "kafka-python"
        };
        let id = proxy
            .session(&json!({
                "client": client,
                "topics": [{ "name": "orders" }],
                "producers": [{ "id": "producer" }],
                "consumers": [{ "id": "worker", "subscribe": ["orders"], "config": {
                    "group.id": "workers", "enable.auto.commit": false, "auto.offset.reset": "earliest",
                    // The broker's least: a member that could not leave is gone soon after the broker's return.
                    "session.timeout.ms": 6000 } }],
                "steps": []
            }))
            .await;
        for step in [
            json!({"actor": "producer", "op": "send", "topic": "orders", "value": "o-1"}),
            json!({"actor": "producer", "op": "flush"}),
            json!({"actor": "worker", "op": "poll"}),
            json!({"actor": "worker", "op": "commit"}),
        ] {
            proxy.step(&id, step).await;
        }
        let prefix = prefix_of(&id);
        assert_eq!(
            names_on_cluster(&address, &prefix).map(|n| n.len()),
            Ok(2),
            "cycle {cycle}: topic and group exist"
        );

        broker.run("stop");
        wait_reachable(&proxy, false).await;
        let (status, _) = proxy
            .call("DELETE", &format!("/v1/sessions/{id}"), None)
            .await;
        assert_eq!(status, 204, "cycle {cycle}");
        broker.run("restart");
        assert_eq!(wait_reachable(&proxy, true).await["broker_reachable"], true);
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut left = names_on_cluster(&address, &prefix);
        while left != Ok(Vec::new()) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(500)).await;
            left = names_on_cluster(&address, &prefix);
        }
        assert_eq!(
            left,
            Ok(Vec::new()),
            "cycle {cycle}: deleted once the broker is back"
        );
        // Still alive and serving a while after the broker's return.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (status, health) = proxy.call("GET", "/v1/health", None).await;
        assert_eq!(
            (status, &health["broker_reachable"]),
            (200, &json!(true)),
            "cycle {cycle}"
        );
    }
}
