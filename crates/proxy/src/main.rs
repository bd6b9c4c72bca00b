//! `kafka-proxy --bootstrap-servers HOST:PORT`: parse the options, print the address and token, serve.

use std::process::ExitCode;

use clap::Parser;
use kafka_proxy::config::{default_origins, Config};
use kafka_proxy::token::random_token;

/// Runs the course's scenario steps on a real Kafka cluster (docs/real-cluster.md).
#[derive(Parser, Debug)]
#[command(name = "kafka-proxy", version)]
struct Cli {
    /// The Kafka cluster to run on.
    #[arg(long, value_name = "HOST:PORT")]
    bootstrap_servers: String,
    /// Where to listen (loopback only by default).
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: String,
    /// An origin whose pages may call the proxy (repeatable; default: the course at 127.0.0.1:8080 and
    /// localhost:8080).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    /// The token requests must carry (default: random, printed at start).
    #[arg(long)]
    token: Option<String>,
    /// The longest real wait one `advance` step makes.
    #[arg(long, default_value_t = 10_000)]
    max_advance_ms: u64,
    /// Run the scenario's time this many times faster: `advance` and the clients' timeouts are divided by it.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..=100))]
    time_scale: u64,
    /// The checkout's tools/ folder, where the client drivers' sources are (default: this build's checkout).
    /// The installed clients are looked for where their set-ups put them (KAFKA_LAB_CACHE, else
    /// ~/.cache/kafka-delivery-lab).
    #[arg(long, value_name = "DIR")]
    tools: Option<std::path::PathBuf>,
    /// The folder of the cluster `tools/kafka/broker start DIR N` started: crash_broker and restart_broker then
    /// kill and restart its nodes.
    #[arg(long, value_name = "DIR")]
    brokers_dir: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("kafka_proxy=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let token = match cli.token {
        Some(t) if !t.is_empty() => t,
        _ => match random_token() {
            Ok(t) => t,
            Err(e) => {
                eprintln!("kafka-proxy: no randomness for a token: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let mut config = Config::new(cli.bootstrap_servers, token.clone());
    config.max_advance_ms = cli.max_advance_ms;
    config.time_scale = cli.time_scale;
    // Beside the installed clients: the names a killed proxy's sessions left are found by the next start.
    config.state_dir = Some(config.drivers.cache.clone());
    config.brokers_dir = cli.brokers_dir;
    if let Some(tools) = cli.tools {
        config.drivers.tools = tools;
    }
    config.allow_origins = if cli.allow_origin.is_empty() {
        default_origins()
    } else {
        cli.allow_origin
    };
    let listener = match tokio::net::TcpListener::bind(&cli.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("kafka-proxy: cannot listen on {}: {e}", cli.listen);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or(cli.listen);
    // Listening for Ctrl-C before saying where the proxy is, so one sent right after is not missed. The first
    // stops the proxy cleanly (bounded: see `serve`); a second one exits at once.
    let mut interrupts = match Interrupts::listen() {
        Ok(i) => i,
        Err(e) => {
            eprintln!("kafka-proxy: cannot listen for Ctrl-C: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("kafka-proxy listening on http://{addr}");
    println!("token: {token}");
    let shutdown = async move {
        interrupts.next().await;
        eprintln!(
            "kafka-proxy: stopping (ending the sessions; press Ctrl-C again to exit at once)"
        );
        tokio::spawn(async move {
            interrupts.next().await;
            std::process::exit(130);
        });
    };
    match kafka_proxy::serve(config, listener, shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kafka-proxy: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Ctrl-C, registered when created (tokio's `ctrl_c()` registers only once first awaited).
#[cfg(unix)]
struct Interrupts(tokio::signal::unix::Signal);

#[cfg(unix)]
impl Interrupts {
    fn listen() -> std::io::Result<Self> {
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).map(Interrupts)
    }

    async fn next(&mut self) {
        self.0.recv().await;
    }
}

#[cfg(not(unix))]
struct Interrupts;

#[cfg(not(unix))]
impl Interrupts {
    fn listen() -> std::io::Result<Self> {
        Ok(Interrupts)
    }

    async fn next(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
