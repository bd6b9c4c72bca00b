//! Scenario input: parsed into `serde_json::Value` first, then validated by hand so that every error names
//! the field (and the step index) instead of a serde type path.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use thiserror::Error;

use crate::action::Action;
use crate::config::{short, ConsumerConfig, Flavor, ProducerConfig};
use crate::ids::{ClientIdx, GroupIdx, MessageId, Offset, TopicIdx, TopicPartition};

/// Why a scenario was refused. Displayed as one line: where, then what.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScenarioError {
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl ScenarioError {
    fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    /// `unclean.leader.election.enable` (default false, D4).
    pub unclean_leader_election: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerSpec {
    pub id: String,
    pub config: ProducerConfig,
    /// The configuration as written, for exporting the scenario again.
    pub raw_config: Map<String, Value>,
    /// Index of its transactional.id in `Setup::transactional_ids`.
    pub txn: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerSpec {
    pub id: String,
    pub subscribe: Vec<TopicIdx>,
    pub group: GroupIdx,
    pub config: ConsumerConfig,
    /// The configuration as written, for exporting the scenario again.
    pub raw_config: Map<String, Value>,
}

/// The fixed part of a scenario: what exists and how it is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub title: Option<String>,
    pub flavor: Flavor,
    pub seed: u64,
    pub topics: Vec<TopicSpec>,
    pub producers: Vec<ProducerSpec>,
    pub consumers: Vec<ConsumerSpec>,
    /// Group ids in order of first appearance among the consumers.
    pub groups: Vec<String>,
    /// As many brokers as the largest replication factor asks for (at least one).
    pub brokers: u16,
    /// The distinct transactional.ids, in order of first appearance among the producers.
    pub transactional_ids: Vec<String>,
    /// Scenario-level `transaction.version` (T11): 1 (default) or 2.
    pub transaction_version: u8,
    /// Broker `transaction.abort.timed.out.transaction.cleanup.interval.ms` (default 10000, T9).
    pub txn_cleanup_interval_ms: u64,
    /// Broker `replica.lag.time.max.ms` (default 30000, D1).
    pub replica_lag_time_max_ms: u64,
}

impl Setup {
    pub fn topic_by_name(&self, name: &str) -> Option<TopicIdx> {
        self.topics
            .iter()
            .position(|t| t.name == name)
            .map(|i| TopicIdx(i as u16))
    }
}

/// A validated scenario: the set-up, the interned texts (values and keys), and the steps as actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    pub setup: Setup,
    pub texts: Vec<String>,
    pub steps: Vec<Action>,
}

const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "flavor",
    "seed",
    "topics",
    "producers",
    "consumers",
    "steps",
    "transaction.version",
    "broker",
];
const MAX_TOPICS: usize = 64;
const MAX_PARTITIONS: u64 = 64;
const MAX_CLIENTS: usize = 64;
const MAX_REPLICATION: u64 = 9;

fn json_error(e: serde_json::Error) -> ScenarioError {
    ScenarioError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    }
}

/// Parse and validate a scenario from JSON text.
pub fn parse_scenario(text: &str) -> Result<Scenario, ScenarioError> {
    let value: Value = serde_json::from_str(text).map_err(json_error)?;
    scenario_from_value(&value)
}

fn expect_object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ScenarioError> {
    v.as_object()
        .ok_or_else(|| ScenarioError::at(path, format!("expected an object, got {}", short(v))))
}

fn expect_array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, ScenarioError> {
    v.as_array()
        .ok_or_else(|| ScenarioError::at(path, format!("expected an array, got {}", short(v))))
}

fn expect_string<'a>(v: &'a Value, path: &str) -> Result<&'a str, ScenarioError> {
    v.as_str()
        .ok_or_else(|| ScenarioError::at(path, format!("expected a string, got {}", short(v))))
}

fn expect_u64(v: &Value, path: &str) -> Result<u64, ScenarioError> {
    v.as_u64().ok_or_else(|| {
        ScenarioError::at(
            path,
            format!("expected a non-negative integer, got {}", short(v)),
        )
    })
}

