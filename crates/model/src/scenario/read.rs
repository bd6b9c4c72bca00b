//! Reading a scenario file: JSON → [`Scenario`]. The set-up is built with [`Setup`]'s own methods, each step
//! is checked against the op table and its names resolved to ids, and every refusal names the field (and the
//! step) — never a panic.

use serde_json::{Map, Value};

use super::setup::{
    OnRevoke, Properties, CLEANUP_INTERVAL, MAX_ADVANCE_MS, MAX_OFFSET, MAX_STEPS,
    ON_PARTITIONS_REVOKED, REPLICA_LAG,
};
use super::{Scenario, ScenarioError, Setup, Texts, TopicSpec};
use crate::action::{Action, Actor};
use crate::config::{short, Flavor};
use crate::ids::{Offset, TopicIdx, TopicPartition};
use crate::op::field::*;
use crate::op::{Op, OFFSET_FIELDS};

const SCENARIO_FIELDS: &[&str] = &[
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
const TOPIC_FIELDS: &[&str] = &[
    "name",
    "partitions",
    "replication.factor",
    "min.insync.replicas",
    "unclean.leader.election.enable",
];

/// Parse and validate a scenario from JSON text.
pub fn parse_scenario(text: &str) -> Result<Scenario, ScenarioError> {
    let value: Value = serde_json::from_str(text).map_err(ScenarioError::json)?;
    scenario_from_value(&value)
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ScenarioError> {
    v.as_object()
        .ok_or_else(|| ScenarioError::at(path, format!("expected an object, got {}", short(v))))
}

fn array<'a>(v: &'a Value, path: &str) -> Result<&'a Vec<Value>, ScenarioError> {
    v.as_array()
        .ok_or_else(|| ScenarioError::at(path, format!("expected an array, got {}", short(v))))
}

fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str, ScenarioError> {
    v.as_str()
        .ok_or_else(|| ScenarioError::at(path, format!("expected a string, got {}", short(v))))
}

fn whole(v: &Value, path: &str, what: &str) -> Result<u64, ScenarioError> {
    v.as_u64()
        .ok_or_else(|| ScenarioError::at(path, format!("expected {what}, got {}", short(v))))
}

/// `items`, if there are no more than `max` of them.
fn at_most<'a>(items: &'a [Value], path: &str, max: usize) -> Result<&'a [Value], ScenarioError> {
    if items.len() > max {
        return Err(ScenarioError::at(
            path,
            format!("at most {max} {path}, got {}", items.len()),
        ));
    }
    Ok(items)
}

