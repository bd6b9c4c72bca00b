//! The binary's start-up lines and graceful ctrl-c, and idle sessions expiring.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{bootstrap, http, test_config, Proxy};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_prints_its_address_and_token_and_stops_on_ctrl_c() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kafka-proxy"))
        .args([
            "--bootstrap-servers",
            &bootstrap(),
            "--listen",
            "127.0.0.1:0",
            "--token",
            "abc",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kafka-proxy");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let second = lines.next().and_then(Result::ok).unwrap_or_default();
    assert_eq!(second, "token: abc");
    let addr = first
        .strip_prefix("kafka-proxy listening on http://")
        .unwrap_or_else(|| panic!("first line: {first:?}"))
        .parse()
        .expect("an address");
    let health = http(
        addr,
        "GET",
        "/v1/health",
        &[("Authorization", "Bearer abc")],
        None,
    )
    .await;
    assert_eq!(health.status, 200, "{}", health.body);
    // ctrl-c, as a terminal sends it, to the process this test started.
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(sent.is_ok_and(|s| s.success()));
    let mut exited = None;
    for _ in 0..100 {
        if let Ok(Some(status)) = child.try_wait() {
            exited = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if exited.is_none() {
        let _ = child.kill();
    }
    assert!(
        exited.is_some_and(|s| s.success()),
        "graceful exit: {exited:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_session_expires_and_its_topics_go() {
    let mut config = test_config(&bootstrap());
    config.session_idle = Duration::from_millis(800);
    let proxy = Proxy::start(config).await;
    let (status, created) = proxy
        .call(
            "POST",
            "/v1/sessions",
            Some(&json!({ "client": "librdkafka", "topics": [{ "name": "orders" }], "steps": [] })),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["session"].as_str().unwrap_or_default().to_owned();
    let topic = format!("{}orders", created["prefix"].as_str().unwrap_or_default());
    assert!(topic_exists(&topic).await, "{topic} was created");
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    let (status, body) = proxy
        .call("GET", &format!("/v1/sessions/{id}/state"), None)
        .await;
    assert_eq!(status, 404, "{body}");
    let mut gone = false;
    for _ in 0..20 {
        if !topic_exists(&topic).await {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(gone, "{topic} was deleted with its session");
}

async fn topic_exists(topic: &str) -> bool {
    use rdkafka::consumer::{BaseConsumer, Consumer};
    let topic = topic.to_owned();
    tokio::task::spawn_blocking(move || {
        let client: BaseConsumer = rdkafka::ClientConfig::new()
            .set("bootstrap.servers", bootstrap())
            .create()
            .expect("a metadata client");
        let metadata = client
            .fetch_metadata(None, Duration::from_secs(5))
            .expect("the broker's metadata");
        metadata.topics().iter().any(|t| t.name() == topic)
    })
    .await
    .unwrap_or(false)
}