fn expect_positive(v: &Value, path: &str, max: u64) -> Result<u64, ScenarioError> {
    match v.as_u64() {
        Some(n) if n >= 1 && n <= max => Ok(n),
        _ => Err(ScenarioError::at(
            path,
            format!(
                "expected a positive integer (at most {max}), got {}",
                short(v)
            ),
        )),
    }
}

fn check_keys(map: &Map<String, Value>, path: &str, allowed: &[&str]) -> Result<(), ScenarioError> {
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            return Err(ScenarioError::at(
                format!("{path}.\"{key}\""),
                format!("unknown field (expected one of: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(())
}

fn unique_id<'a>(
    map: &'a Map<String, Value>,
    path: &str,
    seen: &mut BTreeMap<String, String>,
) -> Result<&'a str, ScenarioError> {
    let id = match map.get("id") {
        Some(v) => expect_string(v, &format!("{path}.id"))?,
        None => return Err(ScenarioError::at(format!("{path}.id"), "required")),
    };
    if id.is_empty() {
        return Err(ScenarioError::at(format!("{path}.id"), "must not be empty"));
    }
    if let Some(other) = seen.insert(id.to_owned(), path.to_owned()) {
        return Err(ScenarioError::at(
            format!("{path}.id"),
            format!("\"{id}\" is already used by {other}"),
        ));
    }
    Ok(id)
}

pub fn scenario_from_value(value: &Value) -> Result<Scenario, ScenarioError> {
    let root = expect_object(value, "scenario")?;
    check_keys(root, "scenario", TOP_KEYS)?;
    let title = match root.get("title") {
        Some(v) => Some(expect_string(v, "title")?.to_owned()),
        None => None,
    };
    if let Some(v) = root.get("description") {
        expect_string(v, "description")?;
    }
    let flavor = match root.get("flavor") {
        None => Flavor::KafkaPython,
        Some(v) => match expect_string(v, "flavor")? {
            "kafka-python" => Flavor::KafkaPython,
            "java" => Flavor::Java,
            other => {
                return Err(ScenarioError::at(
                    "flavor",
                    format!("unknown flavor \"{other}\" (expected \"kafka-python\" or \"java\")"),
                ))
            }
        },
    };
    let seed = match root.get("seed") {
        Some(v) => expect_u64(v, "seed")?,
        None => 0,
    };

    // Topics.
    let mut topics = Vec::new();
    if let Some(v) = root.get("topics") {
        let arr = expect_array(v, "topics")?;
        if arr.len() > MAX_TOPICS {
            return Err(ScenarioError::at(
                "topics",
                format!("at most {MAX_TOPICS} topics"),
            ));
        }
        for (i, t) in arr.iter().enumerate() {
            let path = format!("topics[{i}]");
            let map = expect_object(t, &path)?;
            check_keys(
                map,
                &path,
                &[
                    "name",
                    "partitions",
                    "replication.factor",
                    "min.insync.replicas",
                    "unclean.leader.election.enable",
                ],
            )?;
            let name = match map.get("name") {
                Some(v) => expect_string(v, &format!("{path}.name"))?,
                None => return Err(ScenarioError::at(format!("{path}.name"), "required")),
            };
            if name.is_empty() {
                return Err(ScenarioError::at(
                    format!("{path}.name"),
                    "must not be empty",
                ));
            }
            if topics.iter().any(|t: &TopicSpec| t.name == name) {
                return Err(ScenarioError::at(
                    format!("{path}.name"),
                    format!("topic \"{name}\" is declared twice"),
                ));
            }
            let partitions = match map.get("partitions") {
                Some(v) => expect_positive(v, &format!("{path}.partitions"), MAX_PARTITIONS)?,
                None => 1,
            } as u32;
            let replication_factor = match map.get("replication.factor") {
                Some(v) => {
                    expect_positive(v, &format!("{path}.replication.factor"), MAX_REPLICATION)?
                }
                None => 1,
            } as u32;
            let min_insync_replicas = match map.get("min.insync.replicas") {
                Some(v) => {
                    expect_positive(v, &format!("{path}.min.insync.replicas"), MAX_REPLICATION)?
                }
                None => 1,
            } as u32;
            let unclean_leader_election = match map.get("unclean.leader.election.enable") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(Value::String(s)) if s == "true" || s == "false" => s == "true",
                Some(v) => {
                    return Err(ScenarioError::at(
                        format!("{path}.unclean.leader.election.enable"),
                        format!("expected a boolean, got {}", short(v)),
                    ))
                }
            };
            topics.push(TopicSpec {
                name: name.to_owned(),
                partitions,
                replication_factor,
                min_insync_replicas,
                unclean_leader_election,
            });
        }
    }
    let brokers = topics
        .iter()
        .map(|t| t.replication_factor)
        .max()
        .unwrap_or(1)
        .max(1) as u16;

    let transaction_version = match root.get("transaction.version") {
        None => 1,
        Some(v) => match v.as_u64() {
            Some(n @ (1 | 2)) => n as u8,
            _ => {
                return Err(ScenarioError::at(
                    "transaction.version",
                    format!("expected 1 or 2, got {}", short(v)),
                ))
            }
        },
    };
    let mut txn_cleanup_interval_ms = 10_000;
    let mut replica_lag_time_max_ms = 30_000;
    if let Some(v) = root.get("broker") {
        let map = expect_object(v, "broker")?;
        const CLEANUP: &str = "transaction.abort.timed.out.transaction.cleanup.interval.ms";
        const LAG: &str = "replica.lag.time.max.ms";
        check_keys(map, "broker", &[CLEANUP, LAG])?;
        if let Some(v) = map.get(CLEANUP) {
            txn_cleanup_interval_ms = expect_positive(v, &format!("broker.{CLEANUP}"), u64::MAX)?;
        }
        if let Some(v) = map.get(LAG) {
            replica_lag_time_max_ms = expect_u64(v, &format!("broker.{LAG}"))?;
        }
    }

    let mut ids = BTreeMap::new();

    // Producers.
    let mut producers = Vec::new();
    let mut transactional_ids: Vec<String> = Vec::new();
    if let Some(v) = root.get("producers") {
        let arr = expect_array(v, "producers")?;
        if arr.len() > MAX_CLIENTS {
            return Err(ScenarioError::at(
                "producers",
                format!("at most {MAX_CLIENTS} producers"),
            ));
        }
        for (i, p) in arr.iter().enumerate() {
            let path = format!("producers[{i}]");
            let map = expect_object(p, &path)?;
            check_keys(map, &path, &["id", "config"])?;
            let id = unique_id(map, &path, &mut ids)?;
            let empty = Map::new();
            let cfg = match map.get("config") {
                Some(v) => expect_object(v, &format!("{path}.config"))?,
                None => &empty,
            };
            let config = ProducerConfig::parse(flavor, cfg, &format!("{path}.config"))?;
            let txn = config.transactional_id.as_ref().map(|t| {
                match transactional_ids.iter().position(|x| x == t) {
                    Some(i) => i as u16,
                    None => {
                        transactional_ids.push(t.clone());
                        (transactional_ids.len() - 1) as u16
                    }
                }
            });
            producers.push(ProducerSpec {
                id: id.to_owned(),
                config,
                raw_config: cfg.clone(),
                txn,
            });
        }
    }

    // Consumers.
    let mut consumers = Vec::new();
    let mut groups: Vec<String> = Vec::new();
    if let Some(v) = root.get("consumers") {
        let arr = expect_array(v, "consumers")?;
        if arr.len() > MAX_CLIENTS {
            return Err(ScenarioError::at(
                "consumers",
                format!("at most {MAX_CLIENTS} consumers"),
            ));
        }
        for (i, c) in arr.iter().enumerate() {
            let path = format!("consumers[{i}]");
            let map = expect_object(c, &path)?;
            check_keys(map, &path, &["id", "subscribe", "config"])?;
            let id = unique_id(map, &path, &mut ids)?;
            let mut subscribe = Vec::new();
            match map.get("subscribe") {
                Some(v) => {
                    let spath = format!("{path}.subscribe");
                    for (j, t) in expect_array(v, &spath)?.iter().enumerate() {
                        let tpath = format!("{spath}[{j}]");
                        let name = expect_string(t, &tpath)?;
                        let topic =
                            topics.iter().position(|t| t.name == name).ok_or_else(|| {
                                ScenarioError::at(&tpath, format!("unknown topic \"{name}\""))
                            })?;
                        let topic = TopicIdx(topic as u16);
                        if !subscribe.contains(&topic) {
                            subscribe.push(topic);
                        }
                    }
                }
                None => return Err(ScenarioError::at(format!("{path}.subscribe"), "required")),
            }
            let empty = Map::new();
            let cfg = match map.get("config") {
                Some(v) => expect_object(v, &format!("{path}.config"))?,
                None => &empty,
            };
            let config = ConsumerConfig::parse(flavor, cfg, &format!("{path}.config"))?;
            let group = match groups.iter().position(|g| *g == config.group_id) {
                Some(g) => g,
                None => {
                    groups.push(config.group_id.clone());
                    groups.len() - 1
                }
            };
            consumers.push(ConsumerSpec {
                id: id.to_owned(),
                subscribe,
                group: GroupIdx(group as u16),
                config,
                raw_config: cfg.clone(),
            });
        }
    }

    let setup = Setup {
        title,
        flavor,
        seed,
        topics,
        producers,
        consumers,
        groups,
        brokers,
        transactional_ids,
        transaction_version,
        txn_cleanup_interval_ms,
        replica_lag_time_max_ms,
    };

    let mut texts = Texts::default();
    let mut steps = Vec::new();
    match root.get("steps") {
        Some(v) => {
            let arr = expect_array(v, "steps")?;
            for (i, s) in arr.iter().enumerate() {
                steps.push(parse_step(&setup, &mut texts, i, s)?);
            }
        }
        None => return Err(ScenarioError::at("steps", "required")),
    }
    Ok(Scenario {
        setup,
        texts: texts.list,
        steps,
    })
}

