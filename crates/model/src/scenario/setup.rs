//! The fixed part of a scenario — topics, clients, broker settings — and the typed way to build one. The
//! reader builds every set-up through these same methods, so a set-up built in code (the experiments, the
//! sandbox's form) is checked exactly as a file is, and errors name the field a file would have.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::ScenarioError;
use crate::config::{key, Assignor, ConfigError, ConsumerConfig, Flavor, ProducerConfig};
use crate::contract_names::contract_names;
use crate::ids::{ClientIdx, GroupIdx, TopicIdx};

/// A client's configuration as written: Kafka's property names, values as JSON strings, numbers or booleans.
pub type Properties = Map<String, Value>;

/// Properties from `(key, value)` pairs, for set-ups built in code.
pub fn properties<const N: usize>(pairs: [(&str, Value); N]) -> Properties {
    pairs
        .into_iter()
        .map(|(key, value)| (key.to_owned(), value))
        .collect()
}

pub const MAX_TOPICS: usize = 64;
pub const MAX_PARTITIONS: u32 = 64;
pub const MAX_CLIENTS: usize = 64;
pub const MAX_REPLICATION: u32 = 9;
/// A scenario's steps: ten times the longest lesson run a learner scrubs through.
pub const MAX_STEPS: usize = 10_000;
/// One `advance`: a day, longer than any timeout the model knows, so the clock never reaches its end.
pub const MAX_ADVANCE_MS: u64 = 86_400_000;
/// An offset is Kafka's int64.
pub const MAX_OFFSET: u64 = i64::MAX as u64;
/// The broker settings a scenario may change, and their defaults (T9, D1).
pub const CLEANUP_INTERVAL: &str = "transaction.abort.timed.out.transaction.cleanup.interval.ms";
pub const DEFAULT_TXN_CLEANUP_INTERVAL_MS: u64 = 10_000;
pub const REPLICA_LAG: &str = "replica.lag.time.max.ms";
pub const DEFAULT_REPLICA_LAG_TIME_MAX_MS: u64 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u32,
    pub min_insync_replicas: u32,
    /// `unclean.leader.election.enable` (default false, D4).
    pub unclean_leader_election: bool,
}

impl TopicSpec {
    /// One partition, one copy.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            partitions: 1,
            replication_factor: 1,
            min_insync_replicas: 1,
            unclean_leader_election: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerSpec {
    pub id: String,
    pub config: ProducerConfig,
    /// The configuration as written, for writing the scenario again and for real clients.
    pub properties: Properties,
    /// Index of its transactional.id in `Setup::transactional_ids`.
    pub txn: Option<u16>,
}

/// The consumer's field naming its rebalance listener's revocation hook.
pub const ON_PARTITIONS_REVOKED: &str = "on_partitions_revoked";

/// What the application's rebalance listener does when partitions are taken away (G4): the consumer's
/// `on_partitions_revoked` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnRevoke {
    /// No listener.
    #[default]
    Nothing,
    /// Commit the positions of the partitions being revoked, synchronously, before they are given away.
    Commit,
}