/// A count the set-up checks further (at least one, at most its limit).
fn count(v: &Value, path: &str) -> Result<u32, ScenarioError> {
    let n = whole(v, path, "a positive integer")?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

fn check_fields(
    map: &Map<String, Value>,
    path: &str,
    allowed: &[&str],
) -> Result<(), ScenarioError> {
    match map.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(ScenarioError::at(
            format!("{path}.\"{key}\""),
            format!("unknown field (expected one of: {})", allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

fn required<'a>(
    map: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<&'a Value, ScenarioError> {
    map.get(key)
        .ok_or_else(|| ScenarioError::at(format!("{path}.{key}"), "required"))
}

/// A top-level list; empty when the file leaves it out.
fn list<'a>(root: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], ScenarioError> {
    match root.get(key) {
        Some(v) => Ok(array(v, key)?),
        None => Ok(&[]),
    }
}

fn properties(map: &Map<String, Value>, path: &str) -> Result<Properties, ScenarioError> {
    match map.get("config") {
        Some(v) => Ok(object(v, &format!("{path}.config"))?.clone()),
        None => Ok(Properties::new()),
    }
}

pub fn scenario_from_value(value: &Value) -> Result<Scenario, ScenarioError> {
    let root = object(value, "scenario")?;
    check_fields(root, "scenario", SCENARIO_FIELDS)?;
    let flavor = match root.get("flavor") {
        None => Flavor::KafkaPython,
        Some(v) => {
            let name = string(v, "flavor")?;
            Flavor::from_name(name).ok_or_else(|| {
                ScenarioError::at(
                    "flavor",
                    format!("unknown flavor \"{name}\" (expected \"kafka-python\" or \"java\")"),
                )
            })?
        }
    };
    let seed = match root.get("seed") {
        Some(v) => whole(v, "seed", "a non-negative integer")?,
        None => 0,
    };
    let mut setup = Setup::new(flavor, seed);
    if let Some(v) = root.get("title") {
        setup.title = Some(string(v, "title")?.to_owned());
    }
    if let Some(v) = root.get("description") {
        string(v, "description")?;
    }
    if let Some(v) = root.get("transaction.version") {
        setup.transaction_version = match v.as_u64() {
            Some(n @ (1 | 2)) => n as u8,
            _ => {
                return Err(ScenarioError::at(
                    "transaction.version",
                    format!("expected 1 or 2, got {}", short(v)),
                ))
            }
        };
    }
    if let Some(v) = root.get("broker") {
        let broker = object(v, "broker")?;
        check_fields(broker, "broker", &[CLEANUP_INTERVAL, REPLICA_LAG])?;
        if let Some(v) = broker.get(CLEANUP_INTERVAL) {
            let path = format!("broker.{CLEANUP_INTERVAL}");
            setup.txn_cleanup_interval_ms = whole(v, &path, "a positive integer")?;
            if setup.txn_cleanup_interval_ms == 0 {
                return Err(ScenarioError::at(
                    path,
                    "expected a positive integer, got 0",
                ));
            }
        }
        if let Some(v) = broker.get(REPLICA_LAG) {
            setup.replica_lag_time_max_ms = whole(
                v,
                &format!("broker.{REPLICA_LAG}"),
                "a non-negative integer",
            )?;
        }
    }

    for (i, t) in list(root, "topics")?.iter().enumerate() {
        let path = format!("topics[{i}]");
        setup.add_topic(topic(object(t, &path)?, &path)?)?;
    }
    for (i, p) in list(root, "producers")?.iter().enumerate() {
        let path = format!("producers[{i}]");
        let map = object(p, &path)?;
        check_fields(map, &path, &["id", "config"])?;
        let id = string(required(map, &path, "id")?, &format!("{path}.id"))?;
        setup.add_producer(id, properties(map, &path)?)?;
    }
    for (i, c) in list(root, "consumers")?.iter().enumerate() {
        let path = format!("consumers[{i}]");
        let map = object(c, &path)?;
        check_fields(
            map,
            &path,
            &["id", "subscribe", "config", ON_PARTITIONS_REVOKED],
        )?;
        let id = string(required(map, &path, "id")?, &format!("{path}.id"))?;
        let subscribe = subscriptions(&setup, map, &path)?;
        let consumer = setup.add_consumer(id, subscribe, properties(map, &path)?)?;
        if let Some(v) = map.get(ON_PARTITIONS_REVOKED) {
            let field = format!("{path}.{ON_PARTITIONS_REVOKED}");
            let name = string(v, &field)?;
            setup.consumers[consumer.0 as usize].on_revoke =
                OnRevoke::from_name(name).ok_or_else(|| {
                    ScenarioError::at(
                        &field,
                        format!("expected \"nothing\" or \"commit\", got \"{name}\""),
                    )
                })?;
        }
    }

    let mut texts = Texts::default();
    let steps = match root.get("steps") {
        Some(v) => at_most(array(v, "steps")?, "steps", MAX_STEPS)?
            .iter()
            .enumerate()
            .map(|(i, step)| parse_step(&setup, &mut texts, i, step))
            .collect::<Result<Vec<_>, _>>()?,
        None => return Err(ScenarioError::at("steps", "required")),
    };
    Ok(Scenario {
        setup,
        texts: texts.into_list(),
        steps,
    })
}

fn topic(map: &Map<String, Value>, path: &str) -> Result<TopicSpec, ScenarioError> {
    check_fields(map, path, TOPIC_FIELDS)?;
    let name = string(required(map, path, "name")?, &format!("{path}.name"))?;
    let mut topic = TopicSpec::new(name);
    let counts = [
        ("partitions", &mut topic.partitions),
        ("replication.factor", &mut topic.replication_factor),
        ("min.insync.replicas", &mut topic.min_insync_replicas),
    ];
    for (field, slot) in counts {
        if let Some(v) = map.get(field) {
            *slot = count(v, &format!("{path}.{field}"))?;
        }
    }
    topic.unclean_leader_election = match map.get("unclean.leader.election.enable") {
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
    Ok(topic)
}

fn subscriptions(
    setup: &Setup,
    map: &Map<String, Value>,
    path: &str,
) -> Result<Vec<TopicIdx>, ScenarioError> {
    let path = format!("{path}.subscribe");
    let Some(v) = map.get("subscribe") else {
        return Err(ScenarioError::at(path, "required"));
    };
    let mut topics = Vec::new();
    for (j, t) in array(v, &path)?.iter().enumerate() {
        let path = format!("{path}[{j}]");
        let name = string(t, &path)?;
        let topic = setup
            .topic(name)
            .ok_or_else(|| ScenarioError::at(&path, format!("unknown topic \"{name}\"")))?;
        if !topics.contains(&topic) {
            topics.push(topic);
        }
    }
    Ok(topics)
}

/// One step's fields, read with errors that name the step and the field.
struct StepFields<'a> {
    index: usize,
    map: &'a Map<String, Value>,
    setup: &'a Setup,
}

impl StepFields<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> ScenarioError {
        ScenarioError::at(format!("step {}: field \"{field}\"", self.index), message)
    }

    /// Only the fields the op table lists for `op` (besides actor, op and note).
    fn allow(&self, op: Op) -> Result<(), ScenarioError> {
        let allowed = op.fields();
        let Some(key) = self.map.keys().find(|key| {
            ![ACTOR, OP, NOTE].contains(&key.as_str()) && !allowed.contains(&key.as_str())
        }) else {
            return Ok(());
        };
        let list = if allowed.is_empty() {
            "none".to_owned()
        } else {
            allowed.join(", ")
        };
        Err(self.err(
            key,
            format!(
                "not allowed for op \"{}\" (allowed besides actor and op: {list})",
                op.name()
            ),
        ))
    }

    fn string(&self, field: &str) -> Result<Option<&str>, ScenarioError> {
        match self.map.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(v) => Err(self.err(field, format!("expected a string, got {}", short(v)))),
        }
    }

    fn required<T>(&self, field: &str, value: Option<T>) -> Result<T, ScenarioError> {
        value.ok_or_else(|| self.err(field, "required"))
    }

    fn whole(&self, field: &str, what: &str) -> Result<Option<u64>, ScenarioError> {
        match self.map.get(field) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| self.err(field, format!("expected {what}, got {}", short(v)))),
        }
    }

    /// A whole number no larger than `max`.
    fn whole_at_most(
        &self,
        field: &str,
        what: &str,
        max: u64,
    ) -> Result<Option<u64>, ScenarioError> {
        match self.whole(field, what)? {
            Some(n) if n > max => Err(self.err(field, format!("at most {max}, got {n}"))),
            n => Ok(n),
        }
    }

    fn flag(&self, field: &str) -> Result<bool, ScenarioError> {
        match self.map.get(field) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(self.err(field, format!("expected a boolean, got {}", short(v)))),
        }
    }

    fn topic(&self, field: &str) -> Result<TopicIdx, ScenarioError> {
        let name = self.required(field, self.string(field)?)?;
        self.setup
            .topic(name)
            .ok_or_else(|| self.err(field, format!("unknown topic \"{name}\"")))
    }

    /// A partition of `topic`; without one, the only partition of a one-partition topic.
    fn partition(&self, topic: TopicIdx, value: Option<&Value>) -> Result<u32, ScenarioError> {
        let spec = &self.setup.topics[topic.0 as usize];
        let partitions = spec.partitions;
        match value {
            None if partitions == 1 => Ok(0),
            None => Err(self.err(
                PARTITION,
                format!(
                    "required: topic \"{}\" has {partitions} partitions",
                    spec.name
                ),
            )),
            Some(v) => match v.as_u64() {
                Some(p) if p < u64::from(partitions) => Ok(p as u32),
                _ => Err(self.err(
                    PARTITION,
                    format!(
                        "expected a partition number of topic \"{}\" (0..{}), got {}",
                        spec.name,
                        partitions - 1,
                        short(v)
                    ),
                )),
            },
        }
    }

    fn broker(&self) -> Result<Option<u16>, ScenarioError> {
        match self.whole(BROKER, "a non-negative integer")? {
            Some(b) if b < u64::from(self.setup.brokers) => Ok(Some(b as u16)),
            Some(b) => Err(self.err(
                BROKER,
                format!(
                    "broker {b} does not exist (the cluster has {} brokers)",
                    self.setup.brokers
                ),
            )),
            None => Ok(None),
        }
    }

    /// `commit`'s explicit offsets: a list of `{topic, partition, offset}`.
    fn offsets(&self) -> Result<Option<Vec<(TopicPartition, Offset)>>, ScenarioError> {
        let items = match self.map.get(OFFSETS) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(v) => {
                return Err(self.err(
                    OFFSETS,
                    format!(
                        "expected an array of {{topic, partition, offset}}, got {}",
                        short(v)
                    ),
                ))
            }
        };
        let mut list = Vec::with_capacity(items.len());
        for (j, item) in items.iter().enumerate() {
            let entry = format!("{OFFSETS}[{j}]");
            let map = item.as_object().ok_or_else(|| {
                self.err(
                    &entry,
                    format!(
                        "expected an object with topic, partition, offset, got {}",
                        short(item)
                    ),
                )
            })?;
            if let Some(k) = map.keys().find(|k| !OFFSET_FIELDS.contains(&k.as_str())) {
                return Err(self.err(
                    &format!("{entry}.{k}"),
                    format!(
                        "unknown field (expected one of: {})",
                        OFFSET_FIELDS.join(", ")
                    ),
                ));
            }
            let inner = StepFields { map, ..*self };
            // Errors name the entry's field within the step: `offsets[0].partition`.
            let within = |e: ScenarioError, field: &str| match e {
                ScenarioError::Invalid { message, .. } => {
                    self.err(&format!("{entry}.{field}"), message)
                }
                other => other,
            };
            let topic = inner.topic(TOPIC).map_err(|_| {
                self.err(
                    &format!("{entry}.{TOPIC}"),
                    "expected the name of a declared topic",
                )
            })?;
            let partition = inner
                .partition(topic, map.get(PARTITION))
                .map_err(|e| within(e, PARTITION))?;
            let offset = inner
                .whole_at_most(OFFSET, "a non-negative integer", MAX_OFFSET)
                .and_then(|o| inner.required(OFFSET, o))
                .map_err(|e| within(e, OFFSET))?;
            list.push((TopicPartition::new(topic, partition), Offset(offset)));
        }
        Ok(Some(list))
    }
}