/// Interns record values and keys so that actions carry small ids.
#[derive(Default)]
struct Texts {
    list: Vec<String>,
    index: BTreeMap<String, MessageId>,
}

impl Texts {
    fn intern(&mut self, s: &str) -> MessageId {
        if let Some(id) = self.index.get(s) {
            return *id;
        }
        let id = MessageId(self.list.len() as u32);
        self.list.push(s.to_owned());
        self.index.insert(s.to_owned(), id);
        id
    }
}

const PRODUCER_OPS: &[&str] = &[
    "send",
    "flush",
    "lose_next_ack",
    "lose_next_request",
    "init_transactions",
    "begin_transaction",
    "commit_transaction",
    "abort_transaction",
    "send_offsets_to_transaction",
    "crash",
    "restart",
];
const CONSUMER_OPS: &[&str] = &[
    "poll", "process", "commit", "seek", "close", "crash", "restart",
];
const CLUSTER_OPS: &[&str] = &[
    "advance",
    "crash_broker",
    "restart_broker",
    "pause_replication",
    "resume_replication",
];

struct StepCtx<'a> {
    index: usize,
    map: &'a Map<String, Value>,
    setup: &'a Setup,
}

impl StepCtx<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::at(format!("step {}: field \"{field}\"", self.index), message)
    }

    fn allow(&self, op: &str, allowed: &[&str]) -> Result<(), ScenarioError> {
        for key in self.map.keys() {
            if key != "actor" && key != "op" && key != "note" && !allowed.contains(&key.as_str()) {
                let list = if allowed.is_empty() {
                    "none".to_owned()
                } else {
                    allowed.join(", ")
                };
                return Err(self.err(
                    key,
                    format!("not allowed for op \"{op}\" (allowed besides actor and op: {list})"),
                ));
            }
        }
        Ok(())
    }

    fn string(&self, field: &str) -> Result<Option<&str>, ScenarioError> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.err(field, format!("expected a string, got {}", short(v)))),
        }
    }

    fn u64(&self, field: &str) -> Result<Option<u64>, ScenarioError> {
        match self.map.get(field) {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                self.err(
                    field,
                    format!("expected a non-negative integer, got {}", short(v)),
                )
            }),
        }
    }

    fn topic(&self, field: &str) -> Result<TopicIdx, ScenarioError> {
        match self.string(field)? {
            Some(name) => self
                .setup
                .topic_by_name(name)
                .ok_or_else(|| self.err(field, format!("unknown topic \"{name}\""))),
            None => Err(self.err(field, "required")),
        }
    }

    fn partition(&self, topic: TopicIdx, value: Option<&Value>) -> Result<u32, ScenarioError> {
        let partitions = self.setup.topics[topic.0 as usize].partitions;
        match value {
            None if partitions == 1 => Ok(0),
            None => Err(self.err(
                "partition",
                format!(
                    "required: topic \"{}\" has {partitions} partitions",
                    self.setup.topics[topic.0 as usize].name
                ),
            )),
            Some(v) => match v.as_u64() {
                Some(p) if p < u64::from(partitions) => Ok(p as u32),
                _ => Err(self.err(
                    "partition",
                    format!(
                        "expected a partition number of topic \"{}\" (0..{}), got {}",
                        self.setup.topics[topic.0 as usize].name,
                        partitions - 1,
                        short(v)
                    ),
                )),
            },
        }
    }
}