contract_names!(OnRevoke {
    Nothing = "nothing",
    Commit = "commit",
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerSpec {
    pub id: String,
    pub subscribe: Vec<TopicIdx>,
    pub group: GroupIdx,
    pub config: ConsumerConfig,
    /// The configuration as written, for writing the scenario again and for real clients.
    pub properties: Properties,
    pub on_revoke: OnRevoke,
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
    /// Scenario-level `transaction.version` (T11): 1 or 2. The default is what the flavor's client speaks
    /// with a Kafka 4.4 broker (`default_transaction_version`).
    pub transaction_version: u8,
    pub txn_cleanup_interval_ms: u64,
    pub replica_lag_time_max_ms: u64,
}

/// The position of `item` in `list`, added at the end if it is new.
fn index_of(list: &mut Vec<String>, item: &str) -> usize {
    list.iter().position(|x| x == item).unwrap_or_else(|| {
        list.push(item.to_owned());
        list.len() - 1
    })
}

fn config_error(path: &str, e: ConfigError) -> ScenarioError {
    ScenarioError::at(format!("{path}.config.\"{}\"", e.key), e.message)
}

/// The transaction protocol a flavor's pinned client uses against Kafka 4.4, where version 2 is on: the Java
/// client speaks it, kafka-python 3.0 only the classic version 1 (measured against the real broker).
pub fn default_transaction_version(flavor: Flavor) -> u8 {
    match flavor {
        Flavor::Java => 2,
        Flavor::KafkaPython => 1,
    }
}

impl Setup {
    /// No topics, no clients, every broker setting at Kafka's default.
    pub fn new(flavor: Flavor, seed: u64) -> Self {
        Self {
            title: None,
            flavor,
            seed,
            topics: Vec::new(),
            producers: Vec::new(),
            consumers: Vec::new(),
            groups: Vec::new(),
            brokers: 1,
            transactional_ids: Vec::new(),
            transaction_version: default_transaction_version(flavor),
            txn_cleanup_interval_ms: DEFAULT_TXN_CLEANUP_INTERVAL_MS,
            replica_lag_time_max_ms: DEFAULT_REPLICA_LAG_TIME_MAX_MS,
        }
    }

    pub fn add_topic(&mut self, topic: TopicSpec) -> Result<TopicIdx, ScenarioError> {
        let path = format!("topics[{}]", self.topics.len());
        if self.topics.len() >= MAX_TOPICS {
            return Err(ScenarioError::at(
                "topics",
                format!("at most {MAX_TOPICS} topics"),
            ));
        }
        if topic.name.is_empty() {
            return Err(ScenarioError::at(
                format!("{path}.name"),
                "must not be empty",
            ));
        }
        if self.topic(&topic.name).is_some() {
            return Err(ScenarioError::at(
                format!("{path}.name"),
                format!("topic \"{}\" is declared twice", topic.name),
            ));
        }
        for (field, n, max) in [
            ("partitions", topic.partitions, MAX_PARTITIONS),
            (
                "replication.factor",
                topic.replication_factor,
                MAX_REPLICATION,
            ),
            (
                "min.insync.replicas",
                topic.min_insync_replicas,
                MAX_REPLICATION,
            ),
        ] {
            if n == 0 || n > max {
                return Err(ScenarioError::at(
                    format!("{path}.{field}"),
                    format!("expected a positive integer (at most {max}), got {n}"),
                ));
            }
        }
        self.brokers = self.brokers.max(topic.replication_factor as u16);
        self.topics.push(topic);
        Ok(TopicIdx(self.topics.len() as u16 - 1))
    }

    pub fn add_producer(
        &mut self,
        id: &str,
        properties: Properties,
    ) -> Result<ClientIdx, ScenarioError> {
        let path = format!("producers[{}]", self.producers.len());
        self.check_new_client("producers", self.producers.len(), &path, id)?;
        let config =
            ProducerConfig::parse(self.flavor, &properties).map_err(|e| config_error(&path, e))?;
        let txn = config
            .transactional_id
            .as_deref()
            .map(|t| index_of(&mut self.transactional_ids, t) as u16);
        self.producers.push(ProducerSpec {
            id: id.to_owned(),
            config,
            properties,
            txn,
        });
        Ok(ClientIdx(self.producers.len() as u16 - 1))
    }

    pub fn add_consumer(
        &mut self,
        id: &str,
        subscribe: Vec<TopicIdx>,
        properties: Properties,
    ) -> Result<ClientIdx, ScenarioError> {
        let path = format!("consumers[{}]", self.consumers.len());
        self.check_new_client("consumers", self.consumers.len(), &path, id)?;
        let config =
            ConsumerConfig::parse(self.flavor, &properties).map_err(|e| config_error(&path, e))?;
        // Two live processes with one instance id fence each other (KIP-345); the model's consumers are
        // separate processes, so each static member needs its own.
        if let Some(instance) = &config.group_instance_id {
            let taken = self.consumers.iter().position(|c| {
                c.config.group_id == config.group_id
                    && c.config.group_instance_id.as_ref() == Some(instance)
            });
            if let Some(i) = taken {
                return Err(config_error(
                    &path,
                    ConfigError {
                        key: key::GROUP_INSTANCE_ID.to_owned(),
                        message: format!(
                            "\"{instance}\" is already used by consumers[{i}] in group \"{}\"",
                            config.group_id
                        ),
                    },
                ));
            }
        }
        // The model has Kafka's sticky assignment for members with equal subscriptions only; a group
        // whose members put it first is the one that chooses it.
        let sticky = |c: &ConsumerConfig| c.assignors.first() == Some(&Assignor::CooperativeSticky);
        let differs = self.consumers.iter().position(|c| {
            c.config.group_id == config.group_id
                && (sticky(&c.config) || sticky(&config))
                && c.subscribe.iter().collect::<BTreeSet<_>>()
                    != subscribe.iter().collect::<BTreeSet<_>>()
        });
        if let Some(i) = differs {
            return Err(ScenarioError::at(
                format!("{path}.subscribe"),
                format!(
                    "with cooperative-sticky, every member of group \"{}\" must subscribe to the same topics as consumers[{i}]",
                    config.group_id
                ),
            ));
        }
        let group = GroupIdx(index_of(&mut self.groups, &config.group_id) as u16);
        self.consumers.push(ConsumerSpec {
            id: id.to_owned(),
            subscribe,
            group,
            config,
            properties,
            on_revoke: OnRevoke::Nothing,
        });
        Ok(ClientIdx(self.consumers.len() as u16 - 1))
    }

    /// Producers and consumers share one namespace of ids: a step names its actor by id alone.
    fn check_new_client(
        &self,
        list: &str,
        len: usize,
        path: &str,
        id: &str,
    ) -> Result<(), ScenarioError> {
        if len >= MAX_CLIENTS {
            return Err(ScenarioError::at(
                list,
                format!("at most {MAX_CLIENTS} {list}"),
            ));
        }
        if id.is_empty() {
            return Err(ScenarioError::at(format!("{path}.id"), "must not be empty"));
        }
        let other = match (
            self.producers.iter().position(|p| p.id == id),
            self.consumers.iter().position(|c| c.id == id),
        ) {
            (Some(i), _) => format!("producers[{i}]"),
            (None, Some(i)) => format!("consumers[{i}]"),
            (None, None) => return Ok(()),
        };
        Err(ScenarioError::at(
            format!("{path}.id"),
            format!("\"{id}\" is already used by {other}"),
        ))
    }
}
