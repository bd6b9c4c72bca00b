//! A session's clients: the scenario's set-up, its real producers and consumers under the session prefix, and
//! the "database" its `process` steps wrote. A session runs one step at a time (its clients sit behind a lock).

use kafka_model::scenario::{Scenario, Setup};

use crate::client_config::{consumer_config, producer_config};
use crate::consumer::RealConsumer;
use crate::producer::RealProducer;
use kafka_model::real_run::DatabaseRow;

pub struct SessionClients {
    pub prefix: String,
    pub setup: Setup,
    pub producers: Vec<RealProducer>,
    pub consumers: Vec<RealConsumer>,
    pub database: Vec<DatabaseRow>,
    /// Index of the next step.
    pub steps_run: usize,
    /// Notes about configuration keys that were not passed to librdkafka, told in the first step's events.
    pub notes: Vec<String>,
}

impl SessionClients {
    /// Creates every client of the set-up (blocking: librdkafka starts its threads here).
    pub fn new(bootstrap: &str, prefix: &str, scenario: &Scenario, time_scale: u64) -> Self {
        let setup = scenario.setup.clone();
        let mut notes = Vec::new();
        let producers = setup
            .producers
            .iter()
            .map(|spec| {
                let (config, n) = producer_config(bootstrap, prefix, spec, time_scale);
                notes.extend(n.into_iter().map(|n| format!("{}: {n}", spec.id)));
                RealProducer::new(
                    &spec.id,
                    spec.config.transactional_id.clone(),
                    config,
                    prefix,
                )
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
                RealConsumer::new(
                    &spec.id,
                    &spec.config.group_id,
                    config,
                    topics,
                    prefix,
                    setup.flavor,
                    spec.config.max_poll_records,
                )
            })
            .collect();
        SessionClients {
            prefix: prefix.to_owned(),
            setup,
            producers,
            consumers,
            database: Vec::new(),
            steps_run: 0,
            notes,
        }
    }

    pub fn topic(&self, idx: kafka_model::ids::TopicIdx) -> String {
        format!("{}{}", self.prefix, self.setup.topics[idx.0 as usize].name)
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