fn parse_step(
    setup: &Setup,
    texts: &mut Texts,
    index: usize,
    value: &Value,
) -> Result<Action, ScenarioError> {
    let map = value.as_object().ok_or_else(|| {
        ScenarioError::at(
            format!("step {index}"),
            format!(
                "expected an object with fields \"actor\" and \"op\", got {}",
                short(value)
            ),
        )
    })?;
    let cx = StepCtx { index, map, setup };
    if let Some(v) = map.get("note") {
        if !v.is_string() {
            return Err(cx.err("note", format!("expected a string, got {}", short(v))));
        }
    }
    let op = match map.get("op") {
        Some(Value::String(s)) => s.as_str(),
        Some(v) => return Err(cx.err("op", format!("expected a string, got {}", short(v)))),
        None => return Err(cx.err("op", "required")),
    };
    let actor = cx.string("actor")?;
    let producer = actor.and_then(|a| setup.producers.iter().position(|p| p.id == a));
    let consumer = actor.and_then(|a| setup.consumers.iter().position(|c| c.id == a));
    let all_ops = || {
        let mut all: Vec<&str> = PRODUCER_OPS.to_vec();
        for op in CONSUMER_OPS.iter().chain(CLUSTER_OPS) {
            if !all.contains(op) {
                all.push(op);
            }
        }
        all.join(", ")
    };
    if CLUSTER_OPS.contains(&op) {
        if let Some(a) = actor {
            return Err(cx.err(
                "actor",
                format!("op \"{op}\" is done by the cluster and takes no actor, got \"{a}\""),
            ));
        }
        return parse_cluster_step(&cx, op);
    }
    if !PRODUCER_OPS.contains(&op) && !CONSUMER_OPS.contains(&op) {
        return Err(cx.err(
            "op",
            format!("unknown op \"{op}\" (expected one of: {})", all_ops()),
        ));
    }
    let Some(actor) = actor else {
        return Err(cx.err("actor", format!("required for op \"{op}\"")));
    };
    if let Some(p) = producer {
        if !PRODUCER_OPS.contains(&op) {
            return Err(cx.err(
                "op",
                format!(
                    "\"{actor}\" is a producer; op \"{op}\" is not a producer op (expected one of: {})",
                    PRODUCER_OPS.join(", ")
                ),
            ));
        }
        return parse_producer_step(&cx, texts, ClientIdx(p as u16), op);
    }
    if let Some(c) = consumer {
        if !CONSUMER_OPS.contains(&op) {
            return Err(cx.err(
                "op",
                format!(
                    "\"{actor}\" is a consumer; op \"{op}\" is not a consumer op (expected one of: {})",
                    CONSUMER_OPS.join(", ")
                ),
            ));
        }
        return parse_consumer_step(&cx, ClientIdx(c as u16), op);
    }
    Err(cx.err(
        "actor",
        format!("unknown client \"{actor}\" (not a declared producer or consumer)"),
    ))
}

