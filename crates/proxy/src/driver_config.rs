//! Scenario client configs → a driver's config. The real client gets the scenario's properties as written (its
//! own defaults where the scenario is silent, its own refusals as answers), except:
//! - `bootstrap.servers` is the proxy's cluster (the driver sets it), so the scenario's is dropped;
//! - `transaction.version` is the broker's feature in the model's scenario, not a client setting: dropped;
//! - with `--time-scale N` above 1, the time settings are divided by N — the scenario's value, or the client's
//!   own default where it is silent — so the whole scenario runs N times faster in the same proportions.
//!
//! `delivery.timeout.ms` is not scaled: both clients require it to cover `request.timeout.ms` plus the linger.
//! `linger.ms` runs on the scenario's clock, not the real one: the client is told to linger as long as its
//! delivery timeout allows, and an `advance` past the scenario's linger has the client send what it holds
//! (`DriverProducer::advance_to`). Otherwise whether an abort finds a record still waiting would depend on
//! how fast the machine runs the steps between them, or how long a learner pauses.

use serde_json::{Map, Value};

use kafka_model::scenario::Properties;
use kafka_model::transaction_coordinator::TRANSACTION_MAX_TIMEOUT_MS;

/// The time settings the proxy scales, with the default both kafka-python 3.0.12 (`DEFAULT_CONFIG`) and
/// kafka-clients 4.4 (`ConsumerConfig`, `ProducerConfig`) have.
const CONSUMER_TIMES: &[(&str, u64)] = &[
    ("session.timeout.ms", 45_000),
    ("heartbeat.interval.ms", 3_000),
    ("auto.commit.interval.ms", 5_000),
    ("max.poll.interval.ms", 300_000),
];
const PRODUCER_TIMES: &[(&str, u64)] = &[("transaction.timeout.ms", 60_000)];

/// Keys the proxy owns or the model alone reads, with why they are not passed.
const DROPPED: &[(&str, &str)] = &[
    (
        "bootstrap.servers",
        "the proxy's cluster is used, not the scenario's bootstrap.servers",
    ),
    (
        "transaction.version",
        "transaction.version is the broker's feature, not a client setting: the real client speaks what it and the broker support",
    ),
];

/// A value as a whole number of milliseconds, if it is one.
fn millis(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn config(properties: &Properties, times: &[(&str, u64)], scale: u64) -> (Value, Vec<String>) {
    let mut out = Map::new();
    let mut notes = Vec::new();
    for (key, value) in properties {
        if let Some((_, why)) = DROPPED.iter().find(|(k, _)| k == key) {
            notes.push(format!("{key} is not passed to the client: {why}"));
            continue;
        }
        out.insert(key.clone(), value.clone());
    }
    if scale > 1 {
        for (key, default) in times {
            let ms = match out.get(*key) {
                Some(v) => match millis(v) {
                    Some(ms) => ms,
                    // Not a number: the client's own refusal is the answer.
                    None => continue,
                },
                None => *default,
            };
            // The broker's transaction.max.timeout.ms is not scaled: a timeout above it stays above it.
            if *key == "transaction.timeout.ms" && ms > TRANSACTION_MAX_TIMEOUT_MS {
                continue;
            }
            out.insert((*key).to_owned(), Value::from((ms / scale).max(1)));
        }
    }
    (Value::Object(out), notes)
}

/// Both clients' `request.timeout.ms` where the scenario is silent.
const REQUEST_TIMEOUT_MS: u64 = 30_000;

/// The producer's config for its driver, and notes about dropped keys. `linger_ms` and `delivery_timeout_ms`
/// are the model's, the scenario's value or the flavor's default.
pub fn producer_config(
    properties: &Properties,
    scale: u64,
    linger_ms: u64,
    delivery_timeout_ms: u64,
) -> (Value, Vec<String>) {
    let (mut out, notes) = config(properties, PRODUCER_TIMES, scale);
    let request_timeout = properties
        .get("request.timeout.ms")
        .and_then(millis)
        .unwrap_or(REQUEST_TIMEOUT_MS);
    // The longest linger both clients accept beside the delivery timeout. A configuration the client would
    // refuse anyway keeps its own linger, so the refusal is the client's.
    let longest = delivery_timeout_ms.saturating_sub(request_timeout);
    if linger_ms > 0 && longest > linger_ms {
        out["linger.ms"] = Value::from(longest);
    }
    (out, notes)
}

/// The consumer's config for its driver, and notes about dropped keys.
pub fn consumer_config(properties: &Properties, scale: u64) -> (Value, Vec<String>) {
    config(properties, CONSUMER_TIMES, scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn props(v: Value) -> Properties {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn properties_pass_as_written_in_real_time() {
        let p = props(json!({"acks": "all", "bogus.key": 1, "session.timeout.ms": "6000"}));
        assert_eq!(consumer_config(&p, 1), (Value::Object(p.clone()), vec![]));
    }

    #[test]
    fn a_faster_clock_divides_the_time_settings_and_the_clients_defaults() {
        let p = props(json!({"group.id": "g", "session.timeout.ms": "6000"}));
        let (c, _) = consumer_config(&p, 5);
        assert_eq!(
            c,
            json!({"group.id": "g", "session.timeout.ms": 1200, "heartbeat.interval.ms": 600,
                   "auto.commit.interval.ms": 1000, "max.poll.interval.ms": 60000})
        );
        let (c, _) = producer_config(&props(json!({"transactional.id": "t"})), 5, 0, 120_000);
        assert_eq!(
            c,
            json!({"transactional.id": "t", "transaction.timeout.ms": 12000})
        );
    }

    #[test]
    fn a_linger_waits_on_the_scenarios_clock_as_long_as_the_delivery_timeout_allows() {
        let (c, _) = producer_config(&props(json!({"acks": "all"})), 1, 5, 120_000);
        assert_eq!(c, json!({"acks": "all", "linger.ms": 90_000}));
        let p = props(json!({"request.timeout.ms": 10_000}));
        assert_eq!(producer_config(&p, 1, 5, 40_000).0["linger.ms"], 30_000);
        // No linger, or a delivery timeout the client refuses: as written.
        assert_eq!(
            producer_config(&p, 1, 0, 40_000).0,
            Value::Object(p.clone())
        );
        assert_eq!(producer_config(&p, 1, 5, 10_000).0, Value::Object(p));
    }

    #[test]
    fn the_proxys_own_keys_are_dropped_and_named() {
        let (c, notes) = producer_config(
            &props(json!({"bootstrap.servers": "localhost:9092", "acks": 1})),
            1,
            0,
            120_000,
        );
        assert_eq!(c, json!({"acks": 1}));
        assert!(notes[0].starts_with("bootstrap.servers is not passed"));
    }
}