/// The topic names a step refers to (its `topic`, and the topic of each of `commit`'s `offsets`), as
/// written: for callers that must look at a name before it is resolved.
pub fn step_topic_names(step: &Value) -> Vec<&str> {
    let mut names: Vec<&str> = step
        .get(TOPIC)
        .and_then(Value::as_str)
        .into_iter()
        .collect();
    if let Some(offsets) = step.get(OFFSETS).and_then(Value::as_array) {
        names.extend(
            offsets
                .iter()
                .filter_map(|o| o.get(TOPIC).and_then(Value::as_str)),
        );
    }
    names
}

/// Reads one step against a set-up; `index` is the step's place in its scenario, for errors.
pub fn parse_step(
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
    let step = StepFields { index, map, setup };
    if let Some(v) = map.get(NOTE) {
        if !v.is_string() {
            return Err(step.err(NOTE, format!("expected a string, got {}", short(v))));
        }
    }
    let name = match map.get(OP) {
        Some(Value::String(s)) => s.as_str(),
        Some(v) => return Err(step.err(OP, format!("expected a string, got {}", short(v)))),
        None => return Err(step.err(OP, "required")),
    };
    let actor = step.string(ACTOR)?;
    let op = Op::from_name(name).ok_or_else(|| {
        step.err(
            OP,
            format!(
                "unknown op \"{name}\" (expected one of: {})",
                Op::names_where(|_| true)
            ),
        )
    })?;
    let performer = performer(&step, op, actor)?;
    step.allow(op)?;
    step_action(&step, texts, op, performer)
}

