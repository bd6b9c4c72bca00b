//! What every handler shares: the configuration, one admin client and the live sessions.

use std::sync::Arc;

use rdkafka::ClientConfig;

use crate::config::Config;
use crate::session::Sessions;
use crate::topics::Admin;

pub struct ProxyContext {
    pub config: Config,
    /// One admin client for topics and the reachability probe; librdkafka reconnects it after an outage.
    pub admin: Admin,
    pub sessions: Sessions,
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
        Ok(Arc::new(ProxyContext {
            config,
            admin,
            sessions: Sessions::default(),
        }))
    }
}
