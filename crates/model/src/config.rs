//! Client configuration: the real (dotted, Java) property names, with each flavor's defaults.
//!
//! The defaults are those of the pinned clients (`crate::versions`), read off them against a real broker:
//! kafka-python 3.0 and kafka-clients 4.4 agree on `acks=all`, `enable.idempotence=true`, unbounded
//! `retries` within `delivery.timeout.ms=120000`, and `session.timeout.ms=45000`.

use serde_json::{Map, Value};

use crate::contract_names::contract_names;

/// Which client library the scenario imitates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Flavor {
    KafkaPython,
    Java,
}

contract_names!(Flavor {
    KafkaPython = "kafka-python",
    Java = "java",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acks {
    Zero,
    One,
    All,
}

contract_names!(Acks {
    Zero = "0",
    One = "1",
    All = "all" | "-1",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OffsetReset {
    Earliest,
    Latest,
    None,
}

// librdkafka's older spellings are accepted too.
contract_names!(OffsetReset {
    Earliest = "earliest" | "smallest",
    Latest = "latest" | "largest",
    None = "none",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IsolationLevel {
    ReadUncommitted,
    ReadCommitted,
}

contract_names!(IsolationLevel {
    ReadUncommitted = "read_uncommitted",
    ReadCommitted = "read_committed",
});

/// A partition assignor (`partition.assignment.strategy`, G2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Assignor {
    Range,
    RoundRobin,
    CooperativeSticky,
}

// The Java client's class names are accepted too.
contract_names!(Assignor {
    Range = "range" | "org.apache.kafka.clients.consumer.RangeAssignor",
    RoundRobin = "roundrobin" | "org.apache.kafka.clients.consumer.RoundRobinAssignor",
    CooperativeSticky = "cooperative-sticky"
        | "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
});

impl Assignor {
    /// Each flavor's default list, in order of preference: the Java client's `[range, cooperative-sticky]`,
    /// kafka-python's `(range, roundrobin)`. Range is in effect in both.
    pub fn defaults(flavor: Flavor) -> Vec<Assignor> {
        match flavor {
            Flavor::Java => vec![Assignor::Range, Assignor::CooperativeSticky],
            Flavor::KafkaPython => vec![Assignor::Range, Assignor::RoundRobin],
        }
    }
}

/// `retries` without limit (kafka-python's `float('inf')`, Java's `Integer.MAX_VALUE`).
pub const RETRIES_UNLIMITED: u32 = u32::MAX;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerConfig {
    pub acks: Acks,
    pub retries: u32,
    /// How many requests per partition are on the wire at once: `max.in.flight.requests.per.connection`,
    /// except that kafka-python with idempotence sends one batch per partition at a time (P5).
    pub pipelined: u32,
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
    /// How long a record waits in the producer before it is sent: kafka-python 0 ms, the Java client 5 ms.
    /// An abort drops the records still waiting (T6).
    pub linger_ms: u64,
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
    /// The longest time between polls before the client leaves its group (G1; default 300000).
    pub max_poll_interval_ms: u64,
    /// `group.instance.id`: a static member (G5).
    pub group_instance_id: Option<String>,
    /// `partition.assignment.strategy`, in order of preference.
    pub assignors: Vec<Assignor>,
}

impl ConsumerConfig {
    /// The incremental protocol (KIP-429) only when every listed assignor supports it: a list with an eager
    /// assignor in it, like the Java client's default, rebalances eagerly.
    pub fn cooperative(&self) -> bool {
        self.assignors
            .iter()
            .all(|a| *a == Assignor::CooperativeSticky)
    }
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
    "fetch.min.bytes",
    "fetch.max.wait.ms",
    "fetch.max.bytes",
    "max.partition.fetch.bytes",
    "consumer.timeout.ms",
];
/// The property names the model reads, spelled once.
pub mod key {
    pub const ACKS: &str = "acks";
    pub const RETRIES: &str = "retries";
    pub const ENABLE_IDEMPOTENCE: &str = "enable.idempotence";
    pub const MAX_IN_FLIGHT: &str = "max.in.flight.requests.per.connection";
    pub const TRANSACTIONAL_ID: &str = "transactional.id";
    pub const TRANSACTION_TIMEOUT_MS: &str = "transaction.timeout.ms";
    pub const TRANSACTION_VERSION: &str = "transaction.version";
    pub const DELIVERY_TIMEOUT_MS: &str = "delivery.timeout.ms";
    pub const LINGER_MS: &str = "linger.ms";
    pub const GROUP_ID: &str = "group.id";
    pub const ENABLE_AUTO_COMMIT: &str = "enable.auto.commit";
    pub const AUTO_COMMIT_INTERVAL_MS: &str = "auto.commit.interval.ms";
    pub const AUTO_OFFSET_RESET: &str = "auto.offset.reset";
    pub const SESSION_TIMEOUT_MS: &str = "session.timeout.ms";
    pub const MAX_POLL_RECORDS: &str = "max.poll.records";
    pub const ISOLATION_LEVEL: &str = "isolation.level";
    pub const MAX_POLL_INTERVAL_MS: &str = "max.poll.interval.ms";
    pub const GROUP_INSTANCE_ID: &str = "group.instance.id";
    pub const ASSIGNMENT_STRATEGY: &str = "partition.assignment.strategy";
    pub const GROUP_PROTOCOL: &str = "group.protocol";
}

use key::*;

const PRODUCER_KEYS: &[&str] = &[
    ACKS,
    RETRIES,
    ENABLE_IDEMPOTENCE,
    MAX_IN_FLIGHT,
    TRANSACTIONAL_ID,
    TRANSACTION_TIMEOUT_MS,
    TRANSACTION_VERSION,
    DELIVERY_TIMEOUT_MS,
    LINGER_MS,
];
const CONSUMER_KEYS: &[&str] = &[
    GROUP_ID,
    ENABLE_AUTO_COMMIT,
    AUTO_COMMIT_INTERVAL_MS,
    AUTO_OFFSET_RESET,
    SESSION_TIMEOUT_MS,
    MAX_POLL_RECORDS,
    ISOLATION_LEVEL,
    MAX_POLL_INTERVAL_MS,
    GROUP_INSTANCE_ID,
    ASSIGNMENT_STRATEGY,
    GROUP_PROTOCOL,
];

/// A configuration the clients would refuse: which property, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub key: String,
    pub message: String,
}

fn invalid(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.to_owned(),
        message: message.into(),
    }
}

/// `partition.assignment.strategy`. The Java client rebalances eagerly when any listed assignor is eager;
/// kafka-python refuses such a mix outright.
fn assignors(flavor: Flavor, props: &Props) -> Result<Vec<Assignor>, ConfigError> {
    let Some(list) = props.names(
        ASSIGNMENT_STRATEGY,
        Assignor::from_name,
        "\"range\", \"roundrobin\" or \"cooperative-sticky\"",
    )?
    else {
        return Ok(Assignor::defaults(flavor));
    };
    let cooperative = list
        .iter()
        .filter(|a| **a == Assignor::CooperativeSticky)
        .count();
    if flavor == Flavor::KafkaPython && cooperative > 0 && cooperative < list.len() {
        return Err(invalid(
            ASSIGNMENT_STRATEGY,
            "kafka-python cannot mix cooperative-sticky with eager assignors in one consumer (KafkaConfigurationError)",
        ));
    }
    Ok(list)
}

/// `group.protocol`: the model's groups speak the classic protocol, which the Java client uses by default.
fn classic_protocol(flavor: Flavor, props: &Props) -> Result<(), ConfigError> {
    let Some(protocol) = props.str(GROUP_PROTOCOL)? else {
        return Ok(());
    };
    match (flavor, protocol.to_ascii_lowercase().as_str()) {
        (Flavor::KafkaPython, _) => Err(invalid(
            GROUP_PROTOCOL,
            "kafka-python has no such setting (KafkaConfigurationError: Unrecognized configs): it speaks only the classic group protocol",
        )),
        (Flavor::Java, "classic") => Ok(()),
        (Flavor::Java, "consumer") => Err(invalid(
            GROUP_PROTOCOL,
            "the consumer group protocol (KIP-848) is not modelled: the real Java client speaks it with Kafka 4.4, where the broker assigns partitions and each member learns of a change at its own heartbeat; the model's groups use the classic protocol, the client's default",
        )),
        _ => Err(invalid(GROUP_PROTOCOL, "must be \"classic\" or \"consumer\"")),
    }
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

/// The properties as written, read with the clients' leniency: values may be JSON strings, as in a
/// `.properties` file, or JSON numbers and booleans.
struct Props<'a>(&'a Map<String, Value>);

impl Props<'_> {
    fn check_keys(&self, known: &[&str], ignored: &[&str]) -> Result<(), ConfigError> {
        let unknown =
            self.0.keys().map(String::as_str).find(|k| {
                !known.contains(k) && !ignored.contains(k) && !IGNORED_COMMON.contains(k)
            });
        match unknown {
            Some(k) => Err(invalid(
                k,
                format!(
                    "unknown configuration key (supported: {})",
                    known.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(invalid(
                key,
                format!("expected a boolean, got {}", short(v)),
            )),
        }
    }

    fn u64(&self, key: &str) -> Result<Option<u64>, ConfigError> {
        let Some(v) = self.0.get(key) else {
            return Ok(None);
        };
        let parsed = match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        parsed.map(Some).ok_or_else(|| {
            invalid(
                key,
                format!("expected a non-negative integer, got {}", short(v)),
            )
        })
    }

    fn positive(&self, key: &str) -> Result<Option<u32>, ConfigError> {
        match self.u64(key)? {
            Some(0) => Err(invalid(key, "expected a positive integer")),
            n => Ok(n.map(|n| u32::try_from(n).unwrap_or(u32::MAX))),
        }
    }

    fn str(&self, key: &str) -> Result<Option<&str>, ConfigError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(invalid(key, format!("expected a string, got {}", short(v)))),
        }
    }

    /// A list of names: a JSON array of strings, or one string with commas as in a `.properties` file.
    fn names<T>(
        &self,
        key: &str,
        from_name: fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Option<Vec<T>>, ConfigError> {
        let items: Vec<&str> = match self.0.get(key) {
            None => return Ok(None),
            Some(Value::String(s)) => s.split(',').map(str::trim).collect(),
            Some(Value::Array(list)) => list
                .iter()
                .map(|v| v.as_str().map(str::trim))
                .collect::<Option<_>>()
                .ok_or_else(|| invalid(key, "expected a list of strings"))?,
            Some(v) => {
                return Err(invalid(
                    key,
                    format!("expected a string or a list of strings, got {}", short(v)),
                ))
            }
        };
        if items.iter().all(|s| s.is_empty()) {
            return Err(invalid(key, format!("expected at least one of {expected}")));
        }
        items
            .iter()
            .map(|s| {
                from_name(s)
                    .ok_or_else(|| invalid(key, format!("expected {expected}, got \"{s}\"")))
            })
            .collect::<Result<_, _>>()
            .map(Some)
    }

    /// One of a closed set of names (`expected` lists them for the learner).
    fn name<T>(
        &self,
        key: &str,
        from_name: fn(&str) -> Option<T>,
        expected: &str,
    ) -> Result<Option<T>, ConfigError> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) => from_name(s)
                .map(Some)
                .ok_or_else(|| invalid(key, format!("expected {expected}, got \"{s}\""))),
        }
    }
}

impl ProducerConfig {
    pub fn parse(flavor: Flavor, map: &Map<String, Value>) -> Result<Self, ConfigError> {
        let props = Props(map);
        props.check_keys(PRODUCER_KEYS, IGNORED_PRODUCER)?;
        let explicit_idem = props.bool(ENABLE_IDEMPOTENCE)?;
        let explicit_acks = match map.get(ACKS) {
            None => None,
            Some(v) => {
                let acks = match v {
                    Value::String(s) => Acks::from_name(s),
                    Value::Number(n) => n.as_i64().and_then(|n| Acks::from_name(&n.to_string())),
                    _ => None,
                };
                Some(acks.ok_or_else(|| {
                    invalid(
                        ACKS,
                        format!("expected \"0\", \"1\" or \"all\", got {}", short(v)),
                    )
                })?)
            }
        };
        let retries = props.u64(RETRIES)?.map_or(RETRIES_UNLIMITED, |n| {
            u32::try_from(n).unwrap_or(RETRIES_UNLIMITED)
        });
        let max_in_flight = props.positive(MAX_IN_FLIGHT)?.unwrap_or(5);
        // `null` is how a file says "not transactional" explicitly.
        let transactional_id = match map.get(TRANSACTIONAL_ID) {
            Some(Value::Null) => None,
            _ => props.str(TRANSACTIONAL_ID)?.map(str::to_owned),
        };
        let transaction_timeout_ms = props.u64(TRANSACTION_TIMEOUT_MS)?.unwrap_or(60_000);
        let transaction_version = match props.u64(TRANSACTION_VERSION)? {
            None => None,
            Some(v @ (1 | 2)) => Some(v as u8),
            Some(other) => {
                return Err(invalid(
                    TRANSACTION_VERSION,
                    format!("expected 1 or 2, got {other}"),
                ))
            }
        };
        let delivery_timeout_ms = props.u64(DELIVERY_TIMEOUT_MS)?.unwrap_or(120_000);
        let linger_ms = props.u64(LINGER_MS)?.unwrap_or(match flavor {
            Flavor::KafkaPython => 0,
            Flavor::Java => 5,
        });
        // A transactional.id implies idempotence in both clients.
        let explicit_idem = if transactional_id.is_some() && explicit_idem.is_none() {
            Some(true)
        } else {
            explicit_idem
        };
        let wants_idem = explicit_idem.unwrap_or(true);
        let acks = explicit_acks.unwrap_or(Acks::All);
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
            // Both clients silently turn default idempotence off when other settings conflict (P5).
            (true, None, Some(_)) => (false, None),
            (true, Some(_), Some(why)) => (false, Some(why)),
        };
        let pipelined = match flavor {
            Flavor::KafkaPython if idempotence => 1,
            _ => max_in_flight,
        };
        Ok(Self {
            acks,
            retries,
            pipelined,
            idempotence,
            config_error,
            transactional_id,
            transaction_timeout_ms,
            transaction_version,
            delivery_timeout_ms,
            linger_ms,
        })
    }
}

