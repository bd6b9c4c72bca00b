//! A session's clients: the scenario's set-up, its producers and consumers under the session prefix — on
//! librdkafka inside the proxy, or each in a driver process of the real client —, and the "database" its
//! `process` steps wrote. A session runs one step at a time (its clients sit behind a lock).

use std::sync::Arc;

use kafka_model::scenario::{OnRevoke, Scenario, Setup};
use serde_json::json;

use crate::client_config::{consumer_config, producer_config};
use crate::client_kind::ClientInfo;
use crate::consumer::RealConsumer;
use crate::consumer_client::ConsumerClient;
use crate::driver_client::{DriverClient, Launcher};
use crate::driver_config;
use crate::driver_consumer::DriverConsumer;
use crate::driver_producer::DriverProducer;
use crate::producer::RealProducer;
use crate::producer_client::ProducerClient;
use kafka_model::real_run::DatabaseRow;

pub struct SessionClients {
    pub prefix: String,
    pub setup: Setup,
    /// Which client library runs the session, and its version.
    pub client: ClientInfo,
    pub producers: Vec<ProducerClient>,
    pub consumers: Vec<ConsumerClient>,
    pub database: Vec<DatabaseRow>,
    /// Index of the next step.
    pub steps_run: usize,
    /// The scenario's clock: the sum of its `advance` steps so far, in ms.
    pub now_ms: u64,
    /// Notes about configuration keys that were not passed to the clients, told in the first step's events.
    pub notes: Vec<String>,
}

impl SessionClients {
    /// Every client of the set-up on librdkafka (blocking: librdkafka starts its threads here).
    pub fn librdkafka(bootstrap: &str, prefix: &str, scenario: &Scenario, time_scale: u64) -> Self {
        let setup = scenario.setup.clone();
        let mut notes = Vec::new();
        let producers = setup
            .producers
            .iter()
            .map(|spec| {
                let (config, n) = producer_config(bootstrap, prefix, spec, time_scale);
                notes.extend(n.into_iter().map(|n| format!("{}: {n}", spec.id)));
                ProducerClient::Librdkafka(RealProducer::new(
                    &spec.id,
                    spec.config.transactional_id.clone(),
                    config,
                    prefix,
                ))
            })
            .collect();
        let consumers = setup
            .consumers
            .iter()
            .map(|spec| {
                let (config, n) = consumer_config(bootstrap, prefix, spec, time_scale);
                notes.extend(n.into_iter().map(|n| format!("{}: {n}", spec.id)));
                let topics = spec
                    .subscribe
                    .iter()
                    .map(|t| format!("{prefix}{}", setup.topics[t.0 as usize].name))
                    .collect();
                ConsumerClient::Librdkafka(RealConsumer::new(
                    &spec.id,
                    &spec.config.group_id,
                    config,
                    topics,
                    prefix,
                    setup.flavor,
                    spec.config.max_poll_records,
                ))
            })
            .collect();
        let (_, version) = rdkafka::util::get_rdkafka_version();
        SessionClients {
            prefix: prefix.to_owned(),
            setup,
            client: ClientInfo {
                name: "librdkafka".to_owned(),
                version,
            },
            producers,
            consumers,
            database: Vec::new(),
            steps_run: 0,
            now_ms: 0,
            notes,
        }
    }

    /// Every client of the set-up in a driver process of its own (blocking: the processes start here, all
    /// at once, and each is then greeted and creates its client). `Err` when a driver does not start.
    pub fn drivers(
        launcher: Launcher,
        scenario: &Scenario,
        time_scale: u64,
    ) -> Result<Self, String> {
        let launcher = Arc::new(launcher);
        let setup = scenario.setup.clone();
        let prefix = launcher.prefix.clone();
        let mut notes = Vec::new();
        let mut producers = Vec::new();
        for spec in &setup.producers {
            let (config, n) = driver_config::producer_config(
                &spec.properties,
                time_scale,
                spec.config.linger_ms,
                spec.config.delivery_timeout_ms,
            );
            notes.extend(n.into_iter().map(|n| format!("{}: {n}", spec.id)));
            let create = json!({"op": "producer", "id": spec.id, "config": config});
            let client = DriverClient::spawn(&spec.id, create, launcher.clone())?;
            producers.push((client, spec.config.linger_ms));
        }
        let mut consumers = Vec::new();
        for spec in &setup.consumers {
            let (config, n) = driver_config::consumer_config(&spec.properties, time_scale);
            notes.extend(n.into_iter().map(|n| format!("{}: {n}", spec.id)));
            let topics: Vec<&str> = spec
                .subscribe
                .iter()
                .map(|t| setup.topics[t.0 as usize].name.as_str())
                .collect();
            let mut create =
                json!({"op": "consumer", "id": spec.id, "subscribe": topics, "config": config});
            if spec.on_revoke != OnRevoke::Nothing {
                create["on_partitions_revoked"] = spec.on_revoke.name().into();
            }
            consumers.push((
                DriverClient::spawn(&spec.id, create, launcher.clone())?,
                spec.config.group_id.clone(),
            ));
        }
        let mut client = ClientInfo {
            name: launcher.command.library.to_owned(),
            version: launcher.command.version.clone(),
        };
        let mut open = |c: &mut DriverClient| -> Result<(), String> {
            let hello = c.open()?;
            client = ClientInfo {
                name: hello.client,
                version: hello.version,
            };
            Ok(())
        };
        for (p, _) in &mut producers {
            open(p)?;
        }
        for (c, _) in &mut consumers {
            open(c)?;
        }
        Ok(SessionClients {
            prefix,
            setup,
            client,
            producers: producers
                .into_iter()
                .map(|(c, linger)| ProducerClient::Driver(DriverProducer::new(c, linger)))
                .collect(),
            consumers: consumers
                .into_iter()
                .map(|(c, g)| ConsumerClient::Driver(DriverConsumer::new(c, &g)))
                .collect(),
            database: Vec::new(),
            steps_run: 0,
            now_ms: 0,
            notes,
        })
    }

    pub fn topic(&self, idx: kafka_model::ids::TopicIdx) -> String {
        format!("{}{}", self.prefix, self.setup.topics[idx.0 as usize].name)
    }

    /// The scenario's topics with their partition counts, as `observe` takes them.
    pub fn observed_topics(&self) -> Vec<(String, u32)> {
        self.setup
            .topics
            .iter()
            .map(|t| (t.name.clone(), t.partitions))
            .collect()
    }

    /// Closes every client (the session ends).
    pub fn shutdown(&mut self) {
        for p in &mut self.producers {
            p.shutdown();
        }
        for c in &mut self.consumers {
            c.shutdown();
        }
    }
}
