//! Writing a scenario file: [`Scenario`] → JSON, for export, shared links and real-cluster mode. Names come
//! back through [`Names`]; what equals the default is left out, the clients' configuration is written as it
//! was given.

use serde_json::{Map, Value};

use super::setup::{
    default_transaction_version, CLEANUP_INTERVAL, DEFAULT_REPLICA_LAG_TIME_MAX_MS,
    DEFAULT_TXN_CLEANUP_INTERVAL_MS, ON_PARTITIONS_REVOKED, REPLICA_LAG,
};
use super::OnRevoke;
use super::{Scenario, Setup};
use crate::action::{Action, Actor};
use crate::names::Names;
use crate::op::field::*;

impl Scenario {
    pub fn to_json(&self) -> Value {
        write_scenario(&self.setup, &self.texts, &self.steps)
    }
}

/// The set-up and `steps` as a scenario file. `ProducerSendNextOrder` has no value of its own:
/// [`crate::Timeline::to_scenario_json`] writes the value it generated; here it is a send of
/// `"<next order>"`.
pub fn write_scenario(setup: &Setup, texts: &[String], steps: &[Action]) -> Value {
    let names = Names { setup, texts };
    let mut root = setup_json(setup);
    root.insert(
        "steps".into(),
        steps.iter().map(|a| step_json(&names, a)).collect(),
    );
    Value::Object(root)
}

fn setup_json(setup: &Setup) -> Map<String, Value> {
    let names = Names { setup, texts: &[] };
    let mut root = Map::new();
    if let Some(t) = &setup.title {
        root.insert("title".into(), t.as_str().into());
    }
    root.insert("flavor".into(), setup.flavor.name().into());
    root.insert("seed".into(), setup.seed.into());
    if setup.transaction_version != default_transaction_version(setup.flavor) {
        root.insert(
            "transaction.version".into(),
            setup.transaction_version.into(),
        );
    }
    let mut broker = Map::new();
    if setup.txn_cleanup_interval_ms != DEFAULT_TXN_CLEANUP_INTERVAL_MS {
        broker.insert(
            CLEANUP_INTERVAL.into(),
            setup.txn_cleanup_interval_ms.into(),
        );
    }
    if setup.replica_lag_time_max_ms != DEFAULT_REPLICA_LAG_TIME_MAX_MS {
        broker.insert(REPLICA_LAG.into(), setup.replica_lag_time_max_ms.into());
    }
    if !broker.is_empty() {
        root.insert("broker".into(), Value::Object(broker));
    }
    let topics = setup.topics.iter().map(|t| {
        let mut m = Map::new();
        m.insert("name".into(), t.name.as_str().into());
        m.insert("partitions".into(), t.partitions.into());
        m.insert("replication.factor".into(), t.replication_factor.into());
        if t.min_insync_replicas != 1 {
            m.insert("min.insync.replicas".into(), t.min_insync_replicas.into());
        }
        if t.unclean_leader_election {
            m.insert("unclean.leader.election.enable".into(), true.into());
        }
        Value::Object(m)
    });
    root.insert("topics".into(), topics.collect());
    let producers = setup.producers.iter().map(|p| {
        let mut m = Map::new();
        m.insert("id".into(), p.id.as_str().into());
        m.insert("config".into(), Value::Object(p.properties.clone()));
        Value::Object(m)
    });
    root.insert("producers".into(), producers.collect());
    let consumers = setup.consumers.iter().map(|c| {
        let mut m = Map::new();
        m.insert("id".into(), c.id.as_str().into());
        let subscribe = c.subscribe.iter().map(|t| Value::from(names.topic(*t)));
        m.insert("subscribe".into(), subscribe.collect());
        m.insert("config".into(), Value::Object(c.properties.clone()));
        if c.on_revoke != OnRevoke::Nothing {
            m.insert(ON_PARTITIONS_REVOKED.into(), c.on_revoke.name().into());
        }
        Value::Object(m)
    });
    root.insert("consumers".into(), consumers.collect());
    root
}

/// One step in the scenario format: its actor's id, its op's name, and the fields the op table lists.
pub fn step_json(names: &Names<'_>, action: &Action) -> Value {
    let mut m = Map::new();
    match action.actor() {
        Actor::Producer(p) => {
            m.insert(ACTOR.into(), names.producer(p).into());
        }
        Actor::Consumer(c) => {
            m.insert(ACTOR.into(), names.consumer(c).into());
        }
        Actor::Cluster => {}
    }
    m.insert(OP.into(), action.op().name().into());
    let mut put = |field: &str, value: Value| m.insert(field.into(), value);
    match action {
        Action::ProducerSend {
            topic,
            partition,
            key,
            value,
            ..
        } => {
            put(TOPIC, names.topic(*topic).into());
            if let Some(p) = partition {
                put(PARTITION, (*p).into());
            }
            if let Some(k) = key {
                put(KEY, names.text(*k).into());
            }
            put(VALUE, names.text(*value).into());
        }
        Action::ProducerSendNextOrder { topic, .. } => {
            put(TOPIC, names.topic(*topic).into());
            put(VALUE, "<next order>".into());
        }
        Action::ProducerSendOffsetsToTransaction { consumer, .. } => {
            put(CONSUMER, names.consumer(*consumer).into());
        }
        Action::ConsumerProcess {
            fail, idempotent, ..
        } => {
            if *fail {
                put(FAIL, true.into());
            }
            if *idempotent {
                put(IDEMPOTENT, true.into());
            }
        }
        Action::ConsumerCommit {
            offsets: Some(list),
            ..
        } => {
            let list = list.iter().map(|(tp, offset)| {
                let mut o = Map::new();
                o.insert(TOPIC.into(), names.topic(tp.topic).into());
                o.insert(PARTITION.into(), tp.partition.into());
                o.insert(OFFSET.into(), offset.0.into());
                Value::Object(o)
            });
            put(OFFSETS, list.collect());
        }
        Action::ConsumerSeek { tp, offset, .. } => {
            put(TOPIC, names.topic(tp.topic).into());
            put(PARTITION, tp.partition.into());
            put(OFFSET, offset.0.into());
        }
        Action::ClockAdvance { ms } => {
            put(MS, (*ms).into());
        }
        Action::BrokerCrash { broker }
        | Action::BrokerRestart { broker }
        | Action::BrokerPauseReplication { broker }
        | Action::BrokerResumeReplication { broker } => {
            put(BROKER, (*broker).into());
        }
        _ => {}
    }
    Value::Object(m)
}
