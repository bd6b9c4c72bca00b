//! The proxy's settings: the command line's options plus the limits tests shorten.

use std::net::SocketAddr;
use std::time::Duration;

use crate::driver_install::DriverPaths;

/// Everything `serve` needs. `Config::new` gives the documented defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// The cluster every session runs on.
    pub bootstrap: String,
    /// Origins a browser page may call from (the course's own address by default).
    pub allow_origins: Vec<String>,
    /// The secret every request must carry as `Authorization: Bearer <token>`.
    pub token: String,
    /// `advance` sleeps for real; this caps one step's sleep.
    pub max_advance_ms: u64,
    /// The scenario's time runs this many times faster on the real cluster: `advance` sleeps `ms / scale` and
    /// the clients' time settings (session, heartbeat, auto-commit, transaction and delivery timeouts) are
    /// divided by it. 1 is real time.
    pub time_scale: u64,
    /// The bound on every call to Kafka (admin, flush, commit, transactions).
    pub kafka_timeout: Duration,
    /// How long `poll` waits for a first record: joining a group takes real time.
    pub poll_wait: Duration,
    /// A session unused this long is closed and its topics deleted.
    pub session_idle: Duration,
    /// A `/v1/run` stops (504) at its first step after running this long.
    pub run_limit: Duration,
    /// A request's headers must arrive within this; a connection idle for as long is closed.
    pub header_timeout: Duration,
    /// Connections open at once (each holds a file descriptor); past it a new one is closed at once.
    pub max_connections: usize,
    /// Requests per second (sustained) and the burst allowed above it.
    pub rate_per_second: u32,
    pub rate_burst: u32,
    /// Where the real clients' drivers are (their set-ups' paths by default).
    pub drivers: DriverPaths,
    /// Where the proxy keeps the names its sessions put on the cluster until they are deleted (none: only in
    /// memory, so a killed proxy's are not found again).
    pub state_dir: Option<std::path::PathBuf>,
    /// The folder of a cluster `tools/kafka/broker start DIR N` runs: `crash_broker` and `restart_broker` kill
    /// and restart its nodes, and each topic's replicas are placed on them as the model places them (none: those
    /// faults run only in the model).
    pub brokers_dir: Option<std::path::PathBuf>,
}

impl Config {
    pub fn new(bootstrap: impl Into<String>, token: impl Into<String>) -> Self {
        Config {
            bootstrap: bootstrap.into(),
            allow_origins: default_origins(),
            token: token.into(),
            max_advance_ms: 10_000,
            time_scale: 1,
            kafka_timeout: Duration::from_secs(10),
            poll_wait: Duration::from_secs(3),
            session_idle: Duration::from_secs(600),
            run_limit: Duration::from_secs(300),
            header_timeout: Duration::from_secs(10),
            max_connections: 64,
            rate_per_second: 50,
            rate_burst: 200,
            drivers: DriverPaths::default(),
            state_dir: None,
            brokers_dir: None,
        }
    }
}

/// Where `./x serve` serves the course.
pub fn default_origins() -> Vec<String> {
    vec![
        "http://127.0.0.1:8080".to_owned(),
        "http://localhost:8080".to_owned(),
    ]
}

/// The Host header values a request may carry: the listen address itself, or a loopback name with its port.
/// Anything else is a DNS-rebinding page talking to us under a foreign name.
pub fn allowed_hosts(listen: SocketAddr) -> Vec<String> {
    let port = listen.port();
    let mut hosts = vec![
        listen.to_string(),
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ];
    hosts.dedup();
    hosts
}