fn parse_cluster_step(cx: &StepCtx<'_>, op: &str) -> Result<Action, ScenarioError> {
    match op {
        "advance" => {
            cx.allow(op, &["ms"])?;
            let ms = match cx.map.get("ms") {
                Some(v) => v.as_u64().ok_or_else(|| {
                    cx.err(
                        "ms",
                        format!(
                            "expected a non-negative integer of milliseconds, got {}",
                            short(v)
                        ),
                    )
                })?,
                None => return Err(cx.err("ms", "required")),
            };
            Ok(Action::ClockAdvance { ms })
        }
        "crash_broker" | "restart_broker" => {
            cx.allow(op, &["broker"])?;
            let broker = match cx.u64("broker")? {
                Some(b) if b < u64::from(cx.setup.brokers) => b as u16,
                Some(b) => {
                    return Err(cx.err(
                        "broker",
                        format!(
                            "broker {b} does not exist (the cluster has {} brokers)",
                            cx.setup.brokers
                        ),
                    ))
                }
                None => return Err(cx.err("broker", "required")),
            };
            Ok(if op == "crash_broker" {
                Action::BrokerCrash { broker }
            } else {
                Action::BrokerRestart { broker }
            })
        }
        _ => {
            cx.allow(op, &["broker"])?;
            let broker = match cx.u64("broker")? {
                Some(b) if b < u64::from(cx.setup.brokers) => Some(b as u16),
                Some(b) => {
                    return Err(cx.err(
                        "broker",
                        format!(
                            "broker {b} does not exist (the cluster has {} brokers)",
                            cx.setup.brokers
                        ),
                    ))
                }
                None => None,
            };
            Ok(match (op == "pause_replication", broker) {
                (true, None) => Action::ReplicationPause,
                (false, None) => Action::ReplicationResume,
                (true, Some(broker)) => Action::BrokerPauseReplication { broker },
                (false, Some(broker)) => Action::BrokerResumeReplication { broker },
            })
        }
    }
}