/// Who performs the step: the cluster for a cluster op, else the declared client the step names, which must
/// be of a kind that performs `op`.
fn performer(step: &StepFields<'_>, op: Op, actor: Option<&str>) -> Result<Actor, ScenarioError> {
    if op.by_cluster() {
        return match actor {
            Some(a) => Err(step.err(
                ACTOR,
                format!(
                    "op \"{}\" is done by the cluster and takes no actor, got \"{a}\"",
                    op.name()
                ),
            )),
            None => Ok(Actor::Cluster),
        };
    }
    let Some(actor) = actor else {
        return Err(step.err(ACTOR, format!("required for op \"{}\"", op.name())));
    };
    let who = step.setup.client(actor).ok_or_else(|| {
        step.err(
            ACTOR,
            format!("unknown client \"{actor}\" (not a declared producer or consumer)"),
        )
    })?;
    let (kind, performs) = match who {
        Actor::Producer(_) => ("producer", op.performers().producer),
        Actor::Consumer(_) => ("consumer", op.performers().consumer),
        Actor::Cluster => unreachable!("a client id names a producer or a consumer"),
    };
    if !performs {
        let ops = match who {
            Actor::Producer(_) => Op::names_where(|p| p.producer),
            _ => Op::names_where(|p| p.consumer),
        };
        return Err(step.err(
            OP,
            format!(
                "\"{actor}\" is a {kind}; op \"{}\" is not a {kind} op (expected one of: {ops})",
                op.name()
            ),
        ));
    }
    Ok(who)
}

