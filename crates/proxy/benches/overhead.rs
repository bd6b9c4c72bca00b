//! The proxy's overhead per step over calling the client directly (goal: at most 5 ms at the median). Both
//! sides write one record and flush it, 200 times, to the same real topic: directly with an rdkafka producer,
//! and as two proxy steps (`send`, `flush`) over HTTP. Then the same for each real client's driver: directly
//! through a driver process, and through the proxy (whose session runs the same driver). Needs a real broker:
//! KAFKA_BOOTSTRAP (`./x bench` starts one) and the drivers set up. Prints numbers; nothing passes or fails.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use kafka_proxy::client_kind::ClientKind;
use kafka_proxy::driver::DriverProcess;
use kafka_proxy::driver_install::DriverPaths;
use kafka_proxy::producer::{flush_now, DeliveryLog};
use kafka_proxy::scope::PREFIX_ROOT;
use rdkafka::producer::{BaseProducer, BaseRecord};
use rdkafka::ClientConfig;
use serde_json::json;

const ROUNDS: usize = 200;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bootstrap = common::bootstrap();
    let mut config = common::test_config(&bootstrap);
    // The rate limit is for browsers; the benchmark measures steps back to back.
    config.rate_per_second = 100_000;
    config.rate_burst = 100_000;
    let proxy = common::Proxy::start(config).await;
    let session = proxy
        .session(&json!({
            "client": "librdkafka",
            "topics": [{ "name": "orders" }],
            "producers": [{ "id": "producer", "config": { "enable.idempotence": true, "acks": "all" } }],
            "consumers": [],
            "steps": []
        }))
        .await;

    let through_proxy = send_and_flush_through(&proxy, &session).await;

    // The session's topic, written directly: the same broker, partition and producer settings.
    let (_, state) = proxy
        .call("GET", &format!("/v1/sessions/{session}/state"), None)
        .await;
    assert_eq!(state["final"]["partitions"][0]["high_watermark"], ROUNDS);
    let topic = format!("{PREFIX_ROOT}{session}-orders");
    let producer: BaseProducer<DeliveryLog> = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .create_with_context(DeliveryLog::default())
        .expect("a producer");
    let direct = tokio::task::spawn_blocking(move || {
        let mut times = Vec::with_capacity(ROUNDS);
        for i in 0..ROUNDS {
            let start = Instant::now();
            let value = format!("direct-{i}");
            producer
                .send(BaseRecord::<(), _>::to(&topic).payload(&value).partition(0))
                .expect("enqueued");
            // The proxy's own way to flush (one held librdkafka flush), so only the proxy around it differs.
            flush_now(&producer, Duration::from_secs(10)).expect("flushed");
            times.push(start.elapsed());
        }
        times
    })
    .await
    .expect("the direct producer ran");

    let (p, d) = (median(through_proxy), median(direct));
    println!("send + flush of one record, median of {ROUNDS}:");
    println!("  direct rdkafka call:        {:.2} ms", ms(d));
    println!("  through the proxy (2 steps): {:.2} ms", ms(p));
    println!(
        "  proxy overhead per step:     {:.2} ms (goal: at most 5 ms)",
        ms(p.saturating_sub(d)) / 2.0
    );
    proxy.delete(&session).await;

    for kind in [ClientKind::KafkaPython, ClientKind::Java] {
        driver_overhead(&proxy, &bootstrap, kind).await;
    }
}

/// send + flush through `kind`'s driver directly, then as two proxy steps on a session of that client.
async fn driver_overhead(proxy: &common::Proxy, bootstrap: &str, kind: ClientKind) {
    let session = proxy
        .session(&json!({
            "client": kind.name(),
            "topics": [{ "name": "orders" }],
            "producers": [{ "id": "producer" }],
            "steps": []
        }))
        .await;
    let through_proxy = send_and_flush_through(proxy, &session).await;
    let prefix = format!("{PREFIX_ROOT}{session}-");
    let command = DriverPaths::default()
        .locate(kind)
        .expect("the driver is set up")
        .expect("a driver");
    let bootstrap = bootstrap.to_owned();
    let direct = tokio::task::spawn_blocking(move || {
        let wait = Duration::from_secs(30);
        let mut d = DriverProcess::spawn(command.command()).expect("the driver starts");
        d.hello(&bootstrap, &prefix, wait).expect("hello");
        d.call(&json!({"op": "producer", "id": "direct"}), wait)
            .expect("a producer");
        let mut times = Vec::with_capacity(ROUNDS);
        for i in 0..ROUNDS {
            let start = Instant::now();
            let value = format!("direct-{i}");
            d.call(
                &json!({"op": "send", "actor": "direct", "topic": "orders", "value": value}),
                wait,
            )
            .expect("sent");
            let flushed = d
                .call(&json!({"op": "flush", "actor": "direct"}), wait)
                .expect("flushed");
            assert_eq!(flushed["ok"], true, "{flushed}");
            times.push(start.elapsed());
        }
        times
    })
    .await
    .expect("the direct driver ran");
    let (p, d) = (median(through_proxy), median(direct));
    println!(
        "{} driver: send + flush of one record, median of {ROUNDS}:",
        kind.name()
    );
    println!("  directly through the driver:  {:.2} ms", ms(d));
    println!("  through the proxy (2 steps):  {:.2} ms", ms(p));
    println!(
        "  proxy overhead per step:      {:.2} ms",
        ms(p.saturating_sub(d)) / 2.0
    );
    proxy.delete(&session).await;
}

/// send + flush of one record, ROUNDS times, as two proxy steps on `session`: the time of each round.
async fn send_and_flush_through(proxy: &common::Proxy, session: &str) -> Vec<Duration> {
    let mut times = Vec::with_capacity(ROUNDS);
    for i in 0..ROUNDS {
        let start = Instant::now();
        let value = format!("via-proxy-{i}");
        proxy
            .step(
                session,
                json!({"actor": "producer", "op": "send", "topic": "orders", "value": value}),
            )
            .await;
        let flushed = proxy
            .step(session, json!({"actor": "producer", "op": "flush"}))
            .await;
        times.push(start.elapsed());
        assert_eq!(flushed["ok"], true, "{flushed}");
    }
    times
}