fn parse_producer_step(
    cx: &StepCtx<'_>,
    texts: &mut Texts,
    producer: ClientIdx,
    op: &str,
) -> Result<Action, ScenarioError> {
    Ok(match op {
        "send" => {
            cx.allow(op, &["topic", "partition", "key", "value"])?;
            let topic = cx.topic("topic")?;
            let partition = match cx.map.get("partition") {
                Some(v) => Some(cx.partition(topic, Some(v))?),
                None => None,
            };
            let key = cx.string("key")?.map(|k| texts.intern(k));
            let value = match cx.map.get("value") {
                Some(Value::String(s)) => texts.intern(s),
                Some(v) => {
                    return Err(cx.err(
                        "value",
                        format!("expected a string (the record value), got {}", short(v)),
                    ))
                }
                None => return Err(cx.err("value", "required")),
            };
            Action::ProducerSend {
                producer,
                topic,
                partition,
                key,
                value,
            }
        }
        "send_offsets_to_transaction" => {
            cx.allow(op, &["consumer"])?;
            let consumer = match cx.string("consumer")? {
                Some(name) => cx
                    .setup
                    .consumers
                    .iter()
                    .position(|c| c.id == name)
                    .ok_or_else(|| cx.err("consumer", format!("unknown consumer \"{name}\"")))?,
                None => return Err(cx.err("consumer", "required")),
            };
            Action::ProducerSendOffsetsToTransaction {
                producer,
                consumer: ClientIdx(consumer as u16),
            }
        }
        other => {
            cx.allow(op, &[])?;
            match other {
                "flush" => Action::ProducerFlush { producer },
                "lose_next_ack" => Action::ProducerLoseNextAck { producer },
                "lose_next_request" => Action::ProducerLoseNextRequest { producer },
                "init_transactions" => Action::ProducerInitTransactions { producer },
                "begin_transaction" => Action::ProducerBeginTransaction { producer },
                "commit_transaction" => Action::ProducerCommitTransaction { producer },
                "abort_transaction" => Action::ProducerAbortTransaction { producer },
                "crash" => Action::ProducerCrash { producer },
                _ => Action::ProducerRestart { producer },
            }
        }
    })
}

