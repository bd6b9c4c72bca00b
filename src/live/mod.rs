//! Real-cluster mode: the same steps the player shows, run on a real Kafka cluster through `kafka-proxy`
//! (docs/real-cluster.md), and the real state laid out beside the model's with every difference marked.
//!
//! - `proxy_client`: the HTTP API and its errors; `real_run_json`: its answer read without serde's derive; `settings`: the remembered address and token.
//! - `model_run`: the scenario up to the player's cursor, and the model's output for it.
//! - `state`: the view's `Reducible` state; the comparison itself is `kafka_model::compare`, drawn as it comes.
//! - The components: `components/real_cluster_panel.rs` and `components/state_comparison.rs`.

pub mod model_run;
pub mod proxy_client;
pub mod real_run_json;
pub mod settings;
pub mod state;
