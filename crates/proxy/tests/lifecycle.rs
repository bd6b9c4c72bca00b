//! The binary's start-up lines and ctrl-c, runs that stop at their limit or when their client goes, and idle
//! sessions expiring.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{bootstrap, http, test_config, Proxy};
use serde_json::json;

/// The binary on the shared broker, with token "abc": the process and its address, read off its first line.
fn start_binary() -> (std::process::Child, std::net::SocketAddr) {
    start_binary_limited(None)
}

/// The same, with at most `descriptors` file descriptors (soft and hard: the proxy cannot raise them).
fn start_binary_limited(descriptors: Option<u32>) -> (std::process::Child, std::net::SocketAddr) {
    let ulimit = descriptors.map_or(String::new(), |n| format!("ulimit -n {n} && "));
    // exec: the shell becomes the proxy, so signals reach it.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{ulimit}exec \"$0\" --bootstrap-servers \"$1\" --listen 127.0.0.1:0 --token abc"
        ))
        .arg(env!("CARGO_BIN_EXE_kafka-proxy"))
        .arg(bootstrap())
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
    (child, addr)
}

fn interrupt(child: &std::process::Child) {
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    assert!(sent.is_ok_and(|s| s.success()));
}

/// How the process ended, waiting at most `limit`; killed if it has not.
async fn exit_within(
    child: &mut std::process::Child,
    limit: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    None
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_prints_its_address_and_token_and_stops_on_ctrl_c() {
    let (mut child, addr) = start_binary();
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
    interrupt(&child);
    let exited = exit_within(&mut child, Duration::from_secs(10)).await;
    assert!(
        exited.is_some_and(|s| s.success()),
        "graceful exit: {exited:?}"
    );
}

/// A request whose body never comes, as a stalled or hostile client sends it.
async fn half_sent_request(addr: std::net::SocketAddr) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST /v1/run HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer abc\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).await.expect("write");
    // Until the proxy has accepted it and waits for the body: a Ctrl-C before that finds nothing in flight.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stream
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_within_seconds_despite_a_stalled_request_and_a_second_exits_at_once() {
    let (mut child, addr) = start_binary();
    let _stalled = half_sent_request(addr).await;
    let started = Instant::now();
    interrupt(&child);
    let exited = exit_within(&mut child, Duration::from_secs(20)).await;
    assert!(
        exited.is_some_and(|s| s.success()),
        "graceful exit: {exited:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );

    let (mut child, addr) = start_binary();
    let _stalled = half_sent_request(addr).await;
    interrupt(&child);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let second = Instant::now();
    interrupt(&child);
    let exited = exit_within(&mut child, Duration::from_secs(2)).await;
    assert_eq!(exited.and_then(|s| s.code()), Some(130), "{exited:?}");
    assert!(
        second.elapsed() < Duration::from_secs(1),
        "{:?}",
        second.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_beyond_the_descriptor_limit_are_refused_and_the_proxy_keeps_answering() {
    // 200 descriptors leave 72 for sessions: four librdkafka sessions of two clients (16 each), not five.
    let (mut child, addr) = start_binary_limited(Some(200));
    let auth = [("Authorization", "Bearer abc")];
    let scenario = json!({
        "client": "librdkafka",
        "topics": [{ "name": "orders" }],
        "producers": [{ "id": "producer" }],
        "consumers": [{ "id": "worker", "subscribe": ["orders"], "config": { "group.id": "g" } }],
        "steps": []
    })
    .to_string();
    let mut statuses = Vec::new();
    let mut first = None;
    for _ in 0..5 {
        let created = http(addr, "POST", "/v1/sessions", &auth, Some(&scenario)).await;
        statuses.push(created.status);
        if created.status == 503 {
            assert!(created.body.contains("ulimit -n"), "{}", created.body);
        } else if first.is_none() {
            first = serde_json::from_str::<serde_json::Value>(&created.body).ok();
        }
    }
    assert_eq!(statuses, [201, 201, 201, 201, 503]);
    let health = http(addr, "GET", "/v1/health", &auth, None).await;
    assert_eq!(health.status, 200, "{}", health.body);
    // Room again once a session has ended.
    let id = first
        .and_then(|f| f["session"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let ended = http(addr, "DELETE", &format!("/v1/sessions/{id}"), &auth, None).await;
    assert_eq!(ended.status, 204);
    let again = http(addr, "POST", "/v1/sessions", &auth, Some(&scenario)).await;
    assert_eq!(again.status, 201, "{}", again.body);
    interrupt(&child);
    let exited = exit_within(&mut child, Duration::from_secs(20)).await;
    assert!(exited.is_some_and(|s| s.success()), "{exited:?}");
}

fn advances(n: usize) -> serde_json::Value {
    json!({
        "client": "librdkafka",
        "topics": [{ "name": "orders" }],
        "steps": vec![json!({ "op": "advance", "ms": 1_000 }); n]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_stops_at_its_time_limit_and_when_its_client_goes_and_ends_its_session() {
    let mut config = test_config(&bootstrap());
    config.run_limit = Duration::from_millis(1_500);
    let proxy = Proxy::start(config).await;
    let (status, body) = proxy.call("POST", "/v1/run", Some(&advances(5))).await;
    assert_eq!(status, 504, "{body}");
    assert!(
        body["error"]
            .as_str()
            .unwrap_or("")
            .contains("2 of 5 steps ran"),
        "{body}"
    );
    let (_, health) = proxy.call("GET", "/v1/health", None).await;
    assert_eq!(health["sessions"], 0, "{health}");

    // A client that goes away after a second: the run stops at its next step and its session ends.
    let abandoned = tokio::time::timeout(
        Duration::from_secs(1),
        proxy.call("POST", "/v1/run", Some(&advances(60))),
    )
    .await;
    assert!(abandoned.is_err(), "the run was still going");
    let mut sessions = json!(null);
    for _ in 0..40 {
        sessions = proxy.call("GET", "/v1/health", None).await.1["sessions"].clone();
        if sessions == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(sessions, 0, "the abandoned run's session ended");
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