fn parse_consumer_step(
    cx: &StepCtx<'_>,
    consumer: ClientIdx,
    op: &str,
) -> Result<Action, ScenarioError> {
    Ok(match op {
        "process" => {
            cx.allow(op, &["fail", "idempotent"])?;
            let flag = |key: &str| match cx.map.get(key) {
                None => Ok(false),
                Some(Value::Bool(b)) => Ok(*b),
                Some(v) => Err(cx.err(key, format!("expected a boolean, got {}", short(v)))),
            };
            Action::ConsumerProcess {
                consumer,
                fail: flag("fail")?,
                idempotent: flag("idempotent")?,
            }
        }
        "commit" => {
            cx.allow(op, &["offsets"])?;
            let offsets = match cx.map.get("offsets") {
                None | Some(Value::Null) => None,
                Some(Value::Array(items)) => {
                    let mut list = Vec::with_capacity(items.len());
                    for (j, item) in items.iter().enumerate() {
                        let field = format!("offsets[{j}]");
                        let m = item.as_object().ok_or_else(|| {
                            cx.err(
                                &field,
                                format!(
                                    "expected an object with topic, partition, offset, got {}",
                                    short(item)
                                ),
                            )
                        })?;
                        for k in m.keys() {
                            if !["topic", "partition", "offset"].contains(&k.as_str()) {
                                return Err(cx.err(
                                    &format!("{field}.{k}"),
                                    "unknown field (expected one of: topic, partition, offset)",
                                ));
                            }
                        }
                        let sub = StepCtx {
                            index: cx.index,
                            map: m,
                            setup: cx.setup,
                        };
                        let topic = sub.topic("topic").map_err(|_| {
                            cx.err(
                                &format!("{field}.topic"),
                                "expected the name of a declared topic",
                            )
                        })?;
                        let partition =
                            sub.partition(topic, m.get("partition"))
                                .map_err(|e| match e {
                                    ScenarioError::Invalid { message, .. } => {
                                        cx.err(&format!("{field}.partition"), message)
                                    }
                                    other => other,
                                })?;
                        let offset = match m.get("offset") {
                            Some(v) => v.as_u64().ok_or_else(|| {
                                cx.err(
                                    &format!("{field}.offset"),
                                    format!("expected a non-negative integer, got {}", short(v)),
                                )
                            })?,
                            None => return Err(cx.err(&format!("{field}.offset"), "required")),
                        };
                        list.push((TopicPartition::new(topic, partition), Offset(offset)));
                    }
                    Some(list)
                }
                Some(v) => {
                    return Err(cx.err(
                        "offsets",
                        format!(
                            "expected an array of {{topic, partition, offset}}, got {}",
                            short(v)
                        ),
                    ))
                }
            };
            Action::ConsumerCommit { consumer, offsets }
        }
        "seek" => {
            cx.allow(op, &["topic", "partition", "offset"])?;
            let topic = cx.topic("topic")?;
            let partition = cx.partition(topic, cx.map.get("partition"))?;
            let offset = match cx.u64("offset")? {
                Some(o) => o,
                None => return Err(cx.err("offset", "required")),
            };
            Action::ConsumerSeek {
                consumer,
                tp: TopicPartition::new(topic, partition),
                offset: Offset(offset),
            }
        }
        other => {
            cx.allow(op, &[])?;
            match other {
                "poll" => Action::ConsumerPoll { consumer },
                "close" => Action::ConsumerClose { consumer },
                "crash" => Action::ConsumerCrash { consumer },
                _ => Action::ConsumerRestart { consumer },
            }
        }
    })
}