impl ConsumerConfig {
    pub fn parse(flavor: Flavor, map: &Map<String, Value>) -> Result<Self, ConfigError> {
        let props = Props(map);
        props.check_keys(CONSUMER_KEYS, IGNORED_CONSUMER)?;
        let group_id = props.str(GROUP_ID)?.ok_or_else(|| {
            invalid(
                GROUP_ID,
                "required: the model's consumers always belong to a group",
            )
        })?;
        if group_id.is_empty() {
            return Err(invalid(GROUP_ID, "must not be empty"));
        }
        classic_protocol(flavor, &props)?;
        Ok(Self {
            group_id: group_id.to_owned(),
            enable_auto_commit: props.bool(ENABLE_AUTO_COMMIT)?.unwrap_or(true),
            auto_commit_interval_ms: props.u64(AUTO_COMMIT_INTERVAL_MS)?.unwrap_or(5_000),
            auto_offset_reset: props
                .name(
                    AUTO_OFFSET_RESET,
                    OffsetReset::from_name,
                    "\"earliest\", \"latest\" or \"none\"",
                )?
                .unwrap_or(OffsetReset::Latest),
            session_timeout_ms: props.u64(SESSION_TIMEOUT_MS)?.unwrap_or(45_000),
            max_poll_records: props.positive(MAX_POLL_RECORDS)?.unwrap_or(500),
            isolation_level: props
                .name(
                    ISOLATION_LEVEL,
                    IsolationLevel::from_name,
                    "\"read_uncommitted\" or \"read_committed\"",
                )?
                .unwrap_or(IsolationLevel::ReadUncommitted),
            max_poll_interval_ms: props.positive(MAX_POLL_INTERVAL_MS)?.unwrap_or(300_000) as u64,
            group_instance_id: match props.str(GROUP_INSTANCE_ID)? {
                Some("") => return Err(invalid(GROUP_INSTANCE_ID, "must not be empty")),
                id => id.map(str::to_owned),
            },
            assignors: assignors(flavor, &props)?,
        })
    }
}
