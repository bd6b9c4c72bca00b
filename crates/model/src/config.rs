//! Client configuration: the real (dotted, Java) property names, with each flavor's defaults.
//!
//! kafka-python defaults are those of kafka-python 2.1+ (the first 2.x line with `enable_idempotence`):
//! `acks=1`, `retries=inf` (2.0.x had `retries=0`), `enable_idempotence=False`, `session_timeout_ms=10000`.
//! Java defaults are those of Kafka ≥ 3.0: `acks=all`, `enable.idempotence=true`, `retries=MAX_INT`,
//! `session.timeout.ms=45000`.

use serde_json::{Map, Value};

use crate::scenario::ScenarioError;

/// Which client library the scenario imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flavor {
    KafkaPython,
    Java,
}

impl Flavor {
    pub fn name(self) -> &'static str {
        match self {
            Flavor::KafkaPython => "kafka-python",
            Flavor::Java => "java",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acks {
    Zero,
    One,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetReset {
    Earliest,
    Latest,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsolationLevel {
    ReadUncommitted,
    ReadCommitted,
}

/// `retries` without limit (kafka-python's `float('inf')`, Java's `Integer.MAX_VALUE`).
pub const RETRIES_UNLIMITED: u32 = u32::MAX;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerConfig {
    pub acks: Acks,
    pub retries: u32,
    pub max_in_flight: u32,
    /// Idempotence as the producer will really run it (after silent disabling, P5).
    pub idempotence: bool,
    /// Idempotence was asked for explicitly but conflicts with acks/retries/max.in.flight (P5):
    /// the client refuses to work, every operation fails with `ConfigException`.
    pub config_error: Option<&'static str>,
    pub transactional_id: Option<String>,
    pub transaction_timeout_ms: u64,
    /// `transaction.version` (T11): 1 (classic, default) or 2 (KIP-890). A producer setting overrides the
    /// scenario's.
    pub transaction_version: Option<u8>,
    /// How long a produce request may wait for its answer (default 120000, D1/D2).
    pub delivery_timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerConfig {
    pub group_id: String,
    pub enable_auto_commit: bool,
    pub auto_commit_interval_ms: u64,
    pub auto_offset_reset: OffsetReset,
    pub session_timeout_ms: u64,
    pub max_poll_records: u32,
    pub isolation_level: IsolationLevel,
}

/// Real client properties the model accepts and ignores because they do not change delivery semantics.
const IGNORED_COMMON: &[&str] = &[
    "bootstrap.servers",
    "client.id",
    "request.timeout.ms",
    "retry.backoff.ms",
    "reconnect.backoff.ms",
    "security.protocol",
    "api.version",
];
const IGNORED_PRODUCER: &[&str] = &[
    "key.serializer",
    "value.serializer",
    "linger.ms",
    "batch.size",
    "compression.type",
    "max.block.ms",
    "buffer.memory",
    "max.request.size",
];
const IGNORED_CONSUMER: &[&str] = &[
    "key.deserializer",
    "value.deserializer",
    "heartbeat.interval.ms",
    "max.poll.interval.ms",
    "fetch.min.bytes",
    "fetch.max.wait.ms",
    "fetch.max.bytes",
    "max.partition.fetch.bytes",
    "consumer.timeout.ms",
];
const PRODUCER_KEYS: &[&str] = &[
    "acks",
    "retries",
    "enable.idempotence",
    "max.in.flight.requests.per.connection",
    "transactional.id",
    "transaction.timeout.ms",
    "transaction.version",
    "delivery.timeout.ms",
];
const CONSUMER_KEYS: &[&str] = &[
    "group.id",
    "enable.auto.commit",
    "auto.commit.interval.ms",
    "auto.offset.reset",
    "session.timeout.ms",
    "max.poll.records",
    "isolation.level",
];

fn invalid(path: &str, key: &str, message: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid {
        path: format!("{path}.\"{key}\""),
        message: message.into(),
    }
}

/// A boolean written as JSON `true`/`false` or as the string `"true"`/`"false"`.
fn as_bool(v: &Value, path: &str, key: &str) -> Result<bool, ScenarioError> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(invalid(
            path,
            key,
            format!("expected a boolean, got {}", short(v)),
        )),
    }
}

/// A non-negative integer written as a JSON number or a string of digits.
fn as_u64(v: &Value, path: &str, key: &str) -> Result<u64, ScenarioError> {
    let parsed = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| {
        invalid(
            path,
            key,
            format!("expected a non-negative integer, got {}", short(v)),
        )
    })
}

fn as_str<'a>(v: &'a Value, path: &str, key: &str) -> Result<&'a str, ScenarioError> {
    v.as_str()
        .ok_or_else(|| invalid(path, key, format!("expected a string, got {}", short(v))))
}

