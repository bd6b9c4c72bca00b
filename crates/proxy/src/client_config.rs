//! Scenario client configs → librdkafka configs. Keys are the Java names the scenario uses; most pass through
//! unchanged, a few are renamed, and those librdkafka lacks or the proxy must own are dropped with a reason.
//! Defaults that differ between the scenario's flavor and librdkafka (acks, idempotence, isolation level,
//! session timeout) are set explicitly, so the real client runs what the scenario says.

use kafka_model::config::{Acks, IsolationLevel, ProducerConfig};
use kafka_model::scenario::{ConsumerSpec, ProducerSpec};
use kafka_model::transaction_coordinator::TRANSACTION_MAX_TIMEOUT_MS;
use rdkafka::ClientConfig;
use serde_json::Value;

/// The longest linger librdkafka accepts (`linger.ms` ≤ 900000).
const MAX_LINGER_MS: u64 = 900_000;

/// Time settings the proxy divides by its time scale (a faster clock for the whole scenario).
const SCALED_MS: &[&str] = &[
    "session.timeout.ms",
    "heartbeat.interval.ms",
    "auto.commit.interval.ms",
    "max.poll.interval.ms",
    "transaction.timeout.ms",
];

fn scaled(ms: u64, scale: u64) -> u64 {
    (ms / scale).max(1)
}

/// A config value as text, the way `.properties` writes it.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn base(bootstrap: &str, client_id: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap)
        .set("client.id", client_id)
        // Quiet: a broker outage is reported through the step answers, not librdkafka's log.
        .set("log_level", "3");
    // For diagnosing the proxy itself: librdkafka's debug contexts, e.g. KAFKA_PROXY_DEBUG=msg,topic.
    if let Ok(contexts) = std::env::var("KAFKA_PROXY_DEBUG") {
        c.set("debug", contexts).set("log_level", "7");
    }
    c
}

/// The producer's config, and notes about keys that were dropped.
pub fn producer_config(
    bootstrap: &str,
    prefix: &str,
    spec: &ProducerSpec,
    scale: u64,
) -> (ClientConfig, Vec<String>) {
    let mut c = base(bootstrap, &format!("{prefix}{}", spec.id));
    let mut notes = Vec::new();
    let model: &ProducerConfig = &spec.config;
    for (key, value) in &spec.properties {
        let v = text(value);
        match key.as_str() {
            "transactional.id" => {
                if !value.is_null() {
                    c.set("transactional.id", format!("{prefix}{v}"));
                }
            }
            // Set below, from the model's value scaled.
            "transaction.timeout.ms" => {}
            "acks"
            | "retries"
            | "enable.idempotence"
            | "max.in.flight.requests.per.connection"
            | "request.timeout.ms"
            | "retry.backoff.ms"
            | "reconnect.backoff.ms"
            | "batch.size"
            | "compression.type" => {
                c.set(key, v);
            }
            // librdkafka calls it message.timeout.ms; it is set below with the linger.
            "delivery.timeout.ms" => {}
            "client.id" => {}
            other => notes.push(format!("{other} is not passed to librdkafka")),
        }
    }
    // The flavor's defaults where the scenario is silent (librdkafka's idempotence is off by default).
    if !spec.properties.contains_key("acks") {
        c.set(
            "acks",
            match model.acks {
                Acks::Zero => "0",
                Acks::One => "1",
                Acks::All => "all",
            },
        );
    }
    if !spec.properties.contains_key("enable.idempotence") {
        c.set("enable.idempotence", model.idempotence.to_string());
    }
    if spec.properties.contains_key("retries") && model.retries > i32::MAX as u32 {
        c.set("retries", i32::MAX.to_string());
    }
    // A send stays in the producer until `flush` (librdkafka's flush sends at once, whatever the linger):
    // linger as long as librdkafka allows, just under the delivery timeout, which a transactional producer
    // must keep within its transaction timeout.
    let mut message_timeout = scaled(model.delivery_timeout_ms, scale);
    if model.transactional_id.is_some() {
        // The broker's transaction.max.timeout.ms is not scaled: a timeout above it stays above it.
        let transaction_timeout = if model.transaction_timeout_ms > TRANSACTION_MAX_TIMEOUT_MS {
            model.transaction_timeout_ms
        } else {
            scaled(model.transaction_timeout_ms, scale)
        };
        c.set("transaction.timeout.ms", transaction_timeout.to_string());
        message_timeout = message_timeout.min(transaction_timeout);
    }
    let message_timeout = message_timeout.max(2);
    c.set("message.timeout.ms", message_timeout.to_string());
    c.set(
        "linger.ms",
        (message_timeout - 1).min(MAX_LINGER_MS).to_string(),
    );
    // Java's and kafka-python's partitioner: murmur2 of the key.
    c.set("partitioner", "murmur2_random");
    (c, notes)
}

