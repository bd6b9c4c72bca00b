//! What every handler shares: the configuration, one admin client and the live sessions.

use std::sync::Arc;

use rdkafka::ClientConfig;

use crate::config::Config;
use crate::fd_budget::FdBudget;
use crate::leftovers::Leftovers;
use crate::session::Sessions;
use crate::topics::Admin;

pub struct ProxyContext {
    pub config: Config,
    /// One admin client for topics and the reachability probe; librdkafka reconnects it after an outage.
    pub admin: Admin,
    pub sessions: Sessions,
    /// What sessions put on the cluster, until it is deleted.
    pub leftovers: Leftovers,
    /// The file descriptors sessions may hold.
    pub descriptors: Arc<FdBudget>,
}

pub type Shared = Arc<ProxyContext>;

impl ProxyContext {
    /// The context for a proxy on the cluster in `config`.
    pub fn new(config: Config) -> Result<Shared, String> {
        let admin: Admin = ClientConfig::new()
            .set("bootstrap.servers", &config.bootstrap)
            .set("client.id", "kafka-proxy-admin")
            .set("log_level", "3")
            .create()
            .map_err(|e| {
                format!(
                    "cannot create a Kafka admin client for {}: {e}",
                    config.bootstrap
                )
            })?;
        let leftovers = Leftovers::new(&config.bootstrap, config.state_dir.as_deref());
        Ok(Arc::new(ProxyContext {
            config,
            admin,
            sessions: Sessions::default(),
            leftovers,
            descriptors: FdBudget::of_this_process(),
        }))
    }
}