/// A short rendering of a JSON value for error messages.
pub(crate) fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 40 {
        let mut cut = 40;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}…", &s[..cut])
    } else {
        s
    }
}

fn check_keys(
    map: &Map<String, Value>,
    path: &str,
    known: &[&str],
    ignored: &[&str],
) -> Result<(), ScenarioError> {
    for key in map.keys() {
        let k = key.as_str();
        if !known.contains(&k) && !ignored.contains(&k) && !IGNORED_COMMON.contains(&k) {
            return Err(invalid(
                path,
                k,
                format!(
                    "unknown configuration key (supported: {})",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

impl ProducerConfig {
    pub fn parse(
        flavor: Flavor,
        map: &Map<String, Value>,
        path: &str,
    ) -> Result<Self, ScenarioError> {
        check_keys(map, path, PRODUCER_KEYS, IGNORED_PRODUCER)?;
        let explicit_idem = match map.get("enable.idempotence") {
            Some(v) => Some(as_bool(v, path, "enable.idempotence")?),
            None => None,
        };
        let explicit_acks = match map.get("acks") {
            Some(v) => Some(match v {
                Value::String(s) if s == "all" || s == "-1" => Acks::All,
                Value::String(s) if s == "1" => Acks::One,
                Value::String(s) if s == "0" => Acks::Zero,
                Value::Number(n) if n.as_i64() == Some(-1) => Acks::All,
                Value::Number(n) if n.as_i64() == Some(1) => Acks::One,
                Value::Number(n) if n.as_i64() == Some(0) => Acks::Zero,
                _ => {
                    return Err(invalid(
                        path,
                        "acks",
                        format!("expected \"0\", \"1\" or \"all\", got {}", short(v)),
                    ))
                }
            }),
            None => None,
        };
        let retries = match map.get("retries") {
            Some(v) => {
                let n = as_u64(v, path, "retries")?;
                u32::try_from(n).unwrap_or(RETRIES_UNLIMITED)
            }
            None => RETRIES_UNLIMITED,
        };
        let max_in_flight = match map.get("max.in.flight.requests.per.connection") {
            Some(v) => {
                let n = as_u64(v, path, "max.in.flight.requests.per.connection")?;
                if n == 0 {
                    return Err(invalid(
                        path,
                        "max.in.flight.requests.per.connection",
                        "expected a positive integer",
                    ));
                }
                u32::try_from(n).unwrap_or(u32::MAX)
            }
            None => 5,
        };
        let transactional_id = match map.get("transactional.id") {
            Some(Value::Null) => None,
            Some(v) => Some(as_str(v, path, "transactional.id")?.to_owned()),
            None => None,
        };
        let transaction_timeout_ms = match map.get("transaction.timeout.ms") {
            Some(v) => as_u64(v, path, "transaction.timeout.ms")?,
            None => 60_000,
        };
        let transaction_version = match map.get("transaction.version") {
            Some(v) => match as_u64(v, path, "transaction.version")? {
                1 => Some(1),
                2 => Some(2),
                other => {
                    return Err(invalid(
                        path,
                        "transaction.version",
                        format!("expected 1 or 2, got {other}"),
                    ))
                }
            },
            None => None,
        };
        let delivery_timeout_ms = match map.get("delivery.timeout.ms") {
            Some(v) => as_u64(v, path, "delivery.timeout.ms")?,
            None => 120_000,
        };
        // A transactional.id implies idempotence in both clients.
        let explicit_idem = if transactional_id.is_some() && explicit_idem.is_none() {
            Some(true)
        } else {
            explicit_idem
        };
        let default_idem = match flavor {
            Flavor::KafkaPython => false,
            Flavor::Java => true,
        };
        let wants_idem = explicit_idem.unwrap_or(default_idem);
        // With idempotence on and no explicit acks, both clients use acks=all.
        let acks = explicit_acks.unwrap_or(match (flavor, wants_idem) {
            (_, true) => Acks::All,
            (Flavor::KafkaPython, false) => Acks::One,
            (Flavor::Java, false) => Acks::All,
        });
        let conflict = if acks != Acks::All {
            Some("idempotence needs acks=all")
        } else if retries == 0 {
            Some("idempotence needs retries > 0")
        } else if max_in_flight > 5 {
            Some("idempotence needs max.in.flight.requests.per.connection <= 5")
        } else {
            None
        };
        let (idempotence, config_error) = match (wants_idem, explicit_idem, conflict) {
            (false, _, _) => (false, None),
            (true, _, None) => (true, None),
            // Java silently turns default idempotence off when other settings conflict (P5).
            (true, None, Some(_)) => (false, None),
            (true, Some(_), Some(why)) => (false, Some(why)),
        };
        Ok(Self {
            acks,
            retries,
            max_in_flight,
            idempotence,
            config_error,
            transactional_id,
            transaction_timeout_ms,
            transaction_version,
            delivery_timeout_ms,
        })
    }
}

impl ConsumerConfig {
    pub fn parse(
        flavor: Flavor,
        map: &Map<String, Value>,
        path: &str,
    ) -> Result<Self, ScenarioError> {
        check_keys(map, path, CONSUMER_KEYS, IGNORED_CONSUMER)?;
        let group_id = match map.get("group.id") {
            Some(v) => as_str(v, path, "group.id")?.to_owned(),
            None => {
                return Err(invalid(
                    path,
                    "group.id",
                    "required: the model's consumers always belong to a group",
                ))
            }
        };
        if group_id.is_empty() {
            return Err(invalid(path, "group.id", "must not be empty"));
        }
        let enable_auto_commit = match map.get("enable.auto.commit") {
            Some(v) => as_bool(v, path, "enable.auto.commit")?,
            None => true,
        };
        let auto_commit_interval_ms = match map.get("auto.commit.interval.ms") {
            Some(v) => as_u64(v, path, "auto.commit.interval.ms")?,
            None => 5_000,
        };
        let auto_offset_reset = match map.get("auto.offset.reset") {
            Some(v) => match as_str(v, path, "auto.offset.reset")? {
                "earliest" | "smallest" => OffsetReset::Earliest,
                "latest" | "largest" => OffsetReset::Latest,
                "none" => OffsetReset::None,
                other => {
                    return Err(invalid(
                        path,
                        "auto.offset.reset",
                        format!("expected \"earliest\", \"latest\" or \"none\", got \"{other}\""),
                    ))
                }
            },
            None => OffsetReset::Latest,
        };
        let session_timeout_ms = match map.get("session.timeout.ms") {
            Some(v) => as_u64(v, path, "session.timeout.ms")?,
            None => match flavor {
                Flavor::KafkaPython => 10_000,
                Flavor::Java => 45_000,
            },
        };
        let max_poll_records = match map.get("max.poll.records") {
            Some(v) => {
                let n = as_u64(v, path, "max.poll.records")?;
                if n == 0 {
                    return Err(invalid(
                        path,
                        "max.poll.records",
                        "expected a positive integer",
                    ));
                }
                u32::try_from(n).unwrap_or(u32::MAX)
            }
            None => 500,
        };
        let isolation_level = match map.get("isolation.level") {
            Some(v) => match as_str(v, path, "isolation.level")? {
                "read_uncommitted" => IsolationLevel::ReadUncommitted,
                "read_committed" => IsolationLevel::ReadCommitted,
                other => {
                    return Err(invalid(
                        path,
                        "isolation.level",
                        format!(
                            "expected \"read_uncommitted\" or \"read_committed\", got \"{other}\""
                        ),
                    ))
                }
            },
            None => IsolationLevel::ReadUncommitted,
        };
        Ok(Self {
            group_id,
            enable_auto_commit,
            auto_commit_interval_ms,
            auto_offset_reset,
            session_timeout_ms,
            max_poll_records,
            isolation_level,
        })
    }
}
