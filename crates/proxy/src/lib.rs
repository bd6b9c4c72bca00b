//! Real-cluster mode: runs the model's scenario steps on a real Kafka cluster with real clients and reports the
//! real state in the shape of the model's `final` section. The HTTP API is in `docs/real-cluster.md`.
//!
//! `server::serve` runs the proxy on a bound listener; `server::app` is the router alone, for tests.

pub mod broker_faults;
pub mod client_config;
pub mod client_kind;
pub mod config;
pub mod consumer;
pub mod consumer_client;
pub mod context;
pub mod driver;
pub mod driver_client;
pub mod driver_config;
pub mod driver_consumer;
pub mod driver_install;
pub mod driver_producer;
pub mod error;
pub mod error_name;
pub mod fd_budget;
pub mod guard;
pub mod leftovers;
pub mod observe;
pub mod producer;
pub mod producer_client;
pub mod real_state;
pub mod routes;
pub mod run_step;
pub mod scope;
pub mod server;
pub mod service;
pub mod session;
pub mod session_clients;
pub mod settle;
pub mod step_outcome;
pub mod token;
pub mod topics;

pub use config::Config;
pub use server::{app, serve};