/// Write a scenario back as JSON (for export, shared links, lessons): the set-up as written and the steps.
/// `ProducerSendNextOrder` has no value of its own: [`crate::Timeline::to_scenario_json`] writes the value it
/// generated; here it is written as a send of the text `"<next order>"`.
pub fn scenario_to_json(setup: &Setup, texts: &[String], steps: &[Action]) -> Value {
    use serde_json::json;
    let topic = |t: TopicIdx| setup.topics[t.0 as usize].name.clone();
    let text = |m: MessageId| texts.get(m.0 as usize).cloned().unwrap_or_default();
    let producer = |c: ClientIdx| setup.producers[c.0 as usize].id.clone();
    let consumer = |c: ClientIdx| setup.consumers[c.0 as usize].id.clone();
    let steps: Vec<Value> = steps
        .iter()
        .map(|a| {
            let mut m = Map::new();
            match a.actor() {
                crate::action::Actor::Producer(p) => {
                    m.insert("actor".into(), json!(producer(p)));
                }
                crate::action::Actor::Consumer(c) => {
                    m.insert("actor".into(), json!(consumer(c)));
                }
                crate::action::Actor::Cluster => {}
            }
            m.insert("op".into(), json!(a.op_name()));
            match a {
                Action::ProducerSend {
                    topic: t,
                    partition,
                    key,
                    value,
                    ..
                } => {
                    m.insert("topic".into(), json!(topic(*t)));
                    if let Some(p) = partition {
                        m.insert("partition".into(), json!(p));
                    }
                    if let Some(k) = key {
                        m.insert("key".into(), json!(text(*k)));
                    }
                    m.insert("value".into(), json!(text(*value)));
                }
                Action::ProducerSendNextOrder { topic: t, .. } => {
                    m.insert("topic".into(), json!(topic(*t)));
                    m.insert("value".into(), json!("<next order>"));
                }
                Action::ProducerSendOffsetsToTransaction { consumer: c, .. } => {
                    m.insert("consumer".into(), json!(consumer(*c)));
                }
                Action::ConsumerProcess {
                    fail, idempotent, ..
                } => {
                    if *fail {
                        m.insert("fail".into(), json!(true));
                    }
                    if *idempotent {
                        m.insert("idempotent".into(), json!(true));
                    }
                }
                Action::ConsumerCommit {
                    offsets: Some(list),
                    ..
                } => {
                    let list: Vec<Value> = list
                        .iter()
                        .map(|(tp, o)| json!({"topic": topic(tp.topic), "partition": tp.partition, "offset": o.0}))
                        .collect();
                    m.insert("offsets".into(), Value::Array(list));
                }
                Action::ConsumerSeek { tp, offset, .. } => {
                    m.insert("topic".into(), json!(topic(tp.topic)));
                    m.insert("partition".into(), json!(tp.partition));
                    m.insert("offset".into(), json!(offset.0));
                }
                Action::ClockAdvance { ms } => {
                    m.insert("ms".into(), json!(ms));
                }
                Action::BrokerCrash { broker }
                | Action::BrokerRestart { broker }
                | Action::BrokerPauseReplication { broker }
                | Action::BrokerResumeReplication { broker } => {
                    m.insert("broker".into(), json!(broker));
                }
                _ => {}
            }
            Value::Object(m)
        })
        .collect();
    let mut root = Map::new();
    if let Some(t) = &setup.title {
        root.insert("title".into(), json!(t));
    }
    root.insert("flavor".into(), json!(setup.flavor.name()));
    root.insert("seed".into(), json!(setup.seed));
    if setup.transaction_version != 1 {
        root.insert(
            "transaction.version".into(),
            json!(setup.transaction_version),
        );
    }
    let mut broker = Map::new();
    if setup.txn_cleanup_interval_ms != 10_000 {
        broker.insert(
            "transaction.abort.timed.out.transaction.cleanup.interval.ms".into(),
            json!(setup.txn_cleanup_interval_ms),
        );
    }
    if setup.replica_lag_time_max_ms != 30_000 {
        broker.insert(
            "replica.lag.time.max.ms".into(),
            json!(setup.replica_lag_time_max_ms),
        );
    }
    if !broker.is_empty() {
        root.insert("broker".into(), Value::Object(broker));
    }
    root.insert(
        "topics".into(),
        Value::Array(
            setup
                .topics
                .iter()
                .map(|t| {
                    let mut m = Map::new();
                    m.insert("name".into(), json!(t.name));
                    m.insert("partitions".into(), json!(t.partitions));
                    m.insert("replication.factor".into(), json!(t.replication_factor));
                    if t.min_insync_replicas != 1 {
                        m.insert("min.insync.replicas".into(), json!(t.min_insync_replicas));
                    }
                    if t.unclean_leader_election {
                        m.insert("unclean.leader.election.enable".into(), json!(true));
                    }
                    Value::Object(m)
                })
                .collect(),
        ),
    );
    root.insert(
        "producers".into(),
        Value::Array(
            setup
                .producers
                .iter()
                .map(|p| json!({"id": p.id, "config": Value::Object(p.raw_config.clone())}))
                .collect(),
        ),
    );
    root.insert(
        "consumers".into(),
        Value::Array(
            setup
                .consumers
                .iter()
                .map(|c| {
                    json!({
                        "id": c.id,
                        "subscribe": c.subscribe.iter().map(|t| topic(*t)).collect::<Vec<_>>(),
                        "config": Value::Object(c.raw_config.clone()),
                    })
                })
                .collect(),
        ),
    );
    root.insert("steps".into(), Value::Array(steps));
    Value::Object(root)
}