/// The action of a step whose op and performer the op table has allowed.
fn step_action(
    step: &StepFields<'_>,
    texts: &mut Texts,
    op: Op,
    who: Actor,
) -> Result<Action, ScenarioError> {
    use Action::*;
    Ok(match (who, op) {
        (Actor::Producer(producer), Op::Send) => {
            let topic = step.topic(TOPIC)?;
            let partition = match step.map.get(PARTITION) {
                Some(v) => Some(step.partition(topic, Some(v))?),
                None => None,
            };
            let key = step.string(KEY)?.map(|k| texts.intern(k));
            let value = match step.map.get(VALUE) {
                Some(Value::String(s)) => texts.intern(s),
                Some(v) => {
                    return Err(step.err(
                        VALUE,
                        format!("expected a string (the record value), got {}", short(v)),
                    ))
                }
                None => return Err(step.err(VALUE, "required")),
            };
            ProducerSend {
                producer,
                topic,
                partition,
                key,
                value,
            }
        }
        (Actor::Producer(producer), Op::SendOffsetsToTransaction) => {
            let name = step.required(CONSUMER, step.string(CONSUMER)?)?;
            let consumer = step
                .setup
                .consumer(name)
                .ok_or_else(|| step.err(CONSUMER, format!("unknown consumer \"{name}\"")))?;
            ProducerSendOffsetsToTransaction { producer, consumer }
        }
        (Actor::Producer(producer), Op::Flush) => ProducerFlush { producer },
        (Actor::Producer(producer), Op::LoseNextAck) => ProducerLoseNextAck { producer },
        (Actor::Producer(producer), Op::LoseNextRequest) => ProducerLoseNextRequest { producer },
        (Actor::Producer(producer), Op::InitTransactions) => ProducerInitTransactions { producer },
        (Actor::Producer(producer), Op::BeginTransaction) => ProducerBeginTransaction { producer },
        (Actor::Producer(producer), Op::CommitTransaction) => {
            ProducerCommitTransaction { producer }
        }
        (Actor::Producer(producer), Op::AbortTransaction) => ProducerAbortTransaction { producer },
        (Actor::Producer(producer), Op::Crash) => ProducerCrash { producer },
        (Actor::Producer(producer), Op::Restart) => ProducerRestart { producer },
        (Actor::Consumer(consumer), Op::Process) => ConsumerProcess {
            consumer,
            fail: step.flag(FAIL)?,
            idempotent: step.flag(IDEMPOTENT)?,
        },
        (Actor::Consumer(consumer), Op::Commit) => ConsumerCommit {
            consumer,
            offsets: step.offsets()?,
        },
        (Actor::Consumer(consumer), Op::Seek) => {
            let topic = step.topic(TOPIC)?;
            let partition = step.partition(topic, step.map.get(PARTITION))?;
            let offset = step.whole_at_most(OFFSET, "a non-negative integer", MAX_OFFSET)?;
            ConsumerSeek {
                consumer,
                tp: TopicPartition::new(topic, partition),
                offset: Offset(step.required(OFFSET, offset)?),
            }
        }
        (Actor::Consumer(consumer), Op::Poll) => ConsumerPoll { consumer },
        (Actor::Consumer(consumer), Op::Close) => ConsumerClose { consumer },
        (Actor::Consumer(consumer), Op::Crash) => ConsumerCrash { consumer },
        (Actor::Consumer(consumer), Op::Restart) => ConsumerRestart { consumer },
        (Actor::Cluster, Op::Advance) => {
            let ms =
                step.whole_at_most(MS, "a non-negative integer of milliseconds", MAX_ADVANCE_MS)?;
            ClockAdvance {
                ms: step.required(MS, ms)?,
            }
        }
        (Actor::Cluster, Op::CrashBroker) => BrokerCrash {
            broker: step.required(BROKER, step.broker()?)?,
        },
        (Actor::Cluster, Op::RestartBroker) => BrokerRestart {
            broker: step.required(BROKER, step.broker()?)?,
        },
        (Actor::Cluster, Op::PauseReplication) => match step.broker()? {
            None => ReplicationPause,
            Some(broker) => BrokerPauseReplication { broker },
        },
        (Actor::Cluster, Op::ResumeReplication) => match step.broker()? {
            None => ReplicationResume,
            Some(broker) => BrokerResumeReplication { broker },
        },
        (who, op) => unreachable!("the op table lets {who:?} perform {op:?}"),
    })
}