/// The consumer's config and notes; `max.poll.records` is applied by the proxy's `poll`, not by librdkafka.
pub fn consumer_config(
    bootstrap: &str,
    prefix: &str,
    spec: &ConsumerSpec,
    scale: u64,
) -> (ClientConfig, Vec<String>) {
    let mut c = base(bootstrap, &format!("{prefix}{}", spec.id));
    let mut notes = Vec::new();
    for (key, value) in &spec.properties {
        let v = text(value);
        match key.as_str() {
            "group.id" => {
                c.set("group.id", format!("{prefix}{v}"));
            }
            "auto.offset.reset" => {
                // librdkafka spells "none" as "error".
                c.set(key, if v == "none" { "error".to_owned() } else { v });
            }
            key if SCALED_MS.contains(&key) => {
                let ms = v
                    .parse::<u64>()
                    .map_or(v, |ms| scaled(ms, scale).to_string());
                c.set(key, ms);
            }
            "enable.auto.commit"
            | "isolation.level"
            | "fetch.min.bytes"
            | "fetch.max.bytes"
            | "max.partition.fetch.bytes"
            | "request.timeout.ms"
            | "retry.backoff.ms"
            | "reconnect.backoff.ms" => {
                c.set(key, v);
            }
            "fetch.max.wait.ms" => {
                c.set("fetch.wait.max.ms", v);
            }
            "max.poll.records" | "client.id" => {}
            other => notes.push(format!("{other} is not passed to librdkafka")),
        }
    }
    let model = &spec.config;
    // librdkafka reads committed data by default; Kafka's default is read_uncommitted.
    c.set(
        "isolation.level",
        match model.isolation_level {
            IsolationLevel::ReadCommitted => "read_committed",
            IsolationLevel::ReadUncommitted => "read_uncommitted",
        },
    );
    // The flavor's timing where the scenario is silent (scaled: a faster clock keeps the same proportions).
    let session_timeout = scaled(model.session_timeout_ms, scale);
    if !spec.properties.contains_key("session.timeout.ms") {
        c.set("session.timeout.ms", session_timeout.to_string());
    }
    if !spec.properties.contains_key("heartbeat.interval.ms") {
        c.set(
            "heartbeat.interval.ms",
            scaled(3_000, scale)
                .min(session_timeout / 3)
                .max(1)
                .to_string(),
        );
    }
    if !spec.properties.contains_key("auto.commit.interval.ms") {
        c.set(
            "auto.commit.interval.ms",
            scaled(model.auto_commit_interval_ms, scale).to_string(),
        );
    }
    if !spec.properties.contains_key("max.poll.interval.ms") {
        c.set(
            "max.poll.interval.ms",
            scaled(300_000, scale).max(session_timeout).to_string(),
        );
    }
    // Errors such as "no offset and auto.offset.reset=none" must reach `poll`, not only the log.
    c.set("enable.partition.eof", "false");
    (c, notes)
}
